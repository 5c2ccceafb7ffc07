//! Terminal safety: one guard puts the terminal into raw mode and the alternate screen and
//! restores it on drop, and a chained panic hook restores it before the panic message is
//! printed, so the shell is usable after any exit.

use crossterm::{cursor, event, execute, terminal};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether mouse capture was turned on (the panic hook needs to know).
static MOUSE_ON: AtomicBool = AtomicBool::new(false);
/// Whether the terminal is currently in seawall's mode.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Restore the terminal; safe to call more than once.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    if MOUSE_ON.swap(false, Ordering::SeqCst) {
        let _ = execute!(out, event::DisableMouseCapture);
    }
    let _ = execute!(out, terminal::LeaveAlternateScreen, cursor::Show);
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Holds the terminal in seawall's mode while alive.
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    /// Enter raw mode and the alternate screen (mouse capture only when asked: it breaks
    /// copy and paste over SSH).
    pub fn enter(mouse: bool) -> io::Result<Self> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut out = io::stdout();
        if let Err(e) = execute!(out, terminal::EnterAlternateScreen, cursor::Hide) {
            restore();
            return Err(e);
        }
        if mouse {
            MOUSE_ON.store(true, Ordering::SeqCst);
            execute!(out, event::EnableMouseCapture)?;
        }
        Ok(TerminalGuard { _private: () })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
