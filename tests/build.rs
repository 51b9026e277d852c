//! `gongkai build` of the minimal and full fixtures: what is published,
//! where, with which validity, and what never is.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use support::{Shared, SiteTest, broken_links, file_of_href, main_of};

/// The full fixture built once (default base URL) for the read-only tests.
fn full() -> Arc<SiteTest> {
    static SITE: Shared = Shared::new();
    SITE.get(|| {
        let site = SiteTest::from_fixture("full");
        site.build().assert_success();
        site
    })
}

const AMENDED: &str = "11530100MB0X12345K/2023-00003";
const REPEALED: &str = "11530100MB0X12345K/2020-00007";
const CURRENT: &str = "11530100MB0X12345K/2024-00012";
const PENDING: &str = "11530100MB0X12345K/2026-00020";
const EXPIRED: &str = "11530100MB0Y54321L/2022-00005";
const PAST_EXPIRES: &str = "11530100MB0Y54321L/2025-00002";
const TRADITIONAL: &str = "11530100MB0Z67890M/2024-00001";
const EXEMPT: &str = "11530100MB0X12345K/2025-00099";
const DRAFT: &str = "11530100MB0Y54321L/2026-00031";

/// id → (status, retired) of every item the full fixture publishes.
fn expected_items() -> BTreeMap<&'static str, (&'static str, Option<&'static str>)> {
    BTreeMap::from([
        (REPEALED, ("repealed", Some("2024-04-01"))),
        (AMENDED, ("amended", None)),
        (CURRENT, ("in-force", None)),
        (PENDING, ("pending", None)),
        (EXPIRED, ("expired", Some("2023-01-31"))),
        (PAST_EXPIRES, ("expired", Some("2026-06-30"))),
        ("11530100MB0Y54321L/2025-00010", ("in-force", None)),
        (
            "11530100MB0Z67890M/2021-00004",
            ("expired", Some("2021-12-31")),
        ),
        (TRADITIONAL, ("in-force", None)),
    ])
}

/// The catalog items of the manifest (it lists guides too).
fn manifest_items(manifest: &Value) -> Vec<&Value> {
    manifest["items"]
        .as_array()
        .expect("items is a list")
        .iter()
        .filter(|i| i["type"] == "catalog")
        .collect()
}

fn manifest_item<'a>(manifest: &'a Value, id: &str) -> &'a Value {
    manifest_items(manifest)
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not in the manifest"))
}

/// The output file of a root-relative URL of the default build.
fn file_of(url: &Value) -> String {
    let url = url.as_str().expect("a URL is a string");
    file_of_href(url, "/").unwrap_or_else(|| panic!("{url} is not root-relative"))
}

/// Fixture source file of each 索引号.
fn fixture_sources(name: &str) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let content = support::fixture_path(name).join("content");
    for rel in support::list_files(&content) {
        if !rel.ends_with(".md") || !rel.contains("/catalog/") {
            continue;
        }
        let path = content.join(&rel);
        let text = fs::read_to_string(&path).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with("index_no = "))
            .expect("an index_no line");
        let id = line["index_no = ".len()..]
            .trim()
            .trim_matches('"')
            .to_string();
        out.insert(id, path);
    }
    out
}

#[test]
fn minimal_site_builds() {
    let site = SiteTest::from_fixture("minimal");
    let run = site.build();
    run.assert_success();
    let files = site.out_files();
    for required in [
        "index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "atom.xml",
        "api/manifest.json",
        "catalog/index.html",
        "archive/index.html",
        "departments/bgt/index.html",
        "items/11530100MB0A00001B/2024-00001/index.html",
    ] {
        assert!(
            files.iter().any(|f| f == required),
            "{required} missing: {files:#?}"
        );
    }
    let manifest = site.manifest();
    assert_eq!(manifest["build"]["as_of"], support::AS_OF);
    assert_eq!(manifest["build"]["commit"], Value::Null, "not in git");
    assert_eq!(manifest_items(&manifest).len(), 1);
    // Building outside git is said once.
    assert_eq!(
        run.stderr.matches("not in a git repository").count(),
        1,
        "{run}"
    );
}

