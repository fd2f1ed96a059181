//! Loads `content/` into a Site: sections (folders) and pages (markdown files) with their front
//! matter and URLs, plus the assets beside them. Nothing is rendered here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ahash::AHashMap;
use pulldown_cmark::{Event, Options, Parser};
use rayon::prelude::*;
use serde::Deserialize;

use crate::config::closest;
use crate::date::Date;
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::languages::{self, ContentLanguage};
use crate::summary::{self, Order};
use crate::url::slugify;
use crate::yaml;

pub const CONTENT_DIR: &str = "content";

/// Front matter keys, for suggestions when one is misspelled.
const FRONT_MATTER_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "weight",
    "draft",
    "slug",
    "template",
    "tags",
    "aliases",
    "sort_by",
    "extra",
];

/// What an author may write between the `---` lines. Keys written for other tools (Hugo's
/// `linkTitle`, Jekyll's `layout`, Docusaurus's `sidebar_position`) are kept under `extra` and
/// reported once per key; a single tag may be written without a list, a numeric title as is.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct FrontMatter {
    #[serde(default, deserialize_with = "scalar_text")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "scalar_text")]
    pub description: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    pub template: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub tags: Vec<String>,
    /// Old URLs of the page, each published as a redirect to it (see aliases.rs).
    #[serde(default, deserialize_with = "one_or_many")]
    pub aliases: Vec<String>,
    /// Sections only: how their pages are ordered (`weight`, `date` or `title`).
    pub sort_by: Option<SortBy>,
    #[serde(default)]
    pub extra: std::collections::BTreeMap<String, yaml::Value>,
    /// Zola's taxonomies (`[taxonomies]`, `tags = [...]`): its `tags` are read as `tags`.
    #[serde(default)]
    taxonomies: std::collections::BTreeMap<String, Terms>,
    /// Keys quire does not know, until `parse_document` moves them into `extra`.
    #[serde(flatten)]
    unknown: std::collections::BTreeMap<String, yaml::Value>,
    /// The names of those keys, for the warning `assemble` gives once per key.
    #[serde(skip)]
    pub foreign_keys: Vec<String>,
}

/// The terms of one of Zola's taxonomies.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
struct Terms(#[serde(deserialize_with = "one_or_many")] Vec<String>);

/// Text written as a YAML string, number or boolean (`title: 2024`).
fn scalar_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<String>, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("text")
        }
        fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E>(self, v: f64) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E>(self, v: bool) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(Text)
}

/// A list of text, or one item written alone (`tags: rust`).
fn one_or_many<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<String>, D::Error> {
    struct List;
    impl<'de> serde::de::Visitor<'de> for List {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a sequence, or one text")
        }
        fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
            Ok(vec![v.to_owned()])
        }
        fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }
    d.deserialize_any(List)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Weight,
    Date,
    Title,
}

/// A markdown file's parts after its front matter is split off and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Path shown to the user, relative to the site root (`content/faq/a.md`).
    pub source: PathBuf,
    pub meta: FrontMatter,
    pub title: String,
    /// True when the title was taken from the body's first `#` heading, which then is not repeated.
    pub title_from_heading: bool,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    /// The YAML between the `---` lines (it starts on line 2), empty without front matter.
    pub front_matter: String,
    /// The markdown after the front matter, with `\n` line endings.
    pub body: String,
    /// 1-based line of the file on which `body` starts.
    pub body_line: usize,
    /// A hash of the source path and text the document was parsed from: equal fingerprints,
    /// equal documents, so later stages can be memoized on it without hashing the body again.
    pub fingerprint: u64,
}

impl Document {
    /// Whether `assemble` makes the same site of `other` as of this document: they differ at
    /// most in the text below the front matter (and not in a title taken from it).
    fn assembles_like(&self, other: &Document) -> bool {
        self.source == other.source
            && self.meta == other.meta
            && self.title == other.title
            && self.title_from_heading == other.title_from_heading
            && self.date == other.date
            && self.updated == other.updated
            && self.front_matter == other.front_matter
            && self.body_line == other.body_line
            && (!summary::is_summary(&self.source) || self.body == other.body)
    }

