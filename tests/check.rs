//! `gongkai check`: every problem of `tests/fixtures/invalid` is reported
//! with its file, line and column, in JSON and in the human format; valid
//! sites check clean; usage errors exit 2.

mod support;

use std::ffi::OsStr;
use std::sync::OnceLock;

use serde_json::Value;
use support::{SiteTest, fixture_path};

/// One expected diagnostic of the invalid fixture.
struct Expected {
    severity: &'static str,
    code: &'static str,
    file: &'static str,
    line: u64,
    column: u64,
}

const fn error(code: &'static str, file: &'static str, line: u64, column: u64) -> Expected {
    Expected {
        severity: "error",
        code,
        file,
        line,
        column,
    }
}

/// Every problem of `tests/fixtures/invalid`, sorted as `check` sorts them
/// (file, line, column, code).
const EXPECTED: &[Expected] = &[
    error("missing-field", "content/bgt/catalog/01-typo.md", 1, 1),
    error("unknown-field", "content/bgt/catalog/01-typo.md", 3, 1),
    error("wrong-type", "content/bgt/catalog/02-wrong-type.md", 6, 9),
    error(
        "date-in-string",
        "content/bgt/catalog/03-chinese-date.md",
        4,
        13,
    ),
    error("bad-date", "content/bgt/catalog/04-bad-date.md", 5, 11),
    error(
        "duplicate-index-no",
        "content/bgt/catalog/06-duplicate-b.md",
        5,
        12,
    ),
    error(
        "unknown-category",
        "content/bgt/catalog/07-category.md",
        5,
        12,
    ),
    error("unknown-kind", "content/bgt/catalog/08-kind.md", 6, 8),
    error(
        "dangling-superseded-by",
        "content/bgt/catalog/09-superseded.md",
        7,
        17,
    ),
    error("index-pattern", "content/bgt/catalog/10-pattern.md", 2, 12),
    error("unknown-status", "content/bgt/catalog/11-status.md", 6, 10),
    error(
        "missing-retired",
        "content/bgt/catalog/12-repealed.md",
        6,
        10,
    ),
    error(
        "written-after-published",
        "content/bgt/catalog/13-written-after.md",
        5,
        11,
    ),
    error("toml-syntax", "content/bgt/catalog/14-syntax.md", 3, 19),
    Expected {
        severity: "warning",
        code: "late-publication",
        file: "content/bgt/catalog/15-late.md",
        line: 4,
        column: 13,
    },
    error("missing-field", "content/bgt/catalog/16-missing.md", 1, 1),
    error("placeholder", "content/bgt/catalog/17-placeholder.md", 8, 1),
    Expected {
        severity: "warning",
        code: "doc-no-brackets",
        file: "content/bgt/catalog/18-doc-no.md",
        line: 5,
        column: 14,
    },
    Expected {
        severity: "warning",
        code: "pinyin-annotation",
        file: "content/bgt/catalog/19-pinyin.md",
        line: 8,
        column: 5,
    },
    error(
        "toml-syntax",
        "content/bgt/catalog/20-bare-chinese-date.md",
        4,
        13,
    ),
    error("toml-syntax", "content/bgt/catalog/21-backslash.md", 5, 18),
    error("unknown-field", "content/bgt/department.toml", 2, 1),
    error(
        "missing-attachment",
        "content/fgw/catalog/01-attachment.md",
        6,
        31,
    ),
    error(
        "bad-attachment-path",
        "content/fgw/catalog/02-traversal.md",
        6,
        17,
    ),
    error("bad-index-no", "content/fgw/catalog/03-index-no.md", 2, 12),
    error(
        "unknown-disclosure",
        "content/fgw/catalog/04-disclosure.md",
        6,
        14,
    ),
    error(
        "retired-but-in-force",
        "content/fgw/catalog/05-retired-in-force.md",
        6,
        11,
    ),
    error(
        "unclosed-front-matter",
        "content/fgw/catalog/06-unclosed.md",
        1,
        1,
    ),
];

/// `check --format json` of the invalid fixture, run once for all tests.
fn invalid_json() -> &'static (support::Run, Value) {
    static JSON: OnceLock<(support::Run, Value)> = OnceLock::new();
    JSON.get_or_init(|| SiteTest::from_fixture("invalid").check_json())
}

