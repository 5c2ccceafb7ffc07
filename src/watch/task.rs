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
use super::replay;
use super::schedule::Schedule;
use crate::activity::Alert;
use crate::docker::{
    BollardConnector, ConnectError, Connector, DockerApi, DockerError, Endpoint, ListFilter,
    Transport, port::time_param_nano,
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
    /// Bound on waiting for the headers of a request (`/events` included).
    pub request_timeout: Duration,
    /// The watchdog: a stream silent this long is checked with a list of the containers;
    /// changes it did not bring end the session (a notice, a reconnect, the replay).
    pub watchdog: Duration,
}

/// Default watchdog period.
pub const DEFAULT_WATCHDOG: Duration = Duration::from_secs(15);

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
            request_timeout: crate::docker::DEFAULT_REQUEST_TIMEOUT,
            watchdog: DEFAULT_WATCHDOG,
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
            request_timeout: config.request_timeout,
            watchdog: config.watchdog,
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
    #[error("the event stream brought nothing for {secs} s while {changed} container(s) changed")]
    StreamStalled { secs: u64, changed: usize },
}

impl WatchError {
    /// The daemon did not answer at all (worth a ping each second while waiting).
    fn is_unreachable(&self) -> bool {
        match self {
            WatchError::Connect(_) => true,
            WatchError::StreamBroke(e) | WatchError::Resync(e) => {
                matches!(e, DockerError::Unreachable(_) | DockerError::Timeout)
            }
            WatchError::Inventory(InventoryError::Api { source, .. }) => {
                matches!(source, DockerError::Unreachable(_) | DockerError::Timeout)
            }
            _ => false,
        }
    }
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

/// How long a stream must stay open without an error to count as up when it brings no
/// event: only then is the link Live, the backoff reset and a reconnect announced (a
/// stream that fails at once, 500 or truncated, is still the same outage). The very first
/// session of a task, with no outage behind it, is Live as soon as its inventory is read
/// and its stream opened: a quiet daemon brings no event, and the console would otherwise
/// say "connecting" for this long over a full table.
pub const STREAM_UP_AFTER: Duration = Duration::from_secs(3);

/// Longest wait for the daemon's event history at a reconnect (its answer ends at once
/// unless the daemon's clock is behind seawall's).
const HISTORY_WAIT: Duration = Duration::from_secs(5);

/// An outage of the event stream: when it began (for the notice) and whether the daemon
/// stopped answering at all (then a ping between backoff steps notices its return).
struct Outage {
    since: Instant,
    /// The span the daemon's history no longer covers was already reported (once per
    /// outage, however many attempts it takes).
    gap_told: bool,
}

/// Why a session ended, and what the next attempt should know.
struct Ended {
    reason: String,
    /// The stream was up (delivered, or stayed open a while): a new outage begins.
    was_up: bool,
    /// The daemon did not answer at all (connection refused, timeout...).
    unreachable: bool,
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
    let mut outage: Option<Outage> = None;
    // No session was up yet: the next one is Live once its stream is open.
    let mut never_up = true;
    // A client the last wait already connected (the daemon answered a ping).
    let mut ready: Option<C::Api> = None;
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
        let connected = match ready.take() {
            Some(docker) => Ok(docker),
            None => {
                connector
                    .connect_with(
                        &endpoint,
                        settings.connect_timeout,
                        settings.request_timeout,
                    )
                    .await
            }
        };
        let ended = match connected {
            Ok(docker) => {
                let mut session = Session {
                    host,
                    endpoint: &endpoint,
                    docker,
                    settings: &settings,
                    tx: &tx,
                    pipeline: &mut pipeline,
                    up: false,
                    up_when_open: never_up,
                    outage: &mut outage,
                    count: 0,
                    work: Work::new(settings.concurrency),
                    retries: HashMap::new(),
                };
                let end = session.run(&mut requests).await;
                let was_up = session.up;
                never_up &= !was_up;
                match end {
                    Ok(()) => return,
                    // The console is gone: nobody to report to.
                    Err(WatchError::Closed) => return,
                    Err(_) if tx.is_closed() => return,
                    Err(reason) => Ended {
                        unreachable: reason.is_unreachable(),
                        reason: reason.to_string(),
                        was_up,
                    },
                }
            }
            Err(e) => Ended {
                reason: WatchError::Connect(e).to_string(),
                was_up: false,
                unreachable: true,
            },
        };
        if ended.was_up {
            // A real outage begins: one notice, and the next attempt starts from 1 s.
            backoff = Duration::from_secs(1);
            if outage.is_none() {
                outage = Some(Outage {
                    since: Instant::now(),
                    gap_told: false,
                });
                let alert = notice::link_lost(chrono::Utc::now(), &ended.reason);
                let event = DataEvent::Alert {
                    host,
                    alert: Box::new(alert),
                    received: Instant::now(),
                };
                if tx.send(event).await.is_err() {
                    return;
                }
            }
        }
        log::warn!("{}: {}", endpoint.url, ended.reason);
        match wait_to_retry(
            &connector,
            host,
            &endpoint,
            &settings,
            &tx,
            &mut requests,
            &ended,
            backoff,
        )
        .await
        {
            Wait::Gone => return,
            Wait::Retry(docker) => ready = docker,
        }
        backoff = (backoff * 2).min(settings.max_backoff);
    }
}

