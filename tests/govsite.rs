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
