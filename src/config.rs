//! Configuration: an all-optional file (`~/.config/seawall/config.toml`, or `--config FILE`)
//! plus `SEAWALL_*` environment variables, resolved into a typed [`Config`] with defaults.
//!
//! Environment keys use `__` between section and key: `SEAWALL_SCAN__CONCURRENCY=4`.
//! A bad file or value is an error that names the file and the key; nothing is guessed.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file as written by a user: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub scan: Option<RawScan>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScan {
    pub concurrency: Option<usize>,
    pub connect_timeout_secs: Option<u64>,
}

/// Resolved settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Inspect requests in flight per daemon.
    pub concurrency: usize,
    /// Bound on connecting to a daemon.
    pub connect_timeout: Duration,
    /// Where the settings came from (for messages); `None` when no file was read.
    pub file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            concurrency: crate::inventory::DEFAULT_CONCURRENCY,
            connect_timeout: Duration::from_secs(10),
            file: None,
        }
    }
}

/// A configuration problem, naming the file and the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {file}: {message}")]
    Invalid { file: String, message: String },
    #[error("config file {file}: {key} = {value}: {message}")]
    BadValue {
        file: String,
        key: &'static str,
        value: String,
        message: &'static str,
    },
}

/// The default config file location (`$XDG_CONFIG_HOME/seawall/config.toml` on Linux).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "seawall").map(|d| d.config_dir().join("config.toml"))
}

/// Load from an explicit file (must exist) or the default location (optional), then the
/// environment.
pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    let (path, required) = match explicit {
        Some(p) => (Some(p.to_path_buf()), true),
        None => (default_path(), false),
    };
    let shown = path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "(none)".into());
    if required && !path.as_ref().is_some_and(|p| p.is_file()) {
        return Err(ConfigError::Invalid {
            file: shown,
            message: "the file does not exist".into(),
        });
    }
    let mut builder = config::Config::builder();
    if let Some(p) = &path {
        builder = builder.add_source(
            config::File::from(p.as_path())
                .format(config::FileFormat::Toml)
                .required(required),
        );
    }
    builder = builder.add_source(
        config::Environment::with_prefix("SEAWALL")
            .prefix_separator("_")
            .separator("__")
            .try_parsing(true),
    );
    let raw: RawConfig = builder
        .build()
        .and_then(|c| c.try_deserialize())
        .map_err(|e| ConfigError::Invalid {
            file: shown.clone(),
            message: e.to_string(),
        })?;
    resolve(raw, path.filter(|p| p.is_file()), &shown)
}

/// Turn the raw file into settings, checking ranges.
pub fn resolve(raw: RawConfig, file: Option<PathBuf>, shown: &str) -> Result<Config, ConfigError> {
    let mut cfg = Config {
        file,
        ..Config::default()
    };
    if let Some(scan) = raw.scan {
        if let Some(n) = scan.concurrency {
            if !(1..=64).contains(&n) {
                return Err(ConfigError::BadValue {
                    file: shown.to_string(),
                    key: "scan.concurrency",
                    value: n.to_string(),
                    message: "must be between 1 and 64",
                });
            }
            cfg.concurrency = n;
        }
        if let Some(t) = scan.connect_timeout_secs {
            if !(1..=600).contains(&t) {
                return Err(ConfigError::BadValue {
                    file: shown.to_string(),
                    key: "scan.connect_timeout_secs",
                    value: t.to_string(),
                    message: "must be between 1 and 600 seconds",
                });
            }
            cfg.connect_timeout = Duration::from_secs(t);
        }
    }
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("seawall-config-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("config.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn a_good_file_is_read() {
        let p = write("good", "[scan]\nconcurrency = 4\nconnect_timeout_secs = 3\n");
        let c = load(Some(&p)).unwrap();
        assert_eq!(c.concurrency, 4);
        assert_eq!(c.connect_timeout, Duration::from_secs(3));
    }

    #[test]
    fn bad_files_name_the_file_and_key() {
        let p = write("range", "[scan]\nconcurrency = 0\n");
        let e = load(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("config.toml") && e.contains("scan.concurrency"), "{e}");

        let p = write("unknown", "[scan]\nconcurency = 3\n");
        let e = load(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("concurency"), "{e}");

        let p = write("syntax", "[scan\n");
        let e = load(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("config.toml"), "{e}");
    }

    #[test]
    fn missing_explicit_file_is_an_error() {
        let e = load(Some(Path::new("/nonexistent/seawall.toml"))).unwrap_err().to_string();
        assert!(e.contains("does not exist"));
    }
}
