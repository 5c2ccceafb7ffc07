//! The poll schedule of a whole watch task on a busy host, against the fake daemon on
//! tokio's paused clock (issue 14 item 6): 60 foreign containers each exec'd into every
//! 30 s (an exec every 0.5 s, so every one of them is "touched" all the time), a short
//! container started every 2 s and removed a second later, the default poll budget. A
//! container started in the middle of that must have its processes AND its filesystem
//! read within seconds of its start, and again every few seconds through its first minute.

use super::*;
use crate::docker::fake::{FakeDocker, Op};
use crate::model::DockerEvent;

/// A container id from a short tag.
fn id(tag: &str) -> String {
    format!("{tag:0<64}")
}

fn event(action: &str, id: &str, name: &str, nano: i64) -> DockerEvent {
    FakeDocker::container_event(action, id, name, nano)
}

/// The foreign activity of `scripts/busy-host.sh`, on the fake, for `ticks` half seconds
/// from tick `from`.
struct Busy {
    fake: FakeDocker,
    feed: crate::docker::fake::EventFeed,
    tick: u64,
}

const FOREIGN: u64 = 60;

impl Busy {
    fn new(fake: &FakeDocker, feed: crate::docker::fake::EventFeed) -> Busy {
        for i in 0..FOREIGN {
            let tag = format!("f{i:02}");
            fake.add_container(FakeDocker::container(
                &id(&tag),
                &format!("busy-{i}"),
                "running",
                &[],
            ));
        }
        Busy {
            fake: fake.clone(),
            feed,
            tick: 0,
        }
    }

    /// Virtual event time in nanoseconds (increasing, so no event repeats another).
    fn nano(&self) -> i64 {
        1_700_000_000_000_000_000 + self.tick as i64 * 500_000_000
    }

    /// Half a second of activity: one exec into the next foreign container (each gets one
    /// every 30 s); every 2 s a churn container starts, and is removed a second later.
    async fn half_second(&mut self) {
        let k = self.tick;
        let target = id(&format!("f{:02}", k % FOREIGN));
        let name = format!("busy-{}", k % FOREIGN);
        let mut exec = event("exec_start: sh -c id", &target, &name, self.nano());
        exec.attributes.insert("execID".into(), format!("x{k}"));
        self.feed.send(exec);
        let churn = id(&format!("c{:05}", k / 4));
        let churn_name = format!("churn-{}", k / 4);
        match k % 4 {
            0 => {
                self.fake
                    .add_container(FakeDocker::container(&churn, &churn_name, "running", &[]));
                self.feed
                    .send(event("create", &churn, &churn_name, self.nano()));
                self.feed
                    .send(event("start", &churn, &churn_name, self.nano() + 1));
            }
            2 => {
                self.fake.remove_container(&churn);
                self.feed
                    .send(event("destroy", &churn, &churn_name, self.nano()));
            }
            _ => {}
        }
        self.tick += 1;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    async fn run_for(&mut self, secs: u64) {
        for _ in 0..secs * 2 {
            self.half_second().await;
        }
    }
}

/// The times `op` read `target`, relative to `t0`.
fn reads(fake: &FakeDocker, op: Op, target: &str, t0: tokio::time::Instant) -> Vec<Duration> {
    fake.calls()
        .into_iter()
        .filter(|c| c.op == op && c.target == target && c.at >= t0)
        .map(|c| c.at - t0)
        .collect()
}

/// The longest wait in `[0, end]` without a read: before the first, between two, after
/// the last.
fn longest_wait(reads: &[Duration], end: Duration) -> Duration {
    let mut edges = vec![Duration::ZERO];
    edges.extend(reads.iter().copied());
    edges.push(end);
    edges
        .windows(2)
        .map(|w| w[1].saturating_sub(w[0]))
        .max()
        .unwrap_or(end)
}

#[tokio::test(start_paused = true)]
async fn on_a_busy_host_a_new_container_is_read_first_and_often_for_drift_and_processes() {
    let fake = FakeDocker::new();
    let feed = fake.event_feed();
    let mut busy = Busy::new(&fake, feed.clone());
    // Default intervals and budget: drift and processes every 10 s, 90 reads a minute.
    let settings = WatchSettings {
        resync: Duration::from_secs(24 * 3600),
        watchdog: Duration::ZERO,
        ..WatchSettings::default()
    };
    let (tx, mut rx) = mpsc::channel(1024);
    let handle = spawn_with(fake.clone(), 0, FakeDocker::endpoint(), settings, tx);
    loop {
        match rx.recv().await {
            Some(DataEvent::Status {
                status: LinkStatus::Live,
                ..
            }) => break,
            Some(_) => {}
            None => panic!("the watch task ended"),
        }
    }
    // Nobody reads the console's side: drain it.
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    // A host that already ran this for a while.
    busy.run_for(70).await;

    let ours = id("0ur5");
    fake.add_container(FakeDocker::container(&ours, "ours", "running", &[]));
    feed.send(event("create", &ours, "ours", busy.nano()));
    feed.send(event("start", &ours, "ours", busy.nano() + 1));
    let t0 = tokio::time::Instant::now();
    busy.run_for(60).await;

    let minute = Duration::from_secs(60);
    for (op, what) in [(Op::Top, "processes"), (Op::Changes, "drift")] {
        let seen = reads(&fake, op, &ours, t0);
        // Hot for its first minute: read at once, then every 2.5 s or the next slot of its
        // kind after (2.67 s for processes), whatever the 60 touched containers and the
        // churn ask for.
        let wait = longest_wait(&seen, minute);
        assert!(
            wait <= Duration::from_secs(4),
            "{what}: the new container waited {wait:?} for a read in its first minute: {seen:?}"
        );
        assert!(seen.len() >= 15, "{what}: {} reads in a minute", seen.len());
    }
    // The daemon's added load stays bounded by the budget, not by how often others exec:
    // 90 scheduled reads a minute, plus follow-ups after execs within their allowance (a
    // third of the budget at most, and a burst of three: 42 reads).
    let polls = fake
        .calls()
        .into_iter()
        .filter(|c| matches!(c.op, Op::Top | Op::Changes) && c.at >= t0 && c.at < t0 + minute)
        .count();
    assert!(
        polls <= 90 + 42,
        "{polls} drift and process reads in a minute"
    );
    handle.task.abort();
    drain.abort();
}
