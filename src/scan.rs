//! The headless scan: connect to each endpoint, read it, grade it, build the report.
//! Grading is [`risk::Grader`]'s, the same one the console's watch tasks use, so the
//! console and the report show the same findings by construction.

use crate::docker::{
    ConnectError, DEFAULT_REQUEST_TIMEOUT, DockerApi, Endpoint, Transport, connect_with,
};
use crate::inventory::{self, Inventory, InventoryError, Selection};
use crate::model::{ContainerFacts, HostFacts};
use crate::report::{ContainerReport, HostReport, Posture, Report, SCHEMA, UnreadContainer};
use crate::risk::{self, GradedContainer, GradedHost, Grader};
use std::time::Duration;

/// Options shared by every endpoint of one scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub selection: Selection,
    pub concurrency: usize,
    /// Bound on connecting (handshake, version negotiation, ping).
    pub connect_timeout: Duration,
    /// Bound on waiting for the headers of each request.
    pub request_timeout: Duration,
    /// Bound on the whole scan of one endpoint (`scan --timeout`); `None`: no bound.
    pub deadline: Option<Duration>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            selection: Selection::default(),
            concurrency: inventory::DEFAULT_CONCURRENCY,
            connect_timeout: Duration::from_secs(10),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            deadline: None,
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
    #[error("the scan of {endpoint} did not finish within its {secs} s deadline (--timeout)")]
    Deadline { endpoint: String, secs: u64 },
}

/// Grade one daemon's inventory: posture, every container's findings and score, worst first.
pub fn grade_host(inv: Inventory) -> HostReport {
    let mut grader = Grader::new(inv.host);
    grader.replace(inv.containers);
    let containers = grader
        .grade_all()
        .into_iter()
        .map(container_report)
        .collect();
    let mut report = host_report(grader.grade_host(), containers);
    report.unread = inv.unread.iter().map(unread_entry).collect();
    report
}

/// A container listed but not inspected, for the report.
pub fn unread_entry(u: &inventory::Unread) -> UnreadContainer {
    UnreadContainer {
        id: u.id.clone(),
        name: u.name.clone(),
        state: u.state.to_string(),
        error: u.error.to_string(),
    }
}

/// One container's report entry from its grading.
pub fn container_report(g: GradedContainer) -> ContainerReport {
    report_entry(&g.facts, g.findings)
}

/// [`report_entry`] that moves the names and labels out of facts no longer needed.
fn report_entry_taking(c: &mut ContainerFacts, findings: Vec<risk::Finding>) -> ContainerReport {
    let score = risk::score(&findings);
    ContainerReport {
        id: std::mem::take(&mut c.id),
        name: std::mem::take(&mut c.name),
        image: std::mem::take(&mut c.image),
        state: c.state.to_string(),
        score: score.value,
        band: score.band,
        findings,
        labels: std::mem::take(&mut c.labels),
    }
}

fn report_entry(c: &ContainerFacts, findings: Vec<risk::Finding>) -> ContainerReport {
    let score = risk::score(&findings);
    ContainerReport {
        id: c.id.clone(),
        name: c.name.clone(),
        image: c.image.clone(),
        state: c.state.to_string(),
        score: score.value,
        band: score.band,
        findings,
        labels: c.labels.clone(),
    }
}

/// One daemon's report from its graded posture and container entries (sorted worst first).
fn host_report(host: GradedHost, mut containers: Vec<ContainerReport>) -> HostReport {
    // Worst first; on a tie, running before the rest (the live danger first), then by name.
    let idle = |c: &ContainerReport| c.state != "running";
    containers.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| idle(a).cmp(&idle(b)))
            .then_with(|| a.name.cmp(&b.name))
    });
    HostReport {
        endpoint: host.facts.endpoint,
        name: host.facts.name,
        engine: host.facts.engine,
        posture: Posture {
            score: host.score.value,
            band: host.score.band,
            findings: host.findings,
        },
        containers,
        resolved: None,
        unread: Vec::new(),
    }
}

/// Connect, read and grade one daemon. Each container is graded as soon as its inspect
/// arrives (while the next inspects are in flight); the few that join another
/// container's namespaces are graded at the end, against the whole fleet.
pub async fn scan_endpoint(ep: &Endpoint, opts: &ScanOptions) -> Result<HostReport, ScanError> {
    match opts.deadline {
        None => scan_endpoint_now(ep, opts).await,
        Some(limit) => match tokio::time::timeout(limit, scan_endpoint_now(ep, opts)).await {
            Ok(result) => result,
            Err(_elapsed) => Err(ScanError::Deadline {
                endpoint: ep.url.clone(),
                secs: limit.as_secs(),
            }),
        },
    }
}

