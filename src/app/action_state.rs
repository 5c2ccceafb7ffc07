//! The console's one-key actions (isolate, unisolate, stop, export, export the host): which
//! container a key means, the confirm dialog's state, and what an outcome does to the screen.
//!
//! Which commands are actions, what they act on and that a read-only console refuses them
//! is declared in the command table (`app::command`); [`admit`] applies it to every command.
//!
//! Pure like the rest of the reducer: a key opens a [`Confirm`] that holds the
//! [`ActionRequest`] (design habit 7); `y` turns it into [`Effect::Action`], anything else
//! into [`Effect::RecordDeclined`]. The console runs the action and answers with
//! [`Msg::ActionDone`](super::Msg::ActionDone).

use super::command::{CommandSpec, ReadOnly, Subject};
use super::state::{AppState, Focus, RowKey, StatusLevel, StatusMessage, View};
use super::update::Effect;
use crate::actions::{
    ActionKind, ActionOutcome, ActionRequest, ActionSettings, AuditOutcome, Target,
};
use crate::model::ContainerState;
use crate::watch::{HostId, WatchRequest};
use std::collections::BTreeSet;

/// The status message of every action key in a read-only console.
pub const READ_ONLY_MESSAGE: &str = "read-only console: actions are disabled";

/// The reason written to the audit log for an action refused by a read-only console.
pub const READ_ONLY_REASON: &str = "the console runs read-only (--read-only or [ui] read_only)";

/// An open confirmation dialog: the request it will run and what the user is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub request: ActionRequest,
    /// What will happen, one sentence per entry (from the facts the console has).
    pub details: Vec<String>,
}

impl Confirm {
    /// The question without the `[y/N]` suffix (the dialog shows its own choice line).
    pub fn question(&self) -> String {
        let q = self.request.question();
        q.strip_suffix(" [y/N]").unwrap_or(&q).to_string()
    }
}

/// The console's action settings and bookkeeping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionsView {
    /// Every action refused (`--read-only`, `[ui] read_only`, a config problem).
    pub read_only: bool,
    /// The config problem that made the console read-only (file, line, key, problem), told
    /// again whenever an action is refused; `None` when the user asked for read-only.
    pub read_only_reason: Option<String>,
    /// `[actions] pause_on_isolate`, for the dialog's text.
    pub pause_on_isolate: bool,
    /// `[actions] stop_timeout_secs`, for the dialog's text.
    pub stop_timeout_secs: u64,
    /// Confirmed requests whose outcome has not arrived yet.
    pub running: Vec<ActionRequest>,
    /// Containers seawall's state file lists as isolated.
    pub isolated: BTreeSet<RowKey>,
    /// seawall's own recent actions on containers: the daemon's alerts they cause are
    /// seawall's doing, shown once as seawall's entry instead ([`own_doing`]).
    pub own: Vec<OwnAction>,
}

/// One action seawall ran (or is running) on a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnAction {
    pub key: RowKey,
    pub kind: ActionKind,
    /// When it was confirmed (a little before, for clock skew).
    pub from: chrono::DateTime<chrono::Utc>,
    /// Until when its events may still arrive (`None`: still running).
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

/// Own actions remembered at most.
const OWN_MAX: usize = 64;
/// Seconds after an action's outcome during which its daemon events still count as its.
pub const OWN_GRACE_SECS: i64 = 10;

/// The rule id of seawall's own entries in the feed.
pub const OWN_RULE: &str = "SEAWALL-ACTION";
/// The mark of seawall's own entries (their title starts with it).
pub const OWN_MARK: &str = "[seawall]";

/// Is this alert the daemon reporting an action of seawall's (the network disconnects of
/// an isolate, the connects of an undo, the stop's lifecycle)? Then the feed shows
/// seawall's one entry for the action, not each event.
pub fn own_doing(
    state: &AppState,
    host: crate::watch::HostId,
    alert: &crate::activity::Alert,
) -> bool {
    let Some(c) = &alert.container else {
        return false;
    };
    state.actions.own.iter().any(|o| {
        o.key.host == host
            && o.key.id == c.id
            && alert.time >= o.from
            && o.until.is_none_or(|until| alert.time <= until)
            && match o.kind {
                // Only the network changes: anything else on the container stays news.
                ActionKind::Isolate | ActionKind::Unisolate => {
                    alert.rule == crate::activity::network_events::CONNECT.id
                        || alert.rule == crate::activity::network_events::DISCONNECT.id
                }
                ActionKind::Stop => alert.rule.starts_with("SW-ACT-LIFE-"),
                ActionKind::Export => false,
            }
    })
}

