//! Which running container's filesystem changes (or processes) to read next: by need, not
//! in a fixed round.
//!
//! Every running container has a class, from what seawall knows of it:
//!
//! | class   | when                                                       | read every   | goes |
//! |---------|------------------------------------------------------------|--------------|------|
//! | started | seen starting (an event) in the last minute                | base / 4 (≥ 1 s) | 1st |
//! | started | found in a list, started (`StartedAt`) less than a minute ago | base / 4 (≥ 1 s) | 2nd |
//! | touched | exec'd into or copied into in the last minute              | base / 4 (≥ 1 s) | 3rd |
//! | risky   | score 50 or more (high or critical band)                   | base         | by stride |
//! | normal  | anything else that is not quiet                            | base × 3     | by stride |
//! | quiet   | low score (under 20) and no activity for ten minutes       | base × 30    | by stride |
//!
//! `base` is the configured interval (`[watch] drift_secs` / `processes_secs`). Reads are
//! spent one at a time at the pace of the poll budget (see [`super::poll::gaps`]: drift and
//! processes each have their own slots): at each slot the scheduler picks a container that
//! is due, in the order of the last column. Within each of the three hot rows containers
//! take turns: the one whose turn came first goes (its last read, or when its hot spell
//! began if it was not read in it, see `turn`). So a container seen starting is read at
//! the next slot even when 60 others found young at start-up, or touched by execs every
//! second, are waiting; and a stream of new containers (a host that starts one every 2 s)
//! queues behind it instead of pushing it back: it is read again each time it is due. Among
//! the others it is stride scheduling (each read moves a container's pass on by its class
//! interval, the smallest pass goes next), so when the budget cannot keep up with every
//! interval — a large host — each class still gets reads in proportion to how often it
//! asks, and nobody starves. On a host with 500 containers a new container is read within
//! seconds of its start while quiet ones wait minutes. Execs and copies also get follow-up
//! reads outside the budget (see [`super::poll::follow_up`]): copies always, execs within
//! an allowance of a third of the budget ([`super::poll::follow_ups_per_minute`]), since a
//! busy host execs into its containers every second.

use super::poll::PollKind;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::time::Duration;
use tokio::time::Instant;

/// How long a start, an exec session or a `docker cp` keeps a container hot.
pub const HOT_WINDOW: Duration = Duration::from_secs(60);
/// A low-risk container with no activity for this long is quiet.
pub const QUIET_AFTER: Duration = Duration::from_secs(600);
/// Scores from here on are risky (the high band).
pub const RISKY_SCORE: u8 = 50;
/// Scores under this are low-risk (the low band).
pub const LOW_SCORE: u8 = 20;

/// How urgently a container is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Quiet,
    Normal,
    Risky,
    /// Exec'd or copied into in the last minute.
    Touched,
    /// Started in the last minute.
    Started,
}

