//! Actions on containers: isolate (and undo), stop, export a report. Every attempt is
//! confirmed by the caller (console dialog or `--yes`) and appended to the audit log.
//!
//! The console turns a confirmed [`ActionRequest`] into an effect; the executor runs it with
//! an [`ActionRunner`] and sends the [`ActionOutcome`] back as a message. The headless
//! commands (`seawall isolate|unisolate|stop|report`) use the same runner.

use crate::docker::Endpoint;
use crate::watch::HostId;
use serde::Serialize;
use std::path::PathBuf;

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Disconnect from every network (recorded for undo), optionally pause, capture evidence.
    Isolate,
    /// Reconnect exactly as recorded at isolate time.
    Unisolate,
    /// Graceful stop with a timeout, then kill.
    Stop,
    /// Write a report of the container (or the whole host when the target has no container).
    Export,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Isolate => "isolate",
            ActionKind::Unisolate => "unisolate",
            ActionKind::Stop => "stop",
            ActionKind::Export => "export",
        }
    }
}

/// What to do it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: HostId,
    /// The daemon's URL, as shown in the header (for the dialog and the audit log).
    pub endpoint: String,
    /// `None`: the whole host (export only).
    pub container_id: Option<String>,
    /// The container's name (or the host's endpoint for a host export).
    pub name: String,
}

/// One confirmed action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRequest {
    pub kind: ActionKind,
    pub target: Target,
}

/// How an action ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionOutcome {
    pub request: ActionRequest,
    /// `Ok`: a one-line summary for the status bar; `Err`: a one-line reason.
    pub result: Result<String, String>,
    /// Files written (evidence bundle folder, report files).
    pub paths: Vec<PathBuf>,
}

/// Runs actions against the daemons; one per console or headless command.
pub struct ActionRunner {
    #[allow(dead_code)]
    endpoints: Vec<Endpoint>,
}

impl ActionRunner {
    pub fn new(endpoints: Vec<Endpoint>) -> Self {
        ActionRunner { endpoints }
    }

    /// Run one confirmed action, append it to the audit log, and say how it went.
    pub async fn run(&self, request: ActionRequest) -> ActionOutcome {
        ActionOutcome {
            request,
            result: Err("not implemented yet".into()),
            paths: Vec::new(),
        }
    }
}
