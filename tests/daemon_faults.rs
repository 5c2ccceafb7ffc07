//! Broken daemons, for real: `seawall scan` and `seawall watch` through a fault-injecting
//! proxy in front of the shared daemon (`common::fault_proxy`): one container whose inspect
//! fails (500, a hang, malformed JSON), a list that hangs, an answer that is not HTTP, an
//! `/events` stream that goes silent, an outage with activity in the gap, and an `/events`
//! that answers 500.
//!
//! The daemon is shared: scans filter on this run's label, watch assertions on this test's
//! container names, and no count depends on what other users do (the proxy counts only
//! what seawall asked through it).

mod common;

use common::fault_proxy::{Fault, FaultProxy};
use common::ndjson_watch::NdjsonWatch;
use common::{Spec, TestDaemon, docker};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// How long an alert may take after the moment it becomes possible.
const ALERT_BOUND: Duration = Duration::from_secs(20);

/// A config directory with `config.toml` holding `text`.
fn config_home(tag: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seawall-faults-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(dir.join("seawall")).unwrap();
    std::fs::write(dir.join("seawall/config.toml"), text).unwrap();
    dir
}

/// `seawall -H <proxy> scan --label <run> --format json -o <file>` with a config.
fn scan(
    td: &TestDaemon,
    proxy: &FaultProxy,
    config: &str,
    extra: &[&str],
) -> (Option<i32>, Option<Value>, String, Duration) {
    let out_file = std::env::temp_dir().join(format!(
        "seawall-faults-{}-{}.json",
        std::process::id(),
        td.run_id
    ));
    let _ = std::fs::remove_file(&out_file);
    let mut cmd = common::seawall();
    cmd.env("XDG_CONFIG_HOME", config_home(&td.run_id, config))
        .args(["-H", &proxy.url(), "scan", "--label", &td.run_label()])
        .args(["--format", "json", "-o"])
        .arg(&out_file)
        .args(extra);
    let start = Instant::now();
    let out = cmd.output().expect("seawall runs");
    let took = start.elapsed();
    let report = std::fs::read(&out_file)
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("the report is JSON"));
    let _ = std::fs::remove_file(&out_file);
    (
        out.status.code(),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        took,
    )
}

