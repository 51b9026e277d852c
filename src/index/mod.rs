//! Search: the documents the site shows, indexed with tantivy (`build`),
//! queried by `gongkai search` (`SearchIndex::search`) and exported into
//! static files for the browser (`export.rs`).
//!
//! Scores are tantivy's BM25 (`Bm25Weight`, the statistics of the whole
//! index), per query token summed over the fields title (boost
//! [`TITLE_BOOST`]), body and metadata, then rounded to an integer number of
//! hundredths per (token, document): the CLI and the browser add the same
//! integers, so they rank identically (ties by id). All tokens of a query
//! must match (AND).

pub mod analysis;
pub mod analyzer;
pub mod export;
pub mod store;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser, TagEnd};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use tantivy::tokenizer::TokenStream;

use crate::sink::Sink;
use crate::urls;
use crate::validate::Site;
use analysis::Analysis;

/// How much more a match in the title counts than one in the body.
pub const TITLE_BOOST: f32 = 2.0;
/// Scores are exported as integers in these units.
pub const SCORE_SCALE: f64 = 100.0;
/// Characters of body text kept for the excerpt.
pub const EXCERPT_CHARS: usize = 160;

/// One published item as search sees it.
#[derive(Clone, Debug)]
pub struct SearchDoc {
    pub id: String,
    pub title: String,
    /// Site-relative (`items/<索引号>/`).
    pub rel: String,
    pub department: String,
    pub department_name: String,
    pub published: String,
    pub doc_no: Option<String>,
    pub category: String,
    pub kind: Option<String>,
    pub year: String,
    /// `in-force`, `amended`, `pending`, `repealed`, `expired` or `deleted`.
    pub state: String,
    pub retired: bool,
    /// The plain text ([`plain_text`]): whole while the document is
    /// indexed, then cut to the excerpt.
    pub body: String,
    /// An item's Markdown (its file's shared text and the body's range),
    /// made into `body` only when its batch is indexed: at 50,000 items
    /// the plain texts of all items at once were 240 MB, a third of the
    /// build's peak.
    pub markdown: Option<(Arc<str>, Range<usize>)>,
}

/// Stage 2b, between validate and render: index the site's documents and
/// write the search files into `sink`. Returns the entry of the index
/// (JSON), which the search page carries. `html_pages` is the number of
/// HTML pages of the site ([`crate::render::html_pages`]): the search
/// files are at most one per 20 of them. With `cache` (a folder), each
/// document's analysis is kept there for the next build ([`analysis`]).
pub fn stage(
    site: &Site,
    html_pages: usize,
    sink: &dyn Sink,
    cache: Option<&Path>,
) -> std::io::Result<String> {
    stage_documents(
        documents(site),
        &site.config.base_url,
        html_pages,
        sink,
        cache,
    )
}

/// [`stage`] of the site's [`documents`], taken beforehand: `build` takes
/// them before it takes the items' texts out of the site for rendering.
pub fn stage_documents(
    docs: Vec<SearchDoc>,
    base_url: &str,
    html_pages: usize,
    sink: &dyn Sink,
    cache: Option<&Path>,
) -> std::io::Result<String> {
    let urls = urls::Urls::new(base_url);
    let index = match cache {
        Some(dir) => {
            SearchIndex::build_cached(docs, &dir.join(analysis::FILE)).map(|(index, _)| index)
        }
        None => SearchIndex::build(docs),
    }
    .map_err(|e| std::io::Error::other(format!("search index: {e}")))?;
    Ok(export::export(&index, &urls, html_pages, sink)?.entry)
}

