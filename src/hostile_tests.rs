//! Property tests: arbitrary untrusted text (escape sequences, BEL, C1 controls, bidi
//! overrides and isolates, zero-width and tag characters, markup, invalid UTF-8 turned into
//! a string the way seawall does it with `String::from_utf8_lossy`) fed through every
//! renderer: the console buffer, `seawall watch` text and NDJSON, the scan's table,
//! Markdown, HTML, JSON and SARIF, and the one-line messages. No control, bidi or invisible
//! character survives where a terminal or a reader would see it, and no markup escapes.

use crate::activity::{Alert, ContainerRef};
use crate::app::{AppState, Command, Msg, StatusLevel, StatusMessage, UiSettings, update};
use crate::report::{Format, Report};
use crate::risk::Severity;
use crate::risk::rules::test_support;
use crate::sanitize::{self, Terminal, is_terminal_safe, is_unsafe};
use crate::theme::Theme;
use crate::watch::{DataEvent, LinkStatus};
use chrono::TimeZone;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::collections::BTreeMap;

/// Pieces an attacker would use, mixed with ordinary text.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9 ./_-]{0,6}",
        Just("\u{1b}]2;PWNED\u{7}".to_string()),
        Just("\u{1b}[2J\u{1b}[H".to_string()),
        Just("\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\".to_string()),
        Just("\u{7}".to_string()),
        Just("\u{9b}31m".to_string()),
        Just("\u{9d}0;t\u{9c}".to_string()),
        Just("\u{7f}\u{8}\u{0}".to_string()),
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{202a}\u{202b}\u{202c}\u{202d}".to_string()),
        Just("\u{2066}\u{2067}\u{2068}\u{2069}".to_string()),
        Just("\u{200b}\u{200e}\u{200f}\u{feff}\u{2028}".to_string()),
        Just("\u{e0041}\u{e0042}".to_string()),
        Just("\u{200d}👩\u{200d}💻".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("</td></tr><b onmouseover='x'>\"".to_string()),
        Just("| *a* _b_ `c` [l](u) # - 1. ![i](x) <br> &amp;".to_string()),
        Just("日本語".to_string()),
        any::<char>().prop_map(String::from),
        proptest::collection::vec(any::<u8>(), 0..8)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// A hostile string: a few pieces joined.
fn hostile() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..6).prop_map(|v| v.concat())
}

/// A hostile string that starts with an unsafe character.
fn hostile_unsafe() -> impl Strategy<Value = String> {
    let bad = proptest::sample::select(vec![
        "\u{1b}", "\u{7}", "\u{9b}", "\u{202e}", "\u{2066}", "\n", "\r", "\u{200b}",
    ]);
    (bad, hostile()).prop_map(|(bad, s)| format!("{bad}{s}"))
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 28, 20, 0, 0)
        .unwrap()
}

fn settings() -> UiSettings {
    let mut key_hints = BTreeMap::new();
    for (c, k) in [
        (Command::Open, "enter"),
        (Command::Help, "?"),
        (Command::Posture, "p"),
    ] {
        key_hints.insert(c, vec![k.to_string()]);
    }
    UiSettings {
        page_size: 10,
        key_hints,
        ..UiSettings::default()
    }
}

