//! The reducer: `update(&mut AppState, Msg) -> Vec<Effect>`. Pure: no IO, no clock reads
//! (time arrives in `Msg::Tick`), so every behaviour is testable without a terminal.

use super::command::Command;
use super::line_edit::LineEdit;
use super::rows;
use super::state::*;
use crate::actions::{ActionOutcome, ActionRequest};
use crate::risk::{GradedContainer, Severity};
use crate::watch::{DataEvent, HostId, LinkStatus, WatchRequest};

pub use super::line_edit::InputKey;

/// Everything the reducer reacts to.
#[derive(Debug, Clone)]
pub enum Msg {
    Command(Command),
    Input(InputKey),
    Data(DataEvent),
    Tick(chrono::DateTime<chrono::Utc>),
    /// The confirm dialog's answer: `true` for `y`, `false` for any other key.
    Confirm(bool),
    /// A confirmed action finished (from the console's executor).
    ActionDone(ActionOutcome),
    /// seawall's isolation records, `(endpoint, container id)`, read from the state file.
    Isolations(Vec<(String, String)>),
    /// Writing the audit log (or saving the feed) failed (from the executor); the text
    /// says what and why.
    AuditFailed(String),
    /// A frame was drawn: the events waiting for it are on screen.
    Drawn,
    /// The processes of a container (from the executor, for the Processes tab).
    Processes {
        host: HostId,
        id: String,
        result: Result<crate::docker::Top, crate::docker::DockerError>,
    },
    /// The last log lines of a container (from the executor, for the Logs tab).
    Logs {
        host: HostId,
        id: String,
        tail: crate::docker::LogTail,
    },
    /// A theme was loaded (the console draws with it); its problems, if any.
    ThemeLoaded {
        name: String,
        warnings: Vec<String>,
    },
    /// A click on a fleet-view row (index into `rows`).
    ClickRow(usize),
    /// A click on a drilldown tab.
    ClickTab(Tab),
    /// A click on a daemon's row of the host overview: the cursor goes there (on the
    /// daemon under the cursor already: its containers open).
    ClickHost(HostId),
    /// A click on an alert of the activity feed (its index among the shown alerts, newest
    /// first): the feed takes the focus and selects it.
    ClickAlert(usize),
    /// The feed saved by the last session, `(endpoint, alert)` oldest first.
    FeedRestored(Vec<(String, crate::activity::Alert)>),
    /// The docker CLI contexts for the daemons window (from the executor), and why they
    /// could not be read, if so.
    Contexts {
        contexts: Vec<crate::docker::context_store::ContextInfo>,
        problem: Option<String>,
    },
    /// A daemon added to the session is resolved and watched (from the executor).
    DaemonAdded {
        host: HostId,
        endpoint: String,
    },
    /// A daemon could not be added (its context could not be resolved).
    DaemonAddFailed {
        host: HostId,
        reason: String,
    },
}

/// IO for the console's executor (`console::executor`) to perform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Stop the background work (the watch tasks); the loop ends once `AppState::quit` is
    /// set, which only the reducer does.
    Quit,
    /// Send a request to one watch task (`None`: to every daemon).
    Watch {
        host: Option<HostId>,
        request: WatchRequest,
    },
    /// Run a confirmed action; its outcome comes back as [`Msg::ActionDone`].
    Action(ActionRequest),
    /// Append a declined confirmation to the audit log.
    RecordDeclined(ActionRequest),
    /// Append an attempt refused before it ran (read-only console, busy target).
    RecordRefused {
        request: ActionRequest,
        reason: String,
    },
    /// Draw with this theme; the console answers with [`Msg::ThemeLoaded`].
    SetTheme(String),
    /// Read a container's processes; the answer is [`Msg::Processes`].
    ReadTop { host: HostId, id: String },
    /// Read the last `lines` log lines of a container; the answer is [`Msg::Logs`].
    ReadLogs {
        host: HostId,
        id: String,
        lines: usize,
    },
    /// Save the feed for the next start: `(endpoint, alert)`, oldest first, the newest
    /// [`super::feed::SAVED_FEED_MAX`].
    SaveFeed(Vec<(String, crate::activity::Alert)>),
    /// Read the docker CLI contexts; the answer is [`Msg::Contexts`].
    ListContexts,
    /// Resolve a daemon and start its watch task under `host` (the next id); the answer
    /// is [`Msg::DaemonAdded`] or [`Msg::DaemonAddFailed`].
    AddDaemon {
        host: HostId,
        source: super::hosts::DaemonSource,
    },
    /// Stop a daemon's watch task (dropped from the session).
    DropDaemon { host: HostId },
    /// Read the isolation records again (another seawall may have isolated or restored a
    /// container); the answer is [`Msg::Isolations`].
    ReadIsolations,
}

