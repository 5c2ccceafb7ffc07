//! Daemon configuration rules (CIS Docker Benchmark section 2, plus 5.1), decided from
//! `/info` and `/networks/bridge` alone.
//!
//! Rules that read `/info SecurityOptions` stay quiet when that list is empty: an empty list
//! means the daemon did not report it, not that every option is off.

use super::super::{Finding, RuleMeta, Severity};
use super::version::Version;
use crate::model::HostFacts;

const fn meta(
    id: &'static str,
    severity: Severity,
    cis: Option<&'static str>,
    title: &'static str,
    technique: &'static str,
    fix: &'static str,
) -> RuleMeta {
    RuleMeta::host(id, severity, cis, title, technique, fix)
}

pub const API_PLAIN_TCP: RuleMeta = meta(
    "SW-HOST-001",
    Severity::Critical,
    Some("2.7"),
    "Docker API reachable over TCP without TLS",
    "Anyone who can reach the port drives the daemon with no credentials: they start a \
     privileged container with the host's / bind-mounted and own the machine. Exposed 2375 \
     ports are scanned for continuously and used for cryptominers within hours.",
    "Stop listening on tcp:// without TLS: remove the tcp host from dockerd -H / daemon.json \
     \"hosts\", or add \"tls\": true, \"tlsverify\": true with tlscacert/tlscert/tlskey \
     (dockerd --tlsverify). Prefer SSH (DOCKER_HOST=ssh://...) for remote access.",
);

pub const API_TLS_NO_VERIFY: RuleMeta = meta(
    "SW-HOST-002",
    Severity::High,
    Some("2.7"),
    "Docker API on TLS without client certificate verification",
    "The connection is encrypted but any client is accepted, so reaching the port is still \
     enough to control the daemon and therefore the host.",
    "Require client certificates: daemon.json \"tlsverify\": true with \"tlscacert\" (dockerd \
     --tlsverify --tlscacert=ca.pem), and hand out client certificates only to operators.",
);

pub const NO_USERNS: RuleMeta = meta(
    "SW-HOST-003",
    Severity::Medium,
    Some("2.9"),
    "No user namespace remapping (container root is host root)",
    "uid 0 in every container is uid 0 on the host. Any escape (a runtime bug, a writable \
     host mount, a dangerous capability) lands as full root instead of an unprivileged \
     subordinate uid.",
    "Enable remapping: daemon.json \"userns-remap\": \"default\" (dockerd --userns-remap), or \
     run the daemon rootless (dockerd-rootless-setuptool.sh install).",
);

pub const ROOTLESS: RuleMeta = meta(
    "SW-HOST-004",
    Severity::Info,
    Some("2.1"),
    "Rootless daemon: container root is not host root",
    "The daemon and every container run under an unprivileged host user, so an escape gives \
     that user's rights, not root. Findings that rely on container root being host root are \
     lowered on this host.",
    "Nothing to do; keep the daemon rootless (dockerd-rootless.sh).",
);

pub const LIVE_RESTORE_OFF: RuleMeta = meta(
    "SW-HOST-005",
    Severity::Low,
    Some("2.15"),
    "Live restore is disabled",
    "Restarting or upgrading dockerd stops every container, which discourages applying daemon \
     security updates promptly.",
    "Set daemon.json \"live-restore\": true (dockerd --live-restore) and reload the daemon.",
);

pub const SECCOMP_UNCONFINED: RuleMeta = meta(
    "SW-HOST-006",
    Severity::High,
    Some("2.17"),
    "Daemon-wide seccomp profile is unconfined",
    "Every container without its own profile runs with no syscall filter: unshare, mount, \
     keyctl, bpf and the other calls that kernel exploits and cgroup v1 escapes rely on are \
     all reachable.",
    "Remove \"seccomp-profile\": \"unconfined\" from daemon.json (dockerd --seccomp-profile), \
     or point it at a reviewed profile file.",
);

pub const SECCOMP_UNSUPPORTED: RuleMeta = meta(
    "SW-HOST-007",
    Severity::High,
    Some("2.17"),
    "Seccomp is not available on this daemon",
    "With no seccomp support no container gets a syscall filter, whatever it asks for, so the \
     kernel's whole syscall surface is exposed to every workload.",
    "Run dockerd on a kernel built with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER and a \
     seccomp-enabled Docker build; check `docker info` lists name=seccomp.",
);

