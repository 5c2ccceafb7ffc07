//! Actions on containers: isolate (and undo), stop, export a report. Every attempt is
//! confirmed by the caller (console dialog or `--yes`) and appended to the audit log.
//!
//! The console turns a confirmed [`ActionRequest`] into an effect; the executor runs it with
//! an [`ActionRunner`] and sends the [`ActionOutcome`] back as a message. The headless
//! commands (`seawall isolate|unisolate|stop|report`) use the same runner.
//!
//! The API:
//! - [`ActionRunner::new`]`(endpoints, `[`ActionSettings`]`)`; settings come from the
//!   config's `[actions]` section with [`ActionSettings::from_config`].
//! - [`ActionRequest::new`]`(kind, target)`; per-request options ([`ActionOptions`]: pause
//!   on isolate, evidence folder, stop grace period, export formats and folder) override
//!   the settings.
//! - [`ActionRunner::run`] never panics and always appends one audit line; the outcome's
//!   [`ActionOutcome::status`] says ok / error / refused.
//! - A confirmation the user declined: [`ActionRunner::record_declined`]; an attempt refused
//!   before running (read-only console, no `--yes`): [`ActionRunner::record_refused`].
//! - [`ActionRunner::find_container`] resolves `NAME|ID` like the docker CLI across every
//!   endpoint (headless commands).
//! - Errors are [`ActionError`]s: a refusal (nothing changed) or a failure, one line each.
//! - The runner reaches daemons through a [`Connector`] (the real one by default;
//!   [`ActionRunner::with_connector`] takes another, such as the fake of the unit tests).
//!
//! - Isolate, unisolate and stop hold the container's lock ([`lock`]) across the check,
//!   the action, the record and the audit line: a second caller (another process, or the
//!   console) is refused at once, saying who holds it.
//! - [`ActionRunner::find_record`] and [`ActionRunner::forget`] clear the isolation record
//!   of a container that no longer exists (`seawall unisolate --forget`).
//!
//! Files: the isolation records ([`state_file`]), evidence bundles ([`evidence`]), exported
//! reports ([`export`]), the locks ([`lock`]) and the audit log ([`audit`]) live in the
//! platform state directory unless the config says otherwise; every folder seawall creates
//! there is 0700 ([`private_dir`]) and every file 0600.

pub mod audit;
pub mod evidence;
pub mod export;
pub mod isolate;
pub mod lock;
pub mod state_file;
pub mod stop;

pub use audit::{AuditEntry, AuditOutcome};

use crate::config::Config;
use crate::docker::{
    BollardConnector, ConnectError, Connector, DockerApi, DockerError, Endpoint, ListFilter,
};
use crate::model::ContainerFacts;
use crate::report::Format;
use crate::watch::HostId;
use serde::Serialize;
use state_file::IsolationRecord;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Create `dir` and its missing parents 0700 (the umask can only remove bits; the folder
/// itself is set to exactly 0700 when this call created it). An existing folder is left
/// as it is.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Disconnect from every network (recorded for undo), optionally pause, capture evidence.
    Isolate,
    /// Reconnect exactly as recorded at isolate time.
    Unisolate,
    /// Graceful stop with a timeout, then kill.
    Stop,
    /// Write a report of the container (or the whole host when the target has no container).
    Export,
}

impl ActionKind {
    /// The action's name in the audit log and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Isolate => "isolate",
            ActionKind::Unisolate => "unisolate",
            ActionKind::Stop => "stop",
            ActionKind::Export => "export",
        }
    }

    /// The verb for a confirmation question ("Isolate container web …?").
    pub fn verb(self) -> &'static str {
        match self {
            ActionKind::Isolate => "Isolate",
            ActionKind::Unisolate => "Reconnect (undo the isolation of)",
            ActionKind::Stop => "Stop",
            ActionKind::Export => "Export a report of",
        }
    }
}

/// What to do it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Index of the endpoint in the runner's list.
    pub host: HostId,
    /// The daemon's URL, as shown in the header (for the dialog and the audit log).
    pub endpoint: String,
    /// `None`: the whole host (export only).
    pub container_id: Option<String>,
    /// The container's name (or the host's endpoint for a host export).
    pub name: String,
}

