//! File-system events → [`Change`]s of the site, debounced: editors save
//! a file in several steps (write a temporary file, rename it over the
//! old one), and one save must make one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, EventKind, MetadataKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

/// A batch ends when no change has come for this long: long enough to
/// merge the writes and rename of one save, short enough to keep a
/// save-to-page time well under 200 ms.
const QUIET: Duration = Duration::from_millis(30);
/// A batch never waits longer than this, however busy the disk is (a `git
/// checkout` of many files).
const LONGEST_BATCH: Duration = Duration::from_millis(500);

/// What a changed path means for the site. Paths are relative to the site
/// root, `/`-separated.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// `content/<dept>/catalog/**/*.md`: a catalog item, whose pages can
    /// be shown before the rest of the site is rendered again.
    Item(PathBuf),
    /// Any other file under `content/`.
    Content(PathBuf),
    /// A file under `themes/`.
    Theme(PathBuf),
    /// `site.toml`.
    Config,
}

impl Change {
    /// The meaning of `path` (absolute), or `None` when the site does not
    /// read it (output folders, editors' backup and swap files, `.git`).
    pub fn of(root: &Path, path: &Path) -> Option<Change> {
        let rel = path.strip_prefix(root).ok()?;
        let parts: Vec<&str> = rel.iter().map(|p| p.to_str().unwrap_or("")).collect();
        let name = *parts.last()?;
        if is_scratch_file(name) {
            return None;
        }
        let rel = PathBuf::from(parts.join("/"));
        match parts.as_slice() {
            ["site.toml"] => Some(Change::Config),
            ["content", _, "catalog", .., _] if name.ends_with(".md") => Some(Change::Item(rel)),
            ["content", ..] => Some(Change::Content(rel)),
            ["themes", ..] => Some(Change::Theme(rel)),
            _ => None,
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            Change::Item(p) | Change::Content(p) | Change::Theme(p) => p,
            Change::Config => Path::new("site.toml"),
        }
    }
}

/// Files that editors write next to the real one while saving (vim's
/// `.x.swp` and `4913`, emacs's `#x#` and `.#x`, `x~` backups): never
/// content, and a rebuild for each would only flicker the browser.
fn is_scratch_file(name: &str) -> bool {
    name.is_empty()
        || name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Whether an event can mean new content. Reading a file is an event
/// too (inotify's `IN_OPEN`): counting it would make every rebuild, which
/// reads the site, trigger the next one.
fn is_write(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(notify::event::AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// Watches `content/` and `themes/` (recursively) and the site root (for
/// `site.toml`, and for `content/` or `themes/` appearing later). Drop it
/// to stop watching.
pub struct Watcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
    /// Folders watched recursively so far.
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Call `on_changes` with the changes of each batch (never empty),
    /// `on_error` with the watcher's failures, from a thread of its own.
    pub fn start(
        root: &Path,
        on_changes: impl Fn(Vec<Change>) + Send + 'static,
        on_error: impl Fn(String) + Send + 'static,
    ) -> notify::Result<Watcher> {
        // Events carry absolute paths: compare them with the canonical root.
        let root = root.canonicalize()?;
        let (events_tx, events_rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = events_tx.send(event);
        })?;
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        let event_root = root.clone();
        std::thread::spawn(move || batch_events(&event_root, &events_rx, &on_changes, &on_error));
        let mut watcher = Watcher {
            root,
            watcher,
            watched: BTreeSet::new(),
        };
        watcher.watch_folders()?;
        Ok(watcher)
    }

    /// Watch `content/` and `themes/` if they exist and are not watched
    /// yet; called again after each rebuild, since either may be created
    /// while serving.
    pub fn watch_folders(&mut self) -> notify::Result<()> {
        for name in ["content", "themes"] {
            let dir = self.root.join(name);
            if dir.is_dir() && !self.watched.contains(&dir) {
                self.watcher.watch(&dir, RecursiveMode::Recursive)?;
                self.watched.insert(dir);
            }
        }
        Ok(())
    }
}

/// Collect changes until the disk has been quiet for [`QUIET`], then hand
/// them over; until the watcher is dropped.
fn batch_events(
    root: &Path,
    events: &mpsc::Receiver<notify::Result<notify::Event>>,
    on_changes: &dyn Fn(Vec<Change>),
    on_error: &dyn Fn(String),
) {
    let mut batch: BTreeSet<Change> = BTreeSet::new();
    let mut started: Option<Instant> = None;
    loop {
        let event = match started {
            None => events
                .recv()
                .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
            Some(start) => {
                let left = LONGEST_BATCH.saturating_sub(start.elapsed());
                events.recv_timeout(QUIET.min(left))
            }
        };
        match event {
            Ok(Ok(event)) if is_write(&event.kind) => {
                let before = batch.len();
                batch.extend(event.paths.iter().filter_map(|p| Change::of(root, p)));
                if started.is_none() && batch.len() > before {
                    started = Some(Instant::now());
                }
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => on_error(e.to_string()),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                on_changes(std::mem::take(&mut batch).into_iter().collect());
                started = None;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        if started.is_some_and(|s| s.elapsed() >= LONGEST_BATCH) {
            on_changes(std::mem::take(&mut batch).into_iter().collect());
            started = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        let root = Path::new("/site");
        let of = |p: &str| Change::of(root, &root.join(p));
        assert_eq!(of("site.toml"), Some(Change::Config));
        assert_eq!(
            of("content/fgw/catalog/2024/2024-00001.md"),
            Some(Change::Item(
                "content/fgw/catalog/2024/2024-00001.md".into()
            ))
        );
        assert_eq!(
            of("content/fgw/department.toml"),
            Some(Change::Content("content/fgw/department.toml".into()))
        );
        assert_eq!(
            of("themes/default/templates/item.html"),
            Some(Change::Theme("themes/default/templates/item.html".into()))
        );
        for ignored in [
            "public/index.html",
            "target/debug/gongkai",
            ".git/index",
            "content/fgw/catalog/.2024-00001.md.swp",
            "content/fgw/catalog/2024-00001.md~",
            "content/fgw/catalog/4913",
            "README.md",
        ] {
            assert_eq!(of(ignored), None, "{ignored}");
        }
        assert_eq!(Change::of(root, Path::new("/elsewhere/site.toml")), None);
    }
}
