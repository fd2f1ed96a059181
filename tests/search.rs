//! Search: the index files a build writes, the search box every page carries, and ranking,
//! checked by running the shipped search.js in node over the built index (the browser runs
//! the same code; tests/search_browser.rs types into it in Chromium).

mod common;

use std::path::Path;
use std::process::Command;

use common::{Gen, TestSite, page};

/// Runs `node tests/search/SCRIPT ARGS`, or returns `None` after printing why when node is
/// missing (a failure under `QUIRE_REQUIRE_BROWSER=1`).
fn node(script: &str, args: &[&str]) -> Option<(bool, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search");
    match Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .output()
    {
        Ok(out) => Some((
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )),
        Err(e) => {
            if std::env::var("QUIRE_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("QUIRE_REQUIRE_BROWSER=1 but `node` cannot run: {e}");
            }
            eprintln!("skipping: `node` is not on PATH ({e}); install Node.js 18 or later");
            None
        }
    }
}

/// `site` with the files below `from` (relative to the crate) copied under `to`.
fn copy_tree(mut site: TestSite, from: &str, to: &str) -> TestSite {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join(from);
    for entry in walkdir::WalkDir::new(&base) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(&base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            site = site.file(&format!("{to}{rel}"), std::fs::read(entry.path()).unwrap());
        }
    }
    site
}

fn fixture() -> TestSite {
    let site = copy_tree(TestSite::bare(), "tests/search/fixture", "");
    site.build().ok();
    site
}

