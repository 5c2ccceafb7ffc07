//! CLI tests for the `seawall` binary: report formats, `--output` files, exit codes and
//! the messages for unreachable daemons and bad input.
//!
//! Tests that read a daemon use the real one (see `common`); the others need no daemon
//! and point seawall at addresses that cannot answer.

mod common;

use common::{Spec, TestDaemon, seawall};
use serde_json::Value;
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::process::Output;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A seawall command that ignores the environment's daemon selection.
fn isolated() -> assert_cmd::Command {
    let mut cmd = seawall();
    cmd.env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .env_remove("DOCKER_TLS_VERIFY")
        .env_remove("DOCKER_CERT_PATH");
    cmd
}

/// Assert stderr is one line (no debug dumps) and return it.
fn one_line(o: &Output) -> String {
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "stderr must be exactly one line:\n{err}");
    let line = lines[0].to_string();
    for debug in ["Error {", "Os {", "kind:", "{ ", " }", "Custom {"] {
        assert!(
            !line.contains(debug),
            "stderr shows a debug form ({debug:?}): {line}"
        );
    }
    line
}

/// Containers shared by the report-format tests: a privileged one (created only: it cannot
/// start on these VMs), a hardened one, and one whose evidence carries markup.
struct Fleet {
    privileged: common::Ctr,
    hardened: common::Ctr,
    markup: common::Ctr,
}

fn fleet(d: &TestDaemon) -> Fleet {
    let cs = d.containers(vec![
        Spec::created("cli-privileged", &["--privileged"]),
        Spec::created(
            "cli-hardened",
            &[
                "--read-only",
                "--cap-drop",
                "ALL",
                "--user",
                "1000:1000",
                "--security-opt",
                "no-new-privileges",
                "--memory",
                "64m",
                "--pids-limit",
                "50",
                "--cpus",
                "0.5",
                "--health-cmd",
                "true",
                "--ulimit",
                "nofile=100:200",
                "--network",
                "none",
            ],
        ),
        // DOCKER_HOST is quoted in the evidence: a value with markup must be escaped.
        Spec::created(
            "cli-markup",
            &["-e", "DOCKER_HOST=tcp://<b>x</b>'\"&y:2375"],
        ),
    ]);
    Fleet {
        privileged: cs[0].clone(),
        hardened: cs[1].clone(),
        markup: cs[2].clone(),
    }
}

#[test]
fn json_report_follows_the_v1_contract() {
    let Some(d) = TestDaemon::get() else { return };
    let f = fleet(&d);
    let r = d.scan(&[]);
    let v = &r.json;
    assert_eq!(v["schema"], "seawall.report/v1");
    let at = v["generated_at"]
        .as_str()
        .expect("generated_at is a string");
    chrono::DateTime::parse_from_rfc3339(at)
        .unwrap_or_else(|e| panic!("generated_at {at:?} is not RFC 3339: {e}"));
    assert!(v["tool_version"].as_str().is_some_and(|s| !s.is_empty()));
    let host = r.host();
    assert!(
        host["endpoint"].as_str().is_some_and(|s| !s.is_empty()),
        "hosts[0].endpoint"
    );
    assert_eq!(r.containers().len(), 3, "{:?}", r.names());
    assert!(r.contains(&f.privileged) && r.contains(&f.hardened) && r.contains(&f.markup));

    let required: BTreeSet<&str> = [
        "id",
        "severity",
        "title",
        "cis",
        "technique",
        "evidence",
        "fix",
    ]
    .into_iter()
    .collect();
    let optional: BTreeSet<&str> = ["weighting", "mitigated"].into_iter().collect();
    let mut findings: Vec<(String, &Value)> = host["posture"]["findings"]
        .as_array()
        .expect("posture.findings")
        .iter()
        .map(|f| ("posture".to_string(), f))
        .collect();
    for c in r.containers() {
        let name = c["name"].as_str().unwrap().to_string();
        for f in c["findings"].as_array().expect("findings") {
            findings.push((name.clone(), f));
        }
    }
    assert!(findings.len() > 10, "a real scan has findings");
    for (owner, f) in findings {
        let keys: BTreeSet<&str> = f
            .as_object()
            .expect("finding object")
            .keys()
            .map(String::as_str)
            .collect();
        assert!(
            required.is_subset(&keys),
            "{owner}: finding misses keys: {f}"
        );
        assert!(
            keys.difference(&required).all(|k| optional.contains(k)),
            "{owner}: unexpected finding keys: {f}"
        );
        for k in ["id", "severity", "title", "technique", "evidence", "fix"] {
            assert!(f[k].is_string(), "{owner}: {k} is a string: {f}");
        }
        assert!(
            f["cis"].is_string() || f["cis"].is_null(),
            "{owner}: cis is a string or null: {f}"
        );
        assert!(
            ["critical", "high", "medium", "low", "info"]
                .contains(&f["severity"].as_str().unwrap()),
            "{owner}: severity: {f}"
        );
    }
}

