//! Annual reports (政府信息公开工作年度报告): loading, the template's
//! arithmetic, the warnings that compare a report with other files, the
//! rendered layout of both formats, the charts and `gongkai new report`.
//!
//! The numbers of `tests/fixtures/reports` come from domain.md §1.8: the
//! complete 2021-format set ("测试市 2025") and the Shanghai 2019 report
//! in the trial format.

mod support;

use gongkai::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile};
use gongkai::load::report::{
    APPEAL_GROUPS, APPLICATION_ROWS_2021, Report, application_layout, parse_narrative, parse_report,
};
use gongkai::render::report::format_written;
use proptest::prelude::*;
use serde_json::Value;
use support::{SiteTest, fixture_path, main_of};

const CSJ_2025: &str = "content/csj/reports/2025.toml";

fn fixture_text(rel: &str) -> String {
    std::fs::read_to_string(fixture_path("reports").join(rel)).expect("fixture file")
}

/// Load and check one report file's text with the library, alone (no
/// catalog, no other year, no department).
fn check_text(path: &str, text: &str) -> (Option<Report>, Diagnostics) {
    let mut d = Diagnostics::default();
    let report = parse_report(SourceFile::new(path, text.to_string()), "csj", &mut d);
    let checked = report.map(|r| {
        let mut out = gongkai::validate::report::check(vec![r], &[], &[], &mut d);
        out.remove(0)
    });
    (checked, d)
}

fn errors(d: &Diagnostics) -> Vec<&Diagnostic> {
    d.0.iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

fn line_of(text: &str, starts_with: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(starts_with))
        .unwrap_or_else(|| panic!("no line starting with {starts_with}"))
        + 1
}

/// The diagnostics of `gongkai check --format json` with a given code.
fn with_code<'a>(json: &'a Value, code: &str) -> Vec<&'a Value> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

// ---------------------------------------------------------------------------
// The fixtures of domain.md §1.8

#[test]
fn complete_2021_set_passes_every_rule() {
    let text = fixture_text(CSJ_2025);
    let (report, d) = check_text(CSJ_2025, &text);
    assert!(errors(&d).is_empty(), "{:#?}", errors(&d));
    let report = report.expect("loaded");
    assert_eq!(report.applications.len(), 25);
    assert_eq!(report.appeals.len(), 3);
    assert_eq!(report.application("total").unwrap().cells[6], 13810);
}

#[test]
fn fixture_site_checks_without_errors() {
    let site = SiteTest::from_fixture("reports");
    let (run, json) = site.check_json();
    run.assert_success();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    // Only the catalog cross-check speaks: the fixture has no catalog.
    assert!(codes.iter().all(|c| *c == "report-catalog"), "{codes:?}");
    assert_eq!(codes.len(), 4, "{json}");
}

/// The "Fengxian-style" reduced case: 新收 2, （七）总计 2, every listed
/// outcome row 0 (the rows the source left out written as 0 too).
fn reduced_text() -> String {
    let mut text = String::from(
        "year = 2025\nformat = \"2021\"\npublished = 2026-01-20\n\n[proactive]\nrules = [0, 0, 0]\nnormative_documents = [0, 0, 0]\nlicensing = 0\npenalties = 0\nenforcement = 0\nfees = 0\n\n[applications]\n",
    );
    for def in APPLICATION_ROWS_2021 {
        let cells = match def.key {
            "new" | "total" => "[2, 0, 0, 0, 0, 0, 2]",
            _ => "[0, 0, 0, 0, 0, 0, 0]",
        };
        text.push_str(&format!("{} = {cells}\n", def.key));
    }
    text.push_str("\n[appeals]\nreview = [0, 0, 0, 0, 0]\nlitigation_direct = [0, 0, 0, 0, 0]\nlitigation_after_review = [0, 0, 0, 0, 0]\n");
    text
}

#[test]
fn reduced_set_fails_on_the_result_total_naming_row_and_column() {
    let text = reduced_text();
    let (_, d) = check_text(CSJ_2025, &text);
    let errors = errors(&d);
    let total_line = line_of(&text, "total =");
    let result_total: Vec<_> = errors
        .iter()
        .filter(|e| e.code == "report-result-total")
        .collect();
    assert_eq!(result_total.len(), 2, "自然人 and 总计: {errors:#?}");
    let first = result_total
        .iter()
        .find(|e| e.message.contains("自然人"))
        .expect("the 自然人 column");
    assert!(
        first
            .message
            .contains("（七）总计 for 自然人 is 2 but its 21 rows add up to 0"),
        "{}",
        first.message
    );
    assert_eq!(first.file.to_str(), Some(CSJ_2025));
    assert_eq!(first.line, total_line);
    // The column identity holds (2 + 0 = 2 + 0): only the result total fails.
    assert!(errors.iter().all(|e| e.code == "report-result-total"));
}

#[test]
fn reduced_set_as_published_names_every_missing_row() {
    // Only 一, 二, （一）, （二）, （七）, 四: the source's rows.
    let text = "year = 2025\nformat = \"2021\"\npublished = 2026-01-20\n\n[proactive]\nrules = [0, 0, 0]\nnormative_documents = [0, 0, 0]\nlicensing = 0\npenalties = 0\nenforcement = 0\nfees = 0\n\n[applications]\nnew = [2, 0, 0, 0, 0, 0, 2]\ncarried_over = [0, 0, 0, 0, 0, 0, 0]\ngranted = [0, 0, 0, 0, 0, 0, 0]\npartly_granted = [0, 0, 0, 0, 0, 0, 0]\ntotal = [2, 0, 0, 0, 0, 0, 2]\ncarried_forward = [0, 0, 0, 0, 0, 0, 0]\n\n[appeals]\nreview = [0, 0, 0, 0, 0]\nlitigation_direct = [0, 0, 0, 0, 0]\nlitigation_after_review = [0, 0, 0, 0, 0]\n";
    let (report, d) = check_text(CSJ_2025, text);
    assert!(report.is_none());
    let missing: Vec<_> = errors(&d)
        .into_iter()
        .filter(|e| e.code == "report-missing")
        .collect();
    assert_eq!(missing.len(), 19, "{missing:#?}");
    assert!(
        missing.iter().any(|e| e
            .message
            .contains("has no row （三）1 属于国家秘密 (`denied.state_secret`)")),
        "{missing:#?}"
    );
    // The table's own line is named, in the message and as the line.
    let table_line = line_of(text, "[applications]");
    assert!(
        missing
            .iter()
            .all(|e| e.line == table_line && e.file.to_str() == Some(CSJ_2025))
    );
    assert!(
        missing[0]
            .message
            .contains(&format!("`[applications]`, line {table_line}")),
        "{}",
        missing[0].message
    );
}

