//! The raw inspect document (Inspect tab, evidence `inspect.json`): every field that can
//! hold a secret, by where it is.

use super::{redact_argv, redact_command_line, redact_env_entry, redact_label};
use serde_json::Value;

/// Fields that hold an argv: `Config.Cmd`, `Config.Entrypoint`, `Args` (the container's
/// process), `Config.Healthcheck.Test`, `Config.OnBuild`, an exec's `arguments`.
const ARGV_FIELDS: &[&str] = &["Cmd", "Entrypoint", "Args", "Test", "OnBuild", "arguments"];

/// The field that holds the words before an argv field: the process runs `Path` with
/// `Args`, `Entrypoint` followed by `Cmd` (`--entrypoint mysql IMAGE -pSECRET`).
fn argv_prefix(field: &str) -> Option<&'static str> {
    match field {
        "Args" => Some("Path"),
        "Cmd" => Some("Entrypoint"),
        "arguments" => Some("entrypoint"),
        _ => None,
    }
}

/// The words of a prefix field (a string or a list of strings).
fn words(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// Redact the secrets of an inspect document in place: `Config.Env` entries, argv fields,
/// label maps (`Config.Labels`, and any map whose key names a secret, such as
/// `HostConfig.LogConfig.Config.splunk-token`), and secrets recognised by their shape in
/// every other string. Returns how many strings were changed.
pub fn redact_json(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => {
            // Read before the prefix fields themselves are redacted.
            let prefixes: Vec<(&str, Vec<String>)> = ARGV_FIELDS
                .iter()
                .filter_map(|f| argv_prefix(f).map(|p| (*f, words(map.get(p)))))
                .collect();
            let prefix_of = |field: &str| {
                prefixes
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, w)| w.clone())
                    .unwrap_or_default()
            };
            let mut count = 0;
            for (key, v) in map.iter_mut() {
                count += match (key.as_str(), &mut *v) {
                    ("Env", Value::Array(items)) => items.iter_mut().map(env_item).sum(),
                    (k, Value::Array(items)) if ARGV_FIELDS.contains(&k) => {
                        argv(prefix_of(k), items)
                    }
                    (_, Value::String(s)) => {
                        let shown = redact_label(key, s);
                        replace(s, shown)
                    }
                    (_, other) => redact_json(other),
                };
            }
            count
        }
        Value::Array(items) => items.iter_mut().map(redact_json).sum(),
        Value::String(s) => {
            let shown = redact_command_line(s);
            replace(s, shown)
        }
        _ => 0,
    }
}

/// Put `shown` in place of `s`; 1 when it changed.
fn replace(s: &mut String, shown: String) -> usize {
    if *s == shown {
        0
    } else {
        *s = shown;
        1
    }
}

fn env_item(item: &mut Value) -> usize {
    match item {
        Value::String(s) => {
            let (name, shown, redacted) = redact_env_entry(s);
            if redacted {
                replace(s, format!("{name}={shown}"))
            } else {
                0
            }
        }
        other => redact_json(other),
    }
}

/// Redact the argv `prefix` + `items` and write back the part that is `items`.
fn argv(prefix: Vec<String>, items: &mut [Value]) -> usize {
    if !items.iter().all(Value::is_string) {
        return items.iter_mut().map(redact_json).sum();
    }
    let skip = prefix.len();
    let mut words = prefix;
    words.extend(
        items
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string()),
    );
    redact_argv(&words)
        .into_iter()
        .skip(skip)
        .zip(items.iter_mut())
        .map(|(shown, item)| match item {
            Value::String(s) => replace(s, shown),
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::REDACTED;

    #[test]
    fn every_secret_field_of_an_inspect_document_is_redacted() {
        let mut doc = serde_json::json!({
            "Path": "mysql",
            "Args": ["--password=s3cr3t-args", "--token", "t0k3n-args", "-ps3cr3t-glued"],
            "Config": {
                "Env": ["API_TOKEN=abc123", "PATH=/bin"],
                "Cmd": ["s3cr3t-cmd", "ssh", "h"],
                "Entrypoint": ["sshpass", "-p"],
                "Healthcheck": {"Test": ["CMD-SHELL", "mysqladmin ping -pS3cret-hc"]},
                "Labels": {"db.password": "s3cr3t-label", "u": "http://a:b@c", "plain": "x"}
            },
            "HostConfig": {"LogConfig": {"Type": "splunk", "Config": {"splunk-token": "s3cr3t-log"}}}
        });
        let n = redact_json(&mut doc);
        let text = doc.to_string();
        for secret in [
            "s3cr3t-args",
            "t0k3n-args",
            "abc123",
            "s3cr3t-cmd",
            "s3cr3t-glued",
            "S3cret-hc",
            "s3cr3t-label",
            ":b@",
            "s3cr3t-log",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(n, 9, "{text}");
        assert_eq!(doc["Config"]["Cmd"][0], REDACTED);
        assert!(text.contains("PATH=/bin"));
        assert!(text.contains("--password=<redacted>"));
        assert!(text.contains("mysqladmin ping -p<redacted>"));
        assert_eq!(doc["Config"]["Labels"]["plain"], "x");
        assert_eq!(doc["Config"]["Labels"]["db.password"], REDACTED);
        // A second pass finds nothing left.
        assert_eq!(redact_json(&mut doc), 0);
    }
}
