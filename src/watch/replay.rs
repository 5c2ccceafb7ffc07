//! Did a reconnect's replay reach back to where the stream was lost? dockerd keeps only its
//! last [`DAEMON_EVENT_HISTORY`] events for `/events?since=`: after a busy outage the replay
//! starts later than asked, and what happened before its first event (execs, containers
//! created and removed in the gap) is gone for good. Seawall cannot bring it back; it says so.
//!
//! The history is shared by every event type while seawall's stream asks for six types
//! (container, image, network, volume, daemon, plugin: nearly all a daemon emits), so the
//! check fires when the replay brings the whole history of those types; a history crowded by
//! other types (swarm services, secrets) can hide a shortfall from it. It never fires
//! wrongly: 256 replayed events that all come after the resume point mean the daemon dropped
//! what came before them.

/// How many past events dockerd keeps for a replay (moby's events log; `docker events
/// --since 60m --until now` on a busy daemon returns exactly this many).
pub const DAEMON_EVENT_HISTORY: usize = 256;

/// Watches the first events of a stream opened with `since`.
#[derive(Debug, Clone)]
pub struct ReplayCheck {
    since_nano: i64,
    /// When the stream was opened (wall clock): events up to it are the replay.
    opened_nano: i64,
    replayed: usize,
    first_nano: Option<i64>,
    done: bool,
}

/// The part of the gap the replay did not cover: from the resume point to its first event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    pub from_nano: i64,
    pub to_nano: i64,
}

impl ReplayCheck {
    /// For a stream opened at `opened_nano` with the `since` parameter seawall sent
    /// (`secs` or `secs.nanos`); `None` when `since` is not such a time.
    pub fn new(since: &str, opened_nano: i64) -> Option<ReplayCheck> {
        let (secs, nanos) = since.split_once('.').unwrap_or((since, "0"));
        let secs: i64 = secs.parse().ok()?;
        let nanos: i64 = format!("{nanos:0<9}").get(..9)?.parse().ok()?;
        Some(ReplayCheck {
            since_nano: secs.checked_mul(1_000_000_000)?.checked_add(nanos)?,
            opened_nano,
            replayed: 0,
            first_nano: None,
            done: false,
        })
    }

    /// Count one event (in arrival order). Once: the shortfall, when the replay filled the
    /// daemon's whole history and still began after the resume point.
    pub fn observe(&mut self, time_nano: i64) -> Option<Shortfall> {
        if self.done {
            return None;
        }
        if time_nano > self.opened_nano {
            // Live events: the replay ended before the daemon's history was full.
            self.done = true;
            return None;
        }
        self.replayed += 1;
        let first = *self.first_nano.get_or_insert(time_nano);
        if self.replayed < DAEMON_EVENT_HISTORY {
            return None;
        }
        self.done = true;
        (first > self.since_nano).then_some(Shortfall {
            from_nano: self.since_nano,
            to_nano: first,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    #[test]
    fn a_full_history_that_starts_after_the_resume_point_is_a_shortfall() {
        let mut c = ReplayCheck::new("100.000000000", 200 * S).unwrap();
        let mut found = Vec::new();
        for i in 0..300 {
            found.extend(c.observe(150 * S + i));
        }
        assert_eq!(
            found,
            [Shortfall {
                from_nano: 100 * S,
                to_nano: 150 * S
            }]
        );
    }

    #[test]
    fn a_replay_that_reaches_back_or_ends_early_is_fine() {
        // Reaches back to the resume point: nothing was dropped before it.
        let mut c = ReplayCheck::new("100", 200 * S).unwrap();
        assert!((0..300).all(|i| c.observe(100 * S + i).is_none()));
        // Fewer events than the history holds, then live ones.
        let mut c = ReplayCheck::new("100.5", 200 * S).unwrap();
        assert!((0..255).all(|i| c.observe(150 * S + i).is_none()));
        assert_eq!(c.observe(201 * S), None);
        assert_eq!(c.observe(150 * S), None, "decided once");
        assert!(ReplayCheck::new("soon", 0).is_none());
    }
}