    /// The file line (1-based) of front matter key `key` (`key:` in YAML, `key =` in TOML), for
    /// errors about its value; line 1 when it is not written at the start of a line.
    pub fn key_line(&self, key: &str) -> usize {
        self.front_matter
            .lines()
            .position(|l| {
                l.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with([':', '=']))
            })
            .map_or(1, |i| i + 2)
    }

    /// The text of file line `line` (1-based), for showing it under an error.
    pub fn line_text(&self, line: usize) -> Option<&str> {
        if line >= self.body_line {
            self.body.lines().nth(line - self.body_line)
        } else if line >= 2 {
            self.front_matter.lines().nth(line - 2)
        } else {
            Some("---")
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Shared with the cache of `quire serve`, which keeps documents between builds.
    pub doc: Arc<Document>,
    /// Site path, e.g. `faq/withdrawal-failed/`.
    pub path: String,
    pub section: usize,
    /// Its language, as an index into the site's languages (0: the default language).
    pub lang: usize,
    /// The file of the default language it translates (its own file when it is in that
    /// language, `content/faq/a.md` for `content/faq/a.en.md`), whether or not that exists.
    pub original: PathBuf,
    /// Per language, the site path of this page in that language (languages.rs).
    pub translations: Vec<Option<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Its `_index.md`, or a stand-in named after the folder.
    pub doc: Arc<Document>,
    pub has_index_file: bool,
    /// Folder relative to `content/` (empty for the root section).
    pub dir: PathBuf,
    pub path: String,
    pub parent: Option<usize>,
    /// Indexes into `Site::pages`, in the section's sort order.
    pub pages: Vec<usize>,
    /// Indexes into `Site::sections`, by weight then title.
    pub subsections: Vec<usize>,
    /// Its language; each language has a section tree of its own (languages.rs).
    pub lang: usize,
    /// Per language, the site path of this folder's section in that language.
    pub translations: Vec<Option<String>>,
}

/// A non-markdown file under `content/`, published at the same relative place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub file: PathBuf,
    /// Site path of the file, e.g. `faq/screenshot.png`.
    pub path: String,
}

/// Everything under `content/`, loaded and checked. Section 0 is the home page.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub sections: Vec<Section>,
    /// Per language, the index of its home section (the default language's is 0).
    pub homes: Vec<usize>,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// Source file (relative to the site root, e.g. `content/faq/a.md`) -> site path.
    pub paths_by_source: HashMap<PathBuf, String>,
    /// Files that were skipped with a reason (symlinks leaving the site, ...).
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadOptions {
    pub drafts: bool,
    /// Title of the home page when content/ has no `_index.md` (the site's title).
    pub home_title: String,
    /// The languages besides the default one: `a.<code>.md` is a translation (languages.rs).
    pub languages: Vec<ContentLanguage>,
}

/// Files an editor leaves behind while saving; never content. `quire serve` ignores changes
/// to them too, so the walk and the watcher must agree on this one list.
pub fn is_editor_temp(name: &str) -> bool {
    name.starts_with('.') // vim's .a.md.swp, emacs' .#a.md, gedit's .goutputstream-*
        || name.starts_with('#') // emacs' #a.md#
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.contains("___jb_") // JetBrains' a.md___jb_tmp___
        || name == "4913" // vim's probe for a writable folder
}

/// A markdown file found by the walk, not yet read, with what its path alone decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownFile {
    /// The file on disk.
    pub file: PathBuf,
    /// Its path relative to `content/`.
    pub rel: PathBuf,
    /// Reached through a symbolic link to a file, whose changes a watcher of `content/` misses.
    pub linked: bool,
    /// Its folder, as an index into the listing's folders.
    dir: usize,
    /// `_index.md`, `index.md` or `README.md`: the page of its folder.
    section_index: bool,
    /// The URL segment its file name gives, unless front matter sets `slug:`.
    slug: String,
}

impl MarkdownFile {
    /// Reads and parses the file.
    pub fn read(&self) -> Result<Document> {
        let source = Path::new(CONTENT_DIR).join(&self.rel);
        crate::error::read_text(&self.file, &source).and_then(|text| parse_document(&text, &source))
    }
}

/// What a walk of `content/` found, before any file is read. It changes only when files or
/// folders are created, removed or renamed, so `quire serve` keeps it between edits.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// Folders relative to `content/`, parents before children; the first is `content/` itself.
    dirs: Vec<PathBuf>,
    /// Each folder's parent, as an index into `dirs`.
    parents: Vec<Option<usize>>,
    pub markdown: Vec<MarkdownFile>,
    assets: Vec<Asset>,
    /// Entries that could not be read or were skipped.
    diags: Vec<Diagnostic>,
}

