//! An in-memory Docker daemon for tests: containers, volumes, exec sessions, `top`,
//! `changes` and logs as plain model values; scripted event streams; injected failures;
//! a log of every call.
//!
//! ```no_run
//! # async fn demo() {
//! use seawall::docker::fake::{FakeDocker, Op};
//! use seawall::docker::{DockerApi, DockerError};
//! let fake = FakeDocker::new();
//! fake.add_container(FakeDocker::container("c1", "web", "running", &["front", "back"]));
//! // The next `events()` call follows this feed; dropping it ends the stream.
//! let feed = fake.event_feed();
//! // The disconnect from `back` fails, every time.
//! fake.fail(Op::DisconnectNetwork, Some("back"), DockerError::from_status(500, "boom"));
//! assert!(fake.disconnect_network("back", "c1").await.is_err());
//! assert_eq!(fake.count(Op::DisconnectNetwork), 1);
//! # drop(feed);
//! # }
//! ```
//!
//! A clone shares the same daemon; the fake is also its own [`Connector`].

use super::error::DockerError;
use super::port::{
    Connector, DAEMON_EVENT_HISTORY, DockerApi, EventHistory, EventStream, ListFilter, LogTail,
    Top, time_param_nano,
};
use super::{Cause, ConnectError, Endpoint, EndpointSource, Transport};
use crate::model::{
    ContainerFacts, ContainerState, ContainerSummary, DockerEvent, ExecFacts, FileChange,
    HostFacts, NetworkAttachment, VolumeBacking,
};
use futures_util::StreamExt;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::mpsc;

/// The operations of the port (and connecting), for failure injection and the call log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Connect,
    Ping,
    HostFacts,
    List,
    Inspect,
    InspectRaw,
    Events,
    EventHistory,
    Top,
    Changes,
    Logs,
    ExecInspect,
    ListVolumes,
    InspectVolume,
    ConnectNetwork,
    DisconnectNetwork,
    InspectNetwork,
    Pause,
    Unpause,
    Stop,
}

/// One call the fake answered (or failed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub op: Op,
    /// The container id, network, volume or exec id; the `since` of an events call.
    pub target: String,
    pub at: tokio::time::Instant,
}

#[derive(Debug)]
struct Injected {
    op: Op,
    target: Option<String>,
    error: DockerError,
    /// `None`: every time.
    times: Option<usize>,
}

type FeedItem = Result<DockerEvent, DockerError>;

/// Runs when a call of its operation arrives, before the fake answers it.
type Hook = Arc<dyn Fn(&FakeDocker, &str) + Send + Sync>;

#[derive(Default)]
struct State {
    host: HostFacts,
    containers: BTreeMap<String, ContainerFacts>,
    raw: HashMap<String, serde_json::Value>,
    tops: HashMap<String, Top>,
    changes: HashMap<String, Vec<FileChange>>,
    logs: HashMap<String, Vec<u8>>,
    execs: HashMap<String, ExecFacts>,
    volumes: BTreeMap<String, VolumeBacking>,
    failures: Vec<Injected>,
    calls: Vec<Call>,
    feeds: VecDeque<mpsc::UnboundedReceiver<FeedItem>>,
    /// The times of the events the daemon keeps for a replay (its last 256, oldest first).
    history: VecDeque<i64>,
    stop_exit_code: Option<i64>,
    hooks: Vec<(Op, Hook)>,
    /// Networks whose connect answers OK but creates no endpoint (what Docker 20.10 can
    /// leave behind).
    hollow: std::collections::HashSet<String>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("containers", &self.containers.keys().collect::<Vec<_>>())
            .field("calls", &self.calls.len())
            .finish_non_exhaustive()
    }
}

/// The sending end of one scripted event stream. Dropping it ends the stream.
#[derive(Debug, Clone)]
pub struct EventFeed {
    tx: mpsc::UnboundedSender<FeedItem>,
}

