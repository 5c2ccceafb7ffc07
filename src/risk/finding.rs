//! Findings: what a rule reports, and how severe it is.

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "severity"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// One level lower (mitigations such as user namespaces); `Info` stays `Info`.
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }

    /// One level higher; `Critical` stays `Critical`.
    pub fn raised(self) -> Severity {
        match self {
            Severity::Info => Severity::Low,
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" | "med" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" | "crit" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity '{other}' (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// How a finding counts towards the score (see docs/scoring.md).
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "weighting"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// An escape path or a weakened defence: counts with its severity weight.
    #[default]
    Normal,
    /// A direct route to host root: pins the score at the floor.
    HostRoot,
    /// Hygiene (limits, healthcheck, restart policy): capped together.
    Hygiene,
    /// Shown for context, implied by another finding: weight 0.
    Implied,
}

/// Text that is usually a rule's own static metadata (borrowed, never copied per finding:
/// a fleet of 500 containers has thousands of findings) and owned when built at run time or
/// read back from a report.
pub type RuleText = std::borrow::Cow<'static, str>;

/// One thing a rule found. The same value is shown in the console and written by
/// `seawall scan`; its JSON form is part of the `seawall.report/v1` contract.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "finding"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule id, e.g. `SW-PRIV-001` or `SW-CAP-SYS_ADMIN`. Never reused for another
    /// meaning.
    pub id: RuleText,
    pub severity: Severity,
    /// One-line summary.
    pub title: RuleText,
    /// CIS Docker Benchmark recommendation number (v1.6.0 numbering), or null when none
    /// applies.
    pub cis: Option<RuleText>,
    /// Why it matters: the escape or attack technique it enables.
    pub technique: RuleText,
    /// The exact field and value that triggered it (secrets redacted).
    pub evidence: String,
    /// How to fix it: the `docker run` flag and the compose key, or the daemon setting.
    pub fix: RuleText,
    /// How it counts in the score; written only when not `normal`.
    #[serde(default, skip_serializing_if = "is_normal")]
    pub weighting: Weighting,
    /// Written (true) only when the severity was lowered by user namespaces or a rootless
    /// daemon.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mitigated: bool,
    /// The `[[accept]]` entry that accepts this risk (still shown, still scored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Box<super::verdict::Acceptance>>,
    /// With `--baseline`: new since the baseline report, or already in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<super::verdict::BaselineMark>,
}

fn is_normal(w: &Weighting) -> bool {
    *w == Weighting::Normal
}

/// Sort worst first, then by id for a stable order.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
}
