//! `quire build` end to end: each test builds a small site of its own and checks the files
//! written, or the error printed and that the previous site survived.

mod common;

use common::{TestSite, page};

fn built(site: &TestSite) -> &TestSite {
    site.build().ok();
    site
}

#[test]
fn builds_clean_urls_sections_and_feeds() {
    let site = TestSite::new()
        .file("content/_index.md", page("Home", "Welcome."))
        .file("content/faq/_index.md", "---\ntitle: FAQ\nweight: 2\n---\n")
        .file("content/faq/withdrawal-failed.md", "---\ntitle: Withdrawal failed\ndate: 2026-11-01\nweight: 1\n---\n\nCheck your balance.\n")
        .file("content/faq/second.md", "---\ntitle: Second\ndate: 2026-11-02\nweight: 2\n---\n\nMore.\n");
    let run = site.build().ok();
    assert!(
        run.stdout.starts_with("Built 2 pages, 2 sections in "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.trim_end().ends_with("-> public/"),
        "{}",
        run.stdout
    );
    let html = site.read("public/faq/withdrawal-failed/index.html");
    assert!(html.contains("<p>Check your balance.</p>"));
    assert!(
        site.read("public/faq/index.html")
            .contains("href=\"../faq/withdrawal-failed/\"")
    );
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/faq/withdrawal-failed/</loc>"));
    assert!(sitemap.contains("<lastmod>2026-11-01</lastmod>"));
    let atom = site.read("public/atom.xml");
    let (newer, older) = (
        atom.find("Second").unwrap(),
        atom.find("Withdrawal failed").unwrap(),
    );
    assert!(newer < older, "feed is newest first");
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://example.org/sitemap.xml")
    );
    assert!(site.exists("public/404.html"));
}

#[test]
fn a_rebuild_rewrites_only_the_files_whose_bytes_changed() {
    use std::os::unix::fs::MetadataExt;
    let site = TestSite::new()
        .file("content/a.md", page("A", "First text."))
        .file("content/b.md", page("B", "Unchanged."));
    site.build().ok();
    let inode = |rel: &str| std::fs::metadata(site.path(rel)).unwrap().ino();
    let before = [
        "public/a/index.html",
        "public/b/index.html",
        "public/style.css",
    ]
    .map(inode);
    site.write("content/a.md", page("A", "Second text."));
    site.build().ok();
    assert!(site.read("public/a/index.html").contains("Second text."));
    assert_ne!(
        inode("public/a/index.html"),
        before[0],
        "the edited page is new"
    );
    assert_eq!(
        inode("public/b/index.html"),
        before[1],
        "a page whose bytes did not change is the same file, modification time and all"
    );
    assert_eq!(
        inode("public/style.css"),
        before[2],
        "so is the theme's stylesheet"
    );
}

#[test]
fn base_url_sub_path_and_overrides() {
    let site = TestSite::bare()
        .file(
            "site.yaml",
            "title: T\nbase_url: https://example.org/help\n",
        )
        .file("content/a/b.md", page("B", "[home](../_index.md)"));
    site.quire(&[
        "build",
        "--output",
        "out",
        "--base-url",
        "https://preview.test/x/",
    ])
    .ok();
    assert!(!site.exists("public"));
    let html = site.read("out/a/b/index.html");
    assert!(
        html.contains("href=\"../../\""),
        "links are relative, so any sub-path works: {html}"
    );
    assert!(
        site.read("out/sitemap.xml")
            .contains("https://preview.test/x/a/b/")
    );
    assert!(
        site.read("out/404.html").contains("href=\"/x/"),
        "404 links start at the base path"
    );
}

#[test]
fn markdown_features_heading_ids_and_md_links() {
    let site = TestSite::new()
        .file("content/guide/a.md", page("A", "See [the fix](../faq/withdrawal-failed.md#联系客服) and [top](#使用-result-类型).\n\n## 使用 `Result` 类型\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1]\n\n- [x] done\n\n[^1]: A footnote.\n"))
        .file("content/faq/withdrawal-failed.md", page("W", "## 联系客服\n\nCall the official number shown in the app.\n"));
    built(&site);
    let html = site.read("public/guide/a/index.html");
    assert!(html.contains("<h2 id=\"使用-result-类型\">"), "{html}");
    assert!(html.contains("href=\"#使用-result-类型\""));
    assert!(
        html.contains("href=\"../../faq/withdrawal-failed/#%E8%81%94%E7%B3%BB%E5%AE%A2%E6%9C%8D\"")
    );
    assert!(
        html.contains("<table>")
            && html.contains("<del>old</del>")
            && html.contains("type=\"checkbox\"")
    );
    assert!(html.contains("footnote-definition"));
}

