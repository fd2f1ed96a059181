//! End-to-end proof of the browser harness: build a small site with the real binary, serve it
//! over loopback and load its pages in headless Chromium.

mod common;

use common::TestSite;
use common::browser::{node_script_or_skip, serve_dir};

#[test]
fn built_pages_load_in_chromium_with_their_titles_and_no_failed_requests() {
    let Some(page_report) = node_script_or_skip("page-report.mjs") else {
        return;
    };
    let site = TestSite::bare()
        .file("site.yaml", "title: 烟雾测试\nlanguage: zh-CN\n")
        .file("content/_index.md", common::page("首页", "欢迎。"))
        .file("content/guide/_index.md", common::page("指南", ""))
        .file(
            "content/guide/first-steps.md",
            common::page("第一步", "# 第一步\n\n正文。"),
        )
        // Chromium fetches /favicon.ico by itself; a site without one logs a 404 on every page.
        .file("static/favicon.ico", "");
    site.build().ok();

    let server = serve_dir(&site.path("public"));
    for (path, title) in [
        ("", "首页 - 烟雾测试"),
        ("guide/first-steps/", "第一步 - 烟雾测试"),
    ] {
        let report = page_report.run(&[&server.url_for(path), "375", "667"]);
        assert_eq!(report["title"], title, "title of /{path}");
        common::browser::assert_no_problems(&report, &format!("/{path}"));
    }
}
