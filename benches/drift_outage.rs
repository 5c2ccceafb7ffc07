//! Drift latency on a large host, and recovery and loss across outages: `seawall watch`
//! against a PRIVATE dockerd (never the shared one: it makes a 500-container fleet and
//! outages).
//!
//! ```text
//! cargo bench --bench drift_outage -- [--fleet 500] [--samples 6] [--cpu-secs 60]
//!                                     [--outages 10,20,40] [--gap-secs 20] [--execs 50]
//!                                     [--pairs 20] [--no-drift] [--no-outage]
//! scripts/bench-drift-outage.sh [same options]   # release build, table in target/bench/drift-outage.md
//! ```
//!
//! The private daemon is the tests' `Daemon2` (tests/common/daemon2.rs): its own directory
//! under /tmp, its own network namespace, `--bridge=none --iptables=false`; its containers use
//! `--network none`; the test image is copied into it with `docker save | docker load`. It is
//! stopped and its directory removed at the end (also on error).
//!
//! 1. Drift at fleet size M: M running containers (`sleep 3600`), then `seawall watch` at its
//!    defaults. The daemon's CPU (every process whose command line names the private
//!    daemon's directory: dockerd, its containerd and the shims, with waited-for children) is
//!    measured over S seconds with seawall running, against S seconds without. Then K samples:
//!    a new container that writes `/etc/sw-drift-<k>` D seconds after its start (D cycles
//!    5, 20, 40 s: within its first minute); latency = alert line (`SW-ACT-DRIFT-001` naming
//!    the file) − the moment of the write (start + D). And one `docker cp` of an executable to
//!    `/xmrig` in an old fleet container: time to `SW-ACT-DRIFT-003`. Target: every sample
//!    under 15 s, added daemon CPU under 5 % of a core.
//! 2. Outages: seawall watches the private daemon through a unix-socket proxy in this process.
//!    For each T: the proxy cuts every connection and refuses new ones for T s (a link
//!    outage), then comes back; recovery = the `SW-ACT-LINK-002` (reconnected) line − the
//!    moment the proxy listens again. Then the same with the daemon itself stopped for T s
//!    and started again (recovery from the moment it answers). Then a 20 s link outage during
//!    which 50 execs (`sh -c 'true gap<k>x'`) and 20 create + start + remove pairs
//!    (`--cap-add SYS_ADMIN`, a launch alert each) happen on the daemon: alerts lost =
//!    expected − seen within 30 s of recovery. Target 0. dockerd keeps only its last 256
//!    events, so what it dropped no client gets back: the bench also prints whether seawall
//!    said so (`SW-ACT-LINK-003`, fired / not fired, with the span it names).
//!
//! Markdown on stdout, progress on stderr. Missed targets are reported, not errors.
//! Environment: `SW_BENCH_SEAWALL` (binary; default target/release/seawall),
//! `SEAWALL_TEST_IMAGE`.

#[allow(dead_code)]
#[path = "../tests/common/daemon2.rs"]
mod daemon2;
#[path = "support/daemon2_parent.rs"]
mod daemon2_parent;
#[path = "support/env.rs"]
mod env;
#[path = "support/procstat.rs"]
mod procstat;
#[path = "support/watcher.rs"]
mod watcher;

use anyhow::{Context, Result, anyhow, bail};
use daemon2::Daemon2;
use env::*;
use procstat::*;
use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use watcher::{AlertLine, Out, Watcher};

const LABEL: &str = "seawall.bench=drift-outage";
const LIVE_TIMEOUT: Duration = Duration::from_secs(600);
const DRIFT_TARGET: Duration = Duration::from_secs(15);
const CPU_TARGET_PCT: f64 = 5.0;
const SAMPLE_TIMEOUT: Duration = Duration::from_secs(90);
const RECOVERY_TIMEOUT: Duration = Duration::from_secs(120);

use daemon2_parent::{d2, docker, next_counter, run_with_timeout};

// ---- arguments ----

struct Args {
    fleet: usize,
    samples: usize,
    cpu_secs: u64,
    outages: Vec<u64>,
    gap_secs: u64,
    execs: usize,
    pairs: usize,
    drift: bool,
    outage: bool,
}

