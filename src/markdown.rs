//! Markdown to HTML in one pass: the page body, its heading ids (GitHub's anchors), table of
//! contents, summary, plain text per heading for search, reading time, and every internal link
//! resolved to its target's URL and recorded so the pipeline can check it exists.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

use crate::config::Contact;
use crate::content::{CONTENT_DIR, Document};
use crate::error::{Diagnostic, Severity};
use crate::highlight::CodeBlocks;
use crate::url::{decode_path, root_prefix, slugify};

/// One entry of a page's table of contents; `children` are the headings nested under it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// The text under one heading (or before the first one, with an empty id), for search.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextSection {
    pub heading: String,
    pub id: String,
    pub text: String,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    /// Site path of a page or file (`faq/a/`, `img/x.png`); empty with a fragment means this page.
    Internal(String),
    /// An `http(s)://` URL, checked only by `quire check --external`.
    External(String),
}

/// A link written in an article, to be checked once every page's headings are known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Link {
    pub target: LinkTarget,
    pub fragment: Option<String>,
    /// What the author wrote, for the error message.
    pub written: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rendered {
    /// A hash of all the other fields, taken once here so what is made from this (pages,
    /// indexes) can be memoized without hashing it again.
    pub key: u64,
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every heading id on the page, in order (the title's first, when it is the body's `#`
    /// heading), then the anchors raw HTML names (`<a id="x">`, `<a name="x">`).
    pub heading_ids: Vec<String>,
    /// The id of the title when it was the body's first `# heading`, which the template shows
    /// instead: links written for GitHub (`tty.md#tty`) lead to it.
    pub title_id: Option<String>,
    pub summary: String,
    pub sections: Vec<TextSection>,
    pub links: Vec<Link>,
    pub word_count: usize,
    /// Minutes, at least 1.
    pub reading_time: usize,
    /// The page's highlighted code blocks by their key, kept so that the next build highlights
    /// only blocks that changed.
    pub highlighted: Vec<(u64, Arc<str>)>,
}

/// What a page's links may point to: every markdown source, by its path under the site root.
pub struct LinkTargets<'a> {
    pub pages_by_source: &'a HashMap<PathBuf, String>,
    /// Declared phone contacts, the only way a number reaches a page (`<contact:ID>`).
    pub contacts: &'a [Contact],
    /// The theme's UI strings, for the titles of callouts (`callout_note`, `callout_warning`, ...).
    pub strings: &'a BTreeMap<String, String>,
    /// The lower-case code of the page's language when it is not the default one: a link to
    /// `a.md` then leads to its translation `a.<code>.md` where there is one.
    pub language: Option<&'a str>,
    /// How a link to nothing is reported (site.yaml `checks: { links: ... }`).
    pub broken_links: Severity,
}

/// A `contact:` link being rendered: its closing text and whether the author's text is replaced.
struct OpenContact {
    closing: String,
    replaces_text: bool,
}

const MORE_MARKER: &str = "<!-- more -->";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// A fenced code block being read: its info string, where it starts, and its text so far.
struct OpenCodeBlock<'a> {
    info: CowStr<'a>,
    offset: usize,
    code: String,
}

