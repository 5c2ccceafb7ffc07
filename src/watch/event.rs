//! What the per-daemon watch tasks tell the console. Whole facts, already graded by the
//! task's [`crate::risk::Grader`]: never Docker-client or ratatui types. The console stores them.

use crate::model::{ContainerFacts, HostFacts};
use crate::risk::{GradedContainer, GradedHost, Grader};
use std::time::Instant;

/// Index of a daemon in the console's list of endpoints.
pub type HostId = usize;

/// The connection state of one daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    Connecting,
    /// Inventory done, following `/events`.
    Live,
    /// Connection lost or refused; retrying after `retry_in_secs`.
    Down {
        message: String,
        retry_in_secs: u64,
    },
}

/// One update from a watch task.
#[derive(Debug, Clone)]
pub enum DataEvent {
    Status {
        host: HostId,
        status: LinkStatus,
    },
    /// `/info` + `/version` (re)read: the facts and the graded posture, and every
    /// container regraded against them (empty when a [`DataEvent::Snapshot`] follows).
    Host {
        host: HostId,
        posture: Box<GradedHost>,
        regraded: Vec<GradedContainer>,
    },
    /// A full inventory, graded: replaces every container of this daemon.
    Snapshot {
        host: HostId,
        containers: Vec<GradedContainer>,
    },
    /// One container (re)inspected because an event touched it, graded.
    Upsert {
        host: HostId,
        container: Box<GradedContainer>,
        /// The containers that join its namespaces (directly or through a chain), regraded.
        regraded: Vec<GradedContainer>,
        /// The event action that caused it (`start`, `die`...), `None` for a resync.
        cause: Option<String>,
        /// When the event reached seawall (for event-to-screen latency).
        received: Instant,
    },
    /// A container is gone (`destroy`, or missing from a resync).
    Removed {
        host: HostId,
        id: String,
        /// The containers that joined its namespaces, regraded.
        regraded: Vec<GradedContainer>,
    },
    /// The raw inspect document asked for by the Inspect tab, secrets redacted.
    RawInspect {
        host: HostId,
        id: String,
        /// Pretty JSON, or the error message when it could not be read.
        document: Result<String, crate::inventory::InventoryError>,
    },
    /// Suspicious activity seen on this daemon (also a feed notice such as "event stream
    /// reconnected", with rule `SW-ACT-LINK-*`).
    Alert {
        host: HostId,
        alert: Box<crate::activity::Alert>,
        /// When the triggering event reached seawall (for event-to-alert latency).
        received: Instant,
    },
    /// A listed container whose inspect failed: shown by name with why, tried again with
    /// backoff; an `Upsert` or `Removed` of it (or the next `Snapshot`) ends it.
    Unread {
        host: HostId,
        id: String,
        /// `name (id12): inspect failed: why; retrying in N s`, one line (not sanitized).
        line: String,
    },
    /// A Docker error worth a status-bar message.
    Error {
        host: HostId,
        message: String,
    },
}

impl DataEvent {
    /// The daemon this event is about.
    pub fn host(&self) -> HostId {
        match self {
            DataEvent::Status { host, .. }
            | DataEvent::Host { host, .. }
            | DataEvent::Snapshot { host, .. }
            | DataEvent::Upsert { host, .. }
            | DataEvent::Removed { host, .. }
            | DataEvent::RawInspect { host, .. }
            | DataEvent::Alert { host, .. }
            | DataEvent::Unread { host, .. }
            | DataEvent::Error { host, .. } => *host,
        }
    }

    /// What a watch task sends once it has read a daemon: its graded posture, then every
    /// container graded (`Host`, then `Snapshot`). For tests, benchmarks and demos that
    /// feed the console without a daemon.
    pub fn inventory(
        host: HostId,
        facts: HostFacts,
        containers: Vec<ContainerFacts>,
    ) -> [DataEvent; 2] {
        let (posture, containers) = Grader::default().replace_all(facts, containers);
        [
            DataEvent::Host {
                host,
                posture: Box::new(posture),
                regraded: Vec::new(),
            },
            DataEvent::Snapshot { host, containers },
        ]
    }
}

/// Requests the console sends to one watch task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchRequest {
    /// Re-read everything now.
    Resync,
    /// Fetch the raw inspect document of a container.
    RawInspect { id: String },
    /// Re-inspect one container now (after an action changed it).
    Inspect { id: String },
}