/// Apply one message.
pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Command(cmd) => command(state, cmd),
        // The confirm dialog takes every key while it is open.
        Msg::Input(_) if state.confirm.is_some() => Vec::new(),
        Msg::Input(key) => input(state, key),
        Msg::Confirm(yes) => super::action_state::on_answer(state, yes),
        Msg::ActionDone(outcome) => super::action_state::on_outcome(state, outcome),
        Msg::Isolations(records) => {
            super::action_state::on_isolations(state, records);
            Vec::new()
        }
        Msg::AuditFailed(problem) => {
            set_status(state, StatusLevel::Error, problem);
            Vec::new()
        }
        Msg::Drawn => {
            state.pending_events.clear();
            Vec::new()
        }
        Msg::Data(event) => {
            data(state, event);
            Vec::new()
        }
        Msg::Tick(now) => {
            let minute = tick(state, now);
            let mut effects = super::live_tabs::refresh_due(state);
            if minute {
                // `seawall isolate` in another shell, or a colleague's console.
                effects.push(Effect::ReadIsolations);
            }
            if minute && state.feed_pushes != state.feed_saved {
                effects.push(save_feed(state));
            }
            effects
        }
        Msg::FeedRestored(alerts) => {
            for (endpoint, alert) in alerts {
                if let Some(host) = state.hosts.iter().position(|h| h.endpoint == endpoint) {
                    push_alert(state, host, alert);
                }
            }
            // Seen in the last session: not new.
            state.feed.unseen = 0;
            state.feed.unseen_worst = None;
            for h in &mut state.hosts {
                h.unseen_alerts = 0;
            }
            state.feed_saved = state.feed_pushes;
            Vec::new()
        }
        Msg::Processes { host, id, result } => {
            super::live_tabs::on_processes(state, host, &id, result);
            Vec::new()
        }
        Msg::Logs { host, id, tail } => {
            super::live_tabs::on_logs(state, host, &id, tail);
            Vec::new()
        }
        Msg::ThemeLoaded { name, warnings } => {
            match warnings.first() {
                None => set_status(state, StatusLevel::Info, format!("theme {name}")),
                Some(w) => set_status(state, StatusLevel::Warning, w.clone()),
            }
            state.theme = name;
            Vec::new()
        }
        Msg::ClickRow(i)
            if state.confirm.is_none() && state.overlay.is_none() && state.picker.is_none() =>
        {
            if i < state.rows.len() {
                state.view = View::Fleet;
                state.focus = Focus::Table;
                state.selected = i;
                state.preview_scroll = 0;
            }
            Vec::new()
        }
        Msg::ClickTab(tab)
            if state.confirm.is_none() && state.overlay.is_none() && state.picker.is_none() =>
        {
            switch_tab(state, tab)
        }
        Msg::ClickHost(host)
            if state.confirm.is_none() && state.overlay.is_none() && state.picker.is_none() =>
        {
            if state.host_cursor == host {
                super::hosts::open_host(state, host);
            } else {
                state.host_cursor = host;
            }
            Vec::new()
        }
        Msg::ClickAlert(i)
            if state.confirm.is_none() && state.overlay.is_none() && state.picker.is_none() =>
        {
            if i < state.feed.shown_len() {
                state.view = View::Fleet;
                state.focus = Focus::Feed;
                state.feed.select_index(i);
                state.feed.mark_seen();
            }
            Vec::new()
        }
        Msg::ClickRow(_) | Msg::ClickTab(_) | Msg::ClickHost(_) | Msg::ClickAlert(_) => Vec::new(),
        Msg::Contexts { contexts, problem } => {
            super::hosts::on_contexts(state, contexts, problem);
            Vec::new()
        }
        Msg::DaemonAdded { host, endpoint } => {
            super::hosts::on_added(state, host, endpoint);
            Vec::new()
        }
        Msg::DaemonAddFailed { host, reason } => {
            super::hosts::on_add_failed(state, host, reason);
            Vec::new()
        }
    }
}

/// Store graded containers (from the watch task's grader) under their keys.
fn store(state: &mut AppState, host: HostId, graded: Vec<GradedContainer>) {
    let host_key = state.hosts.get(host).map(|h| {
        let name = h.facts.as_ref().map(|f| f.name.as_str()).unwrap_or("");
        crate::report::baseline::Baseline::host_key(name, &h.endpoint).to_string()
    });
    let today = state.now.date_naive();
    for mut g in graded {
        let key = RowKey {
            host,
            id: g.facts.id.clone(),
        };
        state.verdicts.mark(
            host_key.as_deref().unwrap_or(""),
            &g.facts,
            &mut g.findings,
            today,
        );
        state.containers.insert(key, ContainerView::new(host, g));
    }
}

pub(super) fn set_status(state: &mut AppState, level: StatusLevel, text: impl Into<String>) {
    state.status = Some(StatusMessage {
        text: text.into(),
        level,
    });
}

