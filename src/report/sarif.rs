//! SARIF 2.1.0, shaped the way GitHub code scanning accepts it.
//!
//! Findings are not in files, so every result points at a pseudo-file under the
//! `DOCKERHOST` base: `containers/<name>` for a container, `hosts/<name>` for the daemon's
//! posture, always at line 1, with a logical location naming the resource on its endpoint.
//! `partialFingerprints` keep an alert stable across scans.
//!
//! The log is written straight from typed structs that borrow from the report, one result
//! at a time, so rendering needs little more memory than the output itself. Every struct
//! declares its fields in byte-wise key order: the output is the same, byte for byte, as
//! pretty-printing the sorted-key [`sarif_value`].

use super::{HostReport, Report};
use crate::risk::{Finding, RuleMeta, Severity, catalog};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io;

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
    title: &'a str,
    technique: &'a str,
    fix: &'a str,
    cis: Option<&'a str>,
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
            title: meta.title,
            technique: meta.technique,
            fix: meta.fix,
            cis: meta.cis,
            // Never under-report: a context-raised finding raises the rule.
            severity: meta.severity.max(worst),
        },
        None => RuleEntry {
            id,
            title: &first.title,
            technique: &first.technique,
            fix: &first.fix,
            cis: first.cis.as_deref(),
            severity: worst,
        },
    }
}

// The SARIF log. Keep every struct's fields in byte-wise order of their JSON keys (see the
// module docs); `direct_output_matches_the_value_form` checks it.

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    automation_details: AutomationDetails,
    invocations: [Invocation; 1],
    original_uri_base_ids: OneEntry<BaseUri>,
    results: Results<'a>,
    tool: Tool<'a>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
}

#[derive(Serialize)]
struct BaseUri {
    description: Text<&'static str>,
}

/// `{ "text": ... }`, as in messages and descriptions.
#[derive(Serialize)]
struct Text<T> {
    text: T,
}

/// A JSON object with one entry whose key is a constant (`URI_BASE_ID`, `FINGERPRINT_KEY`).
struct OneEntry<V> {
    key: &'static str,
    value: V,
}

impl<V: Serialize> Serialize for OneEntry<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(self.key, &self.value)?;
        map.end()
    }
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<Rule<'a>>,
    semantic_version: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    default_configuration: DefaultConfiguration,
    full_description: Text<&'a str>,
    help: Help,
    id: &'a str,
    name: String,
    properties: RuleProperties,
    short_description: Text<&'a str>,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct Help {
    markdown: String,
    text: String,
}

#[derive(Serialize)]
struct RuleProperties {
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    /// With `--baseline`: `new` or `unchanged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    level: &'static str,
    locations: [Location<'a>; 1],
    message: Text<String>,
    partial_fingerprints: OneEntry<String>,
    properties: ResultProperties<'a>,
    rule_id: &'a str,
    rule_index: usize,
    /// An accepted risk (`[[accept]]`, not expired): GitHub shows the alert as dismissed.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Suppression {
    justification: String,
    kind: &'static str,
    status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    logical_locations: [LogicalLocation<'a>; 1],
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: String,
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    cis: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    mitigated: bool,
    severity: &'static str,
}

fn rule<'a>(r: &RuleEntry<'a>) -> Rule<'a> {
    let mut tags = vec!["security".to_string()];
    if let Some(cis) = r.cis {
        tags.push(format!("external/cis-docker/{cis}"));
    }
    let full = if r.technique.is_empty() {
        r.title
    } else {
        r.technique
    };
    let cis_line = r
        .cis
        .map(|c| format!("CIS Docker Benchmark {c}."))
        .unwrap_or_default();
    let trimmed = |mut s: String| {
        s.truncate(s.trim_end().len());
        s
    };
    Rule {
        default_configuration: DefaultConfiguration {
            level: level(r.severity),
        },
        full_description: Text { text: full },
        help: Help {
            markdown: trimmed(format!(
                "**Why it matters:** {}\n\n**Fix:** {}\n\n{}",
                r.technique, r.fix, cis_line
            )),
            text: trimmed(format!(
                "Why it matters: {}\n\nFix: {}\n\n{}",
                r.technique, r.fix, cis_line
            )),
        },
        id: r.id,
        name: rule_name(r.title, r.id),
        properties: RuleProperties {
            precision: "high",
            security_severity: security_severity(r.severity),
            tags,
        },
        short_description: Text { text: r.title },
    }
}

