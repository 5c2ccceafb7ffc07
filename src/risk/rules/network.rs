//! CIS 5.8, 5.9, 5.14 and 5.30: published ports and the default bridge.

use super::super::{Ctx, Finding, RuleMeta, Scope, Severity};

pub const PRIVILEGED_PORT: RuleMeta = RuleMeta {
    id: "SW-NET-001",
    scope: Scope::Container,
    severity: Severity::Low,
    title: "Privileged host port mapped",
    cis: Some("5.8"),
    technique: "Host ports below 1025 are normally reserved for root-run system services; mapping \
                one to a container can shadow or impersonate such a service.",
    fix: "Map to a host port above 1024 (-p 8080:80; compose: ports: [\"8080:80\"]) and front it \
          with the host's proxy if a low port is needed.",
};
pub const WILDCARD: RuleMeta = RuleMeta {
    id: "SW-NET-002",
    scope: Scope::Container,
    severity: Severity::Medium,
    title: "Port published on all host interfaces",
    cis: Some("5.14"),
    technique: "Binding 0.0.0.0 or :: exposes the service on every interface, including public \
                ones, and Docker's iptables rules bypass a host firewall such as ufw.",
    fix: "Bind to a specific address: -p 127.0.0.1:8080:80 (compose: ports: \
          [\"127.0.0.1:8080:80\"]).",
};
pub const PUBLISHED: RuleMeta = RuleMeta {
    id: "SW-NET-003",
    scope: Scope::Container,
    severity: Severity::Info,
    title: "Ports published",
    cis: Some("5.9"),
    technique: "Every published port is reachable attack surface; keep only the ones needed.",
    fix: "Remove unneeded -p/-P flags (compose: ports).",
};
pub const DOCKER0: RuleMeta = RuleMeta {
    id: "SW-NET-004",
    scope: Scope::Container,
    severity: Severity::Low,
    title: "Attached to the default bridge",
    cis: Some("5.30"),
    technique: "Containers on docker0 can reach each other unless inter-container communication is \
                off, and ARP/DNS spoofing with NET_RAW works across them.",
    fix: "Create a user-defined network per application (docker network create; compose does \
          this by default) and attach the container there.",
};

pub const META: &[RuleMeta] = &[PRIVILEGED_PORT, WILDCARD, PUBLISHED, DOCKER0];

fn is_wildcard(ip: &str) -> bool {
    matches!(ip, "" | "0.0.0.0" | "::" | "[::]")
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let c = ctx.c;
    let mut listed = Vec::new();
    let mut wildcard = Vec::new();
    for p in &c.ports {
        let host_ip = if p.host_ip.is_empty() {
            "0.0.0.0 (daemon default)"
        } else {
            &p.host_ip
        };
        let port = p
            .host_port
            .map(|n| n.to_string())
            .unwrap_or_else(|| "(any)".into());
        let shown = if host_ip.contains(':') {
            format!("[{host_ip}]:{port}->{}", p.container_port)
        } else {
            format!("{host_ip}:{port}->{}", p.container_port)
        };
        if let Some(n) = p.host_port.filter(|n| *n < 1025) {
            out.push(PRIVILEGED_PORT.finding(format!(
                "NetworkSettings.Ports[{}] HostPort = {n}",
                p.container_port
            )));
        }
        if is_wildcard(&p.host_ip) {
            wildcard.push(shown.clone());
        }
        listed.push(shown);
    }
    listed.dedup();
    wildcard.dedup();
    if !wildcard.is_empty() {
        out.push(WILDCARD.finding(format!("published on {}", wildcard.join(", "))));
    }
    if !listed.is_empty() {
        out.push(PUBLISHED.finding(listed.join(", ")));
    }
    let on_docker0 = c.networks.iter().any(|n| n == "bridge")
        || matches!(c.network_mode.as_str(), "default" | "bridge") && c.networks.is_empty();
    if on_docker0 {
        out.push(
            DOCKER0
                .finding(format!("HostConfig.NetworkMode = {}", c.network_mode))
                .hygiene(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::risk::Severity;

    #[test]
    fn wildcard_and_privileged_ports() {
        let f = findings_for(
            r#"{"HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"80"}]}}}"#,
        );
        assert_eq!(find(&f, "SW-NET-001").unwrap().cis.as_deref(), Some("5.8"));
        let w = find(&f, "SW-NET-002").unwrap();
        assert_eq!(w.severity, Severity::Medium);
        assert!(w.evidence.contains("0.0.0.0"));
        assert!(find(&f, "SW-NET-003").is_some());
    }

    #[test]
    fn ipv6_wildcard_counts() {
        let f = findings_for(
            r#"{"NetworkSettings":{"Ports":{"8080/tcp":[{"HostIp":"::","HostPort":"8080"}]}}}"#,
        );
        assert!(find(&f, "SW-NET-002").is_some());
        assert!(find(&f, "SW-NET-001").is_none());
    }

    #[test]
    fn loopback_binding_is_fine() {
        let f = findings_for(
            r#"{"HostConfig":{"PortBindings":{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}]}}}"#,
        );
        assert!(find(&f, "SW-NET-002").is_none());
        assert!(find(&f, "SW-NET-003").is_some());
    }

    #[test]
    fn default_bridge_is_hygiene() {
        let f = findings_for(r#"{"HostConfig":{"NetworkMode":"default"}}"#);
        assert!(find(&f, "SW-NET-004").is_some());
        let f = findings_for(
            r#"{"HostConfig":{"NetworkMode":"appnet"},"NetworkSettings":{"Networks":{"bridge":null,"appnet":{}}}}"#,
        );
        assert!(find(&f, "SW-NET-004").is_none());
    }
}
