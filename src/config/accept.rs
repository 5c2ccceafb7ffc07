//! Accepted risks: the `[[accept]]` tables of the config file and of `--accept FILE`.
//!
//! ```toml
//! [[accept]]
//! rule = "SW-MNT-001"
//! container = "ci-runner-*"        # or image = "...", or label = "k=v"
//! owner = "platform-team"
//! reason = "the runner builds images; socket access is its job"
//! expires = 2027-03-31
//! ```
//!
//! An entry is checked whole when the file is read: a missing key, an unknown key, a bad
//! date or a missing selector is an error naming the file, the entry and its line.
//! Matching (`AcceptRule::matches`) and applying them to a report (`report::acceptance`)
//! are elsewhere; this module only reads.

use chrono::NaiveDate;
use std::path::Path;

/// One `[[accept]]` entry, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptRule {
    /// The rule id it accepts (`SW-MNT-001`), compared exactly.
    pub rule: String,
    /// Container name glob (`*`, `?`; without them the exact name).
    pub container: Option<String>,
    /// Image as the container reports it (glob as for `container`).
    pub image: Option<String>,
    /// `key=value` label the container must carry.
    pub label: Option<(String, String)>,
    pub owner: String,
    pub reason: String,
    pub expires: NaiveDate,
    /// `<file> entry <n>`, for messages and the report.
    pub source: String,
}

/// Why accepted risks could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcceptError {
    #[error("accept file {file}: {message}")]
    File { file: String, message: String },
    #[error("accept file {file}: [[accept]] entry {entry} (line {line}): {message}")]
    Entry {
        file: String,
        entry: usize,
        line: usize,
        message: String,
    },
}

const KEYS: [&str; 8] = [
    "rule",
    "container",
    "image",
    "label",
    "owner",
    "reason",
    "expires",
    "comment",
];

/// Read the `[[accept]]` entries of a file (other tables are ignored: the config file
/// holds more than accepted risks).
pub fn load(path: &Path) -> Result<Vec<AcceptRule>, AcceptError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| AcceptError::File {
        file: file.clone(),
        message: format!("cannot read it: {e}"),
    })?;
    parse(&text, &file)
}

/// Parse TOML text naming `file` in messages.
pub fn parse(text: &str, file: &str) -> Result<Vec<AcceptRule>, AcceptError> {
    use toml::de::DeValue;
    let table = toml::de::DeTable::parse(text).map_err(|e| AcceptError::File {
        file: file.to_string(),
        message: super::toml_syntax_message(&e.to_string()),
    })?;
    let Some(accept) = table.get_ref().get("accept") else {
        return Ok(Vec::new());
    };
    let DeValue::Array(entries) = accept.get_ref() else {
        return Err(AcceptError::File {
            file: file.to_string(),
            message: "accept must be an array of tables ([[accept]])".into(),
        });
    };
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let line = line_of(text, entry.span().start);
        let err = |message: String| AcceptError::Entry {
            file: file.to_string(),
            entry: i + 1,
            line,
            message,
        };
        let DeValue::Table(t) = entry.get_ref() else {
            return Err(err("not a table".into()));
        };
        for (key, _) in t.iter() {
            if !KEYS.contains(&key.get_ref().as_ref()) {
                return Err(err(format!(
                    "unknown key {} (keys: {})",
                    key.get_ref(),
                    KEYS.join(", ")
                )));
            }
        }
        let text_of = |key: &str| -> Result<Option<String>, AcceptError> {
            match t.get(key).map(|v| v.get_ref()) {
                None => Ok(None),
                Some(DeValue::String(s)) if s.trim().is_empty() => {
                    Err(err(format!("{key} is empty")))
                }
                Some(DeValue::String(s)) => Ok(Some(s.to_string())),
                Some(DeValue::Datetime(d)) if key == "expires" => Ok(Some(d.to_string())),
                Some(_) => Err(err(format!("{key} must be a string"))),
            }
        };
        let required = |key: &str| -> Result<String, AcceptError> {
            text_of(key)?.ok_or_else(|| err(format!("missing {key} (required)")))
        };
        let rule = required("rule")?;
        let owner = required("owner")?;
        let reason = required("reason")?;
        let expires_text = required("expires")?;
        let expires = NaiveDate::parse_from_str(&expires_text, "%Y-%m-%d").map_err(|_| {
            err(format!(
                "expires = {expires_text:?} is not an ISO date (YYYY-MM-DD)"
            ))
        })?;
        let container = text_of("container")?;
        let image = text_of("image")?;
        let label = match text_of("label")? {
            None => None,
            Some(l) => match l.split_once('=') {
                Some((k, v)) if !k.is_empty() => Some((k.to_string(), v.to_string())),
                _ => return Err(err(format!("label = {l:?} must be \"key=value\""))),
            },
        };
        if container.is_none() && image.is_none() && label.is_none() {
            return Err(err(
                "no selector: give container (name glob), image or label = \"k=v\"".into(),
            ));
        }
        out.push(AcceptRule {
            rule,
            container,
            image,
            label,
            owner,
            reason,
            expires,
            source: format!("{file} entry {}", i + 1),
        });
    }
    Ok(out)
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// A glob with `*` and `?` over the whole text; without wildcards, equality.
fn glob(pattern: &str, text: &str) -> bool {
    if pattern.contains(['*', '?']) {
        crate::inventory::name_matches(pattern, text)
    } else {
        pattern == text
    }
}

