//! The one place that knows the order of the stages: config -> content -> markdown -> link
//! check -> templates -> feeds -> output. `quire build`, `quire check` and `quire serve` all
//! come through here.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ahash::AHashMap;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Document, Listing, LoadOptions, Site};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::markdown::{self, LinkTargets, Rendered};
use crate::memo::{FileChanges, Memo, hash_of};
use crate::output::{self, Contents, OutputFile, file_for_site_path};
use crate::templates::{RenderedSite, Renderer, templates_key};
use crate::theme::{self, Source};
use crate::{checks, external, feeds, search};

/// What a build is asked to do, beyond what site.yaml says.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holding site.yaml and content/).
    pub root: PathBuf,
    pub drafts: bool,
    /// Overrides site.yaml's base_url.
    pub base_url: Option<String>,
    /// Overrides site.yaml's output_dir; relative to `root`.
    pub output: Option<PathBuf>,
    /// Warnings fail the build too.
    pub strict: bool,
    /// Also request every external link (`quire check --external`).
    pub check_external: bool,
    /// `quire serve`: publish under this origin (`http://127.0.0.1:1111`), keeping the path
    /// of the base URL, so absolute links (permalinks, feeds) lead to the local server.
    pub serve_origin: Option<String>,
    /// `quire serve`: leave the search index out of `files` and hand back what it is made of
    /// (`BuiltSite::search`), so pages are served before the index is merged.
    pub defer_search: bool,
}

/// A site built in memory, not yet written.
#[derive(Debug)]
pub struct BuiltSite {
    pub config: Config,
    pub files: Vec<OutputFile>,
    pub warnings: Vec<Diagnostic>,
    pub page_count: usize,
    pub section_count: usize,
    /// With `BuildOptions::defer_search`: the input of the search index, not yet in `files`.
    pub search: Option<SearchInput>,
}

/// Every page's title, URL, text and counted tokens: all the search index is made of.
pub struct SearchInput {
    /// (site path, title, rendered markdown), pages then sections.
    pages: Vec<(String, String, Arc<Rendered>)>,
    tokens: Vec<Arc<search::PageTokens>>,
}

impl std::fmt::Debug for SearchInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchInput")
            .field("pages", &self.pages.len())
            .finish()
    }
}

impl SearchInput {
    /// The search index files (`search/meta.json` and its versioned folder).
    pub fn index_files(&self) -> Vec<OutputFile> {
        let pages: Vec<search::SearchPage> = self
            .pages
            .iter()
            .map(|(path, title, rendered)| search::SearchPage {
                path,
                title,
                sections: &rendered.sections,
            })
            .collect();
        let tokens: Vec<&search::PageTokens> = self.tokens.iter().map(|t| &**t).collect();
        search::index_from_tokens(&pages, &tokens)
    }
}

/// What `build` reports once the site is on disk.
#[derive(Debug)]
pub struct BuildReport {
    pub output_dir: PathBuf,
    pub warnings: Vec<Diagnostic>,
    pub page_count: usize,
    pub section_count: usize,
    pub file_count: usize,
    pub elapsed: Duration,
}

/// Loads the configuration with command-line overrides applied.
pub fn load_config(options: &BuildOptions) -> Result<Config> {
    let mut config = Config::load(&options.root)?;
    if let Some(base) = &options.base_url {
        config =
            Config::parse(&format!("base_url: {base:?}\n"), Path::new("--base-url")).map(|c| {
                Config {
                    base_url: c.base_url,
                    ..config
                }
            })?;
    }
    if let Some(out) = &options.output {
        config.output_dir = out.clone();
    }
    if let Some(origin) = &options.serve_origin {
        config.base_url = format!("{origin}{}", config.base_path());
    }
    Ok(config)
}

/// Runs every stage in memory and returns the files of the site, or every error found.
pub fn render_site(options: &BuildOptions) -> Result<BuiltSite> {
    render_site_cached(options, &mut BuildCache::default())
}