#[test]
fn plain_markdown_without_front_matter_chinese_names_and_braces_build() {
    let site = TestSite::new()
        .file(
            "content/使用指南/提现 失败.md",
            "# 提现失败怎么办\n\n模板语法 {{ name }} 和 {% if %} 原样保留。\n",
        )
        .file("content/notes.md", "Just text, no heading.\r\n");
    built(&site);
    let html = site.read("public/使用指南/提现-失败/index.html");
    assert!(
        html.contains("<title>提现失败怎么办"),
        "title from the first heading"
    );
    assert!(html.contains("{{ name }} 和 {% if %}"));
    assert!(
        site.read("public/notes/index.html")
            .contains("<title>notes")
    );
}

#[test]
fn colocated_assets_are_copied_and_links_rewritten() {
    let site = TestSite::new()
        .file("content/faq/shot.png", [0x89, b'P', b'N', b'G'])
        .file("content/faq/a.md", page("A", "![Screenshot](shot.png)"));
    built(&site);
    assert_eq!(
        std::fs::read(site.path("public/faq/shot.png")).unwrap(),
        [0x89, b'P', b'N', b'G']
    );
    assert!(
        site.read("public/faq/a/index.html")
            .contains("src=\"../../faq/shot.png\"")
    );
}

#[test]
fn drafts_only_with_flag() {
    let site = TestSite::new().file("content/d.md", "---\ntitle: D\ndraft: true\n---\nx\n");
    built(&site);
    assert!(!site.exists("public/d/index.html"));
    site.quire(&["build", "--drafts"]).ok();
    assert!(site.exists("public/d/index.html"));
}

#[test]
fn site_templates_override_theme_files_and_get_typed_context() {
    let site = TestSite::new()
        .file("site.yaml", "title: T\nextra:\n  motto: hello\n")
        .file("content/s/_index.md", "---\ntitle: S\n---\n")
        .file("content/s/one.md", "---\ntitle: One\nweight: 1\n---\n## H\n")
        .file("content/s/two.md", "---\ntitle: Two\nweight: 2\n---\n")
        .file(
            "templates/page.html",
            "{{ config.extra.motto }}|{{ page.title }}|{{ section.title }}|{% for c in breadcrumbs %}{{ c.title }}>{% endfor %}|{% for t in toc %}{{ t.id }}{% endfor %}|{% if page.next %}{{ page.next.title }}{% endif %}|{% if page.prev %}{{ page.prev.title }}{% endif %}|{% for n in nav %}{{ n.title }}{% endfor %}",
        );
    built(&site);
    assert_eq!(
        site.read("public/s/one/index.html"),
        "hello|One|S|T>S>|h|Two||S"
    );
    assert_eq!(
        site.read("public/s/two/index.html"),
        "hello|Two|S|T>S>|||One|S"
    );
}

