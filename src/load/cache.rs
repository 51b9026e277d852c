//! Parsed catalog items kept between loads, so that `gongkai serve`
//! re-reads a 10,000-item site after a one-file edit without parsing the
//! 9,999 files that did not change.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::diagnostics::Diagnostics;
use crate::model::CatalogItem;

/// What identifies one version of a file without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl FileStamp {
    pub(super) fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        Some(FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

#[derive(Clone, Debug)]
pub(super) struct CachedItem {
    /// `None` when the file could not be stat'ed: parsed again next time.
    pub(super) stamp: Option<FileStamp>,
    pub(super) item: Option<CatalogItem>,
    pub(super) diagnostics: Diagnostics,
}

/// What [`super::load_reusing`] read last time, to be read again only
/// where something changed.
#[derive(Debug, Default)]
pub struct ItemCache {
    /// Parsed items by path relative to the site root.
    pub(super) entries: HashMap<PathBuf, CachedItem>,
    /// Everything but the items, from the last load; `None` when something
    /// other than an item file changed since, so that the tree must be
    /// read again.
    pub(super) tree: Option<super::Tree>,
    /// Item files reported changed since the last load.
    pub(super) changed_items: BTreeSet<PathBuf>,
}

impl ItemCache {
    /// The catalog item file `rel` (relative to the site root, `/`
    /// separators) was written, created or deleted: the next load reads
    /// it again, whatever its size and modification time say (a second
    /// save within the file system's timestamp granularity would look
    /// unchanged).
    pub fn item_changed(&mut self, rel: &Path) {
        self.changed_items.insert(rel.to_path_buf());
    }

    /// Something other than an item file changed (a folder, a department,
    /// `site.toml`, an attachment): the next load reads the whole tree,
    /// still reusing the items whose file did not change.
    pub fn site_changed(&mut self) {
        self.tree = None;
    }

    /// Number of items held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
