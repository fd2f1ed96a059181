//! Last-updated dates from git history (site.yaml `last_updated_from_git: true`): a page
//! without front matter `updated` gets the date of the last commit that touched its file.
//! One `git log` over `content/` gives every file's date at once, however many pages the
//! site has; uncommitted edits do not count, since only commits carry dates.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use ahash::AHashMap;

use crate::config::CONFIG_FILE;
use crate::content::{CONTENT_DIR, Site};
use crate::date::Date;
use crate::error::Diagnostic;

/// Marks the lines of `git log` output that carry a commit's date, not a file name.
const DATE_MARK: &str = "commit ";

/// Fills `updated` of every page and section file that has none from its last commit; a
/// warning when git cannot tell (no git, not a repository).
pub(crate) fn fill_updated(root: &Path, site: &mut Site) -> Option<Diagnostic> {
    let dates = match last_commit_dates(root) {
        Ok(dates) => dates,
        Err(why) => {
            return Some(
                Diagnostic::warning(CONFIG_FILE, format!("last_updated_from_git is on, but {why}"))
                    .help("pages show only the `updated` of their front matter; commit the site to git, or set `last_updated_from_git: false`"),
            );
        }
    };
    let docs = site
        .pages
        .iter_mut()
        .map(|p| &mut p.doc)
        .chain(site.sections.iter_mut().map(|s| &mut s.doc));
    for doc in docs {
        if doc.updated.is_none()
            && let Some(&date) = dates.get(&doc.source)
        {
            Arc::make_mut(doc).updated = Some(date);
        }
    }
    None
}

/// The date of the last commit that touched each file below `root/content`, keyed by its path
/// relative to `root` (`content/faq/a.md`), read from the output of one `git log`.
pub(crate) fn last_commit_dates(root: &Path) -> Result<AHashMap<PathBuf, Date>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.quotepath=off",
            "log",
            "--no-renames",
            "--relative",
            "-z",
            "--name-only",
        ])
        .arg(format!("--format={DATE_MARK}%cI"))
        .args(["--", CONTENT_DIR])
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "git is not installed (or not on PATH)".to_owned(),
            _ => format!("git could not be started: {e}"),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no reason given")
            .trim_start_matches("fatal: ");
        return Err(format!("git could not read the history: {reason}"));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut dates = AHashMap::new();
    let mut current = None;
    // Newest commit first: the first date met for a file is its last change.
    for field in text.split('\0') {
        let field = field.trim_start_matches('\n');
        if let Some(date) = field.strip_prefix(DATE_MARK) {
            current = Date::parse(date);
        } else if !field.is_empty()
            && let Some(date) = current
        {
            dates.entry(PathBuf::from(field)).or_insert(date);
        }
    }
    Ok(dates)
}
