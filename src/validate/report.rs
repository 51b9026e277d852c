//! Annual reports: the template's arithmetic (errors), and what other
//! files say about the same numbers (warnings).
//!
//! Errors (the build fails): every table 三 row's 总计 equals its six
//! columns; （七）总计 equals the outcome rows, per column; 一 + 二 =
//! （七） + 四, per column; each table 四 group's 总计 equals its four
//! parts; the file name is the year (the format for the year is checked
//! while loading). A report kept as published (`as_published = true`)
//! gets these as warnings, and each broken rule as a note for its page.
//! Warnings: 上年结转 against last year's 结转下年度; table 二's 规章 and
//! 行政规范性文件 against the catalog; publication after the deadline of
//! 条例 第四十九条; numbers section 一 quotes against the tables. Reports
//! never expire.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::diagnostics::Diagnostics;
use crate::diagnostics::Severity;
use crate::model::report::{
    APPEAL_COLUMNS, APPEAL_GROUPS, APPLICANT_COLUMNS, Number, Report, ReportFormat, RowRole, Sic,
    SicRule, TABLE_2, TABLE_3, TABLE_4, application_layout,
};
use crate::model::{Date, Department, Validity};

use super::Item;

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
    for report in &mut reports {
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

/// Report one broken rule: an error, or, for a report kept as published,
/// a warning and a note for its page.
fn broken(
    report: &mut Report,
    diagnostics: &mut Diagnostics,
    sic: Sic,
    diagnostic: crate::diagnostics::Diagnostic,
) {
    let mut d = diagnostic;
    let extra = if report.as_published {
        d.severity = Severity::Warning;
        report.notes.push(sic);
        "the report is kept as published (`as_published = true`): its page shows the numbers unchanged, with a note"
    } else {
        "a past report published with this mistake can be kept as issued with `as_published = true`; a new report must add up"
    };
    d.help = Some(match d.help.take() {
        Some(h) => format!("{h}; {extra}"),
        None => extra.to_string(),
    });
    diagnostics.push(d);
}

/// " (blank cells count as 0)" when any took part.
fn blank_note(blanks: bool) -> &'static str {
    if blanks {
        " (blank cells count as 0)"
    } else {
        ""
    }
}

/// The notes an earlier revision of a report kept as published shows
/// (its arithmetic as the current file's is checked, the warnings dropped:
/// they were given when that revision was built).
pub fn revision_notes(report: &Report) -> Report {
    let mut report = Report {
        notes: Vec::new(),
        ..report.clone()
    };
    check_arithmetic(&mut report, &mut Diagnostics::default());
    report
}