pub const NO_NEW_PRIVS_OFF: RuleMeta = meta(
    "SW-HOST-008",
    Severity::Low,
    Some("2.14"),
    "no-new-privileges is not the daemon default",
    "Containers that do not opt in can still gain privileges through setuid/setgid and \
     file-capability binaries, turning an unprivileged foothold into container root.",
    "Set daemon.json \"no-new-privileges\": true (dockerd --no-new-privileges).",
);

pub const NO_LSM: RuleMeta = meta(
    "SW-HOST-009",
    Severity::Medium,
    None,
    "Neither AppArmor nor SELinux is available to containers",
    "No mandatory access control layer confines any container, so the mount, procfs and \
     cgroup tricks that AppArmor or SELinux would block are stopped only by seccomp and \
     capabilities.",
    "Enable AppArmor (Debian/Ubuntu: apparmor package, docker-default profile) or SELinux \
     (RHEL/Fedora: daemon.json \"selinux-enabled\": true, dockerd --selinux-enabled).",
);

pub const SWARM: RuleMeta = meta(
    "SW-HOST-010",
    Severity::Low,
    Some("5.1"),
    "Swarm mode is enabled",
    "Swarm opens cluster ports (2377, 7946, 4789) and a manager holds the cluster's secrets \
     and join tokens; an unneeded swarm is extra attack surface.",
    "If the host does not need swarm: docker swarm leave (--force on a manager).",
);

pub const INSECURE_REGISTRY: RuleMeta = meta(
    "SW-HOST-011",
    Severity::Medium,
    Some("2.5"),
    "Insecure registries are configured",
    "Images from these registries are pulled over plain HTTP or with unverified TLS, so anyone \
     on the path can swap in an image of their own that then runs on this host.",
    "Remove the entries from daemon.json \"insecure-registries\" (dockerd --insecure-registry) \
     and give the registries proper TLS certificates (/etc/docker/certs.d/<host>/ca.crt).",
);

pub const AUFS: RuleMeta = meta(
    "SW-HOST-012",
    Severity::Low,
    Some("2.6"),
    "aufs storage driver in use",
    "aufs is unmaintained, removed from current engines and has a history of kernel crashes \
     and security bugs.",
    "Move to overlay2: daemon.json \"storage-driver\": \"overlay2\" (dockerd \
     --storage-driver), after exporting the images and containers you need.",
);

pub const DEBUG: RuleMeta = meta(
    "SW-HOST-013",
    Severity::Low,
    Some("2.3"),
    "Daemon runs with debug logging",
    "Debug logs record request details that can include sensitive data and grow quickly; they \
     are not meant for production.",
    "Set daemon.json \"debug\": false and \"log-level\": \"info\" (drop dockerd -D).",
);

pub const EXPERIMENTAL: RuleMeta = meta(
    "SW-HOST-014",
    Severity::Low,
    Some("2.18"),
    "Experimental daemon features are enabled",
    "Experimental features are not covered by the usual stability and security review.",
    "Set daemon.json \"experimental\": false (drop dockerd --experimental).",
);

pub const LOCAL_LOGGING: RuleMeta = meta(
    "SW-HOST-015",
    Severity::Info,
    Some("2.13"),
    "Container logs stay on the host",
    "With a local logging driver an attacker who gains the host (or fills its disk) can erase \
     or lose the only record of what the containers did.",
    "Ship logs off the host: daemon.json \"log-driver\" (dockerd --log-driver) set to syslog, \
     journald with forwarding, fluentd, gelf or a cloud driver.",
);

pub const ICC: RuleMeta = meta(
    "SW-HOST-016",
    Severity::Low,
    Some("2.2"),
    "Containers on the default bridge can talk to each other",
    "Every container on docker0 reaches every other container's ports, so one compromised \
     container can probe and attack its neighbours.",
    "Set daemon.json \"icc\": false (dockerd --icc=false) and connect containers that must talk \
     through user-defined networks.",
);

