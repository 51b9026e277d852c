//! Untrusted content never becomes active content, and no path in the
//! content reaches outside `content/` or the output folder.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::sync::OnceLock;

use regex::Regex;
use support::{SiteTest, list_entries, main_of};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid regex")
}

/// Tags, attributes and URLs that may only come from the theme itself.
struct Dangerous {
    /// `<script…>`, `<iframe…>`, `<object…>`, `<embed…>`, `<frame…>`, `<form…>`.
    tags: Regex,
    /// ` onclick=` and the like, anywhere (attributes and stray text alike).
    handlers: Regex,
    /// Script and data URLs.
    schemes: Regex,
    /// `src` from another origin: a request that leaves the site.
    foreign_src: Regex,
    /// A tag with an attribute that styles, focuses, submits or embeds:
    /// `style`, `autofocus`, `tabindex`, `formaction`, `srcdoc`,
    /// `xlink:href`. The whole tag is the match, so that the theme's own
    /// (`<main … tabindex="-1">`) can be told apart.
    attributes: Regex,
}

/// Tags the pipeline itself writes that [`Dangerous::attributes`] matches
/// and the minimal site has none of: a table's scrolling box.
const PIPELINE_TAGS: &[&str] = &["<div class=\"table-scroll\" tabindex=\"0\">"];

fn dangerous() -> &'static Dangerous {
    static D: OnceLock<Dangerous> = OnceLock::new();
    D.get_or_init(|| Dangerous {
        tags: re(r"(?i)<(script|iframe|object|embed|frame|frameset|form|base|meta\s+http-equiv=.refresh)\b[^>]*>"),
        handlers: re(r"(?i)\son[a-z]+\s*="),
        schemes: re(r"(?i)(java|vb)\s*script\s*:|\b(href|src|action|formaction|xlink:href)\s*=\s*.?\s*data:|data:\s*text/html"),
        foreign_src: re(r#"(?i)\ssrc\s*=\s*["']?\s*(https?:)?//"#),
        attributes: re(r"(?i)<[a-z][a-z0-9]*\b[^>]*\s(style|autofocus|tabindex|formaction|srcdoc|xlink:href)\b[^>]*>"),
    })
}

/// Every dangerous match of `text`, as `what: match`.
fn findings(text: &str) -> Vec<String> {
    let d = dangerous();
    let mut out = Vec::new();
    for (what, re) in [
        ("tag", &d.tags),
        ("event handler", &d.handlers),
        ("scheme", &d.schemes),
        ("foreign src", &d.foreign_src),
        ("attribute", &d.attributes),
    ] {
        out.extend(
            re.find_iter(text)
                .filter(|m| !PIPELINE_TAGS.contains(&m.as_str()))
                .map(|m| format!("{what}: {}", m.as_str())),
        );
    }
    out
}

/// What the theme itself legitimately contains (none today: the theme has
/// no scripts), found in the minimal site's output: a redirect page's
/// `meta refresh`, a future search script…
fn theme_baseline() -> &'static BTreeSet<String> {
    static BASELINE: OnceLock<BTreeSet<String>> = OnceLock::new();
    BASELINE.get_or_init(|| {
        let site = SiteTest::from_fixture("minimal");
        site.build().assert_success();
        site.out_files()
            .iter()
            .filter(|f| !is_verbatim_source(f))
            .flat_map(|f| {
                findings(&String::from_utf8_lossy(
                    &fs::read(site.out().join(f)).unwrap(),
                ))
            })
            .collect()
    })
}

/// The exact source bytes of a revision are published by design (SPEC:
/// archivists can prove what was published), as a `.md` file, not a page.
fn is_verbatim_source(file: &str) -> bool {
    file.starts_with("items/") && file.ends_with(".md")
}

fn build_security() -> SiteTest {
    let site = SiteTest::from_fixture("security");
    site.build().assert_success();
    site
}