#[test]
fn sarif_report_is_consistent() {
    let Some(d) = TestDaemon::get() else { return };
    let f = fleet(&d);
    let text = d.scan_text("sarif", &[]);
    let s: Value = serde_json::from_str(&text).expect("SARIF parses as JSON");
    assert_eq!(s["version"], "2.1.0");
    let runs = s["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "one run");
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "seawall");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(!rules.is_empty());
    for rule in rules {
        let sev = rule["properties"]["security-severity"]
            .as_str()
            .unwrap_or_else(|| panic!("security-severity is a string: {rule}"));
        let n: f64 = sev
            .parse()
            .unwrap_or_else(|_| panic!("security-severity {sev:?} is a number"));
        assert!((0.0..=10.0).contains(&n), "security-severity {n} in 0..=10");
        assert!(
            rule["id"].as_str().is_some_and(|id| id.starts_with("SW-")),
            "{rule}"
        );
    }
    let ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), rules.len(), "rule ids are unique");

    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for res in results {
        let locations = res["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1, "exactly one location: {res}");
        let index = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        let rule = rules
            .get(index)
            .unwrap_or_else(|| panic!("ruleIndex {index} out of range"));
        assert_eq!(
            rule["id"], res["ruleId"],
            "ruleIndex points at the rule of {res}"
        );
        assert!(
            ["error", "warning", "note", "none"].contains(&res["level"].as_str().unwrap_or(""))
        );
    }
    // The privileged container's finding is there, located at that container.
    let privileged = results
        .iter()
        .find(|r| {
            r["ruleId"] == "SW-PRIV-001"
                && r["locations"][0].to_string().contains(&f.privileged.name)
        })
        .unwrap_or_else(|| panic!("no SW-PRIV-001 result for {}", f.privileged.name));
    assert_eq!(privileged["level"], "error");
}

#[test]
fn markdown_and_html_reports() {
    let Some(d) = TestDaemon::get() else { return };
    let f = fleet(&d);
    let md = d.scan_text("markdown", &[]);
    let html = d.scan_text("html", &[]);
    for (format, text) in [("markdown", &md), ("html", &html)] {
        assert!(!text.trim().is_empty(), "{format} is empty");
        assert!(
            text.contains(&f.privileged.name),
            "{format} names {}",
            f.privileged.name
        );
        assert!(
            text.contains(&f.hardened.name),
            "{format} names {}",
            f.hardened.name
        );
        assert!(
            text.contains("SW-PRIV-001"),
            "{format} shows the finding id"
        );
        assert!(
            text.contains("SW-ENV-002"),
            "{format} shows the DOCKER_HOST finding"
        );
    }

    // HTML: self-contained and escaped.
    let lower = html.to_ascii_lowercase();
    assert!(lower.contains("<html"), "an HTML document");
    assert!(!lower.contains("<script"), "no scripts in the HTML report");
    for external in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "url(http",
        "@import",
    ] {
        assert!(
            !lower.contains(external),
            "no external resources ({external}) in the HTML report"
        );
    }
    assert!(
        !html.contains("<b>x</b>"),
        "markup from evidence must not leak into HTML"
    );
    assert!(
        html.contains("&lt;b&gt;x&lt;/b&gt;"),
        "markup from evidence is escaped in HTML"
    );
    // Markdown: the markup is not passed through raw either (renderers accept inline HTML).
    assert!(
        !md.contains("<b>x</b>"),
        "markup from evidence must not leak into Markdown"
    );
    assert!(md.contains(&f.markup.name));
}