fn parse_args() -> Result<Args> {
    let mut a = Args {
        fleet: 500,
        samples: 6,
        cpu_secs: 60,
        outages: vec![10, 20, 40],
        gap_secs: 20,
        execs: 50,
        pairs: 20,
        drift: true,
        outage: true,
    };
    let mut it = std::env::args().skip(1);
    fn num(it: &mut impl Iterator<Item = String>, flag: &str) -> Result<u64> {
        let v = it
            .next()
            .with_context(|| format!("{flag} needs a number"))?;
        v.parse().with_context(|| format!("bad {flag} {v}"))
    }
    while let Some(x) = it.next() {
        match x.as_str() {
            "--bench" => {}
            "--fleet" => a.fleet = num(&mut it, "--fleet")? as usize,
            "--samples" => a.samples = num(&mut it, "--samples")? as usize,
            "--cpu-secs" => a.cpu_secs = num(&mut it, "--cpu-secs")?.max(1),
            "--gap-secs" => a.gap_secs = num(&mut it, "--gap-secs")?,
            "--execs" => a.execs = num(&mut it, "--execs")? as usize,
            "--pairs" => a.pairs = num(&mut it, "--pairs")? as usize,
            "--outages" => {
                let v = it.next().context("--outages needs a list, e.g. 10,20,40")?;
                a.outages = v
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.trim().parse::<u64>().map_err(|e| anyhow!("{s}: {e}")))
                    .collect::<Result<_>>()?;
            }
            "--no-drift" => a.drift = false,
            "--no-outage" => a.outage = false,
            "-h" | "--help" => {
                println!(
                    "usage: drift_outage [--fleet 500] [--samples 6] [--cpu-secs 60] \
                     [--outages 10,20,40] [--gap-secs 20] [--execs 50] [--pairs 20] \
                     [--no-drift] [--no-outage]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other} (try --help)"),
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    exit_code(run())
}

fn run() -> Result<()> {
    let args = parse_args()?;
    let bin = release_seawall_bin();
    if !bin.exists() {
        bail!("{} is missing (cargo build --release)", bin.display());
    }
    eprintln!("bench: starting the private dockerd");
    let mut d = Daemon2::start().map_err(|e| anyhow!("private dockerd: {e}"))?;
    eprintln!("bench: private dockerd at {}", d.host());
    d.load_image(&image());
    println!("## Drift and outages (private dockerd, engine {})\n", {
        d2(&d, &["version", "--format", "{{.Server.Version}}"]).unwrap_or_default()
    });
    println!(
        "load average at start: {}; seawall: {}\n",
        loadavg(),
        bin.display()
    );
    let mut res = Ok(());
    if args.drift && args.fleet > 0 {
        res = drift(&d, &bin, &args);
    }
    if res.is_ok() && args.outage {
        res = outages(&mut d, &bin, &args);
    }
    eprintln!("bench: stopping the private dockerd");
    drop(d);
    res
}

// ---- the private daemon's CPU ----

/// CPU ticks (own + waited-for children) of every process whose command line names `dir`.
fn private_ticks(dir: &str) -> u64 {
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return 0;
    };
    rd.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| String::from_utf8_lossy(&c).contains(dir))
                .unwrap_or(false)
        })
        .filter_map(|pid| cpu_ticks(pid).map(|(a, b)| a + b))
        .sum()
}

/// The private daemon's CPU over `secs` seconds, in % of one core.
fn private_cpu(dir: &str, secs: u64) -> f64 {
    let t0 = Instant::now();
    let a = private_ticks(dir);
    std::thread::sleep(Duration::from_secs(secs));
    let b = private_ticks(dir);
    ticks_to_duration(b.saturating_sub(a)).as_secs_f64() / t0.elapsed().as_secs_f64() * 100.0
}

// ---- alert lines ----

