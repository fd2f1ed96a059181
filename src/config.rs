//! site.yaml: what the author may configure, parsed without I/O so it can be tested on strings,
//! with unknown keys rejected by name, line and nearest valid key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Diagnostic, Error, Result, Severity};
use crate::languages::LanguageConfig;
use crate::yaml;

pub const CONFIG_FILE: &str = "site.yaml";

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "output_dir",
    "extra",
    "contacts",
    "highlight_code",
    "last_updated_from_git",
    "languages",
    "search",
    "checks",
];

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Where the site is published; may carry a sub-path (`https://example.org/help/`).
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// BCP 47 language tag of the content, e.g. `zh-CN`.
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
    /// Free-form values handed to templates as `config.extra`.
    #[serde(default)]
    pub extra: BTreeMap<String, yaml::Value>,
    /// The only phone numbers the site may show (see hotline.rs).
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Colour fenced code blocks that name their language (see highlight.rs).
    #[serde(default = "default_true")]
    pub highlight_code: bool,
    /// Pages without front matter `updated` take the date of their file's last git commit.
    #[serde(default)]
    pub last_updated_from_git: bool,
    /// Languages besides `language`, by code, each under its own URL folder (languages.rs).
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    /// `search: { enabled: false }` leaves out the search index, page and box.
    #[serde(default)]
    pub search: SearchConfig,
    /// How much some checks' findings weigh (`error` fails the build).
    #[serde(default)]
    pub checks: ChecksConfig,
}

/// `checks: { links: error, phone_numbers: warning }`. Links that reach nothing warn by
/// default, so a collection of markdown written elsewhere builds and lists them (as `--strict`
/// or `links: error` would fail on them); phone-number-like text is an error by default,
/// since a site must never publish a hotline nobody verified.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecksConfig {
    #[serde(default = "default_links")]
    pub links: Severity,
    #[serde(default = "default_phone_numbers")]
    pub phone_numbers: Severity,
}

impl Default for ChecksConfig {
    fn default() -> Self {
        ChecksConfig {
            links: default_links(),
            phone_numbers: default_phone_numbers(),
        }
    }
}

fn default_links() -> Severity {
    Severity::Warning
}
fn default_phone_numbers() -> Severity {
    Severity::Error
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    #[serde(default = "default_true")]
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

/// A phone contact articles may show with `<contact:ID>`; the number lives only here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub id: String,
    /// Shown to readers, e.g. "某某钱包官方客服".
    pub name: String,
    pub phone: String,
    /// Where the number was verified (the provider's official page); required.
    #[serde(default)]
    pub source: String,
}

impl Contact {
    /// The number as a `tel:` URL: digits and a leading `+` only.
    pub fn tel_url(&self) -> String {
        let mut url = String::from("tel:");
        if self.phone.trim_start().starts_with(['+', '＋']) {
            url.push('+');
        }
        url.extend(self.phone.chars().filter(char::is_ascii_digit));
        url
    }
}

fn default_base_url() -> String {
    "/".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_true() -> bool {
    true
}
fn default_output_dir() -> PathBuf {
    PathBuf::from("public")
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: String::new(),
            description: String::new(),
            base_url: default_base_url(),
            language: default_language(),
            theme: default_theme(),
            output_dir: default_output_dir(),
            extra: Default::default(),
            contacts: Vec::new(),
            highlight_code: true,
            last_updated_from_git: false,
            languages: BTreeMap::new(),
            search: SearchConfig::default(),
            checks: ChecksConfig::default(),
        }
    }
}

