//! Checks that need the whole site at once: every internal link reaches a page, heading or
//! file; every page is reachable from the home page through the HTML that was generated; no
//! phone number appears except through a declared contact; no two outputs share a path.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use ahash::{AHashMap, AHashSet};

use rayon::prelude::*;

use crate::config::CONFIG_FILE;
use crate::content::{Document, Site};
use crate::error::{Diagnostic, Diagnostics, Severity};
use crate::hotline;
use crate::markdown::{self, LinkTarget, Rendered};
use crate::memo::{Memo, hash_of};
use crate::output::{OutputFile, file_for_site_path};
use crate::templates::{Renderer, template_name};
use crate::url;

/// The hotline guard over one article: numbers only through declared contacts. Code blocks
/// are left out (command output and listings are full of numbers no reader would dial), and
/// so are link labels naming their web address (commit hashes in changelogs); inline code in
/// a sentence is still checked. A pure function of the document, so
/// `quire serve` keeps its result until the file changes.
pub(crate) fn phone_numbers_in(doc: &Document) -> Vec<Diagnostic> {
    let mut found = hotline::check(&doc.front_matter, 2, &doc.source, &[]);
    let in_body = hotline::check(&doc.body, doc.body_line, &doc.source, &[]);
    if in_body.is_empty() {
        return found; // the common case: no second look at the markdown
    }
    let unchecked = markdown::ranges_without_phone_numbers(&doc.body);
    found.extend(hotline::check(
        &doc.body,
        doc.body_line,
        &doc.source,
        &unchecked,
    ));
    found
}

/// The hotline guard over site.yaml.
pub(crate) fn phone_numbers_in_config(root: &Path) -> Vec<Diagnostic> {
    match std::fs::read_to_string(root.join(CONFIG_FILE)) {
        Ok(text) => hotline::check_config(&text, Path::new(CONFIG_FILE)),
        Err(_) => Vec::new(),
    }
}

/// Every internal link must reach a page, section or file of this build, and its `#fragment`
/// a heading of the target page. Each document's findings are kept in `kept` by what they
/// depend on (the document, its rendering, and every path and heading links can reach), so an
/// edit that keeps every page's path and headings checks only the edited page again.
/// Each finding has the severity site.yaml gives links (`severity`).
pub(crate) fn check_links(
    site: &Site,
    pages: &[Arc<Rendered>],
    sections: &[Arc<Rendered>],
    files: &[OutputFile],
    severity: Severity,
    kept: &mut Memo<u64, Arc<[Diagnostic]>>,
    diags: &mut Diagnostics,
) {
    let docs: Vec<(&Document, &str, &Rendered)> = site
        .pages
        .iter()
        .map(|p| (&*p.doc, p.path.as_str()))
        .zip(pages)
        .chain(
            site.sections
                .iter()
                .map(|s| (&*s.doc, s.path.as_str()))
                .zip(sections),
        )
        .map(|((doc, path), rendered)| (doc, path, &**rendered))
        .collect();
    let targets: Vec<(&str, &[String])> = docs
        .iter()
        .map(|&(_, path, rendered)| (path, &rendered.heading_ids[..]))
        .collect();
    let file_paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let targets_key = hash_of(&(&targets, &file_paths, severity));
    let found: Vec<(u64, Option<Arc<[Diagnostic]>>)> = docs
        .par_iter()
        .map(|&(doc, path, rendered)| {
            let key = hash_of(&(targets_key, doc.fingerprint, path, rendered.key));
            (key, kept.get(&key))
        })
        .collect();
    let headings: AHashMap<&str, &[String]> = match found.iter().any(|(_, f)| f.is_none()) {
        true => targets.into_iter().collect(),
        false => AHashMap::new(),
    };
    let file_paths: AHashSet<&str> = match headings.is_empty() {
        true => AHashSet::new(),
        false => file_paths.into_iter().collect(),
    };
    let found: Vec<(u64, Arc<[Diagnostic]>)> = (docs.par_iter().zip(found))
        .map(|(&(doc, path, rendered), (key, found))| {
            let found = found.unwrap_or_else(|| {
                broken_links(doc, path, rendered, &headings, &file_paths, severity).into()
            });
            (key, found)
        })
        .collect();
    for (_, problems) in &found {
        diags.extend(problems.iter().cloned());
    }
    kept.keep(found);
}

