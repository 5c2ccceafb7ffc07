//! The state of one daemon's watch task, kept for the life of the task so that baselines
//! survive reconnects: the [`Grader`] (the only copy of the daemon's facts, graded here, on
//! the watch task), the activity rule [`Engine`], the replay dedupe sets and where the event
//! stream left off. No IO: the task does the requests this asks for ([`EventWork`]) and
//! hands the answers back; graded results go to the console as they are.

use super::dedup::{EventKey, RECENT_CAPACITY, RecentSet};
use crate::activity::{Alert, Engine};
use crate::model::{
    ContainerFacts, ContainerState, DockerEvent, EventKind, ExecFacts, Healthcheck, HostFacts,
};
use crate::risk::{GradedContainer, GradedHost, Grader};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use std::time::Instant;

/// Container event actions that can change what seawall shows (re-inspect the container).
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

/// What one event asks of the container inventory.
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

/// Classify an event for the inventory (pure; see `shared/reference/events.md`). seawall's
/// own `top` calls and exec events do not change a container's configuration.
pub fn classify_event(ev: &DockerEvent) -> EventEffect {
    match ev.kind {
        EventKind::Container => {
            if ev.actor_id.is_empty() {
                return EventEffect::Ignore;
            }
            let id = ev.actor_id.clone();
            if ev.action == "destroy" {
                EventEffect::Remove { id }
            } else if CONTAINER_ACTIONS.contains(&ev.action.as_str()) {
                EventEffect::Inspect {
                    id,
                    action: ev.action.clone(),
                }
            } else {
                EventEffect::Ignore
            }
        }
        EventKind::Network if ev.action == "connect" || ev.action == "disconnect" => ev
            .attr("container")
            .filter(|c| !c.is_empty())
            .map(|id| EventEffect::Inspect {
                id: id.to_string(),
                action: format!("network {}", ev.action),
            })
            .unwrap_or(EventEffect::Ignore),
        _ => EventEffect::Ignore,
    }
}

/// What the task must do for one new event, besides sending `alerts`.
#[derive(Debug, Default)]
pub struct EventWork {
    /// Alerts the event itself raised.
    pub alerts: Vec<Alert>,
    /// An exec session seen for the first time: `(exec id, container id, command from the
    /// event)`; inspect it and pass the answer to [`Pipeline::on_exec`].
    pub exec: Option<(String, String, Option<String>)>,
    /// A volume just created: read it and, if it is a bind, call [`Pipeline::on_bind_volume`].
    pub volume: Option<String>,
    /// What the inventory needs.
    pub effect: Option<EventEffect>,
    /// With a `destroy`: the containers that joined the removed one's namespaces, regraded.
    pub regraded: Vec<GradedContainer>,
}

/// A container re-inspected: the alerts it raised, itself graded, and the containers that
/// join its namespaces, regraded.
#[derive(Debug)]
pub struct Inspected {
    pub alerts: Vec<Alert>,
    pub graded: GradedContainer,
    pub regraded: Vec<GradedContainer>,
}

/// One daemon's activity state.
#[derive(Debug)]
pub struct Pipeline {
    engine: Engine,
    /// The host facts and the latest inspect of every container: grading reads them, so
    /// do the exec and health rules.
    grader: Grader,
    recent: RecentSet<EventKey>,
    execs: RecentSet<String>,
    /// Containers whose healthcheck `Test` the engine has been told (or could not be read).
    health_known: HashSet<String>,
    /// `timeNano` of the newest event handled: where a reconnect resumes.
    pub last_event_nano: Option<i64>,
    /// When the stream was lost, while no reconnect notice has been sent.
    pub lost_at: Option<Instant>,
    /// Launch events (`create`, `start`, `restart`) whose inspect has not answered yet:
    /// the alert then carries the event's time, and a container gone before its inspect
    /// is still reported from what the event said.
    launches: HashMap<String, LaunchEvent>,
    /// Event messages that could not be read (skipped).
    pub malformed: u64,
    /// The `since` of the first stream, kept while no event was seen: a reconnect then
    /// resumes there, not at "now".
    pub resume_since: Option<String>,
}

/// What a launch event said of its container.
#[derive(Debug, Clone)]
struct LaunchEvent {
    cause: String,
    time: DateTime<Utc>,
    name: String,
    image: String,
}

/// Most launch events kept waiting for their inspect (a flood of creates is not allowed
/// to grow memory; past this, alerts take the inspect's time).
const MAX_PENDING_LAUNCHES: usize = 4096;

