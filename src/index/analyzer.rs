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

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

// The folding is shared with checks that read Chinese text (`validate/guide.rs`).
pub use crate::text::fold::{fold, fold_table, fold_table_string, preload_fold_table};

/// The name the tokenizer is registered under in the tantivy index.
pub const TOKENIZER: &str = "gongkai_cjk";

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
