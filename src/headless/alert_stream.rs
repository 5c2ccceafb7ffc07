//! `seawall watch`: stream activity alerts as NDJSON (or text) on stdout.
//!
//! The same watch tasks as the console run headless on a single-threaded runtime; every
//! [`DataEvent::Alert`] at or above `--min-severity` becomes one flushed line. Status
//! (connecting, watching, down and retrying) goes to stderr through the log, never to
//! stdout. SIGINT, SIGTERM and a closed stdout (the reader of a pipe went away) end the
//! command with exit code 0; an unreachable daemon is retried forever, each failure logged.

use crate::activity::{Alert, ContainerRef};
use crate::config::Config;
use crate::docker::Endpoint;
use crate::risk::Severity;
use crate::watch::{self, DataEvent, LinkStatus, WatchSettings};
use chrono::SecondsFormat;
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::io::Write;
use tokio::sync::mpsc;

/// Options of `seawall watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub daemon: crate::cli::DaemonArgs,

    /// Only alerts at or above this severity (critical, high, medium, low, info). The default,
    /// info, includes the notices about the event stream being lost and reconnected.
    #[arg(long, value_name = "SEVERITY", default_value = "info")]
    pub min_severity: Severity,

    /// Output: ndjson (one JSON object per line) or text (one line per alert, for people).
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = WatchFormat::Ndjson)]
    pub format: WatchFormat,
}

/// How alerts are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchFormat {
    /// `{"time","host","container","rule","severity","title","detail","technique","score_bump"}`.
    Ndjson,
    /// `HH:MM:SS SEVERITY host container rule title: detail`.
    Text,
}

/// One NDJSON line.
#[derive(Serialize)]
struct Line<'a> {
    time: String,
    host: &'a str,
    container: Option<&'a ContainerRef>,
    rule: &'a str,
    severity: Severity,
    title: &'a str,
    detail: &'a str,
    technique: &'a str,
    score_bump: u8,
}

/// The NDJSON form of one alert from the daemon at `host` (no trailing newline).
pub fn ndjson_line(alert: &Alert, host: &str) -> String {
    let line = Line {
        time: alert.time.to_rfc3339_opts(SecondsFormat::Millis, true),
        host,
        container: alert.container.as_ref(),
        rule: &alert.rule,
        severity: alert.severity,
        title: &alert.title,
        detail: &alert.detail,
        technique: &alert.technique,
        score_bump: alert.score_bump,
    };
    // Plain strings and numbers: serialising cannot fail. C1, bidi and invisible
    // characters are `\uXXXX` escapes too (the same value, safe on a terminal).
    crate::sanitize::to_json_line(&line).unwrap_or_default()
}

/// The text form: `HH:MM:SS SEVERITY host container rule title: detail`, with the time in
/// `clock`'s zone and `-` for daemon-wide alerts. Every part is untrusted text shown on a
/// terminal: control, bidi and invisible characters are shown escaped (`\e`, `\x07`,
/// `\n`, `\u{202e}`: `crate::sanitize::terminal_line`), so the line stays one line and
/// cannot drive the terminal.
pub fn text_line<Tz: chrono::TimeZone>(alert: &Alert, host: &str, clock: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    use crate::sanitize::Terminal;
    let time = alert.time.with_timezone(clock).format("%H:%M:%S");
    let container = alert.container.as_ref().map_or("-", |c| c.name.as_str());
    let mut line = format!(
        "{time} {:<8} {} {} {} {}",
        alert.severity.as_str().to_uppercase(),
        Terminal(host),
        Terminal(container),
        Terminal(&alert.rule),
        Terminal(&alert.title)
    );
    if !alert.detail.is_empty() {
        use std::fmt::Write as _;
        let _ = write!(line, ": {}", Terminal(&alert.detail));
    }
    line
}

/// Why `seawall watch` stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum WatchCommandError {
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot watch for {name}: {source}")]
    Signal {
        name: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("every watch task stopped")]
    TasksStopped,
    #[error("cannot write to stdout: {0}")]
    Stdout(#[source] std::io::Error),
}

