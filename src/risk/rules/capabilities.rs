//! CIS 5.4 and the community checks C.5.3.1-4: the effective capability set, graded per
//! capability. Effective = privileged ? all : (defaults + added) - dropped.

use super::super::confinement::{DEFAULT_CAPS, Seccomp};
use super::super::{Ctx, Finding, RuleMeta, Scope, Severity};

/// One row of the capability table.
struct CapRule {
    cap: &'static str,
    meta: RuleMeta,
}

const fn cap_rule(
    cap: &'static str,
    id: &'static str,
    severity: Severity,
    cis: &'static str,
    title: &'static str,
    technique: &'static str,
    fix: &'static str,
) -> CapRule {
    CapRule {
        cap,
        meta: RuleMeta {
            id,
            scope: Scope::Container,
            severity,
            title,
            cis: Some(cis),
            technique,
            fix,
        },
    }
}

const TABLE: &[CapRule] = &[
    cap_rule(
        "SYS_ADMIN",
        "SW-CAP-SYS_ADMIN",
        Severity::High,
        "5.4 / C.5.3.3",
        "CAP_SYS_ADMIN granted",
        "SYS_ADMIN unlocks mount, unshare, setns and bpf in the seccomp profile. With no AppArmor \
         or SELinux in the way, root mounts a cgroup v1 hierarchy and sets release_agent to a host \
         script that the kernel runs as root (the 2019 release_agent escape), or mounts procfs and \
         rewrites core_pattern.",
        "Drop it: remove --cap-add SYS_ADMIN (compose: cap_add). If a tool needs one mount, do the \
         mount at build time or use a purpose-built volume driver.",
    ),
    cap_rule(
        "SYS_MODULE",
        "SW-CAP-SYS_MODULE",
        Severity::Critical,
        "5.4 / C.5.3.2",
        "CAP_SYS_MODULE granted",
        "Loading a kernel module is ring-0 code execution on the host: insmod a module that starts \
         a reverse shell through call_usermodehelper. AppArmor does not block it.",
        "Remove --cap-add SYS_MODULE (compose: cap_add). Load modules on the host, never from a \
         container.",
    ),
    cap_rule(
        "SYS_PTRACE",
        "SW-CAP-SYS_PTRACE",
        Severity::High,
        "5.4 / C.5.3.4",
        "CAP_SYS_PTRACE granted",
        "ptrace and process_vm_writev on every process the container can see. With the host PID \
         namespace that includes host root processes: attach, inject shellcode, read their \
         memory and secrets.",
        "Remove --cap-add SYS_PTRACE (compose: cap_add); debug from the host or a dedicated \
         debug container, never together with --pid host.",
    ),
    cap_rule(
        "DAC_READ_SEARCH",
        "SW-CAP-DAC_READ_SEARCH",
        Severity::Critical,
        "5.4 / C.5.3.1",
        "CAP_DAC_READ_SEARCH granted",
        "open_by_handle_at lets root brute-force file handles from any host-backed file (such as \
         the bind-mounted /etc/hosts) and open arbitrary host files: the 'Shocker' escape reads \
         /etc/shadow and SSH keys, and with the default DAC_OVERRIDE writes them.",
        "Remove --cap-add DAC_READ_SEARCH (compose: cap_add).",
    ),
    cap_rule(
        "NET_ADMIN",
        "SW-CAP-NET_ADMIN",
        Severity::Medium,
        "5.4",
        "CAP_NET_ADMIN granted",
        "Full control of the network stack it sits in: with the host network that means the host \
         firewall, routes and traffic interception. It also opens the netfilter code paths behind \
         several kernel privilege escalations (CVE-2021-22555, CVE-2024-1086).",
        "Remove --cap-add NET_ADMIN (compose: cap_add); configure networking from the host.",
    ),
    cap_rule(
        "NET_RAW",
        "SW-CAP-NET_RAW",
        Severity::Medium,
        "5.4",
        "CAP_NET_RAW kept (Docker default)",
        "Raw and packet sockets allow ARP and DNS spoofing against neighbours on the same bridge \
         and reach AF_PACKET kernel bugs such as CVE-2020-14386. Pod Security baseline forbids it.",
        "Add --cap-drop NET_RAW (compose: cap_drop: [NET_RAW]); ping rarely needs it on modern \
         kernels.",
    ),
    cap_rule(
        "SYS_RAWIO",
        "SW-CAP-SYS_RAWIO",
        Severity::High,
        "5.4",
        "CAP_SYS_RAWIO granted",
        "Port I/O (iopl, ioperm) and raw device ioctls: with /dev/mem or a block device present, \
         physical memory and disks can be read and written directly.",
        "Remove --cap-add SYS_RAWIO (compose: cap_add).",
    ),
    cap_rule(
        "BPF",
        "SW-CAP-BPF",
        Severity::High,
        "5.4",
        "CAP_BPF granted",
        "Loads eBPF programs and maps: with PERFMON they trace host processes and read kernel \
         memory (eBPF rootkits), and the verifier is a large kernel attack surface.",
        "Remove --cap-add BPF (compose: cap_add); run eBPF tooling on the host.",
    ),
    cap_rule(
        "MAC_ADMIN",
        "SW-CAP-MAC_ADMIN",
        Severity::High,
        "5.4",
        "CAP_MAC_ADMIN granted",
        "Can change mandatory access control policy (loading AppArmor or Smack policy), removing \
         the confinement that stops most capability-based escapes.",
        "Remove --cap-add MAC_ADMIN (compose: cap_add).",
    ),
    cap_rule(
        "MAC_OVERRIDE",
        "SW-CAP-MAC_OVERRIDE",
        Severity::High,
        "5.4",
        "CAP_MAC_OVERRIDE granted",
        "Overrides mandatory access control decisions, defeating LSM confinement.",
        "Remove --cap-add MAC_OVERRIDE (compose: cap_add).",
    ),
    cap_rule(
        "SYS_BOOT",
        "SW-CAP-SYS_BOOT",
        Severity::Medium,
        "5.4",
        "CAP_SYS_BOOT granted",
        "reboot(2): inside the host PID namespace it reboots the host (denial of service).",
        "Remove --cap-add SYS_BOOT (compose: cap_add).",
    ),
    cap_rule(
        "SYS_TIME",
        "SW-CAP-SYS_TIME",
        Severity::Medium,
        "5.4",
        "CAP_SYS_TIME granted",
        "The clock is not namespaced: setting it shifts host time, breaking TLS validity, \
         Kerberos and token expiry, and muddling forensic timelines.",
        "Remove --cap-add SYS_TIME (compose: cap_add); keep time sync on the host.",
    ),
    cap_rule(
        "SYSLOG",
        "SW-CAP-SYSLOG",
        Severity::Medium,
        "5.4",
        "CAP_SYSLOG granted",
        "Reads the kernel log, which leaks kernel addresses that defeat KASLR for kernel exploits.",
        "Remove --cap-add SYSLOG (compose: cap_add).",
    ),
    cap_rule(
        "PERFMON",
        "SW-CAP-PERFMON",
        Severity::Medium,
        "5.4",
        "CAP_PERFMON granted",
        "perf_event_open on the host kernel: kernel pointer leaks and side channels; with BPF it \
         enables tracing programs that read kernel memory.",
        "Remove --cap-add PERFMON (compose: cap_add).",
    ),
    cap_rule(
        "AUDIT_CONTROL",
        "SW-CAP-AUDIT_CONTROL",
        Severity::Medium,
        "5.4",
        "CAP_AUDIT_CONTROL granted",
        "Can reconfigure or disable the host audit subsystem, erasing the trail of an attack.",
        "Remove --cap-add AUDIT_CONTROL (compose: cap_add).",
    ),
    cap_rule(
        "AUDIT_READ",
        "SW-CAP-AUDIT_READ",
        Severity::Medium,
        "5.4",
        "CAP_AUDIT_READ granted",
        "Reads host audit records through the multicast netlink socket.",
        "Remove --cap-add AUDIT_READ (compose: cap_add).",
    ),
    cap_rule(
        "LINUX_IMMUTABLE",
        "SW-CAP-LINUX_IMMUTABLE",
        Severity::Medium,
        "5.4",
        "CAP_LINUX_IMMUTABLE granted",
        "Sets immutable and append-only flags: on a host mount, planted files become undeletable \
         and append-only logs can be tampered with.",
        "Remove --cap-add LINUX_IMMUTABLE (compose: cap_add).",
    ),
];

