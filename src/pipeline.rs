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
use crate::highlight::{CodeBlocks, Syntaxes};
use crate::languages::{self, Language};
use crate::markdown::{self, LinkTargets, Rendered};
use crate::memo::{FileChanges, Memo, hash_of};
use crate::output::{self, Contents, OutputFile, file_for_site_path};
use crate::tags::TagPages;
use crate::templates::{RenderedSite, Renderer, TemplateValues, templates_key};
use crate::theme::{self, Source};
use crate::{aliases, checks, external, feeds, git_dates, search};

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

/// Every page's title, URL, text and counted tokens: all the search indexes are made of.
/// Each language has an index of its own, under its folder (`search/`, `en/search/`).
pub struct SearchInput {
    /// Per language: its folder (`""`, `en/`) and its pages.
    languages: Vec<(String, LanguagePages)>,
}

/// (site path, title, rendered markdown) of one language's pages then sections, and their tokens.
#[derive(Default)]
struct LanguagePages {
    pages: Vec<(String, String, Arc<Rendered>)>,
    tokens: Vec<Arc<search::PageTokens>>,
}

impl std::fmt::Debug for SearchInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pages: usize = self.languages.iter().map(|(_, l)| l.pages.len()).sum();
        f.debug_struct("SearchInput")
            .field("pages", &pages)
            .finish()
    }
}

impl SearchInput {
    /// The search index files (`search/meta.json` and its versioned folder, per language).
    pub fn index_files(&self) -> Vec<OutputFile> {
        let mut files = Vec::new();
        for (root, language) in &self.languages {
            let pages: Vec<search::SearchPage> = language
                .pages
                .iter()
                .map(|(path, title, rendered)| search::SearchPage {
                    path,
                    title,
                    sections: &rendered.sections,
                })
                .collect();
            let tokens: Vec<&search::PageTokens> = language.tokens.iter().map(|t| &**t).collect();
            files.extend(
                search::index_from_tokens(&pages, &tokens)
                    .into_iter()
                    .map(|f| OutputFile {
                        path: format!("{root}{}", f.path),
                        ..f
                    }),
            );
        }
        files
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
    let mut cache = BuildCache::default();
    let built = render_site_cached(options, &mut cache);
    // Freeing a large site's cache takes tens of milliseconds on one thread: it is done by
    // the pool, beside what the caller does next (writing the files).
    rayon::spawn(move || drop(cache));
    built
}

/// What one build keeps for the next, so `quire serve` redoes only the work an edit reached.
/// Each stage's results are keyed by a hash of that stage's inputs; the one outside hint is
/// `forget`, through which the file watcher names the files to read again.
#[derive(Default)]
pub struct BuildCache {
    /// The walk of content/; dropped when files or folders are created, removed or renamed.
    listing: Option<Arc<Listing>>,
    /// The last site assembled, and from what: an edit inside an article replaces its
    /// document there instead of assembling the site again.
    assembled: Option<Assembled>,
    /// Parsed markdown files by path, until the watcher reports a change.
    documents: Memo<PathBuf, Result<Arc<Document>>>,
    /// The hotline guard's findings, by document.
    phone_numbers: Memo<u64, Vec<Diagnostic>>,
    /// Markdown rendered to HTML, by document, URL and everything links resolve against.
    rendered: Memo<u64, (Arc<Rendered>, Vec<Diagnostic>)>,
    /// The grammars for code blocks, read at most once per process.
    syntaxes: Syntaxes,
    /// Highlighted code blocks by language, options and text, so an edit to a page does not
    /// highlight its unchanged blocks again.
    highlighted: Memo<u64, Arc<str>>,
    /// Compiled templates, checked against the hash of their names and texts.
    renderer: Option<Arc<Renderer>>,
    /// Section views and pages' entries converted to template values, by their hashes.
    template_values: TemplateValues,
    /// Each page's search tokens, by its title and rendered markdown (only after builds that
    /// defer the index, as `quire serve`'s do).
    search_tokens: Memo<u64, Arc<search::PageTokens>>,
    /// Each document's broken links, by the document and every path and heading it may reach.
    broken_links: Memo<u64, Arc<[Diagnostic]>>,
    /// The files each HTML file the reachability check read links to, by its path and bytes.
    linked_files: Memo<u64, Arc<[String]>>,
    /// Finished pages, sections and tag pages, by the hash of all their templates see.
    html: Memo<u64, Result<Arc<[u8]>>>,
}

/// A site as `content::assemble` made it (before later stages fill in dates from git), with
/// the listing, options and documents it was made from.
struct Assembled {
    listing: Arc<Listing>,
    load: LoadOptions,
    docs: Vec<Result<Arc<Document>>>,
    /// Shared with the build that uses it: cloning 10,000 pages' entries cost an edit's
    /// rebuild 7 ms of a single core.
    site: Arc<Site>,
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
    let languages = config
        .as_ref()
        .map(languages::languages)
        .unwrap_or_default();
    let load = LoadOptions {
        drafts: options.drafts,
        home_title: config.as_ref().map(|c| c.title.clone()).unwrap_or_default(),
        languages: languages::content_languages(&languages),
    };
    let site = load_content(options, &load, cache);
    // Report the problems of site.yaml and of every article together.
    let (config, mut site) = match (config, site) {
        (Ok(config), Ok(site)) => (config, site),
        (config, site) => {
            let errors = config.err().into_iter().chain(site.err());
            return Err(Error::new(errors.flat_map(|e| e.diagnostics).collect()));
        }
    };
    let theme = theme::load(&options.root, &config.theme, &config.language)?;
    let mut strings = vec![theme.strings.clone()];
    for language in &languages[1..] {
        strings.push(theme.strings_for(&language.code)?);
    }
    let renderer = match &cache.renderer {
        Some(r) if r.key() == templates_key(&theme) => r.clone(),
        _ => Arc::new(Renderer::new(&theme)?),
    };
    cache.renderer = Some(renderer.clone());

