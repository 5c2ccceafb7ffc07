//! Reducer tests: state + message -> state + effects, no terminal.

use super::*;
use crate::risk::rules::test_support::{container, default_host};
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

/// The daemon's grader as the watch task would hold it for this state.
fn grader_of(s: &AppState) -> crate::risk::Grader {
    let mut g = crate::risk::Grader::new(s.hosts[0].facts.clone().unwrap_or_default());
    g.replace(s.host_containers(0).map(|c| c.facts.clone()));
    g
}

/// The `Upsert` a watch task sends when `facts` is read: graded, with its dependents.
fn upsert(
    s: &AppState,
    facts: crate::model::ContainerFacts,
    cause: Option<String>,
    received: Instant,
) -> Msg {
    let (graded, regraded) = grader_of(s).upsert(facts);
    Msg::Data(DataEvent::Upsert {
        host: 0,
        container: Box::new(graded),
        regraded,
        cause,
        received,
    })
}

/// The `Removed` a watch task sends when container `id` is gone.
fn removed(s: &AppState, id: &str) -> Msg {
    let regraded = grader_of(s).remove(id);
    Msg::Data(DataEvent::Removed {
        host: 0,
        id: id.into(),
        regraded,
    })
}

/// A state with one live daemon and three containers of different risk.
fn populated() -> AppState {
    let mut s = AppState::new(
        vec!["unix:///var/run/docker.sock".into()],
        UiSettings::default(),
        now(),
    );
    let inventory = DataEvent::inventory(
        0,
        default_host(),
        vec![
            facts("aaa", "web", r#"{"Config":{"Labels":{"app":"shop"}}}"#),
            facts("bbb", "admin", r#"{"HostConfig":{"Privileged":true}}"#),
            facts(
                "ccc",
                "hardened",
                r#"{"Config":{"User":"1000"},"HostConfig":{"ReadonlyRootfs":true,"CapDrop":["ALL"],"SecurityOpt":["no-new-privileges"],"Memory":1000000,"PidsLimit":10,"NanoCpus":1000}}"#,
            ),
        ],
    );
    for event in inventory {
        update(&mut s, Msg::Data(event));
    }
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
    let msg = upsert(
        &s,
        facts("aaa", "web", r#"{"HostConfig":{"CapAdd":["SYS_MODULE"]}}"#),
        Some("update".into()),
        received,
    );
    update(&mut s, msg);
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
    let msg = removed(&s, "ccc");
    update(&mut s, msg);
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
    assert_eq!(d.inspect.matches(), [2]);
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
    assert_eq!(s.focus, Focus::Feed);
    update(&mut s, Msg::Command(Command::NextPane));
    assert_eq!(s.focus, Focus::Table);
    update(&mut s, Msg::Command(Command::ToggleLog));
    update(&mut s, Msg::Command(Command::PrevPane));
    assert_eq!(s.focus, Focus::Log);
    update(&mut s, Msg::Command(Command::PrevPane));
    assert_eq!(s.focus, Focus::Feed);
    update(&mut s, Msg::Command(Command::NextPane));
    assert_eq!(s.focus, Focus::Log);
    assert_eq!(
        update(&mut s, Msg::Command(Command::Refresh)),
        vec![
            Effect::Watch {
                host: None,
                request: WatchRequest::Resync
            },
            // Another seawall may have isolated something meanwhile.
            Effect::ReadIsolations,
        ]
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
    let msg = upsert(
        &s,
        facts(
            "ddd",
            "joiner",
            r#"{"HostConfig":{"PidMode":"container:aaa"}}"#,
        ),
        None,
        Instant::now(),
    );
    update(&mut s, msg);
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
    let msg = upsert(
        &s,
        facts("aaa", "web", r#"{"HostConfig":{"PidMode":"host"}}"#),
        None,
        Instant::now(),
    );
    update(&mut s, msg);
    assert!(has_pid_host(&s));
}

#[test]
fn a_removal_stores_the_containers_that_joined_it_regraded() {
    let mut s = populated();
    let msg = upsert(
        &s,
        facts("aaa", "web", r#"{"HostConfig":{"PidMode":"host"}}"#),
        None,
        Instant::now(),
    );
    update(&mut s, msg);
    let msg = upsert(
        &s,
        facts(
            "ddd",
            "joiner",
            r#"{"HostConfig":{"PidMode":"container:web"}}"#,
        ),
        None,
        Instant::now(),
    );
    update(&mut s, msg);
    let joiner = |s: &AppState| s.containers[&key("ddd")].clone();
    assert!(joiner(&s).confinement.pid.is_host());
    assert!(joiner(&s).findings.iter().any(|f| f.id == "SW-NS-001"));
    let msg = removed(&s, "aaa");
    update(&mut s, msg);
    assert!(!joiner(&s).confinement.pid.is_host());
    assert!(!joiner(&s).findings.iter().any(|f| f.id == "SW-NS-001"));
}

// ---- The activity feed and the live score (issue 4) ----

use crate::activity::{Alert, ContainerRef};
use crate::risk::Severity;

/// An alert at `now() + secs` about container `id`/`name` (`None`: the daemon).
fn alert(container: Option<(&str, &str)>, severity: Severity, bump: u8, secs: i64) -> Alert {
    Alert {
        time: now() + chrono::Duration::seconds(secs),
        container: container.map(|(id, name)| ContainerRef {
            id: id.into(),
            name: name.into(),
        }),
        rule: format!("SW-ACT-TEST-{}", severity.as_str().to_uppercase()),
        severity,
        title: format!("{} thing", severity.as_str()),
        detail: "sh -c id".into(),
        technique: "T1059.004 Unix Shell".into(),
        score_bump: bump,
    }
}

fn send(s: &mut AppState, a: Alert) {
    update(
        s,
        Msg::Data(DataEvent::Alert {
            host: 0,
            alert: Box::new(a),
            received: Instant::now(),
        }),
    );
}

fn key(id: &str) -> RowKey {
    RowKey {
        host: 0,
        id: id.into(),
    }
}

fn shown_rules(s: &AppState) -> Vec<String> {
    s.feed
        .shown_from(0)
        .map(|e| format!("{}@{}", e.alert.severity, e.seq))
        .collect()
}

#[test]
fn feed_is_newest_first_and_bounded() {
    let mut s = populated();
    s.feed = Feed::new(3);
    for (i, sev) in [
        Severity::Low,
        Severity::High,
        Severity::Critical,
        Severity::Medium,
        Severity::High,
    ]
    .into_iter()
    .enumerate()
    {
        send(&mut s, alert(Some(("aaa", "web")), sev, 0, i as i64));
    }
    assert_eq!(s.feed.len(), 3);
    assert_eq!(shown_rules(&s), ["high@4", "medium@3", "critical@2"]);
    assert_eq!(s.feed.count(Severity::High), 1);
    assert_eq!(s.feed.count(Severity::Low), 0);
    assert_eq!(s.feed.count(Severity::Critical), 1);
    // The count on the row follows the feed: evicted alerts no longer count.
    assert_eq!(s.alert_count(&key("aaa")), 3);
}

#[test]
fn feed_filters_by_severity_container_and_text() {
    let mut s = populated();
    send(&mut s, alert(Some(("aaa", "web")), Severity::Low, 0, 0));
    send(&mut s, alert(Some(("bbb", "admin")), Severity::High, 0, 1));
    send(&mut s, alert(None, Severity::Info, 0, 2));
    send(
        &mut s,
        alert(Some(("aaa", "web")), Severity::Critical, 0, 3),
    );
    assert_eq!(s.feed.shown_len(), 4);

    // `v` twice: medium and worse; it also focuses the feed.
    update(&mut s, Msg::Command(Command::FeedSeverity));
    update(&mut s, Msg::Command(Command::FeedSeverity));
    assert_eq!(s.focus, Focus::Feed);
    assert_eq!(s.feed.filter().min_severity, Severity::Medium);
    assert_eq!(shown_rules(&s), ["critical@3", "high@1"]);

    // `c`: only the container selected in the table (admin, the first row).
    assert_eq!(s.selected_container().unwrap().facts.name, "admin");
    update(&mut s, Msg::Command(Command::FeedContainer));
    assert_eq!(shown_rules(&s), ["high@1"]);
    update(&mut s, Msg::Command(Command::FeedContainer));
    assert_eq!(s.feed.filter().container, None);

    // `/` while the feed is focused filters the feed, not the fleet.
    update(&mut s, Msg::Command(Command::Filter));
    assert!(s.input_active());
    for c in "WEB".chars() {
        update(&mut s, Msg::Input(InputKey::Char(c)));
    }
    update(&mut s, Msg::Input(InputKey::Enter));
    assert!(s.filter.is_empty());
    assert_eq!(shown_rules(&s), ["critical@3"]);
    // A rule id matches too.
    s.feed.set_text("sw-act-test-high".into());
    assert_eq!(shown_rules(&s), ["high@1"]);
    // esc clears the text and container filters, keeps the severity, then leaves the feed.
    update(&mut s, Msg::Command(Command::Back));
    assert_eq!(s.feed.filter().text, "");
    assert_eq!(s.feed.filter().min_severity, Severity::Medium);
    assert_eq!(s.focus, Focus::Feed);
    update(&mut s, Msg::Command(Command::Back));
    assert_eq!(s.focus, Focus::Table);
    // New alerts respect the filter.
    send(
        &mut s,
        alert(Some(("ccc", "hardened")), Severity::Low, 0, 4),
    );
    assert_eq!(s.feed.shown_len(), 2);
    assert_eq!(s.feed.len(), 5);
}

#[test]
fn feed_selection_stays_on_its_alert_and_the_top_follows_new_ones() {
    let mut s = populated();
    for i in 0..5 {
        send(&mut s, alert(Some(("aaa", "web")), Severity::Medium, 0, i));
    }
    update(&mut s, Msg::Command(Command::Feed));
    assert_eq!(s.feed.selected().unwrap().seq, 4);
    update(&mut s, Msg::Command(Command::Down));
    update(&mut s, Msg::Command(Command::Down));
    assert_eq!(s.feed.selected().unwrap().seq, 2);
    send(&mut s, alert(Some(("aaa", "web")), Severity::Medium, 0, 9));
    assert_eq!(s.feed.selected().unwrap().seq, 2);
    assert_eq!(s.feed.selected_index(), 3);
    update(&mut s, Msg::Command(Command::Bottom));
    assert_eq!(s.feed.selected().unwrap().seq, 0);
    update(&mut s, Msg::Command(Command::Top));
    send(&mut s, alert(Some(("aaa", "web")), Severity::Medium, 0, 10));
    assert_eq!(s.feed.selected().unwrap().seq, 6);
    // The table keeps its own selection.
    assert_eq!(s.selected, 0);
}

#[test]
fn unseen_alerts_are_counted_until_the_feed_is_focused() {
    let mut s = populated();
    send(&mut s, alert(Some(("aaa", "web")), Severity::Low, 0, 0));
    send(&mut s, alert(Some(("aaa", "web")), Severity::High, 0, 1));
    assert_eq!(s.feed.unseen, 2);
    assert_eq!(s.feed.unseen_worst, Some(Severity::High));
    update(&mut s, Msg::Command(Command::Feed));
    assert_eq!(s.focus, Focus::Feed);
    assert_eq!(s.feed.unseen, 0);
    send(&mut s, alert(Some(("aaa", "web")), Severity::Low, 0, 2));
    assert_eq!(s.feed.unseen, 0);
    // `a` again: back to the table, and new alerts count again.
    update(&mut s, Msg::Command(Command::Feed));
    assert_eq!(s.focus, Focus::Table);
    send(&mut s, alert(Some(("aaa", "web")), Severity::Low, 0, 3));
    assert_eq!(s.feed.unseen, 1);
}

#[test]
fn enter_on_an_alert_opens_its_container_even_when_the_fleet_filter_hides_it() {
    let mut s = populated();
    send(&mut s, alert(None, Severity::Info, 0, 0));
    send(&mut s, alert(Some(("zzz", "ghost")), Severity::High, 0, 1));
    send(&mut s, alert(Some(("aaa", "web")), Severity::High, 0, 2));
    // The fleet shows only `hardened`.
    update(&mut s, Msg::Command(Command::Filter));
    for c in "hardened".chars() {
        update(&mut s, Msg::Input(InputKey::Char(c)));
    }
    update(&mut s, Msg::Input(InputKey::Enter));
    assert_eq!(names(&s), ["hardened"]);

    update(&mut s, Msg::Command(Command::Feed));
    assert!(update(&mut s, Msg::Command(Command::Open)).is_empty());
    let View::Drilldown(d) = &s.view else {
        panic!("no drilldown")
    };
    assert_eq!(d.key, key("aaa"));
    assert_eq!(d.tab, Tab::Activity);
    assert!(s.filter.is_empty());
    assert_eq!(s.selected_container().unwrap().facts.name, "web");
    assert!(s.status.as_ref().unwrap().text.contains("filter cleared"));

    // Back returns to the feed; a container seawall does not know gives a message.
    update(&mut s, Msg::Command(Command::Back));
    assert_eq!((&s.view, s.focus), (&View::Fleet, Focus::Feed));
    update(&mut s, Msg::Command(Command::Down));
    update(&mut s, Msg::Command(Command::Open));
    assert_eq!(s.view, View::Fleet);
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("ghost is not on the daemon"),
        "{:?}",
        s.status
    );
    update(&mut s, Msg::Command(Command::Down));
    update(&mut s, Msg::Command(Command::Open));
    assert_eq!(s.view, View::Fleet);
    assert!(s.status.as_ref().unwrap().text.contains("about the daemon"));
}

#[test]
fn alerts_raise_the_shown_score_and_decay_with_the_clock() {
    let mut s = populated();
    let web = s.containers[&key("aaa")].score.value;
    let hardened = s.containers[&key("ccc")].score.value;
    // (A tie sorts by name: hardened before web.)
    assert!(hardened + 30 >= web, "fixture: {hardened} vs {web}");
    // Three shells in `hardened`: 30 points (the cap), it moves above `web`.
    for i in 0..3 {
        send(
            &mut s,
            alert(Some(("ccc", "hardened")), Severity::High, 10, i),
        );
    }
    send(
        &mut s,
        alert(Some(("ccc", "hardened")), Severity::High, 25, 4),
    );
    assert_eq!(s.activity_points(&key("ccc")), 30);
    let shown = s.shown_score(&s.containers[&key("ccc")]);
    assert_eq!(shown.value, hardened + 30);
    assert_eq!(shown.band, crate::risk::Band::of(hardened + 30));
    assert_eq!(names(&s), ["admin", "hardened", "web"]);
    assert_eq!(s.alert_count(&key("ccc")), 4);
    // The configuration score itself is unchanged.
    assert_eq!(s.containers[&key("ccc")].score.value, hardened);

    // A day later half is left; the order follows on the slow tick.
    update(&mut s, Msg::Tick(now() + chrono::Duration::hours(24)));
    assert_eq!(s.activity_points(&key("ccc")), 15);
    update(&mut s, Msg::Tick(now() + chrono::Duration::days(10)));
    assert_eq!(s.activity_points(&key("ccc")), 0);
    assert_eq!(names(&s), ["admin", "web", "hardened"]);
    // The alerts are still in the feed and still counted.
    assert_eq!(s.alert_count(&key("ccc")), 4);
}

#[test]
fn ticks_recompute_the_points_once_a_minute() {
    let mut s = populated();
    send(&mut s, alert(Some(("aaa", "web")), Severity::High, 20, 0));
    let later = now() + chrono::Duration::hours(24);
    update(&mut s, Msg::Tick(later));
    assert_eq!(s.activity_points(&key("aaa")), 10);
    // Within the minute nothing is recomputed, even if the level moved.
    s.activity
        .get_mut(&key("aaa"))
        .unwrap()
        .level
        .add(later, 10);
    update(&mut s, Msg::Tick(later + chrono::Duration::seconds(30)));
    assert_eq!(s.activity_points(&key("aaa")), 10);
    update(&mut s, Msg::Tick(later + chrono::Duration::seconds(61)));
    assert_eq!(s.activity_points(&key("aaa")), 20);
}

#[test]
fn alerts_for_an_unknown_container_attach_when_it_appears() {
    let mut s = populated();
    send(
        &mut s,
        alert(Some(("ddd", "newcomer")), Severity::Critical, 30, 0),
    );
    assert_eq!(s.feed.len(), 1);
    assert_eq!(s.rows.len(), 3);
    let msg = upsert(
        &s,
        facts("ddd", "newcomer", "{}"),
        Some("create".into()),
        Instant::now(),
    );
    update(&mut s, msg);
    let c = &s.containers[&key("ddd")];
    assert_eq!(s.alert_count(&key("ddd")), 1);
    assert_eq!(s.shown_score(c).value, (c.score.value + 30).min(100));
    // Removing the container drops its activity, the feed keeps the alert.
    let msg = removed(&s, "ddd");
    update(&mut s, msg);
    assert_eq!(s.alert_count(&key("ddd")), 0);
    assert_eq!(s.feed.len(), 1);
}

#[test]
fn a_flood_of_alerts_stays_bounded_and_fast() {
    let mut s = populated();
    let start = std::time::Instant::now();
    let n = 20_000;
    for i in 0..n {
        let (id, name) = [("aaa", "web"), ("bbb", "admin"), ("zzz", "gone")][i % 3];
        send(
            &mut s,
            alert(Some((id, name)), Severity::ALL[i % 5], 5, i as i64),
        );
    }
    let took = start.elapsed();
    assert_eq!(s.feed.len(), crate::app::feed::DEFAULT_FEED_CAPACITY);
    let counted: usize = Severity::ALL.iter().map(|v| s.feed.count(*v)).sum();
    assert_eq!(counted, s.feed.len());
    let per_container: usize = ["aaa", "bbb", "zzz"]
        .iter()
        .map(|id| s.alert_count(&key(id)))
        .sum();
    assert_eq!(per_container, s.feed.len());
    assert!(s.activity.len() <= 3);
    // Debug build, shared machine: far above 2,000 alerts a second.
    assert!(
        took < std::time::Duration::from_secs(5),
        "{n} alerts took {took:?}"
    );
}

// ---- One-key actions and their confirm dialog ----

use crate::actions::{ActionKind, ActionOutcome, ActionRequest, AuditOutcome, Target};
use action_state::READ_ONLY_MESSAGE;

const ENDPOINT: &str = "unix:///var/run/docker.sock";

/// `populated()` plus `web2`, running on two user networks, selected.
fn with_networked() -> AppState {
    with_selected(
        "ddd0123456789abcdef",
        "web2",
        r#"{"State":{"Status":"running","Running":true},"HostConfig":{"Privileged":true,"NetworkMode":"front"},"NetworkSettings":{"Networks":{"bridge":null,"front":{},"back":{}}}}"#,
    )
}

/// `populated()` plus one container from its inspect overlay, selected.
fn with_selected(id: &str, name: &str, overlay: &str) -> AppState {
    let mut s = populated();
    let msg = upsert(&s, facts(id, name, overlay), None, Instant::now());
    update(&mut s, msg);
    s.selected = s.rows.iter().position(|k| k.id == id).unwrap();
    s
}

fn web2_target() -> Target {
    Target {
        host: 0,
        endpoint: ENDPOINT.into(),
        container_id: Some("ddd0123456789abcdef".into()),
        name: "web2".into(),
    }
}

fn status_text(s: &AppState) -> String {
    s.status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn an_action_key_opens_a_confirm_dialog_naming_the_container_and_the_host() {
    let mut s = with_networked();
    let effects = update(&mut s, Msg::Command(Command::Isolate));
    assert!(
        effects.is_empty(),
        "nothing runs before the answer: {effects:?}"
    );
    let c = s.confirm.as_ref().expect("the dialog is open");
    assert_eq!(
        c.request,
        ActionRequest::new(ActionKind::Isolate, web2_target())
    );
    let q = c.question();
    assert!(
        q.contains("web2") && q.contains("ddd012345678") && q.contains(ENDPOINT),
        "{q}"
    );
    let details = c.details.join(" | ");
    assert!(
        details.contains("2 networks: back, front") && details.contains("evidence"),
        "{details}"
    );

    // Stop and export say what they do too.
    s.confirm = None;
    update(&mut s, Msg::Command(Command::Stop));
    let details = s.confirm.take().unwrap().details.join(" ");
    assert!(details.contains("SIGTERM"), "{details}");
    update(&mut s, Msg::Command(Command::Export));
    let c = s.confirm.take().unwrap();
    assert_eq!(c.request.kind, ActionKind::Export);
    assert!(c.details.join(" ").contains("sarif"), "{:?}", c.details);
}

#[test]
fn the_isolate_dialog_of_a_container_that_is_not_running_does_not_promise_it_keeps_running() {
    let mut s = with_selected(
        "eee0123456789abcdef",
        "made",
        r#"{"State":{"Status":"created"},"HostConfig":{"Privileged":true,"NetworkMode":"front"},"NetworkSettings":{"Networks":{"front":{}}}}"#,
    );
    update(&mut s, Msg::Command(Command::Isolate));
    let details = s.confirm.take().expect("the dialog").details.join(" | ");
    assert!(
        details.contains("it is not running (created)") && !details.contains("keeps running"),
        "{details}"
    );
    // A running one still keeps running.
    let mut s = with_networked();
    update(&mut s, Msg::Command(Command::Isolate));
    let details = s.confirm.take().expect("the dialog").details.join(" | ");
    assert!(
        details.contains("it keeps running, for forensics"),
        "{details}"
    );
}

#[test]
fn y_confirms_and_runs_the_request_on_the_selected_container() {
    let mut s = with_networked();
    update(&mut s, Msg::Command(Command::Isolate));
    let effects = update(&mut s, Msg::Confirm(true));
    let want = ActionRequest::new(ActionKind::Isolate, web2_target());
    assert_eq!(effects, vec![Effect::Action(want.clone())]);
    assert!(s.confirm.is_none());
    assert_eq!(status_text(&s), "isolating web2…");
    assert_eq!(s.actions.running, vec![want]);
}

#[test]
fn any_other_answer_declines_and_changes_nothing() {
    let mut s = with_networked();
    let (rows, selected, filter) = (s.rows.clone(), s.selected, s.filter.clone());
    update(&mut s, Msg::Command(Command::Stop));
    // While the dialog is open, commands and typed input do nothing.
    assert!(update(&mut s, Msg::Command(Command::Down)).is_empty());
    assert!(update(&mut s, Msg::Command(Command::Open)).is_empty());
    assert!(update(&mut s, Msg::Input(InputKey::Char('x'))).is_empty());
    assert_eq!(s.selected, selected);
    assert_eq!(s.view, View::Fleet);
    let effects = update(&mut s, Msg::Confirm(false));
    assert_eq!(
        effects,
        vec![Effect::RecordDeclined(ActionRequest::new(
            ActionKind::Stop,
            web2_target()
        ))]
    );
    assert!(s.confirm.is_none());
    assert!(s.actions.running.is_empty());
    assert_eq!(
        (s.rows.clone(), s.selected, s.filter.clone()),
        (rows, selected, filter)
    );
    assert_eq!(s.view, View::Fleet);
    assert!(status_text(&s).contains("declined"), "{}", status_text(&s));
    // An answer without a dialog does nothing.
    assert!(update(&mut s, Msg::Confirm(true)).is_empty());
}

#[test]
fn quitting_with_the_dialog_open_records_it_declined() {
    let mut s = with_networked();
    update(&mut s, Msg::Command(Command::Isolate));
    let effects = update(&mut s, Msg::Command(Command::Quit));
    assert_eq!(
        effects,
        vec![
            Effect::RecordDeclined(ActionRequest::new(ActionKind::Isolate, web2_target())),
            Effect::Quit
        ]
    );
}

#[test]
fn read_only_refuses_every_action_key_and_records_it() {
    let mut s = with_networked();
    s.actions.read_only = true;
    for (cmd, kind) in [
        (Command::Isolate, ActionKind::Isolate),
        (Command::Unisolate, ActionKind::Unisolate),
        (Command::Stop, ActionKind::Stop),
        (Command::Export, ActionKind::Export),
    ] {
        s.status = None;
        let effects = update(&mut s, Msg::Command(cmd));
        assert!(s.confirm.is_none(), "{cmd:?} opened a dialog");
        assert_eq!(status_text(&s), READ_ONLY_MESSAGE);
        assert_eq!(s.status.as_ref().unwrap().level, StatusLevel::Warning);
        match effects.as_slice() {
            [Effect::RecordRefused { request, reason }] => {
                assert_eq!(*request, ActionRequest::new(kind, web2_target()));
                assert!(reason.contains("read-only"), "{reason}");
            }
            other => panic!("{cmd:?}: {other:?}"),
        }
    }
    let effects = update(&mut s, Msg::Command(Command::ExportHost));
    assert!(matches!(
        effects.as_slice(),
        [Effect::RecordRefused { request, .. }] if request.target.container_id.is_none()
    ));
}

#[test]
fn no_selection_is_a_message_and_export_host_works_on_an_empty_fleet() {
    let mut s = AppState::new(vec![ENDPOINT.into()], UiSettings::default(), now());
    for cmd in [
        Command::Isolate,
        Command::Unisolate,
        Command::Stop,
        Command::Export,
    ] {
        s.status = None;
        assert!(update(&mut s, Msg::Command(cmd)).is_empty());
        assert!(s.confirm.is_none());
        assert_eq!(status_text(&s), "no container selected");
    }
    update(&mut s, Msg::Command(Command::ExportHost));
    let c = s.confirm.as_ref().expect("a dialog for the host");
    assert_eq!(
        c.request.target,
        Target {
            host: 0,
            endpoint: ENDPOINT.into(),
            container_id: None,
            name: ENDPOINT.into(),
        }
    );
    assert!(c.question().contains("the host"), "{}", c.question());

    // With no daemon at all, not even the host export.
    let mut s = AppState::new(Vec::new(), UiSettings::default(), now());
    update(&mut s, Msg::Command(Command::ExportHost));
    assert!(s.confirm.is_none());
    assert_eq!(status_text(&s), "no daemon configured");
}

#[test]
fn actions_follow_the_drilldown_and_the_selected_alert() {
    let mut s = with_networked();
    update(&mut s, Msg::Command(Command::Open));
    update(&mut s, Msg::Command(Command::Stop));
    assert_eq!(s.confirm.take().unwrap().request.target, web2_target());

    // The feed focused: the selected alert's container, not the selected row's.
    update(&mut s, Msg::Command(Command::Back));
    send(&mut s, alert(Some(("aaa", "web")), Severity::High, 5, 0));
    update(&mut s, Msg::Command(Command::Feed));
    assert_eq!(s.focus, Focus::Feed);
    update(&mut s, Msg::Command(Command::Isolate));
    let t = s.confirm.take().unwrap().request.target;
    assert_eq!(
        (t.container_id.as_deref(), t.name.as_str()),
        (Some("aaa"), "web")
    );

    // A daemon-wide alert has no container to act on.
    send(&mut s, alert(None, Severity::High, 0, 1));
    update(&mut s, Msg::Command(Command::Top));
    update(&mut s, Msg::Command(Command::Isolate));
    assert!(s.confirm.is_none());
    assert!(
        status_text(&s).contains("about the daemon"),
        "{}",
        status_text(&s)
    );
}

#[test]
fn a_second_action_on_a_busy_container_is_refused() {
    let mut s = with_networked();
    update(&mut s, Msg::Command(Command::Isolate));
    update(&mut s, Msg::Confirm(true));
    let effects = update(&mut s, Msg::Command(Command::Stop));
    assert!(s.confirm.is_none());
    assert!(
        status_text(&s).contains("isolating web2 is still running"),
        "{}",
        status_text(&s)
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::RecordRefused { request, .. }] if request.kind == ActionKind::Stop
    ));
    // Another container is free.
    update(&mut s, Msg::Command(Command::Bottom));
    update(&mut s, Msg::Command(Command::Stop));
    assert!(s.confirm.is_some());
}

#[test]
fn outcomes_show_in_the_status_bar_and_ask_for_a_reread() {
    let mut s = with_networked();
    update(&mut s, Msg::Command(Command::Isolate));
    update(&mut s, Msg::Confirm(true));
    let request = ActionRequest::new(ActionKind::Isolate, web2_target());
    let effects = update(
        &mut s,
        Msg::ActionDone(ActionOutcome {
            request: request.clone(),
            result: Ok("isolated web2: disconnected from back, front".into()),
            paths: vec!["/state/evidence/web2-1".into()],
            status: AuditOutcome::Ok,
        }),
    );
    assert_eq!(
        effects,
        vec![Effect::Watch {
            host: Some(0),
            request: WatchRequest::Inspect {
                id: request.target.container_id.clone().unwrap()
            }
        }]
    );
    let msg = s.status.clone().unwrap();
    assert_eq!(msg.level, StatusLevel::Info);
    assert_eq!(
        msg.text,
        "isolated web2: disconnected from back, front (evidence: /state/evidence/web2-1)"
    );
    assert!(s.actions.running.is_empty());
    let k = RowKey {
        host: 0,
        id: "ddd0123456789abcdef".into(),
    };
    assert!(s.actions.isolated.contains(&k));
    // Isolating again: the dialog says it is isolated already.
    update(&mut s, Msg::Command(Command::Isolate));
    assert!(
        s.confirm.take().unwrap().details[0].contains("isolated already"),
        "the dialog knows"
    );

    // A failure: the reason, in the error style; nothing else is reread for exports.
    let export = ActionRequest::new(ActionKind::Export, web2_target());
    let effects = update(
        &mut s,
        Msg::ActionDone(ActionOutcome {
            request: export,
            result: Err(crate::actions::ActionError::Files(
                "cannot write /nope: permission denied".into(),
            )),
            paths: Vec::new(),
            status: AuditOutcome::Error,
        }),
    );
    assert!(effects.is_empty());
    let msg = s.status.clone().unwrap();
    assert_eq!(msg.level, StatusLevel::Error);
    assert_eq!(
        msg.text,
        "export web2 failed: cannot write /nope: permission denied"
    );

    // The state file is the truth: records on other daemons are ignored.
    update(
        &mut s,
        Msg::Isolations(vec![
            (ENDPOINT.into(), "aaa".into()),
            ("tcp://elsewhere:2376".into(), "bbb".into()),
        ]),
    );
    assert_eq!(s.actions.isolated.len(), 1);
    assert!(s.actions.isolated.contains(&key("aaa")));
}

// ---- The command table's checks, and the loop's own messages ----

#[test]
fn a_read_only_console_refuses_every_command_the_table_marks_refused() {
    use crate::app::command::{COMMANDS, ReadOnly, Subject};
    for spec in COMMANDS.iter().filter(|s| s.read_only == ReadOnly::Refused) {
        let mut s = with_networked();
        s.actions.read_only = true;
        let effects = update(&mut s, Msg::Command(spec.command));
        assert!(s.confirm.is_none(), "{}", spec.name);
        assert_eq!(status_text(&s), READ_ONLY_MESSAGE, "{}", spec.name);
        // An action with a target is recorded, with that target.
        match (spec.action, effects.as_slice()) {
            (Some(kind), [Effect::RecordRefused { request, .. }]) => {
                assert_eq!(request.kind, kind, "{}", spec.name);
                assert_eq!(
                    request.target.container_id.is_some(),
                    spec.subject == Subject::Container,
                    "{}",
                    spec.name
                );
            }
            (None, []) => {}
            (_, other) => panic!("{}: {other:?}", spec.name),
        }
    }
}

#[test]
fn commands_on_a_container_need_one_and_say_so() {
    use crate::app::command::{COMMANDS, Subject};
    for spec in COMMANDS.iter().filter(|s| s.subject == Subject::Container) {
        let mut s = AppState::new(vec![ENDPOINT.into()], UiSettings::default(), now());
        assert!(update(&mut s, Msg::Command(spec.command)).is_empty());
        assert!(s.confirm.is_none(), "{}", spec.name);
        assert_eq!(status_text(&s), "no container selected", "{}", spec.name);
        assert_eq!(s.status.as_ref().unwrap().level, StatusLevel::Info);
    }
}

#[test]
fn an_audit_write_failure_is_an_error_in_the_status_bar() {
    let mut s = with_networked();
    let effects = update(
        &mut s,
        Msg::AuditFailed("cannot write the audit log /x/audit.jsonl: permission denied".into()),
    );
    assert!(effects.is_empty());
    let msg = s.status.clone().unwrap();
    assert_eq!(msg.level, StatusLevel::Error);
    assert!(msg.text.contains("audit log"), "{}", msg.text);
}

#[test]
fn a_drawn_frame_clears_the_events_waiting_for_it() {
    let mut s = populated();
    s.pending_events.push(Instant::now());
    assert!(update(&mut s, Msg::Drawn).is_empty());
    assert!(s.pending_events.is_empty());
}

#[test]
fn equal_scores_rank_running_then_active_then_by_name() {
    use crate::model::ContainerState;
    let mut s = AppState::new(
        vec!["unix:///var/run/docker.sock".into()],
        UiSettings::default(),
        now(),
    );
    // The same configuration four times: the same configuration score.
    let same = r#"{"HostConfig":{"CapAdd":["SYS_ADMIN"]}}"#;
    let mut created = facts("c1", "a-created", same);
    created.state = ContainerState::Created;
    let mut quiet = facts("r1", "b-quiet", same);
    quiet.state = ContainerState::Running;
    let mut busy = facts("r2", "c-busy", same);
    busy.state = ContainerState::Running;
    let mut exited = facts("e1", "0-exited", same);
    exited.state = ContainerState::Exited;
    for event in DataEvent::inventory(0, default_host(), vec![created, quiet, busy, exited]) {
        update(&mut s, Msg::Data(event));
    }
    // Running first, then created, then exited; among running by name so far.
    assert_eq!(names(&s), ["b-quiet", "c-busy", "a-created", "0-exited"]);
    // Activity breaks the tie between running ones without changing the shown score
    // order: one point on `c-busy` lifts its shown score, so make `b-quiet` equal again.
    for (id, points) in [("r1", 5u8), ("r2", 5u8)] {
        s.activity.insert(
            key(id),
            crate::app::state::ContainerActivity {
                points,
                ..Default::default()
            },
        );
    }
    super::rows::rebuild(&mut s);
    assert_eq!(names(&s), ["b-quiet", "c-busy", "a-created", "0-exited"]);
    // Equal shown score, more activity first: the configuration score of b-quiet is
    // higher by the same amount c-busy has more activity.
    let base = s.containers[&key("r1")].score.value;
    s.containers.get_mut(&key("r1")).unwrap().score.value = base + 3;
    s.activity.get_mut(&key("r1")).unwrap().points = 2;
    super::rows::rebuild(&mut s);
    assert_eq!(
        s.shown_score(&s.containers[&key("r1")]).value,
        s.shown_score(&s.containers[&key("r2")]).value
    );
    assert_eq!(names(&s), ["c-busy", "b-quiet", "a-created", "0-exited"]);
}

#[test]
fn a_stale_cannot_reach_is_cleared_when_live_comes_after_connecting() {
    let mut s = populated();
    let status = |status: LinkStatus| Msg::Data(DataEvent::Status { host: 0, status });
    update(
        &mut s,
        status(LinkStatus::Down {
            message: "cannot reach the Docker daemon".into(),
            retry_in_secs: 4,
        }),
    );
    update(&mut s, status(LinkStatus::Connecting));
    assert!(s.status.clone().unwrap().text.contains("cannot reach"));
    update(&mut s, status(LinkStatus::Live));
    let st = s.status.clone().unwrap();
    assert_eq!(st.level, StatusLevel::Info);
    assert!(
        st.text.ends_with(": reconnected") && !st.text.contains("cannot reach"),
        "{}",
        st.text
    );
}

#[test]
fn a_container_that_cannot_be_inspected_is_named_counted_and_cleared_once_read() {
    let mut s = populated();
    update(
        &mut s,
        Msg::Data(DataEvent::Unread {
            host: 0,
            id: "zzz".into(),
            line: "db (zzz): inspect failed: the request timed out; retrying in 2 s".into(),
        }),
    );
    assert_eq!(s.hosts[0].unread.len(), 1);
    let st = s.status.clone().unwrap();
    assert_eq!(st.level, StatusLevel::Error);
    assert!(st.text.contains("db (zzz): inspect failed"), "{}", st.text);
    // The others stay shown; the first Live is not a "reconnected".
    assert_eq!(s.containers.len(), 3);
    update(
        &mut s,
        Msg::Data(DataEvent::Status {
            host: 0,
            status: LinkStatus::Live,
        }),
    );
    assert!(s.status.clone().unwrap().text.contains("inspect failed"));
    let msg = upsert(&s, facts("zzz", "db", "{}"), None, Instant::now());
    update(&mut s, msg);
    assert!(s.hosts[0].unread.is_empty(), "read at last");
    assert_eq!(s.containers.len(), 4);
}

// --- issue 13 item 5: what an operator reaches for ---

fn drill(s: &AppState) -> &Drilldown {
    match &s.view {
        View::Drilldown(d) => d,
        View::Fleet | View::Hosts => panic!("not in the drilldown"),
    }
}

fn type_text(s: &mut AppState, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        fx.extend(update(s, Msg::Input(InputKey::Char(c))));
    }
    fx
}

#[test]
fn slash_on_an_active_filter_selects_it_so_typing_replaces_it() {
    let mut s = populated();
    update(&mut s, Msg::Command(Command::Filter));
    type_text(&mut s, "web");
    update(&mut s, Msg::Input(InputKey::Enter));
    assert_eq!(names(&s), ["web"]);
    // `/` again: the filter is selected; the first key replaces it.
    update(&mut s, Msg::Command(Command::Filter));
    assert!(s.edit.selected);
    type_text(&mut s, "adm");
    assert_eq!(s.filter, "adm");
    assert_eq!(names(&s), ["admin"]);
    // ctrl-w erases the word, ctrl-u the line, home/end move the cursor.
    type_text(&mut s, " x");
    update(&mut s, Msg::Input(InputKey::EraseWord));
    assert_eq!(s.filter, "adm ");
    update(&mut s, Msg::Input(InputKey::Home));
    type_text(&mut s, ">");
    assert_eq!(s.filter, ">adm ");
    update(&mut s, Msg::Input(InputKey::End));
    update(&mut s, Msg::Input(InputKey::ClearBefore));
    assert_eq!(s.filter, "");
    assert_eq!(s.rows.len(), 3);
    // The same editing in the feed's filter and the inspect search.
    update(&mut s, Msg::Input(InputKey::Enter));
    update(&mut s, Msg::Command(Command::Feed));
    update(&mut s, Msg::Command(Command::Filter));
    type_text(&mut s, "exec");
    update(&mut s, Msg::Input(InputKey::Enter));
    update(&mut s, Msg::Command(Command::Filter));
    type_text(&mut s, "net");
    assert_eq!(
        s.feed.filter().text,
        "net",
        "typing replaced the selected text"
    );
}

#[test]
fn the_command_line_runs_commands_by_name_and_completes() {
    let mut s = populated();
    s.settings.themes = vec!["dark".into(), "light".into()];
    s.theme = "dark".into();
    update(&mut s, Msg::Command(Command::CommandLine));
    assert!(s.input_active());
    type_text(&mut s, "pos");
    update(&mut s, Msg::Input(InputKey::Complete));
    assert_eq!(s.command_line.as_deref(), Some("posture "));
    update(&mut s, Msg::Input(InputKey::Enter));
    assert_eq!(s.command_line, None);
    assert_eq!(s.overlay, Some(Overlay::Posture { scroll: 0 }));
    update(&mut s, Msg::Command(Command::Back));

    // Themes: by name, and the key cycles them.
    update(&mut s, Msg::Command(Command::CommandLine));
    let fx = {
        type_text(&mut s, "theme light");
        update(&mut s, Msg::Input(InputKey::Enter))
    };
    assert_eq!(fx, vec![Effect::SetTheme("light".into())]);
    update(
        &mut s,
        Msg::ThemeLoaded {
            name: "light".into(),
            warnings: Vec::new(),
        },
    );
    assert_eq!(s.theme, "light");
    assert_eq!(
        update(&mut s, Msg::Command(Command::CycleTheme)),
        vec![Effect::SetTheme("dark".into())],
        "after the last theme, the first"
    );

    // Sort, filter, daemon.
    update(&mut s, Msg::Command(Command::CommandLine));
    type_text(&mut s, "sort name reverse");
    update(&mut s, Msg::Input(InputKey::Enter));
    assert_eq!((s.sort, s.sort_reverse), (SortKey::Name, true));
    assert_eq!(names(&s), ["web", "hardened", "admin"]);
    update(&mut s, Msg::Command(Command::CommandLine));
    type_text(&mut s, "filter adm");
    update(&mut s, Msg::Input(InputKey::Enter));
    assert_eq!(names(&s), ["admin"]);
    update(&mut s, Msg::Command(Command::CommandLine));
    type_text(&mut s, "daemon 1");
    update(&mut s, Msg::Input(InputKey::Enter));
    assert_eq!(s.host_only, Some(0));

    // A typo says what is wrong; esc leaves without running anything.
    update(&mut s, Msg::Command(Command::CommandLine));
    type_text(&mut s, "isolat");
    update(&mut s, Msg::Input(InputKey::Enter));
    assert!(s.confirm.is_none());
    let text = s.status.clone().unwrap().text;
    assert!(text.contains("unknown command `isolat`"), "{text}");
    update(&mut s, Msg::Command(Command::CommandLine));
    type_text(&mut s, "quit");
    update(&mut s, Msg::Input(InputKey::Esc));
    assert!(!s.quit && s.command_line.is_none());
    update(&mut s, Msg::Command(Command::CommandLine));
    type_text(&mut s, "q");
    assert_eq!(
        update(&mut s, Msg::Input(InputKey::Enter)),
        vec![Effect::Quit]
    );
}

#[test]
fn sort_by_alerts_and_running_only() {
    let mut s = populated();
    send(
        &mut s,
        alert(Some(("ccc", "hardened")), Severity::Low, 0, 1),
    );
    send(
        &mut s,
        alert(Some(("ccc", "hardened")), Severity::Low, 0, 2),
    );
    send(&mut s, alert(Some(("aaa", "web")), Severity::Low, 0, 3));
    s.sort = SortKey::Uptime;
    while s.sort != SortKey::Alerts {
        update(&mut s, Msg::Command(Command::SortNext));
    }
    assert_eq!(names(&s), ["hardened", "web", "admin"]);
    // A new alert moves its container at once.
    for i in 0..2 {
        send(
            &mut s,
            alert(Some(("aaa", "web")), Severity::Low, 0, 10 + i),
        );
    }
    assert_eq!(names(&s), ["web", "hardened", "admin"]);

    // The fixture's containers were created, never started; one running container.
    let running = facts(
        "ddd",
        "live-one",
        r#"{"State":{"Status":"running","Running":true,"StartedAt":"2026-11-28T11:00:00Z"}}"#,
    );
    let msg = upsert(&s, running, None, Instant::now());
    update(&mut s, msg);
    assert_eq!(s.rows.len(), 4);
    update(&mut s, Msg::Command(Command::RunningOnly));
    assert_eq!(names(&s), ["live-one"]);
    assert_eq!(s.status.clone().unwrap().text, "running containers only");
    update(&mut s, Msg::Command(Command::RunningOnly));
    assert_eq!(s.rows.len(), 4);
}

#[test]
fn the_processes_tab_reads_top_and_refreshes_while_open() {
    let mut s = populated();
    let fx = update(&mut s, Msg::Command(Command::Tab9));
    let id = drill(&s).key.id.clone();
    assert_eq!(
        fx,
        vec![Effect::ReadTop {
            host: 0,
            id: id.clone()
        }]
    );
    // Not again before the refresh interval.
    assert!(update(&mut s, Msg::Tick(now() + chrono::Duration::seconds(1))).is_empty());
    let top = crate::docker::Top {
        titles: vec!["PID".into(), "CMD".into()],
        processes: vec![vec!["1".into(), "sleep 1000".into()]],
    };
    update(
        &mut s,
        Msg::Processes {
            host: 0,
            id: id.clone(),
            result: Ok(top.clone()),
        },
    );
    assert_eq!(drill(&s).processes, Some(Ok(top)));
    assert_eq!(
        update(&mut s, Msg::Tick(now() + chrono::Duration::seconds(3))),
        vec![Effect::ReadTop {
            host: 0,
            id: id.clone()
        }]
    );
    // Another tab: no more reads.
    update(&mut s, Msg::Command(Command::Tab1));
    assert!(update(&mut s, Msg::Tick(now() + chrono::Duration::seconds(9))).is_empty());
    // An answer for a container that is not open is dropped.
    update(
        &mut s,
        Msg::Processes {
            host: 0,
            id: "other".into(),
            result: Err(crate::docker::DockerError::Timeout),
        },
    );
    assert!(drill(&s).processes.is_some());
}

#[test]
fn the_logs_tab_tails_follows_and_searches() {
    let mut s = populated();
    let fx = update(&mut s, Msg::Command(Command::Tab10));
    let id = drill(&s).key.id.clone();
    assert_eq!(
        fx,
        vec![Effect::ReadLogs {
            host: 0,
            id: id.clone(),
            lines: DEFAULT_LOG_TAIL
        }]
    );
    let logs = |bytes: &[u8]| Msg::Logs {
        host: 0,
        id: id.clone(),
        tail: crate::docker::LogTail {
            bytes: bytes.to_vec(),
            broken: None,
        },
    };
    update(
        &mut s,
        logs(b"boot\nready \x1b[31mred\x1b[0m\nGET /health\r\n"),
    );
    let d = drill(&s);
    assert_eq!(
        d.logs.lines.as_deref().unwrap(),
        ["boot", "ready \u{1b}[31mred\u{1b}[0m", "GET /health"],
        "kept as read: escaped when drawn"
    );
    assert!(d.logs.follow);
    // Followed: read again every refresh.
    assert_eq!(
        update(&mut s, Msg::Tick(now() + chrono::Duration::seconds(2))).len(),
        1
    );
    // `f` stops following: no more reads.
    update(&mut s, Msg::Command(Command::LogFollow));
    assert!(!drill(&s).logs.follow);
    assert!(update(&mut s, Msg::Tick(now() + chrono::Duration::seconds(9))).is_empty());
    // Search: `/` then text; `n` goes to the next match.
    update(&mut s, Msg::Command(Command::Filter));
    assert!(s.input_active());
    type_text(&mut s, "E");
    update(&mut s, Msg::Input(InputKey::Enter));
    assert_eq!(drill(&s).logs.matches(), [1, 2], "case-insensitive");
    update(&mut s, Msg::Command(Command::SearchNext));
    assert_eq!(drill(&s).logs.match_index, 1);
}

#[test]
fn clicks_select_rows_and_tabs() {
    let mut s = populated();
    update(&mut s, Msg::ClickRow(2));
    assert_eq!(s.selected, 2);
    update(&mut s, Msg::ClickRow(9));
    assert_eq!(s.selected, 2, "no such row");
    update(&mut s, Msg::Command(Command::Open));
    let fx = update(&mut s, Msg::ClickTab(Tab::Processes));
    assert_eq!(drill(&s).tab, Tab::Processes);
    assert_eq!(fx.len(), 1);
}

/// A daemon's network alert about `web2` at `secs` after `now()`.
fn net_alert(rule: &crate::activity::meta::AlertMeta, net: &str, secs: i64) -> Alert {
    let mut a = rule.alert(
        now() + chrono::Duration::seconds(secs),
        Some(ContainerRef {
            id: "ddd0123456789abcdef".into(),
            name: "web2".into(),
        }),
        format!("disconnected from {net} (driver bridge)"),
    );
    a.time = now() + chrono::Duration::seconds(secs);
    a
}

#[test]
fn seawall_own_isolate_shows_once_in_the_feed_marked_as_seawalls() {
    use crate::activity::network_events::{CONNECT, DISCONNECT};
    let mut s = with_networked();
    update(&mut s, Msg::Command(Command::Isolate));
    update(&mut s, Msg::Confirm(true));
    // The daemon reports each disconnect (twice, as Docker 20.10 does for one of them).
    for net in ["back", "front", "front"] {
        send(&mut s, net_alert(&DISCONNECT, net, 1));
    }
    update(
        &mut s,
        Msg::ActionDone(ActionOutcome {
            request: ActionRequest::new(ActionKind::Isolate, web2_target()),
            result: Ok("isolated web2: disconnected from back, front".into()),
            paths: vec!["/state/evidence/web2-1".into()],
            status: AuditOutcome::Ok,
        }),
    );
    // A late event of the same isolate.
    send(&mut s, net_alert(&DISCONNECT, "back", 3));
    let entries: Vec<(String, String)> = s
        .feed
        .all_newest_first()
        .map(|e| (e.alert.rule.clone(), e.alert.title.clone()))
        .collect();
    assert_eq!(
        entries,
        [(
            crate::app::action_state::OWN_RULE.to_string(),
            "[seawall] isolate done".to_string()
        )],
        "one entry, seawall's"
    );
    let own = s.feed.all_newest_first().next().unwrap();
    assert_eq!(
        own.alert.detail,
        "isolated web2: disconnected from back, front"
    );
    // Not seawall's doing: a connect long after, or another container's disconnect.
    send(&mut s, net_alert(&CONNECT, "evil", 120));
    let mut other = net_alert(&DISCONNECT, "back", 2);
    other.container = Some(ContainerRef {
        id: "aaa".into(),
        name: "web".into(),
    });
    send(&mut s, other);
    assert_eq!(s.feed.len(), 3);
}

#[test]
fn an_export_says_where_it_went_in_one_status_line() {
    let mut s = with_networked();
    let dir = "/root/.local/state/seawall/reports";
    let paths: Vec<std::path::PathBuf> = ["json", "md", "html", "sarif"]
        .iter()
        .map(|e| format!("{dir}/web2-20261203T024900Z.{e}").into())
        .collect();
    update(
        &mut s,
        Msg::ActionDone(ActionOutcome {
            request: ActionRequest::new(ActionKind::Export, web2_target()),
            result: Ok("exported the report of web2 to ...".into()),
            paths: paths.clone(),
            status: AuditOutcome::Ok,
        }),
    );
    let text = status_text(&s);
    assert!(text.chars().count() <= 76, "{text}");
    assert!(
        text == "exported web2 → …/reports/web2-20261203T024900Z.{json,md,html,sarif}",
        "{text}"
    );
    // A short directory: the full path.
    let short: Vec<std::path::PathBuf> = ["json", "md"]
        .iter()
        .map(|e| format!("/r/web2.{e}").into())
        .collect();
    update(
        &mut s,
        Msg::ActionDone(ActionOutcome {
            request: ActionRequest::new(ActionKind::Export, web2_target()),
            result: Ok("exported".into()),
            paths: short,
            status: AuditOutcome::Ok,
        }),
    );
    assert_eq!(status_text(&s), "exported web2 → /r/web2.{json,md}");
}

#[test]
fn isolations_made_elsewhere_are_read_again_every_minute_and_on_refresh() {
    let mut s = populated();
    let reads = |fx: &[Effect]| {
        fx.iter()
            .filter(|e| matches!(e, Effect::ReadIsolations))
            .count()
    };
    assert_eq!(
        reads(&update(
            &mut s,
            Msg::Tick(now() + chrono::Duration::seconds(5))
        )),
        0
    );
    assert_eq!(
        reads(&update(
            &mut s,
            Msg::Tick(now() + chrono::Duration::seconds(61))
        )),
        1
    );
    assert_eq!(reads(&update(&mut s, Msg::Command(Command::Refresh))), 1);
    // What comes back replaces what the console knew.
    update(
        &mut s,
        Msg::Isolations(vec![(ENDPOINT.into(), "aaa".into())]),
    );
    assert!(s.actions.isolated.contains(&key("aaa")));
    update(&mut s, Msg::Isolations(Vec::new()));
    assert!(s.actions.isolated.is_empty());
}

#[test]
fn the_feed_is_saved_on_quit_and_once_a_minute_and_restored_as_seen() {
    let mut s = populated();
    send(&mut s, alert(Some(("aaa", "web")), Severity::High, 10, 1));
    send(&mut s, alert(None, Severity::Low, 0, 2));
    // A minute later the tick saves it (the oldest first, with the daemon's endpoint).
    let fx = update(&mut s, Msg::Tick(now() + chrono::Duration::seconds(61)));
    let Some(Effect::SaveFeed(saved)) = fx.last() else {
        panic!("{fx:?}")
    };
    assert_eq!(saved.len(), 2);
    assert_eq!(saved[0].0, "unix:///var/run/docker.sock");
    assert_eq!(saved[0].1.severity, Severity::High);
    let saved = saved.clone();
    // Nothing new: no save at the next minute; quit saves only when something is new.
    assert!(
        !update(&mut s, Msg::Tick(now() + chrono::Duration::seconds(122)))
            .iter()
            .any(|e| matches!(e, Effect::SaveFeed(_)))
    );
    send(
        &mut s,
        alert(Some(("bbb", "admin")), Severity::Medium, 0, 3),
    );
    let fx = update(&mut s, Msg::Command(Command::Quit));
    assert!(matches!(fx.as_slice(), [Effect::SaveFeed(all), Effect::Quit] if all.len() == 3));

    // The next start: restored, counted on their containers, not "new".
    let mut next = populated();
    let mut foreign = saved.clone();
    foreign.push(("tcp://elsewhere:2376".into(), saved[0].1.clone()));
    update(&mut next, Msg::FeedRestored(foreign));
    assert_eq!(next.feed.len(), 2, "a daemon not shown drops its alerts");
    assert_eq!(next.feed.unseen, 0);
    assert_eq!(next.alert_count(&key("aaa")), 1);
    assert!(
        !update(&mut next, Msg::Command(Command::Quit))
            .iter()
            .any(|e| matches!(e, Effect::SaveFeed(_))),
        "nothing new to save"
    );
}

#[test]
fn isolate_and_export_carry_the_containers_alerts_for_the_bundle_and_the_report() {
    let mut s = with_networked();
    let mut a = net_alert(&crate::activity::network_events::CONNECT, "evil", 5);
    a.detail = "connected to evil (driver macvlan)".into();
    send(&mut s, a.clone());
    send(&mut s, alert(Some(("aaa", "web")), Severity::High, 0, 6));
    for cmd in [Command::Isolate, Command::Export] {
        update(&mut s, Msg::Command(cmd));
        let request = s.confirm.take().expect("a dialog").request;
        assert_eq!(
            request.options.alerts,
            Some(vec![a.clone()]),
            "{cmd:?}: web2's only"
        );
    }
    // Stop carries none; a host export carries every alert of the daemon.
    update(&mut s, Msg::Command(Command::Stop));
    assert_eq!(s.confirm.take().unwrap().request.options.alerts, None);
    update(&mut s, Msg::Command(Command::ExportHost));
    assert_eq!(
        s.confirm
            .take()
            .unwrap()
            .request
            .options
            .alerts
            .map(|v| v.len()),
        Some(2)
    );
}