/// The time of an event, or now when it has none.
pub fn event_time(ev: &DockerEvent) -> DateTime<Utc> {
    if ev.time_nano > 0 {
        DateTime::from_timestamp_nanos(ev.time_nano)
    } else {
        Utc::now()
    }
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline {
            engine: Engine::new(),
            grader: Grader::default(),
            recent: RecentSet::new(RECENT_CAPACITY),
            execs: RecentSet::new(RECENT_CAPACITY),
            health_known: HashSet::new(),
            last_event_nano: None,
            lost_at: None,
            launches: HashMap::new(),
            malformed: 0,
            resume_since: None,
        }
    }
}

impl Pipeline {
    pub fn new() -> Self {
        Pipeline::default()
    }

    /// `/info` + `/version` were read again, on their own: every container is regraded.
    pub fn set_host(&mut self, host: HostFacts) -> (GradedHost, Vec<GradedContainer>) {
        self.grader.set_host(host)
    }

    /// A full inventory with the host facts read beside it: replaces every container
    /// (baselines of the ones gone are dropped) and grades the daemon.
    pub fn replace_inventory(
        &mut self,
        host: HostFacts,
        containers: Vec<ContainerFacts>,
    ) -> (GradedHost, Vec<GradedContainer>) {
        let now: HashSet<&str> = containers.iter().map(|c| c.id.as_str()).collect();
        let gone: Vec<String> = self
            .grader
            .ids()
            .into_iter()
            .filter(|id| !now.contains(id.as_str()))
            .collect();
        for id in gone {
            self.forget(&id);
        }
        self.grader.replace_all(host, containers)
    }

    /// The state seawall last saw of each container (for the list-only resync).
    pub fn state_of(&self, id: &str) -> Option<ContainerState> {
        self.grader.state_of(id)
    }

    pub fn container_ids(&self) -> Vec<String> {
        self.grader.ids()
    }

    pub fn container(&self, id: &str) -> Option<&ContainerFacts> {
        self.grader.get(id)
    }

