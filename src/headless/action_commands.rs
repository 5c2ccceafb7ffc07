//! `seawall isolate|unisolate|stop|report`: one action from a script or a shell, confirmed on
//! a terminal unless `--yes` is given.
//!
//! - The container is found like the docker CLI finds it (full id, exact name, unique id
//!   prefix) on every daemon given with `-H`/`-c`; a name found on two daemons is refused.
//! - Without `--yes`, on a terminal, the question names the container, its id and the daemon
//!   and defaults to No (only `y` or `yes` proceed); when stdin is not a terminal the
//!   command refuses (exit 2) and the audit log records `refused`. `report` only reads and
//!   needs no confirmation.
//! - A problem in the config or a `SEAWALL_*` variable refuses isolate, unisolate and stop
//!   before any daemon is asked (exit 2, audited `refused`); `report` exits 2 on it too.
//! - Exit 0 when the action was done, 2 otherwise (error, refusal, declined, or another
//!   seawall acting on the same container).
//! - `seawall isolations` lists the isolation records; `seawall unisolate --forget NAME|ID`
//!   clears the record of a container that no longer exists (found in the records, since
//!   the daemon cannot resolve a name that is gone).
//! - Every line printed (the question, the result, errors, paths) quotes container and
//!   daemon data (names, network names, error messages): it is written through
//!   `sanitize::terminal_line`, control, bidi and invisible characters shown escaped.

use crate::actions::{
    ActionError, ActionKind, ActionOptions, ActionRequest, ActionRunner, ActionSettings,
    AuditOutcome, Target, export,
};
use crate::cli::{Cli, EXIT_ERROR};
use crate::config::{self, Config, ConfigError};
use crate::docker::Endpoint;
use crate::report::{Format, ParseFormatError};
use crate::sanitize::{Terminal, terminal_line};
use clap::Args;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

/// `seawall isolate`.
#[derive(Debug, Args)]
pub struct IsolateArgs {
    #[command(flatten)]
    pub daemon: crate::cli::DaemonArgs,

    /// Container name or id (a unique prefix is enough).
    #[arg(value_name = "NAME|ID")]
    pub container: String,
    /// Also pause the container (default: `[actions] pause_on_isolate`).
    #[arg(long)]
    pub pause: bool,
    /// Write the evidence bundle under DIR (default: `[actions] evidence_dir`).
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub yes: bool,
}

/// `seawall unisolate`.
#[derive(Debug, Args)]
pub struct UnisolateArgs {
    #[command(flatten)]
    pub daemon: crate::cli::DaemonArgs,

    /// Container name or id (a unique prefix is enough).
    #[arg(value_name = "NAME|ID")]
    pub container: String,
    /// Clear the isolation record of a container that no longer exists (NAME|ID as
    /// recorded; see `seawall isolations`). Refused for a container that still exists.
    #[arg(long)]
    pub forget: bool,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub yes: bool,
}

/// `seawall isolations`.
#[derive(Debug, Args)]
pub struct IsolationsArgs {
    #[command(flatten)]
    pub daemon: crate::cli::DaemonArgs,

    /// `table` (default) or `json`.
    #[arg(short, long, value_name = "FORMAT", default_value = "table")]
    pub format: ListFormat,
}

/// The formats of `seawall isolations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

/// `seawall stop`.
#[derive(Debug, Args)]
pub struct StopArgs {
    #[command(flatten)]
    pub daemon: crate::cli::DaemonArgs,

    /// Container name or id (a unique prefix is enough).
    #[arg(value_name = "NAME|ID")]
    pub container: String,
    /// Seconds to wait after the stop signal before the daemon kills it
    /// (default: `[actions] stop_timeout_secs`, 10).
    #[arg(short, long = "time", value_name = "S",
          value_parser = clap::value_parser!(u64).range(0..=100))]
    pub time: Option<u64>,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub yes: bool,
}

/// `seawall report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub daemon: crate::cli::DaemonArgs,

    /// Only this container (name or id); the whole host when left out.
    #[arg(value_name = "NAME|ID")]
    pub container: Option<String>,
    /// json, sarif, markdown, html, table, or all (every file format).
    #[arg(short, long, value_name = "FORMAT", default_value = "all")]
    pub format: String,
    /// The file to write (one format), or the folder (all). Default: stdout for one
    /// format, `[actions] export_dir` for all.
    #[arg(short, long, value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,
    /// Accepted for symmetry with the other actions; a report only reads.
    #[arg(short, long)]
    pub yes: bool,
}

