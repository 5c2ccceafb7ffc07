//! The evidence bundle captured when a container is isolated: a private folder (0700) of
//! private files (0600) under `[actions] evidence_dir`, named
//! `<container>-<short id>-<UTC time>`:
//!
//! - `inspect.json`: the inspect document, secrets redacted (`crate::redact`);
//! - `top.json`, `top.txt`: the processes (`docker top`); a note when it is not running;
//! - `changes.json`: filesystem changes against the image (`docker diff`);
//! - `logs.txt`: the last `log_lines` lines of stdout and stderr, with timestamps, kept
//!   byte-exact for forensics: the only file seawall writes with untrusted bytes as they
//!   are (escape sequences included). Its manifest entry says so ([`RAW_CONTENT`]); seawall
//!   never prints it, and it should be read with a tool that shows control characters
//!   (`cat -v`, `less`), never `cat` to a terminal;
//! - `manifest.json`: time, endpoint, daemon, container, and the sha256 and size of each
//!   file above (plus `content` for a raw file).

use crate::docker::DockerApi;
use crate::model::ContainerFacts;
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
    /// What the file holds when it is not seawall's own sanitized or JSON output:
    /// [`RAW_CONTENT`] for `logs.txt`; absent for the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

/// The files of a bundle kept byte-exact (untrusted container output, not sanitized).
pub const RAW_FILES: &[&str] = &["logs.txt"];

/// The `content` of a raw file in the manifest.
pub const RAW_CONTENT: &str = "raw container output, byte-exact, not sanitized: may hold \
     terminal escape sequences; read it with cat -v or less, never print it to a terminal raw";

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
                content: RAW_FILES.contains(name).then(|| RAW_CONTENT.to_string()),
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

/// Why a bundle does not check out against its manifest.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot read {dir}/manifest.json: {source}")]
    Manifest { dir: String, source: std::io::Error },
    #[error("manifest.json is damaged: {0}")]
    Damaged(serde_json::Error),
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file} does not match its sha256 in the manifest")]
    Mismatch { file: String },
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
    super::private_dir(root).map_err(|e| dir_err(root, e))?;
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

/// Capture the bundle of container `c` into a new folder under `root`; returns it.
/// A part the daemon cannot give (`top` of a stopped container) is written as a note.
pub async fn capture(
    docker: &impl DockerApi,
    endpoint: &str,
    c: &ContainerFacts,
    root: &Path,
    log_lines: usize,
    alerts: Option<&[crate::activity::Alert]>,
) -> Result<PathBuf, EvidenceError> {
    let now = chrono::Utc::now();
    let id = c.id.clone();
    let name = c.name.clone();

    // Redacted by the port.
    let inspect_json = match docker.inspect_raw(&id).await {
        Ok(doc) => doc,
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    };

    let (top_json, top_txt) = match docker.top(&id).await {
        Ok(top) => (
            pretty(&top),
            top_text(&top.titles, &top.processes).into_bytes(),
        ),
        Err(e) => {
            let why = e.to_string();
            (
                pretty(&serde_json::json!({ "error": why })),
                format!("processes unavailable: {why}\n").into_bytes(),
            )
        }
    };
    let changes = match docker.changes(&id).await {
        Ok(list) => {
            let list: Vec<serde_json::Value> = list
                .into_iter()
                .map(|c| serde_json::json!({ "path": c.path, "kind": c.kind }))
                .collect();
            pretty(&list)
        }
        Err(e) => pretty(&serde_json::json!({ "error": e.to_string() })),
    };
    let mut logs = Vec::new();
    if log_lines > 0 {
        let tail = docker.logs_tail(&id, log_lines).await;
        logs = tail.bytes;
        if let Some(e) = tail.broken {
            logs.extend_from_slice(format!("\n[seawall: logs incomplete: {e}]\n").as_bytes());
        }
    }
    let host = docker
        .host_facts(endpoint, false)
        .await
        .ok()
        .map(|h| h.name)
        .filter(|n| !n.is_empty());

    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("inspect.json", pretty(&inspect_json)),
        ("top.json", top_json),
        ("top.txt", top_txt),
        ("changes.json", changes),
        ("logs.txt", logs),
    ];
    // The activity the console saw (newest first): what led to the isolation.
    if let Some(alerts) = alerts {
        files.push(("alerts.json", pretty(&alerts)));
    }
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
pub fn verify(dir: &Path) -> Result<Manifest, VerifyError> {
    let text =
        std::fs::read(dir.join("manifest.json")).map_err(|source| VerifyError::Manifest {
            dir: dir.display().to_string(),
            source,
        })?;
    let m: Manifest = serde_json::from_slice(&text).map_err(VerifyError::Damaged)?;
    for f in &m.files {
        let bytes = std::fs::read(dir.join(&f.name)).map_err(|source| VerifyError::Read {
            file: f.name.clone(),
            source,
        })?;
        if sha256_hex(&bytes) != f.sha256 {
            return Err(VerifyError::Mismatch {
                file: f.name.clone(),
            });
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
        assert_eq!(m.files[0].content, None);
        let json = String::from_utf8(pretty(&m)).unwrap();
        assert!(!json.contains("\"content\""), "{json}");
    }

    #[test]
    fn the_manifest_says_logs_are_raw() {
        let logs = b"\x1b]2;PWNED\x07\x1b[2J".to_vec();
        let m = manifest(
            "t",
            "e",
            None,
            ManifestContainer {
                id: "i".into(),
                name: "n".into(),
            },
            &[("top.txt", b"x".to_vec()), ("logs.txt", logs.clone())],
        );
        assert_eq!(m.files[0].content, None);
        assert_eq!(m.files[1].content.as_deref(), Some(RAW_CONTENT));
        assert_eq!(m.files[1].sha256, sha256_hex(&logs));
        let v: serde_json::Value = serde_json::from_slice(&pretty(&m)).unwrap();
        assert!(
            v["files"][1]["content"]
                .as_str()
                .unwrap()
                .starts_with("raw container output, byte-exact")
        );
        // Older manifests (no `content`) still read.
        let old = r#"{"name":"a","sha256":"00","bytes":1}"#;
        let f: ManifestFile = serde_json::from_str(old).unwrap();
        assert_eq!(f.content, None);
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
        let e = verify(dir.path()).unwrap_err().to_string();
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