/// Added capabilities not in the table: mostly denial of service or minor disclosure.
pub const OTHER_ADDED: RuleMeta = RuleMeta {
    id: "SW-CAP-OTHER",
    scope: Scope::Container,
    severity: Severity::Low,
    title: "Extra capability granted",
    cis: Some("5.4"),
    technique: "Capabilities beyond Docker's default set widen what root in the container may do \
                (scheduling, resource limits, memory locking, accounting); mostly denial of \
                service or information disclosure.",
    fix: "Remove the --cap-add (compose: cap_add) unless the workload is known to need it.",
};

pub const ALL_ADDED: RuleMeta = RuleMeta {
    id: "SW-CAP-ALL",
    scope: Scope::Container,
    severity: Severity::Critical,
    title: "Every capability granted (--cap-add ALL)",
    cis: Some("5.4"),
    technique: "ALL includes SYS_ADMIN, SYS_MODULE, SYS_PTRACE and DAC_READ_SEARCH, each of which \
                has a known host escape; the seccomp profile opens the matching syscalls.",
    fix: "Replace --cap-add ALL with --cap-drop ALL plus the few capabilities the workload needs \
          (compose: cap_drop: [ALL], cap_add: [...]).",
};

pub const NO_DROP_ALL: RuleMeta = RuleMeta {
    id: "SW-CAP-DROPALL",
    scope: Scope::Container,
    severity: Severity::Low,
    title: "Capabilities not dropped to a minimum",
    cis: Some("5.4"),
    technique: "Docker's default set still gives root in the container CHOWN, DAC_OVERRIDE, FOWNER, \
                SETUID and friends, which turn any writable host mount or setuid binary into a \
                foothold. Starting from nothing leaves nothing to abuse.",
    fix: "Add --cap-drop ALL and add back only what is needed, e.g. --cap-add NET_BIND_SERVICE \
          (compose: cap_drop: [ALL]).",
};

