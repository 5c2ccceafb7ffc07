//! Drift and process polling: one round reads `/containers/{id}/changes` (or `/top`) of
//! every running container, a few at a time and spread over part of the interval so the
//! daemon never sees a burst. A round runs as its own task and sends each answer back to
//! the watch task over a channel, so event handling never waits for a poll.

use crate::docker::{DockerApi, Top};
use crate::model::convert::activity as conv;
use crate::model::{FileChange, ProcessRow};
use futures_util::stream::{self, StreamExt};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

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

/// Spacing between the starts of two reads so that `n` reads spread over half of
/// `interval`, capped so a small fleet is read at once and a large one stays gentle, and
/// never closer than `floor` (the poll budget): on a large host a round then takes longer
/// than its interval, and the next one starts when it is done.
pub fn spacing(n: usize, interval: Duration, floor: Duration) -> Duration {
    if n <= 1 {
        return Duration::ZERO;
    }
    (interval / 2 / n as u32)
        .min(Duration::from_millis(100))
        .max(floor)
}

/// The least gap between two reads of one kind when `per_minute` reads are shared by
/// `kinds` kinds of poll.
pub fn min_gap(per_minute: u32, kinds: u32) -> Duration {
    let per_kind = per_minute.max(1) as f64 / kinds.max(1) as f64;
    Duration::from_secs_f64(60.0 / per_kind)
}

/// The process rows of a `/top` answer.
fn rows(top: &Top) -> Vec<ProcessRow> {
    conv::process_rows(&top.titles, &top.processes)
}

/// A running round; dropping it stops the round.
pub struct PollRound {
    handle: JoinHandle<()>,
}

impl PollRound {
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }
}

impl Drop for PollRound {
    fn drop(&mut self) {
        self.handle.abort();
    }
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

/// Start one round over `ids`.
pub fn spawn_round<D: DockerApi>(
    docker: D,
    kind: PollKind,
    ids: Vec<String>,
    concurrency: usize,
    interval: Duration,
    floor: Duration,
    tx: mpsc::Sender<PollResult>,
) -> PollRound {
    let handle = tokio::spawn(async move {
        let total = ids.len();
        let gap = spacing(total, interval, floor);
        let start = tokio::time::Instant::now();
        let docker = &docker;
        let mut results = stream::iter(ids.into_iter().enumerate())
            .map(|(i, id)| async move {
                tokio::time::sleep_until(start + gap * i as u32).await;
                let result = match kind {
                    PollKind::Changes => {
                        docker
                            .changes(&id)
                            .await
                            .map(|changes| PollResult::Changes {
                                changes,
                                id: id.clone(),
                            })
                    }
                    PollKind::Processes => docker.top(&id).await.map(|t| PollResult::Processes {
                        processes: rows(&t),
                        id: id.clone(),
                    }),
                };
                (id, result)
            })
            .buffer_unordered(concurrency.max(1));
        let mut failed = 0;
        let mut first_error = None;
        while let Some((id, result)) = results.next().await {
            match result {
                Ok(answer) => {
                    if tx.send(answer).await.is_err() {
                        return;
                    }
                }
                // Stopped or vanished between the list and the read: not an error.
                Err(e) if e.is_gone() => {}
                Err(e) => {
                    failed += 1;
                    log::debug!("reading the {} of {id}: {e}", kind.what());
                    first_error.get_or_insert_with(|| e.to_string());
                }
            }
        }
        if let Some(e) = first_error {
            let message = format!(
                "could not read the {} of {failed} of {total} running containers: {e}",
                kind.what()
            );
            let _ = tx
                .send(PollResult::Failed {
                    kind,
                    failed,
                    total,
                    message,
                })
                .await;
        }
    });
    PollRound { handle }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_spreads_over_half_the_interval_at_most_100ms_apart() {
        let ten = Duration::from_secs(10);
        let none = Duration::ZERO;
        assert_eq!(spacing(0, ten, none), Duration::ZERO);
        assert_eq!(spacing(1, ten, none), Duration::ZERO);
        assert_eq!(spacing(500, ten, none), Duration::from_millis(10));
        assert_eq!(spacing(4, ten, none), Duration::from_millis(100));
        assert_eq!(
            spacing(4, Duration::from_secs(1), none),
            Duration::from_millis(100)
        );
        assert_eq!(
            spacing(100, Duration::from_secs(1), none),
            Duration::from_millis(5)
        );
    }

    #[test]
    fn the_budget_stretches_rounds_on_large_hosts() {
        // 90 reads a minute shared by drift and processes: one read of each kind every
        // 1.33 s, so 500 containers take ~11 minutes per round...
        let floor = min_gap(90, 2);
        assert_eq!(floor.as_millis(), 1333);
        let gap = spacing(500, Duration::from_secs(10), floor);
        assert_eq!(gap, floor);
        assert!((gap * 500).as_secs() >= 660);
        // ...while a handful of containers is still read every interval.
        let gap = spacing(5, Duration::from_secs(10), floor);
        assert_eq!(gap, floor);
        assert!(gap * 5 < Duration::from_secs(10));
        // One kind on: it gets the whole budget.
        assert_eq!(min_gap(90, 1).as_millis(), 666);
        assert_eq!(min_gap(600, 2), Duration::from_millis(200));
    }
}
