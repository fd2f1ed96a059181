//! `quire serve`: builds the site with the same pipeline as `quire build` (memoized between
//! builds), keeps the last good build in memory and serves it on 127.0.0.1; rebuilds when a
//! file changes and tells open pages what changed. Nothing is written to disk, so there is no
//! temporary folder to leave behind and deleting public/ while serving is harmless.

mod http;
mod live;
mod search_index;

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::error::{Diagnostic, Error, Result};
use crate::memo::Memo;
use crate::output::{Contents, OutputFile};
use crate::pipeline::{self, BuildCache, BuildOptions, BuiltSite};
use crate::watch::Watcher;
use http::{Body, Served, SiteFiles};
use search_index::IndexJobs;

/// What `quire serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the site in the default browser once it is built.
    pub open: bool,
    /// Print only errors.
    pub quiet: bool,
}

/// The rebuild loop's own state: what it keeps between builds.
struct Builder {
    options: BuildOptions,
    cache: BuildCache,
    /// Bytes of copied files (static files, images), by path, until the watcher reports them.
    copied: Memo<PathBuf, Arc<[u8]>>,
    /// Merges each good build's search index after its pages are served.
    index: IndexJobs,
    /// Warnings already printed, so each is printed once.
    warned: Vec<Diagnostic>,
    quiet: bool,
}

/// Serves the site until the process is stopped; returns only when it cannot start.
pub fn serve(options: ServeOptions) -> Result<()> {
    let root = options
        .build
        .root
        .canonicalize()
        .map_err(|e| Error::io(&options.build.root, &e, "open the site folder"))?;
    let listener = bind(options.bind, options.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| Error::io(Path::new("--port"), &e, "read the bound address"))?;
    let origin = origin(address);
    let server = tiny_http::Server::from_listener(listener, None).map_err(|e| {
        Error::from(Diagnostic::error(
            "--port",
            format!("could not start the server: {e}"),
        ))
    })?;
    let build_options = BuildOptions {
        root: root.clone(),
        serve_origin: Some(origin.clone()),
        defer_search: true,
        ..options.build.clone()
    };
    // Watch before the first build, so an edit made during it is not missed.
    let watcher = Watcher::new(&root);
    // Until a build succeeds, pages are served at the configured path and show the error.
    let config = pipeline::load_config(&build_options).ok();
    let served = Arc::new(Served {
        site: RwLock::new(Arc::new(SiteFiles {
            base_path: config
                .as_ref()
                .map_or_else(|| "/".into(), |c| c.base_path()),
            ..SiteFiles::default()
        })),
        hub: live::Hub::new(instance_id()),
        publishing: Mutex::new(()),
        loopback_only: options.bind.is_loopback(),
    });
    let mut builder = Builder {
        options: build_options,
        cache: BuildCache::default(),
        copied: Memo::default(),
        index: IndexJobs::start(served.clone()),
        warned: Vec::new(),
        quiet: options.quiet,
    };
    let started = Instant::now();
    let first = builder.build();
    let title = match (&first, &config) {
        (Ok((_, built)), _) => built.config.title.clone(),
        (Err(_), Some(config)) => config.title.clone(),
        (Err(_), None) => root
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned(),
    };
    let base_path = match &first {
        Ok((files, _)) => files.base_path.clone(),
        Err(_) => served.site().base_path.clone(),
    };
    let report = builder.publish(&served, first, started, None);
    http::start(Arc::new(server), served.clone());
    let url = format!("{origin}{base_path}");
    println!("Serving {title} at {url}");
    if let Some(line) = report {
        println!("{line}");
    }
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: --bind {} makes the site reachable from other machines",
            options.bind
        );
    }
    if options.open {
        open_browser(&url);
    }
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}\nThe site is served as built; changes will not be picked up.");
            loop {
                std::thread::park();
            }
        }
    };
    if !options.quiet {
        println!("Watching for changes (Ctrl-C to stop)");
    }
    while let Some(changes) = watcher.next_changes() {
        let started = Instant::now();
        builder.cache.forget(&changes);
        builder.copied.forget(&changes);
        let result = builder.build();
        if let Some(line) =
            builder.publish(&served, result, started, Some(&watcher.describe(&changes)))
        {
            println!("{line}");
        }
    }
    Ok(())
}

