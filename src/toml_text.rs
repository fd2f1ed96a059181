//! The only door to the TOML library: Hugo and Zola write front matter as TOML between `+++`
//! lines. Its dates are turned into text here, so both kinds of front matter go through the
//! same checks (content.rs) and YAML stays behind yaml.rs alone.

use serde::de::DeserializeOwned;

use crate::yaml::YamlError;

/// Parses TOML `text` as a `T`. Dates and times are handed over as their text
/// (`2026-11-24T08:30:00+08:00`), as YAML gives them. A problem is reported like a YAML one:
/// `key: message`, at its place inside `text` (for a value of the wrong type, its key's line).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let mut value = toml::Value::Table(toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| place(text, s.start)).unzip();
        YamlError {
            message: e.message().trim_end().to_owned(),
            line,
            column,
        }
    })?);
    dates_as_text(&mut value);
    T::deserialize(value).map_err(|e| {
        // Deserializing a value, toml knows the key (its message ends "in `extra.mood`"), not
        // the place: the key's line is looked up.
        let shown = e.to_string();
        let key = shown
            .split_once("\nin `")
            .and_then(|(_, rest)| rest.split('`').next());
        let line = key.and_then(|k| key_line(text, k));
        YamlError {
            message: match key {
                Some(key) => format!("{key}: {}", e.message().trim_end()),
                None => e.message().trim_end().to_owned(),
            },
            line,
            column: line.map(|_| 1),
        }
    })
}

fn dates_as_text(value: &mut toml::Value) {
    match value {
        toml::Value::Datetime(d) => *value = toml::Value::String(d.to_string()),
        toml::Value::Array(items) => items.iter_mut().for_each(dates_as_text),
        toml::Value::Table(table) => table.iter_mut().for_each(|(_, v)| dates_as_text(v)),
        _ => {}
    }
}

/// The line (1-based, in `text`) where the last part of a dotted key is set: `mood` of
/// `extra.mood` in `mood = "calm"` after `[extra]`.
fn key_line(text: &str, key: &str) -> Option<usize> {
    let last = key.rsplit('.').next()?;
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(last)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn place(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[test]
    fn dates_become_text_and_errors_have_their_place() {
        let value: BTreeMap<String, String> =
            from_str("date = 2021-03-04\nupdated = 2021-03-04T10:00:00+08:00\n").unwrap();
        assert_eq!(value["date"], "2021-03-04");
        assert_eq!(value["updated"], "2021-03-04T10:00:00+08:00");
        let err = from_str::<BTreeMap<String, String>>("title = \"a\"\nweight = \n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(10)), "{err:?}");
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Page {
            weight: Option<i64>,
            extra: Option<BTreeMap<String, i64>>,
        }
        let err = from_str::<Page>("weight = \"heavy\"\n").unwrap_err();
        assert_eq!(
            err.message,
            "weight: invalid type: string \"heavy\", expected i64"
        );
        assert_eq!(err.line, Some(1));
        let err = from_str::<Page>("weight = 1\n[extra]\nmood = \"calm\"\n").unwrap_err();
        assert_eq!(
            err.message,
            "extra.mood: invalid type: string \"calm\", expected i64"
        );
        assert_eq!(err.line, Some(3));
    }
}
