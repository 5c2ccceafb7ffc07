//! The fleet benchmark: the console against 10 daemons of 50 containers each (issue 10
//! item 7): time to the first frame that shows every reachable daemon's rows, and RSS;
//! then the same with one daemon down (refused) and with one that never answers (a
//! blackhole). Target: those figures do not grow by more than one connect attempt's
//! timeout.
//!
//! ```text
//! cargo bench --bench fleet -- [--daemons 10] [--real R] [--containers 50] [--running 5]
//!                              [--runs 3]
//! scripts/bench-fleet.sh [same options]   # non-LTO release build, table in target/bench/fleet.md
//! ```
//!
//! 1. R private dockerds (the tests' `Daemon2`, tests/common/daemon2.rs: each in its own
//!    directory under /tmp and its own network namespace, `unshare --net`, with
//!    `--bridge=none --iptables=false`; never the shared daemon), started side by side. The
//!    test image is copied into each with `docker save | docker load`. Each gets C
//!    containers (`--network none`, labelled `seawall.bench=fleet`, a mix of plain,
//!    risky and privileged specs, all created, the first `--running` of them started).
//! 2. D endpoints. With R = D every endpoint is its own daemon. With R < D (a small VM),
//!    endpoints R..D are unix-socket forwarders run by this process (a thread per
//!    connection, bytes copied both ways), each in front of daemon `i % R`: distinct
//!    endpoints, each with its C containers, the daemons answering for several.
//! 3. Each case starts the release `seawall` (the console) in a detached tmux session of
//!    its own with `SEAWALL_TRACE=<file>` and every endpoint as `-H`, and reads the trace's
//!    `hosts_shown` line (ms since the console started) for the first frame whose rows
//!    come from every reachable daemon; one warm-up, then K runs, median; then VmRSS and
//!    VmHWM of seawall 3 s later. Cases: all reachable; the last endpoint replaced by a
//!    socket nobody listens on (down: refused at once); the last endpoint replaced by a
//!    socket that accepts and never answers (blackhole: the connect attempt runs into its
//!    timeout, the default `[scan] connect_timeout_secs` = 10 s).
//! 4. Cleanup, also on error: the tmux servers, the forwarders and their sockets, every
//!    private daemon (stopped; its directory, with its containers, removed).
//!
//! Markdown on stdout, progress on stderr. A missed target is reported, not an error.
//! Environment: `SW_BENCH_SEAWALL` (binary; default target/release/seawall),
//! `SEAWALL_TEST_IMAGE`.

#[allow(dead_code)]
#[path = "../tests/common/daemon2.rs"]
mod daemon2;
#[path = "support/daemon2_parent.rs"]
mod daemon2_parent;
#[path = "support/env.rs"]
mod env;
#[path = "support/tmux_console.rs"]
mod tmux_console;
use tmux_console::{Launch, TmuxConsole};

use anyhow::{Context, Result, anyhow, bail};
use daemon2::Daemon2;
use env::*;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const LABEL: &str = "seawall.bench=fleet";
const FRAME_TIMEOUT: Duration = Duration::from_secs(120);
/// The console's default connect timeout (`[scan] connect_timeout_secs`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long after the frame RSS is read.
const SETTLE: Duration = Duration::from_secs(3);

// ---- what tests/common/daemon2.rs needs from its parent module ----

use daemon2_parent::{d2, docker, next_counter, run_with_timeout};

// ---- arguments ----

struct Args {
    daemons: usize,
    real: usize,
    containers: usize,
    running: usize,
    runs: usize,
}

