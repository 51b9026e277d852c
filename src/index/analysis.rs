//! Each document's analysis kept in `.gongkai-cache/search-analysis.bin`,
//! so that a rebuild analyses only the documents whose indexed text
//! changed ([`super::SearchIndex::build_cached`]).
//!
//! The file, written in one pass and renamed into place:
//!
//! - a header: [`MAGIC`] and the version ([`version`]);
//! - one entry per document, in document (id) order: its length (u32),
//!   an FxHash checksum of its body (u64), and the body: the id, the key
//!   (SHA-1 of the document as indexed, [`key`]), per field its length in
//!   tokens and its distinct tokens as (term number gap, count) varints;
//! - the terms, numbered in the order they were first seen: a term keeps
//!   its number from build to build (new terms are appended), so that an
//!   unchanged document's entry is copied as it is;
//! - a trailer: where the terms start, their checksum, how many of them
//!   a document still had (a dictionary mostly of dead terms is dropped
//!   and made again), and [`END`].
//!
//! A rebuild reads the terms first, then streams the entries beside the
//! documents (both in id order): at most one batch of entries is held. A
//! file with another version, a bad trailer or terms that fail their
//! checksum is ignored; an entry that fails its checksum or its own
//! consistency (term numbers in range, counts adding up to the length) ends
//! the reading, and it and every later document are analysed again.

use std::fs::File;
use std::hash::Hasher;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

use super::{FIELDS, FxHasher, Leb128, SearchDoc, leb128};

/// The file's name in `.gongkai-cache/`.
pub const FILE: &str = "search-analysis.bin";
const MAGIC: &[u8; 8] = b"gkanlys1";
const END: &[u8; 8] = b"gkanlyse";
/// Trailer: terms offset, terms length, terms checksum, terms, live terms, END.
const TRAILER: usize = 5 * 8 + 8;

/// What the analysis depends on besides the document: gongkai's version,
/// the export format and the analyzer's folding table.
fn version() -> Vec<u8> {
    let mut h = FxHasher::default();
    h.write(super::analyzer::fold_table_string().as_bytes());
    format!(
        "gongkai {} format {} max-token {} fold {:016x}",
        env!("CARGO_PKG_VERSION"),
        super::export::FORMAT,
        super::MAX_TOKEN_LEN,
        h.finish()
    )
    .into_bytes()
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.write_u8(bytes.len() as u8);
    h.finish()
}

