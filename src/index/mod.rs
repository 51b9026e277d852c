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

pub mod analyzer;
pub mod export;
pub mod store;

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Options, Parser, TagEnd};
use rayon::prelude::*;
use tantivy::postings::Postings;
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocSet, Index, IndexWriter, Searcher, TERMINATED, TantivyDocument, Term};

use crate::render::urls;
use crate::validate::Site;
use crate::write::Sink;

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
    pub body: String,
}

/// Stage 2b, between validate and render: index the site's documents and
/// write the search files into `sink`. Returns the entry of the index
/// (JSON), which the search page carries. `html_pages` is the number of
/// HTML pages of the site ([`crate::render::html_pages`]): the search
/// files are at most one per 20 of them.
pub fn stage(site: &Site, html_pages: usize, sink: &dyn Sink) -> std::io::Result<String> {
    let urls = urls::Urls::new(&site.config.base_url);
    let index = SearchIndex::build(documents(site))
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
    // The Markdown of every item is parsed again for its text: in parallel.
    let mut docs: Vec<SearchDoc> = site
        .items
        .par_iter()
        .map(|item| {
            let c = &item.catalog;
            SearchDoc {
                id: item.index_no().to_string(),
                title: c.title.clone(),
                rel: urls::item(item.index_no()),
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
                body: plain_text(c.body_markdown()),
            }
        })
        .collect();
    // Powers (权力事项): their name as the title, their basis, subject,
    // office, fee, materials and responsibilities as the text.
    docs.extend(site.powers.iter().map(|power| {
        let p = &power.item;
        let mut text: Vec<&str> = p.basis.iter().map(|b| b.value.as_str()).collect();
        text.extend(p.subject.as_deref());
        text.extend(p.office.as_deref());
        text.extend(p.fee.as_deref());
        text.extend(p.materials.iter().map(String::as_str));
        text.extend(p.responsibilities.iter().map(String::as_str));
        SearchDoc {
            id: power.code().to_string(),
            title: p.name.clone(),
            rel: urls::power(power.code()),
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

/// What scoring needs of one segment, opened once.
struct SegmentParts {
    /// Per text field (in [`SearchIndex::fields_stats`] order).
    inverted: Vec<std::sync::Arc<tantivy::InvertedIndexReader>>,
    norms: Vec<tantivy::fieldnorm::FieldNormReader>,
    /// tantivy's document id → position in `docs`.
    ords: Vec<u32>,
}

struct FieldStats {
    field: Field,
    boost: f32,
    average_fieldnorm: f32,
}

struct Fields {
    ord: Field,
    title: Field,
    body: Field,
    meta: Field,
    department: Field,
    category: Field,
    kind: Field,
    year: Field,
    state: Field,
}

/// A tantivy index of [`SearchDoc`]s, in memory.
pub struct SearchIndex {
    /// The documents; their `body` cut to the excerpt once indexed.
    pub docs: Vec<SearchDoc>,
    /// A hash of the documents as indexed, whole ([`export::stamp`]).
    pub stamp: String,
    /// `base_url` of the site, for the URLs `gongkai search` prints.
    pub base_url: Option<String>,
    searcher: Searcher,
    fields: Fields,
    segments: Vec<SegmentParts>,
    /// The text fields with their boost and BM25 statistics.
    fields_stats: Vec<FieldStats>,
    total_docs: u64,
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
    /// Index `docs` with tantivy, in memory.
    pub fn build(mut docs: Vec<SearchDoc>) -> Result<SearchIndex> {
        let mut builder = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer::TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            ord: builder.add_u64_field("ord", FAST),
            title: builder.add_text_field("title", text.clone()),
            body: builder.add_text_field("body", text.clone()),
            meta: builder.add_text_field("meta", text),
            department: builder.add_text_field("department", STRING),
            category: builder.add_text_field("category", STRING),
            kind: builder.add_text_field("kind", STRING),
            year: builder.add_text_field("year", STRING),
            state: builder.add_text_field("state", STRING),
        };
        let index = Index::create_in_ram(builder.build());
        index.tokenizers().register(
            analyzer::TOKENIZER,
            TextAnalyzer::from(analyzer::CjkTokenizer),
        );
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let mut writer: IndexWriter =
            index.writer_with_num_threads(threads, threads * 32_000_000)?;
        let stamp = export::stamp(&docs);
        for (ord, d) in docs.iter_mut().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_u64(fields.ord, ord as u64);
            doc.add_text(fields.title, &d.title);
            doc.add_text(fields.body, &d.body);
            let mut meta = vec![
                d.id.as_str(),
                d.department_name.as_str(),
                d.category.as_str(),
                d.year.as_str(),
            ];
            meta.extend(d.doc_no.as_deref());
            meta.extend(d.kind.as_deref());
            doc.add_text(fields.meta, meta.join("\n"));
            doc.add_text(fields.department, &d.department);
            doc.add_text(fields.category, &d.category);
            doc.add_text(fields.kind, d.kind.as_deref().unwrap_or(""));
            doc.add_text(fields.year, &d.year);
            doc.add_text(fields.state, &d.state);
            writer.add_document(doc)?;
            // Past this point only the excerpt of the text is read: keep no
            // more (at 50,000 items the texts are hundreds of megabytes,
            // freed here while tantivy's buffers grow).
            if let Some((cut, _)) = d.body.char_indices().nth(EXCERPT_CHARS) {
                d.body.truncate(cut);
                d.body.shrink_to_fit();
            }
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let reader = index.reader()?;
        let searcher = reader.searcher();
        let text_fields = [
            (fields.title, TITLE_BOOST),
            (fields.body, 1.0),
            (fields.meta, 1.0),
        ];
        let total_docs = Bm25StatisticsProvider::total_num_docs(&searcher)?;
        let mut fields_stats = Vec::new();
        for (field, boost) in text_fields {
            let tokens = Bm25StatisticsProvider::total_num_tokens(&searcher, field)?;
            fields_stats.push(FieldStats {
                field,
                boost,
                // As `Bm25Weight::for_terms` computes it.
                average_fieldnorm: tokens as f32 / total_docs as f32,
            });
        }
        let mut segments = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("ord")?;
            let ords = (0..segment.max_doc())
                .map(|doc| column.first(doc).unwrap_or(0) as u32)
                .collect();
            let mut inverted = Vec::new();
            let mut norms = Vec::new();
            for (field, _) in text_fields {
                inverted.push(segment.inverted_index(field)?);
                norms.push(segment.get_fieldnorms_reader(field)?);
            }
            segments.push(SegmentParts {
                inverted,
                norms,
                ords,
            });
        }
        Ok(SearchIndex {
            docs,
            stamp,
            base_url: None,
            searcher,
            fields,
            segments,
            fields_stats,
            total_docs,
        })
    }

    fn text_fields(&self) -> [(Field, f32); 3] {
        [
            (self.fields.title, TITLE_BOOST),
            (self.fields.body, 1.0),
            (self.fields.meta, 1.0),
        ]
    }

    /// Every indexed token of the text fields, sorted and distinct, with
    /// its number of (field, document) postings: an upper bound of the
    /// documents it is exported with.
    pub fn terms(&self) -> Result<Vec<(String, usize)>> {
        let mut all: BTreeMap<String, usize> = BTreeMap::new();
        for segment in self.searcher.segment_readers() {
            for (field, _) in self.text_fields() {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted.terms().stream()?;
                while stream.advance() {
                    if let Ok(s) = std::str::from_utf8(stream.key()) {
                        *all.entry(s.to_string()).or_default() += stream.value().doc_freq as usize;
                    }
                }
            }
        }
        Ok(all.into_iter().collect())
    }

    /// The score of `token` in each document that has it: tantivy's BM25 of
    /// each field (boosted) summed, in hundredths; sorted by document.
    pub fn postings(&self, token: &str) -> Result<Vec<(u32, u32)>> {
        let mut scores: Vec<(u32, f32)> = Vec::new();
        for (f, field) in self.fields_stats.iter().enumerate() {
            let term = Term::from_field_text(field.field, token);
            let mut infos = Vec::new();
            let mut doc_freq = 0u64;
            for (s, segment) in self.segments.iter().enumerate() {
                if let Some(info) = segment.inverted[f].get_term_info(&term)? {
                    doc_freq += u64::from(info.doc_freq);
                    infos.push((s, info));
                }
            }
            if doc_freq == 0 {
                continue;
            }
            // What `Bm25Weight::for_terms(searcher, [term])` computes, with
            // the statistics of the field read once.
            let weight =
                Bm25Weight::for_one_term(doc_freq, self.total_docs, field.average_fieldnorm)
                    .boost_by(field.boost);
            for (s, info) in infos {
                let segment = &self.segments[s];
                let norms = &segment.norms[f];
                let mut postings = segment.inverted[f]
                    .read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    let score = weight.score(norms.fieldnorm_id(doc), postings.term_freq());
                    scores.push((segment.ords[doc as usize], score));
                    doc = postings.advance();
                }
            }
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
        Ok(combine(&self.docs, lists, filter))
    }
}

/// The documents in every one of `lists` (a query token's postings each)
/// that pass `filter`, scores added, best first (ties by id).
fn combine(docs: &[SearchDoc], lists: Vec<Vec<(u32, u32)>>, filter: &Filter) -> Vec<Hit> {
    let mut total: Option<BTreeMap<u32, u64>> = None;
    for postings in lists {
        total = Some(match total {
            None => postings
                .into_iter()
                .filter(|(d, _)| filter.keeps(&docs[*d as usize]))
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
    let mut hits: Vec<Hit> = total
        .unwrap_or_default()
        .into_iter()
        .map(|(doc, score)| Hit { doc, score })
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| docs[a.doc as usize].id.cmp(&docs[b.doc as usize].id))
    });
    hits
}

/// A score in hundredths, the unit both the CLI and the browser add.
pub fn quantize(score: f32) -> u32 {
    (f64::from(score) * SCORE_SCALE).round().max(0.0) as u32
}
