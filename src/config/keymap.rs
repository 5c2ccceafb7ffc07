//! Key bindings: every key press resolves to a named [`Command`] through [`KeyMap::resolve`].
//!
//! The defaults are the `keys` of each command's entry in the command table
//! (`app::command`); the config file's `[keys]` table replaces the bindings of a command by
//! name (`quit = "x"`, `up = ["k", "up"]`). Two rules keep a map sane:
//!
//! - `ctrl-c` always quits. It can be listed under `quit`, never under another command.
//! - A key runs one command. Two user entries naming the same key is an error that names both;
//!   a user entry taking a key from a *default* binding wins, and the default loses that key.
//!
//! Key strings: a single character (`q`, `G`, `/`, `?`), a named key (`enter`, `esc`, `space`,
//! `tab`, `backspace`, `delete`, `insert`, `up`, `down`, `left`, `right`, `home`, `end`,
//! `pgup`, `pgdn`, `f1`..`f12`), optionally after `ctrl-`, `alt-` or `shift-` (`shift-tab`).
//! Labels ([`Key`]'s `Display`, used by the help screen) use the same ASCII spelling.

use crate::app::command::{COMMANDS, Command};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// Named keys a key string may use (besides single characters and `f1`..`f12`).
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("space", KeyCode::Char(' ')),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("ins", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
];

/// One key with its modifiers, normalised so that what the user writes and what the terminal
/// reports compare equal: `G` matches with or without SHIFT, `shift-tab` is BackTab, and SHIFT
/// never appears on a character (the character itself carries it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// Why a key string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyParseError {
    #[error("empty key")]
    Empty,
    #[error(
        "unknown key `{0}` (use one character, or one of enter, esc, space, tab, backspace, \
         delete, insert, up, down, left, right, home, end, pgup, pgdn, f1..f12, optionally \
         after ctrl-, alt- or shift-)"
    )]
    Unknown(String),
    #[error(
        "`{0}`: write the shifted character itself instead of shift- (e.g. `?`, not `shift-/`)"
    )]
    ShiftedSymbol(String),
}

impl Key {
    /// A key from its parts, normalised.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Key {
        let mut mods =
            modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Char(mut c) => {
                if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_lowercase() {
                    c = c.to_ascii_uppercase();
                }
                mods.remove(KeyModifiers::SHIFT);
                // Terminals send the same byte for ctrl-x and ctrl-X.
                if mods.contains(KeyModifiers::CONTROL) && c.is_ascii_uppercase() {
                    c = c.to_ascii_lowercase();
                }
                KeyCode::Char(c)
            }
            other => other,
        };
        Key {
            code,
            modifiers: mods,
        }
    }

    /// The key a terminal event stands for.
    pub fn from_event(ev: &KeyEvent) -> Key {
        Key::new(ev.code, ev.modifiers)
    }

    /// `ctrl-c`, which always quits.
    pub fn ctrl_c() -> Key {
        Key::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
    }

    /// Read a key string such as `q`, `G`, `ctrl-b`, `shift-tab`, `pgdn` or `f5`.
    pub fn parse(text: &str) -> Result<Key, KeyParseError> {
        if text.is_empty() {
            return Err(KeyParseError::Empty);
        }
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        'prefixes: loop {
            for (prefix, m) in [
                ("ctrl-", KeyModifiers::CONTROL),
                ("alt-", KeyModifiers::ALT),
                ("shift-", KeyModifiers::SHIFT),
            ] {
                // `ctrl--` is ctrl plus `-`; a bare `ctrl-` is not a key.
                if rest.len() > prefix.len()
                    && rest.is_char_boundary(prefix.len())
                    && rest[..prefix.len()].eq_ignore_ascii_case(prefix)
                {
                    mods |= m;
                    rest = &rest[prefix.len()..];
                    continue 'prefixes;
                }
            }
            break;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
                    *code
                } else if let Some(n) = lower
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=12).contains(n) && !lower.starts_with("f0"))
                {
                    KeyCode::F(n)
                } else {
                    return Err(KeyParseError::Unknown(text.to_string()));
                }
            }
        };
        if let KeyCode::Char(c) = code
            && mods.contains(KeyModifiers::SHIFT)
            && !c.is_ascii_alphabetic()
        {
            return Err(KeyParseError::ShiftedSymbol(text.to_string()));
        }
        Ok(Key::new(code, mods))
    }
}

