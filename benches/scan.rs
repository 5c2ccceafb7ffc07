//! The scan benchmark: how close `seawall scan` comes to the Docker API's own floor.
//!
//! ```text
//! cargo bench --bench scan -- [N] [--runs K] [--cleanup] [--keep-going]
//! scripts/bench.sh [N]            # the same, plus provisioning, and the table saved to target/bench/scan.md
//! ```
//!
//! 1. Builds (or reuses) a fleet of N containers named `sw-bench-<i>`, labelled
//!    `seawall.bench=1`: mostly created-only busybox containers with a realistic mix of
//!    options (binds, named volumes, capabilities, secrets in env, loopback ports, a few
//!    privileged / host-namespace ones), and at most 20 running `sleep`.
//! 2. Measures the raw API floor: one `GET /containers/json?all=1` (same label filter as the
//!    scan) plus N `GET /containers/{id}/json`, 8 in flight over pooled keep-alive
//!    connections (hyper-util's legacy client + hyperlocal), every body read to the end but
//!    not parsed. Fresh client per run (a scan starts cold too), one warm-up, median of K.
//! 3. Runs `seawall scan --format json` K times (plus a warm-up that checks the report holds
//!    N containers): wall time from spawn to exit and the child's peak RSS (`wait4`).
//! 4. Runs `--format sarif` and `--format html` once each.
//! 5. Prints markdown tables to stdout (progress goes to stderr). A missed target is reported,
//!    not an error: the exit code is non-zero only when something could not be measured.
//!
//! `--cleanup` removes the fleet (and its volumes) and exits.
//! Environment: `DOCKER_HOST` (must be `unix://`), `SEAWALL_BIN` (binary to measure; default:
//! the crate's own `seawall` built by cargo for this bench).

use anyhow::{Context, Result, anyhow, bail};
use bollard::Docker;
use bollard::models::{ContainerCreateBody, HostConfig, PortBinding, VolumeCreateRequest};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, ListContainersOptions, RemoveContainerOptionsBuilder,
    RemoveVolumeOptions,
};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use hyperlocal::UnixConnector;
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const IMAGE: &str = "seawall-test/busybox:latest";
const LABEL_KEY: &str = "seawall.bench";
const LABEL: &str = "seawall.bench=1";
const NAME_PREFIX: &str = "sw-bench-";
const VOLUMES: usize = 4;
const MAX_RUNNING: usize = 20;
const IN_FLIGHT: usize = 8;
const RATIO_TARGET: f64 = 1.5;
/// 25 MB, decimal (the stricter reading of the target).
const RSS_TARGET_BYTES: u64 = 25_000_000;