/// What one build keeps for the next, so `quire serve` redoes only the work an edit reached.
/// Each stage's results are keyed by a hash of that stage's inputs; the one outside hint is
/// `forget`, through which the file watcher names the files to read again.
#[derive(Default)]
pub struct BuildCache {
    /// The walk of content/; dropped when files or folders are created, removed or renamed.
    listing: Option<Arc<Listing>>,
    /// Parsed markdown files by path, until the watcher reports a change.
    documents: Memo<PathBuf, Result<Arc<Document>>>,
    /// The hotline guard's findings, by document.
    phone_numbers: Memo<u64, Vec<Diagnostic>>,
    /// Markdown rendered to HTML, by document, URL and everything links resolve against.
    rendered: Memo<u64, (Arc<Rendered>, Vec<Diagnostic>)>,
    /// Compiled templates, checked against the hash of their names and texts.
    renderer: Option<Arc<Renderer>>,
    /// Section views converted to template values, by the hash of the view.
    section_values: Memo<u64, tera::Value>,
    /// Each page's search tokens, by its title and rendered markdown.
    search_tokens: Memo<u64, Arc<search::PageTokens>>,
    /// Finished pages and the files they link to, by the hash of all their templates see.
    html: Memo<u64, Result<Arc<[u8]>>>,
}

impl BuildCache {
    /// Drops whatever was read from the files in `changes`.
    pub fn forget(&mut self, changes: &FileChanges) {
        if changes.structure || changes.everything {
            self.listing = None;
        }
        self.documents.forget(changes);
    }
}

