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
                    f.acceptance = Some(Box::new(acceptance_of(&rules[i], today)));
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

    #[test]
    fn people_formats_show_changes_first_and_an_accepted_section() {
        use crate::report::{Format, render};
        let old = sample_report();
        let base =
            crate::report::baseline::Baseline::parse(&render(&old, Format::Json), "old.json")
                .unwrap();
        let mut r = sample_report();
        let c = &r.hosts[0].containers[0];
        let (name, id) = (c.name.clone(), c.findings[0].id.to_string());
        let gone = r.hosts[0].containers[1].findings.remove(0).id;
        let mut fresh = r.hosts[0].containers[0].findings[0].clone();
        fresh.id = "SW-FRESH-001".into();
        r.hosts[0].containers[0].findings.push(fresh);
        let toml = format!(
            "[[accept]]\nrule = \"{id}\"\ncontainer = \"{name}\"\nowner = \"sec-team\"\nreason = \"runner needs it\"\nexpires = 2027-01-31\n[[accept]]\nrule = \"SW-GONE\"\nimage = \"x\"\nowner = \"o\"\nreason = \"r\"\nexpires = 2027-01-31\n"
        );
        let rules = crate::config::accept::parse(&toml, "acc.toml").unwrap();
        apply(&mut r, &rules, day("2027-01-01"));
        base.apply(&mut r);

        let md = String::from_utf8(render(&r, Format::Markdown)).unwrap();
        let changes = md
            .find("## Changes since baseline")
            .expect("changes section");
        let summary = md.find("## Summary").unwrap();
        assert!(changes < summary);
        assert!(md.contains("1 new finding(s), 1 resolved"), "{md}");
        assert!(md.contains("SW\\-FRESH\\-001") || md.contains("SW-FRESH-001"));
        let resolved = md.find("### Resolved").unwrap();
        assert!(
            md[resolved..summary].contains(&gone.replace('-', "\\-"))
                || md[resolved..summary].contains(gone.as_ref())
        );
        let accepted = md.find("## Accepted risks").expect("accepted section");
        assert!(md[accepted..].contains("sec\\-team") || md[accepted..].contains("sec-team"));
        assert!(md[accepted..].contains("2027\\-01\\-31") || md[accepted..].contains("2027-01-31"));
        assert!(md[accepted..].contains("**stale:**"), "{md}");
        assert!(md.contains("ACCEPTED until"));

        let html = String::from_utf8(render(&r, Format::Html)).unwrap();
        let changes = html.find("<h2>Changes since baseline</h2>").unwrap();
        assert!(changes < html.find("<h2>Summary</h2>").unwrap());
        assert!(html.contains("<h2>Accepted risks</h2>"));
        assert!(html.contains("accepted by sec-team until 2027-01-31: runner needs it"));
        assert!(html.contains("<strong class=\"new\">NEW</strong>"));

        // SARIF: the accepted result is suppressed with the justification, new ones say so.
        let sarif: serde_json::Value = serde_json::from_slice(&render(&r, Format::Sarif)).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        let suppressed: Vec<_> = results
            .iter()
            .filter(|x| x.get("suppressions").is_some())
            .collect();
        assert_eq!(suppressed.len(), 1);
        assert_eq!(suppressed[0]["ruleId"], id.as_str());
        assert_eq!(suppressed[0]["suppressions"][0]["status"], "accepted");
        assert!(
            suppressed[0]["suppressions"][0]["justification"]
                .as_str()
                .unwrap()
                .contains("runner needs it")
        );
        assert!(results.iter().any(|x| x["baselineState"] == "new"));
        assert!(results.iter().any(|x| x["baselineState"] == "unchanged"));

        // The terminal table: one line each.
        let table = crate::report::render_table_width(&r, false, 200);
        assert!(table.contains("accepted: 1 finding(s)"), "{table}");
        assert!(table.contains("1 stale entry"), "{table}");
        assert!(
            table.contains("since the baseline: 1 new finding(s), 1 resolved"),
            "{table}"
        );

        // JSON: the acceptance object and the baseline mark on the finding.
        let json: serde_json::Value = serde_json::from_slice(&render(&r, Format::Json)).unwrap();
        let f0 = &json["hosts"][0]["containers"][0]["findings"][0];
        assert_eq!(f0["acceptance"]["owner"], "sec-team");
        assert_eq!(f0["acceptance"]["expires"], "2027-01-31");
        assert_eq!(f0["acceptance"]["expired"], false);
        assert_eq!(f0["baseline"], "existing");
        assert_eq!(json["acceptances"][1]["status"], "stale");
        assert_eq!(json["hosts"][0]["resolved"][0]["rule"], gone.as_ref());
    }
}
