//! Suspicious-activity rules: pure classifiers from what the daemon shows (events, exec
//! sessions, filesystem drift, process lists) to [`Alert`]s.
//!
//! Nothing here does IO. The watch task (`crate::watch`) feeds an [`Engine`] per daemon and
//! forwards the alerts; the console and `seawall watch` show the same values.

pub mod decay;

pub mod catalog;
pub mod command_analysis;
pub mod command_display;
pub mod daemon;
pub mod drift;
pub mod exec;
pub mod image;
pub mod launch;
pub mod lifecycle_events;
pub mod meta;
pub mod network_events;
pub mod process;
pub mod transfer;
pub mod volume;

#[cfg(test)]
mod test_support;

pub use meta::AlertMeta;

use crate::model::{
    ContainerFacts, DockerEvent, EventKind, ExecFacts, FileChange, HostFacts, ProcessRow,
};
use crate::risk::{Finding, Severity};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};

/// The container an alert is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerRef {
    pub id: String,
    pub name: String,
}

/// One suspicious thing seen. Its JSON form (plus `host`) is one line of `seawall watch`
/// (and of the console's saved feed, which reads it back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub time: DateTime<Utc>,
    /// `None` for daemon-wide alerts (daemon reload, plugin install, image events).
    pub container: Option<ContainerRef>,
    /// Stable rule id, e.g. `SW-ACT-EXEC-001`.
    pub rule: String,
    pub severity: Severity,
    pub title: String,
    /// What exactly was seen (command, path, network...), secrets redacted.
    pub detail: String,
    /// MITRE ATT&CK technique, e.g. `T1059.004 Unix Shell`.
    pub technique: String,
    /// Points this alert adds to the container's score while it decays (0 for none).
    pub score_bump: u8,
}

/// How long a `create`/`start` launch alert is not repeated for the same container and
/// cause (the pipeline may re-inspect more than once for one event).
pub const LAUNCH_REPEAT_SECS: i64 = 5;
/// How long after a `docker cp` into a container a new executable counts as copied in.
pub const COPY_IN_WINDOW_SECS: i64 = 10 * 60;
/// Exec ids remembered (already classified, or known healthchecks).
const MAX_EXEC_IDS: usize = 4096;
/// Recent exec command lines remembered per container.
const MAX_RECENT_EXECS: usize = 32;

/// A set that forgets its oldest entries beyond a capacity.
#[derive(Debug, Default)]
struct BoundedSet {
    order: VecDeque<String>,
    items: HashSet<String>,
}

impl BoundedSet {
    /// Insert; false when it was already there.
    fn insert(&mut self, item: &str) -> bool {
        if self.items.contains(item) {
            return false;
        }
        self.items.insert(item.to_string());
        self.order.push_back(item.to_string());
        while self.order.len() > MAX_EXEC_IDS {
            if let Some(old) = self.order.pop_front() {
                self.items.remove(&old);
            }
        }
        true
    }

    fn contains(&self, item: &str) -> bool {
        self.items.contains(item)
    }
}

/// Push onto a bounded per-container list of command lines (no duplicates).
fn remember_line(map: &mut HashMap<String, Vec<String>>, id: &str, line: String) {
    let list = map.entry(id.to_string()).or_default();
    if list.contains(&line) {
        return;
    }
    if list.len() >= MAX_RECENT_EXECS {
        list.remove(0);
    }
    list.push(line);
}

/// The time of an event (`timeNano`), or `now` when the event has none.
fn event_time(ev: &DockerEvent) -> DateTime<Utc> {
    if ev.time_nano > 0 {
        DateTime::from_timestamp_nanos(ev.time_nano)
    } else {
        Utc::now()
    }
}

