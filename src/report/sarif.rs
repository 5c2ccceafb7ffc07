//! SARIF 2.1.0, shaped the way GitHub code scanning accepts it.
//!
//! Findings are not in files, so every result points at a pseudo-file under the
//! `DOCKERHOST` base: `containers/<name>` for a container, `hosts/<name>` for the daemon's
//! posture, always at line 1, with a logical location naming the resource on its endpoint.
//! `partialFingerprints` keep an alert stable across scans.

use super::{HostReport, Report};
use crate::risk::{Finding, RuleMeta, Severity, catalog};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SARIF_VERSION: &str = "2.1.0";
/// Placeholder project home, shown by SARIF viewers.
pub const INFORMATION_URI: &str = "https://github.com/seawall/seawall";
/// The `uriBaseId` every artifact location is relative to.
pub const URI_BASE_ID: &str = "DOCKERHOST";
/// The key of the one partial fingerprint each result carries.
pub const FINGERPRINT_KEY: &str = "seawallFinding/v1";

/// GitHub's `security-severity`: a number as a string (critical >= 9.0, high >= 7.0,
/// medium >= 4.0, low > 0.0).
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// The SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// A SARIF rule name from a title: alphanumeric words, each capitalized
/// (`"Container runs privileged"` -> `"ContainerRunsPrivileged"`).
pub fn rule_name(title: &str, id: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() {
        out = id.chars().filter(char::is_ascii_alphanumeric).collect();
    }
    out
}

/// `sha256(endpoint|container id|rule id|evidence)` in hex; the container id is empty for a
/// daemon posture finding.
pub fn fingerprint(endpoint: &str, container_id: &str, rule_id: &str, evidence: &str) -> String {
    let mut h = Sha256::new();
    for (i, part) in [endpoint, container_id, rule_id, evidence]
        .iter()
        .enumerate()
    {
        if i > 0 {
            h.update(b"|");
        }
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Percent-encode everything but RFC 3986 unreserved characters, so any name is one
/// safe path segment.
fn uri_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    // "." and ".." are not names but path steps.
    if out == "." || out == ".." {
        out = out.replace('.', "%2E");
    }
    out
}

/// What the rules array says about one rule id.
struct RuleEntry<'a> {
    id: &'a str,
    title: String,
    technique: String,
    fix: String,
    cis: Option<String>,
    severity: Severity,
}

fn rule_entry<'a>(
    catalog: &BTreeMap<&str, RuleMeta>,
    id: &'a str,
    first: &'a Finding,
    worst: Severity,
) -> RuleEntry<'a> {
    match catalog.get(id) {
        Some(meta) => RuleEntry {
            id,
            title: meta.title.to_string(),
            technique: meta.technique.to_string(),
            fix: meta.fix.to_string(),
            cis: meta.cis.map(str::to_string),
            // Never under-report: a context-raised finding raises the rule.
            severity: meta.severity.max(worst),
        },
        None => RuleEntry {
            id,
            title: first.title.clone(),
            technique: first.technique.clone(),
            fix: first.fix.clone(),
            cis: first.cis.clone(),
            severity: worst,
        },
    }
}

fn rule_json(r: &RuleEntry<'_>) -> Value {
    let mut tags = vec![Value::from("security")];
    if let Some(cis) = &r.cis {
        tags.push(Value::from(format!("external/cis-docker/{cis}")));
    }
    let full = if r.technique.is_empty() {
        r.title.clone()
    } else {
        r.technique.clone()
    };
    let cis_line = r
        .cis
        .as_ref()
        .map(|c| format!("CIS Docker Benchmark {c}."))
        .unwrap_or_default();
    let help_text = format!(
        "Why it matters: {}\n\nFix: {}\n\n{}",
        r.technique, r.fix, cis_line
    );
    let help_md = format!(
        "**Why it matters:** {}\n\n**Fix:** {}\n\n{}",
        r.technique, r.fix, cis_line
    );
    json!({
        "id": r.id,
        "name": rule_name(&r.title, r.id),
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": full },
        "help": { "text": help_text.trim_end(), "markdown": help_md.trim_end() },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(r.severity),
            "precision": "high",
        },
    })
}

