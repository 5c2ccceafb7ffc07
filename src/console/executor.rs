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
use crate::app::{Effect, Msg};
use crate::docker::Endpoint;
use crate::watch::{HostId, WatchHandle, WatchRequest};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// An audit record that could not be written; the message names the file and the cause.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AuditWriteError(String);

/// The console's effect executor: the watch tasks' handles and one action runner shared
/// by every action task.
pub struct Executor {
    runner: Arc<ActionRunner>,
    watches: Vec<WatchHandle>,
    /// Where finished actions and isolation records are sent (the loop's `done` channel).
    done: UnboundedSender<Msg>,
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
        Executor {
            runner: Arc::new(ActionRunner::new(endpoints.to_vec(), settings)),
            watches,
            done,
        }
    }

    /// Perform one effect. A message it produces at once (an audit write that failed) is
    /// returned for the reducer; later ones arrive on the `done` channel.
    pub fn run(&self, effect: Effect) -> Option<Msg> {
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
        }
    }

    /// Stop every watch task (safe to call more than once).
    pub fn stop_watching(&self) {
        for h in &self.watches {
            h.task.abort();
        }
    }

    /// Send a request to one watch task, or to every one (`None`).
    fn send_watch(&self, host: Option<HostId>, request: WatchRequest) {
        for (i, h) in self.watches.iter().enumerate() {
            if host.is_none_or(|want| want == i) {
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

    /// Read the isolation records once (at start), in the background.
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
    async fn an_audit_write_that_fails_comes_back_as_a_message() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the audit file should be: it cannot be appended to.
        let settings = ActionSettings {
            audit_log: dir.path().to_path_buf(),
            ..ActionSettings::default()
        };
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let executor = Executor::new(&[], settings, Vec::new(), tx);
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
