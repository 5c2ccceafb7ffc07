//! The scan benchmark: how close `seawall scan` comes to the Docker API's own floor.
//!
//! ```text
//! cargo bench --bench scan -- [N] [--runs K] [--cleanup]
//! scripts/bench.sh [N]            # the same, plus provisioning, and the table saved to target/bench/scan.md
//! ```
//!
//! 1. Builds (or reuses) a fleet of N containers named `sw-bench-<i>`, labelled
//!    `seawall.bench=1`: mostly created-only busybox containers with a realistic mix of
//!    options (binds, named volumes, capabilities, secrets in env, loopback ports, a few
//!    privileged / host-namespace ones), and at most 20 running `sleep`. Containers are
//!    created 16 at a time through bollard; bench containers beyond N are removed, so the
//!    scan's label filter sees exactly N. The fleet stays until `--cleanup`.
//! 2. Measures the raw API floor: one `GET /containers/json?all=1` (same label filter as the
//!    scan) plus N `GET /containers/{id}/json`, 8 in flight over pooled keep-alive
//!    connections (hyper-util's legacy client + hyperlocal), every body read to the end but
//!    not parsed, on a fresh client per run (a scan starts cold too). Three variants isolate
//!    one cost each: a multi-thread runtime, a new connection per request (bollard's unix
//!    client), and bollard itself (parsing into its types).
//! 3. Runs `seawall scan --format json`: wall time from spawn to exit, the child's CPU time
//!    (`wait4`) and peak RSS (GNU time's `%M`: `wait4`'s ru_maxrss would also count this
//!    bench's own memory, shared with the child between spawn and exec); dockerd's CPU time
//!    over each measurement too (from /proc).
//!    One warm-up of everything first (the scan's report must hold N containers), then K
//!    interleaved rounds (floor, scan, variants), so load changes hit all alike; medians.
//! 4. Runs `--format sarif` and `--format html` once each.
//! 5. Prints markdown tables to stdout (progress goes to stderr). A missed target is reported,
//!    not an error: the exit code is non-zero only when something could not be measured.
//!
//! `--cleanup` removes the fleet (and its volumes) and exits.
//! Environment: `DOCKER_HOST` (must be `unix://`), `SW_BENCH_SEAWALL` (binary to measure;
//! default: the crate's own `seawall` built by cargo for this bench), `SEAWALL_TEST_IMAGE`
//! (as scripts/ensure-docker.sh). Not `SEAWALL_*` for the bench's own settings: seawall reads
//! those as config.

#[path = "support/raw.rs"]
mod raw;
use raw::*;
#[path = "support/fleet.rs"]
mod fleet;

#[path = "support/big_labels.rs"]
mod big_labels;
#[path = "support/env.rs"]
mod env;
#[path = "support/procstat.rs"]
mod procstat;
use env::*;
use fleet::*;

use anyhow::{Context, Result, anyhow, bail};
use bollard::Docker;
use bollard::query_parameters::{ListContainersOptions, RemoveVolumeOptions};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use http_body_util::BodyExt;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The local test image scripts/ensure-docker.sh builds (`SEAWALL_TEST_IMAGE` overrides, as there).
const IN_FLIGHT: usize = 8;
/// GNU time (Debian's `time` package), for the child's own peak RSS.
const GNU_TIME: Option<&str> = Some("/usr/bin/time");
const RATIO_TARGET: f64 = 1.25;
/// 16 MB, decimal (the stricter reading of the target; issue 12).
const RSS_TARGET_BYTES: u64 = 16_000_000;

