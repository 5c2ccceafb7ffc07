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
    /// With `--baseline FILE`: the file the findings were compared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// Every `[[accept]]` entry and what became of it (active, expired, stale).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub acceptances: Vec<AcceptanceStatus>,
    /// Daemons given but not read (down, not answering within the timeouts, refused):
    /// the others' hosts are still reported; `seawall scan` then exits 2.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreachable: Vec<UnreachableHost>,
}

/// A daemon the scan could not read at all, and why (one line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreachableHost {
    pub endpoint: String,
    pub error: String,
}

/// What one `[[accept]]` entry did in this scan.
#[derive(Debug, Clone, Serialize)]
pub struct AcceptanceStatus {
    /// `<file> entry <n>`.
    pub source: String,
    pub rule: String,
    /// `container=...`, `image=...`, `label=k=v`, comma-separated.
    pub selector: String,
    pub owner: String,
    pub reason: String,
    pub expires: String,
    pub status: AcceptanceState,
    /// Findings it matched.
    pub matched: usize,
}

/// `active`: matched and in force; `expired`: its date has passed (the findings count
/// again); `stale`: it matched nothing (fixed, renamed, or a typo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AcceptanceState {
    Active,
    Expired,
    Stale,
}

impl AcceptanceState {
    pub fn as_str(self) -> &'static str {
        match self {
            AcceptanceState::Active => "active",
            AcceptanceState::Expired => "expired",
            AcceptanceState::Stale => "stale",
        }
    }
}

/// A baseline finding that is gone.
#[derive(Debug, Clone, Serialize)]
pub struct Resolved {
    /// The container's name; empty for a host posture finding.
    pub container: String,
    pub rule: String,
    pub severity: String,
    pub title: String,
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
    /// With `--baseline`: findings of the baseline on this host that are gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Vec<Resolved>>,
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
    /// For `[[accept]]` label selectors; not written (labels are in the inspect data).
    #[serde(skip)]
    pub labels: std::collections::BTreeMap<String, String>,
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
