//! Secrets never leave seawall: environment values whose names look secret, and credentials
//! embedded in URLs, are replaced before they reach a fact, a report or the screen.

/// What a redacted value is replaced with.
pub const REDACTED: &str = "<redacted>";

/// Name fragments that mark an environment variable as secret (matched case-insensitively
/// against the parts of the name split at `_`, `-` and `.`, or as a suffix).
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "SECRET",
    "TOKEN",
    "KEY",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "CRED",
    "CREDS",
    "AUTH",
    "PRIVATE",
    "CERT",
    "SIGNATURE",
    "SALT",
    "SESSION",
    "COOKIE",
    "DSN",
    "CONNECTIONSTRING",
];

/// Does an environment variable with this name probably hold a secret?
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    // `PWD` is the shell's working directory, not a password.
    if upper == "PWD" || upper == "OLDPWD" {
        return false;
    }
    let parts = upper.split(['_', '-', '.']).filter(|p| !p.is_empty());
    for part in parts {
        if SECRET_WORDS.contains(&part) {
            return true;
        }
        // Glued forms such as DBPASSWORD, GITHUBTOKEN, AWSSECRETKEY.
        if [
            "PASSWORD",
            "SECRET",
            "TOKEN",
            "APIKEY",
            "CREDENTIAL",
            "PASSWD",
        ]
        .iter()
        .any(|w| part.contains(w))
        {
            return true;
        }
    }
    false
}

/// Replace `user:password@` in every URL inside `text` with `user:<redacted>@`.
/// A URL with only a user name (`ssh://ops@host`) is left alone.
pub fn strip_url_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        // The authority ends at the first '/', '?', '#' or whitespace.
        let end = tail
            .find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.split_once(':') {
                    Some((user, pass)) if !pass.is_empty() => {
                        out.push_str(user);
                        out.push(':');
                        out.push_str(REDACTED);
                        out.push_str(&authority[at..]);
                    }
                    _ => out.push_str(authority),
                }
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Redact one `NAME=value` environment entry. Returns `(name, shown value, was_redacted)`.
pub fn redact_env_entry(entry: &str) -> (String, String, bool) {
    let (name, value) = entry.split_once('=').unwrap_or((entry, ""));
    if is_secret_name(name) && !value.is_empty() {
        return (name.to_string(), REDACTED.to_string(), true);
    }
    let cleaned = strip_url_credentials(value);
    let changed = cleaned != value;
    (name.to_string(), cleaned, changed)
}

/// Redact secrets inside a raw inspect document (`Config.Env` entries and URL credentials
/// in every string), for views and exports that show the document itself.
pub fn redact_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if let (true, Value::Array(items)) = (key == "Env", &mut *v) {
                    for item in items.iter_mut() {
                        if let Value::String(s) = item {
                            let (name, shown, _) = redact_env_entry(s);
                            *s = format!("{name}={shown}");
                        }
                    }
                    continue;
                }
                redact_json(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::String(s) if s.contains("://") => *s = strip_url_credentials(s),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised() {
        for name in [
            "DB_PASSWORD",
            "POSTGRES_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "API_TOKEN",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "STRIPE_API_KEY",
            "client-secret",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "DBPASSWORD",
            "SENTRY_DSN",
            "private.key",
        ] {
            assert!(is_secret_name(name), "{name} should be secret");
        }
        for name in [
            "PATH",
            "HOME",
            "PWD",
            "LANG",
            "KEYBOARD_LAYOUT",
            "TZ",
            "HOSTNAME",
        ] {
            assert!(!is_secret_name(name), "{name} should not be secret");
        }
    }

    #[test]
    fn url_credentials_are_stripped() {
        assert_eq!(
            strip_url_credentials("postgres://app:hunter2@db:5432/app"),
            "postgres://app:<redacted>@db:5432/app"
        );
        assert_eq!(
            strip_url_credentials("a https://u:p@x.io/b and redis://:pw@cache"),
            "a https://u:<redacted>@x.io/b and redis://:<redacted>@cache"
        );
        assert_eq!(
            strip_url_credentials("ssh://ops@bastion"),
            "ssh://ops@bastion"
        );
        assert_eq!(strip_url_credentials("no url here"), "no url here");
    }

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
    }

    #[test]
    fn json_documents_are_redacted() {
        let mut doc = serde_json::json!({
            "Config": {"Env": ["API_TOKEN=abc123", "PATH=/bin"], "Labels": {"u": "http://a:b@c"}}
        });
        redact_json(&mut doc);
        let text = doc.to_string();
        assert!(!text.contains("abc123"));
        assert!(!text.contains(":b@"));
        assert!(text.contains("PATH=/bin"));
    }
}
