//! CIS 5.11, 5.12, 5.19, 5.25 and 5.29: resource limits. Hygiene: capped in the score.

use super::super::{Ctx, Finding, RuleMeta, Severity};

const fn r(
    id: &'static str,
    severity: Severity,
    cis: &'static str,
    title: &'static str,
    technique: &'static str,
    fix: &'static str,
) -> RuleMeta {
    RuleMeta::container(id, severity, Some(cis), title, technique, fix)
}

pub const MEMORY: RuleMeta = r(
    "SW-RES-001",
    Severity::Low,
    "5.11",
    "No memory limit",
    "An unlimited container can exhaust host memory and make the kernel OOM-kill other \
     containers or host services (denial of service).",
    "Set --memory 512m (compose: mem_limit or deploy.resources.limits.memory).",
);
pub const CPU: RuleMeta = r(
    "SW-RES-002",
    Severity::Low,
    "5.12",
    "No CPU limit or weight",
    "A runaway or cryptomining container can starve every other workload on the host.",
    "Set --cpus 1.5 or --cpu-shares 512 (compose: cpus / cpu_shares).",
);
pub const PIDS: RuleMeta = r(
    "SW-RES-003",
    Severity::Low,
    "5.29",
    "No PIDs limit",
    "A fork bomb inside the container exhausts the host's process table.",
    "Set --pids-limit 200 (compose: pids_limit).",
);
pub const ULIMITS: RuleMeta = r(
    "SW-RES-004",
    Severity::Info,
    "5.19",
    "Default ulimits not overridden",
    "The container inherits the daemon's default ulimits; set them per workload if the \
     defaults are generous.",
    "Set --ulimit nofile=1024:2048 (compose: ulimits) where it matters.",
);
pub const CGROUP_PARENT: RuleMeta = r(
    "SW-RES-005",
    Severity::Low,
    "5.25",
    "Custom cgroup parent",
    "A custom cgroup parent moves the container out of Docker's cgroup tree, possibly out from \
     under the limits and accounting applied there.",
    "Remove --cgroup-parent (compose: cgroup_parent) unless it is deliberate.",
);
pub const OOM_KILL_DISABLED: RuleMeta = r(
    "SW-RES-006",
    Severity::Medium,
    "5.11",
    "OOM killer disabled without a memory limit",
    "With --oom-kill-disable and no memory limit the kernel cannot reclaim memory from this \
     container: host processes are killed instead.",
    "Remove --oom-kill-disable (compose: oom_kill_disable) or set a memory limit.",
);

pub const META: &[RuleMeta] = &[MEMORY, CPU, PIDS, ULIMITS, CGROUP_PARENT, OOM_KILL_DISABLED];

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let res = &ctx.c.resources;
    if res.memory <= 0 {
        out.push(MEMORY.finding("HostConfig.Memory = 0").hygiene());
        if res.oom_kill_disable {
            out.push(OOM_KILL_DISABLED.finding("HostConfig.OomKillDisable = true, Memory = 0"));
        }
    }
    let cpu_limited =
        res.nano_cpus > 0 || res.cpu_shares > 0 || res.cpu_quota > 0 || !res.cpuset_cpus.is_empty();
    if !cpu_limited {
        out.push(
            CPU.finding(
                "HostConfig.NanoCpus, CpuShares and CpuQuota are 0 and CpusetCpus is empty",
            )
            .hygiene(),
        );
    }
    if res.pids_limit.is_none_or(|p| p <= 0) {
        let shown = res
            .pids_limit
            .map(|p| p.to_string())
            .unwrap_or_else(|| "null".into());
        out.push(
            PIDS.finding(format!("HostConfig.PidsLimit = {shown}"))
                .hygiene(),
        );
    }
    if res.ulimits.is_empty() {
        out.push(ULIMITS.finding("HostConfig.Ulimits is empty").hygiene());
    }
    if !ctx.c.cgroup_parent.is_empty() {
        out.push(
            CGROUP_PARENT
                .finding(format!("HostConfig.CgroupParent = {}", ctx.c.cgroup_parent))
                .hygiene(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::risk::Weighting;

    #[test]
    fn default_container_has_no_limits() {
        let f = findings_for("{}");
        for id in ["SW-RES-001", "SW-RES-002", "SW-RES-003", "SW-RES-004"] {
            let x = find(&f, id).unwrap_or_else(|| panic!("{id}"));
            assert_eq!(x.weighting, Weighting::Hygiene);
        }
    }

    #[test]
    fn limits_clear_the_findings() {
        let f = findings_for(
            r#"{"HostConfig":{"Memory":268435456,"NanoCpus":500000000,"PidsLimit":100,"Ulimits":[{"Name":"nofile","Soft":1024,"Hard":2048}]}}"#,
        );
        for id in ["SW-RES-001", "SW-RES-002", "SW-RES-003", "SW-RES-004"] {
            assert!(find(&f, id).is_none(), "{id}");
        }
    }

    #[test]
    fn cpu_quota_or_cpuset_count_as_limits() {
        let f = findings_for(r#"{"HostConfig":{"CpuQuota":50000}}"#);
        assert!(find(&f, "SW-RES-002").is_none());
        let f = findings_for(r#"{"HostConfig":{"CpusetCpus":"0"}}"#);
        assert!(find(&f, "SW-RES-002").is_none());
    }

    #[test]
    fn pids_minus_one_is_unlimited_and_cgroup_parent_flagged() {
        let f = findings_for(r#"{"HostConfig":{"PidsLimit":-1,"CgroupParent":"/custom"}}"#);
        assert!(find(&f, "SW-RES-003").unwrap().evidence.contains("-1"));
        assert!(find(&f, "SW-RES-005").is_some());
        let f = findings_for(r#"{"HostConfig":{"OomKillDisable":true}}"#);
        assert!(find(&f, "SW-RES-006").is_some());
    }
}
