//! The only door to the TOML library: Hugo and Zola write front matter as TOML between `+++`
//! lines. It is read here into a plain value, so both kinds of front matter go through the
//! same checks (content.rs) and YAML stays behind yaml.rs alone.

use serde::de::DeserializeOwned;

use crate::yaml::YamlError;

/// Parses TOML `text` as a `T`. Dates and times are handed over as their text
/// (`2026-11-24T08:30:00+08:00`), as YAML gives them. A problem is reported like a YAML one,
/// with its place inside `text` when the parser knows it.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| place(text, s.start)).unzip();
        YamlError {
            message: e.message().trim_end().to_owned(),
            line,
            column,
        }
    })?;
    serde_json::from_value(plain(toml::Value::Table(table))).map_err(|e| YamlError {
        message: e.to_string(),
        line: None,
        column: None,
    })
}

fn plain(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as Plain;
    match value {
        toml::Value::String(s) => Plain::String(s),
        toml::Value::Integer(i) => Plain::from(i),
        toml::Value::Float(f) => Plain::from(f),
        toml::Value::Boolean(b) => Plain::Bool(b),
        toml::Value::Datetime(d) => Plain::String(d.to_string()),
        toml::Value::Array(items) => Plain::Array(items.into_iter().map(plain).collect()),
        toml::Value::Table(table) => {
            Plain::Object(table.into_iter().map(|(k, v)| (k, plain(v))).collect())
        }
    }
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
    use std::collections::BTreeMap;

    #[test]
    fn dates_become_text_and_errors_have_their_place() {
        let value: BTreeMap<String, String> =
            from_str("date = 2021-03-04\nupdated = 2021-03-04T10:00:00+08:00\n").unwrap();
        assert_eq!(value["date"], "2021-03-04");
        assert_eq!(value["updated"], "2021-03-04T10:00:00+08:00");
        let err = from_str::<BTreeMap<String, String>>("title = \"a\"\nweight = \n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(10)), "{err:?}");
    }
}
