//! Stage 5, write: output files → a staging folder → swapped in for the
//! output folder only when the whole build succeeded. This is the only
//! module that touches the output folder; a failed build leaves the
//! previous output byte for byte as it was.
//!
//! A file that the previous build wrote with the same bytes (or, for a
//! rendered page, from the same inputs: [`Sink::reuse`]) is kept from the
//! previous output instead of written: it keeps its inode, bytes and
//! modification time, so rsync and static hosts skip it. A file of the
//! previous output is never written to.
//!
//! Two ways to put the new output in place:
//! - **Patch** (the ledger describes the output folder as it is): only new
//!   bytes are staged; on success they are renamed into the output folder
//!   one by one and the previous build's files that this build did not make
//!   are deleted. Kept files are not touched at all: a build after one
//!   commit costs what changed, not a link and an unlink per file.
//! - **Swap** (no ledger, or the output folder changed since it was
//!   saved): every file goes into the staging folder (kept ones
//!   hard-linked), which then replaces the output folder by two renames.
//!
//! Either way the ledger is deleted before the output folder changes and
//! saved after, so a build that dies while applying leaves no ledger and the
//! next build is a swap: what it does not make is gone, as after a clean
//! build.

mod ledger;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Write as _};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub use crate::sink::Sink;
use crate::sink::{Digest, Key};
use ledger::{Record, Stamp};

/// A fresh folder next to the output folder (same file system, so the
/// final swap is two renames, and a patch's files rename into place).
pub struct Staging {
    root: PathBuf,
    out: PathBuf,
    dir: PathBuf,
    /// Folders already created: saves a `stat` per file written.
    created: Mutex<HashSet<PathBuf>>,
    /// Files written or copied, for the summary after `build`.
    files: AtomicUsize,
    /// Files linked from the previous output: by key (not made again), and
    /// by equal bytes (made again, found unchanged).
    reused: AtomicUsize,
    unchanged: AtomicUsize,
    /// The previous build's ledger, and this build's.
    ledger: PathBuf,
    previous: HashMap<String, Record>,
    /// The previous output folder, opened once when it has files to reuse:
    /// each file's `stat` then walks only its own path (a rebuild checks
    /// every file it keeps, 97,000 at 10,000 items with history).
    previous_dir: Option<OwnedFd>,
    records: Mutex<ledger::Records>,
    /// Patch the output folder in place: only `staged` files are in the
    /// staging folder (see the module's notes).
    patch: bool,
    staged: Mutex<Vec<String>>,
}

/// What [`Staging::commit`] put in place, for the build summary.
#[derive(Clone, Copy, Debug, Default)]
pub struct Written {
    pub files: usize,
    /// Linked from the previous output without being made again.
    pub reused: usize,
    /// Made again, found byte-identical, linked (keeping their time).
    pub unchanged: usize,
}

/// What the previous build left, read without writing anything: a build
/// reads it while the site loads, and makes its [`Staging`] only once the
/// content is known to build (a failed build creates no folder at all).
pub struct Previous {
    root: PathBuf,
    out: PathBuf,
    ledger: PathBuf,
    previous: ledger::Ledger,
    /// Whether the ledger describes the output folder as it is.
    patch: bool,
}

impl Previous {
    /// `root` is the site root (for copies), `out` the final output folder.
    /// The previous build's ledger is read from `<root>/.gongkai-cache/`
    /// (one per output folder); deleting it makes a full build.
    pub fn read(root: &Path, out: &Path) -> Previous {
        let ledger = ledger::path(&root.join(".gongkai-cache"), out);
        let previous = ledger::load(&ledger);
        Previous {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            patch: previous.describes(out),
            previous,
            ledger,
        }
    }
}

impl Staging {
    /// [`Previous::read`], then [`Staging::from_previous`].
    pub fn create(root: &Path, out: &Path) -> io::Result<Staging> {
        Staging::from_previous(Previous::read(root, out))
    }