impl Config {
    /// Parses site.yaml text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let meaningful = text
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && l.trim() != "---");
        if !meaningful {
            return Err(Diagnostic::error(path, "site.yaml is empty")
                .help("write at least `title: My site` in it, or delete it to use the defaults")
                .into());
        }
        let mut config: Config = yaml::from_str(text).map_err(|e| config_error(e, text, path))?;
        config.base_url = normalize_base_url(&config.base_url);
        if config.language.trim().is_empty() || !is_language_tag(&config.language) {
            let line = key_line(text, "language");
            let mut d =
                Diagnostic::error(path, format!("`{}` is not a language tag", config.language))
                    .help("use a BCP 47 tag such as `en`, `zh-CN` or `pt-BR`");
            if let Some(line) = line {
                d = d.at_line(line).with_source(text);
            }
            return Err(d.into());
        }
        check_contacts(&config.contacts, text, path)?;
        let problems = crate::languages::check_config(&config, text, path);
        if !problems.is_empty() {
            return Err(Error::new(problems));
        }
        Ok(config)
    }

    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id == id)
    }

    /// Reads `site.yaml` in `root`; a site without one builds with the defaults.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        if !path.exists() {
            let title = root
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_default();
            return Ok(Config {
                title,
                ..Config::default()
            });
        }
        let text = crate::error::read_text(&path, Path::new(CONFIG_FILE))?;
        Config::parse(&text, Path::new(CONFIG_FILE))
    }

    /// The path part of base_url, always with leading and trailing slash: `/help/`.
    pub fn base_path(&self) -> String {
        let after_scheme = match self.base_url.find("://") {
            Some(i) => &self.base_url[i + 3..],
            None => return self.base_url.clone(),
        };
        match after_scheme.find('/') {
            Some(i) => after_scheme[i..].to_owned(),
            None => "/".into(),
        }
    }

    /// An absolute URL for a site-relative path (`faq/a/` -> `https://example.org/help/faq/a/`).
    pub fn permalink(&self, site_path: &str) -> String {
        let mut permalink = String::with_capacity(self.base_url.len() + site_path.len());
        permalink.push_str(&self.base_url);
        crate::url::push_encoded_path(&mut permalink, site_path);
        permalink
    }
}

fn check_contacts(contacts: &[Contact], text: &str, path: &Path) -> Result<()> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for c in contacts {
        let line = text
            .lines()
            .position(|l| {
                let l = l.trim_start().trim_start_matches("- ").trim_start();
                l.strip_prefix("id:")
                    .is_some_and(|v| v.trim().trim_matches(['"', '\'']) == c.id)
            })
            .map_or(1, |i| i + 1);
        let at = |d: Diagnostic| d.at(line, 1).with_source(text);
        if !seen.insert(c.id.as_str()) {
            problems.push(at(Diagnostic::error(
                path,
                format!("the contact id `{}` is declared twice", c.id),
            )
            .help("give each contact its own id")));
        }
        if c.source.trim().is_empty() {
            problems.push(at(Diagnostic::error(path, format!("the contact `{}` has no source", c.id)).help(
                "add `source:` with the official page where you verified this number (the provider's own site or app); an unverified hotline must not be published",
            )));
        }
        let digits = c.phone.chars().filter(|d| d.is_ascii_digit()).count();
        let only_phone_chars = c
            .phone
            .chars()
            .all(|d| d.is_ascii_digit() || " -+()".contains(d));
        if !(3..=15).contains(&digits) || !only_phone_chars {
            problems.push(at(Diagnostic::error(
                path,
                format!(
                    "the contact `{}` has a phone value that is not a phone number: `{}`",
                    c.id, c.phone
                ),
            )
            .help(
                "write the number with digits, spaces, dashes, brackets and a leading + only",
            )));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::new(problems))
    }
}

fn normalize_base_url(url: &str) -> String {
    let url = url.trim();
    if url.is_empty() {
        "/".into()
    } else if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    }
}

