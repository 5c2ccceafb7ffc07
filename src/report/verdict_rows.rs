//! The rows the people formats (Markdown, HTML) show first: what is new and resolved since
//! the baseline, and the accepted risks. Data only; each renderer escapes its way.

use super::{HostReport, Report, Resolved};
use crate::risk::{BaselineMark, Finding};

/// One finding with where it is: the host label and the container (empty: host posture).
pub struct Row<'a> {
    pub host: &'a HostReport,
    pub container: &'a str,
    pub finding: &'a Finding,
}

fn rows<'a>(report: &'a Report, keep: impl Fn(&Finding) -> bool) -> Vec<Row<'a>> {
    let keep = &keep;
    let mut out: Vec<Row<'a>> = report
        .hosts
        .iter()
        .flat_map(|h| {
            let posture = h
                .posture
                .findings
                .iter()
                .filter(move |f| keep(f))
                .map(move |f| Row {
                    host: h,
                    container: "",
                    finding: f,
                });
            let containers = h.containers.iter().flat_map(move |c| {
                c.findings
                    .iter()
                    .filter(move |f| keep(f))
                    .map(move |f| Row {
                        host: h,
                        container: c.name.as_str(),
                        finding: f,
                    })
            });
            posture.chain(containers)
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.finding.severity));
    out
}

/// Findings new since the baseline, worst first (empty without a baseline).
pub fn new_findings(report: &Report) -> Vec<Row<'_>> {
    rows(report, |f| f.baseline == Some(BaselineMark::New))
}

/// Baseline findings that are gone, with their host.
pub fn resolved(report: &Report) -> Vec<(&HostReport, &Resolved)> {
    report
        .hosts
        .iter()
        .flat_map(|h| h.resolved.iter().flatten().map(move |r| (h, r)))
        .collect()
}

/// Findings that carry an acceptance (expired ones too), worst first.
pub fn accepted(report: &Report) -> Vec<Row<'_>> {
    rows(report, |f| f.acceptance.is_some())
}

/// The acceptance as one line of plain text: `accepted by ops until 2027-01-31: reason`
/// or `acceptance EXPIRED on ...`.
pub fn acceptance_text(f: &Finding) -> Option<String> {
    let a = f.acceptance.as_ref()?;
    Some(if a.expired {
        format!(
            "acceptance EXPIRED on {} (was: {}, {}); counts again",
            a.expires, a.owner, a.reason
        )
    } else {
        format!("accepted by {} until {}: {}", a.owner, a.expires, a.reason)
    })
}
