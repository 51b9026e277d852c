//! Typed reading of one TOML table with every problem reported, not just
//! the first.
//!
//! serde's derive stops at the first unknown field or wrong type; an editor
//! fixing a file wants all of them at once, with the exact span. So each
//! file kind lists its known keys, and the loader asks for each field by
//! type; whatever is wrong becomes a [`Diagnostic`].

use std::collections::BTreeMap;
use std::ops::Range;

use toml::{Spanned, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile, did_you_mean};
use crate::model::{Date, Disclosure, Language, Located, Status};

/// Whether a field must be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
    /// Required, but judged by `validate` rather than the reader: an empty
    /// value is as missing as an absent one, and the message says what the
    /// field is for (a power's 设定依据, its steps, a step's actor).
    Validated,
}

/// One field of one kind of file. Each kind has one table of them
/// (`CATALOG_FIELDS`, `POWER_FIELDS`, …) that the reader, the `new`
/// templates and docs/content-model.md are checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub need: Need,
    /// A value as it is written, for hints (`"示政发〔2024〕12号"`).
    pub example: &'static str,
}

/// A field that must be written.
pub const fn required(key: &'static str, example: &'static str) -> Field {
    Field {
        key,
        need: Need::Required,
        example,
    }
}

/// A field that may be left out.
pub const fn optional(key: &'static str, example: &'static str) -> Field {
    Field {
        key,
        need: Need::Optional,
        example,
    }
}

/// A required field whose absence `validate` reports (see [`Need::Validated`]).
pub const fn validated(key: &'static str, example: &'static str) -> Field {
    Field {
        key,
        need: Need::Validated,
        example,
    }
}

/// The keys of a field table.
pub fn keys(table: &[Field]) -> Vec<&'static str> {
    table.iter().map(|f| f.key).collect()
}

/// One parsed table, with the span of every key and value in file offsets.
pub struct Fields<'a> {
    file: &'a SourceFile,
    /// The fields this kind of file has.
    table: Vec<Field>,
    /// Span used for "missing field" problems: the front matter fence or
    /// the start of the file.
    anchor: Range<usize>,
    entries: BTreeMap<String, Entry>,
    pub diagnostics: Diagnostics,
}

struct Entry {
    key_span: Range<usize>,
    value_span: Range<usize>,
    value: Value,
}