struct Args {
    n: usize,
    runs: usize,
    cleanup: bool,
    /// The large-label fleet instead (issue 14 item 5; `support/big_labels.rs`).
    large_labels: bool,
    /// List-only resyncs `seawall watch` goes through in the large-label run.
    resyncs: usize,
    /// N was given.
    n_given: bool,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        n: 500,
        // The ratio of two medians moves by ±0.1 between runs of 9 rounds on a shared
        // 2-core machine; 31 rounds (about 25 s at N=500) hold it within a few hundredths.
        runs: 31,
        cleanup: false,
        large_labels: false,
        resyncs: 10,
        n_given: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "--cleanup" => args.cleanup = true,
            "--large-labels" => args.large_labels = true,
            "--resyncs" => {
                let v = it.next().context("--resyncs needs a number")?;
                args.resyncs = v.parse().with_context(|| format!("bad --resyncs {v}"))?;
            }
            "--runs" => {
                let v = it.next().context("--runs needs a number")?;
                args.runs = v.parse().with_context(|| format!("bad --runs {v}"))?;
                if args.runs == 0 {
                    bail!("--runs must be at least 1");
                }
            }
            "-h" | "--help" => {
                println!(
                    "usage: scan [N (default 500; 300 with --large-labels)] [--runs K (default 31)] \
                     [--large-labels [--resyncs R (default 10)]] [--cleanup]"
                );
                std::process::exit(0);
            }
            other if !other.starts_with('-') => {
                args.n = other
                    .parse()
                    .with_context(|| format!("N must be a number, not {other}"))?;
                args.n_given = true;
            }
            other => bail!("unknown argument {other} (try --help)"),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    exit_code(run())
}

fn run() -> Result<()> {
    let args = parse_args()?;
    let socket = socket_path()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;

    let docker = rt.block_on(async {
        Docker::connect_with_unix(&socket, 300, bollard::API_DEFAULT_VERSION)?
            .negotiate_version()
            .await
    })?;
    if args.cleanup {
        let (c, v) = rt.block_on(cleanup(&docker))?;
        let big = rt.block_on(big_labels::cleanup_big(&docker))?;
        eprintln!("bench: removed {c} containers and {v} volumes, {big} large-label containers");
        return Ok(());
    }

    let seawall = seawall_bin();
    if !seawall.exists() {
        bail!(
            "{} does not exist (build it with `cargo build --release`, or set SW_BENCH_SEAWALL)",
            seawall.display()
        );
    }
    let out_dir = target_dir().join("bench");
    std::fs::create_dir_all(&out_dir)?;
    if args.large_labels {
        let n = if args.n_given { args.n } else { 300 };
        return large_labels(&rt, &docker, &socket, &seawall, &out_dir, n, &args);
    }

    let t = Instant::now();
    let fleet = rt.block_on(ensure_fleet(&docker, args.n))?;
    eprintln!(
        "bench: fleet ready in {:.1} s ({} created now, {} running)",
        t.elapsed().as_secs_f64(),
        fleet.created,
        fleet.running
    );
    drop(docker);

    let (engine, api) = rt.block_on(engine_version(&socket))?;
    let daemon = daemon_pid(&socket);
    let load_before = loadavg();

    let host = format!("unix://{socket}");
    let stderr_file = out_dir.join("scan-stderr.txt");
    let rss_file = out_dir.join("scan-maxrss.txt");
    let scan = |format: &str, out: &Path| -> Result<Sample> {
        // The child's peak RSS comes from GNU time when it is there: `wait4`'s ru_maxrss
        // also counts the memory of this (larger) process, which the child shares between
        // the spawn and its exec.
        let mut cmd = match GNU_TIME {
            Some(time) if Path::new(time).exists() => {
                let mut c = Command::new(time);
                c.args(["-f", "%M", "-o"]).arg(&rss_file).arg(&seawall);
                c
            }
            _ => Command::new(&seawall),
        };
        // seawall reads every SEAWALL_* variable as config and rejects unknown keys; these
        // two belong to scripts/ensure-docker.sh.
        cmd.env_remove("SEAWALL_TEST_IMAGE")
            .env_remove("SEAWALL_DOCKERD_LOG")
            .args(["-H", &host, "scan", "--format", format])
            .args(["--label", LABEL, "--concurrency", &IN_FLIGHT.to_string()]);
        let _ = std::fs::remove_file(&rss_file);
        let mut sample = measure(daemon, || run_child(&mut cmd, out, &stderr_file))?;
        if let Some(kib) = std::fs::read_to_string(&rss_file)
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
        {
            sample.max_rss = kib * 1024;
        }
        Ok(sample)
    };
    let json_out = out_dir.join("scan-out.json");
    let probes: [(Probe, &tokio::runtime::Runtime); 5] = [
        (Probe::Floor, &rt),
        (Probe::FloorMultiThread, &mt),
        (Probe::FloorNoKeepAlive, &rt),
        (Probe::Bollard, &rt),
        (Probe::FloorWithFacts, &rt),
    ];
    let floor = |probe: Probe, rt: &tokio::runtime::Runtime| -> Result<Sample> {
        measure(daemon, || {
            let cpu = self_cpu();
            let mut s = rt.block_on(probe.run(&socket, &api, args.n))?;
            s.cpu = self_cpu().saturating_sub(cpu);
            Ok(s)
        })
    };

    // Warm-up: every probe once; the scan's report must hold the whole fleet.
    eprintln!("bench: warm-up ...");
    for (probe, rt) in probes {
        floor(probe, rt)?;
    }
    scan("json", &json_out)?;
    let reported = count_reported(&json_out)?;
    if reported != args.n {
        bail!(
            "seawall reported {reported} containers, the fleet has {}",
            args.n
        );
    }

    // Interleaved rounds, so that a change in the machine's load hits floor and scan alike.
    let mut rows: Vec<Vec<Sample>> = vec![Vec::new(); probes.len()];
    let mut json_runs = Vec::new();
    for round in 1..=args.runs {
        eprintln!("bench: round {round}/{} ...", args.runs);
        rows[0].push(floor(probes[0].0, probes[0].1)?);
        json_runs.push(scan("json", &json_out)?);
        for (i, (probe, rt)) in probes.iter().enumerate().skip(1) {
            rows[i].push(floor(*probe, rt)?);
        }
    }
    eprintln!("bench: seawall scan --format sarif / html ...");
    let sarif = scan("sarif", &out_dir.join("scan-out.sarif"))?;
    let html = scan("html", &out_dir.join("scan-out.html"))?;
    let load_after = loadavg();

    let report = Report {
        n: args.n,
        runs: args.runs,
        engine,
        api,
        nproc: std::thread::available_parallelism().map_or(0, |n| n.get()),
        load: (load_before, load_after),
        fleet,
        seawall: seawall.display().to_string(),
        probes: probes.iter().map(|(p, _)| *p).zip(rows).collect(),
        json_runs,
        sarif,
        html,
    };
    print!("{}", report.render());
    Ok(())
}

