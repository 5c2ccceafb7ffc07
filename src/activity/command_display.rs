//! Showing a command line in an alert: quoted like a shell would need and shortened.
//! Secrets are already gone (redacted when the exec or process rows were converted into
//! the model); they are redacted again here with the same redactor ([`crate::redact`]),
//! which changes nothing on redacted text, so a command built elsewhere cannot leak either.

use crate::redact::{redact_argv, redact_command_line};

/// Longest command text kept in an alert's detail (characters).
pub const MAX_SHOWN: usize = 300;

/// An argv as one line: arguments with spaces or quotes are single-quoted; secrets are
/// redacted; long lines are cut at [`MAX_SHOWN`] characters with `...`.
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
            "env DB_PASSWORD=<redacted> app --password <redacted>"
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
    fn long_lines_are_cut() {
        let long = "a".repeat(1000);
        let shown = show_line(&long);
        assert_eq!(shown.chars().count(), MAX_SHOWN + 3);
        assert!(shown.ends_with("..."));
    }
}
