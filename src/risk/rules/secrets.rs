//! Secrets and daemon access handed to the container through its environment.
//! Values are already redacted in the facts; these rules only say that a secret is there.

use super::super::{Ctx, Finding, RuleMeta, Scope, Severity};

pub const ENV_SECRET: RuleMeta = RuleMeta {
    id: "SW-ENV-001",
    scope: Scope::Container,
    severity: Severity::Medium,
    title: "Secret passed in an environment variable",
    cis: None,
    technique: "Environment variables are readable by anyone who can inspect the container \
                (docker inspect, the API, /proc/<pid>/environ on the host) and are copied into \
                crash dumps and child processes.",
    fix: "Use a secret file instead: docker secrets / compose `secrets:` mounted under \
          /run/secrets, or a read-only bind of a 0400 file.",
};
pub const DOCKER_HOST_ENV: RuleMeta = RuleMeta {
    id: "SW-ENV-002",
    scope: Scope::Container,
    severity: Severity::High,
    title: "Container is pointed at a Docker daemon",
    cis: Some("5.32"),
    technique: "DOCKER_HOST tells tools inside the container where a daemon API listens; if it \
                answers, the container controls the host through it like a mounted socket.",
    fix: "Remove DOCKER_HOST (docker run -e; compose: environment) and the network path to the \
          daemon; use a restricted API proxy if the tool must talk to Docker.",
};

pub const META: &[RuleMeta] = &[ENV_SECRET, DOCKER_HOST_ENV];

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let names: Vec<&str> = ctx
        .c
        .env
        .iter()
        .filter(|e| e.redacted)
        .map(|e| e.name.as_str())
        .collect();
    if !names.is_empty() {
        out.push(ENV_SECRET.finding(format!(
            "Config.Env holds {} (values redacted)",
            names.join(", ")
        )));
    }
    if let Some(dh) = ctx
        .c
        .env
        .iter()
        .find(|e| e.name == "DOCKER_HOST" && !e.value.is_empty())
    {
        out.push(DOCKER_HOST_ENV.finding(format!("Config.Env DOCKER_HOST = {}", dh.value)));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    #[test]
    fn secret_names_are_listed_without_values() {
        let f = findings_for(
            r#"{"Config":{"Env":["PATH=/bin","DB_PASSWORD=hunter2","API_TOKEN=abc","DATABASE_URL=postgres://u:pw@db/x"]}}"#,
        );
        let x = find(&f, "SW-ENV-001").unwrap();
        assert!(x.evidence.contains("DB_PASSWORD"));
        assert!(x.evidence.contains("API_TOKEN"));
        assert!(x.evidence.contains("DATABASE_URL"));
        let all = serde_json::to_string(&f).unwrap();
        assert!(!all.contains("hunter2") && !all.contains("abc\"") && !all.contains(":pw@"));
    }

    #[test]
    fn docker_host_env_is_flagged() {
        let f = findings_for(r#"{"Config":{"Env":["DOCKER_HOST=tcp://10.0.0.1:2375"]}}"#);
        assert!(
            find(&f, "SW-ENV-002")
                .unwrap()
                .evidence
                .contains("tcp://10.0.0.1:2375")
        );
    }
}
