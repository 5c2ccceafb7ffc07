//! The host overview (one row per daemon, worst first) and the daemons window (`D`: add a
//! docker CLI context or a `-H` endpoint to the session, focus a daemon, drop one).
//!
//! Daemons keep their [`HostId`] for the whole session: adding one appends a [`HostView`],
//! dropping one marks it `dropped` (its task is aborted by the executor, its containers are
//! removed, its feed entries stay as history), so an id is never reused.

use super::rows;
use super::state::{AppState, Focus, HostView, View};
use super::update::{Effect, set_status};
use super::{Command, StatusLevel};
use crate::docker::context_store::ContextInfo;
use crate::risk::Band;
use crate::watch::{HostId, LinkStatus};

/// What the overview shows of one daemon besides its [`HostView`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HostCounts {
    /// Containers by band of the score shown (configuration + activity):
    /// critical, high, medium, low.
    pub bands: [usize; 4],
}

impl HostCounts {
    pub fn critical(&self) -> usize {
        self.bands[0]
    }
    pub fn high(&self) -> usize {
        self.bands[1]
    }
}

/// Count one daemon's containers by band.
pub fn counts(state: &AppState, host: HostId) -> HostCounts {
    let mut c = HostCounts::default();
    for v in state.host_containers(host) {
        let i = match state.shown_score(v).band {
            Band::Critical => 0,
            Band::High => 1,
            Band::Medium => 2,
            Band::Low => 3,
        };
        c.bands[i] += 1;
    }
    c
}

/// How reachable a daemon is, worst first: down, connecting, live.
fn reach_rank(status: &LinkStatus) -> u8 {
    match status {
        LinkStatus::Down { .. } => 0,
        LinkStatus::Connecting => 1,
        LinkStatus::Live => 2,
    }
}

/// The overview's order, worst first. "Worst" is, in this order: a daemon that is down,
/// then one still connecting, then a live one; among equals, more critical containers,
/// then more unseen alerts, then more high containers, then the higher (worse) posture
/// score; then by name (stable). Dropped daemons are not listed.
pub fn overview_order(state: &AppState) -> Vec<HostId> {
    let mut rows: Vec<(HostId, &HostView, HostCounts)> = state
        .session_hosts()
        .map(|(id, h)| (id, h, counts(state, id)))
        .collect();
    rows.sort_by(|(ia, a, ca), (ib, b, cb)| {
        reach_rank(&a.status)
            .cmp(&reach_rank(&b.status))
            .then(cb.critical().cmp(&ca.critical()))
            .then(b.unseen_alerts.cmp(&a.unseen_alerts))
            .then(cb.high().cmp(&ca.high()))
            .then(b.posture_score.value.cmp(&a.posture_score.value))
            .then_with(|| a.name.cmp(&b.name))
            .then(ia.cmp(ib))
    });
    rows.into_iter().map(|(id, _, _)| id).collect()
}

/// Seconds until the next connection attempt of a down daemon, counted down from when its
/// status arrived.
pub fn retry_left(state: &AppState, host: &HostView) -> Option<u64> {
    let LinkStatus::Down { retry_in_secs, .. } = &host.status else {
        return None;
    };
    let since = (state.now - host.status_at).num_seconds().max(0) as u64;
    Some(retry_in_secs.saturating_sub(since))
}

/// The display name of an endpoint: its context's name when a context chose it, else its
/// URL.
pub fn endpoint_name(ep: &crate::docker::Endpoint) -> String {
    use crate::docker::EndpointSource as S;
    match &ep.source {
        S::ContextFlag(name) | S::DockerContextEnv(name) | S::ConfigCurrentContext(name) => {
            name.clone()
        }
        _ => ep.url.clone(),
    }
}

/// Where a daemon to add comes from (the executor resolves it into an endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DaemonSource {
    /// A docker CLI context, by name.
    Context(String),
    /// The endpoint of a daemon of this session (a dropped `-H` endpoint added again).
    Host(HostId),
}

/// One line of the daemons window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonChoice {
    pub label: String,
    /// The endpoint, passwords removed (empty for a context without a docker endpoint).
    pub url: String,
    pub kind: ChoiceKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceKind {
    /// In the session: `enter` focuses it, `x` drops it.
    Session(HostId),
    /// Dropped earlier: `enter` adds it again (a new id).
    Dropped(HostId),
    /// A docker CLI context not in the session: `enter` adds it.
    Context(String),
}

/// The daemons window.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DaemonPicker {
    pub choices: Vec<DaemonChoice>,
    pub selected: usize,
    /// The contexts are being read.
    pub loading: bool,
    /// Why the contexts could not be read.
    pub problem: Option<String>,
    /// The contexts last read (kept to rebuild the list after an add or a drop).
    pub contexts: Vec<ContextInfo>,
}

