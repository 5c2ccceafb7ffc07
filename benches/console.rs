//! The console benchmark: `seawall` (the interactive console) against a fleet of N containers.
//!
//! ```text
//! cargo bench --bench console -- [N] [--runs K] [--changes C] [--idle-secs S]
//! scripts/bench-console.sh [N]     # provisioning + release build, table saved to target/bench/console.md
//! ```
//!
//! 1. Builds (or reuses) the scan bench's fleet (`sw-bench-<i>`, labelled `seawall.bench=1`; the
//!    same deterministic specs as benches/scan.rs, at most 20 running). The fleet stays.
//! 2. First full frame: starts the release `seawall` in a detached tmux session (a tmux server of
//!    its own per run) with `SEAWALL_TRACE=<file>`, reads `first_full_frame.ms` (ms since the
//!    console started) from the trace; one warm-up, then K runs, median. Before each run, the raw
//!    API floor as benches/scan.rs measures it (pooled hyper client, 1 list + one inspect per
//!    container, 8 in flight, bodies read not parsed) over the containers the console shows
//!    (the whole daemon: the console has no label filter).
//! 3. Event-to-screen: in the last run, C pause/unpause changes on the running bench containers,
//!    ~150 ms apart; the `event_to_screen` lines written after the first change give p50/p99.
//!    A separate bollard `/events` subscription gives the raw delivery latency for reference.
//! 4. Idle: S seconds with nothing happening; CPU from /proc/<pid>/stat, VmRSS / VmHWM.
//! 5. Render: `seawall::ui::render` of an `AppState` with 1000 containers (built from
//!    tests/fixtures through the public reducer) at 160x48, 200 timed frames after warm-up.
//!
//! Markdown on stdout, progress on stderr. Missed targets are reported, not errors: the exit
//! code is non-zero only when something could not be measured.
//! Environment: `DOCKER_HOST` (unix:// only), `SW_BENCH_SEAWALL` (binary; default
//! target/release/seawall), `SEAWALL_TEST_IMAGE` (as scripts/ensure-docker.sh). Every other
//! `SEAWALL_*` variable is removed from the console's environment.

#[path = "support/raw.rs"]
mod raw;
use raw::*;
#[path = "support/fleet.rs"]
mod fleet;

#[path = "support/env.rs"]
mod env;
#[path = "support/tmux_console.rs"]
mod tmux_console;
use env::*;
use fleet::*;
use tmux_console::{HEIGHT, Launch, TmuxConsole, WIDTH};

use anyhow::{Context, Result, bail};
use bollard::Docker;
use bollard::models::{ContainerInspectResponse, SystemInfo, SystemVersion};
use bollard::query_parameters::EventsOptions;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use http_body_util::BodyExt;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use seawall::app::{AppState, Msg, UiSettings, update};
use seawall::model::{VolumeBacking, convert};
use seawall::theme::Theme;
use seawall::watch::{DataEvent, LinkStatus};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The local test image scripts/ensure-docker.sh builds (`SEAWALL_TEST_IMAGE` overrides, as there).
const IN_FLIGHT: usize = 8;
/// Running bench containers paused / unpaused for the event-to-screen measurement.
const TOGGLED: usize = 10;
const CHANGE_GAP: Duration = Duration::from_millis(150);
const RENDER_ROWS: usize = 1000;
const RENDER_FRAMES: usize = 200;
const FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(90);

// Targets (from the issue).
const RATIO_TARGET: f64 = 1.5;
const E2S_P99_TARGET_MS: f64 = 50.0;
const CPU_TARGET_PCT: f64 = 1.0;
/// 30 MB, decimal (the stricter reading).
const RSS_TARGET_BYTES: u64 = 30_000_000;

