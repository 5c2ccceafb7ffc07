//! One task per daemon: connect (with backoff), read the inventory, then follow `/events`,
//! re-inspecting only the containers an event touches and feeding every event to the
//! activity rules (see [`super::pipeline`]). Drift and process polls run beside it in their
//! own rounds ([`super::poll`]); a slow list-only resync catches anything missed.

use super::dedup::since_param;
use super::event::{DataEvent, HostId, LinkStatus, WatchRequest};
use super::inflight::{InFlight, Job};
use super::notice;
use super::pipeline::{EventEffect, EventWork, Pipeline, exec_from_event};
use super::poll::{self, PollKind, PollResult, Poller};
use super::schedule::Schedule;
use crate::activity::Alert;
use crate::docker::{
    BollardConnector, ConnectError, Connector, DockerApi, DockerError, Endpoint, ListFilter,
    Transport,
};
use crate::inventory::{self, InventoryError, Selection};
use crate::model::{ContainerFacts, ContainerState, DockerEvent, ExecFacts, VolumeBacking};
use crate::risk::grader::GradedContainer;
use futures_util::stream::StreamExt;
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

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
    /// Most poll requests per minute per daemon, drift and processes together.
    pub poll_per_minute: u32,
}

/// Default drift and process poll interval.
pub const DEFAULT_POLL_SECS: u64 = 10;
/// Default poll requests in flight per daemon.
pub const DEFAULT_POLL_CONCURRENCY: usize = 4;
/// Default poll budget: 1.5 reads a second keeps the daemon under 5 % of a core at 500
/// running containers (measured by `scripts/bench-activity.sh`).
pub const DEFAULT_POLL_PER_MINUTE: u32 = 90;

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
            poll_per_minute: DEFAULT_POLL_PER_MINUTE,
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
            poll_per_minute: config.poll_per_minute,
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

/// Why a session with a daemon ended.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// Nobody listens any more (the console or `seawall watch` is gone).
    #[error("the receiver of the watch events is gone")]
    Closed,
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Inventory(#[from] InventoryError),
    #[error("the event stream ended (daemon restarted?)")]
    StreamEnded,
    #[error("the event stream broke: {0}")]
    StreamBroke(DockerError),
    #[error("resync failed: {0}")]
    Resync(DockerError),
}

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
    spawn_with(BollardConnector, host, endpoint, settings, tx)
}

