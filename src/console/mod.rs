//! The interactive console: one async loop over key presses, watch-task data, finished
//! actions, a tick and signals ([`event_loop`]). Every ready input is applied through the
//! reducer, every effect through the [`executor`], then at most one frame is drawn.
//!
//! - [`run`]: the entry point; builds the settings from the config ([`ConsoleSettings`]),
//!   starts the watch tasks, catches the signals, then takes over the terminal;
//! - [`input`]: the loop's sources and how a key becomes a message;
//! - [`event_loop`]: the loop itself (drain, dispatch, draw);
//! - [`executor`]: the only place effects turn into IO;
//! - [`terminal`]: the guard and panic hook that always restore the terminal;
//! - [`trace`]: optional timings for the benchmark.

pub mod event_loop;
pub mod executor;
pub mod feed_file;
pub mod input;
pub mod terminal;
pub mod trace;

pub use input::{event_to_msg, key_to_msg};

use crate::actions::ActionSettings;
use crate::app::{ActionsView, AppState, Msg, StatusLevel, StatusMessage, UiSettings};
use crate::config::Config;
use crate::docker::Endpoint;
use crate::theme::Theme;
use crate::watch::{self, DataEvent, WatchHandle, WatchSettings};
use crossterm::event::EventStream;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Everything the console needs to start.
pub struct ConsoleOptions {
    pub endpoints: Vec<Endpoint>,
    pub config: Config,
    /// Problems found while loading the config or theme (shown, then defaults are used).
    pub warnings: Vec<String>,
    pub theme: Theme,
    /// Accepted risks and a baseline report, marked on the findings.
    pub verdicts: crate::app::verdicts::Verdicts,
}

/// Why the console could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot watch {name}: {source}")]
    Signal {
        name: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot set up the terminal: {0}")]
    TerminalSetup(#[source] std::io::Error),
    #[error("cannot draw: {0}")]
    Draw(#[source] std::io::Error),
    #[error("cannot read the terminal: {0}")]
    ReadTerminal(#[source] std::io::Error),
    /// Not fatal: shown as a warning, and the console runs without a log file.
    #[error("cannot open the log file {}: {source}", path.display())]
    LogFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Everything the console takes from the config, built in one place with each part's
/// `from_config`.
#[derive(Debug, Clone)]
pub struct ConsoleSettings {
    /// The watch tasks (`[scan]`, `[watch]`).
    pub watch: WatchSettings,
    /// The action runner (`[actions]`).
    pub actions: ActionSettings,
    /// What the reducer needs (`[ui] page_size`, the keymap's labels).
    pub ui: UiSettings,
    /// Every action refused (`[ui] read_only`, `--read-only`, or a config problem that
    /// touches a safety setting).
    pub read_only: bool,
    /// The config problem that made the console read-only, shown on screen.
    pub read_only_reason: Option<String>,
    /// The loop's tick (`[ui] tick_ms`).
    pub tick: Duration,
    /// Capture the mouse (`[ui] mouse`).
    pub mouse: bool,
}

impl ConsoleSettings {
    pub fn from_config(config: &Config) -> Self {
        ConsoleSettings {
            watch: WatchSettings::from_config(config),
            actions: ActionSettings::from_config(config),
            ui: UiSettings {
                page_size: config.page_size,
                key_hints: config.keymap.hints(),
                themes: theme_names(config.config_dir().as_deref()),
                config_path: config
                    .file
                    .clone()
                    .or_else(crate::config::default_path)
                    .map(|p| p.display().to_string()),
                config_read: config.file.is_some(),
                log_tail: crate::app::DEFAULT_LOG_TAIL,
            },
            read_only: config.read_only || config.read_only_reason.is_some(),
            read_only_reason: config.read_only_reason.clone(),
            tick: config.tick,
            mouse: config.mouse,
        }
    }
}

/// The themes to cycle through: the built-in ones, then the user's `<config dir>/themes/
/// *.toml` (sorted; a user file named like a built-in replaces it, so it is listed once).
pub fn theme_names(config_dir: Option<&Path>) -> Vec<String> {
    let mut names: Vec<String> = crate::theme::builtin_names()
        .into_iter()
        .map(String::from)
        .collect();
    let mut user: Vec<String> = config_dir
        .and_then(|d| std::fs::read_dir(d.join("themes")).ok())
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".toml").map(str::to_string)
        })
        .filter(|n| !names.contains(n))
        .collect();
    user.sort();
    names.append(&mut user);
    names
}

/// Run the console until the user quits (or a signal arrives).
pub fn run(opts: ConsoleOptions) -> Result<(), ConsoleError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ConsoleError::Runtime)?;
    runtime.block_on(run_async(opts))
}

