//! Writing a large JSON report: seawall's pretty JSON writer against serde_json's, without
//! a daemon.
//!
//! ```text
//! cargo bench --bench report_write -- [N] [--rounds R]
//! ```
//!
//! Builds a report-shaped document of N containers (default 500) with eight findings each,
//! taken round-robin from the real rule catalog (so the strings are the rule texts a scan
//! writes), then writes it R times (default 30, after one warm-up) with each writer into a
//! buffer, and prints the median time, the size, and whether the bytes are identical:
//!
//! - `serde_json + SafeJson`: serde_json's pretty printer through seawall's `SafeJson`
//!   formatter, the writer of reports before it was replaced;
//! - `seawall write_json_pretty`: `seawall::sanitize::write_json_pretty`, the writer of
//!   `seawall scan --format json` and SARIF.

use seawall::risk::Finding;
use serde::Serialize;
use std::time::{Duration, Instant};

#[derive(Serialize)]
struct Doc {
    schema: &'static str,
    hosts: Vec<Host>,
}

#[derive(Serialize)]
struct Host {
    endpoint: &'static str,
    containers: Vec<Container>,
}

#[derive(Serialize)]
struct Container {
    id: String,
    name: String,
    image: &'static str,
    state: &'static str,
    score: u8,
    findings: Vec<Finding>,
}

fn document(n: usize) -> Doc {
    let rules = seawall::risk::catalog::all();
    let containers = (0..n)
        .map(|i| Container {
            id: format!("{i:064x}"),
            name: format!("sw-bench-{i}"),
            image: "seawall-test/busybox:latest",
            state: if i % 25 == 0 { "running" } else { "created" },
            score: (i % 100) as u8,
            findings: (0..8)
                .map(|j| {
                    rules[(i * 8 + j) % rules.len()]
                        .finding(format!("HostConfig.Field{j} = \"value-{i}\" (é, \u{202e})"))
                })
                .collect(),
        })
        .collect();
    Doc {
        schema: "seawall.report/v1",
        hosts: vec![Host {
            endpoint: "unix:///var/run/docker.sock",
            containers,
        }],
    }
}

/// A writer under test: the whole document into a buffer.
type Writer = fn(&Doc) -> Vec<u8>;

fn serde_json_safe(doc: &Doc) -> Vec<u8> {
    let mut out = Vec::new();
    let formatter = seawall::sanitize::SafeJson(serde_json::ser::PrettyFormatter::new());
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    doc.serialize(&mut ser).expect("serializes");
    out
}

fn seawall_writer(doc: &Doc) -> Vec<u8> {
    let mut out = Vec::new();
    seawall::sanitize::write_json_pretty(&mut out, doc).expect("serializes");
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut n = 500;
    let mut rounds = 30;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => rounds = args.next().and_then(|r| r.parse().ok()).unwrap_or(rounds),
            "--bench" => {}
            other => n = other.parse().unwrap_or(n),
        }
    }
    let doc = document(n);
    let writers: [(&str, Writer); 2] = [
        ("serde_json + SafeJson (before)", serde_json_safe),
        ("seawall write_json_pretty", seawall_writer),
    ];
    let reference = serde_json_safe(&doc);
    println!("## Writing a {n}-container JSON report ({rounds} rounds, medians)\n");
    println!("| writer | median | MB/s | bytes | identical to serde_json |");
    println!("|---|---:|---:|---:|:---:|");
    let mut times = vec![Vec::new(); writers.len()];
    for round in 0..=rounds {
        // Interleaved, so that a change in the machine's load hits both alike.
        for (i, (_, write)) in writers.iter().enumerate() {
            let start = Instant::now();
            let out = std::hint::black_box(write(&doc));
            if round > 0 {
                times[i].push(start.elapsed());
            }
            drop(out);
        }
    }
    for ((name, write), t) in writers.iter().zip(times) {
        let out = write(&doc);
        let m = median(t);
        println!(
            "| {name} | {:.2} ms | {:.0} | {} | {} |",
            m.as_secs_f64() * 1e3,
            out.len() as f64 / m.as_secs_f64() / 1e6,
            out.len(),
            if out == reference { "yes" } else { "NO" }
        );
    }
}
