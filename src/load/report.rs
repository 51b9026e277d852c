//! `content/<slug>/reports/<year>.toml` (+ optional `<year>.md`): reading
//! an annual report into `model::report::Report`.
//!
//! Every table is read by the common field reader (`load/fields.rs`), so
//! every unknown key or row is named in one run with its line and the
//! nearest known one, like every other file kind; the rows a table accepts
//! come from the layout tables of `model/report.rs`, where each row key is
//! written once. Each row is kept as a spanned TOML value so that every
//! missing row, short row and non-number cell is reported with its line.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::{Spanned, Value};

use super::fields::{Field, Fields, keys, optional, required};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile, did_you_mean};
use crate::model::report::{
    APPEAL_COLUMNS, APPLICANT_COLUMNS, CellKind, CountRow, FORMATS, NARRATIVE_HEADINGS, Narrative,
    ProactiveRow, ReportFormat, TABLE_2, TABLE_3, TABLE_4, proactive_layout,
};
use crate::model::{Date, Located};

// What is read, as tests/reports.rs names it.
pub use crate::model::report::{
    APPEAL_GROUPS, APPLICATION_ROWS_2021, Number, Report, application_layout,
};

const C: CellKind = CellKind::Count;

/// The top-level keys of a report file.
pub(crate) const REPORT_FIELDS: &[Field] = &[
    optional("title", "\"示例市2024年政府信息公开工作年度报告\""),
    required("year", "2024"),
    required("format", "\"2021\""),
    required("published", "2025-01-20"),
    optional("as_published", "true"),
    optional("draft", "true"),
    required("proactive", "[proactive]"),
    required("applications", "[applications]"),
    required("appeals", "[appeals]"),
];

/// The rows table 二 accepts: those of both formats (which ones must be
/// there depends on `format`).
fn proactive_keys() -> Vec<Field> {
    let mut keys: Vec<&str> = FORMATS
        .iter()
        .flat_map(|f| proactive_layout(*f))
        .flat_map(|block| block.rows.iter().map(|(key, _)| *key))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    // Which rows must be there depends on `format`: the reader says so.
    keys.into_iter().map(|key| optional(key, "")).collect()
}

