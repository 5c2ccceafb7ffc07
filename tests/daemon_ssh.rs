//! `ssh://` against a real sshd: Debian's `openssh-server` started by the test as root on a
//! free non-22 port, with a generated host key, a throwaway config (MaxStartups "3:100:3")
//! and a key held by an `ssh-agent` the test starts. seawall runs the system `ssh` (with a
//! throwaway client config through `SEAWALL_SSH_CONFIG`, so the real `~/.ssh` is never
//! read), which runs `docker system dial-stdio` to reach the test daemon.
//!
//! Needs root (sshd), sshd (`scripts/ensure-ssh.sh`) and the daemon; without them the tests
//! print SKIPPED and pass, except in CI, where they fail.

mod common;

use common::sshd::{SSHD, Sshd, run_ok};
use common::{Spec, TestDaemon, in_ci};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The sessions the ssh transport allows itself at most (`ssh_connector::MAX_SESSIONS`).
const MAX_SESSIONS: usize = seawall::docker::ssh_connector::MAX_SESSIONS;

/// Skip (or, in CI, fail) when sshd or root is missing.
fn ssh_ready() -> bool {
    // SAFETY: getuid(2) has no preconditions.
    let root = unsafe { libc::getuid() } == 0;
    let why = if !Path::new(SSHD).exists() {
        "sshd is not installed (run scripts/ensure-ssh.sh)"
    } else if !root {
        "sshd must be started as root"
    } else {
        return true;
    };
    assert!(!in_ci(), "CI must run the ssh tests: {why}");
    let _ = writeln!(std::io::stderr(), "\nSKIPPED: {why}\n");
    false
}

/// `seawall` with this sshd's client config and agent.
fn seawall_through(sshd: &Sshd) -> assert_cmd::Command {
    let mut cmd = common::seawall();
    cmd.env("SEAWALL_SSH_CONFIG", sshd.path("ssh_config"))
        .env("SSH_AUTH_SOCK", sshd.path("agent.sock"));
    cmd
}