/// Where a finding is: a container or the daemon itself.
enum Subject<'a> {
    Container { id: &'a str, name: &'a str },
    Daemon,
}

fn result_json(h: &HostReport, subject: &Subject<'_>, f: &Finding, rule_index: usize) -> Value {
    let host_name = if h.name.trim().is_empty() {
        "daemon"
    } else {
        h.name.as_str()
    };
    let (uri, name, container_id, what) = match subject {
        Subject::Container { id, name } => (
            format!("containers/{}", uri_segment(name)),
            *name,
            *id,
            format!("container {name}"),
        ),
        Subject::Daemon => (
            format!("hosts/{}", uri_segment(host_name)),
            host_name,
            "",
            format!("daemon {host_name}"),
        ),
    };
    let mut message = format!("{}: {} ({}", f.title, f.evidence, what);
    if !h.endpoint.is_empty() {
        message.push_str(" on ");
        message.push_str(&h.endpoint);
    }
    message.push(')');
    let mut properties = json!({ "severity": f.severity.as_str() });
    if let Some(cis) = &f.cis {
        properties["cis"] = Value::from(cis.as_str());
    }
    if f.mitigated {
        properties["mitigated"] = Value::from(true);
    }
    json!({
        "ruleId": f.id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri, "uriBaseId": URI_BASE_ID },
                "region": { "startLine": 1 },
            },
            "logicalLocations": [{
                "name": name,
                "fullyQualifiedName": format!("{}/{}", h.endpoint, name),
                "kind": "resource",
            }],
        }],
        "partialFingerprints": {
            FINGERPRINT_KEY: fingerprint(&h.endpoint, container_id, &f.id, &f.evidence),
        },
        "properties": properties,
    })
}

/// Build the SARIF log as a JSON value.
pub fn sarif_value(report: &Report) -> Value {
    // One rule per id that appears, sorted by id; remember the worst severity seen.
    let mut seen: BTreeMap<&str, (&Finding, Severity)> = BTreeMap::new();
    for f in report.all_findings() {
        seen.entry(f.id.as_str())
            .and_modify(|(_, worst)| *worst = (*worst).max(f.severity))
            .or_insert((f, f.severity));
    }
    let index: BTreeMap<&str, usize> = seen.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    // The catalog once (the same data `catalog::get` looks up), not once per rule.
    let known: BTreeMap<&str, RuleMeta> = catalog::all().into_iter().map(|m| (m.id, m)).collect();
    let rules: Vec<Value> = seen
        .iter()
        .map(|(id, (first, worst))| rule_json(&rule_entry(&known, id, first, *worst)))
        .collect();

    let mut results = Vec::new();
    for h in &report.hosts {
        for f in &h.posture.findings {
            results.push(result_json(h, &Subject::Daemon, f, index[f.id.as_str()]));
        }
        for c in &h.containers {
            let subject = Subject::Container {
                id: &c.id,
                name: &c.name,
            };
            for f in &c.findings {
                results.push(result_json(h, &subject, f, index[f.id.as_str()]));
            }
        }
    }

    json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "seawall",
                    "version": report.tool_version,
                    "semanticVersion": report.tool_version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                },
            },
            "automationDetails": { "id": "seawall/scan/" },
            "originalUriBaseIds": {
                URI_BASE_ID: {
                    "description": {
                        "text": "The Docker host scanned: containers/<name> is a container, hosts/<name> the daemon.",
                    },
                },
            },
            "invocations": [{ "executionSuccessful": true }],
            "results": results,
        }],
    })
}

