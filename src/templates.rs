//! Turns rendered markdown into whole HTML pages with Tera: templates are compiled once per
//! build, and each page gets a typed context borrowed from the Site (see README, "Templates").

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::config::Config;
use crate::content::{Document, Site};
use crate::date::Date;
use crate::error::{Diagnostic, Error, Result};
use crate::languages::{Language, LanguageLink, language_links};
use crate::markdown::{Rendered, TocEntry};
use crate::memo::{Keyed, Memo, hash_of};
use crate::tags::{self, TagLink};
use crate::theme::Theme;
use crate::url::root_prefix;
use crate::yaml;

/// Compiled templates plus the values every page shares.
pub struct Renderer {
    tera: Tera,
    shown_paths: HashMap<String, PathBuf>,
    sources: HashMap<String, String>,
    /// `templates_key` of the templates it was compiled from.
    key: u64,
}

#[derive(Serialize, Hash)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    language: &'a str,
    extra: &'a BTreeMap<String, yaml::Value>,
    /// Whether the site has a search index (`search.enabled` in site.yaml).
    search: bool,
}

/// A page as other pages list it.
#[derive(Serialize, Hash)]
struct PageRef<'a> {
    title: &'a str,
    description: &'a str,
    path: &'a str,
    date: Option<Ymd>,
    summary: &'a str,
    reading_time: usize,
    tags: Vec<TagLink<'a>>,
}

/// A date as templates see it, `YYYY-MM-DD`; formatted only when a page is rendered.
#[derive(Clone, Copy, Hash)]
struct Ymd(Date);

impl Serialize for Ymd {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.ymd())
    }
}

/// A page as its own template sees it; `Toc` is how its table of contents is held (see
/// `PageContext`).
#[derive(Serialize, Hash)]
struct PageView<'a, Toc> {
    /// The page as other pages list it (its `page_ref`), shared with their contexts.
    #[serde(flatten)]
    list: Keyed<Value>,
    permalink: String,
    updated: Option<Ymd>,
    /// The title's heading id, when the title was the body's `# heading`.
    title_id: Option<&'a str>,
    extra: &'a BTreeMap<String, yaml::Value>,
    content: Keyed<&'a str>,
    toc: Keyed<Toc>,
    word_count: usize,
    prev: Option<Keyed<Value>>,
    next: Option<Keyed<Value>>,
    /// Questions and answers for schema.org FAQPage data; empty unless this is an FAQ page.
    faq: Vec<FaqEntry>,
}

/// One question of an FAQ page and its answer as plain text.
#[derive(Serialize, Hash)]
struct FaqEntry {
    question: String,
    answer: String,
}

#[derive(Serialize, Hash)]
struct SectionRef<'a> {
    title: &'a str,
    description: &'a str,
    path: &'a str,
    page_count: usize,
}

#[derive(Serialize, Hash)]
struct SectionView<'a> {
    title: &'a str,
    description: &'a str,
    path: &'a str,
    permalink: String,
    title_id: Option<&'a str>,
    extra: &'a BTreeMap<String, yaml::Value>,
    content: Keyed<&'a str>,
    toc: Keyed<&'a [TocEntry]>,
    pages: Vec<Keyed<Value>>,
    subsections: Vec<SectionRef<'a>>,
}

/// The most entries one list of the sidebar shows: sections of one level, or the pages of the
/// current section. Longer lists show a window around the current entry and a `gap` entry for
/// each run left out, so every page's sidebar has the same bounded size however large the site
/// grows (listing every section or page on every page makes the output grow with the square of
/// the page count).
const NAV_WINDOW: usize = 25;

/// One entry of the site navigation: a section and the sections below it (only below the
/// sections leading to the one shown), or with `gap` > 0, that many sections left out here,
/// with `path` leading to the section that lists them all.
#[derive(Serialize, Hash)]
struct NavItem<'a> {
    title: &'a str,
    path: &'a str,
    children: Vec<NavItem<'a>>,
    gap: usize,
}

/// A page of the current section as the sidebar lists it; with `gap` > 0, that many pages left
/// out here, with `path` leading to the section that lists them all.
#[derive(Serialize, Hash)]
struct NavPage<'a> {
    title: &'a str,
    path: &'a str,
    gap: usize,
}

/// What a gap entry shows to themes that do not know `gap`.
const GAP_TITLE: &str = "…";