#[test]
fn every_internal_link_resolves() {
    let broken = broken_links(&full().out(), "/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn minimal_site_links_resolve() {
    let site = SiteTest::from_fixture("minimal");
    site.build().assert_success();
    let broken = broken_links(&site.out(), "/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn manifest_lists_every_published_item_with_its_validity() {
    let manifest = full().manifest();
    let got: BTreeMap<String, (String, Option<String>)> = manifest_items(&manifest)
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                (
                    i["status"].as_str().unwrap().to_string(),
                    i["retired"].as_str().map(str::to_string),
                ),
            )
        })
        .collect();
    let expected: BTreeMap<String, (String, Option<String>)> = expected_items()
        .into_iter()
        .map(|(id, (s, r))| (id.to_string(), (s.to_string(), r.map(str::to_string))))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(manifest["build"]["as_of"], support::AS_OF);
    for item in manifest_items(&manifest) {
        assert_eq!(item["type"], "catalog");
        assert!(!item["title"].as_str().unwrap().is_empty());
        let url = item["url"].as_str().unwrap();
        assert_eq!(url, format!("/items/{}/", item["id"].as_str().unwrap()));
    }
    assert_eq!(manifest_item(&manifest, TRADITIONAL)["department"], "wlj");
}

#[test]
fn every_item_has_its_page_snapshot_and_exact_source() {
    let site = full();
    let manifest = site.manifest();
    let files: BTreeSet<String> = site.out_files().into_iter().collect();
    let sources = fixture_sources("full");
    let mut published = Vec::new();
    let mut blobs = Vec::new();
    for item in manifest_items(&manifest) {
        let id = item["id"].as_str().unwrap();
        let page = file_of(&item["url"]);
        assert!(files.contains(&page), "{id}: no page {page}");
        let html = site.read(&page);
        assert!(
            html.contains(item["title"].as_str().unwrap()),
            "{id}: title"
        );
        assert!(html.contains(id), "{id}: the page shows its 索引号");
        let revisions = item["revisions"].as_array().expect("revisions");
        assert!(!revisions.is_empty(), "{id} has no revision");
        for rev in revisions {
            let blob = rev["blob"].as_str().unwrap();
            assert_eq!(blob.len(), 40, "{id}: blob {blob}");
            let snapshot = file_of(&rev["snapshot_url"]);
            assert!(files.contains(&snapshot), "{id}: no snapshot {snapshot}");
            let snapshot_html = site.read(&snapshot);
            assert!(
                snapshot_html.contains(r#"<meta name="robots" content="noindex">"#),
                "{id}: a snapshot is not indexed"
            );
            assert!(
                snapshot_html.contains(&format!(
                    r#"<link rel="canonical" href="https://xxgk.example.gov.cn/items/{id}/">"#
                )),
                "{id}: a snapshot's canonical link is the item's current URL"
            );
            let source = file_of(&rev["source_url"]);
            assert!(files.contains(&source), "{id}: no source {source}");
            published.push(site.out().join(&source));
            blobs.push(blob.to_string());
        }
        let last = revisions.last().unwrap();
        let fixture = &sources[id];
        assert_eq!(
            fs::read(site.out().join(file_of(&last["source_url"]))).unwrap(),
            fs::read(fixture).unwrap(),
            "{id}: the published source is the exact bytes of {}",
            fixture.display()
        );
    }
    assert_eq!(support::git_hash_objects(&published), blobs);
}

#[test]
fn retired_items_leave_the_catalog_for_the_archive() {
    let site = full();
    let manifest = site.manifest();
    let catalog = site.read("catalog/index.html");
    let archive = site.read("archive/index.html");
    for (id, (status, _)) in expected_items() {
        let href = format!("href=\"/items/{id}/\"");
        let retired = status == "repealed" || status == "expired";
        assert_eq!(
            catalog.contains(&href),
            !retired,
            "{id} ({status}) in catalog/index.html"
        );
        assert_eq!(
            archive.contains(&href),
            retired,
            "{id} ({status}) in archive/index.html"
        );
    }
    // No current listing, of any facet or page, lists a retired item.
    for file in site.out_files() {
        if !file.starts_with("catalog/") {
            continue;
        }
        let html = site.read(&file);
        for (id, (status, _)) in expected_items() {
            if status == "repealed" || status == "expired" {
                assert!(
                    !html.contains(&format!("href=\"/items/{id}/\"")),
                    "retired {id} listed in {file}"
                );
            }
        }
    }
    assert_eq!(manifest_items(&manifest).len(), expected_items().len());
}

#[test]
fn retired_items_keep_their_page_with_a_banner() {
    let site = full();
    let repealed = site.read(&format!("items/{REPEALED}/index.html"));
    let main = main_of(&repealed);
    assert!(main.contains("已废止"), "{main}");
    assert!(main.contains("2024-04-01"), "retirement date: {main}");
    assert!(
        main.contains("被示发改规〔2024〕12号替代"),
        "reason: {main}"
    );
    assert!(
        main.contains(&format!("href=\"/items/{CURRENT}/\"")),
        "link to the replacement: {main}"
    );

    for id in [EXPIRED, PAST_EXPIRES, "11530100MB0Z67890M/2021-00004"] {
        let html = site.read(&format!("items/{id}/index.html"));
        let main = main_of(&html);
        assert!(main.contains("已失效"), "{id}: {main}");
        let retired = expected_items()[id].1.unwrap();
        assert!(main.contains(retired), "{id}: date {retired}");
    }
    let main_html = site.read(&format!("items/{EXPIRED}/index.html"));
    assert!(main_of(&main_html).contains("学期结束"), "reason shown");
}

#[test]
fn amended_item_links_its_replacement() {
    let site = full();
    let html = site.read(&format!("items/{AMENDED}/index.html"));
    let main = main_of(&html);
    assert!(main.contains("已修改"), "{main}");
    assert!(
        main.contains(&format!("href=\"/items/{CURRENT}/\"")),
        "{main}"
    );
    // …and the replacement names what it replaced.
    let current = site.read(&format!("items/{CURRENT}/index.html"));
    for id in [AMENDED, REPEALED] {
        assert!(
            main_of(&current).contains(&format!("href=\"/items/{id}/\"")),
            "{CURRENT} links {id}"
        );
    }
}

#[test]
fn pending_item_says_not_yet_in_force() {
    let site = full();
    let html = site.read(&format!("items/{PENDING}/index.html"));
    let main = main_of(&html);
    assert!(main.contains("尚未生效"), "{main}");
    assert!(main.contains("2027-01-01"), "effective date: {main}");
    assert!(
        site.read("catalog/index.html")
            .contains(&format!("href=\"/items/{PENDING}/\"")),
        "a pending item is current, not archived"
    );
}

#[test]
fn in_force_item_shows_its_content() {
    let site = full();
    let html = site.read(&format!("items/{CURRENT}/index.html"));
    let main = main_of(&html);
    assert!(main.contains("有效"), "{main}");
    assert!(
        !main.contains("尚未生效") && !main.contains("已废止"),
        "{main}"
    );
    assert!(main.contains("<table"), "Markdown table: {main}");
    assert!(
        main.contains("<ol>") && main.contains("<ul>"),
        "lists: {main}"
    );
    assert!(main.contains("中华人民共和国价格法"), "footnote: {main}");
    assert!(main.contains("示发改规〔2024〕12号"), "文号: {main}");
    assert!(
        !main.contains("<h1 id="),
        "body headings start at h2: {main}"
    );
    assert_eq!(main.matches("<h1").count(), 1, "one h1: {main}");
}

#[test]
fn attachments_are_copied_byte_for_byte_and_linked() {
    let site = full();
    let html = site.read(&format!("items/{CURRENT}/index.html"));
    let href = support::links_of(&html)
        .into_iter()
        .find(|h| h.ends_with(".csv"))
        .expect("the attachment is linked");
    let file = file_of_href(&href, "/").unwrap();
    assert_eq!(file, "departments/fgw/files/2024/收费标准.csv");
    assert_eq!(
        fs::read(site.out().join(&file)).unwrap(),
        fs::read(support::fixture_path(
            "full/content/fgw/files/2024/收费标准.csv"
        ))
        .unwrap()
    );
}

#[test]
fn traditional_chinese_department_pages_say_so() {
    let site = full();
    let html = site.read(&format!("items/{TRADITIONAL}/index.html"));
    assert!(html.contains("<html lang=\"zh-TW\""), "page language");
    // Its items in a Simplified list carry their own language.
    let catalog = site.read("catalog/index.html");
    assert!(
        catalog.contains("lang=\"zh-TW\">示例市文化和旅遊局關於公布A級旅遊景區名錄的公告<"),
        "title marked as zh-TW in the zh-CN listing"
    );
    assert!(catalog.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\""));
}