/// Walks `root/content` and builds the Site.
pub fn load(root: &Path, options: &LoadOptions) -> Result<Site> {
    let listing = walk(root)?;
    let docs = listing
        .markdown
        .par_iter()
        .map(|f| f.read().map(Arc::new))
        .collect();
    assemble(&listing, docs, options)
}

/// Lists `root/content` without reading any file.
pub fn walk(root: &Path) -> Result<Listing> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Err(
            Diagnostic::error(CONTENT_DIR, "there is no content/ folder")
                .help(
                    "put your markdown files in content/, or run `quire init DIR` to start a site",
                )
                .into(),
        );
    }
    let root_real = root
        .canonicalize()
        .map_err(|e| Error::io(root, &e, "open the site folder"))?;
    let mut listing = Listing {
        dirs: vec![PathBuf::new()],
        parents: vec![None],
        markdown: Vec::new(),
        assets: Vec::new(),
        diags: Vec::new(),
    };
    let mut dir_index: HashMap<PathBuf, usize> = HashMap::from([(PathBuf::new(), 0)]);
    let mut walker = walkdir::WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_editor_temp(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| shown(root, p))
                    .unwrap_or_else(|| CONTENT_DIR.into());
                let message = if e.loop_ancestor().is_some() {
                    "this symbolic link points to a folder that contains it (a loop)".to_owned()
                } else {
                    match e.io_error() {
                        Some(io) => format!("could not read: {}", crate::error::io_reason(io)),
                        None => e.to_string(),
                    }
                };
                listing.diags.push(
                    Diagnostic::error(path, message)
                        .help("remove or fix the link, or make the file readable"),
                );
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&content)
            .expect("walkdir stays below its root")
            .to_path_buf();
        if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Ok(target) if target.starts_with(&root_real) => {}
                _ => {
                    listing.diags.push(
                        Diagnostic::warning(shown(root, entry.path()), "skipped: this symbolic link points outside the site folder")
                            .help("copy the file into the site instead; quire never publishes files from outside the site"),
                    );
                    // A linked folder's files are outside too: do not walk into it.
                    if entry.file_type().is_dir() {
                        walker.skip_current_dir();
                    }
                    continue;
                }
            }
        }
        let parent = rel.parent().and_then(|p| dir_index.get(p).copied());
        if entry.file_type().is_dir() {
            dir_index.insert(rel.clone(), listing.dirs.len());
            listing.dirs.push(rel);
            listing.parents.push(parent);
        } else if rel
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
        {
            // A file below a folder that was skipped (a link out of the site) is skipped too.
            let Some(dir) = parent else { continue };
            let name = rel
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_lowercase();
            listing.markdown.push(MarkdownFile {
                file: entry.path().to_path_buf(),
                linked: entry.path_is_symlink(),
                dir,
                section_index: is_index_file(&name),
                slug: slugify(&rel.file_stem().unwrap_or_default().to_string_lossy()),
                rel,
            });
        } else {
            listing.assets.push(Asset {
                path: asset_site_path(&rel),
                file: entry.path().to_path_buf(),
            });
        }
    }
    Ok(listing)
}

