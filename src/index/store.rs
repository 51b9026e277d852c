//! The search index `gongkai search` keeps between calls, in
//! `<site>/.gongkai-cache/search.bin`: the documents (what a result line
//! and the filters need) and, per token, its postings with the scores
//! already in hundredths, exactly the integers the build exports. A query
//! reads the header, the documents and the one or two shards its tokens
//! live in, never the whole file.
//!
//! The file is keyed by what it was made from ([`content_key`]): the
//! content hash of every file `load` reads (`site.toml`, `content/`), the
//! HEAD commit (the history), the as-of date asked for, and the version of
//! gongkai and of the index format. A file whose size and modification
//! time are those recorded, and that was not modified within two seconds of
//! the index being written, keeps its recorded hash (as git's index does);
//! any other file is read and hashed again. A stale index is never
//! searched; a missing or damaged file is rebuilt; deleting it is safe.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use sha1::{Digest, Sha1};

use super::{Filter, Hit, SearchDoc, SearchIndex, analyzer, export};
use crate::model::Date;

const MAGIC: &[u8; 8] = b"GKSEARCH";
/// Bumped when the layout of the file or the meaning of the key changes.
const STORE_FORMAT: u32 = 1;
const FILE: &str = "search.bin";
/// Term shards of the file: a query reads one per distinct shard of its
/// tokens.
const SHARDS: usize = 256;
/// A file modified this close to the index being written may have changed
/// again within the same timestamp: its bytes are hashed on every check.
const RACY: Duration = Duration::from_secs(2);

/// Where the index of the site at `root` lives.
pub fn path(root: &Path) -> PathBuf {
    root.join(".gongkai-cache").join(FILE)
}

/// One file that `load` reads, as last hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRecord {
    /// Relative to the site root, `/` separators.
    pub rel: String,
    pub len: u64,
    /// Nanoseconds since the epoch (0 when unknown: always hashed).
    pub modified: u128,
    pub hash: [u8; 20],
}

/// A file of the site as the walk found it.
struct Seen {
    rel: String,
    len: u64,
    /// Nanoseconds since the epoch (0 when unknown).
    modified: u128,
    link: bool,
}

impl Seen {
    fn new(rel: String, meta: &std::fs::Metadata) -> Seen {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Seen {
            rel,
            len: meta.len(),
            modified,
            link: meta.file_type().is_symlink(),
        }
    }
}