impl EventFeed {
    /// Deliver one event (ignored once the stream is gone).
    pub fn send(&self, event: DockerEvent) {
        let _ = self.tx.send(Ok(event));
    }

    /// Deliver an error item (a [`DockerError::Malformed`] is skipped by the watch task;
    /// anything else breaks the stream).
    pub fn fail(&self, error: DockerError) {
        let _ = self.tx.send(Err(error));
    }

    /// Is the stream still followed?
    pub fn is_open(&self) -> bool {
        !self.tx.is_closed()
    }
}

/// The in-memory daemon (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct FakeDocker {
    state: Arc<Mutex<State>>,
}

fn not_found(what: &str, id: &str) -> DockerError {
    DockerError::from_status(404, &format!("No such {what}: {id}"))
}

impl FakeDocker {
    pub fn new() -> Self {
        FakeDocker::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An endpoint for the fake (`unix:///fake/docker.sock`).
    pub fn endpoint() -> Endpoint {
        Endpoint {
            url: "unix:///fake/docker.sock".into(),
            transport: Transport::Unix {
                path: "/fake/docker.sock".into(),
            },
            source: EndpointSource::Default,
        }
    }

    /// Run `hook` (with the fake and the call's target) whenever a call of `op` arrives,
    /// before it is answered: a container removed in the middle of an action, an event
    /// sent when the watch task reads something.
    pub fn before(&self, op: Op, hook: impl Fn(&FakeDocker, &str) + Send + Sync + 'static) {
        self.lock().hooks.push((op, Arc::new(hook)));
    }

    /// Facts of a container built from a minimal inspect document through the real
    /// converter: `state` is the daemon's status (`running`, `exited`, `paused`...), each
    /// network gets an endpoint and an address.
    pub fn container(id: &str, name: &str, state: &str, networks: &[&str]) -> ContainerFacts {
        let nets: serde_json::Map<String, serde_json::Value> = networks
            .iter()
            .enumerate()
            .map(|(i, n)| {
                (
                    n.to_string(),
                    serde_json::json!({
                        "NetworkID": format!("net-{n}"),
                        "EndpointID": format!("ep-{n}"),
                        "IPAddress": format!("10.0.{i}.2"),
                        "Aliases": [],
                    }),
                )
            })
            .collect();
        let mode = networks.first().copied().unwrap_or("default");
        let doc = serde_json::json!({
            "Id": id,
            "Name": format!("/{name}"),
            "Image": "sha256:0123",
            "State": {
                "Status": state,
                "Running": matches!(state, "running" | "paused" | "restarting"),
                "Paused": state == "paused",
                "ExitCode": 0,
            },
            "Config": {"Image": "busybox", "Labels": {}},
            "HostConfig": {"NetworkMode": mode},
            "NetworkSettings": {"Networks": nets},
        });
        let inspect: bollard::models::ContainerInspectResponse =
            serde_json::from_value(doc).expect("a valid inspect document");
        crate::model::convert::container_owned(inspect, &HashMap::new())
    }

    /// An event about a container (`action` may carry a payload: `exec_start: sh`).
    pub fn container_event(action: &str, id: &str, name: &str, time_nano: i64) -> DockerEvent {
        let (verb, payload) = match action.split_once(':') {
            Some((v, p)) => (v.trim().to_string(), Some(p.trim().to_string())),
            None => (action.to_string(), None),
        };
        DockerEvent {
            kind: crate::model::EventKind::Container,
            action: verb,
            payload,
            actor_id: id.to_string(),
            attributes: [("name".to_string(), name.to_string())].into(),
            time_nano,
        }
    }

    pub fn set_host(&self, host: HostFacts) {
        self.lock().host = host;
    }

    /// Add or replace a container.
    pub fn add_container(&self, facts: ContainerFacts) {
        self.lock().containers.insert(facts.id.clone(), facts);
    }

    /// Remove a container (as `docker rm -f` would).
    pub fn remove_container(&self, id: &str) {
        self.lock().containers.remove(id);
    }

    /// The container as the fake holds it now.
    pub fn get(&self, id: &str) -> Option<ContainerFacts> {
        self.lock().containers.get(id).cloned()
    }

    /// The raw inspect document of `id` as the daemon holds it (default: the facts
    /// serialised); `inspect_raw` answers it redacted, like the real adapter.
    pub fn set_raw(&self, id: &str, doc: serde_json::Value) {
        self.lock().raw.insert(id.to_string(), doc);
    }

    /// The processes of `id` as the daemon holds them; `top` answers them redacted, like
    /// the real adapter. (Containers and execs are model values: build them with
    /// `model::convert` when their secrets matter.)
    pub fn set_top(&self, id: &str, top: Top) {
        self.lock().tops.insert(id.to_string(), top);
    }

    pub fn set_changes(&self, id: &str, changes: Vec<FileChange>) {
        self.lock().changes.insert(id.to_string(), changes);
    }

    pub fn set_logs(&self, id: &str, bytes: &[u8]) {
        self.lock().logs.insert(id.to_string(), bytes.to_vec());
    }

    pub fn add_exec(&self, exec: ExecFacts) {
        self.lock().execs.insert(exec.id.clone(), exec);
    }

    pub fn add_volume(&self, name: &str, backing: VolumeBacking) {
        self.lock().volumes.insert(name.to_string(), backing);
    }

    /// From now on, a connect to `network` answers OK but leaves only an entry with no
    /// endpoint in the container's inspect, and the network does not list the container.
    pub fn connect_without_endpoint(&self, network: &str) {
        self.lock().hollow.insert(network.to_string());
    }

    /// Give `container` an entry for `network` with no endpoint (what a failed reconnect
    /// leaves on Docker 20.10): its inspect shows the network, the network does not list
    /// it.
    pub fn leave_stale_entry(&self, container: &str, network: &str) {
        let mut s = self.lock();
        if let Some(c) = find(&mut s, container) {
            c.attachments.retain(|a| a.name != network);
            c.attachments.push(NetworkAttachment {
                name: network.to_string(),
                network_id: format!("net-{network}"),
                ..NetworkAttachment::default()
            });
            c.attachments.sort_by(|a, b| a.name.cmp(&b.name));
            c.networks = c.attachments.iter().map(|a| a.name.clone()).collect();
        }
    }

    /// The exit code a stop leaves (default 143, a polite exit on SIGTERM).
    pub fn set_stop_exit_code(&self, code: i64) {
        self.lock().stop_exit_code = Some(code);
    }

    /// Script the next `events()` call: it follows the returned feed. Calls with no feed
    /// queued get a stream that never delivers and never ends.
    pub fn event_feed(&self) -> EventFeed {
        let (tx, rx) = mpsc::unbounded_channel();
        self.lock().feeds.push_back(rx);
        EventFeed { tx }
    }

    /// The daemon logged events at these times (in order): they join its history, which
    /// keeps only the last [`DAEMON_EVENT_HISTORY`] like dockerd. `event_history` answers
    /// from it; `events()` streams only what a feed sends.
    pub fn log_events(&self, times: impl IntoIterator<Item = i64>) {
        let mut s = self.lock();
        for t in times {
            if s.history.len() == DAEMON_EVENT_HISTORY {
                s.history.pop_front();
            }
            s.history.push_back(t);
        }
    }

    /// Fail every call of `op` (on `target` only, when given) with `error`.
    pub fn fail(&self, op: Op, target: Option<&str>, error: DockerError) {
        self.inject(op, target, error, None);
    }

    /// Fail the next `times` calls of `op` (on `target`, when given).
    pub fn fail_times(&self, op: Op, target: Option<&str>, error: DockerError, times: usize) {
        self.inject(op, target, error, Some(times));
    }

    fn inject(&self, op: Op, target: Option<&str>, error: DockerError, times: Option<usize>) {
        self.lock().failures.push(Injected {
            op,
            target: target.map(str::to_string),
            error,
            times,
        });
    }

    /// Drop every injected failure (and every [`FakeDocker::connect_without_endpoint`]).
    pub fn clear_failures(&self) {
        let mut s = self.lock();
        s.failures.clear();
        s.hollow.clear();
    }

    /// Every call so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// How many calls of `op`.
    pub fn count(&self, op: Op) -> usize {
        self.lock().calls.iter().filter(|c| c.op == op).count()
    }

    /// How many calls of `op` on `target`.
    pub fn count_on(&self, op: Op, target: &str) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.op == op && c.target == target)
            .count()
    }

    /// Log the call and answer an injected failure, if one matches.
    fn enter(&self, op: Op, target: &str) -> Result<MutexGuard<'_, State>, DockerError> {
        let hooks: Vec<Hook> = self
            .lock()
            .hooks
            .iter()
            .filter(|(o, _)| *o == op)
            .map(|(_, h)| Arc::clone(h))
            .collect();
        for hook in hooks {
            hook(self, target);
        }
        let mut s = self.lock();
        s.calls.push(Call {
            op,
            target: target.to_string(),
            at: tokio::time::Instant::now(),
        });
        let hit = s.failures.iter().position(|f| {
            f.op == op && f.target.as_deref().is_none_or(|t| t == target) && f.times != Some(0)
        });
        if let Some(i) = hit {
            let f = &mut s.failures[i];
            let error = f.error.clone();
            if let Some(n) = f.times.as_mut() {
                *n -= 1;
            }
            return Err(error);
        }
        Ok(s)
    }
}