/// How a wait before the next attempt ended.
enum Wait<D> {
    /// The receiver is gone.
    Gone,
    /// Try again (with the client the ping connected, when it did).
    Retry(Option<D>),
}

/// Wait `backoff` before the next attempt, counting down in the status each second. A
/// daemon that did not answer is pinged each second meanwhile, so its return is seen
/// within a second; a request from the user (`r`, SIGHUP) retries at once.
#[allow(clippy::too_many_arguments)]
async fn wait_to_retry<C: Connector>(
    connector: &C,
    host: HostId,
    endpoint: &Endpoint,
    settings: &WatchSettings,
    tx: &mpsc::Sender<DataEvent>,
    requests: &mut mpsc::UnboundedReceiver<WatchRequest>,
    ended: &Ended,
    backoff: Duration,
) -> Wait<C::Api> {
    let deadline = tokio::time::Instant::now() + backoff;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            return Wait::Retry(None);
        }
        let status = LinkStatus::Down {
            message: ended.reason.clone(),
            retry_in_secs: left.as_secs_f64().ceil() as u64,
        };
        if tx.send(DataEvent::Status { host, status }).await.is_err() {
            return Wait::Gone;
        }
        let step = left.min(Duration::from_secs(1));
        tokio::select! {
            _ = tokio::time::sleep(step) => {}
            req = requests.recv() => return match req {
                Some(_) => Wait::Retry(None),
                None => Wait::Gone,
            },
        }
        if ended.unreachable && !tokio::time::Instant::now().ge(&deadline) {
            let ping =
                connector.connect_with(endpoint, Duration::from_secs(1), settings.request_timeout);
            if let Ok(Ok(docker)) = tokio::time::timeout(Duration::from_secs(1), ping).await {
                log::info!("{}: the daemon answers again", endpoint.url);
                return Wait::Retry(Some(docker));
            }
        }
    }
}

struct Session<'a, D: DockerApi> {
    host: HostId,
    endpoint: &'a Endpoint,
    docker: D,
    settings: &'a WatchSettings,
    tx: &'a mpsc::Sender<DataEvent>,
    pipeline: &'a mut Pipeline,
    /// The stream delivered or stayed open [`STREAM_UP_AFTER`]: the link is Live, and a
    /// break is a new outage.
    up: bool,
    /// Up as soon as the stream is open (the task's first session: no outage to close, no
    /// backoff to protect).
    up_when_open: bool,
    /// The outage this session may end (its reconnect notice is sent once up).
    outage: &'a mut Option<Outage>,
    /// Containers in the last inventory (for the reconnect notice).
    count: usize,
    /// Requests started by events, answered beside the event stream.
    work: Work,
    /// Containers whose inspect failed: when to try again, the wait after that, the name.
    retries: HashMap<String, Retry>,
}

/// A container whose inspect failed, to be tried again.
struct Retry {
    at: tokio::time::Instant,
    wait: Duration,
    /// As the list or the last inspect named it.
    name: String,
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
        at: chrono::DateTime<chrono::Utc>,
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
        /// The event's time: the alert carries it (a replay is not "now").
        at: chrono::DateTime<chrono::Utc>,
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
    /// Containers an exec or a `docker cp` just touched (`true`: a copy): their changes
    /// and processes are read soon after, outside the poll budget; copies always,
    /// execs within [`poll::follow_ups_per_minute`].
    follow_up_wanted: Vec<(String, bool)>,
    follow_up_allowance: poll::Allowance,
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
            follow_up_allowance: poll::Allowance::new(0.0, 0.0, tokio::time::Instant::now()),
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

