//! Markdown → safe HTML.
//!
//! Content comes from many editors and is untrusted. Three layers:
//!
//! 1. The event stream: links and images with a script scheme are dropped;
//!    images from other origins become links, so that reading a page never
//!    requests another site; heading attributes (`{.class key=value}`) are
//!    dropped, only `{#id}` is kept, made a slug, prefixed `h-` and unique
//!    like the ids made from heading text; footnote labels become ids
//!    prefixed `fn-`. Body headings start at `h2` (the page title is the
//!    only `h1`).
//! 2. Decoration: tables are wrapped in a scrolling box, header cells get
//!    `scope="col"`, alignment becomes a class instead of `style`.
//! 3. Every result, with or without raw HTML, goes through [`sanitize`]:
//!    one ammonia `Builder` built from empty sets, which keeps exactly this
//!    allowlist and nothing else (written down in `docs/design-notes.md`
//!    too; the tests at the end of this file try one vector per kind):
//!
//! | tag | attributes (values) |
//! |---|---|
//! | `p` `br` `hr` `blockquote` `ul` `li` `dl` `dt` `dd` `pre` `code` `em` `strong` `b` `i` `u` `s` `del` `ins` `sub` `span` `thead` `tbody` `tr` `table` | none |
//! | `h2`–`h6` | `id` (`h-…`) |
//! | `ol` | `start` (digits) |
//! | `a` | `href` (relative, `http`, `https`, `mailto`, `tel`), `title` |
//! | `img` | `src` (relative to the site only), `alt`, `title` |
//! | `th` | `scope` (`col`, `row`), `colspan`, `rowspan` (digits), `class` (`align-left`, `align-center`, `align-right`) |
//! | `td` | `colspan`, `rowspan` (digits), `class` (as `th`) |
//! | `div` | `id` (`fn-…`), `class` (`table-scroll`, `footnote-definition`), `tabindex` (`0`) |
//! | `sup` | `class` (`footnote-reference`, `footnote-definition-label`) |
//!
//! Any other tag is removed and its text kept, except `script`, `style`,
//! `template`, `noscript`, `iframe`, `noembed`, `noframes`, `object`,
//! `svg`, `math`, `title`, `textarea` and `select`, which go with their
//! content (code, fallback markup or drawings that mean nothing as text).
//! Comments are removed. No `on*` handler, `style`, `autofocus`, `name`,
//! `form`/`formaction`, `srcdoc`, `xlink:href` or `data-*` attribute can
//! pass, because none is listed. Ids are prefixed so that content can
//! never clobber the theme's own (`main`, `content`) or a script's global.
//! Characters XML forbids are dropped from the result
//! ([`crate::text::without_forbidden`]).

use std::collections::BTreeMap;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};

use crate::text::{first_forbidden, without_forbidden};

pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut events: Vec<Event> = Vec::new();
    let mut heading_ids = UniqueIds::new("h-");
    let mut footnote_ids = FootnoteIds::default();
    // Index in `events` of the open heading, to give it an id at its end.
    let mut open_heading: Option<usize> = None;
    // Links dropped for their scheme: their end tags must be dropped too.
    let mut dropped_links: Vec<bool> = Vec::new();
    // Inside an image turned into text or a link: its alt text is events.
    let mut image_depth: Vec<ImageFate> = Vec::new();

    for event in Parser::new_ext(markdown, options) {
        match event {
            // Editors choose at most the id (as a slug, prefixed, below);
            // classes and attributes are never theirs to set.
            Event::Start(Tag::Heading { level, id, .. }) => {
                open_heading = Some(events.len());
                let level = if level == HeadingLevel::H1 {
                    HeadingLevel::H2
                } else {
                    level
                };
                events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(start) = open_heading.take() {
                    let text = plain_text(&events[start + 1..]);
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
                        let wanted = slug(id.as_deref().unwrap_or(&text));
                        *id = Some(CowStr::from(heading_ids.unique(wanted)));
                    }
                }
                let level = if level == HeadingLevel::H1 {
                    HeadingLevel::H2
                } else {
                    level
                };
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let safe = is_safe_url(&dest_url);
                dropped_links.push(!safe);
                if safe {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if !dropped_links.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if !is_safe_url(&dest_url) {
                    image_depth.push(ImageFate::Text);
                } else if is_other_origin(&dest_url) {
                    image_depth.push(ImageFate::Link);
                    events.push(Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url,
                        title,
                        id,
                    }));
                } else {
                    image_depth.push(ImageFate::Image);
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Image) => match image_depth.pop() {
                Some(ImageFate::Link) => events.push(Event::End(TagEnd::Link)),
                Some(ImageFate::Text) => {}
                _ => events.push(Event::End(TagEnd::Image)),
            },
            Event::FootnoteReference(label) => {
                events.push(Event::FootnoteReference(footnote_ids.of(&label).into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                events.push(Event::Start(Tag::FootnoteDefinition(
                    footnote_ids.of(&label).into(),
                )));
            }
            other => events.push(other),
        }
    }

    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    sanitize(&decorate_tables(&out))
}

enum ImageFate {
    Image,
    Link,
    Text,
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

/// An id from heading text: letters (CJK included) and digits kept,
/// everything else collapsed to `-`.
fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() { "section".into() } else { s }
}

/// Ids made unique within one document, all with one prefix, so that
/// content can never clash with the theme's own ids (`main`, `content`)
/// nor, through named access on `window`, with a script's globals.
struct UniqueIds {
    prefix: &'static str,
    seen: BTreeMap<String, usize>,
}

impl UniqueIds {
    fn new(prefix: &'static str) -> Self {
        UniqueIds {
            prefix,
            seen: BTreeMap::new(),
        }
    }

    fn unique(&mut self, wanted: String) -> String {
        let base = format!("{}{wanted}", self.prefix);
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { base } else { format!("{base}-{n}") }
    }
}

/// A footnote's label becomes the id of its definition and the fragment
/// of its references: the same label gets the same id at both ends.
struct FootnoteIds {
    ids: UniqueIds,
    by_label: BTreeMap<String, String>,
}

impl Default for FootnoteIds {
    fn default() -> Self {
        FootnoteIds {
            ids: UniqueIds::new("fn-"),
            by_label: BTreeMap::new(),
        }
    }
}

impl FootnoteIds {
    fn of(&mut self, label: &str) -> String {
        if let Some(id) = self.by_label.get(label) {
            return id.clone();
        }
        let id = self.ids.unique(slug(label));
        self.by_label.insert(label.to_string(), id.clone());
        id
    }
}

/// Relative URLs and http(s), mailto and tel only: no `javascript:`,
/// `data:`, `vbscript:` or anything a browser could execute.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let lower = cleaned.to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            let before = &lower[..colon];
            if before.contains(['/', '?', '#']) {
                return true; // a colon in a path, not a scheme
            }
            matches!(before, "http" | "https" | "mailto" | "tel")
        }
    }
}

fn is_other_origin(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//")
}

/// Tags and the attributes each may keep (see the module documentation).
/// `class` is not listed: its values are in [`ALLOWED_CLASSES`].
const ALLOWED: &[(&str, &[&str])] = &[
    ("p", &[]),
    ("br", &[]),
    ("hr", &[]),
    ("blockquote", &[]),
    ("ul", &[]),
    ("ol", &["start"]),
    ("li", &[]),
    ("dl", &[]),
    ("dt", &[]),
    ("dd", &[]),
    ("pre", &[]),
    ("code", &[]),
    ("em", &[]),
    ("strong", &[]),
    ("b", &[]),
    ("i", &[]),
    ("u", &[]),
    ("s", &[]),
    ("del", &[]),
    ("ins", &[]),
    ("sub", &[]),
    ("sup", &[]),
    ("span", &[]),
    ("h2", &["id"]),
    ("h3", &["id"]),
    ("h4", &["id"]),
    ("h5", &["id"]),
    ("h6", &["id"]),
    ("a", &["href", "title"]),
    ("img", &["src", "alt", "title"]),
    ("table", &[]),
    ("thead", &[]),
    ("tbody", &[]),
    ("tr", &[]),
    ("th", &["colspan", "rowspan"]),
    ("td", &["colspan", "rowspan"]),
    ("div", &["id"]),
];