/// The files `load` reads: `site.toml` and everything under `content/`
/// (links included as links: load refuses them, and a changed link target
/// changes the link's own stat), sorted.
///
/// This walk is most of a query's time on a large site, so it stats each
/// entry relative to its open folder (`DirEntry::metadata`, one `statx`
/// without walking the whole path again) and walks the folders of
/// `content/` in parallel.
fn site_files(root: &Path) -> Vec<Seen> {
    let mut out = Vec::new();
    if let Ok(meta) = std::fs::symlink_metadata(root.join("site.toml")) {
        out.push(Seen::new("site.toml".to_string(), &meta));
    }
    let (folders, files) = entries(&root.join("content"), "content");
    out.extend(files);
    let nested: Vec<Vec<Seen>> = folders
        .into_par_iter()
        .map(|(path, rel)| {
            let mut found = Vec::new();
            walk(&path, &rel, &mut found);
            found
        })
        .collect();
    out.extend(nested.into_iter().flatten());
    out.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// One folder's entries: its subfolders (not links to folders) to walk,
/// and everything else with its own (not followed) metadata. An entry
/// that cannot be read is left out, as `load` reports it.
fn entries(dir: &Path, rel: &str) -> (Vec<(PathBuf, String)>, Vec<Seen>) {
    let (mut folders, mut files) = (Vec::new(), Vec::new());
    let Ok(read) = std::fs::read_dir(dir) else {
        return (folders, files);
    };
    for entry in read.filter_map(Result::ok) {
        let name = format!("{rel}/{}", entry.file_name().to_string_lossy());
        match entry.file_type() {
            Ok(t) if t.is_dir() => folders.push((entry.path(), name)),
            Ok(_) => {
                if let Ok(meta) = entry.metadata() {
                    files.push(Seen::new(name, &meta));
                }
            }
            Err(_) => {}
        }
    }
    (folders, files)
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<Seen>) {
    let (folders, files) = entries(dir, rel);
    out.extend(files);
    for (path, rel) in folders {
        walk(&path, &rel, out);
    }
}

fn hash_file(path: &Path, is_link: bool) -> [u8; 20] {
    let mut h = Sha1::new();
    if is_link {
        h.update(b"link\0");
        if let Ok(target) = std::fs::read_link(path) {
            h.update(target.to_string_lossy().as_bytes());
        }
    } else {
        match std::fs::read(path) {
            Ok(bytes) => h.update(&bytes),
            Err(_) => h.update(b"unreadable\0"),
        }
    }
    h.finalize().into()
}

/// The content of the site now, each file's hash reused from `known` when
/// its size and modification time are unchanged and it was not modified
/// within [`RACY`] of `written` (when the index was written).
pub fn fingerprint(
    root: &Path,
    known: &[FileRecord],
    written: Option<SystemTime>,
) -> Vec<FileRecord> {
    let known: BTreeMap<&str, &FileRecord> = known.iter().map(|r| (r.rel.as_str(), r)).collect();
    let settled = written
        .and_then(|w| w.checked_sub(RACY))
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    site_files(root)
        .into_par_iter()
        .map(
            |Seen {
                 rel,
                 len,
                 modified,
                 link,
             }| {
                let hash = match known.get(rel.as_str()) {
                    Some(k)
                        if k.len == len
                            && k.modified == modified
                            && modified != 0
                            && modified < settled =>
                    {
                        k.hash
                    }
                    _ => hash_file(&root.join(&rel), link),
                };
                FileRecord {
                    rel,
                    len,
                    modified,
                    hash,
                }
            },
        )
        .collect()
}

/// What the index was made from: the files' contents, the history (HEAD),
/// the as-of date asked for, the versions.
pub fn content_key(files: &[FileRecord], head: Option<&str>, as_of: Option<Date>) -> [u8; 20] {
    let mut h = Sha1::new();
    h.update(MAGIC);
    h.update(STORE_FORMAT.to_le_bytes());
    h.update(export::FORMAT.to_le_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    h.update(head.unwrap_or("").as_bytes());
    h.update([0]);
    h.update(as_of.map(|d| d.to_string()).unwrap_or_default().as_bytes());
    h.update([0]);
    for f in files {
        h.update(f.rel.as_bytes());
        h.update([0]);
        h.update(f.hash);
    }
    h.finalize().into()
}

// ------------------------------------------------------------------ writing

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
    }
}

/// One shard: `n`, then `n` (term end, postings end) offsets, the terms'
/// bytes, the postings (varints as in the exported shards: document gap,
/// score).
fn shard_bytes(index: &SearchIndex, terms: &[&str]) -> tantivy::Result<Vec<u8>> {
    let mut term_bytes = Vec::new();
    let mut post_bytes = String::new();
    let mut offsets = Vec::with_capacity(terms.len());
    for t in terms {
        term_bytes.extend_from_slice(t.as_bytes());
        let mut last = 0;
        for (doc, score) in index.postings(t)? {
            export::push_varint(&mut post_bytes, doc - last);
            export::push_varint(&mut post_bytes, score);
            last = doc;
        }
        offsets.push((term_bytes.len() as u32, post_bytes.len() as u32));
    }
    let mut out = Vec::with_capacity(4 + 8 * terms.len() + term_bytes.len() + post_bytes.len());
    put_u32(&mut out, terms.len() as u32);
    for (t, p) in offsets {
        put_u32(&mut out, t);
        put_u32(&mut out, p);
    }
    out.extend_from_slice(&term_bytes);
    out.extend_from_slice(post_bytes.as_bytes());
    Ok(out)
}