/// Builds the Site from a listing and its markdown files' documents (`docs[i]` is the
/// document of `listing.markdown[i]`, or why it could not be read).
pub fn assemble(
    listing: &Listing,
    docs: Vec<Result<Arc<Document>>>,
    options: &LoadOptions,
) -> Result<Site> {
    let mut diags = Diagnostics::default();
    diags.extend(listing.diags.iter().cloned());
    let language_count = 1 + options.languages.len();
    let mut site = Site {
        sections: Vec::new(),
        homes: Vec::with_capacity(language_count),
        pages: Vec::new(),
        assets: listing.assets.clone(),
        paths_by_source: HashMap::with_capacity(listing.markdown.len() + listing.dirs.len()),
        warnings: Vec::new(),
    };
    // By language, then by folder as indexes into `listing.dirs`.
    let mut section_of_dir: Vec<Vec<Option<usize>>> =
        vec![vec![None; listing.dirs.len()]; language_count];
    let mut index_docs: Vec<Vec<Vec<Arc<Document>>>> =
        vec![vec![Vec::new(); listing.dirs.len()]; language_count];
    // Whether a folder holds a file of the language, itself or below it.
    let mut has_content: Vec<Vec<bool>> = vec![vec![false; listing.dirs.len()]; language_count];
    let mut page_docs = Vec::with_capacity(listing.markdown.len());
    let mut summary_doc = None;
    for (found, doc) in listing.markdown.iter().zip(docs) {
        let doc = match doc {
            Ok(d) => d,
            Err(e) => {
                diags.extend(e.diagnostics);
                continue;
            }
        };
        if doc.meta.draft && !options.drafts {
            continue;
        }
        if summary::is_summary(&doc.source) {
            summary_doc = Some(doc);
            continue;
        }
        let (lang, stem) = languages::file_language(&found.rel, &options.languages);
        let (section_index, slug) = match lang {
            0 => (found.section_index, found.slug.clone()),
            _ => (
                is_index_file(&format!("{}.md", stem.to_lowercase())),
                slugify(stem),
            ),
        };
        has_content[lang][found.dir] = true;
        if section_index {
            index_docs[lang][found.dir].push(doc);
        } else {
            let ext = found.rel.extension().unwrap_or_default().to_string_lossy();
            let original = Path::new(CONTENT_DIR)
                .join(&found.rel)
                .with_file_name(format!("{stem}.{ext}"));
            page_docs.push((found, lang, slug, original, doc));
        }
    }
    // `guide.md` beside a folder `guide/` that has no index file is that folder's page, as in
    // mdBook's books: a chapter, and its sub-chapters in the folder of its name.
    let dirs: HashMap<&Path, usize> = (listing.dirs.iter().enumerate())
        .map(|(d, dir)| (dir.as_path(), d))
        .collect();
    page_docs.retain(|(found, lang, _, original, doc)| {
        let folder = found
            .rel
            .with_file_name(original.file_stem().unwrap_or_default());
        match dirs.get(folder.as_path()) {
            Some(&d) if index_docs[*lang][d].is_empty() => {
                index_docs[*lang][d].push(doc.clone());
                false
            }
            _ => true,
        }
    });
    for has in &mut has_content {
        for d in (1..listing.dirs.len()).rev() {
            if has[d]
                && let Some(p) = listing.parents[d]
            {
                has[p] = true;
            }
        }
    }

    // Sections: every folder (in other languages than the default one, every folder that holds
    // a file of the language, and the home); parents come before children because the walk is
    // depth-first.
    for (lang, dir, d) in (0..language_count).flat_map(|lang| {
        let has = &has_content[lang];
        listing
            .dirs
            .iter()
            .enumerate()
            .filter(move |&(d, _)| lang == 0 || d == 0 || has[d])
            .map(move |(d, dir)| (lang, dir, d))
    }) {
        let dir = dir.clone();
        let mut docs = std::mem::take(&mut index_docs[lang][d]);
        // `_index.md` wins over README.md/index.md only if it is alone; two are a conflict.
        docs.sort_by_key(|d| !d.source.ends_with("_index.md"));
        if docs.len() > 1 {
            diags.push(claim_conflict(
                &docs[0].source,
                &docs[1].source,
                &section_site_path(&dir, None),
            ));
        }
        let parent = listing.parents[d].and_then(|p| section_of_dir[lang][p]);
        if d != 0 && parent.is_none() {
            continue; // inside a draft or skipped folder
        }
        let language = lang.checked_sub(1).map(|l| &options.languages[l]);
        let has_index_file = !docs.is_empty();
        let doc = match docs.into_iter().next() {
            Some(d) => d,
            None if dir == Path::new("") => Arc::new(implicit_section_doc(
                &dir,
                language.map_or(&options.home_title, |l| &l.home_title),
            )),
            None => Arc::new(implicit_section_doc(
                &dir,
                &dir.file_name().unwrap_or_default().to_string_lossy(),
            )),
        };
        if doc.meta.draft && !options.drafts {
            continue;
        }
        let path = section_site_path(&dir, doc.meta.slug.as_deref());
        let path = match parent {
            Some(p) => format!("{}{}", site.sections[p].path, last_segment(&path)),
            None => language.map_or(path, |l| format!("{}/", l.code)),
        };
        let index = site.sections.len();
        section_of_dir[lang][d] = Some(index);
        if parent.is_none() {
            site.homes.push(index);
        }
        // A folder without `_index.md` still has a page, so links to its index resolve.
        let index_file = Path::new(CONTENT_DIR).join(&dir).join("_index.md");
        let index_file = match language {
            Some(l) => languages::translation_source(&index_file, &l.code),
            None => index_file,
        };
        site.paths_by_source.insert(index_file, path.clone());
        if has_index_file {
            site.paths_by_source
                .insert(doc.source.clone(), path.clone());
        }
        site.sections.push(Section {
            doc,
            has_index_file,
            dir,
            path,
            parent,
            pages: Vec::new(),
            subsections: Vec::new(),
            lang,
            translations: Vec::new(),
        });
        if let Some(p) = parent {
            site.sections[p].subsections.push(index);
        }
    }
    if site.sections.is_empty() {
        return Err(Error::new(diags.list));
    }
    if site.homes.len() < language_count {
        diags.push(
            Diagnostic::error(CONTENT_DIR, "a language's home page is a draft")
                .help("a `_index.<language>.md` at the top of content/ cannot be `draft: true`; every language needs its home page"),
        );
        return Err(Error::new(diags.list));
    }

    for (found, lang, slug, original, doc) in page_docs {
        let Some(section) = section_of_dir[lang][found.dir] else {
            continue;
        };
        let slug = match doc.meta.slug.as_deref() {
            Some(s) => slugify(s),
            None => slug,
        };
        if slug.is_empty() {
            diags.push(
                Diagnostic::error(&doc.source, "this page's name gives an empty URL")
                    .help("rename the file, or set `slug:` in its front matter"),
            );
            continue;
        }
        let path = format!("{}{slug}/", site.sections[section].path);
        if let Some(l) = lang.checked_sub(1) {
            // Links look translations up by their lower-case suffix (`a.en.md`), however written.
            let code = &options.languages[l].code;
            site.paths_by_source
                .insert(languages::translation_source(&original, code), path.clone());
        }
        site.paths_by_source
            .insert(doc.source.clone(), path.clone());
        let index = site.pages.len();
        site.sections[section].pages.push(index);
        site.pages.push(Page {
            doc,
            path,
            section,
            lang,
            original,
            translations: Vec::new(),
        });
    }
    languages::link_translations(&mut site, language_count);

    diags.extend(foreign_key_warnings(&site));
    check_unique_paths(&site, &mut diags);
    let order = match summary_doc {
        Some(summary) => {
            let (order, warnings) =
                Order::read(&summary, |source| site.paths_by_source.contains_key(source));
            diags.extend(warnings);
            order
        }
        None => Order::default(),
    };
    sort_site(&mut site, &order);
    site.warnings = diags
        .list
        .iter()
        .filter(|d| !d.is_error())
        .cloned()
        .collect();
    if diags.has_errors() {
        return Err(Error::new(diags.list));
    }
    Ok(site)
}

