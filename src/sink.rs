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
}
