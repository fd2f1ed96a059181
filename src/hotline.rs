//! The hotline guard: this site sends people to official customer service, so a phone number
//! may appear only through a contact declared in site.yaml with the source it was verified at.
//! Anything in content that looks like a phone number is found here, with its place.

use std::path::Path;

use crate::error::Diagnostic;

/// A phone-number-like piece of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneHit {
    /// 1-based line and character column inside the scanned text.
    pub line: usize,
    pub column: usize,
    /// Byte offset inside the scanned text.
    pub offset: usize,
    /// As written.
    pub text: String,
    pub kind: PhoneKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    Mobile,
    TollFree,
    ServiceShortNumber,
    Landline,
    International,
    /// Any number right after words such as 电话, 拨打 or "call".
    NearPhoneWords,
}

impl PhoneKind {
    pub fn describe(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "a mobile phone number",
            PhoneKind::TollFree => "a 400/800 hotline number",
            PhoneKind::ServiceShortNumber => "a 95xxx/96xxx service number",
            PhoneKind::Landline => "a landline number",
            PhoneKind::International => "an international phone number",
            PhoneKind::NearPhoneWords => "a number written as a phone number",
        }
    }
}

/// Words that, just before a number, say it is a phone number.
const PHONE_WORDS: &[&str] = &[
    "电话",
    "热线",
    "拨打",
    "致电",
    "来电",
    "号码",
    "客服",
    "座机",
    "手机",
    "tel",
    "phone",
    "call",
    "hotline",
    "telephone",
    "☎",
    "📞",
];
/// Words that, just before a number, say it is something else.
const ID_WORDS: &[&str] = &[
    "订单",
    "单号",
    "流水",
    "交易号",
    "编号",
    "账号",
    "卡号",
    "工单",
    "id",
    "no.",
    "#",
    "版本",
    "version",
    "isbn",
];
/// Units or currency right after a number: an amount or a measure, not a phone number.
const UNIT_AFTER: &[&str] = &[
    "元", "块", "角", "万", "亿", "位", "名", "户", "件", "条", "张", "笔", "%", "％", "円", "年",
    "月", "日", "号", "次", "个", "人", "岁", "天", "小时", "分钟", "秒", "px", "ms", "kb", "mb",
    "gb", "km", "kg",
];
const CURRENCY_BEFORE: &[char] = &['¥', '￥', '$', '€', '£'];

/// Errors for every phone-number-like text in `text`, a part of `path` that starts on `first_line`.
/// Hits inside `ignored` byte ranges (code, where command output and numbers abound) are not
/// reported.
pub fn check(
    text: &str,
    first_line: usize,
    path: &Path,
    ignored: &[std::ops::Range<usize>],
) -> Vec<Diagnostic> {
    scan(text)
        .into_iter()
        .filter(|hit| !ignored.iter().any(|r| r.contains(&hit.offset)))
        .map(|hit| {
            let mut d = Diagnostic::error(path, format!("this looks like {}: `{}`", hit.kind.describe(), hit.text))
                .at(hit.line + first_line - 1, hit.column)
                .help("phone numbers may appear only through a contact declared in site.yaml: add it under `contacts:` with id, name, phone and the official `source` where you verified it, then write <contact:ID> here; a site that only quotes example numbers may set `checks: { phone_numbers: warning }`");
            d.source_line = text.lines().nth(hit.line - 1).map(str::to_owned);
            d
        })
        .collect()
}

/// Checks site.yaml outside its `contacts:` block, where numbers are declared.
pub fn check_config(text: &str, path: &Path) -> Vec<Diagnostic> {
    let mut in_contacts = false;
    let masked: Vec<&str> = text
        .lines()
        .map(|l| {
            if !l.starts_with([' ', '\t', '-', '#']) && !l.trim().is_empty() {
                in_contacts = l.starts_with("contacts:");
            }
            if in_contacts { "" } else { l }
        })
        .collect();
    let mut diags = check(&masked.join("\n"), 1, path, &[]);
    for d in &mut diags {
        d.source_line = d
            .line
            .and_then(|l| text.lines().nth(l - 1))
            .map(str::to_owned);
    }
    diags
}

