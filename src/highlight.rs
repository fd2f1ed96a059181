//! Fenced code blocks coloured at build time, so readers get highlighted code without any
//! script: syntect's grammars find the tokens, and each token becomes a `<span>` whose class
//! names what it is (`tok-keyword`), coloured by the theme's stylesheet in light and dark.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use syntect::parsing::{
    BasicScopeStackOp, ParseState, ParsingError, Scope, ScopeStack, ScopeStackOp, SyntaxReference,
    SyntaxSet,
};

use crate::markdown::push_escaped_html;
use crate::memo::{Memo, hash_of};

/// What the reader writes after the language, as shown in warnings and README.md.
const OPTIONS_HELP: &str = "after the language, write options separated by commas: `linenos`, `linenostart=N`, `hl_lines=2-3 5`, `hidelines=PREFIX`";

/// Language names that mean "no colours": no grammar is looked up and nothing is reported.
const PLAIN: &[&str] = &["text", "plain", "plaintext", "txt"];

/// rustdoc's test attributes (```` ```rust,no_run ````, or alone: ```` ```ignore ````, which
/// rustdoc reads as Rust), as Rust books and crate READMEs write them; they change nothing shown.
const RUSTDOC_ATTRIBUTES: &[&str] = &[
    "ignore",
    "no_run",
    "should_panic",
    "compile_fail",
    "test_harness",
    "standalone_crate",
    "edition2015",
    "edition2018",
    "edition2021",
    "edition2024",
];

/// mdBook's playground attributes (```` ```rust,editable ````): the playground is not part of a
/// static site, so they change nothing shown either.
const MDBOOK_ATTRIBUTES: &[&str] = &["editable", "noplayground", "noplaypen", "mdbook-runnable"];

/// Common names the grammars do not answer to themselves.
const ALIASES: &[(&str, &str)] = &[
    ("shell", "bash"),
    ("console", "bash"),
    ("zsh", "bash"),
    ("jsx", "js"),
    ("golang", "go"),
    ("py3", "py"),
    ("docker", "dockerfile"),
    ("csharp", "cs"),
    ("objectivec", "objective-c"),
    ("objc", "objective-c"),
    ("x86asm", "asm"),
    ("armasm", "arm assembly"),
    ("apache", "apache conf"),
];

/// Token classes by the grammar scope they stand for, most specific first. A token takes the
/// class of its innermost scope that one of these prefixes; `None` leaves it uncoloured (an
/// operator is a keyword to the grammars, but colouring every `=` only adds noise).
const TOKEN_CLASSES: &[(&str, Option<&str>)] = &[
    ("comment", Some("tok-comment")),
    ("string", Some("tok-string")),
    ("constant.character.escape", Some("tok-string")),
    ("constant", Some("tok-constant")),
    ("keyword.operator", None),
    ("keyword", Some("tok-keyword")),
    ("storage.type", Some("tok-keyword")),
    ("storage.modifier", Some("tok-keyword")),
    ("variable.language", Some("tok-keyword")),
    ("entity.name.function", Some("tok-function")),
    ("support.function", Some("tok-function")),
    ("variable.function", Some("tok-function")),
    ("entity.name.tag", Some("tok-tag")),
    ("entity.name", Some("tok-type")),
    ("support.type", Some("tok-type")),
    ("support.class", Some("tok-type")),
    ("entity.other.inherited-class", Some("tok-type")),
    ("entity.other.attribute-name", Some("tok-attribute")),
    ("meta.mapping.key", Some("tok-attribute")),
    ("variable.parameter", Some("tok-variable")),
    ("variable.other.readwrite.shell", Some("tok-variable")),
    ("variable.other.normal.shell", Some("tok-variable")),
    ("markup.heading", Some("tok-keyword")),
    ("markup.inserted", Some("tok-inserted")),
    ("markup.deleted", Some("tok-deleted")),
];

/// The grammars and the token classes, read once per process on the first code block that
/// names a language (a site without one never pays for them), then kept for every rebuild.
#[derive(Default)]
pub struct Syntaxes {
    loaded: OnceLock<Grammars>,
}

