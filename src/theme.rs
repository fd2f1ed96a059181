//! Finds the files a site is drawn with: the theme's templates, static files and UI strings,
//! with the site's own `templates/` and `static/` overriding the theme file by file. The
//! default theme is also built into the binary, for sites that do not carry a copy.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Result, read_text, text_from_bytes};
use crate::yaml;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_theme.rs"));
}

pub const BUILTIN_THEME: &str = "default";

/// Where a file's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Disk(PathBuf),
    Builtin(&'static [u8]),
}

#[derive(Debug, Clone)]
pub struct Template {
    /// Name templates use to refer to it (`page.html`, `partials/nav.html`).
    pub name: String,
    pub text: String,
    /// The file, as shown in errors (`themes/default/templates/page.html`).
    pub shown: PathBuf,
}

/// Everything a theme contributes, with site overrides applied.
#[derive(Debug, Clone)]
pub struct Theme {
    pub templates: Vec<Template>,
    /// Site path (relative to the output root) -> source.
    pub static_files: BTreeMap<String, Source>,
    /// UI strings for the site's language, with English filling gaps.
    pub strings: BTreeMap<String, String>,
    /// The UI strings files by language, for the site's other languages (`strings_for`).
    string_files: BTreeMap<String, (Source, PathBuf)>,
}

impl Theme {
    /// UI strings for `language`, with English filling gaps (for a site's other languages).
    pub fn strings_for(&self, language: &str) -> Result<BTreeMap<String, String>> {
        load_strings(&self.string_files, language)
    }
}

/// Loads theme `name` for the site in `root`, for content in `language`.
pub fn load(root: &Path, name: &str, language: &str) -> Result<Theme> {
    let dir = Path::new("themes").join(name);
    let files: Vec<(String, Source, PathBuf)> = if root.join(&dir).is_dir() {
        disk_files(root, &dir)?
    } else if name == BUILTIN_THEME {
        builtin::FILES
            .iter()
            .map(|(rel, bytes)| {
                (
                    rel.to_string(),
                    Source::Builtin(bytes),
                    Path::new("(built-in theme)").join(rel),
                )
            })
            .collect()
    } else {
        return Err(Diagnostic::error("site.yaml", format!("theme `{name}` not found: there is no folder themes/{name}"))
            .help(format!("create themes/{name}/templates, or use the built-in theme with `theme: {BUILTIN_THEME}`"))
            .into());
    };

    let mut templates = BTreeMap::new();
    let mut static_files = BTreeMap::new();
    let mut string_files = BTreeMap::new();
    for (rel, source, shown) in files {
        if let Some(name) = rel.strip_prefix("templates/") {
            templates.insert(name.to_owned(), (source, shown));
        } else if let Some(path) = rel.strip_prefix("static/") {
            static_files.insert(path.to_owned(), source);
        } else if let Some(file) = rel.strip_prefix("i18n/")
            && let Some(lang) = file.strip_suffix(".yaml")
        {
            string_files.insert(lang.to_owned(), (source, shown));
        }
    }
    for (rel, source, shown) in disk_files(root, Path::new("templates"))? {
        templates.insert(rel, (source, shown));
    }
    for (rel, source, _) in disk_files(root, Path::new("static"))? {
        static_files.insert(rel, source);
    }

    let templates = templates
        .into_iter()
        .map(|(name, (source, shown))| {
            Ok(Template {
                name,
                text: source_text(&source, &shown)?,
                shown,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let strings = load_strings(&string_files, language)?;
    Ok(Theme {
        templates,
        static_files,
        strings,
        string_files,
    })
}

/// The theme's strings for `language`: exact tag, then its primary language, then English.
fn load_strings(
    files: &BTreeMap<String, (Source, PathBuf)>,
    language: &str,
) -> Result<BTreeMap<String, String>> {
    let primary = language.split('-').next().unwrap_or(language);
    let mut chain = vec!["en".to_owned()];
    for candidate in [primary, language] {
        let found = files
            .keys()
            .find(|k| k.eq_ignore_ascii_case(candidate))
            .cloned();
        if let Some(k) = found
            && !chain.contains(&k)
        {
            chain.push(k);
        }
    }
    let mut strings = BTreeMap::new();
    for lang in chain {
        let Some((source, shown)) = files.get(&lang) else {
            continue;
        };
        let text = source_text(source, shown)?;
        let map: BTreeMap<String, String> = yaml::from_str(&text).map_err(|e| {
            let mut d = Diagnostic::error(shown, format!("invalid UI strings file: {}", e.message))
                .help("each line is `key: text`");
            if let Some(line) = e.line {
                d = d.at(line, e.column.unwrap_or(1)).with_source(&text);
            }
            Error::from(d)
        })?;
        strings.extend(map);
    }
    Ok(strings)
}

fn source_text(source: &Source, shown: &Path) -> Result<String> {
    match source {
        Source::Disk(path) => read_text(path, shown),
        Source::Builtin(bytes) => text_from_bytes(bytes.to_vec(), shown),
    }
}

/// Files below `root/dir`, as (path relative to dir with `/`, source, shown path).
fn disk_files(root: &Path, dir: &Path) -> Result<Vec<(String, Source, PathBuf)>> {
    let full = root.join(dir);
    if !full.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // A symbolic link that leads out of the site folder is not followed: quire never publishes
    // files from elsewhere (a link to a home folder would put it online).
    let stays_inside = |e: &walkdir::DirEntry| {
        !e.path_is_symlink()
            || e.path()
                .canonicalize()
                .is_ok_and(|t| t.starts_with(&root_real))
    };
    for entry in walkdir::WalkDir::new(&full)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(stays_inside)
    {
        let entry = entry.map_err(|e| {
            let path = e
                .path()
                .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
                .unwrap_or_else(|| dir.to_path_buf());
            Error::from(Diagnostic::error(path, format!("could not read: {e}")))
        })?;
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_dir() || crate::content::is_editor_temp(&name) {
            continue;
        }
        let rel = entry.path().strip_prefix(&full).expect("below its root");
        let rel_text = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.push((
            rel_text,
            Source::Disk(entry.path().to_path_buf()),
            dir.join(rel),
        ));
    }
    Ok(files)
}
