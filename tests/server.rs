//! The web-server configuration the build writes (`_gongkai/nginx.conf`,
//! `_redirects`, `_headers`) and the precompressed `.gz` copies. The real
//! nginx serving them is tested in `tests/browser/nginx.test.mjs`.

mod support;

use std::io::Read;

use support::{SiteTest, list_files};

fn with_alias() -> SiteTest {
    let site = SiteTest::from_fixture("full");
    let dept = "content/fgw/department.toml";
    let text = site.read_source(dept);
    site.write(dept, &format!("aliases = [\"fagai\"]\n{text}"));
    site
}

#[test]
fn former_slugs_get_a_301_in_every_format() {
    let site = with_alias();
    let out = site.tmp().join("sub-out");
    site.build_into(&out, &["--base-url", "https://example.org/sub/"])
        .assert_success();
    let read = |rel: &str| support::read_text(&out.join(rel));
    let redirects = read("_redirects");
    for (from, to) in [
        ("departments/fagai/", "departments/fgw/"),
        ("departments/fagai/guide/", "departments/fgw/guide/"),
        ("departments/fagai/atom.xml", "departments/fgw/atom.xml"),
        ("catalog/department/fagai/", "catalog/department/fgw/"),
    ] {
        assert!(
            redirects.contains(&format!("/sub/{from} /sub/{to} 301\n")),
            "{from}\n{redirects}"
        );
        assert!(
            read("_gongkai/nginx.conf").contains(&format!(
                "location = /sub/{from} {{ return 301 /sub/{to}; }}"
            )),
            "{from}"
        );
    }
    let nginx = read("_gongkai/nginx.conf");
    for part in [
        "error_page 404 /sub/404.html;",
        "gzip_static on;",
        "text/markdown md;",
        "add_header X-Content-Type-Options nosniff always;",
        "default-src 'self'",
        "add_header Content-Disposition attachment always;",
        "immutable",
        "location ^~ /sub/_gongkai/ { return 404; }",
        // Revisions' snapshots and sources have no `.gz` copy: nginx
        // compresses them when asked.
        "    gzip on;\n    gzip_types text/markdown text/plain;\n",
    ] {
        assert!(nginx.contains(part), "no `{part}` in\n{nginx}");
    }
    let headers = read("_headers");
    assert!(headers.contains("Content-Security-Policy: default-src 'self'"));
    assert!(headers.contains("/sub/departments/*/files/*\n  Content-Disposition: attachment"));
}

#[test]
fn every_text_file_but_revisions_has_a_deterministic_gzip_copy() {
    let site = with_alias();
    site.build().assert_success();
    let files = list_files(&site.out());
    let (mut copies, mut revisions) = (0, 0);
    for file in &files {
        let text = [
            ".html", ".css", ".js", ".json", ".xml", ".md", ".txt", ".toml",
        ]
        .iter()
        .any(|ext| file.ends_with(ext));
        let gz = format!("{file}.gz");
        if !text || file.starts_with("_gongkai/") {
            continue;
        }
        if gongkai::render::server::compressed_on_request(file) {
            // A snapshot or a source (named by its blob id), or a history
            // page: nginx compresses it on request (`gzip on` in its
            // location).
            assert!(!files.contains(&gz), "{gz}");
            revisions += 1;
            continue;
        }
        let bytes = std::fs::read(site.out().join(file)).unwrap();
        if !files.contains(&gz) {
            // Left out only where gzip would not make it smaller.
            assert!(bytes.len() < 200, "{file} has no .gz copy");
            continue;
        }
        let compressed = std::fs::read(site.out().join(&gz)).unwrap();
        // No file name, no time: the bytes depend on the content only.
        assert_eq!(&compressed[..8], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0], "{gz}");
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert!(plain == bytes, "{gz} is not {file}");
        copies += 1;
    }
    assert!(copies > 50, "{copies} copies");
    assert!(
        revisions > 10,
        "{revisions} snapshots, sources and history pages"
    );
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("/history/index.html") && !files.contains(&format!("{f}.gz"))),
        "a history page without a copy"
    );
    assert!(files.iter().any(|f| f == "index.html.gz"));
}

/// The Content-Security-Policy forbids inline scripts, inline styles and
/// event-handler attributes: no page may have one.
#[test]
fn no_page_needs_inline_script_or_style() {
    let site = with_alias();
    site.build().assert_success();
    let handler = regex::Regex::new(r#"(?i)<[a-z][^>]*\s(on[a-z]+|style)\s*="#).unwrap();
    let script = regex::Regex::new(r#"(?i)<script(\s[^>]*)?>"#).unwrap();
    for file in list_files(&site.out()) {
        if !file.ends_with(".html") && !file.ends_with(".svg") {
            continue;
        }
        let html = support::read_text(&site.out().join(&file));
        assert!(!html.contains("<style"), "{file} has a <style> element");
        if let Some(m) = handler.find(&html) {
            panic!("{file}: {}", m.as_str());
        }
        for tag in script.find_iter(&html) {
            let tag = tag.as_str();
            assert!(
                // Data blocks (search data, JSON-LD) are never run, so the
                // CSP's script-src does not apply to them.
                tag.contains(" src=")
                    || tag.contains("type=\"application/json\"")
                    || tag.contains("type=\"application/ld+json\""),
                "{file}: inline script {tag}"
            );
        }
    }
}

#[test]
fn a_favicon_is_published_and_the_site_may_replace_it() {
    let site = SiteTest::from_fixture("minimal");
    site.build().assert_success();
    let icon = std::fs::read(site.out().join("favicon.ico")).unwrap();
    assert_eq!(&icon[..4], &[0, 0, 1, 0], "an ICO file");
    assert_eq!(
        icon,
        std::fs::read(site.out().join("static/favicon.ico")).unwrap()
    );

    let own = site.root().join("themes/default/static");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(own.join("favicon.ico"), b"\0\0\x01\0own").unwrap();
    site.build().assert_success();
    assert_eq!(
        std::fs::read(site.out().join("favicon.ico")).unwrap(),
        b"\0\0\x01\0own"
    );
}
