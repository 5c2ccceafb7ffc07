//! CIS 4.1: the user the container runs as, and supplementary groups.

use super::super::{Ctx, Finding, RuleMeta, Scope, Severity};

pub const ROOT_USER: RuleMeta = RuleMeta {
    id: "SW-USR-001",
    scope: Scope::Container,
    severity: Severity::Medium,
    title: "Runs as root",
    cis: Some("4.1"),
    technique: "uid 0 in the container is uid 0 on the host unless user namespaces are on: every \
                other weakness (a host mount, a capability, a runtime bug such as CVE-2019-5736 \
                or CVE-2024-21626) becomes a root compromise of the host.",
    fix: "Run as an unprivileged user: --user 10001:10001 (compose: user: \"10001:10001\"), or \
          set USER in the Dockerfile.",
};
pub const PRIV_GROUP: RuleMeta = RuleMeta {
    id: "SW-USR-002",
    scope: Scope::Container,
    severity: Severity::Medium,
    title: "Privileged supplementary group",
    cis: None,
    technique: "Group 0, root or docker grants access to files owned by those groups: with a \
                mounted socket, the docker group alone is daemon control.",
    fix: "Remove --group-add 0/root/docker (compose: group_add).",
};

pub const META: &[RuleMeta] = &[ROOT_USER, PRIV_GROUP];

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let c = ctx.c;
    if ctx.conf.runs_as_root {
        let evidence = if c.user.is_empty() {
            "Config.User is empty (the image default, root unless the image sets USER)".to_string()
        } else {
            format!("Config.User = {}", c.user)
        };
        let f = ROOT_USER.finding(evidence);
        out.push(if ctx.conf.root_is_host_root {
            f
        } else {
            f.mitigate()
                .with_technique("Root in the container maps to an unprivileged host uid here (user namespaces), which blunts most escapes; it is still root over the container's own files.")
        });
    }
    let bad: Vec<&str> = c
        .group_add
        .iter()
        .map(String::as_str)
        .filter(|g| matches!(*g, "0" | "root" | "docker"))
        .collect();
    if !bad.is_empty() {
        out.push(PRIV_GROUP.finding(format!("HostConfig.GroupAdd = {}", bad.join(", "))));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::risk::Severity;

    #[test]
    fn root_forms_are_recognised() {
        for user in ["", "root", "0", "0:0", "root:wheel"] {
            let f = findings_for(&format!(r#"{{"Config":{{"User":"{user}"}}}}"#));
            assert!(find(&f, "SW-USR-001").is_some(), "user {user:?}");
        }
        for user in ["1000", "app", "10001:10001", "nobody"] {
            let f = findings_for(&format!(r#"{{"Config":{{"User":"{user}"}}}}"#));
            assert!(find(&f, "SW-USR-001").is_none(), "user {user:?}");
        }
    }

    #[test]
    fn userns_lowers_root() {
        let mut host = default_host();
        host.security.userns_remap = true;
        let f = findings_with_host(r#"{"Config":{"User":"root"}}"#, &host);
        let x = find(&f, "SW-USR-001").unwrap();
        assert_eq!(x.severity, Severity::Low);
        assert!(x.mitigated);
    }

    #[test]
    fn docker_group_is_flagged() {
        let f = findings_for(r#"{"HostConfig":{"GroupAdd":["docker"]}}"#);
        assert!(find(&f, "SW-USR-002").is_some());
    }
}
