//! Posture rules of a Podman host (`podman system service` behind the Docker API).
//!
//! Podman has no daemon configuration in dockerd's sense: no `daemon.json`, no live
//! restore (containers run under `conmon` and outlive the service), no authorization
//! plugins, and its compatible `/info` hard-codes `ExperimentalBuild: true` and
//! `LiveRestoreEnabled: false`. The Docker-only rules skip a Podman host (`posture.rs`);
//! these say what matters there instead: who the containers run as (rootless or rootful)
//! and how their cgroups are managed.

use super::super::{Finding, RuleMeta, Severity};
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

pub const ROOTLESS: RuleMeta = meta(
    "SW-HOST-PODMAN-001",
    Severity::Info,
    Some("2.9"),
    "Rootless Podman: container root is an unprivileged host user",
    "The Podman service and every container run under an unprivileged host user, in a user \
     namespace of its subordinate uids: an escape gets that user's rights, not root, and the \
     API socket only controls that user's containers. Findings that rely on container root \
     being host root are lowered on this host.",
    "Nothing to do; keep the service rootless (systemctl --user enable --now podman.socket \
     as an unprivileged user).",
);

pub const ROOTFUL: RuleMeta = meta(
    "SW-HOST-PODMAN-002",
    Severity::Medium,
    Some("2.9"),
    "Rootful Podman: container root is host root",
    "The Podman service runs as root and containers use no user namespace by default: uid 0 \
     in a container is uid 0 on the host, so any escape (a runtime bug, a writable host \
     mount, a dangerous capability) lands as full root, and whoever can reach the service's \
     socket (/run/podman/podman.sock) can start a privileged container and own the host.",
    "Run the workloads rootless (podman as an unprivileged user, systemctl --user enable \
     --now podman.socket), or at least give containers their own user namespace: \
     userns = \"auto\" in the [containers] table of containers.conf (podman run \
     --userns=auto).",
);

pub const CGROUPFS: RuleMeta = meta(
    "SW-HOST-PODMAN-003",
    Severity::Info,
    None,
    "Podman manages cgroups with cgroupfs, not systemd",
    "With cgroup_manager = \"cgroupfs\" Podman writes the container cgroups itself, outside \
     systemd's tree: systemd neither accounts for nor limits them, and the two managers can \
     disagree about the same hierarchy. systemd is the supported manager on a systemd host.",
    "Set cgroup_manager = \"systemd\" in the [engine] table of containers.conf (podman \
     --cgroup-manager=systemd) on hosts booted with systemd.",
);

pub const LIMITS_IGNORED: RuleMeta = meta(
    "SW-HOST-PODMAN-004",
    Severity::Low,
    None,
    "Rootless Podman cannot enforce resource limits on this cgroup setup",
    "Rootless Podman can set memory, CPU and pids limits only on cgroup v2 with the systemd \
     cgroup manager (which delegates a cgroup to the user); on cgroup v1, or with cgroupfs, \
     it ignores the limits, so one container can exhaust the host's memory or pids.",
    "Boot the host with cgroup v2 and set cgroup_manager = \"systemd\" in the [engine] table \
     of containers.conf, with cgroup delegation for the user (systemd's user@.service \
     Delegate=yes).",
);

/// Every Podman posture rule.
pub const META: &[RuleMeta] = &[ROOTLESS, ROOTFUL, CGROUPFS, LIMITS_IGNORED];

/// The fix of a Docker posture rule as it reads on a Podman host (whose settings live in
/// containers.conf and registries.conf, not daemon.json), when it differs.
pub fn fix_for(id: &str) -> Option<&'static str> {
    Some(match id {
        "SW-HOST-009" => {
            "Enable AppArmor (Debian/Ubuntu: the apparmor package; Podman applies its \
             containers-default profile) or SELinux in enforcing mode (RHEL/Fedora; Podman \
             labels containers when SELinux is on, label = true in containers.conf)."
        }
        "SW-HOST-011" => {
            "Remove insecure = true from the [[registry]] entries of \
             /etc/containers/registries.conf (and ~/.config/containers/registries.conf for \
             rootless users) and give the registries proper TLS certificates \
             (/etc/containers/certs.d/<host>/ca.crt)."
        }
        "SW-HOST-013" => {
            "Run podman system service without --log-level=debug (log_level in the [engine] \
             table of containers.conf)."
        }
        "SW-HOST-018" => {
            "Boot the host with cgroup v2 (systemd.unified_cgroup_hierarchy=1 on the kernel \
             command line, the default on current distributions); Podman uses it at once."
        }
        _ => return None,
    })
}

