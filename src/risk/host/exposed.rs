//! Per-container CVE rules: a vulnerable runc, containerd or kernel on this daemon *and* a
//! container whose configuration meets the bug's preconditions. The versions come from the
//! same table as the daemon-level findings (`advisories.rs`); each rule here only adds the
//! container-side condition.

use super::super::confinement::{SeLinux, Seccomp};
use super::super::{Ctx, Finding, RuleMeta, Severity};
use super::advisories::Component;
use super::cves::{self, Match};

const fn meta(
    id: &'static str,
    severity: Severity,
    title: &'static str,
    technique: &'static str,
    fix: &'static str,
) -> RuleMeta {
    RuleMeta::container(id, severity, None, title, technique, fix)
}

/// One container rule: the CVE it depends on, and the container-side precondition, which
/// returns its evidence when it holds.
struct Exposure {
    cve: &'static str,
    meta: RuleMeta,
    holds: fn(&Ctx<'_>) -> Option<String>,
}

pub const RUNC_EXE_OVERWRITE: RuleMeta = meta(
    "SW-CVE-2019-5736",
    Severity::Critical,
    "Container exploitable via runc CVE-2019-5736 (root container, vulnerable runc)",
    "The container runs as uid 0 with no user namespace on a runc that exposes its own \
     binary through /proc/self/exe. A malicious image (or anyone who controls this \
     container) overwrites the host's runc during the next start or docker exec and gets \
     host root.",
    "Upgrade runc (1.0.0-rc7 or later) and restart dockerd. Run the container as a non-root \
     user (--user, compose `user:`) or enable userns-remap (daemon.json \"userns-remap\").",
);

pub const SHIM_ABSTRACT_SOCKET: RuleMeta = meta(
    "SW-CVE-2020-15257",
    Severity::Critical,
    "Container exploitable via containerd CVE-2020-15257 (host network, root)",
    "This root container shares the host network namespace, where containerd-shim's abstract \
     Unix sockets live. It can connect to the shim API and start a process or container with \
     full host privileges.",
    "Upgrade containerd (1.3.9 / 1.4.3 or later) and recreate the container. Drop \
     --network host (compose `network_mode: host`) or run it as a non-root user.",
);

pub const LEAKY_VESSELS: RuleMeta = meta(
    "SW-CVE-2024-21626",
    Severity::Critical,
    "Container exploitable via runc CVE-2024-21626 (WorkingDir in /proc/self/fd)",
    "The working directory points at a file descriptor runc leaks from the host. On a \
     vulnerable runc the process starts inside the host's filesystem and can read or replace \
     anything on it. A WorkingDir like this has no legitimate use: it is an exploit.",
    "Remove the container and its image, check the host for tampering, and upgrade runc to \
     1.1.12 or later.",
);

pub const LEAKY_VESSELS_ATTEMPT: RuleMeta = meta(
    "SW-IOC-2024-21626",
    Severity::Medium,
    "WorkingDir points into /proc/self/fd (CVE-2024-21626 exploit pattern)",
    "The image or run command sets its working directory to a leaked-descriptor path, the \
     signature of the Leaky Vessels runc escape. The runc here is not known to be vulnerable, \
     but the image was built to attack the host.",
    "Remove the container, quarantine the image and find out where it came from \
     (Config.WorkingDir / compose `working_dir`).",
);

pub const CONSOLE_REDIRECT: RuleMeta = meta(
    "SW-CVE-2025-52565",
    Severity::High,
    "Container exposed to runc CVE-2025-52565 (terminal allocated, vulnerable runc)",
    "The container gets a terminal, so runc bind-mounts the pty onto /dev/console. A \
     malicious image redirects that mount onto a procfs file and gains write access to host \
     kernel settings.",
    "Upgrade runc (1.2.8 / 1.3.3 / 1.4.0-rc.3 or later). Drop -t (compose `tty: true`) \
     where no terminal is needed.",
);

pub const RELEASE_AGENT: RuleMeta = meta(
    "SW-CVE-2022-0492",
    Severity::High,
    "Container possibly exploitable via kernel CVE-2022-0492 (cgroup v1 release_agent)",
    "On cgroup v1 with a kernel that may lack the fix, this root container has every \
     precondition: no syscall filter or CAP_SYS_ADMIN lets it mount cgroupfs, and no \
     AppArmor or SELinux stops it. It sets release_agent to its own script, which the \
     kernel runs as host root.",
    "Update the kernel or move the host to cgroup v2. For the container: keep the default \
     seccomp profile (drop --security-opt seccomp=unconfined), drop SYS_ADMIN, keep \
     AppArmor/SELinux on.",
);

const RULES: &[Exposure] = &[
    Exposure {
        cve: "CVE-2019-5736",
        meta: RUNC_EXE_OVERWRITE,
        holds: root_and_host_root,
    },
    Exposure {
        cve: "CVE-2020-15257",
        meta: SHIM_ABSTRACT_SOCKET,
        holds: host_network_root,
    },
    Exposure {
        cve: "CVE-2024-21626",
        meta: LEAKY_VESSELS,
        holds: fd_workdir,
    },
    Exposure {
        cve: "CVE-2025-52565",
        meta: CONSOLE_REDIRECT,
        holds: tty,
    },
    Exposure {
        cve: "CVE-2022-0492",
        meta: RELEASE_AGENT,
        holds: release_agent,
    },
];

/// Every per-container rule.
pub fn metas() -> Vec<RuleMeta> {
    let mut all: Vec<RuleMeta> = RULES.iter().map(|r| r.meta).collect();
    all.push(LEAKY_VESSELS_ATTEMPT);
    all
}

fn user_evidence(ctx: &Ctx<'_>) -> String {
    if ctx.c.user.trim().is_empty() {
        "Config.User = \"\" (image default, treated as root)".to_string()
    } else {
        format!("Config.User = {:?}", ctx.c.user)
    }
}

fn root_and_host_root(ctx: &Ctx<'_>) -> Option<String> {
    (ctx.conf.runs_as_root && ctx.conf.root_is_host_root).then(|| {
        format!(
            "{}; no user namespace (container root is host root)",
            user_evidence(ctx)
        )
    })
}

fn host_network_root(ctx: &Ctx<'_>) -> Option<String> {
    if !ctx.conf.net.is_host() {
        return None;
    }
    let root = root_and_host_root(ctx)?;
    Some(format!(
        "HostConfig.NetworkMode = {} (host network namespace); {root}",
        ctx.c.network_mode
    ))
}

/// `/proc/self/fd/<n>` (or the thread-self form) as the working directory.
fn is_fd_workdir(dir: &str) -> bool {
    let dir = dir.trim();
    dir.starts_with("/proc/self/fd/") || dir.starts_with("/proc/thread-self/fd/")
}

fn fd_workdir(ctx: &Ctx<'_>) -> Option<String> {
    is_fd_workdir(&ctx.c.working_dir)
        .then(|| format!("Config.WorkingDir = {}", ctx.c.working_dir.trim()))
}

fn tty(ctx: &Ctx<'_>) -> Option<String> {
    ctx.c.tty.then(|| "Config.Tty = true".to_string())
}

fn release_agent(ctx: &Ctx<'_>) -> Option<String> {
    if ctx.host.cgroup_version != "1" || !ctx.conf.runs_as_root || !ctx.conf.lsm_off() {
        return None;
    }
    let syscalls = match &ctx.conf.seccomp {
        Seccomp::Unconfined(why) => format!("seccomp off ({why})"),
        Seccomp::Unsupported => "seccomp unsupported by the daemon".to_string(),
        _ if ctx.conf.has_cap("SYS_ADMIN") => "CAP_SYS_ADMIN granted".to_string(),
        _ => return None,
    };
    Some(format!(
        "/info CgroupVersion = 1; {}; {syscalls}; no AppArmor profile or SELinux label applies",
        user_evidence(ctx)
    ))
}

/// The container really runs under the runc whose version `/version` reports.
fn uses_reported_runc(ctx: &Ctx<'_>) -> bool {
    let rt = ctx.c.runtime.as_str();
    // Podman's compatible inspect says `oci` for the engine's default runtime.
    let podman_default = ctx.host.is_podman() && rt == "oci";
    cves::default_runtime_is_runc(ctx.host)
        && (rt.is_empty()
            || podman_default
            || rt == ctx.host.default_runtime
            || cves::is_runc_name(rt))
}

fn finding(ctx: &Ctx<'_>, rule: &Exposure, m: &Match, condition: String) -> Finding {
    let f = rule.meta.finding(format!("{}; {condition}", m.evidence()));
    let f = m.soften(f);
    if !ctx.conf.root_is_host_root {
        f.mitigate()
    } else if f.severity == Severity::Critical && !m.uncertain {
        // SELinux enforcing keeps the runc overwrite from landing on RHEL-like hosts.
        if rule.cve == "CVE-2019-5736" && ctx.conf.selinux == SeLinux::Enforced {
            f.with_severity(Severity::High)
        } else {
            f.host_root()
        }
    } else {
        f
    }
}

/// Evaluate the per-container CVE rules.
pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let mut leaky_reported = false;
    for rule in RULES {
        let Some(m) = cves::match_cve(ctx.host, rule.cve) else {
            continue;
        };
        if m.advisory.component == Component::Runc && !uses_reported_runc(ctx) {
            continue;
        }
        let Some(condition) = (rule.holds)(ctx) else {
            continue;
        };
        leaky_reported |= rule.cve == "CVE-2024-21626";
        out.push(finding(ctx, rule, &m, condition));
    }
    if !leaky_reported && let Some(evidence) = fd_workdir(ctx) {
        out.push(LEAKY_VESSELS_ATTEMPT.finding(evidence));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ContainerFacts, HostFacts};
    use crate::risk::confinement::{Fleet, resolve};
    use crate::risk::rules::test_support::{container, default_host};
    use crate::risk::{Ctx, Weighting};

