//! The large-label fleet (issue 14 item 5): N containers (default 300) `sw-biglabel-<i>`,
//! labelled `seawall.bench.labels=1`, each with 200 labels of 1 KB, created only. Their
//! list document alone is tens of megabytes; seawall must stay bounded by what it shows.
//!
//! Measured by `cargo bench --bench scan -- --large-labels [N] [--runs K] [--resyncs R]`:
//! - `seawall scan --format json --label seawall.bench.labels=1` (every big container) and
//!   `seawall scan --format json --name sw-biglabel-7` (one container; the list is the whole
//!   daemon's): wall time and peak RSS (GNU time), max over K runs;
//! - `seawall watch` with `SEAWALL_WATCH__RESYNC_SECS=1` for the time of R list-only
//!   resyncs (R x max(1 s, the list's own time)): VmRSS every 250 ms, the peak (VmHWM), the
//!   RSS once the inventory is in, and the RSS after the resyncs (growth = last - first).
//!
//! `--cleanup` removes the big fleet too.

#![allow(dead_code)]

use anyhow::{Context, Result};
use bollard::Docker;
use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{CreateContainerOptionsBuilder, ListContainersOptions};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use std::collections::HashMap;

pub const BIG_LABEL_KEY: &str = "seawall.bench.labels";
pub const BIG_LABEL: &str = "seawall.bench.labels=1";
pub const BIG_PREFIX: &str = "sw-biglabel-";
pub const LABELS_PER_CONTAINER: usize = 200;
pub const LABEL_BYTES: usize = 1024;

pub fn big_filter() -> HashMap<String, Vec<String>> {
    HashMap::from([("label".to_string(), vec![BIG_LABEL.to_string()])])
}

/// The labels of container `i`: the fleet label and 200 labels of 1 KB (distinct values, so
/// nothing can be shared).
fn labels(i: usize) -> HashMap<String, String> {
    let mut l = HashMap::from([(BIG_LABEL_KEY.to_string(), "1".to_string())]);
    for k in 0..LABELS_PER_CONTAINER {
        let stem = format!("{i}-{k}-");
        let value: String = stem.chars().cycle().take(LABEL_BYTES).collect();
        l.insert(format!("com.example.big.label-{k:03}"), value);
    }
    l
}

/// The ids of the big fleet's containers.
pub async fn big_ids(docker: &Docker) -> Result<Vec<(String, String)>> {
    Ok(docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(big_filter()),
            ..Default::default()
        }))
        .await
        .context("listing the large-label fleet")?
        .into_iter()
        .filter_map(|c| {
            let name = c.names?.first()?.trim_start_matches('/').to_string();
            Some((c.id?, name))
        })
        .collect())
}

/// Create whatever is missing of the N-container large-label fleet (created, never started)
/// and remove its containers beyond N. Returns how many were created now.
pub async fn ensure_big_fleet(docker: &Docker, n: usize, image: &str) -> Result<usize> {
    let mut present = std::collections::HashSet::new();
    let mut extra = Vec::new();
    for (id, name) in big_ids(docker).await? {
        match name
            .strip_prefix(BIG_PREFIX)
            .and_then(|s| s.parse::<usize>().ok())
        {
            Some(i) if i < n => {
                present.insert(i);
            }
            _ => extra.push(id),
        }
    }
    if !extra.is_empty() {
        super::fleet::force_remove(docker, extra, "surplus large-label containers").await?;
    }
    let missing: Vec<usize> = (0..n).filter(|i| !present.contains(i)).collect();
    if !missing.is_empty() {
        eprintln!(
            "bench: creating {} containers with {LABELS_PER_CONTAINER} labels of {LABEL_BYTES} bytes ...",
            missing.len()
        );
    }
    let created = missing.len();
    stream::iter(missing)
        .map(|i| async move {
            let name = format!("{BIG_PREFIX}{i}");
            let body = ContainerCreateBody {
                image: Some(image.to_string()),
                cmd: Some(vec!["sh".into(), "-c".into(), "echo hello".into()]),
                labels: Some(labels(i)),
                ..Default::default()
            };
            docker
                .create_container(
                    Some(CreateContainerOptionsBuilder::new().name(&name).build()),
                    body,
                )
                .await
                .with_context(|| format!("creating {name}"))
        })
        .buffer_unordered(8)
        .try_collect::<Vec<_>>()
        .await?;
    Ok(created)
}

/// Remove the large-label fleet; returns how many containers.
pub async fn cleanup_big(docker: &Docker) -> Result<usize> {
    let ids = big_ids(docker)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    super::fleet::force_remove(docker, ids, "large-label containers").await
}
