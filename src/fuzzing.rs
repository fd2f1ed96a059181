//! The few internals the `cargo fuzz` targets in `fuzz/` call that are not public otherwise.
//! Hidden from the documentation and not part of quire's interface: the fuzz crate is built
//! outside this workspace and can reach only `pub` items, and the search tokenizer is
//! crate-private on purpose (its one contract is agreeing with `search.js`).

/// The search tokens of `text` as the index records them (normalized, then split), and the
/// length the ranking counts.
pub fn search_tokens(text: &str) -> (Vec<String>, usize) {
    use crate::search::tokenizer::{normalize, tokenize};
    let mut tokens = Vec::new();
    let length = tokenize(&normalize(text), |t| tokens.push(t.text().to_owned()));
    (tokens, length)
}

/// Longest search token, in characters.
pub const MAX_WORD_CHARS: usize = crate::search::tokenizer::MAX_WORD_CHARS;
