//! Reducer tests: state + message -> state + effects, no terminal.

use super::*;
use crate::risk::rules::testkit::{container, default_host};
use crate::watch::{DataEvent, LinkStatus, WatchRequest};
use std::time::Instant;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn facts(id: &str, name: &str, overlay: &str) -> crate::model::ContainerFacts {
    let mut c = container(overlay);
    c.id = id.into();
    c.name = name.into();
    c
}

/// A state with one live daemon and three containers of different risk.
fn populated() -> AppState {
    let mut s = AppState::new(
        vec!["unix:///var/run/docker.sock".into()],
        UiSettings::default(),
        now(),
    );
    update(
        &mut s,
        Msg::Data(DataEvent::Host {
            host: 0,
            facts: Box::new(default_host()),
        }),
    );
    update(
        &mut s,
        Msg::Data(DataEvent::Snapshot {
            host: 0,
            containers: vec![
                facts("aaa", "web", r#"{"Config":{"Labels":{"app":"shop"}}}"#),
                facts("bbb", "admin", r#"{"HostConfig":{"Privileged":true}}"#),
                facts(
                    "ccc",
                    "hardened",
                    r#"{"Config":{"User":"1000"},"HostConfig":{"ReadonlyRootfs":true,"CapDrop":["ALL"],"SecurityOpt":["no-new-privileges"],"Memory":1000000,"PidsLimit":10,"NanoCpus":1000}}"#,
                ),
            ],
        }),
    );
    update(
        &mut s,
        Msg::Data(DataEvent::Status {
            host: 0,
            status: LinkStatus::Live,
        }),
    );
    s
}

fn names(s: &AppState) -> Vec<&str> {
    s.rows
        .iter()
        .map(|k| s.containers[k].facts.name.as_str())
        .collect()
}

#[test]
fn snapshot_sorts_worst_first() {
    let s = populated();
    assert_eq!(names(&s), ["admin", "web", "hardened"]);
    assert!(
        s.containers
            .values()
            .all(|c| !c.findings.is_empty() || c.facts.name == "hardened")
    );
}

#[test]
fn upsert_regrades_and_resorts_one_container() {
    let mut s = populated();
    let received = Instant::now();
    // `web` gains SYS_MODULE: it must jump above... at least to critical.
    update(
        &mut s,
        Msg::Data(DataEvent::Upsert {
            host: 0,
            container: Box::new(facts(
                "aaa",
                "web",
                r#"{"HostConfig":{"CapAdd":["SYS_MODULE"]}}"#,
            )),
            cause: Some("update".into()),
            received,
        }),
    );
    let web = s
        .containers
        .values()
        .find(|c| c.facts.name == "web")
        .unwrap();
    assert!(web.score.value >= 90, "{}", web.score.value);
    assert_eq!(s.pending_events, vec![received]);
    assert_eq!(names(&s)[2], "hardened");
}

#[test]
fn removed_container_disappears_and_selection_stays_valid() {
    let mut s = populated();
    update(&mut s, Msg::Command(Command::Bottom));
    assert_eq!(s.selected, 2);
    update(
        &mut s,
        Msg::Data(DataEvent::Removed {
            host: 0,
            id: "ccc".into(),
        }),
    );
    assert_eq!(s.rows.len(), 2);
    assert!(s.selected < 2);
}

#[test]
fn selection_follows_the_container_when_order_changes() {
    let mut s = populated();
    update(&mut s, Msg::Command(Command::Down)); // web
    assert_eq!(s.selected_container().unwrap().facts.name, "web");
    update(&mut s, Msg::Command(Command::SortNext)); // by name: admin, hardened, web
    assert_eq!(names(&s), ["admin", "hardened", "web"]);
    assert_eq!(s.selected_container().unwrap().facts.name, "web");
    update(&mut s, Msg::Command(Command::SortReverse));
    assert_eq!(names(&s), ["web", "hardened", "admin"]);
}

#[test]
fn navigation_is_clamped() {
    let mut s = populated();
    update(&mut s, Msg::Command(Command::Up));
    assert_eq!(s.selected, 0);
    update(&mut s, Msg::Command(Command::PageDown));
    assert_eq!(s.selected, 2);
    update(&mut s, Msg::Command(Command::Top));
    assert_eq!(s.selected, 0);
}

#[test]
fn filter_matches_name_image_label_and_finding_id_as_you_type() {
    let mut s = populated();
    update(&mut s, Msg::Command(Command::Filter));
    assert!(s.input_active());
    for c in "app=shop".chars() {
        update(&mut s, Msg::Input(InputKey::Char(c)));
    }
    assert_eq!(names(&s), ["web"]);
    update(&mut s, Msg::Input(InputKey::Esc));
    assert_eq!(s.rows.len(), 3);
    assert!(!s.input_active());

    update(&mut s, Msg::Command(Command::Filter));
    for c in "sw-priv".chars() {
        update(&mut s, Msg::Input(InputKey::Char(c)));
    }
    update(&mut s, Msg::Input(InputKey::Enter));
    assert_eq!(names(&s), ["admin"]);
    assert_eq!(s.filter, "sw-priv");
    // esc in the table clears a kept filter.
    update(&mut s, Msg::Command(Command::Back));
    assert_eq!(s.rows.len(), 3);
}

#[test]
fn open_drilldown_tabs_and_inspect_request() {
    let mut s = populated();
    let fx = update(&mut s, Msg::Command(Command::Open));
    assert!(fx.is_empty());
    let View::Drilldown(d) = &s.view else {
        panic!("drilldown")
    };
    assert_eq!(d.tab, Tab::Findings);
    assert_eq!(s.drilldown_container().unwrap().facts.name, "admin");

    update(&mut s, Msg::Command(Command::NextPane));
    let View::Drilldown(d) = &s.view else {
        panic!()
    };
    assert_eq!(d.tab, Tab::Capabilities);

    let fx = update(&mut s, Msg::Command(Command::Tab6));
    assert_eq!(
        fx,
        vec![Effect::Watch {
            host: Some(0),
            request: WatchRequest::RawInspect { id: "bbb".into() }
        }]
    );
    update(
        &mut s,
        Msg::Data(DataEvent::RawInspect {
            host: 0,
            id: "bbb".into(),
            document: Ok("{\n  \"Id\": \"bbb\",\n  \"Privileged\": true\n}".into()),
        }),
    );
    // Search in the inspect document.
    update(&mut s, Msg::Command(Command::Filter));
    for c in "privileged".chars() {
        update(&mut s, Msg::Input(InputKey::Char(c)));
    }
    update(&mut s, Msg::Input(InputKey::Enter));
    let View::Drilldown(d) = &s.view else {
        panic!()
    };
    assert_eq!(update::inspect_matches(&d.inspect), vec![2]);
    // Opening the tab again does not ask again.
    update(&mut s, Msg::Command(Command::Tab1));
    assert!(update(&mut s, Msg::Command(Command::Tab6)).is_empty());

    update(&mut s, Msg::Command(Command::Back));
    assert_eq!(s.view, View::Fleet);
}

#[test]
fn overlays_and_quit() {
    let mut s = populated();
    update(&mut s, Msg::Command(Command::Help));
    assert!(matches!(s.overlay, Some(Overlay::Help { .. })));
    update(&mut s, Msg::Command(Command::Down));
    assert_eq!(s.overlay, Some(Overlay::Help { scroll: 1 }));
    update(&mut s, Msg::Command(Command::Back));
    assert_eq!(s.overlay, None);
    update(&mut s, Msg::Command(Command::Posture));
    assert!(matches!(s.overlay, Some(Overlay::Posture { .. })));
    assert_eq!(
        update(&mut s, Msg::Command(Command::Quit)),
        vec![Effect::Quit]
    );
    assert!(s.quit);
}

#[test]
fn panes_cycle_and_refresh_asks_every_daemon() {
    let mut s = populated();
    update(&mut s, Msg::Command(Command::NextPane));
    assert_eq!(s.focus, Focus::Preview);
    update(&mut s, Msg::Command(Command::NextPane));
    assert_eq!(s.focus, Focus::Table);
    update(&mut s, Msg::Command(Command::ToggleLog));
    update(&mut s, Msg::Command(Command::PrevPane));
    assert_eq!(s.focus, Focus::Log);
    assert_eq!(
        update(&mut s, Msg::Command(Command::Refresh)),
        vec![Effect::Watch {
            host: None,
            request: WatchRequest::Resync
        }]
    );
}

#[test]
fn docker_errors_become_status_messages() {
    let mut s = populated();
    update(
        &mut s,
        Msg::Data(DataEvent::Status {
            host: 0,
            status: LinkStatus::Down {
                message: "the event stream ended".into(),
                retry_in_secs: 2,
            },
        }),
    );
    let st = s.status.clone().unwrap();
    assert_eq!(st.level, StatusLevel::Error);
    assert!(st.text.contains("the event stream ended") && st.text.contains("2s"));
    update(
        &mut s,
        Msg::Data(DataEvent::Status {
            host: 0,
            status: LinkStatus::Live,
        }),
    );
    assert!(s.status.unwrap().text.contains("reconnected"));
}

#[test]
fn container_joining_a_host_pid_container_is_regraded_when_it_changes() {
    let mut s = populated();
    update(
        &mut s,
        Msg::Data(DataEvent::Upsert {
            host: 0,
            container: Box::new(facts(
                "ddd",
                "joiner",
                r#"{"HostConfig":{"PidMode":"container:aaa"}}"#,
            )),
            cause: None,
            received: Instant::now(),
        }),
    );
    let has_pid_host = |s: &AppState| {
        s.containers
            .values()
            .find(|c| c.facts.name == "joiner")
            .unwrap()
            .findings
            .iter()
            .any(|f| f.id == "SW-NS-001")
    };
    assert!(!has_pid_host(&s));
    update(
        &mut s,
        Msg::Data(DataEvent::Upsert {
            host: 0,
            container: Box::new(facts("aaa", "web", r#"{"HostConfig":{"PidMode":"host"}}"#)),
            cause: None,
            received: Instant::now(),
        }),
    );
    assert!(has_pid_host(&s));
}
