//! The static search files under `public/search/`, from a [`SearchIndex`]:
//!
//! - `index.json`: the entry (format version, a stamp of the content that
//!   the other files are fetched with as `?v=`, document counts, the number
//!   of term shards and documents per group, the folding table of the
//!   analyzer, and the filter data when the site is small);
//! - `t/<k>.json`: term shards `{"t": {token: [doc, score, doc delta,
//!   score, …]}, "c": {doc: row}}`; a token is in shard `fnv1a32(utf8) %
//!   shards`; scores in hundredths; `c` holds the rows of the ten best
//!   current documents of each token found in ≥ 500 documents;
//! - `d/<g>.json`: documents `g·group … g·group+group-1`, each
//!   `[id, title, url, department, date, 文号, state, text]`;
//! - `filters.json` (larger sites): per facet its values and each document's
//!   value number.
//!
//! The search page carries the entry in itself (`Exported::entry`), so a
//! first query fetches only term shards and, when needed, document groups;
//! `index.json` is the same entry for other readers.
//!
//! Documents are numbered in id order; which are retired is a bit set in
//! the entry (`retired`: 6 documents per base64 character, lowest bit
//! first), so "current only" needs no other file. The number of files is at most one per 20
//! pages of the site (at least 3).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use super::{EXCERPT_CHARS, SearchDoc, SearchIndex, analyzer};
use crate::render::urls::Urls;
use crate::write::Sink;

/// Bumped when the layout of the files changes.
pub const FORMAT: u32 = 2;
/// Above this many documents the filter data is a file of its own.
const INLINE_FILTERS_UP_TO: usize = 1000;
/// Aimed-at sizes (raw JSON bytes) of a term shard and a document group.
const SHARD_BYTES: usize = 64 * 1024;
const GROUP_BYTES: usize = 12 * 1024;
/// A token in this many documents or more carries the result rows of its
/// ten best current documents in its shard: a one-token query (a common
/// two-character word) then needs no document group.
const CARDS_FROM_DOCS: usize = 500;
/// Rough bytes of one posting in a shard (`123,4567,`).
const POSTING_BYTES: usize = 9;

/// The filter facets, in the order of the search form.
pub const FACETS: [&str; 5] = ["department", "category", "kind", "year", "state"];

pub fn facet_value<'a>(d: &'a SearchDoc, facet: &str) -> &'a str {
    match facet {
        "department" => &d.department,
        "category" => &d.category,
        "kind" => d.kind.as_deref().unwrap_or(""),
        "year" => &d.year,
        _ => &d.state,
    }
}

/// A numbered part of the index (shard, document group, filters), which
/// the entry file names: not a URL anyone links to.
pub fn is_part(path: &str) -> bool {
    path.starts_with("search/t/") || path.starts_with("search/d/") || path == "search/filters.json"
}

/// FNV-1a, 32 bits, of the UTF-8 bytes: where a token's postings live.
pub fn shard_of(token: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in token.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h as usize) % shards
}

#[derive(Serialize)]
struct Entry<'a> {
    format: u32,
    stamp: String,
    docs: usize,
    retired: String,
    shards: usize,
    group: usize,
    scale: f64,
    fold: String,
    filters: Option<&'a Value>,
}

/// The file layout chosen for a site of `pages` pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub shards: usize,
    pub group: usize,
    pub groups: usize,
    pub filters_file: bool,
}

impl Layout {
    pub fn files(&self) -> usize {
        1 + self.shards + self.groups + usize::from(self.filters_file)
    }
}

pub fn layout(docs: &[SearchDoc], postings: usize, pages: usize) -> Layout {
    let filters_file = docs.len() > INLINE_FILTERS_UP_TO;
    let budget = (pages / 20).max(3);
    let available = budget.saturating_sub(1 + usize::from(filters_file)).max(2);
    let doc_bytes: usize = docs
        .iter()
        .map(|d| 120 + d.title.len() + d.body.len().min(EXCERPT_CHARS * 3))
        .sum();
    // A small site loads in one shard and one group: fewer requests.
    let one = |bytes: usize, aim: usize, whole: usize| {
        if bytes <= whole {
            1
        } else {
            bytes.div_ceil(aim)
        }
    };
    let want_shards = one(postings * POSTING_BYTES, SHARD_BYTES, 2 * SHARD_BYTES);
    let want_groups = one(doc_bytes, GROUP_BYTES, 64 * 1024);
    let (shards, groups) = if want_shards + want_groups <= available {
        (want_shards, want_groups)
    } else {
        let shards = (available * want_shards / (want_shards + want_groups)).max(1);
        (shards, (available - shards).max(1))
    };
    let group = docs.len().div_ceil(groups).max(1);
    Layout {
        shards,
        group,
        groups: docs.len().div_ceil(group).max(1),
        filters_file,
    }
}

/// The filter data: per facet, its values (sorted) and each document's.
pub fn filters(docs: &[SearchDoc]) -> Value {
    let mut out = serde_json::Map::new();
    for facet in FACETS {
        let values: Vec<&str> = {
            let mut v: Vec<&str> = docs.iter().map(|d| facet_value(d, facet)).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let number: BTreeMap<&str, usize> =
            values.iter().enumerate().map(|(i, v)| (*v, i)).collect();
        let codes: Vec<usize> = docs.iter().map(|d| number[facet_value(d, facet)]).collect();
        out.insert(facet.to_string(), json!({"values": values, "docs": codes}));
    }
    Value::Object(out)
}

/// Bits as base64 characters, six per character, lowest bit first.
pub fn bitset(bits: impl Iterator<Item = bool>) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bits: Vec<bool> = bits.collect();
    bits.chunks(6)
        .map(|chunk| {
            let v = chunk
                .iter()
                .enumerate()
                .fold(0usize, |v, (i, b)| v | (usize::from(*b) << i));
            ALPHABET[v] as char
        })
        .collect()
}

