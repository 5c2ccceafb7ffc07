//! Isolate a container (cut it off every network, keep it running for forensics) and undo
//! that exactly.
//!
//! [`plan`] is pure: from the inspected container (and any existing record) to the record
//! of its networks and the steps, or a refusal that changes nothing. [`apply`] writes the
//! record (status `in_progress`) *before* the first disconnect, captures the evidence
//! bundle while the processes still run as they were, disconnects every network
//! (`force = false`, each error reported), optionally pauses, and marks the record
//! `complete`. [`undo`] unpauses (only when seawall paused it), reconnects every recorded
//! network with the same aliases, links and static addresses, checks each one on the
//! daemon ([`attachment`]: the container's endpoint AND the network's own container list;
//! Docker 20.10 keeps an entry with no endpoint after a failed reconnect, which is not an
//! attachment and is disconnected before the next try), and removes the record only when
//! every network is back; what could not be done stays in the record for the next try.
//!
//! Choices: a stopped container can be isolated (it then starts with no network; the
//! evidence bundle says `top` was unavailable). A container using `--network host`,
//! `none` or `container:<id>` is refused: disconnecting cannot cut it off (or there is
//! nothing to cut), and a half-done state would mislead.

use super::ActionError;
use super::evidence;
use super::state_file::{IsolationRecord, NetworkRecord, RecordStatus, StateFile};
use crate::docker::DockerApi;
use crate::model::{ContainerFacts, ContainerState, NetworkAttachment};
use std::path::{Path, PathBuf};

/// One step of an isolation, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Disconnect from this network (by name).
    Disconnect(String),
    /// Pause the container.
    Pause,
}

/// What isolating one container will do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IsolationPlan {
    /// The networks as they are now (what undo restores), sorted by name.
    pub networks: Vec<NetworkRecord>,
    /// The steps, disconnects first.
    pub steps: Vec<Step>,
}

/// Running and not paused (a restarting container counts as running).
fn is_running(c: &ContainerFacts) -> bool {
    matches!(
        c.state,
        ContainerState::Running | ContainerState::Restarting
    )
}

fn is_paused(c: &ContainerFacts) -> bool {
    c.state == ContainerState::Paused
}

/// Plan the isolation of `c` (pure). `existing` is the state file's record of this
/// container; `pause` asks for a pause after the disconnects (skipped when the container
/// is not running or already paused). `Err` is the refusal ([`ActionError::Refused`]).
pub fn plan(
    c: &ContainerFacts,
    existing: Option<&IsolationRecord>,
    pause: bool,
) -> Result<IsolationPlan, ActionError> {
    let refuse = |reason: String| Err(ActionError::Refused(reason));
    let name = &c.name;
    let short_id = c.short_id();
    if let Some(r) = existing {
        let state = match r.status {
            RecordStatus::Complete => "",
            RecordStatus::InProgress => " (an isolation that did not finish)",
        };
        return refuse(format!(
            "{name} is already isolated by seawall since {}{state}, from {}; \
             undo it first with `seawall unisolate {name}`",
            r.isolated_at,
            if r.networks.is_empty() {
                "no network".to_string()
            } else {
                r.network_names()
            }
        ));
    }
    let mode = c.network_mode.as_str();
    if mode == "host" {
        return refuse(format!(
            "{name} uses the host's network stack (--network host): disconnecting cannot cut \
             it off; stop it instead"
        ));
    }
    if mode == "none" {
        return refuse(format!(
            "{name} has no network (--network none): there is nothing to isolate"
        ));
    }
    if let Some(other) = mode.strip_prefix("container:") {
        let other: String = other.chars().take(12).collect();
        return refuse(format!(
            "{name} shares the network stack of container {other} (--network container:…): \
             isolate that container instead, or stop this one"
        ));
    }
    let mut networks: Vec<NetworkRecord> = c
        .attachments
        .iter()
        .map(|a| record_of(a, short_id))
        .collect();
    networks.sort_by(|a, b| a.name.cmp(&b.name));
    if networks.is_empty() {
        return refuse(format!(
            "{name} is attached to no network: there is nothing to isolate"
        ));
    }
    let mut steps: Vec<Step> = networks
        .iter()
        .map(|n| Step::Disconnect(n.name.clone()))
        .collect();
    if pause && is_running(c) {
        steps.push(Step::Pause);
    }
    Ok(IsolationPlan { networks, steps })
}

