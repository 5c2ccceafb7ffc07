//! The headless scan: connect to each endpoint, read it, grade it, build the report.
//! Grading (`grade_host`) is pure and shared with the console.

use crate::docker::{ConnectError, Endpoint, Transport, connect};
use crate::inventory::{self, Inventory, InventoryError, Selection};
use crate::model::{ContainerFacts, HostFacts};
use crate::report::{ContainerReport, HostReport, Posture, Report, SCHEMA};
use crate::risk::{self, Fleet};
use std::time::Duration;

/// Options shared by every endpoint of one scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub selection: Selection,
    pub concurrency: usize,
    /// Bound on connecting (handshake, version negotiation, ping).
    pub connect_timeout: Duration,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            selection: Selection::default(),
            concurrency: inventory::DEFAULT_CONCURRENCY,
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// Why one endpoint could not be scanned.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Inventory(#[from] InventoryError),
}

/// Grade one daemon's inventory: posture, every container's findings and score, worst first.
pub fn grade_host(inv: &Inventory) -> HostReport {
    let fleet = Fleet::new(inv.containers.iter());
    let containers = inv
        .containers
        .iter()
        .map(|c| container_report(c, risk::evaluate_container(c, &inv.host, &fleet)))
        .collect();
    host_report(&inv.host, containers)
}

fn container_report(c: &ContainerFacts, findings: Vec<risk::Finding>) -> ContainerReport {
    let score = risk::score(&findings);
    ContainerReport {
        id: c.id.clone(),
        name: c.name.clone(),
        image: c.image.clone(),
        state: c.state.to_string(),
        score: score.value,
        band: score.band,
        findings,
    }
}

fn host_report(host: &HostFacts, mut containers: Vec<ContainerReport>) -> HostReport {
    containers.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    let posture_findings = risk::evaluate_host(host);
    let posture = risk::score(&posture_findings);
    HostReport {
        endpoint: host.endpoint.clone(),
        name: host.name.clone(),
        engine: host.engine.clone(),
        posture: Posture {
            score: posture.value,
            band: posture.band,
            findings: posture_findings,
        },
        containers,
    }
}

/// Does the container join another container's namespace (so grading needs the fleet)?
fn joins_another(c: &ContainerFacts) -> bool {
    [&c.pid_mode, &c.network_mode, &c.ipc_mode, &c.uts_mode]
        .iter()
        .any(|m| m.starts_with("container:"))
}

/// Connect, read and grade one daemon. Each container is graded as soon as its inspect
/// arrives (while the next inspects are in flight); the few that join another
/// container's namespaces are graded at the end, against the whole fleet.
pub async fn scan_endpoint(ep: &Endpoint, opts: &ScanOptions) -> Result<HostReport, ScanError> {
    use std::sync::Mutex;
    let docker = connect(ep, opts.connect_timeout).await?;
    let plain_tcp = matches!(ep.transport, Transport::Tcp { tls: None, .. });

    // A Mutex (never contended: both halves run on this task) keeps the future `Send`, so
    // the console can run exports on its runtime.
    let host: Mutex<Option<HostFacts>> = Mutex::new(None);
    let host_task = async {
        let facts = inventory::host_facts(&docker, &ep.url, plain_tcp).await?;
        *host.lock().unwrap_or_else(|p| p.into_inner()) = Some(facts);
        Ok::<(), InventoryError>(())
    };
    let containers_task =
        inventory::containers_with(&docker, &ep.url, &opts.selection, opts.concurrency, |c| {
            let guard = host.lock().unwrap_or_else(|p| p.into_inner());
            let findings = match &*guard {
                Some(h) if !joins_another(&c) => {
                    Some(risk::evaluate_container(&c, h, &Fleet::new([&c])))
                }
                _ => None,
            };
            (c, findings)
        });
    let (host_done, items) = tokio::join!(host_task, containers_task);
    host_done?;
    let items = items?;
    let host = host
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .unwrap_or_default();

    // Grade the rest against the whole fleet, then build the reports without copies.
    let late: Vec<Option<Vec<risk::Finding>>> = {
        let fleet = Fleet::new(items.iter().map(|(c, _)| c));
        items
            .iter()
            .map(|(c, f)| {
                f.is_none()
                    .then(|| risk::evaluate_container(c, &host, &fleet))
            })
            .collect()
    };
    let containers = items
        .into_iter()
        .zip(late)
        .map(|((c, early), late)| container_report(&c, early.or(late).unwrap_or_default()))
        .collect();
    Ok(host_report(&host, containers))
}

/// Wrap host reports into a report stamped now.
pub fn report(hosts: Vec<HostReport>) -> Report {
    Report {
        schema: SCHEMA,
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        tool_version: env!("CARGO_PKG_VERSION"),
        hosts,
    }
}

/// Connect to one endpoint and read it.
pub async fn inventory_of(ep: &Endpoint, opts: &ScanOptions) -> Result<Inventory, ScanError> {
    let docker = connect(ep, opts.connect_timeout).await?;
    let plain_tcp = matches!(ep.transport, Transport::Tcp { tls: None, .. });
    Ok(inventory::collect(
        &docker,
        &ep.url,
        plain_tcp,
        &opts.selection,
        opts.concurrency,
    )
    .await?)
}

/// Scan several endpoints concurrently. Each result stands on its own: one unreachable
/// daemon does not lose the others' reports.
pub async fn scan_all(
    endpoints: &[Endpoint],
    opts: &ScanOptions,
) -> Vec<(Endpoint, Result<HostReport, ScanError>)> {
    let futures = endpoints.iter().map(|ep| async move {
        let result = scan_endpoint(ep, opts).await;
        (ep.clone(), result)
    });
    futures_util::future::join_all(futures).await
}