struct Args {
    n: usize,
    runs: usize,
    cleanup: bool,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        n: 500,
        runs: 5,
        cleanup: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "--cleanup" => args.cleanup = true,
            "--runs" => {
                let v = it.next().context("--runs needs a number")?;
                args.runs = v.parse().with_context(|| format!("bad --runs {v}"))?;
                if args.runs == 0 {
                    bail!("--runs must be at least 1");
                }
            }
            "-h" | "--help" => {
                println!("usage: scan [N (default 500)] [--runs K (default 5)] [--cleanup]");
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
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<()> {
    let args = parse_args()?;
    let socket = socket_path()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    let docker = rt.block_on(async {
        Docker::connect_with_unix(&socket, 300, bollard::API_DEFAULT_VERSION)?
            .negotiate_version()
            .await
    })?;
    if args.cleanup {
        let (c, v) = rt.block_on(cleanup(&docker))?;
        eprintln!("bench: removed {c} containers and {v} volumes");
        return Ok(());
    }

    let seawall = seawall_bin();
    if !seawall.exists() {
        bail!(
            "{} does not exist (build it with `cargo build --release`, or set SEAWALL_BIN)",
            seawall.display()
        );
    }
    let out_dir = target_dir().join("bench");
    std::fs::create_dir_all(&out_dir)?;

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
    let load_before = loadavg();

    // The floor, on a current-thread runtime (the least CPU taken from the daemon) and, for
    // comparison, on a multi-thread runtime like seawall's.
    eprintln!("bench: API floor, current-thread runtime ...");
    let floor = measure_floor(&rt, &socket, &api, args.n, args.runs)?;
    let mt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    eprintln!("bench: API floor, multi-thread runtime ...");
    let floor_mt = measure_floor(&mt, &socket, &api, args.n, args.runs)?;
    drop(mt);

    let host = format!("unix://{socket}");
    let scan = |format: &str, out: &Path| -> Result<ChildRun> {
        run_child(
            Command::new(&seawall)
                .args(["-H", &host, "scan", "--format", format])
                .args(["--label", LABEL, "--concurrency", &IN_FLIGHT.to_string()]),
            out,
            &out_dir.join("scan-stderr.txt"),
        )
    };

    eprintln!("bench: seawall scan --format json (warm-up + {} runs) ...", args.runs);
    let json_out = out_dir.join("scan-out.json");
    scan("json", &json_out)?;
    let reported = count_reported(&json_out)?;
    if reported != args.n {
        bail!(
            "seawall reported {reported} containers, the fleet has {}",
            args.n
        );
    }
    let mut json_runs = Vec::new();
    for _ in 0..args.runs {
        json_runs.push(scan("json", &json_out)?);
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
        floor,
        floor_mt,
        json_runs,
        sarif,
        html,
    };
    print!("{}", report.render());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Environment

fn socket_path() -> Result<String> {
    match std::env::var("DOCKER_HOST") {
        Ok(h) if !h.is_empty() => h
            .strip_prefix("unix://")
            .map(str::to_string)
            .ok_or_else(|| anyhow!("DOCKER_HOST={h}: the bench needs a unix:// socket")),
        _ => Ok("/var/run/docker.sock".to_string()),
    }
}

fn seawall_bin() -> PathBuf {
    std::env::var_os("SEAWALL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_seawall")))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

// ---------------------------------------------------------------------------------------------
// The fleet

#[derive(Debug, Default)]
struct Fleet {
    created: usize,
    running: usize,
    mix: Vec<(&'static str, usize)>,
}

/// The options of container `i`. Deterministic, so a reused fleet is the same fleet.
struct Spec {
    name: String,
    running: bool,
    traits: Vec<&'static str>,
    body: ContainerCreateBody,
}

fn spec(i: usize) -> Spec {
    let running = i % 25 == 0 && i / 25 < MAX_RUNNING;
    let mut traits = Vec::new();
    let mut labels = HashMap::from([
        (LABEL_KEY.to_string(), "1".to_string()),
        ("com.example.team".to_string(), ["web", "data", "ops"][i % 3].to_string()),
    ]);
    if i % 2 == 0 {
        labels.insert("com.example.tier".into(), "backend".into());
    }
    let mut env = vec![format!("INSTANCE={i}"), "APP_ENV=production".to_string()];
    let mut host = HostConfig::default();
    let mut binds = Vec::new();
    let mut exposed = Vec::new();
    let mut user = None;

    if i % 3 == 0 {
        traits.push("secret env");
        env.push(format!("DB_PASSWORD=bench-secret-{i}"));
        env.push("API_TOKEN=0123456789abcdef".into());
    }
    if i % 7 == 0 {
        traits.push("host bind");
        binds.push("/tmp:/data:ro".to_string());
        binds.push("/etc/hostname:/etc/host-name:ro".to_string());
    }
    if i % 11 == 3 {
        traits.push("named volume");
        binds.push(format!("{NAME_PREFIX}vol-{}:/var/lib/app", i % VOLUMES));
        user = Some("1000:1000".to_string());
    }
    if i % 4 == 2 || running {
        traits.push("loopback port");
        exposed.push("8080/tcp".to_string());
        host.port_bindings = Some(HashMap::from([(
            "8080/tcp".to_string(),
            Some(vec![PortBinding {
                host_ip: Some("127.0.0.1".into()),
                host_port: Some(String::new()),
            }]),
        )]));
    }
    if !running {
        if i % 5 == 1 {
            traits.push("added caps");
            host.cap_add = Some(vec!["NET_ADMIN".into(), "SYS_PTRACE".into()]);
        }
        if i % 6 == 5 {
            traits.push("hardened");
            host.cap_drop = Some(vec!["ALL".into()]);
            host.readonly_rootfs = Some(true);
            host.security_opt = Some(vec!["no-new-privileges:true".into()]);
            host.memory = Some(64 * 1024 * 1024);
            host.pids_limit = Some(100);
            user = Some("65534:65534".to_string());
        }
        if i % 50 == 13 {
            // Created only: this VM cannot start privileged containers.
            traits.push("privileged");
            host.privileged = Some(true);
        }
        if i % 40 == 17 {
            traits.push("host pid");
            host.pid_mode = Some("host".into());
        }
        if i % 60 == 19 {
            traits.push("host network");
            host.network_mode = Some("host".into());
            exposed.clear();
            host.port_bindings = None;
        }
        if i % 45 == 4 {
            traits.push("docker.sock");
            binds.push("/var/run/docker.sock:/var/run/docker.sock".into());
        }
        if i % 30 == 8 {
            traits.push("seccomp unconfined");
            host.security_opt = Some(vec!["seccomp=unconfined".into()]);
        }
    } else {
        traits.push("running");
        host.restart_policy = Some(bollard::models::RestartPolicy {
            name: Some(bollard::models::RestartPolicyNameEnum::UNLESS_STOPPED),
            maximum_retry_count: None,
        });
    }
    if !binds.is_empty() {
        host.binds = Some(binds);
    }
    let cmd = if running {
        vec!["sleep".to_string(), "86400".to_string()]
    } else {
        vec!["sh".to_string(), "-c".to_string(), "echo hello".to_string()]
    };
    Spec {
        name: format!("{NAME_PREFIX}{i}"),
        running,
        traits,
        body: ContainerCreateBody {
            image: Some(IMAGE.to_string()),
            cmd: Some(cmd),
            env: Some(env),
            user,
            labels: Some(labels),
            exposed_ports: (!exposed.is_empty()).then_some(exposed),
            host_config: Some(host),
            ..Default::default()
        },
    }
}

fn label_filter() -> HashMap<String, Vec<String>> {
    HashMap::from([("label".to_string(), vec![LABEL.to_string()])])
}

/// Create whatever is missing of the N-container fleet, remove bench containers beyond N,
/// start the running ones that are stopped.
async fn ensure_fleet(docker: &Docker, n: usize) -> Result<Fleet> {
    docker.inspect_image(IMAGE).await.with_context(|| {
        format!("the image {IMAGE} is missing (run scripts/ensure-docker.sh; never pulled)")
    })?;
    for v in 0..VOLUMES {
        docker
            .create_volume(VolumeCreateRequest {
                name: Some(format!("{NAME_PREFIX}vol-{v}")),
                labels: Some(HashMap::from([(LABEL_KEY.to_string(), "1".to_string())])),
                ..Default::default()
            })
            .await
            .context("creating a bench volume")?;
    }

    let existing = docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(label_filter()),
            ..Default::default()
        }))
        .await
        .context("listing the bench containers")?;
    // index -> running?
    let mut present: HashMap<usize, bool> = HashMap::new();
    let mut extra = Vec::new();
    for c in existing {
        let name = c
            .names
            .iter()
            .flatten()
            .next()
            .map(|s| s.trim_start_matches('/').to_string())
            .unwrap_or_default();
        let idx = name
            .strip_prefix(NAME_PREFIX)
            .and_then(|s| s.parse::<usize>().ok());
        let running = c.state.map(|s| s.to_string()) == Some("running".to_string());
        match idx {
            Some(i) if i < n => {
                present.insert(i, running);
            }
            _ => extra.push(c.id.unwrap_or(name)),
        }
    }
    if !extra.is_empty() {
        eprintln!("bench: removing {} bench containers beyond N={n}", extra.len());
        stream::iter(extra)
            .map(|id| async move {
                docker
                    .remove_container(
                        &id,
                        Some(RemoveContainerOptionsBuilder::new().force(true).build()),
                    )
                    .await
            })
            .buffer_unordered(16)
            .try_collect::<Vec<_>>()
            .await
            .context("removing surplus bench containers")?;
    }

