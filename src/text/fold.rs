//! One character as search and the checks see it: full-width ASCII →
//! half-width (U+FF01–FF5E, and the ideographic space), Traditional →
//! Simplified by a character table made from OpenCC's data, ASCII and
//! Latin-1 capitals → lowercase. The search analyzer (`index/analyzer.rs`)
//! and the browser's copy (`search.js`, which gets [`fold_table_string`])
//! tokenize after it; the guide check reads Traditional guides through it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Traditional (and Taiwan/Hong Kong variant) characters → Simplified, one
/// character to one character, from OpenCC's tables (Apache-2.0) as shipped
/// by ferrous-opencc: every code point of the CJK blocks converted alone.
pub fn fold_table() -> &'static BTreeMap<char, char> {
    fold_table_cell().get_or_init(build_fold_table)
}

/// Use `pairs` ([`fold_table_string`] of the same gongkai, kept in the
/// search index of `gongkai search`) as the table instead of making it
/// from OpenCC's data, which takes longer than a whole query. Does nothing
/// once the table is in use, or when `pairs` is not a list of pairs.
pub fn preload_fold_table(pairs: &str) {
    let chars: Vec<char> = pairs.chars().collect();
    if !chars.len().is_multiple_of(2) {
        return;
    }
    let table = chars.chunks(2).map(|p| (p[0], p[1])).collect();
    let _ = fold_table_cell().set(table);
}

fn fold_table_cell() -> &'static OnceLock<BTreeMap<char, char>> {
    static TABLE: OnceLock<BTreeMap<char, char>> = OnceLock::new();
    &TABLE
}

fn build_fold_table() -> BTreeMap<char, char> {
    use ferrous_opencc::OpenCC;
    use ferrous_opencc::config::BuiltinConfig;
    let ranges = [
        0x3400u32..=0x4DBF,
        0x4E00..=0x9FFF,
        0xF900..=0xFAFF,
        0x20000..=0x2FA1F,
    ];
    let chars: Vec<char> = ranges
        .into_iter()
        .flatten()
        .filter_map(char::from_u32)
        .collect();
    // One conversion call over all characters, one per line: phrases do
    // not cross line ends, so each line is converted as a single character.
    let mut text = String::with_capacity(chars.len() * 5);
    for c in &chars {
        text.push(*c);
        text.push('\n');
    }
    let mut table = BTreeMap::new();
    for config in [BuiltinConfig::Tw2s, BuiltinConfig::Hk2s, BuiltinConfig::T2s] {
        let cc = OpenCC::from_config(config).expect("built-in OpenCC configuration");
        let converted = cc.convert(&text);
        let lines: Vec<&str> = converted.split('\n').collect();
        assert_eq!(lines.len(), chars.len() + 1, "one line per character");
        for (from, to) in chars.iter().zip(lines) {
            let mut it = to.chars();
            if let (Some(to), None) = (it.next(), it.next())
                && to != *from
            {
                table.entry(*from).or_insert(to);
            }
        }
    }
    for (from, to) in LISTED_FORMS_KEPT_BY_T2S {
        table.entry(from).or_insert(to);
    }
    // A chain must end in one step: fold the targets too.
    let snapshot = table.clone();
    for to in table.values_mut() {
        let mut seen = 0;
        while let Some(next) = snapshot.get(to) {
            if *next == *to || seen > 4 {
                break;
            }
            *to = *next;
            seen += 1;
        }
    }
    table.retain(|from, to| from != to);
    table
}

/// Traditional forms that OpenCC lists for a Simplified character
/// (`STCharacters.txt`, any candidate) but that its own Traditional →
/// Simplified table leaves alone, because they are also written in
/// Simplified text. OpenCC's phrase table picks them for common words
/// (批复 → 批覆, 了解 → 瞭解, 借口 → 藉口), so without these a converted
/// query would miss the Simplified document. The crate does not expose the
/// candidate lists; `scripts/opencc-listed-forms.py` prints this table from
/// its dictionaries (the rule: T listed for S, S not itself converted, T
/// unchanged by `TSCharacters.txt`).
const LISTED_FORMS_KEPT_BY_T2S: [(char, char); 11] = [
    ('伕', '夫'),
    ('彷', '仿'),
    ('揹', '背'),
    ('暱', '昵'),
    ('牠', '它'),
    ('牴', '抵'),
    ('瞭', '了'),
    ('祇', '只'),
    ('緪', '縆'),
    ('藉', '借'),
    ('覆', '复'),
];

/// The table for the browser: one string of pairs (Traditional character
/// followed by its Simplified form), in code point order.
pub fn fold_table_string() -> String {
    let mut out = String::new();
    for (from, to) in fold_table() {
        out.push(*from);
        out.push(*to);
    }
    out
}

/// Make the table now (from OpenCC's data: 80 ms), so that the first
/// character folded later does not wait for it.
pub fn prepare() {
    let _ = dense_fold();
}

/// One character as the analyzer sees it.
pub fn fold(c: char) -> char {
    let cp = c as u32;
    if (0xFF01..=0xFF5E).contains(&cp) {
        let half = char::from_u32(cp - 0xFEE0).expect("ASCII");
        return half.to_ascii_lowercase();
    }
    if cp == 0x3000 {
        return ' ';
    }
    if c.is_ascii_uppercase() {
        return c.to_ascii_lowercase();
    }
    if (0xC0..=0xDE).contains(&cp) && cp != 0xD7 {
        return char::from_u32(cp + 0x20).expect("Latin-1 lowercase");
    }
    if (DENSE_FROM..DENSE_FROM + DENSE_LEN).contains(&cp) {
        let to = dense_fold()[(cp - DENSE_FROM) as usize];
        return if to == 0 {
            c
        } else {
            char::from_u32(to).expect("a folded character")
        };
    }
    match fold_table().get(&c) {
        Some(s) => *s,
        None => c,
    }
}

/// The Han blocks of the BMP (U+3400–U+FAFF) hold almost every folded
/// character and almost all text: there the table is an array, not a tree
/// (indexing calls [`fold`] once per character of every document).
const DENSE_FROM: u32 = 0x3400;
const DENSE_LEN: u32 = 0xFB00 - 0x3400;

fn dense_fold() -> &'static [u32] {
    static DENSE: OnceLock<Vec<u32>> = OnceLock::new();
    DENSE.get_or_init(|| {
        let mut dense = vec![0u32; DENSE_LEN as usize];
        for (from, to) in fold_table() {
            let cp = *from as u32;
            if (DENSE_FROM..DENSE_FROM + DENSE_LEN).contains(&cp) {
                dense[(cp - DENSE_FROM) as usize] = *to as u32;
            }
        }
        dense
    })
}