/// Run `f` and add the daemon's CPU time over the run to its sample.
fn measure(daemon: Option<u32>, f: impl FnOnce() -> Result<Sample>) -> Result<Sample> {
    let before = daemon.and_then(proc_cpu);
    let mut s = f()?;
    s.daemon_cpu = match (before, daemon.and_then(proc_cpu)) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a)),
        _ => None,
    };
    Ok(s)
}

/// One measurement.
#[derive(Debug, Clone, Default)]
struct Sample {
    wall: Duration,
    /// CPU time (user + system) of the client: this process for the in-process probes, the
    /// child for seawall.
    cpu: Duration,
    /// CPU time dockerd spent over the same interval (when its pid is known).
    daemon_cpu: Option<Duration>,
    /// Peak RSS of the child, bytes (seawall only).
    max_rss: u64,
    requests: usize,
    /// Bytes read from the API (floor) or written as the report (seawall).
    bytes: u64,
}

// ---------------------------------------------------------------------------------------------
// Environment

fn seawall_bin() -> PathBuf {
    std::env::var_os("SW_BENCH_SEAWALL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_seawall")))
}

/// dockerd's pid: from its pid file, else the first process named `dockerd`.
/// A daemon of its own (`DOCKER_HOST=unix:///var/run/sw-perf.sock`, started with `--host`
/// on that socket) is the `dockerd` whose command line names the socket.
fn daemon_pid(socket: &str) -> Option<u32> {
    let dockerds: Vec<(u32, String)> = std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let comm = std::fs::read_to_string(e.path().join("comm")).ok()?;
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            (comm.trim() == "dockerd").then(|| (pid, String::from_utf8_lossy(&cmdline).into()))
        })
        .collect();
    if let Some((pid, _)) = dockerds.iter().find(|(_, c)| c.contains(socket)) {
        return Some(*pid);
    }
    if socket == "/var/run/docker.sock" {
        if let Some(pid) = std::fs::read_to_string("/var/run/docker.pid")
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            return Some(pid);
        }
        return dockerds.first().map(|(pid, _)| *pid);
    }
    None
}

/// User + system CPU time of a process (all its threads), from /proc/<pid>/stat.
fn proc_cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some(Duration::from_micros(ticks * 1_000_000 / hz))
}

