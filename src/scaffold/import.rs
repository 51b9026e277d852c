//! `gongkai new catalog --from FILE|DIR`: a `.txt` or `.docx` document →
//! the body of a draft item in Markdown, and the title, 文号, 成文日期 and
//! 发布机构 where the document states them (for the editor to confirm).
//!
//! The 公文 heading levels of GB/T 9704-2012 (一、 / （一） / 1. / （1）)
//! become `##` … `#####` when the line is short and heading-like; every
//! other line stays a paragraph, escaped so that Markdown never reads a
//! numbered paragraph as a list or a stray `*` as emphasis.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::{NewItem, ScaffoldError, new_catalog_item, toml_string};
use crate::model::Date;

/// One block of a document, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    /// Rows of cells, the first row being the header.
    Table(Vec<Vec<String>>),
}

/// What the document says about itself; every value is a guess to confirm.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub title: Option<String>,
    pub doc_no: Option<String>,
    /// 成文日期 as (year, month, day).
    pub written: Option<(i32, u8, u8)>,
    pub publisher: Option<String>,
    pub body: String,
}

/// The file kinds `--from` reads, by extension (lowercase).
pub const EXTENSIONS: [&str; 2] = ["txt", "docx"];

/// Read a `.txt` (UTF-8 with or without BOM, UTF-16 with BOM, or
/// GB18030/GBK) or `.docx` file into blocks.
pub fn read_document(path: &Path) -> Result<Vec<Block>, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    match ext.as_str() {
        "txt" => Ok(text_blocks(
            &decode_text(&bytes).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
        "docx" => docx_blocks(&bytes).map_err(|e| format!("{}: {e}", path.display())),
        _ => Err(format!(
            "{}: only .txt and .docx documents can be imported (save a .doc or .wps as .docx first)",
            path.display()
        )),
    }
}

/// Text in the encodings government `.txt` files come in. A file that is
/// valid UTF-8 is UTF-8; otherwise GB18030 (a superset of GBK and GB2312).
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(format!("not valid {} text", encoding.name()));
        }
        return Ok(text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
        .ok_or_else(|| "neither UTF-8 nor GB18030/GBK text; save it as UTF-8".to_string())
}

/// A line longer than this that holds spaces after Chinese characters lost
/// its line breaks (copied from a web page): each such space was one.
const RUN_ON_LINE: usize = 500;

/// One paragraph per non-empty line.
pub fn text_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    for line in text.lines() {
        let line = clean(line);
        if line.chars().count() > RUN_ON_LINE {
            blocks.extend(split_run_on(&line).into_iter().map(Block::Paragraph));
        } else if !line.is_empty() {
            blocks.push(Block::Paragraph(line));
        }
    }
    blocks
}

/// Trimmed, with full-width spaces (U+3000, the 公文 indent) and tabs
/// counted as spaces.
fn clean(line: &str) -> String {
    line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_string()
}

fn split_run_on(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let before = start.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i).copied();
            // After Chinese text, a space before anything but a Latin
            // word (a heading's `(一)` or `1.` included) was a line break.
            if before.is_some_and(|c| !c.is_ascii())
                && after.is_some_and(|c| !c.is_ascii_alphabetic())
            {
                parts.push(std::mem::take(&mut current));
            } else {
                current.push(' ');
            }
            continue;
        }
        current.push(chars[i]);
        i += 1;
    }
    parts.push(current);
    parts.retain(|p| !p.trim().is_empty());
    parts
}

/// The paragraphs and tables of `word/document.xml`, in order.
pub fn docx_blocks(bytes: &[u8]) -> Result<Vec<Block>, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a .docx file (not a zip archive: {e})"))?;
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .map_err(|_| "not a .docx file (no word/document.xml)".to_string())?
        .read_to_string(&mut xml)
        .map_err(|e| format!("word/document.xml: {e}"))?;
    let doc = roxmltree::Document::parse(&xml).map_err(|e| format!("word/document.xml: {e}"))?;
    let body = doc
        .root_element()
        .children()
        .find(|n| is_w(n, "body"))
        .ok_or("word/document.xml has no body")?;
    let mut blocks = Vec::new();
    collect_blocks(body, &mut blocks);
    Ok(blocks)
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn is_w(node: &roxmltree::Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(W)
}