impl Class {
    /// The interval between two reads of this class for a configured interval `base`.
    pub fn interval(self, base: Duration) -> Duration {
        match self {
            Class::Started | Class::Touched => (base / 4).max(Duration::from_secs(1)).min(base),
            Class::Risky => base,
            Class::Normal => base * 3,
            Class::Quiet => base * 30,
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    score: u8,
    started_until: Option<Instant>,
    touched_until: Option<Instant>,
    /// When its current started (touched) spell began: a hot container never read in it
    /// queues from there, so one that started later does not go before it.
    started_since: Instant,
    touched_since: Instant,
    /// seawall saw it start (an event), rather than finding it young in a list: it goes
    /// before the ones found young.
    seen_starting: bool,
    last_activity: Instant,
    /// Per kind: when it was last read (`None`: never, so it is due now).
    last_read: [Option<Instant>; 2],
    /// Per kind: the stride pass.
    pass: [f64; 2],
}

fn slot(kind: PollKind) -> usize {
    match kind {
        PollKind::Changes => 0,
        PollKind::Processes => 1,
    }
}

/// The poll schedule of one daemon.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Configured interval per kind (zero: that poll is off).
    base: [Duration; 2],
    entries: HashMap<String, Entry>,
    /// Per kind: the pass of the last container read (new ones start there).
    vtime: [f64; 2],
}

impl Schedule {
    pub fn new(drift: Duration, processes: Duration) -> Self {
        Schedule {
            base: [drift, processes],
            entries: HashMap::new(),
            vtime: [0.0; 2],
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.entries.contains_key(id)
    }

    /// A running container as last inspected: added if new, its score updated. Started
    /// less than [`HOT_WINDOW`] ago (by the daemon's `StartedAt`): hot for the rest of it.
    pub fn running(
        &mut self,
        id: &str,
        score: u8,
        started_at: Option<&str>,
        now: Instant,
        wall: DateTime<Utc>,
    ) {
        let vtime = self.vtime;
        let entry = self.entries.entry(id.to_string()).or_insert_with(|| Entry {
            score,
            started_until: None,
            touched_until: None,
            started_since: now,
            touched_since: now,
            seen_starting: false,
            last_activity: now,
            last_read: [None; 2],
            pass: vtime,
        });
        entry.score = score;
        let started = started_at
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc));
        if let Some(started) = started
            && let Ok(age) = (wall - started).to_std()
            && let Some(left) = HOT_WINDOW.checked_sub(age)
        {
            let until = now + left;
            if entry.started_until.is_none_or(|h| h < until) {
                if entry.started_until.is_none_or(|h| h <= now) {
                    // A new spell found in a list: its start was not seen.
                    entry.started_since = now;
                    entry.seen_starting = false;
                }
                entry.started_until = Some(until);
                entry.last_activity = now;
            }
        }
    }

    /// A container is no longer running (or is gone).
    pub fn stopped(&mut self, id: &str) {
        self.entries.remove(id);
    }

    /// Keep only these running containers.
    pub fn retain(&mut self, running: &std::collections::HashSet<&str>) {
        self.entries.retain(|id, _| running.contains(id.as_str()));
    }

    /// The container was (re)started (a `start`, `restart` or `unpause` event): started
    /// for [`HOT_WINDOW`].
    pub fn started(&mut self, id: &str, now: Instant) {
        if let Some(e) = self.entries.get_mut(id) {
            if e.started_until.is_none_or(|h| h <= now) || !e.seen_starting {
                e.started_since = now;
            }
            e.started_until = Some(now + HOT_WINDOW);
            e.seen_starting = true;
            e.last_activity = now;
        }
    }

    /// Something happened inside the container (an exec session, a copy into it): touched
    /// for [`HOT_WINDOW`], so due again a hot interval after its last read.
    pub fn touched(&mut self, id: &str, now: Instant) {
        if let Some(e) = self.entries.get_mut(id) {
            if e.touched_until.is_none_or(|h| h <= now) {
                e.touched_since = now;
            }
            e.touched_until = Some(now + HOT_WINDOW);
            e.last_activity = now;
        }
    }

    /// A read found something new (drift or a process alert): not quiet.
    pub fn active(&mut self, id: &str, now: Instant) {
        if let Some(e) = self.entries.get_mut(id) {
            e.last_activity = now;
        }
    }

    /// The class of a container now (`None`: not running, as far as seawall knows).
    pub fn class(&self, id: &str, now: Instant) -> Option<Class> {
        self.entries.get(id).map(|e| class_of(e, now))
    }