// ---------------------------------------------------------------------------
// Errors name file and line

#[test]
fn a_blank_cell_is_an_error_with_its_line() {
    let text = fixture_text(CSJ_2025).replace(
        "granted = [5345, 129, 0, 41, 19, 14, 5548]",
        "granted = [5345, , 0, 41, 19, 14, 5548]",
    );
    let (report, d) = check_text(CSJ_2025, &text);
    assert!(report.is_none());
    let e = errors(&d)[0];
    assert_eq!(e.code, "report-syntax");
    assert_eq!(e.file.to_str(), Some(CSJ_2025));
    assert_eq!(e.line, line_of(&text, "granted ="));
}

#[test]
fn a_short_row_names_table_row_and_missing_column() {
    let text = fixture_text(CSJ_2025).replace(
        "denied.third_party = [49, 2, 0, 0, 0, 0, 51]",
        "denied.third_party = [49, 2, 0, 0, 0, 0]",
    );
    let (_, d) = check_text(CSJ_2025, &text);
    let e = errors(&d)[0];
    assert_eq!(e.code, "report-cells");
    assert_eq!(e.line, line_of(&text, "denied.third_party ="));
    assert!(
        e.message.contains("三、收到和处理政府信息公开申请情况"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("（三）4 保护第三方合法权益"),
        "{}",
        e.message
    );
    assert!(e.message.contains("总计 is missing"), "{}", e.message);
}

#[test]
fn a_text_cell_names_its_column() {
    let text = fixture_text(CSJ_2025).replace(
        "review = [376, 97, 196, 121, 790]",
        "review = [376, \"无\", 196, 121, 790]",
    );
    let (_, d) = check_text(CSJ_2025, &text);
    let e = errors(&d)[0];
    assert_eq!(e.code, "report-cell");
    assert_eq!(e.line, line_of(&text, "review ="));
    assert!(e.message.contains("行政复议"), "{}", e.message);
    assert!(e.message.contains("column 结果纠正"), "{}", e.message);
    assert!(e.message.contains("found text"), "{}", e.message);
}

#[test]
fn row_total_balance_and_appeals_rules_name_their_line() {
    let text = fixture_text(CSJ_2025)
        .replace(
            "unable.not_held = [3075, 50, 0, 0, 89, 8, 3222]",
            "unable.not_held = [3075, 50, 0, 0, 89, 8, 3223]",
        )
        .replace(
            "carried_forward = [783, 6, 0, 2, 25, 3, 819]",
            "carried_forward = [783, 7, 0, 2, 25, 3, 820]",
        )
        .replace(
            "litigation_direct = [16, 1, 12, 27, 56]",
            "litigation_direct = [16, 1, 12, 27, 57]",
        );
    let (_, d) = check_text(CSJ_2025, &text);
    let find = |code: &str| {
        errors(&d)
            .into_iter()
            .find(|e| e.code == code)
            .unwrap_or_else(|| panic!("no {code} in {d:#?}"))
    };
    let row = find("report-row-total");
    assert_eq!(row.line, line_of(&text, "unable.not_held ="));
    assert!(
        row.message.contains(
            "row （四）1 本机关不掌握相关政府信息: 总计 is 3223 but 自然人 to 其他 add up to 3222"
        ),
        "{}",
        row.message
    );
    let balance = find("report-balance");
    assert_eq!(balance.line, line_of(&text, "carried_forward ="));
    assert!(
        balance.message.contains(
            "column 商业企业: 一、本年新收 + 二、上年结转 = 258 but （七）总计 + 四、结转下年度 = 259"
        ),
        "{}",
        balance.message
    );
    let appeals = find("report-appeals-total");
    assert_eq!(appeals.line, line_of(&text, "litigation_direct ="));
    assert!(
        appeals
            .message
            .contains("未经复议直接起诉: 总计 is 57 but 结果维持 + 结果纠正 + 其他结果 + 尚未审结 add up to 56"),
        "{}",
        appeals.message
    );
}

#[test]
fn format_must_match_the_year_and_the_file_name() {
    // A 2021-format file that says 2020: one error, at `format`.
    let text = fixture_text(CSJ_2025).replace("year = 2025", "year = 2020");
    let (_, d) = check_text(CSJ_2025, &text);
    let codes: Vec<&str> = errors(&d).iter().map(|e| e.code).collect();
    assert_eq!(codes, ["report-format"]);
    let format = errors(&d)[0];
    assert_eq!(format.line, line_of(&text, "format ="));
    assert_eq!(
        format.message,
        "a report for 2020 uses the 2019 format; write `format = \"2019\"`"
    );
    assert!(
        format
            .help
            .as_deref()
            .unwrap()
            .contains("2019 trial format"),
        "{:?}",
        format.help
    );
    // The file name and the year.
    let text = fixture_text(CSJ_2025).replace("year = 2025", "year = 2024");
    let (_, d) = check_text(CSJ_2025, &text);
    let codes: Vec<&str> = errors(&d).iter().map(|e| e.code).collect();
    assert_eq!(codes, ["report-year"]);
}

#[test]
fn the_2019_other_row_in_a_2021_report_is_an_error() {
    let text = fixture_text(CSJ_2025)
        .replace("other.no_correction = [315, 3, 0, 0, 0, 0, 318]\n", "")
        .replace("other.no_fee = [202, 0, 0, 1, 0, 0, 203]\n", "")
        .replace(
            "other.other = [941, 17, 0, 1, 3, 3, 965]",
            "other = [1458, 20, 0, 2, 3, 3, 1486]",
        );
    let (_, d) = check_text(CSJ_2025, &text);
    let e = errors(&d)[0];
    assert_eq!(e.code, "report-row");
    assert_eq!(e.line, line_of(&text, "other ="));
    assert!(e.message.contains("（六）其他处理"), "{}", e.message);
}

#[test]
fn an_unknown_row_is_named() {
    let text = fixture_text(CSJ_2025).replace("denied.inquiry =", "denied.enquiry =");
    let (_, d) = check_text(CSJ_2025, &text);
    let e = errors(&d)[0];
    assert!(e.message.contains("enquiry"), "{}", e.message);
    assert_eq!(e.line, line_of(&text, "denied.enquiry ="));
}

#[test]
fn two_misspelt_rows_are_two_errors_with_their_lines_and_the_right_names() {
    let text = fixture_text(CSJ_2025)
        .replace("partly_granted =", "partly_grantd =")
        .replace("denied.inquiry =", "denied.enquiry =");
    let (report, d) = check_text(CSJ_2025, &text);
    assert!(report.is_none());
    let found: Vec<(&str, usize, &str)> = errors(&d)
        .iter()
        .map(|e| (e.code, e.line, e.help.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        found,
        [
            (
                "unknown-field",
                line_of(&text, "partly_grantd ="),
                "did you mean `partly_granted`? Rename the field to `partly_granted`."
            ),
            (
                "unknown-field",
                line_of(&text, "denied.enquiry ="),
                "did you mean `inquiry`? Rename the field to `inquiry`."
            ),
        ]
    );
    // The column points at the misspelt key itself.
    assert_eq!(errors(&d)[1].column, "denied.".len() + 1);
}

// ---------------------------------------------------------------------------
// Any one changed cell breaks a rule that names the cell's row

/// (table 三 row index or table 四 group index + 100, column, delta)
fn one_cell_change() -> impl Strategy<Value = (usize, usize, i64)> {
    let delta = prop_oneof![-5i64..=-1, 1i64..=5];
    prop_oneof![
        (0usize..25, 0usize..7, delta.clone()),
        (100usize..103, 0usize..5, delta),
    ]
}

fn apply(cell: &mut u64, delta: i64) {
    // Keep the cell a valid count: a negative change of a small cell
    // becomes a positive one.
    let changed = *cell as i64 + delta;
    *cell = if changed >= 0 {
        changed as u64
    } else {
        (*cell as i64 - delta) as u64
    };
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn changing_any_one_cell_fails_naming_its_row((row, column, delta) in one_cell_change()) {
        let text = fixture_text(CSJ_2025);
        let (report, d) = check_text(CSJ_2025, &text);
        prop_assert!(errors(&d).is_empty());
        let mut report = report.unwrap();
        let expected: Vec<String> = if row >= 100 {
            let group = row - 100;
            apply(&mut report.appeals[group].cells[column], delta);
            vec![format!("{}: 总计 is", APPEAL_GROUPS[group].1)]
        } else {
            apply(&mut report.applications[row].cells[column], delta);
            let def = &application_layout(report.format.value)[row];
            // Every table 三 row has its own 总计: the row-total rule names it.
            vec![format!("row {}: 总计 is", def.short)]
        };
        let mut d = Diagnostics::default();
        gongkai::validate::report::check(vec![report], &[], &[], &mut d);
        let errors = errors(&d);
        prop_assert!(!errors.is_empty(), "no error after changing row {row} column {column} by {delta}");
        prop_assert!(
            errors.iter().any(|e| expected.iter().any(|x| e.message.contains(x.as_str()))),
            "no error names {expected:?}: {errors:#?}"
        );
        prop_assert!(errors.iter().all(|e| e.file.to_str() == Some(CSJ_2025) && e.line > 1));
    }
}

// ---------------------------------------------------------------------------
// Warnings

#[test]
fn carry_over_mismatch_warns_with_file_and_both_numbers() {
    let site = SiteTest::from_fixture("reports");
    let text = site
        .read_source("content/csj/reports/2024.toml")
        .replace(
            "carried_forward = [535, 6, 0, 1, 18, 0, 560]",
            "carried_forward = [530, 6, 0, 1, 18, 0, 555]",
        )
        .replace(
            "other.other = [3965, 59, 0, 2, 17, 8, 4051]",
            "other.other = [3970, 59, 0, 2, 17, 8, 4056]",
        )
        .replace(
            "total = [11965, 239, 0, 40, 117, 30, 12391]",
            "total = [11970, 239, 0, 40, 117, 30, 12396]",
        );
    site.write("content/csj/reports/2024.toml", &text);
    let (run, json) = site.check_json();
    run.assert_success();
    let w = with_code(&json, "report-carry-over");
    assert_eq!(w.len(), 1, "{json}");
    assert_eq!(w[0]["file"], CSJ_2025);
    assert_eq!(w[0]["severity"], "warning");
    assert_eq!(
        w[0]["line"].as_u64().unwrap() as usize,
        line_of(&fixture_text(CSJ_2025), "carried_over =")
    );
    let message = w[0]["message"].as_str().unwrap();
    assert!(
        message.contains("content/csj/reports/2024.toml"),
        "{message}"
    );
    assert!(message.contains("自然人 535 here, 530 there"), "{message}");
    assert!(message.contains("总计 560 here, 555 there"), "{message}");
}

const CATALOG_ITEM: &str = "+++\nindex_no = \"CSJ/{n}\"\ntitle = \"测试市数据管理办法{n}\"\npublished = {published}\nkind = \"{kind}\"\ncategory = '综合政务\\政务公开'\n{extra}+++\n\n正文。\n";

fn catalog_item(n: &str, published: &str, kind: &str, extra: &str) -> String {
    CATALOG_ITEM
        .replace("{n}", n)
        .replace("{published}", published)
        .replace("{kind}", kind)
        .replace("{extra}", extra)
}

#[test]
fn catalog_counts_are_compared_with_table_two() {
    let site = SiteTest::from_fixture("reports");
    // 规章 in 2025: two issued (one repealed in the same year), one
    // issued earlier and repealed in 2025, one issued earlier still in
    // force, one repealed only in 2026 (in force on 31 December 2025).
    let items = [
        ("1", "2025-03-01", ""),
        (
            "2",
            "2025-04-01",
            "status = \"repealed\"\nretired = 2025-11-01\n",
        ),
        (
            "3",
            "2020-01-10",
            "status = \"repealed\"\nretired = 2025-06-30\n",
        ),
        ("4", "2021-05-10", ""),
        (
            "5",
            "2022-05-10",
            "status = \"repealed\"\nretired = 2026-02-01\n",
        ),
    ];
    for (n, published, extra) in items {
        site.write(
            &format!("content/csj/catalog/{n}.md"),
            &catalog_item(n, published, "规章", extra),
        );
    }
    // Issued 3 (1, 2 — and not 3, 4, 5), repealed 2 (2, 3), in force 3 (1, 4, 5).
    let text = fixture_text(CSJ_2025).replace("rules = [3, 5, 74]", "rules = [2, 2, 3]");
    site.write(CSJ_2025, &text);
    let (run, json) = site.check_json();
    run.assert_success();
    let w: Vec<_> = with_code(&json, "report-catalog")
        .into_iter()
        .filter(|w| w["file"] == CSJ_2025)
        .collect();
    // The 规章 row matches the catalog; 行政规范性文件 does not.
    assert_eq!(w.len(), 1, "{json}");
    let message = w[0]["message"].as_str().unwrap();
    assert!(message.contains("行政规范性文件 for 2025"), "{message}");
    assert!(
        message.contains("本年制发件数 is 564 but the catalog holds 0"),
        "{message}"
    );
    assert_eq!(
        w[0]["line"].as_u64().unwrap() as usize,
        line_of(&text, "normative_documents =")
    );

    // One number off: the warning shows both.
    site.write(
        CSJ_2025,
        &text.replace("rules = [2, 2, 3]", "rules = [2, 2, 4]"),
    );
    let (_, json) = site.check_json();
    let w: Vec<_> = with_code(&json, "report-catalog")
        .into_iter()
        .filter(|w| w["file"] == CSJ_2025 && w["message"].as_str().unwrap().contains("规章 for"))
        .collect();
    assert_eq!(w.len(), 1, "{json}");
    let message = w[0]["message"].as_str().unwrap();
    assert!(
        message.contains("现行有效件数 is 4 but the catalog holds 3"),
        "{message}"
    );
    assert!(!message.contains("本年制发件数"), "{message}");
}

#[test]
fn late_publication_warns_with_both_dates() {
    let site = SiteTest::from_fixture("reports");
    // A department: due by 31 January.
    let text = fixture_text(CSJ_2025).replace("published = 2026-01-20", "published = 2026-02-03");
    site.write(CSJ_2025, &text);
    // A government (no parent): due by 31 March; 2020-03-31 is in time.
    let gov = "content/csszf/reports/2019.toml";
    site.write(
        gov,
        &fixture_text(gov).replace("published = 2020-01-31", "published = 2020-03-31"),
    );
    let (run, json) = site.check_json();
    run.assert_success();
    let w = with_code(&json, "report-late");
    assert_eq!(w.len(), 1, "{json}");
    assert_eq!(w[0]["file"], CSJ_2025);
    assert_eq!(
        w[0]["line"].as_u64().unwrap() as usize,
        line_of(&text, "published =")
    );
    let message = w[0]["message"].as_str().unwrap();
    assert!(
        message.contains("published 2026-02-03, after the deadline 2026-01-31"),
        "{message}"
    );

    site.write(
        gov,
        &fixture_text(gov).replace("published = 2020-01-31", "published = 2020-04-01"),
    );
    let (_, json) = site.check_json();
    let w: Vec<_> = with_code(&json, "report-late")
        .into_iter()
        .filter(|w| w["file"] == gov)
        .collect();
    assert_eq!(w.len(), 1, "{json}");
    assert!(
        w[0]["message"]
            .as_str()
            .unwrap()
            .contains("published 2020-04-01, after the deadline 2020-03-31"),
        "{json}"
    );
}

// ---------------------------------------------------------------------------
// Rendering

fn built() -> SiteTest {
    let site = SiteTest::from_fixture("reports");
    site.build().assert_success();
    site
}

#[test]
fn the_2019_format_renders_its_own_layout() {
    let site = built();
    let html = site.read("departments/csszf/reports/2019/index.html");
    for distinctive in [
        "第二十条第（九）项",
        "政府集中采购",
        "其他对外管理服务事项",
        "本年新制作数量",
        "本年增/减",
        "<th scope=\"row\">规范性文件</th>",
        "<th scope=\"row\" colspan=\"2\">（六）其他处理</th>",
        "251,000",
    ] {
        assert!(html.contains(distinctive), "missing {distinctive}");
    }
    for absent in [
        "本年制发件数",
        "1.申请人无正当理由逾期不补正",
        "行政规范性文件",
    ] {
        assert!(!html.contains(absent), "2019 page shows {absent}");
    }
    // 三、本年度办理结果 spans the 19 outcome rows and （七）总计.
    assert!(html.contains("<th scope=\"rowgroup\" rowspan=\"20\">三、本年度办理结果</th>"));

    let html = site.read("departments/csj/reports/2025/index.html");
    assert!(html.contains("<th scope=\"rowgroup\" rowspan=\"22\">三、本年度办理结果</th>"));
    assert!(html.contains("<th scope=\"rowgroup\" rowspan=\"3\">（六）其他处理</th>"));
    assert!(!html.contains("第二十条第（九）项"));
}

#[test]
fn report_pages_follow_the_template() {
    let site = built();
    let html = site.read("departments/csj/reports/2025/index.html");
    // The six sections, in order.
    let headings = [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ];
    let positions: Vec<usize> = headings
        .iter()
        .map(|h| {
            html.find(&format!("\">{h}</h2>"))
                .unwrap_or_else(|| panic!("no h2 {h}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert_eq!(html.matches("<h1>").count(), 1);
    // The corner note, verbatim; no 法人小计 and no subtotal rows.
    assert!(html.contains("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"));
    assert!(!html.contains("小计"));
    // Thousands separators, right-aligned cells.
    assert!(html.contains("<td class=\"num\" colspan=\"3\">11,398,889</td>"));
    assert!(html.contains("<td class=\"num\">13,810</td>"));
    // An amount keeps the decimals it was written with (`316441.0`).
    assert!(html.contains("<td class=\"num\" colspan=\"3\">316,441.0</td>"));
    // Narrative from 2025.md.
    assert!(html.contains("本年度未收取信息处理费。"));
    // Table 四's three header rows.
    assert!(html.contains("<th colspan=\"10\" scope=\"colgroup\">行政诉讼</th>"));
    // Previous year and the trend (two reports).
    assert!(html.contains("rel=\"prev\""));
    assert!(html.contains("chart-trend-title"));
}

#[test]
fn reports_are_linked_indexed_and_in_the_sitemap() {
    let site = built();
    let home = site.read("index.html");
    assert!(
        home.contains("href=\"/reports/\""),
        "home links the reports"
    );
    let department = site.read("departments/csj/index.html");
    assert!(department.contains("href=\"/departments/csj/reports/\""));
    let index = site.read("reports/index.html");
    assert!(index.contains("href=\"/departments/csj/reports/2025/\""));
    assert!(index.contains("href=\"/departments/csszf/reports/2019/\""));
    let dept_index = site.read("departments/csj/reports/index.html");
    assert!(dept_index.contains("href=\"/departments/csj/reports/2024/\""));
    assert!(dept_index.contains("<td class=\"num\">14,069</td>"));
    let sitemap = site.read("sitemap.xml");
    for url in [
        "https://xxgk.example.gov.cn/reports/",
        "https://xxgk.example.gov.cn/departments/csj/reports/",
        "https://xxgk.example.gov.cn/departments/csj/reports/2025/",
        "https://xxgk.example.gov.cn/departments/csszf/reports/2019/",
    ] {
        assert!(sitemap.contains(&format!("<loc>{url}</loc>")), "{url}");
    }
    // A department without reports links none.
    let site2 = SiteTest::from_fixture("minimal");
    site2.build().assert_success();
    assert!(!site2.read("index.html").contains("/reports/"));
}

/// Every `<svg>…</svg>` of a page.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("closed svg") + start + 6;
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

#[test]
fn charts_are_well_formed_svg_with_a_text_alternative() {
    let site = built();
    let html = site.read("departments/csj/reports/2025/index.html");
    let charts = svgs(&html);
    assert_eq!(charts.len(), 2, "outcome and trend");
    for svg in charts {
        let doc = roxmltree::Document::parse(svg)
            .unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("role"), Some("img"));
        let labelled = root.attribute("aria-labelledby").expect("aria-labelledby");
        for id in labelled.split(' ') {
            let node = doc
                .descendants()
                .find(|n| n.attribute("id") == Some(id))
                .unwrap_or_else(|| panic!("no element #{id}"));
            assert!(!node.text().unwrap_or("").trim().is_empty());
        }
        assert!(
            root.attribute("viewBox").is_some(),
            "scales to the screen width"
        );
    }
    // The outcome chart's description holds the six category totals.
    assert!(html.contains(
        "（一）予以公开 5,548件；（二）部分公开 2,168件；（三）不予公开 730件；（四）无法提供 3,421件；（五）不予处理 457件；（六）其他处理 1,486件"
    ));
    // Untrusted-looking titles are escaped.
    let report = check_text(CSJ_2025, &fixture_text(CSJ_2025)).0.unwrap();
    let svg = gongkai::render::report::outcome_chart(&report, "<a & \"b\">", "件");
    roxmltree::Document::parse(&svg).expect("escaped title");
    let svg = gongkai::render::report::trend_chart(&[(2024, 0), (2025, 7)], "t&t", "年", "");
    roxmltree::Document::parse(&svg).expect("trend with a zero year");
}

#[test]
fn number_grouping() {
    use gongkai::load::report::Number;
    use gongkai::render::report::{format_number, group_digits};
    assert_eq!(group_digits(0), "0");
    assert_eq!(group_digits(999), "999");
    assert_eq!(group_digits(1000), "1,000");
    assert_eq!(group_digits(11398889), "11,398,889");
    assert_eq!(format_number(Number::Decimal(316441.5)), "316,441.5");
    assert_eq!(format_number(Number::Int(-1234)), "-1,234");
}

// ---------------------------------------------------------------------------
// gongkai new report

#[test]
fn new_report_writes_a_file_that_passes_check() {
    let site = SiteTest::from_fixture("reports");
    let run = site.run(&[
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
    ]);
    run.assert_success();
    let toml = site.read_source("content/csj/reports/2026.toml");
    assert!(toml.contains("format = \"2021\""));
    assert!(toml.contains("published = 2027-01-15"));
    // Last year's 结转下年度 comes over as 上年结转.
    assert!(toml.contains("carried_over = [783, 6, 0, 2, 25, 3, 819]"));
    let md = site.read_source("content/csj/reports/2026.md");
    for heading in [
        "## 一、总体情况",
        "## 五、存在的主要问题及改进情况",
        "## 六、其他需要报告的事项",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
    // A trial-format year gets the trial format.
    site.run(&[
        "new",
        "report",
        "--root",
        "site",
        "--dept",
        "csszf",
        "--year",
        "2020",
        "--date",
        "2021-01-15",
    ])
    .assert_success();
    assert!(
        site.read_source("content/csszf/reports/2020.toml")
            .contains("format = \"2019\"")
    );

    let (run, json) = site.check_json();
    run.assert_success();
    let new_files: Vec<_> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            let f = d["file"].as_str().unwrap();
            f.ends_with("2026.toml")
                || f.ends_with("2026.md")
                || f.ends_with("2020.toml")
                || f.ends_with("2020.md")
        })
        .collect();
    // Nothing to warn about but the catalog counts: the new 2026 report
    // keeps 2025's 现行有效件数, which the fixture's (empty) catalog does not hold.
    assert!(
        new_files
            .iter()
            .all(|d| d["code"] == "report-catalog" && d["file"] == "content/csj/reports/2026.toml"),
        "{new_files:#?}"
    );
    assert_eq!(new_files.len(), 2, "{new_files:#?}");
    assert!(toml.contains("rules = [0, 0, 74]"), "{toml}");
    assert!(
        toml.contains("normative_documents = [0, 0, 4185]"),
        "{toml}"
    );
    // A draft until its line is deleted.
    assert!(toml.contains("\ndraft = true\n"), "{toml}");
    site.build().assert_success();
    assert!(!site.out().join("departments/csj/reports/2026").exists());
    site.write(
        "content/csj/reports/2026.toml",
        &toml.replace("\ndraft = true\n", "\n"),
    );
    site.build().assert_success();
    assert!(
        site.read("departments/csj/reports/2026/index.html")
            .contains("2026")
    );
}

#[test]
fn new_report_never_overwrites() {
    let site = SiteTest::from_fixture("reports");
    let before = site.read_source(CSJ_2025);
    let run = site.run(&[
        "new",
        "report",
        "--root",
        "site",
        "--dept",
        "csj",
        "--year",
        "2025",
        "--date",
        "2026-01-15",
    ]);
    run.assert_code(1);
    assert!(run.stderr.contains("already exists"), "{run}");
    assert_eq!(site.read_source(CSJ_2025), before);
    // A narrative alone stops it too: nothing is written.
    site.write("content/csj/reports/2023.md", "## 一、总体情况\n");
    let run = site.run(&[
        "new",
        "report",
        "--root",
        "site",
        "--dept",
        "csj",
        "--year",
        "2023",
        "--date",
        "2024-01-15",
    ]);
    run.assert_code(1);
    assert!(!site.root().join("content/csj/reports/2023.toml").exists());
    let run = site.run(&[
        "new", "report", "--root", "site", "--dept", "nosuch", "--year", "2025",
    ]);
    run.assert_code(2);
}

// ---------------------------------------------------------------------------
// Narrative and former slugs

#[test]
fn narrative_sections_come_from_their_headings() {
    let site = SiteTest::from_fixture("reports");
    let md = "content/csj/reports/2025.md";
    site.write(
        md,
        "前言不属于任何部分。\n\n## 一、总体情况\n\n总体情况正文。\n\n### 1. 主动公开\n\n小节正文。\n\n## 三、收到申请\n\n不显示。\n\n## 五、存在的主要问题和改进情况\n\n<!-- 只有注释 -->\n",
    );
    let (run, json) = site.check_json();
    run.assert_success();
    let w = with_code(&json, "report-narrative");
    let messages: Vec<&str> = w.iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(w.len(), 3, "{messages:#?}");
    assert!(w.iter().all(|d| d["file"] == md));
    assert!(
        messages
            .iter()
            .any(|m| m.contains("text outside the sections"))
    );
    assert_eq!(
        w.iter()
            .find(|d| d["message"].as_str().unwrap().contains("三、收到申请"))
            .expect("the foreign heading")["line"],
        11
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("no section 六、其他需要报告的事项"))
    );

    site.build().assert_success();
    let html = site.read("departments/csj/reports/2025/index.html");
    assert!(html.contains("总体情况正文。"));
    assert!(html.contains("1. 主动公开</h3>"));
    assert!(!html.contains("不显示。"));
    assert!(!html.contains("前言不属于任何部分"));
    // 五 holds only a comment, 六 is missing: both say so.
    assert_eq!(html.matches("本部分未提供文字内容。").count(), 2);
}

#[test]
fn former_slugs_redirect_to_the_reports() {
    let site = SiteTest::from_fixture("reports");
    site.write(
        "content/csj/department.toml",
        "name = \"测试市数据局\"\nparent = \"csszf\"\naliases = [\"sjj\"]\n",
    );
    site.build().assert_success();
    for (old, new) in [
        (
            "departments/sjj/reports/index.html",
            "/departments/csj/reports/",
        ),
        (
            "departments/sjj/reports/2025/index.html",
            "/departments/csj/reports/2025/",
        ),
    ] {
        let html = site.read(old);
        assert!(
            html.contains(&format!("url={new}")) || html.contains(&format!("href=\"{new}\"")),
            "{old}: {html}"
        );
    }
}

#[test]
fn publication_before_the_year_ended_warns() {
    let site = SiteTest::from_fixture("reports");
    let text = fixture_text(CSJ_2025).replace("published = 2026-01-20", "published = 2025-12-30");
    site.write(CSJ_2025, &text);
    let (run, json) = site.check_json();
    run.assert_success();
    let w = with_code(&json, "report-early");
    assert_eq!(w.len(), 1, "{json}");
    assert_eq!(w[0]["file"], CSJ_2025);
    assert_eq!(
        w[0]["line"].as_u64().unwrap() as usize,
        line_of(&text, "published =")
    );
    assert!(
        w[0]["message"]
            .as_str()
            .unwrap()
            .contains("published 2025-12-30, before the year 2025")
    );
}

#[test]
fn report_pages_are_byte_identical_across_builds() {
    let site = SiteTest::from_fixture("reports");
    let a = site.tmp().join("a");
    let b = site.tmp().join("b");
    site.build_into(&a, &[]).assert_success();
    site.build_into(&b, &[]).assert_success();
    let a = support::snapshot_dir(&a.join("departments"));
    let b = support::snapshot_dir(&b.join("departments"));
    assert!(
        a.keys().any(|k| k.contains("reports/2025")),
        "{:?}",
        a.keys()
    );
    assert_eq!(a, b);
}

#[test]
fn stock_and_flow_of_table_two_across_years() {
    let site = SiteTest::from_fixture("reports");
    // 2024: 76 in force; 2025: +3 −5 = 74. Claim 75.
    let text = fixture_text(CSJ_2025).replace("rules = [3, 5, 74]", "rules = [3, 5, 75]");
    site.write(CSJ_2025, &text);
    let (_, json) = site.check_json();
    let w = with_code(&json, "report-stock");
    assert_eq!(w.len(), 1, "{json}");
    assert_eq!(w[0]["file"], CSJ_2025);
    assert_eq!(
        w[0]["line"].as_u64().unwrap() as usize,
        line_of(&text, "rules =")
    );
    let message = w[0]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "规章: 现行有效件数 is 75 but the 2024 report's 76 + 本年制发 3 − 本年废止 5 = 74"
        ),
        "{message}"
    );
}

#[test]
fn numbers_quoted_in_the_overview_match_the_tables() {
    let site = SiteTest::from_fixture("reports");
    let md = "content/csj/reports/2025.md";
    let text = "## 一、总体情况\n\n全年新收政府信息公开申请 14069 件，上年结转 560 件；办结 13811 件，结转下年度继续办理 819 件。\n收到行政复议 790 件、行政诉讼 212 件。\n\n## 五、存在的主要问题及改进情况\n\n办结 1 件（不在第一部分，不检查）。\n\n## 六、其他需要报告的事项\n\n无。\n";
    site.write(md, text);
    let (_, json) = site.check_json();
    let w = with_code(&json, "report-narrative-number");
    assert_eq!(w.len(), 1, "{json}");
    assert_eq!(w[0]["file"], md);
    assert_eq!(w[0]["line"], 3);
    let message = w[0]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "the sentence \"办结 13811 件，结转下年度继续办理 819 件\" quotes 13811 件 but table 三 （七）总计 is 13810"
        ),
        "{message}"
    );
}

