//! Drift and process polling: single reads of `/containers/{id}/changes` (or `/top`), one
//! per slot of the poll budget, of the container [`super::schedule`] says is most in need.
//! Each read runs as its own task, so event handling never waits for a poll; follow-up
//! reads after an exec or a `docker cp` come back over a channel.

use crate::docker::{DockerApi, Top};
use crate::model::convert::activity as conv;
use crate::model::{FileChange, ProcessRow};
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Which endpoint a round reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollKind {
    /// `/containers/{id}/changes` (filesystem drift).
    Changes,
    /// `/containers/{id}/top` (processes).
    Processes,
}

impl PollKind {
    fn what(self) -> &'static str {
        match self {
            PollKind::Changes => "filesystem changes",
            PollKind::Processes => "process list",
        }
    }
}

/// One answer of a round.
#[derive(Debug)]
pub enum PollResult {
    Changes {
        id: String,
        changes: Vec<FileChange>,
    },
    Processes {
        id: String,
        processes: Vec<ProcessRow>,
    },
    /// Reads that failed for another reason than the container being gone, one message
    /// per round (`failed` of `total`).
    Failed {
        kind: PollKind,
        failed: usize,
        total: usize,
        message: String,
    },
}

/// The least gap between two reads of one kind when `per_minute` reads are shared evenly
/// by `kinds` kinds of poll.
pub fn min_gap(per_minute: u32, kinds: u32) -> Duration {
    let per_kind = per_minute.max(1) as f64 / kinds.max(1) as f64;
    Duration::from_secs_f64(60.0 / per_kind)
}

/// Share of the budget drift gets when both polls are on: a `/changes` costs the daemon
/// about a tenth of a `/top` (it walks the upper layer; a `/top` runs `ps` and `runc ps`),
/// and a file written under /etc is what must be seen within seconds.
pub const DRIFT_SHARE: f64 = 0.75;

/// The least gaps between two reads of drift and of processes (`None`: that poll is off)
/// for `per_minute` reads in all: [`DRIFT_SHARE`] of them for drift when both are on.
pub fn gaps(per_minute: u32, drift: bool, processes: bool) -> (Option<Duration>, Option<Duration>) {
    let total = per_minute.max(1) as f64;
    let gap = |reads: f64| Duration::from_secs_f64(60.0 / reads);
    match (drift, processes) {
        (true, true) => (
            Some(gap(total * DRIFT_SHARE)),
            Some(gap(total * (1.0 - DRIFT_SHARE))),
        ),
        (true, false) => (Some(gap(total)), None),
        (false, true) => (None, Some(gap(total))),
        (false, false) => (None, None),
    }
}

/// The process rows of a `/top` answer.
fn rows(top: &Top) -> Vec<ProcessRow> {
    conv::process_rows(&top.titles, &top.processes)
}

/// Delays after an exec or a `docker cp` into a container at which its changes and
/// processes are read, whatever the budget: what a shell or a copied binary does shows up
/// in seconds rather than at the next round.
pub const FOLLOW_UP_DELAYS: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(5)];