/// What undo needs from one attachment. The short-id alias the daemon adds by itself on
/// user networks is left out (the daemon adds it again on reconnect).
fn record_of(a: &NetworkAttachment, short_id: &str) -> NetworkRecord {
    NetworkRecord {
        name: a.name.clone(),
        id: a.network_id.clone(),
        aliases: a
            .aliases
            .iter()
            .filter(|x| x.as_str() != short_id && !x.is_empty())
            .cloned()
            .collect(),
        ipv4_address: a.ipv4_address.clone(),
        ipv6_address: a.ipv6_address.clone(),
        link_local_ips: a.link_local_ips.clone(),
        links: a.links.clone(),
        driver_opts: a.driver_opts.clone(),
        ip_address: a.ip_address.clone(),
    }
}

/// The attachment that restores one recorded network (pure): aliases, links, static
/// addresses and driver options; the current address is not pinned unless it was static.
pub fn reconnect_attachment(n: &NetworkRecord) -> NetworkAttachment {
    NetworkAttachment {
        name: n.name.clone(),
        network_id: n.id.clone(),
        endpoint_id: String::new(),
        aliases: n.aliases.clone(),
        ipv4_address: n.ipv4_address.clone(),
        ipv6_address: n.ipv6_address.clone(),
        link_local_ips: n.link_local_ips.clone(),
        links: n.links.clone(),
        driver_opts: n.driver_opts.clone(),
        ip_address: None,
    }
}

/// Everything [`apply`] needs besides the daemon.
pub struct IsolateContext<'a> {
    pub endpoint: &'a str,
    pub state: &'a StateFile,
    pub evidence_root: &'a Path,
    pub log_lines: usize,
    pub pause: bool,
    /// The console's activity alerts about the container, for the bundle's `alerts.json`.
    pub alerts: Option<&'a [crate::activity::Alert]>,
}

/// The result of a successful (or partly successful) isolation.
#[derive(Debug)]
pub struct Isolated {
    pub message: String,
    pub evidence: Option<PathBuf>,
}

/// Isolate one container (see the module docs).
pub async fn apply(
    docker: &impl DockerApi,
    ctx: &IsolateContext<'_>,
    id: &str,
) -> Result<Isolated, (ActionError, Option<PathBuf>)> {
    let facts = super::inspect(docker, ctx.endpoint, id)
        .await
        .map_err(|f| (f, None))?;
    let name = facts.name.clone();
    let full_id = if facts.id.is_empty() {
        id.to_string()
    } else {
        facts.id.clone()
    };
    let existing = ctx
        .state
        .find(ctx.endpoint, &full_id)
        .map_err(|e| (e.into(), None))?;
    let plan = plan(&facts, existing.as_ref(), ctx.pause).map_err(|e| (e, None))?;

    // 1. The record, before anything changes.
    let mut record = IsolationRecord {
        endpoint: ctx.endpoint.to_string(),
        container_id: full_id.clone(),
        container_name: name.clone(),
        isolated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        status: RecordStatus::InProgress,
        paused_by_seawall: false,
        networks: plan.networks.clone(),
        evidence: None,
        problems: Vec::new(),
    };
    let put = |r: &IsolationRecord| ctx.state.update(|doc| doc.put(r.clone()));
    put(&record).map_err(|e| {
        (
            ActionError::Files(format!("{e}; {name} was not changed")),
            None,
        )
    })?;

    // 2. Evidence while the processes still run as they were. A failure does not stop
    //    the containment: it is reported.
    match evidence::capture(
        docker,
        ctx.endpoint,
        &facts,
        ctx.evidence_root,
        ctx.log_lines,
        ctx.alerts,
    )
    .await
    {
        Ok(dir) => record.evidence = Some(dir),
        Err(e) => record.problems.push(format!("evidence not captured: {e}")),
    }
    if record.evidence.is_some() {
        let _ = put(&record);
    }

    // 3. Disconnect, 4. pause.
    let mut cut = Vec::new();
    let mut vanished = false;
    for step in &plan.steps {
        match step {
            Step::Disconnect(net) => match docker.disconnect_network(net, &full_id).await {
                Ok(()) => cut.push(net.clone()),
                Err(e) => {
                    if e.is_not_found()
                        && super::inspect(docker, ctx.endpoint, &full_id)
                            .await
                            .is_err()
                    {
                        vanished = true;
                        break;
                    }
                    record
                        .problems
                        .push(format!("still attached to {net}: {e}"));
                }
            },
            Step::Pause => match docker.pause(&full_id).await {
                Ok(()) => record.paused_by_seawall = true,
                Err(e) => record.problems.push(format!("not paused: {e}")),
            },
        }
    }
    if vanished {
        let _ = ctx.state.update(|doc| doc.remove(ctx.endpoint, &full_id));
        return Err((
            ActionError::Failed(format!(
                "{name} no longer exists on {} (removed while being isolated); its record \
                 was dropped",
                ctx.endpoint
            )),
            record.evidence,
        ));
    }
    record.status = RecordStatus::Complete;
    let evidence_dir = record.evidence.clone();
    let saved = put(&record);
    let mut message = if cut.is_empty() {
        format!("{name} was not disconnected from any network")
    } else {
        format!("isolated {name}: disconnected from {}", cut.join(", "))
    };
    if record.paused_by_seawall {
        message.push_str("; paused");
    }
    if let Some(dir) = &evidence_dir {
        message.push_str(&format!("; evidence in {}", dir.display()));
    }
    if let Err(e) = saved {
        record
            .problems
            .push(format!("{e} (undo may not find this isolation)"));
    }
    if record.problems.is_empty() {
        Ok(Isolated {
            message,
            evidence: evidence_dir,
        })
    } else {
        Err((
            ActionError::Failed(format!(
                "{message}; problems: {}; undo with `seawall unisolate {name}`",
                record.problems.join("; ")
            )),
            evidence_dir,
        ))
    }
}