#[test]
fn huge_numbers_are_errors_not_overflows() {
    let max = i64::MAX;
    let text = fixture_text(CSJ_2025).replace(
        "new = [13612, 252, 0, 45, 128, 32, 14069]",
        &format!("new = [{max}, {max}, {max}, 0, 0, 0, {max}]"),
    );
    let (_, d) = check_text(CSJ_2025, &text);
    let codes: Vec<&str> = errors(&d).iter().map(|e| e.code).collect();
    assert!(codes.contains(&"report-row-total"), "{codes:?}");
    assert!(codes.contains(&"report-balance"), "{codes:?}");

    let mut report = check_text(CSJ_2025, &fixture_text(CSJ_2025)).0.unwrap();
    for row in &mut report.applications {
        row.cells = [u64::MAX; 7];
    }
    let svg = gongkai::render::report::outcome_chart(&report, "t", "");
    roxmltree::Document::parse(&svg).expect("well-formed");
    let svg = gongkai::render::report::trend_chart(&[(2024, u64::MAX), (2025, 1)], "t", "", "");
    roxmltree::Document::parse(&svg).expect("well-formed");
}

#[test]
fn a_report_without_its_department_is_not_a_crash() {
    let site = SiteTest::from_fixture("reports");
    site.write("content/ghost/reports/2025.toml", &fixture_text(CSJ_2025));
    let (run, json) = site.check_json();
    run.assert_code(1);
    assert_eq!(
        with_code(&json, "missing-department-toml").len(),
        1,
        "{json}"
    );
}