    fn run(c: &ContainerFacts, host: &HostFacts) -> Vec<Finding> {
        let conf = resolve(c, host, &Fleet::new([c]));
        let ctx = Ctx {
            c,
            host,
            conf: &conf,
        };
        let mut out = Vec::new();
        check(&ctx, &mut out);
        out
    }

    fn host_with(runc: &str, containerd: &str, kernel: &str) -> HostFacts {
        let mut h = default_host();
        h.default_runtime = "runc".into();
        h.engine.runc = runc.into();
        h.engine.containerd = containerd.into();
        h.engine.kernel = kernel.into();
        h
    }

    fn get<'a>(found: &'a [Finding], id: &str) -> Option<&'a Finding> {
        found.iter().find(|f| f.id == id)
    }

    const ROOT: &str = r#"{"Config":{"User":""}}"#;
    const NONROOT: &str = r#"{"Config":{"User":"1000:1000"}}"#;
    const HOSTNET_ROOT: &str = r#"{"Config":{"User":"root"},"HostConfig":{"NetworkMode":"host"}}"#;
    const FD_WORKDIR: &str = r#"{"Config":{"WorkingDir":"/proc/self/fd/8"}}"#;
    const TTY: &str = r#"{"Config":{"Tty":true}}"#;
    const RELEASE: &str = r#"{"Config":{"User":"0"},"HostConfig":{"SecurityOpt":["seccomp=unconfined","apparmor=unconfined"]}}"#;

    #[test]
    fn table() {
        // (overlay, runc, containerd, kernel, cgroup v1, expected id, expected severity)
        type Row = (
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            bool,
            &'static str,
            Option<Severity>,
        );
        let rows: &[Row] = &[
            // CVE-2019-5736: root without userns on runc < rc7.
            (
                ROOT,
                "1.0.0-rc6",
                "",
                "",
                false,
                "SW-CVE-2019-5736",
                Some(Severity::Critical),
            ),
            (
                NONROOT,
                "1.0.0-rc6",
                "",
                "",
                false,
                "SW-CVE-2019-5736",
                None,
            ),
            (ROOT, "1.0.0-rc7", "", "", false, "SW-CVE-2019-5736", None),
            (ROOT, "1.1.12", "", "", false, "SW-CVE-2019-5736", None),
            // CVE-2020-15257: host network + root on containerd < 1.3.9 / 1.4.0-1.4.2.
            (
                HOSTNET_ROOT,
                "",
                "1.4.2",
                "",
                false,
                "SW-CVE-2020-15257",
                Some(Severity::Critical),
            ),
            (
                HOSTNET_ROOT,
                "",
                "1.4.3",
                "",
                false,
                "SW-CVE-2020-15257",
                None,
            ),
            (ROOT, "", "1.4.2", "", false, "SW-CVE-2020-15257", None),
            (
                r#"{"Config":{"User":"app"},"HostConfig":{"NetworkMode":"host"}}"#,
                "",
                "1.3.8",
                "",
                false,
                "SW-CVE-2020-15257",
                None,
            ),
            // CVE-2024-21626: the fd working directory on runc rc93..1.1.11.
            (
                FD_WORKDIR,
                "1.1.11",
                "",
                "",
                false,
                "SW-CVE-2024-21626",
                Some(Severity::Critical),
            ),
            (
                r#"{"Config":{"WorkingDir":"/proc/thread-self/fd/7"}}"#,
                "1.0.0-rc93",
                "",
                "",
                false,
                "SW-CVE-2024-21626",
                Some(Severity::Critical),
            ),
            (
                FD_WORKDIR,
                "1.1.12",
                "",
                "",
                false,
                "SW-CVE-2024-21626",
                None,
            ),
            (
                r#"{"Config":{"WorkingDir":"/app"}}"#,
                "1.1.11",
                "",
                "",
                false,
                "SW-CVE-2024-21626",
                None,
            ),
            // ... and on a patched runc it is still an indicator.
            (
                FD_WORKDIR,
                "1.1.12",
                "",
                "",
                false,
                "SW-IOC-2024-21626",
                Some(Severity::Medium),
            ),
            (
                FD_WORKDIR,
                "",
                "",
                "",
                false,
                "SW-IOC-2024-21626",
                Some(Severity::Medium),
            ),
            (
                FD_WORKDIR,
                "1.1.11",
                "",
                "",
                false,
                "SW-IOC-2024-21626",
                None,
            ),
            // CVE-2025-52565: a terminal on runc before 1.2.8 / 1.3.3.
            (
                TTY,
                "1.2.7",
                "",
                "",
                false,
                "SW-CVE-2025-52565",
                Some(Severity::High),
            ),
            (
                TTY,
                "1.3.2",
                "",
                "",
                false,
                "SW-CVE-2025-52565",
                Some(Severity::High),
            ),
            (TTY, "1.2.8", "", "", false, "SW-CVE-2025-52565", None),
            (TTY, "1.3.3", "", "", false, "SW-CVE-2025-52565", None),
            (
                r#"{"Config":{"Tty":false}}"#,
                "1.2.7",
                "",
                "",
                false,
                "SW-CVE-2025-52565",
                None,
            ),
            // CVE-2022-0492: cgroup v1 + root + no seccomp + no LSM on a kernel < 5.17.
            (
                RELEASE,
                "",
                "",
                "5.10.0-9-amd64",
                true,
                "SW-CVE-2022-0492",
                Some(Severity::High),
            ),
            (
                RELEASE,
                "",
                "",
                "5.10.0-9-amd64",
                false,
                "SW-CVE-2022-0492",
                None,
            ),
            (
                RELEASE,
                "",
                "",
                "6.1.0-18-amd64",
                true,
                "SW-CVE-2022-0492",
                None,
            ),
            (
                r#"{"Config":{"User":"0"},"HostConfig":{"CapAdd":["SYS_ADMIN"],"SecurityOpt":["apparmor=unconfined"]}}"#,
                "",
                "",
                "5.4.0-42-generic",
                true,
                "SW-CVE-2022-0492",
                Some(Severity::High),
            ),
            (
                // AppArmor still on: blocked.
                r#"{"Config":{"User":"0"},"HostConfig":{"SecurityOpt":["seccomp=unconfined"]}}"#,
                "",
                "",
                "5.10.0-9-amd64",
                true,
                "SW-CVE-2022-0492",
                None,
            ),
            (
                // Default seccomp and no SYS_ADMIN: blocked.
                r#"{"Config":{"User":"0"},"HostConfig":{"SecurityOpt":["apparmor=unconfined"]}}"#,
                "",
                "",
                "5.10.0-9-amd64",
                true,
                "SW-CVE-2022-0492",
                None,
            ),
            (
                r#"{"Config":{"User":"1000"},"HostConfig":{"SecurityOpt":["seccomp=unconfined","apparmor=unconfined"]}}"#,
                "",
                "",
                "5.10.0-9-amd64",
                true,
                "SW-CVE-2022-0492",
                None,
            ),
        ];
        for (overlay, runc, containerd, kernel, v1, id, severity) in rows {
            let mut h = host_with(runc, containerd, kernel);
            if *v1 {
                h.cgroup_version = "1".into();
            }
            let c = container(overlay);
            let found = run(&c, &h);
            let what = format!("{overlay} runc={runc} containerd={containerd} kernel={kernel}");
            assert_eq!(
                get(&found, id).map(|f| f.severity),
                *severity,
                "{id}: {what}"
            );
            if let Some(f) = get(&found, id) {
                assert!(!f.evidence.is_empty());
                assert!(metas().iter().any(|m| m.id == f.id));
            }
        }
    }

    #[test]
    fn critical_matches_pin_the_score_and_name_both_sides() {
        let h = host_with("1.0.0-rc6", "", "");
        let found = run(&container(ROOT), &h);
        let f = get(&found, "SW-CVE-2019-5736").unwrap();
        assert_eq!(f.weighting, Weighting::HostRoot);
        assert!(
            f.evidence
                .contains("/version Components[runc].Version = 1.0.0-rc6")
        );
        assert!(f.evidence.contains("Config.User"));

        let h = host_with("", "1.3.8", "");
        let found = run(&container(HOSTNET_ROOT), &h);
        let f = get(&found, "SW-CVE-2020-15257").unwrap();
        assert!(f.evidence.contains("NetworkMode = host"), "{}", f.evidence);
        assert_eq!(f.weighting, Weighting::HostRoot);
    }

    #[test]
    fn kernel_match_says_possibly() {
        let mut h = host_with("", "", "5.10.0-9-amd64");
        h.cgroup_version = "1".into();
        let found = run(&container(RELEASE), &h);
        let f = get(&found, "SW-CVE-2022-0492").unwrap();
        assert!(f.title.contains("possibly"));
        assert!(f.evidence.contains(cves::POSSIBLY));
        assert!(f.evidence.contains("seccomp off"));
        assert_eq!(f.weighting, Weighting::Normal);
    }

    #[test]
    fn distro_runc_is_possibly_and_lowered() {
        let h = host_with("1.1.5+ds1-1+deb12u1", "", "");
        let found = run(&container(FD_WORKDIR), &h);
        let f = get(&found, "SW-CVE-2024-21626").unwrap();
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.weighting, Weighting::Normal);
        assert!(f.title.contains("possibly exploitable"), "{}", f.title);
        assert!(f.evidence.contains("possibly vulnerable"));
        assert!(get(&found, "SW-IOC-2024-21626").is_none());
    }

    #[test]
    fn user_namespaces_remove_or_lower() {
        let mut h = host_with("1.0.0-rc6", "", "");
        h.security.userns_remap = true;
        // The 5736 precondition needs container root to be host root.
        assert!(get(&run(&container(ROOT), &h), "SW-CVE-2019-5736").is_none());
        // The tty rule has no such precondition; it is lowered instead.
        h.engine.runc = "1.2.7".into();
        let found = run(&container(TTY), &h);
        let f = get(&found, "SW-CVE-2025-52565").unwrap();
        assert_eq!(f.severity, Severity::Medium);
        assert!(f.mitigated);
    }

    #[test]
    fn selinux_lowers_the_runc_overwrite() {
        let mut h = host_with("1.0.0-rc6", "", "");
        h.security.selinux = true;
        let found = run(&container(ROOT), &h);
        let f = get(&found, "SW-CVE-2019-5736").unwrap();
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.weighting, Weighting::Normal);
    }

    #[test]
    fn other_runtimes_skip_runc_rules() {
        // Default runtime is crun: engine.runc is crun's version.
        let mut h = host_with("1.0.0-rc6", "", "");
        h.default_runtime = "crun".into();
        assert!(get(&run(&container(ROOT), &h), "SW-CVE-2019-5736").is_none());
        // Default runc, but this container asks for gVisor.
        let h = host_with("1.0.0-rc6", "", "");
        let c = container(r#"{"Config":{"User":""},"HostConfig":{"Runtime":"runsc"}}"#);
        assert!(get(&run(&c, &h), "SW-CVE-2019-5736").is_none());
        let c = container(r#"{"Config":{"User":""},"HostConfig":{"Runtime":"runc"}}"#);
        assert!(get(&run(&c, &h), "SW-CVE-2019-5736").is_some());
    }

    #[test]
    fn podman_containers_on_its_default_runc_are_exposed() {
        // Podman's compatible inspect says `HostConfig.Runtime: "oci"` for the default.
        let mut h = host_with("1.0.0-rc6", "", "");
        h.engine.product = crate::model::Engine::Podman;
        let c = container(r#"{"Config":{"User":""},"HostConfig":{"Runtime":"oci"}}"#);
        assert!(get(&run(&c, &h), "SW-CVE-2019-5736").is_some());
        // With crun as Podman's default, runc's bugs do not apply.
        h.default_runtime = "crun".into();
        h.engine.runc = String::new();
        assert!(get(&run(&c, &h), "SW-CVE-2019-5736").is_none());
        // `oci` means nothing special on Docker.
        let mut d = host_with("1.0.0-rc6", "", "");
        d.default_runtime = "runc".into();
        assert!(get(&run(&c, &d), "SW-CVE-2019-5736").is_none());
    }

    #[test]
    fn patched_stack_is_quiet() {
        let mut h = host_with("1.5.0", "2.1.5", "6.12.0");
        h.cgroup_version = "1".into();
        for overlay in [ROOT, HOSTNET_ROOT, TTY, RELEASE] {
            assert!(run(&container(overlay), &h).is_empty(), "{overlay}");
        }
    }

    #[test]
    fn every_rule_has_a_table_row() {
        for r in RULES {
            let a = super::super::advisories::get(r.cve).expect("advisory row");
            assert!(r.meta.id.ends_with(a.cve.trim_start_matches("CVE")));
        }
    }
}
