//! The one place that knows the order of the stages: config -> content -> markdown -> link
//! check -> templates -> feeds -> output. `quire build`, `quire check` and `quire serve` all
//! come through here.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, LoadOptions};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::markdown::{self, LinkTargets, Rendered};
use crate::output::{self, Contents, OutputFile, file_for_site_path};
use crate::templates::{RenderedSite, Renderer};
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
    let config = load_config(options);
    let site = content::load(
        &options.root,
        &LoadOptions {
            drafts: options.drafts,
            home_title: config.as_ref().map(|c| c.title.clone()).unwrap_or_default(),
        },
    );
    // Report the problems of site.yaml and of every article together.
    let (config, site) = match (config, site) {
        (Ok(config), Ok(site)) => (config, site),
        (config, site) => {
            let errors = config.err().into_iter().chain(site.err());
            return Err(Error::new(errors.flat_map(|e| e.diagnostics).collect()));
        }
    };
    let theme = theme::load(&options.root, &config.theme, &config.language)?;
    let renderer = Renderer::new(&theme)?;

    let mut diags = Diagnostics::default();
    diags.extend(site.warnings.iter().cloned());
    checks::check_templates_exist(&site, &renderer, &mut diags);
    checks::check_phone_numbers(&options.root, &site, &mut diags);

    let targets = LinkTargets {
        pages_by_source: &site.paths_by_source,
        contacts: &config.contacts,
        strings: &theme.strings,
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
    files.extend(search::site_index(&site, &pages, &sections));

    checks::check_links(&site, &pages, &sections, &files, &mut diags);
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
    if renderer.has_template("search.html") {
        match renderer.render_search(&shared) {
            Ok(html) => files.push(OutputFile::bytes("search/index.html", html)),
            Err(e) => diags.extend(e.diagnostics),
        }
    }
    checks::check_unique_files(&files, &mut diags);
    checks::check_reachable(&site, &files, &mut diags);
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
