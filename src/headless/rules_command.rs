//! `seawall rules`: every rule seawall knows (configuration rules for containers and the
//! daemon, activity rules for what happens), as a table or JSON, or one rule explained.
//! Ids are matched without regard to case (`sw-mnt-001` is `SW-MNT-001`).

use crate::activity::meta::AlertMeta;
use crate::risk::{RuleMeta, Severity, catalog};
use clap::{Args, ValueEnum};
use serde::Serialize;

/// `seawall rules` options.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Show the full text of one rule (the id in any case, e.g. sw-mnt-001).
    #[arg(value_name = "ID")]
    pub id: Option<String>,

    /// Output: text (a table, or one rule explained) or json.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

/// How `seawall rules` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// For people: a table, or the full text of one rule.
    Text,
    /// An array of rule objects, or one object when an id is given.
    Json,
}

/// A rule that `seawall rules` does not know.
#[derive(Debug, thiserror::Error)]
#[error("no rule with id {0} (see `seawall rules`)")]
pub struct UnknownRule(pub String);

/// One rule as `seawall rules --format json` writes it. Configuration rules (`kind`
/// `container` or `host`) carry `cis` and `fix`; activity rules (`kind` `activity`) carry
/// `attack` (the MITRE ATT&CK technique), `response` and `score_bump`.
#[derive(Debug, Serialize)]
struct RuleJson {
    id: &'static str,
    kind: &'static str,
    severity: Severity,
    title: &'static str,
    /// Why it matters.
    why: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cis: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attack: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score_bump: Option<u8>,
}

impl From<&RuleMeta> for RuleJson {
    fn from(m: &RuleMeta) -> RuleJson {
        RuleJson {
            id: m.id,
            kind: match m.scope {
                crate::risk::Scope::Container => "container",
                crate::risk::Scope::Host => "host",
            },
            severity: m.severity,
            title: m.title,
            why: m.technique,
            cis: m.cis,
            fix: Some(m.fix),
            attack: None,
            response: None,
            score_bump: None,
        }
    }
}

impl From<&AlertMeta> for RuleJson {
    fn from(m: &AlertMeta) -> RuleJson {
        RuleJson {
            id: m.id,
            kind: "activity",
            severity: m.severity,
            title: m.title,
            why: m.why,
            cis: None,
            fix: None,
            attack: Some(m.technique()),
            response: Some(m.response),
            score_bump: Some(m.score_bump),
        }
    }
}

/// A configuration rule or an activity rule.
enum Rule {
    Config(RuleMeta),
    Activity(AlertMeta),
}

impl Rule {
    fn json(&self) -> RuleJson {
        match self {
            Rule::Config(m) => RuleJson::from(m),
            Rule::Activity(m) => RuleJson::from(m),
        }
    }
}

/// The rule with this id, in any case.
fn find(id: &str) -> Option<Rule> {
    catalog::all()
        .into_iter()
        .find(|m| m.id.eq_ignore_ascii_case(id))
        .map(Rule::Config)
        .or_else(|| crate::activity::catalog::get(id).map(Rule::Activity))
}

/// What `seawall rules` prints for these options (`Err` for an unknown id).
pub fn render(args: &RulesArgs) -> Result<String, UnknownRule> {
    let one = match &args.id {
        Some(id) => Some(find(id).ok_or_else(|| UnknownRule(id.clone()))?),
        None => None,
    };
    Ok(match (args.format, one) {
        (RulesFormat::Json, Some(rule)) => json(&rule.json()),
        (RulesFormat::Json, None) => {
            let all: Vec<RuleJson> = catalog::all()
                .iter()
                .map(RuleJson::from)
                .chain(crate::activity::catalog::all().iter().map(RuleJson::from))
                .collect();
            json(&all)
        }
        (RulesFormat::Text, Some(Rule::Config(m))) => explain_config(&m),
        (RulesFormat::Text, Some(Rule::Activity(m))) => explain_activity(&m),
        (RulesFormat::Text, None) => table(),
    })
}

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    // Static strings, enums and integers only: serializing cannot fail.
    let mut s = crate::sanitize::to_json_pretty(value).expect("rule metadata serializes");
    s.push('\n');
    s
}

