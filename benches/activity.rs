//! The activity benchmark: `seawall watch` against the real daemon.
//!
//! ```text
//! cargo bench --bench activity -- [--latency K] [--cycles N] [--fleet 100,500] [--poll-secs S]
//!                                 [--in-flight F] [--no-split] [--no-default] [--intervals S,..]
//!                                 [--cleanup]
//! scripts/bench-activity.sh [same options]   # release build, table saved to target/bench/activity.md
//! ```
//!
//! 1. Event to alert: 4 running containers `sw-actbench-<i>` (label `seawall.bench=activity`,
//!    `sleep 3600`). `seawall watch --format ndjson` runs at its defaults; a raw `/events`
//!    subscriber (hyper over the unix socket, in this process) runs beside it. K times: T0,
//!    then exec create + start (detached) of `sh -c 'true mk<k>x'` through the API; the raw
//!    stream's `exec_create` / `exec_start` for that exec id, and seawall's alert line whose
//!    detail holds the marker, are timed from T0 (5 warm-up samples first, not counted).
//!    seawall acts on `exec_create` and inspects the exec before alerting: that inspect is
//!    inside the measured difference.
//! 2. Flood: N cycles of create + start + force-remove of `sw-actbench-flood-<k>`
//!    (`--cap-add SYS_ADMIN`: a critical finding, and it starts on this VM), F in flight. Every
//!    container must get its `SW-ACT-LAUNCH-001` alert (lost = expected - seen). seawall's RSS
//!    is sampled every 250 ms; VmHWM before and after. Then seawall drains (all seen, or no
//!    new line for 3 s, at most 60 s).
//! 3. Polling CPU: for each M, M running containers `sw-actbench-poll-<i>` (kept across runs;
//!    `--cleanup` removes them), the daemon left to go idle, then S-second windows: the daemon's
//!    CPU with seawall not running (before and after, averaged), and with `seawall watch`
//!    running at its default intervals; with the split (default), also drift only
//!    (`SEAWALL_WATCH__PROCESSES_SECS=0`) and processes only (`SEAWALL_WATCH__DRIFT_SECS=0`);
//!    when the default misses the target at the largest M, one more window at the poll budget
//!    (`SEAWALL_WATCH__POLL_PER_MINUTE`) a linear estimate says would meet it;
//!    `--intervals S,..` adds windows with both polls every S s (`--no-default` skips the
//!    default and split windows). The daemon is dockerd + containerd + every
//!    containerd-shim, each counting its own CPU and its waited-for children's (dockerd runs
//!    `ps` for each `/top`, the shim `runc ps`). A seawall window starts half a second before
//!    its first poll round and lasts a whole number of intervals: whole rounds when a round
//!    fits its interval, else a stretch of the steady rate the poll budget allows.
//!
//! Markdown on stdout, progress on stderr. Missed targets are reported, not errors: the exit
//! code is non-zero only when something could not be measured.
//! Environment: `DOCKER_HOST` (unix:// only), `SW_BENCH_SEAWALL` (binary; default
//! target/release/seawall), `SEAWALL_TEST_IMAGE` (as scripts/ensure-docker.sh). Every other
//! `SEAWALL_*` variable is removed from seawall's environment.

#[path = "support/raw.rs"]
mod raw;
use raw::*;
#[path = "support/procstat.rs"]
mod procstat;
use procstat::*;
#[path = "support/watcher.rs"]
mod watcher;

#[path = "support/env.rs"]
mod env;
use env::*;
use watcher::*;

use anyhow::{Context, Result, anyhow, bail};
use bollard::Docker;
use bollard::exec::{CreateExecOptions, StartExecOptions};
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, ListContainersOptions, RemoveContainerOptionsBuilder,
};
use futures_util::stream::{self, StreamExt};
use http_body_util::BodyExt;
use seawall::watch::task;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const LABEL_KEY: &str = "seawall.bench";
const LABEL_VALUE: &str = "activity";
const LABEL: &str = "seawall.bench=activity";
/// Which part of the bench a container belongs to: latency, flood or poll.
const ROLE_KEY: &str = "seawall.bench.role";
const PREFIX: &str = "sw-actbench-";
const FLOOD_PREFIX: &str = "sw-actbench-flood-";
const POLL_PREFIX: &str = "sw-actbench-poll-";

const LATENCY_CONTAINERS: usize = 4;
const WARMUP: usize = 5;
const SAMPLE_TIMEOUT: Duration = Duration::from_secs(5);
const SAMPLE_GAP: Duration = Duration::from_millis(50);
const LIVE_TIMEOUT: Duration = Duration::from_secs(60);
const DRAIN_QUIET: Duration = Duration::from_secs(3);
const DRAIN_MAX: Duration = Duration::from_secs(60);
/// seawall's default drift and process interval (`[watch]`).
const DEFAULT_POLL: Duration = Duration::from_secs(task::DEFAULT_POLL_SECS);
/// The daemon counts as idle below this share of a core (over 2 s).
const IDLE_PCT: f64 = 3.0;
const IDLE_MAX_WAIT: Duration = Duration::from_secs(120);

// Targets (from the issue).
const E2A_DIFF_P99_TARGET_MS: f64 = 50.0;
const DAEMON_CPU_TARGET_PCT: f64 = 5.0;
/// Target fleet size for the daemon CPU target.
const DAEMON_TARGET_AT: usize = 500;

struct Args {
    latency: usize,
    cycles: usize,
    fleet: Vec<usize>,
    poll_secs: u64,
    in_flight: usize,
    split: bool,
    /// Measure the default (and split) configurations.
    default_windows: bool,
    /// Extra windows with both polls at these intervals (s).
    intervals: Vec<u64>,
    cleanup: bool,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        latency: 200,
        cycles: 2000,
        fleet: vec![100, 500],
        poll_secs: 60,
        in_flight: 8,
        split: true,
        default_windows: true,
        intervals: Vec::new(),
        cleanup: false,
    };
    let mut it = std::env::args().skip(1);
    fn num(it: &mut impl Iterator<Item = String>, flag: &str) -> Result<usize> {
        let v = it
            .next()
            .with_context(|| format!("{flag} needs a number"))?;
        v.parse().with_context(|| format!("bad {flag} {v}"))
    }
    while let Some(a) = it.next() {
        match a.as_str() {
            "--bench" => {}
            "--latency" => args.latency = num(&mut it, "--latency")?,
            "--cycles" => args.cycles = num(&mut it, "--cycles")?,
            "--in-flight" => args.in_flight = num(&mut it, "--in-flight")?.max(1),
            "--poll-secs" => {
                args.poll_secs = num(&mut it, "--poll-secs")? as u64;
                if args.poll_secs == 0 {
                    bail!("--poll-secs must be at least 1");
                }
            }
            "--fleet" => {
                let v = it.next().context("--fleet needs a list, e.g. 100,500")?;
                args.fleet = v
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| {
                        s.trim()
                            .parse::<usize>()
                            .with_context(|| format!("bad --fleet entry {s}"))
                    })
                    .collect::<Result<Vec<_>>>()?;
                args.fleet.retain(|&m| m > 0);
                args.fleet.sort_unstable();
                args.fleet.dedup();
            }
            "--no-split" => args.split = false,
            "--no-default" => args.default_windows = false,
            "--intervals" => {
                let v = it
                    .next()
                    .context("--intervals needs a list, e.g. 300,600")?;
                args.intervals = v
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| match s.trim().parse::<u64>() {
                        Ok(n) if n > 0 => Ok(n),
                        _ => Err(anyhow!("bad --intervals entry {s} (seconds, at least 1)")),
                    })
                    .collect::<Result<Vec<_>>>()?;
            }
            "--cleanup" => args.cleanup = true,
            "-h" | "--help" => {
                println!(
                    "usage: activity [--latency K (200)] [--cycles N (2000)] [--fleet 100,500] \
                     [--poll-secs S (60)] [--in-flight F (8)] [--no-split] [--no-default] \
                     [--intervals S,..] [--cleanup]\n\
                     K, N or --fleet 0 skip that part."
                );
                std::process::exit(0);
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
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run_async(args, socket))
}

