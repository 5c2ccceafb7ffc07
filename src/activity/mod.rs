//! Suspicious-activity rules: pure classifiers from what the daemon shows (events, exec
//! sessions, filesystem drift, process lists) to [`Alert`]s.
//!
//! Nothing here does IO. The watch task (`crate::watch`) feeds an [`Engine`] per daemon and
//! forwards the alerts; the console and `seawall watch` show the same values.

use crate::model::{ContainerFacts, DockerEvent, ExecFacts, FileChange, HostFacts, ProcessRow};
use crate::risk::{Finding, Severity};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The container an alert is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerRef {
    pub id: String,
    pub name: String,
}

/// One suspicious thing seen. Its JSON form (plus `host`) is one line of `seawall watch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// One daemon's activity state: what it has seen before (process and drift baselines,
/// restart windows). Pure: every input is passed in, every output returned.
#[derive(Debug, Default)]
pub struct Engine {}

impl Engine {
    pub fn new() -> Self {
        Engine::default()
    }

    /// An `/events` message. `container` is the latest inspect of the actor container when
    /// one is known (exec events need it to recognise healthchecks).
    pub fn on_event(
        &mut self,
        _ev: &DockerEvent,
        _container: Option<&ContainerFacts>,
        _host: &HostFacts,
    ) -> Vec<Alert> {
        Vec::new()
    }

    /// An exec session inspected after its `exec_create`/`exec_start` event.
    pub fn on_exec(&mut self, _exec: &ExecFacts, _container: Option<&ContainerFacts>) -> Vec<Alert> {
        Vec::new()
    }

    /// A container re-inspected because of an event (`cause` = `create`, `start`...), with
    /// its findings from the risk engine.
    pub fn on_inspected(
        &mut self,
        _cause: &str,
        _container: &ContainerFacts,
        _findings: &[Finding],
    ) -> Vec<Alert> {
        Vec::new()
    }

    /// A volume created as a bind of `device` on the host (`o=bind`).
    pub fn on_bind_volume(&mut self, _name: &str, _device: &str) -> Vec<Alert> {
        Vec::new()
    }

    /// One poll of `/containers/{id}/changes`.
    pub fn on_changes(&mut self, _container: &ContainerFacts, _changes: &[FileChange]) -> Vec<Alert> {
        Vec::new()
    }

    /// One poll of `/containers/{id}/top`.
    pub fn on_processes(
        &mut self,
        _container: &ContainerFacts,
        _processes: &[ProcessRow],
    ) -> Vec<Alert> {
        Vec::new()
    }

    /// The container is gone: drop its baselines.
    pub fn forget(&mut self, _container_id: &str) {}
}