// ---------------------------------------------------------------------------
// Real reports as they were published (issue 16): tests/fixtures/reports-real

const REAL: &str = "reports-real";

fn real_text(rel: &str) -> String {
    std::fs::read_to_string(fixture_path(REAL).join(rel)).expect("fixture file")
}

/// A real report with its narrative, checked alone with the library.
fn check_real(slug: &str, year: i32, md: &str) -> Diagnostics {
    let toml = format!("content/{slug}/reports/{year}.toml");
    let md_path = format!("content/{slug}/reports/{year}.md");
    let mut d = Diagnostics::default();
    let mut report = parse_report(SourceFile::new(&toml, real_text(&toml)), slug, &mut d)
        .unwrap_or_else(|| panic!("{toml} loads: {d:#?}"));
    let md = SourceFile::new(&md_path, md.to_string());
    report.narrative = Some(parse_narrative(&md, &mut d));
    report.narrative_source = Some(md);
    gongkai::validate::report::check(vec![report], &[], &[], &mut d);
    d
}

fn narrative_warnings(d: &Diagnostics) -> Vec<&Diagnostic> {
    d.0.iter()
        .filter(|d| d.code == "report-narrative-number")
        .collect()
}

#[test]
fn real_reports_check_with_only_their_published_discrepancies() {
    let site = SiteTest::from_fixture(REAL);
    let (run, json) = site.check_json();
    run.assert_success();
    let all = json["diagnostics"].as_array().unwrap();
    assert!(all.iter().all(|d| d["severity"] == "warning"), "{json}");
    // The Shanghai office left the 总计 of every outcome row blank in 2019:
    // eleven rows with numbers whose 总计 is blank, and （七）总计 805
    // against outcome 总计 cells that add up to nothing.
    let rows = with_code(&json, "report-row-total");
    assert_eq!(rows.len(), 11, "{json}");
    assert!(
        rows.iter()
            .all(|d| d["file"] == "content/shszfbgt/reports/2019.toml")
    );
    let result = with_code(&json, "report-result-total");
    assert_eq!(result.len(), 1, "{json}");
    assert!(result[0]["message"].as_str().unwrap().contains(
        "（七）总计 for 总计 is 805 but its 19 rows add up to 0 (blank cells count as 0)"
    ));
    for code in [
        "report-balance",
        "report-appeals-total",
        "report-carry-over",
        "report-stock",
    ] {
        assert!(with_code(&json, code).is_empty(), "{code}: {json}");
    }
    // The narratives quote their tables, except in three places where the
    // published text itself differs from the published table.
    let mut narrative: Vec<(String, String)> = with_code(&json, "report-narrative-number")
        .iter()
        .map(|d| {
            let m = d["message"].as_str().unwrap();
            let quoted = m
                .split(" quotes ")
                .nth(1)
                .unwrap()
                .split(" but ")
                .next()
                .unwrap();
            (d["file"].as_str().unwrap().to_string(), quoted.to_string())
        })
        .collect();
    narrative.sort();
    assert_eq!(
        narrative,
        [
            // 予以公开及部分公开 258; the table: 272 + 3.
            (
                "content/shszfbgt/reports/2019.md".to_string(),
                "258件".to_string()
            ),
            // 备案 行政复议 134 and 行政诉讼 57; the table: 170 and 25 + 52.
            (
                "content/sqszf/reports/2024.md".to_string(),
                "134 件".to_string()
            ),
            (
                "content/sqszf/reports/2024.md".to_string(),
                "57 件".to_string()
            ),
        ]
    );
}

