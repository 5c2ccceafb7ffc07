//! The interactive console: one async loop over key presses, watch-task data, a tick and
//! signals. Every pending message is applied, then at most one frame is drawn.

pub mod executor;
pub mod terminal;
pub mod trace;

use crate::app::{
    self, AppState, Command, Effect, InputKey, Msg, StatusLevel, StatusMessage, UiSettings,
};
use crate::config::Config;
use crate::config::keymap::KeyMap;
use crate::docker::Endpoint;
use crate::theme::Theme;
use crate::watch::{self, DataEvent, LinkStatus, WatchHandle, WatchSettings};
use crossterm::event::{
    Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::path::Path;
use std::time::Instant;
use tokio::sync::mpsc;

/// Everything the console needs to start.
pub struct ConsoleOptions {
    pub endpoints: Vec<Endpoint>,
    pub config: Config,
    /// Problems found while loading the config or theme (shown, then defaults are used).
    pub warnings: Vec<String>,
    pub theme: Theme,
}

/// Turn a key press into a message: text inputs take plain keys, everything else goes
/// through the keymap. ctrl-c always quits.
pub fn key_to_msg(state: &AppState, keymap: &KeyMap, key: &KeyEvent) -> Option<Msg> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return Some(Msg::Command(Command::Quit));
    }
    // The confirm dialog defaults to No: only `y` confirms, any other key declines.
    if state.confirm.is_some() {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let yes = plain && matches!(key.code, KeyCode::Char('y' | 'Y'));
        return Some(Msg::Confirm(yes));
    }
    if state.input_active() {
        return match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                Some(Msg::Input(InputKey::Char(c)))
            }
            KeyCode::Backspace => Some(Msg::Input(InputKey::Backspace)),
            KeyCode::Enter => Some(Msg::Input(InputKey::Enter)),
            KeyCode::Esc => Some(Msg::Input(InputKey::Esc)),
            _ => None,
        };
    }
    keymap.resolve(key).map(Msg::Command)
}

/// Open seawall's log file (created 0600) and route the `log` crate into tui-logger.
fn init_logging(config: &Config) -> Option<String> {
    if tui_logger::init_logger(config.log_level).is_err() {
        return None;
    }
    tui_logger::set_default_level(config.log_level);
    let path = config.log_file.as_deref()?;
    match prepare_log_file(path) {
        Ok(()) => {
            tui_logger::set_log_file(tui_logger::TuiLoggerFile::new(&path.to_string_lossy()));
            None
        }
        Err(e) => Some(format!("cannot open the log file {}: {e}", path.display())),
    }
}

fn prepare_log_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map(|_| ())
}

/// Run the console until the user quits (or a signal arrives).
pub fn run(opts: ConsoleOptions) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(run_async(opts))
}