/// The Podman rules for `host` (nothing for a Docker Engine).
pub fn check(host: &HostFacts, out: &mut Vec<Finding>) {
    if !host.is_podman() {
        return;
    }
    let e = &host.engine;
    let from = if e.rootless_from.is_empty() {
        "/info"
    } else {
        e.rootless_from.as_str()
    };
    match e.rootless {
        Some(true) => out.push(ROOTLESS.finding(from)),
        Some(false) => {
            let f = ROOTFUL.finding(from);
            out.push(if host.security.userns_remap {
                f.mitigate()
            } else {
                f
            });
        }
        None => {}
    }

    let cgroupfs = e.cgroup_driver.eq_ignore_ascii_case("cgroupfs");
    if cgroupfs {
        out.push(CGROUPFS.finding("/info CgroupDriver = cgroupfs").hygiene());
    }
    if e.rootless == Some(true) && (cgroupfs || host.cgroup_version == "1") {
        let mut why = Vec::new();
        if host.cgroup_version == "1" {
            why.push("/info CgroupVersion = 1".to_string());
        }
        if cgroupfs {
            why.push("/info CgroupDriver = cgroupfs".to_string());
        }
        out.push(LIMITS_IGNORED.finding(format!("{}; {from}", why.join("; "))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Engine, EngineFacts, convert};

    fn podman(rootless: Option<bool>, driver: &str, cgroup: &str) -> HostFacts {
        HostFacts {
            engine: EngineFacts {
                product: Engine::Podman,
                version: "4.3.1".into(),
                cgroup_driver: driver.into(),
                rootless,
                rootless_from: "/info Rootless".into(),
                ..Default::default()
            },
            security: crate::model::DaemonSecurity {
                rootless: rootless == Some(true),
                ..Default::default()
            },
            cgroup_version: cgroup.into(),
            ..Default::default()
        }
    }

    fn ids(host: &HostFacts) -> Vec<String> {
        let mut out = Vec::new();
        check(host, &mut out);
        let mut ids: Vec<String> = out.iter().map(|f| f.id.to_string()).collect();
        ids.sort();
        ids
    }

    /// The host facts of the captured Podman 4.3.1 service (Debian 12, rootful, crun
    /// 1.8.1, cgroupfs, cgroup v1), converted as the port converts them.
    fn captured() -> HostFacts {
        let read = |name: &str| {
            std::fs::read(format!(
                "{}/tests/fixtures/{name}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .expect("fixture")
        };
        let info = read("podman_info_4.3.1.json");
        let version = read("podman_version_4.3.1.json");
        let mut h = convert::host(
            "unix:///run/podman/podman.sock",
            false,
            &serde_json::from_slice(&info).unwrap(),
            &serde_json::from_slice(&version).unwrap(),
            None,
        );
        convert::apply_info_extras(&mut h, &convert::info_extras(&info));
        h
    }

    fn posture_ids(h: &HostFacts) -> Vec<String> {
        crate::risk::host::posture(h)
            .into_iter()
            .map(|f| f.id.into_owned())
            .collect()
    }

    #[test]
    fn no_docker_engine_or_containerd_advisory_reaches_podman() {
        let h = captured();
        let found = posture_ids(&h);
        // The false findings of the issue: Docker Engine ranges matched Podman's 4.3.1.
        for id in ["SW-HOST-CVE-2026-42306", "SW-HOST-CVE-2021-41089"] {
            assert!(!found.iter().any(|f| f == id), "{id} in {found:?}");
        }
        // The same version number on Docker Engine does match them.
        let mut docker = h.clone();
        docker.engine.product = Engine::Docker;
        assert!(
            posture_ids(&docker)
                .iter()
                .any(|f| f == "SW-HOST-CVE-2021-41089")
        );
        // Even a Podman reporting a very old number and a containerd gets none.
        let mut old = h.clone();
        old.engine.version = "1.0.0".into();
        old.engine.containerd = "1.2.0".into();
        let ids = posture_ids(&old);
        let table = crate::risk::host::advisories::TABLE;
        for a in table.iter().filter(|a| {
            matches!(
                a.component,
                crate::risk::host::advisories::Component::Engine
                    | crate::risk::host::advisories::Component::Containerd
            )
        }) {
            assert!(
                !ids.iter().any(|f| f == a.meta.id),
                "{} on Podman",
                a.meta.id
            );
        }
    }

    #[test]
    fn the_captured_podman_host_gets_podman_rules_not_dockerd_ones() {
        let found = posture_ids(&captured());
        assert!(found.iter().any(|f| f == "SW-HOST-PODMAN-002"), "{found:?}");
        assert!(found.iter().any(|f| f == "SW-HOST-PODMAN-003"), "{found:?}");
        for dockerd_only in [
            "SW-HOST-003", // userns: replaced by the rootful finding
            "SW-HOST-005", // live restore: hard-coded false by Podman
            "SW-HOST-008", // no-new-privileges: never reported by Podman
            "SW-HOST-014", // experimental: hard-coded true by Podman
            "SW-HOST-017", // authorization plugins: Podman has none
        ] {
            assert!(!found.iter().any(|f| f == dockerd_only), "{dockerd_only}");
        }
        // Still true on Podman: seccomp and cgroup v1 are read as on Docker, with Podman's fix.
        assert!(found.iter().any(|f| f == "SW-HOST-018"));
        for f in crate::risk::host::posture(&captured()) {
            assert!(
                !f.fix.contains("daemon.json") && !f.fix.contains("dockerd"),
                "{}: {}",
                f.id,
                f.fix
            );
        }
        // No LSM listed by a Podman that cannot list SELinux: lowered, and it says why.
        let lsm = crate::risk::host::posture(&captured())
            .into_iter()
            .find(|f| f.id == "SW-HOST-009")
            .expect("no LSM listed");
        assert_eq!(lsm.severity, Severity::Low);
        assert!(lsm.evidence.contains("predates 4.6"), "{}", lsm.evidence);
    }

    #[test]
    fn crun_and_runc_under_podman_are_graded_by_their_advisories() {
        let mut h = captured();
        assert!(
            !posture_ids(&h)
                .iter()
                .any(|f| f.starts_with("SW-HOST-CVE-2022-2"))
        );
        h.engine.oci_runtime_version = "1.4.3".into();
        let found = crate::risk::host::posture(&h);
        let crun = found
            .iter()
            .find(|f| f.id == "SW-HOST-CVE-2022-27650")
            .expect("crun 1.4.3 matches");
        assert!(
            crun.evidence
                .starts_with("/version Components[OCI Runtime (crun)].Version = 1.4.3"),
            "{}",
            crun.evidence
        );

        let mut h = captured();
        h.default_runtime = "runc".into();
        h.engine.oci_runtime = "runc".into();
        h.engine.runc = "1.1.5+ds1".into();
        h.engine.oci_runtime_version = "1.1.5+ds1".into();
        let found = crate::risk::host::posture(&h);
        let leaky = found
            .iter()
            .find(|f| f.id == "SW-HOST-CVE-2024-21626")
            .expect("runc 1.1.5 carries the leaky-vessels bug");
        assert!(leaky.evidence.contains("Components[OCI Runtime (runc)]"));
        assert!(
            leaky.title.contains("possibly"),
            "distribution build: {}",
            leaky.title
        );
        assert!(!leaky.fix.contains("dockerd"), "{}", leaky.fix);
        assert!(leaky.fix.contains("On Podman"), "{}", leaky.fix);
        // crun advisories do not apply to runc.
        assert!(!found.iter().any(|f| f.id == "SW-HOST-CVE-2022-27650"));
    }

    #[test]
    fn rootful_cgroupfs_says_root_and_cgroupfs() {
        let h = podman(Some(false), "cgroupfs", "1");
        assert_eq!(ids(&h), ["SW-HOST-PODMAN-002", "SW-HOST-PODMAN-003"]);
    }

    #[test]
    fn rootless_systemd_v2_is_only_the_strength() {
        let h = podman(Some(true), "systemd", "2");
        assert_eq!(ids(&h), ["SW-HOST-PODMAN-001"]);
        let mut out = Vec::new();
        check(&h, &mut out);
        assert_eq!(out[0].severity, Severity::Info);
    }

    #[test]
    fn rootless_on_cgroup_v1_cannot_limit() {
        let h = podman(Some(true), "systemd", "1");
        assert_eq!(ids(&h), ["SW-HOST-PODMAN-001", "SW-HOST-PODMAN-004"]);
    }

    #[test]
    fn unknown_mode_claims_nothing_and_docker_gets_none() {
        assert!(ids(&podman(None, "systemd", "2")).is_empty());
        let mut docker = podman(Some(false), "cgroupfs", "1");
        docker.engine.product = Engine::Docker;
        assert!(ids(&docker).is_empty());
    }
}