fn check_arithmetic(report: &mut Report, diagnostics: &mut Diagnostics) {
    let year = report.year();

    if let Some(file_year) = report.file_year
        && file_year != year
    {
        diagnostics.push(
            report.source.error(
                "report-year",
                report.year.span.clone(),
                format!("the file is named {file_year} but says `year = {year}`"),
            )
            .with_help(format!(
                "a report's file is named after the year it covers: rename the file to {year}.toml or correct `year`"
            )),
        );
    }

    let layout = application_layout(report.format.value);
    let mut found: Vec<(Sic, crate::diagnostics::Diagnostic)> = Vec::new();
    let src = &report.source;
    // Row totals.
    for (row, def) in report.applications.iter().zip(layout) {
        let parts = sum(&row.cells[..6]);
        if parts != u128::from(row.cells[6]) {
            let blanks = row.blank.iter().any(|b| *b);
            found.push((
                Sic {
                    rule: SicRule::RowTotal,
                    row: def.key,
                    column: 6,
                    stated: u128::from(row.cells[6]),
                    stated_blank: row.blank[6],
                    computed: parts,
                    blanks,
                },
                src.error(
                    "report-row-total",
                    row.span.clone(),
                    format!(
                        "table {TABLE_3}, row {}: 总计 is {} but 自然人 to 其他 add up to {parts}{}",
                        def.short,
                        row.cells[6],
                        blank_note(blanks)
                    ),
                )
                .with_help("the 总计 column of every row is the sum of its six applicant columns"),
            ));
        }
    }
    let rows: Vec<_> = report.applications.iter().zip(layout).collect();
    let outcomes: Vec<_> = rows
        .iter()
        .filter(|(_, d)| d.role == RowRole::Outcome)
        .map(|(r, _)| *r)
        .collect();
    let find = |role: RowRole| rows.iter().find(|(_, d)| d.role == role).map(|(r, _)| *r);
    if let (Some(new), Some(carried_over), Some(total), Some(forward)) = (
        find(RowRole::New),
        find(RowRole::CarriedOver),
        find(RowRole::Total),
        find(RowRole::CarriedForward),
    ) {
        for (c, column) in APPLICANT_COLUMNS.iter().enumerate() {
            let added: u128 = outcomes.iter().map(|r| u128::from(r.cells[c])).sum();
            if added != u128::from(total.cells[c]) {
                let blanks = total.blank[c] || outcomes.iter().any(|r| r.blank[c]);
                found.push((
                    Sic {
                        rule: SicRule::ResultTotal,
                        row: total.key,
                        column: c,
                        stated: u128::from(total.cells[c]),
                        stated_blank: total.blank[c],
                        computed: added,
                        blanks,
                    },
                    src.error(
                        "report-result-total",
                        total.span.clone(),
                        format!(
                            "table {TABLE_3}: （七）总计 for {column} is {} but its {} rows add up to {added}{}",
                            total.cells[c],
                            outcomes.len(),
                            blank_note(blanks)
                        ),
                    )
                    .with_help("（七）总计 is the sum of the outcome rows （一） to （六） in each column; each application has exactly one outcome"),
                ));
            }
            let left = u128::from(new.cells[c]) + u128::from(carried_over.cells[c]);
            let right = u128::from(total.cells[c]) + u128::from(forward.cells[c]);
            if left != right {
                let blanks = [new, carried_over, total, forward]
                    .iter()
                    .any(|r| r.blank[c]);
                found.push((
                    Sic {
                        rule: SicRule::Balance,
                        row: forward.key,
                        column: c,
                        stated: left,
                        stated_blank: false,
                        computed: right,
                        blanks,
                    },
                    src.error(
                        "report-balance",
                        forward.span.clone(),
                        format!(
                            "table {TABLE_3}, column {column}: 一、本年新收 + 二、上年结转 = {left} but （七）总计 + 四、结转下年度 = {right}{}",
                            blank_note(blanks)
                        ),
                    )
                    .with_help("第一项加第二项之和，等于第三项加第四项之和: every application received or carried over is either answered this year or carried forward"),
                ));
            }
        }
    }
    for (row, (key, label)) in report.appeals.iter().zip(APPEAL_GROUPS) {
        let parts = sum(&row.cells[..4]);
        if parts != u128::from(row.cells[4]) {
            let blanks = row.blank.iter().any(|b| *b);
            found.push((
                Sic {
                    rule: SicRule::AppealsTotal,
                    row: key,
                    column: 4,
                    stated: u128::from(row.cells[4]),
                    stated_blank: row.blank[4],
                    computed: parts,
                    blanks,
                },
                src.error(
                    "report-appeals-total",
                    row.span.clone(),
                    format!(
                        "table {TABLE_4}, {label}: 总计 is {} but {} add up to {parts}{}",
                        row.cells[4],
                        APPEAL_COLUMNS[..4].join(" + "),
                        blank_note(blanks)
                    ),
                )
                .with_help("each group's 总计 is 结果维持 + 结果纠正 + 其他结果 + 尚未审结"),
            ));
        }
    }
    for (sic, diagnostic) in found {
        broken(report, diagnostics, sic, diagnostic);
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
        let c = &item.doc;
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
        let (validity, retired) = c.validity_on(end);
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

/// What a number quoted in the narrative stands for, by the words
/// before it in its clause; the first kind whose words appear wins, so
/// the more specific kinds come first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quoted {
    CarriedForward,
    CarriedOver,
    GrantedOrPartly,
    Granted,
    Partly,
    Denied,
    Unable,
    NotProcessed,
    OtherOutcome,
    ReviewAndLitigation,
    Review,
    Litigation,
    NaturalPersons,
    Organisations,
    New,
    Answered,
}

const QUOTED_WORDS: &[(Quoted, &[&str])] = &[
    (
        Quoted::CarriedForward,
        &[
            "结转下",
            "转下年",
            "转下一年",
            "结转至下",
            "结转到下",
            "顺延到下",
            "顺延至下",
            "转入下",
        ],
    ),
    (Quoted::CarriedOver, &["年结转", "年度结转"]),
    (
        Quoted::GrantedOrPartly,
        &["予以公开及部分公开", "予以公开和部分公开", "公开及部分公开"],
    ),
    (Quoted::Granted, &["予以公开", "同意公开"]),
    (Quoted::Partly, &["部分公开"]),
    (Quoted::Denied, &["不予公开"]),
    (Quoted::Unable, &["无法提供"]),
    (Quoted::NotProcessed, &["不予处理"]),
    (Quoted::OtherOutcome, &["其他处理"]),
    (
        Quoted::ReviewAndLitigation,
        &[
            "复议、行政诉讼",
            "复议和行政诉讼",
            "复议及行政诉讼",
            "复议、诉讼",
        ],
    ),
    (Quoted::Review, &["行政复议"]),
    (Quoted::Litigation, &["诉讼"]),
    (Quoted::NaturalPersons, &["自然人"]),
    (Quoted::Organisations, &["法人或其他组织", "法人和其他组织"]),
    (Quoted::New, &["收到", "受理", "接收", "新收", "收办"]),
    (Quoted::Answered, &["办结", "答复", "办理"]),
];

/// The words a clause must also contain for a kind to apply: a count of
/// 受理 网络问政 is not one of applications.
fn also_needed(kind: Quoted) -> &'static [&'static str] {
    match kind {
        Quoted::New | Quoted::NaturalPersons | Quoted::Organisations => &["申请"],
        _ => &[],
    }
}