/// Write the index for `files`/`key` into `root`'s cache, atomically (a
/// new file renamed over the old one). A failure is not an error of the
/// search: the next call builds the index again.
pub fn write(
    root: &Path,
    key: &[u8; 20],
    files: &[FileRecord],
    index: &SearchIndex,
) -> io::Result<()> {
    let err = |e: tantivy::TantivyError| io::Error::other(e.to_string());
    let mut by_shard: Vec<Vec<&str>> = vec![Vec::new(); SHARDS];
    let terms = index.terms().map_err(err)?;
    for (t, _) in &terms {
        by_shard[export::shard_of(t, SHARDS)].push(t);
    }
    let shards: Vec<Vec<u8>> = by_shard
        .par_iter()
        .map(|terms| shard_bytes(index, terms))
        .collect::<tantivy::Result<_>>()
        .map_err(err)?;

    let mut meta = Vec::new();
    put_u32(&mut meta, files.len() as u32);
    for f in files {
        put_str(&mut meta, &f.rel);
        put_u64(&mut meta, f.len);
        meta.extend_from_slice(&f.modified.to_le_bytes());
        meta.extend_from_slice(&f.hash);
    }
    let mut docs = Vec::new();
    put_str(&mut docs, &analyzer::fold_table_string());
    put_opt(&mut docs, index.base_url.as_deref());
    put_u32(&mut docs, index.docs.len() as u32);
    for d in &index.docs {
        for s in [
            &d.id,
            &d.title,
            &d.rel,
            &d.department,
            &d.published,
            &d.category,
            &d.year,
            &d.state,
        ] {
            put_str(&mut docs, s);
        }
        put_opt(&mut docs, d.doc_no.as_deref());
        put_opt(&mut docs, d.kind.as_deref());
        docs.push(u8::from(d.retired));
    }

    // Header: magic, format, key, then (offset, length) of the files, the
    // documents and each shard.
    let header_len = 8 + 4 + 20 + 16 * (2 + SHARDS);
    let mut header = Vec::with_capacity(header_len);
    header.extend_from_slice(MAGIC);
    put_u32(&mut header, STORE_FORMAT);
    header.extend_from_slice(key);
    let mut at = header_len as u64;
    for part in std::iter::once(&meta)
        .chain(std::iter::once(&docs))
        .chain(shards.iter())
    {
        put_u64(&mut header, at);
        put_u64(&mut header, part.len() as u64);
        at += part.len() as u64;
    }
    let path = path(root);
    let dir = path.parent().expect("in the cache folder");
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        use std::io::Write;
        let mut w = io::BufWriter::new(tmp.as_file_mut());
        w.write_all(&header)?;
        w.write_all(&meta)?;
        w.write_all(&docs)?;
        for s in &shards {
            w.write_all(s)?;
        }
        w.flush()?;
    }
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

// ------------------------------------------------------------------ reading

/// An index file opened: its key, files and documents read, its shards
/// read when a query needs them.
pub struct Stored {
    file: File,
    pub key: [u8; 20],
    pub files: Vec<FileRecord>,
    /// When the file was written (its modification time).
    pub written: Option<SystemTime>,
    parts: Vec<(u64, u64)>,
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> io::Result<&[u8]> {
        if self.0.len() < n {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "truncated"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    fn u128(&mut self) -> io::Result<u128> {
        Ok(u128::from_le_bytes(
            self.take(16)?.try_into().expect("16 bytes"),
        ))
    }
    fn str(&mut self) -> io::Result<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8"))
    }
    /// Past a string, checking that it is one.
    fn skip_str(&mut self) -> io::Result<()> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?)
            .map(drop)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8"))
    }
    fn skip_opt(&mut self) -> io::Result<()> {
        match self.take(1)?[0] {
            0 => Ok(()),
            _ => self.skip_str(),
        }
    }
    fn opt(&mut self) -> io::Result<Option<String>> {
        match self.take(1)?[0] {
            0 => Ok(None),
            _ => self.str().map(Some),
        }
    }
}