impl<'a> Fields<'a> {
    /// Parse `toml_text`, which starts at byte `offset` of `file`. Returns
    /// `None` (with a diagnostic) when the text is not valid TOML.
    pub fn parse(
        file: &'a SourceFile,
        toml_text: &str,
        offset: usize,
        anchor: Range<usize>,
        known: &[Field],
    ) -> Result<Fields<'a>, Diagnostic> {
        let table: BTreeMap<Spanned<String>, Spanned<Value>> =
            toml::from_str(toml_text).map_err(|e| {
                let span = e.span().unwrap_or(0..0);
                let span = offset + span.start..offset + span.end;
                file.error(
                    "toml-syntax",
                    span.clone(),
                    format!("this is not valid TOML: {}", e.message().trim()),
                )
                .with_help(toml_syntax_help(e.message(), &file.text, span.start))
            })?;
        Ok(Fields::from_table(file, table, offset, anchor, known))
    }

    /// Like [`Fields::parse`], for a table already parsed with spans
    /// (e.g. one `[[steps]]` entry), its spans relative to byte `offset`.
    pub fn from_table(
        file: &'a SourceFile,
        table: BTreeMap<Spanned<String>, Spanned<Value>>,
        offset: usize,
        anchor: Range<usize>,
        known: &[Field],
    ) -> Fields<'a> {
        Fields::from_table_in(file, table, offset, anchor, known, "")
    }

    /// Like [`Fields::from_table`], for the table named `name` (a dotted
    /// path such as `applications.denied`), which unknown keys are named
    /// with.
    pub fn from_table_in(
        file: &'a SourceFile,
        entries: BTreeMap<Spanned<String>, Spanned<Value>>,
        offset: usize,
        anchor: Range<usize>,
        table: &[Field],
        name: &str,
    ) -> Fields<'a> {
        let known = keys(table);
        let mut fields = Fields {
            file,
            table: table.to_vec(),
            anchor,
            entries: BTreeMap::new(),
            diagnostics: Diagnostics::default(),
        };
        for (key, value) in entries {
            let key_span = offset + key.span().start..offset + key.span().end;
            let value_span = offset + value.span().start..offset + value.span().end;
            let key = key.into_inner();
            if !known.contains(&key.as_str()) {
                let path = if name.is_empty() {
                    key.clone()
                } else {
                    format!("{name}.{key}")
                };
                let mut d = file.error(
                    "unknown-field",
                    key_span.clone(),
                    format!("unknown field `{path}`"),
                );
                d = match did_you_mean(&key, known.iter().copied()) {
                    Some(s) => {
                        d.with_help(format!("did you mean `{s}`? Rename the field to `{s}`."))
                    }
                    None => d.with_help(format!(
                        "remove it; the fields allowed here are: {}",
                        known.join(", ")
                    )),
                };
                fields.diagnostics.push(d);
                continue;
            }
            let value = value.into_inner();
            if let Some(d) = forbidden_escape(file, value_span.clone(), &value) {
                fields.diagnostics.push(d);
            }
            fields.entries.insert(
                key,
                Entry {
                    key_span,
                    value_span,
                    value,
                },
            );
        }
        fields
    }

    /// The raw value of `key`, for shapes the typed readers do not cover.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.entries.get(key).map(|e| &e.value)
    }

    /// A list of strings where one string is also accepted (as a list of
    /// one): for multi-line text fields an editor may write either way.
    pub fn text_list(&mut self, key: &str) -> Vec<Located<String>> {
        match self.entries.get(key) {
            Some(Entry {
                value: Value::String(s),
                value_span,
                ..
            }) => {
                if s.trim().is_empty() {
                    Vec::new()
                } else {
                    vec![Located::new(s.clone(), value_span.clone())]
                }
            }
            _ => self.string_list(key),
        }
    }

    /// The table's entry for `key`. Asking for a key the table lacks is a
    /// bug of the reader, not of the file.
    fn field(&self, key: &str) -> Field {
        let found = self.table.iter().find(|f| f.key == key).copied();
        debug_assert!(found.is_some(), "`{key}` is not in the field table");
        found.unwrap_or(optional("", ""))
    }

    fn required(&self, key: &str) -> bool {
        self.field(key).need == Need::Required
    }

    pub fn file(&self) -> &SourceFile {
        self.file
    }

    pub fn has(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Span of the value of `key` (or of the anchor when absent).
    pub fn span_of(&self, key: &str) -> Range<usize> {
        self.entries
            .get(key)
            .map_or(self.anchor.clone(), |e| e.value_span.clone())
    }

    pub fn key_span_of(&self, key: &str) -> Range<usize> {
        self.entries
            .get(key)
            .map_or(self.anchor.clone(), |e| e.key_span.clone())
    }

    fn missing(&mut self, key: &str, example: &str) {
        let d = self
            .file
            .error(
                "missing-field",
                self.anchor.clone(),
                format!("missing required field `{key}`"),
            )
            .with_help(format!("add a line such as `{key} = {example}`"));
        self.diagnostics.push(d);
    }

    fn wrong_type(&mut self, key: &str, expected: &str, example: &str) {
        let e = &self.entries[key];
        let found = type_name(&e.value);
        let d = self
            .file
            .error(
                "wrong-type",
                e.value_span.clone(),
                format!("`{key}` must be {expected}, found {found}"),
            )
            .with_help(format!("write it like `{key} = {example}`"));
        self.diagnostics.push(d);
    }

    /// A string; `example` is shown in hints.
    pub fn string(&mut self, key: &str) -> Option<Located<String>> {
        let Field { need, example, .. } = self.field(key);
        let required = need == Need::Required;
        let Some(entry) = self.entries.get(key) else {
            if required {
                self.missing(key, example);
            }
            return None;
        };
        match &entry.value {
            Value::String(s) if s.trim().is_empty() && required => {
                let d = self
                    .file
                    .error(
                        "empty-field",
                        entry.value_span.clone(),
                        format!("`{key}` must not be empty"),
                    )
                    .with_help(format!("write it like `{key} = {example}`"));
                self.diagnostics.push(d);
                None
            }
            Value::String(s) => Some(Located::new(s.clone(), entry.value_span.clone())),
            _ => {
                self.wrong_type(key, "a string in quotes", example);
                None
            }
        }
    }

    /// `language`: the interface language, one of [`Language::ALL`].
    pub fn language(&mut self) -> Option<Language> {
        let text = self.string("language")?;
        if let Some(language) = Language::parse(&text.value) {
            return Some(language);
        }
        let hint = did_you_mean(&text.value, Language::ALL)
            .map(|m| format!("did you mean \"{m}\"? "))
            .unwrap_or_default();
        let d = self
            .file
            .error(
                "unknown-language",
                text.span,
                format!("unknown language \"{}\"", text.value),
            )
            .with_help(format!(
                "{hint}language is one of \"zh-CN\", \"zh-TW\", \"en\""
            ));
        self.diagnostics.push(d);
        None
    }

    /// `status`: in force when absent. An unknown value is an error that
    /// names the nearest valid one and `meanings` (what each value means for
    /// this kind of file), and reads as in force.
    pub fn status(&mut self, meanings: &str) -> Status {
        let Some(text) = self.string("status") else {
            return Status::InForce;
        };
        Status::parse(&text.value).unwrap_or_else(|| {
            let hint = did_you_mean(&text.value, Status::ALL)
                .map(|m| format!("did you mean \"{m}\"? "))
                .unwrap_or_default();
            let problem = self
                .file
                .error(
                    "unknown-status",
                    text.span.clone(),
                    format!("unknown status \"{}\"", text.value),
                )
                .with_help(format!("{hint}status is one of {meanings}"));
            self.diagnostics.push(problem);
            Status::InForce
        })
    }

    /// `disclosure`: active when absent. Anything but `active` or `exempt`
    /// is an error and reads as exempt: an unreadable disclosure must never
    /// publish.
    pub fn disclosure(&mut self) -> Disclosure {
        match self.string("disclosure") {
            None => Disclosure::Active,
            Some(d) if d.value == "active" => Disclosure::Active,
            Some(d) if d.value == "exempt" => Disclosure::Exempt,
            Some(other) => {
                let problem = self
                    .file
                    .error(
                        "unknown-disclosure",
                        other.span.clone(),
                        format!("unknown disclosure \"{}\"", other.value),
                    )
                    .with_help(
                        "disclosure is \"active\" (主动公开) or \"exempt\" (不予公开, never published)",
                    );
                self.diagnostics.push(problem);
                Disclosure::Exempt
            }
        }
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let entry = self.entries.get(key)?;
        match entry.value {
            Value::Boolean(b) => Some(b),
            _ => {
                self.wrong_type(key, "true or false (without quotes)", "true");
                None
            }
        }
    }

    pub fn integer(&mut self, key: &str) -> Option<Located<i64>> {
        let example = self.field(key).example;
        let entry = self.entries.get(key)?;
        match entry.value {
            Value::Integer(i) => Some(Located::new(i, entry.value_span.clone())),
            _ => {
                self.wrong_type(key, "a whole number (without quotes)", example);
                None
            }
        }
    }

    /// A list of strings; each element keeps its own span when it can be
    /// found in the source.
    pub fn string_list(&mut self, key: &str) -> Vec<Located<String>> {
        let example = self.field(key).example;
        let Some(entry) = self.entries.get(key) else {
            return Vec::new();
        };
        let list_span = entry.value_span.clone();
        let items = match &entry.value {
            Value::Array(items) => items.clone(),
            Value::String(_) => {
                self.wrong_type(key, "a list of strings in square brackets", example);
                return Vec::new();
            }
            _ => {
                self.wrong_type(key, "a list of strings", example);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        let mut search_from = list_span.start;
        for item in items {
            match item {
                Value::String(s) => {
                    let span = self
                        .find_literal(&s, search_from, list_span.end)
                        .unwrap_or(list_span.clone());
                    search_from = span.end.max(search_from);
                    out.push(Located::new(s, span));
                }
                other => {
                    let d = self
                        .file
                        .error(
                            "wrong-type",
                            list_span.clone(),
                            format!(
                                "every entry of `{key}` must be a string, found {}",
                                type_name(&other)
                            ),
                        )
                        .with_help(format!("write it like `{key} = {example}`"));
                    self.diagnostics.push(d);
                }
            }
        }
        out
    }

    /// Where the quoted text `s` appears in `from..to`, for a precise span
    /// inside an array: as it is, or with its backslashes escaped.
    fn find_literal(&self, s: &str, from: usize, to: usize) -> Option<Range<usize>> {
        let hay = self.file.text.get(from..to)?;
        let escaped = s.replace('\\', "\\\\");
        [s, escaped.as_str()].into_iter().find_map(|form| {
            let pos = hay.find(form)?;
            Some(from + pos..from + pos + form.len())
        })
    }

    /// Where the key `key` of a nested table is written, at or after byte
    /// `from`: a line `key = …`, a dotted `table.key = …` or an entry of an
    /// inline table. The parsed value keeps no spans below the top level.
    fn find_key(&self, key: &str, from: usize) -> Option<Range<usize>> {
        let pattern = format!(r"(?m)(?:^|[.{{,])[ \t]*({})[ \t]*=", regex::escape(key));
        let re = regex::Regex::new(&pattern).ok()?;
        let found = re.captures(self.file.text.get(from..)?)?.get(1)?;
        Some(from + found.start()..from + found.end())
    }

    /// The span of each of `values` (the strings of a list found in
    /// `within`, e.g. in a table from [`Fields::table`]), in order; `within`
    /// where one cannot be found.
    pub fn locate_strings(&self, values: &[String], within: Range<usize>) -> Vec<Range<usize>> {
        let mut from = within.start;
        values
            .iter()
            .map(|v| {
                let span = self
                    .find_literal(v, from, within.end)
                    .unwrap_or(within.clone());
                from = span.end.max(from);
                span
            })
            .collect()
    }

    /// A calendar date written as a TOML date (`2024-03-01`, no quotes).
    /// Strings that look like dates are rejected with the exact fix, never
    /// guessed: `2024年3月1日` could be meant as either date if misread.
    pub fn date(&mut self, key: &str) -> Option<Located<Date>> {
        let Some(entry) = self.entries.get(key) else {
            if self.required(key) {
                self.missing(key, "2024-03-01");
            }
            return None;
        };
        let span = entry.value_span.clone();
        let problem = match &entry.value {
            Value::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => match Date::from_ymd(i32::from(d.year), d.month, d.day) {
                    Some(date) => return Some(Located::new(date, span)),
                    None => (
                        "bad-date",
                        format!("`{key}` is not a real calendar date"),
                        None,
                    ),
                },
                (Some(d), Some(_)) => (
                    "bad-date",
                    format!("`{key}` must be a date without a time of day"),
                    Some(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)),
                ),
                (None, _) => (
                    "bad-date",
                    format!("`{key}` must be a date, found a time of day"),
                    None,
                ),
            },
            Value::String(s) => match parse_date_string(s) {
                Some((date, chinese)) => {
                    let what = if chinese {
                        "a Chinese-style date"
                    } else {
                        "a date"
                    };
                    (
                        "date-in-string",
                        format!("`{key}` is {what} written as a string"),
                        Some(date.to_string()),
                    )
                }
                None => (
                    "bad-date",
                    format!("`{key}` must be a date like 2024-03-01, found the string \"{s}\""),
                    None,
                ),
            },
            other => (
                "wrong-type",
                format!(
                    "`{key}` must be a date like 2024-03-01, found {}",
                    type_name(other)
                ),
                None,
            ),
        };
        let (code, message, fix) = problem;
        let help = match fix {
            Some(fixed) => format!("write `{key} = {fixed}` (year-month-day, without quotes)"),
            None => format!("write `{key} = 2024-03-01` (year-month-day, without quotes)"),
        };
        let d = self.file.error(code, span, message).with_help(help);
        self.diagnostics.push(d);
        None
    }

    /// A nested table (e.g. `[vocabularies]` in site.toml), checked against
    /// its own known keys.
    pub fn table(
        &mut self,
        key: &str,
        table: &[Field],
    ) -> Option<BTreeMap<String, (Value, Range<usize>)>> {
        let known = keys(table);
        let entry = self.entries.get(key)?;
        let span = entry.value_span.clone();
        let Value::Table(table) = &entry.value else {
            self.wrong_type(key, "a table", "{ … }");
            return None;
        };
        let mut out = BTreeMap::new();
        for (k, v) in table {
            if known.contains(&k.as_str()) {
                let at = self.find_key(k, span.start).unwrap_or(span.clone());
                out.insert(k.clone(), (v.clone(), at));
            } else {
                let mut d = self.file.error(
                    "unknown-field",
                    span.clone(),
                    format!("unknown field `{key}.{k}`"),
                );
                d = match did_you_mean(k, known.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!(
                        "the fields allowed in `{key}` are: {}",
                        known.join(", ")
                    )),
                };
                self.diagnostics.push(d);
            }
        }
        Some(out)
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "a number",
        Value::Float(_) => "a decimal number",
        Value::Boolean(_) => "true/false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

/// The fix for a TOML syntax error at byte `at` of `text`. The line's own
/// shape comes first: a Chinese date or a lone backslash is what an editor
/// typed, whatever the parser's message says.
fn toml_syntax_help(message: &str, text: &str, at: usize) -> String {
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    if let Some((key, value)) = line.split_once('=') {
        let (key, value) = (key.trim(), value.trim());
        let unquoted = value.trim_matches(|c| c == '"' || c == '\'');
        if let Some((date, _)) = parse_date_string(unquoted) {
            return format!(
                "write {key} = {date}: a date is year-month-day, digits only, without quotes"
            );
        }
        if message.contains("escape")
            && let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"'))
        {
            let single = if inner.contains('\'') {
                String::new()
            } else {
                format!(": {key} = '{inner}'")
            };
            return format!(
                "a backslash in double quotes starts an escape: write `\\\\` or use single quotes{single}"
            );
        }
    }
    if message.contains("duplicate key") {
        "each field may appear only once; delete one of the two lines".into()
    } else if message.contains("invalid date") || message.contains("day between") {
        "dates are written year-month-day, e.g. 2024-03-01, and must exist in the calendar".into()
    } else if message.contains("string") || message.contains("quote") {
        "text values need double quotes, e.g. title = \"关于……的通知\"; a backslash in a category is written \\\\".into()
    } else {
        "each line is `field = value`; text in double quotes, dates like 2024-03-01, lists in [ ]"
            .into()
    }
}

/// Recognise `2024-03-01`, `2024/3/1`, `2024.3.1` and `2024年3月1日` in a
/// string. Only unambiguous year-month-day forms are recognised.
pub fn parse_date_string(s: &str) -> Option<(Date, bool)> {
    let s = s.trim();
    let chinese = s.contains('年');
    let normalized: String = s
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' | '.' => '-',
            '日' | '号' => ' ',
            c => c,
        })
        .collect();
    let mut parts = normalized.trim().split('-');
    let year: i32 = parts.next()?.trim().parse().ok()?;
    let month: u8 = parts.next()?.trim().parse().ok()?;
    let day: u8 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() || !(1000..=9999).contains(&year) {
        return None;
    }
    Date::from_ymd(year, month, day).map(|d| (d, chinese))
}

