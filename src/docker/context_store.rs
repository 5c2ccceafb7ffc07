//! Read-only access to the docker CLI's context store and `config.json`.
//!
//! Layout (inside the config directory, `$DOCKER_CONFIG` or `~/.docker`):
//!
//! ```text
//! config.json                                 {"currentContext": "prod", ...}
//! contexts/meta/<hex sha256(name)>/meta.json  {"Name": .., "Metadata": ..,
//!                                              "Endpoints": {"docker": {"Host": ..,
//!                                                                       "SkipTLSVerify": ..}}}
//! contexts/tls/<hex sha256(name)>/docker/     ca.pem, cert.pem, key.pem (any subset)
//! ```

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::endpoint::{TlsFiles, redact_userinfo};

/// The reserved context name that means "the default endpoint".
pub const DEFAULT_CONTEXT: &str = "default";

/// A context as listed by [`list_contexts`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextInfo {
    /// Context name.
    pub name: String,
    /// The docker endpoint's host, passwords removed; `None` when the context has no docker
    /// endpoint.
    pub host: Option<String>,
}

/// A context read from the store, as needed to build an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredContext {
    /// Context name.
    pub name: String,
    /// The docker endpoint's `Host` exactly as stored (may hold credentials: do not display).
    pub host: String,
    /// The docker endpoint's `SkipTLSVerify`.
    pub skip_tls_verify: bool,
    /// The directory that holds this context's TLS files for the docker endpoint.
    pub tls_dir: PathBuf,
}

impl StoredContext {
    /// Where this context's TLS files are (whether or not they exist).
    pub fn tls_files(&self) -> TlsFiles {
        TlsFiles::in_dir(&self.tls_dir)
    }
}

/// Failure to read the context store or `config.json`. Messages name files, never their contents.
#[derive(Debug, thiserror::Error)]
pub enum ContextStoreError {
    /// No `meta.json` for this context name.
    #[error("Docker context \"{name}\" not found (looked for {})", path.display())]
    Unknown {
        /// The context name.
        name: String,
        /// The `meta.json` path looked at.
        path: PathBuf,
    },
    /// The file exists but could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        error: io::Error,
    },
    /// The file is not the JSON we expect.
    #[error("{} is malformed: {reason}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Where and what (never the offending value).
        reason: String,
    },
    /// The context exists but has no docker endpoint (or an empty host).
    #[error("Docker context \"{name}\" has no docker endpoint host in {}", path.display())]
    NoDockerEndpoint {
        /// The context name.
        name: String,
        /// The `meta.json` path.
        path: PathBuf,
    },
}

/// The directory name the docker CLI uses for a context: hex SHA-256 of the name.
pub fn context_id(name: &str) -> String {
    hex::encode(Sha256::digest(name.as_bytes()))
}

/// `<config_dir>/contexts/meta/<id>/meta.json`.
pub fn meta_path(config_dir: &Path, name: &str) -> PathBuf {
    config_dir
        .join("contexts")
        .join("meta")
        .join(context_id(name))
        .join("meta.json")
}

/// `<config_dir>/contexts/tls/<id>/docker`.
pub fn tls_dir(config_dir: &Path, name: &str) -> PathBuf {
    config_dir
        .join("contexts")
        .join("tls")
        .join(context_id(name))
        .join("docker")
}

/// `currentContext` from `<config_dir>/config.json`. A missing file or an empty value is `None`.
pub fn current_context(config_dir: &Path) -> Result<Option<String>, ContextStoreError> {
    let path = config_dir.join("config.json");
    let Some(bytes) = read_optional(&path)? else {
        return Ok(None);
    };
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| malformed(&path, &e))?;
    let serde_json::Value::Object(map) = value else {
        return Err(ContextStoreError::Malformed {
            path,
            reason: "expected a JSON object at the top level".to_string(),
        });
    };
    match map.get("currentContext") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(name)) if name.trim().is_empty() => Ok(None),
        Some(serde_json::Value::String(name)) => Ok(Some(name.trim().to_string())),
        Some(_) => Err(ContextStoreError::Malformed {
            path,
            reason: "\"currentContext\" must be a string".to_string(),
        }),
    }
}

