//! The audit log: one JSON object per line, appended for every action attempt (done,
//! failed, refused by seawall, or declined at the confirmation), in the platform state
//! directory (`audit.log`, `[actions] audit_log`).
//!
//! Each entry is built whole (with its newline) and written with ONE `write` on a file
//! opened with `O_APPEND` (mode 0600, in a 0700 folder), under an `flock` of the log, so
//! concurrent writers (the console and a headless command) never interleave inside a line.
//! A log that ends without a newline (a crash, a short write, a full disk) has a torn last
//! line: the next entry then starts with a newline of its own, so it stays whole, and
//! [`parse`] flags the torn line instead of failing on the whole log.
//!
//! Keys: `time` (RFC 3339, UTC), `user` (the real uid's user name, [`real_user`]),
//! `env_user` (only when `$USER` says something else), `endpoint`, `container_id`,
//! `container_name`, `action`, `outcome` (`ok`, `error`, `refused`, `declined`), `error`.

use super::{ActionRequest, Target};
use serde::{Deserialize, Serialize};
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
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
    /// The user who asked: the real uid's user name ([`real_user`]); `$USER` cannot
    /// change it.
    pub user: String,
    /// `$USER` when it is set and differs from `user` (recorded, never trusted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_user: Option<String>,
    /// The daemon's URL.
    pub endpoint: String,
    /// The full container id; `null` for a host export or a container that was not found.
    pub container_id: Option<String>,
    /// The container's name (or what the user typed when it was not found).
    pub container_name: String,
    /// `isolate`, `unisolate`, `stop`, `export` or `forget`.
    pub action: String,
    /// How it ended.
    pub outcome: AuditOutcome,
    /// The one-line reason for `error` and `refused`; `null` otherwise.
    pub error: Option<String>,
}

impl AuditEntry {
    /// An entry for `request`, stamped now, by the current user.
    pub fn new(request: &ActionRequest, outcome: AuditOutcome, error: Option<String>) -> Self {
        AuditEntry::for_target(request.kind.as_str(), &request.target, outcome, error)
    }

    /// An entry for `action` on `target`, stamped now, by the current user.
    pub fn for_target(
        action: &str,
        target: &Target,
        outcome: AuditOutcome,
        error: Option<String>,
    ) -> Self {
        let (user, env_user) = users(real_user(), std::env::var("USER").ok());
        AuditEntry {
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            user,
            env_user,
            endpoint: target.endpoint.clone(),
            container_id: target.container_id.clone(),
            container_name: target.name.clone(),
            action: action.to_string(),
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

/// The `user` and `env_user` fields (pure): `$USER` is kept beside the real user only
/// when it is set, not empty, and says something else.
pub fn users(real: String, env: Option<String>) -> (String, Option<String>) {
    let env = env.filter(|e| !e.is_empty() && *e != real);
    (real, env)
}

/// The real uid's user name from the password database (`getpwuid_r`), else `uid <n>`.
/// Neither `$USER` nor `$LOGNAME` is consulted: anyone can set them.
pub fn real_user() -> String {
    // SAFETY: getuid cannot fail and has no preconditions.
    let uid = unsafe { libc::getuid() };
    user_name(uid).unwrap_or_else(|| format!("uid {uid}"))
}

/// The name of `uid` in the password database, if it has one.
pub fn user_name(uid: libc::uid_t) -> Option<String> {
    let mut buf: Vec<libc::c_char> = vec![0; 1024];
    loop {
        // SAFETY: `pwd` and `result` are valid out-pointers, `buf` is a live buffer of the
        // length given; on success `pw_name` points into `buf`, read before it is dropped.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc =
            unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
        if rc == libc::ERANGE && buf.len() < (1 << 20) {
            let bigger = buf.len() * 2;
            buf.resize(bigger, 0);
            continue;
        }
        if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        // SAFETY: a non-null `pw_name` is a NUL-terminated string inside `buf`.
        let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
        let name = name.to_string_lossy().into_owned();
        return (!name.is_empty()).then_some(name);
    }
}

/// Open the log for appending (and reading its last byte), creating it (0600) and its
/// directory (0700) when missing.
fn open(path: &Path) -> io::Result<fs::File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        super::private_dir(dir)?;
    }
    OpenOptions::new()
        .read(true)
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

/// Does the file end torn (not empty, and its last byte is not a newline)?
fn ends_torn(file: &fs::File) -> io::Result<bool> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(false);
    }
    let mut last = [0u8; 1];
    file.read_exact_at(&mut last, len - 1)?;
    Ok(last[0] != b'\n')
}

/// The bytes to append for `line` (pure): after a torn last line, a newline first, so
/// that the entry starts on its own line.
pub fn framed(line: &str, torn: bool) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    if torn {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(line.as_bytes());
    bytes
}