/// The documents of the site, current and retired, in 索引号 order: their
/// position is their number in every exported file, so a tie in score is
/// broken by the number alone.
pub fn documents(site: &Site) -> Vec<SearchDoc> {
    let names: BTreeMap<&str, &str> = site
        .departments
        .iter()
        .map(|d| (d.slug.as_str(), d.name.as_str()))
        .collect();
    let mut docs: Vec<SearchDoc> = site
        .items
        .par_iter()
        .map(|item| {
            let c = &item.doc;
            SearchDoc {
                id: item.id().to_string(),
                title: c.title.clone(),
                rel: urls::item(item.id()),
                department: c.department.clone(),
                department_name: names
                    .get(c.department.as_str())
                    .map_or_else(|| c.department.clone(), |n| n.to_string()),
                published: c.published.value.to_string(),
                doc_no: c.doc_no.clone(),
                category: c.category.value.clone(),
                kind: c.kind.as_ref().map(|k| k.value.clone()),
                year: c.published.value.year().to_string(),
                state: item.state().to_string(),
                retired: item.is_retired(),
                body: String::new(),
                markdown: Some((Arc::clone(&c.source.text), c.body.clone())),
            }
        })
        .collect();
    // Powers (权力事项): their name as the title, their basis, subject,
    // office, fee, materials and responsibilities as the text.
    docs.extend(site.powers.iter().map(|power| {
        let p = &power.doc;
        let mut text: Vec<&str> = p.basis.iter().map(|b| b.value.as_str()).collect();
        text.extend(p.subject.as_deref());
        text.extend(p.office.as_deref());
        text.extend(p.fee.as_deref());
        text.extend(p.materials.iter().map(String::as_str));
        text.extend(p.responsibilities.iter().map(String::as_str));
        SearchDoc {
            id: power.id().to_string(),
            title: p.name.clone(),
            rel: urls::power(power.id()),
            department: p.department.clone(),
            department_name: names
                .get(p.department.as_str())
                .map_or_else(|| p.department.clone(), |n| n.to_string()),
            published: String::new(),
            doc_no: None,
            category: p.category.value.clone(),
            kind: None,
            year: String::new(),
            state: power.state().to_string(),
            retired: power.is_retired(),
            body: text.join("\n"),
            markdown: None,
        }
    }));
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    docs
}

/// The text of Markdown, blocks separated by line ends; raw HTML dropped.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    // A heading's `{…}` attribute block is not shown on the page
    // (`render::markdown`), so it is not text to find either.
    for event in Parser::new_ext(markdown, Options::ENABLE_HEADING_ATTRIBUTES) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The text fields, in the order their scores are added: title, body,
/// metadata.
const FIELDS: usize = 3;
const BOOSTS: [f32; FIELDS] = [TITLE_BOOST, 1.0, 1.0];
/// tantivy drops longer tokens (`MAX_TOKEN_LEN`): so does this index, so
/// that field lengths stay tantivy's.
const MAX_TOKEN_LEN: usize = u16::MAX as usize - 5;
/// Documents indexed by one task; their postings are then appended, in
/// document order, to the index's.
const CHUNK: usize = 512;

/// One field's postings of a token: (document gap, term frequency) as
/// LEB128 varints, documents ascending.
#[derive(Default)]
struct FieldPostings {
    bytes: Vec<u8>,
    /// Documents (the token's document frequency in the field).
    docs: u32,
    /// The last document, for the next gap.
    last: u32,
}

impl FieldPostings {
    /// `doc` (after every document already in) has the token `tf` times.
    fn push(&mut self, doc: u32, tf: u32) {
        let gap = if self.docs == 0 { doc } else { doc - self.last };
        leb128(&mut self.bytes, gap);
        leb128(&mut self.bytes, tf);
        self.docs += 1;
        self.last = doc;
    }

    fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut it = Leb128(&self.bytes);
        let mut doc = 0;
        std::iter::from_fn(move || {
            let gap = it.next()?;
            let tf = it.next()?;
            doc += gap;
            Some((doc, tf))
        })
    }
}

fn leb128(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Leb128<'a>(&'a [u8]);

impl Iterator for Leb128<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let mut v = 0u32;
        let mut shift = 0;
        loop {
            let (b, rest) = self.0.split_first()?;
            self.0 = rest;
            v |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
            shift += 7;
        }
    }
}

