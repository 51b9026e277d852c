//! The static search files under `public/search/`, from a [`SearchIndex`]:
//!
//! - `index.json`: the entry (format version, a stamp of the content that
//!   the other files are fetched with as `?v=`, document counts, the number
//!   of term shards and documents per group, the folding table of the
//!   analyzer, and the filter data when the site is small);
//! - `t/<k>.json`: term shards `{"t": {token: postings}, "c": {doc: row}}`;
//!   a token is in shard `fnv1a32(utf8) % shards`; its postings are one
//!   string of varints ([`push_varint`]), document gap then score in
//!   hundredths, per document; `c` holds the result rows of the first page
//!   of each token found in ≥ 500 documents and of each title query that
//!   would otherwise need more than four requests;
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
use crate::sink::Sink;
use crate::urls::Urls;

/// Bumped when the layout of the files changes.
pub const FORMAT: u32 = 3;
/// Above this many documents the filter data is a file of its own.
const INLINE_FILTERS_UP_TO: usize = 1000;
/// Aimed-at sizes (raw JSON bytes) of a term shard and a document group.
const SHARD_BYTES: usize = 24 * 1024;
const GROUP_BYTES: usize = 12 * 1024;
/// A token in this many documents or more carries the result rows of its
/// ten best current documents in its shard: a one-token query (a common
/// two-character word) then needs no document group.
const CARDS_FROM_DOCS: usize = 500;
/// Rough bytes of one posting in a shard (see [`push_varint`]) and of one
/// result row.
const POSTING_BYTES: usize = 4;
const ROW_BYTES: usize = 700;
/// Requests after the page that a first query of a title word should need
/// at most: its term shards, then the document groups of the results its
/// shards carry no row of.
const FIRST_QUERY_REQUESTS: usize = 4;
/// Title queries of up to this many tokens (2 to 4 Han characters) carry
/// their first page of results in a shard when they would otherwise need
/// more than [`FIRST_QUERY_REQUESTS`].
const TITLE_QUERY_TOKENS: usize = 3;
/// Results on the first page of the search page.
const FIRST_PAGE: usize = 10;

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

/// The digits of bit sets and posting lists: base64's, none of which JSON
/// escapes.
pub(crate) const ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `value` as base-32 digits, lowest first, each written as the base64
/// character of the digit plus 32 when more digits follow: a posting of a
/// common token (gap < 32, score < 1024 hundredths) is three characters.
pub fn push_varint(out: &mut String, mut value: u32) {
    loop {
        let digit = (value & 31) as usize;
        value >>= 5;
        if value == 0 {
            out.push(ALPHABET[digit] as char);
            return;
        }
        out.push(ALPHABET[digit | 32] as char);
    }
}