pub fn metas() -> Vec<RuleMeta> {
    let mut m: Vec<RuleMeta> = TABLE.iter().map(|r| r.meta).collect();
    m.extend([OTHER_ADDED, ALL_ADDED, NO_DROP_ALL]);
    m
}

fn evidence(ctx: &Ctx<'_>, cap: &str) -> String {
    if DEFAULT_CAPS.contains(&cap) {
        format!("{cap} is in Docker's default set and HostConfig.CapDrop does not remove it")
    } else if ctx.c.cap_add.iter().any(|a| a == "ALL") {
        format!("HostConfig.CapAdd contains ALL (includes {cap})")
    } else {
        format!("HostConfig.CapAdd contains {cap}")
    }
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    // Privileged already reports "all capabilities"; listing 41 of them adds only noise.
    if ctx.c.privileged {
        return;
    }
    let conf = ctx.conf;
    let pid_host = conf.pid.is_host();
    let net_host = conf.net.is_host();
    let seccomp_off = matches!(conf.seccomp, Seccomp::Unconfined(_));

    let push = |out: &mut Vec<Finding>, f: Finding| {
        let f = if conf.root_is_host_root {
            f
        } else {
            f.mitigate()
        };
        out.push(f);
    };

    if ctx.c.cap_add.iter().any(|a| a == "ALL") {
        push(
            out,
            ALL_ADDED
                .finding("HostConfig.CapAdd contains ALL")
                .host_root(),
        );
    }

    for rule in TABLE {
        if !conf.has_cap(rule.cap) {
            continue;
        }
        let mut f = rule.meta.finding(evidence(ctx, rule.cap));
        match rule.cap {
            "SYS_ADMIN" if conf.lsm_off() => {
                f = f
                    .with_severity(Severity::Critical)
                    .with_title("CAP_SYS_ADMIN granted with no AppArmor or SELinux confinement")
                    .host_root();
            }
            "SYS_PTRACE" if pid_host => {
                f = f
                    .with_severity(Severity::Critical)
                    .with_title("CAP_SYS_PTRACE granted in the host PID namespace");
                if conf.lsm_off() {
                    f = f.host_root();
                }
            }
            "SYS_MODULE" | "DAC_READ_SEARCH" => f = f.host_root(),
            "NET_ADMIN" | "NET_RAW" if net_host => {
                f = f.with_severity(Severity::High);
            }
            "SYS_BOOT" if pid_host => f = f.with_severity(Severity::High),
            "PERFMON" if conf.has_cap("BPF") => f = f.with_severity(Severity::High),
            _ => {}
        }
        if seccomp_off && !DEFAULT_CAPS.contains(&rule.cap) {
            let raised = f.severity.raised();
            f = f.with_severity(raised);
        }
        // With ALL added, the umbrella finding carries the weight.
        if ctx.c.cap_add.iter().any(|a| a == "ALL") {
            f = f.implied();
        }
        push(out, f);
    }

    if !ctx.c.cap_add.iter().any(|a| a == "ALL") {
        for cap in &ctx.c.cap_add {
            let known = TABLE.iter().any(|r| r.cap == cap) || DEFAULT_CAPS.contains(&cap.as_str());
            if !known && conf.has_cap(cap) {
                push(
                    out,
                    OTHER_ADDED
                        .finding(format!("HostConfig.CapAdd contains {cap}"))
                        .with_title(format!("Extra capability CAP_{cap} granted")),
                );
            }
        }
    }

    if !ctx.c.cap_drop.iter().any(|d| d == "ALL") {
        out.push(
            NO_DROP_ALL
                .finding("HostConfig.CapDrop does not contain ALL")
                .hygiene(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::risk::{Severity, Weighting};

    #[test]
    fn default_container_keeps_net_raw_and_does_not_drop_all() {
        let f = findings_for("{}");
        assert_eq!(
            find(&f, "SW-CAP-NET_RAW").unwrap().severity,
            Severity::Medium
        );
        assert_eq!(
            find(&f, "SW-CAP-DROPALL").unwrap().weighting,
            Weighting::Hygiene
        );
        assert!(find(&f, "SW-CAP-SYS_ADMIN").is_none());
    }

    #[test]
    fn sys_admin_is_high_under_apparmor_and_critical_without() {
        let f = findings_for(r#"{"HostConfig":{"CapAdd":["SYS_ADMIN"]}}"#);
        let sa = find(&f, "SW-CAP-SYS_ADMIN").unwrap();
        assert_eq!(sa.severity, Severity::High);
        assert_eq!(sa.cis.as_deref(), Some("5.4 / C.5.3.3"));
        assert_eq!(sa.evidence, "HostConfig.CapAdd contains SYS_ADMIN");

        let f = findings_for(
            r#"{"HostConfig":{"CapAdd":["CAP_SYS_ADMIN"],"SecurityOpt":["apparmor=unconfined"]}}"#,
        );
        let sa = find(&f, "SW-CAP-SYS_ADMIN").unwrap();
        assert_eq!(sa.severity, Severity::Critical);
        assert_eq!(sa.weighting, Weighting::HostRoot);
    }

    #[test]
    fn ptrace_with_host_pid_is_critical() {
        let f = findings_for(r#"{"HostConfig":{"CapAdd":["SYS_PTRACE"],"PidMode":"host"}}"#);
        assert_eq!(
            find(&f, "SW-CAP-SYS_PTRACE").unwrap().severity,
            Severity::Critical
        );
        let f = findings_for(r#"{"HostConfig":{"CapAdd":["SYS_PTRACE"]}}"#);
        assert_eq!(
            find(&f, "SW-CAP-SYS_PTRACE").unwrap().severity,
            Severity::High
        );
    }

    #[test]
    fn module_and_shocker_are_host_root() {
        let f = findings_for(r#"{"HostConfig":{"CapAdd":["sys_module","DAC_READ_SEARCH"]}}"#);
        for id in ["SW-CAP-SYS_MODULE", "SW-CAP-DAC_READ_SEARCH"] {
            let x = find(&f, id).unwrap();
            assert_eq!(x.severity, Severity::Critical, "{id}");
            assert_eq!(x.weighting, Weighting::HostRoot, "{id}");
        }
    }

    #[test]
    fn dropped_caps_are_not_reported() {
        let f = findings_for(r#"{"HostConfig":{"CapDrop":["ALL"],"CapAdd":["NET_BIND_SERVICE"]}}"#);
        assert!(find(&f, "SW-CAP-NET_RAW").is_none());
        assert!(find(&f, "SW-CAP-DROPALL").is_none());
        let f = findings_for(r#"{"HostConfig":{"CapDrop":["NET_RAW"]}}"#);
        assert!(find(&f, "SW-CAP-NET_RAW").is_none());
    }

    #[test]
    fn cap_add_all_is_one_critical_with_implied_details() {
        let f = findings_for(r#"{"HostConfig":{"CapAdd":["ALL"]}}"#);
        assert_eq!(
            find(&f, "SW-CAP-ALL").unwrap().weighting,
            Weighting::HostRoot
        );
        assert_eq!(
            find(&f, "SW-CAP-SYS_ADMIN").unwrap().weighting,
            Weighting::Implied
        );
    }

    #[test]
    fn net_admin_with_host_network_is_high() {
        let f = findings_for(r#"{"HostConfig":{"CapAdd":["NET_ADMIN"],"NetworkMode":"host"}}"#);
        assert_eq!(
            find(&f, "SW-CAP-NET_ADMIN").unwrap().severity,
            Severity::High
        );
        let f = findings_for(r#"{"HostConfig":{"CapAdd":["NET_ADMIN"]}}"#);
        assert_eq!(
            find(&f, "SW-CAP-NET_ADMIN").unwrap().severity,
            Severity::Medium
        );
    }

    #[test]
    fn unknown_extra_cap_is_low() {
        let f = findings_for(r#"{"HostConfig":{"CapAdd":["SYS_NICE"]}}"#);
        let x = find(&f, "SW-CAP-OTHER").unwrap();
        assert_eq!(x.severity, Severity::Low);
        assert!(x.title.contains("SYS_NICE"));
    }

    #[test]
    fn userns_remap_lowers_capability_findings() {
        let mut host = default_host();
        host.security.userns_remap = true;
        let f = findings_with_host(r#"{"HostConfig":{"CapAdd":["SYS_MODULE"]}}"#, &host);
        let x = find(&f, "SW-CAP-SYS_MODULE").unwrap();
        assert_eq!(x.severity, Severity::High);
        assert!(x.mitigated);
        assert_ne!(x.weighting, Weighting::HostRoot);
    }

    #[test]
    fn privileged_does_not_list_every_capability() {
        let f = findings_for(r#"{"HostConfig":{"Privileged":true}}"#);
        assert!(ids(&f).iter().all(|id| !id.starts_with("SW-CAP-")));
    }
}