/// Run `seawall watch` until a signal or a closed stdout.
pub fn run(
    args: &WatchArgs,
    config: &Config,
    endpoints: Vec<Endpoint>,
) -> Result<u8, WatchCommandError> {
    // One thread: the work is IO-bound, and the daemon needs the other cores more.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(WatchCommandError::Runtime)?;
    let settings = WatchSettings::from_config(config);
    runtime.block_on(watch_loop(args, settings, endpoints))
}

async fn watch_loop(
    args: &WatchArgs,
    settings: WatchSettings,
    endpoints: Vec<Endpoint>,
) -> Result<u8, WatchCommandError> {
    use tokio::signal::unix::{SignalKind, signal};
    let listen = |kind: SignalKind, name: &'static str| {
        signal(kind).map_err(|source| WatchCommandError::Signal { name, source })
    };
    let mut sigint = listen(SignalKind::interrupt(), "SIGINT")?;
    let mut sigterm = listen(SignalKind::terminate(), "SIGTERM")?;
    // The console's `r`: a daemon that is down is tried again at once, a live one re-read.
    let mut sighup = listen(SignalKind::hangup(), "SIGHUP")?;

    let urls: Vec<String> = endpoints.iter().map(|e| e.url.clone()).collect();
    let (tx, mut rx) = mpsc::channel::<DataEvent>(4096);
    // The tasks stop with the runtime when this function returns.
    let handles: Vec<watch::WatchHandle> = endpoints
        .into_iter()
        .enumerate()
        .map(|(i, ep)| watch::spawn(i, ep, settings.clone(), tx.clone()))
        .collect();
    drop(tx);
    let url = |host: usize| urls.get(host).map_or("?", String::as_str);
    let closed = stdout_closed();
    tokio::pin!(closed);
    let mut stdout = std::io::stdout();

    loop {
        tokio::select! {
            event = rx.recv() => {
                let Some(event) = event else {
                    return Err(WatchCommandError::TasksStopped);
                };
                match event {
                    DataEvent::Alert { host, alert, .. } if alert.severity >= args.min_severity => {
                        let line = match args.format {
                            WatchFormat::Ndjson => ndjson_line(&alert, url(host)),
                            WatchFormat::Text => text_line(&alert, url(host), &chrono::Local),
                        };
                        match writeln!(stdout, "{line}").and_then(|_| stdout.flush()) {
                            Ok(()) => {}
                            // The reader went away (`seawall watch | head -1`): done.
                            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(0),
                            Err(e) => return Err(WatchCommandError::Stdout(e)),
                        }
                    }
                    DataEvent::Status { host, status } => match status {
                        LinkStatus::Connecting => log::info!("connecting to {}", url(host)),
                        LinkStatus::Live => log::info!("watching {}", url(host)),
                        // The task has already logged why, as a warning.
                        LinkStatus::Down { retry_in_secs, .. } => {
                            log::debug!("{}: retrying in {retry_in_secs} s", url(host))
                        }
                    },
                    DataEvent::Error { host, message } => log::warn!("{}: {message}", url(host)),
                    DataEvent::Unread { host, line, .. } => log::warn!("{}: {line}", url(host)),
                    _ => {}
                }
            }
            _ = sighup.recv() => {
                log::info!("SIGHUP: reconnecting and re-reading every daemon");
                for h in &handles {
                    let _ = h.requests.send(watch::WatchRequest::Resync);
                }
            }
            _ = sigint.recv() => return Ok(0),
            _ = sigterm.recv() => return Ok(0),
            _ = &mut closed => return Ok(0),
        }
    }
}

/// Resolves when stdout is a pipe or socket whose reader has gone away, so `watch | head -1`
/// ends at once rather than at the next alert. Never resolves for files and terminals that
/// cannot be polled.
async fn stdout_closed() {
    use tokio::io::Interest;
    use tokio::io::unix::AsyncFd;
    // SAFETY: fd 1 is open for the whole life of the process (nothing in seawall closes
    // it), and `Stdout::as_raw_fd` always returns 1.
    let registered = unsafe { AsyncFd::register_with_interest(std::io::stdout(), Interest::ERROR) };
    let Ok(fd) = registered else {
        return std::future::pending().await;
    };
    loop {
        match fd.ready(Interest::ERROR).await {
            Ok(guard) if guard.ready().is_error() => return,
            Ok(mut guard) => guard.clear_ready(),
            Err(_) => return std::future::pending().await,
        }
    }
}