/// The container a container event is about: its id, and its name from the facts or the
/// event's `name` attribute (without the leading `/`).
fn container_ref(ev: &DockerEvent, container: Option<&ContainerFacts>) -> ContainerRef {
    let name = container
        .filter(|c| c.id == ev.actor_id)
        .map(|c| c.name.clone())
        .or_else(|| {
            ev.attr("name")
                .map(|n| n.trim_start_matches('/').to_string())
        })
        .unwrap_or_default();
    ContainerRef {
        id: ev.actor_id.clone(),
        name,
    }
}

/// One daemon's activity state: what it has seen before (process and drift baselines,
/// restart windows). Pure: every input is passed in, every output returned. Keep one per
/// daemon for the life of the watch task, so baselines survive reconnects.
///
/// Memory is bounded: drift baselines hold at most [`drift::MAX_BASELINE`] paths per
/// container, exec ids and command lines are capped, and [`Engine::forget`] drops a
/// container's state when it is destroyed.
#[derive(Debug, Default)]
pub struct Engine {
    lifecycle: lifecycle_events::Lifecycle,
    drift: drift::DriftBaselines,
    processes: process::ProcessBaselines,
    /// Containers seen being created or started while watching (their drift and processes
    /// are not "present when seawall started").
    watched_from_start: HashSet<String>,
    /// Last launch alert per container (the key's second part is always `launch`).
    launches: HashMap<(String, String), DateTime<Utc>>,
    /// Last `docker cp` into each container.
    copied_in: HashMap<String, DateTime<Utc>>,
    /// Healthcheck `Test` per container, when the pipeline knows it.
    healthcheck_tests: HashMap<String, Vec<String>>,
    /// Command lines of each container's healthcheck probes (told or recognised).
    healthcheck_lines: HashMap<String, Vec<String>>,
    /// Recent exec command lines per container.
    recent_execs: HashMap<String, Vec<String>>,
    /// Exec ids already classified.
    execs_seen: BoundedSet,
    /// Exec ids recognised as healthcheck probes from their event.
    health_execs: BoundedSet,
    /// Lifecycle moments that attach or detach networks by themselves.
    churn: network_events::Churn,
}

impl Engine {
    pub fn new() -> Self {
        Engine::default()
    }

    /// Tell the engine a container's healthcheck `Test` (`Config.Healthcheck.Test`, e.g.
    /// `["CMD-SHELL", "curl -f localhost"]`). With it, healthcheck probes are recognised by
    /// exact command; without it (`ContainerFacts` does not carry `Test`), a probe-shaped
    /// exec in a container with a configured healthcheck is assumed to be one when it runs
    /// nothing worse than curl/wget/nc (see `docs/activity-rules.md`).
    pub fn note_healthcheck(&mut self, container_id: &str, test: Vec<String>) {
        if let Some(argv) = exec::healthcheck_argv(&test) {
            remember_line(&mut self.healthcheck_lines, container_id, argv.join(" "));
        }
        self.healthcheck_tests
            .insert(container_id.to_string(), test);
    }

    /// An `/events` message. `container` is the latest inspect of the actor container when
    /// one is known (exec events need it to recognise healthchecks).
    ///
    /// `exec_create`/`exec_start` return no alert here: the pipeline inspects the exec and
    /// calls [`Engine::on_exec`], which classifies it. Here they only teach the engine
    /// which exec ids are healthcheck probes (when the healthcheck `Test` is known) and
    /// which commands were exec'd. `top` events (seawall's own polling) never alert.
    pub fn on_event(
        &mut self,
        ev: &DockerEvent,
        container: Option<&ContainerFacts>,
        host: &HostFacts,
    ) -> Vec<Alert> {
        let time = event_time(ev);
        match &ev.kind {
            EventKind::Container => self.container_event(ev, container, time),
            EventKind::Image => image::alert(ev, time).into_iter().collect(),
            EventKind::Network => {
                // Docker attaches networks on start and releases them on stop: only
                // changes to a running container are news.
                let id = ev.attr("container").unwrap_or("");
                let facts = container.filter(|c| c.id == id);
                if self.churn.is_churn(id, facts, ev.time_nano) {
                    return Vec::new();
                }
                network_events::alert(ev, container, time)
                    .into_iter()
                    .collect()
            }
            EventKind::Volume => {
                let cref = ev.attr("container").map(|id| ContainerRef {
                    id: id.to_string(),
                    name: container
                        .filter(|c| c.id == id)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                });
                volume::mount_alert(ev, cref, time).into_iter().collect()
            }
            EventKind::Daemon => daemon::reload_alert(ev, time).into_iter().collect(),
            EventKind::Plugin => daemon::plugin_alert(ev, host, time).into_iter().collect(),
            EventKind::Other(_) => Vec::new(),
        }
    }

