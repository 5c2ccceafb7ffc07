//! Isolation records: what seawall disconnected, so that undo reconnects the container
//! exactly as it was, also after seawall restarts.
//!
//! One JSON file (`[actions] state_file`, default `<state dir>/isolations.json`), written
//! atomically with mode 0600. Every change is a locked read-modify-write: a lock file next
//! to it (`<file>.lock`, `flock`) keeps the console and a headless command from losing
//! each other's records.
//!
//! A record is written *before* the first network is disconnected, with status
//! `in_progress`, and marked `complete` at the end: a crash in between leaves a record that
//! undo can use.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// One network the container was attached to, with what undo needs to restore it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkRecord {
    /// The network's name (the key in `NetworkSettings.Networks`).
    pub name: String,
    /// The network's id (used to reconnect when the name was reused, and in messages).
    pub id: String,
    /// Aliases the user gave (without the short-id alias the daemon adds by itself).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A static IPv4 address (`--ip`), from `IPAMConfig`.
    #[serde(default)]
    pub ipv4_address: Option<String>,
    /// A static IPv6 address (`--ip6`), from `IPAMConfig`.
    #[serde(default)]
    pub ipv6_address: Option<String>,
    /// Link-local addresses from `IPAMConfig`.
    #[serde(default)]
    pub link_local_ips: Vec<String>,
    /// Legacy links (`--link`) on this network.
    #[serde(default)]
    pub links: Vec<String>,
    /// Driver options of the endpoint.
    #[serde(default)]
    pub driver_opts: BTreeMap<String, String>,
    /// The address it had (for messages and the evidence; not restored unless static).
    #[serde(default)]
    pub ip_address: Option<String>,
}

/// Where an isolation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// Written before disconnecting; seawall stopped (or failed) before the end.
    InProgress,
    /// Every step was attempted.
    Complete,
}

/// One isolated container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsolationRecord {
    /// The daemon's URL.
    pub endpoint: String,
    /// Full container id.
    pub container_id: String,
    /// The name at isolate time.
    pub container_name: String,
    /// When (RFC 3339, UTC).
    pub isolated_at: String,
    pub status: RecordStatus,
    /// seawall paused it (so undo unpauses it); `false` when it was paused already.
    #[serde(default)]
    pub paused_by_seawall: bool,
    /// Networks still to reconnect on undo.
    pub networks: Vec<NetworkRecord>,
    /// The evidence bundle folder, when one was written.
    #[serde(default)]
    pub evidence: Option<PathBuf>,
    /// What went wrong while isolating, if anything.
    #[serde(default)]
    pub problems: Vec<String>,
}

impl IsolationRecord {
    /// The recorded network names, joined for messages.
    pub fn network_names(&self) -> String {
        self.networks
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateDoc {
    /// Format version (1).
    pub version: u32,
    pub isolations: Vec<IsolationRecord>,
}

impl StateDoc {
    /// The record of one container on one daemon.
    pub fn find(&self, endpoint: &str, container_id: &str) -> Option<&IsolationRecord> {
        self.isolations
            .iter()
            .find(|r| r.endpoint == endpoint && r.container_id == container_id)
    }

    /// Insert or replace the record of its container.
    pub fn put(&mut self, record: IsolationRecord) {
        self.remove(&record.endpoint, &record.container_id);
        self.isolations.push(record);
    }

    /// Remove the record of one container; was there one?
    pub fn remove(&mut self, endpoint: &str, container_id: &str) -> bool {
        let before = self.isolations.len();
        self.isolations
            .retain(|r| !(r.endpoint == endpoint && r.container_id == container_id));
        before != self.isolations.len()
    }
}

/// The state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read the isolation state file {path}: {source}")]
    Read { path: String, source: io::Error },
    #[error(
        "the isolation state file {path} is damaged ({message}); fix or move it aside \
         (it holds what undo needs)"
    )]
    Parse {
        path: String,
        message: serde_json::Error,
    },
    #[error("cannot write the isolation state file {path}: {source}")]
    Write { path: String, source: io::Error },
}

