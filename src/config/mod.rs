//! Configuration: one all-optional TOML file (`~/.config/seawall/config.toml` on Linux, or
//! `--config FILE`) plus `SEAWALL_*` environment variables, parsed with `toml` (every key
//! keeps its line, see `source.rs`), merged with the `config` crate into [`RawConfig`] and
//! resolved into a typed [`Config`]. Every setting has a default, so no file
//! is needed; `config.example.toml` at the repository root documents them all.
//!
//! Environment keys use `__` between section and key: `SEAWALL_UI__THEME=light`,
//! `SEAWALL_SCAN__CONCURRENCY=4`, `SEAWALL_KEYS__QUIT=x`. Variables without `__` (such as a
//! future `SEAWALL_CONFIG`) are not settings and are ignored here.
//!
//! A problem names where the value came from (the file and the key's line, or the
//! environment variable), the key and what is wrong. `seawall scan` and `seawall watch`
//! refuse to run with a bad file ([`load`]); so do the headless actions, which also audit
//! the refusal. The console keeps every setting it could read and shows the messages
//! ([`load_lenient`]).
//!
//! Safety fails closed. A problem that touches a safety setting (`[ui] read_only`, the
//! `[keys]` table, the `[actions]` defaults, or anything that could be one of them: the
//! whole file, an unknown section, an unknown key in `[ui]`; see
//! [`ConfigError::touches_safety`]) starts the console read-only, and the console says why.

pub mod accept;
pub mod keymap;
pub mod raw;
pub(crate) mod source;

pub use keymap::{Key, KeyMap, KeyMapError, KeyParseError};
pub use raw::RawActions;
pub use raw::{
    KeyList, NumberError, NumberValue, RawConfig, RawLog, RawNumber, RawScan, RawUi, RawWatch,
};

use config::{Source, Value, ValueKind};
use log::LevelFilter;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

const ENV_PREFIX: &str = "SEAWALL_";

/// Resolved settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Inspect requests in flight per daemon (`[scan] concurrency`).
    pub concurrency: usize,
    /// Bound on connecting to a daemon (`[scan] connect_timeout_secs`).
    pub connect_timeout: Duration,
    /// Bound on waiting for the headers of each request (`[scan] request_timeout_secs`).
    pub request_timeout: Duration,
    /// Where the settings came from (for messages); `None` when no file was read.
    pub file: Option<PathBuf>,
    /// Theme name (`[ui] theme`): a built-in (`dark`, `light`, `high-contrast`) or a file
    /// `<config dir>/themes/<name>.toml`. Resolved by [`crate::theme::load_theme`].
    pub theme: String,
    /// Capture the mouse (`[ui] mouse`). Off by default: capture breaks copying text over SSH.
    pub mouse: bool,
    /// The console's tick (`[ui] tick_ms`).
    pub tick: Duration,
    /// Rows moved by page up / page down (`[ui] page_size`).
    pub page_size: usize,
    /// The console's actions (isolate, stop, export) are disabled (`[ui] read_only`, or
    /// `--read-only`, or a config problem that touches a safety setting).
    pub read_only: bool,
    /// Why the console is read-only although nothing asked for it: the config problem that
    /// touches a safety setting ([`load_lenient`] fills it). `None` when there is none.
    pub read_only_reason: Option<String>,
    /// Full re-read of each daemon besides the event stream (`[watch] resync_secs`).
    pub resync: Duration,
    /// How often running containers' `/changes` are read for drift; zero = off
    /// (`[watch] drift_secs`).
    pub drift: Duration,
    /// How often running containers' `/top` is read; zero = off (`[watch] processes_secs`).
    pub processes: Duration,
    /// Drift and process reads in flight per daemon (`[watch] poll_concurrency`).
    pub poll_concurrency: usize,
    /// Most drift and process reads per minute per daemon, both kinds together
    /// (`[watch] poll_per_minute`): keeps polling cheap for the daemon on large hosts.
    pub poll_per_minute: u32,
    /// How long the event stream may stay silent before a list checks it missed nothing;
    /// zero = off (`[watch] watchdog_secs`).
    pub watchdog: Duration,
    /// seawall's own log file (`[log] file`); `None` when there is no state directory or the
    /// user wrote `file = ""`.
    pub log_file: Option<PathBuf>,
    /// Level of the log file (`[log] level`).
    pub log_level: LevelFilter,
    /// Key bindings (`[keys]`).
    pub keymap: KeyMap,
    /// Isolate, stop, export and the audit log (`[actions]`).
    pub actions: ActionsConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            concurrency: crate::inventory::DEFAULT_CONCURRENCY,
            connect_timeout: Duration::from_secs(10),
            request_timeout: crate::docker::DEFAULT_REQUEST_TIMEOUT,
            file: None,
            theme: DEFAULT_THEME.to_string(),
            mouse: false,
            tick: Duration::from_millis(DEFAULT_TICK_MS),
            page_size: DEFAULT_PAGE_SIZE,
            read_only: false,
            read_only_reason: None,
            resync: Duration::from_secs(DEFAULT_RESYNC_SECS),
            drift: Duration::from_secs(crate::watch::task::DEFAULT_POLL_SECS),
            processes: Duration::from_secs(crate::watch::task::DEFAULT_POLL_SECS),
            poll_concurrency: crate::watch::task::DEFAULT_POLL_CONCURRENCY,
            poll_per_minute: crate::watch::task::DEFAULT_POLL_PER_MINUTE,
            watchdog: crate::watch::task::DEFAULT_WATCHDOG,
            log_file: default_log_file(),
            log_level: LevelFilter::Info,
            keymap: KeyMap::default(),
            actions: ActionsConfig::default(),
        }
    }
}

/// The `[actions]` settings. Paths default to files in the platform state directory
/// ([`state_dir`]); with no state directory they fall back to `./seawall-state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionsConfig {
    /// Also pause a container when isolating it (`pause_on_isolate`).
    pub pause_on_isolate: bool,
    /// Grace period of a stop before the daemon kills (`stop_timeout_secs`).
    pub stop_timeout: Duration,
    /// Log lines kept in an evidence bundle (`log_lines`).
    pub log_lines: usize,
    /// Where evidence bundles go (`evidence_dir`, default `<state dir>/evidence`).
    pub evidence_dir: PathBuf,
    /// Where exported reports go (`export_dir`, default `<state dir>/reports`).
    pub export_dir: PathBuf,
    /// The audit log, JSON lines (`audit_log`, default `<state dir>/audit.log`).
    pub audit_log: PathBuf,
    /// Isolation records for undo (`state_file`, default `<state dir>/isolations.json`).
    pub state_file: PathBuf,
}

pub const DEFAULT_STOP_TIMEOUT_SECS: u64 = 10;
pub const DEFAULT_LOG_LINES: usize = 500;

impl Default for ActionsConfig {
    fn default() -> Self {
        let dir = state_dir().unwrap_or_else(|| PathBuf::from("seawall-state"));
        Self {
            pause_on_isolate: false,
            stop_timeout: Duration::from_secs(DEFAULT_STOP_TIMEOUT_SECS),
            log_lines: DEFAULT_LOG_LINES,
            evidence_dir: dir.join("evidence"),
            export_dir: dir.join("reports"),
            audit_log: dir.join("audit.log"),
            state_file: dir.join("isolations.json"),
        }
    }
}