/// Read one context by name.
pub fn load_context(config_dir: &Path, name: &str) -> Result<StoredContext, ContextStoreError> {
    let path = meta_path(config_dir, name);
    let Some(bytes) = read_optional(&path)? else {
        return Err(ContextStoreError::Unknown {
            name: name.to_string(),
            path,
        });
    };
    let meta = parse_meta(&path, &bytes)?;
    let endpoint = meta.docker_endpoint(&path)?;
    match endpoint {
        Some(ep) if !ep.host.trim().is_empty() => Ok(StoredContext {
            name: name.to_string(),
            host: ep.host,
            skip_tls_verify: ep.skip_tls_verify,
            tls_dir: tls_dir(config_dir, name),
        }),
        _ => Err(ContextStoreError::NoDockerEndpoint {
            name: name.to_string(),
            path,
        }),
    }
}

/// Every context in the store, sorted by name. The implicit `default` context is not listed.
/// A missing store is an empty list; a malformed `meta.json` is an error naming the file.
pub fn list_contexts(config_dir: &Path) -> Result<Vec<ContextInfo>, ContextStoreError> {
    let meta_root = config_dir.join("contexts").join("meta");
    let entries = match std::fs::read_dir(&meta_root) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(ContextStoreError::Read {
                path: meta_root,
                error,
            });
        }
    };
    let mut contexts = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| ContextStoreError::Read {
            path: meta_root.clone(),
            error,
        })?;
        let path = entry.path().join("meta.json");
        let Some(bytes) = read_optional(&path)? else {
            continue; // a stray directory without meta.json
        };
        let meta = parse_meta(&path, &bytes)?;
        let host = meta
            .docker_endpoint(&path)?
            .map(|ep| redact_userinfo(&ep.host))
            .filter(|host| !host.trim().is_empty());
        contexts.push(ContextInfo {
            name: meta.name,
            host,
        });
    }
    contexts.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(contexts)
}

/// `meta.json` as the docker CLI writes it (only the parts seawall reads).
#[derive(Debug, Deserialize)]
struct MetaFile {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Endpoints", default)]
    endpoints: HashMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct DockerEndpointMeta {
    #[serde(rename = "Host", default)]
    host: String,
    #[serde(rename = "SkipTLSVerify", default)]
    skip_tls_verify: bool,
}

impl MetaFile {
    fn docker_endpoint(
        &self,
        path: &Path,
    ) -> Result<Option<DockerEndpointMeta>, ContextStoreError> {
        match self.endpoints.get("docker") {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(value) => DockerEndpointMeta::deserialize(value)
                .map(Some)
                .map_err(|_| ContextStoreError::Malformed {
                    path: path.to_path_buf(),
                    reason: "\"Endpoints.docker\" must hold a string \"Host\" and a boolean \
                             \"SkipTLSVerify\""
                        .to_string(),
                }),
        }
    }
}

fn parse_meta(path: &Path, bytes: &[u8]) -> Result<MetaFile, ContextStoreError> {
    serde_json::from_slice(bytes).map_err(|e| malformed(path, &e))
}

/// Describe a JSON error by category and position only: serde's messages can quote values.
fn malformed(path: &Path, error: &serde_json::Error) -> ContextStoreError {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Syntax => "invalid JSON",
        Category::Eof => "unexpected end of JSON",
        Category::Data => "unexpected or missing field",
        Category::Io => "read error",
    };
    ContextStoreError::Malformed {
        path: path.to_path_buf(),
        reason: format!("{what} at line {} column {}", error.line(), error.column()),
    }
}

