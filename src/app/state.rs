//! The console's whole state. Plain data: no IO handles, no ratatui types.

use super::command::Command;
use super::feed::Feed;
use crate::activity::decay::{ActivityLevel, with_activity};
use crate::model::{ContainerFacts, HostFacts};
use crate::risk::confinement::Confinement;
use crate::risk::{Band, Finding, GradedContainer, GradedHost, Score};
use crate::watch::{HostId, LinkStatus};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// Identifies a container across daemons.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowKey {
    pub host: HostId,
    pub id: String,
}

/// One container as the console shows it: facts plus their grading, as the watch task's
/// grader sent them (the console never grades).
#[derive(Debug, Clone)]
pub struct ContainerView {
    pub host: HostId,
    pub facts: ContainerFacts,
    /// Effective capabilities, LSMs and namespaces (`container:` chains followed).
    pub confinement: Confinement,
    /// Worst first (the same list `seawall scan` reports).
    pub findings: Vec<Finding>,
    pub score: Score,
}

impl ContainerView {
    pub fn new(host: HostId, graded: GradedContainer) -> Self {
        ContainerView {
            host,
            facts: graded.facts,
            confinement: graded.confinement,
            findings: graded.findings,
            score: graded.score,
        }
    }

    pub fn worst(&self) -> Option<&Finding> {
        self.findings.first()
    }
}

/// One daemon. A daemon keeps its [`HostId`] (its index in `AppState::hosts`) for the
/// whole session: a dropped daemon stays in the list, marked `dropped`, so ids are never
/// reused and late messages about it are recognised and ignored.
#[derive(Debug, Clone)]
pub struct HostView {
    pub endpoint: String,
    /// What the overview and the header call it: the docker CLI context's name, else the
    /// endpoint (untrusted text: drawn escaped).
    pub name: String,
    /// Dropped from the session (`D`, then `x`): its task is stopped, its rows are gone.
    pub dropped: bool,
    /// Alerts about this daemon since its containers were last opened from the overview.
    pub unseen_alerts: usize,
    pub status: LinkStatus,
    /// When `status` arrived (the overview counts a down daemon's retry down from it).
    pub status_at: chrono::DateTime<chrono::Utc>,
    pub facts: Option<HostFacts>,
    /// Worst first.
    pub posture: Vec<Finding>,
    pub posture_score: Score,
    /// Containers listed but not inspected yet, by id: the one-line why (the watch task
    /// retries them with backoff).
    pub unread: std::collections::BTreeMap<String, String>,
    /// The link went Down since it was last Live (its Live then says "reconnected").
    pub was_down: bool,
}

impl HostView {
    pub fn new(endpoint: impl Into<String>) -> Self {
        let endpoint = endpoint.into();
        HostView {
            name: endpoint.clone(),
            endpoint,
            dropped: false,
            unseen_alerts: 0,
            status: LinkStatus::Connecting,
            status_at: chrono::DateTime::UNIX_EPOCH,
            facts: None,
            posture: Vec::new(),
            posture_score: crate::risk::score(&[]),
            unread: std::collections::BTreeMap::new(),
            was_down: false,
        }
    }

    /// Store the graded posture the watch task sent.
    pub fn set_posture(&mut self, graded: GradedHost) {
        self.facts = Some(graded.facts);
        self.posture = graded.findings;
        self.posture_score = graded.score;
    }
}

/// Fleet view sort keys, in the order `sort_next` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Score,
    Name,
    Image,
    State,
    Uptime,
    /// Most alerts in the feed first.
    Alerts,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Score => SortKey::Name,
            SortKey::Name => SortKey::Image,
            SortKey::Image => SortKey::State,
            SortKey::State => SortKey::Uptime,
            SortKey::Uptime => SortKey::Alerts,
            SortKey::Alerts => SortKey::Score,
        }
    }

    /// Every key, in the order `sort_next` cycles through them.
    pub const ALL: [SortKey; 6] = [
        SortKey::Score,
        SortKey::Name,
        SortKey::Image,
        SortKey::State,
        SortKey::Uptime,
        SortKey::Alerts,
    ];

    /// The key of a label (`:sort alerts`).
    pub fn from_label(label: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.label() == label)
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Score => "score",
            SortKey::Name => "name",
            SortKey::Image => "image",
            SortKey::State => "state",
            SortKey::Uptime => "uptime",
            SortKey::Alerts => "alerts",
        }
    }
}

