//! Annual reports: the template's arithmetic (errors), and what other
//! files say about the same numbers (warnings).
//!
//! Errors (the build fails): every table 三 row's 总计 equals its six
//! columns; （七）总计 equals the outcome rows, per column; 一 + 二 =
//! （七） + 四, per column; each table 四 group's 总计 equals its four
//! parts; the format matches the year; the file name is the year.
//! Warnings: 上年结转 against last year's 结转下年度; table 二's 规章 and
//! 行政规范性文件 against the catalog; publication after the deadline of
//! 条例 第四十九条. Reports never expire.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostics;
use crate::load::report::{
    APPEAL_COLUMNS, APPEAL_GROUPS, APPLICANT_COLUMNS, Number, Report, ReportFormat, RowRole,
    TABLE_2, TABLE_3, TABLE_4, application_layout,
};
use crate::model::{Date, Department, Validity};

use super::{Item, validity_on};

/// 文种 values counted as 规章 and as 行政规范性文件 in the catalog.
pub const RULE_KINDS: &[&str] = &["规章"];
pub const NORMATIVE_KINDS: &[&str] = &["行政规范性文件", "规范性文件"];

/// A department without `parent` is a 人民政府 (its report is due by 31
/// March); every other department's report is due by 31 January.
pub fn is_government(department: &Department) -> bool {
    department.parent.is_none()
}

/// Check every report; return them sorted by department and year.
pub fn check(
    mut reports: Vec<Report>,
    departments: &[Department],
    items: &[Item],
    diagnostics: &mut Diagnostics,
) -> Vec<Report> {
    reports.sort_by(|a, b| {
        (a.department.as_str(), a.year())
            .cmp(&(b.department.as_str(), b.year()))
            .then_with(|| a.source.path.cmp(&b.source.path))
    });
    for report in &reports {
        check_arithmetic(report, diagnostics);
    }

    // Two files for the same department and year.
    let mut seen: BTreeMap<(&str, i32), &Report> = BTreeMap::new();
    for report in &reports {
        if let Some(first) = seen.insert((&report.department, report.year()), report) {
            diagnostics.push(
                report
                    .source
                    .error(
                        "report-duplicate",
                        report.year.span.clone(),
                        format!(
                            "a report for {} is already in {}",
                            report.year(),
                            first.source.path.display()
                        ),
                    )
                    .with_related(
                        &first.source,
                        first.year.span.clone(),
                        "first report for this year",
                    )
                    .with_help("a department publishes one report per year; keep one file"),
            );
        }
    }

    let by_slug: BTreeMap<&str, &Department> =
        departments.iter().map(|d| (d.slug.as_str(), d)).collect();
    for report in &reports {
        if let Some(previous) = seen.get(&(report.department.as_str(), report.year() - 1)) {
            check_carry_over(report, previous, diagnostics);
        }
        if let Some(department) = by_slug.get(report.department.as_str()) {
            check_deadline(report, department, diagnostics);
        }
        if report.format.value == ReportFormat::Y2021 {
            check_catalog(report, items, diagnostics);
            if let Some(previous) = seen.get(&(report.department.as_str(), report.year() - 1))
                && previous.format.value == ReportFormat::Y2021
            {
                check_stock(report, previous, diagnostics);
            }
        }
        check_narrative_numbers(report, diagnostics);
    }
    reports
}

/// Sums in u128: seven cells of up to 2⁶³ each cannot overflow it.
fn sum(cells: &[u64]) -> u128 {
    cells.iter().map(|&c| u128::from(c)).sum()
}