pub const NO_AUTHZ: RuleMeta = meta(
    "SW-HOST-017",
    Severity::Info,
    Some("2.12"),
    "No authorization plugin",
    "Every client that can reach the API may do everything, including starting privileged \
     containers: access to the socket is access to root.",
    "If several people or tools share the daemon, add one: daemon.json \
     \"authorization-plugins\" (dockerd --authorization-plugin), e.g. an OPA-based plugin.",
);

pub const CGROUP_V1: RuleMeta = meta(
    "SW-HOST-018",
    Severity::Medium,
    None,
    "Host uses cgroup v1",
    "cgroup v1 has the release_agent and notify_on_release files: a container that can mount \
     or write the cgroup filesystem (SYS_ADMIN, privileged, writable cgroups, or CVE-2022-0492 \
     on an unpatched kernel) makes the host kernel run its script as root. Containers also \
     share the host cgroup namespace by default.",
    "Boot the host with cgroup v2 (systemd.unified_cgroup_hierarchy=1 on the kernel command \
     line, the default on current distributions) and restart dockerd.",
);

/// Every posture rule.
pub const META: &[RuleMeta] = &[
    API_PLAIN_TCP,
    API_TLS_NO_VERIFY,
    NO_USERNS,
    ROOTLESS,
    LIVE_RESTORE_OFF,
    SECCOMP_UNCONFINED,
    SECCOMP_UNSUPPORTED,
    NO_NEW_PRIVS_OFF,
    NO_LSM,
    SWARM,
    INSECURE_REGISTRY,
    AUFS,
    DEBUG,
    EXPERIMENTAL,
    LOCAL_LOGGING,
    ICC,
    NO_AUTHZ,
    CGROUP_V1,
];

/// The first line of a daemon warning, trimmed (they wrap over several lines).
fn first_line(warning: &str) -> &str {
    warning.lines().next().unwrap_or("").trim()
}

/// Evaluate every posture rule.
pub fn check(host: &HostFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    api(host, &mut out);
    security_options(host, &mut out);
    settings(host, &mut out);
    super::podman::check(host, &mut out);
    if host.is_podman() {
        for f in &mut out {
            if let Some(fix) = super::podman::fix_for(&f.id) {
                f.fix = fix.into();
            }
        }
    }
    out
}

/// CIS 2.7: the API on TCP without TLS, or TLS without client verification.
fn api(host: &HostFacts, out: &mut Vec<Finding>) {
    let mut plain: Vec<String> = host
        .warnings
        .iter()
        .filter(|w| w.contains("API is accessible on http://"))
        .map(|w| format!("/info Warnings: {}", first_line(w)))
        .collect();
    if host.endpoint_plain_tcp {
        plain.push(format!(
            "seawall reached the daemon at {} over plain TCP",
            host.endpoint
        ));
    }
    if !plain.is_empty() {
        out.push(API_PLAIN_TCP.finding(plain.join("; ")).host_root());
    }

    let no_verify: Vec<String> = host
        .warnings
        .iter()
        .filter(|w| w.contains("without TLS client verification"))
        .map(|w| format!("/info Warnings: {}", first_line(w)))
        .collect();
    if !no_verify.is_empty() {
        out.push(API_TLS_NO_VERIFY.finding(no_verify.join("; ")));
    }
}

