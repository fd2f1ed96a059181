//! Every input the `cargo fuzz` targets (`fuzz/`, `bench/fuzz.sh`) found to break a rule,
//! kept as a test once fixed. Each names the target and the input it found.

mod common;

use common::{TestSite, fails_keeping_site};
use quire::url::decode_path;

/// front_matter: a front matter error in a file with old-Mac line endings (a lone `\r`) was
/// reported on the line YAML counted (every `\r` a line break) while quire counted only `\n`,
/// so the location pointed past the end of the file and showed no source line.
#[test]
fn lone_carriage_returns_end_lines_for_every_reported_location() {
    // The same place as for the same file with `\n` line endings.
    fails_keeping_site(
        |s| s.write("content/b.md", "---\rtitle: B\rtags: [a\r---\r\rText.\r"),
        &["invalid front matter", "--> content/b.md:4:1", "4 | ---"],
    );
    let site = TestSite::new().file(
        "content/mac.md",
        "---\rtitle: Mac\r---\r\r## 第一节\r\rText.\r",
    );
    site.build().ok();
    let html = site.read("public/mac/index.html");
    assert!(html.contains("<title>Mac"), "{html}");
    assert!(html.contains("<h2 id=\"第一节\">"), "{html}");
}

/// url_join: `%+1` decoded to the byte 1, because `u8::from_str_radix` accepts a leading
/// `+`; an escape must be exactly two hex digits.
#[test]
fn a_percent_escape_is_two_hex_digits_or_nothing() {
    assert_eq!(decode_path("%+1z"), None);
    assert_eq!(decode_path("a%+Fb"), None);
    assert_eq!(decode_path("%-1"), None);
    assert_eq!(decode_path("%2B1").as_deref(), Some("+1"));
}

/// search_tokens: a long number cut at 32 characters right after its decimal point was indexed
/// as `i000…0.`, a token no query gives back (typing it drops the trailing point). The word is
/// now cut before the point, on both sides (`tests/search_cases.json` holds the case for
/// search.js too).
#[test]
fn a_word_cut_at_the_limit_is_found_by_typing_it() {
    let text = format!("i{}.{}", "0".repeat(30), "0009223");
    let (tokens, _) = quire::fuzzing::search_tokens(&text);
    assert_eq!(tokens, [format!("i{}", "0".repeat(30))]);
    for token in &tokens {
        assert_eq!(quire::fuzzing::search_tokens(token).0, [token.as_str()]);
    }
}
