//! CIS 5.5: privileged containers.

use super::super::{Ctx, Finding, RuleMeta, Scope, Severity};

pub const PRIVILEGED: RuleMeta = RuleMeta {
    id: "SW-PRIV-001",
    scope: Scope::Container,
    severity: Severity::Critical,
    title: "Container runs privileged",
    cis: Some("5.5"),
    technique: "Privileged mode grants every capability and every host device, turns off seccomp, \
                AppArmor and the masked /proc and /sys paths, and makes the cgroup filesystem \
                writable. Root in the container mounts the host disk (mount /dev/sda1), writes a \
                cgroup v1 release_agent or core_pattern handler, or loads a kernel module: each is \
                a one-step host takeover.",
    fix: "Remove --privileged; grant only the capabilities and devices the workload needs \
          (--cap-add X, --device /dev/x). Compose: delete `privileged: true`.",
};

pub const META: &[RuleMeta] = &[PRIVILEGED];

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !ctx.c.privileged {
        return;
    }
    let f = PRIVILEGED.finding("HostConfig.Privileged = true");
    // Under userns-remap privileged needs --userns=host, so root is still host root;
    // only a rootless daemon really lowers it.
    out.push(if ctx.conf.root_is_host_root {
        f.host_root()
    } else {
        f.mitigate()
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    #[test]
    fn privileged_is_critical_host_root() {
        let f = findings_for(r#"{"HostConfig":{"Privileged":true}}"#);
        let p = find(&f, "SW-PRIV-001").expect("privileged finding");
        assert_eq!(p.severity, crate::risk::Severity::Critical);
        assert_eq!(p.cis.as_deref(), Some("5.5"));
        assert_eq!(p.weighting, crate::risk::Weighting::HostRoot);
        assert!(p.evidence.contains("Privileged = true"));
    }

    #[test]
    fn unprivileged_has_no_finding() {
        let f = findings_for(r#"{"HostConfig":{"Privileged":false}}"#);
        assert!(find(&f, "SW-PRIV-001").is_none());
    }

    #[test]
    fn rootless_daemon_lowers_it() {
        let mut host = default_host();
        host.security.rootless = true;
        let f = findings_with_host(r#"{"HostConfig":{"Privileged":true}}"#, &host);
        let p = find(&f, "SW-PRIV-001").unwrap();
        assert_eq!(p.severity, crate::risk::Severity::High);
        assert!(p.mitigated);
    }
}
