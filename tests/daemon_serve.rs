//! `seawall serve` against the real daemon: a new labelled container shows up in `/metrics`
//! within a bound, an exec moves `seawall_alerts_total` (and is printed as NDJSON), removing
//! the container drops its series, `/healthz` answers, SIGTERM exits 0; a real Prometheus
//! (Debian's package, started here on a free port) scrapes it and answers queries for the
//! series; `promtool check metrics` accepts the output.
//!
//! The shared daemon holds other people's containers and their execs move the same alert
//! counters: assertions look at this test's container names, and counters only go up.

mod common;

use common::{Spec, TestDaemon, collect_lines as collect, docker};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a container or an alert may take to show up in `/metrics` (the issue asks for
/// 2 s on a quiet host; this daemon is shared with other tests).
const EVENT_BOUND: Duration = Duration::from_secs(10);
/// How long `seawall serve` may take to read the first inventory.
const READY_BOUND: Duration = Duration::from_secs(30);
/// How long Prometheus may take to start, scrape and answer.
const PROMETHEUS_BOUND: Duration = Duration::from_secs(60);

/// A free TCP port on the loopback interface (bound, then released for the child).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// `GET path` over HTTP/1.0: the status code and the body.
fn http_get(port: u16, path: &str) -> Result<(u16, String), String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").map_err(|e| e.to_string())?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).map_err(|e| e.to_string())?;
    let (head, body) = raw.split_once("\r\n\r\n").ok_or("no header end")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    Ok((status, body.to_string()))
}

