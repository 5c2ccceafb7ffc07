//! The loop's inputs: terminal events, watch-task data, finished actions, the tick and
//! signals, read one at a time through [`Inputs::next`]; and how a terminal event becomes a
//! [`Msg`] ([`event_to_msg`]).

use super::ConsoleError;
use crate::app::{AppState, Command, InputKey, Msg};
use crate::config::keymap::KeyMap;
use crate::watch::DataEvent;
use crossterm::event::{
    Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};
use futures_util::StreamExt;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The signals that end the console (as if `quit` was pressed).
pub struct Signals {
    term: Signal,
    hup: Signal,
    int: Signal,
    quit: Signal,
}

impl Signals {
    /// Catch SIGTERM, SIGHUP, SIGINT and SIGQUIT. Called before the terminal changes mode,
    /// so no signal can kill seawall with the terminal left raw.
    pub fn install() -> Result<Signals, ConsoleError> {
        let catch = |kind: SignalKind, name: &'static str| {
            signal(kind).map_err(|source| ConsoleError::Signal { name, source })
        };
        Ok(Signals {
            term: catch(SignalKind::terminate(), "SIGTERM")?,
            hup: catch(SignalKind::hangup(), "SIGHUP")?,
            int: catch(SignalKind::interrupt(), "SIGINT")?,
            quit: catch(SignalKind::quit(), "SIGQUIT")?,
        })
    }

    /// The name of the next signal received.
    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.hup.recv() => "SIGHUP",
            _ = self.int.recv() => "SIGINT",
            _ = self.quit.recv() => "SIGQUIT",
        }
    }
}

/// One thing that happened.
#[derive(Debug)]
pub enum Input {
    Terminal(Event),
    Data(DataEvent),
    /// From the executor's tasks: a finished action, the isolation records.
    Done(Msg),
    Tick,
    Signal(&'static str),
    /// The frame interval passed with a redraw waiting.
    FrameDue,
    /// A source ended for good: the terminal's event stream, or every watch task.
    Closed(&'static str),
    /// The terminal could not be read.
    Failed(ConsoleError),
}

/// How long [`Inputs::next`] may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Not at all: only an input that is ready now.
    No,
    /// Until an input arrives or the instant passes ([`Input::FrameDue`]).
    Until(Instant),
    /// Until an input arrives.
    Forever,
}

impl Wait {
    /// Until the next frame may be drawn, or forever when nothing waits to be drawn.
    pub fn for_frame(due: Option<Instant>) -> Wait {
        due.map_or(Wait::Forever, Wait::Until)
    }
}

/// Every source the loop reads.
pub struct Inputs {
    pub terminal: EventStream,
    pub data: mpsc::Receiver<DataEvent>,
    pub done: mpsc::UnboundedReceiver<Msg>,
    pub tick: tokio::time::Interval,
    pub signals: Signals,
}

impl Inputs {
    /// The next input; `None` only with [`Wait::No`] when nothing is ready. Sources are
    /// polled in a fixed order, signals and keys first and the watch data last, so a flood
    /// of data never delays a key or the tick.
    pub async fn next(&mut self, wait: Wait) -> Option<Input> {
        let idle = async move {
            match wait {
                Wait::No => None,
                Wait::Until(at) => {
                    tokio::time::sleep_until(at).await;
                    Some(Input::FrameDue)
                }
                Wait::Forever => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            name = self.signals.recv() => Some(Input::Signal(name)),
            event = self.terminal.next() => Some(match event {
                Some(Ok(event)) => Input::Terminal(event),
                Some(Err(e)) => Input::Failed(ConsoleError::ReadTerminal(e)),
                None => Input::Closed("the terminal's event stream"),
            }),
            Some(msg) = self.done.recv() => Some(Input::Done(msg)),
            _ = self.tick.tick() => Some(Input::Tick),
            data = self.data.recv() => Some(match data {
                Some(event) => Input::Data(event),
                None => Input::Closed("every watch task"),
            }),
            input = idle => input,
        }
    }
}

/// Turn a terminal event into a message: keys through [`key_to_msg`], the mouse wheel
/// scrolls and a left click selects the row, the tab or the feed alert under it ([`crate::ui::hit`], on a
/// `screen` of the terminal's size); not while the confirm dialog is open.
pub fn event_to_msg(
    state: &AppState,
    keymap: &KeyMap,
    event: &Event,
    screen: ratatui::layout::Rect,
) -> Option<Msg> {
    match event {
        Event::Key(key) => key_to_msg(state, keymap, key),
        Event::Mouse(m) if state.confirm.is_none() => match m.kind {
            MouseEventKind::ScrollUp => Some(Msg::Command(Command::Up)),
            MouseEventKind::ScrollDown => Some(Msg::Command(Command::Down)),
            MouseEventKind::Down(crossterm::event::MouseButton::Left) => {
                match crate::ui::hit(state, screen, m.column, m.row)? {
                    crate::ui::Hit::Row(i) => Some(Msg::ClickRow(i)),
                    crate::ui::Hit::Tab(t) => Some(Msg::ClickTab(t)),
                    crate::ui::Hit::Host(h) => Some(Msg::ClickHost(h)),
                    crate::ui::Hit::Feed(i) => Some(Msg::ClickAlert(i)),
                }
            }
            _ => None,
        },
        _ => None,
    }
}

/// A key in a text input: characters, the editing keys of a shell line (`ctrl-u`,
/// `ctrl-w`, `ctrl-a`/`home`, `ctrl-e`/`end`, the arrows, `backspace`, `delete`), `tab`
/// (completion), `enter` and `esc`.
pub fn input_key(key: &KeyEvent) -> Option<InputKey> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char('u') if ctrl => InputKey::ClearBefore,
        KeyCode::Char('w') if ctrl => InputKey::EraseWord,
        KeyCode::Char('h') if ctrl => InputKey::Backspace,
        KeyCode::Char('a') if ctrl => InputKey::Home,
        KeyCode::Char('e') if ctrl => InputKey::End,
        KeyCode::Char(_) if ctrl || key.modifiers.contains(KeyModifiers::ALT) => return None,
        KeyCode::Char(c) => InputKey::Char(c),
        KeyCode::Backspace => InputKey::Backspace,
        KeyCode::Delete => InputKey::Delete,
        KeyCode::Left => InputKey::Left,
        KeyCode::Right => InputKey::Right,
        KeyCode::Home => InputKey::Home,
        KeyCode::End => InputKey::End,
        KeyCode::Tab => InputKey::Complete,
        KeyCode::Enter => InputKey::Enter,
        KeyCode::Esc => InputKey::Esc,
        _ => return None,
    })
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
        return input_key(key).map(Msg::Input);
    }
    keymap.resolve(key).map(Msg::Command)
}
