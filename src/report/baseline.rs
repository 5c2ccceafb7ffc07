//! Baselines: compare a scan with a previous JSON report (`seawall scan --baseline OLD.json`).
//!
//! A finding is the same finding when the host (daemon name, or its endpoint when the name
//! is empty), the container *name* (not its id: a redeployed container keeps its name) and
//! the rule id agree; host posture findings have an empty container name. Counted as a
//! multiset: two `SW-MNT-018` in the baseline match at most two now. Each finding gets
//! `baseline: new | existing`; each host lists the baseline findings that are gone.

use super::{Report, Resolved};
use crate::risk::BaselineMark;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Why the baseline could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("baseline {file}: cannot read it: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("baseline {file}: not a seawall JSON report ({message})")]
    Invalid { file: String, message: String },
}

type Key = (String, String, String);

/// The findings of a baseline report, by (host, container name, rule id).
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    /// The file, as given.
    pub file: String,
    /// Each key with its severity and title, once per occurrence.
    entries: BTreeMap<Key, Vec<(String, String)>>,
}

fn host_key(name: &str, endpoint: &str) -> String {
    if name.is_empty() {
        endpoint.to_string()
    } else {
        name.to_string()
    }
}

impl Baseline {
    /// Read a JSON report written by `seawall scan --format json`.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| BaselineError::Read {
            file: file.clone(),
            source,
        })?;
        Self::parse(&bytes, &file)
    }

    /// Parse report JSON; `file` names it in messages.
    pub fn parse(bytes: &[u8], file: &str) -> Result<Baseline, BaselineError> {
        let invalid = |message: String| BaselineError::Invalid {
            file: file.to_string(),
            message,
        };
        let doc: Value = serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
        let schema = doc["schema"].as_str().unwrap_or("");
        if !schema.starts_with("seawall.report/") {
            return Err(invalid(format!("schema is {:?}", doc["schema"])));
        }
        let hosts = doc["hosts"]
            .as_array()
            .ok_or_else(|| invalid("no hosts array".into()))?;
        let mut out = Baseline {
            file: file.to_string(),
            ..Baseline::default()
        };
        let text = |v: &Value| v.as_str().unwrap_or("").to_string();
        for h in hosts {
            let host = host_key(
                h["name"].as_str().unwrap_or(""),
                h["endpoint"].as_str().unwrap_or(""),
            );
            let mut add = |container: String, f: &Value| {
                out.entries
                    .entry((host.clone(), container, text(&f["id"])))
                    .or_default()
                    .push((text(&f["severity"]), text(&f["title"])));
            };
            for f in h["posture"]["findings"].as_array().into_iter().flatten() {
                add(String::new(), f);
            }
            for c in h["containers"].as_array().into_iter().flatten() {
                for f in c["findings"].as_array().into_iter().flatten() {
                    add(text(&c["name"]), f);
                }
            }
        }
        Ok(out)
    }

    /// Does the baseline hold this (host, container name, rule id)? (The console's test,
    /// one finding at a time.)
    pub fn contains(&self, host: &str, container: &str, rule: &str) -> bool {
        self.entries
            .get(&(host.to_string(), container.to_string(), rule.to_string()))
            .is_some_and(|v| !v.is_empty())
    }

    /// The host key a daemon is matched by: its name, or its endpoint when it has none.
    pub fn host_key<'a>(name: &'a str, endpoint: &'a str) -> &'a str {
        if name.is_empty() { endpoint } else { name }
    }

    /// Mark every finding of `report` new or existing and list, per host, what is gone.
    pub fn apply(&self, report: &mut Report) {
        let mut left = self.entries.clone();
        report.baseline = Some(self.file.clone());
        let mut take = |key: Key| -> BaselineMark {
            match left.get_mut(&key) {
                Some(v) if !v.is_empty() => {
                    v.pop();
                    BaselineMark::Existing
                }
                _ => BaselineMark::New,
            }
        };
        for h in &mut report.hosts {
            let host = host_key(&h.name, &h.endpoint);
            for f in &mut h.posture.findings {
                f.baseline = Some(take((host.clone(), String::new(), f.id.to_string())));
            }
            for c in &mut h.containers {
                for f in &mut c.findings {
                    f.baseline = Some(take((host.clone(), c.name.clone(), f.id.to_string())));
                }
            }
        }
        for h in &mut report.hosts {
            let host = host_key(&h.name, &h.endpoint);
            let resolved = left
                .iter()
                .filter(|((hk, _, _), rest)| *hk == host && !rest.is_empty())
                .flat_map(|((_, container, rule), rest)| {
                    rest.iter().map(move |(severity, title)| Resolved {
                        container: container.clone(),
                        rule: rule.clone(),
                        severity: severity.clone(),
                        title: title.clone(),
                    })
                })
                .collect();
            h.resolved = Some(resolved);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn new_existing_and_resolved() {
        let old = sample_report();
        let json = crate::report::render(&old, crate::report::Format::Json);
        let base = Baseline::parse(&json, "old.json").unwrap();

        let mut now = sample_report();
        // One finding fixed in the first container, one new one in the second, and the
        // first container redeployed with a new id (the name matches).
        let gone = now.hosts[0].containers[0].findings.remove(0);
        now.hosts[0].containers[0].id = "f".repeat(64);
        let mut extra = now.hosts[0].containers[0].findings[0].clone();
        extra.id = "SW-BRAND-NEW".into();
        now.hosts[0].containers[1].findings.push(extra);
        base.apply(&mut now);

        let h = &now.hosts[0];
        let marks: Vec<_> = h.containers[1]
            .findings
            .iter()
            .map(|f| (f.id.to_string(), f.baseline))
            .collect();
        assert!(marks.contains(&("SW-BRAND-NEW".into(), Some(BaselineMark::New))));
        assert!(
            h.containers[0]
                .findings
                .iter()
                .all(|f| f.baseline == Some(BaselineMark::Existing))
        );
        assert!(
            h.posture
                .findings
                .iter()
                .all(|f| f.baseline == Some(BaselineMark::Existing))
        );
        let resolved = h.resolved.as_ref().unwrap();
        assert_eq!(resolved.len(), 1);
        assert_eq!(resolved[0].rule, gone.id);
        assert_eq!(resolved[0].container, h.containers[0].name);
        assert_eq!(now.baseline.as_deref(), Some("old.json"));
        // Only new findings count toward --fail-on.
        let counting: Vec<_> = now.all_findings().filter(|f| f.counts()).collect();
        assert_eq!(counting.len(), 1);
        assert_eq!(counting[0].id, "SW-BRAND-NEW");
    }

    #[test]
    fn anything_else_is_an_error_naming_the_file() {
        let e = Baseline::parse(b"{\"schema\":\"other\"}", "x.json").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("baseline x.json: not a seawall JSON report")
        );
        let e = Baseline::parse(b"nope", "y.json").unwrap_err();
        assert!(e.to_string().contains("y.json"));
    }
}