#[test]
fn real_reports_build_with_published_numbers_and_notes() {
    let site = SiteTest::from_fixture(REAL);
    site.build().assert_success();
    let html = site.read("departments/shszfbgt/reports/2019/index.html");
    let main = main_of(&html);
    // The published title, in the page and in the next year's link.
    assert!(main.contains("<h1>2019年上海市人民政府办公厅政府信息公开工作年度报告</h1>"));
    assert!(html.contains("<title>2019年上海市人民政府办公厅政府信息公开工作年度报告"));
    let next = site.read("departments/shszfbgt/reports/2025/index.html");
    assert!(next.contains(">2019年上海市人民政府办公厅政府信息公开工作年度报告</a>"));
    // Without `title`, the default title.
    let suqian = site.read("departments/sqszf/reports/2023/index.html");
    assert!(suqian.contains("<h1>宿迁市人民政府2023年政府信息公开工作年度报告</h1>"));
    assert!(!suqian.contains("report-as-published"));
    // The published numbers, blanks blank, never a corrected 272.
    assert!(main.contains("<th scope=\"row\" colspan=\"2\">（一）予以公开</th><td class=\"num\">258</td><td class=\"num\">12</td><td class=\"num\"></td><td class=\"num\"></td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num sic\"></td></tr>"), "{main}");
    assert!(main.contains("<p>原文如此：（一）予以公开的总计为 空白，自然人至其他六列之和为 272。（空白单元格按 0 计）</p>"));
    assert!(main.contains(
        "<p>原文如此：（七）总计中“总计”为 805，各办理结果行之和为 0。（空白单元格按 0 计）</p>"
    ));
    assert_eq!(main.matches("<tr class=\"report-sic\">").count(), 12);
    assert!(main.contains("class=\"report-as-published\""));
    // Amounts as written, with their unit and every decimal.
    assert!(main.contains("<td class=\"num\" colspan=\"2\">251,000元</td>"));
    assert!(
        site.read("departments/syxzf/reports/2025/index.html")
            .contains("<td class=\"num\" colspan=\"3\">4,068.208</td>")
    );
    assert!(suqian.contains("<td class=\"num\" colspan=\"3\">59,237.2449</td>"));
    insta::assert_snapshot!("real_report_2019_as_published", main);
}