/// Rules that read `/info SecurityOptions`.
fn security_options(host: &HostFacts, out: &mut Vec<Finding>) {
    if host.security_options.is_empty() {
        return;
    }
    let listed = format!(
        "/info SecurityOptions = [{}]",
        host.security_options.join(", ")
    );
    let sec = &host.security;

    // Podman: rootless or rootful is said by `podman::check`, with Podman's own fix.
    let docker = !host.is_podman();
    if docker && sec.rootless {
        out.push(ROOTLESS.finding("/info SecurityOptions has name=rootless"));
    } else if docker && !sec.userns_remap {
        out.push(NO_USERNS.finding(format!("{listed}: no name=userns and no name=rootless")));
    }

    match sec.seccomp_profile.as_deref() {
        Some(p) if p.eq_ignore_ascii_case("unconfined") => out.push(
            SECCOMP_UNCONFINED.finding("/info SecurityOptions has name=seccomp,profile=unconfined"),
        ),
        Some(_) => {}
        None => out.push(SECCOMP_UNSUPPORTED.finding(format!("{listed}: no name=seccomp entry"))),
    }

    // Podman's `/info` never reports no-new-privileges (it is a containers.conf setting).
    if !sec.no_new_privileges && docker {
        let mut evidence = format!("{listed}: no name=no-new-privileges");
        // The option shows up in /info only from Docker 24.0.
        if Version::parse(&host.engine.version).is_some_and(|v| v.major() < 24) {
            evidence.push_str(&format!(
                " (engine {} predates 24.0, which is the first to report it, so it may be set)",
                host.engine.version
            ));
        }
        out.push(NO_NEW_PRIVS_OFF.finding(evidence));
    }

    if !sec.apparmor && !sec.selinux {
        let f = NO_LSM.finding(format!("{listed}: neither name=apparmor nor name=selinux"));
        // Podman lists SELinux only from 4.6: before, SELinux may be enforcing unseen.
        let old_podman = host.is_podman()
            && Version::parse(&host.engine.version)
                .is_some_and(|v| v.cmp_numbers(&Version::parse("4.6").expect("4.6")).is_lt());
        out.push(if old_podman {
            let evidence = format!(
                "{}; Podman {} predates 4.6, the first to report SELinux, so SELinux may be \
                 enforcing",
                f.evidence, host.engine.version
            );
            let severity = f.severity.lowered();
            NO_LSM
                .finding(evidence)
                .with_title(possibly_title())
                .with_severity(severity)
        } else {
            f
        });
    }
}

/// NO_LSM's title when the engine may not report SELinux.
fn possibly_title() -> &'static str {
    "Neither AppArmor nor SELinux reported (Podman before 4.6 does not report SELinux)"
}