async fn run_async(opts: ConsoleOptions) -> Result<(), ConsoleError> {
    let start = Instant::now();
    let ConsoleOptions {
        endpoints,
        config,
        mut warnings,
        theme,
        verdicts,
    } = opts;
    if let Err(e) = init_logging(&config) {
        warnings.push(e.to_string());
    }
    for w in &warnings {
        log::warn!("{w}");
    }
    let settings = ConsoleSettings::from_config(&config);
    match (&settings.read_only_reason, settings.read_only) {
        (Some(reason), _) => {
            log::warn!("the console runs read-only because of a config problem: {reason}")
        }
        (None, true) => log::info!("the console runs read-only: every action is disabled"),
        (None, false) => {}
    }
    let mut state = initial_state(&endpoints, &settings, &warnings);
    state.verdicts = verdicts;
    state.theme = theme.name.clone();

    let (done_tx, done_rx) = mpsc::unbounded_channel::<Msg>();
    let (data_tx, data_rx) = mpsc::channel::<DataEvent>(4096);
    let watches: Vec<WatchHandle> = endpoints
        .iter()
        .enumerate()
        .map(|(i, ep)| watch::spawn(i, ep.clone(), settings.watch.clone(), data_tx.clone()))
        .collect();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let executor = executor::Executor::new(&endpoints, settings.actions.clone(), watches, done_tx)
        .with_themes(config.config_dir(), no_color)
        .with_spawner(data_tx.clone(), settings.watch.clone());
    drop(data_tx);
    executor.load_isolations();
    if let Some(msg) = executor.load_feed() {
        crate::app::update(&mut state, msg);
    }

    // Signals are caught before the terminal changes mode, so none can kill seawall
    // with the terminal left raw.
    let signals = input::Signals::install()?;
    let guard =
        terminal::TerminalGuard::enter(settings.mouse).map_err(ConsoleError::TerminalSetup)?;
    let mut term = Terminal::new(CrosstermBackend::new(std::io::stdout()))
        .map_err(ConsoleError::TerminalSetup)?;
    term.clear().ok();

    let mut inputs = input::Inputs {
        terminal: EventStream::new(),
        data: data_rx,
        done: done_rx,
        tick: tokio::time::interval(settings.tick),
        signals,
    };
    let mut console = event_loop::Console {
        frames: event_loop::Frames::new(state.now),
        state,
        keymap: config.keymap,
        theme,
        executor,
        trace: trace::Trace::from_env(start),
        screen: ratatui::layout::Rect::default(),
    };
    let result = console.run(&mut inputs, &mut term).await;
    console.executor.stop_watching();
    drop(term);
    drop(guard);
    result
}

/// The state the console starts with: its daemons, its settings, and on the status line
/// the config problem that made it read-only, else the first warning.
fn initial_state(
    endpoints: &[Endpoint],
    settings: &ConsoleSettings,
    warnings: &[String],
) -> AppState {
    let mut state = AppState::new(
        endpoints.iter().map(|e| e.url.clone()).collect(),
        settings.ui.clone(),
        chrono::Utc::now(),
    );
    for (h, ep) in state.hosts.iter_mut().zip(endpoints) {
        h.name = crate::app::hosts::endpoint_name(ep);
    }
    // More than one daemon: the console opens on the host overview.
    if endpoints.len() > 1 {
        state.overview = true;
        state.view = crate::app::View::Hosts;
    }
    state.actions = ActionsView::new(settings.read_only, &settings.actions);
    state.actions.read_only_reason = settings.read_only_reason.clone();
    state.status = match &settings.read_only_reason {
        Some(reason) => Some(StatusMessage {
            text: format!("READ-ONLY because of a config problem: {reason}"),
            level: StatusLevel::Error,
        }),
        None => warnings.first().map(|first| StatusMessage {
            text: format!("{first} (that setting uses its default)"),
            level: StatusLevel::Warning,
        }),
    };
    state
}

/// Route the `log` crate into tui-logger (every line sanitized, `crate::logging`) and open
/// seawall's log file (created 0600, its folder 0700).
fn init_logging(config: &Config) -> Result<(), ConsoleError> {
    if !crate::logging::init_console(config.log_level) {
        return Ok(());
    }
    tui_logger::set_default_level(config.log_level);
    let Some(path) = config.log_file.as_deref() else {
        return Ok(());
    };
    prepare_log_file(path).map_err(|source| ConsoleError::LogFile {
        path: path.to_path_buf(),
        source,
    })?;
    tui_logger::set_log_file(tui_logger::TuiLoggerFile::new(&path.to_string_lossy()));
    Ok(())
}