fn data(state: &mut AppState, event: DataEvent) {
    // A dropped daemon's last messages (sent before its task was stopped) are ignored.
    if state.hosts.get(event.host()).is_some_and(|h| h.dropped) {
        return;
    }
    match event {
        DataEvent::Status { host, status } => {
            if let Some(h) = state.hosts.get_mut(host) {
                let endpoint = h.endpoint.clone();
                match &status {
                    // The overview shows a down daemon's reason and retry in its row; the
                    // footer keeps its key hints.
                    LinkStatus::Down { .. } if state.view == View::Hosts => {}
                    LinkStatus::Down {
                        message,
                        retry_in_secs,
                    } => set_status(
                        state,
                        StatusLevel::Error,
                        format!("{endpoint}: {message} (retrying in {retry_in_secs}s)"),
                    ),
                    // Down, then Connecting, then Live: the "cannot reach" of the outage
                    // is replaced, not left standing.
                    LinkStatus::Live if h.was_down => {
                        set_status(state, StatusLevel::Info, format!("{endpoint}: reconnected"))
                    }
                    _ => {}
                }
                if let Some(h) = state.hosts.get_mut(host) {
                    match status {
                        LinkStatus::Down { .. } => h.was_down = true,
                        LinkStatus::Live => h.was_down = false,
                        LinkStatus::Connecting => {}
                    }
                    h.status = status;
                    h.status_at = state.now;
                }
            }
        }
        DataEvent::Host {
            host,
            posture,
            regraded,
        } => {
            if let Some(h) = state.hosts.get_mut(host) {
                h.set_posture(*posture);
            }
            store(state, host, regraded);
            rows::rebuild(state);
        }
        DataEvent::Snapshot { host, containers } => {
            // The containers still unread come again after the snapshot.
            if let Some(h) = state.hosts.get_mut(host) {
                h.unread.clear();
            }
            state.containers.retain(|k, _| k.host != host);
            store(state, host, containers);
            rows::rebuild(state);
        }
        DataEvent::Upsert {
            host,
            container,
            regraded,
            received,
            ..
        } => {
            if let Some(h) = state.hosts.get_mut(host) {
                h.unread.remove(&container.facts.id);
            }
            store(state, host, vec![*container]);
            store(state, host, regraded);
            state.pending_events.push(received);
            rows::rebuild(state);
        }
        DataEvent::Alert {
            host,
            alert,
            received,
        } => {
            on_alert(state, host, *alert);
            state.pending_events.push(received);
        }
        DataEvent::Removed { host, id, regraded } => {
            if let Some(h) = state.hosts.get_mut(host) {
                h.unread.remove(&id);
            }
            store(state, host, regraded);
            let key = RowKey { host, id };
            state.activity.remove(&key);
            if let Some(gone) = state.containers.remove(&key)
                && matches!(&state.view, View::Drilldown(d) if d.key == key)
            {
                set_status(
                    state,
                    StatusLevel::Warning,
                    format!("container {} was removed", gone.facts.name),
                );
            }
            rows::rebuild(state);
        }
        DataEvent::RawInspect { host, id, document } => {
            if let View::Drilldown(d) = &mut state.view
                && d.key.host == host
                && d.key.id == id
            {
                d.inspect.set_document(document);
            }
        }
        DataEvent::Unread { host, id, line } => {
            let Some(h) = state.hosts.get_mut(host) else {
                return;
            };
            h.unread.insert(id, line.clone());
            let endpoint = h.endpoint.clone();
            set_status(state, StatusLevel::Error, format!("{endpoint}: {line}"));
        }
        DataEvent::Error { host, message } => {
            let endpoint = state
                .hosts
                .get(host)
                .map(|h| h.endpoint.clone())
                .unwrap_or_default();
            set_status(state, StatusLevel::Error, format!("{endpoint}: {message}"));
        }
    }
}

/// The feed to save: the newest [`super::feed::SAVED_FEED_MAX`] alerts with their daemon's
/// endpoint, oldest first.
fn save_feed(state: &mut AppState) -> Effect {
    state.feed_saved = state.feed_pushes;
    let mut alerts: Vec<(String, crate::activity::Alert)> = state
        .feed
        .all_newest_first()
        .take(super::feed::SAVED_FEED_MAX)
        .filter_map(|e| {
            let endpoint = state.hosts.get(e.host)?.endpoint.clone();
            Some((endpoint, e.alert.clone()))
        })
        .collect();
    alerts.reverse();
    Effect::SaveFeed(alerts)
}

/// The clock moved: uptimes follow it, and once a minute the activity points decay.
/// Returns whether the minute's recomputation ran.
fn tick(state: &mut AppState, now: chrono::DateTime<chrono::Utc>) -> bool {
    state.now = now;
    if (now - state.activity_at).num_seconds() < ACTIVITY_RECOMPUTE_SECS && now >= state.activity_at
    {
        return false;
    }
    state.activity_at = now;
    let mut moved = false;
    let containers = &state.containers;
    state.activity.retain(|key, a| {
        let points = a.level.points(now);
        if points != a.points {
            a.points = points;
            moved |= containers.contains_key(key);
        }
        a.alerts > 0 || a.points > 0
    });
    if moved && state.sort == SortKey::Score {
        rows::rebuild(state);
    }
    true
}