/// seawall's own feed entry for a finished action.
fn own_entry(state: &AppState, outcome: &ActionOutcome) -> Option<crate::activity::Alert> {
    let r = &outcome.request;
    let id = r.target.container_id.clone()?;
    let (title, detail) = match &outcome.result {
        Ok(summary) => (
            format!("{OWN_MARK} {} done", r.kind.as_str()),
            if r.kind == ActionKind::Export {
                export_message(outcome)
            } else {
                summary.clone()
            },
        ),
        Err(reason) => (
            format!("{OWN_MARK} {} failed", r.kind.as_str()),
            reason.to_string(),
        ),
    };
    Some(crate::activity::Alert {
        time: state.now,
        container: Some(crate::activity::ContainerRef {
            id,
            name: r.target.name.clone(),
        }),
        rule: OWN_RULE.to_string(),
        severity: crate::risk::Severity::Info,
        title,
        detail,
        technique: String::new(),
        score_bump: 0,
    })
}

impl ActionsView {
    /// The view of a console whose actions run with `settings` (`read_only`: none run).
    pub fn new(read_only: bool, settings: &ActionSettings) -> Self {
        ActionsView {
            read_only,
            pause_on_isolate: settings.pause_on_isolate,
            stop_timeout_secs: settings.stop_timeout.as_secs(),
            ..ActionsView::default()
        }
    }

    /// Is an action on this target (same daemon, same container or both the whole host)
    /// running?
    pub fn running_on(&self, target: &Target) -> Option<&ActionRequest> {
        self.running
            .iter()
            .find(|r| r.target.host == target.host && r.target.container_id == target.container_id)
    }
}

/// What an action is doing, for the status bar while it runs ("isolating web").
pub fn progress(request: &ActionRequest) -> String {
    let name = &request.target.name;
    match (request.kind, &request.target.container_id) {
        (ActionKind::Isolate, _) => format!("isolating {name}…"),
        (ActionKind::Unisolate, _) => format!("reconnecting {name}…"),
        (ActionKind::Stop, _) => format!("stopping {name}…"),
        (ActionKind::Export, Some(_)) => format!("exporting a report of {name}…"),
        (ActionKind::Export, None) => format!("exporting a report of the host {name}…"),
    }
}

fn set_status(state: &mut AppState, level: StatusLevel, text: impl Into<String>) {
    state.status = Some(StatusMessage {
        text: text.into(),
        level,
    });
}

fn endpoint_of(state: &AppState, host: HostId) -> Option<String> {
    state.hosts.get(host).map(|h| h.endpoint.clone())
}

/// Why a command that acts on a container or a daemon has nothing to act on (the status
/// bar shows the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoTarget {
    #[error("no container selected")]
    NoContainer,
    #[error("no alert selected")]
    NoAlert,
    #[error("this alert is about the daemon, not a container")]
    DaemonAlert,
    #[error("this container was removed; nothing to act on")]
    Removed,
    #[error("no daemon for this container")]
    NoDaemonForContainer,
    #[error("no daemon configured")]
    NoDaemon,
}

fn container_target(state: &AppState, key: &RowKey, name: String) -> Result<Target, NoTarget> {
    let endpoint = endpoint_of(state, key.host).ok_or(NoTarget::NoDaemonForContainer)?;
    Ok(Target {
        host: key.host,
        endpoint,
        container_id: Some(key.id.clone()),
        name,
    })
}

/// The container an action key means: the drilldown's, the selected feed alert's (feed
/// focused), else the selected row's.
pub fn selected_target(state: &AppState) -> Result<Target, NoTarget> {
    match &state.view {
        View::Drilldown(d) => match state.containers.get(&d.key) {
            Some(c) => container_target(state, &d.key, c.facts.name.clone()),
            None => Err(NoTarget::Removed),
        },
        View::Fleet if state.focus == Focus::Feed => {
            let entry = state.feed.selected().ok_or(NoTarget::NoAlert)?;
            let c = entry
                .alert
                .container
                .as_ref()
                .ok_or(NoTarget::DaemonAlert)?;
            let key = RowKey {
                host: entry.host,
                id: c.id.clone(),
            };
            container_target(state, &key, c.name.clone())
        }
        View::Fleet | View::Hosts => {
            let c = state
                .selected_container()
                .filter(|_| state.view == View::Fleet)
                .ok_or(NoTarget::NoContainer)?;
            let key = RowKey {
                host: c.host,
                id: c.facts.id.clone(),
            };
            container_target(state, &key, c.facts.name.clone())
        }
    }
}

