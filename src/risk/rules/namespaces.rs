//! CIS 5.10, 5.16, 5.17, 5.21, 5.31 and cgroupns: host namespaces shared with the container,
//! following `container:<id>` references (joining the PID namespace of a `--pid host`
//! container is sharing the host's).

use super::super::confinement::NsTarget;
use super::super::{Ctx, Finding, RuleMeta, Severity};

const fn ns(
    id: &'static str,
    severity: Severity,
    cis: Option<&'static str>,
    title: &'static str,
    technique: &'static str,
    fix: &'static str,
) -> RuleMeta {
    RuleMeta::container(id, severity, cis, title, technique, fix)
}

pub const PID: RuleMeta = ns(
    "SW-NS-001",
    Severity::High,
    Some("5.16"),
    "Host PID namespace shared",
    "Every host process is visible: command lines and environments leak secrets, signals reach \
     host daemons, and with SYS_PTRACE (or a same-uid process) ptrace injects code into host \
     root processes; nsenter -t 1 enters the host outright when privileged.",
    "Remove --pid host (compose: pid: host).",
);
pub const NET: RuleMeta = ns(
    "SW-NS-002",
    Severity::High,
    Some("5.10"),
    "Host network namespace shared",
    "The container binds host ports, reaches services listening only on localhost (including \
     abstract-socket runtime shims, CVE-2020-15257) and, with NET_ADMIN or NET_RAW, sniffs and \
     rewrites host traffic.",
    "Remove --network host (compose: network_mode: host); publish the ports needed instead.",
);
pub const IPC: RuleMeta = ns(
    "SW-NS-003",
    Severity::High,
    Some("5.17"),
    "Host IPC namespace shared",
    "Host shared memory segments, semaphores and message queues are readable and writable: \
     data of host processes leaks and can be tampered with.",
    "Remove --ipc host (compose: ipc: host).",
);
pub const UTS: RuleMeta = ns(
    "SW-NS-004",
    Severity::Medium,
    Some("5.21"),
    "Host UTS namespace shared",
    "The container can change the host's hostname and domain name, confusing logs, monitoring \
     and anything that trusts the name.",
    "Remove --uts host (compose: uts: host).",
);
pub const USERNS: RuleMeta = ns(
    "SW-NS-005",
    Severity::High,
    Some("5.31"),
    "Host user namespace shared despite userns-remap",
    "The daemon remaps container root to an unprivileged host uid, but this container opted out \
     with --userns host: its root is host root again.",
    "Remove --userns host (compose: userns_mode: host).",
);
pub const CGROUPNS: RuleMeta = ns(
    "SW-NS-006",
    Severity::Medium,
    None,
    "Host cgroup namespace shared",
    "The host cgroup hierarchy is visible; on cgroup v1 hosts this is the setting the \
     release_agent escapes (CVE-2022-0492) rely on.",
    "Use --cgroupns private (compose: cgroup: private), or move the host to cgroup v2.",
);
pub const JOINED: RuleMeta = ns(
    "SW-NS-007",
    Severity::Info,
    None,
    "Shares a namespace with another container",
    "Containers that share a namespace share its weaknesses: a compromise of one reaches the \
     other's processes, network or memory.",
    "Give the container its own namespace unless the sharing is intended (sidecars).",
);

pub const META: &[RuleMeta] = &[PID, NET, IPC, UTS, USERNS, CGROUPNS, JOINED];

