//! Compose files and the what-if fix against the real daemon:
//! - a compose service and the container created with the same options get the same rule
//!   ids from the same rules (the compose side graded on this daemon's own facts);
//! - `seawall fix NAME` on a created container: the changes, and a predicted score that is
//!   the grade of the changed configuration.
//!
//! Without a Docker daemon the tests print SKIPPED and pass, except in CI, where they fail.

mod common;

use common::{Spec, TestDaemon};
use seawall::compose;
use seawall::docker::{EndpointInputs, Transport, connect, resolve};
use seawall::inventory;
use seawall::model::{ContainerFacts, HostFacts};
use seawall::risk::Grader;
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;

/// This daemon's facts and one container's, read the way `seawall scan` reads them.
fn live(name: &str) -> (HostFacts, ContainerFacts) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ep = resolve(&EndpointInputs::from_env(None, None)).expect("endpoint");
        let docker = connect(&ep, Duration::from_secs(20))
            .await
            .expect("connects");
        let plain = matches!(ep.transport, Transport::Tcp { tls: None, .. });
        let host = inventory::host_facts(&docker, &ep.url, plain)
            .await
            .expect("host facts");
        let facts = inventory::inspect_one(&docker, &ep.url, name)
            .await
            .expect("inspect")
            .expect("the container exists");
        (host, facts)
    })
}

#[test]
fn a_compose_service_gets_the_rule_ids_of_the_same_container_created_live() {
    let Some(d) = TestDaemon::get() else { return };
    let ctr = d.container(Spec::created(
        "compose-eq",
        &[
            "--cap-add",
            "SYS_ADMIN",
            "--cap-add",
            "NET_ADMIN",
            "--security-opt",
            "seccomp=unconfined",
            "--pid",
            "host",
            "-v",
            "/etc:/host-etc:ro",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
            "-p",
            "8080:80",
            "-e",
            "API_TOKEN=s3cr3t-value-123",
            "--restart",
            "always",
            "--memory",
            "64m",
            "--device",
            "/dev/null:/dev/xnull",
            "--user",
            "0",
        ],
    ));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("compose.yml");
    std::fs::write(
        &file,
        format!(
            "services:\n  eq:\n    image: {image}\n    container_name: {name}\n    command: [sleep, '600']\n    cap_add: [SYS_ADMIN, NET_ADMIN]\n    security_opt:\n      - seccomp=unconfined\n    pid: host\n    network_mode: bridge\n    volumes:\n      - /etc:/host-etc:ro\n      - type: bind\n        source: /var/run/docker.sock\n        target: /var/run/docker.sock\n    ports:\n      - \"8080:80\"\n    environment:\n      API_TOKEN: s3cr3t-value-123\n    restart: always\n    mem_limit: 64m\n    devices:\n      - /dev/null:/dev/xnull\n    user: \"0\"\n",
            image = common::image(),
            name = ctr.name
        ),
    )
    .unwrap();

    let (host, facts) = live(&ctr.name);
    let live_ids: BTreeSet<String> = Grader::new(host.clone())
        .upsert(facts)
        .0
        .findings
        .iter()
        .filter(|f| !compose::needs_daemon(f))
        .map(|f| f.id.to_string())
        .collect();
    let project = compose::load(&file, None).expect("compose file loads");
    let graded = compose::grade(&project, &host);
    let compose_ids: BTreeSet<String> = graded[0]
        .findings
        .iter()
        .map(|(f, _)| f.id.to_string())
        .collect();
    assert_eq!(
        compose_ids, live_ids,
        "compose service vs live container {}",
        ctr.name
    );
    // Not vacuous: the risky keys are there.
    for id in [
        "SW-CAP-SYS_ADMIN",
        "SW-MNT-001",
        "SW-MNT-003",
        "SW-NS-001",
        "SW-SEC-001",
    ] {
        assert!(compose_ids.contains(id), "{id} in {compose_ids:?}");
    }

    // And the command line: the same ids, each with the line of its key.
    let out = common::seawall()
        .args(["scan", "--compose"])
        .arg(&file)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = json["files"][0]["services"][0]["findings"]
        .as_array()
        .unwrap();
    let sock = findings.iter().find(|f| f["id"] == "SW-MNT-001").unwrap();
    assert_eq!(sock["location"]["line"], 13, "the long-syntax socket entry");
    let etc = findings.iter().find(|f| f["id"] == "SW-MNT-003").unwrap();
    assert_eq!(etc["location"]["line"], 12, "the /etc entry");
    let pid = findings.iter().find(|f| f["id"] == "SW-NS-001").unwrap();
    assert_eq!(pid["location"]["line"], 9, "pid: host");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("s3cr3t"));
}

#[test]
fn fix_name_plans_the_changes_and_predicts_the_score_of_a_created_container() {
    let Some(d) = TestDaemon::get() else { return };
    let ctr = d.container(Spec::created(
        "fix-live",
        &[
            "--cap-add",
            "SYS_ADMIN",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
            "-p",
            "8081:80",
        ],
    ));
    let out = common::seawall()
        .args(["fix", &ctr.name, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["container"], ctr.name.as_str());
    let score = plan["score"].as_u64().unwrap();
    let predicted = plan["predicted_score"].as_u64().unwrap();
    assert!(score >= 90, "socket + SYS_ADMIN: {plan}");
    assert!(predicted < score, "{plan}");
    let changes = plan["changes"].as_array().unwrap();
    let change = |id: &str| {
        changes
            .iter()
            .find(|c| c["finding"] == id)
            .unwrap_or_else(|| panic!("no change for {id}: {plan}"))
    };
    assert_eq!(
        change("SW-CAP-SYS_ADMIN")["run_flag"],
        "remove --cap-add SYS_ADMIN"
    );
    assert_eq!(
        change("SW-CAP-SYS_ADMIN")["compose"],
        "cap_add: remove SYS_ADMIN"
    );
    assert_eq!(
        change("SW-MNT-001")["compose"],
        "volumes: remove the entry for /var/run/docker.sock"
    );
    assert!(change("SW-MNT-001")["breaking"].is_string());
    assert_eq!(change("SW-NET-002")["run_flag"], "-p 127.0.0.1:8081:80/tcp");

    // The prediction is the grade of the changed facts on this daemon.
    let (host, facts) = live(&ctr.name);
    let plan_lib = seawall::headless::compose_commands::plan_live(&facts, &host);
    assert_eq!(u64::from(plan_lib.predicted_score), predicted);
    let regraded = Grader::new(host).upsert(plan_lib.hardened.clone()).0.score;
    assert_eq!(u64::from(regraded.value), predicted);

    // Text form: the flags to copy in one piece.
    let out = common::seawall().args(["fix", &ctr.name]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("score {score} -> {predicted} predicted")),
        "{text}"
    );
    assert!(text.contains("flags: "), "{text}");

    // An unknown container is an error (exit 2), not an empty plan.
    let out = common::seawall()
        .args(["fix", &format!("{}-nope", ctr.name)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no container named"));
}