/// Run a scan over ssh expected to fail: exit 2, and the one-line reason.
fn failing_scan(sshd: &Sshd, td: &TestDaemon) -> String {
    let out = seawall_through(sshd)
        .args(["-H", &sshd.url(), "scan", "--format", "json", "--label"])
        .arg(td.run_label())
        .output()
        .expect("seawall runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "exit code; stderr:\n{stderr}");
    stderr
}

#[test]
fn a_scan_of_many_containers_over_ssh_uses_a_few_sessions() {
    if !ssh_ready() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let specs = (0..55)
        .map(|i| Spec::created(&format!("ssh-{i}"), &[]))
        .collect();
    let made = td.containers(specs);
    let sshd = Sshd::start(&[], false);

    let out = seawall_through(&sshd)
        .args(["-H", &sshd.url(), "scan", "--format", "json", "--label"])
        .arg(td.run_label())
        .output()
        .expect("seawall runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr:\n{stderr}\nsshd:\n{}",
        sshd.log()
    );
    let report = common::Report::parse(&out.stdout);
    for c in &made {
        assert!(
            report.contains(&c.name),
            "{} missing from the ssh scan",
            c.name
        );
    }
    assert_eq!(report.containers().len(), made.len());

    let log = sshd.log();
    assert!(
        !log.contains("MaxStartups"),
        "sshd dropped connections:\n{log}"
    );
    let sessions = sshd.sessions();
    eprintln!("{sessions} ssh sessions for {} containers", made.len());
    assert!(
        (1..=MAX_SESSIONS).contains(&sessions),
        "{sessions} ssh sessions for {} containers:\n{log}",
        made.len()
    );
}

/// A context made by `docker context create` with an ssh host (and a non-22 port).
#[test]
fn a_docker_context_with_an_ssh_host_is_scanned() {
    if !ssh_ready() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let made = td.container(Spec::created("ssh-context", &[]));
    let sshd = Sshd::start(&[], false);
    let docker_config = sshd.path("docker-config");
    std::fs::create_dir_all(&docker_config).expect("docker config dir");
    run_ok(
        Command::new("docker")
            .args(["context", "create", "sw-ssh-ctx", "--docker"])
            .arg(format!("host={}", sshd.url()))
            .env("DOCKER_CONFIG", &docker_config),
    );
    let out = seawall_through(&sshd)
        .env("DOCKER_CONFIG", &docker_config)
        .env_remove("DOCKER_HOST")
        .args([
            "--context",
            "sw-ssh-ctx",
            "scan",
            "--format",
            "json",
            "--label",
        ])
        .arg(td.run_label())
        .output()
        .expect("seawall runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    let report = common::Report::parse(&out.stdout);
    assert!(report.contains(&made.name), "{} missing", made.name);
    assert!(sshd.sessions() >= 1, "the scan went through sshd");
}

#[test]
fn a_key_the_server_does_not_accept_is_an_authentication_error() {
    if !ssh_ready() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let sshd = Sshd::start(&[], true);
    let stderr = failing_scan(&sshd, &td);
    let shown = format!("{}@127.0.0.1:{}", sshd.user, sshd.port);
    assert!(
        stderr.contains(&format!("SSH authentication to {shown} failed")),
        "{stderr}"
    );
    assert!(stderr.contains("Permission denied (publickey)"), "{stderr}");
    assert!(stderr.contains("ssh-agent (ssh-add)"), "{stderr}");
}

#[test]
fn an_unknown_host_key_is_refused_in_words() {
    if !ssh_ready() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let sshd = Sshd::start(&[], false);
    sshd.write_client_config(false);
    let stderr = failing_scan(&sshd, &td);
    assert!(
        stderr.contains(&format!(
            "the SSH host key of {}@127.0.0.1:{} is unknown or has changed",
            sshd.user, sshd.port
        )),
        "{stderr}"
    );
    assert!(stderr.contains("known_hosts"), "{stderr}");
    assert_eq!(sshd.sessions(), 0, "no session was accepted");
}

#[test]
fn a_remote_without_docker_says_docker_not_found() {
    if !ssh_ready() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    // The login shell runs the command with a PATH that has no docker.
    let sshd = Sshd::start(
        &["ForceCommand PATH=/nonexistent; exec docker system dial-stdio"],
        false,
    );
    let stderr = failing_scan(&sshd, &td);
    assert!(
        stderr.contains(&format!(
            "docker not found on {}@127.0.0.1:{}",
            sshd.user, sshd.port
        )),
        "{stderr}"
    );
    assert!(stderr.contains("install the docker CLI"), "{stderr}");
}

/// `seawall watch` over ssh: the `/events` stream arrives through a dial-stdio session.
#[test]
fn watch_over_ssh_sees_events() {
    if !ssh_ready() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let app = td.container(Spec::running("ssh-watch", &[]));
    let sshd = Sshd::start(&[], false);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_seawall"))
        .args(["-v", "-H", &sshd.url(), "watch", "--format", "ndjson"])
        .env("SEAWALL_SSH_CONFIG", sshd.path("ssh_config"))
        .env("SSH_AUTH_SOCK", sshd.path("agent.sock"))
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("seawall-tests-no-config"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("seawall watch starts");
    let lines = collect(child.stdout.take().expect("piped"));
    let errs = collect(child.stderr.take().expect("piped"));
    let _guard = KillOnDrop(child);
    let text = |v: &Arc<Mutex<Vec<String>>>| v.lock().unwrap().join("\n");

    let start = Instant::now();
    while !text(&errs).contains("watching ") {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "watch over ssh never became ready; stderr:\n{}\nsshd:\n{}",
            text(&errs),
            sshd.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    common::docker(&["exec", app.name.as_str(), "sh", "-c", "id"]);
    let start = Instant::now();
    loop {
        let seen = lines.lock().unwrap().iter().any(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
            v["rule"] == "SW-ACT-EXEC-002" && v["container"]["name"] == app.name.as_str()
        });
        if seen {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no exec alert over ssh; stdout:\n{}\nstderr:\n{}",
            text(&lines),
            text(&errs)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        text(&lines).contains(&sshd.url()),
        "alerts name the ssh host"
    );
    assert!(
        sshd.sessions() <= MAX_SESSIONS,
        "sessions: {}",
        sshd.sessions()
    );
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn collect(pipe: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    use std::io::BufRead;
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}