/// Why a headless action command could not do its work (exit 2 with this line).
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A config problem: the action is refused before any daemon is asked (audited).
    #[error("{problem}; {action} refused: fix the config first (nothing was changed)")]
    ConfigRefused {
        problem: ConfigError,
        action: &'static str,
    },
    /// The `-H`/`-c` endpoints do not resolve.
    #[error(transparent)]
    Endpoints(#[from] crate::docker::EndpointError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot read the answer: {0}")]
    Answer(std::io::Error),
    #[error("{0}, or all")]
    Format(#[from] ParseFormatError),
    /// The command line asks for something the command cannot do.
    #[error("{0}")]
    Usage(&'static str),
    #[error("cannot write the report to {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
    /// Not confirmed: nothing was changed.
    #[error("{0}. Nothing was changed")]
    NotConfirmed(String),
    #[error(transparent)]
    Action(#[from] ActionError),
}

/// The config of an action. Safety fails closed: any problem in the config or the
/// `SEAWALL_*` variables refuses the action before a daemon is asked (exit 2), and the
/// audit log (the one the config names, if that key could be read) records `refused`.
fn action_config(cli: &Cli, kind: ActionKind, query: &str) -> Result<Config, CommandError> {
    let (cfg, mut problems) = config::load_with_problems(cli.config());
    if problems.is_empty() {
        return Ok(cfg);
    }
    let problem = problems.remove(0);
    let endpoint = crate::cli::resolve_endpoints(cli.hosts(), cli.contexts())
        .map(|eps| {
            eps.iter()
                .map(|e| e.url.as_str())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let request = ActionRequest::new(
        kind,
        Target {
            host: 0,
            endpoint,
            container_id: None,
            name: query.to_string(),
        },
    );
    let reason = format!("config problem: {problem}");
    let entry = crate::actions::AuditEntry::new(&request, AuditOutcome::Refused, Some(reason));
    if let Err(a) = crate::actions::audit::append(&cfg.actions.audit_log, &entry) {
        eprintln!("seawall: cannot write the audit log: {a}");
    }
    Err(CommandError::ConfigRefused {
        problem,
        action: kind.as_str(),
    })
}

/// The target of an attempt whose container could not be resolved (for the audit log):
/// every daemon asked, and the name as given.
fn unresolved_target(runner: &ActionRunner, query: &str) -> Target {
    Target {
        host: 0,
        endpoint: runner
            .endpoints()
            .iter()
            .map(|e| e.url.as_str())
            .collect::<Vec<_>>()
            .join(","),
        container_id: None,
        name: query.to_string(),
    }
}

/// Resolve the endpoints, build a runner and a one-thread runtime.
fn setup(cli: &Cli, cfg: Config) -> Result<(ActionRunner, tokio::runtime::Runtime), CommandError> {
    let endpoints: Vec<Endpoint> = crate::cli::resolve_endpoints(cli.hosts(), cli.contexts())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CommandError::Runtime)?;
    Ok((
        ActionRunner::new(endpoints, ActionSettings::from_config(&cfg)),
        runtime,
    ))
}

/// Is `answer` a yes? Only `y` and `yes` (any case) are.
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// Ask on stderr, read one line from stdin.
fn ask(question: &str) -> Result<bool, CommandError> {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{} ", Terminal(question));
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(CommandError::Answer)?;
    Ok(is_yes(&line))
}

/// Find, confirm, run, print. The common path of isolate, unisolate and stop.
fn confirm_and_run(
    cli: &Cli,
    kind: ActionKind,
    query: &str,
    yes: bool,
    options: ActionOptions,
) -> Result<u8, CommandError> {
    let (runner, runtime) = setup(cli, action_config(cli, kind, query)?)?;
    let target = match runtime.block_on(runner.find_container(query)) {
        Ok(t) => t,
        Err(e) => {
            // A container that is gone cannot be found on the daemon; its record can.
            let e = match (&e, kind) {
                (ActionError::NoMatch(_), ActionKind::Unisolate) => match runner
                    .find_record(query)
                    .ok()
                    .filter(|(t, _)| runtime.block_on(runner.container_exists(t)) == Ok(false))
                {
                    Some((target, record)) => {
                        let (name, short) = (
                            terminal_line(&record.container_name),
                            record.container_id.chars().take(12).collect::<String>(),
                        );
                        let failed = ActionError::Failed(format!(
                            "{name} (id {short}) no longer exists on {}, but seawall still holds \
                             its isolation record (since {}); clear it with `seawall unisolate \
                             --forget {short}`",
                            terminal_line(&target.endpoint),
                            terminal_line(&record.isolated_at)
                        ));
                        let entry = crate::actions::AuditEntry::new(
                            &ActionRequest::new(kind, target),
                            AuditOutcome::Error,
                            Some(failed.to_string()),
                        );
                        if let Err(a) =
                            crate::actions::audit::append(&runner.settings().audit_log, &entry)
                        {
                            eprintln!("seawall: cannot write the audit log: {a}");
                        }
                        return Err(failed.into());
                    }
                    None => e,
                },
                _ => e,
            };
            // Audited too: someone tried.
            let request = ActionRequest::new(kind, unresolved_target(&runner, query));
            let entry =
                crate::actions::AuditEntry::new(&request, AuditOutcome::Error, Some(e.to_string()));
            if let Err(a) = crate::actions::audit::append(&runner.settings().audit_log, &entry) {
                eprintln!(
                    "seawall: cannot write the audit log: {}",
                    Terminal(&a.to_string())
                );
            }
            return Err(e.into());
        }
    };
    let request = ActionRequest {
        options,
        ..ActionRequest::new(kind, target)
    };
    if !yes {
        if !std::io::stdin().is_terminal() {
            let reason = format!(
                "not confirmed: stdin is not a terminal; add --yes to {} {} without a question",
                kind.as_str(),
                request.target.name
            );
            runner.record_refused(&request, &reason)?;
            return Err(CommandError::NotConfirmed(reason));
        }
        if !ask(&terminal_line(&request.question()))? {
            runner.record_declined(&request)?;
            eprintln!("seawall: not confirmed; nothing was changed");
            return Ok(EXIT_ERROR);
        }
    }
    let outcome = runtime.block_on(runner.run(request));
    // Messages carry names from the daemon (networks, containers): never raw.
    match outcome.result {
        Ok(message) => {
            println!("{}", Terminal(&message));
            Ok(0)
        }
        Err(message) => {
            eprintln!("seawall: {}", Terminal(&message.to_string()));
            Ok(EXIT_ERROR)
        }
    }
}

/// `seawall isolate NAME|ID [--pause] [--evidence DIR] [--yes]`.
pub fn isolate(cli: &Cli, args: &IsolateArgs) -> Result<u8, CommandError> {
    let options = ActionOptions {
        pause: args.pause.then_some(true),
        evidence_dir: args.evidence.clone(),
        ..ActionOptions::default()
    };
    confirm_and_run(cli, ActionKind::Isolate, &args.container, args.yes, options)
}

/// `seawall unisolate NAME|ID [--yes]`, or `--forget NAME|ID`.
pub fn unisolate(cli: &Cli, args: &UnisolateArgs) -> Result<u8, CommandError> {
    if args.forget {
        return forget(cli, &args.container, args.yes);
    }
    confirm_and_run(
        cli,
        ActionKind::Unisolate,
        &args.container,
        args.yes,
        ActionOptions::default(),
    )
}

/// `seawall unisolate --forget NAME|ID [--yes]`: find the record, confirm, clear it if
/// the container is gone (audited as `forget`).
fn forget(cli: &Cli, query: &str, yes: bool) -> Result<u8, CommandError> {
    let (runner, runtime) = setup(cli, action_config(cli, ActionKind::Unisolate, query)?)?;
    let audit = |target: &Target, outcome: AuditOutcome, error: Option<String>| {
        let entry = crate::actions::AuditEntry::for_target("forget", target, outcome, error);
        if let Err(a) = crate::actions::audit::append(&runner.settings().audit_log, &entry) {
            eprintln!("seawall: cannot write the audit log: {a}");
        }
    };
    let (target, record) = match runner.find_record(query) {
        Ok(found) => found,
        Err(e) => {
            let target = unresolved_target(&runner, query);
            audit(&target, AuditOutcome::Error, Some(e.to_string()));
            return Err(e.into());
        }
    };
    if !yes {
        if !std::io::stdin().is_terminal() {
            let reason = format!(
                "not confirmed: stdin is not a terminal; add --yes to forget the isolation \
                 record of {}",
                terminal_line(&target.name)
            );
            audit(&target, AuditOutcome::Refused, Some(reason.clone()));
            return Err(CommandError::NotConfirmed(reason));
        }
        let question = format!(
            "Forget the isolation record of {} (isolated since {})? [y/N]",
            terminal_line(&target.describe()),
            terminal_line(&record.isolated_at)
        );
        if !ask(&question)? {
            audit(&target, AuditOutcome::Declined, None);
            eprintln!("seawall: not confirmed; nothing was changed");
            return Ok(EXIT_ERROR);
        }
    }
    match runtime.block_on(runner.forget(&target)).0 {
        Ok(message) => {
            println!("{}", terminal_line(&message));
            Ok(0)
        }
        Err(e) => {
            eprintln!("seawall: {}", terminal_line(&e.to_string()));
            Ok(EXIT_ERROR)
        }
    }
}

/// One row of `seawall isolations --format json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IsolationRow {
    pub container_name: String,
    pub container_id: String,
    pub short_id: String,
    pub endpoint: String,
    pub isolated_at: String,
    /// `complete` or `in_progress`.
    pub status: String,
    pub paused_by_seawall: bool,
    /// The networks still to restore.
    pub networks: Vec<String>,
    pub evidence: Option<String>,
    pub problems: Vec<String>,
    /// Another seawall is acting on it right now (`isolate since …`), if so.
    pub busy: Option<String>,
}

/// The rows of the records (pure but for the lock probe), oldest first.
pub fn isolation_rows(
    doc: &crate::actions::state_file::StateDoc,
    lock_dir: &std::path::Path,
) -> Vec<IsolationRow> {
    let mut rows: Vec<IsolationRow> = doc
        .isolations
        .iter()
        .map(|r| IsolationRow {
            container_name: r.container_name.clone(),
            container_id: r.container_id.clone(),
            short_id: r.container_id.chars().take(12).collect(),
            endpoint: r.endpoint.clone(),
            isolated_at: r.isolated_at.clone(),
            status: match r.status {
                crate::actions::state_file::RecordStatus::Complete => "complete",
                crate::actions::state_file::RecordStatus::InProgress => "in_progress",
            }
            .to_string(),
            paused_by_seawall: r.paused_by_seawall,
            networks: r.networks.iter().map(|n| n.name.clone()).collect(),
            evidence: r.evidence.as_ref().map(|p| p.display().to_string()),
            problems: r.problems.clone(),
            busy: crate::actions::lock::holder_of(lock_dir, &r.endpoint, &r.container_id)
                .map(|h| format!("{} since {}", h.action, h.since)),
        })
        .collect();
    rows.sort_by(|a, b| a.isolated_at.cmp(&b.isolated_at));
    rows
}

/// The table of `seawall isolations` (pure); every value made visible.
pub fn isolations_table(rows: &[IsolationRow]) -> String {
    let head = [
        "CONTAINER",
        "ID",
        "ENDPOINT",
        "ISOLATED AT",
        "STATUS",
        "NETWORKS",
        "EVIDENCE",
    ];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            let mut status = r.status.clone();
            if r.paused_by_seawall {
                status.push_str(", paused");
            }
            if let Some(b) = &r.busy {
                status.push_str(&format!(", busy: {b}"));
            }
            [
                terminal_line(&r.container_name).into_owned(),
                terminal_line(&r.short_id).into_owned(),
                terminal_line(&r.endpoint).into_owned(),
                terminal_line(&r.isolated_at).into_owned(),
                terminal_line(&status).into_owned(),
                if r.networks.is_empty() {
                    "-".to_string()
                } else {
                    terminal_line(&r.networks.join(", ")).into_owned()
                },
                r.evidence
                    .as_deref()
                    .map_or("-".to_string(), |e| terminal_line(e).into_owned()),
            ]
        })
        .collect();
    let mut widths = head.map(unicode_width::UnicodeWidthStr::width);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(unicode_width::UnicodeWidthStr::width(c.as_str()));
        }
    }
    let line = |row: &[&str]| {
        let mut out = String::new();
        for (i, (c, w)) in row.iter().zip(widths).enumerate() {
            out.push_str(c);
            if i + 1 < row.len() {
                let pad = w - unicode_width::UnicodeWidthStr::width(*c) + 2;
                out.push_str(&" ".repeat(pad));
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(&head);
    for row in &cells {
        out.push_str(&line(&row.each_ref().map(String::as_str)));
    }
    out
}

/// `seawall isolations [--format table|json]`: the isolation records, read from the
/// state file (no daemon needed).
pub fn isolations(cli: &Cli, args: &IsolationsArgs) -> Result<u8, CommandError> {
    let cfg: Config = config::load(cli.config())?;
    let settings = ActionSettings::from_config(&cfg);
    let state = crate::actions::state_file::StateFile::new(&settings.state_file);
    let doc = state.load().map_err(ActionError::from)?;
    let rows = isolation_rows(&doc, &crate::actions::lock::lock_dir(&settings.state_file));
    let text = match args.format {
        ListFormat::Json => {
            let doc = serde_json::json!({
                "state_file": settings.state_file.display().to_string(),
                "isolations": rows,
            });
            let mut t = serde_json::to_string_pretty(&doc).unwrap_or_default();
            t.push('\n');
            t
        }
        ListFormat::Table if rows.is_empty() => format!(
            "no container is isolated by seawall (records in {})\n",
            terminal_line(&settings.state_file.display().to_string())
        ),
        ListFormat::Table => isolations_table(&rows),
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CommandError::Stdout(e)),
        _ => Ok(0),
    }
}

/// `seawall stop NAME|ID [--time S] [--yes]`.
pub fn stop(cli: &Cli, args: &StopArgs) -> Result<u8, CommandError> {
    let options = ActionOptions {
        stop_timeout: args.time.map(Duration::from_secs),
        ..ActionOptions::default()
    };
    confirm_and_run(cli, ActionKind::Stop, &args.container, args.yes, options)
}

/// What `--format` asks for: one format, or every file format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportFormats {
    One(Format),
    All,
}

