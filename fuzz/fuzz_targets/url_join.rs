//! URLs under sub-paths: from any page to any page, `root` + the target's site path resolves
//! to the target under every base path; percent-encoding round-trips and decoding accepts only
//! real escapes; permalinks join the base URL and the encoded path.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use quire::config::Config;
use quire::url::{decode_path, encode_path, root_prefix, slugify};

/// What a browser does with a relative `href` on the page at absolute path `from`.
fn resolve(from: &str, href: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop(); // the page's own (empty) last segment
    for seg in href.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// A site path (`a/b/`, or `` for the home page) from `|`-separated names, as quire makes them.
fn site_path(names: &str) -> String {
    names
        .split('|')
        .map(slugify)
        .filter(|s| !s.is_empty())
        .map(|s| s + "/")
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let encoded = encode_path(text);
    assert!(
        encoded.is_ascii() && !encoded.contains([' ', '?', '#', '\\']),
        "{encoded}"
    );
    assert_eq!(decode_path(&encoded).as_deref(), Some(text));
    if let Some(decoded) = decode_path(text) {
        // Every `%` must start two hex digits.
        let escapes_ok = text
            .split('%')
            .skip(1)
            .all(|rest| rest.len() >= 2 && rest.as_bytes()[..2].iter().all(u8::is_ascii_hexdigit));
        assert!(escapes_ok, "{text:?} decoded to {decoded:?}");
    }

    let mut parts = text.splitn(3, '\n');
    let (base, from, to) = (
        site_path(parts.next().unwrap_or("")),
        site_path(parts.next().unwrap_or("")),
        site_path(parts.next().unwrap_or("")),
    );
    let href = format!("{}{to}", root_prefix(&from));
    assert_eq!(
        resolve(&format!("/{base}{from}"), &href),
        format!("/{base}{to}")
    );

    let yaml = format!(
        "title: t\nbase_url: {}\n",
        yaml_string(&format!("https://example.org/{base}"))
    );
    let config = Config::parse(&yaml, Path::new("site.yaml")).expect("a valid base_url");
    assert_eq!(config.base_path(), format!("/{base}"));
    assert_eq!(
        config.permalink(&to),
        format!("https://example.org/{base}{}", encode_path(&to))
    );
});

/// `text` as a YAML double-quoted scalar.
fn yaml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{85}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