#[test]
fn as_published_notes_speak_the_readers_language() {
    for (lang, expected) in [
        (
            "en",
            "As published (sic): the 总计 of （一）予以公开 is blank, but its six applicant columns add up to 272. (blank cells count as 0)",
        ),
        (
            "zh-TW",
            "原文如此：（一）予以公開的總計為 空白，自然人至其他六欄之和為 272。（空白儲存格按 0 計）",
        ),
    ] {
        let site = SiteTest::from_fixture(REAL);
        site.write(
            "content/shszfbgt/department.toml",
            &format!("name = \"上海市人民政府办公厅\"\nlanguage = \"{lang}\"\n"),
        );
        site.build().assert_success();
        let html = site.read("departments/shszfbgt/reports/2019/index.html");
        // The row label is the template's own (Simplified) wording.
        let expected = expected.replace("（一）予以公開", "（一）予以公开");
        assert!(html.contains(&expected), "{lang}: {}", main_of(&html));
    }
}

#[test]
fn a_blank_cell_is_an_error_unless_the_report_is_kept_as_published() {
    let text = real_text("content/syfgj/reports/2023.toml").replace("as_published = true\n", "");
    let (report, d) = check_text("content/syfgj/reports/2023.toml", &text);
    assert!(report.is_none());
    let blank_errors = errors(&d);
    assert!(
        blank_errors.iter().all(|e| e.code == "report-blank"),
        "{blank_errors:#?}"
    );
    // Five blank 法人 cells in each of the 25 rows.
    assert_eq!(blank_errors.len(), 125);
    let first = blank_errors[0];
    assert_eq!(first.line, line_of(&text, "new ="));
    assert_eq!(
        first.message,
        "table 三、收到和处理政府信息公开申请情况, row 一、本年新收 (`new`), column 商业企业 is blank"
    );
    assert!(
        first
            .help
            .as_deref()
            .unwrap()
            .contains("as_published = true")
    );
    // Kept as published, the blanks stay blank and count as 0.
    let (report, d) = check_text(
        "content/syfgj/reports/2023.toml",
        &real_text("content/syfgj/reports/2023.toml"),
    );
    assert!(errors(&d).is_empty(), "{d:#?}");
    let new = report.unwrap().application("new").unwrap().clone();
    assert_eq!(new.cells, [26, 0, 0, 0, 0, 0, 26]);
    assert_eq!(new.blank, [false, true, true, true, true, true, false]);
}

