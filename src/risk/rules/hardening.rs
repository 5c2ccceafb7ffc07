//! CIS 5.13 and other hardening settings: read-only root filesystem, unsafe sysctls,
//! sandboxed runtimes.

use super::super::{Ctx, Finding, RuleMeta, Scope, Severity};

pub const WRITABLE_ROOTFS: RuleMeta = RuleMeta {
    id: "SW-HARD-001",
    scope: Scope::Container,
    severity: Severity::Low,
    title: "Root filesystem is writable",
    cis: Some("5.13"),
    technique: "An attacker can drop tools, modify binaries and persist inside the container; a \
                read-only root filesystem makes every change visible as a volume or tmpfs.",
    fix: "Add --read-only with --tmpfs /tmp for scratch space (compose: read_only: true, tmpfs).",
};
pub const SYSCTL: RuleMeta = RuleMeta {
    id: "SW-HARD-002",
    scope: Scope::Container,
    severity: Severity::Medium,
    title: "Unsafe sysctl set",
    cis: None,
    technique: "Sysctls outside the namespaced safe set change kernel behaviour for the whole \
                host or weaken network isolation.",
    fix: "Remove the --sysctl (compose: sysctls) or restrict it to the safe set \
          (net.ipv4.ip_local_port_range, net.ipv4.ping_group_range, ...).",
};
pub const SANDBOX: RuleMeta = RuleMeta {
    id: "SW-HARD-003",
    scope: Scope::Container,
    severity: Severity::Info,
    title: "Sandboxed runtime in use",
    cis: None,
    technique: "gVisor or Kata put a user-space kernel or a VM between the container and the \
                host kernel, which blunts kernel exploits and most escapes.",
    fix: "Nothing to fix; keep it.",
};

pub const META: &[RuleMeta] = &[WRITABLE_ROOTFS, SYSCTL, SANDBOX];

/// Sysctls Kubernetes considers safe (namespaced, no host effect).
const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let c = ctx.c;
    if !c.readonly_rootfs {
        out.push(
            WRITABLE_ROOTFS
                .finding("HostConfig.ReadonlyRootfs = false")
                .hygiene(),
        );
    }
    for (key, value) in &c.sysctls {
        if !SAFE_SYSCTLS.contains(&key.as_str()) {
            out.push(SYSCTL.finding(format!("HostConfig.Sysctls[{key}] = {value}")));
        }
    }
    if [
        "runsc",
        "kata",
        "kata-runtime",
        "io.containerd.kata.v2",
        "io.containerd.runsc.v1",
    ]
    .iter()
    .any(|r| c.runtime.contains(r))
    {
        out.push(SANDBOX.finding(format!("HostConfig.Runtime = {}", c.runtime)));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    #[test]
    fn read_only_rootfs_clears_it() {
        assert!(find(&findings_for("{}"), "SW-HARD-001").is_some());
        let f = findings_for(r#"{"HostConfig":{"ReadonlyRootfs":true}}"#);
        assert!(find(&f, "SW-HARD-001").is_none());
    }

    #[test]
    fn unsafe_sysctls() {
        let f = findings_for(
            r#"{"HostConfig":{"Sysctls":{"net.ipv4.ip_forward":"1","net.ipv4.ping_group_range":"0 1"}}}"#,
        );
        let hits: Vec<_> = f.iter().filter(|x| x.id == "SW-HARD-002").collect();
        assert_eq!(hits.len(), 1);
        assert!(hits[0].evidence.contains("ip_forward"));
    }
}
