//! Verdicts to act on (issue 11), on the real daemon: the critical band keeps ordering
//! (the relations of docs/scoring.md), a host mount is graded as what it is, accepted risks
//! stay in every output and leave --fail-on, baselines mark new / existing / resolved by
//! container name, and --fail-on counts what it says (filters, --fail-on-host, a filter
//! matching nothing is exit 2).
//!
//! Every container is created (never started: `--privileged` cannot start here), named
//! uniquely and labelled with this run's label; scans are filtered by that label.
//! Without a Docker daemon the tests print SKIPPED and pass, except in CI, where they fail.

mod common;

use common::{Report, Spec, TestDaemon, docker, expect_code, text};

fn write(dir: &tempfile::TempDir, name: &str, body: &str) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, body).unwrap();
    p
}

/// The relations of docs/scoring.md, "The order inside the critical band".
#[test]
fn the_critical_band_orders_as_documented() {
    let Some(d) = TestDaemon::get() else { return };
    let c = d.containers(vec![
        Spec::created("sysadmin", &["--cap-add", "SYS_ADMIN"]),
        Spec::created(
            "sysadmin-seccomp",
            &[
                "--cap-add",
                "SYS_ADMIN",
                "--security-opt",
                "seccomp=unconfined",
            ],
        ),
        Spec::created(
            "sysadmin-user",
            &["--cap-add", "SYS_ADMIN", "--user", "1000"],
        ),
        Spec::created("privileged", &["--privileged"]),
        Spec::created(
            "privileged-sock",
            &[
                "--privileged",
                "-v",
                "/var/run/docker.sock:/var/run/docker.sock",
            ],
        ),
        Spec::created("rootfs-ro", &["-v", "/:/host:ro"]),
        Spec::created("rootfs-rw", &["-v", "/:/host"]),
    ]);
    let [
        sysadmin,
        sysadmin_seccomp,
        sysadmin_user,
        privileged,
        privileged_sock,
        rootfs_ro,
        rootfs_rw,
    ] = &c[..]
    else {
        unreachable!()
    };
    let r = d.scan(&[]);
    let s = |x: &common::Ctr| r.score(x);
    let rel = |a: &common::Ctr, b: &common::Ctr, what: &str| {
        assert!(
            s(a) > s(b),
            "{what}: {} ({}) must score above {} ({})\n{}\n{}",
            a.purpose,
            s(a),
            b.purpose,
            s(b),
            r.summary(a),
            r.summary(b)
        );
    };
    rel(
        sysadmin_seccomp,
        sysadmin,
        "SYS_ADMIN with seccomp unconfined > SYS_ADMIN",
    );
    rel(
        sysadmin,
        sysadmin_user,
        "SYS_ADMIN as root > SYS_ADMIN as a user",
    );
    rel(
        privileged_sock,
        privileged,
        "privileged with the socket > privileged",
    );
    if d.info.root_is_host_root() {
        rel(privileged, sysadmin, "privileged > SYS_ADMIN alone");
        rel(
            privileged,
            sysadmin_seccomp,
            "privileged > any single capability route",
        );
        assert_eq!(r.band(privileged), "critical");
    }

    // `-v /:/host:ro` is the host's root filesystem (CIS 5.6, read-only included) and,
    // besides, the runtime socket it holds.
    r.finding(rootfs_ro, "SW-MNT-002")
        .cis("5.6")
        .evidence("/ -> /host (ro)");
    r.finding(rootfs_ro, "SW-MNT-001")
        .severity("critical")
        .evidence("exposes /run/docker.sock");
    assert_eq!(r.band(rootfs_ro), "critical", "{}", r.summary(rootfs_ro));
    // Writable, it also opens the host's /proc and /sys (recursive bind): more routes.
    for id in ["SW-MNT-002", "SW-MNT-001", "SW-MNT-004", "SW-MNT-005"] {
        assert!(r.has(rootfs_rw, id), "{id}: {}", r.summary(rootfs_rw));
    }
    if d.info.root_is_host_root() {
        rel(rootfs_rw, rootfs_ro, "/ writable > / read-only");
    }
}

/// Equal scores: running before created, then by name (the scan's order; the console's
/// adds activity, tested in the reducer).
#[test]
fn equal_scores_put_running_containers_first() {
    let Some(d) = TestDaemon::get() else { return };
    // The created one gets the name that sorts first.
    let base = d.unique_name("tie");
    let created = d.container_named(
        Spec::created("tie-created", &["--user", "1000", "--network", "none"]),
        &format!("{base}-a"),
    );
    let running = d.container_named(
        Spec::running("tie-running", &["--user", "1000", "--network", "none"]),
        &format!("{base}-b"),
    );
    let r = d.scan(&[]);
    assert_eq!(
        r.score(&created),
        r.score(&running),
        "{}\n{}",
        r.summary(&created),
        r.summary(&running)
    );
    let names = r.names();
    let pos = |n: &str| names.iter().position(|x| x == n).unwrap();
    assert!(pos(&running.name) < pos(&created.name), "{names:?}");
}

