//! The HTTP side of `quire serve`: a small fixed pool of workers answers from the in-memory
//! site, so a request can only ever name a file of the last good build (nothing is looked up
//! on disk, which is what makes `..` and friends harmless; they are still refused by name).

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, RwLock};

use tiny_http::{Header, Method, Request, Response, Server};

use super::live::{self, Hub};
use crate::url::decode_path;

/// Longer request targets get 414: no page of a site needs more.
pub(crate) const MAX_URL: usize = 8 * 1024;
/// Workers answering requests; a poll that waits gets a thread of its own.
const WORKERS: usize = 4;
/// Where the live-reload script and its endpoint live, below the base path.
const LIVE_DIR: &str = "__quire/";

/// A file of the built site, ready to send.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Body {
    pub bytes: Arc<[u8]>,
    pub content_type: &'static str,
}

/// The last good build, as served.
#[derive(Default, Clone)]
pub(crate) struct SiteFiles {
    /// Output path (`faq/a/index.html`) -> file.
    pub files: HashMap<String, Body>,
    /// The path of base_url, always with slashes on both ends (`/help/`).
    pub base_path: String,
    /// Counts the good builds published; an index merged for an older one is not swapped in.
    pub build: u64,
    /// The files of the search index among `files` (merged after the pages: see search_index.rs).
    pub index: Vec<String>,
}

/// What the server holds: the site and the live-reload hub.
pub(crate) struct Served {
    pub site: RwLock<Arc<SiteFiles>>,
    pub hub: Hub,
    /// Held while a new site is made from the current one and swapped in.
    pub publishing: Mutex<()>,
    /// Bound to loopback: requests must name a loopback host (see `names_loopback`).
    pub loopback_only: bool,
}

impl Served {
    pub fn site(&self) -> Arc<SiteFiles> {
        self.site.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// What to answer, decided from the method and the request target alone.
#[derive(Debug, PartialEq)]
pub(crate) enum Route {
    /// A file of the site; `status` is 404 for the site's not-found page.
    File {
        status: u16,
        body: Body,
    },
    Redirect(String),
    LiveScript,
    /// A live-reload poll: `?instance=..&since=..&wait=..`.
    Poll {
        instance: String,
        since: u64,
        wait: bool,
    },
    /// No build has succeeded yet: a page that shows the error and waits for the fix.
    NotBuilt,
    Error(u16, &'static str),
}

/// The content type for a file name, with a charset for every text type.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" | "markdown" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        _ => "application/octet-stream",
    }
}

/// Decides the answer to `method url` from the site alone.
pub(crate) fn route(site: &SiteFiles, method: &Method, url: &str) -> Route {
    if url.len() > MAX_URL {
        return Route::Error(414, "URI Too Long");
    }
    if !matches!(method, Method::Get | Method::Head) {
        return Route::Error(405, "Method Not Allowed");
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    if !path.starts_with('/') {
        return Route::Error(400, "Bad Request");
    }
    let Some(rest) = path.strip_prefix(site.base_path.as_str()) else {
        // The site lives below its base path; `/` and `/help` lead there.
        if path == "/" || format!("{path}/") == site.base_path {
            return Route::Redirect(site.base_path.clone());
        }
        return not_found(site);
    };
    match rest.strip_prefix(LIVE_DIR) {
        Some("live.js") => return Route::LiveScript,
        Some("live") => return poll_route(query),
        _ => {}
    }
    if site.files.is_empty() {
        return Route::NotBuilt;
    }
    let Some(decoded) = decode_path(rest) else {
        return Route::Error(400, "Bad Request");
    };
    if leaves_the_site(&decoded) {
        return Route::Error(403, "Forbidden");
    }
    let file = if decoded.is_empty() || decoded.ends_with('/') {
        format!("{decoded}index.html")
    } else {
        decoded
    };
    if let Some(body) = site.files.get(&file) {
        return Route::File {
            status: 200,
            body: body.clone(),
        };
    }
    // A folder asked for without its slash: relative links inside it need the slash.
    if site.files.contains_key(&format!("{file}/index.html")) {
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        return Route::Redirect(format!("{path}/{query}"));
    }
    not_found(site)
}

fn not_found(site: &SiteFiles) -> Route {
    match site.files.get("404.html") {
        Some(body) => Route::File {
            status: 404,
            body: body.clone(),
        },
        None => Route::Error(404, "Not Found"),
    }
}

/// A decoded path that would step out of the site were it ever looked up on disk.
fn leaves_the_site(path: &str) -> bool {
    let drive = path.as_bytes().get(1) == Some(&b':') && path.as_bytes()[0].is_ascii_alphabetic();
    path.starts_with('/')
        || drive
        || path.contains(['\\', '\0'])
        || path
            .split('/')
            .any(|segment| segment == ".." || segment == ".")
}

fn poll_route(query: &str) -> Route {
    let mut instance = String::new();
    let mut since = None;
    let mut wait = false;
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("instance", v)) => instance = decode_path(v).unwrap_or_default(),
            Some(("since", v)) => since = v.parse().ok(),
            Some(("wait", v)) => wait = v == "1",
            _ => {}
        }
    }
    match since {
        Some(since) => Route::Poll {
            instance,
            since,
            wait,
        },
        None => Route::Error(400, "Bad Request"),
    }
}