#[test]
fn output_file_is_private_and_stdout_empty() {
    let Some(d) = TestDaemon::get() else { return };
    // The scan is filtered to this run: it must match a container (else exit 2).
    d.container(Spec::created("output-file", &[]));
    let dir = tempfile::tempdir().expect("temp dir");

    // A new file.
    let path = dir.path().join("report.json");
    let out = d
        .scan_cmd(&["--format", "json", "--output", path.to_str().unwrap()])
        .output()
        .expect("seawall runs");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(
        out.stdout.is_empty(),
        "stdout must be empty with --output: {}",
        stdout(&out)
    );
    let mode = std::fs::metadata(&path)
        .expect("report written")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "report file mode {mode:o}");
    let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).expect("file is JSON");
    assert_eq!(v["schema"], "seawall.report/v1");

    // An existing world-readable file is replaced by a private one.
    let html = dir.path().join("report.html");
    std::fs::write(&html, "old").unwrap();
    std::fs::set_permissions(&html, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = d
        .scan_cmd(&["--format", "html", "--output", html.to_str().unwrap()])
        .output()
        .expect("seawall runs");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "stdout must be empty with --output");
    let mode = std::fs::metadata(&html).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "replaced report file mode {mode:o}");
    let content = std::fs::read_to_string(&html).unwrap();
    assert!(
        content.to_ascii_lowercase().contains("<html"),
        "new content written"
    );

    // No temp files left next to the reports.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["report.html", "report.json"]);

    // An unwritable destination is an error (exit 2), not a silent success.
    let missing = dir.path().join("no-such-dir").join("r.json");
    let out = d
        .scan_cmd(&["--format", "json", "--output", missing.to_str().unwrap()])
        .output()
        .expect("seawall runs");
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).contains("no-such-dir"),
        "names the path: {}",
        stderr(&out)
    );
}

#[test]
fn exit_codes_follow_fail_on() {
    let Some(d) = TestDaemon::get() else { return };
    let f = fleet(&d);
    let code = |extra: &[&str]| {
        let out = d.scan_cmd(extra).output().expect("seawall runs");
        (out.status.code(), stderr(&out))
    };

    let (c, err) = code(&[
        "--format",
        "json",
        "--fail-on",
        "critical",
        "--name",
        &f.privileged.name,
    ]);
    assert_eq!(c, Some(1), "privileged selected, --fail-on critical: {err}");

    let (c, err) = code(&["--format", "json", "--name", &f.privileged.name]);
    assert_eq!(c, Some(0), "no --fail-on: {err}");

    // The hardened container alone: exit 0. With a container filter the daemon's own
    // posture is reported but does not count (issue 11), unless --fail-on-host.
    let r = d.scan(&["--name", &f.hardened.name]);
    assert_eq!(r.names(), vec![f.hardened.name.clone()]);
    let posture_critical = r.host()["posture"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["severity"] == "critical");
    for finding in r.findings(&f.hardened) {
        assert_ne!(
            finding.severity, "critical",
            "hardened container: {finding:?}"
        );
    }
    let (c, err) = code(&[
        "--format",
        "json",
        "--fail-on",
        "critical",
        "--name",
        &f.hardened.name,
    ]);
    assert_eq!(c, Some(0), "hardened only, --fail-on critical: {err}");
    let (c, err) = code(&[
        "--format",
        "json",
        "--fail-on",
        "critical",
        "--fail-on-host",
        "--name",
        &f.hardened.name,
    ]);
    let expected = if posture_critical { 1 } else { 0 };
    assert_eq!(c, Some(expected), "--fail-on-host: {err}");
    // `info` as the threshold: any finding at all fails.
    let (c, err) = code(&[
        "--format",
        "json",
        "--fail-on",
        "info",
        "--name",
        &f.hardened.name,
    ]);
    assert_eq!(c, Some(1), "--fail-on info with findings: {err}");
}

