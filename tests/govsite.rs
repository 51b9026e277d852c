//! What a 政府网站 must show beyond the catalog (issue 18): the footer
//! identity, the page metadata of the 网页设计规范, the HTML 网站地图.

mod support;

use serde_json::Value;
use support::SiteTest;

const IDENTITY: &str = r#"
site_code = "5300000030"
icp = "滇ICP备05000001号-2"
police_filing = "滇公网安备 53010202000001号"
sponsor = "示例市人民政府办公室"
operator = "示例市大数据中心"
conac_url = "https://bszs.conac.cn/sitename?method=show&id=1"
contact = "0871-00000000"
"#;

fn with_site_toml(extra: &str) -> SiteTest {
    let site = SiteTest::from_fixture("full");
    let toml = site.read_source("site.toml");
    site.write("site.toml", &format!("{toml}{extra}"));
    site
}

#[test]
fn footer_shows_the_site_identity_on_every_page() {
    let site = with_site_toml(IDENTITY);
    site.build().assert_success();
    for page in ["index.html", "catalog/index.html", "404.html"] {
        let html = site.read(page);
        let footer = &html[html.find("<footer").expect("a footer")..];
        for expected in [
            "网站标识码：5300000030",
            r#"<a href="https://beian.miit.gov.cn/">滇ICP备05000001号-2</a>"#,
            r#"<a href="https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=53010202000001">滇公网安备 53010202000001号</a>"#,
            "主办单位：示例市人民政府办公室",
            "承办单位：示例市大数据中心",
            "联系方式：0871-00000000",
            r#"href="https://bszs.conac.cn/sitename?method=show&amp;id=1">党政机关网站标识</a>"#,
            // No own 找错 link: the national platform.
            r#"href="https://zfwzzc.www.gov.cn/">我为政府网站找错</a>"#,
        ] {
            assert!(
                footer.contains(expected),
                "{page}: no {expected} in\n{footer}"
            );
        }
    }
}

#[test]
fn footer_without_identity_shows_none_of_it() {
    let site = SiteTest::from_fixture("full");
    site.build().assert_success();
    let html = site.read("index.html");
    assert!(!html.contains("网站标识码"), "{html}");
    assert!(!html.contains("我为政府网站找错"), "{html}");
}

fn diagnostic<'a>(json: &'a Value, code: &str) -> &'a Value {
    json["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {json:#}"))
}

#[test]
fn bad_identity_values_are_errors_with_file_and_line() {
    let site = SiteTest::from_fixture("full");
    let toml = site.read_source("site.toml");
    let first = toml.lines().count() + 1;
    site.write(
        "site.toml",
        &format!(
            "{toml}site_code = \"53000030\"\nicp = \"ICP备05000001号\"\npolice_filing = \"滇公网安备 5301号\"\nerror_report_url = \"zfwzzc.www.gov.cn\"\nsponsor = 1\n"
        ),
    );
    let (run, json) = site.check_json();
    run.assert_code(1);
    for (code, line) in [
        ("bad-site-code", first),
        ("bad-icp", first + 1),
        ("bad-police-filing", first + 2),
        ("bad-url", first + 3),
        ("wrong-type", first + 4),
    ] {
        let d = diagnostic(&json, code);
        assert_eq!(d["file"], "site.toml", "{d}");
        assert_eq!(d["line"], line, "{code}: {d}");
        assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()), "{d}");
    }
}

/// The `content` of every `<meta name="…">` with this name (ASCII case
/// ignored, as HTML compares them).
fn metas(html: &str, name: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"<meta name="([^"]+)" content="([^"]*)">"#).expect("regex");
    re.captures_iter(html)
        .filter(|c| c[1].eq_ignore_ascii_case(name))
        .map(|c| c[2].to_string())
        .collect()
}

#[test]
fn every_page_has_one_description_and_the_site_level_metadata() {
    let site = with_site_toml(IDENTITY);
    site.build().assert_success();
    let pages: Vec<String> = site
        .out_files()
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() > 20, "{pages:?}");
    for page in &pages {
        let html = site.read(page);
        let description = metas(&html, "description");
        assert_eq!(description.len(), 1, "{page}: {description:?}");
        assert!(!description[0].trim().is_empty(), "{page}");
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        assert_eq!(
            metas(&html, "SiteName"),
            ["示例市人民政府信息公开"],
            "{page}"
        );
        assert_eq!(
            metas(&html, "SiteDomain"),
            ["xxgk.example.gov.cn"],
            "{page}"
        );
        assert_eq!(metas(&html, "SiteIDCode"), ["5300000030"], "{page}");
    }
    let listing = site.read("catalog/index.html");
    assert_eq!(metas(&listing, "ColumnName"), ["政府信息公开目录"]);
    assert_eq!(metas(&listing, "ColumnType").len(), 1);
}

