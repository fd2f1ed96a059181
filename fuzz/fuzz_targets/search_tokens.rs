//! The search tokenizer: any text gives tokens that are non-empty and bounded, and every word
//! the index records, typed as a query, gives that same word back (so it can be found).
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire::fuzzing::{MAX_WORD_CHARS, search_tokens};
use quire::markdown::is_cjk;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (tokens, length) = search_tokens(text);
    assert!(length <= tokens.len(), "{length} > {} tokens", tokens.len());
    for token in &tokens {
        let chars = token.chars().count();
        assert!(chars >= 1 && chars <= MAX_WORD_CHARS, "{token:?}");
        if token.chars().any(is_cjk) {
            assert!(chars <= 2 && token.chars().all(is_cjk), "{token:?}");
        } else {
            // The same characters; combining marks that an apostrophe kept apart may come back
            // in canonical order (`\u{65c}'\u{64c}`), which the query side also applies.
            let again = search_tokens(token).0;
            let sorted = |t: &str| {
                let mut chars: Vec<char> = t.chars().collect();
                chars.sort_unstable();
                chars
            };
            assert!(
                again.len() == 1 && sorted(&again[0]) == sorted(token),
                "query {token:?} gives {again:?}"
            );
        }
    }
});
