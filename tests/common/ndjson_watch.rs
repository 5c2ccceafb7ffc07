//! `seawall watch --format ndjson` as a child process, for the tests that put the fault proxy
//! (or anything else) between it and a daemon: its alerts as JSON values, its stderr, and a
//! wait that fails with both when what it waits for does not come.

use super::collect_lines;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct NdjsonWatch {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
    bound: Duration,
    /// A config directory the test made for this watch, removed with it.
    remove_on_drop: Option<PathBuf>,
}

impl NdjsonWatch {
    /// `seawall -v -H <host> watch --format ndjson` with `XDG_CONFIG_HOME=config_home`,
    /// once its first inventory is done. Every wait is bounded by `bound`.
    pub fn start(host: &str, config_home: &Path, bound: Duration) -> NdjsonWatch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seawall"))
            .args(["-v", "-H", host, "watch", "--format", "ndjson"])
            .env("XDG_CONFIG_HOME", config_home)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("seawall watch starts");
        let lines = collect_lines(child.stdout.take().unwrap());
        let stderr = collect_lines(child.stderr.take().unwrap());
        let w = NdjsonWatch {
            child,
            lines,
            stderr,
            bound,
            remove_on_drop: None,
        };
        w.wait_for("the first inventory", || {
            w.stderr_text().contains("watching ")
        });
        w
    }

    /// Remove `dir` (the watch's config home) when the watch ends.
    pub fn removing(mut self, dir: PathBuf) -> Self {
        self.remove_on_drop = Some(dir);
        self
    }

    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    pub fn alerts(&self) -> Vec<Value> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    pub fn with_rule(&self, rule: &str) -> Vec<Value> {
        self.alerts()
            .into_iter()
            .filter(|a| a["rule"] == rule)
            .collect()
    }

    /// The alerts about the container named `name`.
    pub fn about(&self, name: &str) -> Vec<Value> {
        self.alerts()
            .into_iter()
            .filter(|a| a["container"]["name"] == name)
            .collect()
    }

    /// Wait until `ok`, failing with the alerts and stderr so far after the bound; returns
    /// how long it took.
    pub fn wait_for(&self, what: &str, ok: impl Fn() -> bool) -> Duration {
        let start = Instant::now();
        while !ok() {
            assert!(
                start.elapsed() < self.bound,
                "{what} not seen; alerts: {:?}\nstderr:\n{}",
                self.alerts(),
                self.stderr_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        start.elapsed()
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for NdjsonWatch {
    fn drop(&mut self) {
        self.kill();
        if let Some(dir) = &self.remove_on_drop {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