impl Target {
    /// "container web (id 3f1c2a9b8d7e) on unix:///var/run/docker.sock", for questions.
    pub fn describe(&self) -> String {
        match &self.container_id {
            Some(id) => {
                let short: String = id.chars().take(12).collect();
                format!("container {} (id {short}) on {}", self.name, self.endpoint)
            }
            None => format!("the host {}", self.endpoint),
        }
    }
}

/// Per-request options; `None` takes the [`ActionSettings`] value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionOptions {
    /// Isolate: also pause (`--pause`).
    pub pause: Option<bool>,
    /// Isolate: the evidence folder root (`--evidence DIR`).
    pub evidence_dir: Option<PathBuf>,
    /// Stop: the grace period (`--time S`).
    pub stop_timeout: Option<Duration>,
    /// Export: the formats (default json, sarif, markdown, html).
    pub formats: Option<Vec<Format>>,
    /// Export: the folder (default the export dir).
    pub export_dir: Option<PathBuf>,
    /// Isolate and export: the activity alerts seen about the target (the console's feed,
    /// newest first), written beside the report (`<report>.alerts.json`) and into the
    /// evidence bundle (`alerts.json`). `None`: no such file.
    pub alerts: Option<Vec<crate::activity::Alert>>,
}

/// One confirmed action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRequest {
    pub kind: ActionKind,
    pub target: Target,
    /// Overrides of the settings for this request.
    pub options: ActionOptions,
}

impl ActionRequest {
    /// A request with the default options.
    pub fn new(kind: ActionKind, target: Target) -> Self {
        ActionRequest {
            kind,
            target,
            options: ActionOptions::default(),
        }
    }

    /// The confirmation question: "Isolate container web (id abc123) on unix://…? [y/N]".
    pub fn question(&self) -> String {
        format!("{} {}? [y/N]", self.kind.verb(), self.target.describe())
    }
}

/// How an action ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionOutcome {
    pub request: ActionRequest,
    /// `Ok`: a one-line summary for the status bar; `Err`: why, one line.
    pub result: Result<String, ActionError>,
    /// Files written (evidence bundle folder, report files).
    pub paths: Vec<PathBuf>,
    /// As recorded in the audit log: `Ok`, `Error` or `Refused` (nothing was changed).
    pub status: AuditOutcome,
}

/// The `[actions]` settings a runner uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionSettings {
    pub pause_on_isolate: bool,
    pub stop_timeout: Duration,
    pub log_lines: usize,
    pub evidence_dir: PathBuf,
    pub export_dir: PathBuf,
    pub audit_log: PathBuf,
    pub state_file: PathBuf,
    /// Bound on connecting to a daemon.
    pub connect_timeout: Duration,
}

impl ActionSettings {
    /// The settings of a loaded config.
    pub fn from_config(cfg: &Config) -> Self {
        let a = &cfg.actions;
        ActionSettings {
            pause_on_isolate: a.pause_on_isolate,
            stop_timeout: a.stop_timeout,
            log_lines: a.log_lines,
            evidence_dir: a.evidence_dir.clone(),
            export_dir: a.export_dir.clone(),
            audit_log: a.audit_log.clone(),
            state_file: a.state_file.clone(),
            connect_timeout: cfg.connect_timeout,
        }
    }
}

impl Default for ActionSettings {
    fn default() -> Self {
        ActionSettings::from_config(&Config::default())
    }
}

/// Why an action did not (fully) happen. `Display` is one line for a status bar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// Refused before anything changed (the reason).
    #[error("{0}")]
    Refused(String),
    /// The container is gone. (Boxed strings keep the error, and every outcome, small.)
    #[error("container {name} no longer exists on {endpoint}")]
    Gone { name: Box<str>, endpoint: Box<str> },
    /// The daemon (or an authorization plugin) does not allow it.
    #[error(
        "the daemon at {} does not allow this user to {} {}: {}",
        .0.endpoint, .0.what, .0.name, .0.source
    )]
    Denied(Box<DaemonRefusal>),
    /// A request failed: the daemon refused it (an error status), or gave no usable
    /// answer (a timeout, a broken connection, malformed JSON), said as such.
    #[error("{}", .0.sentence())]
    Docker(Box<DaemonRefusal>),
    /// The daemon could not be reached.
    #[error(transparent)]
    Unreachable(Box<ConnectError>),
    /// The daemon could not be read (a report's scan).
    #[error(transparent)]
    Inventory(Box<crate::inventory::InventoryError>),
    /// No container matches, or several do, or no daemon answered (headless commands).
    #[error("{0}")]
    NoMatch(String),
    /// The audit log cannot be written.
    #[error("cannot write the audit log {path}: {message}")]
    Audit { path: Box<str>, message: Box<str> },
    /// A file (state, evidence, report) could not be read or written.
    #[error("{0}")]
    Files(String),
    /// Attempted and failed, fully or partly: what was done and what was not.
    #[error("{0}")]
    Failed(String),
}

