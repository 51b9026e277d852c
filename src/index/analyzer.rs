//! The one analyzer of search, used to index and to query. The browser runs
//! the same steps in `themes/default/static/search.js` with the same folding
//! table (written by [`fold_table_json`] into `search/index.json`), so index
//! and query never disagree; `tests/search.rs` compares both on hundreds of
//! strings.
//!
//! Steps, per character: full-width ASCII → half-width (U+FF01–FF5E, and the
//! ideographic space), Traditional → Simplified by a character table made
//! from OpenCC's data, ASCII and Latin-1 capitals → lowercase. Then runs:
//! a run of CJK characters (Han, Kana, Hangul) becomes overlapping bigrams
//! (a run of one character stays a unigram); a run of letters and digits
//! (ASCII, Latin-1/Extended-A/B, Greek, Cyrillic) is one token; anything else
//! separates. Document numbers like `〔2024〕12号` give `2024`, `12`, `号`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the tokenizer is registered under in the tantivy index.
pub const TOKENIZER: &str = "gongkai_cjk";

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

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Cjk,
    Word,
    Other,
}

fn class(c: char) -> Class {
    let cp = c as u32;
    let cjk = matches!(cp,
        0x3005 | 0x3007
        | 0x3041..=0x309F
        | 0x30A1..=0x30FA
        | 0x30FC..=0x30FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3134F);
    if cjk {
        return Class::Cjk;
    }
    let word = c.is_ascii_alphanumeric()
        || (matches!(cp, 0xC0..=0x24F) && cp != 0xD7 && cp != 0xF7)
        || matches!(cp, 0x370..=0x4FF);
    if word { Class::Word } else { Class::Other }
}

/// The tokens of `text`, in order (duplicates kept).
pub fn analyze(text: &str) -> Vec<String> {
    let mut stream = CjkTokenStream::new(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token.text.clone());
    }
    tokens
}

/// The distinct tokens of a query, in first-seen order: every one must
/// match (AND). A lone CJK character (a unigram) is dropped when the query
/// has longer tokens: the index holds unigrams only for characters that
/// stand alone, so `于印发《示` must not require `示` to.
pub fn query_tokens(query: &str) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let tokens: Vec<String> = analyze(query)
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .collect();
    if tokens.iter().all(|t| is_unigram(t)) {
        tokens
    } else {
        tokens.into_iter().filter(|t| !is_unigram(t)).collect()
    }
}

/// A token that is one CJK character standing alone.
pub fn is_unigram(token: &str) -> bool {
    let mut chars = token.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if class(c) == Class::Cjk)
}

/// [`analyze`] as a tantivy tokenizer.
#[derive(Clone, Default)]
pub struct CjkTokenizer;

/// The tokens of a text, made one at a time into the same buffer: indexing
/// makes tens of millions of them, and a string each would be as many
/// allocations.
pub struct CjkTokenStream {
    /// The text, folded, each character with its class.
    chars: Vec<(char, Class)>,
    /// Where the next run starts.
    next: usize,
    /// Inside a CJK run of two or more: the first character of the next
    /// bigram, and the end of the run.
    bigrams: Option<(usize, usize)>,
    token: Token,
    started: bool,
}

impl CjkTokenStream {
    pub fn new(text: &str) -> CjkTokenStream {
        CjkTokenStream {
            chars: text
                .chars()
                .map(|c| {
                    let c = fold(c);
                    (c, class(c))
                })
                .collect(),
            next: 0,
            bigrams: None,
            token: Token {
                offset_from: 0,
                offset_to: 0,
                position: 0,
                text: String::new(),
                position_length: 1,
            },
            started: false,
        }
    }

    fn emit(&mut self, from: usize, to: usize) {
        if self.started {
            self.token.position += 1;
        }
        self.started = true;
        self.token.text.clear();
        self.token
            .text
            .extend(self.chars[from..to].iter().map(|(c, _)| *c));
    }
}

impl Tokenizer for CjkTokenizer {
    type TokenStream<'a> = CjkTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CjkTokenStream {
        CjkTokenStream::new(text)
    }
}

