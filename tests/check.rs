//! `quire check` and the hotline guard: one small site with one of each problem gives exactly
//! the expected report; a corpus of phone numbers and look-alikes measures the guard.

mod common;

use common::{TestSite, page};

/// A site with one of each problem `quire check` knows.
fn site_with_every_problem() -> TestSite {
    TestSite::bare()
        .file(
            "site.yaml",
            "title: T\nbase_url: https://example.org/\ncontacts:\n  - id: support\n    name: Official support\n    phone: \"+00 0000 0000\"\n",
        )
        .file(
            "content/faq/a.md",
            "---\ntitle: A\n---\n\n[gone](missing.md)\n\n[anchor](b.md#nowhere)\n\n![](pic.png)\n\n[site url](/faq/nope/)\n\n## Same {#x}\n\n## Again {#x}\n\n[pic](pic.png) 客服电话：400-000-0000\n\n<contact:unknown>\n",
        )
        .file("content/faq/pic.png", "png")
        .file("content/faq/b.md", "---\ntitle: B\ndate: 2026-13-01\n---\n")
        .file("content/faq/c.md", "---\ntitle: C\nweight: heavy\n---\n")
}

/// The first line and the `-->` place of every diagnostic in a report.
fn headline_and_place(report: &str) -> Vec<&str> {
    report
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning") || l.starts_with("  -->"))
        .collect()
}

