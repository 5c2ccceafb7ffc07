//! Real-daemon tests of the console's live drilldown tabs: the Processes tab (`top`) and
//! the Logs tab (tail) read a running container through the console's executor and the real
//! Docker port, and what the container wrote reaches the screen escaped, never raw.
//!
//! Without a Docker daemon the tests print SKIPPED and pass, except in CI, where they fail.

mod common;

use common::{Spec, TestDaemon};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use seawall::actions::ActionSettings;
use seawall::app::{AppState, Command, Effect, Msg, UiSettings, update};
use seawall::console::executor::Executor;
use seawall::theme::Theme;
use seawall::watch::DataEvent;
use std::time::Duration;

fn screen(state: &AppState, w: u16, h: u16) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    seawall::ui::render(state, &Theme::fallback_dark(), area, &mut buf);
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

/// The console state with the container `id` (graded from its real inspect) open in the
/// drilldown.
fn state_with(rt: &tokio::runtime::Runtime, id: &str) -> AppState {
    let endpoint = seawall::docker::resolve(&seawall::docker::EndpointInputs::from_env(None, None))
        .expect("the local endpoint resolves");
    let (host, facts) = rt.block_on(async {
        use seawall::docker::DockerApi;
        let api = seawall::docker::connect(&endpoint, Duration::from_secs(10))
            .await
            .expect("connect");
        let host = api
            .host_facts(&endpoint.url, false)
            .await
            .expect("host facts");
        let facts = api.inspect_container(id).await.expect("inspect");
        (host, facts)
    });
    let mut s = AppState::new(
        vec![endpoint.url],
        UiSettings::default(),
        chrono::Utc::now(),
    );
    for event in DataEvent::inventory(0, host, vec![facts]) {
        update(&mut s, Msg::Data(event));
    }
    s
}

/// Run the reducer's effects through the real executor, and their answers (one each)
/// through the reducer.
fn run_effects(
    rt: &tokio::runtime::Runtime,
    state: &mut AppState,
    effects: Vec<Effect>,
) -> Vec<Msg> {
    let endpoint = seawall::docker::resolve(&seawall::docker::EndpointInputs::from_env(None, None))
        .expect("the local endpoint resolves");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _guard = rt.enter();
    let mut executor = Executor::new(&[endpoint], ActionSettings::default(), Vec::new(), tx);
    let n = effects.len();
    for effect in effects {
        assert!(
            executor.run(effect).is_none(),
            "answered later, on the channel"
        );
    }
    let mut answers = Vec::new();
    for _ in 0..n {
        let msg = rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(60), rx.recv()).await })
            .expect("an answer within a minute")
            .expect("the channel stays open");
        answers.push(msg.clone());
        update(state, msg);
    }
    answers
}

#[test]
fn processes_and_logs_tabs_read_a_running_container() {
    let Some(d) = TestDaemon::get() else { return };
    // A line with a terminal title escape and a bell, and a plain marker line.
    let c = d.container(Spec::running("console-tabs", &[]).cmd(&[
        "sh",
        "-c",
        "echo seawall-log-marker; printf 'title \\033]0;owned\\007 end\\n'; exec sleep 600",
    ]));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut s = state_with(&rt, &c.id);
    assert_eq!(s.rows.len(), 1);

    // Processes: opening the tab asks for `top`; the answer lists the sleep.
    let fx = update(&mut s, Msg::Command(Command::Tab9));
    assert!(matches!(fx.as_slice(), [Effect::ReadTop { .. }]), "{fx:?}");
    let answers = run_effects(&rt, &mut s, fx);
    assert!(
        matches!(&answers[0], Msg::Processes { result: Ok(top), .. } if top.processes.iter().any(|p| p.iter().any(|cell| cell.contains("sleep 600")))),
        "{answers:?}"
    );
    let text = screen(&s, 120, 40);
    assert!(text.contains("sleep 600") && text.contains("PID"), "{text}");

    // Logs: the tail, with the container's escape shown escaped. The output may take a
    // moment to be flushed to the log driver.
    let mut fx = update(&mut s, Msg::Command(Command::Tab10));
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut later = 0;
    loop {
        later += 10;
        assert!(matches!(fx.as_slice(), [Effect::ReadLogs { .. }]), "{fx:?}");
        run_effects(&rt, &mut s, fx);
        let text = screen(&s, 120, 40);
        if text.contains("end") {
            assert!(text.contains("seawall-log-marker"), "{text}");
            assert!(text.contains("title \\e]0;owned\\x07 end"), "{text}");
            assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no log lines: {text}");
        std::thread::sleep(Duration::from_millis(500));
        // Followed: the next tick after the refresh interval reads again.
        fx = update(
            &mut s,
            Msg::Tick(chrono::Utc::now() + chrono::Duration::seconds(later)),
        );
    }
}
