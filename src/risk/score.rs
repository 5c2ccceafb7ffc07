//! Turning findings into a 0-100 score.
//!
//! The model (see `docs/scoring.md`):
//! - each finding is an independent chance of compromise with a weight per severity
//!   (critical 45, high 22, medium 9, low 3, info 0), combined as a noisy-OR:
//!   `100 * (1 - prod(1 - w/100))`, so the score rises with every finding and saturates;
//! - hygiene findings (limits, healthcheck, restart policy) are combined on their own and
//!   capped at 15 points, so a pile of hygiene gaps never outranks one escape path;
//! - a host-root finding (privileged, a runtime socket, writable `/` or `/etc`, SYS_MODULE...)
//!   puts the score on the critical ladder: 90 for one route, 4 more per further distinct
//!   route (privileged counts as two: it is every capability and device route at once), plus
//!   one point per confinement layer already gone (seccomp off, no AppArmor/SELinux, root
//!   user), capped at 100; without a host-root finding the score stays below 90, so every
//!   route to host root ranks above any pile of other findings;
//! - implied findings (already covered by another one, e.g. seccomp off under privileged)
//!   are shown but weigh nothing;
//! - findings lowered by user namespaces / rootless mode already carry the lower severity.

use super::finding::{Finding, Severity, Weighting};
use serde::Serialize;

/// Score band: 0-19 low, 20-49 medium, 50-79 high, 80-100 critical.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "band"))]
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
/// The score of one host-root route with every other layer of confinement in place.
pub const HOST_ROOT_FLOOR: u8 = 90;
/// Points per further independent route to host root (more than all weakened layers
/// together, so one more route always ranks higher).
pub const ROUTE_STEP: u8 = 4;
/// The highest score without a route to host root.
pub const NO_ROUTE_CAP: f64 = 89.0;
/// The privileged rule: all capabilities, all devices, no LSM, no seccomp: two routes.
pub const PRIVILEGED_ID: &str = "SW-PRIV-001";

/// Confinement layers whose loss makes every route easier: one point each on the ladder.
/// Each layer is named by the rules that report it gone (implied findings count: under
/// privileged, seccomp really is off).
const WEAKENED_LAYERS: &[&[&str]] = &[
    &["SW-SEC-001"],               // seccomp unconfined
    &["SW-SEC-002", "SW-SEC-003"], // no AppArmor / SELinux
    &["SW-USR-001"],               // runs as root
];

/// How many independent routes to host root the findings hold (privileged counts twice).
pub fn host_root_routes(findings: &[Finding]) -> u8 {
    let mut ids: Vec<&str> = findings
        .iter()
        .filter(|f| f.weighting == Weighting::HostRoot)
        .map(|f| f.id.as_ref())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.iter()
        .map(|id| if *id == PRIVILEGED_ID { 2 } else { 1 })
        .sum()
}

/// How many confinement layers are gone (0..=3).
pub fn weakened_layers(findings: &[Finding]) -> u8 {
    WEAKENED_LAYERS
        .iter()
        .filter(|ids| {
            findings
                .iter()
                .any(|f| ids.contains(&f.id.as_ref()) && f.severity > Severity::Info)
        })
        .count() as u8
}

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
    let raw = noisy_or(main.chain(std::iter::once(hygiene)));
    let routes = host_root_routes(findings);
    let value = if routes == 0 {
        raw.round().clamp(0.0, NO_ROUTE_CAP) as u8
    } else {
        let ladder = u32::from(HOST_ROOT_FLOOR)
            + u32::from(ROUTE_STEP) * u32::from(routes - 1)
            + u32::from(weakened_layers(findings));
        ladder.min(100) as u8
    };
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
            acceptance: None,
            baseline: None,
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
    fn host_root_ladder() {
        let one = [f("p", Severity::Critical, Weighting::HostRoot)];
        assert_eq!(score(&one).value, 90);
        assert_eq!(score(&one).band, Band::Critical);
        let two = [
            f("p", Severity::Critical, Weighting::HostRoot),
            f("s", Severity::Critical, Weighting::HostRoot),
        ];
        assert_eq!(score(&two).value, 94);
        // The same rule twice is one root cause.
        let dup = [
            f("p", Severity::Critical, Weighting::HostRoot),
            f("p", Severity::Critical, Weighting::HostRoot),
        ];
        assert_eq!(score(&dup).value, 90);
    }

    fn with(mut base: Vec<Finding>, more: &[(&str, Severity, Weighting)]) -> Vec<Finding> {
        base.extend(more.iter().map(|(id, s, w)| f(id, *s, *w)));
        base
    }

    #[test]
    fn the_critical_band_keeps_ordering() {
        use Severity::{Critical as C, High as H, Medium as M};
        use Weighting::{HostRoot as R, Implied as I, Normal as N};
        let sys_admin = vec![f("SW-CAP-SYS_ADMIN", C, R)];
        let sys_admin_seccomp = with(sys_admin.clone(), &[("SW-SEC-001", H, N)]);
        let sys_admin_all_gone = with(
            sys_admin_seccomp.clone(),
            &[("SW-SEC-002", H, N), ("SW-USR-001", M, N)],
        );
        // Privileged with everything it implies, and as root.
        let privileged = vec![
            f("SW-PRIV-001", C, R),
            f("SW-SEC-001", H, I),
            f("SW-SEC-002", H, I),
            f("SW-USR-001", M, N),
        ];
        let privileged_socket = with(privileged.clone(), &[("SW-MNT-001", C, R)]);
        let s = |x: &[Finding]| score(x).value;
        assert!(s(&sys_admin_seccomp) > s(&sys_admin));
        assert!(s(&sys_admin_all_gone) > s(&sys_admin_seccomp));
        // Privileged beats any single capability route, however weak the rest.
        assert!(s(&privileged) > s(&sys_admin_all_gone));
        assert!(s(&privileged_socket) > s(&privileged));
        // A pile of non-root findings stays below one route.
        let pile: Vec<Finding> = (0..12).map(|i| f(&format!("c{i}"), C, N)).collect();
        assert!(s(&pile) < s(&sys_admin));
        assert_eq!(s(&pile), 89);
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