impl fmt::Display for Key {
    /// The label the help screen shows; it parses back to the same key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A problem with the `[keys]` table; each names the entry (`keys.<command>`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyMapError {
    #[error("keys.{name}: unknown command (commands: {known})", known = command_names())]
    UnknownCommand { name: String },
    #[error("keys.{command}: {problem}")]
    BadKey {
        command: String,
        problem: KeyParseError,
    },
    #[error("keys.{first} and keys.{second} both bind `{key}`; a key runs one command")]
    Conflict {
        key: String,
        first: String,
        second: String,
    },
    #[error("keys.{command}: ctrl-c always quits and cannot be bound to {command}")]
    Reserved { command: String },
}

impl KeyMapError {
    /// The `[keys]` entry at fault (the first one, for a conflict).
    pub fn command_name(&self) -> &str {
        match self {
            KeyMapError::UnknownCommand { name } => name,
            KeyMapError::BadKey { command, .. } | KeyMapError::Reserved { command } => command,
            KeyMapError::Conflict { first, .. } => first,
        }
    }
}

fn command_names() -> String {
    Command::ALL.map(Command::name).join(", ")
}

/// Which keys run which command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    bindings: BTreeMap<Command, Vec<Key>>,
}

impl Default for KeyMap {
    fn default() -> Self {
        let bindings = COMMANDS
            .iter()
            .map(|spec| {
                // Every default parses (tested); nothing to report at run time.
                let keys = spec
                    .keys
                    .iter()
                    .filter_map(|k| Key::parse(k).ok())
                    .collect();
                (spec.command, keys)
            })
            .collect();
        KeyMap { bindings }
    }
}

