//! What every benchmark needs from its environment: the daemon's socket, the binary under
//! test, the target directory, and percentiles of the samples.

#![allow(dead_code)]

use anyhow::{Result, anyhow};
use std::path::{Path, PathBuf};

/// The unix socket of the daemon (`DOCKER_HOST` when it is a `unix://` URL).
pub fn socket_path() -> Result<String> {
    match std::env::var("DOCKER_HOST") {
        Ok(h) if !h.is_empty() => h
            .strip_prefix("unix://")
            .map(str::to_string)
            .ok_or_else(|| anyhow!("DOCKER_HOST={h}: the bench needs a unix:// socket")),
        _ => Ok("/var/run/docker.sock".to_string()),
    }
}

/// The test image, as `scripts/ensure-docker.sh` builds it (`SEAWALL_TEST_IMAGE` overrides).
pub const DEFAULT_IMAGE: &str = "seawall-test/busybox:latest";

pub fn image() -> String {
    std::env::var("SEAWALL_TEST_IMAGE")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_IMAGE.to_string())
}

/// A bench's exit: 0, or 2 with the error and its causes on stderr (a missed target is in
/// the report, not an error).
pub fn exit_code(result: Result<()>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// The release build of seawall (`SW_BENCH_SEAWALL` overrides).
pub fn release_seawall_bin() -> PathBuf {
    std::env::var_os("SW_BENCH_SEAWALL")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("release").join("seawall"))
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// The `p`-th percentile (nearest rank) of `v`; NaN when empty.
pub fn percentile(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * s.len() as f64).ceil() as usize;
    s[rank.clamp(1, s.len()) - 1]
}