async fn scan_endpoint_now(ep: &Endpoint, opts: &ScanOptions) -> Result<HostReport, ScanError> {
    let docker = connect_with(ep, opts.connect_timeout, opts.request_timeout).await?;
    let plain_tcp = matches!(ep.transport, Transport::Tcp { tls: None, .. });
    Ok(scan_daemon(&docker, &ep.url, plain_tcp, opts).await?)
}

/// Read and grade one connected daemon.
async fn scan_daemon(
    docker: &impl DockerApi,
    endpoint: &str,
    plain_tcp: bool,
    opts: &ScanOptions,
) -> Result<HostReport, InventoryError> {
    use std::sync::Mutex;

    // A Mutex (never contended: both halves run on this task) keeps the future `Send`, so
    // the console can run exports on its runtime.
    let host: Mutex<Option<HostFacts>> = Mutex::new(None);
    let host_task = async {
        let facts = inventory::host_facts(docker, endpoint, plain_tcp).await?;
        *host.lock().unwrap_or_else(|p| p.into_inner()) = Some(facts);
        Ok::<(), InventoryError>(())
    };
    let containers_task =
        inventory::containers_with(docker, endpoint, &opts.selection, opts.concurrency, |c| {
            let guard = host.lock().unwrap_or_else(|p| p.into_inner());
            let early = guard.as_ref().and_then(|h| Grader::grade_alone(h, &c));
            // Boxed: the list of 500 is then a list of pointers, not of 1 KB structs.
            (Box::new(c), early)
        });
    // The list first: the inspects wait for it, the daemon facts are needed only to grade.
    let (items, host_done) = tokio::join!(containers_task, host_task);
    host_done?;
    let inventory::Partial {
        read: items,
        unread,
    } = items?;
    let host = host
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .unwrap_or_default();

    let mut report = if items.iter().all(|(_, graded)| graded.is_some()) {
        entries_graded_alone(host, items)
    } else {
        entries_graded_with_fleet(host, items)
    };
    report.unread = unread.iter().map(unread_entry).collect();
    Ok(report)
}

/// A container's facts as read, and its grading when it could be graded alone.
type ScannedItem = (
    Box<ContainerFacts>,
    Option<(risk::Confinement, Vec<risk::Finding>)>,
);

/// Every container was graded as it arrived (none joins another's namespaces): the entries
/// take their names and labels from the facts, which are then freed off the scan's path.
fn entries_graded_alone(host: HostFacts, items: Vec<ScannedItem>) -> HostReport {
    let graded_host = Grader::new(host).grade_host();
    let mut spent = Vec::with_capacity(items.len());
    let containers = items
        .into_iter()
        .filter_map(|(mut c, graded)| {
            // The confinement is dropped here, not handed to the freeing thread: kept, 500
            // of them would live to the end and could only raise the peak RSS, for no
            // measurable gain in time.
            let (_, findings) = graded?;
            let entry = report_entry_taking(&mut c, findings);
            spent.push(c);
            Some(entry)
        })
        .collect();
    free_beside(spent);
    host_report(graded_host, containers)
}

/// Some containers join another container's namespaces: the grader holds the whole daemon,
/// and those are graded against it now that the inventory is complete.
fn entries_graded_with_fleet(host: HostFacts, items: Vec<ScannedItem>) -> HostReport {
    let mut early = Vec::with_capacity(items.len());
    let mut late = Vec::new();
    let mut grader = Grader::new(host);
    grader.replace(items.into_iter().map(|(c, graded)| {
        match graded {
            Some((_, findings)) => early.push((c.id.clone(), findings)),
            None => late.push(c.id.clone()),
        }
        *c
    }));
    let mut containers: Vec<ContainerReport> = early
        .into_iter()
        .filter_map(|(id, findings)| grader.get(&id).map(|c| report_entry(c, findings)))
        .collect();
    containers.extend(
        late.iter()
            .filter_map(|id| grader.grade(id))
            .map(container_report),
    );
    let report = host_report(grader.grade_host(), containers);
    free_beside(grader);
    report
}

/// Free a large value on a short-lived thread, beside the caller's remaining work: the end
/// of a scan (sorting, writing the report) is serial, and freeing 500 containers' facts
/// there took milliseconds of it. When no thread can be started it is freed here.
fn free_beside<T: Send + 'static>(value: T) {
    // On failure `spawn` drops the closure, and the value with it.
    let _ = std::thread::Builder::new()
        .name("seawall-free".into())
        .spawn(move || drop(value));
}