/// `check --format human` of the invalid fixture, run once.
fn invalid_human() -> &'static support::Run {
    static HUMAN: OnceLock<support::Run> = OnceLock::new();
    HUMAN.get_or_init(|| SiteTest::from_fixture("invalid").check("human"))
}

fn diagnostics(json: &Value) -> &Vec<Value> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics is a list")
}

/// The diagnostic with this code in this file, with its context on failure.
#[track_caller]
fn find<'a>(code: &str, file: &str) -> &'a Value {
    let (run, json) = invalid_json();
    diagnostics(json)
        .iter()
        .find(|d| d["code"] == code && d["file"] == file)
        .unwrap_or_else(|| panic!("no `{code}` reported for {file}\n{run}"))
}

#[track_caller]
fn assert_reported(e: &Expected) {
    let (run, _) = invalid_json();
    let d = find(e.code, e.file);
    assert_eq!(d["severity"], e.severity, "{d:#}\n{run}");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(e.line), Some(e.column)),
        "line and column of `{}` in {}: {d:#}",
        e.code,
        e.file
    );
    let message = d["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "empty message: {d:#}");
}

/// One test per expected problem, so that a failure names the problem.
macro_rules! reports {
    ($($name:ident: $index:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_reported(&EXPECTED[$index]);
        }
    )*};
}

reports! {
    reports_missing_title_of_misspelt_field: 0;
    reports_unknown_field_titel: 1;
    reports_wrong_type: 2;
    reports_chinese_date_string: 3;
    reports_malformed_date: 4;
    reports_duplicate_index_no: 5;
    reports_unknown_category: 6;
    reports_unknown_kind: 7;
    reports_dangling_superseded_by: 8;
    reports_index_pattern_mismatch: 9;
    reports_unknown_status: 10;
    reports_repealed_without_retired: 11;
    reports_written_after_published: 12;
    reports_toml_syntax_error: 13;
    warns_about_late_publication: 14;
    reports_missing_required_field: 15;
    reports_unknown_department_field: 16;
    reports_missing_attachment: 17;
    reports_attachment_outside_files: 18;
    reports_non_ascii_index_no: 19;
    reports_unknown_disclosure: 20;
    reports_retired_but_in_force: 21;
    reports_unclosed_front_matter: 22;
}

#[test]
fn the_expectation_table_is_in_check_order() {
    let keys: Vec<_> = EXPECTED
        .iter()
        .map(|e| (e.file, e.line, e.column, e.code))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(EXPECTED.iter().all(|e| e.file.starts_with("content/")));
}

#[test]
fn invalid_site_reports_exactly_the_expected_problems_and_exits_1() {
    let (run, json) = invalid_json();
    run.assert_code(1);
    let got: Vec<(String, String, String, u64, u64)> = diagnostics(json)
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap_or_default().to_string(),
                d["code"].as_str().unwrap_or_default().to_string(),
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String, u64, u64)> = EXPECTED
        .iter()
        .map(|e| {
            (
                e.severity.to_string(),
                e.code.to_string(),
                e.file.to_string(),
                e.line,
                e.column,
            )
        })
        .collect();
    assert_eq!(got, expected, "\n{run}");
    let errors = EXPECTED.iter().filter(|e| e.severity == "error").count();
    assert_eq!(json["errors"].as_u64(), Some(errors as u64));
    let warnings = EXPECTED.iter().filter(|e| e.severity == "warning").count();
    assert_eq!(json["warnings"].as_u64(), Some(warnings as u64));
    let codes: std::collections::BTreeSet<_> = EXPECTED
        .iter()
        .filter(|e| e.severity == "error")
        .map(|e| e.code)
        .collect();
    assert!(codes.len() >= 12, "the fixture shows {} kinds", codes.len());
}