#[derive(Serialize, Hash)]
struct Crumb<'a> {
    title: &'a str,
    path: &'a str,
}

/// The rendered markdown of every page and section, parallel to `Site::pages` and `Site::sections`.
pub struct RenderedSite<'a> {
    pub config: &'a Config,
    /// The site's languages, the default one first (languages.rs).
    pub languages: &'a [Language],
    pub site: &'a Site,
    pub pages: &'a [Arc<Rendered>],
    pub sections: &'a [Arc<Rendered>],
}

/// Tera values kept from one build for the next (`quire serve`), by the hash of what they
/// were converted from, so a rebuild converts only what changed.
#[derive(Default)]
pub struct TemplateValues {
    /// Section views.
    sections: Memo<u64, Value>,
    /// Pages as other pages list them (`page_ref`).
    page_refs: Memo<u64, Value>,
    /// Pages as their section's sidebar lists them.
    nav_entries: Memo<u64, Value>,
}

/// Context values shared by every page of one build, converted to Tera values once.
pub struct Shared {
    /// Per language: what its pages share.
    languages: Vec<LanguageShared>,
    /// Per section: the navigation its pages show, and its hash.
    navs: Vec<(Value, u64)>,
    /// Per page: the page as other pages list it (its `page_ref`), converted once for every
    /// context that shows it (its own, its neighbours', its section's), with its hash.
    page_refs: Vec<Keyed<Value>>,
    /// Per section: its pages' entries in its sidebar list (`nav_pages`), in its order, with
    /// their hashes.
    nav_entries: Vec<Vec<Keyed<Value>>>,
    /// Per section: its view (with its page list), built once and shared by its pages.
    sections: Vec<Value>,
    /// Per section: a hash of its view.
    section_keys: Vec<u64>,
}

impl Shared {
    /// A hash of page `index` as other pages list it (its `page_ref`).
    pub(crate) fn page_ref_key(&self, index: usize) -> u64 {
        self.page_refs[index].key
    }

    /// Page `index` as other pages list it (its `page_ref`), as a Tera value.
    pub(crate) fn page_ref(&self, index: usize) -> Value {
        self.page_refs[index].value.clone()
    }
}

/// What every page of one language shares: the site as it is in that language, its nav tree,
/// its UI strings and its home's path.
struct LanguageShared {
    site: Value,
    strings: Value,
    lang_root: Value,
    /// A hash of all of them.
    key: u64,
}

/// What a page's template sees besides the shared values. Its hash, with the shared values'
/// keys, keys the page's HTML in `quire serve`; the context is made from this same value, so
/// nothing a template can see is left out of the key.
/// Templates see the table of contents twice (`page.toc`, `toc`): `Toc` is its entries when the
/// context is hashed, and one Tera value that both places share when it is rendered.
#[derive(Serialize, Hash)]
struct PageContext<'a, Toc> {
    page: PageView<'a, Toc>,
    #[serde(flatten)]
    place: SectionContext<'a, Toc>,
}

/// What the templates of pages made by quire itself (not found, search) see besides the
/// shared values.
#[derive(Serialize)]
struct PlaceContext<'a> {
    current_path: &'a str,
    root: String,
    languages: Vec<LanguageLink<'a>>,
}

/// What a section's template sees besides the shared values (its own view is one of those);
/// a page's template sees the same of its own place.
#[derive(Serialize, Hash)]
struct SectionContext<'a, Toc = &'a [TocEntry]> {
    languages: Vec<LanguageLink<'a>>,
    toc: Keyed<Toc>,
    breadcrumbs: Vec<Crumb<'a>>,
    current_path: &'a str,
    root: String,
    nav_pages: NavPages<'a>,
}

