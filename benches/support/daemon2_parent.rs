//! What `tests/common/daemon2.rs` (the private test daemon) needs from its parent module,
//! for the benchmarks that start private daemons: a counter for unique names, a command
//! with a time limit, and the docker CLI against the shared daemon (only `docker save` of
//! the test image). A bench brings them into its root with
//! `use daemon2_parent::{docker, next_counter, run_with_timeout};`, and `d2`, the docker CLI
//! against a private daemon with its errors.

#![allow(dead_code)]

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub fn next_counter() -> usize {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// Run a command with a time limit (killed after it), capturing its output.
pub fn run_with_timeout(mut cmd: Command, timeout: Duration) -> Output {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {shown}: {e}"));
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let o = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let e = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                break child.wait().expect("wait");
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    Output {
        status,
        stdout: o.join().unwrap_or_default(),
        stderr: e.join().unwrap_or_default(),
    }
}

/// The docker CLI against the shared daemon (only `docker save` of the test image).
pub fn docker(args: &[&str]) -> Output {
    let mut cmd = Command::new("docker");
    cmd.args(args);
    run_with_timeout(cmd, Duration::from_secs(300))
}

/// The docker CLI against a private daemon; an error with its stderr when it fails.
pub fn d2(d: &crate::daemon2::Daemon2, args: &[&str]) -> anyhow::Result<String> {
    let out = d.docker(args);
    if !out.status.success() {
        anyhow::bail!(
            "docker -H {} {} failed: {}",
            d.host(),
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