    /// Ids of the running containers (the ones drift and process polls read).
    pub fn running_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .grader
            .containers()
            .filter(|c| c.state == ContainerState::Running)
            .map(|c| c.id.clone())
            .collect();
        ids.sort();
        ids
    }

    /// Must the healthcheck `Test` of this event's container be read before the event is
    /// handled? True for the first exec event of a container with a configured healthcheck:
    /// with the exact command the rules tell probes from people.
    pub fn needs_healthcheck_test(&self, ev: &DockerEvent) -> bool {
        ev.kind == EventKind::Container
            && matches!(ev.action.as_str(), "exec_create" | "exec_start")
            && !self.health_known.contains(&ev.actor_id)
            && self
                .grader
                .get(&ev.actor_id)
                .is_some_and(|c| matches!(c.healthcheck, Healthcheck::Configured { .. }))
    }

    /// The healthcheck `Test` of a container (`None`: it could not be read; the rules then
    /// fall back to recognising probes by their shape).
    pub fn note_healthcheck(&mut self, container_id: &str, test: Option<Vec<String>>) {
        self.health_known.insert(container_id.to_string());
        if let Some(test) = test {
            self.engine.note_healthcheck(container_id, test);
        }
    }

    /// A container is gone. Returns the containers that joined its namespaces, regraded.
    #[must_use = "the regraded containers go to the console"]
    pub fn remove(&mut self, id: &str) -> Vec<GradedContainer> {
        self.health_known.remove(id);
        self.engine.forget(id);
        self.grader.remove(id)
    }

    /// Drop a container's activity state (its facts go with the grader's replace).
    fn forget(&mut self, id: &str) {
        self.health_known.remove(id);
        self.engine.forget(id);
    }

    /// One `/events` message. `None` when it is a repeat (a reconnect's replay) or one of
    /// seawall's own `top` calls.
    pub fn on_event(&mut self, ev: &DockerEvent) -> Option<EventWork> {
        if ev.time_nano > 0 {
            self.last_event_nano = Some(self.last_event_nano.unwrap_or(0).max(ev.time_nano));
        }
        if !self.recent.insert(EventKey::of(ev)) {
            return None;
        }
        let effect = classify_event(ev);
        if ev.kind == EventKind::Container && ev.action == "top" {
            return Some(EventWork {
                effect: Some(effect),
                ..EventWork::default()
            });
        }
        let container = match ev.kind {
            EventKind::Container => self.grader.get(&ev.actor_id),
            EventKind::Network => ev.attr("container").and_then(|id| self.grader.get(id)),
            _ => None,
        };
        let alerts = self.engine.on_event(ev, container, self.grader.host());
        if ev.kind == EventKind::Container
            && !ev.actor_id.is_empty()
            && crate::activity::launch::launch_verb(&ev.action).is_some()
            && (self.launches.len() < MAX_PENDING_LAUNCHES
                || self.launches.contains_key(&ev.actor_id))
        {
            self.launches.insert(
                ev.actor_id.clone(),
                LaunchEvent {
                    cause: ev.action.clone(),
                    time: event_time(ev),
                    name: ev.attr("name").unwrap_or("").to_string(),
                    image: ev.attr("image").unwrap_or("").to_string(),
                },
            );
        }
        let mut work = EventWork {
            alerts,
            effect: Some(effect),
            ..EventWork::default()
        };
        match (&ev.kind, ev.action.as_str()) {
            (EventKind::Container, "exec_create" | "exec_start") => {
                if let Some(exec_id) = ev.attr("execID").filter(|e| !e.is_empty())
                    && self.execs.insert(exec_id.to_string())
                {
                    work.exec =
                        Some((exec_id.to_string(), ev.actor_id.clone(), ev.payload.clone()));
                }
            }
            (EventKind::Volume, "create") if !ev.actor_id.is_empty() => {
                work.volume = Some(ev.actor_id.clone());
            }
            _ => {}
        }
        if let Some(EventEffect::Remove { id }) = &work.effect {
            work.regraded = self.remove(id);
        }
        Some(work)
    }

    /// An exec session, inspected (or rebuilt from its event when the inspect failed).
    pub fn on_exec(&mut self, exec: &ExecFacts) -> Vec<Alert> {
        self.on_exec_at(exec, Utc::now())
    }

    /// [`Pipeline::on_exec`] for an exec event of `time` (a replay keeps its time).
    pub fn on_exec_at(&mut self, exec: &ExecFacts, time: DateTime<Utc>) -> Vec<Alert> {
        let container = self.grader.get(&exec.container_id);
        self.engine.on_exec_at(exec, container, time)
    }

    /// The time of the launch event waiting for this container's inspect (now if none).
    fn launch_time(&mut self, id: &str) -> DateTime<Utc> {
        self.launches.remove(id).map_or_else(Utc::now, |l| l.time)
    }

    /// A container whose event asked for an inspect is gone: a launch event waiting for
    /// it is reported from what the event said ([`crate::activity::launch::unseen`]).
    pub fn on_gone(&mut self, id: &str) -> Vec<Alert> {
        match self.launches.remove(id) {
            Some(l) => crate::activity::launch::unseen(&l.cause, id, &l.name, &l.image, l.time)
                .into_iter()
                .collect(),
            None => Vec::new(),
        }
    }

    /// A container re-inspected: stored and graded against the rest of the daemon (with
    /// the containers that join its namespaces). With `cause` (an event action) its
    /// findings also go to the launch rules; without (a resync) no rule runs.
    pub fn on_inspected(&mut self, cause: Option<&str>, facts: ContainerFacts) -> Inspected {
        let (graded, regraded) = self.grader.upsert(facts);
        let alerts = match cause {
            Some(cause) => {
                let time = self.launch_time(&graded.facts.id);
                self.engine
                    .on_inspected_at(cause, &graded.facts, &graded.findings, time)
            }
            None => Vec::new(),
        };
        Inspected {
            alerts,
            graded,
            regraded,
        }
    }

    /// A container inspected while it was being removed (its `destroy` came first): the
    /// launch rules still see it, so a container created and removed in a moment is still
    /// reported, but its facts are not kept and its rule state is forgotten again.
    pub fn on_inspected_removed(&mut self, cause: &str, facts: &ContainerFacts) -> Vec<Alert> {
        // Graded as one of the daemon's containers, then gone again: the ones that joined
        // it were regraded when its `destroy` came, and nothing changed for them since.
        let (graded, _) = self.grader.upsert(facts.clone());
        let time = self.launch_time(&facts.id);
        let alerts = self
            .engine
            .on_inspected_at(cause, &graded.facts, &graded.findings, time);
        let _ = self.remove(&facts.id);
        alerts
    }

    /// A volume created as a bind of `device`.
    pub fn on_bind_volume(&mut self, name: &str, device: &str) -> Vec<Alert> {
        self.engine.on_bind_volume(name, device)
    }

    /// One `/changes` answer.
    pub fn on_changes(&mut self, id: &str, changes: &[crate::model::FileChange]) -> Vec<Alert> {
        match self.grader.get(id) {
            Some(c) => self.engine.on_changes(c, changes),
            None => Vec::new(),
        }
    }

    /// One `/top` answer.
    pub fn on_processes(&mut self, id: &str, processes: &[crate::model::ProcessRow]) -> Vec<Alert> {
        match self.grader.get(id) {
            Some(c) => self.engine.on_processes(c, processes),
            None => Vec::new(),
        }
    }
}

