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
/// ASCII, CJK ideographs and punctuation, most of any text, need only ASCII lower case (and
/// full-width ASCII its half-width form): only the runs of other characters (with the character before each, which a combining mark may
/// join) go through the Unicode tables.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let other = push_plain(&mut out, rest);
        if other == rest.len() {
            return out;
        }
        // The character before the run may combine with it: it goes through the tables too.
        let start = rest[..other]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i);
        if start < other {
            out.pop();
        }
        let end = rest[other..]
            .find(is_plain)
            .map_or(rest.len(), |e| other + e);
        let folded: String = rest[start..end].nfkc().collect();
        if folded.contains('Σ') {
            // Lower case of a capital sigma depends on the letters around it.
            return normalize_all(text);
        }
        strip_marks(&mut out, &folded.to_lowercase());
        rest = &rest[end..];
    }
}

/// `normalize`, the whole text through the Unicode tables.
fn normalize_all(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    strip_marks(&mut out, &text.nfkc().collect::<String>().to_lowercase());
    out
}

/// Characters that never combine with a following character, and that NFKC leaves alone or
/// (full-width ASCII) maps to one ASCII character.
fn is_plain(c: char) -> bool {
    c.is_ascii()
        || matches!(c as u32, 0x3001..=0x3029 | 0x3030..=0x3035 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF01..=0xFF5E)
}

/// Appends the plain characters `text` starts with, folded, one character for each; returns
/// how many bytes they take in `text`. Runs that need no change are copied whole.
fn push_plain(out: &mut String, text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut at, mut copied) = (0, 0);
    loop {
        // Eight bytes at a time while they are ASCII without capitals, the bulk of most text.
        // (For bytes below 0x80, adding 0x3f sets the top bit from `A` up, 0x25 from `[` up.)
        while let Some(chunk) = bytes.get(at..at + 8) {
            const ONES: u64 = 0x0101_0101_0101_0101;
            let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            let capitals = x.wrapping_add(0x3f * ONES) & !x.wrapping_add(0x25 * ONES);
            if (x | capitals) & (0x80 * ONES) != 0 {
                break;
            }
            at += 8;
        }
        let Some(&b) = bytes.get(at) else {
            break;
        };
        // CJK ideographs U+5000 to U+9FFF (lead bytes E5 to E9), most of Chinese text, are plain.
        if (0xE5..=0xE9).contains(&b) {
            at += 3;
            continue;
        }
        if b.is_ascii() {
            if b.is_ascii_uppercase() {
                out.push_str(&text[copied..at]);
                out.push(b.to_ascii_lowercase() as char);
                copied = at + 1;
            }
            at += 1;
            continue;
        }
        let c = text[at..].chars().next().unwrap_or_default();
        if !is_plain(c) {
            break;
        }
        if let Some(ascii) = (c as u32)
            .checked_sub(0xFEE0)
            .filter(|a| (0x21..=0x7E).contains(a))
        {
            out.push_str(&text[copied..at]);
            out.push((ascii as u8).to_ascii_lowercase() as char);
            copied = at + c.len_utf8();
        }
        at += c.len_utf8();
    }
    out.push_str(&text[copied..at]);
    at
}

/// Appends `folded` without the diacritics of Latin, Greek and Cyrillic letters.
fn strip_marks(out: &mut String, folded: &str) {
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
}

/// A letter, digit or combining mark of a script written with spaces.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0DFF | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// A token as `tokenize` finds it. One or two CJK characters come as characters too, so the
/// index can key them without decoding their text again; `alone` marks a character with no
/// CJK character on either side (one that is in no bigram).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Token<'a> {
    Word(&'a str),
    Cjk {
        text: &'a str,
        first: char,
        second: Option<char>,
        alone: bool,
    },
}

impl<'a> Token<'a> {
    pub(crate) fn text(&self) -> &'a str {
        match *self {
            Token::Word(text) | Token::Cjk { text, .. } => text,
        }
    }
}

