//! `catalog/**/*.md`: one 公开目录 item per file.

use crate::diagnostics::{Diagnostics, SourceFile};
use crate::git;
use crate::model::{CatalogItem, Date, Disclosure, Located};

use super::fields::{Field, Fields, optional, required};
use super::front_matter::split_front_matter;
use super::guardrails;

pub const CATALOG_FIELDS: &[Field] = &[
    required("index_no", "\"11530100MB0X12345K/2024-00012\""),
    required("title", "\"关于……的通知\""),
    required("published", "2024-03-01"),
    optional("written", "2024-03-01"),
    optional("doc_no", "\"示政发〔2024〕12号\""),
    optional("kind", "\"通知\""),
    required("category", "\"综合政务\\\\政务公开\""),
    optional("publisher", "\"示例市人民政府办公室\""),
    optional("status", "\"in-force\""),
    optional("effective", "2024-03-01"),
    optional("expires", "2029-03-01"),
    optional("retired", "2024-03-01"),
    optional("retired_reason", "\"被新办法替代\""),
    optional("superseded_by", "\"11530100MB0X12345K/2024-00013\""),
    optional("disclosure", "\"active\""),
    optional("draft", "true"),
    optional("keywords", "[\"价格\", \"收费\"]"),
    optional("attachments", "[\"2024/收费标准.pdf\"]"),
];

/// Parse one item. Returns `None` only when the front matter cannot be
/// read at all. A missing or unreadable required field is reported and
/// replaced by a placeholder, and the item marked incomplete, so that the
/// checks across files still run on the rest of it.
pub fn load_item(
    source: SourceFile,
    department: &str,
    diagnostics: &mut Diagnostics,
) -> Option<CatalogItem> {
    read_item(source, department, diagnostics, Guardrails::Check)
}

/// Whether [`read_item`] looks for the mistakes of `guardrails`: they only
/// add diagnostics, never change the item, so a reader that throws the
/// diagnostics away (a past revision, `history`) skips them. They were a
/// third of parsing an item (regular expressions over every line).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Guardrails {
    Check,
    Skip,
}

/// [`load_item`], with or without the guardrails' diagnostics; the item is
/// the same either way.
pub fn read_item(
    source: SourceFile,
    department: &str,
    diagnostics: &mut Diagnostics,
    checks: Guardrails,
) -> Option<CatalogItem> {
    let fm = match split_front_matter(&source) {
        Ok(fm) => fm,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let toml_text = &source.text[fm.toml.clone()];
    let mut f = match Fields::parse(
        &source,
        toml_text,
        fm.toml.start,
        fm.opening_fence.clone(),
        CATALOG_FIELDS,
    ) {
        Ok(f) => f,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };

    let index_no = f.string("index_no");
    let title = f.string("title");
    let published = f.date("published");
    let written = f.date("written");
    let doc_no = f.string("doc_no");
    let kind = f.string("kind");
    let category = f.string("category");
    let publisher = f.string("publisher");
    let status = f.status(
        "\"in-force\" (有效), \"amended\" (已修改), \"repealed\" (已废止), \"expired\" (已失效)",
    );
    let effective = f.date("effective");
    let expires = f.date("expires");
    let retired = f.date("retired");
    let retired_reason = f.string("retired_reason");
    let superseded_by = f.string("superseded_by");
    let disclosure = f.disclosure();
    let draft = f.boolean("draft").unwrap_or(false);
    let keywords = f.string_list("keywords");
    let attachments = f.string_list("attachments");

    let status_span = f.span_of("status");
    diagnostics.extend(std::mem::take(&mut f.diagnostics));
    if checks == Guardrails::Check {
        if let Some(d) = &doc_no {
            guardrails::doc_no_brackets(&source, &d.value, d.span.clone(), diagnostics);
        }
        if !draft && disclosure != Disclosure::Exempt {
            guardrails::placeholders(&source, 0..source.text.len(), diagnostics);
        }
        guardrails::pinyin_annotations(&source, 0..source.text.len(), diagnostics);
    }

    let blob = git::blob_id(source.text.as_bytes());
    let complete =
        index_no.is_some() && title.is_some() && published.is_some() && category.is_some();
    let anchor = fm.opening_fence.clone();
    let placeholder = |value: String| Located::new(value, anchor.clone());
    Some(CatalogItem {
        complete,
        blob,
        department: department.to_string(),
        index_no: index_no.unwrap_or_else(|| placeholder(String::new())),
        title: title.map(|t| t.value).unwrap_or_default(),
        published: published.unwrap_or_else(|| Located::new(Date::EPOCH, anchor.clone())),
        written,
        doc_no: doc_no.map(|d| d.value),
        kind,
        category: category.unwrap_or_else(|| placeholder(String::new())),
        publisher: publisher.map(|p| p.value),
        status,
        status_span,
        effective: effective.map(|d| d.value),
        expires: expires.map(|d| d.value),
        retired,
        retired_reason: retired_reason.map(|r| r.value),
        superseded_by,
        disclosure,
        draft,
        keywords: keywords.into_iter().map(|k| k.value).collect(),
        attachments,
        body: fm.body,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A published item that trips every guardrail: a placeholder, a
    /// pinyin annotation and a 文号 with square brackets.
    const TRIPPED: &str = "+++\nindex_no = \"X/2024-00001\"\ntitle = \"通知\"\npublished = 2024-03-01\n\
        category = \"综合政务\"\ndoc_no = \"示政发[2024]1号\"\n+++\n政務(wù)公开。（请填写正文）\n";

    #[test]
    fn skipping_the_guardrails_changes_the_diagnostics_not_the_item() {
        let read = |checks| {
            let mut d = Diagnostics::default();
            let item = read_item(
                SourceFile::new("content/a/catalog/x.md", TRIPPED),
                "a",
                &mut d,
                checks,
            );
            (format!("{item:?}"), d)
        };
        let (checked, found) = read(Guardrails::Check);
        let (skipped, none) = read(Guardrails::Skip);
        assert_eq!(checked, skipped);
        assert!(checked.contains("complete: true"), "{checked}");
        assert_eq!(found.0.len(), 3, "{found:?}");
        assert!(none.0.is_empty(), "{none:?}");
    }
}