/// Attributes allowed with these exact values only (tag, attribute, values).
const ALLOWED_VALUES: &[(&str, &str, &[&str])] = &[
    ("th", "scope", &["col", "row"]),
    ("div", "tabindex", &["0"]),
];

/// The classes the pipeline itself sets (tables, footnotes); any other
/// class is removed.
const ALLOWED_CLASSES: &[(&str, &[&str])] = &[
    ("div", &["table-scroll", "footnote-definition"]),
    ("sup", &["footnote-reference", "footnote-definition-label"]),
    ("th", &["align-left", "align-center", "align-right"]),
    ("td", &["align-left", "align-center", "align-right"]),
];

/// Removed with everything inside them.
const REMOVED_WITH_CONTENT: &[&str] = &[
    "script", "style", "template", "noscript", "iframe", "noembed", "noframes", "object", "svg",
    "math", "title", "textarea", "select",
];

/// The schemes an absolute `href` or `src` may have; [`is_safe_url`] is the
/// same rule in the event stream.
const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The one sanitizer every piece of rendered Markdown goes through. The
/// `Builder` is made once: its sets are built from the tables above.
fn sanitize(html: &str) -> String {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let builder = BUILDER.get_or_init(|| {
        let mut tags: HashSet<&str> = ALLOWED.iter().map(|(tag, _)| *tag).collect();
        tags.extend(ALLOWED_CLASSES.iter().map(|(tag, _)| *tag));
        let mut builder = ammonia::Builder::default();
        builder
            .tags(tags)
            .clean_content_tags(REMOVED_WITH_CONTENT.iter().copied().collect())
            .generic_attributes(HashSet::new())
            .generic_attribute_prefixes(HashSet::new())
            .tag_attributes(
                ALLOWED
                    .iter()
                    .map(|(tag, attributes)| (*tag, attributes.iter().copied().collect()))
                    .collect(),
            )
            .tag_attribute_values(ALLOWED_VALUES.iter().fold(
                HashMap::<&str, HashMap<&str, HashSet<&str>>>::new(),
                |mut map, (tag, attribute, values)| {
                    map.entry(tag)
                        .or_default()
                        .insert(attribute, values.iter().copied().collect());
                    map
                },
            ))
            .allowed_classes(
                ALLOWED_CLASSES
                    .iter()
                    .map(|(tag, classes)| (*tag, classes.iter().copied().collect()))
                    .collect(),
            )
            .url_schemes(URL_SCHEMES.iter().copied().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None)
            .strip_comments(true)
            .id_prefix(None)
            .attribute_filter(|_element, attribute, value| {
                let keep = match attribute {
                    "id" => value.starts_with("h-") || value.starts_with("fn-"),
                    "href" => is_safe_url(value),
                    // An image from another origin would be a request that
                    // leaves the site; drop its source and keep the alt text.
                    "src" => is_safe_url(value) && !is_other_origin(value),
                    "start" | "colspan" | "rowspan" => {
                        (1..=4).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
                    }
                    _ => true,
                };
                keep.then(|| value.into())
            });
        builder
    });
    let clean = builder.clean(html).to_string();
    if first_forbidden(&clean).is_none() {
        clean
    } else {
        without_forbidden(&clean).into_owned()
    }
}