/// The state file at one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    /// The file at `path` (created on the first write).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StateFile { path: path.into() }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// Read it; a missing file is an empty state.
    pub fn load(&self) -> Result<StateDoc, StateError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => parse(&bytes).map_err(|message| StateError::Parse {
                path: self.shown(),
                message,
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(StateDoc {
                version: 1,
                isolations: Vec::new(),
            }),
            Err(source) => Err(StateError::Read {
                path: self.shown(),
                source,
            }),
        }
    }

    /// The record of one container, if any.
    pub fn find(
        &self,
        endpoint: &str,
        container_id: &str,
    ) -> Result<Option<IsolationRecord>, StateError> {
        Ok(self.load()?.find(endpoint, container_id).cloned())
    }

    /// Locked read-modify-write: `change` edits the document, which is then written back
    /// atomically (0600). Returns what `change` returns.
    pub fn update<T>(&self, change: impl FnOnce(&mut StateDoc) -> T) -> Result<T, StateError> {
        let write_err = |source| StateError::Write {
            path: self.shown(),
            source,
        };
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            super::private_dir(dir).map_err(write_err)?;
        }
        let mut lock_path = self.path.clone().into_os_string();
        lock_path.push(".lock");
        let lock = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&lock_path)
            .map_err(write_err)?;
        lock.lock().map_err(write_err)?;
        let mut doc = self.load()?;
        doc.version = 1;
        let out = change(&mut doc);
        let bytes = render(&doc);
        crate::report::write_private(&self.path, &bytes).map_err(write_err)?;
        // The lock is released when `lock` is dropped.
        Ok(out)
    }
}

/// Parse the file's bytes (pure).
pub fn parse(bytes: &[u8]) -> Result<StateDoc, serde_json::Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(StateDoc {
            version: 1,
            isolations: Vec::new(),
        });
    }
    serde_json::from_slice(bytes)
}

/// The file's bytes (pure): pretty JSON with a trailing newline.
pub fn render(doc: &StateDoc) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn record(id: &str) -> IsolationRecord {
        IsolationRecord {
            endpoint: "unix:///var/run/docker.sock".into(),
            container_id: id.into(),
            container_name: "web".into(),
            isolated_at: "2026-01-02T03:04:05Z".into(),
            status: RecordStatus::InProgress,
            paused_by_seawall: true,
            networks: vec![NetworkRecord {
                name: "front".into(),
                id: "n1".into(),
                aliases: vec!["web".into(), "www".into()],
                ipv4_address: Some("10.231.1.10".into()),
                ipv6_address: None,
                link_local_ips: vec![],
                links: vec!["db:database".into()],
                driver_opts: BTreeMap::from([("k".into(), "v".into())]),
                ip_address: Some("10.231.1.10".into()),
            }],
            evidence: Some(PathBuf::from("/tmp/ev")),
            problems: vec![],
        }
    }

    #[test]
    fn round_trip_through_the_file_survives_a_new_handle() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("isolations.json");
        let file = StateFile::new(&path);
        assert_eq!(file.load().unwrap().isolations, vec![]);
        file.update(|doc| doc.put(record("a"))).unwrap();
        file.update(|doc| doc.put(record("b"))).unwrap();
        file.update(|doc| {
            let mut r = record("a");
            r.status = RecordStatus::Complete;
            doc.put(r);
        })
        .unwrap();
        // A new handle, as after a restart.
        let again = StateFile::new(&path);
        let doc = again.load().unwrap();
        assert_eq!(doc.version, 1);
        assert_eq!(doc.isolations.len(), 2);
        let a = again
            .find("unix:///var/run/docker.sock", "a")
            .unwrap()
            .unwrap();
        assert_eq!(a.status, RecordStatus::Complete);
        assert_eq!(a.networks, record("a").networks);
        assert!(
            again.find("tcp://other:2376", "a").unwrap().is_none(),
            "records are per daemon"
        );
        let removed = again
            .update(|doc| doc.remove("unix:///var/run/docker.sock", "b"))
            .unwrap();
        assert!(removed);
        assert_eq!(again.load().unwrap().isolations.len(), 1);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_damaged_file_is_a_clear_error_and_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("isolations.json");
        std::fs::write(&path, "{not json").unwrap();
        let file = StateFile::new(&path);
        let e = file.load().unwrap_err().to_string();
        assert!(
            e.contains("damaged") && e.contains("isolations.json"),
            "{e}"
        );
        assert!(file.update(|doc| doc.put(record("a"))).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{not json");
    }

    #[test]
    fn status_is_written_in_snake_case() {
        let text = String::from_utf8(render(&StateDoc {
            version: 1,
            isolations: vec![record("a")],
        }))
        .unwrap();
        assert!(text.contains("\"status\": \"in_progress\""), "{text}");
        assert_eq!(parse(text.as_bytes()).unwrap().isolations[0], record("a"));
    }
}