/// The daemon an `export_host` key means: the one of the drilldown, of the selected alert
/// or row, else the first. Works with an empty fleet.
pub fn host_target(state: &AppState) -> Result<Target, NoTarget> {
    let host = match &state.view {
        View::Drilldown(d) => d.key.host,
        View::Fleet if state.focus == Focus::Feed => {
            state.feed.selected().map(|e| e.host).unwrap_or(0)
        }
        View::Hosts => state.host_cursor,
        View::Fleet => state
            .selected_container()
            .map(|c| c.host)
            .or(state.host_only)
            .unwrap_or(0),
    };
    let endpoint = endpoint_of(state, host).ok_or(NoTarget::NoDaemon)?;
    Ok(Target {
        host,
        name: endpoint.clone(),
        endpoint,
        container_id: None,
    })
}

/// The command table's checks, before a command runs (`app::command`): a read-only console
/// refuses what the table marks refused (an action is recorded in the audit log when it
/// has a target), and a command that acts on a container or a daemon needs one. `Ok` holds
/// the resolved subject (`None` for a command on nothing); `Err` the effects of a refusal.
pub fn admit(state: &mut AppState, spec: &CommandSpec) -> Result<Option<Target>, Vec<Effect>> {
    let target = match spec.subject {
        Subject::Nothing => Ok(None),
        Subject::Container => selected_target(state).map(Some),
        Subject::Host => host_target(state).map(Some),
    };
    if state.actions.read_only && spec.read_only == ReadOnly::Refused {
        let (message, reason) = match &state.actions.read_only_reason {
            Some(problem) => (
                format!("{READ_ONLY_MESSAGE} because of a config problem: {problem}"),
                format!("the console runs read-only because of a config problem: {problem}"),
            ),
            None => (READ_ONLY_MESSAGE.to_string(), READ_ONLY_REASON.to_string()),
        };
        set_status(state, StatusLevel::Warning, message);
        return Err(match (spec.action, target) {
            (Some(kind), Ok(Some(target))) => vec![Effect::RecordRefused {
                request: ActionRequest::new(kind, target),
                reason,
            }],
            _ => Vec::new(),
        });
    }
    target.map_err(|missing| {
        set_status(state, StatusLevel::Info, missing.to_string());
        Vec::new()
    })
}

/// An action key on an admitted target: refused while another action on the same target
/// runs, else the confirm dialog opens.
pub fn ask(state: &mut AppState, kind: ActionKind, target: Target) -> Vec<Effect> {
    let mut request = ActionRequest::new(kind, target);
    if matches!(kind, ActionKind::Isolate | ActionKind::Export) {
        let alerts = alerts_about(state, &request.target);
        request.options.alerts = (!alerts.is_empty()).then_some(alerts);
    }
    if let Some(busy) = state.actions.running_on(&request.target) {
        let message = format!(
            "{} is still running: wait for it before another action on {}",
            progress(busy).trim_end_matches('…'),
            request.target.name
        );
        set_status(state, StatusLevel::Warning, message);
        return vec![Effect::RecordRefused {
            request,
            reason: "another action on this target was still running".into(),
        }];
    }
    let details = details(state, &request);
    state.confirm = Some(Confirm { request, details });
    Vec::new()
}

