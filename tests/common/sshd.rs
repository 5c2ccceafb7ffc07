//! A throwaway sshd for the `ssh://` tests and the ssh benchmark: Debian's `openssh-server`
//! started as root on a free port with a generated host key and a throwaway config
//! (`MaxStartups 3:100:3`), an `ssh-agent` holding one key, and a client config for
//! `SEAWALL_SSH_CONFIG` that trusts the host key (or not) and never reads the real `~/.ssh`.
//! Everything is killed and removed on drop. Included by path, so it needs nothing from the
//! including crate.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SSHD: &str = "/usr/sbin/sshd";

pub fn run_ok(cmd: &mut Command) -> String {
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
pub struct Sshd {
    dir: tempfile::TempDir,
    pub port: u16,
    sshd: Child,
    agent: Child,
    pub user: String,
}

impl Sshd {
    /// Start sshd with `extra` config lines; the agent holds the authorized key, or (with
    /// `wrong_key`) another one.
    pub fn start(extra: &[&str], wrong_key: bool) -> Sshd {
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

    pub fn path(&self, name: &str) -> PathBuf {
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
    pub fn write_client_config(&self, trusted: bool) {
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

    pub fn url(&self) -> String {
        format!("ssh://{}@127.0.0.1:{}", self.user, self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path("sshd.log")).unwrap_or_default()
    }

    /// Sessions sshd accepted (authenticated).
    pub fn sessions(&self) -> usize {
        self.log()
            .lines()
            .filter(|l| l.contains("Accepted publickey for"))
            .count()
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
