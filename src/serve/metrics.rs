//! The metrics of `seawall serve`: what the watch tasks report ([`DataEvent`]s, already
//! graded by the one grader), kept as Prometheus series in a `prometheus-client` registry
//! and encoded in the Prometheus text exposition format (0.0.4).
//!
//! | series | type | labels |
//! |---|---|---|
//! | `seawall_container_risk_score` | gauge, 0-100 | host, container, image, band |
//! | `seawall_container_findings` | gauge, findings per severity (all five, zeros too) | host, container, severity |
//! | `seawall_host_posture_score` | gauge, 0-100 | host |
//! | `seawall_alerts_total` | counter | host, rule, severity |
//! | `seawall_daemon_up` | gauge, 1 while the event stream is followed | host |
//! | `seawall_host_info` | gauge, always 1 (one series per daemon) | host, engine (`docker`/`podman`), version, runtime, mode (`rootless`/`rootful`/`unknown`) |
//! | `seawall_build_info` | gauge, always 1 | version |
//!
//! A removed container's series are dropped (an event, or missing from a resync), and so
//! are the old series of a container whose name, image or band changed: one series per
//! container at any time. Label values are untrusted text: control, bidi and invisible
//! characters are shown as visible escapes (`sanitize::terminal_line`, as on a terminal),
//! then the exposition escapes `\`, `"` and newlines.

