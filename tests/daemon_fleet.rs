//! A fleet with a daemon that never answers, against the real daemon: the live daemon's
//! containers are read and its alerts streamed without waiting for the other one
//! (issue 10 item 5: a daemon that is down or slow never delays the others).
//!
//! The blackhole is a unix socket that is bound and listening but never accepted on: the
//! kernel completes each connection and no byte ever comes back, like a wedged daemon or
//! a dead forwarder. Everything the tests create carries their run label and is removed
//! by it; the shared daemon's other containers never enter an assertion or a bound (the
//! scan filters on the run label, the watch test on its container's name).

mod common;

use common::{Spec, TestDaemon, collect_lines, docker};
use serde_json::Value;
use std::os::unix::net::UnixListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIVE: &str = "unix:///var/run/docker.sock";

/// A socket that accepts (in the kernel's backlog) and never answers. Dropping it closes it.
struct Blackhole {
    _dir: tempfile::TempDir,
    _listener: UnixListener,
    url: String,
}

impl Blackhole {
    fn new() -> Blackhole {
        let dir = tempfile::Builder::new()
            .prefix("sw-hole-")
            .tempdir()
            .expect("a temporary directory");
        let path = dir.path().join("hole.sock");
        let listener = UnixListener::bind(&path).expect("bind the blackhole socket");
        Blackhole {
            url: format!("unix://{}", path.display()),
            _dir: dir,
            _listener: listener,
        }
    }
}

/// The live daemon beside a blackhole: the scan ends within the configured timeout (plus
/// slack for the live daemon's own answers to this run's few containers), reports the live
/// daemon's containers and names the blackhole as not read, in the report and on stderr.
#[test]
fn scan_beside_a_blackhole_reports_the_live_daemon_within_the_timeout() {
    let Some(td) = TestDaemon::get() else { return };
    let a = td.container(Spec::created("fleet-a", &[]));
    let b = td.container(Spec::created("fleet-b", &["--cap-add", "SYS_ADMIN"]));
    let hole = Blackhole::new();
    const TIMEOUT_SECS: u64 = 3;
    const SLACK: Duration = Duration::from_secs(5);

    let start = Instant::now();
    let out = td
        .seawall()
        .args(["-H", LIVE, "-H", &hole.url])
        .args(["scan", "--format", "json", "--label", &td.run_label()])
        .env(
            "SEAWALL_SCAN__CONNECT_TIMEOUT_SECS",
            TIMEOUT_SECS.to_string(),
        )
        .env(
            "SEAWALL_SCAN__REQUEST_TIMEOUT_SECS",
            TIMEOUT_SECS.to_string(),
        )
        .output()
        .expect("seawall runs");
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        took < Duration::from_secs(TIMEOUT_SECS) + SLACK,
        "the scan took {took:?} with a {TIMEOUT_SECS} s timeout; stderr:\n{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a daemon was not read; {stderr}"
    );

    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let hosts = report["hosts"].as_array().expect("hosts");
    assert_eq!(hosts.len(), 1, "only the live daemon was read: {report}");
    assert_eq!(hosts[0]["endpoint"], LIVE);
    let names: Vec<&str> = hosts[0]["containers"]
        .as_array()
        .expect("containers")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&a.name.as_str()), "{names:?}");
    assert!(names.contains(&b.name.as_str()), "{names:?}");
    let unreachable = report["unreachable"].as_array().expect("unreachable");
    assert_eq!(unreachable.len(), 1, "{report}");
    assert_eq!(unreachable[0]["endpoint"], hole.url.as_str());
    let why = unreachable[0]["error"].as_str().unwrap_or_default();
    assert!(
        why.contains(&format!("did not answer within {TIMEOUT_SECS}s")),
        "{why}"
    );
    assert!(
        stderr.contains(&format!("cannot reach the Docker daemon at {}", hole.url)),
        "{stderr}"
    );
}

