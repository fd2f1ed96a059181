//! Every page quire writes is valid HTML5 by the Nu HTML Checker, the same one browsers'
//! vendors test against: markdown features, sections, the home page, 404, tag pages and
//! redirect pages included.

mod common;

use common::TestSite;
use common::browser::html_validator_or_skip;

#[test]
fn every_built_page_is_valid_html5() {
    let Some(validator) = html_validator_or_skip() else {
        return;
    };
    let body = "## 表格与代码\n\n| 项目 | 说明 |\n|---|---|\n| 提现 | 到账时间 |\n\n\
                ```rust\nfn main() {}\n```\n\n> [!NOTE]\n> 请通过官方渠道联系客服。\n\n\
                - [常见问题](_index.md)\n- 脚注引用[^1]\n\n[^1]: 脚注内容。\n";
    let site = TestSite::bare()
        .file("site.yaml", "title: 校验站点\nlanguage: zh-CN\n")
        .file("content/_index.md", common::page("首页", "欢迎。"))
        .file("content/faq/_index.md", common::page("常见问题", "问答。"))
        .file(
            "content/faq/withdrawal.md",
            format!(
                "---\ntitle: 提现失败\ntags: [提现, 账户安全]\naliases: [/旧/提现/]\n---\n\n{body}"
            ),
        );
    site.build().ok();
    let errors = validator.errors(&site.path("public"));
    assert!(errors.is_empty(), "invalid HTML:\n{errors}");
}
