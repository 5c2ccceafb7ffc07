//! Orderings and counts shared by the human formats (table, Markdown, HTML).

use super::{ContainerReport, HostReport};
use crate::model::{Engine, EngineFacts};
use crate::risk::{Band, Finding, Severity};

/// Bands, worst first.
pub(crate) const BANDS_WORST_FIRST: [Band; 4] =
    [Band::Critical, Band::High, Band::Medium, Band::Low];

/// A host's containers, worst first: score descending, then name, then id.
pub(crate) fn containers_worst_first(h: &HostReport) -> Vec<&ContainerReport> {
    let mut v: Vec<&ContainerReport> = h.containers.iter().collect();
    v.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    v
}

/// Findings, worst first: severity descending, then id, then evidence.
pub(crate) fn findings_worst_first(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    v.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.evidence.cmp(&b.evidence))
    });
    v
}

/// The worst finding of a list, if any (ties broken by id).
pub(crate) fn worst_finding(findings: &[Finding]) -> Option<&Finding> {
    findings
        .iter()
        .min_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)))
}

/// Findings per severity on one host (posture and containers), worst first.
pub(crate) fn host_severity_counts(h: &HostReport) -> [(Severity, usize); 5] {
    let mut counts = Severity::ALL.map(|s| (s, 0usize));
    let all = h
        .posture
        .findings
        .iter()
        .chain(h.containers.iter().flat_map(|c| c.findings.iter()));
    for f in all {
        if let Some(slot) = counts.iter_mut().find(|(s, _)| *s == f.severity) {
            slot.1 += 1;
        }
    }
    counts
}

/// Containers per score band on one host, worst first.
pub(crate) fn band_counts(h: &HostReport) -> [(Band, usize); 4] {
    BANDS_WORST_FIRST.map(|b| (b, h.containers.iter().filter(|c| c.band == b).count()))
}

/// `s`, or `"unknown"` when empty.
pub(crate) fn or_unknown(s: &str) -> &str {
    if s.trim().is_empty() { "unknown" } else { s }
}

/// `"27.3.1 (API 1.47, linux)"`; a Podman service: `"Podman 4.3.1 (API 1.41, debian)"`.
pub(crate) fn engine_line(e: &EngineFacts) -> String {
    let mut s = match e.product {
        Engine::Docker => String::from(or_unknown(&e.version)),
        Engine::Podman => e.label(),
    };
    let mut extra = Vec::new();
    if !e.api_version.is_empty() {
        extra.push(format!("API {}", e.api_version));
    }
    if !e.os.is_empty() {
        extra.push(e.os.clone());
    }
    if !extra.is_empty() {
        s.push_str(" (");
        s.push_str(&extra.join(", "));
        s.push(')');
    }
    s
}

/// The runtime rows of a host section, label and value: `runc` and `containerd` for
/// Docker (as they always were); the OCI runtime, the mode (rootless or rootful) and the
/// cgroup manager for Podman, which has no containerd.
pub(crate) fn runtime_facts(e: &EngineFacts) -> Vec<(&'static str, String)> {
    match e.product {
        Engine::Docker => vec![
            ("runc", or_unknown(&e.runc).to_string()),
            ("containerd", or_unknown(&e.containerd).to_string()),
        ],
        Engine::Podman => vec![
            ("OCI runtime", or_unknown(&e.runtime_line()).to_string()),
            ("mode", e.mode().to_string()),
            ("cgroup manager", or_unknown(&e.cgroup_driver).to_string()),
        ],
    }
}

/// A host's display name: its daemon name, or its endpoint when the name is unknown.
pub(crate) fn host_label(h: &HostReport) -> &str {
    if h.name.trim().is_empty() {
        &h.endpoint
    } else {
        &h.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn worst_first_orders() {
        let r = sample_report();
        let h = &r.hosts[0];
        let cs = containers_worst_first(h);
        assert!(cs.windows(2).all(|w| w[0].score >= w[1].score));
        let fs = findings_worst_first(&cs[0].findings);
        assert!(fs.windows(2).all(|w| w[0].severity >= w[1].severity));
        assert_eq!(
            worst_finding(&cs[0].findings).map(|f| f.severity),
            Some(Severity::Critical)
        );
        let total: usize = host_severity_counts(h).iter().map(|(_, n)| n).sum();
        assert_eq!(total, r.all_findings().count());
        let per_band: usize = band_counts(h).iter().map(|(_, n)| n).sum();
        assert_eq!(per_band, h.containers.len());
    }
}
