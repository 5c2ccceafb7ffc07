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