fn check_arithmetic(report: &Report, diagnostics: &mut Diagnostics) {
    let src = &report.source;
    let year = report.year();

    if let Some(file_year) = report.file_year
        && file_year != year
    {
        diagnostics.push(
            src.error(
                "report-year",
                report.year.span.clone(),
                format!("the file is named {file_year} but says `year = {year}`"),
            )
            .with_help(format!(
                "a report's file is named after the year it covers: rename the file to {year}.toml or correct `year`"
            )),
        );
    }
    let expected = ReportFormat::for_year(year);
    if report.format.value != expected {
        let why = match expected {
            ReportFormat::Y2021 => {
                "reports for 2021 and later use the 2021 format (国办公开办函〔2021〕30号)"
            }
            ReportFormat::Y2019 => {
                "reports for 2019 and 2020 use the 2019 trial format (国办公开办函〔2019〕60号)"
            }
        };
        diagnostics.push(
            src.error(
                "report-format",
                report.format.span.clone(),
                format!(
                    "format \"{}\" does not match the year {year}: {why}",
                    report.format.value.key()
                ),
            )
            .with_help(format!(
                "write `format = \"{}\"` and lay the tables out as that format has them",
                expected.key()
            )),
        );
    }

    let layout = application_layout(report.format.value);
    // Row totals.
    for (row, def) in report.applications.iter().zip(layout) {
        let parts = sum(&row.cells[..6]);
        if parts != u128::from(row.cells[6]) {
            diagnostics.push(
                src.error(
                    "report-row-total",
                    row.span.clone(),
                    format!(
                        "table {TABLE_3}, row {}: 总计 is {} but 自然人 to 其他 add up to {parts}",
                        def.short, row.cells[6]
                    ),
                )
                .with_help("the 总计 column of every row is the sum of its six applicant columns"),
            );
        }
    }
    let outcomes: Vec<_> = report
        .applications
        .iter()
        .zip(layout)
        .filter(|(_, d)| d.role == RowRole::Outcome)
        .map(|(r, _)| r)
        .collect();
    let find = |role: RowRole| {
        report
            .applications
            .iter()
            .zip(layout)
            .find(|(_, d)| d.role == role)
            .map(|(r, _)| r)
    };
    let (Some(new), Some(carried_over), Some(total), Some(forward)) = (
        find(RowRole::New),
        find(RowRole::CarriedOver),
        find(RowRole::Total),
        find(RowRole::CarriedForward),
    ) else {
        return;
    };
    for (c, column) in APPLICANT_COLUMNS.iter().enumerate() {
        let added: u128 = outcomes.iter().map(|r| u128::from(r.cells[c])).sum();
        if added != u128::from(total.cells[c]) {
            diagnostics.push(
                src.error(
                    "report-result-total",
                    total.span.clone(),
                    format!(
                        "table {TABLE_3}: （七）总计 for {column} is {} but its {} rows add up to {added}",
                        total.cells[c],
                        outcomes.len()
                    ),
                )
                .with_help("（七）总计 is the sum of the outcome rows （一） to （六） in each column; each application has exactly one outcome"),
            );
        }
        let left = u128::from(new.cells[c]) + u128::from(carried_over.cells[c]);
        let right = u128::from(total.cells[c]) + u128::from(forward.cells[c]);
        if left != right {
            diagnostics.push(
                src.error(
                    "report-balance",
                    forward.span.clone(),
                    format!(
                        "table {TABLE_3}, column {column}: 一、本年新收 + 二、上年结转 = {left} but （七）总计 + 四、结转下年度 = {right}"
                    ),
                )
                .with_help("第一项加第二项之和，等于第三项加第四项之和: every application received or carried over is either answered this year or carried forward"),
            );
        }
    }
    for (row, (_, label)) in report.appeals.iter().zip(APPEAL_GROUPS) {
        let parts = sum(&row.cells[..4]);
        if parts != u128::from(row.cells[4]) {
            diagnostics.push(
                src.error(
                    "report-appeals-total",
                    row.span.clone(),
                    format!(
                        "table {TABLE_4}, {label}: 总计 is {} but {} add up to {parts}",
                        row.cells[4],
                        APPEAL_COLUMNS[..4].join(" + ")
                    ),
                )
                .with_help("each group's 总计 is 结果维持 + 结果纠正 + 其他结果 + 尚未审结"),
            );
        }
    }
}

fn check_carry_over(report: &Report, previous: &Report, diagnostics: &mut Diagnostics) {
    let (Some(now), Some(before)) = (
        report.application("carried_over"),
        previous.application("carried_forward"),
    ) else {
        return;
    };
    let differences: Vec<String> = APPLICANT_COLUMNS
        .iter()
        .enumerate()
        .filter(|(c, _)| now.cells[*c] != before.cells[*c])
        .map(|(c, column)| format!("{column} {} here, {} there", now.cells[c], before.cells[c]))
        .collect();
    if differences.is_empty() {
        return;
    }
    diagnostics.push(
        report
            .source
            .warning(
                "report-carry-over",
                now.span.clone(),
                format!(
                    "二、上年结转 differs from 四、结转下年度 of the {} report ({}): {}",
                    previous.year(),
                    previous.source.path.display(),
                    differences.join("; ")
                ),
            )
            .with_related(&previous.source, before.span.clone(), "结转下年度 of the previous year")
            .with_help("the applications carried over into this year are those the previous report carried forward; correct whichever report is wrong"),
    );
}