use crate::risk::{GradedContainer, Severity};
use crate::watch::{DataEvent, HostId, LinkStatus};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::collections::HashMap;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ContainerLabels {
    host: String,
    container: String,
    image: String,
    band: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FindingLabels {
    host: String,
    container: String,
    severity: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HostLabels {
    host: String,
}

/// What a daemon is: `seawall_host_info`'s labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HostInfoLabels {
    host: String,
    engine: String,
    version: String,
    runtime: String,
    mode: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AlertLabels {
    host: String,
    rule: String,
    severity: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
}

/// A label value: untrusted text with its terminal controls shown escaped.
fn label(s: &str) -> String {
    crate::sanitize::terminal_line(s).into_owned()
}

/// The registry the HTTP side encodes (read-only once built; the families lock inside).
#[derive(Debug)]
pub struct Exposition {
    registry: Registry,
}

impl Exposition {
    /// The text exposition (version 0.0.4) of every series.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

/// The series of the fleet, updated from the watch tasks' events (owned by the event loop).
#[derive(Debug)]
pub struct FleetMetrics {
    risk: Family<ContainerLabels, Gauge>,
    findings: Family<FindingLabels, Gauge>,
    posture: Family<HostLabels, Gauge>,
    alerts: Family<AlertLabels, Counter>,
    up: Family<HostLabels, Gauge>,
    info: Family<HostInfoLabels, Gauge>,
    /// The current `seawall_host_info` series of each daemon (to drop it when it changes).
    info_series: Vec<Option<HostInfoLabels>>,
    /// The `host` label of each daemon, by [`HostId`].
    hosts: Vec<String>,
    /// Per daemon: the risk series of each container, by id (to drop them).
    series: Vec<HashMap<String, ContainerLabels>>,
}

impl FleetMetrics {
    /// The metrics of these daemons (`hosts[i]` is the `host` label of [`HostId`] `i`,
    /// usually its URL), every daemon down until its watch task says it is live; and the
    /// registry that exposes them.
    pub fn new(hosts: &[String]) -> (FleetMetrics, Exposition) {
        let mut registry = Registry::with_prefix("seawall");
        let metrics = FleetMetrics {
            risk: Family::default(),
            findings: Family::default(),
            posture: Family::default(),
            alerts: Family::default(),
            up: Family::default(),
            info: Family::default(),
            info_series: vec![None; hosts.len()],
            hosts: hosts.iter().map(|h| label(h)).collect(),
            series: vec![HashMap::new(); hosts.len()],
        };
        registry.register(
            "container_risk_score",
            "Risk score of a container (0-100) with its band, from seawall's grader",
            metrics.risk.clone(),
        );
        registry.register(
            "container_findings",
            "Findings of a container by severity",
            metrics.findings.clone(),
        );
        registry.register(
            "host_posture_score",
            "Risk score of the daemon's own configuration (0-100)",
            metrics.posture.clone(),
        );
        registry.register(
            "alerts",
            "Suspicious-activity alerts since seawall serve started",
            metrics.alerts.clone(),
        );
        registry.register(
            "daemon_up",
            "1 while seawall follows the daemon's event stream, 0 while it is unreachable",
            metrics.up.clone(),
        );
        registry.register(
            "host_info",
            "The daemon's engine (docker or podman), its version, OCI runtime and mode (always 1)",
            metrics.info.clone(),
        );
        let build: Family<BuildLabels, Gauge> = Family::default();
        build
            .get_or_create(&BuildLabels {
                version: env!("CARGO_PKG_VERSION").to_string(),
            })
            .set(1);
        registry.register("build_info", "The seawall version (always 1)", build);
        for host in &metrics.hosts {
            metrics.up.get_or_create(&host_labels(host)).set(0);
        }
        (metrics, Exposition { registry })
    }

    /// Take in one event of a watch task.
    pub fn apply(&mut self, event: &DataEvent) {
        match event {
            DataEvent::Status { host, status } => {
                let up = match status {
                    LinkStatus::Live => 1,
                    LinkStatus::Down { .. } => 0,
                    LinkStatus::Connecting => return,
                };
                if let Some(h) = self.hosts.get(*host) {
                    self.up.get_or_create(&host_labels(h)).set(up);
                }
            }
            DataEvent::Host {
                host,
                posture,
                regraded,
            } => {
                if let Some(h) = self.hosts.get(*host) {
                    self.posture
                        .get_or_create(&host_labels(h))
                        .set(i64::from(posture.score.value));
                    let e = &posture.facts.engine;
                    let info = HostInfoLabels {
                        host: h.clone(),
                        engine: e.product.name().to_ascii_lowercase(),
                        version: label(&e.version),
                        runtime: label(&e.runtime_line()),
                        mode: e.mode().to_string(),
                    };
                    if let Some(old) = self.info_series[*host].replace(info.clone())
                        && old != info
                    {
                        self.info.remove(&old);
                    }
                    self.info.get_or_create(&info).set(1);
                }
                for c in regraded {
                    self.upsert(*host, c);
                }
            }
            DataEvent::Snapshot { host, containers } => {
                let keep: std::collections::HashSet<&str> =
                    containers.iter().map(|c| c.facts.id.as_str()).collect();
                let gone: Vec<String> = self
                    .series
                    .get(*host)
                    .map(|s| {
                        s.keys()
                            .filter(|id| !keep.contains(id.as_str()))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                for id in gone {
                    self.drop_container(*host, &id);
                }
                for c in containers {
                    self.upsert(*host, c);
                }
            }
            DataEvent::Upsert {
                host,
                container,
                regraded,
                ..
            } => {
                self.upsert(*host, container);
                for c in regraded {
                    self.upsert(*host, c);
                }
            }
            DataEvent::Removed { host, id, regraded } => {
                self.drop_container(*host, id);
                for c in regraded {
                    self.upsert(*host, c);
                }
            }
            DataEvent::Alert { host, alert, .. } => {
                if let Some(h) = self.hosts.get(*host) {
                    self.alerts
                        .get_or_create(&AlertLabels {
                            host: h.clone(),
                            rule: label(&alert.rule),
                            severity: alert.severity.as_str().to_string(),
                        })
                        .inc();
                }
            }
            DataEvent::RawInspect { .. } | DataEvent::Error { .. } | DataEvent::Unread { .. } => {}
        }
    }

    /// Set the series of one graded container, dropping its old ones if a label changed.
    fn upsert(&mut self, host: HostId, c: &GradedContainer) {
        let Some(h) = self.hosts.get(host).cloned() else {
            return;
        };
        let labels = ContainerLabels {
            host: h,
            container: label(&c.facts.name),
            image: label(&c.facts.image),
            band: c.score.band.as_str().to_string(),
        };
        let old = self
            .series
            .get_mut(host)
            .and_then(|s| s.insert(c.facts.id.clone(), labels.clone()));
        if let Some(old) = old.filter(|old| *old != labels) {
            self.risk.remove(&old);
            if old.container != labels.container {
                self.remove_findings(&old);
            }
        }
        self.risk
            .get_or_create(&labels)
            .set(i64::from(c.score.value));
        for severity in Severity::ALL {
            let n = c.findings.iter().filter(|f| f.severity == severity).count();
            self.findings
                .get_or_create(&finding_labels(&labels, severity))
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
    }

    /// Drop every series of a container that is gone.
    fn drop_container(&mut self, host: HostId, id: &str) {
        if let Some(old) = self.series.get_mut(host).and_then(|s| s.remove(id)) {
            self.risk.remove(&old);
            self.remove_findings(&old);
        }
    }

    fn remove_findings(&self, old: &ContainerLabels) {
        for severity in Severity::ALL {
            self.findings.remove(&finding_labels(old, severity));
        }
    }

    /// How many containers have series (all daemons).
    pub fn containers(&self) -> usize {
        self.series.iter().map(HashMap::len).sum()
    }
}

fn host_labels(host: &str) -> HostLabels {
    HostLabels {
        host: host.to_string(),
    }
}

fn finding_labels(c: &ContainerLabels, severity: Severity) -> FindingLabels {
    FindingLabels {
        host: c.host.clone(),
        container: c.container.clone(),
        severity: severity.as_str().to_string(),
    }
}

#[cfg(test)]
#[path = "metrics_tests.rs"]
mod tests;
