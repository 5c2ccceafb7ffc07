//! The real console in a detached tmux session of its own, for the benchmarks that time it
//! (`benches/console.rs`, `benches/fleet.rs`): an isolated config (its log in a file),
//! `SEAWALL_TRACE` written to a file the bench reads, and the session killed, and seawall
//! waited for, when the value is dropped.

#![allow(dead_code)]

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The pane's size.
pub const WIDTH: u16 = 160;
pub const HEIGHT: u16 = 48;

/// How the console is started.
pub struct Launch<'a> {
    /// Names the tmux socket and the temporary directory (`sw-bench-<name>-...`).
    pub name: &'a str,
    /// Where the temporary directory goes (`None`: the system's).
    pub work: Option<&'a Path>,
    /// Arguments before the config (e.g. `-H <endpoint>` for each daemon).
    pub args: &'a [String],
    /// Keep `DOCKER_*` from the environment (the default daemon); else only `args` count.
    pub docker_env: bool,
    /// Tells sessions of one bench run apart.
    pub run: usize,
}

pub struct TmuxConsole {
    socket: String,
    dir: tempfile::TempDir,
    trace: PathBuf,
}

impl TmuxConsole {
    pub fn start(bin: &Path, launch: Launch<'_>) -> Result<TmuxConsole> {
        let mut builder = tempfile::Builder::new();
        let prefix = format!("sw-bench-{}-", launch.name);
        builder.prefix(&prefix);
        let dir = match launch.work {
            Some(work) => builder.tempdir_in(work)?,
            None => builder.tempdir()?,
        };
        let config = dir.path().join("seawall.toml");
        let log = dir.path().join("seawall.log");
        // A JSON string is a TOML basic string.
        std::fs::write(
            &config,
            format!(
                "[log]\nfile = {}\n",
                serde_json::to_string(&log.to_string_lossy())?
            ),
        )?;
        let tmux_conf = dir.path().join("tmux.conf");
        std::fs::write(
            &tmux_conf,
            "set -g default-terminal \"xterm-256color\"\nset -g status off\n",
        )?;
        let trace = dir.path().join("trace.jsonl");
        let socket = format!(
            "sw-bench-{}-{}-{}",
            launch.name,
            std::process::id(),
            launch.run
        );
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &socket, "-f"])
            .arg(&tmux_conf)
            .args(["new-session", "-d", "-s", "sw"])
            .args(["-x", &WIDTH.to_string(), "-y", &HEIGHT.to_string()])
            // More than one argument: tmux runs the binary itself, no shell in between, so
            // #{pane_pid} is seawall's pid.
            .arg("--")
            .arg(bin)
            .args(launch.args)
            .arg("--config")
            .arg(&config);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            if k.to_ascii_uppercase().starts_with("SEAWALL_")
                || (!launch.docker_env && k.starts_with("DOCKER_"))
                || k == "TMUX"
                || k == "TMUX_PANE"
            {
                cmd.env_remove(&k);
            }
        }
        cmd.env_remove("NO_COLOR")
            .env("TERM", "xterm-256color")
            .env("SEAWALL_TRACE", &trace)
            .env("XDG_CONFIG_HOME", dir.path().join("xdg-config"))
            .env("XDG_STATE_HOME", dir.path().join("xdg-state"))
            .env("XDG_DATA_HOME", dir.path().join("xdg-data"))
            .stdin(Stdio::null());
        let out = cmd
            .output()
            .context("running tmux (run scripts/ensure-docker.sh)")?;
        if !out.status.success() {
            bail!(
                "tmux new-session failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(TmuxConsole { socket, dir, trace })
    }

    pub fn tmux(&self, args: &[&str]) -> Result<String> {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .stdin(Stdio::null())
            .output()?;
        if !out.status.success() {
            bail!(
                "tmux {args:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// seawall's pid: the pane's process, or its `seawall` child if a shell sits in between.
    pub fn pid(&self) -> Result<u32> {
        let pane: u32 = self
            .tmux(&["display-message", "-p", "-t", "sw", "#{pane_pid}"])?
            .parse()
            .context("pane_pid")?;
        let comm = |p: u32| {
            std::fs::read_to_string(format!("/proc/{p}/comm"))
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        if comm(pane) == "seawall" {
            return Ok(pane);
        }
        let children = std::fs::read_to_string(format!("/proc/{pane}/task/{pane}/children"))
            .unwrap_or_default();
        children
            .split_whitespace()
            .filter_map(|c| c.parse().ok())
            .find(|&c| comm(c) == "seawall")
            .ok_or_else(|| anyhow!("no seawall process under the pane (pid {pane})"))
    }

    /// Every line of the trace so far.
    pub fn trace_lines(&self) -> Result<Vec<Value>> {
        let text = std::fs::read_to_string(&self.trace).unwrap_or_default();
        Ok(text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect())
    }

    /// Wait for the first trace line that `wanted` accepts; after `timeout`, an error with
    /// the screen and the end of seawall's log.
    pub fn wait_trace(
        &self,
        what: &str,
        timeout: Duration,
        wanted: impl Fn(&Value) -> bool,
    ) -> Result<Value> {
        let start = Instant::now();
        loop {
            if let Some(v) = self.trace_lines()?.into_iter().find(|v| wanted(v)) {
                return Ok(v);
            }
            if start.elapsed() > timeout {
                let screen = self
                    .tmux(&["capture-pane", "-p", "-t", "sw"])
                    .unwrap_or_default();
                bail!(
                    "no {what} in the trace after {} s; screen:\n{screen}\nlog:\n{}",
                    timeout.as_secs(),
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The last ten lines of seawall's log.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("seawall.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(10)..].join("\n")
    }
}

impl Drop for TmuxConsole {
    fn drop(&mut self) {
        let pid = self.pid().ok();
        let _ = self.tmux(&["kill-server"]);
        // Let seawall go before the next run measures anything.
        if let Some(pid) = pid {
            let t = Instant::now();
            while Path::new(&format!("/proc/{pid}")).exists()
                && t.elapsed() < Duration::from_secs(5)
            {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}