/// Finds phone-number-like text in `text`.
pub fn scan(text: &str) -> Vec<PhoneHit> {
    let bytes = text.as_bytes();
    let mut hits = Vec::new();
    // Lines are counted up to each hit only, when it is found: hits are rare.
    let mut line = 1;
    let mut line_start = 0;
    let mut from = 0;
    let mut window = Window::default();
    // Only a digit, a plus or a bracket can start a number: the text between them is skipped
    // by bytes, and characters are read only around each of them.
    while let Some(at) = next_candidate(bytes, from) {
        let original = text[at..].chars().next().unwrap_or_default();
        let next_char = at + original.len_utf8();
        let c = fold_width(original);
        let prev = text[..at].chars().next_back().map(fold_width);
        let after_tel = at >= 4 && bytes[at - 4..at].eq_ignore_ascii_case(b"tel:");
        if !(c.is_ascii_digit() || matches!(c, '+' | '(')) || glued_to_word(prev, after_tel) {
            from = next_char;
            continue;
        }
        window.read(text, at);
        let (chars, i) = (&window.chars[..], window.start);
        if !c.is_ascii_digit()
            && !chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_digit() || *n == '+')
        {
            from = next_char;
            continue;
        }
        let end = window.end;
        let end_byte = window.offsets[end];
        // Digits glued to letters after them are part of a word too: a commit hash
        // (`96165f9be2`), an identifier.
        if !after_tel
            && chars
                .get(end)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_')
        {
            from = end_byte.max(next_char);
            continue;
        }
        // No phone number has fewer than three digits; most numbers in prose are that short.
        let long_enough = chars[i..end]
            .iter()
            .filter(|c| c.is_ascii_digit())
            .nth(2)
            .is_some();
        let kind = if long_enough {
            // The last character before the number that is not a space, however far back.
            let prev = text[..at]
                .chars()
                .rev()
                .map(fold_width)
                .find(|c| !c.is_whitespace());
            classify(
                chars,
                i,
                end,
                prev,
                &chars[i..end].iter().collect::<String>(),
            )
        } else {
            None
        };
        if let Some(kind) = kind {
            let since = &bytes[line_start..at];
            if let Some(last) = since.iter().rposition(|&b| b == b'\n') {
                line += since.iter().filter(|&&b| b == b'\n').count();
                line_start += last + 1;
            }
            hits.push(PhoneHit {
                line,
                column: text[line_start..at].chars().count() + 1,
                offset: at,
                text: text[at..end_byte].to_owned(),
                kind,
            });
        }
        from = end_byte.max(next_char);
    }
    hits
}

/// The first place at or after `at` that `may_start_number` accepts. The text is read in
/// blocks by a test the compiler turns into vector instructions, which lets through the few
/// full-width characters that share a number's third byte; only a block it stops at is read
/// byte by byte.
fn next_candidate(bytes: &[u8], mut at: usize) -> Option<usize> {
    const BLOCK: usize = 32;
    while let Some(block) = bytes.get(at..at + BLOCK + 2) {
        let block: &[u8; BLOCK + 2] = block.try_into().expect("a block and two bytes");
        let mut stop = false;
        for i in 0..BLOCK {
            let (b, third) = (block[i], block[i + 2]);
            stop |= (b.wrapping_sub(b'0') < 10)
                | (b == b'+')
                | (b == b'(')
                | (b == FULL_WIDTH_LEAD) & ends_full_width_number_start(third);
        }
        if stop && let Some(found) = (at..at + BLOCK).find(|&i| may_start_number(&bytes[i..])) {
            return Some(found);
        }
        at += BLOCK;
    }
    (at..bytes.len()).find(|&i| may_start_number(&bytes[i..]))
}

/// The first byte of the full-width forms (U+FF00 to U+FFEF).
const FULL_WIDTH_LEAD: u8 = 0xEF;

