//! The exposition as a scraper reads it: series, escaping, dropped series.

use super::*;
use crate::risk::rules::test_support::{container, default_host};
use crate::watch::DataEvent;
use std::time::Instant;

const HOST: &str = "unix:///var/run/docker.sock";

fn facts(id: &str, name: &str, overlay: &str) -> crate::model::ContainerFacts {
    let mut c = container(overlay);
    c.id = id.into();
    c.name = name.into();
    c
}

/// Metrics of one daemon that has read these containers (live).
fn fleet(containers: Vec<crate::model::ContainerFacts>) -> (FleetMetrics, Exposition) {
    let (mut m, e) = FleetMetrics::new(&[HOST.to_string()]);
    m.apply(&DataEvent::Status {
        host: 0,
        status: LinkStatus::Live,
    });
    for event in DataEvent::inventory(0, default_host(), containers) {
        m.apply(&event);
    }
    (m, e)
}

/// The sample lines (no comments) that mention `needle`.
fn samples(e: &Exposition, needle: &str) -> Vec<String> {
    e.encode()
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains(needle))
        .map(str::to_string)
        .collect()
}

fn privileged() -> &'static str {
    r#"{"HostConfig":{"Privileged":true}}"#
}

#[test]
fn every_series_is_exposed_with_help_and_type() {
    let (_m, e) = fleet(vec![facts("aaa", "admin", privileged())]);
    let text = e.encode();
    for (name, kind) in [
        ("seawall_container_risk_score", "gauge"),
        ("seawall_container_findings", "gauge"),
        ("seawall_host_posture_score", "gauge"),
        ("seawall_daemon_up", "gauge"),
        ("seawall_build_info", "gauge"),
    ] {
        assert!(
            text.contains(&format!("# TYPE {name} {kind}\n")),
            "{name}:\n{text}"
        );
        assert!(text.contains(&format!("# HELP {name} ")), "{name}");
    }
    let risk = samples(&e, "seawall_container_risk_score{");
    assert_eq!(risk.len(), 1, "{risk:?}");
    assert!(
        risk[0].starts_with(&format!(
            "seawall_container_risk_score{{host=\"{HOST}\",container=\"admin\",image=\""
        )),
        "{}",
        risk[0]
    );
    assert!(risk[0].contains("band=\"critical\"} 9"), "{}", risk[0]);
    // One line per severity, zeros included, for the dashboards' stacking.
    let findings = samples(&e, "seawall_container_findings{");
    assert_eq!(findings.len(), 5, "{findings:?}");
    assert!(
        findings
            .iter()
            .any(|l| l.contains("severity=\"critical\"") && !l.ends_with(" 0")),
        "{findings:?}"
    );
    assert_eq!(
        samples(&e, "seawall_daemon_up{"),
        [format!("seawall_daemon_up{{host=\"{HOST}\"}} 1")]
    );
    assert_eq!(samples(&e, "seawall_host_posture_score{").len(), 1);
    assert_eq!(
        samples(&e, "seawall_build_info{"),
        [format!(
            "seawall_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        )]
    );
}

#[test]
fn alerts_are_a_counter_by_host_rule_and_severity() {
    let (mut m, e) = fleet(vec![facts("aaa", "web", "{}")]);
    assert!(samples(&e, "seawall_alerts_total").is_empty());
    let alert = crate::activity::Alert {
        time: chrono::Utc::now(),
        container: Some(crate::activity::ContainerRef {
            id: "aaa".into(),
            name: "web".into(),
        }),
        rule: "SW-ACT-EXEC-001".into(),
        severity: Severity::High,
        title: "shell".into(),
        detail: String::new(),
        technique: String::new(),
        score_bump: 20,
    };
    for _ in 0..3 {
        m.apply(&DataEvent::Alert {
            host: 0,
            alert: Box::new(alert.clone()),
            received: Instant::now(),
        });
    }
    assert_eq!(
        samples(&e, "seawall_alerts_total{"),
        [format!(
            "seawall_alerts_total{{host=\"{HOST}\",rule=\"SW-ACT-EXEC-001\",severity=\"high\"}} 3"
        )]
    );
    assert!(e.encode().contains("# TYPE seawall_alerts_total counter\n"));
    // The count outlives the container: it is about what happened.
    m.apply(&DataEvent::Removed {
        host: 0,
        id: "aaa".into(),
        regraded: vec![],
    });
    assert_eq!(samples(&e, "seawall_alerts_total{").len(), 1);
}

#[test]
fn label_values_are_escaped_for_the_exposition_and_the_terminal() {
    let mut c = facts("aaa", "we\"b\\x\nnext\u{1b}[2J\u{202e}", "{}");
    c.image = "img\"\u{7}".into();
    let (_m, e) = fleet(vec![c]);
    let risk = samples(&e, "seawall_container_risk_score{");
    assert_eq!(risk.len(), 1, "{risk:?}");
    let line = &risk[0];
    // `"` and `\` escaped as the format says; the newline and the terminal controls shown
    // as visible escapes (whose backslash is escaped in turn): one line, no raw controls.
    assert!(
        line.contains(r#"container="we\"b\\x\\nnext\\e[2J\\u{202e}""#),
        "{line}"
    );
    assert!(line.contains(r#"image="img\"\\x07""#), "{line}");
    for l in e.encode().lines() {
        assert!(crate::sanitize::is_terminal_safe(l), "{l}");
    }
    // The host label too (a URL given on the command line).
    let (_m, e) = FleetMetrics::new(&["tcp://h\"x:2376".to_string()]);
    assert!(
        e.encode()
            .contains(r#"seawall_daemon_up{host="tcp://h\"x:2376"} 0"#),
        "{}",
        e.encode()
    );
}

#[test]
fn a_removed_container_loses_every_series() {
    let (mut m, e) = fleet(vec![
        facts("aaa", "web", "{}"),
        facts("bbb", "admin", privileged()),
    ]);
    assert_eq!(samples(&e, "container=\"admin\"").len(), 6);
    m.apply(&DataEvent::Removed {
        host: 0,
        id: "bbb".into(),
        regraded: vec![],
    });
    assert!(
        samples(&e, "container=\"admin\"").is_empty(),
        "{}",
        e.encode()
    );
    assert_eq!(samples(&e, "container=\"web\"").len(), 6);
    assert_eq!(m.containers(), 1);
}

#[test]
fn a_resync_drops_containers_it_no_longer_lists() {
    let (mut m, e) = fleet(vec![
        facts("aaa", "web", "{}"),
        facts("bbb", "admin", privileged()),
    ]);
    let [_, snapshot] = DataEvent::inventory(0, default_host(), vec![facts("aaa", "web", "{}")]);
    m.apply(&snapshot);
    assert!(samples(&e, "container=\"admin\"").is_empty());
    assert_eq!(samples(&e, "container=\"web\"").len(), 6);
}

#[test]
fn a_regraded_or_renamed_container_keeps_one_series() {
    let (mut m, e) = fleet(vec![facts("aaa", "web", "{}")]);
    let before = samples(&e, "seawall_container_risk_score{");
    assert!(!before[0].contains("band=\"critical\""), "{before:?}");
    // Made privileged and renamed: the old band's and name's series are gone.
    let mut grader = crate::risk::Grader::new(default_host());
    grader.replace([facts("aaa", "web", "{}")]);
    let (graded, regraded) = grader.upsert(facts("aaa", "admin", privileged()));
    m.apply(&DataEvent::Upsert {
        host: 0,
        container: Box::new(graded),
        regraded,
        cause: Some("rename".into()),
        received: Instant::now(),
    });
    let risk = samples(&e, "seawall_container_risk_score{");
    assert_eq!(risk.len(), 1, "{risk:?}");
    assert!(
        risk[0].contains("container=\"admin\"") && risk[0].contains("band=\"critical\""),
        "{risk:?}"
    );
    assert!(
        samples(&e, "container=\"web\"").is_empty(),
        "{}",
        e.encode()
    );
    assert_eq!(samples(&e, "seawall_container_findings{").len(), 5);
}

#[test]
fn a_daemon_is_down_until_live_and_when_lost() {
    let (mut m, e) = FleetMetrics::new(&[HOST.to_string()]);
    let up = |e: &Exposition| samples(e, "seawall_daemon_up{");
    assert_eq!(up(&e), [format!("seawall_daemon_up{{host=\"{HOST}\"}} 0")]);
    m.apply(&DataEvent::Status {
        host: 0,
        status: LinkStatus::Live,
    });
    assert!(up(&e)[0].ends_with(" 1"));
    m.apply(&DataEvent::Status {
        host: 0,
        status: LinkStatus::Down {
            message: "gone".into(),
            retry_in_secs: 1,
        },
    });
    assert!(up(&e)[0].ends_with(" 0"));
}

#[test]
fn host_info_names_the_engine_and_follows_an_upgrade() {
    let (mut m, e) = FleetMetrics::new(&[HOST.to_string()]);
    let mut host = default_host();
    host.engine.product = crate::model::Engine::Podman;
    host.engine.version = "4.3.1".into();
    host.engine.oci_runtime = "crun".into();
    host.engine.oci_runtime_version = "1.8.1".into();
    host.engine.rootless = Some(true);
    for event in DataEvent::inventory(0, host.clone(), vec![]) {
        m.apply(&event);
    }
    let info = samples(&e, "seawall_host_info{");
    assert_eq!(
        info,
        [format!(
            "seawall_host_info{{host=\"{HOST}\",engine=\"podman\",version=\"4.3.1\",runtime=\"crun 1.8.1\",mode=\"rootless\"}} 1"
        )]
    );
    host.engine.version = "5.0.0".into();
    for event in DataEvent::inventory(0, host, vec![]) {
        m.apply(&event);
    }
    let info = samples(&e, "seawall_host_info{");
    assert_eq!(info.len(), 1, "{info:?}");
    assert!(info[0].contains("version=\"5.0.0\""), "{}", info[0]);
}