/// A console state whose only container, its alerts, the daemon's versions and the status
/// line all hold `h`.
fn hostile_state(h: &str) -> AppState {
    let mut s = AppState::new(
        vec!["unix:///var/run/docker.sock".into()],
        settings(),
        now(),
    );
    let mut host = test_support::default_host();
    host.engine.version = format!("27.{h}");
    host.engine.kernel = h.to_string();
    let overlay = serde_json::json!({
        "Id": format!("{:064x}", 7),
        "Name": format!("/web{h}"),
        "Image": format!("img{h}"),
        "State": {"Status": "running", "Running": true, "StartedAt": "2026-11-28T19:00:00Z"},
        "Config": {
            "Image": format!("img{h}"),
            "User": h,
            "Labels": {"l": h},
            "Env": [format!("E={h}")],
            "Cmd": ["sh", "-c", h],
        },
        "HostConfig": {
            "Privileged": true,
            "Devices": [{"PathOnHost": format!("/dev/sda{h}"), "PathInContainer": "/dev/x", "CgroupPermissions": "rwm"}],
            "CapAdd": [format!("X{h}")],
        },
        "Mounts": [{"Type": "bind", "Source": "/etc", "Destination": format!("/mnt/{h}"), "Mode": "", "RW": true, "Propagation": "rprivate"}],
    });
    let c = test_support::container(&overlay.to_string());
    for event in DataEvent::inventory(0, host, vec![c]) {
        update(&mut s, Msg::Data(event));
    }
    update(
        &mut s,
        Msg::Data(DataEvent::Status {
            host: 0,
            status: LinkStatus::Live,
        }),
    );
    for (i, sev) in [Severity::Critical, Severity::Info].into_iter().enumerate() {
        let alert = Alert {
            time: now() - chrono::Duration::seconds(i as i64),
            container: Some(ContainerRef {
                id: format!("{:064x}", 7),
                name: format!("web{h}"),
            }),
            rule: "SW-ACT-TEST-001".into(),
            severity: sev,
            title: format!("Shell {h}"),
            detail: format!("sh -c {h}"),
            technique: h.to_string(),
            score_bump: 10,
        };
        update(
            &mut s,
            Msg::Data(DataEvent::Alert {
                host: 0,
                alert: Box::new(alert),
                received: std::time::Instant::now(),
            }),
        );
    }
    s.status = Some(StatusMessage {
        text: format!("isolate failed: network {h}"),
        level: StatusLevel::Error,
    });
    s
}

/// Every screen worth drawing for `h`: the fleet (table, preview, feed, header, status),
/// the feed focused, every drilldown tab (the inspect document holding `h` too), the
/// confirm dialog, the posture window, and a daemon that is down with `h` as its reason.
fn screens(h: &str) -> Vec<(String, Buffer)> {
    let theme = Theme::fallback_dark();
    let mut out = Vec::new();
    let mut draw = |what: &str, s: &AppState, w: u16, hh: u16| {
        let mut buf = Buffer::empty(Rect::new(0, 0, w, hh));
        crate::ui::draw_widgets(s, &theme, buf.area, &mut buf);
        out.push((what.to_string(), buf));
    };
    let mut s = hostile_state(h);
    draw("fleet", &s, 140, 44);
    draw("fleet small", &s, 80, 24);
    update(&mut s, Msg::Command(Command::Feed));
    draw("feed", &s, 100, 24);
    update(&mut s, Msg::Command(Command::Feed));

    let mut d = hostile_state(h);
    update(&mut d, Msg::Command(Command::Open));
    let key = d.rows[d.selected].clone();
    let doc = serde_json::to_string_pretty(&serde_json::json!({
        "Name": format!("/web{h}"),
        "Config": {"Labels": {"l": h}, "Cmd": ["sh", "-c", h]},
    }))
    .unwrap_or_default();
    update(
        &mut d,
        Msg::Data(DataEvent::RawInspect {
            host: key.host,
            id: key.id.clone(),
            document: Ok(doc),
        }),
    );
    for (i, tab) in [
        Command::Tab1,
        Command::Tab2,
        Command::Tab3,
        Command::Tab4,
        Command::Tab5,
        Command::Tab6,
        Command::Tab7,
    ]
    .into_iter()
    .enumerate()
    {
        update(&mut d, Msg::Command(tab));
        draw(&format!("tab {}", i + 1), &d, 120, 40);
    }

    let mut c = hostile_state(h);
    update(&mut c, Msg::Command(Command::Isolate));
    draw("confirm", &c, 100, 30);

    let mut p = hostile_state(h);
    update(&mut p, Msg::Command(Command::Posture));
    draw("posture", &p, 120, 40);

    let mut down = hostile_state(h);
    update(
        &mut down,
        Msg::Data(DataEvent::Status {
            host: 0,
            status: LinkStatus::Down {
                message: format!("cannot connect: {h}"),
                retry_in_secs: 5,
            },
        }),
    );
    draw("down", &down, 120, 30);
    out
}

fn screen_text(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn first_bad_cell(buf: &Buffer) -> Option<(u16, u16, String)> {
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            if !is_terminal_safe(sym) {
                return Some((x, y, format!("{sym:?}")));
            }
        }
    }
    None
}

/// A report whose containers, findings and host hold `h`.
fn hostile_report(h: &str) -> Report {
    let mut r = hostile_containers(h);
    r.hosts[0].engine.kernel = h.to_string();
    r
}

