//! What a web server needs to know about the site, written by the build
//! next to the pages: an nginx include (`_gongkai/nginx.conf`), and
//! `_headers`/`_redirects` for static hosts that read them (Netlify,
//! Cloudflare Pages). 301 for former URLs, 410 for withdrawn ones, the 404
//! page, content types, caching, security headers; and `.gz` copies of the
//! text outputs ([`Precompress`]) for `gzip_static`.

use std::fmt::Write as _;

use crate::model::file_type::ATTACHMENT_TYPES;
use crate::sink::Sink;

use super::timemap::{self, Archived};
use super::urls::{self, Urls};

pub const NGINX: &str = "_gongkai/nginx.conf";
pub const HEADERS: &str = "_headers";
pub const REDIRECTS: &str = "_redirects";

/// The theme loads its style sheet, script and images from the site and
/// nothing inline (the search page's `<script type="application/json">`
/// blocks are data, which CSP does not govern).
pub const CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";
/// Snapshots and sources are named by their blob id: their bytes never change.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else changes with the next build.
pub const SHORT: &str = "public, max-age=300";

/// The site-relative paths that the server must treat specially.
#[derive(Default)]
pub struct ServerPlan {
    /// Former URL → current URL (both site-relative).
    pub moved: Vec<(String, String)>,
    /// URLs of withdrawn items, each with the page to answer with.
    pub gone: Vec<(String, String)>,
    /// Documents with revisions: their snapshots get `Memento-Datetime`
    /// and `Link` headers.
    pub archived: Vec<Archived>,
}

/// `(snapshot path, Memento-Datetime, Link)` of every snapshot whose
/// path and header values can stand in the server's configuration as they
/// are (see [`plain`]; the origin comes from `base_url`).
fn memento_headers<'a>(
    urls: &'a Urls,
    plan: &'a ServerPlan,
) -> impl Iterator<Item = (&'a str, String, String)> + 'a {
    let safe = |v: &str| !v.bytes().any(|b| b"'\"\\$;{}\r\n".contains(&b) || b < 0x20);
    plan.archived.iter().flat_map(move |doc| {
        let link = timemap::snapshot_link(doc, urls);
        doc.mementos.iter().filter_map(move |m| {
            let link_ok = plain(&doc.original) && plain(&doc.timemap) && !link.contains('\'');
            (plain(&m.snapshot) && link_ok && safe(&urls.absolute(""))).then(|| {
                (
                    m.snapshot.as_str(),
                    timemap::imf_fixdate(m.seconds),
                    link.clone(),
                )
            })
        })
    })
}

/// A path that can stand unquoted in nginx's configuration and in the
/// `_redirects`/`_headers` formats: what slugs, 索引号 and blob ids are
/// made of. Anything else is left out rather than escaped.
fn plain(path: &str) -> bool {
    path.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~/".contains(&b))
}

/// `(extension, MIME type)` of every file type the build writes, with
/// `charset=utf-8` added by the server for text.
fn types() -> Vec<(&'static str, &'static str)> {
    let mut types = vec![
        ("html", "text/html"),
        ("css", "text/css"),
        ("js", "text/javascript"),
        ("json", "application/json"),
        ("xml", "application/xml"),
        ("svg", "image/svg+xml"),
        ("txt", "text/plain"),
        ("md", "text/markdown"),
        // Power sources.
        ("toml", "text/plain"),
        ("ico", "image/x-icon"),
        // Memento TimeMaps.
        ("link", timemap::MEDIA_TYPE),
    ];
    for t in ATTACHMENT_TYPES {
        for ext in t.extensions {
            if !types.iter().any(|(e, _)| e == ext) {
                types.push((ext, t.mime));
            }
        }
    }
    types
}

/// The `Content-Type` nginx sends for a site-relative path with the
/// configuration above (`charset utf-8` for the text types): what a web
/// archive of the site records.
pub fn content_type(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let mime = if name == "atom.xml" {
        "application/atom+xml"
    } else {
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        types()
            .into_iter()
            .find(|(e, _)| e.eq_ignore_ascii_case(ext))
            .map_or("application/octet-stream", |(_, m)| m)
    };
    if CHARSET_TYPES.contains(&mime) {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// The types nginx adds `charset=utf-8` to (`charset_types`).
const CHARSET_TYPES: &[&str] = &[
    "text/html",
    "text/css",
    "text/javascript",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "image/svg+xml",
    "text/plain",
    "text/markdown",
    "text/csv",
];

fn common_headers(x: &mut String, indent: &str) {
    let _ = writeln!(
        x,
        "{indent}add_header X-Content-Type-Options nosniff always;"
    );
    let _ = writeln!(
        x,
        "{indent}add_header Content-Security-Policy \"{CSP}\" always;"
    );
    let _ = writeln!(
        x,
        "{indent}add_header Referrer-Policy strict-origin-when-cross-origin always;"
    );
}

/// Revision snapshots and sources of every document kind, as a regular
/// expression (nginx's, and [`revision_file`]'s) of a site-relative path:
/// named by a blob id in a document's folder (a department's `files/` are
/// never matched; a report's folder is its year).
const REVISION_FILES: &str =
    r"((items|powers)/.+|departments/[^/]+(/guide|/reports/[^/]+)?)/[0-9a-f]{40}\.(html|md|toml)";

/// Whether `rel` is a revision's snapshot or source: its bytes never
/// change, few readers ask for it, and it has no `.gz` copy (nginx
/// compresses it when asked: [`revision_headers`]).
pub fn revision_file(rel: &str) -> bool {
    static PATTERN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(&format!("^{REVISION_FILES}$")).expect("a valid pattern")
    });
    rel.len() > 45 && PATTERN.is_match(rel)
}

/// History pages of every document kind (`urls::history`), as a regular
/// expression like [`REVISION_FILES`]: the folder named `history/` and the
/// `index.html` nginx serves for it.
const HISTORY_PAGES: &str =
    r"(items/.+|departments/[^/]+(/guide|/reports/[^/]+)?)/history/(index\.html)?";

/// Whether `rel` is a history page: few readers open one (it lists a
/// document's revisions), so, like revisions, it has no `.gz` copy and
/// nginx compresses it when asked ([`history_headers`]). At 10,000 items
/// their copies were an eighth of the bytes compressed on every build.
pub fn history_page(rel: &str) -> bool {
    static PATTERN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(&format!("^{HISTORY_PAGES}$")).expect("a valid pattern")
    });
    rel.ends_with("/history/index.html") && PATTERN.is_match(rel)
}

