//! The activity feed: the latest alerts of every daemon, newest first, in bounded memory.
//!
//! Entries live in a ring (`VecDeque`, oldest at the front) of at most `capacity` alerts;
//! pushing is O(1) and evicts the oldest. Each entry gets a sequence number, so an entry is
//! found by `seq - first_seq` in O(1). The filter (minimum severity, one container, text)
//! is applied once per entry: `shown` holds the sequence numbers that pass it, kept up to
//! date on push and eviction and rebuilt only when the filter changes, so drawing a window
//! of the filtered feed never scans or clones the whole feed.

use super::state::RowKey;
use crate::activity::Alert;
use crate::risk::Severity;
use crate::watch::HostId;
use std::collections::VecDeque;

/// How many of the newest alerts are saved for the next start (`console::feed_file`).
pub const SAVED_FEED_MAX: usize = 1000;

/// How many alerts the feed keeps by default.
pub const DEFAULT_FEED_CAPACITY: usize = 5000;

/// One alert in the feed.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    /// Increases by one per alert, from 0.
    pub seq: u64,
    pub host: HostId,
    pub alert: Alert,
    /// Lower-case `name rule title`, what the text filter searches.
    haystack: String,
}

impl FeedEntry {
    /// The container this alert is about, keyed like the fleet's rows.
    pub fn key(&self) -> Option<RowKey> {
        self.alert.container.as_ref().map(|c| RowKey {
            host: self.host,
            id: c.id.clone(),
        })
    }

    /// Is this alert about container `key`?
    pub fn is_about(&self, key: &RowKey) -> bool {
        self.host == key.host
            && self
                .alert
                .container
                .as_ref()
                .is_some_and(|c| c.id == key.id)
    }
}

/// Which alerts the feed shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFilter {
    /// Alerts below this severity are hidden.
    pub min_severity: Severity,
    /// Only this container's alerts (its key and name, for the title).
    pub container: Option<(RowKey, String)>,
    /// Case-insensitive text in the container name, rule id or title.
    pub text: String,
}

impl Default for FeedFilter {
    fn default() -> Self {
        FeedFilter {
            min_severity: Severity::Info,
            container: None,
            text: String::new(),
        }
    }
}

impl FeedFilter {
    /// Does an entry pass the filter? `needle` is `text` in lower case.
    fn matches(&self, e: &FeedEntry, needle: &str) -> bool {
        e.alert.severity >= self.min_severity
            && self.container.as_ref().is_none_or(|(k, _)| e.is_about(k))
            && (needle.is_empty() || e.haystack.contains(needle))
    }

    /// Is anything filtered?
    pub fn is_active(&self) -> bool {
        self.min_severity > Severity::Info || self.container.is_some() || !self.text.is_empty()
    }
}

/// What [`Feed::push`] did.
#[derive(Debug)]
pub struct Pushed {
    /// The new entry passes the filter.
    pub shown: bool,
    /// The oldest entry, evicted to make room.
    pub evicted: Option<FeedEntry>,
}

/// The bounded, filterable feed.
#[derive(Debug, Clone)]
pub struct Feed {
    entries: VecDeque<FeedEntry>,
    capacity: usize,
    next_seq: u64,
    /// Kept entries per severity, indexed by `Severity as usize`.
    counts: [usize; 5],
    filter: FeedFilter,
    /// `filter.text` in lower case.
    needle: String,
    /// Sequence numbers of the entries that pass the filter, oldest first (ascending).
    shown: VecDeque<u64>,
    /// The selected entry; `None` follows the newest.
    cursor: Option<u64>,
    /// Typing into the text filter.
    pub editing: bool,
    /// Shown alerts that arrived while the feed did not have the focus.
    pub unseen: usize,
    /// The worst of them.
    pub unseen_worst: Option<Severity>,
}

impl Default for Feed {
    fn default() -> Self {
        Feed::new(DEFAULT_FEED_CAPACITY)
    }
}

