//! Redirects for moved pages, so old links keep working: each URL in a page's front matter
//! `aliases` gets a small HTML page that sends readers on (meta refresh to a relative URL, a
//! canonical link, `noindex`, a visible link), and `_redirects` lists them all for hosts that
//! read one (Netlify, Cloudflare Pages). Aliases are never in the sitemap.

use std::path::Path;

use ahash::AHashMap;

use crate::config::Config;
use crate::content::{Document, Site};
use crate::error::{Diagnostic, Diagnostics};
use crate::languages::Language;
use crate::markdown::escape_html;
use crate::output::{OutputFile, file_for_site_path};
use crate::url::{decode_path, encode_path, root_prefix};

/// The file hosts such as Netlify and Cloudflare Pages read their redirects from.
const REDIRECTS_FILE: &str = "_redirects";

/// The redirect pages of every alias, and `_redirects` when there is any; an alias that is not
/// a path of this site, or that another page, alias or file already takes, is an error.
/// `files` are the other files of the build.
pub(crate) fn redirects(
    languages: &[Language],
    site: &Site,
    files: &[OutputFile],
    diags: &mut Diagnostics,
) -> Vec<OutputFile> {
    let pages = site.pages.iter().map(|p| (&p.doc, p.path.as_str(), p.lang));
    let sections = (site.sections.iter()).map(|s| (&s.doc, s.path.as_str(), s.lang));
    let docs: Vec<(&Document, &str, usize)> = pages
        .chain(sections)
        .map(|(d, p, lang)| (&**d, p, lang))
        .collect();
    if docs.iter().all(|(doc, _, _)| doc.meta.aliases.is_empty()) {
        return Vec::new();
    }
    let page_files: AHashMap<String, &Path> = docs
        .iter()
        .map(|&(doc, path, _)| (file_for_site_path(path), doc.source.as_path()))
        .collect();
    let other_files: ahash::AHashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut claimed: AHashMap<String, &Path> = AHashMap::new();
    let mut out = Vec::new();
    let mut listed = String::new();
    let base = languages[0].config.base_path();
    for (doc, path, lang) in docs {
        for alias in &doc.meta.aliases {
            let problem = |message: String, help: &str| {
                let line = doc.key_line("aliases");
                let mut d = Diagnostic::error(&doc.source, message)
                    .at_line(line)
                    .help(help);
                d.source_line = doc.line_text(line).map(str::to_owned);
                d
            };
            let file = match alias_file(alias) {
                Ok(file) => file,
                Err(why) => {
                    diags.push(problem(
                        format!("the alias `{alias}` {why}"),
                        "write an old URL of this site, e.g. `/old/path/` or `old/page.html`",
                    ));
                    continue;
                }
            };
            let this = doc.source.display();
            let taken = if let Some(other) = page_files.get(&file) {
                Some(format!(
                    "the alias `{alias}` of {this} is the URL of {}",
                    other.display()
                ))
            } else if let Some(other) = claimed.get(&file) {
                Some(format!(
                    "the alias `{alias}` is claimed by both {} and {this}",
                    other.display()
                ))
            } else if other_files.contains(file.as_str()) {
                Some(format!(
                    "the alias `{alias}` of {this} is where quire writes {file}"
                ))
            } else {
                None
            };
            if let Some(message) = taken {
                diags.push(problem(
                    message,
                    "remove the alias: an old URL can lead to one page only, and never to a page that exists",
                ));
                continue;
            }
            claimed.insert(file.clone(), &doc.source);
            let from = file.strip_suffix("index.html").unwrap_or(&file);
            listed.push_str(&format!(
                "{} {} 301\n",
                encode_path(&format!("{base}{from}")),
                encode_path(&format!("{base}{path}"))
            ));
            let html = redirect_page(&languages[lang].config, doc, path, &file);
            out.push(OutputFile::bytes(file, html));
        }
    }
    if other_files.contains(REDIRECTS_FILE) {
        diags.push(
            Diagnostic::warning(REDIRECTS_FILE, "the site has its own _redirects file, so the aliases are not added to it")
                .help("add the aliases' lines to your _redirects yourself, or delete it to have quire write it"),
        );
    } else if !out.is_empty() {
        out.push(OutputFile::bytes(REDIRECTS_FILE, listed));
    }
    out
}

/// The output file of an alias (`/old/path/` -> `old/path/index.html`, `old.html` stays),
/// or why it cannot be one. Aliases are site paths: a leading `/` is the site root.
fn alias_file(alias: &str) -> Result<String, &'static str> {
    let alias = alias.trim();
    if alias.contains("://") || alias.starts_with("//") {
        return Err("is a full URL; an alias is a path of this site");
    }
    if alias.contains(['?', '#', '\\']) {
        return Err("may not contain `?`, `#` or `\\`");
    }
    let decoded = decode_path(alias).ok_or("has a broken `%` escape")?;
    let path = decoded.trim_start_matches('/');
    if path.is_empty() {
        return Err("is the home page");
    }
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err("has an empty, `.` or `..` segment");
    }
    let last = segments.last().expect("a non-empty path has a segment");
    let lower = last.to_lowercase();
    if path.ends_with('/') || !last.contains('.') {
        Ok(file_for_site_path(&format!("{}/", segments.join("/"))))
    } else if lower.ends_with(".html") || lower.ends_with(".htm") {
        Ok(path.to_owned())
    } else {
        Err(
            "names a file that is not `.html`; an alias is a folder URL (`/old/path/`) or an `.html` file",
        )
    }
}

/// A page that sends readers from `file` (an alias) on to the page at site path `target`.
fn redirect_page(config: &Config, doc: &Document, target: &str, file: &str) -> String {
    let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir);
    let relative = escape_html(&format!("{}{}", root_prefix(dir), encode_path(target)));
    let title = escape_html(&doc.title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{}\">\n<meta http-equiv=\"refresh\" content=\"0; url={relative}\">\n</head>\n<body>\n<p><a href=\"{relative}\">{title}</a></p>\n</body>\n</html>\n",
        escape_html(&config.language),
        escape_html(&config.permalink(target)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_become_folder_or_html_files() {
        assert_eq!(alias_file("/old/path/").unwrap(), "old/path/index.html");
        assert_eq!(alias_file("old/path").unwrap(), "old/path/index.html");
        assert_eq!(
            alias_file("old-faq/withdraw.html").unwrap(),
            "old-faq/withdraw.html"
        );
        assert_eq!(alias_file("/旧/提现/").unwrap(), "旧/提现/index.html");
        assert_eq!(
            alias_file("/%E6%97%A7/").unwrap(),
            "旧/index.html",
            "percent-escapes are decoded"
        );
        for bad in [
            "https://example.org/a/",
            "/",
            "a/../b/",
            "a//b/",
            "a.php",
            "a/?x",
        ] {
            assert!(alias_file(bad).is_err(), "{bad}");
        }
    }
}
