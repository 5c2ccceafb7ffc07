//! The live part of a container's score: activity points that fade with time.
//!
//! Each alert carries `score_bump` points (`Alert::score_bump`). A container's points work
//! like a leaky bucket: a bump is poured in (the bucket holds at most [`ACTIVITY_CAP`]
//! points, so behaviour can push a container up but never substitutes for its
//! configuration) and the content halves every [`HALF_LIFE_HOURS`] hours
//! (`/work/shared/reference/scoring.md`, section 3.8).
//!
//! The console shows `min(100, config + activity)` ([`with_activity`]) and keeps both parts
//! visible (`42+10`). Pure: the clock is always passed in.

use chrono::{DateTime, Utc};

/// Hours for the activity points to halve.
pub const HALF_LIFE_HOURS: i64 = 24;
/// Activity points never exceed this.
pub const ACTIVITY_CAP: u8 = 30;

const HALF_LIFE_SECS: f64 = (HALF_LIFE_HOURS * 3600) as f64;

/// What is left of one point after the time from `from` to `to` (1 when `to` is not later).
pub fn decay_factor(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    let secs = (to - from).num_milliseconds().max(0) as f64 / 1000.0;
    0.5f64.powf(secs / HALF_LIFE_SECS)
}

/// One container's decaying activity: O(1) memory and O(1) per alert.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ActivityLevel {
    /// Points at `at` (at most the cap).
    level: f64,
    at: Option<DateTime<Utc>>,
}

impl ActivityLevel {
    /// Pour in `bump` points seen at `time`. An alert older than the last one is decayed
    /// to the bucket's time before it is added.
    pub fn add(&mut self, time: DateTime<Utc>, bump: u8) {
        if bump == 0 {
            return;
        }
        let cap = f64::from(ACTIVITY_CAP);
        let bump = f64::from(bump);
        match self.at {
            None => {
                self.level = bump.min(cap);
                self.at = Some(time);
            }
            Some(at) if time >= at => {
                self.level = (self.level * decay_factor(at, time) + bump).min(cap);
                self.at = Some(time);
            }
            Some(at) => {
                self.level = (self.level + bump * decay_factor(time, at)).min(cap);
            }
        }
    }

    /// Whole points at `now` (0..=30).
    pub fn points(&self, now: DateTime<Utc>) -> u8 {
        match self.at {
            None => 0,
            Some(at) => {
                let p = (self.level * decay_factor(at, now)).round();
                p.clamp(0.0, f64::from(ACTIVITY_CAP)) as u8
            }
        }
    }
}

/// Activity points at `now` from `(time, bump)` pairs (in any order): the bumps are poured
/// into an [`ActivityLevel`] oldest first.
pub fn activity_points(
    bumps: impl IntoIterator<Item = (DateTime<Utc>, u8)>,
    now: DateTime<Utc>,
) -> u8 {
    let mut bumps: Vec<(DateTime<Utc>, u8)> = bumps.into_iter().collect();
    bumps.sort_by_key(|b| b.0);
    let mut level = ActivityLevel::default();
    for (time, bump) in bumps {
        level.add(time, bump);
    }
    level.points(now)
}

/// The score the console shows: the configuration score plus the activity points, at most
/// 100.
pub fn with_activity(config: u8, activity: u8) -> u8 {
    config.saturating_add(activity).min(100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_bump_halves_every_day() {
        let at = t0();
        assert_eq!(activity_points([(at, 10)], at), 10);
        assert_eq!(activity_points([(at, 10)], at + Duration::hours(24)), 5);
        assert_eq!(activity_points([(at, 20)], at + Duration::hours(48)), 5);
        assert_eq!(activity_points([(at, 10)], at + Duration::days(10)), 0);
        // A clock behind the alert does not grow it.
        assert_eq!(activity_points([(at, 10)], at - Duration::hours(5)), 10);
        assert_eq!(activity_points([], at), 0);
    }

    #[test]
    fn bumps_add_up_to_the_cap_and_then_decay_from_it() {
        let at = t0();
        let many = (0..10).map(|i| (at + Duration::minutes(i), 25));
        assert_eq!(
            activity_points(many.clone(), at + Duration::minutes(10)),
            30
        );
        // The bucket holds 30, so one day later 15 are left (not 125 halved).
        assert_eq!(
            activity_points(many, at + Duration::minutes(9) + Duration::hours(24)),
            15
        );
        // Two shells a day apart: 10 halved plus 10.
        assert_eq!(
            activity_points(
                [(at, 10), (at + Duration::hours(24), 10)],
                at + Duration::hours(24)
            ),
            15
        );
    }

    #[test]
    fn order_of_arrival_does_not_matter_below_the_cap() {
        let at = t0();
        let mut level = ActivityLevel::default();
        level.add(at + Duration::hours(24), 10);
        level.add(at, 10);
        let now = at + Duration::hours(24);
        assert_eq!(level.points(now), 15);
        assert_eq!(
            activity_points([(at + Duration::hours(24), 10), (at, 10)], now),
            15
        );
        level.add(now, 0);
        assert_eq!(level.points(now), 15);
    }

    #[test]
    fn shown_score_is_capped_at_100() {
        assert_eq!(with_activity(42, 10), 52);
        assert_eq!(with_activity(90, 30), 100);
        assert_eq!(with_activity(0, 0), 0);
    }
}