/// Append one entry: the whole line (with a leading newline after a torn line) in one
/// `write`.
pub fn append(path: &Path, entry: &AuditEntry) -> io::Result<()> {
    let mut file = open(path)?;
    // Writers take turns, so that two of them never both repair the same torn line. The
    // lock only orders writers; a failure to take it does not stop the entry.
    let locked = file.lock().is_ok();
    let bytes = framed(&entry.to_line(), ends_torn(&file)?);
    let written = file.write(&bytes);
    if locked {
        let _ = file.unlock();
    }
    let written = written?;
    if written != bytes.len() {
        return Err(io::Error::other(format!(
            "short write ({written} of {} bytes); the next entry starts on a new line",
            bytes.len()
        )));
    }
    Ok(())
}

/// A log as read back: the entries, and the lines that are not entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedLog {
    pub entries: Vec<AuditEntry>,
    /// 1-based numbers of the lines that are not whole entries (torn or damaged), with
    /// their text.
    pub damaged: Vec<(usize, String)>,
}

/// Read a log's text (pure): every whole entry, and every torn or damaged line flagged
/// (empty lines are skipped).
pub fn parse(text: &str) -> ParsedLog {
    let mut out = ParsedLog::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<AuditEntry>(line) {
            Ok(e) => out.entries.push(e),
            Err(_) => out.damaged.push((i + 1, line.to_string())),
        }
    }
    out
}

/// Read the log at `path` ([`parse`]); a missing log is empty.
pub fn read(path: &Path) -> io::Result<ParsedLog> {
    match fs::read(path) {
        Ok(bytes) => Ok(parse(&String::from_utf8_lossy(&bytes))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(ParsedLog::default()),
        Err(e) => Err(e),
    }
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
    fn the_user_is_the_real_uid_and_user_only_rides_along() {
        let real = real_user();
        assert!(!real.is_empty());
        // SAFETY: getuid has no preconditions.
        let uid = unsafe { libc::getuid() };
        match user_name(uid) {
            Some(name) => assert_eq!(real, name),
            None => assert_eq!(real, format!("uid {uid}")),
        }
        assert_eq!(user_name(0).as_deref(), Some("root"), "uid 0 is root");
        assert_eq!(
            users("root".into(), Some("mallory".into())),
            ("root".to_string(), Some("mallory".to_string()))
        );
        assert_eq!(
            users("root".into(), Some("root".into())),
            ("root".into(), None)
        );
        assert_eq!(
            users("root".into(), Some(String::new())),
            ("root".into(), None)
        );
        assert_eq!(users("root".into(), None), ("root".into(), None));
        // As written: `env_user` only when it differs.
        let mut e = AuditEntry::new(&request(), AuditOutcome::Ok, None);
        e.user = "root".into();
        e.env_user = Some("mallory".into());
        let v: serde_json::Value = serde_json::from_str(&e.to_line()).unwrap();
        assert_eq!(v["user"], "root");
        assert_eq!(v["env_user"], "mallory");
        e.env_user = None;
        let v: serde_json::Value = serde_json::from_str(&e.to_line()).unwrap();
        assert!(v.get("env_user").is_none(), "{v}");
    }

    #[test]
    fn a_torn_last_line_is_flagged_and_the_next_entry_stays_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        record_declined(&path, &request()).unwrap();
        // A crash half-way through a line.
        let whole = AuditEntry::new(&request(), AuditOutcome::Ok, None).to_line();
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&whole.as_bytes()[..whole.len() / 2]).unwrap();
        drop(f);
        record_refused(&path, &request(), "no --yes").unwrap();
        record_declined(&path, &request()).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.ends_with('\n'));
        let log = parse(&text);
        assert_eq!(log.entries.len(), 3, "{text}");
        assert_eq!(log.entries[1].outcome, AuditOutcome::Refused);
        assert_eq!(log.entries[1].error.as_deref(), Some("no --yes"));
        assert_eq!(log.damaged.len(), 1, "{text}");
        assert_eq!(log.damaged[0].0, 2, "the torn line is line 2");
        assert!(whole.starts_with(&log.damaged[0].1));
        assert_eq!(read(&path).unwrap(), log);
        // No newline is added to a whole log.
        assert_eq!(framed("{}\n", false), b"{}\n");
        assert_eq!(framed("{}\n", true), b"\n{}\n");
        assert_eq!(
            text.matches("\n\n").count(),
            0,
            "no empty line after a whole one: {text:?}"
        );
    }

    #[test]
    fn concurrent_writers_never_mix_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..50 {
                        let long = "x".repeat(3000);
                        record_refused(&path, &request(), &long).unwrap();
                    }
                });
            }
        });
        let log = read(&path).unwrap();
        assert_eq!(log.entries.len(), 200);
        assert!(log.damaged.is_empty());
    }
}
