//! Reading one daemon: `/info`, `/version`, the default bridge, every container (listed, then
//! inspected with bounded concurrency over the same client) and the named volumes they mount.
//!
//! The raw API documents are converted as they arrive and dropped, so memory stays flat in
//! the number of containers.

use crate::model::{ContainerFacts, HostFacts, MountKind, VolumeBacking, convert};
use bollard::Docker;
use bollard::errors::Error as BollardError;
use bollard::query_parameters::ListContainersOptions;
use futures_util::stream::{self, StreamExt};
use std::collections::{BTreeSet, HashMap};

/// How many inspect requests are in flight at once (what the docker CLI's own
/// `docker inspect` of many ids does, and what the daemon handles comfortably).
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Which containers to read.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only running containers.
    pub running_only: bool,
    /// Glob (`*`, `?`) or substring match on the name (without the leading slash).
    pub name: Option<String>,
    /// `KEY=VALUE` or `KEY` label filters; all must match.
    pub labels: Vec<String>,
}

/// What could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("the daemon at {endpoint} refused {what}: {message}")]
    Api {
        endpoint: String,
        what: &'static str,
        message: String,
    },
}

/// One daemon's facts.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub host: HostFacts,
    pub containers: Vec<ContainerFacts>,
}

fn api_error(endpoint: &str, what: &'static str, err: BollardError) -> InventoryError {
    let message = match &err {
        BollardError::DockerResponseServerError {
            status_code,
            message,
        } => {
            format!("HTTP {status_code}: {message}")
        }
        BollardError::JsonDataError { message, .. } => {
            format!("the answer was not the JSON seawall expects ({message})")
        }
        BollardError::RequestTimeoutError => "the request timed out".to_string(),
        other => other.to_string(),
    };
    InventoryError::Api {
        endpoint: endpoint.to_string(),
        what,
        message,
    }
}

/// Does `name` match a glob with `*` and `?`; without wildcards, a substring match.
pub fn name_matches(pattern: &str, name: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return name.contains(pattern);
    }
    fn glob(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => glob(&p[1..], s) || (!s.is_empty() && glob(p, &s[1..])),
            (Some(b'?'), Some(_)) => glob(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => glob(&p[1..], &s[1..]),
            _ => false,
        }
    }
    glob(pattern.as_bytes(), name.as_bytes())
}

/// Read the daemon's own facts.
pub async fn host_facts(
    docker: &Docker,
    endpoint: &str,
    plain_tcp: bool,
) -> Result<HostFacts, InventoryError> {
    let (info, version, bridge) = tokio::join!(
        docker.info(),
        docker.version(),
        docker.inspect_network(
            "bridge",
            None::<bollard::query_parameters::InspectNetworkOptions>
        )
    );
    let info = info.map_err(|e| api_error(endpoint, "/info", e))?;
    let version = version.map_err(|e| api_error(endpoint, "/version", e))?;
    // The default bridge may not exist (e.g. `"bridge": "none"` in daemon.json).
    let icc = bridge.ok().and_then(|n| {
        n.options?
            .get("com.docker.network.bridge.enable_icc")
            .map(|v| v != "false")
    });
    Ok(convert::host(endpoint, plain_tcp, &info, &version, icc))
}

/// List and inspect the selected containers, sorted by name.
pub async fn containers(
    docker: &Docker,
    endpoint: &str,
    selection: &Selection,
    concurrency: usize,
) -> Result<Vec<ContainerFacts>, InventoryError> {
    let mut facts = containers_with(docker, endpoint, selection, concurrency, |c| c).await?;
    facts.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(facts)
}

/// Every named volume's backing, from one `GET /volumes` (a local volume with `o=bind`
/// is a host bind mount in disguise). A daemon that refuses is logged, not fatal: the
/// volumes then simply carry no backing information.
pub async fn volume_backings(docker: &Docker) -> HashMap<String, VolumeBacking> {
    match docker
        .list_volumes(None::<bollard::query_parameters::ListVolumesOptions>)
        .await
    {
        Ok(list) => list
            .volumes
            .unwrap_or_default()
            .iter()
            .map(|v| (v.name.clone(), convert::volume_backing(v)))
            .collect(),
        Err(e) => {
            log::warn!("cannot list volumes: {e}");
            HashMap::new()
        }
    }
}