fn timeval(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

/// User + system CPU time of this process so far.
fn self_cpu() -> Duration {
    // SAFETY: rusage is plain data, filled by getrusage.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    timeval(u.ru_utime) + timeval(u.ru_stime)
}

async fn cleanup(docker: &Docker) -> Result<(usize, usize)> {
    let ids: Vec<String> = docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(label_filter()),
            ..Default::default()
        }))
        .await?
        .into_iter()
        .filter_map(|c| c.id)
        .collect();
    let n = force_remove(docker, ids, "bench containers").await?;
    let mut volumes = 0;
    for v in 0..VOLUMES {
        let name = format!("{NAME_PREFIX}vol-{v}");
        match docker
            .remove_volume(&name, None::<RemoveVolumeOptions>)
            .await
        {
            Ok(()) => volumes += 1,
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => {}
            Err(e) => return Err(e).with_context(|| format!("removing volume {name}")),
        }
    }
    Ok((n, volumes))
}

// ---------------------------------------------------------------------------------------------
// The raw API floor, and variants of it that isolate one cost each

#[derive(Debug, Clone, Copy)]
enum Probe {
    /// The floor: pooled keep-alive connections, bodies counted not parsed, current-thread runtime.
    Floor,
    /// The same on a multi-thread runtime (as seawall's).
    FloorMultiThread,
    /// The same with `pool_max_idle_per_host(0)`, bollard's unix-socket setting: a new
    /// connection per request.
    FloorNoKeepAlive,
    /// bollard's own unix client (as seawall builds it), responses parsed into bollard's types.
    Bollard,
    /// The floor plus the daemon's own facts that a scan also reads: `/_ping` first, then
    /// `/info`, `/version`, the default bridge network and `/volumes` beside the list.
    /// `/info` and `/version` each make dockerd run `runc --version` and
    /// `docker-init --version`.
    FloorWithFacts,
}

impl Probe {
    fn label(self, n: usize) -> String {
        match self {
            Probe::Floor => format!(
                "API floor: 1 list + {n} inspects, {IN_FLIGHT} in flight, keep-alive, bodies read not parsed (current-thread runtime)"
            ),
            Probe::FloorMultiThread => "floor on a multi-thread runtime".into(),
            Probe::FloorNoKeepAlive => {
                "floor with a new connection per request (bollard's `pool_max_idle_per_host(0)`)".into()
            }
            Probe::Bollard => {
                "bollard `list_containers` + `inspect_container`, stock unix client, parsed into bollard types".into()
            }
            Probe::FloorWithFacts => {
                "floor plus the daemon facts a scan reads (`/_ping`, then `/info`, `/version`, `/networks/bridge`, `/volumes` beside the list)".into()
            }
        }
    }