/// Which fleet-view pane has the focus (`tab` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The container table.
    Table,
    /// The findings preview of the selected container.
    Preview,
    /// seawall's log (only when shown).
    Log,
    /// The activity feed (on small screens it takes the preview's place while focused).
    Feed,
}

/// Drilldown tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Findings,
    Capabilities,
    Mounts,
    /// Seccomp, AppArmor, SELinux, no-new-privileges, user and read-only root.
    Security,
    Namespaces,
    Inspect,
    /// The container's recent alerts and activity points.
    Activity,
    /// Networks, addresses and published ports.
    Network,
    /// The processes (`top`), refreshed while the tab is open.
    Processes,
    /// The last log lines (tail), followed while the tab is open.
    Logs,
}

impl Tab {
    pub const ALL: [Tab; 10] = [
        Tab::Findings,
        Tab::Capabilities,
        Tab::Mounts,
        Tab::Security,
        Tab::Namespaces,
        Tab::Inspect,
        Tab::Activity,
        Tab::Network,
        Tab::Processes,
        Tab::Logs,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Findings => "Findings",
            Tab::Capabilities => "Capabilities",
            Tab::Mounts => "Mounts",
            Tab::Security => "Security",
            Tab::Namespaces => "Namespaces",
            Tab::Inspect => "Inspect",
            Tab::Activity => "Activity",
            Tab::Network => "Network",
            Tab::Processes => "Processes",
            Tab::Logs => "Logs",
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }

    pub fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }
}

/// The Inspect tab's document and search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InspectView {
    /// `None` while loading; the pretty JSON or the error. Set with [`Self::set_document`].
    pub document: Option<Result<String, crate::inventory::InventoryError>>,
    /// Set with [`Self::set_search`] (clearing it directly is fine).
    pub search: String,
    pub searching: bool,
    /// Index into the matching line numbers.
    pub match_index: usize,
    /// Line numbers of the document that contain the search text, computed when the
    /// document or the search changes (never per frame).
    matches: Vec<usize>,
    /// How many values of the document show as `<redacted>`, counted when it arrives.
    redacted: usize,
}

impl InspectView {
    pub fn set_document(&mut self, document: Result<String, crate::inventory::InventoryError>) {
        self.redacted = match &document {
            Ok(doc) => doc.matches(crate::redact::REDACTED).count(),
            Err(_) => 0,
        };
        self.document = Some(document);
        self.matches = self.find_matches();
    }

    /// How many values of the document were redacted (secrets).
    pub fn redacted(&self) -> usize {
        self.redacted
    }

    pub fn set_search(&mut self, search: String) {
        self.search = search;
        self.matches = self.find_matches();
    }

    /// Line numbers of the document that contain the search text (none without a search).
    pub fn matches(&self) -> &[usize] {
        if self.search.is_empty() {
            &[]
        } else {
            &self.matches
        }
    }

    fn find_matches(&self) -> Vec<usize> {
        let needle = self.search.to_lowercase();
        match (&self.document, needle.is_empty()) {
            (Some(Ok(doc)), false) => doc
                .lines()
                .enumerate()
                .filter(|(_, l)| l.to_lowercase().contains(&needle))
                .map(|(i, _)| i)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The Logs tab: the last lines of the container's output, as read (escaped when drawn).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogsView {
    /// `None` until the first read arrives.
    pub lines: Option<Vec<String>>,
    /// Why the last read failed or stopped early.
    pub error: Option<String>,
    /// Re-read the tail on every refresh and keep the view at the newest line.
    pub follow: bool,
    /// The search text (case-insensitive); matching lines are marked.
    pub search: String,
    pub searching: bool,
    pub match_index: usize,
}

impl LogsView {
    /// Line numbers that contain the search text (none without a search).
    pub fn matches(&self) -> Vec<usize> {
        let needle = self.search.to_lowercase();
        match (&self.lines, needle.is_empty()) {
            (Some(lines), false) => lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.to_lowercase().contains(&needle))
                .map(|(i, _)| i)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The drilldown of one container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drilldown {
    pub key: RowKey,
    pub tab: Tab,
    /// First visible line of the tab's content.
    pub scroll: usize,
    pub inspect: InspectView,
    /// The Processes tab: `None` until the first read arrives.
    pub processes: Option<Result<crate::docker::Top, crate::docker::DockerError>>,
    pub logs: LogsView,
    /// When the open live tab (processes, followed logs) was last asked for.
    pub refreshed: Option<chrono::DateTime<chrono::Utc>>,
}

impl Drilldown {
    pub fn new(key: RowKey, tab: Tab) -> Self {
        Drilldown {
            key,
            tab,
            scroll: 0,
            inspect: InspectView::default(),
            processes: None,
            logs: LogsView {
                follow: true,
                ..LogsView::default()
            },
            refreshed: None,
        }
    }
}

/// What fills the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// The host overview: one row per daemon, worst first (`app::hosts`).
    Hosts,
    Fleet,
    Drilldown(Box<Drilldown>),
}

/// Windows drawn over the current view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Posture {
        scroll: usize,
    },
    /// The selected container's what-if fix (`ui::what_if`).
    WhatIf {
        scroll: usize,
    },
}

/// Status-bar message severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusLevel {
    Info,
    Warning,
    Error,
}