    /// The container to read next for this kind, if any is due; it is counted as read now.
    pub fn next(&mut self, kind: PollKind, now: Instant) -> Option<String> {
        let k = slot(kind);
        let base = self.base[k];
        if base.is_zero() {
            return None;
        }
        // The smallest key goes: started, then touched, each in the order of their turn
        // (see `turn`); then the rest by pass; ties by id (a stable order).
        type Key<'a> = (u8, Option<Instant>, f64, &'a String);
        let mut best: Option<Key> = None;
        for (id, e) in &self.entries {
            let class = class_of(e, now);
            let due = e.last_read[k].is_none_or(|at| at + class.interval(base) <= now);
            if !due {
                continue;
            }
            let rank = match class {
                Class::Started if e.seen_starting => 0,
                Class::Started => 1,
                Class::Touched => 2,
                _ => 3,
            };
            let key = (rank, turn(e, class, k), e.pass[k], id);
            let better = best.is_none_or(|b| {
                (key.0, key.1)
                    .cmp(&(b.0, b.1))
                    .then(key.2.total_cmp(&b.2))
                    .then(key.3.cmp(b.3))
                    .is_lt()
            });
            if better {
                best = Some(key);
            }
        }
        let id = best?.3.clone();
        let e = self.entries.get_mut(&id)?;
        let class = class_of(e, now);
        // New containers and long waits start from the current pass, so nobody builds up
        // credit while it was not due.
        let start = e.pass[k].max(self.vtime[k]);
        self.vtime[k] = start;
        e.pass[k] = start + class.interval(base).as_secs_f64();
        e.last_read[k] = Some(now);
        Some(id)
    }
}

/// Where a hot container stands in the queue of its class for one kind of read: its last
/// read, or when its hot spell began if it was not read since. The earliest goes first,
/// so hot containers take turns: a new one queues behind one already waiting, and a
/// stream of new ones (a host that starts a container every 2 s) never pushes back one
/// started before them, which is read again as soon as it is due. Not hot: `None`.
fn turn(e: &Entry, class: Class, k: usize) -> Option<Instant> {
    let since = match class {
        Class::Started => e.started_since,
        Class::Touched => e.touched_since,
        _ => return None,
    };
    Some(e.last_read[k].map_or(since, |at| at.max(since)))
}