/// A report whose containers, findings and host name hold `h` (the engine line is clean,
/// so the table's layout does not depend on `h`).
fn hostile_containers(h: &str) -> Report {
    let mut r = crate::report::test_support::sample_report();
    let host = &mut r.hosts[0];
    host.name = format!("daemon{h}");
    for c in &mut host.containers {
        c.name = format!("{}{h}", c.name);
        c.image = format!("{h}{}", c.image);
        c.state = format!("{}{h}", c.state);
        for f in &mut c.findings {
            f.title = format!("{}{h}", f.title).into();
            f.evidence = format!("{}{h}", f.evidence);
        }
    }
    r
}

/// The data part of a report with `h` replaced by nothing (the shape to compare with).
fn clean_report() -> Report {
    hostile_report("")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The sanitizer itself: nothing unsafe survives, clean text is unchanged, twice is
    /// once, and one line stays one line.
    #[test]
    fn terminal_sanitizer_properties(s in hostile()) {
        let line = sanitize::terminal_line(&s);
        prop_assert!(line.chars().all(|c| !is_unsafe(c)), "{line:?}");
        prop_assert!(!line.contains('\n'));
        let twice = sanitize::terminal_line(&line).into_owned();
        prop_assert_eq!(twice.as_str(), line.as_ref());
        if s.chars().all(|c| !is_unsafe(c)) {
            prop_assert_eq!(line.as_ref(), s.as_str());
        }
        let text = sanitize::terminal_text(&s);
        prop_assert!(text.chars().all(|c| c == '\n' || c == '\t' || !is_unsafe(c)));
        prop_assert_eq!(text.matches('\n').count(), s.matches('\n').count());
        let msg = format!("seawall: {}", Terminal(&s));
        prop_assert!(is_terminal_safe(&msg), "{msg:?}");
    }

    /// The console: no cell of any screen holds a control, bidi or invisible character,
    /// even before the final guard.
    #[test]
    fn console_buffers_hold_no_unsafe_character(h in hostile()) {
        for (what, buf) in screens(&h) {
            if let Some((x, y, sym)) = first_bad_cell(&buf) {
                prop_assert!(false, "{what}: cell ({x},{y}) holds {sym}\n{}", screen_text(&buf));
            }
        }
    }

    /// `seawall watch --format text` and NDJSON.
    #[test]
    fn watch_lines_are_one_safe_line(h in hostile()) {
        let alert = Alert {
            time: now(),
            container: Some(ContainerRef { id: "abc".into(), name: format!("web{h}") }),
            rule: format!("SW{h}"),
            severity: Severity::High,
            title: format!("Shell {h}"),
            detail: format!("sh -c {h}"),
            technique: h.clone(),
            score_bump: 1,
        };
        let text = crate::headless::alert_stream::text_line(&alert, &format!("unix://{h}"), &chrono::Utc);
        prop_assert!(is_terminal_safe(&text), "{text:?}");
        let nd = crate::headless::alert_stream::ndjson_line(&alert, "h");
        prop_assert!(is_terminal_safe(&nd), "{nd:?}");
        let v: serde_json::Value = serde_json::from_str(&nd).unwrap();
        prop_assert_eq!(v["detail"].as_str(), Some(alert.detail.as_str()));
        let name = format!("web{h}");
        prop_assert_eq!(v["container"]["name"].as_str(), Some(name.as_str()));
    }

    /// The scan's table: no unsafe character (the line breaks are the table's own: as
    /// many lines as for clean data).
    #[test]
    fn the_table_holds_no_unsafe_character(h in hostile()) {
        for width in [80, 200] {
            let t = crate::report::render_table_width(&hostile_report(&h), false, width);
            prop_assert!(t.chars().all(|c| c == '\n' || !is_unsafe(c)), "{t:?}");
            let t = crate::report::render_table_width(&hostile_containers(&h), false, width);
            let clean = crate::report::render_table_width(&clean_report(), false, width);
            prop_assert_eq!(t.lines().count(), clean.lines().count(), "{}", t);
        }
    }

    /// Markdown: no unsafe character, no markup from the data (every `<` is escaped or a
    /// `<br>` of a table cell; as many headings and table rows as for clean data, each row
    /// with its columns).
    #[test]
    fn markdown_cannot_be_broken_out_of(h in hostile()) {
        let md = String::from_utf8(crate::report::render(&hostile_report(&h), Format::Markdown)).unwrap();
        prop_assert!(md.chars().all(|c| c == '\n' || !is_unsafe(c)), "{md:?}");
        let clean = String::from_utf8(crate::report::render(&clean_report(), Format::Markdown)).unwrap();
        let headings = |s: &str| s.lines().filter(|l| l.starts_with('#')).count();
        prop_assert_eq!(headings(&md), headings(&clean));
        let rows = |s: &str| s.lines().filter(|l| l.starts_with('|')).count();
        prop_assert_eq!(rows(&md), rows(&clean));
        for line in md.lines().filter(|l| l.starts_with('|')) {
            let cells = line.replace("\\\\", "").replace("\\|", "").matches('|').count();
            prop_assert!(cells == 3 || cells == 8, "bad row: {line}");
        }
        let unescaped_lt = md
            .replace("<br>", "")
            .replace("\\\\", "")
            .replace("\\<", "")
            .matches('<')
            .count();
        prop_assert_eq!(unescaped_lt, 0, "{}", md);
    }

    /// HTML: no unsafe character but layout whitespace, and exactly the tags of the clean
    /// report (every `<` from the data is `&lt;`).
    #[test]
    fn html_cannot_be_broken_out_of(h in hostile()) {
        let html = String::from_utf8(crate::report::render(&hostile_report(&h), Format::Html)).unwrap();
        prop_assert!(html.chars().all(|c| c == '\n' || c == '\t' || !is_unsafe(c)), "{html:?}");
        let clean = String::from_utf8(crate::report::render(&clean_report(), Format::Html)).unwrap();
        prop_assert_eq!(html.matches('<').count(), clean.matches('<').count());
        prop_assert_eq!(html.matches('>').count(), clean.matches('>').count());
    }

    /// JSON and SARIF stay JSON: they parse, hold the exact value, and every line is safe
    /// on a terminal (JSON escapes plus `\uXXXX` for C1, bidi and invisible characters).
    #[test]
    fn json_and_sarif_stay_json(h in hostile()) {
        let r = hostile_report(&h);
        for format in [Format::Json, Format::Sarif] {
            let text = String::from_utf8(crate::report::render(&r, format)).unwrap();
            for line in text.lines() {
                prop_assert!(is_terminal_safe(line), "{format}: {line:?}");
            }
        }
        let json: serde_json::Value = serde_json::from_slice(&crate::report::render(&r, Format::Json)).unwrap();
        let name = json["hosts"][0]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"].as_str() == Some(r.hosts[0].containers[0].name.as_str()));
        prop_assert!(name);
        let sarif: serde_json::Value = serde_json::from_slice(&crate::report::render(&r, Format::Sarif)).unwrap();
        prop_assert!(sarif.is_object());
    }

    /// A visible escape shows on screen where the name had an unsafe character.
    #[test]
    fn the_console_shows_what_was_escaped(h in hostile_unsafe()) {
        let s = hostile_state(&h);
        let theme = Theme::fallback_dark();
        let mut buf = Buffer::empty(Rect::new(0, 0, 200, 44));
        crate::ui::render(&s, &theme, buf.area, &mut buf);
        let text = screen_text(&buf);
        prop_assert!(text.contains("web\\"), "{text}");
    }
}