impl AcceptRule {
    /// Does this entry select a container (by name, image, label; every selector given
    /// must hold) and a rule id?
    pub fn matches(
        &self,
        rule: &str,
        name: &str,
        image: &str,
        labels: &std::collections::BTreeMap<String, String>,
    ) -> bool {
        self.rule == rule
            && self.container.as_deref().is_none_or(|p| glob(p, name))
            && self.image.as_deref().is_none_or(|p| glob(p, image))
            && self
                .label
                .as_ref()
                .is_none_or(|(k, v)| labels.get(k) == Some(v))
    }

    /// Has the acceptance run out on `today`? It holds through its `expires` day.
    pub fn expired_on(&self, today: NaiveDate) -> bool {
        today > self.expires
    }

    /// The selectors, for messages: `container=ci-*, label=k=v`.
    pub fn selector(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = &self.container {
            parts.push(format!("container={c}"));
        }
        if let Some(i) = &self.image {
            parts.push(format!("image={i}"));
        }
        if let Some((k, v)) = &self.label {
            parts.push(format!("label={k}={v}"));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[scan]
concurrency = 4

[[accept]]
rule = "SW-MNT-001"
container = "ci-runner-*"
owner = "platform"
reason = "builds images"
expires = 2027-03-31

[[accept]]
rule = "SW-USR-001"
label = "team=web"
owner = "web"
reason = "legacy image"
expires = "2026-01-01"
"#;

    #[test]
    fn entries_are_read_with_their_selectors() {
        let rules = parse(GOOD, "a.toml").unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].container.as_deref(), Some("ci-runner-*"));
        assert_eq!(rules[0].expires.to_string(), "2027-03-31");
        assert_eq!(rules[1].label, Some(("team".into(), "web".into())));
        assert_eq!(rules[1].source, "a.toml entry 2");
        let labels = [("team".to_string(), "web".to_string())].into();
        assert!(rules[1].matches("SW-USR-001", "x", "busybox", &labels));
        assert!(!rules[1].matches("SW-USR-001", "x", "busybox", &Default::default()));
        assert!(rules[0].matches("SW-MNT-001", "ci-runner-7", "i", &Default::default()));
        assert!(!rules[0].matches("SW-MNT-001", "my-ci-runner-7", "i", &Default::default()));
        assert!(!rules[0].matches("SW-MNT-002", "ci-runner-7", "i", &Default::default()));
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(!rules[0].expired_on(day("2027-03-31")));
        assert!(rules[0].expired_on(day("2027-04-01")));
    }

    #[test]
    fn a_bad_entry_names_the_file_the_entry_and_the_line() {
        let missing_owner = "[[accept]]\nrule = \"SW-X\"\ncontainer = \"a\"\nreason = \"r\"\nexpires = 2027-01-01\n\n[[accept]]\nrule = \"SW-Y\"\ncontainer = \"b\"\nreason = \"r\"\nexpires = 2027-01-01\n";
        let e = parse(missing_owner, "team/accept.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "accept file team/accept.toml: [[accept]] entry 1 (line 1): missing owner (required)"
        );
        let bad_date = GOOD.replace("2027-03-31", "\"31/03/2027\"");
        let e = parse(&bad_date, "c.toml").unwrap_err().to_string();
        assert!(e.contains("c.toml") && e.contains("entry 1"), "{e}");
        assert!(e.contains("not an ISO date"), "{e}");
        let no_selector =
            "[[accept]]\nrule = \"SW-X\"\nowner = \"o\"\nreason = \"r\"\nexpires = 2027-01-01\n";
        assert!(
            parse(no_selector, "d")
                .unwrap_err()
                .to_string()
                .contains("no selector")
        );
        let typo = GOOD.replace("owner = \"web\"", "ownr = \"web\"");
        let e = parse(&typo, "e").unwrap_err().to_string();
        assert!(
            e.contains("entry 2") && e.contains("unknown key ownr"),
            "{e}"
        );
    }
}

#[cfg(test)]
mod example_tests {
    /// The example in config.example.toml, uncommented, is a valid entry.
    #[test]
    fn the_example_file_entry_parses() {
        let example = include_str!("../../config.example.toml");
        let uncommented: String = example
            .lines()
            .map(|l| match l.strip_prefix('#') {
                Some(rest) if !rest.starts_with([' ', '#']) && !rest.is_empty() => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let rules = super::parse(&uncommented, "config.example.toml").unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].rule, "SW-MNT-001");
        assert_eq!(rules[0].container.as_deref(), Some("ci-runner-*"));
    }
}