/// Whether `rel` has no `.gz` copy and nginx compresses it on request: a
/// revision's snapshot or source, a history page, or the manifest (tens
/// of megabytes at province scale, different after every commit, fetched
/// by archivists' tools now and then: its copy was a twentieth of a
/// one-commit rebuild's CPU).
pub fn compressed_on_request(rel: &str) -> bool {
    revision_file(rel) || history_page(rel) || rel == urls::MANIFEST
}

/// What nginx adds to a history page: what every page gets (a location
/// with its own `add_header` inherits none), and compression on request.
fn history_headers(x: &mut String) {
    common_headers(x, "    ");
    let _ = writeln!(x, "    add_header Cache-Control \"{SHORT}\" always;");
    x.push_str("    gzip on;\n");
}

/// What nginx adds to a revision's snapshot or source: immutable, and
/// compressed when the client accepts it. They have no `.gz` copy: a
/// history of 2,000 commits makes tens of thousands of them, each
/// compressed on every build for the few readers who open an old
/// version (docs/deploy.md, docs/design-notes.md "Build speed").
fn revision_headers(x: &mut String) {
    common_headers(x, "    ");
    let _ = writeln!(x, "    add_header Cache-Control \"{IMMUTABLE}\" always;");
    x.push_str("    gzip on;\n");
    x.push_str("    gzip_types text/markdown text/plain;\n");
}

/// Regular-expression text for a literal path.
fn regex_literal(path: &str) -> String {
    path.replace('.', "\\.")
}

