//! Several watch tasks on one channel, as the console, `seawall watch` and `seawall serve`
//! run them: a daemon that never answers (a blackhole), one that is slow to connect and
//! one that is down never delay a live daemon's rows or alerts (issue 10 item 5). On
//! tokio's paused clock, so "at once" is exact: no virtual time passes.

use super::*;
use crate::docker::Cause;
use crate::docker::fake::{FakeDocker, Op};

const A: &str = "aaaa000000000000000000000000000000000000000000000000000000000000";
const B: &str = "bbbb000000000000000000000000000000000000000000000000000000000000";

/// Accepts the connection and never answers: every attempt ends at its timeout.
#[derive(Clone)]
struct Blackhole;

impl Connector for Blackhole {
    type Api = FakeDocker;

    async fn connect(
        &self,
        endpoint: &Endpoint,
        timeout: Duration,
    ) -> Result<FakeDocker, ConnectError> {
        tokio::time::sleep(timeout).await;
        Err(ConnectError::for_cause(endpoint, timeout, Cause::Timeout))
    }
}

/// Answers, but only after `delay`.
#[derive(Clone)]
struct Slow {
    fake: FakeDocker,
    delay: Duration,
}

impl Connector for Slow {
    type Api = FakeDocker;

    async fn connect(
        &self,
        endpoint: &Endpoint,
        timeout: Duration,
    ) -> Result<FakeDocker, ConnectError> {
        tokio::time::sleep(self.delay).await;
        self.fake.connect(endpoint, timeout).await
    }
}

fn quiet() -> WatchSettings {
    WatchSettings {
        resync: Duration::from_secs(24 * 3600),
        drift: Duration::ZERO,
        processes: Duration::ZERO,
        watchdog: Duration::ZERO,
        connect_timeout: Duration::from_secs(10),
        ..WatchSettings::default()
    }
}

fn daemon(id: &str, name: &str) -> FakeDocker {
    let fake = FakeDocker::new();
    fake.add_container(FakeDocker::container(id, name, "running", &["bridge"]));
    fake
}

fn host_of(ev: &DataEvent) -> HostId {
    match ev {
        DataEvent::Status { host, .. }
        | DataEvent::Host { host, .. }
        | DataEvent::Snapshot { host, .. }
        | DataEvent::Upsert { host, .. }
        | DataEvent::Removed { host, .. }
        | DataEvent::RawInspect { host, .. }
        | DataEvent::Alert { host, .. }
        | DataEvent::Unread { host, .. }
        | DataEvent::Error { host, .. } => *host,
    }
}

/// Events until `stop` says so, each with the virtual time it arrived at.
async fn until(
    rx: &mut mpsc::Receiver<DataEvent>,
    start: tokio::time::Instant,
    stop: impl Fn(&DataEvent) -> bool,
) -> Vec<(Duration, DataEvent)> {
    let mut seen = Vec::new();
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(3600), rx.recv())
            .await
            .expect("an event within the hour")
            .expect("the tasks are running");
        let done = stop(&ev);
        seen.push((start.elapsed(), ev));
        if done {
            return seen;
        }
    }
}

fn endpoint(url: &str) -> Endpoint {
    Endpoint {
        url: url.to_string(),
        ..FakeDocker::endpoint()
    }
}

#[tokio::test(start_paused = true)]
async fn a_blackhole_a_slow_and_a_down_daemon_never_delay_the_live_one() {
    let (tx, mut rx) = mpsc::channel(1024);
    let start = tokio::time::Instant::now();
    let live = daemon(A, "web");
    let feed = live.event_feed();
    let slow = daemon(B, "db");
    let _slow_feed = slow.event_feed();
    let down = FakeDocker::new();
    down.fail(
        Op::Connect,
        None,
        DockerError::Unreachable("refused".into()),
    );
    let handles = [
        spawn_with(
            Blackhole,
            0,
            endpoint("unix:///blackhole.sock"),
            quiet(),
            tx.clone(),
        ),
        spawn_with(
            Slow {
                fake: slow.clone(),
                delay: Duration::from_secs(5),
            },
            1,
            endpoint("unix:///slow.sock"),
            quiet(),
            tx.clone(),
        ),
        spawn_with(down, 2, endpoint("unix:///down.sock"), quiet(), tx.clone()),
        spawn_with(
            live.clone(),
            3,
            endpoint("unix:///live.sock"),
            quiet(),
            tx.clone(),
        ),
    ];

    // The live daemon's rows come at once: no virtual time passes while the blackhole and
    // the slow one are still connecting.
    let seen = until(&mut rx, start, |e| {
        matches!(e, DataEvent::Snapshot { host: 3, .. })
    })
    .await;
    let (at, _) = seen.last().unwrap();
    assert_eq!(*at, Duration::ZERO, "the live rows waited");
    assert!(
        seen.iter()
            .all(|(_, e)| !matches!(e, DataEvent::Snapshot { host, .. } if *host != 3)),
        "nobody else had rows yet"
    );

    // The slow one's rows come when it answers (5 s), not after the blackhole's 10 s.
    let seen = until(&mut rx, start, |e| {
        matches!(e, DataEvent::Snapshot { host: 1, .. })
    })
    .await;
    assert_eq!(seen.last().unwrap().0, Duration::from_secs(5));
    assert!(
        seen.iter().all(|(_, e)| !(host_of(e) == 0
            && matches!(
                e,
                DataEvent::Status {
                    status: LinkStatus::Down { .. },
                    ..
                }
            ))),
        "the blackhole has not timed out yet"
    );

    // The blackhole is down at its own connect timeout, with why.
    let seen = until(&mut rx, start, |e| {
        matches!(
            e,
            DataEvent::Status {
                host: 0,
                status: LinkStatus::Down { .. }
            }
        )
    })
    .await;
    let (at, last) = seen.last().unwrap();
    assert_eq!(*at, Duration::from_secs(10));
    let DataEvent::Status {
        status: LinkStatus::Down { message, .. },
        ..
    } = last
    else {
        unreachable!()
    };
    assert!(message.contains("unix:///blackhole.sock"), "{message}");

    // While the blackhole and the down daemon retry, an exec on the live daemon is an
    // alert at once.
    let now = start.elapsed();
    let mut exec = FakeDocker::container_event("exec_create: sh", A, "web", 1_000_000_000);
    exec.attributes.insert("execID".into(), "e1".into());
    feed.send(exec);
    let seen = until(&mut rx, start, |e| {
        matches!(e, DataEvent::Alert { host: 3, alert, .. } if alert.rule.starts_with("SW-ACT-EXEC"))
    })
    .await;
    assert_eq!(seen.last().unwrap().0, now, "the alert waited");
    assert!(live.count(Op::Connect) == 1);
    for h in handles {
        h.task.abort();
    }
}