/// List and inspect the selected containers, handing each to `each` as soon as its
/// inspect arrives (so grading overlaps with the requests still in flight). The volume
/// list is read alongside the container list. Order of the result: arrival order.
pub async fn containers_with<T>(
    docker: &Docker,
    endpoint: &str,
    selection: &Selection,
    concurrency: usize,
    mut each: impl FnMut(ContainerFacts) -> T,
) -> Result<Vec<T>, InventoryError> {
    let mut filters: HashMap<String, Vec<String>> = HashMap::new();
    if selection.running_only {
        filters.insert("status".into(), vec!["running".into()]);
    }
    if !selection.labels.is_empty() {
        filters.insert("label".into(), selection.labels.clone());
    }
    let options = ListContainersOptions {
        all: true,
        filters: (!filters.is_empty()).then_some(filters),
        ..Default::default()
    };
    let (summaries, volumes) = tokio::join!(
        docker.list_containers(Some(options)),
        volume_backings(docker)
    );
    let summaries = summaries.map_err(|e| api_error(endpoint, "the container list", e))?;

    let ids: Vec<String> = summaries
        .into_iter()
        .filter(|s| match &selection.name {
            None => true,
            Some(pattern) => s
                .names
                .iter()
                .flatten()
                .any(|n| name_matches(pattern, n.trim_start_matches('/'))),
        })
        .filter_map(|s| s.id)
        .collect();

    let mut out = Vec::with_capacity(ids.len());
    let mut inspects = stream::iter(ids)
        .map(|id| async move {
            let result = docker.inspect_container(&id, None).await;
            (id, result)
        })
        .buffer_unordered(concurrency.max(1));
    while let Some((id, result)) = inspects.next().await {
        match result {
            Ok(inspect) => out.push(each(convert::container_owned(inspect, &volumes))),
            // Removed between the list and the inspect: not an error.
            Err(BollardError::DockerResponseServerError {
                status_code: 404, ..
            }) => log::debug!("container {id} vanished before it could be inspected"),
            Err(e) => return Err(api_error(endpoint, "a container inspect", e)),
        }
    }
    Ok(out)
}

/// Inspect one container (and the named volumes it mounts). `Ok(None)` when it is gone.
pub async fn inspect_one(
    docker: &Docker,
    endpoint: &str,
    id: &str,
) -> Result<Option<ContainerFacts>, InventoryError> {
    match docker.inspect_container(id, None).await {
        Ok(inspect) => {
            let mut facts = [convert::container_owned(inspect, &HashMap::new())];
            attach_volume_backing(docker, &mut facts, 2).await;
            let [facts] = facts;
            Ok(Some(facts))
        }
        Err(BollardError::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(None),
        Err(e) => Err(api_error(endpoint, "a container inspect", e)),
    }
}

/// The raw inspect document, secrets redacted, pretty-printed (for the Inspect tab).
pub async fn raw_inspect(
    docker: &Docker,
    endpoint: &str,
    id: &str,
) -> Result<String, InventoryError> {
    let inspect = docker
        .inspect_container(id, None)
        .await
        .map_err(|e| api_error(endpoint, "a container inspect", e))?;
    let mut value = serde_json::to_value(&inspect).map_err(|e| InventoryError::Api {
        endpoint: endpoint.to_string(),
        what: "a container inspect",
        message: e.to_string(),
    })?;
    crate::redact::redact_json(&mut value);
    Ok(serde_json::to_string_pretty(&value).unwrap_or_default())
}

/// Inspect every named volume that a container mounts and record what it really is.
/// A volume that cannot be read keeps no backing information (logged, not fatal).
async fn attach_volume_backing(docker: &Docker, facts: &mut [ContainerFacts], concurrency: usize) {
    let names: BTreeSet<String> = facts
        .iter()
        .flat_map(|c| c.mounts.iter())
        .filter(|m| m.kind == MountKind::Volume)
        .filter_map(|m| m.name.clone())
        .collect();
    if names.is_empty() {
        return;
    }
    let backing: HashMap<String, VolumeBacking> = stream::iter(names)
        .map(|name| async move {
            match docker.inspect_volume(&name).await {
                Ok(v) => Some((name, convert::volume_backing(&v))),
                Err(e) => {
                    log::warn!("cannot inspect volume {name}: {e}");
                    None
                }
            }
        })
        .buffer_unordered(concurrency.max(1))
        .filter_map(|x| async move { x })
        .collect()
        .await;
    for c in facts.iter_mut() {
        for m in c.mounts.iter_mut().filter(|m| m.kind == MountKind::Volume) {
            if let Some(b) = m.name.as_ref().and_then(|n| backing.get(n)) {
                m.backing = Some(b.clone());
            }
        }
    }
}

/// Read everything about one daemon.
pub async fn collect(
    docker: &Docker,
    endpoint: &str,
    plain_tcp: bool,
    selection: &Selection,
    concurrency: usize,
) -> Result<Inventory, InventoryError> {
    let (host, containers) = tokio::join!(
        host_facts(docker, endpoint, plain_tcp),
        containers(docker, endpoint, selection, concurrency)
    );
    Ok(Inventory {
        host: host?,
        containers: containers?,
    })
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn globs_and_substrings() {
        assert!(name_matches("web", "my-web-1"));
        assert!(name_matches("web-*", "web-1"));
        assert!(!name_matches("web-*", "my-web-1"));
        assert!(name_matches("db?", "db1"));
        assert!(!name_matches("db?", "db12"));
        assert!(name_matches("*", "anything"));
    }
}
