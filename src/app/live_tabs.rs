//! The drilldown's live tabs: Processes (`top`, read again every
//! [`LIVE_TAB_REFRESH_SECS`] while open) and Logs (the tail, read again while followed).
//! The reducer asks the executor for the reads ([`Effect::ReadTop`], [`Effect::ReadLogs`])
//! and stores the answers; nothing here does IO.

use super::state::{AppState, Drilldown, LIVE_TAB_REFRESH_SECS, Tab, View};
use super::update::Effect;
use crate::docker::{DockerError, LogTail, Top};
use crate::watch::HostId;

/// The read the open live tab needs now: when it opened, or when the last read is
/// [`LIVE_TAB_REFRESH_SECS`] old (logs only while followed).
pub fn refresh_due(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    let lines = state.settings.log_tail;
    let View::Drilldown(d) = &mut state.view else {
        return Vec::new();
    };
    let stale = d
        .refreshed
        .is_none_or(|at| (now - at).num_seconds() >= LIVE_TAB_REFRESH_SECS || now < at);
    if !stale {
        return Vec::new();
    }
    let (host, id) = (d.key.host, d.key.id.clone());
    let effect = match d.tab {
        Tab::Processes => Effect::ReadTop { host, id },
        Tab::Logs if d.logs.follow || d.logs.lines.is_none() => {
            Effect::ReadLogs { host, id, lines }
        }
        _ => return Vec::new(),
    };
    d.refreshed = Some(now);
    vec![effect]
}

/// The drilldown of `host`/`id`, if it is open.
fn open_for<'a>(state: &'a mut AppState, host: HostId, id: &str) -> Option<&'a mut Drilldown> {
    match &mut state.view {
        View::Drilldown(d) if d.key.host == host && d.key.id == id => Some(d),
        _ => None,
    }
}

pub fn on_processes(
    state: &mut AppState,
    host: HostId,
    id: &str,
    result: Result<Top, DockerError>,
) {
    if let Some(d) = open_for(state, host, id) {
        d.processes = Some(result);
    }
}

/// Split a log tail into lines (invalid UTF-8 shown as U+FFFD; every other byte is kept
/// and escaped when drawn).
/// The Logs tab's lines: split, `\r` dropped, secrets redacted.
pub fn log_lines(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines: Vec<String> = text
        .split('\n')
        // Secrets a container prints (`DB_PASSWORD=...`, a URL's password, a token) are
        // redacted before the lines are kept; the bytes are escaped when drawn.
        .map(|l| crate::redact::redact_command_line(l.trim_end_matches('\r')))
        .collect();
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

pub fn on_logs(state: &mut AppState, host: HostId, id: &str, tail: LogTail) {
    let Some(d) = open_for(state, host, id) else {
        return;
    };
    d.logs.lines = Some(log_lines(&tail.bytes));
    d.logs.error = tail.broken.map(|e| e.to_string());
    if d.logs.follow {
        // The view stays at the newest line (clamped when drawn).
        d.scroll = usize::MAX / 2;
    }
}

/// Scroll the Logs tab to the current search match.
pub fn jump_to_log_match(d: &mut Drilldown) {
    let matches = d.logs.matches();
    if matches.is_empty() {
        return;
    }
    d.logs.follow = false;
    d.logs.match_index %= matches.len();
    d.scroll = matches[d.logs.match_index].saturating_sub(2);
}

#[cfg(test)]
mod tests {
    #[test]
    fn log_lines_are_split_and_their_secrets_redacted() {
        let lines = super::log_lines(
            b"starting\r\nDB_PASSWORD=hunter2 connecting to postgres://app:s3cret@db/app\nready\n",
        );
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "starting");
        assert!(!lines[1].contains("hunter2"), "{}", lines[1]);
        assert!(!lines[1].contains("s3cret"), "{}", lines[1]);
        assert!(lines[1].contains("DB_PASSWORD="), "{}", lines[1]);
        assert_eq!(lines[2], "ready");
    }
}