impl Config {
    /// Where user themes are looked up (`<dir>/themes/<name>.toml`): the directory of the
    /// config file that was read, else the platform config directory.
    pub fn config_dir(&self) -> Option<PathBuf> {
        self.file
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .or_else(config_dir)
    }
}

pub const DEFAULT_THEME: &str = "dark";
pub const DEFAULT_TICK_MS: u64 = 250;
pub const DEFAULT_PAGE_SIZE: usize = 10;
pub const DEFAULT_RESYNC_SECS: u64 = 60;

/// A configuration problem, naming the file (or environment variable), the key and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `--config PATH` names no file (missing, a directory).
    #[error("--config {path}: {message}")]
    Explicit { path: String, message: String },
    /// The file as a whole: unreadable, not TOML.
    #[error("config file {file}: {message}")]
    Invalid { file: String, message: String },
    /// One key. `origin` is "config file <path> line <n>" or "environment variable
    /// SEAWALL_…".
    #[error("{origin}: {key}: {message}")]
    Key {
        origin: String,
        key: String,
        message: String,
    },
    /// An entry of `[keys]`; the error names it.
    #[error("{origin}: {error}")]
    Keys { origin: String, error: KeyMapError },
}

/// The keys of `[ui]`: an unknown one may be a misspelled `read_only`.
const UI_KEYS: [&str; 5] = ["theme", "mouse", "tick_ms", "page_size", "read_only"];

impl ConfigError {
    /// Does the problem touch a safety setting, or could it? Then the console starts
    /// read-only. True for: the file as a whole (nothing of it could be read); `[ui]
    /// read_only`, the `[ui]` table itself and an unknown key in it (a misspelled
    /// `read_only`); anything under `[keys]` (an unbinding may be lost) or `[actions]` (what
    /// an action does, where its evidence and audit trail go); an unknown section or
    /// top-level key (a misspelled `[ui]`, `[keys]` or `[actions]`). Not for the other keys
    /// of `[scan]`, `[watch]`, `[log]` and `[ui]` (theme, mouse, tick, page size).
    pub fn touches_safety(&self) -> bool {
        let key = match self {
            ConfigError::Explicit { .. } | ConfigError::Invalid { .. } => return true,
            ConfigError::Keys { .. } => return true,
            ConfigError::Key { key, .. } => key,
        };
        let mut parts = key.split('.');
        let section = parts.next().unwrap_or("");
        let name = parts.next();
        match section {
            "keys" | "actions" => true,
            "ui" => name.is_none_or(|n| n == "read_only" || !UI_KEYS.contains(&n)),
            s => !raw::SECTIONS.contains(&s),
        }
    }
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "seawall")
}

/// The platform config directory (`$XDG_CONFIG_HOME/seawall` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().to_path_buf())
}

/// The default config file location (`$XDG_CONFIG_HOME/seawall/config.toml` on Linux).
pub fn default_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("config.toml"))
}

/// The platform state directory (`$XDG_STATE_HOME/seawall`, else `~/.local/state/seawall`
/// on Linux), else the local data directory.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = project_dirs()?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

/// The default log file: the platform state directory (`~/.local/state/seawall/seawall.log`
/// on Linux), else the local data directory.
pub fn default_log_file() -> Option<PathBuf> {
    let dirs = project_dirs()?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Some(dir.join("seawall.log"))
}

/// Load from an explicit file (must exist) or the default location (optional), then the
/// environment. The first problem is the error; `seawall scan` and `seawall watch` exit
/// with it.
pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    let (cfg, mut problems) = load_partial(explicit, &env_settings());
    if problems.is_empty() {
        Ok(cfg)
    } else {
        Err(problems.remove(0))
    }
}

/// Load for the console, which must start whatever the file says: every setting that could
/// be read is kept, a bad one falls back to its default, and one message per problem (file
/// or variable, line, key, problem) is returned. Safety fails closed: a problem that
/// touches a safety setting ([`ConfigError::touches_safety`]) turns `read_only` on and
/// fills [`Config::read_only_reason`]. Never panics.
pub fn load_lenient(explicit: Option<&Path>) -> (Config, Vec<String>) {
    lenient_from(load_partial(explicit, &env_settings()))
}

/// Every setting that could be read and every problem, with this process's environment
/// (the headless actions refuse on any problem and audit the refusal with the audit log
/// the config names, if that key could be read).
pub fn load_with_problems(explicit: Option<&Path>) -> (Config, Vec<ConfigError>) {
    load_partial(explicit, &env_settings())
}

/// [`load_lenient`] over the result of [`load_partial`].
pub fn lenient_from((mut cfg, problems): (Config, Vec<ConfigError>)) -> (Config, Vec<String>) {
    if let Some(problem) = problems.iter().find(|p| p.touches_safety()) {
        cfg.read_only = true;
        let more = problems.len() - 1;
        cfg.read_only_reason = Some(if more == 0 {
            problem.to_string()
        } else {
            format!("{problem} (and {more} more problem(s), see the log)")
        });
    }
    (cfg, problems.iter().map(ToString::to_string).collect())
}

/// The `SEAWALL_<SECTION>__<KEY>` variables of this process. A value that is not UTF-8 is
/// read with replacement characters, so that it is reported as bad (and fails closed when it
/// is a safety setting) instead of being ignored.
fn env_settings() -> BTreeMap<String, String> {
    std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .filter(|(k, v)| is_setting_var(k) && !v.is_empty())
        .collect()
}

fn is_setting_var(name: &str) -> bool {
    name.get(..ENV_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(ENV_PREFIX))
        && name[ENV_PREFIX.len()..].contains("__")
}

/// `--config PATH` must name a file: a directory or a missing file is an error naming the
/// option (checked before any command reads the config).
pub fn check_explicit(path: &Path) -> Result<(), ConfigError> {
    let shown = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(ConfigError::Explicit {
            message: format!(
                "is a directory; give the config file, e.g. {}",
                path.join("config.toml").display()
            ),
            path: shown,
        }),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ConfigError::Explicit {
            path: shown,
            message: "the file does not exist".into(),
        }),
        Err(e) => Err(ConfigError::Explicit {
            path: shown,
            message: format!("cannot read it: {e}"),
        }),
    }
}

/// Load with the given environment (tests pass their own); every problem is reported.
pub fn load_all(
    explicit: Option<&Path>,
    env: &BTreeMap<String, String>,
) -> Result<Config, Vec<ConfigError>> {
    let (cfg, problems) = load_partial(explicit, env);
    if problems.is_empty() {
        Ok(cfg)
    } else {
        Err(problems)
    }
}

