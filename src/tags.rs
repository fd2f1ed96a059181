//! Tags: every tag written in front matter (`tags: [提现, 安全]`) gets a page listing its
//! articles with an Atom feed, and `tags/` lists every tag with its own feed of all tagged
//! articles. A tag's URL is its slug, so Chinese tags stay readable (`tags/提现/`), and tags
//! whose slugs are equal (`Rust`, `rust`) are one tag. Each language of a multilingual site
//! has tag pages of its own, under its folder (`en/tags/`).

use std::cmp::Reverse;
use std::sync::Arc;

use ahash::AHashMap;
use rayon::prelude::*;
use serde::Serialize;

use crate::content::Site;
use crate::error::{Diagnostic, Diagnostics, Result};
use crate::feeds::{FeedHead, atom_of};
use crate::languages::Language;
use crate::memo::{Memo, hash_of};
use crate::output::OutputFile;
use crate::templates::{RenderedSite, Renderer, Shared};
use crate::url::{root_prefix, slugify};

/// Site path of the tag index below a language's root; each tag's page is a folder below it.
const INDEX_PATH: &str = "tags/";
/// The feed beside each tag page and beside the index.
const FEED_FILE: &str = "atom.xml";

/// A tag as a page shows it: its name as written there, and the site path of its page. The
/// path is made only when a page is rendered (every build hashes every page's tags, and the
/// path follows from the name and the language's root).
#[derive(Hash)]
pub(crate) struct TagLink<'a> {
    name: &'a str,
    lang_root: &'a str,
}

impl Serialize for TagLink<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut link = serializer.serialize_struct("TagLink", 2)?;
        link.serialize_field("name", self.name)?;
        link.serialize_field("path", &tag_path(self.lang_root, self.name))?;
        link.end()
    }
}

/// The tags of one page in the language rooted at `lang_root` (`""`, `en/`), as links.
pub(crate) fn links<'a>(names: &'a [String], lang_root: &'a str) -> Vec<TagLink<'a>> {
    names
        .iter()
        .map(|name| TagLink { name, lang_root })
        .collect()
}

fn tag_path(lang_root: &str, name: &str) -> String {
    format!("{lang_root}{INDEX_PATH}{}/", slugify(name))
}

/// One tag and the pages that carry it.
struct Tag {
    /// The language of its pages, as an index into the site's languages.
    lang: usize,
    /// As first written, in the order pages are read (file names, folder by folder).
    name: String,
    path: String,
    /// Indexes into `Site::pages`: newest first, undated pages last, then by title.
    pages: Vec<usize>,
}

/// The tags of a site and the pages quire makes for them.
pub(crate) struct TagPages {
    /// By language, then most used first, then by name.
    tags: Vec<Tag>,
    /// The tag indexes: (language, site path), for each language that has tags.
    indexes: Vec<(usize, String)>,
    /// Whether the theme has `tags.html` and `tag.html`; without them only the feeds are made.
    has_templates: bool,
}

