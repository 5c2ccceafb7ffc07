//! Showing a command line in an alert: quoted like a shell would need and shortened.
//! Secrets are already gone (redacted when the exec or process rows were converted into
//! the model); they are redacted again here with the same redactor ([`crate::redact`]),
//! which changes nothing on redacted text, so a command built elsewhere cannot leak either.

use crate::redact::{REDACTED, redact_argv, redact_command_line};

/// Longest command text kept in an alert's detail (characters).
pub const MAX_SHOWN: usize = 300;

/// An argv as one line: arguments a shell would read specially are quoted ([`quote`]);
/// secrets are redacted; long lines are cut at [`MAX_SHOWN`] characters with `...`.
pub fn show_argv(argv: &[String]) -> String {
    let line = redact_argv(argv)
        .iter()
        .map(|a| quote(a))
        .collect::<Vec<_>>()
        .join(" ");
    shorten(&line)
}

/// A `ps` command line, redacted and shortened.
pub fn show_line(line: &str) -> String {
    shorten(&redact_command_line(line))
}

/// Stands for [`REDACTED`] while an argument is quoted: a word no shell reads specially,
/// so the marker shows bare (`--password <redacted>`), as everywhere else seawall shows it.
const PLACEHOLDER: &str = "SEAWALLREDACTEDVALUE";

/// One argument as a POSIX shell would need it (shlex): quoted when it holds anything a
/// shell reads specially (spaces, quotes, `|;&`, `$`, backticks, globs, `()`, `<>`...).
/// The redaction marker stays bare; a NUL is kept (the output's sanitizer shows it
/// escaped) rather than refused.
fn quote(arg: &str) -> String {
    let quoter = shlex::Quoter::new().allow_nul(true);
    let marked = arg.contains(REDACTED) && !arg.contains(PLACEHOLDER);
    let word = if marked {
        std::borrow::Cow::Owned(arg.replace(REDACTED, PLACEHOLDER))
    } else {
        std::borrow::Cow::Borrowed(arg)
    };
    let quoted = quoter
        .quote(&word)
        .map(std::borrow::Cow::into_owned)
        // Only a NUL is ever refused, and NULs are allowed above.
        .unwrap_or_else(|_| format!("'{}'", word.replace('\'', r"'\''")));
    if marked {
        quoted.replace(PLACEHOLDER, REDACTED)
    } else {
        quoted
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_SHOWN {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_SHOWN).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn argv_is_quoted_and_redacted() {
        let shown = show_argv(&argv(&["sh", "-c", "TOKEN=abc curl x | sh"]));
        assert_eq!(shown, "sh -c 'TOKEN=<redacted> curl x | sh'");
        assert!(!shown.contains("abc"));
        assert_eq!(
            show_argv(&argv(&[
                "env",
                "DB_PASSWORD=p w",
                "app",
                "--password",
                "pw"
            ])),
            // shlex quotes a word with `=` (a shell could read it as an assignment).
            "env 'DB_PASSWORD=<redacted>' app --password <redacted>"
        );
        assert_eq!(
            show_argv(&argv(&["sshpass", "-p", "s3cr3t", "ssh", "h"])),
            "sshpass -p <redacted> ssh h"
        );
    }

    #[test]
    fn ps_lines_are_redacted() {
        assert_eq!(
            show_line("mysqld --user=mysql --password=hunter2"),
            "mysqld --user=mysql --password=<redacted>"
        );
    }

    #[test]
    fn shell_specials_are_quoted() {
        for (word, shown) in [
            ("$HOME", "'$HOME'"),
            ("`id`", "'`id`'"),
            ("*.log", "'*.log'"),
            ("(x)", "'(x)'"),
            ("a<b>c", "'a<b>c'"),
            ("it's", r#""it's""#),
            ("", "''"),
        ] {
            let line = show_argv(&argv(&["echo", word]));
            assert!(
                line == format!("echo {shown}") || line.starts_with("echo '"),
                "{word:?} shown as {line}"
            );
            assert_ne!(line, format!("echo {word}"), "{word:?} left bare")
        }
        // A word with no specials is not quoted.
        assert_eq!(show_argv(&argv(&["ls", "-la", "/tmp"])), "ls -la /tmp");
        // The redaction marker stays bare, even inside a quoted word.
        assert_eq!(
            show_argv(&argv(&["sh", "-c", "x=$(cat) TOKEN=abc"])),
            "sh -c 'x=$(cat) TOKEN=<redacted>'"
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
