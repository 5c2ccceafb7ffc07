//! Reducer tests of the host overview and the daemons window (issue 10 items 5 and 6).

use super::hosts::{ChoiceKind, DaemonSource, overview_order};
use super::*;
use crate::activity::{Alert, ContainerRef};
use crate::docker::context_store::ContextInfo;
use crate::risk::Severity;
use crate::risk::rules::test_support::{container, default_host};
use crate::watch::{DataEvent, HostId, LinkStatus};
use std::time::Instant;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-12-03T07:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn facts(id: &str, name: &str, overlay: &str) -> crate::model::ContainerFacts {
    let mut c = container(overlay);
    c.id = id.into();
    c.name = name.into();
    c
}

const PRIVILEGED: &str = r#"{"HostConfig":{"Privileged":true}}"#;

fn live(s: &mut AppState, host: HostId, containers: Vec<crate::model::ContainerFacts>) {
    for e in DataEvent::inventory(host, default_host(), containers) {
        update(s, Msg::Data(e));
    }
    status(s, host, LinkStatus::Live);
}

fn status(s: &mut AppState, host: HostId, status: LinkStatus) {
    update(s, Msg::Data(DataEvent::Status { host, status }));
}

fn down(message: &str, retry_in_secs: u64) -> LinkStatus {
    LinkStatus::Down {
        message: message.into(),
        retry_in_secs,
    }
}

fn alert_on(s: &mut AppState, host: HostId, id: &str) {
    let alert = Alert {
        time: now(),
        container: Some(ContainerRef {
            id: id.into(),
            name: id.into(),
        }),
        rule: "SW-ACT-TEST-HIGH".into(),
        severity: Severity::High,
        title: "shell".into(),
        detail: "sh -c id".into(),
        technique: String::new(),
        score_bump: 0,
    };
    update(
        s,
        Msg::Data(DataEvent::Alert {
            host,
            alert: Box::new(alert),
            received: Instant::now(),
        }),
    );
}

/// Four daemons as the console opens them: `a` live and clean, `b` live with a privileged
/// container, `c` still connecting, `d` down.
fn fleet() -> AppState {
    let mut s = AppState::new(
        vec![
            "unix:///a.sock".into(),
            "unix:///b.sock".into(),
            "tcp://c:2376".into(),
            "unix:///nonexistent.sock".into(),
        ],
        UiSettings::default(),
        now(),
    );
    s.overview = true;
    s.view = View::Hosts;
    live(&mut s, 0, vec![facts("a1", "web", "{}")]);
    live(
        &mut s,
        1,
        vec![facts("b1", "admin", PRIVILEGED), facts("b2", "api", "{}")],
    );
    status(&mut s, 3, down("connection refused", 8));
    s
}

fn names(s: &AppState) -> Vec<String> {
    overview_order(s)
        .into_iter()
        .map(|h| s.hosts[h].endpoint.clone())
        .collect()
}

#[test]
fn the_overview_puts_the_worst_daemon_first_down_connecting_then_by_critical_containers() {
    let mut s = fleet();
    assert_eq!(
        names(&s),
        [
            "unix:///nonexistent.sock",
            "tcp://c:2376",
            "unix:///b.sock",
            "unix:///a.sock"
        ]
    );
    let counts = hosts::counts(&s, 1);
    assert_eq!(counts.bands.iter().sum::<usize>(), 2);
    assert!(counts.critical() + counts.high() >= 1, "{counts:?}");
    // Among live daemons with the same containers, unseen alerts decide.
    live(&mut s, 1, vec![facts("b2", "api", "{}")]);
    alert_on(&mut s, 0, "a1");
    assert_eq!(s.hosts[0].unseen_alerts, 1);
    let order = names(&s);
    assert_eq!(&order[2..], ["unix:///a.sock", "unix:///b.sock"]);
    // The down daemon comes back: it joins the live ones.
    live(&mut s, 3, Vec::new());
    assert_eq!(names(&s)[0], "tcp://c:2376");
}

