//! Runs every [`Effect`] the reducer returns, and nothing else does IO for the loop: a
//! request to the watch tasks, a confirmed action on a spawned task with the shared
//! [`ActionRunner`] (its outcome sent back into the loop as [`Msg::ActionDone`]), declined
//! and refused attempts appended to the audit log, quitting (the watch tasks stop). The
//! isolation records are read from the state file as [`Msg::Isolations`].
//!
//! The executor never writes the console's state: what the user must see about an effect
//! (an audit record that could not be written) comes back as a [`Msg`] for the reducer.

use crate::actions::state_file::StateFile;
use crate::actions::{
    ActionKind, ActionOutcome, ActionRequest, ActionRunner, ActionSettings, AuditOutcome,
};
use crate::app::hosts::DaemonSource;
use crate::app::{Effect, Msg};
use crate::docker::EndpointInputs;
use crate::docker::{BollardDocker, DockerApi, DockerError, Endpoint, LogTail};
use crate::theme::Theme;
use crate::watch::{DataEvent, HostId, WatchHandle, WatchRequest, WatchSettings};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// An audit record that could not be written; the message names the file and the cause.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AuditWriteError(String);

/// Why a daemon could not be added to the session.
#[derive(Debug, thiserror::Error)]
enum AddError {
    #[error("no daemon #{0}")]
    NoDaemon(usize),
    #[error(transparent)]
    Endpoint(#[from] crate::docker::EndpointError),
}

/// The console's effect executor: the watch tasks' handles and one action runner shared
/// by every action task.
pub struct Executor {
    runner: Arc<ActionRunner>,
    /// The watch tasks by daemon; a dropped daemon's task is aborted and removed.
    watches: BTreeMap<HostId, WatchHandle>,
    /// Every daemon's endpoint by [`HostId`] (dropped ones included, so ids index it).
    endpoints: Vec<Endpoint>,
    /// What a daemon added live needs: the data channel of the watch tasks and their
    /// settings (`None`: daemons cannot be added, as in tests).
    spawner: Option<(tokio::sync::mpsc::Sender<DataEvent>, WatchSettings)>,
    /// Where finished actions and isolation records are sent (the loop's `done` channel).
    done: UnboundedSender<Msg>,
    /// Clients for the drilldown's reads (processes, logs), one per daemon, connected on
    /// first use.
    readers: Arc<Readers>,
    /// Where user themes are (`<config dir>/themes`), and whether `NO_COLOR` is set.
    themes: (Option<PathBuf>, bool),
    /// Where the feed is saved for the next start (`console::feed_file`).
    feed_path: PathBuf,
}

/// The drilldown's clients: the daemons' endpoints and a client per daemon once connected.
struct Readers {
    /// By [`HostId`]; daemons added live are appended.
    endpoints: std::sync::Mutex<Vec<Endpoint>>,
    timeout: std::time::Duration,
    clients: tokio::sync::Mutex<HashMap<HostId, BollardDocker>>,
}

impl Readers {
    /// The client of `host`, connected on first use (again after a failed read).
    async fn client(&self, host: HostId) -> Result<BollardDocker, DockerError> {
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(&host) {
            return Ok(c.clone());
        }
        let ep = self
            .endpoints
            .lock()
            .ok()
            .and_then(|e| e.get(host).cloned())
            .ok_or_else(|| DockerError::Unreachable(format!("no daemon #{}", host + 1)))?;
        let client = crate::docker::connect(&ep, self.timeout)
            .await
            .map_err(|e| DockerError::Unreachable(e.to_string()))?;
        clients.insert(host, client.clone());
        Ok(client)
    }