fn explain_config(m: &RuleMeta) -> String {
    format!(
        "{}  [{}]  {}\nCIS: {}{}\nScope: {:?}\n\nWhy it matters:\n  {}\n\nFix:\n  {}\n\n{}\n",
        m.id,
        m.severity,
        m.title,
        m.cis.unwrap_or("-"),
        cis_source(m.cis),
        m.scope,
        m.technique,
        m.fix,
        BASE_SEVERITY_NOTE
    )
}

/// Where a CIS number comes from, said once where the rule is explained.
fn cis_source(cis: Option<&str>) -> &'static str {
    match cis {
        None => "",
        Some(c) if c.contains("C.") => {
            " (CIS Docker Benchmark v1.6.0; C.x.y.z: docker-bench-security's community checks)"
        }
        Some(_) => " (CIS Docker Benchmark v1.6.0)",
    }
}

/// The severity in brackets is the rule's own; a finding on a container can differ.
const BASE_SEVERITY_NOTE: &str = "The severity in brackets is the rule's base. A finding on a \
     container can be raised or lowered by the container's other settings (host PID, \
     AppArmor or seccomp off, a user namespace...): the console and the reports show each \
     finding with its own severity and evidence.";

fn explain_activity(m: &AlertMeta) -> String {
    format!(
        "{}  [{}]  {}\nATT&CK: {}\nScope: Activity\nScore bump: +{}\n\nWhy it matters:\n  {}\n\nFirst response:\n  {}\n",
        m.id,
        m.severity,
        m.title,
        m.technique(),
        m.score_bump,
        m.why,
        m.response
    )
}

fn table() -> String {
    let mut out = format!("{:<24} {:<9} {:<14} TITLE\n", "ID", "SEVERITY", "CIS");
    for m in catalog::all() {
        out.push_str(&format!(
            "{:<24} {:<9} {:<14} {}\n",
            m.id,
            m.severity.as_str(),
            m.cis.unwrap_or("-"),
            m.title
        ));
    }
    out.push_str(&format!(
        "\n{:<24} {:<9} {:<14} TITLE\n",
        "ACTIVITY RULE", "SEVERITY", "ATT&CK"
    ));
    for m in crate::activity::catalog::all() {
        out.push_str(&format!(
            "{:<24} {:<9} {:<14} {}\n",
            m.id,
            m.severity.as_str(),
            m.technique_id,
            m.title
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(id: Option<&str>, format: RulesFormat) -> RulesArgs {
        RulesArgs {
            id: id.map(str::to_string),
            format,
        }
    }

    #[test]
    fn ids_match_in_any_case() {
        for id in ["sw-mnt-001", "Sw-Mnt-001", "SW-MNT-001"] {
            let text = render(&args(Some(id), RulesFormat::Text)).unwrap();
            assert!(text.starts_with("SW-MNT-001  [critical]"), "{id}: {text}");
        }
        let text = render(&args(Some("sw-cap-sys_admin"), RulesFormat::Text)).unwrap();
        assert!(text.starts_with("SW-CAP-SYS_ADMIN"), "{text}");
        let first_activity = crate::activity::catalog::all()[0].id;
        let text = render(&args(
            Some(&first_activity.to_lowercase()),
            RulesFormat::Text,
        ))
        .unwrap();
        assert!(text.starts_with(first_activity), "{text}");
        assert!(render(&args(Some("sw-nope-999"), RulesFormat::Text)).is_err());
    }

    #[test]
    fn json_lists_every_rule_of_both_kinds() {
        let text = render(&args(None, RulesFormat::Json)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let rules = v.as_array().unwrap();
        assert_eq!(
            rules.len(),
            catalog::all().len() + crate::activity::catalog::all().len()
        );
        let mnt = rules.iter().find(|r| r["id"] == "SW-MNT-001").unwrap();
        assert_eq!(mnt["kind"], "container");
        assert_eq!(mnt["severity"], "critical");
        assert_eq!(mnt["cis"], "5.32");
        assert!(mnt["fix"].as_str().unwrap().contains("docker.sock"));
        assert!(rules.iter().any(|r| r["kind"] == "host"));
        let act = rules.iter().find(|r| r["kind"] == "activity").unwrap();
        assert!(act["attack"].as_str().unwrap().starts_with('T'));
        assert!(act["score_bump"].is_u64());
        assert!(act.get("fix").is_none());
    }
}