#[test]
fn init_creates_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("x");
    let quire = env!("CARGO_BIN_EXE_quire");
    let run = std::process::Command::new(quire)
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(run.status.success());
    let run = std::process::Command::new(quire)
        .args(["build", "--root"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(dir.join("public/guide/getting-started/index.html").exists());
    // A new site keeps its links honest: a broken one fails its build.
    let article = dir.join("content/guide/getting-started.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, text + "\n[gone](gone.md)\n").unwrap();
    let run = std::process::Command::new(quire)
        .args(["build", "--root"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr)
            .contains("error: the link `gone.md` points to a page that does not exist")
    );
    let again = std::process::Command::new(quire)
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists and is not empty"));
}

/// Builds a good site, writes `path`, and checks the error and that public/ is unchanged.
fn assert_fails_and_keeps_site(path: &str, contents: &[u8], expected: &[&str]) {
    common::fails_keeping_site(|site| site.write(path, contents), expected);
}

#[test]
fn invalid_utf8_is_reported_with_line() {
    assert_fails_and_keeps_site(
        "content/b.md",
        b"---\ntitle: B\n---\nline\nbad \xff byte\n",
        &[
            "error: the file is not valid UTF-8 text",
            "--> content/b.md:5:5",
        ],
    );
}

#[test]
fn unclosed_front_matter_is_reported() {
    assert_fails_and_keeps_site(
        "content/b.md",
        b"---\ntitle: B\nbody\n",
        &[
            "the front matter that opens on line 1 is never closed",
            "--> content/b.md:1:1",
            "help: add a line with only `---`",
        ],
    );
}

#[test]
fn bad_yaml_and_wrong_types_are_reported_with_line() {
    assert_fails_and_keeps_site(
        "content/b.md",
        b"---\ntitle: B\nweight: [1\n---\n",
        &["invalid front matter", "content/b.md:4"],
    );
    assert_fails_and_keeps_site(
        "content/b.md",
        b"---\ntitle: B\ndraft: maybe\n---\n",
        &[
            "invalid front matter: draft: invalid type",
            "content/b.md:3",
        ],
    );
    assert_fails_and_keeps_site(
        "content/b.md",
        b"---\ntitle: B\ntitle: C\n---\n",
        &["the key `title` is written twice", "content/b.md:3"],
    );
}

#[test]
fn two_pages_claiming_one_url_are_reported() {
    assert_fails_and_keeps_site(
        "content/ok/_index.md",
        b"---\ntitle: Section\n---\n",
        &["two files claim the URL /ok/: content/ok/_index.md and content/ok.md"],
    );
    assert_fails_and_keeps_site(
        "content/c.md",
        b"---\ntitle: C\nslug: b\n---\n",
        &["two files claim the URL /b/"],
    );
}

#[test]
fn a_page_beside_a_folder_of_its_name_is_that_folders_page() {
    // mdBook's layout: a chapter, its sub-chapters in the folder of its name.
    let site = TestSite::new()
        .file("content/guide.md", page("Guide", "The chapter's own text."))
        .file("content/guide/setup.md", page("Setup", "Install it."))
        .file("content/about.md", "See [the guide](guide.md).\n");
    let run = site.build().ok();
    assert!(
        run.stdout.starts_with("Built 2 pages, 2 sections in "),
        "{}",
        run.stdout
    );
    let section = site.read("public/guide/index.html");
    assert!(section.contains("The chapter's own text."), "{section}");
    assert!(section.contains("href=\"../guide/setup/\""), "{section}");
    assert!(
        site.read("public/about/index.html")
            .contains("href=\"../guide/\"")
    );
}

#[test]
fn a_books_summary_orders_its_pages_and_sections() {
    let summary = "# Summary\n\n[Intro](intro.md)\n\n- [Zeta](zeta.md)\n- [Alpha](./alpha.md)\n\
        - [Guide](guide/README.md)\n  - [Zed](guide/zed.md)\n  - [Abc](guide/abc.md)\n\
        - [Basics](basics/README.md)\n- [Gone](gone.md)\n";
    let mut site = TestSite::new().file("content/SUMMARY.md", summary);
    for (file, title) in [
        ("intro.md", "Intro"),
        ("zeta.md", "Zeta"),
        ("alpha.md", "Alpha"),
        ("guide/README.md", "Guide"),
        ("guide/zed.md", "Zed"),
        ("guide/abc.md", "Abc"),
        ("basics/README.md", "Basics"),
    ] {
        site = site.file(&format!("content/{file}"), format!("# {title}\n\nText.\n"));
    }
    let run = site.build().ok();
    assert!(
        run.stderr
            .contains("warning: the summary lists `gone.md`, which is not in content/"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> content/SUMMARY.md:11:3"),
        "{}",
        run.stderr
    );
    assert!(
        !site.exists("public/summary/index.html"),
        "the summary is no page"
    );
    let in_order = |html: &str, links: &[&str]| {
        let at: Vec<usize> = (links.iter())
            .map(|l| {
                html.find(&format!("href=\"{l}\""))
                    .unwrap_or_else(|| panic!("{l}: {html}"))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{links:?} in {at:?}");
    };
    let home = site.read("public/index.html");
    in_order(&home, &["./intro/", "./zeta/", "./alpha/"]);
    in_order(&home, &["./guide/", "./basics/"]);
    in_order(
        &site.read("public/guide/index.html"),
        &["../guide/zed/", "../guide/abc/"],
    );
    let zed = site.read("public/guide/zed/index.html");
    assert!(
        zed.contains("href=\"../../guide/abc/\" rel=\"next\""),
        "{zed}"
    );
}

#[test]
fn missing_template_and_template_errors_name_the_file() {
    assert_fails_and_keeps_site(
        "content/b.md",
        b"---\ntitle: B\ntemplate: fancy.html\n---\n",
        &["template `fancy.html` does not exist", "content/b.md:3"],
    );
    assert_fails_and_keeps_site(
        "templates/page.html",
        b"<p>\n{{ page.title | nosuchfilter }}</p>",
        &["templates/page.html", "nosuchfilter"],
    );
    assert_fails_and_keeps_site(
        "templates/page.html",
        b"<p>\n{% if page.title %}</p>",
        &["error: template error:", "--> templates/page.html:2"],
    );
}

const BROKEN_LINKS: &str = "---\ntitle: B\n---\n\n[x](nope.md)\n\n[y](ok.md#missing)\n";

#[test]
fn broken_links_warn_with_file_line_and_the_site_is_built() {
    let site = TestSite::new()
        .file("content/ok.md", page("Ok", "fine"))
        .file("content/b.md", BROKEN_LINKS);
    let run = site.build().ok();
    for text in [
        "warning: the link `nope.md` points to a page that does not exist",
        "--> content/b.md:5:1",
        "warning: the link `ok.md#missing` points to a heading `#missing` that does not exist",
        "--> content/b.md:7:1",
    ] {
        assert!(run.stderr.contains(text), "{text:?} in:\n{}", run.stderr);
    }
    assert!(
        site.read("public/b/index.html")
            .contains("href=\"nope.md\"")
    );
    let run = site.quire(&["build", "--strict"]).failed();
    assert!(run.stderr.contains("2 warnings"), "{}", run.stderr);
}

#[test]
fn broken_links_fail_with_file_line_and_all_errors_at_once_when_checks_say_so() {
    common::fails_keeping_site(
        |site| {
            site.write("site.yaml", "title: T\nchecks:\n  links: error\n");
            site.write("content/b.md", BROKEN_LINKS);
        },
        &[
            "error: the link `nope.md` points to a page that does not exist",
            "--> content/b.md:5:1",
            "error: the link `ok.md#missing` points to a heading `#missing` that does not exist",
            "--> content/b.md:7:1",
            "2 errors",
        ],
    );
}

#[test]
fn a_misspelt_checks_key_is_named_with_its_neighbours() {
    assert_fails_and_keeps_site(
        "site.yaml",
        b"title: T\nchecks:\n  link: error\n",
        &["unknown key `link` in site.yaml", "did you mean `links`?"],
    );
    assert_fails_and_keeps_site(
        "site.yaml",
        b"title: T\nchecks:\n  links: fatal\n",
        &[
            "error: invalid site.yaml: checks.links: unknown variant `fatal`, expected `warning` or `error`",
            "--> site.yaml:3:10",
            "help: write one of the values this key takes",
        ],
    );
}

#[test]
fn unknown_site_yaml_key_is_named_with_suggestion() {
    assert_fails_and_keeps_site(
        "site.yaml",
        b"title: T\nbase_ulr: https://x.org/\n",
        &[
            "unknown key `base_ulr` in site.yaml",
            "--> site.yaml:2:1",
            "did you mean `base_url`?",
        ],
    );
}

#[test]
fn refuses_output_folders_it_did_not_make() {
    let site = TestSite::new()
        .file("content/a.md", page("A", "a"))
        .file("mine/keep.txt", "precious");
    let run = site.quire(&["build", "--output", "mine"]).failed();
    assert!(
        run.stderr
            .contains("refusing to use this folder for output: it was not made by quire"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("mine/keep.txt"), "precious");
    let run = site.quire(&["build", "--output", "."]).failed();
    assert!(run.stderr.contains("it is the site folder or contains it"));
    let run = site.quire(&["build", "--output", "content/out"]).failed();
    assert!(run.stderr.contains("it is inside content/"));
    assert!(!site.exists("content/out"));
}

#[test]
fn stale_files_vanish_on_rebuild_but_only_inside_quires_folder() {
    let site = TestSite::new()
        .file("content/a.md", page("A", "a"))
        .file("content/b.md", page("B", "b"));
    built(&site);
    std::fs::remove_file(site.path("content/b.md")).unwrap();
    built(&site);
    assert!(site.exists("public/a/index.html"));
    assert!(!site.exists("public/b"), "a deleted article's page is gone");
    assert!(site.exists("content/a.md"));
}

#[test]
fn front_matter_written_for_other_tools_builds_with_one_warning_per_key() {
    let site = TestSite::new()
        .file(
            "content/a.md",
            "---\ntitle: Jekyll post\nlayout: post\ndate: 2020-01-01 10:00:00 +0800\ntags: single\n---\n\nA.\n",
        )
        .file(
            "content/b.md",
            "---\ntitle: 2023\nlayout: docs\nlinkTitle: Short\nsidebar_position: 2\n---\n\nB.\n",
        )
        .file(
            "templates/page.html",
            "{{ page.title }}|{{ page.extra.layout }}|{{ page.extra.linkTitle | default(value='-') }}",
        );
    let run = site.build().ok();
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning") || l.starts_with("  -->"))
        .collect();
    assert_eq!(
        warnings,
        [
            "warning: front matter key `layout` is not one of quire's: it is kept as `page.extra.layout` (in 2 files; the first is shown)",
            "  --> content/a.md:3:1",
            "warning: front matter key `linkTitle` is not one of quire's: it is kept as `page.extra.linkTitle`",
            "  --> content/b.md:4:1",
            "warning: front matter key `sidebar_position` is not one of quire's: it is kept as `page.extra.sidebar_position`",
            "  --> content/b.md:5:1",
        ],
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("3 | layout: post"), "{}", run.stderr);
    assert_eq!(site.read("public/a/index.html"), "Jekyll post|post|-");
    assert_eq!(site.read("public/b/index.html"), "2023|docs|Short");
    assert!(site.exists("public/tags/single/index.html"));
    assert!(
        site.read("public/atom.xml")
            .contains("2020-01-01T10:00:00+08:00")
    );
    site.quire(&["build", "--strict"]).failed();
}

#[test]
fn toml_front_matter_as_hugo_and_zola_write_it() {
    let site = TestSite::new()
        .file(
            "content/z.md",
            "+++\ntitle = \"Zola page\"\ndate = 2021-03-04T10:00:00+08:00\nweight = 2\ntags = [\"web\"]\n[taxonomies]\ntags = [\"rust\", \"web\"]\ncategories = [\"x\"]\n[extra]\nmood = \"calm\"\n+++\n\nBody.\n",
        )
        .file("templates/page.html", "{{ page.title }}|{{ page.extra.mood }}");
    let run = site.build().ok();
    assert_eq!(site.read("public/z/index.html"), "Zola page|calm");
    assert!(site.exists("public/tags/rust/index.html"));
    assert!(site.exists("public/tags/web/index.html"));
    assert!(
        site.read("public/atom.xml")
            .contains("2021-03-04T10:00:00+08:00")
    );
    assert!(
        run.stderr.contains("warning: front matter key `taxonomies.categories` is not one of quire's: the taxonomy `categories` is not read: quire has tags only\n  --> content/z.md:8:1"),
        "{}",
        run.stderr
    );
    assert_fails_and_keeps_site(
        "content/b.md",
        b"+++\ntitle = \"B\"\nweight = \n+++\n",
        &[
            "error: invalid front matter:",
            "--> content/b.md:3:10",
            "help: check the TOML on this line",
        ],
    );
    assert_fails_and_keeps_site(
        "content/b.md",
        b"+++\ntitle = \"B\"\nweight = \"heavy\"\n+++\n",
        &[
            "error: invalid front matter: weight: invalid type: string \"heavy\", expected i64",
            "--> content/b.md:3:1",
        ],
    );
    assert_fails_and_keeps_site(
        "content/b.md",
        b"+++\ntitle = \"B\"\n",
        &[
            "the front matter that opens on line 1 is never closed",
            "help: add a line with only `+++`",
        ],
    );
}

#[test]
fn links_reach_a_title_taken_from_the_body_and_anchors_of_raw_html() {
    let site = TestSite::new()
        .file(
            "content/a.md",
            "# TTY\n\nIntro.\n\n## TTY\n\n<a id=\"legacy\"></a>Old text <span name='also'>x</span>\n",
        )
        .file(
            "content/b.md",
            page("B", "[t](a.md#tty) [again](a.md#tty-1) [old](a.md#legacy) [also](a.md#also) [no](a.md#nothing)"),
        );
    let run = site.build().ok();
    let broken: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: the link"))
        .collect();
    assert_eq!(
        broken,
        ["warning: the link `a.md#nothing` points to a heading `#nothing` that does not exist"],
        "{}",
        run.stderr
    );
    let html = site.read("public/a/index.html");
    assert!(html.contains("<h1 id=\"tty\">TTY</h1>"), "{html}");
    assert!(html.contains("<h2 id=\"tty-1\">"), "{html}");
}