impl Renderer {
    pub fn new(theme: &Theme) -> Result<Renderer> {
        let mut tera = Tera::new();
        tera.register_filter("json", json_filter);
        let shown_paths: HashMap<String, PathBuf> = theme
            .templates
            .iter()
            .map(|t| (t.name.clone(), t.shown.clone()))
            .collect();
        let sources: HashMap<String, String> = theme
            .templates
            .iter()
            .map(|t| (t.name.clone(), t.text.clone()))
            .collect();
        // Parse one by one first, so a syntax error names its own file.
        let mut diags = Vec::new();
        for t in &theme.templates {
            if let Err(e) = Tera::new().add_raw_template(&t.name, &t.text)
                && !matches!(e.kind(), tera::ErrorKind::MissingParent { .. })
                && !e.to_string().contains("Unknown")
            {
                diags.push(tera_diagnostic(&e, &shown_paths, &sources));
            }
        }
        if !diags.is_empty() {
            return Err(Error::new(diags));
        }
        tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|t| (t.name.as_str(), t.text.as_str())),
        )
        .map_err(|e| Error::from(tera_diagnostic(&e, &shown_paths, &sources)))?;
        Ok(Renderer {
            tera,
            shown_paths,
            sources,
            key: templates_key(theme),
        })
    }

    /// `templates_key` of the templates this was compiled from.
    pub fn key(&self) -> u64 {
        self.key
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// The HTML `name` makes of `context`, as bytes: it goes to a file, so tera's check that
    /// its output is UTF-8 (a pass over every page) is skipped.
    fn render(&self, name: &str, context: &Context) -> Result<Vec<u8>> {
        let mut html = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(name, context, &mut html)
            .map_err(|e| tera_diagnostic(&e, &self.shown_paths, &self.sources))?;
        Ok(html)
    }

    /// Values every page of this build shares; section views and page entries are taken from
    /// `kept` when an earlier build made the same one.
    /// `strings[i]` are the UI strings of language i.
    pub fn shared(
        &self,
        data: &RenderedSite,
        strings: &[BTreeMap<String, String>],
        kept: &mut TemplateValues,
    ) -> Shared {
        let languages = data
            .languages
            .iter()
            .zip(strings)
            .map(|(language, strings)| {
                let config = &language.config;
                let site = SiteView {
                    title: &config.title,
                    description: &config.description,
                    base_url: &config.base_url,
                    language: &config.language,
                    extra: &config.extra,
                    search: config.search.enabled,
                };
                LanguageShared {
                    key: hash_of(&(&site, strings, &language.root)),
                    site: Value::from_serializable(&site),
                    strings: Value::from_serializable(strings),
                    lang_root: Value::from_serializable(&language.root),
                }
            })
            .collect();
        let navs: Vec<(Value, u64)> = (0..data.site.sections.len())
            .into_par_iter()
            .map(|i| {
                let chain = chain_to(data.site, i);
                let nav = nav_items(data.site, chain[0], &chain);
                (Value::from_serializable(&nav), hash_of(&nav))
            })
            .collect();
        let page_refs: Vec<Keyed<Value>> = (0..data.site.pages.len())
            .into_par_iter()
            .map(|i| kept_value(&kept.page_refs, &page_ref(data, i)))
            .collect();
        let nav_entries: Vec<Vec<Keyed<Value>>> = (data.site.sections.par_iter())
            .map(|section| {
                let entry = |&p: &usize| NavPage {
                    title: &data.site.pages[p].doc.title,
                    path: &data.site.pages[p].path,
                    gap: 0,
                };
                (section.pages.iter())
                    .map(|p| kept_value(&kept.nav_entries, &entry(p)))
                    .collect()
            })
            .collect();
        let pairs = |v: &Keyed<Value>| (v.key, v.value.clone());
        kept.page_refs.keep(page_refs.iter().map(pairs));
        kept.nav_entries
            .keep(nav_entries.iter().flatten().map(pairs));
        let (section_keys, section_values): (Vec<u64>, Vec<Value>) = (0..data.site.sections.len())
            .into_par_iter()
            .map(|i| {
                let view = section_view(data, &page_refs, i);
                let key = hash_of(&view);
                (
                    key,
                    kept.sections
                        .get_or_make(&key, || Value::from_serializable(&view)),
                )
            })
            .unzip();
        kept.sections.keep(
            section_keys
                .iter()
                .copied()
                .zip(section_values.iter().cloned()),
        );
        Shared {
            languages,
            navs,
            page_refs,
            nav_entries,
            sections: section_values,
            section_keys,
        }
    }

    /// The context of a page of language `lang` shown in section `section`.
    fn context(
        &self,
        shared: &Shared,
        lang: usize,
        section: usize,
        own: &impl Serialize,
    ) -> Context {
        let nav = shared.navs[section].0.clone();
        let shared = &shared.languages[lang];
        let mut ctx = Context::from_serialize(own).expect("a context struct serializes to a map");
        ctx.insert_value("site", shared.site.clone());
        ctx.insert_value("config", shared.site.clone());
        ctx.insert_value("nav", nav);
        ctx.insert_value("i18n", shared.strings.clone());
        ctx.insert_value("lang_root", shared.lang_root.clone());
        ctx
    }

    /// A hash of everything page `index` is rendered from: equal keys, equal HTML.
    pub fn page_key(&self, data: &RenderedSite, shared: &Shared, index: usize) -> u64 {
        let page = &data.site.pages[index];
        let template = template_name(&page.doc, "page.html");
        hash_of(&(
            self.key,
            shared.languages[page.lang].key,
            shared.section_keys[page.section],
            shared.navs[page.section].1,
            template,
            page_context(data, shared, index, &data.pages[index].toc[..]),
        ))
    }

    /// Renders page `index` with its template.
    pub fn render_page(
        &self,
        data: &RenderedSite,
        shared: &Shared,
        index: usize,
    ) -> Result<Vec<u8>> {
        let page = &data.site.pages[index];
        let toc = Value::from_serializable(&data.pages[index].toc);
        let mut ctx = self.context(
            shared,
            page.lang,
            page.section,
            &page_context(data, shared, index, toc),
        );
        ctx.insert_value("section", shared.sections[page.section].clone());
        self.render(template_name(&page.doc, "page.html"), &ctx)
    }

    /// A hash of everything section `index` is rendered from.
    pub fn section_key(&self, data: &RenderedSite, shared: &Shared, index: usize) -> u64 {
        let template = section_template(data.site, index);
        hash_of(&(
            self.key,
            shared.languages[data.site.sections[index].lang].key,
            shared.section_keys[index],
            shared.navs[index].1,
            template,
            section_context(data, shared, index),
        ))
    }

    /// Renders section `index`; section 0 (the home page) uses `index.html`.
    pub fn render_section(
        &self,
        data: &RenderedSite,
        shared: &Shared,
        index: usize,
    ) -> Result<Vec<u8>> {
        let lang = data.site.sections[index].lang;
        let mut ctx = self.context(shared, lang, index, &section_context(data, shared, index));
        ctx.insert_value("section", shared.sections[index].clone());
        self.render(section_template(data.site, index), &ctx)
    }

    /// The not-found page: served at any depth, so its links start from the base URL's path.
    pub fn render_not_found(&self, data: &RenderedSite, shared: &Shared) -> Result<Vec<u8>> {
        let own = PlaceContext {
            current_path: "404.html",
            root: data.config.base_path(),
            languages: home_links(data, 0),
        };
        let home = data.site.homes[0];
        self.render("404.html", &self.context(shared, 0, home, &own))
    }

    /// A page quire makes itself for language `lang` (the tag pages) with `template`; `own` is
    /// what it sees besides the shared values and the links to the other languages' homes.
    pub(crate) fn render_own(
        &self,
        template: &str,
        data: &RenderedSite,
        shared: &Shared,
        lang: usize,
        own: &impl Serialize,
    ) -> Result<Vec<u8>> {
        let mut ctx = self.context(shared, lang, data.site.homes[lang], own);
        ctx.insert_value(
            "languages",
            Value::from_serializable(&home_links(data, lang)),
        );
        self.render(template, &ctx)
    }

    /// A hash of everything `render_own` shows besides `own`, combined with `own_key` (a hash
    /// of `own`): equal keys, equal HTML.
    pub(crate) fn own_key(
        &self,
        template: &str,
        data: &RenderedSite,
        shared: &Shared,
        lang: usize,
        own_key: u64,
    ) -> u64 {
        let home = data.site.homes[lang];
        hash_of(&(
            self.key,
            template,
            shared.languages[lang].key,
            shared.navs[home].1,
            home_links(data, lang),
            own_key,
        ))
    }

    /// The search results page of language `lang` that `search/?q=` links open (`en/search/`
    /// for English); search.js fills it in.
    pub fn render_search(
        &self,
        data: &RenderedSite,
        shared: &Shared,
        lang: usize,
    ) -> Result<Vec<u8>> {
        let path = format!("{}search/", data.languages[lang].root);
        let own = PlaceContext {
            current_path: &path,
            root: root_prefix(&path),
            languages: home_links(data, lang),
        };
        let home = data.site.homes[lang];
        self.render("search.html", &self.context(shared, lang, home, &own))
    }
}