/// What a result shows: `[id, title, url, department, date, 文号, state, text]`.
fn row(d: &SearchDoc, urls: &Urls) -> Value {
    json!([
        d.id,
        d.title,
        urls.href(&d.rel),
        d.department_name,
        d.published,
        d.doc_no.as_deref().unwrap_or(""),
        d.state,
        excerpt(&d.body),
    ])
}

/// The ten best current documents of one token's postings (ties by
/// number): the first page of results when the token is the whole query.
fn top_current(docs: &[SearchDoc], postings: &[(u32, u32)]) -> Vec<u32> {
    let mut best: Vec<(u32, u32)> = postings
        .iter()
        .filter(|(d, _)| !docs[*d as usize].retired)
        .copied()
        .collect();
    best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    best.into_iter().take(10).map(|(d, _)| d).collect()
}

fn excerpt(body: &str) -> String {
    body.chars().take(EXCERPT_CHARS).collect()
}

/// What the browser fetches parts with (`?v=`): a hash of the documents,
/// taken before their text is cut to the excerpt.
pub fn stamp(docs: &[SearchDoc]) -> String {
    let mut h = Sha1::new();
    h.update(FORMAT.to_le_bytes());
    for d in docs {
        for part in [
            &d.id,
            &d.title,
            &d.state,
            &d.body,
            &d.department_name,
            &d.rel,
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.update(d.doc_no.as_deref().unwrap_or("").as_bytes());
        h.update(d.kind.as_deref().unwrap_or("").as_bytes());
        h.update(d.category.as_bytes());
        h.update(d.published.as_bytes());
        h.update([1]);
    }
    h.finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What [`export`] wrote: the layout, and the entry as JSON for the page.
pub struct Exported {
    pub layout: Layout,
    pub entry: String,
}

/// Write the search files of `index` for a site of `pages` pages.
pub fn export(
    index: &SearchIndex,
    urls: &Urls,
    pages: usize,
    sink: &dyn Sink,
) -> Result<Exported, String> {
    let err = |e: tantivy::TantivyError| format!("search index: {e}");
    let docs = &index.docs;
    let terms = index.terms().map_err(err)?;
    let layout = layout(docs, index.posting_count().map_err(err)?, pages);

    // Term shards, each built and written on its own.
    let mut by_shard: Vec<Vec<&str>> = vec![Vec::new(); layout.shards];
    for t in &terms {
        by_shard[shard_of(t, layout.shards)].push(t);
    }
    by_shard.par_iter().enumerate().try_for_each(|(k, terms)| {
        let mut out = String::from("{\"t\":{");
        let mut cards: BTreeSet<u32> = BTreeSet::new();
        for (i, t) in terms.iter().enumerate() {
            let postings = index.postings(t).map_err(err)?;
            if postings.len() >= CARDS_FROM_DOCS {
                cards.extend(top_current(docs, &postings));
            }
            if i > 0 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(t).expect("string"));
            out.push_str(":[");
            let mut last = 0;
            for (j, (doc, score)) in postings.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{},{score}", doc - last);
                last = *doc;
            }
            out.push(']');
        }
        out.push_str("},\"c\":{");
        for (i, doc) in cards.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{doc}\":");
            out.push_str(&row(&docs[*doc as usize], urls).to_string());
        }
        out.push_str("}}");
        sink.write(&format!("search/t/{k}.json"), out.as_bytes())
            .map_err(|e| e.to_string())
    })?;

    // Document groups.
    docs.par_chunks(layout.group)
        .enumerate()
        .try_for_each(|(g, chunk)| {
            let rows: Vec<Value> = chunk.iter().map(|d| row(d, urls)).collect();
            let bytes = serde_json::to_vec(&rows).expect("json");
            sink.write(&format!("search/d/{g}.json"), &bytes)
                .map_err(|e| e.to_string())
        })?;

    let filter_data = filters(docs);
    if layout.filters_file {
        let bytes = serde_json::to_vec(&filter_data).expect("json");
        sink.write("search/filters.json", &bytes)
            .map_err(|e| e.to_string())?;
    }
    let entry = Entry {
        format: FORMAT,
        stamp: index.stamp.clone(),
        docs: docs.len(),
        retired: bitset(docs.iter().map(|d| d.retired)),
        shards: layout.shards,
        group: layout.group,
        scale: super::SCORE_SCALE,
        fold: analyzer::fold_table_string(),
        filters: (!layout.filters_file).then_some(&filter_data),
    };
    let entry = serde_json::to_string(&entry).expect("json");
    sink.write("search/index.json", entry.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(Exported { layout, entry })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_hash_is_the_one_the_browser_computes() {
        // FNV-1a 32 of "a" is 0xe40c292c.
        assert_eq!(shard_of("a", usize::MAX), 0xe40c_292c);
        assert_eq!(shard_of("公开", 1), 0);
    }

    #[test]
    fn bitsets_are_six_documents_per_character() {
        assert_eq!(
            bitset([true, false, false, false, false, false, true].into_iter()),
            "BB"
        );
        assert_eq!(bitset(std::iter::empty()), "");
    }
}
