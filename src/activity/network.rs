//! Network segmentation changes: containers joining or leaving networks, and networks that
//! put containers on the host's LAN (E15).

use super::meta::AlertMeta;
use super::{Alert, ContainerRef};
use crate::model::{ContainerFacts, DockerEvent};
use crate::risk::Severity;
use chrono::{DateTime, Utc};

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
    use crate::activity::testutil::event;
    use crate::model::EventKind;

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
