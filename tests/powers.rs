//! 权力清单: every power rule reported with file and line
//! (`tests/fixtures/powers-invalid`), power pages with their flowchart,
//! catalogs, manifest and sitemap entries (`tests/fixtures/powers`), and
//! exempt and draft powers kept out of every output file.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{SiteTest, broken_links, git_hash_objects, list_files, main_of, read_text};

/// (severity, code, file under content/bgt/powers/, line) of every problem
/// of the invalid fixture, in `check`'s order.
const EXPECTED: &[(&str, &str, &str, u64)] = &[
    ("error", "duplicate-power-code", "02-dup-b.toml", 3),
    ("error", "unknown-power-category", "03-category.toml", 3),
    ("error", "missing-basis", "04-basis.toml", 9),
    ("error", "promised-over-legal", "05-promised.toml", 11),
    ("error", "step-without-actor", "06-actor.toml", 16),
    ("warning", "steps-over-limit", "07-over.toml", 11),
    ("error", "unknown-step", "08-next.toml", 14),
    ("error", "unreachable-step", "09-unreachable.toml", 17),
    ("error", "endless-loop", "10-loop.toml", 16),
    ("error", "bad-power-code", "11-code.toml", 1),
    ("error", "step-without-actor", "12-step-field.toml", 12),
    ("error", "unknown-field", "12-step-field.toml", 13),
    ("error", "missing-steps", "13-no-steps.toml", 1),
    ("error", "missing-retired", "14-retired.toml", 10),
];

fn invalid() -> (support::Run, Value) {
    SiteTest::from_fixture("powers-invalid").check_json()
}

fn diagnostics(json: &Value) -> &Vec<Value> {
    json["diagnostics"]
        .as_array()
        .expect("a list of diagnostics")
}

#[test]
fn every_power_problem_is_reported_with_its_file_and_line() {
    let (run, json) = invalid();
    run.assert_code(1);
    let found: Vec<(String, String, String, u64)> = diagnostics(&json)
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String, u64)> = EXPECTED
        .iter()
        .map(|(s, c, f, l)| {
            (
                s.to_string(),
                c.to_string(),
                format!("content/bgt/powers/{f}"),
                *l,
            )
        })
        .collect();
    assert_eq!(found, expected, "{run}");
    for d in diagnostics(&json) {
        assert!(
            d["help"].as_str().is_some_and(|h| !h.is_empty()),
            "no hint: {d}"
        );
    }
}

fn find<'a>(json: &'a Value, code: &str) -> &'a Value {
    diagnostics(json)
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {json:#}"))
}

#[test]
fn a_duplicate_code_names_both_files() {
    let (_, json) = invalid();
    let d = find(&json, "duplicate-power-code");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("content/bgt/powers/01-dup-a.toml"),
        "{d}"
    );
    assert_eq!(d["related"][0]["file"], "content/bgt/powers/01-dup-a.toml");
    assert_eq!(d["related"][0]["line"], 1);
}

#[test]
fn hints_name_the_fix() {
    let (_, json) = invalid();
    let help = |code: &str| find(&json, code)["help"].as_str().unwrap().to_string();
    assert!(help("unknown-power-category").contains("行政许可"));
    assert!(help("promised-over-legal").contains("20 or less"));
    assert!(help("unknown-step").contains("\"审查\""));
    let over = find(&json, "steps-over-limit");
    assert!(
        over["message"].as_str().unwrap().contains("受理 → 审查")
            && over["message"].as_str().unwrap().contains("6 working days"),
        "{over}"
    );
    let lp = find(&json, "endless-loop");
    assert!(
        lp["message"]
            .as_str()
            .unwrap()
            .contains("受理 → 补正 → 受理"),
        "{lp}"
    );
}

#[test]
fn a_loop_through_a_decision_and_a_site_vocabulary_are_accepted() {
    let site = SiteTest::from_fixture("powers");
    let (run, json) = site.check_json();
    run.assert_success();
    assert_eq!(diagnostics(&json).len(), 0, "{run}");

    // A province's own list of 职权类型 replaces the default one.
    let config = site.read_source("site.toml");
    site.write(
        "site.toml",
        &format!(
            "{config}\n[vocabularies]\npower_categories = [\"行政审批\", \"行政处罚\", \"行政确认\", \"行政检查\"]\n"
        ),
    );
    let (run, json) = site.check_json();
    run.assert_code(1);
    let d = find(&json, "unknown-power-category");
    assert_eq!(d["file"], "content/bgt/powers/xk-001.toml");
    assert_eq!(d["line"], 3);
    assert!(d["help"].as_str().unwrap().contains("行政审批"), "{d}");
}

