//! Helpers for the activity rules' tests.

use crate::model::{DockerEvent, EventKind};

/// An event at time 0 + `secs`.
pub fn event_at(
    kind: EventKind,
    action: &str,
    actor: &str,
    attrs: &[(&str, &str)],
    secs: i64,
) -> DockerEvent {
    let (action, payload) = match action.split_once(": ") {
        Some((a, p)) => (a.to_string(), Some(p.to_string())),
        None => (action.to_string(), None),
    };
    DockerEvent {
        kind,
        action,
        payload,
        actor_id: actor.to_string(),
        attributes: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        time_nano: secs * 1_000_000_000,
    }
}

/// An event at time 0. `action` may carry a payload (`health_status: unhealthy`).
pub fn event(kind: EventKind, action: &str, actor: &str, attrs: &[(&str, &str)]) -> DockerEvent {
    event_at(kind, action, actor, attrs, 0)
}
