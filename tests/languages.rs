//! Multilingual sites: translations beside their originals (`a.en.md`), served under `/en/`
//! with their own nav, feed and search index, linked to each other by `hreflang` and the
//! language switcher.

mod common;

use common::{TestSite, page};

const SITE_YAML: &str = "title: 帮助中心\ndescription: 中文说明\nbase_url: https://example.org/help/\nlanguage: zh-CN\nlanguages:\n  en:\n    title: Help Center\n    description: English help\n";

/// A zh-CN site with an English version: `faq/a` is translated, `faq/b` only in Chinese,
/// `faq/only-en` only in English, and the `safety` section has no English pages at all.
fn bilingual() -> TestSite {
    TestSite::bare()
        .file("site.yaml", SITE_YAML)
        .file("content/_index.md", page("首页", "欢迎。见[提现](faq/a.md)。"))
        .file(
            "content/_index.en.md",
            page("Home", "Welcome. See [withdrawals](faq/a.md) and [only English](faq/only-en.md)."),
        )
        .file("content/faq/_index.md", page("常见问题", "问题与解答。"))
        .file("content/faq/_index.en.md", page("FAQ", "Questions and answers."))
        .file(
            "content/faq/a.md",
            "---\ntitle: 提现失败怎么办\ndate: 2026-01-02\n---\n\n提现失败时先检查余额。\n\n## 联系客服\n\n见[另一篇](b.md)。\n",
        )
        .file(
            "content/faq/a.en.md",
            "---\ntitle: Withdrawal failed\ndate: 2026-01-03\n---\n\nWhen a withdrawal fails, check your balance first.\n\n## Contact support\n\nSee [the other article](b.md) and [this one](only-en.md).\n",
        )
        .file("content/faq/b.md", page("付款未到账", "付款后未到账。回到[提现](a.md#联系客服)。"))
        .file(
            "content/faq/only-en.en.md",
            page("Only English", "This one exists only in English. Back to [the first](a.md#contact-support)."),
        )
        .file("content/safety/_index.md", page("安全提示", "防诈骗。"))
        .file("content/safety/scams.md", page("识别诈骗", "骗子冒充客服。"))
}

/// The `href` of the language switcher's link to `hreflang`.
fn switcher_href(html: &str, hreflang: &str) -> String {
    let list = html
        .split("<ul class=\"language-switch\"")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_else(|| panic!("no language switcher in:\n{html}"));
    let link = list
        .split("<a ")
        .find(|a| a.contains(&format!("hreflang=\"{hreflang}\"")))
        .unwrap_or_else(|| panic!("no switcher link to {hreflang} in {list}"));
    link.split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

/// The `<link rel="alternate" hreflang>` pairs of a page's head.
fn head_alternates(html: &str) -> Vec<(String, String)> {
    let head = html.split("</head>").next().unwrap();
    head.split("<link rel=\"alternate\" hreflang=\"")
        .skip(1)
        .map(|rest| {
            let lang = rest.split('"').next().unwrap().to_owned();
            let href = rest
                .split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned();
            (lang, href)
        })
        .collect()
}

/// The text of the sidebar navigation.
fn nav(html: &str) -> &str {
    html.split("<nav id=\"site-nav\"")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .expect("a sidebar")
}

#[test]
fn translations_get_their_own_urls_title_lang_and_nav() {
    let site = bilingual();
    site.quire(&["build", "--strict"]).ok();
    let en = site.read("public/en/faq/a/index.html");
    assert!(en.contains("<html lang=\"en\">"), "{en}");
    assert!(
        en.contains("<title>Withdrawal failed - Help Center</title>"),
        "{en}"
    );
    assert!(
        site.read("public/faq/a/index.html")
            .contains("<html lang=\"zh-CN\">")
    );
    let en_home = site.read("public/en/index.html");
    assert!(
        en_home.contains("<p class=\"lead\">English help</p>"),
        "{en_home}"
    );
    assert!(site.exists("public/en/faq/only-en/index.html"));
    assert!(
        !site.exists("public/en/faq/b/index.html"),
        "no translation, no page"
    );

    // Each language's nav lists its own sections only, with English UI strings on English pages.
    let en_nav = nav(&en);
    assert!(
        en_nav.contains("href=\"../../../en/faq/\">FAQ</a>"),
        "{en_nav}"
    );
    assert!(en_nav.contains(">Home</a>"), "{en_nav}");
    assert!(
        !en_nav.contains("常见问题") && !en_nav.contains("安全提示"),
        "{en_nav}"
    );
    let zh_nav = nav(&site.read("public/faq/a/index.html")).to_owned();
    assert!(
        zh_nav.contains(">常见问题</a>") && zh_nav.contains(">安全提示</a>"),
        "{zh_nav}"
    );
    assert!(
        !zh_nav.contains("FAQ") && !zh_nav.contains("en/"),
        "{zh_nav}"
    );
    // The English FAQ section lists English pages only.
    let en_faq = site.read("public/en/faq/index.html");
    assert!(
        en_faq.contains("Only English") && !en_faq.contains("付款未到账"),
        "{en_faq}"
    );
}

#[test]
fn head_and_sitemap_pair_each_page_with_its_translations() {
    let site = bilingual();
    site.build().ok();
    let pair = vec![
        (
            "zh-CN".to_owned(),
            "https://example.org/help/faq/a/".to_owned(),
        ),
        (
            "en".to_owned(),
            "https://example.org/help/en/faq/a/".to_owned(),
        ),
        (
            "x-default".to_owned(),
            "https://example.org/help/faq/a/".to_owned(),
        ),
    ];
    assert_eq!(head_alternates(&site.read("public/faq/a/index.html")), pair);
    assert_eq!(
        head_alternates(&site.read("public/en/faq/a/index.html")),
        pair
    );
    // A page in one language only has no alternates.
    assert_eq!(
        head_alternates(&site.read("public/faq/b/index.html")),
        vec![]
    );
    assert_eq!(
        head_alternates(&site.read("public/en/faq/only-en/index.html")),
        vec![]
    );

    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""),
        "{sitemap}"
    );
    let entry = |loc: &str| -> String {
        sitemap
            .split("<url>")
            .find(|u| u.contains(&format!("<loc>{loc}</loc>")))
            .unwrap_or_else(|| panic!("{loc} is not in the sitemap:\n{sitemap}"))
            .to_owned()
    };
    for loc in [
        "https://example.org/help/faq/a/",
        "https://example.org/help/en/faq/a/",
    ] {
        let url = entry(loc);
        for (lang, href) in &pair {
            let link =
                format!("<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\"/>");
            assert!(url.contains(&link), "{loc} lacks {link}:\n{url}");
        }
    }
    assert!(
        entry("https://example.org/help/en/")
            .contains("hreflang=\"zh-CN\" href=\"https://example.org/help/\"")
    );
    assert!(!entry("https://example.org/help/faq/b/").contains("xhtml:link"));
    assert!(!entry("https://example.org/help/en/faq/only-en/").contains("xhtml:link"));
}