/// A hash of every template's name and text: what a compiled Renderer depends on.
pub fn templates_key(theme: &Theme) -> u64 {
    hash_of(
        &theme
            .templates
            .iter()
            .map(|t| (&t.name, &t.text))
            .collect::<Vec<_>>(),
    )
}

/// A page is an FAQ page when its front matter, or else its section's `_index.md`, sets
/// `extra: {faq: true}`; a page can opt out of its section's setting with `faq: false`.
fn is_faq(page: &Document, section: &Document) -> bool {
    let flag = |doc: &Document| doc.meta.extra.get("faq").and_then(yaml::Value::as_bool);
    flag(page).or_else(|| flag(section)).unwrap_or(false)
}

/// The questions an FAQ page answers: each heading that ends in a question mark, answered by the
/// text under it; a page without such headings is one question, its title, answered by all its text.
fn faq_entries(title: &str, rendered: &Rendered) -> Vec<FaqEntry> {
    let is_question = |heading: &str| heading.ends_with('?') || heading.ends_with('？');
    let asked: Vec<FaqEntry> = rendered
        .sections
        .iter()
        .filter(|s| is_question(&s.heading) && !s.text.is_empty())
        .map(|s| FaqEntry {
            question: s.heading.clone(),
            answer: s.text.clone(),
        })
        .collect();
    if !asked.is_empty() {
        return asked;
    }
    let answer = rendered
        .sections
        .iter()
        .flat_map(|s| [s.heading.as_str(), s.text.as_str()])
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    vec![FaqEntry {
        question: title.to_owned(),
        answer,
    }]
}

