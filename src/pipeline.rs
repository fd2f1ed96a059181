//! The one place that knows the order of the stages: config -> content -> markdown -> link
//! check -> templates -> feeds -> output. `quire build`, `quire check` and `quire serve` all
//! come through here.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, LoadOptions, Site};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::markdown::{self, LinkTargets, Rendered};
use crate::output::{self, Contents, OutputFile, file_for_site_path};
use crate::templates::{RenderedSite, Renderer, template_name};
use crate::theme::{self, Source};
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
    let config = load_config(options)?;
    let site = content::load(
        &options.root,
        &LoadOptions {
            drafts: options.drafts,
            home_title: config.title.clone(),
        },
    )?;
    let theme = theme::load(&options.root, &config.theme, &config.language)?;
    let renderer = Renderer::new(&theme)?;

    let mut diags = Diagnostics::default();
    diags.extend(site.warnings.iter().cloned());
    check_templates_exist(&options.root, &site, &renderer, &mut diags);

    let targets = LinkTargets {
        pages_by_source: &site.paths_by_source,
    };
    let (pages, page_diags): (Vec<Rendered>, Vec<Vec<Diagnostic>>) = site
        .pages
        .par_iter()
        .map(|p| markdown::render(&p.doc, &p.path, &targets))
        .unzip();
    let (sections, section_diags): (Vec<Rendered>, Vec<Vec<Diagnostic>>) = site
        .sections
        .par_iter()
        .map(|s| markdown::render(&s.doc, &s.path, &targets))
        .unzip();
    diags.extend(page_diags.into_iter().flatten());
    diags.extend(section_diags.into_iter().flatten());

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
    let shared = renderer.shared(&data, &theme.strings);
    let page_html: Vec<_> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            renderer
                .render_page(&data, &shared, i)
                .map(|html| (file_for_site_path(&site.pages[i].path), html))
        })
        .collect();
    let section_html: Vec<_> = (0..site.sections.len())
        .into_par_iter()
        .map(|i| {
            renderer
                .render_section(&data, &shared, i)
                .map(|html| (file_for_site_path(&site.sections[i].path), html))
        })
        .collect();
    for result in page_html.into_iter().chain(section_html) {
        match result {
            Ok((path, html)) => files.push(OutputFile::bytes(path, html)),
            Err(e) => diags.extend(e.diagnostics),
        }
    }
    if renderer.has_template("404.html") {
        match renderer.render_not_found(&data, &shared) {
            Ok(html) => files.push(OutputFile::bytes("404.html", html)),
            Err(e) => diags.extend(e.diagnostics),
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
    pages: &[Rendered],
    sections: &[Rendered],
    files: &[OutputFile],
    diags: &mut Diagnostics,
) {
    let mut headings: HashMap<&str, HashSet<&str>> = HashMap::new();
    let docs = site
        .pages
        .iter()
        .map(|p| &p.path)
        .zip(pages)
        .chain(site.sections.iter().map(|s| &s.path).zip(sections));
    for (path, rendered) in docs.clone() {
        headings.insert(
            path.as_str(),
            rendered.heading_ids.iter().map(String::as_str).collect(),
        );
    }
    let file_paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let sources = site
        .pages
        .iter()
        .map(|p| &p.doc)
        .chain(site.sections.iter().map(|s| &s.doc));
    for ((path, rendered), doc) in docs.zip(sources) {
        for link in &rendered.links {
            let target = if link.target.is_empty() {
                path.as_str()
            } else {
                link.target.as_str()
            };
            let decoded = url::decode_path(target).unwrap_or_else(|| target.to_owned());
            let as_page = if decoded.ends_with('/') || decoded.is_empty() {
                decoded.clone()
            } else {
                format!("{decoded}/")
            };
            let problem = match headings
                .get(decoded.as_str())
                .or_else(|| headings.get(as_page.as_str()))
            {
                Some(ids) => match &link.fragment {
                    Some(f) if !f.is_empty() && !ids.contains(f.as_str()) => Some(format!(
                        "the link `{}` points to a heading `#{f}` that does not exist",
                        link.written
                    )),
                    _ => None,
                },
                None if file_paths.contains(decoded.as_str())
                    || file_paths.contains(file_for_site_path(&decoded).as_str()) =>
                {
                    None
                }
                None => Some(format!(
                    "the link `{}` points to nothing in this site",
                    link.written
                )),
            };
            if let Some(message) = problem {
                let text = std::fs::read_to_string(root.join(&doc.source)).ok();
                let mut d = Diagnostic::error(&doc.source, message)
                    .at(link.line, link.column)
                    .help("check the spelling; a heading's anchor is its text in lower case with spaces as `-` and punctuation removed");
                if let Some(text) = text {
                    d = d.with_source(&text);
                }
                diags.push(d);
            }
        }
    }
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
