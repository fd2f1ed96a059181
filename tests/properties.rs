//! Property tests: thousands of generated inputs (seeded, so a failure repeats) against the
//! rules that must always hold: front matter splitting, slugs and heading ids, URL encoding
//! and relative links under sub-paths, and no panic on any text in the guard or the renderer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use quire::content::parse_document;
use quire::markdown::{LinkTargets, heading_id, render};
use quire::url::{decode_path, encode_path, root_prefix, slugify};

const CASES: usize = 2_000;

mod common;

use common::Gen;

impl Gen {
    /// Text mixing the characters that break things: markdown syntax, CJK, full-width forms,
    /// digits, separators, emoji, control characters and line breaks.
    fn text(&mut self, max_len: usize) -> String {
        const ALPHABET: &[&str] = &[
            "a",
            "Z",
            "é",
            "提",
            "现",
            "失",
            "败",
            "，",
            "。",
            "０",
            "5",
            "9",
            " ",
            " ",
            "\t",
            "\n",
            "\n\n",
            "-",
            "--",
            "---",
            "#",
            "##",
            "*",
            "_",
            "`",
            "[",
            "]",
            "(",
            ")",
            "<",
            ">",
            "&",
            "\"",
            "'",
            ":",
            "/",
            "\\",
            "%",
            "+",
            "|",
            "!",
            "?",
            "{{",
            "}}",
            "🎉",
            "\u{0}",
            "\r\n",
            "\u{feff}",
            "> ",
            "1. ",
            "- ",
            "```",
            "<!-- more -->",
            "<contact:x>",
            "[a](b.md)",
            "tel:",
            "400",
            "138",
        ];
        let len = self.below(max_len + 1);
        (0..len)
            .map(|_| ALPHABET[self.below(ALPHABET.len())])
            .collect()
    }
}

#[test]
fn front_matter_splits_exactly() {
    let mut g = Gen(0x9e3779b97f4a7c15);
    for _ in 0..CASES {
        let title: String = g
            .text(20)
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ')
            .collect();
        let body = g.text(60).replace(['\r', '\u{feff}'], "");
        let text = format!("---\ntitle: \"{title}\"\nweight: 3\n---\n{body}");
        let doc = parse_document(&text, Path::new("content/a.md"))
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(doc.meta.title.as_deref(), Some(title.as_str()), "{text:?}");
        assert_eq!(doc.body, body, "{text:?}");
        assert_eq!(doc.body_line, 5);
        for (i, line) in body.lines().enumerate() {
            assert_eq!(doc.line_text(5 + i), Some(line));
        }
    }
}

#[test]
fn slugs_are_url_safe_and_stable() {
    let mut g = Gen(0x2545f4914f6cdd1d);
    for _ in 0..CASES {
        let name = g.text(30);
        let slug = slugify(&name);
        assert_eq!(slugify(&slug), slug, "slugify is idempotent for {name:?}");
        assert!(
            !slug
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>:\"/\\|?*#%".contains(c)),
            "{name:?} -> {slug:?}"
        );
        assert!(
            !slug.starts_with('-') && !slug.ends_with('-'),
            "{name:?} -> {slug:?}"
        );
    }
}

#[test]
fn heading_ids_hold_only_word_characters_and_dashes() {
    let mut g = Gen(0x853c49e6748fea9b);
    for _ in 0..CASES {
        let title = g.text(30);
        let id = heading_id(&title);
        assert!(
            id.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || !c.is_ascii()),
            "{title:?} -> {id:?}"
        );
        assert!(
            !id.chars()
                .any(|c| c.is_whitespace() || c.is_ascii_punctuation() && c != '-' && c != '_'),
            "{title:?} -> {id:?}"
        );
    }
}

#[test]
fn percent_encoding_round_trips() {
    let mut g = Gen(0xda3e39cb94b95bdb);
    for _ in 0..CASES {
        let path = g.text(30);
        let encoded = encode_path(&path);
        assert!(encoded.is_ascii() && !encoded.contains(' '), "{encoded}");
        assert_eq!(decode_path(&encoded).as_deref(), Some(path.as_str()));
    }
}

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

#[test]
fn relative_links_reach_their_target_under_any_base_path() {
    let mut g = Gen(0x1d8e4e27c47d124f);
    let segment = |g: &mut Gen| ["faq", "提现", "a-b", "guide", "x"][g.below(5)].to_owned();
    for _ in 0..CASES {
        let base = ["/", "/help/", "/a/b/"][g.below(3)];
        let path = |g: &mut Gen| {
            (0..g.below(4))
                .map(|_| segment(g) + "/")
                .collect::<String>()
        };
        let (from, to) = (path(&mut g), path(&mut g));
        let href = format!("{}{to}", root_prefix(&from));
        assert_eq!(
            resolve(&format!("{base}{from}"), &href),
            format!("{base}{to}"),
            "from {from:?} to {to:?} under {base}"
        );
    }
}

#[test]
fn no_text_panics_the_guard_or_the_renderer() {
    let mut g = Gen(0x6a09e667f3bcc909);
    let pages: HashMap<PathBuf, String> = [(PathBuf::from("content/b.md"), "b/".to_owned())].into();
    let strings = Default::default();
    let targets = LinkTargets {
        pages_by_source: &pages,
        contacts: &[],
        strings: &strings,
        language: None,
        broken_links: quire::error::Severity::Error,
    };
    let syntaxes = quire::highlight::Syntaxes::default();
    let kept = Default::default();
    let code_blocks = quire::highlight::CodeBlocks {
        syntaxes: Some(&syntaxes),
        kept: &kept,
    };
    for _ in 0..CASES {
        let text = g.text(80);
        let _ = quire::hotline::scan(&text);
        if let Ok(doc) = parse_document(&text, Path::new("content/a.md")) {
            let (rendered, _) = render(&doc, "a/", &targets, &code_blocks);
            assert!(rendered.reading_time >= 1);
        }
    }
}