/// A message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub text: String,
    pub level: StatusLevel,
}

/// Settings the reducer needs (from the config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiSettings {
    /// Rows moved by page up / page down.
    pub page_size: usize,
    /// Key hints for the footer and help: command -> key labels (from the keymap).
    pub key_hints: BTreeMap<Command, Vec<String>>,
    /// The themes `cycle_theme` and `:theme` choose from (built-in, then the user's).
    pub themes: Vec<String>,
    /// The config file the help shows: the one read, else where seawall looks for it.
    pub config_path: Option<String>,
    /// Whether that file exists (was read).
    pub config_read: bool,
    /// Lines the Logs tab reads (the tail).
    pub log_tail: usize,
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            page_size: 10,
            key_hints: BTreeMap::new(),
            themes: Vec::new(),
            config_path: None,
            config_read: false,
            log_tail: DEFAULT_LOG_TAIL,
        }
    }
}

/// Lines the Logs tab reads by default.
pub const DEFAULT_LOG_TAIL: usize = 500;

/// Seconds between two reads of the open Processes tab (or of followed logs).
pub const LIVE_TAB_REFRESH_SECS: i64 = 2;

/// One container's activity: its alerts in the feed and its decaying score points. Kept by
/// key, apart from [`ContainerView`], so it survives re-inspection and can exist before the
/// container is known.
#[derive(Debug, Clone, Default)]
pub struct ContainerActivity {
    /// Alerts about this container still in the feed.
    pub alerts: usize,
    /// The worst severity among them (since the container was first seen alerting).
    pub worst: Option<crate::risk::Severity>,
    pub level: ActivityLevel,
    /// `level` in whole points at the last update or tick.
    pub points: u8,
}

/// Seconds between two recomputations of the decaying activity points.
pub const ACTIVITY_RECOMPUTE_SECS: i64 = 60;

/// The console's state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub hosts: Vec<HostView>,
    pub containers: BTreeMap<RowKey, ContainerView>,
    /// Filtered and sorted keys of the fleet view.
    pub rows: Vec<RowKey>,
    /// Index into `rows`.
    pub selected: usize,
    pub sort: SortKey,
    pub sort_reverse: bool,
    pub filter: String,
    /// Typing into the filter.
    pub filter_editing: bool,
    /// Only running containers in the fleet view (`running_only` toggles).
    pub running_only: bool,
    /// Only this daemon's containers in the fleet view (`:daemon N`, `enter` on the host
    /// overview).
    pub host_only: Option<HostId>,
    /// The console has a host overview (more than one daemon at start, or one added):
    /// `esc` in the fleet view goes back to it.
    pub overview: bool,
    /// The daemon under the cursor of the host overview.
    pub host_cursor: HostId,
    /// The daemons window (`D`): add a context or endpoint, focus or drop a daemon.
    pub picker: Option<super::hosts::DaemonPicker>,
    /// The cursor of the text input being typed (filter, search, command line).
    pub edit: super::line_edit::LineEdit,
    /// The `:` command line while it is open.
    pub command_line: Option<String>,
    /// The theme drawn with (its name; the console loads it).
    pub theme: String,
    /// Alerts pushed into the feed so far, and how many of them had been when the feed
    /// was last saved (it is saved again once a minute when they differ, and on quit).
    pub feed_pushes: u64,
    pub feed_saved: u64,
    pub focus: Focus,
    pub preview_scroll: usize,
    pub log_scroll: usize,
    pub view: View,
    pub overlay: Option<Overlay>,
    pub show_log: bool,
    pub status: Option<StatusMessage>,
    /// Wall clock for uptimes, advanced by ticks (fixed in tests).
    pub now: chrono::DateTime<chrono::Utc>,
    pub settings: UiSettings,
    /// Events whose effect is not drawn yet (for event-to-screen latency).
    pub pending_events: Vec<Instant>,
    pub quit: bool,
    /// The activity feed of every daemon.
    pub feed: Feed,
    /// Activity per container (alerts, decaying points), by key.
    pub activity: HashMap<RowKey, ContainerActivity>,
    /// When the activity points were last recomputed.
    pub activity_at: chrono::DateTime<chrono::Utc>,
    /// The open confirm dialog; while it is open no other key does anything.
    pub confirm: Option<super::action_state::Confirm>,
    /// Read-only mode, running actions, isolated containers.
    pub actions: super::action_state::ActionsView,
    /// Accepted risks and the baseline, applied to findings as they are stored.
    pub verdicts: super::verdicts::Verdicts,
}

