//! The audit log: one JSON object per line, appended for every action attempt (done,
//! failed, refused by seawall, or declined at the confirmation), in the platform state
//! directory (`audit.log`, `[actions] audit_log`).
//!
//! Each line is written with one `write` on a file opened in append mode (mode 0600), so
//! concurrent writers (the console and a headless command) never interleave inside a line.
//! Keys: `time` (RFC 3339, UTC), `user` (the local user), `endpoint`, `container_id`,
//! `container_name`, `action`, `outcome` (`ok`, `error`, `refused`, `declined`), `error`.

use super::ActionRequest;
use serde::{Deserialize, Serialize};
use std::fs::{self, DirBuilder, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

/// How an attempt ended, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    /// The action ran to the end.
    Ok,
    /// The action was attempted and failed (fully or partly).
    Error,
    /// seawall refused before changing anything (already isolated, host network, no `--yes`).
    Refused,
    /// The user answered No at the confirmation.
    Declined,
}

impl AuditOutcome {
    /// The word written in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Ok => "ok",
            AuditOutcome::Error => "error",
            AuditOutcome::Refused => "refused",
            AuditOutcome::Declined => "declined",
        }
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When, RFC 3339 in UTC with milliseconds.
    pub time: String,
    /// The local user who asked ([`local_user`]).
    pub user: String,
    /// The daemon's URL.
    pub endpoint: String,
    /// The full container id; `null` for a host export or a container that was not found.
    pub container_id: Option<String>,
    /// The container's name (or what the user typed when it was not found).
    pub container_name: String,
    /// `isolate`, `unisolate`, `stop` or `export`.
    pub action: String,
    /// How it ended.
    pub outcome: AuditOutcome,
    /// The one-line reason for `error` and `refused`; `null` otherwise.
    pub error: Option<String>,
}

impl AuditEntry {
    /// An entry for `request`, stamped now, by the current local user.
    pub fn new(request: &ActionRequest, outcome: AuditOutcome, error: Option<String>) -> Self {
        AuditEntry {
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            user: local_user(),
            endpoint: request.target.endpoint.clone(),
            container_id: request.target.container_id.clone(),
            container_name: request.target.name.clone(),
            action: request.kind.as_str().to_string(),
            outcome,
            error: error.map(|e| one_line(&e)),
        }
    }

    /// The line as written, with its trailing newline.
    pub fn to_line(&self) -> String {
        // Serializing plain strings and enums cannot fail.
        let mut line = serde_json::to_string(self).unwrap_or_default();
        line.push('\n');
        line
    }
}

fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The local user: `$USER`, else `$LOGNAME`, else `uid <n>` (the owner of this process).
pub fn local_user() -> String {
    for var in ["USER", "LOGNAME"] {
        if let Some(v) = std::env::var_os(var).and_then(|v| v.into_string().ok())
            && !v.is_empty()
        {
            return v;
        }
    }
    use std::os::unix::fs::MetadataExt;
    match fs::metadata("/proc/self") {
        Ok(m) => format!("uid {}", m.uid()),
        Err(_) => "unknown".to_string(),
    }
}

/// Open the log for appending, creating it (0600) and its directory (0700) when missing.
fn open(path: &Path) -> io::Result<fs::File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
}

/// Can the log be written? Checked before an action runs, so that nothing happens that
/// the log would not record.
pub fn check_writable(path: &Path) -> io::Result<()> {
    open(path).map(drop)
}

/// Append one entry (one `write` of the whole line).
pub fn append(path: &Path, entry: &AuditEntry) -> io::Result<()> {
    let mut file = open(path)?;
    let line = entry.to_line();
    let written = file.write(line.as_bytes())?;
    if written != line.len() {
        return Err(io::Error::other(format!(
            "short write ({written} of {} bytes)",
            line.len()
        )));
    }
    Ok(())
}

/// Record an attempt the user declined at the confirmation (console dialog or prompt).
pub fn record_declined(path: &Path, request: &ActionRequest) -> io::Result<()> {
    append(
        path,
        &AuditEntry::new(request, AuditOutcome::Declined, None),
    )
}

/// Record an attempt refused before it ran (no `--yes` without a terminal, read-only mode).
pub fn record_refused(path: &Path, request: &ActionRequest, reason: &str) -> io::Result<()> {
    append(
        path,
        &AuditEntry::new(request, AuditOutcome::Refused, Some(reason.to_string())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::{ActionKind, Target};
    use std::os::unix::fs::PermissionsExt;

    fn request() -> ActionRequest {
        ActionRequest::new(
            ActionKind::Isolate,
            Target {
                host: 0,
                endpoint: "unix:///var/run/docker.sock".into(),
                container_id: Some("abc123".into()),
                name: "web".into(),
            },
        )
    }

    #[test]
    fn a_line_is_one_json_object_with_every_key() {
        let e = AuditEntry::new(
            &request(),
            AuditOutcome::Error,
            Some("first\nsecond".into()),
        );
        let line = e.to_line();
        assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        for key in [
            "time",
            "user",
            "endpoint",
            "container_id",
            "container_name",
            "action",
            "outcome",
            "error",
        ] {
            assert!(v.get(key).is_some(), "{key} missing in {line}");
        }
        assert_eq!(v["action"], "isolate");
        assert_eq!(v["outcome"], "error");
        assert_eq!(v["error"], "first second");
        assert_eq!(v["container_name"], "web");
        assert!(chrono::DateTime::parse_from_rfc3339(v["time"].as_str().unwrap()).is_ok());
        let back: AuditEntry = serde_json::from_str(&line).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn entries_are_appended_to_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join("audit.log");
        record_declined(&path, &request()).unwrap();
        record_refused(&path, &request(), "no --yes").unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<AuditEntry> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].outcome, AuditOutcome::Declined);
        assert_eq!(lines[0].error, None);
        assert_eq!(lines[1].outcome, AuditOutcome::Refused);
        assert_eq!(lines[1].error.as_deref(), Some("no --yes"));
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn the_user_is_never_empty() {
        assert!(!local_user().is_empty());
    }
}