#[test]
fn exempt_and_draft_items_appear_in_no_output_file() {
    let site = full();
    let forbidden = [
        // exempt
        "XQZEXEMPT",
        "关于甲乙丙丁戊己项目的内部请示",
        "EXEMPTBODYMARKER",
        "本请示涉及不予公开的内部事务",
        EXEMPT,
        "2025-00099",
        "EXEMPTATTACHMENTMARKER",
        "内部请示附件",
        "%E5%86%85%E9%83%A8%E8%AF%B7%E7%A4%BA", // 内部请示, percent-encoded
        // draft
        "DRAFTTITLEMARKER",
        "DRAFTBODYMARKER",
        "本稿尚未定稿",
        DRAFT,
        "2026-00031",
    ];
    let files = site.out_files();
    let mut leaks = Vec::new();
    for file in &files {
        let bytes = fs::read(site.out().join(file)).unwrap();
        for needle in forbidden {
            if memmem(&bytes, needle.as_bytes()) {
                leaks.push(format!("{needle} in {file}"));
            }
        }
        for needle in ["重大建设项目", "请示", "DRAFT", "EXEMPT"] {
            if file.contains(needle) {
                leaks.push(format!("{needle} in the path {file}"));
            }
        }
    }
    assert!(leaks.is_empty(), "{leaks:#?}");
}

