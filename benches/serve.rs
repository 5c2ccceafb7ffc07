//! The `seawall serve` benchmark: the release binary serving metrics for a daemon with N
//! containers (default 500).
//!
//! ```text
//! cargo test --bench serve -- [N] [--idle-secs S] [--scrape-secs P]   # the driver in the test profile
//! scripts/bench-serve.sh [N]   # a private dockerd, release build, table in target/bench/serve.md
//! ```
//!
//! 1. Fleet: `sw-bench-serve-<i>` (labelled `seawall.bench.serve=1`, network `none`): every
//!    25th of the first 500 running `sleep`, the rest created; some privileged, with extra
//!    capabilities or a bind of `/tmp`, for a mix of bands. Missing ones are created, the fleet
//!    stays (remove it by the label).
//! 2. Start: `seawall serve -H $DOCKER_HOST --listen 127.0.0.1:<free>`; time until `/metrics`
//!    holds a risk series for every fleet container.
//! 3. Idle: S seconds (default 60) with nothing happening but a scrape every P seconds (default
//!    15, Prometheus's default interval); CPU from /proc/<pid>/stat, VmRSS / VmHWM after.
//!    Also the size of the exposition and the time of one scrape (median of the idle scrapes).
//!
//! Markdown on stdout, progress on stderr. Missed targets (the console's: idle CPU < 1 % of a
//! core, RSS < 30 MB) are reported, not errors. Environment: `DOCKER_HOST` (unix:// only),
//! `SW_BENCH_SEAWALL` (binary; default target/release/seawall), `SEAWALL_TEST_IMAGE`.

#[path = "support/env.rs"]
mod env;
#[path = "support/procstat.rs"]
mod procstat;

use anyhow::{Context, Result, anyhow, bail};
use bollard::Docker;
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, ListContainersOptionsBuilder, StartContainerOptions,
};
use env::*;
use futures_util::stream::{self, StreamExt};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const PREFIX: &str = "sw-bench-serve-";
const LABEL_KEY: &str = "seawall.bench.serve";
const CREATES_IN_FLIGHT: usize = 8;

struct Options {
    n: usize,
    idle: Duration,
    scrape_every: Duration,
}

