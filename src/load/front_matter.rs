//! `+++`-fenced TOML front matter.

use std::ops::Range;

use crate::diagnostics::{Diagnostic, SourceFile};

/// Where the parts of a Markdown file with front matter are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatter {
    /// The TOML between the fences.
    pub toml: Range<usize>,
    /// The opening `+++` line: where "missing field" problems point.
    pub opening_fence: Range<usize>,
    /// The Markdown after the closing fence.
    pub body: Range<usize>,
}

/// Split `file` into front matter and body. The file must start with a
/// line `+++` (a UTF-8 byte order mark before it is tolerated) and the
/// front matter ends at the next line that is exactly `+++`.
pub fn split_front_matter(file: &SourceFile) -> Result<FrontMatter, Diagnostic> {
    let text = &*file.text;
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_line_end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    if text[start..first_line_end].trim_end() != "+++" {
        let span = start..first_line_end.min(start + 3).max(start);
        return Err(file
            .error("missing-front-matter", span, "the file does not start with front matter")
            .with_help("put the fields between two lines `+++` at the very top, e.g.\n+++\nindex_no = \"…\"\ntitle = \"…\"\n+++"));
    }
    let opening_fence = start..first_line_end.saturating_sub(1).max(start + 3);
    let mut line_start = first_line_end;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i + 1);
        if text[line_start..line_end].trim_end() == "+++" {
            return Ok(FrontMatter {
                toml: first_line_end..line_start,
                opening_fence,
                body: line_end..text.len(),
            });
        }
        line_start = line_end;
    }
    Err(file
        .error(
            "unclosed-front-matter",
            opening_fence,
            "the front matter is never closed",
        )
        .with_help("add a line `+++` after the last field"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_keeps_offsets() {
        let f = SourceFile::new("a.md", "+++\ntitle = \"x\"\n+++\n\nbody\n");
        let fm = split_front_matter(&f).unwrap();
        assert_eq!(&f.text[fm.toml.clone()], "title = \"x\"\n");
        assert_eq!(&f.text[fm.body.clone()], "\nbody\n");
    }

    #[test]
    fn crlf_and_bom() {
        let f = SourceFile::new("a.md", "\u{feff}+++\r\na = 1\r\n+++\r\nbody");
        let fm = split_front_matter(&f).unwrap();
        assert_eq!(&f.text[fm.toml.clone()], "a = 1\r\n");
        assert_eq!(&f.text[fm.body], "body");
    }

    #[test]
    fn unclosed_is_an_error() {
        let f = SourceFile::new("a.md", "+++\na = 1\n");
        assert_eq!(
            split_front_matter(&f).unwrap_err().code,
            "unclosed-front-matter"
        );
        let f = SourceFile::new("a.md", "a = 1\n");
        assert_eq!(
            split_front_matter(&f).unwrap_err().code,
            "missing-front-matter"
        );
    }
}
