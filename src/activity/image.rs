//! Image events: pulls, tags, deletions, loads and imports without registry provenance,
//! saves and pushes (E6, E12).

use super::Alert;
use super::meta::AlertMeta;
use crate::model::DockerEvent;
use crate::risk::Severity;
use chrono::{DateTime, Utc};

use Severity::{Info as I, Low as L, Medium as M};

pub const PULL: AlertMeta = AlertMeta::new(
    "SW-ACT-IMG-001",
    I,
    "Image pulled",
    "T1204.003",
    "Malicious Image",
    "Every pulled image is code that may run on this host; the registry it came from is its \
     provenance.",
    "Check that the registry and repository are ones you trust.",
    0,
);
pub const TAG: AlertMeta = AlertMeta::new(
    "SW-ACT-IMG-002",
    L,
    "Image tagged",
    "T1036",
    "Masquerading",
    "Tagging a local image with a trusted name (nginx:latest) makes the next docker run of \
     that name start the attacker's image instead.",
    "Check that the image id behind the tag is the one the registry serves (docker images \
     --digests).",
    0,
);
pub const REMOVE: AlertMeta = AlertMeta::new(
    "SW-ACT-IMG-003",
    I,
    "Image deleted or untagged",
    "T1070",
    "Indicator Removal",
    "Removing an image can erase the evidence of what a container ran.",
    "Nothing unless unexpected; keep images of containers under investigation.",
    0,
);
pub const NO_PROVENANCE: AlertMeta = AlertMeta::new(
    "SW-ACT-IMG-004",
    L,
    "Image loaded without registry provenance",
    "T1204.003",
    "Malicious Image",
    "docker load and docker import take an image from a tarball: no registry, no signature, \
     no scan. A way to bring in an image no policy has seen.",
    "Find where the tarball came from; scan the image before any container runs it.",
    0,
);
pub const SAVE: AlertMeta = AlertMeta::new(
    "SW-ACT-IMG-005",
    M,
    "Image saved to a tarball",
    "T1005",
    "Data from Local System",
    "docker save writes an image, layers and baked-in secrets included, to a file that can \
     leave the host.",
    "Confirm who saved it and where the file went.",
    0,
);
pub const PUSH: AlertMeta = AlertMeta::new(
    "SW-ACT-IMG-006",
    M,
    "Image pushed",
    "T1567",
    "Exfiltration Over Web Service",
    "Pushing sends an image to a registry; after a commit it carries a container's data and \
     secrets off the host.",
    "Check the destination registry and whether the image was committed from a container.",
    0,
);

/// The image rules.
pub fn metas() -> Vec<AlertMeta> {
    vec![PULL, TAG, REMOVE, NO_PROVENANCE, SAVE, PUSH]
}

/// The registry host of an image reference (`docker.io` when none is given).
pub fn registry_of(reference: &str) -> &str {
    match reference.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            first
        }
        _ => "docker.io",
    }
}

/// An alert for an image event, if the action is one (`create` and `prune` are not).
pub fn alert(ev: &DockerEvent, time: DateTime<Utc>) -> Option<Alert> {
    let name = ev
        .attr("name")
        .filter(|s| !s.is_empty())
        .unwrap_or(&ev.actor_id);
    let a = match ev.action.as_str() {
        "pull" => PULL.alert(
            time,
            None,
            format!("pulled {name} (registry {})", registry_of(name)),
        ),
        "tag" => TAG.alert(time, None, format!("tagged {name} ({})", ev.actor_id)),
        "untag" => REMOVE.alert(time, None, format!("untagged {name}")),
        "delete" => REMOVE.alert(time, None, format!("deleted {name}")),
        "load" => NO_PROVENANCE.alert(time, None, format!("docker load of {name}")),
        "import" => NO_PROVENANCE.alert(time, None, format!("docker import of {name}")),
        "save" => SAVE.alert(time, None, format!("docker save of {name}")),
        "push" => PUSH.alert(
            time,
            None,
            format!("pushed {name} (registry {})", registry_of(name)),
        ),
        _ => return None,
    };
    Some(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::test_support::event;
    use crate::model::EventKind;

    #[test]
    fn image_events_are_graded() {
        let cases = [
            ("pull", Some(("SW-ACT-IMG-001", I))),
            ("tag", Some(("SW-ACT-IMG-002", L))),
            ("untag", Some(("SW-ACT-IMG-003", I))),
            ("delete", Some(("SW-ACT-IMG-003", I))),
            ("load", Some(("SW-ACT-IMG-004", L))),
            ("import", Some(("SW-ACT-IMG-004", L))),
            ("save", Some(("SW-ACT-IMG-005", M))),
            ("push", Some(("SW-ACT-IMG-006", M))),
            ("create", None),
            ("prune", None),
        ];
        for (action, want) in cases {
            let ev = event(
                EventKind::Image,
                action,
                "sha256:ab",
                &[("name", "nginx:latest")],
            );
            let got = alert(&ev, DateTime::UNIX_EPOCH);
            assert_eq!(
                got.as_ref().map(|a| (a.rule.as_str(), a.severity)),
                want,
                "{action}"
            );
            assert!(got.is_none_or(|a| a.container.is_none()));
        }
    }

    #[test]
    fn pulls_name_the_registry() {
        for (reference, registry) in [
            ("nginx:latest", "docker.io"),
            ("library/nginx", "docker.io"),
            ("ghcr.io/a/b:1", "ghcr.io"),
            ("localhost:5000/x", "localhost:5000"),
            ("localhost/x", "localhost"),
        ] {
            assert_eq!(registry_of(reference), registry, "{reference}");
        }
        let ev = event(
            EventKind::Image,
            "pull",
            "evil.io/x:1",
            &[("name", "evil.io/x:1")],
        );
        assert_eq!(
            alert(&ev, DateTime::UNIX_EPOCH).map(|a| a.detail),
            Some("pulled evil.io/x:1 (registry evil.io)".into())
        );
    }
}
