//! The report data model. Its JSON form is the documented `seawall.report/v1` contract
//! (see `docs/report-schema.md`): fields may be added, never renamed or removed.

use crate::model::EngineFacts;
use crate::risk::{Band, Finding, Severity};
use serde::Serialize;

/// The schema identifier written into every JSON report.
pub const SCHEMA: &str = "seawall.report/v1";

/// A whole report: one or more daemons.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    /// RFC 3339, UTC.
    pub generated_at: String,
    /// seawall's own version.
    pub tool_version: &'static str,
    pub hosts: Vec<HostReport>,
}

/// One daemon.
#[derive(Debug, Clone, Serialize)]
pub struct HostReport {
    pub endpoint: String,
    /// Daemon name (`/info Name`).
    pub name: String,
    pub engine: EngineFacts,
    pub posture: Posture,
    /// Worst first.
    pub containers: Vec<ContainerReport>,
    /// Listed containers whose inspect failed: not graded, named with why (absent when
    /// every container was read).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<UnreadContainer>,
}

/// A container the daemon listed but seawall could not inspect.
#[derive(Debug, Clone, Serialize)]
pub struct UnreadContainer {
    pub id: String,
    pub name: String,
    pub state: String,
    /// Why, one line.
    pub error: String,
}

impl UnreadContainer {
    /// `name (id12): error`, one line (not yet sanitized).
    pub fn line(&self) -> String {
        let short: String = self.id.chars().take(12).collect();
        format!("{} ({short}, {}): {}", self.name, self.state, self.error)
    }
}

/// The daemon's own posture.
#[derive(Debug, Clone, Serialize)]
pub struct Posture {
    pub score: u8,
    pub band: Band,
    pub findings: Vec<Finding>,
}

/// One container.
#[derive(Debug, Clone, Serialize)]
pub struct ContainerReport {
    pub id: String,
    /// Without the leading slash.
    pub name: String,
    pub image: String,
    pub state: String,
    pub score: u8,
    pub band: Band,
    /// Worst first.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Every finding in the report, host posture included.
    pub fn all_findings(&self) -> impl Iterator<Item = &Finding> {
        self.hosts.iter().flat_map(|h| {
            h.posture
                .findings
                .iter()
                .chain(h.containers.iter().flat_map(|c| c.findings.iter()))
        })
    }

    /// The worst severity anywhere in the report.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.all_findings().map(|f| f.severity).max()
    }

    /// Count of findings per severity, worst first.
    pub fn severity_counts(&self) -> [(Severity, usize); 5] {
        Severity::ALL.map(|s| (s, self.all_findings().filter(|f| f.severity == s).count()))
    }
}
