//! The container inspects of one watch session: started as soon as an event asks for them,
//! a few at a time, at most one per container. An event that arrives while its container is
//! being inspected marks it dirty: it is inspected again when the first answer is in, so
//! the answers of one container come in order and the last one is never stale. Pure
//! bookkeeping: the task starts the [`Job`]s this hands out and reports them done.

use crate::activity::launch::launch_verb;
use std::collections::{HashMap, VecDeque};
use std::time::Instant;

/// One inspect to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The container.
    pub id: String,
    /// The event action that asked for it (`create`, `die`...), or `resync` / `action`.
    pub action: String,
    /// When the earliest event folded into this job reached seawall; `None` when no event
    /// asked for it (a resync or a user action): the answer then only updates the facts.
    pub received: Option<Instant>,
}

/// What the task does with an answer, from [`InFlight::finished`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The container was removed (a `destroy`) while this inspect was in flight: its answer
    /// still goes to the activity rules but must not bring the row back.
    pub removed: bool,
    /// The inspect to start next (the same container again, or one that waited for a slot).
    pub next: Option<Job>,
}

/// Requests folded together while their container waits or is being inspected.
#[derive(Debug, Default)]
struct Pending {
    /// Event actions, in order, without repeats.
    events: Vec<String>,
    /// The last request not caused by an event (`resync`, `action`).
    other: Option<String>,
    /// When the earliest event reached seawall.
    received: Option<Instant>,
}

impl Pending {
    fn add(&mut self, action: String, received: Option<Instant>) {
        match received {
            Some(at) => {
                self.received = Some(self.received.map_or(at, |r| r.min(at)));
                if !self.events.contains(&action) {
                    self.events.push(action);
                }
            }
            None => self.other = Some(action),
        }
    }

    /// One inspect for everything asked. The cause is a launch (`create`, `start`,
    /// `restart`) when one was asked, so the launch rules never miss it; else the latest
    /// event action.
    fn into_job(self, id: String) -> Job {
        let action = self
            .events
            .iter()
            .find(|a| launch_verb(a).is_some())
            .or(self.events.last())
            .cloned()
            .or(self.other)
            .unwrap_or_default();
        Job {
            id,
            action,
            received: self.received,
        }
    }
}

/// A container whose inspect is in flight.
#[derive(Debug, Default)]
struct Running {
    removed: bool,
    /// Asked again while in flight: inspect once more when this answer is in.
    dirty: Option<Pending>,
}

/// The inspects in flight and waiting, for one session.
#[derive(Debug)]
pub struct InFlight {
    limit: usize,
    running: HashMap<String, Running>,
    /// Containers waiting for a slot, oldest first (each once; see `waiting`).
    queue: VecDeque<String>,
    waiting: HashMap<String, Pending>,
}

impl InFlight {
    /// At most `limit` inspects in flight at once (at least one).
    pub fn new(limit: usize) -> Self {
        InFlight {
            limit: limit.max(1),
            running: HashMap::new(),
            queue: VecDeque::new(),
            waiting: HashMap::new(),
        }
    }

    /// Ask for an inspect of `id`. `received`: when the event that asks for it reached
    /// seawall (`None` for a resync or a user action). Returns the job to start now, if a
    /// slot is free and the container is not already in flight.
    pub fn request(&mut self, id: &str, action: &str, received: Option<Instant>) -> Option<Job> {
        if let Some(run) = self.running.get_mut(id) {
            if !run.removed {
                run.dirty
                    .get_or_insert_with(Pending::default)
                    .add(action.to_string(), received);
            }
            return None;
        }
        if let Some(pending) = self.waiting.get_mut(id) {
            pending.add(action.to_string(), received);
            return None;
        }
        let mut pending = Pending::default();
        pending.add(action.to_string(), received);
        if self.running.len() < self.limit {
            self.running.insert(id.to_string(), Running::default());
            Some(pending.into_job(id.to_string()))
        } else {
            self.waiting.insert(id.to_string(), pending);
            self.queue.push_back(id.to_string());
            None
        }
    }

    /// The container was removed (`destroy`, or gone from a resync). An inspect already in
    /// flight goes on (its answer still feeds the rules) but is not repeated; one still
    /// waiting for a slot is dropped: the daemon sends `destroy` after the container is
    /// gone, so it could only answer 404.
    pub fn removed(&mut self, id: &str) {
        if let Some(run) = self.running.get_mut(id) {
            run.removed = true;
            run.dirty = None;
        }
        if self.waiting.remove(id).is_some() {
            self.queue.retain(|q| q != id);
        }
    }

    /// The inspect of `id` answered (or failed). Says whether the container was removed
    /// meanwhile, and which inspect to start next.
    pub fn finished(&mut self, id: &str) -> Finished {
        let Some(run) = self.running.remove(id) else {
            return Finished {
                removed: false,
                next: self.start_waiting(),
            };
        };
        let next = match run.dirty {
            Some(pending) if !run.removed => {
                self.running.insert(id.to_string(), Running::default());
                Some(pending.into_job(id.to_string()))
            }
            _ => self.start_waiting(),
        };
        Finished {
            removed: run.removed,
            next,
        }
    }

    /// Is an inspect of `id` in flight?
    pub fn is_running(&self, id: &str) -> bool {
        self.running.contains_key(id)
    }

    /// Is an inspect of `id` in flight or waiting for a slot?
    pub fn is_busy(&self, id: &str) -> bool {
        self.running.contains_key(id) || self.waiting.contains_key(id)
    }

    /// Inspects in flight.
    pub fn running(&self) -> usize {
        self.running.len()
    }

    /// Inspects waiting for a slot.
    pub fn waiting(&self) -> usize {
        self.queue.len()
    }

