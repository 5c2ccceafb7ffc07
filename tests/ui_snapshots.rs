//! Full-screen snapshots of every view at 80x24 and 160x48 (insta + TestBackend).
//!
//! The state is built through the public reducer from captured inspect documents
//! (`tests/fixtures/*.json`) with JSON overlays, a fixed clock and fixed start times, so the
//! screens are deterministic. Update the snapshots with
//! `INSTA_UPDATE=always cargo test --test ui_snapshots` and review the `.snap` files.
//!
//! The log pane is drawn by tui-logger from its global buffer, which stays empty here (the
//! logger is never installed in this test binary), so its snapshot is deterministic too.

use bollard::models::{ContainerInspectResponse, SystemInfo, SystemVersion};
use chrono::{DateTime, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use seawall::app::{AppState, Command, InputKey, Msg, UiSettings, update};
use seawall::model::{ContainerFacts, HostFacts, VolumeBacking, convert};
use seawall::theme::Theme;
use seawall::watch::{DataEvent, LinkStatus};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

const ENDPOINT: &str = "unix:///var/run/docker.sock";
const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("fixture JSON")
}

/// Overlay `patch` onto `base`: objects merge, `null` removes a key, the rest replaces.
fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    b.remove(k);
                } else {
                    merge(b.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 20, 0, 0).unwrap()
}

/// RFC 3339 time `secs` before `now()`.
fn ago(secs: i64) -> String {
    (now() - chrono::Duration::seconds(secs)).to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

fn running_since(secs: i64) -> Value {
    json!({"State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": ago(secs)}})
}

/// A container from the captured `docker create` with overlays, named `name`, id from `n`.
fn container(
    n: u32,
    name: &str,
    overlays: &[Value],
    volumes: &HashMap<String, VolumeBacking>,
) -> ContainerFacts {
    let mut doc = fixture("inspect_default_created.json");
    merge(
        &mut doc,
        &json!({
            "Id": format!("{n:x}{}", "0123456789abcdef".repeat(4))[..64].to_string(),
            "Name": format!("/{name}"),
            "HostConfig": {"CgroupnsMode": "private"}
        }),
    );
    for o in overlays {
        merge(&mut doc, o);
    }
    let inspect: ContainerInspectResponse = serde_json::from_value(doc).expect("inspect parses");
    convert::container(&inspect, volumes)
}

/// The captured 20.10 daemon, with AppArmor and cgroup v2 like a typical current host.
fn host() -> HostFacts {
    let mut info = fixture("info_20.10.json");
    merge(
        &mut info,
        &json!({
            "SecurityOptions": ["name=apparmor", "name=seccomp,profile=builtin", "name=cgroupns"],
            "CgroupVersion": "2"
        }),
    );
    let info: SystemInfo = serde_json::from_value(info).expect("info parses");
    let version: SystemVersion =
        serde_json::from_value(fixture("version_20.10.json")).expect("version parses");
    convert::host(ENDPOINT, false, &info, &version, Some(true))
}

/// The key labels of the default keymap (the snapshots show the shipped bindings).
fn key_hints() -> BTreeMap<Command, Vec<String>> {
    seawall::config::keymap::KeyMap::default().hints()
}

fn settings() -> UiSettings {
    UiSettings {
        page_size: 10,
        key_hints: key_hints(),
        themes: vec!["dark".into(), "light".into(), "high-contrast".into()],
        config_path: Some("/home/op/.config/seawall/config.toml".into()),
        ..UiSettings::default()
    }
}