/// Is a network really attached? (What undo checks before and after each reconnect.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attachment {
    /// The container's inspect has an endpoint on it and the network lists the container
    /// (for a container that is not running: its inspect has the entry; the endpoint is
    /// made when it starts).
    Attached,
    /// The inspect has an entry but there is no endpoint, or the network does not list the
    /// container: what a failed reconnect leaves on Docker 20.10. Says why.
    Stale(String),
    /// No entry at all.
    Absent,
}

/// Does the container have endpoints (so that an attachment must have one)?
fn has_endpoints(c: &ContainerFacts) -> bool {
    matches!(c.state, ContainerState::Running | ContainerState::Paused)
}

/// The entry of `net` in the container's inspect (by name, else by the recorded id).
fn entry_of<'a>(facts: &'a ContainerFacts, net: &NetworkRecord) -> Option<&'a NetworkAttachment> {
    facts
        .attachments
        .iter()
        .find(|a| a.name == net.name)
        .or_else(|| {
            facts
                .attachments
                .iter()
                .find(|a| !net.id.is_empty() && a.network_id == net.id)
        })
}

/// Check one network against the daemon's two views: the container's inspect (`facts`)
/// and the network's own container list.
pub async fn attachment(
    docker: &impl DockerApi,
    facts: &ContainerFacts,
    net: &NetworkRecord,
) -> Attachment {
    let Some(entry) = entry_of(facts, net) else {
        return Attachment::Absent;
    };
    if !has_endpoints(facts) {
        return Attachment::Attached;
    }
    if entry.endpoint_id.is_empty() {
        return Attachment::Stale(format!(
            "the daemon keeps an entry for {} with no endpoint",
            entry.name
        ));
    }
    let network = if entry.network_id.is_empty() {
        entry.name.as_str()
    } else {
        entry.network_id.as_str()
    };
    match docker.network_containers(network).await {
        Ok(ids) if ids.contains(&facts.id) => Attachment::Attached,
        Ok(_) => Attachment::Stale(format!(
            "network {} does not list the container",
            entry.name
        )),
        Err(e) => Attachment::Stale(format!("network {} cannot be read: {e}", entry.name)),
    }
}

