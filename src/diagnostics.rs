//! Content problems found by `load` and `validate`: what is wrong, where
//! (file, line, column, byte span) and how to fix it.
//!
//! A [`Diagnostic`] is plain data. It is rendered in the style of rustc (a
//! source excerpt with the offending span underlined) for terminals and as
//! JSON for machines; neither stage ever stops at the first problem.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A file of the content repository, kept in memory so that a diagnostic
/// can quote the line it talks about.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators: what editors see.
    pub path: PathBuf,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters, so that CJK text counts one
    /// column per character) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    pub fn error(
        &self,
        code: &'static str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.diagnostic(Severity::Error, code, span, message.into())
    }

    pub fn warning(
        &self,
        code: &'static str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.diagnostic(Severity::Warning, code, span, message.into())
    }

    fn diagnostic(
        &self,
        severity: Severity,
        code: &'static str,
        span: Range<usize>,
        message: String,
    ) -> Diagnostic {
        let (line, column) = self.line_column(span.start);
        Diagnostic {
            severity,
            code,
            file: self.path.clone(),
            line,
            column,
            span: Some(span),
            message,
            help: None,
            related: Vec::new(),
            source: Some(self.text.clone()),
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Another place that a diagnostic refers to, e.g. the first file that used
/// a duplicated 索引号.
#[derive(Clone, Debug, Serialize)]
pub struct Related {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip)]
    pub span: Option<Range<usize>>,
    #[serde(skip)]
    pub source: Option<Arc<str>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case identifier, e.g. `unknown-field`.
    pub code: &'static str,
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    #[serde(skip)]
    pub span: Option<Range<usize>>,
    #[serde(skip)]
    pub source: Option<Arc<str>>,
}

impl Diagnostic {
    /// A problem with a file as a whole (a missing file, an unreadable one).
    pub fn for_path(
        severity: Severity,
        code: &'static str,
        file: &Path,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            span: None,
            message: message.into(),
            help: None,
            related: Vec::new(),
            source: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(
        mut self,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = file.line_column(span.start);
        self.related.push(Related {
            file: file.path.clone(),
            line,
            column,
            message: message.into(),
            span: Some(span),
            source: Some(file.text.clone()),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// All diagnostics of one run, sorted by file, position and code so that
/// output is stable.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
        });
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "errors": self.error_count(),
            "warnings": self.warning_count(),
            "diagnostics": self.0,
        })
    }

    /// rustc-style text: a header, the source excerpt with the span
    /// underlined, and the hint. `color` only for terminals.
    pub fn render_human(&self, color: bool) -> String {
        use codespan_reporting::diagnostic::{Diagnostic as Cs, Label};
        use codespan_reporting::files::SimpleFiles;
        use codespan_reporting::term::{self, termcolor::Buffer};

        let mut files = SimpleFiles::new();
        let mut buffer = if color {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        let config = term::Config::default();
        for d in &self.0 {
            let severity = match d.severity {
                Severity::Error => codespan_reporting::diagnostic::Severity::Error,
                Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
            };
            let mut cs = Cs::new(severity).with_code(d.code).with_message(&d.message);
            let mut notes = Vec::new();
            let mut labels = Vec::new();
            match (&d.source, &d.span) {
                (Some(source), Some(span)) => {
                    let id = files.add(d.file.display().to_string(), source.clone());
                    labels.push(Label::primary(id, span.clone()));
                }
                _ => notes.push(format!("in {}", d.file.display())),
            }
            for r in &d.related {
                match (&r.source, &r.span) {
                    (Some(source), Some(span)) => {
                        let id = files.add(r.file.display().to_string(), source.clone());
                        labels.push(Label::secondary(id, span.clone()).with_message(&r.message));
                    }
                    _ => notes.push(format!("{}: {}", r.file.display(), r.message)),
                }
            }
            if let Some(help) = &d.help {
                notes.push(format!("help: {help}"));
            }
            cs = cs.with_labels(labels).with_notes(notes);
            // Writing into an in-memory buffer cannot fail.
            let _ = term::emit_to_write_style(&mut buffer, &config, &files, &cs);
        }
        String::from_utf8_lossy(buffer.as_slice()).into_owned()
    }
}

/// "Did you mean" for a misspelt name: the closest candidate, if close enough
/// to be a plausible typo.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    suggestions(wrong, candidates).into_iter().next()
}

/// Every candidate as close as the closest plausible one, in the order
/// given: for `通之` both 通告 and 通知 are one character away, and only the
/// editor knows which was meant.
pub fn suggestions<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    // Jaro-Winkler suits Latin field names; for short CJK words one wrong
    // character is the typo to catch.
    let scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let jw = strsim::jaro_winkler(wrong, c);
            let edits = strsim::levenshtein(wrong, c);
            (jw > 0.8 || (edits == 1 && wrong.chars().count() >= 2)).then_some((jw, c))
        })
        .collect();
    let best = scored.iter().map(|s| s.0).fold(f64::NEG_INFINITY, f64::max);
    scored
        .into_iter()
        .filter(|s| s.0 == best)
        .map(|s| s.1)
        .collect()
}

/// `"a" or "b"`.
pub fn quoted_alternatives(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let f = SourceFile::new("a.md", "+++\n标题 = 1\n");
        assert_eq!(f.line_column(0), (1, 1));
        assert_eq!(f.line_column(4), (2, 1));
        // after the two CJK characters (3 bytes each) and a space
        assert_eq!(f.line_column(4 + 7), (2, 4));
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("titel", ["title", "published"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "published"]), None);
        assert_eq!(did_you_mean("通之", ["通知", "公告"]), Some("通知"));
        assert_eq!(
            suggestions("通之", ["通告", "通知", "公告"]),
            ["通告", "通知"]
        );
    }
}
