//! Compose files before deploy: `seawall scan --compose FILE` and `seawall fix --compose`.
//!
//! - `yaml`: the YAML tree with the line of every node (yaml-rust2 marked events);
//! - `interpolate`: `${VAR:-default}` and friends;
//! - `load`: files, `include`, `extends`;
//! - `service`: a service as [`crate::model::ContainerFacts`] plus where each fact is written;
//! - `locate`: the line a finding points at;
//! - `report`: the JSON, SARIF and table output of a compose scan.
//!
//! Services are graded by the one grader ([`crate::risk::Grader`]) on an assumed typical
//! daemon ([`assumed_host`]); the rules that need a real daemon (host posture, runtime and
//! kernel versions) are skipped and the output says so.

pub mod interpolate;
pub mod load;
pub mod locate;
pub mod report;
pub mod service;
pub mod yaml;

pub use load::{Project, load};
pub use service::{Loc, Locations, ServiceFacts};

use crate::model::{ContainerFacts, HostFacts};
use crate::risk::{Finding, Grader, Score, score};
use std::path::PathBuf;

/// Why a Compose file could not be read. Every variant names the file, and the line when
/// there is one.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{col}: not valid YAML: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{}:{line}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}:{line}: {source}", path.display())]
    Interpolation {
        path: PathBuf,
        line: usize,
        #[source]
        source: interpolate::InterpolationError,
    },
    #[error("{}: include or extends forms a cycle", path.display())]
    Cycle { path: PathBuf },
    #[error("{}: no service named {service}", path.display())]
    NoService { path: PathBuf, service: String },
}

/// The rule families a compose scan cannot evaluate, and why (said in every output).
pub const SKIPPED_RULES: &[&str] = &["SW-HOST-*", "SW-HOST-CVE-*", "SW-CVE-*"];
pub const SKIPPED_REASON: &str = "need a daemon: host posture, and runtime and kernel versions \
     (scan the host with `seawall scan` for them)";
/// What the scan assumes of the daemon the file will be deployed on.
pub const ASSUMED_DAEMON: &str = "a typical Linux daemon: AppArmor, the built-in seccomp \
     profile, cgroup v2, no user namespace remapping";

/// The daemon a compose file is graded against when none is read: AppArmor and the
/// built-in seccomp profile available, cgroup v2, no userns-remap, no versions (so no
/// version-based rule fires).
pub fn assumed_host() -> HostFacts {
    let security_options: Vec<String> = vec![
        "name=apparmor".into(),
        "name=seccomp,profile=builtin".into(),
        "name=cgroupns".into(),
    ];
    HostFacts {
        endpoint: "compose".into(),
        cgroup_version: "2".into(),
        security: crate::model::convert::daemon_security(&security_options),
        security_options,
        ..HostFacts::default()
    }
}

/// One graded service: its name, facts, findings (worst first, each with its place) and
/// score.
#[derive(Debug, Clone)]
pub struct GradedService {
    pub service: String,
    pub file: usize,
    pub facts: ContainerFacts,
    pub locations: Locations,
    pub findings: Vec<(Finding, Loc)>,
    pub score: Score,
}

/// A daemon-only finding (left out of a compose scan).
pub fn needs_daemon(f: &Finding) -> bool {
    f.id.starts_with("SW-HOST-") || f.id.starts_with("SW-CVE-")
}

/// Facts of every service of `project`.
pub fn service_facts(project: &Project) -> Vec<ServiceFacts> {
    project
        .services
        .iter()
        .map(|s| service::facts(project, s))
        .collect()
}

/// Grade every service of `project` on `host` with the one grader (services that join
/// another's namespaces with `service:` are resolved within the project).
pub fn grade(project: &Project, host: &HostFacts) -> Vec<GradedService> {
    let all = service_facts(project);
    let mut grader = Grader::new(host.clone());
    grader.replace(all.iter().map(|s| s.facts.clone()));
    project
        .services
        .iter()
        .zip(all)
        .map(|(s, sf)| {
            let graded = grader.grade(&sf.facts.id).expect("stored above");
            graded_service(s.name.clone(), s.file, sf, graded.findings)
        })
        .collect()
}

/// Grade one set of service facts alone (what-if: the same rules on a changed config).
pub fn grade_facts(facts: &ContainerFacts, host: &HostFacts) -> Vec<Finding> {
    let mut grader = Grader::new(host.clone());
    let (graded, _) = grader.upsert(facts.clone());
    graded
        .findings
        .into_iter()
        .filter(|f| !needs_daemon(f))
        .collect()
}

fn graded_service(
    service: String,
    file: usize,
    sf: ServiceFacts,
    findings: Vec<Finding>,
) -> GradedService {
    let findings: Vec<Finding> = findings.into_iter().filter(|f| !needs_daemon(f)).collect();
    let score = score(&findings);
    let findings = findings
        .into_iter()
        .map(|f| {
            let at = locate::locate(&f, &sf.facts, &sf.locations);
            (f, at)
        })
        .collect();
    GradedService {
        service,
        file,
        facts: sf.facts,
        locations: sf.locations,
        findings,
        score,
    }
}

#[cfg(test)]
mod tests;
