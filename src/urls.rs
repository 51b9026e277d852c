//! The URL scheme of the output. Every page is a folder with an
//! `index.html`; paths here are site-relative, unencoded and end with `/`
//! for pages. Changing a function here changes published URLs, which must
//! never break: add redirects when you do.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::model::{DocKey, Kind};
use crate::vocabulary::split_category;

/// The longest value that may become one path segment, in UTF-8 bytes
/// (80 Chinese characters). A segment is also a file or folder name in
/// the output, and file systems stop at 255 bytes; the margin leaves room
/// for the `.gz`/`.br` copies a web server may keep next to a file.
pub const MAX_SEGMENT_BYTES: usize = 240;

/// The rule, for help texts: every value that becomes part of a web
/// address (vocabulary entries, slugs, 索引号 and code parts, attachment
/// names) follows it, and is checked against it where it is written.
pub const SEGMENT_RULE: &str = "a value that becomes part of a web address must not be empty or only spaces, be `.` or `..` or start with `.`, contain `/`, `\\` or control characters, or be longer than 240 bytes (80 Chinese characters)";

/// Why `value` cannot be one segment of a path, if it cannot.
pub fn segment_problem(value: &str) -> Option<&'static str> {
    if value.trim().is_empty() {
        Some("is empty")
    } else if value == "." || value == ".." {
        Some("is `.` or `..`, which mean a folder, not a name")
    } else if value.contains(['/', '\\']) {
        Some("contains `/` or `\\`, which would split it into folders")
    } else if value.chars().any(char::is_control) {
        Some("contains a control character")
    } else if value.starts_with('.') {
        Some("starts with `.`, which web servers treat as a hidden file")
    } else if value.len() > MAX_SEGMENT_BYTES {
        Some("is longer than 240 bytes (80 Chinese characters), too long for a file name")
    } else {
        None
    }
}

/// Why a 主题分类 `一级\\二级` cannot be a path, if it cannot: one
/// backslash separates the two levels, each one segment.
pub fn category_problem(category: &str) -> Option<&'static str> {
    match split_category(category) {
        (_, Some(sub)) if sub.contains('\\') => {
            Some("has more than two levels (more than one `\\`)")
        }
        (top, sub) => segment_problem(top).or_else(|| sub.and_then(segment_problem)),
    }
}

/// The path segment for `value`: the value itself when it follows the
/// rule ([`segment_problem`]), which every validated value does. Anything
/// else is made safe rather than trusted: `/`, `\\` and control
/// characters become `_`, a leading `.` too, and the result is cut to
/// [`MAX_SEGMENT_BYTES`].
pub fn segment(value: &str) -> Cow<'_, str> {
    if segment_problem(value).is_none() {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len().min(MAX_SEGMENT_BYTES));
    for c in value.chars() {
        let c = if c == '/' || c == '\\' || c.is_control() || (out.is_empty() && c == '.') {
            '_'
        } else {
            c
        };
        if out.len() + c.len_utf8() > MAX_SEGMENT_BYTES {
            break;
        }
        out.push(c);
    }
    if out.trim().is_empty() {
        out = "_".to_string();
    }
    Cow::Owned(out)
}

/// Each `/`-separated part of `path` through [`segment`].
fn segments(path: &str) -> Cow<'_, str> {
    if path.split('/').all(|p| segment_problem(p).is_none()) {
        return Cow::Borrowed(path);
    }
    Cow::Owned(path.split('/').map(segment).collect::<Vec<_>>().join("/"))
}

/// Characters kept as they are in a path segment (RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Turns site-relative paths into hrefs under the site's base path (the
/// path part of `base_url`, so that a site can live below `/xxgk/`).
#[derive(Clone, Debug)]
pub struct Urls {
    /// Starts and ends with `/`.
    pub base_path: String,
    /// `base_url` without the trailing slash of its path: scheme and host.
    origin: String,
}

impl Urls {
    pub fn new(base_url: &str) -> Urls {
        let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
        let path_start = base_url[after_scheme..]
            .find('/')
            .map_or(base_url.len(), |i| after_scheme + i);
        let mut base_path = base_url[path_start..].to_string();
        if !base_path.ends_with('/') {
            base_path.push('/');
        }
        Urls {
            base_path,
            origin: base_url[..path_start].to_string(),
        }
    }

