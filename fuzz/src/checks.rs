//! Properties the fuzz targets assert on output, shared with
//! `tests/fuzz_regressions.rs` (which includes this file by path).

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Attributes whose value a browser may load or navigate to.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "cite",
    "longdesc",
    "data",
    "codebase",
    "lowsrc",
    "dynsrc",
    "manifest",
    "ping",
    "icon",
];

/// What in `html` could run script: an event-handler attribute, a
/// `<script>` element, or a `javascript:`/`vbscript:`/`data:` URL in an
/// attribute that loads or links. Judged as a browser's tokenizer reads
/// the markup (entities decoded, raw-text elements respected).
pub fn script_hazards(html: &str) -> Vec<String> {
    let sink = Hazards::default();
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.found.into_inner()
}

#[derive(Default)]
struct Hazards {
    found: RefCell<Vec<String>>,
}

impl TokenSink for Hazards {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let name: &str = &tag.name;
        let mut found = self.found.borrow_mut();
        if name == "script" {
            found.push("a <script> element".to_string());
        }
        for attr in &tag.attrs {
            let attr_name = attr.name.local.to_ascii_lowercase();
            if attr_name.starts_with("on") {
                found.push(format!("<{name} {attr_name}=…>: an event handler"));
            }
            if URL_ATTRIBUTES.contains(&attr_name.as_str()) && is_script_url(&attr.value) {
                found.push(format!(
                    "<{name} {attr_name}={:?}>: a script URL",
                    &*attr.value
                ));
            }
        }
        // As the tree builder would switch the tokenizer for these.
        match name {
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }
}

/// A URL a browser would run or render as a document of its own: the
/// scheme as browsers read it (ASCII whitespace and controls around it
/// and tabs and line ends inside it ignored, any case).
fn is_script_url(value: &str) -> bool {
    let scheme: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| scheme.starts_with(s))
}

/// Panics, showing `input`, when `html` has a script hazard.
pub fn assert_script_free(input: &str, html: &str) {
    let hazards = script_hazards(html);
    assert!(
        hazards.is_empty(),
        "{hazards:?}\nin the HTML of {input:?}:\n{html}"
    );
}

/// Panics, showing `svg`, when it is not well-formed XML with an `<svg>` root.
pub fn assert_svg(svg: &str) {
    match roxmltree::Document::parse(svg) {
        Ok(doc) => assert_eq!(doc.root_element().tag_name().name(), "svg", "{svg}"),
        Err(e) => panic!("the flowchart is not XML: {e}\n{svg}"),
    }
}
