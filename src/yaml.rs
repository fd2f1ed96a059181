//! The only door to the YAML library: serde_yaml is archived upstream, so everything that reads
//! YAML (site.yaml, front matter, theme strings) goes through here and swapping it touches one file.

use serde::de::DeserializeOwned;

/// A YAML problem with its place, counted from the start of the text that was parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    /// 1-based line and column inside the parsed text, when the parser knows them.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// A generic YAML value, for maps whose shape belongs to templates (`extra`).
pub type Value = serde_yaml::Value;

/// Parses `text` as a `T`; a key written twice in one map is an error (serde would keep the last).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    // Parsing to a generic value first is what catches duplicate keys in every map.
    let value: Value =
        serde_yaml::from_str(text).map_err(|e| locate_duplicate(convert(e), text))?;
    serde_yaml::from_value(value).map_err(|value_error| {
        // Only the text parser knows where a wrong type stands; ask it again for the place.
        match serde_yaml::from_str::<T>(text) {
            Err(e) => convert(e),
            Ok(_) => convert(value_error),
        }
    })
}

fn convert(e: serde_yaml::Error) -> YamlError {
    {
        let location = e.location();
        YamlError {
            message: clean_message(&e.to_string()),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
        }
    }
}

/// serde_yaml places a duplicate key at the start of its map; point at the repeated key instead.
fn locate_duplicate(mut err: YamlError, text: &str) -> YamlError {
    let Some(key) = err.message.strip_prefix("duplicate entry with key ") else {
        return err;
    };
    let key = key.trim_matches('"').to_owned();
    let second = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.trim_start()
                .strip_prefix(key.as_str())
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .nth(1);
    if let Some((i, line)) = second {
        err.line = Some(i + 1);
        err.column = Some(line.len() - line.trim_start().len() + 1);
    }
    err.message = format!("the key `{key}` is written twice");
    err
}

/// serde_yaml appends " at line N column M" to its messages; we print the place ourselves.
fn clean_message(text: &str) -> String {
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn reports_line_of_bad_yaml() {
        let err = from_str::<BTreeMap<String, String>>("a: b\nc: [d\n").unwrap_err();
        assert!(err.line.is_some());
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn rejects_duplicate_keys() {
        let err = from_str::<BTreeMap<String, String>>("a: b\na: c\n").unwrap_err();
        assert_eq!(err.message, "the key `a` is written twice");
        assert_eq!(err.line, Some(2));
    }
}