async fn run_async(opts: ConsoleOptions) -> Result<(), String> {
    let start = Instant::now();
    let ConsoleOptions {
        endpoints,
        config,
        mut warnings,
        theme,
    } = opts;
    if let Some(w) = init_logging(&config) {
        warnings.push(w);
    }
    for w in &warnings {
        log::warn!("{w}");
    }
    let keymap = config.keymap.clone();
    let settings = UiSettings {
        page_size: config.page_size,
        key_hints: keymap.hints(),
    };
    let mut state = AppState::new(
        endpoints.iter().map(|e| e.url.clone()).collect(),
        settings,
        chrono::Utc::now(),
    );
    state.actions.read_only = config.read_only;
    state.actions.pause_on_isolate = config.actions.pause_on_isolate;
    state.actions.stop_timeout_secs = config.actions.stop_timeout.as_secs();
    if config.read_only {
        log::info!("the console runs read-only: every action is disabled");
    }
    let executor = executor::Executor::new(&endpoints, &config);
    if let Some(first) = warnings.first() {
        state.status = Some(StatusMessage {
            text: format!("{first} (using defaults)"),
            level: StatusLevel::Warning,
        });
    }

    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Msg>();
    executor.load_isolations(done_tx.clone());
    let (tx, mut rx) = mpsc::channel::<DataEvent>(4096);
    let watch_settings = WatchSettings {
        connect_timeout: config.connect_timeout,
        concurrency: config.concurrency,
        resync: config.resync,
        drift: config.drift,
        processes: config.processes,
        poll_concurrency: config.poll_concurrency,
        ..WatchSettings::default()
    };
    let handles: Vec<WatchHandle> = endpoints
        .iter()
        .enumerate()
        .map(|(i, ep)| watch::spawn(i, ep.clone(), watch_settings.clone(), tx.clone()))
        .collect();
    drop(tx);

    // Signals are caught before the terminal changes mode, so none can kill seawall
    // with the terminal left raw.
    use tokio::signal::unix::{SignalKind, signal};
    let watch_signal = |kind: SignalKind, name: &str| {
        signal(kind).map_err(|e| format!("cannot watch {name}: {e}"))
    };
    let mut sigterm = watch_signal(SignalKind::terminate(), "SIGTERM")?;
    let mut sighup = watch_signal(SignalKind::hangup(), "SIGHUP")?;
    let mut sigint = watch_signal(SignalKind::interrupt(), "SIGINT")?;
    let mut sigquit = watch_signal(SignalKind::quit(), "SIGQUIT")?;
    let _guard = terminal::TerminalGuard::enter(config.mouse)
        .map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let backend = CrosstermBackend::new(std::io::stdout());
    let mut term =
        Terminal::new(backend).map_err(|e| format!("cannot set up the terminal: {e}"))?;
    term.clear().ok();

    let mut trace = trace::Trace::from_env(start);
    let mut keys = EventStream::new();
    let mut tick = tokio::time::interval(config.tick);
    let mut last_second = state.now.timestamp();
    let mut dirty = true;
    let mut result = Ok(());

    loop {
        if dirty {
            let t0 = Instant::now();
            if let Err(e) = term.draw(|f| crate::ui::view(&state, &theme, f)) {
                result = Err(format!("cannot draw: {e}"));
                break;
            }
            let drawn = Instant::now();
            if trace.enabled() {
                let all_live = state.hosts.iter().all(|h| h.status == LinkStatus::Live);
                trace.frame(
                    drawn,
                    (drawn - t0).as_micros(),
                    state.containers.len(),
                    all_live,
                    &state.pending_events,
                );
            }
            state.pending_events.clear();
            dirty = false;
            // Debug builds only: lets the end-to-end tests prove the terminal is restored
            // after a panic.
            if cfg!(debug_assertions) && std::env::var_os("SEAWALL_DEBUG_PANIC").is_some() {
                panic!("SEAWALL_DEBUG_PANIC is set: panicking on purpose after the first frame");
            }
        }
        if state.quit {
            break;
        }
        let mut effects = Vec::new();
        tokio::select! {
            ev = keys.next() => match ev {
                Some(Ok(Event::Key(key))) => {
                    if let Some(msg) = key_to_msg(&state, &keymap, &key) {
                        effects = app::update(&mut state, msg);
                    }
                    dirty = true;
                }
                Some(Ok(Event::Mouse(m))) => {
                    let cmd = match m.kind {
                        MouseEventKind::ScrollUp => Some(Command::Up),
                        MouseEventKind::ScrollDown => Some(Command::Down),
                        _ => None,
                    };
                    if let Some(cmd) = cmd.filter(|_| state.confirm.is_none()) {
                        effects = app::update(&mut state, Msg::Command(cmd));
                        dirty = true;
                    }
                }
                Some(Ok(Event::Resize(..))) => dirty = true,
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    result = Err(format!("cannot read the terminal: {e}"));
                    break;
                }
                None => break,
            },
            data = rx.recv() => {
                let Some(first) = data else { break };
                app::update(&mut state, Msg::Data(first));
                // Drain whatever else is already waiting, then draw once.
                while let Ok(more) = rx.try_recv() {
                    app::update(&mut state, Msg::Data(more));
                }
                dirty = true;
            }
            Some(msg) = done_rx.recv() => {
                if let Msg::ActionDone(outcome) = &msg {
                    executor::log_outcome(outcome);
                }
                effects = app::update(&mut state, msg);
                dirty = true;
            }
            _ = tick.tick() => {
                let now = chrono::Utc::now();
                app::update(&mut state, Msg::Tick(now));
                if state.show_log {
                    tui_logger::move_events();
                    dirty = true;
                }
                // Uptimes are shown to the second: redraw once a second, not every tick.
                if now.timestamp() != last_second {
                    last_second = now.timestamp();
                    dirty = true;
                }
            }
            _ = sigterm.recv() => state.quit = true,
            _ = sighup.recv() => state.quit = true,
            _ = sigint.recv() => state.quit = true,
            _ = sigquit.recv() => state.quit = true,
        }
        for effect in effects {
            match effect {
                Effect::Quit => state.quit = true,
                Effect::Watch { host, request } => {
                    for (i, h) in handles.iter().enumerate() {
                        if host.is_none_or(|want| want == i) {
                            let _ = h.requests.send(request.clone());
                        }
                    }
                }
                Effect::Action(request) => executor.spawn(request, done_tx.clone()),
                Effect::RecordDeclined(request) => {
                    if let Err(problem) = executor.record_declined(&request) {
                        state.status = Some(StatusMessage {
                            text: problem,
                            level: StatusLevel::Error,
                        });
                        dirty = true;
                    }
                }
                Effect::RecordRefused { request, reason } => {
                    if let Err(problem) = executor.record_refused(&request, &reason) {
                        state.status = Some(StatusMessage {
                            text: problem,
                            level: StatusLevel::Error,
                        });
                        dirty = true;
                    }
                }
            }
        }
    }
    for h in &handles {
        h.task.abort();
    }
    drop(term);
    drop(_guard);
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::{ActionKind, ActionRequest, Target};
    use crate::app::Confirm;

    fn ev(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn with_dialog() -> AppState {
        let mut s = AppState::new(
            vec!["unix:///s".into()],
            UiSettings::default(),
            chrono::Utc::now(),
        );
        s.confirm = Some(Confirm {
            request: ActionRequest::new(
                ActionKind::Stop,
                Target {
                    host: 0,
                    endpoint: "unix:///s".into(),
                    container_id: Some("abc".into()),
                    name: "web".into(),
                },
            ),
            details: Vec::new(),
        });
        s
    }

    #[test]
    fn the_dialog_takes_every_key_and_only_y_confirms() {
        let s = with_dialog();
        let map = KeyMap::default();
        let none = KeyModifiers::NONE;
        let answer = |e: KeyEvent| match key_to_msg(&s, &map, &e) {
            Some(Msg::Confirm(yes)) => Some(yes),
            other => panic!("{e:?} gave {other:?}"),
        };
        assert_eq!(answer(ev(KeyCode::Char('y'), none)), Some(true));
        assert_eq!(
            answer(ev(KeyCode::Char('Y'), KeyModifiers::SHIFT)),
            Some(true)
        );
        for declines in [
            ev(KeyCode::Char('n'), none),
            ev(KeyCode::Esc, none),
            ev(KeyCode::Enter, none),
            ev(KeyCode::Char('i'), none),
            ev(KeyCode::Char('q'), none),
            ev(KeyCode::Char(' '), none),
            ev(KeyCode::Char('y'), KeyModifiers::ALT),
            ev(KeyCode::Down, none),
        ] {
            assert_eq!(answer(declines), Some(false), "{declines:?}");
        }
        // ctrl-c still quits (and the reducer records the dialog as declined).
        assert!(matches!(
            key_to_msg(&s, &map, &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Msg::Command(Command::Quit))
        ));
    }

    #[test]
    fn without_a_dialog_action_keys_resolve_through_the_keymap() {
        let mut s = with_dialog();
        s.confirm = None;
        let map = KeyMap::default();
        let none = KeyModifiers::NONE;
        for (c, want) in [
            ('i', Command::Isolate),
            ('u', Command::Unisolate),
            ('s', Command::Stop),
            ('e', Command::Export),
            ('E', Command::ExportHost),
        ] {
            assert!(
                matches!(key_to_msg(&s, &map, &ev(KeyCode::Char(c), none)), Some(Msg::Command(got)) if got == want),
                "{c}"
            );
        }
    }
}
