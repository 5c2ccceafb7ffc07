//! Widget tests on a plain `Buffer`: what is drawn, and with which theme role.

use super::*;
use crate::app::{Command, InputKey, Msg, RowKey, StatusLevel, StatusMessage, UiSettings, update};
use crate::model::ContainerFacts;
use crate::risk::rules::test_support;
use crate::risk::{Band, Severity};
use crate::watch::{DataEvent, LinkStatus};
use chrono::TimeZone;
use ratatui::style::{Modifier, Style};
use std::collections::BTreeMap;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 28, 20, 0, 0)
        .unwrap()
}

fn facts(n: usize, name: &str, overlay: serde_json::Value) -> ContainerFacts {
    let mut o = serde_json::json!({
        "Id": format!("{n:064x}"),
        "Name": format!("/{name}"),
        "State": {"Status": "running", "Running": true, "StartedAt": "2026-11-28T19:00:00Z"}
    });
    test_support::merge(&mut o, &overlay);
    test_support::container(&o.to_string())
}

fn settings() -> UiSettings {
    let mut key_hints = BTreeMap::new();
    for (c, k) in [
        (Command::Open, "enter"),
        (Command::Filter, "/"),
        (Command::Posture, "p"),
        (Command::Help, "?"),
        (Command::Quit, "q"),
        (Command::Tab1, "1"),
        (Command::Tab6, "6"),
    ] {
        key_hints.insert(c, vec![k.to_string()]);
    }
    UiSettings {
        page_size: 10,
        key_hints,
        ..UiSettings::default()
    }
}

/// A live daemon with `containers`.
fn state_with(containers: Vec<ContainerFacts>) -> AppState {
    let mut s = AppState::new(
        vec!["unix:///var/run/docker.sock".into()],
        settings(),
        now(),
    );
    for event in DataEvent::inventory(0, test_support::default_host(), containers) {
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

/// Privileged (critical) first, a default container second.
fn two() -> AppState {
    state_with(vec![
        facts(
            1,
            "priv",
            serde_json::json!({"HostConfig": {"Privileged": true}}),
        ),
        facts(2, "plain", serde_json::json!({})),
    ])
}

fn screen(state: &AppState, theme: &Theme, w: u16, h: u16) -> Buffer {
    let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
    render(state, theme, buf.area, &mut buf);
    buf
}

fn row_text(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

fn all_text(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| row_text(buf, y))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where `needle` starts on screen (column, row), by display column.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let first = needle.chars().next()?;
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            if buf[(x, y)].symbol().starts_with(first) {
                let rest: String = (x..buf.area.width)
                    .map(|xx| buf[(xx, y)].symbol())
                    .collect();
                if rest.starts_with(needle) {
                    return Some((x, y));
                }
            }
        }
    }
    None
}

/// Does the cell carry the role's style (its colors, and at least its modifiers)?
fn has_style(buf: &Buffer, pos: (u16, u16), want: Style) -> bool {
    let cell = &buf[pos];
    want.fg.is_none_or(|fg| cell.fg == fg)
        && want.bg.is_none_or(|bg| cell.bg == bg)
        && cell.modifier.contains(want.add_modifier)
}

#[test]
fn critical_score_cell_has_the_band_style_and_a_text_label() {
    let mut s = two();
    // Select the other row so the selection style does not mix in.
    s.selected = s
        .rows
        .iter()
        .position(|k| s.containers[k].facts.name == "plain")
        .unwrap();
    let theme = Theme::fallback_dark();
    let mut buf = Buffer::empty(Rect::new(0, 0, 100, 8));
    ContainerTable::new(&s, &theme).render(buf.area, &mut buf);
    let pos = find(&buf, "97 CRIT").expect("score with band label");
    assert!(row_text(&buf, pos.1).contains("priv"));
    let want = theme.style(Role::Band(Band::Critical));
    for dx in 0..7 {
        assert!(
            has_style(&buf, (pos.0 + dx, pos.1), want),
            "score cell styled as the band"
        );
    }
    // The worst finding's id carries its severity style.
    let id = find(&buf, "SW-PRIV-001").expect("worst id");
    assert!(has_style(
        &buf,
        id,
        theme.style(Role::Severity(Severity::Critical))
    ));
}

#[test]
fn selected_row_has_the_selected_style_and_a_marker() {
    let s = two();
    let theme = Theme::fallback_dark();
    let mut buf = Buffer::empty(Rect::new(0, 0, 100, 8));
    ContainerTable::new(&s, &theme).render(buf.area, &mut buf);
    let selected_name = &s.selected_container().unwrap().facts.name;
    let pos = find(&buf, selected_name).unwrap();
    let want = theme.style(Role::Selected);
    assert!(has_style(&buf, pos, want));
    assert!(row_text(&buf, pos.1).contains('▸'));
    // The other row is not selected.
    let other = find(&buf, "plain").unwrap();
    assert!(!buf[other].modifier.contains(Modifier::REVERSED));
}

