//! One task per daemon: connect (with backoff), read the inventory, then follow `/events`,
//! re-inspecting only the containers an event touches and feeding every event to the
//! activity rules (see [`super::pipeline`]). Drift and process polls run beside it in their
//! own rounds ([`super::poll`]); a slow list-only resync catches anything missed.

use super::dedup::since_param;
use super::event::{DataEvent, HostId, LinkStatus, WatchRequest};
use super::notice;
use super::pipeline::{EventEffect, EventWork, Pipeline, exec_from_event};
use super::poll::{self, PollKind, PollResult, PollRound};
use crate::activity::Alert;
use crate::docker::{Endpoint, Transport, connect};
use crate::inventory::{self, Selection};
use crate::model::convert;
use bollard::Docker;
use bollard::errors::Error as BollardError;
use bollard::query_parameters::{EventsOptions, ListContainersOptions};
use futures_util::stream::{self, StreamExt};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Settings of a watch task.
#[derive(Debug, Clone)]
pub struct WatchSettings {
    pub connect_timeout: Duration,
    pub concurrency: usize,
    /// The safety resync interval (list only; inspects only what changed).
    pub resync: Duration,
    /// Longest wait between reconnect attempts.
    pub max_backoff: Duration,
    /// How often `/changes` of running containers is read; zero turns drift polling off.
    pub drift: Duration,
    /// How often `/top` of running containers is read; zero turns process polling off.
    pub processes: Duration,
    /// Poll requests in flight at once per daemon.
    pub poll_concurrency: usize,
}

/// Default drift and process poll interval.
pub const DEFAULT_POLL_SECS: u64 = 10;
/// Default poll requests in flight per daemon.
pub const DEFAULT_POLL_CONCURRENCY: usize = 4;

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            connect_timeout: Duration::from_secs(10),
            concurrency: inventory::DEFAULT_CONCURRENCY,
            resync: Duration::from_secs(60),
            max_backoff: Duration::from_secs(30),
            drift: Duration::from_secs(DEFAULT_POLL_SECS),
            processes: Duration::from_secs(DEFAULT_POLL_SECS),
            poll_concurrency: DEFAULT_POLL_CONCURRENCY,
        }
    }
}

impl WatchSettings {
    /// The settings a resolved config asks for (`[scan]` and `[watch]`).
    pub fn from_config(config: &crate::config::Config) -> Self {
        WatchSettings {
            connect_timeout: config.connect_timeout,
            concurrency: config.concurrency,
            resync: config.resync,
            drift: config.drift,
            processes: config.processes,
            poll_concurrency: config.poll_concurrency,
            ..WatchSettings::default()
        }
    }
}

/// The event types followed (the activity rules look at all of them).
const EVENT_TYPES: [&str; 6] = [
    "container",
    "image",
    "network",
    "volume",
    "daemon",
    "plugin",
];

/// A running watch task: send it requests; it stops when this handle is dropped.
pub struct WatchHandle {
    pub requests: mpsc::UnboundedSender<WatchRequest>,
    pub task: tokio::task::JoinHandle<()>,
}

/// Start watching one daemon.
pub fn spawn(
    host: HostId,
    endpoint: Endpoint,
    settings: WatchSettings,
    tx: mpsc::Sender<DataEvent>,
) -> WatchHandle {
    let (req_tx, req_rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(run(host, endpoint, settings, tx, req_rx));
    WatchHandle {
        requests: req_tx,
        task,
    }
}

async fn run(
    host: HostId,
    endpoint: Endpoint,
    settings: WatchSettings,
    tx: mpsc::Sender<DataEvent>,
    mut requests: mpsc::UnboundedReceiver<WatchRequest>,
) {
    let mut backoff = Duration::from_secs(1);
    // Lives as long as the task: baselines and the replay dedupe survive reconnects.
    let mut pipeline = Pipeline::new();
    loop {
        if tx
            .send(DataEvent::Status {
                host,
                status: LinkStatus::Connecting,
            })
            .await
            .is_err()
        {
            return;
        }
        let reason = match connect(&endpoint, settings.connect_timeout).await {
            Ok(docker) => {
                let mut session = Session {
                    host,
                    endpoint: &endpoint,
                    docker,
                    settings: &settings,
                    tx: &tx,
                    pipeline: &mut pipeline,
                    live: false,
                };
                let end = session.run(&mut requests, &mut backoff).await;
                let was_live = session.live;
                match end {
                    Ok(()) => return,
                    // The console is gone: nobody to report to.
                    Err(_) if tx.is_closed() => return,
                    Err(reason) => {
                        if was_live {
                            pipeline.lost_at = Some(Instant::now());
                            let alert = notice::link_lost(chrono::Utc::now(), &reason);
                            let event = DataEvent::Alert {
                                host,
                                alert: Box::new(alert),
                                received: Instant::now(),
                            };
                            if tx.send(event).await.is_err() {
                                return;
                            }
                        }
                        reason
                    }
                }
            }
            Err(e) => e.to_string(),
        };
        log::warn!("{}: {reason}", endpoint.url);
        let status = LinkStatus::Down {
            message: reason,
            retry_in_secs: backoff.as_secs(),
        };
        if tx.send(DataEvent::Status { host, status }).await.is_err() {
            return;
        }
        // Wait for the backoff, or retry at once when the user asks for a refresh.
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            req = requests.recv() => if req.is_none() { return },
        }
        backoff = (backoff * 2).min(settings.max_backoff);
    }
}