fn check_deadline(report: &Report, department: &Department, diagnostics: &mut Diagnostics) {
    let year = report.year();
    let government = is_government(department);
    let deadline = if government {
        Date::from_ymd(year + 1, 3, 31)
    } else {
        Date::from_ymd(year + 1, 1, 31)
    };
    let Some(deadline) = deadline else {
        return;
    };
    let published = report.published.value;
    if published.year() <= year {
        diagnostics.push(
            report
                .source
                .warning(
                    "report-early",
                    report.published.span.clone(),
                    format!(
                        "published {published}, before the year {year} that the report covers had ended"
                    ),
                )
                .with_help(format!(
                    "a report on {year} is published in {} (by {deadline}); check `published` and `year`",
                    year + 1
                )),
        );
    }
    if published > deadline {
        let who = if government {
            "a government's (人民政府) report is due by 31 March"
        } else {
            "a department's report is due by 31 January"
        };
        diagnostics.push(
            report
                .source
                .warning(
                    "report-late",
                    report.published.span.clone(),
                    format!(
                        "published {published}, after the deadline {deadline}: {who} of the following year (条例 第四十九条)"
                    ),
                )
                .with_help("if the date is a typing mistake, correct it; otherwise the late publication is on record and this warning stays"),
        );
    }
}

/// What the catalog holds for one kind of document in one year:
/// (issued in the year, retired in the year, in force on 31 December).
pub fn catalog_counts(items: &[Item], department: &str, kinds: &[&str], year: i32) -> [u64; 3] {
    let Some(end) = Date::from_ymd(year, 12, 31) else {
        return [0; 3];
    };
    let mut counts = [0u64; 3];
    for item in items {
        let c = &item.catalog;
        if c.department != department
            || !c
                .kind
                .as_ref()
                .is_some_and(|k| kinds.contains(&k.value.as_str()))
        {
            continue;
        }
        let issued = c.written.as_ref().map_or(c.published.value, |w| w.value);
        // The document's own validity (a deleted web page does not repeal it).
        let (validity, retired) = validity_on(c, end);
        let retired = match validity {
            Validity::Repealed | Validity::Expired => Some(retired),
            _ => None,
        };
        if issued.year() == year {
            counts[0] += 1;
        }
        if let Some(Some(r)) = retired
            && r.year() == year
        {
            counts[1] += 1;
        }
        let in_force = issued <= end
            && c.effective.is_none_or(|e| e <= end)
            && match retired {
                None => true,
                Some(Some(r)) => r > end,
                Some(None) => false,
            };
        if in_force {
            counts[2] += 1;
        }
    }
    counts
}

fn check_catalog(report: &Report, items: &[Item], diagnostics: &mut Diagnostics) {
    const COLUMNS: [&str; 3] = ["本年制发件数", "本年废止件数", "现行有效件数"];
    for (key, label, kinds) in [
        ("rules", "规章", RULE_KINDS),
        ("normative_documents", "行政规范性文件", NORMATIVE_KINDS),
    ] {
        let Some(row) = report.proactive_row(key) else {
            continue;
        };
        let counts = catalog_counts(items, &report.department, kinds, report.year());
        let differences: Vec<String> = row
            .cells
            .iter()
            .zip(counts)
            .zip(COLUMNS)
            .filter(|((cell, count), _)| cell.as_f64() != *count as f64)
            .map(|((cell, count), column)| {
                let reported = match cell {
                    Number::Int(n) => n.to_string(),
                    Number::Decimal(x) => x.to_string(),
                };
                format!("{column} is {reported} but the catalog holds {count}")
            })
            .collect();
        if !differences.is_empty() {
            diagnostics.push(
                report
                    .source
                    .warning(
                        "report-catalog",
                        row.span.clone(),
                        format!(
                            "table {TABLE_2}, {label} for {}: {} (文种 {})",
                            report.year(),
                            differences.join("; "),
                            kinds.join(" or ")
                        ),
                    )
                    .with_help("the catalog counts items of that 文种 by 成文日期 (or 发布日期), `retired` date and status on 31 December; correct the report or add the missing catalog items"),
            );
        }
    }
}