/// Render the report as SARIF 2.1.0 (pretty-printed, trailing newline).
pub fn render_sarif(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&sarif_value(report))
        .expect("a serde_json::Value always serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::{HOSTILE_NAME, big_report, sample_report};
    use std::collections::HashSet;

    fn parsed(r: &Report) -> Value {
        serde_json::from_str(&render_sarif(r)).expect("SARIF output is JSON")
    }

    #[test]
    fn top_level_shape() {
        let v = parsed(&sample_report());
        assert_eq!(v["$schema"], SARIF_SCHEMA);
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(v["runs"].as_array().unwrap().len(), 1);
        let run = &v["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "seawall");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert!(
            driver["informationUri"]
                .as_str()
                .unwrap()
                .starts_with("https://")
        );
        assert_eq!(run["automationDetails"]["id"], "seawall/scan/");
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    }

    #[test]
    fn rules_are_complete_and_unique() {
        let r = sample_report();
        let v = parsed(&r);
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let unique: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "one rule per id");
        let used: HashSet<&str> = r.all_findings().map(|f| f.id.as_str()).collect();
        assert_eq!(unique, used, "exactly the ids that appear");
        for rule in rules {
            let id = rule["id"].as_str().unwrap();
            let sev = rule["properties"]["security-severity"]
                .as_str()
                .unwrap_or_else(|| panic!("{id}: security-severity must be a string"));
            let n: f64 = sev.parse().expect("security-severity parses as a number");
            assert!((0.0..=10.0).contains(&n));
            let name = rule["name"].as_str().unwrap();
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
                "{name}"
            );
            for key in ["shortDescription", "fullDescription"] {
                assert!(
                    !rule[key]["text"].as_str().unwrap().is_empty(),
                    "{id}.{key}"
                );
            }
            assert!(rule["help"]["text"].as_str().unwrap().contains("Fix: "));
            assert!(
                rule["help"]["markdown"]
                    .as_str()
                    .unwrap()
                    .contains("**Fix:**")
            );
            assert!(
                ["error", "warning", "note"]
                    .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap())
            );
            let tags = rule["properties"]["tags"].as_array().unwrap();
            assert_eq!(tags[0], "security");
        }
        let priv_rule = rules.iter().find(|r| r["id"] == "SW-PRIV-001").unwrap();
        assert_eq!(priv_rule["properties"]["security-severity"], "9.5");
        assert_eq!(priv_rule["defaultConfiguration"]["level"], "error");
        assert!(
            priv_rule["properties"]["tags"]
                .as_array()
                .unwrap()
                .contains(&Value::from("external/cis-docker/5.5"))
        );
        let mem_rule = rules.iter().find(|r| r["id"] == "SW-MEM-001").unwrap();
        assert_eq!(
            mem_rule["properties"]["tags"].as_array().unwrap().len(),
            1,
            "no CIS tag"
        );
    }

    #[test]
    fn every_result_has_one_location_and_a_matching_rule_index() {
        for r in [sample_report(), big_report(60)] {
            let v = parsed(&r);
            let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
            let results = v["runs"][0]["results"].as_array().unwrap();
            assert_eq!(results.len(), r.all_findings().count());
            let mut fingerprints = HashSet::new();
            for res in results {
                let idx = res["ruleIndex"].as_u64().unwrap() as usize;
                assert_eq!(
                    rules[idx]["id"], res["ruleId"],
                    "ruleIndex points at its rule"
                );
                let locs = res["locations"].as_array().unwrap();
                assert_eq!(locs.len(), 1, "exactly one location");
                let art = &locs[0]["physicalLocation"]["artifactLocation"];
                assert_eq!(art["uriBaseId"], URI_BASE_ID);
                let uri = art["uri"].as_str().unwrap();
                assert!(
                    uri.starts_with("containers/") || uri.starts_with("hosts/"),
                    "{uri}"
                );
                assert!(!uri.contains("://"));
                assert_eq!(locs[0]["physicalLocation"]["region"]["startLine"], 1);
                let logical = &locs[0]["logicalLocations"][0];
                assert_eq!(logical["kind"], "resource");
                assert!(!res["message"]["text"].as_str().unwrap().is_empty());
                let fp = res["partialFingerprints"][FINGERPRINT_KEY]
                    .as_str()
                    .unwrap();
                assert_eq!(fp.len(), 64);
                assert!(
                    fingerprints.insert(fp.to_string()),
                    "fingerprints are distinct"
                );
            }
        }
    }

    #[test]
    fn results_name_their_container_and_level() {
        let v = parsed(&sample_report());
        let results = v["runs"][0]["results"].as_array().unwrap();
        let privileged = results
            .iter()
            .find(|r| r["ruleId"] == "SW-PRIV-001")
            .unwrap();
        assert_eq!(privileged["level"], "error");
        let text = privileged["message"]["text"].as_str().unwrap();
        assert!(text.contains("Container runs privileged"));
        assert!(text.contains("HostConfig.Privileged = true"));
        assert!(text.contains("db-privileged"));
        let loc = &privileged["locations"][0];
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            "containers/db-privileged"
        );
        assert_eq!(loc["logicalLocations"][0]["name"], "db-privileged");
        assert_eq!(
            loc["logicalLocations"][0]["fullyQualifiedName"],
            "unix:///var/run/docker.sock/db-privileged"
        );

        let medium = results
            .iter()
            .find(|r| r["ruleId"] == "SW-MEM-001")
            .unwrap();
        assert_eq!(medium["level"], "warning");
        let uri = medium["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert_eq!(uri, "containers/%3Cscript%3Ealert%281%29%3C%2Fscript%3E");
        assert_eq!(
            medium["locations"][0]["logicalLocations"][0]["name"],
            HOSTILE_NAME
        );

        let low = results
            .iter()
            .find(|r| r["ruleId"] == "SW-DAEMON-LIVERESTORE")
            .unwrap();
        assert_eq!(low["level"], "note");
        assert_eq!(
            low["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "hosts/docker-host-1"
        );
    }

    #[test]
    fn daemon_without_a_name() {
        let mut r = sample_report();
        r.hosts[0].name.clear();
        let v = parsed(&r);
        let results = v["runs"][0]["results"].as_array().unwrap();
        let low = results
            .iter()
            .find(|r| r["ruleId"] == "SW-DAEMON-LIVERESTORE")
            .unwrap();
        assert_eq!(
            low["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "hosts/daemon"
        );
    }

    #[test]
    fn catalog_metadata_wins_and_unknown_ids_fall_back() {
        let r = sample_report();
        let v = parsed(&r);
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        for rule in rules {
            let id = rule["id"].as_str().unwrap();
            let title = rule["shortDescription"]["text"].as_str().unwrap();
            match catalog::get(id) {
                Some(meta) => assert_eq!(title, meta.title),
                None => {
                    let f = r.all_findings().find(|f| f.id == id).unwrap();
                    assert_eq!(title, f.title);
                    assert!(rule["help"]["text"].as_str().unwrap().contains(&f.fix));
                }
            }
        }
    }

    #[test]
    fn fingerprint_is_stable() {
        let a = fingerprint("unix:///var/run/docker.sock", "abc", "SW-PRIV-001", "x");
        assert_eq!(
            a,
            fingerprint("unix:///var/run/docker.sock", "abc", "SW-PRIV-001", "x")
        );
        assert_ne!(
            a,
            fingerprint("unix:///var/run/docker.sock", "abd", "SW-PRIV-001", "x")
        );
        // sha256("a|b|c|d")
        assert_eq!(
            fingerprint("a", "b", "c", "d"),
            hex::encode(Sha256::digest(b"a|b|c|d"))
        );
    }

    #[test]
    fn names_and_levels() {
        assert_eq!(
            rule_name("Container runs privileged", "SW-PRIV-001"),
            "ContainerRunsPrivileged"
        );
        assert_eq!(
            rule_name("CAP_SYS_ADMIN granted", "X"),
            "CapSysAdminGranted"
        );
        assert_eq!(rule_name("", "SW-X-1"), "SWX1");
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(uri_segment(".."), "%2E%2E");
        assert_eq!(uri_segment("a b/c"), "a%20b%2Fc");
    }
}