/// The varied fleet: privileged, docker.sock, SYS_ADMIN, default, hardened, exited, and a
/// sidecar sharing the web container's namespaces.
fn fleet() -> Vec<ContainerFacts> {
    let none = HashMap::new();
    let mut etc_volume = HashMap::new();
    etc_volume.insert(
        "host-etc".to_string(),
        VolumeBacking {
            driver: "local".into(),
            device: Some("/etc".into()),
            fs_type: Some("none".into()),
            is_bind: true,
        },
    );
    vec![
        container(
            1,
            "priv-debug",
            &[
                running_since(3 * 86_400 + 4 * 3600 + 120),
                json!({"HostConfig": {"Privileged": true, "PidMode": "host"},
                       "Config": {"Image": "nicolaka/netshoot:latest"}}),
            ],
            &none,
        ),
        container(
            2,
            "ci-runner",
            &[
                running_since(12 * 60 + 30),
                json!({
                    "Config": {"Image": "gitlab/gitlab-runner:v16.10.0"},
                    "Mounts": [
                        {"Type": "bind", "Source": "/var/run/docker.sock",
                         "Destination": "/var/run/docker.sock", "Mode": "", "RW": true,
                         "Propagation": "rprivate"},
                        {"Type": "volume", "Name": "host-etc",
                         "Source": "/var/lib/docker/volumes/host-etc/_data",
                         "Destination": "/host/etc", "Driver": "local", "Mode": "z",
                         "RW": false, "Propagation": ""},
                        {"Type": "tmpfs", "Source": "", "Destination": "/run",
                         "Mode": "", "RW": true, "Propagation": ""}
                    ]
                }),
            ],
            &etc_volume,
        ),
        container(
            3,
            "backup-agent",
            &[
                running_since(5 * 3600 + 7 * 60),
                json!({"HostConfig": {"CapAdd": ["SYS_ADMIN", "DAC_READ_SEARCH"]},
                       "Config": {"Image": "restic/restic:0.16.4"}}),
            ],
            &none,
        ),
        container(
            4,
            "web",
            &[
                running_since(2 * 3600 + 5 * 60),
                json!({"Config": {"Image": "nginx:1.25-alpine"},
                       "HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}}),
            ],
            &none,
        ),
        container(
            5,
            "hardened-api",
            &[
                running_since(40 * 86_400 + 3600),
                json!({
                    "Config": {"Image": "ghcr.io/example/api@sha256:4f9d2c", "User": "10001:10001",
                               "Healthcheck": {"Test": ["CMD", "/api", "health"]}},
                    "HostConfig": {
                        "CapDrop": ["ALL"], "CapAdd": ["NET_BIND_SERVICE"],
                        "ReadonlyRootfs": true,
                        "SecurityOpt": ["no-new-privileges:true"],
                        "Memory": 268_435_456, "NanoCpus": 500_000_000, "PidsLimit": 128,
                        "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5}
                    }
                }),
            ],
            &none,
        ),
        container(
            6,
            "old-batch",
            &[json!({
                "State": {"Status": "exited", "Running": false, "ExitCode": 0,
                          "StartedAt": ago(9 * 86_400), "FinishedAt": ago(8 * 86_400)},
                "Config": {"Image": "python:3.12-slim"}
            })],
            &none,
        ),
        container(
            7,
            "web-sidecar",
            &[
                running_since(2 * 3600),
                json!({"HostConfig": {"PidMode": "container:web", "NetworkMode": "container:web"},
                       "Config": {"Image": "envoyproxy/envoy:v1.29"}}),
            ],
            &none,
        ),
    ]
}

fn empty_state() -> AppState {
    AppState::new(vec![ENDPOINT.to_string()], settings(), now())
}

fn live_state() -> AppState {
    let mut s = empty_state();
    for event in DataEvent::inventory(0, host(), fleet()) {
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

fn select(s: &mut AppState, name: &str) {
    s.selected = s
        .rows
        .iter()
        .position(|k| s.containers[k].facts.name == name)
        .unwrap_or_else(|| panic!("{name} is in the fleet"));
}

fn cmd(s: &mut AppState, c: Command) {
    update(s, Msg::Command(c));
}

fn type_text(s: &mut AppState, text: &str) {
    for ch in text.chars() {
        update(s, Msg::Input(InputKey::Char(ch)));
    }
}

fn drilldown(name: &str, tab: Command) -> AppState {
    let mut s = live_state();
    select(&mut s, name);
    cmd(&mut s, Command::Open);
    cmd(&mut s, tab);
    s
}

/// The buffer as text, one line per row, trailing spaces removed.
fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for x in area.left()..area.right() {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn draw(state: &AppState, w: u16, h: u16) -> Buffer {
    let theme = Theme::fallback_dark();
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal
        .draw(|frame| seawall::ui::view(state, &theme, frame))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// Snapshot a state at both sizes.
fn snap(name: &str, state: &AppState) {
    for (w, h) in SIZES {
        let screen = text(&draw(state, w, h));
        insta::assert_snapshot!(format!("{name}@{w}x{h}"), screen);
    }
}

#[test]
fn fleet_view() {
    let s = live_state();
    snap("fleet", &s);
}

#[test]
fn fleet_filter_editing() {
    let mut s = live_state();
    cmd(&mut s, Command::Filter);
    type_text(&mut s, "web");
    assert!(s.filter_editing);
    snap("fleet_filter_editing", &s);
}

#[test]
fn fleet_with_log_pane() {
    let mut s = live_state();
    cmd(&mut s, Command::ToggleLog);
    // The log comes last in the pane cycle: one step back from the table.
    cmd(&mut s, Command::PrevPane);
    snap("fleet_log", &s);
}

#[test]
fn fleet_connecting() {
    let s = empty_state();
    snap("fleet_connecting", &s);
}

#[test]
fn fleet_empty_live() {
    let mut s = empty_state();
    for event in DataEvent::inventory(0, host(), Vec::new()) {
        update(&mut s, Msg::Data(event));
    }
    update(
        &mut s,
        Msg::Data(DataEvent::Status {
            host: 0,
            status: LinkStatus::Live,
        }),
    );
    snap("fleet_empty", &s);
}

#[test]
fn fleet_down() {
    let mut s = empty_state();
    update(
        &mut s,
        Msg::Data(DataEvent::Status {
            host: 0,
            status: LinkStatus::Down {
                message: "connect: connection refused".into(),
                retry_in_secs: 8,
            },
        }),
    );
    snap("fleet_down", &s);
}

#[test]
fn fleet_two_daemons() {
    let mut s = AppState::new(
        vec![ENDPOINT.to_string(), "ssh://ops@build-02".to_string()],
        settings(),
        now(),
    );
    let all = fleet();
    let parts = [all[..4].to_vec(), all[4..].to_vec()];
    for (host_id, containers) in parts.into_iter().enumerate() {
        for event in DataEvent::inventory(host_id, host(), containers) {
            update(&mut s, Msg::Data(event));
        }
        update(
            &mut s,
            Msg::Data(DataEvent::Status {
                host: host_id,
                status: LinkStatus::Live,
            }),
        );
    }
    snap("fleet_two_daemons", &s);
}

#[test]
fn drilldown_findings() {
    snap(
        "drilldown_findings",
        &drilldown("backup-agent", Command::Tab1),
    );
}

#[test]
fn drilldown_capabilities() {
    snap(
        "drilldown_capabilities",
        &drilldown("backup-agent", Command::Tab2),
    );
}

#[test]
fn drilldown_capabilities_privileged() {
    snap(
        "drilldown_capabilities_privileged",
        &drilldown("priv-debug", Command::Tab2),
    );
}

#[test]
fn drilldown_mounts() {
    snap("drilldown_mounts", &drilldown("ci-runner", Command::Tab3));
}

#[test]
fn drilldown_security() {
    snap(
        "drilldown_security",
        &drilldown("priv-debug", Command::Tab4),
    );
}

#[test]
fn drilldown_namespaces() {
    snap(
        "drilldown_namespaces",
        &drilldown("web-sidecar", Command::Tab5),
    );
}

#[test]
fn drilldown_inspect() {
    let mut s = drilldown("web", Command::Tab6);
    let loading = s.clone();
    snap("drilldown_inspect_loading", &loading);

    let key = s.rows[s.selected].clone();
    let mut doc = fixture("inspect_default_running.json");
    merge(
        &mut doc,
        &json!({"Name": "/web", "Config": {"Image": "nginx:1.25-alpine"}}),
    );
    update(
        &mut s,
        Msg::Data(DataEvent::RawInspect {
            host: key.host,
            id: key.id.clone(),
            document: Ok(serde_json::to_string_pretty(&doc).unwrap()),
        }),
    );
    cmd(&mut s, Command::Filter);
    type_text(&mut s, "cap");
    snap("drilldown_inspect_searching", &s);
    update(&mut s, Msg::Input(InputKey::Enter));
    cmd(&mut s, Command::SearchNext);
    snap("drilldown_inspect", &s);

    let mut err = loading;
    update(
        &mut err,
        Msg::Data(DataEvent::RawInspect {
            host: key.host,
            id: key.id,
            document: Err(seawall::inventory::InventoryError::Api {
                endpoint: "unix:///var/run/docker.sock".into(),
                what: "a container inspect",
                source: seawall::docker::DockerError::NotFound {
                    message: "No such container".into(),
                },
            }),
        }),
    );
    snap("drilldown_inspect_error", &err);
}

/// The Inspect tab says how many values were redacted; the secrets are not on screen.
#[test]
fn inspect_tab_says_how_many_values_were_redacted() {
    let mut s = drilldown("web", Command::Tab6);
    let key = s.rows[s.selected].clone();
    let mut doc = fixture("inspect_default_running.json");
    merge(
        &mut doc,
        &json!({
            "Path": "mysqld",
            "Args": ["--password=zz-args"],
            "Config": {
                "Env": ["DB_PASSWORD=zz-env", "PATH=/bin"],
                "Labels": {"db.password": "zz-label"},
                "Healthcheck": {"Test": ["CMD-SHELL", "mysqladmin ping -pzz-health"]}
            }
        }),
    );
    // What the port does to every raw document.
    assert_eq!(seawall::redact::redact_json(&mut doc), 4);
    update(
        &mut s,
        Msg::Data(DataEvent::RawInspect {
            host: key.host,
            id: key.id,
            document: Ok(serde_json::to_string_pretty(&doc).unwrap()),
        }),
    );
    let inspect = |s: &AppState| match &s.view {
        seawall::app::View::Drilldown(d) => d.inspect.clone(),
        _ => panic!("the drilldown is open"),
    };
    assert_eq!(inspect(&s).redacted(), 4);
    for (w, h) in SIZES {
        let screen = text(&draw(&s, w, h));
        assert!(
            screen.contains("secrets redacted: 4 values"),
            "{w}x{h}:\n{screen}"
        );
        assert!(!screen.contains("zz-"), "{w}x{h}:\n{screen}");
    }
    // Searching the document finds the redacted values, never the secrets.
    cmd(&mut s, Command::Filter);
    type_text(&mut s, "zz-");
    assert!(inspect(&s).matches().is_empty());
    assert_eq!(inspect(&s).search, "zz-");
}

#[test]
fn drilldown_container_removed() {
    let mut s = drilldown("web", Command::Tab1);
    let key = s.rows[s.selected].clone();
    update(
        &mut s,
        Msg::Data(DataEvent::Removed {
            host: key.host,
            id: key.id,
            regraded: Vec::new(),
        }),
    );
    snap("drilldown_removed", &s);
}

#[test]
fn help_overlay() {
    let mut s = live_state();
    cmd(&mut s, Command::Help);
    snap("help", &s);
}

#[test]
fn posture_overlay() {
    let mut s = live_state();
    cmd(&mut s, Command::Posture);
    snap("posture", &s);
}

#[test]
fn too_small() {
    let s = live_state();
    let screen = text(&draw(&s, 40, 10));
    insta::assert_snapshot!("too_small@40x10", screen);
}

#[test]
fn never_panics_on_tiny_sizes() {
    let mut states = vec![live_state(), empty_state()];
    let mut d = drilldown("ci-runner", Command::Tab3);
    states.push(d.clone());
    cmd(&mut d, Command::Help);
    states.push(d);
    for s in &states {
        for (w, h) in [
            (1, 1),
            (20, 5),
            (0, 0),
            (5, 0),
            (0, 5),
            (59, 15),
            (60, 14),
            (60, 15),
            (61, 16),
            (300, 100),
        ] {
            let screen = text(&draw(s, w, h));
            if w > 0 && h > 0 && (w < 60 || h < 15) {
                let flat = screen.replace('\n', " ");
                assert!(flat.contains("too") || w < 10, "{w}x{h}: {screen}");
            }
        }
    }
}

// ---- The activity feed (issue 4) ----

/// A container's id by name.
fn id_of(s: &AppState, name: &str) -> String {
    s.containers
        .values()
        .find(|c| c.facts.name == name)
        .map(|c| c.facts.id.clone())
        .unwrap_or_else(|| panic!("{name} is in the fleet"))
}

/// An alert `secs` before `now()` about `container` (`None`: the daemon).
fn alert(
    container: Option<(String, &str)>,
    severity: seawall::risk::Severity,
    rule: &str,
    title: &str,
    detail: &str,
    bump: u8,
    secs: i64,
) -> seawall::activity::Alert {
    seawall::activity::Alert {
        time: now() - chrono::Duration::seconds(secs),
        container: container.map(|(id, name)| seawall::activity::ContainerRef {
            id,
            name: name.to_string(),
        }),
        rule: rule.to_string(),
        severity,
        title: title.to_string(),
        detail: detail.to_string(),
        technique: "T1059.004 Unix Shell".to_string(),
        score_bump: bump,
    }
}

/// The varied fleet plus a few alerts, oldest first: a connection notice, a copy into
/// ci-runner, a shell in web, a privileged exec in priv-debug, an alert about a container
/// not read yet.
fn alerting_state() -> AppState {
    use seawall::risk::Severity::*;
    let mut s = live_state();
    let (web, ci, prv) = (
        id_of(&s, "web"),
        id_of(&s, "ci-runner"),
        id_of(&s, "priv-debug"),
    );
    let alerts = [
        alert(
            None,
            Info,
            "SW-ACT-LINK-002",
            "Event stream reconnected",
            "re-read 7 containers after 3s",
            0,
            600,
        ),
        alert(
            Some((ci, "ci-runner")),
            Medium,
            "SW-ACT-CP-001",
            "File copied into the container",
            "docker cp → /usr/local/bin/tool (extract-to-dir)",
            0,
            300,
        ),
        alert(
            Some((web.clone(), "web")),
            High,
            "SW-ACT-EXEC-001",
            "Interactive shell in the container",
            "exec sh -i as root (tty), a very long detail line that must be cut with an ellipsis at the edge",
            10,
            120,
        ),
        alert(
            Some((web, "web")),
            Medium,
            "SW-ACT-PROC-001",
            "New process: known recon tool",
            "nc -l -p 4444 (pid 4711)",
            0,
            90,
        ),
        alert(
            Some((prv, "priv-debug")),
            Critical,
            "SW-ACT-EXEC-003",
            "Privileged exec",
            "exec --privileged nsenter -t 1 -m -u -i -n sh",
            25,
            60,
        ),
        alert(
            Some(("f".repeat(64), "just-created")),
            High,
            "SW-ACT-START-001",
            "Started with a critical finding",
            "SW-MNT-001 docker.sock mounted",
            0,
            5,
        ),
    ];
    for a in alerts {
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

/// Snapshot at the two usual sizes and at 120x40.
fn snap3(name: &str, state: &AppState) {
    snap(name, state);
    let screen = text(&draw(state, 120, 40));
    insta::assert_snapshot!(format!("{name}@120x40"), screen);
}

#[test]
fn fleet_with_alerts() {
    let s = alerting_state();
    snap3("fleet_alerts", &s);
    let screen = text(&draw(&s, 80, 24));
    // The counter of unseen alerts, the activity in the score, the alert count.
    assert!(screen.contains("▲6 new"), "{screen}");
    // At 80x24 the header keeps the endpoint, the posture and the alert count.
    let header = screen.lines().next().unwrap();
    for part in ["unix:///var/run/docker.sock", "posture 72 HIGH", "6 alerts"] {
        assert!(header.contains(part), "{part}: {header}");
    }
    assert!(screen.contains("97+25 CRIT"), "{screen}");
    assert!(screen.contains("!2"), "{screen}");
}

#[test]
fn fleet_feed_focused() {
    let mut s = alerting_state();
    cmd(&mut s, Command::Feed);
    cmd(&mut s, Command::Down);
    snap3("fleet_feed_focused", &s);
    let screen = text(&draw(&s, 80, 24));
    assert!(screen.contains("activity 6"), "{screen}");
    assert!(screen.contains("CRIT priv-debug"), "{screen}");
    assert!(!screen.contains("new alert"), "{screen}");
}

#[test]
fn fleet_feed_filtered() {
    let mut s = alerting_state();
    select(&mut s, "web");
    cmd(&mut s, Command::FeedSeverity);
    cmd(&mut s, Command::FeedSeverity);
    cmd(&mut s, Command::FeedContainer);
    snap("fleet_feed_filtered", &s);
}

#[test]
fn drilldown_activity() {
    let mut s = alerting_state();
    select(&mut s, "web");
    cmd(&mut s, Command::Open);
    cmd(&mut s, Command::Tab7);
    snap("drilldown_activity", &s);
}

#[test]
fn feed_never_panics_on_tiny_sizes() {
    let mut s = alerting_state();
    cmd(&mut s, Command::Feed);
    for (w, h) in [(1, 1), (20, 5), (60, 15), (61, 16), (60, 33), (300, 100)] {
        draw(&s, w, h);
    }
}

/// The confirm dialog of `isolate` on a running container attached to networks.
fn isolate_dialog() -> AppState {
    let mut s = live_state();
    select(&mut s, "ci-runner");
    cmd(&mut s, Command::Isolate);
    assert!(s.confirm.is_some(), "the dialog opens");
    s
}

#[test]
fn confirm_isolate_dialog() {
    let s = isolate_dialog();
    snap("confirm_isolate", &s);
    // And at the smallest size the console draws.
    let screen = text(&draw(&s, 60, 15));
    insta::assert_snapshot!("confirm_isolate@60x15", screen);
    for want in ["ci-runner", "[y] yes", "[n/Esc] no (default)"] {
        assert!(screen.contains(want), "{want}:\n{screen}");
    }
}

#[test]
fn confirm_export_host_on_an_empty_fleet() {
    let mut s = empty_state();
    cmd(&mut s, Command::ExportHost);
    let screen = text(&draw(&s, 80, 24));
    insta::assert_snapshot!("confirm_export_host@80x24", screen);
    assert!(
        screen.contains("the host unix:///var/run/docker.sock"),
        "{screen}"
    );
}

#[test]
fn fleet_read_only_with_an_isolated_container() {
    let mut s = live_state();
    s.actions.read_only = true;
    let key = s
        .rows
        .iter()
        .find(|k| s.containers[*k].facts.name == "ci-runner")
        .cloned()
        .expect("ci-runner");
    s.actions.isolated.insert(key);
    snap("fleet_read_only", &s);
    let screen = text(&draw(&s, 80, 24));
    assert!(
        screen
            .lines()
            .next()
            .is_some_and(|l| l.contains("READ-ONLY")),
        "{screen}"
    );
}

/// Accepted risks are dimmed with a marker and the expiry; with a baseline, new findings
/// are marked NEW (issue 11).
#[test]
fn accepted_and_new_findings_are_marked() {
    let accept = seawall::config::accept::parse(
        "[[accept]]\nrule = \"SW-MNT-001\"\ncontainer = \"ci-runner\"\nowner = \"ci-team\"\nreason = \"builds images\"\nexpires = 2999-12-31\n\n[[accept]]\nrule = \"SW-USR-001\"\ncontainer = \"ci-runner\"\nowner = \"ci-team\"\nreason = \"old\"\nexpires = 2020-01-01\n",
        "accept.toml",
    )
    .unwrap();
    // A baseline that knows only ci-runner's socket finding on this daemon.
    let baseline = seawall::report::baseline::Baseline::parse(
        format!(
            r#"{{"schema":"seawall.report/v1","hosts":[{{"endpoint":"{ENDPOINT}","name":"{}","posture":{{"findings":[]}},"containers":[{{"name":"ci-runner","findings":[{{"id":"SW-MNT-001","severity":"critical","title":"t"}}]}}]}}]}}"#,
            host().name
        )
        .as_bytes(),
        "old.json",
    )
    .unwrap();
    let mut s = empty_state();
    s.verdicts = seawall::app::verdicts::Verdicts {
        accept,
        baseline: Some(baseline),
    };
    for event in DataEvent::inventory(0, host(), fleet()) {
        update(&mut s, Msg::Data(event));
    }
    select(&mut s, "ci-runner");
    let screen = text(&draw(&s, 160, 48));
    let socket_line = screen
        .lines()
        .find(|l| l.contains("SW-MNT-001") && l.contains("CIS 5.32"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        socket_line.contains("✓ accepted until 2999-12-31"),
        "{screen}"
    );
    assert!(
        !socket_line.contains("NEW"),
        "in the baseline: {socket_line}"
    );
    let root_line = screen
        .lines()
        .find(|l| l.contains("SW-USR-001"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        root_line.contains("acceptance expired 2020-01-01"),
        "{root_line}"
    );
    assert!(
        root_line.contains("NEW"),
        "not in the baseline: {root_line}"
    );

    // Dimmed: the accepted line's id is drawn in the muted style, the expired one is not.
    let buf = draw(&s, 160, 48);
    let theme = Theme::fallback_dark();
    let muted = theme.style(seawall::theme::Role::Muted);
    let style_of = |needle: &str| {
        let area = buf.area;
        for y in area.top()..area.bottom() {
            let row: String = (area.left()..area.right())
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            if let Some(col) = row.find(needle) {
                let x = row[..col].chars().count() as u16;
                return buf[(x, y)].style();
            }
        }
        panic!("{needle} not on screen");
    };
    assert_eq!(style_of("SW-MNT-001  ").fg, muted.fg);
    assert_ne!(style_of("SW-USR-001").fg, muted.fg);

    // The drilldown says who accepted it and why.
    cmd(&mut s, Command::Open);
    cmd(&mut s, Command::Tab1);
    let screen = text(&draw(&s, 160, 48));
    assert!(screen.contains("ACCEPTED until 2999-12-31"), "{screen}");
    assert!(
        screen.contains("ci-team (accept.toml entry 1): builds images"),
        "{screen}"
    );
    assert!(screen.contains("NEW since the baseline"), "{screen}");
}

// --- issue 13 item 5: the operator's views, at 80x24 and 120x40 ---

const NEW_SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Snapshot a new view at 80x24 and 120x40.
fn snap_new(name: &str, state: &AppState) {
    for (w, h) in NEW_SIZES {
        let screen = text(&draw(state, w, h));
        insta::assert_snapshot!(format!("{name}@{w}x{h}"), screen);
    }
}

fn shop_key(s: &AppState) -> (usize, String) {
    let key = s.rows[s.selected].clone();
    (key.host, key.id)
}

#[test]
fn drilldown_network() {
    snap_new("drilldown_network", &drilldown("web", Command::Tab8));
}

#[test]
fn drilldown_processes() {
    let mut s = drilldown("web", Command::Tab9);
    snap_new("drilldown_processes_loading", &s);
    let (host, id) = shop_key(&s);
    update(
        &mut s,
        Msg::Processes {
            host,
            id,
            result: Ok(seawall::docker::Top {
                titles: ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
                    .map(String::from)
                    .to_vec(),
                processes: vec![
                    [
                        "root",
                        "4242",
                        "4221",
                        "0",
                        "10:00",
                        "?",
                        "00:00:00",
                        "nginx: master process nginx -g daemon off;",
                    ]
                    .map(String::from)
                    .to_vec(),
                    [
                        "101",
                        "4300",
                        "4242",
                        "0",
                        "10:00",
                        "?",
                        "00:00:00",
                        "nginx: worker \u{1b}[2J\u{202e}process",
                    ]
                    .map(String::from)
                    .to_vec(),
                ],
            }),
        },
    );
    let screen = text(&draw(&s, 120, 40));
    assert!(
        screen.contains("nginx: worker \\e[2J\\u{202e}process"),
        "{screen}"
    );
    snap_new("drilldown_processes", &s);
}

#[test]
fn drilldown_logs() {
    let mut s = drilldown("web", Command::Tab10);
    let (host, id) = shop_key(&s);
    let mut bytes = Vec::new();
    for i in 0..60 {
        bytes.extend_from_slice(
            format!(
                "2026-11-28T11:{:02}:00.000000000Z GET /item/{i} 200\n",
                i % 60
            )
            .as_bytes(),
        );
    }
    // Hostile output: a terminal escape, a bell, a bidi override, invalid UTF-8.
    bytes.extend_from_slice(
        b"2026-11-28T12:00:00.000000000Z \x1b]0;pwned\x07 \xe2\x80\xae evil \xff\n",
    );
    update(
        &mut s,
        Msg::Logs {
            host,
            id,
            tail: seawall::docker::LogTail {
                bytes,
                broken: None,
            },
        },
    );
    let screen = text(&draw(&s, 120, 40));
    assert!(
        screen.contains("\\e]0;pwned\\x07 \\u{202e} evil \u{fffd}"),
        "{screen}"
    );
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{202e}'));
    snap_new("drilldown_logs_following", &s);
    cmd(&mut s, Command::Filter);
    type_text(&mut s, "/item/4");
    snap_new("drilldown_logs_searching", &s);
    update(&mut s, Msg::Input(InputKey::Enter));
    cmd(&mut s, Command::SearchNext);
    snap_new("drilldown_logs_search", &s);
}

#[test]
fn command_line_completion() {
    let mut s = live_state();
    cmd(&mut s, Command::CommandLine);
    type_text(&mut s, "t");
    snap_new("command_line", &s);
    type_text(&mut s, "heme ");
    let screen = text(&draw(&s, 120, 40));
    assert!(
        screen.contains(":theme ▏  dark light high-contrast"),
        "{screen}"
    );
}

#[test]
fn fleet_running_only_sorted_by_alerts() {
    let mut s = live_state();
    cmd(&mut s, Command::RunningOnly);
    let mut line = String::new();
    cmd(&mut s, Command::CommandLine);
    line.push_str("sort alerts");
    type_text(&mut s, &line);
    update(&mut s, Msg::Input(InputKey::Enter));
    snap_new("fleet_running_only_by_alerts", &s);
}

// --- issue 10 items 5 and 6: the host overview and the daemons window ---

const OVERVIEW_SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Three daemons as the console opens them: the local one live, a remote one live with a
/// context name that carries an escape sequence (shown escaped), a dead one down.
fn overview_state() -> AppState {
    let mut s = AppState::new(
        vec![
            ENDPOINT.to_string(),
            "ssh://ops@build-02".to_string(),
            "unix:///nonexistent.sock".to_string(),
        ],
        settings(),
        now(),
    );
    s.hosts[1].name = "build\u{1b}[31m-02".to_string();
    s.overview = true;
    s.view = seawall::app::View::Hosts;
    let all = fleet();
    let parts = [all[..4].to_vec(), all[4..].to_vec()];
    for (host_id, containers) in parts.into_iter().enumerate() {
        for event in DataEvent::inventory(host_id, host(), containers) {
            update(&mut s, Msg::Data(event));
        }
        update(
            &mut s,
            Msg::Data(DataEvent::Status {
                host: host_id,
                status: LinkStatus::Live,
            }),
        );
    }
    update(
        &mut s,
        Msg::Data(DataEvent::Status {
            host: 2,
            status: LinkStatus::Down {
                message: "connect: No such file or directory (os error 2)".into(),
                retry_in_secs: 8,
            },
        }),
    );
    s.hosts[1].unseen_alerts = 3;
    s.host_cursor = 2;
    s
}

fn snap_overview(name: &str, state: &AppState) {
    for (w, h) in OVERVIEW_SIZES {
        let screen = text(&draw(state, w, h));
        insta::assert_snapshot!(format!("{name}@{w}x{h}"), screen);
    }
}

#[test]
fn hosts_overview() {
    let s = overview_state();
    let screen = text(&draw(&s, 80, 24));
    // The dead daemon first, down with its reason and its next try; escapes shown.
    let dead = screen
        .find("nonexistent")
        .expect("the dead daemon is listed");
    let local = screen
        .find("unix:///var/run/d")
        .expect("the local daemon is listed");
    assert!(dead < local, "{screen}");
    assert!(screen.contains("down 8s"), "{screen}");
    assert!(screen.contains("No such file or directory"), "{screen}");
    assert!(screen.contains("build\\e[31m-02"), "{screen}");
    assert!(!screen.contains('\u{1b}'));
    snap_overview("hosts_overview", &s);
}

#[test]
fn hosts_overview_narrow() {
    let s = overview_state();
    let screen = text(&draw(&s, 60, 15));
    assert!(screen.contains("C/H/M/L"), "{screen}");
    insta::assert_snapshot!("hosts_overview@60x15", screen);
}

#[test]
fn hosts_overview_enter_shows_that_daemons_containers() {
    let mut s = overview_state();
    s.host_cursor = 1;
    cmd(&mut s, Command::Open);
    snap_overview("hosts_overview_enter", &s);
}

#[test]
fn daemons_window() {
    let mut s = overview_state();
    cmd(&mut s, Command::Daemons);
    update(
        &mut s,
        Msg::Contexts {
            contexts: vec![seawall::docker::ContextInfo {
                name: "staging".into(),
                host: Some("tcp://10.0.0.7:2376".into()),
            }],
            problem: None,
        },
    );
    snap_overview("daemons_window", &s);
}