    async fn run(self, socket: &str, api: &str, n: usize) -> Result<Sample> {
        match self {
            Probe::Floor | Probe::FloorMultiThread => floor_once(socket, api, n, true, false).await,
            Probe::FloorNoKeepAlive => floor_once(socket, api, n, false, false).await,
            Probe::FloorWithFacts => floor_once(socket, api, n, true, true).await,
            Probe::Bollard => bollard_once(socket, api, n).await,
        }
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One floor run on a fresh client (a scan starts cold too): the list, then every inspect,
/// IN_FLIGHT at a time.
async fn floor_once(
    socket: &str,
    api: &str,
    n: usize,
    keep_alive: bool,
    facts: bool,
) -> Result<Sample> {
    #[derive(serde::Deserialize)]
    struct Summary {
        #[serde(rename = "Id")]
        id: String,
    }
    let filters = percent_encode(&serde_json::to_string(&label_filter())?);
    let list_path = format!("/v{api}/containers/json?all=1&filters={filters}");

    let start = Instant::now();
    let client = raw_client(keep_alive);
    let mut fact_requests = 0;
    let mut fact_bytes = 0;
    let list = if facts {
        fact_bytes += drain(get(&client, socket, "/_ping").await?.into_body()).await?;
        let paths = [
            format!("/v{api}/info"),
            format!("/v{api}/version"),
            format!("/v{api}/networks/bridge"),
            format!("/v{api}/volumes"),
        ];
        fact_requests = 1 + paths.len();
        let client = &client;
        let side = futures_util::future::try_join_all(
            paths
                .iter()
                .map(|p| async move { drain(get(client, socket, p).await?.into_body()).await }),
        );
        let list = async {
            anyhow::Ok(
                get(client, socket, &list_path)
                    .await?
                    .into_body()
                    .collect()
                    .await?
                    .to_bytes(),
            )
        };
        let (list, side) = tokio::join!(list, side);
        fact_bytes += side?.iter().sum::<u64>();
        list?
    } else {
        get(&client, socket, &list_path)
            .await?
            .into_body()
            .collect()
            .await?
            .to_bytes()
    };
    let ids: Vec<Summary> = serde_json::from_slice(&list).context("parsing the list")?;
    if ids.len() != n {
        bail!(
            "the list holds {} bench containers, expected {n}",
            ids.len()
        );
    }
    let client = &client;
    let bytes = stream::iter(ids)
        .map(|s| async move {
            let path = format!("/v{api}/containers/{}/json", s.id);
            drain(get(client, socket, &path).await?.into_body()).await
        })
        .buffer_unordered(IN_FLIGHT)
        .try_fold(0, |acc, b| async move { Ok(acc + b) })
        .await?;
    Ok(Sample {
        wall: start.elapsed(),
        requests: n + 1 + fact_requests,
        bytes: bytes + list.len() as u64 + fact_bytes,
        ..Default::default()
    })
}

/// The same requests through bollard, as seawall's inventory makes them.
async fn bollard_once(socket: &str, api: &str, n: usize) -> Result<Sample> {
    let (major, minor) = api
        .split_once('.')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .ok_or_else(|| anyhow!("odd API version {api}"))?;
    let version = bollard::ClientVersion {
        major_version: major,
        minor_version: minor,
    };
    let start = Instant::now();
    let docker = Docker::connect_with_unix(socket, 120, &version)?;
    let list = docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(label_filter()),
            ..Default::default()
        }))
        .await?;
    if list.len() != n {
        bail!(
            "the list holds {} bench containers, expected {n}",
            list.len()
        );
    }
    let docker = &docker;
    let parsed = stream::iter(list.into_iter().filter_map(|c| c.id))
        .map(|id| async move { docker.inspect_container(&id, None).await.map(|_| 1usize) })
        .buffer_unordered(IN_FLIGHT)
        .try_fold(0, |acc, x| async move { Ok(acc + x) })
        .await?;
    Ok(Sample {
        wall: start.elapsed(),
        requests: parsed + 1,
        ..Default::default()
    })
}

// ---------------------------------------------------------------------------------------------
// seawall as a child process

/// Spawn `cmd` with stdout to `out`, wait for it with `wait4` and return its wall time, CPU
/// time and peak RSS. A non-zero exit is an error (with the child's stderr).
fn run_child(cmd: &mut Command, out: &Path, err: &Path) -> Result<Sample> {
    let stdout = File::create(out)?;
    let stderr = File::create(err)?;
    let start = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .with_context(|| format!("spawning {cmd:?}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child, which std has not reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = loop {
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        break r;
    };
    let wall = start.elapsed();
    drop(child);
    if r != pid {
        bail!("wait4: {}", std::io::Error::last_os_error());
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        let msg = std::fs::read_to_string(err).unwrap_or_default();
        bail!("{cmd:?} failed (wait status {status}): {}", msg.trim());
    }
    Ok(Sample {
        wall,
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        daemon_cpu: None,
        // ru_maxrss is in KiB on Linux.
        max_rss: usage.ru_maxrss as u64 * 1024,
        requests: 0,
        bytes: std::fs::metadata(out)?.len(),
    })
}

fn count_reported(json: &Path) -> Result<usize> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(json)?)
        .with_context(|| format!("{} is not JSON", json.display()))?;
    let hosts = v["hosts"]
        .as_array()
        .ok_or_else(|| anyhow!("the report has no hosts array"))?;
    Ok(hosts
        .iter()
        .map(|h| h["containers"].as_array().map_or(0, Vec::len))
        .sum())
}

// ---------------------------------------------------------------------------------------------
// The report

struct Report {
    n: usize,
    runs: usize,
    engine: String,
    api: String,
    nproc: usize,
    load: (String, String),
    fleet: Fleet,
    seawall: String,
    probes: Vec<(Probe, Vec<Sample>)>,
    json_runs: Vec<Sample>,
    sarif: Sample,
    html: Sample,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    let m = v.len() / 2;
    if v.is_empty() {
        Duration::ZERO
    } else if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2
    }
}

fn mib(b: u64) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

fn pass(ok: bool) -> &'static str {
    if ok { "PASS" } else { "FAIL" }
}