/// Starts the workers; they run until the process ends.
pub(crate) fn start(server: Arc<Server>, served: Arc<Served>) {
    for _ in 0..WORKERS {
        let (server, served) = (server.clone(), served.clone());
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                // A bug answering one request must not take a worker down; the dropped
                // request is answered 500 by tiny_http.
                let _ = std::panic::catch_unwind(AssertUnwindSafe(|| answer(request, &served)));
            }
        });
    }
}

fn answer(request: Request, served: &Arc<Served>) {
    if served.loopback_only && !request_names_loopback(&request) {
        // A DNS-rebinding page reaches 127.0.0.1 under its own host name; a browser sends
        // that name, so refusing it keeps other sites from reading the dev server.
        let reason = b"quire serve answers only requests for localhost or a loopback address";
        let _ = request.respond(respond(421, "text/plain; charset=utf-8", reason.to_vec()));
        return;
    }
    let site = served.site();
    let route = route(&site, request.method(), request.url());
    let response = match route {
        Route::File { status, body } => {
            let bytes = match body.content_type.starts_with("text/html") {
                true => live::inject(&body.bytes, &live::script_tag(&site.base_path, &served.hub)),
                false => body.bytes.to_vec(),
            };
            respond(status, body.content_type, bytes)
        }
        Route::Redirect(location) => respond(
            308,
            "text/plain; charset=utf-8",
            b"Permanent Redirect".to_vec(),
        )
        .with_header(header("Location", &location)),
        Route::NotBuilt => {
            let page = format!(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>quire serve</title></head><body><p>The site does not build yet; the error is shown above. This page reloads when it is fixed.</p>{}</body></html>",
                live::script_tag(&site.base_path, &served.hub)
            );
            respond(503, "text/html; charset=utf-8", page.into_bytes())
        }
        Route::LiveScript => respond(
            200,
            "text/javascript; charset=utf-8",
            live::SCRIPT.as_bytes().to_vec(),
        ),
        Route::Poll {
            instance,
            since,
            wait,
        } => {
            // A waiting poll holds its own thread, so the workers stay free for pages.
            let served = served.clone();
            // Without a thread to spare the request is dropped, which tiny_http answers 500.
            let _ = std::thread::Builder::new().spawn(move || {
                let _ = request.respond(poll_response(&served.hub, &instance, since, wait));
            });
            return;
        }
        Route::Error(405, reason) => {
            respond(405, "text/plain; charset=utf-8", reason.as_bytes().to_vec())
                .with_header(header("Allow", "GET, HEAD"))
        }
        Route::Error(status, reason) => respond(
            status,
            "text/plain; charset=utf-8",
            reason.as_bytes().to_vec(),
        ),
    };
    // A client that went away mid-answer is no concern of the others.
    let _ = request.respond(response);
}

fn request_names_loopback(request: &Request) -> bool {
    let mut hosts = request.headers().iter().filter(|h| h.field.equiv("Host"));
    // HTTP/1.0 clients may send no Host; browsers always send one.
    hosts
        .next()
        .is_none_or(|h| names_loopback(h.value.as_str()))
}