/// An alert from a watch task: seawall's own doing (an isolate's disconnects...) is left
/// out, seawall's own entry stands for it; anything else goes into the feed.
fn on_alert(state: &mut AppState, host: HostId, alert: crate::activity::Alert) {
    if super::action_state::own_doing(state, host, &alert) {
        return;
    }
    push_alert(state, host, alert);
}

/// An alert into the feed, onto its container's count and activity points.
pub(super) fn push_alert(state: &mut AppState, host: HostId, alert: crate::activity::Alert) {
    state.feed_pushes += 1;
    let key = alert.container.as_ref().map(|c| RowKey {
        host,
        id: c.id.clone(),
    });
    let mut moved = false;
    if let Some(key) = &key {
        let a = state.activity.entry(key.clone()).or_default();
        a.alerts += 1;
        a.worst = a.worst.max(Some(alert.severity));
        a.level.add(alert.time, alert.score_bump);
        let points = a.level.points(state.now);
        if points != a.points {
            a.points = points;
            moved = state.containers.contains_key(key);
        }
    }
    let severity = alert.severity;
    // Unseen on the overview unless this daemon's containers are on screen.
    let looking = state.host_only == Some(host) && state.view != View::Hosts;
    if let Some(h) = state.hosts.get_mut(host)
        && !looking
    {
        h.unseen_alerts += 1;
    }
    let pushed = state.feed.push(host, alert);
    if let Some(old) = pushed.evicted
        && let Some(old_key) = old.key()
        && let Some(a) = state.activity.get_mut(&old_key)
    {
        a.alerts = a.alerts.saturating_sub(1);
        if a.alerts == 0 && a.points == 0 && !state.containers.contains_key(&old_key) {
            state.activity.remove(&old_key);
        }
    }
    if pushed.shown && !feed_in_view(state) {
        state.feed.note_unseen(severity);
    }
    // Only a changed score (or count, sorted by alerts) can move a row; counts are read
    // when drawing.
    if (moved && state.sort == SortKey::Score) || state.sort == SortKey::Alerts {
        rows::rebuild(state);
    }
}

/// Is the user looking at the feed (fleet view, feed focused, no overlay)?
pub fn feed_in_view(state: &AppState) -> bool {
    state.view == View::Fleet && state.focus == Focus::Feed && state.overlay.is_none()
}

fn input(state: &mut AppState, key: InputKey) -> Vec<Effect> {
    if state.command_line.is_some() {
        return command_line_key(state, key);
    }
    let mut edit = state.edit;
    if state.feed.editing {
        let mut text = state.feed.filter().text.clone();
        match key {
            InputKey::Enter => state.feed.editing = false,
            InputKey::Esc => {
                text.clear();
                state.feed.editing = false;
            }
            _ => {
                edit.apply(&mut text, key);
            }
        }
        state.edit = edit;
        state.feed.set_text(text);
        state.feed.select_newest();
        return Vec::new();
    }
    if state.filter_editing {
        match key {
            InputKey::Enter => state.filter_editing = false,
            InputKey::Esc => {
                state.filter.clear();
                state.filter_editing = false;
            }
            _ => {
                edit.apply(&mut state.filter, key);
            }
        }
        state.edit = edit;
        state.selected = 0;
        rows::rebuild(state);
        return Vec::new();
    }
    if let View::Drilldown(d) = &mut state.view
        && d.inspect.searching
    {
        let mut search = std::mem::take(&mut d.inspect.search);
        match key {
            InputKey::Enter => d.inspect.searching = false,
            InputKey::Esc => {
                search.clear();
                d.inspect.searching = false;
            }
            _ => {
                edit.apply(&mut search, key);
            }
        }
        state.edit = edit;
        d.inspect.set_search(search);
        d.inspect.match_index = 0;
        jump_to_match(d);
        return Vec::new();
    }
    if let View::Drilldown(d) = &mut state.view
        && d.logs.searching
    {
        match key {
            InputKey::Enter => d.logs.searching = false,
            InputKey::Esc => {
                d.logs.search.clear();
                d.logs.searching = false;
            }
            _ => {
                edit.apply(&mut d.logs.search, key);
            }
        }
        state.edit = edit;
        d.logs.match_index = 0;
        super::live_tabs::jump_to_log_match(d);
    }
    Vec::new()
}

/// A key in the `:` command line: edit, complete, run or leave.
fn command_line_key(state: &mut AppState, key: InputKey) -> Vec<Effect> {
    let Some(mut line) = state.command_line.take() else {
        return Vec::new();
    };
    match key {
        InputKey::Esc => Vec::new(),
        InputKey::Enter => run_command_line(state, &line),
        InputKey::Complete => {
            if let Some(done) = super::command_line::complete(state, &line) {
                line = done;
                state.edit = super::line_edit::LineEdit {
                    cursor: line.chars().count(),
                    selected: false,
                };
            }
            state.command_line = Some(line);
            Vec::new()
        }
        other => {
            state.edit.apply(&mut line, other);
            state.command_line = Some(line);
            Vec::new()
        }
    }
}

