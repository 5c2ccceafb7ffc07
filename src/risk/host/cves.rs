//! Matching the daemon's component versions against the advisory table.
//!
//! A version is *uncertain* when a plain compare cannot be trusted: kernels always (every
//! distribution backports fixes without changing the upstream number), and runc /
//! containerd / engine builds with a distribution suffix (`1.1.5+ds1`, `1.7.27-0ubuntu1`).
//! Uncertain matches say "possibly vulnerable" and sit one severity lower (kernel rows carry
//! the lowered severity in the table already).

use super::super::Finding;
use super::advisories::{self, Advisory, Component, Gate};
use super::version::{Range, Version};
use crate::model::HostFacts;

/// The wording every uncertain match carries.
pub const POSSIBLY: &str =
    "possibly vulnerable (distributions backport fixes; verify the distro patch level)";

/// A component version as read from the daemon, with the API field it came from.
#[derive(Debug, Clone)]
pub struct Reading {
    pub field: String,
    pub raw: String,
    pub version: Version,
}

/// An advisory that matches this daemon's version.
#[derive(Debug, Clone)]
pub struct Match {
    pub advisory: &'static Advisory,
    pub reading: Reading,
    pub range: Range,
    /// Distribution build or kernel: may be patched despite the number.
    pub uncertain: bool,
}

/// Runtime names that mean runc (`runc`, `io.containerd.runc.v2`).
pub fn is_runc_name(name: &str) -> bool {
    name == "runc" || name.starts_with("io.containerd.runc")
}

/// The default runtime is runc, so `engine.runc` is runc's version (with `crun`, `runsc`
/// or `kata` as default the runc advisories do not apply).
pub fn default_runtime_is_runc(host: &HostFacts) -> bool {
    host.default_runtime.is_empty() || is_runc_name(&host.default_runtime)
}

/// Read and parse one component's version; `None` when absent, unparseable, or (for runc)
/// when the default runtime is something else.
pub fn reading(host: &HostFacts, component: Component) -> Option<Reading> {
    let (field, raw) = match component {
        Component::Runc => {
            if !default_runtime_is_runc(host) {
                return None;
            }
            let name = if host.default_runtime.is_empty() {
                "runc"
            } else {
                host.default_runtime.as_str()
            };
            (component_field(host, name), &host.engine.runc)
        }
        Component::Crun => {
            if host.engine.oci_runtime != "crun" {
                return None;
            }
            (
                component_field(host, "crun"),
                &host.engine.oci_runtime_version,
            )
        }
        // Podman has no containerd, and Docker Engine (moby) advisories are about moby's
        // code: neither ever applies to Podman, whatever its version number says.
        Component::Containerd if host.is_podman() => return None,
        Component::Engine if host.is_podman() => return None,
        Component::Containerd => (
            "/version Components[containerd].Version".to_string(),
            &host.engine.containerd,
        ),
        Component::Engine => ("/version Version".to_string(), &host.engine.version),
        Component::Kernel => ("/info KernelVersion".to_string(), &host.engine.kernel),
    };
    let version = Version::parse(raw)?;
    Some(Reading {
        field,
        raw: raw.trim().to_string(),
        version,
    })
}

/// The `/version` field a runtime's version was read from (Podman names its runtime
/// component `OCI Runtime (<name>)`).
fn component_field(host: &HostFacts, name: &str) -> String {
    if host.is_podman() {
        format!("/version Components[OCI Runtime ({name})].Version")
    } else {
        format!("/version Components[{name}].Version")
    }
}

/// Does this advisory's version range cover the daemon's component?
pub fn match_version(host: &HostFacts, advisory: &'static Advisory) -> Option<Match> {
    let reading = reading(host, advisory.component)?;
    let range = *advisory
        .affected
        .iter()
        .find(|r| r.contains(&reading.version))?;
    let uncertain = advisory.component == Component::Kernel || reading.version.has_suffix();
    Some(Match {
        advisory,
        reading,
        range,
        uncertain,
    })
}

