//! Turning findings into a 0-100 score.
//!
//! The model (see `docs/scoring.md`):
//! - each finding is an independent chance of compromise with a weight per severity
//!   (critical 45, high 22, medium 9, low 3, info 0), combined as a noisy-OR:
//!   `100 * (1 - prod(1 - w/100))`, so the score rises with every finding and saturates;
//! - hygiene findings (limits, healthcheck, restart policy) are combined on their own and
//!   capped at 15 points, so a pile of hygiene gaps never outranks one escape path;
//! - a host-root finding (privileged, a runtime socket, writable `/` or `/etc`, SYS_MODULE...)
//!   sets a floor of 90, two distinct ones a floor of 95;
//! - implied findings (already covered by another one, e.g. seccomp off under privileged)
//!   are shown but weigh nothing;
//! - findings lowered by user namespaces / rootless mode already carry the lower severity.

use super::finding::{Finding, Severity, Weighting};
use serde::Serialize;

/// Score bands: 0-19 low, 20-49 medium, 50-79 high, 80-100 critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Low,
    Medium,
    High,
    Critical,
}

impl Band {
    pub fn of(score: u8) -> Band {
        match score {
            0..=19 => Band::Low,
            20..=49 => Band::Medium,
            50..=79 => Band::High,
            _ => Band::Critical,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Band {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A score with its band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Score {
    pub value: u8,
    pub band: Band,
}

/// The weight of one finding of this severity, in points out of 100.
pub fn weight(severity: Severity) -> f64 {
    match severity {
        Severity::Critical => 45.0,
        Severity::High => 22.0,
        Severity::Medium => 9.0,
        Severity::Low => 3.0,
        Severity::Info => 0.0,
    }
}

/// Hygiene findings together contribute at most this many points.
pub const HYGIENE_CAP: f64 = 15.0;
/// Floor for one host-root finding.
pub const HOST_ROOT_FLOOR: f64 = 90.0;
/// Floor for two or more distinct host-root findings.
pub const MULTI_HOST_ROOT_FLOOR: f64 = 95.0;

fn noisy_or(weights: impl Iterator<Item = f64>) -> f64 {
    let keep: f64 = weights.map(|w| 1.0 - w / 100.0).product();
    100.0 * (1.0 - keep)
}

/// Score a set of findings (of one container, or of one host's posture).
pub fn score(findings: &[Finding]) -> Score {
    let hygiene = noisy_or(
        findings
            .iter()
            .filter(|f| f.weighting == Weighting::Hygiene)
            .map(|f| weight(f.severity)),
    )
    .min(HYGIENE_CAP);
    let main = findings
        .iter()
        .filter(|f| matches!(f.weighting, Weighting::Normal | Weighting::HostRoot))
        .map(|f| weight(f.severity));
    let mut raw = noisy_or(main.chain(std::iter::once(hygiene)));

    let mut host_root: Vec<&str> = findings
        .iter()
        .filter(|f| f.weighting == Weighting::HostRoot)
        .map(|f| f.id.as_ref())
        .collect();
    host_root.sort_unstable();
    host_root.dedup();
    match host_root.len() {
        0 => {}
        1 => raw = raw.max(HOST_ROOT_FLOOR),
        _ => raw = raw.max(MULTI_HOST_ROOT_FLOOR),
    }
    let value = raw.round().clamp(0.0, 100.0) as u8;
    Score {
        value,
        band: Band::of(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(id: &str, sev: Severity, w: Weighting) -> Finding {
        Finding {
            id: id.to_string().into(),
            severity: sev,
            title: "".into(),
            cis: None,
            technique: "".into(),
            evidence: String::new(),
            fix: "".into(),
            weighting: w,
            mitigated: false,
        }
    }

    #[test]
    fn empty_is_zero_and_low() {
        assert_eq!(
            score(&[]),
            Score {
                value: 0,
                band: Band::Low
            }
        );
    }

    #[test]
    fn noisy_or_matches_the_model() {
        let one_high = [f("a", Severity::High, Weighting::Normal)];
        assert_eq!(score(&one_high).value, 22);
        let two_high = [
            f("a", Severity::High, Weighting::Normal),
            f("b", Severity::High, Weighting::Normal),
        ];
        assert_eq!(score(&two_high).value, 39);
        let crit_high = [
            f("a", Severity::Critical, Weighting::Normal),
            f("b", Severity::High, Weighting::Normal),
        ];
        assert_eq!(score(&crit_high).value, 57);
    }

    #[test]
    fn hygiene_is_capped() {
        let many: Vec<Finding> = (0..30)
            .map(|i| f(&format!("h{i}"), Severity::Medium, Weighting::Hygiene))
            .collect();
        assert_eq!(score(&many).value, 15);
        let one_crit = [f("c", Severity::Critical, Weighting::Normal)];
        assert!(score(&one_crit).value > score(&many).value);
    }

    #[test]
    fn host_root_floors() {
        let one = [f("p", Severity::Critical, Weighting::HostRoot)];
        assert_eq!(score(&one).value, 90);
        assert_eq!(score(&one).band, Band::Critical);
        let two = [
            f("p", Severity::Critical, Weighting::HostRoot),
            f("s", Severity::Critical, Weighting::HostRoot),
        ];
        assert_eq!(score(&two).value, 95);
        // The same rule twice is one root cause.
        let dup = [
            f("p", Severity::Critical, Weighting::HostRoot),
            f("p", Severity::Critical, Weighting::HostRoot),
        ];
        assert_eq!(score(&dup).value, 90);
    }

    #[test]
    fn implied_and_info_weigh_nothing() {
        let x = [
            f("i", Severity::High, Weighting::Implied),
            f("n", Severity::Info, Weighting::Normal),
        ];
        assert_eq!(score(&x).value, 0);
    }

    #[test]
    fn score_is_monotonic() {
        let mut findings = vec![];
        let mut last = 0;
        for sev in [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ] {
            findings.push(f(sev.as_str(), sev, Weighting::Normal));
            let s = score(&findings).value;
            assert!(s > last);
            last = s;
        }
        assert!(last < 100);
    }

    #[test]
    fn bands() {
        assert_eq!(Band::of(19), Band::Low);
        assert_eq!(Band::of(20), Band::Medium);
        assert_eq!(Band::of(50), Band::High);
        assert_eq!(Band::of(80), Band::Critical);
    }
}
