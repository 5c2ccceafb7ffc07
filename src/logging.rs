//! seawall's own log for the headless commands: warnings and errors on stderr, more with
//! `-v`. Never on stdout, which carries reports and NDJSON. The console's log goes to
//! tui-logger (its pane and the log file) through [`init_console`].
//!
//! Log lines quote container and daemon data (names, error messages): both loggers write
//! every message through `sanitize::terminal_line`, so a line holds no control, bidi or
//! invisible character (they are shown escaped, `\e`, `\u{202e}`) and stays one line.

use crate::sanitize;
use log::{Level, LevelFilter, Log, Metadata, Record};

struct StderrLogger {
    level: LevelFilter,
}

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level && metadata.target().starts_with("seawall")
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            let tag = match record.level() {
                Level::Error => "error",
                Level::Warn => "warning",
                Level::Info => "info",
                Level::Debug => "debug",
                Level::Trace => "trace",
            };
            let message = record.args().to_string();
            eprintln!("seawall: {tag}: {}", sanitize::terminal_line(&message));
        }
    }

    fn flush(&self) {}
}

/// Install the stderr logger: 0 = warnings, 1 = info, 2 = debug, 3+ = trace.
pub fn init(verbosity: u8) {
    let level = match verbosity {
        0 => LevelFilter::Warn,
        1 => LevelFilter::Info,
        2 => LevelFilter::Debug,
        _ => LevelFilter::Trace,
    };
    if log::set_boxed_logger(Box::new(StderrLogger { level })).is_ok() {
        log::set_max_level(level);
    }
}

/// The console's logger: each message sanitized, then handed to tui-logger (which fills
/// the log pane and writes the log file).
struct ConsoleLogger {
    level: LevelFilter,
}

impl Log for ConsoleLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let message = record.args().to_string();
        let safe = sanitize::terminal_line(&message);
        tui_logger::Drain::new().log(
            &Record::builder()
                .args(format_args!("{safe}"))
                .level(record.level())
                .target(record.target())
                .module_path(record.module_path())
                .file(record.file())
                .line(record.line())
                .build(),
        );
    }

    fn flush(&self) {}
}

/// Install the console's logger (tui-logger behind a sanitizer) and the thread that moves
/// its new lines into the pane's buffer and the log file. `false` when another logger was
/// installed first (nothing is changed then).
pub fn init_console(level: LevelFilter) -> bool {
    if log::set_boxed_logger(Box::new(ConsoleLogger { level })).is_err() {
        return false;
    }
    log::set_max_level(level);
    // What `tui_logger::init_logger` does besides installing its own logger.
    let _ = std::thread::Builder::new()
        .name("seawall-log".into())
        .spawn(|| {
            loop {
                std::thread::park_timeout(std::time::Duration::from_millis(10));
                tui_logger::move_events();
            }
        });
    true
}