/// A refused socket (nothing listens) beside the live daemon: named at once, no timeout.
#[test]
fn scan_beside_a_refused_socket_does_not_wait() {
    let Some(td) = TestDaemon::get() else { return };
    let a = td.container(Spec::created("fleet-refused", &[]));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("down.sock");
    drop(UnixListener::bind(&path).expect("bind"));
    let down = format!("unix://{}", path.display());
    let start = Instant::now();
    let out = td
        .seawall()
        .args(["-H", &down, "-H", LIVE])
        .args(["scan", "--format", "json", "--label", &td.run_label()])
        // Long timeouts: a refusal must not wait for them.
        .env("SEAWALL_SCAN__CONNECT_TIMEOUT_SECS", "60")
        .output()
        .expect("seawall runs");
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(took < Duration::from_secs(30), "{took:?}; {stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(report["hosts"][0]["endpoint"], LIVE);
    assert_eq!(report["hosts"][0]["containers"][0]["name"], a.name.as_str());
    assert_eq!(report["unreachable"][0]["endpoint"], down.as_str());
    assert!(
        !report["unreachable"][0]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("did not answer"),
        "{report}"
    );
}

/// `seawall watch` with a blackhole listed FIRST: the live daemon is watched and an exec
/// in this test's container is an alert within the bound, while the blackhole's connect
/// timeout (60 s, longer than every bound here) has not even run out.
#[test]
fn watch_beside_a_blackhole_streams_the_live_daemons_alert_promptly() {
    const READY_BOUND: Duration = Duration::from_secs(30);
    const ALERT_BOUND: Duration = Duration::from_secs(15);
    let Some(td) = TestDaemon::get() else { return };
    let c = td.container(Spec::running("fleet-watch", &[]));
    let hole = Blackhole::new();

    let mut child = Command::new(env!("CARGO_BIN_EXE_seawall"))
        .args([
            "-v", "-H", &hole.url, "-H", LIVE, "watch", "--format", "ndjson",
        ])
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("seawall-tests-no-config"),
        )
        .env("SEAWALL_SCAN__CONNECT_TIMEOUT_SECS", "60")
        .env("SEAWALL_SCAN__REQUEST_TIMEOUT_SECS", "60")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("seawall watch starts");
    let lines = collect_lines(child.stdout.take().expect("piped"));
    let stderr = collect_lines(child.stderr.take().expect("piped"));
    let stderr_text = || stderr.lock().unwrap().join("\n");
    let kill = |child: &mut std::process::Child| {
        let _ = child.kill();
        let _ = child.wait();
    };

    let start = Instant::now();
    while !stderr_text().contains(&format!("watching {LIVE}")) {
        if start.elapsed() > READY_BOUND {
            kill(&mut child);
            panic!(
                "the live daemon was not watched within {READY_BOUND:?} beside a blackhole; \
                 stderr:\n{}",
                stderr_text()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !stderr_text().contains(&format!("watching {}", hole.url)),
        "the blackhole never answers"
    );

    docker(&["exec", &c.name, "sh", "-c", "id"]);
    let exec_at = Instant::now();
    let alert = loop {
        let found = lines.lock().unwrap().iter().find_map(|l| {
            let v: Value = serde_json::from_str(l).ok()?;
            (v["rule"] == "SW-ACT-EXEC-002" && v["container"]["name"] == c.name.as_str())
                .then_some(v)
        });
        if let Some(v) = found {
            break v;
        }
        if exec_at.elapsed() > ALERT_BOUND {
            kill(&mut child);
            panic!(
                "no exec alert for {} within {ALERT_BOUND:?}; stderr:\n{}",
                c.name,
                stderr_text()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    kill(&mut child);
    assert_eq!(alert["host"], LIVE);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "all of it before the blackhole's connect timeout"
    );
}

/// The console with a blackhole listed FIRST: the first frame with the live daemon's rows
/// (the trace's `hosts_shown`, `SEAWALL_TRACE`) comes well before the blackhole's connect
/// timeout (60 s here). The frame is what the console drew; which view it opens on with
/// several daemons is the fleet view's business, so the test does not read the screen.
#[test]
fn console_beside_a_blackhole_shows_the_live_daemons_rows_at_once() {
    const ROWS_BOUND: Duration = Duration::from_secs(30);
    let Some(td) = TestDaemon::get() else { return };
    let tmux_ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !tmux_ok {
        assert!(
            !common::in_ci(),
            "CI is set: tmux must be installed (scripts/ensure-docker.sh)"
        );
        eprintln!("SKIPPED: tmux is not installed");
        return;
    }
    // At least one row on the live daemon, whatever else it holds.
    let _c = td.container(Spec::created("fleet-console", &[]));
    let hole = Blackhole::new();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let trace = dir.path().join("trace.jsonl");
    let conf = dir.path().join("tmux.conf");
    std::fs::write(&conf, "set -g status off\n").expect("tmux config");
    let socket = format!("sw-fleet-{}", td.run_id);
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("tmux runs")
    };
    /// Kills the tmux server (and the console) however the test ends.
    struct Server<'a>(&'a dyn Fn(&[&str]) -> std::process::Output);
    impl Drop for Server<'_> {
        fn drop(&mut self) {
            let _ = (self.0)(&["kill-server"]);
        }
    }
    let out = Command::new("tmux")
        .args(["-L", &socket, "-f"])
        .arg(&conf)
        .args([
            "new-session",
            "-d",
            "-s",
            "sw",
            "-x",
            "200",
            "-y",
            "50",
            "--",
        ])
        .arg(env!("CARGO_BIN_EXE_seawall"))
        .args(["-H", &hole.url, "-H", LIVE, "--read-only"])
        .env("SEAWALL_TRACE", &trace)
        .env("SEAWALL_SCAN__CONNECT_TIMEOUT_SECS", "60")
        .env("SEAWALL_SCAN__REQUEST_TIMEOUT_SECS", "60")
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("TERM", "xterm-256color")
        .env_remove("TMUX")
        .stdin(Stdio::null())
        .output()
        .expect("tmux runs");
    assert!(
        out.status.success(),
        "tmux new-session: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _server = Server(&tmux);

    let start = Instant::now();
    let shown = loop {
        let text = std::fs::read_to_string(&trace).unwrap_or_default();
        let hit = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .find(|v| v["kind"] == "hosts_shown");
        if let Some(v) = hit {
            break v;
        }
        if start.elapsed() > ROWS_BOUND {
            let screen = tmux(&["capture-pane", "-p", "-t", "sw"]);
            panic!(
                "no frame with the live daemon's rows within {ROWS_BOUND:?} beside a \
                 blackhole; screen:\n{}",
                String::from_utf8_lossy(&screen.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(shown["hosts"], 1, "{shown}");
    assert!(shown["rows"].as_u64().unwrap_or(0) >= 1, "{shown}");
    let ms = shown["ms"].as_f64().unwrap_or(f64::MAX);
    assert!(ms < ROWS_BOUND.as_secs_f64() * 1000.0, "{shown}");

    assert!(
        start.elapsed() < Duration::from_secs(60),
        "all of it before the blackhole's connect timeout"
    );
}

/// `GET path` over HTTP/1.0 on the loopback: the body of a 200, else an error.
fn http_get(port: u16, path: &str) -> Result<String, String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").map_err(|e| e.to_string())?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).map_err(|e| e.to_string())?;
    let (head, body) = raw.split_once("\r\n\r\n").ok_or("no header end")?;
    if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200") {
        return Err(head.to_string());
    }
    Ok(body.to_string())
}

/// `seawall serve` with a blackhole listed FIRST: the live daemon's containers are in
/// `/metrics` and it is up, while the blackhole is not, well before the blackhole's
/// connect timeout (60 s here).
#[test]
fn serve_beside_a_blackhole_exports_the_live_daemon_at_once() {
    const READY_BOUND: Duration = Duration::from_secs(30);
    let Some(td) = TestDaemon::get() else { return };
    let c = td.container(Spec::created("fleet-serve", &[]));
    let hole = Blackhole::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_seawall"))
        .args(["-v", "-H", &hole.url, "-H", LIVE, "serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("seawall-tests-no-config"),
        )
        .env("SEAWALL_SCAN__CONNECT_TIMEOUT_SECS", "60")
        .env("SEAWALL_SCAN__REQUEST_TIMEOUT_SECS", "60")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("seawall serve starts");
    let stderr = collect_lines(child.stderr.take().expect("piped"));
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _child = Kill(child);

    let start = Instant::now();
    let needle = format!("container=\"{}\"", c.name);
    let metrics = loop {
        if let Ok(text) = http_get(port, "/metrics")
            && text.contains(&needle)
            && text.contains(&format!("seawall_daemon_up{{host=\"{LIVE}\"}} 1"))
        {
            break text;
        }
        assert!(
            start.elapsed() < READY_BOUND,
            "the live daemon was not in /metrics within {READY_BOUND:?} beside a blackhole; \
             stderr:\n{}",
            stderr.lock().unwrap().join("\n")
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        !metrics.contains(&format!("seawall_daemon_up{{host=\"{}\"}} 1", hole.url)),
        "the blackhole is not up:\n{metrics}"
    );
    assert!(start.elapsed() < Duration::from_secs(60));
}
