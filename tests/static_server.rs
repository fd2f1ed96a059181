//! The loopback server browser tests load built sites from behaves like a static host, so a
//! browser test fails because of the site, never because of its server.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::TestSite;
use common::browser::serve_dir;

/// Sends a raw request line (no client-side path clean-up) and returns the whole response.
fn get(base_url: &str, target: &str) -> String {
    let host = base_url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serves_files_folders_and_404_like_a_static_host_and_nothing_outside_its_folder() {
    let site = TestSite::bare()
        .file("secret.txt", "outside")
        .file("public/index.html", "<p>home</p>")
        .file("public/404.html", "<p>lost</p>")
        .file("public/常见问题/index.html", "<p>faq</p>")
        .file("public/style.css", "p{}");
    let server = serve_dir(&site.path("public"));
    let url = server.url();

    let home = get(url, "/");
    assert!(home.starts_with("HTTP/1.1 200"), "{home}");
    assert!(home.contains("text/html; charset=utf-8"), "{home}");
    assert!(home.ends_with("<p>home</p>"), "{home}");

    let css = get(url, "/style.css");
    assert!(css.contains("text/css; charset=utf-8"), "{css}");

    let faq = get(url, "/%E5%B8%B8%E8%A7%81%E9%97%AE%E9%A2%98/");
    assert!(faq.ends_with("<p>faq</p>"), "{faq}");

    let no_slash = get(url, "/%E5%B8%B8%E8%A7%81%E9%97%AE%E9%A2%98?q=1");
    assert!(no_slash.starts_with("HTTP/1.1 301"), "{no_slash}");
    assert!(
        no_slash.contains("Location: /%E5%B8%B8%E8%A7%81%E9%97%AE%E9%A2%98/"),
        "{no_slash}"
    );

    let missing = get(url, "/nowhere/");
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    assert!(missing.ends_with("<p>lost</p>"), "{missing}");

    for escape in ["/../secret.txt", "/%2E%2E/secret.txt", "/..%2Fsecret.txt"] {
        let refused = get(url, escape);
        assert!(refused.starts_with("HTTP/1.1 404"), "{escape}: {refused}");
        assert!(!refused.contains("outside"), "{escape}: {refused}");
    }
}