/// Run a typed command line.
fn run_command_line(state: &mut AppState, line: &str) -> Vec<Effect> {
    use super::command_line::{Line, parse};
    match parse(state, line) {
        Err(e) => {
            set_status(
                state,
                StatusLevel::Warning,
                format!(":{} - {e}", line.trim()),
            );
            Vec::new()
        }
        Ok(Line::Empty) => Vec::new(),
        Ok(Line::Run(cmd)) => command(state, cmd),
        Ok(Line::Theme(name)) => set_theme(state, name),
        Ok(Line::Sort { key, reverse }) => {
            state.sort = key;
            state.sort_reverse = reverse;
            rows::rebuild(state);
            let order = if reverse { " (reversed)" } else { "" };
            set_status(
                state,
                StatusLevel::Info,
                format!("sorted by {}{order}", key.label()),
            );
            Vec::new()
        }
        Ok(Line::Filter(text)) => {
            state.view = View::Fleet;
            state.filter = text;
            state.selected = 0;
            rows::rebuild(state);
            Vec::new()
        }
        Ok(Line::Daemon(host)) => {
            state.host_only = host;
            state.selected = 0;
            state.view = View::Fleet;
            rows::rebuild(state);
            let text = match host.and_then(|h| state.hosts.get(h)) {
                Some(h) => format!(
                    "only {}'s containers (:daemon all shows every one)",
                    h.endpoint
                ),
                None => "every daemon's containers".to_string(),
            };
            set_status(state, StatusLevel::Info, text);
            Vec::new()
        }
    }
}

/// Draw with `name`, or the theme after the current one.
fn set_theme(state: &mut AppState, name: Option<String>) -> Vec<Effect> {
    let themes = &state.settings.themes;
    let name = name.or_else(|| {
        let at = themes.iter().position(|t| *t == state.theme);
        let next = at.map_or(0, |i| (i + 1) % themes.len().max(1));
        themes.get(next).cloned()
    });
    match name {
        Some(name) => vec![Effect::SetTheme(name)],
        None => {
            set_status(state, StatusLevel::Info, "no theme to switch to");
            Vec::new()
        }
    }
}

fn jump_to_match(d: &mut Drilldown) {
    let matches = d.inspect.matches();
    if let Some(line) = matches.get(d.inspect.match_index % matches.len().max(1)) {
        d.scroll = line.saturating_sub(2);
    }
}

fn move_by(pos: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let p = pos as isize + delta;
    p.clamp(0, len as isize - 1) as usize
}

fn scroll_by(pos: usize, delta: isize) -> usize {
    (pos as isize + delta).max(0) as usize
}

fn open_drilldown(state: &mut AppState, tab: Tab) -> Vec<Effect> {
    let Some(key) = state.rows.get(state.selected).cloned() else {
        return Vec::new();
    };
    state.view = View::Drilldown(Box::new(Drilldown::new(key, tab)));
    switch_tab(state, tab)
}

/// Select a drilldown tab, asking for the raw document when the Inspect tab opens.
fn switch_tab(state: &mut AppState, tab: Tab) -> Vec<Effect> {
    let View::Drilldown(d) = &mut state.view else {
        return Vec::new();
    };
    if d.tab != tab {
        d.scroll = 0;
        d.refreshed = None;
    }
    d.tab = tab;
    if matches!(tab, Tab::Processes | Tab::Logs) {
        return super::live_tabs::refresh_due(state);
    }
    if tab == Tab::Inspect && d.inspect.document.is_none() {
        return vec![Effect::Watch {
            host: Some(d.key.host),
            request: WatchRequest::RawInspect {
                id: d.key.id.clone(),
            },
        }];
    }
    Vec::new()
}

fn tab_for(cmd: Command) -> Option<Tab> {
    match cmd {
        Command::Tab1 => Some(Tab::Findings),
        Command::Tab2 => Some(Tab::Capabilities),
        Command::Tab3 => Some(Tab::Mounts),
        Command::Tab4 => Some(Tab::Security),
        Command::Tab5 => Some(Tab::Namespaces),
        Command::Tab6 => Some(Tab::Inspect),
        Command::Tab7 => Some(Tab::Activity),
        Command::Tab8 => Some(Tab::Network),
        Command::Tab9 => Some(Tab::Processes),
        Command::Tab10 => Some(Tab::Logs),
        _ => None,
    }
}

