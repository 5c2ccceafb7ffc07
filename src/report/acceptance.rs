//! Applying accepted risks (`config::accept`) to a report: every matching container
//! finding gets its `acceptance` (expired ones too, marked so), and the report lists every
//! entry with what became of it (active, expired, stale). Scores are not touched: an
//! accepted risk is still a risk.

use super::{AcceptanceState, AcceptanceStatus, Report};
use crate::config::accept::AcceptRule;
use crate::risk::Acceptance;
use chrono::NaiveDate;

/// Mark the findings of `report` that `rules` accept, as of `today` (UTC).
pub fn apply(report: &mut Report, rules: &[AcceptRule], today: NaiveDate) {
    let mut matched = vec![0usize; rules.len()];
    for host in &mut report.hosts {
        for c in &mut host.containers {
            for f in &mut c.findings {
                let hit = rules
                    .iter()
                    .position(|r| r.matches(&f.id, &c.name, &c.image, &c.labels));
                if let Some(i) = hit {
                    matched[i] += 1;
                    f.acceptance = Some(acceptance_of(&rules[i], today));
                }
            }
        }
    }
    report.acceptances = rules
        .iter()
        .zip(matched)
        .map(|(r, n)| AcceptanceStatus {
            source: r.source.clone(),
            rule: r.rule.clone(),
            selector: r.selector(),
            owner: r.owner.clone(),
            reason: r.reason.clone(),
            expires: r.expires.to_string(),
            status: if n == 0 {
                AcceptanceState::Stale
            } else if r.expired_on(today) {
                AcceptanceState::Expired
            } else {
                AcceptanceState::Active
            },
            matched: n,
        })
        .collect();
}

/// The acceptance a finding carries for entry `r`.
pub fn acceptance_of(r: &AcceptRule, today: NaiveDate) -> Acceptance {
    Acceptance {
        owner: r.owner.clone(),
        reason: r.reason.clone(),
        expires: r.expires.to_string(),
        expired: r.expired_on(today),
        source: r.source.clone(),
    }
}

/// One line per expired or stale entry, for stderr.
pub fn warnings(report: &Report) -> Vec<String> {
    report
        .acceptances
        .iter()
        .filter_map(|a| match a.status {
            AcceptanceState::Active => None,
            AcceptanceState::Expired => Some(format!(
                "{}: the acceptance of {} ({}) expired on {}; its {} finding(s) count again",
                a.source, a.rule, a.selector, a.expires, a.matched
            )),
            AcceptanceState::Stale => Some(format!(
                "{}: the acceptance of {} ({}) matches no finding (stale: remove it?)",
                a.source, a.rule, a.selector
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn matching_findings_are_marked_and_entries_reported() {
        let mut r = sample_report();
        let c = &r.hosts[0].containers[0];
        let (name, id) = (c.name.clone(), c.findings[0].id.to_string());
        let score = c.score;
        let toml = format!(
            "[[accept]]\nrule = \"{id}\"\ncontainer = \"{name}\"\nowner = \"ops\"\nreason = \"needed\"\nexpires = 2027-01-31\n\n[[accept]]\nrule = \"SW-NOPE\"\ncontainer = \"*\"\nowner = \"ops\"\nreason = \"typo\"\nexpires = 2027-01-31\n"
        );
        let rules = crate::config::accept::parse(&toml, "acc.toml").unwrap();
        apply(&mut r, &rules, day("2027-01-31"));
        let f = &r.hosts[0].containers[0].findings[0];
        let a = f.acceptance.as_ref().expect("accepted");
        assert_eq!(
            (a.owner.as_str(), a.expires.as_str()),
            ("ops", "2027-01-31")
        );
        assert!(f.is_accepted() && !f.counts());
        assert_eq!(r.hosts[0].containers[0].score, score, "score unchanged");
        assert_eq!(r.acceptances[0].status, AcceptanceState::Active);
        assert_eq!(r.acceptances[1].status, AcceptanceState::Stale);
        let w = warnings(&r);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].contains("acc.toml entry 2") && w[0].contains("stale"),
            "{w:?}"
        );

        // The day after, it has expired: still shown, counts again, reported.
        let mut r = sample_report();
        apply(&mut r, &rules, day("2027-02-01"));
        let f = &r.hosts[0].containers[0].findings[0];
        assert!(f.acceptance.as_ref().unwrap().expired);
        assert!(!f.is_accepted() && f.counts());
        assert_eq!(r.acceptances[0].status, AcceptanceState::Expired);
        assert!(warnings(&r)[0].contains("expired on 2027-01-31"));
    }
}