impl TagPages {
    /// Gathers every tag of the site; a tag without a URL, and a page that takes the URL of
    /// a tag page, are errors.
    pub(crate) fn new(
        site: &Site,
        languages: &[Language],
        renderer: &Renderer,
        diags: &mut Diagnostics,
    ) -> TagPages {
        let mut tags: Vec<Tag> = Vec::new();
        let mut by_path: AHashMap<String, usize> = AHashMap::new();
        // Each tag of each language is made a path once, however many pages carry it; `None`
        // for a name with an empty URL.
        let mut by_name: AHashMap<(usize, &str), Option<usize>> = AHashMap::new();
        for (i, page) in site.pages.iter().enumerate() {
            for name in &page.doc.meta.tags {
                let at = *by_name.entry((page.lang, name)).or_insert_with(|| {
                    if slugify(name).is_empty() {
                        return None;
                    }
                    let path = tag_path(&languages[page.lang].root, name);
                    Some(*by_path.entry(path.clone()).or_insert_with(|| {
                        tags.push(Tag {
                            lang: page.lang,
                            name: name.clone(),
                            path,
                            pages: Vec::new(),
                        });
                        tags.len() - 1
                    }))
                });
                let Some(at) = at else {
                    let line = page.doc.key_line("tags");
                    let mut d = Diagnostic::error(
                        &page.doc.source,
                        format!("the tag `{name}` gives an empty URL"),
                    )
                    .at_line(line)
                    .help("a tag needs a letter or digit; punctuation alone is dropped from URLs");
                    d.source_line = page.doc.line_text(line).map(str::to_owned);
                    diags.push(d);
                    continue;
                };
                if tags[at].pages.last() != Some(&i) {
                    tags[at].pages.push(i);
                }
            }
        }
        if tags.is_empty() {
            return TagPages {
                tags,
                indexes: Vec::new(),
                has_templates: false,
            };
        }
        // Newest first, then by title and path. The keys are sorted side by side, not looked
        // up through each page at every comparison; the page's index last makes the order
        // total, so an unstable sort gives the one result.
        for tag in &mut tags {
            let mut keyed: Vec<_> = (tag.pages.iter())
                .map(|&i| {
                    let page = &site.pages[i];
                    let doc = &page.doc;
                    (Reverse(doc.date), doc.title.as_str(), page.path.as_str(), i)
                })
                .collect();
            keyed.par_sort_unstable();
            tag.pages = keyed.into_iter().map(|(.., i)| i).collect();
        }
        tags.sort_by(|a, b| {
            a.lang
                .cmp(&b.lang)
                .then_with(|| b.pages.len().cmp(&a.pages.len()))
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut indexes: Vec<(usize, String)> = tags
            .iter()
            .map(|t| (t.lang, format!("{}{INDEX_PATH}", languages[t.lang].root)))
            .collect();
        indexes.dedup();
        let sections = site.sections.iter().map(|s| (&s.path, &s.doc));
        let pages = site.pages.iter().map(|p| (&p.path, &p.doc));
        for (path, doc) in sections.chain(pages) {
            let taken =
                by_path.contains_key(path.as_str()) || indexes.iter().any(|(_, i)| i == path);
            if taken {
                diags.push(
                    Diagnostic::error(
                        &doc.source,
                        format!("this page's URL /{path} is where quire puts a tag page"),
                    )
                    .help(
                        "rename the file or folder, or give it another `slug:` in its front matter",
                    ),
                );
            }
        }
        TagPages {
            tags,
            indexes,
            has_templates: renderer.has_template("tags.html") && renderer.has_template("tag.html"),
        }
    }

    /// Site paths of the tag pages, each language's index before its tags (none without tags
    /// or templates).
    pub(crate) fn paths(&self) -> Vec<&str> {
        if !self.has_templates {
            return Vec::new();
        }
        self.pages().map(|(_, path, _)| path).collect()
    }

    /// Each tag page: (language, site path, the tag, or `None` for a language's index).
    fn pages(&self) -> impl Iterator<Item = (usize, &str, Option<&Tag>)> {
        self.indexes.iter().flat_map(|(lang, index)| {
            let tags = self.tags.iter().filter(move |t| t.lang == *lang);
            std::iter::once((*lang, index.as_str(), None))
                .chain(tags.map(|t| (t.lang, t.path.as_str(), Some(t))))
        })
    }

    /// The Atom feeds: one per tag, and one of every tagged page of a language beside its index.
    pub(crate) fn feeds(
        &self,
        languages: &[Language],
        site: &Site,
        summaries: &[&str],
    ) -> Vec<OutputFile> {
        self.pages()
            .map(|(lang, page_path, tag)| {
                let config = &languages[lang].config;
                let (title, pages) = match tag {
                    Some(tag) => (
                        format!("{} - {}", tag.name, config.title),
                        tag.pages.clone(),
                    ),
                    None => {
                        let mut tagged: Vec<usize> = (self.tags.iter())
                            .filter(|t| t.lang == lang)
                            .flat_map(|t| t.pages.iter().copied())
                            .collect();
                        tagged.sort_unstable();
                        tagged.dedup();
                        (config.title.clone(), tagged)
                    }
                };
                let self_path = format!("{page_path}{FEED_FILE}");
                let head = FeedHead {
                    title: &title,
                    self_path: &self_path,
                    page_path,
                };
                let xml = atom_of(config, site, summaries, &head, pages);
                OutputFile::bytes(self_path.clone(), xml)
            })
            .collect()
    }

    /// The HTML of each of `paths()`, in the same order, with the key it is kept by in
    /// `kept` (taken from there when an earlier build made the same page).
    pub(crate) fn render(
        &self,
        renderer: &Renderer,
        data: &RenderedSite,
        shared: &Shared,
        kept: &Memo<u64, Result<Arc<[u8]>>>,
    ) -> Vec<(u64, Result<Arc<[u8]>>)> {
        if !self.has_templates {
            return Vec::new();
        }
        let pages: Vec<_> = self.pages().collect();
        pages
            .into_par_iter()
            .map(|(lang, path, tag)| {
                let root = root_prefix(path);
                let permalink = data.config.permalink(path);
                let feed_path = format!("{path}{FEED_FILE}");
                let html_of = |html: Result<Vec<u8>>| html.map(Arc::from);
                match tag {
                    None => {
                        let own = self.index_context(lang, path, permalink, feed_path, root);
                        let key = renderer.own_key("tags.html", data, shared, lang, hash_of(&own));
                        let html = kept.get_or_make(&key, || {
                            html_of(renderer.render_own("tags.html", data, shared, lang, &own))
                        });
                        (key, html)
                    }
                    Some(t) => {
                        // Keyed by the pages' keys: a tag on every page is keyed without
                        // making every page's reference.
                        let keys: Vec<u64> =
                            t.pages.iter().map(|&p| shared.page_ref_key(p)).collect();
                        let (link, feed, up) = (permalink.clone(), feed_path.clone(), root.clone());
                        let own = self.tag_context(t, path, link, feed, up, keys);
                        let key = renderer.own_key("tag.html", data, shared, lang, hash_of(&own));
                        let html = kept.get_or_make(&key, || {
                            let refs: Vec<tera::Value> =
                                t.pages.iter().map(|&p| shared.page_ref(p)).collect();
                            let own = self.tag_context(t, path, permalink, feed_path, root, refs);
                            html_of(renderer.render_own("tag.html", data, shared, lang, &own))
                        });
                        (key, html)
                    }
                }
            })
            .collect()
    }

    fn index_context<'a>(
        &'a self,
        lang: usize,
        path: &'a str,
        permalink: String,
        feed_path: String,
        root: String,
    ) -> TagIndexContext<'a> {
        let tags = self.tags.iter().filter(|t| t.lang == lang);
        TagIndexContext {
            tags: tags
                .map(|t| TagSummary {
                    name: &t.name,
                    path: &t.path,
                    page_count: t.pages.len(),
                })
                .collect(),
            permalink,
            feed_path,
            current_path: path,
            root,
        }
    }

