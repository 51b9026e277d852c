//! Issue 17, the editor's first day: one clock for `new` and the build
//! date, guardrails in `check`, hints for Chinese dates and lone
//! backslashes, the vocabularies and the summary after `build`.

mod support;

use support::{Run, SiteTest, git_dated as git};

fn root_of(site: &SiteTest) -> String {
    site.root().to_str().expect("UTF-8 path").to_string()
}

/// `check --format json` without `--as-of`: the build date comes from git.
fn check_json(site: &SiteTest) -> (Run, serde_json::Value) {
    let run = site.run(&["check", "--root", &root_of(site), "--format", "json"]);
    let json = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{run}"));
    (run, json)
}

fn codes(json: &serde_json::Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// The minimal site, its department numbering 索引号 by year.
fn minimal_numbered() -> SiteTest {
    let site = SiteTest::from_fixture("minimal");
    site.write(
        "content/bgt/department.toml",
        "name = \"示例市人民政府办公室\"\ncode = \"11530100MB0A00001B\"\nindex_pattern = '^11530100MB0A00001B/\\d{4}-\\d{5}$'\n",
    );
    site
}

// One clock

/// 23:30 UTC on 8 March 2024 is already 9 March in China.
const UTC_2330: &str = "1709940600";

#[test]
fn a_new_item_made_late_in_the_evening_on_a_utc_machine_is_not_in_the_future() {
    let site = minimal_numbered();
    let root = root_of(&site);
    git(site.root(), &["init", "-q"], "2024-03-08T23:00:00+00:00");
    git(site.root(), &["add", "-A"], "2024-03-08T23:00:00+00:00");
    // A committer on UTC, half an hour before `new` runs.
    git(
        site.root(),
        &["commit", "-q", "-m", "start"],
        "2024-03-08T23:00:00+00:00",
    );
    let run = site.run_with_env(
        &["new", "catalog", "--root", &root, "--dept", "bgt"],
        &[("GONGKAI_NOW", UTC_2330), ("TZ", "UTC")],
    );
    run.assert_success();
    let text = std::fs::read_to_string(run.stdout.trim()).unwrap();
    assert!(text.contains("\npublished = 2024-03-09\n"), "{text}");
    let (run, json) = check_json(&site);
    assert!(
        !codes(&json).iter().any(|c| c == "published-in-future"),
        "{run}"
    );
    // The site's zone decides, not the committer's: at UTC the commit and
    // the item are both on the 8th.
    site.write(
        "site.toml",
        &format!("{}timezone = \"+00:00\"\n", site.read_source("site.toml")),
    );
    let run = site.run_with_env(
        &["new", "catalog", "--root", &root, "--dept", "bgt"],
        &[("GONGKAI_NOW", UTC_2330)],
    );
    run.assert_success();
    let text = std::fs::read_to_string(run.stdout.trim()).unwrap();
    assert!(text.contains("\npublished = 2024-03-08\n"), "{text}");
}

#[test]
fn a_bad_timezone_is_explained() {
    let site = SiteTest::from_fixture("minimal");
    site.write(
        "site.toml",
        &format!("{}timezone = \"UTC+8\"\n", site.read_source("site.toml")),
    );
    let run = site.check("human");
    run.assert_code(1);
    assert!(run.stderr.contains("bad-timezone"), "{run}");
    assert!(run.stderr.contains("timezone = \"+08:00\""), "{run}");
}

// Guardrails

#[test]
fn placeholders_are_an_error_once_the_draft_line_is_gone() {
    let site = minimal_numbered();
    let root = root_of(&site);
    let run = site.run(&[
        "new",
        "catalog",
        "--root",
        &root,
        "--dept",
        "bgt",
        "--date",
        "2024-03-08",
    ]);
    run.assert_success();
    let path = run.stdout.trim().to_string();
    let rel = path
        .strip_prefix(&format!("{root}/"))
        .expect("under the root")
        .to_string();
    // A draft may keep them.
    let (run, json) = site.check_json();
    run.assert_success();
    assert!(!codes(&json).contains(&"placeholder".to_string()), "{run}");
    // Published, the title and the body placeholders are errors.
    let text = std::fs::read_to_string(&path).unwrap();
    site.write(&rel, &text.replace("draft = true\n", ""));
    let (run, json) = site.check_json();
    run.assert_code(1);
    let found: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "placeholder")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let lines: Vec<u64> = text
        .lines()
        .filter(|l| !l.starts_with("draft ="))
        .enumerate()
        .filter(|(_, l)| l.contains("（请填写标题）") || l.contains("（正文：Markdown。）"))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    assert_eq!(
        found,
        lines.iter().map(|l| (rel.clone(), *l)).collect::<Vec<_>>(),
        "{run}"
    );
}

#[test]
fn a_new_departments_guide_cannot_go_live_with_its_placeholders() {
    let site = SiteTest::from_fixture("minimal");
    let root = root_of(&site);
    site.run(&[
        "new",
        "department",
        "ggzy",
        "--name",
        "示例市公共资源交易中心",
        "--root",
        &root,
    ])
    .assert_success();
    let (run, json) = site.check_json();
    run.assert_code(1);
    let placeholders = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "placeholder" && d["file"] == "content/ggzy/guide.md")
        .count();
    // The note at the top and the ten （请填写…） of the sections.
    assert_eq!(placeholders, 11, "{run}");
}

