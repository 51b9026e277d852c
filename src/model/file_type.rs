//! The attachment types a site may publish: the one table that `check`
//! judges attachments by and that a web-server configuration can take its
//! MIME types from.
//!
//! Attachments are served from the site's own origin, so a file a browser
//! would run (HTML, SVG, XML, …) is an attack on every reader. Only the
//! types disclosure sites really attach are published, and their first
//! bytes must be what the extension says: a browser or server that sniffs
//! must never find HTML where a PDF was announced.

/// How the first bytes of a file of one type look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signature {
    /// Starts with one of these byte strings (`?` in a pattern stands for
    /// any byte).
    Magic(&'static [&'static [u8]]),
    /// UTF-8 or GB18030 text that no browser would take for HTML or XML.
    Text,
}

/// One allowed attachment type.
#[derive(Debug)]
pub struct FileType {
    /// Lowercase, without the dot; the first one is the usual one.
    pub extensions: &'static [&'static str],
    /// What the type is called in messages.
    pub name: &'static str,
    pub signature: Signature,
    /// `Content-Type` to serve it with.
    pub mime: &'static str,
}

const PDF: &[&[u8]] = &[b"%PDF-"];
/// OLE2 compound file (Word 97–2003, Excel, PowerPoint, WPS, ET, DPS).
const CFB: &[&[u8]] = &[b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"];
/// A ZIP local file header (OOXML and OFD are ZIP containers).
const ZIP_ENTRY: &[&[u8]] = &[b"PK\x03\x04"];
/// Also an empty or spanned archive.
const ZIP: &[&[u8]] = &[b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"];

/// Every type an item may attach. Kingsoft WPS's own formats (`wps`,
/// `et`, `dps`) are OLE2 files like their Microsoft counterparts.
pub const ATTACHMENT_TYPES: &[FileType] = &[
    FileType {
        extensions: &["pdf"],
        name: "PDF",
        signature: Signature::Magic(PDF),
        mime: "application/pdf",
    },
    FileType {
        extensions: &["ofd"],
        name: "OFD",
        signature: Signature::Magic(ZIP_ENTRY),
        mime: "application/ofd",
    },
    FileType {
        extensions: &["doc"],
        name: "Word 97–2003",
        signature: Signature::Magic(CFB),
        mime: "application/msword",
    },
    FileType {
        extensions: &["docx"],
        name: "Word",
        signature: Signature::Magic(ZIP_ENTRY),
        mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    },
    FileType {
        extensions: &["wps"],
        name: "WPS 文字",
        signature: Signature::Magic(CFB),
        mime: "application/kswps",
    },
    FileType {
        extensions: &["xls"],
        name: "Excel 97–2003",
        signature: Signature::Magic(CFB),
        mime: "application/vnd.ms-excel",
    },
    FileType {
        extensions: &["xlsx"],
        name: "Excel",
        signature: Signature::Magic(ZIP_ENTRY),
        mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    },
    FileType {
        extensions: &["et"],
        name: "WPS 表格",
        signature: Signature::Magic(CFB),
        mime: "application/kset",
    },
    FileType {
        extensions: &["csv"],
        name: "CSV",
        signature: Signature::Text,
        mime: "text/csv",
    },
    FileType {
        extensions: &["ppt"],
        name: "PowerPoint 97–2003",
        signature: Signature::Magic(CFB),
        mime: "application/vnd.ms-powerpoint",
    },
    FileType {
        extensions: &["pptx"],
        name: "PowerPoint",
        signature: Signature::Magic(ZIP_ENTRY),
        mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    },
    FileType {
        extensions: &["dps"],
        name: "WPS 演示",
        signature: Signature::Magic(CFB),
        mime: "application/ksdps",
    },
    FileType {
        extensions: &["png"],
        name: "PNG",
        signature: Signature::Magic(&[b"\x89PNG\r\n\x1A\n"]),
        mime: "image/png",
    },
    FileType {
        extensions: &["jpg", "jpeg"],
        name: "JPEG",
        signature: Signature::Magic(&[b"\xFF\xD8\xFF"]),
        mime: "image/jpeg",
    },
    FileType {
        extensions: &["gif"],
        name: "GIF",
        signature: Signature::Magic(&[b"GIF87a", b"GIF89a"]),
        mime: "image/gif",
    },
    FileType {
        extensions: &["webp"],
        name: "WebP",
        signature: Signature::Magic(&[b"RIFF????WEBP"]),
        mime: "image/webp",
    },
    FileType {
        extensions: &["bmp"],
        name: "BMP",
        signature: Signature::Magic(&[b"BM"]),
        mime: "image/bmp",
    },
    FileType {
        extensions: &["tif", "tiff"],
        name: "TIFF",
        signature: Signature::Magic(&[b"II*\x00", b"MM\x00*"]),
        mime: "image/tiff",
    },
    FileType {
        extensions: &["zip"],
        name: "ZIP",
        signature: Signature::Magic(ZIP),
        mime: "application/zip",
    },
    FileType {
        extensions: &["rar"],
        name: "RAR",
        signature: Signature::Magic(&[b"Rar!\x1A\x07\x00", b"Rar!\x1A\x07\x01\x00"]),
        mime: "application/vnd.rar",
    },
    FileType {
        extensions: &["7z"],
        name: "7z",
        signature: Signature::Magic(&[b"7z\xBC\xAF\x27\x1C"]),
        mime: "application/x-7z-compressed",
    },
    FileType {
        extensions: &["gz"],
        name: "gzip",
        signature: Signature::Magic(&[b"\x1F\x8B"]),
        mime: "application/gzip",
    },
    FileType {
        extensions: &["txt"],
        name: "text",
        signature: Signature::Text,
        mime: "text/plain",
    },
];

/// How many first bytes of a file [`check_content`] needs: more than the
/// 1,445 bytes a browser sniffs (WHATWG MIME Sniffing, "resource header").
pub const HEAD_BYTES: usize = 8192;

/// The allowed type of a file name, by its extension (any case).
pub fn by_name(name: &str) -> Option<&'static FileType> {
    let file = name.rsplit('/').next().unwrap_or(name);
    let (_, ext) = file.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    ATTACHMENT_TYPES
        .iter()
        .find(|t| t.extensions.contains(&ext.as_str()))
}

/// Every allowed extension, for messages: `pdf, ofd, doc, …`.
pub fn allowed_list() -> String {
    ATTACHMENT_TYPES
        .iter()
        .flat_map(|t| t.extensions.iter().copied())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why the first bytes of a file do not fit its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// The magic number of the type is missing.
    NotThisType,
    /// Text that starts like HTML or XML: a browser could run it.
    Markup,
    /// Not UTF-8 or GB18030 text (or control characters in it).
    NotText,
}

/// Whether `head` (the first [`HEAD_BYTES`] bytes of a file, or all of a
/// shorter one) is what `file_type` says.
pub fn check_content(file_type: &FileType, head: &[u8]) -> Result<(), Mismatch> {
    match file_type.signature {
        Signature::Magic(patterns) => {
            if patterns.iter().any(|p| starts_with_pattern(head, p)) {
                Ok(())
            } else {
                Err(Mismatch::NotThisType)
            }
        }
        Signature::Text => check_text(head),
    }
}

fn starts_with_pattern(head: &[u8], pattern: &[u8]) -> bool {
    head.len() >= pattern.len() && pattern.iter().zip(head).all(|(p, b)| *p == b'?' || p == b)
}

/// Patterns that make a browser take a resource for HTML or XML, from the
/// WHATWG MIME Sniffing standard (§ 7.1, "identifying a resource with an
/// unknown MIME type"), compared without regard to ASCII case; each HTML
/// tag counts when a space or `>` follows it. See [`MARKUP_STARTS`] for
/// the rest.
const HTML_TAGS: &[&[u8]] = &[
    b"<!DOCTYPE HTML",
    b"<HTML",
    b"<HEAD",
    b"<SCRIPT",
    b"<IFRAME",
    b"<H1",
    b"<DIV",
    b"<FONT",
    b"<TABLE",
    b"<A",
    b"<STYLE",
    b"<TITLE",
    b"<B",
    b"<BODY",
    b"<BR",
    b"<P",
];
/// Markup that counts however it goes on: `<?xml` and `<!--` from the
/// same table (stricter: any case, any following byte), and `<svg`, as SVG
/// is XML that runs script and some servers sniff it by this start.
const MARKUP_STARTS: &[&[u8]] = &[b"<?XML", b"<!--", b"<SVG"];

fn check_text(head: &[u8]) -> Result<(), Mismatch> {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' '))
        .unwrap_or(text.len());
    let rest = &text[start..];
    let upper: Vec<u8> = rest.iter().take(16).map(u8::to_ascii_uppercase).collect();
    let tag = HTML_TAGS
        .iter()
        .any(|t| upper.starts_with(t) && matches!(upper.get(t.len()), Some(b' ' | b'>')));
    if tag || MARKUP_STARTS.iter().any(|t| upper.starts_with(t)) {
        return Err(Mismatch::Markup);
    }
    // A control character (NUL above all) means a binary file.
    if text
        .iter()
        .any(|&b| (b < 0x20 || b == 0x7F) && !matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | 0x1A))
    {
        return Err(Mismatch::NotText);
    }
    // The head may end inside a character: only what follows its last
    // complete character is forgiven.
    let truncated = head.len() == HEAD_BYTES;
    if is_utf8(text, truncated) || is_gb18030(text, truncated) {
        Ok(())
    } else {
        Err(Mismatch::NotText)
    }
}