impl AppState {
    pub fn new(
        endpoints: Vec<String>,
        settings: UiSettings,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        AppState {
            hosts: endpoints.into_iter().map(HostView::new).collect(),
            containers: BTreeMap::new(),
            rows: Vec::new(),
            selected: 0,
            sort: SortKey::Score,
            sort_reverse: false,
            filter: String::new(),
            filter_editing: false,
            running_only: false,
            host_only: None,
            overview: false,
            host_cursor: 0,
            picker: None,
            edit: Default::default(),
            command_line: None,
            theme: String::new(),
            feed_pushes: 0,
            feed_saved: 0,
            focus: Focus::Table,
            preview_scroll: 0,
            log_scroll: 0,
            view: View::Fleet,
            overlay: None,
            show_log: false,
            status: None,
            now,
            settings,
            pending_events: Vec::new(),
            quit: false,
            feed: Feed::default(),
            activity: HashMap::new(),
            activity_at: now,
            confirm: None,
            actions: super::action_state::ActionsView::default(),
            verdicts: super::verdicts::Verdicts::default(),
        }
    }

    /// Activity points of a container now (0 without alerts).
    pub fn activity_points(&self, key: &RowKey) -> u8 {
        self.activity.get(key).map(|a| a.points).unwrap_or(0)
    }

    /// Alerts about a container in the feed.
    pub fn alert_count(&self, key: &RowKey) -> usize {
        self.activity.get(key).map(|a| a.alerts).unwrap_or(0)
    }

    /// The score the fleet shows and sorts by: the configuration score plus the activity
    /// points, at most 100 (`activity::decay::with_activity`), with its band.
    pub fn shown_score(&self, c: &ContainerView) -> Score {
        if self.activity.is_empty() {
            return c.score;
        }
        let key = RowKey {
            host: c.host,
            id: c.facts.id.clone(),
        };
        let value = with_activity(c.score.value, self.activity_points(&key));
        Score {
            value,
            band: if value == c.score.value {
                c.score.band
            } else {
                Band::of(value)
            },
        }
    }

    /// The container under the cursor in the fleet view.
    pub fn selected_container(&self) -> Option<&ContainerView> {
        self.rows
            .get(self.selected)
            .and_then(|k| self.containers.get(k))
    }

    /// The container the drilldown shows.
    pub fn drilldown_container(&self) -> Option<&ContainerView> {
        match &self.view {
            View::Drilldown(d) => self.containers.get(&d.key),
            View::Fleet | View::Hosts => None,
        }
    }

    /// Is a text input taking the keys (filter or inspect search)?
    pub fn input_active(&self) -> bool {
        if self.filter_editing || self.feed.editing || self.command_line.is_some() {
            return true;
        }
        matches!(&self.view, View::Drilldown(d) if d.inspect.searching || d.logs.searching)
    }

    /// The daemons of the session (not dropped), with their ids.
    pub fn session_hosts(&self) -> impl Iterator<Item = (HostId, &HostView)> {
        self.hosts.iter().enumerate().filter(|(_, h)| !h.dropped)
    }

    /// All containers of one daemon.
    pub fn host_containers(&self, host: HostId) -> impl Iterator<Item = &ContainerView> {
        self.containers.values().filter(move |c| c.host == host)
    }

    /// The first key label bound to a command, for hints ("?" for help).
    pub fn key_for(&self, command: Command) -> &str {
        self.settings
            .key_hints
            .get(&command)
            .and_then(|k| k.first())
            .map(String::as_str)
            .unwrap_or("")
    }
}
