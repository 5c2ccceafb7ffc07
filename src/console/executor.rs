//! Runs the console's action effects: a confirmed action on a spawned task with the shared
//! [`ActionRunner`], its outcome sent back into the select loop as [`Msg::ActionDone`];
//! declined and refused attempts appended to the audit log; the isolation records read
//! from the state file as [`Msg::Isolations`].

use crate::actions::state_file::StateFile;
use crate::actions::{ActionOutcome, ActionRequest, ActionRunner, ActionSettings, AuditOutcome};
use crate::app::Msg;
use crate::config::Config;
use crate::docker::Endpoint;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// The console's action executor: one runner shared by every action task.
pub struct Executor {
    runner: Arc<ActionRunner>,
}

impl Executor {
    /// An executor for the console's endpoints (in the same order as the state's hosts).
    pub fn new(endpoints: &[Endpoint], config: &Config) -> Self {
        Executor {
            runner: Arc::new(ActionRunner::new(
                endpoints.to_vec(),
                ActionSettings::from_config(config),
            )),
        }
    }

    /// Run `request` on its own task; the outcome, then the isolation records (after an
    /// isolate or undo), arrive on `done`.
    pub fn spawn(&self, request: ActionRequest, done: UnboundedSender<Msg>) {
        let runner = Arc::clone(&self.runner);
        log::info!("action started: {}", request.question());
        tokio::spawn(async move {
            let kind = request.kind;
            let outcome = runner.run(request).await;
            let _ = done.send(Msg::ActionDone(outcome));
            if matches!(
                kind,
                crate::actions::ActionKind::Isolate | crate::actions::ActionKind::Unisolate
            ) && let Some(msg) = isolations_msg(&runner.settings().state_file)
            {
                let _ = done.send(msg);
            }
        });
    }

    /// Read the isolation records once (at start), in the background.
    pub fn load_isolations(&self, done: UnboundedSender<Msg>) {
        let path = self.runner.settings().state_file.clone();
        tokio::task::spawn_blocking(move || {
            if let Some(msg) = isolations_msg(&path) {
                let _ = done.send(msg);
            }
        });
    }

    /// Append a declined confirmation to the audit log; `Err` is a one-line message.
    pub fn record_declined(&self, request: &ActionRequest) -> Result<(), String> {
        log::info!(
            "action declined: {} {}",
            request.kind.as_str(),
            request.target.describe()
        );
        self.runner.record_declined(request).map_err(|e| {
            log::error!("{e}");
            e.to_string()
        })
    }

    /// Append a refused attempt to the audit log; `Err` is a one-line message.
    pub fn record_refused(&self, request: &ActionRequest, reason: &str) -> Result<(), String> {
        log::warn!(
            "action refused: {} {}: {reason}",
            request.kind.as_str(),
            request.target.describe()
        );
        self.runner.record_refused(request, reason).map_err(|e| {
            log::error!("{e}");
            e.to_string()
        })
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