fn parse_args() -> Result<Args> {
    let mut a = Args {
        daemons: 10,
        real: 0,
        containers: 50,
        running: 5,
        runs: 3,
    };
    let mut it = std::env::args().skip(1);
    fn num(it: &mut impl Iterator<Item = String>, flag: &str) -> Result<usize> {
        let v = it
            .next()
            .with_context(|| format!("{flag} needs a number"))?;
        v.parse().with_context(|| format!("bad {flag} {v}"))
    }
    while let Some(x) = it.next() {
        match x.as_str() {
            "--bench" => {}
            "--daemons" => a.daemons = num(&mut it, "--daemons")?.max(2),
            "--real" => a.real = num(&mut it, "--real")?,
            "--containers" => a.containers = num(&mut it, "--containers")?.max(1),
            "--running" => a.running = num(&mut it, "--running")?,
            "--runs" => a.runs = num(&mut it, "--runs")?.max(1),
            "-h" | "--help" => {
                println!(
                    "usage: fleet [--daemons 10] [--real R (default: as many as --daemons)] \
                     [--containers 50] [--running 5] [--runs 3]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other} (try --help)"),
        }
    }
    if a.real == 0 || a.real > a.daemons {
        a.real = a.daemons;
    }
    a.running = a.running.min(a.containers);
    Ok(a)
}

fn main() -> ExitCode {
    exit_code(run())
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn run() -> Result<()> {
    let args = parse_args()?;
    let bin = release_seawall_bin();
    if !bin.exists() {
        bail!(
            "{} is missing (scripts/bench-fleet.sh builds it)",
            bin.display()
        );
    }
    let work = tempfile::Builder::new().prefix("sw-fleet-").tempdir()?;

    // 1. The private daemons, side by side (each start waits for its daemon to answer).
    eprintln!("bench: starting {} private dockerds", args.real);
    let t = Instant::now();
    let started: Vec<Result<Daemon2, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..args.real).map(|_| s.spawn(Daemon2::start)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("panicked".into())))
            .collect()
    });
    // Every daemon that did start is stopped and removed when `daemons` drops.
    let mut daemons = Vec::new();
    let mut failures = Vec::new();
    for d in started {
        match d {
            Ok(d) => daemons.push(d),
            Err(e) => failures.push(e),
        }
    }
    if !failures.is_empty() {
        bail!("private dockerd: {}", failures.join("; "));
    }
    for d in &daemons {
        // scripts/bench-fleet.sh --cleanup removes only the daemons marked so.
        std::fs::write(d.dir.join("fleet-bench"), "")?;
    }
    let started_in = t.elapsed();
    eprintln!("bench: daemons up in {:.1} s", started_in.as_secs_f64());
    let result = measure(&args, &bin, &daemons, work.path(), started_in);
    eprintln!("bench: stopping the private dockerds");
    std::thread::scope(|s| {
        for d in daemons {
            s.spawn(move || drop(d));
        }
    });
    result
}