#[test]
fn a_down_daemon_counts_its_retry_down_from_when_its_status_arrived() {
    let mut s = fleet();
    // Its row says it: the footer keeps the overview's key hints.
    assert_eq!(s.status, None);
    let h = &s.hosts[3];
    assert_eq!(hosts::retry_left(&s, h), Some(8));
    update(&mut s, Msg::Tick(now() + chrono::Duration::seconds(5)));
    assert_eq!(hosts::retry_left(&s, &s.hosts[3]), Some(3));
    assert_eq!(hosts::retry_left(&s, &s.hosts[0]), None, "live");
}

#[test]
fn enter_opens_that_daemons_containers_and_esc_comes_back_and_a_shows_every_daemon() {
    let mut s = fleet();
    // The cursor starts on the worst; move to b (third line).
    s.host_cursor = overview_order(&s)[0];
    update(&mut s, Msg::Command(Command::Down));
    update(&mut s, Msg::Command(Command::Down));
    assert_eq!(s.host_cursor, 1);
    alert_on(&mut s, 1, "b1");
    assert_eq!(s.hosts[1].unseen_alerts, 1);
    update(&mut s, Msg::Command(Command::Open));
    assert_eq!(s.view, View::Fleet);
    assert_eq!(s.host_only, Some(1));
    assert_eq!(s.rows.len(), 2);
    assert!(s.rows.iter().all(|k| k.host == 1));
    assert_eq!(s.hosts[1].unseen_alerts, 0, "opened: seen");
    assert_eq!(crate::ui::current_host(&s), 1);
    // Alerts on the open daemon are seen; on another, counted.
    alert_on(&mut s, 1, "b2");
    alert_on(&mut s, 0, "a1");
    assert_eq!((s.hosts[1].unseen_alerts, s.hosts[0].unseen_alerts), (0, 1));
    update(&mut s, Msg::Command(Command::Back));
    assert_eq!(s.view, View::Hosts);
    assert_eq!(s.host_cursor, 1, "back on the daemon last shown");
    // The all-daemons table, one key away.
    update(&mut s, Msg::Command(Command::AllHosts));
    assert_eq!((&s.view, s.host_only), (&View::Fleet, None));
    assert_eq!(s.rows.len(), 3);
    update(&mut s, Msg::Command(Command::HostOverview));
    assert_eq!(s.view, View::Hosts);
    // A filter is cleared by esc first, then esc goes back.
    update(&mut s, Msg::Command(Command::AllHosts));
    s.filter = "admin".into();
    update(&mut s, Msg::Command(Command::Back));
    assert_eq!((&s.view, s.filter.as_str()), (&View::Fleet, ""));
}

#[test]
fn a_console_without_an_overview_keeps_esc_in_the_table() {
    let mut s = fleet();
    s.overview = false;
    s.view = View::Fleet;
    update(&mut s, Msg::Command(Command::Back));
    assert_eq!(s.view, View::Fleet);
}

fn contexts() -> Vec<ContextInfo> {
    vec![
        ContextInfo {
            name: "prod".into(),
            host: Some("ssh://ops@prod".into()),
        },
        ContextInfo {
            name: "same".into(),
            host: Some("unix:///a.sock".into()),
        },
    ]
}

