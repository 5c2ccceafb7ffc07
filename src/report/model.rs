//! The report data model. Its JSON form is the documented `seawall.report/v1` contract
//! (see `docs/report-schema.md`): fields may be added, never renamed or removed.

use crate::model::EngineFacts;
use crate::risk::{Band, Finding, Severity};
use serde::Serialize;

/// The schema identifier written into every JSON report.
pub const SCHEMA: &str = "seawall.report/v1";

/// The JSON report written by `seawall scan --format json`. Within v1 fields may be added
/// but are never removed or renamed; consumers must ignore keys they do not know. See
/// docs/report-schema.md.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Schema identifier. A breaking change bumps it to seawall.report/v2.
    pub schema: &'static str,
    /// When the report was generated: RFC 3339, UTC.
    pub generated_at: String,
    /// The version of seawall that wrote the report.
    pub tool_version: &'static str,
    /// One entry per Docker daemon scanned, in the order the endpoints were given.
    pub hosts: Vec<HostReport>,
    /// With `--baseline FILE`: the file the findings were compared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// Every `[[accept]]` entry that was read, with what became of it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub acceptances: Vec<AcceptanceStatus>,
    /// Daemons given but not read (down, not answering within the timeouts, refused):
    /// the others' hosts are still reported; `seawall scan` then exits 2.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreachable: Vec<UnreachableHost>,
}

/// A daemon the scan could not read at all, and why (one line).
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "unreachable_host"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreachableHost {
    /// The endpoint as given (credentials redacted).
    pub endpoint: String,
    /// Why it could not be read, one line.
    pub error: String,
}

/// One `[[accept]]` entry and what it did in this scan.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "acceptance_status"))]
#[derive(Debug, Clone, Serialize)]
pub struct AcceptanceStatus {
    /// `<file> entry <n>`.
    pub source: String,
    /// The rule id it accepts.
    pub rule: String,
    /// `container=...`, `image=...`, `label=k=v`, comma-separated.
    pub selector: String,
    /// Who accepted the risk.
    pub owner: String,
    /// Why.
    pub reason: String,
    /// ISO date (`YYYY-MM-DD`); the acceptance holds through that day (UTC).
    pub expires: String,
    pub status: AcceptanceState,
    /// How many findings it matched.
    pub matched: usize,
}

/// `active`: matched and in force; `expired`: its date has passed (the findings count
/// again); `stale`: it matched no finding (fixed, renamed, or a typo).
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "acceptance_state"))]
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

/// A baseline finding that is gone (matched by host, container name and rule id).
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "resolved"))]
#[derive(Debug, Clone, Serialize)]
pub struct Resolved {
    /// The container's name; empty for a host posture finding.
    pub container: String,
    /// Rule id.
    pub rule: String,
    /// Severity in the baseline.
    pub severity: String,
    /// Title in the baseline.
    pub title: String,
}

/// One Docker daemon.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "host"))]
#[derive(Debug, Clone, Serialize)]
pub struct HostReport {
    /// How seawall reached the daemon, e.g. unix:///var/run/docker.sock or
    /// tcp://10.0.0.5:2376 (credentials redacted).
    pub endpoint: String,
    /// The daemon's name (`docker info` Name); may be empty.
    pub name: String,
    pub engine: EngineFacts,
    pub posture: Posture,
    /// Every container on the daemon, worst first (score descending; on a tie running
    /// containers first, then by name).
    pub containers: Vec<ContainerReport>,
    /// With `--baseline`: the baseline's findings on this host that are gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Vec<Resolved>>,
    /// Listed containers whose inspect failed: not graded, named with why (absent when
    /// every container was read).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<UnreadContainer>,
}

/// A container the daemon listed but seawall could not inspect.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "unread_container"))]
#[derive(Debug, Clone, Serialize)]
pub struct UnreadContainer {
    /// Full container id.
    pub id: String,
    /// Container name without the leading slash.
    pub name: String,
    /// Docker state as the list gave it.
    pub state: String,
    /// Why it could not be read, one line.
    pub error: String,
}

impl UnreadContainer {
    /// `name (id12): error`, one line (not yet sanitized).
    pub fn line(&self) -> String {
        let short: String = self.id.chars().take(12).collect();
        format!("{} ({short}, {}): {}", self.name, self.state, self.error)
    }
}

/// The daemon's own configuration, graded.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "posture"))]
#[derive(Debug, Clone, Serialize)]
pub struct Posture {
    /// Risk score, 0 (nothing found) to 100 (host takeover). See docs/scoring.md.
    #[cfg_attr(test, schemars(range(max = 100)))]
    pub score: u8,
    pub band: Band,
    /// Daemon-level findings, worst first.
    pub findings: Vec<Finding>,
}

/// One container.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "container"))]
#[derive(Debug, Clone, Serialize)]
pub struct ContainerReport {
    /// Full 64-hex container id.
    pub id: String,
    /// Container name without the leading slash.
    pub name: String,
    /// Image reference as the container was created from.
    pub image: String,
    /// Docker state: created, running, paused, restarting, removing, exited or dead.
    pub state: String,
    /// Risk score, 0 (nothing found) to 100 (host takeover). See docs/scoring.md.
    #[cfg_attr(test, schemars(range(max = 100)))]
    pub score: u8,
    pub band: Band,
    /// The container's findings, worst first.
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