/// Renders a page or section body whose URL is `site_path`.
pub fn render(
    doc: &Document,
    site_path: &str,
    targets: &LinkTargets,
    code_blocks: &CodeBlocks,
) -> (Rendered, Vec<Diagnostic>) {
    let from = LinkOrigin {
        doc,
        root: root_prefix(site_path),
        targets,
        lines: LineIndex::new(&doc.body, doc.body_line),
    };
    let lines = &from.lines;
    let mut diags = Vec::new();
    let mut links = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut headings: Vec<(u8, String, String)> = Vec::new();
    let mut sections = vec![TextSection {
        heading: String::new(),
        id: String::new(),
        text: String::new(),
    }];
    let mut summary_end: Option<usize> = None; // index into `events`
    let mut first_paragraph: Option<(usize, usize)> = None;
    let mut paragraph_start = None;
    let mut heading: Option<(usize, Option<String>, Vec<String>, usize)> = None;
    let mut heading_text = String::new();
    let mut skip_first_h1 = doc.title_from_heading;
    let mut title_id = None;
    // `id` and `name` attributes of raw HTML (`<a id="DEP0111"></a>`), which links may reach.
    let mut html_anchors: Vec<String> = Vec::new();
    let mut skipping = false;
    let mut word_count = 0;
    let mut cjk_count = 0;
    let mut open_contact: Option<OpenContact> = None;
    let mut image_alt: Option<(String, usize, usize)> = None;
    let mut code_block: Option<OpenCodeBlock> = None;
    let mut highlighted = Vec::new();

    for (event, range) in Parser::new_ext(&doc.body, options()).into_offset_iter() {
        if skipping {
            if matches!(event, Event::End(TagEnd::Heading(_))) {
                skipping = false;
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                if skip_first_h1 && level == HeadingLevel::H1 && events.is_empty() {
                    skip_first_h1 = false;
                    skipping = true;
                    let base = id.map_or_else(|| heading_id(&doc.title), |id| id.to_string());
                    title_id = Some(unique_id(&base, &mut used_ids));
                    continue;
                }
                skip_first_h1 = false;
                heading = Some((
                    range.start,
                    id.map(|s| s.to_string()),
                    classes.iter().map(|c| c.to_string()).collect(),
                    events.len(),
                ));
                heading_text.clear();
                events.push(Event::Text(CowStr::Borrowed(""))); // replaced by the opening tag below
            }
            Event::End(TagEnd::Heading(level)) => {
                let Some((offset, explicit_id, classes, open_at)) = heading.take() else {
                    continue;
                };
                let title = heading_text.trim().to_owned();
                if let Some(explicit) = explicit_id.as_deref().filter(|id| used_ids.contains(*id)) {
                    let (line, column) = lines.locate(offset);
                    diags.push(
                        Diagnostic::error(&doc.source, format!("the heading id `{explicit}` is used twice on this page"))
                            .at(line, column)
                            .help("give this heading a different `{#id}`, or remove it to get one from the heading text"),
                    );
                }
                let base = explicit_id.unwrap_or_else(|| heading_id(&title));
                let id = unique_id(&base, &mut used_ids);
                let n = level as u8;
                let class_attr = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", escape_html(&classes.join(" ")))
                };
                let id_attr = escape_html(&id);
                events[open_at] =
                    Event::Html(CowStr::from(format!("<h{n} id=\"{id_attr}\"{class_attr}>")));
                events.push(Event::Html(CowStr::from(format!(
                    " <a class=\"anchor\" href=\"#{id_attr}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h{n}>\n"
                ))));
                headings.push((n, id.clone(), title.clone()));
                sections.push(TextSection {
                    heading: title,
                    id,
                    text: String::new(),
                });
            }
            Event::Text(_) if open_contact.as_ref().is_some_and(|c| c.replaces_text) => {}
            Event::Text(ref text) | Event::Code(ref text) => {
                if let Some((alt, _, _)) = &mut image_alt {
                    alt.push_str(text);
                }
                let (words, cjk) = count_words(text);
                word_count += words;
                cjk_count += cjk;
                if heading.is_some() {
                    heading_text.push_str(text);
                } else {
                    sections
                        .last_mut()
                        .expect("never empty")
                        .text
                        .push_str(text);
                }
                match &mut code_block {
                    Some(block) => block.code.push_str(text),
                    None => events.push(event),
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if !info.trim().is_empty() =>
            {
                code_block = Some(OpenCodeBlock {
                    info,
                    offset: range.start,
                    code: String::new(),
                });
            }
            Event::End(TagEnd::CodeBlock) if code_block.is_some() => {
                let open = code_block.take().expect("checked");
                let block = code_blocks.render(&open.info, &open.code);
                let (line, column) = lines.locate(open.offset);
                diags.extend(block.problems.into_iter().map(|p| {
                    Diagnostic::warning(&doc.source, p.message)
                        .at(line, column)
                        .help(p.help)
                }));
                highlighted.extend(block.highlighted);
                events.push(Event::Html(CowStr::from(block.html.to_string())));
            }
            Event::SoftBreak | Event::HardBreak => {
                if heading.is_none() {
                    sections.last_mut().expect("never empty").text.push(' ');
                }
                events.push(event);
            }
            Event::Html(ref html) | Event::InlineHtml(ref html) if html.trim() == MORE_MARKER => {
                summary_end.get_or_insert(events.len());
            }
            Event::Html(ref html) | Event::InlineHtml(ref html) => {
                html_anchors.extend(anchor_ids(html));
                events.push(event);
            }
            Event::Start(Tag::Paragraph) => {
                paragraph_start = Some(events.len());
                events.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                events.push(event);
                if let (None, Some(start)) = (first_paragraph, paragraph_start) {
                    first_paragraph = Some((start, events.len()));
                }
                sections.last_mut().expect("never empty").text.push('\n');
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) if dest_url.starts_with("contact:") => {
                let (line, column) = lines.locate(range.start);
                let autolink = link_type == pulldown_cmark::LinkType::Autolink;
                match contact_link(&dest_url, targets.contacts, autolink) {
                    Ok((open, state)) => {
                        events.push(Event::Html(CowStr::from(open)));
                        open_contact = Some(state);
                    }
                    Err(message) => {
                        diags.push(
                            Diagnostic::error(&doc.source, message)
                                .at(line, column)
                                .help("declare the contact under `contacts:` in site.yaml (id, name, phone, source), then write <contact:ID>"),
                        );
                        events.push(Event::Html(CowStr::Borrowed("<a>")));
                        open_contact = Some(OpenContact {
                            closing: "</a>".into(),
                            replaces_text: false,
                        });
                    }
                }
            }
            Event::End(TagEnd::Link) if open_contact.is_some() => {
                let state = open_contact.take().expect("checked");
                events.push(Event::Html(CowStr::from(state.closing)));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, english) = callout_kind(kind);
                let title = targets
                    .strings
                    .get(&format!("callout_{class}"))
                    .map_or(english, String::as_str);
                events.push(Event::Html(CowStr::from(format!(
                    "<div class=\"markdown-alert markdown-alert-{class}\" role=\"note\">\n<p class=\"markdown-alert-title\">{}</p>\n",
                    escape_html(title)
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events.push(Event::Html(CowStr::Borrowed("</div>\n")))
            }
            Event::End(TagEnd::Image) => {
                if let Some((alt, line, column)) = image_alt.take()
                    && alt.trim().is_empty()
                {
                    diags.push(
                            Diagnostic::warning(&doc.source, "this image has no alt text")
                                .at(line, column)
                                .help("describe the image for readers who cannot see it: ![what it shows](file.png)"),
                        );
                }
                events.push(event);
            }
            // `<name@example.org>`: pulldown-cmark adds the `mailto:`; the address is no path.
            Event::Start(Tag::Link {
                link_type: pulldown_cmark::LinkType::Email,
                ..
            }) => events.push(event),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = rewrite_link(&dest_url, &from, range.start, &mut links, &mut diags);
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (line, column) = lines.locate(range.start);
                image_alt = Some((String::new(), line, column));
                let dest = rewrite_link(&dest_url, &from, range.start, &mut links, &mut diags);
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            other => events.push(other),
        }
    }

    let summary_events = match (summary_end, first_paragraph) {
        (Some(end), _) => &events[..end],
        (None, Some((start, end))) => &events[start..end],
        (None, None) => &events[..0],
    };
    let summary = plain_text(summary_events);
    let mut html = String::with_capacity(doc.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    for s in &mut sections {
        s.text = collapse_whitespace(&s.text);
    }
    sections.retain(|s| !s.text.is_empty() || !s.id.is_empty());
    for d in &mut diags {
        d.source_line = d.line.and_then(|l| doc.line_text(l)).map(str::to_owned);
    }
    let heading_ids = (title_id.iter().cloned())
        .chain(headings.iter().map(|(_, id, _)| id.clone()))
        .chain(html_anchors)
        .collect();
    // About 200 Latin words or 400 CJK characters a minute.
    let minutes = (word_count - cjk_count) as f64 / 200.0 + cjk_count as f64 / 400.0;
    let mut rendered = Rendered {
        key: 0,
        html,
        toc: nest_toc(headings),
        heading_ids,
        title_id,
        summary,
        sections,
        links,
        word_count,
        reading_time: (minutes.ceil() as usize).max(1),
        highlighted,
    };
    rendered.key = crate::memo::hash_of(&rendered);
    (rendered, diags)
}

/// Byte ranges of a markdown body whose numbers are not for dialling: code blocks (fenced or
/// indented), and link labels that repeat the start of a segment of their web address (a
/// commit hash or an issue number: `` [`0847954331`](https://github.com/o/r/commit/0847954331) ``).
pub fn ranges_without_phone_numbers(body: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut web_link: Option<CowStr> = None;
    let names_segment = |url: &str, label: &str| {
        !label.is_empty()
            && label.bytes().all(|b| b.is_ascii_alphanumeric())
            && url
                .match_indices(label)
                .any(|(at, _)| url[..at].ends_with('/'))
    };
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => ranges.push(range),
            Event::Start(Tag::Link { dest_url, .. })
                if dest_url.starts_with("https://") || dest_url.starts_with("http://") =>
            {
                web_link = Some(dest_url);
            }
            Event::End(TagEnd::Link) => web_link = None,
            Event::Text(label) | Event::Code(label)
                if web_link
                    .as_ref()
                    .is_some_and(|url| names_segment(url, label.trim())) =>
            {
                ranges.push(range);
            }
            _ => {}
        }
    }
    ranges
}

/// A callout's CSS class suffix and its English title, for `> [!NOTE]` and its kin.
fn callout_kind(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// The opening tag of a declared contact's `tel:` link and what closes it; the number itself
/// comes from site.yaml, never from the article.
fn contact_link(
    dest: &str,
    contacts: &[Contact],
    autolink: bool,
) -> Result<(String, OpenContact), String> {
    let id = dest.trim_start_matches("contact:");
    let contact = contacts.iter().find(|c| c.id == id).ok_or_else(|| {
        let known: Vec<&str> = contacts.iter().map(|c| c.id.as_str()).collect();
        if known.is_empty() {
            format!("unknown contact `{id}`: site.yaml declares no contacts")
        } else {
            format!("unknown contact `{id}` (declared: {})", known.join(", "))
        }
    })?;
    let open = format!(
        "<a class=\"contact\" href=\"{}\">",
        escape_html(&contact.tel_url())
    );
    let number = format!(
        "<span class=\"contact-number\">{}</span>",
        escape_html(&contact.phone)
    );
    let closing = if autolink {
        format!(
            "<span class=\"contact-name\">{}</span> {number}</a>",
            escape_html(&contact.name)
        )
    } else {
        format!(" {number}</a>")
    };
    Ok((
        open,
        OpenContact {
            closing,
            replaces_text: autolink,
        },
    ))
}

fn plain_text(events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => out.push(' '),
            _ => {}
        }
    }
    collapse_whitespace(&out)
}

/// Runs of white space (as `char::is_whitespace` defines it) become one space; leading and
/// trailing space goes. Scans bytes: only four lead bytes can start non-ASCII white space, so
/// CJK text is never decoded (`split_whitespace` decoded every character: 2% of a build).
fn collapse_whitespace(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut word_start = 0;
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|&b| SPACE_LEAD[usize::from(b)]) {
        at += found;
        let space = whitespace_at(text, at);
        if space == 0 {
            at += 1;
            continue;
        }
        if word_start < at {
            push_word(&mut out, &text[word_start..at]);
        }
        at += space;
        word_start = at;
    }
    if word_start < text.len() {
        push_word(&mut out, &text[word_start..]);
    }
    out
}

/// The bytes white space starts with: ASCII white space and the lead bytes of the others
/// (U+0085 and U+00A0; U+1680; U+2000-U+205F; U+3000). A table, so the bytes between are
/// skipped by one load and test each.
const SPACE_LEAD: [bool; 256] = {
    let mut lead = [false; 256];
    let mut b = 0;
    while b < 256 {
        lead[b] = matches!(b as u8, b' ' | b'\t'..=b'\r' | 0xC2 | 0xE1 | 0xE2 | 0xE3);
        b += 1;
    }
    lead
};

fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
}