/// A request on a named container that the daemon refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonRefusal {
    pub endpoint: String,
    /// The verb: `stop`, `inspect`...
    pub what: &'static str,
    pub name: String,
    pub source: DockerError,
}

impl DaemonRefusal {
    /// "refused" only when the daemon answered with an error status; a request that got no
    /// usable answer says what happened instead.
    fn sentence(&self) -> String {
        let (endpoint, what, name, source) = (&self.endpoint, self.what, &self.name, &self.source);
        if source.status().is_some() {
            format!("the daemon at {endpoint} refused to {what} {name}: {source}")
        } else {
            format!(
                "could not {what} {name}: the daemon at {endpoint} gave no usable answer: {source}"
            )
        }
    }
}

impl ActionError {
    /// Was it refused before anything changed (audited as `refused`)?
    pub fn is_refusal(&self) -> bool {
        matches!(self, ActionError::Refused(_))
    }

    fn status(&self) -> AuditOutcome {
        if self.is_refusal() {
            AuditOutcome::Refused
        } else {
            AuditOutcome::Error
        }
    }
}

impl From<state_file::StateError> for ActionError {
    fn from(e: state_file::StateError) -> Self {
        ActionError::Files(e.to_string())
    }
}

/// A failed daemon call on a named container: 404 says it is gone, 403/401 a permission
/// problem, anything else quotes the daemon.
pub fn failure(endpoint: &str, what: &'static str, name: &str, e: &DockerError) -> ActionError {
    if e.is_not_found() {
        return ActionError::Gone {
            name: name.into(),
            endpoint: endpoint.into(),
        };
    }
    let (endpoint, name) = (endpoint.to_string(), name.to_string());
    let refusal = Box::new(DaemonRefusal {
        endpoint,
        what,
        name,
        source: e.clone(),
    });
    if e.is_denied() {
        ActionError::Denied(refusal)
    } else {
        ActionError::Docker(refusal)
    }
}

/// Inspect one container; a vanished one is a clear error.
pub async fn inspect(
    docker: &impl DockerApi,
    endpoint: &str,
    id: &str,
) -> Result<ContainerFacts, ActionError> {
    let short: String = id.chars().take(12).collect();
    docker
        .inspect_container(id)
        .await
        .map_err(|e| failure(endpoint, "inspect", &short, &e))
}

/// Runs actions against the daemons; one per console or headless command.
pub struct ActionRunner<C: Connector = BollardConnector> {
    endpoints: Vec<Endpoint>,
    settings: ActionSettings,
    connector: C,
}

impl ActionRunner {
    /// A runner for these endpoints (a [`Target::host`] indexes this list).
    pub fn new(endpoints: Vec<Endpoint>, settings: ActionSettings) -> Self {
        ActionRunner::with_connector(BollardConnector, endpoints, settings)
    }
}