#[test]
fn the_switcher_leads_to_the_same_page_or_else_the_language_home() {
    let site = bilingual();
    site.build().ok();
    let zh = site.read("public/faq/a/index.html");
    assert_eq!(switcher_href(&zh, "en"), "../../en/faq/a/");
    assert!(
        zh.contains("lang=\"en\" rel=\"alternate\">English</a>"),
        "{zh}"
    );
    let en = site.read("public/en/faq/a/index.html");
    assert_eq!(switcher_href(&en, "zh-CN"), "../../../faq/a/");
    assert!(
        en.contains("lang=\"zh-CN\" rel=\"alternate\">中文</a>"),
        "{en}"
    );
    // Homes and sections, both ways.
    assert_eq!(
        switcher_href(&site.read("public/index.html"), "en"),
        "./en/"
    );
    assert_eq!(
        switcher_href(&site.read("public/en/index.html"), "zh-CN"),
        "../"
    );
    assert_eq!(
        switcher_href(&site.read("public/en/faq/index.html"), "zh-CN"),
        "../../faq/"
    );
    // Without a translation: the other language's home page.
    assert_eq!(
        switcher_href(&site.read("public/faq/b/index.html"), "en"),
        "../../en/"
    );
    assert_eq!(
        switcher_href(&site.read("public/safety/index.html"), "en"),
        "../en/"
    );
    assert_eq!(
        switcher_href(&site.read("public/en/faq/only-en/index.html"), "zh-CN"),
        "../../../"
    );
}