async fn run_async(args: Args, socket: String) -> Result<()> {
    let docker = Docker::connect_with_unix(&socket, 300, bollard::API_DEFAULT_VERSION)?
        .negotiate_version()
        .await
        .with_context(|| format!("connecting to {socket}"))?;
    if args.cleanup {
        let n = remove_role(&docker, None).await?;
        eprintln!("bench: removed {n} containers labelled {LABEL}");
        return Ok(());
    }
    let seawall = release_seawall_bin();
    if !seawall.exists() {
        bail!(
            "{} does not exist (build it with `cargo build --release`, or set SW_BENCH_SEAWALL)",
            seawall.display()
        );
    }
    let image = image();
    docker.inspect_image(&image).await.with_context(|| {
        format!("the image {image} is missing (run scripts/ensure-docker.sh; it is never pulled)")
    })?;
    let (engine, api) = engine_version(&socket).await?;
    // Leftovers of an interrupted run (the poll fleet is kept on purpose).
    remove_role(&docker, Some("latency")).await?;
    remove_role(&docker, Some("flood")).await?;
    let load_before = loadavg();

    let mut report = Report {
        engine,
        api: api.clone(),
        nproc: std::thread::available_parallelism().map_or(0, |n| n.get()),
        seawall: seawall.display().to_string(),
        load: (load_before, String::new()),
        latency: None,
        flood: None,
        polling: Vec::new(),
        suggestion: None,
        notes: Vec::new(),
    };

    if args.latency > 0 || args.cycles > 0 {
        let names = latency_containers(&docker).await?;
        let result = async {
            let mut w = Watcher::start(&seawall, &[], LIVE_TIMEOUT)?;
            // The event stream is subscribed right after "watching": let it settle.
            tokio::time::sleep(Duration::from_secs(1)).await;
            if args.latency > 0 {
                eprintln!(
                    "bench: event to alert, {} execs (+{WARMUP} warm-up) ...",
                    args.latency
                );
                report.latency =
                    Some(latency(&docker, &socket, &api, &names, args.latency, &mut w).await?);
            }
            if args.cycles > 0 {
                eprintln!(
                    "bench: flood, {} create + start + remove cycles, {} in flight ...",
                    args.cycles, args.in_flight
                );
                report.flood =
                    Some(flood(&docker, &socket, &api, args.cycles, args.in_flight, &mut w).await?);
            }
            let warnings = w.warnings();
            let status = w.stop();
            if !status.contains("exit status: 0") {
                report
                    .notes
                    .push(format!("seawall watch ended with {status} when stopped"));
            }
            if !warnings.is_empty() {
                report.notes.push(format!(
                    "seawall logged {} warning(s) during latency + flood, first: `{}`",
                    warnings.len(),
                    warnings[0]
                ));
            }
            anyhow::Ok(())
        }
        .await;
        remove_role(&docker, Some("latency")).await?;
        remove_role(&docker, Some("flood")).await?;
        result?;
    }

    for &m in &args.fleet {
        let largest = Some(&m) == args.fleet.last();
        let p = polling(&docker, &seawall, &api, m, &args, largest).await?;
        report.polling.push(p);
    }
    if let Some(p) = report.polling.last()
        && p.m >= DAEMON_TARGET_AT
    {
        report.suggestion = p.suggestion.clone();
    }
    report.load.1 = loadavg();
    print!("{}", report.render(&args));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Containers

fn body(role: &str, cmd: &[&str], host: HostConfig) -> ContainerCreateBody {
    ContainerCreateBody {
        image: Some(image()),
        cmd: Some(cmd.iter().map(|s| s.to_string()).collect()),
        labels: Some(HashMap::from([
            (LABEL_KEY.to_string(), LABEL_VALUE.to_string()),
            (ROLE_KEY.to_string(), role.to_string()),
        ])),
        host_config: Some(host),
        ..Default::default()
    }
}

fn label_filter(role: Option<&str>) -> HashMap<String, Vec<String>> {
    let mut labels = vec![LABEL.to_string()];
    if let Some(r) = role {
        labels.push(format!("{ROLE_KEY}={r}"));
    }
    HashMap::from([("label".to_string(), labels)])
}

/// `(id, name, running)` of the bench's containers (of one role, or all).
async fn list_role(docker: &Docker, role: Option<&str>) -> Result<Vec<(String, String, bool)>> {
    let list = docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(label_filter(role)),
            ..Default::default()
        }))
        .await
        .context("listing the bench containers")?;
    Ok(list
        .into_iter()
        .map(|c| {
            let name = c
                .names
                .iter()
                .flatten()
                .next()
                .map(|s| s.trim_start_matches('/').to_string())
                .unwrap_or_default();
            let running = c.state.map(|s| s.to_string()).as_deref() == Some("running");
            (c.id.unwrap_or_default(), name, running)
        })
        .collect())
}

/// Force-remove the bench's containers of one role (or all of them); returns how many.
async fn remove_role(docker: &Docker, role: Option<&str>) -> Result<usize> {
    let ids: Vec<String> = list_role(docker, role)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    let n = ids.len();
    let errors: Vec<String> = stream::iter(ids)
        .map(|id| async move {
            docker
                .remove_container(
                    &id,
                    Some(RemoveContainerOptionsBuilder::new().force(true).build()),
                )
                .await
                .err()
                .filter(|e| !is_gone(e))
                .map(|e| format!("{id}: {e}"))
        })
        .buffer_unordered(8)
        .filter_map(|e| async move { e })
        .collect()
        .await;
    if let Some(e) = errors.first() {
        bail!(
            "removing {} bench containers failed, first: {e}",
            errors.len()
        );
    }
    Ok(n)
}

fn is_gone(e: &bollard::errors::Error) -> bool {
    matches!(
        e,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404 | 409,
            ..
        }
    )
}

