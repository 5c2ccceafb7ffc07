//! The connector of `ssh://` endpoints: each connection is one `ssh ... docker system
//! dial-stdio` child whose stdin and stdout carry HTTP/1.1 (keep-alive, reused by the pool
//! in [`super::unix_pool`]).
//!
//! Sessions are bounded: at most [`MAX_SESSIONS`] live at once (each connection holds a
//! permit until its child is gone), and at most [`MAX_STARTING`] are being set up at once (a
//! session counts as starting until it answered a `HEAD /_ping`; only then is it handed to
//! the pool, so requests never queue behind an ssh login), so a scan of 500 containers
//! opens a handful of sessions and never trips sshd's `MaxStartups`. Children are
//! killed when their connection is dropped. A session that fails leaves its classified
//! stderr ([`SshFailure`]) for the request that saw the connection close.

use std::pin::Pin;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, Join};
use tokio::process::{ChildStdin, ChildStdout, Command};
use tokio::sync::{Semaphore, oneshot, watch};

use super::ssh_command::{
    SshFailure, SshOptions, SshTarget, busy_failure, classify_failure, spawn_failure, ssh_args,
};

/// Live ssh sessions to one endpoint at most.
pub const MAX_SESSIONS: usize = 4;
/// Sessions being set up (not yet answered) at once at most: below any sane `MaxStartups`.
pub const MAX_STARTING: usize = 2;
/// The most stderr kept from one session.
const STDERR_CAP: u64 = 16 * 1024;
/// How long a dropped connection's child may take to exit by itself before it is killed.
const EXIT_GRACE: Duration = Duration::from_millis(300);
/// Added to ssh's connect timeout for the login and the first answer.
const SETUP_SLACK: Duration = Duration::from_secs(10);
/// How long a failed connect waits for the child's exit and stderr.
const FAILURE_WAIT: Duration = Duration::from_secs(2);
/// The longest answer headers to the probe.
const PROBE_CAP: usize = 16 * 1024;
/// How long a failed session explains later transport errors.
const FAILURE_MEMORY: Duration = Duration::from_secs(30);

/// Opens ssh sessions to one target.
#[derive(Clone)]
pub struct SshConnector {
    shared: Arc<Shared>,
}

struct Shared {
    target: SshTarget,
    options: SshOptions,
    program: std::ffi::OsString,
    /// How long a new connection waits for a free session before giving up.
    wait_for_session: Duration,
    sessions: Arc<Semaphore>,
    starting: Arc<Semaphore>,
    opened: AtomicUsize,
    /// The latest failed session, classified.
    failures: watch::Sender<Option<(Instant, Arc<SshFailure>)>>,
}

impl std::fmt::Debug for SshConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SshConnector")
            .field("target", &self.shared.target.shown())
            .finish()
    }
}

impl SshConnector {
    /// A connector for `target`; a connection waits up to `wait_for_session` for one of the
    /// [`MAX_SESSIONS`] sessions.
    pub fn new(target: SshTarget, options: SshOptions, wait_for_session: Duration) -> Self {
        let (failures, _) = watch::channel(None);
        SshConnector {
            shared: Arc::new(Shared {
                target,
                options,
                program: "ssh".into(),
                wait_for_session,
                sessions: Arc::new(Semaphore::new(MAX_SESSIONS)),
                starting: Arc::new(Semaphore::new(MAX_STARTING)),
                opened: AtomicUsize::new(0),
                failures,
            }),
        }
    }

    /// The target, for messages.
    pub fn target(&self) -> &SshTarget {
        &self.shared.target
    }

    /// ssh sessions started so far.
    pub fn sessions_opened(&self) -> usize {
        self.shared.opened.load(Ordering::Relaxed)
    }

    /// Why sessions fail, when one did lately: a failure recorded within the last
    /// [`FAILURE_MEMORY`], else one recorded within `wait` (the child's stderr and exit
    /// arrive just after the connection closes).
    pub async fn failure(&self, wait: Duration) -> Option<Arc<SshFailure>> {
        let mut rx = self.shared.failures.subscribe();
        let recent = |value: &Option<(Instant, Arc<SshFailure>)>| {
            value
                .as_ref()
                .filter(|(at, _)| at.elapsed() <= FAILURE_MEMORY)
                .map(|(_, failure)| failure.clone())
        };
        if let Some(failure) = recent(&rx.borrow_and_update()) {
            return Some(failure);
        }
        tokio::time::timeout(wait, rx.changed()).await.ok()?.ok()?;
        recent(&rx.borrow())
    }

