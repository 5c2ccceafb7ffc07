//! Secrets never leave seawall. One redactor, run when Docker's documents are converted
//! into the model (`crate::model::convert`, the raw inspect document of the port), so the
//! Inspect tab, evidence files, reports, the feed and `seawall watch` are covered by
//! construction:
//!
//! - environment entries ([`redact_env_entry`]): the value of a secret-looking name;
//! - labels and other `key=value` maps ([`redact_label`]);
//! - argv (Cmd, Entrypoint, Args, a healthcheck's `Test`, an exec's command:
//!   [`redact_argv`]) and command lines as text (`sh -c` scripts, `ps` lines:
//!   [`redact_command_line`]);
//! - any value ([`redact_value`]): credentials in URLs, connection strings, private keys,
//!   JSON Web Tokens and prefixed service tokens;
//! - the raw inspect document ([`redact_json`]).
//!
//! A redacted value stays recognisable: `--password=<redacted>`, `DB_PASSWORD=<redacted>`,
//! `postgres://user:<redacted>@host/db`, `Password=<redacted>;`. Redacting twice changes
//! nothing.

mod command;
mod json;
mod names;
mod url;
mod value;

#[cfg(test)]
mod corpus;

pub use command::{redact_argv, redact_command_line};
pub use json::redact_json;
pub use names::{flag_takes_secret, is_secret_name};
pub use url::{redact_connection_strings, strip_url_credentials};
pub use value::redact_value;

use std::collections::BTreeMap;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "<redacted>";

/// Redact one `NAME=value` environment entry. Returns `(name, shown value, was_redacted)`.
/// A secret name loses its whole value; any other value loses the secrets found in it
/// (`JAVA_OPTS=-Dx.password=...`, `DATABASE_URL=postgres://u:...@db`).
pub fn redact_env_entry(entry: &str) -> (String, String, bool) {
    let (name, value) = entry.split_once('=').unwrap_or((entry, ""));
    if is_secret_name(name) && !value.is_empty() {
        return (name.to_string(), REDACTED.to_string(), true);
    }
    let cleaned = redact_command_line(value);
    let changed = cleaned != value;
    (name.to_string(), cleaned, changed)
}

/// The shown value of one label (or other `key: value` entry): a secret key loses its
/// whole value, any other value the secrets found in it.
pub fn redact_label(key: &str, value: &str) -> String {
    if is_secret_name(key) && !value.is_empty() {
        REDACTED.to_string()
    } else {
        redact_command_line(value)
    }
}

/// [`redact_label`] over a whole map.
pub fn redact_labels(labels: BTreeMap<String, String>) -> BTreeMap<String, String> {
    labels
        .into_iter()
        .map(|(k, v)| {
            let shown = redact_label(&k, &v);
            (k, shown)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_entries_are_redacted() {
        assert_eq!(
            redact_env_entry("DB_PASSWORD=hunter2"),
            ("DB_PASSWORD".into(), REDACTED.into(), true)
        );
        let (_, shown, red) = redact_env_entry("DATABASE_URL=mysql://root:toor@db/x");
        assert_eq!(shown, "mysql://root:<redacted>@db/x");
        assert!(red);
        assert_eq!(
            redact_env_entry("PATH=/bin"),
            ("PATH".into(), "/bin".into(), false)
        );
        let (_, shown, red) = redact_env_entry("JAVA_OPTS=-Xmx1g -Ddb.password=hunter2");
        assert_eq!(shown, "-Xmx1g -Ddb.password=<redacted>");
        assert!(red);
    }

    #[test]
    fn labels_are_redacted() {
        assert_eq!(redact_label("db.password", "hunter2"), REDACTED);
        assert_eq!(redact_label("app.dsn-url", "redis://:pw@cache"), REDACTED);
        assert_eq!(
            redact_label("app.db", "Server=db;Password=hunter2;"),
            "Server=db;Password=<redacted>;"
        );
        assert_eq!(redact_label("com.docker.compose.project", "shop"), "shop");
    }
}
