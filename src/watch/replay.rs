//! Did the daemon's event history reach back to where the stream was lost? dockerd keeps
//! only its last [`DAEMON_EVENT_HISTORY`] events (of every type) for `/events?since=`: after
//! a busy outage, what happened before the oldest of them (execs, containers created and
//! removed in the gap) is gone for good, for any client. Seawall cannot bring it back; it
//! says so, and which span it cannot replay.
//!
//! At a reconnect after an outage, before the replay is asked for, the watch task reads the
//! daemon's whole history from the resume point with one unfiltered request
//! ([`crate::docker::DockerApi::event_history`], counted, never kept). The daemon answers
//! from its newest event back to the first one older than `since`: a full history (256
//! events) that all come after the resume point means the daemon dropped what came before
//! them. Fewer events mean the history still holds the resume point (or never dropped
//! anything): the replay covers the gap. The history is read before the replay starts and
//! only moves forward, so a span it names is never one the replay brings.

use crate::docker::EventHistory;
pub use crate::docker::port::DAEMON_EVENT_HISTORY;

/// The part of the gap no replay covers: from the resume point to the oldest event the
/// daemon still had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    pub from_nano: i64,
    pub to_nano: i64,
}

/// The shortfall of a history read from `resume_nano` (the `since` of the replay), if its
/// answer filled the daemon's whole history and still began after the resume point.
pub fn shortfall(resume_nano: i64, history: &EventHistory) -> Option<Shortfall> {
    let oldest = history.oldest_nano?;
    (history.events >= DAEMON_EVENT_HISTORY && oldest > resume_nano).then_some(Shortfall {
        from_nano: resume_nano,
        to_nano: oldest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::port::time_param_nano;

    const S: i64 = 1_000_000_000;

    fn history(events: usize, oldest: i64) -> EventHistory {
        EventHistory {
            events,
            oldest_nano: Some(oldest),
        }
    }

    #[test]
    fn a_full_history_that_starts_after_the_resume_point_is_a_shortfall() {
        assert_eq!(
            shortfall(100 * S, &history(256, 150 * S)),
            Some(Shortfall {
                from_nano: 100 * S,
                to_nano: 150 * S
            })
        );
    }

    #[test]
    fn a_history_that_reaches_back_or_is_not_full_covers_the_gap() {
        // The event at the resume point is still there.
        assert_eq!(shortfall(100 * S, &history(256, 100 * S)), None);
        // Fewer events than the daemon keeps: nothing was dropped after the resume point.
        assert_eq!(shortfall(100 * S, &history(255, 150 * S)), None);
        // No event at all since the resume point.
        assert_eq!(shortfall(100 * S, &EventHistory::default()), None);
    }

    #[test]
    fn time_parameters_are_read_like_the_daemon() {
        assert_eq!(time_param_nano("100"), Some(100 * S));
        assert_eq!(time_param_nano("100.5"), Some(100 * S + 500_000_000));
        assert_eq!(
            time_param_nano(&crate::watch::dedup::since_param(1_764_363_000_000_000_123)),
            Some(1_764_363_000_000_000_123)
        );
        assert_eq!(time_param_nano("soon"), None);
        assert_eq!(time_param_nano("1.0000000001"), None);
        assert_eq!(time_param_nano("-1"), None);
    }
}
