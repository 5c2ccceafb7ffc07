//! Inspect and list parsing, old path vs lean path, without a daemon.
//!
//! ```text
//! cargo bench --bench parse -- [N] [--rounds R] [--only lean|old]
//! ```
//!
//! `--only` runs one inspect path many times and prints nothing else (for a profiler).
//!
//! N inspect documents (default 500: the `tests/fixtures/inspect_*.json` captures, cycled)
//! are parsed R times (default 30, after one warm-up round) by each path, keeping every
//! round's facts alive until the round ends, as a scan does:
//!
//! - `bollard + convert`: the path before the lean parser: `serde_json::from_slice` into
//!   bollard's full `ContainerInspectResponse`, then the old conversion (the reference copy
//!   in `src/model/convert/legacy_bollard.rs`).
//! - `bollard parse only`: the first half of that, to show where its time goes.
//! - `lean`: `convert::container_from_slice`, bytes straight into the model.
//! - `JSON scan only (floor)`: `serde_json::from_slice::<IgnoredAny>`, which reads and
//!   validates the document and builds nothing: no parser into any type can beat it.
//! - `compat container_owned`: bollard's type in, re-encoded and parsed lean (what a caller
//!   that still receives bollard's type pays until it is wired to the raw bytes).
//!
//! and a list of N entries (`tests/fixtures/list_lean.json`, cycled) by bollard's
//! `Vec<ContainerSummary>` and by `convert::summaries_from_slice`.
//!
//! Printed per path: median time per document, allocations and bytes allocated per document
//! (a counting global allocator), and the peak of live heap during a round above what was
//! live before it (the transient cost plus the kept results).

use bollard::models::ContainerInspectResponse;
use seawall::model::VolumeBacking;
use seawall::model::convert::{self, container_from_slice, summaries_from_slice};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// The bollard-based conversion the lean parser replaced (also the equality tests' reference).
mod legacy {
    use bollard::models::{ContainerInspectResponse, ContainerStateStatusEnum, HealthStatusEnum};
    use seawall::model::*;
    use seawall::redact::{redact_argv, redact_env_entry, redact_labels};
    use seawall::risk::confinement::normalize_cap;
    use std::collections::{BTreeMap, HashMap};