/// The length of the white-space character at byte `at` of `text`, or 0. `at` may fall inside a
/// character: continuation bytes are never white space's first byte.
fn whitespace_at(text: &str, at: usize) -> usize {
    match text.as_bytes()[at] {
        b if !SPACE_LEAD[usize::from(b)] => 0,
        b if b.is_ascii() => 1,
        _ => text[at..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
    }
}

/// (words, of which CJK characters): each CJK character counts as a word.
fn count_words(text: &str) -> (usize, usize) {
    let mut words = 0;
    let mut cjk = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            cjk += 1;
            words += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    (words, cjk)
}

/// Han, Kana and Hangul: scripts written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    // Most text is ASCII, below every range: one comparison tells.
    c >= '\u{1100}'
        && matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F | 0x20000..=0x2FA1F)
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation dropped, letters and
/// digits of every script kept.
pub fn heading_id(title: &str) -> String {
    let mut id = String::with_capacity(title.len());
    for c in title.chars() {
        if c == ' ' || c == '-' {
            id.push('-');
        } else if c == '_' || c.is_alphanumeric() || is_mark(c) {
            id.extend(c.to_lowercase());
        }
    }
    id
}

fn is_mark(c: char) -> bool {
    // Combining marks keep scripts such as Devanagari intact, as GitHub's \p{M} does.
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0DFF | 0x1AB0..=0x1AFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The values of the `id` and `name` attributes in a piece of raw HTML.
fn anchor_ids(html: &str) -> impl Iterator<Item = String> + '_ {
    html.match_indices(['i', 'n']).filter_map(move |(at, _)| {
        let before = html[..at].chars().next_back()?;
        let rest = &html[at..];
        let rest = rest
            .strip_prefix("id=")
            .or_else(|| rest.strip_prefix("name="))?;
        if !before.is_ascii_whitespace() {
            return None;
        }
        let quote = rest.chars().next().filter(|q| matches!(q, '"' | '\''))?;
        let value = rest[1..].split(quote).next()?;
        (!value.is_empty() && rest[1..].len() > value.len()).then(|| value.to_owned())
    })
}