/// Whether `bytes` starts with a character a number may start with: an ASCII digit, `+` or
/// `(`, or their full-width forms (U+FF10 to U+FF19, U+FF0B, U+FF08).
fn may_start_number(bytes: &[u8]) -> bool {
    match bytes {
        [b'0'..=b'9' | b'+' | b'(', ..] => true,
        [FULL_WIDTH_LEAD, 0xBC, third, ..] => ends_full_width_number_start(*third),
        _ => false,
    }
}

/// Whether the last byte of a full-width character (`EF BC xx`) makes it `（`, `＋` or a digit.
fn ends_full_width_number_start(third: u8) -> bool {
    matches!(third, 0x88 | 0x8B | 0x90..=0x99)
}

/// The characters around a possible number, folded: up to twelve before it (where
/// `classify` looks for labels), the number, and what follows it up to four characters past
/// its run of digits and separators.
#[derive(Default)]
struct Window {
    chars: Vec<char>,
    /// The byte offset in the text of each character, and of the end of the last one.
    offsets: Vec<usize>,
    /// The number is `chars[start..end]`: digits joined by single separators (space, `-`,
    /// `.`, brackets, two at most in a row), ending on a digit.
    start: usize,
    end: usize,
}

impl Window {
    /// Reads the window around the number starting at byte `at`, in place of the last one.
    fn read(&mut self, text: &str, at: usize) {
        let before = text[..at]
            .char_indices()
            .rev()
            .nth(11)
            .map_or(0, |(b, _)| b);
        self.chars.clear();
        self.offsets.clear();
        for (b, c) in text[before..at].char_indices() {
            self.push(before + b, c);
        }
        self.start = self.chars.len();
        self.end = self.start;
        let mut rest = text[at..].char_indices().map(|(b, c)| (at + b, c));
        let mut separators_in_row = 0;
        for (b, c) in rest.by_ref() {
            let c = self.push(b, c);
            if c.is_ascii_digit() {
                separators_in_row = 0;
                self.end = self.chars.len();
            } else if is_separator(c) && separators_in_row < 2 {
                separators_in_row += 1;
            } else {
                break;
            }
        }
        // What comes right after the number: `classify` reads four characters for a unit.
        for (b, c) in rest.take(4) {
            self.push(b, c);
        }
        let last = self.offsets.last().copied().unwrap_or(at);
        self.offsets
            .push(last + text[last..].chars().next().map_or(0, char::len_utf8));
    }

    /// Adds the character `c` found at byte `b`; returns it folded.
    fn push(&mut self, b: usize, c: char) -> char {
        let c = fold_width(c);
        self.chars.push(c);
        self.offsets.push(b);
        c
    }
}

/// Full-width digits, plus and separators read as their ASCII forms.
fn fold_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '＋' => '+',
        '－' | '—' | '–' | '‐' => '-',
        '（' => '(',
        '）' => ')',
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A number glued to the word before it (`v2`, `a-1`, `x.5`) is part of that word, except
/// after `tel:`, where it is a phone number by definition.
fn glued_to_word(prev: Option<char>, after_tel: bool) -> bool {
    let Some(prev) = prev else {
        return false;
    };
    !after_tel && (prev.is_ascii_alphanumeric() || matches!(prev, '.' | '_' | '/' | ':' | '-'))
}

/// What may stand between the digits of one number.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '+')
}

/// The kind of phone number `chars[start..end]` (`raw`) is, if any; `prev` is the last
/// character before it that is not a space.
fn classify(
    chars: &[char],
    start: usize,
    end: usize,
    prev: Option<char>,
    raw: &str,
) -> Option<PhoneKind> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let before: String = chars[start.saturating_sub(12)..start]
        .iter()
        .collect::<String>()
        .to_lowercase();
    // The shape first: most numbers in prose have none and stand after no phone word, and
    // then the word lists below need not be read.
    let kind = match shape_kind(raw, &digits) {
        Some(kind) => kind,
        None if (3..=15).contains(&digits.len())
            && !raw.contains(':')
            && PHONE_WORDS.iter().any(|w| has_word(&before, w)) =>
        {
            PhoneKind::NearPhoneWords
        }
        None => return None,
    };
    let after: String = chars[end..(end + 4).min(chars.len())]
        .iter()
        .collect::<String>()
        .to_lowercase();
    if prev.is_some_and(|p| CURRENCY_BEFORE.contains(&p) || p == '第')
        || UNIT_AFTER.iter().any(|u| after.trim_start().starts_with(u))
    {
        return None;
    }
    if after.starts_with(['.', ',']) && after.chars().nth(1).is_some_and(|c| c.is_ascii_digit()) {
        return None; // the run continues as a decimal or thousands-separated amount
    }
    if ID_WORDS
        .iter()
        .any(|w| before.trim_end().ends_with(w) || last_words(&before).contains(w))
        && !raw.starts_with('+')
    {
        return None;
    }
    if is_date(raw) || is_version_or_address(raw) {
        return None;
    }
    Some(kind)
}

