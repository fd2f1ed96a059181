//! The one place that knows the order of the stages: config -> content -> markdown -> link
//! check -> templates -> feeds -> output. `quire build`, `quire check` and `quire serve` all
//! come through here.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Document, Listing, LoadOptions, Site};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::markdown::{self, LinkTargets, Rendered};
use crate::memo::{FileChanges, Memo, hash_of};
use crate::output::{self, Contents, OutputFile, file_for_site_path};
use crate::templates::{RenderedSite, Renderer, template_name, templates_key};
use crate::theme::{self, Source, Theme};
use crate::{feeds, url};

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
}

/// A site built in memory, not yet written.
#[derive(Debug)]
pub struct BuiltSite {
    pub config: Config,
    pub files: Vec<OutputFile>,
    pub warnings: Vec<Diagnostic>,
    pub page_count: usize,
    pub section_count: usize,
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
    Ok(config)
}

/// Runs every stage in memory and returns the files of the site, or every error found.
pub fn render_site(options: &BuildOptions) -> Result<BuiltSite> {
    render_site_cached(options, &mut BuildCache::default())
}

/// What one build keeps for the next, so `quire serve` redoes only the work an edit reached.
/// Each stage's results are keyed by a hash of that stage's inputs; the only outside hint is
/// `forget`, through which the file watcher says which files to read again.
#[derive(Default)]
pub struct BuildCache {
    /// The walk of content/; dropped when files or folders are created, removed or renamed.
    listing: Option<Arc<Listing>>,
    /// Parsed markdown files, by path; dropped when the watcher reports the file changed.
    documents: Memo<PathBuf, Result<Arc<Document>>>,
    /// Markdown rendered to HTML, by document, URL and the link targets it could resolve.
    rendered: Memo<u64, (Arc<Rendered>, Vec<Diagnostic>)>,
    /// Compiled templates, by the hash of their names and texts.
    renderer: Option<Arc<Renderer>>,
    /// Section views converted to template values, by the hash of the view.
    section_values: Memo<u64, tera::Value>,
    /// Finished pages, by the hash of everything their templates see.
    html: Memo<u64, std::result::Result<Arc<[u8]>, Diagnostic>>,
}

impl BuildCache {
    /// Drops whatever was read from the files in `changes`.
    pub fn forget(&mut self, changes: &FileChanges) {
        if changes.structure || changes.everything {
            self.listing = None;
        }
        self.documents.forget(changes);
    }

    fn listing(&mut self, root: &Path) -> Result<Arc<Listing>> {
        if let Some(listing) = &self.listing {
            return Ok(listing.clone());
        }
        let listing = Arc::new(content::walk(root)?);
        self.listing = Some(listing.clone());
        Ok(listing)
    }

    fn renderer(&mut self, theme: &Theme) -> Result<Arc<Renderer>> {
        match &self.renderer {
            Some(r) if r.key() == templates_key(theme) => Ok(r.clone()),
            _ => {
                let renderer = Arc::new(Renderer::new(theme)?);
                self.renderer = Some(renderer.clone());
                Ok(renderer)
            }
        }
    }
}

