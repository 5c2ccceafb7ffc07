//! Showing a command line in an alert: quoted like a shell would need, shortened, and with
//! secrets replaced (`--password=...`, `TOKEN=...`, `-H 'Authorization: Bearer ...'`,
//! `mysql -p...`, credentials in URLs). Local to the activity rules; the environment-name
//! knowledge comes from [`crate::redact`].

use crate::redact::{REDACTED, is_secret_name, strip_url_credentials};

/// Longest command text kept in an alert's detail (characters).
pub const MAX_SHOWN: usize = 300;

/// An argv as one line: arguments with spaces or quotes are single-quoted; secrets are
/// redacted; long lines are cut at [`MAX_SHOWN`] characters with `...`.
pub fn show_argv(argv: &[String]) -> String {
    let line = argv
        .iter()
        .enumerate()
        .map(|(i, a)| {
            // A shell's `-c` script is a command line of its own.
            let is_script = i > 0 && argv[i - 1].starts_with('-') && argv[i - 1].ends_with('c');
            if is_script {
                quote(&redact_command_line(a))
            } else {
                quote(&redact_arg(a))
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    // Secrets split over several arguments (`--password hunter2`).
    shorten(&redact_command_line(&line))
}

/// A `ps` command line, redacted and shortened.
pub fn show_line(line: &str) -> String {
    shorten(&redact_command_line(line))
}

fn quote(arg: &str) -> String {
    if arg.is_empty() {
        return "''".to_string();
    }
    if arg
        .chars()
        .any(|c| c.is_whitespace() || c == '\'' || c == '"' || c == '|' || c == ';' || c == '&')
    {
        format!("'{}'", arg.replace('\'', r"'\''"))
    } else {
        arg.to_string()
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_SHOWN {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_SHOWN).collect();
    format!("{cut}...")
}

const QUOTES: &[char] = &['\'', '"', '`', '(', ')', ';'];

/// Replace the core of a token (without surrounding quotes) by the redaction marker.
fn redact_core(token: &str) -> String {
    let start = token.len() - token.trim_start_matches(QUOTES).len();
    let end = token.trim_end_matches(QUOTES).len().max(start);
    format!("{}{REDACTED}{}", &token[..start], &token[end..])
}

/// Is this (dash-stripped) option or variable name a secret holder?
fn secret_name(name: &str) -> bool {
    let name = name.trim_start_matches('-');
    !name.is_empty() && is_secret_name(name)
}

/// What the previous token says about the next one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Normal,
    /// After `--password`, `Bearer`...: the next token is a secret.
    NextSecret,
    /// After `-u` / `--user`: the next token may be `user:password`.
    NextUserPass,
    /// Inside a quoted secret value (`PASS="a b c"`): drop tokens until the quote closes.
    InSecretQuote(char),
}

/// Redact secrets in a command line, keeping its spacing and quoting.
pub fn redact_command_line(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mysql = lower.contains("mysql") || lower.contains("mariadb");
    let mut out = String::with_capacity(text.len());
    let mut state = State::Normal;
    let mut token = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            if !token.is_empty() {
                let (shown, next) = redact_token(&token, state, mysql);
                out.push_str(&shown);
                state = next;
                token.clear();
            }
            if !matches!(state, State::InSecretQuote(_)) {
                out.push(c);
            }
        } else {
            token.push(c);
        }
    }
    if !token.is_empty() {
        let (shown, _) = redact_token(&token, state, mysql);
        out.push_str(&shown);
    }
    out
}

/// Length of the leading quote characters of a token.
fn prefix_len(token: &str) -> usize {
    token.len() - token.trim_start_matches(QUOTES).len()
}

fn redact_token(token: &str, state: State, mysql: bool) -> (String, State) {
    let core = token.trim_matches(QUOTES);
    match state {
        State::InSecretQuote(q) => {
            return match token.find(q) {
                Some(i) => (token[i + q.len_utf8()..].to_string(), State::Normal),
                None => (String::new(), state),
            };
        }
        State::NextSecret if !core.is_empty() => return (redact_core(token), State::Normal),
        State::NextUserPass if core.contains(':') => {
            let (user, _) = token.split_once(':').unwrap_or((token, ""));
            let tail_start = token.trim_end_matches(QUOTES).len();
            return (
                format!("{user}:{REDACTED}{}", &token[tail_start..]),
                State::Normal,
            );
        }
        _ => {}
    }
    let lower_core = core.to_ascii_lowercase();
    if let Some((name, value)) = core.split_once('=')
        && !value.is_empty()
        && secret_name(name)
    {
        let name_end = prefix_len(token) + name.len() + 1;
        let value_raw = &token[name_end..];
        // A quoted value that goes on past this token: drop up to the closing quote.
        if let Some(q) = value_raw.chars().next().filter(|c| *c == '"' || *c == '\'')
            && !value_raw[1..].contains(q)
        {
            return (
                format!("{}{REDACTED}", &token[..name_end]),
                State::InSecretQuote(q),
            );
        }
        let tail_start = token.trim_end_matches(QUOTES).len().max(name_end);
        return (
            format!("{}{REDACTED}{}", &token[..name_end], &token[tail_start..]),
            State::Normal,
        );
    }
    if mysql && core.starts_with("-p") && core.len() > 2 && !core.starts_with("-p=") {
        let p = prefix_len(token);
        let tail_start = token.trim_end_matches(QUOTES).len().max(p + 2);
        return (
            format!("{}-p{REDACTED}{}", &token[..p], &token[tail_start..]),
            State::Normal,
        );
    }
    let secret_flag = core.starts_with('-') && !core.contains('=') && secret_name(core);
    let auth_scheme = lower_core == "bearer" || lower_core == "basic" || lower_core == "token";
    let next = if secret_flag || auth_scheme {
        State::NextSecret
    } else if core == "-u" || core == "--user" || core == "--proxy-user" {
        State::NextUserPass
    } else {
        State::Normal
    };
    (strip_url_credentials(token), next)
}

/// Redact one argv element: a whole `NAME=value` element with a secret name loses its
/// whole value (spaces included); anything else is redacted as a command line.
fn redact_arg(arg: &str) -> String {
    if let Some((name, value)) = arg.split_once('=')
        && !value.is_empty()
        && !name.contains(char::is_whitespace)
        && secret_name(name)
    {
        return format!("{name}={REDACTED}");
    }
    redact_command_line(arg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_on_command_lines_are_redacted() {
        let cases = [
            (
                "mysql -u root --password=hunter2 db",
                "mysql -u root --password=<redacted> db",
            ),
            ("mysql -uroot -phunter2", "mysql -uroot -p<redacted>"),
            (
                "app --token s3cr3t --port 80",
                "app --token <redacted> --port 80",
            ),
            (
                "sh -c 'API_TOKEN=abc123 ./run'",
                "sh -c 'API_TOKEN=<redacted> ./run'",
            ),
            (
                "curl -H 'Authorization: Bearer eyJhbGciOi' https://x",
                "curl -H 'Authorization: Bearer <redacted>' https://x",
            ),
            (
                "curl -u admin:hunter2 https://x",
                "curl -u admin:<redacted> https://x",
            ),
            (
                "psql postgres://app:hunter2@db/app",
                "psql postgres://app:<redacted>@db/app",
            ),
            ("env DB_PASSWORD=\"p w\" x", "env DB_PASSWORD=<redacted> x"),
            ("ls -la /tmp", "ls -la /tmp"),
            ("echo PATH=/bin", "echo PATH=/bin"),
        ];
        for (input, want) in cases {
            assert_eq!(redact_command_line(input), want, "{input}");
        }
    }

    #[test]
    fn argv_is_quoted_and_redacted() {
        let argv: Vec<String> = ["sh", "-c", "TOKEN=abc curl x | sh"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let shown = show_argv(&argv);
        assert_eq!(shown, "sh -c 'TOKEN=<redacted> curl x | sh'");
        assert!(!shown.contains("abc"));
        let argv: Vec<String> = ["env", "DB_PASSWORD=p w", "app", "--password", "pw"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            show_argv(&argv),
            "env DB_PASSWORD=<redacted> app --password <redacted>"
        );
    }

    #[test]
    fn long_lines_are_cut() {
        let long = "a".repeat(1000);
        let shown = show_line(&long);
        assert_eq!(shown.chars().count(), MAX_SHOWN + 3);
        assert!(shown.ends_with("..."));
    }
}
