//! Splits text into search tokens the same way at build time and, ported line by line to
//! `themes/default/static/search.js`, at query time; `tests/search_cases.json` holds the cases
//! both must agree on. Latin-script words are folded (case, width, diacritics); Han, Kana and
//! Hangul, written without spaces, become single characters plus overlapping bigrams, so any
//! two-character substring of a phrase finds it.

use unicode_normalization::UnicodeNormalization;

use crate::markdown::is_cjk;

/// Longer words are cut to this many characters (hashes and long identifiers stay findable
/// without bloating the index).
pub(crate) const MAX_WORD_CHARS: usize = 32;

/// Folds width (NFKC), case and diacritics, so `Ｃａｆé`, `CAFE` and `café` read alike.
pub(crate) fn normalize(text: &str) -> String {
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    if folded.is_ascii() {
        return folded;
    }
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if ('\u{c0}'..='\u{1fff}').contains(&c) {
            out.extend(
                std::iter::once(c)
                    .nfd()
                    .filter(|m| !('\u{300}'..='\u{36f}').contains(m)),
            );
        } else {
            out.push(c);
        }
    }
    out
}

/// A letter, digit or combining mark of a script written with spaces.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0DFF | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Calls `emit` with every token of already normalized `text`, in reading order; each CJK
/// character is followed by the bigram it starts. Returns how many words and CJK characters
/// the text holds (its length for ranking).
pub(crate) fn tokenize(text: &str, mut emit: impl FnMut(&str)) -> usize {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut word = String::new();
    let mut word_chars = 0;
    let mut length = 0;
    for (i, &(at, c)) in chars.iter().enumerate() {
        let next = chars.get(i + 1).map(|n| n.1);
        if is_word_char(c) && !is_cjk(c) {
            if word_chars < MAX_WORD_CHARS {
                word.push(c);
                word_chars += 1;
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p].1);
        if !word.is_empty() && joins(prev, c, next) {
            // `don't` is one word (`dont`); `3.14` keeps its point, `1,000` loses its comma.
            // A word is cut before a point that would end it (no query would repeat the point).
            if c == '.' {
                if word_chars + 1 < MAX_WORD_CHARS {
                    word.push('.');
                    word_chars += 1;
                } else {
                    word_chars = MAX_WORD_CHARS;
                }
            }
            continue;
        }
        if !word.is_empty() {
            emit(&word);
            length += 1;
            word.clear();
            word_chars = 0;
        }
        if is_cjk(c) {
            length += 1;
            let end = at + c.len_utf8();
            emit(&text[at..end]);
            if let Some(n) = next.filter(|&n| is_cjk(n)) {
                emit(&text[at..end + n.len_utf8()]);
            }
        }
    }
    if !word.is_empty() {
        emit(&word);
        length += 1;
    }
    length
}

/// Unicode word-boundary rules (UAX #29 WB6/7, WB11/12) for the few characters that join two
/// halves of one word: an apostrophe between letters, a point or comma between digits.
fn joins(prev: Option<char>, c: char, next: Option<char>) -> bool {
    let (Some(p), Some(n)) = (prev, next) else {
        return false;
    };
    let letters = |a: char| a.is_alphabetic() && !is_cjk(a);
    match c {
        '\'' | '\u{2019}' => letters(p) && letters(n),
        '.' | ',' => p.is_numeric() && n.is_numeric(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenize(&normalize(text), |t| out.push(t.to_owned()));
        out
    }

    /// The table the JavaScript tokenizer is tested against too (tests/search_tokenizer.rs).
    #[test]
    fn shared_cases() {
        let table: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/search_cases.json")).unwrap();
        let mut failures = Vec::new();
        for case in table["tokenize"].as_array().unwrap() {
            let input = case["input"].as_str().unwrap();
            let expected: Vec<String> = serde_json::from_value(case["tokens"].clone()).unwrap();
            let got = tokens(input);
            if got != expected {
                failures.push(format!("{input:?}: expected {expected:?}, got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn length_counts_words_and_cjk_characters() {
        assert_eq!(tokenize(&normalize("提现 failed twice"), |_| {}), 4);
    }
}