#[test]
fn a_new_report_is_a_draft_and_is_not_published() {
    let site = SiteTest::from_fixture("reports");
    site.run(&[
        "new",
        "report",
        "--root",
        "site",
        "--dept",
        "csj",
        "--year",
        "2026",
        "--date",
        "2027-01-15",
    ])
    .assert_success();
    let toml = site.read_source("content/csj/reports/2026.toml");
    assert!(toml.contains("\ndraft = true\n"), "{toml}");
    site.build().assert_success();
    assert!(site.out().join("reports/index.html").is_file());
    assert!(
        !site
            .out()
            .join("departments/csj/reports/2026/index.html")
            .exists(),
        "a draft report is published"
    );
    // Without the draft line it is.
    site.write(
        "content/csj/reports/2026.toml",
        &toml.replace("\ndraft = true\n", "\n"),
    );
    site.build().assert_success();
    assert!(
        site.out()
            .join("departments/csj/reports/2026/index.html")
            .is_file()
    );
}

// Vocabularies

#[test]
fn vocab_lists_the_sites_own_vocabularies_or_the_national_ones() {
    let site = SiteTest::from_fixture("minimal");
    let root = root_of(&site);
    let run = site.run(&["vocab", "categories", "--root", &root]);
    run.assert_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.contains(&"综合政务\\政务公开"), "{run}");
    assert!(lines.contains(&"卫生、体育\\医药管理"), "{run}");
    let run = site.run(&["vocab", "--json", "--root", &root]);
    run.assert_success();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(json["kinds"].as_array().unwrap().contains(&"通知".into()));
    assert!(
        json["power_categories"]
            .as_array()
            .unwrap()
            .contains(&"行政许可".into())
    );
    // A site's own list replaces the national one.
    site.write(
        "site.toml",
        &format!(
            "{}[vocabularies]\nkinds = [\"通知\", \"公告\"]\n",
            site.read_source("site.toml")
        ),
    );
    let run = site.run(&["vocab", "kinds", "--json", "--root", &root]);
    run.assert_success();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json, serde_json::json!(["通知", "公告"]));
}

#[test]
fn a_new_item_never_takes_the_vocabularys_first_category() {
    let site = SiteTest::from_fixture("minimal");
    let root = root_of(&site);
    site.run(&[
        "new",
        "department",
        "ggzy",
        "--name",
        "示例市公共资源交易中心",
        "--root",
        &root,
    ])
    .assert_success();
    // No items yet: the editor must choose, and is told how to see the choices.
    let run = site.run(&[
        "new",
        "catalog",
        "--root",
        &root,
        "--dept",
        "ggzy",
        "--date",
        "2026-03-02",
    ]);
    run.assert_code(2);
    assert!(run.stderr.contains("--category"), "{run}");
    assert!(run.stderr.contains("gongkai vocab categories"), "{run}");
    assert!(!site.root().join("content/ggzy/catalog").exists(), "{run}");
    // A category outside the vocabulary is refused with the closest one.
    let run = site.run(&[
        "new",
        "catalog",
        "--root",
        &root,
        "--dept",
        "ggzy",
        "--date",
        "2026-03-02",
        "--category",
        "综合政务\\政务公開",
    ]);
    run.assert_code(2);
    assert!(run.stderr.contains("综合政务\\政务公开"), "{run}");
    let run = site.run(&[
        "new",
        "catalog",
        "--root",
        &root,
        "--dept",
        "ggzy",
        "--date",
        "2026-03-02",
        "--category",
        "城乡建设、环境保护\\城市规划",
    ]);
    run.assert_success();
    let text = std::fs::read_to_string(run.stdout.trim()).unwrap();
    assert!(
        text.contains("\ncategory = '城乡建设、环境保护\\城市规划'\n"),
        "{text}"
    );
    // Then the department's own items decide.
    let run = site.run(&[
        "new",
        "catalog",
        "--root",
        &root,
        "--dept",
        "ggzy",
        "--date",
        "2026-03-03",
    ]);
    run.assert_success();
    let text = std::fs::read_to_string(run.stdout.trim()).unwrap();
    assert!(
        text.contains("\ncategory = '城乡建设、环境保护\\城市规划'\n"),
        "{text}"
    );
    assert!(!text.contains("国务院组织机构"), "{text}");
}

// Install and first run

#[test]
fn build_says_what_it_wrote_even_when_not_on_a_terminal() {
    let site = SiteTest::from_fixture("minimal");
    let run = site.build();
    run.assert_success();
    let last = run.stderr.trim_end().lines().last().unwrap_or_default();
    let summary = regex::Regex::new(
        r"^built 1 items: (\d+) pages, (\d+) files \(0 reused, 0 unchanged, (\d+) written\) in \d+\.\d s into (.+); withheld: 0 exempt, 0 draft$",
    )
    .unwrap();
    let found = summary
        .captures(last)
        .unwrap_or_else(|| panic!("no summary line\n{run}"));
    let files = support::list_files(&site.out()).len();
    assert_eq!(found[2].parse::<usize>().unwrap(), files, "{run}");
    assert_eq!(found[3].parse::<usize>().unwrap(), files, "{run}");
    assert_eq!(&found[4], site.out().to_str().unwrap());
}

#[test]
fn the_readme_links_only_inside_the_repository() {
    let readme = include_str!("../README.md");
    let link = regex::Regex::new(r"\]\(([^)#]+)").unwrap();
    for found in link.captures_iter(readme) {
        let target = &found[1];
        assert!(
            !target.starts_with("..") && !target.starts_with('/'),
            "README links outside the repository: {target}"
        );
        if !target.starts_with("http") {
            assert!(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(target)
                    .exists(),
                "README links to a missing file: {target}"
            );
        }
    }
    let first = readme
        .lines()
        .skip_while(|l| !l.starts_with("```sh"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        first.contains("-- serve") && !first.contains("http.server"),
        "the first command serves the site with gongkai itself: {first}"
    );
}
