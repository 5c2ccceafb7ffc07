//! Orderings and counts shared by the human formats (table, Markdown, HTML).

use super::{ContainerReport, HostReport};
use crate::model::EngineFacts;
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

/// `"27.3.1 (API 1.47, linux)"`.
pub(crate) fn engine_line(e: &EngineFacts) -> String {
    let mut s = String::from(or_unknown(&e.version));
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