/// A running `seawall -v serve --ndjson` on a free port.
struct Serve {
    child: Child,
    port: u16,
    lines: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    fn start() -> Serve {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_seawall"));
        cmd.args(["-v", "serve", "--ndjson", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("seawall-tests-no-config"),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("seawall serve starts");
        let lines = collect(child.stdout.take().expect("piped"));
        let stderr = collect(child.stderr.take().expect("piped"));
        let s = Serve {
            child,
            port,
            lines,
            stderr,
        };
        let start = Instant::now();
        while !s.stderr_text().contains("watching ") {
            assert!(
                start.elapsed() < READY_BOUND,
                "seawall serve did not report `watching` within {READY_BOUND:?}; stderr:\n{}",
                s.stderr_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        s
    }

    fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    fn metrics(&self) -> String {
        let (status, body) = http_get(self.port, "/metrics")
            .unwrap_or_else(|e| panic!("GET /metrics: {e}; stderr:\n{}", self.stderr_text()));
        assert_eq!(status, 200, "{body}");
        body
    }

    /// The sample lines of `/metrics` about this container.
    fn series_of(&self, name: &str) -> Vec<String> {
        let needle = format!("container=\"{name}\"");
        self.metrics()
            .lines()
            .filter(|l| !l.starts_with('#') && l.contains(&needle))
            .map(str::to_string)
            .collect()
    }

    /// Wait until `done` holds for the `/metrics` text; panics naming `what`.
    fn wait_metrics(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.metrics();
            if done(&text) {
                return text;
            }
            assert!(
                start.elapsed() < EVENT_BOUND,
                "{what} not seen in /metrics within {EVENT_BOUND:?}; stderr:\n{}",
                self.stderr_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Send SIGTERM and expect a prompt exit with code 0.
    fn terminate(mut self) {
        // SAFETY: kill(2) on our own child, not yet reaped.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let start = Instant::now();
        let status = loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                break status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "seawall serve did not exit within 10 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(0), "stderr:\n{}", self.stderr_text());
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The sum of `seawall_alerts_total` samples with this rule (all hosts and severities).
fn alerts_total(metrics: &str, rule: &str) -> f64 {
    let needle = format!("rule=\"{rule}\"");
    metrics
        .lines()
        .filter(|l| l.starts_with("seawall_alerts_total{") && l.contains(&needle))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[test]
fn a_container_appears_alerts_count_and_its_series_go_with_it() {
    let Some(td) = TestDaemon::get() else { return };
    let serve = Serve::start();
    let (status, body) = http_get(serve.port, "/healthz").expect("GET /healthz");
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    assert_eq!(http_get(serve.port, "/nope").expect("GET /nope").0, 404);
    let text = serve.metrics();
    let up: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("seawall_daemon_up{"))
        .collect();
    assert!(
        up.len() == 1 && up[0].starts_with("seawall_daemon_up{host=\"") && up[0].ends_with("\"} 1"),
        "{text}"
    );
    assert!(text.contains("seawall_build_info{version=\""), "{text}");

    // A new container: its risk series and one findings series per severity.
    let c = td.container(Spec::running("serve", &["--network", "none"]));
    let started = Instant::now();
    serve.wait_metrics("the new container", |_| {
        serve
            .series_of(&c.name)
            .iter()
            .any(|l| l.starts_with("seawall_container_risk_score{"))
    });
    eprintln!("new container in /metrics after {:?}", started.elapsed());
    let series = serve.series_of(&c.name);
    assert_eq!(
        series
            .iter()
            .filter(|l| l.starts_with("seawall_container_findings{"))
            .count(),
        5,
        "{series:?}"
    );

    // An exec: printed as NDJSON, and its rule's counter goes up.
    docker(&["exec", &c.name, "sh", "-c", "echo serve-test"]);
    let start = Instant::now();
    let alert: Value = loop {
        let found = serve.lines.lock().unwrap().iter().find_map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            (v["container"]["name"] == c.name.as_str()
                && v["detail"].as_str().unwrap_or("").contains("serve-test"))
            .then_some(v)
        });
        if let Some(v) = found {
            break v;
        }
        assert!(
            start.elapsed() < EVENT_BOUND,
            "no NDJSON alert for the exec; stderr:\n{}",
            serve.stderr_text()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let rule = alert["rule"].as_str().expect("a rule").to_string();
    let severity = alert["severity"].as_str().expect("a severity").to_string();
    let text = serve.wait_metrics("the exec's alert", |t| alerts_total(t, &rule) >= 1.0);
    assert!(
        text.lines().any(|l| l.starts_with("seawall_alerts_total{")
            && l.contains(&format!("rule=\"{rule}\",severity=\"{severity}\""))),
        "{text}"
    );
    let before = alerts_total(&text, &rule);
    docker(&["exec", &c.name, "sh", "-c", "echo serve-test-2"]);
    serve.wait_metrics("a second exec's alert", |t| alerts_total(t, &rule) > before);

    // Removed: every series of the container is dropped.
    docker(&["rm", "-f", &c.name]);
    serve.wait_metrics("the removal", |t| !t.contains(&format!("\"{}\"", c.name)));
    serve.terminate();
}

/// A Prometheus started for one test, on a free port, with its own storage.
struct Prometheus {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Prometheus {
    fn start(target_port: u16) -> Prometheus {
        let dir = tempfile::tempdir().expect("a temp dir");
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
                 scrape_configs:\n  - job_name: seawall\n    static_configs:\n      \
                 - targets: ['127.0.0.1:{target_port}']\n"
            ),
        )
        .expect("write the config");
        let port = free_port();
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("log")).expect("a log file"),
            ))
            .spawn()
            .expect("prometheus starts");
        Prometheus { child, port, dir }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }

    /// The result vector of an instant query (empty while Prometheus is not ready).
    fn query(&self, promql: &str) -> Vec<Value> {
        let Ok((200, body)) = http_get(
            self.port,
            &format!("/api/v1/query?query={}", encode(promql)),
        ) else {
            return Vec::new();
        };
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        assert_eq!(v["status"], "success", "{body}");
        v["data"]["result"].as_array().cloned().unwrap_or_default()
    }

    /// Wait until the query has a result; panics with Prometheus's log.
    fn wait_for(&self, promql: &str) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let result = self.query(promql);
            if !result.is_empty() {
                return result;
            }
            assert!(
                start.elapsed() < PROMETHEUS_BOUND,
                "Prometheus had no result for {promql} within {PROMETHEUS_BOUND:?}; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Percent-encode a query parameter value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Is this program on PATH? In CI it must be (scripts/ensure-prometheus.sh installs it).
fn have(program: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            !common::in_ci(),
            "{program} is needed in CI (scripts/ensure-prometheus.sh installs it)"
        );
        eprintln!("SKIPPED: {program} is not installed (scripts/ensure-prometheus.sh)");
    }
    found
}

#[test]
fn prometheus_scrapes_serve_and_promtool_accepts_its_output() {
    let Some(td) = TestDaemon::get() else { return };
    if !have("prometheus") || !have("promtool") {
        return;
    }
    let c = td.container(Spec::running("scraped", &["--network", "none"]));
    let serve = Serve::start();
    serve.wait_metrics("the container", |_| !serve.series_of(&c.name).is_empty());
    // An alert, so that the counter has samples for the linter.
    docker(&["exec", &c.name, "sh", "-c", "echo lint"]);
    serve.wait_metrics("an alert", |t| t.contains("seawall_alerts_total{"));

    // promtool lints what a scraper reads: no problem reported.
    let mut lint = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool starts");
    let text = serve.metrics();
    lint.stdin
        .take()
        .expect("piped")
        .write_all(text.as_bytes())
        .expect("promtool reads");
    let out = lint.wait_with_output().expect("promtool ends");
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "promtool check metrics ({}):\n{}{}\non:\n{text}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // A real Prometheus scrapes it and answers for the series.
    let prom = Prometheus::start(serve.port);
    let up = prom.wait_for("up{job=\"seawall\"} == 1");
    assert_eq!(up.len(), 1, "{up:?}");
    let risk = prom.wait_for(&format!(
        "seawall_container_risk_score{{container=\"{}\"}}",
        c.name
    ));
    assert_eq!(risk.len(), 1, "{risk:?}");
    let metric = &risk[0]["metric"];
    assert!(
        metric["host"].as_str().is_some_and(|h| !h.is_empty()),
        "{metric}"
    );
    assert!(
        ["low", "medium", "high", "critical"].contains(&metric["band"].as_str().unwrap_or("")),
        "{metric}"
    );
    let score: f64 = risk[0]["value"][1].as_str().unwrap().parse().unwrap();
    assert!((0.0..=100.0).contains(&score), "{score}");
    assert_eq!(
        prom.wait_for(&format!(
            "count(seawall_container_findings{{container=\"{}\"}})",
            c.name
        ))[0]["value"][1],
        "5"
    );
    for series in [
        "seawall_daemon_up == 1",
        "seawall_host_posture_score",
        "seawall_alerts_total",
        "seawall_build_info",
    ] {
        prom.wait_for(series);
    }
    serve.terminate();
}

/// The metric names `seawall serve` exposes.
const METRICS: [&str; 6] = [
    "seawall_container_risk_score",
    "seawall_container_findings",
    "seawall_host_posture_score",
    "seawall_alerts_total",
    "seawall_daemon_up",
    "seawall_build_info",
];

/// Every `seawall_*` name in this text.
fn metric_names(text: &str) -> Vec<String> {
    text.match_indices("seawall_")
        .map(|(i, _)| {
            text[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// The shipped alert rules pass promtool, and they and the dashboard query only series
/// that exist.
#[test]
fn the_example_rules_and_dashboard_use_the_served_series() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = std::fs::read_to_string(root.join("assets/prometheus-alerts.yml")).unwrap();
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("assets/grafana-dashboard.json")).unwrap(),
    )
    .expect("the dashboard is JSON");
    let exprs: Vec<String> = dashboard["panels"]
        .as_array()
        .expect("panels")
        .iter()
        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
        .map(|t| t["expr"].as_str().expect("an expr").to_string())
        .collect();
    assert!(exprs.len() >= 8, "{exprs:?}");
    for text in exprs.iter().map(String::as_str).chain([rules.as_str()]) {
        let names = metric_names(text);
        for name in &names {
            assert!(METRICS.contains(&name.as_str()), "{name} in {text}");
        }
    }
    for name in METRICS {
        assert!(
            exprs.iter().any(|e| e.contains(name)) || rules.contains(name),
            "{name} is in neither the rules nor the dashboard"
        );
    }
    if have("promtool") {
        let out = Command::new("promtool")
            .args(["check", "rules"])
            .arg(root.join("assets/prometheus-alerts.yml"))
            .output()
            .expect("promtool runs");
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A port already taken is an error before any daemon is read: exit 2, one line saying where.
#[test]
fn a_busy_port_is_told_and_exits_2() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = taken.local_addr().unwrap();
    let out = common::run_with_timeout(
        {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_seawall"));
            cmd.args(["serve", "--listen", &addr.to_string()]).env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("seawall-tests-no-config"),
            );
            cmd
        },
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!("seawall: cannot listen on {addr}: ")) && err.lines().count() == 1,
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