    /// Where the stream resumes: right at the last event seen (the repeat is dropped by the
    /// dedupe set); with none seen yet, where the first stream began, so nothing in a gap
    /// is skipped; the first time, a little before the inventory.
    fn since(&mut self) -> String {
        match self.pipeline.last_event_nano {
            Some(nanos) => since_param(nanos),
            None => self
                .pipeline
                .resume_since
                .get_or_insert_with(|| (chrono::Utc::now().timestamp() - 2).to_string())
                .clone(),
        }
    }

    /// After an outage: read the daemon's event history from the resume point `since` (one
    /// unfiltered request, counted, see [`super::replay`]) and say which span no replay can
    /// bring back, once per outage. A history that cannot be read only means seawall cannot
    /// tell: the reconnect goes on.
    async fn check_history(&mut self, since: &str) -> SessionEnd {
        if self.outage.as_ref().is_none_or(|o| o.gap_told) {
            return Ok(());
        }
        let Some(resume) = time_param_nano(since) else {
            return Ok(());
        };
        // Until now: the daemon answers what it has and ends the answer at once.
        let now = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(i64::MAX);
        let until = since_param(now.max(resume));
        let wait = self.settings.request_timeout.min(HISTORY_WAIT);
        let asked = self
            .docker
            .event_history(since, &until, replay::DAEMON_EVENT_HISTORY);
        let history = match tokio::time::timeout(wait, asked).await {
            Ok(Ok(history)) => history,
            Ok(Err(e)) => {
                log::warn!(
                    "{}: cannot tell whether the replay covers the gap: reading the daemon's \
                     event history failed: {e}",
                    self.endpoint.url
                );
                return Ok(());
            }
            Err(_) => {
                log::warn!(
                    "{}: cannot tell whether the replay covers the gap: the daemon's event \
                     history did not arrive within {} s",
                    self.endpoint.url,
                    wait.as_secs_f64()
                );
                return Ok(());
            }
        };
        log::debug!(
            "{}: the daemon's event history from the resume point: {} event(s), oldest {:?}",
            self.endpoint.url,
            history.events,
            history.oldest_nano
        );
        let Some(gap) = replay::shortfall(resume, &history) else {
            return Ok(());
        };
        log::warn!(
            "{}: the daemon's event history no longer reaches back to the resume point",
            self.endpoint.url
        );
        if let Some(outage) = self.outage.as_mut() {
            outage.gap_told = true;
        }
        let alert = notice::gap_uncovered(chrono::Utc::now(), gap.from_nano, gap.to_nano);
        self.send_alerts(vec![alert], Instant::now()).await
    }

    /// The stream is up (it delivered, or stayed open a while): Live, and the end of the
    /// outage it closes is announced once.
    async fn mark_up(&mut self) -> SessionEnd {
        if self.up {
            return Ok(());
        }
        self.up = true;
        self.send(DataEvent::Status {
            host: self.host,
            status: LinkStatus::Live,
        })
        .await?;
        if let Some(outage) = self.outage.take() {
            let alert = notice::reconnected(
                chrono::Utc::now(),
                self.count,
                outage.since.elapsed().as_secs(),
            );
            self.send_alerts(vec![alert], Instant::now()).await?;
        }
        Ok(())
    }

