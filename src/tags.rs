//! Tags: every tag written in front matter (`tags: [提现, 安全]`) gets a page listing its
//! articles with an Atom feed, and `tags/` lists every tag with its own feed of all tagged
//! articles. A tag's URL is its slug, so Chinese tags stay readable (`tags/提现/`), and tags
//! whose slugs are equal (`Rust`, `rust`) are one tag.

use ahash::AHashMap;
use serde::Serialize;

use crate::config::Config;
use crate::content::Site;
use crate::error::{Diagnostic, Diagnostics, Result};
use crate::feeds::{FeedHead, atom_of};
use crate::output::OutputFile;
use crate::templates::{PageRef, RenderedSite, Renderer, Shared, page_ref};
use crate::url::{root_prefix, slugify};

/// Site path of the tag index; each tag's page is a folder below it.
pub(crate) const INDEX_PATH: &str = "tags/";
/// The feed beside each tag page and beside the index.
const FEED_FILE: &str = "atom.xml";

/// A tag as a page shows it: its name as written there, and the site path of its page.
#[derive(Serialize, Hash)]
pub(crate) struct TagLink<'a> {
    name: &'a str,
    path: String,
}

/// The tags of one page, as links to their pages.
pub(crate) fn links(names: &[String]) -> Vec<TagLink<'_>> {
    names
        .iter()
        .map(|name| TagLink {
            name,
            path: tag_path(name),
        })
        .collect()
}

fn tag_path(name: &str) -> String {
    format!("{INDEX_PATH}{}/", slugify(name))
}

/// One tag and the pages that carry it.
struct Tag {
    /// As first written, in the order pages are read (file names, folder by folder).
    name: String,
    path: String,
    /// Indexes into `Site::pages`: newest first, undated pages last, then by title.
    pages: Vec<usize>,
}

/// The tags of a site and the pages quire makes for them.
pub(crate) struct TagPages {
    /// Most used first, then by name.
    tags: Vec<Tag>,
    /// Whether the theme has `tags.html` and `tag.html`; without them only the feeds are made.
    has_templates: bool,
}

impl TagPages {
    /// Gathers every tag of the site; a tag without a URL, and a page that takes the URL of
    /// a tag page, are errors.
    pub(crate) fn new(site: &Site, renderer: &Renderer, diags: &mut Diagnostics) -> TagPages {
        let mut tags: Vec<Tag> = Vec::new();
        let mut by_path: AHashMap<String, usize> = AHashMap::new();
        for (i, page) in site.pages.iter().enumerate() {
            for name in &page.doc.meta.tags {
                if slugify(name).is_empty() {
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
                }
                let path = tag_path(name);
                let at = *by_path.entry(path.clone()).or_insert_with(|| {
                    tags.push(Tag {
                        name: name.clone(),
                        path,
                        pages: Vec::new(),
                    });
                    tags.len() - 1
                });
                if tags[at].pages.last() != Some(&i) {
                    tags[at].pages.push(i);
                }
            }
        }
        if tags.is_empty() {
            return TagPages {
                tags,
                has_templates: false,
            };
        }
        for tag in &mut tags {
            tag.pages.sort_by(|&a, &b| {
                let (a, b) = (&site.pages[a], &site.pages[b]);
                b.doc
                    .date
                    .cmp(&a.doc.date)
                    .then_with(|| a.doc.title.cmp(&b.doc.title))
                    .then_with(|| a.path.cmp(&b.path))
            });
        }
        tags.sort_by(|a, b| {
            b.pages
                .len()
                .cmp(&a.pages.len())
                .then_with(|| a.name.cmp(&b.name))
        });
        let sections = site.sections.iter().map(|s| (&s.path, &s.doc));
        let pages = site.pages.iter().map(|p| (&p.path, &p.doc));
        for (path, doc) in sections.chain(pages) {
            let taken = path == INDEX_PATH || by_path.contains_key(path.as_str());
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
            has_templates: renderer.has_template("tags.html") && renderer.has_template("tag.html"),
        }
    }

    /// Site paths of the tag pages, the index first (none without tags or templates).
    pub(crate) fn paths(&self) -> Vec<&str> {
        if !self.has_templates {
            return Vec::new();
        }
        let tags = self.tags.iter().map(|t| t.path.as_str());
        std::iter::once(INDEX_PATH).chain(tags).collect()
    }

    /// The Atom feeds: one per tag, and one of every tagged page beside the index.
    pub(crate) fn feeds(
        &self,
        config: &Config,
        site: &Site,
        summaries: &[&str],
    ) -> Vec<OutputFile> {
        if self.tags.is_empty() {
            return Vec::new();
        }
        let feed = |title: &str, page_path: &str, pages: Vec<usize>| {
            let self_path = format!("{page_path}{FEED_FILE}");
            let head = FeedHead {
                title,
                self_path: &self_path,
                page_path,
            };
            OutputFile::bytes(
                self_path.clone(),
                atom_of(config, site, summaries, &head, pages),
            )
        };
        let mut tagged: Vec<usize> = self
            .tags
            .iter()
            .flat_map(|t| t.pages.iter().copied())
            .collect();
        tagged.sort_unstable();
        tagged.dedup();
        let mut files = vec![feed(&config.title, INDEX_PATH, tagged)];
        for tag in &self.tags {
            let title = format!("{} - {}", tag.name, config.title);
            files.push(feed(&title, &tag.path, tag.pages.clone()));
        }
        files
    }

    /// The HTML of each of `paths()`, in the same order.
    pub(crate) fn render(
        &self,
        renderer: &Renderer,
        data: &RenderedSite,
        shared: &Shared,
    ) -> Vec<Result<String>> {
        if !self.has_templates {
            return Vec::new();
        }
        let index = TagIndexContext {
            tags: self
                .tags
                .iter()
                .map(|t| TagSummary {
                    name: &t.name,
                    path: &t.path,
                    page_count: t.pages.len(),
                })
                .collect(),
            permalink: data.config.permalink(INDEX_PATH),
            feed_path: format!("{INDEX_PATH}{FEED_FILE}"),
            current_path: INDEX_PATH,
            root: root_prefix(INDEX_PATH),
        };
        let mut html = vec![renderer.render_own("tags.html", shared, &index)];
        html.extend(self.tags.iter().map(|t| {
            let own = TagContext {
                tag: TagView {
                    name: &t.name,
                    path: &t.path,
                    permalink: data.config.permalink(&t.path),
                    feed_path: format!("{}{FEED_FILE}", t.path),
                    index_path: INDEX_PATH,
                    pages: t.pages.iter().map(|&p| page_ref(data, p)).collect(),
                },
                current_path: &t.path,
                root: root_prefix(&t.path),
            };
            renderer.render_own("tag.html", shared, &own)
        }));
        html
    }
}

/// A tag as the index lists it.
#[derive(Serialize)]
struct TagSummary<'a> {
    name: &'a str,
    path: &'a str,
    page_count: usize,
}

/// What `tags.html` sees besides the shared values.
#[derive(Serialize)]
struct TagIndexContext<'a> {
    tags: Vec<TagSummary<'a>>,
    permalink: String,
    feed_path: String,
    current_path: &'a str,
    root: String,
}

#[derive(Serialize)]
struct TagView<'a> {
    name: &'a str,
    path: &'a str,
    permalink: String,
    feed_path: String,
    index_path: &'a str,
    pages: Vec<PageRef<'a>>,
}

/// What `tag.html` sees besides the shared values.
#[derive(Serialize)]
struct TagContext<'a> {
    tag: TagView<'a>,
    current_path: &'a str,
    root: String,
}
