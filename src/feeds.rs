//! The machine-readable files a published site needs beside its pages: sitemap.xml,
//! robots.txt and an Atom feed of dated pages.

use crate::config::Config;
use crate::content::Site;
use crate::languages::{Language, sitemap_alternates};
use crate::markdown::escape_html;

/// How many entries the Atom feed keeps, newest first.
const FEED_LIMIT: usize = 50;

/// Every page of every language (a page with translations lists them all as alternates), and
/// `more` site paths quire makes itself (tag pages).
pub fn sitemap(languages: &[Language], site: &Site, more: &[&str]) -> String {
    let config = &languages[0].config;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    if languages.len() > 1 {
        xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    xml.push_str(">\n");
    let sections = site.sections.iter().map(|s| {
        (
            s.path.as_str(),
            s.doc.updated.or(s.doc.date),
            &s.translations[..],
        )
    });
    let pages = site.pages.iter().map(|p| {
        (
            p.path.as_str(),
            p.doc.updated.or(p.doc.date),
            &p.translations[..],
        )
    });
    let more = more.iter().map(|&path| (path, None, &[][..]));
    for (path, date, translations) in sections.chain(pages).chain(more) {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&escape_html(&config.permalink(path)));
        xml.push_str("</loc>\n");
        if let Some(d) = date {
            xml.push_str(&format!("    <lastmod>{}</lastmod>\n", d.ymd()));
        }
        xml.push_str(&sitemap_alternates(languages, translations));
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}\n",
        config.permalink("sitemap.xml")
    )
}

/// What a feed is about: its title, the site path of the feed itself and of the page it is
/// the feed of (which gives its `id`).
pub(crate) struct FeedHead<'a> {
    pub title: &'a str,
    pub self_path: &'a str,
    pub page_path: &'a str,
}

/// Atom feed of one language's pages that have a date, newest first (`atom.xml`, `en/atom.xml`);
/// `summaries[i]` belongs to page i.
pub fn atom(language: &Language, lang: usize, site: &Site, summaries: &[&str]) -> String {
    let self_path = format!("{}atom.xml", language.root);
    let head = FeedHead {
        title: &language.config.title,
        self_path: &self_path,
        page_path: &language.root,
    };
    let pages = (0..site.pages.len()).filter(|&i| site.pages[i].lang == lang);
    atom_of(&language.config, site, summaries, &head, pages)
}

/// Atom feed of those of `pages` (indexes into `site.pages`) that have a date, newest first;
/// `config` is the site as the feed's language sees it.
pub(crate) fn atom_of(
    config: &Config,
    site: &Site,
    summaries: &[&str],
    head: &FeedHead,
    pages: impl IntoIterator<Item = usize>,
) -> String {
    let mut dated: Vec<usize> = pages
        .into_iter()
        .filter(|&i| site.pages[i].doc.date.is_some())
        .collect();
    let newest_first = |a: &usize, b: &usize| {
        (site.pages[*b].doc.date)
            .cmp(&site.pages[*a].doc.date)
            .then(a.cmp(b))
    };
    // Only the newest are shown: they are picked in linear time, and only they are sorted.
    if dated.len() > FEED_LIMIT {
        dated.select_nth_unstable_by(FEED_LIMIT, newest_first);
        dated.truncate(FEED_LIMIT);
    }
    dated.sort_unstable_by(newest_first);
    let updated = dated
        .iter()
        .filter_map(|&i| site.pages[i].doc.updated.or(site.pages[i].doc.date))
        .max()
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{updated}</updated>\n  <generator>quire</generator>\n",
        escape_html(&config.language),
        escape_html(head.title),
        escape_html(&config.description),
        escape_html(&config.permalink(head.self_path)),
        escape_html(&config.permalink(head.page_path)),
        escape_html(&config.permalink(head.page_path)),
    );
    for i in dated {
        let page = &site.pages[i];
        let link = escape_html(&config.permalink(&page.path));
        let date = page.doc.date.expect("filtered on date");
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n    <id>{link}</id>\n    <published>{}</published>\n    <updated>{}</updated>\n    <summary>{}</summary>\n  </entry>\n",
            escape_html(&page.doc.title),
            date.rfc3339(),
            page.doc.updated.unwrap_or(date).rfc3339(),
            escape_html(page.doc.meta.description.as_deref().unwrap_or(summaries[i])),
        ));
    }
    xml.push_str("</feed>\n");
    xml
}