/// The nginx include: everything goes inside the `server` block whose
/// `root` is the build's output (or, with a base path, its parent).
pub fn nginx(urls: &Urls, plan: &ServerPlan) -> String {
    let base = &urls.base_path;
    let mut x = String::new();
    x.push_str("# Written by `gongkai build`; do not edit. Include it inside the `server`\n");
    x.push_str("# block whose `root` holds the site (see docs/deploy.md).\n");
    x.push_str("index index.html;\n");
    x.push_str("absolute_redirect off;\n");
    x.push_str("charset utf-8;\n");
    // text/html is always among them.
    let _ = writeln!(x, "charset_types {};", CHARSET_TYPES[1..].join(" "));
    x.push_str("gzip off;\n");
    x.push_str("gzip_static on;\n");
    x.push_str("gzip_vary on;\n");
    x.push_str("server_tokens off;\n");
    let _ = writeln!(x, "error_page 404 {base}404.html;");
    // A folder without index.html is not a page either.
    let _ = writeln!(x, "error_page 403 =404 {base}404.html;");
    x.push_str("types {\n");
    for (ext, mime) in types() {
        let _ = writeln!(x, "    {mime} {ext};");
    }
    x.push_str("}\n");
    x.push_str("default_type application/octet-stream;\n");
    common_headers(&mut x, "");
    let _ = writeln!(x, "add_header Cache-Control \"{SHORT}\" always;");

    // What the build writes for the server only.
    let _ = writeln!(x, "location ^~ {base}_gongkai/ {{ return 404; }}");
    for file in [HEADERS, REDIRECTS] {
        let _ = writeln!(x, "location = {base}{file} {{ return 404; }}");
    }
    for (from, to) in &plan.moved {
        if plain(from) && plain(to) {
            let _ = writeln!(x, "location = {base}{from} {{ return 301 {base}{to}; }}");
        }
    }
    for (url, page) in &plan.gone {
        if plain(url) && plain(page) {
            let _ = writeln!(
                x,
                "location = {base}{url} {{ error_page 410 {base}{page}; return 410; }}"
            );
        }
    }
    let base_re = regex_literal(base);
    // Revision snapshots and sources of every document kind: named by a
    // blob id (a department's `files/` are never matched; a report's folder
    // is its year).
    let _ = writeln!(x, "location ~ \"^{base_re}{REVISION_FILES}$\" {{");
    revision_headers(&mut x);
    x.push_str("}\n");
    // History pages: compressed on request, they have no `.gz` copy.
    let _ = writeln!(x, "location ~ \"^{base_re}{HISTORY_PAGES}$\" {{");
    history_headers(&mut x);
    x.push_str("}\n");
    // The manifest: compressed on request, it has no `.gz` copy.
    let _ = writeln!(x, "location = {base}{} {{", urls::MANIFEST);
    common_headers(&mut x, "    ");
    let _ = writeln!(x, "    add_header Cache-Control \"{SHORT}\" always;");
    x.push_str("    gzip on;\n");
    x.push_str("    gzip_types application/json;\n");
    x.push_str("}\n");
    // Attachments download; a reader's browser never renders them.
    let _ = writeln!(x, "location ~ ^{base_re}departments/[^/]+/files/ {{");
    common_headers(&mut x, "    ");
    let _ = writeln!(x, "    add_header Cache-Control \"{SHORT}\" always;");
    x.push_str("    add_header Content-Disposition attachment always;\n");
    x.push_str("}\n");
    // Each snapshot: when it was published, and where its original and the
    // other versions are (RFC 7089). An exact location wins over the
    // regular expression above, so it repeats that one's headers.
    for (path, datetime, link) in memento_headers(urls, plan) {
        let _ = writeln!(x, "location = {base}{path} {{");
        revision_headers(&mut x);
        let _ = writeln!(x, "    add_header Memento-Datetime \"{datetime}\" always;");
        let _ = writeln!(x, "    add_header Link '{link}' always;");
        x.push_str("}\n");
    }
    let _ = writeln!(x, "location ~ /atom\\.xml$ {{");
    x.push_str("    types { }\n");
    x.push_str("    default_type application/atom+xml;\n");
    x.push_str("}\n");
    x
}

/// `_redirects` (Netlify, Cloudflare Pages): 301 for former URLs; 410 for
/// withdrawn ones where the host knows the status (`!`: the file exists).
pub fn redirects(urls: &Urls, plan: &ServerPlan) -> String {
    let base = &urls.base_path;
    let mut x = String::new();
    for (from, to) in &plan.moved {
        if plain(from) && plain(to) {
            let _ = writeln!(x, "{base}{from} {base}{to} 301");
        }
    }
    for (url, page) in &plan.gone {
        if plain(url) && plain(page) {
            let _ = writeln!(x, "{base}{url} {base}{page} 410!");
        }
    }
    x
}

