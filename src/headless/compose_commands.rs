//! `seawall scan --compose FILE` (no daemon) and `seawall fix NAME | --compose FILE`.

use crate::cli::{Cli, EXIT_FINDINGS, ScanArgs};
use crate::compose::{self, ComposeError, report as compose_report};
use crate::docker::{ConnectError, Transport, connect};
use crate::fix::{self, FixPlan, compose_patch};
use crate::inventory::{self, InventoryError};
use crate::model::{ContainerFacts, HostFacts};
use crate::report::Format;
use crate::risk::Finding;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// Why a compose scan or a fix could not run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ComposeCommandError {
    #[error(transparent)]
    Compose(#[from] ComposeError),
    #[error("--format {0} is not available with --compose (use table, json or sarif)")]
    Format(Format),
    #[error("{0} cannot be combined with --compose (a compose scan reads no daemon)")]
    DaemonOption(&'static str),
    #[error("fix needs a container NAME or --compose FILE (not both)")]
    FixTarget,
    #[error("--service and --diff need --compose FILE")]
    ComposeOnly,
    #[error("--diff writes the compose file's diff: it cannot be combined with --format json")]
    DiffJson,
    #[error("a live fix needs exactly one daemon: pick one with -H or -c")]
    OneDaemon,
    #[error(transparent)]
    Endpoint(#[from] crate::docker::EndpointError),
    #[error(transparent)]
    Connect(Box<ConnectError>),
    #[error(transparent)]
    Inventory(#[from] InventoryError),
    #[error("no container named {0} on {1}")]
    NoContainer(String, String),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot write {}: {source}", path.display())]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write to stdout: {0}")]
    Stdout(#[source] std::io::Error),
}

/// `seawall fix` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FixFormat {
    /// Live: the changes as text; compose: the patched compose document.
    Text,
    /// `{"container","score","predicted_score","changes":[{"finding","run_flag","compose"}]}`
    /// (one object per service for a compose file: a list).
    Json,
}

/// `seawall fix` options.
#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub daemon: crate::cli::DaemonArgs,
    /// The live container to harden (name or id).
    pub name: Option<String>,
    /// A compose file to harden instead of a live container (no daemon needed).
    #[arg(long, value_name = "FILE")]
    pub compose: Option<PathBuf>,
    /// Only this service of the compose file.
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
    /// Print a unified diff of the compose file instead of the patched document.
    #[arg(long)]
    pub diff: bool,
    /// Output format: text (default) or json.
    #[arg(short, long, value_enum, default_value = "text")]
    pub format: FixFormat,
    /// Write the output to FILE (mode 0600) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn emit(bytes: &[u8], output: Option<&std::path::Path>) -> Result<(), ComposeCommandError> {
    match output {
        Some(path) => crate::report::write_private(path, bytes).map_err(|source| {
            ComposeCommandError::Output {
                path: path.to_path_buf(),
                source,
            }
        }),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|_| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(ComposeCommandError::Stdout(e))
                }
                _ => Ok(()),
            }
        }
    }
}

/// Load and grade every `--compose` file on the assumed daemon.
pub fn compose_report(
    files: &[PathBuf],
) -> Result<compose_report::ComposeReport, ComposeCommandError> {
    let host = compose::assumed_host();
    let mut reports = Vec::with_capacity(files.len());
    for f in files {
        let project = compose::load(f, None)?;
        let graded = compose::grade(&project, &host);
        reports.push(compose_report::file_report(&project, graded));
    }
    Ok(compose_report::ComposeReport::new(reports))
}

/// `seawall scan --compose FILE...`.
pub fn scan(args: &ScanArgs) -> Result<u8, ComposeCommandError> {
    if args.running {
        return Err(ComposeCommandError::DaemonOption("--running"));
    }
    if args.name.is_some() {
        return Err(ComposeCommandError::DaemonOption("--name"));
    }
    if !args.label.is_empty() {
        return Err(ComposeCommandError::DaemonOption("--label"));
    }
    let to_terminal = args.output.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let format = args.format.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Json
    });
    let text = match format {
        Format::Table | Format::Json | Format::Sarif => {
            let report = compose_report(&args.compose)?;
            let text = match format {
                Format::Table => compose_report::render_table(&report),
                Format::Sarif => compose_report::render_sarif(&report),
                _ => compose_report::render_json(&report),
            };
            let code = match (args.fail_on, report.worst_severity()) {
                (Some(t), Some(w)) if w >= t => EXIT_FINDINGS,
                _ => 0,
            };
            (text, code)
        }
        other => return Err(ComposeCommandError::Format(other)),
    };
    emit(text.0.as_bytes(), args.output.as_deref())?;
    Ok(text.1)
}