impl KeyMap {
    /// The defaults with the user's entries applied: each entry replaces that command's
    /// bindings entirely (an empty list unbinds it). The first problem found is returned.
    pub fn with_overrides(
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> Result<KeyMap, KeyMapError> {
        KeyMap::with_overrides_all(overrides).map_err(|mut errors| errors.remove(0))
    }

    /// Like [`KeyMap::with_overrides`], reporting every problem (never an empty list).
    pub fn with_overrides_all(
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> Result<KeyMap, Vec<KeyMapError>> {
        match KeyMap::with_overrides_lenient(overrides) {
            (map, errors) if errors.is_empty() => Ok(map),
            (_, errors) => Err(errors),
        }
    }

    /// The defaults with every entry that can be read applied, and every problem. On doubt
    /// a key runs nothing rather than something the user did not ask for:
    ///
    /// - an entry with a bad key keeps its good keys; its command is never given back its
    ///   default keys (a bad `isolate = ...` leaves isolate unbound, not on `i`);
    /// - a key two entries claim runs neither, and no default keeps it either;
    /// - an entry naming an unknown command binds nothing (the caller starts read-only).
    pub fn with_overrides_lenient(
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> (KeyMap, Vec<KeyMapError>) {
        let mut errors = Vec::new();
        let mut user: BTreeMap<Command, Vec<Key>> = BTreeMap::new();
        for (name, keys) in overrides {
            let Some(command) = Command::from_name(name) else {
                errors.push(KeyMapError::UnknownCommand { name: name.clone() });
                continue;
            };
            let mut parsed: Vec<Key> = Vec::new();
            for text in keys {
                match Key::parse(text) {
                    Ok(key) if key == Key::ctrl_c() && command != Command::Quit => {
                        errors.push(KeyMapError::Reserved {
                            command: name.clone(),
                        });
                    }
                    Ok(key) => {
                        if !parsed.contains(&key) {
                            parsed.push(key);
                        }
                    }
                    Err(problem) => errors.push(KeyMapError::BadKey {
                        command: name.clone(),
                        problem,
                    }),
                }
            }
            user.insert(command, parsed);
        }

        // Two user entries must not share a key: a shared key runs neither of them.
        let mut taken: Vec<(Key, Command)> = Vec::new();
        let mut shared: Vec<Key> = Vec::new();
        for (command, keys) in &user {
            for key in keys {
                if let Some((_, other)) = taken.iter().find(|(k, _)| k == key) {
                    errors.push(KeyMapError::Conflict {
                        key: key.to_string(),
                        first: other.name().to_string(),
                        second: command.name().to_string(),
                    });
                    shared.push(*key);
                } else {
                    taken.push((*key, *command));
                }
            }
        }
        for keys in user.values_mut() {
            keys.retain(|k| !shared.contains(k));
        }

        // The user's keys win over the defaults of the commands they did not mention.
        let mut map = KeyMap::default();
        for (command, keys) in map.bindings.iter_mut() {
            match user.remove(command) {
                Some(mine) => *keys = mine,
                None => keys.retain(|k| !taken.iter().any(|(t, _)| t == k)),
            }
        }
        (map, errors)
    }

    /// The command a key event runs. Key releases run nothing; `ctrl-c` always quits.
    pub fn resolve(&self, ev: &KeyEvent) -> Option<Command> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let key = Key::from_event(ev);
        if key == Key::ctrl_c() {
            return Some(Command::Quit);
        }
        self.bindings
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(command, _)| *command)
    }

    /// The keys bound to a command (without the implicit `ctrl-c` of quit).
    pub fn bindings(&self, command: Command) -> &[Key] {
        self.bindings
            .get(&command)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Key labels per command for the footer and the help screen, every command present
    /// (an unbound command has no labels). Quit always lists `ctrl-c` last.
    pub fn hints(&self) -> BTreeMap<Command, Vec<String>> {
        Command::ALL
            .into_iter()
            .map(|command| {
                let mut keys: Vec<Key> = self.bindings(command).to_vec();
                if command == Command::Quit && !keys.contains(&Key::ctrl_c()) {
                    keys.push(Key::ctrl_c());
                }
                (command, keys.iter().map(Key::to_string).collect())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn ch(c: char) -> KeyEvent {
        press(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn overrides(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        entries
            .iter()
            .map(|(n, ks)| (n.to_string(), ks.iter().map(|k| k.to_string()).collect()))
            .collect()
    }

    #[test]
    fn every_command_has_a_default_and_every_default_parses() {
        for command in Command::ALL {
            let keys = command.default_keys();
            assert!(!keys.is_empty(), "{}", command.name());
            for k in keys {
                Key::parse(k).unwrap_or_else(|e| panic!("{}: {k}: {e}", command.name()));
            }
        }
    }

    #[test]
    fn the_defaults_do_not_conflict() {
        let map = KeyMap::default();
        let mut seen: Vec<Key> = Vec::new();
        for command in Command::ALL {
            for key in map.bindings(command) {
                assert!(!seen.contains(key), "{key} bound twice");
                seen.push(*key);
            }
        }
    }

    #[test]
    fn default_keys_resolve() {
        let map = KeyMap::default();
        let none = KeyModifiers::NONE;
        let cases = [
            (ch('q'), Command::Quit),
            (ch('k'), Command::Up),
            (press(KeyCode::Up, none), Command::Up),
            (ch('j'), Command::Down),
            (press(KeyCode::Down, none), Command::Down),
            (press(KeyCode::PageUp, none), Command::PageUp),
            (
                press(KeyCode::Char('b'), KeyModifiers::CONTROL),
                Command::PageUp,
            ),
            (press(KeyCode::PageDown, none), Command::PageDown),
            (
                press(KeyCode::Char('f'), KeyModifiers::CONTROL),
                Command::PageDown,
            ),
            (ch('g'), Command::Top),
            (press(KeyCode::Home, none), Command::Top),
            (ch('G'), Command::Bottom),
            (press(KeyCode::End, none), Command::Bottom),
            (press(KeyCode::Tab, none), Command::NextPane),
            (
                press(KeyCode::BackTab, KeyModifiers::SHIFT),
                Command::PrevPane,
            ),
            (press(KeyCode::BackTab, none), Command::PrevPane),
            (press(KeyCode::Enter, none), Command::Open),
            (press(KeyCode::Esc, none), Command::Back),
            (ch('/'), Command::Filter),
            (ch('n'), Command::SearchNext),
            (ch('o'), Command::SortNext),
            (ch('O'), Command::SortReverse),
            (ch('p'), Command::Posture),
            (ch('L'), Command::ToggleLog),
            (ch('?'), Command::Help),
            (
                press(KeyCode::Char('?'), KeyModifiers::SHIFT),
                Command::Help,
            ),
            (ch('r'), Command::Refresh),
            (ch('1'), Command::Tab1),
            (ch('6'), Command::Tab6),
            (ch('7'), Command::Tab7),
            (ch('a'), Command::Feed),
            (ch('v'), Command::FeedSeverity),
            (ch('c'), Command::FeedContainer),
            (ch('i'), Command::Isolate),
            (ch('u'), Command::Unisolate),
            (ch('s'), Command::Stop),
            (ch('e'), Command::Export),
            (ch('E'), Command::ExportHost),
            (
                press(KeyCode::Char('e'), KeyModifiers::SHIFT),
                Command::ExportHost,
            ),
        ];
        for (ev, want) in cases {
            assert_eq!(map.resolve(&ev), Some(want), "{ev:?}");
        }
        // Plain `b` is not ctrl-b; ctrl-j is not j.
        assert_eq!(map.resolve(&ch('b')), None);
        assert_eq!(
            map.resolve(&press(KeyCode::Char('j'), KeyModifiers::CONTROL)),
            None
        );
    }

    #[test]
    fn uppercase_matches_with_or_without_shift() {
        let map = KeyMap::default();
        for mods in [KeyModifiers::NONE, KeyModifiers::SHIFT] {
            assert_eq!(
                map.resolve(&press(KeyCode::Char('G'), mods)),
                Some(Command::Bottom)
            );
            assert_eq!(
                map.resolve(&press(KeyCode::Char('O'), mods)),
                Some(Command::SortReverse)
            );
        }
        // A terminal reporting shift + lowercase letter means the uppercase letter.
        assert_eq!(
            map.resolve(&press(KeyCode::Char('g'), KeyModifiers::SHIFT)),
            Some(Command::Bottom)
        );
        // Shift-tab reported as Tab + SHIFT.
        assert_eq!(
            map.resolve(&press(KeyCode::Tab, KeyModifiers::SHIFT)),
            Some(Command::PrevPane)
        );
    }

    #[test]
    fn releases_resolve_to_nothing_and_repeats_do() {
        let map = KeyMap::default();
        let release = KeyEvent::new_with_kind_and_state(
            KeyCode::Char('q'),
            KeyModifiers::NONE,
            KeyEventKind::Release,
            KeyEventState::NONE,
        );
        assert_eq!(map.resolve(&release), None);
        let repeat =
            KeyEvent::new_with_kind(KeyCode::Char('j'), KeyModifiers::NONE, KeyEventKind::Repeat);
        assert_eq!(map.resolve(&repeat), Some(Command::Down));
    }

    #[test]
    fn ctrl_c_always_quits() {
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(KeyMap::default().resolve(&ctrl_c), Some(Command::Quit));

        // Rebinding quit elsewhere keeps ctrl-c.
        let map = KeyMap::with_overrides(&overrides(&[("quit", &["x"])])).unwrap();
        assert_eq!(map.resolve(&ctrl_c), Some(Command::Quit));
        assert_eq!(map.resolve(&ch('x')), Some(Command::Quit));
        assert_eq!(map.resolve(&ch('q')), None);

        // Unbinding quit entirely keeps ctrl-c too.
        let map = KeyMap::with_overrides(&overrides(&[("quit", &[])])).unwrap();
        assert_eq!(map.resolve(&ctrl_c), Some(Command::Quit));
        assert_eq!(map.hints()[&Command::Quit], vec!["ctrl-c"]);

        // Listing it under quit is fine; under anything else it is an error.
        KeyMap::with_overrides(&overrides(&[("quit", &["q", "ctrl-c"])])).unwrap();
        let e = KeyMap::with_overrides(&overrides(&[("help", &["ctrl-c"])])).unwrap_err();
        assert_eq!(
            e,
            KeyMapError::Reserved {
                command: "help".into()
            }
        );
        assert!(e.to_string().contains("keys.help"), "{e}");
        // Even spelled ctrl-C.
        assert!(KeyMap::with_overrides(&overrides(&[("help", &["ctrl-C"])])).is_err());
    }

    #[test]
    fn overrides_replace_a_commands_bindings() {
        let map = KeyMap::with_overrides(&overrides(&[("up", &["w"]), ("down", &["s", "down"])]))
            .unwrap();
        assert_eq!(map.resolve(&ch('w')), Some(Command::Up));
        assert_eq!(map.resolve(&ch('k')), None, "k is no longer up");
        assert_eq!(map.resolve(&press(KeyCode::Up, KeyModifiers::NONE)), None);
        assert_eq!(map.resolve(&ch('s')), Some(Command::Down));
        assert_eq!(map.resolve(&ch('j')), None);
        assert_eq!(map.hints()[&Command::Down], vec!["s", "down"]);
        // Untouched commands keep their defaults.
        assert_eq!(map.resolve(&ch('q')), Some(Command::Quit));
    }

    #[test]
    fn a_user_binding_takes_a_key_from_a_default() {
        // `j` was down's default; the user's up wins it, down keeps its other key.
        let map = KeyMap::with_overrides(&overrides(&[("up", &["j"])])).unwrap();
        assert_eq!(map.resolve(&ch('j')), Some(Command::Up));
        assert_eq!(map.bindings(Command::Down), &[Key::parse("down").unwrap()]);
        assert_eq!(map.hints()[&Command::Down], vec!["down"]);
    }

    #[test]
    fn action_keys_are_rebindable_like_every_key() {
        let map = KeyMap::with_overrides(&overrides(&[
            ("isolate", &["ctrl-x"]),
            ("export_host", &[]),
        ]))
        .unwrap();
        let ctrl_x = press(KeyCode::Char('x'), KeyModifiers::CONTROL);
        assert_eq!(map.resolve(&ctrl_x), Some(Command::Isolate));
        assert_eq!(map.resolve(&ch('i')), None);
        assert_eq!(map.resolve(&ch('E')), None, "export_host unbound");
        assert_eq!(map.hints()[&Command::Isolate], vec!["ctrl-x"]);
        assert_eq!(map.resolve(&ch('s')), Some(Command::Stop));
    }

    #[test]
    fn two_user_bindings_of_one_key_are_an_error_naming_both() {
        let e = KeyMap::with_overrides(&overrides(&[("help", &["h"]), ("posture", &["x", "h"])]))
            .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("keys.help") && text.contains("keys.posture") && text.contains("`h`"),
            "{text}"
        );
        // Same key spelled differently is still the same key.
        let e = KeyMap::with_overrides(&overrides(&[("up", &["pageup"]), ("down", &["pgup"])]))
            .unwrap_err();
        assert!(matches!(e, KeyMapError::Conflict { .. }), "{e}");
        // Repeating a key within one command is harmless.
        let map = KeyMap::with_overrides(&overrides(&[("up", &["k", "k"])])).unwrap();
        assert_eq!(map.bindings(Command::Up).len(), 1);
    }

    #[test]
    fn unknown_commands_and_bad_keys_name_the_entry() {
        let e = KeyMap::with_overrides(&overrides(&[("quitt", &["q"])])).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("keys.quitt") && text.contains("unknown command"),
            "{text}"
        );
        assert!(text.contains("quit, "), "lists the commands: {text}");
        assert_eq!(e.command_name(), "quitt");

        let e = KeyMap::with_overrides(&overrides(&[("up", &["ctrl-foo"])])).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("keys.up") && text.contains("ctrl-foo"),
            "{text}"
        );

        // Every problem is reported.
        let errors = KeyMap::with_overrides_all(&overrides(&[
            ("nope", &["x"]),
            ("up", &[""]),
            ("down", &["f13"]),
        ]))
        .unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
    }

    #[test]
    fn key_strings_parse() {
        let k = |code, mods| Key::new(code, mods);
        let none = KeyModifiers::NONE;
        let cases = [
            ("q", k(KeyCode::Char('q'), none)),
            ("G", k(KeyCode::Char('G'), none)),
            ("/", k(KeyCode::Char('/'), none)),
            ("?", k(KeyCode::Char('?'), none)),
            ("-", k(KeyCode::Char('-'), none)),
            ("ctrl-x", k(KeyCode::Char('x'), KeyModifiers::CONTROL)),
            ("Ctrl-X", k(KeyCode::Char('x'), KeyModifiers::CONTROL)),
            ("ctrl--", k(KeyCode::Char('-'), KeyModifiers::CONTROL)),
            ("alt-x", k(KeyCode::Char('x'), KeyModifiers::ALT)),
            ("alt-X", k(KeyCode::Char('X'), KeyModifiers::ALT)),
            (
                "ctrl-alt-d",
                k(
                    KeyCode::Char('d'),
                    KeyModifiers::CONTROL | KeyModifiers::ALT,
                ),
            ),
            ("shift-a", k(KeyCode::Char('A'), none)),
            ("shift-tab", k(KeyCode::BackTab, none)),
            ("backtab", k(KeyCode::BackTab, none)),
            ("shift-up", k(KeyCode::Up, KeyModifiers::SHIFT)),
            ("enter", k(KeyCode::Enter, none)),
            ("Enter", k(KeyCode::Enter, none)),
            ("esc", k(KeyCode::Esc, none)),
            ("space", k(KeyCode::Char(' '), none)),
            (" ", k(KeyCode::Char(' '), none)),
            ("backspace", k(KeyCode::Backspace, none)),
            ("tab", k(KeyCode::Tab, none)),
            ("up", k(KeyCode::Up, none)),
            ("down", k(KeyCode::Down, none)),
            ("left", k(KeyCode::Left, none)),
            ("right", k(KeyCode::Right, none)),
            ("home", k(KeyCode::Home, none)),
            ("end", k(KeyCode::End, none)),
            ("pgup", k(KeyCode::PageUp, none)),
            ("pgdn", k(KeyCode::PageDown, none)),
            ("delete", k(KeyCode::Delete, none)),
            ("f1", k(KeyCode::F(1), none)),
            ("F12", k(KeyCode::F(12), none)),
            ("ctrl-f5", k(KeyCode::F(5), KeyModifiers::CONTROL)),
            ("f", k(KeyCode::Char('f'), none)),
        ];
        for (text, want) in cases {
            assert_eq!(Key::parse(text), Ok(want), "{text}");
        }
        for bad in [
            "", "ctrl-", "foo", "f0", "f13", "f01", "meta-x", "ctrl-foo", "qq",
        ] {
            assert!(Key::parse(bad).is_err(), "{bad:?} should not parse");
        }
        assert_eq!(Key::parse(""), Err(KeyParseError::Empty));
        assert!(matches!(
            Key::parse("shift-/"),
            Err(KeyParseError::ShiftedSymbol(_))
        ));
        let msg = Key::parse("ctrl-foo").unwrap_err().to_string();
        assert!(msg.contains("ctrl-foo") && msg.contains("pgdn"), "{msg}");
    }

    #[test]
    fn labels_are_ascii_and_parse_back() {
        let map = KeyMap::default();
        let hints = map.hints();
        assert_eq!(hints.len(), Command::ALL.len());
        assert_eq!(hints[&Command::Down], vec!["j", "down"]);
        assert_eq!(hints[&Command::Quit], vec!["q", "ctrl-c"]);
        assert_eq!(hints[&Command::PrevPane], vec!["shift-tab"]);
        assert_eq!(hints[&Command::PageUp], vec!["pgup", "ctrl-b"]);
        assert_eq!(hints[&Command::Bottom], vec!["G", "end"]);
        for labels in hints.values() {
            for label in labels {
                assert!(label.is_ascii(), "{label}");
                let key = Key::parse(label).unwrap();
                assert_eq!(key.to_string(), *label);
            }
        }
        assert_eq!(Key::parse("space").unwrap().to_string(), "space");
        assert_eq!(
            Key::parse("alt-shift-left").unwrap().to_string(),
            "alt-shift-left"
        );
    }
}
