//! Checks that need the whole site at once: every internal link reaches a page, heading or
//! file; every page is reachable from the home page through the HTML that was generated; no
//! phone number appears except through a declared contact; no two outputs share a path.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::config::CONFIG_FILE;
use crate::content::Site;
use crate::error::{Diagnostic, Diagnostics};
use crate::hotline;
use crate::markdown::{LinkTarget, Rendered};
use crate::output::{OutputFile, file_for_site_path};
use crate::templates::{Renderer, template_name};
use crate::url;

/// The hotline guard over every article and site.yaml: numbers only through declared contacts.
pub(crate) fn check_phone_numbers(root: &Path, site: &Site, diags: &mut Diagnostics) {
    let docs: Vec<_> = site
        .pages
        .iter()
        .map(|p| &p.doc)
        .chain(site.sections.iter().map(|s| &s.doc))
        .collect();
    let found: Vec<Diagnostic> = docs
        .par_iter()
        .flat_map_iter(|doc| {
            let mut found = hotline::check(&doc.front_matter, 2, &doc.source);
            found.extend(hotline::check(&doc.body, doc.body_line, &doc.source));
            found
        })
        .collect();
    diags.extend(found);
    if let Ok(text) = std::fs::read_to_string(root.join(CONFIG_FILE)) {
        diags.extend(hotline::check_config(&text, Path::new(CONFIG_FILE)));
    }
}

/// Every internal link must reach a page, section or file of this build, and its `#fragment`
/// a heading of the target page.
pub(crate) fn check_links(
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
            let target = match &link.target {
                LinkTarget::Internal(t) if t.is_empty() => path.as_str(),
                LinkTarget::Internal(t) => t.as_str(),
                LinkTarget::External(_) => continue,
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
                let mut d = Diagnostic::error(&doc.source, message)
                    .at(link.line, link.column)
                    .help("check the spelling; a heading's anchor is its text in lower case with spaces as `-` and punctuation removed");
                d.source_line = doc.line_text(link.line).map(str::to_owned);
                diags.push(d);
            }
        }
    }
}

pub(crate) fn check_unique_files(files: &[OutputFile], diags: &mut Diagnostics) {
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

/// Pages that no link reaches when following the generated HTML from the home page: readers
/// (and search engines) would never find them.
pub(crate) fn check_reachable(site: &Site, files: &[OutputFile], diags: &mut Diagnostics) {
    let html: HashMap<&str, &[u8]> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .filter_map(|f| match &f.contents {
            crate::output::Contents::Bytes(b) => Some((f.path.as_str(), b.as_slice())),
            _ => None,
        })
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut queue = vec!["index.html".to_owned()];
    while let Some(file) = queue.pop() {
        if !seen.insert(file.clone()) {
            continue;
        }
        let Some(bytes) = html.get(file.as_str()) else {
            continue;
        };
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        for href in hrefs(text) {
            if let Some(target) = resolve_href(dir, &href)
                && html.contains_key(target.as_str())
                && !seen.contains(&target)
            {
                queue.push(target);
            }
        }
    }
    let docs = site
        .pages
        .iter()
        .map(|p| (&p.path, &p.doc))
        .chain(site.sections.iter().map(|s| (&s.path, &s.doc)));
    for (path, doc) in docs {
        if !seen.contains(&file_for_site_path(path)) {
            diags.push(
                Diagnostic::warning(&doc.source, "no link leads to this page: it is in no navigation, listing or article")
                    .help("link to it from a related article or its section page, or mark it `draft: true`"),
            );
        }
    }
}

/// The values of `href="..."` attributes, with `&amp;` decoded.
fn hrefs(html: &str) -> impl Iterator<Item = String> + '_ {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|v| v.replace("&amp;", "&"))
}

/// The output file an internal href from a file in `dir` points to; `None` for external links.
fn resolve_href(dir: &str, href: &str) -> Option<String> {
    let href = href.split(['#', '?']).next()?;
    if href.is_empty() || href.starts_with("//") || href.contains(':') {
        return None;
    }
    let href = url::decode_path(href)?;
    let mut parts: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    Some(if href.ends_with('/') || joined.is_empty() {
        file_for_site_path(format!("{joined}/").trim_start_matches('/'))
    } else {
        joined
    })
}

/// Every `http(s)://` link of the site, with the places it is written.
pub(crate) fn external_links(
    site: &Site,
    pages: &[Rendered],
    sections: &[Rendered],
) -> BTreeMap<String, Vec<crate::external::Place>> {
    let mut urls: BTreeMap<String, Vec<crate::external::Place>> = BTreeMap::new();
    let docs = site
        .pages
        .iter()
        .map(|p| &p.doc)
        .zip(pages)
        .chain(site.sections.iter().map(|s| &s.doc).zip(sections));
    for (doc, rendered) in docs {
        for link in &rendered.links {
            if let LinkTarget::External(url) = &link.target {
                urls.entry(url.clone()).or_default().push((
                    doc.source.clone(),
                    link.line,
                    link.column,
                ));
            }
        }
    }
    urls
}

/// Every page and section's template must exist; a `template:` that names a missing one is
/// reported at its front matter line.
pub(crate) fn check_templates_exist(site: &Site, renderer: &Renderer, diags: &mut Diagnostics) {
    let pages = site.pages.iter().map(|p| (&p.doc, "page.html"));
    let sections = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.doc, if i == 0 { "index.html" } else { "section.html" }));
    for (doc, fallback) in pages.chain(sections) {
        let name = template_name(doc, fallback);
        if renderer.has_template(name) {
            continue;
        }
        let d = Diagnostic::error(&doc.source, format!("template `{name}` does not exist"));
        diags.push(match &doc.meta.template {
            Some(_) => {
                let line = doc
                    .front_matter
                    .lines()
                    .position(|l| l.starts_with("template"))
                    .map_or(1, |i| i + 2);
                let mut d = d.at_line(line).help(
                    "create it in templates/ or in the theme's templates/, or remove `template:`",
                );
                d.source_line = doc.line_text(line).map(str::to_owned);
                d
            }
            None => d.help(format!(
                "the theme must provide {name}; create templates/{name} in the site to add it"
            )),
        });
    }
}