#[test]
fn no_script_handler_or_frame_survives_in_any_output_file() {
    let site = build_security();
    let baseline = theme_baseline();
    let mut found = Vec::new();
    let files = site.out_files();
    assert!(files.iter().any(|f| f.starts_with("items/")));
    // Every kind of text output is read, not only pages.
    for kind in [".html", ".xml", ".json"] {
        assert!(files.iter().any(|f| f.ends_with(kind)), "no {kind} output");
    }
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("departments/bgt/reports/")),
        "the report narrative is rendered"
    );
    for file in &files {
        if is_verbatim_source(file) {
            continue;
        }
        let text = String::from_utf8_lossy(&fs::read(site.out().join(file)).unwrap()).into_owned();
        for f in findings(&text) {
            if !baseline.contains(&f) {
                found.push(format!("{file}: {f}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "active content in the output:\n{}",
        found.join("\n")
    );
}

#[test]
fn neutralised_links_keep_their_text() {
    let site = build_security();
    let html = site.read("items/11530100MB0A00001B/2024-00001/index.html");
    let main = main_of(&html);
    for text in [
        "普通段落",
        "点我",
        "大小写混合",
        "引用式链接",
        "数据链接",
        "原始链接",
        "可点击的块",
        "悬停段落",
        "结束段落",
        "小标题",
        "样式标题",
        "焦点块",
    ] {
        assert!(main.contains(text), "`{text}` lost: {main}");
    }
    let home = site.read("index.html");
    assert!(home.contains("首页链接"), "home text kept");
    let guide = site.read("departments/bgt/guide/index.html");
    assert!(
        guide.contains("悬停") && guide.contains("指南链接") && guide.contains("指南标题"),
        "guide text kept"
    );
    let report = site.read("departments/bgt/reports/2025/index.html");
    assert!(
        report.contains("报告小标题") && report.contains("报告段落"),
        "report narrative kept"
    );
}

#[test]
fn verbatim_sources_are_the_exact_source_bytes() {
    // They are the only files allowed to hold the attack text, because
    // they are the source, byte for byte.
    let site = build_security();
    let sources: Vec<String> = site
        .out_files()
        .into_iter()
        .filter(|f| is_verbatim_source(f) && f.contains("11530100MB0A00001B"))
        .collect();
    assert_eq!(sources.len(), 1, "{sources:?}");
    assert_eq!(
        fs::read(site.out().join(&sources[0])).unwrap(),
        fs::read(support::fixture_path(
            "security/content/bgt/catalog/2024-00001.md"
        ))
        .unwrap()
    );
}

#[test]
fn metadata_is_escaped_in_pages_and_feeds() {
    let site = SiteTest::from_fixture("security");
    site.write(
        "content/bgt/catalog/2024-00002.md",
        "+++\n\
         index_no = \"11530100MB0A00001B/2024-00002\"\n\
         title = \"标题<script>alert('title')</script>\"\n\
         doc_no = \"<img src=x onerror=alert(1)>\"\n\
         publisher = \"<iframe src=//evil.example.com>\"\n\
         published = 2024-03-02\n\
         category = '综合政务\\政务公开'\n\
         keywords = [\"<b onmouseover=alert(2)>关键词</b>\"]\n\
         retired_reason = \"<a href=javascript:alert(3)>x</a>\"\n\
         +++\n\n正文。\n",
    );
    site.build().assert_success();
    let mut raw = Vec::new();
    for file in site.out_files() {
        if !(file.ends_with(".html") || file.ends_with(".xml")) {
            continue;
        }
        // The search page's own three scripts (the index entry and its
        // strings as JSON, and static/search.js) are the only ones a page
        // may have.
        let text = site
            .read(&file)
            .replace(r#"<script type="application/json" id="search-entry">"#, "")
            .replace(
                r#"<script type="application/json" id="search-strings">"#,
                "",
            )
            .replace(r#"<script src="/static/search.js" defer>"#, "");
        for needle in [
            "<script",
            "<img src=x",
            "<iframe",
            "<b onmouseover",
            "<a href=javascript",
        ] {
            if text.contains(needle) {
                raw.push(format!("{file}: {needle}"));
            }
        }
    }
    assert!(raw.is_empty(), "unescaped metadata: {raw:#?}");
    let page = site.read("items/11530100MB0A00001B/2024-00002/index.html");
    assert!(
        page.contains("标题&lt;script&gt;"),
        "the title is shown, escaped"
    );
    // In JSON the title is data, exactly as written.
    let manifest = site.manifest();
    let item = manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "11530100MB0A00001B/2024-00002")
        .expect("in the manifest");
    assert_eq!(item["title"], "标题<script>alert('title')</script>");
}

#[test]
fn attachment_paths_leaving_files_are_content_errors() {
    let site = SiteTest::from_fixture("security-traversal");
    let (run, json) = site.check_json();
    run.assert_code(1);
    let bad: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "bad-attachment-path")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let one = "content/bgt/catalog/2024-00001.md".to_string();
    let two = "content/bgt/catalog/2024-00002.md".to_string();
    assert_eq!(
        bad,
        vec![(one, 6), (two.clone(), 6), (two.clone(), 6), (two, 6)],
        "`../../site.toml`, `../../../etc/passwd`, `/etc/passwd` and `sub\\..\\..\\x`\n{run}"
    );
    assert_eq!(json["errors"], 4, "{run}");
}

#[test]
fn traversal_build_fails_and_writes_nothing_anywhere() {
    let site = SiteTest::from_fixture("security-traversal");
    let out = site.tmp().join("deep/out");
    let before = list_entries(site.tmp());
    let run = site.build_into(&out, &[]);
    run.assert_code(1);
    assert!(run.stderr.contains("bad-attachment-path"), "{run}");
    assert_eq!(
        list_entries(site.tmp()),
        before,
        "a failed build creates no file, inside or outside --out\n{run}"
    );
}

#[test]
fn index_numbers_cannot_escape_the_output() {
    let site = SiteTest::from_fixture("minimal");
    site.write(
        "content/bgt/catalog/escape.md",
        "+++\nindex_no = \"../../../escaped/2024-1\"\ntitle = \"越界\"\npublished = 2024-03-01\ncategory = '综合政务\\政务公开'\n+++\n",
    );
    site.write(
        "content/bgt/catalog/absolute.md",
        "+++\nindex_no = \"/tmp/escaped-abs/2024-1\"\ntitle = \"绝对路径\"\npublished = 2024-03-01\ncategory = '综合政务\\政务公开'\n+++\n",
    );
    let before = list_entries(site.tmp());
    let (run, json) = site.check_json();
    run.assert_code(1);
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["bad-index-no", "bad-index-no"], "{run}");
    site.build_into(&site.tmp().join("a/b/out"), &[])
        .assert_code(1);
    assert_eq!(list_entries(site.tmp()), before);
    assert!(!std::path::Path::new("/tmp/escaped-abs").exists());
}

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_linked_attachment_is_not_published() {
        let site = SiteTest::from_fixture("minimal");
        fs::write(site.tmp().join("secret.txt"), "SECRETOUTSIDECONTENT").unwrap();
        fs::create_dir_all(site.root().join("content/bgt/files")).unwrap();
        symlink(
            site.tmp().join("secret.txt"),
            site.root().join("content/bgt/files/secret.txt"),
        )
        .unwrap();
        site.write(
            "content/bgt/catalog/link.md",
            "+++\nindex_no = \"11530100MB0A00001B/2024-00002\"\ntitle = \"链接附件\"\npublished = 2024-03-01\ncategory = '综合政务\\政务公开'\nattachments = [\"secret.txt\"]\n+++\n",
        );
        let run = site.build();
        run.assert_code(1);
        assert!(run.stderr.contains("missing-attachment"), "{run}");
        assert!(!site.out().exists());
    }

    #[test]
    fn a_linked_catalog_file_is_not_published() {
        let site = SiteTest::from_fixture("minimal");
        fs::write(
            site.tmp().join("outside.md"),
            "+++\nindex_no = \"11530100MB0A00001B/2024-00003\"\ntitle = \"SECRETOUTSIDETITLE\"\npublished = 2024-03-01\ncategory = '综合政务\\政务公开'\n+++\n\nSECRETOUTSIDEBODY\n",
        )
        .unwrap();
        symlink(
            site.tmp().join("outside.md"),
            site.root().join("content/bgt/catalog/outside.md"),
        )
        .unwrap();
        let run = site.build();
        run.assert_success();
        assert!(
            run.stderr.contains("not-a-file"),
            "the link is named\n{run}"
        );
        assert_no_secret(&site);
    }

    #[test]
    fn a_linked_files_folder_is_not_published() {
        let site = SiteTest::from_fixture("minimal");
        let outside = site.tmp().join("outside-files");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("secret.txt"), "SECRETOUTSIDECONTENT").unwrap();
        symlink(&outside, site.root().join("content/bgt/files")).unwrap();
        site.write(
            "content/bgt/catalog/link.md",
            "+++\nindex_no = \"11530100MB0A00001B/2024-00002\"\ntitle = \"链接附件\"\npublished = 2024-03-01\ncategory = '综合政务\\政务公开'\nattachments = [\"secret.txt\"]\n+++\n",
        );
        let run = site.build();
        if run.code == Some(0) {
            assert_no_secret(&site);
        } else {
            run.assert_code(1);
        }
    }

    #[test]
    fn linked_powers_and_reports_folders_are_not_read() {
        for folder in ["powers", "reports"] {
            let site = SiteTest::from_fixture("minimal");
            let outside = site.tmp().join(format!("outside-{folder}"));
            fs::create_dir_all(&outside).unwrap();
            fs::write(outside.join("2024.toml"), "name = \"SECRETOUTSIDETITLE\"\n").unwrap();
            symlink(&outside, site.root().join("content/bgt").join(folder)).unwrap();
            let run = site.build();
            run.assert_code(1);
            assert!(
                run.stderr.contains("linked-folder")
                    && run.stderr.contains(&format!("content/bgt/{folder}")),
                "the link is named\n{run}"
            );
            assert!(!site.out().exists());
        }
    }

    #[test]
    fn a_linked_catalog_folder_is_not_published() {
        let site = SiteTest::from_fixture("minimal");
        let outside = site.tmp().join("outside-catalog");
        fs::create_dir_all(&outside).unwrap();
        fs::write(
            outside.join("x.md"),
            "+++\nindex_no = \"11530100MB0A00001B/2024-00003\"\ntitle = \"SECRETOUTSIDETITLE\"\npublished = 2024-03-01\ncategory = '综合政务\\政务公开'\n+++\n\nSECRETOUTSIDEBODY\n",
        )
        .unwrap();
        let catalog = site.root().join("content/bgt/catalog");
        fs::rename(catalog.join("2024-00001.md"), site.tmp().join("keep.md")).unwrap();
        fs::remove_dir(&catalog).unwrap();
        symlink(&outside, &catalog).unwrap();
        let run = site.build();
        if run.code == Some(0) {
            assert_no_secret(&site);
        } else {
            run.assert_code(1);
        }
    }

    fn assert_no_secret(site: &SiteTest) {
        for file in site.out_files() {
            let bytes = fs::read(site.out().join(&file)).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("SECRETOUTSIDE"),
                "{file} publishes a file from outside content/"
            );
            assert!(!file.contains("secret"), "{file} is outside content/");
        }
    }
}