/// Where a finding is: a container or the daemon itself.
enum Subject<'a> {
    Container { id: &'a str, name: &'a str },
    Daemon,
}

fn result<'a>(
    h: &'a HostReport,
    subject: &Subject<'a>,
    f: &'a Finding,
    rule_index: usize,
) -> SarifResult<'a> {
    let host_name = if h.name.trim().is_empty() {
        "daemon"
    } else {
        h.name.as_str()
    };
    let (uri, name, container_id, kind) = match *subject {
        Subject::Container { id, name } => (
            format!("containers/{}", uri_segment(name)),
            name,
            id,
            "container",
        ),
        Subject::Daemon => (
            format!("hosts/{}", uri_segment(host_name)),
            host_name,
            "",
            "daemon",
        ),
    };
    let mut message = format!("{}: {} ({kind} {name}", f.title, f.evidence);
    if kind == "daemon" && !h.engine.version.is_empty() {
        // Which engine the daemon finding is about: `Docker 27.3.1`, `Podman 4.3.1`.
        message.push_str(", ");
        message.push_str(&h.engine.label());
    }
    if !h.endpoint.is_empty() {
        message.push_str(" on ");
        message.push_str(&h.endpoint);
    }
    message.push(')');
    let suppressions = f.acceptance.as_ref().filter(|a| !a.expired).map(|a| {
        [Suppression {
            justification: format!(
                "accepted by {} until {}: {} ({})",
                a.owner, a.expires, a.reason, a.source
            ),
            kind: "external",
            status: "accepted",
        }]
    });
    SarifResult {
        baseline_state: f.baseline.map(|b| match b {
            crate::risk::BaselineMark::New => "new",
            crate::risk::BaselineMark::Existing => "unchanged",
        }),
        level: level(f.severity),
        locations: [Location {
            logical_locations: [LogicalLocation {
                fully_qualified_name: format!("{}/{}", h.endpoint, name),
                kind: "resource",
                name,
            }],
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri,
                    uri_base_id: URI_BASE_ID,
                },
                region: Region { start_line: 1 },
            },
        }],
        message: Text { text: message },
        partial_fingerprints: OneEntry {
            key: FINGERPRINT_KEY,
            value: fingerprint(&h.endpoint, container_id, &f.id, &f.evidence),
        },
        properties: ResultProperties {
            cis: f.cis.as_deref(),
            mitigated: f.mitigated,
            severity: f.severity.as_str(),
        },
        rule_id: &f.id,
        rule_index,
        suppressions,
    }
}

/// The results array, built one result at a time as it is written: the whole array never
/// sits in memory, only the output does.
struct Results<'a> {
    report: &'a Report,
    /// Rule id -> its index in the rules array.
    index: BTreeMap<&'a str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.report.all_findings().count()))?;
        for h in &self.report.hosts {
            for f in &h.posture.findings {
                seq.serialize_element(&result(h, &Subject::Daemon, f, self.index[f.id.as_ref()]))?;
            }
            for c in &h.containers {
                let subject = Subject::Container {
                    id: &c.id,
                    name: &c.name,
                };
                for f in &c.findings {
                    seq.serialize_element(&result(h, &subject, f, self.index[f.id.as_ref()]))?;
                }
            }
        }
        seq.end()
    }
}