/// Bits as base64 characters, six per character, lowest bit first.
pub fn bitset(bits: impl Iterator<Item = bool>) -> String {
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

/// The first page of results of the query whose tokens have `lists` as
/// postings (sorted by document): the best current documents that have
/// every token, scores added, ties by number, as the browser ranks them.
fn top_current(docs: &[SearchDoc], lists: &[&[(u32, u32)]]) -> Vec<u32> {
    let mut lists = lists.to_vec();
    lists.sort_by_key(|l| l.len());
    let Some((shortest, others)) = lists.split_first() else {
        return Vec::new();
    };
    let mut best: Vec<(u64, u32)> = shortest
        .iter()
        .filter(|(d, _)| !docs[*d as usize].retired)
        .filter_map(|&(d, score)| {
            let mut total = u64::from(score);
            for list in others {
                let i = list.binary_search_by_key(&d, |p| p.0).ok()?;
                total += u64::from(list[i].1);
            }
            Some((total, d))
        })
        .collect();
    let order = |a: &(u64, u32), b: &(u64, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if best.len() > FIRST_PAGE {
        best.select_nth_unstable_by(FIRST_PAGE - 1, order);
        best.truncate(FIRST_PAGE);
    }
    best.sort_by(order);
    best.into_iter().map(|(_, d)| d).collect()
}

/// A title query: the numbers of its distinct tokens, sorted, padded with
/// `u32::MAX` (numbers, not strings: a large site's titles hold millions
/// of windows).
type TitleQuery = [u32; TITLE_QUERY_TOKENS];

/// Every query made of 1 to [`TITLE_QUERY_TOKENS`] consecutive tokens of a
/// title, as the browser's distinct tokens: what a reader who remembers a
/// word of a title types. Returns the tokens, and the queries by number.
fn title_queries(docs: &[SearchDoc]) -> (Vec<String>, BTreeSet<TitleQuery>) {
    let mut number_of: BTreeMap<String, u32> = BTreeMap::new();
    let mut queries = BTreeSet::new();
    for d in docs {
        let tokens: Vec<(String, u32)> = analyzer::analyze(&d.title)
            .into_iter()
            .map(|t| {
                let next = number_of.len() as u32;
                let n = *number_of.entry(t.clone()).or_insert(next);
                (t, n)
            })
            .collect();
        for n in 1..=TITLE_QUERY_TOKENS {
            for window in tokens.windows(n) {
                // The browser drops lone characters next to longer tokens.
                if n > 1 && window.iter().any(|(t, _)| analyzer::is_unigram(t)) {
                    continue;
                }
                let mut numbers: Vec<u32> = window.iter().map(|(_, n)| *n).collect();
                numbers.sort_unstable();
                numbers.dedup();
                let mut query = [u32::MAX; TITLE_QUERY_TOKENS];
                query[..numbers.len()].copy_from_slice(&numbers);
                queries.insert(query);
            }
        }
    }
    let mut tokens = vec![String::new(); number_of.len()];
    for (t, n) in number_of {
        tokens[n as usize] = t;
    }
    (tokens, queries)
}

/// Per shard, the documents whose rows it carries for title queries: for
/// every title query whose first page of results spans more document
/// groups than [`FIRST_QUERY_REQUESTS`] leaves after its shards, the rows
/// of the results outside the groups it may still fetch (those holding
/// most of its results). They go to the smallest of the query's shards
/// (`shard_bytes`: their postings' rough size), so that the shards of common
/// tokens, which most queries load, do not grow.
fn title_query_cards(
    index: &SearchIndex,
    layout: &Layout,
    mut shard_bytes: Vec<usize>,
) -> tantivy::Result<Vec<BTreeSet<u32>>> {
    let docs = &index.docs;
    let (tokens, queries) = title_queries(docs);
    let postings: Vec<Vec<(u32, u32)>> = tokens
        .par_iter()
        .map(|t| index.postings(t))
        .collect::<tantivy::Result<_>>()?;
    let shard: Vec<usize> = tokens.iter().map(|t| shard_of(t, layout.shards)).collect();
    let picks: Vec<(BTreeSet<usize>, Vec<u32>)> = queries
        .par_iter()
        .filter_map(|query| {
            let query = query
                .iter()
                .take_while(|n| **n != u32::MAX)
                .map(|n| *n as usize);
            let lists: Vec<&[(u32, u32)]> = query.clone().map(|n| postings[n].as_slice()).collect();
            let top = top_current(docs, &lists);
            let shards: BTreeSet<usize> = query.map(|n| shard[n]).collect();
            let fetched = FIRST_QUERY_REQUESTS.checked_sub(shards.len())?;
            let mut groups: BTreeMap<usize, usize> = BTreeMap::new();
            for d in &top {
                *groups.entry(*d as usize / layout.group).or_default() += 1;
            }
            if groups.len() <= fetched {
                return None;
            }
            let mut by_size: Vec<(usize, usize)> = groups.into_iter().collect();
            by_size.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let kept: BTreeSet<usize> = by_size.iter().take(fetched).map(|(g, _)| *g).collect();
            let carried = top
                .into_iter()
                .filter(|d| !kept.contains(&(*d as usize / layout.group)))
                .collect();
            Some((shards, carried))
        })
        .collect();
    let mut cards = vec![BTreeSet::new(); layout.shards];
    for (shards, carried) in picks {
        let smallest = shards
            .into_iter()
            .min_by_key(|s| (shard_bytes[*s], *s))
            .expect("a query has a token");
        let before = cards[smallest].len();
        cards[smallest].extend(carried);
        shard_bytes[smallest] += (cards[smallest].len() - before) * ROW_BYTES;
    }
    Ok(cards)
}

fn excerpt(body: &str) -> String {
    body.chars().take(EXCERPT_CHARS).collect()
}

/// What the browser fetches parts with (`?v=`): a hash of the documents,
/// taken before their text is cut to the excerpt.
/// Documents are added one batch at a time, in order ([`SearchIndex::build`]).
pub struct Stamp(Sha1);

impl Default for Stamp {
    fn default() -> Self {
        let mut h = Sha1::new();
        h.update(FORMAT.to_le_bytes());
        Stamp(h)
    }
}

impl Stamp {
    /// Add the next document, as indexed (its whole text).
    pub fn add(&mut self, d: &SearchDoc) {
        let h = &mut self.0;
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

    pub fn finish(self) -> String {
        self.0
            .finalize()
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
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
) -> std::io::Result<Exported> {
    let err = |e: tantivy::TantivyError| std::io::Error::other(format!("search index: {e}"));
    let docs = &index.docs;
    let terms = index.terms().map_err(err)?;
    let postings = terms.iter().map(|(_, n)| n).sum();
    let layout = layout(docs, postings, pages);

    // Term shards, each built and written on its own.
    let mut by_shard: Vec<Vec<&str>> = vec![Vec::new(); layout.shards];
    let mut shard_bytes = vec![0; layout.shards];
    for (t, n) in &terms {
        let k = shard_of(t, layout.shards);
        by_shard[k].push(t);
        shard_bytes[k] += n * POSTING_BYTES;
    }
    let title_cards = title_query_cards(index, &layout, shard_bytes).map_err(err)?;
    by_shard
        .par_iter()
        .zip(title_cards)
        .enumerate()
        .try_for_each(|(k, (terms, mut cards))| {
            let mut out = String::from("{\"t\":{");
            for (i, t) in terms.iter().enumerate() {
                let postings = index.postings(t).map_err(err)?;
                if postings.len() >= CARDS_FROM_DOCS {
                    cards.extend(top_current(docs, &[&postings]));
                }
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(t).expect("string"));
                out.push_str(":\"");
                let mut last = 0;
                for (doc, score) in &postings {
                    push_varint(&mut out, doc - last);
                    push_varint(&mut out, *score);
                    last = *doc;
                }
                out.push('"');
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
        })?;

    // Document groups.
    docs.par_chunks(layout.group)
        .enumerate()
        .try_for_each(|(g, chunk)| {
            let rows: Vec<Value> = chunk.iter().map(|d| row(d, urls)).collect();
            let bytes = serde_json::to_vec(&rows).expect("json");
            sink.write(&format!("search/d/{g}.json"), &bytes)
        })?;

    let filter_data = filters(docs);
    if layout.filters_file {
        let bytes = serde_json::to_vec(&filter_data).expect("json");
        sink.write("search/filters.json", &bytes)?;
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
    sink.write("search/index.json", entry.as_bytes())?;
    Ok(Exported { layout, entry })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::Mutex;

    /// The files an export writes, in memory.
    #[derive(Default)]
    struct Files(Mutex<BTreeMap<String, Vec<u8>>>);

    impl Sink for Files {
        fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
            self.0
                .lock()
                .unwrap()
                .insert(rel.to_string(), bytes.to_vec());
            Ok(())
        }
        fn copy(&self, _: &str, _: &str) -> std::io::Result<()> {
            unreachable!("search files are written, not copied")
        }
    }

    /// `n` documents whose titles come from a small grammar, as in a
    /// department's catalog (so a title word is in many documents, spread
    /// over many groups), with texts of pseudo-random characters.
    pub(crate) fn catalog(n: usize) -> Vec<SearchDoc> {
        let departments = [
            "市财政局",
            "市教育局",
            "市民政局",
            "市交通运输局",
            "市卫生健康委",
        ];
        let verbs = ["关于印发", "关于做好", "关于公布", "关于开展"];
        let subjects = [
            "政务公开工作要点",
            "财政预算执行情况",
            "行政许可事项清单",
            "安全生产检查",
            "政府信息公开年度报告",
            "优化营商环境措施",
            "公共资源交易目录",
            "双随机一公开抽查计划",
        ];
        let kinds = ["的通知", "的意见", "的办法", "的公告"];
        let pool: Vec<char> = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研质信".chars().collect();
        let mut seed: u64 = 42;
        let mut next = move |m: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) as usize) % m
        };
        (0..n)
            .map(|i| {
                let department = departments[next(departments.len())];
                let title = format!(
                    "{department}{}{}{}",
                    verbs[next(verbs.len())],
                    subjects[next(subjects.len())],
                    kinds[next(kinds.len())]
                );
                let body: String = (0..200).map(|_| pool[next(pool.len())]).collect();
                SearchDoc {
                    id: format!("D{i:05}"),
                    title,
                    rel: format!("items/D{i:05}/"),
                    department: department.to_string(),
                    department_name: department.to_string(),
                    published: "2024-01-01".into(),
                    doc_no: None,
                    category: "综合政务".into(),
                    kind: None,
                    year: "2024".into(),
                    state: "in-force".into(),
                    retired: false,
                    body,
                    markdown: None,
                }
            })
            .collect()
    }

    #[test]
    fn a_word_of_a_title_needs_at_most_four_requests() {
        let index = SearchIndex::build(catalog(600)).unwrap();
        let files = Files::default();
        let layout = export(
            &index,
            &Urls::new("https://example.gov.cn/"),
            20_000,
            &files,
        )
        .unwrap()
        .layout;
        assert!(layout.shards >= 4 && layout.groups >= 12, "{layout:?}");
        let files = files.0.into_inner().unwrap();
        let shards: Vec<Value> = (0..layout.shards)
            .map(|k| serde_json::from_slice(&files[&format!("search/t/{k}.json")]).unwrap())
            .collect();
        let mut substrings = BTreeSet::new();
        for d in &index.docs {
            let chars: Vec<char> = d.title.chars().collect();
            for n in 2..=4 {
                for w in chars.windows(n) {
                    substrings.insert(w.iter().collect::<String>());
                }
            }
        }
        let mut carried_somewhere = 0;
        for query in &substrings {
            // What search.js fetches: the query's shards, then the groups of
            // the first page's documents that none of them carries a row of.
            let loaded: BTreeSet<usize> = analyzer::query_tokens(query)
                .iter()
                .map(|t| shard_of(t, layout.shards))
                .collect();
            let carried: BTreeSet<String> = loaded
                .iter()
                .flat_map(|k| {
                    shards[*k]["c"]
                        .as_object()
                        .unwrap()
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .collect();
            let hits = index
                .search(query, &super::super::Filter::default())
                .unwrap();
            let groups: BTreeSet<usize> = hits
                .iter()
                .take(FIRST_PAGE)
                .filter(|h| !carried.contains(&h.doc.to_string()))
                .map(|h| h.doc as usize / layout.group)
                .collect();
            if hits
                .iter()
                .take(FIRST_PAGE)
                .any(|h| carried.contains(&h.doc.to_string()))
            {
                carried_somewhere += 1;
            }
            assert!(
                loaded.len() + groups.len() <= FIRST_QUERY_REQUESTS,
                "{query}: {} shards and {} groups",
                loaded.len(),
                groups.len()
            );
        }
        // The cards are what holds the bound: most queries use some.
        assert!(
            carried_somewhere * 2 > substrings.len(),
            "{carried_somewhere} of {}",
            substrings.len()
        );
    }

    /// Every byte of the search files of a mixed catalog: a quarter of
    /// the documents retired, some titles in Traditional characters, Latin
    /// words and document numbers, a layout of many shards and groups.
    fn export_digest(n: usize, pages: usize) -> String {
        let mut docs = catalog(n);
        for (i, d) in docs.iter_mut().enumerate() {
            if i % 4 == 3 {
                d.retired = true;
                d.state = "repealed".into();
            }
            if i % 5 == 1 {
                d.title = format!("{}關於開展檢查的通知 GB/T 9704-2012", d.title);
                d.doc_no = Some(format!("昆政發〔2024〕{i}號"));
            }
            if i % 3 == 2 {
                d.body.push_str("\nAPI 2024 網站 年度報告");
            }
        }
        let index = SearchIndex::build(docs).unwrap();
        let files = Files::default();
        export(&index, &Urls::new("https://example.gov.cn/"), pages, &files).unwrap();
        let mut h = Sha1::new();
        for (path, bytes) in files.0.into_inner().unwrap() {
            h.update(path.as_bytes());
            h.update([0]);
            h.update(&bytes);
            h.update([0]);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The files as the first exporter wrote them: any change to how
    /// documents are indexed, scored or written moves this digest (and
    /// must then raise `FORMAT` and keep search.js in step).
    #[test]
    fn the_exported_bytes_are_pinned() {
        assert_eq!(
            export_digest(900, 30_000),
            "42ec87187bfcd878acbf44d4bc9914f97c658ce3"
        );
        assert_eq!(
            export_digest(40, 100),
            "2552c9cab8ef07a8fdf76be0d0cd585a0665cd55"
        );
    }

    /// An item's text is made from its Markdown only when its batch is
    /// indexed: the index, the stamp and the excerpts are those of the
    /// same documents given their plain text up front.
    #[test]
    fn markdown_made_into_text_at_indexing_indexes_as_the_text() {
        let given = catalog(3_000);
        let mut lazy = given.clone();
        let mut eager = given;
        for (i, (l, e)) in lazy.iter_mut().zip(eager.iter_mut()).enumerate() {
            let markdown = format!("## 第{i}节\n\n**{}**\n\n- 一项\n- <b>二</b>项\n", l.body);
            let file = format!("+++\ntitle = \"x\"\n+++\n{markdown}");
            let start = file.len() - markdown.len();
            e.body = super::super::plain_text(&markdown);
            l.body = String::new();
            l.markdown = Some((std::sync::Arc::from(file.as_str()), start..file.len()));
        }
        let lazy = SearchIndex::build(lazy).unwrap();
        let eager = SearchIndex::build(eager).unwrap();
        assert_eq!(lazy.stamp, eager.stamp);
        assert_eq!(lazy.terms().unwrap(), eager.terms().unwrap());
        for (token, _) in lazy.terms().unwrap().iter().step_by(97) {
            assert_eq!(
                lazy.postings(token).unwrap(),
                eager.postings(token).unwrap()
            );
        }
        for (l, e) in lazy.docs.iter().zip(&eager.docs) {
            assert_eq!(l.body, e.body);
            assert!(l.markdown.is_none());
        }
        assert!(lazy.docs[0].body.contains("第0节"));
    }

    #[test]
    fn fnv_hash_is_the_one_the_browser_computes() {
        // FNV-1a 32 of "a" is 0xe40c292c.
        assert_eq!(shard_of("a", usize::MAX), 0xe40c_292c);
        assert_eq!(shard_of("公开", 1), 0);
    }

    #[test]
    fn varints_are_five_bits_per_character_lowest_first() {
        let encode = |v: u32| {
            let mut s = String::new();
            push_varint(&mut s, v);
            s
        };
        assert_eq!(encode(0), "A");
        assert_eq!(encode(31), "f");
        // 32 = 0 + 1·32: "A" with the more-follows bit ("g"), then "B".
        assert_eq!(encode(32), "gB");
        assert_eq!(encode(1023), "/f");
        assert_eq!(encode(u32::MAX).len(), 7);
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