/// The escapes an operator sees for the PWNED sequence, on every sink.
#[test]
fn one_hostile_exec_line_on_every_sink() {
    let h = "\u{1b}]2;PWNED\u{7}\u{1b}[2J\u{202e}";
    let shown = "\\e]2;PWNED\\x07\\e[2J\\u{202e}";
    let theme = Theme::fallback_dark();
    let s = hostile_state(h);
    let mut buf = Buffer::empty(Rect::new(0, 0, 200, 44));
    crate::ui::render(&s, &theme, buf.area, &mut buf);
    let text = screen_text(&buf);
    assert!(text.contains(&format!("sh -c {shown}")), "{text}");
    assert!(text.contains(&format!("web{shown}")), "{text}");
    let t = crate::report::render_table_width(&hostile_report(h), false, 250);
    assert!(t.contains(&format!("db-privileged{shown}")), "{t}");
    let md =
        String::from_utf8(crate::report::render(&hostile_report(h), Format::Markdown)).unwrap();
    assert!(
        md.contains("db-privileged\\\\e\\]2;PWNED\\\\x07\\\\e\\[2J\\\\u{202e}"),
        "{md}"
    );
    let html = String::from_utf8(crate::report::render(&hostile_report(h), Format::Html)).unwrap();
    assert!(html.contains(&format!("db-privileged{shown}")), "{html}");
    assert_eq!(
        format!("{}", Terminal(&format!("disconnected from n{h}"))),
        format!("disconnected from n{shown}")
    );
}