impl<C: Connector> ActionRunner<C> {
    /// A runner that reaches the daemons through `connector`.
    pub fn with_connector(
        connector: C,
        endpoints: Vec<Endpoint>,
        settings: ActionSettings,
    ) -> Self {
        ActionRunner {
            endpoints,
            settings,
            connector,
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &ActionSettings {
        &self.settings
    }

    /// The endpoints, in [`Target::host`] order.
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }

    /// Record a confirmation the user declined.
    pub fn record_declined(&self, request: &ActionRequest) -> Result<(), ActionError> {
        audit::record_declined(&self.settings.audit_log, request).map_err(|e| self.audit_error(e))
    }

    /// Record an attempt refused before it ran (read-only mode, no `--yes`).
    pub fn record_refused(&self, request: &ActionRequest, reason: &str) -> Result<(), ActionError> {
        audit::record_refused(&self.settings.audit_log, request, reason)
            .map_err(|e| self.audit_error(e))
    }

    fn audit_error(&self, e: std::io::Error) -> ActionError {
        ActionError::Audit {
            path: self.settings.audit_log.display().to_string().into(),
            message: e.to_string().into(),
        }
    }

    /// Run one confirmed action, append it to the audit log, and say how it went.
    pub async fn run(&self, request: ActionRequest) -> ActionOutcome {
        // Nothing happens that the audit log could not record.
        if let Err(e) = audit::check_writable(&self.settings.audit_log) {
            return ActionOutcome {
                result: Err(ActionError::Refused(format!(
                    "{}; nothing was done",
                    self.audit_error(e)
                ))),
                request,
                paths: Vec::new(),
                status: AuditOutcome::Refused,
            };
        }
        // One actor per container: the lock is held until the audit line is written.
        let (held, (result, paths)) = match self.lock_for(&request) {
            Ok(held) => (held, self.execute(&request).await),
            Err(refusal) => (None, (Err(refusal), Vec::new())),
        };
        let status = match &result {
            Ok(_) => AuditOutcome::Ok,
            Err(e) => e.status(),
        };
        let entry = AuditEntry::new(
            &request,
            status,
            result.as_ref().err().map(|e| e.to_string()),
        );
        let result = match audit::append(&self.settings.audit_log, &entry) {
            Ok(()) => result,
            Err(e) => {
                let note = self.audit_error(e);
                log::error!("{note}");
                match result {
                    Ok(m) => Ok(format!("{m} (but {note})")),
                    Err(ActionError::Refused(m)) => {
                        Err(ActionError::Refused(format!("{m} (and {note})")))
                    }
                    Err(e) => Err(ActionError::Failed(format!("{e} (and {note})"))),
                }
            }
        };
        drop(held);
        ActionOutcome {
            request,
            result,
            paths,
            status,
        }
    }

    /// The lock folder (`locks/` beside the state file).
    pub fn lock_dir(&self) -> PathBuf {
        lock::lock_dir(&self.settings.state_file)
    }

    /// Take the lock of the request's container (isolate, unisolate, stop); a refusal
    /// when another seawall holds it or it cannot be taken.
    fn lock_for(
        &self,
        request: &ActionRequest,
    ) -> Result<Option<lock::ContainerLock>, ActionError> {
        let target = &request.target;
        let (ActionKind::Isolate | ActionKind::Unisolate | ActionKind::Stop) = request.kind else {
            return Ok(None);
        };
        let Some(id) = target.container_id.as_deref() else {
            return Ok(None);
        };
        self.lock(&target.endpoint, id, &target.name, request.kind.as_str())
            .map(Some)
    }

    fn lock(
        &self,
        endpoint: &str,
        id: &str,
        name: &str,
        action: &str,
    ) -> Result<lock::ContainerLock, ActionError> {
        let holder = lock::Holder::now(action, name);
        lock::acquire(&self.lock_dir(), endpoint, id, name, &holder).map_err(|e| match e {
            lock::LockError::Busy { .. } => ActionError::Refused(e.to_string()),
            lock::LockError::Io { .. } => ActionError::Refused(format!("{e}; nothing was done")),
        })
    }

    /// The isolation record `query` names (full id, recorded name, then a unique id
    /// prefix), with the target it describes (`host` is the index of its daemon among the
    /// runner's endpoints). For a container the daemon can no longer resolve.
    pub fn find_record(&self, query: &str) -> Result<(Target, IsolationRecord), ActionError> {
        let query = query.trim().trim_start_matches('/');
        if query.is_empty() {
            return Err(ActionError::NoMatch("give a container name or id".into()));
        }
        let state = state_file::StateFile::new(&self.settings.state_file);
        let doc = state.load()?;
        let all = &doc.isolations;
        let eps = &self.endpoints;
        let mut found = matching(all, eps, |r| {
            r.container_id == query || r.container_name == query
        });
        if found.is_empty() {
            found = matching(all, eps, |r| r.container_id.starts_with(query));
        }
        let record = match found.as_slice() {
            [one] => (*one).clone(),
            [] => {
                return Err(ActionError::NoMatch(format!(
                    "no isolation record matches {query:?} (see `seawall isolations`)"
                )));
            }
            many => {
                return Err(ActionError::NoMatch(format!(
                    "{query:?} is ambiguous: it matches the records of {}; use a longer id",
                    many.iter()
                        .map(|r| describe_record(r))
                        .collect::<Vec<_>>()
                        .join("; ")
                )));
            }
        };
        let Some(host) = self.endpoints.iter().position(|e| e.url == record.endpoint) else {
            return Err(ActionError::NoMatch(format!(
                "the record of {} is for the daemon {}, which is not one of the daemons in \
                 use; pick it with -H {}",
                describe_record(&record),
                record.endpoint,
                record.endpoint
            )));
        };
        let target = Target {
            host,
            endpoint: record.endpoint.clone(),
            container_id: Some(record.container_id.clone()),
            name: record.container_name.clone(),
        };
        Ok((target, record))
    }

    /// Clear the isolation record of `target`'s container, which must no longer exist on
    /// its daemon (checked under the container's lock); audited as `forget`. A container
    /// that still exists is a refusal: undo its isolation instead.
    pub async fn forget(&self, target: &Target) -> (Result<String, ActionError>, AuditOutcome) {
        if let Err(e) = audit::check_writable(&self.settings.audit_log) {
            let refusal =
                ActionError::Refused(format!("{}; nothing was done", self.audit_error(e)));
            return (Err(refusal), AuditOutcome::Refused);
        }
        let result = self.forget_locked(target).await;
        let status = match &result {
            Ok(_) => AuditOutcome::Ok,
            Err(e) => e.status(),
        };
        let entry = AuditEntry::for_target(
            "forget",
            target,
            status,
            result.as_ref().err().map(|e| e.to_string()),
        );
        let result = match audit::append(&self.settings.audit_log, &entry) {
            Ok(()) => result,
            Err(e) => {
                let note = self.audit_error(e);
                match result {
                    Ok(m) => Ok(format!("{m} (but {note})")),
                    Err(e) => Err(ActionError::Failed(format!("{e} (and {note})"))),
                }
            }
        };
        (result, status)
    }

    /// Does `target`'s container exist on its daemon? `Ok(false)` only on the daemon's
    /// own "no such container".
    pub async fn container_exists(&self, target: &Target) -> Result<bool, ActionError> {
        let id = target.container_id.as_deref().unwrap_or(&target.name);
        let (_, docker) = self.docker(target).await?;
        match docker.inspect_container(id).await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(failure(&target.endpoint, "inspect", &target.name, &e)),
        }
    }