/// Median wall, spread, median client CPU, median daemon CPU, as table cells.
fn cells(samples: &[Sample]) -> (Duration, String) {
    let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let wall = median(walls.clone());
    let min = walls.iter().min().copied().unwrap_or_default();
    let max = walls.iter().max().copied().unwrap_or_default();
    let cpu = median(samples.iter().map(|s| s.cpu).collect());
    let daemon: Vec<Duration> = samples.iter().filter_map(|s| s.daemon_cpu).collect();
    let daemon = if daemon.is_empty() {
        "?".to_string()
    } else {
        format!("{:.0} ms", ms(median(daemon)))
    };
    let spread = if samples.len() > 1 {
        format!("{:.1}–{:.1} ms", ms(min), ms(max))
    } else {
        "1 run".into()
    };
    (
        wall,
        format!(
            "{:.1} ms | {spread} | {:.0} ms | {daemon}",
            ms(wall),
            ms(cpu)
        ),
    )
}

impl Report {
    fn render(&self) -> String {
        let (floor, _) = cells(&self.probes[0].1);
        let (scan, _) = cells(&self.json_runs);
        let ratio = scan.as_secs_f64() / floor.as_secs_f64();
        let rss = self.json_runs.iter().map(|r| r.max_rss).max().unwrap_or(0);
        let ratio_ok = ratio <= RATIO_TARGET;
        let rss_ok = rss < RSS_TARGET_BYTES;

        let mut s = String::new();
        let mut line = |l: String| {
            s.push_str(&l);
            s.push('\n');
        };
        line(format!(
            "## seawall scan benchmark: {} containers\n",
            self.n
        ));
        line(format!(
            "Docker engine {} (API {}), nproc {}, load average {} before / {} after; binary `{}`.",
            self.engine, self.api, self.nproc, self.load.0, self.load.1, self.seawall
        ));
        let mix: Vec<String> = self
            .fleet
            .mix
            .iter()
            .map(|(t, c)| format!("{c} {t}"))
            .collect();
        line(format!(
            "Fleet: {} containers labelled `{LABEL}` ({} running, the rest created; {}).\n",
            self.n,
            self.fleet.running,
            mix.join(", ")
        ));
        line(
            "| N | API floor (median) | `seawall scan --format json` (median) | ratio | peak RSS | ratio ≤ 1.25x | RSS < 16 MB |"
                .into(),
        );
        line("|---:|---:|---:|---:|---:|:---:|:---:|".into());
        line(format!(
            "| {} | {:.1} ms | {:.1} ms | {:.2}x | {:.1} MiB | {} | {} |\n",
            self.n,
            ms(floor),
            ms(scan),
            ratio,
            mib(rss),
            pass(ratio_ok),
            pass(rss_ok)
        ));
        line(format!(
            "Medians of {} interleaved rounds after one warm-up. Client CPU: user + system time of the \
             client (this process, or the seawall child); daemon CPU: dockerd's over the same interval.\n",
            self.runs
        ));
        line(
            "| measurement | wall (median) | spread | client CPU | daemon CPU | peak RSS | I/O |"
                .into(),
        );
        line("|---|---:|---|---:|---:|---:|---:|".into());
        for (probe, samples) in &self.probes {
            let (_, c) = cells(samples);
            let io = match samples.first() {
                Some(s) if s.bytes > 0 => {
                    format!(
                        "{} requests, {:.2} MB read",
                        s.requests,
                        s.bytes as f64 / 1e6
                    )
                }
                Some(s) => format!("{} requests", s.requests),
                None => String::new(),
            };
            line(format!("| {} | {c} | – | {io} |", probe.label(self.n)));
        }
        let (_, c) = cells(&self.json_runs);
        line(format!(
            "| `seawall scan --format json` (process wall time: exec to exit) | {c} | {:.1} MiB ({:.1} MB) | {:.2} MB written |",
            mib(rss),
            rss as f64 / 1e6,
            self.json_runs[0].bytes as f64 / 1e6
        ));
        for (name, r) in [("sarif", &self.sarif), ("html", &self.html)] {
            let (_, c) = cells(std::slice::from_ref(r));
            line(format!(
                "| `seawall scan --format {name}` | {c} | {:.1} MiB | {:.2} MB written |",
                mib(r.max_rss),
                r.bytes as f64 / 1e6
            ));
        }
        line(String::new());
        line(format!(
            "Targets: scan ≤ {RATIO_TARGET}x the floor: {:.2}x {}; peak RSS < 16 MB (16e6 bytes, max over {} runs): {:.1} MB {}.",
            ratio,
            pass(ratio_ok),
            self.runs,
            rss as f64 / 1e6,
            pass(rss_ok)
        ));
        if let Some((_, samples)) = self
            .probes
            .iter()
            .find(|(p, _)| matches!(p, Probe::FloorWithFacts))
        {
            let (with_facts, _) = cells(samples);
            line(format!(
                "\nFor reference (not the target): the scan is {:.2}x the floor that also reads the \
                 daemon facts, which cost {:.1} ms over the plain floor.",
                scan.as_secs_f64() / with_facts.as_secs_f64(),
                ms(with_facts) - ms(floor)
            ));
        }
        s
    }
}

