//! `seawall isolate|unisolate|stop|report`: one action from a script or a shell, confirmed on
//! a terminal unless `--yes` is given.
//!
//! - The container is found like the docker CLI finds it (full id, exact name, unique id
//!   prefix) on every daemon given with `-H`/`-c`; a name found on two daemons is refused.
//! - Without `--yes`, on a terminal, the question names the container, its id and the daemon
//!   and defaults to No (only `y` or `yes` proceed); when stdin is not a terminal the
//!   command refuses (exit 2) and the audit log records `refused`. `report` only reads and
//!   needs no confirmation.
//! - Exit 0 when the action was done, 2 otherwise (error, refusal, declined).
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
use crate::sanitize::Terminal;
use clap::Args;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

/// `seawall isolate`.
#[derive(Debug, Args)]
pub struct IsolateArgs {
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
    /// Container name or id (a unique prefix is enough).
    #[arg(value_name = "NAME|ID")]
    pub container: String,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub yes: bool,
}

/// `seawall stop`.
#[derive(Debug, Args)]
pub struct StopArgs {
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

/// Load the config, resolve the endpoints, build a runner and a one-thread runtime.
fn setup(cli: &Cli) -> Result<(ActionRunner, tokio::runtime::Runtime), CommandError> {
    let cfg: Config = config::load(cli.config.as_deref())?;
    let endpoints: Vec<Endpoint> = crate::cli::resolve_endpoints(&cli.hosts, &cli.contexts)?;
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
    let (runner, runtime) = setup(cli)?;
    let target = match runtime.block_on(runner.find_container(query)) {
        Ok(t) => t,
        Err(e) => {
            // Audited too: someone tried.
            let request = ActionRequest::new(
                kind,
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
                },
            );
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
        if !ask(&request.question())? {
            runner.record_declined(&request)?;
            eprintln!("seawall: not confirmed; nothing was changed");
            return Ok(EXIT_ERROR);
        }
    }
    let outcome = runtime.block_on(runner.run(request));
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

/// `seawall unisolate NAME|ID [--yes]`.
pub fn unisolate(cli: &Cli, args: &UnisolateArgs) -> Result<u8, CommandError> {
    confirm_and_run(
        cli,
        ActionKind::Unisolate,
        &args.container,
        args.yes,
        ActionOptions::default(),
    )
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
    let (runner, runtime) = setup(cli)?;
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