/// FxHash (rustc's): the term tables hash tens of millions of short
/// tokens; SipHash's resistance to chosen keys buys nothing here (the
/// content is the site's own, and order never leaks into output).
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The analyses of `docs`, their terms numbered in a table of the chunk's
/// own (returned, by number).
fn analyse_chunk(docs: &[&SearchDoc]) -> (Vec<Box<str>>, Vec<Analysis>) {
    let mut numbers: FxMap<Box<str>, u32> = FxMap::default();
    let mut seen: Vec<u32> = Vec::new();
    let analyses = docs
        .iter()
        .map(|d| {
            let mut a = Analysis::default();
            for f in 0..FIELDS {
                let text = field_text(d, f);
                let mut stream = analyzer::CjkTokenStream::new(&text);
                seen.clear();
                while stream.advance() {
                    let token = stream.token().text.as_str();
                    if token.len() > MAX_TOKEN_LEN {
                        continue;
                    }
                    let n = match numbers.get(token) {
                        Some(n) => *n,
                        None => {
                            let n = numbers.len() as u32;
                            numbers.insert(token.into(), n);
                            n
                        }
                    };
                    seen.push(n);
                }
                a.lengths[f] = seen.len() as u32;
                seen.sort_unstable();
                for &n in &seen {
                    match a.counts[f].last_mut() {
                        Some((last, tf)) if *last == n => *tf += 1,
                        _ => a.counts[f].push((n, 1)),
                    }
                }
            }
            a
        })
        .collect();
    let mut terms: Vec<Box<str>> = vec![Box::from(""); numbers.len()];
    for (t, n) in numbers {
        terms[n as usize] = t;
    }
    (terms, analyses)
}

/// The terms of the index being built, numbered in the order first seen
/// (a kept analysis's numbers stay valid: [`analysis`]).
#[derive(Default)]
struct Dictionary {
    numbers: FxMap<Box<str>, u32>,
}

impl Dictionary {
    fn from_terms(terms: Vec<Box<str>>) -> Dictionary {
        let mut numbers = FxMap::default();
        numbers.reserve(terms.len());
        for (n, t) in terms.into_iter().enumerate() {
            numbers.insert(t, n as u32);
        }
        Dictionary { numbers }
    }

    fn len(&self) -> usize {
        self.numbers.len()
    }

    fn number(&mut self, term: Box<str>) -> u32 {
        let next = self.numbers.len() as u32;
        *self.numbers.entry(term).or_insert(next)
    }

    fn into_terms(self) -> Vec<Box<str>> {
        let mut terms: Vec<Box<str>> = vec![Box::from(""); self.numbers.len()];
        for (t, n) in self.numbers {
            terms[n as usize] = t;
        }
        terms
    }
}

/// The text of field `f` of a document, as tantivy was given it.
fn field_text(d: &SearchDoc, f: usize) -> std::borrow::Cow<'_, str> {
    match f {
        0 => d.title.as_str().into(),
        1 => d.body.as_str().into(),
        _ => {
            let mut meta = vec![
                d.id.as_str(),
                d.department_name.as_str(),
                d.category.as_str(),
                d.year.as_str(),
            ];
            meta.extend(d.doc_no.as_deref());
            meta.extend(d.kind.as_deref());
            meta.join("\n").into()
        }
    }
}

/// An inverted index of [`SearchDoc`]s, in memory, scored as tantivy
/// scores (its `Bm25Weight` and field-length coding, the statistics of the
/// whole index): the browser's scores were defined by tantivy's, and a
/// build needs the postings of every token, which a plain table gives
/// without writing, merging and reading back tantivy's segments.
pub struct SearchIndex {
    /// The documents; their `body` cut to the excerpt once indexed.
    pub docs: Vec<SearchDoc>,
    /// A hash of the documents as indexed, whole ([`export::stamp`]).
    pub stamp: String,
    /// `base_url` of the site, for the URLs `gongkai search` prints.
    pub base_url: Option<String>,
    /// Every token of a document, sorted, with its postings per field.
    terms: Vec<(Box<str>, [FieldPostings; FIELDS])>,
    /// Per field, per document: tantivy's one-byte code of its length.
    norms: [Vec<u8>; FIELDS],
    /// Documents indexed (`docs` may be taken away: `store::Search`).
    total_docs: u64,
    /// Per field, [`tf_cache`] of its average (on the heap: 3 kB).
    tf_cache: Vec<[f32; 256]>,
}

/// BM25's constants in tantivy (`query/bm25.rs`).
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// What `Bm25Weight::for_one_term(doc_freq, total_docs, _).boost_by(boost)`
/// holds as its weight, in the same `f32` operations. tantivy's builds an
/// explanation (strings) and a 256-entry table per call: per token and
/// field, twice per build, that was a large part of exporting the index.
/// `bm25_matches_tantivy` proves the scores equal bit for bit.
fn bm25_weight(doc_freq: u64, total_docs: u64, boost: f32) -> f32 {
    let x = ((total_docs - doc_freq) as f32 + 0.5) / (doc_freq as f32 + 0.5);
    let idf = (1.0 + x).ln();
    let weight = idf * (1.0 + K1);
    if boost == 1.0 { weight } else { weight * boost }
}

