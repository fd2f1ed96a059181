//! The default theme over whole sites: the project's own zh-CN help site and an English fixture
//! that uses every markdown feature, FAQ pages and nested sections. Their HTML passes the Nu
//! HTML Checker (tests/html_valid.rs covers a small zh-CN site too), and in headless Chromium
//! no page scrolls sideways at 1280, 375 or 360 px and every navigation link resolves. Each test
//! skips when its tools are missing, unless QUIRE_REQUIRE_BROWSER=1.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::browser::{html_validator_or_skip, node_script_or_skip, serve_dir};
use common::{TestSite, page};

/// English, every markdown feature the renderer supports, an FAQ page and nested sections.
fn fixture() -> TestSite {
    TestSite::bare()
        .file("site.yaml", "title: Fixture\ndescription: Every feature\nbase_url: https://example.org/\nlanguage: en\n")
        .file("content/_index.md", page("Home", "Intro with **bold**, `code` and a [link](guide/_index.md)."))
        .file("content/guide/_index.md", page("Guide", "## Overview\n\nSection text."))
        .file(
            "content/guide/features.md",
            "---\ntitle: Every feature\ndescription: Tables, code, alerts\ndate: 2026-03-04\nupdated: 2026-03-05\ntags: [a, b]\nweight: 1\n---\n\n\
             ## Lists {#lists}\n\n- one\n  - nested\n- [x] done\n- [ ] to do\n\n1. first\n2. second\n\n\
             ### Table\n\n| Key | Value | Description | More columns | Even more |\n|:----|------:|---|---|---|\n\
             | a | 1 | something fairly long to widen it | another cell | and one more cell |\n\n\
             ## Code\n\n```rust\nfn main() { println!(\"<hi> a line of code far too long for a phone, which scrolls in its box\"); }\n```\n\n\
             ```rust,linenos,hl_lines=2\nfn main() {\n    let marked = \"a marked line far too long for a phone, which scrolls in its box too\";\n}\n```\n\n\
             A word too long for any line: Donaudampfschifffahrtselektrizitaetenhauptbetriebswerkbauunterbeamtengesellschaft.\n\n~~gone~~ and a footnote.[^1]\n\n[^1]: The note.\n\n\
             > [!NOTE]\n> Note.\n\n> [!TIP]\n> Tip.\n\n> [!IMPORTANT]\n> Important.\n\n> [!WARNING]\n> Warning.\n\n> [!CAUTION]\n> Caution.\n\n\
             > A plain quote.\n\n---\n\n#### Small heading\n\nEnd with an [external link](https://example.com/).\n",
        )
        .file("content/guide/deep/_index.md", page("Deep", ""))
        .file("content/guide/deep/leaf.md", page("Leaf", "Leaf text."))
        .file("content/faq/_index.md", "---\ntitle: FAQ\nextra:\n  faq: true\n---\n")
        .file("content/faq/q.md", "---\ntitle: Why?\n---\n\n## Can I?\n\nYes.\n")
}