/// Why one recorded network is not back (a line of the undo's problems).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum NotRestored {
    #[error("not reconnected to {network}: {source}")]
    Refused {
        network: String,
        source: crate::docker::DockerError,
    },
    #[error("reconnect to {network} not verified: {source}")]
    Unverified {
        network: String,
        source: super::ActionError,
    },
    #[error("not reconnected to {network}: the daemon answered OK but {why}")]
    Stale { network: String, why: String },
    #[error(
        "not reconnected to {network}: the daemon answered OK but the container has no entry \
         for it"
    )]
    NoEntry { network: String },
}

/// Reconnect one recorded network and check that it really is attached afterwards.
/// `Ok(true)`: it was attached already; `Ok(false)`: reconnected now; `Err`: why not.
async fn restore(
    docker: &impl DockerApi,
    endpoint: &str,
    facts: &ContainerFacts,
    net: &NetworkRecord,
) -> Result<bool, NotRestored> {
    let id = facts.id.as_str();
    match attachment(docker, facts, net).await {
        Attachment::Attached => return Ok(true),
        Attachment::Absent => {}
        Attachment::Stale(why) => {
            // The stale entry blocks a new connect ("endpoint ... already exists"): drop
            // it first. A failure here is not final: the connect below says what is wrong.
            log::info!("{}: {why}; disconnecting the stale entry first", facts.name);
            if let Err(e) = docker.disconnect_network(&net.name, id).await {
                log::info!("disconnecting the stale entry of {}: {e}", net.name);
            }
        }
    }
    let attachment_wanted = reconnect_attachment(net);
    docker
        .connect_network(&net.name, id, &attachment_wanted)
        .await
        .map_err(|source| NotRestored::Refused {
            network: net.name.clone(),
            source,
        })?;
    // The daemon's OK is not the proof: read both views again.
    let after = super::inspect(docker, endpoint, id)
        .await
        .map_err(|source| NotRestored::Unverified {
            network: net.name.clone(),
            source,
        })?;
    match attachment(docker, &after, net).await {
        Attachment::Attached => Ok(false),
        Attachment::Stale(why) => Err(NotRestored::Stale {
            network: net.name.clone(),
            why,
        }),
        Attachment::Absent => Err(NotRestored::NoEntry {
            network: net.name.clone(),
        }),
    }
}

