//! The content repository as git sees it: blob ids and the HEAD commit.
//! Only this module (and, later, `history/`) imports gix.

use std::fmt::Write;
use std::path::Path;

use crate::model::Date;

/// The id of a revision made of two files (an annual report's TOML and its
/// narrative): the blob id of `"<first>\n<second>\n"`, so that a change to
/// either file is a new revision with URLs of its own (40 hex digits, like
/// a blob id). Each file is still published under its own blob id.
pub fn pair_id(first_blob: &str, second_blob: &str) -> String {
    blob_id(format!("{first_blob}\n{second_blob}\n").as_bytes())
}

/// `git hash-object` of `bytes`: the identity of one revision of a file.
///
/// Plain SHA-1 rather than gix's collision-detecting one: every file of
/// the site is hashed on every build, and the result is checked against
/// git's own ids in the tests.
pub fn blob_id(bytes: &[u8]) -> String {
    use sha1::{Digest, Sha1};
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", bytes.len()).as_bytes());
    hasher.update(bytes);
    let mut hex = String::with_capacity(40);
    for byte in hasher.finalize() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The commit a build is made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadCommit {
    pub id: String,
    /// Commit (committer) date in the site's time zone.
    pub date: Date,
}

/// HEAD of the repository containing `root`, if `root` is in one with at
/// least one commit; its date is the day at `utc_offset` (the site's
/// zone), not in the committer's zone: one calendar for the whole site.
pub fn head_commit(root: &Path, utc_offset: i32) -> Option<HeadCommit> {
    let repo = gix::discover(root).ok()?;
    let commit = repo.head_commit().ok()?;
    let time = commit.committer().ok()?.time().ok()?;
    Some(HeadCommit {
        id: commit.id.to_string(),
        date: Date::from_unix(time.seconds, utc_offset)?,
    })
}

/// Whether `root` is in a shallow clone (one with a `.git/shallow` file):
/// its oldest commits name parents it does not hold.
pub fn is_shallow(root: &Path) -> bool {
    gix::discover(root)
        .ok()
        .and_then(|repo| repo.is_shallow().ok())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_id_matches_git_hash_object() {
        // printf 'hello\n' | git hash-object --stdin
        assert_eq!(
            blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }
}