/// What the dialog says will happen, from what the console knows of the container.
pub fn details(state: &AppState, request: &ActionRequest) -> Vec<String> {
    let target = &request.target;
    let key = target.container_id.as_ref().map(|id| RowKey {
        host: target.host,
        id: id.clone(),
    });
    let facts = key
        .as_ref()
        .and_then(|k| state.containers.get(k))
        .map(|c| &c.facts);
    let isolated = key
        .as_ref()
        .is_some_and(|k| state.actions.isolated.contains(k));
    let mut out = Vec::new();
    match request.kind {
        ActionKind::Isolate => {
            let mode = facts.map(|f| f.network_mode.as_str()).unwrap_or("");
            if isolated {
                out.push(
                    "seawall's records say it is isolated already: nothing will change".into(),
                );
            } else if mode == "host" || mode == "none" || mode.starts_with("container:") {
                out.push(format!(
                    "it uses network mode {mode}: seawall cannot isolate it and will change \
                     nothing"
                ));
            } else if let Some(f) = facts {
                let n = f.networks.len();
                let plural = if n == 1 { "" } else { "s" };
                if n == 0 {
                    out.push("it is attached to no network".into());
                } else {
                    out.push(format!(
                        "disconnects it from {n} network{plural}: {}; the networks, aliases \
                         and addresses are recorded for undo",
                        f.networks.join(", ")
                    ));
                }
            } else {
                out.push("disconnects it from every network (recorded for undo)".into());
            }
            if !isolated {
                out.push(
                    "evidence is saved first: inspect, processes, changes, logs, manifest".into(),
                );
                match facts.map(|f| f.state) {
                    // Nothing runs: there is nothing to pause or to keep running.
                    Some(s) if !s.is_live() => out.push(format!(
                        "it is not running ({}): it stays so, without networks, until undo",
                        s.as_str()
                    )),
                    _ if state.actions.pause_on_isolate => {
                        out.push("then pauses it (pause_on_isolate)".into())
                    }
                    _ => out.push("it keeps running, for forensics".into()),
                }
            }
        }
        ActionKind::Unisolate => {
            if isolated {
                out.push(
                    "reconnects the networks recorded at isolate time, with the same aliases \
                     and static addresses"
                        .into(),
                );
            } else {
                out.push(
                    "reconnects the networks of seawall's isolation record (none is known for \
                     it yet)"
                        .into(),
                );
            }
        }
        ActionKind::Stop => {
            let secs = state.actions.stop_timeout_secs;
            match facts.map(|f| f.state) {
                Some(s) if !s.is_live() && s != ContainerState::Restarting => out.push(format!(
                    "it is not running ({}): nothing to stop",
                    s.as_str()
                )),
                _ => out.push(format!(
                    "sends SIGTERM, then the daemon kills it after {secs} s"
                )),
            }
        }
        ActionKind::Export if target.container_id.is_some() => out.push(
            "writes its report as json, sarif, markdown and html (files 0600, secrets \
             redacted)"
                .into(),
        ),
        ActionKind::Export => out.push(
            "writes a report of every container on this daemon as json, sarif, markdown and \
             html (files 0600, secrets redacted)"
                .into(),
        ),
    }
    out
}

/// The dialog's answer: `true` runs the request, `false` declines it.
pub fn on_answer(state: &mut AppState, yes: bool) -> Vec<Effect> {
    let Some(confirm) = state.confirm.take() else {
        return Vec::new();
    };
    let request = confirm.request;
    if !yes {
        set_status(
            state,
            StatusLevel::Info,
            format!(
                "{} {}: declined, nothing was done",
                request.kind.as_str(),
                request.target.name
            ),
        );
        return vec![Effect::RecordDeclined(request)];
    }
    set_status(state, StatusLevel::Info, progress(&request));
    state.actions.running.push(request.clone());
    if let Some(id) = &request.target.container_id {
        if state.actions.own.len() >= OWN_MAX {
            state.actions.own.remove(0);
        }
        state.actions.own.push(OwnAction {
            key: RowKey {
                host: request.target.host,
                id: id.clone(),
            },
            kind: request.kind,
            from: state.now - chrono::Duration::seconds(2),
            until: None,
        });
    }
    vec![Effect::Action(request)]
}

/// The status message for an outcome: the summary (with the evidence or report path) or the
/// reason, and its level.
pub fn outcome_message(outcome: &ActionOutcome) -> (StatusLevel, String) {
    match &outcome.result {
        Ok(_) if outcome.request.kind == ActionKind::Export && !outcome.paths.is_empty() => {
            (StatusLevel::Info, export_message(outcome))
        }
        Ok(summary) => {
            let mut text = summary.clone();
            if let Some(path) = outcome.paths.first() {
                let shown = path.display().to_string();
                if !text.contains(&shown) {
                    let label = match outcome.request.kind {
                        ActionKind::Isolate => "evidence",
                        _ => "files",
                    };
                    text.push_str(&format!(" ({label}: {shown})"));
                }
            }
            (StatusLevel::Info, text)
        }
        Err(reason) => {
            let word = match outcome.status {
                AuditOutcome::Refused => "refused",
                _ => "failed",
            };
            let r = &outcome.request;
            (
                StatusLevel::Error,
                format!("{} {} {word}: {reason}", r.kind.as_str(), r.target.name),
            )
        }
    }
}

/// Most alerts an export or evidence bundle carries (the newest).
pub const ALERTS_IN_FILES: usize = 1000;