    async fn forget_locked(&self, target: &Target) -> Result<String, ActionError> {
        let id = target.container_id.as_deref().ok_or_else(|| {
            ActionError::Refused("forget needs a container, not a whole host".into())
        })?;
        let _held = self.lock(&target.endpoint, id, &target.name, "forget")?;
        let state = state_file::StateFile::new(&self.settings.state_file);
        let Some(record) = state.find(&target.endpoint, id)? else {
            return Err(ActionError::Refused(format!(
                "{} has no isolation record on {} (nothing to forget)",
                target.name, target.endpoint
            )));
        };
        let (_, docker) = self.docker(target).await?;
        match docker.inspect_container(id).await {
            Ok(_) => {
                return Err(ActionError::Refused(format!(
                    "{} still exists on {}: undo its isolation with `seawall unisolate {}` \
                     instead (the record is what undo needs)",
                    describe_record(&record),
                    target.endpoint,
                    target.name
                )));
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(failure(&target.endpoint, "inspect", &target.name, &e)),
        }
        state.update(|doc| doc.remove(&target.endpoint, id))?;
        let evidence = record
            .evidence
            .as_ref()
            .map(|p| format!("; its evidence stays in {}", p.display()))
            .unwrap_or_default();
        Ok(format!(
            "forgot the isolation record of {} on {}: the container no longer exists{evidence}",
            describe_record(&record),
            target.endpoint
        ))
    }

    async fn docker(&self, target: &Target) -> Result<(&Endpoint, C::Api), ActionError> {
        let ep = self.endpoints.get(target.host).ok_or_else(|| {
            ActionError::Failed(format!("no daemon {} is configured", target.endpoint))
        })?;
        let docker = self
            .connector
            .connect(ep, self.settings.connect_timeout)
            .await
            .map_err(|e| ActionError::Unreachable(Box::new(e)))?;
        Ok((ep, docker))
    }

    async fn execute(
        &self,
        request: &ActionRequest,
    ) -> (Result<String, ActionError>, Vec<PathBuf>) {
        let target = &request.target;
        let opts = &request.options;
        let need_container = || {
            target.container_id.clone().ok_or_else(|| {
                ActionError::Refused(format!(
                    "{} needs a container, not a whole host",
                    request.kind.as_str()
                ))
            })
        };
        if request.kind == ActionKind::Export {
            let ep = match self.endpoints.get(target.host) {
                Some(ep) => ep,
                None => {
                    return (
                        Err(ActionError::Failed(format!(
                            "no daemon {} is configured",
                            target.endpoint
                        ))),
                        Vec::new(),
                    );
                }
            };
            let report = match export::build_report(
                ep,
                self.settings.connect_timeout,
                target.container_id.as_deref(),
            )
            .await
            {
                Ok(r) => r,
                Err(f) => return (Err(f), Vec::new()),
            };
            let dir = opts
                .export_dir
                .clone()
                .unwrap_or_else(|| self.settings.export_dir.clone());
            let formats = opts
                .formats
                .clone()
                .unwrap_or_else(|| export::FILE_FORMATS.to_vec());
            let subject = if target.container_id.is_some() {
                target.name.as_str()
            } else {
                "host"
            };
            let written =
                export::write_all(&report, &dir, subject, &formats).and_then(|mut paths| {
                    if let (Some(alerts), Some(first)) = (&opts.alerts, paths.first()) {
                        paths.push(export::write_alerts(first, alerts)?);
                    }
                    Ok(paths)
                });
            return match written {
                Ok(paths) => {
                    let shown: Vec<String> =
                        paths.iter().map(|p| p.display().to_string()).collect();
                    (
                        Ok(format!(
                            "exported the report of {} to {}",
                            target.describe(),
                            shown.join(", ")
                        )),
                        paths,
                    )
                }
                Err(f) => (Err(f), Vec::new()),
            };
        }
        let id = match need_container() {
            Ok(id) => id,
            Err(f) => return (Err(f), Vec::new()),
        };
        let (ep, docker) = match self.docker(target).await {
            Ok(x) => x,
            Err(f) => return (Err(f), Vec::new()),
        };
        let state = state_file::StateFile::new(&self.settings.state_file);
        match request.kind {
            ActionKind::Isolate => {
                let evidence_root = opts
                    .evidence_dir
                    .clone()
                    .unwrap_or_else(|| self.settings.evidence_dir.clone());
                let ctx = isolate::IsolateContext {
                    endpoint: &ep.url,
                    state: &state,
                    evidence_root: &evidence_root,
                    log_lines: self.settings.log_lines,
                    alerts: opts.alerts.as_deref(),
                    pause: opts.pause.unwrap_or(self.settings.pause_on_isolate),
                };
                match isolate::apply(&docker, &ctx, &id).await {
                    Ok(done) => (Ok(done.message), done.evidence.into_iter().collect()),
                    Err((f, evidence)) => (Err(f), evidence.into_iter().collect()),
                }
            }
            ActionKind::Unisolate => (
                isolate::undo(&docker, &ep.url, &state, &id, &target.name).await,
                Vec::new(),
            ),
            ActionKind::Stop => {
                let grace = opts.stop_timeout.unwrap_or(self.settings.stop_timeout);
                (stop::stop(&docker, &ep.url, &id, grace).await, Vec::new())
            }
            ActionKind::Export => unreachable!("handled above"),
        }
    }

    /// Find a container by name or id like the docker CLI (full id, exact name, then a
    /// unique id prefix), on every endpoint. Ambiguity (two matches, on one daemon or
    /// across several) is an error that lists them.
    pub async fn find_container(&self, query: &str) -> Result<Target, ActionError> {
        let query = query.trim().trim_start_matches('/');
        if query.is_empty() {
            return Err(ActionError::NoMatch("give a container name or id".into()));
        }
        let mut exact = Vec::new();
        let mut prefix = Vec::new();
        let mut errors = Vec::new();
        for (host, ep) in self.endpoints.iter().enumerate() {
            let docker = match self
                .connector
                .connect(ep, self.settings.connect_timeout)
                .await
            {
                Ok(d) => d,
                Err(e) => {
                    errors.push(e.to_string());
                    continue;
                }
            };
            let list = match docker.list_containers(&ListFilter::default()).await {
                Ok(l) => l,
                Err(e) => {
                    let verb = if e.status().is_some() {
                        "refused"
                    } else {
                        "gave no usable answer to"
                    };
                    errors.push(format!(
                        "the daemon at {} {verb} the container list: {e}",
                        ep.url
                    ));
                    continue;
                }
            };
            for c in list {
                let id = c.id;
                let names: Vec<String> = c
                    .names
                    .into_iter()
                    // Legacy link names (`/other/alias`) are not the container's own.
                    .filter(|n| !n.contains('/'))
                    .collect();
                let name = names.first().cloned().unwrap_or_else(|| id.clone());
                let target = Target {
                    host,
                    endpoint: ep.url.clone(),
                    container_id: Some(id.clone()),
                    name,
                };
                if id == query || names.iter().any(|n| n == query) {
                    exact.push(target);
                } else if id.starts_with(query) {
                    prefix.push(target);
                }
            }
        }
        let mut found = if exact.is_empty() { prefix } else { exact };
        match found.len() {
            1 => Ok(found.swap_remove(0)),
            0 if !errors.is_empty() => Err(ActionError::NoMatch(errors.join("; "))),
            0 => {
                let where_ = self
                    .endpoints
                    .iter()
                    .map(|e| e.url.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                Err(ActionError::NoMatch(format!(
                    "no container named {query:?} or with an id starting with it on {where_}"
                )))
            }
            _ => Err(ActionError::NoMatch(format!(
                "{query:?} is ambiguous: it matches {}; use a longer id or pick one daemon \
                 with -H",
                found
                    .iter()
                    .map(Target::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ))),
        }
    }
}

/// The records `pred` accepts; when they are on several daemons, those of `endpoints`
/// (if any).
fn matching<'a>(
    all: &'a [IsolationRecord],
    endpoints: &[Endpoint],
    pred: impl Fn(&IsolationRecord) -> bool,
) -> Vec<&'a IsolationRecord> {
    let ours = |r: &&IsolationRecord| endpoints.iter().any(|e| e.url == r.endpoint);
    let mut m: Vec<&IsolationRecord> = all.iter().filter(|r| pred(r)).collect();
    if m.len() > 1 && m.iter().any(ours) {
        m.retain(ours);
    }
    m
}

/// "web (id 3f1c2a9b8d7e)", for messages about a record.
pub fn describe_record(r: &IsolationRecord) -> String {
    let short: String = r.container_id.chars().take(12).collect();
    format!("{} (id {short})", r.container_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_names_the_container_the_id_and_the_host() {
        let r = ActionRequest::new(
            ActionKind::Isolate,
            Target {
                host: 0,
                endpoint: "unix:///var/run/docker.sock".into(),
                container_id: Some("abc123def4567890".into()),
                name: "web".into(),
            },
        );
        assert_eq!(
            r.question(),
            "Isolate container web (id abc123def456) on unix:///var/run/docker.sock? [y/N]"
        );
    }

    #[test]
    fn a_vanished_container_and_a_permission_problem_read_clearly() {
        let gone = DockerError::from_status(404, "No such container: x");
        let e = failure("unix:///s", "stop", "web", &gone);
        assert_eq!(e.to_string(), "container web no longer exists on unix:///s");
        assert!(!e.is_refusal());
        let denied = DockerError::from_status(403, "authorization denied\nby plugin");
        let m = failure("unix:///s", "stop", "web", &denied).to_string();
        assert!(
            m.contains("does not allow") && m.contains("authorization denied by plugin"),
            "{m}"
        );
    }
}

#[cfg(test)]
mod fake_tests;