/// The keys table 三 accepts in `group` (`""` for its top level: rows and
/// groups such as `denied`), in both formats.
fn application_keys(group: &str) -> Vec<Field> {
    let mut keys: Vec<&str> = FORMATS
        .iter()
        .flat_map(|f| application_layout(*f))
        .filter_map(|row| match row.key.split_once('.') {
            Some((g, name)) if g == group => Some(name),
            Some((g, _)) if group.is_empty() => Some(g),
            None if group.is_empty() => Some(row.key),
            _ => None,
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    // Which rows must be there depends on `format`: the reader says so.
    keys.into_iter().map(|key| optional(key, "")).collect()
}

/// One table of the file: its entries with spans, its keys checked by the
/// common field reader.
struct Table<'d, 'i> {
    de: &'d DeTable<'i>,
    span: Range<usize>,
    entries: BTreeMap<String, Spanned<Value>>,
    /// The known keys that an unknown key was taken for ("did you mean"):
    /// that error is enough, the row is not reported missing as well.
    meant: Vec<&'static str>,
}

impl<'d, 'i> Table<'d, 'i> {
    fn get(&self, key: &str) -> Option<&Spanned<Value>> {
        self.entries.get(key)
    }

    fn misspelt(&self, key: &str) -> bool {
        self.meant.contains(&key)
    }

    /// The table inside this one at `key`, when that is a table.
    fn table(&self, key: &str) -> Option<(&'d DeTable<'i>, Range<usize>)> {
        self.de
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .and_then(|(_, v)| match v.get_ref() {
                DeValue::Table(t) => Some((t, v.span())),
                _ => None,
            })
    }
}

enum RowLookup {
    Found(Range<usize>, Value),
    Missing,
    /// A row written as a group of rows, or a group as a row (`other` in
    /// the other format's shape).
    WrongShape(Range<usize>),
}

/// Read `rel` (a `reports/<year>.toml`) and its optional `.md`.
pub fn load_report(
    root: &Path,
    slug: &str,
    rel: &Path,
    diagnostics: &mut Diagnostics,
) -> Option<Report> {
    let source = match super::read_source(root, rel) {
        Ok(s) => s,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let md_rel = rel.with_extension("md");
    // A linked narrative is reported by the folder's listing.
    let is_file = root
        .join(&md_rel)
        .symlink_metadata()
        .is_ok_and(|m| m.is_file());
    let narrative_source = if is_file {
        match super::read_source(root, &md_rel) {
            Ok(s) => Some(s),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        }
    } else {
        None
    };
    let mut report = parse_report(source, slug, diagnostics)?;
    if !report.draft {
        super::guardrails::placeholders(&report.source, 0..report.source.text.len(), diagnostics);
    }
    if let Some(md) = narrative_source {
        if !report.draft {
            super::guardrails::placeholders(&md, 0..md.text.len(), diagnostics);
        }
        super::guardrails::pinyin_annotations(&md, 0..md.text.len(), diagnostics);
        let narrative = parse_narrative(&md, diagnostics);
        attach_narrative(&mut report, md, narrative);
    }
    Some(report)
}

/// Pair a report with its `.md` narrative: one revision of the report is
/// the state of both files.
pub fn attach_narrative(report: &mut Report, source: SourceFile, narrative: Narrative) {
    let blob = crate::git::blob_id(source.text.as_bytes());
    report.blob = crate::git::pair_id(&report.toml_blob, &blob);
    report.narrative_blob = Some(blob);
    report.narrative = Some(narrative);
    report.narrative_source = Some(source);
}

/// Parse a report's TOML. `None` (with diagnostics) when any cell or row
/// is missing or unreadable.
pub fn parse_report(
    source: SourceFile,
    slug: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Report> {
    let file_year = source
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.parse::<i32>().ok());
    let doc = match DeTable::parse(&source.text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            let help = if message.contains("expected") && message.contains("value") {
                "every cell needs a value: write 0 for nothing to report, or \"\" for a cell that a report kept as published (`as_published = true`) left blank"
            } else {
                "check the TOML syntax; `gongkai new report` writes a complete file to compare with"
            };
            diagnostics.push(
                source
                    .error(
                        "report-syntax",
                        span,
                        format!("this annual report cannot be read: {message}"),
                    )
                    .with_help(help),
            );
            return None;
        }
    };
    let mut r = Reader {
        source: &source,
        diagnostics: Diagnostics::default(),
        as_published: false,
    };
    let raw = r.table(doc.get_ref(), doc.span(), "", REPORT_FIELDS);

    let title = r.title(raw.get("title"));
    r.as_published = r.as_published(raw.get("as_published"));
    let draft = r.draft(raw.get("draft"));
    let year = r.year(raw.get("year"));
    let format = r.format(raw.get("format"));
    let published = r.date(raw.get("published"));

    // A format that does not fit the year is one mistake, not one per
    // row laid out for the other format: say it once and stop there.
    if let (Some(y), Some(f)) = (&year, &format) {
        let expected = ReportFormat::for_year(y.value);
        if f.value != expected {
            let why = match expected {
                ReportFormat::Y2021 => {
                    "reports for 2021 and later use the 2021 format (国办公开办函〔2021〕30号)"
                }
                ReportFormat::Y2019 => {
                    "reports for 2019 and 2020 use the 2019 trial format (国办公开办函〔2019〕60号)"
                }
            };
            r.diagnostics.push(
                source
                    .error(
                        "report-format",
                        f.span.clone(),
                        format!(
                            "a report for {} uses the {} format; write `format = \"{}\"`",
                            y.value,
                            expected.key(),
                            expected.key()
                        ),
                    )
                    .with_help(format!(
                        "{why}; lay the tables out as that format has them (`gongkai new report` writes a complete file)"
                    )),
            );
            diagnostics.extend(r.diagnostics);
            return None;
        }
    }

    let fmt_value = format
        .as_ref()
        .map(|f| f.value)
        .or_else(|| year.as_ref().map(|y| ReportFormat::for_year(y.value)))
        .unwrap_or(ReportFormat::Y2021);

    let proactive = r.proactive(&raw, fmt_value);
    let applications = r.applications(&raw, fmt_value);
    let appeals = r.appeals(&raw);
    let as_published = r.as_published;

    let ok = !r.diagnostics.has_errors();
    let local = r.diagnostics;
    diagnostics.extend(local);
    if !ok {
        return None;
    }
    let year = year?;
    Some(Report {
        department: slug.to_string(),
        id: format!("{slug}/{}", year.value),
        blob: crate::git::blob_id(source.text.as_bytes()),
        toml_blob: crate::git::blob_id(source.text.as_bytes()),
        narrative_blob: None,
        file_year,
        year,
        format: format?,
        published: published?,
        title: title.flatten(),
        as_published,
        draft,
        notes: Vec::new(),
        proactive: proactive?,
        applications: applications?,
        appeals: appeals?,
        narrative: None,
        narrative_source: None,
        source,
    })
}

struct Reader<'a> {
    source: &'a SourceFile,
    diagnostics: Diagnostics,
    /// Blank cells are allowed (and kept) only in a report kept as published.
    as_published: bool,
}

/// One cell as read: its number (0 when blank), whether it was blank, and
/// an amount's text as written.
struct ReadCell {
    number: Number,
    blank: bool,
    written: Option<String>,
}

/// The elements of a TOML array's source text (`[6, 251000.00]` →
/// `6`, `251000.00`), or `None` when it is not that simple (comments,
/// nested lists), in which case amounts fall back to their value.
fn element_texts(raw: &str) -> Option<Vec<&str>> {
    let inner = raw.trim().strip_prefix('[')?.strip_suffix(']')?;
    if inner.contains(['#', '[', '\'']) {
        return None;
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in inner.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = inner[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    Some(out)
}

/// `"251000元"`, `"73802895.90"`, `"4068.208万元"`: an amount written as
/// text, with the template's units allowed after it.
fn parse_amount(text: &str) -> Option<Number> {
    let number = text
        .trim()
        .trim_end_matches("万元")
        .trim_end_matches('元')
        .trim();
    let valid = !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit() || c == '.')
        && number.matches('.').count() <= 1
        && !number.starts_with('.')
        && !number.ends_with('.');
    if !valid {
        return None;
    }
    match number.parse::<i64>() {
        Ok(n) => Some(Number::Int(n)),
        Err(_) => number.parse::<f64>().ok().map(Number::Decimal),
    }
}

fn value_type(v: &Value) -> &'static str {
    match v {
        Value::String(s) if s.trim().is_empty() => "an empty text",
        Value::String(_) => "text",
        Value::Integer(_) => "a whole number",
        Value::Float(_) => "a decimal number",
        Value::Boolean(_) => "true/false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

impl Reader<'_> {
    fn title(&mut self, v: Option<&Spanned<Value>>) -> Option<Option<String>> {
        let Some(v) = v else {
            return Some(None);
        };
        match v.get_ref() {
            Value::String(s) if !s.trim().is_empty() => Some(Some(s.trim().to_string())),
            other => {
                self.diagnostics.push(
                    self.source
                        .error(
                            "report-title",
                            v.span(),
                            format!(
                                "`title` must be the report's published title, found {}",
                                value_type(other)
                            ),
                        )
                        .with_help("write the title exactly as it was published, in quotes, or leave `title` out for the default"),
                );
                None
            }
        }
    }

    fn as_published(&mut self, v: Option<&Spanned<Value>>) -> bool {
        let Some(v) = v else {
            return false;
        };
        match v.get_ref() {
            Value::Boolean(b) => *b,
            other => {
                self.diagnostics.push(
                    self.source
                        .error(
                            "report-as-published",
                            v.span(),
                            format!("`as_published` must be true or false, found {}", value_type(other)),
                        )
                        .with_help("write `as_published = true` for a report kept exactly as it was issued"),
                );
                false
            }
        }
    }

    fn draft(&mut self, v: Option<&Spanned<Value>>) -> bool {
        let Some(v) = v else {
            return false;
        };
        match v.get_ref() {
            Value::Boolean(b) => *b,
            other => {
                self.diagnostics.push(
                    self.source
                        .error(
                            "wrong-type",
                            v.span(),
                            format!("`draft` must be true or false, found {}", value_type(other)),
                        )
                        .with_help("write `draft = true` while the report is being filled in, and delete the line to publish it"),
                );
                false
            }
        }
    }

    /// A missing row, reported at the first line of its table.
    fn missing_row(&mut self, table_span: Range<usize>, what: String, help: String) {
        let start = table_span.start.min(self.source.text.len());
        let end = self.source.text[start..]
            .find('\n')
            .map_or(self.source.text.len(), |i| start + i);
        self.diagnostics.push(
            self.source
                .error("report-missing", start..end, what)
                .with_help(help),
        );
    }

    fn missing(&mut self, what: String, help: String) {
        self.diagnostics.push(
            Diagnostic::for_path(Severity::Error, "report-missing", &self.source.path, what)
                .with_help(help),
        );
    }

    fn year(&mut self, v: Option<&Spanned<Value>>) -> Option<Located<i32>> {
        let Some(v) = v else {
            self.missing(
                "the report has no `year`".into(),
                "add `year = 2024` (the year the report is about)".into(),
            );
            return None;
        };
        match v.get_ref() {
            Value::Integer(y) if (2008..=9999).contains(y) => {
                Some(Located::new(*y as i32, v.span()))
            }
            other => {
                self.diagnostics.push(
                    self.source
                        .error(
                            "report-year",
                            v.span(),
                            format!(
                                "`year` must be a year such as 2024, found {}",
                                value_type(other)
                            ),
                        )
                        .with_help(
                            "write the year the report covers, without quotes: `year = 2024`",
                        ),
                );
                None
            }
        }
    }

    fn format(&mut self, v: Option<&Spanned<Value>>) -> Option<Located<ReportFormat>> {
        let Some(v) = v else {
            self.missing(
                "the report has no `format`".into(),
                "add `format = \"2021\"` (reports for 2021 on) or `format = \"2019\"` (2019 and 2020)".into(),
            );
            return None;
        };
        match v.get_ref() {
            Value::String(s) if s == "2021" => Some(Located::new(ReportFormat::Y2021, v.span())),
            Value::String(s) if s == "2019" => Some(Located::new(ReportFormat::Y2019, v.span())),
            _ => {
                self.diagnostics.push(
                    self.source
                        .error("report-format", v.span(), "`format` must be \"2021\" or \"2019\"")
                        .with_help("`format = \"2021\"` for reports on 2021 and later, `format = \"2019\"` (the trial format) for 2019 and 2020"),
                );
                None
            }
        }
    }

    fn date(&mut self, v: Option<&Spanned<Value>>) -> Option<Located<Date>> {
        let Some(v) = v else {
            self.missing(
                "the report has no `published` date".into(),
                "add `published = 2025-01-20` (the day the report was published)".into(),
            );
            return None;
        };
        if let Value::Datetime(dt) = v.get_ref()
            && let (Some(d), None) = (dt.date, dt.time)
            && let Some(date) = Date::from_ymd(i32::from(d.year), d.month, d.day)
        {
            return Some(Located::new(date, v.span()));
        }
        self.diagnostics.push(
            self.source
                .error("report-published", v.span(), "`published` must be a date")
                .with_help("write it without quotes: `published = 2025-01-20`"),
        );
        None
    }

    /// Read one row of `n` cells; `kinds` gives each cell's kind.
    fn cells(
        &mut self,
        table: &str,
        row: &str,
        span: Range<usize>,
        value: &Value,
        columns: &[(&str, CellKind)],
    ) -> Option<Vec<ReadCell>> {
        let single = columns.len() == 1;
        let values: Vec<&Value> =
            match value {
                Value::Array(a) => a.iter().collect(),
                v if single => vec![v],
                other => {
                    self.diagnostics.push(
                    self.source
                        .error(
                            "report-row",
                            span,
                            format!(
                                "table {table}, row {row}: expected a list of {} numbers, found {}",
                                columns.len(),
                                value_type(other)
                            ),
                        )
                        .with_help(format!(
                            "write the row as [{}]",
                            columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
                        )),
                );
                    return None;
                }
            };
        if values.len() != columns.len() {
            let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
            let message = if values.len() < columns.len() {
                format!(
                    "table {table}, row {row} has {} numbers, but needs {}: {} is missing",
                    values.len(),
                    columns.len(),
                    names[values.len()..].join("、")
                )
            } else {
                format!(
                    "table {table}, row {row} has {} numbers, but needs {}",
                    values.len(),
                    columns.len()
                )
            };
            self.diagnostics.push(
                self.source
                    .error("report-cells", span, message)
                    .with_help(format!(
                        "the row holds, in order: {}; write 0 for a cell with nothing to report, never leave it out",
                        names.join(", ")
                    )),
            );
            return None;
        }
        let raw = self.source.text.get(span.clone()).unwrap_or("");
        let texts = if single {
            Some(vec![raw.trim()])
        } else {
            element_texts(raw).filter(|t| t.len() == values.len())
        };
        let mut out = Vec::with_capacity(values.len());
        let mut ok = true;
        for (i, (v, (column, kind))) in values.into_iter().zip(columns).enumerate() {
            if let Value::String(s) = v
                && s.trim().is_empty()
            {
                if !self.as_published {
                    ok = false;
                    self.diagnostics.push(
                        self.source
                            .error(
                                "report-blank",
                                span.clone(),
                                format!("table {table}, row {row}, column {column} is blank"),
                            )
                            .with_help("write 0 when there is nothing to report; only a report kept exactly as it was published (`as_published = true`) keeps blank cells"),
                    );
                }
                out.push(ReadCell {
                    number: Number::Int(0),
                    blank: true,
                    written: None,
                });
                continue;
            }
            let written = |fallback: &str| {
                texts
                    .as_ref()
                    .and_then(|t| t.get(i))
                    .map_or(fallback.to_string(), |t| t.to_string())
            };
            let cell = match (v, kind) {
                (Value::Integer(i), CellKind::Delta) => Some((Number::Int(*i), None)),
                (Value::Integer(i), _) if *i >= 0 => Some((Number::Int(*i), None)),
                (Value::Float(x), CellKind::Money) if *x >= 0.0 && x.is_finite() => {
                    Some((Number::Decimal(*x), Some(written(&x.to_string()))))
                }
                (Value::String(s), CellKind::Money) => {
                    parse_amount(s).map(|n| (n, Some(s.trim().to_string())))
                }
                _ => None,
            };
            match cell {
                Some((number, written)) => out.push(ReadCell {
                    number,
                    blank: false,
                    written,
                }),
                None => {
                    ok = false;
                    let expected = match kind {
                        CellKind::Count => "a whole number ≥ 0",
                        CellKind::Delta => "a whole number (negative for a decrease)",
                        CellKind::Money => "an amount ≥ 0 (a number, or text such as \"251000元\")",
                    };
                    let found = match v {
                        Value::Integer(i) => format!("{i}"),
                        Value::Float(x) => format!("{x}"),
                        other => value_type(other).to_string(),
                    };
                    self.diagnostics.push(
                        self.source
                            .error(
                                "report-cell",
                                span.clone(),
                                format!("table {table}, row {row}, column {column} must be {expected}, found {found}"),
                            )
                            .with_help("every cell holds a number; write 0 when there is nothing to report, or \"\" for a cell a report kept as published left blank"),
                    );
                }
            }
        }
        ok.then_some(out)
    }

    /// Read `de` (the table `name`, `""` for the file) with the common
    /// field reader: every key not in `known` is an error naming the
    /// nearest known one. Tables inside it are read on their own, so only
    /// their presence is passed on here.
    fn table<'d, 'i>(
        &mut self,
        de: &'d DeTable<'i>,
        span: Range<usize>,
        name: &str,
        table: &[Field],
    ) -> Table<'d, 'i> {
        let known = keys(table);
        let meant = de
            .keys()
            .filter(|k| !known.contains(&k.get_ref().as_ref()))
            .filter_map(|k| did_you_mean(k.get_ref(), known.iter().copied()))
            .collect();
        let mut entries = BTreeMap::new();
        for (key, value) in de {
            let converted = match value.get_ref() {
                DeValue::Table(_) => Ok(Value::Table(toml::Table::new())),
                _ => Value::deserialize(ValueDeserializer::from(value.clone())),
            };
            match converted {
                Ok(v) => {
                    entries.insert(
                        Spanned::new(key.span(), key.get_ref().to_string()),
                        Spanned::new(value.span(), v),
                    );
                }
                Err(e) => self.diagnostics.push(
                    self.source
                        .error(
                            "report-syntax",
                            value.span(),
                            format!("this annual report cannot be read: {}", e.message().trim()),
                        )
                        .with_help(
                            "every cell holds a number; write 0 when there is nothing to report",
                        ),
                ),
            }
        }
        let mut fields = Fields::from_table_in(self.source, entries, 0, span.clone(), table, name);
        self.diagnostics
            .extend(std::mem::take(&mut fields.diagnostics));
        let entries = known
            .iter()
            .filter_map(|key| {
                let value = fields.value(key)?.clone();
                Some((key.to_string(), Spanned::new(fields.span_of(key), value)))
            })
            .collect();
        Table {
            de,
            span,
            entries,
            meant,
        }
    }

    /// The table `key` of the file, or a diagnostic when it is missing or
    /// not a table.
    fn section<'d, 'i>(
        &mut self,
        file: &Table<'d, 'i>,
        key: &str,
        name: &str,
        known: &[Field],
    ) -> Option<Table<'d, 'i>> {
        if let Some((de, span)) = file.table(key) {
            return Some(self.table(de, span, key, known));
        }
        match file.get(key) {
            Some(v) => self.diagnostics.push(
                self.source
                    .error(
                        "report-row",
                        v.span(),
                        format!(
                            "table {name} (`[{key}]`) must be a table of rows, found {}",
                            value_type(v.get_ref())
                        ),
                    )
                    .with_help(format!(
                        "write a line `[{key}]` with the rows below it; `gongkai new report` writes a complete file"
                    )),
            ),
            None => self.missing(
                format!("the report has no table {name} (`[{key}]`)"),
                format!("add the `[{key}]` table; `gongkai new report` writes a complete file"),
            ),
        }
        None
    }

    fn proactive(&mut self, file: &Table, format: ReportFormat) -> Option<Vec<ProactiveRow>> {
        let raw = self.section(file, "proactive", TABLE_2, &proactive_keys())?;
        let layout = proactive_layout(format);
        let mut rows = Vec::new();
        let mut ok = true;
        for block in layout {
            for (key, label) in block.rows {
                let row = format!("{label} (`{key}`)");
                match raw.get(key) {
                    Some(v) => {
                        match self.cells(TABLE_2, &row, v.span(), v.get_ref(), block.columns) {
                            Some(cells) => rows.push(ProactiveRow {
                                key,
                                blank: cells.iter().map(|c| c.blank).collect(),
                                written: cells.iter().map(|c| c.written.clone()).collect(),
                                cells: cells.iter().map(|c| c.number).collect(),
                                span: v.span(),
                            }),
                            None => ok = false,
                        }
                    }
                    None if raw.misspelt(key) => ok = false,
                    None => {
                        ok = false;
                        let (line, _) = self.source.line_column(raw.span.start);
                        self.missing_row(
                            raw.span.clone(),
                            format!(
                                "table {TABLE_2} (`[proactive]`, line {line}) has no row {row}"
                            ),
                            format!(
                                "add `{key} = {}` under [proactive]; write 0 for nothing to report",
                                example(block.columns.len())
                            ),
                        );
                    }
                }
            }
        }
        // Rows of the other format only.
        for other in FORMATS.into_iter().filter(|f| *f != format) {
            for (key, label) in proactive_layout(other).iter().flat_map(|b| b.rows) {
                let in_format = layout.iter().any(|b| b.rows.iter().any(|r| r.0 == *key));
                if let (false, Some(v)) = (in_format, raw.get(key)) {
                    ok = false;
                    let other_name = match other {
                        ReportFormat::Y2019 => "the 2019 trial format",
                        ReportFormat::Y2021 => "the 2021 format",
                    };
                    self.diagnostics.push(
                        self.source
                            .error("report-row", v.span(), format!("table {TABLE_2}: `{key}` belongs to {other_name}, not format \"{}\"", format.key()))
                            .with_help(format!("remove the row; format \"{}\" has no {label} row", format.key())),
                    );
                }
            }
        }
        ok.then_some(rows)
    }

    /// The table 三 row at a dotted key (`granted`, `denied.inquiry`).
    fn application_row(raw: &Table, groups: &BTreeMap<&str, Table>, key: &str) -> RowLookup {
        let found = |v: &Spanned<Value>| match v.get_ref() {
            Value::Table(_) => RowLookup::WrongShape(v.span()),
            value => RowLookup::Found(v.span(), value.clone()),
        };
        match key.split_once('.') {
            None => raw.get(key).map_or(RowLookup::Missing, found),
            Some((group, name)) => match (groups.get(group), raw.get(group)) {
                (Some(table), _) => table.get(name).map_or(RowLookup::Missing, found),
                (None, Some(v)) => RowLookup::WrongShape(v.span()),
                (None, None) => RowLookup::Missing,
            },
        }
    }

    /// Whether an unknown key was taken for the row at `key` or its group.
    fn misspelt_row(raw: &Table, groups: &BTreeMap<&str, Table>, key: &str) -> bool {
        match key.split_once('.') {
            None => raw.misspelt(key),
            Some((group, name)) => {
                raw.misspelt(group) || groups.get(group).is_some_and(|g| g.misspelt(name))
            }
        }
    }

    fn applications(&mut self, file: &Table, format: ReportFormat) -> Option<Vec<CountRow<7>>> {
        let raw = self.section(file, "applications", TABLE_3, &application_keys(""))?;
        let mut groups = BTreeMap::new();
        for group in keys(&application_keys("")) {
            if let Some((de, span)) = raw.table(group) {
                let known = application_keys(group);
                let name = format!("applications.{group}");
                groups.insert(group, self.table(de, span, &name, &known));
            }
        }
        let columns: Vec<(&str, CellKind)> = APPLICANT_COLUMNS.iter().map(|c| (*c, C)).collect();
        let mut rows = Vec::new();
        let mut ok = true;
        let mut shape_reported = false;
        let mut groups_reported = Vec::new();
        for def in application_layout(format) {
            let row = format!("{} (`{}`)", def.short, def.key);
            match Self::application_row(&raw, &groups, def.key) {
                RowLookup::Found(span, value) => {
                    match self.cells(TABLE_3, &row, span.clone(), &value, &columns) {
                        Some(cells) => rows.push(count_row(def.key, &cells, span)),
                        None => ok = false,
                    }
                }
                RowLookup::WrongShape(span) if !def.key.starts_with("other") => {
                    ok = false;
                    let group = def.key.split_once('.').map_or(def.key, |(g, _)| g);
                    if !groups_reported.contains(&group) {
                        groups_reported.push(group);
                        self.diagnostics.push(
                            self.source
                                .error("report-row", span, format!("table {TABLE_3}: `{group}` is not written in the shape of its row"))
                                .with_help(format!("write the row as `{} = [0, 0, 0, 0, 0, 0, 0]`", def.key)),
                        );
                    }
                }
                RowLookup::WrongShape(span) => {
                    ok = false;
                    if !shape_reported {
                        shape_reported = true;
                        let help = match format {
                            ReportFormat::Y2021 => {
                                "the 2021 format splits （六）其他处理 into three rows: other.no_correction, other.no_fee and other.other"
                            }
                            ReportFormat::Y2019 => {
                                "the 2019 trial format has one （六）其他处理 row: other = [自然人, …, 总计]"
                            }
                        };
                        self.diagnostics.push(
                            self.source
                                .error("report-row", span, format!("table {TABLE_3}: （六）其他处理 is not written as format \"{}\" has it", format.key()))
                                .with_help(help),
                        );
                    }
                }
                RowLookup::Missing if Self::misspelt_row(&raw, &groups, def.key) => ok = false,
                RowLookup::Missing => {
                    ok = false;
                    let (line, _) = self.source.line_column(raw.span.start);
                    self.missing_row(
                        raw.span.clone(),
                        format!("table {TABLE_3} (`[applications]`, line {line}) has no row {row}"),
                        format!(
                            "add `{} = [0, 0, 0, 0, 0, 0, 0]` under [applications] (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计)",
                            def.key
                        ),
                    );
                }
            }
        }
        ok.then_some(rows)
    }

    fn appeals(&mut self, file: &Table) -> Option<Vec<CountRow<5>>> {
        let rows: Vec<Field> = APPEAL_GROUPS
            .iter()
            .map(|(key, _)| optional(key, ""))
            .collect();
        let raw = self.section(file, "appeals", TABLE_4, &rows)?;
        let columns: Vec<(&str, CellKind)> = APPEAL_COLUMNS.iter().map(|c| (*c, C)).collect();
        let mut rows = Vec::new();
        let mut ok = true;
        for (key, label) in APPEAL_GROUPS {
            let row = format!("{label} (`{key}`)");
            match raw.get(key) {
                Some(v) => match self.cells(TABLE_4, &row, v.span(), v.get_ref(), &columns) {
                    Some(cells) => rows.push(count_row(key, &cells, v.span())),
                    None => ok = false,
                },
                None if raw.misspelt(key) => ok = false,
                None => {
                    ok = false;
                    let (line, _) = self.source.line_column(raw.span.start);
                    self.missing_row(
                        raw.span.clone(),
                        format!("table {TABLE_4} (`[appeals]`, line {line}) has no row {row}"),
                        format!("add `{key} = [0, 0, 0, 0, 0]` under [appeals] (结果维持, 结果纠正, 其他结果, 尚未审结, 总计)"),
                    );
                }
            }
        }
        ok.then_some(rows)
    }
}

fn example(n: usize) -> String {
    if n == 1 {
        "0".into()
    } else {
        format!("[{}]", vec!["0"; n].join(", "))
    }
}

fn count_row<const N: usize>(
    key: &'static str,
    cells: &[ReadCell],
    span: Range<usize>,
) -> CountRow<N> {
    let mut out = [0u64; N];
    let mut blank = [false; N];
    for ((o, b), c) in out.iter_mut().zip(blank.iter_mut()).zip(cells) {
        *o = match c.number {
            Number::Int(i) => i as u64,
            Number::Decimal(x) => x as u64,
        };
        *b = c.blank;
    }
    CountRow {
        key,
        cells: out,
        blank,
        span,
    }
}

/// Split `<year>.md` at its `#`/`##` headings into the sections 一、五、六.
/// A heading is matched by its words (so "存在的主要问题和改进情况" is
/// found too); a section missing, or text under another heading, is a
/// warning.
pub fn parse_narrative(md: &SourceFile, diagnostics: &mut Diagnostics) -> Narrative {
    let mut sections: [Option<String>; 3] = [None, None, None];
    let mut overview_range = 0..0;
    let mut current: Option<usize> = None;
    let mut fence = false;
    let mut warned_outside = false;
    let mut offset = 0;
    for line in md.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = !fence;
        }
        let heading = !fence
            && (trimmed.starts_with("# ") || trimmed.starts_with("## "))
            && !trimmed.starts_with("###");
        if heading {
            warned_outside = false;
            let text = trimmed.trim_start_matches('#').trim();
            match NARRATIVE_HEADINGS
                .iter()
                .position(|(_, words)| text.contains(words))
            {
                Some(i) => {
                    current = Some(i);
                    sections[i].get_or_insert_with(String::new);
                }
                None => {
                    current = None;
                    // The warning says the text under it is not shown.
                    warned_outside = true;
                    diagnostics.push(
                        md.warning("report-narrative", start..start + trimmed.len(), format!("heading \"{text}\" is not one of the report's narrative sections; the text under it is not shown"))
                            .with_help("use the headings `## 一、总体情况`, `## 五、存在的主要问题及改进情况` and `## 六、其他需要报告的事项`; sections 二–四 are the tables of the .toml file"),
                    );
                }
            }
            continue;
        }
        match current {
            Some(i) => {
                if i == 0 {
                    if overview_range.is_empty() {
                        overview_range = start..offset;
                    } else {
                        overview_range.end = offset;
                    }
                }
                sections[i].get_or_insert_with(String::new).push_str(line)
            }
            None if !trimmed.is_empty() && !warned_outside => {
                // Once per run of such lines is enough.
                warned_outside = true;
                diagnostics.push(
                    md.warning("report-narrative", start..start + trimmed.len(), "text outside the sections 一、五、六 is not shown")
                        .with_help("put it under `## 一、总体情况`, `## 五、存在的主要问题及改进情况` or `## 六、其他需要报告的事项`"),
                );
            }
            None => {}
        }
    }
    for (i, (heading, _)) in NARRATIVE_HEADINGS.iter().enumerate() {
        if sections[i].is_none() {
            diagnostics.push(
                Diagnostic::for_path(
                    Severity::Warning,
                    "report-narrative",
                    &md.path,
                    format!("the narrative has no section {heading}"),
                )
                .with_help(format!("add a heading `## {heading}` with its text")),
            );
        }
    }
    let [overview, problems, other] = sections.map(|s| s.unwrap_or_default().trim().to_string());
    Narrative {
        overview,
        problems,
        other,
        overview_range,
    }
}
