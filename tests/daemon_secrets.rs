//! Secrets outside environment values, against the real daemon (issue 9, "Secrets outside
//! environment values leak"): a container with `--password=...` / `--token ...` in its
//! command, `-p...` in its healthcheck, a `db.password` label, `*PASSPHRASE*`,
//! `JWT_SIGNING` and a connection string in its environment. Neither `seawall scan` (every
//! format), nor the raw inspect document (the Inspect tab), nor any file of an isolate's
//! evidence bundle holds one of them; and an exec of `sshpass -p ...` shows redacted in
//! `seawall watch`.
//!
//! Without a Docker daemon the tests print SKIPPED and pass, except in CI, where they fail.

mod common;

use common::{Spec, TestDaemon, collect_lines as collect, docker, docker_output, text};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The secrets of one test, unique to this process.
struct Secrets {
    cmd_password: String,
    cmd_token: String,
    health: String,
    label: String,
    passphrase: String,
    jwt: String,
    conn: String,
    json: String,
    nested: String,
}

impl Secrets {
    fn new(tag: &str) -> Secrets {
        let pid = std::process::id();
        let s = |what: &str| format!("S3cr3t-{tag}-{what}-{pid}");
        Secrets {
            cmd_password: s("cmdpw"),
            cmd_token: s("cmdtok"),
            health: s("health"),
            label: s("label"),
            passphrase: s("phrase"),
            jwt: s("jwt"),
            conn: s("conn"),
            json: s("json"),
            nested: s("nested"),
        }
    }

    fn all(&self) -> [&str; 9] {
        [
            &self.cmd_password,
            &self.cmd_token,
            &self.health,
            &self.label,
            &self.passphrase,
            &self.jwt,
            &self.conn,
            &self.json,
            &self.nested,
        ]
    }

    /// Panic naming `what` and the secrets found in `text`.
    fn assert_absent(&self, what: &str, text: &str) {
        let leaked: Vec<&str> = self
            .all()
            .into_iter()
            .filter(|s| text.contains(s))
            .collect();
        assert!(leaked.is_empty(), "{what} leaks {leaked:?}:\n{text}");
    }
}

