//! Errors a user can act on: every problem carries the file, the line and column where
//! it was found, and a hint, and a build reports all of them at once, the way a compiler does.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is: errors fail the build, warnings only fail it under `--strict`.
/// site.yaml's `checks:` sets it for some checks (`links: error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    /// 1-based column, counted in characters.
    pub column: Option<usize>,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The offending line of the source, shown under the location with a caret.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, path, message)
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, path, message)
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches the offending line, taken from the whole source text of the file.
    pub fn with_source(mut self, source: &str) -> Self {
        if let Some(line) = self.line {
            self.source_line = source
                .lines()
                .nth(line.saturating_sub(1))
                .map(str::to_owned);
        }
        self
    }

    /// `path:line:column`, as editors and terminals understand it.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path.display()),
            (Some(l), None) => format!("{}:{l}", self.path.display()),
            _ => self.path.display().to_string(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        write!(f, "  --> {}", self.location())?;
        if let (Some(line), Some(text)) = (self.line, &self.source_line) {
            let number = line.to_string();
            let pad = " ".repeat(number.len());
            write!(f, "\n{pad} |\n{number} | {text}")?;
            if let Some(column) = self.column {
                let indent: String = text
                    .chars()
                    .take(column.saturating_sub(1))
                    .map(|c| match c {
                        '\t' => "\t",
                        c if is_wide(c) => "  ",
                        _ => " ",
                    })
                    .collect();
                write!(f, "\n{pad} | {indent}^")?;
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Characters a terminal draws two columns wide (CJK and full-width forms), so carets line up.
fn is_wide(c: char) -> bool {
    crate::markdown::is_cjk(c)
        || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// Everything that stopped a build: one or more diagnostics, sorted by file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub diagnostics: Vec<Diagnostic>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        diagnostics.dedup();
        Error { diagnostics }
    }

    /// An I/O failure on `path`, phrased for a person.
    pub fn io(path: &Path, err: &std::io::Error, action: &str) -> Self {
        Diagnostic::error(path, format!("could not {action}: {}", io_reason(err))).into()
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::new(vec![d])
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}\n")?;
        }
        let errors = self.error_count();
        let warnings = self.diagnostics.len() - errors;
        write!(f, "{errors} error{}", if errors == 1 { "" } else { "s" })?;
        if warnings > 0 {
            write!(
                f,
                ", {warnings} warning{}",
                if warnings == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The OS error text without Rust's "(os error N)" suffix.
pub fn io_reason(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Collects diagnostics from many files; turns into an error only if one is an error.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.list.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    /// Fails when there is an error, or any warning when `strict`; otherwise hands back the warnings.
    pub fn into_result(self, strict: bool) -> Result<Vec<Diagnostic>> {
        if self.has_errors() || (strict && !self.list.is_empty()) {
            Err(Error::new(self.list))
        } else {
            Ok(self.list)
        }
    }
}

/// Reads a file as UTF-8 text, naming the file and the line of the first bad byte when it is not.
pub fn read_text(path: &Path, shown_as: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(shown_as, &e, "read the file"))?;
    text_from_bytes(bytes, shown_as)
}

/// UTF-8 text from bytes; a leading byte-order mark is dropped.
pub fn text_from_bytes(bytes: Vec<u8>, shown_as: &Path) -> Result<String> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(text)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = bytes[..valid]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&bytes[line_start..valid])
                .chars()
                .count()
                + 1;
            Err(Diagnostic::error(shown_as, "the file is not valid UTF-8 text")
                .at(line, column)
                .help("save the file with UTF-8 encoding (most editors offer it under \"Save with encoding\")")
                .into())
        }
    }
}
