//! The URL scheme of the output. Every page is a folder with an
//! `index.html`; paths here are site-relative, unencoded and end with `/`
//! for pages. Changing a function here changes published URLs, which must
//! never break: add redirects when you do.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::vocabulary::split_category;

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
    format!("items/{index_no}/")
}

/// The revisions of an item, with what changed between them.
pub fn history(index_no: &str) -> String {
    format!("items/{index_no}/history/")
}

/// Releases (git tags) and what each changed.
pub const VERSIONS: &str = "versions/";

/// A revision's page and source sit in the item's own folder: two files
/// per revision, no folder of their own (50,000 items on disk).
pub fn snapshot(index_no: &str, blob: &str) -> String {
    format!("items/{index_no}/{blob}.html")
}

pub fn source(index_no: &str, blob: &str) -> String {
    format!("items/{index_no}/{blob}.md")
}

pub fn department(slug: &str) -> String {
    format!("departments/{slug}/")
}

pub fn guide(slug: &str) -> String {
    format!("departments/{slug}/guide/")
}

pub fn department_feed(slug: &str) -> String {
    format!("departments/{slug}/atom.xml")
}

pub fn attachment(slug: &str, path: &str) -> String {
    format!("departments/{slug}/files/{path}")
}

/// Every department's annual reports.
pub const REPORTS: &str = "reports/";

/// A department's annual reports.
pub fn department_reports(slug: &str) -> String {
    format!("departments/{slug}/reports/")
}

/// One annual report (政府信息公开工作年度报告).
pub fn report(slug: &str, year: i32) -> String {
    format!("departments/{slug}/reports/{year}/")
}

/// The site's 权力清单 (power catalog).
pub const POWERS: &str = "powers/";

/// A power's page: its 职权编码 is its permanent address (validated to
/// ASCII letters, digits, `-`, `_`, `.`).
pub fn power(code: &str) -> String {
    format!("powers/{code}/")
}

/// A power revision's snapshot page and exact source, in its folder.
pub fn power_snapshot(code: &str, blob: &str) -> String {
    format!("powers/{code}/{blob}.html")
}

pub fn power_source(code: &str, blob: &str) -> String {
    format!("powers/{code}/{blob}.toml")
}

/// A department's power catalog.
pub fn department_powers(slug: &str) -> String {
    format!("departments/{slug}/powers/")
}

pub const CATALOG: &str = "catalog/";
pub const ARCHIVE: &str = "archive/";

/// Listing of the current catalog (or the archive) filtered by one facet.
pub fn facet(root: &str, facet: &str, value: &str) -> String {
    format!("{root}{facet}/{value}/")
}

/// `一级\二级` → `catalog/category/一级/二级/`.
pub fn category(category: &str) -> String {
    match split_category(category) {
        (top, Some(sub)) => format!("{CATALOG}category/{top}/{sub}/"),
        (top, None) => format!("{CATALOG}category/{top}/"),
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
    fn files_of_pages() {
        assert_eq!(file_of(""), "index.html");
        assert_eq!(file_of("catalog/"), "catalog/index.html");
        assert_eq!(file_of("atom.xml"), "atom.xml");
    }
}