/// Calls `emit` with every token of already normalized `text`, in reading order; each CJK
/// character is followed by the bigram it starts. Returns how many words and CJK characters
/// the text holds (its length for ranking).
pub(crate) fn tokenize(text: &str, mut emit: impl FnMut(Token<'_>)) -> usize {
    let bytes = text.as_bytes();
    let mut word = Word::default();
    let mut length = 0;
    let mut prev = None;
    let mut at = 0;
    while at < bytes.len() {
        // Most words are runs of ASCII letters and digits: taken whole, not a character at a time.
        if bytes[at].is_ascii_alphanumeric() {
            let start = at;
            while bytes.get(at).is_some_and(u8::is_ascii_alphanumeric) {
                at += 1;
            }
            word.extend(start, at, at - start);
            prev = Some(bytes[at - 1] as char);
            continue;
        }
        let c = text[at..].chars().next().unwrap_or_default();
        let end = at + c.len_utf8();
        if is_cjk(c) {
            if word.started() {
                emit(Token::Word(word.take(text)));
                length += 1;
            }
            // The whole run of CJK characters, each read once: every character, then the
            // bigram it starts.
            let (mut first, mut from, mut end) = (c, at, end);
            let mut alone = true;
            loop {
                let next = text[end..].chars().next().filter(|&n| is_cjk(n));
                alone &= next.is_none();
                emit(Token::Cjk {
                    text: &text[from..end],
                    first,
                    second: None,
                    alone,
                });
                length += 1;
                let Some(next) = next else {
                    break;
                };
                let to = end + next.len_utf8();
                emit(Token::Cjk {
                    text: &text[from..to],
                    first,
                    second: Some(next),
                    alone: false,
                });
                (first, from, end) = (next, end, to);
            }
            prev = Some(first);
            at = end;
            continue;
        }
        let before = prev.replace(c);
        if !c.is_ascii() && is_word_char(c) {
            word.extend(at, end, 1);
        } else if word.started() && joins(before, c, text[end..].chars().next()) {
            // `don't` is one word (`dont`); `3.14` keeps its point, `1,000` loses its comma.
            // A word is cut before a point that would end it (no query would repeat the point).
            word.join(text, end, c == '.');
        } else if word.started() {
            emit(Token::Word(word.take(text)));
            length += 1;
        }
        at = end;
    }
    if word.started() {
        emit(Token::Word(word.take(text)));
        length += 1;
    }
    length
}

/// The word being read: its first `MAX_WORD_CHARS` characters, which are the text's bytes
/// `from..to` unless a joining character was left out before them (`spilled` then holds
/// what came before it).
#[derive(Default)]
struct Word {
    chars: usize,
    from: usize,
    to: usize,
    spilled: String,
}

impl Word {
    fn started(&self) -> bool {
        self.chars > 0
    }

    /// Adds the word characters at `start..end` (`count` of them), keeping those that fit.
    fn extend(&mut self, start: usize, end: usize, count: usize) {
        if self.chars == 0 {
            (self.from, self.to) = (start, start);
            self.spilled.clear();
        }
        let room = MAX_WORD_CHARS - self.chars;
        if room > 0 {
            // Only an ASCII run comes in more than one character, a byte each.
            self.to = if count <= room { end } else { start + room };
            self.chars += count.min(room);
        }
    }

    /// A joining character ending at `end` inside the word: a point stays if there is room
    /// for it and a character after it; anything else is left out.
    fn join(&mut self, text: &str, end: usize, point: bool) {
        if self.chars >= MAX_WORD_CHARS {
            return;
        }
        if point {
            if self.chars + 1 < MAX_WORD_CHARS {
                self.to = end;
                self.chars += 1;
            } else {
                self.chars = MAX_WORD_CHARS;
            }
        } else {
            self.spilled.push_str(&text[self.from..self.to]);
            (self.from, self.to) = (end, end);
        }
    }

    /// The word read, then forgotten.
    fn take<'t>(&'t mut self, text: &'t str) -> &'t str {
        self.chars = 0;
        if self.spilled.is_empty() {
            return &text[self.from..self.to];
        }
        self.spilled.push_str(&text[self.from..self.to]);
        &self.spilled
    }
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
        tokenize(&normalize(text), |t| out.push(t.text().to_owned()));
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

    /// The fast path of `normalize` agrees with folding the whole text, on strings mixing
    /// ASCII, CJK and the characters that compose, decompose or change case in context, and
    /// on mostly ASCII ones, which the eight-byte steps read.
    #[test]
    fn normalize_agrees_with_folding_everything() {
        let tricky = "aZe=. 'ΣϹςİﬁ\u{301}\u{308}\u{338}\u{3099}ＡＢＥｚ！～，。、「」《》〪〶\u{3000}提现ｶﾞ가\u{1100}\u{1161}\u{11a8}ÉΩǅß";
        let ascii =
            "abcdefghijklmnopqrstuvwxyz @[`{~ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789é提\u{301}";
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for alphabet in [tricky, ascii] {
            let alphabet: Vec<char> = alphabet.chars().collect();
            for _ in 0..20_000 {
                let mut text = String::new();
                for _ in 0..(seed % 40) {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
                }
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                assert_eq!(normalize(&text), normalize_all(&text), "{text:?}");
            }
        }
    }

    /// `alone` marks the characters that are in no bigram, the only ones the index keeps alone.
    #[test]
    fn a_cjk_character_is_alone_without_cjk_neighbours() {
        let mut singles = Vec::new();
        tokenize(&normalize("提现 锁 a钱b “锁”，提"), |t| {
            if let Token::Cjk {
                text,
                second: None,
                alone,
                ..
            } = t
            {
                singles.push((text.to_owned(), alone));
            }
        });
        let expected = [("提", false), ("现", false), ("锁", true), ("钱", true)];
        let expected = expected.into_iter().chain([("锁", true), ("提", true)]);
        assert_eq!(
            singles,
            expected.map(|(t, a)| (t.to_owned(), a)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn length_counts_words_and_cjk_characters() {
        assert_eq!(tokenize(&normalize("提现 failed twice"), |_| {}), 4);
    }
}
