//! What authors write in front matter beyond the text: `tags` (tag pages and their feeds),
//! `aliases` (redirect pages for old URLs, `_redirects`) and last-updated dates, from front
//! matter `updated` or from git history. The git tests skip when git is not installed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{TestSite, page};
use quick_xml::events::Event;

/// A zh-CN site under a sub-path, with tags in several spellings.
fn tagged_site() -> TestSite {
    TestSite::bare()
        .file(
            "site.yaml",
            "title: 帮助\nbase_url: https://example.org/help/\nlanguage: zh-CN\n",
        )
        .file("content/_index.md", page("首页", "欢迎。"))
        .file("content/faq/_index.md", page("常见问题", "问答。"))
        .file(
            "content/faq/withdraw.md",
            "---\ntitle: 提现失败\ndate: 2026-01-02\ntags: [提现, 账户安全]\n---\n\n正文。\n",
        )
        .file(
            "content/faq/stolen.md",
            "---\ntitle: 账户被盗\ndescription: 冻结账户\ndate: 2026-03-04\ntags: [账户安全]\n---\n\n正文。\n",
        )
        .file(
            "content/faq/rust.md",
            "---\ntitle: Rust 页\ndate: 2026-02-01\ntags: [Rust]\n---\n\n正文。\n",
        )
        .file(
            "content/guide.md",
            "---\ntitle: 指南\ntags: [rust]\n---\n\n正文。\n",
        )
}

/// The `<main>` element of a page, so assertions do not match the header or sidebar.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main> element");
    let end = html.find("</main>").expect("a closed <main>");
    &html[start..end]
}