/// Runs every stage, reusing what `cache` kept from earlier builds of the same site.
pub fn render_site_cached(options: &BuildOptions, cache: &mut BuildCache) -> Result<BuiltSite> {
    let config = load_config(options);
    let home_title = config.as_ref().map(|c| c.title.clone()).unwrap_or_default();
    let site = load_content(options, home_title, cache);
    // Report the problems of site.yaml and of every article together.
    let (config, site) = match (config, site) {
        (Ok(config), Ok(site)) => (config, site),
        (config, site) => {
            let errors = config.err().into_iter().chain(site.err());
            return Err(Error::new(errors.flat_map(|e| e.diagnostics).collect()));
        }
    };
    let theme = theme::load(&options.root, &config.theme, &config.language)?;
    let renderer = match &cache.renderer {
        Some(r) if r.key() == templates_key(&theme) => r.clone(),
        _ => Arc::new(Renderer::new(&theme)?),
    };
    cache.renderer = Some(renderer.clone());

    let mut diags = Diagnostics::default();
    diags.extend(site.warnings.iter().cloned());
    checks::check_templates_exist(&site, &renderer, &mut diags);
    let docs: Vec<(&Document, &str)> = site
        .pages
        .iter()
        .map(|p| (&*p.doc, p.path.as_str()))
        .chain(site.sections.iter().map(|s| (&*s.doc, s.path.as_str())))
        .collect();
    let phone_numbers: Vec<_> = docs
        .par_iter()
        .map(|(doc, _)| {
            let found = cache
                .phone_numbers
                .get_or_make(&doc.fingerprint, || checks::phone_numbers_in(doc));
            (doc.fingerprint, found)
        })
        .collect();
    cache.phone_numbers.keep(phone_numbers.iter().cloned());
    diags.extend(phone_numbers.into_iter().flat_map(|(_, found)| found));
    diags.extend(checks::phone_numbers_in_config(&options.root));

    let targets = LinkTargets {
        pages_by_source: &site.paths_by_source,
        contacts: &config.contacts,
        strings: &theme.strings,
    };
    // Links resolve against every page's path, so adding, removing or renaming a page renders
    // every document again; an edit inside a page does not.
    let paths_key = site
        .paths_by_source
        .iter()
        .map(|entry| hash_of(&entry))
        .fold(0u64, u64::wrapping_add);
    let targets_key = hash_of(&(paths_key, &config.contacts, &theme.strings));
    let rendered: Vec<_> = docs
        .par_iter()
        .map(|&(doc, path)| {
            let key = hash_of(&(doc.fingerprint, path, targets_key));
            let value = cache.rendered.get_or_make(&key, || {
                let (rendered, found) = markdown::render(doc, path, &targets);
                (Arc::new(rendered), found)
            });
            (key, value)
        })
        .collect();
    cache.rendered.keep(rendered.iter().cloned());
    let mut pages = Vec::with_capacity(rendered.len());
    for (_, (done, found)) in rendered {
        pages.push(done);
        diags.extend(found);
    }
    let sections = pages.split_off(site.pages.len());

    let mut files = Vec::new();
    for (path, source) in &theme.static_files {
        files.push(OutputFile {
            path: path.clone(),
            contents: match source {
                Source::Disk(p) => Contents::Copy(p.clone()),
                Source::Builtin(b) => Contents::Builtin(b),
            },
        });
    }
    for asset in &site.assets {
        files.push(OutputFile {
            path: asset.path.clone(),
            contents: Contents::Copy(asset.file.clone()),
        });
    }
    let summaries: Vec<&str> = pages.iter().map(|r| r.summary.as_str()).collect();
    files.push(OutputFile::bytes("robots.txt", feeds::robots(&config)));
    // The feeds are written while the links are checked, which needs only their paths.
    let feeds_at = files.len();
    files.push(OutputFile::bytes("sitemap.xml", Vec::new()));
    files.push(OutputFile::bytes("atom.xml", Vec::new()));
    let ((sitemap, atom), search) = rayon::join(
        || {
            rayon::join(
                || feeds::sitemap(&config, &site),
                || feeds::atom(&config, &site, &summaries),
            )
        },
        || {
            let search = search_input(&docs, &pages, &sections, &mut cache.search_tokens);
            let search = match options.defer_search {
                true => Some(search),
                false => {
                    files.extend(search.index_files());
                    None
                }
            };
            checks::check_links(&site, &pages, &sections, &files, &mut diags);
            search
        },
    );
    files[feeds_at] = OutputFile::bytes("sitemap.xml", sitemap);
    files[feeds_at + 1] = OutputFile::bytes("atom.xml", atom);
    if diags.has_errors() {
        return Err(Error::new(diags.list));
    }

    let data = RenderedSite {
        config: &config,
        site: &site,
        pages: &pages,
        sections: &sections,
    };
    let shared = renderer.shared(&data, &theme.strings, &mut cache.section_values);
    let keys: Vec<u64> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| renderer.page_key(&data, &shared, i))
        .chain(
            (0..site.sections.len())
                .into_par_iter()
                .map(|i| renderer.section_key(&data, &shared, i)),
        )
        .collect();
    let paths: Vec<&str> = docs.iter().map(|&(_, path)| path).collect();
    let html: Vec<_> = keys
        .par_iter()
        .enumerate()
        .map(|(i, key)| {
            cache.html.get_or_make(key, || {
                let html = match i.checked_sub(site.pages.len()) {
                    None => renderer.render_page(&data, &shared, i)?,
                    Some(s) => renderer.render_section(&data, &shared, s)?,
                };
                Ok(Arc::from(html.into_bytes()))
            })
        })
        .collect();
    cache.html.keep(keys.into_iter().zip(html.iter().cloned()));
    // The HTML files quire made (by index into `files`): the reachability check crawls them.
    let mut made: Vec<usize> = Vec::with_capacity(html.len() + 2);
    for (path, result) in paths.into_iter().zip(html) {
        match result {
            Ok(bytes) => {
                made.push(files.len());
                files.push(OutputFile::shared(file_for_site_path(path), bytes));
            }
            Err(e) => diags.extend(e.diagnostics),
        }
    }
    // The pages quire makes itself, when the theme has their templates.
    let mut own_page = |file: &str, html: Result<String>| match html {
        Ok(html) => {
            made.push(files.len());
            files.push(OutputFile::bytes(file, html));
        }
        Err(e) => diags.extend(e.diagnostics),
    };
    if renderer.has_template("404.html") {
        own_page("404.html", renderer.render_not_found(&data, &shared));
    }
    if renderer.has_template("search.html") {
        own_page("search/index.html", renderer.render_search(&shared));
    }
    checks::check_unique_files(&files, &mut diags);
    let html: AHashMap<&str, &[u8]> = made
        .iter()
        .filter_map(|&i| match &files[i].contents {
            Contents::Bytes(bytes) => Some((files[i].path.as_str(), &bytes[..])),
            _ => None,
        })
        .collect();
    checks::check_reachable(&site, &html, &mut diags);
    if options.check_external {
        diags.extend(external::check(
            checks::external_links(&site, &pages, &sections),
            external::Limits::default(),
        ));
    }
    let warnings = diags.into_result(options.strict)?;
    Ok(BuiltSite {
        page_count: site.pages.len(),
        section_count: site.sections.len(),
        config,
        files,
        warnings,
        search,
    })
}