/// A command: quit and the confirm dialog first, then an open window, then the command
/// table's checks (read-only, a target), then the current view.
fn command(state: &mut AppState, cmd: Command) -> Vec<Effect> {
    if cmd == Command::Quit {
        return quit(state);
    }
    if state.confirm.is_some() {
        return Vec::new();
    }
    if state.picker.is_some() {
        return super::hosts::picker_command(state, cmd);
    }
    match cmd {
        Command::Daemons => return super::hosts::open_picker(state),
        Command::HostOverview if state.overlay.is_none() => {
            super::hosts::show_overview(state);
            return Vec::new();
        }
        Command::AllHosts if state.overlay.is_none() => {
            super::hosts::all_hosts(state);
            return Vec::new();
        }
        _ => {}
    }
    if let Some(overlay) = state.overlay {
        overlay_command(state, overlay, cmd);
        return Vec::new();
    }
    let spec = cmd.spec();
    let target = match super::action_state::admit(state, spec) {
        Ok(target) => target,
        Err(effects) => return effects,
    };
    if let (Some(kind), Some(target)) = (spec.action, target) {
        return super::action_state::ask(state, kind, target);
    }
    match cmd {
        Command::Help => {
            state.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Command::Posture => {
            state.overlay = Some(Overlay::Posture { scroll: 0 });
            Vec::new()
        }
        Command::WhatIf => {
            state.overlay = Some(Overlay::WhatIf { scroll: 0 });
            Vec::new()
        }
        Command::ToggleLog => {
            state.show_log = !state.show_log;
            if !state.show_log && state.focus == Focus::Log {
                state.focus = Focus::Table;
            }
            Vec::new()
        }
        Command::Refresh => {
            set_status(state, StatusLevel::Info, "re-reading every daemon");
            vec![
                Effect::Watch {
                    host: None,
                    request: WatchRequest::Resync,
                },
                Effect::ReadIsolations,
            ]
        }
        Command::CommandLine => {
            state.command_line = Some(String::new());
            state.edit = LineEdit::default();
            Vec::new()
        }
        Command::CycleTheme => set_theme(state, None),
        Command::RunningOnly => {
            state.running_only = !state.running_only;
            state.selected = 0;
            rows::rebuild(state);
            let text = if state.running_only {
                "running containers only"
            } else {
                "every container"
            };
            set_status(state, StatusLevel::Info, text);
            Vec::new()
        }
        Command::Feed | Command::FeedSeverity | Command::FeedContainer => {
            feed_command(state, cmd);
            Vec::new()
        }
        _ => match &state.view {
            View::Hosts => super::hosts::hosts_command(state, cmd),
            View::Drilldown(_) => drilldown_command(state, cmd),
            View::Fleet if state.focus == Focus::Feed => feed_keys(state, cmd),
            View::Fleet => fleet_command(state, cmd),
        },
    }
}

/// Quit; an unanswered dialog is a declined one.
fn quit(state: &mut AppState) -> Vec<Effect> {
    state.quit = true;
    let mut effects: Vec<Effect> = state
        .confirm
        .take()
        .map(|c| Effect::RecordDeclined(c.request))
        .into_iter()
        .collect();
    if state.feed_pushes != state.feed_saved {
        effects.push(save_feed(state));
    }
    effects.push(Effect::Quit);
    effects
}

/// A help or posture window takes the keys first: scrolling, closing, switching.
fn overlay_command(state: &mut AppState, overlay: Overlay, cmd: Command) {
    let page = state.settings.page_size.max(1) as isize;
    let (Overlay::Help { scroll } | Overlay::Posture { scroll } | Overlay::WhatIf { scroll }) =
        overlay;
    let new_scroll = match cmd {
        Command::Up => scroll_by(scroll, -1),
        Command::Down => scroll_by(scroll, 1),
        Command::PageUp => scroll_by(scroll, -page),
        Command::PageDown => scroll_by(scroll, page),
        Command::Top => 0,
        Command::Bottom => usize::MAX / 2,
        Command::Back | Command::Open => {
            state.overlay = None;
            return;
        }
        Command::Help if matches!(overlay, Overlay::Help { .. }) => {
            state.overlay = None;
            return;
        }
        Command::Posture if matches!(overlay, Overlay::Posture { .. }) => {
            state.overlay = None;
            return;
        }
        Command::WhatIf if matches!(overlay, Overlay::WhatIf { .. }) => {
            state.overlay = None;
            return;
        }
        Command::Help => {
            state.overlay = Some(Overlay::Help { scroll: 0 });
            return;
        }
        Command::Posture => {
            state.overlay = Some(Overlay::Posture { scroll: 0 });
            return;
        }
        _ => scroll,
    };
    state.overlay = Some(match overlay {
        Overlay::Help { .. } => Overlay::Help { scroll: new_scroll },
        Overlay::Posture { .. } => Overlay::Posture { scroll: new_scroll },
        Overlay::WhatIf { .. } => Overlay::WhatIf { scroll: new_scroll },
    });
}

/// Keys in the drilldown: tabs, scrolling, the inspect search, back.
fn drilldown_command(state: &mut AppState, cmd: Command) -> Vec<Effect> {
    let page = state.settings.page_size.max(1) as isize;
    let View::Drilldown(d) = &mut state.view else {
        return Vec::new();
    };
    match cmd {
        Command::Back => state.view = View::Fleet,
        Command::NextPane => {
            let t = d.tab.next();
            return switch_tab(state, t);
        }
        Command::PrevPane => {
            let t = d.tab.prev();
            return switch_tab(state, t);
        }
        Command::Up | Command::PageUp if d.tab == Tab::Logs && d.logs.follow => {
            // Scrolling back to read stops following.
            d.logs.follow = false;
            let lines = d.logs.lines.as_ref().map_or(0, Vec::len);
            let step = if cmd == Command::Up { 1 } else { page as usize };
            d.scroll = d.scroll.min(lines).saturating_sub(step);
        }
        Command::Up => d.scroll = scroll_by(d.scroll, -1),
        Command::Down => d.scroll = scroll_by(d.scroll, 1),
        Command::PageUp => d.scroll = scroll_by(d.scroll, -page),
        Command::PageDown => d.scroll = scroll_by(d.scroll, page),
        Command::Top => d.scroll = 0,
        Command::Bottom => d.scroll = usize::MAX / 2,
        Command::Filter if d.tab == Tab::Inspect => {
            d.inspect.searching = true;
            state.edit = LineEdit::begin(&d.inspect.search);
        }
        Command::SearchNext if d.tab == Tab::Inspect => {
            d.inspect.match_index += 1;
            jump_to_match(d);
        }
        Command::Filter if d.tab == Tab::Logs => {
            d.logs.searching = true;
            state.edit = LineEdit::begin(&d.logs.search);
        }
        Command::SearchNext if d.tab == Tab::Logs => {
            d.logs.match_index += 1;
            d.logs.follow = false;
            super::live_tabs::jump_to_log_match(d);
        }
        Command::LogFollow if d.tab == Tab::Logs => {
            d.logs.follow = !d.logs.follow;
            if d.logs.follow {
                d.scroll = usize::MAX / 2;
                d.refreshed = None;
                return super::live_tabs::refresh_due(state);
            }
        }
        other => {
            if let Some(tab) = tab_for(other) {
                return switch_tab(state, tab);
            }
        }
    }
    Vec::new()
}

/// Keys in the fleet view while the table, the preview or the log has the focus.
fn fleet_command(state: &mut AppState, cmd: Command) -> Vec<Effect> {
    let page = state.settings.page_size.max(1) as isize;
    let len = state.rows.len();
    match (cmd, state.focus) {
        (Command::Up, Focus::Table) => state.selected = move_by(state.selected, -1, len),
        (Command::Down, Focus::Table) => state.selected = move_by(state.selected, 1, len),
        (Command::PageUp, Focus::Table) => state.selected = move_by(state.selected, -page, len),
        (Command::PageDown, Focus::Table) => state.selected = move_by(state.selected, page, len),
        (Command::Top, Focus::Table) => state.selected = 0,
        (Command::Bottom, Focus::Table) => state.selected = len.saturating_sub(1),
        (Command::Up, Focus::Preview) => state.preview_scroll = scroll_by(state.preview_scroll, -1),
        (Command::Down, Focus::Preview) => {
            state.preview_scroll = scroll_by(state.preview_scroll, 1)
        }
        (Command::PageUp, Focus::Preview) => {
            state.preview_scroll = scroll_by(state.preview_scroll, -page)
        }
        (Command::PageDown, Focus::Preview) => {
            state.preview_scroll = scroll_by(state.preview_scroll, page)
        }
        (Command::Top, Focus::Preview) => state.preview_scroll = 0,
        (Command::Up, Focus::Log) => state.log_scroll = scroll_by(state.log_scroll, 1),
        (Command::Down, Focus::Log) => state.log_scroll = scroll_by(state.log_scroll, -1),
        (Command::PageUp, Focus::Log) => state.log_scroll = scroll_by(state.log_scroll, page),
        (Command::PageDown, Focus::Log) => state.log_scroll = scroll_by(state.log_scroll, -page),
        (Command::Bottom, Focus::Log) => state.log_scroll = 0,
        (Command::NextPane, _) => state.focus = next_focus(state),
        (Command::PrevPane, _) => state.focus = prev_focus(state),
        (Command::Open, _) => return open_drilldown(state, Tab::Findings),
        (Command::Back, _) => {
            if !state.filter.is_empty() {
                state.filter.clear();
                rows::rebuild(state);
                state.status = None;
            } else if state.overview {
                super::hosts::show_overview(state);
                return Vec::new();
            } else {
                state.status = None;
            }
        }
        (Command::Filter, _) => {
            state.filter_editing = true;
            state.edit = LineEdit::begin(&state.filter);
            state.focus = Focus::Table;
        }
        (Command::SortNext, _) => {
            state.sort = state.sort.next();
            state.sort_reverse = false;
            rows::rebuild(state);
        }
        (Command::SortReverse, _) => {
            state.sort_reverse = !state.sort_reverse;
            rows::rebuild(state);
        }
        (other, _) => {
            if let Some(tab) = tab_for(other) {
                return open_drilldown(state, tab);
            }
        }
    }
    if state.focus == Focus::Table {
        state.preview_scroll = 0;
    }
    if state.focus == Focus::Feed {
        state.feed.mark_seen();
    }
    Vec::new()
}

/// `tab` in the fleet view: table, preview, feed, log (when shown), table.
fn next_focus(state: &AppState) -> Focus {
    match state.focus {
        Focus::Table => Focus::Preview,
        Focus::Preview => Focus::Feed,
        Focus::Feed if state.show_log => Focus::Log,
        Focus::Feed | Focus::Log => Focus::Table,
    }
}

/// `shift-tab`: the other way round.
fn prev_focus(state: &AppState) -> Focus {
    match state.focus {
        Focus::Table if state.show_log => Focus::Log,
        Focus::Table => Focus::Feed,
        Focus::Log => Focus::Feed,
        Focus::Feed => Focus::Preview,
        Focus::Preview => Focus::Table,
    }
}

/// The feed's own commands, from any view: they show the feed (fleet view, feed focused).
fn feed_command(state: &mut AppState, cmd: Command) {
    let was_in_view = feed_in_view(state);
    // The container the user is looking at: the drilldown's, else the selected row's.
    let current = match &state.view {
        View::Drilldown(d) => Some(d.key.clone()),
        View::Fleet | View::Hosts => state.rows.get(state.selected).cloned(),
    };
    state.view = View::Fleet;
    state.focus = Focus::Feed;
    match cmd {
        Command::Feed if was_in_view => state.focus = Focus::Table,
        Command::FeedSeverity => {
            let next = match state.feed.filter().min_severity {
                Severity::Info => Severity::Low,
                Severity::Low => Severity::Medium,
                Severity::Medium => Severity::High,
                Severity::High => Severity::Critical,
                Severity::Critical => Severity::Info,
            };
            state.feed.set_min_severity(next);
        }
        Command::FeedContainer => {
            if state.feed.filter().container.is_some() {
                state.feed.set_container(None);
            } else if let Some(key) = current {
                let name = state
                    .containers
                    .get(&key)
                    .map(|c| c.facts.name.clone())
                    .unwrap_or_else(|| key.id.chars().take(12).collect());
                state.feed.set_container(Some((key, name)));
            } else {
                set_status(state, StatusLevel::Info, "no container selected");
            }
        }
        _ => {}
    }
    if state.focus == Focus::Feed {
        state.feed.mark_seen();
    }
}

/// Keys while the feed has the focus (fleet view).
fn feed_keys(state: &mut AppState, cmd: Command) -> Vec<Effect> {
    let page = state.settings.page_size.max(1) as isize;
    let feed = &mut state.feed;
    match cmd {
        Command::Up => feed.move_by(-1),
        Command::Down => feed.move_by(1),
        Command::PageUp => feed.move_by(-page),
        Command::PageDown => feed.move_by(page),
        Command::Top => feed.select_newest(),
        Command::Bottom => feed.select_oldest(),
        Command::NextPane => state.focus = next_focus(state),
        Command::PrevPane => state.focus = prev_focus(state),
        Command::Filter => {
            feed.editing = true;
            state.edit = LineEdit::begin(&feed.filter().text);
        }
        // The text and container filters go first; the severity stays (`v` cycles it).
        Command::Back => {
            if !feed.filter().text.is_empty() || feed.filter().container.is_some() {
                let min_severity = feed.filter().min_severity;
                feed.set_filter(super::feed::FeedFilter {
                    min_severity,
                    ..Default::default()
                });
            } else {
                state.focus = Focus::Table;
            }
            state.status = None;
        }
        Command::Open => return open_alert(state),
        Command::SortNext => {
            state.sort = state.sort.next();
            state.sort_reverse = false;
            rows::rebuild(state);
        }
        Command::SortReverse => {
            state.sort_reverse = !state.sort_reverse;
            rows::rebuild(state);
        }
        other => {
            if let Some(tab) = tab_for(other) {
                return open_drilldown(state, tab);
            }
        }
    }
    Vec::new()
}

/// `enter` on an alert: its container's drilldown, on the Activity tab. A container the
/// fleet filter hides is shown by clearing the filter.
fn open_alert(state: &mut AppState) -> Vec<Effect> {
    let Some(entry) = state.feed.selected() else {
        return Vec::new();
    };
    let Some(c) = &entry.alert.container else {
        set_status(
            state,
            StatusLevel::Info,
            "this alert is about the daemon, not a container",
        );
        return Vec::new();
    };
    let name = c.name.clone();
    let key = RowKey {
        host: entry.host,
        id: c.id.clone(),
    };
    if !state.containers.contains_key(&key) {
        set_status(
            state,
            StatusLevel::Warning,
            format!("container {name} is not on the daemon (removed, or not read yet)"),
        );
        return Vec::new();
    }
    if !state.rows.contains(&key) {
        state.filter.clear();
        rows::rebuild(state);
        set_status(
            state,
            StatusLevel::Info,
            format!("fleet filter cleared to show {name}"),
        );
    }
    if let Some(i) = state.rows.iter().position(|k| *k == key) {
        state.selected = i;
    }
    state.view = View::Drilldown(Box::new(Drilldown::new(key, Tab::Activity)));
    Vec::new()
}