/// Wrap host reports into a report stamped now.
pub fn report(hosts: Vec<HostReport>) -> Report {
    Report {
        schema: SCHEMA,
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        tool_version: env!("CARGO_PKG_VERSION"),
        hosts,
        baseline: None,
        acceptances: Vec::new(),
        unreachable: Vec::new(),
    }
}

/// Connect to one endpoint and read it.
pub async fn inventory_of(ep: &Endpoint, opts: &ScanOptions) -> Result<Inventory, ScanError> {
    let docker = connect_with(ep, opts.connect_timeout, opts.request_timeout).await?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::EndpointSource;
    use std::time::Instant;

    fn unix(path: &std::path::Path) -> Endpoint {
        Endpoint {
            url: format!("unix://{}", path.display()),
            transport: Transport::Unix {
                path: path.to_path_buf(),
            },
            source: EndpointSource::Default,
        }
    }

    /// The scan grades each container as it arrives; the report must equal grading the
    /// whole inventory at once, whether or not a container joins another's namespaces.
    #[tokio::test]
    async fn grading_as_inspects_arrive_equals_grading_the_whole_inventory() {
        use crate::docker::fake::FakeDocker;
        for joined in [false, true] {
            let fake = FakeDocker::new();
            let mut web = FakeDocker::container("aaaa1111", "web", "running", &["bridge"]);
            web.privileged = true;
            web.labels.insert("team".into(), "edge".into());
            let mut tools = FakeDocker::container("bbbb2222", "tools", "running", &["bridge"]);
            tools.cap_add = vec!["SYS_PTRACE".into()];
            if joined {
                tools.pid_mode = "container:web".into();
            }
            let idle = FakeDocker::container("cccc3333", "idle", "exited", &[]);
            for c in [&web, &tools, &idle] {
                fake.add_container(c.clone());
            }
            let opts = ScanOptions::default();
            let streamed = scan_daemon(&fake, "unix:///fake.sock", false, &opts)
                .await
                .unwrap();
            let host = inventory::host_facts(&fake, "unix:///fake.sock", false)
                .await
                .unwrap();
            let whole = grade_host(Inventory {
                host,
                containers: vec![web, tools, idle],
                unread: Vec::new(),
            });
            let json = |r: &HostReport| serde_json::to_value(r).unwrap();
            assert_eq!(json(&streamed), json(&whole), "joined: {joined}");
            let tools = streamed
                .containers
                .iter()
                .find(|c| c.name == "tools")
                .unwrap();
            // Joining a privileged container's pid namespace is itself a finding.
            assert_eq!(
                tools.findings.iter().any(|f| f.id.starts_with("SW-NS")),
                joined,
                "{:?}",
                tools.findings.iter().map(|f| &f.id).collect::<Vec<_>>()
            );
            assert_eq!(
                streamed.containers[0]
                    .labels
                    .get("team")
                    .map(String::as_str),
                Some("edge")
            );
        }
    }

    /// Daemons are scanned side by side: two that accept and never answer and one that
    /// refuses cost one connect timeout together, not one each, and each says why.
    #[tokio::test]
    async fn unanswering_daemons_cost_one_timeout_together() {
        let dir = tempfile::tempdir().unwrap();
        // A bound, listening socket that nobody accepts on: the kernel completes the
        // connection, and no answer ever comes (a blackhole).
        let holes: Vec<_> = (0..2)
            .map(|i| {
                let path = dir.path().join(format!("hole{i}.sock"));
                (std::os::unix::net::UnixListener::bind(&path).unwrap(), path)
            })
            .collect();
        // A socket file nobody listens on: refused at once.
        let refused = dir.path().join("refused.sock");
        drop(std::os::unix::net::UnixListener::bind(&refused).unwrap());
        let mut endpoints: Vec<Endpoint> = holes.iter().map(|(_, p)| unix(p)).collect();
        endpoints.push(unix(&refused));
        let opts = ScanOptions {
            connect_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(1),
            ..ScanOptions::default()
        };
        let t = Instant::now();
        let results = scan_all(&endpoints, &opts).await;
        let took = t.elapsed();
        assert!(
            took >= Duration::from_millis(900) && took < Duration::from_millis(1800),
            "{took:?}"
        );
        let errors: Vec<String> = results
            .iter()
            .map(|(_, r)| r.as_ref().unwrap_err().to_string())
            .collect();
        assert!(errors[0].contains("hole0.sock"), "{errors:?}");
        assert!(errors[0].contains("did not answer within 1s"), "{errors:?}");
        assert!(errors[1].contains("hole1.sock"), "{errors:?}");
        assert!(errors[2].contains("refused.sock"), "{errors:?}");
        assert!(!errors[2].contains("did not answer"), "{errors:?}");
    }
}
