//! One task per daemon: connect (with backoff), read the inventory, then follow `/events`,
//! re-inspecting only the containers an event touches. A slow list-only resync catches
//! anything missed. Nothing polls every container.

use super::event::{DataEvent, HostId, LinkStatus, WatchRequest};
use crate::docker::{Endpoint, Transport, connect};
use crate::inventory::{self, Selection};
use crate::model::ContainerState;
use bollard::Docker;
use bollard::models::EventMessage;
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
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            connect_timeout: Duration::from_secs(10),
            concurrency: inventory::DEFAULT_CONCURRENCY,
            resync: Duration::from_secs(60),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// Container event actions that can change what seawall shows.
const CONTAINER_ACTIONS: &[&str] = &[
    "create",
    "start",
    "restart",
    "die",
    "stop",
    "kill",
    "oom",
    "destroy",
    "update",
    "rename",
    "pause",
    "unpause",
    "health_status",
];

/// What one event asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventEffect {
    /// Re-inspect this container.
    Inspect {
        id: String,
        action: String,
    },
    /// The container is gone.
    Remove {
        id: String,
    },
    Ignore,
}

/// Classify an event (pure; see `docs` in `shared/reference/events.md`). seawall's own
/// `top` calls and exec events do not change a container's configuration.
pub fn classify_event(ev: &EventMessage) -> EventEffect {
    let typ = ev.typ.map(|t| t.to_string()).unwrap_or_default();
    let action = ev.action.as_deref().unwrap_or("");
    // `exec_start: sh -c id` and `health_status: healthy` carry a payload after ": ".
    let verb = action.split(':').next().unwrap_or("").trim();
    let actor = ev.actor.as_ref();
    match typ.as_str() {
        "container" => {
            let Some(id) = actor.and_then(|a| a.id.clone()).filter(|i| !i.is_empty()) else {
                return EventEffect::Ignore;
            };
            if verb == "destroy" {
                EventEffect::Remove { id }
            } else if CONTAINER_ACTIONS.contains(&verb) {
                EventEffect::Inspect {
                    id,
                    action: verb.to_string(),
                }
            } else {
                EventEffect::Ignore
            }
        }
        "network" if verb == "connect" || verb == "disconnect" => actor
            .and_then(|a| a.attributes.as_ref())
            .and_then(|attrs| attrs.get("container").cloned())
            .map(|id| EventEffect::Inspect {
                id,
                action: format!("network {verb}"),
            })
            .unwrap_or(EventEffect::Ignore),
        _ => EventEffect::Ignore,
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
                    known: HashMap::new(),
                };
                match session.run(&mut requests, &mut backoff).await {
                    Ok(()) => return,
                    // The console is gone: nobody to report to.
                    Err(_) if tx.is_closed() => return,
                    Err(reason) => reason,
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
    /// What the console currently knows: id -> state, for the list-only resync.
    known: HashMap<String, ContainerState>,
}

/// `Err` carries why the session ended (the task reconnects); `Ok` means the console is gone.
type SessionEnd = Result<(), String>;

impl Session<'_> {
    async fn send(&self, event: DataEvent) -> SessionEnd {
        self.tx.send(event).await.map_err(|_| String::new())
    }

    async fn run(
        &mut self,
        requests: &mut mpsc::UnboundedReceiver<WatchRequest>,
        backoff: &mut Duration,
    ) -> SessionEnd {
        // Subscribe from a little before the inventory so nothing falls in between;
        // replayed events only cause a harmless re-inspect.
        let since = (chrono::Utc::now().timestamp() - 2).to_string();
        self.full_inventory().await?;
        *backoff = Duration::from_secs(1);
        self.send(DataEvent::Status {
            host: self.host,
            status: LinkStatus::Live,
        })
        .await
        .ok();

        let mut filters = HashMap::new();
        filters.insert(
            "type".to_string(),
            vec!["container".to_string(), "network".to_string()],
        );
        let options = EventsOptions {
            since: Some(since),
            filters: Some(filters),
            ..Default::default()
        };
        let mut events = self.docker.events(Some(options)).ready_chunks(256);
        let mut resync = tokio::time::interval(self.settings.resync);
        resync.tick().await;

        loop {
            tokio::select! {
                batch = events.next() => {
                    let Some(batch) = batch else {
                        return Err("the event stream ended (daemon restarted?)".into());
                    };
                    let received = Instant::now();
                    let mut inspect: Vec<(String, String)> = Vec::new();
                    let mut seen = HashSet::new();
                    for item in batch {
                        let ev = item.map_err(|e| format!("the event stream broke: {e}"))?;
                        match classify_event(&ev) {
                            EventEffect::Inspect { id, action } => {
                                if seen.insert(id.clone()) {
                                    inspect.push((id, action));
                                }
                            }
                            EventEffect::Remove { id } => {
                                inspect.retain(|(i, _)| *i != id);
                                seen.insert(id.clone());
                                self.known.remove(&id);
                                self.send(DataEvent::Removed { host: self.host, id }).await?;
                            }
                            EventEffect::Ignore => {}
                        }
                    }
                    self.inspect_many(inspect, Some(received)).await?;
                }
                _ = resync.tick() => self.light_resync().await?,
                req = requests.recv() => match req {
                    None => return Ok(()),
                    Some(WatchRequest::Resync) => self.full_inventory().await?,
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

    /// `/info` + `/version`, then every container.
    async fn full_inventory(&mut self) -> SessionEnd {
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
        self.send(DataEvent::Host {
            host: self.host,
            facts: Box::new(host),
        })
        .await?;
        self.known = containers.iter().map(|c| (c.id.clone(), c.state)).collect();
        self.send(DataEvent::Snapshot {
            host: self.host,
            containers,
        })
        .await
    }

    /// Re-inspect a set of containers, a few at a time.
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
                    self.known.insert(id, facts.state);
                    self.send(DataEvent::Upsert {
                        host: self.host,
                        container: Box::new(facts),
                        cause: Some(action),
                        received: received.unwrap_or_else(Instant::now),
                    })
                    .await?;
                }
                Ok(None) => {
                    self.known.remove(&id);
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
                .known
                .get(&id)
                .is_none_or(|known| known.as_str() != state);
            if differs {
                changed.push((id.clone(), "resync".to_string()));
            }
            listed.insert(id);
        }
        let gone: Vec<String> = self
            .known
            .keys()
            .filter(|id| !listed.contains(*id))
            .cloned()
            .collect();
        for id in gone {
            self.known.remove(&id);
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

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::{EventActor, EventMessageTypeEnum};

    fn ev(
        typ: EventMessageTypeEnum,
        action: &str,
        id: &str,
        attrs: &[(&str, &str)],
    ) -> EventMessage {
        EventMessage {
            typ: Some(typ),
            action: Some(action.into()),
            actor: Some(EventActor {
                id: Some(id.into()),
                attributes: Some(
                    attrs
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn lifecycle_events_reinspect_and_destroy_removes() {
        use EventMessageTypeEnum::CONTAINER;
        for action in [
            "create", "start", "die", "update", "rename", "pause", "unpause",
        ] {
            assert_eq!(
                classify_event(&ev(CONTAINER, action, "abc", &[])),
                EventEffect::Inspect {
                    id: "abc".into(),
                    action: action.into()
                }
            );
        }
        assert_eq!(
            classify_event(&ev(CONTAINER, "health_status: unhealthy", "abc", &[])),
            EventEffect::Inspect {
                id: "abc".into(),
                action: "health_status".into()
            }
        );
        assert_eq!(
            classify_event(&ev(CONTAINER, "destroy", "abc", &[])),
            EventEffect::Remove { id: "abc".into() }
        );
    }

    #[test]
    fn own_top_calls_and_execs_are_ignored() {
        use EventMessageTypeEnum::CONTAINER;
        for action in [
            "top",
            "exec_create: sh",
            "exec_start: sh",
            "exec_die",
            "attach",
            "resize",
        ] {
            assert_eq!(
                classify_event(&ev(CONTAINER, action, "abc", &[])),
                EventEffect::Ignore,
                "{action}"
            );
        }
    }

    #[test]
    fn network_connect_reinspects_the_container() {
        let e = ev(
            EventMessageTypeEnum::NETWORK,
            "connect",
            "netid",
            &[("container", "abc"), ("name", "appnet")],
        );
        assert_eq!(
            classify_event(&e),
            EventEffect::Inspect {
                id: "abc".into(),
                action: "network connect".into()
            }
        );
        let e = ev(
            EventMessageTypeEnum::NETWORK,
            "create",
            "netid",
            &[("name", "appnet")],
        );
        assert_eq!(classify_event(&e), EventEffect::Ignore);
    }
}