#[test]
fn scan_reports_every_container_it_can_read_and_names_the_one_it_cannot() {
    let Some(td) = TestDaemon::get() else { return };
    let proxy = FaultProxy::start("partial");
    let good = td.container(Spec::created("good", &[]));
    let bad = td.container(Spec::created("bad", &["--privileged"]));
    for (fault, why) in [
        (Fault::Status(500), "HTTP 500"),
        (Fault::Hang, "timed out"),
        (Fault::Malformed, "JSON"),
    ] {
        proxy.clear();
        proxy.set(&format!("/containers/{}/json", bad.id), fault.clone());
        let (code, report, stderr, took) =
            scan(&td, &proxy, "[scan]\nrequest_timeout_secs = 2\n", &[]);
        assert_eq!(code, Some(2), "{fault:?}: exit 2 after writing; {stderr}");
        let report = report.unwrap_or_else(|| panic!("{fault:?}: no report; {stderr}"));
        let host = &report["hosts"][0];
        let names: Vec<&str> = host["containers"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(names, [good.name.as_str()], "{fault:?}: the rest is graded");
        let unread = host["unread"].as_array().expect("unread listed");
        assert_eq!(unread.len(), 1, "{fault:?}: {unread:?}");
        assert_eq!(unread[0]["name"], bad.name.as_str());
        assert_eq!(unread[0]["id"], bad.id.as_str());
        let error = unread[0]["error"].as_str().unwrap();
        assert!(error.contains(why), "{fault:?}: {error}");
        assert!(
            stderr.contains(&bad.name) && stderr.contains("not read"),
            "{fault:?}: stderr names it: {stderr}"
        );
        assert!(!stderr.contains("refused"), "{fault:?}: {stderr}");
        assert!(
            took < Duration::from_secs(30),
            "{fault:?}: a hang costs the request timeout, not 120 s: {took:?}"
        );
    }
}

#[test]
fn scan_has_an_overall_deadline_and_says_what_answered_instead_of_http() {
    let Some(td) = TestDaemon::get() else { return };
    let proxy = FaultProxy::start("deadline");
    td.container(Spec::created("any", &[]));
    proxy.set("/containers/json", Fault::Hang);
    let (code, _, stderr, took) = scan(
        &td,
        &proxy,
        "[scan]\nrequest_timeout_secs = 120\n",
        &["--timeout", "3"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("3 s deadline"), "{stderr}");
    assert!(took < Duration::from_secs(20), "{took:?}");

    proxy.clear();
    proxy.set("/info", Fault::NotHttp);
    let (code, _, stderr, _) = scan(&td, &proxy, "", &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("not HTTP"), "{stderr}");
    assert!(
        !stderr.contains("hyper") && !stderr.contains("refused"),
        "in words: {stderr}"
    );
}

/// A running `seawall -v -H <proxy> watch --format ndjson`.
/// `seawall watch` through the proxy, with `config` as its config file.
fn watch(proxy: &FaultProxy, tag: &str, config: &str) -> NdjsonWatch {
    NdjsonWatch::start(
        &proxy.url(),
        &config_home(tag, config),
        ALERT_BOUND + Duration::from_secs(20),
    )
}

#[test]
fn watch_notices_a_silent_stream_and_reports_what_happened_meanwhile() {
    let Some(td) = TestDaemon::get() else { return };
    let proxy = FaultProxy::start("stall");
    proxy.set("/events", Fault::Stall);
    let w = watch(&proxy, &td.run_id, "[watch]\nwatchdog_secs = 3\n");
    // The stream stays open and says nothing; a risky container appears.
    let risky = td.container(Spec::created("risky", &["--privileged"]));
    proxy.clear();
    w.wait_for("the silent-stream notice", || {
        w.with_rule("SW-ACT-LINK-001").iter().any(|a| {
            a["detail"]
                .as_str()
                .is_some_and(|d| d.contains("brought nothing"))
        })
    });
    w.wait_for("the launch alert of the risky container", || {
        w.about(&risky.name)
            .iter()
            .any(|a| a["rule"] == "SW-ACT-LAUNCH-001")
    });
}

#[test]
fn watch_loses_nothing_in_an_outage_and_alerts_carry_the_event_time() {
    let Some(td) = TestDaemon::get() else { return };
    let proxy = FaultProxy::start("outage");
    let busy = td.container(Spec::running("busy", &[]));
    let w = watch(&proxy, &td.run_id, "");
    proxy.set_down(true);
    w.wait_for("the loss notice", || {
        !w.with_rule("SW-ACT-LINK-001").is_empty()
    });
    // In the gap: an exec, and a container created and removed.
    docker(&["exec", &busy.name, "sh", "-c", "id"]);
    let ghost = td.container(Spec::created("ghost", &["--privileged"]));
    docker(&["rm", "-f", &ghost.name]);
    std::thread::sleep(Duration::from_secs(3));
    let back = chrono::Utc::now();
    proxy.set_down(false);
    let took = w.wait_for("the exec in the gap", || {
        w.about(&busy.name)
            .iter()
            .any(|a| a["rule"].as_str().unwrap_or("").starts_with("SW-ACT-EXEC"))
    });
    eprintln!("figure: the exec of the gap reported {took:?} after the daemon came back");
    let exec = w
        .about(&busy.name)
        .into_iter()
        .find(|a| a["rule"].as_str().unwrap_or("").starts_with("SW-ACT-EXEC"))
        .unwrap();
    let at: chrono::DateTime<chrono::Utc> = exec["time"].as_str().unwrap().parse().unwrap();
    assert!(
        at < back,
        "the event's time ({at}), not the replay's ({back})"
    );
    w.wait_for(
        "the launch of the container created and removed in the gap",
        || {
            w.about(&ghost.name)
                .iter()
                .any(|a| a["rule"] == "SW-ACT-LAUNCH-002" || a["rule"] == "SW-ACT-LAUNCH-001")
        },
    );
    w.wait_for("the reconnect notice", || {
        !w.with_rule("SW-ACT-LINK-002").is_empty()
    });
    assert_eq!(w.with_rule("SW-ACT-LINK-001").len(), 1, "one loss notice");
    assert_eq!(
        w.with_rule("SW-ACT-LINK-002").len(),
        1,
        "one reconnect notice"
    );
}

#[test]
fn watch_backs_off_from_a_failing_stream_and_reconnects_on_sighup() {
    let Some(td) = TestDaemon::get() else { return };
    let proxy = FaultProxy::start("storm");
    let w = watch(&proxy, &td.run_id, "");
    // Every new stream answers 500; the one open is cut.
    proxy.set("/events", Fault::Status(500));
    proxy.set_down(true);
    std::thread::sleep(Duration::from_millis(300));
    proxy.set_down(false);
    let lists = proxy.count("/containers/json");
    std::thread::sleep(Duration::from_secs(20));
    let inventories = proxy.count("/containers/json") - lists;
    eprintln!("figure: {inventories} inventories in 20 s of a failing /events");
    assert!(
        inventories <= 7,
        "{inventories} inventories in 20 s: a storm"
    );
    assert_eq!(w.with_rule("SW-ACT-LINK-001").len(), 1, "one loss notice");
    assert!(w.with_rule("SW-ACT-LINK-002").is_empty(), "never back");
    // Fixed; SIGHUP retries at once instead of after the current wait (up to 16 s).
    proxy.clear();
    let status = Command::new("kill")
        .args(["-HUP", &w.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let took = w.wait_for("the reconnect notice", || {
        !w.with_rule("SW-ACT-LINK-002").is_empty()
    });
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(w.with_rule("SW-ACT-LINK-002").len(), 1);
    drop(td);
}

#[test]
fn watch_skips_an_unreadable_event_and_keeps_the_stream() {
    let Some(td) = TestDaemon::get() else { return };
    let proxy = FaultProxy::start("malformed");
    let busy = td.container(Spec::running("busy", &[]));
    // A message with a wrongly typed field, first thing on the stream.
    proxy.set(
        "/events",
        Fault::Inject(
            r#"{"Type":"container","Action":7,"Actor":{"ID":["x"]},"time":"soon"}"#.into(),
        ),
    );
    let w = watch(&proxy, &td.run_id, "");
    docker(&["exec", &busy.name, "sh", "-c", "id"]);
    w.wait_for("the exec after the bad message", || {
        w.about(&busy.name)
            .iter()
            .any(|a| a["rule"].as_str().unwrap_or("").starts_with("SW-ACT-EXEC"))
    });
    assert!(
        w.stderr_text()
            .contains("skipped an unreadable event (1 so far)"),
        "{}",
        w.stderr_text()
    );
    assert!(
        w.with_rule("SW-ACT-LINK-001").is_empty(),
        "the stream went on"
    );
    assert_eq!(proxy.count("/events"), 1, "one stream, no reconnect");
}

/// An action whose request gets an answer that is not HTTP says so: "refused" is kept for
/// the daemon's own error answers (issue 14). Through the proxy, `seawall stop` of a real
/// container: the stop request is answered with garbage, the container keeps running.
#[test]
fn an_action_without_a_usable_answer_is_not_called_refused() {
    let Some(td) = TestDaemon::get() else { return };
    let proxy = FaultProxy::start("stop-nothttp");
    let c = td.container(Spec::running("stopfault", &[]));
    proxy.set(&format!("/containers/{}/stop", c.id), Fault::NotHttp);
    let state = std::env::temp_dir().join(format!(
        "seawall-faults-{}-{}-state",
        std::process::id(),
        td.run_id
    ));
    let out = common::seawall()
        .env(
            "XDG_CONFIG_HOME",
            config_home(&td.run_id, "[scan]\nrequest_timeout_secs = 3\n"),
        )
        .env("XDG_STATE_HOME", &state)
        .args(["-H", &proxy.url(), "stop", "--yes", "--time", "1", &c.name])
        .output()
        .expect("seawall runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("could not stop {}", c.name))
            && stderr.contains("not a Docker daemon's"),
        "{stderr}"
    );
    assert!(!stderr.contains("refused"), "{stderr}");
    assert!(proxy.count("/stop") >= 1, "the stop went through the proxy");
    let running = docker(&["inspect", "-f", "{{.State.Running}}", &c.id]);
    assert_eq!(running.trim(), "true");
    let _ = std::fs::remove_dir_all(&state);
}
