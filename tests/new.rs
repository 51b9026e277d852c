//! `gongkai new catalog|department`: numbering from `index_pattern`
//! (gaps, a pattern with a month), refusing to overwrite, and output that
//! `gongkai check` accepts.

mod support;

use std::path::Path;

use support::{Run, SiteTest};

fn new_item(site: &SiteTest, dept: &str, date: &str, extra: &[&str]) -> Run {
    let root = site.root().to_str().expect("UTF-8 path").to_string();
    let mut args = vec![
        "new", "catalog", "--root", &root, "--dept", dept, "--date", date,
    ];
    args.extend_from_slice(extra);
    site.run(&args)
}

/// The index number written into the file that `run` printed.
#[track_caller]
fn created_index_no(run: &Run) -> String {
    run.assert_success();
    let path = run.stdout.trim();
    assert!(Path::new(path).is_file(), "{run}");
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("index_no = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no index_no in {path}:\n{text}"))
        .to_string()
}

/// Replace the placeholders of a new department's guide, as its editor
/// would before publishing.
fn fill_in_guide(site: &SiteTest, slug: &str) {
    let rel = format!("content/{slug}/guide.md");
    let guide = site.read_source(&rel);
    let note_start = guide.find("（编制说明：").expect("the note");
    let note_end = note_start + guide[note_start..].find("）\n").expect("its end") + "）".len();
    let filled = format!("{}{}", &guide[..note_start], &guide[note_end..])
        .replace("（请填写：", "（")
        .replace("（请填写）", "已填写");
    site.write(&rel, &filled);
}

fn check_at(site: &SiteTest, as_of: &str) -> (Run, serde_json::Value) {
    let root = site.root().to_str().unwrap();
    let run = site.run(&[
        "check", "--root", root, "--as-of", as_of, "--format", "json",
    ]);
    let json = serde_json::from_str(&run.stdout).unwrap();
    (run, json)
}

/// `check` at `as_of` has no errors and says nothing about `files`.
#[track_caller]
fn check_accepts(site: &SiteTest, as_of: &str, files: &[&str]) {
    let root = site.root().to_str().unwrap();
    let run = site.run(&[
        "check", "--root", root, "--as-of", as_of, "--format", "json",
    ]);
    run.assert_success();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["errors"], 0, "{run}");
    for d in json["diagnostics"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap();
        assert!(
            !files.contains(&file),
            "check complains about a new file: {d}"
        );
    }
}

#[test]
fn numbers_follow_the_highest_in_use_and_never_fill_gaps() {
    let site = SiteTest::from_fixture("full");
    // fgw holds …/2024-00012 (its only 2024 number): 1–11 are gaps.
    let first = new_item(&site, "fgw", "2024-06-03", &["--title", "新的通知"]);
    assert_eq!(created_index_no(&first), "11530100MB0X12345K/2024-00013");
    assert_eq!(
        first.stdout.trim(),
        site.root()
            .join("content/fgw/catalog/2024-00013.md")
            .display()
            .to_string()
    );
    let text = site.read_source("content/fgw/catalog/2024-00013.md");
    assert!(text.contains("title = \"新的通知\""));
    assert!(text.contains("published = 2024-06-03"));
    assert!(text.contains("draft = true"));
    for field in [
        "kind",
        "doc_no",
        "status",
        "superseded_by",
        "attachments",
        "disclosure",
    ] {
        assert!(
            text.contains(&format!("# {field} = ")),
            "{field} is commented:\n{text}"
        );
    }

    // A gap after the highest number is not filled either.
    site.write(
        "content/fgw/catalog/2024-00017.md",
        &text.replace("2024-00013", "2024-00017"),
    );
    let next = new_item(&site, "fgw", "2024-12-31", &[]);
    assert_eq!(created_index_no(&next), "11530100MB0X12345K/2024-00018");

    // Each year starts again; other years' numbers do not count.
    let year = new_item(&site, "fgw", "2027-01-04", &[]);
    assert_eq!(created_index_no(&year), "11530100MB0X12345K/2027-00001");
    let existing = new_item(&site, "fgw", "2026-03-01", &[]);
    assert_eq!(created_index_no(&existing), "11530100MB0X12345K/2026-00021");

    check_accepts(
        &site,
        "2027-01-04",
        &[
            "content/fgw/catalog/2024-00013.md",
            "content/fgw/catalog/2024-00018.md",
            "content/fgw/catalog/2027-00001.md",
            "content/fgw/catalog/2026-00021.md",
        ],
    );
}