/// Puts the documents of `after` into `site` (assembled from `before`; both parallel to the
/// same listing) in place of those they replace, when each differs from its predecessor at
/// most in its body: an edit inside an article does not assemble the whole site again.
/// False, and `site` untouched, when the site must be assembled again.
pub fn replace_bodies(
    site: &mut Site,
    before: &[Result<Arc<Document>>],
    after: &[Result<Arc<Document>>],
) -> bool {
    if before.len() != after.len() {
        return false;
    }
    let mut replaced: AHashMap<*const Document, &Arc<Document>> = AHashMap::new();
    for (old, new) in before.iter().zip(after) {
        match (old, new) {
            (Ok(old), Ok(new)) if Arc::ptr_eq(old, new) => {}
            (Ok(old), Ok(new)) if old.assembles_like(new) => {
                replaced.insert(Arc::as_ptr(old), new);
            }
            _ => return false,
        }
    }
    if replaced.is_empty() {
        return true;
    }
    let pages = site.pages.iter_mut().map(|p| &mut p.doc);
    for doc in pages.chain(site.sections.iter_mut().map(|s| &mut s.doc)) {
        if let Some(&new) = replaced.get(&Arc::as_ptr(doc)) {
            *doc = new.clone();
        }
    }
    true
}

fn is_index_file(lower_name: &str) -> bool {
    matches!(lower_name, "_index.md" | "index.md" | "readme.md")
}