async fn create_and_start(docker: &Docker, name: &str, body: ContainerCreateBody) -> Result<()> {
    docker
        .create_container(
            Some(CreateContainerOptionsBuilder::new().name(name).build()),
            body,
        )
        .await
        .with_context(|| format!("creating {name}"))?;
    docker
        .start_container(name, None)
        .await
        .with_context(|| format!("starting {name}"))?;
    Ok(())
}

/// The running containers the exec samples go to; returns `(id, name)`.
async fn latency_containers(docker: &Docker) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for i in 0..LATENCY_CONTAINERS {
        let name = format!("{PREFIX}{i}");
        create_and_start(
            docker,
            &name,
            body("latency", &["sleep", "3600"], HostConfig::default()),
        )
        .await?;
        let id = docker
            .inspect_container(&name, None)
            .await?
            .id
            .context("an inspect without an id")?;
        out.push((id, name));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The raw event stream

/// One event of the raw subscription.
#[derive(Debug)]
struct RawEvent {
    at: Instant,
    /// The action up to the first ':' (`exec_start: sh -c ...` -> `exec_start`).
    action: String,
    exec_id: String,
    /// The container's name (`Actor.Attributes.name`).
    name: String,
}

/// Subscribe to `/events` with `filters` (JSON) over a fresh hyper connection; returns once
/// the daemon answered (the subscription is in place), with the task reading the stream.
async fn subscribe(
    socket: &str,
    api: &str,
    filters: serde_json::Value,
) -> Result<(
    mpsc::UnboundedReceiver<RawEvent>,
    tokio::task::JoinHandle<()>,
)> {
    let query: String = url_encode(&filters.to_string());
    let path = format!("/v{api}/events?filters={query}");
    let client = raw_client(false);
    let resp = get(&client, socket, &path).await?;
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let _client = client;
        let mut body = resp.into_body();
        let mut buf: Vec<u8> = Vec::new();
        while let Some(Ok(frame)) = body.frame().await {
            let at = Instant::now();
            let Ok(data) = frame.into_data() else {
                continue;
            };
            buf.extend_from_slice(&data);
            while let Some(nl) = buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = buf.drain(..=nl).collect();
                let Ok(v) = serde_json::from_slice::<serde_json::Value>(&line) else {
                    continue;
                };
                let action = v["Action"].as_str().unwrap_or_default();
                let ev = RawEvent {
                    at,
                    action: action.split(':').next().unwrap_or_default().to_string(),
                    exec_id: v["Actor"]["Attributes"]["execID"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    name: v["Actor"]["Attributes"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                };
                if tx.send(ev).is_err() {
                    return;
                }
            }
        }
    });
    Ok((rx, task))
}

fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// 1. Event to alert

#[derive(Debug, Default)]
struct Latency {
    samples: usize,
    /// ms from T0, per counted sample where it arrived.
    raw_create: Vec<f64>,
    raw_start: Vec<f64>,
    alert: Vec<f64>,
    /// alert - raw, per sample where both arrived.
    diff_start: Vec<f64>,
    diff_create: Vec<f64>,
    missed_raw: usize,
    missed_alert: usize,
    /// The first alert's rule (they should all be the same).
    rules: HashMap<String, usize>,
    /// Alert lines on the latency containers without a marker (polls, etc.).
    other_alerts: usize,
}

/// The `k` of the first `mk<k>x` marker in an alert's detail.
fn marker(detail: &str) -> Option<usize> {
    let mut rest = detail;
    while let Some(i) = rest.find("mk") {
        let tail = &rest[i + 2..];
        let digits: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && tail[digits.len()..].starts_with('x') {
            return digits.parse().ok();
        }
        rest = tail;
    }
    None
}