/// Load with the given environment, keeping every setting that could be read: a key with a
/// problem keeps its default, the others apply. Returns the settings and every problem.
/// When the file as a whole cannot be read (missing `--config` file, a directory, TOML
/// syntax), no setting of the file applies; the environment still does.
pub fn load_partial(
    explicit: Option<&Path>,
    env: &BTreeMap<String, String>,
) -> (Config, Vec<ConfigError>) {
    let mut errors = Vec::new();
    let (path, required) = match explicit {
        Some(p) => (Some(p.to_path_buf()), true),
        None => (default_path(), false),
    };
    let shown = path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "(none)".into());
    let mut file = source::FileValues::default();
    let mut read = None;
    if let Some(p) = &path {
        let explicit_problem = if required {
            check_explicit(p).err()
        } else {
            None
        };
        if let Some(problem) = explicit_problem {
            errors.push(problem);
        } else {
            match std::fs::metadata(p) {
                // The default location is optional.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => errors.push(ConfigError::Invalid {
                    file: shown.clone(),
                    message: format!("cannot read it: {e}"),
                }),
                Ok(m) if m.is_dir() => errors.push(ConfigError::Invalid {
                    file: shown.clone(),
                    message: "is a directory, not a file".into(),
                }),
                Ok(_) => match std::fs::read_to_string(p) {
                    Err(e) => errors.push(ConfigError::Invalid {
                        file: shown.clone(),
                        message: format!("cannot read it: {e}"),
                    }),
                    Ok(text) => match source::parse_file(&text, &shown) {
                        Ok(values) => {
                            file = values;
                            read = Some(p.clone());
                        }
                        Err(e) => errors.push(ConfigError::Invalid {
                            file: shown.clone(),
                            message: toml_syntax_message(&e.to_string()),
                        }),
                    },
                },
            }
        }
    }
    let env: BTreeMap<String, String> = env
        .iter()
        .filter(|(k, _)| is_setting_var(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let root = config::Config::builder()
        .add_source(source::Parsed(file.values))
        .add_source(source::Parsed(source::env_values(&env, ENV_PREFIX)))
        .build()
        .and_then(|c| c.collect());
    let root = match root {
        Ok(root) => root,
        Err(e) => {
            // Not expected (the values are ours); nothing could be read.
            errors.push(ConfigError::Invalid {
                file: shown,
                message: e.to_string(),
            });
            return (
                Config {
                    file: read,
                    ..Config::default()
                },
                errors,
            );
        }
    };
    let lines = file.lines;
    let origin = |key: &str| describe_origin(&root, key, &shown, &lines);
    let raw = raw_from_table(&root, &origin, &mut errors);
    // Sections and keys that could not be read are skipped; the rest is still checked so
    // that one run reports every problem.
    let (cfg, more) = resolve_with(raw, read, &origin);
    errors.extend(more);
    (cfg, errors)
}

/// Turn the raw file into settings, checking ranges; values are taken to come from `shown`.
pub fn resolve(raw: RawConfig, file: Option<PathBuf>, shown: &str) -> Result<Config, ConfigError> {
    let origin = |_: &str| format!("config file {shown}");
    let (cfg, mut errors) = resolve_with(raw, file, &origin);
    if errors.is_empty() {
        Ok(cfg)
    } else {
        Err(errors.remove(0))
    }
}

/// One line from the toml crate's multi-line report: where, the offending line, and what.
pub(crate) fn toml_syntax_message(report: &str) -> String {
    let lines: Vec<&str> = report.lines().collect();
    let location = lines
        .first()
        .and_then(|l| l.trim().strip_prefix("TOML parse error at "));
    // `12 | text` is the quoted source line.
    let source = lines.iter().find_map(|l| {
        let (num, text) = l.split_once(" | ")?;
        num.trim().parse::<usize>().ok()?;
        Some(text.trim())
    });
    let problem = lines
        .iter()
        .skip(1)
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.is_empty() && !l.starts_with('|') && !l.contains(" | "));
    match (location, problem) {
        (Some(at), Some(problem)) => match source {
            Some(src) if !src.is_empty() => {
                format!("TOML syntax error at {at} (`{src}`): {problem}")
            }
            _ => format!("TOML syntax error at {at}: {problem}"),
        },
        _ => lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// "config file <path> line <n>" or "environment variable SEAWALL_<SECTION>__<KEY>" for a
/// dotted key (the line of the key, else of the nearest enclosing table that has one).
fn describe_origin(
    root: &config::Map<String, Value>,
    key: &str,
    shown: &str,
    lines: &BTreeMap<String, usize>,
) -> String {
    let mut parts = key.split('.');
    let mut origin = None;
    let mut table = Some(root);
    for part in parts.by_ref() {
        let Some(value) = table.and_then(|t| t.get(part)) else {
            break;
        };
        if value.origin().is_some() {
            origin = value.origin();
        }
        table = match &value.kind {
            ValueKind::Table(t) => Some(t),
            _ => None,
        };
    }
    if origin == Some(source::ENV_ORIGIN) {
        return format!(
            "environment variable {ENV_PREFIX}{}",
            key.to_ascii_uppercase().replace('.', "__")
        );
    }
    let mut at = key;
    loop {
        if let Some(line) = lines.get(at) {
            return format!("config file {shown} line {line}");
        }
        match at.rsplit_once('.') {
            Some((parent, _)) => at = parent,
            None => return format!("config file {shown}"),
        }
    }
}

/// Deserialize section by section so that every section's problem is reported.
fn raw_from_table(
    root: &config::Map<String, Value>,
    origin: &dyn Fn(&str) -> String,
    errors: &mut Vec<ConfigError>,
) -> RawConfig {
    let mut raw = RawConfig::default();
    let mut names: Vec<&String> = root.keys().collect();
    names.sort();
    for name in names {
        let value = &root[name];
        // Accepted risks are read by `accept::load`, entry by entry.
        if name == "accept" {
            continue;
        }
        if !matches!(value.kind, ValueKind::Table(_)) {
            let message = if raw::SECTIONS.contains(&name.as_str()) {
                format!(
                    "expected a [{name}] table, found {}",
                    kind_name(&value.kind)
                )
            } else {
                unknown_section()
            };
            errors.push(ConfigError::Key {
                origin: origin(name),
                key: name.clone(),
                message,
            });
            continue;
        }
        match name.as_str() {
            "scan" => raw.scan = section(name, value, origin, errors),
            "ui" => raw.ui = section(name, value, origin, errors),
            "watch" => raw.watch = section(name, value, origin, errors),
            "log" => raw.log = section(name, value, origin, errors),
            "actions" => raw.actions = section(name, value, origin, errors),
            "keys" => {
                let ValueKind::Table(entries) = &value.kind else {
                    continue;
                };
                let mut keys = BTreeMap::new();
                for (command, v) in entries {
                    let key = format!("keys.{command}");
                    match v.clone().try_deserialize::<KeyList>() {
                        Ok(list) => {
                            keys.insert(command.clone(), list);
                        }
                        Err(e) => {
                            let (_, message) = describe_de_error(e);
                            errors.push(ConfigError::Key {
                                origin: origin(&key),
                                key,
                                message,
                            });
                        }
                    }
                }
                raw.keys = Some(keys);
            }
            _ => errors.push(ConfigError::Key {
                origin: origin(name),
                key: name.clone(),
                message: unknown_section(),
            }),
        }
    }
    raw
}

fn unknown_section() -> String {
    format!("unknown section (sections: {})", raw::SECTIONS.join(", "))
}

/// How a config value's type reads in an error message ("string \"yes\"").
pub(crate) fn kind_name(kind: &ValueKind) -> String {
    match kind {
        ValueKind::Nil => "nothing".into(),
        ValueKind::Boolean(b) => format!("boolean `{b}`"),
        ValueKind::I64(n) => format!("integer `{n}`"),
        ValueKind::I128(n) => format!("integer `{n}`"),
        ValueKind::U64(n) => format!("integer `{n}`"),
        ValueKind::U128(n) => format!("integer `{n}`"),
        ValueKind::Float(n) => format!("number `{n}`"),
        ValueKind::String(s) => format!("string {s:?}"),
        ValueKind::Table(_) => "a table".into(),
        ValueKind::Array(_) => "a list".into(),
    }
}

/// Deserialize one section key by key: a key with a problem is reported and left out (its
/// setting keeps the default), and the section is read again without it, so that the other
/// keys still apply. A problem that names no key drops the whole section.
fn section<T: DeserializeOwned>(
    name: &str,
    value: &Value,
    origin: &dyn Fn(&str) -> String,
    errors: &mut Vec<ConfigError>,
) -> Option<T> {
    let mut value = value.clone();
    loop {
        let e = match value.clone().try_deserialize::<T>() {
            Ok(v) => return Some(v),
            Err(e) => e,
        };
        let (sub, message) = describe_de_error(e);
        let sub = sub.filter(|s| !s.is_empty());
        let key = match &sub {
            Some(sub) => format!("{name}.{sub}"),
            None => name.to_string(),
        };
        errors.push(ConfigError::Key {
            origin: origin(&key),
            key,
            message,
        });
        // Leave the key out and try again; without a key that can be left out, give up on
        // the section (the loop ends: every round removes one key).
        let removed = match (&mut value.kind, &sub) {
            (ValueKind::Table(t), Some(sub)) => {
                let first = sub.split('.').next().unwrap_or(sub);
                t.remove(first).is_some()
            }
            _ => false,
        };
        if !removed {
            return None;
        }
    }
}

/// The key (relative to what was deserialized) and a plain message for a serde error.
fn describe_de_error(e: config::ConfigError) -> (Option<String>, String) {
    let (key, message) = match e {
        config::ConfigError::Type {
            unexpected,
            expected,
            key,
            ..
        } => (key, format!("expected {expected}, found {unexpected}")),
        config::ConfigError::At { error, key, .. } => {
            let (inner, message) = describe_de_error(*error);
            let key = match (key, inner) {
                (Some(k), Some(i)) => Some(format!("{k}.{i}")),
                (k, i) => k.or(i),
            };
            (key, message)
        }
        other => (None, other.to_string()),
    };
    // serde's wording, made to read like the rest: "unknown field `x`, expected ..." and
    // "invalid type: string \"yes\", expected true or false".
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((field, tail)) = rest.split_once('`')
    {
        let key = Some(match key {
            Some(k) => format!("{k}.{field}"),
            None => field.to_string(),
        });
        let tail = tail.trim_start_matches(',').trim();
        let known = tail
            .strip_prefix("expected one of ")
            .or_else(|| tail.strip_prefix("expected "))
            .unwrap_or(tail);
        return (
            key,
            format!(
                "unknown key (known keys: {})",
                known.replace('`', "").replace(" or ", ", ")
            ),
        );
    }
    if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return (key, format!("expected {expected}, found {found}"));
    }
    (key, message)
}

/// The numeric keys: allowed range and the unit appended to the upper bound.
const NUMBERS: &[(&str, u64, u64, &str)] = &[
    ("scan.concurrency", 1, 64, ""),
    ("scan.connect_timeout_secs", 1, 600, " seconds"),
    ("scan.request_timeout_secs", 1, 600, " seconds"),
    ("ui.tick_ms", 16, 5000, " milliseconds"),
    ("ui.page_size", 1, 1000, " rows"),
    ("watch.resync_secs", 1, 3600, " seconds"),
    (
        "watch.drift_secs",
        0,
        3600,
        " seconds (0 turns drift polling off)",
    ),
    (
        "watch.processes_secs",
        0,
        3600,
        " seconds (0 turns process polling off)",
    ),
    ("watch.poll_concurrency", 1, 64, ""),
    ("watch.poll_per_minute", 1, 60_000, " reads per minute"),
    (
        "watch.watchdog_secs",
        0,
        3600,
        " seconds (0 turns the watchdog off)",
    ),
    // The daemon answers a stop only once the container is gone, and the client gives up
    // on a request after 120 seconds.
    ("actions.stop_timeout_secs", 0, 100, " seconds"),
    ("actions.log_lines", 0, 1_000_000, " lines"),
];

/// Check ranges and build the typed settings. Every problem is reported; a setting with a
/// problem keeps its default and every other setting applies.
fn resolve_with(
    raw: RawConfig,
    file: Option<PathBuf>,
    origin: &dyn Fn(&str) -> String,
) -> (Config, Vec<ConfigError>) {
    let mut cfg = Config {
        file,
        ..Config::default()
    };
    let mut errors = Vec::new();
    let mut bad = |key: &str, message: String| {
        errors.push(ConfigError::Key {
            origin: origin(key),
            key: key.to_string(),
            message,
        })
    };
    // A number in its range, else the problem is reported and `None` keeps the default.
    let mut number = |key: &str, value: Option<RawNumber>| -> Option<u64> {
        let value = value?;
        let &(_, lo, hi, unit) = NUMBERS.iter().find(|(k, ..)| *k == key)?;
        match value.check(lo, hi, unit) {
            Ok(n) => Some(n),
            Err(e) => {
                bad(key, e.to_string());
                None
            }
        }
    };
    // Every range fits the target type (the largest upper bound is 1 000 000).
    let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);

    if let Some(scan) = raw.scan {
        if let Some(n) = number("scan.concurrency", scan.concurrency) {
            cfg.concurrency = size(n);
        }
        if let Some(t) = number("scan.connect_timeout_secs", scan.connect_timeout_secs) {
            cfg.connect_timeout = Duration::from_secs(t);
        }
        if let Some(t) = number("scan.request_timeout_secs", scan.request_timeout_secs) {
            cfg.request_timeout = Duration::from_secs(t);
        }
    }
    let mut ui_theme = None;
    if let Some(ui) = raw.ui {
        ui_theme = ui.theme;
        if let Some(mouse) = ui.mouse {
            cfg.mouse = mouse;
        }
        if let Some(read_only) = ui.read_only {
            cfg.read_only = read_only;
        }
        if let Some(ms) = number("ui.tick_ms", ui.tick_ms) {
            cfg.tick = Duration::from_millis(ms);
        }
        if let Some(n) = number("ui.page_size", ui.page_size) {
            cfg.page_size = size(n);
        }
    }
    if let Some(watch) = raw.watch {
        if let Some(s) = number("watch.resync_secs", watch.resync_secs) {
            cfg.resync = Duration::from_secs(s);
        }
        if let Some(s) = number("watch.drift_secs", watch.drift_secs) {
            cfg.drift = Duration::from_secs(s);
        }
        if let Some(s) = number("watch.processes_secs", watch.processes_secs) {
            cfg.processes = Duration::from_secs(s);
        }
        if let Some(n) = number("watch.poll_concurrency", watch.poll_concurrency) {
            cfg.poll_concurrency = size(n);
        }
        if let Some(s) = number("watch.watchdog_secs", watch.watchdog_secs) {
            cfg.watchdog = Duration::from_secs(s);
        }
        if let Some(n) = number("watch.poll_per_minute", watch.poll_per_minute) {
            cfg.poll_per_minute = u32::try_from(n).unwrap_or(u32::MAX);
        }
    }
    let mut actions_raw = None;
    if let Some(actions) = raw.actions {
        if let Some(t) = number(
            "actions.stop_timeout_secs",
            actions.stop_timeout_secs.clone(),
        ) {
            cfg.actions.stop_timeout = Duration::from_secs(t);
        }
        if let Some(n) = number("actions.log_lines", actions.log_lines.clone()) {
            cfg.actions.log_lines = size(n);
        }
        actions_raw = Some(actions);
    }
    if let Some(theme) = ui_theme {
        if valid_theme_name(&theme) {
            cfg.theme = theme;
        } else {
            bad(
                "ui.theme",
                format!(
                    "{theme:?} is not a theme name: use the name of a built-in theme \
                     (dark, light, high-contrast) or of a file in the themes directory, \
                     without .toml (letters, digits, - and _)"
                ),
            );
        }
    }
    if let Some(log) = raw.log {
        if let Some(file) = log.file {
            cfg.log_file = if file.as_os_str().is_empty() {
                None
            } else {
                Some(expand_home(&file))
            };
        }
        if let Some(level) = log.level {
            match parse_level(&level) {
                Some(l) => cfg.log_level = l,
                None => bad(
                    "log.level",
                    format!("{level:?} is not a level: use off, error, warn, info, debug or trace"),
                ),
            }
        }
    }
    if let Some(actions) = actions_raw {
        let a = &mut cfg.actions;
        if let Some(p) = actions.pause_on_isolate {
            a.pause_on_isolate = p;
        }
        let paths = [
            (
                "actions.evidence_dir",
                actions.evidence_dir,
                &mut a.evidence_dir,
            ),
            ("actions.export_dir", actions.export_dir, &mut a.export_dir),
            ("actions.audit_log", actions.audit_log, &mut a.audit_log),
            ("actions.state_file", actions.state_file, &mut a.state_file),
        ];
        for (key, value, slot) in paths {
            match value {
                Some(p) if p.as_os_str().is_empty() => bad(key, "must not be empty".into()),
                Some(p) => *slot = expand_home(&p),
                None => {}
            }
        }
    }
    if let Some(keys) = raw.keys {
        let overrides: BTreeMap<String, Vec<String>> =
            keys.into_iter().map(|(k, v)| (k, v.0)).collect();
        // Every entry that could be read applies; a bad entry binds only its good keys (an
        // action whose entry is bad is never given back its default key).
        let (map, key_errors) = KeyMap::with_overrides_lenient(&overrides);
        cfg.keymap = map;
        errors.extend(key_errors.into_iter().map(|error| ConfigError::Keys {
            origin: origin(&format!("keys.{}", error.command_name())),
            error,
        }));
    }
    (cfg, errors)
}