impl TokenStream for CjkTokenStream {
    fn advance(&mut self) -> bool {
        loop {
            if let Some((at, end)) = self.bigrams {
                if at + 1 < end {
                    self.bigrams = Some((at + 1, end));
                    self.emit(at, at + 2);
                    return true;
                }
                self.bigrams = None;
            }
            let start = self.next;
            let Some((_, kind)) = self.chars.get(start).copied() else {
                return false;
            };
            let end = self.chars[start..]
                .iter()
                .position(|(_, k)| *k != kind)
                .map_or(self.chars.len(), |n| start + n);
            self.next = end;
            match kind {
                Class::Cjk if end - start == 1 => {
                    self.emit(start, end);
                    return true;
                }
                Class::Cjk => self.bigrams = Some((start, end)),
                Class::Word => {
                    self.emit(start, end);
                    return true;
                }
                Class::Other => {}
            }
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        analyze(s)
    }

    #[test]
    fn han_runs_become_overlapping_bigrams() {
        assert_eq!(toks("政务公开"), ["政务", "务公", "公开"]);
    }

    #[test]
    fn a_single_han_character_stays_a_unigram() {
        assert_eq!(toks("税，费"), ["税", "费"]);
    }

    #[test]
    fn traditional_folds_to_simplified() {
        assert_eq!(toks("政務公開"), toks("政务公开"));
        assert_eq!(toks("資訊"), ["资讯"]);
        assert_eq!(toks("臺灣"), ["台湾"]);
    }

    #[test]
    fn phrase_level_traditional_forms_fold_too() {
        // OpenCC s2t writes 批复 as 批覆 and 了解 as 瞭解.
        assert_eq!(toks("關於調整的批覆"), toks("关于调整的批复"));
        assert_eq!(toks("瞭解"), toks("了解"));
        assert_eq!(toks("藉口"), toks("借口"));
    }

    #[test]
    fn document_numbers_give_year_and_number() {
        assert_eq!(
            toks("昆发改函〔2024〕12号"),
            ["昆发", "发改", "改函", "2024", "12", "号"]
        );
    }

    #[test]
    fn full_width_forms_fold_to_half_width_and_lowercase() {
        assert_eq!(toks("ＧＢ２３１２—２０２４"), ["gb2312", "2024"]);
        assert_eq!(toks("PDF　文件"), ["pdf", "文件"]);
    }

    #[test]
    fn latin_and_han_split_at_the_script_boundary() {
        assert_eq!(toks("2024年GDP增长"), ["2024", "年", "gdp", "增长"]);
    }

    #[test]
    fn index_numbers_split_at_punctuation() {
        assert_eq!(
            toks("11530100MB0X/2024-00012"),
            ["11530100mb0x", "2024", "00012"]
        );
    }

    #[test]
    fn kana_and_latin1_are_handled() {
        assert_eq!(toks("ガベージ"), ["ガベ", "ベー", "ージ"]);
        assert_eq!(toks("Émile café"), ["émile", "café"]);
    }

    #[test]
    fn punctuation_and_emoji_only_separate() {
        assert_eq!(toks("“公开”😀指南！"), ["公开", "指南"]);
        assert!(toks("，。、；：").is_empty());
    }

    #[test]
    fn query_tokens_are_distinct() {
        assert_eq!(query_tokens("公开公开"), ["公开", "开公"]);
    }

    #[test]
    fn lone_characters_count_only_in_queries_of_lone_characters() {
        assert_eq!(query_tokens("于印发《示"), ["于印", "印发"]);
        assert_eq!(query_tokens("第3季"), ["3"]);
        assert_eq!(query_tokens("税 费"), ["税", "费"]);
    }

    #[test]
    fn fold_follows_the_table_inside_and_outside_the_dense_range() {
        for (from, to) in fold_table() {
            assert_eq!(fold(*from), *to, "{from}");
        }
        assert_eq!(fold('公'), '公');
        assert_eq!(
            fold('\u{FAFF}'),
            fold_table().get(&'\u{FAFF}').copied().unwrap_or('\u{FAFF}')
        );
    }

    #[test]
    fn the_table_maps_single_characters_and_never_chains() {
        let table = fold_table();
        assert!(table.len() > 2000, "{} entries", table.len());
        for (from, to) in table {
            assert_ne!(from, to);
            assert!(!table.contains_key(to), "{from} → {to} → …");
        }
    }
}
