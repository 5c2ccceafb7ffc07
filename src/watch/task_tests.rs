//! The watch task against the fake daemon ([`crate::docker::fake`]), on tokio's paused
//! clock: what reaches the console and in which order, resync, reconnect after the
//! stream ends, follow-up reads after an exec or a copy, the poll budget.

use super::*;
use crate::docker::fake::{FakeDocker, Op};
use crate::docker::{DockerError, Top};
use crate::model::{ChangeKind, DockerEvent, EventKind, FileChange};

const A: &str = "aaaa000000000000000000000000000000000000000000000000000000000000";
const B: &str = "bbbb000000000000000000000000000000000000000000000000000000000000";

/// Polls and the safety resync off unless a test turns them on.
fn quiet() -> WatchSettings {
    WatchSettings {
        resync: Duration::from_secs(24 * 3600),
        drift: Duration::ZERO,
        processes: Duration::ZERO,
        watchdog: Duration::ZERO,
        ..WatchSettings::default()
    }
}

struct Watch {
    rx: mpsc::Receiver<DataEvent>,
    handle: WatchHandle,
}

fn start(fake: &FakeDocker, settings: WatchSettings) -> Watch {
    let (tx, rx) = mpsc::channel(1024);
    let handle = spawn_with(fake.clone(), 0, FakeDocker::endpoint(), settings, tx);
    Watch { rx, handle }
}

/// One line per event, for order checks.
fn label(ev: &DataEvent) -> String {
    match ev {
        DataEvent::Status { status, .. } => match status {
            LinkStatus::Connecting => "connecting".into(),
            LinkStatus::Live => "live".into(),
            LinkStatus::Down { message, .. } => format!("down: {message}"),
        },
        DataEvent::Host { .. } => "host".into(),
        DataEvent::Snapshot { containers, .. } => {
            let names: Vec<&str> = containers.iter().map(|c| c.facts.name.as_str()).collect();
            format!("snapshot {}", names.join(","))
        }
        DataEvent::Upsert {
            container, cause, ..
        } => format!(
            "upsert {} {}",
            container.facts.name,
            cause.as_deref().unwrap_or("-")
        ),
        DataEvent::Removed { id, .. } => format!("removed {}", &id[..4]),
        DataEvent::RawInspect { document, .. } => match document {
            Ok(_) => "raw ok".into(),
            Err(e) => format!("raw error: {e}"),
        },
        DataEvent::Alert { alert, .. } => format!("alert {}", alert.rule),
        DataEvent::Error { message, .. } => format!("error: {message}"),
        DataEvent::Unread { line, .. } => format!("unread: {line}"),
    }
}

impl Watch {
    async fn next(&mut self) -> String {
        let ev = tokio::time::timeout(Duration::from_secs(3600), self.rx.recv())
            .await
            .expect("an event within the hour")
            .expect("the task is running");
        label(&ev)
    }

    /// Labels up to and including the first one that starts with `stop`; alerts about
    /// the link are kept, other alerts left out.
    async fn until(&mut self, stop: &str) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            let l = self.next().await;
            let done = l.starts_with(stop);
            if !l.starts_with("alert SW-ACT-") || l.starts_with("alert SW-ACT-LINK") {
                seen.push(l);
            }
            if done {
                return seen;
            }
        }
    }
}

fn fleet() -> FakeDocker {
    let fake = FakeDocker::new();
    fake.add_container(FakeDocker::container(A, "alpha", "running", &["bridge"]));
    fake.add_container(FakeDocker::container(B, "beta", "exited", &["bridge"]));
    fake
}

fn event(action: &str, id: &str, name: &str, t: i64) -> DockerEvent {
    FakeDocker::container_event(action, id, name, t * 1_000_000_000)
}

