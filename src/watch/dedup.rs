//! Bounded "seen recently" sets: a reconnect replays events from `since`, which overlaps what
//! was already handled; these sets let the watch task drop the repeats (and classify each
//! exec session once) without growing forever.

use crate::model::DockerEvent;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashSet, VecDeque};
use std::hash::{Hash, Hasher};

/// How many event keys and exec ids are remembered (the daemon replays at most 256 events).
pub const RECENT_CAPACITY: usize = 4096;

/// A set that forgets its oldest entry once it holds `capacity` entries.
#[derive(Debug)]
pub struct RecentSet<K> {
    order: VecDeque<K>,
    set: HashSet<K>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone> RecentSet<K> {
    /// An empty set holding at most `capacity` (at least 1) entries.
    pub fn new(capacity: usize) -> Self {
        RecentSet {
            order: VecDeque::new(),
            set: HashSet::new(),
            capacity: capacity.max(1),
        }
    }

    /// Add `key`; `false` when it was already there (a repeat).
    pub fn insert(&mut self, key: K) -> bool {
        if self.set.contains(&key) {
            return false;
        }
        if self.order.len() >= self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.order.push_back(key.clone());
        self.set.insert(key);
        true
    }

    pub fn contains(&self, key: &K) -> bool {
        self.set.contains(key)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// What identifies one event across a replay: its nanosecond time plus a hash of type,
/// action, payload, actor and attributes (the same message replayed is identical).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventKey {
    pub time_nano: i64,
    pub digest: u64,
}

impl EventKey {
    pub fn of(ev: &DockerEvent) -> EventKey {
        let mut h = DefaultHasher::new();
        ev.kind.hash(&mut h);
        ev.action.hash(&mut h);
        ev.payload.hash(&mut h);
        ev.actor_id.hash(&mut h);
        ev.attributes.hash(&mut h);
        EventKey {
            time_nano: ev.time_nano,
            digest: h.finish(),
        }
    }
}

/// The `since` parameter that resumes right at the last event seen (`seconds.nanoseconds`,
/// which the daemon reads with nanosecond precision and includes: the repeat is dropped by
/// the [`RecentSet`]).
pub fn since_param(last_time_nano: i64) -> String {
    let secs = last_time_nano.div_euclid(1_000_000_000);
    let nanos = last_time_nano.rem_euclid(1_000_000_000);
    format!("{secs}.{nanos:09}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventKind;

    fn ev(time_nano: i64, action: &str, actor: &str) -> DockerEvent {
        DockerEvent {
            kind: EventKind::Container,
            action: action.into(),
            payload: None,
            actor_id: actor.into(),
            attributes: Default::default(),
            time_nano,
        }
    }

    #[test]
    fn repeats_are_refused_and_the_oldest_is_forgotten() {
        let mut s = RecentSet::new(3);
        assert!(s.insert(1));
        assert!(!s.insert(1));
        assert!(s.insert(2) && s.insert(3));
        assert!(s.insert(4), "a fourth entry evicts the first");
        assert_eq!(s.len(), 3);
        assert!(!s.contains(&1) && s.contains(&4));
        assert!(s.insert(1), "forgotten, so new again");
        assert!(!s.insert(4));
    }

    #[test]
    fn the_same_event_replayed_has_the_same_key() {
        let a = ev(10, "start", "abc");
        assert_eq!(EventKey::of(&a), EventKey::of(&a.clone()));
        assert_ne!(EventKey::of(&a), EventKey::of(&ev(11, "start", "abc")));
        assert_ne!(EventKey::of(&a), EventKey::of(&ev(10, "die", "abc")));
        assert_ne!(EventKey::of(&a), EventKey::of(&ev(10, "start", "abd")));
        let mut b = a.clone();
        b.attributes.insert("container".into(), "x".into());
        assert_ne!(EventKey::of(&a), EventKey::of(&b));
    }

    #[test]
    fn since_keeps_nanoseconds() {
        assert_eq!(
            since_param(1_764_363_000_000_000_123),
            "1764363000.000000123"
        );
        assert_eq!(since_param(5), "0.000000005");
    }
}
