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

#[cfg(test)]
mod tests {
    use std::fs;

    use super::super::{load, load_reusing};
    use super::*;

    /// What a load found, in a comparable form.
    fn summary(root: &Path, cache: Option<&mut ItemCache>) -> String {
        let (raw, diagnostics) = match cache {
            Some(cache) => load_reusing(root, Some(cache)).unwrap(),
            None => load(root).unwrap(),
        };
        format!(
            "{:?}\n{:?}\n{:?}",
            raw.items,
            raw.departments.iter().map(|d| &d.name).collect::<Vec<_>>(),
            diagnostics
                .0
                .iter()
                .map(|d| (&d.file, d.line, d.code))
                .collect::<Vec<_>>()
        )
    }

    fn copy_dir(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    #[test]
    fn reusing_loads_what_a_fresh_load_reads() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid"),
            root,
        );
        let mut cache = ItemCache::default();
        assert_eq!(summary(root, Some(&mut cache)), summary(root, None));
        assert!(!cache.is_empty());

        // An item edited, one added in a new place in path order, one
        // deleted, reported as item changes: no walk.
        let edited = Path::new("content/bgt/catalog/01-typo.md");
        let text = fs::read_to_string(root.join(edited)).unwrap();
        fs::write(root.join(edited), text.replace("titel", "title")).unwrap();
        let added = Path::new("content/bgt/catalog/05-duplicate-aa.md");
        fs::copy(
            root.join("content/bgt/catalog/05-duplicate-a.md"),
            root.join(added),
        )
        .unwrap();
        let deleted = Path::new("content/bgt/catalog/08-kind.md");
        fs::remove_file(root.join(deleted)).unwrap();
        for rel in [edited, added, deleted] {
            cache.item_changed(rel);
        }
        assert!(cache.tree.is_some());
        assert_eq!(summary(root, Some(&mut cache)), summary(root, None));

        // A change the cache is not told about is found by its stamp once
        // the tree is read again.
        fs::write(root.join(edited), text.replace("titel", "tittle")).unwrap();
        cache.site_changed();
        assert_eq!(summary(root, Some(&mut cache)), summary(root, None));
        fs::write(
            root.join("content/bgt/department.toml"),
            "name = \"改名\"\n",
        )
        .unwrap();
        cache.site_changed();
        assert_eq!(summary(root, Some(&mut cache)), summary(root, None));
        let item_files = walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .filter(|e| e.path().components().any(|c| c.as_os_str() == "catalog"))
            .count();
        assert_eq!(cache.len(), item_files, "deleted files are forgotten");
    }
}