    let mut diags = Diagnostics::default();
    diags.extend(site.warnings.iter().cloned());
    if config.last_updated_from_git {
        diags.extend(git_dates::fill_updated(
            &options.root,
            Arc::make_mut(&mut site),
        ));
    }
    checks::check_templates_exist(&site, &renderer, &mut diags);
    let docs: Vec<(&Document, &str, usize)> = site
        .pages
        .iter()
        .map(|p| (&*p.doc, p.path.as_str(), p.lang))
        .chain(
            site.sections
                .iter()
                .map(|s| (&*s.doc, s.path.as_str(), s.lang)),
        )
        .collect();
    let phone_numbers: Vec<_> = docs
        .par_iter()
        .map(|(doc, _, _)| {
            let found = cache
                .phone_numbers
                .get_or_make(&doc.fingerprint, || checks::phone_numbers_in(doc));
            (doc.fingerprint, found)
        })
        .collect();
    cache.phone_numbers.keep(phone_numbers.iter().cloned());
    let phone_severity = config.checks.phone_numbers;
    diags.extend(
        (phone_numbers.into_iter().flat_map(|(_, found)| found))
            .chain(checks::phone_numbers_in_config(&options.root))
            .map(|d| Diagnostic {
                severity: phone_severity,
                ..d
            }),
    );

    // Per language: its UI strings (callout titles) and the translations links prefer.
    let codes: Vec<String> = languages.iter().map(|l| l.code.to_lowercase()).collect();
    let targets: Vec<LinkTargets> = strings
        .iter()
        .enumerate()
        .map(|(lang, strings)| LinkTargets {
            pages_by_source: &site.paths_by_source,
            contacts: &config.contacts,
            strings,
            language: (lang > 0).then(|| codes[lang].as_str()),
            broken_links: config.checks.links,
        })
        .collect();
    // Links resolve against every page's path, so adding, removing or renaming a page renders
    // every document again; an edit inside a page does not.
    let paths_key = site
        .paths_by_source
        .iter()
        .map(|entry| hash_of(&entry))
        .fold(0u64, u64::wrapping_add);
    let targets_keys: Vec<u64> = targets
        .iter()
        .map(|t| {
            hash_of(&(
                paths_key,
                &config.contacts,
                t.strings,
                t.language,
                t.broken_links,
                config.highlight_code,
            ))
        })
        .collect();
    let code_blocks = CodeBlocks {
        syntaxes: config.highlight_code.then_some(&cache.syntaxes),
        kept: &cache.highlighted,
    };
    let rendered: Vec<_> = docs
        .par_iter()
        .map(|&(doc, path, lang)| {
            let key = hash_of(&(doc.fingerprint, path, targets_keys[lang]));
            let value = cache.rendered.get_or_make(&key, || {
                let (rendered, found) = markdown::render(doc, path, &targets[lang], &code_blocks);
                (Arc::new(rendered), found)
            });
            (key, value)
        })
        .collect();
    cache.rendered.keep(rendered.iter().cloned());
    cache.highlighted.keep(
        rendered
            .iter()
            .flat_map(|(_, (done, _))| done.highlighted.iter().cloned()),
    );
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
    // Tag pages are listed (empty) before links are checked, so articles may link to them.
    let tag_pages = TagPages::new(&site, &languages, &renderer, &mut diags);
    files.extend(tag_pages.feeds(&languages, &site, &summaries));
    let tag_paths = tag_pages.paths();
    let tag_pages_at = files.len();
    files.extend(
        tag_paths
            .iter()
            .map(|path| OutputFile::bytes(file_for_site_path(path), Vec::new())),
    );
    // The feeds are written while the links are checked, which needs only their paths.
    let feeds_at = files.len();
    files.push(OutputFile::bytes("sitemap.xml", Vec::new()));
    for language in &languages {
        files.push(OutputFile::bytes(
            format!("{}atom.xml", language.root),
            Vec::new(),
        ));
    }
    // Checked with the other errors; added after the link check, so links go to the pages.
    let redirects = aliases::redirects(&languages, &site, &files, &mut diags);
    let ((sitemap, atoms), search) = rayon::join(
        || {
            rayon::join(
                || feeds::sitemap(&languages, &site, &tag_paths),
                || {
                    (languages.iter().enumerate())
                        .map(|(lang, language)| feeds::atom(language, lang, &site, &summaries))
                        .collect::<Vec<_>>()
                },
            )
        },
        || {
            let search = config.search.enabled.then(|| {
                search_input(
                    &languages,
                    &docs,
                    &pages,
                    &sections,
                    &mut cache.search_tokens,
                    options.defer_search,
                )
            });
            let search = match (search, options.defer_search) {
                (Some(search), false) => {
                    files.extend(search.index_files());
                    None
                }
                (search, _) => search,
            };
            checks::check_links(
                &site,
                &pages,
                &sections,
                &files,
                config.checks.links,
                &mut cache.broken_links,
                &mut diags,
            );
            search
        },
    );
    files[feeds_at] = OutputFile::bytes("sitemap.xml", sitemap);
    for (i, atom) in atoms.into_iter().enumerate() {
        let at = feeds_at + 1 + i;
        files[at] = OutputFile::bytes(files[at].path.clone(), atom);
    }
    files.extend(redirects);
    if diags.has_errors() {
        return Err(Error::new(diags.list));
    }