// ---------------------------------------------------------------------------------------------
// The large-label fleet (issue 14 item 5)

/// One `seawall` run under GNU time: wall time and peak RSS.
fn timed_seawall(seawall: &Path, out_dir: &Path, args: &[&str]) -> Result<Sample> {
    let rss_file = out_dir.join("big-maxrss.txt");
    let _ = std::fs::remove_file(&rss_file);
    let mut cmd = match GNU_TIME {
        Some(time) if Path::new(time).exists() => {
            let mut c = Command::new(time);
            c.args(["-f", "%M", "-o"]).arg(&rss_file).arg(seawall);
            c
        }
        _ => Command::new(seawall),
    };
    cmd.env_remove("SEAWALL_TEST_IMAGE")
        .env_remove("SEAWALL_DOCKERD_LOG")
        .args(args);
    let mut s = run_child(
        &mut cmd,
        &out_dir.join("big-out.json"),
        &out_dir.join("big-stderr.txt"),
    )?;
    if let Some(kib) = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|t| t.trim().parse::<u64>().ok())
    {
        s.max_rss = kib * 1024;
    }
    Ok(s)
}

/// Time of one `GET /containers/json?all=1` of the whole daemon, body read not parsed.
async fn list_time(socket: &str, api: &str) -> Result<(Duration, u64)> {
    let start = Instant::now();
    let client = raw_client(true);
    let body = get(&client, socket, &format!("/v{api}/containers/json?all=1"))
        .await?
        .into_body();
    let bytes = drain(body).await?;
    Ok((start.elapsed(), bytes))
}

const BIG_SCAN_RSS_TARGET: u64 = 40_000_000;
const BIG_WATCH_RSS_TARGET: u64 = 60_000_000;

