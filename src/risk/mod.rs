//! Risk rules: pure functions from facts to findings, and the score.
//!
//! - `rules/`: one file per family of container rules (privileged, capabilities, mounts...);
//! - `host/`: daemon posture and runtime / kernel CVE matching;
//! - `confinement`: the effective capabilities, LSM and namespaces of a container;
//! - `catalog`: every rule's metadata (feeds SARIF and `seawall rules`);
//! - `score`: findings -> 0-100.
//!
//! Nothing here does IO. A finding in the console and in `seawall scan` is the same value.

pub mod catalog;
pub mod confinement;
pub mod finding;
pub mod host;
pub mod rule;
pub mod rules;
pub mod score;

pub use confinement::{Confinement, Fleet};
pub use finding::{Finding, Severity, Weighting, sort_findings};
pub use rule::{RuleMeta, Scope};
pub use score::{Band, Score, score};

use crate::model::{ContainerFacts, HostFacts};

/// What a container rule sees.
pub struct Ctx<'a> {
    pub c: &'a ContainerFacts,
    pub host: &'a HostFacts,
    pub conf: &'a Confinement,
}

/// Evaluate every container rule for one container, worst first.
pub fn evaluate_container(c: &ContainerFacts, host: &HostFacts, fleet: &Fleet<'_>) -> Vec<Finding> {
    let conf = confinement::resolve(c, host, fleet);
    let ctx = Ctx {
        c,
        host,
        conf: &conf,
    };
    let mut out = Vec::new();
    for check in rules::CHECKS {
        check(&ctx, &mut out);
    }
    host::container_cves(&ctx, &mut out);
    sort_findings(&mut out);
    out
}

/// Evaluate the daemon posture rules, worst first.
pub fn evaluate_host(host: &HostFacts) -> Vec<Finding> {
    let mut out = host::posture(host);
    sort_findings(&mut out);
    out
}
