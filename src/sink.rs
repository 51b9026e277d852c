//! The seam between the stages that make files (render, the search
//! export) and where the files go (`write::Staging` for `build`, a
//! `serve::MemorySink` for the preview). It sits below every stage so that
//! no stage imports a later one to hand its files on.

use std::io;

/// Where rendered files go. Paths are site-relative with `/` separators.
pub trait Sink: Sync {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    /// Copy a file of the site (path relative to the site root) unchanged.
    fn copy(&self, rel: &str, from_site_path: &str) -> io::Result<()>;
}