/// Load the image, make the containers, then measure each case.
fn measure(
    args: &Args,
    bin: &Path,
    daemons: &[Daemon2],
    work: &Path,
    started_in: Duration,
) -> Result<()> {
    let tar = work.join("image.tar");
    let tar_s = tar.to_string_lossy().to_string();
    let out = docker(&["save", "-o", &tar_s, &image()]);
    if !out.status.success() {
        bail!(
            "docker save {}: {}",
            image(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let t = Instant::now();
    std::thread::scope(|s| -> Result<()> {
        let handles: Vec<_> = daemons
            .iter()
            .map(|d| {
                let tar_s = &tar_s;
                s.spawn(move || -> Result<()> {
                    d2(d, &["load", "-i", tar_s])?;
                    make_containers(d, args.containers, args.running)
                })
            })
            .collect();
        for h in handles {
            h.join()
                .map_err(|_| anyhow!("a provisioning thread panicked"))??;
        }
        Ok(())
    })?;
    let provisioned_in = t.elapsed();
    eprintln!(
        "bench: {} containers on each daemon in {:.1} s",
        args.containers,
        provisioned_in.as_secs_f64()
    );
    let engine = d2(&daemons[0], &["version", "--format", "{{.Server.Version}}"])?;

    // 2. The endpoints: the daemons' own sockets, then forwarders in front of them.
    let mut forwarders = Vec::new();
    let mut endpoints: Vec<String> = daemons.iter().map(Daemon2::host).collect();
    for i in daemons.len()..args.daemons {
        let upstream = daemons[i % daemons.len()].dir.join("d.sock");
        let f = Forwarder::start(&work.join(format!("fwd{i}.sock")), upstream)?;
        endpoints.push(f.url());
        forwarders.push(f);
    }
    let down = work.join("down.sock");
    drop(UnixListener::bind(&down)?);
    let hole_path = work.join("hole.sock");
    let _hole = UnixListener::bind(&hole_path)?;
    let replace_last = |url: String| {
        let mut e = endpoints.clone();
        *e.last_mut().expect("two or more") = url;
        e
    };
    let cases = [
        ("every daemon up", endpoints.clone(), args.daemons),
        (
            "one refused (socket nobody listens on)",
            replace_last(format!("unix://{}", down.display())),
            args.daemons - 1,
        ),
        (
            "one blackhole (accepts, never answers)",
            replace_last(format!("unix://{}", hole_path.display())),
            args.daemons - 1,
        ),
    ];

    let load_before = loadavg();
    let mut results = Vec::new();
    for (name, eps, expect_hosts) in &cases {
        let mut frames = Vec::new();
        let mut rows = 0;
        let mut mem = (0, 0);
        for run in 0..=args.runs {
            let c = start_console(bin, work, eps, results.len() * 100 + run)?;
            let (ms, r) = wait_hosts(&c, *expect_hosts)?;
            let label = if run == 0 {
                "warm-up".to_string()
            } else {
                format!("{run}/{}", args.runs)
            };
            eprintln!(
                "bench: {name}, run {label}: {ms:.1} ms to {expect_hosts} daemons' rows ({r} rows)"
            );
            if run > 0 {
                frames.push(ms);
                rows = r;
            }
            if run == args.runs {
                std::thread::sleep(SETTLE);
                let pid = c.pid()?;
                mem = proc_mem(pid).context("seawall's /proc status")?;
            }
        }
        results.push(Case {
            name,
            hosts: *expect_hosts,
            median: percentile(&frames, 50.0),
            runs: frames,
            rows,
            rss: mem.0,
            hwm: mem.1,
        });
    }
    drop(forwarders);
    report(
        args,
        &engine,
        &load_before,
        started_in,
        provisioned_in,
        &results,
    );
    Ok(())
}

/// C containers on one private daemon: every 10th privileged, every 5th with an added
/// capability, every 7th with a host path mounted; the first `running` started.
fn make_containers(d: &Daemon2, n: usize, running: usize) -> Result<()> {
    let image = image();
    for i in 0..n {
        let name = format!("fleet-{i}");
        let mut args: Vec<String> = ["create", "--network", "none", "--label", LABEL, "--name"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.push(name.clone());
        if i % 10 == 9 {
            args.push("--privileged".into());
        } else if i % 5 == 4 {
            args.extend(["--cap-add".into(), "NET_ADMIN".into()]);
        }
        if i % 7 == 6 {
            args.extend(["-v".into(), "/etc:/host-etc:ro".into()]);
        }
        args.push(image.clone());
        args.extend(["sleep".into(), "3600".into()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        d2(d, &refs)?;
        // Privileged containers cannot be started on this VM: only the others run.
        if i < running && i % 10 != 9 {
            d2(d, &["start", &name])?;
        }
    }
    Ok(())
}

// ---- forwarders ----

/// A unix socket that forwards every connection to a daemon's socket: one more endpoint
/// in front of the same daemon. Dropping it stops accepting and removes the socket.
struct Forwarder {
    path: PathBuf,
    stop: Arc<AtomicBool>,
}

impl Forwarder {
    fn start(path: &Path, upstream: PathBuf) -> Result<Forwarder> {
        let listener = UnixListener::bind(path)
            .with_context(|| format!("bind the forwarder {}", path.display()))?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(client) = conn else { continue };
                let Ok(server) = UnixStream::connect(&upstream) else {
                    continue;
                };
                pipe(client, server);
            }
        });
        Ok(Forwarder {
            path: path.to_path_buf(),
            stop,
        })
    }

    fn url(&self) -> String {
        format!("unix://{}", self.path.display())
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = UnixStream::connect(&self.path);
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Copy bytes both ways until either side closes.
fn pipe(a: UnixStream, b: UnixStream) {
    let (Ok(a2), Ok(b2)) = (a.try_clone(), b.try_clone()) else {
        return;
    };
    let one_way = |mut from: UnixStream, mut to: UnixStream| {
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut from, &mut to);
            let _ = to.shutdown(std::net::Shutdown::Write);
        });
    };
    one_way(a, b2);
    one_way(b, a2);
}

// ---- the console in tmux ----

/// The console in tmux with one `-H` per endpoint (and no `DOCKER_*` from here).
fn start_console(bin: &Path, work: &Path, endpoints: &[String], run: usize) -> Result<TmuxConsole> {
    let args: Vec<String> = endpoints
        .iter()
        .flat_map(|e| ["-H".to_string(), e.clone()])
        .collect();
    TmuxConsole::start(
        bin,
        Launch {
            name: "fleet",
            work: Some(work),
            args: &args,
            docker_env: false,
            run,
        },
    )
}

/// Wait for the first frame with rows from `hosts` daemons: (ms since start, rows).
fn wait_hosts(c: &TmuxConsole, hosts: usize) -> Result<(f64, usize)> {
    let v = c.wait_trace(
        &format!("frame with {hosts} daemons' rows"),
        FRAME_TIMEOUT,
        |v| v["kind"] == "hosts_shown" && v["hosts"].as_u64().unwrap_or(0) as usize >= hosts,
    )?;
    let ms = v["ms"].as_f64().context("hosts_shown without ms")?;
    Ok((ms, v["rows"].as_u64().unwrap_or(0) as usize))
}

fn proc_mem(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line.split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
            .map(|k| k * 1024)
    };
    Some((kb("VmRSS:")?, kb("VmHWM:")?))
}

// ---- the report ----

struct Case<'a> {
    name: &'a str,
    hosts: usize,
    runs: Vec<f64>,
    median: f64,
    rows: usize,
    rss: u64,
    hwm: u64,
}

