//! Stage 5, write: output files → a staging folder → swapped in for the
//! output folder only when the whole build succeeded. This is the only
//! module that touches the output folder; a failed build leaves the
//! previous output byte for byte as it was.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use crate::sink::Sink;

/// A fresh folder next to the output folder (same file system, so the
/// final swap is two renames).
pub struct Staging {
    root: PathBuf,
    out: PathBuf,
    dir: PathBuf,
    /// Folders already created: saves a `stat` per file written.
    created: Mutex<HashSet<PathBuf>>,
    /// Files written or copied, for the summary after `build`.
    files: std::sync::atomic::AtomicUsize,
}

impl Staging {
    /// `root` is the site root (for copies), `out` the final output folder.
    pub fn create(root: &Path, out: &Path) -> io::Result<Staging> {
        let dir = sibling(out, "staging");
        if dir.exists() {
            // Left over from a build that was killed.
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        Ok(Staging {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            dir,
            created: Mutex::new(HashSet::new()),
            files: std::sync::atomic::AtomicUsize::new(0),
        })
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

    /// Replace the output folder with the staged one.
    /// How many files were written or copied so far.
    pub fn files(&self) -> usize {
        self.files.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn commit(self) -> io::Result<()> {
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
        Ok(())
    }

    /// Throw the staged files away; the output folder was never touched.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        fs::write(self.target(rel)?, bytes)?;
        self.files
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    fn copy(&self, rel: &str, from_site_path: &str) -> io::Result<()> {
        fs::copy(self.root.join(from_site_path), self.target(rel)?)?;
        self.files
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
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
}