/// What the search index is made of; each page's tokens are counted once and kept while its
/// title and text are unchanged.
fn search_input(
    docs: &[(&Document, &str)],
    pages: &[Arc<Rendered>],
    sections: &[Arc<Rendered>],
    memo: &mut Memo<u64, Arc<search::PageTokens>>,
) -> SearchInput {
    let pages: Vec<(String, String, Arc<Rendered>)> = docs
        .iter()
        .zip(pages.iter().chain(sections))
        .map(|(&(doc, path), rendered)| (path.to_owned(), doc.title.clone(), rendered.clone()))
        .collect();
    let counted: Vec<(u64, Arc<search::PageTokens>)> = pages
        .par_iter()
        .map(|(path, title, rendered)| {
            let key = hash_of(&(title, rendered.key));
            let tokens = memo.get_or_make(&key, || {
                Arc::new(search::page_tokens(&search::SearchPage {
                    path,
                    title,
                    sections: &rendered.sections,
                }))
            });
            (key, tokens)
        })
        .collect();
    memo.keep(counted.iter().cloned());
    SearchInput {
        pages,
        tokens: counted.into_iter().map(|(_, tokens)| tokens).collect(),
    }
}

/// The content stage: the walk and the documents come from `cache` unless the watcher said
/// they changed.
fn load_content(
    options: &BuildOptions,
    home_title: String,
    cache: &mut BuildCache,
) -> Result<Site> {
    let (listing, walked) = match &cache.listing {
        Some(listing) => (listing.clone(), false),
        None => (Arc::new(content::walk(&options.root)?), true),
    };
    cache.listing = Some(listing.clone());
    let documents = &cache.documents;
    // A file reached through a symbolic link changes without the watcher seeing it.
    let read: Vec<_> = listing
        .markdown
        .par_iter()
        .map(|f| match (f.linked, documents.get(&f.file)) {
            (false, Some(kept)) => (kept, false),
            _ => (f.read().map(Arc::new), true),
        })
        .collect();
    if walked {
        // The files may be others than before: keep exactly these.
        let files = listing.markdown.iter().map(|f| f.file.clone());
        cache
            .documents
            .keep(files.zip(read.iter().map(|(doc, _)| doc.clone())));
    } else {
        // The same files: only those read again are new.
        for (f, (doc, fresh)) in listing.markdown.iter().zip(&read) {
            if *fresh {
                cache.documents.insert(f.file.clone(), doc.clone());
            }
        }
    }
    let docs = read.into_iter().map(|(doc, _)| doc).collect();
    content::assemble(
        &listing,
        docs,
        &LoadOptions {
            drafts: options.drafts,
            home_title,
        },
    )
}

/// Builds the site and swaps it into the output folder; on any error the old site stays.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let config = load_config(options)?;
    let output_dir = options.root.join(&config.output_dir);
    output::check_output_dir(&options.root, &output_dir)?;
    let built = render_site(options)?;
    output::write_site(&output_dir, &built.files)?;
    Ok(BuildReport {
        output_dir: config.output_dir,
        warnings: built.warnings,
        page_count: built.page_count,
        section_count: built.section_count,
        file_count: built.files.len(),
        elapsed: started.elapsed(),
    })
}