    async fn forget(&self, host: HostId) {
        self.clients.lock().await.remove(&host);
    }
}

/// Read a container's processes through the port: the Processes tab's answer.
pub async fn read_top<D: DockerApi>(api: &D, host: HostId, id: String) -> Msg {
    let result = api.top(&id).await;
    Msg::Processes { host, id, result }
}

/// Read the last `lines` log lines of a container through the port: the Logs tab's answer.
pub async fn read_logs<D: DockerApi>(api: &D, host: HostId, id: String, lines: usize) -> Msg {
    let tail = api.logs_tail(&id, lines).await;
    Msg::Logs { host, id, tail }
}

impl Executor {
    /// An executor for the console's endpoints and watch tasks (both in the same order as
    /// the state's hosts).
    pub fn new(
        endpoints: &[Endpoint],
        settings: ActionSettings,
        watches: Vec<WatchHandle>,
        done: UnboundedSender<Msg>,
    ) -> Self {
        let settings_state_file = settings.state_file.clone();
        let readers = Arc::new(Readers {
            endpoints: std::sync::Mutex::new(endpoints.to_vec()),
            timeout: settings.connect_timeout,
            clients: tokio::sync::Mutex::new(HashMap::new()),
        });
        Executor {
            runner: Arc::new(ActionRunner::new(endpoints.to_vec(), settings)),
            watches: watches.into_iter().enumerate().collect(),
            endpoints: endpoints.to_vec(),
            spawner: None,
            done,
            readers,
            themes: (None, false),
            feed_path: super::feed_file::path_beside(&settings_state_file),
        }
    }

    /// The feed the last session saved, as a message for the reducer (`None`, logged, when
    /// it cannot be read). Read before the loop starts, so it comes before any new alert.
    pub fn load_feed(&self) -> Option<Msg> {
        match super::feed_file::load(&self.feed_path) {
            Ok(alerts) if alerts.is_empty() => None,
            Ok(alerts) => {
                log::info!(
                    "{} alerts of the last session restored from {}",
                    alerts.len(),
                    self.feed_path.display()
                );
                Some(Msg::FeedRestored(alerts))
            }
            Err(e) => {
                log::warn!("{e}");
                None
            }
        }
    }

    /// Let the console add daemons live: new watch tasks send on `data` with `settings`.
    pub fn with_spawner(
        mut self,
        data: tokio::sync::mpsc::Sender<DataEvent>,
        settings: WatchSettings,
    ) -> Self {
        self.spawner = Some((data, settings));
        self
    }

    /// Resolve a daemon to add: a docker CLI context (like `--context NAME`), or the
    /// endpoint of a daemon of this session.
    fn resolve(&self, source: &DaemonSource) -> Result<Endpoint, AddError> {
        match source {
            DaemonSource::Host(old) => self
                .endpoints
                .get(*old)
                .cloned()
                .ok_or(AddError::NoDaemon(*old + 1)),
            DaemonSource::Context(name) => {
                let inputs = EndpointInputs {
                    host_flag: None,
                    context_flag: Some(name.clone()),
                    ..EndpointInputs::from_env(None, None)
                };
                Ok(crate::docker::endpoint::resolve(&inputs)?)
            }
        }
    }

    /// `Effect::AddDaemon`: resolve the daemon, start its watch task under `host` and
    /// let actions and drilldown reads reach it.
    fn add_daemon(&mut self, host: HostId, source: DaemonSource) -> Msg {
        let Some((data, settings)) = self.spawner.clone() else {
            return Msg::DaemonAddFailed {
                host,
                reason: "this console cannot add daemons".into(),
            };
        };
        let endpoint = match self.resolve(&source) {
            Ok(ep) => ep,
            Err(reason) => {
                // The id stays taken (the reducer marks it dropped): keep ids aligned.
                self.push_endpoint(host, unreachable_endpoint());
                return Msg::DaemonAddFailed {
                    host,
                    reason: reason.to_string(),
                };
            }
        };
        log::info!("daemon added to the session: {}", endpoint.url);
        self.push_endpoint(host, endpoint.clone());
        self.watches.insert(
            host,
            crate::watch::spawn(host, endpoint.clone(), settings, data),
        );
        Msg::DaemonAdded {
            host,
            endpoint: endpoint.url,
        }
    }

    /// Record `endpoint` as daemon `host` for the actions and the drilldown reads.
    fn push_endpoint(&mut self, host: HostId, endpoint: Endpoint) {
        while self.endpoints.len() < host {
            self.endpoints.push(unreachable_endpoint());
        }
        if self.endpoints.len() == host {
            self.endpoints.push(endpoint);
        } else {
            self.endpoints[host] = endpoint;
        }
        if let Ok(mut e) = self.readers.endpoints.lock() {
            *e = self.endpoints.clone();
        }
        // A running action keeps the runner it started with.
        self.runner = Arc::new(ActionRunner::new(
            self.endpoints.clone(),
            self.runner.settings().clone(),
        ));
    }

