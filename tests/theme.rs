//! The default theme's HTML: language, head metadata, UI strings per language, FAQPage data,
//! the sidebar's size, self-contained assets and the not-found page's links. Each test builds
//! a small site of its own with the built-in theme.

mod common;

use common::{TestSite, page};

fn built(site: TestSite) -> TestSite {
    site.build().ok();
    site
}

/// The text between the first `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in:\n{html}"));
    let rest = &html[from..];
    &rest[..rest
        .find(end)
        .unwrap_or_else(|| panic!("no {end:?} after {start:?}"))]
}

/// Every FAQPage JSON-LD block of a page, parsed.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| {
            let text = &rest[..rest.find("</script>").expect("script closed")];
            serde_json::from_str(text).unwrap_or_else(|e| panic!("invalid JSON-LD ({e}): {text}"))
        })
        .collect()
}

fn site_in(language: &str) -> TestSite {
    TestSite::bare()
        .file(
            "site.yaml",
            format!("title: Help\ndescription: Site blurb\nbase_url: https://example.org/docs/\nlanguage: {language}\n"),
        )
        .file("content/_index.md", page("Welcome", "Hello."))
        .file("content/guide/_index.md", page("Guide", "All guides."))
        .file(
            "content/guide/start.md",
            "---\ntitle: Getting started\ndescription: First steps\nweight: 1\ndate: 2026-01-02\n---\n\n## Install\n\nText.\n\n> [!WARNING]\n> Careful.\n",
        )
        .file("content/guide/next.md", "---\ntitle: Next steps\nweight: 2\n---\n\nMore.\n")
}

#[test]
fn lang_and_ui_strings_follow_site_language() {
    let en = built(site_in("en"));
    let html = en.read("public/guide/start/index.html");
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    for text in [
        "Skip to content",
        ">On this page<",
        "Next</span>",
        "Search this site",
        ">Warning</p>",
    ] {
        assert!(html.contains(text), "English page lacks {text:?}");
    }
    assert!(!html.contains("跳到正文"));

    let zh = built(site_in("zh-CN"));
    let html = zh.read("public/guide/start/index.html");
    assert!(html.contains("<html lang=\"zh-CN\">"), "{html}");
    for text in [
        "跳到正文",
        ">目录<",
        "下一篇</span>",
        "搜索本站",
        ">警告</p>",
        "搜索（按 / 键）",
    ] {
        assert!(html.contains(text), "Chinese page lacks {text:?}");
    }
    assert!(!html.contains("Skip to content"));
    let missing = zh.read("public/404.html");
    assert!(
        missing.contains("页面不存在") && missing.contains("返回首页"),
        "{missing}"
    );
}

#[test]
fn head_has_title_description_canonical_and_open_graph() {
    let site = built(site_in("zh-CN"));
    let html = site.read("public/guide/start/index.html");
    let head = between(&html, "<head>", "</head>");
    for tag in [
        "<title>Getting started - Help</title>",
        "<meta name=\"description\" content=\"First steps\">",
        "<link rel=\"canonical\" href=\"https://example.org/docs/guide/start/\">",
        "<meta property=\"og:type\" content=\"article\">",
        "<meta property=\"og:title\" content=\"Getting started\">",
        "<meta property=\"og:description\" content=\"First steps\">",
        "<meta property=\"og:url\" content=\"https://example.org/docs/guide/start/\">",
        "<meta property=\"og:site_name\" content=\"Help\">",
        "<meta property=\"og:locale\" content=\"zh_CN\">",
        "<meta property=\"article:published_time\" content=\"2026-01-02\">",
    ] {
        assert!(head.contains(tag), "head lacks {tag}:\n{head}");
    }
    let home = site.read("public/index.html");
    let head = between(&home, "<head>", "</head>");
    assert!(head.contains("<title>Welcome - Help</title>"), "{head}");
    assert!(head.contains("<link rel=\"canonical\" href=\"https://example.org/docs/\">"));
    assert!(head.contains("<meta property=\"og:type\" content=\"website\">"));
    assert!(
        head.contains("<meta name=\"description\" content=\"Site blurb\">"),
        "{head}"
    );
    let untitled = built(TestSite::new().file("content/a.md", page("A", "x")));
    assert!(
        untitled
            .read("public/index.html")
            .contains("<title>Test site</title>"),
        "a home without _index.md is titled once"
    );
    // The not-found page stands for no address of its own.
    assert!(!site.read("public/404.html").contains("rel=\"canonical\""));
}