/// Read one container's changes and processes (each kind only when its polling is on)
/// after each of [`FOLLOW_UP_DELAYS`]. Errors are dropped: the regular rounds report them.
pub async fn follow_up<D: DockerApi>(
    docker: D,
    id: String,
    changes: bool,
    processes: bool,
    tx: mpsc::Sender<PollResult>,
) {
    {
        let start = tokio::time::Instant::now();
        for delay in FOLLOW_UP_DELAYS {
            tokio::time::sleep_until(start + delay).await;
            if changes && let Ok(changes) = docker.changes(&id).await {
                let answer = PollResult::Changes {
                    changes,
                    id: id.clone(),
                };
                if tx.send(answer).await.is_err() {
                    return;
                }
            }
            if processes && let Ok(t) = docker.top(&id).await {
                let answer = PollResult::Processes {
                    processes: rows(&t),
                    id: id.clone(),
                };
                if tx.send(answer).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// A container id as the docker CLI shows it (12 characters), for the log.
pub fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// Follow-ups after execs allowed per minute for a budget of `per_minute` reads: each
/// makes up to four reads (two kinds, two delays), so they add at most a third of the
/// budget. A busy host execs into its containers every second; unbounded, their
/// follow-ups were ten times the budget.
pub fn follow_ups_per_minute(per_minute: u32) -> f64 {
    (f64::from(per_minute) / 12.0).max(1.0)
}

/// Follow-ups at once before the allowance runs dry.
pub const FOLLOW_UP_BURST: f64 = 3.0;

/// A token bucket: `per_minute` takes a minute, at most `burst` saved up.
#[derive(Debug, Clone)]
pub struct Allowance {
    tokens: f64,
    per_sec: f64,
    burst: f64,
    at: tokio::time::Instant,
}

impl Allowance {
    pub fn new(per_minute: f64, burst: f64, now: tokio::time::Instant) -> Self {
        Allowance {
            tokens: burst,
            per_sec: per_minute / 60.0,
            burst,
            at: now,
        }
    }

    /// Spend one, if there is one.
    pub fn take(&mut self, now: tokio::time::Instant) -> bool {
        let earned = now.saturating_duration_since(self.at).as_secs_f64() * self.per_sec;
        self.tokens = (self.tokens + earned).min(self.burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// How often at most a failing poll is reported (one message per kind).
pub const FAILURE_REPORT_EVERY: Duration = Duration::from_secs(60);

/// One read, done.
pub struct PollDone {
    pub kind: PollKind,
    pub id: String,
    /// How long the daemon took to answer.
    pub took: Duration,
    pub result: Result<PollResult, crate::docker::DockerError>,
}

/// The single reads of a session, each its own task (at most `concurrency` per kind in
/// flight); dropping it aborts them. Failures other than a container being gone are
/// gathered into one [`PollResult::Failed`] message per kind at most every
/// [`FAILURE_REPORT_EVERY`].
pub struct Poller {
    reads: JoinSet<PollDone>,
    in_flight: [usize; 2],
    concurrency: usize,
    failures: [Failures; 2],
}

#[derive(Default)]
struct Failures {
    ids: HashSet<String>,
    first: Option<String>,
    reported_at: Option<tokio::time::Instant>,
}

fn index(kind: PollKind) -> usize {
    match kind {
        PollKind::Changes => 0,
        PollKind::Processes => 1,
    }
}

impl Poller {
    pub fn new(concurrency: usize) -> Self {
        Poller {
            reads: JoinSet::new(),
            in_flight: [0; 2],
            concurrency: concurrency.max(1),
            failures: Default::default(),
        }
    }

    /// Is there room for one more read of this kind?
    pub fn has_room(&self, kind: PollKind) -> bool {
        self.in_flight[index(kind)] < self.concurrency
    }

    pub fn is_idle(&self) -> bool {
        self.reads.is_empty()
    }

    /// Start reading one container.
    pub fn start<D: DockerApi>(&mut self, docker: &D, kind: PollKind, id: String) {
        let docker = docker.clone();
        self.in_flight[index(kind)] += 1;
        self.reads.spawn(async move {
            let began = tokio::time::Instant::now();
            let result = match kind {
                PollKind::Changes => docker
                    .changes(&id)
                    .await
                    .map(|changes| PollResult::Changes {
                        changes,
                        id: id.clone(),
                    }),
                PollKind::Processes => docker.top(&id).await.map(|t| PollResult::Processes {
                    processes: rows(&t),
                    id: id.clone(),
                }),
            };
            let took = began.elapsed();
            PollDone {
                kind,
                id,
                took,
                result,
            }
        });
    }

    /// The next read done (pending while none is in flight). A panicked read frees its
    /// slot and yields nothing.
    pub async fn next_done(&mut self) -> Option<PollDone> {
        let done = self.reads.join_next().await?;
        match done {
            Ok(done) => {
                self.in_flight[index(done.kind)] =
                    self.in_flight[index(done.kind)].saturating_sub(1);
                Some(done)
            }
            Err(e) => {
                log::warn!("a poll read failed: {e}");
                // The kind is unknown: recount from what is left.
                self.in_flight = [0; 2];
                None
            }
        }
    }

    /// A read's answer: the result to hand on, a failure message when one is due (out of
    /// `running` containers), or nothing (a container gone meanwhile, or a failure already
    /// reported this minute).
    pub fn settle(&mut self, done: PollDone, running: usize) -> Option<PollResult> {
        let kind = done.kind;
        log::trace!(
            "read the {} of {} in {} ms: {}",
            kind.what(),
            short(&done.id),
            done.took.as_millis(),
            if done.result.is_ok() { "ok" } else { "failed" }
        );
        match done.result {
            Ok(answer) => Some(answer),
            // Stopped or vanished between the schedule and the read: not an error.
            Err(e) if e.is_gone() => None,
            Err(e) => {
                log::debug!("reading the {} of {}: {e}", kind.what(), done.id);
                let now = tokio::time::Instant::now();
                let f = &mut self.failures[index(kind)];
                f.ids.insert(done.id);
                f.first.get_or_insert_with(|| e.to_string());
                if f.reported_at
                    .is_some_and(|at| now.duration_since(at) < FAILURE_REPORT_EVERY)
                {
                    return None;
                }
                let failed = f.ids.len();
                let total = running.max(failed);
                let message = format!(
                    "could not read the {} of {failed} of {total} running containers: {}",
                    kind.what(),
                    f.first.take().unwrap_or_default()
                );
                f.ids.clear();
                f.reported_at = Some(now);
                Some(PollResult::Failed {
                    kind,
                    failed,
                    total,
                    message,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_follow_up_allowance_saves_up_a_burst_and_then_keeps_its_rate() {
        let now = tokio::time::Instant::now();
        // 90 reads a minute: 7.5 follow-ups a minute, one every 8 s, 3 at once.
        assert_eq!(follow_ups_per_minute(90), 7.5);
        assert_eq!(follow_ups_per_minute(6), 1.0);
        let mut a = Allowance::new(7.5, FOLLOW_UP_BURST, now);
        let taken = |a: &mut Allowance, at: Duration| a.take(now + at);
        assert!(taken(&mut a, Duration::ZERO));
        assert!(taken(&mut a, Duration::ZERO));
        assert!(taken(&mut a, Duration::ZERO));
        assert!(!taken(&mut a, Duration::from_secs(7)), "spent");
        assert!(taken(&mut a, Duration::from_secs(8)), "one earned in 8 s");
        assert!(!taken(&mut a, Duration::from_secs(9)));
        // A long quiet spell saves up no more than the burst.
        let later = Duration::from_secs(3600);
        let got = (0..10).filter(|_| taken(&mut a, later)).count();
        assert_eq!(got, 3);
    }

    #[test]
    fn the_budget_is_shared_by_the_kinds_that_are_on() {
        // 90 reads a minute shared by drift and processes: one read of each kind every
        // 1.33 s; one kind on gets the whole budget.
        assert_eq!(min_gap(90, 2).as_millis(), 1333);
        assert_eq!(min_gap(90, 1).as_millis(), 666);
        assert_eq!(min_gap(600, 2), Duration::from_millis(200));
        // By cost: drift gets three quarters of the reads when both are on.
        let ms = |g: Option<Duration>| g.map(|g| g.as_millis());
        let (d, p) = gaps(90, true, true);
        assert_eq!((ms(d), ms(p)), (Some(888), Some(2666)));
        let (d, p) = gaps(90, true, false);
        assert_eq!((ms(d), ms(p)), (Some(666), None));
        let (d, p) = gaps(90, false, true);
        assert_eq!((ms(d), ms(p)), (None, Some(666)));
    }
}
