//! The memoized build `quire serve` runs must give, after any edit, exactly the files a fresh
//! build gives: each step edits the site, tells the cache what the watcher would, and compares.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{TestSite, page};
use quire::memo::FileChanges;
use quire::output::Contents;
use quire::pipeline::{self, BuildCache, BuildOptions};

/// Output path -> bytes (or the copied file's path), and the warnings as printed under the
/// key `warnings`.
fn files(
    options: &BuildOptions,
    cache: Option<&mut BuildCache>,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let built = match cache {
        Some(cache) => pipeline::render_site_cached(options, cache),
        None => pipeline::render_site(options),
    }
    .map_err(|e| e.to_string())?;
    let warnings: String = built.warnings.iter().map(|w| format!("{w}\n")).collect();
    Ok(built
        .files
        .into_iter()
        .map(|f| {
            let bytes = match &f.contents {
                Contents::Copy(path) => path.to_string_lossy().into_owned().into_bytes(),
                _ => f.read().unwrap().into_owned(),
            };
            (f.path, bytes)
        })
        .chain([("warnings".to_owned(), warnings.into_bytes())])
        .collect())
}

/// A step checker for `site`: after each edit, tells one cache what the watcher would, and
/// asserts the cached build equals a fresh one; returns whether the build succeeded.
fn cached_equals_fresh(site: &TestSite) -> impl FnMut(&str, &[&str], bool) -> bool {
    let root = site.root().canonicalize().unwrap();
    let options = BuildOptions {
        root: root.clone(),
        ..BuildOptions::default()
    };
    let mut cache = BuildCache::default();
    move |step: &str, changed: &[&str], structure: bool| {
        let changes = FileChanges {
            paths: changed
                .iter()
                .map(|p| root.join(p))
                .collect::<std::collections::BTreeSet<PathBuf>>(),
            structure,
            everything: false,
        };
        cache.forget(&changes);
        let cached = files(&options, Some(&mut cache));
        let fresh = files(&options, None);
        assert_eq!(cached, fresh, "after: {step}");
        cached.is_ok()
    }
}

