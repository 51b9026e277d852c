//! Annual report pages: the six sections of the national template, its
//! tables laid out exactly as the template has them (merged header cells,
//! no subtotal rows or columns), and two inline SVG charts.
//!
//! Table labels are the template's own wording (Simplified Chinese, as
//! the State Council published it) in every interface language; the
//! interface strings around them come from the `[report]` table of the
//! theme's i18n files. Numbers use "," thousands grouping in all three
//! languages (zh-CN, zh-TW and en all group by three with a comma).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::report::{
    APPEAL_COLUMNS, APPEAL_GROUPS, APPLICANT_COLUMNS, NARRATIVE_HEADINGS, Number, Report,
    ReportFormat, RowRole, Sic, SicRule, TABLE_2, TABLE_3, TABLE_4, application_layout,
    proactive_layout,
};
use crate::model::{Date, Language};
use crate::sink::Sink;
use crate::text::escape;
use crate::validate::{Document, Site};

use super::revisions::SnapshotView;
use super::views::Link;
use super::{DocumentPages, Page, RenderError, Renderer, markdown, timemap, urls};

/// The corner note of table 三, verbatim.
pub const BALANCE_NOTE: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

/// `12345678` → `12,345,678`.
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `group_digits` for the sums of the rules (which may pass u64).
fn group_digits_wide(n: u128) -> String {
    u64::try_from(n).map_or_else(|_| n.to_string(), group_digits)
}

/// A table 二 number: counts grouped, signed deltas with their sign,
/// amounts with the decimals written (316441.5 → `316,441.5`).
pub fn format_number(n: Number) -> String {
    match n {
        Number::Int(i) if i < 0 => format!("-{}", group_digits(i.unsigned_abs())),
        Number::Int(i) => group_digits(i as u64),
        Number::Decimal(x) => {
            let text = format!("{x}");
            let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
            let grouped = group_digits(int.parse().unwrap_or(0));
            if frac.is_empty() {
                grouped
            } else {
                format!("{grouped}.{frac}")
            }
        }
    }
}

/// An amount as it was written: the integer part grouped, the decimals
/// and the unit kept (`73802895.90` → `73,802,895.90`, `251000元` →
/// `251,000元`), so a published amount never loses a trailing zero.
pub fn format_written(text: &str) -> String {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    match text[..digits].parse::<u64>() {
        Ok(n) if digits > 0 => format!("{}{}", group_digits(n), &text[digits..]),
        _ => text.to_string(),
    }
}

#[derive(Serialize)]
struct HeadCell {
    text: String,
    colspan: usize,
    rowspan: usize,
    scope: &'static str,
}

#[derive(Serialize)]
struct NumCell {
    text: String,
    colspan: usize,
    /// A published number that breaks a rule (a note follows its row).
    sic: bool,
}

#[derive(Serialize)]
struct Row {
    heads: Vec<HeadCell>,
    cells: Vec<NumCell>,
    /// "原文如此：…" notes of a report kept as published.
    notes: Vec<String>,
    /// How many columns the notes row spans.
    note_colspan: usize,
}

fn count_cell(n: u64, blank: bool, sic: bool) -> NumCell {
    NumCell {
        text: if blank {
            String::new()
        } else {
            group_digits(n)
        },
        colspan: 1,
        sic,
    }
}