/// Tables scroll sideways inside their own box on a narrow screen, header
/// cells say what they head, and alignment is a class. Runs on
/// pulldown-cmark's own output, before [`sanitize`], which keeps what it
/// adds.
fn decorate_tables(html: &str) -> String {
    const REPLACEMENTS: [(&str, &str); 9] = [
        (
            "<table>",
            "<div class=\"table-scroll\" tabindex=\"0\"><table>",
        ),
        ("</table>", "</table></div>"),
        ("<th>", "<th scope=\"col\">"),
        // Alignment as a class: `style` is not in the sanitizer's allowlist.
        (
            "<th style=\"text-align: left\">",
            "<th scope=\"col\" class=\"align-left\">",
        ),
        (
            "<th style=\"text-align: center\">",
            "<th scope=\"col\" class=\"align-center\">",
        ),
        (
            "<th style=\"text-align: right\">",
            "<th scope=\"col\" class=\"align-right\">",
        ),
        (
            "<td style=\"text-align: left\">",
            "<td class=\"align-left\">",
        ),
        (
            "<td style=\"text-align: center\">",
            "<td class=\"align-center\">",
        ),
        (
            "<td style=\"text-align: right\">",
            "<td class=\"align-right\">",
        ),
    ];
    // One pass over the HTML instead of one per pattern.
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(pos) = rest.find('<') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        match REPLACEMENTS.iter().find(|(from, _)| rest.starts_with(from)) {
            Some((from, to)) => {
                out.push_str(to);
                rest = &rest[from.len()..];
            }
            None => {
                out.push('<');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_attributes_are_dropped() {
        let html = to_html("## 小标题 {#sec .x tabindex=0 autofocus onfocus=alert(1)}\n");
        assert_eq!(html, "<h2 id=\"h-sec\">小标题</h2>\n");
    }

    #[test]
    fn headings_get_ids_and_never_h1() {
        let html = to_html("# 总则\n\n## 一、目的\n\n## 一、目的\n");
        assert!(html.contains("<h2 id=\"h-总则\">总则</h2>"), "{html}");
        assert!(html.contains("<h2 id=\"h-一-目的\">"), "{html}");
        assert!(html.contains("<h2 id=\"h-一-目的-2\">"), "{html}");
        assert!(!html.contains("<h1"));
    }

    #[test]
    fn script_links_and_raw_html_are_neutralised() {
        let html = to_html(
            "[点我](javascript:alert(1)) [x](JaVa\tScRiPt:alert(1))\n\n<script>alert(1)</script>\n\n<a href=\"javascript:alert(2)\" onclick=\"alert(3)\">a</a>\n\n<img src=x onerror=alert(4)>",
        );
        let lower = html.to_lowercase();
        for bad in ["javascript:", "<script", "onclick", "onerror"] {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("点我"));
    }

    #[test]
    fn foreign_images_become_links() {
        let html = to_html("![地图](https://maps.example.com/a.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://maps.example.com/a.png\">地图</a>"),
            "{html}"
        );
    }

    #[test]
    fn tables_have_header_scope() {
        let html = to_html("| 序号 | 任务 |\n|---|:-:|\n| 1 | 编制 |\n");
        assert!(html.contains("<th scope=\"col\">序号</th>"), "{html}");
        assert!(
            html.contains("<th scope=\"col\" class=\"align-center\">任务</th>"),
            "{html}"
        );
        assert!(
            html.contains("<td class=\"align-center\">编制</td>"),
            "{html}"
        );
        assert!(html.contains("class=\"table-scroll\""));
    }

    #[test]
    fn safe_urls() {
        assert!(is_safe_url("https://a.gov.cn/x"));
        assert!(is_safe_url("../files/a.pdf"));
        assert!(is_safe_url("a/b:c"));
        assert!(!is_safe_url(" javascript:alert(1)"));
        assert!(!is_safe_url("data:text/html,x"));
    }
}
