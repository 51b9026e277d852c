//! Characters that XML 1.0 forbids, and the one escape for text written
//! into HTML, XML and SVG.
//!
//! XML 1.0 (§2.2 `Char`) allows TAB, LF, CR and everything from U+0020 on,
//! except the surrogates (which a Rust `str` cannot hold) and U+FFFE,
//! U+FFFF. One such character makes a whole Atom feed or sitemap
//! ill-formed, and readers then drop it. Content holding one is a `check`
//! error (`load`); whatever still carries one (a git commit message, an
//! old revision from history, a character reference in Markdown) loses it
//! on the way out, here.

pub mod fold;

use std::borrow::Cow;

/// A character that must not appear in an XML 1.0 document, even escaped.
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// The byte offset and character of the first forbidden character.
pub fn first_forbidden(s: &str) -> Option<(usize, char)> {
    if !may_hold_forbidden(s) {
        return None;
    }
    s.char_indices().find(|&(_, c)| is_forbidden(c))
}

/// `s` without its forbidden characters; borrowed when it has none (the
/// usual case, found by one pass over the bytes).
pub fn without_forbidden(s: &str) -> Cow<'_, str> {
    if first_forbidden(s).is_none() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| !is_forbidden(c)).collect())
    }
}

/// Text for HTML, XML or SVG, in element content or a quoted attribute:
/// `&<>"'` escaped (as references both languages know) and forbidden
/// characters dropped. Tera's escape function, the feeds, the sitemaps,
/// the charts and the flowcharts all use this one.
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    let mut last = 0;
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let (replacement, len) = match byte {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#x27;", 1),
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            b if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') => ("", 1),
            _ => {
                i += 1;
                continue;
            }
        };
        // Each match starts at an ASCII byte or a lead byte, so `i` and
        // `i + len` are character boundaries.
        out.push_str(&input[last..i]);
        out.push_str(replacement);
        i += len;
        last = i;
    }
    out.push_str(&input[last..]);
    out
}

/// Whether `s` has a byte that can begin a forbidden character: a C0
/// control other than TAB, LF, CR, or the lead of U+FFFE/U+FFFF.
fn may_hold_forbidden(s: &str) -> bool {
    s.bytes()
        .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF)
}

/// `bytes` as text, when they are UTF-8. Checked with SIMD (`simdutf8`,
/// already built for encoding_rs): every file a build reads, and every
/// revision from history, is checked, and `std`'s check was 3 % of a
/// rebuild on Chinese text.
pub fn utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

/// `bytes` in lowercase hexadecimal (digests in the manifest, the ledger,
/// the WACZ).
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 * bytes.len());
    push_hex(&mut s, bytes);
    s
}

/// [`hex`] onto the end of `s`, without a String of its own.
pub fn push_hex(s: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_exactly_those_of_xml_1_0() {
        for c in [
            '\t',
            '\n',
            '\r',
            ' ',
            '\u{7f}',
            '\u{85}',
            '\u{fffd}',
            '\u{10000}',
            '通',
        ] {
            assert!(!is_forbidden(c), "{c:?}");
        }
        for c in [
            '\0', '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{e}', '\u{1b}', '\u{1f}', '\u{fffe}',
            '\u{ffff}',
        ] {
            assert!(is_forbidden(c), "{c:?}");
        }
    }

    #[test]
    fn escape_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape("通知\u{1}<a href=\"x\">'&'</a>\u{fffe}\u{ffff}\u{fffd}\t\n"),
            "通知&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;\u{fffd}\t\n"
        );
        assert_eq!(escape("纯文本"), "纯文本");
    }

    #[test]
    fn every_escaped_string_is_well_formed_xml_text() {
        let all: String = (0..=0x10FFFFu32).filter_map(char::from_u32).collect();
        let doc = format!("<r a=\"{0}\">{0}</r>", escape(&all));
        let parsed = roxmltree::Document::parse(&doc).expect("well-formed");
        let kept: String = all.chars().filter(|&c| !is_forbidden(c)).collect();
        // XML normalises CR and CR LF to LF in text.
        assert_eq!(
            parsed.root_element().text().unwrap(),
            kept.replace("\r\n", "\n").replace('\r', "\n")
        );
    }

    #[test]
    fn without_forbidden_borrows_clean_text() {
        assert!(matches!(without_forbidden("通知"), Cow::Borrowed(_)));
        assert_eq!(without_forbidden("通\u{1}知\u{ffff}"), "通知");
        assert_eq!(first_forbidden("ab\u{c}"), Some((2, '\u{c}')));
        assert_eq!(first_forbidden("\u{fffd}"), None);
    }
}
