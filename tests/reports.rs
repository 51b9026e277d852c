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
    APPEAL_GROUPS, APPLICATION_ROWS_2021, Report, application_layout, parse_report,
};
use proptest::prelude::*;
use serde_json::Value;
use support::{SiteTest, fixture_path};

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