/// The feed's alerts about an action's target, newest first: its container's, or every
/// alert of its daemon for a host export.
pub fn alerts_about(
    state: &AppState,
    target: &crate::actions::Target,
) -> Vec<crate::activity::Alert> {
    state
        .feed
        .all_newest_first()
        .filter(|e| e.host == target.host)
        .filter(|e| {
            target
                .container_id
                .as_ref()
                .is_none_or(|id| e.alert.container.as_ref().is_some_and(|c| &c.id == id))
        })
        .filter(|e| e.alert.rule != OWN_RULE)
        .take(ALERTS_IN_FILES)
        .map(|e| e.alert.clone())
        .collect()
}

/// Longest export message that still fits an 80-column status bar with its margins.
pub const EXPORT_MESSAGE_MAX: usize = 76;

/// Where an export went, in one line: `exported web → /dir/web-….{json,md,html,sarif}`;
/// when the full path does not fit an 80-column status bar, `…/reports/web-….{json,…}`
/// (the log pane's line of the outcome has every full path).
pub fn export_message(outcome: &ActionOutcome) -> String {
    let paths = &outcome.paths;
    let name = &outcome.request.target.name;
    let dir = paths[0]
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    let stems: Vec<String> = paths
        .iter()
        .map(|p| {
            p.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let exts: Vec<String> = paths
        .iter()
        .map(|p| {
            p.extension()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let files = if stems.iter().all(|s| *s == stems[0]) && paths.len() > 1 {
        format!("{}.{{{}}}", stems[0], exts.join(","))
    } else {
        paths
            .iter()
            .filter_map(|p| p.file_name())
            .map(|f| f.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let full = format!("exported {name} → {dir}/{files}");
    if full.chars().count() <= EXPORT_MESSAGE_MAX {
        full
    } else {
        // The folder's last part; seawall's log (the log pane, `L`) has the full paths.
        let last = paths[0]
            .parent()
            .and_then(|d| d.file_name())
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!("exported {name} → …/{last}/{files}")
    }
}

/// An action finished: the status bar says how, and the daemon is read again.
pub fn on_outcome(state: &mut AppState, outcome: ActionOutcome) -> Vec<Effect> {
    if let Some(i) = state
        .actions
        .running
        .iter()
        .position(|r| *r == outcome.request)
    {
        state.actions.running.remove(i);
    }
    let (level, text) = outcome_message(&outcome);
    set_status(state, level, text);
    let request = &outcome.request;
    // Its events may still arrive for a few seconds: still seawall's.
    let until = state.now + chrono::Duration::seconds(OWN_GRACE_SECS);
    if let Some(id) = &request.target.container_id
        && let Some(own) = state.actions.own.iter_mut().rev().find(|o| {
            o.until.is_none()
                && o.kind == request.kind
                && o.key.host == request.target.host
                && o.key.id == *id
        })
    {
        own.until = Some(until);
    }
    if let Some(entry) = own_entry(state, &outcome) {
        super::update::push_alert(state, request.target.host, entry);
    }
    let request = &outcome.request;
    let ok = outcome.result.is_ok();
    if let Some(id) = &request.target.container_id {
        let key = RowKey {
            host: request.target.host,
            id: id.clone(),
        };
        match request.kind {
            ActionKind::Isolate if ok => {
                state.actions.isolated.insert(key);
            }
            ActionKind::Unisolate if ok => {
                state.actions.isolated.remove(&key);
            }
            _ => {}
        }
    }
    match (request.kind, &request.target.container_id) {
        (ActionKind::Isolate | ActionKind::Unisolate | ActionKind::Stop, Some(id)) => {
            vec![Effect::Watch {
                host: Some(request.target.host),
                request: WatchRequest::Inspect { id: id.clone() },
            }]
        }
        _ => Vec::new(),
    }
}

/// The isolation records of the state file, as `(endpoint, container id)`: the isolated
/// set becomes exactly these (on the daemons the console shows).
pub fn on_isolations(state: &mut AppState, records: Vec<(String, String)>) {
    state.actions.isolated = records
        .into_iter()
        .flat_map(|(endpoint, id)| {
            state
                .hosts
                .iter()
                .enumerate()
                .filter(move |(_, h)| h.endpoint == endpoint)
                .map(move |(host, _)| RowKey {
                    host,
                    id: id.clone(),
                })
                .collect::<Vec<_>>()
        })
        .collect();
}