fn is_utf8(bytes: &[u8], truncated: bool) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => truncated && e.error_len().is_none(),
    }
}

/// Whether `bytes` follow GB18030's byte structure: ASCII, two-byte
/// (lead 0x81–0xFE, trail 0x40–0x7E or 0x80–0xFE) or four-byte
/// (0x81–0xFE, 0x30–0x39, 0x81–0xFE, 0x30–0x39) characters.
fn is_gb18030(bytes: &[u8], truncated: bool) -> bool {
    let lead = |b: u8| (0x81..=0xFE).contains(&b);
    let digit = |b: u8| b.is_ascii_digit();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        if !lead(b) {
            return false;
        }
        let rest = &bytes[i + 1..];
        let step = match rest {
            [t, ..] if (0x40..=0x7E).contains(t) || (0x80..=0xFE).contains(t) => 2,
            [d1, l2, d2, ..] if digit(*d1) && lead(*l2) && digit(*d2) => 4,
            // Cut off by the end of the head.
            [] | [_] | [_, _] if truncated => return true,
            _ => return false,
        };
        i += step;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(name: &str, bytes: &[u8]) -> Option<Result<(), Mismatch>> {
        by_name(name).map(|t| check_content(t, bytes))
    }

    #[test]
    fn active_types_are_not_allowed() {
        for name in [
            "a.svg", "a.html", "a.htm", "a.xhtml", "a.xml", "a.js", "a", "a.", ".pdf.svg",
        ] {
            assert!(by_name(name).is_none(), "{name}");
        }
        assert_eq!(by_name("2024/表.XLSX").unwrap().name, "Excel");
        assert_eq!(by_name("a.tar.gz").unwrap().name, "gzip");
    }

    #[test]
    fn magic_numbers_are_checked() {
        assert_eq!(judge("a.pdf", b"%PDF-1.7\n"), Some(Ok(())));
        assert_eq!(
            judge("a.pdf", b"<html><script>"),
            Some(Err(Mismatch::NotThisType))
        );
        assert_eq!(judge("a.webp", b"RIFF\x10\0\0\0WEBPVP8 "), Some(Ok(())));
        assert_eq!(
            judge("a.webp", b"RIFF\x10\0\0\0WAVE"),
            Some(Err(Mismatch::NotThisType))
        );
        assert_eq!(
            judge("a.doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0"),
            Some(Ok(()))
        );
        assert_eq!(judge("a.docx", b"PK\x03\x04"), Some(Ok(())));
        assert_eq!(judge("a.zip", b"PK\x05\x06"), Some(Ok(())));
        assert_eq!(judge("a.png", b""), Some(Err(Mismatch::NotThisType)));
    }

    #[test]
    fn text_must_not_look_like_markup() {
        assert_eq!(judge("a.csv", "名称,单价\n".as_bytes()), Some(Ok(())));
        for evil in [
            "<svg onload=alert(1)>",
            "\u{feff}  <!DOCTYPE html>",
            "<?xml version=\"1.0\"?>",
            "\n<SCRIPT>alert(1)</script>",
            "<p>",
            "<!---->",
        ] {
            assert_eq!(
                judge("a.txt", evil.as_bytes()),
                Some(Err(Mismatch::Markup)),
                "{evil}"
            );
        }
        // Not a tag: a word that happens to start with a tag's letters.
        assert_eq!(judge("a.txt", b"<pre-2024 figures>"), Some(Ok(())));
    }

    #[test]
    fn text_is_utf8_or_gb18030() {
        // "收费标准" in GB18030 (GBK range).
        assert_eq!(
            judge("a.txt", b"\xca\xd5\xb7\xd1\xb1\xea\xd7\xbc"),
            Some(Ok(()))
        );
        // A four-byte GB18030 sequence.
        assert_eq!(judge("a.txt", b"\x81\x30\x81\x30"), Some(Ok(())));
        assert_eq!(
            judge("a.txt", b"MZ\x90\0\x03"),
            Some(Err(Mismatch::NotText))
        );
        assert_eq!(
            judge("a.txt", b"\xff\xfe\x41\x00"),
            Some(Err(Mismatch::NotText))
        );
        // A head cut inside a character is forgiven; a whole file is not.
        let mut head = vec![b'a'; HEAD_BYTES - 1];
        head.push(0xE4);
        assert_eq!(judge("a.txt", &head), Some(Ok(())));
        assert_eq!(
            judge("a.txt", &head[HEAD_BYTES - 3..]),
            Some(Err(Mismatch::NotText))
        );
    }
}