#[test]
fn withheld_items_do_not_decide_the_as_of_date() {
    let site = SiteTest::from_fixture("full");
    for (file, date) in [
        ("content/fgw/catalog/2025-00099.md", "2026-11-20"),
        ("content/jyj/catalog/2026-00031.md", "2026-11-21"),
    ] {
        let text = site.read_source(file);
        let line = text
            .lines()
            .find(|l| l.starts_with("published = "))
            .unwrap();
        site.write(file, &text.replace(line, &format!("published = {date}")));
    }
    let root = site.root().to_path_buf();
    let out = site.out();
    let args = [
        OsStr::new("build"),
        OsStr::new("--root"),
        root.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ];
    site.run(&args).assert_success();
    assert_eq!(site.manifest()["build"]["as_of"], "2026-11-02");
    for file in site.out_files() {
        let bytes = fs::read(out.join(&file)).unwrap();
        for date in ["2026-11-20", "2026-11-21"] {
            assert!(!memmem(&bytes, date.as_bytes()), "{date} in {file}");
        }
    }
}

fn memmem(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn every_department_has_its_pages_and_feed() {
    let site = full();
    let files: BTreeSet<String> = site.out_files().into_iter().collect();
    for slug in ["fgw", "jyj", "wlj"] {
        for file in [
            format!("departments/{slug}/index.html"),
            format!("departments/{slug}/guide/index.html"),
            format!("departments/{slug}/atom.xml"),
        ] {
            assert!(files.contains(&file), "{file} missing");
        }
    }
    assert!(
        site.read("departments/fgw/guide/index.html")
            .contains("申请人可以通过信函、当面提交等方式提出申请")
    );
}

#[test]
fn sitemap_and_feeds_point_to_published_pages() {
    let site = full();
    let files: BTreeSet<String> = site.out_files().into_iter().collect();
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.starts_with("<?xml"), "{sitemap}");
    let locs = absolute_urls(&sitemap, "<loc>", "</loc>");
    assert!(!locs.is_empty());
    for id in expected_items().keys() {
        assert!(
            locs.contains(&format!("https://xxgk.example.gov.cn/items/{id}/")),
            "{id} not in the sitemap"
        );
    }
    for loc in &locs {
        let rel = loc
            .strip_prefix("https://xxgk.example.gov.cn")
            .unwrap_or_else(|| panic!("{loc} is not on the site"));
        let file = file_of_href(rel, "/").unwrap();
        assert!(files.contains(&file), "sitemap: {loc} has no file");
    }
    for feed in ["atom.xml", "departments/fgw/atom.xml"] {
        let xml = site.read(feed);
        assert!(xml.contains("<feed"), "{feed}");
        for href in absolute_urls(&xml, "href=\"", "\"") {
            if let Some(rel) = href.strip_prefix("https://xxgk.example.gov.cn") {
                let file = file_of_href(rel, "/").unwrap();
                assert!(files.contains(&file), "{feed}: {href} has no file");
            }
        }
    }
    let robots = site.read("robots.txt");
    assert!(
        robots.contains("https://xxgk.example.gov.cn/sitemap.xml"),
        "{robots}"
    );
}

fn absolute_urls(text: &str, open: &str, close: &str) -> Vec<String> {
    text.split(open)
        .skip(1)
        .filter_map(|s| s.split(close).next())
        .map(|s| s.replace("&amp;", "&"))
        .collect()
}

