//! Compose scanning and the what-if fix: issue 11's speed targets.
//!
//! ```text
//! cargo bench --bench compose -- [--services N] [--rounds R]
//! ```
//!
//! 1. Compose: a generated file of N services (default 50; a realistic mix: binds, named
//!    volumes with driver options, capabilities, ports, env with secrets, anchors and
//!    `<<` merges, healthchecks, limits) is loaded (read, parse with positions,
//!    interpolate), graded and rendered to JSON, in process, R times (default 50, after a
//!    warm-up); then `seawall scan --compose FILE --format json` is run 10 times (wall time,
//!    process start included). Target: under 50 ms.
//! 2. Fix: with a Docker daemon, one created container (`seawall.bench=1`, removed at the
//!    end) is planned in process R times (connect, `/info` + `/version`, inspect, grade,
//!    plan), then `seawall fix NAME --format json` is run 10 times. Target: under 100 ms.
//!    Without a daemon this part says so and is skipped.
//!
//! Prints a markdown table of medians. A missed target is reported, not an error.

use seawall::compose;
use seawall::docker::{EndpointInputs, Transport, connect, resolve};
use seawall::headless::compose_commands::plan_live;
use seawall::inventory;
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn compose_file(n: usize) -> String {
    let mut s = String::from(
        "x-base: &base\n  restart: unless-stopped\n  logging:\n    driver: json-file\n\nservices:\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "  svc{i}:\n    <<: *base\n    image: registry.example/app{i}:${{TAG:-1.{i}}}\n"
        ));
        match i % 5 {
            0 => s.push_str("    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"),
            1 => s.push_str("    cap_add: [SYS_ADMIN, NET_ADMIN]\n    security_opt:\n      - seccomp=unconfined\n    pid: host\n"),
            2 => s.push_str("    user: \"1000:1000\"\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: [\"no-new-privileges:true\"]\n    deploy:\n      resources:\n        limits:\n          memory: 256M\n          cpus: '0.5'\n          pids: 100\n"),
            3 => s.push_str("    volumes:\n      - type: bind\n        source: /etc\n        target: /host-etc\n        read_only: true\n      - data:/data\n"),
            _ => s.push_str("    network_mode: host\n    devices:\n      - /dev/kmsg:/dev/kmsg\n"),
        }
        s.push_str(&format!(
            "    ports:\n      - \"{p}:80\"\n      - 127.0.0.1:{q}:443\n    environment:\n      API_TOKEN: tok-{i}-secret\n      MODE: ${{MODE:-prod}}\n    healthcheck:\n      test: [CMD, true]\n",
            p = 8000 + i,
            q = 9000 + i
        ));
    }
    s.push_str("\nvolumes:\n  data:\n    driver_opts:\n      type: none\n      o: bind\n      device: /srv/data\n");
    s
}

fn seawall_bin() -> std::path::PathBuf {
    let mut p = std::env::current_exe().expect("bench path");
    p.pop();
    if p.ends_with("deps") {
        p.pop();
    }
    p.join("seawall")
}

fn run_cli(args: &[&str], runs: usize) -> Option<Duration> {
    let bin = seawall_bin();
    if !bin.exists() {
        eprintln!(
            "(no {} binary: build it with `cargo build` to time the CLI)",
            bin.display()
        );
        return None;
    }
    let mut times = Vec::new();
    for _ in 0..runs + 1 {
        let t = Instant::now();
        let out = Command::new(&bin)
            .args(args)
            .output()
            .expect("seawall runs");
        times.push(t.elapsed());
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    times.remove(0);
    Some(median(times))
}

fn main() {
    let mut services = 50;
    let mut rounds = 50;
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--services" => {
                services = args[i + 1].parse().expect("a number");
                i += 1;
            }
            "--rounds" => {
                rounds = args[i + 1].parse().expect("a number");
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("compose.yml");
    std::fs::write(&file, compose_file(services)).expect("write");
    let host = compose::assumed_host();
    let mut times = Vec::new();
    let mut findings = 0;
    for _ in 0..rounds + 1 {
        let t = Instant::now();
        let project = compose::load(&file, None).expect("loads");
        let graded = compose::grade(&project, &host);
        let report = compose::report::ComposeReport::new(vec![compose::report::file_report(
            &project, graded,
        )]);
        let json = compose::report::render_json(&report);
        times.push(t.elapsed());
        findings = report.findings().count();
        std::hint::black_box(json);
    }
    times.remove(0);
    let in_process = median(times);
    let path = file.to_string_lossy().to_string();
    let cli = run_cli(&["scan", "--compose", &path, "--format", "json"], 10);

    println!("| measurement | median | target |");
    println!("|---|---|---|");
    println!(
        "| compose scan, {services} services ({findings} findings), in process: load + grade + JSON | {} | < 50 ms |",
        ms(in_process)
    );
    if let Some(d) = cli {
        println!(
            "| `seawall scan --compose` ({services} services), whole process | {} | < 50 ms |",
            ms(d)
        );
    }

    // The live fix.
    let name = format!("sw-bench-fix-{}", std::process::id());
    let image = std::env::var("SEAWALL_TEST_IMAGE")
        .unwrap_or_else(|_| "seawall-test/busybox:latest".into());
    let created = Command::new("docker")
        .args([
            "create",
            "--name",
            &name,
            "--label",
            "seawall.bench=1",
            "--cap-add",
            "SYS_ADMIN",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
            "-p",
            "8089:80",
            &image,
            "sleep",
            "600",
        ])
        .output();
    match created {
        Ok(out) if out.status.success() => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let ep = resolve(&EndpointInputs::from_env(None, None)).expect("endpoint");
            let mut times = Vec::new();
            let mut predicted = (0, 0);
            for _ in 0..rounds + 1 {
                let t = Instant::now();
                let plan = rt.block_on(async {
                    let docker = connect(&ep, Duration::from_secs(10))
                        .await
                        .expect("connects");
                    let plain = matches!(ep.transport, Transport::Tcp { tls: None, .. });
                    let (h, c) = tokio::join!(
                        inventory::host_facts(&docker, &ep.url, plain),
                        inventory::inspect_one(&docker, &ep.url, &name)
                    );
                    plan_live(
                        &c.expect("inspect").expect("exists"),
                        &h.expect("host facts"),
                    )
                });
                times.push(t.elapsed());
                predicted = (plan.score, plan.predicted_score);
            }
            times.remove(0);
            let cli = run_cli(&["fix", &name, "--format", "json"], 10);
            println!(
                "| fix of a live container (score {} -> {}), in process: connect + read + plan | {} | < 100 ms |",
                predicted.0,
                predicted.1,
                ms(median(times))
            );
            if let Some(d) = cli {
                println!(
                    "| `seawall fix NAME --format json`, whole process | {} | < 100 ms |",
                    ms(d)
                );
            }
            let _ = Command::new("docker").args(["rm", "-f", &name]).output();
        }
        _ => println!("| fix of a live container | skipped: no Docker daemon | < 100 ms |"),
    }
}