/// Builds the help site into `out/help` and the fixture into `out/fixture`.
fn build_both(out: &Path) {
    let run = Command::new(env!("CARGO_BIN_EXE_quire"))
        .arg("--root")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--output"])
        .arg(out.join("help"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let fixture_out = out.join("fixture");
    fixture()
        .quire(&["build", "--output", fixture_out.to_str().unwrap()])
        .ok();
    assert!(fixture_out.join("guide/features/index.html").is_file());
}

/// Site paths of every HTML page below `dir`: `""`, `faq/`, `404.html` ...
fn page_paths(dir: &Path) -> Vec<String> {
    let mut paths: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .map(|p| {
            let rel = p
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            rel.strip_suffix("index.html")
                .map(str::to_owned)
                .unwrap_or(rel)
        })
        .collect();
    paths.sort();
    paths
}

#[test]
fn help_site_and_feature_fixture_pass_the_nu_html_checker() {
    let Some(validator) = html_validator_or_skip() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    build_both(out.path());
    let errors = validator.errors(out.path());
    assert!(
        errors.is_empty(),
        "the Nu HTML Checker found errors:\n{errors}"
    );
}

#[test]
fn pages_fit_phones_and_desktops_and_their_navigation_links_resolve() {
    let Some(layout) = node_script_or_skip("theme-layout.mjs") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    build_both(out.path());
    let help = serve_dir(&out.path().join("help"));
    let fixture = serve_dir(&out.path().join("fixture"));
    let first = "faq/withdrawal-failed/";
    let mut urls = vec![help.url_for(first)];
    for (server, dir) in [(&help, "help"), (&fixture, "fixture")] {
        urls.extend(
            page_paths(&out.path().join(dir))
                .iter()
                .map(|p| server.url_for(p)),
        );
    }
    assert!(urls.len() > 15, "{urls:?}");
    let from_disk: PathBuf = out.path().join("help/index.html");
    let mut args = vec![format!("file://{}", from_disk.display())];
    args.extend(urls);
    let report = layout.run(&args.iter().map(String::as_str).collect::<Vec<_>>());

    let pages = report["pages"].as_array().unwrap();
    assert_eq!(
        pages.len(),
        3 * (args.len() - 1),
        "every page in every view"
    );
    for p in pages {
        let (scroll, inner) = (
            p["scrollWidth"].as_u64().unwrap(),
            p["innerWidth"].as_u64().unwrap(),
        );
        assert!(
            scroll <= inner,
            "{} at {} scrolls sideways: {scroll} > {inner}",
            p["url"],
            p["view"]
        );
        assert!(
            p["linkCount"].as_u64().unwrap() > 0,
            "{} has no navigation links",
            p["url"]
        );
        assert_eq!(
            p["missingHere"],
            serde_json::json!([]),
            "{} at {}: table of contents points nowhere",
            p["url"],
            p["view"]
        );
    }
    assert_eq!(
        report["brokenLinks"],
        serde_json::json!([]),
        "navigation links that lead nowhere"
    );
    assert_eq!(
        report["problems"],
        serde_json::json!([]),
        "failed requests, errors or missing assets"
    );

    let menu = &report["menu"];
    assert_eq!(menu["hiddenAtFirst"], true, "{menu}");
    assert_eq!(menu["buttonVisible"], true, "{menu}");
    assert_eq!(menu["openExpanded"], "true", "{menu}");
    assert_eq!(menu["openInView"], true, "{menu}");
    assert_eq!(menu["focusInMenu"], true, "{menu}");
    assert_eq!(menu["closedExpanded"], "false", "{menu}");
    assert_eq!(menu["focusBack"], true, "{menu}");

    let scheme = &report["scheme"];
    let (light, dark) = ("rgb(255, 255, 255)", "rgb(14, 18, 23)");
    assert_eq!(scheme["light"], light, "{scheme}");
    assert_eq!(scheme["pressedBefore"], "false", "{scheme}");
    assert_eq!(scheme["afterClick"], dark, "{scheme}");
    assert_eq!(scheme["pressedAfter"], "true", "{scheme}");
    assert_eq!(scheme["stored"], "dark", "{scheme}");
    assert_eq!(
        scheme["themeAtFirstBody"], "dark",
        "the stored choice is set before the body is parsed: {scheme}"
    );
    assert_eq!(
        scheme["afterReload"], dark,
        "the stored choice survives a reload: {scheme}"
    );
    assert_eq!(scheme["systemDark"], dark, "{scheme}");

    let disk = &report["fromDisk"];
    let hrefs: Vec<&str> = disk["hrefs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert!(
        hrefs.contains(&"./index.html") && hrefs.contains(&"./guide/index.html"),
        "{hrefs:?}"
    );
    assert!(
        disk["landedOn"]
            .as_str()
            .unwrap()
            .ends_with("/help/guide/index.html"),
        "{disk}"
    );
    assert!(
        disk["landedTitle"]
            .as_str()
            .unwrap()
            .starts_with("使用指南"),
        "{disk}"
    );
}
