//! The activity feed across restarts: the newest [`FEED_FILE_MAX`] alerts, saved when the
//! console quits (and once a minute when new ones arrived) as JSON lines next to the
//! isolation records in the state directory (`feed.jsonl`, written atomically 0600 in a
//! 0700 folder), and read back when it starts.
//!
//! Each line is `{"endpoint": …, "alert": …}`: alerts go back to the daemon with that
//! endpoint (a daemon the console no longer shows drops its alerts). A line that cannot be
//! read is skipped (a file from another version, a cut write), never fatal. The text in the
//! file is the alerts' as they were built (redacted at conversion); it is shown again
//! through the console's sanitizers like any alert.

use crate::activity::Alert;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Alerts kept in the file at most (the newest).
pub const FEED_FILE_MAX: usize = crate::app::feed::SAVED_FEED_MAX;
/// The file's name, in the state directory.
pub const FEED_FILE_NAME: &str = "feed.jsonl";

/// The saved feed could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FeedFileError {
    #[error("cannot read the saved activity feed {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot save the activity feed to {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    endpoint: String,
    alert: Alert,
}

/// Where the feed is saved: beside the isolation records (`[actions] state_file`), in the
/// state directory.
pub fn path_beside(state_file: &Path) -> PathBuf {
    state_file.with_file_name(FEED_FILE_NAME)
}

/// The file's lines for `alerts` (oldest first), the newest [`FEED_FILE_MAX`] only.
pub fn render(alerts: &[(String, Alert)]) -> Vec<u8> {
    let skip = alerts.len().saturating_sub(FEED_FILE_MAX);
    let mut out = Vec::new();
    for (endpoint, alert) in &alerts[skip..] {
        let record = Record {
            endpoint: endpoint.clone(),
            alert: alert.clone(),
        };
        if let Ok(line) = serde_json::to_vec(&record) {
            out.extend_from_slice(&line);
            out.push(b'\n');
        }
    }
    out
}

/// The alerts of a file's bytes, oldest first; unreadable lines are skipped.
pub fn parse(bytes: &[u8]) -> Vec<(String, Alert)> {
    let records: Vec<(String, Alert)> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .filter_map(|l| serde_json::from_slice::<Record>(l).ok())
        .map(|r| (r.endpoint, r.alert))
        .collect();
    let skip = records.len().saturating_sub(FEED_FILE_MAX);
    records.into_iter().skip(skip).collect()
}

/// Save `alerts` (oldest first) to `path`: 0600, atomically, its folder 0700.
pub fn save(path: &Path, alerts: &[(String, Alert)]) -> Result<(), FeedFileError> {
    let err = |source| FeedFileError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::actions::private_dir(dir).map_err(err)?;
    }
    crate::report::write_private(path, &render(alerts)).map_err(err)
}

/// Read the saved alerts; none when there is no file yet.
pub fn load(path: &Path) -> Result<Vec<(String, Alert)>, FeedFileError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(parse(&bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(FeedFileError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::ContainerRef;
    use crate::risk::Severity;
    use std::os::unix::fs::PermissionsExt;

    fn alert(i: usize) -> Alert {
        Alert {
            time: chrono::DateTime::from_timestamp(1_780_000_000 + i as i64, 0).unwrap(),
            container: Some(ContainerRef {
                id: format!("id{i}"),
                name: format!("web\u{1b}[31m{i}"),
            }),
            rule: "SW-ACT-EXEC-001".into(),
            severity: Severity::High,
            title: "Shell in container".into(),
            detail: "sh -c id\nsecond line".into(),
            technique: "T1059.004".into(),
            score_bump: 10,
        }
    }

    #[test]
    fn the_feed_round_trips_bounded_private_and_tolerant() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_beside(&dir.path().join("state").join("isolations.json"));
        assert_eq!(path, dir.path().join("state").join("feed.jsonl"));
        assert!(load(&path).unwrap().is_empty(), "no file yet: nothing");
        let alerts: Vec<(String, Alert)> = (0..FEED_FILE_MAX + 7)
            .map(|i| ("unix:///var/run/docker.sock".to_string(), alert(i)))
            .collect();
        save(&path, &alerts).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        let back = load(&path).unwrap();
        assert_eq!(back.len(), FEED_FILE_MAX, "the newest only");
        assert_eq!(back[0].1, alert(7));
        assert_eq!(back.last().unwrap().1, alert(FEED_FILE_MAX + 6));
        // One line per alert, the escape JSON-escaped (never raw in the file).
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), FEED_FILE_MAX);
        assert!(!text.contains('\u{1b}'));
        // A broken line (a cut write, another version) is skipped.
        let mut bytes = render(&alerts[..2]);
        bytes.extend_from_slice(b"{\"endpoint\": \"x\", \"alert\": {\"nope\n");
        bytes.extend_from_slice(&render(&alerts[2..3]));
        assert_eq!(parse(&bytes).len(), 3);
    }
}