impl Builder {
    /// One build, turned into the files to serve.
    fn build(&mut self) -> Result<(SiteFiles, BuiltSite)> {
        let (options, cache) = (&self.options, &mut self.cache);
        let built = std::panic::catch_unwind(AssertUnwindSafe(|| {
            pipeline::render_site_cached(options, cache)
        }));
        let mut built = match built {
            Ok(result) => result?,
            // A bug in quire must not stop the server: start again from an empty cache.
            Err(_) => {
                self.cache = BuildCache::default();
                return Err(Diagnostic::error("quire", "quire crashed while building the site (the message above says where); this is a bug in quire")
                    .help("please report it; the server keeps serving the last good site and tries again on the next change")
                    .into());
            }
        };
        let files = std::mem::take(&mut built.files);
        let files = self.serve_files(files, &mut built.warnings)?;
        let base_path = built.config.base_path();
        let site = SiteFiles {
            files,
            base_path,
            ..SiteFiles::default()
        };
        Ok((site, built))
    }

    /// The built files with their bytes in memory: copied files are read once and kept until
    /// they change. A copied file that is a symbolic link to outside the site is left out.
    fn serve_files(
        &mut self,
        files: Vec<OutputFile>,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<HashMap<String, Body>> {
        let mut served = HashMap::with_capacity(files.len());
        let mut read = Vec::new();
        for file in files {
            let bytes: Arc<[u8]> = match file.contents {
                Contents::Bytes(bytes) => bytes,
                Contents::Builtin(bytes) => Arc::from(bytes),
                Contents::Copy(source) => {
                    let kept = self.copied.get(&source);
                    let Some(bytes) = kept.map_or_else(
                        || read_inside(&self.options.root, &source),
                        |b| Ok(Some(b)),
                    )?
                    else {
                        let shown = source.strip_prefix(&self.options.root).unwrap_or(&source);
                        warnings.push(
                            Diagnostic::warning(shown, "not served: this symbolic link points outside the site folder")
                                .help("copy the file into the site instead; quire serve never serves files from outside the site"),
                        );
                        continue;
                    };
                    read.push((source, bytes.clone()));
                    bytes
                }
            };
            let content_type = http::content_type(&file.path);
            served.insert(
                file.path,
                Body {
                    bytes,
                    content_type,
                },
            );
        }
        self.copied.keep(read);
        Ok(served)
    }

    /// Swaps a good build in (or records a failed one) and tells open pages. Prints warnings
    /// not printed before and errors; returns the line that reports a good build (`what`
    /// changed, `None` for the first build).
    fn publish(
        &mut self,
        served: &Served,
        result: Result<(SiteFiles, BuiltSite)>,
        started: Instant,
        what: Option<&str>,
    ) -> Option<String> {
        let elapsed = started.elapsed().as_millis();
        match result {
            Ok((mut files, mut built)) => {
                let publishing = served.publishing.lock().unwrap_or_else(|p| p.into_inner());
                let current = served.site();
                // The last index stays served until this build's is merged.
                files.build = current.build + 1;
                files.index = current.index.clone();
                for path in &current.index {
                    if let Some(body) = current.files.get(path) {
                        files
                            .files
                            .entry(path.clone())
                            .or_insert_with(|| body.clone());
                    }
                }
                let changed = changed_urls(&current, &files);
                let build = files.build;
                let old = std::mem::replace(
                    &mut *served.site.write().unwrap_or_else(|p| p.into_inner()),
                    Arc::new(files),
                );
                drop(publishing);
                served.hub.publish(changed.clone(), None);
                if let Some(search) = built.search.take() {
                    self.index.submit(build, search);
                }
                // Freeing ten thousand pages takes a while; pages waiting for the news should not.
                let _ = std::thread::Builder::new().spawn(move || drop((current, old)));
                for w in built.warnings.iter().filter(|w| !self.warned.contains(w)) {
                    eprintln!("{w}\n");
                }
                self.warned = built.warnings;
                let counts = format!(
                    "{} pages, {} sections",
                    built.page_count, built.section_count
                );
                let line = match what {
                    None => format!("Built {counts} in {elapsed} ms"),
                    Some(what) => format!(
                        "Rebuilt in {elapsed} ms ({what}): {counts}, {} changed file{}",
                        changed.len(),
                        if changed.len() == 1 { "" } else { "s" }
                    ),
                };
                (!self.quiet).then_some(line)
            }
            Err(error) => {
                let message = error.to_string();
                match what {
                    None => eprintln!(
                        "The site does not build yet; pages show the error until it is fixed:\n{message}\n"
                    ),
                    Some(what) => eprintln!(
                        "Rebuild failed in {elapsed} ms ({what}); still serving the last good site:\n{message}\n"
                    ),
                }
                served.hub.publish(Vec::new(), Some(message));
                None
            }
        }
    }
}

/// The bytes of `file`, or `None` when it resolves to a place outside `root` (a canonical path).
fn read_inside(root: &Path, file: &Path) -> Result<Option<Arc<[u8]>>> {
    let shown = file.strip_prefix(root).unwrap_or(file);
    let real = file
        .canonicalize()
        .map_err(|e| Error::io(shown, &e, "read the file"))?;
    if !real.starts_with(root) {
        return Ok(None);
    }
    let bytes = std::fs::read(&real).map_err(|e| Error::io(shown, &e, "read the file"))?;
    Ok(Some(Arc::from(bytes)))
}

/// URL paths (from the server root, decoded) of the files a page can show or use by its
/// markup (pages, stylesheets, scripts, images, fonts, media) that differ between two builds.
/// Data that scripts fetch (the search index) and feeds never make a page reload.
fn changed_urls(old: &SiteFiles, new: &SiteFiles) -> Vec<String> {
    let url = |site: &SiteFiles, path: &str| format!("{}{path}", site.base_path);
    let shown = |body: &Body| {
        let kind = body.content_type;
        [
            "text/html",
            "text/css",
            "text/javascript",
            "image/",
            "font/",
            "video/",
            "audio/",
        ]
        .iter()
        .any(|k| kind.starts_with(k))
    };
    let mut changed: Vec<String> = new
        .files
        .iter()
        .filter(|(path, body)| {
            shown(body)
                && match old.files.get(*path) {
                    Some(before) => {
                        !Arc::ptr_eq(&before.bytes, &body.bytes) && before.bytes != body.bytes
                    }
                    None => true,
                }
        })
        .map(|(path, _)| url(new, path))
        .collect();
    changed.extend(
        old.files
            .iter()
            .filter(|(p, body)| shown(body) && !new.files.contains_key(*p))
            .map(|(p, _)| url(old, p)),
    );
    changed.sort();
    changed
}

fn bind(ip: IpAddr, port: u16) -> Result<TcpListener> {
    TcpListener::bind(SocketAddr::new(ip, port)).map_err(|e| {
        let place = SocketAddr::new(ip, port).to_string();
        let d = match e.kind() {
            ErrorKind::AddrInUse => Diagnostic::error(place, format!("port {port} is already in use"))
                .help(format!("another program (perhaps another `quire serve`) is listening there; stop it or choose another port with --port {}", port.wrapping_add(1).max(1024))),
            ErrorKind::PermissionDenied => Diagnostic::error(place, format!("not allowed to listen on port {port}"))
                .help("ports below 1024 need special rights; choose another one with --port"),
            ErrorKind::AddrNotAvailable => Diagnostic::error(place, format!("{ip} is not an address of this machine"))
                .help("use --bind 127.0.0.1 (the default) or an address this machine has"),
            _ => Diagnostic::error(place, format!("could not listen: {}", crate::error::io_reason(&e)))
                .help("choose another port with --port or another address with --bind"),
        };
        Error::from(d)
    })
}

/// `http://host:port` for links to this server; a wildcard bind is reached on loopback.
fn origin(address: SocketAddr) -> String {
    match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{}", address.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("http://[::1]:{}", address.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}", address.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}", address.port()),
    }
}

/// Tells pages loaded from an earlier run of the server to reload.
fn instance_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}-{:x}", std::process::id(), nanos)
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!(
            "Could not open a browser ({opener}: {}); open {url} yourself.",
            crate::error::io_reason(&e)
        );
    }
}