/// `_headers` (Netlify, Cloudflare Pages).
pub fn headers(urls: &Urls, plan: &ServerPlan) -> String {
    let base = &urls.base_path;
    let mut x = String::new();
    let _ = writeln!(x, "{base}*");
    x.push_str("  X-Content-Type-Options: nosniff\n");
    let _ = writeln!(x, "  Content-Security-Policy: {CSP}");
    x.push_str("  Referrer-Policy: strict-origin-when-cross-origin\n");
    let _ = writeln!(x, "{base}items/*.md");
    x.push_str("  Content-Type: text/markdown; charset=utf-8\n");
    let _ = writeln!(x, "{base}powers/*.toml");
    x.push_str("  Content-Type: text/plain; charset=utf-8\n");
    // Guides' and reports' narratives; department files and reports.
    let _ = writeln!(x, "{base}departments/*.md");
    x.push_str("  Content-Type: text/markdown; charset=utf-8\n");
    let _ = writeln!(x, "{base}departments/*.toml");
    x.push_str("  Content-Type: text/plain; charset=utf-8\n");
    let _ = writeln!(x, "{base}departments/*/files/*");
    x.push_str("  Content-Disposition: attachment\n");
    let _ = writeln!(x, "{base}*.link");
    let _ = writeln!(x, "  Content-Type: {}", timemap::MEDIA_TYPE);
    for (path, datetime, link) in memento_headers(urls, plan) {
        let _ = writeln!(x, "{base}{path}");
        let _ = writeln!(x, "  Memento-Datetime: {datetime}");
        let _ = writeln!(x, "  Link: {link}");
    }
    x
}

/// Extensions of the text files that get a `.gz` copy.
const TEXT: &[&str] = &[
    ".html", ".css", ".js", ".json", ".xml", ".svg", ".md", ".toml", ".txt",
];

/// libdeflate's level 6: smaller copies than zlib's level 9 in about half
/// the time (figures in docs/design-notes.md, "Precompressed copies").
const LEVEL: i32 = 6;

/// The gzip bytes of `bytes` (libdeflate, [`LEVEL`]): no name, no time, so
/// that a build gives the same bytes every time.
pub fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    thread_local! {
        // A compressor holds its hash tables (hundreds of kilobytes):
        // one per thread, not one per file.
        static COMPRESSOR: std::cell::RefCell<libdeflater::Compressor> =
            std::cell::RefCell::new(libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(LEVEL).expect("a libdeflate level"),
            ));
    }
    COMPRESSOR.with_borrow_mut(|compressor| {
        let mut out = vec![0; compressor.gzip_compress_bound(bytes.len())];
        let n = compressor
            .gzip_compress(bytes, &mut out)
            .map_err(|e| std::io::Error::other(format!("gzip: {e:?}")))?;
        out.truncate(n);
        Ok(out)
    })
}

/// A sink that also writes `<file>.gz` next to every text file it is
/// given, when the copy is smaller: a server with `gzip_static on` sends
/// it as it is instead of compressing the file on every request.
pub struct Precompress<'a>(pub &'a dyn Sink);

/// The name of `rel`'s precompressed copy, for the files that get one:
/// text the server sends, except revisions' snapshots and sources and
/// history pages ([`compressed_on_request`]).
fn gz_of(rel: &str) -> Option<String> {
    let text = TEXT.iter().any(|ext| rel.ends_with(ext));
    (text && !rel.starts_with("_gongkai/") && !compressed_on_request(rel))
        .then(|| format!("{rel}.gz"))
}