/// Resolve `id` like the daemon: full id, name, then a unique id prefix.
fn find<'a>(s: &'a mut State, id: &str) -> Option<&'a mut ContainerFacts> {
    let key = s
        .containers
        .values()
        .find(|c| c.id == id || c.name == id)
        .or_else(|| {
            let mut m = s.containers.values().filter(|c| c.id.starts_with(id));
            match (m.next(), m.next()) {
                (Some(one), None) if !id.is_empty() => Some(one),
                _ => None,
            }
        })
        .map(|c| c.id.clone())?;
    s.containers.get_mut(&key)
}

fn found<'a>(s: &'a mut State, id: &str) -> Result<&'a mut ContainerFacts, DockerError> {
    find(s, id).ok_or_else(|| not_found("container", id))
}

impl DockerApi for FakeDocker {
    async fn ping(&self) -> Result<(), DockerError> {
        self.enter(Op::Ping, "").map(|_| ())
    }

    async fn host_facts(&self, endpoint: &str, plain_tcp: bool) -> Result<HostFacts, DockerError> {
        let s = self.enter(Op::HostFacts, "")?;
        Ok(HostFacts {
            endpoint: endpoint.to_string(),
            endpoint_plain_tcp: plain_tcp,
            containers_total: s.containers.len() as i64,
            ..s.host.clone()
        })
    }