    /// `Effect::DropDaemon`: stop the daemon's watch task.
    fn drop_daemon(&mut self, host: HostId) {
        if let Some(h) = self.watches.remove(&host) {
            h.task.abort();
            let url = self
                .endpoints
                .get(host)
                .map(|e| e.url.as_str())
                .unwrap_or("");
            log::info!("daemon dropped from the session: {url}");
        }
        let readers = Arc::clone(&self.readers);
        tokio::spawn(async move { readers.forget(host).await });
    }

    /// Where `SetTheme` looks for user themes, and whether `NO_COLOR` is set.
    pub fn with_themes(mut self, config_dir: Option<PathBuf>, no_color: bool) -> Self {
        self.themes = (config_dir, no_color);
        self
    }

    /// Load a theme by name (`Effect::SetTheme`): the theme to draw with and the message
    /// for the reducer (its problems, if any). The console swaps its theme with it.
    pub fn load_theme(&self, name: &str) -> (Theme, Msg) {
        let (dir, no_color) = &self.themes;
        let (theme, mut warnings) = crate::theme::load_theme(name, dir.as_deref(), *no_color);
        if *no_color {
            warnings.push(format!(
                "NO_COLOR is set: theme {name} chosen, drawn without colors"
            ));
        }
        let msg = Msg::ThemeLoaded {
            name: name.to_string(),
            warnings,
        };
        (theme, msg)
    }

    /// Run a drilldown read on its own task; the answer arrives on `done`.
    fn spawn_read(&self, effect: Effect) {
        let readers = Arc::clone(&self.readers);
        let done = self.done.clone();
        tokio::spawn(async move {
            let host = match &effect {
                Effect::ReadTop { host, .. } | Effect::ReadLogs { host, .. } => *host,
                _ => return,
            };
            let api = match readers.client(host).await {
                Ok(api) => api,
                Err(e) => {
                    let msg = match effect {
                        Effect::ReadTop { host, id } => Msg::Processes {
                            host,
                            id,
                            result: Err(e),
                        },
                        Effect::ReadLogs { host, id, .. } => Msg::Logs {
                            host,
                            id,
                            tail: LogTail {
                                bytes: Vec::new(),
                                broken: Some(e),
                            },
                        },
                        _ => return,
                    };
                    let _ = done.send(msg);
                    return;
                }
            };
            let msg = match effect {
                Effect::ReadTop { host, id } => read_top(&api, host, id).await,
                Effect::ReadLogs { host, id, lines } => read_logs(&api, host, id, lines).await,
                _ => return,
            };
            let failed = matches!(
                &msg,
                Msg::Processes {
                    result: Err(DockerError::Unreachable(_) | DockerError::Timeout),
                    ..
                } | Msg::Logs {
                    tail: LogTail {
                        broken: Some(DockerError::Unreachable(_) | DockerError::Timeout),
                        ..
                    },
                    ..
                }
            );
            if failed {
                readers.forget(host).await;
            }
            let _ = done.send(msg);
        });
    }

    /// Perform one effect. A message it produces at once (an audit write that failed) is
    /// returned for the reducer; later ones arrive on the `done` channel.
    pub fn run(&mut self, effect: Effect) -> Option<Msg> {
        match effect {
            Effect::Quit => {
                self.stop_watching();
                None
            }
            Effect::Watch { host, request } => {
                self.send_watch(host, request);
                None
            }
            Effect::Action(request) => {
                self.spawn(request);
                None
            }
            Effect::RecordDeclined(request) => self
                .record_declined(&request)
                .err()
                .map(|e| Msg::AuditFailed(e.to_string())),
            Effect::RecordRefused { request, reason } => self
                .record_refused(&request, &reason)
                .err()
                .map(|e| Msg::AuditFailed(e.to_string())),
            Effect::SetTheme(name) => Some(self.load_theme(&name).1),
            Effect::SaveFeed(alerts) => {
                if let Err(e) = super::feed_file::save(&self.feed_path, &alerts) {
                    log::warn!("{e}");
                    return Some(Msg::AuditFailed(e.to_string()));
                }
                None
            }
            read @ (Effect::ReadTop { .. } | Effect::ReadLogs { .. }) => {
                self.spawn_read(read);
                None
            }
            Effect::ListContexts => Some(list_contexts()),
            Effect::ReadIsolations => {
                self.load_isolations();
                None
            }
            Effect::AddDaemon { host, source } => Some(self.add_daemon(host, source)),
            Effect::DropDaemon { host } => {
                self.drop_daemon(host);
                None
            }
        }
    }

