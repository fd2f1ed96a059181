//! mdBook's and GitBook's `SUMMARY.md`: a book's table of contents, whose links give the
//! order of the chapters they name. The content stage orders pages and sections by it, so a
//! book builds in its own order instead of by title; the summary itself is not a page.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag};

use crate::content::{CONTENT_DIR, Document};
use crate::error::Diagnostic;

/// Where the summary is, relative to `content/`.
pub const FILE: &str = "SUMMARY.md";

/// Whether `source` (`content/SUMMARY.md`) is the summary.
pub fn is_summary(source: &Path) -> bool {
    source.strip_prefix(CONTENT_DIR) == Ok(Path::new(FILE))
}

/// Each listed file's place in the summary, by source path (`content/ch1.md` -> 0).
#[derive(Debug, Default)]
pub struct Order(HashMap<PathBuf, usize>);

impl Order {
    /// The order of `summary`'s links to files of content/, and a warning for each link to a
    /// markdown file `exists` does not know (mdBook would create it; quire only orders).
    pub fn read(summary: &Document, exists: impl Fn(&Path) -> bool) -> (Order, Vec<Diagnostic>) {
        let mut order = HashMap::new();
        let mut warnings = Vec::new();
        for (event, range) in Parser::new(&summary.body).into_offset_iter() {
            let Event::Start(Tag::Link { dest_url, .. }) = event else {
                continue;
            };
            let Some(source) = listed_source(&dest_url) else {
                continue;
            };
            if exists(&source) {
                let next = order.len();
                order.entry(source).or_insert(next);
            } else {
                let before = &summary.body[..range.start];
                let line = summary.body_line + before.matches('\n').count();
                let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                let mut warning = Diagnostic::warning(
                    &summary.source,
                    format!("the summary lists `{dest_url}`, which is not in content/"),
                )
                .at(line, column)
                .help("create the file or remove its entry: the summary only orders the pages that exist");
                warning.source_line = summary.line_text(line).map(str::to_owned);
                warnings.push(warning);
            }
        }
        (Order(order), warnings)
    }

    /// The place of the file `source` in the summary, if listed.
    pub fn of(&self, source: &Path) -> Option<usize> {
        self.0.get(source).copied()
    }
}

/// The source path (`content/a/b.md`) a summary link names, if it is a markdown file inside
/// content/: not a web address, an anchor alone or a draft chapter's empty link.
fn listed_source(dest: &str) -> Option<PathBuf> {
    let path = dest.split(['#', '?']).next().unwrap_or_default();
    let path = crate::url::decode_path(path)?;
    let is_markdown = Path::new(&path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    if dest.contains("://") || !is_markdown {
        return None;
    }
    let mut source = PathBuf::from(CONTENT_DIR);
    for part in Path::new(&path).components() {
        match part {
            Component::Normal(name) => source.push(name),
            Component::CurDir => {}
            Component::ParentDir if source != Path::new(CONTENT_DIR) => {
                source.pop();
            }
            _ => return None,
        }
    }
    Some(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_links_name_sources_in_content() {
        assert_eq!(listed_source("ch1.md"), Some("content/ch1.md".into()));
        assert_eq!(
            listed_source("./guide/%E5%AE%89%E8%A3%85.md#top"),
            Some("content/guide/安装.md".into())
        );
        assert_eq!(listed_source("a/../b.md"), Some("content/b.md".into()));
        for outside in [
            "",
            "#x",
            "https://example.org/a.md",
            "../up.md",
            "/abs.md",
            "a.png",
        ] {
            assert_eq!(listed_source(outside), None, "{outside}");
        }
    }
}