fn valid_theme_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn parse_level(text: &str) -> Option<LevelFilter> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("warning") {
        return Some(LevelFilter::Warn);
    }
    t.parse().ok()
}

/// `~/x` is the home directory's `x`.
fn expand_home(path: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(home) = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
    {
        return home.join(rest);
    }
    path.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::command::Command;

    fn write(dir: &tempfile::TempDir, text: &str) -> PathBuf {
        let p = dir.path().join("config.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    fn no_env() -> BTreeMap<String, String> {
        BTreeMap::new()
    }

    /// Load `text` as an explicit file with no environment.
    fn load_text(text: &str) -> Result<Config, Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        let p = write(&dir, text);
        load_all(Some(&p), &no_env()).map_err(|es| es.iter().map(ToString::to_string).collect())
    }

    fn one_error(text: &str) -> String {
        let errors = load_text(text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let e = errors[0].clone();
        assert!(
            e.contains("config file ") && e.contains("config.toml"),
            "names the file: {e}"
        );
        assert!(!e.contains('\n'), "one line: {e}");
        e
    }

    #[test]
    fn a_good_file_is_read() {
        let c = load_text(
            r#"
[scan]
concurrency = 4
connect_timeout_secs = 3

[ui]
theme = "light"
mouse = true
tick_ms = 100
page_size = 20
read_only = true

[watch]
resync_secs = 120

[log]
file = "/tmp/seawall-test.log"
level = "debug"

[keys]
quit = "x"
up = ["w", "up"]
tab_1 = 1
"#,
        )
        .unwrap();
        assert_eq!(c.concurrency, 4);
        assert_eq!(c.connect_timeout, Duration::from_secs(3));
        assert_eq!(c.theme, "light");
        assert!(c.mouse);
        assert_eq!(c.tick, Duration::from_millis(100));
        assert_eq!(c.page_size, 20);
        assert!(c.read_only);
        assert_eq!(c.resync, Duration::from_secs(120));
        assert_eq!(c.log_file, Some(PathBuf::from("/tmp/seawall-test.log")));
        assert_eq!(c.log_level, LevelFilter::Debug);
        assert!(c.file.as_ref().unwrap().ends_with("config.toml"));
        assert_eq!(
            c.config_dir(),
            c.file.as_ref().unwrap().parent().map(Path::to_path_buf)
        );
        let hints = c.keymap.hints();
        assert_eq!(hints[&Command::Quit], vec!["x", "ctrl-c"]);
        assert_eq!(hints[&Command::Up], vec!["w", "up"]);
        assert_eq!(hints[&Command::Tab1], vec!["1"]);
        assert_eq!(hints[&Command::Down], vec!["j", "down"]);
    }

    #[test]
    fn an_empty_file_and_no_file_give_the_defaults() {
        let c = load_text("").unwrap();
        assert_eq!(Config { file: None, ..c }, Config::default());
        let d = Config::default();
        assert_eq!(d.theme, "dark");
        assert!(!d.mouse, "mouse capture is off by default");
        assert_eq!(d.tick, Duration::from_millis(250));
        assert_eq!(d.page_size, 10);
        assert_eq!(d.resync, Duration::from_secs(60));
        assert_eq!(d.log_level, LevelFilter::Info);
        assert_eq!(d.keymap, KeyMap::default());
        if let Some(f) = &d.log_file {
            assert!(f.ends_with("seawall/seawall.log"), "{}", f.display());
        }
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(&dir, "[ui]\ntheme = \"light\"\npage_size = 5\n");
        let env: BTreeMap<String, String> = [
            ("SEAWALL_UI__THEME", "high-contrast"),
            ("SEAWALL_UI__MOUSE", "true"),
            ("SEAWALL_WATCH__RESYNC_SECS", "30"),
            ("SEAWALL_KEYS__HELP", "h"),
            ("SEAWALL_KEYS__TAB_2", "2"),
            // Not settings: no section separator.
            ("SEAWALL_CONFIG", "/elsewhere.toml"),
            ("SEAWALL", "x"),
            ("OTHER_UI__THEME", "light"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let c = load_all(Some(&p), &env)
            .map_err(|e| format!("{e:?}"))
            .unwrap();
        assert_eq!(c.theme, "high-contrast");
        assert_eq!(c.page_size, 5, "the file still applies");
        assert!(c.mouse);
        assert_eq!(c.resync, Duration::from_secs(30));
        assert_eq!(c.keymap.hints()[&Command::Help], vec!["h"]);
    }

    #[test]
    fn a_bad_environment_value_names_the_variable() {
        let env: BTreeMap<String, String> = [("SEAWALL_UI__MOUSE", "yes")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let p = write(&dir, "");
        let errors = load_all(Some(&p), &env).unwrap_err();
        let e = errors[0].to_string();
        assert!(e.contains("environment variable SEAWALL_UI__MOUSE"), "{e}");
        assert!(e.contains("ui.mouse") && e.contains("true or false"), "{e}");

        let env: BTreeMap<String, String> = [("SEAWALL_UI__TICK_MS", "5")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let e = load_all(Some(&p), &env).unwrap_err()[0].to_string();
        assert!(
            e.contains("SEAWALL_UI__TICK_MS")
                && e.contains("5 is too small (must be between 16 and 5000 milliseconds)"),
            "{e}"
        );
    }

    #[test]
    fn bad_type_names_file_key_and_problem() {
        let e = one_error("[ui]\nmouse = \"yes\"\n");
        assert!(e.contains("ui.mouse"), "{e}");
        assert!(
            e.contains("expected true or false") && e.contains("\"yes\""),
            "{e}"
        );

        let e = one_error("[ui]\ntick_ms = -3\n");
        assert!(e.contains("ui.tick_ms") && e.contains("-3"), "{e}");

        let e = one_error("[keys]\nquit = true\n");
        assert!(
            e.contains("keys.quit") && e.contains("a key such as"),
            "{e}"
        );

        let e = one_error("ui = 3\n");
        assert!(
            e.contains("ui:") && e.contains("expected a [ui] table"),
            "{e}"
        );
    }

    #[test]
    fn out_of_range_names_the_key_and_the_range() {
        for (text, key) in [
            ("[scan]\nconcurrency = 0\n", "scan.concurrency"),
            (
                "[scan]\nconnect_timeout_secs = 601\n",
                "scan.connect_timeout_secs",
            ),
            ("[ui]\ntick_ms = 1\n", "ui.tick_ms"),
            ("[ui]\npage_size = 0\n", "ui.page_size"),
            ("[watch]\nresync_secs = 0\n", "watch.resync_secs"),
            ("[watch]\nresync_secs = 3601\n", "watch.resync_secs"),
            ("[watch]\ndrift_secs = 3601\n", "watch.drift_secs"),
            ("[watch]\nprocesses_secs = 3601\n", "watch.processes_secs"),
            ("[watch]\npoll_concurrency = 0\n", "watch.poll_concurrency"),
            ("[watch]\npoll_per_minute = 0\n", "watch.poll_per_minute"),
        ] {
            let e = one_error(text);
            assert!(e.contains(key) && e.contains("between"), "{text}: {e}");
        }
        load_text("[watch]\nresync_secs = 3600\n").unwrap();
        load_text("[watch]\nresync_secs = 1\n").unwrap();
        let polls =
            load_text("[watch]\ndrift_secs = 0\nprocesses_secs = 2\npoll_concurrency = 16\npoll_per_minute = 600\n")
                .unwrap();
        assert_eq!(polls.drift, Duration::ZERO, "0 turns drift polling off");
        assert_eq!(polls.processes, Duration::from_secs(2));
        assert_eq!(polls.poll_concurrency, 16);
        assert_eq!(polls.poll_per_minute, 600);
        assert_eq!(Config::default().drift, Duration::from_secs(10));

        let e = one_error("[log]\nlevel = \"loud\"\n");
        assert!(e.contains("log.level") && e.contains("loud"), "{e}");
        let e = one_error("[ui]\ntheme = \"../etc/passwd\"\n");
        assert!(e.contains("ui.theme"), "{e}");
    }

    #[test]
    fn unknown_keys_and_sections_are_named() {
        let e = one_error("[scan]\nconcurency = 3\n");
        assert!(
            e.contains("scan.concurency") && e.contains("unknown key"),
            "{e}"
        );
        assert!(e.contains("concurrency"), "lists the known keys: {e}");

        let e = one_error("[ui]\nmous = true\n");
        assert!(e.contains("ui.mous") && e.contains("mouse"), "{e}");

        let e = one_error("[uii]\ntheme = \"dark\"\n");
        assert!(e.contains("uii") && e.contains("unknown section"), "{e}");
    }

    #[test]
    fn keys_problems_name_the_entry() {
        let e = one_error("[keys]\nquitt = \"q\"\n");
        assert!(
            e.contains("keys.quitt") && e.contains("unknown command"),
            "{e}"
        );

        let e = one_error("[keys]\nup = \"ctrl-nope\"\n");
        assert!(e.contains("keys.up") && e.contains("ctrl-nope"), "{e}");

        let e = one_error("[keys]\nhelp = \"h\"\nposture = \"h\"\n");
        assert!(e.contains("keys.help") && e.contains("keys.posture"), "{e}");

        let e = one_error("[keys]\nhelp = \"ctrl-c\"\n");
        assert!(e.contains("keys.help") && e.contains("ctrl-c"), "{e}");
    }

    #[test]
    fn toml_syntax_errors_name_the_file_and_the_line() {
        let e = one_error("[scan\nconcurrency = 4\n");
        assert!(e.contains("TOML syntax error at line 1"), "{e}");
        assert!(e.contains("[scan"), "quotes the line: {e}");

        let e = one_error("[ui]\nmouse = = true\n");
        assert!(e.contains("line 2") && e.contains("mouse = = true"), "{e}");
    }

    #[test]
    fn every_problem_is_reported() {
        let errors =
            load_text("[ui]\nmouse = \"yes\"\n[scan]\nconcurrency = 0\n[keys]\nnope = \"x\"\n")
                .unwrap_err();
        // The type error stops its section; the others are separate sections.
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("ui.mouse")), "{errors:?}");
        assert!(
            errors.iter().any(|e| e.contains("scan.concurrency")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.contains("keys.nope")), "{errors:?}");
    }

    #[test]
    fn missing_explicit_file_is_an_error() {
        let e = load(Some(Path::new("/nonexistent/seawall.toml")))
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not exist") && e.contains("/nonexistent/seawall.toml"));
    }

    #[test]
    fn lenient_loading_keeps_what_it_could_read_with_messages() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(&dir, "[ui]\nmouse = \"yes\"\ntheme = \"light\"\n");
        let (c, messages) = load_lenient(Some(&p));
        assert_eq!(c.theme, "light", "the good key of the same section applies");
        assert!(!c.mouse, "the bad key keeps its default");
        assert!(
            !c.read_only && c.read_only_reason.is_none(),
            "mouse is no safety setting"
        );
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains(&p.display().to_string()) && messages[0].contains("ui.mouse"));
        assert!(messages[0].contains("line 2"), "{messages:?}");

        let (c, messages) = load_lenient(Some(Path::new("/nonexistent/seawall.toml")));
        assert_eq!(c.theme, Config::default().theme);
        assert!(messages[0].contains("does not exist"));
        assert!(
            c.read_only,
            "a --config file that cannot be read fails closed"
        );

        let p = write(&dir, "[ui]\ntheme = \"light\"\n");
        let (c, messages) = load_lenient(Some(&p));
        assert!(messages.is_empty(), "{messages:?}");
        assert_eq!(c.theme, "light");
    }

    #[test]
    fn toml_syntax_message_condenses_the_report() {
        let report = "TOML parse error at line 1, column 4\n  |\n1 | [ui\n  |    ^\nunclosed table, expected `]`\n";
        assert_eq!(
            toml_syntax_message(report),
            "TOML syntax error at line 1, column 4 (`[ui`): unclosed table, expected `]`"
        );
        assert_eq!(toml_syntax_message("odd\nreport"), "odd; report");
    }

    #[test]
    fn levels_and_home_expansion() {
        assert_eq!(parse_level("WARNING"), Some(LevelFilter::Warn));
        assert_eq!(parse_level("trace"), Some(LevelFilter::Trace));
        assert_eq!(parse_level("off"), Some(LevelFilter::Off));
        assert_eq!(parse_level("nope"), None);
        let c = load_text("[log]\nfile = \"\"\n").unwrap();
        assert_eq!(
            c.log_file, None,
            "an empty file name turns the log file off"
        );
        if let Some(home) = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()) {
            assert_eq!(expand_home(Path::new("~/x/y.log")), home.join("x/y.log"));
        }
        assert_eq!(
            expand_home(Path::new("/abs/y.log")),
            PathBuf::from("/abs/y.log")
        );
    }

    #[test]
    fn the_actions_section_is_read_and_checked() {
        let c = load_text(
            "[actions]\npause_on_isolate = true\nstop_timeout_secs = 3\nlog_lines = 50\n\
             evidence_dir = \"/tmp/ev\"\nexport_dir = \"/tmp/rep\"\n\
             audit_log = \"/tmp/a.log\"\nstate_file = \"/tmp/s.json\"\n",
        )
        .unwrap();
        assert!(c.actions.pause_on_isolate);
        assert_eq!(c.actions.stop_timeout, Duration::from_secs(3));
        assert_eq!(c.actions.log_lines, 50);
        assert_eq!(c.actions.evidence_dir, PathBuf::from("/tmp/ev"));
        assert_eq!(c.actions.export_dir, PathBuf::from("/tmp/rep"));
        assert_eq!(c.actions.audit_log, PathBuf::from("/tmp/a.log"));
        assert_eq!(c.actions.state_file, PathBuf::from("/tmp/s.json"));
        let defaults = ActionsConfig::default();
        assert!(!defaults.pause_on_isolate);
        assert_eq!(defaults.stop_timeout, Duration::from_secs(10));
        assert!(defaults.audit_log.ends_with("audit.log"));

        let e = one_error("[actions]\nstop_timeout_secs = 9999\n");
        assert!(
            e.contains("actions.stop_timeout_secs")
                && e.contains("9999 is too large (must be between 0 and 100 seconds)"),
            "{e}"
        );
        let e = one_error("[actions]\npause_on_isolate = \"yes\"\n");
        assert!(e.contains("actions.pause_on_isolate"), "{e}");
        let e = one_error("[actions]\naudit_log = \"\"\n");
        assert!(
            e.contains("actions.audit_log") && e.contains("empty"),
            "{e}"
        );
    }

    /// Lenient loading of `text` (as an explicit file) with `env`.
    fn lenient(text: &str, env: &[(&str, &str)]) -> (Config, Vec<String>, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = write(&dir, text);
        let env: BTreeMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (c, messages) = lenient_from(load_partial(Some(&p), &env));
        (c, messages, p)
    }

    #[test]
    fn a_typo_elsewhere_keeps_read_only_and_every_other_setting() {
        let text = "[ui]\nread_only = true\ntheme = \"light\"\n\n[scan]\nconcurency = 3\n\n\
                    [keys]\nisolate = []\nquit = \"x\"\n[watch]\nresync_secs = 0\ndrift_secs = 5\n";
        let (c, messages, p) = lenient(text, &[]);
        assert!(c.read_only, "read_only = true survives a typo elsewhere");
        assert_eq!(c.theme, "light");
        assert_eq!(c.drift, Duration::from_secs(5), "same section as a bad key");
        assert_eq!(c.resync, Duration::from_secs(DEFAULT_RESYNC_SECS));
        assert!(
            c.keymap.bindings(Command::Isolate).is_empty(),
            "still unbound"
        );
        assert_eq!(c.keymap.hints()[&Command::Quit], vec!["x", "ctrl-c"]);
        assert_eq!(messages.len(), 2, "{messages:?}");
        let shown = p.display().to_string();
        assert!(
            messages.contains(&format!(
                "config file {shown} line 6: scan.concurency: unknown key (known keys: \
                 concurrency, connect_timeout_secs, request_timeout_secs)"
            )),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("line 12: watch.resync_secs: 0 is too small")),
            "{messages:?}"
        );
        assert_eq!(
            c.read_only_reason, None,
            "neither problem touches a safety setting"
        );
    }

    #[test]
    fn a_bad_read_only_value_fails_closed() {
        for (text, env, names) in [
            ("[ui]\nread_only = \"no\"\n", vec![], "line 2: ui.read_only"),
            (
                "[ui]\nreadonly = false\n",
                vec![],
                "ui.readonly: unknown key",
            ),
            ("read_only = false\n", vec![], "read_only: unknown section"),
            (
                "[ui]\nread_only = false\n",
                vec![("SEAWALL_UI__READ_ONLY", "nope")],
                "environment variable SEAWALL_UI__READ_ONLY: ui.read_only: expected true or false",
            ),
            (
                "",
                vec![("SEAWALL_UI__READ_ONLY", "0")],
                "environment variable SEAWALL_UI__READ_ONLY",
            ),
            ("ui = 3\n", vec![], "expected a [ui] table"),
        ] {
            let (c, messages, _) = lenient(text, &env);
            assert!(c.read_only, "{text} {env:?}");
            let reason = c.read_only_reason.clone().unwrap_or_default();
            assert!(reason.contains(names), "{names}: {reason}");
            assert!(messages.iter().any(|m| m.contains(names)), "{messages:?}");
        }
        // A good value from the environment is no problem.
        let (c, messages, _) = lenient("", &[("SEAWALL_UI__READ_ONLY", "true")]);
        assert!(c.read_only && c.read_only_reason.is_none() && messages.is_empty());
    }

    #[test]
    fn a_bad_keys_table_never_rebinds_an_unbound_action() {
        // An unbound action stays unbound when another entry is bad, and an action whose own
        // entry is bad binds only its good keys (never its default).
        let (c, messages, _) = lenient(
            "[keys]\nisolate = []\nstop = \"ctrl-nope\"\nexport = [\"x\", \"ctrl-nope\"]\n\
             help = \"z\"\nposture = \"z\"\nquitt = \"q\"\n",
            &[],
        );
        assert!(c.keymap.bindings(Command::Isolate).is_empty());
        assert!(
            c.keymap.bindings(Command::Stop).is_empty(),
            "not back on `s`"
        );
        assert_eq!(c.keymap.hints()[&Command::Export], vec!["x"]);
        assert!(
            c.keymap.bindings(Command::Help).is_empty(),
            "a shared key runs neither"
        );
        assert!(c.keymap.bindings(Command::Posture).is_empty());
        assert!(c.read_only, "a [keys] problem starts read-only");
        assert!(
            c.read_only_reason
                .as_deref()
                .unwrap_or("")
                .contains("keys.")
        );
        assert_eq!(messages.len(), 4, "{messages:?}");
        // The table itself unreadable: read-only.
        let (c, _, _) = lenient("keys = [1]\n", &[]);
        assert!(c.read_only);
        let (c, _, _) = lenient("[keys]\nisolate = 3.5\n", &[]);
        assert!(c.read_only);
    }

    #[test]
    fn bad_action_defaults_fail_closed() {
        for text in [
            "[actions]\npause_on_isolate = \"yes\"\n",
            "[actions]\nstop_timeout_secs = 101\n",
            "[actions]\nstop_timeout_secs = 99999999999999999999999\n",
            "[actions]\naudit_log = \"\"\n",
            "[actions]\npause_on_isolate = true\nstop_timout_secs = 1\n",
            "[action]\npause_on_isolate = true\n",
        ] {
            let (c, messages, _) = lenient(text, &[]);
            assert!(
                c.read_only && c.read_only_reason.is_some(),
                "{text}: {messages:?}"
            );
        }
        // The readable key of a broken section still applies.
        let (c, _, _) = lenient(
            "[actions]\npause_on_isolate = true\nstop_timout_secs = 1\n",
            &[],
        );
        assert!(c.actions.pause_on_isolate);
    }

    #[test]
    fn a_broken_file_starts_read_only_with_the_reason() {
        let (c, messages, p) = lenient(
            "[ui]\ntheme = \"light\"\n[scan\n",
            &[("SEAWALL_UI__MOUSE", "true")],
        );
        assert!(c.read_only);
        assert_eq!(c.theme, DEFAULT_THEME, "nothing of the file applies");
        assert!(c.mouse, "the environment still does");
        let reason = c.read_only_reason.unwrap();
        assert!(
            reason.contains(&format!("config file {}", p.display()))
                && reason.contains("TOML syntax error at line 3"),
            "{reason}"
        );
        assert_eq!(messages.len(), 1);
    }

    #[test]
    fn overflowing_numbers_name_the_key_and_the_line() {
        let (_, messages, p) = lenient(
            "[ui]\ntheme = \"dark\"\n[scan]\nconcurrency = 99999999999999999999999\n",
            &[],
        );
        assert_eq!(
            messages,
            vec![format!(
                "config file {} line 4: scan.concurrency: 99999999999999999999999 is too large \
                 (must be between 1 and 64)",
                p.display()
            )]
        );
        for (text, want) in [
            (
                "[ui]\ntick_ms = 1e400\n",
                "line 2: ui.tick_ms: 1e400 is too large (must be between 16 and 5000 milliseconds)",
            ),
            (
                "[ui]\ntick_ms = -1e400\n",
                "line 2: ui.tick_ms: -1e400 is too small",
            ),
            (
                "[watch]\npoll_per_minute = 99999999999\n",
                "line 2: watch.poll_per_minute: 99999999999 is too large",
            ),
            (
                "[scan]\nconcurrency = 999999999999999999999999999999999999999999999\n",
                "line 2: scan.concurrency: 999999999999999999999999999999999999999999999 is too large",
            ),
            (
                "[scan]\nconcurrency = -99999999999999999999999\n",
                "scan.concurrency: -99999999999999999999999 is too small",
            ),
            (
                "[ui]\npage_size = 2.5\n",
                "ui.page_size: 2.5 is not a whole number",
            ),
            (
                "[ui]\npage_size = nan\n",
                "ui.page_size: NaN is not a number",
            ),
            (
                "[ui]\npage_size = \"many\"\n",
                "ui.page_size: expected a number, found string \"many\"",
            ),
        ] {
            let e = one_error(text);
            assert!(e.contains(want), "{text}: {e}");
            assert!(!e.contains("target type"), "{e}");
        }
        let (c, _, _) = lenient("[ui]\ntick_ms = 100.0\npage_size = \"12\"\n", &[]);
        assert_eq!((c.tick, c.page_size), (Duration::from_millis(100), 12));

        // The same from the environment.
        for (var, value, want) in [
            (
                "SEAWALL_SCAN__CONCURRENCY",
                "99999999999999999999999",
                "environment variable SEAWALL_SCAN__CONCURRENCY: scan.concurrency: \
                 99999999999999999999999 is too large (must be between 1 and 64)",
            ),
            (
                "SEAWALL_UI__TICK_MS",
                "1e400",
                "environment variable SEAWALL_UI__TICK_MS: ui.tick_ms: 1e400 is too large",
            ),
        ] {
            let (_, messages, _) = lenient("", &[(var, value)]);
            assert!(messages.iter().any(|m| m.contains(want)), "{messages:?}");
        }
    }

    #[test]
    fn which_problems_touch_safety() {
        let key = |k: &str| ConfigError::Key {
            origin: "o".into(),
            key: k.into(),
            message: "m".into(),
        };
        for k in [
            "ui",
            "ui.read_only",
            "ui.readonly",
            "keys",
            "keys.quit",
            "actions",
            "actions.log_lines",
            "uii",
            "read_only",
        ] {
            assert!(key(k).touches_safety(), "{k}");
        }
        for k in [
            "ui.theme",
            "ui.mouse",
            "ui.tick_ms",
            "ui.page_size",
            "scan",
            "scan.concurency",
            "watch.resync_secs",
            "log.level",
        ] {
            assert!(!key(k).touches_safety(), "{k}");
        }
        assert!(
            ConfigError::Invalid {
                file: "f".into(),
                message: "m".into()
            }
            .touches_safety()
        );
    }

    #[test]
    fn config_option_on_a_directory_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let e = check_explicit(dir.path()).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "--config {}: is a directory; give the config file, e.g. {}/config.toml",
                dir.path().display(),
                dir.path().display()
            )
        );
        let e = load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("is a directory"), "{e}");
        let (c, _) = load_lenient(Some(dir.path()));
        assert!(c.read_only, "fails closed");
    }

    /// `config.example.toml` documents every setting commented out (`#key = value`, prose is
    /// `# text`). Uncommented, it must load and give exactly the defaults.
    #[test]
    fn the_example_file_documents_the_defaults() {
        let example = include_str!("../../config.example.toml");
        let uncommented: String = example
            .lines()
            .map(|l| match l.strip_prefix('#') {
                Some(rest) if !rest.starts_with([' ', '#']) && !rest.is_empty() => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let c = load_text(&uncommented).unwrap();
        let defaults = Config::default();
        assert_eq!(
            Config {
                file: None,
                log_file: None,
                ..c.clone()
            },
            Config {
                log_file: None,
                ..defaults
            }
        );
        assert!(c.log_file.is_some());
        // Every section and every command is documented.
        for section in raw::SECTIONS {
            assert!(uncommented.contains(&format!("[{section}]")), "{section}");
        }
        for command in Command::ALL {
            assert!(
                uncommented
                    .lines()
                    .any(|l| l.starts_with(&format!("{} = ", command.name()))),
                "{} is not in the example",
                command.name()
            );
        }
        // And it parses as the raw type directly too (deny_unknown_fields agrees).
        let raw: RawConfig = config::Config::builder()
            .add_source(config::File::from_str(
                &uncommented,
                config::FileFormat::Toml,
            ))
            .build()
            .unwrap()
            .try_deserialize()
            .unwrap();
        assert!(raw.ui.is_some() && raw.keys.is_some());
    }
}