    /// The staging folder next to the output folder, made (and emptied of
    /// what a build that was killed left there).
    pub fn from_previous(previous: Previous) -> io::Result<Staging> {
        let Previous {
            root,
            out,
            ledger,
            previous,
            patch,
        } = previous;
        let dir = sibling(&out, "staging");
        if dir.exists() {
            // Left over from a build that was killed.
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        let previous_dir = (!previous.files.is_empty())
            .then(|| ledger::open_folder(&out))
            .flatten();
        Ok(Staging {
            root,
            out,
            dir,
            created: Mutex::new(HashSet::new()),
            files: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            previous: previous.files,
            previous_dir,
            ledger,
            records: Mutex::new(ledger::Records::default()),
            patch,
            staged: Mutex::new(Vec::new()),
        })
    }

    /// The previous output's `rel`, when it is still as the ledger recorded
    /// it (and, with `key`, was made from that key).
    fn previous(&self, rel: &str, key: Option<&Key>) -> Option<&Record> {
        // A first build: nothing to look up (and no path to hash).
        let dir = self.previous_dir.as_ref()?;
        let record = self.previous.get(rel)?;
        if key.is_some() && record.key.as_ref() != key {
            return None;
        }
        (Stamp::in_folder(dir, rel, ledger::FileType::RegularFile)? == record.stamp)
            .then_some(record)
    }

    fn record(&self, rel: &str, record: Record) {
        self.records
            .lock()
            .expect("no panics while held")
            .push(rel, record);
    }

    /// Write `bytes` as `rel`, or link the previous output's file when it
    /// holds the same bytes. `sha` is their SHA-256 when the caller has it.
    fn put(
        &self,
        rel: &str,
        key: Option<&Key>,
        sha: Option<&Digest>,
        bytes: &[u8],
    ) -> io::Result<()> {
        check(rel)?;
        let sha = sha.copied().unwrap_or_else(|| ledger::sha256(bytes));
        self.files.fetch_add(1, Ordering::Relaxed);
        if let Some(old) = self.previous(rel, None)
            && old.sha == sha
            && (self.patch || fs::hard_link(self.out.join(rel), self.target(rel)?).is_ok())
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            self.record(
                rel,
                Record {
                    key: key.copied(),
                    sha,
                    stamp: old.stamp,
                },
            );
            return Ok(());
        }
        let path = self.target(rel)?;
        let mut file = match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => file,
            // Linked from the previous output earlier in this build (a
            // reuse that fell through): writing into it would change the
            // previous output, so the link goes first.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                fs::remove_file(&path)?;
                fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)?
            }
            Err(e) => return Err(e),
        };
        file.write_all(bytes)?;
        // A rename keeps the inode and the time: the stamp holds in place.
        let stamp = Stamp::of(&file.metadata()?);
        if self.patch {
            self.staged
                .lock()
                .expect("no panics while held")
                .push(rel.to_string());
        }
        self.record(
            rel,
            Record {
                key: key.copied(),
                sha,
                stamp,
            },
        );
        Ok(())
    }

    /// `rel` in the staging folder, its folders made.
    fn target(&self, rel: &str) -> io::Result<PathBuf> {
        check(rel)?;
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            make_folder(&self.created, parent)?;
        }
        Ok(path)
    }

    /// Whether a ledger of the previous build into this folder was found:
    /// a rebuild, which may keep what did not change.
    pub fn has_previous(&self) -> bool {
        !self.previous.is_empty()
    }

    /// How many files were written, copied or linked so far.
    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Replace the output folder with the staged one, and keep the ledger
    /// of what it holds for the next build.
    pub fn commit(self) -> io::Result<Written> {
        let written = Written {
            files: self.files(),
            reused: self.reused.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        };
        let records = self.records.into_inner().expect("not poisoned");
        let staged = self.staged.into_inner().expect("not poisoned");
        if self.patch
            && staged.is_empty()
            && records.len() == self.previous.len()
            && records
                .iter()
                .all(|(rel, r)| self.previous.get(rel) == Some(r))
        {
            // Nothing to change, and the ledger already says so.
            fs::remove_dir_all(&self.dir)?;
            return Ok(written);
        }
        // From here until the new ledger is saved, no ledger describes the
        // output folder.
        ledger::forget(&self.ledger);
        if self.patch {
            apply(&self.dir, &self.out, &self.previous, &records, staged)?;
        } else {
            swap(&self.dir, &self.out)?;
        }
        // Only a cache: the output is in place whether or not it is saved.
        let _ = ledger::save(&self.ledger, &self.out, &records);
        Ok(written)
    }

    /// Throw the staged files away; the output folder was never touched.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Every path is made by `urls` from validated parts; this is the last line