fn collect_blocks(node: roxmltree::Node, blocks: &mut Vec<Block>) {
    for child in node.children().filter(|n| n.is_element()) {
        if is_w(&child, "p") {
            let text = clean(&paragraph_text(child));
            if !text.is_empty() {
                blocks.push(Block::Paragraph(text));
            }
        } else if is_w(&child, "tbl") {
            let rows: Vec<Vec<String>> = child
                .children()
                .filter(|r| is_w(r, "tr"))
                .map(|row| {
                    row.children()
                        .filter(|c| is_w(c, "tc"))
                        .map(|cell| {
                            cell.children()
                                .filter(|p| is_w(p, "p"))
                                .map(|p| clean(&paragraph_text(p)))
                                .filter(|t| !t.is_empty())
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .collect()
                })
                .collect();
            if !rows.is_empty() {
                blocks.push(Block::Table(rows));
            }
        } else if !is_w(&child, "sectPr") {
            // Content controls, tracked insertions: their paragraphs count.
            collect_blocks(child, blocks);
        }
    }
}

/// The text of a paragraph's runs (deleted text, in `w:delText`, is not).
fn paragraph_text(p: roxmltree::Node) -> String {
    let mut text = String::new();
    for n in p.descendants() {
        if is_w(&n, "t") {
            text.push_str(n.text().unwrap_or(""));
        } else if is_w(&n, "tab") || is_w(&n, "br") {
            text.push(' ');
        }
    }
    text
}

static DOC_NO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\p{Han}{1,20}〔(19|20)\d{2}〕\d{1,5}[号號]$").expect("regex"));
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((19|20)\d{2})年(\d{1,2})月(\d{1,2})日([（(].*[)）])?$").expect("regex")
});
/// The four heading levels of GB/T 9704-2012, outermost first.
static HEADINGS: LazyLock<[Regex; 4]> = LazyLock::new(|| {
    [
        r"^[一二三四五六七八九十百]+、",
        r"^[（(][一二三四五六七八九十百]+[）)]",
        r"^[0-9０-９]+[.．、](\D|$)",
        r"^[（(][0-9０-９]+[）)]",
    ]
    .map(|r| Regex::new(r).expect("regex"))
});
/// A heading is a short line with no sentence inside it.
const HEADING_MAX_CHARS: usize = 40;

/// Markdown for the blocks, and what the document states about itself.
pub fn convert(blocks: &[Block]) -> Imported {
    let paragraphs: Vec<(usize, &str)> = blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Paragraph(p) => Some((i, p.as_str())),
            Block::Table(_) => None,
        })
        .collect();
    let mut skip = None;
    // The 文号 is a line of its own above the title; a 文号 quoted in the
    // text is another document's.
    let doc_no = paragraphs
        .iter()
        .take(10)
        .find(|(_, p)| DOC_NO.is_match(p))
        .map(|(_, p)| p.to_string());
    let title = paragraphs
        .iter()
        .take(10)
        .find(|(_, p)| is_title_like(p))
        .map(|(i, p)| {
            if paragraphs.first().is_some_and(|(first, _)| first == i) {
                skip = Some(*i);
            }
            p.to_string()
        });
    // The date under the signature: the last line that is only a date.
    let written_at = paragraphs.iter().rev().find_map(|(i, p)| {
        let c = DATE.captures(p)?;
        let year = c[1].parse().ok()?;
        let month: u8 = c[3].parse().ok()?;
        let day: u8 = c[4].parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((*i, (year, month, day)))
    });
    let publisher = written_at.and_then(|(at, _)| {
        let (_, p) = paragraphs.iter().rev().find(|(i, _)| *i < at)?;
        let n = p.chars().count();
        (n <= 30 && !p.contains(['。', '，', ',', '：', ':', '；']) && heading_level(p).is_none())
            .then(|| p.to_string())
    });

    let mut body = String::new();
    for (i, block) in blocks.iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        if !body.is_empty() {
            body.push('\n');
        }
        match block {
            Block::Paragraph(p) => match heading_level(p) {
                Some(level) => {
                    body.push_str(&"#".repeat(level + 2));
                    body.push(' ');
                    body.push_str(&escape_inline(p));
                    body.push('\n');
                }
                None => {
                    body.push_str(&escape_paragraph(p));
                    body.push('\n');
                }
            },
            Block::Table(rows) => body.push_str(&table(rows)),
        }
    }
    Imported {
        title,
        doc_no,
        written: written_at.map(|(_, d)| d),
        publisher,
        body,
    }
}

fn is_title_like(p: &str) -> bool {
    let n = p.chars().count();
    (4..=60).contains(&n)
        && !p.ends_with(['：', ':', '。', '，', ','])
        && !DATE.is_match(p)
        && !DOC_NO.is_match(p)
        && heading_level(p).is_none()
}

/// 0 for `一、`, 1 for `（一）`, 2 for `1.`, 3 for `（1）`; `None` for a
/// line that is not a short heading.
fn heading_level(p: &str) -> Option<usize> {
    let level = HEADINGS.iter().position(|r| r.is_match(p))?;
    let n = p.chars().count();
    let inner = p.trim_end_matches(['。', '.']);
    let sentence = inner.contains(['。', '；', ';', '！', '？', '：', ':']);
    (n <= HEADING_MAX_CHARS && !sentence).then_some(level)
}

