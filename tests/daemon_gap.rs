//! An outage longer than the daemon's event history, for real: `seawall watch` through the
//! fault proxy (`common::fault_proxy`) in front of a PRIVATE dockerd (`common::daemon2`,
//! in its own network namespace), so that every event in the daemon's history is one this
//! test made (the shared daemon's history fills with other users' events).
//!
//! - A busy gap: the link is cut, an exec runs, then 300 volume events (create and remove
//!   through the API) push it out of dockerd's last-256 history. At the reconnect the NDJSON
//!   holds `SW-ACT-LINK-003` naming a span that holds the exec.
//! - A short gap with a few events: the exec's alert is replayed with the event's time, and
//!   no `SW-ACT-LINK-003`.

mod common;

use common::daemon2::Daemon2;
use common::fault_proxy::FaultProxy;
use common::ndjson_watch::NdjsonWatch;
use common::{TestDaemon, image};
use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

/// How long a notice or an alert may take once it is possible (a loaded 2-core machine).
const BOUND: Duration = Duration::from_secs(60);

/// A private daemon with the test image and one running container to exec into; `None`
/// (after a SKIPPED line) where a private daemon cannot run, except in CI.
fn private_daemon(tag: &str) -> Option<(Daemon2, String)> {
    // Makes sure the shared daemon and the test image exist (the image is copied over).
    TestDaemon::get()?;
    let d2 = match Daemon2::start() {
        Ok(d) => d,
        Err(e) if common::in_ci() => panic!("a private dockerd is needed in CI: {e}"),
        Err(e) => {
            eprintln!("SKIPPED: cannot run a private dockerd here: {e}");
            return None;
        }
    };
    d2.load_image(&image());
    let name = format!("sw-it-{}-{tag}", std::process::id());
    d2.docker_ok(&[
        "run",
        "-d",
        "--network",
        "none",
        "--label",
        "seawall.test=1",
        "--name",
        &name,
        &image(),
        "sleep",
        "600",
    ]);
    Some((d2, name))
}

