//! Fenced code blocks are highlighted at build time: spans with classes, numbered and marked
//! lines on request, plain code with a warning for unknown languages, and a switch to turn it off.

mod common;

use common::browser::{node_script_or_skip, serve_dir};
use common::{TestSite, page};

/// Builds a site whose only page is `body`; returns the page's HTML and what quire printed.
fn build_page(site: TestSite, body: &str) -> (String, String) {
    let site = site.file("content/a.md", page("A", body));
    let run = site.build().ok();
    (site.read("public/a/index.html"), run.stderr)
}

fn code_of(html: &str) -> &str {
    let start = html.find("<pre").expect("a code block");
    let end = html[start..].find("</pre>").expect("closed") + start;
    &html[start..end + "</pre>".len()]
}

#[test]
fn rust_and_python_tokens_get_classes() {
    let (html, stderr) = build_page(
        TestSite::new(),
        "```rust\n// add\nfn add(a: u32) -> u32 { a + 1 }\n```\n\n```py\ndef greet(name):\n    return \"hi \" + name  # say hi\n```\n",
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(html.contains(
        "<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\"><span class=\"tok-comment\">// add</span>\n\
         <span class=\"tok-keyword\">fn</span> <span class=\"tok-function\">add</span>("
    ), "{html}");
    assert!(
        html.contains(
            "(<span class=\"tok-variable\">a</span>: <span class=\"tok-keyword\">u32</span>)"
        ),
        "{html}"
    );
    assert!(
        html.contains("a + <span class=\"tok-constant\">1</span> }"),
        "{html}"
    );
    assert!(html.contains(
        "<pre class=\"code\" data-lang=\"py\"><code class=\"language-py\"><span class=\"tok-keyword\">def</span> <span class=\"tok-function\">greet</span>("
    ), "{html}");
    assert!(
        html.contains("<span class=\"tok-string\">&quot;hi &quot;</span>"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"tok-comment\"># say hi</span>"),
        "{html}"
    );
}

#[test]
fn toml_and_typescript_tokens_get_classes() {
    let (html, stderr) = build_page(
        TestSite::new(),
        "```toml\n# build\n[package]\nname = \"quire\"\nversion = 2\n```\n\n\
         ```typescript\ninterface User { name: string }\nexport function greet(user: User): string {\n  return `hi`;\n}\n```\n",
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(html.contains(
        "<pre class=\"code\" data-lang=\"toml\"><code class=\"language-toml\"><span class=\"tok-comment\"># build</span>\n\
         [<span class=\"tok-type\">package</span>]\n\
         <span class=\"tok-tag\">name</span> = <span class=\"tok-string\">&quot;quire&quot;</span>\n\
         <span class=\"tok-tag\">version</span> = <span class=\"tok-constant\">2</span>\n"
    ), "{html}");
    assert!(html.contains(
        "<code class=\"language-typescript\"><span class=\"tok-keyword\">interface</span> <span class=\"tok-type\">User</span> { name: <span class=\"tok-type\">string</span> }\n\
         <span class=\"tok-keyword\">export</span> <span class=\"tok-keyword\">function</span> <span class=\"tok-function\">greet</span>(<span class=\"tok-variable\">user</span>: <span class=\"tok-type\">User</span>)"
    ), "{html}");
    assert!(
        html.contains(
            "<span class=\"tok-keyword\">return</span> <span class=\"tok-string\">`hi`</span>;"
        ),
        "{html}"
    );
}

#[test]
fn typescript_tsx_and_docker_names_are_known() {
    let (html, stderr) = build_page(
        TestSite::new(),
        "```ts\nconst a: number = 1;\n```\n\n```tsx\nconst b = <div className=\"x\" />;\n```\n\n\
         ```dockerfile\nFROM rust AS build\n```\n\n```docker\nFROM rust\nRUN cargo build\n```\n",
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(
        html.contains(
            "<span class=\"tok-keyword\">const</span> a: <span class=\"tok-type\">number</span>"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "&lt;<span class=\"tok-tag\">div</span> <span class=\"tok-attribute\">className</span>="
        ),
        "{html}"
    );
    assert!(
        html.contains("<code class=\"language-dockerfile\"><span class=\"tok-keyword\">FROM</span> rust <span class=\"tok-keyword\">AS</span> build\n"),
        "{html}"
    );
    assert!(
        html.contains("<code class=\"language-docker\"><span class=\"tok-keyword\">FROM</span> rust\n<span class=\"tok-keyword\">RUN </span>cargo build\n"),
        "{html}"
    );
}

#[test]
fn numbered_and_marked_lines() {
    let (html, _) = build_page(
        TestSite::new(),
        "```python,linenos,hl_lines=2-3\na = 1\nb = 2\nc = 3\nd = 4\n```\n\n```js,linenostart=9,hl_lines=2\nx\ny\n```\n",
    );
    let first = code_of(&html);
    let lines: Vec<&str> = first.split("<span class=\"line").skip(1).collect();
    assert_eq!(lines.len(), 4, "{first}");
    assert!(
        first.contains("<code class=\"language-python linenos\">"),
        "{first}"
    );
    assert!(lines[0].starts_with("\" data-n=\"1\">"), "{first}");
    assert!(lines[1].starts_with(" mark\" data-n=\"2\">"), "{first}");
    assert!(lines[2].starts_with(" mark\" data-n=\"3\">"), "{first}");
    assert!(lines[3].starts_with("\" data-n=\"4\">"), "{first}");
    let second = code_of(&html[html.find("data-lang=\"js\"").unwrap() - 20..]);
    assert!(second.contains("<span class=\"line\" data-n=\"9\">x\n</span><span class=\"line mark\" data-n=\"10\">y\n</span>"), "{second}");
}

#[test]
fn unknown_language_is_plain_with_a_warning_at_the_fence() {
    let (html, stderr) = build_page(
        TestSite::new(),
        "Intro.\n\n```klingon\nqaStaH <b>nuq</b>\n```\n",
    );
    assert!(
        html.contains("<pre class=\"code\" data-lang=\"klingon\"><code class=\"language-klingon\">qaStaH &lt;b&gt;nuq&lt;/b&gt;\n</code></pre>"),
        "{html}"
    );
    assert!(
        stderr.contains(
            "warning: unknown language `klingon` in this code block; it is shown without colours\n  --> content/a.md:7:1\n  |\n7 | ```klingon\n  | ^\n  = help: run `quire languages` for the names quire knows, or write ```text for code that needs no colours"
        ),
        "{stderr}"
    );
}

#[test]
fn bad_options_warn_and_plain_text_does_not() {
    let (html, stderr) = build_page(
        TestSite::new(),
        "```text\nplain <i>\n```\n\n```\nno language\n```\n\n```rust,wrap\nfn f() {}\n```\n",
    );
    assert!(
        html.contains("<code class=\"language-text\">plain &lt;i&gt;\n</code>"),
        "{html}"
    );
    assert!(
        !html.contains("<span class=\"tok-keyword\">plain"),
        "{html}"
    );
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
    assert!(
        stderr.contains("warning: unknown code block option `wrap`\n  --> content/a.md:13:1"),
        "{stderr}"
    );
    assert!(stderr.contains("= help: after the language, write options separated by commas: `linenos`, `linenostart=N`, `hl_lines=2-3 5`"), "{stderr}");
}

#[test]
fn script_tags_in_code_stay_text() {
    let (html, _) = build_page(
        TestSite::new(),
        "```html\n<script>alert(1)</script>\n```\n\n```js\nlet s = '</script><script>x()';\n```\n",
    );
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("</script><script>x()"), "{html}");
    assert!(
        html.contains(
            "&lt;<span class=\"tok-tag\">script</span>&gt;<span class=\"tok-function\">alert</span>"
        ),
        "{html}"
    );
    assert!(
        html.contains("&#39;&lt;/script&gt;&lt;script&gt;x()&#39;"),
        "{html}"
    );
}

#[test]
fn highlighting_can_be_turned_off() {
    let site = TestSite::bare().file("site.yaml", "title: T\nhighlight_code: false\n");
    let (html, stderr) = build_page(site, "```rust\nfn main() {}\n```\n\n```klingon\nx\n```\n");
    assert!(
        html.contains("<code class=\"language-rust\">fn main() {}\n</code>"),
        "{html}"
    );
    assert!(!html.contains("tok-"), "{html}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn languages_lists_names_and_aliases() {
    let run = TestSite::new().quire(&["languages"]).ok();
    for line in [
        "Rust: rust, rs",
        "Python: python, py,",
        "Bourne Again Shell (bash): sh,",
        "YAML: yaml, yml",
        "TOML: toml,",
        "TypeScript: typescript, ts,",
        "TypeScriptReact: typescriptreact, tsx",
        "Dockerfile: dockerfile, .Dockerfile, docker",
        "Plain text (no colours): text, plain, plaintext, txt",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
    assert!(run.stdout.contains("console"), "{}", run.stdout);
}

/// Needs Chromium and tests/browser/node_modules (skips without them, unless CI requires them).
#[test]
fn copied_code_has_no_line_numbers_and_long_lines_scroll_inside_the_block() {
    let Some(code_copy) = node_script_or_skip("code-copy.mjs") else {
        return;
    };
    let site = TestSite::new()
        .file(
            "content/a.md",
            page(
                "A",
                "```rust,linenos,hl_lines=2\nfn main() {\n    let s = \"a line far too long for a phone screen, so it has to scroll\";\n}\n```\n",
            ),
        )
        .file("static/favicon.ico", "");
    site.build().ok();
    let server = serve_dir(&site.path("public"));
    let report = code_copy.run(&[&server.url_for("a/")]);
    common::browser::assert_no_problems(&report, "/a/");
    assert_eq!(
        report["copied"],
        "fn main() {\n    let s = \"a line far too long for a phone screen, so it has to scroll\";\n}",
        "the code, line by line, without its numbers"
    );
    assert_eq!(report["pageScrollWidth"], report["innerWidth"], "{report}");
    assert_eq!(report["preScrolls"], true, "{report}");
    // --tok-keyword of the light and the dark palette.
    assert_eq!(report["keyword"]["light"], "rgb(196, 32, 58)", "{report}");
    assert_eq!(report["keyword"]["dark"], "rgb(255, 123, 114)", "{report}");
}
