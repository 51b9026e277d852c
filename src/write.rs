//! Stage 5, write: output files → a staging folder → swapped in for the
//! output folder only when the whole build succeeded. This is the only
//! module that touches the output folder; a failed build leaves the
//! previous output byte for byte as it was.
//!
//! A file that the previous build wrote with the same bytes (or, for a
//! rendered page, from the same inputs: [`Sink::reuse`]) is hard-linked
//! from the previous output instead of written: it keeps its inode, bytes
//! and modification time, so rsync and static hosts skip it. A file of the
//! previous output is never written to; the staging folder starts empty, so
//! what the new build does not make is gone, as after a clean build.

mod ledger;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub use crate::sink::Sink;
use crate::sink::{Digest, Key};
use ledger::{Record, Stamp};

/// A fresh folder next to the output folder (same file system, so the
/// final swap is two renames).
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
    records: Mutex<Vec<(String, Record)>>,
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

impl Staging {
    /// `root` is the site root (for copies), `out` the final output folder.
    /// The previous build's ledger is read from `<root>/.gongkai-cache/`
    /// (one per output folder); deleting it makes a full build.
    pub fn create(root: &Path, out: &Path) -> io::Result<Staging> {
        let dir = sibling(out, "staging");
        if dir.exists() {
            // Left over from a build that was killed.
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        let ledger = ledger::path(&root.join(".gongkai-cache"), out);
        Ok(Staging {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            dir,
            created: Mutex::new(HashSet::new()),
            files: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            previous: ledger::load(&ledger),
            ledger,
            records: Mutex::new(Vec::new()),
        })
    }

    /// The previous output's `rel`, when it is still as the ledger recorded
    /// it (and, with `key`, was made from that key).
    fn previous(&self, rel: &str, key: Option<&Key>) -> Option<(&Record, PathBuf)> {
        let record = self.previous.get(rel)?;
        if key.is_some() && record.key.as_ref() != key {
            return None;
        }
        let old = self.out.join(rel);
        (Stamp::at(&old)? == record.stamp).then_some((record, old))
    }

    fn record(&self, rel: &str, record: Record) {
        self.records
            .lock()
            .expect("no panics while held")
            .push((rel.to_string(), record));
    }

    /// Write `bytes` as `rel`, or link the previous output's file when it
    /// holds the same bytes.
    fn put(&self, rel: &str, key: Option<&Key>, bytes: &[u8]) -> io::Result<()> {
        let path = self.target(rel)?;
        let sha = ledger::sha256(bytes);
        self.files.fetch_add(1, Ordering::Relaxed);
        if let Some((old, from)) = self.previous(rel, None)
            && old.sha == sha
            && fs::hard_link(&from, &path).is_ok()
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
        let stamp = Stamp::of(&file.metadata()?);
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

    fn target(&self, rel: &str) -> io::Result<PathBuf> {
        // Every path is made by `urls` from validated parts; this
        // is the last line of defence against leaving the folder.
        if rel.split('/').any(|p| p == ".." || p == ".")
            || rel.starts_with('/')
            || rel.contains('\\')
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output: {rel}"),
            ));
        }
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            let known = self
                .created
                .lock()
                .expect("no panics while held")
                .contains(parent);
            if !known {
                fs::create_dir_all(parent)?;
                self.created
                    .lock()
                    .expect("no panics while held")
                    .insert(parent.to_path_buf());
            }
        }
        Ok(path)
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
        // From here until the new ledger is saved, no ledger describes the
        // output folder.
        ledger::forget(&self.ledger);
        let old = sibling(&self.out, "old");
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        if self.out.exists() {
            fs::rename(&self.out, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            // Put the previous output back before reporting.
            let _ = fs::rename(&old, &self.out);
            return Err(e);
        }
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        let records = self.records.into_inner().expect("not poisoned");
        // Only a cache: the output is in place whether or not it is saved.
        let _ = ledger::save(&self.ledger, records);
        Ok(written)
    }

    /// Throw the staged files away; the output folder was never touched.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.put(rel, None, bytes)
    }

    fn copy(&self, rel: &str, from_site_path: &str) -> io::Result<()> {
        // Read, not `fs::copy`: an unchanged attachment keeps its time too.
        let bytes = fs::read(self.root.join(from_site_path))?;
        self.put(rel, None, &bytes)
    }

    fn write_keyed(&self, rel: &str, key: &Key, bytes: &[u8]) -> io::Result<()> {
        self.put(rel, Some(key), bytes)
    }

    fn reuse(&self, rels: &[&str], key: &Key) -> io::Result<Option<Vec<Digest>>> {
        let mut found = Vec::with_capacity(rels.len());
        for rel in rels {
            match self.previous(rel, Some(key)) {
                Some((record, from)) => found.push((*rel, record, from)),
                None => return Ok(None),
            }
        }
        for (rel, _, from) in &found {
            // Another file system, or no hard links: made again instead.
            if fs::hard_link(from, self.target(rel)?).is_err() {
                return Ok(None);
            }
        }
        let mut digests = Vec::with_capacity(found.len());
        for (rel, record, _) in found {
            self.files.fetch_add(1, Ordering::Relaxed);
            self.reused.fetch_add(1, Ordering::Relaxed);
            self.record(rel, record.clone());
            digests.push(record.sha);
        }
        Ok(Some(digests))
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