/// 现行有效 (N) = 现行有效 (N−1) + 本年制发 (N) − 本年废止 (N), for 规章
/// and 行政规范性文件 (domain.md AR-10; a heuristic, so a warning).
fn check_stock(report: &Report, previous: &Report, diagnostics: &mut Diagnostics) {
    for (key, label) in [("rules", "规章"), ("normative_documents", "行政规范性文件")] {
        let (Some(now), Some(before)) = (report.proactive_row(key), previous.proactive_row(key))
        else {
            continue;
        };
        let [issued, repealed, current] =
            [now.cells[0], now.cells[1], now.cells[2]].map(Number::as_f64);
        let expected = before.cells[2].as_f64() + issued - repealed;
        if expected != current {
            diagnostics.push(
                report
                    .source
                    .warning(
                        "report-stock",
                        now.span.clone(),
                        format!(
                            "table {TABLE_2}, {label}: 现行有效件数 is {current} but the {} report's {} + 本年制发 {issued} − 本年废止 {repealed} = {expected}",
                            previous.year(),
                            before.cells[2].as_f64(),
                        ),
                    )
                    .with_related(&previous.source, before.span.clone(), "现行有效件数 of the previous year")
                    .with_help("documents in force at the end of the year are last year's, plus those issued, minus those repealed this year; revisions or renumbering can explain a difference"),
            );
        }
    }
}

/// Numbers that section 一 quotes ("新收…66 件", "办结 69 件") against the
/// table cells they name (domain.md AR-12).
fn check_narrative_numbers(report: &Report, diagnostics: &mut Diagnostics) {
    use std::sync::OnceLock;
    static PATTERNS: OnceLock<Vec<(regex::Regex, &'static str)>> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            ("新收", "new"),
            ("上年结转", "carried_over"),
            ("办结", "total"),
            ("结转下年度", "carried_forward"),
            ("行政复议", "review"),
            ("行政诉讼", "litigation"),
        ]
        .into_iter()
        .map(|(words, cell)| {
            let re = regex::Regex::new(&format!(r"{words}[^，。；、,;\d]{{0,20}}?(\d+)\s*件"))
                .expect("valid pattern");
            (re, cell)
        })
        .collect()
    });
    let (Some(narrative), Some(md)) = (&report.narrative, &report.narrative_source) else {
        return;
    };
    let range = narrative.overview_range.clone();
    let Some(text) = md.text.get(range.clone()) else {
        return;
    };
    let total = |key: &str| report.application(key).map(|r| r.cells[6]);
    let appeal = |i: usize| report.appeals.get(i).map(|r| r.cells[4]);
    for (re, cell) in patterns {
        let expected = match *cell {
            "review" => appeal(0),
            "litigation" => appeal(1).zip(appeal(2)).map(|(a, b)| a + b),
            key => total(key),
        };
        let Some(expected) = expected else { continue };
        for caps in re.captures_iter(text) {
            let number = caps.get(1).expect("group");
            let Ok(quoted) = number.as_str().parse::<u64>() else {
                continue;
            };
            if quoted != expected {
                let whole = caps.get(0).expect("match");
                let span = range.start + whole.start()..range.start + whole.end();
                let table = match *cell {
                    "review" => "table 四 行政复议 总计".to_string(),
                    "litigation" => "table 四 行政诉讼 总计 (直接起诉 + 复议后起诉)".to_string(),
                    key => format!(
                        "table 三 {} 总计",
                        application_layout(report.format.value)
                            .iter()
                            .find(|d| d.key == key)
                            .map_or(key, |d| d.short)
                    ),
                };
                diagnostics.push(
                    md.warning(
                        "report-narrative-number",
                        span,
                        format!(
                            "the text says \"{}\" but {table} is {expected}",
                            whole.as_str()
                        ),
                    )
                    .with_help("the narrative should quote the same numbers as the tables; correct whichever is wrong"),
                );
            }
        }
    }
}