#[test]
fn build_writes_a_sharded_index_and_a_search_page() {
    let site = fixture();
    let meta: serde_json::Value =
        serde_json::from_str(&site.read("public/search/meta.json")).unwrap();
    let version = meta["version"].as_str().unwrap();
    assert_eq!(meta["pages"], 32, "26 pages and 6 sections: {meta}");
    for shard in 0..meta["shards"].as_u64().unwrap() {
        assert!(
            site.exists(&format!("public/search/{version}/s/{shard}.bin")),
            "shard {shard}"
        );
    }
    // Each page's text is a fragment of its own; content stays data (JSON), never markup.
    let fragments = std::fs::read_dir(site.path(&format!("public/search/{version}/p")))
        .unwrap()
        .count();
    assert_eq!(fragments, 32);
    let xss = (0..32)
        .map(|i| site.read(&format!("public/search/{version}/p/{i}.json")))
        .find(|f| f.contains("onerror"))
        .unwrap();
    assert!(
        xss.contains(r#""t":"<img src=x onerror=alert(1)> escaping test""#),
        "{xss}"
    );

    let page = site.read("public/settings/sync/index.html");
    assert!(
        page.contains(r#"<form role="search" class="search" action="../../search/">"#),
        "{page}"
    );
    assert!(page.contains(r#"<input type="search" id="search-input" name="q""#));
    assert!(
        page.contains(
            r#"<script id="search-script" src="../../search.js" defer data-root="../../""#
        )
    );
    assert!(
        page.contains(r#"data-no-results="没有找到结果"#),
        "zh-CN strings from the theme"
    );
    let search_page = site.read("public/search/index.html");
    assert!(search_page.contains(r#"data-root="../""#), "{search_page}");
    assert_eq!(
        search_page.matches(r#"id="search-input""#).count(),
        1,
        "one box on the search page"
    );
    assert!(site.exists("public/search.js"));
}

/// Issue #4 budgets the search script at under 10 KB, read as raw bytes as shipped: it is the
/// readable source itself (no build step, no minifier), so the budget holds on what the build copies.
#[test]
fn search_script_stays_under_its_10_kb_budget() {
    let site = fixture();
    let size = site.read("public/search.js").len();
    assert!(
        size < 10 * 1024,
        "public/search.js is {size} bytes; issue #4 budgets the search script under 10 KB (10,240 bytes)"
    );
}

#[test]
fn javascript_tokenizer_agrees_with_the_shared_table() {
    // The Rust side of the same table runs as a unit test (src/search/tokenizer.rs).
    let Some((ok, output)) = node("tokenizer.mjs", &[]) else {
        return;
    };
    assert!(ok, "{output}");
}

/// The build side (Rust) and the query side (search.js) split thousands of generated texts
/// into the same tokens: what a reader types finds what the index holds.
#[test]
fn javascript_tokenizer_agrees_with_rust_on_generated_text() {
    const ALPHABET: &[&str] = &[
        "a", "Z", "é", "É", "ß", "ø", "ı", "İ", "ǅ", "ﬁ", "Ω", "я", "Ж", "ά", "\u{301}", "\u{308}",
        "\u{93c}", "क", "ก", "ع", "提", "现", "失", "败", "の", "カ", "ｶ", "한", "ｓ", "Ａ", "０",
        "5", "9", "½", "²", "㎏", "①", ".", ",", "'", "\u{2019}", "-", "_", " ", "\u{3000}", "\n",
        "\t", "，", "。", "🎉", "\u{200d}", "\u{feff}", "\u{0}", "&", "<", "#", "™",
    ];
    let mut g = Gen(0x243f6a8885a308d3);
    let cases: Vec<serde_json::Value> = (0..3_000)
        .map(|_| {
            let len = g.below(40);
            let input: String = (0..len)
                .map(|_| ALPHABET[g.below(ALPHABET.len())])
                .collect();
            let tokens = quire::fuzzing::search_tokens(&input).0;
            serde_json::json!({ "input": input, "tokens": tokens })
        })
        .collect();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        serde_json::json!({ "tokenize": cases }).to_string(),
    )
    .unwrap();
    let Some((ok, output)) = node("tokenizer.mjs", &[file.path().to_str().unwrap()]) else {
        return;
    };
    assert!(ok, "{output}");
    println!("{}", output.trim());
}

#[test]
fn fixture_queries_rank_the_expected_page_first() {
    let site = fixture();
    let public = site.path("public");
    let queries = site.path("queries.tsv");
    let Some((ok, output)) = node(
        "eval.mjs",
        &[public.to_str().unwrap(), queries.to_str().unwrap()],
    ) else {
        return;
    };
    assert!(ok, "{output}");
    assert!(
        output.contains("first: 25/25,"),
        "every query must rank its page first:\n{output}"
    );
}

/// The top five results (`path#id`) of each query on the site built in `public`, ranked by
/// search.js in node; `None` where node is missing.
fn top_results(public: &Path, queries: &[&str]) -> Option<Vec<Vec<String>>> {
    let mut args = vec![public.to_str().unwrap()];
    args.extend(queries);
    let (ok, output) = node("query.mjs", &args)?;
    assert!(ok, "{output}");
    let urls = output.lines().map(|line| {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let results = v["results"].as_array().unwrap().iter();
        results
            .map(|r| r["url"].as_str().unwrap().to_owned())
            .collect()
    });
    Some(urls.collect())
}

/// A CJK character inside a run is indexed only through its bigrams: a query of one character
/// finds the pages of the bigrams it starts, most frequent first, and a character that stands
/// alone is indexed as itself. A bigram found nowhere (a typo) falls back to what its
/// characters start.
#[test]
fn one_character_queries_find_the_bigrams_it_starts() {
    let site = TestSite::new()
        .file(
            "content/withdraw.md",
            page(
                "提现指南",
                "提现需要验证身份。\n\n提现到账一般要一天，提现失败时检查余额。",
            ),
        )
        .file("content/hint.md", page("界面说明", "页面会显示提示信息。"))
        .file(
            "content/lock.md",
            page("账户状态", "状态一栏显示“锁”时，暂时不能登录。"),
        )
        .file("content/other.md", page("其他", "与此无关的内容。"));
    site.build().ok();
    let Some(urls) = top_results(&site.path("public"), &["提", "锁", "提先", "示"]) else {
        return;
    };
    assert_eq!(urls[0][..2], ["withdraw/", "hint/"], "提: 提现, then 提示");
    assert_eq!(urls[1], ["lock/"], "锁 stands alone in one page");
    assert_eq!(
        urls[2][0], "withdraw/",
        "提先, found nowhere, falls back to 提现"
    );
    assert_eq!(
        urls[3],
        ["hint/"],
        "示 starts 示提 and 示信; it only ends 显示 on the lock page"
    );
}

#[test]
fn help_site_queries_find_their_articles() {
    let site = copy_tree(TestSite::bare(), "content", "content/")
        .file("site.yaml", include_str!("../site.yaml"));
    site.build().ok();
    let public = site.path("public");
    let Some(urls) = top_results(&public, &["提现", "账户被盗", "客服电话"]) else {
        return;
    };
    assert!(
        urls[0][0].starts_with("faq/withdrawal-failed/"),
        "提现: {:?}",
        urls[0]
    );
    assert!(
        urls[1][0].starts_with("faq/account-stolen/"),
        "账户被盗: {:?}",
        urls[1]
    );
    for calling in ["faq/calling-efficiently/", "guide/when-to-call/"] {
        assert!(
            urls[2].iter().any(|u| u.starts_with(calling)),
            "客服电话 should find {calling}: {:?}",
            urls[2]
        );
    }
}

/// The help site (both languages), with an English page in the Chinese tree and a page titled
/// with HTML, built under a sub-path (`www/help/`) and served over loopback; queries are typed
/// into the box in Chromium.
#[test]
fn typed_queries_show_the_right_articles_in_chromium() {
    let Some(script) = common::browser::node_script_or_skip("search.mjs") else {
        return;
    };
    let site = copy_tree(TestSite::bare(), "content", "content/")
        .file("site.yaml", include_str!("../site.yaml"))
        .file(
            "content/guide/english-help.md",
            "---\ntitle: Getting help in English\n---\n\nIf a withdrawal failed, check the balance first, then contact official support.\n",
        )
        .file(
            "content/guide/escaping.md",
            "---\ntitle: \"<img src=x onerror=alert(1)>\"\n---\n\n这一页的标题是一段 HTML，搜索结果必须把它当作文字显示。\n",
        );
    site.quire(&["build", "--output", "www/help"]).ok();
    let server = common::browser::serve_dir(&site.path("www"));
    let queries = [
        "提现",
        "账户被盗",
        "客服电话",
        "withdrawal failed",
        "onerror",
        "qqqzzz",
    ];
    let mut args = vec![server.url_for("help/faq/"), server.url_for("help/search/")];
    args.extend(queries.iter().map(|q| q.to_string()));
    let report = script.run(&args.iter().map(String::as_str).collect::<Vec<_>>());

    let hrefs = |q: &str| -> Vec<String> {
        report["results"][q]["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["href"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(report["slashFocuses"], true, "`/` focuses the box");
    assert!(
        hrefs("提现")[0].contains("/help/faq/withdrawal-failed/"),
        "{report}"
    );
    assert!(
        report["results"]["提现"]["list"][0]["marks"]
            .as_array()
            .unwrap()
            .contains(&"提现".into()),
        "{report}"
    );
    assert!(
        hrefs("账户被盗")[0].contains("/help/faq/account-stolen/"),
        "{report}"
    );
    for calling in [
        "/help/faq/calling-efficiently/",
        "/help/guide/when-to-call/",
    ] {
        assert!(
            hrefs("客服电话").iter().any(|h| h.contains(calling)),
            "客服电话 finds {calling}: {report}"
        );
    }
    assert!(
        hrefs("withdrawal failed")[0].contains("/help/guide/english-help/"),
        "{report}"
    );
    assert_eq!(
        report["results"]["onerror"]["list"][0]["title"],
        "<img src=x onerror=alert(1)>"
    );
    assert_eq!(report["imagesInResults"], 0, "content is shown as text");
    assert_eq!(report["dialogs"], serde_json::json!([]));
    assert_eq!(
        report["results"]["qqqzzz"]["empty"],
        "没有找到结果，请换个说法或减少关键词。"
    );
    assert!(
        report["enterOpens"]
            .as_str()
            .unwrap()
            .contains("/help/faq/withdrawal-failed/"),
        "{report}"
    );
    assert!(
        report["linked"][0]
            .as_str()
            .unwrap()
            .contains("/help/faq/withdrawal-failed/"),
        "search/?q= opens with results: {report}"
    );
    common::browser::assert_no_problems(&report["problems"], &report.to_string());

    // The English pages search the English index only: English words are found there, and
    // Chinese ones, which only the Chinese index holds, are not.
    let report = script.run(&[
        &server.url_for("help/en/faq/"),
        &server.url_for("help/en/search/"),
        "withdrawal",
        "提现",
    ]);
    let first = &report["results"]["withdrawal"]["list"][0];
    assert!(
        first["href"]
            .as_str()
            .unwrap()
            .contains("/help/en/faq/withdrawal-failed/"),
        "{report}"
    );
    assert_eq!(
        report["results"]["提现"]["empty"], "No results. Try fewer or different words.",
        "{report}"
    );
    assert!(
        report["linked"][0]
            .as_str()
            .unwrap()
            .contains("/help/en/faq/withdrawal-failed/"),
        "en/search/?q= opens with English results: {report}"
    );
    common::browser::assert_no_problems(&report["problems"], &report.to_string());
}

#[test]
fn search_can_be_turned_off() {
    let site = copy_tree(TestSite::bare(), "tests/search/fixture", "");
    let config = site.read("site.yaml") + "search: { enabled: false }\n";
    let site = site.file("site.yaml", config);
    site.build().ok();
    assert!(site.exists("public/settings/sync/index.html"));
    assert!(!site.exists("public/search"), "no index and no search page");
    let page = site.read("public/settings/sync/index.html");
    assert!(!page.contains("search-input"), "no search box: {page}");
}