impl Feed {
    /// An empty feed keeping at most `capacity` alerts (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Feed {
            entries: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
            next_seq: 0,
            counts: [0; 5],
            filter: FeedFilter::default(),
            needle: String::new(),
            shown: VecDeque::new(),
            cursor: None,
            editing: false,
            unseen: 0,
            unseen_worst: None,
        }
    }

    /// Add an alert as the newest entry, evicting the oldest when full.
    pub fn push(&mut self, host: HostId, alert: Alert) -> Pushed {
        let name = alert
            .container
            .as_ref()
            .map(|c| c.name.as_str())
            .unwrap_or("");
        let haystack = format!("{name} {} {}", alert.rule, alert.title).to_lowercase();
        let entry = FeedEntry {
            seq: self.next_seq,
            host,
            alert,
            haystack,
        };
        self.next_seq += 1;
        self.counts[entry.alert.severity as usize] += 1;
        let shown = self.filter.matches(&entry, &self.needle);
        if shown {
            self.shown.push_back(entry.seq);
        }
        self.entries.push_back(entry);
        let evicted = if self.entries.len() > self.capacity {
            self.entries.pop_front().inspect(|old| {
                self.counts[old.alert.severity as usize] -= 1;
                if self.shown.front() == Some(&old.seq) {
                    self.shown.pop_front();
                }
            })
        } else {
            None
        };
        Pushed { shown, evicted }
    }

    /// Alerts kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Kept alerts of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.counts[severity as usize]
    }

    /// The entry with sequence number `seq`, if still kept.
    pub fn get(&self, seq: u64) -> Option<&FeedEntry> {
        let first = self.entries.front()?.seq;
        let i = usize::try_from(seq.checked_sub(first)?).ok()?;
        self.entries.get(i)
    }

    /// Every kept entry, newest first (unfiltered).
    pub fn all_newest_first(&self) -> impl Iterator<Item = &FeedEntry> {
        self.entries.iter().rev()
    }

    /// How many entries pass the filter.
    pub fn shown_len(&self) -> usize {
        self.shown.len()
    }

    /// The `i`-th shown entry counting from the newest (0).
    pub fn shown_at(&self, i: usize) -> Option<&FeedEntry> {
        let n = self.shown.len();
        let seq = *self.shown.get(n.checked_sub(i + 1)?)?;
        self.get(seq)
    }

    /// Shown entries from the `start`-th newest on, newest first.
    pub fn shown_from(&self, start: usize) -> impl Iterator<Item = &FeedEntry> {
        let n = self.shown.len();
        self.shown
            .iter()
            .rev()
            .skip(start.min(n))
            .filter_map(|s| self.get(*s))
    }

    pub fn filter(&self) -> &FeedFilter {
        &self.filter
    }

    /// Replace the filter and recompute which entries pass it.
    pub fn set_filter(&mut self, filter: FeedFilter) {
        if filter == self.filter {
            return;
        }
        self.needle = filter.text.trim().to_lowercase();
        self.filter = filter;
        self.shown = self
            .entries
            .iter()
            .filter(|e| self.filter.matches(e, &self.needle))
            .map(|e| e.seq)
            .collect();
    }

    /// Show alerts of `severity` and worse.
    pub fn set_min_severity(&mut self, severity: Severity) {
        let f = FeedFilter {
            min_severity: severity,
            ..self.filter.clone()
        };
        self.set_filter(f);
    }

    /// Show only one container's alerts (`None`: every container's).
    pub fn set_container(&mut self, container: Option<(RowKey, String)>) {
        let f = FeedFilter {
            container,
            ..self.filter.clone()
        };
        self.set_filter(f);
    }

    /// Change the text filter.
    pub fn set_text(&mut self, text: String) {
        let f = FeedFilter {
            text,
            ..self.filter.clone()
        };
        self.set_filter(f);
    }

    /// Position of the selection among the shown entries, from the newest (0).
    pub fn selected_index(&self) -> usize {
        let n = self.shown.len();
        let Some(seq) = self.cursor else { return 0 };
        if n == 0 {
            return 0;
        }
        // `shown` is ascending; an entry that left (evicted, filtered out) selects its
        // nearest neighbour.
        let i = match self.shown.binary_search(&seq) {
            Ok(i) => i,
            Err(i) => i.min(n - 1),
        };
        n - 1 - i
    }

    /// The selected entry.
    pub fn selected(&self) -> Option<&FeedEntry> {
        self.shown_at(self.selected_index())
    }

    /// Is the selection following the newest alert?
    pub fn following(&self) -> bool {
        self.cursor.is_none()
    }

    /// Move the selection by `delta` rows (positive: older). Reaching the newest entry
    /// follows new alerts again.
    pub fn move_by(&mut self, delta: isize) {
        let n = self.shown.len();
        if n == 0 {
            self.cursor = None;
            return;
        }
        let to = (self.selected_index() as isize + delta).clamp(0, n as isize - 1) as usize;
        self.select_index(to);
    }

    /// Select the newest entry and follow new alerts.
    pub fn select_newest(&mut self) {
        self.cursor = None;
    }

    /// Select the oldest shown entry.
    pub fn select_oldest(&mut self) {
        let n = self.shown.len();
        self.select_index(n.saturating_sub(1));
    }

    /// Select the `i`-th shown entry from the newest (0: the newest, and follow new alerts).
    pub fn select_index(&mut self, i: usize) {
        let n = self.shown.len();
        self.cursor = if i == 0 || n == 0 {
            None
        } else {
            self.shown.get(n - 1 - i.min(n - 1)).copied()
        };
    }

    /// The user looked at the feed.
    pub fn mark_seen(&mut self) {
        self.unseen = 0;
        self.unseen_worst = None;
    }

    /// A shown alert arrived while the feed was not looked at.
    pub fn note_unseen(&mut self, severity: Severity) {
        self.unseen += 1;
        self.unseen_worst = self.unseen_worst.max(Some(severity));
    }
}