/// tantivy's table of `K1 * (1 - B + B * length / average)` per one-byte
/// field-length code, made once per field instead of once per token.
fn tf_cache(average: f32) -> [f32; 256] {
    std::array::from_fn(|id| {
        let length = tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm(id as u8);
        K1 * (1.0 - B + B * length as f32 / average)
    })
}

/// `Bm25Weight::score`: the weight times `tf / (tf + table[norm])`.
fn bm25_score(weight: f32, cache: &[f32; 256], norm: u8, tf: u32) -> f32 {
    let tf = tf as f32;
    weight * (tf / (tf + cache[norm as usize]))
}

/// What a query keeps.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Also retired (repealed, expired, deleted) items.
    pub retired: bool,
    pub department: Option<String>,
    pub category: Option<String>,
    pub kind: Option<String>,
    pub year: Option<String>,
    pub state: Option<String>,
}

impl Filter {
    pub fn keeps(&self, d: &SearchDoc) -> bool {
        let is = |want: &Option<String>, have: Option<&str>| {
            want.as_deref().is_none_or(|w| Some(w) == have)
        };
        (self.retired || self.state.is_some() || !d.retired)
            && is(&self.department, Some(&d.department))
            && is(&self.category, Some(&d.category))
            && is(&self.kind, d.kind.as_deref())
            && is(&self.year, Some(&d.year))
            && is(&self.state, Some(&d.state))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Position in [`SearchIndex::docs`].
    pub doc: u32,
    /// In hundredths ([`SCORE_SCALE`]).
    pub score: u64,
}

type Result<T> = std::result::Result<T, tantivy::TantivyError>;

impl SearchIndex {
    /// Index `docs` in memory: chunks of documents analysed in parallel,
    /// their postings appended in document order (the same index whatever
    /// the number of threads).
    pub fn build(docs: Vec<SearchDoc>) -> Result<SearchIndex> {
        Ok(Self::build_with(docs, None, None).0)
    }

    /// As [`SearchIndex::build`], analysing only the documents whose
    /// analysis the file at `path` ([`analysis`]) does not hold, and
    /// writing the analyses of all to it. Returns how many were reused.
    pub fn build_cached(docs: Vec<SearchDoc>, path: &Path) -> Result<(SearchIndex, usize)> {
        let old = analysis::Reader::open(path);
        let new = analysis::Writer::create(path);
        Ok(Self::build_with(docs, old, new))
    }

