//! The `:` command line: what a typed line means ([`parse`]) and how `tab` completes it
//! ([`complete`], [`candidates`]). Pure; the reducer runs the result.
//!
//! Every console command is reachable by its config name (`:isolate`, `:tab_9`,
//! `:running_only`); and a few take an argument: `:theme NAME`, `:sort KEY [reverse]`,
//! `:filter TEXT`, `:daemon N|ENDPOINT|all` (also `:context`), `:q`.

use super::command::{COMMANDS, Command};
use super::state::{AppState, SortKey};

/// Words that take an argument, with what they do (listed before the command names).
pub const VERBS: [(&str, &str); 6] = [
    ("theme", "draw with a theme: theme NAME"),
    ("sort", "sort the fleet: sort KEY [reverse]"),
    ("filter", "filter the fleet: filter TEXT (empty clears)"),
    (
        "daemon",
        "show one daemon's containers: daemon N|ENDPOINT|all",
    ),
    ("context", "the same as daemon"),
    ("q", "quit"),
];

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Nothing typed.
    Empty,
    Run(Command),
    /// `theme` alone cycles; with a name, that theme.
    Theme(Option<String>),
    Sort {
        key: SortKey,
        reverse: bool,
    },
    Filter(String),
    /// `None`: every daemon.
    Daemon(Option<usize>),
}

/// Why a line means nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("unknown command `{0}` (tab lists them)")]
    Unknown(String),
    #[error("unknown theme `{0}` (themes: {1})")]
    Theme(String, String),
    #[error("sort by what? one of: {0}")]
    Sort(String),
    #[error("no daemon `{0}`: give its number (1-{1}), part of its endpoint, or all")]
    Daemon(String, usize),
    #[error("`{0}` takes no argument")]
    Extra(String),
}

fn sort_labels() -> String {
    SortKey::ALL.map(SortKey::label).join(", ")
}

/// Read a typed line.
pub fn parse(state: &AppState, line: &str) -> Result<Line, LineError> {
    let line = line.trim();
    let (verb, rest) = match line.split_once(char::is_whitespace) {
        Some((v, r)) => (v, r.trim()),
        None => (line, ""),
    };
    match verb {
        "" => Ok(Line::Empty),
        "q" | "quit" if rest.is_empty() => Ok(Line::Run(Command::Quit)),
        "theme" if rest.is_empty() => Ok(Line::Theme(None)),
        "theme" => {
            let themes = &state.settings.themes;
            if themes.iter().any(|t| t == rest) {
                Ok(Line::Theme(Some(rest.to_string())))
            } else {
                Err(LineError::Theme(rest.to_string(), themes.join(", ")))
            }
        }
        "sort" => {
            let mut words = rest.split_whitespace();
            let key = words
                .next()
                .and_then(SortKey::from_label)
                .ok_or_else(|| LineError::Sort(sort_labels()))?;
            let reverse = match words.next() {
                None => false,
                Some("reverse" | "rev" | "desc") => true,
                Some(_) => return Err(LineError::Sort(sort_labels())),
            };
            Ok(Line::Sort { key, reverse })
        }
        // Alone: the `filter` command (the input opens on the current filter).
        "filter" if rest.is_empty() => Ok(Line::Run(Command::Filter)),
        "filter" => Ok(Line::Filter(rest.to_string())),
        "daemon" | "context" => daemon(state, rest).map(Line::Daemon),
        name => match Command::from_name(name) {
            Some(cmd) if rest.is_empty() => Ok(Line::Run(cmd)),
            Some(_) => Err(LineError::Extra(name.to_string())),
            None => Err(LineError::Unknown(name.to_string())),
        },
    }
}