/// The links of one document that reach nothing in `headings` (every page's headings, by
/// path) or `file_paths`.
fn broken_links(
    doc: &Document,
    path: &str,
    rendered: &Rendered,
    headings: &AHashMap<&str, &[String]>,
    file_paths: &AHashSet<&str>,
    severity: Severity,
) -> Vec<Diagnostic> {
    rendered
        .links
        .iter()
        .filter_map(|link| {
            let target = match &link.target {
                LinkTarget::Internal(t) if t.is_empty() => path,
                LinkTarget::Internal(t) => t.as_str(),
                LinkTarget::External(_) => return None,
            };
            let decoded: Cow<str> = match target.contains('%') {
                true => url::decode_path(target).map_or(Cow::Borrowed(target), Cow::Owned),
                false => Cow::Borrowed(target),
            };
            let ids = headings.get(&*decoded).or_else(|| {
                let is_page = decoded.ends_with('/') || decoded.is_empty();
                (!is_page)
                    .then(|| headings.get(format!("{decoded}/").as_str()))
                    .flatten()
            });
            let message = match ids {
                Some(ids) => match &link.fragment {
                    Some(f) if !f.is_empty() && !ids.contains(f) => format!(
                        "the link `{}` points to a heading `#{f}` that does not exist",
                        link.written
                    ),
                    _ => return None,
                },
                None if file_paths.contains(&*decoded)
                    || file_paths.contains(file_for_site_path(&decoded).as_str()) =>
                {
                    return None;
                }
                None => format!("the link `{}` points to nothing in this site", link.written),
            };
            let mut d = Diagnostic::new(severity, &doc.source, message)
                .at(link.line, link.column)
                .help("check the spelling; a heading's anchor is its text in lower case with spaces as `-` and punctuation removed");
            d.source_line = doc.line_text(link.line).map(str::to_owned);
            Some(d)
        })
        .collect()
}

pub(crate) fn check_unique_files(files: &[OutputFile], diags: &mut Diagnostics) {
    let mut seen = AHashSet::with_capacity(files.len());
    for f in files {
        if !seen.insert(f.path.as_str()) {
            diags.push(
                Diagnostic::error(&f.path, format!("two things in the site would be written to {}", f.path))
                    .help("a static file or asset has the same path as a page or another file; rename one"),
            );
        }
    }
}

/// The output files that the HTML file `file` links to.
fn linked_files(file: &str, html: &[u8]) -> Vec<String> {
    let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    let Ok(text) = std::str::from_utf8(html) else {
        return Vec::new();
    };
    let mut files: Vec<String> = hrefs(text)
        .filter_map(|href| resolve_href(dir, &href))
        .collect();
    files.sort_unstable();
    files.dedup();
    files
}

/// Pages that no link reaches when following the generated HTML from the home page: readers
/// (and search engines) would never find them. `html` holds every HTML file of the build by
/// path. Files are read level by level from the home page and the crawl stops as soon as every
/// page is reached: listings usually lead to every page, so a large site's articles are never
/// parsed here. The files each file links to are kept in `kept` by the file's path and bytes,
/// so a rebuild reads again only the listings that changed.
pub(crate) fn check_reachable(
    site: &Site,
    html: &AHashMap<&str, &[u8]>,
    kept: &mut Memo<u64, Arc<[String]>>,
    diags: &mut Diagnostics,
) {
    let docs: Vec<(String, &Document)> = site
        .pages
        .iter()
        .map(|p| (file_for_site_path(&p.path), &*p.doc))
        .chain(
            site.sections
                .iter()
                .map(|s| (file_for_site_path(&s.path), &*s.doc)),
        )
        .collect();
    let wanted: AHashSet<&str> = docs.iter().map(|(file, _)| file.as_str()).collect();
    let mut seen: AHashSet<&str> = AHashSet::with_capacity(html.len());
    seen.insert("index.html");
    let mut unreached = wanted.len() - usize::from(wanted.contains("index.html"));
    // Breadth first: the home page's links first, then theirs, so listings are read before pages.
    let mut level: Vec<&str> = vec!["index.html"];
    let mut read: Vec<(u64, Arc<[String]>)> = Vec::new();
    while unreached > 0 && !level.is_empty() {
        let memo = &*kept;
        let found: Vec<(u64, Arc<[String]>)> = level
            .par_iter()
            .filter_map(|file| {
                let h = html.get(file)?;
                let key = hash_of(&(file, h));
                Some((key, memo.get_or_make(&key, || linked_files(file, h).into())))
            })
            .collect();
        let mut next = Vec::new();
        for target in found.iter().flat_map(|(_, targets)| targets.iter()) {
            if let Some((&target, _)) = html.get_key_value(target.as_str())
                && seen.insert(target)
            {
                unreached -= usize::from(wanted.contains(target));
                next.push(target);
            }
        }
        level = next;
        read.extend(found);
    }
    kept.keep(read);
    if unreached == 0 {
        return;
    }
    for (file, doc) in docs {
        if !seen.contains(file.as_str()) {
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
    pages: &[Arc<Rendered>],
    sections: &[Arc<Rendered>],
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
    let sections = site.sections.iter().map(|s| match s.parent {
        None => (&s.doc, "index.html"),
        Some(_) => (&s.doc, "section.html"),
    });
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