#[test]
fn focused_pane_border_has_the_focused_style() {
    let s = two();
    let theme = Theme::fallback_dark();
    let buf = screen(&s, &theme, 80, 24);
    // The table (focused) starts under the two-line header; the preview below it is not.
    let table_corner = (0, HEADER_HEIGHT);
    assert!(has_style(
        &buf,
        table_corner,
        theme.style(Role::BorderFocused)
    ));
    assert_eq!(buf[table_corner].symbol(), "┏");
    let preview = find(&buf, "┌ findings").expect("preview pane");
    assert!(has_style(&buf, preview, theme.style(Role::Border)));
    assert_ne!(
        buf[preview].fg,
        theme.style(Role::BorderFocused).fg.unwrap()
    );

    // Tab moves the focus to the preview.
    let mut s = s;
    update(&mut s, Msg::Command(Command::NextPane));
    let buf = screen(&s, &theme, 80, 24);
    let preview = find(&buf, "┏ findings").expect("focused preview");
    assert!(has_style(&buf, preview, theme.style(Role::BorderFocused)));
}

#[test]
fn monochrome_keeps_labels_and_emphasis() {
    let s = two();
    let theme = Theme::monochrome();
    let buf = screen(&s, &theme, 80, 24);
    let text = all_text(&buf);
    assert!(text.contains("97 CRIT"), "{text}");
    assert!(text.contains("CRIT  SW-PRIV-001"), "{text}");
    // No colors anywhere.
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            assert_eq!(c.fg, ratatui::style::Color::Reset, "({x},{y})");
            assert_eq!(c.bg, ratatui::style::Color::Reset, "({x},{y})");
        }
    }
    // Selection stays visible through modifiers.
    let name = &s.selected_container().unwrap().facts.name;
    let pos = find(&buf, name).unwrap();
    assert!(buf[pos].modifier.contains(Modifier::REVERSED));

    // The drilldown shows severities as words.
    let mut s = s;
    update(&mut s, Msg::Command(Command::Open));
    let text = all_text(&screen(&s, &theme, 80, 24));
    assert!(text.contains("[CRITICAL] SW-PRIV-001"), "{text}");
}

#[test]
fn preview_labels_findings_with_severity_style() {
    let s = two();
    let theme = Theme::fallback_dark();
    let buf = screen(&s, &theme, 80, 24);
    let pos = find(&buf, "CRIT  SW-PRIV-001").expect("preview line");
    assert!(has_style(
        &buf,
        pos,
        theme.style(Role::Severity(Severity::Critical))
    ));
}

#[test]
fn drilldown_tabs_mark_the_active_one() {
    let mut s = two();
    update(&mut s, Msg::Command(Command::Open));
    update(&mut s, Msg::Command(Command::Tab2));
    let theme = Theme::fallback_dark();
    // Wide enough for every tab's full title.
    let buf = screen(&s, &theme, 140, 30);
    let active = find(&buf, "2 Capabilities").unwrap();
    assert!(has_style(&buf, active, theme.style(Role::TabActive)));
    let inactive = find(&buf, "1 Findings").unwrap();
    assert!(has_style(&buf, inactive, theme.style(Role::TabInactive)));
    assert!(!buf[inactive].modifier.contains(Modifier::UNDERLINED));
    // Privileged: the capability tab says so, as danger.
    let p = find(&buf, "! --privileged grants every capability").unwrap();
    assert!(has_style(&buf, p, theme.style(Role::Danger)));
}

#[test]
fn a_quiet_activity_tab_says_what_seawall_cannot_see() {
    let mut s = two();
    update(&mut s, Msg::Command(Command::Open));
    update(&mut s, Msg::Command(Command::Tab7));
    let text = all_text(&screen(&s, &Theme::fallback_dark(), 100, 30));
    assert!(
        text.contains("no alert about this container in the feed"),
        "{text}"
    );
    assert!(text.contains("pair it with Falco or"), "{text}");
}

#[test]
fn capabilities_mark_added_dangerous_and_dropped() {
    let s = state_with(vec![facts(
        1,
        "caps",
        serde_json::json!({"HostConfig": {"CapAdd": ["SYS_ADMIN"], "CapDrop": ["NET_RAW", "MKNOD"]}}),
    )]);
    let mut s = s;
    update(&mut s, Msg::Command(Command::Tab2));
    let theme = Theme::fallback_dark();
    let buf = screen(&s, &theme, 120, 40);
    let text = all_text(&buf);
    let sa = find(&buf, "! SYS_ADMIN").expect("dangerous cap marked");
    assert!(has_style(&buf, sa, theme.style(Role::Danger)));
    assert!(row_text(&buf, sa.1).contains("added"));
    assert!(row_text(&buf, sa.1).contains("HIGH"));
    let raw = find(&buf, "NET_RAW").expect("dropped default listed");
    assert!(row_text(&buf, raw.1).contains("dropped"), "{text}");
    let dropped = find(&buf, "dropped   ").unwrap();
    assert!(has_style(&buf, dropped, theme.style(Role::Dropped)));
}

#[test]
fn mounts_mark_sensitive_ones_with_the_finding() {
    let mut s = state_with(vec![facts(
        1,
        "sock",
        serde_json::json!({"Mounts": [
            {"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/var/run/docker.sock",
             "Mode": "", "RW": true, "Propagation": "rprivate"},
            {"Type": "bind", "Source": "/srv/data", "Destination": "/data",
             "Mode": "ro", "RW": false, "Propagation": "rprivate"}
        ]}),
    )]);
    update(&mut s, Msg::Command(Command::Tab3));
    let theme = Theme::fallback_dark();
    let text = all_text(&screen(&s, &theme, 120, 40));
    assert!(
        text.contains("! bind   /var/run/docker.sock -> /var/run/docker.sock"),
        "{text}"
    );
    assert!(
        text.contains("CRIT SW-MNT-001  Container runtime socket mounted"),
        "{text}"
    );
    assert!(text.contains("/srv/data -> /data"), "{text}");
    assert!(text.contains("ro · propagation rprivate"), "{text}");
}

