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

/// After a reconnect, the daemon's event history began at `to_nano` although seawall
/// resumes from `from_nano`: it was full and dropped what came in between. No replay can
/// bring that span back. A blind spot, not a notice: severity medium.
pub fn gap_uncovered(time: DateTime<Utc>, from_nano: i64, to_nano: i64) -> Alert {
    let at = |nano: i64, format: &str| {
        DateTime::from_timestamp_nanos(nano)
            .format(format)
            .to_string()
    };
    let secs = (to_nano - from_nano).max(0) as f64 / 1e9;
    // Tenths for a short span ("0.4 s", not "0 s").
    let span = if secs < 10.0 {
        format!("{secs:.1} s")
    } else {
        format!("{secs:.0} s")
    };
    let mut alert = notice(
        time,
        GAP_UNCOVERED,
        format!(
            "alerts from {} to {} UTC ({span}) may be missing: the daemon no longer has \
             those events",
            at(from_nano, "%H:%M:%S"),
            at(to_nano, "%H:%M:%S"),
        ),
        format!(
            "the daemon keeps only its last {} events; after the reconnect the oldest it still \
             had was from {}, after the point seawall resumed from ({}): execs, and \
             containers created and removed, in that span cannot be replayed and are not \
             reported. Every container that exists now was read again and is shown.",
            super::replay::DAEMON_EVENT_HISTORY,
            at(to_nano, "%Y-%m-%d %H:%M:%S%.3f UTC"),
            at(from_nano, "%Y-%m-%d %H:%M:%S%.3f UTC"),
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

    #[test]
    fn the_gap_notice_names_the_span() {
        let from = 1_764_363_000_123_000_000; // 2025-11-28 20:50:00.123 UTC
        let to = from + 17_400_000_000;
        let gap = gap_uncovered(Utc::now(), from, to);
        assert_eq!(gap.rule, "SW-ACT-LINK-003");
        assert_eq!(gap.severity, Severity::Medium);
        assert!(gap.container.is_none());
        assert_eq!(
            gap.title,
            "alerts from 20:50:00 to 20:50:17 UTC (17 s) may be missing: the daemon no longer \
             has those events"
        );
        assert!(
            gap_uncovered(Utc::now(), from, from + 400_000_000)
                .title
                .contains("(0.4 s)")
        );
        assert_eq!(
            gap.detail,
            "the daemon keeps only its last 256 events; after the reconnect the oldest it still \
             had was from 2025-11-28 20:50:17.523 UTC, after the point seawall resumed from \
             (2025-11-28 20:50:00.123 UTC): execs, and containers created and removed, in that \
             span cannot be replayed and are not reported. Every container that exists now \
             was read again and is shown."
        );
    }
}