/// The window's lines: the session's daemons, then the dropped ones (not listed when their
/// endpoint is in the session again), then the contexts not in the session (by name).
pub fn choices(state: &AppState, contexts: &[ContextInfo]) -> Vec<DaemonChoice> {
    let mut out: Vec<DaemonChoice> = state
        .session_hosts()
        .map(|(id, h)| DaemonChoice {
            label: h.name.clone(),
            url: h.endpoint.clone(),
            kind: ChoiceKind::Session(id),
        })
        .collect();
    let present = |out: &[DaemonChoice], name: &str, url: &str| {
        out.iter()
            .any(|c| c.label == name || (!url.is_empty() && c.url == url))
    };
    for (id, h) in state.hosts.iter().enumerate().filter(|(_, h)| h.dropped) {
        if !present(&out, &h.name, &h.endpoint) {
            out.push(DaemonChoice {
                label: h.name.clone(),
                url: h.endpoint.clone(),
                kind: ChoiceKind::Dropped(id),
            });
        }
    }
    // A context is in the session when a daemon carries its name; one that points at the
    // endpoint of a `-H` daemon is still listed (the user may want it by name).
    for c in contexts {
        let url = c.host.clone().unwrap_or_default();
        if !out.iter().any(|o| o.label == c.name) {
            out.push(DaemonChoice {
                label: c.name.clone(),
                url,
                kind: ChoiceKind::Context(c.name.clone()),
            });
        }
    }
    out
}

/// `D`: open the daemons window (the contexts are read by the executor).
pub fn open_picker(state: &mut AppState) -> Vec<Effect> {
    state.overlay = None;
    state.picker = Some(DaemonPicker {
        choices: choices(state, &[]),
        loading: true,
        ..DaemonPicker::default()
    });
    vec![Effect::ListContexts]
}

/// The contexts arrived (or could not be read).
pub fn on_contexts(state: &mut AppState, contexts: Vec<ContextInfo>, problem: Option<String>) {
    let list = choices(state, &contexts);
    if let Some(p) = &mut state.picker {
        p.choices = list;
        p.selected = p.selected.min(p.choices.len().saturating_sub(1));
        p.loading = false;
        p.problem = problem;
        p.contexts = contexts;
    }
}

fn refresh_picker(state: &mut AppState) {
    if let Some(p) = &state.picker {
        let contexts = p.contexts.clone();
        let list = choices(state, &contexts);
        if let Some(p) = &mut state.picker {
            p.choices = list;
            p.selected = p.selected.min(p.choices.len().saturating_sub(1));
        }
    }
}

/// Keys while the daemons window is open.
pub fn picker_command(state: &mut AppState, cmd: Command) -> Vec<Effect> {
    let Some(p) = &mut state.picker else {
        return Vec::new();
    };
    let last = p.choices.len().saturating_sub(1);
    match cmd {
        Command::Up => p.selected = p.selected.saturating_sub(1),
        Command::Down => p.selected = (p.selected + 1).min(last),
        Command::Top | Command::PageUp => p.selected = 0,
        Command::Bottom | Command::PageDown => p.selected = last,
        Command::Back | Command::Daemons => state.picker = None,
        Command::Open => {
            let Some(choice) = p.choices.get(p.selected).cloned() else {
                return Vec::new();
            };
            state.picker = None;
            return choose(state, choice);
        }
        Command::DropDaemon => {
            let Some(choice) = p.choices.get(p.selected).cloned() else {
                return Vec::new();
            };
            let ChoiceKind::Session(host) = choice.kind else {
                set_status(
                    state,
                    StatusLevel::Info,
                    "not in the session: enter adds it",
                );
                return Vec::new();
            };
            let effects = drop_host(state, host);
            refresh_picker(state);
            return effects;
        }
        _ => {}
    }
    Vec::new()
}

/// `enter` in the daemons window: focus a daemon of the session, add any other.
fn choose(state: &mut AppState, choice: DaemonChoice) -> Vec<Effect> {
    let (source, name, url) = match choice.kind {
        ChoiceKind::Session(host) => {
            open_host(state, host);
            return Vec::new();
        }
        ChoiceKind::Dropped(old) => (DaemonSource::Host(old), choice.label, choice.url),
        ChoiceKind::Context(name) => (DaemonSource::Context(name), choice.label, choice.url),
    };
    let host = state.hosts.len();
    let mut view = HostView::new(if url.is_empty() { name.clone() } else { url });
    view.name = name.clone();
    view.status_at = state.now;
    state.hosts.push(view);
    if state.session_hosts().count() > 1 {
        state.overview = true;
        state.view = View::Hosts;
    }
    state.host_cursor = host;
    set_status(state, StatusLevel::Info, format!("adding {name}…"));
    vec![Effect::AddDaemon { host, source }]
}