/// One request to the private daemon's API over its socket (no CLI: 300 of them take a
/// second or two); returns the status code.
fn api(socket: &Path, method: &str, path: &str, body: &str) -> u16 {
    let mut conn = UnixStream::connect(socket).expect("the private daemon's socket");
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        conn,
        "{method} {path} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = conn.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// `pairs` volumes created and removed: two events each.
fn volume_events(d2: &Daemon2, pairs: usize) {
    let socket = d2.socket();
    for i in 0..pairs {
        let name = format!("sw-it-{}-gap-{i}", std::process::id());
        let body = format!(r#"{{"Name":"{name}","Labels":{{"seawall.test":"1"}}}}"#);
        let created = api(&socket, "POST", "/volumes/create", &body);
        assert_eq!(created, 201, "volume create {name}");
        let removed = api(&socket, "DELETE", &format!("/volumes/{name}"), "");
        assert_eq!(removed, 204, "volume remove {name}");
    }
}

/// A running `seawall -v -H <proxy> watch --format ndjson`.
/// `seawall watch` through the proxy, with a config home of its own (removed with it).
fn watch(proxy: &FaultProxy, tag: &str) -> NdjsonWatch {
    let config = std::env::temp_dir().join(format!("seawall-gap-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(config.join("seawall")).unwrap();
    NdjsonWatch::start(&proxy.url(), &config, BOUND).removing(config)
}

/// The exec alerts about the container named `name`.
fn execs_of(w: &NdjsonWatch, name: &str) -> Vec<Value> {
    w.about(name)
        .into_iter()
        .filter(|a| a["rule"].as_str().unwrap_or("").starts_with("SW-ACT-EXEC"))
        .collect()
}

/// Cut the link, and wait until seawall says so.
fn cut(w: &NdjsonWatch, proxy: &FaultProxy) {
    proxy.set_down(true);
    w.wait_for("the loss notice", || {
        !w.with_rule("SW-ACT-LINK-001").is_empty()
    });
}

/// A time of the gap notice's detail (`2025-11-28 20:50:17.523 UTC`).
fn detail_time(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.3f UTC")
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .and_utc()
}

#[test]
fn an_outage_longer_than_the_daemons_history_is_reported_with_its_span() {
    let Some((d2, busy)) = private_daemon("gap-busy") else {
        return;
    };
    let proxy = FaultProxy::start_to("gap-busy", &d2.socket());
    let w = watch(&proxy, "busy");
    cut(&w, &proxy);
    let before_exec = chrono::Utc::now();
    d2.docker_ok(&["exec", &busy, "sh", "-c", "true lost-in-the-gap"]);
    // 300 events after the exec: the daemon keeps only its last 256.
    volume_events(&d2, 150);
    proxy.set_down(false);
    w.wait_for("the gap notice", || {
        !w.with_rule("SW-ACT-LINK-003").is_empty()
    });
    w.wait_for("the reconnect notice", || {
        !w.with_rule("SW-ACT-LINK-002").is_empty()
    });
    let gaps = w.with_rule("SW-ACT-LINK-003");
    assert_eq!(gaps.len(), 1, "one notice for the outage: {gaps:?}");
    let gap = &gaps[0];
    assert_eq!(gap["severity"], "medium", "{gap}");
    let title = gap["title"].as_str().unwrap();
    let detail = gap["detail"].as_str().unwrap();
    // "... the oldest it still had was from <to>, after the point seawall resumed from
    // (<from>): ..."
    let to = detail
        .split("was from ")
        .nth(1)
        .and_then(|rest| rest.split(", after").next())
        .unwrap_or_else(|| panic!("no span end in: {detail}"));
    let from = detail
        .split("resumed from (")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("no span start in: {detail}"));
    let (from, to) = (detail_time(from), detail_time(to));
    // The exec is inside the span the daemon no longer has (times to the millisecond).
    assert!(
        from <= before_exec + chrono::Duration::milliseconds(1) && before_exec < to,
        "the span {from} .. {to} holds the exec at {before_exec}: {detail}"
    );
    assert!(
        title.starts_with(&format!(
            "alerts from {} to {} UTC",
            from.format("%H:%M:%S"),
            to.format("%H:%M:%S")
        )) && title.contains("may be missing"),
        "{title}"
    );
    assert!(
        detail.contains("last 256 events") && detail.contains("was read again and is shown"),
        "{detail}"
    );
    eprintln!(
        "figure: gap notice for {:.1} s; the exec's alert {}",
        (to - from).num_milliseconds() as f64 / 1000.0,
        if execs_of(&w, &busy).is_empty() {
            "is lost (its events were dropped by the daemon)"
        } else {
            "was seen"
        }
    );
}

#[test]
fn a_short_outage_is_replayed_with_event_times_and_no_gap_notice() {
    let Some((d2, busy)) = private_daemon("gap-short") else {
        return;
    };
    let proxy = FaultProxy::start_to("gap-short", &d2.socket());
    let w = watch(&proxy, "short");
    cut(&w, &proxy);
    let before_exec = chrono::Utc::now();
    d2.docker_ok(&["exec", &busy, "sh", "-c", "true in-a-short-gap"]);
    volume_events(&d2, 10);
    std::thread::sleep(Duration::from_secs(1));
    let back = chrono::Utc::now();
    proxy.set_down(false);
    w.wait_for("the exec of the gap", || !execs_of(&w, &busy).is_empty());
    w.wait_for("the reconnect notice", || {
        !w.with_rule("SW-ACT-LINK-002").is_empty()
    });
    let exec = &execs_of(&w, &busy)[0];
    let at: chrono::DateTime<chrono::Utc> = exec["time"].as_str().unwrap().parse().unwrap();
    assert!(
        before_exec - chrono::Duration::milliseconds(1) <= at && at < back,
        "the event's time ({at}), not the replay's ({back})"
    );
    // The gap notice would come before the reconnect notice: there is none.
    assert!(
        w.with_rule("SW-ACT-LINK-003").is_empty(),
        "{:?}",
        w.with_rule("SW-ACT-LINK-003")
    );
}