#[derive(Serialize)]
struct BlockView {
    caption: &'static str,
    columns: Vec<HeadCell>,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct Section {
    id: &'static str,
    heading: &'static str,
    html: Option<String>,
}

#[derive(Serialize)]
struct ReportView {
    year: i32,
    published: Date,
    format: &'static str,
    as_published: bool,
    department: Link,
    /// Sections 一 and 五, 六 (narrative) with their template headings.
    overview: Section,
    problems: Section,
    other: Section,
    table2_heading: &'static str,
    table3_heading: &'static str,
    table4_heading: &'static str,
    proactive: Vec<BlockView>,
    balance_note: &'static str,
    applicant_columns: [&'static str; 7],
    applications: Vec<Row>,
    appeal_columns: [&'static str; 5],
    appeal_groups: [&'static str; 3],
    appeals: Vec<NumCell>,
    appeal_notes: Vec<String>,
    outcome_chart: String,
    trend_chart: Option<String>,
    previous: Option<Link>,
    next: Option<Link>,
    reports_url: String,
}

#[derive(Serialize)]
struct ReportLink {
    year: i32,
    title: String,
    url: String,
    published: Date,
    new: String,
    answered: String,
    carried_forward: String,
}

#[derive(Serialize)]
struct DepartmentReports {
    name: String,
    url: String,
    reports_url: String,
    lang: Option<Language>,
    reports: Vec<ReportLink>,
}

fn head(text: impl Into<String>, colspan: usize, rowspan: usize, scope: &'static str) -> HeadCell {
    HeadCell {
        text: text.into(),
        colspan,
        rowspan,
        scope,
    }
}

fn proactive_view(report: &Report) -> Vec<BlockView> {
    let layout = proactive_layout(report.format.value);
    layout
        .iter()
        .map(|block| {
            // The table is four columns wide: 信息内容 and three values; a
            // block with fewer values merges the last one across the rest.
            let spans: Vec<usize> = match block.columns.len() {
                1 => vec![3],
                2 => vec![1, 2],
                _ => vec![1; block.columns.len()],
            };
            let mut columns = vec![head("信息内容", 1, 1, "col")];
            columns.extend(
                block
                    .columns
                    .iter()
                    .zip(&spans)
                    .map(|((label, _), span)| head(*label, *span, 1, "col")),
            );
            let rows = block
                .rows
                .iter()
                .map(|(key, label)| {
                    let cells = report
                        .proactive_row(key)
                        .map(|r| {
                            r.cells
                                .iter()
                                .zip(&spans)
                                .enumerate()
                                .map(|(i, (n, span))| NumCell {
                                    text: if r.blank.get(i).copied().unwrap_or(false) {
                                        String::new()
                                    } else if let Some(Some(w)) = r.written.get(i) {
                                        format_written(w)
                                    } else {
                                        format_number(*n)
                                    },
                                    colspan: *span,
                                    sic: false,
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    Row {
                        heads: vec![head(*label, 1, 1, "row")],
                        cells,
                        notes: Vec::new(),
                        note_colspan: 4,
                    }
                })
                .collect();
            BlockView {
                caption: block.caption,
                columns,
                rows,
            }
        })
        .collect()
}

/// `note` turns a broken rule into the reader's sentence. A row with
/// notes is followed by a row holding them, which the row-spanning group
/// headings span too, so the table's columns stay aligned.
fn applications_view(report: &Report, note: &dyn Fn(&Sic) -> String) -> Vec<Row> {
    let layout = application_layout(report.format.value);
    let sics: Vec<Vec<&Sic>> = layout
        .iter()
        .map(|def| {
            report
                .notes
                .iter()
                .filter(|n| n.rule != SicRule::AppealsTotal && n.row == def.key)
                .collect()
        })
        .collect();
    // Table rows a layout row takes: itself, and its notes row if any.
    let height = |i: usize| 1 + usize::from(!sics[i].is_empty());
    let in_three: usize = layout
        .iter()
        .enumerate()
        .filter(|(_, d)| matches!(d.role, RowRole::Outcome | RowRole::Total))
        .map(|(i, _)| height(i))
        .sum();
    let mut rows = Vec::new();
    let mut three_started = false;
    let mut last_group: Option<&str> = None;
    for (i, (def, row)) in layout.iter().zip(&report.applications).enumerate() {
        let mut heads = Vec::new();
        // The columns left of the numbers that the notes row must fill.
        let note_columns = match def.role {
            RowRole::New | RowRole::CarriedOver | RowRole::CarriedForward => {
                heads.push(head(def.label, 3, 1, "row"));
                3
            }
            RowRole::Outcome | RowRole::Total => {
                if !three_started {
                    three_started = true;
                    heads.push(head("三、本年度办理结果", 1, in_three, "rowgroup"));
                }
                match def.group {
                    Some(group) => {
                        if last_group != Some(group) {
                            let size = layout
                                .iter()
                                .enumerate()
                                .filter(|(_, d)| d.group == Some(group))
                                .map(|(j, _)| height(j))
                                .sum();
                            heads.push(head(group, 1, size, "rowgroup"));
                        }
                        heads.push(head(def.label, 1, 1, "row"));
                        1
                    }
                    None => {
                        heads.push(head(def.label, 2, 1, "row"));
                        2
                    }
                }
            }
        };
        last_group = def.group;
        rows.push(Row {
            heads,
            cells: row
                .cells
                .iter()
                .zip(row.blank)
                .enumerate()
                .map(|(c, (n, blank))| count_cell(*n, blank, sics[i].iter().any(|s| s.column == c)))
                .collect(),
            notes: sics[i].iter().map(|s| note(s)).collect(),
            note_colspan: note_columns + APPLICANT_COLUMNS.len(),
        });
    }
    rows
}

/// The six outcome categories of table 三 (column 总计).
fn outcome_categories(report: &Report) -> Vec<(&'static str, u64)> {
    // (label, key prefix): a row belongs to a category when its key is the
    // prefix or starts with the prefix and a dot.
    let groups: [(&str, &str); 6] = [
        ("（一）予以公开", "granted"),
        ("（二）部分公开", "partly_granted"),
        ("（三）不予公开", "denied"),
        ("（四）无法提供", "unable"),
        ("（五）不予处理", "not_processed"),
        ("（六）其他处理", "other"),
    ];
    groups
        .iter()
        .map(|(label, prefix)| {
            let total = report
                .applications
                .iter()
                .filter(|r| {
                    r.key == *prefix
                        || r.key
                            .strip_prefix(prefix)
                            .is_some_and(|rest| rest.starts_with('.'))
                })
                .map(|r| r.cells[6])
                .fold(0u64, u64::saturating_add);
            (*label, total)
        })
        .collect()
}

/// Bar colour: the theme's link blue (8:1 on white).
const BAR: &str = "#0b4f9c";

/// A horizontal bar chart of the outcome categories. `title` is its
/// accessible name; the numbers are also in its description (and in the
/// table above it).
pub fn outcome_chart(report: &Report, title: &str, unit: &str) -> String {
    let data = outcome_categories(report);
    let max = data.iter().map(|d| d.1).max().unwrap_or(0).max(1);
    let row_height = 28;
    let height = 8 + data.len() * row_height;
    let bar_x = 104;
    let bar_max = 196;
    let desc: Vec<String> = data
        .iter()
        .map(|(label, n)| format!("{label} {}{unit}", group_digits(*n)))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 360 {height}\" role=\"img\" aria-labelledby=\"chart-outcome-title chart-outcome-desc\">\n<title id=\"chart-outcome-title\">{}</title>\n<desc id=\"chart-outcome-desc\">{}</desc>\n<g font-size=\"13\" fill=\"#1a1a1a\">\n",
        escape(title),
        escape(&desc.join("；"))
    );
    for (i, (label, n)) in data.iter().enumerate() {
        let y = 6 + i * row_height;
        // Integer arithmetic: the same numbers always draw the same bytes.
        let width = (u128::from(*n) * bar_max as u128 / u128::from(max)) as usize;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n<rect x=\"{bar_x}\" y=\"{y}\" width=\"{width}\" height=\"18\" fill=\"{BAR}\"/>\n<text x=\"{}\" y=\"{}\">{}</text>\n",
            bar_x - 6,
            y + 14,
            escape(label),
            bar_x + width + 4,
            y + 14,
            group_digits(*n)
        );
    }
    svg.push_str("</g>\n</svg>");
    svg
}

/// Vertical bars of 本年新收 per year, oldest first.
pub fn trend_chart(points: &[(i32, u64)], title: &str, year_suffix: &str, unit: &str) -> String {
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
    let width = 360;
    let top = 24;
    let plot = 120;
    let height = top + plot + 28;
    let slot = (width - 20) / points.len().max(1);
    let bar = (slot * 3 / 5).min(56);
    let desc: Vec<String> = points
        .iter()
        .map(|(year, n)| format!("{year}{year_suffix} {}{unit}", group_digits(*n)))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"chart-trend-title chart-trend-desc\">\n<title id=\"chart-trend-title\">{}</title>\n<desc id=\"chart-trend-desc\">{}</desc>\n<g font-size=\"13\" fill=\"#1a1a1a\" text-anchor=\"middle\">\n<line x1=\"10\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555\"/>\n",
        escape(title),
        escape(&desc.join("；")),
        top + plot,
        width - 10,
        top + plot
    );
    for (i, (year, n)) in points.iter().enumerate() {
        let center = 10 + slot * i + slot / 2;
        let h = (u128::from(*n) * plot as u128 / u128::from(max)) as usize;
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"{bar}\" height=\"{h}\" fill=\"{BAR}\"/>\n<text x=\"{center}\" y=\"{}\">{}</text>\n<text x=\"{center}\" y=\"{}\">{year}</text>\n",
            center - bar / 2,
            top + plot - h,
            top + plot - h - 6,
            group_digits(*n),
            top + plot + 20,
        );
    }
    svg.push_str("</g>\n</svg>");
    svg
}

/// The reports of each department, oldest first.
pub fn by_department(reports: &[Report]) -> BTreeMap<&str, Vec<&Report>> {
    let mut map: BTreeMap<&str, Vec<&Report>> = BTreeMap::new();
    for r in reports {
        map.entry(r.department.as_str()).or_default().push(r);
    }
    for list in map.values_mut() {
        list.sort_by_key(|r| r.year());
    }
    map
}

/// Whether a report document is one of the site's current reports (its
/// page is planned with the others).
pub(super) fn is_current(site: &Site, doc: &Document<Report>) -> bool {
    site.reports.iter().any(|r| r.id == doc.id())
}

/// The pages of the reports: one per report, one index per department
/// with reports, and the site's index (when there is any report). A
/// department's former slugs (`aliases`) get redirects to its reports.
pub(super) fn plan<'a>(
    reports: &'a [Report],
    departments: &'a [crate::model::Department],
) -> Vec<(String, Page<'a>)> {
    let mut pages = Vec::new();
    for (slug, list) in by_department(reports) {
        pages.push((urls::department_reports(slug), Page::Reports(Some(slug))));
        let aliases = departments
            .iter()
            .filter(|d| d.slug == slug)
            .flat_map(|d| d.aliases.iter());
        for alias in aliases {
            pages.push((
                urls::department_reports(alias),
                Page::Redirect(urls::department_reports(slug)),
            ));
            for r in &list {
                pages.push((
                    urls::report(alias, r.year()),
                    Page::Redirect(urls::report(slug, r.year())),
                ));
            }
        }
        for r in list {
            pages.push((urls::report(slug, r.year()), Page::Report(r)));
        }
    }
    if !reports.is_empty() {
        pages.push((urls::REPORTS.to_string(), Page::Reports(None)));
    }
    pages
}

impl Renderer<'_> {
    /// A string of the `[report]` table of the interface strings.
    pub(super) fn report_string(&self, lang: Language, key: &str) -> String {
        self.string(lang, &format!("report.{key}"))
    }

    fn report_title(&self, lang: Language, department: &str, year: i32) -> String {
        self.report_string(lang, "title")
            .replace("{department}", department)
            .replace("{year}", &year.to_string())
    }

    /// The default title of the report `<slug>/<year>`.
    pub(super) fn default_report_title(&self, lang: Language, id: &str) -> String {
        let (slug, year) = id.split_once('/').unwrap_or((id, ""));
        self.report_string(lang, "title")
            .replace("{department}", &self.lookup.department_name(slug))
            .replace("{year}", year)
    }

    /// The title a report was published under, or the default one.
    fn title_of(&self, lang: Language, department: &str, report: &Report) -> String {
        report
            .title
            .clone()
            .unwrap_or_else(|| self.report_title(lang, department, report.year()))
    }

    /// "原文如此：…" for one broken rule, in the reader's language.
    fn sic_note(&self, lang: Language, report: &Report, sic: &Sic) -> String {
        let (key, row) = match sic.rule {
            SicRule::RowTotal => (
                "sic_row_total",
                application_layout(report.format.value)
                    .iter()
                    .find(|d| d.key == sic.row)
                    .map_or(sic.row, |d| d.short),
            ),
            SicRule::ResultTotal => ("sic_result_total", "（七）总计"),
            SicRule::Balance => ("sic_balance", "四、结转下年度"),
            SicRule::AppealsTotal => (
                "sic_appeals_total",
                APPEAL_GROUPS
                    .iter()
                    .find(|g| g.0 == sic.row)
                    .map_or(sic.row, |g| g.1),
            ),
        };
        let column = match sic.rule {
            SicRule::AppealsTotal => APPEAL_COLUMNS.get(sic.column).copied(),
            _ => APPLICANT_COLUMNS.get(sic.column).copied(),
        }
        .unwrap_or("");
        let mut text = self
            .report_string(lang, key)
            .replace("{row}", row)
            .replace("{column}", column)
            .replace(
                "{stated}",
                &if sic.stated_blank {
                    self.report_string(lang, "sic_blank_cell")
                } else {
                    group_digits_wide(sic.stated)
                },
            )
            .replace("{computed}", &group_digits_wide(sic.computed));
        if sic.blanks {
            text.push_str(&self.report_string(lang, "sic_blank"));
        }
        text
    }

    fn trend(&self, lang: Language, list: &[&Report]) -> Option<String> {
        if list.len() < 2 {
            return None;
        }
        let points: Vec<(i32, u64)> = list
            .iter()
            .map(|r| (r.year(), r.application("new").map_or(0, |row| row.cells[6])))
            .collect();
        Some(trend_chart(
            &points,
            &self.report_string(lang, "chart_trend"),
            &self.report_string(lang, "year_suffix"),
            &self.report_string(lang, "unit_applications"),
        ))
    }

    /// The current page of a published report.
    pub(super) fn render_report(&self, rel: &str, report: &Report) -> Result<Vec<u8>, RenderError> {
        let doc = self
            .site()
            .report_pages
            .iter()
            .find(|d| d.id() == report.id);
        self.report_page(rel, report, doc, None)
    }

    /// Home, department, and its reports while it has any.
    fn report_crumbs(&self, lang: Language, slug: &str) -> Vec<Link> {
        let mut crumbs = vec![
            self.crumb(&self.string(lang, "home"), ""),
            self.crumb(&self.lookup.department_name(slug), &urls::department(slug)),
        ];
        if self.site().reports.iter().any(|r| r.department == slug) {
            crumbs.push(self.crumb(
                &self.report_string(lang, "department_index"),
                &urls::department_reports(slug),
            ));
        }
        crumbs
    }

    /// A report's current page, a deleted one's page (`snapshot` None), or
    /// the snapshot of one of its revisions. Only a current page shows the
    /// neighbouring years and the trend.
    fn report_page(
        &self,
        rel: &str,
        report: &Report,
        doc: Option<&Document<Report>>,
        snapshot: Option<&SnapshotView>,
    ) -> Result<Vec<u8>, RenderError> {
        let site = self.site();
        let slug = report.department.as_str();
        let name = self.lookup.department_name(slug);
        let lang = self.lookup.content_language(slug);
        let year = report.year();
        let title = self.title_of(lang, &name, report);
        let crumbs = self.report_crumbs(lang, slug);
        let removed = doc.and_then(|d| d.removed.as_ref()).map(|r| r.date);
        let current = snapshot.is_none() && removed.is_none();
        let all = by_department(&site.reports);
        let list = all
            .get(slug)
            .cloned()
            .filter(|_| current)
            .unwrap_or_default();
        let link = |r: &Report| Link {
            title: self.title_of(lang, &name, r),
            url: self.urls().href(&urls::report(slug, r.year())),
        };
        let position = list.iter().position(|r| r.year() == year);
        let previous = position
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| list.get(i))
            .map(|r| link(r));
        let next = position.and_then(|i| list.get(i + 1)).map(|r| link(r));
        let narrative = report.narrative.as_ref();
        let section = |i: usize, id: &'static str, text: Option<&String>| Section {
            id,
            heading: NARRATIVE_HEADINGS[i].0,
            // A section holding only comments (as `new report` writes it) is empty.
            html: text
                .map(|t| markdown::to_html(t))
                .filter(|html| !html.trim().is_empty()),
        };
        let unit = self.report_string(lang, "unit_applications");
        let note = |sic: &Sic| self.sic_note(lang, report, sic);
        let appeal_sics: Vec<&Sic> = report
            .notes
            .iter()
            .filter(|n| n.rule == SicRule::AppealsTotal)
            .collect();
        let view = ReportView {
            year,
            published: report.published.value,
            format: match report.format.value {
                ReportFormat::Y2021 => "2021",
                ReportFormat::Y2019 => "2019",
            },
            as_published: report.as_published,
            department: Link {
                title: name.clone(),
                url: self.urls().href(&urls::department(slug)),
            },
            overview: section(0, "overview", narrative.map(|n| &n.overview)),
            problems: section(1, "problems", narrative.map(|n| &n.problems)),
            other: section(2, "other", narrative.map(|n| &n.other)),
            table2_heading: TABLE_2,
            table3_heading: TABLE_3,
            table4_heading: TABLE_4,
            proactive: proactive_view(report),
            balance_note: BALANCE_NOTE,
            applicant_columns: APPLICANT_COLUMNS,
            applications: applications_view(report, &note),
            appeal_columns: APPEAL_COLUMNS,
            appeal_groups: APPEAL_GROUPS.map(|g| g.1),
            appeals: report
                .appeals
                .iter()
                .flat_map(|r| {
                    let sic = appeal_sics.iter().any(|s| s.row == r.key);
                    r.cells
                        .iter()
                        .zip(r.blank)
                        .enumerate()
                        .map(move |(c, (n, blank))| count_cell(*n, blank, sic && c == 4))
                })
                .collect(),
            appeal_notes: appeal_sics.into_iter().map(note).collect(),
            outcome_chart: outcome_chart(report, &self.report_string(lang, "chart_outcome"), &unit),
            trend_chart: self.trend(lang, &list),
            previous,
            next,
            reports_url: self.urls().href(&urls::department_reports(slug)),
        };
        let mut meta = self.meta(title, rel, crumbs);
        let archived = doc.and_then(timemap::document);
        meta.timemap = archived.as_ref().map(|a| self.urls().absolute(&a.timemap));
        if snapshot.is_some() {
            meta.noindex = true;
            meta.original = archived.as_ref().map(|a| self.urls().absolute(&a.original));
        }
        let history_url = doc
            .and_then(|d| urls::history(&d.key()))
            .map(|h| self.urls().href(&h));
        let mut ctx = self.context(lang, meta);
        ctx.insert("report", &view);
        ctx.insert("snapshot", &snapshot);
        ctx.insert("history_url", &history_url);
        ctx.insert("removed", &removed.filter(|_| snapshot.is_none()));
        self.render(lang, "report.html", &ctx)
    }

