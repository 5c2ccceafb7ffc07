//! A container created or started with a high-risk configuration: the risk engine's
//! HIGH/CRITICAL findings, raised as an activity alert at the moment it happens.

use super::meta::AlertMeta;
use super::{Alert, ContainerRef};
use crate::model::ContainerFacts;
use crate::risk::{Finding, Severity};
use chrono::{DateTime, Utc};

pub const RISKY_LAUNCH: AlertMeta = AlertMeta::new(
    "SW-ACT-LAUNCH-001",
    Severity::High,
    "Container launched with a high-risk configuration",
    "T1610",
    "Deploy Container",
    "A new container with a high or critical finding (privileged, the Docker socket, host \
     namespaces, sensitive host paths...) is the API-level sign of an escape being set up: \
     attackers with API access start exactly such a container to take the host.",
    "Check who created it (docker events, API proxy or audit logs) and whether the finding is \
     intended. If not, stop and remove it, and find how the API was reached.",
    0,
);

pub const UNSEEN_LAUNCH: AlertMeta = AlertMeta::new(
    "SW-ACT-LAUNCH-002",
    Severity::Medium,
    "Container launched and gone before it could be inspected",
    "T1610",
    "Deploy Container",
    "A container was created or started and removed again before seawall could read its \
     configuration (often while the event stream was down): a short-lived container is how \
     an attacker with API access runs a one-shot escape and cleans up.",
    "Check who created it (docker events, API proxy or audit logs) and what its image runs.",
    0,
);

/// The launch rules.
pub fn metas() -> Vec<AlertMeta> {
    vec![RISKY_LAUNCH, UNSEEN_LAUNCH]
}

/// A launch whose container was gone before its inspect: what its event said (name,
/// image), at the event's time.
pub fn unseen(
    cause: &str,
    id: &str,
    name: &str,
    image: &str,
    time: DateTime<Utc>,
) -> Option<Alert> {
    let verb = launch_verb(cause)?;
    let image = if image.is_empty() { "unknown" } else { image };
    Some(UNSEEN_LAUNCH.alert(
        time,
        Some(ContainerRef {
            id: id.to_string(),
            name: name.to_string(),
        }),
        format!("{verb} and removed before it could be inspected; image {image}"),
    ))
}

/// How many other findings are named in the detail.
const MAX_NAMED: usize = 3;

/// The past tense of a cause that counts as a launch.
pub fn launch_verb(cause: &str) -> Option<&'static str> {
    match cause {
        "create" => Some("created"),
        "start" => Some("started"),
        "restart" => Some("restarted"),
        _ => None,
    }
}

/// An alert when the container has a HIGH or CRITICAL finding, at the worst finding's
/// severity, e.g. `started with SW-PRIV-001 Container runs privileged (+2 more high/critical:
/// SW-CAP-SYS_ADMIN, SW-MNT-001)`.
pub fn alert(
    cause: &str,
    c: &ContainerFacts,
    findings: &[Finding],
    time: DateTime<Utc>,
) -> Option<Alert> {
    let verb = launch_verb(cause)?;
    let mut serious: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity >= Severity::High)
        .collect();
    serious.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    let (worst, rest) = serious.split_first()?;
    let mut detail = format!("{verb} with {} {}", worst.id, worst.title);
    if !rest.is_empty() {
        let named: Vec<&str> = rest.iter().take(MAX_NAMED).map(|f| f.id.as_ref()).collect();
        let more = if rest.len() > MAX_NAMED { ", ..." } else { "" };
        detail.push_str(&format!(
            " (+{} more high/critical: {}{more})",
            rest.len(),
            named.join(", ")
        ));
    }
    detail.push_str(&format!("; image {}", c.image));
    Some(
        RISKY_LAUNCH
            .alert(
                time,
                Some(ContainerRef {
                    id: c.id.clone(),
                    name: c.name.clone(),
                }),
                detail,
            )
            .with_severity(worst.severity),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::rules::test_support;

    #[test]
    fn risky_launches_name_the_worst_finding() {
        let overlay = r#"{"HostConfig": {"Privileged": true, "PidMode": "host"}}"#;
        let c = test_support::container(overlay);
        let findings = test_support::findings_for(overlay);
        let a = alert("start", &c, &findings, DateTime::UNIX_EPOCH).expect("alert");
        assert_eq!(a.rule, "SW-ACT-LAUNCH-001");
        assert_eq!(a.severity, Severity::Critical);
        assert!(
            a.detail
                .starts_with("started with SW-PRIV-001 Container runs privileged (+"),
            "{}",
            a.detail
        );
        assert!(a.detail.contains("more high/critical"), "{}", a.detail);
        assert_eq!(
            a.container.map(|c| c.name),
            Some("sw-fixture-default".into())
        );
    }

    #[test]
    fn quiet_launches_and_other_causes_are_not_alerts() {
        let c = test_support::container("{}");
        let low_only: Vec<Finding> = test_support::findings_for("{}")
            .into_iter()
            .filter(|f| f.severity < Severity::High)
            .collect();
        assert!(alert("create", &c, &low_only, DateTime::UNIX_EPOCH).is_none());
        let overlay = r#"{"HostConfig": {"Privileged": true}}"#;
        let findings = test_support::findings_for(overlay);
        assert!(alert("update", &c, &findings, DateTime::UNIX_EPOCH).is_none());
        let a = alert("create", &c, &findings, DateTime::UNIX_EPOCH).expect("alert");
        assert!(a.detail.starts_with("created with "), "{}", a.detail);
    }
}