#[test]
fn security_and_namespaces_show_effective_values() {
    let mut s = state_with(vec![
        facts(1, "web", serde_json::json!({})),
        facts(
            2,
            "side",
            serde_json::json!({"HostConfig": {"PidMode": "container:web", "NetworkMode": "host",
                                              "SecurityOpt": ["seccomp=unconfined"]}}),
        ),
    ]);
    s.selected = s
        .rows
        .iter()
        .position(|k| s.containers[k].facts.name == "side")
        .unwrap();
    update(&mut s, Msg::Command(Command::Tab4));
    let theme = Theme::fallback_dark();
    let text = all_text(&screen(&s, &theme, 140, 40));
    assert!(text.contains("! seccomp"), "{text}");
    assert!(
        text.contains("unconfined (SecurityOpt seccomp=unconfined)"),
        "{text}"
    );
    assert!(text.contains("profile docker-default"), "{text}");
    update(&mut s, Msg::Command(Command::Tab5));
    let buf = screen(&s, &theme, 140, 40);
    let text = all_text(&buf);
    assert!(text.contains("container web (private to it)"), "{text}");
    let net = find(&buf, "! net").expect("host net marked");
    assert!(has_style(&buf, net, theme.style(Role::Danger)));
    assert!(row_text(&buf, net.1).contains("HOST"));
}