/// A TOML escape (`\u0001`, `\U0000001B`, `\x01`, `\e`) makes a character
/// that XML 1.0 forbids out of plain ASCII, so the check of the raw file
/// (`load::read_source`) cannot see it; every value of every file kind is
/// read here. Points at the escape when it is found in the value's source,
/// else at the value.
fn forbidden_escape(file: &SourceFile, span: Range<usize>, value: &Value) -> Option<Diagnostic> {
    let c = forbidden_char(value)?;
    let source = file.text.get(span.clone()).unwrap_or_default();
    let (range, what, c) = match escapes(source).find(|(_, _, c)| crate::text::is_forbidden(*c)) {
        Some((at, len, c)) => (
            span.start + at..span.start + at + len,
            format!("the escape `{}`", &source[at..at + len]),
            c,
        ),
        None => (span, "this value".to_string(), c),
    };
    Some(
        file.error(
            "forbidden-character",
            range,
            format!(
                "{what} makes the invisible character U+{:04X}, which feeds and sitemaps (XML) cannot carry",
                c as u32
            ),
        )
        .with_help("remove the escape from the text"),
    )
}

fn forbidden_char(value: &Value) -> Option<char> {
    match value {
        Value::String(s) => crate::text::first_forbidden(s).map(|(_, c)| c),
        Value::Array(items) => items.iter().find_map(forbidden_char),
        Value::Table(table) => table.values().find_map(forbidden_char),
        _ => None,
    }
}