    async fn run(&mut self, requests: &mut mpsc::UnboundedReceiver<WatchRequest>) -> SessionEnd {
        let since = self.since();
        self.work.schedule = Schedule::new(self.settings.drift, self.settings.processes);
        self.work.polls = Poller::new(self.settings.poll_concurrency);
        self.work.follow_up_allowance = poll::Allowance::new(
            poll::follow_ups_per_minute(self.settings.poll_per_minute),
            poll::FOLLOW_UP_BURST,
            tokio::time::Instant::now(),
        );
        self.count = self.full_inventory().await?;
        // After an outage, before the replay: does the daemon's history reach back?
        self.check_history(&since).await?;

        let mut events = self
            .docker
            .events(Some(since), &EVENT_TYPES)
            .ready_chunks(256);
        let up_after = tokio::time::sleep(STREAM_UP_AFTER);
        tokio::pin!(up_after);
        if self.up_when_open {
            self.mark_up().await?;
        }
        let mut watchdog =
            (!self.settings.watchdog.is_zero()).then(|| poll_timer(self.settings.watchdog));
        // Did the stream bring anything since the watchdog's last look?
        let mut heard = false;
        let mut silent_since = Instant::now();
        let mut retry_timer = tokio::time::interval(Duration::from_secs(1));
        retry_timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
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
                    heard = true;
                    silent_since = Instant::now();
                    self.handle_batch(batch).await?;
                    // Up once it delivered a readable event (an error item alone is not).
                    if self.pipeline.last_event_nano.is_some() {
                        self.mark_up().await?;
                    }
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
                _ = &mut up_after, if !self.up => self.mark_up().await?,
                _ = tick(&mut watchdog) => {
                    if !std::mem::take(&mut heard) {
                        let changed = self.light_resync().await?;
                        if changed > 0 {
                            // Silent while the daemon changed: the stream is stalled.
                            let reason = WatchError::StreamStalled {
                                secs: silent_since.elapsed().as_secs(),
                                changed,
                            };
                            log::warn!("{}: {reason}", self.endpoint.url);
                            return Err(reason);
                        }
                    }
                }
                _ = retry_timer.tick(), if !self.retries.is_empty() => self.retry_due(),
                _ = resync.tick() => {
                    self.light_resync().await?;
                }
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

    /// Start the follow-up reads the last batch asked for (one at a time per container;
    /// an exec's only while the allowance lasts: past it, the container is still touched
    /// and the budget's slots read it).
    fn start_follow_ups(&mut self, poll_tx: &mpsc::Sender<PollResult>) {
        let changes = !self.settings.drift.is_zero();
        let processes = !self.settings.processes.is_zero();
        let now = tokio::time::Instant::now();
        for (id, copy) in std::mem::take(&mut self.work.follow_up_wanted) {
            if !(changes || processes) || self.work.follow_up_ids.contains(&id) {
                continue;
            }
            if !copy && !self.work.follow_up_allowance.take(now) {
                log::trace!("no follow-up of {}: allowance spent", poll::short(&id));
                continue;
            }
            self.work.follow_up_ids.insert(id.clone());
            log::trace!("follow-up reads of {}", poll::short(&id));
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
        let now = tokio::time::Instant::now();
        if let Some(id) = self.work.schedule.next(kind, now) {
            log::trace!(
                "{kind:?} slot: {} ({:?})",
                poll::short(&id),
                self.work.schedule.class(&id, now)
            );
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
                log::trace!(
                    "processes of {}: {} row(s), {} alert(s)",
                    poll::short(&id),
                    processes.len(),
                    alerts.len()
                );
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
                    self.pipeline.malformed += 1;
                    log::warn!(
                        "{}: skipped an unreadable event ({} so far): {message}",
                        self.endpoint.url,
                        self.pipeline.malformed
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
                let copy = exec.is_none();
                self.work.schedule.touched(&id, tokio::time::Instant::now());
                match self
                    .work
                    .follow_up_wanted
                    .iter_mut()
                    .find(|(w, _)| *w == id)
                {
                    Some((_, c)) => *c |= copy,
                    None => self.work.follow_up_wanted.push((id, copy)),
                }
            }
            if let Some((exec_id, container, payload)) = exec {
                self.start_side(SideJob::Exec {
                    exec_id,
                    container,
                    payload,
                    received,
                    at: super::pipeline::event_time(&ev),
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
                    let answer_pending = self.work.inspects.is_running(&id);
                    self.work.inspects.removed(&id);
                    // Its launch inspect never ran: the launch is reported from the event.
                    let unseen = if answer_pending {
                        Vec::new()
                    } else {
                        self.pipeline.on_gone(&id)
                    };
                    self.send(DataEvent::Removed {
                        host: self.host,
                        id,
                        regraded,
                    })
                    .await?;
                    self.send_alerts(unseen, received).await?;
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
                    at,
                } => {
                    let result = Box::new(docker.inspect_exec(&exec_id).await);
                    Answer::Exec {
                        exec_id,
                        container,
                        payload,
                        received,
                        at,
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
                at,
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
                let alerts = self.pipeline.on_exec_at(&facts, at);
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
        if result.is_ok() {
            self.retries.remove(&id);
        }
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
            // Gone before its inspect: a launch event still alerts, from what it said.
            Ok(None) if finished.removed => {
                let alerts = self.pipeline.on_gone(&id);
                self.send_alerts(alerts, received.unwrap_or_else(Instant::now))
                    .await
            }
            Ok(None) => {
                let alerts = self.pipeline.on_gone(&id);
                let regraded = self.pipeline.remove(&id);
                self.send(DataEvent::Removed {
                    host: self.host,
                    id,
                    regraded,
                })
                .await?;
                self.send_alerts(alerts, received.unwrap_or_else(Instant::now))
                    .await
            }
            Err(e) if finished.removed => {
                log::debug!("{}: inspect of removed {id}: {e}", self.endpoint.url);
                Ok(())
            }
            Err(InventoryError::Api { source, .. }) => {
                // Named, kept as it was, and tried again with backoff.
                let name = self
                    .pipeline
                    .container(&id)
                    .map(|c| c.name.clone())
                    .or_else(|| self.retries.get(&id).map(|r| r.name.clone()))
                    .unwrap_or_default();
                let wait = self.schedule_retry(&id, &name);
                let unread = inventory::Unread {
                    id,
                    name,
                    state: crate::model::ContainerState::Unknown,
                    error: source,
                };
                self.send(DataEvent::Unread {
                    host: self.host,
                    line: format!("{}; retrying in {} s", unread.describe(), wait.as_secs()),
                    id: unread.id,
                })
                .await
            }
        }
    }

    /// Try a failed inspect again later: 2 s, then twice as long each time, up to a minute.
    fn schedule_retry(&mut self, id: &str, name: &str) -> Duration {
        let wait = self.retries.get(id).map_or(Duration::from_secs(2), |r| {
            (r.wait * 2).min(Duration::from_secs(60))
        });
        let retry = Retry {
            at: tokio::time::Instant::now() + wait,
            wait,
            name: name.to_string(),
        };
        self.retries.insert(id.to_string(), retry);
        wait
    }

    /// Start the inspects whose retry time has come.
    fn retry_due(&mut self) {
        let now = tokio::time::Instant::now();
        let due: Vec<String> = self
            .retries
            .iter()
            .filter(|(_, r)| r.at <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in due {
            if let Some(r) = self.retries.get_mut(&id) {
                // Not again until this one answers (its answer reschedules or clears it).
                r.at = now + Duration::from_secs(3600);
            }
            self.request_inspect(&id, "retry", None);
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
        let inventory::Partial {
            read: containers,
            unread,
        } = containers?;
        let (posture, containers) = self.pipeline.replace_inventory(host, containers);
        self.send(DataEvent::Host {
            host: self.host,
            posture: Box::new(posture),
            regraded: Vec::new(),
        })
        .await?;
        let count = containers.len() + unread.len();
        self.send(DataEvent::Snapshot {
            host: self.host,
            containers,
        })
        .await?;
        // The others are graded and live; these are named and tried again with backoff.
        for u in unread {
            let wait = self.schedule_retry(&u.id, &u.name);
            self.send(DataEvent::Unread {
                host: self.host,
                line: format!("{}; retrying in {} s", u.describe(), wait.as_secs()),
                id: u.id,
            })
            .await?;
        }
        Ok(count)
    }

    /// List (no inspects) and reconcile: inspect only new or changed containers. A
    /// container new or started since seawall last saw it goes to the launch rules like one
    /// an event announced. Returns how many containers changed or went.
    async fn light_resync(&mut self) -> Result<usize, WatchError> {
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
            let known = self.pipeline.state_of(&id);
            if known.is_none_or(|known| known != state) && !self.retries.contains_key(&id) {
                let running = state == crate::model::ContainerState::Running;
                let cause = match known {
                    None if running => "start",
                    None => "create",
                    Some(k) if running && k != crate::model::ContainerState::Running => "start",
                    Some(_) => "resync",
                };
                changed.push((id.clone(), cause.to_string()));
            }
            listed.insert(id);
        }
        let gone: Vec<String> = self
            .pipeline
            .container_ids()
            .into_iter()
            .filter(|id| !listed.contains(id))
            .collect();
        let mut found = changed.len() + gone.len();
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
        if found > 0 {
            log::warn!(
                "{}: resync found {found} container(s) changed that no event brought",
                self.endpoint.url,
            );
        }
        let now = Instant::now();
        for (id, action) in changed {
            // An inspect already in flight for it: the events are ahead of the list.
            if self.work.inspects.is_busy(&id) {
                found -= 1;
                continue;
            }
            let launch = crate::activity::launch::launch_verb(&action).is_some();
            self.request_inspect(&id, &action, launch.then_some(now));
        }
        Ok(found)
    }
}

#[cfg(test)]
#[path = "task_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "fleet_tests.rs"]
mod fleet_tests;

#[cfg(test)]
#[path = "busy_tests.rs"]
mod busy_tests;