/// GitHub's de-duplication: the second `a` becomes `a-1`, the third `a-2`.
fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let base = if base.is_empty() { "section" } else { base };
    if used.insert(base.to_owned()) {
        return base.to_owned();
    }
    let mut n = 1;
    loop {
        let candidate = format!("{base}-{n}");
        if used.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

fn nest_toc(headings: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    // A stack of open entries; each closes into its parent when a heading at its level or above comes.
    let mut roots: Vec<TocEntry> = Vec::new();
    let mut stack: Vec<TocEntry> = Vec::new();
    for (level, id, title) in headings {
        while stack.last().is_some_and(|top| top.level >= level) {
            close_top(&mut stack, &mut roots);
        }
        stack.push(TocEntry {
            level,
            id,
            title,
            children: Vec::new(),
        });
    }
    while !stack.is_empty() {
        close_top(&mut stack, &mut roots);
    }
    roots
}

fn close_top(stack: &mut Vec<TocEntry>, roots: &mut Vec<TocEntry>) {
    let done = stack.pop().expect("caller checked");
    match stack.last_mut() {
        Some(parent) => parent.children.push(done),
        None => roots.push(done),
    }
}

/// Maps byte offsets in a body to 1-based file lines and columns.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    first_line: usize,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            starts,
            first_line,
        }
    }

    fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.starts[line]..offset].chars().count() + 1;
        (line + self.first_line, column)
    }
}