/// Runs every stage, reusing what `cache` kept from earlier builds of the same site.
pub fn render_site_cached(options: &BuildOptions, cache: &mut BuildCache) -> Result<BuiltSite> {
    let config = load_config(options)?;
    let listing = cache.listing(&options.root)?;
    let documents = &cache.documents;
    // Files reached through a symbolic link change without the watcher seeing it: read them always.
    let docs: Vec<_> = listing
        .markdown
        .par_iter()
        .map(|f| match f.linked {
            true => f.read().map(Arc::new),
            false => documents.get_or_make(&f.file, || f.read().map(Arc::new)),
        })
        .collect();
    cache.documents.keep(
        listing
            .markdown
            .iter()
            .map(|f| f.file.clone())
            .zip(docs.iter().cloned()),
    );
    let site = content::assemble(
        &listing,
        docs,
        LoadOptions {
            drafts: options.drafts,
        },
    )?;
    let theme = theme::load(&options.root, &config.theme, &config.language)?;
    let renderer = cache.renderer(&theme)?;

    let mut diags = Diagnostics::default();
    diags.extend(site.warnings.iter().cloned());
    check_templates_exist(&options.root, &site, &renderer, &mut diags);

    let targets = LinkTargets {
        pages_by_source: &site.paths_by_source,
    };
    // Links resolve against every page's path, so a page that is added, removed or renamed
    // renders every document again; an edit inside a page does not.
    let targets_key = site
        .paths_by_source
        .iter()
        .map(|entry| hash_of(&entry))
        .fold(0u64, u64::wrapping_add);
    let docs: Vec<(&Document, &str)> = site
        .pages
        .iter()
        .map(|p| (&*p.doc, p.path.as_str()))
        .chain(site.sections.iter().map(|s| (&*s.doc, s.path.as_str())))
        .collect();
    let rendered: Vec<_> = docs
        .par_iter()
        .map(|&(doc, path)| {
            let key = hash_of(&(doc.fingerprint, path, targets_key));
            let value = cache.rendered.get_or_make(&key, || {
                let (rendered, diags) = markdown::render(doc, path, &targets);
                (Arc::new(rendered), diags)
            });
            (key, value)
        })
        .collect();
    cache.rendered.keep(rendered.iter().cloned());
    let mut pages: Vec<Arc<Rendered>> = Vec::with_capacity(rendered.len());
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
    files.push(OutputFile::bytes(
        "sitemap.xml",
        feeds::sitemap(&config, &site),
    ));
    files.push(OutputFile::bytes("robots.txt", feeds::robots(&config)));
    files.push(OutputFile::bytes(
        "atom.xml",
        feeds::atom(&config, &site, &summaries),
    ));

    check_links(&options.root, &site, &pages, &sections, &files, &mut diags);
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
    let html: Vec<_> = keys
        .par_iter()
        .enumerate()
        .map(|(i, key)| {
            cache.html.get_or_make(key, || {
                let html = match i.checked_sub(site.pages.len()) {
                    None => renderer.render_page(&data, &shared, i),
                    Some(s) => renderer.render_section(&data, &shared, s),
                };
                html.map(|h| Arc::from(h.into_bytes()))
            })
        })
        .collect();
    cache.html.keep(keys.into_iter().zip(html.iter().cloned()));
    let paths = site
        .pages
        .iter()
        .map(|p| &p.path)
        .chain(site.sections.iter().map(|s| &s.path));
    for (path, result) in paths.zip(html) {
        match result {
            Ok(html) => files.push(OutputFile::shared(file_for_site_path(path), html)),
            Err(d) => diags.push(d),
        }
    }
    if renderer.has_template("404.html") {
        match renderer.render_not_found(&data, &shared) {
            Ok(html) => files.push(OutputFile::bytes("404.html", html)),
            Err(d) => diags.push(d),
        }
    }
    check_unique_files(&files, &mut diags);
    let warnings = diags.into_result(options.strict)?;
    Ok(BuiltSite {
        page_count: site.pages.len(),
        section_count: site.sections.len(),
        config,
        files,
        warnings,
    })
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

fn check_templates_exist(root: &Path, site: &Site, renderer: &Renderer, diags: &mut Diagnostics) {
    let docs = site.pages.iter().map(|p| (&p.doc, "page.html")).chain(
        site.sections
            .iter()
            .enumerate()
            .map(|(i, s)| (&s.doc, if i == 0 { "index.html" } else { "section.html" })),
    );
    for (doc, fallback) in docs {
        let name = template_name(doc, fallback);
        if !renderer.has_template(name) {
            let mut d = Diagnostic::error(&doc.source, format!("template `{name}` does not exist"));
            d = match &doc.meta.template {
                Some(_) => {
                    let line = doc.body_line.saturating_sub(1);
                    let text = std::fs::read_to_string(root.join(&doc.source)).unwrap_or_default();
                    let line = text
                        .lines()
                        .position(|l| l.starts_with("template"))
                        .map_or(line, |i| i + 1);
                    d.at_line(line).help("create it in templates/ or in the theme's templates/, or remove `template:`")
                }
                None => d.help(format!(
                    "the theme must provide {name}; create templates/{name} in the site to add it"
                )),
            };
            diags.push(d);
        }
    }
}

/// Every internal link must reach a page, section or file of this build, and its `#fragment`
/// a heading of the target page.
fn check_links(
    root: &Path,
    site: &Site,
    pages: &[Arc<Rendered>],
    sections: &[Arc<Rendered>],
    files: &[OutputFile],
    diags: &mut Diagnostics,
) {
    let docs: Vec<(&Document, &str, &Rendered)> = (site
        .pages
        .iter()
        .map(|p| (&*p.doc, p.path.as_str()))
        .zip(pages))
    .chain(
        site.sections
            .iter()
            .map(|s| (&*s.doc, s.path.as_str()))
            .zip(sections),
    )
    .map(|((doc, path), rendered)| (doc, path, &**rendered))
    .collect();
    let headings: HashMap<&str, &[String]> = docs
        .iter()
        .map(|&(_, path, r)| (path, &r.heading_ids[..]))
        .collect();
    let file_paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let (headings, file_paths) = (&headings, &file_paths);
    let problems: Vec<Diagnostic> = docs
        .par_iter()
        .flat_map_iter(|&(doc, path, rendered)| {
            rendered.links.iter().filter_map(move |link| {
                let target = if link.target.is_empty() { path } else { link.target.as_str() };
                let decoded = match target.contains('%') {
                    true => url::decode_path(target).unwrap_or_else(|| target.to_owned()).into(),
                    false => std::borrow::Cow::Borrowed(target),
                };
                let ids = headings.get(&*decoded).or_else(|| match decoded.ends_with('/') || decoded.is_empty() {
                    true => None,
                    false => headings.get(format!("{decoded}/").as_str()),
                });
                let message = match ids {
                    Some(ids) => match &link.fragment {
                        Some(f) if !f.is_empty() && !ids.contains(f) => {
                            format!("the link `{}` points to a heading `#{f}` that does not exist", link.written)
                        }
                        _ => return None,
                    },
                    None if file_paths.contains(&*decoded) || file_paths.contains(file_for_site_path(&decoded).as_str()) => return None,
                    None => format!("the link `{}` points to nothing in this site", link.written),
                };
                let mut d = Diagnostic::error(&doc.source, message)
                    .at(link.line, link.column)
                    .help("check the spelling; a heading's anchor is its text in lower case with spaces as `-` and punctuation removed");
                if let Ok(text) = std::fs::read_to_string(root.join(&doc.source)) {
                    d = d.with_source(&text);
                }
                Some(d)
            })
        })
        .collect();
    diags.extend(problems);
}

fn check_unique_files(files: &[OutputFile], diags: &mut Diagnostics) {
    let mut seen = HashSet::new();
    for f in files {
        if !seen.insert(f.path.as_str()) {
            diags.push(
                Diagnostic::error(&f.path, format!("two things in the site would be written to {}", f.path))
                    .help("a static file or asset has the same path as a page or another file; rename one"),
            );
        }
    }
}