    fn build_with(
        mut docs: Vec<SearchDoc>,
        mut old: Option<analysis::Reader>,
        mut new: Option<analysis::Writer>,
    ) -> (SearchIndex, usize) {
        let mut stamp = export::Stamp::default();
        let mut dictionary = Dictionary::default();
        if let Some(r) = old.as_mut() {
            let terms = std::mem::take(&mut r.terms);
            let n = terms.len();
            dictionary = Dictionary::from_terms(terms);
            // A term twice: not a file this wrote (its numbers would not
            // all have a term).
            if dictionary.len() != n {
                dictionary = Dictionary::default();
                old = None;
            }
        }
        let known = dictionary.len() as u32;
        let mut postings: Vec<[FieldPostings; FIELDS]> = Vec::new();
        let mut lengths: [Vec<u32>; FIELDS] = Default::default();
        let mut reused = 0;
        // A few chunks at a time, so that at most those chunks' texts and
        // analyses sit beside the index.
        let batch = CHUNK * rayon::current_num_threads().max(1);
        for (b, docs_batch) in docs.chunks_mut(batch).enumerate() {
            // The Markdown of every item is parsed again for its text: in
            // parallel, and only for this batch.
            let keys: Vec<[u8; 20]> = docs_batch
                .par_iter_mut()
                .map(|d| {
                    if let Some((text, range)) = d.markdown.take() {
                        d.body = plain_text(&text[range]);
                    }
                    analysis::key(d)
                })
                .collect();
            docs_batch.iter().for_each(|d| stamp.add(d));
            // The kept analyses of documents whose key is the same.
            let kept: Vec<Option<(analysis::Analysis, Vec<u8>)>> = docs_batch
                .iter()
                .zip(&keys)
                .map(|(d, key)| {
                    let cached = old.as_mut()?.take(&d.id)?;
                    if cached.key != *key {
                        return None;
                    }
                    Some((cached.decode(known)?, cached.body))
                })
                .collect();
            let missing: Vec<&SearchDoc> = docs_batch
                .iter()
                .zip(&kept)
                .filter(|(_, k)| k.is_none())
                .map(|(d, _)| d)
                .collect();
            let parts: Vec<(Vec<Box<str>>, Vec<Analysis>)> =
                missing.par_chunks(CHUNK).map(analyse_chunk).collect();
            // The chunks' numbers made the dictionary's, in document order.
            let mut analysed = parts.into_iter().flat_map(|(terms, analyses)| {
                let numbers: Vec<u32> = terms.into_iter().map(|t| dictionary.number(t)).collect();
                analyses.into_iter().map(move |mut a| {
                    for counts in &mut a.counts {
                        for (n, _) in counts.iter_mut() {
                            *n = numbers[*n as usize];
                        }
                        counts.sort_unstable();
                    }
                    a
                })
            });
            let analyses: Vec<(analysis::Analysis, Option<Vec<u8>>)> = kept
                .into_iter()
                .map(|k| match k {
                    Some((a, body)) => (a, Some(body)),
                    None => (analysed.next().expect("one per missing document"), None),
                })
                .collect();
            drop(analysed);
            postings.resize_with(dictionary.len(), Default::default);
            for (i, ((a, body), (d, key))) in analyses
                .into_iter()
                .zip(docs_batch.iter().zip(&keys))
                .enumerate()
            {
                let doc = (b * batch + i) as u32;
                for f in 0..FIELDS {
                    for &(n, tf) in &a.counts[f] {
                        postings[n as usize][f].push(doc, tf);
                    }
                    lengths[f].push(a.lengths[f]);
                }
                reused += usize::from(body.is_some());
                if let Some(new) = new.as_mut() {
                    match body {
                        Some(body) => new.entry(&body),
                        None => new.entry(&a.encode(&d.id, key)),
                    }
                }
            }
            // Past this point only the excerpt of the text is read: keep
            // no more (at 50,000 items the texts are hundreds of megabytes).
            for d in docs_batch.iter_mut() {
                if let Some((cut, _)) = d.body.char_indices().nth(EXCERPT_CHARS) {
                    d.body.truncate(cut);
                    d.body.shrink_to_fit();
                }
            }
        }
        let terms = dictionary.into_terms();
        let live = postings
            .iter()
            .filter(|p| p.iter().any(|p| p.docs > 0))
            .count();
        if let Some(new) = new {
            new.finish(&terms, live);
        }
        // Terms no document has any more (kept in the file's numbering) are
        // not in the index: a clean build never saw them.
        let mut terms: Vec<(Box<str>, [FieldPostings; FIELDS])> = terms
            .into_iter()
            .zip(postings)
            .filter(|(_, p)| p.iter().any(|p| p.docs > 0))
            .collect();
        terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let stamp = stamp.finish();
        let total_docs = docs.len() as u64;
        let average: [f32; FIELDS] = std::array::from_fn(|f| {
            let tokens: u64 = lengths[f].iter().map(|n| u64::from(*n)).sum();
            tokens as f32 / total_docs as f32
        });
        let norms = lengths.map(|l| {
            l.into_iter()
                .map(tantivy::fieldnorm::FieldNormReader::fieldnorm_to_id)
                .collect()
        });
        let index = SearchIndex {
            docs,
            stamp,
            base_url: None,
            terms,
            norms,
            total_docs,
            // Per field: tokens per document, as `Bm25Weight::for_terms`
            // computes it.
            tf_cache: average.iter().map(|a| tf_cache(*a)).collect(),
        };
        (index, reused)
    }

    /// Every indexed token of the text fields, sorted and distinct, with
    /// its number of (field, document) postings: an upper bound of the
    /// documents it is exported with.
    pub fn terms(&self) -> Result<Vec<(String, usize)>> {
        Ok(self
            .terms
            .iter()
            .map(|(t, p)| (t.to_string(), p.iter().map(|p| p.docs as usize).sum()))
            .collect())
    }

