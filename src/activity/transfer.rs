//! Files moved in or out of containers: `docker cp` both ways, `commit`, `export` and
//! `checkpoint` (E11, E12).

use super::meta::AlertMeta;
use super::{Alert, ContainerRef};
use crate::model::{ContainerFacts, DockerEvent};
use crate::risk::Severity;
use chrono::{DateTime, Utc};

use Severity::{High as H, Medium as M};

pub const COPY_IN: AlertMeta = AlertMeta::new(
    "SW-ACT-XFER-001",
    M,
    "Files copied into container",
    "T1105",
    "Ingress Tool Transfer",
    "docker cp into a running container plants files the image never had: tools, backdoors, \
     changed configuration. The usual next step is to execute them.",
    "Find what was copied (docker diff) and by whom. If unexpected, isolate the container and \
     keep the new files as evidence.",
    0,
);
pub const COPY_OUT: AlertMeta = AlertMeta::new(
    "SW-ACT-XFER-002",
    M,
    "Files copied out of container",
    "T1005",
    "Data from Local System",
    "docker cp out of a container reads any file in it, secrets and data included, without \
     going through the application.",
    "Confirm who copied what; rotate secrets that live in the container's filesystem if the \
     copy was not expected.",
    0,
);
pub const COMMIT: AlertMeta = AlertMeta::new(
    "SW-ACT-XFER-003",
    M,
    "Container committed to an image",
    "T1525",
    "Implant Internal Image",
    "docker commit turns a container's current state, backdoors and secrets included, into \
     an image that can be pushed or run elsewhere.",
    "Check the new image (docker history, docker diff of the container); delete it if it was \
     not expected, and make sure it was not pushed.",
    0,
);
pub const EXPORT: AlertMeta = AlertMeta::new(
    "SW-ACT-XFER-004",
    M,
    "Container filesystem exported",
    "T1005",
    "Data from Local System",
    "docker export streams the whole root filesystem of the container, every file and secret \
     in it, to the caller.",
    "Confirm who exported it and where the tarball went; rotate the container's secrets if \
     the export was not expected.",
    0,
);
pub const CHECKPOINT: AlertMeta = AlertMeta::new(
    "SW-ACT-XFER-005",
    M,
    "Container memory checkpointed",
    "T1005",
    "Data from Local System",
    "A CRIU checkpoint dumps the processes' memory to disk: keys, tokens and decrypted data \
     the application holds.",
    "Confirm who made it; remove the checkpoint files and rotate in-memory secrets if it was \
     not expected.",
    0,
);

/// The transfer rules.
pub fn metas() -> Vec<AlertMeta> {
    vec![COPY_IN, COPY_OUT, COMMIT, EXPORT, CHECKPOINT]
}

/// An alert for a container transfer event, if the action is one.
pub fn alert(
    ev: &DockerEvent,
    container: Option<&ContainerFacts>,
    cref: ContainerRef,
    time: DateTime<Utc>,
) -> Option<Alert> {
    let privileged = container.is_some_and(|c| c.privileged);
    let alert = match ev.action.as_str() {
        "extract-to-dir" => {
            let a = COPY_IN.alert(
                time,
                Some(cref),
                if privileged {
                    "docker cp into a privileged container (PUT /containers/{id}/archive)"
                } else {
                    "docker cp into the container (PUT /containers/{id}/archive)"
                },
            );
            if privileged { a.with_severity(H) } else { a }
        }
        "archive-path" | "copy" => COPY_OUT.alert(
            time,
            Some(cref),
            "docker cp out of the container (GET /containers/{id}/archive)",
        ),
        "commit" => {
            let image = ev
                .attr("imageRef")
                .filter(|s| !s.is_empty())
                .or(ev.attr("imageID"))
                .unwrap_or("a new image");
            let mut detail = format!("committed to {image}");
            if let Some(comment) = ev.attr("comment").filter(|s| !s.is_empty()) {
                detail.push_str(&format!(" ({comment})"));
            }
            COMMIT.alert(time, Some(cref), detail)
        }
        "export" => EXPORT.alert(
            time,
            Some(cref),
            "whole root filesystem exported (GET /containers/{id}/export)",
        ),
        "checkpoint" => CHECKPOINT.alert(time, Some(cref), "memory checkpoint created (CRIU)"),
        _ => return None,
    };
    Some(alert)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::test_support::event;
    use crate::model::EventKind;
    use crate::risk::rules::test_support;

    #[test]
    fn transfers_are_alerts() {
        let plain = test_support::container("{}");
        let privileged = test_support::container(r#"{"HostConfig": {"Privileged": true}}"#);
        type Case<'a> = (&'a str, &'a ContainerFacts, Option<(&'a str, Severity)>);
        let cases: &[Case] = &[
            ("extract-to-dir", &plain, Some(("SW-ACT-XFER-001", M))),
            ("extract-to-dir", &privileged, Some(("SW-ACT-XFER-001", H))),
            ("archive-path", &plain, Some(("SW-ACT-XFER-002", M))),
            ("commit", &plain, Some(("SW-ACT-XFER-003", M))),
            ("export", &plain, Some(("SW-ACT-XFER-004", M))),
            ("checkpoint", &plain, Some(("SW-ACT-XFER-005", M))),
            ("start", &plain, None),
            ("top", &plain, None),
        ];
        for (action, c, want) in cases {
            let ev = event(EventKind::Container, action, "c1", &[("name", "web")]);
            let cref = ContainerRef {
                id: "c1".into(),
                name: "web".into(),
            };
            let got = alert(&ev, Some(c), cref, DateTime::UNIX_EPOCH);
            assert_eq!(
                got.as_ref().map(|a| (a.rule.as_str(), a.severity)),
                *want,
                "{action}"
            );
        }
    }

    #[test]
    fn commit_names_the_image() {
        let ev = event(
            EventKind::Container,
            "commit",
            "c1",
            &[("imageRef", "evil/backdoor:1"), ("comment", "snap")],
        );
        let cref = ContainerRef {
            id: "c1".into(),
            name: "web".into(),
        };
        let a = alert(&ev, None, cref, DateTime::UNIX_EPOCH).expect("alert");
        assert_eq!(a.detail, "committed to evil/backdoor:1 (snap)");
    }
}