async fn latency(
    docker: &Docker,
    socket: &str,
    api: &str,
    containers: &[(String, String)],
    k: usize,
    w: &mut Watcher,
) -> Result<Latency> {
    let filters = serde_json::json!({
        "type": ["container"],
        "label": [LABEL],
        "event": ["exec_create", "exec_start"],
    });
    let (mut raw, raw_task) = subscribe(socket, api, filters).await?;
    let ids: HashSet<&str> = containers.iter().map(|(id, _)| id.as_str()).collect();
    let mut out = Latency {
        samples: k,
        ..Default::default()
    };
    // Everything seen so far: exec id -> (create, start); marker -> alert time.
    let mut raw_seen: HashMap<String, (Option<Instant>, Option<Instant>)> = HashMap::new();
    let mut alerts: HashMap<usize, Instant> = HashMap::new();
    let mut unreadable = 0usize;

    for s in 0..WARMUP + k {
        let (_, name) = &containers[s % containers.len()];
        let cmd = format!("true mk{s}x");
        let t0 = Instant::now();
        let exec = docker
            .create_exec(
                name,
                CreateExecOptions {
                    cmd: Some(vec!["sh", "-c", cmd.as_str()]),
                    ..Default::default()
                },
            )
            .await
            .with_context(|| format!("creating an exec in {name}"))?
            .id;
        docker
            .start_exec(
                &exec,
                Some(StartExecOptions {
                    detach: true,
                    ..Default::default()
                }),
            )
            .await
            .with_context(|| format!("starting exec {exec} in {name}"))?;
        let deadline = tokio::time::Instant::from_std(t0 + SAMPLE_TIMEOUT);
        loop {
            let have_raw = raw_seen
                .get(&exec)
                .is_some_and(|(c, st)| c.is_some() && st.is_some());
            if have_raw && alerts.contains_key(&s) {
                break;
            }
            tokio::select! {
                ev = raw.recv() => {
                    let ev = ev.ok_or_else(|| anyhow!("the raw event stream ended"))?;
                    let e = raw_seen.entry(ev.exec_id).or_default();
                    match ev.action.as_str() {
                        "exec_create" => { e.0.get_or_insert(ev.at); }
                        "exec_start" => { e.1.get_or_insert(ev.at); }
                        _ => {}
                    }
                }
                line = w.lines.recv() => {
                    match line.ok_or_else(|| anyhow!("seawall watch closed its output: {}", w.stderr_tail()))? {
                        Out::Alert(a) if ids.contains(a.container_id.as_str()) => {
                            match marker(&a.detail) {
                                Some(m) => {
                                    alerts.entry(m).or_insert(a.at);
                                    if m >= WARMUP {
                                        *out.rules.entry(a.rule).or_default() += 1;
                                    }
                                }
                                None => out.other_alerts += 1,
                            }
                        }
                        Out::Alert(_) => {}
                        Out::Unreadable(_) => unreadable += 1,
                    }
                }
                _ = tokio::time::sleep_until(deadline) => break,
            }
        }
        if s >= WARMUP {
            let ms = |t: Instant| ms_of(t.saturating_duration_since(t0));
            let (c, st) = raw_seen.get(&exec).copied().unwrap_or_default();
            let a = alerts.get(&s).copied();
            if c.is_none() || st.is_none() {
                out.missed_raw += 1;
            }
            if a.is_none() {
                out.missed_alert += 1;
            }
            if let Some(c) = c {
                out.raw_create.push(ms(c));
            }
            if let Some(st) = st {
                out.raw_start.push(ms(st));
            }
            if let Some(a) = a {
                out.alert.push(ms(a));
                if let Some(st) = st {
                    out.diff_start.push(ms(a) - ms(st));
                }
                if let Some(c) = c {
                    out.diff_create.push(ms(a) - ms(c));
                }
            }
        }
        tokio::time::sleep(SAMPLE_GAP).await;
    }
    raw_task.abort();
    if unreadable > 0 {
        bail!("seawall printed {unreadable} line(s) that are not JSON objects");
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// 2. Flood

#[derive(Debug, Default)]
struct Flood {
    cycles: usize,
    in_flight: usize,
    failed: usize,
    first_error: Option<String>,
    wall: Duration,
    drain: Duration,
    /// Containers that got at least one launch alert / were expected to.
    seen: usize,
    expected: usize,
    created_alerts: usize,
    started_alerts: usize,
    /// Other alert rules on flood containers.
    other_rules: HashMap<String, usize>,
    /// First launch alert of each container, ms after its create call was issued.
    alert_ms: Vec<f64>,
    /// The raw `create` event of each container, ms after its create call was issued.
    raw_create_ms: Vec<f64>,
    /// First launch alert - raw `create` delivery, per container.
    alert_minus_raw_ms: Vec<f64>,
    /// Lost containers whose raw `create` event did arrive.
    lost_with_raw: usize,
    /// A bare inspect issued on each raw `create` event: done, ms after the create call.
    probe_ms: Vec<f64>,
    /// Bare inspects that found the container already gone.
    probe_gone: usize,
    hwm_before: u64,
    hwm_after: u64,
    rss_after: u64,
    /// RSS samples (fraction of the flood done, bytes).
    rss: Vec<(f64, u64)>,
    lost_names: Vec<String>,
}

async fn flood(
    docker: &Docker,
    socket: &str,
    api: &str,
    cycles: usize,
    in_flight: usize,
    w: &mut Watcher,
) -> Result<Flood> {
    let filters = serde_json::json!({
        "type": ["container"],
        "label": [format!("{ROLE_KEY}=flood")],
        "event": ["create"],
    });
    let (raw, raw_task) = subscribe(socket, api, filters).await?;
    let probe = tokio::spawn(inspect_on_create(socket.to_string(), api.to_string(), raw));
    let pid = w.pid;
    let (_, hwm_before) = mem(pid).context("reading seawall's memory")?;
    let mut out = Flood {
        cycles,
        in_flight,
        hwm_before,
        ..Default::default()
    };
    let start = Instant::now();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));

    // RSS sampler.
    let sampler = {
        let done = done.clone();
        tokio::spawn(async move {
            let mut v = Vec::new();
            loop {
                let d = done.load(std::sync::atomic::Ordering::Relaxed);
                if let Some((rss, _)) = mem(pid) {
                    v.push((d as f64 / cycles as f64, rss));
                }
                if d >= cycles {
                    return v;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };

    let host = HostConfig {
        cap_add: Some(vec!["SYS_ADMIN".into()]),
        ..Default::default()
    };
    let (results, mut lines): (Vec<Cycle>, Vec<AlertLine>) = {
        let host = &host;
        let done = &done;
        let work = stream::iter(0..cycles)
            .map(|k| async move {
                let name = format!("{FLOOD_PREFIX}{k}");
                let t0 = Instant::now();
                let r = async {
                    create_and_start(
                        docker,
                        &name,
                        body("flood", &["sleep", "3600"], host.clone()),
                    )
                    .await?;
                    docker
                        .remove_container(
                            &name,
                            Some(RemoveContainerOptionsBuilder::new().force(true).build()),
                        )
                        .await
                        .with_context(|| format!("removing {name}"))
                }
                .await;
                let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if d.is_multiple_of(500) {
                    eprintln!("bench: flood {d}/{cycles}");
                }
                (name, t0, r)
            })
            .buffer_unordered(in_flight)
            .collect::<Vec<_>>();
        // seawall's lines are read while the flood runs (the pipe must not fill).
        collect_while(work, w).await?
    };
    out.wall = start.elapsed();
    let rss = sampler.await.unwrap_or_default();
    out.rss = rss;

    let mut t0s: HashMap<String, Instant> = HashMap::new();
    for (name, t0, r) in results {
        match r {
            Ok(()) => {
                t0s.insert(name, t0);
            }
            Err(e) => {
                out.failed += 1;
                out.first_error.get_or_insert_with(|| format!("{e:#}"));
                // A half-done cycle may have left its container.
                let _ = docker
                    .remove_container(
                        &name,
                        Some(RemoveContainerOptionsBuilder::new().force(true).build()),
                    )
                    .await;
            }
        }
    }
    out.expected = t0s.len();

    // Drain: until every container was seen, or seawall is quiet.
    let drain_start = Instant::now();
    let seen_names = |lines: &[AlertLine]| -> HashSet<String> {
        lines
            .iter()
            .filter(|a| a.rule == "SW-ACT-LAUNCH-001" && t0s.contains_key(&a.container_name))
            .map(|a| a.container_name.clone())
            .collect()
    };
    let mut last_line = Instant::now();
    while seen_names(&lines).len() < out.expected && drain_start.elapsed() < DRAIN_MAX {
        match tokio::time::timeout(Duration::from_millis(200), w.lines.recv()).await {
            Ok(Some(Out::Alert(a))) => {
                last_line = Instant::now();
                if a.container_name.starts_with(FLOOD_PREFIX) {
                    lines.push(a);
                }
            }
            Ok(Some(Out::Unreadable(l))) => bail!("seawall printed a non-JSON line: {l}"),
            Ok(None) => bail!("seawall watch ended during the flood: {}", w.stderr_tail()),
            Err(_) if last_line.elapsed() > DRAIN_QUIET => break,
            Err(_) => {}
        }
    }
    out.drain = drain_start.elapsed();
    raw_task.abort();
    let probes = probe.await.context("the inspect probe task failed")?;
    let raw_create: HashMap<String, Instant> = probes
        .iter()
        .map(|p| (p.name.clone(), p.delivered))
        .collect();
    for p in &probes {
        let Some(t0) = t0s.get(&p.name) else { continue };
        if p.found {
            out.probe_ms
                .push(ms_of(p.inspected.saturating_duration_since(*t0)));
        } else {
            out.probe_gone += 1;
        }
    }
    out.raw_create_ms = t0s
        .iter()
        .filter_map(|(name, t0)| {
            raw_create
                .get(name)
                .map(|at| ms_of(at.saturating_duration_since(*t0)))
        })
        .collect();
    let (rss_after, hwm_after) = mem(pid).context("reading seawall's memory after the flood")?;
    out.rss_after = rss_after;
    out.hwm_after = hwm_after;

    let mut first: HashMap<&str, Instant> = HashMap::new();
    for a in &lines {
        if !t0s.contains_key(&a.container_name) {
            continue;
        }
        if a.rule == "SW-ACT-LAUNCH-001" {
            if a.detail.starts_with("created") {
                out.created_alerts += 1;
            } else if a.detail.starts_with("started") {
                out.started_alerts += 1;
            }
            first.entry(a.container_name.as_str()).or_insert(a.at);
        } else {
            *out.other_rules.entry(a.rule.clone()).or_default() += 1;
        }
    }
    out.seen = first.len();
    out.alert_minus_raw_ms = first
        .iter()
        .filter_map(|(name, at)| {
            let raw = raw_create.get(*name)?;
            Some(
                ms_of(at.saturating_duration_since(*raw))
                    - ms_of(raw.saturating_duration_since(*at)),
            )
        })
        .collect();
    out.alert_ms = first
        .iter()
        .filter_map(|(name, at)| {
            t0s.get(*name)
                .map(|t0| ms_of(at.saturating_duration_since(*t0)))
        })
        .collect();
    let mut lost: Vec<String> = t0s
        .keys()
        .filter(|n| !first.contains_key(n.as_str()))
        .cloned()
        .collect();
    lost.sort();
    out.lost_with_raw = lost.iter().filter(|n| raw_create.contains_key(*n)).count();
    out.lost_names = lost;
    Ok(out)
}

/// One flood cycle: the container's name, when its create call was issued, how it went.
type Cycle = (String, Instant, Result<()>);

/// Extra environment for seawall.
type Env = Vec<(&'static str, String)>;

/// A bare inspect of one container, issued when its raw `create` event arrived.
struct Probe {
    name: String,
    delivered: Instant,
    inspected: Instant,
    found: bool,
}

/// For every `create` event of `raw`, inspect the container at once (pooled hyper client,
/// no limit in flight): the floor for any watcher that must inspect before it can alert.
/// Ends when the subscription's task is aborted.
async fn inspect_on_create(
    socket: String,
    api: String,
    mut raw: mpsc::UnboundedReceiver<RawEvent>,
) -> Vec<Probe> {
    let client = raw_client(true);
    let (client, socket, api) = (&client, socket.as_str(), api.as_str());
    let mut pending = futures_util::stream::FuturesUnordered::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    loop {
        tokio::select! {
            ev = raw.recv() => match ev {
                Some(ev) if seen.insert(ev.name.clone()) => {
                    pending.push(async move {
                        let path = format!("/v{api}/containers/{}/json", ev.name);
                        let found = match get(client, socket, &path).await {
                            Ok(resp) => drain(resp.into_body()).await.is_ok(),
                            Err(_) => false,
                        };
                        Probe { name: ev.name, delivered: ev.at, inspected: Instant::now(), found }
                    });
                }
                Some(_) => {}
                None => break,
            },
            Some(p) = pending.next(), if !pending.is_empty() => out.push(p),
        }
    }
    while let Some(p) = pending.next().await {
        out.push(p);
    }
    out
}

/// Run `work` to the end while collecting seawall's alert lines on flood containers.
async fn collect_while<T>(
    work: impl std::future::Future<Output = T>,
    w: &mut Watcher,
) -> Result<(T, Vec<AlertLine>)> {
    tokio::pin!(work);
    let mut lines = Vec::new();
    loop {
        tokio::select! {
            r = &mut work => return Ok((r, lines)),
            line = w.lines.recv() => match line {
                Some(Out::Alert(a)) => {
                    if a.container_name.starts_with(FLOOD_PREFIX) {
                        lines.push(a);
                    }
                }
                Some(Out::Unreadable(l)) => bail!("seawall printed a non-JSON line: {l}"),
                None => bail!("seawall watch ended during the flood: {}", w.stderr_tail()),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Polling CPU

/// Create / start what is missing of the M-container poll fleet; remove poll containers
/// beyond M.
async fn ensure_poll_fleet(docker: &Docker, m: usize) -> Result<(usize, usize)> {
    let existing = list_role(docker, Some("poll")).await?;
    let mut present: HashMap<usize, bool> = HashMap::new();
    let mut extra = Vec::new();
    for (id, name, running) in existing {
        match name
            .strip_prefix(POLL_PREFIX)
            .and_then(|s| s.parse::<usize>().ok())
        {
            Some(i) if i < m => {
                present.insert(i, running);
            }
            _ => extra.push(id),
        }
    }
    for id in &extra {
        docker
            .remove_container(
                id,
                Some(RemoveContainerOptionsBuilder::new().force(true).build()),
            )
            .await
            .with_context(|| format!("removing surplus poll container {id}"))?;
    }
    let missing: Vec<usize> = (0..m).filter(|i| !present.contains_key(i)).collect();
    let stopped: Vec<usize> = (0..m).filter(|i| present.get(i) == Some(&false)).collect();
    if !missing.is_empty() {
        eprintln!("bench: creating {} poll containers ...", missing.len());
    }
    let created = missing.len();
    let errors: Vec<String> = stream::iter(
        missing
            .into_iter()
            .map(|i| (i, true))
            .chain(stopped.iter().map(|&i| (i, false))),
    )
    .map(|(i, create)| async move {
        let name = format!("{POLL_PREFIX}{i}");
        let r = if create {
            // A day: the fleet is reused across runs and must not end mid-window.
            create_and_start(
                docker,
                &name,
                body("poll", &["sleep", "86400"], HostConfig::default()),
            )
            .await
        } else {
            docker
                .start_container(&name, None)
                .await
                .with_context(|| format!("starting {name}"))
        };
        r.err().map(|e| format!("{e:#}"))
    })
    .buffer_unordered(8)
    .filter_map(|e| async move { e })
    .collect()
    .await;
    if let Some(e) = errors.first() {
        bail!(
            "{} poll containers could not be made ready, first: {e}",
            errors.len()
        );
    }
    Ok((created, extra.len()))
}

/// The daemon's CPU over one window.
#[derive(Debug, Clone, Default)]
struct DaemonCpu {
    wall: Duration,
    parts: HashMap<DaemonPart, Duration>,
}

impl DaemonCpu {
    fn total(&self) -> Duration {
        self.parts.values().sum()
    }
    fn pct(&self) -> f64 {
        pct(self.total(), self.wall)
    }
    fn part_pct(&self, p: DaemonPart) -> f64 {
        pct(self.parts.get(&p).copied().unwrap_or_default(), self.wall)
    }
}

fn pct(cpu: Duration, wall: Duration) -> f64 {
    if wall.is_zero() {
        return f64::NAN;
    }
    cpu.as_secs_f64() / wall.as_secs_f64() * 100.0
}

async fn daemon_window(len: Duration) -> DaemonCpu {
    let before = DaemonSample::take();
    let t = Instant::now();
    tokio::time::sleep(len).await;
    let after = DaemonSample::take();
    DaemonCpu {
        wall: t.elapsed(),
        parts: daemon_delta(&before, &after),
    }
}

/// Wait until the daemon uses less than IDLE_PCT of a core over 2 s, or three 2 s readings
/// in a row agree within IDLE_PCT (hundreds of shims have a floor of their own); the last
/// reading.
async fn wait_idle() -> (f64, Duration) {
    let t = Instant::now();
    let mut last: Vec<f64> = Vec::new();
    loop {
        let pct = daemon_window(Duration::from_secs(2)).await.pct();
        last.push(pct);
        let recent = &last[last.len().saturating_sub(3)..];
        let spread = max(recent) - recent.iter().copied().fold(f64::NAN, f64::min);
        let steady = recent.len() == 3 && spread < IDLE_PCT;
        if pct < IDLE_PCT || steady || t.elapsed() > IDLE_MAX_WAIT {
            return (pct, t.elapsed());
        }
    }
}

/// One seawall configuration's window.
#[derive(Debug, Clone)]
struct SeawallWindow {
    label: String,
    daemon: DaemonCpu,
    seawall_cpu: Duration,
    top_events: usize,
    alerts: usize,
    hwm: u64,
    /// Other `seawall` processes running at the end of the window.
    other_seawalls: usize,
    /// seawall's default configuration (the one the target is about).
    is_default: bool,
}

impl SeawallWindow {
    fn seawall_pct(&self) -> f64 {
        pct(self.seawall_cpu, self.daemon.wall)
    }
}

#[derive(Debug, Clone)]
struct Polling {
    m: usize,
    created: usize,
    idle_pct: f64,
    idle_wait: Duration,
    shims: usize,
    baseline: Vec<DaemonCpu>,
    windows: Vec<SeawallWindow>,
    /// The window at an interval a linear estimate says meets the target.
    suggestion: Option<SeawallWindow>,
    /// The most `seawall` processes besides the bench's own seen when a window started
    /// (another seawall polls the same containers and skews the figures).
    other_seawalls: usize,
}

impl Polling {
    fn baseline_pct(&self) -> f64 {
        let v: Vec<f64> = self.baseline.iter().map(DaemonCpu::pct).collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    }
}

async fn polling(
    docker: &Docker,
    seawall: &Path,
    api: &str,
    m: usize,
    args: &Args,
    largest: bool,
) -> Result<Polling> {
    eprintln!("bench: polling at {m} running containers ...");
    let t = Instant::now();
    let (created, removed) = ensure_poll_fleet(docker, m).await?;
    eprintln!(
        "bench: poll fleet ready in {:.1} s ({created} created, {removed} removed)",
        t.elapsed().as_secs_f64()
    );
    let (idle_pct, idle_wait) = wait_idle().await;
    let sample = DaemonSample::take();
    if !sample.has(DaemonPart::Dockerd) {
        bail!("no dockerd process in /proc: the daemon's CPU cannot be measured from here");
    }
    let len = Duration::from_secs(args.poll_secs);
    let mut p = Polling {
        m,
        created,
        idle_pct,
        idle_wait,
        shims: sample.count(DaemonPart::Shim),
        baseline: Vec::new(),
        windows: Vec::new(),
        suggestion: None,
        other_seawalls: pids_named("seawall").len(),
    };
    eprintln!(
        "bench: {m}: baseline, seawall not running, {} s ...",
        len.as_secs()
    );
    p.baseline.push(daemon_window(len).await);

    let mut configs: Vec<(String, Env, Duration)> = Vec::new();
    if args.default_windows {
        configs.push((
            format!(
                "default (drift + processes every {} s, at most {} reads/min)",
                task::DEFAULT_POLL_SECS,
                task::DEFAULT_POLL_PER_MINUTE
            ),
            vec![],
            DEFAULT_POLL,
        ));
    }
    if args.default_windows && args.split {
        configs.push((
            "drift only (`SEAWALL_WATCH__PROCESSES_SECS=0`)".into(),
            vec![("SEAWALL_WATCH__PROCESSES_SECS", "0".into())],
            DEFAULT_POLL,
        ));
        configs.push((
            "processes only (`SEAWALL_WATCH__DRIFT_SECS=0`)".into(),
            vec![("SEAWALL_WATCH__DRIFT_SECS", "0".into())],
            DEFAULT_POLL,
        ));
    }
    for &secs in &args.intervals {
        configs.push((
            format!("both every {secs} s"),
            both_every(secs),
            Duration::from_secs(secs),
        ));
    }
    for (i, (label, env, interval)) in configs.into_iter().enumerate() {
        eprintln!("bench: {m}: seawall {label} ...");
        let mut w = seawall_window(seawall, api, &label, &env, interval, len).await?;
        w.is_default = args.default_windows && i == 0;
        p.windows.push(w);
    }
    eprintln!("bench: {m}: baseline again ...");
    p.baseline.push(daemon_window(len).await);

    // When the default misses the target at the largest fleet: one more window at the
    // poll budget a linear estimate says meets it (the budget, not the interval, sets the
    // read rate on a large host).
    let above = match (args.default_windows, p.windows.first()) {
        (true, Some(w)) => w.daemon.pct() - p.baseline_pct(),
        _ => 0.0,
    };
    if largest && m >= DAEMON_TARGET_AT && above >= DAEMON_CPU_TARGET_PCT {
        let budget = suggested_budget(above);
        let label = format!("at most {budget} reads/min (suggested)");
        eprintln!("bench: {m}: seawall {label} ...");
        let env = vec![("SEAWALL_WATCH__POLL_PER_MINUTE", budget.to_string())];
        p.suggestion = Some(seawall_window(seawall, api, &label, &env, DEFAULT_POLL, len).await?);
        p.baseline.push(daemon_window(len).await);
    }
    Ok(p)
}

fn both_every(secs: u64) -> Env {
    vec![
        ("SEAWALL_WATCH__DRIFT_SECS", secs.to_string()),
        ("SEAWALL_WATCH__PROCESSES_SECS", secs.to_string()),
    ]
}

/// The poll budget (reads per minute) at which the default's cost above baseline, scaled
/// with the read rate, falls to 80 % of the target.
fn suggested_budget(above_pct: f64) -> u32 {
    let scale = DAEMON_CPU_TARGET_PCT * 0.8 / above_pct;
    ((task::DEFAULT_POLL_PER_MINUTE as f64 * scale).floor() as u32).max(1)
}

async fn seawall_window(
    seawall: &Path,
    api: &str,
    label: &str,
    env: &[(&str, String)],
    interval: Duration,
    min_len: Duration,
) -> Result<SeawallWindow> {
    let socket = socket_path()?;
    let mut w = Watcher::start(seawall, env, LIVE_TIMEOUT)?;
    // Start just before the first round, last a whole number of intervals.
    let rounds = (min_len.as_secs_f64() / interval.as_secs_f64())
        .ceil()
        .max(1.0) as u32;
    let len = interval * rounds;
    let start_at = w.live_at + interval - Duration::from_millis(500);
    tokio::time::sleep_until(tokio::time::Instant::from_std(start_at)).await;
    let filters = serde_json::json!({"type": ["container"], "event": ["top"], "label": [format!("{ROLE_KEY}=poll")]});
    let (mut tops, top_task) = subscribe(&socket, api, filters).await?;

    let before = DaemonSample::take();
    let s0 = cpu_time(w.pid).context("reading seawall's CPU time")?;
    let t = Instant::now();
    let mut alerts = 0;
    let mut top_events = 0;
    let end = tokio::time::Instant::from_std(t + len);
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(end) => break,
            l = w.lines.recv() => match l {
                Some(_) => alerts += 1,
                None => bail!("seawall watch ended during the window: {}", w.stderr_tail()),
            },
            Some(_) = tops.recv() => top_events += 1,
        }
    }
    let others = pids_named("seawall")
        .into_iter()
        .filter(|&p| p != w.pid)
        .count();
    let after = DaemonSample::take();
    let s1 = cpu_time(w.pid).context("reading seawall's CPU time (did it exit?)")?;
    let wall = t.elapsed();
    let (_, hwm) = mem(w.pid).unwrap_or_default();
    top_task.abort();
    let status = w.stop();
    if !status.contains("exit status: 0") {
        eprintln!("bench: seawall watch ended with {status}");
    }
    // Let the last requests finish before the next window.
    tokio::time::sleep(Duration::from_secs(2)).await;
    Ok(SeawallWindow {
        label: label.to_string(),
        daemon: DaemonCpu {
            wall,
            parts: daemon_delta(&before, &after),
        },
        seawall_cpu: s1.saturating_sub(s0),
        top_events,
        alerts,
        hwm,
        other_seawalls: others,
        is_default: false,
    })
}

// ---------------------------------------------------------------------------------------------
// Environment and statistics

fn ms_of(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NAN, f64::max)
}

// ---------------------------------------------------------------------------------------------
// The report

struct Report {
    engine: String,
    api: String,
    nproc: usize,
    seawall: String,
    load: (String, String),
    latency: Option<Latency>,
    flood: Option<Flood>,
    polling: Vec<Polling>,
    suggestion: Option<SeawallWindow>,
    notes: Vec<String>,
}

fn pass(ok: bool) -> &'static str {
    if ok { "PASS" } else { "FAIL" }
}

fn mb(b: u64) -> f64 {
    b as f64 / 1e6
}

impl Report {
    fn render(&self, args: &Args) -> String {
        let mut s = String::new();
        let mut line = |l: String| {
            s.push_str(&l);
            s.push('\n');
        };
        line("## seawall activity benchmark\n".into());
        line(format!(
            "Docker engine {} (API {}), nproc {}, load average {} before / {} after; binary `{}` \
             (`seawall watch --format ndjson`, default config).\n",
            self.engine, self.api, self.nproc, self.load.0, self.load.1, self.seawall
        ));

        if let Some(l) = &self.latency {
            let p = |v: &[f64]| format!("{:.1} / {:.1}", percentile(v, 50.0), percentile(v, 99.0));
            let d99s = percentile(&l.diff_start, 99.0);
            let d99c = percentile(&l.diff_create, 99.0);
            let complete = l.missed_alert == 0 && l.missed_raw == 0;
            line(format!(
                "### Event to alert ({} execs of `sh -c 'true mk<k>x'`, {WARMUP} warm-up not counted)\n",
                l.samples
            ));
            line("| measurement (ms from the API call, T0) | p50 / p99 | target | |".into());
            line("|---|---:|---|:---:|".into());
            line(format!(
                "| raw delivery of `exec_create` to a bare `/events` subscriber | {} ms | reference | |",
                p(&l.raw_create)
            ));
            line(format!(
                "| raw delivery of `exec_start` | {} ms | reference | |",
                p(&l.raw_start)
            ));
            line(format!(
                "| seawall's alert line read from its stdout (max {:.1} ms) | {} ms | | |",
                max(&l.alert),
                p(&l.alert)
            ));
            line(format!(
                "| alert − raw `exec_start`, per sample (max {:.1} ms) | {} ms | p99 < {E2A_DIFF_P99_TARGET_MS} ms | {} |",
                max(&l.diff_start),
                p(&l.diff_start),
                pass(complete && d99s < E2A_DIFF_P99_TARGET_MS)
            ));
            line(format!(
                "| alert − raw `exec_create` (the event seawall acts on), per sample (max {:.1} ms) | {} ms | p99 < {E2A_DIFF_P99_TARGET_MS} ms | {} |",
                max(&l.diff_create),
                p(&l.diff_create),
                pass(complete && d99c < E2A_DIFF_P99_TARGET_MS)
            ));
            line(format!(
                "| samples without an alert / without both raw events (5 s timeout) | {} / {} | 0 | {} |\n",
                l.missed_alert,
                l.missed_raw,
                pass(complete)
            ));
            let mut rules: Vec<String> = l.rules.iter().map(|(r, n)| format!("{n} {r}")).collect();
            rules.sort();
            line(format!(
                "Alert rules: {}; {} other alert(s) on the 4 exec containers. seawall reacts to \
                 `exec_create` and inspects the exec (`/exec/{{id}}/json`) before alerting; the \
                 bench issues create then start, so `exec_start` comes one API call later.\n",
                rules.join(", "),
                l.other_alerts
            ));
        }

        if let Some(f) = &self.flood {
            let lost = f.expected - f.seen.min(f.expected);
            let half = |first: bool| -> u64 {
                f.rss
                    .iter()
                    .filter(|(x, _)| if first { *x <= 0.5 } else { *x > 0.5 })
                    .map(|(_, r)| *r)
                    .max()
                    .unwrap_or(0)
            };
            let (h1, h2) = (half(true), half(false));
            let bounded = h2 as f64 <= h1 as f64 * 1.1 + 1e6;
            line(format!(
                "### Flood ({} cycles of create + start + force-remove, `--cap-add SYS_ADMIN`, {} in flight)\n",
                f.cycles, f.in_flight
            ));
            line("| measurement | result | target | |".into());
            line("|---|---:|---|:---:|".into());
            line(format!(
                "| cycles done (failed) in wall time | {} ({}) in {:.1} s, {:.0} cycles/s | | |",
                f.expected,
                f.failed,
                f.wall.as_secs_f64(),
                f.expected as f64 / f.wall.as_secs_f64()
            ));
            line(format!(
                "| containers with their `SW-ACT-LAUNCH-001` alert | {} / {} | all | {} |",
                f.seen,
                f.expected,
                pass(lost == 0 && f.failed == 0)
            ));
            line(format!(
                "| alerts lost | {lost} | 0 | {} |",
                pass(lost == 0)
            ));
            line(format!(
                "| launch alerts: \"created with\" / \"started with\" | {} / {} | | |",
                f.created_alerts, f.started_alerts
            ));
            line(format!(
                "| first launch alert after the create call, p50 / p99 (max) | {:.1} / {:.1} ms ({:.1}) | | |",
                percentile(&f.alert_ms, 50.0),
                percentile(&f.alert_ms, 99.0),
                max(&f.alert_ms)
            ));
            line(format!(
                "| raw `create` event to a bare `/events` subscriber, after the create call, p50 / p99 | {:.1} / {:.1} ms | reference | |",
                percentile(&f.raw_create_ms, 50.0),
                percentile(&f.raw_create_ms, 99.0)
            ));
            line(format!(
                "| first launch alert − raw `create` delivery, per container, p50 / p99 (max) | {:.1} / {:.1} ms ({:.1}) | | |",
                percentile(&f.alert_minus_raw_ms, 50.0),
                percentile(&f.alert_minus_raw_ms, 99.0),
                max(&f.alert_minus_raw_ms)
            ));
            line(format!(
                "| bare inspect issued on each raw `create` event: answered, after the create call, p50 / p99; found gone | {:.1} / {:.1} ms; {} gone | reference | |",
                percentile(&f.probe_ms, 50.0),
                percentile(&f.probe_ms, 99.0),
                f.probe_gone
            ));
            line(format!(
                "| drain after the last cycle | {:.1} s | | |",
                f.drain.as_secs_f64()
            ));
            line(format!(
                "| seawall peak RSS (VmHWM) before / after the flood | {:.1} / {:.1} MB | | |",
                mb(f.hwm_before),
                mb(f.hwm_after)
            ));
            line(format!(
                "| peak RSS in the 1st / 2nd half of the flood (VmRSS every 250 ms) | {:.1} / {:.1} MB | 2nd ≤ 1st + 10 % | {} |",
                mb(h1),
                mb(h2),
                pass(bounded)
            ));
            line(format!(
                "| RSS after the drain | {:.1} MB | | |\n",
                mb(f.rss_after)
            ));
            let quart: Vec<String> = [0.25, 0.5, 0.75, 1.0]
                .iter()
                .filter_map(|q| {
                    f.rss
                        .iter()
                        .find(|(x, _)| *x >= *q)
                        .map(|(_, r)| format!("{:.1} MB at {:.0} %", mb(*r), q * 100.0))
                })
                .collect();
            let mut other: Vec<String> = f
                .other_rules
                .iter()
                .map(|(r, n)| format!("{n} {r}"))
                .collect();
            other.sort();
            line(format!(
                "RSS during the flood: {}. Other alerts on flood containers: {}.{}{}\n",
                quart.join(", "),
                if other.is_empty() {
                    "none".to_string()
                } else {
                    other.join(", ")
                },
                f.first_error
                    .as_ref()
                    .map(|e| format!(" First failed cycle: {e}."))
                    .unwrap_or_default(),
                if f.lost_names.is_empty() {
                    String::new()
                } else {
                    format!(
                        " Lost (first 10): {}; the raw stream delivered the `create` event of {} \
                         of the {} lost containers.",
                        f.lost_names
                            .iter()
                            .take(10)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", "),
                        f.lost_with_raw,
                        f.lost_names.len()
                    )
                }
            ));
        }

        if !self.polling.is_empty() {
            line(format!(
                "### Drift and process polling CPU ({} s windows, % of one core)\n",
                args.poll_secs
            ));
            line(
                "| running | seawall | daemon (dockerd / containerd / shims) | daemon above baseline | seawall itself | `top` calls | target | |"
                    .into(),
            );
            line("|---:|---|---:|---:|---:|---:|---|:---:|".into());
            for p in &self.polling {
                let base = p.baseline_pct();
                let bl: Vec<String> = p
                    .baseline
                    .iter()
                    .map(|b| format!("{:.2}", b.pct()))
                    .collect();
                line(format!(
                    "| {} | not running (baseline, mean of {}) | {base:.2} % | | | | | |",
                    p.m,
                    bl.join(" / ")
                ));
                for w in p.windows.iter().chain(p.suggestion.iter()) {
                    let above = w.daemon.pct() - base;
                    let (target, verdict) = if w.is_default && p.m >= DAEMON_TARGET_AT {
                        (
                            format!("< {DAEMON_CPU_TARGET_PCT} %"),
                            pass(above < DAEMON_CPU_TARGET_PCT),
                        )
                    } else {
                        (String::new(), "")
                    };
                    line(format!(
                        "| {} | {} | {:.2} % ({:.2} / {:.2} / {:.2}) | **{above:.2} %** | {:.2} % | {} | {target} | {verdict} |",
                        p.m,
                        w.label,
                        w.daemon.pct(),
                        w.daemon.part_pct(DaemonPart::Dockerd),
                        w.daemon.part_pct(DaemonPart::Containerd),
                        w.daemon.part_pct(DaemonPart::Shim),
                        w.seawall_pct(),
                        w.top_events
                    ));
                }
            }
            line(String::new());
            for p in &self.polling {
                let alerts: usize = p.windows.iter().map(|w| w.alerts).sum();
                let hwm = p.windows.iter().map(|w| w.hwm).max().unwrap_or(0);
                let lens: Vec<String> = p
                    .windows
                    .iter()
                    .chain(p.suggestion.iter())
                    .map(|w| format!("{:.0}", w.daemon.wall.as_secs_f64()))
                    .collect();
                line(format!(
                    "{} running: {} created for this run; {} shims; the daemon was idle at {:.2} % \
                     after {:.0} s; seawall windows of {} s; {alerts} alert line(s) \
                     during the windows; seawall's peak RSS {:.1} MB.",
                    p.m,
                    p.created,
                    p.shims,
                    p.idle_pct,
                    p.idle_wait.as_secs_f64(),
                    lens.join(" / "),
                    mb(hwm)
                ));
            }
            line(String::new());
            line(
                "The daemon is dockerd + containerd + every containerd-shim process, each with \
                 its own CPU and that of its ended, waited-for children (for every `/top`, \
                 dockerd runs `ps` and the container's shim runs `runc ps`); a shim that started or ended inside a window is left out. \
                 `top` calls are the `top` events of the poll fleet seen during the window. The \
                 baseline is measured with seawall not running, before and after its windows."
                    .into(),
            );
            line(String::new());
        }
        let others = self
            .polling
            .iter()
            .flat_map(|p| {
                std::iter::once(p.other_seawalls).chain(
                    p.windows
                        .iter()
                        .chain(p.suggestion.iter())
                        .map(|w| w.other_seawalls),
                )
            })
            .max()
            .unwrap_or(0);
        if others > 0 {
            line(format!(
                "Note: up to {others} other `seawall` process(es) ran during the polling windows \
                 (they poll the same containers): the daemon figures include their work."
            ));
        }
        for n in &self.notes {
            line(format!("Note: {n}"));
        }
        s
    }
}