/// `seawall fix NAME` or `seawall fix --compose FILE [--service S] [--diff]`.
pub fn fix(cli: &Cli, args: &FixArgs) -> Result<u8, ComposeCommandError> {
    match (&args.name, &args.compose) {
        (Some(name), None) => {
            if args.service.is_some() || args.diff {
                return Err(ComposeCommandError::ComposeOnly);
            }
            let plan = fix_live(cli, name)?;
            let text = match args.format {
                FixFormat::Json => fix::render_json(&plan),
                FixFormat::Text => fix::render_text(&plan),
            };
            emit(text.as_bytes(), args.output.as_deref())?;
            Ok(0)
        }
        (None, Some(file)) => {
            if args.diff && args.format == FixFormat::Json {
                return Err(ComposeCommandError::DiffJson);
            }
            let text = fix_compose(file, args.service.as_deref(), args.format, args.diff)?;
            emit(text.as_bytes(), args.output.as_deref())?;
            Ok(0)
        }
        _ => Err(ComposeCommandError::FixTarget),
    }
}

/// Read one container and the daemon's facts, and plan its fix.
pub fn fix_live(cli: &Cli, name: &str) -> Result<FixPlan, ComposeCommandError> {
    let cfg = crate::config::load(cli.config())?;
    let endpoints = crate::cli::resolve_endpoints(cli.hosts(), cli.contexts())?;
    let [ep] = endpoints.as_slice() else {
        return Err(ComposeCommandError::OneDaemon);
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ComposeCommandError::Runtime)?;
    let (host, facts) = runtime.block_on(async {
        let docker = connect(ep, cfg.connect_timeout)
            .await
            .map_err(|e| ComposeCommandError::Connect(Box::new(e)))?;
        let plain_tcp = matches!(ep.transport, Transport::Tcp { tls: None, .. });
        let (host, facts) = tokio::join!(
            inventory::host_facts(&docker, &ep.url, plain_tcp),
            inventory::inspect_one(&docker, &ep.url, name)
        );
        Ok::<_, ComposeCommandError>((host?, facts?))
    })?;
    let facts =
        facts.ok_or_else(|| ComposeCommandError::NoContainer(name.into(), ep.url.clone()))?;
    Ok(plan_live(&facts, &host))
}

/// The fix plan of a live container on its daemon (every finding counts).
pub fn plan_live(facts: &ContainerFacts, host: &HostFacts) -> FixPlan {
    let mut grader = crate::risk::Grader::new(host.clone());
    let findings = grader.upsert(facts.clone()).0.findings;
    fix::plan(facts, &findings, host, &|_: &Finding| true)
}

/// The compose fix: per service the plan, as JSON, or the patched document (or its diff).
pub fn fix_compose(
    file: &std::path::Path,
    service: Option<&str>,
    format: FixFormat,
    diff: bool,
) -> Result<String, ComposeCommandError> {
    let project = compose::load(file, None)?;
    if let Some(s) = service
        && project.service(s).is_none()
    {
        return Err(ComposeError::NoService {
            path: file.to_path_buf(),
            service: s.to_string(),
        }
        .into());
    }
    let host = compose::assumed_host();
    let graded = compose::grade(&project, &host);
    let keep = |f: &Finding| !compose::needs_daemon(f);
    let plans: Vec<(String, FixPlan)> = graded
        .iter()
        .filter(|g| service.is_none_or(|s| s == g.service))
        .map(|g| {
            let findings: Vec<Finding> = g.findings.iter().map(|(f, _)| f.clone()).collect();
            let mut p = fix::plan(&g.facts, &findings, &host, &keep);
            p.container = g.service.clone();
            (g.service.clone(), p)
        })
        .collect();
    if format == FixFormat::Json {
        let list: Vec<&FixPlan> = plans.iter().map(|(_, p)| p).collect();
        let mut s = if let (Some(_), [one]) = (service, list.as_slice()) {
            serde_json::to_string_pretty(one)
        } else {
            serde_json::to_string_pretty(&list)
        }
        .expect("plans serialize");
        s.push('\n');
        return Ok(s);
    }
    let targets: Vec<(&compose::load::Service, &[fix::Change])> = plans
        .iter()
        .filter_map(|(name, p)| Some((project.service(name)?, p.changes.as_slice())))
        .collect();
    let patched = compose_patch::patch(&project, &targets);
    for (name, p) in &plans {
        eprintln!(
            "seawall: service {}: score {} -> {} predicted ({} changes{})",
            crate::sanitize::terminal_line(name),
            p.score,
            p.predicted_score,
            p.changes.len(),
            match p.changes.iter().filter(|c| c.breaking.is_some()).count() {
                0 => String::new(),
                n => format!(", {n} may break the workload: see --format json"),
            }
        );
    }
    for note in &patched.notes {
        eprintln!("seawall: note: {}", crate::sanitize::terminal_line(note));
    }
    if diff {
        let name = compose_report::shown_path(project.path(patched.file));
        Ok(compose_patch::unified_diff(
            &project.files[patched.file].text,
            &patched.text,
            &name,
        ))
    } else {
        Ok(patched.text)
    }
}
