//! The seam between the stages that make files (render, the search
//! export) and where the files go (`write::Staging` for `build`, a
//! `serve::MemorySink` for the preview). It sits below every stage so that
//! no stage imports a later one to hand its files on.

use std::io;

/// The hash of everything a file is made from (see `render::reuse`): two
/// builds that give a file the same key give it the same bytes.
pub type Key = [u8; 32];

/// A file's SHA-256.
pub type Digest = [u8; 32];

/// Where rendered files go. Paths are site-relative with `/` separators.
pub trait Sink: Sync {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    /// Copy a file of the site (path relative to the site root) unchanged.
    fn copy(&self, rel: &str, from_site_path: &str) -> io::Result<()>;

    /// [`Sink::write`] for a file made only from inputs that hash to `key`,
    /// so that the next build can [`Sink::reuse`] it.
    fn write_keyed(&self, rel: &str, _key: &Key, bytes: &[u8]) -> io::Result<()> {
        self.write(rel, bytes)
    }

    /// [`Sink::write_keyed`] (with a key) or [`Sink::write`] for a file
    /// whose SHA-256 the caller has computed already (`seal::Sealing`
    /// hashes every file for the manifest): a sink that keeps files' hashes
    /// (`write::Staging`, for its ledger) takes `digest` instead of hashing
    /// the bytes a second time.
    fn write_digested(
        &self,
        rel: &str,
        key: Option<&Key>,
        _digest: &Digest,
        bytes: &[u8],
    ) -> io::Result<()> {
        match key {
            Some(key) => self.write_keyed(rel, key, bytes),
            None => self.write(rel, bytes),
        }
    }

    /// Put the previous build's files `rels` in place, all of them or none,
    /// when each was written with `key` and has not changed since; their
    /// SHA-256s, or `None` when they must be made again. Sinks without a
    /// previous build never reuse.
    fn reuse(&self, _rels: &[&str], _key: &Key) -> io::Result<Option<Vec<Digest>>> {
        Ok(None)
    }

    /// Whether [`Sink::reuse`] can find anything: false for a sink with no
    /// previous build, so that a first build tries nothing it cannot keep.
    fn can_reuse(&self) -> bool {
        false
    }
}

/// A value for each file a build writes, in the order written, with the
/// paths end to end in one string: at 500,000 items a build writes 3.4
/// million files, and a `String` per path cost its header and allocation
/// besides (the manifest's hashes in `seal`, the ledger's records in
/// `write`).
#[derive(Debug)]
pub struct PathList<T> {
    paths: String,
    /// End of each path in `paths`, and its value.
    entries: Vec<(u32, T)>,
}

impl<T> Default for PathList<T> {
    fn default() -> Self {
        PathList {
            paths: String::new(),
            entries: Vec::new(),
        }
    }
}

impl<T> PathList<T> {
    pub fn push(&mut self, rel: &str, value: T) {
        self.paths.push_str(rel);
        let end = u32::try_from(self.paths.len()).expect("under 4 GB of paths");
        self.entries.push((end, value));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// (path, value), in the order written.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        let mut start = 0;
        self.entries.iter().map(move |(end, value)| {
            let end = *end as usize;
            let path = &self.paths[start..end];
            start = end;
            (path, value)
        })
    }
}