fn is_external(url: &str) -> bool {
    url.starts_with("//")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// The page a link is written on, as link rewriting needs it.
struct LinkOrigin<'a> {
    doc: &'a Document,
    /// Relative prefix from the page to the site root.
    root: String,
    targets: &'a LinkTargets<'a>,
    lines: LineIndex<'a>,
}

/// Resolves an internal link to a URL relative to the page, recording it for the link check.
fn rewrite_link<'e>(
    dest: &CowStr<'e>,
    from: &LinkOrigin,
    offset: usize,
    links: &mut Vec<Link>,
    diags: &mut Vec<Diagnostic>,
) -> CowStr<'e> {
    let (line, column) = from.lines.locate(offset);
    if dest.starts_with("http://") || dest.starts_with("https://") {
        links.push(Link {
            target: LinkTarget::External(dest.to_string()),
            fragment: None,
            written: dest.to_string(),
            line,
            column,
        });
        return dest.clone();
    }
    if dest.is_empty() || is_external(dest) {
        return dest.clone();
    }
    let (path_part, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(decode_path(f).unwrap_or_else(|| f.to_owned()))),
        None => (dest.as_ref(), None),
    };
    let (path_part, query) = match path_part.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (path_part, String::new()),
    };
    let record = |target: String, links: &mut Vec<Link>| {
        links.push(Link {
            target: LinkTarget::Internal(target),
            fragment: fragment.clone(),
            written: dest.to_string(),
            line,
            column,
        })
    };
    let suffix = match &fragment {
        Some(f) => format!("{query}#{f}"),
        None => query.clone(),
    };
    if path_part.is_empty() {
        record(String::new(), links);
        return dest.clone();
    }
    let decoded = decode_path(path_part).unwrap_or_else(|| path_part.to_owned());
    let target = if let Some(site_url) = decoded.strip_prefix('/') {
        site_url.to_owned()
    } else {
        let base = from.doc.source.parent().unwrap_or(Path::new(CONTENT_DIR));
        let Some(joined) = normalize(&base.join(&decoded)) else {
            diags.push(link_error(
                from,
                line,
                column,
                dest,
                "leaves the content folder",
            ));
            return dest.clone();
        };
        let is_markdown = joined
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        if is_markdown {
            let by_source = from.targets.pages_by_source;
            let translated = from.targets.language.and_then(|code| {
                by_source.get(&crate::languages::translation_source(&joined, code))
            });
            match translated.or_else(|| by_source.get(&joined)) {
                Some(path) => path.clone(),
                None => {
                    diags.push(link_error(
                        from,
                        line,
                        column,
                        dest,
                        "points to a page that does not exist",
                    ));
                    return dest.clone();
                }
            }
        } else {
            let Ok(rel) = joined.strip_prefix(CONTENT_DIR) else {
                diags.push(link_error(
                    from,
                    line,
                    column,
                    dest,
                    "leaves the content folder",
                ));
                return dest.clone();
            };
            content_site_path(rel, decoded.ends_with('/'))
        }
    };
    record(target.clone(), links);
    CowStr::from(format!("{}{target}{suffix}", from.root))
}