#[tokio::test(start_paused = true)]
async fn inventory_first_then_events_in_order() {
    let fake = fleet();
    let feed = fake.event_feed();
    let mut w = start(&fake, quiet());
    assert_eq!(
        w.until("live").await,
        ["connecting", "host", "snapshot alpha,beta", "live"]
    );

    // A new container: created, started, then removed.
    let c = "cccc000000000000000000000000000000000000000000000000000000000000";
    fake.add_container(FakeDocker::container(c, "gamma", "running", &["bridge"]));
    feed.send(event("create", c, "gamma", 100));
    assert_eq!(w.until("upsert").await, ["upsert gamma create"]);
    feed.send(event("start", c, "gamma", 101));
    assert_eq!(w.until("upsert").await, ["upsert gamma start"]);
    fake.remove_container(c);
    feed.send(event("destroy", c, "gamma", 102));
    assert_eq!(w.until("removed").await, ["removed cccc"]);

    // A repeat of an event already seen changes nothing; an unreadable one is skipped.
    feed.fail(DockerError::Malformed("expected value".into()));
    feed.send(event("start", c, "gamma", 101));
    feed.send(event("stop", B, "beta", 103));
    assert_eq!(w.until("upsert").await, ["upsert beta stop"]);
    assert_eq!(fake.count(Op::Connect), 1, "no reconnect");
    w.handle.task.abort();
}