#[test]
fn a_cached_build_after_each_edit_equals_a_fresh_build() {
    // Broken links fail this site's build, so a step that breaks one must fail cached too.
    let site = TestSite::bare()
        .file("site.yaml", "title: T\nbase_url: https://example.org/\nchecks: { links: error }\n")
        .file("content/_index.md", page("Home", "Start at [the FAQ](faq/_index.md)."))
        .file("content/faq/_index.md", page("FAQ", "Questions and answers."))
        .file(
            "content/faq/a.md",
            "---\ntitle: First\nweight: 1\ndate: 2026-01-02\n---\n\nFirst paragraph.\n\n## Details\n\nMore. See [second](b.md).\n",
        )
        .file(
            "content/faq/b.md",
            "---\ntitle: Second\nweight: 2\n---\n\nSecond page. Back to [first](a.md#details).\n",
        )
        .file("static/site.css", "body { color: black }\n");
    let mut check = cached_equals_fresh(&site);
    assert!(check("the first build", &[], false));

    site.write(
        "content/faq/a.md",
        "---\ntitle: First\nweight: 1\ndate: 2026-01-02\n---\n\nFirst paragraph.\n\n## Details\n\nMore, edited. See [second](b.md).\n",
    );
    assert!(check(
        "an edit below the summary",
        &["content/faq/a.md"],
        false
    ));

    site.write(
        "content/faq/a.md",
        "---\ntitle: First, renamed\nweight: 3\ndate: 2026-01-02\n---\n\nA new summary.\n\n## Details\n\nMore.\n",
    );
    assert!(check(
        "a new title, weight and summary (order and neighbours change)",
        &["content/faq/a.md"],
        false
    ));

    site.write(
        "content/faq/a.md",
        "---\ntitle: First\n---\n\n## Renamed heading\n\nThe heading b.md links to is gone.\n",
    );
    assert!(!check(
        "a heading another page links to is removed",
        &["content/faq/a.md"],
        false
    ));
    site.write("site.yaml", "title: T\nbase_url: https://example.org/\n");
    assert!(check(
        "site.yaml lowers broken links to warnings",
        &["site.yaml"],
        false
    ));
    site.write(
        "site.yaml",
        "title: T\nbase_url: https://example.org/\nchecks: { links: error }\n",
    );
    assert!(!check("and raises them again", &["site.yaml"], false));
    site.write(
        "content/faq/a.md",
        "---\ntitle: First\n---\n\n## Details\n\nBack.\n",
    );
    assert!(check("fixed again", &["content/faq/a.md"], false));

    site.write("content/guide/_index.md", page("Guide", "A new section."));
    site.write(
        "content/guide/c.md",
        page("Third", "Links to [first](../faq/a.md)."),
    );
    assert!(check("a new section with a page", &["content/guide"], true));

    std::fs::remove_file(site.path("content/faq/b.md")).unwrap();
    site.write(
        "content/faq/a.md",
        "---\ntitle: First\n---\n\n## Details\n\nNo more links.\n",
    );
    assert!(check(
        "a page deleted",
        &["content/faq/b.md", "content/faq/a.md"],
        true
    ));

    std::fs::rename(site.path("content/guide"), site.path("content/howto")).unwrap();
    assert!(check(
        "a section renamed",
        &["content/guide", "content/howto"],
        true
    ));

    site.write(
        "content/SUMMARY.md",
        "- [Third](howto/c.md)\n- [First](faq/a.md)\n",
    );
    assert!(check(
        "a summary orders the sections",
        &["content/SUMMARY.md"],
        true
    ));
    site.write(
        "content/SUMMARY.md",
        "- [First](faq/a.md)\n- [Third](howto/c.md)\n",
    );
    assert!(check(
        "the summary's order turned round (its body alone changes)",
        &["content/SUMMARY.md"],
        false
    ));

    site.write("templates/page.html", "<!DOCTYPE html><title>{{ page.title }}</title><body><nav>{% for item in nav %}<a href=\"{{ root }}{{ item.path }}\">{{ item.title }}</a>{% endfor %}</nav>{{ page.content | safe }}<p>{{ page.word_count }} words</p></body>");
    assert!(check(
        "a template override added",
        &["templates/page.html"],
        true
    ));

    site.write(
        "site.yaml",
        "title: Renamed site\nbase_url: https://example.org/docs/\nlanguage: zh-CN\n",
    );
    assert!(check("site.yaml changed", &["site.yaml"], false));

    site.write(
        "content/faq/a.md",
        "---\ntitle: First\n---\n\n## Details\n\n```rust,hl_lines=1\nfn main() {}\n```\n",
    );
    assert!(check("a code block added", &["content/faq/a.md"], false));
    site.write(
        "content/faq/a.md",
        "---\ntitle: First\n---\n\n## Details\n\nNew text.\n\n```rust,hl_lines=1\nfn main() {}\n```\n\n```rust\nfn main() {}\n```\n",
    );
    assert!(check(
        "text and a block added around an unchanged code block",
        &["content/faq/a.md"],
        false
    ));
    site.write(
        "site.yaml",
        "title: Renamed site\nbase_url: https://example.org/docs/\nlanguage: zh-CN\nhighlight_code: false\n",
    );
    assert!(check("highlighting turned off", &["site.yaml"], false));

    site.write("static/site.css", "body { color: red }\n");
    assert!(check("a static file changed", &["static/site.css"], false));
}

#[test]
fn a_cached_multilingual_build_after_each_edit_equals_a_fresh_build() {
    let site = TestSite::bare()
        .file(
            "site.yaml",
            "title: 帮助\nlanguage: zh-CN\nlanguages:\n  en:\n    title: Help\n",
        )
        .file("content/_index.md", page("首页", "见[提现](faq/a.md)。"))
        .file("content/faq/a.md", page("提现", "提现失败。"))
        .file(
            "content/faq/a.en.md",
            page("Withdrawals", "A failed withdrawal."),
        )
        .file("content/faq/b.md", page("付款", "见 [a](a.md)。"))
        .file(
            "content/faq/b.fr.md",
            page("Paiement", "Pas encore déclaré."),
        );
    let mut cached_equals_fresh = cached_equals_fresh(&site);
    let mut check = |step: &str, changed: &[&str], structure: bool| {
        let ok = cached_equals_fresh(step, changed, structure);
        assert!(ok, "after: {step}: the build failed");
    };
    check("the first build", &[], false);
    site.write("content/faq/a.en.md", page("Failed withdrawals", "Edited."));
    check(
        "a translation's title edited",
        &["content/faq/a.en.md"],
        false,
    );
    site.write(
        "content/faq/b.en.md",
        page("Payments", "Now in English. See [a](a.md)."),
    );
    check("a translation added", &["content/faq/b.en.md"], true);
    site.write(
        "site.yaml",
        "title: 帮助\nlanguage: zh-CN\nlanguages:\n  en:\n    title: Help\n  fr:\n    title: Aide\n",
    );
    check(
        "a language declared (b.fr.md becomes a translation)",
        &["site.yaml"],
        false,
    );
    std::fs::remove_file(site.path("content/faq/a.en.md")).unwrap();
    check("a translation deleted", &["content/faq/a.en.md"], true);
    site.write("site.yaml", "title: 帮助\nlanguage: zh-CN\n");
    check("back to one language", &["site.yaml"], false);
}

