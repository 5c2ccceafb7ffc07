//! A Podman host end to end without a daemon: the captured answers of a real
//! `podman system service` (4.3.1, Debian 12: `/info`, `/version`, two created containers'
//! inspect documents) served by the FakeDocker, read and graded as `seawall scan` does, and
//! rendered in every format.

use crate::docker::fake::FakeDocker;
use crate::inventory::{Selection, collect};
use crate::model::{HostFacts, convert};
use crate::report::{Format, render};
use std::collections::HashMap;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

/// The captured Podman host, converted as the port converts it (with the raw `/info`).
fn podman_host() -> HostFacts {
    let info = fixture("podman_info_4.3.1.json");
    let mut h = convert::host(
        "unix:///run/podman/podman.sock",
        false,
        &serde_json::from_slice(&info).unwrap(),
        &serde_json::from_slice(&fixture("podman_version_4.3.1.json")).unwrap(),
        None,
    );
    convert::apply_info_extras(&mut h, &convert::info_extras(&info));
    h
}

async fn podman_report() -> crate::report::Report {
    let fake = FakeDocker::new();
    fake.set_host(podman_host());
    for name in [
        "podman_inspect_privileged_created.json",
        "podman_inspect_risky_created.json",
    ] {
        let c = convert::container_from_slice(&fixture(name), &HashMap::new()).unwrap();
        fake.add_container(c);
    }
    let inv = collect(
        &fake,
        "unix:///run/podman/podman.sock",
        false,
        &Selection::default(),
        4,
    )
    .await
    .unwrap();
    crate::scan::report(vec![crate::scan::grade_host(inv)])
}

fn text(report: &crate::report::Report, format: Format) -> String {
    String::from_utf8(render(report, format)).unwrap()
}

#[tokio::test]
async fn a_podman_host_is_podman_in_every_format_without_docker_advisories() {
    let report = podman_report().await;
    let json: serde_json::Value = serde_json::from_str(&text(&report, Format::Json)).unwrap();
    let host = &json["hosts"][0];
    assert_eq!(host["engine"]["product"], "podman");
    assert_eq!(host["engine"]["oci_runtime"], "crun");
    assert_eq!(host["engine"]["oci_runtime_version"], "1.8.1");
    assert_eq!(host["engine"]["rootless"], false);
    let posture: Vec<&str> = host["posture"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(
        !posture.iter().any(|id| id.starts_with("SW-HOST-CVE-")),
        "Podman 4.3.1 with crun 1.8.1: no advisory applies: {posture:?}"
    );
    assert!(posture.contains(&"SW-HOST-PODMAN-002"), "{posture:?}");

    let table = text(&report, Format::Table);
    assert!(
        table.contains(
            "engine Podman 4.3.1 (API 1.41, debian) · OCI runtime crun 1.8.1 · mode rootful"
        ),
        "{table}"
    );
    assert!(table.contains("cgroup manager cgroupfs"), "{table}");
    assert!(!table.contains("containerd"), "{table}");
    let markdown = text(&report, Format::Markdown);
    assert!(markdown.contains("| Engine | Podman 4.3.1 (API 1.41, debian) |"));
    assert!(markdown.contains("| OCI runtime | crun 1.8.1 |"));
    assert!(markdown.contains("| mode | rootful |"));
    assert!(!markdown.contains("| containerd |"));
    let html = text(&report, Format::Html);
    assert!(html.contains("<dt>Engine</dt><dd>Podman 4.3.1 (API 1.41, debian)</dd>"));
    assert!(html.contains("<dt>OCI runtime</dt><dd>crun 1.8.1</dd>"));
    let sarif = text(&report, Format::Sarif);
    assert!(sarif.contains("(daemon vm, Podman 4.3.1 on unix:///run/podman/podman.sock)"));
}

#[tokio::test]
async fn container_findings_on_podman_are_those_of_docker() {
    let report = podman_report().await;
    let host = &report.hosts[0];
    let ids = |name: &str| -> Vec<String> {
        host.containers
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name}"))
            .findings
            .iter()
            .map(|f| f.id.to_string())
            .collect()
    };
    let privileged = ids("pm-priv");
    assert!(
        privileged.iter().any(|i| i == "SW-PRIV-001"),
        "{privileged:?}"
    );
    // --cap-add SYS_ADMIN -v /:/host --pid host
    let risky = ids("pm-risky");
    for id in ["SW-CAP-SYS_ADMIN", "SW-MNT-001", "SW-NS-001"] {
        assert!(risky.iter().any(|i| i == id), "{id} in {risky:?}");
    }
}
