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
            assert_eq!(search_tokens(token).0, [token.clone()], "query {token:?}");
        }
    }
});