#[test]
fn d_lists_the_session_and_the_contexts_and_enter_adds_a_context_under_a_new_id() {
    let mut s = fleet();
    let fx = update(&mut s, Msg::Command(Command::Daemons));
    assert_eq!(fx, vec![Effect::ListContexts]);
    assert!(s.picker.as_ref().is_some_and(|p| p.loading));
    update(
        &mut s,
        Msg::Contexts {
            contexts: contexts(),
            problem: None,
        },
    );
    let p = s.picker.clone().unwrap();
    let kinds: Vec<&ChoiceKind> = p.choices.iter().map(|c| &c.kind).collect();
    // The four daemons, then `prod` and `same` (by name: it points at a daemon of the
    // session, but under a name of its own).
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    assert_eq!(kinds[4], &ChoiceKind::Context("prod".into()));
    assert_eq!(kinds[5], &ChoiceKind::Context("same".into()));
    // Keys go to the window while it is open.
    for _ in 0..4 {
        update(&mut s, Msg::Command(Command::Down));
    }
    let fx = update(&mut s, Msg::Command(Command::Open));
    assert_eq!(
        fx,
        vec![Effect::AddDaemon {
            host: 4,
            source: DaemonSource::Context("prod".into())
        }]
    );
    assert!(s.picker.is_none());
    assert_eq!(s.hosts.len(), 5);
    assert_eq!(s.hosts[4].name, "prod");
    assert_eq!(s.hosts[4].status, LinkStatus::Connecting);
    assert_eq!((&s.view, s.host_cursor), (&View::Hosts, 4));
    update(
        &mut s,
        Msg::DaemonAdded {
            host: 4,
            endpoint: "ssh://ops@prod:22".into(),
        },
    );
    assert_eq!(s.hosts[4].endpoint, "ssh://ops@prod:22");
    live(&mut s, 4, vec![facts("p1", "db", "{}")]);
    assert!(s.containers.keys().any(|k| k.host == 4));
    // Enter on a daemon of the session focuses it: no new id.
    update(&mut s, Msg::Command(Command::Daemons));
    update(&mut s, Msg::Command(Command::Down));
    let fx = update(&mut s, Msg::Command(Command::Open));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!((&s.view, s.host_only), (&View::Fleet, Some(1)));
    assert_eq!(s.hosts.len(), 5);
}

#[test]
fn a_context_that_cannot_be_resolved_leaves_the_session_and_says_why() {
    let mut s = fleet();
    update(&mut s, Msg::Command(Command::Daemons));
    update(
        &mut s,
        Msg::Contexts {
            contexts: contexts(),
            problem: None,
        },
    );
    update(&mut s, Msg::Command(Command::Bottom));
    update(&mut s, Msg::Command(Command::Up));
    update(&mut s, Msg::Command(Command::Open));
    assert_eq!(s.hosts[4].name, "prod");
    update(
        &mut s,
        Msg::DaemonAddFailed {
            host: 4,
            reason: "context \"prod\" not found".into(),
        },
    );
    assert!(s.hosts[4].dropped);
    assert!(!overview_order(&s).contains(&4));
    let status = s.status.clone().unwrap();
    assert_eq!(status.level, StatusLevel::Error);
    assert!(
        status.text.contains("cannot add prod") && status.text.contains("not found"),
        "{}",
        status.text
    );
}

#[test]
fn x_drops_a_daemon_its_rows_go_its_id_stays_and_its_late_messages_are_ignored() {
    let mut s = fleet();
    alert_on(&mut s, 1, "b1");
    s.host_cursor = 1;
    update(&mut s, Msg::Command(Command::AllHosts));
    assert_eq!(s.rows.len(), 3);
    update(&mut s, Msg::Command(Command::HostOverview));
    let fx = update(&mut s, Msg::Command(Command::DropDaemon));
    assert_eq!(fx, vec![Effect::DropDaemon { host: 1 }]);
    assert!(s.hosts[1].dropped);
    assert_eq!(s.hosts.len(), 4, "ids are never reused");
    assert!(s.containers.keys().all(|k| k.host != 1));
    assert!(!overview_order(&s).contains(&1));
    assert_ne!(s.host_cursor, 1);
    // Its alerts stay in the feed as history, marked.
    let entry = s.feed.all_newest_first().next().expect("the alert stays");
    assert_eq!(crate::ui::feed::subject(&s, entry).0, "[2 dropped] b1");
    // A message the task sent before it stopped changes nothing.
    live(&mut s, 1, vec![facts("b9", "late", PRIVILEGED)]);
    assert!(s.containers.keys().all(|k| k.host != 1));
    update(&mut s, Msg::Command(Command::AllHosts));
    assert_eq!(s.rows.len(), 1);
    // Dropped, it is offered again in the daemons window, and comes back under a new id.
    update(&mut s, Msg::Command(Command::Daemons));
    let p = s.picker.clone().unwrap();
    let at = p
        .choices
        .iter()
        .position(|c| c.kind == ChoiceKind::Dropped(1))
        .expect("the dropped daemon is listed");
    for _ in 0..at {
        update(&mut s, Msg::Command(Command::Down));
    }
    let fx = update(&mut s, Msg::Command(Command::Open));
    assert_eq!(
        fx,
        vec![Effect::AddDaemon {
            host: 4,
            source: DaemonSource::Host(1)
        }]
    );
    // In the window, `x` drops the selected daemon of the session.
    update(&mut s, Msg::Command(Command::Daemons));
    let fx = update(&mut s, Msg::Command(Command::DropDaemon));
    assert_eq!(fx, vec![Effect::DropDaemon { host: 0 }]);
    assert!(s.picker.is_some(), "the window stays open");
}

