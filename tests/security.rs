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
/// A revision's exact source (an item's or a guide's), named by its blob.
fn is_verbatim_source(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or_default();
    let blob = name.strip_suffix(".md").unwrap_or_default();
    blob.len() == 40 && blob.bytes().all(|b| b.is_ascii_hexdigit())
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
        // strings as JSON, and static/search.js), an item's JSON-LD (its
        // own escaping is tested in tests/govsite.rs) and static/care.js
        // are the only ones a page may have.
        let text = site
            .read(&file)
            .replace(r#"<script type="application/json" id="search-entry">"#, "")
            .replace(
                r#"<script type="application/json" id="search-strings">"#,
                "",
            )
            .replace(r#"<script src="/static/search.js" defer>"#, "")
            .replace(r#"<script type="application/ld+json">"#, "")
            .replace(r#"<script src="/static/care.js">"#, "");
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
fn active_or_disguised_attachments_are_check_errors() {
    let site = SiteTest::from_fixture("minimal");
    let files = [
        (
            "a/evil.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
        ),
        ("page.html", "<script>alert(1)</script>"),
        ("page.htm", "<script>alert(1)</script>"),
        ("page.xhtml", "<script>alert(1)</script>"),
        ("data.xml", "<?xml version=\"1.0\"?><x/>"),
        ("fake.pdf", "<html><script>alert(1)</script></html>"),
        ("note.txt", "\u{feff}\n  <svg onload=alert(1)>"),
        ("binary.csv", "MZ\u{0}\u{0}\u{3}"),
        ("good.pdf", "%PDF-1.7\n%âãÏÓ\n"),
        ("good.csv", "名称,单价\n停车,5\n"),
    ];
    let mut list = String::new();
    for (path, text) in files {
        site.write(&format!("content/bgt/files/{path}"), text);
        list.push_str(&format!("  \"{path}\",\n"));
    }
    site.write(
        "content/bgt/catalog/active.md",
        &format!(
            "+++\nindex_no = \"11530100MB0A00001B/2024-00002\"\ntitle = \"附件\"\npublished = 2024-03-01\ncategory = '综合政务\\政务公开'\nattachments = [\n{list}]\n+++\n"
        ),
    );
    let (run, json) = site.check_json();
    run.assert_code(1);
    let found: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            assert_eq!(d["file"], "content/bgt/catalog/active.md", "{run}");
            if d["code"] == "attachment-type" {
                let help = d["help"].as_str().unwrap();
                assert!(help.contains("pdf, ofd, doc, docx, wps"), "{help}");
            }
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, u64)> = [
        ("attachment-type", 7),
        ("attachment-type", 8),
        ("attachment-type", 9),
        ("attachment-type", 10),
        ("attachment-type", 11),
        ("attachment-content", 12),
        ("attachment-content", 13),
        ("attachment-content", 14),
    ]
    .iter()
    .map(|(c, l)| (c.to_string(), *l))
    .collect();
    assert_eq!(found, expected, "{run}");
    site.build().assert_code(1);
    assert!(!site.out().exists());
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

#[test]
fn vocabulary_values_that_cannot_be_paths_are_check_errors() {
    let site = SiteTest::from_fixture("minimal");
    let long = "长".repeat(100);
    let config = site.read_source("site.toml");
    site.write(
        "site.toml",
        &format!(
            "{config}\n[vocabularies]\nkinds = [\"通知\", \"../../../x\",\n  \"{long}\"]\ncategories = ['综合政务\\政务公开', '综合政务\\..']\n"
        ),
    );
    assert_eq!(config.lines().count(), 3);
    site.write(
        "content/bgt/catalog/escape.md",
        "+++\nindex_no = \"11530100MB0A00001B/2024-00002\"\ntitle = \"越界\"\npublished = 2024-03-01\ncategory = '综合政务\\..'\nkind = \"../../../x\"\n+++\n",
    );
    let (run, json) = site.check_json();
    run.assert_code(1);
    let found: Vec<(String, u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            assert_eq!(d["code"], "bad-url-segment", "{run}");
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // site.toml: 3 lines, a blank one, `[vocabularies]` on line 5.
    let site_toml = |line: u64, column: u64| ("site.toml".to_string(), line, column);
    let item = |line: u64, column: u64| ("content/bgt/catalog/escape.md".to_string(), line, column);
    assert_eq!(
        found,
        [
            item(5, 12),
            item(6, 8),
            site_toml(6, 17),
            site_toml(7, 4),
            site_toml(8, 29)
        ],
        "{run}"
    );
    let before = list_entries(site.tmp());
    site.build().assert_code(1);
    assert_eq!(list_entries(site.tmp()), before, "nothing written anywhere");
}

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    /// Replace `rel` of the site by a link to a file outside it that holds
    /// `text` (with the marker `SECRETOUTSIDE`), build, and prove that the
    /// build fails naming the link and that nothing was published.
    fn assert_linked_file_refused(site: &SiteTest, rel: &str, text: &str) {
        assert!(text.contains("SECRETOUTSIDE"));
        let outside = site.tmp().join("outside").join(rel);
        fs::create_dir_all(outside.parent().unwrap()).unwrap();
        fs::write(&outside, text).unwrap();
        let link = site.root().join(rel);
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        let _ = fs::remove_file(&link);
        symlink(&outside, &link).unwrap();
        assert_refused(site, rel, "linked-file");
    }

    fn assert_refused(site: &SiteTest, link: &str, code: &str) {
        let run = site.build();
        assert_ne!(run.code, Some(0), "{run}");
        assert!(
            run.stderr.contains(code) && run.stderr.contains(link),
            "`{code}` names {link}\n{run}"
        );
        assert!(!site.out().exists(), "a failed build publishes nothing");
        assert_no_secret(site);
    }

    #[test]
    fn a_linked_site_toml_is_refused() {
        let site = SiteTest::from_fixture("minimal");
        let text = site
            .read_source("site.toml")
            .replace("最小站点", "SECRETOUTSIDETITLE");
        assert_linked_file_refused(&site, "site.toml", &text);
    }

    #[test]
    fn a_linked_home_page_is_refused() {
        let site = SiteTest::from_fixture("minimal");
        assert_linked_file_refused(&site, "content/_index.md", "SECRETOUTSIDEHOME\n");
    }

    #[test]
    fn a_linked_department_toml_is_refused() {
        let site = SiteTest::from_fixture("minimal");
        assert_linked_file_refused(
            &site,
            "content/bgt/department.toml",
            "name = \"SECRETOUTSIDENAME\"\n",
        );
    }

    #[test]
    fn a_linked_guide_is_refused() {
        let site = SiteTest::from_fixture("minimal");
        assert_linked_file_refused(
            &site,
            "content/bgt/guide.md",
            "# 指南\n\nSECRETOUTSIDEGUIDE\n",
        );
    }

    #[test]
    fn a_linked_report_is_refused() {
        let site = SiteTest::from_fixture("reports");
        let rel = "content/csj/reports/2024.toml";
        let text = format!("# SECRETOUTSIDE\n{}", site.read_source(rel));
        assert_linked_file_refused(&site, rel, &text);
    }

    #[test]
    fn a_linked_report_narrative_is_refused() {
        let site = SiteTest::from_fixture("reports");
        let rel = "content/csj/reports/2025.md";
        let text = format!("{}\nSECRETOUTSIDENARRATIVE\n", site.read_source(rel));
        assert_linked_file_refused(&site, rel, &text);
    }

    #[test]
    fn a_linked_power_is_refused() {
        let site = SiteTest::from_fixture("powers");
        let rel = "content/tjj/powers/jc-001.toml";
        let text = format!("# SECRETOUTSIDE\n{}", site.read_source(rel));
        assert_linked_file_refused(&site, rel, &text);
    }

    #[test]
    fn a_linked_theme_file_is_refused() {
        let site = SiteTest::from_fixture("minimal");
        let template = fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("themes/default/templates/guide.html"),
        )
        .unwrap();
        let text = format!("SECRETOUTSIDETHEME{template}");
        assert_linked_file_refused(&site, "themes/default/templates/guide.html", &text);
    }

    #[test]
    fn a_linked_theme_folder_is_refused() {
        let site = SiteTest::from_fixture("minimal");
        let outside = site.tmp().join("outside-theme/static");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("secret.css"), "/* SECRETOUTSIDE */").unwrap();
        fs::create_dir_all(site.root().join("themes")).unwrap();
        symlink(
            outside.parent().unwrap(),
            site.root().join("themes/default"),
        )
        .unwrap();
        assert_refused(&site, "themes/default", "linked-file");
    }

    #[test]
    fn a_linked_department_folder_is_refused() {
        let site = SiteTest::from_fixture("minimal");
        let outside = site.tmp().join("outside-department");
        fs::create_dir_all(outside.join("catalog")).unwrap();
        fs::write(
            outside.join("department.toml"),
            "name = \"SECRETOUTSIDENAME\"\n",
        )
        .unwrap();
        fs::write(
            outside.join("catalog/x.md"),
            "+++\nindex_no = \"11530100MB0A00001B/2024-00009\"\ntitle = \"SECRETOUTSIDETITLE\"\npublished = 2024-03-01\ncategory = '综合政务\\政务公开'\n+++\n",
        )
        .unwrap();
        symlink(&outside, site.root().join("content/wjj")).unwrap();
        assert_refused(&site, "content/wjj", "linked-folder");
    }

    #[test]
    fn a_linked_content_folder_is_refused() {
        let site = SiteTest::from_fixture("minimal");
        let outside = site.tmp().join("outside-content");
        fs::rename(site.root().join("content"), &outside).unwrap();
        fs::write(outside.join("_index.md"), "SECRETOUTSIDEHOME\n").unwrap();
        symlink(&outside, site.root().join("content")).unwrap();
        assert_refused(&site, "content", "linked-folder");
    }

    #[test]
    fn a_linked_attachment_is_named_with_its_item() {
        let site = SiteTest::from_fixture("minimal");
        fs::write(site.tmp().join("secret.txt"), "SECRETOUTSIDECONTENT").unwrap();
        fs::create_dir_all(site.root().join("content/bgt/files/sub")).unwrap();
        symlink(
            site.tmp().join("secret.txt"),
            site.root().join("content/bgt/files/secret.txt"),
        )
        .unwrap();
        symlink(site.tmp(), site.root().join("content/bgt/files/sub/up")).unwrap();
        site.write(
            "content/bgt/catalog/link.md",
            "+++\nindex_no = \"11530100MB0A00001B/2024-00002\"\ntitle = \"链接附件\"\npublished = 2024-03-01\ncategory = '综合政务\\政务公开'\nattachments = [\"secret.txt\", \"sub/up/secret.txt\"]\n+++\n",
        );
        let (run, json) = site.check_json();
        run.assert_code(1);
        let linked: Vec<(&str, u64)> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "linked-file")
            .map(|d| (d["file"].as_str().unwrap(), d["line"].as_u64().unwrap()))
            .collect();
        let item = "content/bgt/catalog/link.md";
        assert_eq!(linked, [(item, 6), (item, 6)], "{run}");
        assert_refused(&site, "content/bgt/files/sub/up", "linked-file");
    }

    #[test]
    fn a_linked_catalog_file_is_refused() {
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
        assert_refused(&site, "content/bgt/catalog/outside.md", "linked-file");
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
