//! The console's loop (design habit 4): wait for one input, drain every other input that
//! is ready, then draw, at most once per [`FRAME_INTERVAL`].
//!
//! Every input becomes a [`Msg`] for the reducer (`app::update`), and every effect the
//! reducer returns goes to the [`Executor`]; messages the executor answers with go back to
//! the reducer. Nothing here writes the state: the loop only reads it to draw, to map keys
//! and to see that the reducer has quit.

use super::ConsoleError;
use super::executor::Executor;
use super::input::{Input, Inputs, Wait, event_to_msg};
use super::trace::Trace;
use crate::app::{self, AppState, Command, Msg};
use crate::config::keymap::KeyMap;
use crate::theme::Theme;
use crate::watch::LinkStatus;
use crossterm::event::Event;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::collections::VecDeque;
use std::io::Stdout;
use std::time::Duration;
use tokio::time::Instant;

/// The shortest time between two frames (at most 125 a second).
pub const FRAME_INTERVAL: Duration = Duration::from_millis(8);

/// Most inputs applied between two frames, so a flood of data still lets frames through.
const MAX_BATCH: usize = 4096;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Whether the loop goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Stop,
}

/// When to draw: something changed (`dirty`) and the frame interval has passed.
#[derive(Debug)]
pub struct Frames {
    dirty: bool,
    last: Option<Instant>,
    /// The wall-clock second of the last tick: uptimes are shown to the second.
    second: i64,
}

impl Frames {
    pub fn new(now: chrono::DateTime<chrono::Utc>) -> Self {
        Frames {
            dirty: true,
            last: None,
            second: now.timestamp(),
        }
    }

    fn changed(&mut self) {
        self.dirty = true;
    }

    /// When the next frame is due (`None`: nothing to draw).
    fn due(&self) -> Option<Instant> {
        if !self.dirty {
            return None;
        }
        Some(self.last.map_or_else(Instant::now, |t| t + FRAME_INTERVAL))
    }

    fn drawn(&mut self, at: Instant) {
        self.dirty = false;
        self.last = Some(at);
    }

    /// The clock moved: a redraw only when the shown second changed.
    fn tick(&mut self, now: chrono::DateTime<chrono::Utc>) {
        if now.timestamp() != self.second {
            self.second = now.timestamp();
            self.dirty = true;
        }
    }
}

/// The loop's state: the app state (written only by the reducer) and what runs beside it.
pub struct Console {
    pub state: AppState,
    pub keymap: KeyMap,
    pub theme: Theme,
    pub executor: Executor,
    pub frames: Frames,
    pub trace: Trace,
    /// The terminal's size at the last frame (where a click lands).
    pub screen: ratatui::layout::Rect,
}

impl Console {
    /// Run until the reducer quits, a source ends, or the terminal fails.
    pub async fn run(&mut self, inputs: &mut Inputs, term: &mut Term) -> Result<(), ConsoleError> {
        loop {
            if self.frames.due().is_some_and(|at| at <= Instant::now()) {
                self.draw(term)?;
            }
            let Some(first) = inputs.next(Wait::for_frame(self.frames.due())).await else {
                continue;
            };
            if self.apply(first)? == Flow::Stop {
                return Ok(());
            }
            // Everything else that is ready now, before the next frame.
            for _ in 1..MAX_BATCH {
                let Some(input) = inputs.next(Wait::No).await else {
                    break;
                };
                if self.apply(input)? == Flow::Stop {
                    return Ok(());
                }
            }
        }
    }

    /// Apply one input; the loop stops once the reducer has quit.
    fn apply(&mut self, input: Input) -> Result<Flow, ConsoleError> {
        let flow = self.handle(input)?;
        Ok(if self.state.quit { Flow::Stop } else { flow })
    }

