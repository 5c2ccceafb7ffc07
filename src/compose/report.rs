//! The output of `seawall scan --compose`: JSON (`seawall.compose/v1`), SARIF (results at
//! the file and line of the key that causes them) and a terminal table.

use super::{ASSUMED_DAEMON, GradedService, Project, SKIPPED_REASON, SKIPPED_RULES};
use crate::report::sarif::{fingerprint, level, rule_name, security_severity};
use crate::risk::{Band, Finding, Severity, catalog};
use crate::sanitize::terminal_line;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "seawall.compose/v1";

/// Where a finding comes from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

/// A finding with its place.
#[derive(Debug, Clone, Serialize)]
pub struct LocatedFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub location: Location,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    pub service: String,
    /// The container name it will get.
    pub container: String,
    pub image: String,
    pub location: Location,
    pub score: u8,
    pub band: Band,
    /// Worst first.
    pub findings: Vec<LocatedFinding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    pub project: String,
    /// Worst first.
    pub services: Vec<ServiceReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub rules: &'static [&'static str],
    pub reason: &'static str,
}

/// A whole compose scan: one entry per `--compose` file.
#[derive(Debug, Clone, Serialize)]
pub struct ComposeReport {
    pub schema: &'static str,
    pub generated_at: String,
    pub tool_version: &'static str,
    pub assumed_daemon: &'static str,
    pub skipped: Skipped,
    pub files: Vec<FileReport>,
}

/// A path as shown and as a SARIF URI: as given, without a leading `./`.
pub fn shown_path(p: &std::path::Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// The report entry of one loaded and graded project.
pub fn file_report(project: &Project, graded: Vec<GradedService>) -> FileReport {
    let mut services: Vec<ServiceReport> = graded
        .into_iter()
        .map(|g| {
            let line = project.service(&g.service).map(|s| s.line).unwrap_or(1);
            ServiceReport {
                container: g.facts.name.clone(),
                image: g.facts.image.clone(),
                location: Location {
                    file: shown_path(project.path(g.file)),
                    line,
                },
                service: g.service,
                score: g.score.value,
                band: g.score.band,
                findings: g
                    .findings
                    .into_iter()
                    .map(|(finding, at)| LocatedFinding {
                        finding,
                        location: Location {
                            file: shown_path(project.path(at.file)),
                            line: at.line,
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    services.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.service.cmp(&b.service))
    });
    FileReport {
        file: shown_path(project.path(0)),
        project: project.name.clone(),
        services,
    }
}

impl ComposeReport {
    pub fn new(files: Vec<FileReport>) -> ComposeReport {
        ComposeReport {
            schema: SCHEMA,
            generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            tool_version: env!("CARGO_PKG_VERSION"),
            assumed_daemon: ASSUMED_DAEMON,
            skipped: Skipped {
                rules: SKIPPED_RULES,
                reason: SKIPPED_REASON,
            },
            files,
        }
    }

    pub fn findings(&self) -> impl Iterator<Item = &LocatedFinding> {
        self.files
            .iter()
            .flat_map(|f| f.services.iter().flat_map(|s| s.findings.iter()))
    }

    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings().map(|f| f.finding.severity).max()
    }
}

pub fn render_json(r: &ComposeReport) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("report serializes");
    s.push('\n');
    s
}

/// SARIF 2.1.0: every result in the compose file at the line of its key, so code scanning
/// shows it on the pull request.
pub fn render_sarif(r: &ComposeReport) -> String {
    let metas: BTreeMap<&str, _> = catalog::all().into_iter().map(|m| (m.id, m)).collect();
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    let mut results = Vec::new();
    for file in &r.files {
        for s in &file.services {
            for lf in &s.findings {
                let f = &lf.finding;
                let id = f.id.as_ref();
                let (title, fix, cis, sev) = match metas.get(id) {
                    Some(m) => (m.title, m.fix, m.cis, m.severity.max(f.severity)),
                    None => (
                        f.title.as_ref(),
                        f.fix.as_ref(),
                        f.cis.as_deref(),
                        f.severity,
                    ),
                };
                let entry = rules.entry(id.to_string()).or_insert_with(|| {
                    json!({
                        "id": id,
                        "name": rule_name(title, id),
                        "shortDescription": {"text": title},
                        "fullDescription": {"text": f.technique.as_ref()},
                        "help": {"text": fix},
                        "properties": {
                            "security-severity": security_severity(sev),
                            "tags": ["security", "compose"],
                            "cis": cis,
                        },
                    })
                });
                // Never under-report: the worst result of a rule sets its severity.
                let shown = entry["properties"]["security-severity"]
                    .as_str()
                    .and_then(|v| v.parse::<f64>().ok())
                    .unwrap_or(0.0);
                if security_severity(f.severity).parse::<f64>().unwrap_or(0.0) > shown {
                    entry["properties"]["security-severity"] = json!(security_severity(f.severity));
                }
                results.push(json!({
                    "ruleId": id,
                    "level": level(f.severity),
                    "message": {"text": format!(
                        "{}: {} ({}). Fix: {}", s.service, f.title, f.evidence, f.fix
                    )},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": lf.location.file},
                            "region": {"startLine": lf.location.line},
                        },
                        "logicalLocations": [{"name": s.service, "kind": "resource"}],
                    }],
                    "partialFingerprints": {
                        "seawallFinding/v1": fingerprint(&lf.location.file, &s.service, id, &f.evidence),
                    },
                    "properties": {"security-severity": security_severity(f.severity)},
                }));
            }
        }
    }
    let doc = json!({
        "$schema": crate::report::sarif::SARIF_SCHEMA,
        "version": crate::report::sarif::SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "seawall",
                "version": r.tool_version,
                "informationUri": crate::report::sarif::INFORMATION_URI,
                "rules": rules.into_values().collect::<Vec<_>>(),
            }},
            "results": results,
            "properties": {
                "assumedDaemon": r.assumed_daemon,
                "skippedRules": r.skipped.rules,
                "skippedReason": r.skipped.reason,
            },
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("sarif serializes");
    s.push('\n');
    s
}

/// A plain table: per file, per service (worst first) its score and findings with lines.
pub fn render_table(r: &ComposeReport) -> String {
    let mut out = String::new();
    for file in &r.files {
        out.push_str(&format!(
            "{} (project {})\n",
            terminal_line(&file.file),
            terminal_line(&file.project)
        ));
        for s in &file.services {
            out.push_str(&format!(
                "  {:<24} {:>3} {:<8} {}\n",
                terminal_line(&s.service),
                s.score,
                s.band.as_str(),
                terminal_line(&s.image)
            ));
            for lf in &s.findings {
                let f = &lf.finding;
                let place = if lf.location.file == file.file {
                    format!("line {}", lf.location.line)
                } else {
                    format!("{}:{}", terminal_line(&lf.location.file), lf.location.line)
                };
                out.push_str(&format!(
                    "    {:<8} {:<18} {:<10} {}: {}\n",
                    f.severity.as_str(),
                    f.id,
                    place,
                    terminal_line(&f.title),
                    terminal_line(&f.evidence)
                ));
            }
        }
    }
    out.push_str(&format!(
        "not evaluated: {} ({})\n",
        SKIPPED_RULES.join(", "),
        SKIPPED_REASON
    ));
    out
}