impl Stored {
    /// The index file of `root`, when there is one that can be read.
    pub fn open(root: &Path) -> io::Result<Stored> {
        let mut file = File::open(path(root))?;
        let written = file.metadata()?.modified().ok();
        let header_len = 8 + 4 + 20 + 16 * (2 + SHARDS);
        let mut header = vec![0; header_len];
        file.read_exact(&mut header)?;
        let mut c = Cursor(&header);
        if c.take(8)? != MAGIC || c.u32()? != STORE_FORMAT {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "another format"));
        }
        let key: [u8; 20] = c.take(20)?.try_into().expect("20 bytes");
        let parts = (0..2 + SHARDS)
            .map(|_| Ok((c.u64()?, c.u64()?)))
            .collect::<io::Result<Vec<_>>>()?;
        // A file cut short (a full disk, a copy interrupted) is not read.
        let end = parts.iter().map(|(at, len)| at + len).max().unwrap_or(0);
        if file.metadata()?.len() != end {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "truncated"));
        }
        let mut stored = Stored {
            file,
            key,
            files: Vec::new(),
            written,
            parts,
        };
        let meta = stored.part(0)?;
        let mut c = Cursor(&meta);
        let n = c.u32()? as usize;
        let mut files = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            files.push(FileRecord {
                rel: c.str()?,
                len: c.u64()?,
                modified: c.u128()?,
                hash: c.take(20)?.try_into().expect("20 bytes"),
            });
        }
        stored.files = files;
        Ok(stored)
    }

    fn part(&mut self, i: usize) -> io::Result<Vec<u8>> {
        let (at, len) = self.parts[i];
        self.file.seek(SeekFrom::Start(at))?;
        let mut bytes = vec![0; len as usize];
        self.file.read_exact(&mut bytes)?;
        Ok(bytes)
    }

    /// The documents (their text left out: results show no excerpt) and
    /// the site's `base_url`; the analyzer's folding table is taken from
    /// the file too (made by the same gongkai: the key says so).
    pub fn docs(&mut self) -> io::Result<(Option<String>, DocTable)> {
        let bytes = self.part(1)?;
        let mut c = Cursor(&bytes);
        analyzer::preload_fold_table(&c.str()?);
        let base_url = c.opt()?;
        let n = c.u32()? as usize;
        // Where each document starts; it is decoded when a query finds it.
        let mut at = Vec::with_capacity(n.min(1 << 24));
        for _ in 0..n {
            at.push(bytes.len() - c.0.len());
            for _ in 0..8 {
                c.skip_str()?;
            }
            for _ in 0..2 {
                c.skip_opt()?;
            }
            c.take(1)?;
        }
        Ok((base_url, DocTable { bytes, at }))
    }

    /// The postings of `token` (document, score in hundredths), sorted by
    /// document; empty when no document has it.
    pub fn postings(&mut self, token: &str) -> io::Result<Vec<(u32, u32)>> {
        let bytes = self.part(2 + export::shard_of(token, SHARDS))?;
        let bad = || io::Error::new(io::ErrorKind::InvalidData, "damaged shard");
        let mut c = Cursor(&bytes);
        let n = c.u32()? as usize;
        let table = c.take(8 * n)?;
        let entry = |i: usize| {
            let e = &table[8 * i..8 * i + 8];
            (
                u32::from_le_bytes(e[..4].try_into().expect("4")) as usize,
                u32::from_le_bytes(e[4..].try_into().expect("4")) as usize,
            )
        };
        let terms_at = 4 + 8 * n;
        let terms_len = if n == 0 { 0 } else { entry(n - 1).0 };
        let posts_at = terms_at + terms_len;
        let term = |i: usize| -> &[u8] {
            let from = if i == 0 { 0 } else { entry(i - 1).0 };
            bytes
                .get(terms_at + from..terms_at + entry(i).0)
                .unwrap_or(&[])
        };
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match term(mid).cmp(token.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let from = if mid == 0 { 0 } else { entry(mid - 1).1 };
                    let posts = bytes
                        .get(posts_at + from..posts_at + entry(mid).1)
                        .ok_or_else(bad)?;
                    return decode(posts).ok_or_else(bad);
                }
            }
        }
        Ok(Vec::new())
    }
}

/// The kept documents, each decoded when asked for: a query that finds a
/// few of many documents does not decode the rest.
pub struct DocTable {
    bytes: Vec<u8>,
    at: Vec<usize>,
}

impl DocTable {
    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// Document `i` (below [`Self::len`]). [`Stored::docs`] has walked
    /// every document and checked its text, so it decodes.
    fn get(&self, i: usize) -> SearchDoc {
        self.decode(i).expect("checked when the table was read")
    }