fn large_labels(
    rt: &tokio::runtime::Runtime,
    docker: &Docker,
    socket: &str,
    seawall: &Path,
    out_dir: &Path,
    n: usize,
    args: &Args,
) -> Result<()> {
    let t = Instant::now();
    let created = rt.block_on(big_labels::ensure_big_fleet(docker, n, &image()))?;
    eprintln!(
        "bench: large-label fleet ready in {:.1} s ({created} created now)",
        t.elapsed().as_secs_f64()
    );
    let (engine, api) = rt.block_on(engine_version(socket))?;
    let (list, list_bytes) = rt.block_on(list_time(socket, &api))?;
    let host = format!("unix://{socket}");
    let one = format!("{}7", big_labels::BIG_PREFIX);
    let all_args = [
        "-H",
        &host,
        "scan",
        "--format",
        "json",
        "--label",
        big_labels::BIG_LABEL,
    ];
    let one_args = ["-H", &host, "scan", "--format", "json", "--name", &one];

    let mut all = Vec::new();
    let mut single = Vec::new();
    for round in 1..=args.runs {
        eprintln!("bench: large labels, scan round {round}/{} ...", args.runs);
        all.push(timed_seawall(seawall, out_dir, &all_args)?);
        let reported = count_reported(&out_dir.join("big-out.json"))?;
        if reported != n {
            bail!("seawall reported {reported} large-label containers, the fleet has {n}");
        }
        single.push(timed_seawall(seawall, out_dir, &one_args)?);
        if count_reported(&out_dir.join("big-out.json"))? != 1 {
            bail!("--name {one} did not report exactly one container");
        }
    }
    let peak = |v: &[Sample]| v.iter().map(|s| s.max_rss).max().unwrap_or(0);
    let wall = |v: &[Sample]| median(v.iter().map(|s| s.wall).collect());

    // watch: the inventory, then R list-only resyncs (back to back when a list takes > 1 s).
    let inventory = wall(&all);
    let per_resync = list.max(Duration::from_secs(1)) + Duration::from_millis(100);
    let run_for = Duration::from_secs(1) + inventory + per_resync * args.resyncs as u32;
    eprintln!(
        "bench: seawall watch for {:.1} s ({} resyncs of ~{:.1} s) ...",
        run_for.as_secs_f64(),
        args.resyncs,
        per_resync.as_secs_f64()
    );
    let mut child = Command::new(seawall)
        .env_remove("SEAWALL_TEST_IMAGE")
        .env_remove("SEAWALL_DOCKERD_LOG")
        .env("SEAWALL_WATCH__RESYNC_SECS", "1")
        .args(["-H", &host, "watch"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(out_dir.join("big-watch-stderr.txt"))?)
        .spawn()
        .context("spawning seawall watch")?;
    let pid = child.id();
    let start = Instant::now();
    let mut samples: Vec<(f64, u64)> = Vec::new();
    let mut hwm = 0;
    while start.elapsed() < run_for {
        std::thread::sleep(Duration::from_millis(250));
        if let Some((rss, peak)) = procstat::mem(pid) {
            samples.push((start.elapsed().as_secs_f64(), rss));
            hwm = peak;
        }
        if child.try_wait()?.is_some() {
            bail!("seawall watch exited early (see big-watch-stderr.txt)");
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let after_inventory = samples
        .iter()
        .find(|(t, _)| *t >= 1.0 + inventory.as_secs_f64())
        .map_or(0, |s| s.1);
    let third = samples.len() / 3;
    let max_of = |v: &[(f64, u64)]| v.iter().map(|s| s.1).max().unwrap_or(0);
    let first_third = max_of(&samples[..third]);
    let last_third = max_of(&samples[samples.len() - third..]);
    let last = samples.last().map_or(0, |s| s.1);

    let mb = |b: u64| b as f64 / 1e6;
    let mut out = String::new();
    let mut line = |l: String| {
        out.push_str(&l);
        out.push('\n');
    };
    line(format!(
        "## Large labels: {n} containers x {} labels of {} bytes\n",
        big_labels::LABELS_PER_CONTAINER,
        big_labels::LABEL_BYTES
    ));
    line(format!(
        "Docker engine {engine} (API {api}); the whole daemon's list is {:.1} MB and takes {:.0} ms \
         to read (body not parsed); load average {}; binary `{}`. Peak RSS by GNU time (max of {} runs), \
         watch RSS from /proc every 250 ms. MB = 10^6 bytes.\n",
        list_bytes as f64 / 1e6,
        ms(list),
        loadavg(),
        seawall.display(),
        args.runs
    ));
    line("| measurement | wall (median) | peak RSS | target | |".into());
    line("|---|---:|---:|---:|:---:|".into());
    line(format!(
        "| `seawall scan --format json --label {}` ({n} containers) | {:.0} ms | {:.1} MB | < 40 MB | {} |",
        big_labels::BIG_LABEL,
        ms(wall(&all)),
        mb(peak(&all)),
        pass(peak(&all) < BIG_SCAN_RSS_TARGET)
    ));
    line(format!(
        "| `seawall scan --format json --name {one}` (1 container, whole list) | {:.0} ms | {:.1} MB | < 40 MB | {} |",
        ms(wall(&single)),
        mb(peak(&single)),
        pass(peak(&single) < BIG_SCAN_RSS_TARGET)
    ));
    let steady_ok = last_third < BIG_WATCH_RSS_TARGET;
    let flat_ok = last_third <= first_third.max(after_inventory) + 5_000_000;
    line(format!(
        "| `seawall watch` ({} s, resync every 1 s: ~{} list-only resyncs) | – | {:.1} MB (VmHWM) | steady < 60 MB | {} |",
        run_for.as_secs(),
        args.resyncs,
        mb(hwm),
        pass(steady_ok)
    ));
    line(String::new());
    line(format!(
        "watch RSS: {:.1} MB after the inventory, max {:.1} MB in the first third of the run, \
         max {:.1} MB in the last third, {:.1} MB at the end; not growing (last third within 5 MB \
         of the first): {}.",
        mb(after_inventory),
        mb(first_third),
        mb(last_third),
        mb(last),
        pass(flat_ok)
    ));
    print!("{out}");
    Ok(())
}