fn shown(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn last_segment(path: &str) -> String {
    match path.trim_end_matches('/').rsplit('/').next() {
        Some(s) if !s.is_empty() => format!("{s}/"),
        _ => String::new(),
    }
}

fn section_site_path(dir: &Path, slug: Option<&str>) -> String {
    let mut path = String::new();
    let count = dir.components().count();
    for (i, part) in dir.components().enumerate() {
        let name = part.as_os_str().to_string_lossy();
        let seg = match slug {
            Some(s) if i + 1 == count => slugify(s),
            _ => slugify(&name),
        };
        path.push_str(&seg);
        path.push('/');
    }
    path
}

fn asset_site_path(rel: &Path) -> String {
    let dir = rel.parent().unwrap_or(Path::new(""));
    let mut path = section_site_path(dir, None);
    path.push_str(&rel.file_name().unwrap_or_default().to_string_lossy());
    path
}

fn implicit_section_doc(dir: &Path, title: &str) -> Document {
    let source = Path::new(CONTENT_DIR).join(dir);
    Document {
        fingerprint: crate::memo::hash_of(&(&source, title)),
        source,
        meta: FrontMatter::default(),
        title: title.to_owned(),
        title_from_heading: false,
        date: None,
        updated: None,
        front_matter: String::new(),
        body: String::new(),
        body_line: 1,
    }
}

/// One warning per front matter key quire does not know, at its first use (in file order):
/// content written for another tool repeats its keys on every page.
fn foreign_key_warnings(site: &Site) -> Vec<Diagnostic> {
    let mut docs: Vec<&Document> = (site.pages.iter().map(|p| &*p.doc))
        .chain(site.sections.iter().map(|s| &*s.doc))
        .filter(|d| !d.meta.foreign_keys.is_empty())
        .collect();
    docs.sort_by(|a, b| a.source.cmp(&b.source));
    let mut first: std::collections::BTreeMap<&str, (&Document, usize)> = Default::default();
    for doc in docs {
        for key in &doc.meta.foreign_keys {
            first.entry(key).or_insert((doc, 0)).1 += 1;
        }
    }
    let mut warnings: Vec<Diagnostic> = first
        .into_iter()
        .map(|(key, (doc, files))| {
            let also = match files {
                1 => String::new(),
                n => format!(" (in {n} files; the first is shown)"),
            };
            let kept = match key.strip_prefix("taxonomies.") {
                Some(name) => format!("the taxonomy `{name}` is not read: quire has tags only"),
                None => format!("it is kept as `page.extra.{key}`"),
            };
            let d = Diagnostic::warning(
                &doc.source,
                format!("front matter key `{key}` is not one of quire's: {kept}{also}"),
            );
            let d = match closest(key, FRONT_MATTER_KEYS) {
                Some(best) => d.help(format!("did you mean `{best}`? README.md, Content, lists the keys")),
                None => d.help("README.md, Content, lists the keys quire reads; custom values may also go under `extra:`"),
            };
            let line = doc.key_line(key.rsplit('.').next().unwrap_or(key));
            let mut d = d.at(line, 1);
            d.source_line = doc.line_text(line).map(str::to_owned);
            d
        })
        .collect();
    warnings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    warnings
}

fn claim_conflict(a: &Path, b: &Path, path: &str) -> Diagnostic {
    Diagnostic::error(
        b,
        format!(
            "two files claim the URL /{path}: {} and {}",
            a.display(),
            b.display()
        ),
    )
    .help("rename one of them or give it a different `slug:` in its front matter")
}

fn check_unique_paths(site: &Site, diags: &mut Diagnostics) {
    let mut owners: AHashMap<&str, &Path> =
        AHashMap::with_capacity(site.sections.len() + site.pages.len());
    let sections = site
        .sections
        .iter()
        .map(|s| (s.path.as_str(), s.doc.source.as_path()));
    let pages = site
        .pages
        .iter()
        .map(|p| (p.path.as_str(), p.doc.source.as_path()));
    for (path, source) in sections.chain(pages) {
        if let Some(first) = owners.insert(path, source) {
            diags.push(claim_conflict(first, source, path));
        }
    }
}

fn sort_site(site: &mut Site, order: &Order) {
    let Site {
        sections, pages, ..
    } = site;
    // A section's place in the summary: its index file's, else its first listed page's or
    // subsection's (children come after their parents, so they are ranked first).
    let mut ranks = vec![None; sections.len()];
    for i in (0..sections.len()).rev() {
        let section = &sections[i];
        let listed = (section.pages.iter()).map(|&p| order.of(&pages[p].doc.source));
        let below = section.subsections.iter().map(|&s| ranks[s]);
        ranks[i] = std::iter::once(order.of(&section.doc.source))
            .chain(listed)
            .chain(below)
            .flatten()
            .min();
    }
    // Front matter's weight first, then the summary's order, then the title.
    let rank = |doc: &Document, summary: Option<usize>| {
        (
            doc.meta.weight.unwrap_or(i64::MAX),
            summary.unwrap_or(usize::MAX),
        )
    };
    for i in 0..sections.len() {
        let sort_by = sections[i].doc.meta.sort_by.unwrap_or_default();
        let mut list = std::mem::take(&mut sections[i].pages);
        list.sort_by(|&a, &b| {
            let (a, b) = (&pages[a].doc, &pages[b].doc);
            let by_title = || a.title.cmp(&b.title).then_with(|| a.source.cmp(&b.source));
            match sort_by {
                SortBy::Weight => rank(a, order.of(&a.source))
                    .cmp(&rank(b, order.of(&b.source)))
                    .then_with(by_title),
                SortBy::Date => b.date.cmp(&a.date).then_with(by_title),
                SortBy::Title => by_title(),
            }
        });
        sections[i].pages = list;
        let mut subs = std::mem::take(&mut sections[i].subsections);
        subs.sort_by(|&a, &b| {
            rank(&sections[a].doc, ranks[a])
                .cmp(&rank(&sections[b].doc, ranks[b]))
                .then_with(|| sections[a].doc.title.cmp(&sections[b].doc.title))
        });
        sections[i].subsections = subs;
    }
}

/// Splits and checks front matter; `source` names the file in errors.
pub fn parse_document(text: &str, source: &Path) -> Result<Document> {
    let fingerprint = crate::memo::hash_of(&(source, text));
    // A lone `\r` ends a line too (old Mac files), for YAML, CommonMark and editors alike; so
    // it does for every line number quire reports.
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_owned()
    };
    let Split {
        front,
        body,
        body_line,
    } = split_front_matter(&text, source)?;
    let mut meta = match front {
        Some((front, _)) if front.trim().is_empty() => FrontMatter::default(),
        Some((front, format)) => match format {
            Format::Yaml => yaml::from_str(front),
            Format::Toml => crate::toml_text::from_str(front),
        }
        .map_err(|e| front_matter_error(e, format, &text, source))?,
        None => FrontMatter::default(),
    };
    for (key, value) in std::mem::take(&mut meta.unknown) {
        meta.extra.entry(key.clone()).or_insert(value);
        meta.foreign_keys.push(key);
    }
    for (name, Terms(terms)) in std::mem::take(&mut meta.taxonomies) {
        if name == "tags" {
            for term in terms {
                if !meta.tags.contains(&term) {
                    meta.tags.push(term);
                }
            }
        } else {
            meta.foreign_keys.push(format!("taxonomies.{name}"));
        }
    }
    let date = parse_date_field(&meta.date, "date", &text, source)?;
    let updated = parse_date_field(&meta.updated, "updated", &text, source)?;
    let (title, title_from_heading) = match &meta.title {
        Some(t) => (t.clone(), false),
        None => match first_heading(body) {
            Some(h) => (h, true),
            None => (
                source
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                false,
            ),
        },
    };
    Ok(Document {
        source: source.to_path_buf(),
        title,
        title_from_heading,
        date,
        updated,
        front_matter: front.map_or("", |(front, _)| front).to_owned(),
        body: body.to_owned(),
        body_line,
        fingerprint,
        meta,
    })
}

