//! What reading the history produced, kept between builds: per commit, its
//! parents, date, message and the document files it changed. A
//! commit never changes, so a record keyed by its id is valid forever; the
//! file is only a cache and is rebuilt when it is missing, damaged or from
//! another version of gongkai.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

const CACHE_FILE: &str = "history.json";
/// Bump when the meaning of a record changes.
const FORMAT: u32 = 6;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileChange {
    /// Relative to the site root: `content/<dept>/catalog/….md`,
    /// `content/<dept>/powers/….toml`, `content/<dept>/guide.md`,
    /// `content/<dept>/department.toml` or
    /// `content/<dept>/reports/<year>.{toml,md}`.
    pub path: String,
    /// Blob id before (in the parent), `None` when added.
    pub old: Option<String>,
    /// Blob id after, `None` when deleted.
    pub new: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitRecord {
    pub parents: Vec<String>,
    /// Committer time.
    pub seconds: i64,
    pub offset: i32,
    /// First line of the message.
    pub summary: String,
    /// The `Public-Note:` trailers of the message, joined: the only words
    /// of a commit that pages show.
    pub public_note: Option<String>,
    /// One list per parent (against the empty tree for a root commit).
    pub changes: Vec<Vec<FileChange>>,
}

#[derive(Deserialize)]
struct CacheFile {
    format: u32,
    commits: BTreeMap<String, CommitRecord>,
}

#[derive(Serialize)]
struct CacheFileRef<'a> {
    format: u32,
    commits: &'a BTreeMap<String, CommitRecord>,
}

pub fn load(dir: &Path) -> BTreeMap<String, CommitRecord> {
    std::fs::read(dir.join(CACHE_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
        .filter(|c| c.format == FORMAT)
        .map(|c| c.commits)
        .unwrap_or_default()
}

/// Best effort: a read-only checkout still builds, only slower next time.
pub fn save(dir: &Path, commits: &BTreeMap<String, CommitRecord>) {
    let file = CacheFileRef {
        format: FORMAT,
        commits,
    };
    let Ok(bytes) = serde_json::to_vec(&file) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    // Keep the cache out of `git status` without touching the user's .gitignore.
    let _ = std::fs::write(dir.join(".gitignore"), "*\n");
    let tmp = dir.join(format!("{CACHE_FILE}.tmp"));
    if std::fs::write(&tmp, bytes).is_ok() {
        let _ = std::fs::rename(&tmp, dir.join(CACHE_FILE));
    }
}
