//! `seawall serve`: live risk for fleets. The same watch tasks and grader as the console
//! run headless (one task per daemon given with `-H`/`--context`); what they report
//! updates Prometheus series (`metrics`), served on `/metrics` with `/healthz` beside it
//! (`http`). Every alert also counts in `seawall_alerts_total` and, with `--ndjson`, is
//! printed on stdout as `seawall watch` prints it (for a log shipper). SIGINT and SIGTERM
//! stop it with exit code 0; an unreachable daemon is retried forever
//! (`seawall_daemon_up` is 0 meanwhile).

pub mod http;
pub mod metrics;

use crate::config::Config;
use crate::docker::Endpoint;
use crate::watch::{self, DataEvent, LinkStatus, WatchSettings};
use clap::Args;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// The address `seawall serve` listens on unless told otherwise (loopback only).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9807";

/// Options of `seawall serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub daemon: crate::cli::DaemonArgs,
    /// Address and port to serve /metrics and /healthz on (0.0.0.0:9807 for every interface).
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// Also write every activity alert as NDJSON on stdout (as `seawall watch` does).
    #[arg(long)]
    pub ndjson: bool,
}

/// Why `seawall serve` stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot watch for {name}: {source}")]
    Signal {
        name: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("every watch task stopped")]
    TasksStopped,
}

/// Run `seawall serve` until SIGINT or SIGTERM.
pub fn run(args: &ServeArgs, config: &Config, endpoints: Vec<Endpoint>) -> Result<u8, ServeError> {
    // One thread, as `seawall watch`: the work is IO-bound and small.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let settings = WatchSettings::from_config(config);
    runtime.block_on(serve_loop(args, settings, endpoints))
}

async fn serve_loop(
    args: &ServeArgs,
    settings: WatchSettings,
    endpoints: Vec<Endpoint>,
) -> Result<u8, ServeError> {
    use tokio::signal::unix::{SignalKind, signal};
    let listen = |kind: SignalKind, name: &'static str| {
        signal(kind).map_err(|source| ServeError::Signal { name, source })
    };
    let mut sigint = listen(SignalKind::interrupt(), "SIGINT")?;
    let mut sigterm = listen(SignalKind::terminate(), "SIGTERM")?;
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|source| ServeError::Listen {
            addr: args.listen,
            source,
        })?;
    let bound = listener.local_addr().unwrap_or(args.listen);
    log::info!("serving metrics on http://{bound}/metrics");

    let urls: Vec<String> = endpoints.iter().map(|e| e.url.clone()).collect();
    let (mut fleet, exposition) = metrics::FleetMetrics::new(&urls);
    let exposition = Arc::new(exposition);
    let (tx, mut rx) = mpsc::channel::<DataEvent>(4096);
    // The tasks (and open connections) stop with the runtime when this function returns.
    let _handles: Vec<watch::WatchHandle> = endpoints
        .into_iter()
        .enumerate()
        .map(|(i, ep)| watch::spawn(i, ep, settings.clone(), tx.clone()))
        .collect();
    drop(tx);
    let url = |host: usize| urls.get(host).map_or("?", String::as_str);
    let mut ndjson = args.ndjson;

    loop {
        tokio::select! {
            event = rx.recv() => {
                let Some(event) = event else {
                    return Err(ServeError::TasksStopped);
                };
                fleet.apply(&event);
                match &event {
                    DataEvent::Alert { host, alert, .. } if ndjson => {
                        let line = crate::headless::alert_stream::ndjson_line(alert, url(*host));
                        let mut stdout = std::io::stdout();
                        if let Err(e) = writeln!(stdout, "{line}").and_then(|_| stdout.flush()) {
                            // The metrics matter more than the log copy: keep serving.
                            log::warn!("cannot write alerts to stdout any more ({e}); metrics go on");
                            ndjson = false;
                        }
                    }
                    DataEvent::Status { host, status } => match status {
                        LinkStatus::Connecting => log::info!("connecting to {}", url(*host)),
                        LinkStatus::Live => log::info!(
                            "watching {} ({} containers in the metrics)",
                            url(*host),
                            fleet.containers()
                        ),
                        LinkStatus::Down { retry_in_secs, .. } => {
                            log::info!("{}: retrying in {retry_in_secs} s", url(*host))
                        }
                    },
                    DataEvent::Error { host, message } => log::warn!("{}: {message}", url(*host)),
                    _ => {}
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    tokio::spawn(http::serve_connection(stream, Arc::clone(&exposition)));
                }
                // Out of file descriptors and the like: this connection is lost, not the server.
                Err(e) => {
                    log::warn!("cannot accept a metrics connection: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            },
            _ = sigint.recv() => return Ok(0),
            _ = sigterm.recv() => return Ok(0),
        }
    }
}