#[test]
fn as_published_turns_the_arithmetic_into_warnings_and_notes() {
    let text = reduced_text().replace("year = 2025", "as_published = true\nyear = 2025");
    let (report, d) = check_text(CSJ_2025, &text);
    assert!(errors(&d).is_empty(), "{d:#?}");
    let warnings: Vec<_> =
        d.0.iter()
            .filter(|d| d.code == "report-result-total")
            .collect();
    assert_eq!(warnings.len(), 2);
    assert!(warnings.iter().all(|w| w.severity == Severity::Warning));
    let notes = report.unwrap().notes;
    assert_eq!(notes.len(), 2, "{notes:#?}");
    assert_eq!((notes[0].stated, notes[0].computed), (2, 0));
    // Without the declaration: errors, as before, with the way out named.
    let (_, d) = check_text(CSJ_2025, &reduced_text());
    let e = errors(&d);
    assert_eq!(e.len(), 2);
    assert!(
        e[0].help
            .as_deref()
            .unwrap()
            .contains("as_published = true")
    );
}

#[test]
fn an_amount_keeps_its_decimals_and_unit() {
    assert_eq!(format_written("73802895.90"), "73,802,895.90");
    assert_eq!(format_written("251000元"), "251,000元");
    assert_eq!(format_written("4068.208万元"), "4,068.208万元");
    let site = SiteTest::from_fixture("reports");
    site.write(
        CSJ_2025,
        &fixture_text(CSJ_2025).replace("fees = 316441.0", "fees = 73802895.90"),
    );
    site.build().assert_success();
    let html = site.read("departments/csj/reports/2025/index.html");
    assert!(
        html.contains("<td class=\"num\" colspan=\"3\">73,802,895.90</td>"),
        "{}",
        main_of(&html)
    );
    // Text that is not an amount is still an error.
    let text = fixture_text(CSJ_2025).replace("fees = 316441.0", "fees = \"约7千万\"");
    let (_, d) = check_text(CSJ_2025, &text);
    assert_eq!(errors(&d)[0].code, "report-cell");
}