fn options() -> Result<Options> {
    let mut o = Options {
        n: 500,
        idle: Duration::from_secs(60),
        scrape_every: Duration::from_secs(15),
    };
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(a) = args.next() {
        let mut num = |what: &str| -> Result<u64> {
            args.next()
                .with_context(|| format!("{what} needs a value"))?
                .parse()
                .with_context(|| format!("{what}: not a number"))
        };
        match a.as_str() {
            "--idle-secs" => o.idle = Duration::from_secs(num("--idle-secs")?),
            "--scrape-secs" => o.scrape_every = Duration::from_secs(num("--scrape-secs")?.max(1)),
            n => o.n = n.parse().with_context(|| format!("unknown argument {n}"))?,
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench serve: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The container of index `i`.
fn body(i: usize) -> (ContainerCreateBody, bool) {
    let running = i.is_multiple_of(25) && i < 500;
    let mut host = HostConfig {
        network_mode: Some("none".into()),
        ..Default::default()
    };
    match i % 5 {
        1 if !running => host.privileged = Some(true),
        2 => host.cap_add = Some(vec!["SYS_ADMIN".into(), "NET_ADMIN".into()]),
        3 => host.binds = Some(vec!["/tmp:/data:ro".into()]),
        _ => {}
    }
    let body = ContainerCreateBody {
        image: Some(image()),
        cmd: Some(vec!["sleep".into(), "86400".into()]),
        labels: Some(HashMap::from([(LABEL_KEY.to_string(), "1".to_string())])),
        host_config: Some(host),
        ..Default::default()
    };
    (body, running)
}

async fn ensure_fleet(docker: &Docker, n: usize) -> Result<()> {
    let existing = docker
        .list_containers(Some(
            ListContainersOptionsBuilder::new()
                .all(true)
                .filters(&HashMap::from([("label", vec![LABEL_KEY])]))
                .build(),
        ))
        .await
        .context("listing the fleet")?;
    let have: std::collections::HashSet<String> = existing
        .iter()
        .flat_map(|c| c.names.clone().unwrap_or_default())
        .map(|n| n.trim_start_matches('/').to_string())
        .collect();
    let missing: Vec<usize> = (0..n)
        .filter(|i| !have.contains(&format!("{PREFIX}{i}")))
        .collect();
    eprintln!(
        "bench serve: fleet of {n}: {} present, creating {}",
        n - missing.len(),
        missing.len()
    );
    let results: Vec<Result<()>> = stream::iter(missing)
        .map(|i| async move {
            let name = format!("{PREFIX}{i}");
            let (body, running) = body(i);
            docker
                .create_container(
                    Some(CreateContainerOptionsBuilder::new().name(&name).build()),
                    body,
                )
                .await
                .with_context(|| format!("creating {name}"))?;
            if running {
                docker
                    .start_container(&name, None::<StartContainerOptions>)
                    .await
                    .with_context(|| format!("starting {name}"))?;
            }
            Ok(())
        })
        .buffer_unordered(CREATES_IN_FLIGHT)
        .collect()
        .await;
    results.into_iter().collect()
}

/// `GET path` over HTTP/1.0: the body.
fn http_get(port: u16, path: &str) -> Result<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
    let mut raw = String::new();
    s.read_to_string(&mut raw)?;
    let (head, body) = raw.split_once("\r\n\r\n").ok_or(anyhow!("no header end"))?;
    if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
        bail!("GET {path}: {head}");
    }
    Ok(body.to_string())
}

fn fleet_series(metrics: &str) -> usize {
    metrics
        .lines()
        .filter(|l| {
            l.starts_with("seawall_container_risk_score{")
                && l.contains(&format!("container=\"{PREFIX}"))
        })
        .count()
}

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run() -> Result<()> {
    let o = options()?;
    let socket = socket_path()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let docker = runtime
        .block_on(
            Docker::connect_with_unix(&socket, 300, bollard::API_DEFAULT_VERSION)
                .context("connecting to the daemon")?
                .negotiate_version(),
        )
        .context("negotiating the API version")?;
    runtime.block_on(ensure_fleet(&docker, o.n))?;
    let version = runtime
        .block_on(docker.version())
        .context("reading the daemon's version")?;
    let total = runtime
        .block_on(
            docker.list_containers(Some(ListContainersOptionsBuilder::new().all(true).build())),
        )
        .context("listing every container")?
        .len();

    let bin = release_seawall_bin();
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let start = Instant::now();
    let child = Child(
        Command::new(&bin)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "-H"])
            .arg(format!("unix://{socket}"))
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("sw-bench-no-config"),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?,
    );
    let pid = child.0.id();
    let ready = loop {
        if let Ok(m) = http_get(port, "/metrics")
            && fleet_series(&m) >= o.n
        {
            break start.elapsed();
        }
        if start.elapsed() > Duration::from_secs(120) {
            bail!("the fleet was not in /metrics within 120 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    eprintln!(
        "bench serve: all {} in /metrics after {ready:?}; idle {:?}",
        o.n, o.idle
    );
    // Let the first inventory's allocations settle before the idle window.
    std::thread::sleep(Duration::from_secs(2));

    let cpu0 = procstat::cpu_time(pid).context("reading seawall's CPU time")?;
    let t0 = Instant::now();
    let mut scrapes = Vec::new();
    let mut size = 0;
    while t0.elapsed() < o.idle {
        let s = Instant::now();
        let m = http_get(port, "/metrics")?;
        scrapes.push(s.elapsed().as_secs_f64() * 1000.0);
        size = m.len();
        let next = o.scrape_every.min(o.idle.saturating_sub(t0.elapsed()));
        std::thread::sleep(next);
    }
    let wall = t0.elapsed();
    let cpu1 = procstat::cpu_time(pid).context("reading seawall's CPU time (still running?)")?;
    let (rss, hwm) = procstat::mem(pid).context("reading /proc/<pid>/status")?;
    let cpu_pct = (cpu1 - cpu0).as_secs_f64() / wall.as_secs_f64() * 100.0;
    let mb = |b: u64| b as f64 / 1e6;
    let ok = |met: bool| if met { "met" } else { "**not met**" };

    println!(
        "## `seawall serve`, {} fleet containers ({} on the daemon)\n",
        o.n, total
    );
    println!(
        "Docker engine {} (API {}), load average {}; binary `{}`; idle {:.0} s with a scrape \
         every {} s.\n",
        version.version.unwrap_or_default(),
        version.api_version.unwrap_or_default(),
        procstat::loadavg(),
        bin.display(),
        wall.as_secs_f64(),
        o.scrape_every.as_secs()
    );
    println!("| measurement | result | target | |");
    println!("|---|---:|---|---|");
    println!(
        "| start to every fleet container in /metrics | {:.1} ms | | |",
        ready.as_secs_f64() * 1000.0
    );
    println!(
        "| idle CPU (scrapes included) | {cpu_pct:.2} % of a core | < 1 % | {} |",
        ok(cpu_pct < 1.0)
    );
    println!(
        "| RSS after idle (VmRSS) | {:.1} MB | < 30 MB | {} |",
        mb(rss),
        ok(mb(rss) < 30.0)
    );
    println!(
        "| peak RSS (VmHWM) | {:.1} MB | (< 30 MB) | {} |",
        mb(hwm),
        ok(mb(hwm) < 30.0)
    );
    println!(
        "| one scrape of /metrics, median | {:.2} ms ({} scrapes) | | |",
        percentile(&scrapes, 50.0),
        scrapes.len()
    );
    println!("| exposition size | {:.0} KB | | |", size as f64 / 1e3);
    Ok(())
}