fn prepare_log_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    // The state dir (the default home of the log) is private: 0700, like every folder
    // the actions create there.
    if let Some(dir) = path.parent() {
        crate::actions::private_dir(dir)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::{ActionKind, ActionRequest, Target};
    use crate::app::{Command, Confirm};
    use crate::config::keymap::KeyMap;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn the_console_honours_every_watch_and_action_setting_of_the_config() {
        let config = Config {
            poll_per_minute: 7,
            poll_concurrency: 3,
            drift: Duration::from_secs(11),
            processes: Duration::from_secs(0),
            resync: Duration::from_secs(123),
            concurrency: 5,
            connect_timeout: Duration::from_secs(4),
            page_size: 17,
            tick: Duration::from_millis(100),
            read_only: true,
            actions: crate::config::ActionsConfig {
                pause_on_isolate: true,
                stop_timeout: Duration::from_secs(9),
                log_lines: 42,
                ..Config::default().actions
            },
            ..Config::default()
        };
        let s = ConsoleSettings::from_config(&config);
        assert_eq!(s.watch.poll_per_minute, 7, "[watch] poll_per_minute");
        assert_eq!(s.watch.poll_concurrency, 3);
        assert_eq!(s.watch.drift, Duration::from_secs(11));
        assert_eq!(s.watch.processes, Duration::ZERO);
        assert_eq!(s.watch.resync, Duration::from_secs(123));
        assert_eq!(s.watch.concurrency, 5);
        assert_eq!(s.watch.connect_timeout, Duration::from_secs(4));
        // The same settings `seawall watch` and the headless actions use.
        assert_eq!(
            format!("{:?}", s.watch),
            format!("{:?}", WatchSettings::from_config(&config))
        );
        assert_eq!(s.actions, ActionSettings::from_config(&config));
        assert_eq!(s.actions.log_lines, 42);
        assert_eq!(s.actions.connect_timeout, Duration::from_secs(4));
        assert_eq!(
            (s.ui.page_size, s.tick, s.read_only),
            (17, Duration::from_millis(100), true)
        );
        assert_eq!(s.ui.key_hints, config.keymap.hints());

        let state = initial_state(&[], &s, &["bad theme".into()]);
        assert!(state.actions.read_only && state.actions.pause_on_isolate);
        assert_eq!(state.actions.stop_timeout_secs, 9);
        assert_eq!(state.settings.page_size, 17);
        let status = state.status.expect("the first warning is shown");
        assert_eq!(status.text, "bad theme (that setting uses its default)");
        assert_eq!(state.actions.read_only_reason, None);
    }

    /// The whole path of a config that touches a safety setting: loaded leniently, the
    /// console starts read-only, the status line names the file, line, key and problem,
    /// and an action key opens no dialog but says why (and is audited as refused).
    #[test]
    fn a_config_problem_on_a_safety_setting_starts_the_console_read_only_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[ui]\ntheme = \"light\"\n\n[actions]\nstop_timeout_secs = 99999999999999999999999\n",
        )
        .unwrap();
        let (config, warnings) = crate::config::lenient_from(crate::config::load_partial(
            Some(&path),
            &Default::default(),
        ));
        assert_eq!(config.theme, "light", "the readable settings apply");
        let s = ConsoleSettings::from_config(&config);
        assert!(s.read_only);
        let mut state = initial_state(&[], &s, &warnings);
        assert!(state.actions.read_only);
        let status = state
            .status
            .clone()
            .expect("the reason is on the status line");
        assert_eq!(status.level, StatusLevel::Error);
        for part in [
            "READ-ONLY",
            path.to_str().unwrap(),
            "line 5",
            "actions.stop_timeout_secs",
            "99999999999999999999999 is too large (must be between 0 and 100 seconds)",
        ] {
            assert!(status.text.contains(part), "{part}: {}", status.text);
        }
        // On screen: the header says READ-ONLY and why, the status line the problem.
        let area = ratatui::layout::Rect::new(0, 0, 220, 30);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        crate::ui::render(&state, &Theme::monochrome(), area, &mut buf);
        let row = |y: u16| -> String { (0..area.width).map(|x| buf[(x, y)].symbol()).collect() };
        assert!(row(0).contains("READ-ONLY (config error)"), "{}", row(0));
        assert!(
            row(area.height - 1).contains("line 5: actions.stop_timeout_secs"),
            "{}",
            row(area.height - 1)
        );
        // Esc clears the status line; an action key says why again, and no dialog opens.
        state.status = None;
        let refused = crate::app::action_state::admit(&mut state, Command::Isolate.spec());
        assert!(refused.is_err());
        assert!(state.confirm.is_none());
        let text = state.status.expect("the refusal is shown").text;
        assert!(
            text.starts_with(crate::app::action_state::READ_ONLY_MESSAGE)
                && text.contains("actions.stop_timeout_secs"),
            "{text}"
        );
    }

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