    async fn list_containers(
        &self,
        filter: &ListFilter,
    ) -> Result<Vec<ContainerSummary>, DockerError> {
        let s = self.enter(Op::List, "")?;
        let label_ok = |c: &ContainerFacts, f: &str| match f.split_once('=') {
            Some((k, v)) => c.labels.get(k).is_some_and(|x| x == v),
            None => c.labels.contains_key(f),
        };
        Ok(s.containers
            .values()
            .filter(|c| !filter.running_only || c.state == ContainerState::Running)
            .filter(|c| filter.labels.iter().all(|f| label_ok(c, f)))
            .map(|c| ContainerSummary {
                id: c.id.clone(),
                names: vec![c.name.clone()],
                state: c.state,
            })
            .collect())
    }

    async fn inspect_container(&self, id: &str) -> Result<ContainerFacts, DockerError> {
        let mut s = self.enter(Op::Inspect, id)?;
        found(&mut s, id).cloned()
    }

    async fn inspect_raw(&self, id: &str) -> Result<serde_json::Value, DockerError> {
        let mut s = self.enter(Op::InspectRaw, id)?;
        let facts = found(&mut s, id)?.clone();
        let mut doc = match s.raw.get(&facts.id) {
            Some(doc) => doc.clone(),
            None => serde_json::to_value(&facts).unwrap_or_default(),
        };
        // Redacted on the way out, like the real adapter.
        crate::redact::redact_json(&mut doc);
        Ok(doc)
    }