struct Grammars {
    set: SyntaxSet,
    /// `SyntaxSet::find_syntax_by_token` as a table: a lower-case word to a grammar's index
    /// (the scan compared every block's language with every name and extension).
    by_token: HashMap<String, usize>,
    classes: Vec<(Scope, Option<&'static str>)>,
    lines: ParsedLines,
}

/// The scope changes of one line of code.
type LineOps = Arc<[(usize, ScopeStackOp)]>;

/// A line parsed in a grammar state: the state it leaves and its scope changes.
struct ParsedLine {
    line: Box<str>,
    before: ParseState,
    after: ParseState,
    ops: LineOps,
}

// SAFETY: a `ParseState` is not `Send` only because a grammar's backreference keeps an
// Oniguruma match region, which owns two malloc'd arrays through raw pointers that nothing else
// shares, so moving it to another thread is sound. `ParsedLines` reaches each entry only under
// its shard's mutex, and hands out clones.
unsafe impl Send for ParsedLine {}

/// Lines already parsed, by the hash of their text. A grammar's result for a line depends only
/// on the line and the state the lines before it left, so a line met again in the same state
/// (a closing brace, `fn main() {`, an import, a shell prompt) is not parsed again: Oniguruma's
/// matching is most of a build's highlighting time. A line is kept from its second sighting
/// on, so the lines met once, most of them, cost a hash each; split in shards so that threads
/// rarely wait for each other, and bounded, since `quire serve` keeps it for every rebuild.
struct ParsedLines {
    shards: Vec<Mutex<LineShard>>,
}

#[derive(Default)]
struct LineShard {
    /// Hashes of the lines seen once.
    seen: HashSet<u64>,
    parsed: HashMap<u64, Vec<ParsedLine>>,
}

const LINE_SHARDS: usize = 16;
/// Bounds of each shard: lines seen (8 bytes each) and lines kept (about 1 KB each), and the
/// states kept of one line (a `}` closes blocks at many depths).
const SEEN_PER_SHARD: usize = 1 << 14;
const KEPT_PER_SHARD: usize = 1 << 11;
const STATES_PER_LINE: usize = 8;

impl ParsedLines {
    fn new() -> Self {
        ParsedLines {
            shards: (0..LINE_SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    /// The scope changes of `line` parsed from `state`, which is moved on past it.
    fn parse(
        &self,
        state: &mut ParseState,
        line: &str,
        set: &SyntaxSet,
    ) -> Result<LineOps, ParsingError> {
        let key = hash_of(&line);
        let shard = &self.shards[key as usize % LINE_SHARDS];
        let keep = {
            let mut shard = lock(shard);
            let found = shard.parsed.get(&key).and_then(|lines| {
                lines
                    .iter()
                    .find(|p| &*p.line == line && p.before == *state)
            });
            if let Some(parsed) = found {
                *state = parsed.after.clone();
                return Ok(parsed.ops.clone());
            }
            let again = shard.seen.contains(&key);
            if !again && shard.seen.len() < SEEN_PER_SHARD {
                shard.seen.insert(key);
            }
            again && shard.parsed.len() < KEPT_PER_SHARD
        };
        let before = keep.then(|| state.clone());
        let ops: LineOps = state.parse_line(line, set)?.into();
        if let Some(before) = before {
            let mut shard = lock(shard);
            let states = shard.parsed.entry(key).or_default();
            if states.len() < STATES_PER_LINE {
                states.push(ParsedLine {
                    line: line.into(),
                    before,
                    after: state.clone(),
                    ops: ops.clone(),
                });
            }
        }
        Ok(ops)
    }
}

/// A shard whatever another thread did: a panic elsewhere leaves whole entries behind.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Syntaxes {
    fn get(&self) -> &Grammars {
        self.loaded.get_or_init(|| {
            // bat's grammars (two-face): syntect's own set lacks TOML, TypeScript, Dockerfile
            // and Nix. Matched with Oniguruma: about twice as fast as fancy-regex on these
            // grammars (0.9 s against 0.4 s of wall time on the 10,000-page benchmark).
            let set = two_face::syntax::extra_newlines();
            Grammars {
                by_token: syntaxes_by_token(&set),
                set,
                classes: TOKEN_CLASSES
                    .iter()
                    .map(|(scope, class)| (Scope::new(scope).expect("valid scope"), *class))
                    .collect(),
                lines: ParsedLines::new(),
            }
        })
    }

    /// Every language a code block may name: each grammar's name, then the words that select
    /// it, for `quire languages`.
    pub fn languages(&self) -> Vec<(String, Vec<String>)> {
        let set = &self.get().set;
        let mut languages: Vec<(String, Vec<String>)> = set
            .syntaxes()
            .iter()
            .filter(|s| !s.hidden && !s.file_extensions.is_empty() && s.name != "Plain Text")
            .map(|s| {
                let name = s.name.to_lowercase();
                let mut words: Vec<String> = Vec::new();
                if !name.contains(' ') {
                    words.push(name);
                }
                words.extend(s.file_extensions.iter().cloned());
                words.extend(
                    ALIASES
                        .iter()
                        .filter(|(_, to)| {
                            set.find_syntax_by_token(to).map(|t| &t.name) == Some(&s.name)
                        })
                        .map(|(alias, _)| alias.to_string()),
                );
                // Names match ignoring case: `Dockerfile` after `dockerfile` says nothing new.
                let mut seen = std::collections::HashSet::new();
                words.retain(|w| seen.insert(w.to_lowercase()));
                (s.name.clone(), words)
            })
            .collect();
        languages.push((
            "Plain text (no colours)".into(),
            PLAIN.iter().map(|w| w.to_string()).collect(),
        ));
        languages.sort_by_key(|(name, _)| name.to_lowercase());
        languages
    }
}

/// How fenced code is rendered in one build: with the process's grammars (or none, when
/// site.yaml turns highlighting off) and the blocks highlighted by the previous build.
pub struct CodeBlocks<'a> {
    pub syntaxes: Option<&'a Syntaxes>,
    pub kept: &'a Memo<u64, Arc<str>>,
}

/// One code block turned into HTML.
pub struct Block {
    pub html: Arc<str>,
    /// The key and HTML to keep for the next build, when the block was highlighted.
    pub highlighted: Option<(u64, Arc<str>)>,
    /// Problems with the info string, for warnings at the fence (the block is still shown).
    pub problems: Vec<Problem>,
}

/// A warning about a code block's info string.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub help: String,
}

/// What the info string of a fence asks for: ```` ```rust,linenos,hl_lines=2-3 5 ````.
#[derive(Debug, Default, PartialEq, Eq)]
struct Fence<'a> {
    language: &'a str,
    /// The number of the first line, when line numbers are shown.
    first_line_number: Option<usize>,
    /// Lines to mark, 1-based and inclusive, counted from the block's first shown line.
    marked: Vec<(usize, usize)>,
    /// mdBook's `hidelines=PREFIX`: lines starting with it are not shown.
    hidden_prefix: Option<&'a str>,
}

