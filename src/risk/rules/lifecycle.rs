//! CIS 5.15 and 5.27: restart policy and healthcheck.

use super::super::{Ctx, Finding, RuleMeta, Scope, Severity};
use crate::model::Healthcheck;

pub const RESTART: RuleMeta = RuleMeta {
    id: "SW-LIFE-001",
    scope: Scope::Container,
    severity: Severity::Low,
    title: "Unbounded restart policy",
    cis: Some("5.15"),
    technique: "A container that restarts forever hides crash loops (an exploit attempt that keeps \
                crashing it) and can keep a compromised process coming back; CIS asks for \
                on-failure with at most 5 retries.",
    fix: "Use --restart on-failure:5 (compose: restart: on-failure:5, or \
          deploy.restart_policy.max_attempts: 5).",
};
pub const HEALTH: RuleMeta = RuleMeta {
    id: "SW-LIFE-002",
    scope: Scope::Container,
    severity: Severity::Low,
    title: "No healthcheck",
    cis: Some("5.27"),
    technique: "Without a healthcheck a hung or hijacked service keeps running as 'up', and \
                orchestration cannot replace it.",
    fix: "Add HEALTHCHECK to the image or --health-cmd (compose: healthcheck.test).",
};

pub const META: &[RuleMeta] = &[RESTART, HEALTH];

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = &ctx.c.restart;
    let unbounded = match r.name.as_str() {
        "always" | "unless-stopped" => Some(format!("HostConfig.RestartPolicy.Name = {}", r.name)),
        "on-failure" if r.max_retries == 0 || r.max_retries > 5 => Some(format!(
            "HostConfig.RestartPolicy = on-failure, MaximumRetryCount = {}{}",
            r.max_retries,
            if r.max_retries == 0 {
                " (unlimited)"
            } else {
                ""
            }
        )),
        _ => None,
    };
    if let Some(evidence) = unbounded {
        out.push(RESTART.finding(evidence).hygiene());
    }
    match &ctx.c.healthcheck {
        Healthcheck::Missing => out.push(
            HEALTH
                .finding("State.Health is absent and Config.Healthcheck is not set")
                .hygiene(),
        ),
        Healthcheck::Disabled => out.push(
            HEALTH
                .finding("Config.Healthcheck.Test = [\"NONE\"] (explicitly disabled)")
                .hygiene(),
        ),
        Healthcheck::Configured { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    #[test]
    fn restart_policies() {
        for (name, n, flagged) in [
            ("always", 0, true),
            ("unless-stopped", 0, true),
            ("on-failure", 0, true),
            ("on-failure", 10, true),
            ("on-failure", 5, false),
            ("no", 0, false),
        ] {
            let f = findings_for(&format!(
                r#"{{"HostConfig":{{"RestartPolicy":{{"Name":"{name}","MaximumRetryCount":{n}}}}}}}"#
            ));
            assert_eq!(find(&f, "SW-LIFE-001").is_some(), flagged, "{name}:{n}");
        }
    }

    #[test]
    fn healthcheck_configured_clears_it() {
        assert!(find(&findings_for("{}"), "SW-LIFE-002").is_some());
        let f = findings_for(r#"{"Config":{"Healthcheck":{"Test":["CMD","true"]}}}"#);
        assert!(find(&f, "SW-LIFE-002").is_none());
        let f = findings_for(r#"{"Config":{"Healthcheck":{"Test":["NONE"]}}}"#);
        assert!(
            find(&f, "SW-LIFE-002")
                .unwrap()
                .evidence
                .contains("disabled")
        );
    }
}