/// The match for one CVE, by id (for the per-container rules).
pub fn match_cve(host: &HostFacts, cve: &str) -> Option<Match> {
    match_version(host, advisories::get(cve)?)
}

/// Is the daemon setting the advisory needs in place? `Some(evidence)` when it is.
fn gate(host: &HostFacts, gate: Gate) -> Option<String> {
    match gate {
        Gate::Always => Some(String::new()),
        Gate::AuthzPlugins => (!host.authz_plugins.is_empty()).then(|| {
            format!(
                "/info Plugins.Authorization = [{}]",
                host.authz_plugins.join(", ")
            )
        }),
        Gate::Rootless => host
            .security
            .rootless
            .then(|| "/info SecurityOptions has name=rootless".to_string()),
        Gate::SwarmActive => (host.swarm_state == "active")
            .then(|| "/info Swarm.LocalNodeState = active".to_string()),
        Gate::CgroupV1 => {
            (host.cgroup_version == "1").then(|| "/info CgroupVersion = 1".to_string())
        }
    }
}

impl Match {
    /// `<field> = <raw>; affected <range>; fixed in <...>`, plus the uncertainty note.
    pub fn evidence(&self) -> String {
        let mut text = format!(
            "{} = {}; affected {}; fixed in {}",
            self.reading.field, self.reading.raw, self.range, self.advisory.fixed_in
        );
        if self.uncertain {
            text.push_str("; ");
            text.push_str(POSSIBLY);
            if self.advisory.component != Component::Kernel {
                text.push_str(&format!(
                    ": '{}' marks a distribution build",
                    self.reading.version.suffix
                ));
            }
        }
        text
    }

    /// Lower one level and reword the title for distribution builds; kernel rows are
    /// already worded and graded for it.
    pub fn soften(&self, f: Finding) -> Finding {
        if !self.uncertain || self.advisory.component == Component::Kernel {
            return f;
        }
        let title = possibly(&f.title);
        let severity = f.severity.lowered();
        f.with_title(title).with_severity(severity)
    }
}

/// Insert "possibly" before the first "vulnerable"/"exploitable" in a title.
pub fn possibly(title: &str) -> String {
    if title.contains("possibly") {
        return title.to_string();
    }
    for word in ["vulnerable", "exploitable"] {
        if let Some(at) = title.find(word) {
            return format!("{}possibly {}", &title[..at], &title[at..]);
        }
    }
    format!("{title} (possibly)")
}

/// Daemon-level findings: every advisory whose version range and gate match.
pub fn daemon_findings(host: &HostFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    for advisory in advisories::TABLE {
        let Some(m) = match_version(host, advisory) else {
            continue;
        };
        let Some(gate_evidence) = gate(host, advisory.gate) else {
            continue;
        };
        let mut evidence = m.evidence();
        if !gate_evidence.is_empty() {
            evidence.push_str("; ");
            evidence.push_str(&gate_evidence);
        }
        let mut f = m.soften(advisory.meta.finding(evidence));
        if advisory.escape && host.remaps_root() {
            f = f.mitigate();
        }
        if host.is_podman() && advisory.component == Component::Runc {
            f.fix = podman_runtime_fix(&f.fix).into();
        }
        out.push(f);
    }
    out
}

