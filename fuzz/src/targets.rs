//! What each fuzz target does with one input: the same code runs the
//! regression inputs in `tests/fuzz_regressions.rs` (which includes this
//! file by path), so a fixed crash stays fixed on stable `cargo test`.

use gongkai::fuzzing::{self, FieldsFile};

use super::checks::{assert_script_free, assert_svg};

/// One fuzz input through one target; panics on a bug.
pub type Target = fn(&[u8]);

/// The targets, by the names of `fuzz_targets/*.rs` and of the folders
/// under `tests/fuzz-regressions/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("fields", fields),
    ("report", report),
    ("power", power),
    ("markdown", markdown),
    ("search", search),
];

/// Catalog items, department.toml, site.toml and guide.md (the first byte
/// chooses): reading and diagnostics never panic.
pub fn fields(data: &[u8]) {
    if let Some((&first, rest)) = data.split_first()
        && let Ok(text) = std::str::from_utf8(rest)
    {
        fuzzing::fields(FieldsFile::from_byte(first), text);
    }
}

/// Two annual reports and a narrative, NUL between them (the first byte
/// chooses a government or a department): reading, the arithmetic and
/// the charts never panic.
pub fn report(data: &[u8]) {
    if let Some((&first, rest)) = data.split_first()
        && let Ok(text) = std::str::from_utf8(rest)
    {
        fuzzing::annual_report(text, first & 1 == 0);
    }
}

/// Power files: reading and checks never panic; the flowchart of a valid
/// power is well-formed SVG.
pub fn power(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        for svg in fuzzing::powers(text) {
            assert_svg(&svg);
        }
    }
}

/// Markdown as pages show it: no event handler, no script element, no
/// script URL in the HTML, whatever the editor wrote.
pub fn markdown(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        assert_script_free(text, &fuzzing::markdown(text));
    }
}

/// The search analyzer, query tokens and a query against a small index
/// never panic (`parity.js` compares the tokens with search.js after a run).
pub fn search(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = fuzzing::search(text);
    }
}