    async fn open(self) -> Result<SshStream, std::io::Error> {
        let shared = &self.shared;
        let session = tokio::time::timeout(
            shared.wait_for_session,
            shared.sessions.clone().acquire_owned(),
        )
        .await
        .map_err(|_| {
            io_error(busy_failure(
                &shared.target,
                MAX_SESSIONS,
                shared.wait_for_session,
            ))
        })?
        .map_err(|_| std::io::Error::other("the ssh connector is closed"))?;
        let starting = tokio::time::timeout(
            shared.wait_for_session,
            shared.starting.clone().acquire_owned(),
        )
        .await
        .map_err(|_| {
            io_error(busy_failure(
                &shared.target,
                MAX_STARTING,
                shared.wait_for_session,
            ))
        })?
        .map_err(|_| std::io::Error::other("the ssh connector is closed"))?;

        let mut command = Command::new(&shared.program);
        command
            .args(ssh_args(&shared.target, &shared.options))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(err) => {
                let failure = spawn_failure(&shared.target, &err);
                shared
                    .failures
                    .send_replace(Some((Instant::now(), Arc::new(failure.clone()))));
                return Err(io_error(failure));
            }
        };
        shared.opened.fetch_add(1, Ordering::Relaxed);
        log::debug!(
            "ssh session {} to {}",
            shared.opened.load(Ordering::Relaxed),
            shared.target.shown()
        );
        let (Some(stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(std::io::Error::other("ssh started without its pipes"));
        };

        let (kill, killed) = oneshot::channel::<()>();
        let watcher = self.clone();
        tokio::spawn(async move {
            let mut stderr_text = Vec::new();
            let status = {
                let ended = async {
                    let _ = (&mut stderr)
                        .take(STDERR_CAP)
                        .read_to_end(&mut stderr_text)
                        .await;
                    child.wait().await
                };
                tokio::pin!(ended);
                tokio::select! {
                    status = &mut ended => Some(status),
                    // The connection was dropped; a child that failed on its own (the usual
                    // reason) has its exit and stderr ready within the grace.
                    _ = killed => tokio::time::timeout(EXIT_GRACE, &mut ended).await.ok(),
                }
            };
            if let Some(Ok(status)) = status
                && !status.success()
            {
                let text = String::from_utf8_lossy(&stderr_text);
                let failure = classify_failure(&watcher.shared.target, status.code(), &text);
                log::debug!("ssh session ended: {failure}");
                watcher
                    .shared
                    .failures
                    .send_replace(Some((Instant::now(), Arc::new(failure))));
            }
            // A dropped connection takes its child with it (kill_on_drop).
            drop(child);
            drop(session);
        });

        // The session is handed to the pool only once it answers: until then requests
        // keep using the sessions that are up (and a failed login is this connect's error).
        let mut stdout = stdout;
        let mut stdin = stdin;
        let setup_bound = shared.options.connect_timeout + SETUP_SLACK;
        match tokio::time::timeout(setup_bound, probe(&mut stdin, &mut stdout)).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => {
                drop(kill);
                return Err(match self.failure(FAILURE_WAIT).await {
                    Some(failure) => io_error((*failure).clone()),
                    None => err,
                });
            }
            Err(_) => {
                drop(kill);
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "the SSH session to {} did not answer within {}s",
                        shared.target.shown(),
                        setup_bound.as_secs()
                    ),
                ));
            }
        }
        drop(starting);
        Ok(SshStream {
            io: TokioIo::new(tokio::io::join(stdout, stdin)),
            _kill: kill,
        })
    }
}

/// `HEAD /_ping` over a new session, its answer's headers read to their end (a HEAD answer
/// has no body, whatever its status): the login worked and `dial-stdio` reaches a daemon.
async fn probe(stdin: &mut ChildStdin, stdout: &mut ChildStdout) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    stdin
        .write_all(b"HEAD /_ping HTTP/1.1\r\nHost: docker\r\n\r\n")
        .await?;
    stdin.flush().await?;
    let mut seen: Vec<u8> = Vec::with_capacity(512);
    let mut buf = [0u8; 512];
    loop {
        let n = stdout.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the SSH session closed before the daemon answered",
            ));
        }
        seen.extend_from_slice(&buf[..n]);
        if seen.windows(4).any(|w| w == b"\r\n\r\n") {
            return Ok(());
        }
        if seen.len() > PROBE_CAP {
            return Err(std::io::Error::other(
                "the answer to HEAD /_ping over SSH is not HTTP",
            ));
        }
    }
}

fn io_error(failure: SshFailure) -> std::io::Error {
    std::io::Error::other(failure)
}

impl tower_service::Service<Uri> for SshConnector {
    type Response = SshStream;
    type Error = std::io::Error;
    type Future =
        Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send + 'static>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: Uri) -> Self::Future {
        Box::pin(self.clone().open())
    }
}

/// One session's stdout (read) and stdin (write) as one HTTP connection.
pub struct SshStream {
    io: TokioIo<Join<ChildStdout, ChildStdin>>,
    /// Dropped with the connection: the session's watcher kills the child.
    _kill: oneshot::Sender<()>,
}

impl hyper::rt::Read for SshStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<Result<(), std::io::Error>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for SshStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<Result<usize, std::io::Error>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), std::io::Error>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), std::io::Error>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

impl Connection for SshStream {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}