#[test]
fn the_last_daemon_of_the_session_cannot_be_dropped() {
    let mut s = AppState::new(vec!["unix:///a.sock".into()], UiSettings::default(), now());
    live(&mut s, 0, vec![facts("a1", "web", "{}")]);
    update(&mut s, Msg::Command(Command::HostOverview));
    let fx = update(&mut s, Msg::Command(Command::DropDaemon));
    assert!(fx.is_empty());
    assert!(!s.hosts[0].dropped);
    assert!(s.status.unwrap().text.contains("cannot be dropped"));
}

#[test]
fn a_click_on_an_overview_row_selects_that_daemon_and_a_second_one_opens_it() {
    let mut s = fleet();
    s.host_cursor = 0;
    let screen = ratatui::layout::Rect::new(0, 0, 80, 24);
    // Rows: header bar (2), border (1), column header (1), then the daemons worst first:
    // d (down: two lines), c, b, a.
    let at = |s: &AppState, y: u16| crate::ui::hit(s, screen, 10, y);
    assert_eq!(at(&s, 3), None, "the column header");
    assert_eq!(at(&s, 4), Some(crate::ui::Hit::Host(3)));
    assert_eq!(at(&s, 5), Some(crate::ui::Hit::Host(3)), "its reason line");
    assert_eq!(at(&s, 6), Some(crate::ui::Hit::Host(2)));
    assert_eq!(at(&s, 7), Some(crate::ui::Hit::Host(1)));
    assert_eq!(at(&s, 12), None, "below the rows");
    update(&mut s, Msg::ClickHost(1));
    assert_eq!((s.host_cursor, &s.view), (1, &View::Hosts));
    update(&mut s, Msg::ClickHost(1));
    assert_eq!((&s.view, s.host_only), (&View::Fleet, Some(1)));
}

#[test]
fn a_long_overview_scrolls_to_keep_the_selected_daemon_in_view_at_80x24() {
    let endpoints: Vec<String> = (0..30).map(|i| format!("tcp://host-{i:02}:2376")).collect();
    let mut s = AppState::new(endpoints, UiSettings::default(), now());
    s.overview = true;
    s.view = View::Hosts;
    for h in 0..30 {
        live(&mut s, h, Vec::new());
    }
    let area = ratatui::layout::Rect::new(0, 0, 80, 24);
    let theme = crate::theme::Theme::monochrome();
    let draw = |s: &AppState| {
        let mut buf = ratatui::buffer::Buffer::empty(area);
        crate::ui::render(s, &theme, area, &mut buf);
        (0..area.height)
            .map(|y| {
                (0..area.width)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
    };
    update(&mut s, Msg::Command(Command::Bottom));
    let last = *overview_order(&s).last().unwrap();
    assert_eq!(s.host_cursor, last);
    let screen = draw(&s);
    let name = &s.hosts[last].name;
    let row = screen
        .iter()
        .position(|l| l.contains(name.as_str()) && l.contains('▶'))
        .unwrap_or_else(|| panic!("{name} not drawn:\n{}", screen.join("\n")));
    assert_eq!(
        crate::ui::hit(&s, area, 10, row as u16),
        Some(crate::ui::Hit::Host(last))
    );
    // The column header stays on top.
    assert!(
        screen[3].contains("HOST") && screen[3].contains("ALERTS"),
        "{}",
        screen[3]
    );
}