/// The table values a quoted number of `kind` may stand for (reports
/// phrase some counts either way: 受理 is the new applications or those
/// plus the carried over; 无法提供 "因本机关不掌握等原因" is the group or
/// its first row).
fn table_values(report: &Report, kind: Quoted) -> Vec<u64> {
    let row = |key: &str| report.application(key);
    let total = |key: &str| row(key).map_or(0, |r| r.total_or_parts());
    let group = |prefix: &str| {
        report
            .applications
            .iter()
            .filter(|r| {
                r.key == prefix
                    || r.key
                        .strip_prefix(prefix)
                        .is_some_and(|k| k.starts_with('.'))
            })
            .fold(0u64, |a, r| a.saturating_add(r.total_or_parts()))
    };
    let appeal = |i: usize| report.appeals.get(i).map_or(0, |r| r.total_or_parts());
    let column = |key: &str, columns: std::ops::Range<usize>| {
        row(key).map_or(0, |r| {
            r.cells[columns]
                .iter()
                .fold(0u64, |a, c| a.saturating_add(*c))
        })
    };
    let new = total("new");
    let over = total("carried_over");
    match kind {
        Quoted::CarriedForward => vec![total("carried_forward")],
        Quoted::CarriedOver => vec![over],
        Quoted::GrantedOrPartly => vec![total("granted") + total("partly_granted")],
        Quoted::Granted => vec![total("granted")],
        Quoted::Partly => vec![total("partly_granted")],
        Quoted::Denied => vec![group("denied")],
        Quoted::Unable => vec![group("unable"), total("unable.not_held")],
        Quoted::NotProcessed => vec![group("not_processed")],
        Quoted::OtherOutcome => vec![group("other")],
        Quoted::ReviewAndLitigation => vec![appeal(0) + appeal(1) + appeal(2)],
        Quoted::Review => vec![appeal(0)],
        Quoted::Litigation => vec![appeal(1) + appeal(2)],
        Quoted::NaturalPersons => {
            let (n, o) = (column("new", 0..1), column("carried_over", 0..1));
            vec![n, n + o]
        }
        Quoted::Organisations => {
            let (n, o) = (column("new", 1..6), column("carried_over", 1..6));
            vec![n, n + o]
        }
        Quoted::New => vec![new, new + over],
        Quoted::Answered => vec![total("total")],
    }
}