#[test]
fn faq_pages_carry_faqpage_json_ld() {
    let site = built(
        TestSite::new()
            .file("content/faq/_index.md", "---\ntitle: FAQ\nextra:\n  faq: true\n---\n")
            .file(
                "content/faq/withdrawal.md",
                "---\ntitle: Why did my withdrawal fail?\nweight: 1\n---\n\nCheck the balance.\n\n## Limits\n\nDaily limits apply; `</script>` stays text.\n",
            )
            .file(
                "content/faq/many.md",
                "---\ntitle: Account questions\nweight: 2\n---\n\nIntro.\n\n## Can I close my account?\n\nYes, in settings.\n\n## Background\n\nNot a question.\n\n## Where is my money？\n\nIn your balance.\n",
            )
            .file("content/faq/notes.md", "---\ntitle: Notes\nweight: 3\nextra:\n  faq: false\n---\n\nPlain page.\n")
            .file("content/guide.md", page("Guide", "Not an FAQ."))
            .file("content/extra.md", "---\ntitle: Is this one?\nextra:\n  faq: true\n---\n\nIt is.\n"),
    );
    let html = site.read("public/faq/withdrawal/index.html");
    assert!(
        html.contains("\\u003c/script\\u003e"),
        "`<` is escaped inside the script"
    );
    let data = json_ld(&html);
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["@context"], "https://schema.org");
    assert_eq!(data[0]["@type"], "FAQPage");
    let questions = data[0]["mainEntity"].as_array().unwrap();
    assert_eq!(
        questions.len(),
        1,
        "a page without question headings is one question"
    );
    assert_eq!(questions[0]["@type"], "Question");
    assert_eq!(questions[0]["name"], "Why did my withdrawal fail?");
    assert_eq!(questions[0]["acceptedAnswer"]["@type"], "Answer");
    let answer = questions[0]["acceptedAnswer"]["text"].as_str().unwrap();
    assert!(answer.starts_with("Check the balance."), "{answer}");
    assert!(
        answer.contains("Limits") && answer.contains("Daily limits apply; </script> stays text."),
        "{answer}"
    );

    let data = json_ld(&site.read("public/faq/many/index.html"));
    let questions: Vec<(&str, &str)> = data[0]["mainEntity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["name"].as_str().unwrap(),
                q["acceptedAnswer"]["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        questions,
        [
            ("Can I close my account?", "Yes, in settings."),
            ("Where is my money？", "In your balance.")
        ]
    );

    assert_eq!(
        json_ld(&site.read("public/extra/index.html"))[0]["mainEntity"][0]["name"],
        "Is this one?"
    );
    for plain in [
        "public/faq/notes/index.html",
        "public/guide/index.html",
        "public/faq/index.html",
        "public/index.html",
    ] {
        assert!(
            json_ld(&site.read(plain)).is_empty(),
            "{plain} is not an FAQ page"
        );
    }
}

#[test]
fn sidebar_lists_every_section_but_only_the_current_sections_pages() {
    let site = built(
        TestSite::new()
            .file("content/a/_index.md", page("Section A", ""))
            .file("content/a/one.md", page("A one", "x"))
            .file("content/a/two.md", page("A two", "x"))
            .file("content/a/deep/_index.md", page("Deep", ""))
            .file("content/a/deep/d.md", page("Deep page", "x"))
            .file("content/b/_index.md", page("Section B", ""))
            .file("content/b/three.md", page("B three", "x")),
    );
    let html = site.read("public/a/one/index.html");
    let sidebar = between(&html, "<nav id=\"site-nav\"", "</nav>");
    for link in [
        "href=\"../../\"",
        "href=\"../../a/\"",
        "href=\"../../a/deep/\"",
        "href=\"../../b/\"",
        "href=\"../../a/two/\"",
    ] {
        assert!(sidebar.contains(link), "sidebar lacks {link}:\n{sidebar}");
    }
    assert!(
        sidebar.contains("<a href=\"../../a/one/\" aria-current=\"page\">A one</a>"),
        "{sidebar}"
    );
    assert!(
        !sidebar.contains("B three") && !sidebar.contains("Deep page"),
        "{sidebar}"
    );

    let section = site.read("public/b/index.html");
    let sidebar = between(&section, "<nav id=\"site-nav\"", "</nav>");
    assert!(
        sidebar.contains("href=\"../b/three/\"") && !sidebar.contains("A one"),
        "{sidebar}"
    );
}

