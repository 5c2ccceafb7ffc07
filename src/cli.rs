//! The command line: the clap definition of every command, the dispatch to the console and
//! the headless commands (`crate::headless`), and the commands small enough to live here:
//! `seawall scan` (the report; the reading and grading are `crate::scan`), `seawall rules`
//! and `seawall contexts`. Errors are [`CliError`], printed as one line by [`main`].
//!
//! Exit codes: 0 = done and nothing at or above `--fail-on`; 1 = findings at or above
//! `--fail-on`; 2 = an error (unreachable daemon, bad option, unwritable output).

use crate::config::{self, Config};
use crate::docker::{self, Endpoint, EndpointInputs};
use crate::inventory::Selection;
use crate::report::{self, Format, Report};
use crate::risk::Severity;
use crate::scan::{self, ScanOptions};
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Why a command could not run (exit 2); each message is one line for stderr.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(
        "--read-only applies to the console (`seawall --read-only`); the headless commands act \
         only with --yes or a confirmation"
    )]
    ReadOnlyHeadless,
    #[error("the console needs a terminal; for scripts use `seawall scan` (reports) instead")]
    NeedsTerminal,
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Endpoint(#[from] docker::EndpointError),
    #[error(transparent)]
    Console(#[from] crate::console::ConsoleError),
    #[error(transparent)]
    Watch(#[from] crate::headless::alert_stream::WatchCommandError),
    #[error(transparent)]
    Serve(#[from] crate::serve::ServeError),
    #[error(transparent)]
    Action(#[from] crate::headless::action_commands::CommandError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot write the report to {}: {source}", path.display())]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the man pages to {}: {source}", path.display())]
    ManPages {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write to stdout: {0}")]
    Stdout(#[source] std::io::Error),
    #[error("no rule with id {0} (see `seawall rules`)")]
    UnknownRule(String),
    #[error("cannot find the Docker config directory (set DOCKER_CONFIG or HOME)")]
    NoDockerConfig,
    #[error(transparent)]
    Contexts(#[from] docker::ContextStoreError),
    #[error(transparent)]
    Accept(#[from] config::accept::AcceptError),
    #[error(transparent)]
    Baseline(#[from] report::baseline::BaselineError),
    #[error("no container matches {0}: nothing was checked (a typo in a filter must not pass)")]
    NoMatch(String),
    #[error(transparent)]
    Compose(Box<crate::headless::compose_commands::ComposeCommandError>),
}

/// Exit code for "findings at or above --fail-on".
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for errors.
pub const EXIT_ERROR: u8 = 2;

/// `seawall --version`: the crate version, and the git commit when built from a checkout
/// (`build.rs`).
pub const VERSION: &str = if env!("SEAWALL_GIT_COMMIT").is_empty() {
    env!("CARGO_PKG_VERSION")
} else {
    concat!(
        env!("CARGO_PKG_VERSION"),
        " (git ",
        env!("SEAWALL_GIT_COMMIT"),
        ")"
    )
};

/// The help heading of the options every command takes.
const GLOBAL: &str = "Global options";
/// The help heading of the options that choose the daemons and the config file.
const DAEMON: &str = "Daemon options";

#[derive(Debug, Parser)]
#[command(
    name = "seawall",
    version = VERSION,
    about = "Security console for Docker hosts: container escape risks, scored and explained",
    long_about = None
)]
pub struct Cli {
    /// Which daemons, which config (the console's; every command that reads a daemon takes
    /// them too, after its name: `seawall scan -H URL`).
    #[command(flatten)]
    pub daemon: DaemonArgs,

    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL)]
    pub verbose: u8,

    /// Console: disable every action (isolate, stop, export); the header shows READ-ONLY.
    #[arg(long)]
    pub read_only: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The daemons to read and the config file: options of the console and of every command
/// that talks to a daemon (and only of those, so `seawall rules --help` does not list them).
/// Given before a command (`seawall -H URL scan`) or after it (`seawall scan -H URL`);
/// [`Cli::daemon_args`] merges the two.
#[derive(Debug, Args, Default, Clone)]
pub struct DaemonArgs {
    /// Daemon to connect to (unix://, tcp://, ssh://); repeat for several daemons.
    /// Default: as the docker CLI (DOCKER_HOST, DOCKER_CONTEXT, the current context, the socket).
    #[arg(short = 'H', long = "host", value_name = "URL", help_heading = DAEMON)]
    pub hosts: Vec<String>,

    /// Docker CLI context to use; repeat for several daemons.
    #[arg(short = 'c', long = "context", value_name = "NAME", help_heading = DAEMON)]
    pub contexts: Vec<String>,

    /// Config file (default: ~/.config/seawall/config.toml).
    #[arg(long, value_name = "FILE", help_heading = DAEMON)]
    pub config: Option<PathBuf>,
}

impl DaemonArgs {
    /// Add what was given after the command to what was given before it.
    fn absorb(&mut self, later: DaemonArgs) {
        self.hosts.extend(later.hosts);
        self.contexts.extend(later.contexts);
        if later.config.is_some() {
            self.config = later.config;
        }
    }
}

impl Cli {
    /// Parse the command line, the daemon options of the command merged into
    /// [`Cli::daemon`].
    pub fn parse_merged() -> Cli {
        let mut cli = Cli::parse();
        cli.merge_daemon_args();
        cli
    }

    /// Move the daemon options given after the command into [`Cli::daemon`].
    pub fn merge_daemon_args(&mut self) {
        if let Some(later) = self.command.as_mut().and_then(Command::daemon_args_mut) {
            let later = std::mem::take(later);
            self.daemon.absorb(later);
        }
    }

    /// The daemons given with `-H`.
    pub fn hosts(&self) -> &[String] {
        &self.daemon.hosts
    }

    /// The contexts given with `-c`.
    pub fn contexts(&self) -> &[String] {
        &self.daemon.contexts
    }

    /// The config file given with `--config`.
    pub fn config(&self) -> Option<&std::path::Path> {
        self.daemon.config.as_deref()
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the interactive console (the default when no command is given).
    Console(ConsoleArgs),
    /// Scan the daemon(s) and write a report; the exit code tells CI what was found.
    Scan(ScanArgs),
    /// List every rule seawall knows (id, severity, CIS number, title), or explain one.
    Rules(RulesArgs),
    /// List the Docker CLI contexts seawall can use.
    Contexts,
    /// Cut a container off every network (recorded for undo), capturing evidence first.
    Isolate(crate::headless::action_commands::IsolateArgs),
    /// Undo `seawall isolate`: reconnect the networks, aliases and static addresses
    /// (`--forget`: clear the record of a container that no longer exists).
    Unisolate(crate::headless::action_commands::UnisolateArgs),
    /// List the containers seawall has isolated (the records undo uses).
    Isolations(crate::headless::action_commands::IsolationsArgs),
    /// Stop a container gracefully; the daemon kills it after the grace period.
    Stop(crate::headless::action_commands::StopArgs),
    /// Write a report of one container or the whole host (every format, or one).
    Report(crate::headless::action_commands::ReportArgs),
    /// Stream suspicious-activity alerts as NDJSON (or text) until interrupted.
    Watch(crate::headless::alert_stream::WatchArgs),
    /// What-if: the changes that remove a container's findings (docker run flags, compose
    /// keys) and the score it would get; `--compose FILE` patches a compose file instead.
    Fix(crate::headless::compose_commands::FixArgs),
    /// Serve live risk and alert metrics for Prometheus on /metrics (and /healthz).
    Serve(crate::serve::ServeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(crate::headless::shell_docs::CompletionsArgs),
    /// Print the man page (roff), or write one page per command with --dir.
    Man(crate::headless::shell_docs::ManArgs),
}

impl Command {
    /// The daemon options of a command that reads a daemon (`None` for the others).
    fn daemon_args_mut(&mut self) -> Option<&mut DaemonArgs> {
        match self {
            Command::Console(a) => Some(&mut a.daemon),
            Command::Scan(a) => Some(&mut a.daemon),
            Command::Isolate(a) => Some(&mut a.daemon),
            Command::Unisolate(a) => Some(&mut a.daemon),
            Command::Isolations(a) => Some(&mut a.daemon),
            Command::Stop(a) => Some(&mut a.daemon),
            Command::Report(a) => Some(&mut a.daemon),
            Command::Watch(a) => Some(&mut a.daemon),
            Command::Fix(a) => Some(&mut a.daemon),
            Command::Serve(a) => Some(&mut a.daemon),
            Command::Rules(_) | Command::Contexts | Command::Completions(_) | Command::Man(_) => {
                None
            }
        }
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub daemon: DaemonArgs,

    /// Output format: table, json, sarif, markdown, html (table on a terminal, json otherwise).
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Write the report to FILE (atomically, mode 0600) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with 1 when any finding is at or above this severity (critical, high, medium,
    /// low, info). Accepted findings ([[accept]]) do not count; with --baseline only new
    /// findings count; with a container filter (--name, --label, --running) the host's
    /// posture findings are reported but do not count unless --fail-on-host is given.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,

    /// With a container filter, let host posture findings count toward --fail-on too.
    #[arg(long)]
    pub fail_on_host: bool,

    /// Accepted risks: a TOML file of [[accept]] tables (rule, container/image/label,
    /// owner, reason, expires), on top of those in the config file. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub accept: Vec<PathBuf>,

    /// A previous JSON report: mark each finding new or existing and list, per host, the
    /// findings that are resolved. With --fail-on, only new findings count.
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,

    /// Only running containers.
    #[arg(long)]
    pub running: bool,

    /// Only containers whose name matches (glob with * and ?, or a substring).
    #[arg(long, value_name = "PATTERN")]
    pub name: Option<String>,

    /// Only containers with this label (KEY or KEY=VALUE); repeat to require several.
    #[arg(long, value_name = "KEY=VALUE")]
    pub label: Vec<String>,

    /// Inspect requests in flight per daemon (default 8, or scan.concurrency in the config).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: Option<u16>,

    /// Scan a Compose file instead of a daemon (repeatable; no daemon needed). Findings
    /// carry the file and line of the key that causes them; daemon-only rules are skipped.
    #[arg(long, value_name = "FILE")]
    pub compose: Vec<PathBuf>,
    /// Give up on a daemon whose scan takes longer than SECONDS (exit 2, the others are
    /// still reported).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub timeout: Option<u64>,
}

/// `seawall console` options (also accepted without the subcommand: `seawall --read-only`).
#[derive(Debug, Args, Default)]
pub struct ConsoleArgs {
    #[command(flatten)]
    pub daemon: DaemonArgs,

    /// Disable every action (isolate, stop, export); the header shows READ-ONLY.
    #[arg(long)]
    pub read_only: bool,

    /// A previous JSON report (`seawall scan --format json`): findings not in it are
    /// marked NEW.
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,

    /// Accepted risks ([[accept]] tables), on top of those in the config file; accepted
    /// findings are shown dimmed with their expiry. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub accept: Vec<PathBuf>,
}

pub use crate::headless::rules_command::RulesArgs;

/// Entry point used by `main`.
pub fn main() -> ExitCode {
    let cli = Cli::parse_merged();
    // The console routes the log into its own pane and file; headless commands log to stderr.
    if !matches!(cli.command, None | Some(Command::Console(_))) {
        crate::logging::init(cli.verbose);
    }
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            // Errors quote container and daemon data: shown escaped, on one line.
            eprintln!(
                "seawall: {}",
                crate::sanitize::Terminal(&message.to_string())
            );
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Run a parsed command; `Err` is a one-line message for stderr (exit 2).
pub fn run(cli: Cli) -> Result<u8, CliError> {
    if cli.read_only && !matches!(cli.command, None | Some(Command::Console(_))) {
        return Err(CliError::ReadOnlyHeadless);
    }
    // `--config` must name a file, whatever the command (the console included: a typo in
    // the option is told before the screen is taken).
    if let Some(path) = cli.config() {
        config::check_explicit(path)?;
    }
    let default_console = Command::Console(ConsoleArgs::default());
    match cli.command.as_ref().unwrap_or(&default_console) {
        Command::Console(args) => console(&cli, cli.read_only || args.read_only, args),
        Command::Rules(args) => {
            let text = crate::headless::rules_command::render(args)
                .map_err(|e| CliError::UnknownRule(e.0))?;
            emit(text.as_bytes(), None)?;
            Ok(0)
        }
        Command::Contexts => contexts(),
        Command::Completions(args) => {
            let mut out = Vec::new();
            crate::headless::shell_docs::completions(args.shell, &mut out);
            emit(&out, None)?;
            Ok(0)
        }
        Command::Man(args) => man(args),
        Command::Isolate(args) => {
            crate::headless::action_commands::isolate(&cli, args).map_err(CliError::from)
        }
        Command::Unisolate(args) => {
            crate::headless::action_commands::unisolate(&cli, args).map_err(CliError::from)
        }
        Command::Isolations(args) => {
            crate::headless::action_commands::isolations(&cli, args).map_err(CliError::from)
        }
        Command::Stop(args) => {
            crate::headless::action_commands::stop(&cli, args).map_err(CliError::from)
        }
        Command::Report(args) => {
            crate::headless::action_commands::report(&cli, args).map_err(CliError::from)
        }
        Command::Watch(args) => {
            let cfg = config::load(cli.config())?;
            let endpoints = resolve_endpoints(cli.hosts(), cli.contexts())?;
            Ok(crate::headless::alert_stream::run(args, &cfg, endpoints)?)
        }
        Command::Fix(args) => crate::headless::compose_commands::fix(&cli, args)
            .map_err(|e| CliError::Compose(Box::new(e))),
        Command::Scan(args) if !args.compose.is_empty() => {
            crate::headless::compose_commands::scan(args)
                .map_err(|e| CliError::Compose(Box::new(e)))
        }
        Command::Serve(args) => {
            let cfg = config::load(cli.config())?;
            let endpoints = resolve_endpoints(cli.hosts(), cli.contexts())?;
            Ok(crate::serve::run(args, &cfg, endpoints)?)
        }
        Command::Scan(args) => {
            // A directory as the report file is told before the daemon is read.
            if let Some(path) = &args.output {
                let format = args.format.unwrap_or(Format::Json);
                report::write::check_file_target(path, &format!("report.{}", format.extension()))
                    .map_err(|source| CliError::Output {
                    path: path.clone(),
                    source,
                })?;
            }
            let cfg = config::load(cli.config())?;
            let endpoints = resolve_endpoints(cli.hosts(), cli.contexts())?;
            // One thread: the scan is IO-bound, and on small hosts the daemon needs the
            // other cores more than seawall does.
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(CliError::Runtime)?;
            runtime.block_on(scan_command(args, &cfg, &endpoints))
        }
    }
}

/// Open the console. A bad config or theme file is reported: every setting that could be
/// read applies, the others keep their defaults, and a problem that touches a safety setting
/// starts the console read-only with the reason on screen (`config::load_lenient`). An
/// endpoint that cannot be resolved at all is an error before the screen is touched.
fn console(cli: &Cli, read_only: bool, args: &ConsoleArgs) -> Result<u8, CliError> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError::NeedsTerminal);
    }
    let endpoints = resolve_endpoints(cli.hosts(), cli.contexts())?;
    let (mut config, mut warnings) = config::load_lenient(cli.config());
    // Accepted risks and the baseline are told before the screen is taken.
    let verdicts = load_verdicts(
        config.file.as_deref(),
        &args.accept,
        args.baseline.as_deref(),
    )?;
    config.read_only |= read_only;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let config_dir = config.config_dir();
    let (theme, theme_warnings) =
        crate::theme::load_theme(&config.theme, config_dir.as_deref(), no_color);
    warnings.extend(theme_warnings);
    crate::console::run(crate::console::ConsoleOptions {
        endpoints,
        config,
        warnings,
        theme,
        verdicts,
    })?;
    Ok(0)
}

/// Resolve every requested endpoint the way the docker CLI would.
pub fn resolve_endpoints(
    hosts: &[String],
    contexts: &[String],
) -> Result<Vec<Endpoint>, docker::EndpointError> {
    let mut inputs = Vec::new();
    if hosts.is_empty() && contexts.is_empty() {
        inputs.push(EndpointInputs::from_env(None, None));
    } else if !hosts.is_empty() && !contexts.is_empty() {
        // The docker CLI's rule; one or the other.
        return Err(docker::EndpointError::HostAndContext);
    }
    inputs.extend(
        hosts
            .iter()
            .map(|h| EndpointInputs::from_env(Some(h.clone()), None)),
    );
    inputs.extend(
        contexts
            .iter()
            .map(|c| EndpointInputs::from_env(None, Some(c.clone()))),
    );
    inputs.iter().map(docker::resolve).collect()
}

async fn scan_command(
    args: &ScanArgs,
    cfg: &Config,
    endpoints: &[Endpoint],
) -> Result<u8, CliError> {
    let opts = ScanOptions {
        selection: Selection {
            running_only: args.running,
            name: args.name.clone(),
            labels: args.label.clone(),
        },
        concurrency: args.concurrency.map(usize::from).unwrap_or(cfg.concurrency),
        connect_timeout: cfg.connect_timeout,
        request_timeout: cfg.request_timeout,
        deadline: args.timeout.map(std::time::Duration::from_secs),
    };
    // Accepted risks and the baseline are read first: a bad entry stops the scan.
    let verdicts = load_verdicts(cfg.file.as_deref(), &args.accept, args.baseline.as_deref())?;
    let results = scan::scan_all(endpoints, &opts).await;
    let mut hosts = Vec::new();
    let mut unreachable = Vec::new();
    let mut failed = false;
    for (ep, result) in results {
        match result {
            Ok(h) => {
                // Named on stderr too; the exit code is 2 once the report is written.
                for u in &h.unread {
                    eprintln!(
                        "seawall: {}: not read: {}",
                        crate::sanitize::Terminal(&h.endpoint),
                        crate::sanitize::Terminal(&u.line())
                    );
                    failed = true;
                }
                hosts.push(h);
            }
            Err(e) => {
                eprintln!("seawall: {}", crate::sanitize::Terminal(&e.to_string()));
                unreachable.push(report::UnreachableHost {
                    endpoint: ep.url,
                    error: e.to_string(),
                });
                failed = true;
            }
        }
    }
    if hosts.is_empty() {
        return Ok(EXIT_ERROR);
    }
    let filtered = opts.selection.running_only
        || opts.selection.name.is_some()
        || !opts.selection.labels.is_empty();
    if filtered && hosts.iter().all(|h| h.containers.is_empty()) {
        return Err(CliError::NoMatch(describe_filter(&opts.selection)));
    }
    let mut report = scan::report(hosts);
    report.unreachable = unreachable;
    report::acceptance::apply(
        &mut report,
        &verdicts.accept,
        chrono::Utc::now().date_naive(),
    );
    for warning in report::acceptance::warnings(&report) {
        eprintln!("seawall: {}", crate::sanitize::Terminal(&warning));
    }
    if let Some(baseline) = &verdicts.baseline {
        baseline.apply(&mut report);
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Json
    });
    match format {
        Format::Table => {
            let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let width = if to_terminal {
                crossterm::terminal::size()
                    .map_or(report::table::DEFAULT_WIDTH, |(w, _)| w as usize)
            } else {
                // A pipe or a file: whole lines, whatever their length.
                report::table::UNLIMITED
            };
            let text = report::render_table_width(&report, color, width);
            emit(text.as_bytes(), args.output.as_deref())?;
        }
        // Streamed: the document is never held whole in memory.
        other => emit_with(args.output.as_deref(), |out| {
            report::write_report(&report, other, out)
        })?,
    }
    let code = if failed {
        EXIT_ERROR
    } else {
        exit_code_for(&report, args.fail_on, !filtered || args.fail_on_host)
    };
    // Written and flushed; the process ends now. Freeing every finding first would only
    // delay the exit.
    std::mem::forget(report);
    Ok(code)
}

/// The `[[accept]]` entries of the config file (the one that was read, if any) and of each
/// `--accept FILE`, in that order, and the `--baseline` report.
fn load_verdicts(
    config_file: Option<&std::path::Path>,
    accept_files: &[PathBuf],
    baseline: Option<&std::path::Path>,
) -> Result<crate::app::verdicts::Verdicts, CliError> {
    let mut accept = Vec::new();
    for file in config_file
        .into_iter()
        .chain(accept_files.iter().map(PathBuf::as_path))
    {
        accept.extend(config::accept::load(file)?);
    }
    let baseline = baseline.map(report::baseline::Baseline::load).transpose()?;
    Ok(crate::app::verdicts::Verdicts { accept, baseline })
}

/// The filters of a scan, as the user gave them.
fn describe_filter(sel: &Selection) -> String {
    let mut parts = Vec::new();
    if let Some(name) = &sel.name {
        parts.push(format!("--name {name}"));
    }
    for label in &sel.labels {
        parts.push(format!("--label {label}"));
    }
    if sel.running_only {
        parts.push("--running".into());
    }
    parts.join(" ")
}

/// 1 when a finding that counts is at or above `fail_on`, else 0. A finding counts unless
/// it is accepted (and the acceptance has not expired) or, with a baseline, it already
/// existed; host posture findings count only when `count_host`.
pub fn exit_code_for(report: &Report, fail_on: Option<Severity>, count_host: bool) -> u8 {
    let Some(threshold) = fail_on else {
        return 0;
    };
    let worst = report
        .hosts
        .iter()
        .flat_map(|h| {
            let posture = h.posture.findings.iter().filter(move |_| count_host);
            posture.chain(h.containers.iter().flat_map(|c| c.findings.iter()))
        })
        .filter(|f| f.counts())
        .map(|f| f.severity)
        .max();
    match worst {
        Some(worst) if worst >= threshold => EXIT_FINDINGS,
        _ => 0,
    }
}

fn emit(bytes: &[u8], output: Option<&std::path::Path>) -> Result<(), CliError> {
    emit_with(output, |out| out.write_all(bytes))
}

/// Write to `output` (atomically, 0600) or to stdout, through a buffer.
fn emit_with(
    output: Option<&std::path::Path>,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    match output {
        Some(path) => report::write_private_with(path, fill).map_err(|source| CliError::Output {
            path: path.to_path_buf(),
            source,
        }),
        None => {
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
            match fill(&mut out).and_then(|_| out.flush()) {
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(CliError::Stdout),
            }
        }
    }
}

/// `seawall man`: the main page to stdout, or every page into `--dir`.
fn man(args: &crate::headless::shell_docs::ManArgs) -> Result<u8, CliError> {
    match &args.dir {
        None => {
            let mut out = Vec::new();
            crate::headless::shell_docs::man(&mut out).map_err(CliError::Stdout)?;
            emit(&out, None)?;
        }
        Some(dir) => {
            let written = crate::headless::shell_docs::man_pages(dir).map_err(|source| {
                CliError::ManPages {
                    path: dir.clone(),
                    source,
                }
            })?;
            let mut out = String::new();
            for path in written {
                out.push_str(&format!(
                    "{}\n",
                    crate::sanitize::Terminal(&path.display().to_string())
                ));
            }
            emit(out.as_bytes(), None)?;
        }
    }
    Ok(0)
}

fn contexts() -> Result<u8, CliError> {
    let inputs = EndpointInputs::from_env(None, None);
    let Some(dir) = inputs.config_dir() else {
        return Err(CliError::NoDockerConfig);
    };
    let list = docker::list_contexts(&dir)?;
    let mut out = format!(
        "{:<24} HOST\n{:<24} {}\n",
        "NAME", "default", "unix:///var/run/docker.sock (or DOCKER_HOST)"
    );
    for c in list {
        // Context files are data too: shown escaped.
        out.push_str(&format!(
            "{:<24} {}\n",
            crate::sanitize::terminal_line(&c.name),
            crate::sanitize::Terminal(c.host.as_deref().unwrap_or("(no docker endpoint)"))
        ));
    }
    emit(out.as_bytes(), None)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn fail_on_counts_posture_only_when_told_and_never_accepted_or_existing() {
        let mut r = sample_report();
        // Leave only low container findings, and a high posture finding.
        for c in &mut r.hosts[0].containers {
            c.findings.retain(|f| f.severity <= Severity::Low);
        }
        r.hosts[0]
            .posture
            .findings
            .retain(|f| f.severity == Severity::High);
        assert!(
            !r.hosts[0].posture.findings.is_empty(),
            "fixture has a high posture finding"
        );
        // Without filters posture counts; with filters only with --fail-on-host.
        assert_eq!(exit_code_for(&r, Some(Severity::High), true), EXIT_FINDINGS);
        assert_eq!(exit_code_for(&r, Some(Severity::High), false), 0);
        // A container finding counts with filters.
        let high = r.hosts[0].posture.findings[0].clone();
        r.hosts[0].containers[0].findings.push(high);
        assert_eq!(
            exit_code_for(&r, Some(Severity::High), false),
            EXIT_FINDINGS
        );
        r.hosts[0].containers[0].findings.pop();
        assert_eq!(exit_code_for(&r, None, true), 0);
        // An existing finding (baseline) does not count, nor an accepted one.
        for f in &mut r.hosts[0].posture.findings {
            f.baseline = Some(crate::risk::BaselineMark::Existing);
        }
        assert_eq!(exit_code_for(&r, Some(Severity::High), true), 0);
        for f in &mut r.hosts[0].posture.findings {
            f.baseline = Some(crate::risk::BaselineMark::New);
            f.acceptance = Some(Box::new(crate::risk::Acceptance {
                owner: "o".into(),
                reason: "r".into(),
                expires: "2999-01-01".into(),
                expired: false,
                source: "a entry 1".into(),
            }));
        }
        assert_eq!(exit_code_for(&r, Some(Severity::High), true), 0);
        // Expired: counts again.
        for f in &mut r.hosts[0].posture.findings {
            f.acceptance.as_mut().unwrap().expired = true;
        }
        assert_eq!(exit_code_for(&r, Some(Severity::High), true), EXIT_FINDINGS);
    }

    #[test]
    fn help_says_how_fail_on_counts() {
        use clap::CommandFactory;
        let mut cmd = Cli::command();
        let scan = cmd.find_subcommand_mut("scan").unwrap();
        let help = scan.render_long_help().to_string();
        for part in [
            "--fail-on-host",
            "--accept",
            "--baseline",
            "posture findings are reported but do not count",
        ] {
            assert!(help.contains(part), "{part} missing from:\n{help}");
        }
    }
}