#[test]
fn a_pattern_with_a_month_numbers_per_month() {
    let site = SiteTest::from_fixture("minimal");
    let root = site.root().to_str().unwrap().to_string();
    site.run(&[
        "new",
        "department",
        "ggzy",
        "--name",
        "示例市公共资源交易中心",
        "--root",
        &root,
        "--date",
        "2026-03-02",
    ])
    .assert_success();
    fill_in_guide(&site, "ggzy");
    let toml = site.read_source("content/ggzy/department.toml");
    site.write(
        "content/ggzy/department.toml",
        &format!("{toml}index_pattern = '^GGZY/\\d{{4}}-\\d{{2}}-\\d{{3}}$'\n"),
    );
    // Items filed by year, as some departments do.
    let made = new_item(
        &site,
        "ggzy",
        "2026-03-02",
        &["--category", "综合政务\\政务公开"],
    );
    assert_eq!(created_index_no(&made), "GGZY/2026-03-001");
    let template = site.read_source("content/ggzy/catalog/2026-03-001.md");
    site.write(
        "content/ggzy/catalog/2026/2026-03-007.md",
        &template.replace("2026-03-001", "2026-03-007"),
    );
    site.write(
        "content/ggzy/catalog/2026/2026-04-002.md",
        &template.replace("2026-03-001", "2026-04-002"),
    );
    let march = new_item(&site, "ggzy", "2026-03-20", &[]);
    assert_eq!(created_index_no(&march), "GGZY/2026-03-008");
    assert!(
        march
            .stdout
            .trim()
            .ends_with("content/ggzy/catalog/2026/2026-03-008.md"),
        "goes into the year folder: {march}"
    );
    let april = new_item(&site, "ggzy", "2026-04-30", &[]);
    assert_eq!(created_index_no(&april), "GGZY/2026-04-003");
    let may = new_item(&site, "ggzy", "2026-05-01", &[]);
    assert_eq!(created_index_no(&may), "GGZY/2026-05-001");
    check_accepts(
        &site,
        "2026-05-01",
        &[
            "content/ggzy/department.toml",
            "content/ggzy/guide.md",
            "content/ggzy/catalog/2026/2026-03-008.md",
            "content/ggzy/catalog/2026/2026-05-001.md",
        ],
    );
}

#[test]
fn a_new_department_is_checked_and_never_overwritten() {
    let site = SiteTest::from_fixture("minimal");
    let root = site.root().to_str().unwrap().to_string();
    let args = [
        "new",
        "department",
        "ggzy",
        "--name",
        "示例市公共资源交易中心",
        "--root",
        &root,
        "--date",
        "2026-03-02",
    ];
    let run = site.run(&args);
    run.assert_success();
    let printed: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(printed.len(), 2, "{run}");
    assert!(printed[0].ends_with("content/ggzy/department.toml"));
    assert!(printed[1].ends_with("content/ggzy/guide.md"));
    let guide = site.read_source("content/ggzy/guide.md");
    assert!(guide.contains("title = \"示例市公共资源交易中心政府信息公开指南\""));
    assert!(guide.contains("## 一、工作机构及联系方式"));
    // The guide is published as it is: its placeholders are the only
    // errors, until they are filled in.
    let (run, json) = check_at(&site, "2026-03-02");
    run.assert_code(1);
    for d in json["diagnostics"].as_array().unwrap() {
        if d["severity"] == "error" {
            assert_eq!(d["file"], "content/ggzy/guide.md", "{d}");
            assert_eq!(d["code"], "placeholder", "{d}");
        }
    }
    fill_in_guide(&site, "ggzy");
    check_accepts(&site, "2026-03-02", &["content/ggzy/department.toml"]);
    // Without a pattern or code: the folder name, the year, five digits.
    let made = new_item(
        &site,
        "ggzy",
        "2026-03-02",
        &["--category", "综合政务\\政务公开"],
    );
    assert_eq!(created_index_no(&made), "GGZY/2026-00001");

    site.write("content/ggzy/department.toml", "name = \"改过的名称\"\n");
    let again = site.run(&args);
    again.assert_code(1);
    assert!(again.stderr.contains("already exists"), "{again}");
    assert_eq!(
        site.read_source("content/ggzy/department.toml"),
        "name = \"改过的名称\"\n"
    );
}

#[test]
fn an_existing_item_file_is_never_overwritten() {
    let site = SiteTest::from_fixture("full");
    // A file already has the name the next number would get.
    let other = site
        .read_source("content/fgw/catalog/2024-00012.md")
        .replace("2024-00012", "2023-00050");
    site.write("content/fgw/catalog/2024-00013.md", &other);
    let run = new_item(&site, "fgw", "2024-06-03", &[]);
    run.assert_code(1);
    assert!(run.stderr.contains("2024-00013.md already exists"), "{run}");
    assert_eq!(site.read_source("content/fgw/catalog/2024-00013.md"), other);
}

#[test]
fn unknown_departments_and_unreadable_patterns_are_explained() {
    let site = SiteTest::from_fixture("full");
    let run = new_item(&site, "fgx", "2024-06-03", &[]);
    run.assert_code(2);
    assert!(run.stderr.contains("did you mean `fgw`?"), "{run}");

    let toml = site.read_source("content/jyj/department.toml");
    site.write(
        "content/jyj/department.toml",
        &toml.replace(
            "index_pattern = '^11530100MB0Y54321L/\\d{4}-\\d{5}$'",
            "index_pattern = '^11530100MB0Y54321L/(\\d{4}|X)-\\d{5}$'",
        ),
    );
    let run = new_item(&site, "jyj", "2024-06-03", &[]);
    run.assert_code(1);
    assert!(run.stderr.contains("write index_no by hand"), "{run}");
    assert!(run.stderr.contains("content/jyj/department.toml"), "{run}");

    let root = site.root().to_str().unwrap().to_string();
    let run = site.run(&[
        "new",
        "department",
        "Bad_Slug",
        "--name",
        "x",
        "--root",
        &root,
    ]);
    run.assert_code(2);
    assert!(!site.root().join("content/Bad_Slug").exists());
}