/// The SARIF log, borrowing from the report; results are made while it is written.
fn sarif_log(report: &Report) -> SarifLog<'_> {
    // One rule per id that appears, sorted by id; remember the worst severity seen.
    let mut seen: BTreeMap<&str, (&Finding, Severity)> = BTreeMap::new();
    for f in report.all_findings() {
        seen.entry(f.id.as_ref())
            .and_modify(|(_, worst)| *worst = (*worst).max(f.severity))
            .or_insert((f, f.severity));
    }
    let index: BTreeMap<&str, usize> = seen.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    // The catalog once (the same data `catalog::get` looks up), not once per rule.
    let known: BTreeMap<&str, RuleMeta> = catalog::all().into_iter().map(|m| (m.id, m)).collect();
    let rules: Vec<Rule<'_>> = seen
        .iter()
        .map(|(id, (first, worst))| rule(&rule_entry(&known, id, first, *worst)))
        .collect();

    SarifLog {
        schema: SARIF_SCHEMA,
        runs: [Run {
            automation_details: AutomationDetails {
                id: "seawall/scan/",
            },
            invocations: [Invocation {
                execution_successful: true,
            }],
            original_uri_base_ids: OneEntry {
                key: URI_BASE_ID,
                value: BaseUri {
                    description: Text {
                        text: "The Docker host scanned: containers/<name> is a container, hosts/<name> the daemon.",
                    },
                },
            },
            results: Results { report, index },
            tool: Tool {
                driver: Driver {
                    information_uri: INFORMATION_URI,
                    name: "seawall",
                    rules,
                    semantic_version: report.tool_version,
                    version: report.tool_version,
                },
            },
        }],
        version: SARIF_VERSION,
    }
}

/// Build the SARIF log as a JSON value (for tests and callers that want to inspect it;
/// rendering does not go through it).
pub fn sarif_value(report: &Report) -> Value {
    serde_json::to_value(sarif_log(report)).expect("the SARIF log always serializes")
}

/// Write the report as SARIF 2.1.0 (pretty-printed, trailing newline) to `out`, streaming:
/// no JSON tree of the whole log is built. Only `out`'s errors can fail it. The JSON writer
/// hands `out` large chunks, so `out` needs no buffer of its own.
pub fn write_sarif<W: io::Write>(report: &Report, mut out: W) -> io::Result<()> {
    // Also `\uXXXX` for C1, bidi and invisible characters (as `crate::sanitize::SafeJson`).
    crate::sanitize::write_json_pretty(&mut out, &sarif_log(report)).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Render the report as SARIF 2.1.0 (pretty-printed, trailing newline).
pub fn render_sarif(report: &Report) -> String {
    let mut buf = Vec::new();
    write_sarif(report, &mut buf).expect("writing to a Vec cannot fail");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{HOSTILE_NAME, big_report, sample_report};
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
        let used: HashSet<&str> = r.all_findings().map(|f| f.id.as_ref()).collect();
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
                    assert!(
                        rule["help"]["text"]
                            .as_str()
                            .unwrap()
                            .contains(f.fix.as_ref())
                    );
                }
            }
        }
    }

    #[test]
    fn direct_output_matches_the_value_form() {
        // The structs are written in field order; the value form sorts its keys. Equal
        // bytes mean every struct lists its fields in key order, as earlier versions wrote.
        let mut noname = sample_report();
        noname.hosts[0].name.clear();
        let mut mitigated = sample_report();
        mitigated.hosts[0].endpoint.clear();
        for f in &mut mitigated.hosts[0].containers[0].findings {
            f.mitigated = true;
        }
        let mut empty = sample_report();
        empty.hosts.clear();
        for r in [sample_report(), noname, mitigated, empty, big_report(40)] {
            let mut expected = serde_json::to_string_pretty(&sarif_value(&r)).unwrap();
            expected.push('\n');
            assert_eq!(render_sarif(&r), expected);
        }
    }

    #[test]
    fn writes_500_containers() {
        let r = big_report(500);
        let mut out = Vec::new();
        write_sarif(&r, &mut out).unwrap();
        assert_eq!(
            out,
            render_sarif(&r).into_bytes(),
            "writer and string agree"
        );
        let v: Value = serde_json::from_slice(&out).expect("SARIF output is JSON");
        let results = v["runs"][0]["results"].as_array().unwrap();
        let findings = r.all_findings().count();
        assert!(findings >= 500, "{findings} findings");
        assert_eq!(results.len(), findings);
        let locations: usize = results
            .iter()
            .map(|res| res["locations"].as_array().unwrap().len())
            .sum();
        assert_eq!(locations, findings, "one location per result");
        let containers: HashSet<&str> = results
            .iter()
            .filter_map(|res| res["locations"][0]["logicalLocations"][0]["name"].as_str())
            .collect();
        // Container i has i % 9 findings: all but the ones with none appear.
        assert_eq!(containers.len(), 500 - 500usize.div_ceil(9));
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
