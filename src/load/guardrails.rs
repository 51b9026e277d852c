//! Mistakes that would otherwise go live silently: placeholders `gongkai
//! new` wrote and nobody replaced, a 文号 with the wrong brackets around
//! its year, pinyin annotations pasted from web pages.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostics::{Diagnostics, SourceFile};

/// What `gongkai new` writes where the editor must write the real text
/// (`src/scaffold.rs`, `src/scaffold/report.rs`): an opening marker, up to
/// its closing `）`. A published file holding one is an error.
pub const PLACEHOLDERS: &[&str] = &["（编制说明：", "（请填写", "（正文：Markdown。）"];

/// Every placeholder left in `range` of `source`, as errors. The caller
/// skips drafts and exempt items: only what is published must be complete.
pub fn placeholders(source: &SourceFile, range: Range<usize>, diagnostics: &mut Diagnostics) {
    let text = &source.text[range.clone()];
    let mut covered = 0;
    let mut found: Vec<Range<usize>> = Vec::new();
    for marker in PLACEHOLDERS {
        for (at, _) in text.match_indices(marker) {
            found.push(at..placeholder_end(text, at, marker));
        }
    }
    found.sort_by_key(|r| r.start);
    for span in found {
        // A placeholder inside another (the guide's note quotes 「（请填写）」)
        // is part of the outer one.
        if span.start < covered {
            continue;
        }
        covered = span.end;
        let shown = &text[span.clone()];
        let shown: String = if shown.chars().count() > 30 {
            shown.chars().take(29).chain(['…']).collect()
        } else {
            shown.to_string()
        };
        diagnostics.push(
            source
                .error(
                    "placeholder",
                    range.start + span.start..range.start + span.end,
                    format!("a placeholder from `gongkai new` is still here: {shown}"),
                )
                .with_help("replace it with the real text (or delete it): this file is published as it is; a catalog item, power or report may keep placeholders while it has `draft = true`"),
        );
    }
}

/// Where the placeholder starting at `at` ends: after the `）` that closes
/// its `（` (nested pairs counted), or at the end of the line.
fn placeholder_end(text: &str, at: usize, marker: &str) -> usize {
    if marker.ends_with('）') {
        return at + marker.len();
    }
    let mut depth = 0usize;
    for (i, c) in text[at..].char_indices() {
        match c {
            '（' => depth += 1,
            '）' => {
                depth -= 1;
                if depth == 0 {
                    return at + i + c.len_utf8();
                }
            }
            '\n' => return at + i,
            _ => {}
        }
    }
    text.len()
}

static YEAR_IN_BRACKETS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\[(［（【]\s*((?:19|20)\d{2})\s*[\])］）】]").expect("valid regex")
});

/// A 文号 with `[2017]`, `(2017)`, `［2017］`, `（2017）` or `【2017】` where
/// GB/T 9704-2012 writes the year in 六角括号 `〔2017〕`: a warning showing
/// the corrected number. `span` is the value's span in `source`.
pub fn doc_no_brackets(
    source: &SourceFile,
    doc_no: &str,
    span: Range<usize>,
    diagnostics: &mut Diagnostics,
) {
    let Some(found) = YEAR_IN_BRACKETS.captures(doc_no) else {
        return;
    };
    let whole = found.get(0).expect("match");
    let corrected = YEAR_IN_BRACKETS.replace_all(doc_no, "〔$1〕");
    // Point at the brackets when the value is written as it reads.
    let at = source.text[span.clone()]
        .find(whole.as_str())
        .map_or(span.clone(), |i| {
            span.start + i..span.start + i + whole.len()
        });
    diagnostics.push(
        source
            .warning(
                "doc-no-brackets",
                at,
                format!(
                    "the year of this 文号 is in `{}`; the national form (GB/T 9704-2012) is 〔{}〕",
                    whole.as_str(),
                    &found[1]
                ),
            )
            .with_help(format!(
                "write doc_no = \"{corrected}\" (六角括号 〔〕: type them, or copy them from here)"
            )),
    );
}

static PINYIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\p{Han}([(（]\s*(?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*|(?:[bcdfghjklmnpqrstwxyz]|[csz]h)?[aeiouüv]{1,3}(?:ng|n|r)?[1-5])\s*[)）])",
    )
    .expect("valid regex")
});

/// Inline pinyin annotations pasted from web pages (`政務(wù)`,
/// `公开(kāi)`): a Han character followed by one parenthesised syllable
/// with a tone mark or tone digit. One warning per line, showing the line
/// without them: they also break search for every phrase across them.
pub fn pinyin_annotations(source: &SourceFile, range: Range<usize>, diagnostics: &mut Diagnostics) {
    let text = &source.text[range.clone()];
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        // Every annotation opens a bracket, and most lines have none: the
        // expression has no literal to look for first, so without this it
        // ran its automaton over every line of every file.
        let annotations: Vec<Range<usize>> = if line.contains(['(', '（']) {
            PINYIN
                .captures_iter(line)
                .map(|c| c.get(1).expect("group").range())
                .collect()
        } else {
            Vec::new()
        };
        if let Some(first) = annotations.first() {
            let mut clean = String::with_capacity(line.len());
            let mut last = 0;
            for a in &annotations {
                clean.push_str(&line[last..a.start]);
                last = a.end;
            }
            clean.push_str(&line[last..]);
            let start = range.start + line_start;
            diagnostics.push(
                source
                    .warning(
                        "pinyin-annotation",
                        start + first.start..start + first.end,
                        format!(
                            "{} pinyin annotation(s) pasted with the text: {}",
                            annotations.len(),
                            annotations
                                .iter()
                                .map(|a| &line[a.clone()])
                                .collect::<Vec<_>>()
                                .join(" ")
                        ),
                    )
                    .with_help(format!(
                        "delete them (they show on the page and break search for the words around them); the line without them:\n{}",
                        clean.trim_end()
                    )),
            );
        }
        line_start += line.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_is_told_from_ordinary_brackets() {
        let f = SourceFile::new(
            "a.md",
            "政務(wù)公开(kāi)\n规定(试行)\n第三条(1)\n公开（gong1）\n附表(a1b)\n",
        );
        let mut d = Diagnostics::default();
        pinyin_annotations(&f, 0..f.text.len(), &mut d);
        let lines: Vec<usize> = d.0.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![1, 4], "{d:?}");
        assert!(d.0[0].help.as_deref().unwrap().ends_with("\n政務公开"));
    }

    #[test]
    fn doc_no_years_in_other_brackets() {
        for (written, fixed) in [
            ("洛政办[2017]120号", "洛政办〔2017〕120号"),
            ("洛政办（2017）120号", "洛政办〔2017〕120号"),
            ("洛政办【2017】120号", "洛政办〔2017〕120号"),
            ("洛政办［ 2017 ］120号", "洛政办〔2017〕120号"),
        ] {
            let text = format!("doc_no = \"{written}\"\n");
            let f = SourceFile::new("a.toml", text.as_str());
            let mut d = Diagnostics::default();
            doc_no_brackets(&f, written, 9..text.len() - 1, &mut d);
            assert_eq!(d.0.len(), 1, "{written}");
            assert!(d.0[0].help.as_deref().unwrap().contains(fixed), "{d:?}");
        }
        let mut d = Diagnostics::default();
        let f = SourceFile::new("a.toml", "");
        doc_no_brackets(&f, "洛政办〔2017〕120号", 0..0, &mut d);
        assert!(d.0.is_empty());
    }
}
