//! Container rules, one file per family. Each file exposes `check(ctx, out)` and `META`
//! (or a `metas()` function for table-driven families).

mod capabilities;
mod devices;
mod hardening;
mod lifecycle;
mod mounts;
mod namespaces;
mod network;
mod privileged;
mod profiles;
mod resources;
mod secrets;
mod user;

use super::{Ctx, Finding, RuleMeta};

/// A container check appends its findings to `out`.
pub type Check = fn(&Ctx<'_>, &mut Vec<Finding>);

/// Every container check, in the order they run.
pub const CHECKS: &[Check] = &[
    privileged::check,
    capabilities::check,
    mounts::check,
    namespaces::check,
    profiles::check,
    network::check,
    devices::check,
    resources::check,
    user::check,
    lifecycle::check,
    hardening::check,
    secrets::check,
];

/// Metadata of every container rule.
pub fn metas() -> Vec<RuleMeta> {
    let mut all = Vec::new();
    all.extend_from_slice(privileged::META);
    all.extend(capabilities::metas());
    all.extend(mounts::metas());
    all.extend_from_slice(namespaces::META);
    all.extend_from_slice(profiles::META);
    all.extend_from_slice(network::META);
    all.extend_from_slice(devices::META);
    all.extend_from_slice(resources::META);
    all.extend_from_slice(user::META);
    all.extend_from_slice(lifecycle::META);
    all.extend_from_slice(hardening::META);
    all.extend_from_slice(secrets::META);
    all
}

#[cfg(test)]
pub(crate) mod test_support;