    let missing: Vec<usize> = (0..n).filter(|i| !present.contains_key(i)).collect();
    if !missing.is_empty() {
        eprintln!("bench: creating {} containers ...", missing.len());
    }
    let created = missing.len();
    stream::iter(missing)
        .map(|i| async move {
            let s = spec(i);
            docker
                .create_container(
                    Some(CreateContainerOptionsBuilder::new().name(&s.name).build()),
                    s.body,
                )
                .await
                .with_context(|| format!("creating {}", s.name))
        })
        .buffer_unordered(16)
        .try_collect::<Vec<_>>()
        .await?;

    let to_start: Vec<usize> = (0..n)
        .filter(|&i| spec(i).running && present.get(&i) != Some(&true))
        .collect();
    let running = (0..n).filter(|&i| spec(i).running).count();
    stream::iter(to_start)
        .map(|i| async move {
            let name = format!("{NAME_PREFIX}{i}");
            docker
                .start_container(&name, None)
                .await
                .with_context(|| format!("starting {name}"))
        })
        .buffer_unordered(4)
        .try_collect::<Vec<_>>()
        .await?;

    let mut mix: HashMap<&'static str, usize> = HashMap::new();
    for i in 0..n {
        for t in spec(i).traits {
            *mix.entry(t).or_default() += 1;
        }
    }
    let mut mix: Vec<_> = mix.into_iter().collect();
    mix.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    Ok(Fleet {
        created,
        running,
        mix,
    })
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
    let n = ids.len();
    stream::iter(ids)
        .map(|id| async move {
            docker
                .remove_container(
                    &id,
                    Some(RemoveContainerOptionsBuilder::new().force(true).build()),
                )
                .await
        })
        .buffer_unordered(16)
        .try_collect::<Vec<_>>()
        .await
        .context("removing bench containers")?;
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
// The raw API floor

type Raw = Client<UnixConnector, Empty<Bytes>>;

async fn get(client: &Raw, socket: &str, path: &str) -> Result<hyper::Response<hyper::body::Incoming>> {
    let uri: hyper::Uri = hyperlocal::Uri::new(socket, path).into();
    let resp = client
        .get(uri)
        .await
        .with_context(|| format!("GET {path}"))?;
    if !resp.status().is_success() {
        bail!("GET {path}: HTTP {}", resp.status());
    }
    Ok(resp)
}

/// Read a body to the end without keeping it; returns its length.
async fn drain(mut body: hyper::body::Incoming) -> Result<usize> {
    let mut n = 0;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            n += data.len();
        }
    }
    Ok(n)
}