    fn container_event(
        &mut self,
        ev: &DockerEvent,
        container: Option<&ContainerFacts>,
        time: DateTime<Utc>,
    ) -> Vec<Alert> {
        let id = ev.actor_id.as_str();
        self.churn.note(ev);
        match ev.action.as_str() {
            "top" => return Vec::new(),
            "exec_create" | "exec_start" => {
                if let Some(payload) = ev.payload.as_deref() {
                    let is_probe = self
                        .healthcheck_tests
                        .get(id)
                        .is_some_and(|t| exec::payload_matches_healthcheck(payload, t));
                    if is_probe {
                        if let Some(exec_id) = ev.attr("execID") {
                            self.health_execs.insert(exec_id);
                        }
                    } else {
                        remember_line(&mut self.recent_execs, id, payload.trim().to_string());
                    }
                }
                return Vec::new();
            }
            "exec_die" | "exec_detach" => return Vec::new(),
            "create" => {
                self.watched_from_start.insert(id.to_string());
            }
            "start" | "restart" => {
                self.watched_from_start.insert(id.to_string());
                self.processes.reset(id);
            }
            "extract-to-dir" => {
                self.copied_in.insert(id.to_string(), time);
            }
            _ => {}
        }
        let cref = container_ref(ev, container);
        if let Some(a) = transfer::alert(ev, container, cref.clone(), time) {
            return vec![a];
        }
        self.lifecycle.on_event(ev, container, cref, time)
    }

    /// An exec session inspected after its `exec_create`/`exec_start` event. Each exec id
    /// is classified once; healthcheck probes are never reported.
    pub fn on_exec(&mut self, exec: &ExecFacts, container: Option<&ContainerFacts>) -> Vec<Alert> {
        self.on_exec_at(exec, container, Utc::now())
    }

    /// [`Engine::on_exec`] at a given time (for tests and replays).
    pub fn on_exec_at(
        &mut self,
        exec: &ExecFacts,
        container: Option<&ContainerFacts>,
        now: DateTime<Utc>,
    ) -> Vec<Alert> {
        if !exec.id.is_empty()
            && (!self.execs_seen.insert(&exec.id) || self.health_execs.contains(&exec.id))
        {
            return Vec::new();
        }
        let analysis = command_analysis::analyse_argv(&exec.command);
        let line = exec.command.join(" ");
        if let Some(c) = container {
            let known = self.healthcheck_tests.get(&c.id).map(Vec::as_slice);
            if exec::is_healthcheck(exec, c, known, &analysis) {
                remember_line(&mut self.healthcheck_lines, &c.id, line);
                return Vec::new();
            }
        }
        remember_line(&mut self.recent_execs, &exec.container_id, line);
        vec![exec::alert(exec, container, &analysis, now)]
    }

    /// A container re-inspected because of an event (`cause` = `create`, `start`...), with
    /// its findings from the risk engine. `create`, `start` and `restart` raise one alert
    /// when a finding is HIGH or CRITICAL. A container is not reported twice within
    /// [`LAUNCH_REPEAT_SECS`]: `docker run` is a create and a start a few milliseconds apart,
    /// and one alert says it. A start long after the create (`docker create`, later
    /// `docker start`) is reported again: the container now runs.
    pub fn on_inspected(
        &mut self,
        cause: &str,
        container: &ContainerFacts,
        findings: &[Finding],
    ) -> Vec<Alert> {
        self.on_inspected_at(cause, container, findings, Utc::now())
    }

