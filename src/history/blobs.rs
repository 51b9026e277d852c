//! The bytes of every revision read so far, kept between builds in
//! `.gongkai-cache/blobs.bin`, so that a build after one more commit reads
//! only the new revisions from git. Inflating ~30,000 delta-compressed
//! revisions from a pack takes seconds on every build; one sequential read
//! of this file (mapped) and a checksum take a fraction of that.
//!
//! A blob id names its bytes, so a record never goes stale; the file is only
//! a cache. Every record carries the CRC-32 of its bytes, checked before
//! use, so a damaged file costs time, never wrong output. (Format 1 checked
//! each record by hashing it to its blob id: SHA-1 of every past revision
//! on every build, about 0.13 s of CPU for the 100 MB of the 10,000-item,
//! 2,001-commit repository, where CRC-32 takes a tenth of that. The id was
//! right when the record was written, from git; what can happen to it
//! since is damage, which a checksum catches. Whoever can write the cache
//! can write the output folder too.) Format: a header line, then records
//! of a 40-character hex id, the length as 8 little-endian bytes, the
//! CRC-32 of the bytes as 4 little-endian bytes, and the bytes. Records are
//! only ever appended; a record cut short (a build killed while writing)
//! ends the valid part and is overwritten by the next append. A record that
//! fails its check is read from git again and appended; the later record
//! wins.

use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::ops::Range;
use std::path::Path;

const FILE: &str = "blobs.bin";
const HEADER: &[u8] = b"gongkai blobs 2\n";
const ID_LEN: usize = 40;

#[derive(Default)]
pub struct StoredBlobs {
    /// The file, mapped rather than read: at 10,000 items and 2,001 commits
    /// it is 100 MB, and reading it copied every byte into fresh memory on
    /// the rebuild's one sequential path (a twentieth of its CPU); mapped,
    /// the page cache's pages are used as they are.
    data: Option<memmap2::Mmap>,
    /// Id → the range of its bytes and their CRC-32.
    index: HashMap<String, (Range<usize>, u32)>,
    /// Length of the well-formed part of the file; 0 when there is none.
    valid_len: usize,
}

impl StoredBlobs {
    pub fn load(dir: &Path) -> StoredBlobs {
        let Ok(file) = fs::File::open(dir.join(FILE)) else {
            return StoredBlobs::default();
        };
        // SAFETY: the mapping is read-only and lives no longer than this
        // value. gongkai only ever appends to the file (`append` cuts a
        // torn tail beyond `valid_len`, which is never read); every record
        // is checked against its CRC-32 before use. Another program that
        // truncated the file during a build would end the process
        // (SIGBUS) before any output is in place, never change the output.
        let Ok(data) = (unsafe { memmap2::Mmap::map(&file) }) else {
            return StoredBlobs::default();
        };
        if !data.starts_with(HEADER) {
            return StoredBlobs::default();
        }
        let mut index = HashMap::new();
        let mut at = HEADER.len();
        while let Some((id, range, crc)) = record_at(&data, at) {
            at = range.end;
            // A later record replaces a damaged earlier one.
            index.insert(id, (range, crc));
        }
        StoredBlobs {
            data: Some(data),
            index,
            valid_len: at,
        }
    }

    /// The bytes stored for `id`, when they are as they were written.
    pub fn get(&self, id: &str) -> Option<&[u8]> {
        let (range, crc) = self.index.get(id)?;
        let bytes = self.data.as_deref()?.get(range.clone())?;
        (crc32fast::hash(bytes) == *crc).then_some(bytes)
    }

    /// Add `new` records. Best effort, like the history cache: a read-only
    /// checkout still builds, only slower next time.
    pub fn append(&self, dir: &Path, new: &[(&str, &[u8])]) {
        if new.is_empty() || fs::create_dir_all(dir).is_err() {
            return;
        }
        let _ = fs::write(dir.join(".gitignore"), "*\n");
        let mut bytes = Vec::new();
        if self.valid_len == 0 {
            bytes.extend_from_slice(HEADER);
        }
        for (id, blob) in new {
            if id.len() != ID_LEN {
                continue;
            }
            bytes.extend_from_slice(id.as_bytes());
            bytes.extend_from_slice(&(blob.len() as u64).to_le_bytes());
            bytes.extend_from_slice(&crc32fast::hash(blob).to_le_bytes());
            bytes.extend_from_slice(blob);
        }
        let path = dir.join(FILE);
        if self.valid_len == 0 {
            let tmp = dir.join(format!("{FILE}.tmp"));
            if fs::write(&tmp, &bytes).is_ok() {
                let _ = fs::rename(&tmp, &path);
            }
            return;
        }
        let Ok(mut file) = OpenOptions::new().write(true).open(&path) else {
            return;
        };
        // Drop a torn record left by an interrupted build before appending.
        if file.set_len(self.valid_len as u64).is_ok() {
            use std::io::Seek;
            if file.seek(std::io::SeekFrom::End(0)).is_ok() {
                let _ = file.write_all(&bytes);
            }
        }
    }
}

