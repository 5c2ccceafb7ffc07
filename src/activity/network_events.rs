//! Network segmentation changes: containers joining or leaving networks, and networks that
//! put containers on the host's LAN (E15).

use super::meta::AlertMeta;
use super::{Alert, ContainerRef};
use crate::model::{ContainerFacts, ContainerState, DockerEvent};
use crate::risk::Severity;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

use Severity::{Info as I, Medium as M};

pub const CONNECT: AlertMeta = AlertMeta::new(
    "SW-ACT-NET-001",
    I,
    "Container connected to a network",
    "T1599",
    "Network Boundary Bridging",
    "Joining a network gives a container reach to every service on it; joining a macvlan, \
     ipvlan or host-type network puts it on the host's LAN.",
    "Check that the container belongs on that network; disconnect it if not (docker network \
     disconnect).",
    0,
);
pub const DISCONNECT: AlertMeta = AlertMeta::new(
    "SW-ACT-NET-002",
    I,
    "Container disconnected from a network",
    "T1599",
    "Network Boundary Bridging",
    "Recorded so the feed shows segmentation changes (isolation by seawall shows up here \
     too).",
    "Nothing unless unexpected.",
    0,
);
pub const LAN_NETWORK: AlertMeta = AlertMeta::new(
    "SW-ACT-NET-003",
    M,
    "Network on the host LAN created",
    "T1599",
    "Network Boundary Bridging",
    "A macvlan or ipvlan network gives containers their own addresses on the physical LAN, \
     outside the host firewall's NAT and published-port rules.",
    "Check who created it and which containers join it; remove it if not intended.",
    0,
);

/// The network rules.
pub fn metas() -> Vec<AlertMeta> {
    vec![CONNECT, DISCONNECT, LAN_NETWORK]
}

/// How long after a container lifecycle event (create, start, die, stop...) its network
/// connects and disconnects are taken to be Docker's own doing.
pub const CHURN_WINDOW_NS: i64 = 2_000_000_000;

/// Most containers remembered (oldest entries are dropped first).
const CHURN_MAX: usize = 4096;

/// Docker connects a container's networks when it starts and disconnects them when it stops;
/// those events are not segmentation changes. This remembers each container's last
/// lifecycle event so that only connects and disconnects of a settled container alert.
#[derive(Debug, Default)]
pub struct Churn {
    last: HashMap<String, i64>,
}

impl Churn {
    /// Remember a container event that attaches or releases networks.
    pub fn note(&mut self, ev: &DockerEvent) {
        if matches!(
            ev.action.as_str(),
            "create" | "start" | "restart" | "die" | "kill" | "stop" | "destroy"
        ) {
            if self.last.len() >= CHURN_MAX {
                let cutoff = ev.time_nano - CHURN_WINDOW_NS;
                self.last.retain(|_, t| *t >= cutoff);
                if self.last.len() >= CHURN_MAX {
                    self.last.clear();
                }
            }
            self.last.insert(ev.actor_id.clone(), ev.time_nano);
        }
    }

    /// True when a network event for `container` at `t` is part of its start or stop:
    /// a lifecycle event happened within the window, or the container is known and not
    /// running (Docker attaches the networks of a created container as it starts).
    pub fn is_churn(&self, container: &str, facts: Option<&ContainerFacts>, t: i64) -> bool {
        let recent = self
            .last
            .get(container)
            .is_some_and(|last| (t - last).abs() <= CHURN_WINDOW_NS);
        let not_running = facts
            .is_some_and(|c| !matches!(c.state, ContainerState::Running | ContainerState::Paused));
        recent || not_running
    }

    pub fn forget(&mut self, container: &str) {
        self.last.remove(container);
    }
}

/// Drivers that attach containers to the host's LAN or stack.
fn on_host_lan(driver: &str) -> bool {
    matches!(driver, "host" | "macvlan" | "ipvlan")
}

/// An alert for a network event, if the action is one.
pub fn alert(
    ev: &DockerEvent,
    container: Option<&ContainerFacts>,
    time: DateTime<Utc>,
) -> Option<Alert> {
    let net = ev.attr("name").unwrap_or(&ev.actor_id);
    let driver = ev.attr("type").unwrap_or("");
    let cref = || {
        let id = ev.attr("container").unwrap_or("").to_string();
        let name = container
            .filter(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        Some(ContainerRef { id, name })
    };
    let a = match ev.action.as_str() {
        "connect" => {
            let a = CONNECT.alert(
                time,
                cref(),
                format!("connected to {net} (driver {driver})"),
            );
            if on_host_lan(driver) {
                a.with_severity(M)
            } else {
                a
            }
        }
        "disconnect" => DISCONNECT.alert(
            time,
            cref(),
            format!("disconnected from {net} (driver {driver})"),
        ),
        "create" if on_host_lan(driver) => LAN_NETWORK.alert(
            time,
            None,
            format!("network {net} created (driver {driver})"),
        ),
        _ => return None,
    };
    Some(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::test_support::event;
    use crate::model::EventKind;

    #[test]
    fn start_and_stop_network_churn_is_not_news() {
        let mut churn = Churn::default();
        let at = |action: &str, t: i64| {
            let mut ev = event(EventKind::Container, action, "c1", &[]);
            ev.time_nano = t;
            ev
        };
        let s = 1_000_000_000;
        // A connect right before a start, or right after a die, is docker's doing.
        churn.note(&at("create", 100 * s));
        assert!(churn.is_churn("c1", None, 101 * s + s / 2));
        churn.note(&at("die", 200 * s));
        assert!(churn.is_churn("c1", None, 200 * s + 5));
        // A connect long after the last lifecycle event is a real change...
        assert!(!churn.is_churn("c1", None, 300 * s));
        // ...unless the container is not running (attached when it starts).
        let mut facts = crate::risk::rules::test_support::container("{}");
        facts.id = "c1".into();
        facts.state = ContainerState::Created;
        assert!(churn.is_churn("c1", Some(&facts), 300 * s));
        facts.state = ContainerState::Running;
        assert!(!churn.is_churn("c1", Some(&facts), 300 * s));
        // Other containers are not affected.
        assert!(!churn.is_churn("c2", None, 200 * s));
    }

    #[test]
    fn network_events_are_graded() {
        let cases = [
            ("connect", "bridge", Some(("SW-ACT-NET-001", I))),
            ("connect", "macvlan", Some(("SW-ACT-NET-001", M))),
            ("connect", "ipvlan", Some(("SW-ACT-NET-001", M))),
            ("disconnect", "bridge", Some(("SW-ACT-NET-002", I))),
            ("create", "macvlan", Some(("SW-ACT-NET-003", M))),
            ("create", "bridge", None),
            ("destroy", "macvlan", None),
        ];
        for (action, driver, want) in cases {
            let ev = event(
                EventKind::Network,
                action,
                "n1",
                &[("name", "lan"), ("type", driver), ("container", "c1")],
            );
            let got = alert(&ev, None, DateTime::UNIX_EPOCH);
            assert_eq!(
                got.as_ref().map(|a| (a.rule.as_str(), a.severity)),
                want,
                "{action} {driver}"
            );
        }
        let ev = event(
            EventKind::Network,
            "connect",
            "n1",
            &[("name", "lan"), ("type", "macvlan"), ("container", "c1")],
        );
        let a = alert(&ev, None, DateTime::UNIX_EPOCH).expect("alert");
        assert_eq!(a.detail, "connected to lan (driver macvlan)");
        assert_eq!(a.container.map(|c| c.id), Some("c1".into()));
    }
}