/// Read a file; `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, ContextStoreError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(ContextStoreError::Read {
            path: path.to_path_buf(),
            error,
        }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A directory under the system temp dir, removed on drop.
    pub(crate) struct TempDir(PathBuf);

    impl TempDir {
        pub(crate) fn new(label: &str) -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let unique = format!(
                "seawall-docker-{label}-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            Self::at(std::env::temp_dir().join(unique))
        }

        pub(crate) fn at(path: PathBuf) -> Self {
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).expect("create temp dir");
            Self(path)
        }

        pub(crate) fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Write `meta.json` for a context the way `docker context create` does.
    pub(crate) fn write_context(dir: &TempDir, name: &str, host: &str, skip_tls_verify: bool) {
        let meta = serde_json::json!({
            "Name": name,
            "Metadata": {"Description": "test context"},
            "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip_tls_verify}},
        });
        write_meta(dir, name, &meta.to_string());
    }

    fn write_meta(dir: &TempDir, name: &str, text: &str) {
        let path = meta_path(dir.path(), name);
        let parent = path.parent().expect("meta.json has a parent");
        std::fs::create_dir_all(parent).expect("mkdir meta");
        std::fs::write(&path, text).expect("write meta.json");
    }

    #[test]
    fn context_id_is_hex_sha256_of_the_name() {
        // printf default | sha256sum
        assert_eq!(
            context_id("default"),
            "37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f"
        );
    }

    #[test]
    fn load_reads_host_skip_flag_and_tls_dir() {
        let dir = TempDir::new("load");
        write_context(&dir, "prod", "tcp://10.0.0.5:2376", true);
        let ctx = load_context(dir.path(), "prod").expect("load");
        assert_eq!(ctx.name, "prod");
        assert_eq!(ctx.host, "tcp://10.0.0.5:2376");
        assert!(ctx.skip_tls_verify);
        let id = context_id("prod");
        assert_eq!(
            ctx.tls_dir,
            dir.path().join("contexts/tls").join(&id).join("docker")
        );
        assert_eq!(ctx.tls_files().ca, ctx.tls_dir.join("ca.pem"));
    }

    #[test]
    fn unknown_context_names_the_meta_path() {
        let dir = TempDir::new("unknown-store");
        let err = load_context(dir.path(), "ghost").expect_err("unknown");
        let text = err.to_string();
        assert!(text.contains("\"ghost\""), "{text}");
        assert!(text.contains(&context_id("ghost")), "{text}");
        assert!(text.contains("meta.json"), "{text}");
    }

    #[test]
    fn context_without_docker_endpoint_is_an_error() {
        let dir = TempDir::new("noendpoint");
        write_meta(
            &dir,
            "k8s",
            r#"{"Name":"k8s","Metadata":{},"Endpoints":{"kubernetes":{}}}"#,
        );
        assert!(matches!(
            load_context(dir.path(), "k8s"),
            Err(ContextStoreError::NoDockerEndpoint { .. })
        ));
    }

    #[test]
    fn malformed_meta_names_the_file_not_the_content() {
        let dir = TempDir::new("badmeta");
        write_meta(
            &dir,
            "bad",
            r#"{"Name":"bad","Endpoints":{"docker":{"Host":42}}}"#,
        );
        let text = load_context(dir.path(), "bad")
            .expect_err("bad")
            .to_string();
        let path = meta_path(dir.path(), "bad").display().to_string();
        assert!(text.contains(&path), "{text}");
        // The path holds a pid and a hash: look for the value only in the rest.
        assert!(!text.replace(&path, "").contains("42"), "{text}");

        write_meta(&dir, "broken", "{\"Name\": \"sec");
        let text = load_context(dir.path(), "broken")
            .expect_err("broken")
            .to_string();
        assert!(text.contains("malformed"), "{text}");
        assert!(!text.contains("sec"), "{text}");
    }

    #[test]
    fn list_returns_sorted_names_and_redacted_hosts() {
        let dir = TempDir::new("list");
        write_context(&dir, "zeta", "ssh://ops@zeta", false);
        write_context(&dir, "alpha", "tcp://admin:pw@alpha:2376", false);
        write_meta(&dir, "k8s", r#"{"Name":"k8s","Endpoints":{}}"#);
        std::fs::create_dir_all(dir.path().join("contexts/meta/stray")).expect("stray dir");
        let list = list_contexts(dir.path()).expect("list");
        assert_eq!(
            list,
            vec![
                ContextInfo {
                    name: "alpha".into(),
                    host: Some("tcp://admin@alpha:2376".into()),
                },
                ContextInfo {
                    name: "k8s".into(),
                    host: None,
                },
                ContextInfo {
                    name: "zeta".into(),
                    host: Some("ssh://ops@zeta".into()),
                },
            ]
        );
    }

    #[test]
    fn list_of_a_missing_store_is_empty() {
        let dir = TempDir::new("list-empty");
        assert_eq!(list_contexts(dir.path()).expect("list"), Vec::new());
    }

    #[test]
    fn list_reports_a_malformed_meta() {
        let dir = TempDir::new("list-bad");
        write_meta(&dir, "bad", "not json");
        let err = list_contexts(dir.path()).expect_err("malformed");
        assert!(matches!(err, ContextStoreError::Malformed { .. }));
    }

    #[test]
    fn current_context_reads_config_json() {
        let dir = TempDir::new("current-store");
        assert_eq!(current_context(dir.path()).expect("missing"), None);
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"currentContext":"lab"}"#,
        )
        .expect("write");
        assert_eq!(
            current_context(dir.path()).expect("read"),
            Some("lab".into())
        );
        std::fs::write(dir.path().join("config.json"), "[]").expect("write");
        assert!(matches!(
            current_context(dir.path()),
            Err(ContextStoreError::Malformed { .. })
        ));
    }
}
