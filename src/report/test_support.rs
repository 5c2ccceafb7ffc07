//! Reports built by hand for the renderers' tests.

use super::{ContainerReport, HostReport, Posture, Report, SCHEMA};
use crate::model::EngineFacts;
use crate::risk::{Band, Finding, Severity, Weighting, score};

/// The name of the sample container whose name is hostile to HTML and Markdown.
pub(crate) const HOSTILE_NAME: &str = "<script>alert(1)</script>";

pub(crate) fn finding(
    id: &str,
    severity: Severity,
    title: &str,
    cis: Option<&str>,
    evidence: &str,
) -> Finding {
    Finding {
        id: id.to_string().into(),
        severity,
        title: title.to_string().into(),
        cis: cis.map(|c| c.to_string().into()),
        technique: format!("Technique for {id}: why `{title}` matters.").into(),
        evidence: evidence.to_string(),
        fix: format!("Fix for {id}: remove the flag (compose: delete the key).").into(),
        weighting: Weighting::Normal,
        mitigated: false,
        acceptance: None,
        baseline: None,
    }
}

pub(crate) fn container(
    id: &str,
    name: &str,
    image: &str,
    state: &str,
    findings: Vec<Finding>,
) -> ContainerReport {
    let s = score(&findings);
    ContainerReport {
        id: id.to_string(),
        name: name.to_string(),
        image: image.to_string(),
        state: state.to_string(),
        score: s.value,
        band: s.band,
        findings,
        labels: Default::default(),
    }
}

fn engine() -> EngineFacts {
    EngineFacts {
        version: "27.3.1".into(),
        api_version: "1.47".into(),
        os: "linux".into(),
        kernel: "6.8.0-45-generic".into(),
        runc: "1.1.14".into(),
        containerd: "1.7.22".into(),
        ..Default::default()
    }
}

fn host(
    endpoint: &str,
    name: &str,
    posture: Vec<Finding>,
    mut containers: Vec<ContainerReport>,
) -> HostReport {
    containers.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    let s = score(&posture);
    HostReport {
        endpoint: endpoint.to_string(),
        name: name.to_string(),
        engine: engine(),
        posture: Posture {
            score: s.value,
            band: s.band,
            findings: posture,
        },
        containers,
        resolved: None,
        unread: Vec::new(),
    }
}

/// One host with posture findings and three containers: a privileged one (critical, CIS 5.5),
/// one with a medium finding and no CIS number whose name and evidence are hostile to HTML
/// and Markdown, and a clean one.
pub(crate) fn sample_report() -> Report {
    let privileged = container(
        "4f1c0a7be2d94c8e9a1b3c5d7e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b",
        "db-privileged",
        "postgres:16",
        "running",
        vec![
            finding(
                "SW-PRIV-001",
                Severity::Critical,
                "Container runs privileged",
                Some("5.5"),
                "HostConfig.Privileged = true",
            ),
            finding(
                "SW-CAP-SYS_ADMIN",
                Severity::High,
                "CAP_SYS_ADMIN granted",
                Some("5.4"),
                "HostConfig.CapAdd contains SYS_ADMIN",
            ),
        ],
    );
    // As the real rule marks it host-root, the score sits at the host-root floors.
    let mut privileged = privileged;
    privileged.score = 95;
    privileged.band = Band::of(95);
    let hostile = container(
        "9b8a7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f3021120304a5b6c7d8e9",
        HOSTILE_NAME,
        "evil|image:latest",
        "exited",
        vec![finding(
            "SW-MEM-001",
            Severity::Medium,
            "No memory limit | *unbounded*",
            None,
            "HostConfig.Memory = 0\nsecond line with <b>tag</b> & 'quotes' \"double\"",
        )],
    );
    let clean = container(
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "clean-app",
        "busybox:1.36",
        "running",
        Vec::new(),
    );
    let posture = vec![
        finding(
            "SW-DAEMON-ICC",
            Severity::High,
            "Inter-container communication on the default bridge",
            Some("2.2"),
            "bridge com.docker.network.bridge.enable_icc = true",
        ),
        finding(
            "SW-DAEMON-LIVERESTORE",
            Severity::Low,
            "Live restore disabled",
            None,
            "LiveRestoreEnabled = false",
        ),
    ];
    Report {
        schema: SCHEMA,
        generated_at: "2025-01-02T03:04:05Z".to_string(),
        tool_version: env!("CARGO_PKG_VERSION"),
        hosts: vec![host(
            "unix:///var/run/docker.sock",
            "docker-host-1",
            posture,
            vec![privileged, hostile, clean],
        )],
        baseline: None,
        acceptances: Vec::new(),
        unreachable: Vec::new(),
    }
}

/// One host with `n` containers of varied findings, for size and speed tests.
pub(crate) fn big_report(n: usize) -> Report {
    let sevs = Severity::ALL;
    let containers = (0..n)
        .map(|i| {
            let findings = (0..(i % 9))
                .map(|j| {
                    let sev = sevs[(i + j) % sevs.len()];
                    finding(
                        &format!("SW-TEST-{:03}", (i * 7 + j) % 40),
                        sev,
                        &format!("Test finding {j} with a reasonably long title to truncate"),
                        if j % 2 == 0 { Some("5.1") } else { None },
                        &format!("HostConfig.Field{j} = value-{i}"),
                    )
                })
                .collect();
            container(
                &format!("{i:064x}"),
                &format!("service-{i}-with-a-fairly-long-container-name"),
                "registry.example.internal/team/app:1.2.3",
                if i % 3 == 0 { "exited" } else { "running" },
                findings,
            )
        })
        .collect();
    let mut r = sample_report();
    r.hosts = vec![host(
        "tcp://10.0.0.5:2376",
        "big-host",
        Vec::new(),
        containers,
    )];
    r
}