/// A quiet daemon brings no event: the first session is Live once its inventory is read
/// and its stream open, not after STREAM_UP_AFTER of silence (a reconnect still waits: see
/// `a_failing_stream_backs_off_with_one_notice_per_outage`).
#[tokio::test(start_paused = true)]
async fn the_first_session_is_live_without_waiting_for_an_event() {
    let fake = fleet();
    let _feed = fake.event_feed();
    let began = tokio::time::Instant::now();
    let mut w = start(&fake, quiet());
    w.until("live").await;
    let took = tokio::time::Instant::now() - began;
    assert!(took < STREAM_UP_AFTER, "live after {took:?}");
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_vanished_container_inspected_after_its_event_is_removed() {
    let fake = fleet();
    let feed = fake.event_feed();
    let mut w = start(&fake, quiet());
    w.until("live").await;
    fake.remove_container(A);
    feed.send(event("die", A, "alpha", 100));
    assert_eq!(w.until("removed").await, ["removed aaaa"]);
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn the_stream_ending_reconnects_and_replays_from_the_last_event() {
    let fake = fleet();
    let first = fake.event_feed();
    let second = fake.event_feed();
    let mut w = start(&fake, quiet());
    w.until("live").await;
    first.send(event("stop", A, "alpha", 500));
    w.until("upsert").await;
    drop(first);
    let seen = w.until("live").await;
    assert_eq!(
        seen,
        [
            "alert SW-ACT-LINK-001",
            "down: the event stream ended (daemon restarted?)",
            "connecting",
            "host",
            "snapshot alpha,beta",
            "live",
        ]
    );
    assert_eq!(w.until("alert SW-ACT-LINK-002").await.len(), 1);
    assert_eq!(fake.count(Op::Connect), 2);
    let since: Vec<String> = fake
        .calls()
        .into_iter()
        .filter(|c| c.op == Op::Events)
        .map(|c| c.target)
        .collect();
    assert_eq!(since[1], "500.000000000", "resumes at the last event seen");

    // The replayed event is dropped; a new one goes through.
    second.send(event("stop", A, "alpha", 500));
    second.send(event("start", A, "alpha", 501));
    assert_eq!(w.until("upsert").await, ["upsert alpha start"]);
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_broken_stream_and_a_refused_connection_are_said_and_retried() {
    let fake = fleet();
    let feed = fake.event_feed();
    let _next = fake.event_feed();
    let mut w = start(&fake, quiet());
    w.until("live").await;
    fake.fail_times(
        Op::Connect,
        None,
        DockerError::Unreachable("refused".into()),
        1,
    );
    feed.fail(DockerError::Unreachable("connection reset".into()));
    let seen = w.until("live").await;
    assert_eq!(seen[0], "alert SW-ACT-LINK-001");
    assert_eq!(seen[1], "down: the event stream broke: connection reset");
    assert!(
        seen[3].starts_with("down: cannot reach the Docker daemon"),
        "{seen:?}"
    );
    assert_eq!(seen.last().map(String::as_str), Some("live"));
    assert_eq!(fake.count(Op::Connect), 3);
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn resync_on_request_and_the_slow_list_only_resync() {
    let fake = fleet();
    let _feed = fake.event_feed();
    let settings = WatchSettings {
        resync: Duration::from_secs(60),
        ..quiet()
    };
    let mut w = start(&fake, settings);
    w.until("live").await;

    // Changed behind seawall's back: no events. The light resync lists, then inspects
    // only what changed, and drops what is gone.
    let inspects = fake.count(Op::Inspect);
    let mut alpha = fake.get(A).unwrap();
    alpha.state = crate::model::ContainerState::Exited;
    fake.add_container(alpha);
    fake.remove_container(B);
    let seen = w.until("upsert").await;
    assert_eq!(seen, ["removed bbbb", "upsert alpha resync"]);
    assert_eq!(fake.count(Op::Inspect), inspects + 1, "only alpha re-read");

    // A full resync on request.
    w.handle.requests.send(WatchRequest::Resync).unwrap();
    assert_eq!(w.until("snapshot").await, ["host", "snapshot alpha"]);

    // The raw document, and the error of a container that is gone.
    w.handle
        .requests
        .send(WatchRequest::RawInspect { id: A.into() })
        .unwrap();
    assert_eq!(w.until("raw").await, ["raw ok"]);
    w.handle
        .requests
        .send(WatchRequest::RawInspect { id: B.into() })
        .unwrap();
    let seen = w.until("raw").await;
    assert!(seen[0].contains("HTTP 404: No such container"), "{seen:?}");
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn an_exec_or_a_copy_is_followed_by_reads_of_changes_and_processes() {
    let fake = fleet();
    let feed = fake.event_feed();
    fake.set_changes(
        A,
        vec![FileChange {
            path: "/tmp/x".into(),
            kind: ChangeKind::Added,
        }],
    );
    fake.set_top(
        A,
        Top {
            titles: vec!["UID".into(), "PID".into(), "CMD".into()],
            processes: vec![vec!["root".into(), "1".into(), "sleep 1000".into()]],
        },
    );
    fake.add_exec(crate::model::ExecFacts {
        id: "e1".into(),
        container_id: A.into(),
        command: vec!["sh".into()],
        user: String::new(),
        privileged: false,
        tty: true,
        running: true,
        exit_code: None,
    });
    // Polls on but with a budget of one read a minute (the first slot is 2 minutes away):
    // only the follow-ups read within the test.
    let settings = WatchSettings {
        drift: Duration::from_secs(3600),
        processes: Duration::from_secs(3600),
        poll_per_minute: 1,
        ..quiet()
    };
    let mut w = start(&fake, settings);
    w.until("live").await;
    let mut exec = event("exec_start: sh", A, "alpha", 100);
    exec.attributes.insert("execID".into(), "e1".into());
    feed.send(exec);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.count_on(Op::ExecInspect, "e1"), 1);
    assert_eq!(fake.count_on(Op::Changes, A), 0, "not yet");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(fake.count_on(Op::Changes, A), 1, "after a second");
    assert_eq!(fake.count_on(Op::Top, A), 1);
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(fake.count_on(Op::Changes, A), 2, "and again after five");
    assert_eq!(fake.count_on(Op::Top, A), 2);
    assert_eq!(
        fake.count_on(Op::Changes, B),
        0,
        "only the container touched"
    );

    // A copy into the container is followed the same way.
    let copy = DockerEvent {
        kind: EventKind::Container,
        ..event("extract-to-dir", A, "alpha", 200)
    };
    feed.send(copy);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(fake.count_on(Op::Changes, A), 3);
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn polls_keep_to_the_budget() {
    let fake = FakeDocker::new();
    for i in 0..5 {
        let id = format!("{i:0>64}");
        fake.add_container(FakeDocker::container(&id, &format!("c{i}"), "running", &[]));
    }
    let _feed = fake.event_feed();
    // Drift only, every 10 s, at most 6 reads a minute: one read every 10 s.
    let settings = WatchSettings {
        drift: Duration::from_secs(10),
        poll_per_minute: 6,
        ..quiet()
    };
    let mut w = start(&fake, settings);
    w.until("live").await;
    // The session began (and its poll timers) when the stream opened; a task's first
    // session is Live then.
    let live = tokio::time::Instant::now();
    // One slot every 10 s, the first 10 s after the session began; every container is due
    // at once, so each slot reads one (and the 10 s interval never allows more).
    tokio::time::sleep(Duration::from_secs(45)).await;
    let reads: Vec<tokio::time::Instant> = fake
        .calls()
        .into_iter()
        .filter(|c| c.op == Op::Changes)
        .map(|c| c.at)
        .collect();
    assert_eq!(reads.len(), 4, "one read every 10 s from 10 s on");
    assert_eq!(reads[0] - live, Duration::from_secs(10));
    for pair in reads.windows(2) {
        assert_eq!(
            pair[1] - pair[0],
            Duration::from_secs(10),
            "the budget's gap"
        );
    }
    tokio::time::sleep(Duration::from_secs(10)).await;
    let ids: std::collections::HashSet<String> = fake
        .calls()
        .into_iter()
        .filter(|c| c.op == Op::Changes)
        .map(|c| c.target)
        .collect();
    assert_eq!(ids.len(), 5, "every running container read once");
    assert_eq!(fake.count(Op::Top), 0, "process polling is off");
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_container_just_started_is_read_first_and_often_on_a_large_host() {
    let fake = FakeDocker::new();
    for i in 0..60 {
        let id = format!("{i:0>64}");
        fake.add_container(FakeDocker::container(&id, &format!("c{i}"), "running", &[]));
    }
    let feed = fake.event_feed();
    // Drift only, one read a second: 60 quiet-ish containers asking for one read every
    // 30 s each keep every slot busy.
    let settings = WatchSettings {
        drift: Duration::from_secs(10),
        poll_per_minute: 60,
        ..quiet()
    };
    let mut w = start(&fake, settings);
    w.until("live").await;
    tokio::time::sleep(Duration::from_secs(40)).await;
    let n = "ffff000000000000000000000000000000000000000000000000000000000000";
    fake.add_container(FakeDocker::container(n, "fresh", "running", &[]));
    feed.send(event("start", n, "fresh", 100));
    w.until("upsert fresh start").await;
    let started = tokio::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(30)).await;
    let reads: Vec<tokio::time::Instant> = fake
        .calls()
        .into_iter()
        .filter(|c| c.op == Op::Changes && c.target == n)
        .map(|c| c.at)
        .collect();
    assert!(!reads.is_empty(), "the new container is read");
    assert!(
        reads[0] - started <= Duration::from_secs(1),
        "at the next slot: {:?}",
        reads[0] - started
    );
    // Hot: every 2.5 s (the next slot after), ~10 reads in 30 s, where an old container
    // gets one.
    assert!(reads.len() >= 9, "{} reads", reads.len());
    let old = fake.count_on(Op::Changes, &format!("{:0>64}", 7));
    assert!(old <= 3, "an old container read {old} times in 70 s");
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_poll_that_fails_is_one_message_and_a_gone_container_none() {
    let fake = fleet();
    let _feed = fake.event_feed();
    let c = "cccc000000000000000000000000000000000000000000000000000000000000";
    fake.add_container(FakeDocker::container(c, "gamma", "running", &[]));
    fake.fail(
        Op::Changes,
        Some(A),
        DockerError::from_status(
            500,
            "stat /var/lib/docker/overlay2/x: no such file or directory",
        ),
    );
    fake.fail(
        Op::Changes,
        Some(c),
        DockerError::from_status(500, "disk on fire"),
    );
    let settings = WatchSettings {
        drift: Duration::from_secs(10),
        ..quiet()
    };
    let mut w = start(&fake, settings);
    w.until("live").await;
    let seen = w.until("error").await;
    assert_eq!(
        seen,
        [
            "error: could not read the filesystem changes of 1 of 2 running containers: \
          HTTP 500: disk on fire"
        ]
    );
    w.handle.task.abort();
}

/// Every event until `stop` virtual seconds have passed (the task keeps running).
async fn collect_for(w: &mut Watch, secs: u64) -> Vec<DataEvent> {
    let end = tokio::time::Instant::now() + Duration::from_secs(secs);
    let mut out = Vec::new();
    while let Ok(Some(ev)) = tokio::time::timeout_at(end, w.rx.recv()).await {
        out.push(ev);
    }
    out
}

fn alerts_of<'a>(events: &'a [DataEvent], rule: &str) -> Vec<&'a crate::activity::Alert> {
    events
        .iter()
        .filter_map(|e| match e {
            DataEvent::Alert { alert, .. } if alert.rule == rule => Some(&**alert),
            _ => None,
        })
        .collect()
}

fn risky(id: &str, name: &str) -> crate::model::ContainerFacts {
    let mut c = crate::risk::rules::test_support::container(
        r#"{"HostConfig": {"Privileged": true, "PidMode": "host"}}"#,
    );
    c.id = id.into();
    c.name = name.into();
    c.state = crate::model::ContainerState::Running;
    c
}

const C: &str = "cccc000000000000000000000000000000000000000000000000000000000000";

#[tokio::test(start_paused = true)]
async fn one_container_that_cannot_be_inspected_is_named_and_retried_the_rest_is_live() {
    let fake = fleet();
    let _feed = fake.event_feed();
    fake.fail_times(
        Op::Inspect,
        Some(A),
        DockerError::from_status(500, "boom"),
        2,
    );
    let mut w = start(&fake, quiet());
    assert_eq!(
        w.until("live").await,
        [
            "connecting",
            "host",
            "snapshot beta",
            "unread: alpha (aaaa00000000): inspect failed: HTTP 500: boom; retrying in 2 s",
            "live"
        ]
    );
    assert_eq!(
        w.until("upsert").await,
        [
            // Tried again after 2 s (fails: the wait doubles), then after 4 s it is read.
            "unread: alpha (aaaa00000000): inspect failed: HTTP 500: boom; retrying in 4 s",
            "upsert alpha retry"
        ]
    );
    assert_eq!(fake.count_on(Op::Inspect, A), 3);
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_failing_stream_backs_off_with_one_notice_per_outage() {
    let fake = fleet();
    let feed = fake.event_feed();
    let mut w = start(&fake, quiet());
    w.until("live").await;
    let lists_before = fake.count(Op::List);
    // The stream ends; every new one answers 500 for 20 s.
    fake.fail(
        Op::Events,
        None,
        DockerError::from_status(500, "events broken"),
    );
    drop(feed);
    let outage = collect_for(&mut w, 20).await;
    // Waits of 1, 2, 4, 8 s: five attempts in 20 s, not one a second.
    let attempts = fake.count(Op::List) - lists_before;
    assert!(
        (4..=6).contains(&attempts),
        "{attempts} inventories in 20 s"
    );
    assert_eq!(
        alerts_of(&outage, notice::LINK_LOST).len(),
        1,
        "one loss notice"
    );
    assert!(
        alerts_of(&outage, notice::LINK_BACK).is_empty(),
        "never back"
    );
    assert!(
        !outage.iter().any(|e| matches!(
            e,
            DataEvent::Status {
                status: LinkStatus::Live,
                ..
            }
        )),
        "no Live while the stream fails"
    );
    // The header counts down: 8, 7, 6... within one wait.
    let countdown: Vec<u64> = outage
        .iter()
        .filter_map(|e| match e {
            DataEvent::Status {
                status: LinkStatus::Down { retry_in_secs, .. },
                ..
            } => Some(*retry_in_secs),
            _ => None,
        })
        .collect();
    assert!(
        countdown.windows(3).any(|w| w == [8, 7, 6]),
        "{countdown:?}"
    );
    // The stream works again: one reconnect notice.
    fake.clear_failures();
    let _feed = fake.event_feed();
    let back = collect_for(&mut w, 40).await;
    assert_eq!(alerts_of(&back, notice::LINK_LOST).len(), 0);
    let notices = alerts_of(&back, notice::LINK_BACK);
    assert_eq!(notices.len(), 1, "one reconnect notice");
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_daemon_that_comes_back_is_seen_within_a_second() {
    let fake = fleet();
    let feed = fake.event_feed();
    let _next = fake.event_feed();
    let mut w = start(&fake, quiet());
    w.until("live").await;
    // Down for 20 s: the waits grow to 16 s, but a ping each second sees the return.
    fake.fail(
        Op::Connect,
        None,
        DockerError::Unreachable("connection refused".into()),
    );
    feed.fail(DockerError::Unreachable("connection reset".into()));
    collect_for(&mut w, 20).await;
    fake.clear_failures();
    let back_at = tokio::time::Instant::now();
    w.until("live").await;
    // Up means the stream stayed open STREAM_UP_AFTER; it was opened within a second.
    let opened = fake
        .calls()
        .into_iter()
        .filter(|c| c.op == Op::Events)
        .map(|c| c.at)
        .next_back()
        .unwrap();
    assert!(
        opened - back_at <= Duration::from_secs(1),
        "{:?}",
        opened - back_at
    );
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_gap_before_the_first_event_resumes_where_the_stream_began() {
    let fake = fleet();
    let feed = fake.event_feed();
    let next = fake.event_feed();
    let mut w = start(&fake, quiet());
    w.until("live").await;
    tokio::time::sleep(Duration::from_secs(100)).await;
    drop(feed);
    w.until("live").await;
    let since: Vec<String> = fake
        .calls()
        .into_iter()
        .filter(|c| c.op == Op::Events)
        .map(|c| c.target)
        .collect();
    assert_eq!(since.len(), 2);
    assert_eq!(since[0], since[1], "not 'now - 2 s': the gap is replayed");

    // The replay: an exec and a container created and removed in the gap. The exec alert
    // carries the event's time; the vanished container still gives its launch alert.
    let t0 = 1_700_000_000;
    let mut exec = event("exec_create: sh", A, "alpha", t0);
    exec.attributes.insert("execID".into(), "e1".into());
    next.send(exec);
    let mut create = event("create", C, "ghost", t0 + 1);
    create
        .attributes
        .insert("image".into(), "evil:latest".into());
    next.send(create);
    next.send(event("destroy", C, "ghost", t0 + 2));
    let seen = collect_for(&mut w, 5).await;
    let execs = alerts_of(&seen, "SW-ACT-EXEC-002");
    assert_eq!(execs.len(), 1, "{seen:?}");
    assert_eq!(
        execs[0].time.timestamp(),
        t0,
        "the event's time, not the replay's"
    );
    let unseen = alerts_of(&seen, "SW-ACT-LAUNCH-002");
    assert_eq!(unseen.len(), 1, "{seen:?}");
    assert_eq!(unseen[0].container.as_ref().unwrap().name, "ghost");
    assert!(
        unseen[0].detail.contains("image evil:latest"),
        "{}",
        unseen[0].detail
    );
    assert_eq!(unseen[0].time.timestamp(), t0 + 1);
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_silent_stream_while_the_daemon_changes_is_noticed_and_replayed() {
    let fake = fleet();
    let _stalled = fake.event_feed();
    let next = fake.event_feed();
    let settings = WatchSettings {
        watchdog: Duration::from_secs(15),
        ..quiet()
    };
    let mut w = start(&fake, settings);
    w.until("live").await;
    // A risky container starts; the stream says nothing.
    fake.add_container(risky(C, "pidhost"));
    let seen = collect_for(&mut w, 20).await;
    let lost = alerts_of(&seen, notice::LINK_LOST);
    assert_eq!(lost.len(), 1, "{seen:?}");
    assert!(
        lost[0].detail.contains("brought nothing") && lost[0].detail.contains("1 container"),
        "{}",
        lost[0].detail
    );
    assert!(fake.count(Op::Events) >= 2, "reconnected");
    // The replay brings its start: the launch alert, once.
    next.send(event("start", C, "pidhost", 50));
    let seen = collect_for(&mut w, 5).await;
    assert_eq!(alerts_of(&seen, "SW-ACT-LAUNCH-001").len(), 1, "{seen:?}");
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_risky_container_found_by_a_resync_alerts_like_one_found_by_an_event() {
    let fake = fleet();
    let _feed = fake.event_feed();
    let settings = WatchSettings {
        resync: Duration::from_secs(60),
        ..quiet()
    };
    let mut w = start(&fake, settings);
    w.until("live").await;
    fake.add_container(risky(C, "pidhost"));
    let seen = collect_for(&mut w, 65).await;
    let launches = alerts_of(&seen, "SW-ACT-LAUNCH-001");
    assert_eq!(launches.len(), 1, "{seen:?}");
    assert_eq!(launches[0].container.as_ref().unwrap().name, "pidhost");
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_malformed_event_is_skipped_and_counted() {
    let fake = fleet();
    let feed = fake.event_feed();
    let mut w = start(&fake, quiet());
    w.until("live").await;
    feed.fail(DockerError::Malformed("an event: invalid type".into()));
    feed.send(event("stop", B, "beta", 103));
    assert_eq!(w.until("upsert").await, ["upsert beta stop"]);
    assert_eq!(fake.count(Op::Connect), 1, "the session goes on");
    w.handle.task.abort();
}

const S: i64 = 1_000_000_000;

/// A live watch whose stream brought one event (at 500 s), with `history` then in the
/// daemon's event log; the stream is still open (drop the feed to cut it, after setting up
/// the next ones).
async fn live_until_500(
    fake: &FakeDocker,
    history: impl IntoIterator<Item = i64>,
) -> (Watch, crate::docker::fake::EventFeed) {
    let first = fake.event_feed();
    let mut w = start(fake, quiet());
    w.until("live").await;
    first.send(event("stop", A, "alpha", 500));
    w.until("upsert").await;
    fake.log_events(history);
    (w, first)
}

/// A watch that saw one event (at 500 s), lost its stream, and reconnected: returns it,
/// the stream it follows now, and what came up to the reconnect notice. `history` is what
/// the daemon logged meanwhile (its last 256 kept), set before the reconnect reads it.
async fn reconnect_after(
    fake: &FakeDocker,
    history: &[i64],
) -> (Watch, crate::docker::fake::EventFeed, Vec<String>) {
    let (mut w, first) =
        live_until_500(fake, [500 * S].into_iter().chain(history.iter().copied())).await;
    let second = fake.event_feed();
    drop(first);
    let seen = w.until("alert SW-ACT-LINK-002").await;
    (w, second, seen)
}

/// The history calls' `since..until`.
fn history_calls(fake: &FakeDocker) -> Vec<String> {
    fake.calls()
        .into_iter()
        .filter(|c| c.op == Op::EventHistory)
        .map(|c| c.target)
        .collect()
}

/// Gap notices (SW-ACT-LINK-003) among labels.
fn gap_notices(labels: &[String]) -> usize {
    labels
        .iter()
        .filter(|l| *l == "alert SW-ACT-LINK-003")
        .count()
}

#[tokio::test(start_paused = true)]
async fn a_full_history_that_starts_after_the_resume_point_says_which_span_is_lost() {
    let fake = fleet();
    // A busy gap: 300 events from 600 s on; the daemon keeps the last 256 (from 644 s on).
    let busy: Vec<i64> = (0..300).map(|i| (600 + i) * S).collect();
    let (w, _feed, seen) = reconnect_after(&fake, &busy).await;
    let notices: Vec<&String> = seen.iter().filter(|l| l.contains("LINK")).collect();
    assert_eq!(
        notices,
        [
            "alert SW-ACT-LINK-001",
            "alert SW-ACT-LINK-003",
            "alert SW-ACT-LINK-002"
        ],
        "lost, the span no replay brings, back"
    );
    // One unfiltered read of the history, from the resume point, before the replay.
    let calls = history_calls(&fake);
    assert_eq!(calls.len(), 1);
    assert!(calls[0].starts_with("500.000000000.."), "{}", calls[0]);
    w.handle.task.abort();

    // The notice itself, as a user reads it.
    let fake = fleet();
    let (mut w, first) = live_until_500(&fake, busy.iter().copied()).await;
    let _second = fake.event_feed();
    drop(first);
    let seen = collect_for(&mut w, 10).await;
    let lost = alerts_of(&seen, notice::GAP_UNCOVERED);
    assert_eq!(lost.len(), 1, "one notice for the gap");
    assert_eq!(lost[0].severity, crate::risk::Severity::Medium);
    assert!(
        lost[0]
            .title
            .starts_with("alerts from 00:08:20 to 00:10:44 UTC (144 s) may be missing"),
        "{}",
        lost[0].title
    );
    assert!(
        lost[0].detail.contains("last 256 events")
            && lost[0].detail.contains("was read again and is shown"),
        "{}",
        lost[0].detail
    );
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_history_that_covers_the_gap_or_is_not_full_says_nothing() {
    // Still holds the resume point: 100 events after it.
    let some: Vec<i64> = (0..100).map(|i| (600 + i) * S).collect();
    // Full, and its oldest is the event at the resume point itself.
    let full: Vec<i64> = (0..255).map(|i| (600 + i) * S).collect();
    for history in [some, full] {
        let fake = fleet();
        let (w, _feed, seen) = reconnect_after(&fake, &history).await;
        assert_eq!(gap_notices(&seen), 0, "{seen:?}");
        assert_eq!(history_calls(&fake).len(), 1);
        w.handle.task.abort();
    }

    // Not full: a daemon that restarted keeps only what came after (200 events), all after
    // the resume point; nothing says it dropped anything.
    let fake = fleet();
    let (mut w, first) = live_until_500(&fake, (0..200).map(|i| (600 + i) * S)).await;
    let _second = fake.event_feed();
    drop(first);
    let seen = w.until("alert SW-ACT-LINK-002").await;
    assert_eq!(gap_notices(&seen), 0, "{seen:?}");
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_failing_history_request_does_not_break_the_reconnect() {
    let fake = fleet();
    fake.fail(
        Op::EventHistory,
        None,
        DockerError::from_status(500, "events: internal error"),
    );
    let busy: Vec<i64> = (0..300).map(|i| (600 + i) * S).collect();
    let (w, _feed, seen) = reconnect_after(&fake, &busy).await;
    // It cannot say; the reconnect and the replay go on.
    assert_eq!(gap_notices(&seen), 0, "{seen:?}");
    assert_eq!(seen.last().unwrap(), "alert SW-ACT-LINK-002");
    assert_eq!(fake.count(Op::EventHistory), 1);
    assert_eq!(fake.count(Op::Events), 2);
    w.handle.task.abort();
}

#[tokio::test(start_paused = true)]
async fn the_gap_is_reported_once_per_outage() {
    let fake = fleet();
    let (mut w, first) = live_until_500(&fake, (0..300).map(|i| (600 + i) * S)).await;
    // The next stream fails at once (the outage goes on), the one after stays up.
    let failing = fake.event_feed();
    failing.fail(DockerError::from_status(500, "boom"));
    drop(failing);
    let _third = fake.event_feed();
    drop(first);
    let seen = w.until("alert SW-ACT-LINK-002").await;
    assert_eq!(fake.count(Op::Events), 3, "{seen:?}");
    assert_eq!(history_calls(&fake).len(), 1, "asked until it was told");
    assert_eq!(gap_notices(&seen), 1, "{seen:?}");
    w.handle.task.abort();
}