/// Whether `text` holds `word`; a Latin word only whole, so `syscalls 451-469`, `telnets 992`
/// and `hotel 12` say nothing about their numbers.
fn has_word(text: &str, word: &str) -> bool {
    let (text, word) = (text.as_bytes(), word.as_bytes());
    let latin = word.first().is_some_and(u8::is_ascii_alphabetic);
    let letter_at = |i: Option<usize>| {
        i.and_then(|i| text.get(i))
            .is_some_and(u8::is_ascii_alphabetic)
    };
    // The text is a dozen characters: a plain loop beats setting up a substring search.
    (0..(text.len() + 1).saturating_sub(word.len())).any(|at| {
        text.get(at) == word.first()
            && text[at..].starts_with(word)
            && !(latin && (letter_at(at.checked_sub(1)) || letter_at(Some(at + word.len()))))
    })
}

/// The last few words before a number, where an "order no." label would stand.
fn last_words(before: &str) -> &str {
    let cut = before.char_indices().rev().nth(5).map_or(0, |(i, _)| i);
    &before[cut..]
}

/// Which phone shape the digits have, from their count, prefix and grouping.
fn shape_kind(raw: &str, digits: &str) -> Option<PhoneKind> {
    let has_dot = raw.contains('.');
    if raw.starts_with('+') || digits.starts_with("00") && digits.len() > 9 {
        let national = digits.trim_start_matches("00");
        return (7..=15)
            .contains(&national.len())
            .then_some(PhoneKind::International);
    }
    if has_dot && !dots_group_like_phone(raw) {
        return None;
    }
    let n = digits.len();
    let b = digits.as_bytes();
    if n == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        return Some(PhoneKind::Mobile);
    }
    if n == 10 && (digits.starts_with("400") || digits.starts_with("800")) {
        return Some(PhoneKind::TollFree);
    }
    if (n == 5 || n == 6) && (digits.starts_with("95") || digits.starts_with("96")) && digits == raw
    {
        return Some(PhoneKind::ServiceShortNumber);
    }
    if b.first() == Some(&b'0') && (10..=12).contains(&n) {
        return Some(PhoneKind::Landline);
    }
    // A landline written with its area code in brackets or after a dash: (021) 1234 5678, 0755-1234567.
    let area_written = raw.starts_with("(0")
        || raw
            .split(['-', ' '])
            .next()
            .is_some_and(|a| a.starts_with('0') && (3..=4).contains(&a.len()));
    if area_written && (9..=12).contains(&n) {
        return Some(PhoneKind::Landline);
    }
    None
}

fn dots_group_like_phone(raw: &str) -> bool {
    let groups: Vec<usize> = raw
        .split('.')
        .map(|g| g.chars().filter(char::is_ascii_digit).count())
        .collect();
    groups.len() >= 3 && groups.iter().all(|&g| g >= 3) && groups.iter().sum::<usize>() >= 10
}

