//! A readable diff between two revisions' source text, as HTML: changed
//! lines with one line of context, and within a changed line the words
//! that changed. Chinese has no spaces between words, so every Han (or
//! other non-ASCII) character is a word of its own; ASCII letters and
//! digits group into words, so `2024` or `12号` changes as a unit.

use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices};

use crate::text::escape;

/// Labels read out by screen readers at each change.
pub struct DiffLabels<'a> {
    pub removed: &'a str,
    pub added: &'a str,
}

/// HTML of the changes from `old` to `new` (both whole source files).
pub fn to_html(old: &str, new: &str, labels: &DiffLabels) -> String {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_lines(old, new);
    let mut out = String::new();
    for group in diff.grouped_ops(1) {
        out.push_str("<div class=\"diff-hunk\">\n");
        for op in group {
            match op {
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    let old_text: String =
                        diff.old_slices()[old_index..old_index + old_len].concat();
                    let new_text: String =
                        diff.new_slices()[new_index..new_index + new_len].concat();
                    inline(&old_text, &new_text, labels, &mut out);
                }
                _ => {
                    for change in diff.iter_changes(&op) {
                        let text = escape(change.value().trim_end_matches(['\n', '\r']));
                        match change.tag() {
                            ChangeTag::Equal => line(&mut out, "diff-context", &text),
                            ChangeTag::Delete => line(
                                &mut out,
                                "diff-removed",
                                &marked("del", labels.removed, &text),
                            ),
                            ChangeTag::Insert => {
                                line(&mut out, "diff-added", &marked("ins", labels.added, &text))
                            }
                        }
                    }
                }
            }
        }
        out.push_str("</div>\n");
    }
    out
}

fn line(out: &mut String, class: &str, html: &str) {
    out.push_str("<p class=\"");
    out.push_str(class);
    out.push_str("\">");
    out.push_str(html);
    out.push_str("</p>\n");
}

fn marked(tag: &str, label: &str, html: &str) -> String {
    format!("<{tag}><span class=\"visually-hidden\">{label}</span>{html}</{tag}>")
}

/// Word-level changes within replaced lines, shown as one old and one new
/// paragraph so that each reads as text.
fn inline(old: &str, new: &str, labels: &DiffLabels, out: &mut String) {
    let old_words = words(old);
    let new_words = words(new);
    let ops = capture_diff_slices(Algorithm::Myers, &old_words, &new_words);
    let mut before = String::new();
    let mut after = String::new();
    for op in ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let old_text = escape(&old_words[old_range].concat());
        let new_text = escape(&new_words[new_range].concat());
        match tag {
            similar::DiffTag::Equal => {
                before.push_str(&old_text);
                after.push_str(&new_text);
            }
            _ => {
                if !old_text.is_empty() {
                    before.push_str(&marked("del", labels.removed, &old_text));
                }
                if !new_text.is_empty() {
                    after.push_str(&marked("ins", labels.added, &new_text));
                }
            }
        }
    }
    line(out, "diff-removed", before.trim_end_matches(['\n', '\r']));
    line(out, "diff-added", after.trim_end_matches(['\n', '\r']));
}

/// Split into words: runs of ASCII letters and digits, runs of spaces, and
/// every other character on its own.
fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let class = |c: char| {
            if c.is_ascii_alphanumeric() {
                1
            } else if c == ' ' || c == '\t' {
                2
            } else {
                0
            }
        };
        let k = class(c);
        let end = if k == 0 {
            i + c.len_utf8()
        } else {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if class(d) != k {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            end
        };
        out.push(&text[start.max(i)..end]);
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABELS: DiffLabels = DiffLabels {
        removed: "[-]",
        added: "[+]",
    };

    #[test]
    fn words_split_han_characters_and_keep_ascii_runs() {
        assert_eq!(
            words("关于2024年 ab12号"),
            vec!["关", "于", "2024", "年", " ", "ab12", "号"]
        );
    }

    #[test]
    fn a_changed_character_is_marked_alone() {
        let html = to_html(
            "标题\n本办法自发布之日起施行。\n",
            "标题\n本规定自发布之日起施行。\n",
            &LABELS,
        );
        assert!(
            html.contains("<del><span class=\"visually-hidden\">[-]</span>办法</del>"),
            "{html}"
        );
        assert!(
            html.contains("<ins><span class=\"visually-hidden\">[+]</span>规定</ins>"),
            "{html}"
        );
        assert!(
            html.contains("<p class=\"diff-context\">标题</p>"),
            "{html}"
        );
    }

    #[test]
    fn added_and_removed_lines_are_escaped() {
        let html = to_html("a\n", "a\n<script>\n", &LABELS);
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn identical_text_has_no_hunk() {
        assert_eq!(to_html("同样\n", "同样\n", &LABELS), "");
    }
}