    /// [`Engine::on_inspected`] at a given time.
    pub fn on_inspected_at(
        &mut self,
        cause: &str,
        container: &ContainerFacts,
        findings: &[Finding],
        now: DateTime<Utc>,
    ) -> Vec<Alert> {
        if launch::launch_verb(cause).is_none() {
            return Vec::new();
        }
        self.watched_from_start.insert(container.id.clone());
        let window = chrono::Duration::seconds(LAUNCH_REPEAT_SECS);
        self.launches.retain(|_, t| now - *t < window);
        let key = (container.id.clone(), String::from("launch"));
        if self.launches.contains_key(&key) {
            return Vec::new();
        }
        match launch::alert(cause, container, findings, now) {
            Some(a) => {
                self.launches.insert(key, now);
                vec![a]
            }
            None => Vec::new(),
        }
    }

    /// A volume created as a bind of `device` on the host (`o=bind`).
    pub fn on_bind_volume(&mut self, name: &str, device: &str) -> Vec<Alert> {
        self.on_bind_volume_at(name, device, Utc::now())
    }

    /// [`Engine::on_bind_volume`] at a given time.
    pub fn on_bind_volume_at(
        &mut self,
        name: &str,
        device: &str,
        now: DateTime<Utc>,
    ) -> Vec<Alert> {
        vec![volume::bind_alert(name, device, now)]
    }

    /// One poll of `/containers/{id}/changes`.
    pub fn on_changes(&mut self, container: &ContainerFacts, changes: &[FileChange]) -> Vec<Alert> {
        self.on_changes_at(container, changes, Utc::now())
    }

    /// [`Engine::on_changes`] at a given time.
    pub fn on_changes_at(
        &mut self,
        container: &ContainerFacts,
        changes: &[FileChange],
        now: DateTime<Utc>,
    ) -> Vec<Alert> {
        let copied_in = self
            .copied_in
            .get(&container.id)
            .is_some_and(|t| now - *t <= chrono::Duration::seconds(COPY_IN_WINDOW_SECS));
        let ctx = drift::DriftContext {
            watched_from_start: self.watched_from_start.contains(&container.id),
            copied_in,
        };
        self.drift
            .on_changes(container, changes, ctx, now)
            .into_iter()
            .collect()
    }

    /// One poll of `/containers/{id}/top`.
    pub fn on_processes(
        &mut self,
        container: &ContainerFacts,
        processes: &[ProcessRow],
    ) -> Vec<Alert> {
        self.on_processes_at(container, processes, Utc::now())
    }

    /// [`Engine::on_processes`] at a given time.
    pub fn on_processes_at(
        &mut self,
        container: &ContainerFacts,
        processes: &[ProcessRow],
        now: DateTime<Utc>,
    ) -> Vec<Alert> {
        let empty = Vec::new();
        let ctx = process::ProcessContext {
            watched_from_start: self.watched_from_start.contains(&container.id),
            recent_execs: self.recent_execs.get(&container.id).unwrap_or(&empty),
            healthchecks: self.healthcheck_lines.get(&container.id).unwrap_or(&empty),
        };
        self.processes
            .on_processes(container, processes, ctx, now)
            .into_iter()
            .collect()
    }

    /// The container is gone: drop its baselines.
    pub fn forget(&mut self, container_id: &str) {
        self.lifecycle.forget(container_id);
        self.drift.forget(container_id);
        self.processes.forget(container_id);
        self.watched_from_start.remove(container_id);
        self.launches.retain(|(id, _), _| id != container_id);
        self.copied_in.remove(container_id);
        self.healthcheck_tests.remove(container_id);
        self.healthcheck_lines.remove(container_id);
        self.recent_execs.remove(container_id);
        self.churn.forget(container_id);
    }
}

#[cfg(test)]
mod tests;