fn mb(b: u64) -> f64 {
    b as f64 / 1e6
}

fn report(
    args: &Args,
    engine: &str,
    load: &str,
    started_in: Duration,
    provisioned_in: Duration,
    cases: &[Case],
) {
    let forwarded = args.daemons - args.real;
    println!(
        "## Fleet: {} daemons x {} containers\n",
        args.daemons, args.containers
    );
    println!(
        "{} private dockerds (engine {engine}, each under `unshare --net`, started in {:.1} s){}; \
         {} containers each ({} running), made in {:.1} s. Load average before: {load}. \
         Median of {} runs after a warm-up; RSS 3 s after the frame of the last run. \
         Release build without LTO (`CARGO_PROFILE_RELEASE_LTO=false`, 16 codegen units).\n",
        args.real,
        started_in.as_secs_f64(),
        if forwarded > 0 {
            format!(", {forwarded} more endpoints as unix-socket forwarders in front of them")
        } else {
            String::new()
        },
        args.containers,
        args.running,
        provisioned_in.as_secs_f64(),
        args.runs,
    );
    println!(
        "| case | daemons with rows | first frame with their rows (median) | runs (ms) | rows | RSS | peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|");
    for c in cases {
        let runs: Vec<String> = c.runs.iter().map(|v| format!("{v:.0}")).collect();
        println!(
            "| {} | {} | {:.0} ms | {} | {} | {:.1} MB | {:.1} MB |",
            c.name,
            c.hosts,
            c.median,
            runs.join(", "),
            c.rows,
            mb(c.rss),
            mb(c.hwm)
        );
    }
    let base = cases[0].median;
    println!(
        "\nTarget: with one daemon unreachable the figure grows by less than one connect \
         attempt's timeout ({} s):\n",
        CONNECT_TIMEOUT.as_secs()
    );
    for c in &cases[1..] {
        let grew = c.median - base;
        let ok = grew < CONNECT_TIMEOUT.as_secs_f64() * 1000.0;
        println!(
            "- {}: {:+.0} ms ({})",
            c.name,
            grew,
            if ok { "pass" } else { "MISSED" }
        );
    }
}
