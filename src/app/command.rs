//! Named commands: what a key press means, independent of which key it is.
//!
//! Every command is declared once, in the `commands!` table below: its id, the name the
//! config file's `[keys]` table uses, its help line, its default keys, its footer hints,
//! what it acts on and whether a read-only console refuses it. Everything else is derived
//! from that one entry: the [`Command`] enum and [`Command::ALL`] (in help order), the names
//! and the help screen (`ui::help`), the default keymap (`config::keymap`), the footer
//! (`ui::footer`), and the reducer's read-only refusal and "no container selected" checks
//! (`app::action_state::admit`). Adding a command is one entry here plus its arm in
//! `app::update::command` (a one-key action needs no arm: its entry names the action).

use crate::actions::ActionKind;

/// Where a footer hint shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A help or posture window is open.
    Overlay,
    /// The fleet view with the activity feed focused.
    Feed,
    /// The fleet view, any other pane focused.
    Fleet,
    /// Any drilldown tab.
    Drilldown,
    /// The drilldown's Inspect tab only (mixed with the `Drilldown` hints by rank).
    Inspect,
    /// The drilldown's Logs tab only (mixed with the `Drilldown` hints by rank).
    Logs,
    /// The host overview.
    Hosts,
    /// The daemons window (`D`).
    Daemons,
}

/// Which keys a footer hint shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintKeys {
    /// The command's first key.
    Own,
    /// `own/other` (`k/j` for scrolling); hidden when either is unbound.
    Pair(Command),
    /// `own-last` (`1-7` for the tabs); hidden when either is unbound.
    Range(Command),
}

/// One footer hint: `<keys> <label>` in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub place: Place,
    /// Position among the place's hints, lowest first; what does not fit is dropped from
    /// the end, so the most useful hints rank lowest.
    pub rank: u8,
    pub label: &'static str,
    pub keys: HintKeys,
}

/// A footer hint showing the command's own first key.
const fn hint(place: Place, rank: u8, label: &'static str) -> Hint {
    Hint {
        place,
        rank,
        label,
        keys: HintKeys::Own,
    }
}

impl Hint {
    /// Show `own/other` instead of the own key alone.
    const fn pair(self, other: Command) -> Hint {
        Hint {
            keys: HintKeys::Pair(other),
            ..self
        }
    }

    /// Show `own-last` instead of the own key alone.
    const fn range(self, last: Command) -> Hint {
        Hint {
            keys: HintKeys::Range(last),
            ..self
        }
    }
}

/// What a command acts on. The reducer resolves it before the command runs; when there is
/// none, the command does nothing and the status bar says why ("no container selected").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// Nothing in particular (navigation, views).
    Nothing,
    /// The drilldown's container, the selected alert's (feed focused) or the selected row's.
    Container,
    /// The daemon of the drilldown, of the selected alert or row, else the first one.
    Host,
}

/// Whether a read-only console (`--read-only`, `[ui] read_only`) runs a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnly {
    Allowed,
    /// Refused with a status message (and an audit record when it is an action); its
    /// footer hints are hidden.
    Refused,
}

/// The declaration of one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub command: Command,
    /// The config name: `[keys] quit = "q"`.
    pub name: &'static str,
    /// One line for the help screen.
    pub description: &'static str,
    /// Default keys, in the spelling the config file uses.
    pub keys: &'static [&'static str],
    pub hints: &'static [Hint],
    pub subject: Subject,
    pub read_only: ReadOnly,
    /// A one-key action: it opens the confirm dialog for this kind on its subject.
    pub action: Option<ActionKind>,
}

