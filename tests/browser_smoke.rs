//! End-to-end proof of the browser harness: build a small site with the real binary, serve it
//! over loopback and load its pages in headless Chromium.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::browser::{node_script_or_skip, serve_dir};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn built_pages_load_in_chromium_with_their_titles_and_no_failed_requests() {
    let Some(page_report) = node_script_or_skip("page-report.mjs") else {
        return;
    };
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    write(root, "site.yaml", "title: 烟雾测试\nlanguage: zh-CN\n");
    write(root, "content/_index.md", "---\ntitle: 首页\n---\n欢迎。\n");
    // Chromium fetches /favicon.ico by itself; a site without one logs a 404 on every page.
    write(root, "static/favicon.ico", "");
    write(root, "content/guide/_index.md", "---\ntitle: 指南\n---\n");
    write(
        root,
        "content/guide/first-steps.md",
        "---\ntitle: 第一步\n---\n# 第一步\n\n正文。\n",
    );
    let build = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["build", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "quire build failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );

    let server = serve_dir(&root.join("public"));
    for (path, title) in [
        ("", "首页 - 烟雾测试"),
        ("guide/first-steps/", "第一步 - 烟雾测试"),
    ] {
        let report = page_report.run(&[&server.url_for(path), "375", "667"]);
        assert_eq!(report["title"], title, "title of /{path}");
        for problem in [
            "failedRequests",
            "badResponses",
            "consoleErrors",
            "pageErrors",
        ] {
            assert_eq!(
                report[problem],
                serde_json::json!([]),
                "{problem} on /{path}"
            );
        }
    }
}
