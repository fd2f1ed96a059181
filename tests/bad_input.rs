//! The bad-input corpus: every kind of broken or odd file a user may feed quire. Each case
//! asserts the error the user sees (with file:line where there is one) and that the previous
//! public/ is left byte for byte; the odd-but-valid cases must build.

mod common;

use common::{TestSite, fails_keeping_site, page};

#[test]
fn bom_and_crlf_build() {
    let site = TestSite::new().file(
        "content/a.md",
        "\u{feff}---\r\ntitle: 带 BOM\r\n---\r\n\r\n## 标题\r\n\r\n正文\r\n",
    );
    site.build().ok();
    let html = site.read("public/a/index.html");
    assert!(html.contains("<title>带 BOM"));
    assert!(html.contains("<h2 id=\"标题\">"));
}

#[test]
fn empty_file_builds_with_its_name_as_title() {
    let site = TestSite::new().file("content/empty.md", "");
    site.build().ok();
    assert!(
        site.read("public/empty/index.html")
            .contains("<title>empty")
    );
}

#[test]
fn yaml_with_tabs_is_reported_with_line() {
    fails_keeping_site(
        |s| s.write("content/b.md", "---\ntitle: B\n\tweight: 1\n---\n"),
        &["invalid front matter", "content/b.md:3"],
    );
}

#[test]
fn site_yaml_that_is_a_list_or_empty() {
    fails_keeping_site(
        |s| s.write("site.yaml", "- a\n- b\n"),
        &["site.yaml must be a map of `key: value` lines"],
    );
    fails_keeping_site(
        |s| s.write("site.yaml", ""),
        &[
            "site.yaml is empty",
            "help: write at least `title: My site`",
        ],
    );
}

#[test]
fn huge_article_builds() {
    let paragraph = "数字钱包提现失败时先检查余额。Check the balance first.\n\n";
    let body = paragraph.repeat(50 * 1024 * 1024 / paragraph.len());
    let site = TestSite::new().file("content/huge.md", format!("---\ntitle: Huge\n---\n{body}"));
    site.build().ok();
    assert!(
        std::fs::metadata(site.path("public/huge/index.html"))
            .unwrap()
            .len()
            > 50_000_000
    );
}

#[test]
fn deeply_nested_lists_and_quotes_build_without_overflow() {
    let quotes = ">".repeat(10_000) + " deep\n";
    // `- - - x` opens one list inside another per marker.
    let lists = "- ".repeat(10_000) + "level\n";
    let site = TestSite::new()
        .file("content/quotes.md", quotes)
        .file("content/lists.md", lists);
    site.build().ok();
    assert!(site.read("public/quotes/index.html").contains("deep"));
    assert!(site.read("public/lists/index.html").matches("<ul>").count() >= 1000);
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_an_error_and_outside_links_are_skipped() {
    fails_keeping_site(
        |s| std::os::unix::fs::symlink(s.path("content"), s.path("content/loop")).unwrap(),
        &[
            "content/loop",
            "this symbolic link points to a folder that contains it (a loop)",
        ],
    );
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "secret").unwrap();
    let site = TestSite::new().file("content/a.md", page("A", "a"));
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.path("content/secret.md"),
    )
    .unwrap();
    let run = site.build().ok();
    assert!(
        run.stderr
            .contains("warning: skipped: this symbolic link points outside the site folder"),
        "{}",
        run.stderr
    );
    assert!(!site.exists("public/secret"));
}

#[cfg(unix)]
#[test]
fn dangling_symlink_is_an_unreadable_file() {
    fails_keeping_site(
        |s| std::os::unix::fs::symlink(s.path("nowhere.md"), s.path("content/c.md")).unwrap(),
        &["content/c.md", "could not read"],
    );
}

#[test]
fn odd_file_names_build_to_safe_urls() {
    let site = TestSite::new()
        .file("content/with spaces.md", page("S", "s"))
        .file("content/中文 目录/文章.md", page("C", "c"))
        .file("content/emoji 🎉.md", page("E", "e"))
        .file("content/what?why*not.md", page("W", "w"));
    site.build().ok();
    for path in ["with-spaces", "中文-目录/文章", "emoji-🎉", "whatwhynot"] {
        assert!(site.exists(&format!("public/{path}/index.html")), "{path}");
    }
}

#[test]
fn a_directory_named_like_an_article_is_not_read_as_one() {
    let site = TestSite::new().file("content/folder.md/inner.md", page("Inner", "x"));
    site.build().ok();
    assert!(site.exists("public/folder.md/inner/index.html"));
}

#[test]
fn template_that_includes_itself_is_reported() {
    fails_keeping_site(
        |s| s.write("templates/page.html", "{% include \"page.html\" %}"),
        &["template error", "Circular include"],
    );
}

#[test]
fn self_recursive_component_is_stopped() {
    fails_keeping_site(
        |s| {
            s.write(
                "templates/page.html",
                "{% component Loop() %}{{ <Loop /> }}{% endcomponent Loop %}{{ <Loop /> }}",
            )
        },
        &["template error", "recursion"],
    );
}

#[cfg(unix)]
#[test]
fn static_links_leading_out_of_the_site_are_not_published() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let site = TestSite::new()
        .file("content/a.md", page("A", "a"))
        .file("static/ok.txt", "ok");
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path("static/secret.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path("static/dir")).unwrap();
    site.build().ok();
    assert!(site.exists("public/ok.txt"));
    assert!(!site.exists("public/secret.txt"));
    assert!(!site.exists("public/dir"));
}
