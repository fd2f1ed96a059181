//! Multilingual sites: the languages site.yaml declares, which markdown files are translations
//! (`withdrawal-failed.en.md` beside `withdrawal-failed.md`), and which pages of the build are
//! translations of one another, for the language switcher, `hreflang` links and the sitemap.
//!
//! The default language (`language:`) is served at the root; every other language under its
//! lower-case code (`en/`), with a section tree, nav, feed and search index of its own.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::content::Site;
use crate::error::Diagnostic;

/// What site.yaml may say about a language besides the default one (`languages: {en: {...}}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// The language's own name in the switcher (`English`); a built-in table knows common ones.
    pub name: Option<String>,
    /// The site title in this language (default: the site's `title`).
    pub title: Option<String>,
    /// The site description in this language (default: the site's `description`).
    pub description: Option<String>,
}

/// One language of a build; the first of a list is the default language.
#[derive(Debug, Clone)]
pub struct Language {
    /// As declared: `zh-CN`, `en`; used for `lang` and `hreflang`.
    pub code: String,
    /// Its own name: `中文`, `English`.
    pub name: String,
    /// Where its pages live: empty for the default language, else `en/`.
    pub root: String,
    /// The site configuration as this language's pages see it (title, description, language).
    pub config: Config,
}

/// What the content stage needs to know of a language besides the default one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContentLanguage {
    /// Lower case: the suffix of its files (`a.en.md`) and its URL folder (`en/`).
    pub code: String,
    /// The title of its home page when there is no `_index.<code>.md`.
    pub home_title: String,
}

/// The site's languages, the default one first, then the others by code.
pub fn languages(config: &Config) -> Vec<Language> {
    let default = Language {
        code: config.language.clone(),
        name: own_name(&config.language)
            .unwrap_or(&config.language)
            .to_owned(),
        root: String::new(),
        config: config.clone(),
    };
    let others = config.languages.iter().map(|(code, c)| Language {
        code: code.clone(),
        name: c
            .name
            .clone()
            .or_else(|| own_name(code).map(str::to_owned))
            .unwrap_or_else(|| code.clone()),
        root: format!("{}/", code.to_lowercase()),
        config: Config {
            title: c.title.clone().unwrap_or_else(|| config.title.clone()),
            description: c
                .description
                .clone()
                .unwrap_or_else(|| config.description.clone()),
            language: code.clone(),
            ..config.clone()
        },
    });
    std::iter::once(default).chain(others).collect()
}

/// The languages besides the default one, as the content stage needs them.
pub fn content_languages(languages: &[Language]) -> Vec<ContentLanguage> {
    languages
        .iter()
        .skip(1)
        .map(|l| ContentLanguage {
            code: l.code.to_lowercase(),
            home_title: l.config.title.clone(),
        })
        .collect()
}

/// Problems with `languages:` in site.yaml: codes that are not tags, or that repeat the default
/// language or one another (codes are compared without regard to case, as URLs use lower case).
pub(crate) fn check_config(config: &Config, text: &str, path: &Path) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut seen: HashMap<String, &str> = HashMap::new();
    seen.insert(config.language.to_lowercase(), &config.language);
    // In the order they are written, so a repeat is reported where it is repeated.
    let mut declared: Vec<(usize, &String)> = config
        .languages
        .keys()
        .map(|code| {
            let line = text
                .lines()
                .position(|l| {
                    let l = l.trim_start();
                    l.strip_prefix(code.as_str())
                        .is_some_and(|r| r.trim_start().starts_with(':'))
                })
                .map_or(1, |i| i + 1);
            (line, code)
        })
        .collect();
    declared.sort();
    for (line, code) in declared {
        let at = |d: Diagnostic| d.at(line, 1).with_source(text);
        if !crate::config::is_language_tag(code) {
            problems.push(at(Diagnostic::error(
                path,
                format!("`{code}` in `languages:` is not a language tag"),
            )
            .help("use a BCP 47 tag such as `en`, `zh-CN` or `pt-BR`")));
        } else if code.eq_ignore_ascii_case(&config.language) {
            problems.push(at(Diagnostic::error(
                path,
                format!("`{code}` is the default language (`language: {}`); `languages:` lists only the others", config.language),
            )
            .help("remove it from `languages:`; the default language's title and description are the site's own")));
        } else if let Some(first) = seen.insert(code.to_lowercase(), code) {
            problems.push(at(Diagnostic::error(
                path,
                format!("the languages `{first}` and `{code}` are the same language"),
            )
            .help(
                "list each language once; codes are compared without regard to case",
            )));
        }
    }
    problems
}

/// The language of a markdown file from its name: `(1, "a")` for `a.en.md` when `en` is the
/// first of `languages`; `(0, stem)` for files of the default language, including names whose
/// suffix is not a declared language (`v1.2.md`).
pub(crate) fn file_language<'a>(rel: &'a Path, languages: &[ContentLanguage]) -> (usize, &'a str) {
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    if let Some((base, suffix)) = stem.rsplit_once('.')
        && !base.is_empty()
        && let Some(i) = languages
            .iter()
            .position(|l| l.code.eq_ignore_ascii_case(suffix))
    {
        return (i + 1, base);
    }
    (0, stem)
}

/// The file a translation into `code` of the markdown file `source` would be:
/// `content/faq/a.md` -> `content/faq/a.en.md`.
pub(crate) fn translation_source(source: &Path, code: &str) -> PathBuf {
    let stem = source.file_stem().unwrap_or_default().to_string_lossy();
    let ext = source.extension().unwrap_or_default().to_string_lossy();
    source.with_file_name(format!("{stem}.{code}.{ext}"))
}