    /// Apply one input.
    fn handle(&mut self, input: Input) -> Result<Flow, ConsoleError> {
        match input {
            Input::Terminal(event) => {
                let screen = self.screen;
                let msg = event_to_msg(&self.state, &self.keymap, &event, screen);
                if let Event::Resize(w, h) = event {
                    self.screen = ratatui::layout::Rect::new(0, 0, w, h);
                }
                // Any key redraws (as does a resize); the mouse only when it scrolled.
                if msg.is_some() || matches!(event, Event::Key(_) | Event::Resize(..)) {
                    self.frames.changed();
                }
                if let Some(msg) = msg {
                    self.dispatch(msg);
                }
            }
            Input::Data(event) => {
                self.dispatch(Msg::Data(event));
                self.frames.changed();
            }
            Input::Done(msg) => {
                self.dispatch(msg);
                self.frames.changed();
            }
            Input::Tick => self.tick(),
            Input::Signal(name) => {
                log::info!("{name} received: quitting");
                self.dispatch(Msg::Command(Command::Quit));
            }
            Input::FrameDue => {}
            Input::Closed(what) => {
                log::info!("{what} ended: quitting");
                return Ok(Flow::Stop);
            }
            Input::Failed(e) => return Err(e),
        }
        Ok(Flow::Continue)
    }

    /// The clock: the reducer's time, the log pane's new lines, the shown second.
    fn tick(&mut self) {
        let now = chrono::Utc::now();
        self.dispatch(Msg::Tick(now));
        if self.state.show_log {
            tui_logger::move_events();
            self.frames.changed();
        }
        self.frames.tick(now);
    }

    /// One message through the reducer, its effects through the executor, and the
    /// executor's answers through the reducer again.
    fn dispatch(&mut self, msg: Msg) {
        let mut queue = VecDeque::from([msg]);
        while let Some(msg) = queue.pop_front() {
            for effect in app::update(&mut self.state, msg) {
                if let app::Effect::SetTheme(name) = &effect {
                    // The theme is the console's, not the state's: swapped here.
                    let (theme, answer) = self.executor.load_theme(name);
                    self.theme = theme;
                    self.frames.changed();
                    queue.push_back(answer);
                    continue;
                }
                if let Some(answer) = self.executor.run(effect) {
                    self.frames.changed();
                    queue.push_back(answer);
                }
            }
        }
    }

    /// Draw one frame, and tell the reducer (and the trace) what reached the screen.
    fn draw(&mut self, term: &mut Term) -> Result<(), ConsoleError> {
        let t0 = std::time::Instant::now();
        let completed = term
            .draw(|f| crate::ui::view(&self.state, &self.theme, f))
            .map_err(ConsoleError::Draw)?;
        self.screen = completed.area;
        let drawn = std::time::Instant::now();
        self.frames.drawn(Instant::from_std(drawn));
        if self.trace.enabled() {
            let all_live = self
                .state
                .hosts
                .iter()
                .filter(|h| !h.dropped)
                .all(|h| h.status == LinkStatus::Live);
            let hosts: std::collections::BTreeSet<_> =
                self.state.containers.keys().map(|k| k.host).collect();
            self.trace.frame(
                drawn,
                (drawn - t0).as_micros(),
                self.state.containers.len(),
                all_live,
                hosts.len(),
                &self.state.pending_events,
            );
        }
        self.dispatch(Msg::Drawn);
        // Debug builds only: lets the end-to-end tests prove the terminal is restored
        // after a panic.
        if cfg!(debug_assertions) && std::env::var_os("SEAWALL_DEBUG_PANIC").is_some() {
            panic!("SEAWALL_DEBUG_PANIC is set: panicking on purpose after the first frame");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_drawn_when_dirty_and_at_most_once_per_interval() {
        let now = chrono::Utc::now();
        let mut f = Frames::new(now);
        let start = Instant::now();
        assert!(
            f.due().is_some_and(|at| at <= Instant::now()),
            "first frame now"
        );
        f.drawn(start);
        assert_eq!(f.due(), None, "nothing changed");
        f.changed();
        assert_eq!(f.due(), Some(start + FRAME_INTERVAL));
        f.drawn(start + FRAME_INTERVAL);
        // The same second: no redraw; the next one: a redraw.
        f.tick(now);
        assert_eq!(f.due(), None);
        f.tick(now + chrono::Duration::seconds(1));
        assert_eq!(f.due(), Some(start + FRAME_INTERVAL * 2));
    }
}