    let data = RenderedSite {
        config: &config,
        languages: &languages,
        site: &site,
        pages: &pages,
        sections: &sections,
    };
    let shared = renderer.shared(&data, &strings, &mut cache.template_values);
    let keys: Vec<u64> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| renderer.page_key(&data, &shared, i))
        .chain(
            (0..site.sections.len())
                .into_par_iter()
                .map(|i| renderer.section_key(&data, &shared, i)),
        )
        .collect();
    let paths: Vec<&str> = docs.iter().map(|&(_, path, _)| path).collect();
    let html: Vec<_> = keys
        .par_iter()
        .enumerate()
        .map(|(i, key)| {
            cache.html.get_or_make(key, || {
                let html = match i.checked_sub(site.pages.len()) {
                    None => renderer.render_page(&data, &shared, i)?,
                    Some(s) => renderer.render_section(&data, &shared, s)?,
                };
                Ok(Arc::from(html))
            })
        })
        .collect();
    let tag_html = tag_pages.render(&renderer, &data, &shared, &cache.html);
    cache.html.keep(
        keys.into_iter()
            .zip(html.iter().cloned())
            .chain(tag_html.iter().cloned()),
    );
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
    for (at, (_, html)) in (tag_pages_at..).zip(tag_html) {
        match html {
            Ok(html) => {
                made.push(at);
                files[at] = OutputFile::shared(files[at].path.clone(), html);
            }
            Err(e) => diags.extend(e.diagnostics),
        }
    }
    // The pages quire makes itself, when the theme has their templates.
    let mut own_page = |file: &str, html: Result<Vec<u8>>| match html {
        Ok(html) => {
            made.push(files.len());
            files.push(OutputFile::bytes(file, html));
        }
        Err(e) => diags.extend(e.diagnostics),
    };
    if renderer.has_template("404.html") {
        own_page("404.html", renderer.render_not_found(&data, &shared));
    }
    if config.search.enabled && renderer.has_template("search.html") {
        for (lang, language) in languages.iter().enumerate() {
            own_page(
                &format!("{}search/index.html", language.root),
                renderer.render_search(&data, &shared, lang),
            );
        }
    }
    checks::check_unique_files(&files, &mut diags);
    let html: AHashMap<&str, &[u8]> = made
        .iter()
        .filter_map(|&i| match &files[i].contents {
            Contents::Bytes(bytes) => Some((files[i].path.as_str(), &bytes[..])),
            _ => None,
        })
        .collect();
    checks::check_reachable(&site, &html, &mut cache.linked_files, &mut diags);
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

/// What the search indexes are made of; each page's tokens are counted once and, when `keep`,
/// kept while its title and text are unchanged.
fn search_input(
    languages: &[Language],
    docs: &[(&Document, &str, usize)],
    pages: &[Arc<Rendered>],
    sections: &[Arc<Rendered>],
    memo: &mut Memo<u64, Arc<search::PageTokens>>,
    keep: bool,
) -> SearchInput {
    let pages: Vec<(String, String, Arc<Rendered>)> = docs
        .iter()
        .zip(pages.iter().chain(sections))
        .map(|(&(doc, path, _), rendered)| (path.to_owned(), doc.title.clone(), rendered.clone()))
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
    // The tokens are a tenth of a build's memory. Only a build that merges its index later
    // (`defer_search`: `quire serve`, the one caller that builds again) keeps them; one that
    // writes its index now frees them with it, before the templates run.
    match keep {
        true => memo.keep(counted.iter().cloned()),
        false => memo.keep([]),
    }
    let mut by_language: Vec<(String, LanguagePages)> = languages
        .iter()
        .map(|l| (l.root.clone(), LanguagePages::default()))
        .collect();
    for ((page, (_, tokens)), &(_, _, lang)) in pages.into_iter().zip(counted).zip(docs) {
        by_language[lang].1.pages.push(page);
        by_language[lang].1.tokens.push(tokens);
    }
    SearchInput {
        languages: by_language,
    }
}

/// The content stage: the walk and the documents come from `cache` unless the watcher said
/// they changed.
fn load_content(
    options: &BuildOptions,
    load: &LoadOptions,
    cache: &mut BuildCache,
) -> Result<Arc<Site>> {
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
    let docs: Vec<_> = read.into_iter().map(|(doc, _)| doc).collect();
    if let Some(kept) = &mut cache.assembled
        && Arc::ptr_eq(&kept.listing, &listing)
        && kept.load == *load
        && content::replace_bodies(Arc::make_mut(&mut kept.site), &kept.docs, &docs)
    {
        kept.docs = docs;
        return Ok(kept.site.clone());
    }
    cache.assembled = None;
    let site = Arc::new(content::assemble(&listing, docs.clone(), load)?);
    cache.assembled = Some(Assembled {
        listing,
        load: load.clone(),
        docs,
        site: site.clone(),
    });
    Ok(site)
}

/// Builds the site and swaps it into the output folder; on any error the old site stays.
/// For a process that ends after it (`quire build`): the site's memory is not freed.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    crate::heap::reserve_thread_heaps();
    let config = load_config(options)?;
    let output_dir = options.root.join(&config.output_dir);
    output::check_output_dir(&options.root, &output_dir)?;
    // What a build holds is left for the process's exit to give back: freeing a 10,000-page
    // site's millions of pieces one by one takes 0.1 s of a core the writes need.
    let mut cache = BuildCache::default();
    let built = render_site_cached(options, &mut cache);
    std::mem::forget(cache);
    let mut built = built?;
    output::write_site(&output_dir, &built.files)?;
    let report = BuildReport {
        output_dir: config.output_dir,
        warnings: std::mem::take(&mut built.warnings),
        page_count: built.page_count,
        section_count: built.section_count,
        file_count: built.files.len(),
        elapsed: started.elapsed(),
    };
    std::mem::forget(built);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_build_that_defers_its_index_keeps_the_search_tokens() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(
            dir.path().join("content/a.md"),
            "---\ntitle: A\n---\n\n提现\n",
        )
        .unwrap();
        let options = BuildOptions {
            root: dir.path().to_owned(),
            ..BuildOptions::default()
        };
        let mut cache = BuildCache::default();
        let built = render_site_cached(&options, &mut cache).unwrap();
        assert!(built.files.iter().any(|f| f.path == "search/meta.json"));
        assert!(cache.search_tokens.is_empty(), "freed with the index");
        let deferred = BuildOptions {
            defer_search: true,
            ..options
        };
        let built = render_site_cached(&deferred, &mut cache).unwrap();
        assert!(built.search.is_some());
        assert!(!cache.search_tokens.is_empty(), "kept for the next build");
    }

    #[test]
    fn an_edit_beside_a_code_block_does_not_highlight_it_again() {
        let dir = tempfile::tempdir().unwrap();
        let page =
            |text: &str| format!("---\ntitle: A\n---\n\n{text}\n\n```rust\nfn main() {{}}\n```\n");
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        let write =
            |text: &str| std::fs::write(dir.path().join("content/a.md"), page(text)).unwrap();
        write("Before.");
        let options = BuildOptions {
            root: dir.path().to_owned(),
            ..BuildOptions::default()
        };
        let mut cache = BuildCache::default();
        render_site_cached(&options, &mut cache).unwrap();
        let key = hash_of(&("rust", "fn main() {}\n"));
        let first = cache.highlighted.get(&key).expect("highlighted and kept");

        write("After an edit.");
        cache.forget(&FileChanges::everything());
        render_site_cached(&options, &mut cache).unwrap();
        let second = cache.highlighted.get(&key).expect("still kept");
        assert!(Arc::ptr_eq(&first, &second), "the kept HTML was reused");
    }
}