/// of defence against leaving the folder.
fn check(rel: &str) -> io::Result<()> {
    if rel.split('/').any(|p| p == ".." || p == ".") || rel.starts_with('/') || rel.contains('\\') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output: {rel}"),
        ));
    }
    Ok(())
}

/// `create_dir_all`, remembering what was made: saves a `stat` per file.
fn make_folder(created: &Mutex<HashSet<PathBuf>>, folder: &Path) -> io::Result<()> {
    let known = created
        .lock()
        .expect("no panics while held")
        .contains(folder);
    if !known {
        fs::create_dir_all(folder)?;
        created
            .lock()
            .expect("no panics while held")
            .insert(folder.to_path_buf());
    }
    Ok(())
}

/// Patch `out` into this build's output: delete what the previous build
/// made and this one did not (and the folders that leaves empty), then
/// rename each `staged` file from `dir` into place. Not one atomic step: a
/// reader sees old and new files side by side for the moment it takes, and
/// a build killed here leaves a mixed folder but no ledger, so the next
/// build swaps in a whole new one.
fn apply(
    dir: &Path,
    out: &Path,
    previous: &HashMap<String, Record>,
    records: &ledger::Records,
    mut staged: Vec<String>,
) -> io::Result<()> {
    let made: HashSet<&str> = records.iter().map(|(rel, _)| rel).collect();
    let mut stale: Vec<&str> = previous
        .keys()
        .map(String::as_str)
        .filter(|rel| !made.contains(rel))
        .collect();
    // Deepest first, so that a folder is emptied before it is tried.
    stale.sort_unstable_by(|a, b| b.cmp(a));
    for rel in &stale {
        match fs::remove_file(out.join(rel)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let mut rel = *rel;
        while let Some((parent, _)) = rel.rsplit_once('/') {
            // Fails, and stops, at the first folder that still holds something.
            if fs::remove_dir(out.join(parent)).is_err() {
                break;
            }
            rel = parent;
        }
    }
    staged.sort_unstable();
    staged.dedup();
    let created = Mutex::new(HashSet::new());
    for rel in &staged {
        let to = out.join(rel);
        if let Some(parent) = to.parent() {
            make_folder(&created, parent)?;
        }
        fs::rename(dir.join(rel), to)?;
    }
    // Only empty folders are left.
    fs::remove_dir_all(dir)
}

/// Replace `out` with `dir` by two renames.
fn swap(dir: &Path, out: &Path) -> io::Result<()> {
    let old = sibling(out, "old");
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    if out.exists() {
        fs::rename(out, &old)?;
    }
    if let Err(e) = fs::rename(dir, out) {
        // Put the previous output back before reporting.
        let _ = fs::rename(&old, out);
        return Err(e);
    }
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    Ok(())
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.put(rel, None, None, bytes)
    }

    fn copy(&self, rel: &str, from_site_path: &str) -> io::Result<()> {
        // Read, not `fs::copy`: an unchanged attachment keeps its time too.
        let bytes = fs::read(self.root.join(from_site_path))?;
        self.put(rel, None, None, &bytes)
    }

    fn write_keyed(&self, rel: &str, key: &Key, bytes: &[u8]) -> io::Result<()> {
        self.put(rel, Some(key), None, bytes)
    }

    fn write_digested(
        &self,
        rel: &str,
        key: Option<&Key>,
        digest: &Digest,
        bytes: &[u8],
    ) -> io::Result<()> {
        self.put(rel, key, Some(digest), bytes)
    }

    fn reuse(&self, rels: &[&str], key: &Key) -> io::Result<Option<Vec<Digest>>> {
        let mut found = Vec::with_capacity(rels.len());
        for rel in rels {
            match self.previous(rel, Some(key)) {
                Some(record) => found.push((*rel, record)),
                None => return Ok(None),
            }
        }
        for (rel, _) in &found {
            if self.patch {
                // Kept where it is.
                check(rel)?;
            } else if fs::hard_link(self.out.join(rel), self.target(rel)?).is_err() {
                // Another file system, or no hard links: made again instead.
                return Ok(None);
            }
        }
        let mut digests = Vec::with_capacity(found.len());
        for (rel, record) in found {
            self.files.fetch_add(1, Ordering::Relaxed);
            self.reused.fetch_add(1, Ordering::Relaxed);
            self.record(rel, record.clone());
            digests.push(record.sha);
        }
        Ok(Some(digests))
    }

    fn can_reuse(&self) -> bool {
        self.previous_dir.is_some()
    }
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_replaces_and_abandon_keeps() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("old.html"), "old").unwrap();

        let s = Staging::create(tmp.path(), &out).unwrap();
        s.write("a/index.html", b"new").unwrap();
        s.abandon();
        assert_eq!(fs::read_to_string(out.join("old.html")).unwrap(), "old");

        let s = Staging::create(tmp.path(), &out).unwrap();
        s.write("a/index.html", b"new").unwrap();
        assert!(s.write("../escape.html", b"x").is_err());
        s.commit().unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "new");
        assert!(!tmp.path().join("escape.html").exists());
    }

    /// A digest handed over with the bytes (by `seal::Sealing`, which
    /// hashed them for the manifest) is the one the ledger keeps: the bytes
    /// are not hashed again. (A made-up digest shows it was not recomputed.)
    #[test]
    fn a_handed_over_digest_is_kept_not_computed_again() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::create(tmp.path(), &out).unwrap();
        s.write_digested("c/index.html", Some(&[1; 32]), &[7; 32], b"page")
            .unwrap();
        s.write_digested("d.html", None, &[8; 32], b"plain")
            .unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("d.html")).unwrap(), "plain");
        let s = Staging::create(tmp.path(), &out).unwrap();
        assert_eq!(
            s.reuse(&["c/index.html"], &[1; 32]).unwrap(),
            Some(vec![[7; 32]])
        );
        assert_eq!(s.previous["d.html"].sha, [8; 32]);
        assert_eq!(s.previous["d.html"].key, None);
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_and_the_previous_output_is_never_written() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let inode = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
        let read = |rel: &str| fs::read_to_string(out.join(rel)).unwrap();
        let s = Staging::create(tmp.path(), &out).unwrap();
        s.write("a.html", b"same").unwrap();
        s.write("b.html", b"old").unwrap();
        s.write_keyed("c/index.html", &[1; 32], b"page").unwrap();
        s.commit().unwrap();
        let (a, c) = (inode("a.html"), inode("c/index.html"));

        let next = |s: &Staging| {
            s.write("a.html", b"same").unwrap();
            s.write("b.html", b"new").unwrap();
            assert!(s.reuse(&["c/index.html"], &[2; 32]).unwrap().is_none());
            assert!(s.reuse(&["c/index.html"], &[1; 32]).unwrap().is_some());
        };
        // A failed build: the previous output as it was, even where a
        // linked path was written again.
        let s = Staging::create(tmp.path(), &out).unwrap();
        next(&s);
        s.write("c/index.html", b"other").unwrap();
        s.abandon();
        assert_eq!(
            (read("a.html"), read("b.html"), read("c/index.html")),
            ("same".into(), "old".into(), "page".into())
        );

        let s = Staging::create(tmp.path(), &out).unwrap();
        next(&s);
        let written = s.commit().unwrap();
        assert_eq!(
            (written.files, written.reused, written.unchanged),
            (3, 1, 1)
        );
        assert_eq!((inode("a.html"), inode("c/index.html")), (a, c));
        assert_eq!(read("b.html"), "new");

        // A file edited by hand since is made again, not linked.
        fs::write(out.join("c/index.html"), "edited").unwrap();
        let s = Staging::create(tmp.path(), &out).unwrap();
        assert!(s.reuse(&["c/index.html"], &[1; 32]).unwrap().is_none());
        s.abandon();
    }
}

