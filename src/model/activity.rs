//! What seawall observes of activity on a daemon: events, exec sessions, filesystem changes
//! and process lists. Plain data built by `model::convert::activity` (the only place that sees
//! the Docker client's event, exec, changes and top types); the `activity` classifiers read these.

use serde::Serialize;
use std::collections::BTreeMap;

/// The kind of object an event is about (`Type` in `/events`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Container,
    Image,
    Network,
    Volume,
    Daemon,
    Plugin,
    /// builder, service, node, secret, config...
    Other(String),
}

/// One `/events` message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DockerEvent {
    pub kind: EventKind,
    /// The verb: `Action` before any `": "` (`exec_start`, `health_status`, `connect`...).
    pub action: String,
    /// What follows `": "` in `Action`: the exec command, the health status.
    pub payload: Option<String>,
    /// `Actor.ID`: container id, image ref, network id, volume name...
    pub actor_id: String,
    /// `Actor.Attributes` (container labels, `name`, `image`, `execID`, `exitCode`...).
    pub attributes: BTreeMap<String, String>,
    /// `timeNano` (falls back to `time` * 1e9): with kind, action and actor it identifies an
    /// event across a reconnect's replay.
    pub time_nano: i64,
}

impl DockerEvent {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
}

/// `GET /exec/{id}/json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExecFacts {
    pub id: String,
    pub container_id: String,
    /// `ProcessConfig.entrypoint` followed by `ProcessConfig.arguments`.
    pub command: Vec<String>,
    /// `ProcessConfig.user`; empty means the container's user.
    pub user: String,
    pub privileged: bool,
    pub tty: bool,
    pub running: bool,
    pub exit_code: Option<i64>,
}

/// One line of `GET /containers/{id}/changes`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileChange {
    pub path: String,
    pub kind: ChangeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Modified,
    Added,
    Deleted,
}

/// One process of `GET /containers/{id}/top` (`ps -ef` columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessRow {
    pub pid: String,
    pub user: String,
    /// The `CMD` column: the command line.
    pub command: String,
}