struct Session<'a> {
    host: HostId,
    endpoint: &'a Endpoint,
    docker: Docker,
    settings: &'a WatchSettings,
    tx: &'a mpsc::Sender<DataEvent>,
    pipeline: &'a mut Pipeline,
    /// The inventory was read and the stream followed (a break is then worth a notice).
    live: bool,
}

/// `Err` carries why the session ended (the task reconnects); `Ok` means the console is gone.
type SessionEnd = Result<(), String>;

/// A poll timer, or none when that poll is off.
fn poll_timer(every: Duration) -> Option<tokio::time::Interval> {
    (!every.is_zero()).then(|| {
        let mut t = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    })
}

async fn tick(timer: &mut Option<tokio::time::Interval>) {
    match timer {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending::<()>().await,
    }
}

impl Session<'_> {
    async fn send(&self, event: DataEvent) -> SessionEnd {
        self.tx.send(event).await.map_err(|_| String::new())
    }

    async fn send_alerts(&self, alerts: Vec<Alert>, received: Instant) -> SessionEnd {
        for alert in alerts {
            self.send(DataEvent::Alert {
                host: self.host,
                alert: Box::new(alert),
                received,
            })
            .await?;
        }
        Ok(())
    }

    async fn run(
        &mut self,
        requests: &mut mpsc::UnboundedReceiver<WatchRequest>,
        backoff: &mut Duration,
    ) -> SessionEnd {
        // Resume right at the last event seen (the repeat is dropped by the dedupe set);
        // the first time, from a little before the inventory so nothing falls in between.
        let since = match self.pipeline.last_event_nano {
            Some(nanos) => since_param(nanos),
            None => (chrono::Utc::now().timestamp() - 2).to_string(),
        };
        let count = self.full_inventory().await?;
        *backoff = Duration::from_secs(1);
        self.live = true;
        self.send(DataEvent::Status {
            host: self.host,
            status: LinkStatus::Live,
        })
        .await?;
        if let Some(lost_at) = self.pipeline.lost_at.take() {
            let alert = notice::reconnected(chrono::Utc::now(), count, lost_at.elapsed().as_secs());
            self.send_alerts(vec![alert], Instant::now()).await?;
        }

        let mut filters = HashMap::new();
        filters.insert(
            "type".to_string(),
            EVENT_TYPES.iter().map(|t| t.to_string()).collect(),
        );
        let options = EventsOptions {
            since: Some(since),
            filters: Some(filters),
            ..Default::default()
        };
        let mut events = self.docker.events(Some(options)).ready_chunks(256);
        let mut resync = tokio::time::interval(self.settings.resync);
        resync.tick().await;
        let mut drift_timer = poll_timer(self.settings.drift);
        let mut top_timer = poll_timer(self.settings.processes);
        let (poll_tx, mut poll_rx) = mpsc::channel::<PollResult>(256);
        // Dropping a round (at the end of the session) stops it.
        let mut drift_round: Option<PollRound> = None;
        let mut top_round: Option<PollRound> = None;

        loop {
            tokio::select! {
                batch = events.next() => {
                    let Some(batch) = batch else {
                        return Err("the event stream ended (daemon restarted?)".into());
                    };
                    self.handle_batch(batch).await?;
                }
                Some(result) = poll_rx.recv() => self.handle_poll(result).await?,
                _ = tick(&mut drift_timer) => {
                    self.start_round(&mut drift_round, PollKind::Changes, self.settings.drift, &poll_tx);
                }
                _ = tick(&mut top_timer) => {
                    self.start_round(&mut top_round, PollKind::Processes, self.settings.processes, &poll_tx);
                }
                _ = resync.tick() => self.light_resync().await?,
                req = requests.recv() => match req {
                    None => return Ok(()),
                    Some(WatchRequest::Resync) => {
                        self.full_inventory().await?;
                    }
                    Some(WatchRequest::Inspect { id }) => {
                        self.inspect_many(vec![(id, "action".to_string())], None).await?;
                    }
                    Some(WatchRequest::RawInspect { id }) => {
                        let document = inventory::raw_inspect(&self.docker, &self.endpoint.url, &id)
                            .await
                            .map_err(|e| e.to_string());
                        self.send(DataEvent::RawInspect { host: self.host, id, document }).await?;
                    }
                },
            }
        }
    }

    /// Start a poll round unless the previous one of this kind is still running.
    fn start_round(
        &self,
        slot: &mut Option<PollRound>,
        kind: PollKind,
        every: Duration,
        tx: &mpsc::Sender<PollResult>,
    ) {
        if slot.as_ref().is_some_and(|r| !r.is_finished()) {
            log::debug!(
                "{}: previous {kind:?} poll still running",
                self.endpoint.url
            );
            return;
        }
        let ids = self.pipeline.running_ids();
        *slot = (!ids.is_empty()).then(|| {
            poll::spawn_round(
                self.docker.clone(),
                kind,
                ids,
                self.settings.poll_concurrency,
                every,
                tx.clone(),
            )
        });
    }

    async fn handle_poll(&mut self, result: PollResult) -> SessionEnd {
        let received = Instant::now();
        let alerts = match result {
            PollResult::Changes { id, changes } => self.pipeline.on_changes(&id, &changes),
            PollResult::Processes { id, processes } => self.pipeline.on_processes(&id, &processes),
            PollResult::Failed { message, .. } => {
                log::warn!("{}: {message}", self.endpoint.url);
                return self
                    .send(DataEvent::Error {
                        host: self.host,
                        message,
                    })
                    .await;
            }
        };
        self.send_alerts(alerts, received).await
    }

    /// One batch of events: rules first (their alerts go out at once), then the requests
    /// they need: exec and volume reads, container re-inspects.
    async fn handle_batch(
        &mut self,
        batch: Vec<Result<bollard::models::EventMessage, BollardError>>,
    ) -> SessionEnd {
        let received = Instant::now();
        let mut inspect: Vec<(String, String)> = Vec::new();
        let mut seen = HashSet::new();
        let mut execs = Vec::new();
        let mut volumes = Vec::new();
        for item in batch {
            let msg = match item {
                Ok(msg) => msg,
                // One message seawall cannot read is skipped, not a reason to reconnect.
                Err(BollardError::JsonDataError { message, .. }) => {
                    log::warn!(
                        "{}: skipped an unreadable event: {message}",
                        self.endpoint.url
                    );
                    continue;
                }
                Err(e) => return Err(format!("the event stream broke: {e}")),
            };
            let ev = convert::activity::event(&msg);
            if self.pipeline.needs_healthcheck_test(&ev) {
                // Once per container: probes must be recognised before their first event.
                let test = match self.docker.inspect_container(&ev.actor_id, None).await {
                    Ok(inspect) => convert::activity::healthcheck_test(&inspect),
                    Err(e) => {
                        log::debug!("{}: healthcheck of {}: {e}", self.endpoint.url, ev.actor_id);
                        None
                    }
                };
                self.pipeline.note_healthcheck(&ev.actor_id, test);
            }
            let Some(EventWork {
                alerts,
                exec,
                volume,
                effect,
            }) = self.pipeline.on_event(&ev)
            else {
                continue;
            };
            self.send_alerts(alerts, received).await?;
            execs.extend(exec);
            volumes.extend(volume);
            match effect {
                Some(EventEffect::Inspect { id, action }) => {
                    if seen.insert(id.clone()) {
                        inspect.push((id, action));
                    }
                }
                Some(EventEffect::Remove { id }) => {
                    inspect.retain(|(i, _)| *i != id);
                    seen.insert(id.clone());
                    self.send(DataEvent::Removed {
                        host: self.host,
                        id,
                    })
                    .await?;
                }
                Some(EventEffect::Ignore) | None => {}
            }
        }
        self.classify_execs(execs, received).await?;
        self.check_volumes(volumes, received).await?;
        self.inspect_many(inspect, Some(received)).await
    }

    /// Inspect new exec sessions (side by side) and run the exec rules once per session.
    async fn classify_execs(
        &mut self,
        execs: Vec<(String, String, Option<String>)>,
        received: Instant,
    ) -> SessionEnd {
        if execs.is_empty() {
            return Ok(());
        }
        let docker = &self.docker;
        let answers: Vec<_> = stream::iter(execs)
            .map(|(exec_id, container, payload)| async move {
                let r = docker.inspect_exec(&exec_id).await;
                (exec_id, container, payload, r)
            })
            .buffered(self.settings.concurrency.max(1))
            .collect()
            .await;
        for (exec_id, container, payload, answer) in answers {
            let facts = match answer {
                Ok(r) => convert::activity::exec(&r),
                Err(e) => {
                    log::debug!("{}: exec {exec_id}: {e}", self.endpoint.url);
                    exec_from_event(&exec_id, &container, payload.as_deref())
                }
            };
            let alerts = self.pipeline.on_exec(&facts);
            self.send_alerts(alerts, received).await?;
        }
        Ok(())
    }

    /// Read new volumes; a bind in disguise goes to the rules.
    async fn check_volumes(&mut self, names: Vec<String>, received: Instant) -> SessionEnd {
        for name in names {
            match self.docker.inspect_volume(&name).await {
                Ok(v) => {
                    let backing = convert::volume_backing(&v);
                    if backing.is_bind {
                        let device = backing.device.unwrap_or_default();
                        let alerts = self.pipeline.on_bind_volume(&name, &device);
                        self.send_alerts(alerts, received).await?;
                    }
                }
                Err(e) if poll::is_gone(&e) => {}
                Err(e) => log::warn!("{}: reading volume {name}: {e}", self.endpoint.url),
            }
        }
        Ok(())
    }

    /// `/info` + `/version`, then every container. Returns how many containers there are.
    async fn full_inventory(&mut self) -> Result<usize, String> {
        let plain_tcp = matches!(self.endpoint.transport, Transport::Tcp { tls: None, .. });
        // The daemon's facts and the container inventory are read side by side.
        let everything = Selection::default();
        let (host, containers) = tokio::join!(
            inventory::host_facts(&self.docker, &self.endpoint.url, plain_tcp),
            inventory::containers(
                &self.docker,
                &self.endpoint.url,
                &everything,
                self.settings.concurrency,
            )
        );
        let host = host.map_err(|e| e.to_string())?;
        let containers = containers.map_err(|e| e.to_string())?;
        self.pipeline.set_host(host.clone());
        self.send(DataEvent::Host {
            host: self.host,
            facts: Box::new(host),
        })
        .await?;
        self.pipeline.replace_inventory(&containers);
        let count = containers.len();
        self.send(DataEvent::Snapshot {
            host: self.host,
            containers,
        })
        .await?;
        Ok(count)
    }

    /// Re-inspect a set of containers, a few at a time. `received` is set when an event
    /// caused it: the facts then also go to the activity rules.
    async fn inspect_many(
        &mut self,
        ids: Vec<(String, String)>,
        received: Option<Instant>,
    ) -> SessionEnd {
        if ids.is_empty() {
            return Ok(());
        }
        let docker = &self.docker;
        let url = self.endpoint.url.as_str();
        let results: Vec<_> = stream::iter(ids)
            .map(|(id, action)| async move {
                let r = inventory::inspect_one(docker, url, &id).await;
                (id, action, r)
            })
            .buffer_unordered(self.settings.concurrency.max(1))
            .collect()
            .await;
        for (id, action, result) in results {
            match result {
                Ok(Some(facts)) => {
                    let cause = received.map(|_| action.as_str());
                    let alerts = self.pipeline.on_inspected(cause, facts.clone());
                    let at = received.unwrap_or_else(Instant::now);
                    self.send(DataEvent::Upsert {
                        host: self.host,
                        container: Box::new(facts),
                        cause: Some(action),
                        received: at,
                    })
                    .await?;
                    self.send_alerts(alerts, at).await?;
                }
                Ok(None) => {
                    self.pipeline.remove(&id);
                    self.send(DataEvent::Removed {
                        host: self.host,
                        id,
                    })
                    .await?;
                }
                Err(e) => {
                    self.send(DataEvent::Error {
                        host: self.host,
                        message: e.to_string(),
                    })
                    .await?
                }
            }
        }
        Ok(())
    }

    /// List (no inspects) and reconcile: inspect only new or changed containers.
    async fn light_resync(&mut self) -> SessionEnd {
        let options = ListContainersOptions {
            all: true,
            ..Default::default()
        };
        let list = self
            .docker
            .list_containers(Some(options))
            .await
            .map_err(|e| format!("resync failed: {e}"))?;
        let mut listed = HashSet::new();
        let mut changed = Vec::new();
        for s in list {
            let Some(id) = s.id else { continue };
            let state = s.state.map(|x| x.to_string()).unwrap_or_default();
            let differs = self
                .pipeline
                .state_of(&id)
                .is_none_or(|known| known.as_str() != state);
            if differs {
                changed.push((id.clone(), "resync".to_string()));
            }
            listed.insert(id);
        }
        let gone: Vec<String> = self
            .pipeline
            .container_ids()
            .into_iter()
            .filter(|id| !listed.contains(id))
            .collect();
        for id in gone {
            self.pipeline.remove(&id);
            self.send(DataEvent::Removed {
                host: self.host,
                id,
            })
            .await?;
        }
        if !changed.is_empty() {
            log::info!(
                "{}: resync found {} changed container(s)",
                self.endpoint.url,
                changed.len()
            );
        }
        self.inspect_many(changed, None).await
    }
}
