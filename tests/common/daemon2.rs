//! A private second Docker daemon for tests that must restart a daemon: the shared one is
//! never restarted. It lives in a short temporary directory (unix socket paths are limited
//! to about 100 bytes) and in its own network namespace (`unshare --net`): a dockerd started
//! with `--bridge=none` deletes the host's `docker0`, which would cut the shared daemon's
//! default network. It touches no iptables rules and starts its own containerd under its exec
//! root; its containers use `--network none`. Dropping it stops the daemon (TERM, then KILL) and
//! removes the directory, also while unwinding from a failed assertion.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long the daemon may take to answer after a start.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a TERM may take before the daemon is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// A running private dockerd.
pub struct Daemon2 {
    pub dir: PathBuf,
    child: Option<Child>,
}

impl Daemon2 {
    /// Start a private daemon, or say why it cannot run here.
    pub fn start() -> Result<Daemon2, String> {
        if Command::new("dockerd").arg("--version").output().is_err() {
            return Err("dockerd is not installed".into());
        }
        if !Command::new("unshare")
            .args(["--net", "true"])
            .status()
            .is_ok_and(|s| s.success())
        {
            return Err("`unshare --net` does not work here (needs root)".into());
        }
        let dir = PathBuf::from(format!(
            "/tmp/swd2-{}-{}",
            std::process::id(),
            super::next_counter()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let mut d = Daemon2 { dir, child: None };
        // Its own (empty) configuration file, so a reload never reads the host's.
        d.write_config("{}")?;
        d.spawn()?;
        Ok(d)
    }

    /// `unix://<dir>/d.sock`, for `-H`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket().display())
    }

    /// The daemon's unix socket (`<dir>/d.sock`).
    pub fn socket(&self) -> PathBuf {
        self.dir.join("d.sock")
    }

    fn spawn(&mut self) -> Result<(), String> {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("dockerd.log"))
            .map_err(|e| format!("cannot open the daemon log: {e}"))?;
        // `unshare` execs dockerd: the child's pid is the daemon's.
        let child = Command::new("unshare")
            .args(["--net", "dockerd"])
            .arg("--data-root")
            .arg(self.dir.join("data"))
            .arg("--exec-root")
            .arg(self.dir.join("exec"))
            .arg("--pidfile")
            .arg(self.dir.join("pid"))
            .arg("-H")
            .arg(self.host())
            .arg("--config-file")
            .arg(self.config_file())
            .args(["--bridge=none", "--iptables=false", "--ip-masq=false"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start dockerd: {e}"))?;
        self.child = Some(child);
        let start = Instant::now();
        loop {
            if self.socket().exists() && self.docker(&["version"]).status.success() {
                return Ok(());
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return Err(format!(
                    "the private dockerd exited ({status}): {}",
                    self.log_tail()
                ));
            }
            if start.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "the private dockerd did not answer within {START_TIMEOUT:?}: {}",
                    self.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The last lines of the daemon's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = fs::read_to_string(self.dir.join("dockerd.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(8)..].join("\n")
    }

    /// Run the docker CLI against this daemon.
    pub fn docker(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("docker");
        cmd.arg("-H").arg(self.host()).args(args);
        super::run_with_timeout(cmd, Duration::from_secs(120))
    }

    /// Run the docker CLI against this daemon; panics with stderr on failure.
    pub fn docker_ok(&self, args: &[&str]) -> String {
        let out = self.docker(args);
        assert!(
            out.status.success(),
            "docker -H {} {} failed: {}",
            self.host(),
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Copy an image from the shared daemon (`docker save -o`, then `docker -H <this> load`).
    pub fn load_image(&self, image: &str) {
        let tar = self.dir.join("image.tar");
        let tar_s = tar.to_string_lossy().to_string();
        super::docker(&["save", "-o", tar_s.as_str(), image]);
        self.docker_ok(&["load", "-i", tar_s.as_str()]);
        let _ = fs::remove_file(&tar);
    }

    /// The daemon's `--config-file` (`<dir>/daemon.json`).
    pub fn config_file(&self) -> PathBuf {
        self.dir.join("daemon.json")
    }

    /// Replace the daemon's configuration file (read at the next start or reload).
    pub fn write_config(&self, json: &str) -> Result<(), String> {
        fs::write(self.config_file(), json)
            .map_err(|e| format!("cannot write {}: {e}", self.config_file().display()))
    }

    /// Write a new configuration file and send SIGHUP: dockerd reloads it (and emits a
    /// daemon `reload` event). Only ever this private daemon, never the shared one.
    pub fn reload(&self, json: &str) -> Result<(), String> {
        self.write_config(json)?;
        let child = self
            .child
            .as_ref()
            .ok_or_else(|| "the private dockerd is not running".to_string())?;
        // SAFETY: kill(2) on the dockerd we started (`unshare` execs it) and have not reaped.
        let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGHUP) };
        if rc == 0 {
            Ok(())
        } else {
            Err(format!(
                "SIGHUP to the private dockerd failed: {}",
                std::io::Error::last_os_error()
            ))
        }
    }

    /// Stop the daemon: TERM, wait, KILL if it hangs.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        // SAFETY: plain kill(2) on a child we started and have not yet reaped.
        unsafe {
            libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
        }
        let start = Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if start.elapsed() > STOP_TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(100)),
                Err(_) => break,
            }
        }
    }

    /// Stop the daemon and start it again on the same data (a daemon restart).
    pub fn restart(&mut self) -> Result<(), String> {
        self.stop();
        self.spawn()
    }
}

/// Mount points below `dir` (left behind by a daemon that was killed hard).
fn mounts_below(dir: &Path) -> Vec<String> {
    let prefix = dir.to_string_lossy().to_string();
    fs::read_to_string("/proc/mounts")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|m| m.starts_with(&prefix))
        .map(str::to_string)
        .collect()
}

impl Drop for Daemon2 {
    fn drop(&mut self) {
        self.stop();
        // The containerd the daemon started exits with it; give it a moment.
        std::thread::sleep(Duration::from_millis(300));
        let mut mounts = mounts_below(&self.dir);
        mounts.sort_by_key(|m| std::cmp::Reverse(m.len()));
        for m in mounts {
            let _ = Command::new("umount").args(["-l", &m]).status();
        }
        if let Err(e) = fs::remove_dir_all(&self.dir) {
            eprintln!(
                "warning: cannot remove the private daemon's directory {}: {e}",
                self.dir.display()
            );
        }
    }
}