#[test]
fn long_sidebar_lists_show_a_window_around_the_current_entry_and_link_the_rest() {
    // 30 sections and 40 pages in one: more than the 25 entries a sidebar list shows.
    let mut site = TestSite::new();
    for s in 0..30 {
        let body = format!("---\ntitle: Section {s}\nweight: {s}\n---\n");
        site = site.file(&format!("content/s{s:02}/_index.md"), body);
    }
    for p in 0..40 {
        let body = format!("---\ntitle: Page {p}\nweight: {p}\n---\n\nText.\n");
        site = site.file(&format!("content/s15/p{p:02}.md"), body);
    }
    let run = site.build().ok();
    assert!(!run.stderr.contains("no link leads"), "{}", run.stderr);

    let html = site.read("public/s15/p20/index.html");
    let sidebar = between(&html, "<nav id=\"site-nav\"", "</nav>");
    let pages = between(sidebar, "<ul class=\"nav-pages\">", "</ul>");
    assert_eq!(pages.matches("<li").count(), 25 + 2, "{pages}");
    assert!(
        pages.contains("<a href=\"../../s15/p20/\" aria-current=\"page\">Page 20</a>"),
        "{pages}"
    );
    // Pages 8 to 32 are shown; the 8 before and 7 after are one link to the section each.
    assert!(
        pages.contains("Page 8<") && pages.contains("Page 32<"),
        "{pages}"
    );
    assert!(
        !pages.contains("Page 7<") && !pages.contains("Page 33<"),
        "{pages}"
    );
    for more in ["8 more…", "7 more…"] {
        let gap = format!("<li class=\"nav-more\"><a href=\"../../s15/\">{more}</a></li>");
        assert!(pages.contains(&gap), "no {gap} in {pages}");
    }
    // Sections 3 to 27 around section 15; the rest are listed on the home page.
    assert!(sidebar.contains("href=\"../../s03/\"") && sidebar.contains("href=\"../../s27/\""));
    assert!(!sidebar.contains("href=\"../../s02/\"") && !sidebar.contains("href=\"../../s28/\""));
    for more in ["3 more…", "2 more…"] {
        let gap = format!("<li class=\"nav-more\"><a href=\"../../\">{more}</a></li>");
        assert!(sidebar.contains(&gap), "no {gap} in {sidebar}");
    }
    // The home page lists every section.
    let home = site.read("public/index.html");
    let main = between(&home, "<main", "</main>");
    assert!(
        (0..30).all(|s| main.contains(&format!("href=\"./s{s:02}/\""))),
        "{main}"
    );
}

#[test]
fn assets_ship_with_the_theme() {
    let site = built(site_in("en"));
    for file in [
        "public/index.html",
        "public/guide/start/index.html",
        "public/404.html",
    ] {
        let html = site.read(file);
        for attr in [
            "src=\"",
            "<link rel=\"stylesheet\" href=\"",
            "<link rel=\"icon\" href=\"",
        ] {
            for rest in html.split(attr).skip(1) {
                let url = &rest[..rest.find('"').unwrap()];
                assert!(!url.contains("//"), "{file} loads {url} from elsewhere");
            }
        }
        assert!(!html.contains("@import"), "{file}");
    }
    for asset in ["public/style.css", "public/theme.js", "public/favicon.svg"] {
        assert!(site.exists(asset), "{asset} is shipped");
    }
    let css = site.read("public/style.css");
    for rest in css.split("url(").skip(1) {
        assert!(
            rest.starts_with("\"data:"),
            "style.css loads {}",
            &rest[..40.min(rest.len())]
        );
    }
    assert!(
        !css.contains("@import") && !css.contains("@font-face"),
        "no web fonts"
    );
    assert!(
        !site.read("public/theme.js").contains("http"),
        "the script fetches nothing"
    );
}

#[test]
fn not_found_page_links_from_the_base_path() {
    let site = built(
        TestSite::bare()
            .file(
                "site.yaml",
                "title: T\nbase_url: https://example.org/help/\n",
            )
            .file("content/guide/_index.md", page("Guide", ""))
            .file("content/guide/a.md", page("A", "x")),
    );
    let html = site.read("public/404.html");
    for link in [
        "href=\"/help/style.css\"",
        "src=\"/help/theme.js\"",
        "<a class=\"site-title\" href=\"/help/\">",
        "<a class=\"button\" href=\"/help/\">",
        "href=\"/help/guide/\"",
        "action=\"/help/search/\"",
    ] {
        assert!(html.contains(link), "404 lacks {link}");
    }
    assert!(
        !html.contains("href=\"../") && !html.contains("href=\"./"),
        "{html}"
    );
}