/// Characters Markdown reads as markup anywhere in a line.
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '{' | '}' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A paragraph stays a paragraph: a leading `1.` or `1)` would start an
/// ordered list, `#` a heading, `-`/`+`/`*` a bullet, `>` a quote.
fn escape_paragraph(text: &str) -> String {
    let escaped = escape_inline(text);
    let digits = escaped.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(escaped[digits..].chars().next(), Some('.' | ')')) {
        return format!("{}\\{}", &escaped[..digits], &escaped[digits..]);
    }
    if escaped.starts_with(['#', '-', '+', '=']) {
        return format!("\\{escaped}");
    }
    escaped
}

fn table(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        out.push('|');
        for c in 0..width {
            let cell = row.get(c).map(String::as_str).unwrap_or("");
            out.push(' ');
            out.push_str(&escape_inline(cell));
            out.push_str(" |");
        }
        out.push('\n');
        if r == 0 {
            out.push('|');
            out.push_str(&" --- |".repeat(width));
            out.push('\n');
        }
    }
    out
}

/// `new catalog --from`: one draft item per document (`from` a file, or
/// every `.txt` and `.docx` file of a folder in name order), numbered as
/// `new catalog` numbers them. Every document is read before anything is
/// written, so a document that cannot be read leaves no item behind.
pub fn import_catalog_items(
    root: &Path,
    dept: &str,
    from: &Path,
    category: Option<&str>,
    today: Date,
) -> Result<Vec<NewItem>, ScaffoldError> {
    let files = if from.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(from)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(ScaffoldError::Usage(format!(
                "{} holds no .txt or .docx document",
                from.display()
            )));
        }
        files
    } else {
        vec![from.to_path_buf()]
    };
    let documents = files
        .iter()
        .map(|f| read_document(f).map(|blocks| (f, convert(&blocks))))
        .collect::<Result<Vec<_>, String>>()
        .map_err(ScaffoldError::Usage)?;
    let mut written = Vec::new();
    for (file, doc) in documents {
        let item = new_catalog_item(root, dept, doc.title.as_deref(), category, today)?;
        let path = root.join(&item.path);
        let text = std::fs::read_to_string(&path)?;
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        std::fs::write(&path, fill(&text, &doc, name.as_deref().unwrap_or("")))?;
        written.push(item);
    }
    Ok(written)
}

const CONFIRM: &str = " # from the document: confirm";

/// The item `new catalog` wrote, with the document's body and the values
/// it states put in place of the skeleton's.
fn fill(text: &str, doc: &Imported, source: &str) -> String {
    let Some((front, _)) = text
        .strip_prefix("+++\n")
        .and_then(|rest| rest.split_once("\n+++\n"))
    else {
        return text.to_string();
    };
    let values = [
        ("doc_no", doc.doc_no.as_ref().map(|v| toml_string(v))),
        (
            "written",
            doc.written
                .and_then(|(y, m, d)| Date::from_ymd(y, m, d))
                .map(|d| d.to_string()),
        ),
        ("publisher", doc.publisher.as_ref().map(|v| toml_string(v))),
    ];
    let mut lines: Vec<String> = vec![format!("# Imported from {source}.")];
    for line in front.lines() {
        let key = line
            .trim_start_matches("# ")
            .split(" = ")
            .next()
            .unwrap_or("");
        match values.iter().find(|(k, _)| *k == key) {
            Some((k, Some(v))) => lines.push(format!("{k} = {v}{CONFIRM}")),
            _ if key == "title" && doc.title.is_some() && !line.starts_with('#') => {
                lines.push(format!("{line}{CONFIRM}"))
            }
            _ => lines.push(line.to_string()),
        }
    }
    format!("+++\n{}\n+++\n\n{}", lines.join("\n"), doc.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(s: &str) -> Block {
        Block::Paragraph(s.to_string())
    }

    #[test]
    fn headings_by_level_only_when_short() {
        let blocks = [
            para("一、指导思想"),
            para("（一）基本原则"),
            para("1．加强组织领导"),
            para("（1）明确责任"),
            para("1.各地要加强组织领导，明确责任分工。各部门要按照要求抓好落实。"),
            para("2) 第二项"),
        ];
        let body = convert(&blocks).body;
        assert_eq!(
            body,
            "## 一、指导思想\n\n### （一）基本原则\n\n#### 1．加强组织领导\n\n##### （1）明确责任\n\n1\\.各地要加强组织领导，明确责任分工。各部门要按照要求抓好落实。\n\n2\\) 第二项\n"
        );
    }

    #[test]
    fn encodings() {
        let (gbk, _, _) = encoding_rs::GBK.encode("政务公开");
        assert_eq!(decode_text(&gbk).unwrap(), "政务公开");
        assert_eq!(decode_text(b"\xef\xbb\xbf\xe6\x94\xbf").unwrap(), "政");
    }

    #[test]
    fn run_on_lines_split_at_spaces_between_chinese() {
        let long = format!("{} 一、总体目标 {}", "甲".repeat(300), "乙".repeat(300));
        let blocks = text_blocks(&long);
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[1], para("一、总体目标"));
    }
}
