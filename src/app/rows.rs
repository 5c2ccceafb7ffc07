//! The fleet view's rows: which containers match the filter, in which order.

use super::state::{AppState, ContainerView, RowKey, SortKey};
use crate::model::ContainerState;
use std::cmp::Ordering;

/// Does a container match the filter text? Case-insensitive substring of the name, the
/// image, a label key or `key=value`, or a finding id.
pub fn matches_filter(c: &ContainerView, filter: &str) -> bool {
    let needle = filter.trim().to_lowercase();
    if needle.is_empty() {
        return true;
    }
    let has = |s: &str| s.to_lowercase().contains(&needle);
    has(&c.facts.name)
        || has(&c.facts.image)
        || c.facts
            .labels
            .iter()
            .any(|(k, v)| has(k) || has(&format!("{k}={v}")))
        || c.findings.iter().any(|f| has(&f.id))
}

fn state_rank(s: ContainerState) -> u8 {
    match s {
        ContainerState::Running => 0,
        ContainerState::Restarting => 1,
        ContainerState::Paused => 2,
        ContainerState::Created => 3,
        ContainerState::Exited => 4,
        ContainerState::Dead | ContainerState::Removing => 5,
        ContainerState::Unknown => 6,
    }
}

/// A row to sort: the score shown for it (configuration + activity), its activity points,
/// its alerts in the feed and the container.
type Ranked<'a> = (u8, u8, usize, &'a ContainerView);

fn compare(
    (a_score, a_activity, a_alerts, a): Ranked<'_>,
    (b_score, b_activity, b_alerts, b): Ranked<'_>,
    key: SortKey,
) -> Ordering {
    let by_name = || a.facts.name.cmp(&b.facts.name);
    match key {
        // Most alerts first, then the worst score.
        SortKey::Alerts => b_alerts
            .cmp(&a_alerts)
            .then(b_score.cmp(&a_score))
            .then_with(by_name),
        // Worst first, activity included; on a tie, running before stopped (a live
        // container is the nearer danger), then the more active one, then by name.
        SortKey::Score => b_score
            .cmp(&a_score)
            .then_with(|| state_rank(a.facts.state).cmp(&state_rank(b.facts.state)))
            .then_with(|| b_activity.cmp(&a_activity))
            .then_with(by_name),
        SortKey::Name => by_name(),
        SortKey::Image => a.facts.image.cmp(&b.facts.image).then_with(by_name),
        SortKey::State => state_rank(a.facts.state)
            .cmp(&state_rank(b.facts.state))
            .then_with(by_name),
        // Longest running first; never-started last.
        SortKey::Uptime => {
            let started = |c: &ContainerView| {
                c.facts
                    .started_at
                    .as_deref()
                    .filter(|_| c.facts.state.is_live())
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            };
            match (started(a), started(b)) {
                (Some(x), Some(y)) => x.cmp(&y).then_with(by_name),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => by_name(),
            }
        }
    }
}

/// Recompute `rows`, keeping the selection on the same container when it is still shown.
pub fn rebuild(state: &mut AppState) {
    let keep = state.rows.get(state.selected).cloned();
    let mut rows: Vec<Ranked<'_>> = state
        .containers
        .values()
        .filter(|c| matches_filter(c, &state.filter))
        .filter(|c| !state.running_only || c.facts.state == ContainerState::Running)
        .filter(|c| state.host_only.is_none_or(|h| h == c.host))
        .map(|c| {
            let key = RowKey {
                host: c.host,
                id: c.facts.id.clone(),
            };
            (
                state.shown_score(c).value,
                state.activity_points(&key),
                state.alert_count(&key),
                c,
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        let o = compare(*a, *b, state.sort);
        if state.sort_reverse { o.reverse() } else { o }
    });
    state.rows = rows
        .into_iter()
        .map(|(_, _, _, c)| RowKey {
            host: c.host,
            id: c.facts.id.clone(),
        })
        .collect();
    state.selected = keep
        .and_then(|k| state.rows.iter().position(|r| *r == k))
        .unwrap_or_else(|| state.selected.min(state.rows.len().saturating_sub(1)));
}