/// The record starting at `at`: its id, the range of its bytes and their
/// CRC-32.
fn record_at(data: &[u8], at: usize) -> Option<(String, Range<usize>, u32)> {
    let id = data.get(at..at + ID_LEN)?;
    let id = std::str::from_utf8(id).ok()?;
    if !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let len_at = at + ID_LEN;
    let len = u64::from_le_bytes(data.get(len_at..len_at + 8)?.try_into().ok()?);
    let crc_at = len_at + 8;
    let crc = u32::from_le_bytes(data.get(crc_at..crc_at + 4)?.try_into().ok()?);
    let start = crc_at + 4;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    (end <= data.len()).then(|| (id.to_string(), start..end, crc))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "ce013625030ba8dba906f756967f9e9ca394464a";
    const B: &str = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";

    #[test]
    fn appends_survive_reload_and_a_torn_record_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        StoredBlobs::load(dir.path()).append(dir.path(), &[(A, b"hello\n")]);
        let stored = StoredBlobs::load(dir.path());
        assert_eq!(stored.get(A), Some(&b"hello\n"[..]));

        // A build killed halfway through writing a record.
        let path = dir.path().join(FILE);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(B.as_bytes()).unwrap();
        file.write_all(&100u64.to_le_bytes()).unwrap();
        file.write_all(b"cut").unwrap();
        drop(file);

        let stored = StoredBlobs::load(dir.path());
        assert_eq!(stored.get(B), None);
        stored.append(dir.path(), &[(B, b"hello world\n")]);
        let stored = StoredBlobs::load(dir.path());
        assert_eq!(stored.get(A), Some(&b"hello\n"[..]));
        assert_eq!(stored.get(B), Some(&b"hello world\n"[..]));
    }

    /// A record whose bytes changed since they were written (same length,
    /// so the file still reads as well-formed records) is not returned.
    #[test]
    fn a_damaged_record_fails_its_check() {
        let dir = tempfile::tempdir().unwrap();
        StoredBlobs::load(dir.path()).append(dir.path(), &[(A, b"hello\n"), (B, b"world\n")]);
        let path = dir.path().join(FILE);
        let mut bytes = fs::read(&path).unwrap();
        let at = bytes.windows(6).position(|w| w == b"hello\n").unwrap();
        bytes[at] = b'j';
        fs::write(&path, &bytes).unwrap();
        let stored = StoredBlobs::load(dir.path());
        assert_eq!(stored.get(A), None);
        assert_eq!(stored.get(B), Some(&b"world\n"[..]));
        // Read from git again and appended: the later record wins.
        stored.append(dir.path(), &[(A, b"hello\n")]);
        assert_eq!(StoredBlobs::load(dir.path()).get(A), Some(&b"hello\n"[..]));
    }

    /// The previous format (records checked by their SHA-1) is not read.
    #[test]
    fn a_format_1_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = b"gongkai blobs 1\n".to_vec();
        bytes.extend_from_slice(A.as_bytes());
        bytes.extend_from_slice(&6u64.to_le_bytes());
        bytes.extend_from_slice(b"hello\n");
        fs::write(dir.path().join(FILE), &bytes).unwrap();
        assert_eq!(StoredBlobs::load(dir.path()).get(A), None);
    }

    #[test]
    fn a_file_of_another_format_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE), b"something else").unwrap();
        let stored = StoredBlobs::load(dir.path());
        assert_eq!(stored.get(A), None);
        stored.append(dir.path(), &[(A, b"hello\n")]);
        assert_eq!(StoredBlobs::load(dir.path()).get(A), Some(&b"hello\n"[..]));
    }
}
