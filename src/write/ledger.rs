//! What the previous build wrote into an output folder, kept in
//! `.gongkai-cache/`: per file its key (what it was made from, when it was
//! rendered from one), its SHA-256, and the size, modification time and
//! inode it had. Like git's index, a file whose size, time and inode are
//! still as recorded is taken to hold the recorded bytes; anything else is
//! made again. Only a cache: a missing, damaged or foreign ledger means a
//! full build.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::sink::{Digest, Key};

/// Bump when the meaning of a record, or of a key, changes.
const FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub key: Option<Key>,
    pub sha: Digest,
    pub stamp: Stamp,
}

/// What `stat` says about a file: enough to notice that it was replaced or
/// edited since it was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    mtime: i64,
    mtime_ns: i64,
    inode: u64,
}

impl Stamp {
    pub fn of(meta: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp {
                size: meta.len(),
                mtime: meta.mtime(),
                mtime_ns: meta.mtime_nsec(),
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let since = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            Stamp {
                size: meta.len(),
                mtime: since.as_secs() as i64,
                mtime_ns: i64::from(since.subsec_nanos()),
                inode: 0,
            }
        }
    }

    /// The stamp of the file at `path`, when it is a plain file (a link
    /// put there by hand is never reused).
    pub fn at(path: &Path) -> Option<Stamp> {
        let meta = fs::symlink_metadata(path).ok()?;
        meta.file_type().is_file().then(|| Stamp::of(&meta))
    }
}

pub fn sha256(bytes: &[u8]) -> Digest {
    Sha256::digest(bytes).into()
}

/// The ledger of the output folder `out`, in the cache folder `cache`: one
/// per output folder, so that building into another folder starts clean.
pub fn path(cache: &Path, out: &Path) -> PathBuf {
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let id = sha256(out.as_os_str().as_encoded_bytes());
    cache.join(format!("output-{}.txt", hex(&id[..8])))
}

fn header() -> String {
    format!("gongkai-output {FORMAT} {}", env!("CARGO_PKG_VERSION"))
}

/// The records of `file`; empty when it is missing, damaged or from
/// another format.
pub fn load(file: &Path) -> HashMap<String, Record> {
    let Ok(text) = fs::read_to_string(file) else {
        return HashMap::new();
    };
    let mut lines = text.lines();
    if lines.next() != Some(header().as_str()) {
        return HashMap::new();
    }
    let mut records = HashMap::new();
    for line in lines {
        match parse(line) {
            Some((rel, record)) => {
                records.insert(rel, record);
            }
            None => return HashMap::new(),
        }
    }
    records
}

fn parse(line: &str) -> Option<(String, Record)> {
    let mut fields = line.split('\t');
    let rel = fields.next()?.to_string();
    let key = match fields.next()? {
        "-" => None,
        k => Some(unhex(k)?),
    };
    let sha = unhex(fields.next()?)?;
    let mut number = || fields.next()?.parse::<i64>().ok();
    let stamp = Stamp {
        size: u64::try_from(number()?).ok()?,
        mtime: number()?,
        mtime_ns: number()?,
        inode: u64::try_from(number()?).ok()?,
    };
    Some((rel, Record { key, sha, stamp }))
}

/// Best effort, written whole then renamed: a cache that cannot be written
/// only makes the next build a full one.
pub fn save(file: &Path, mut records: Vec<(String, Record)>) -> io::Result<()> {
    records.sort_by(|a, b| a.0.cmp(&b.0));
    let mut text = header();
    text.push('\n');
    for (rel, r) in &records {
        // Output paths are made of checked segments; a tab or a line break
        // would break the format, so such a file is simply not recorded.
        if rel.contains(['\t', '\n', '\r']) {
            continue;
        }
        let key = r.key.as_ref().map_or_else(|| "-".to_string(), |k| hex(k));
        let s = &r.stamp;
        text.push_str(&format!(
            "{rel}\t{key}\t{}\t{}\t{}\t{}\t{}\n",
            hex(&r.sha),
            s.size,
            s.mtime,
            s.mtime_ns,
            s.inode
        ));
    }
    let dir = file.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    // Keep the cache out of `git status` without touching the user's .gitignore.
    let _ = fs::write(dir.join(".gitignore"), "*\n");
    let tmp = file.with_extension("tmp");
    let mut f = fs::File::create(&tmp)?;
    f.write_all(text.as_bytes())?;
    drop(f);
    fs::rename(&tmp, file)
}

/// Forget the ledger before the output folder changes, so that a build
/// that dies halfway never leaves records that describe other files.
pub fn forget(file: &Path) {
    let _ = fs::remove_file(file);
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_a_round_trip_and_a_damaged_ledger_is_empty() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("cache/output-x.txt");
        fs::write(tmp.path().join("a"), "a").unwrap();
        let stamp = Stamp::at(&tmp.path().join("a")).unwrap();
        let records = vec![
            (
                "b/index.html".to_string(),
                Record {
                    key: Some([7; 32]),
                    sha: sha256(b"b"),
                    stamp,
                },
            ),
            (
                "a.txt".to_string(),
                Record {
                    key: None,
                    sha: sha256(b"a"),
                    stamp,
                },
            ),
        ];
        save(&file, records.clone()).unwrap();
        let loaded = load(&file);
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded["b/index.html"], records[0].1);
        assert_eq!(loaded["a.txt"], records[1].1);
        let text = fs::read_to_string(&file).unwrap();
        fs::write(&file, text.replace("\t-\t", "\tzz\t")).unwrap();
        assert!(load(&file).is_empty());
    }
}