/// The key of a document as indexed (every field the analysis reads, and
/// the rest of what it is exported with: cheap, and one key for all).
pub fn key(d: &SearchDoc) -> [u8; 20] {
    let mut h = Sha1::new();
    for part in [
        &d.id,
        &d.title,
        &d.body,
        &d.department_name,
        &d.category,
        &d.year,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    for part in [&d.doc_no, &d.kind] {
        match part {
            Some(s) => {
                h.update([1]);
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            None => h.update([0]),
        }
    }
    h.finalize().into()
}

/// One document's analysis: per field its length in tokens and its
/// distinct tokens (term numbers, ascending) with their counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    pub lengths: [u32; FIELDS],
    pub counts: [Vec<(u32, u32)>; FIELDS],
}

impl Analysis {
    /// The entry body of document `id` with `key`.
    pub fn encode(&self, id: &str, key: &[u8; 20]) -> Vec<u8> {
        let mut out = Vec::new();
        leb128(&mut out, id.len() as u32);
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(key);
        for (length, counts) in self.lengths.iter().zip(&self.counts) {
            leb128(&mut out, *length);
            leb128(&mut out, counts.len() as u32);
            let mut last = 0;
            for &(term, tf) in counts {
                leb128(&mut out, term - last);
                leb128(&mut out, tf);
                last = term;
            }
        }
        out
    }
}

/// An entry as read: the document's id and key, and its body for the
/// next file.
pub struct Cached {
    pub id: String,
    pub key: [u8; 20],
    pub body: Vec<u8>,
}

impl Cached {
    /// The analysis, if it is consistent: term numbers below `terms`,
    /// ascending, counts adding up to each field's length.
    pub fn decode(&self, terms: u32) -> Option<Analysis> {
        let rest = self.body.get(self.header_len()..)?;
        let mut it = Leb128(rest);
        let mut a = Analysis::default();
        for f in 0..FIELDS {
            let length = it.next()?;
            let n = it.next()? as usize;
            let mut counts = Vec::with_capacity(n.min(rest.len()));
            let mut term = 0u32;
            let mut sum = 0u64;
            for i in 0..n {
                let gap = it.next()?;
                if i > 0 && gap == 0 {
                    return None;
                }
                term = term.checked_add(gap)?;
                let tf = it.next()?;
                if term >= terms || tf == 0 {
                    return None;
                }
                sum += u64::from(tf);
                counts.push((term, tf));
            }
            if sum != u64::from(length) {
                return None;
            }
            a.lengths[f] = length;
            a.counts[f] = counts;
        }
        it.0.is_empty().then_some(a)
    }

    fn header_len(&self) -> usize {
        let mut it = Leb128(&self.body);
        let n = it.next().unwrap_or(0) as usize;
        (self.body.len() - it.0.len()) + n + 20
    }
}

/// Parse an entry body's id and key.
fn head(body: Vec<u8>) -> Option<Cached> {
    let mut it = Leb128(&body);
    let n = it.next()? as usize;
    let id = std::str::from_utf8(it.0.get(..n)?).ok()?.to_string();
    let key: [u8; 20] = it.0.get(n..n + 20)?.try_into().ok()?;
    Some(Cached { id, key, body })
}

/// The previous build's analyses, streamed.
pub struct Reader {
    file: BufReader<File>,
    /// Bytes of entries left.
    left: u64,
    /// The terms, by number.
    pub terms: Vec<Box<str>>,
    next: Option<Cached>,
}

impl Reader {
    /// The file at `path`, if it is whole and of this version.
    pub fn open(path: &Path) -> Option<Reader> {
        let mut file = File::open(path).ok()?;
        let size = file.metadata().ok()?.len();
        let version = version();
        let header = (MAGIC.len() + 4 + version.len()) as u64;
        if size < header + TRAILER as u64 {
            return None;
        }
        let mut head = vec![0; header as usize];
        file.read_exact(&mut head).ok()?;
        let mut want = MAGIC.to_vec();
        want.extend((version.len() as u32).to_le_bytes());
        want.extend(&version);
        if head != want {
            return None;
        }
        file.seek(SeekFrom::End(-(TRAILER as i64))).ok()?;
        let mut trailer = [0u8; TRAILER];
        file.read_exact(&mut trailer).ok()?;
        if &trailer[40..] != END {
            return None;
        }
        let word = |i: usize| u64::from_le_bytes(trailer[i * 8..i * 8 + 8].try_into().unwrap());
        let (at, len, sum, count, live) = (word(0), word(1), word(2), word(3), word(4));
        if at < header || at.checked_add(len)? != size - TRAILER as u64 {
            return None;
        }
        // Mostly dead terms: start again, numbering only the live ones.
        if count > 1024 && live * 2 < count {
            return None;
        }
        file.seek(SeekFrom::Start(at)).ok()?;
        let mut bytes = vec![0; usize::try_from(len).ok()?];
        file.read_exact(&mut bytes).ok()?;
        if checksum(&bytes) != sum {
            return None;
        }
        let mut terms = Vec::with_capacity(usize::try_from(count).ok()?.min(bytes.len()));
        let mut it = Leb128(&bytes);
        for _ in 0..count {
            let n = it.next()? as usize;
            let s = std::str::from_utf8(it.0.get(..n)?).ok()?;
            terms.push(s.into());
            it.0 = &it.0[n..];
        }
        if !it.0.is_empty() {
            return None;
        }
        file.seek(SeekFrom::Start(header)).ok()?;
        Some(Reader {
            file: BufReader::with_capacity(1 << 16, file),
            left: at - header,
            terms,
            next: None,
        })
    }

    /// The next entry, or `None` at the end or at a bad entry (which ends
    /// the reading).
    fn read(&mut self) -> Option<Cached> {
        if self.left < 12 {
            return None;
        }
        let mut frame = [0u8; 12];
        self.file.read_exact(&mut frame).ok()?;
        let len = u32::from_le_bytes(frame[..4].try_into().unwrap()) as u64;
        let sum = u64::from_le_bytes(frame[4..].try_into().unwrap());
        if len > self.left - 12 {
            self.left = 0;
            return None;
        }
        let mut body = vec![0; len as usize];
        self.file.read_exact(&mut body).ok()?;
        self.left -= 12 + len;
        if checksum(&body) != sum {
            self.left = 0;
            return None;
        }
        let cached = head(body);
        if cached.is_none() {
            self.left = 0;
        }
        cached
    }

    /// The entry of document `id` if the file has one (entries before it,
    /// of documents gone, are skipped: both are in id order).
    pub fn take(&mut self, id: &str) -> Option<Cached> {
        loop {
            if self.next.is_none() {
                self.next = self.read();
            }
            let next = self.next.as_ref()?;
            match next.id.as_str().cmp(id) {
                std::cmp::Ordering::Less => self.next = None,
                std::cmp::Ordering::Equal => return self.next.take(),
                std::cmp::Ordering::Greater => return None,
            }
        }
    }
}

/// The next file, written beside the old one and renamed over it.
pub struct Writer {
    out: BufWriter<File>,
    tmp: PathBuf,
    path: PathBuf,
    at: u64,
    failed: bool,
}

impl Writer {
    pub fn create(path: &Path) -> Option<Writer> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).ok()?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let mut out = BufWriter::with_capacity(1 << 16, File::create(&tmp).ok()?);
        let version = version();
        let mut head = MAGIC.to_vec();
        head.extend((version.len() as u32).to_le_bytes());
        head.extend(&version);
        let failed = out.write_all(&head).is_err();
        Some(Writer {
            out,
            tmp,
            path: path.to_path_buf(),
            at: head.len() as u64,
            failed,
        })
    }

    /// The next document's entry body.
    pub fn entry(&mut self, body: &[u8]) {
        if self.failed {
            return;
        }
        let mut frame = [0u8; 12];
        frame[..4].copy_from_slice(&(body.len() as u32).to_le_bytes());
        frame[4..].copy_from_slice(&checksum(body).to_le_bytes());
        self.failed = self.out.write_all(&frame).is_err() || self.out.write_all(body).is_err();
        self.at += 12 + body.len() as u64;
    }

    /// The terms by number, `live` of them still in a document; then the
    /// file is put in place. A cache only: an error leaves no file.
    pub fn finish(mut self, terms: &[Box<str>], live: usize) {
        let mut bytes = Vec::new();
        for t in terms {
            leb128(&mut bytes, t.len() as u32);
            bytes.extend_from_slice(t.as_bytes());
        }
        let mut trailer = Vec::with_capacity(TRAILER);
        for word in [
            self.at,
            bytes.len() as u64,
            checksum(&bytes),
            terms.len() as u64,
            live as u64,
        ] {
            trailer.extend(word.to_le_bytes());
        }
        trailer.extend(END);
        let done = !self.failed
            && self.out.write_all(&bytes).is_ok()
            && self.out.write_all(&trailer).is_ok()
            && self.out.flush().is_ok()
            && std::fs::rename(&self.tmp, &self.path).is_ok();
        if !done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::SearchIndex;
    use super::super::export::tests::catalog;
    use super::*;

    /// Every token's scores, the norms and the stamp of two indexes are
    /// the same.
    fn assert_same(a: &SearchIndex, b: &SearchIndex) {
        assert_eq!(a.stamp, b.stamp);
        assert_eq!(a.norms, b.norms);
        assert_eq!(a.total_docs, b.total_docs);
        let terms = a.terms().unwrap();
        assert_eq!(terms, b.terms().unwrap());
        for (t, _) in &terms {
            assert_eq!(a.postings(t).unwrap(), b.postings(t).unwrap(), "{t}");
        }
        let bodies = |i: &SearchIndex| i.docs.iter().map(|d| d.body.clone()).collect::<Vec<_>>();
        assert_eq!(bodies(a), bodies(b));
    }

    fn edited(n: usize) -> Vec<SearchDoc> {
        let mut docs = catalog(n);
        docs[5].body.push_str("新增一句话 new words 2025");
        docs[7].title = "全新标题".into();
        docs.remove(10);
        let mut added = docs[20].clone();
        added.id = format!("{}a", added.id);
        added.body = "另一份文件的正文".into();
        docs.insert(21, added);
        docs
    }

    #[test]
    fn a_rebuild_reuses_unchanged_analyses_and_equals_a_clean_build() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let (_, reused) = SearchIndex::build_cached(catalog(300), &path).unwrap();
        assert_eq!(reused, 0);
        let (cached, reused) = SearchIndex::build_cached(edited(300), &path).unwrap();
        // One removed, two edited, one added.
        assert_eq!(reused, 297);
        assert_same(&cached, &SearchIndex::build(edited(300)).unwrap());
        // The file it wrote serves the next build as well, terms gone and
        // all.
        let (again, reused) = SearchIndex::build_cached(catalog(300), &path).unwrap();
        assert_eq!(reused, 297);
        assert_same(&again, &SearchIndex::build(catalog(300)).unwrap());
        // Nothing changed: everything reused.
        let (_, reused) = SearchIndex::build_cached(catalog(300), &path).unwrap();
        assert_eq!(reused, 300);
    }

    #[test]
    fn a_corrupt_or_truncated_file_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        SearchIndex::build_cached(catalog(200), &path).unwrap();
        let good = std::fs::read(&path).unwrap();
        let clean = SearchIndex::build(edited(200)).unwrap();
        // Every bit of a spread of bytes flipped, one at a time: entries
        // (ids, keys, lengths, term numbers, counts), terms, trailer.
        for at in (0..good.len()).step_by(good.len() / 97) {
            for bit in [0, 3, 6] {
                let mut bad = good.clone();
                bad[at] ^= 1 << bit;
                std::fs::write(&path, &bad).unwrap();
                let (cached, _) = SearchIndex::build_cached(edited(200), &path).unwrap();
                assert_same(&cached, &clean);
            }
        }
        for len in [0, 10, good.len() / 3, good.len() - 49, good.len() - 1] {
            std::fs::write(&path, &good[..len]).unwrap();
            let (cached, reused) = SearchIndex::build_cached(edited(200), &path).unwrap();
            assert_eq!(reused, 0, "{len}");
            assert_same(&cached, &clean);
        }
    }

    /// A dictionary that names a term twice (with a good checksum: not a
    /// file this writes) would give two terms one number.
    #[test]
    fn a_dictionary_with_a_term_twice_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let writer = Writer::create(&path).unwrap();
        writer.finish(&[Box::from("国家"), Box::from("国家")], 2);
        let (cached, reused) = SearchIndex::build_cached(catalog(20), &path).unwrap();
        assert_eq!(reused, 0);
        assert_same(&cached, &SearchIndex::build(catalog(20)).unwrap());
    }

    #[test]
    fn a_file_of_another_version_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        SearchIndex::build_cached(catalog(50), &path).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        let at = MAGIC.len() + 4 + "gongkai ".len();
        bytes[at] = b'x';
        std::fs::write(&path, &bytes).unwrap();
        let (_, reused) = SearchIndex::build_cached(catalog(50), &path).unwrap();
        assert_eq!(reused, 0);
        let (_, reused) = SearchIndex::build_cached(catalog(50), &path).unwrap();
        assert_eq!(reused, 50);
    }
}