    /// The context of tag `t`'s page, listing its `pages` (their references, or their keys).
    fn tag_context<'a, P>(
        &'a self,
        t: &'a Tag,
        path: &'a str,
        permalink: String,
        feed_path: String,
        root: String,
        pages: P,
    ) -> TagContext<'a, P> {
        TagContext {
            tag: TagView {
                name: &t.name,
                path,
                permalink,
                feed_path,
                index_path: &self
                    .indexes
                    .iter()
                    .find(|(l, _)| *l == t.lang)
                    .expect("a language with tags has an index")
                    .1,
                pages,
            },
            current_path: path,
            root,
        }
    }
}

/// A tag as the index lists it.
#[derive(Serialize, Hash)]
struct TagSummary<'a> {
    name: &'a str,
    path: &'a str,
    page_count: usize,
}

/// What `tags.html` sees besides the shared values.
#[derive(Serialize, Hash)]
struct TagIndexContext<'a> {
    tags: Vec<TagSummary<'a>>,
    permalink: String,
    feed_path: String,
    current_path: &'a str,
    root: String,
}

/// `pages` are the pages' references, or (for the key) their hashes.
#[derive(Serialize, Hash)]
struct TagView<'a, P> {
    name: &'a str,
    path: &'a str,
    permalink: String,
    feed_path: String,
    index_path: &'a str,
    pages: P,
}

/// What `tag.html` sees besides the shared values.
#[derive(Serialize, Hash)]
struct TagContext<'a, P> {
    tag: TagView<'a, P>,
    current_path: &'a str,
    root: String,
}