    /// A report across time: a snapshot and the exact sources (the TOML
    /// and its narrative) of each revision, its history page, and the page
    /// of a report no longer current (deleted, or redrafted in a publish
    /// build), which keeps its URL.
    pub(super) fn write_report_document(
        &self,
        planned: &DocumentPages<Report>,
        sink: &dyn Sink,
    ) -> Result<(), RenderError> {
        let doc = planned.doc;
        let key = doc.key();
        let rel = urls::document(&key);
        if let Some(current) = &planned.current {
            let page = self.report_page(&rel, &doc.doc, Some(doc), None)?;
            sink.write(&urls::file_of(current), &page)?;
        }
        let slug = doc.doc.department.as_str();
        let lang = self.lookup.content_language(slug);
        let views = self.revision_views(doc, lang);
        self.write_revisions(planned, &views, sink, |r, snapshot| {
            self.report_page(&rel, r, Some(doc), Some(&snapshot))
        })?;
        let title = self.title_of(lang, &self.lookup.department_name(slug), &doc.doc);
        let crumbs = self.report_crumbs(lang, slug);
        self.write_history_page(planned, views, lang, &title, crumbs, sink)
    }

    /// `/reports/` (`slug` = None) or a department's `…/reports/`.
    pub(super) fn render_reports(
        &self,
        rel: &str,
        slug: Option<&str>,
    ) -> Result<Vec<u8>, RenderError> {
        let site = self.site();
        let site_lang = site.config.language;
        let lang = slug
            .and_then(|s| self.lookup.departments.get(s))
            .and_then(|d| d.language)
            .unwrap_or(site_lang);
        let all = by_department(&site.reports);
        let mut crumbs = vec![self.crumb(&self.string(lang, "home"), "")];
        let mut departments = Vec::new();
        for (dept_slug, list) in &all {
            if slug.is_some_and(|s| s != *dept_slug) {
                continue;
            }
            let d = self.lookup.departments[dept_slug];
            let mut reports: Vec<ReportLink> = list
                .iter()
                .map(|r| {
                    let cell = |key: &str| r.application(key).map_or(0, |row| row.cells[6]);
                    ReportLink {
                        year: r.year(),
                        title: self.title_of(lang, &d.name, r),
                        url: self.urls().href(&urls::report(dept_slug, r.year())),
                        published: r.published.value,
                        new: group_digits(cell("new")),
                        answered: group_digits(cell("total")),
                        carried_forward: group_digits(cell("carried_forward")),
                    }
                })
                .collect();
            reports.reverse();
            departments.push(DepartmentReports {
                name: d.name.clone(),
                url: self.urls().href(&urls::department(dept_slug)),
                reports_url: self.urls().href(&urls::department_reports(dept_slug)),
                lang: d.language.filter(|l| *l != lang),
                reports,
            });
        }
        let (title, trend) = match slug {
            Some(s) => {
                let d = self.lookup.departments[s];
                crumbs.push(self.crumb(&d.name, &urls::department(s)));
                let list = all.get(s).cloned().unwrap_or_default();
                (
                    format!("{}{}", d.name, self.report_string(lang, "department_index")),
                    self.trend(lang, &list),
                )
            }
            None => (self.report_string(lang, "site_index"), None),
        };
        let mut ctx = self.context(lang, self.meta(title, rel, crumbs));
        ctx.insert("departments", &departments);
        ctx.insert("single", &slug.is_some());
        ctx.insert("trend_chart", &trend);
        self.render(lang, "reports.html", &ctx)
    }
}