/// Sets every page's and section's `translations`: per language, the site path of the same
/// page in that language, if it has one. Pages are the same page when their files differ only
/// by the language suffix; sections when they are the same folder.
pub(crate) fn link_translations(site: &mut Site, language_count: usize) {
    let mut pages: HashMap<&Path, Vec<Option<String>>> = HashMap::new();
    for p in &site.pages {
        pages
            .entry(p.original.as_path())
            .or_insert_with(|| vec![None; language_count])[p.lang] = Some(p.path.clone());
    }
    let mut sections: HashMap<&Path, Vec<Option<String>>> = HashMap::new();
    for s in &site.sections {
        sections
            .entry(s.dir.as_path())
            .or_insert_with(|| vec![None; language_count])[s.lang] = Some(s.path.clone());
    }
    let page_translations: Vec<_> = site
        .pages
        .iter()
        .map(|p| pages[p.original.as_path()].clone())
        .collect();
    let section_translations: Vec<_> = site
        .sections
        .iter()
        .map(|s| sections[s.dir.as_path()].clone())
        .collect();
    for (p, t) in site.pages.iter_mut().zip(page_translations) {
        p.translations = t;
    }
    for (s, t) in site.sections.iter_mut().zip(section_translations) {
        s.translations = t;
    }
}

/// A language as a page's templates see it, for the language switcher and `hreflang` links.
#[derive(Debug, Serialize, Hash)]
pub(crate) struct LanguageLink<'a> {
    code: &'a str,
    name: &'a str,
    /// The same page in this language, or else this language's home page.
    path: &'a str,
    permalink: String,
    /// Whether `path` is this page's translation (false: the language's home page).
    translated: bool,
    current: bool,
}

/// Every language of the site as seen from a page whose `translations` are given (per
/// language, its path in that language); `homes[i]` is the home path of language i.
pub(crate) fn language_links<'a>(
    languages: &'a [Language],
    homes: &[&'a str],
    translations: &'a [Option<String>],
    current: usize,
) -> Vec<LanguageLink<'a>> {
    languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let translated = translations.get(i).and_then(Option::as_deref);
            let path = translated.unwrap_or(homes[i]);
            LanguageLink {
                code: &l.code,
                name: &l.name,
                path,
                permalink: l.config.permalink(path),
                translated: translated.is_some(),
                current: i == current,
            }
        })
        .collect()
}

/// The sitemap's `<xhtml:link rel="alternate">` lines of a page with these translations
/// (none unless it exists in two languages or more), with `x-default` for the default language.
pub(crate) fn sitemap_alternates(
    languages: &[Language],
    translations: &[Option<String>],
) -> String {
    if translations.iter().flatten().count() < 2 {
        return String::new();
    }
    let mut xml = String::new();
    let mut link = |hreflang: &str, path: &str| {
        xml.push_str(&format!(
            "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
            crate::markdown::escape_html(hreflang),
            crate::markdown::escape_html(&languages[0].config.permalink(path))
        ));
    };
    for (l, path) in languages.iter().zip(translations) {
        if let Some(path) = path {
            link(&l.code, path);
        }
    }
    if let Some(Some(path)) = translations.first() {
        link("x-default", path);
    }
    xml
}

/// Languages' names in themselves, for the switcher when site.yaml gives no `name:`.
fn own_name(code: &str) -> Option<&'static str> {
    let names: BTreeMap<&str, &str> = BTreeMap::from([
        ("ar", "العربية"),
        ("de", "Deutsch"),
        ("en", "English"),
        ("es", "Español"),
        ("fr", "Français"),
        ("id", "Bahasa Indonesia"),
        ("it", "Italiano"),
        ("ja", "日本語"),
        ("ko", "한국어"),
        ("nl", "Nederlands"),
        ("pl", "Polski"),
        ("pt", "Português"),
        ("ru", "Русский"),
        ("th", "ไทย"),
        ("tr", "Türkçe"),
        ("vi", "Tiếng Việt"),
        ("zh", "中文"),
        ("zh-tw", "繁體中文"),
        ("zh-hk", "繁體中文"),
        ("zh-hant", "繁體中文"),
    ]);
    let lower = code.to_lowercase();
    let primary = lower.split('-').next().unwrap_or_default();
    names
        .get(lower.as_str())
        .or_else(|| names.get(primary))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(codes: &[&str]) -> Vec<ContentLanguage> {
        codes
            .iter()
            .map(|c| ContentLanguage {
                code: c.to_string(),
                home_title: String::new(),
            })
            .collect()
    }

    #[test]
    fn only_declared_suffixes_make_translations() {
        let en = langs(&["en"]);
        assert_eq!(file_language(Path::new("faq/a.en.md"), &en), (1, "a"));
        assert_eq!(file_language(Path::new("faq/a.EN.md"), &en), (1, "a"));
        assert_eq!(file_language(Path::new("faq/v1.2.md"), &en), (0, "v1.2"));
        assert_eq!(file_language(Path::new("faq/a.fr.md"), &en), (0, "a.fr"));
        assert_eq!(file_language(Path::new("faq/.en.md"), &en), (0, ".en"));
        assert_eq!(file_language(Path::new("faq/a.en.md"), &[]), (0, "a.en"));
    }

    #[test]
    fn names_come_from_the_table_by_tag_then_primary_language() {
        assert_eq!(own_name("zh-CN"), Some("中文"));
        assert_eq!(own_name("zh-TW"), Some("繁體中文"));
        assert_eq!(own_name("en-GB"), Some("English"));
        assert_eq!(own_name("xx"), None);
    }

    #[test]
    fn translation_source_inserts_the_code() {
        assert_eq!(
            translation_source(Path::new("content/faq/a.md"), "en"),
            Path::new("content/faq/a.en.md")
        );
    }
}