/// The exec as the event described it, for when `/exec/{id}/json` could not be read
/// (the session ended and was cleaned up, or the link dropped): the command words, with the
/// user and privilege unknown (the container's user, not privileged).
pub fn exec_from_event(exec_id: &str, container_id: &str, payload: Option<&str>) -> ExecFacts {
    ExecFacts {
        id: exec_id.to_string(),
        container_id: container_id.to_string(),
        command: payload
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        user: String::new(),
        privileged: false,
        tty: false,
        running: false,
        exit_code: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: EventKind, action: &str, id: &str, attrs: &[(&str, &str)]) -> DockerEvent {
        DockerEvent {
            kind,
            action: action.into(),
            payload: None,
            actor_id: id.into(),
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            time_nano: 1_000,
        }
    }

    #[test]
    fn lifecycle_events_reinspect_and_destroy_removes() {
        for action in [
            "create",
            "start",
            "die",
            "update",
            "rename",
            "pause",
            "unpause",
            "health_status",
        ] {
            assert_eq!(
                classify_event(&ev(EventKind::Container, action, "abc", &[])),
                EventEffect::Inspect {
                    id: "abc".into(),
                    action: action.into()
                }
            );
        }
        assert_eq!(
            classify_event(&ev(EventKind::Container, "destroy", "abc", &[])),
            EventEffect::Remove { id: "abc".into() }
        );
        assert_eq!(
            classify_event(&ev(EventKind::Container, "start", "", &[])),
            EventEffect::Ignore
        );
    }

    #[test]
    fn top_exec_and_copy_events_do_not_reinspect() {
        for action in [
            "top",
            "exec_create",
            "exec_start",
            "exec_die",
            "attach",
            "resize",
            "archive-path",
        ] {
            assert_eq!(
                classify_event(&ev(EventKind::Container, action, "abc", &[])),
                EventEffect::Ignore,
                "{action}"
            );
        }
    }

    #[test]
    fn network_connect_reinspects_the_container() {
        let e = ev(
            EventKind::Network,
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
        let e = ev(EventKind::Network, "create", "netid", &[("name", "appnet")]);
        assert_eq!(classify_event(&e), EventEffect::Ignore);
    }

    #[test]
    fn a_replayed_event_is_handled_once_and_time_advances() {
        let mut p = Pipeline::new();
        let e = ev(EventKind::Container, "start", "abc", &[]);
        assert!(p.on_event(&e).is_some());
        assert!(p.on_event(&e).is_none(), "the replay is dropped");
        assert_eq!(p.last_event_nano, Some(1_000));
        let mut older = ev(EventKind::Container, "die", "abc", &[]);
        older.time_nano = 10;
        assert!(p.on_event(&older).is_some());
        assert_eq!(p.last_event_nano, Some(1_000), "never moves back");
    }

    #[test]
    fn an_exec_is_inspected_once_for_create_and_start() {
        let mut p = Pipeline::new();
        let mut create = ev(
            EventKind::Container,
            "exec_create",
            "abc",
            &[("execID", "x1")],
        );
        create.payload = Some("sh -c id".into());
        let w = p.on_event(&create).unwrap();
        assert_eq!(
            w.exec,
            Some(("x1".into(), "abc".into(), Some("sh -c id".into())))
        );
        let mut start = create.clone();
        start.action = "exec_start".into();
        start.time_nano += 1;
        assert_eq!(p.on_event(&start).unwrap().exec, None);
    }

    #[test]
    fn volume_create_asks_for_the_volume_and_top_is_ignored() {
        let mut p = Pipeline::new();
        let w = p
            .on_event(&ev(
                EventKind::Volume,
                "create",
                "etcvol",
                &[("driver", "local")],
            ))
            .unwrap();
        assert_eq!(w.volume.as_deref(), Some("etcvol"));
        let w = p
            .on_event(&ev(EventKind::Container, "top", "abc", &[]))
            .unwrap();
        assert!(w.alerts.is_empty() && w.exec.is_none());
        assert_eq!(w.effect, Some(EventEffect::Ignore));
    }

    #[test]
    fn the_healthcheck_is_read_once_for_the_first_exec_of_a_container_with_one() {
        use crate::risk::rules::test_support::container;
        let mut p = Pipeline::new();
        let mut hc = container(r#"{"Config":{"Healthcheck":{"Test":["CMD-SHELL","true"]}}}"#);
        hc.id = "hc".into();
        let mut plain = container("{}");
        plain.id = "plain".into();
        let _ = p.replace_inventory(
            crate::risk::rules::test_support::default_host(),
            vec![hc, plain],
        );
        let exec = |id: &str| ev(EventKind::Container, "exec_create", id, &[("execID", "x")]);
        assert!(p.needs_healthcheck_test(&exec("hc")));
        assert!(!p.needs_healthcheck_test(&exec("plain")), "no healthcheck");
        assert!(!p.needs_healthcheck_test(&exec("unknown")));
        assert!(!p.needs_healthcheck_test(&ev(EventKind::Container, "start", "hc", &[])));
        p.note_healthcheck("hc", Some(vec!["CMD-SHELL".into(), "true".into()]));
        assert!(!p.needs_healthcheck_test(&exec("hc")), "read once");
    }

    #[test]
    fn containers_are_graded_here_with_the_ones_that_join_them() {
        use crate::risk::confinement::NsTarget;
        use crate::risk::rules::test_support::{container, default_host};
        let mut p = Pipeline::new();
        let mut web = container("{}");
        (web.id, web.name) = ("aaaa1111".into(), "web".into());
        let mut side = container(r#"{"HostConfig":{"NetworkMode":"container:web"}}"#);
        (side.id, side.name) = ("bbbb2222".into(), "side".into());
        let (posture, graded) = p.replace_inventory(default_host(), vec![web.clone(), side]);
        assert_eq!(posture.facts, default_host());
        assert_eq!(graded.len(), 2);
        // An inspect: graded once, here, with the container that joins its network.
        web.network_mode = "host".into();
        let inspected = p.on_inspected(Some("update"), web);
        assert!(
            inspected
                .graded
                .findings
                .iter()
                .any(|f| f.id == "SW-NS-002")
        );
        assert_eq!(inspected.regraded.len(), 1);
        assert!(inspected.regraded[0].confinement.net.is_host());
        // Its `destroy`: the one that joined it is regraded (its reference points nowhere).
        let destroy = ev(EventKind::Container, "destroy", "aaaa1111", &[]);
        let work = p.on_event(&destroy).unwrap();
        assert_eq!(work.regraded.len(), 1);
        assert!(matches!(
            work.regraded[0].confinement.net,
            NsTarget::Unknown { .. }
        ));
        assert!(p.container("aaaa1111").is_none());
    }

    #[test]
    fn an_exec_rebuilt_from_its_event_keeps_the_command() {
        let x = exec_from_event("x1", "abc", Some("sh -c id"));
        assert_eq!(x.command, ["sh", "-c", "id"]);
        assert_eq!((x.id.as_str(), x.container_id.as_str()), ("x1", "abc"));
        assert!(exec_from_event("x", "c", None).command.is_empty());
    }

    #[test]
    fn a_container_removed_while_inspected_still_raises_its_launch_but_is_not_kept() {
        let mut p = Pipeline::new();
        let _ = p.set_host(crate::risk::rules::test_support::default_host());
        let c =
            crate::risk::rules::test_support::container(r#"{"HostConfig": {"Privileged": true}}"#);
        let id = c.id.clone();
        let create = ev(EventKind::Container, "create", &id, &[]);
        let destroy = ev(EventKind::Container, "destroy", &id, &[]);
        p.on_event(&create);
        p.on_event(&destroy);
        let alerts = p.on_inspected_removed("create", &c);
        assert_eq!(
            alerts.iter().map(|a| a.rule.as_str()).collect::<Vec<_>>(),
            ["SW-ACT-LAUNCH-001"]
        );
        // No row, no poll, no baseline left behind.
        assert!(p.container(&id).is_none());
        assert!(p.running_ids().is_empty());
        // A non-launch cause raises nothing.
        assert!(p.on_inspected_removed("die", &c).is_empty());
    }
}