fn parse_fence(info: &str) -> (Fence<'_>, Vec<Problem>) {
    let mut parts = info.split(',').map(str::trim);
    let mut fence = Fence {
        language: parts.next().unwrap_or_default(),
        ..Fence::default()
    };
    if RUSTDOC_ATTRIBUTES.contains(&fence.language) {
        fence.language = "rust";
    }
    let mut problems = Vec::new();
    let mut problem = |message: String| {
        problems.push(Problem {
            message,
            help: OPTIONS_HELP.into(),
        })
    };
    for part in parts.filter(|p| !p.is_empty()) {
        let (name, value) = match part.split_once('=') {
            Some((name, value)) => (name.trim(), Some(value.trim())),
            None => (part, None),
        };
        match (name, value) {
            ("linenos", None) => {
                fence.first_line_number.get_or_insert(1);
            }
            ("linenostart", Some(n)) => match n.parse() {
                Ok(n) => fence.first_line_number = Some(n),
                Err(_) => problem(format!("`linenostart={n}` is not a line number")),
            },
            ("hl_lines", Some(ranges)) => {
                for range in ranges.split_whitespace() {
                    match parse_range(range) {
                        Some(r) => fence.marked.push(r),
                        None => problem(format!(
                            "`{range}` in `hl_lines` is not a line or a range of lines such as `2-3`"
                        )),
                    }
                }
            }
            ("hidelines", Some(prefix)) if !prefix.is_empty() => fence.hidden_prefix = Some(prefix),
            _ if RUSTDOC_ATTRIBUTES.contains(&part) || MDBOOK_ATTRIBUTES.contains(&part) => {}
            _ => problem(format!("unknown code block option `{part}`")),
        }
    }
    (fence, problems)
}