/// The runc rows' fixes speak of dockerd; Podman runs the runtime binary itself for each
/// container, so there is no daemon to restart.
fn podman_runtime_fix(fix: &str) -> String {
    let fix = fix
        .replace(", then restart dockerd", "")
        .replace(" and restart dockerd", "")
        .replace("restart dockerd", "recreate the containers");
    format!(
        "{fix} On Podman: upgrade the distribution's runc package (or set runtime = \"crun\" \
         in containers.conf); Podman runs the runtime itself for each container, there is no \
         daemon to restart."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DaemonSecurity, EngineFacts};
    use crate::risk::Severity;

    /// Severity of a daemon-level match after softening.
    fn graded(host: &HostFacts, cve: &str) -> Option<Severity> {
        daemon_findings(host)
            .into_iter()
            .find(|f| f.id == format!("SW-HOST-{cve}"))
            .map(|f| f.severity)
    }

    fn host(runc: &str, containerd: &str, engine: &str, kernel: &str) -> HostFacts {
        HostFacts {
            engine: EngineFacts {
                version: engine.into(),
                runc: runc.into(),
                containerd: containerd.into(),
                kernel: kernel.into(),
                ..Default::default()
            },
            default_runtime: "runc".into(),
            ..Default::default()
        }
    }

    fn runc(v: &str) -> HostFacts {
        host(v, "", "", "")
    }
    fn containerd(v: &str) -> HostFacts {
        host("", v, "", "")
    }
    fn engine(v: &str) -> HostFacts {
        host("", "", v, "")
    }
    fn kernel(v: &str) -> HostFacts {
        host("", "", "", v)
    }

    fn ids(h: &HostFacts) -> Vec<String> {
        daemon_findings(h)
            .into_iter()
            .map(|f| f.id.into_owned())
            .collect()
    }

    fn has(h: &HostFacts, cve: &str) -> bool {
        ids(h).contains(&format!("SW-HOST-{cve}"))
    }

    #[test]
    fn table_bounds_all_parse_and_are_ordered() {
        for a in advisories::TABLE {
            assert!(!a.affected.is_empty(), "{} has no range", a.cve);
            assert_eq!(a.meta.id, format!("SW-HOST-{}", a.cve));
            for r in a.affected {
                let from = r.from.map(|s| Version::parse(s).expect("from parses"));
                let fixed = r.fixed.map(|s| Version::parse(s).expect("fixed parses"));
                if let (Some(from), Some(fixed)) = (from, fixed) {
                    assert!(from.cmp_numbers(&fixed).is_le(), "{}: {r}", a.cve);
                }
            }
            if a.component == Component::Kernel {
                assert!(a.meta.title.contains("possibly vulnerable"), "{}", a.cve);
            }
        }
    }

    #[test]
    fn runc_versions() {
        // (version, cve, expected match)
        let cases: &[(&str, &str, bool)] = &[
            ("1.0.0-rc6", "CVE-2019-5736", true),
            ("v1.0.0-rc6", "CVE-2019-5736", true),
            ("1.0.0-rc7", "CVE-2019-5736", false),
            ("1.0.0", "CVE-2019-5736", false),
            ("1.0.0-rc92", "CVE-2024-21626", false),
            ("1.0.0-rc93", "CVE-2024-21626", true),
            ("1.1.11", "CVE-2024-21626", true),
            ("1.1.12", "CVE-2024-21626", false),
            ("1.2.0", "CVE-2024-21626", false),
            ("1.0.0-rc94", "CVE-2023-27561", false),
            ("1.0.0-rc95", "CVE-2023-27561", true),
            ("1.1.4", "CVE-2023-27561", true),
            ("1.1.5", "CVE-2023-27561", false),
            ("1.0.0-rc94", "CVE-2021-30465", true),
            ("1.0.0-rc95", "CVE-2021-30465", false),
            ("1.2.7", "CVE-2025-31133", true),
            ("1.2.8", "CVE-2025-31133", false),
            ("1.2.9", "CVE-2025-31133", false),
            ("1.3.0-rc.1", "CVE-2025-31133", true),
            ("1.3.0", "CVE-2025-31133", true),
            ("1.3.2", "CVE-2025-31133", true),
            ("1.3.3", "CVE-2025-31133", false),
            ("1.4.0-rc.2", "CVE-2025-31133", true),
            ("1.4.0-rc.3", "CVE-2025-31133", false),
            ("1.4.0", "CVE-2025-31133", false),
            ("1.1.12", "CVE-2025-52565", true),
            ("1.0.0-rc2", "CVE-2025-52565", false),
            ("1.3.3", "CVE-2025-52565", false),
            ("1.2.7", "CVE-2025-52881", true),
            ("1.4.0-rc.3", "CVE-2025-52881", false),
            ("1.1.13", "CVE-2024-45310", true),
            ("1.2.0-rc.2", "CVE-2024-45310", true),
            ("1.2.0-rc.3", "CVE-2024-45310", false),
            ("1.1.14", "CVE-2024-45310", false),
            ("1.3.5", "CVE-2026-41579", true),
            ("1.4.3", "CVE-2026-41579", false),
            ("1.5.0", "CVE-2026-41579", false),
        ];
        for (v, cve, expected) in cases {
            assert_eq!(has(&runc(v), cve), *expected, "runc {v} vs {cve}");
        }
    }

    #[test]
    fn current_runc_lines_are_clean() {
        for v in ["1.5.0", "1.4.3", "1.3.6", "v1.5.1"] {
            assert!(ids(&runc(v)).is_empty(), "runc {v}: {:?}", ids(&runc(v)));
        }
    }

    #[test]
    fn runc_rootless_only_advisory_needs_rootless() {
        assert!(!has(&runc("1.1.4"), "CVE-2023-25809"));
        let mut h = runc("1.1.4");
        h.security.rootless = true;
        assert!(has(&h, "CVE-2023-25809"));
    }

    #[test]
    fn runc_advisories_skip_other_default_runtimes() {
        let mut h = runc("1.0.0-rc6");
        h.default_runtime = "crun".into();
        assert!(ids(&h).is_empty());
        h.default_runtime = "io.containerd.runc.v2".into();
        assert!(has(&h, "CVE-2019-5736"));
        h.default_runtime = String::new();
        assert!(has(&h, "CVE-2019-5736"));
    }

    #[test]
    fn containerd_versions() {
        let cases: &[(&str, &str, bool)] = &[
            ("1.3.8", "CVE-2020-15257", true),
            ("1.3.9", "CVE-2020-15257", false),
            ("1.4.0", "CVE-2020-15257", true),
            ("1.4.2", "CVE-2020-15257", true),
            ("v1.4.3", "CVE-2020-15257", false),
            ("1.5.0", "CVE-2020-15257", false),
            ("1.7.28", "CVE-2024-25621", true),
            ("1.7.29", "CVE-2024-25621", false),
            ("2.0.6", "CVE-2024-25621", true),
            ("2.0.7", "CVE-2024-25621", false),
            ("2.1.4", "CVE-2024-25621", true),
            ("2.1.5", "CVE-2024-25621", false),
            ("2.2.0", "CVE-2024-25621", false),
            ("1.6.37", "CVE-2024-40635", true),
            ("1.6.38", "CVE-2024-40635", false),
            ("1.7.26", "CVE-2024-40635", true),
            ("1.7.27", "CVE-2024-40635", false),
            ("2.0.3", "CVE-2024-40635", true),
            ("2.0.4", "CVE-2024-40635", false),
            ("2.1.0", "CVE-2025-47290", true),
            ("2.1.1", "CVE-2025-47290", false),
        ];
        for (v, cve, expected) in cases {
            assert_eq!(
                has(&containerd(v), cve),
                *expected,
                "containerd {v} vs {cve}"
            );
        }
        assert!(ids(&containerd("2.1.5")).is_empty());
        assert!(ids(&containerd("1.7.29")).is_empty());
    }

    #[test]
    fn engine_versions() {
        let cases: &[(&str, &str, bool)] = &[
            ("20.10.8", "CVE-2021-41091", true),
            ("20.10.9", "CVE-2021-41091", false),
            ("19.03.0", "CVE-2019-14271", true),
            ("19.03.1", "CVE-2019-14271", false),
            ("18.09.9", "CVE-2019-14271", false),
            ("29.5.0", "CVE-2026-42306", true),
            ("docker-v29.5.1", "CVE-2026-42306", false),
            ("25.0.16", "CVE-2026-42306", true),
            ("25.0.17", "CVE-2026-42306", false),
            ("27.5.1", "CVE-2026-42306", true),
            ("24.0.8", "CVE-2024-24557", true),
            ("24.0.9", "CVE-2024-24557", false),
        ];
        for (v, cve, expected) in cases {
            assert_eq!(has(&engine(v), cve), *expected, "engine {v} vs {cve}");
        }
        assert!(ids(&engine("29.7.2")).is_empty());
    }

    #[test]
    fn authz_bypass_needs_an_authz_plugin() {
        for v in ["20.10.27", "24.0.9", "27.1.0", "26.1.4"] {
            assert!(!has(&engine(v), "CVE-2024-41110"), "{v} without plugins");
            let mut h = engine(v);
            h.authz_plugins = vec!["opa-docker-authz".into()];
            assert!(has(&h, "CVE-2024-41110"), "{v} with a plugin");
            let f = daemon_findings(&h)
                .into_iter()
                .find(|f| f.id == "SW-HOST-CVE-2024-41110")
                .unwrap();
            assert!(
                f.evidence
                    .contains("Plugins.Authorization = [opa-docker-authz]")
            );
            assert_eq!(f.severity, Severity::Critical);
        }
        for v in ["18.09.1", "23.0.15", "25.0.6", "26.1.5", "27.1.1", "28.0.0"] {
            let mut h = engine(v);
            h.authz_plugins = vec!["authz".into()];
            assert!(!has(&h, "CVE-2024-41110"), "{v} is fixed");
        }
    }

    #[test]
    fn swarm_overlay_advisory_needs_swarm() {
        assert!(!has(&engine("20.10.23"), "CVE-2023-28840"));
        let mut h = engine("20.10.23");
        h.swarm_state = "active".into();
        assert!(has(&h, "CVE-2023-28840"));
    }

    #[test]
    fn kernel_versions_are_possible_and_one_level_lower() {
        let cases: &[(&str, &str, bool)] = &[
            ("5.8.0", "CVE-2022-0847", true),
            ("5.7.19", "CVE-2022-0847", false),
            ("5.10.101", "CVE-2022-0847", true),
            ("5.10.102", "CVE-2022-0847", false),
            ("5.13.0-52-generic", "CVE-2022-0847", true),
            ("5.15.0-91-generic", "CVE-2022-0847", true),
            ("5.15.25", "CVE-2022-0847", false),
            ("5.16.10", "CVE-2022-0847", true),
            ("5.16.11", "CVE-2022-0847", false),
            ("6.1.0-18-amd64", "CVE-2022-0847", false),
            ("4.4.0-21-generic", "CVE-2016-5195", true),
            ("4.4.26", "CVE-2016-5195", false),
            ("4.8.2", "CVE-2016-5195", true),
            ("4.9.0", "CVE-2016-5195", false),
            ("5.4.0-42-generic", "CVE-2020-14386", true),
            ("5.9.0", "CVE-2020-14386", false),
            ("6.18.44-fc-v857", "CVE-2020-14386", false),
        ];
        for (v, cve, expected) in cases {
            assert_eq!(has(&kernel(v), cve), *expected, "kernel {v} vs {cve}");
        }
        let f = daemon_findings(&kernel("5.15.0-91-generic"))
            .into_iter()
            .find(|f| f.id == "SW-HOST-CVE-2022-0847")
            .unwrap();
        assert_eq!(
            f.severity,
            Severity::High,
            "Dirty Pipe is critical, lowered once"
        );
        assert!(f.title.contains("possibly vulnerable"));
        assert!(f.evidence.contains(POSSIBLY));
        assert!(
            f.evidence
                .contains("/info KernelVersion = 5.15.0-91-generic")
        );
        assert!(ids(&kernel("6.18.44-fc-v857")).is_empty());
    }

    #[test]
    fn release_agent_kernel_advisory_needs_cgroup_v1() {
        assert!(!has(&kernel("5.10.0-9-amd64"), "CVE-2022-0492"));
        let mut h = kernel("5.10.0-9-amd64");
        h.cgroup_version = "1".into();
        assert!(has(&h, "CVE-2022-0492"));
        h.engine.kernel = "5.17.0".into();
        assert!(!has(&h, "CVE-2022-0492"));
    }

    #[test]
    fn distro_suffix_is_possibly_vulnerable_and_lowered() {
        let h = runc("1.1.5+ds1-1+deb12u1");
        let f = daemon_findings(&h)
            .into_iter()
            .find(|f| f.id == "SW-HOST-CVE-2024-21626")
            .expect("1.1.5 is in range");
        assert_eq!(f.severity, Severity::High);
        assert!(
            f.title
                .starts_with("runc possibly vulnerable to CVE-2024-21626")
        );
        assert!(
            f.evidence
                .starts_with("/version Components[runc].Version = 1.1.5+ds1-1+deb12u1"),
            "{}",
            f.evidence
        );
        assert!(f.evidence.contains(POSSIBLY));
        assert!(
            f.evidence
                .contains("'+ds1-1+deb12u1' marks a distribution build")
        );

        for (v, cve, expected) in [
            ("1.7.27-0ubuntu1", "CVE-2024-25621", Some(Severity::Medium)),
            ("1.7.27-0ubuntu1", "CVE-2024-40635", None),
            ("1.6.20~ds1", "CVE-2024-25621", Some(Severity::Medium)),
        ] {
            assert_eq!(
                graded(&containerd(v), cve),
                expected,
                "containerd {v} {cve}"
            );
        }
        assert_eq!(
            graded(&engine("20.10.24+dfsg1"), "CVE-2024-24557"),
            Some(Severity::Low)
        );
        // The upstream build of the same number is a plain match.
        assert_eq!(
            graded(&runc("1.1.5"), "CVE-2024-21626"),
            Some(Severity::Critical)
        );
    }

    #[test]
    fn distro_build_of_a_fixed_version_is_clean() {
        assert!(!has(&runc("1.1.12-0ubuntu2~22.04.1"), "CVE-2024-21626"));
        assert!(!has(&runc("1.0.0~rc95+ds1"), "CVE-2021-30465"));
        assert!(has(&runc("1.0.0~rc93+ds1"), "CVE-2021-30465"));
        assert!(has(&runc("1.0.0~rc93+ds1"), "CVE-2024-21626"));
    }

    #[test]
    fn user_namespaces_lower_escapes_but_not_host_side_bugs() {
        let mut h = host("1.1.11", "1.7.28", "", "");
        h.security = DaemonSecurity {
            userns_remap: true,
            ..Default::default()
        };
        let found = daemon_findings(&h);
        let leaky = found
            .iter()
            .find(|f| f.id == "SW-HOST-CVE-2024-21626")
            .unwrap();
        assert_eq!(leaky.severity, Severity::High);
        assert!(leaky.mitigated);
        let lpe = found
            .iter()
            .find(|f| f.id == "SW-HOST-CVE-2024-25621")
            .unwrap();
        assert_eq!(lpe.severity, Severity::High);
        assert!(!lpe.mitigated);
    }

    #[test]
    fn unknown_versions_produce_nothing() {
        for v in ["", "  ", "dev", "unknown"] {
            assert!(ids(&host(v, v, v, v)).is_empty(), "{v:?}");
        }
        assert!(daemon_findings(&HostFacts::default()).is_empty());
    }

    #[test]
    fn possibly_rewrites_titles_once() {
        assert_eq!(
            possibly("runc vulnerable to X"),
            "runc possibly vulnerable to X"
        );
        assert_eq!(
            possibly("Container exploitable via X"),
            "Container possibly exploitable via X"
        );
        assert_eq!(
            possibly("Kernel possibly vulnerable to X"),
            "Kernel possibly vulnerable to X"
        );
        assert_eq!(possibly("Something"), "Something (possibly)");
    }
}
