//! Named commands: what a key press means, independent of which key it is.
//! The keymap (`config::keymap`) maps keys to these; the reducer only sees commands.

use serde::{Deserialize, Serialize};

/// Everything a user can ask the console to do. Names (snake_case) are what the config
/// file's `[keys]` table uses: `quit = "q"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Move focus to the next pane (fleet view) or the next tab (drilldown).
    NextPane,
    PrevPane,
    /// Open the drilldown of the selected container (or the selected alert's container).
    Open,
    /// Close the current view, clear the filter, or leave an input.
    Back,
    /// Start typing a filter (fleet view) or a search (inspect tab).
    Filter,
    /// Next search match in the inspect tab.
    SearchNext,
    /// Cycle the sort key of the fleet view.
    SortNext,
    /// Reverse the sort order.
    SortReverse,
    /// Show the host posture findings.
    Posture,
    /// Show or hide seawall's own log pane.
    ToggleLog,
    /// Show the key help.
    Help,
    /// Re-read every daemon now.
    Refresh,
    /// Jump to a drilldown tab (1-6).
    Tab1,
    Tab2,
    Tab3,
    Tab4,
    Tab5,
    Tab6,
    /// Drilldown tab 7: the container's activity.
    Tab7,
    /// Focus the activity feed (again: back to the table).
    Feed,
    /// Cycle the feed's minimum severity.
    FeedSeverity,
    /// Feed: only the selected container's alerts (again: every container's).
    FeedContainer,
    /// Cut the selected container off every network (asks first; evidence is saved).
    Isolate,
    /// Undo the isolation of the selected container (asks first).
    Unisolate,
    /// Stop the selected container (asks first).
    Stop,
    /// Export a report of the selected container in every format (asks first).
    Export,
    /// Export a report of the whole host of the selected row in every format (asks first).
    ExportHost,
}

impl Command {
    /// Every command, in the order the help screen lists them.
    pub const ALL: [Command; 34] = [
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Top,
        Command::Bottom,
        Command::NextPane,
        Command::PrevPane,
        Command::Open,
        Command::Back,
        Command::Filter,
        Command::SearchNext,
        Command::SortNext,
        Command::SortReverse,
        Command::Posture,
        Command::ToggleLog,
        Command::Refresh,
        Command::Help,
        Command::Quit,
        Command::Tab1,
        Command::Tab2,
        Command::Tab3,
        Command::Tab4,
        Command::Tab5,
        Command::Tab6,
        Command::Tab7,
        Command::Feed,
        Command::FeedSeverity,
        Command::FeedContainer,
        Command::Isolate,
        Command::Unisolate,
        Command::Stop,
        Command::Export,
        Command::ExportHost,
    ];

    /// The name used in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page_up",
            Command::PageDown => "page_down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::NextPane => "next_pane",
            Command::PrevPane => "prev_pane",
            Command::Open => "open",
            Command::Back => "back",
            Command::Filter => "filter",
            Command::SearchNext => "search_next",
            Command::SortNext => "sort_next",
            Command::SortReverse => "sort_reverse",
            Command::Posture => "posture",
            Command::ToggleLog => "toggle_log",
            Command::Help => "help",
            Command::Refresh => "refresh",
            Command::Tab1 => "tab_1",
            Command::Tab2 => "tab_2",
            Command::Tab3 => "tab_3",
            Command::Tab4 => "tab_4",
            Command::Tab5 => "tab_5",
            Command::Tab6 => "tab_6",
            Command::Tab7 => "tab_7",
            Command::Feed => "feed",
            Command::FeedSeverity => "feed_severity",
            Command::FeedContainer => "feed_container",
            Command::Isolate => "isolate",
            Command::Unisolate => "unisolate",
            Command::Stop => "stop",
            Command::Export => "export",
            Command::ExportHost => "export_host",
        }
    }

    /// One line for the help screen.
    pub fn description(self) -> &'static str {
        match self {
            Command::Quit => "quit seawall (ctrl-c always quits)",
            Command::Up => "move up",
            Command::Down => "move down",
            Command::PageUp => "page up",
            Command::PageDown => "page down",
            Command::Top => "go to the first row",
            Command::Bottom => "go to the last row",
            Command::NextPane => "next pane / next drilldown tab",
            Command::PrevPane => "previous pane / previous drilldown tab",
            Command::Open => "open the selected container's drilldown",
            Command::Back => "back / clear the filter / leave the input",
            Command::Filter => "filter by name, image, label or finding id (search in inspect)",
            Command::SearchNext => "next search match (inspect tab)",
            Command::SortNext => "sort by the next column",
            Command::SortReverse => "reverse the sort order",
            Command::Posture => "show the daemon's posture findings",
            Command::ToggleLog => "show or hide seawall's log",
            Command::Help => "show this help",
            Command::Refresh => "re-read every daemon now",
            Command::Tab1 => "drilldown: findings",
            Command::Tab2 => "drilldown: capabilities",
            Command::Tab3 => "drilldown: mounts",
            Command::Tab4 => "drilldown: security profiles",
            Command::Tab5 => "drilldown: namespaces",
            Command::Tab6 => "drilldown: inspect document",
            Command::Tab7 => "drilldown: activity (the container's alerts)",
            Command::Feed => "focus the activity feed / back to the table",
            Command::FeedSeverity => "feed: cycle the minimum severity shown",
            Command::FeedContainer => "feed: only the selected container / all",
            Command::Isolate => {
                "isolate the container: disconnect every network, save evidence (asks first)"
            }
            Command::Unisolate => "undo the isolation: reconnect its networks (asks first)",
            Command::Stop => "stop the container, killed after the grace period (asks first)",
            Command::Export => "export a report of the container, every format (asks first)",
            Command::ExportHost => "export a report of the whole host, every format (asks first)",
        }
    }

    /// Look a command up by its config name.
    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == name)
    }
}