    fn decode(&self, i: usize) -> io::Result<SearchDoc> {
        let mut c = Cursor(&self.bytes[self.at[i]..]);
        let id = c.str()?;
        let title = c.str()?;
        let rel = c.str()?;
        let department = c.str()?;
        let published = c.str()?;
        let category = c.str()?;
        let year = c.str()?;
        let state = c.str()?;
        let doc_no = c.opt()?;
        let kind = c.opt()?;
        let retired = c.take(1)?[0] != 0;
        Ok(SearchDoc {
            id,
            title,
            rel,
            department_name: String::new(),
            department,
            published,
            doc_no,
            category,
            kind,
            year,
            state,
            retired,
            body: String::new(),
            markdown: None,
        })
    }
}

/// Postings written by [`export::push_varint`] pairs.
fn decode(bytes: &[u8]) -> Option<Vec<(u32, u32)>> {
    let mut out = Vec::new();
    let mut digits = [u8::MAX; 256];
    for (v, a) in export::ALPHABET.iter().enumerate() {
        digits[*a as usize] = v as u8;
    }
    let mut values = bytes
        .iter()
        .map(|b| Some(u32::from(digits[*b as usize])).filter(|d| *d < 64));
    let mut next = || -> Option<Option<u32>> {
        let mut value = 0u32;
        let mut shift = 0;
        loop {
            let Some(digit) = values.next() else {
                return if shift == 0 { Some(None) } else { None };
            };
            let digit = digit?;
            value |= (digit & 31).checked_shl(shift)?;
            if digit & 32 == 0 {
                return Some(Some(value));
            }
            shift += 5;
        }
    };
    let mut doc = 0u32;
    while let Some(gap) = next()? {
        doc = doc.checked_add(gap)?;
        let score = next()??;
        out.push((doc, score));
    }
    Some(out)
}

/// What `gongkai search` queries: the stored index, or the one just built.
pub struct Search {
    docs: Docs,
    /// `base_url` of the site, for the URLs results print.
    pub base_url: Option<String>,
    source: Source,
}

enum Docs {
    Kept(DocTable),
    Built(Vec<SearchDoc>),
}

enum Source {
    Stored(Stored),
    Built(SearchIndex),
}

impl Search {
    /// The stored index, when its key is `key` and it can be read.
    pub fn reuse(mut stored: Stored, key: &[u8; 20]) -> Option<Search> {
        if stored.key != *key {
            return None;
        }
        let (base_url, docs) = stored.docs().ok()?;
        Some(Search {
            docs: Docs::Kept(docs),
            base_url,
            source: Source::Stored(stored),
        })
    }

    pub fn built(mut index: SearchIndex) -> Search {
        Search {
            docs: Docs::Built(std::mem::take(&mut index.docs)),
            base_url: index.base_url.clone(),
            source: Source::Built(index),
        }
    }

    /// Whether the index was read from the cache rather than built.
    pub fn reused(&self) -> bool {
        matches!(self.source, Source::Stored(_))
    }

    fn len(&self) -> usize {
        match &self.docs {
            Docs::Kept(table) => table.len(),
            Docs::Built(docs) => docs.len(),
        }
    }

    /// Document `i` of a [`Hit`].
    pub fn doc(&self, i: u32) -> Cow<'_, SearchDoc> {
        match &self.docs {
            Docs::Kept(table) => Cow::Owned(table.get(i as usize)),
            Docs::Built(docs) => Cow::Borrowed(&docs[i as usize]),
        }
    }

    /// Every document with every token of `query` that passes `filter`,
    /// best first (ties by id).
    pub fn search(&mut self, query: &str, filter: &Filter) -> io::Result<Vec<Hit>> {
        let mut lists = Vec::new();
        for t in analyzer::query_tokens(query) {
            let list = match &mut self.source {
                Source::Stored(s) => s.postings(&t)?,
                Source::Built(index) => index
                    .postings(&t)
                    .map_err(|e| io::Error::other(e.to_string()))?,
            };
            if list.iter().any(|(d, _)| *d as usize >= self.len()) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "damaged search index (delete .gongkai-cache/search.bin)",
                ));
            }
            lists.push(list);
        }
        Ok(super::combine(|d| self.doc(d), lists, filter))
    }
}