#[test]
fn a_2023_report_in_the_2019_format_is_one_error() {
    let text =
        real_text("content/shszfbgt/reports/2019.toml").replace("year = 2019", "year = 2023");
    let (_, d) = check_text("content/shszfbgt/reports/2023.toml", &text);
    let errors = errors(&d);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].code, "report-format");
    assert_eq!(errors[0].line, line_of(&text, "format ="));
    assert_eq!(
        errors[0].message,
        "a report for 2023 uses the 2021 format; write `format = \"2021\"`"
    );
}

/// Every number the real narratives quote from tables 三 and 四, as
/// (report, the quoted text holding it).
const QUOTED: &[(&str, i32, &[&str])] = &[
    (
        "shszfbgt",
        2019,
        &[
            "申请859件",
            "申请805件",
            "申请18件",
            "72件",
            "258件",
            "公开35件",
            "265件",
            "158件",
            "处理0件",
            "复议7件",
            "诉讼9件",
        ],
    ),
    (
        "shszfbgt",
        2025,
        &[
            "1295 件",
            "1191 件",
            "189 件",
            "208 件",
            "公开 20 件",
            "564 件",
            "80 件",
            "319 件",
        ],
    ),
    (
        "sqszf",
        2023,
        &[
            "3607件",
            "3493 件",
            "114 件",
            "公开1191件",
            "328件",
            "142件",
            "1078件",
            "406件",
            "341件",
            "121件",
        ],
    ),
    (
        "sqszf",
        2024,
        &[
            "3646件", "1431件", "471件", "92件", "941件", "117件", "469件", "125件", "134 件",
            "57 件",
        ],
    ),
    (
        "syxzf",
        2025,
        &["749 件", "741 件", "申请 8 件", "718 件", "31 件", "74 件"],
    ),
    ("syfgj", 2023, &["公开26件"]),
];

#[test]
fn changing_any_quoted_number_by_one_is_noticed() {
    let mut changes = 0;
    let mut noticed = 0;
    let mut missed = Vec::new();
    for (slug, year, quoted) in QUOTED {
        let md = real_text(&format!("content/{slug}/reports/{year}.md"));
        let before: Vec<(usize, String)> = narrative_warnings(&check_real(slug, *year, &md))
            .iter()
            .map(|w| (w.span.clone().unwrap().start, w.message.clone()))
            .collect();
        for q in *quoted {
            assert_eq!(
                md.matches(q).count(),
                1,
                "{q} is not unique in {slug} {year}"
            );
            let at = md.find(q).unwrap();
            let digits_at = at + q.find(|c: char| c.is_ascii_digit()).unwrap();
            let digits: String = md[digits_at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let n: u64 = digits.parse().unwrap();
            for changed in [Some(n + 1), n.checked_sub(1)].into_iter().flatten() {
                let text = format!(
                    "{}{changed}{}",
                    &md[..digits_at],
                    &md[digits_at + digits.len()..]
                );
                changes += 1;
                let d = check_real(slug, *year, &text);
                let hit = narrative_warnings(&d).into_iter().any(|w| {
                    let span = w.span.clone().unwrap();
                    span.contains(&digits_at)
                        && w.message.contains(&changed.to_string())
                        && !before.contains(&(span.start, w.message.clone()))
                });
                if hit {
                    noticed += 1;
                } else {
                    missed.push(format!("{slug} {year}: {q} → {changed}"));
                }
            }
        }
    }
    let rate = noticed as f64 / changes as f64;
    println!(
        "narrative cross-check: {noticed} of {changes} changed numbers noticed ({:.1} %); missed: {missed:?}",
        rate * 100.0
    );
    assert!(rate >= 0.9, "{noticed}/{changes}: missed {missed:?}");
}