/// Rules on single `/info` fields and the default bridge.
///
/// Podman's compatible `/info` hard-codes `LiveRestoreEnabled: false` and
/// `ExperimentalBuild: true`, and Podman has no authorization plugins: those three rules
/// are about dockerd and skip a Podman host.
fn settings(host: &HostFacts, out: &mut Vec<Finding>) {
    let swarm = host.swarm_state.as_str();
    let docker = !host.is_podman();
    if docker && !host.live_restore && swarm != "active" {
        out.push(
            LIVE_RESTORE_OFF
                .finding("/info LiveRestoreEnabled = false")
                .hygiene(),
        );
    }

    if matches!(swarm, "active" | "pending" | "error" | "locked") {
        out.push(SWARM.finding(format!("/info Swarm.LocalNodeState = {swarm}")));
    }

    if !host.insecure_registries.is_empty() {
        out.push(INSECURE_REGISTRY.finding(format!(
            "/info RegistryConfig lists insecure registries: {}",
            host.insecure_registries.join(", ")
        )));
    }

    if host.storage_driver.eq_ignore_ascii_case("aufs") {
        out.push(AUFS.finding("/info Driver = aufs").hygiene());
    }

    if host.debug {
        out.push(DEBUG.finding("/info Debug = true").hygiene());
    }

    if docker && host.experimental {
        out.push(
            EXPERIMENTAL
                .finding("/info ExperimentalBuild = true")
                .hygiene(),
        );
    }

    match host.logging_driver.as_str() {
        d @ ("json-file" | "local") => out.push(
            LOCAL_LOGGING
                .finding(format!("/info LoggingDriver = {d}"))
                .hygiene(),
        ),
        "none" => out.push(
            LOCAL_LOGGING
                .finding("/info LoggingDriver = none: container output is not kept at all")
                .with_title("Container logs are discarded")
                .with_severity(Severity::Low)
                .hygiene(),
        ),
        _ => {}
    }

    if host.bridge_icc == Some(true) {
        out.push(
            ICC.finding("/networks/bridge Options[com.docker.network.bridge.enable_icc] = true"),
        );
    }

    if docker && host.authz_plugins.is_empty() {
        out.push(NO_AUTHZ.finding("/info Plugins.Authorization is empty"));
    }

    if host.cgroup_version == "1" {
        let f = CGROUP_V1.finding("/info CgroupVersion = 1");
        out.push(if host.remaps_root() { f.mitigate() } else { f });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DaemonSecurity;
    use crate::risk::Weighting;

    /// A well-configured host (userns-remap, AppArmor, built-in seccomp, cgroup v2,
    /// an AuthZ plugin...): no posture rule fires.
    fn hardened() -> HostFacts {
        HostFacts {
            endpoint: "unix:///var/run/docker.sock".into(),
            security_options: vec![
                "name=apparmor".into(),
                "name=seccomp,profile=builtin".into(),
                "name=userns".into(),
                "name=no-new-privileges".into(),
                "name=cgroupns".into(),
            ],
            security: DaemonSecurity {
                apparmor: true,
                seccomp_profile: Some("builtin".into()),
                userns_remap: true,
                no_new_privileges: true,
                cgroupns: true,
                ..Default::default()
            },
            cgroup_version: "2".into(),
            live_restore: true,
            swarm_state: "inactive".into(),
            logging_driver: "journald".into(),
            storage_driver: "overlay2".into(),
            authz_plugins: vec!["opa".into()],
            bridge_icc: Some(false),
            engine: crate::model::EngineFacts {
                version: "29.7.2".into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn ids(h: &HostFacts) -> Vec<String> {
        check(h).into_iter().map(|f| f.id.into_owned()).collect()
    }

    fn find(h: &HostFacts, id: &str) -> Option<Finding> {
        check(h).into_iter().find(|f| f.id == id)
    }

    #[test]
    fn hardened_host_is_clean() {
        assert!(ids(&hardened()).is_empty(), "{:?}", ids(&hardened()));
    }

    /// (description, change, rule that must fire, severity)
    type Case = (&'static str, fn(&mut HostFacts), &'static str, Severity);

    #[test]
    fn each_rule_fires_on_its_setting() {
        let cases: &[Case] = &[
            (
                "plain http warning",
                |h| {
                    h.warnings = vec![
                        "WARNING: API is accessible on http://0.0.0.0:2375 without encryption.\n\
                         Access to the remote API is equivalent to root access on the host."
                            .into(),
                    ]
                },
                "SW-HOST-001",
                Severity::Critical,
            ),
            (
                "seawall itself on plain tcp",
                |h| {
                    h.endpoint = "tcp://10.0.0.5:2375".into();
                    h.endpoint_plain_tcp = true;
                },
                "SW-HOST-001",
                Severity::Critical,
            ),
            (
                "tls without verify",
                |h| {
                    h.warnings = vec![
                        "WARNING: API is accessible on https://0.0.0.0:2376 without TLS client \
                         verification"
                            .into(),
                    ]
                },
                "SW-HOST-002",
                Severity::High,
            ),
            (
                "no userns",
                |h| {
                    h.security.userns_remap = false;
                    h.security_options.retain(|o| o != "name=userns");
                },
                "SW-HOST-003",
                Severity::Medium,
            ),
            (
                "rootless",
                |h| {
                    h.security.userns_remap = false;
                    h.security.rootless = true;
                },
                "SW-HOST-004",
                Severity::Info,
            ),
            (
                "live restore off",
                |h| h.live_restore = false,
                "SW-HOST-005",
                Severity::Low,
            ),
            (
                "seccomp unconfined",
                |h| h.security.seccomp_profile = Some("unconfined".into()),
                "SW-HOST-006",
                Severity::High,
            ),
            (
                "seccomp unsupported",
                |h| h.security.seccomp_profile = None,
                "SW-HOST-007",
                Severity::High,
            ),
            (
                "no-new-privileges off",
                |h| h.security.no_new_privileges = false,
                "SW-HOST-008",
                Severity::Low,
            ),
            (
                "no lsm",
                |h| h.security.apparmor = false,
                "SW-HOST-009",
                Severity::Medium,
            ),
            (
                "swarm active",
                |h| h.swarm_state = "active".into(),
                "SW-HOST-010",
                Severity::Low,
            ),
            (
                "swarm pending",
                |h| h.swarm_state = "pending".into(),
                "SW-HOST-010",
                Severity::Low,
            ),
            (
                "swarm locked",
                |h| h.swarm_state = "locked".into(),
                "SW-HOST-010",
                Severity::Low,
            ),
            (
                "swarm error",
                |h| h.swarm_state = "error".into(),
                "SW-HOST-010",
                Severity::Low,
            ),
            (
                "insecure registry",
                |h| h.insecure_registries = vec!["registry.lan:5000".into()],
                "SW-HOST-011",
                Severity::Medium,
            ),
            (
                "aufs",
                |h| h.storage_driver = "aufs".into(),
                "SW-HOST-012",
                Severity::Low,
            ),
            ("debug", |h| h.debug = true, "SW-HOST-013", Severity::Low),
            (
                "experimental",
                |h| h.experimental = true,
                "SW-HOST-014",
                Severity::Low,
            ),
            (
                "json-file",
                |h| h.logging_driver = "json-file".into(),
                "SW-HOST-015",
                Severity::Info,
            ),
            (
                "local",
                |h| h.logging_driver = "local".into(),
                "SW-HOST-015",
                Severity::Info,
            ),
            (
                "none",
                |h| h.logging_driver = "none".into(),
                "SW-HOST-015",
                Severity::Low,
            ),
            (
                "icc",
                |h| h.bridge_icc = Some(true),
                "SW-HOST-016",
                Severity::Low,
            ),
            (
                "no authz",
                |h| h.authz_plugins.clear(),
                "SW-HOST-017",
                Severity::Info,
            ),
            (
                "cgroup v1",
                |h| {
                    h.cgroup_version = "1".into();
                    h.security.userns_remap = false;
                },
                "SW-HOST-018",
                Severity::Medium,
            ),
        ];
        for (what, change, id, severity) in cases {
            let mut h = hardened();
            change(&mut h);
            let f = find(&h, id).unwrap_or_else(|| panic!("{what}: {id} expected"));
            assert_eq!(f.severity, *severity, "{what}");
            assert!(!f.evidence.is_empty(), "{what}: evidence");
            let meta = META.iter().find(|m| m.id == *id).unwrap();
            assert_eq!(f.cis.as_deref(), meta.cis, "{what}");
        }
    }

    /// (description, change, rule that must stay quiet)
    type Quiet = (&'static str, fn(&mut HostFacts), &'static str);

    #[test]
    fn negative_cases() {
        let cases: &[Quiet] = &[
            (
                "live restore off but swarm active",
                |h| {
                    h.live_restore = false;
                    h.swarm_state = "active".into();
                },
                "SW-HOST-005",
            ),
            (
                "custom seccomp profile",
                |h| h.security.seccomp_profile = Some("/etc/docker/seccomp.json".into()),
                "SW-HOST-006",
            ),
            (
                "seccomp unknown when SecurityOptions is empty",
                |h| {
                    h.security_options.clear();
                    h.security.seccomp_profile = None;
                },
                "SW-HOST-007",
            ),
            (
                "userns unknown when SecurityOptions is empty",
                |h| {
                    h.security_options.clear();
                    h.security.userns_remap = false;
                },
                "SW-HOST-003",
            ),
            (
                "selinux alone is an LSM",
                |h| {
                    h.security.apparmor = false;
                    h.security.selinux = true;
                },
                "SW-HOST-009",
            ),
            (
                "swarm inactive",
                |h| h.swarm_state = "inactive".into(),
                "SW-HOST-010",
            ),
            (
                "swarm unknown",
                |h| h.swarm_state = String::new(),
                "SW-HOST-010",
            ),
            (
                "overlay2",
                |h| h.storage_driver = "overlay2".into(),
                "SW-HOST-012",
            ),
            (
                "syslog",
                |h| h.logging_driver = "syslog".into(),
                "SW-HOST-015",
            ),
            ("icc unknown", |h| h.bridge_icc = None, "SW-HOST-016"),
            (
                "cgroup v2",
                |h| h.cgroup_version = "2".into(),
                "SW-HOST-018",
            ),
            (
                "cgroup unknown",
                |h| h.cgroup_version = String::new(),
                "SW-HOST-018",
            ),
            (
                "unrelated warning",
                |h| h.warnings = vec!["WARNING: No swap limit support".into()],
                "SW-HOST-001",
            ),
        ];
        for (what, change, id) in cases {
            let mut h = hardened();
            change(&mut h);
            assert!(find(&h, id).is_none(), "{what}: {id} must not fire");
        }
    }

    #[test]
    fn plain_tcp_is_host_root_and_names_the_listener() {
        let mut h = hardened();
        h.warnings = vec![
            "WARNING: API is accessible on http://0.0.0.0:2375 without encryption.\n         \
             Access to the remote API is equivalent to root access on the host."
                .into(),
        ];
        h.endpoint = "tcp://10.0.0.5:2375".into();
        h.endpoint_plain_tcp = true;
        let found = check(&h);
        let f: Vec<_> = found.iter().filter(|f| f.id == "SW-HOST-001").collect();
        assert_eq!(f.len(), 1, "one finding, both pieces of evidence");
        assert_eq!(f[0].weighting, Weighting::HostRoot);
        assert!(
            f[0].evidence
                .contains("http://0.0.0.0:2375 without encryption.")
        );
        assert!(
            !f[0].evidence.contains("equivalent to root"),
            "first line only"
        );
        assert!(f[0].evidence.contains("tcp://10.0.0.5:2375"));
        assert!(found.iter().all(|f| f.id != "SW-HOST-002"));
    }

    #[test]
    fn nnp_evidence_flags_old_engines() {
        let mut h = hardened();
        h.security.no_new_privileges = false;
        h.engine.version = "20.10.24+dfsg1".into();
        let f = find(&h, "SW-HOST-008").unwrap();
        assert!(f.evidence.contains("predates 24.0"), "{}", f.evidence);
        h.engine.version = "27.0.1".into();
        assert!(
            !find(&h, "SW-HOST-008")
                .unwrap()
                .evidence
                .contains("predates")
        );
    }

    #[test]
    fn rootless_replaces_the_userns_finding() {
        let mut h = hardened();
        h.security.userns_remap = false;
        h.security.rootless = true;
        let got = ids(&h);
        assert!(got.contains(&"SW-HOST-004".to_string()));
        assert!(!got.contains(&"SW-HOST-003".to_string()));
        assert!(
            find(&h, "SW-HOST-004")
                .unwrap()
                .title
                .contains("not host root")
        );
    }

    #[test]
    fn cgroup_v1_is_lowered_when_root_is_remapped() {
        let mut h = hardened();
        h.cgroup_version = "1".into();
        let f = find(&h, "SW-HOST-018").unwrap();
        assert_eq!(f.severity, Severity::Low);
        assert!(f.mitigated);
    }

    #[test]
    fn hygiene_rules_are_capped_in_the_score() {
        let mut h = hardened();
        h.live_restore = false;
        h.debug = true;
        h.experimental = true;
        h.logging_driver = "json-file".into();
        h.storage_driver = "aufs".into();
        for id in [
            "SW-HOST-005",
            "SW-HOST-012",
            "SW-HOST-013",
            "SW-HOST-014",
            "SW-HOST-015",
        ] {
            assert_eq!(find(&h, id).unwrap().weighting, Weighting::Hygiene, "{id}");
        }
    }

    #[test]
    fn real_debian_daemon() {
        // /info of the project's Debian 12 docker.io test daemon (tests/fixtures/info_20.10.json).
        let h = HostFacts {
            security_options: vec!["name=seccomp,profile=default".into()],
            security: DaemonSecurity {
                seccomp_profile: Some("default".into()),
                ..Default::default()
            },
            cgroup_version: "1".into(),
            swarm_state: "inactive".into(),
            logging_driver: "json-file".into(),
            storage_driver: "overlay2".into(),
            engine: crate::model::EngineFacts {
                version: "20.10.24+dfsg1".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let mut got = ids(&h);
        got.sort();
        assert_eq!(
            got,
            [
                "SW-HOST-003",
                "SW-HOST-005",
                "SW-HOST-008",
                "SW-HOST-009",
                "SW-HOST-015",
                "SW-HOST-017",
                "SW-HOST-018"
            ]
        );
    }
}
