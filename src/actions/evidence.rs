//! The evidence bundle captured when a container is isolated: a private folder (0700) of
//! private files (0600) under `[actions] evidence_dir`, named
//! `<container>-<short id>-<UTC time>`:
//!
//! - `inspect.json`: the inspect document, secrets redacted (`crate::redact`);
//! - `top.json`, `top.txt`: the processes (`docker top`); a note when it is not running;
//! - `changes.json`: filesystem changes against the image (`docker diff`);
//! - `logs.txt`: the last `log_lines` lines of stdout and stderr, with timestamps;
//! - `manifest.json`: time, endpoint, daemon, container, and the sha256 and size of each
//!   file above.

use bollard::Docker;
use bollard::models::{ChangeType, ContainerInspectResponse};
use bollard::query_parameters::{LogsOptions, TopOptions};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::DirBuilder;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// `seawall.evidence/v1`.
    pub schema: String,
    /// When the bundle was captured (RFC 3339, UTC).
    pub created_at: String,
    /// The daemon's URL.
    pub endpoint: String,
    /// The daemon's host name (from `/info`), when known.
    pub host: Option<String>,
    pub container: ManifestContainer,
    /// Every other file of the bundle.
    pub files: Vec<ManifestFile>,
    pub tool_version: String,
}

/// The container a bundle is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestContainer {
    pub id: String,
    pub name: String,
}

/// One file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub name: String,
    /// Lowercase hex.
    pub sha256: String,
    pub bytes: u64,
}

/// The schema name in every manifest.
pub const MANIFEST_SCHEMA: &str = "seawall.evidence/v1";

/// Why a bundle could not be written.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("cannot create {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Build the manifest of these files (pure).
pub fn manifest(
    created_at: &str,
    endpoint: &str,
    host: Option<String>,
    container: ManifestContainer,
    files: &[(&str, Vec<u8>)],
) -> Manifest {
    Manifest {
        schema: MANIFEST_SCHEMA.to_string(),
        created_at: created_at.to_string(),
        endpoint: endpoint.to_string(),
        host,
        container,
        files: files
            .iter()
            .map(|(name, bytes)| ManifestFile {
                name: (*name).to_string(),
                sha256: sha256_hex(bytes),
                bytes: bytes.len() as u64,
            })
            .collect(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    }
}

/// A file-name-safe version of a container name (pure).
pub fn safe_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() { "container".into() } else { s }
}

/// The bundle folder's name: `<name>-<short id>-<YYYYMMDDTHHMMSSZ>` (pure).
pub fn bundle_name(name: &str, id: &str, time: chrono::DateTime<chrono::Utc>) -> String {
    let short: String = id.chars().take(12).collect();
    format!(
        "{}-{}-{}",
        safe_name(name),
        safe_name(&short),
        time.format("%Y%m%dT%H%M%SZ")
    )
}

fn change_kind(kind: ChangeType) -> &'static str {
    match kind {
        ChangeType::_0 => "modified",
        ChangeType::_1 => "added",
        ChangeType::_2 => "deleted",
    }
}

/// The processes as a table (pure).
pub fn top_text(titles: &[String], processes: &[Vec<String>]) -> String {
    let mut out = titles.join("\t");
    out.push('\n');
    for p in processes {
        out.push_str(&p.join("\t"));
        out.push('\n');
    }
    out
}

fn pretty(v: &impl Serialize) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
}

/// Make a new private folder under `root` (created 0700 when missing); a numeric suffix
/// when the name is taken.
fn new_dir(root: &Path, name: &str) -> Result<PathBuf, EvidenceError> {
    let dir_err = |path: &Path, source| EvidenceError::Dir {
        path: path.display().to_string(),
        source,
    };
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(root)
        .map_err(|e| dir_err(root, e))?;
    for n in 0..100 {
        let path = if n == 0 {
            root.join(name)
        } else {
            root.join(format!("{name}-{n}"))
        };
        match DirBuilder::new().mode(0o700).create(&path) {
            Ok(()) => {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))
                    .map_err(|e| dir_err(&path, e))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(dir_err(&path, e)),
        }
    }
    let path = root.join(name);
    Err(dir_err(
        &path,
        std::io::Error::other("too many bundles with this name"),
    ))
}