#[test]
fn a_cached_build_with_tags_after_each_edit_equals_a_fresh_build() {
    let tagged = |title: &str, date: &str, tags: &str, body: &str| {
        format!("---\ntitle: {title}\ndate: {date}\ntags: [{tags}]\n---\n\n{body}\n")
    };
    let site = TestSite::new()
        .file(
            "content/_index.md",
            page("Home", "See [the FAQ](faq/_index.md)."),
        )
        .file("content/faq/_index.md", page("FAQ", "Questions."))
        .file(
            "content/faq/a.md",
            tagged(
                "First",
                "2026-01-02",
                "提现, 安全",
                "First summary.\n\nMore.",
            ),
        )
        .file(
            "content/faq/b.md",
            tagged("Second", "2026-01-03", "提现", "Second summary."),
        );
    let mut cached_equals_fresh = cached_equals_fresh(&site);
    let mut check = |step: &str, changed: &[&str]| {
        let ok = cached_equals_fresh(step, changed, false);
        assert!(ok, "after: {step}: the build failed");
    };
    check("the first build", &[]);
    let edits = [
        (
            "text below the summary",
            tagged(
                "First",
                "2026-01-02",
                "提现, 安全",
                "First summary.\n\nMore, edited.",
            ),
        ),
        (
            "the summary",
            tagged(
                "First",
                "2026-01-02",
                "提现, 安全",
                "A new summary.\n\nMore.",
            ),
        ),
        (
            "the title",
            tagged(
                "First, renamed",
                "2026-01-02",
                "提现, 安全",
                "A new summary.",
            ),
        ),
        (
            "the date (the order of the tag's pages)",
            tagged(
                "First, renamed",
                "2026-01-09",
                "提现, 安全",
                "A new summary.",
            ),
        ),
        (
            "a tag removed",
            tagged("First, renamed", "2026-01-09", "提现", "A new summary."),
        ),
        (
            "a tag added",
            tagged(
                "First, renamed",
                "2026-01-09",
                "提现, 新标签",
                "A new summary.",
            ),
        ),
        (
            "a link added",
            tagged(
                "First, renamed",
                "2026-01-09",
                "提现",
                "See [second](b.md).",
            ),
        ),
    ];
    for (what, text) in edits {
        site.write("content/faq/a.md", &text);
        check(what, &["content/faq/a.md"]);
    }
    // The title taken from the body's first heading changes with the body.
    let headed = |heading: &str| format!("---\ntags: [提现]\n---\n\n# {heading}\n\nText.\n");
    site.write("content/faq/b.md", headed("From a heading"));
    check("a title taken from a heading", &["content/faq/b.md"]);
    site.write("content/faq/b.md", headed("Another heading"));
    check("the heading giving the title edited", &["content/faq/b.md"]);
    site.write(
        "content/faq/b.md",
        "---\ntags: [提现]\ndraft: true\n---\n\nHidden.\n",
    );
    site.write(
        "content/faq/a.md",
        tagged("First", "2026-01-02", "提现", "No link."),
    );
    check(
        "a page made a draft (and the link to it removed)",
        &["content/faq/a.md", "content/faq/b.md"],
    );
}

#[test]
fn a_cached_build_warns_of_unreachable_pages_as_a_fresh_build_does() {
    // The home page shows only its own text, so its links alone make pages reachable.
    let site = TestSite::new()
        .file(
            "templates/index.html",
            "<body>{{ section.content | safe }}</body>",
        )
        .file("content/_index.md", page("Home", "See [the page](a.md)."))
        .file("content/a.md", page("A", "Text."));
    let mut cached_equals_fresh = cached_equals_fresh(&site);
    let unreachable = || {
        let options = BuildOptions {
            root: site.root().to_owned(),
            ..BuildOptions::default()
        };
        let built = pipeline::render_site(&options).unwrap();
        (built.warnings.iter()).any(|w| w.message.contains("no link leads to this page"))
    };
    assert!(cached_equals_fresh("the first build", &[], false));
    assert!(!unreachable());
    site.write("content/_index.md", page("Home", "No links."));
    assert!(cached_equals_fresh(
        "the home's link removed",
        &["content/_index.md"],
        false
    ));
    assert!(
        unreachable(),
        "the test's site must make a page unreachable"
    );
    site.write("content/_index.md", page("Home", "See [it](a.md) again."));
    assert!(cached_equals_fresh(
        "the link back",
        &["content/_index.md"],
        false
    ));
    assert!(!unreachable());
}