    /// Stop every watch task (safe to call more than once).
    pub fn stop_watching(&self) {
        for h in self.watches.values() {
            h.task.abort();
        }
    }

    /// Send a request to one watch task, or to every one (`None`).
    fn send_watch(&self, host: Option<HostId>, request: WatchRequest) {
        for (i, h) in &self.watches {
            if host.is_none_or(|want| want == *i) {
                // A stopped task has nothing left to answer; its status says so already.
                let _ = h.requests.send(request.clone());
            }
        }
    }

    /// Run `request` on its own task; the outcome (logged), then the isolation records
    /// (after an isolate or undo), arrive on `done`.
    fn spawn(&self, request: ActionRequest) {
        let runner = Arc::clone(&self.runner);
        let done = self.done.clone();
        log::info!("action started: {}", request.question());
        tokio::spawn(async move {
            let kind = request.kind;
            let outcome = runner.run(request).await;
            log_outcome(&outcome);
            let _ = done.send(Msg::ActionDone(outcome));
            if matches!(kind, ActionKind::Isolate | ActionKind::Unisolate)
                && let Some(msg) = isolations_msg(&runner.settings().state_file)
            {
                let _ = done.send(msg);
            }
        });
    }

    /// Read the isolation records (at start, on a refresh, every minute), in the background.
    pub fn load_isolations(&self) {
        let path = self.runner.settings().state_file.clone();
        let done = self.done.clone();
        tokio::task::spawn_blocking(move || {
            if let Some(msg) = isolations_msg(&path) {
                let _ = done.send(msg);
            }
        });
    }

    /// Append a declined confirmation to the audit log.
    fn record_declined(&self, request: &ActionRequest) -> Result<(), AuditWriteError> {
        log::info!(
            "action declined: {} {}",
            request.kind.as_str(),
            request.target.describe()
        );
        self.runner
            .record_declined(request)
            .map_err(|e| AuditWriteError(e.to_string()))
            .inspect_err(|e| log::error!("{e}"))
    }