#[cfg(test)]
mod patch_tests {
    use super::*;

    /// Every file under `dir`, with its bytes; folders end with `/`.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        fn walk(dir: &Path, rel: &str, all: &mut Vec<(String, String)>) {
            for entry in fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                let name = entry.file_name().into_string().unwrap();
                let rel = format!("{rel}{name}");
                if entry.file_type().unwrap().is_dir() {
                    all.push((format!("{rel}/"), String::new()));
                    walk(&entry.path(), &format!("{rel}/"), all);
                } else {
                    all.push((rel, fs::read_to_string(entry.path()).unwrap()));
                }
            }
        }
        let mut all = Vec::new();
        walk(dir, "", &mut all);
        all.sort();
        all
    }

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = list
            .iter()
            .map(|(rel, text)| (rel.to_string(), text.to_string()))
            .collect();
        all.sort();
        all
    }

    /// A first build: `a.html`, `old/deep/x.html`, a keyed page.
    fn first(root: &Path, out: &Path) {
        let s = Staging::create(root, out).unwrap();
        s.write("a.html", b"same").unwrap();
        s.write("old/deep/x.html", b"stale").unwrap();
        s.write_keyed("c/index.html", &[1; 32], b"page").unwrap();
        s.commit().unwrap();
    }

    /// The next build: `old/` is no longer made, `b/new.html` is.
    fn second(s: &Staging) {
        s.write("a.html", b"same").unwrap();
        // Without a ledger (after a killed apply) the page is made again.
        if s.reuse(&["c/index.html"], &[1; 32]).unwrap().is_none() {
            assert!(s.previous.is_empty());
            s.write_keyed("c/index.html", &[1; 32], b"page").unwrap();
        }
        s.write("b/new.html", b"new").unwrap();
    }

    fn after_second() -> Vec<(String, String)> {
        files(&[
            ("a.html", "same"),
            ("b/", ""),
            ("b/new.html", "new"),
            ("c/", ""),
            ("c/index.html", "page"),
        ])
    }

    #[cfg(unix)]
    #[test]
    fn a_patch_writes_only_new_bytes_and_removes_what_was_not_made() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        assert!(!Staging::create(tmp.path(), &out).unwrap().patch);
        first(tmp.path(), &out);
        let inode = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
        let (a, c) = (inode("a.html"), inode("c/index.html"));

        let s = Staging::create(tmp.path(), &out).unwrap();
        assert!(s.patch);
        second(&s);
        // Only the new bytes are staged.
        assert_eq!(tree(&s.dir), files(&[("b/", ""), ("b/new.html", "new")]));
        let written = s.commit().unwrap();
        assert_eq!(
            (written.files, written.reused, written.unchanged),
            (3, 1, 1)
        );
        // The stale file and the folders it leaves empty are gone.
        assert_eq!(tree(&out), after_second());
        assert_eq!((inode("a.html"), inode("c/index.html")), (a, c));
        assert!(!sibling(&out, "staging").exists());
        assert!(!sibling(&out, "old").exists());

        // And the ledger describes the patched folder: the next build
        // patches again and keeps everything.
        let s = Staging::create(tmp.path(), &out).unwrap();
        assert!(s.patch);
        second(&s);
        let written = s.commit().unwrap();
        assert_eq!((written.reused, written.unchanged), (1, 2));
        assert_eq!(tree(&out), after_second());
    }

    #[test]
    fn a_failed_patch_build_leaves_the_output_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        first(tmp.path(), &out);
        let before = tree(&out);
        let s = Staging::create(tmp.path(), &out).unwrap();
        assert!(s.patch);
        second(&s);
        s.write("c/index.html", b"other").unwrap();
        s.write("a.html", b"changed").unwrap();
        s.abandon();
        assert_eq!(tree(&out), before);
        assert!(!sibling(&out, "staging").exists());
        // Nothing was lost: the next build still patches.
        assert!(Staging::create(tmp.path(), &out).unwrap().patch);
    }

    #[test]
    fn an_output_changed_by_hand_or_a_killed_apply_is_replaced_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        first(tmp.path(), &out);
        // A file added by hand is not in the ledger: the build swaps, and
        // the file is gone as after a clean build.
        fs::write(out.join("c/extra.html"), "by hand").unwrap();
        let s = Staging::create(tmp.path(), &out).unwrap();
        assert!(!s.patch);
        second(&s);
        s.commit().unwrap();
        assert_eq!(tree(&out), after_second());

        // An apply killed halfway: the ledger was already forgotten, the
        // new file is in place, the stale one is not yet deleted.
        first(tmp.path(), &out);
        let s = Staging::create(tmp.path(), &out).unwrap();
        assert!(s.patch);
        second(&s);
        ledger::forget(&s.ledger);
        fs::create_dir_all(out.join("b")).unwrap();
        fs::rename(s.dir.join("b/new.html"), out.join("b/new.html")).unwrap();
        fs::write(s.dir.join("b/left.html"), "left").unwrap();
        drop(s);
        let s = Staging::create(tmp.path(), &out).unwrap();
        assert!(!s.patch);
        second(&s);
        s.commit().unwrap();
        assert_eq!(tree(&out), after_second());
        assert!(!sibling(&out, "staging").exists());
    }
}
