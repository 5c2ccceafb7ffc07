//! `seawall scan --compose` and `seawall fix --compose` from the command line (no daemon).

mod common;

use serde_json::Value;

const RISKY: &str = "tests/fixtures/compose/risky.yml";

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = common::seawall()
        // No daemon is needed: an unreachable one must not matter.
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .args(args)
        .output()
        .expect("seawall runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn scan_compose_without_a_daemon_in_every_format() {
    let (code, out, err) = run(&["scan", "--compose", RISKY, "--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let services = json["files"][0]["services"].as_array().unwrap();
    assert_eq!(services.len(), 3);
    let admin = &services[0];
    let f = admin["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "SW-PRIV-001")
        .unwrap();
    assert_eq!(f["location"]["file"], RISKY);
    assert_eq!(f["location"]["line"], 23);
    assert!(!out.contains("hunter2"));

    let (code, out, _) = run(&["scan", "--compose", RISKY, "--format", "sarif"]);
    assert_eq!(code, Some(0));
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let r = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(r["artifactLocation"]["uri"], RISKY);
    assert!(r["region"]["startLine"].as_u64().unwrap() > 1);

    let (code, out, _) = run(&["scan", "--compose", RISKY, "--format", "table"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("SW-PRIV-001"));
    assert!(out.contains("line 23"));
    assert!(out.contains("not evaluated: SW-HOST-*"), "{out}");

    // Repeatable: two files, two entries.
    let (code, out, _) = run(&[
        "scan",
        "--compose",
        RISKY,
        "--compose",
        "tests/fixtures/compose/included.yml",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["files"].as_array().unwrap().len(), 2);
}

#[test]
fn fail_on_and_errors_have_their_exit_codes() {
    let (code, _, _) = run(&[
        "scan",
        "--compose",
        RISKY,
        "-f",
        "json",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(code, Some(1));
    let (code, _, _) = run(&[
        "scan",
        "--compose",
        "tests/fixtures/compose/included.yml",
        "-f",
        "json",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(code, Some(0), "host ipc is high, not critical");
    let (code, _, err) = run(&["scan", "--compose", "tests/fixtures/compose/malformed.yml"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("tests/fixtures/compose/malformed.yml:"),
        "{err}"
    );
    assert!(err.contains("not valid YAML"), "{err}");
    let (code, _, err) = run(&["scan", "--compose", RISKY, "--format", "html"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("not available with --compose"), "{err}");
    let (code, _, err) = run(&["scan", "--compose", RISKY, "--name", "x"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--name"), "{err}");
}

#[test]
fn fix_compose_prints_the_patched_document_its_diff_or_json() {
    let (code, out, err) = run(&["fix", "--compose", RISKY, "--service", "web"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("      - \"no-new-privileges:true\""), "{out}");
    assert!(!out.contains("docker.sock"));
    // Only web changes: admin keeps its keys.
    assert!(out.contains("    privileged: true   # needed for the old agent"));
    assert!(err.contains("service web: score 91 -> "), "{err}");

    let (code, out, _) = run(&["fix", "--compose", RISKY, "--diff"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("-    privileged: true   # needed for the old agent"));
    assert!(out.contains("+    privileged: false # seawall: may break:"));

    let (code, out, _) = run(&["fix", "--compose", RISKY, "--service", "web", "-f", "json"]);
    assert_eq!(code, Some(0));
    let plan: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["container"], "web");
    assert_eq!(plan["score"], 91);
    assert!(plan["predicted_score"].as_u64().unwrap() < 90);
    assert!(
        plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["finding"] == "SW-MNT-001")
    );

    let (code, _, err) = run(&["fix", "--compose", RISKY, "--service", "nope"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no service named nope"), "{err}");
    let (code, _, _) = run(&["fix"]);
    assert_eq!(code, Some(2));
}