#[test]
fn an_item_page_has_article_metadata_and_legislation_json_ld() {
    let site = SiteTest::from_fixture("full");
    site.build().assert_success();
    let html = site.read("items/11530100MB0X12345K/2024-00012/index.html");
    assert_eq!(
        metas(&html, "ArticleTitle"),
        ["示例市发展和改革委员会关于规范停车服务收费的通知"]
    );
    assert_eq!(metas(&html, "PubDate"), ["2024-03-05"]);
    assert_eq!(metas(&html, "Keywords"), ["停车,收费"]);
    assert_eq!(
        metas(&html, "Url"),
        ["https://xxgk.example.gov.cn/items/11530100MB0X12345K/2024-00012/"]
    );
    assert_eq!(metas(&html, "ContentSource").len(), 1);
    assert!(metas(&html, "description")[0].starts_with("各区发展改革局："));
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").expect("closed");
    let ld: Value = serde_json::from_str(&html[start..end]).expect("valid JSON");
    assert_eq!(ld["@type"], "Legislation");
    assert_eq!(ld["legislationIdentifier"], "示发改规〔2024〕12号");
    assert_eq!(ld["dateCreated"], "2024-03-01");
    assert_eq!(ld["datePublished"], "2024-03-05");
    assert_eq!(ld["legislationLegalForce"], "https://schema.org/InForce");
}

#[test]
fn json_ld_cannot_close_its_script_element() {
    let site = SiteTest::from_fixture("full");
    let rel = "content/fgw/catalog/2024-00012.md";
    let text = site.read_source(rel).replace(
        "title = \"示例市发展和改革委员会关于规范停车服务收费的通知\"",
        "title = \"通知</script><script>alert(1)</script>&\"",
    );
    site.write(rel, &text);
    site.build().assert_success();
    let html = site.read("items/11530100MB0X12345K/2024-00012/index.html");
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").expect("closed");
    let json = &html[start..end];
    assert!(!json.contains('<') && !json.contains('&'), "{json}");
    let ld: Value = serde_json::from_str(json).expect("valid JSON");
    assert_eq!(ld["name"], "通知</script><script>alert(1)</script>&");
}

#[test]
fn the_site_map_lists_every_section_department_and_column() {
    let site = SiteTest::from_fixture("full");
    site.build().assert_success();
    let map = site.read("sitemap/index.html");
    let links = support::links_of(&map);
    let files: Vec<String> = links
        .iter()
        .filter_map(|l| support::file_of_href(l, "/"))
        .collect();
    // Every department, and the first page of every listing.
    let wanted: Vec<String> = site
        .out_files()
        .into_iter()
        .filter(|f| {
            let department = f.starts_with("departments/") && f.matches('/').count() == 2;
            let listing = f.starts_with("catalog/") || f.starts_with("archive/");
            (department || listing) && f.ends_with("/index.html") && !f.contains("/page/")
        })
        .collect();
    assert!(wanted.len() > 10, "{wanted:?}");
    for file in &wanted {
        assert!(
            files.contains(file),
            "{file} missing from the site map: {files:?}"
        );
    }
    for section in [
        "/catalog/",
        "/archive/",
        "/search/",
        "/powers/",
        "/versions/",
    ] {
        assert!(links.iter().any(|l| l == section), "{section}");
    }
    // Linked from every page's footer, listed in sitemap.xml.
    let home = site.read("index.html");
    let footer = &home[home.find("<footer").expect("footer")..];
    assert!(
        footer.contains(r#"<a href="/sitemap/">网站地图</a>"#),
        "{footer}"
    );
    assert!(
        site.read("sitemap.xml")
            .contains("<loc>https://xxgk.example.gov.cn/sitemap/</loc>")
    );
}

#[test]
fn an_expired_item_lists_its_end_date_once() {
    let site = SiteTest::from_fixture("full");
    let rel = "content/fgw/catalog/2024-00012.md";
    let text = site.read_source(rel).replace(
        "effective = 2024-04-01\n",
        "effective = 2024-04-01\nexpires = 2025-04-01\n",
    );
    site.write(rel, &text);
    site.build().assert_success();
    let html = site.read("items/11530100MB0X12345K/2024-00012/index.html");
    assert_eq!(
        html.matches("<time datetime=\"2025-04-01\">").count(),
        2,
        "{html}"
    );
    assert!(html.contains("<th scope=\"row\">失效日期</th>"), "{html}");
    assert!(
        !html.contains("<th scope=\"row\">废止或失效日期</th>"),
        "{html}"
    );
}