/// For tests: an alert at a fixed time.
#[cfg(test)]
fn sample(container: Option<(&str, &str)>) -> Alert {
    let time: chrono::DateTime<chrono::Utc> = "2026-03-01T12:34:56.789Z".parse().unwrap();
    Alert {
        time,
        container: container.map(|(id, name)| ContainerRef {
            id: id.into(),
            name: name.into(),
        }),
        rule: "SW-ACT-EXEC-001".into(),
        severity: Severity::High,
        title: "shell opened in a container".into(),
        detail: "sh -c id as root\nnext".into(),
        technique: "T1059.004 Unix Shell".into(),
        score_bump: 20,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn an_ndjson_line_has_every_field() {
        let line = ndjson_line(
            &sample(Some(("abc123", "web"))),
            "unix:///var/run/docker.sock",
        );
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["time"], "2026-03-01T12:34:56.789Z");
        assert_eq!(v["host"], "unix:///var/run/docker.sock");
        assert_eq!(v["container"]["id"], "abc123");
        assert_eq!(v["container"]["name"], "web");
        assert_eq!(v["rule"], "SW-ACT-EXEC-001");
        assert_eq!(v["severity"], "high");
        assert_eq!(v["title"], "shell opened in a container");
        assert_eq!(v["detail"], "sh -c id as root\nnext");
        assert_eq!(v["technique"], "T1059.004 Unix Shell");
        assert_eq!(v["score_bump"], 20);
        let daemon_wide = ndjson_line(&sample(None), "h");
        let v: serde_json::Value = serde_json::from_str(&daemon_wide).unwrap();
        assert!(v["container"].is_null());
    }

    #[test]
    fn a_text_line_reads_left_to_right_on_one_line() {
        let line = text_line(&sample(Some(("abc", "web"))), "unix:///s", &Utc);
        assert_eq!(
            line,
            "12:34:56 HIGH     unix:///s web SW-ACT-EXEC-001 shell opened in a container: \
             sh -c id as root\\nnext"
        );
        let mut a = sample(None);
        a.detail.clear();
        assert_eq!(
            text_line(&a, "h", &Utc),
            "12:34:56 HIGH     h - SW-ACT-EXEC-001 shell opened in a container"
        );
    }

    #[test]
    fn a_text_line_shows_terminal_controls_escaped() {
        let mut a = sample(Some(("abc", "we\u{202e}b")));
        a.detail = "echo \u{1b}]2;PWNED\u{7}\u{1b}[2J\r\u{9b}0m".into();
        let line = text_line(&a, "unix:///s", &Utc);
        assert_eq!(
            line,
            "12:34:56 HIGH     unix:///s we\\u{202e}b SW-ACT-EXEC-001 shell opened in a \
             container: echo \\e]2;PWNED\\x07\\e[2J\\r\\u{9b}0m"
        );
        assert!(crate::sanitize::is_terminal_safe(&line));
        // NDJSON stays JSON: the exact value, escaped by serde.
        let v: serde_json::Value = serde_json::from_str(&ndjson_line(&a, "h")).unwrap();
        assert_eq!(v["detail"], a.detail.as_str());
        let nd = ndjson_line(&a, "h");
        assert!(crate::sanitize::is_terminal_safe(&nd), "{nd}");
        assert!(
            nd.contains(r"we\u202eb") && nd.contains(r"\u009b0m"),
            "{nd}"
        );
    }

    #[test]
    fn severities_parse_for_the_filter() {
        use clap::Parser;
        #[derive(Parser)]
        struct T {
            #[command(flatten)]
            w: WatchArgs,
        }
        let t = T::try_parse_from(["t"]).unwrap();
        assert_eq!(t.w.min_severity, Severity::Info);
        assert_eq!(t.w.format, WatchFormat::Ndjson);
        let t = T::try_parse_from(["t", "--min-severity", "high", "--format", "text"]).unwrap();
        assert_eq!(t.w.min_severity, Severity::High);
        assert_eq!(t.w.format, WatchFormat::Text);
        assert!(T::try_parse_from(["t", "--min-severity", "loud"]).is_err());
    }
}
