//! A [`Sink`] that keeps the rendered site in memory: `serve` never writes
//! `public/`.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::sink::Sink;

/// One output file.
#[derive(Clone, Debug)]
pub enum Body {
    Bytes(Vec<u8>),
    /// A file of the site copied unchanged (an attachment): read when it
    /// is requested rather than held in memory.
    SiteFile(PathBuf),
}

impl Body {
    pub fn read(&self) -> io::Result<Vec<u8>> {
        match self {
            Body::Bytes(bytes) => Ok(bytes.clone()),
            Body::SiteFile(path) => std::fs::read(path),
        }
    }
}

/// Output files by site-relative path (`items/x/index.html`).
pub type Files = HashMap<String, Body>;

pub struct MemorySink<'a> {
    root: PathBuf,
    files: Mutex<Files>,
    /// Set when a newer edit makes this render pointless: the next write
    /// fails with [`io::ErrorKind::Interrupted`] and rendering stops.
    cancel: Option<&'a AtomicBool>,
}

impl<'a> MemorySink<'a> {
    pub fn new(root: &Path, cancel: Option<&'a AtomicBool>) -> Self {
        MemorySink {
            root: root.to_path_buf(),
            files: Mutex::new(Files::new()),
            cancel,
        }
    }

    pub fn into_files(self) -> Files {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn insert(&self, rel: &str, body: Body) -> io::Result<()> {
        if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "superseded by a newer edit",
            ));
        }
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), body);
        Ok(())
    }
}

impl Sink for MemorySink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.insert(rel, Body::Bytes(bytes.to_vec()))
    }

    fn copy(&self, rel: &str, from_site_path: &str) -> io::Result<()> {
        self.insert(rel, Body::SiteFile(self.root.join(from_site_path)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_files_and_stops_when_cancelled() {
        let cancel = AtomicBool::new(false);
        let sink = MemorySink::new(Path::new("/site"), Some(&cancel));
        sink.write("a/index.html", b"page").unwrap();
        sink.copy("files/x.pdf", "content/d/files/x.pdf").unwrap();
        cancel.store(true, Ordering::Relaxed);
        let err = sink.write("b/index.html", b"late").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Interrupted);
        let files = sink.into_files();
        assert_eq!(files.len(), 2);
        assert!(matches!(&files["a/index.html"], Body::Bytes(b) if b == b"page"));
        assert!(
            matches!(&files["files/x.pdf"], Body::SiteFile(p) if p == Path::new("/site/content/d/files/x.pdf"))
        );
    }
}