/// Capture the bundle of `inspect`'s container into a new folder under `root`; returns it.
/// A part the daemon cannot give (`top` of a stopped container) is written as a note.
pub async fn capture(
    docker: &Docker,
    endpoint: &str,
    inspect: &ContainerInspectResponse,
    root: &Path,
    log_lines: usize,
) -> Result<PathBuf, EvidenceError> {
    let now = chrono::Utc::now();
    let id = inspect.id.clone().unwrap_or_default();
    let name = super::isolate::container_name(inspect);

    let mut inspect_json = serde_json::to_value(inspect).unwrap_or_default();
    crate::redact::redact_json(&mut inspect_json);

    let (top_json, top_txt) = match docker.top_processes(&id, None::<TopOptions>).await {
        Ok(top) => {
            let titles = top.titles.clone().unwrap_or_default();
            let procs = top.processes.clone().unwrap_or_default();
            (pretty(&top), top_text(&titles, &procs).into_bytes())
        }
        Err(e) => {
            let why = super::daemon_message(&e);
            (
                pretty(&serde_json::json!({ "error": why })),
                format!("processes unavailable: {why}\n").into_bytes(),
            )
        }
    };
    let changes = match docker.container_changes(&id).await {
        Ok(list) => {
            let list: Vec<serde_json::Value> = list
                .unwrap_or_default()
                .into_iter()
                .map(|c| serde_json::json!({ "path": c.path, "kind": change_kind(c.kind) }))
                .collect();
            pretty(&list)
        }
        Err(e) => pretty(&serde_json::json!({ "error": super::daemon_message(&e) })),
    };
    let mut logs = Vec::new();
    if log_lines > 0 {
        let opts = LogsOptions {
            stdout: true,
            stderr: true,
            timestamps: true,
            tail: log_lines.to_string(),
            ..Default::default()
        };
        let mut stream = docker.logs(&id, Some(opts));
        while let Some(item) = stream.next().await {
            match item {
                Ok(chunk) => logs.extend_from_slice(&chunk.into_bytes()),
                Err(e) => {
                    logs.extend_from_slice(
                        format!(
                            "\n[seawall: logs incomplete: {}]\n",
                            super::daemon_message(&e)
                        )
                        .as_bytes(),
                    );
                    break;
                }
            }
        }
    }
    let host = docker.info().await.ok().and_then(|i| i.name);

    let files: Vec<(&str, Vec<u8>)> = vec![
        ("inspect.json", pretty(&inspect_json)),
        ("top.json", top_json),
        ("top.txt", top_txt),
        ("changes.json", changes),
        ("logs.txt", logs),
    ];
    let created_at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let m = manifest(
        &created_at,
        endpoint,
        host,
        ManifestContainer {
            id: id.clone(),
            name: name.clone(),
        },
        &files,
    );
    let dir = new_dir(root, &bundle_name(&name, &id, now))?;
    let write = |file: &str, bytes: &[u8]| {
        let path = dir.join(file);
        crate::report::write_private(&path, bytes).map_err(|source| EvidenceError::File {
            path: path.display().to_string(),
            source,
        })
    };
    for (file, bytes) in &files {
        write(file, bytes)?;
    }
    write("manifest.json", &pretty(&m))?;
    Ok(dir)
}

/// Check a bundle against its manifest; `Err` names the first file that does not match.
pub fn verify(dir: &Path) -> Result<Manifest, String> {
    let text = std::fs::read(dir.join("manifest.json"))
        .map_err(|e| format!("cannot read {}/manifest.json: {e}", dir.display()))?;
    let m: Manifest =
        serde_json::from_slice(&text).map_err(|e| format!("manifest.json is damaged: {e}"))?;
    for f in &m.files {
        let bytes =
            std::fs::read(dir.join(&f.name)).map_err(|e| format!("cannot read {}: {e}", f.name))?;
        if sha256_hex(&bytes) != f.sha256 {
            return Err(format!(
                "{} does not match its sha256 in the manifest",
                f.name
            ));
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_manifest_lists_each_file_with_its_sha256() {
        let m = manifest(
            "2026-01-02T03:04:05Z",
            "unix:///var/run/docker.sock",
            Some("host1".into()),
            ManifestContainer {
                id: "abc".into(),
                name: "web".into(),
            },
            &[("a.txt", b"abc".to_vec()), ("empty", Vec::new())],
        );
        assert_eq!(m.schema, MANIFEST_SCHEMA);
        assert_eq!(m.files.len(), 2);
        assert_eq!(
            m.files[0].sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(m.files[0].bytes, 3);
        assert_eq!(
            m.files[1].sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn verify_finds_a_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = [("x.txt", b"evidence".to_vec())];
        let m = manifest(
            "t",
            "e",
            None,
            ManifestContainer {
                id: "i".into(),
                name: "n".into(),
            },
            &files,
        );
        std::fs::write(dir.path().join("x.txt"), b"evidence").unwrap();
        std::fs::write(dir.path().join("manifest.json"), pretty(&m)).unwrap();
        assert_eq!(verify(dir.path()).unwrap(), m);
        std::fs::write(dir.path().join("x.txt"), b"tampered").unwrap();
        let e = verify(dir.path()).unwrap_err();
        assert!(e.contains("x.txt"), "{e}");
    }

    #[test]
    fn bundle_names_are_safe_and_sortable() {
        let t = chrono::Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(
            bundle_name("web/../x", "0123456789abcdef", t),
            "web-..-x-0123456789ab-20260102T030405Z"
        );
        assert_eq!(safe_name(".."), "container");
        assert_eq!(
            top_text(
                &["PID".into(), "CMD".into()],
                &[vec!["1".into(), "sh".into()]]
            ),
            "PID\tCMD\n1\tsh\n"
        );
    }

    #[test]
    fn a_new_folder_is_private_and_never_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("evidence");
        let a = new_dir(&root, "b").unwrap();
        let b = new_dir(&root, "b").unwrap();
        assert_ne!(a, b);
        for p in [&root, &a, &b] {
            let mode = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", p.display());
        }
    }
}
