//! Slugs (file names to URL segments) and heading ids (anchors): any text gives a stable,
//! URL-safe result, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire::markdown::heading_id;
use quire::url::slugify;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let slug = slugify(text);
    assert_eq!(slugify(&slug), slug, "slugify is idempotent");
    assert!(
        !slug
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>:\"/\\|?*#%".contains(c)),
        "{slug:?}"
    );
    assert!(
        !slug.starts_with(['-', '.']) && !slug.ends_with(['-', '.']),
        "{slug:?}"
    );

    let id = heading_id(text);
    assert!(
        !id.chars().any(|c| c.is_whitespace()
            || c.is_control()
            || c.is_ascii_punctuation() && c != '-' && c != '_'),
        "{text:?} -> {id:?}"
    );
    assert_eq!(heading_id(&id), id, "an id names itself");
});