/// The site path of a file or folder under content/, slugged the way content.rs slugs them.
fn content_site_path(rel: &Path, is_dir: bool) -> String {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut path = String::new();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if last && !is_dir {
            path.push_str(part);
        } else {
            path.push_str(&slugify(part));
            path.push('/');
        }
    }
    path
}

fn link_error(from: &LinkOrigin, line: usize, column: usize, dest: &str, what: &str) -> Diagnostic {
    let message = format!("the link `{dest}` {what}");
    Diagnostic::new(from.targets.broken_links, &from.doc.source, message)
        .at(line, column)
        .help("links to other articles are relative paths to their .md files, e.g. `../faq/withdrawal-failed.md#联系客服`")
}

/// Resolves `.` and `..` without touching the disk; `None` when it climbs above the start.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(p) => out.push(p),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped_html(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as by [`escape_html`].
pub(crate) fn push_escaped_html(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::parse_document;

    #[test]
    fn white_space_collapses_as_split_whitespace_would() {
        let white: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert_eq!(white.len(), 25, "Unicode's White_Space set");
        let mut samples = vec![String::new(), " ".into(), "a".into(), "提现 失败".into()];
        for &w in &white {
            samples.push(format!("{w}a{w}{w}提现{w}b {w}"));
            samples.push(format!("x{w}"));
        }
        // Neighbours of the white-space characters that share their lead byte.
        for c in [
            '\u{0084}', '\u{00A1}', '\u{1681}', '\u{200B}', '\u{3001}', 'é', '。',
        ] {
            samples.push(format!("{c} {c}\u{3000}{c}"));
        }
        for sample in samples {
            let expected = sample.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(&sample), expected, "{sample:?}");
        }
    }

    fn render_at(source: &str, text: &str, path: &str) -> (Rendered, Vec<Diagnostic>) {
        let doc = parse_document(text, Path::new(source)).unwrap();
        let mut pages = HashMap::new();
        pages.insert(
            PathBuf::from("content/faq/withdrawal-failed.md"),
            "faq/withdrawal-failed/".to_owned(),
        );
        pages.insert(PathBuf::from("content/guide/a.md"), "guide/a/".to_owned());
        let contacts = [Contact {
            id: "support".into(),
            name: "Official support".into(),
            phone: "+00 0000 0000".into(),
            source: "https://example.org/contact".into(),
        }];
        let strings = BTreeMap::from([("callout_warning".to_owned(), "警告".to_owned())]);
        let targets = LinkTargets {
            pages_by_source: &pages,
            contacts: &contacts,
            strings: &strings,
            language: None,
            broken_links: crate::error::Severity::Error,
        };
        let kept = crate::memo::Memo::default();
        let code_blocks = CodeBlocks {
            syntaxes: None,
            kept: &kept,
        };
        render(&doc, path, &targets, &code_blocks)
    }

    #[test]
    fn heading_ids_match_github() {
        assert_eq!(
            heading_id("使用 `Result` 类型".replace('`', "").as_str()),
            "使用-result-类型"
        );
        assert_eq!(heading_id("What's new?"), "whats-new");
        assert_eq!(heading_id("提现失败怎么办？"), "提现失败怎么办");
        assert_eq!(heading_id("A -- B"), "a----b");
        let (r, _) = render_at(
            "content/guide/a.md",
            "## 使用 `Result` 类型\n\n## Dup\n\n## Dup\n",
            "guide/a/",
        );
        assert_eq!(r.heading_ids, ["使用-result-类型", "dup", "dup-1"]);
        assert!(r.html.contains("<h2 id=\"使用-result-类型\">使用 <code>Result</code> 类型 <a class=\"anchor\" href=\"#使用-result-类型\""));
    }

    #[test]
    fn md_links_become_relative_urls_and_missing_ones_fail_with_line() {
        let (r, d) = render_at(
            "content/guide/a.md",
            "---\ntitle: a\n---\n\n[见](../faq/withdrawal-failed.md#联系客服)\n\n[坏](../faq/nope.md)\n",
            "guide/a/",
        );
        assert!(
            r.html.contains(
                "href=\"../../faq/withdrawal-failed/#%E8%81%94%E7%B3%BB%E5%AE%A2%E6%9C%8D\""
            ),
            "{}",
            r.html
        );
        assert_eq!(
            r.links[0].target,
            LinkTarget::Internal("faq/withdrawal-failed/".into())
        );
        assert_eq!(r.links[0].fragment.as_deref(), Some("联系客服"));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "the link `../faq/nope.md` points to a page that does not exist"
        );
        assert_eq!((d[0].line, d[0].column), (Some(7), Some(1)));
    }

    #[test]
    fn email_autolinks_stay_addresses() {
        let (r, d) = render_at(
            "content/guide/a.md",
            "Write to <security@example.org> or [us](mailto:help@example.org).\n",
            "guide/a/",
        );
        assert!(
            r.html
                .contains("<a href=\"mailto:security@example.org\">security@example.org</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<a href=\"mailto:help@example.org\">us</a>")
        );
        assert!(
            d.is_empty(),
            "{:?}",
            d.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
    }

    #[test]
    fn toc_nests_and_summary_stops_at_more() {
        let (r, _) = render_at(
            "content/guide/a.md",
            "Intro text.\n\n<!-- more -->\n\n## A\n\n### B\n\n## C\n",
            "guide/a/",
        );
        assert_eq!(r.summary, "Intro text.");
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children[0].id, "b");
        let (r, _) = render_at(
            "content/guide/a.md",
            "## H\n\nFirst para.\n\nSecond.\n",
            "guide/a/",
        );
        assert_eq!(r.summary, "First para.");
    }

    #[test]
    fn braces_stay_text_and_sections_hold_plain_text() {
        let (r, _) = render_at(
            "content/guide/a.md",
            "Use {{ name }} here.\n\n## 提现\n\n余额不足。\n",
            "guide/a/",
        );
        assert!(r.html.contains("{{ name }}"));
        assert_eq!(r.sections[0].text, "Use {{ name }} here.");
        assert_eq!(
            (r.sections[1].id.as_str(), r.sections[1].text.as_str()),
            ("提现", "余额不足。")
        );
    }

    #[test]
    fn contacts_render_from_config_and_unknown_ones_fail() {
        let (r, d) = render_at(
            "content/a.md",
            "Call <contact:support> or [us](contact:support).\n\n<contact:nope>\n",
            "a/",
        );
        assert!(r.html.contains("<a class=\"contact\" href=\"tel:+0000000000\"><span class=\"contact-name\">Official support</span> <span class=\"contact-number\">+00 0000 0000</span></a>"), "{}", r.html);
        assert!(
            r.html
                .contains("us <span class=\"contact-number\">+00 0000 0000</span></a>")
        );
        assert_eq!(d[0].message, "unknown contact `nope` (declared: support)");
        assert_eq!(d[0].line, Some(3));
    }

    #[test]
    fn callouts_get_a_localized_title() {
        let (r, _) = render_at(
            "content/a.md",
            "> [!WARNING]\n> 不要透露验证码。\n\n> [!TIP]\n> x\n",
            "a/",
        );
        assert!(r.html.contains("<div class=\"markdown-alert markdown-alert-warning\" role=\"note\">\n<p class=\"markdown-alert-title\">警告</p>\n<p>不要透露验证码。</p>\n</div>"), "{}", r.html);
        assert!(r.html.contains("<p class=\"markdown-alert-title\">Tip</p>"));
    }

    #[test]
    fn images_without_alt_text_warn() {
        let (_, d) = render_at("content/a.md", "![](x.png)\n\n![fine](y.png)\n", "a/");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "this image has no alt text");
        assert!(!d[0].is_error());
    }

    #[test]
    fn reading_time_counts_cjk_characters() {
        let (r, _) = render_at("content/guide/a.md", &"字".repeat(1200), "guide/a/");
        assert_eq!(r.reading_time, 3);
    }
}