/// How front matter is written: YAML between `---` lines, or TOML between `+++` (Hugo, Zola).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Yaml,
    Toml,
}

/// A markdown file cut in two: its front matter (text and format), and its body with the
/// file line the body starts on.
struct Split<'a> {
    front: Option<(&'a str, Format)>,
    body: &'a str,
    body_line: usize,
}

fn split_front_matter<'a>(text: &'a str, source: &Path) -> Result<Split<'a>> {
    let (fence, format) = match text.get(..4) {
        Some("---\n") => ("---", Format::Yaml),
        Some("+++\n") => ("+++", Format::Toml),
        _ => {
            return Ok(Split {
                front: None,
                body: text,
                body_line: 1,
            });
        }
    };
    let rest = &text[4..];
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == fence {
            return Ok(Split {
                front: Some((&rest[..offset], format)),
                body: &rest[offset + line.len()..],
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        source,
        "the front matter that opens on line 1 is never closed",
    )
    .at(1, 1)
    .with_source(text)
    .help(format!(
        "add a line with only `{fence}` after the last front matter line"
    ))
    .into())
}

fn front_matter_error(e: yaml::YamlError, format: Format, text: &str, source: &Path) -> Error {
    let list = e.message.contains("expected a sequence");
    let help = match (format, list) {
        (Format::Yaml, true) => {
            "this key takes a list: `tags: [提现, 账户安全]`, or one item per line after `- `"
        }
        (Format::Yaml, false) => {
            "check the YAML on this line: indent with spaces, quote text that contains `: `"
        }
        (Format::Toml, true) => "this key takes a list: `tags = [\"提现\", \"账户安全\"]`",
        (Format::Toml, false) => {
            "check the TOML on this line: `key = \"text\"`, `key = 3`, lists as `[\"a\", \"b\"]`"
        }
    };
    let mut d =
        Diagnostic::error(source, format!("invalid front matter: {}", e.message)).help(help);
    // The YAML text starts on line 2 of the file, after the opening `---`.
    d = d
        .at(e.line.map_or(2, |l| l + 1), e.column.unwrap_or(1))
        .with_source(text);
    d.into()
}