    fn events(&self, since: Option<String>, _types: &[&str]) -> EventStream {
        match self.enter(Op::Events, since.as_deref().unwrap_or("")) {
            Err(e) => futures_util::stream::once(async move { Err(e) }).boxed(),
            Ok(mut s) => match s.feeds.pop_front() {
                Some(rx) => tokio_stream_of(rx),
                None => futures_util::stream::pending().boxed(),
            },
        }
    }

    async fn event_history(
        &self,
        since: &str,
        until: &str,
        bound: usize,
    ) -> Result<EventHistory, DockerError> {
        let s = self.enter(Op::EventHistory, &format!("{since}..{until}"))?;
        let bad = |what: &str| DockerError::from_status(400, &format!("bad {what} time"));
        let since = time_param_nano(since).ok_or_else(|| bad("since"))?;
        let until = time_param_nano(until).ok_or_else(|| bad("until"))?;
        // Like dockerd: from the newest back to the first one before `since`.
        let kept: Vec<i64> = s
            .history
            .iter()
            .rev()
            .take_while(|t| **t >= since)
            .filter(|t| **t <= until)
            .copied()
            .collect();
        // The answer comes oldest first: a bound cuts its newest events.
        let events = kept.len().min(bound);
        Ok(EventHistory {
            events,
            oldest_nano: kept.last().copied().filter(|_| events > 0),
        })
    }

    async fn top(&self, id: &str) -> Result<Top, DockerError> {
        let mut s = self.enter(Op::Top, id)?;
        let c = found(&mut s, id)?;
        if !c.state.is_live() {
            let message = format!("Container {} is not running", c.id);
            return Err(DockerError::from_status(409, &message));
        }
        let key = c.id.clone();
        let top = s.tops.get(&key).cloned().unwrap_or_default();
        // Redacted on the way out, like the real adapter.
        Ok(Top {
            titles: top.titles,
            processes: crate::model::convert::activity::top_rows(top.processes),
        })
    }

    async fn changes(&self, id: &str) -> Result<Vec<FileChange>, DockerError> {
        let mut s = self.enter(Op::Changes, id)?;
        let key = found(&mut s, id)?.id.clone();
        Ok(s.changes.get(&key).cloned().unwrap_or_default())
    }

    async fn logs_tail(&self, id: &str, _lines: usize) -> LogTail {
        match self.enter(Op::Logs, id) {
            Err(e) => LogTail {
                bytes: Vec::new(),
                broken: Some(e),
            },
            Ok(mut s) => match found(&mut s, id).map(|c| c.id.clone()) {
                Err(e) => LogTail {
                    bytes: Vec::new(),
                    broken: Some(e),
                },
                Ok(key) => LogTail {
                    bytes: s.logs.get(&key).cloned().unwrap_or_default(),
                    broken: None,
                },
            },
        }
    }

    async fn inspect_exec(&self, exec_id: &str) -> Result<ExecFacts, DockerError> {
        let s = self.enter(Op::ExecInspect, exec_id)?;
        s.execs
            .get(exec_id)
            .cloned()
            .ok_or_else(|| not_found("exec instance", exec_id))
    }

