//! `gongkai new report --dept SLUG --year YYYY`: a report file with every
//! cell of its format present and zero (so it passes `gongkai check` as
//! written), and the narrative with the three headings. From last year's
//! report, when there is one, it takes 上年结转 (= its 结转下年度) and the
//! 现行有效件数 of 规章 and 行政规范性文件, so that the carry-over and
//! stock checks hold from the start.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::load;
use crate::model::Date;
use crate::model::report;
use crate::model::report::{
    APPEAL_COLUMNS, APPEAL_GROUPS, APPLICANT_COLUMNS, CellKind, NARRATIVE_HEADINGS, ReportFormat,
};

use super::{ScaffoldError, create_file};

/// Create `content/<dept>/reports/<year>.toml` and `<year>.md`, dated
/// `today`. Writes nothing when either exists.
pub fn new_report(
    root: &Path,
    dept: &str,
    year: i32,
    today: Date,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    if !(2019..=9999).contains(&year) {
        return Err(ScaffoldError::Usage(format!(
            "--year {year}: the national template covers reports for 2019 and later"
        )));
    }
    let (raw, _) = load::load(root)?;
    let Some(department) = raw.departments.iter().find(|d| d.slug == dept) else {
        let known: Vec<&str> = raw.departments.iter().map(|d| d.slug.as_str()).collect();
        let hint = match crate::diagnostics::did_you_mean(dept, known.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("departments: {}", known.join(", ")),
        };
        return Err(ScaffoldError::Usage(format!(
            "there is no department `{dept}` (no readable content/{dept}/department.toml); {hint}"
        )));
    };
    let dir = PathBuf::from("content").join(dept).join("reports");
    let toml_rel = dir.join(format!("{year}.toml"));
    let md_rel = dir.join(format!("{year}.md"));
    for rel in [&toml_rel, &md_rel] {
        if root.join(rel).exists() {
            return Err(ScaffoldError::Exists(root.join(rel)));
        }
    }
    let format = ReportFormat::for_year(year);
    // Last year's 结转下年度 is this year's 上年结转; written as carried
    // forward again too, so that the file balances until it is filled in.
    let previous = raw
        .reports
        .iter()
        .find(|r| r.department == dept && r.year() == year - 1);
    let carried = previous
        .and_then(|r| r.application("carried_forward"))
        .map(|row| row.cells);
    let mut text = report_text(&department.name, year, format, today);
    // Last year's 现行有效件数 of 规章 and 行政规范性文件 are still in force
    // until this year's 制发 and 废止 are filled in.
    if let Some(previous) =
        previous.filter(|p| p.format.value == format && format == ReportFormat::Y2021)
    {
        for key in ["rules", "normative_documents"] {
            if let Some(row) = previous.proactive_row(key) {
                let current = match row.cells[2] {
                    crate::model::report::Number::Int(n) => n.to_string(),
                    crate::model::report::Number::Decimal(x) => x.to_string(),
                };
                text = text.replacen(
                    &format!("\n{key} = [0, 0, 0]"),
                    &format!("\n{key} = [0, 0, {current}]"),
                    1,
                );
            }
        }
    }
    if let Some(cells) = carried {
        let row = format!(
            "[{}]",
            cells
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        let zero = zeros(7);
        for key in ["carried_over", "carried_forward"] {
            text = text.replacen(&format!("\n{key} = {zero}"), &format!("\n{key} = {row}"), 1);
        }
    }
    create_file(&root.join(&toml_rel), &text)?;
    create_file(&root.join(&md_rel), &narrative_text(&department.name, year))?;
    Ok(vec![toml_rel, md_rel])
}

fn zeros(n: usize) -> String {
    format!("[{}]", vec!["0"; n].join(", "))
}

/// The report's TOML with every row of `format`, all zero.
pub fn report_text(name: &str, year: i32, format: ReportFormat, today: Date) -> String {
    let mut t = String::new();
    let template = match format {
        ReportFormat::Y2021 => "国办公开办函〔2021〕30号",
        ReportFormat::Y2019 => "2019年试行格式，国办公开办函〔2019〕60号",
    };
    let _ = writeln!(
        t,
        "# {name}{year}年政府信息公开工作年度报告（表格数据，格式：{template}）"
    );
    let _ = writeln!(
        t,
        "# Every cell must hold a number: 0 when there is nothing to report. The narrative"
    );
    let _ = writeln!(
        t,
        "# sections 一、五、六 are in {year}.md next to this file."
    );
    let _ = writeln!(t, "year = {year}");
    let _ = writeln!(t, "format = \"{}\"", format.key());
    let _ = writeln!(t, "published = {today}");
    let _ = writeln!(
        t,
        "# 标题 (title) as it was published, when it differs from the usual one.\n# title = \"{name}{year}年政府信息公开工作年度报告\"\n# 按原样 (as_published): a report kept exactly as it was issued; its arithmetic is then\n# reported as warnings and its blank cells (\"\") stay.\n# as_published = true"
    );
    let _ = writeln!(
        t,
        "# 草稿 (draft): shown by `gongkai serve`, never published by `gongkai build`.\n# Delete this line when the report is ready to publish.\ndraft = true"
    );
    let _ = writeln!(t, "\n[proactive]  # {}", report::TABLE_2);
    for block in report::proactive_layout(format) {
        let columns: Vec<&str> = block.columns.iter().map(|c| c.0).collect();
        for (key, label) in block.rows {
            let value = match block.columns {
                [(_, CellKind::Money)] => "0.0".to_string(),
                [_] => "0".to_string(),
                columns => zeros(columns.len()),
            };
            let _ = writeln!(
                t,
                "{key} = {value}  # {} {label}: {}",
                block.caption,
                columns.join(", ")
            );
        }
    }
    let _ = writeln!(t, "\n[applications]  # {}", report::TABLE_3);
    let _ = writeln!(t, "# columns: {}", APPLICANT_COLUMNS.join(", "));
    for def in report::application_layout(format) {
        let _ = writeln!(t, "{} = {}  # {}", def.key, zeros(7), def.short);
    }
    let _ = writeln!(t, "\n[appeals]  # {}", report::TABLE_4);
    let _ = writeln!(t, "# columns: {}", APPEAL_COLUMNS.join(", "));
    for (key, label) in APPEAL_GROUPS {
        let _ = writeln!(t, "{key} = {}  # {label}", zeros(5));
    }
    t
}

fn narrative_text(name: &str, year: i32) -> String {
    let mut t = String::new();
    for (i, (heading, _)) in NARRATIVE_HEADINGS.iter().enumerate() {
        if i > 0 {
            t.push('\n');
        }
        let _ = writeln!(t, "## {heading}\n");
        let hint = match i {
            0 => format!(
                "{name}{year}年政府信息公开工作的总体情况：主动公开、依申请公开、政府信息管理、平台建设、监督保障。"
            ),
            1 => "存在的主要问题及改进情况。".to_string(),
            _ => "其他需要报告的事项，如收取信息处理费的情况。".to_string(),
        };
        let _ = writeln!(t, "<!-- {hint} -->");
    }
    t
}
