//! Feed notices about the event stream itself: lost, and back. They travel as ordinary
//! [`Alert`]s (severity info, no container) so the feed and `seawall watch` show the gap
//! where it happened.

use crate::activity::Alert;
use crate::risk::Severity;
use chrono::{DateTime, Utc};

/// Rule id of the "event stream lost" notice.
pub const LINK_LOST: &str = "SW-ACT-LINK-001";
/// Rule id of the "reconnected" notice.
pub const LINK_BACK: &str = "SW-ACT-LINK-002";
/// Rule id of the "the replay did not cover the gap" notice.
pub const GAP_UNCOVERED: &str = "SW-ACT-LINK-003";

fn notice(time: DateTime<Utc>, rule: &str, title: String, detail: String) -> Alert {
    Alert {
        time,
        container: None,
        rule: rule.to_string(),
        severity: Severity::Info,
        title,
        detail,
        technique: String::new(),
        score_bump: 0,
    }
}

/// The stream broke; `reason` says how (one line).
pub fn link_lost(time: DateTime<Utc>, reason: &str) -> Alert {
    notice(
        time,
        LINK_LOST,
        "event stream lost".to_string(),
        format!("{reason}; reconnecting with backoff"),
    )
}

/// The stream is back after a loss and the inventory was read again.
pub fn reconnected(time: DateTime<Utc>, containers: usize, down_for_secs: u64) -> Alert {
    let noun = if containers == 1 {
        "container"
    } else {
        "containers"
    };
    notice(
        time,
        LINK_BACK,
        format!("reconnected: re-read {containers} {noun}; events in the gap may be missed"),
        format!(
            "the event stream was down for {down_for_secs} s; the daemon replays only its \
             last 256 events, so activity in the gap may not be reported"
        ),
    )
}

/// The daemon's replay after a reconnect began at `to` although seawall asked from `from`:
/// its event history was full, and what happened in between is lost. A blind spot, not a
/// notice: severity medium.
pub fn gap_uncovered(time: DateTime<Utc>, from_nano: i64, to_nano: i64) -> Alert {
    let at = |nano: i64| {
        DateTime::from_timestamp_nanos(nano)
            .format("%H:%M:%S UTC")
            .to_string()
    };
    let secs = (to_nano - from_nano).max(0) / 1_000_000_000;
    let mut alert = notice(
        time,
        GAP_UNCOVERED,
        format!("events lost in the gap: {secs} s of activity the daemon no longer has"),
        format!(
            "the daemon replays only its last {} events and they began at {} (seawall asked \
             from {}): execs and containers created and removed in between are not reported; \
             containers that still exist were read again",
            super::replay::DAEMON_EVENT_HISTORY,
            at(to_nano),
            at(from_nano)
        ),
    );
    alert.severity = Severity::Medium;
    alert
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_say_what_happened() {
        let t = Utc::now();
        let lost = link_lost(t, "the event stream ended (daemon restarted?)");
        assert_eq!(lost.rule, "SW-ACT-LINK-001");
        assert_eq!(lost.severity, Severity::Info);
        assert_eq!(lost.title, "event stream lost");
        assert_eq!(
            lost.detail,
            "the event stream ended (daemon restarted?); reconnecting with backoff"
        );
        assert!(lost.container.is_none());

        let back = reconnected(t, 12, 7);
        assert_eq!(back.rule, "SW-ACT-LINK-002");
        assert_eq!(
            back.title,
            "reconnected: re-read 12 containers; events in the gap may be missed"
        );
        assert!(back.detail.contains("down for 7 s"), "{}", back.detail);
        assert_eq!(
            reconnected(t, 1, 0).title,
            "reconnected: re-read 1 container; events in the gap may be missed"
        );
    }
}