fn table_name(kind: Quoted) -> &'static str {
    match kind {
        Quoted::CarriedForward => "table 三 四、结转下年度 总计",
        Quoted::CarriedOver => "table 三 二、上年结转 总计",
        Quoted::GrantedOrPartly => "table 三 （一）予以公开 + （二）部分公开",
        Quoted::Granted => "table 三 （一）予以公开 总计",
        Quoted::Partly => "table 三 （二）部分公开 总计",
        Quoted::Denied => "table 三 （三）不予公开, all rows",
        Quoted::Unable => "table 三 （四）无法提供, all rows (or its row 1)",
        Quoted::NotProcessed => "table 三 （五）不予处理, all rows",
        Quoted::OtherOutcome => "table 三 （六）其他处理, all rows",
        Quoted::ReviewAndLitigation => "table 四 行政复议 + 行政诉讼 总计",
        Quoted::Review => "table 四 行政复议 总计",
        Quoted::Litigation => "table 四 行政诉讼 总计 (直接起诉 + 复议后起诉)",
        Quoted::NaturalPersons => "table 三 自然人 of 一、本年新收 (or with 二、上年结转)",
        Quoted::Organisations => "table 三 法人或其他组织 of 一、本年新收 (or with 二、上年结转)",
        Quoted::New => "table 三 一、本年新收 总计 (or with 二、上年结转)",
        Quoted::Answered => "table 三 （七）总计",
    }
}

/// What a number quoted at `number` (a byte range of `text`, followed by
/// 件 or 起) stands for: the words of its clause before it (back to the
/// previous number or the end of the previous sentence); for a number
/// that opens its clause ("另有72件申请…顺延到下年度"), the words after it.
fn quoted_kind(text: &str, number: Range<usize>) -> Option<Quoted> {
    let before = &text[..number.start];
    let from = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_digit() || matches!(c, '。' | '；' | ';' | '\n'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let clause = &before[from..];
    let kind_in = |clause: &str| {
        QUOTED_WORDS.iter().find_map(|(kind, words)| {
            (words.iter().any(|w| clause.contains(w))
                && also_needed(*kind).iter().all(|w| clause.contains(w)))
            .then_some(*kind)
        })
    };
    if let Some(kind) = kind_in(clause) {
        return Some(kind);
    }
    let after = &text[number.end..];
    let to = after
        .char_indices()
        .find(|(_, c)| matches!(c, '。' | '；' | ';' | '，' | ',' | '）' | '\n'))
        .map_or(after.len(), |(i, _)| i);
    kind_in(&after[..to]).filter(|k| *k == Quoted::CarriedForward)
}

/// Numbers that section 一 quotes ("收到申请…66 件", "办结 69 件",
/// "行政复议 3 起") against the table values they name (domain.md AR-12).
fn check_narrative_numbers(report: &Report, diagnostics: &mut Diagnostics) {
    use std::sync::OnceLock;
    static NUMBER: OnceLock<regex::Regex> = OnceLock::new();
    let number =
        NUMBER.get_or_init(|| regex::Regex::new(r"(\d+)\s*(件|起)").expect("valid pattern"));
    let (Some(narrative), Some(md)) = (&report.narrative, &report.narrative_source) else {
        return;
    };
    let range = narrative.overview_range.clone();
    let Some(text) = md.text.get(range.clone()) else {
        return;
    };
    for caps in number.captures_iter(text) {
        let digits = caps.get(1).expect("group");
        // Part of a decimal or a date ("12.3", "2024年"), not a count.
        if text[..digits.start()].ends_with('.') {
            continue;
        }
        let Ok(quoted) = digits.as_str().parse::<u64>() else {
            continue;
        };
        let Some(kind) = quoted_kind(text, digits.range()) else {
            continue;
        };
        let values = table_values(report, kind);
        if values.contains(&quoted) {
            continue;
        }
        let whole = caps.get(0).expect("match");
        let sentence_start = text[..whole.start()]
            .rfind(['。', '；', '\n'])
            .map_or(0, |i| {
                i + text[i..].chars().next().map_or(1, char::len_utf8)
            });
        let sentence_end = text[whole.end()..]
            .find(['。', '；', '\n'])
            .map_or(text.len(), |i| whole.end() + i);
        let sentence = text[sentence_start..sentence_end].trim();
        let span = range.start + whole.start()..range.start + whole.end();
        let expected = values
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" or ");
        diagnostics.push(
            md.warning(
                "report-narrative-number",
                span,
                format!(
                    "the sentence \"{sentence}\" quotes {} but {} is {expected}",
                    whole.as_str(),
                    table_name(kind)
                ),
            )
            .with_help("the narrative should quote the same numbers as the tables; correct whichever is wrong (a report kept as published keeps its text, and this warning stays)"),
        );
    }
}