    /// The score of `token` in each document that has it: tantivy's BM25 of
    /// each field (boosted) summed, in hundredths; sorted by document.
    pub fn postings(&self, token: &str) -> Result<Vec<(u32, u32)>> {
        let Ok(i) = self.terms.binary_search_by(|(t, _)| (**t).cmp(token)) else {
            return Ok(Vec::new());
        };
        let fields = &self.terms[i].1;
        let total_docs = self.total_docs;
        let mut scores: Vec<(u32, f32)> = Vec::new();
        for (f, postings) in fields.iter().enumerate() {
            if postings.docs == 0 {
                continue;
            }
            let weight = bm25_weight(u64::from(postings.docs), total_docs, BOOSTS[f]);
            let norms = &self.norms[f];
            let cache = &self.tf_cache[f];
            scores.extend(
                postings
                    .iter()
                    .map(|(doc, tf)| (doc, bm25_score(weight, cache, norms[doc as usize], tf))),
            );
        }
        // Per document, its fields' scores added in field order.
        scores.sort_by_key(|(doc, _)| *doc);
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(scores.len());
        let mut i = 0;
        while i < scores.len() {
            let doc = scores[i].0;
            let mut sum = 0.0f32;
            while i < scores.len() && scores[i].0 == doc {
                sum += scores[i].1;
                i += 1;
            }
            out.push((doc, quantize(sum)));
        }
        Ok(out)
    }

    /// All documents that have every token of `query` and pass `filter`,
    /// best first (ties by id).
    pub fn search(&self, query: &str, filter: &Filter) -> Result<Vec<Hit>> {
        let lists = analyzer::query_tokens(query)
            .iter()
            .map(|t| self.postings(t))
            .collect::<Result<Vec<_>>>()?;
        Ok(combine(
            |d| std::borrow::Cow::Borrowed(&self.docs[d as usize]),
            lists,
            filter,
        ))
    }
}

/// The documents in every one of `lists` (a query token's postings each)
/// that pass `filter`, scores added, best first (ties by id). `doc` gives
/// a document by its number: the kept index decodes only the documents a
/// query finds.
fn combine<'d>(
    doc: impl Fn(u32) -> std::borrow::Cow<'d, SearchDoc>,
    lists: Vec<Vec<(u32, u32)>>,
    filter: &Filter,
) -> Vec<Hit> {
    let mut total: Option<BTreeMap<u32, u64>> = None;
    for postings in lists {
        total = Some(match total {
            None => postings
                .into_iter()
                .map(|(d, s)| (d, u64::from(s)))
                .collect(),
            Some(acc) => {
                let postings: BTreeMap<u32, u32> = postings.into_iter().collect();
                acc.into_iter()
                    .filter_map(|(d, s)| postings.get(&d).map(|p| (d, s + u64::from(*p))))
                    .collect()
            }
        });
    }
    let mut hits: Vec<(Hit, String)> = total
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(d, score)| {
            let found = doc(d);
            filter
                .keeps(&found)
                .then(|| (Hit { doc: d, score }, found.id.clone()))
        })
        .collect();
    hits.sort_by(|(a, a_id), (b, b_id)| b.score.cmp(&a.score).then_with(|| a_id.cmp(b_id)));
    hits.into_iter().map(|(hit, _)| hit).collect()
}

/// A score in hundredths, the unit both the CLI and the browser add.
pub fn quantize(score: f32) -> u32 {
    (f64::from(score) * SCORE_SCALE).round().max(0.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::Bm25Weight;

    /// The scores made without tantivy's `Bm25Weight` are its scores, bit
    /// for bit, over document frequencies, lengths, boosts and counts.
    #[test]
    fn bm25_matches_tantivy() {
        for total in [1u64, 7, 1000, 123_457] {
            for average in [0.5f32, 3.0, 17.25, 1400.7] {
                let cache = tf_cache(average);
                for doc_freq in [1u64, 2, total / 2, total] {
                    let doc_freq = doc_freq.clamp(1, total);
                    for boost in [1.0f32, TITLE_BOOST] {
                        let theirs =
                            Bm25Weight::for_one_term(doc_freq, total, average).boost_by(boost);
                        let weight = bm25_weight(doc_freq, total, boost);
                        for norm in [0u8, 1, 17, 100, 200, 255] {
                            for tf in [1u32, 2, 9, 400] {
                                assert_eq!(
                                    bm25_score(weight, &cache, norm, tf).to_bits(),
                                    theirs.score(norm, tf).to_bits(),
                                    "{total} {average} {doc_freq} {boost} {norm} {tf}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}