fn parse_range(range: &str) -> Option<(usize, usize)> {
    let (from, to) = range.split_once('-').unwrap_or((range, range));
    let (from, to): (usize, usize) = (from.parse().ok()?, to.parse().ok()?);
    (from >= 1 && from <= to).then_some((from, to))
}

impl CodeBlocks<'_> {
    /// The HTML of one fenced block with a non-empty info string; `code` is its text.
    pub fn render(&self, info: &str, code: &str) -> Block {
        let (fence, mut problems) = parse_fence(info);
        let language = fence.language.to_ascii_lowercase();
        let code = &*shown_lines(&fence, &language, code);
        let plain = PLAIN.contains(&language.as_str());
        let grammars = match self.syntaxes {
            Some(syntaxes) if !plain => Some(syntaxes.get()),
            _ => None,
        };
        let syntax = grammars.and_then(|g| find_syntax(g, &language).map(|s| (g, s)));
        if grammars.is_some() && syntax.is_none() {
            problems.push(Problem {
                message: format!("unknown language `{}` in this code block; it is shown without colours", fence.language),
                help: "run `quire languages` for the names quire knows, or write ```text for code that needs no colours".into(),
            });
        }
        let Some((grammars, syntax)) = syntax else {
            return Block {
                html: block_html(&fence, code, plain_line).into(),
                highlighted: None,
                problems,
            };
        };
        let key = hash_of(&(info.trim(), code));
        if let Some(html) = self.kept.get(&key) {
            return Block {
                html: html.clone(),
                highlighted: Some((key, html)),
                problems,
            };
        }
        let html: Arc<str> = highlight(grammars, syntax, &fence, code)
            .unwrap_or_else(|| block_html(&fence, code, plain_line))
            .into();
        Block {
            html: html.clone(),
            highlighted: Some((key, html)),
            problems,
        }
    }
}

/// The lines of a block a reader sees. Rust hides rustdoc's setup lines (`# use std::io;`, a `#`
/// alone; `##` stands for `#`), as rustdoc and mdBook do; `hidelines=PREFIX` hides lines that
/// start with the prefix, in any language, as in mdBook.
fn shown_lines<'c>(fence: &Fence, language: &str, code: &'c str) -> Cow<'c, str> {
    let rust = language == "rust" || language == "rs";
    let hidden = |text: &str| match fence.hidden_prefix {
        Some(prefix) => text.starts_with(prefix),
        None => rust && (text == "#" || text.starts_with("# ")),
    };
    let lines = || code.split_inclusive('\n').map(|l| (l, l.trim_start()));
    let escaped = |text: &str| rust && fence.hidden_prefix.is_none() && text.starts_with("##");
    if !lines().any(|(_, t)| hidden(t.trim_end()) || escaped(t)) {
        return Cow::Borrowed(code);
    }
    let mut shown = String::with_capacity(code.len());
    for (line, text) in lines() {
        if hidden(text.trim_end()) {
            continue;
        }
        if escaped(text) {
            shown.push_str(&line[..line.len() - text.len()]);
            shown.push_str(&text[1..]);
        } else {
            shown.push_str(line);
        }
    }
    Cow::Owned(shown)
}

/// The grammar a lower-case language word selects.
fn find_syntax<'g>(grammars: &'g Grammars, language: &str) -> Option<&'g SyntaxReference> {
    let language = ALIASES
        .iter()
        .find(|(alias, _)| *alias == language)
        .map_or(language, |(_, to)| to);
    let index = *grammars.by_token.get(language)?;
    Some(&grammars.set.syntaxes()[index])
}