fn built() -> SiteTest {
    let site = SiteTest::from_fixture("powers");
    site.build().assert_success();
    site
}

#[test]
fn power_pages_catalogs_manifest_and_sitemap() {
    let site = built();
    let page = site.read("powers/XK-001/index.html");
    for text in [
        "<h1>测试许可事项</h1>",
        "《中华人民共和国行政许可法》第十二条",
        "10个工作日",
        "<svg",
        "<ol class=\"step-list\">",
    ] {
        assert!(page.contains(text), "missing {text}");
    }

    // Site catalog: grouped by category with counts; retired powers apart.
    let catalog = site.read("powers/index.html");
    let main = main_of(&catalog);
    let permit = main
        .find("<h2 id=\"category-1\">行政许可")
        .expect("行政许可 group");
    let penalty = main
        .find("行政处罚 <span class=\"count\">1</span>")
        .expect("行政处罚 group");
    assert!(permit < penalty, "groups follow the vocabulary's order");
    assert!(main.contains("行政检查 <span class=\"count\">1</span>"));
    let retired = main
        .find("id=\"retired-heading\"")
        .expect("retired section");
    assert!(main[retired..].contains("已取消的确认事项"));
    assert!(!main[..retired].contains("已取消的确认事项"));

    // Department catalogs hold their own powers only, and are linked.
    let bgt = site.read("departments/bgt/powers/index.html");
    assert!(bgt.contains("测试许可事项") && !bgt.contains("统计执法检查"));
    assert!(
        site.read("departments/tjj/powers/index.html")
            .contains("统计执法检查")
    );
    assert!(
        site.read("departments/bgt/index.html")
            .contains("href=\"/departments/bgt/powers/\"")
    );
    assert!(site.read("index.html").contains("href=\"/powers/\""));

    // Manifest: one entry per published power, its source's blob id.
    let manifest = site.manifest();
    let powers: Vec<&Value> = manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "power")
        .collect();
    let ids: BTreeSet<&str> = powers.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        BTreeSet::from(["CF-001", "JC-001", "QX-001", "XK-001"])
    );
    let xk = powers.iter().find(|p| p["id"] == "XK-001").unwrap();
    assert_eq!(xk["url"], "/powers/XK-001/");
    assert_eq!(xk["department"], "bgt");
    assert_eq!(xk["status"], "in-force");
    let qx = powers.iter().find(|p| p["id"] == "QX-001").unwrap();
    assert_eq!(qx["status"], "repealed");
    assert_eq!(qx["retired"], "2025-06-30");
    assert_eq!(xk["retired"], Value::Null);
    let repealed = site.read("powers/QX-001/index.html");
    assert!(
        repealed.contains("本事项已取消或失效") && repealed.contains("依据示政发〔2025〕8号取消")
    );
    let revision = &xk["revisions"][0];
    let source_url = revision["source_url"].as_str().unwrap();
    let source = site.out().join(source_url.trim_start_matches('/'));
    assert_eq!(
        read_text(&source),
        site.read_source("content/bgt/powers/xk-001.toml")
    );
    assert_eq!(
        git_hash_objects(&[source])[0],
        revision["blob"].as_str().unwrap()
    );
    let snapshot = site.read(
        revision["snapshot_url"]
            .as_str()
            .unwrap()
            .trim_start_matches('/'),
    );
    assert!(snapshot.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(
        snapshot.contains(
            "<link rel=\"canonical\" href=\"https://xxgk.example.gov.cn/powers/XK-001/\">"
        )
    );

    let sitemap = site.read("sitemap.xml");
    for url in ["powers/", "powers/XK-001/", "departments/tjj/powers/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://xxgk.example.gov.cn/{url}</loc>")),
            "{url} not in the sitemap"
        );
    }
    let broken = broken_links(&site.out(), "/");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn exempt_and_draft_powers_appear_in_no_output_file() {
    let site = built();
    for file in list_files(&site.out()) {
        let bytes = std::fs::read(site.out().join(&file)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for secret in [
            "SECRETPOWER",
            "SECRETSTEP",
            "SECRET-001",
            "DRAFTPOWER",
            "DRAFTSTEP",
            "DRAFT-001",
        ] {
            assert!(!text.contains(secret), "{secret} leaked into {file}");
            assert!(!file.contains(secret), "{secret} names the file {file}");
        }
    }
}

/// The `<svg>…</svg>` of a power page, parsed.
fn flowchart_of(html: &str) -> String {
    let start = html.find("<svg").expect("an inline svg");
    let end = html.find("</svg>").expect("a closed svg") + "</svg>".len();
    html[start..end].to_string()
}

fn texts<'a>(node: roxmltree::Node<'a, 'a>) -> Vec<&'a str> {
    node.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect()
}

#[test]
fn the_flowchart_is_well_formed_svg_with_every_step_and_both_branches() {
    let site = built();
    let svg = flowchart_of(&site.read("powers/XK-001/index.html"));
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"));
    assert!(root.attribute("viewBox").is_some());
    assert_eq!(root.attribute("width"), Some("100%"));
    let title = root
        .children()
        .find(|n| n.has_tag_name("title"))
        .expect("a <title>");
    assert_eq!(title.text(), Some("测试许可事项办理流程图"));

    // One box per step, each with its name, actor and limit.
    let boxes: Vec<Vec<&str>> = root
        .children()
        .filter(|n| n.attribute("class") == Some("step"))
        .map(texts)
        .collect();
    assert_eq!(boxes.len(), 4);
    for (name, actor, limit) in [
        ("受理", "政务服务窗口", "1个工作日"),
        ("补正", "申请人", "5个工作日"),
        ("审查", "秘书科", "6个工作日"),
        ("决定", "分管领导", "2个工作日"),
    ] {
        assert!(
            boxes.iter().any(|b| b == &[name, actor, limit]),
            "no box for {name}: {boxes:?}"
        );
    }

    // The decision: a diamond with its question, two labelled arrows
    // leaving two of its corners, one to each branch's box.
    let diamonds: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .collect();
    assert_eq!(diamonds.len(), 1);
    assert!(texts(root).contains(&"材料是否齐全？"));
    let corners: Vec<String> = diamonds[0]
        .attribute("points")
        .unwrap()
        .split(' ')
        .map(str::to_string)
        .collect();
    let leaving: Vec<&str> = root
        .descendants()
        .filter(|n| n.attribute("class") == Some("edge"))
        .filter_map(|n| n.attribute("d"))
        .filter(|d| corners.iter().any(|c| d.starts_with(&format!("M{c} "))))
        .collect();
    assert_eq!(leaving.len(), 2, "{leaving:?}");
    let labels: Vec<&str> = root
        .descendants()
        .filter(|n| n.attribute("class") == Some("branch-label"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(labels, ["齐全", "不齐全"]);
    // Arrows: 受理→diamond is a line; 4 paths: two branches, 补正→受理, 审查→决定.
    let edges = root
        .descendants()
        .filter(|n| n.attribute("class") == Some("edge"))
        .count();
    assert_eq!(edges, 4);

    // The same steps as an ordered list, with where each branch goes.
    let page = site.read("powers/XK-001/index.html");
    assert!(page.contains("齐全 → <a href=\"#step-3\">3. 审查</a>"));
    assert!(page.contains("不齐全 → <a href=\"#step-2\">2. 补正</a>"));
    assert!(page.contains("下一步：<a href=\"#step-1\">1. 受理</a>"));
}

#[test]
fn the_flowchart_is_the_same_in_every_build() {
    let a = built();
    let b = built();
    for code in ["XK-001", "CF-001", "JC-001"] {
        let file = format!("powers/{code}/index.html");
        assert_eq!(flowchart_of(&a.read(&file)), flowchart_of(&b.read(&file)));
    }
}

#[test]
fn power_page_main() {
    let site = built();
    let html = site.read("powers/XK-001/index.html");
    insta::assert_snapshot!("power_page_main", main_of(&html));
}

#[test]
fn text_from_the_content_is_escaped_in_the_page_and_the_svg() {
    let site = SiteTest::from_fixture("powers");
    site.write(
        "content/tjj/powers/x.toml",
        r#"code = "X-1"
name = "<script>alert(1)</script>名称"
category = "行政检查"
basis = ["<b onmouseover=alert(2)>依据</b>"]
subject = "示例市统计局"
office = "执法科"
responsibilities = ["责任"]
accountability = ["追责"]
supervision = "监督"

[[steps]]
name = "受理 & <审查>"
actor = "\"窗口\" <img src=x>"
question = "</text><script>alert(3)</script>"
next = [{ step = "决定", when = "<i>是</i>" }, { step = "退回", when = "否 & 'x'" }]

[[steps]]
name = "决定"
actor = "科室"

[[steps]]
name = "退回"
actor = "科室"
"#,
    );
    site.build().assert_success();
    let page = site.read("powers/X-1/index.html");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<b onmouseover"));
    assert!(!page.contains("<img src=x>"));
    assert!(!page.contains("<i>是</i>"));
    let svg = flowchart_of(&page);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let all: Vec<&str> = texts(doc.root_element());
    assert!(all.contains(&"受理 & <审查>"), "{all:?}");
    assert!(all.contains(&"否 & 'x'"), "{all:?}");
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
}
