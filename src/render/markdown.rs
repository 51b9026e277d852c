//! Markdown → safe HTML.
//!
//! Content comes from many editors and is untrusted. Links and images with
//! a script scheme are dropped from the event stream; raw HTML, when a file
//! has any, is cleaned with ammonia. Images from other origins become
//! links, so that reading a page never requests another site. Body
//! headings start at `h2` (the page title is the only `h1`) and get ids
//! for anchors; table header cells get `scope="col"`.

use std::collections::BTreeMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};

pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut has_raw_html = false;
    let mut events: Vec<Event> = Vec::new();
    let mut heading_ids = HeadingIds::default();
    // Index in `events` of the open heading, to give it an id at its end.
    let mut open_heading: Option<usize> = None;
    // Links dropped for their scheme: their end tags must be dropped too.
    let mut dropped_links: Vec<bool> = Vec::new();
    // Inside an image turned into text or a link: its alt text is events.
    let mut image_depth: Vec<ImageFate> = Vec::new();

    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                has_raw_html = true;
                events.push(event);
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                open_heading = Some(events.len());
                let level = if level == HeadingLevel::H1 {
                    HeadingLevel::H2
                } else {
                    level
                };
                // `{.class key=value}` after a heading would put any
                // attribute (`onfocus=…`) on it: only the id is kept.
                let _ = (classes, attrs);
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
                        let wanted = id
                            .as_deref()
                            .map(str::to_string)
                            .unwrap_or_else(|| slug(&text));
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
            other => events.push(other),
        }
    }

    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    if has_raw_html {
        out = sanitize(&out);
    }
    decorate_tables(&out)
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

#[derive(Default)]
struct HeadingIds(BTreeMap<String, usize>);

impl HeadingIds {
    /// Ids are prefixed so that content can never clash with the theme's
    /// own ids (`main`, `content`).
    fn unique(&mut self, wanted: String) -> String {
        let base = format!("h-{wanted}");
        let n = self.0.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { base } else { format!("{base}-{n}") }
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

fn sanitize(html: &str) -> String {
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes(["id", "class"])
        .add_tag_attributes("th", ["scope"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .link_rel(Some("noopener noreferrer"))
        .attribute_filter(|element, attribute, value| {
            // An image from another origin would be a request that leaves
            // the site; drop its source and keep the alt text.
            if element == "img" && attribute == "src" && is_other_origin(value) {
                None
            } else {
                Some(value.into())
            }
        });
    builder.clean(html).to_string()
}

/// Tables scroll sideways inside their own box on a narrow screen, and
/// header cells say what they head.
fn decorate_tables(html: &str) -> String {
    const REPLACEMENTS: [(&str, &str); 4] = [
        (
            "<table>",
            "<div class=\"table-scroll\" tabindex=\"0\"><table>",
        ),
        ("</table>", "</table></div>"),
        ("<th>", "<th scope=\"col\">"),
        ("<th style=", "<th scope=\"col\" style="),
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
            html.contains("<th scope=\"col\" style=\"text-align: center\">任务</th>"),
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