/// The context of page `index`, with `toc` for its table of contents (see `PageContext`).
fn page_context<'a, Toc: Clone>(
    data: &RenderedSite<'a>,
    shared: &'a Shared,
    index: usize,
    toc: Toc,
) -> PageContext<'a, Toc> {
    let page = &data.site.pages[index];
    let rendered = &data.pages[index];
    let section = &data.site.sections[page.section];
    let position = section
        .pages
        .iter()
        .position(|&p| p == index)
        .expect("a page is listed in its section");
    let listed = |p: usize| shared.page_refs[p].clone();
    let neighbour = |i: Option<usize>| i.and_then(|i| section.pages.get(i)).map(|&p| listed(p));
    let toc = Keyed {
        value: toc,
        key: rendered.key,
    };
    PageContext {
        page: PageView {
            list: listed(index),
            permalink: data.config.permalink(&page.path),
            updated: page.doc.updated.map(Ymd),
            title_id: rendered.title_id.as_deref(),
            extra: &page.doc.meta.extra,
            content: Keyed {
                value: &rendered.html,
                key: rendered.key,
            },
            toc: toc.clone(),
            word_count: rendered.word_count,
            prev: neighbour(position.checked_sub(1)),
            next: neighbour(Some(position + 1)),
            faq: if is_faq(&page.doc, &section.doc) {
                faq_entries(&page.doc.title, rendered)
            } else {
                Vec::new()
            },
        },
        place: SectionContext {
            languages: language_links(
                data.languages,
                &home_paths(data.site),
                &page.translations,
                page.lang,
            ),
            toc,
            breadcrumbs: breadcrumbs(data.site, page.section),
            current_path: &page.path,
            root: root_prefix(&page.path),
            nav_pages: nav_pages(data, shared, page.section, Some(position)),
        },
    }
}

fn section_context<'a>(
    data: &RenderedSite<'a>,
    shared: &'a Shared,
    index: usize,
) -> SectionContext<'a> {
    let section = &data.site.sections[index];
    SectionContext {
        languages: language_links(
            data.languages,
            &home_paths(data.site),
            &section.translations,
            section.lang,
        ),
        toc: Keyed {
            value: &data.sections[index].toc,
            key: data.sections[index].key,
        },
        breadcrumbs: match section.parent {
            Some(p) => breadcrumbs(data.site, p),
            None => Vec::new(),
        },
        current_path: &section.path,
        root: root_prefix(&section.path),
        nav_pages: nav_pages(data, shared, index, None),
    }
}

/// Each language's home path (`""`, `en/`).
fn home_paths(site: &Site) -> Vec<&str> {
    site.homes
        .iter()
        .map(|&h| site.sections[h].path.as_str())
        .collect()
}