#[test]
fn inspect_highlights_matches_and_counts_them() {
    let mut s = two();
    update(&mut s, Msg::Command(Command::Tab6));
    let theme = Theme::fallback_dark();
    assert!(all_text(&screen(&s, &theme, 80, 24)).contains("loading…"));
    let key = s.rows[s.selected].clone();
    let doc = (0..200)
        .map(|i| {
            if i % 50 == 7 {
                format!("\"Privileged\": {i}")
            } else {
                format!("line {i}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    update(
        &mut s,
        Msg::Data(DataEvent::RawInspect {
            host: key.host,
            id: key.id.clone(),
            document: Ok(doc),
        }),
    );
    update(&mut s, Msg::Command(Command::Filter));
    for c in "privileged".chars() {
        update(&mut s, Msg::Input(InputKey::Char(c)));
    }
    update(&mut s, Msg::Input(InputKey::Enter));
    update(&mut s, Msg::Command(Command::SearchNext));
    let buf = screen(&s, &theme, 80, 24);
    let text = all_text(&buf);
    assert!(text.contains("/privileged 2/4"), "{text}");
    let hit = find(&buf, "\"Privileged\": 57").expect("second match visible");
    assert!(has_style(&buf, hit, theme.style(Role::Match)));
    assert!(row_text(&buf, hit.1).contains("▶"));
    let plain = find(&buf, "line 58").unwrap();
    assert!(!has_style(&buf, plain, theme.style(Role::Match)));
}

#[test]
fn status_message_is_styled_by_level() {
    let mut s = two();
    s.status = Some(StatusMessage {
        text: "daemon said no".into(),
        level: StatusLevel::Error,
    });
    let theme = Theme::fallback_dark();
    let buf = screen(&s, &theme, 80, 24);
    let pos = find(&buf, "daemon said no").unwrap();
    assert_eq!(pos.1, 23);
    assert!(has_style(&buf, pos, theme.style(Role::StatusError)));
}

#[test]
fn filter_input_replaces_the_hints() {
    let mut s = two();
    update(&mut s, Msg::Command(Command::Filter));
    update(&mut s, Msg::Input(InputKey::Char('p')));
    let theme = Theme::fallback_dark();
    let buf = screen(&s, &theme, 80, 24);
    assert!(
        row_text(&buf, 23).starts_with("/ p▏"),
        "{}",
        row_text(&buf, 23)
    );
    assert!(all_text(&buf).contains("filter: p"));
}

#[test]
fn removed_drilldown_container_does_not_panic() {
    let mut s = two();
    update(&mut s, Msg::Command(Command::Open));
    let RowKey { host, id } = s.rows[s.selected].clone();
    update(
        &mut s,
        Msg::Data(DataEvent::Removed {
            host,
            id,
            regraded: Vec::new(),
        }),
    );
    for tab in [Command::Tab1, Command::Tab2, Command::Tab6] {
        update(&mut s, Msg::Command(tab));
        let text = all_text(&screen(&s, &Theme::fallback_dark(), 80, 24));
        assert!(text.contains("container removed"), "{text}");
    }
}

#[test]
fn any_size_draws_without_panicking() {
    let mut states = vec![two(), AppState::new(vec![], UiSettings::default(), now())];
    let mut d = two();
    update(&mut d, Msg::Command(Command::Open));
    states.push(d.clone());
    update(&mut d, Msg::Command(Command::Posture));
    states.push(d);
    let theme = Theme::fallback_dark();
    for s in &states {
        for w in [0u16, 1, 2, 20, 59, 60, 61, 80, 200] {
            for h in [0u16, 1, 2, 5, 14, 15, 16, 24, 60] {
                let buf = screen(s, &theme, w, h);
                if (1..MIN_WIDTH).contains(&w) && h > 0 && w >= 30 {
                    assert!(all_text(&buf).contains("too small"), "{w}x{h}");
                }
            }
        }
        // A frame offset from the origin, as a real terminal region might be.
        let mut buf = Buffer::empty(Rect::new(3, 2, 90, 30));
        render(s, &theme, Rect::new(3, 2, 90, 30), &mut buf);
        render(s, &theme, Rect::new(0, 0, 200, 200), &mut buf);
    }
}

#[test]
fn too_small_names_the_minimum() {
    let s = two();
    let text = all_text(&screen(&s, &Theme::fallback_dark(), 50, 10));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("terminal too small: need at least 60x15, have 50x10"),
        "{flat}"
    );
}

/// A thousand containers: the table shows the window around the selection and stays
/// correct. (Timing lives in the benchmark; the table builds only the visible rows.)
#[test]
fn thousand_rows_render_the_visible_window() {
    let host = test_support::default_host();
    let base = test_support::container("{}");
    let mut s = AppState::new(
        vec!["unix:///var/run/docker.sock".into()],
        settings(),
        now(),
    );
    s.hosts[0].facts = Some(host.clone());
    s.hosts[0].status = LinkStatus::Live;
    let graded = crate::risk::Grader::new(host.clone())
        .upsert(base.clone())
        .0;
    for i in 0..1000 {
        let mut f = base.clone();
        f.id = format!("{i:064x}");
        f.name = format!("svc-{i:04}");
        s.containers.insert(
            RowKey {
                host: 0,
                id: f.id.clone(),
            },
            crate::app::ContainerView {
                host: 0,
                facts: f,
                ..crate::app::ContainerView::new(0, graded.clone())
            },
        );
    }
    s.sort = crate::app::SortKey::Name;
    crate::app::rows::rebuild(&mut s);
    assert_eq!(s.rows.len(), 1000);

    let theme = Theme::fallback_dark();
    for selected in [0usize, 1, 499, 500, 998, 999] {
        s.selected = selected;
        let buf = screen(&s, &theme, 160, 48);
        let text = all_text(&buf);
        let name = format!("svc-{selected:04}");
        let pos = find(&buf, &name).unwrap_or_else(|| panic!("{name} visible:\n{text}"));
        assert!(has_style(&buf, pos, theme.style(Role::Selected)));
        assert!(text.contains(&format!(" {}/1000 ", selected + 1)));
        // Every table row between the header and the bottom border holds a container.
        let header = find(&buf, "STATE").unwrap().1;
        let bottom = (header..48)
            .find(|&y| row_text(&buf, y).starts_with('┗'))
            .unwrap();
        let shown: Vec<String> = (header + 1..bottom)
            .map(|y| row_text(&buf, y))
            .filter(|r| r.contains("svc-"))
            .collect();
        assert_eq!(shown.len() as u16, bottom - header - 1);
        // In order, consecutive.
        let first: usize = shown[0].split("svc-").nth(1).unwrap()[..4].parse().unwrap();
        for (i, row) in shown.iter().enumerate() {
            assert!(row.contains(&format!("svc-{:04}", first + i)), "{row}");
        }
    }
}

/// The log pane follows the tail and scrolls back `log_scroll` lines, and shows untrusted
/// text in log lines escaped. Needs the console's logger (tui-logger behind the sanitizer)
/// as the `log` backend; skipped when another logger already owns this test binary.
#[test]
fn log_pane_scrolls_back_from_the_tail() {
    let _ = crate::logging::init_console(::log::LevelFilter::Info);
    ::log::warn!(target: "seawall::ui::probe", "hostile-probe \u{1b}]2;PWNED\u{7} n\u{202e}x\nend");
    for i in 0..60 {
        ::log::info!(target: "seawall::ui::probe", "scroll-probe {i:02}");
    }
    tui_logger::move_events();
    let theme = Theme::fallback_dark();
    let mut s = two();
    s.show_log = true;
    let draw = |s: &AppState| {
        let mut buf = Buffer::empty(Rect::new(0, 0, 80, 12));
        LogPane::new(s, &theme).render(buf.area, &mut buf);
        buf
    };
    let row_of = |buf: &Buffer, needle: &str| {
        (0..buf.area.height).find(|&y| row_text(buf, y).contains(needle))
    };
    let tail = draw(&s);
    let Some(last) = row_of(&tail, "scroll-probe 59") else {
        eprintln!("SKIPPED: tui-logger is not the log backend in this test binary");
        return;
    };
    s.log_scroll = 5;
    let back = draw(&s);
    assert_eq!(
        row_of(&back, "scroll-probe 54"),
        Some(last),
        "{}",
        all_text(&back)
    );
    assert!(row_of(&back, "scroll-probe 59").is_none());
    assert!(all_text(&back).contains("↑5 lines"));
    // Far enough back: the hostile line, escaped, on one row (other tests of this binary
    // may log too, so look for it).
    let row = (0..=400).step_by(5).find_map(|back| {
        s.log_scroll = back;
        let far = draw(&s);
        row_of(&far, "hostile-probe").map(|y| row_text(&far, y))
    });
    let row = row.expect("the hostile log line is in the pane");
    assert!(
        row.contains("hostile-probe \\e]2;PWNED\\x07 n\\u{202e}x\\nend"),
        "{row}"
    );
}

// ---- The activity feed (issue 4) ----

/// `two()` plus alerts: a low one and a critical one about `priv`, one about the daemon.
fn alerting() -> AppState {
    let mut s = two();
    let priv_id = format!("{:064x}", 1);
    let mk = |container: Option<&str>, severity: Severity, title: &str, detail: &str, secs: i64| {
        crate::activity::Alert {
            time: now() - chrono::Duration::seconds(secs),
            container: container.map(|id| crate::activity::ContainerRef {
                id: id.to_string(),
                name: "priv".into(),
            }),
            rule: "SW-ACT-TEST-001".into(),
            severity,
            title: title.into(),
            detail: detail.into(),
            technique: String::new(),
            score_bump: if severity == Severity::Critical {
                25
            } else {
                0
            },
        }
    };
    for a in [
        mk(Some(&priv_id), Severity::Low, "Image pulled", "busybox", 30),
        mk(None, Severity::Info, "Event stream reconnected", "", 20),
        mk(
            Some(&priv_id),
            Severity::Critical,
            "Escape tool run",
            "nsenter -t 1 -m sh — 日本語の説明はとても長いのでここで切れるはずです",
            10,
        ),
    ] {
        update(
            &mut s,
            Msg::Data(DataEvent::Alert {
                host: 0,
                alert: Box::new(a),
                received: std::time::Instant::now(),
            }),
        );
    }
    s
}

#[test]
fn feed_lines_carry_time_severity_label_and_style() {
    let theme = Theme::fallback_dark();
    let mut s = alerting();
    update(&mut s, Msg::Command(Command::Feed));
    let buf = screen(&s, &theme, 80, 24);
    let text = all_text(&buf);
    // Newest first; times in UTC.
    let crit = find(&buf, "19:59:50 CRIT priv").expect(&text);
    let info = find(&buf, "19:59:40 INFO daemon").expect(&text);
    let low = find(&buf, "19:59:30 LOW  priv").expect(&text);
    assert!(crit.1 < info.1 && info.1 < low.1, "{text}");
    // Severity label and title in the severity role; the daemon in the muted role.
    let label = (crit.0 + 9, crit.1);
    assert!(has_style(
        &buf,
        label,
        theme.style(Role::Severity(Severity::Critical))
    ));
    let title = find(&buf, "Escape tool run").unwrap();
    assert!(has_style(
        &buf,
        title,
        theme.style(Role::Severity(Severity::Critical))
    ));
    let daemon = find(&buf, "daemon").unwrap();
    assert!(has_style(&buf, daemon, theme.style(Role::Muted)));
    // The focused feed marks the selected (newest) alert.
    assert_eq!(buf[(crit.0 - 1, crit.1)].symbol(), "▸");
    assert!(
        buf[crit].modifier.contains(Modifier::REVERSED)
            || has_style(&buf, crit, theme.style(Role::Selected))
    );
    // The selected alert's long wide-character detail wraps under its title, in the
    // selection's style, inside the border.
    let row = row_text(&buf, crit.1);
    assert!(!row.contains("nsenter"), "{row}");
    let next = row_text(&buf, crit.1 + 1);
    assert!(next.contains("nsenter -t 1 -m sh"), "{next}");
    assert!(next.ends_with('┃'), "{next}");
    let rest = row_text(&buf, crit.1 + 2);
    assert!(rest.contains('切') && rest.contains('す'), "{rest}");
    assert!(has_style(
        &buf,
        (crit.0, crit.1 + 1),
        theme.style(Role::Selected)
    ));
    // Not selected (the table focused): one line, cut at the border with an ellipsis.
    // (A wide character that does not fit leaves its column blank.)
    update(&mut s, Msg::Command(Command::Feed));
    // Tall enough for the feed's own pane while the table has the focus.
    let buf = screen(&s, &theme, 80, 40);
    let crit = find(&buf, "CRIT priv").unwrap_or_else(|| panic!("{}", all_text(&buf)));
    let row = row_text(&buf, crit.1);
    assert!(row.contains('…'), "{row}");
    assert!(row.ends_with('│'), "{row}");
}

#[test]
fn unseen_alerts_show_in_the_header_until_the_feed_is_focused() {
    let theme = Theme::fallback_dark();
    let mut s = alerting();
    let buf = screen(&s, &theme, 120, 24);
    let pos = find(&buf, "▲ 3 new alerts").unwrap_or_else(|| panic!("{}", all_text(&buf)));
    assert_eq!(pos.1, 0);
    assert!(has_style(
        &buf,
        pos,
        theme.style(Role::Severity(Severity::Critical))
    ));
    // The row shows the activity and the alert count, styled by the worst alert.
    let text = all_text(&buf);
    assert!(text.contains("97+25 CRIT"), "{text}");
    let count = find(&buf, "!2").expect(&text);
    assert!(has_style(
        &buf,
        count,
        theme.style(Role::Severity(Severity::Critical))
    ));
    update(&mut s, Msg::Command(Command::Feed));
    let buf = screen(&s, &theme, 120, 24);
    assert!(find(&buf, "new alert").is_none(), "{}", all_text(&buf));
}

#[test]
fn feed_filter_shows_in_the_title_and_the_footer_input() {
    let theme = Theme::fallback_dark();
    let mut s = alerting();
    update(&mut s, Msg::Command(Command::FeedSeverity));
    update(&mut s, Msg::Command(Command::Filter));
    update(&mut s, Msg::Input(InputKey::Char('c')));
    update(&mut s, Msg::Input(InputKey::Char('a')));
    let buf = screen(&s, &theme, 80, 24);
    let text = all_text(&buf);
    assert!(text.contains("activity 1/3 · ≥LOW · filter: ca"), "{text}");
    assert!(text.contains("/ ca▏  1 alerts shown"), "{text}");
    assert!(text.contains("Escape tool run"), "{text}");
    assert!(!text.contains("Image pulled"), "{text}");
}

#[test]
fn empty_feed_says_so() {
    let theme = Theme::fallback_dark();
    let mut s = two();
    update(&mut s, Msg::Command(Command::Feed));
    let buf = screen(&s, &theme, 80, 24);
    assert!(all_text(&buf).contains("no suspicious activity seen yet"));
    // Tall screens always show the feed, under the preview.
    let s = two();
    let buf = screen(&s, &theme, 120, 40);
    let text = all_text(&buf);
    assert!(
        text.contains("┌ findings") && text.contains("┌ activity 0"),
        "{text}"
    );
}

// ---- The confirm dialog, the read-only header, the isolated marker ----

/// `two()` with the isolate dialog open on the selected (privileged) container.
fn with_isolate_dialog() -> AppState {
    let mut s = two();
    update(&mut s, Msg::Command(Command::Isolate));
    assert!(s.confirm.is_some());
    s
}

#[test]
fn the_confirm_dialog_names_the_action_container_and_host_at_every_size() {
    let s = with_isolate_dialog();
    let theme = Theme::fallback_dark();
    for (w, h) in [(80, 24), (60, 15), (120, 40)] {
        let buf = screen(&s, &theme, w, h);
        let text = all_text(&buf);
        for want in [
            "confirm: isolate",
            "Isolate container priv",
            "000000000000",
            "unix:///var/run/docker.sock",
            "[y] yes",
            "[n/Esc] no (default)",
        ] {
            assert!(text.contains(want), "{w}x{h}: {want:?} missing:\n{text}");
        }
        // The choice keys are drawn as keys; the window border as the focused one.
        let y = find(&buf, "[y]").unwrap();
        assert!(has_style(&buf, y, theme.style(Role::Key)), "{w}x{h}");
        let title = find(&buf, "confirm: isolate").unwrap();
        assert!(has_style(&buf, title, theme.style(Role::Title)), "{w}x{h}");
        // The footer says how to answer.
        let footer = row_text(&buf, h - 1);
        assert!(
            footer.contains("y yes") && footer.contains("n/esc no"),
            "{footer}"
        );
    }
}

#[test]
fn the_confirm_choice_line_survives_a_cramped_window() {
    // Long details on the smallest screen: the body is cut, the choice line is not.
    let mut s = with_isolate_dialog();
    if let Some(c) = &mut s.confirm {
        c.details = vec!["a long explanation of what happens ".repeat(12); 3];
    }
    let buf = screen(&s, &Theme::fallback_dark(), 60, 15);
    let text = all_text(&buf);
    assert!(text.contains("[n/Esc] no (default)"), "{text}");
}

#[test]
fn read_only_shows_in_the_header_as_text() {
    let mut s = two();
    s.actions.read_only = true;
    let theme = Theme::monochrome();
    for (w, h) in [(80, 24), (60, 15)] {
        let buf = screen(&s, &theme, w, h);
        let top = row_text(&buf, 0);
        assert!(top.contains("READ-ONLY"), "{w}x{h}: {top}");
        // The footer offers no action keys.
        assert!(!row_text(&buf, h - 1).contains("isolate"));
    }
    s.actions.read_only = false;
    let buf = screen(&s, &theme, 80, 24);
    assert!(!row_text(&buf, 0).contains("READ-ONLY"));
}

#[test]
fn an_isolated_running_container_is_marked_in_the_row_and_the_drilldown() {
    let mut s = two();
    let key = s.rows[0].clone();
    s.actions.isolated.insert(key);
    let theme = Theme::fallback_dark();
    let buf = screen(&s, &theme, 100, 30);
    let (x, y) = find(&buf, "isol").expect("the STATE column says isol");
    assert!(row_text(&buf, y).contains("priv"));
    assert!(has_style(&buf, (x, y), theme.style(Role::Danger)));
    update(&mut s, Msg::Command(Command::Open));
    let buf = screen(&s, &theme, 100, 30);
    assert!(
        all_text(&buf).contains("running ISOLATED"),
        "{}",
        all_text(&buf)
    );
}

#[test]
fn the_what_if_window_shows_what_goes_away_the_predicted_score_and_the_flags() {
    let mut s = state_with(vec![facts(
        1,
        "risky",
        serde_json::json!({"HostConfig": {"CapAdd": ["SYS_ADMIN"], "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}}),
    )]);
    update(&mut s, Msg::Command(Command::WhatIf));
    assert!(matches!(
        s.overlay,
        Some(crate::app::Overlay::WhatIf { .. })
    ));
    let theme = Theme::fallback_dark();
    let buf = screen(&s, &theme, 140, 50);
    let text = all_text(&buf);
    assert!(text.contains("what-if: hardened configuration"), "{text}");
    assert!(text.contains("risky  score "), "{text}");
    assert!(text.contains(" predicted"), "{text}");
    assert!(text.contains("SW-CAP-SYS_ADMIN"), "{text}");
    assert!(text.contains("remove --cap-add SYS_ADMIN"), "{text}");
    assert!(text.contains("may break"), "{text}");
    assert!(text.contains("flags to copy:"), "{text}");
    assert!(text.contains("-p 127.0.0.1:8080:80/tcp"), "{text}");
    // The same key closes it.
    update(&mut s, Msg::Command(Command::WhatIf));
    assert_eq!(s.overlay, None);
}

/// A click lands where the widgets drew: a row of the table, a tab of the drilldown, at
/// every width the tab bar has a layout for.
#[test]
fn clicks_hit_the_rows_and_tabs_that_are_drawn() {
    let mut s = two();
    let theme = Theme::fallback_dark();
    for (w, h) in [(80u16, 24u16), (120, 40), (160, 48)] {
        let area = Rect::new(0, 0, w, h);
        let buf = screen(&s, &theme, w, h);
        for (i, key) in s.rows.iter().enumerate() {
            let name = &s.containers[key].facts.name;
            let pos = find(&buf, name).unwrap_or_else(|| panic!("{name} drawn"));
            assert_eq!(
                crate::ui::hit(&s, area, pos.0, pos.1),
                Some(crate::ui::Hit::Row(i)),
                "{name} at {w}x{h}"
            );
        }
        // The header and the footer are not rows.
        assert_eq!(crate::ui::hit(&s, area, 3, 0), None);
        assert_eq!(crate::ui::hit(&s, area, 3, h - 1), None);
    }
    update(&mut s, Msg::Command(Command::Open));
    for (w, h) in [(80u16, 24u16), (120, 40), (160, 48)] {
        let area = Rect::new(0, 0, w, h);
        let buf = screen(&s, &theme, w, h);
        for (i, tab) in crate::app::Tab::ALL.iter().enumerate() {
            let label = format!("{} ", (i + 1) % 10);
            // The tab's number as drawn on the tab bar (the body's second line).
            let y = crate::ui::HEADER_HEIGHT + 1;
            let x = (0..w)
                .find(|x| {
                    let here: String = (*x..(*x + 2).min(w))
                        .map(|x| buf[(x, y)].symbol())
                        .collect();
                    here == label && (*x == 0 || buf[(*x - 1, y)].symbol() == " ")
                })
                .unwrap_or_else(|| panic!("tab {label} at {w}x{h}"));
            assert_eq!(
                crate::ui::hit(&s, area, x, y),
                Some(crate::ui::Hit::Tab(*tab)),
                "{tab:?} at {w}x{h}"
            );
        }
    }
}

/// A long endpoint is cut, not the posture or the alert count after it.
#[test]
fn a_long_endpoint_leaves_room_for_posture_and_alerts_at_80_columns() {
    let mut s = two();
    s.hosts[0].endpoint = format!(
        "ssh://operator@{}.example.internal:22",
        "very-long-host".repeat(4)
    );
    // The header shows a daemon by its name: its endpoint unless a context chose it.
    s.hosts[0].name = s.hosts[0].endpoint.clone();
    let buf = screen(&s, &Theme::fallback_dark(), 80, 24);
    let header = row_text(&buf, 0);
    assert!(header.contains("ssh://operator@very-long-host"), "{header}");
    assert!(header.contains('…'), "{header}");
    assert!(
        header.contains("posture") && header.contains("0 alerts"),
        "{header}"
    );
}

#[test]
fn the_drilldown_score_line_says_when_activity_is_cut_at_100() {
    let mut s = two();
    let key = |s: &AppState, name: &str| {
        let c = s
            .containers
            .values()
            .find(|c| c.facts.name == name)
            .unwrap();
        RowKey {
            host: c.host,
            id: c.facts.id.clone(),
        }
    };
    for name in ["priv", "plain"] {
        let k = key(&s, name);
        s.activity.insert(
            k,
            crate::app::ContainerActivity {
                points: 8,
                ..Default::default()
            },
        );
    }
    let config_score = |s: &AppState, name: &str| {
        s.containers
            .values()
            .find(|c| c.facts.name == name)
            .unwrap()
            .score
            .value
    };
    let (priv_score, plain_score) = (config_score(&s, "priv"), config_score(&s, "plain"));
    assert!(
        priv_score > 92 && plain_score < 92,
        "{priv_score} {plain_score}"
    );
    let theme = Theme::fallback_dark();

    // The privileged container (worst, first row): its sum passes 100 and is cut.
    update(&mut s, Msg::Command(Command::Open));
    let text = all_text(&screen(&s, &theme, 120, 30));
    assert!(
        text.contains(&format!(
            "100 CRIT ({priv_score}+8 activity, capped at 100)"
        )),
        "{text}"
    );

    // The default container: the sum fits, and nothing says capped.
    update(&mut s, Msg::Command(Command::Back));
    update(&mut s, Msg::Command(Command::Down));
    update(&mut s, Msg::Command(Command::Open));
    let text = all_text(&screen(&s, &theme, 120, 30));
    assert!(
        text.contains(&format!("({plain_score}+8 activity)")),
        "{text}"
    );
    assert!(!text.contains("capped at 100"), "{text}");
}

#[test]
fn clicks_on_feed_alerts_select_them_wherever_the_feed_is_drawn() {
    let theme = Theme::fallback_dark();
    // 80x24: the feed shows (in the preview's place) only while focused; 120x40: its own
    // pane below the preview, focused or not.
    for (w, h, focus_first) in [(80u16, 24u16, true), (120, 40, false), (120, 40, true)] {
        let mut s = alerting();
        if focus_first {
            update(&mut s, Msg::Command(Command::Feed));
        }
        let area = Rect::new(0, 0, w, h);
        let buf = screen(&s, &theme, w, h);
        let text = all_text(&buf);
        for (i, title) in [
            "Escape tool run",
            "Event stream reconnected",
            "Image pulled",
        ]
        .iter()
        .enumerate()
        {
            let pos = find(&buf, title).unwrap_or_else(|| panic!("{title} at {w}x{h}:\n{text}"));
            assert_eq!(
                crate::ui::hit(&s, area, pos.0, pos.1),
                Some(crate::ui::Hit::Feed(i)),
                "{title} at {w}x{h}"
            );
            assert_eq!(s.feed.shown_at(i).unwrap().alert.title, *title);
        }
        // The wrapped detail of the selected (focused) alert belongs to it.
        if focus_first {
            let detail = find(&buf, "nsenter -t 1").unwrap();
            assert_eq!(
                crate::ui::hit(&s, area, detail.0, detail.1),
                Some(crate::ui::Hit::Feed(0))
            );
        }
        // A click selects the alert and gives the feed the focus.
        let oldest = find(&buf, "Image pulled").unwrap();
        let Some(crate::ui::Hit::Feed(i)) = crate::ui::hit(&s, area, oldest.0, oldest.1) else {
            panic!("a feed hit");
        };
        update(&mut s, Msg::ClickAlert(i));
        assert_eq!(s.focus, crate::app::Focus::Feed);
        assert_eq!(s.feed.selected().unwrap().alert.title, "Image pulled");
        let buf = screen(&s, &theme, w, h);
        let pos = find(&buf, "Image pulled").unwrap();
        let row = row_text(&buf, pos.1);
        assert!(row.contains("▸"), "{row}");
    }
}

#[test]
fn a_container_that_cannot_be_inspected_has_a_line_in_the_table_until_read() {
    let mut s = two();
    update(
        &mut s,
        Msg::Data(DataEvent::Unread {
            host: 0,
            id: format!("{:064x}", 3),
            line: "db\u{202e}evil (000000000000): inspect failed: HTTP 500: boom; retrying in 4 s"
                .into(),
        }),
    );
    let theme = Theme::fallback_dark();
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let buf = screen(&s, &theme, w, h);
        let text = all_text(&buf);
        let pos = find(&buf, "? not graded: db").unwrap_or_else(|| panic!("{w}x{h}:\n{text}"));
        // Below the graded rows, as a warning; the bidi override shown escaped.
        let plain = find(&buf, "plain").unwrap();
        assert!(pos.1 > plain.1, "{text}");
        assert!(has_style(&buf, pos, theme.style(Role::StatusWarning)));
        let row = row_text(&buf, pos.1);
        assert!(!row.contains('\u{202e}'), "{row}");
        assert!(row.contains("inspect failed"), "{row}");
    }
    // Read at last: the line goes.
    let again = vec![
        facts(
            1,
            "priv",
            serde_json::json!({"HostConfig": {"Privileged": true}}),
        ),
        facts(2, "plain", serde_json::json!({})),
        facts(3, "db", serde_json::json!({})),
    ];
    for event in DataEvent::inventory(0, test_support::default_host(), again) {
        update(&mut s, Msg::Data(event));
    }
    assert!(s.containers.values().any(|c| c.facts.name == "db"));
    let text = all_text(&screen(&s, &theme, 120, 40));
    assert!(!text.contains("not graded"), "{text}");
}

#[test]
fn header_names_podman_its_runtime_and_mode_instead_of_containerd() {
    let mut s = AppState::new(
        vec!["unix:///run/podman/podman.sock".into()],
        settings(),
        now(),
    );
    let mut host = test_support::default_host();
    host.engine.product = crate::model::Engine::Podman;
    host.engine.version = "4.3.1".into();
    host.engine.runc = String::new();
    host.engine.containerd = String::new();
    host.engine.oci_runtime = "crun".into();
    host.engine.oci_runtime_version = "1.8.1".into();
    host.engine.cgroup_driver = "cgroupfs".into();
    host.engine.rootless = Some(true);
    for event in DataEvent::inventory(0, host, vec![]) {
        update(&mut s, Msg::Data(event));
    }
    update(
        &mut s,
        Msg::Data(DataEvent::Status {
            host: 0,
            status: LinkStatus::Live,
        }),
    );
    let buf = screen(&s, &Theme::fallback_dark(), 140, 20);
    let line = row_text(&buf, 1);
    assert!(
        line.contains(
            "engine Podman 4.3.1 · runtime crun 1.8.1 · rootless · cgroups cgroupfs · kernel"
        ),
        "{line}"
    );
    assert!(!line.contains("containerd"), "{line}");

    // Docker keeps its line as it was.
    let docker = two();
    let buf = screen(&docker, &Theme::fallback_dark(), 140, 20);
    let line = row_text(&buf, 1);
    assert!(line.contains("containerd "), "{line}");
    assert!(!line.contains("Podman"), "{line}");
}
