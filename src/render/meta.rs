//! Page metadata for crawlers and the national inspections: the `<meta>`
//! names of the 《政府网站发展指引》 (国办发〔2017〕47号) 网页设计规范 at
//! site, column and article level, and schema.org `Legislation` JSON-LD for
//! items. Which value comes from where: docs/page-metadata.md.

use serde::Serialize;
use serde_json::json;

use super::views::{ItemView, script_json};

/// Characters of the `description` taken from an item's text.
const DESCRIPTION_CHARS: usize = 120;

/// `ColumnName`, `ColumnDescription`, `ColumnKeywords`, `ColumnType`.
#[derive(Clone, Debug, Serialize)]
pub struct Column {
    pub name: String,
    pub kind: String,
}

/// `ArticleTitle`, `PubDate`, `ContentSource`, `Keywords`, `Url`
/// (`Description` is the page's description).
#[derive(Clone, Debug, Serialize)]
pub struct Article {
    pub title: String,
    pub pub_date: String,
    pub source: String,
    pub keywords: String,
    pub url: String,
}

/// `SiteDomain`: the host of `base_url`.
pub fn domain(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_string()
}

/// The start of a text, whitespace collapsed, at most
/// [`DESCRIPTION_CHARS`] characters; `fallback` when it has none.
pub fn description(text: &str, fallback: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let text = words.join(" ");
    if text.is_empty() {
        return fallback.to_string();
    }
    let mut out: String = text.chars().take(DESCRIPTION_CHARS).collect();
    if text.chars().count() > DESCRIPTION_CHARS {
        out.push('…');
    }
    out
}

pub fn article(view: &ItemView, canonical: &str) -> Article {
    Article {
        title: view.title.clone(),
        pub_date: view.published.to_string(),
        source: view.publisher.clone(),
        keywords: keywords(view),
        url: canonical.to_string(),
    }
}

fn keywords(view: &ItemView) -> String {
    let mut words = view.keywords.clone();
    if words.is_empty() {
        words.push(view.category_label.clone());
    }
    words.join(",")
}

/// schema.org `Legislation` for an item, ready for
/// `<script type="application/ld+json">`: no `<`, `>` or `&` is left in it,
/// so no text of the item can close the element.
pub fn legislation(
    view: &ItemView,
    canonical: &str,
    absolute: &dyn Fn(&str) -> String,
    description: &str,
) -> String {
    // LegalForceStatus has three members; 已修改 is in force as amended,
    // 尚未生效, 废止 and 失效 are not in force.
    let force = match view.validity {
        "in-force" | "amended" => "https://schema.org/InForce",
        _ => "https://schema.org/NotInForce",
    };
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": view.title,
        "url": canonical,
        "identifier": view.index_no,
        "description": description,
        "datePublished": view.published.to_string(),
        "legislationLegalForce": force,
        "legislationPassedBy": { "@type": "GovernmentOrganization", "name": view.publisher },
        "inLanguage": view.lang,
    });
    let obj = ld.as_object_mut().expect("an object");
    if let Some(doc_no) = &view.doc_no {
        obj.insert("legislationIdentifier".into(), json!(doc_no));
    }
    if let Some(written) = view.written {
        obj.insert("dateCreated".into(), json!(written.to_string()));
        obj.insert("legislationDate".into(), json!(written.to_string()));
    }
    if let Some(kind) = &view.kind {
        obj.insert("legislationType".into(), json!(kind));
    }
    if let Some(effective) = view.effective {
        obj.insert("temporalCoverage".into(), json!(format!("{effective}/..")));
    }
    if let Some(expires) = view.expires.or(view.retired_on) {
        obj.insert("expires".into(), json!(expires.to_string()));
    }
    if !view.keywords.is_empty() {
        obj.insert("keywords".into(), json!(view.keywords.join(",")));
    }
    // The documents that name this one as their replacement: it changed
    // them (schema.org has no inverse for `superseded_by`).
    if !view.replaces.is_empty() {
        let urls: Vec<String> = view.replaces.iter().map(|l| absolute(&l.url)).collect();
        obj.insert("legislationChanges".into(), json!(urls));
    }
    script_json(&serde_json::to_string(&ld).expect("json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_and_description() {
        assert_eq!(
            domain("https://xxgk.example.gov.cn/a/"),
            "xxgk.example.gov.cn"
        );
        assert_eq!(description("  一\n二  ", "x"), "一 二");
        assert_eq!(description(" ", "标题"), "标题");
        assert_eq!(description(&"字".repeat(200), "").chars().count(), 121);
    }
}