/// Read the watcher's lines until `want` matches one (or `timeout`); every line read is
/// kept in `seen`.
fn wait_line(
    w: &mut Watcher,
    seen: &mut Vec<AlertLine>,
    timeout: Duration,
    want: impl Fn(&AlertLine) -> bool,
) -> Option<Instant> {
    if let Some(a) = seen.iter().find(|a| want(a)) {
        return Some(a.at);
    }
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        match w.lines.try_recv() {
            Ok(Out::Alert(a)) => {
                let hit = want(&a);
                let at = a.at;
                seen.push(a);
                if hit {
                    return Some(at);
                }
            }
            Ok(Out::Unreadable(_)) => {}
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    None
}

/// [`wait_line`] over the lines from index `from` of `seen` on (the ones read since an
/// outage began).
fn wait_new(
    w: &mut Watcher,
    seen: &mut Vec<AlertLine>,
    from: usize,
    timeout: Duration,
    want: impl Fn(&AlertLine) -> bool,
) -> Option<Instant> {
    if let Some(a) = seen[from.min(seen.len())..].iter().find(|a| want(a)) {
        return Some(a.at);
    }
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        match w.lines.try_recv() {
            Ok(Out::Alert(a)) => {
                let hit = want(&a);
                let at = a.at;
                seen.push(a);
                if hit {
                    return Some(at);
                }
            }
            Ok(Out::Unreadable(_)) => {}
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    None
}

fn drain(w: &mut Watcher, seen: &mut Vec<AlertLine>) {
    while let Ok(out) = w.lines.try_recv() {
        if let Out::Alert(a) = out {
            seen.push(a);
        }
    }
}

fn watch_env(host: &str) -> Vec<(&'static str, String)> {
    vec![("DOCKER_HOST", host.to_string())]
}

// ---- 1. drift ----

fn drift(d: &Daemon2, bin: &std::path::Path, args: &Args) -> Result<()> {
    let img = image();
    let m = args.fleet;
    eprintln!("bench: starting {m} containers on the private daemon");
    let t = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    std::thread::scope(|s| {
        for _ in 0..6 {
            let next = next.clone();
            let failed = failed.clone();
            let img = img.clone();
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= m {
                        return;
                    }
                    let name = format!("sw-dobench-{i}");
                    if let Err(e) = d2(
                        d,
                        &[
                            "run",
                            "-d",
                            "--network",
                            "none",
                            "--label",
                            LABEL,
                            "--name",
                            &name,
                            &img,
                            "sleep",
                            "3600",
                        ],
                    ) {
                        eprintln!("bench: {e}");
                        failed.store(true, Ordering::Relaxed);
                    }
                    if (i + 1).is_multiple_of(50) {
                        eprintln!("bench: {} started", i + 1);
                    }
                }
            });
        }
    });
    let running = d2(d, &["ps", "-q"])?.lines().count();
    eprintln!(
        "bench: {running} running after {:.0} s",
        t.elapsed().as_secs_f64()
    );
    let dir = d.dir.to_string_lossy().to_string();
    eprintln!("bench: letting the daemon settle, then its CPU without seawall");
    std::thread::sleep(Duration::from_secs(20));
    let idle = private_cpu(&dir, args.cpu_secs);

    let mut w = Watcher::start(bin, &watch_env(&d.host()), LIVE_TIMEOUT)?;
    let mut seen = Vec::new();
    // Past the first inventory; the polls are at their budget from here on.
    std::thread::sleep(Duration::from_secs(5));
    eprintln!("bench: the daemon's CPU with seawall watching");
    let busy = private_cpu(&dir, args.cpu_secs);
    let seawall_cpu = cpu_time(w.pid).unwrap_or_default();
    drain(&mut w, &mut seen);

    let delays = [5u64, 20, 40];
    let mut rows = Vec::new();
    for k in 0..args.samples {
        let delay = delays[k % delays.len()];
        let name = format!("sw-dobench-new-{k}");
        let file = format!("/etc/sw-drift-{k}");
        let script = format!("sleep {delay}; echo x > {file}; sleep 3600");
        d2(
            d,
            &[
                "run",
                "-d",
                "--network",
                "none",
                "--label",
                LABEL,
                "--name",
                &name,
                &img,
                "sh",
                "-c",
                &script,
            ],
        )?;
        let written = Instant::now() + Duration::from_secs(delay);
        let got = wait_line(
            &mut w,
            &mut seen,
            Duration::from_secs(delay) + SAMPLE_TIMEOUT,
            |a| a.container_name == name && a.detail.contains(&file),
        );
        let lat = got.map(|at| at.saturating_duration_since(written));
        eprintln!("bench: sample {k} (write after {delay} s): {lat:?}");
        rows.push((
            format!("new container, writes {file} {delay} s after start"),
            lat,
        ));
    }
    // docker cp of an executable into an old container, outside any temporary directory.
    let target = format!("sw-dobench-{}", m / 2);
    let tmp = tempfile::tempdir()?;
    let payload = tmp.path().join("xmrig");
    std::fs::copy("/bin/busybox", &payload)
        .or_else(|_| std::fs::write(&payload, b"#!/bin/sh\necho mining\n").map(|_| 0))?;
    let t0 = Instant::now();
    d2(
        d,
        &[
            "cp",
            &payload.to_string_lossy(),
            &format!("{target}:/xmrig"),
        ],
    )?;
    let got = wait_line(&mut w, &mut seen, SAMPLE_TIMEOUT, |a| {
        a.container_name == target && a.rule == "SW-ACT-DRIFT-003" && a.detail.contains("/xmrig")
    });
    rows.push((
        format!("docker cp to /xmrig in old container {target}"),
        got.map(|at| at.saturating_duration_since(t0)),
    ));
    let seawall_total = cpu_time(w.pid).unwrap_or_default();
    let status = w.stop();
    // Remove the fleet before the daemon stops: a dockerd stopped with hundreds of running
    // containers is killed after its stop timeout and leaves their shims behind.
    eprintln!("bench: removing the fleet");
    let ids = d2(d, &["ps", "-aq", "--filter", &format!("label={LABEL}")])?;
    let ids: Vec<&str> = ids.lines().collect();
    for chunk in ids.chunks(50) {
        let mut args = vec!["rm", "-f"];
        args.extend(chunk.iter().copied());
        if let Err(e) = d2(d, &args) {
            eprintln!("bench: {e}");
        }
    }

    println!("### Drift latency at {running} running containers (default settings)\n");
    println!("| sample | latency | target < 15 s |");
    println!("|---|---|---|");
    for (what, lat) in &rows {
        match lat {
            Some(l) => println!(
                "| {what} | {:.1} s | {} |",
                l.as_secs_f64(),
                if *l < DRIFT_TARGET { "met" } else { "MISSED" }
            ),
            None => println!("| {what} | no alert within the sample timeout | MISSED |"),
        }
    }
    let added = busy - idle;
    println!(
        "\nDaemon CPU (dockerd + containerd + shims of the private daemon) over {} s: \
         {idle:.1} % of a core without seawall, {busy:.1} % with `seawall watch` polling: \
         added {added:.1} % (target < {CPU_TARGET_PCT} %: {}). seawall's own CPU: {:.1} s in \
         the window's first {} s, {:.1} s in all; it exited {status}.\n",
        args.cpu_secs,
        if added < CPU_TARGET_PCT {
            "met"
        } else {
            "MISSED"
        },
        seawall_cpu.as_secs_f64(),
        args.cpu_secs + 5,
        seawall_total.as_secs_f64(),
    );
    Ok(())
}