fn is_date(raw: &str) -> bool {
    let parts: Vec<&str> = raw
        .split(['-', '/', '.', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    let valid = |y: &str, m: &str, d: &str| {
        y.len() == 4
            && matches!(y.parse::<u32>(), Ok(1900..=2199))
            && matches!(m.parse::<u32>(), Ok(1..=12))
            && matches!(d.parse::<u32>(), Ok(1..=31))
            && m.len() <= 2
            && d.len() <= 2
    };
    match parts.as_slice() {
        [y, m, d] => valid(y, m, d),
        [one] if one.len() == 8 => valid(&one[..4], &one[4..6], &one[6..]),
        _ => false,
    }
}

/// Version numbers and IP addresses: dotted groups that are not phone-shaped.
fn is_version_or_address(raw: &str) -> bool {
    raw.contains('.') && !dots_group_like_phone(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<PhoneKind> {
        scan(text).into_iter().map(|h| h.kind).collect()
    }

    #[test]
    fn the_block_scan_stops_where_the_bytewise_one_does() {
        let mut pieces: Vec<Vec<u8>> = (0..=u8::MAX).map(|b| vec![b]).collect();
        // Full-width characters: digits, plus and bracket start numbers, punctuation does not.
        for c in ['０', '９', '＋', '（', '，', '：', '）', '－'] {
            pieces.push(c.to_string().into_bytes());
        }
        for filler in [b'a', 0xE4, 0x80, b' ', b'\n'] {
            for piece in &pieces {
                // Blocks of 32 bytes: before, across and after a block's end, and in the tail.
                for at in 0..77 {
                    let mut bytes = vec![filler; 80];
                    bytes.splice(at..at + piece.len(), piece.iter().copied());
                    for from in [0, 3, 40] {
                        let bytewise = (from..bytes.len()).find(|&i| may_start_number(&bytes[i..]));
                        assert_eq!(
                            next_candidate(&bytes, from),
                            bytewise,
                            "{piece:x?} at {at} from {from}"
                        );
                    }
                }
            }
        }
        assert!(may_start_number("０".as_bytes()) && !may_start_number("，".as_bytes()));
    }

    #[test]
    fn finds_places() {
        let hits = scan("第一行\n请拨打 138 0013 8000 咨询");
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].line, hits[0].column), (2, 5));
        assert_eq!(hits[0].text, "138 0013 8000");
        let hits = scan("电话 13800138000\n\n2024 年\nx\n  热线：4008886666，\n");
        let places: Vec<_> = hits.iter().map(|h| (h.line, h.column)).collect();
        assert_eq!(places, [(1, 4), (5, 6)]);
    }

    #[test]
    fn full_width_digits_are_read() {
        assert_eq!(
            kinds("客服：４００－８８８－６６６６"),
            [PhoneKind::TollFree]
        );
    }

    /// The window read around a number is short, but a currency sign counts however many
    /// spaces and lines stand between it and the number, and a label counts only close by.
    #[test]
    fn currency_counts_from_afar_and_labels_only_close_by() {
        let spaced = format!("¥{}\n\n{}13800138000", " ".repeat(30), "\u{3000}".repeat(5));
        assert!(scan(&spaced).is_empty(), "{:?}", scan(&spaced));
        let far_label = format!("订单号{}13800138000", "，说明文字".repeat(4));
        assert_eq!(kinds(&far_label), [PhoneKind::Mobile]);
        let near_label = "订单号 13800138000";
        assert!(scan(near_label).is_empty());
    }

    #[test]
    fn latin_phone_words_count_only_as_whole_words() {
        for text in [
            "Add syscalls 451-469",
            "telnets\n\n992",
            "the hotel 1234",
            "Intel 8086",
        ] {
            assert!(scan(text).is_empty(), "{text}: {:?}", scan(text));
        }
        for text in [
            "call 451-469",
            "Tel: 1234",
            "telephone 5678",
            "phone (451) 469",
        ] {
            assert_eq!(kinds(text), [PhoneKind::NearPhoneWords], "{text}");
        }
    }

    #[test]
    fn amounts_dates_and_ids_are_not_phones() {
        for text in [
            "¥13800138000",
            "13800138000元",
            "订单号 13800138000",
            "2026-11-24",
            "版本 10.0.19045",
            "192.168.100.200",
        ] {
            assert!(scan(text).is_empty(), "{text}: {:?}", scan(text));
        }
    }
}