    include!("../src/model/convert/legacy_bollard.rs");
}

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    ALLOCS.fetch_add(1, Relaxed);
    BYTES.fetch_add(size, Relaxed);
    let live = LIVE.fetch_add(size, Relaxed) + size;
    PEAK.fetch_max(live, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Relaxed);
        grew(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

struct Figures {
    ns_per_doc: f64,
    allocs_per_doc: f64,
    bytes_per_doc: f64,
    peak_kib: f64,
}

/// The samples of one path, one round at a time (rounds of all paths are interleaved, so a
/// change in load on a shared machine hits every path alike).
#[derive(Default)]
struct Samples {
    times: Vec<f64>,
    allocs: usize,
    bytes: usize,
    peak: usize,
}

impl Samples {
    /// One round: `round` parses all `n` documents and returns what it keeps; what it keeps
    /// is dropped after the clock stops.
    fn round<T>(&mut self, n: usize, round: &mut impl FnMut() -> Vec<T>) {
        let before_live = LIVE.load(Relaxed);
        PEAK.store(before_live, Relaxed);
        let (a0, b0) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
        let start = Instant::now();
        let kept = black_box(round());
        self.times.push(start.elapsed().as_nanos() as f64);
        self.allocs += ALLOCS.load(Relaxed) - a0;
        self.bytes += BYTES.load(Relaxed) - b0;
        self.peak = self.peak.max(PEAK.load(Relaxed) - before_live);
        assert_eq!(kept.len(), n);
        drop(kept);
    }

    fn figures(mut self, n: usize) -> Figures {
        self.times.sort_by(f64::total_cmp);
        let docs = (n * self.times.len()) as f64;
        Figures {
            ns_per_doc: self.times[self.times.len() / 2] / n as f64,
            allocs_per_doc: self.allocs as f64 / docs,
            bytes_per_doc: self.bytes as f64 / docs,
            peak_kib: self.peak as f64 / 1024.0,
        }
    }
}

fn row(name: &str, f: &Figures, base: Option<&Figures>) {
    let speedup = base.map_or(String::from("1.00x"), |b| {
        format!("{:.2}x", b.ns_per_doc / f.ns_per_doc)
    });
    println!(
        "| {name:<26} | {:>8.2} | {:>6} | {:>9.0} | {:>11.0} | {:>9.0} |",
        f.ns_per_doc / 1000.0,
        speedup,
        f.allocs_per_doc,
        f.bytes_per_doc,
        f.peak_kib
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .iter()
        .find(|a| a.chars().all(|c| c.is_ascii_digit()))
        .and_then(|a| a.parse().ok())
        .unwrap_or(500);
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(30);

    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut fixtures: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f.starts_with("inspect_") && f.ends_with(".json"))
        .map(|f| {
            // Compact, as the daemon sends it.
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.join(&f)).unwrap()).unwrap();
            (f, serde_json::to_vec(&v).unwrap())
        })
        .collect();
    fixtures.sort();
    let docs: Vec<&[u8]> = (0..n)
        .map(|i| fixtures[i % fixtures.len()].1.as_slice())
        .collect();
    let avg_len = docs.iter().map(|d| d.len()).sum::<usize>() / n.max(1);
    let volumes: HashMap<String, VolumeBacking> = HashMap::new();

    // The same facts from both paths, before timing anything.
    for (name, bytes) in &fixtures {
        let full: ContainerInspectResponse = serde_json::from_slice(bytes).unwrap();
        let lean = container_from_slice(bytes, &volumes).unwrap();
        assert_eq!(lean, legacy::container_owned(full, &volumes), "{name}");
    }

    if let Some(only) = only {
        for _ in 0..rounds * 10 {
            let kept: Vec<_> = match only.as_str() {
                "lean" => docs
                    .iter()
                    .map(|d| container_from_slice(d, &volumes).unwrap())
                    .collect(),
                _ => docs
                    .iter()
                    .map(|d| {
                        let full: ContainerInspectResponse = serde_json::from_slice(d).unwrap();
                        legacy::container_owned(full, &volumes)
                    })
                    .collect(),
            };
            black_box(kept);
        }
        return;
    }
    let mut old = || -> Vec<_> {
        docs.iter()
            .map(|d| {
                let full: ContainerInspectResponse = serde_json::from_slice(d).unwrap();
                legacy::container_owned(full, &volumes)
            })
            .collect()
    };
    let mut parse_only = || -> Vec<_> {
        docs.iter()
            .map(|d| serde_json::from_slice::<ContainerInspectResponse>(d).unwrap())
            .collect()
    };
    let mut lean = || -> Vec<_> {
        docs.iter()
            .map(|d| container_from_slice(d, &volumes).unwrap())
            .collect()
    };
    let mut floor = || -> Vec<_> {
        docs.iter()
            .map(|d| serde_json::from_slice::<serde::de::IgnoredAny>(d).unwrap())
            .collect()
    };
    let mut compat = || -> Vec<_> {
        docs.iter()
            .map(|d| {
                let full: ContainerInspectResponse = serde_json::from_slice(d).unwrap();
                convert::container_owned(full, &volumes)
            })
            .collect()
    };

    // A list of n entries from the captured one, ids made unique.
    let list: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(dir.join("list_lean.json")).unwrap()).unwrap();
    let entries: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut e = list[i % list.len()].clone();
            e["Id"] = format!("{i:064x}").into();
            e
        })
        .collect();
    let list_bytes = serde_json::to_vec(&entries).unwrap();
    let mut list_old = || {
        vec![serde_json::from_slice::<Vec<bollard::models::ContainerSummary>>(&list_bytes).unwrap()]
    };
    let mut list_lean = || vec![summaries_from_slice(&list_bytes).unwrap()];

    let mut s: [Samples; 7] = Default::default();
    // One warm-up round of everything, then the measured rounds, interleaved.
    for r in 0..=rounds {
        let mut t: [Samples; 7] = Default::default();
        t[0].round(n, &mut old);
        t[1].round(n, &mut parse_only);
        t[2].round(n, &mut lean);
        t[3].round(n, &mut floor);
        t[4].round(n, &mut compat);
        t[5].round(1, &mut list_old);
        t[6].round(1, &mut list_lean);
        if r > 0 {
            for (acc, one) in s.iter_mut().zip(t) {
                acc.times.extend(one.times);
                acc.allocs += one.allocs;
                acc.bytes += one.bytes;
                acc.peak = acc.peak.max(one.peak);
            }
        }
    }
    let mut figures = s
        .into_iter()
        .enumerate()
        .map(|(i, x)| x.figures(if i < 5 { n } else { 1 }));
    let mut next = || figures.next().expect("seven paths");
    let (old, parse_only, lean, floor, compat) = (next(), next(), next(), next(), next());
    let (list_old, list_lean) = (next(), next());

    println!(
        "\n### Inspect parsing: {n} documents ({} fixtures cycled, {avg_len} bytes each on average), \
         median of {rounds} interleaved rounds\n",
        fixtures.len()
    );
    println!(
        "| path                       | µs / doc | faster | allocs/doc | bytes alloc/doc | peak KiB |"
    );
    println!(
        "|----------------------------|---------:|-------:|-----------:|----------------:|---------:|"
    );
    row("bollard + convert (old)", &old, None);
    row("bollard parse only", &parse_only, Some(&old));
    row("lean (container_from_slice)", &lean, Some(&old));
    row("JSON scan only (floor)", &floor, Some(&old));
    row("compat container_owned", &compat, Some(&old));
    println!(
        "\n### List parsing: one list of {n} entries ({} bytes), median of {rounds} interleaved rounds\n",
        list_bytes.len()
    );
    println!(
        "| path                       | µs / list | faster | allocs/list | bytes alloc/list | peak KiB |"
    );
    println!(
        "|----------------------------|----------:|-------:|------------:|-----------------:|---------:|"
    );
    row("bollard Vec<ContainerSummary>", &list_old, None);
    row("lean (summaries_from_slice)", &list_lean, Some(&list_old));
}