#[test]
fn accepted_risks_stay_visible_and_leave_fail_on() {
    let Some(d) = TestDaemon::get() else { return };
    let sock = d.container(Spec::created(
        "accept-sock",
        &["-v", "/var/run/docker.sock:/var/run/docker.sock"],
    ));
    let dir = tempfile::tempdir().unwrap();
    let accept = write(
        &dir,
        "accept.toml",
        &format!(
            "[[accept]]\nrule = \"SW-MNT-001\"\ncontainer = \"{}\"\nowner = \"ci-team\"\nreason = \"the runner builds images\"\nexpires = 2999-12-31\n\n\
             [[accept]]\nrule = \"SW-USR-001\"\nlabel = \"{}\"\nowner = \"ci-team\"\nreason = \"old\"\nexpires = 2020-01-01\n\n\
             [[accept]]\nrule = \"SW-NO-SUCH-RULE\"\ncontainer = \"{}\"\nowner = \"x\"\nreason = \"typo\"\nexpires = 2999-01-01\n",
            sock.name,
            d.run_label(),
            sock.name
        ),
    );
    let accept_arg = accept.to_str().unwrap();

    let plain = d.scan(&[]);
    let out = d
        .scan_cmd(&["--format", "json", "--accept", accept_arg])
        .output()
        .unwrap();
    expect_code(&out, 0, "scan with --accept");
    let r = Report::parse(&out.stdout);
    // Still there, same score, marked.
    assert_eq!(r.score(&sock), plain.score(&sock));
    let f = r.finding(&sock, "SW-MNT-001");
    assert_eq!(f.raw["acceptance"]["owner"], "ci-team");
    assert_eq!(f.raw["acceptance"]["expires"], "2999-12-31");
    assert_eq!(f.raw["acceptance"]["expired"], false);
    // The expired one is reported as such, the stale one too.
    let root = r.finding(&sock, "SW-USR-001");
    assert_eq!(root.raw["acceptance"]["expired"], true);
    let err = text(&out.stderr);
    assert!(err.contains("expired on 2020-01-01"), "{err}");
    assert!(err.contains("entry 3") && err.contains("stale"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let states: Vec<&str> = doc["acceptances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["active", "expired", "stale"]);

    // --fail-on: the socket (critical) no longer fails; the expired root finding does.
    let code = |extra: &[&str]| {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        d.scan_cmd(&args).output().unwrap().status.code()
    };
    assert_eq!(code(&["--fail-on", "critical"]), Some(1));
    assert_eq!(
        code(&["--fail-on", "critical", "--accept", accept_arg]),
        Some(0)
    );
    assert_eq!(
        code(&["--fail-on", "medium", "--accept", accept_arg]),
        Some(1)
    );

    // SARIF: suppressed with the justification.
    let sarif = d.scan_text("sarif", &["--accept", accept_arg]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let suppressed = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| {
            x["ruleId"] == "SW-MNT-001"
                && x["message"]["text"].as_str().unwrap().contains(&sock.name)
        })
        .expect("socket result");
    assert_eq!(suppressed["suppressions"][0]["status"], "accepted");
    assert!(
        suppressed["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("the runner builds images")
    );
    // Markdown: an accepted section.
    let md = d.scan_text("markdown", &["--accept", accept_arg]);
    assert!(md.contains("## Accepted risks"), "{md}");

    // The config file's [[accept]] works the same way.
    let cfg = write(
        &dir,
        "config.toml",
        &format!(
            "[scan]\nconcurrency = 4\n\n[[accept]]\nrule = \"SW-MNT-001\"\ncontainer = \"{}\"\nowner = \"ops\"\nreason = \"r\"\nexpires = 2999-12-31\n",
            sock.name
        ),
    );
    let out = d
        .scan_cmd(&["--format", "json", "--config", cfg.to_str().unwrap()])
        .output()
        .unwrap();
    expect_code(&out, 0, "scan with [[accept]] in the config");
    let r = Report::parse(&out.stdout);
    assert_eq!(
        r.finding(&sock, "SW-MNT-001").raw["acceptance"]["owner"],
        "ops"
    );

    // A bad entry is an error naming the file and the entry.
    let bad = write(
        &dir,
        "bad.toml",
        "[[accept]]\nrule = \"SW-MNT-001\"\ncontainer = \"x\"\nowner = \"o\"\nreason = \"r\"\nexpires = \"2027-13-45\"\n",
    );
    let out = d
        .scan_cmd(&["--format", "json", "--accept", bad.to_str().unwrap()])
        .output()
        .unwrap();
    expect_code(&out, 2, "bad accept entry");
    let err = text(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("entry 1") && err.contains("ISO date"),
        "{err}"
    );
}

#[test]
fn baselines_mark_new_existing_and_resolved_by_name() {
    let Some(d) = TestDaemon::get() else { return };
    let name = d.unique_name("redeployed");
    let kept = d.container(Spec::created("baseline-kept", &["--privileged"]));
    let first = d.container_named(
        Spec::created(
            "baseline-v1",
            &["-v", "/var/run/docker.sock:/var/run/docker.sock"],
        ),
        &name,
    );
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let out = d
        .scan_cmd(&["--format", "json", "--output", old.to_str().unwrap()])
        .output()
        .unwrap();
    expect_code(&out, 0, "baseline scan");

    // Redeployed under the same name with a new id: the socket is gone, privileged is new.
    docker(&["rm", "-f", &first.name]);
    let second = d.container_named(Spec::created("baseline-v2", &["--privileged"]), &name);
    assert_ne!(first.id, second.id);
    let old_arg = old.to_str().unwrap();
    let out = d
        .scan_cmd(&["--format", "json", "--baseline", old_arg])
        .output()
        .unwrap();
    expect_code(&out, 0, "scan with --baseline");
    let r = Report::parse(&out.stdout);
    assert_eq!(r.finding(&second, "SW-PRIV-001").raw["baseline"], "new");
    assert_eq!(r.finding(&second, "SW-USR-001").raw["baseline"], "existing");
    assert_eq!(r.finding(&kept, "SW-PRIV-001").raw["baseline"], "existing");
    let resolved = r.host()["resolved"].as_array().expect("resolved list");
    assert!(
        resolved
            .iter()
            .any(|x| x["container"] == name.as_str() && x["rule"] == "SW-MNT-001"),
        "{resolved:?}"
    );

    // --fail-on counts new findings only: the kept container alone passes, the new
    // privileged one fails.
    let code = |extra: &[&str]| {
        let mut args = vec![
            "--format",
            "json",
            "--baseline",
            old_arg,
            "--fail-on",
            "critical",
        ];
        args.extend_from_slice(extra);
        d.scan_cmd(&args).output().unwrap().status.code()
    };
    assert_eq!(code(&["--name", &kept.name]), Some(0));
    assert_eq!(code(&[]), Some(1));

    // Markdown: new and resolved first.
    let md = d.scan_text("markdown", &["--baseline", old_arg]);
    let changes = md.find("## Changes since baseline").expect("changes");
    assert!(changes < md.find("## Summary").unwrap());
    assert!(md[changes..].contains("### Resolved"), "{md}");
}

#[test]
fn fail_on_counts_host_posture_only_without_filters_or_when_asked() {
    let Some(d) = TestDaemon::get() else { return };
    let hardened = d.container(Spec::created(
        "hardened",
        &[
            "--user",
            "1000:1000",
            "--cap-drop",
            "ALL",
            "--read-only",
            "--security-opt",
            "no-new-privileges",
            "--memory",
            "64m",
            "--pids-limit",
            "64",
            "--cpus",
            "0.5",
        ],
    ));
    let r = d.scan(&["--name", &hardened.name]);
    let sev_rank = |s: &str| {
        ["info", "low", "medium", "high", "critical"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    let worst_container = r
        .findings(&hardened)
        .iter()
        .map(|f| sev_rank(&f.severity))
        .max()
        .unwrap_or(0);
    let worst_posture = r.host()["posture"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| sev_rank(f["severity"].as_str().unwrap()))
        .max();
    let Some(worst_posture) = worst_posture.filter(|p| *p > worst_container) else {
        eprintln!(
            "this daemon's posture is no worse than a hardened container: nothing to tell apart"
        );
        return;
    };
    let threshold = ["info", "low", "medium", "high", "critical"][worst_posture];
    let code = |extra: &[&str]| {
        let mut cmd = d.seawall();
        cmd.args(["scan", "--format", "json", "--fail-on", threshold])
            .args(extra);
        cmd.output().unwrap().status.code()
    };
    // Filtered to the hardened container: posture is reported but does not count...
    assert_eq!(code(&["--name", &hardened.name]), Some(0));
    // ...unless asked (without filters it counts: `cli::tests`, since a whole shared
    // daemon holds other people's findings too).
    assert_eq!(code(&["--name", &hardened.name, "--fail-on-host"]), Some(1));
}

#[test]
fn a_filter_that_matches_nothing_is_exit_2() {
    let Some(d) = TestDaemon::get() else { return };
    let missing = d.unique_name("no-such-container");
    for args in [
        vec!["scan", "--name", missing.as_str(), "--fail-on", "critical"],
        vec![
            "scan",
            "--label",
            "seawall.test.nothing=none",
            "--format",
            "json",
        ],
    ] {
        let out = d.seawall().args(&args).output().unwrap();
        expect_code(&out, 2, "filter matching nothing");
        let err = text(&out.stderr);
        assert!(err.contains("no container matches"), "{err}");
        assert!(out.stdout.is_empty(), "no report is written");
    }
}