/// Every language as a page without translations (not found, search) sees it: its home page.
fn home_links<'a>(data: &RenderedSite<'a>, lang: usize) -> Vec<LanguageLink<'a>> {
    language_links(data.languages, &home_paths(data.site), &[], lang)
}

fn section_template(site: &Site, index: usize) -> &str {
    template_name(
        &site.sections[index].doc,
        if site.sections[index].parent.is_none() {
            "index.html"
        } else {
            "section.html"
        },
    )
}

/// The template a document asks for in its front matter, or the stage's default.
pub fn template_name<'a>(doc: &'a Document, fallback: &'a str) -> &'a str {
    doc.meta.template.as_deref().unwrap_or(fallback)
}

fn page_ref<'a>(data: &RenderedSite<'a>, index: usize) -> PageRef<'a> {
    let page = &data.site.pages[index];
    let rendered = &data.pages[index];
    PageRef {
        title: &page.doc.title,
        description: page.doc.meta.description.as_deref().unwrap_or(""),
        path: &page.path,
        date: page.doc.date.map(Ymd),
        summary: &rendered.summary,
        reading_time: rendered.reading_time,
        tags: tags::links(&page.doc.meta.tags, &data.languages[page.lang].root),
    }
}

fn section_view<'a>(
    data: &RenderedSite<'a>,
    page_refs: &[Keyed<Value>],
    index: usize,
) -> SectionView<'a> {
    let section = &data.site.sections[index];
    SectionView {
        title: &section.doc.title,
        description: section.doc.meta.description.as_deref().unwrap_or(""),
        path: &section.path,
        permalink: data.config.permalink(&section.path),
        title_id: data.sections[index].title_id.as_deref(),
        extra: &section.doc.meta.extra,
        content: Keyed {
            value: &data.sections[index].html,
            key: data.sections[index].key,
        },
        toc: Keyed {
            value: &data.sections[index].toc,
            key: data.sections[index].key,
        },
        pages: section
            .pages
            .iter()
            .map(|&p| page_refs[p].clone())
            .collect(),
        subsections: section
            .subsections
            .iter()
            .map(|&s| {
                let sub = &data.site.sections[s];
                SectionRef {
                    title: &sub.doc.title,
                    description: sub.doc.meta.description.as_deref().unwrap_or(""),
                    path: &sub.path,
                    page_count: sub.pages.len(),
                }
            })
            .collect(),
    }
}

/// The first and last (exclusive) entry a sidebar list of `len` entries shows: all of them,
/// or `NAV_WINDOW` around entry `at` (from the start when none is current).
fn window(len: usize, at: Option<usize>) -> (usize, usize) {
    if len <= NAV_WINDOW {
        return (0, len);
    }
    let start = at
        .unwrap_or(0)
        .saturating_sub(NAV_WINDOW / 2)
        .min(len - NAV_WINDOW);
    (start, start + NAV_WINDOW)
}

/// The sections from home down to section `index`, home first.
fn chain_to(site: &Site, index: usize) -> Vec<usize> {
    let mut chain: Vec<usize> =
        std::iter::successors(Some(index), |&i| site.sections[i].parent).collect();
    chain.reverse();
    chain
}

/// The navigation below section `index` for a page of the last section of `chain`: each level
/// a window around the section on the way there, opened only along that way.
fn nav_items<'a>(site: &'a Site, index: usize, chain: &[usize]) -> Vec<NavItem<'a>> {
    let section = &site.sections[index];
    let subs = &section.subsections;
    let on_way = chain
        .get(1)
        .and_then(|next| subs.iter().position(|s| s == next));
    let (start, end) = window(subs.len(), on_way);
    let gap = |hidden: usize| NavItem {
        title: GAP_TITLE,
        path: &section.path,
        children: Vec::new(),
        gap: hidden,
    };
    let mut items = Vec::with_capacity(end - start + 2);
    if start > 0 {
        items.push(gap(start));
    }
    for (i, &sub) in subs.iter().enumerate().take(end).skip(start) {
        let s = &site.sections[sub];
        items.push(NavItem {
            title: &s.doc.title,
            path: &s.path,
            children: match Some(i) == on_way {
                true => nav_items(site, sub, &chain[1..]),
                false => Vec::new(),
            },
            gap: 0,
        });
    }
    if end < subs.len() {
        items.push(gap(subs.len() - end));
    }
    items
}