    /// Root-relative, percent-encoded href for a site-relative path.
    pub fn href(&self, rel: &str) -> String {
        let mut out = String::with_capacity(self.base_path.len() + rel.len());
        out.push_str(&self.base_path);
        // Most paths (索引号, slugs, blob ids) need no encoding at all.
        let plain =
            |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/');
        if rel.bytes().all(plain) {
            out.push_str(rel);
            return out;
        }
        for (i, segment) in rel.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            out.extend(utf8_percent_encode(segment, SEGMENT));
        }
        out
    }

    /// Absolute URL, for feeds, sitemaps and canonical links.
    pub fn absolute(&self, rel: &str) -> String {
        format!("{}{}", self.origin, self.href(rel))
    }
}

/// The file that holds a page or file: `a/b/` → `a/b/index.html`.
pub fn file_of(rel: &str) -> String {
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// The search page.
pub const SEARCH: &str = "search/";
/// The entry file of the search index (the other files are next to it).
pub const SEARCH_INDEX: &str = "search/index.json";

pub fn item(index_no: &str) -> String {
    format!("items/{}/", segments(index_no))
}

/// The page of a document, at its permanent address.
pub fn document(key: &DocKey) -> String {
    match key.kind {
        Kind::Item => item(&key.id),
        Kind::Power => power(&key.id),
        Kind::Guide => guide(&key.id),
        Kind::Department => department(&key.id),
        Kind::Report => format!("{}/", folder(key)),
    }
}

/// The folder of a document (its page, its revisions): the id's parts, so
/// a 索引号 with `/` nests (validated to be segments); a 职权编码 has none.
fn folder(key: &DocKey) -> String {
    match key.kind {
        Kind::Item => format!("items/{}", segments(&key.id)),
        Kind::Power => format!("powers/{}", segment(&key.id)),
        Kind::Guide => format!("departments/{}/guide", segment(&key.id)),
        Kind::Department => format!("departments/{}", segment(&key.id)),
        // `<slug>/<year>`, as `report` builds it.
        Kind::Report => {
            let (slug, year) = key.id.split_once('/').unwrap_or((&key.id, ""));
            format!("departments/{}/reports/{}", segment(slug), segment(year))
        }
    }
}

/// The revisions of a document, with what changed between them; `None`
/// for a kind whose page lists its revisions itself (powers).
pub fn history(key: &DocKey) -> Option<String> {
    match key.kind {
        Kind::Item | Kind::Guide | Kind::Department | Kind::Report => {
            Some(format!("{}/history/", folder(key)))
        }
        Kind::Power => None,
    }
}

/// The pages of a document that are not revisions: its page and, for a
/// kind that has one, its history page.
pub fn pages_of(key: &DocKey) -> Vec<String> {
    std::iter::once(document(key)).chain(history(key)).collect()
}

/// Every file of the build with its SHA-256 (`seal.rs`), written last.
pub const MANIFEST: &str = "api/manifest.json";

/// Releases (git tags) and what each changed.
pub const VERSIONS: &str = "versions/";

/// The HTML 网站地图: every section, department and column.
pub const SITE_MAP: &str = "sitemap/";

/// A revision's page and source sit in the document's own folder: two
/// files per revision, no folder of their own (50,000 items on disk).
pub fn snapshot(key: &DocKey, blob: &str) -> String {
    format!("{}/{}.html", folder(key), segment(blob))
}

/// The Memento TimeMap of a document's revisions (docs/archives.md).
pub fn timemap(key: &DocKey) -> String {
    format!("{}/timemap.link", folder(key))
}

/// A revision's exact source, byte for byte the blob.
pub fn source(key: &DocKey, blob: &str) -> String {
    source_file(key, blob, key.kind.source_extension())
}

/// One file of a revision made of several (an annual report's narrative),
/// byte for byte the blob `blob`.
pub fn source_file(key: &DocKey, blob: &str, extension: &str) -> String {
    format!("{}/{}.{}", folder(key), segment(blob), segment(extension))
}

pub fn department(slug: &str) -> String {
    format!("departments/{}/", segment(slug))
}

pub fn guide(slug: &str) -> String {
    format!("departments/{}/guide/", segment(slug))
}

pub fn department_feed(slug: &str) -> String {
    format!("departments/{}/atom.xml", segment(slug))
}

pub fn attachment(slug: &str, path: &str) -> String {
    format!("departments/{}/files/{}", segment(slug), segments(path))
}

/// Every department's annual reports.
pub const REPORTS: &str = "reports/";

/// A department's annual reports.
pub fn department_reports(slug: &str) -> String {
    format!("departments/{}/reports/", segment(slug))
}

/// One annual report (政府信息公开工作年度报告).
pub fn report(slug: &str, year: i32) -> String {
    format!("departments/{}/reports/{year}/", segment(slug))
}

/// The site's 权力清单 (power catalog).
pub const POWERS: &str = "powers/";

/// A power's page: its 职权编码 is its permanent address (validated to
/// ASCII letters, digits, `-`, `_`, `.`).
pub fn power(code: &str) -> String {
    format!("powers/{}/", segment(code))
}

/// A department's power catalog.
pub fn department_powers(slug: &str) -> String {
    format!("departments/{}/powers/", segment(slug))
}

pub const CATALOG: &str = "catalog/";
pub const ARCHIVE: &str = "archive/";

/// Listing of the current catalog (or the archive) filtered by one facet.
pub fn facet(root: &str, facet: &str, value: &str) -> String {
    format!("{root}{facet}/{}/", segment(value))
}

/// `一级\二级` → `catalog/category/一级/二级/`.
pub fn category(category: &str) -> String {
    match split_category(category) {
        (top, Some(sub)) => format!("{CATALOG}category/{}/{}/", segment(top), segment(sub)),
        (top, None) => format!("{CATALOG}category/{}/", segment(top)),
    }
}

/// Page `n` (1-based) of a listing whose first page is `first`.
pub fn page(first: &str, n: usize) -> String {
    if n <= 1 {
        first.to_string()
    } else {
        format!("{first}page/{n}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_are_encoded_under_the_base_path() {
        let urls = Urls::new("https://xxgk.example.gov.cn/sub/");
        assert_eq!(
            urls.href("catalog/kind/通知/"),
            "/sub/catalog/kind/%E9%80%9A%E7%9F%A5/"
        );
        assert_eq!(
            urls.absolute("items/A/2024-1/"),
            "https://xxgk.example.gov.cn/sub/items/A/2024-1/"
        );
        let root = Urls::new("https://xxgk.example.gov.cn");
        assert_eq!(root.href(""), "/");
    }

    #[test]
    fn valid_values_are_their_own_segment() {
        for v in [
            "通知",
            "综合政务",
            "11530100MB0X12345K",
            "a.b",
            "2024-00012",
        ] {
            assert!(segment_problem(v).is_none());
            assert!(matches!(segment(v), Cow::Borrowed(s) if s == v));
        }
        for v in [
            "",
            " ",
            ".",
            "..",
            ".git",
            "a/b",
            "a\\b",
            "a\u{1}",
            &"长".repeat(81),
        ] {
            assert!(segment_problem(v).is_some(), "{v:?}");
        }
        assert!(segment_problem(&"长".repeat(80)).is_none());
        assert_eq!(category("../../x"), "catalog/category/_._.._x/");
        assert!(category_problem("一级\\二级").is_none());
        assert!(category_problem("一级\\二级\\三级").is_some());
        assert!(category_problem("一级\\..").is_some());
        assert_eq!(item("../../etc/x"), "items/_./_./etc/x/");
    }

    proptest::proptest! {
        #[test]
        fn any_value_becomes_a_safe_segment(value in proptest::prop_oneof![
            proptest::arbitrary::any::<String>(),
            "[./\\\\ \\x00-\\x1f\\x7f]{0,4}",
            "[.]{0,2}[^/]{200,300}",
        ]) {
            let s = segment(&value);
            proptest::prop_assert!(!s.is_empty());
            proptest::prop_assert!(s != "." && s != "..");
            proptest::prop_assert!(!s.contains('/') && !s.contains('\\'));
            proptest::prop_assert!(s.len() <= 255);
            proptest::prop_assert!(segment_problem(&s).is_none(), "{s:?}");
        }
    }

    #[test]
    fn files_of_pages() {
        assert_eq!(file_of(""), "index.html");
        assert_eq!(file_of("catalog/"), "catalog/index.html");
        assert_eq!(file_of("atom.xml"), "atom.xml");
    }
}