#[test]
fn json_diagnostics_have_the_documented_shape() {
    let (_, json) = invalid_json();
    for d in diagnostics(json) {
        let obj = d.as_object().expect("a diagnostic is an object");
        for key in ["severity", "code", "file", "line", "column", "message"] {
            assert!(obj.contains_key(key), "`{key}` missing in {d:#}");
        }
        for key in obj.keys() {
            assert!(
                [
                    "severity", "code", "file", "line", "column", "message", "help", "related"
                ]
                .contains(&key.as_str()),
                "undocumented key `{key}` in {d:#}"
            );
        }
        let file = d["file"].as_str().expect("file is a string");
        assert!(
            !file.starts_with('/') && !file.contains('\\') && !file.contains("gongkai-test-"),
            "`file` must be relative to the root with `/`: {file}"
        );
        assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn every_error_has_a_hint() {
    let (_, json) = invalid_json();
    for d in diagnostics(json) {
        let help = d["help"].as_str().unwrap_or_default();
        assert!(!help.trim().is_empty(), "no hint: {d:#}");
    }
}

#[test]
fn hints_name_the_fix() {
    let typo = find("unknown-field", "content/bgt/catalog/01-typo.md");
    assert!(
        typo["message"].as_str().unwrap().contains("titel"),
        "{typo:#}"
    );
    assert!(
        typo["help"].as_str().unwrap().contains("`title`"),
        "{typo:#}"
    );

    let dept = find("unknown-field", "content/bgt/department.toml");
    assert!(
        dept["help"].as_str().unwrap().contains("address"),
        "{dept:#}"
    );

    let date = find("date-in-string", "content/bgt/catalog/03-chinese-date.md");
    assert!(
        date["help"]
            .as_str()
            .unwrap()
            .contains("published = 2024-03-01"),
        "the Chinese date must be read as 2024-03-01, never guessed otherwise: {date:#}"
    );

    let category = find("unknown-category", "content/bgt/catalog/07-category.md");
    assert!(
        category["help"].as_str().unwrap().contains("政务公开"),
        "{category:#}"
    );

    let status = find("unknown-status", "content/bgt/catalog/11-status.md");
    assert!(
        status["help"].as_str().unwrap().contains("repealed"),
        "{status:#}"
    );

    let missing = find("missing-field", "content/bgt/catalog/16-missing.md");
    assert!(
        missing["message"].as_str().unwrap().contains("category"),
        "{missing:#}"
    );

    let late = find("late-publication", "content/bgt/catalog/15-late.md");
    assert!(late["message"].as_str().unwrap().contains("43"), "{late:#}");

    // Issue 17: the first hint is the right one.
    let help = |code: &str, file: &str| find(code, file)["help"].as_str().unwrap().to_string();
    let bare = help("toml-syntax", "content/bgt/catalog/20-bare-chinese-date.md");
    assert!(
        bare.starts_with("write published = 2009-03-20"),
        "an unquoted Chinese date gets the date hint first: {bare}"
    );
    let backslash = help("toml-syntax", "content/bgt/catalog/21-backslash.md");
    assert!(
        backslash.contains("write `\\\\` or use single quotes: category = '综合政务\\政务公开'"),
        "{backslash}"
    );
    let doc_no = help("doc-no-brackets", "content/bgt/catalog/18-doc-no.md");
    assert!(
        doc_no.contains("doc_no = \"洛政办〔2017〕120号\""),
        "{doc_no}"
    );
    let pinyin = help("pinyin-annotation", "content/bgt/catalog/19-pinyin.md");
    assert!(pinyin.ends_with("\n做好政務公开工作。"), "{pinyin}");
    let placeholder = find("placeholder", "content/bgt/catalog/17-placeholder.md");
    assert!(
        placeholder["message"]
            .as_str()
            .unwrap()
            .contains("（正文：Markdown。）"),
        "{placeholder:#}"
    );
}

#[test]
fn duplicate_index_no_names_both_files() {
    let d = find(
        "duplicate-index-no",
        "content/bgt/catalog/06-duplicate-b.md",
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("content/bgt/catalog/05-duplicate-a.md"),
        "{d:#}"
    );
    let related = d["related"]
        .as_array()
        .expect("`related` lists the first use");
    assert_eq!(related.len(), 1, "{d:#}");
    assert_eq!(related[0]["file"], "content/bgt/catalog/05-duplicate-a.md");
    assert_eq!(related[0]["line"], 2);
    assert_eq!(related[0]["column"], 12);
}

#[test]
fn unknown_kind_suggests_the_homophone() {
    // 之 and 知 are both read zhī: the typo of a pinyin input method.
    // diagnostics.rs documents exactly this case (`通之` for `通知`).
    let d = find("unknown-kind", "content/bgt/catalog/08-kind.md");
    assert!(d["help"].as_str().unwrap().contains("通知"), "{d:#}");
}

#[test]
fn dangling_superseded_by_suggests_only_close_numbers() {
    // …/2099-99999 is at least six edits from every 索引号 of the site:
    // no plausible typo, so the hint should just say what superseded_by
    // must be (today it suggests …/24-10).
    let d = find(
        "dangling-superseded-by",
        "content/bgt/catalog/09-superseded.md",
    );
    let help = d["help"].as_str().unwrap();
    assert!(!help.contains("did you mean"), "{d:#}");
}

#[test]
fn human_format_names_file_line_and_column_of_every_problem() {
    let run = invalid_human();
    run.assert_code(1);
    assert!(
        run.stdout.is_empty(),
        "human diagnostics go to stderr\n{run}"
    );
    for e in EXPECTED {
        let location = format!("{}:{}:{}", e.file, e.line, e.column);
        assert!(
            run.stderr.contains(&location),
            "`{location}` ({}) not named\n{run}",
            e.code
        );
        let header = format!("{}[{}]", e.severity, e.code);
        assert!(run.stderr.contains(&header), "`{header}` missing\n{run}");
    }
    assert!(
        !run.stderr.contains('\u{1b}'),
        "no colours when stderr is not a terminal\n{run}"
    );
    assert!(
        run.stderr.contains("help: did you mean `title`?"),
        "hints are shown\n{run}"
    );
    let last = run.stderr.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.contains("25 error(s)") && last.contains("3 warning(s)"),
        "summary line: {last}"
    );
}

#[test]
fn human_format_quotes_the_offending_line() {
    let run = invalid_human();
    assert!(
        run.stderr.contains("published = \"2024年3月1日\""),
        "the source line is quoted\n{run}"
    );
}

#[test]
fn build_of_the_invalid_site_exits_1_and_writes_nothing() {
    let site = SiteTest::from_fixture("invalid");
    let before = support::list_entries(site.tmp());
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("unknown-field"), "{run}");
    assert_eq!(support::list_entries(site.tmp()), before, "{run}");
}