/// The alternate links of an Atom feed's entries, in order. Panics unless the feed is
/// well-formed XML whose root is an Atom `feed` with an id, title and updated date, and whose
/// every entry has the id, title, link and updated date Atom requires.
fn atom_entries(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut feed_children = Vec::new();
    let mut entry_children: Vec<String> = Vec::new();
    let mut links = Vec::new();
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{xml}"));
        let (name, attributes, empty) = match &event {
            Event::Start(e) => (e.name(), e.attributes(), false),
            Event::Empty(e) => (e.name(), e.attributes(), true),
            Event::End(_) => {
                if path.pop().as_deref() == Some("entry") {
                    for required in ["id", "title", "link", "updated"] {
                        assert!(
                            entry_children.iter().any(|c| c == required),
                            "an entry without <{required}>:\n{xml}"
                        );
                    }
                    entry_children.clear();
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = name.as_ref().to_owned();
        let attribute = |key: &str| {
            attributes
                .clone()
                .map(|a| a.unwrap())
                .find(|a| a.key.as_ref() == key)
                .map(|a| a.value.into_owned())
        };
        match path.last().map(String::as_str) {
            None => {
                assert_eq!(name, "feed", "the root element");
                assert_eq!(
                    attribute("xmlns").as_deref(),
                    Some("http://www.w3.org/2005/Atom")
                );
            }
            Some("feed") => feed_children.push(name.clone()),
            Some("entry") => {
                if name == "link" && attribute("rel").as_deref() == Some("alternate") {
                    links.push(attribute("href").expect("a link has an href"));
                }
                entry_children.push(name.clone());
            }
            _ => {}
        }
        if !empty {
            path.push(name);
        }
    }
    for required in ["id", "title", "updated"] {
        assert!(
            feed_children.iter().any(|c| c == required),
            "a feed without <{required}>:\n{xml}"
        );
    }
    links
}

#[test]
fn every_tag_gets_a_page_listing_its_articles_newest_first() {
    let site = tagged_site();
    site.build().ok();
    assert!(
        site.path("public/tags/提现/index.html").is_file(),
        "Chinese tags keep their characters in the path"
    );
    let tag = site.read("public/tags/账户安全/index.html");
    let main = main_of(&tag);
    assert!(main.contains("<h1>标签：账户安全</h1>"), "{main}");
    assert!(main.contains("2 篇文章"), "{main}");
    let stolen = main
        .find(r#"<a href="../../faq/stolen/">账户被盗</a><p>冻结账户</p>"#)
        .expect("the newer article, with its description");
    let withdraw = main
        .find(r#"<a href="../../faq/withdraw/">提现失败</a>"#)
        .expect("the older article");
    assert!(stolen < withdraw, "newest first:\n{main}");
    assert!(
        main.contains(r#"<a href="../../tags/">全部标签</a>"#),
        "{main}"
    );
    assert!(
        tag.contains(r#"<link rel="canonical" href="https://example.org/help/tags/%E8%B4%A6%E6%88%B7%E5%AE%89%E5%85%A8/">"#),
        "{tag}"
    );
    assert!(
        tag.contains(r#"<link rel="alternate" type="application/atom+xml" title="账户安全 - 帮助" href="../../tags/账户安全/atom.xml">"#),
        "{tag}"
    );
    assert!(
        tag.contains("<title>标签：账户安全 - 帮助</title>"),
        "{tag}"
    );
}

#[test]
fn tags_that_differ_in_case_are_one_tag_named_as_first_written() {
    let site = tagged_site();
    site.build().ok();
    assert!(!site.exists("public/tags/Rust"), "one page, lower case");
    let main = main_of(&site.read("public/tags/rust/index.html")).to_owned();
    assert!(main.contains("<h1>标签：Rust</h1>"), "{main}");
    assert!(main.contains(r#"href="../../faq/rust/""#), "{main}");
    assert!(main.contains(r#"href="../../guide/""#), "{main}");
}

#[test]
fn the_tag_index_lists_every_tag_with_its_count_most_used_first() {
    let site = tagged_site();
    site.build().ok();
    let html = site.read("public/tags/index.html");
    let main = main_of(&html);
    let items: Vec<&str> = main
        .lines()
        .filter(|l| l.starts_with("<li><a class=\"tag\""))
        .collect();
    assert_eq!(
        items,
        [
            r#"<li><a class="tag" href="../tags/rust/">Rust <span class="tag-count">2</span></a></li>"#,
            r#"<li><a class="tag" href="../tags/账户安全/">账户安全 <span class="tag-count">2</span></a></li>"#,
            r#"<li><a class="tag" href="../tags/提现/">提现 <span class="tag-count">1</span></a></li>"#,
        ]
    );
    assert!(html.contains("<title>全部标签 - 帮助</title>"), "{html}");
    assert!(main.contains(r#"<a href="../tags/atom.xml">"#), "{main}");
}

#[test]
fn pages_link_their_tags_and_the_sitemap_lists_tag_pages() {
    let site = tagged_site();
    site.build().ok();
    let page = site.read("public/faq/withdraw/index.html");
    assert!(
        page.contains(r#"<a class="tag" href="../../tags/提现/" rel="tag">提现</a> <a class="tag" href="../../tags/账户安全/" rel="tag">账户安全</a>"#),
        "{page}"
    );
    let guide = site.read("public/guide/index.html");
    assert!(
        guide.contains(r#"<a class="tag" href="../tags/rust/" rel="tag">rust</a>"#),
        "a page shows a tag as it wrote it, linked to the merged page:\n{guide}"
    );
    let sitemap = site.read("public/sitemap.xml");
    for url in [
        "https://example.org/help/tags/",
        "https://example.org/help/tags/%E6%8F%90%E7%8E%B0/",
        "https://example.org/help/tags/rust/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{url}</loc>")),
            "{url} in:\n{sitemap}"
        );
    }
}

#[test]
fn tag_feeds_are_atom_with_the_tags_dated_articles() {
    let site = tagged_site();
    site.build().ok();
    let feed = site.read("public/tags/账户安全/atom.xml");
    assert_eq!(
        atom_entries(&feed),
        [
            "https://example.org/help/faq/stolen/",
            "https://example.org/help/faq/withdraw/"
        ]
    );
    assert!(
        feed.contains(r#"<link rel="self" type="application/atom+xml" href="https://example.org/help/tags/%E8%B4%A6%E6%88%B7%E5%AE%89%E5%85%A8/atom.xml"/>"#),
        "{feed}"
    );
    assert!(feed.contains("<title>账户安全 - 帮助</title>"), "{feed}");
    assert_eq!(
        atom_entries(&site.read("public/tags/rust/atom.xml")),
        ["https://example.org/help/faq/rust/"],
        "undated pages are left out of feeds"
    );
    assert_eq!(
        atom_entries(&site.read("public/tags/atom.xml")),
        [
            "https://example.org/help/faq/stolen/",
            "https://example.org/help/faq/rust/",
            "https://example.org/help/faq/withdraw/"
        ],
        "the index's feed has every tagged article"
    );
}

#[test]
fn feeds_keep_the_fifty_newest_articles_newest_first() {
    // 60 articles whose file order is not their date order: article i is the `rank`-th oldest.
    let rank = |i: usize| i * 37 % 60;
    let mut site = TestSite::new();
    for i in 0..60 {
        let (month, day) = (1 + rank(i) / 28, 1 + rank(i) % 28);
        site = site.file(
            &format!("content/a{i:02}.md"),
            format!("---\ntitle: A{i}\ndate: 2026-{month:02}-{day:02}\n---\n\ntext\n"),
        );
    }
    site.build().ok();
    let mut newest: Vec<usize> = (0..60).collect();
    newest.sort_by_key(|&i| std::cmp::Reverse(rank(i)));
    let expected: Vec<String> = newest[..50]
        .iter()
        .map(|i| format!("https://example.org/a{i:02}/"))
        .collect();
    assert_eq!(atom_entries(&site.read("public/atom.xml")), expected);
}

#[test]
fn a_site_without_tags_has_no_tag_pages() {
    let site = TestSite::new().file("content/a.md", page("A", "text"));
    site.build().ok();
    assert!(!site.exists("public/tags"));
}

#[test]
fn tags_that_are_not_a_list_or_give_no_url_fail_with_their_line() {
    let site = TestSite::new().file("content/a.md", "---\ntitle: A\ntags: 3\n---\n\ntext\n");
    let run = site.build().failed();
    assert!(
        run.stderr.contains(
            "error: invalid front matter: tags: invalid type: integer `3`, expected a sequence, or one text\n  --> content/a.md:3:7\n  |\n3 | tags: 3\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("= help: this key takes a list: `tags: [提现, 账户安全]`"),
        "{}",
        run.stderr
    );
    site.write(
        "content/a.md",
        "---\ntitle: A\ntags: [提现, \"?!\"]\n---\n\ntext\n",
    );
    let run = site.build().failed();
    assert!(
        run.stderr.contains(
            "error: the tag `?!` gives an empty URL\n  --> content/a.md:3\n  |\n3 | tags: [提现, \"?!\"]\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_page_at_a_tag_pages_url_is_an_error() {
    let site = TestSite::new()
        .file("content/a.md", "---\ntitle: A\ntags: [x]\n---\n\ntext\n")
        .file("content/tags/_index.md", page("My tags", "text"));
    let run = site.build().failed();
    assert!(
        run.stderr
            .contains("error: this page's URL /tags/ is where quire puts a tag page\n  --> content/tags/_index.md"),
        "{}",
        run.stderr
    );
}

/// A site under `/help/` whose withdrawal page moved from two old places.
fn moved_site() -> TestSite {
    TestSite::bare()
        .file(
            "site.yaml",
            "title: 帮助\nbase_url: https://example.org/help/\nlanguage: zh-CN\n",
        )
        .file("content/_index.md", page("首页", "[提现](faq/withdraw.md)"))
        .file(
            "content/faq/withdraw.md",
            "---\ntitle: 提现 <失败>\naliases: [\"/old/path/\", \"old-faq/withdraw.html\", /旧/提现]\n---\n\n正文。\n",
        )
}

#[test]
fn aliases_are_redirect_pages_to_relative_urls_with_canonical_and_noindex() {
    let site = moved_site();
    site.build().ok();
    let html = site.read("public/old/path/index.html");
    for part in [
        r#"<meta http-equiv="refresh" content="0; url=../../faq/withdraw/">"#,
        r#"<link rel="canonical" href="https://example.org/help/faq/withdraw/">"#,
        r#"<meta name="robots" content="noindex">"#,
        r#"<p><a href="../../faq/withdraw/">提现 &lt;失败&gt;</a></p>"#,
        "<title>提现 &lt;失败&gt;</title>",
        r#"<html lang="zh-CN">"#,
    ] {
        assert!(html.contains(part), "{part} in:\n{html}");
    }
    let file = site.read("public/old-faq/withdraw.html");
    assert!(
        file.contains(r#"<meta http-equiv="refresh" content="0; url=../faq/withdraw/">"#),
        "{file}"
    );
    let chinese = site.read("public/旧/提现/index.html");
    assert!(
        chinese.contains(r#"content="0; url=../../faq/withdraw/""#),
        "{chinese}"
    );
    // The relative target, resolved from where each redirect page lies, is the moved page.
    for (dir, target) in [
        ("public/old/path", "../../faq/withdraw/"),
        ("public/old-faq", "../faq/withdraw/"),
    ] {
        assert!(site.path(dir).join(target).join("index.html").is_file());
    }
}

#[test]
fn aliases_are_listed_in_redirects_with_the_base_path_and_not_in_the_sitemap() {
    let site = moved_site();
    site.build().ok();
    assert_eq!(
        site.read("public/_redirects"),
        "/help/old/path/ /help/faq/withdraw/ 301\n\
         /help/old-faq/withdraw.html /help/faq/withdraw/ 301\n\
         /help/%E6%97%A7/%E6%8F%90%E7%8E%B0/ /help/faq/withdraw/ 301\n"
    );
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("/help/faq/withdraw/"), "{sitemap}");
    assert!(
        !sitemap.contains("old") && !sitemap.contains("%E6%97%A7"),
        "{sitemap}"
    );
    site.write("static/_redirects", "/a/ /b/ 302\n");
    let run = site.build().ok();
    assert_eq!(site.read("public/_redirects"), "/a/ /b/ 302\n");
    assert!(
        run.stderr.contains(
            "warning: the site has its own _redirects file, so the aliases are not added to it"
        ),
        "{}",
        run.stderr
    );
    let plain = TestSite::new().file("content/a.md", page("A", "text"));
    plain.build().ok();
    assert!(
        !plain.exists("public/_redirects"),
        "only sites with aliases get one"
    );
}

#[test]
fn an_alias_taken_by_a_page_or_another_alias_names_both_files() {
    common::fails_keeping_site(
        |site| {
            site.write(
                "content/c.md",
                "---\ntitle: C\naliases: [/b/]\n---\n\ntext\n",
            )
        },
        &[
            "error: the alias `/b/` of content/c.md is the URL of content/b.md\n  --> content/c.md:3\n  |\n3 | aliases: [/b/]\n",
            "= help: remove the alias: an old URL can lead to one page only, and never to a page that exists",
        ],
    );
    common::fails_keeping_site(
        |site| {
            site.write("content/c.md", "---\ntitle: C\naliases: [/old/]\n---\n");
            site.write("content/d.md", "---\ntitle: D\naliases: [old]\n---\n");
        },
        &["error: the alias `old` is claimed by both content/c.md and content/d.md"],
    );
    common::fails_keeping_site(
        |site| {
            site.write(
                "content/c.md",
                "---\ntitle: C\ntags: [\"?\"]\naliases: [old.php]\n---\n",
            )
        },
        &[
            "error: the alias `old.php` names a file that is not `.html`",
            "error: the tag `?` gives an empty URL",
            "2 errors",
        ],
    );
}

/// `git` with fixed identity and no user or system configuration.
fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Tester")
        .env("GIT_AUTHOR_EMAIL", "tester@example.org")
        .env("GIT_COMMITTER_NAME", "Tester")
        .env("GIT_COMMITTER_EMAIL", "tester@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The real git's path, or `None` after saying why the test skips.
fn git_or_skip() -> Option<PathBuf> {
    let found = Command::new("sh")
        .args(["-c", "command -v git"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if found.is_none() {
        eprintln!("SKIP: git is not installed");
    }
    found
}

/// A committed site: `a.md` and the FAQ section committed on 2026-01-02 (+08:00), `b.md`
/// changed again on 2026-03-04, `c.md` with front matter `updated`, and an uncommitted edit
/// of `a.md`.
fn committed_site() -> TestSite {
    let site = TestSite::bare()
        .file(
            "site.yaml",
            "title: 帮助\nlanguage: zh-CN\nlast_updated_from_git: true\n",
        )
        .file(
            "content/faq/_index.md",
            page("常见问题", "[a](a.md) [b](b.md) [c](c.md)"),
        )
        .file("content/faq/a.md", page("A", "一"))
        .file("content/faq/b.md", page("B", "二"))
        .file(
            "content/faq/c.md",
            "---\ntitle: C\nupdated: 2025-12-25\n---\n\n三\n",
        );
    git(site.root(), &["init", "-q"], "2026-01-02T10:00:00+08:00");
    git(site.root(), &["add", "-A"], "2026-01-02T10:00:00+08:00");
    git(
        site.root(),
        &["commit", "-qm", "one"],
        "2026-01-02T10:00:00+08:00",
    );
    site.write("content/faq/b.md", page("B", "二，改过"));
    git(
        site.root(),
        &["commit", "-qam", "two"],
        "2026-03-04T09:00:00+08:00",
    );
    site.write("content/faq/a.md", page("A", "一，未提交"));
    site
}

#[test]
fn pages_show_the_date_of_their_last_commit_unless_front_matter_says_updated() {
    let Some(real_git) = git_or_skip() else {
        return;
    };
    let site = committed_site();
    // A `git` on PATH that logs each call, to count the processes a build starts.
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("calls.log");
    let wrapper = bin.path().join("git");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            real_git.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        calls.lines().count(),
        1,
        "one git process for the whole site:\n{calls}"
    );
    let shown = |file: &str| {
        let html = site.read(file);
        let at = html
            .find("最后更新 <time")
            .unwrap_or_else(|| panic!("{html}"));
        html[at..].split("</time>").next().unwrap().to_owned()
    };
    assert_eq!(
        shown("public/faq/a/index.html"),
        r#"最后更新 <time datetime="2026-01-02">2026-01-02"#,
        "the last commit's date; uncommitted edits do not count"
    );
    assert_eq!(
        shown("public/faq/b/index.html"),
        r#"最后更新 <time datetime="2026-03-04">2026-03-04"#
    );
    assert_eq!(
        shown("public/faq/c/index.html"),
        r#"最后更新 <time datetime="2025-12-25">2025-12-25"#,
        "front matter `updated` wins over git"
    );
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains("<lastmod>2026-03-04</lastmod>"),
        "{sitemap}"
    );
}

#[test]
fn without_a_repository_the_option_warns_and_the_build_goes_on() {
    if git_or_skip().is_none() {
        return;
    }
    let site = TestSite::bare()
        .file("site.yaml", "title: T\nlast_updated_from_git: true\n")
        .file("content/a.md", page("A", "text"));
    let run = site.build().ok();
    assert!(
        run.stderr.contains(
            "warning: last_updated_from_git is on, but git could not read the history: not a git repository"
        ),
        "{}",
        run.stderr
    );
    assert!(!site.read("public/a/index.html").contains("<time"));
    let quiet = TestSite::new().file("content/a.md", page("A", "text"));
    let run = quiet.build().ok();
    assert!(
        !run.stderr.contains("git"),
        "off by default: {}",
        run.stderr
    );
}

#[test]
fn each_language_has_its_own_tag_pages_and_redirects_in_its_language() {
    let site = TestSite::bare()
        .file(
            "site.yaml",
            "title: 帮助\nbase_url: https://example.org/help/\nlanguage: zh-CN\nlanguages:\n  en:\n    title: Help\n",
        )
        .file("content/a.md", "---\ntitle: 提现\ndate: 2026-01-02\ntags: [提现]\n---\n\n正文。\n")
        .file(
            "content/a.en.md",
            "---\ntitle: Withdrawal\ndate: 2026-01-02\ntags: [Withdrawal]\naliases: [/en/old/]\n---\n\nText.\n",
        );
    site.build().ok();
    let en = site.read("public/en/tags/index.html");
    assert!(en.contains(r#"<html lang="en">"#), "{en}");
    assert!(
        main_of(&en).contains(r#"<a class="tag" href="../../en/tags/withdrawal/">Withdrawal <span class="tag-count">1</span></a>"#),
        "{en}"
    );
    assert!(!en.contains("提现 <span"), "only English tags:\n{en}");
    let zh = site.read("public/tags/index.html");
    assert!(!zh.contains("withdrawal"), "only Chinese tags:\n{zh}");
    let tag = site.read("public/en/tags/withdrawal/index.html");
    assert!(
        main_of(&tag).contains(r#"<a href="../../../en/a/">Withdrawal</a>"#),
        "{tag}"
    );
    assert!(
        site.read("public/en/a/index.html").contains(
            r#"<a class="tag" href="../../en/tags/withdrawal/" rel="tag">Withdrawal</a>"#
        )
    );
    assert_eq!(
        atom_entries(&site.read("public/en/tags/withdrawal/atom.xml")),
        ["https://example.org/help/en/a/"]
    );
    let redirect = site.read("public/en/old/index.html");
    assert!(redirect.contains(r#"<html lang="en">"#), "{redirect}");
    assert!(
        redirect.contains(r#"content="0; url=../../en/a/""#),
        "{redirect}"
    );
}