#[test]
fn markdown_links_lead_to_the_translation_where_there_is_one() {
    let site = bilingual();
    site.build().ok();
    let en = site.read("public/en/faq/a/index.html");
    // b.md has no English version: the link stays on the Chinese page.
    assert!(
        en.contains("<a href=\"../../../faq/b/\">the other article</a>"),
        "{en}"
    );
    assert!(
        en.contains("<a href=\"../../../en/faq/only-en/\">this one</a>"),
        "{en}"
    );
    let en_home = site.read("public/en/index.html");
    assert!(
        en_home.contains("<a href=\"../en/faq/a/\">withdrawals</a>"),
        "{en_home}"
    );
    assert!(
        en_home.contains("<a href=\"./../en/faq/a/\">withdrawals</a>")
            || en_home.contains("<a href=\"../en/faq/a/\">withdrawals</a>"),
        "{en_home}"
    );
    // The Chinese page's link to a.md stays Chinese.
    assert!(
        site.read("public/faq/b/index.html")
            .contains("href=\"../../faq/a/#%E8%81%94%E7%B3%BB%E5%AE%A2%E6%9C%8D\"")
    );
    // A heading of the translation is checked against the translation.
    site.write(
        "content/faq/only-en.en.md",
        page("Only English", "Back to [the first](a.md#联系客服)."),
    );
    let run = site.build().ok();
    assert!(
        run.stderr.contains(
            "warning: the link `a.md#联系客服` points to a heading `#联系客服` that does not exist"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn each_language_has_its_own_feed_and_search_index() {
    let site = bilingual();
    site.build().ok();
    let atom = site.read("public/atom.xml");
    let en_atom = site.read("public/en/atom.xml");
    assert!(
        atom.contains("<title>提现失败怎么办</title>") && !atom.contains("Withdrawal failed"),
        "{atom}"
    );
    assert!(
        en_atom.contains("xml:lang=\"en\"") && en_atom.contains("<title>Help Center</title>"),
        "{en_atom}"
    );
    assert!(
        en_atom.contains("<title>Withdrawal failed</title>") && !en_atom.contains("提现"),
        "{en_atom}"
    );
    assert!(
        en_atom.contains("href=\"https://example.org/help/en/atom.xml\""),
        "{en_atom}"
    );
    let en_page = site.read("public/en/faq/a/index.html");
    assert!(
        en_page.contains("href=\"../../../en/atom.xml\""),
        "{en_page}"
    );

    // The English box searches the English index, from its own results page.
    assert!(
        en_page.contains("action=\"../../../en/search/\""),
        "{en_page}"
    );
    assert!(
        en_page.contains("data-index=\"../../../en/search/\""),
        "{en_page}"
    );
    assert!(
        site.read("public/en/search/index.html")
            .contains("<html lang=\"en\">")
    );
    let zh_page = site.read("public/faq/a/index.html");
    assert!(
        zh_page.contains("data-index=\"../../search/\""),
        "{zh_page}"
    );

    // English words are only in the English index, Chinese only in the Chinese one.
    let index_bytes = |dir: &str| -> Vec<u8> {
        walkdir::WalkDir::new(site.path(dir))
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .flat_map(|e| std::fs::read(e.path()).unwrap())
            .collect()
    };
    let has = |bytes: &[u8], word: &str| bytes.windows(word.len()).any(|w| w == word.as_bytes());
    let zh = index_bytes("public/search");
    let en = index_bytes("public/en/search");
    for word in ["withdrawal", "balance", "english"] {
        assert!(has(&en, word), "{word} is in the English index");
        assert!(!has(&zh, word), "{word} is not in the Chinese index");
    }
    for word in ["余额", "骗子"] {
        assert!(has(&zh, word), "{word} is in the Chinese index");
        assert!(!has(&en, word), "{word} is not in the English index");
    }
    let meta: serde_json::Value =
        serde_json::from_str(&site.read("public/en/search/meta.json")).unwrap();
    // English: home, FAQ, a and only-en.
    assert_eq!(meta["pages"], 4, "{meta}");
}

#[test]
fn a_suffix_that_is_not_a_declared_language_is_part_of_the_name() {
    let site = bilingual()
        .file("content/faq/v1.2.md", page("版本 1.2", "说明。"))
        .file(
            "content/faq/b.fr.md",
            page("Pas une traduction", "Le français n'est pas déclaré."),
        );
    site.build().ok();
    assert!(site.exists("public/faq/v1.2/index.html"));
    assert!(site.exists("public/faq/b.fr/index.html"));
    assert!(!site.exists("public/fr"));
    // Without `languages:`, `a.en.md` is a page of its own too.
    let single = TestSite::new()
        .file("content/a.md", page("A", "text"))
        .file("content/a.en.md", page("A in English", "text"));
    single.build().ok();
    assert!(single.exists("public/a.en/index.html"));
    let html = single.read("public/a/index.html");
    assert!(
        !html.contains("language-switch") && !html.contains("hreflang"),
        "{html}"
    );
    assert!(!single.read("public/sitemap.xml").contains("xhtml"));
    assert!(!single.exists("public/en"));
}

#[test]
fn bad_language_declarations_are_explained() {
    let cases = [
        (
            "title: x\nlanguage: zh-CN\nlanguages:\n  zh-cn:\n    title: y\n",
            "`zh-cn` is the default language (`language: zh-CN`); `languages:` lists only the others",
            4,
        ),
        (
            "title: x\nlanguages:\n  pt-BR: {}\n  PT-br: {}\n",
            "the languages `pt-BR` and `PT-br` are the same language",
            4,
        ),
        (
            "title: x\nlanguages:\n  en us: {}\n",
            "`en us` in `languages:` is not a language tag",
            3,
        ),
    ];
    for (yaml, message, line) in cases {
        let site = TestSite::bare()
            .file("site.yaml", yaml)
            .file("content/_index.md", page("Home", "text"));
        let run = site.build().failed();
        assert!(run.stderr.contains(message), "{yaml}\n{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("site.yaml:{line}:")),
            "{yaml}\n{}",
            run.stderr
        );
    }
    let site = TestSite::bare()
        .file(
            "site.yaml",
            "title: x\nlanguage: zh-CN\nlanguages:\n  en:\n    titel: y\n",
        )
        .file("content/_index.md", page("Home", "text"));
    let run = site.build().failed();
    assert!(run.stderr.contains("titel"), "{}", run.stderr);
}
