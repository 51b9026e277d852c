//! What the previous build wrote into an output folder, kept in
//! `.gongkai-cache/`: per file its key (what it was made from, when it was
//! rendered from one), its SHA-256, and the size, modification time and
//! inode it had. Like git's index, a file whose size, time and inode are
//! still as recorded is taken to hold the recorded bytes; anything else is
//! made again. Only a cache: a missing, damaged or foreign ledger means a
//! full build.
//!
//! It also keeps the stamp of every folder of the output as the build left
//! it: a file added, removed or renamed in a folder since changes that
//! folder's time, and then the ledger no longer lists everything the folder
//! holds (see [`Ledger::describes`]).

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::{self, Write as _};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

pub use rustix::fs::FileType;
use rustix::fs::{AtFlags, Mode, OFlags};
use sha2::{Digest as _, Sha256};

use crate::sink::{Digest, Key};
use crate::text::{hex, push_hex};

/// Bump when the meaning of a record, or of a key, changes.
const FORMAT: u32 = 2;

/// The previous build's records, by output path, and its folders' stamps
/// (`""` is the output folder itself).
#[derive(Default)]
pub struct Ledger {
    pub files: HashMap<String, Record>,
    folders: Vec<(String, Stamp)>,
    /// When the ledger was written (its file's time).
    saved: Option<(i64, i64)>,
}

impl Ledger {
    /// Whether the output folder `out` holds exactly the files recorded (as
    /// far as folder times tell: nothing added, removed or renamed by hand
    /// or by a build that died halfway), so that a build may change only
    /// what differs instead of making a whole new folder.
    pub fn describes(&self, out: &Path) -> bool {
        let Some(saved) = self.saved else {
            return false;
        };
        if self.files.is_empty() || self.folders.is_empty() {
            return false;
        }
        let Some(dir) = open_folder(out) else {
            return false;
        };
        let mut racy = Vec::new();
        for (rel, stamp) in &self.folders {
            if Stamp::in_folder(&dir, rel, FileType::Directory) != Some(*stamp) {
                return false;
            }
            // Recorded in the same tick of the file system's clock as the
            // ledger was written (git's "racily clean"): a change made
            // right after would not show in its time.
            if (stamp.mtime, stamp.mtime_ns) >= saved {
                racy.push(rel.as_str());
            }
        }
        racy.is_empty() || self.lists_all_of(out, &racy)
    }

    /// Whether each of the `folders` holds exactly the files and folders
    /// the ledger names in it.
    fn lists_all_of(&self, out: &Path, folders: &[&str]) -> bool {
        let mut names: HashMap<&str, BTreeSet<&std::ffi::OsStr>> =
            folders.iter().map(|rel| (*rel, BTreeSet::new())).collect();
        let files = self.files.keys().map(String::as_str);
        let subfolders = self.folders.iter().map(|(rel, _)| rel.as_str());
        for rel in files.chain(subfolders.filter(|rel| !rel.is_empty())) {
            let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            if let Some(names) = names.get_mut(parent) {
                names.insert(name.as_ref());
            }
        }
        names.iter().all(|(rel, names)| {
            let Ok(entries) = fs::read_dir(out.join(rel)) else {
                return false;
            };
            let mut count = 0;
            for entry in entries {
                match entry {
                    Ok(entry) if names.contains(entry.file_name().as_os_str()) => count += 1,
                    _ => return false,
                }
            }
            count == names.len()
        })
    }
}

/// The folder `path`, opened to `stat` what is in it: each `stat` then
/// walks only its own path.
pub fn open_folder(path: &Path) -> Option<OwnedFd> {
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
    rustix::fs::open(path, flags, Mode::empty()).ok()
}

/// Every folder that holds a file of `rels`, the output folder (`""`)
/// included.
fn folders<'a>(rels: impl Iterator<Item = &'a str>) -> BTreeSet<&'a str> {
    let mut all = BTreeSet::from([""]);
    for rel in rels {
        let mut rel = rel;
        while let Some((parent, _)) = rel.rsplit_once('/') {
            if !all.insert(parent) {
                break;
            }
            rel = parent;
        }
    }
    all
}