/// Undo the isolation of one container (see the module docs). Every network is checked
/// on the daemon (the container's endpoint and the network's own list) before it is
/// called restored; what is not restored stays in the record.
pub async fn undo(
    docker: &impl DockerApi,
    endpoint: &str,
    state: &StateFile,
    id: &str,
    name_hint: &str,
) -> Result<String, ActionError> {
    let doc = state.load()?;
    // Find the record by id first; a vanished container is found by its recorded id.
    let record = doc
        .isolations
        .iter()
        .find(|r| {
            r.endpoint == endpoint && (r.container_id == id || r.container_id.starts_with(id))
        })
        .cloned();
    let Some(mut record) = record else {
        let earlier = doc
            .isolations
            .iter()
            .find(|r| r.endpoint == endpoint && r.container_name == name_hint)
            .map(|r| {
                let short: String = r.container_id.chars().take(12).collect();
                format!(
                    "; a record exists for an earlier container named {name_hint} (id {short}): \
                     if it is gone, clear it with `seawall unisolate --forget {short}`"
                )
            })
            .unwrap_or_default();
        return Err(ActionError::Refused(format!(
            "{name_hint} is not isolated by seawall on {endpoint} (no record in {}){earlier}",
            state.path().display()
        )));
    };
    let name = record.container_name.clone();
    let mut facts = match docker.inspect_container(&record.container_id).await {
        Ok(f) => f,
        Err(e) if e.is_not_found() => {
            let _ = state.update(|doc| doc.remove(endpoint, &record.container_id));
            return Err(ActionError::Failed(format!(
                "{name} no longer exists on {endpoint}; its isolation record was removed"
            )));
        }
        Err(e) => return Err(super::failure(endpoint, "inspect", &name, &e)),
    };
    if facts.id.is_empty() {
        facts.id = record.container_id.clone();
    }
    let mut problems = Vec::new();
    if record.paused_by_seawall {
        if is_paused(&facts) {
            match docker.unpause(&record.container_id).await {
                Ok(()) => {
                    record.paused_by_seawall = false;
                    if let Ok(f) = super::inspect(docker, endpoint, &record.container_id).await {
                        facts = f;
                    }
                }
                Err(e) => problems.push(format!("not unpaused: {e}")),
            }
        } else {
            record.paused_by_seawall = false;
        }
    }
    let mut restored = Vec::new();
    let mut remaining = Vec::new();
    for net in std::mem::take(&mut record.networks) {
        match restore(docker, endpoint, &facts, &net).await {
            Ok(_) => restored.push(net.name.clone()),
            Err(problem) => {
                problems.push(problem.to_string());
                remaining.push(net);
            }
        }
    }
    record.networks = remaining;
    let done = record.networks.is_empty() && !record.paused_by_seawall;
    let saved = if done {
        state.update(|doc| doc.remove(endpoint, &record.container_id))
    } else {
        record.problems = problems.clone();
        state.update(|doc| doc.put(record.clone())).map(|_| true)
    };
    if let Err(e) = saved {
        problems.push(e.to_string());
    }
    let mut what = if restored.is_empty() {
        format!("{name}: no network reconnected")
    } else {
        format!("reconnected {name} to {}", restored.join(", "))
    };
    if !restored.is_empty() && !has_endpoints(&facts) {
        what.push_str(&format!(
            " (it is {}: the endpoints are made when it starts)",
            facts.state
        ));
    }
    if problems.is_empty() {
        Ok(what)
    } else {
        let left = if record.networks.is_empty() {
            String::new()
        } else {
            format!(" ({} still to restore)", record.network_names())
        };
        Err(ActionError::Failed(format!(
            "{what}; problems: {}; the record keeps what is left{left}: run unisolate again",
            problems.join("; ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docker inspect` of a running container on two user networks (aliases, static IP,
    /// a link) on engine 20.10, trimmed to what the plan reads.
    const TWO_NETWORKS: &str = r#"{
      "Id": "3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a",
      "Name": "/web",
      "State": {"Status": "running", "Running": true, "Paused": false, "Pid": 4242},
      "HostConfig": {"NetworkMode": "front"},
      "NetworkSettings": {
        "Networks": {
          "front": {
            "IPAMConfig": {"IPv4Address": "10.231.7.10"},
            "Links": ["db:database"],
            "Aliases": ["www", "web-front", "3f1c2a9b8d7e"],
            "NetworkID": "aaa111",
            "EndpointID": "e1",
            "Gateway": "10.231.7.1",
            "IPAddress": "10.231.7.10",
            "IPPrefixLen": 24,
            "MacAddress": "02:42:0a:e7:07:0a",
            "DriverOpts": null
          },
          "back": {
            "IPAMConfig": null,
            "Links": null,
            "Aliases": ["api", "3f1c2a9b8d7e"],
            "NetworkID": "bbb222",
            "EndpointID": "e2",
            "Gateway": "10.231.8.1",
            "IPAddress": "10.231.8.2",
            "IPPrefixLen": 24,
            "MacAddress": "02:42:0a:e7:08:02",
            "DriverOpts": {"com.example.opt": "1"}
          }
        }
      }
    }"#;

    /// The facts of an inspect document, through the converter.
    fn inspect(text: &str) -> ContainerFacts {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        facts_of(v)
    }

    fn facts_of(v: serde_json::Value) -> ContainerFacts {
        crate::model::convert::container_owned(
            serde_json::from_value(v).unwrap(),
            &std::collections::HashMap::new(),
        )
    }

    fn with(mutate: impl FnOnce(&mut serde_json::Value)) -> ContainerFacts {
        let mut v: serde_json::Value = serde_json::from_str(TWO_NETWORKS).unwrap();
        mutate(&mut v);
        facts_of(v)
    }

    fn refusal(r: Result<IsolationPlan, ActionError>) -> String {
        match r {
            Err(ActionError::Refused(m)) => m,
            other => panic!("not a refusal: {other:?}"),
        }
    }

    #[test]
    fn two_networks_are_recorded_and_disconnected_in_order() {
        let p = plan(&inspect(TWO_NETWORKS), None, false).unwrap();
        assert_eq!(
            p.steps,
            vec![
                Step::Disconnect("back".into()),
                Step::Disconnect("front".into())
            ]
        );
        let back = &p.networks[0];
        assert_eq!(back.name, "back");
        assert_eq!(back.id, "bbb222");
        assert_eq!(back.aliases, vec!["api"], "the short-id alias is left out");
        assert_eq!(back.ipv4_address, None, "a dynamic address is not pinned");
        assert_eq!(back.ip_address.as_deref(), Some("10.231.8.2"));
        assert_eq!(
            back.driver_opts.get("com.example.opt").map(String::as_str),
            Some("1")
        );
        let front = &p.networks[1];
        assert_eq!(front.aliases, vec!["www", "web-front"]);
        assert_eq!(front.ipv4_address.as_deref(), Some("10.231.7.10"));
        assert_eq!(front.links, vec!["db:database"]);
    }

    #[test]
    fn pause_is_the_last_step_and_only_for_a_running_unpaused_container() {
        let p = plan(&inspect(TWO_NETWORKS), None, true).unwrap();
        assert_eq!(p.steps.last(), Some(&Step::Pause));
        let paused = with(|v| {
            v["State"]["Paused"] = true.into();
            v["State"]["Status"] = "paused".into();
        });
        assert!(
            !plan(&paused, None, true)
                .unwrap()
                .steps
                .contains(&Step::Pause)
        );
        let stopped = with(|v| {
            v["State"]["Running"] = false.into();
            v["State"]["Status"] = "exited".into();
        });
        let p = plan(&stopped, None, true).unwrap();
        assert!(!p.steps.contains(&Step::Pause));
        assert_eq!(p.networks.len(), 2, "a stopped container can be isolated");
    }

    #[test]
    fn refusals_name_the_container_and_the_reason() {
        let host = with(|v| v["HostConfig"]["NetworkMode"] = "host".into());
        let e = refusal(plan(&host, None, false));
        assert!(e.contains("web") && e.contains("--network host"), "{e}");
        let none = with(|v| {
            v["HostConfig"]["NetworkMode"] = "none".into();
            v["NetworkSettings"]["Networks"] = serde_json::json!({"none": {"NetworkID": "x"}});
        });
        let e = refusal(plan(&none, None, false));
        assert!(e.contains("--network none"), "{e}");
        let shared = with(|v| {
            v["HostConfig"]["NetworkMode"] = "container:0123456789abcdef0123".into();
            v["NetworkSettings"]["Networks"] = serde_json::json!({});
        });
        let e = refusal(plan(&shared, None, false));
        assert!(
            e.contains("0123456789ab") && e.contains("isolate that container"),
            "{e}"
        );
        let empty = with(|v| v["NetworkSettings"]["Networks"] = serde_json::json!({}));
        let e = refusal(plan(&empty, None, false));
        assert!(e.contains("no network"), "{e}");
    }

    #[test]
    fn an_existing_record_is_a_refusal() {
        let first = plan(&inspect(TWO_NETWORKS), None, false).unwrap();
        let record = IsolationRecord {
            endpoint: "unix:///var/run/docker.sock".into(),
            container_id: "3f1c".into(),
            container_name: "web".into(),
            isolated_at: "2026-01-02T03:04:05Z".into(),
            status: RecordStatus::Complete,
            paused_by_seawall: false,
            networks: first.networks,
            evidence: None,
            problems: vec![],
        };
        let now_empty = with(|v| v["NetworkSettings"]["Networks"] = serde_json::json!({}));
        let e = refusal(plan(&now_empty, Some(&record), false));
        assert!(
            e.contains("already isolated") && e.contains("back, front") && e.contains("unisolate"),
            "{e}"
        );
    }

    #[test]
    fn reconnect_restores_aliases_links_and_the_static_address() {
        let p = plan(&inspect(TWO_NETWORKS), None, false).unwrap();
        let front = reconnect_attachment(&p.networks[1]);
        assert_eq!(front.name, "front");
        assert_eq!(front.aliases, vec!["www", "web-front"]);
        assert_eq!(front.links, vec!["db:database"]);
        assert_eq!(front.ipv4_address.as_deref(), Some("10.231.7.10"));
        assert_eq!(
            front.ip_address, None,
            "the current address is not asked for"
        );
        let back = reconnect_attachment(&p.networks[0]);
        assert_eq!(back.ipv4_address, None, "no static address, none asked for");
        assert!(back.links.is_empty());
        assert_eq!(back.driver_opts.len(), 1);
    }
}