/// The character escapes in TOML source text: (offset, length, character).
fn escapes(source: &str) -> impl Iterator<Item = (usize, usize, char)> + '_ {
    let bytes = source.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + 1 < bytes.len() {
            if bytes[i] != b'\\' {
                i += 1;
                continue;
            }
            let at = i;
            let digits = match bytes[i + 1] {
                b'u' => 4,
                b'U' => 8,
                b'x' => 2,
                b'e' => {
                    i += 2;
                    return Some((at, 2, '\u{1b}'));
                }
                // `\\` and the other escapes: skip both characters.
                _ => {
                    i += 2;
                    continue;
                }
            };
            i += 2;
            let c = source
                .get(i..i + digits)
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .and_then(char::from_u32);
            if let Some(c) = c {
                i += digits;
                return Some((at, 2 + digits, c));
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_dates_are_recognised_not_misread() {
        let (d, chinese) = parse_date_string("2024年3月1日").unwrap();
        assert_eq!(d.to_string(), "2024-03-01");
        assert!(chinese);
        assert_eq!(
            parse_date_string("2024/12/31").unwrap().0.to_string(),
            "2024-12-31"
        );
        assert!(parse_date_string("2024年2月30日").is_none());
        assert!(parse_date_string("3月1日").is_none());
        assert!(parse_date_string("01/03/2024").is_none());
    }

    #[test]
    fn reports_every_problem_in_one_pass() {
        let text = "titel = \"x\"\npublished = \"2024年3月1日\"\ndraft = \"yes\"\n";
        let file = SourceFile::new("a.md", text);
        let table = [
            required("title", "\"…\""),
            required("published", "2024-03-01"),
            optional("draft", "true"),
        ];
        let mut f = Fields::parse(&file, text, 0, 0..0, &table).unwrap();
        assert!(f.string("title").is_none());
        assert!(f.date("published").is_none());
        assert!(f.boolean("draft").is_none());
        let codes: Vec<_> = f.diagnostics.0.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "unknown-field",
                "missing-field",
                "date-in-string",
                "wrong-type"
            ]
        );
        assert_eq!(f.diagnostics.0[2].line, 2);
    }

    #[test]
    fn escapes_making_forbidden_characters_are_found_where_they_are() {
        let text = "a = \"x\\\\u0001\"\nb = [\"ok\", \"y\\e\"]\nc = \"z\\U0000FFFF\"\nd = \"\\u00e9\\t\"\n";
        let file = SourceFile::new("t.toml", text);
        let table = ["a", "b", "c", "d"].map(|k| optional(k, "\"\""));
        let f = Fields::parse(&file, text, 0, 0..0, &table).unwrap();
        let found: Vec<(usize, usize, &str)> = f
            .diagnostics
            .0
            .iter()
            .map(|d| (d.line, d.column, d.message.as_str()))
            .collect();
        // `\\u0001` is a backslash and text, not an escape.
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!((found[0].0, found[0].1), (2, 14));
        assert!(found[0].2.contains("`\\e`") && found[0].2.contains("U+001B"));
        assert_eq!((found[1].0, found[1].1), (3, 7));
        assert!(found[1].2.contains("`\\U0000FFFF`"));
    }
}