/// What `find_syntax_by_token` finds for each lower-case word: a file extension first, then a
/// name, the last grammar winning either way (both ignore ASCII case).
fn syntaxes_by_token(set: &SyntaxSet) -> HashMap<String, usize> {
    let syntaxes = set.syntaxes().iter().enumerate();
    let names = (syntaxes.clone()).map(|(i, s)| (s.name.to_ascii_lowercase(), i));
    let extensions = syntaxes.flat_map(|(i, s)| {
        s.file_extensions
            .iter()
            .map(move |e| (e.to_ascii_lowercase(), i))
    });
    // Later entries overwrite earlier ones: extensions come after names, so they win.
    names.chain(extensions).collect()
}

/// Highlighted HTML, or `None` if the grammar fails on this text (it is then shown plain).
fn highlight(
    grammars: &Grammars,
    syntax: &SyntaxReference,
    fence: &Fence,
    code: &str,
) -> Option<String> {
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    // The token class at each depth of `stack`, kept in step with it so that a token's class is
    // read off the top instead of searched for through the whole stack after every change.
    let mut class_by_depth: Vec<Option<&'static str>> = Vec::new();
    let mut failed = false;
    let html = block_html(fence, code, |line, out| {
        if failed {
            return plain_line(line, out);
        }
        let Ok(ops) = grammars.lines.parse(&mut state, line, &grammars.set) else {
            failed = true;
            return;
        };
        let mut open: Option<&str> = None;
        let mut class = class_by_depth.last().copied().flatten();
        let mut at = 0;
        let end = line.len() - 1; // the newline is written by block_html, outside any token
        for (offset, op) in ops
            .iter()
            .map(|(o, op)| (*o, Some(op)))
            .chain([(end, None)])
        {
            let offset = offset.min(end);
            if offset > at {
                if open != class {
                    if open.is_some() {
                        out.push_str("</span>");
                    }
                    if let Some(c) = class {
                        out.push_str("<span class=\"");
                        out.push_str(c);
                        out.push_str("\">");
                    }
                    open = class;
                }
                push_escaped_html(out, &line[at..offset]);
                at = offset;
            }
            if let Some(op) = op {
                let applied = stack.apply_with_hook(op, |change, _| match change {
                    BasicScopeStackOp::Push(scope) => {
                        let outer = class_by_depth.last().copied().flatten();
                        class_by_depth.push(scope_class(&grammars.classes, scope).unwrap_or(outer));
                    }
                    BasicScopeStackOp::Pop => {
                        class_by_depth.pop();
                    }
                });
                if applied.is_err() {
                    failed = true;
                }
                class = class_by_depth.last().copied().flatten();
            }
        }
        if open.is_some() {
            out.push_str("</span>");
        }
    });
    (!failed).then_some(html)
}

/// Writes a line (given with its newline) as escaped text.
fn plain_line(line: &str, out: &mut String) {
    push_escaped_html(out, line.strip_suffix('\n').unwrap_or(line));
}