#[test]
fn pages_have_landmarks_skip_link_breadcrumbs_and_pager() {
    let site = built(site_in("en"));
    let html = site.read("public/guide/start/index.html");
    let body = between(&html, "<body>", "</body>");
    assert!(
        body.starts_with("<body>\n<a class=\"skip-link\" href=\"#main\">"),
        "skip link comes first"
    );
    for landmark in [
        "<header class=\"site-header\">",
        "<form role=\"search\" class=\"search\" action=\"../../search/\"",
        "<input type=\"search\" id=\"search-input\" name=\"q\"",
        "<div id=\"search-results\"",
        "<nav id=\"site-nav\" class=\"sidebar\" aria-label=\"Site navigation\">",
        "<main id=\"main\"",
        "<aside class=\"toc\" aria-labelledby=\"toc-title\">",
        "<footer class=\"site-footer\">",
        "<a href=\"#install\">Install</a>",
    ] {
        assert!(body.contains(landmark), "page lacks {landmark}");
    }
    let crumbs = between(body, "<nav class=\"breadcrumbs\"", "</nav>");
    assert!(
        crumbs.contains("<a href=\"../../\">Home</a>")
            && crumbs.contains("<a href=\"../../guide/\">Guide</a>"),
        "{crumbs}"
    );
    let pager = between(body, "<nav class=\"pager\"", "</nav>");
    assert!(
        pager.contains("href=\"../../guide/next/\" rel=\"next\"")
            && !pager.contains("rel=\"prev\""),
        "{pager}"
    );
    // The stored light/dark choice is applied in <head>, before anything is painted.
    let head = between(&html, "<head>", "</head>");
    assert!(
        head.contains("localStorage.getItem(\"quire-theme\")"),
        "{head}"
    );
    // Opened from disk, folder links get index.html; the script acts only under file:.
    assert!(body.contains("if(location.protocol===\"file:\")"));
}

/// The colour variables of the first rule in `css` that starts with `selector`.
fn palette(css: &str, selector: &str) -> std::collections::HashMap<String, String> {
    let block = between(css, selector, "}");
    block
        .lines()
        .filter_map(|line| {
            let (name, value) = line.trim().strip_prefix("--")?.split_once(':')?;
            let value = value.trim().trim_end_matches(';');
            value
                .starts_with('#')
                .then(|| (name.to_owned(), value.to_owned()))
        })
        .collect()
}

fn contrast(a: &str, b: &str) -> f64 {
    let luminance = |hex: &str| {
        let channel = |i: usize| {
            let c = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[test]
fn both_colour_schemes_meet_wcag_aa() {
    let css = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/static/style.css"
    ))
    .unwrap();
    let light = palette(&css, ":root {\n  color-scheme: light;");
    let dark = palette(&css, ":root:not([data-theme=\"light\"]) {");
    assert_eq!(
        dark,
        palette(&css, ":root[data-theme=\"dark\"] {"),
        "the two dark palettes are the same"
    );
    // Text on every background it is drawn on: 4.5:1. Focus rings and input borders: 3:1.
    let mut pairs: Vec<(String, String, f64)> = Vec::new();
    for text in ["fg", "fg-muted", "accent"] {
        for background in ["bg", "bg-soft", "bg-code", "accent-soft"] {
            pairs.push((text.into(), background.into(), 4.5));
        }
    }
    for kind in ["note", "tip", "important", "warning", "caution"] {
        for text in [kind, "fg", "accent"] {
            pairs.push((text.into(), format!("{kind}-bg"), 4.5));
        }
    }
    pairs.push(("bg".into(), "accent".into(), 4.5)); // button text
    // Highlighted code: every token colour, plain code and line numbers, on code and on marked lines.
    let tokens: Vec<&str> = light
        .keys()
        .filter(|name| name.starts_with("tok-"))
        .map(String::as_str)
        .collect();
    assert!(tokens.len() >= 10, "{tokens:?}");
    for text in tokens.into_iter().chain(["fg", "fg-muted"]) {
        for background in ["bg-code", "code-mark"] {
            pairs.push((text.into(), background.into(), 4.5));
        }
    }
    for background in ["bg", "bg-soft"] {
        for line in ["focus", "border-strong"] {
            pairs.push((line.into(), background.into(), 3.0));
        }
    }
    for (name, colours) in [("light", &light), ("dark", &dark)] {
        assert!(colours.len() >= 20, "{name}: {colours:?}");
        for (fg, bg, needed) in &pairs {
            let ratio = contrast(&colours[fg], &colours[bg]);
            assert!(
                ratio >= *needed,
                "{name}: --{fg} on --{bg} is {ratio:.2}:1, below {needed}:1"
            );
        }
    }
}