#[test]
fn minimal_site_checks_clean() {
    let site = SiteTest::from_fixture("minimal");
    let (run, json) = site.check_json();
    run.assert_success();
    assert_eq!(json["errors"], 0, "{run}");
    // The one department has no guide.md: a warning, not an error (SPEC).
    assert_eq!(json["warnings"], 1, "{run}");
    let d = &diagnostics(&json)[0];
    assert_eq!(d["code"], "missing-guide");
    assert_eq!(d["file"], "content/bgt/guide.md");

    let human = site.check("human");
    human.assert_success();
    assert!(human.stderr.contains("1 warning(s), no errors"), "{human}");
}

#[test]
fn full_site_checks_clean() {
    let site = SiteTest::from_fixture("full");
    let (run, json) = site.check_json();
    run.assert_success();
    assert_eq!(json["errors"], 0, "{run}");
    assert_eq!(json["warnings"], 0, "{run}");
    let human = site.check("human");
    human.assert_success();
    assert!(human.stderr.contains("no problems found"), "{human}");
}

#[test]
fn check_without_as_of_outside_git_is_clean_too() {
    // Outside git the as-of date is the newest 发布日期, never the clock.
    let site = SiteTest::from_fixture("full");
    let root = site.root().to_path_buf();
    let run = site.run(&[
        OsStr::new("check"),
        OsStr::new("--root"),
        root.as_os_str(),
        OsStr::new("--format"),
        OsStr::new("json"),
    ]);
    run.assert_success();
}

#[test]
fn usage_errors_exit_2() {
    let site = SiteTest::from_fixture("minimal");
    let root = site.root().to_str().expect("UTF-8 temp path").to_string();
    let missing = site.tmp().join("no-such-folder");
    let missing = missing.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["check", "--root", &root, "--format", "xml"],
        vec!["check", "--root", missing],
        vec!["build", "--root", missing],
        vec!["build", "--root", &root, "--as-of", "2024-13-01"],
        vec!["build", "--root", &root, "--as-of", "2024年3月1日"],
        vec!["check", "--root", &root, "--as-of", "yesterday"],
        vec!["build", "--root", &root, "--no-such-flag"],
        vec!["no-such-command"],
        vec![],
    ];
    for args in cases {
        let run = site.run(&args);
        run.assert_code(2);
        assert!(!run.stderr.is_empty(), "a usage error says why\n{run}");
    }
    assert!(!site.root().join("public").exists());
    assert!(fixture_path("minimal").join("site.toml").is_file());
}
