//! The ssh transport benchmark: `seawall scan` of N containers over `ssh://` against the same
//! scan on the local socket, and the ssh sessions it opens.
//!
//! ```text
//! CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo build --release
//! SW_BENCH_SEAWALL=$CARGO_TARGET_DIR/release/seawall cargo test --bench ssh -- [N] [--runs K]
//! ```
//!
//! (`cargo test --bench` runs this harness-less bench in the test profile: it only times the
//! `seawall` child, so the release binary to measure comes from `SW_BENCH_SEAWALL`, by default
//! `$CARGO_TARGET_DIR/release/seawall`, else the crate's own binary for this build.)
//!
//! 1. Starts a throwaway sshd as root (Debian's `openssh-server`, `scripts/ensure-ssh.sh`) on
//!    a free port with a generated host key, `MaxStartups 3:100:3`, and an `ssh-agent`
//!    holding a generated key; a throwaway client config goes to seawall through
//!    `SEAWALL_SSH_CONFIG`. The remote command is the docker CLI's `docker system dial-stdio`
//!    to the local daemon.
//! 2. Creates N (default 500) created-only containers named `sw-bench-ssh-<pid>-<i>`,
//!    labelled `seawall.bench.ssh=<pid>` (its own label: other benches' fleets are left
//!    alone), 8 docker CLI calls in flight.
//! 3. One warm-up of each, then K (default 3) interleaved rounds: `seawall -H unix://... scan
//!    --format json --label seawall.bench.ssh=<pid>` and the same with `-H ssh://...`; wall
//!    time from spawn to exit; each report must hold N containers; the ssh sessions sshd
//!    accepted during each ssh scan (its log). Medians.
//! 4. Prints a markdown table; removes its containers (also after a failure).

#[path = "../tests/common/sshd.rs"]
mod sshd;
use sshd::{SSHD, Sshd};

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const IN_FLIGHT: usize = 8;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench ssh: {err:#}");
            ExitCode::FAILURE
        }
    }
}

struct Args {
    n: usize,
    runs: usize,
}

fn parse_args() -> Result<Args> {
    let mut args = Args { n: 500, runs: 3 };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => args.runs = it.next().context("--runs K")?.parse()?,
            "--bench" | "--nocapture" => {}
            other => args.n = other.parse().with_context(|| format!("N: {other}"))?,
        }
    }
    Ok(args)
}

fn run() -> Result<()> {
    let args = parse_args()?;
    if !Path::new(SSHD).exists() {
        bail!("sshd is not installed: run scripts/ensure-ssh.sh");
    }
    let seawall = seawall_bin();
    eprintln!("bench ssh: measuring {}", seawall.display());
    let label = format!("seawall.bench.ssh={}", std::process::id());
    let fleet = Fleet {
        label: label.clone(),
    };
    fleet.create(args.n)?;
    let sshd = Sshd::start(&[], false);
    let socket = match std::env::var("DOCKER_HOST") {
        Ok(h) if !h.is_empty() => h,
        _ => "unix:///var/run/docker.sock".to_string(),
    };

    let scan = |host: &str| -> Result<(Duration, usize)> {
        let start = Instant::now();
        let out = Command::new(&seawall)
            .args(["-H", host, "scan", "--format", "json", "--label", &label])
            .env("SEAWALL_SSH_CONFIG", sshd.path("ssh_config"))
            .env("SSH_AUTH_SOCK", sshd.path("agent.sock"))
            .env("XDG_CONFIG_HOME", sshd.path("no-config"))
            .stdin(Stdio::null())
            .output()?;
        let took = start.elapsed();
        if out.status.code() != Some(0) {
            bail!(
                "seawall -H {host} scan exited {:?}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        let n = report["hosts"][0]["containers"]
            .as_array()
            .map_or(0, Vec::len);
        Ok((took, n))
    };

    let ssh_url = sshd.url();
    let mut local = Vec::new();
    let mut remote = Vec::new();
    let mut sessions = Vec::new();
    for round in 0..=args.runs {
        let (t, n) = scan(&socket)?;
        if n != args.n {
            bail!(
                "the local scan reported {n} containers, expected {}",
                args.n
            );
        }
        let before = sshd.sessions();
        let (ts, ns) = scan(&ssh_url)?;
        if ns != args.n {
            bail!("the ssh scan reported {ns} containers, expected {}", args.n);
        }
        let opened = sshd.sessions() - before;
        eprintln!(
            "bench ssh: round {round}: local {:.0} ms, ssh {:.0} ms, {opened} sessions",
            ms(t),
            ms(ts)
        );
        if round > 0 {
            local.push(t);
            remote.push(ts);
        }
        sessions.push(opened);
    }
    let max_startups = sshd.log().contains("MaxStartups");
    let (l, r) = (median(local), median(remote));
    println!("## seawall scan over ssh ({} containers)\n", args.n);
    println!(
        "{} rounds after one warm-up, medians; load average {}; binary {}\n",
        args.runs,
        loadavg(),
        seawall.display()
    );
    println!("| transport | scan wall time | ssh sessions per scan |");
    println!("|---|---:|---:|");
    println!("| local socket | {:.0} ms | - |", ms(l));
    println!(
        "| ssh://127.0.0.1 (sshd MaxStartups 3:100:3) | {:.0} ms | {} (max {}) |",
        ms(r),
        median_usize(&sessions),
        sessions.iter().max().copied().unwrap_or(0)
    );
    println!(
        "\nssh / local: {:.2}x; sshd dropped connections past MaxStartups: {}",
        ms(r) / ms(l).max(1.0),
        if max_startups { "YES" } else { "no" }
    );
    Ok(())
}

fn seawall_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("SW_BENCH_SEAWALL").filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let release = target.join("release").join("seawall");
    if release.exists() {
        return release;
    }
    PathBuf::from(env!("CARGO_BIN_EXE_seawall"))
}

/// The bench's own containers; removed on drop.
struct Fleet {
    label: String,
}

impl Fleet {
    fn create(&self, n: usize) -> Result<()> {
        let image = std::env::var("SEAWALL_TEST_IMAGE")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "seawall-test/busybox:latest".to_string());
        let next = AtomicUsize::new(0);
        let failed = std::sync::Mutex::new(Vec::new());
        let start = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..IN_FLIGHT {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            break;
                        }
                        let name = format!("sw-bench-ssh-{}-{i}", std::process::id());
                        let out = Command::new("docker")
                            .args(["create", "--name", &name, "--label", &self.label])
                            .args(["--label", "seawall.bench=ssh", &image, "sleep", "600"])
                            .stdout(Stdio::null())
                            .output();
                        if !out.is_ok_and(|o| o.status.success()) {
                            failed.lock().unwrap().push(name);
                        }
                    }
                });
            }
        });
        let failed = failed.into_inner().unwrap();
        if !failed.is_empty() {
            bail!(
                "could not create {} containers: {:?}",
                failed.len(),
                &failed[..1]
            );
        }
        eprintln!(
            "bench ssh: created {n} containers in {:.1} s",
            start.elapsed().as_secs_f64()
        );
        Ok(())
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let ids = Command::new("docker")
            .args(["ps", "-aq", "--filter", &format!("label={}", self.label)])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let ids: Vec<&str> = ids.split_whitespace().collect();
        for chunk in ids.chunks(50) {
            let _ = Command::new("docker")
                .args(["rm", "-f", "-v"])
                .args(chunk)
                .stdout(Stdio::null())
                .status();
        }
        eprintln!("bench ssh: removed {} containers", ids.len());
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn median_usize(v: &[usize]) -> usize {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}