/// The pages of a section as its sidebar lists them (`nav_pages`): a window of its entries,
/// with a gap entry for each run left out. It hashes as the entries' keys, so a page's key
/// copies no entry.
struct NavPages<'a> {
    section_path: &'a str,
    shown: &'a [Keyed<Value>],
    /// How many entries the gaps before and after `shown` stand for (0: no gap).
    hidden_before: usize,
    hidden_after: usize,
}

impl Serialize for NavPages<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let gap = |hidden| NavPage {
            title: GAP_TITLE,
            path: self.section_path,
            gap: hidden,
        };
        let gaps = usize::from(self.hidden_before > 0) + usize::from(self.hidden_after > 0);
        let mut seq = serializer.serialize_seq(Some(self.shown.len() + gaps))?;
        if self.hidden_before > 0 {
            seq.serialize_element(&gap(self.hidden_before))?;
        }
        for entry in self.shown {
            seq.serialize_element(entry)?;
        }
        if self.hidden_after > 0 {
            seq.serialize_element(&gap(self.hidden_after))?;
        }
        seq.end()
    }
}

impl std::hash::Hash for NavPages<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (
            self.section_path,
            self.shown,
            self.hidden_before,
            self.hidden_after,
        )
            .hash(state);
    }
}

/// The pages of section `index` as its sidebar lists them, around page `at` of the section.
fn nav_pages<'a>(
    data: &RenderedSite<'a>,
    shared: &'a Shared,
    index: usize,
    at: Option<usize>,
) -> NavPages<'a> {
    let section = &data.site.sections[index];
    let (start, end) = window(section.pages.len(), at);
    NavPages {
        section_path: &section.path,
        shown: &shared.nav_entries[index][start..end],
        hidden_before: start,
        hidden_after: section.pages.len() - end,
    }
}

/// `value` as a Tera value, which contexts holding it clone instead of converting it again,
/// with its hash; taken from `kept` when an earlier build converted an equal value.
fn kept_value(kept: &Memo<u64, Value>, value: &(impl Serialize + std::hash::Hash)) -> Keyed<Value> {
    let key = hash_of(value);
    Keyed {
        value: kept.get_or_make(&key, || Value::from_serializable(value)),
        key,
    }
}

/// Home -> ... -> the section `index`, for a page inside it.
fn breadcrumbs(site: &Site, index: usize) -> Vec<Crumb<'_>> {
    chain_to(site, index)
        .into_iter()
        .map(|i| Crumb {
            title: &site.sections[i].doc.title,
            path: &site.sections[i].path,
        })
        .collect()
}

/// `{{ value | json }}`: JSON that is safe inside `<script>` (no `<`, `>` or `&` left raw).
fn json_filter(value: &Value, _: Kwargs, _: &State) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn tera_diagnostic(
    e: &tera::Error,
    shown: &HashMap<String, PathBuf>,
    sources: &HashMap<String, String>,
) -> Diagnostic {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    match report {
        Some(r) => {
            let path = shown
                .get(r.filename())
                .cloned()
                .unwrap_or_else(|| PathBuf::from(r.filename()));
            let span = r.span();
            let mut d = Diagnostic::error(path, format!("template error: {}", r.message()))
                .at(span.start_line, span.start_col + 1)
                .help(
                    "fix the template at this place; README.md lists the variables templates get",
                );
            if let Some(source) = sources.get(r.filename()) {
                d = d.with_source(source);
            }
            d
        }
        None => {
            let message = e.to_string();
            let (path, line) = locate_in_report(&message, shown);
            let mut d =
                Diagnostic::error(path, format!("template error: {}", first_line(&message))).help(
                    "check the template named here; README.md lists the templates a theme provides",
                );
            if let Some(l) = line {
                d = d.at_line(l);
            }
            d
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim_start_matches("error: ")
}

/// Finds `--> name:line` in a report Tera formatted itself.
fn locate_in_report(message: &str, shown: &HashMap<String, PathBuf>) -> (PathBuf, Option<usize>) {
    for line in message.lines() {
        if let Some(rest) = line.trim().strip_prefix("--> ") {
            let mut parts = rest.split(':');
            let name = parts.next().unwrap_or_default();
            let number = parts.next().and_then(|n| n.parse().ok());
            if let Some(path) = shown.get(name) {
                return (path.clone(), number);
            }
        }
    }
    (PathBuf::from("templates"), None)
}
