//! Daemon posture rules and version-based CVE matching.
//!
//! - `posture`: daemon configuration rules (`SW-HOST-001`...), CIS section 2 and 5.1;
//! - `podman`: what matters on a Podman host instead of dockerd's settings (rootless or
//!   rootful, cgroup manager: `SW-HOST-PODMAN-...`);
//! - `advisories`: the version table (runc, crun, containerd, Docker Engine, kernel), data
//!   only; Docker Engine and containerd rows never match a Podman host;
//! - `cves`: matching the daemon's versions against the table (`SW-HOST-CVE-...`);
//! - `exposed`: per-container rules where a vulnerable version meets the container's
//!   configuration (`SW-CVE-...`, `SW-IOC-...`);
//! - `version`: lenient version parsing and ranges.
//!
//! Versions that may carry backported fixes (kernels, distribution builds) are reported as
//! "possibly vulnerable", one severity lower. Unknown or empty versions report nothing.

mod advisories;
mod cves;
mod exposed;
mod podman;
mod posture;
pub mod version;

use super::{Ctx, Finding, RuleMeta};
use crate::model::HostFacts;

/// Daemon-level findings from `/info`, `/version` and `/networks/bridge`.
pub fn posture(host: &HostFacts) -> Vec<Finding> {
    let mut out = posture::check(host);
    out.extend(cves::daemon_findings(host));
    out
}

/// Per-container findings where a vulnerable runtime meets the container's configuration.
pub fn container_cves(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    exposed::check(ctx, out);
}

/// Metadata of every host rule (for the catalog).
pub fn metas() -> Vec<RuleMeta> {
    let mut all: Vec<RuleMeta> = posture::META.to_vec();
    all.extend_from_slice(podman::META);
    all.extend(advisories::TABLE.iter().map(|a| a.meta));
    all.extend(exposed::metas());
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DaemonSecurity, EngineFacts};
    use crate::risk::Scope;
    use std::collections::HashSet;

    /// A host that trips as many rules as possible at once.
    fn worst_case() -> HostFacts {
        HostFacts {
            endpoint: "tcp://203.0.113.7:2375".into(),
            endpoint_plain_tcp: true,
            engine: EngineFacts {
                version: "19.03.0".into(),
                kernel: "4.8.2".into(),
                runc: "1.0.0-rc6".into(),
                containerd: "1.3.8".into(),
                ..Default::default()
            },
            security: DaemonSecurity {
                seccomp_profile: Some("unconfined".into()),
                ..Default::default()
            },
            security_options: vec!["name=seccomp,profile=unconfined".into()],
            cgroup_version: "1".into(),
            swarm_state: "active".into(),
            logging_driver: "none".into(),
            storage_driver: "aufs".into(),
            debug: true,
            experimental: true,
            warnings: vec![
                "WARNING: API is accessible on http://0.0.0.0:2375 without encryption.".into(),
                "WARNING: API is accessible on https://0.0.0.0:2376 without TLS client \
                 verification"
                    .into(),
            ],
            authz_plugins: vec!["authz-broker".into()],
            insecure_registries: vec!["10.0.0.0/8".into()],
            default_runtime: "runc".into(),
            bridge_icc: Some(true),
            ..Default::default()
        }
    }

    #[test]
    fn every_emitted_id_is_in_metas() {
        let known: HashSet<&str> = metas().iter().map(|m| m.id).collect();
        let mut hosts = vec![worst_case(), HostFacts::default()];
        // Variants for the rules the worst case cannot trip together.
        let mut h = worst_case();
        h.security.rootless = true;
        h.security_options.push("name=rootless".into());
        h.security.seccomp_profile = None;
        h.engine.kernel = "5.10.0-9-amd64".into();
        h.engine.runc = "1.1.4".into();
        h.engine.containerd = "2.1.0".into();
        h.engine.version = "27.0.0".into();
        h.swarm_state = "inactive".into();
        h.logging_driver = "json-file".into();
        h.authz_plugins.clear();
        hosts.push(h);
        let mut h = worst_case();
        h.engine.runc = "1.3.0".into();
        h.engine.kernel = "5.4.0".into();
        h.engine.version = "20.10.23".into();
        hosts.push(h);

        let mut emitted = HashSet::new();
        for h in &hosts {
            for f in posture(h) {
                assert!(known.contains(f.id.as_ref()), "{} is not in metas()", f.id);
                emitted.insert(f.id);
            }
        }
        // Every posture rule is reachable by one of the hosts above.
        for m in posture::META {
            assert!(emitted.contains(m.id), "{} never fired", m.id);
        }
        assert!(emitted.contains("SW-HOST-CVE-2019-5736"));
        assert!(emitted.contains("SW-HOST-CVE-2020-15257"));
        assert!(emitted.contains("SW-HOST-CVE-2024-41110"));
        assert!(emitted.contains("SW-HOST-CVE-2016-5195"));
        assert!(emitted.contains("SW-HOST-CVE-2022-0847"));
    }

    #[test]
    fn worst_case_has_a_host_root_finding() {
        let found = posture(&worst_case());
        assert!(
            found
                .iter()
                .any(|f| f.id == "SW-HOST-001" && f.weighting == crate::risk::Weighting::HostRoot)
        );
    }

    #[test]
    fn metas_are_unique_and_complete() {
        let all = metas();
        let mut seen = HashSet::new();
        for m in &all {
            assert!(seen.insert(m.id), "duplicate id {}", m.id);
            assert!(m.id.starts_with("SW-"), "{}", m.id);
            assert!(!m.title.is_empty(), "{} title", m.id);
            assert!(!m.technique.is_empty(), "{} technique", m.id);
            assert!(!m.fix.is_empty(), "{} fix", m.id);
            let expected = if m.id.starts_with("SW-HOST-") {
                Scope::Host
            } else {
                Scope::Container
            };
            assert_eq!(m.scope, expected, "{} scope", m.id);
        }
        for id in [
            "SW-CVE-2019-5736",
            "SW-CVE-2020-15257",
            "SW-CVE-2024-21626",
            "SW-IOC-2024-21626",
            "SW-CVE-2025-52565",
            "SW-CVE-2022-0492",
        ] {
            assert!(seen.contains(id), "{id} missing");
        }
    }

    #[test]
    fn posture_fixes_name_a_daemon_setting() {
        for m in posture::META {
            let names_setting = m.fix.contains("daemon.json")
                || m.fix.contains("dockerd")
                || m.fix.contains("docker swarm")
                || m.fix.contains("cgroup");
            assert!(names_setting, "{} fix should name the key or flag", m.id);
        }
    }
}