struct Args {
    n: usize,
    runs: usize,
    changes: usize,
    idle: Duration,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        n: 500,
        runs: 5,
        changes: 50,
        idle: Duration::from_secs(30),
    };
    let mut it = std::env::args().skip(1);
    let num = |it: &mut std::iter::Skip<std::env::Args>, flag: &str| -> Result<usize> {
        let v = it
            .next()
            .with_context(|| format!("{flag} needs a number"))?;
        let n: usize = v.parse().with_context(|| format!("bad {flag} {v}"))?;
        if n == 0 {
            bail!("{flag} must be at least 1");
        }
        Ok(n)
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--bench" => {}
            "--runs" => args.runs = num(&mut it, "--runs")?,
            "--changes" => args.changes = num(&mut it, "--changes")?,
            "--idle-secs" => args.idle = Duration::from_secs(num(&mut it, "--idle-secs")? as u64),
            "-h" | "--help" => {
                println!(
                    "usage: console [N (default 500)] [--runs K (5)] [--changes C (50)] [--idle-secs S (30)]"
                );
                std::process::exit(0);
            }
            other if !other.starts_with('-') => {
                args.n = other
                    .parse()
                    .with_context(|| format!("N must be a number, not {other}"))?;
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
    let seawall = release_seawall_bin();
    if !seawall.exists() {
        bail!(
            "{} does not exist (build it with `cargo build --release`, or set SW_BENCH_SEAWALL)",
            seawall.display()
        );
    }
    let docker = rt.block_on(async {
        Docker::connect_with_unix(&socket, 300, bollard::API_DEFAULT_VERSION)?
            .negotiate_version()
            .await
    })?;
    let t = Instant::now();
    let fleet = rt.block_on(ensure_fleet(&docker, args.n))?;
    eprintln!(
        "bench: fleet ready in {:.1} s ({} created now, {} running)",
        t.elapsed().as_secs_f64(),
        fleet.created,
        fleet.running
    );
    let (engine, api) = rt.block_on(engine_version(&socket))?;
    let load_before = loadavg();

    // 5. Render first: no Docker, no child process around.
    eprintln!("bench: render of {RENDER_ROWS} rows at {WIDTH}x{HEIGHT} ...");
    let render = render_bench();

    // 1. First full frame vs the floor; one warm-up, then K runs; the last console stays up.
    let mut floors = Vec::new();
    let mut frames = Vec::new();
    let mut rows = 0;
    let mut console = None;
    for run in 0..=args.runs {
        let label = if run == 0 {
            "warm-up".to_string()
        } else {
            format!("{run}/{}", args.runs)
        };
        let floor = rt.block_on(floor_once(&socket, &api))?;
        let c = start_console(&seawall, run)?;
        let (ms, r) = wait_first_frame(&c)?;
        eprintln!(
            "bench: run {label}: floor {:.1} ms ({} containers), first full frame {ms:.1} ms ({r} rows)",
            ms_of(floor.0),
            floor.1
        );
        if run > 0 {
            floors.push(ms_of(floor.0));
            frames.push(ms);
            rows = r;
        }
        if run == args.runs {
            console = Some(c);
        }
        // Other runs: dropping `c` kills its tmux server.
    }
    let console = console.expect("at least one run");
    if rows < args.n {
        bail!("the console showed {rows} rows, the fleet has {}", args.n);
    }

    // 2. Event-to-screen.
    let pid = console.pid()?;
    // The console replays the events of the 2 s before it subscribed; let those pass.
    std::thread::sleep(Duration::from_millis(2500));
    let lines_before = console.trace_lines()?.len();
    eprintln!(
        "bench: {} state changes, {} ms apart ...",
        args.changes,
        CHANGE_GAP.as_millis()
    );
    let raw_events = rt.block_on(state_changes(&docker, args.n, args.changes))?;
    std::thread::sleep(Duration::from_secs(1));
    let lines = console.trace_lines()?;
    let new = &lines[lines_before.min(lines.len())..];
    let mut e2s: Vec<f64> = new
        .iter()
        .filter(|v| v["kind"] == "event_to_screen")
        .filter_map(|v| v["us"].as_f64())
        .map(|us| us / 1000.0)
        .collect();
    let mut render_us: Vec<f64> = lines
        .iter()
        .filter(|v| v["kind"] == "frame")
        .filter(|v| v["rows"].as_u64().unwrap_or(0) as usize >= args.n)
        .filter_map(|v| v["render_us"].as_f64())
        .collect();

    // 3. Idle.
    eprintln!("bench: idle for {} s ...", args.idle.as_secs());
    let cpu0 = proc_cpu(pid).context("reading the console's CPU time")?;
    let t0 = Instant::now();
    let frames_before_idle = lines.len();
    std::thread::sleep(args.idle);
    let cpu1 = proc_cpu(pid).context("reading the console's CPU time (is it still running?)")?;
    let idle_wall = t0.elapsed();
    let (rss, hwm) = proc_mem(pid).context("reading /proc/<pid>/status")?;
    let idle_all = console.trace_lines()?;
    let idle_new = &idle_all[frames_before_idle.min(idle_all.len())..];
    let idle_lines = (
        idle_new.iter().filter(|v| v["kind"] == "frame").count(),
        idle_new
            .iter()
            .filter(|v| v["kind"] == "event_to_screen")
            .count(),
    );
    let threads = proc_threads(pid).unwrap_or(0);
    let log_tail = console.log_tail();
    drop(console);
    let load_after = loadavg();

    let idle_cpu_pct = (cpu1 - cpu0).as_secs_f64() / idle_wall.as_secs_f64() * 100.0;
    let r = Report {
        n: args.n,
        runs: args.runs,
        engine,
        api,
        nproc: std::thread::available_parallelism().map_or(0, |n| n.get()),
        load: (load_before, load_after),
        fleet,
        seawall: seawall.display().to_string(),
        rows,
        floors,
        frames,
        e2s: std::mem::take(&mut e2s),
        changes: args.changes,
        raw_events,
        idle: args.idle,
        idle_cpu_pct,
        idle_cpu: cpu1 - cpu0,
        idle_trace_lines: idle_lines,
        rss,
        hwm,
        threads,
        trace_render_us: std::mem::take(&mut render_us),
        render,
    };
    print!("{}", r.render());
    if !log_tail.is_empty() {
        eprintln!("bench: the console's log (last lines):\n{log_tail}");
    }
    Ok(())
}

fn ms_of(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    if s.len() % 2 == 1 {
        s[m]
    } else {
        (s[m - 1] + s[m]) / 2.0
    }
}

// ---------------------------------------------------------------------------------------------
// The console in tmux

/// The console in tmux against the default daemon.
fn start_console(bin: &Path, run: usize) -> Result<TmuxConsole> {
    TmuxConsole::start(
        bin,
        Launch {
            name: "console",
            work: None,
            args: &[],
            docker_env: true,
            run,
        },
    )
}

/// Wait for `first_full_frame`: (ms, rows).
fn wait_first_frame(c: &TmuxConsole) -> Result<(f64, usize)> {
    let v = c.wait_trace("first_full_frame", FIRST_FRAME_TIMEOUT, |v| {
        v["kind"] == "first_full_frame"
    })?;
    let ms = v["ms"].as_f64().context("first_full_frame without ms")?;
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

fn proc_threads(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/task")).ok()?.count())
}

// ---------------------------------------------------------------------------------------------
// State changes

/// Raw event delivery, for reference: API call issued -> event on our own subscription.
struct RawEvents {
    latencies_ms: Vec<f64>,
    missed: usize,
}

/// `changes` pause/unpause calls on up to TOGGLED running bench containers, CHANGE_GAP apart;
/// every container ends unpaused.
async fn state_changes(docker: &Docker, n: usize, changes: usize) -> Result<RawEvents> {
    let targets: Vec<String> = (0..n)
        .filter(|&i| spec(i).running)
        .take(TOGGLED)
        .map(|i| format!("{NAME_PREFIX}{i}"))
        .collect();
    if targets.is_empty() {
        bail!("no running bench container to pause");
    }
    let mut filters = HashMap::new();
    filters.insert("type".to_string(), vec!["container".to_string()]);
    filters.insert(
        "event".to_string(),
        vec!["pause".to_string(), "unpause".to_string()],
    );
    filters.insert("label".to_string(), vec![LABEL.to_string()]);
    let mut events = docker.events(Some(EventsOptions {
        filters: Some(filters),
        ..Default::default()
    }));
    // The request goes out on the first poll: poll once (nothing arrives yet) so the
    // subscription is in place before the first change.
    let _ = tokio::time::timeout(Duration::from_millis(300), events.next()).await;

    let mut paused = vec![false; targets.len()];
    let mut raw = RawEvents {
        latencies_ms: Vec::new(),
        missed: 0,
    };
    for k in 0..changes {
        let i = k % targets.len();
        let name = &targets[i];
        let t0 = Instant::now();
        if paused[i] {
            docker.unpause_container(name).await
        } else {
            docker.pause_container(name).await
        }
        .with_context(|| format!("pausing / unpausing {name}"))?;
        paused[i] = !paused[i];
        match tokio::time::timeout(Duration::from_secs(2), events.next()).await {
            Ok(Some(Ok(_))) => raw.latencies_ms.push(ms_of(t0.elapsed())),
            _ => raw.missed += 1,
        }
        tokio::time::sleep(CHANGE_GAP.saturating_sub(t0.elapsed())).await;
    }
    for (i, name) in targets.iter().enumerate() {
        if paused[i] {
            docker.unpause_container(name).await?;
            tokio::time::sleep(CHANGE_GAP).await;
        }
    }
    Ok(raw)
}

// ---------------------------------------------------------------------------------------------
// Render at 1000 rows, in-process

struct Render {
    median_ms: f64,
    p99_ms: f64,
    frames: usize,
    rows: usize,
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("fixture JSON")
}

/// Overlay `patch` onto `base`: objects merge, `null` removes a key, the rest replaces.
fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    b.remove(k);
                } else {
                    merge(b.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

fn render_state(rows: usize) -> AppState {
    const ENDPOINT: &str = "unix:///var/run/docker.sock";
    let volumes: HashMap<String, VolumeBacking> = HashMap::new();
    let base = fixture("inspect_default_created.json");
    let running = fixture("inspect_default_running.json");
    let started = chrono::Utc::now() - chrono::Duration::hours(3);
    let containers = (0..rows)
        .map(|i| {
            let mut doc = if i % 4 == 0 {
                running.clone()
            } else {
                base.clone()
            };
            let image = ["nginx:1.25", "postgres:16", "redis:7"][i % 3];
            let mut patch = json!({
                "Id": format!("{i:08x}{}", "0123456789abcdef".repeat(4))[..64].to_string(),
                "Name": format!("/bench-{i}"),
                "Config": {"Image": image},
            });
            if i % 4 == 0 {
                merge(
                    &mut patch,
                    &json!({"State": {"StartedAt": started.to_rfc3339()}}),
                );
            }
            if i % 50 == 13 {
                merge(&mut patch, &json!({"HostConfig": {"Privileged": true}}));
            }
            if i % 5 == 1 {
                merge(
                    &mut patch,
                    &json!({"HostConfig": {"CapAdd": ["NET_ADMIN", "SYS_PTRACE"]}}),
                );
            }
            if i % 40 == 17 {
                merge(&mut patch, &json!({"HostConfig": {"PidMode": "host"}}));
            }
            merge(&mut doc, &patch);
            let inspect: ContainerInspectResponse =
                serde_json::from_value(doc).expect("inspect parses");
            convert::container(&inspect, &volumes)
        })
        .collect();
    let info: SystemInfo = serde_json::from_value(fixture("info_20.10.json")).expect("info");
    let version: SystemVersion =
        serde_json::from_value(fixture("version_20.10.json")).expect("version");
    let host = convert::host(ENDPOINT, false, &info, &version, Some(true));
    let settings = UiSettings {
        page_size: 10,
        key_hints: BTreeMap::new(),
        ..UiSettings::default()
    };
    let mut s = AppState::new(vec![ENDPOINT.to_string()], settings, chrono::Utc::now());
    for event in DataEvent::inventory(0, host, containers) {
        update(&mut s, Msg::Data(event));
    }
    update(
        &mut s,
        Msg::Data(DataEvent::Status {
            host: 0,
            status: LinkStatus::Live,
        }),
    );
    s
}

fn render_bench() -> Render {
    let state = render_state(RENDER_ROWS);
    let theme = Theme::fallback_dark();
    let area = Rect::new(0, 0, WIDTH, HEIGHT);
    let mut buf = Buffer::empty(area);
    for _ in 0..20 {
        buf.reset();
        seawall::ui::render(&state, &theme, area, &mut buf);
    }
    let mut times = Vec::with_capacity(RENDER_FRAMES);
    for _ in 0..RENDER_FRAMES {
        buf.reset();
        let t = Instant::now();
        seawall::ui::render(&state, &theme, area, std::hint::black_box(&mut buf));
        times.push(ms_of(t.elapsed()));
    }
    Render {
        median_ms: median(&times),
        p99_ms: percentile(&times, 99.0),
        frames: RENDER_FRAMES,
        rows: state.containers.len(),
    }
}

// ---------------------------------------------------------------------------------------------
// Environment

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

// ---------------------------------------------------------------------------------------------
// The raw API floor (as benches/scan.rs)

/// One floor run on a fresh client, over every container of the daemon (what the console
/// lists): the list, then every inspect, IN_FLIGHT at a time. (wall, containers).
async fn floor_once(socket: &str, api: &str) -> Result<(Duration, usize)> {
    #[derive(serde::Deserialize)]
    struct Summary {
        #[serde(rename = "Id")]
        id: String,
    }
    let list_path = format!("/v{api}/containers/json?all=1");
    let start = Instant::now();
    let client = raw_client(true);
    let list = get(&client, socket, &list_path)
        .await?
        .into_body()
        .collect()
        .await?
        .to_bytes();
    let ids: Vec<Summary> = serde_json::from_slice(&list).context("parsing the list")?;
    let n = ids.len();
    let client = &client;
    stream::iter(ids)
        .map(|s| async move {
            let path = format!("/v{api}/containers/{}/json", s.id);
            drain(get(client, socket, &path).await?.into_body()).await
        })
        .buffer_unordered(IN_FLIGHT)
        .try_fold(0, |acc, b| async move { Ok(acc + b) })
        .await?;
    Ok((start.elapsed(), n))
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
    rows: usize,
    floors: Vec<f64>,
    frames: Vec<f64>,
    e2s: Vec<f64>,
    changes: usize,
    raw_events: RawEvents,
    idle: Duration,
    idle_cpu_pct: f64,
    idle_cpu: Duration,
    /// (frames, event_to_screen lines) written while idle.
    idle_trace_lines: (usize, usize),
    rss: u64,
    hwm: u64,
    threads: usize,
    trace_render_us: Vec<f64>,
    render: Render,
}

fn pass(ok: bool) -> &'static str {
    if ok { "PASS" } else { "FAIL" }
}

fn list(v: &[f64]) -> String {
    v.iter()
        .map(|x| format!("{x:.0}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Report {
    fn render(&self) -> String {
        let floor = median(&self.floors);
        let frame = median(&self.frames);
        let ratio = frame / floor;
        let p50 = percentile(&self.e2s, 50.0);
        let p99 = percentile(&self.e2s, 99.0);
        let e2s_max = self.e2s.iter().copied().fold(f64::NAN, f64::max);
        let raw50 = percentile(&self.raw_events.latencies_ms, 50.0);
        let raw99 = percentile(&self.raw_events.latencies_ms, 99.0);
        let mb = |b: u64| b as f64 / 1e6;
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        let trace_render = median(&self.trace_render_us) / 1000.0;

        let mut s = String::new();
        let mut line = |l: String| {
            s.push_str(&l);
            s.push('\n');
        };
        line(format!(
            "## seawall console benchmark: {} containers\n",
            self.n
        ));
        line(format!(
            "Docker engine {} (API {}), nproc {}, load average {} before / {} after; binary `{}`; \
             tmux pane {WIDTH}x{HEIGHT}.",
            self.engine, self.api, self.nproc, self.load.0, self.load.1, self.seawall
        ));
        let mix: Vec<String> = self
            .fleet
            .mix
            .iter()
            .map(|(t, c)| format!("{c} {t}"))
            .collect();
        line(format!(
            "Fleet: {} containers labelled `{LABEL}` ({} running; {}). The console showed {} rows \
             (it lists the whole daemon).\n",
            self.n,
            self.fleet.running,
            mix.join(", "),
            self.rows
        ));
        line("| measurement | result | target | |".into());
        line("|---|---:|---|:---:|".into());
        line(format!(
            "| first full frame (median of {}) | {frame:.1} ms | ≤ {RATIO_TARGET}x floor | {} |",
            self.runs,
            pass(ratio <= RATIO_TARGET)
        ));
        line(format!(
            "| API floor: 1 list + {} inspects, {IN_FLIGHT} in flight, keep-alive (median of {}) | {floor:.1} ms | | |",
            self.rows, self.runs
        ));
        line(format!(
            "| first full frame / floor | {ratio:.2}x | ≤ {RATIO_TARGET}x | {} |",
            pass(ratio <= RATIO_TARGET)
        ));
        line(format!(
            "| event-to-screen p50 ({} events / {} changes) | {p50:.1} ms | | |",
            self.e2s.len(),
            self.changes
        ));
        line(format!(
            "| event-to-screen p99 (max {e2s_max:.1} ms) | {p99:.1} ms | < {E2S_P99_TARGET_MS} ms | {} |",
            pass(self.e2s.len() >= self.changes / 2 && p99 < E2S_P99_TARGET_MS)
        ));
        line(format!(
            "| raw event delivery, API call → own `/events` subscription, p50 / p99 (reference; {} missed) | {raw50:.1} / {raw99:.1} ms | | |",
            self.raw_events.missed
        ));
        line(format!(
            "| idle CPU over {} s ({:.0} ms CPU) | {:.2} % of a core | < {CPU_TARGET_PCT} % | {} |",
            self.idle.as_secs(),
            ms_of(self.idle_cpu),
            self.idle_cpu_pct,
            pass(self.idle_cpu_pct < CPU_TARGET_PCT)
        ));
        line(format!(
            "| RSS after idle (VmRSS) | {:.1} MB ({:.1} MiB) | < 30 MB | {} |",
            mb(self.rss),
            mib(self.rss),
            pass(self.rss < RSS_TARGET_BYTES)
        ));
        line(format!(
            "| peak RSS (VmHWM) | {:.1} MB ({:.1} MiB) | (< 30 MB) | {} |",
            mb(self.hwm),
            mib(self.hwm),
            pass(self.hwm < RSS_TARGET_BYTES)
        ));
        line(format!(
            "| render one frame, {} rows, `ui::render` at {WIDTH}x{HEIGHT}, median / p99 of {} | {:.3} / {:.3} ms | | |",
            self.render.rows, self.render.frames, self.render.median_ms, self.render.p99_ms
        ));
        line(format!(
            "| console frame (`term.draw`, trace `render_us`), {} rows, median of {} frames | {trace_render:.3} ms | | |\n",
            self.rows,
            self.trace_render_us.len()
        ));
        line(format!(
            "First full frame per run (ms since the console started): {}; floor per run: {}. \
             One warm-up run (not counted) first. While idle: {} frames drawn and {} events shown \
             (the console watches the whole daemon, so other users' containers count); {} threads. \
             Event-to-screen counts the {} changes plus the final unpauses that leave every \
             container running.",
            list(&self.frames),
            list(&self.floors),
            self.idle_trace_lines.0,
            self.idle_trace_lines.1,
            self.threads,
            self.changes
        ));
        s
    }
}