#[test]
fn invalid_arguments_exit_2() {
    let out = isolated()
        .args([
            "scan",
            "--fail-on",
            "bogus",
            "-H",
            "unix:///nonexistent/docker.sock",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "invalid severity");
    assert!(
        stderr(&out).contains("bogus"),
        "names the bad value: {}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());

    let out = isolated()
        .args([
            "scan",
            "--format",
            "xml",
            "-H",
            "unix:///nonexistent/docker.sock",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "invalid format");
    assert!(stderr(&out).contains("xml"), "{}", stderr(&out));

    let out = isolated()
        .args(["scan", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "unknown flag");
}

#[test]
fn unreachable_socket_is_one_clear_line() {
    let out = isolated()
        .args(["scan", "-H", "unix:///nonexistent/docker.sock"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "no report: {}", stdout(&out));
    let line = one_line(&out);
    assert!(
        line.contains("cannot reach the Docker daemon at unix:///nonexistent/docker.sock"),
        "{line}"
    );
    assert!(
        line.contains("dockerd") || line.contains("DOCKER_HOST") || line.contains("--host"),
        "the line carries a hint: {line}"
    );
}

#[test]
fn refused_tcp_daemon_is_one_clear_line() {
    let out = isolated()
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert!(out.stdout.is_empty());
    let line = one_line(&out);
    assert!(
        line.contains("tcp://127.0.0.1:1"),
        "names the address: {line}"
    );
    assert!(
        line.contains("refused"),
        "says the connection was refused: {line}"
    );
}

#[test]
fn unknown_scheme_is_named() {
    let out = isolated().args(["scan", "-H", "foo://x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let line = one_line(&out);
    assert!(line.contains("foo://"), "names the scheme: {line}");
}

#[test]
fn broken_config_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[scan\nconcurrency = = 4\n").unwrap();
    let out = isolated()
        .args(["scan", "-H", "unix:///nonexistent/docker.sock", "--config"])
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(broken.to_str().unwrap()),
        "names the file: {err}"
    );
    assert!(
        !err.contains("cannot reach"),
        "the config is read before connecting: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    // A value out of range names the key.
    let bad_value = dir.path().join("bad-value.toml");
    std::fs::write(&bad_value, "[scan]\nconcurrency = 0\n").unwrap();
    let out = isolated()
        .args(["scan", "-H", "unix:///nonexistent/docker.sock", "--config"])
        .arg(&bad_value)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(bad_value.to_str().unwrap()) && err.contains("concurrency"),
        "{err}"
    );

    // A missing explicit file is an error too.
    let missing = dir.path().join("missing.toml");
    let out = isolated()
        .args(["scan", "-H", "unix:///nonexistent/docker.sock", "--config"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(missing.to_str().unwrap()),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rules_are_listed_and_explained() {
    let out = isolated().arg("rules").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let list = stdout(&out);
    for id in [
        "SW-PRIV-001",
        "SW-MNT-001",
        "SW-CAP-SYS_ADMIN",
        "SW-ENV-001",
    ] {
        assert!(list.lines().any(|l| l.starts_with(id)), "rules lists {id}");
    }
    let privileged = list.lines().find(|l| l.starts_with("SW-PRIV-001")).unwrap();
    assert!(
        privileged.contains("critical") && privileged.contains("5.5"),
        "{privileged}"
    );

    let out = isolated().args(["rules", "SW-MNT-001"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("SW-MNT-001"), "{text}");
    assert!(text.contains("Why it matters"), "{text}");
    // The technique: connecting to the socket is host root, even read-only.
    assert!(
        text.contains("docker.sock") && text.contains("read-only"),
        "{text}"
    );
    assert!(
        text.contains("CIS: 5.32 (CIS Docker Benchmark v1.6.0)"),
        "{text}"
    );
    assert!(
        text.contains("severity in brackets is the rule's base"),
        "{text}"
    );
    // A docker-bench community check number is said to be one.
    let out = isolated()
        .args(["rules", "SW-CAP-SYS_ADMIN"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("C.5.3.3 (CIS Docker Benchmark v1.6.0; C.x.y.z: docker-bench-security's"),
        "{text}"
    );

    let out = isolated().args(["rules", "SW-NOPE-999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out).contains("SW-NOPE-999"));
}

#[test]
fn one_unreachable_daemon_does_not_lose_the_others() {
    let Some(d) = TestDaemon::get() else { return };
    // The scan is filtered to this run: it must match a container (else exit 2).
    d.container(Spec::created("one-unreachable", &[]));
    let endpoint = d.scan(&[]).host()["endpoint"]
        .as_str()
        .expect("endpoint")
        .to_string();
    let out = d
        .scan_cmd(&[
            "--format",
            "json",
            "-H",
            &endpoint,
            "-H",
            "unix:///nonexistent/docker.sock",
        ])
        .output()
        .expect("seawall runs");
    assert_eq!(out.status.code(), Some(2), "a daemon failed: exit 2");
    let v: Value = serde_json::from_slice(&out.stdout).expect("the reachable daemon's report");
    let hosts = v["hosts"].as_array().expect("hosts");
    assert_eq!(hosts.len(), 1, "only the reachable daemon: {v}");
    assert_eq!(hosts[0]["endpoint"], endpoint.as_str());
    let line = one_line(&out);
    assert!(line.contains("unix:///nonexistent/docker.sock"), "{line}");
}

#[test]
fn fail_on_with_output_file() {
    let Some(d) = TestDaemon::get() else { return };
    let f = fleet(&d);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.sarif");
    let out = d
        .scan_cmd(&["--format", "sarif", "--fail-on", "critical", "--name"])
        .arg(&f.privileged.name)
        .arg("--output")
        .arg(&path)
        .output()
        .expect("seawall runs");
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    assert!(out.stdout.is_empty());
    let s: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).expect("SARIF file");
    assert_eq!(s["version"], "2.1.0");
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn contexts_lists_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = isolated()
        .env("DOCKER_CONFIG", dir.path())
        .arg("contexts")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(
        stdout(&out).lines().any(|l| l.starts_with("default")),
        "{}",
        stdout(&out)
    );
}

#[test]
fn config_option_on_a_directory_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let shown = dir.path().display().to_string();
    let want = format!(
        "seawall: --config {shown}: is a directory; give the config file, e.g. {shown}/config.toml"
    );
    // scan, a headless action and the console (no terminal here: the option is checked
    // before anything else).
    for args in [
        vec!["scan", "-H", "unix:///nonexistent/docker.sock"],
        vec![
            "stop",
            "--yes",
            "web",
            "-H",
            "unix:///nonexistent/docker.sock",
        ],
        vec![],
    ] {
        let out = isolated()
            .args(&args)
            .arg("--config")
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(one_line(&out), want, "{args:?}");
    }
    // With a trailing slash too.
    let out = isolated()
        .args(["scan", "-H", "unix:///nonexistent/docker.sock", "--config"])
        .arg(format!("{shown}/"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out).contains("is a directory; give the config file"));
}

#[test]
fn overflowing_config_numbers_name_the_key_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    for (text, want) in [
        (
            "[ui]\ntheme = \"dark\"\n\n[scan]\nconcurrency = 99999999999999999999999\n",
            "line 5: scan.concurrency: 99999999999999999999999 is too large (must be between 1 and 64)",
        ),
        (
            "[ui]\ntick_ms = 1e400\n",
            "line 2: ui.tick_ms: 1e400 is too large (must be between 16 and 5000 milliseconds)",
        ),
    ] {
        let file = dir.path().join("config.toml");
        std::fs::write(&file, text).unwrap();
        let out = isolated()
            .args(["scan", "-H", "unix:///nonexistent/docker.sock", "--config"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
        let line = one_line(&out);
        assert_eq!(
            line,
            format!("seawall: config file {} {want}", file.display()),
        );
        assert!(!line.contains("target type"), "{line}");
    }
}

#[test]
fn output_to_a_directory_says_so_for_scan_and_report() {
    let Some(d) = TestDaemon::get() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let state = tempfile::tempdir().expect("state dir");
    let shown = dir.path().display().to_string();
    for target in [shown.clone(), format!("{shown}/")] {
        let out = d
            .scan_cmd(&["--format", "json", "--output", &target])
            .output()
            .expect("seawall runs");
        assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
        let line = one_line(&out);
        assert!(
            line.contains(&format!(
                "cannot write the report to {target}: is a directory"
            )) && line.contains(&format!(
                "give a file name instead, e.g. {shown}/report.json"
            )),
            "{line}"
        );
        assert!(!line.contains("Not a directory"), "{line}");

        // `seawall report` with one format writes one file: a directory is refused the same
        // way (with every format, -o names the folder for them).
        let out = d
            .seawall()
            .env("XDG_STATE_HOME", state.path())
            .args(["report", "--format", "json", "--output", &target])
            .output()
            .expect("seawall runs");
        assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
        let line = one_line(&out);
        assert!(
            line.contains(&format!(
                "cannot write the report to {target}: is a directory"
            )) && line.contains("give a file name instead"),
            "{line}"
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written into the directory"
    );
}

#[test]
fn a_config_problem_refuses_a_headless_action_before_any_daemon_call() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(
        &file,
        "[ui]\nread_only = true\n\n[actions]\nstop_timeout_secs = 99999999999999999999999\n",
    )
    .unwrap();
    let state = dir.path().join("state");
    let name = format!("sw-no-such-container-{}", std::process::id());
    let out = isolated()
        .env("XDG_STATE_HOME", &state)
        .env_remove("SEAWALL_ACTIONS__AUDIT_LOG")
        .args([
            "stop",
            "--yes",
            &name,
            "-H",
            "unix:///nonexistent/docker.sock",
            "--config",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let line = one_line(&out);
    assert_eq!(
        line,
        format!(
            "seawall: config file {} line 5: actions.stop_timeout_secs: 99999999999999999999999 \
             is too large (must be between 0 and 100 seconds); stop refused: fix the config \
             first (nothing was changed)",
            file.display()
        )
    );
    assert!(
        !line.contains("cannot reach"),
        "no daemon was asked: {line}"
    );
    let audit = std::fs::read_to_string(state.join("seawall/audit.log")).expect("audited");
    let entries: Vec<Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(entries.len(), 1, "{audit}");
    let e = &entries[0];
    assert_eq!(e["action"], "stop");
    assert_eq!(e["outcome"], "refused");
    assert_eq!(e["container_name"], name.as_str());
    assert!(
        e["error"]
            .as_str()
            .is_some_and(|m| m.contains("actions.stop_timeout_secs")),
        "{e}"
    );

    // A bad variable refuses too.
    std::fs::write(&file, "").unwrap();
    let out = isolated()
        .env("XDG_STATE_HOME", &state)
        .env("SEAWALL_UI__READ_ONLY", "maybe")
        .args([
            "isolate",
            "--yes",
            &name,
            "-H",
            "unix:///nonexistent/docker.sock",
            "--config",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let line = one_line(&out);
    assert!(
        line.contains("environment variable SEAWALL_UI__READ_ONLY: ui.read_only")
            && line.contains("isolate refused"),
        "{line}"
    );
}

/// A daemon address with escapes and a bidi override (from `-H`, a context file or an
/// error message quoting it) is shown escaped in every one-line message on stderr.
#[test]
fn messages_show_escapes_in_addresses_escaped() {
    let host = "unix:///tmp/sw-none\u{1b}]2;PWNED\u{7}\u{202e}.sock";
    let state = tempfile::tempdir().unwrap();
    for args in [
        vec!["-H", host, "scan", "--format", "json"],
        vec!["-H", host, "isolate", "--yes", "web"],
        vec!["-H", host, "report", "--format", "markdown"],
    ] {
        let out = isolated()
            .env("XDG_STATE_HOME", state.path())
            .args(&args)
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let line = one_line(&out);
        assert!(
            line.contains("sw-none\\e]2;PWNED\\x07\\u{202e}.sock"),
            "{args:?}: {line}"
        );
        assert!(
            !stderr(&out).contains(['\u{1b}', '\u{7}', '\u{202e}']),
            "{args:?}"
        );
    }
}

/// A bad `[[accept]]` entry or an unreadable baseline is exit 2 naming the file (and the
/// entry), before any daemon is contacted (issue 11).
#[test]
fn bad_accept_entries_and_baselines_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let accept = dir.path().join("risks.toml");
    std::fs::write(
        &accept,
        "[[accept]]\nrule = \"SW-MNT-001\"\ncontainer = \"ci\"\nowner = \"o\"\nreason = \"r\"\nexpires = 2027-01-01\n\n[[accept]]\nrule = \"SW-USR-001\"\ncontainer = \"ci\"\nreason = \"no owner\"\nexpires = 2027-01-01\n",
    )
    .unwrap();
    let out = isolated()
        .args(["scan", "-H", "unix:///nonexistent/docker.sock", "--accept"])
        .arg(&accept)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = one_line(&out);
    assert!(
        line.contains("risks.toml") && line.contains("entry 2") && line.contains("missing owner"),
        "{line}"
    );
    assert!(
        !line.contains("nonexistent"),
        "told before connecting: {line}"
    );

    let baseline = dir.path().join("old.json");
    std::fs::write(&baseline, "{\"not\": \"a report\"}").unwrap();
    let out = isolated()
        .args([
            "scan",
            "-H",
            "unix:///nonexistent/docker.sock",
            "--baseline",
        ])
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = one_line(&out);
    assert!(
        line.contains("old.json") && line.contains("not a seawall JSON report"),
        "{line}"
    );
}

/// The help text of `seawall ARGS -h` (the short form: one line per option).
fn help(args: &[&str]) -> String {
    let out = isolated().args(args).arg("-h").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    stdout(&out)
}

/// The lines of the help section `heading` (up to the next blank line).
fn section<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect()
}

#[test]
fn subcommand_help_separates_global_options_and_lists_only_used_ones() {
    let scan = help(&["scan"]);
    let own = section(&scan, "Options:");
    assert!(own.iter().any(|l| l.contains("--format")), "{scan}");
    assert!(
        !own.iter()
            .any(|l| l.contains("--host") || l.contains("--verbose")),
        "the command's own options hold no global ones:\n{scan}"
    );
    let daemon = section(&scan, "Daemon options:");
    for flag in ["--host", "--context", "--config"] {
        assert!(daemon.iter().any(|l| l.contains(flag)), "{flag}:\n{scan}");
    }
    let global = section(&scan, "Global options:");
    assert!(global.iter().any(|l| l.contains("--verbose")), "{scan}");
    // `--read-only` is the console's: not listed for scan.
    assert!(!scan.contains("--read-only"), "{scan}");

    // Commands that read no daemon do not list the daemon options they would ignore.
    for cmd in ["rules", "completions", "man", "contexts"] {
        let text = help(&[cmd]);
        for flag in ["--host", "--context", "--config", "--read-only"] {
            assert!(!text.contains(flag), "`{cmd} --help` lists {flag}:\n{text}");
        }
        assert!(text.contains("Global options:"), "{cmd}:\n{text}");
    }
    // The daemon options work before or after the command.
    for args in [
        &["-H", "unix:///nonexistent/seawall.sock", "scan"][..],
        &["scan", "-H", "unix:///nonexistent/seawall.sock"][..],
    ] {
        let out = isolated().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            one_line(&out).contains("/nonexistent/seawall.sock"),
            "{args:?}"
        );
    }
    // watch and scan share -f/--format.
    let watch = help(&["watch"]);
    assert!(
        section(&watch, "Options:")
            .iter()
            .any(|l| l.contains("-f, --format")),
        "{watch}"
    );
    assert!(
        section(&scan, "Options:")
            .iter()
            .any(|l| l.contains("-f, --format")),
        "{scan}"
    );
}

#[test]
fn completions_are_generated_for_every_shell() {
    for (shell, marker) in [
        ("bash", "_seawall()"),
        ("zsh", "#compdef seawall"),
        ("fish", "complete -c seawall"),
        ("elvish", "edit:completion:arg-completer[seawall]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = isolated().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(marker), "{shell}: no {marker:?}");
        // Generated from the clap definition: commands and their options are in it.
        for word in ["scan", "isolate", "fail-on"] {
            assert!(text.contains(word), "{shell} completion lacks {word}");
        }
    }
    let out = isolated().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completions_work_in_bash() {
    // The bash script, sourced into a real bash, completes subcommands and options.
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(std::env::var_os("CI").is_none(), "bash is needed in CI");
        return;
    }
    let out = isolated().args(["completions", "bash"]).output().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("seawall.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    let probe = format!(
        "source {}; COMP_WORDS=(seawall sc); COMP_CWORD=1; _seawall seawall sc seawall; \
         echo \"${{COMPREPLY[@]}}\"; COMP_WORDS=(seawall scan --fa); COMP_CWORD=2; \
         _seawall seawall --fa scan; echo \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &probe])
        .output()
        .unwrap();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first(), Some(&"scan"), "{text}\n{}", stderr(&out));
    // `--fa` completes to scan's options that start so: `--fail-on` and `--fail-on-host`.
    let options: Vec<&str> = lines
        .get(1)
        .map(|l| l.split(' ').collect())
        .unwrap_or_default();
    assert_eq!(
        options,
        ["--fail-on", "--fail-on-host"],
        "{text}\n{}",
        stderr(&out)
    );
}

#[test]
fn man_page_is_roff_from_the_clap_definition() {
    let out = isolated().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(
        page.lines().any(|l| l.starts_with(".TH seawall 1")),
        "{page}"
    );
    for part in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH SUBCOMMANDS",
        "seawall\\-scan(1)",
    ] {
        assert!(page.contains(part), "man page lacks {part:?}");
    }

    // --dir: one page per command, each with its own options.
    let dir = tempfile::tempdir().unwrap();
    let out = isolated()
        .args(["man", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let scan = std::fs::read_to_string(dir.path().join("seawall-scan.1")).unwrap();
    assert!(
        scan.lines()
            .any(|l| l.starts_with(".TH seawall-scan 1") && l.contains("seawall 0")),
        "{scan}"
    );
    assert!(scan.contains("fail\\-on"), "{scan}");
    assert!(dir.path().join("seawall.1").is_file());
    assert!(dir.path().join("seawall-isolate.1").is_file());
    // `man` itself reads the page (when man-db is installed).
    if let Ok(o) = std::process::Command::new("man")
        .arg("-l")
        .arg(dir.path().join("seawall-scan.1"))
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
        && o.status.success()
    {
        assert!(String::from_utf8_lossy(&o.stdout).contains("--fail-on"));
    }
}

#[test]
fn rules_ids_are_case_insensitive_and_json_exists() {
    let upper = isolated().args(["rules", "SW-MNT-001"]).output().unwrap();
    let lower = isolated().args(["rules", "sw-mnt-001"]).output().unwrap();
    assert_eq!(lower.status.code(), Some(0), "{}", stderr(&lower));
    assert_eq!(stdout(&lower), stdout(&upper));
    assert!(stdout(&lower).starts_with("SW-MNT-001"));

    let out = isolated()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let all: Value = serde_json::from_slice(&out.stdout).expect("rules json");
    let all = all.as_array().expect("an array of rules");
    let ids: BTreeSet<&str> = all.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), all.len(), "ids are unique");
    for id in ["SW-PRIV-001", "SW-MNT-001", "SW-CAP-SYS_ADMIN"] {
        assert!(ids.contains(id), "{id}");
    }
    assert!(all.iter().any(|r| r["kind"] == "activity"));
    assert!(all.iter().any(|r| r["kind"] == "host"));

    let out = isolated()
        .args(["rules", "-f", "json", "sw-priv-001"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let one: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(one["id"], "SW-PRIV-001");
    assert_eq!(one["severity"], "critical");
    assert_eq!(one["cis"], "5.5");
}

#[test]
fn version_names_the_git_commit_of_the_checkout() {
    let out = isolated().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("seawall {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    match head {
        Ok(o) if o.status.success() => {
            let commit = String::from_utf8_lossy(&o.stdout).trim().to_string();
            assert!(text.contains(&format!("(git {commit})")), "{text}");
        }
        // Built from a tarball, or no git: the version alone.
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI builds from a checkout"
            );
            assert!(!text.contains("git"), "{text}");
        }
    }
}

#[test]
fn table_in_a_pipe_is_not_cut_at_80_columns() {
    let Some(d) = TestDaemon::get() else { return };
    let purpose = format!("cli-long-{}", "x".repeat(90));
    let cs = d.containers(vec![Spec::created(&purpose, &["--privileged"])]);
    let name = &cs[0].name;
    // stdout is a pipe here: the table is asked for, and nothing is cut.
    let text = d.scan_text("table", &[]);
    let row = text
        .lines()
        .find(|l| l.contains(name.as_str()))
        .unwrap_or_else(|| panic!("the whole name {name} in:\n{text}"));
    assert!(row.chars().count() > 80, "{row}");
    assert!(row.contains("SW-PRIV-001"), "{row}");
    assert!(!text.contains('…'), "nothing cut:\n{text}");
}
