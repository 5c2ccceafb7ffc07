//! Risk rules: pure functions from facts to findings, and the score.
//!
//! - `rules/`: one file per family of container rules (privileged, capabilities, mounts...);
//! - `host/`: daemon posture and runtime / kernel CVE matching;
//! - `grader`: [`Grader`], facts of one daemon in, graded fleet out (the only place rules
//!   are run);
//! - `confinement`: the effective capabilities, LSM and namespaces of a container;
//! - `catalog`: every rule's metadata (feeds SARIF and `seawall rules`);
//! - `score`: findings -> 0-100.
//!
//! Nothing here does IO. A finding in the console and in `seawall scan` is the same value.

pub mod catalog;
pub mod confinement;
pub mod finding;
pub mod grader;
pub mod host;
pub mod rule;
pub mod rules;
pub mod score;
pub mod verdict;

pub use confinement::{Confinement, Fleet};
pub use finding::{Finding, Severity, Weighting, sort_findings};
pub use grader::{GradedContainer, GradedHost, Grader};
pub use rule::{RuleMeta, Scope};
pub use score::{Band, Score, score};
pub use verdict::{Acceptance, BaselineMark};

use crate::model::{ContainerFacts, HostFacts};

/// What a container rule sees.
pub struct Ctx<'a> {
    pub c: &'a ContainerFacts,
    pub host: &'a HostFacts,
    pub conf: &'a Confinement,
}