/// Declares the commands: the enum and the table, in one order (the help screen's).
/// Fields left out take the defaults: no hints, `Subject::Nothing`, `ReadOnly::Allowed`,
/// no action.
macro_rules! commands {
    ($(
        $(#[$doc:meta])*
        $id:ident {
            name: $name:literal,
            description: $description:expr,
            keys: [$($key:literal),* $(,)?]
            $(, $field:ident: $value:expr)* $(,)?
        }
    )*) => {
        /// Everything a user can ask the console to do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command {
            $($(#[$doc])* $id,)*
        }

        /// Every command's declaration, in the order the help screen lists them.
        // An entry that gives every field leaves the defaults nothing to fill in.
        #[allow(clippy::needless_update)]
        pub const COMMANDS: &[CommandSpec] = &[
            $(CommandSpec {
                command: Command::$id,
                name: $name,
                description: $description,
                keys: &[$($key),*],
                $($field: $value,)*
                ..CommandSpec::DEFAULT
            },)*
        ];

        impl Command {
            /// Every command, in the order the help screen lists them.
            pub const ALL: [Command; [$(Command::$id),*].len()] = [$(Command::$id),*];
        }
    };
}

impl CommandSpec {
    /// What an entry leaves out (`command` and the texts are always given).
    const DEFAULT: CommandSpec = CommandSpec {
        command: Command::Quit,
        name: "",
        description: "",
        keys: &[],
        hints: &[],
        subject: Subject::Nothing,
        read_only: ReadOnly::Allowed,
        action: None,
    };
}

use Place::{Daemons, Drilldown, Feed, Fleet, Hosts, Inspect, Logs, Overlay};

commands! {
    Up {
        name: "up",
        description: "move up",
        keys: ["k", "up"],
        hints: &[
            hint(Overlay, 0, "scroll").pair(Command::Down),
            hint(Drilldown, 2, "scroll").pair(Command::Down),
        ],
    }
    Down {
        name: "down",
        description: "move down",
        keys: ["j", "down"],
    }
    PageUp {
        name: "page_up",
        description: "page up",
        keys: ["pgup", "ctrl-b"],
    }
    PageDown {
        name: "page_down",
        description: "page down",
        keys: ["pgdn", "ctrl-f"],
    }
    Top {
        name: "top",
        description: "go to the first row",
        keys: ["g", "home"],
    }
    Bottom {
        name: "bottom",
        description: "go to the last row",
        keys: ["G", "end"],
    }
    /// Move focus to the next pane (fleet view) or the next tab (drilldown).
    NextPane {
        name: "next_pane",
        description: "next pane / next drilldown tab",
        keys: ["tab"],
        hints: &[hint(Fleet, 3, "pane"), hint(Drilldown, 1, "next tab")],
    }
    PrevPane {
        name: "prev_pane",
        description: "previous pane / previous drilldown tab",
        keys: ["shift-tab"],
    }
    /// Open the drilldown of the selected container (or the selected alert's container).
    Open {
        name: "open",
        description: "open the selected container's drilldown",
        keys: ["enter"],
        hints: &[
            hint(Feed, 0, "open"),
            hint(Fleet, 0, "open"),
            hint(Hosts, 0, "open"),
            hint(Daemons, 0, "add/focus"),
        ],
    }
    /// Close the current view, clear the filter, or leave an input.
    Back {
        name: "back",
        description: "back / clear the filter / leave the input",
        keys: ["esc"],
        hints: &[
            hint(Overlay, 1, "close"),
            hint(Feed, 7, "clear"),
            hint(Drilldown, 5, "back"),
            hint(Daemons, 2, "close"),
        ],
    }
    /// Start typing a filter (fleet view) or a search (inspect tab).
    Filter {
        name: "filter",
        description: "filter by name, image, label or finding id (search in inspect)",
        keys: ["/"],
        hints: &[
            hint(Feed, 3, "filter"),
            hint(Fleet, 1, "filter"),
            hint(Inspect, 3, "search"),
            hint(Logs, 3, "search"),
        ],
    }
    /// Next search match in the inspect tab.
    SearchNext {
        name: "search_next",
        description: "next search match (inspect and logs tabs)",
        keys: ["n"],
        hints: &[hint(Inspect, 4, "next match"), hint(Logs, 13, "next match")],
    }
    /// Cycle the sort key of the fleet view.
    SortNext {
        name: "sort_next",
        description: "sort by the next column",
        keys: ["o"],
        hints: &[hint(Fleet, 2, "sort")],
    }
    /// Reverse the sort order.
    SortReverse {
        name: "sort_reverse",
        description: "reverse the sort order",
        keys: ["O"],
        hints: &[hint(Fleet, 9, "reverse")],
    }
    /// Show the host posture findings.
    Posture {
        name: "posture",
        description: "show the daemon's posture findings",
        keys: ["p"],
        // Last of the fleet's first hints: the posture key is in the header too.
        hints: &[hint(Fleet, 8, "posture"), hint(Drilldown, 8, "posture")],
    }
    /// Show or hide seawall's own log pane.
    ToggleLog {
        name: "toggle_log",
        description: "show or hide seawall's log",
        keys: ["L"],
        hints: &[hint(Fleet, 5, "log")],
    }
    /// Re-read every daemon now.
    Refresh {
        name: "refresh",
        description: "re-read every daemon now",
        keys: ["r"],
        hints: &[hint(Fleet, 10, "refresh")],
    }
    /// Show the key help.
    Help {
        name: "help",
        description: "show this help",
        keys: ["?"],
        hints: &[
            hint(Feed, 5, "help"),
            hint(Fleet, 6, "help"),
            hint(Drilldown, 6, "help"),
            hint(Hosts, 5, "help"),
        ],
    }
    Quit {
        name: "quit",
        description: "quit seawall (ctrl-c always quits)",
        keys: ["q"],
        hints: &[
            hint(Overlay, 2, "quit"),
            hint(Feed, 6, "quit"),
            hint(Fleet, 7, "quit"),
            hint(Drilldown, 7, "quit"),
            hint(Hosts, 6, "quit"),
        ],
    }
    /// Jump to a drilldown tab (1-7), opening the selected container's drilldown.
    Tab1 {
        name: "tab_1",
        description: "drilldown: findings",
        keys: ["1"],
        hints: &[hint(Drilldown, 0, "tab").range(Command::Tab9)],
    }
    Tab2 {
        name: "tab_2",
        description: "drilldown: capabilities",
        keys: ["2"],
    }
    Tab3 {
        name: "tab_3",
        description: "drilldown: mounts",
        keys: ["3"],
    }
    Tab4 {
        name: "tab_4",
        description: "drilldown: security profiles",
        keys: ["4"],
    }
    Tab5 {
        name: "tab_5",
        description: "drilldown: namespaces",
        keys: ["5"],
    }
    Tab6 {
        name: "tab_6",
        description: "drilldown: inspect document",
        keys: ["6"],
    }
    Tab7 {
        name: "tab_7",
        description: "drilldown: activity (the container's alerts)",
        keys: ["7"],
    }
    Tab8 {
        name: "tab_8",
        description: "drilldown: networks and published ports",
        keys: ["8"],
    }
    Tab9 {
        name: "tab_9",
        description: "drilldown: processes (top, refreshed while open)",
        keys: ["9"],
    }
    Tab10 {
        name: "tab_10",
        description: "drilldown: logs (tail, follow, search)",
        keys: ["0"],
    }
    /// Logs tab: follow the newest lines, or stop to read.
    LogFollow {
        name: "log_follow",
        description: "logs tab: follow new lines / stop following",
        keys: ["f"],
        hints: &[hint(Logs, 4, "follow")],
    }
    /// Focus the activity feed (again: back to the table).
    Feed {
        name: "feed",
        description: "focus the activity feed / back to the table",
        keys: ["a"],
        hints: &[hint(Feed, 4, "table"), hint(Fleet, 4, "feed")],
    }
    /// Cycle the feed's minimum severity.
    FeedSeverity {
        name: "feed_severity",
        description: "feed: cycle the minimum severity shown",
        keys: ["v"],
        hints: &[hint(Feed, 1, "severity")],
    }
    /// Feed: only the selected container's alerts (again: every container's).
    FeedContainer {
        name: "feed_container",
        description: "feed: only the selected container / all",
        keys: ["c"],
        hints: &[hint(Feed, 2, "container")],
    }
    /// Fleet view: only running containers / every container.
    RunningOnly {
        name: "running_only",
        description: "show running containers only / all containers",
        keys: ["R"],
        hints: &[hint(Fleet, 15, "running")],
    }
    /// Draw with the next theme (built-in, then the user's).
    CycleTheme {
        name: "cycle_theme",
        description: "switch to the next color theme",
        keys: ["T"],
    }
    /// Open the `:` command line (every command by its config name, and themes, sort,
    /// filter, daemon, quit), with completion.
    CommandLine {
        name: "command_line",
        description: "command line: type a command by name (tab completes)",
        keys: [":"],
        hints: &[
            hint(Feed, 10, "cmd"),
            hint(Fleet, 16, "cmd"),
            hint(Drilldown, 12, "cmd"),
        ],
    }
    /// Cut the selected container off every network (asks first; evidence is saved).
    Isolate {
        name: "isolate",
        description: "isolate the container: disconnect every network, save evidence (asks first)",
        keys: ["i"],
        hints: &[
            hint(Feed, 8, "isolate"),
            hint(Fleet, 11, "isolate"),
            hint(Drilldown, 9, "isolate"),
        ],
        subject: Subject::Container,
        read_only: ReadOnly::Refused,
        action: Some(ActionKind::Isolate),
    }
    /// Undo the isolation of the selected container (asks first).
    Unisolate {
        name: "unisolate",
        description: "undo the isolation: reconnect its networks (asks first)",
        keys: ["u"],
        hints: &[hint(Fleet, 12, "undo isolate")],
        subject: Subject::Container,
        read_only: ReadOnly::Refused,
        action: Some(ActionKind::Unisolate),
    }
    /// Stop the selected container (asks first).
    Stop {
        name: "stop",
        description: "stop the container, killed after the grace period (asks first)",
        keys: ["s"],
        hints: &[
            hint(Feed, 9, "stop"),
            hint(Fleet, 13, "stop"),
            hint(Drilldown, 10, "stop"),
        ],
        subject: Subject::Container,
        read_only: ReadOnly::Refused,
        action: Some(ActionKind::Stop),
    }
    /// Export a report of the selected container in every format (asks first).
    Export {
        name: "export",
        description: "export a report of the container, every format (asks first)",
        keys: ["e"],
        hints: &[hint(Fleet, 14, "export"), hint(Drilldown, 11, "export")],
        subject: Subject::Container,
        read_only: ReadOnly::Refused,
        action: Some(ActionKind::Export),
    }
    /// The what-if view of the selected container: the findings a configuration change
    /// removes, the predicted score, the `docker run` flags to copy.
    WhatIf {
        name: "what_if",
        description: "what-if: the container's hardened flags and predicted score",
        keys: ["w"],
        hints: &[hint(Fleet, 17, "what-if"), hint(Drilldown, 14, "what-if")],
        subject: Subject::Container,
    }
    /// Export a report of the whole host of the selected row in every format (asks first).
    ExportHost {
        name: "export_host",
        description: "export a report of the whole host, every format (asks first)",
        keys: ["E"],
        subject: Subject::Host,
        read_only: ReadOnly::Refused,
        action: Some(ActionKind::Export),
    }
    /// The host overview: one row per daemon, worst first (`enter` opens its containers).
    HostOverview {
        name: "hosts",
        description: "host overview: one row per daemon, worst first (esc from the table)",
        keys: ["H"],
        hints: &[hint(Fleet, 18, "hosts")],
    }
    /// Every daemon's containers in one table (the fleet table across all hosts).
    AllHosts {
        name: "all_hosts",
        description: "every daemon's containers in one table",
        keys: ["A"],
        hints: &[hint(Hosts, 1, "all containers")],
    }
    /// The daemons window: the docker CLI contexts and `-H` endpoints, to add or focus.
    Daemons {
        name: "daemons",
        description: "daemons: add a docker context or -H endpoint, focus or drop one",
        keys: ["D"],
        hints: &[hint(Hosts, 2, "daemons"), hint(Fleet, 19, "daemons")],
    }
    /// Drop the selected daemon from the session (daemons window, host overview).
    DropDaemon {
        name: "drop_daemon",
        description: "drop the selected daemon from the session (overview, daemons window)",
        keys: ["x"],
        hints: &[hint(Hosts, 3, "drop"), hint(Daemons, 1, "drop")],
    }
}

impl Command {
    /// This command's declaration.
    pub fn spec(self) -> &'static CommandSpec {
        // The table is in declaration order, like the enum (tested).
        &COMMANDS[self as usize]
    }

    /// The name used in the config file.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// One line for the help screen.
    pub fn description(self) -> &'static str {
        self.spec().description
    }

    /// The default keys, in the config file's spelling.
    pub fn default_keys(self) -> &'static [&'static str] {
        self.spec().keys
    }

    /// Look a command up by its config name.
    pub fn from_name(name: &str) -> Option<Command> {
        COMMANDS.iter().find(|s| s.name == name).map(|s| s.command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::keymap::{Key, KeyMap};
    use std::collections::BTreeSet;

    #[test]
    fn the_table_is_in_enum_order_and_complete() {
        assert_eq!(COMMANDS.len(), Command::ALL.len());
        for (i, spec) in COMMANDS.iter().enumerate() {
            assert_eq!(spec.command as usize, i, "{}", spec.name);
            assert_eq!(Command::ALL[i], spec.command);
            assert_eq!(spec.command.spec(), spec);
        }
    }

    #[test]
    fn every_command_has_a_unique_config_name_and_a_description() {
        let mut names = BTreeSet::new();
        for spec in COMMANDS {
            assert!(
                !spec.name.is_empty()
                    && spec
                        .name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{:?}: config names are snake_case",
                spec.command
            );
            assert!(names.insert(spec.name), "{} declared twice", spec.name);
            assert!(!spec.description.trim().is_empty(), "{}", spec.name);
            assert_eq!(Command::from_name(spec.name), Some(spec.command));
        }
        assert_eq!(Command::from_name("nope"), None);
    }

    #[test]
    fn the_config_names_are_the_ones_users_write() {
        // `[keys]` entries in users' files must keep working.
        let names: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(
            names.join(" "),
            "up down page_up page_down top bottom next_pane prev_pane open back filter \
             search_next sort_next sort_reverse posture toggle_log refresh help quit tab_1 \
             tab_2 tab_3 tab_4 tab_5 tab_6 tab_7 tab_8 tab_9 tab_10 log_follow feed \
             feed_severity feed_container running_only cycle_theme command_line isolate \
             unisolate stop export what_if export_host hosts all_hosts daemons drop_daemon"
        );
    }

    #[test]
    fn defaults_round_trip_through_the_keymap() {
        let map = KeyMap::default();
        for spec in COMMANDS {
            assert!(!spec.keys.is_empty(), "{} has no default key", spec.name);
            let parsed: Vec<Key> = spec
                .keys
                .iter()
                .map(|k| Key::parse(k).unwrap_or_else(|e| panic!("{}: {k}: {e}", spec.name)))
                .collect();
            assert_eq!(
                map.bindings(spec.command),
                parsed.as_slice(),
                "{}",
                spec.name
            );
            for (text, key) in spec.keys.iter().zip(&parsed) {
                // The label the help shows parses back to the same key, and the key runs
                // the command.
                assert_eq!(Key::parse(&key.to_string()), Ok(*key), "{text}");
                let ev = crossterm::event::KeyEvent::new(key.code, key.modifiers);
                assert_eq!(map.resolve(&ev), Some(spec.command), "{text}");
            }
            let labels: Vec<String> = parsed.iter().map(Key::to_string).collect();
            let mut hints = map.hints()[&spec.command].clone();
            if spec.command == Command::Quit {
                assert_eq!(hints.pop().as_deref(), Some("ctrl-c"));
            }
            assert_eq!(hints, labels, "{}", spec.name);
        }
    }

    #[test]
    fn actions_are_refused_read_only_and_act_on_something() {
        for spec in COMMANDS {
            if spec.action.is_some() {
                assert_eq!(spec.read_only, ReadOnly::Refused, "{}", spec.name);
                assert_ne!(spec.subject, Subject::Nothing, "{}", spec.name);
            }
        }
    }

    #[test]
    fn footer_ranks_are_unique_per_place() {
        for place in [
            Overlay, Feed, Fleet, Drilldown, Inspect, Logs, Hosts, Daemons,
        ] {
            let mut ranks = BTreeSet::new();
            for spec in COMMANDS {
                for h in spec.hints.iter().filter(|h| h.place == place) {
                    assert!(ranks.insert(h.rank), "{place:?} rank {} twice", h.rank);
                }
            }
        }
        // The inspect tab's hints are shown with the drilldown's: their ranks interleave.
        let drill: BTreeSet<u8> = COMMANDS
            .iter()
            .flat_map(|s| s.hints)
            .filter(|h| matches!(h.place, Drilldown | Inspect))
            .map(|h| h.rank)
            .collect();
        let count = COMMANDS
            .iter()
            .flat_map(|s| s.hints)
            .filter(|h| matches!(h.place, Drilldown | Inspect))
            .count();
        assert_eq!(drill.len(), count);
        let logs: Vec<u8> = COMMANDS
            .iter()
            .flat_map(|s| s.hints)
            .filter(|h| matches!(h.place, Drilldown | Logs))
            .map(|h| h.rank)
            .collect();
        assert_eq!(logs.iter().collect::<BTreeSet<_>>().len(), logs.len());
    }
}