    /// Append a refused attempt to the audit log.
    fn record_refused(&self, request: &ActionRequest, reason: &str) -> Result<(), AuditWriteError> {
        log::warn!(
            "action refused: {} {}: {reason}",
            request.kind.as_str(),
            request.target.describe()
        );
        self.runner
            .record_refused(request, reason)
            .map_err(|e| AuditWriteError(e.to_string()))
            .inspect_err(|e| log::error!("{e}"))
    }
}

/// The docker CLI contexts (`$DOCKER_CONFIG`, else `~/.docker`) for the daemons window.
fn list_contexts() -> Msg {
    let Some(dir) = EndpointInputs::from_env(None, None).config_dir() else {
        return Msg::Contexts {
            contexts: Vec::new(),
            problem: Some("no docker config directory (set DOCKER_CONFIG or HOME)".into()),
        };
    };
    match crate::docker::list_contexts(&dir) {
        Ok(contexts) => Msg::Contexts {
            contexts,
            problem: None,
        },
        Err(e) => Msg::Contexts {
            contexts: Vec::new(),
            problem: Some(e.to_string()),
        },
    }
}

/// The endpoint kept for an id whose daemon could not be resolved (never connected to:
/// the reducer has dropped it).
fn unreachable_endpoint() -> Endpoint {
    Endpoint {
        url: "unix:///nonexistent.sock".into(),
        transport: crate::docker::Transport::Unix {
            path: "/nonexistent.sock".into(),
        },
        source: crate::docker::EndpointSource::Default,
    }
}

/// The state file's records as a message; `None` (logged) when it cannot be read.
fn isolations_msg(path: &std::path::Path) -> Option<Msg> {
    match StateFile::new(path).load() {
        Ok(doc) => Some(Msg::Isolations(
            doc.isolations
                .into_iter()
                .map(|r| (r.endpoint, r.container_id))
                .collect(),
        )),
        Err(e) => {
            log::warn!("{e}");
            None
        }
    }
}

/// Write an outcome to seawall's log (the log pane and the log file).
pub fn log_outcome(outcome: &ActionOutcome) {
    let r = &outcome.request;
    let what = format!("{} {}", r.kind.as_str(), r.target.describe());
    match (&outcome.result, outcome.status) {
        (Ok(summary), _) => log::info!("action done: {what}: {summary}"),
        (Err(reason), AuditOutcome::Refused) => log::warn!("action refused: {what}: {reason}"),
        (Err(reason), _) => log::error!("action failed: {what}: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::Target;

    fn request() -> ActionRequest {
        ActionRequest::new(
            ActionKind::Stop,
            Target {
                host: 0,
                endpoint: "unix:///s".into(),
                container_id: Some("abc".into()),
                name: "web".into(),
            },
        )
    }

    #[tokio::test]
    async fn isolations_are_read_again_on_request() {
        use crate::actions::state_file::{IsolationRecord, RecordStatus};
        let dir = tempfile::tempdir().unwrap();
        let settings = ActionSettings {
            state_file: dir.path().join("isolations.json"),
            ..ActionSettings::default()
        };
        let file = StateFile::new(&settings.state_file);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut executor = Executor::new(&[], settings, Vec::new(), tx);
        // Another seawall isolates a container after this console started.
        file.update(|doc| {
            doc.put(IsolationRecord {
                endpoint: "unix:///var/run/docker.sock".into(),
                container_id: "c1".into(),
                container_name: "web".into(),
                isolated_at: "2026-01-02T03:04:05Z".into(),
                status: RecordStatus::Complete,
                paused_by_seawall: false,
                networks: Vec::new(),
                evidence: None,
                problems: Vec::new(),
            })
        })
        .unwrap();
        assert!(executor.run(Effect::ReadIsolations).is_none());
        let msg = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .expect("an answer")
            .expect("the channel");
        match msg {
            Msg::Isolations(records) => assert_eq!(
                records,
                vec![("unix:///var/run/docker.sock".to_string(), "c1".to_string())]
            ),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn the_drilldown_reads_go_through_the_port() {
        use crate::docker::fake::FakeDocker;
        let fake = FakeDocker::new();
        fake.add_container(FakeDocker::container("c1", "web", "running", &["bridge"]));
        fake.set_top(
            "c1",
            crate::docker::Top {
                titles: vec!["PID".into(), "CMD".into()],
                processes: vec![vec!["7".into(), "mysqld --password=hunter2".into()]],
            },
        );
        fake.set_logs("c1", b"line one\n\x1b]0;owned\x07line two\n");
        match read_top(&fake, 0, "c1".into()).await {
            Msg::Processes { host, id, result } => {
                assert_eq!((host, id.as_str()), (0, "c1"));
                let top = result.expect("top");
                assert_eq!(top.titles, ["PID", "CMD"]);
                // Redacted by the port, like the real adapter.
                assert!(!top.processes[0][1].contains("hunter2"), "{top:?}");
            }
            other => panic!("{other:?}"),
        }
        match read_logs(&fake, 0, "c1".into(), 10).await {
            Msg::Logs { tail, .. } => {
                assert_eq!(tail.bytes, b"line one\n\x1b]0;owned\x07line two\n");
                assert_eq!(tail.broken, None);
            }
            other => panic!("{other:?}"),
        }
        // A container that is not running: top fails with the daemon's words.
        fake.add_container(FakeDocker::container("c2", "db", "exited", &[]));
        match read_top(&fake, 0, "c2".into()).await {
            Msg::Processes { result: Err(e), .. } => {
                assert!(e.to_string().contains("not running"), "{e}")
            }
            other => panic!("{other:?}"),
        }
    }

    /// `AddDaemon` resolves the daemon, starts its watch task under the new id (its data
    /// arrives on the console's channel with that id) and lets actions reach it;
    /// `DropDaemon` stops the task.
    #[tokio::test]
    async fn a_daemon_added_live_gets_a_watch_task_under_its_id_and_dropping_stops_it() {
        let dead = crate::docker::Endpoint {
            url: "unix:///nonexistent.sock".into(),
            transport: crate::docker::Transport::Unix {
                path: "/nonexistent.sock".into(),
            },
            source: crate::docker::EndpointSource::HostFlag,
        };
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let (data_tx, mut data_rx) = tokio::sync::mpsc::channel(64);
        let mut executor = Executor::new(
            std::slice::from_ref(&dead),
            ActionSettings::default(),
            Vec::new(),
            tx,
        );
        // Without a spawner (tests, headless): refused with a reason.
        match executor.run(Effect::AddDaemon {
            host: 1,
            source: DaemonSource::Host(0),
        }) {
            Some(Msg::DaemonAddFailed { host: 1, reason }) => {
                assert!(reason.contains("cannot add"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        let mut executor = executor.with_spawner(data_tx, WatchSettings::default());
        match executor.run(Effect::AddDaemon {
            host: 1,
            source: DaemonSource::Host(0),
        }) {
            Some(Msg::DaemonAdded { host: 1, endpoint }) => {
                assert_eq!(endpoint, "unix:///nonexistent.sock")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(executor.runner.endpoints().len(), 2, "actions reach id 1");
        let first = tokio::time::timeout(std::time::Duration::from_secs(10), data_rx.recv())
            .await
            .expect("the new task reports")
            .expect("an event");
        assert_eq!(first.host(), 1);
        // A context that does not exist: a reason, and the id stays taken.
        match executor.run(Effect::AddDaemon {
            host: 2,
            source: DaemonSource::Context("sw-no-such-context-\u{1}".into()),
        }) {
            Some(Msg::DaemonAddFailed { host: 2, reason }) => assert!(!reason.is_empty()),
            other => panic!("{other:?}"),
        }
        assert_eq!(executor.endpoints.len(), 3);
        assert!(executor.run(Effect::DropDaemon { host: 1 }).is_none());
        assert!(!executor.watches.contains_key(&1));
    }

    #[test]
    fn the_saved_feed_is_written_beside_the_state_file_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let settings = ActionSettings {
            state_file: dir.path().join("state").join("isolations.json"),
            ..ActionSettings::default()
        };
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let mut executor = Executor::new(&[], settings, Vec::new(), tx);
        assert!(executor.load_feed().is_none(), "no file: nothing");
        let alert = crate::activity::Alert {
            time: chrono::Utc::now(),
            container: None,
            rule: "SW-ACT-NET-003".into(),
            severity: crate::risk::Severity::Medium,
            title: "Network on the host LAN created".into(),
            detail: "network lan created (driver macvlan)".into(),
            technique: String::new(),
            score_bump: 0,
        };
        let saved = vec![("unix:///s".to_string(), alert)];
        assert!(executor.run(Effect::SaveFeed(saved.clone())).is_none());
        assert!(dir.path().join("state").join("feed.jsonl").is_file());
        match executor.load_feed() {
            Some(Msg::FeedRestored(back)) => assert_eq!(back, saved),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn set_theme_loads_the_theme_and_says_so() {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let executor = Executor::new(&[], ActionSettings::default(), Vec::new(), tx);
        let (theme, msg) = executor.load_theme("light");
        assert_eq!(theme.name, "light");
        assert!(
            matches!(msg, Msg::ThemeLoaded { ref name, ref warnings } if name == "light" && warnings.is_empty())
        );
        let (theme, msg) = executor.load_theme("nope");
        assert_eq!(theme.name, "dark", "an unknown theme falls back");
        assert!(matches!(msg, Msg::ThemeLoaded { warnings, .. } if !warnings.is_empty()));
        let executor = executor.with_themes(None, true);
        let (theme, msg) = executor.load_theme("light");
        assert!(!theme.colored);
        assert!(
            matches!(msg, Msg::ThemeLoaded { warnings, .. } if warnings[0].contains("NO_COLOR"))
        );
    }

    #[tokio::test]
    async fn an_audit_write_that_fails_comes_back_as_a_message() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the audit file should be: it cannot be appended to.
        let settings = ActionSettings {
            audit_log: dir.path().to_path_buf(),
            ..ActionSettings::default()
        };
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let mut executor = Executor::new(&[], settings, Vec::new(), tx);
        for effect in [
            Effect::RecordDeclined(request()),
            Effect::RecordRefused {
                request: request(),
                reason: "read-only".into(),
            },
        ] {
            match executor.run(effect) {
                Some(Msg::AuditFailed(text)) => assert!(
                    text.contains("audit log") && text.contains(&dir.path().display().to_string()),
                    "{text}"
                ),
                other => panic!("{other:?}"),
            }
        }
        // Nothing to do, nothing to say.
        assert!(executor.run(Effect::Quit).is_none());
        assert!(
            executor
                .run(Effect::Watch {
                    host: None,
                    request: WatchRequest::Resync
                })
                .is_none()
        );
    }
}