fn daemon(state: &AppState, arg: &str) -> Result<Option<usize>, LineError> {
    let n = state.hosts.len();
    if arg.is_empty() || arg == "all" {
        return Ok(None);
    }
    if let Ok(i) = arg.parse::<usize>() {
        return if (1..=n).contains(&i) && !state.hosts[i - 1].dropped {
            Ok(Some(i - 1))
        } else {
            Err(LineError::Daemon(arg.to_string(), n))
        };
    }
    let found: Vec<usize> = (0..n)
        .filter(|i| {
            let h = &state.hosts[*i];
            !h.dropped && (h.endpoint.contains(arg) || h.name == arg)
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(Some(*one)),
        _ => Err(LineError::Daemon(arg.to_string(), n)),
    }
}

/// The words that may stand where the cursor's word is (the first word: verbs and command
/// names; after a verb: its arguments), matching what is typed, in a fixed order.
pub fn candidates(state: &AppState, line: &str) -> Vec<String> {
    let (head, word) = match line.rsplit_once(' ') {
        Some((h, w)) => (h.trim(), w),
        None => ("", line),
    };
    let all: Vec<String> = match head.split_whitespace().collect::<Vec<_>>().as_slice() {
        [] => VERBS
            .iter()
            .map(|(v, _)| v.to_string())
            .chain(COMMANDS.iter().map(|s| s.name.to_string()))
            .collect(),
        ["theme"] => state.settings.themes.clone(),
        ["sort"] => SortKey::ALL.map(|k| k.label().to_string()).to_vec(),
        ["sort", _] => vec!["reverse".to_string()],
        ["daemon" | "context"] => std::iter::once("all".to_string())
            .chain((1..=state.hosts.len()).map(|i| i.to_string()))
            .chain(state.hosts.iter().map(|h| h.endpoint.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let mut out: Vec<String> = all.into_iter().filter(|c| c.starts_with(word)).collect();
    out.dedup();
    out
}

/// `tab`: complete the cursor's word (the line's last). One candidate: the whole word and
/// a space; several: their longest common prefix. `None`: nothing to add.
pub fn complete(state: &AppState, line: &str) -> Option<String> {
    let found = candidates(state, line);
    let word_start = line.rfind(' ').map_or(0, |i| i + 1);
    let typed = &line[word_start..];
    let completed = match found.as_slice() {
        [] => return None,
        [one] => format!("{one} "),
        many => {
            let first = &many[0];
            let mut len = first.len();
            for other in &many[1..] {
                len = first
                    .char_indices()
                    .zip(other.chars())
                    .find(|((_, a), b)| a != b)
                    .map_or(len.min(other.len()), |((i, _), _)| i.min(len));
            }
            first[..len].to_string()
        }
    };
    (completed != typed).then(|| format!("{}{completed}", &line[..word_start]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::UiSettings;

    fn state() -> AppState {
        let settings = UiSettings {
            themes: vec!["dark".into(), "light".into(), "high-contrast".into()],
            ..UiSettings::default()
        };
        AppState::new(
            vec![
                "unix:///var/run/docker.sock".into(),
                "tcp://10.0.0.2:2376".into(),
            ],
            settings,
            chrono::Utc::now(),
        )
    }

    #[test]
    fn every_command_is_reachable_by_its_config_name() {
        let s = state();
        for spec in COMMANDS {
            assert_eq!(
                parse(&s, spec.name),
                Ok(Line::Run(spec.command)),
                "{}",
                spec.name
            );
            assert!(candidates(&s, "").contains(&spec.name.to_string()));
            // Typing the whole name and tab leaves it complete (plus a space) or unique.
            let done = complete(&s, spec.name).unwrap_or_else(|| spec.name.to_string());
            assert!(done.starts_with(spec.name), "{done}");
        }
        assert_eq!(
            parse(&s, "  isolate "),
            Ok(Line::Run(Command::Isolate)),
            "spaces around are ignored"
        );
        assert!(matches!(parse(&s, "isolate now"), Err(LineError::Extra(_))));
        assert!(matches!(parse(&s, "nope"), Err(LineError::Unknown(_))));
        assert_eq!(parse(&s, ""), Ok(Line::Empty));
    }

    #[test]
    fn themes_sort_filter_daemon_and_quit_take_their_arguments() {
        let s = state();
        assert_eq!(parse(&s, "q"), Ok(Line::Run(Command::Quit)));
        assert_eq!(parse(&s, "theme"), Ok(Line::Theme(None)));
        assert_eq!(
            parse(&s, "theme light"),
            Ok(Line::Theme(Some("light".into())))
        );
        let e = parse(&s, "theme pink").unwrap_err().to_string();
        assert!(e.contains("dark, light, high-contrast"), "{e}");
        assert_eq!(
            parse(&s, "sort alerts"),
            Ok(Line::Sort {
                key: SortKey::Alerts,
                reverse: false
            })
        );
        assert_eq!(
            parse(&s, "sort name reverse"),
            Ok(Line::Sort {
                key: SortKey::Name,
                reverse: true
            })
        );
        assert!(
            parse(&s, "sort colour")
                .unwrap_err()
                .to_string()
                .contains("alerts")
        );
        assert_eq!(parse(&s, "filter"), Ok(Line::Run(Command::Filter)));
        assert_eq!(
            parse(&s, "filter  web db "),
            Ok(Line::Filter("web db".into()))
        );
        assert_eq!(parse(&s, "daemon 2"), Ok(Line::Daemon(Some(1))));
        assert_eq!(parse(&s, "context 10.0.0.2"), Ok(Line::Daemon(Some(1))));
        assert_eq!(parse(&s, "daemon all"), Ok(Line::Daemon(None)));
        assert!(matches!(parse(&s, "daemon 3"), Err(LineError::Daemon(..))));
    }

    #[test]
    fn tab_completes_names_and_arguments() {
        let s = state();
        assert_eq!(complete(&s, "iso").as_deref(), Some("isolate "));
        // Several candidates: their common prefix, and the footer lists them.
        assert_eq!(
            complete(&s, "t"),
            None,
            "theme, top, tab_*: nothing in common to add"
        );
        assert_eq!(complete(&s, "ta").as_deref(), Some("tab_"));
        assert_eq!(
            candidates(&s, "tab_1"),
            vec!["tab_1".to_string(), "tab_10".to_string()]
        );
        assert_eq!(complete(&s, "theme l").as_deref(), Some("theme light "));
        assert_eq!(
            complete(&s, "theme ").as_deref(),
            None,
            "dark/light/high-contrast"
        );
        assert_eq!(candidates(&s, "theme ").len(), 3);
        assert_eq!(complete(&s, "sort al").as_deref(), Some("sort alerts "));
        assert_eq!(
            complete(&s, "sort alerts r").as_deref(),
            Some("sort alerts reverse ")
        );
        assert_eq!(
            complete(&s, "daemon tc").as_deref(),
            Some("daemon tcp://10.0.0.2:2376 ")
        );
        assert_eq!(complete(&s, "zzz"), None);
    }
}