async fn engine_version(socket: &str) -> Result<(String, String)> {
    let client: Raw = Client::builder(TokioExecutor::new()).build(UnixConnector);
    let body = get(&client, socket, "/version")
        .await?
        .into_body()
        .collect()
        .await?
        .to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&body)?;
    let s = |k: &str| v[k].as_str().unwrap_or("?").to_string();
    Ok((s("Version"), s("ApiVersion")))
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

struct FloorRun {
    time: Duration,
    requests: usize,
    bytes: usize,
}

/// One floor run on a fresh pooled client: the list, then every inspect, IN_FLIGHT at a time.
async fn floor_once(socket: &str, api: &str, n: usize) -> Result<FloorRun> {
    #[derive(serde::Deserialize)]
    struct Summary {
        #[serde(rename = "Id")]
        id: String,
    }
    let filters = percent_encode(&serde_json::to_string(&label_filter())?);
    let list_path = format!("/v{api}/containers/json?all=1&filters={filters}");

    let start = Instant::now();
    // Pooling is on by default (unbounded idle connections per host, 90 s idle timeout).
    let client: Raw = Client::builder(TokioExecutor::new()).build(UnixConnector);
    let list = get(&client, socket, &list_path)
        .await?
        .into_body()
        .collect()
        .await?
        .to_bytes();
    let ids: Vec<Summary> = serde_json::from_slice(&list).context("parsing the list")?;
    if ids.len() != n {
        bail!("the list holds {} bench containers, expected {n}", ids.len());
    }
    let client = &client;
    let bytes: usize = stream::iter(ids)
        .map(|s| async move {
            let path = format!("/v{api}/containers/{}/json", s.id);
            drain(get(client, socket, &path).await?.into_body()).await
        })
        .buffer_unordered(IN_FLIGHT)
        .try_fold(0, |acc, b| async move { Ok(acc + b) })
        .await?;
    Ok(FloorRun {
        time: start.elapsed(),
        requests: n + 1,
        bytes: bytes + list.len(),
    })
}