#[test]
fn every_link_goes_under_a_base_path() {
    let site = SiteTest::from_fixture("full");
    let out = site.tmp().join("sub-out");
    site.build_into(&out, &["--base-url", "https://example.org/sub/"])
        .assert_success();
    let mut outside = Vec::new();
    for file in support::list_files(&out) {
        if !file.ends_with(".html") {
            continue;
        }
        let html = support::read_text(&out.join(&file));
        for href in support::links_of(&html) {
            if href.starts_with('/') && !href.starts_with("/sub/") {
                outside.push(format!("{file}: {href}"));
            }
            if href.contains("xxgk.example.gov.cn") {
                outside.push(format!("{file}: {href} (site.toml's base_url)"));
            }
        }
    }
    assert!(outside.is_empty(), "{outside:#?}");
    let broken = broken_links(&out, "/sub/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));

    let manifest: Value =
        serde_json::from_str(&support::read_text(&out.join("api/manifest.json"))).unwrap();
    for item in manifest_items(&manifest) {
        assert!(item["url"].as_str().unwrap().starts_with("/sub/items/"));
        for rev in item["revisions"].as_array().unwrap() {
            for key in ["snapshot_url", "source_url"] {
                let url = rev[key].as_str().unwrap();
                assert!(url.starts_with("/sub/items/"), "{url}");
                let file = file_of_href(url, "/sub/").unwrap();
                assert!(out.join(&file).is_file(), "{url}");
            }
        }
    }
    let page = support::read_text(&out.join(format!("items/{CURRENT}/index.html")));
    assert!(page.contains(&format!(
        r#"<link rel="canonical" href="https://example.org/sub/items/{CURRENT}/">"#
    )));
    let sitemap = support::read_text(&out.join("sitemap.xml"));
    assert!(
        sitemap.contains("<loc>https://example.org/sub/"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("xxgk.example.gov.cn"), "{sitemap}");
    assert!(!support::read_text(&out.join("atom.xml")).contains("xxgk.example.gov.cn"));

    // Without the trailing slash: the same site.
    let out2 = site.tmp().join("sub-out-2");
    site.build_into(&out2, &["--base-url", "https://example.org/sub"])
        .assert_success();
    assert!(support::snapshot_dir(&out) == support::snapshot_dir(&out2));
}

#[test]
fn default_output_folder_is_public_under_the_root() {
    let site = SiteTest::from_fixture("minimal");
    let root = site.root().to_path_buf();
    let args = [
        OsStr::new("build"),
        OsStr::new("--root"),
        root.as_os_str(),
        OsStr::new("--as-of"),
        OsStr::new(support::AS_OF),
    ];
    let run = site.run(&args);
    run.assert_success();
    assert!(root.join("public/index.html").is_file(), "{run}");
    assert!(!root.join(".public.staging").exists());
    // A second build over it succeeds and does not read public/ as content.
    let again = site.run(&args);
    again.assert_success();
    assert!(!root.join("public/public").exists());
}

#[test]
fn output_paths_do_not_leak_the_build_machine() {
    let site = full();
    let tmp = site.tmp().to_string_lossy().into_owned();
    for file in site.out_files() {
        let bytes = fs::read(site.out().join(&file)).unwrap();
        assert!(
            !memmem(&bytes, tmp.as_bytes()) && !memmem(&bytes, b"gongkai-test-"),
            "{file} contains the absolute path of the build folder"
        );
    }
}

#[test]
fn every_listing_page_and_the_versions_page_are_in_the_sitemap() {
    let site = SiteTest::from_fixture("full");
    let config = site.read_source("site.toml");
    site.write("site.toml", &format!("paginate_by = 3\n{config}"));
    site.build().assert_success();
    let sitemap = site.read("sitemap.xml");
    let locs: BTreeSet<String> = absolute_urls(&sitemap, "<loc>", "</loc>")
        .into_iter()
        .collect();
    let files: BTreeSet<String> = support::list_files(&site.out()).into_iter().collect();
    assert!(files.contains("catalog/page/2/index.html"), "paginated");
    for file in &files {
        let Some(page) = file.strip_suffix("index.html") else {
            continue;
        };
        if page.starts_with("catalog/") && page.contains("/page/") {
            let url = format!("https://xxgk.example.gov.cn/{page}");
            assert!(locs.contains(&url), "{url} not in the sitemap");
        }
    }
    assert!(locs.contains("https://xxgk.example.gov.cn/versions/"));
}
