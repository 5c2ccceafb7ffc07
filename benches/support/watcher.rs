//! `seawall watch --format ndjson -v` as a child process for the activity benchmark: every
//! stdout line arrives on a channel with the instant it was read, stderr is kept in a file
//! and scanned for the "watching <url>" line the command logs once its first inventory is done.

#![allow(dead_code)]

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// One alert line as the bench reads it.
#[derive(Debug, Clone)]
pub struct AlertLine {
    pub at: Instant,
    pub rule: String,
    pub container_id: String,
    pub container_name: String,
    pub detail: String,
}

impl AlertLine {
    /// `None` for a line that is not a JSON object (counted by the caller as unreadable).
    pub fn parse(at: Instant, line: &str) -> Option<AlertLine> {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        Some(AlertLine {
            at,
            rule: s(&v["rule"]),
            container_id: s(&v["container"]["id"]),
            container_name: s(&v["container"]["name"]),
            detail: s(&v["detail"]),
        })
    }
}

/// What the stdout reader thread sends.
#[derive(Debug)]
pub enum Out {
    Alert(AlertLine),
    Unreadable(String),
}

pub struct Watcher {
    child: Child,
    pub pid: u32,
    /// When the "watching" line was read.
    pub live_at: Instant,
    pub lines: mpsc::UnboundedReceiver<Out>,
    stderr_path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Watcher {
    /// Start `bin watch --format ndjson` with the default config (no user config file, every
    /// `SEAWALL_*` variable removed) plus `env`, and wait (at most `timeout`) until it logs
    /// that it is watching.
    pub fn start(bin: &Path, env: &[(&str, String)], timeout: Duration) -> Result<Watcher> {
        let dir = tempfile::Builder::new()
            .prefix("sw-actbench-watch-")
            .tempdir()?;
        let stderr_path = dir.path().join("stderr.log");
        let mut cmd = Command::new(bin);
        // -v: info on stderr, for the "watching <url>" line (no per-request logging).
        cmd.args(["watch", "--format", "ndjson", "-v"]);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            if k.to_ascii_uppercase().starts_with("SEAWALL_") || k == "RUST_LOG" {
                cmd.env_remove(&k);
            }
        }
        cmd.env("XDG_CONFIG_HOME", dir.path().join("xdg-config"))
            .env("XDG_STATE_HOME", dir.path().join("xdg-state"))
            .env("XDG_DATA_HOME", dir.path().join("xdg-data"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let pid = child.id();
        let stdout = child.stdout.take().context("seawall's stdout")?;
        let stderr = child.stderr.take().context("seawall's stderr")?;

        let (tx, lines) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let at = Instant::now();
                let Ok(line) = line else { break };
                let out = match AlertLine::parse(at, &line) {
                    Some(a) => Out::Alert(a),
                    None => Out::Unreadable(line),
                };
                if tx.send(out).is_err() {
                    break;
                }
            }
        });
        let (live_tx, live_rx) = std_mpsc::channel::<Instant>();
        let mut log = std::fs::File::create(&stderr_path)?;
        std::thread::spawn(move || {
            let mut live_tx = Some(live_tx);
            for line in BufReader::new(stderr).lines() {
                let at = Instant::now();
                let Ok(line) = line else { break };
                let _ = writeln!(log, "{line}");
                if line.contains("watching ")
                    && let Some(tx) = live_tx.take()
                {
                    let _ = tx.send(at);
                }
            }
        });

        let mut w = Watcher {
            child,
            pid,
            live_at: Instant::now(),
            lines,
            stderr_path,
            _dir: dir,
        };
        match live_rx.recv_timeout(timeout) {
            Ok(at) => w.live_at = at,
            Err(_) => {
                let status = w.child.try_wait().ok().flatten();
                bail!(
                    "seawall watch did not log \"watching\" within {} s ({}); its stderr:\n{}",
                    timeout.as_secs(),
                    status.map_or("still running".to_string(), |s| s.to_string()),
                    w.stderr_tail()
                );
            }
        }
        Ok(w)
    }

    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn stderr_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    /// Warnings seawall logged (lines with "warn").
    pub fn warnings(&self) -> Vec<String> {
        std::fs::read_to_string(&self.stderr_path)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("warn"))
            .map(str::to_string)
            .collect()
    }

    /// SIGTERM, then wait (at most 10 s, then SIGKILL). The exit status as text.
    pub fn stop(mut self) -> String {
        // SAFETY: kill(2) on the pid of our own child, which has not been waited for yet.
        unsafe {
            libc::kill(self.pid as i32, libc::SIGTERM);
        }
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.to_string();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(s) => format!("{s} (SIGKILL after 10 s)"),
            Err(e) => format!("could not be waited for: {e}"),
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