fn measure_floor(
    rt: &tokio::runtime::Runtime,
    socket: &str,
    api: &str,
    n: usize,
    runs: usize,
) -> Result<Vec<FloorRun>> {
    rt.block_on(floor_once(socket, api, n))?; // warm-up
    (0..runs)
        .map(|_| rt.block_on(floor_once(socket, api, n)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// seawall as a child process

struct ChildRun {
    time: Duration,
    /// Peak resident set size, bytes.
    max_rss: u64,
    output_bytes: u64,
}

/// Spawn `cmd` with stdout to `out`, wait for it with `wait4` and return its wall time and
/// peak RSS. A non-zero exit is an error (with the child's stderr).
fn run_child(cmd: &mut Command, out: &Path, err: &Path) -> Result<ChildRun> {
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
    let time = start.elapsed();
    drop(child);
    if r != pid {
        bail!("wait4: {}", std::io::Error::last_os_error());
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    if !ok {
        let msg = std::fs::read_to_string(err).unwrap_or_default();
        bail!("{cmd:?} failed (wait status {status}): {}", msg.trim());
    }
    Ok(ChildRun {
        time,
        max_rss: usage.ru_maxrss as u64 * 1024,
        output_bytes: std::fs::metadata(out)?.len(),
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
    floor: Vec<FloorRun>,
    floor_mt: Vec<FloorRun>,
    json_runs: Vec<ChildRun>,
    sarif: ChildRun,
    html: ChildRun,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2
    }
}

fn spread(v: &[Duration]) -> String {
    let min = v.iter().min().copied().unwrap_or_default();
    let max = v.iter().max().copied().unwrap_or_default();
    format!("{:.1}–{:.1} ms ({} runs)", ms(min), ms(max), v.len())
}

fn mib(b: u64) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

fn pass(ok: bool) -> &'static str {
    if ok { "PASS" } else { "FAIL" }
}

impl Report {
    fn render(&self) -> String {
        let floor_times: Vec<_> = self.floor.iter().map(|r| r.time).collect();
        let mt_times: Vec<_> = self.floor_mt.iter().map(|r| r.time).collect();
        let scan_times: Vec<_> = self.json_runs.iter().map(|r| r.time).collect();
        let floor = median(floor_times.clone());
        let floor_mt = median(mt_times.clone());
        let scan = median(scan_times.clone());
        let ratio = scan.as_secs_f64() / floor.as_secs_f64();
        let rss = self.json_runs.iter().map(|r| r.max_rss).max().unwrap_or(0);
        let ratio_ok = ratio <= RATIO_TARGET;
        let rss_ok = rss < RSS_TARGET_BYTES;
        let f0 = &self.floor[0];

        let mut s = String::new();
        let mut line = |l: String| {
            s.push_str(&l);
            s.push('\n');
        };
        line(format!("## seawall scan benchmark: {} containers\n", self.n));
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
            "| N | API floor (median) | `seawall scan --format json` (median) | ratio | peak RSS | ratio ≤ 1.5x | RSS < 25 MB |"
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
        line("| measurement | median | spread | peak RSS | output |".into());
        line("|---|---:|---|---:|---:|".into());
        line(format!(
            "| API floor: 1 list + {} inspects, {IN_FLIGHT} in flight, keep-alive (current-thread runtime) | {:.1} ms | {} | – | {} requests, {:.2} MB read |",
            self.n,
            ms(floor),
            spread(&floor_times),
            f0.requests,
            f0.bytes as f64 / 1e6
        ));
        line(format!(
            "| API floor, multi-thread runtime (for comparison) | {:.1} ms | {} | – | |",
            ms(floor_mt),
            spread(&mt_times)
        ));
        line(format!(
            "| `seawall scan --format json` (process wall time) | {:.1} ms | {} | {:.1} MiB ({:.1} MB) | {:.2} MB |",
            ms(scan),
            spread(&scan_times),
            mib(rss),
            rss as f64 / 1e6,
            self.json_runs[0].output_bytes as f64 / 1e6
        ));
        for (name, r) in [("sarif", &self.sarif), ("html", &self.html)] {
            line(format!(
                "| `seawall scan --format {name}` (1 run) | {:.1} ms | – | {:.1} MiB | {:.2} MB |",
                ms(r.time),
                mib(r.max_rss),
                r.output_bytes as f64 / 1e6
            ));
        }
        line(String::new());
        line(format!(
            "Targets: scan ≤ {RATIO_TARGET}x the floor: {:.2}x {}; peak RSS < 25 MB (25e6 bytes, max over {} runs): {:.1} MB {}.",
            ratio,
            pass(ratio_ok),
            self.runs,
            rss as f64 / 1e6,
            pass(rss_ok)
        ));
        s
    }
}