fn class_of(e: &Entry, now: Instant) -> Class {
    if e.started_until.is_some_and(|h| now < h) {
        Class::Started
    } else if e.touched_until.is_some_and(|h| now < h) {
        Class::Touched
    } else if e.score >= RISKY_SCORE {
        Class::Risky
    } else if e.score < LOW_SCORE && now.duration_since(e.last_activity) >= QUIET_AFTER {
        Class::Quiet
    } else {
        Class::Normal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN: Duration = Duration::from_secs(10);

    fn wall() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    /// Reads of `kind` over `secs` seconds with one slot every `gap`.
    fn run(s: &mut Schedule, start: Instant, secs: u64, gap: Duration) -> Vec<String> {
        let mut out = Vec::new();
        let mut t = start;
        while t < start + Duration::from_secs(secs) {
            if let Some(id) = s.next(PollKind::Changes, t) {
                out.push(id);
            }
            t += gap;
        }
        out
    }

    fn count(reads: &[String], id: &str) -> usize {
        reads.iter().filter(|r| *r == id).count()
    }

    #[test]
    fn classes_follow_start_exec_score_and_quiet() {
        let now = Instant::now();
        let mut s = Schedule::new(TEN, TEN);
        s.running("new", 0, Some("2026-01-01T11:59:50Z"), now, wall());
        s.running("old", 0, Some("2026-01-01T10:00:00Z"), now, wall());
        s.running("risky", 60, None, now, wall());
        s.running("medium", 30, None, now, wall());
        assert_eq!(s.class("new", now), Some(Class::Started));
        assert_eq!(s.class("old", now), Some(Class::Normal));
        assert_eq!(s.class("risky", now), Some(Class::Risky));
        assert_eq!(s.class("gone", now), None);
        // Started 10 s ago: hot for 50 s more.
        let later = now + Duration::from_secs(51);
        assert_eq!(s.class("new", later), Some(Class::Normal));
        // Ten quiet minutes: low-risk ones go quiet, the medium one does not.
        let quiet = now + QUIET_AFTER;
        assert_eq!(s.class("old", quiet), Some(Class::Quiet));
        assert_eq!(s.class("medium", quiet), Some(Class::Normal));
        assert_eq!(s.class("risky", quiet), Some(Class::Risky));
        // An exec makes a quiet container hot; a finding keeps it from going quiet.
        s.touched("old", quiet);
        assert_eq!(s.class("old", quiet), Some(Class::Touched));
        s.started("old", quiet);
        assert_eq!(s.class("old", quiet), Some(Class::Started));
        s.active("new", quiet);
        assert_eq!(
            s.class("new", quiet + Duration::from_secs(300)),
            Some(Class::Normal)
        );
        s.stopped("old");
        assert_eq!(s.class("old", quiet), None);
        assert_eq!(Class::Started.interval(TEN), Duration::from_millis(2500));
        assert_eq!(
            Class::Touched.interval(Duration::from_secs(1)),
            Duration::from_secs(1)
        );
        assert_eq!(Class::Quiet.interval(TEN), Duration::from_secs(300));
    }

    #[test]
    fn a_small_fleet_is_read_at_its_class_interval() {
        let now = Instant::now();
        let mut s = Schedule::new(TEN, Duration::ZERO);
        s.running("risky", 60, None, now, wall());
        s.running("normal", 0, None, now, wall());
        let reads = run(&mut s, now, 60, Duration::from_millis(100));
        // Both at once, then every 10 s and every 30 s.
        assert_eq!(count(&reads, "risky"), 6, "{reads:?}");
        assert_eq!(count(&reads, "normal"), 2, "{reads:?}");
        assert_eq!(s.next(PollKind::Processes, now), None, "processes off");
    }

    #[test]
    fn on_a_large_host_a_new_container_is_read_within_seconds() {
        let now = Instant::now();
        let mut s = Schedule::new(TEN, TEN);
        for i in 0..500 {
            s.running(
                &format!("c{i:03}"),
                0,
                Some("2026-01-01T10:00:00Z"),
                now,
                wall(),
            );
        }
        // 90 reads a minute shared by two kinds: one drift read every 1.33 s. Warm up.
        let gap = super::super::poll::min_gap(90, 2);
        let _ = run(&mut s, now, 120, gap);
        let t = now + Duration::from_secs(120);
        s.running("fresh", 0, Some("2026-01-01T12:00:00Z"), t, wall());
        let reads = run(&mut s, t, 60, gap);
        // Read at once, then every 2.5 s or the next slot after: ~20 reads in its minute.
        assert_eq!(reads[0], "fresh");
        assert!(count(&reads, "fresh") >= 18, "{}", count(&reads, "fresh"));
        // An exec into an old container: it is next.
        s.touched("c250", t + Duration::from_secs(60));
        assert_eq!(
            s.next(PollKind::Changes, t + Duration::from_secs(60)),
            Some("c250".to_string())
        );
    }

    #[test]
    fn a_start_is_not_crowded_out_by_execs_everywhere() {
        // A busy host: 60 containers, an exec into one of them every 0.5 s (all of them
        // touched, all the time); drift every second, one read every 1.33 s.
        let now = Instant::now();
        let second = Duration::from_secs(1);
        let mut s = Schedule::new(second, second);
        for i in 0..60 {
            s.running(
                &format!("busy{i:02}"),
                0,
                Some("2026-01-01T10:00:00Z"),
                now,
                wall(),
            );
        }
        let gap = super::super::poll::min_gap(90, 2);
        let mut t = now;
        let mut k = 0;
        let mut fresh_reads = Vec::new();
        while t < now + Duration::from_secs(120) {
            // Execs at twice the read rate.
            for _ in 0..3 {
                s.touched(&format!("busy{:02}", k % 60), t);
                k += 7;
            }
            if t >= now + Duration::from_secs(60) && !s.contains("fresh") {
                s.running("fresh", 0, Some("2026-01-01T12:00:00Z"), t, wall());
            }
            if s.next(PollKind::Changes, t).as_deref() == Some("fresh") {
                fresh_reads.push(t - now);
            }
            t += gap;
        }
        // Its first minute: read at the next slot, and then every 1 s interval's next slot.
        assert!(fresh_reads[0] <= Duration::from_secs(62), "{fresh_reads:?}");
        assert!(fresh_reads.len() >= 40, "{} reads", fresh_reads.len());
        // Touched ones still come before the untouched rest.
        s.running("calm", 0, Some("2026-01-01T10:00:00Z"), t, wall());
        s.touched("busy07", t);
        assert_ne!(s.next(PollKind::Changes, t).as_deref(), Some("calm"));
    }

    #[test]
    fn a_stream_of_new_containers_does_not_starve_one_started_before() {
        // Churn: a new container every 2 s, gone 1 s later; processes every second with a
        // read every 2.67 s (a quarter of 90 a minute).
        let now = Instant::now();
        let second = Duration::from_secs(1);
        let mut s = Schedule::new(Duration::ZERO, second);
        let gap = super::super::poll::gaps(90, true, true).1.unwrap();
        s.running("ours", 0, Some("2026-01-01T12:00:00Z"), now, wall());
        let mut reads = 0;
        let mut t = now;
        let mut k = 0;
        while t < now + Duration::from_secs(30) {
            let churn = format!("churn{}", k / 2);
            if k % 2 == 0 {
                s.running(&churn, 0, Some("2026-01-01T12:00:00Z"), t, wall());
            } else {
                s.stopped(&churn);
            }
            k += 1;
            if s.next(PollKind::Processes, t).as_deref() == Some("ours") {
                reads += 1;
            }
            t += gap;
        }
        // Due at every slot (1 s interval, a slot every 2.67 s), and the churn that started
        // after its last read queues behind it: read at every slot, 11 in 30 s.
        assert!(reads >= 10, "{reads} reads of ours in 30 s");
    }

    #[test]
    fn one_seen_starting_goes_before_a_crowd_found_young_in_a_list() {
        // 60 containers started 30 s before seawall began watching (found young by the
        // inventory, never read), then one starts under its eyes: that one is next, and
        // read whenever due for the rest of its minute.
        let now = Instant::now();
        let second = Duration::from_secs(1);
        let mut s = Schedule::new(second, second);
        for i in 0..60 {
            s.running(
                &format!("young{i:02}"),
                0,
                Some("2026-01-01T11:59:30Z"),
                now,
                wall(),
            );
        }
        assert_eq!(s.class("young07", now), Some(Class::Started));
        let gap = super::super::poll::gaps(90, true, true).1.unwrap();
        let _ = run(&mut s, now, 3, gap);
        let t = now + Duration::from_secs(3);
        s.running("ours", 0, Some("2026-01-01T12:00:00Z"), t, wall());
        s.started("ours", t);
        let mut reads = Vec::new();
        let mut at = t;
        while at < t + Duration::from_secs(30) {
            if s.next(PollKind::Processes, at).as_deref() == Some("ours") {
                reads.push(at - t);
            }
            at += gap;
        }
        assert_eq!(reads.first(), Some(&Duration::ZERO), "{reads:?}");
        assert!(reads.len() >= 11, "{reads:?}");
    }

    #[test]
    fn under_load_every_class_gets_its_share_and_nobody_starves() {
        let now = Instant::now();
        let mut s = Schedule::new(TEN, Duration::ZERO);
        for i in 0..20 {
            s.running(&format!("r{i:02}"), 70, None, now, wall());
        }
        for i in 0..200 {
            s.running(&format!("n{i:03}"), 0, None, now, wall());
        }
        // One read a second for 220 containers asking for far more: the budget decides.
        let reads = run(&mut s, now, 600, Duration::from_secs(1));
        let risky: usize = (0..20).map(|i| count(&reads, &format!("r{i:02}"))).sum();
        let normal: Vec<usize> = (0..200)
            .map(|i| count(&reads, &format!("n{i:03}")))
            .collect();
        // Risky ones ask 3× as often as normal ones: each gets about 3× the reads.
        let per_risky = risky as f64 / 20.0;
        let per_normal = normal.iter().sum::<usize>() as f64 / 200.0;
        assert!(
            per_risky > 2.0 * per_normal,
            "risky {per_risky} normal {per_normal}"
        );
        assert!(normal.iter().all(|n| *n >= 1), "every container read");
    }
}