/// The class a token inside `scope` takes from it: `Some` when one of the prefixes names the
/// scope (the class may still be `None`, uncoloured), `None` when the scope says nothing and
/// the token keeps the class of the scopes around it.
fn scope_class(
    classes: &[(Scope, Option<&'static str>)],
    scope: Scope,
) -> Option<Option<&'static str>> {
    // Comparing first atoms (a shift) turns most prefixes away before the full test: the
    // scopes pushed most often (`meta`, `punctuation`, `source`) match no prefix at all.
    let first_atom = scope.atom_at(0);
    classes
        .iter()
        .find(|(prefix, _)| prefix.atom_at(0) == first_atom && prefix.is_prefix_of(scope))
        .map(|(_, class)| *class)
}

/// The `<pre>` around a block whose lines `push_line` writes as HTML (each line is given with
/// its newline, which `push_line` leaves out: it is written here). Lines get their own element only when they
/// are numbered or marked, to keep ordinary blocks small.
fn block_html(fence: &Fence, code: &str, mut push_line: impl FnMut(&str, &mut String)) -> String {
    let mut out = String::with_capacity(code.len() * 3 + 96);
    let language = fence.language;
    out.push_str("<pre class=\"code\"");
    if !language.is_empty() {
        out.push_str(" data-lang=\"");
        push_escaped_html(&mut out, language);
        out.push('"');
    }
    out.push_str("><code class=\"language-");
    push_escaped_html(&mut out, language);
    if fence.first_line_number.is_some() {
        out.push_str(" linenos");
    }
    out.push_str("\">");
    let by_line = fence.first_line_number.is_some() || !fence.marked.is_empty();
    let mut owned_last;
    let mut lines = code.split_inclusive('\n').peekable();
    let mut index = 0;
    while let Some(mut line) = lines.next() {
        if lines.peek().is_none() && !line.ends_with('\n') {
            // The grammars read whole lines; the last one may lack its newline.
            owned_last = format!("{line}\n");
            line = &owned_last;
        }
        index += 1;
        if by_line {
            let marked = fence
                .marked
                .iter()
                .any(|&(from, to)| (from..=to).contains(&index));
            out.push_str(if marked {
                "<span class=\"line mark\""
            } else {
                "<span class=\"line\""
            });
            if let Some(first) = fence.first_line_number {
                out.push_str(&format!(" data-n=\"{}\"", first + index - 1));
            }
            out.push('>');
        }
        push_line(line, &mut out);
        out.push('\n');
        if by_line {
            out.push_str("</span>");
        }
    }
    out.push_str("</code></pre>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(info: &str, code: &str) -> Block {
        let syntaxes = Syntaxes::default();
        let kept = Memo::default();
        CodeBlocks {
            syntaxes: Some(&syntaxes),
            kept: &kept,
        }
        .render(info, code)
    }

    #[test]
    fn language_table_finds_what_syntect_finds() {
        let syntaxes = Syntaxes::default();
        let grammars = syntaxes.get();
        let set = &grammars.set;
        let mut words: Vec<String> = vec!["no-such-language".into(), String::new()];
        for syntax in set.syntaxes() {
            words.push(syntax.name.clone());
            words.extend(syntax.file_extensions.iter().cloned());
        }
        words.extend(ALIASES.iter().map(|(alias, _)| alias.to_string()));
        let mut compared = 0;
        for word in words {
            let language = word.to_ascii_lowercase();
            let aliased = ALIASES
                .iter()
                .find(|(alias, _)| *alias == language)
                .map_or(language.as_str(), |(_, to)| to);
            let expected = set.find_syntax_by_token(aliased).map(|s| &s.name);
            let found = find_syntax(grammars, &language).map(|s| &s.name);
            assert_eq!(found, expected, "language `{word}`");
            compared += usize::from(expected.is_some());
        }
        assert!(compared > 300, "only {compared} words name a grammar");
    }

    #[test]
    fn rust_hides_rustdocs_setup_lines_and_hidelines_any_prefix() {
        let code = "# use std::io;\n#\nfn main() {\n    # let x = 1;\n    ## not hidden\n    #[derive(Debug)]\n}\n";
        let shown = |info: &str, code: &str| {
            let (fence, problems) = parse_fence(info);
            assert!(problems.is_empty(), "{info}");
            shown_lines(&fence, &fence.language.to_ascii_lowercase(), code).into_owned()
        };
        let expected = "fn main() {\n    # not hidden\n    #[derive(Debug)]\n}\n";
        assert_eq!(shown("rust,noplayground", code), expected);
        assert_eq!(
            shown("ignore", code),
            expected,
            "rustdoc's attributes alone mean Rust"
        );
        assert_eq!(
            shown("python", "# a comment\nx = 1\n"),
            "# a comment\nx = 1\n"
        );
        assert_eq!(
            shown("python,hidelines=!!!", "!!!import os\nx = 1\n"),
            "x = 1\n"
        );
        assert!(!render("rust,editable", code).html.contains("std::io"));
    }

    #[test]
    fn info_strings_name_language_numbers_and_marked_lines() {
        let (fence, problems) = parse_fence("rust, linenostart=10,hl_lines=2-3 5");
        assert_eq!(
            fence,
            Fence {
                language: "rust",
                first_line_number: Some(10),
                marked: vec![(2, 3), (5, 5)],
                hidden_prefix: None,
            }
        );
        assert!(problems.is_empty());
        let (_, problems) = parse_fence("rust,linenos,hl_lines=3-2 x,wrap");
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`3-2` in `hl_lines` is not a line or a range of lines such as `2-3`",
                "`x` in `hl_lines` is not a line or a range of lines such as `2-3`",
                "unknown code block option `wrap`",
            ]
        );
    }

    #[test]
    fn rustdoc_test_attributes_are_rust_and_raise_nothing() {
        for info in [
            "rust,no_run",
            "rust,ignore,edition2021",
            "ignore",
            "should_panic",
        ] {
            let block = render(info, "fn main() {}\n");
            assert!(block.problems.is_empty(), "{info}: {:?}", block.problems);
            assert!(
                block.html.contains("language-rust"),
                "{info}: {}",
                block.html
            );
            assert!(block.html.contains("tok-keyword"), "{info}: {}", block.html);
        }
    }

    #[test]
    fn a_line_parsed_before_is_coloured_as_its_own_state_says() {
        let code = "let a = 1;\nfn f() {}\n";
        // The same line inside a string: kept lines must match the state as well as the text.
        let in_string = "let s = \"\nlet a = 1;\n\";\n";
        let syntaxes = Syntaxes::default();
        let kept = Memo::default();
        let blocks = CodeBlocks {
            syntaxes: Some(&syntaxes),
            kept: &kept,
        };
        for _ in 0..3 {
            for code in [code, in_string] {
                assert_eq!(blocks.render("rust", code).html, render("rust", code).html);
            }
        }
        let kept_lines: usize = syntaxes
            .get()
            .lines
            .shards
            .iter()
            .map(|s| lock(s).parsed.len())
            .sum();
        assert!(kept_lines >= 3, "{kept_lines} lines kept");
        let html = blocks.render("rust", in_string).html;
        assert!(
            html.contains("<span class=\"tok-string\">let a = 1;</span>"),
            "{html}"
        );
    }

    #[test]
    fn tokens_get_classes_and_text_stays_escaped() {
        let block = render("rust", "// a <b>\nfn main() { let s = \"<script>\"; }");
        assert_eq!(
            &*block.html,
            "<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\">\
             <span class=\"tok-comment\">// a &lt;b&gt;</span>\n\
             <span class=\"tok-keyword\">fn</span> <span class=\"tok-function\">main</span>() { \
             <span class=\"tok-keyword\">let</span> s = <span class=\"tok-string\">&quot;&lt;script&gt;&quot;</span>; }\n\
             </code></pre>\n"
        );
        assert!(block.problems.is_empty());
        assert!(block.highlighted.is_some());
    }

    #[test]
    fn aliases_and_plain_names() {
        for alias in [
            "js",
            "sh",
            "shell",
            "console",
            "yml",
            "py",
            "rs",
            "Rust",
            "json",
            "go",
            "toml",
            "ts",
            "typescript",
            "tsx",
            "dockerfile",
            "Dockerfile",
            "docker",
            "nix",
            "csharp",
            "objectivec",
            "objc",
            "x86asm",
            "armasm",
            "apache",
        ] {
            let block = render(alias, "x = 1\n");
            assert!(block.problems.is_empty(), "{alias}: {:?}", block.problems);
        }
        let plain = render("text", "fn main() {}\n");
        assert!(plain.problems.is_empty() && plain.highlighted.is_none());
        assert!(!plain.html.contains("tok-"));
    }

    #[test]
    fn kept_blocks_are_not_highlighted_again() {
        let syntaxes = Syntaxes::default();
        let mut kept = Memo::default();
        let code = "fn main() {}\n";
        kept.insert(hash_of(&("rust", code)), Arc::from("kept"));
        let blocks = CodeBlocks {
            syntaxes: Some(&syntaxes),
            kept: &kept,
        };
        assert_eq!(&*blocks.render("rust", code).html, "kept");
        assert_ne!(&*blocks.render("rust,linenos", code).html, "kept");
    }
}