#[test]
fn secrets_outside_env_values_never_leave_seawall() {
    let Some(d) = TestDaemon::get() else { return };
    let sec = Secrets::new("cfg");
    let label = format!("db.password={}", sec.label);
    let health = format!("mysqladmin ping -h localhost -p{} || true", sec.health);
    let phrase = format!("APP_PASSPHRASE={}", sec.passphrase);
    let jwt = format!("JWT_SIGNING={}", sec.jwt);
    let conn = format!(
        "APP_DB=Server=db;User Id=sa;Password={};Encrypt=true",
        sec.conn
    );
    let password_arg = format!("--password={}", sec.cmd_password);
    // JSON in a label, and an assignment as an option's value.
    let json_label = format!(r#"app.config={{"user":"app","password":"{}"}}"#, sec.json);
    let nested_arg = format!("--env=PASSWORD={}", sec.nested);
    // The shell stays (no `exec`), so `docker top` shows the whole command line.
    let c = d.container(
        Spec::running(
            "secrets",
            &[
                "--label",
                &label,
                "--label",
                &json_label,
                "--health-cmd",
                &health,
                "--health-interval",
                "1h",
                "-e",
                &phrase,
                "-e",
                &jwt,
                "-e",
                &conn,
            ],
        )
        .cmd(&[
            "sh",
            "-c",
            "sleep 600; true",
            "sh",
            &password_arg,
            "--token",
            &sec.cmd_token,
            &nested_arg,
        ]),
    );

    // The daemon itself holds every secret (so the checks below can fail).
    let raw = docker(&["inspect", &c.name]);
    for s in sec.all() {
        assert!(raw.contains(s), "docker inspect should hold {s}");
    }
    let top = docker(&["top", &c.name]);
    assert!(top.contains(&sec.cmd_password), "{top}");

    // `seawall scan`, every format.
    for format in ["json", "sarif", "markdown", "html", "table"] {
        let out = d.scan_text(format, &[]);
        // (The table cuts long names.)
        assert!(
            format == "table" || out.contains(&c.name),
            "{format}: the container is reported"
        );
        sec.assert_absent(&format!("scan --format {format}"), &out);
    }
    let report = d.scan(&[]);
    let findings = report.findings(&c.name);
    assert!(
        findings
            .iter()
            .any(|f| f.id == "SW-ENV-001" && f.evidence.contains("APP_PASSPHRASE")),
        "the passphrase is reported by name"
    );

    // The raw inspect document, as the Inspect tab reads it.
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let doc = rt.block_on(async {
        use seawall::docker::{EndpointInputs, connect, resolve};
        let endpoint = resolve(&EndpointInputs::from_env(None, None)).expect("an endpoint");
        let docker = connect(&endpoint, Duration::from_secs(10))
            .await
            .expect("connects");
        seawall::inventory::raw_inspect(&docker, &endpoint.url, &c.id)
            .await
            .expect("raw inspect")
    });
    sec.assert_absent("the raw inspect document", &doc);
    for shown in [
        "--password=<redacted>",
        "\"<redacted>\"",
        "-p<redacted>",
        "APP_PASSPHRASE=<redacted>",
        "JWT_SIGNING=<redacted>",
        "Password=<redacted>;",
    ] {
        assert!(doc.contains(shown), "{shown} in\n{doc}");
    }

    // An isolate's evidence bundle: every file.
    let state = tempfile::tempdir().expect("temp dir");
    let evidence = state.path().join("evidence");
    let run = |args: &[&str]| {
        let mut cmd = common::seawall();
        cmd.env("XDG_STATE_HOME", state.path())
            .env_remove("SEAWALL_ACTIONS__AUDIT_LOG")
            .args(args)
            .write_stdin("");
        cmd.output().expect("seawall runs")
    };
    let out = run(&[
        "isolate",
        "--yes",
        "--evidence",
        evidence.to_str().unwrap(),
        &c.name,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "isolate: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    sec.assert_absent(
        "isolate's output",
        &(text(&out.stdout) + &text(&out.stderr)),
    );
    let bundles: Vec<_> = std::fs::read_dir(&evidence)
        .expect("the evidence dir")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(bundles.len(), 1, "{bundles:?}");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&bundles[0]).unwrap() {
        let path = entry.unwrap().path();
        let body = text(&std::fs::read(&path).unwrap());
        sec.assert_absent(&path.display().to_string(), &body);
        names.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    names.sort();
    for want in ["inspect.json", "manifest.json", "top.json", "top.txt"] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    let top_txt = std::fs::read_to_string(bundles[0].join("top.txt")).unwrap();
    assert!(
        top_txt.contains("--password=<redacted> --token <redacted>"),
        "{top_txt}"
    );
    let inspect_json = std::fs::read_to_string(bundles[0].join("inspect.json")).unwrap();
    assert!(inspect_json.contains("\"db.password\": \"<redacted>\""));

    let out = run(&["unisolate", "--yes", &c.name]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "unisolate: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // The audit log names the container, never a secret.
    if let Ok(audit) = std::fs::read_to_string(state.path().join("seawall/audit.log")) {
        sec.assert_absent("the audit log", &audit);
    }
}

/// `seawall watch` (text or ndjson), its stdout and stderr lines collected.
struct Watch {
    child: std::process::Child,
    out: Arc<Mutex<Vec<String>>>,
    err: Arc<Mutex<Vec<String>>>,
}

impl Watch {
    fn start(format: &str) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seawall"))
            .args(["-v", "watch", "--format", format])
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("seawall-tests-no-config"),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("seawall watch starts");
        let out = collect(child.stdout.take().unwrap());
        let err = collect(child.stderr.take().unwrap());
        let w = Watch { child, out, err };
        let start = Instant::now();
        while !w
            .err
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("watching "))
        {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "watch never became ready"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        w
    }

    /// Wait (15 s at most) for a stdout line that has `name` and `want`.
    fn wait_for(&self, name: &str, want: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(l) = self
                .out
                .lock()
                .unwrap()
                .iter()
                .find(|l| l.contains(name) && l.contains(want))
            {
                return l.clone();
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "no line with {want:?} about {name}; stdout:\n{}",
                self.out.lock().unwrap().join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn everything(&self) -> String {
        let out = self.out.lock().unwrap().join("\n");
        let err = self.err.lock().unwrap().join("\n");
        format!("{out}\n{err}")
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_sshpass_exec_shows_redacted_in_watch() {
    let Some(d) = TestDaemon::get() else { return };
    let sec = Secrets::new("exec");
    let c = d.container(Spec::running("sshpass", &[]));
    let ndjson = Watch::start("ndjson");
    let plain = Watch::start("text");
    let script = format!(
        "sshpass -p {} ssh ops@db.internal || export X_PASSPHRASE={} || true",
        sec.cmd_password, sec.passphrase
    );
    let out = docker_output(&["exec", &c.name, "sh", "-c", &script]);
    assert!(out.status.success(), "docker exec: {}", text(&out.stderr));
    for w in [&ndjson, &plain] {
        let line = w.wait_for(&c.name, "sshpass -p <redacted> ssh");
        assert!(line.contains("X_PASSPHRASE=<redacted>"), "{line}");
        // Let any follow-up alerts (processes, drift) arrive before the final check.
        std::thread::sleep(Duration::from_millis(500));
        sec.assert_absent("seawall watch", &w.everything());
    }
}
