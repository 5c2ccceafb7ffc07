//! The headless scan: connect to each endpoint, read it, grade it, build the report.
//! Grading (`grade_host`) is pure and shared with the console.

use crate::docker::{ConnectError, Endpoint, Transport, connect};
use crate::inventory::{self, Inventory, InventoryError, Selection};
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
    let mut containers: Vec<ContainerReport> = inv
        .containers
        .iter()
        .map(|c| {
            let findings = risk::evaluate_container(c, &inv.host, &fleet);
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
        })
        .collect();
    containers.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    let posture_findings = risk::evaluate_host(&inv.host);
    let posture = risk::score(&posture_findings);
    HostReport {
        endpoint: inv.host.endpoint.clone(),
        name: inv.host.name.clone(),
        engine: inv.host.engine.clone(),
        posture: Posture {
            score: posture.value,
            band: posture.band,
            findings: posture_findings,
        },
        containers,
    }
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
        let result = inventory_of(ep, opts).await.map(|inv| grade_host(&inv));
        (ep.clone(), result)
    });
    futures_util::future::join_all(futures).await
}
