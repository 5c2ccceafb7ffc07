//! Reading the config file and the `SEAWALL_*` variables into the `config` crate's values,
//! ourselves rather than through `config::File`: the file is parsed with `toml` so that
//! every key keeps its line (messages say `config file X line 3: scan.concurrency: ...`),
//! and a number too large for any integer type (`99999999999999999999999`, `1e400`) is kept
//! as the text the user wrote instead of failing the whole file without a position. The
//! range check of [`super::resolve`] then names the key, the line and the allowed range.

use config::{Map, Source, Value, ValueKind};
use std::collections::BTreeMap;

/// The `origin` given to values read from the environment (`describe_origin` looks for it).
pub(crate) const ENV_ORIGIN: &str = "the environment";

/// Values already read, handed to the `config` crate's builder (file first, then the
/// environment on top).
#[derive(Debug, Clone)]
pub(crate) struct Parsed(pub(crate) Map<String, Value>);

impl Source for Parsed {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, config::ConfigError> {
        Ok(self.0.clone())
    }
}

/// A parsed config file: its values and the line of every key (`"scan.concurrency"` -> 3).
#[derive(Debug, Default)]
pub(crate) struct FileValues {
    pub(crate) values: Map<String, Value>,
    pub(crate) lines: BTreeMap<String, usize>,
}

/// Parse TOML text. `Err` is the `toml` crate's report (a syntax error: nothing is read).
pub(crate) fn parse_file(text: &str, origin: &str) -> Result<FileValues, toml::de::Error> {
    let table = toml::de::DeTable::parse(text)?;
    let mut out = FileValues::default();
    out.values = convert_table(text, origin, "", table.get_ref(), &mut out.lines);
    Ok(out)
}

/// A value that says where it came from.
fn tagged(origin: &str, kind: ValueKind) -> Value {
    Value::new(Some(&origin.to_string()), kind)
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn convert_table(
    text: &str,
    origin: &str,
    prefix: &str,
    table: &toml::de::DeTable<'_>,
    lines: &mut BTreeMap<String, usize>,
) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, value) in table.iter() {
        let name = key.get_ref().to_string();
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        lines
            .entry(path.clone())
            .or_insert_with(|| line_of(text, key.span().start));
        let literal = text.get(value.span()).unwrap_or("").trim();
        let kind = convert_value(text, origin, &path, value.get_ref(), literal, lines);
        map.insert(name, tagged(origin, kind));
    }
    map
}

fn convert_value(
    text: &str,
    origin: &str,
    path: &str,
    value: &toml::de::DeValue<'_>,
    literal: &str,
    lines: &mut BTreeMap<String, usize>,
) -> ValueKind {
    use toml::de::DeValue;
    match value {
        DeValue::String(s) => ValueKind::String(s.to_string()),
        DeValue::Boolean(b) => ValueKind::Boolean(*b),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => ValueKind::I64(n),
            Err(_) => match i128::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => ValueKind::I128(n),
                // Too large for any integer type: the text as written, which the range
                // check reports with its key and line.
                Err(_) => ValueKind::String(literal.to_string()),
            },
        },
        DeValue::Float(f) => match f.as_str().parse::<f64>() {
            Ok(x) if x.is_finite() || f.as_str().contains("inf") || f.as_str().contains("nan") => {
                ValueKind::Float(x)
            }
            _ => ValueKind::String(literal.to_string()),
        },
        DeValue::Datetime(d) => ValueKind::String(d.to_string()),
        DeValue::Array(items) => ValueKind::Array(
            items
                .iter()
                .map(|item| {
                    let literal = text.get(item.span()).unwrap_or("").trim();
                    let kind = convert_value(text, origin, path, item.get_ref(), literal, lines);
                    tagged(origin, kind)
                })
                .collect(),
        ),
        DeValue::Table(t) => ValueKind::Table(convert_table(text, origin, path, t, lines)),
    }
}

/// The `SEAWALL_<SECTION>__<KEY>` variables as values: `true`/`false` are booleans, whole
/// numbers that fit are integers, other numbers floats; anything else (and a number too
/// large for its type, kept as written) is a string.
pub(crate) fn env_values(env: &BTreeMap<String, String>, prefix: &str) -> Map<String, Value> {
    let mut map = Map::new();
    for (name, text) in env {
        let Some(rest) = name
            .get(..prefix.len())
            .filter(|p| p.eq_ignore_ascii_case(prefix))
            .map(|_| &name[prefix.len()..])
        else {
            continue;
        };
        let key = rest.to_ascii_lowercase().replace("__", ".");
        map.insert(key, tagged(ENV_ORIGIN, env_kind(text)));
    }
    map
}

fn env_kind(text: &str) -> ValueKind {
    if let Ok(b) = text.to_ascii_lowercase().parse::<bool>() {
        return ValueKind::Boolean(b);
    }
    if let Ok(n) = text.parse::<i64>() {
        return ValueKind::I64(n);
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && !looks_whole(text) => ValueKind::Float(x),
        _ => ValueKind::String(text.to_string()),
    }
}

/// Digits with an optional sign: a whole number (one too large for `i64` stays text).
pub(crate) fn looks_whole(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_keeps_its_line() {
        let text =
            "# c\n[scan]\nconcurrency = 4\n\n[ui]\nread_only = true\n[keys]\nquit = [\"x\"]\n";
        let f = parse_file(text, "f").unwrap();
        assert_eq!(f.lines["scan"], 2);
        assert_eq!(f.lines["scan.concurrency"], 3);
        assert_eq!(f.lines["ui.read_only"], 6);
        assert_eq!(f.lines["keys.quit"], 8);
    }

    #[test]
    fn numbers_too_large_are_kept_as_written() {
        let f = parse_file(
            "[scan]\nconcurrency = 99999999999999999999999\n[ui]\ntick_ms = 1e400\npage_size = 999999999999999999999999999999999999999999\n",
            "f",
        )
        .unwrap();
        let ValueKind::Table(scan) = &f.values["scan"].kind else {
            panic!()
        };
        assert_eq!(
            scan["concurrency"].kind,
            ValueKind::I128(99999999999999999999999)
        );
        let ValueKind::Table(ui) = &f.values["ui"].kind else {
            panic!()
        };
        assert_eq!(ui["tick_ms"].kind, ValueKind::String("1e400".into()));
        assert_eq!(
            ui["page_size"].kind,
            ValueKind::String("999999999999999999999999999999999999999999".into())
        );
    }

    #[test]
    fn environment_values_are_typed() {
        assert_eq!(env_kind("TRUE"), ValueKind::Boolean(true));
        assert_eq!(env_kind("12"), ValueKind::I64(12));
        assert_eq!(env_kind("1.5"), ValueKind::Float(1.5));
        assert_eq!(
            env_kind("99999999999999999999999"),
            ValueKind::String("99999999999999999999999".into())
        );
        assert_eq!(env_kind("1e400"), ValueKind::String("1e400".into()));
        assert_eq!(env_kind("light"), ValueKind::String("light".into()));
        let env: BTreeMap<String, String> =
            [("SEAWALL_UI__READ_ONLY".to_string(), "yes".to_string())]
                .into_iter()
                .collect();
        let m = env_values(&env, "SEAWALL_");
        assert_eq!(m["ui.read_only"].kind, ValueKind::String("yes".into()));
    }
}
