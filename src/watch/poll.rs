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

/// How often at most a failing poll is reported (one message per kind).
pub const FAILURE_REPORT_EVERY: Duration = Duration::from_secs(60);

/// One read, done.
pub struct PollDone {
    pub kind: PollKind,
    pub id: String,
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
            PollDone { kind, id, result }
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