fn parse_date_field(
    value: &Option<String>,
    key: &str,
    text: &str,
    source: &Path,
) -> Result<Option<Date>> {
    let Some(value) = value else { return Ok(None) };
    match Date::parse(value) {
        Some(d) => Ok(Some(d)),
        None => {
            let line = text
                .lines()
                .position(|l| l.starts_with(key) && l[key.len()..].trim_start().starts_with(':'))
                .map_or(1, |i| i + 1);
            Err(Diagnostic::error(source, format!("`{key}: {value}` is not a date"))
                .at(line, 1)
                .with_source(text)
                .help("write dates as YYYY-MM-DD, optionally with a time: 2026-11-24 or 2026-11-24T08:30:00+08:00")
                .into())
        }
    }
}

/// Text of the first ATX heading before any other content, used as a title fallback.
fn first_heading(body: &str) -> Option<String> {
    let line = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("<!--"))?;
    line.strip_prefix("# ")?;
    // Its text as a reader sees it: no code backticks, emphasis marks or `{#id .class}`.
    let mut text = String::new();
    for event in Parser::new_ext(line, Options::ENABLE_HEADING_ATTRIBUTES) {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(&t);
        }
    }
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Result<Document> {
        parse_document(text, Path::new("content/a.md"))
    }

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let d = doc("---\ntitle: 你好\nweight: 3\n---\nbody\n").unwrap();
        assert_eq!(d.title, "你好");
        assert_eq!(d.meta.weight, Some(3));
        assert_eq!(d.body, "body\n");
        assert_eq!(d.body_line, 5);
    }

    #[test]
    fn crlf_and_no_front_matter_build() {
        let d = doc("---\r\ntitle: x\r\n---\r\nbody\r\n").unwrap();
        assert_eq!(d.body, "body\n");
        let d = doc("# Heading title\n\ntext").unwrap();
        assert_eq!(d.title, "Heading title");
        assert!(d.title_from_heading);
        assert_eq!(doc("plain").unwrap().title, "a");
        let d = doc("# Using `Result` *well* & {#attrs .wide}\n").unwrap();
        assert_eq!(d.title, "Using Result well &");
        assert_eq!(doc("# Closed #\n").unwrap().title, "Closed");
    }

    #[test]
    fn unclosed_front_matter_is_an_error_on_line_one() {
        let e = doc("---\ntitle: x\nbody\n").unwrap_err();
        assert_eq!(
            e.diagnostics[0].message,
            "the front matter that opens on line 1 is never closed"
        );
        assert_eq!(e.diagnostics[0].line, Some(1));
    }

    #[test]
    fn yaml_errors_point_at_the_file_line() {
        let e = doc("---\ntitle: x\nweight: heavy\n---\n").unwrap_err();
        assert_eq!(e.diagnostics[0].line, Some(3));
        assert!(
            e.diagnostics[0].message.contains("invalid type"),
            "{}",
            e.diagnostics[0].message
        );
        let d = doc("+++\ntags = [\"a\"]\n[taxonomies]\ntags = [\"a\", \"b\"]\n+++\n").unwrap();
        assert_eq!(
            d.meta.tags,
            ["a", "b"],
            "Zola's taxonomy tags join the tags, once each"
        );
        assert!(d.meta.foreign_keys.is_empty());
        let d = doc("---\ntitle: x\ntitel: y\n---\n").unwrap();
        assert_eq!(d.meta.foreign_keys, ["titel"]);
        assert_eq!(d.key_line("titel"), 3);
        let e = doc("---\ndate: 2026-02-30\n---\n").unwrap_err();
        assert_eq!(e.diagnostics[0].message, "`date: 2026-02-30` is not a date");
        assert_eq!(e.diagnostics[0].line, Some(2));
    }
}