    fn start_waiting(&mut self) -> Option<Job> {
        if self.running.len() >= self.limit {
            return None;
        }
        let id = self.queue.pop_front()?;
        let pending = self.waiting.remove(&id)?;
        self.running.insert(id.clone(), Running::default());
        Some(pending.into_job(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn job(id: &str, action: &str, received: Option<Instant>) -> Option<Job> {
        Some(Job {
            id: id.into(),
            action: action.into(),
            received,
        })
    }

    #[test]
    fn an_event_starts_its_inspect_at_once() {
        let t0 = Instant::now();
        let mut f = InFlight::new(8);
        assert_eq!(
            f.request("a", "create", Some(t0)),
            job("a", "create", Some(t0))
        );
        assert_eq!(
            f.request("b", "start", Some(t0)),
            job("b", "start", Some(t0))
        );
        assert_eq!(f.running(), 2);
    }

    #[test]
    fn one_inspect_per_container_and_a_dirty_one_repeats_once_in_order() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_millis(5);
        let t2 = t0 + Duration::from_millis(9);
        let mut f = InFlight::new(8);
        assert!(f.request("a", "create", Some(t0)).is_some());
        // Two more events while it is in flight: folded into one repeat.
        assert_eq!(f.request("a", "start", Some(t1)), None);
        assert_eq!(f.request("a", "die", Some(t2)), None);
        assert_eq!(f.running(), 1);
        let done = f.finished("a");
        assert!(!done.removed);
        // The launch verb wins the cause; the earliest folded event times it.
        assert_eq!(done.next, job("a", "start", Some(t1)));
        // Nothing more asked: the second answer ends it.
        assert_eq!(
            f.finished("a"),
            Finished {
                removed: false,
                next: None
            }
        );
        assert_eq!(f.running(), 0);
    }

    #[test]
    fn without_a_launch_the_latest_event_is_the_cause() {
        let t0 = Instant::now();
        let mut f = InFlight::new(8);
        f.request("a", "start", Some(t0));
        f.request("a", "die", Some(t0));
        f.request("a", "stop", Some(t0));
        assert_eq!(f.finished("a").next, job("a", "stop", Some(t0)));
    }

    #[test]
    fn a_resync_folded_with_an_event_keeps_the_event() {
        let t0 = Instant::now();
        let mut f = InFlight::new(8);
        f.request("a", "resync", None);
        f.request("a", "resync", None);
        f.request("a", "die", Some(t0));
        assert_eq!(f.finished("a").next, job("a", "die", Some(t0)));
        f.request("a", "action", None);
        assert_eq!(f.finished("a").next, job("a", "action", None));
    }

    #[test]
    fn a_destroy_keeps_the_inspect_in_flight_but_no_repeat() {
        let t0 = Instant::now();
        let mut f = InFlight::new(8);
        // The flood case: create then destroy before the answer.
        assert!(f.request("a", "create", Some(t0)).is_some());
        f.request("a", "start", Some(t0));
        f.removed("a");
        // Events after the destroy do not bring a repeat back.
        f.request("a", "die", Some(t0));
        assert_eq!(
            f.finished("a"),
            Finished {
                removed: true,
                next: None
            }
        );
        // A new container with that id later is a fresh start.
        assert!(f.request("a", "create", Some(t0)).is_some());
        assert!(!f.finished("a").removed);
    }

    #[test]
    fn the_limit_queues_in_order_and_a_slot_goes_to_the_oldest() {
        let t0 = Instant::now();
        let mut f = InFlight::new(2);
        assert!(f.request("a", "create", Some(t0)).is_some());
        assert!(f.request("b", "create", Some(t0)).is_some());
        assert_eq!(f.request("c", "create", Some(t0)), None);
        assert_eq!(f.request("d", "create", Some(t0)), None);
        // A waiting container folds its events too.
        assert_eq!(f.request("c", "start", Some(t0)), None);
        assert_eq!((f.running(), f.waiting()), (2, 2));
        assert_eq!(f.finished("a").next, job("c", "create", Some(t0)));
        assert_eq!(f.finished("b").next, job("d", "create", Some(t0)));
        assert_eq!(f.finished("c").next, None);
        assert_eq!(f.finished("d").next, None);
        assert_eq!((f.running(), f.waiting()), (0, 0));
    }

    #[test]
    fn a_dirty_container_keeps_its_slot_ahead_of_the_queue() {
        let t0 = Instant::now();
        let mut f = InFlight::new(1);
        f.request("a", "create", Some(t0));
        f.request("b", "create", Some(t0));
        f.request("a", "start", Some(t0));
        assert_eq!(f.finished("a").next, job("a", "start", Some(t0)));
        assert_eq!(f.finished("a").next, job("b", "create", Some(t0)));
    }

    #[test]
    fn a_destroy_drops_an_inspect_still_waiting_for_a_slot() {
        let t0 = Instant::now();
        let mut f = InFlight::new(1);
        f.request("a", "create", Some(t0));
        f.request("b", "create", Some(t0));
        f.request("c", "create", Some(t0));
        f.removed("b");
        assert_eq!(f.waiting(), 1);
        assert_eq!(f.finished("a").next, job("c", "create", Some(t0)));
    }

    #[test]
    fn a_limit_of_zero_still_runs_one() {
        let mut f = InFlight::new(0);
        assert!(f.request("a", "resync", None).is_some());
        assert_eq!(f.request("b", "resync", None), None);
        assert_eq!(f.finished("a").next, job("b", "resync", None));
    }

    #[test]
    fn finishing_an_unknown_id_only_frees_nothing() {
        let mut f = InFlight::new(1);
        assert_eq!(
            f.finished("x"),
            Finished {
                removed: false,
                next: None
            }
        );
    }
}