    async fn list_volumes(&self) -> Result<HashMap<String, VolumeBacking>, DockerError> {
        let s = self.enter(Op::ListVolumes, "")?;
        Ok(s.volumes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    async fn inspect_volume(&self, name: &str) -> Result<VolumeBacking, DockerError> {
        let s = self.enter(Op::InspectVolume, name)?;
        s.volumes
            .get(name)
            .cloned()
            .ok_or_else(|| not_found("volume", name))
    }

    async fn connect_network(
        &self,
        network: &str,
        container: &str,
        attachment: &NetworkAttachment,
    ) -> Result<(), DockerError> {
        let mut s = self.enter(Op::ConnectNetwork, network)?;
        let hollow = s.hollow.contains(network);
        let c = found(&mut s, container)?;
        if c.attachments.iter().any(|a| a.name == network) {
            let message = format!(
                "endpoint with name {} already exists in network {network}",
                c.name
            );
            return Err(DockerError::from_status(403, &message));
        }
        // A stopped container gets its endpoint when it starts.
        let endpoint_id =
            if hollow || !matches!(c.state, ContainerState::Running | ContainerState::Paused) {
                String::new()
            } else {
                format!("ep-{network}")
            };
        c.attachments.push(NetworkAttachment {
            name: network.to_string(),
            network_id: format!("net-{network}"),
            endpoint_id,
            ..attachment.clone()
        });
        c.attachments.sort_by(|a, b| a.name.cmp(&b.name));
        c.networks = c.attachments.iter().map(|a| a.name.clone()).collect();
        Ok(())
    }

    async fn network_containers(&self, network: &str) -> Result<Vec<String>, DockerError> {
        let s = self.enter(Op::InspectNetwork, network)?;
        Ok(s.containers
            .values()
            .filter(|c| matches!(c.state, ContainerState::Running | ContainerState::Paused))
            .filter(|c| {
                c.attachments.iter().any(|a| {
                    (a.name == network || a.network_id == network) && !a.endpoint_id.is_empty()
                })
            })
            .map(|c| c.id.clone())
            .collect())
    }

    async fn disconnect_network(&self, network: &str, container: &str) -> Result<(), DockerError> {
        let mut s = self.enter(Op::DisconnectNetwork, network)?;
        let c = found(&mut s, container)?;
        let before = c.attachments.len();
        c.attachments.retain(|a| a.name != network);
        if c.attachments.len() == before {
            let message = format!("container {} is not connected to network {network}", c.id);
            return Err(DockerError::from_status(500, &message));
        }
        c.networks = c.attachments.iter().map(|a| a.name.clone()).collect();
        Ok(())
    }

    async fn pause(&self, id: &str) -> Result<(), DockerError> {
        let mut s = self.enter(Op::Pause, id)?;
        let c = found(&mut s, id)?;
        if c.state != ContainerState::Running {
            let message = format!("Container {} is not running", c.id);
            return Err(DockerError::from_status(409, &message));
        }
        c.state = ContainerState::Paused;
        Ok(())
    }

    async fn unpause(&self, id: &str) -> Result<(), DockerError> {
        let mut s = self.enter(Op::Unpause, id)?;
        let c = found(&mut s, id)?;
        if c.state != ContainerState::Paused {
            let message = format!("Container {} is not paused", c.id);
            return Err(DockerError::from_status(409, &message));
        }
        c.state = ContainerState::Running;
        Ok(())
    }

    async fn stop(&self, id: &str, _grace: Duration) -> Result<(), DockerError> {
        let mut s = self.enter(Op::Stop, id)?;
        let code = s.stop_exit_code.unwrap_or(143);
        let c = found(&mut s, id)?;
        if c.state.is_live() {
            c.state = ContainerState::Exited;
            c.exit_code = Some(code);
        }
        Ok(())
    }
}

fn tokio_stream_of(mut rx: mpsc::UnboundedReceiver<FeedItem>) -> EventStream {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)).boxed()
}

impl Connector for FakeDocker {
    type Api = FakeDocker;

    async fn connect(&self, endpoint: &Endpoint, timeout: Duration) -> Result<Self, ConnectError> {
        match self.enter(Op::Connect, &endpoint.url) {
            Ok(_) => Ok(self.clone()),
            Err(_) => Err(ConnectError::for_cause(endpoint, timeout, Cause::Refused)),
        }
    }
}