/// Parse `--format` (pure).
pub fn parse_formats(text: &str) -> Result<ReportFormats, CommandError> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(ReportFormats::All);
    }
    Ok(ReportFormats::One(text.parse::<Format>()?))
}

/// `seawall report [NAME|ID] [--format F] [--output FILE|DIR]`.
pub fn report(cli: &Cli, args: &ReportArgs) -> Result<u8, CommandError> {
    let formats = parse_formats(&args.format)?;
    // A report only reads, but it writes files where `[actions]` says and audits them:
    // any config problem refuses it too (exit 2), as for `seawall scan`.
    let (runner, runtime) = setup(cli, config::load(cli.config())?)?;
    let target = match &args.container {
        Some(q) => runtime.block_on(runner.find_container(q))?,
        None => {
            let [ep] = runner.endpoints() else {
                return Err(CommandError::Usage(
                    "a host report needs exactly one daemon: pick one with -H or -c \
                     (or use `seawall scan` for several)",
                ));
            };
            Target {
                host: 0,
                endpoint: ep.url.clone(),
                container_id: None,
                name: ep.url.clone(),
            }
        }
    };
    match (formats, &args.output) {
        (ReportFormats::One(format), output) => {
            // One format to one file (or stdout): built here, audited like an export.
            let mut request = ActionRequest::new(ActionKind::Export, target.clone());
            request.options.formats = Some(vec![format]);
            let ep = &runner.endpoints()[target.host];
            let built = runtime.block_on(export::build_report(
                ep,
                runner.settings().connect_timeout,
                target.container_id.as_deref(),
            ));
            let result = built.map_err(CommandError::from).and_then(|report| {
                let bytes = export::render(&report, format);
                match output {
                    Some(path) => crate::report::write_private(path, &bytes).map_err(|source| {
                        CommandError::Write {
                            path: path.display().to_string(),
                            source,
                        }
                    }),
                    None => {
                        let mut out = std::io::stdout().lock();
                        match out.write_all(&bytes).and_then(|_| out.flush()) {
                            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                                Err(CommandError::Stdout(e))
                            }
                            _ => Ok(()),
                        }
                    }
                }
            });
            let (status, error) = match &result {
                Ok(()) => (AuditOutcome::Ok, None),
                Err(e) => (AuditOutcome::Error, Some(e.to_string())),
            };
            let entry = crate::actions::AuditEntry::new(&request, status, error);
            if let Err(e) = crate::actions::audit::append(&runner.settings().audit_log, &entry) {
                eprintln!(
                    "seawall: cannot write the audit log: {}",
                    Terminal(&e.to_string())
                );
            }
            result?;
            if let Some(path) = output {
                eprintln!("wrote {}", Terminal(&path.display().to_string()));
            }
            Ok(0)
        }
        (ReportFormats::All, output) => {
            let mut request = ActionRequest::new(ActionKind::Export, target);
            request.options.export_dir = output.clone();
            let outcome = runtime.block_on(runner.run(request));
            match outcome.result {
                Ok(_) => {
                    for p in &outcome.paths {
                        println!("{}", Terminal(&p.display().to_string()));
                    }
                    Ok(0)
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_y_and_yes_confirm() {
        for a in ["y", "Y", "yes", " YES \n"] {
            assert!(is_yes(a), "{a:?}");
        }
        for a in ["", "\n", "n", "no", "ye", "sure", "y es"] {
            assert!(!is_yes(a), "{a:?}");
        }
    }

    #[test]
    fn the_isolations_table_lists_name_id_endpoint_time_networks_and_evidence() {
        use crate::actions::state_file::{IsolationRecord, NetworkRecord, RecordStatus, StateDoc};
        let net = |n: &str| NetworkRecord {
            name: n.into(),
            id: format!("id-{n}"),
            aliases: vec![],
            ipv4_address: None,
            ipv6_address: None,
            link_local_ips: vec![],
            links: vec![],
            driver_opts: Default::default(),
            ip_address: None,
        };
        let doc = StateDoc {
            version: 1,
            isolations: vec![
                IsolationRecord {
                    endpoint: "unix:///var/run/docker.sock".into(),
                    container_id: "3f1c2a9b8d7e6f5a4b3c".into(),
                    container_name: "web".into(),
                    isolated_at: "2026-01-02T03:04:05Z".into(),
                    status: RecordStatus::Complete,
                    paused_by_seawall: true,
                    networks: vec![net("back"), net("fr\x1b[2Jont")],
                    evidence: Some("/s/evidence/web-1".into()),
                    problems: vec![],
                },
                IsolationRecord {
                    endpoint: "tcp://h:2376".into(),
                    container_id: "0123456789abcdef".into(),
                    container_name: "db".into(),
                    isolated_at: "2026-01-01T00:00:00Z".into(),
                    status: RecordStatus::InProgress,
                    paused_by_seawall: false,
                    networks: vec![],
                    evidence: None,
                    problems: vec!["x".into()],
                },
            ],
        };
        let dir = tempfile::tempdir().unwrap();
        let rows = isolation_rows(&doc, dir.path());
        assert_eq!(rows[0].container_name, "db", "oldest first");
        let table = isolations_table(&rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3, "{table}");
        assert!(
            lines[0].starts_with("CONTAINER  ID            ENDPOINT"),
            "{table}"
        );
        assert!(
            lines[1].starts_with("db         0123456789ab  tcp://h:2376")
                && lines[1].contains("in_progress")
                && lines[1].trim_end().ends_with('-'),
            "{table}"
        );
        assert!(
            lines[2].contains("web")
                && lines[2].contains("3f1c2a9b8d7e")
                && lines[2].contains("2026-01-02T03:04:05Z")
                && lines[2].contains("complete, paused")
                && lines[2].contains("back, fr\\e[2Jont")
                && lines[2].ends_with("/s/evidence/web-1"),
            "{table}"
        );
        assert!(!table.contains('\x1b'), "no raw escape: {table:?}");
        let json = serde_json::to_value(&rows).unwrap();
        assert_eq!(json[1]["networks"][1], "fr\x1b[2Jont", "JSON stays JSON");
        assert_eq!(json[1]["evidence"], "/s/evidence/web-1");
        assert_eq!(json[0]["busy"], serde_json::Value::Null);
    }

    #[test]
    fn formats_are_one_or_all() {
        assert_eq!(parse_formats("all").unwrap(), ReportFormats::All);
        assert_eq!(
            parse_formats("sarif").unwrap(),
            ReportFormats::One(Format::Sarif)
        );
        let e = parse_formats("pdf").unwrap_err().to_string();
        assert!(e.contains("pdf") && e.contains("all"), "{e}");
    }
}