#[test]
fn reports_every_problem_with_file_line_and_hint() {
    let site = site_with_every_problem();
    let run = site.quire(&["check"]).failed();
    let lines = headline_and_place(&run.stderr);
    assert_eq!(
        lines,
        [
            "error: `date: 2026-13-01` is not a date",
            "  --> content/faq/b.md:3:1",
            "error: invalid front matter: weight: invalid type: string \"heavy\", expected i64",
            "  --> content/faq/c.md:3:9",
            "error: the contact `support` has no source",
            "  --> site.yaml:4:1",
        ],
        "first the errors that stop loading:\n{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("= help: add `source:` with the official page")
    );
    assert!(run.stderr.trim_end().ends_with("3 errors"));

    // Once those are fixed, the rendering checks all report together.
    site.write("site.yaml", "title: T\nbase_url: https://example.org/\nchecks: { links: error }\ncontacts:\n  - id: support\n    name: Official support\n    phone: \"+00 0000 0000\"\n    source: https://example.org/contact\n");
    site.write("content/faq/b.md", "---\ntitle: B\ndate: 2026-11-01\n---\n");
    site.write("content/faq/c.md", "---\ntitle: C\nweight: 3\n---\n");
    let run = site.quire(&["check"]).failed();
    let lines = headline_and_place(&run.stderr);
    assert_eq!(
        lines,
        [
            "error: the link `missing.md` points to a page that does not exist",
            "  --> content/faq/a.md:5:1",
            "error: the link `b.md#nowhere` points to a heading `#nowhere` that does not exist",
            "  --> content/faq/a.md:7:1",
            "warning: this image has no alt text",
            "  --> content/faq/a.md:9:1",
            "error: the link `/faq/nope/` points to nothing in this site",
            "  --> content/faq/a.md:11:1",
            "error: the heading id `x` is used twice on this page",
            "  --> content/faq/a.md:15:1",
            "error: this looks like a 400/800 hotline number: `400-000-0000`",
            "  --> content/faq/a.md:17:21",
            "error: unknown contact `unknown` (declared: support)",
            "  --> content/faq/a.md:19:1",
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "17 | [pic](pic.png) 客服电话：400-000-0000\n   | {}^",
            " ".repeat(25)
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.trim_end().ends_with("6 errors, 1 warning"));
    assert!(!site.exists("public"), "check writes nothing");
}

#[test]
fn phone_numbers_are_errors_unless_site_yaml_lowers_them_to_warnings() {
    let site = TestSite::new().file(
        "content/a.md",
        page("A", "The example in this README: call +44 1234567."),
    );
    let run = site.quire(&["check"]).failed();
    assert!(
        run.stderr
            .contains("error: this looks like an international phone number: `+44 1234567`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("may set `checks: { phone_numbers: warning }`"),
        "the error says how a site of example numbers lowers it: {}",
        run.stderr
    );
    site.write("site.yaml", "title: T\nchecks:\n  phone_numbers: warning\n");
    let run = site.build().ok();
    assert!(
        run.stderr
            .contains("warning: this looks like an international phone number: `+44 1234567`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> content/a.md:5:34"),
        "{}",
        run.stderr
    );
    site.quire(&["build", "--strict"]).failed();
}

#[test]
fn warnings_pass_unless_strict_and_unreachable_pages_warn() {
    let site = TestSite::new()
        .file("templates/index.html", "home")
        .file("content/lonely.md", page("Lonely", "![](x.png)"))
        .file("content/x.png", "png");
    let run = site.quire(&["check"]).ok();
    assert!(
        run.stdout
            .contains("Checked 1 page, 1 section: no errors, 2 warnings"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("warning: no link leads to this page"));
    assert!(run.stderr.contains("--> content/lonely.md"));
    let run = site.quire(&["check", "--strict"]).failed();
    assert!(
        run.stderr.trim_end().ends_with("0 errors, 2 warnings"),
        "{}",
        run.stderr
    );
    site.quire(&["build"]).ok();
    site.quire(&["build", "--strict"]).failed();
}

#[test]
fn build_fails_on_a_phone_number_in_front_matter_or_site_yaml() {
    let site = TestSite::new().file("content/a.md", "---\ntitle: 拨打 95000 咨询\n---\n");
    let run = site.build().failed();
    assert!(
        run.stderr
            .contains("this looks like a 95xxx/96xxx service number: `95000`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> content/a.md:2:11"),
        "{}",
        run.stderr
    );
    let site = TestSite::bare()
        .file("site.yaml", "title: T\ndescription: 热线 010-0000-0000\n")
        .file("content/a.md", page("A", "a"));
    let run = site.build().failed();
    assert!(run.stderr.contains("--> site.yaml:2:17"), "{}", run.stderr);
}

#[test]
fn code_blocks_are_not_checked_but_inline_code_is() {
    let site = TestSite::new().file(
        "content/a.md",
        page("A", "```text\n-rw-r--r-- 1 root root 13800000000 Nov 24 ls.txt\ncall 4000000000\n```\n\n    indented 13900000000\n"),
    );
    site.quire(&["check"]).ok();
    site.write(
        "content/a.md",
        page(
            "A",
            "```text\nok 13800000000\n```\n\n客服电话 `400-000-0000`\n",
        ),
    );
    let run = site.quire(&["check"]).failed();
    assert!(
        run.stderr
            .contains("this looks like a 400/800 hotline number: `400-000-0000`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.trim_end().ends_with("1 error"), "{}", run.stderr);
}

#[test]
fn link_labels_naming_their_address_are_not_checked() {
    // A changelog's commits and pull requests, labelled by the hash or number in their URL.
    let changelog = "* [`0847954331`](https://github.com/o/r/commit/0847954331) - deps: update\n\
        * [`96597bc`](https://github.com/o/r/commit/96597bc5927c57) - [#95123](https://github.com/o/r/pull/95123)\n";
    let site = TestSite::new().file("content/a.md", page("A", changelog));
    site.quire(&["check"]).ok();
    // A number shown as the label of a page that does not name it is still a number to dial.
    site.write(
        "content/a.md",
        page(
            "A",
            "[`0847954331`](https://example.org/contact) or [95123](https://example.org/a95123)\n",
        ),
    );
    let run = site.quire(&["check"]).failed();
    assert!(
        run.stderr
            .contains("this looks like a landline number: `0847954331`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("service number: `95123`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.trim_end().ends_with("2 errors"),
        "{}",
        run.stderr
    );
}

#[test]
fn declared_contacts_render_as_tel_links() {
    let site = TestSite::bare()
        .file(
            "site.yaml",
            "title: T\ncontacts:\n  - id: support\n    name: 官方客服\n    phone: \"+00 0000 0000\"\n    source: https://example.org/contact\n",
        )
        .file("content/a.md", page("A", "请拨打 <contact:support>。"));
    site.build().ok();
    let html = site.read("public/a/index.html");
    assert!(html.contains("<a class=\"contact\" href=\"tel:+0000000000\"><span class=\"contact-name\">官方客服</span> <span class=\"contact-number\">+00 0000 0000</span></a>"), "{html}");
}

/// Written forms of phone numbers the guard must catch (all fictional).
const PHONE_FORMS: &[&str] = &[
    "13800000000",
    "138 0000 0000",
    "138-0000-0000",
    "+86 138 0000 0000",
    "+86-13800000000",
    "008613800000000",
    "４００－０００－００００",
    "400 000 0000",
    "4000000000",
    "800-000-0000",
    "95000",
    "96000",
    "010-00000000",
    "(010) 0000 0000",
    "（０２１）０００００００",
    "0755-0000000",
    "075500000000",
    "+1 (555) 000-0000",
    "+44 20 0000 0000",
    "客服电话 12300",
    "请致电 0000000",
    "热线：1234567",
    "[拨打](tel:95000)",
    "138.0000.0000",
];

/// Numbers that look a little like phone numbers but are not.
const LOOK_ALIKES: &[&str] = &[
    "2026-11-24",
    "2026/11/24",
    "20261124",
    "¥13800000000",
    "13800000000 元",
    "金额 4000000000 元",
    "12,345,678.90",
    "1,380,000,000",
    "订单号 13800000000",
    "订单号：4000000000",
    "交易流水号 20261124000001",
    "版本 10.0.19045",
    "v1.2.3",
    "192.168.100.200",
    "3.1415926535",
    "时间 12:30:45",
    "第 95000 位用户",
    "50%",
    "ISBN 978-7-000-00000-0",
    "UTF-8",
    "2026 年 11 月 24 日",
    "共 96000 人",
    "1080px",
    "step 3 of 10",
    "commit 96165f9be2",
    "95814f2b08",
    "build_96000_x",
];

#[test]
fn phone_corpus_hits_and_near_misses() {
    let hits = PHONE_FORMS
        .iter()
        .filter(|t| !quire::hotline::scan(t).is_empty())
        .count();
    let false_alarms: Vec<&&str> = LOOK_ALIKES
        .iter()
        .filter(|t| !quire::hotline::scan(t).is_empty())
        .collect();
    println!(
        "hotline guard: caught {hits} of {} phone forms; {} false alarms in {} look-alikes",
        PHONE_FORMS.len(),
        false_alarms.len(),
        LOOK_ALIKES.len()
    );
    let missed: Vec<&&str> = PHONE_FORMS
        .iter()
        .filter(|t| quire::hotline::scan(t).is_empty())
        .collect();
    assert!(missed.is_empty(), "missed phone numbers: {missed:?}");
    assert!(false_alarms.is_empty(), "false alarms: {false_alarms:?}");
}

#[test]
fn external_links_are_checked_only_when_asked() {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let handle = std::thread::spawn(move || {
        // Answers until the check is done: one request per distinct URL (HEAD), bounded.
        for request in server.incoming_requests().take(2) {
            let status = if request.url() == "/ok" { 200 } else { 404 };
            request.respond(tiny_http::Response::empty(status)).unwrap();
        }
    });
    let body = format!("[ok](http://127.0.0.1:{port}/ok) [dead](http://127.0.0.1:{port}/dead)");
    let site = TestSite::new().file("content/_index.md", page("Home", &body));
    site.quire(&["check"]).ok();
    let run = site.quire(&["check", "--external"]).failed();
    handle.join().unwrap();
    assert!(
        run.stderr.contains(&format!(
            "the external link `http://127.0.0.1:{port}/dead` answers with HTTP status 404"
        )),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("/ok`"));
    assert!(run.stderr.trim_end().ends_with("1 error"));
}