/// This build's records, in the order the files were written.
pub type Records = crate::sink::PathList<Record>;

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

    /// The stamp of `rel` under the folder `dir` (`""`: `dir` itself), when
    /// it is of the `kind` (a link put there by hand is never reused).
    pub fn in_folder(dir: &OwnedFd, rel: &str, kind: FileType) -> Option<Stamp> {
        let rel = if rel.is_empty() { "." } else { rel };
        let stat = rustix::fs::statat(dir, rel, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        (FileType::from_raw_mode(stat.st_mode) == kind).then_some(Stamp {
            size: stat.st_size as u64,
            mtime: stat.st_mtime as i64,
            mtime_ns: stat.st_mtime_nsec as i64,
            inode: stat.st_ino as u64,
        })
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
pub fn load(file: &Path) -> Ledger {
    let Ok(text) = fs::read_to_string(file) else {
        return Ledger::default();
    };
    let Ok(meta) = fs::metadata(file) else {
        return Ledger::default();
    };
    let saved = Stamp::of(&meta);
    let mut lines = text.lines();
    if lines.next() != Some(header().as_str()) {
        return Ledger::default();
    }
    let mut ledger = Ledger {
        saved: Some((saved.mtime, saved.mtime_ns)),
        // About 240 bytes a line.
        files: HashMap::with_capacity(text.len() / 200),
        folders: Vec::new(),
    };
    for line in lines {
        // A folder's line: its path and `/`, then its stamp.
        if let Some((rel, rest)) = line.split_once("/\t") {
            match parse_stamp(&mut rest.split('\t')) {
                Some(stamp) => ledger.folders.push((rel.to_string(), stamp)),
                None => return Ledger::default(),
            }
            continue;
        }
        match parse(line) {
            Some((rel, record)) => {
                ledger.files.insert(rel, record);
            }
            None => return Ledger::default(),
        }
    }
    ledger
}

fn parse(line: &str) -> Option<(String, Record)> {
    let mut fields = line.split('\t');
    let rel = fields.next()?.to_string();
    let key = match fields.next()? {
        "-" => None,
        k => Some(unhex(k)?),
    };
    let sha = unhex(fields.next()?)?;
    let stamp = parse_stamp(&mut fields)?;
    Some((rel, Record { key, sha, stamp }))
}

fn parse_stamp<'a>(fields: &mut impl Iterator<Item = &'a str>) -> Option<Stamp> {
    let mut number = || fields.next()?.parse::<i64>().ok();
    let stamp = Stamp {
        size: u64::try_from(number()?).ok()?,
        mtime: number()?,
        mtime_ns: number()?,
        inode: u64::try_from(number()?).ok()?,
    };
    fields.next().is_none().then_some(stamp)
}

/// Best effort, written whole then renamed: a cache that cannot be written
/// only makes the next build a full one. `records` are the files of the
/// output folder `out` as it is now; its folders are stamped here. Written
/// as it is made (a ledger is about 240 bytes a file: 800 MB at 500,000
/// items), in path order.
pub fn save(file: &Path, out: &Path, records: &Records) -> io::Result<()> {
    use rayon::prelude::*;
    // The last step of every rebuild, on its one remaining thread: sorted,
    // formatted and stamped in parallel.
    let mut sorted: Vec<(&str, &Record)> = records.iter().collect();
    sorted.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let dir = file.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    // Keep the cache out of `git status` without touching the user's .gitignore.
    let _ = fs::write(dir.join(".gitignore"), "*\n");
    let tmp = file.with_extension("tmp");
    let mut f = io::BufWriter::with_capacity(1 << 16, fs::File::create(&tmp)?);
    f.write_all(header().as_bytes())?;
    f.write_all(b"\n")?;
    let stamp = |text: &mut String, s: &Stamp| {
        push_number(text, i128::from(s.size));
        text.push('\t');
        push_number(text, i128::from(s.mtime));
        text.push('\t');
        push_number(text, i128::from(s.mtime_ns));
        text.push('\t');
        push_number(text, i128::from(s.inode));
        text.push('\n');
    };
    let chunks: Vec<String> = sorted
        .par_chunks(4096)
        .map(|chunk| {
            let mut lines = String::with_capacity(chunk.len() * 256);
            for (rel, r) in chunk {
                // Output paths are made of checked segments; a tab or a line
                // break would break the format, so such a file is simply not
                // recorded.
                if rel.contains(['\t', '\n', '\r']) {
                    continue;
                }
                lines.push_str(rel);
                lines.push('\t');
                match &r.key {
                    Some(key) => push_hex(&mut lines, key),
                    None => lines.push('-'),
                }
                lines.push('\t');
                push_hex(&mut lines, &r.sha);
                lines.push('\t');
                stamp(&mut lines, &r.stamp);
            }
            lines
        })
        .collect();
    for lines in &chunks {
        f.write_all(lines.as_bytes())?;
    }
    drop(chunks);
    let folders: Vec<&str> = folders(sorted.iter().map(|(rel, _)| *rel))
        .into_iter()
        .collect();
    let out = open_folder(out);
    let stamps: Vec<Option<Stamp>> = folders
        .par_iter()
        .map(|rel| Stamp::in_folder(out.as_ref()?, rel, FileType::Directory))
        .collect();
    // A folder that cannot be stamped leaves the ledger without folders:
    // the next build reuses files but makes a whole new output folder.
    if stamps.iter().all(Option::is_some) {
        let mut lines = String::new();
        for (rel, s) in folders.iter().zip(stamps.iter().flatten()) {
            lines.push_str(rel);
            lines.push_str("/\t");
            stamp(&mut lines, s);
        }
        f.write_all(lines.as_bytes())?;
    }
    f.into_inner().map_err(io::IntoInnerError::into_error)?;
    fs::rename(&tmp, file)
}

/// Forget the ledger before the output folder changes, so that a build
/// that dies halfway never leaves records that describe other files.
pub fn forget(file: &Path) {
    let _ = fs::remove_file(file);
}

/// `n` in decimal, without the formatting machinery (four per file).
fn push_number(s: &mut String, n: i128) {
    if n < 0 {
        s.push('-');
    }
    let mut digits = [0u8; 40];
    let mut at = digits.len();
    let mut n = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        s.push(char::from(d));
    }
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    // By hand: `from_str_radix` per byte was a tenth of reading a ledger
    // of 175,000 files.
    let nibble = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
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
        let stamp = Stamp::of(&fs::symlink_metadata(tmp.path().join("a")).unwrap());
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
        let out = tmp.path().join("out");
        fs::create_dir_all(out.join("b")).unwrap();
        fs::write(out.join("b/index.html"), "b").unwrap();
        fs::write(out.join("a.txt"), "a").unwrap();
        let mut kept = Records::default();
        for (rel, record) in &records {
            kept.push(rel, record.clone());
        }
        save(&file, &out, &kept).unwrap();
        let loaded = load(&file);
        assert_eq!(loaded.files.len(), 2);
        assert_eq!(loaded.files["b/index.html"], records[0].1);
        assert_eq!(loaded.files["a.txt"], records[1].1);
        assert_eq!(loaded.folders.len(), 2);
        assert!(loaded.describes(&out));
        // A file put into a folder by hand: the ledger no longer lists all.
        let b_time = fs::metadata(out.join("b")).unwrap().modified().unwrap();
        fs::write(out.join("b/extra.html"), "x").unwrap();
        assert!(!loaded.describes(&out));
        // The same, in the clock tick the folder was stamped in (its time
        // unchanged) and the ledger was written in: the folder is listed.
        let set_time = |path: &Path| {
            fs::File::open(path).unwrap().set_modified(b_time).unwrap();
        };
        set_time(&out.join("b"));
        set_time(&file);
        assert!(!load(&file).describes(&out));
        fs::remove_file(out.join("b/extra.html")).unwrap();
        set_time(&out.join("b"));
        assert!(load(&file).describes(&out));
        let text = fs::read_to_string(&file).unwrap();
        fs::write(&file, text.replace("\t-\t", "\tzz\t")).unwrap();
        assert!(load(&file).files.is_empty());
    }
}
