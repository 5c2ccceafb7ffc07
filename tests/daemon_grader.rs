//! One grader, proven on the real daemon: the findings and scores of
//! `seawall scan --format json` equal, container by container, the graded state the console
//! holds after a real watch task read the same daemon (its `Snapshot`, then an `Upsert`
//! for a container created while it watches), both graded by `risk::Grader`.
//!
//! The fleet covers the grader's harder cases: a risky container (SYS_ADMIN, a host bind
//! mount, the host pid namespace), a hardened one, one that joins the risky one's network
//! and pid namespaces by name (so its pid namespace resolves to the host through it), and,
//! created while the console watches, one that joins the hardened one's network by id
//! prefix. The shared daemon holds other people's containers: only this test's are compared.
//!
//! Without a Docker daemon the test prints SKIPPED and passes, except in CI, where it fails.

mod common;

use common::{Ctr, Report, Spec, TestDaemon};
use seawall::app::{AppState, Msg, UiSettings, update};
use seawall::docker::{EndpointInputs, resolve};
use seawall::model::ContainerState;
use seawall::watch::{self, DataEvent, LinkStatus, WatchSettings};
use std::time::Duration;
use tokio::sync::mpsc;

/// How long the watch task may take to read the inventory, or to see a new container.
const BOUND: Duration = Duration::from_secs(60);

/// Feed every event into the console state until `done` holds (or the bound passes).
async fn feed_until(
    rx: &mut mpsc::Receiver<DataEvent>,
    state: &mut AppState,
    what: &str,
    done: impl Fn(&AppState) -> bool,
) {
    let deadline = tokio::time::Instant::now() + BOUND;
    while !done(state) {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("the watch task did not deliver {what} within {BOUND:?}"))
            .expect("the watch task is running");
        update(state, Msg::Data(event));
    }
}

/// The console's container named `name`, on daemon 0.
fn view<'a>(state: &'a AppState, name: &str) -> &'a seawall::app::ContainerView {
    state
        .containers
        .values()
        .find(|c| c.host == 0 && c.facts.name == name)
        .unwrap_or_else(|| panic!("{name} is not in the console's state"))
}

/// Scan and console agree on every one of `ours`: same findings (every field, same
/// order), same score and band.
fn assert_same(report: &Report, state: &AppState, ours: &[&Ctr]) {
    for c in ours {
        let scanned = report.container(c);
        let shown = view(state, &c.name);
        assert_eq!(
            scanned["findings"],
            serde_json::to_value(&shown.findings).unwrap(),
            "{}: scan and console findings differ",
            c.purpose
        );
        assert_eq!(scanned["score"], shown.score.value, "{}: score", c.purpose);
        assert_eq!(
            scanned["band"],
            serde_json::to_value(shown.score.band).unwrap(),
            "{}: band",
            c.purpose
        );
        assert_eq!(scanned["id"], shown.facts.id.as_str(), "{}: id", c.purpose);
    }
}

#[test]
fn scan_json_equals_the_consoles_graded_state() {
    let Some(d) = TestDaemon::get() else { return };
    let risky = d.container(Spec::running(
        "grader-risky",
        &[
            "--cap-add",
            "SYS_ADMIN",
            "-v",
            "/etc:/host-etc:ro",
            "--pid",
            "host",
        ],
    ));
    let hardened = d.container(Spec::running(
        "grader-hardened",
        &[
            "--user",
            "1000",
            "--read-only",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "--memory",
            "64m",
            "--pids-limit",
            "50",
            "--cpus",
            "0.5",
        ],
    ));
    let joiner_arg = format!("container:{}", risky.name);
    let joiner = d.container(Spec::running(
        "grader-joiner",
        &["--network", &joiner_arg, "--pid", &joiner_arg],
    ));

    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let endpoint = resolve(&EndpointInputs::from_env(None, None)).expect("an endpoint");
        let settings = WatchSettings {
            drift: Duration::ZERO,
            processes: Duration::ZERO,
            ..WatchSettings::default()
        };
        let (tx, mut rx) = mpsc::channel(4096);
        let _handle = watch::spawn(0, endpoint.clone(), settings, tx);
        let mut state = AppState::new(
            vec![endpoint.url.clone()],
            UiSettings::default(),
            chrono::Utc::now(),
        );
        // Every one of `cs` known, and running (as the scan will see it).
        let ours = |s: &AppState, cs: &[&Ctr]| {
            cs.iter().all(|c| {
                s.containers
                    .values()
                    .any(|v| v.facts.id == c.id && v.facts.state == ContainerState::Running)
            })
        };
        feed_until(&mut rx, &mut state, "the inventory", |s| {
            s.hosts[0].status == LinkStatus::Live && ours(s, &[&risky, &hardened, &joiner])
        })
        .await;

        // The scan runs after the console read the daemon: both saw the same fleet.
        let report = d.scan(&[]);
        assert_same(&report, &state, &[&risky, &hardened, &joiner]);
        // What the grader resolved, not only what both sides agree on.
        let shown = view(&state, &joiner.name);
        assert!(
            shown.confinement.pid.is_host(),
            "the joiner reaches the host pid namespace through {}: {:?}",
            risky.name,
            shown.confinement.pid
        );
        assert!(shown.findings.iter().any(|f| f.id == "SW-NS-001"));
        let risky_view = view(&state, &risky.name);
        assert!(risky_view.confinement.has_cap("SYS_ADMIN"));
        assert!(
            risky_view
                .findings
                .iter()
                .any(|f| f.id.starts_with("SW-MNT-"))
        );
        assert!(view(&state, &hardened.name).score.value < risky_view.score.value);

        // A container created while the console watches arrives as an `Upsert`, graded
        // against the rest of the daemon (it joins the hardened one by id prefix).
        let prefix_arg = format!("container:{}", &hardened.id[..12]);
        let late = d.container(Spec::running("grader-late", &["--network", &prefix_arg]));
        feed_until(&mut rx, &mut state, "the new container", |s| {
            ours(s, &[&late])
        })
        .await;
        let report = d.scan(&[]);
        assert_same(&report, &state, &[&risky, &hardened, &joiner, &late]);
        assert_eq!(
            view(&state, &late.name).confinement.net,
            seawall::risk::confinement::NsTarget::Container {
                name: hardened.name.clone()
            }
        );
    });
}