impl Sink for Precompress<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        if gz_of(rel).is_none() {
            return self.0.write(rel, bytes);
        }
        // A file made every time is keyed by its bytes: when they did not
        // change, its copy is reused instead of compressed again.
        let key: crate::sink::Key = {
            use sha2::Digest as _;
            let mut h = sha2::Sha256::new();
            h.update(b"gongkai-bytes\0");
            h.update(bytes);
            h.finalize().into()
        };
        if self.reuse(&[rel], &key)?.is_none() {
            self.write_keyed(rel, &key, bytes)?;
        }
        Ok(())
    }

    fn write_keyed(&self, rel: &str, key: &crate::sink::Key, bytes: &[u8]) -> std::io::Result<()> {
        self.0.write_keyed(rel, key, bytes)?;
        if let Some(gz) = gz_of(rel) {
            let compressed = gzip(bytes)?;
            // The copy is made from the page alone: the page's key is its key.
            if compressed.len() < bytes.len() {
                self.0.write_keyed(&gz, key, &compressed)?;
            }
        }
        Ok(())
    }

    /// A page and its `.gz` copy, together: a page whose copy was not kept
    /// (it was no smaller) is made again, which only happens to tiny files.
    fn reuse(
        &self,
        rels: &[&str],
        key: &crate::sink::Key,
    ) -> std::io::Result<Option<Vec<crate::sink::Digest>>> {
        let copies: Vec<String> = rels.iter().filter_map(|r| gz_of(r)).collect();
        let mut all: Vec<&str> = rels.to_vec();
        all.extend(copies.iter().map(String::as_str));
        self.0.reuse(&all, key)
    }

    fn can_reuse(&self) -> bool {
        self.0.can_reuse()
    }

    fn copy(&self, rel: &str, source: &str) -> std::io::Result<()> {
        // Attachments: their own formats are compressed already, or
        // download as they are.
        self.0.copy(rel, source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_deterministic_and_names_nothing() {
        let a = gzip(b"<p>hello hello hello hello</p>").unwrap();
        let b = gzip(b"<p>hello hello hello hello</p>").unwrap();
        assert_eq!(a, b);
        // ID1 ID2 CM FLG MTIME(4): no name flag, no time.
        assert_eq!(&a[..8], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
    }

    /// The reason for libdeflate: on Chinese text it makes smaller copies
    /// than zlib's best level (and in half the time, which a test cannot
    /// hold), and the copy decompresses to the same bytes.
    #[test]
    fn gzip_copies_are_smaller_than_zlibs_best_and_exact() {
        use std::io::{Read as _, Write as _};
        let page = [
            include_str!("../../tests/fixtures/reports-real/content/sqszf/reports/2024.md"),
            include_str!("../../themes/default/templates/base.html"),
        ]
        .concat();
        let ours = gzip(page.as_bytes()).unwrap();
        let mut zlib = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::best());
        zlib.write_all(page.as_bytes()).unwrap();
        let zlib = zlib.finish().unwrap();
        assert!(ours.len() < zlib.len(), "{} vs {}", ours.len(), zlib.len());
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&ours[..])
            .read_to_end(&mut back)
            .unwrap();
        assert!(back == page.as_bytes());
    }

    #[test]
    fn revisions_and_only_they_are_revision_files() {
        let blob = "51ac99f5d348d5873c144b4393a8fb7020761b24";
        for rel in [
            format!("items/11530100MB0A00001B/2024-00001/{blob}.html"),
            format!("items/11530100MB0A00001B/2024-00001/{blob}.md"),
            format!("powers/XK-001/{blob}.toml"),
            format!("departments/czj/{blob}.html"),
            format!("departments/czj/guide/{blob}.md"),
            format!("departments/czj/reports/2024/{blob}.html"),
        ] {
            assert!(revision_file(&rel), "{rel}");
            assert_eq!(gz_of(&rel), None, "{rel}");
        }
        for rel in [
            "items/11530100MB0A00001B/2024-00001/index.html".to_string(),
            "items/11530100MB0A00001B/2024-00001/history/index.html".to_string(),
            format!("departments/czj/files/{blob}.md"),
            format!("departments/czj/files/a/{blob}.html"),
            format!("items/x/{}.html", &blob[1..]),
            format!("{blob}.html"),
        ] {
            assert!(!revision_file(&rel), "{rel}");
        }
        assert!(gz_of("items/x/y/index.html").is_some());
    }

    #[test]
    fn history_pages_and_the_manifest_are_compressed_on_request() {
        for rel in [
            "items/11530100MB0A00001B/2024-00001/history/index.html",
            "departments/czj/history/index.html",
            "departments/czj/guide/history/index.html",
            "departments/czj/reports/2024/history/index.html",
        ] {
            assert!(history_page(rel), "{rel}");
            assert!(compressed_on_request(rel), "{rel}");
            assert_eq!(gz_of(rel), None, "{rel}");
        }
        for rel in [
            "items/11530100MB0A00001B/2024-00001/index.html",
            "history/index.html",
            "catalog/history/index.html",
            "departments/czj/files/history/index.html",
            "items/x/history/a.html",
            "powers/XK-001/history/index.html",
        ] {
            assert!(!history_page(rel), "{rel}");
        }
        assert!(gz_of("catalog/history/index.html").is_some());
        assert!(compressed_on_request(urls::MANIFEST));
        assert_eq!(gz_of(urls::MANIFEST), None);
        assert!(gz_of("api/other.json").is_some());
        // nginx's location is the same pattern.
        let conf = nginx(
            &Urls::new("https://example.gov.cn/"),
            &ServerPlan::default(),
        );
        assert!(
            conf.contains(&format!("location ~ \"^/{HISTORY_PAGES}$\" {{")),
            "{conf}"
        );
    }

    #[test]
    fn only_plain_paths_become_rules() {
        assert!(plain("items/11530100MB0A00001B/2024-00001/"));
        assert!(!plain("catalog/category/综合政务/"));
        assert!(!plain("a b/"));
        assert!(!plain("a;b"));
    }
}