pub(crate) fn is_language_tag(tag: &str) -> bool {
    tag.split('-').all(|part| {
        !part.is_empty() && part.len() <= 8 && part.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// The line where `key:` is written at the top level, for errors the YAML parser cannot place.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.starts_with(key) && l[key.len()..].trim_start().starts_with(':'))
        .map(|i| i + 1)
}

fn config_error(e: yaml::YamlError, text: &str, path: &Path) -> Error {
    let mut d = if let Some(key) = unknown_field(&e.message) {
        let mut d = Diagnostic::error(path, format!("unknown key `{key}` in site.yaml"));
        // Inside a nested map (`checks:`), serde names the keys that map takes.
        let expected = expected_fields(&e.message);
        let keys = if expected.is_empty() { KEYS } else { &expected };
        d = match closest(key, keys) {
            Some(best) => d.help(format!("did you mean `{best}`?")),
            None => d.help(format!("valid keys are: {}", keys.join(", "))),
        };
        d
    } else if e.message.contains("invalid type") && e.line.is_none_or(|l| l <= 1) {
        Diagnostic::error(path, "site.yaml must be a map of `key: value` lines")
            .help("write it as lines such as `title: My site`; see README.md for the keys")
    } else if e.message.contains("unknown variant") {
        Diagnostic::error(path, format!("invalid site.yaml: {}", e.message))
            .help("write one of the values this key takes, named in the message")
    } else {
        Diagnostic::error(path, format!("invalid site.yaml: {}", e.message))
            .help("check the YAML syntax on this line (indent with spaces, not tabs)")
    };
    if let Some(line) = e.line {
        d = d.at(line, e.column.unwrap_or(1)).with_source(text);
    }
    d.into()
}

/// The field name in serde's "unknown field `x`, expected ..." message (after the path of
/// the map it is in, such as `checks: `).
pub(crate) fn unknown_field(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("unknown field `")?;
    rest.split('`').next()
}

/// The keys listed in serde's "..., expected `a`, `b` or `c`" message, if any.
fn expected_fields(message: &str) -> Vec<&str> {
    let Some((_, expected)) = message.split_once(", expected ") else {
        return Vec::new();
    };
    expected.split('`').skip(1).step_by(2).collect()
}

/// The candidate nearest to `word` by edit distance, if it is near enough to be a likely typo
/// (and about as long: `sidebar_position` is no misspelt `description`).
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .filter(|c| c.len().abs_diff(word.len()) <= 2)
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 2).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("site.yaml"))
    }

    #[test]
    fn parses_all_keys() {
        let c = parse(
            "title: 帮助\ndescription: d\nbase_url: https://example.org/help\nlanguage: zh-CN\ntheme: t\noutput_dir: out\nextra:\n  a: 1\n",
        )
        .unwrap();
        assert_eq!(c.title, "帮助");
        assert_eq!(c.base_url, "https://example.org/help/");
        assert_eq!(c.base_path(), "/help/");
        assert_eq!(c.output_dir, PathBuf::from("out"));
        assert!(c.extra.contains_key("a"));
    }

    #[test]
    fn unknown_key_names_key_line_and_suggestion() {
        let err = parse("title: x\ntitel: y\n").unwrap_err();
        let d = &err.diagnostics[0];
        assert_eq!(d.message, "unknown key `titel` in site.yaml");
        assert_eq!(d.line, Some(2));
        assert_eq!(d.help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn empty_and_list_files_are_explained() {
        assert_eq!(
            parse("# nothing\n").unwrap_err().diagnostics[0].message,
            "site.yaml is empty"
        );
        assert_eq!(
            parse("- a\n- b\n").unwrap_err().diagnostics[0].message,
            "site.yaml must be a map of `key: value` lines"
        );
    }

    #[test]
    fn base_path_defaults_to_root() {
        assert_eq!(parse("title: x\n").unwrap().base_path(), "/");
        assert_eq!(parse("base_url: https://a.org\n").unwrap().base_path(), "/");
    }

    #[test]
    fn bad_language_is_rejected_with_line() {
        let err = parse("title: x\nlanguage: zh CN\n").unwrap_err();
        assert_eq!(err.diagnostics[0].line, Some(2));
    }
}