/// The executor resolved an added daemon and started its watch task.
pub fn on_added(state: &mut AppState, host: HostId, endpoint: String) {
    if let Some(h) = state.hosts.get_mut(host) {
        h.endpoint = endpoint;
        let name = h.name.clone();
        set_status(state, StatusLevel::Info, format!("{name} added"));
    }
    refresh_picker(state);
}

/// An added daemon could not be resolved: it leaves the session again.
pub fn on_add_failed(state: &mut AppState, host: HostId, reason: String) {
    let Some(h) = state.hosts.get_mut(host) else {
        return;
    };
    h.dropped = true;
    let name = h.name.clone();
    if state.host_cursor == host {
        state.host_cursor = overview_order(state).first().copied().unwrap_or(0);
    }
    set_status(
        state,
        StatusLevel::Error,
        format!("cannot add {name}: {reason}"),
    );
    refresh_picker(state);
}

/// Drop a daemon from the session: its task stops, its rows go.
pub fn drop_host(state: &mut AppState, host: HostId) -> Vec<Effect> {
    if state.session_hosts().count() <= 1 {
        set_status(
            state,
            StatusLevel::Warning,
            "the last daemon of the session cannot be dropped (q quits)",
        );
        return Vec::new();
    }
    let Some(h) = state.hosts.get_mut(host).filter(|h| !h.dropped) else {
        return Vec::new();
    };
    h.dropped = true;
    h.unread.clear();
    let name = h.name.clone();
    state.containers.retain(|k, _| k.host != host);
    state.activity.retain(|k, _| k.host != host);
    if state.host_only == Some(host) {
        state.host_only = None;
    }
    if matches!(&state.view, View::Drilldown(d) if d.key.host == host) {
        state.view = View::Fleet;
    }
    if state.host_cursor == host {
        state.host_cursor = overview_order(state).first().copied().unwrap_or(0);
    }
    rows::rebuild(state);
    set_status(state, StatusLevel::Info, format!("{name} dropped"));
    vec![Effect::DropDaemon { host }]
}

/// Show one daemon's containers (the fleet table filtered to it); its alerts are seen.
pub fn open_host(state: &mut AppState, host: HostId) {
    let Some(h) = state.hosts.get_mut(host).filter(|h| !h.dropped) else {
        return;
    };
    h.unseen_alerts = 0;
    let name = h.name.clone();
    state.host_only = Some(host);
    state.host_cursor = host;
    state.view = View::Fleet;
    state.focus = Focus::Table;
    state.selected = 0;
    state.preview_scroll = 0;
    rows::rebuild(state);
    let back = state.key_for(Command::Back).to_string();
    let all = state.key_for(Command::AllHosts).to_string();
    set_status(
        state,
        StatusLevel::Info,
        format!("{name}'s containers ({back} overview, {all} every daemon)"),
    );
}

/// `A`: every daemon's containers in one table.
pub fn all_hosts(state: &mut AppState) {
    state.host_only = None;
    state.view = View::Fleet;
    state.focus = Focus::Table;
    state.selected = 0;
    rows::rebuild(state);
    set_status(state, StatusLevel::Info, "every daemon's containers");
}

/// `H` (or `esc` from the fleet table): the host overview, on the daemon last shown.
pub fn show_overview(state: &mut AppState) {
    if let Some(h) = state.host_only {
        state.host_cursor = h;
    }
    state.view = View::Hosts;
    state.status = None;
}

/// Keys in the host overview.
pub fn hosts_command(state: &mut AppState, cmd: Command) -> Vec<Effect> {
    let order = overview_order(state);
    let at = order
        .iter()
        .position(|h| *h == state.host_cursor)
        .unwrap_or(0);
    let page = state.settings.page_size.max(1);
    let pick = |i: usize| order.get(i.min(order.len().saturating_sub(1))).copied();
    let target = match cmd {
        Command::Up => pick(at.saturating_sub(1)),
        Command::Down => pick(at + 1),
        Command::PageUp => pick(at.saturating_sub(page)),
        Command::PageDown => pick(at + page),
        Command::Top => pick(0),
        Command::Bottom => pick(usize::MAX),
        Command::Open => {
            if let Some(h) = pick(at) {
                open_host(state, h);
            }
            return Vec::new();
        }
        Command::DropDaemon => {
            return match pick(at) {
                Some(h) => drop_host(state, h),
                None => Vec::new(),
            };
        }
        Command::Back => {
            state.status = None;
            None
        }
        _ => None,
    };
    if let Some(h) = target {
        state.host_cursor = h;
    }
    Vec::new()
}