/// [`spawn`] with the connector the task (re)connects through (a test hands it a fake).
pub fn spawn_with<C: Connector>(
    connector: C,
    host: HostId,
    endpoint: Endpoint,
    settings: WatchSettings,
    tx: mpsc::Sender<DataEvent>,
) -> WatchHandle {
    let (req_tx, req_rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(run(connector, host, endpoint, settings, tx, req_rx));
    WatchHandle {
        requests: req_tx,
        task,
    }
}

async fn run<C: Connector>(
    connector: C,
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
        let reason = match connector.connect(&endpoint, settings.connect_timeout).await {
            Ok(docker) => {
                let mut session = Session {
                    host,
                    endpoint: &endpoint,
                    docker,
                    settings: &settings,
                    tx: &tx,
                    pipeline: &mut pipeline,
                    live: false,
                    work: Work::new(settings.concurrency),
                };
                let end = session.run(&mut requests, &mut backoff).await;
                let was_live = session.live;
                match end {
                    Ok(()) => return,
                    // The console is gone: nobody to report to.
                    Err(WatchError::Closed) => return,
                    Err(_) if tx.is_closed() => return,
                    Err(reason) => {
                        let reason = reason.to_string();
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
            Err(e) => WatchError::Connect(e).to_string(),
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

struct Session<'a, D: DockerApi> {
    host: HostId,
    endpoint: &'a Endpoint,
    docker: D,
    settings: &'a WatchSettings,
    tx: &'a mpsc::Sender<DataEvent>,
    pipeline: &'a mut Pipeline,
    /// The inventory was read and the stream followed (a break is then worth a notice).
    live: bool,
    /// Requests started by events, answered beside the event stream.
    work: Work,
}

/// A request the session started and reads the answer of in its loop.
enum Answer {
    Container {
        job: Job,
        result: Box<Result<Option<ContainerFacts>, InventoryError>>,
    },
    Exec {
        exec_id: String,
        container: String,
        payload: Option<String>,
        received: Instant,
        result: Box<Result<ExecFacts, DockerError>>,
    },
    Volume {
        name: String,
        received: Instant,
        result: Box<Result<VolumeBacking, DockerError>>,
    },
}

/// An exec or volume read waiting for a slot.
enum SideJob {
    Exec {
        exec_id: String,
        container: String,
        payload: Option<String>,
        received: Instant,
    },
    Volume {
        name: String,
        received: Instant,
    },
}

/// The requests in flight of one session: container inspects start as soon as their event
/// is read (at most one per container, see [`InFlight`]); exec and volume reads beside them
/// with their own slots, so an exec alert never waits behind container inspects. Dropped
/// with the session, which aborts them.
struct Work {
    inspects: InFlight,
    tasks: JoinSet<Answer>,
    /// Which container each inspect task reads (to free its slot if the task panics).
    inspect_tasks: HashMap<tokio::task::Id, String>,
    side_limit: usize,
    side_running: usize,
    side_queue: VecDeque<SideJob>,
    /// Containers an exec or a `docker cp` just touched: their changes and processes are
    /// read soon after, whatever the poll budget.
    follow_up_wanted: Vec<String>,
    /// Follow-up reads running (each task returns its container id).
    follow_ups: JoinSet<String>,
    follow_up_ids: HashSet<String>,
    /// Which running container to poll next (set up when the session starts).
    schedule: Schedule,
    /// The drift and process reads in flight.
    polls: Poller,
}

impl Work {
    fn new(concurrency: usize) -> Self {
        Work {
            inspects: InFlight::new(concurrency),
            tasks: JoinSet::new(),
            inspect_tasks: HashMap::new(),
            side_limit: concurrency.max(1),
            side_running: 0,
            side_queue: VecDeque::new(),
            follow_up_wanted: Vec::new(),
            follow_ups: JoinSet::new(),
            follow_up_ids: HashSet::new(),
            schedule: Schedule::new(Duration::ZERO, Duration::ZERO),
            polls: Poller::new(1),
        }
    }
}

/// `Err` carries why the session ended (the task reconnects); `Ok` means the console is gone.
type SessionEnd = Result<(), WatchError>;

/// A poll timer ticking once per budget slot `gap`.
fn poll_timer(gap: Duration) -> tokio::time::Interval {
    let gap = gap.max(Duration::from_millis(1));
    let mut t = tokio::time::interval_at(tokio::time::Instant::now() + gap, gap);
    t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    t
}

async fn tick(timer: &mut Option<tokio::time::Interval>) {
    match timer {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending::<()>().await,
    }
}

impl<D: DockerApi> Session<'_, D> {
    async fn send(&mut self, event: DataEvent) -> SessionEnd {
        self.note_for_polls(&event);
        self.tx.send(event).await.map_err(|_| WatchError::Closed)
    }

    /// Every container seawall grades passes through [`Session::send`]: the poll schedule
    /// learns from it which containers run, their scores and when they started.
    fn note_for_polls(&mut self, event: &DataEvent) {
        let now = tokio::time::Instant::now();
        let wall = chrono::Utc::now();
        let schedule = &mut self.work.schedule;
        let note = |schedule: &mut Schedule, g: &GradedContainer| {
            if g.facts.state == ContainerState::Running {
                schedule.running(
                    &g.facts.id,
                    g.score.value,
                    g.facts.started_at.as_deref(),
                    now,
                    wall,
                );
            } else {
                schedule.stopped(&g.facts.id);
            }
        };
        match event {
            DataEvent::Snapshot { containers, .. } => {
                let running: HashSet<&str> = containers
                    .iter()
                    .filter(|g| g.facts.state == ContainerState::Running)
                    .map(|g| g.facts.id.as_str())
                    .collect();
                schedule.retain(&running);
                containers.iter().for_each(|g| note(schedule, g));
            }
            DataEvent::Upsert {
                container,
                regraded,
                cause,
                ..
            } => {
                note(schedule, container);
                regraded.iter().for_each(|g| note(schedule, g));
                if container.facts.state == ContainerState::Running
                    && matches!(cause.as_deref(), Some("start" | "restart" | "unpause"))
                {
                    schedule.started(&container.facts.id, now);
                }
            }
            DataEvent::Host { regraded, .. } => regraded.iter().for_each(|g| note(schedule, g)),
            DataEvent::Removed { id, regraded, .. } => {
                schedule.stopped(id);
                regraded.iter().for_each(|g| note(schedule, g));
            }
            _ => {}
        }
    }

    async fn send_alerts(&self, alerts: Vec<Alert>, received: Instant) -> SessionEnd {
        for alert in alerts {
            self.tx
                .send(DataEvent::Alert {
                    host: self.host,
                    alert: Box::new(alert),
                    received,
                })
                .await
                .map_err(|_| WatchError::Closed)?;
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
        self.work.schedule = Schedule::new(self.settings.drift, self.settings.processes);
        self.work.polls = Poller::new(self.settings.poll_concurrency);
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

        let mut events = self
            .docker
            .events(Some(since), &EVENT_TYPES)
            .ready_chunks(256);
        let mut resync = tokio::time::interval(self.settings.resync);
        resync.tick().await;
        // One slot of the poll budget per tick; the schedule picks who is read.
        let (drift_gap, top_gap) = poll::gaps(
            self.settings.poll_per_minute,
            !self.settings.drift.is_zero(),
            !self.settings.processes.is_zero(),
        );
        let mut drift_timer = drift_gap.map(poll_timer);
        let mut top_timer = top_gap.map(poll_timer);
        let (poll_tx, mut poll_rx) = mpsc::channel::<PollResult>(256);

        loop {
            tokio::select! {
                batch = events.next() => {
                    let Some(batch) = batch else {
                        return Err(WatchError::StreamEnded);
                    };
                    self.handle_batch(batch).await?;
                    self.start_follow_ups(&poll_tx);
                }
                Some(done) = self.work.follow_ups.join_next(), if !self.work.follow_ups.is_empty() => {
                    if let Ok(id) = done {
                        self.work.follow_up_ids.remove(&id);
                    }
                }
                Some(done) = self.work.tasks.join_next_with_id(), if !self.work.tasks.is_empty() => {
                    self.handle_answer(done).await?;
                }
                Some(result) = poll_rx.recv() => self.handle_poll(result).await?,
                Some(done) = self.work.polls.next_done(), if !self.work.polls.is_idle() => {
                    let running = self.work.schedule.len();
                    if let Some(result) = self.work.polls.settle(done, running) {
                        self.handle_poll(result).await?;
                    }
                }
                _ = tick(&mut drift_timer) => self.poll_slot(PollKind::Changes),
                _ = tick(&mut top_timer) => self.poll_slot(PollKind::Processes),
                _ = resync.tick() => self.light_resync().await?,
                req = requests.recv() => match req {
                    None => return Ok(()),
                    Some(WatchRequest::Resync) => {
                        self.full_inventory().await?;
                    }
                    Some(WatchRequest::Inspect { id }) => {
                        self.request_inspect(&id, "action", None);
                    }
                    Some(WatchRequest::RawInspect { id }) => {
                        let document =
                            inventory::raw_inspect(&self.docker, &self.endpoint.url, &id).await;
                        self.send(DataEvent::RawInspect { host: self.host, id, document }).await?;
                    }
                },
            }
        }
    }

    /// Start the follow-up reads the last batch asked for (one at a time per container).
    fn start_follow_ups(&mut self, poll_tx: &mpsc::Sender<PollResult>) {
        let changes = !self.settings.drift.is_zero();
        let processes = !self.settings.processes.is_zero();
        for id in std::mem::take(&mut self.work.follow_up_wanted) {
            if !(changes || processes) || !self.work.follow_up_ids.insert(id.clone()) {
                continue;
            }
            let reads = poll::follow_up(
                self.docker.clone(),
                id.clone(),
                changes,
                processes,
                poll_tx.clone(),
            );
            self.work.follow_ups.spawn(async move {
                reads.await;
                id
            });
        }
    }

    /// One slot of the poll budget: read the container most in need, if one is due and a
    /// read of this kind has room.
    fn poll_slot(&mut self, kind: PollKind) {
        if !self.work.polls.has_room(kind) {
            log::debug!("{}: {kind:?} reads all still running", self.endpoint.url);
            return;
        }
        if let Some(id) = self.work.schedule.next(kind, tokio::time::Instant::now()) {
            self.work.polls.start(&self.docker, kind, id);
        }
    }

    async fn handle_poll(&mut self, result: PollResult) -> SessionEnd {
        let received = Instant::now();
        let (id, alerts) = match result {
            PollResult::Changes { id, changes } => {
                let alerts = self.pipeline.on_changes(&id, &changes);
                (id, alerts)
            }
            PollResult::Processes { id, processes } => {
                let alerts = self.pipeline.on_processes(&id, &processes);
                (id, alerts)
            }
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
        if !alerts.is_empty() {
            self.work.schedule.active(&id, tokio::time::Instant::now());
        }
        self.send_alerts(alerts, received).await
    }

    /// One batch of events: rules first (their alerts go out at once), then the requests
    /// they need, each started at once: container inspects, exec and volume reads. Their
    /// answers come back through [`Session::handle_answer`].
    async fn handle_batch(&mut self, batch: Vec<Result<DockerEvent, DockerError>>) -> SessionEnd {
        let received = Instant::now();
        for item in batch {
            let ev = match item {
                Ok(ev) => ev,
                // One message seawall cannot read is skipped, not a reason to reconnect.
                Err(DockerError::Malformed(message)) => {
                    log::warn!(
                        "{}: skipped an unreadable event: {message}",
                        self.endpoint.url
                    );
                    continue;
                }
                Err(e) => return Err(WatchError::StreamBroke(e)),
            };
            if self.pipeline.needs_healthcheck_test(&ev) {
                // Once per container: probes must be recognised before their first event.
                let test = match self.docker.inspect_container(&ev.actor_id).await {
                    Ok(facts) => facts.health_test.filter(|t| !t.is_empty()),
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
                regraded,
            }) = self.pipeline.on_event(&ev)
            else {
                continue;
            };
            // A session or a copy into the container: read what it changed soon. (The
            // pipeline asks for an exec inspect once per session, never for a probe.)
            if exec.is_some() || ev.action == "extract-to-dir" {
                let id = ev.actor_id.clone();
                self.work.schedule.touched(&id, tokio::time::Instant::now());
                if !self.work.follow_up_wanted.contains(&id) {
                    self.work.follow_up_wanted.push(id);
                }
            }
            if let Some((exec_id, container, payload)) = exec {
                self.start_side(SideJob::Exec {
                    exec_id,
                    container,
                    payload,
                    received,
                });
            }
            if let Some(name) = volume {
                self.start_side(SideJob::Volume { name, received });
            }
            // Started before the alerts are sent: a send may wait on the console.
            if let Some(EventEffect::Inspect { id, action }) = &effect {
                self.request_inspect(id, action, Some(received));
            }
            self.send_alerts(alerts, received).await?;
            match effect {
                Some(EventEffect::Remove { id }) => {
                    // An inspect already in flight goes on: its answer still feeds the
                    // launch rules (a container created and removed at once), but brings
                    // no row back.
                    self.work.inspects.removed(&id);
                    self.send(DataEvent::Removed {
                        host: self.host,
                        id,
                        regraded,
                    })
                    .await?;
                }
                Some(EventEffect::Inspect { .. } | EventEffect::Ignore) | None => {}
            }
        }
        Ok(())
    }

    /// Ask for an inspect of a container; it starts now unless one of that container is in
    /// flight (it then runs again after) or every slot is taken. `received` is set when an
    /// event caused it: the facts then also go to the activity rules.
    fn request_inspect(&mut self, id: &str, action: &str, received: Option<Instant>) {
        if let Some(job) = self.work.inspects.request(id, action, received) {
            self.spawn_inspect(job);
        }
    }

    fn spawn_inspect(&mut self, job: Job) {
        let docker = self.docker.clone();
        let url = self.endpoint.url.clone();
        let id = job.id.clone();
        let handle = self.work.tasks.spawn(async move {
            let result = Box::new(inventory::inspect_one(&docker, &url, &job.id).await);
            Answer::Container { job, result }
        });
        self.work.inspect_tasks.insert(handle.id(), id);
    }

    /// Start an exec or volume read, or queue it while every side slot is taken.
    fn start_side(&mut self, job: SideJob) {
        if self.work.side_running >= self.work.side_limit {
            self.work.side_queue.push_back(job);
            return;
        }
        self.work.side_running += 1;
        let docker = self.docker.clone();
        self.work.tasks.spawn(async move {
            match job {
                SideJob::Exec {
                    exec_id,
                    container,
                    payload,
                    received,
                } => {
                    let result = Box::new(docker.inspect_exec(&exec_id).await);
                    Answer::Exec {
                        exec_id,
                        container,
                        payload,
                        received,
                        result,
                    }
                }
                SideJob::Volume { name, received } => {
                    let result = Box::new(docker.inspect_volume(&name).await);
                    Answer::Volume {
                        name,
                        received,
                        result,
                    }
                }
            }
        });
    }

    /// A side read is done: its slot goes to the next one waiting.
    fn side_done(&mut self) {
        self.work.side_running = self.work.side_running.saturating_sub(1);
        if let Some(next) = self.work.side_queue.pop_front() {
            self.start_side(next);
        }
    }

    /// One request answered.
    async fn handle_answer(
        &mut self,
        done: Result<(tokio::task::Id, Answer), tokio::task::JoinError>,
    ) -> SessionEnd {
        let answer = match done {
            Ok((task, answer)) => {
                self.work.inspect_tasks.remove(&task);
                answer
            }
            Err(e) => {
                // A read that panicked: free its slot so its container is not stuck.
                log::warn!("{}: a request failed: {e}", self.endpoint.url);
                match self.work.inspect_tasks.remove(&e.id()) {
                    Some(id) => {
                        if let Some(next) = self.work.inspects.finished(&id).next {
                            self.spawn_inspect(next);
                        }
                    }
                    None => self.side_done(),
                }
                return Ok(());
            }
        };
        match answer {
            Answer::Container { job, result } => self.inspected(job, *result).await,
            Answer::Exec {
                exec_id,
                container,
                payload,
                received,
                result,
            } => {
                self.side_done();
                let facts = match *result {
                    Ok(facts) => facts,
                    Err(e) => {
                        log::debug!("{}: exec {exec_id}: {e}", self.endpoint.url);
                        exec_from_event(&exec_id, &container, payload.as_deref())
                    }
                };
                let alerts = self.pipeline.on_exec(&facts);
                self.send_alerts(alerts, received).await
            }
            Answer::Volume {
                name,
                received,
                result,
            } => {
                self.side_done();
                match *result {
                    Ok(backing) => {
                        if backing.is_bind {
                            let device = backing.device.unwrap_or_default();
                            let alerts = self.pipeline.on_bind_volume(&name, &device);
                            self.send_alerts(alerts, received).await?;
                        }
                    }
                    Err(e) if e.is_gone() => {}
                    Err(e) => log::warn!("{}: reading volume {name}: {e}", self.endpoint.url),
                }
                Ok(())
            }
        }
    }

    /// A container inspect answered. The next inspect (the same container again if events
    /// came meanwhile) starts first; then the facts go to the rules and the console.
    async fn inspected(
        &mut self,
        job: Job,
        result: Result<Option<ContainerFacts>, InventoryError>,
    ) -> SessionEnd {
        let finished = self.work.inspects.finished(&job.id);
        if let Some(next) = finished.next {
            self.spawn_inspect(next);
        }
        let Job {
            id,
            action,
            received,
        } = job;
        match result {
            // Removed while in flight: the launch rules still see it, the row stays gone.
            Ok(Some(facts)) if finished.removed => match received {
                Some(at) => {
                    let alerts = self.pipeline.on_inspected_removed(&action, &facts);
                    self.send_alerts(alerts, at).await
                }
                None => Ok(()),
            },
            Ok(Some(facts)) => {
                let inspected = self
                    .pipeline
                    .on_inspected(received.map(|_| action.as_str()), facts);
                let alerts = inspected.alerts;
                let at = received.unwrap_or_else(Instant::now);
                self.send(DataEvent::Upsert {
                    host: self.host,
                    container: Box::new(inspected.graded),
                    regraded: inspected.regraded,
                    cause: Some(action),
                    received: at,
                })
                .await?;
                self.send_alerts(alerts, at).await
            }
            Ok(None) if finished.removed => Ok(()),
            Ok(None) => {
                let regraded = self.pipeline.remove(&id);
                self.send(DataEvent::Removed {
                    host: self.host,
                    id,
                    regraded,
                })
                .await
            }
            Err(e) if finished.removed => {
                log::debug!("{}: inspect of removed {id}: {e}", self.endpoint.url);
                Ok(())
            }
            Err(e) => {
                self.send(DataEvent::Error {
                    host: self.host,
                    message: e.to_string(),
                })
                .await
            }
        }
    }

    /// `/info` + `/version`, then every container. Returns how many containers there are.
    async fn full_inventory(&mut self) -> Result<usize, WatchError> {
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
        let host = host?;
        let containers = containers?;
        let (posture, containers) = self.pipeline.replace_inventory(host, containers);
        self.send(DataEvent::Host {
            host: self.host,
            posture: Box::new(posture),
            regraded: Vec::new(),
        })
        .await?;
        let count = containers.len();
        self.send(DataEvent::Snapshot {
            host: self.host,
            containers,
        })
        .await?;
        Ok(count)
    }

    /// List (no inspects) and reconcile: inspect only new or changed containers.
    async fn light_resync(&mut self) -> SessionEnd {
        let list = self
            .docker
            .list_containers(&ListFilter::default())
            .await
            .map_err(WatchError::Resync)?;
        let mut listed = HashSet::new();
        let mut changed = Vec::new();
        for s in list {
            let id = s.id;
            let state = s.state;
            let differs = self
                .pipeline
                .state_of(&id)
                .is_none_or(|known| known != state);
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
            let regraded = self.pipeline.remove(&id);
            self.work.inspects.removed(&id);
            self.send(DataEvent::Removed {
                host: self.host,
                id,
                regraded,
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
        for (id, action) in changed {
            self.request_inspect(&id, &action, None);
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "task_tests.rs"]
mod tests;