// ---- 2. outages ----

/// A unix-socket proxy in front of the private daemon, on its own thread and runtime. While
/// `down` is set it has no socket (connects fail) and every connection is cut.
struct Proxy {
    path: std::path::PathBuf,
    down: Arc<AtomicBool>,
    /// Set when the listener is bound again after an outage.
    up_at: Arc<std::sync::Mutex<Option<Instant>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    fn start(dir: &std::path::Path, upstream: std::path::PathBuf) -> Result<Proxy> {
        let path = dir.join("proxy.sock");
        let down = Arc::new(AtomicBool::new(false));
        let up_at = Arc::new(std::sync::Mutex::new(None));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, dn, ua, st) = (path.clone(), down.clone(), up_at.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(proxy_loop(p, upstream, dn, ua, st));
        });
        let t = Instant::now();
        while !path.exists() {
            if t.elapsed() > Duration::from_secs(5) {
                bail!("the proxy did not bind {}", path.display());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Proxy {
            path,
            down,
            up_at,
            stop,
            thread: Some(thread),
        })
    }

    fn host(&self) -> String {
        format!("unix://{}", self.path.display())
    }

    /// Cut for `secs`; returns when the proxy listens again (that moment).
    fn outage(&self, secs: u64) -> Instant {
        *self.up_at.lock().unwrap() = None;
        self.down.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_secs(secs));
        self.down.store(false, Ordering::SeqCst);
        loop {
            if let Some(at) = *self.up_at.lock().unwrap() {
                return at;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn proxy_loop(
    path: std::path::PathBuf,
    upstream: std::path::PathBuf,
    down: Arc<AtomicBool>,
    up_at: Arc<std::sync::Mutex<Option<Instant>>>,
    stop: Arc<AtomicBool>,
) {
    use tokio::net::{UnixListener, UnixStream};
    while !stop.load(Ordering::SeqCst) {
        let _ = std::fs::remove_file(&path);
        let Ok(listener) = UnixListener::bind(&path) else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        *up_at.lock().unwrap() = Some(Instant::now());
        let mut conns = tokio::task::JoinSet::new();
        loop {
            if down.load(Ordering::SeqCst) || stop.load(Ordering::SeqCst) {
                break;
            }
            tokio::select! {
                acc = listener.accept() => {
                    if let Ok((mut client, _)) = acc {
                        let upstream = upstream.clone();
                        conns.spawn(async move {
                            if let Ok(mut server) = UnixStream::connect(&upstream).await {
                                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            }
                        });
                    }
                }
                _ = tokio::time::sleep(Duration::from_millis(20)) => {}
                Some(_) = conns.join_next(), if !conns.is_empty() => {}
            }
        }
        // Down: no socket, every connection cut.
        drop(listener);
        let _ = std::fs::remove_file(&path);
        conns.abort_all();
        while !stop.load(Ordering::SeqCst) && down.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let _ = std::fs::remove_file(&path);
}

fn is_back(a: &AlertLine) -> bool {
    a.rule == "SW-ACT-LINK-002"
}

fn outages(d: &mut Daemon2, bin: &std::path::Path, args: &Args) -> Result<()> {
    let img = image();
    // A few running containers to exec into.
    for i in 0..3 {
        let name = format!("sw-dobench-gap-{i}");
        let _ = d2(d, &["rm", "-f", &name]);
        d2(
            d,
            &[
                "run",
                "-d",
                "--network",
                "none",
                "--label",
                LABEL,
                "--restart",
                "always",
                "--name",
                &name,
                &img,
                "sleep",
                "3600",
            ],
        )?;
    }
    let upstream = d.dir.join("d.sock");
    let proxy = Proxy::start(&d.dir, upstream)?;
    let mut w = Watcher::start(bin, &watch_env(&proxy.host()), LIVE_TIMEOUT)?;
    let mut seen = Vec::new();
    std::thread::sleep(Duration::from_secs(3));
    drain(&mut w, &mut seen);

    let mut rows = Vec::new();
    for &secs in &args.outages {
        eprintln!("bench: link outage of {secs} s");
        let before = seen.len();
        let up = proxy.outage(secs);
        let back = wait_new(&mut w, &mut seen, before, RECOVERY_TIMEOUT, is_back);
        rows.push((
            format!("link cut for {secs} s (proxy)"),
            back.map(|b| b.saturating_duration_since(up)),
        ));
        std::thread::sleep(Duration::from_secs(3));
        drain(&mut w, &mut seen);
    }
    for &secs in &args.outages {
        eprintln!("bench: daemon stopped for {secs} s");
        let before = seen.len();
        d.stop();
        std::thread::sleep(Duration::from_secs(secs));
        d.restart()
            .map_err(|e| anyhow!("restarting the private daemon: {e}"))?;
        let up = Instant::now();
        let back = wait_new(&mut w, &mut seen, before, RECOVERY_TIMEOUT, is_back);
        rows.push((
            format!("daemon stopped for {secs} s"),
            back.map(|b| b.saturating_duration_since(up)),
        ));
        std::thread::sleep(Duration::from_secs(3));
        drain(&mut w, &mut seen);
    }

    // Activity inside a link outage.
    let gap = args.gap_secs;
    eprintln!(
        "bench: {gap} s link outage with {} execs and {} create-remove pairs",
        args.execs, args.pairs
    );
    drain(&mut w, &mut seen);
    let mark = seen.len();
    let proxy = Arc::new(proxy);
    let p2 = proxy.clone();
    let cut = std::thread::spawn(move || p2.outage(gap));
    std::thread::sleep(Duration::from_millis(500));
    let t_act = Instant::now();
    let (execs, pairs) = (args.execs, args.pairs);
    let mut exec_ok = 0;
    let mut pair_ok = 0;
    let total = execs + pairs;
    let budget = Duration::from_secs(gap.saturating_sub(2).max(1));
    for j in 0..total.max(1) {
        if j >= total {
            break;
        }
        // Spread over the outage.
        let at = t_act + budget * j as u32 / total as u32;
        if let Some(wait) = at.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        if j % (total / pairs.max(1)).max(1) == 0 && pair_ok < pairs {
            let name = format!("sw-dobench-pair-{pair_ok}");
            let ok = d2(
                d,
                &[
                    "run",
                    "-d",
                    "--network",
                    "none",
                    "--label",
                    LABEL,
                    "--cap-add",
                    "SYS_ADMIN",
                    "--name",
                    &name,
                    &img,
                    "sleep",
                    "60",
                ],
            )
            .and_then(|_| d2(d, &["rm", "-f", &name]));
            match ok {
                Ok(_) => pair_ok += 1,
                Err(e) => eprintln!("bench: {e}"),
            }
        } else if exec_ok < execs {
            let c = format!("sw-dobench-gap-{}", exec_ok % 3);
            match d2(
                d,
                &["exec", "-d", &c, "sh", "-c", &format!("true gap{exec_ok}x")],
            ) {
                Ok(_) => exec_ok += 1,
                Err(e) => eprintln!("bench: {e}"),
            }
        }
    }
    // The rest of the execs, if the pairs took the slots.
    while exec_ok < execs {
        let c = format!("sw-dobench-gap-{}", exec_ok % 3);
        d2(
            d,
            &["exec", "-d", &c, "sh", "-c", &format!("true gap{exec_ok}x")],
        )?;
        exec_ok += 1;
    }
    let acted = t_act.elapsed();
    let up = cut
        .join()
        .map_err(|_| anyhow!("the outage thread panicked"))?;
    let back = wait_line(&mut w, &mut seen, RECOVERY_TIMEOUT, |a| {
        is_back(a) && a.at >= up
    });
    // 30 s for the replay to come through.
    let _ = wait_line(&mut w, &mut seen, Duration::from_secs(30), |_| false);
    let after = &seen[mark..];
    let exec_seen: HashSet<usize> = (0..exec_ok)
        .filter(|k| {
            let m = format!("gap{k}x");
            after.iter().any(|a| a.detail.contains(&m))
        })
        .collect();
    let pair_seen: HashSet<usize> = (0..pair_ok)
        .filter(|k| {
            let n = format!("sw-dobench-pair-{k}");
            after
                .iter()
                .any(|a| a.container_name == n && a.rule.starts_with("SW-ACT-LAUNCH"))
        })
        .collect();
    // The notice that the daemon's replay did not reach back to the resume point.
    let gap_notices: Vec<&str> = after
        .iter()
        .filter(|a| a.rule == "SW-ACT-LINK-003")
        .map(|a| a.detail.as_str())
        .collect();
    let status = w.stop();

    println!("### Recovery after outages\n");
    println!("| outage | seawall reconnected after |");
    println!("|---|---|");
    for (what, r) in &rows {
        match r {
            Some(r) => println!("| {what} | {:.1} s |", r.as_secs_f64()),
            None => println!(
                "| {what} | no reconnect notice within {} s |",
                RECOVERY_TIMEOUT.as_secs()
            ),
        }
    }
    println!(
        "\n### Alerts lost in a {gap} s link outage (activity took {:.1} s)\n",
        acted.as_secs_f64()
    );
    println!("| activity during the outage | done | alerted | lost (target 0) |");
    println!("|---|---|---|---|");
    println!(
        "| execs `sh -c 'true gap<k>x'` | {exec_ok} | {} | {} |",
        exec_seen.len(),
        exec_ok - exec_seen.len()
    );
    println!(
        "| create + start + remove, `--cap-add SYS_ADMIN` | {pair_ok} | {} | {} |",
        pair_seen.len(),
        pair_ok - pair_seen.len()
    );
    let missing = |done: usize, seen: &HashSet<usize>| -> String {
        let lost: Vec<String> = (0..done)
            .filter(|k| !seen.contains(k))
            .map(|k| k.to_string())
            .collect();
        if lost.is_empty() {
            "none".to_string()
        } else {
            lost.join(", ")
        }
    };
    println!(
        "\nNot alerted (in the order done): execs {}; pairs {}.",
        missing(exec_ok, &exec_seen),
        missing(pair_ok, &pair_seen)
    );
    let lost_any = exec_seen.len() < exec_ok || pair_seen.len() < pair_ok;
    match gap_notices.first() {
        Some(detail) => println!(
            "\nGap notice `SW-ACT-LINK-003` fired: **yes** ({} notice(s)): {detail}",
            gap_notices.len()
        ),
        None => println!(
            "\nGap notice `SW-ACT-LINK-003` fired: **no** ({}).",
            if lost_any {
                "alerts were lost: the daemon's history did not reach back, and seawall did \
                 not say so"
            } else {
                "nothing lost: the daemon's history reached back to the resume point"
            }
        ),
    }
    println!(
        "\nReconnect after that outage: {}. seawall exited {status}.\n",
        back.map_or("none seen".to_string(), |b| format!(
            "{:.1} s",
            b.saturating_duration_since(up).as_secs_f64()
        ))
    );
    Ok(())
}