fn evidence(field: &str, mode: &str, target: &NsTarget) -> String {
    match target {
        NsTarget::Host { via } if !via.is_empty() => format!(
            "HostConfig.{field} = {mode}, which resolves to the host through {}",
            via.join(" -> ")
        ),
        _ => format!("HostConfig.{field} = {mode}"),
    }
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let c = ctx.c;
    let conf = ctx.conf;
    for (meta, field, mode, target) in [
        (&PID, "PidMode", &c.pid_mode, &conf.pid),
        (&NET, "NetworkMode", &c.network_mode, &conf.net),
        (&IPC, "IpcMode", &c.ipc_mode, &conf.ipc),
        (&UTS, "UTSMode", &c.uts_mode, &conf.uts),
    ] {
        match target {
            NsTarget::Host { .. } => {
                let mut f = meta.finding(evidence(field, mode, target));
                if meta.id == PID.id && conf.has_cap("KILL") && !c.privileged {
                    f.evidence
                        .push_str("; KILL is kept, so host processes can be signalled");
                }
                // Privileged already carries the weight of host access.
                if c.privileged {
                    f = f.implied();
                }
                out.push(f);
            }
            NsTarget::Container { name } => out.push(JOINED.finding(format!(
                "HostConfig.{field} = {mode} (joins container {name})"
            ))),
            NsTarget::Unknown { reference } => out.push(JOINED.finding(format!(
                "HostConfig.{field} = {mode} (container {reference} is not in the inventory)"
            ))),
            NsTarget::Private => {}
        }
    }
    if conf.userns_host {
        out.push(USERNS.finding("HostConfig.UsernsMode = host while the daemon uses userns-remap"));
    }
    if conf.cgroupns_host && !c.privileged {
        let mode = if c.cgroupns_mode.is_empty() {
            "(daemon default)"
        } else {
            &c.cgroupns_mode
        };
        let sev = if ctx.host.cgroup_version == "1" {
            Severity::Medium
        } else {
            Severity::Low
        };
        out.push(
            CGROUPNS
                .finding(format!(
                    "HostConfig.CgroupnsMode = {mode}; /info CgroupVersion = {}",
                    if ctx.host.cgroup_version.is_empty() {
                        "?"
                    } else {
                        &ctx.host.cgroup_version
                    }
                ))
                .with_severity(sev),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::risk::{Grader, Severity};

    #[test]
    fn each_host_namespace_is_flagged() {
        for (field, id, cis) in [
            ("PidMode", "SW-NS-001", "5.16"),
            ("NetworkMode", "SW-NS-002", "5.10"),
            ("IpcMode", "SW-NS-003", "5.17"),
            ("UTSMode", "SW-NS-004", "5.21"),
        ] {
            let f = findings_for(&format!(r#"{{"HostConfig":{{"{field}":"host"}}}}"#));
            let x = find(&f, id).unwrap_or_else(|| panic!("{field}"));
            assert_eq!(x.cis.as_deref(), Some(cis));
            assert!(x.evidence.contains("= host"));
        }
        let f = findings_for("{}");
        for id in [
            "SW-NS-001",
            "SW-NS-002",
            "SW-NS-003",
            "SW-NS-004",
            "SW-NS-006",
        ] {
            assert!(find(&f, id).is_none(), "{id} on a default container");
        }
    }

    #[test]
    fn container_reference_to_a_host_pid_container_is_host() {
        let a = container(r#"{"Id":"aaaa1111","Name":"/hostpid","HostConfig":{"PidMode":"host"}}"#);
        let b = container(
            r#"{"Id":"bbbb2222","Name":"/joiner","HostConfig":{"PidMode":"container:aaaa1111"}}"#,
        );
        let mut g = Grader::new(default_host());
        g.replace(vec![a, b]);
        let f = g.grade("bbbb2222").unwrap().findings;
        let x = find(&f, "SW-NS-001").expect("resolved to host");
        assert!(x.evidence.contains("hostpid"), "{}", x.evidence);
    }

    #[test]
    fn container_reference_to_private_is_informational() {
        let a = container(r#"{"Id":"aaaa1111","Name":"/app"}"#);
        let b = container(
            r#"{"Id":"bbbb2222","Name":"/sidecar","HostConfig":{"NetworkMode":"container:app"}}"#,
        );
        let mut g = Grader::new(default_host());
        g.replace(vec![a, b]);
        let f = g.grade("bbbb2222").unwrap().findings;
        assert!(find(&f, "SW-NS-002").is_none());
        assert_eq!(find(&f, "SW-NS-007").unwrap().severity, Severity::Info);
    }

    #[test]
    fn userns_host_matters_only_with_remap() {
        let f = findings_for(r#"{"HostConfig":{"UsernsMode":"host"}}"#);
        assert!(find(&f, "SW-NS-005").is_none());
        let mut host = default_host();
        host.security.userns_remap = true;
        let f = findings_with_host(r#"{"HostConfig":{"UsernsMode":"host"}}"#, &host);
        assert_eq!(find(&f, "SW-NS-005").unwrap().severity, Severity::High);
    }

    #[test]
    fn cgroupns_host_on_v1_is_medium() {
        let mut host = default_host();
        host.cgroup_version = "1".into();
        let f = findings_with_host(r#"{"HostConfig":{"CgroupnsMode":"host"}}"#, &host);
        assert_eq!(find(&f, "SW-NS-006").unwrap().severity, Severity::Medium);
        let f = findings_for(r#"{"HostConfig":{"CgroupnsMode":"private"}}"#);
        assert!(find(&f, "SW-NS-006").is_none());
    }
}
