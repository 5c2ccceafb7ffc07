//! `ssh://` against a real sshd: Debian's `openssh-server` started by the test as root on a
//! free non-22 port, with a generated host key, a throwaway config (MaxStartups "3:100:3")
//! and a key held by an `ssh-agent` the test starts. seawall runs the system `ssh` (with a
//! throwaway client config through `SEAWALL_SSH_CONFIG`, so the real `~/.ssh` is never
//! read), which runs `docker system dial-stdio` to reach the test daemon.
//!
//! Needs root (sshd), sshd (`scripts/ensure-ssh.sh`) and the daemon; without them the tests
//! print SKIPPED and pass, except in CI, where they fail.

mod common;

use common::{Spec, TestDaemon, in_ci};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SSHD: &str = "/usr/sbin/sshd";
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

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn keygen(path: &Path) {
    run_ok(
        Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "sw-test", "-f"])
            .arg(path),
    );
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A throwaway sshd, an agent holding one key, and a client config; all killed on drop.
struct Sshd {
    dir: tempfile::TempDir,
    port: u16,
    sshd: Child,
    agent: Child,
    user: String,
}

impl Sshd {
    /// Start sshd with `extra` config lines; the agent holds the authorized key, or (with
    /// `wrong_key`) another one.
    fn start(extra: &[&str], wrong_key: bool) -> Sshd {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        keygen(&d.join("host_key"));
        keygen(&d.join("id_user"));
        keygen(&d.join("id_wrong"));
        std::fs::copy(d.join("id_user.pub"), d.join("authorized_keys")).expect("authorized_keys");
        std::fs::create_dir_all("/run/sshd").expect("privilege separation dir");
        let port = free_port();
        let mut config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {pid}\n\
             AuthorizedKeysFile {keys}\nStrictModes no\nPasswordAuthentication no\n\
             KbdInteractiveAuthentication no\nPubkeyAuthentication yes\nUsePAM no\n\
             PermitRootLogin prohibit-password\nMaxStartups 3:100:3\nLogLevel VERBOSE\n",
            host_key = d.join("host_key").display(),
            pid = d.join("sshd.pid").display(),
            keys = d.join("authorized_keys").display(),
        );
        // The remote `docker` reaches the same daemon as the tests.
        if let Ok(host) = std::env::var("DOCKER_HOST")
            && !host.is_empty()
        {
            config.push_str(&format!("SetEnv DOCKER_HOST={host}\n"));
        }
        for line in extra {
            config.push_str(line);
            config.push('\n');
        }
        std::fs::write(d.join("sshd_config"), config).expect("sshd_config");
        let sshd = Command::new(SSHD)
            .arg("-D")
            .arg("-f")
            .arg(d.join("sshd_config"))
            .arg("-E")
            .arg(d.join("sshd.log"))
            .stdin(Stdio::null())
            .spawn()
            .expect("sshd starts");

        let agent_sock = d.join("agent.sock");
        let agent = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&agent_sock)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("ssh-agent starts");
        let user = run_ok(Command::new("id").arg("-un")).trim().to_string();
        let mut s = Sshd {
            dir,
            port,
            sshd,
            agent,
            user,
        };
        s.wait_ready(&agent_sock);
        let key = if wrong_key { "id_wrong" } else { "id_user" };
        run_ok(
            Command::new("ssh-add")
                .arg("-q")
                .arg(s.path(key))
                .env("SSH_AUTH_SOCK", &agent_sock),
        );
        s.write_client_config(true);
        s
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn wait_ready(&mut self, agent_sock: &Path) {
        let start = Instant::now();
        loop {
            let listening = std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok();
            if listening && agent_sock.exists() {
                return;
            }
            if let Ok(Some(status)) = self.sshd.try_wait() {
                panic!("sshd exited ({status}): {}", self.log());
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "sshd or ssh-agent not ready within 15 s: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The client config: known_hosts holds the server's key (`trusted`) or nothing; either
    /// way StrictHostKeyChecking is on. Default identity files of the real ~/.ssh are
    /// never tried: only the agent's key.
    fn write_client_config(&self, trusted: bool) {
        let host_key = std::fs::read_to_string(self.path("host_key.pub")).expect("host key");
        let mut fields = host_key.split_whitespace();
        let known = match (trusted, fields.next(), fields.next()) {
            (true, Some(kind), Some(key)) => format!("[127.0.0.1]:{} {kind} {key}\n", self.port),
            _ => String::new(),
        };
        std::fs::write(self.path("known_hosts"), known).expect("known_hosts");
        let config = format!(
            "Host *\n  UserKnownHostsFile {known}\n  GlobalKnownHostsFile /dev/null\n  \
             StrictHostKeyChecking yes\n  IdentityFile {none}\n  IdentityAgent {agent}\n  \
             LogLevel ERROR\n",
            known = self.path("known_hosts").display(),
            none = self.path("no-such-key").display(),
            agent = self.path("agent.sock").display(),
        );
        std::fs::write(self.path("ssh_config"), config).expect("ssh_config");
    }

    fn url(&self) -> String {
        format!("ssh://{}@127.0.0.1:{}", self.user, self.port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path("sshd.log")).unwrap_or_default()
    }

    /// Sessions sshd accepted (authenticated).
    fn sessions(&self) -> usize {
        self.log()
            .lines()
            .filter(|l| l.contains("Accepted publickey for"))
            .count()
    }

    /// `seawall` with this sshd's client config and agent.
    fn seawall(&self) -> assert_cmd::Command {
        let mut cmd = common::seawall();
        cmd.env("SEAWALL_SSH_CONFIG", self.path("ssh_config"))
            .env("SSH_AUTH_SOCK", self.path("agent.sock"));
        cmd
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.sshd.kill();
        let _ = self.sshd.wait();
        let _ = self.agent.kill();
        let _ = self.agent.wait();
    }
}

/// Run a scan over ssh expected to fail: exit 2, and the one-line reason.
fn failing_scan(sshd: &Sshd, td: &TestDaemon) -> String {
    let out = sshd
        .seawall()
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

    let out = sshd
        .seawall()
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
    let out = sshd
        .seawall()
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