/// Whether a `Host` header value names this machine: `localhost` (or a name below it),
/// a 127.x.y.z address or `[::1]`, with or without a port.
fn names_loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => return v6.split_once(']').map(|(ip, _port)| ip) == Some("::1"),
        None => host.rsplit_once(':').map_or(host, |(name, _port)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn poll_response(hub: &Hub, instance: &str, since: u64, wait: bool) -> Response<Cursor<Vec<u8>>> {
    match hub.poll(instance, since, wait) {
        Some(news) => respond(
            200,
            "application/json; charset=utf-8",
            serde_json::to_vec(&news).expect("news serializes"),
        ),
        None => respond(
            503,
            "text/plain; charset=utf-8",
            b"Too many pages are waiting".to_vec(),
        )
        .with_header(header("Retry-After", "1")),
    }
}

fn respond(status: u16, content_type: &str, bytes: Vec<u8>) -> Response<Cursor<Vec<u8>>> {
    Response::from_data(bytes)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteFiles {
        let mut files = HashMap::new();
        for path in [
            "index.html",
            "faq/index.html",
            "faq/提现-失败/index.html",
            "style.css",
            "404.html",
        ] {
            files.insert(
                path.to_owned(),
                Body {
                    bytes: Arc::from(path.as_bytes()),
                    content_type: content_type(path),
                },
            );
        }
        SiteFiles {
            files,
            base_path: "/help/".into(),
            ..SiteFiles::default()
        }
    }

    fn get(url: &str) -> Route {
        route(&site(), &Method::Get, url)
    }

    fn served(route: Route) -> (u16, String) {
        match route {
            Route::File { status, body } => {
                (status, String::from_utf8(body.bytes.to_vec()).unwrap())
            }
            other => panic!("not a file: {other:?}"),
        }
    }

    #[test]
    fn folders_index_files_and_redirects() {
        assert_eq!(served(get("/help/")), (200, "index.html".into()));
        assert_eq!(served(get("/help/faq/")), (200, "faq/index.html".into()));
        assert_eq!(get("/help/faq"), Route::Redirect("/help/faq/".into()));
        assert_eq!(
            get("/help/faq?x=1"),
            Route::Redirect("/help/faq/?x=1".into())
        );
        assert_eq!(get("/"), Route::Redirect("/help/".into()));
        assert_eq!(get("/help"), Route::Redirect("/help/".into()));
        let chinese = "/help/faq/%E6%8F%90%E7%8E%B0-%E5%A4%B1%E8%B4%A5/";
        assert_eq!(
            served(get(chinese)),
            (200, "faq/提现-失败/index.html".into())
        );
        assert_eq!(served(get("/help/nothing")), (404, "404.html".into()));
        assert_eq!(served(get("/elsewhere/")), (404, "404.html".into()));
    }

    #[test]
    fn paths_that_would_leave_the_site_are_refused() {
        for url in [
            "/help/../etc/passwd",
            "/help/%2e%2e/%2e%2e/etc/passwd",
            "/help/faq/%2E%2E%2Fstyle.css",
            "/help/..%5c..%5cwindows",
            "/help/%5c..%5cwindows",
            "/help//etc/passwd",
            "/help/C:/Windows/win.ini",
            "/help/a%00.html",
            "/help/./style.css",
        ] {
            assert_eq!(get(url), Route::Error(403, "Forbidden"), "{url}");
        }
        assert_eq!(get("/help/%zz"), Route::Error(400, "Bad Request"));
        assert_eq!(get("help/style.css"), Route::Error(400, "Bad Request"));
        assert_eq!(
            get(&format!("/help/{}", "a".repeat(MAX_URL))),
            Route::Error(414, "URI Too Long")
        );
        assert_eq!(
            route(&site(), &Method::Post, "/help/"),
            Route::Error(405, "Method Not Allowed")
        );
        assert!(matches!(
            route(&site(), &Method::Head, "/help/style.css"),
            Route::File { status: 200, .. }
        ));
    }

    #[test]
    fn text_types_carry_a_charset() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(
            content_type("index.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("icon.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("font.woff2"), "font/woff2");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn only_loopback_host_names_pass() {
        for host in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.",
            "docs.localhost:8080",
            "127.0.0.1:1111",
            "127.1.2.3",
            "[::1]:1111",
            "[::1]",
        ] {
            assert!(names_loopback(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.1:1111",
            "[::2]:1111",
            "[::1",
            "",
        ] {
            assert!(!names_loopback(host), "{host}");
        }
    }

    #[test]
    fn live_reload_routes() {
        assert_eq!(get("/help/__quire/live.js"), Route::LiveScript);
        assert_eq!(
            get("/help/__quire/live?instance=abc&since=3&wait=1"),
            Route::Poll {
                instance: "abc".into(),
                since: 3,
                wait: true
            }
        );
        assert_eq!(
            get("/help/__quire/live?since=x"),
            Route::Error(400, "Bad Request")
        );
    }
}
