//! Connecting to a resolved [`Endpoint`]: build the bollard client, negotiate the API version,
//! ping, all under one timeout; failures become one human line ([`ConnectError`]).

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::Path;
use std::time::Duration;

use bollard::errors::Error as BollardError;
use bollard::{API_DEFAULT_VERSION, ClientVersion, Docker};
use serde::Serialize;

use super::bollard_api::BollardDocker;
use super::endpoint::{Endpoint, EndpointSource, Transport};
use super::ssh_command::{SshFailure, SshOptions, SshTarget};
use super::ssh_connector::SshConnector;

/// Default bound on waiting for the headers of an answer (`[scan] request_timeout_secs`):
/// a daemon or proxy that accepts a request and then hangs is given up on in seconds, not
/// bollard's 120 s. The `timeout` given to [`connect`] bounds only the handshake.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Bound on reading a whole answer body once its headers arrived (a 60 MB container list
/// on a busy daemon takes seconds; a body that stalls is given up on after this).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(120);

/// The longest daemon or library message quoted in a [`ConnectError`].
const MAX_DETAIL_CHARS: usize = 300;

/// Why a daemon could not be reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Cause {
    /// The unix socket does not exist.
    NoSocket,
    /// The socket (or address) exists but this user may not open it.
    PermissionDenied,
    /// Nothing accepts connections at that address.
    Refused,
    /// TLS material is missing or unusable, or the handshake failed.
    Tls,
    /// No answer within the timeout.
    Timeout,
    /// The SSH connection (or `docker system dial-stdio` on the remote) failed.
    Ssh,
    /// The daemon answered with an error (its message, one line).
    Api(String),
    /// Anything else (the innermost error message, one line).
    Other(String),
}

/// A failed connection attempt. `Display` is one line: where, from which setting, what went
/// wrong and what to try.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.line())]
pub struct ConnectError {
    /// Canonical endpoint URL (no passwords).
    pub url: String,
    /// Which setting chose the endpoint.
    pub origin: EndpointSource,
    /// The classified cause.
    pub cause: Cause,
    /// A more precise description than the cause alone (a missing file, the TLS alert, the
    /// SSH error), when known.
    pub detail: Option<String>,
    /// A more precise fix than the cause's, when known (an SSH failure's).
    pub fix: Option<String>,
    /// The handshake timeout that applied.
    pub timeout: Duration,
}

impl ConnectError {
    /// A failed attempt on `ep` for `cause` (used by fakes and tests).
    pub fn for_cause(ep: &Endpoint, timeout: Duration, cause: Cause) -> Self {
        Self::new(ep, timeout, Diagnosis::from(cause))
    }

    fn new(ep: &Endpoint, timeout: Duration, diagnosis: Diagnosis) -> Self {
        Self {
            url: ep.url.clone(),
            origin: ep.source.clone(),
            cause: diagnosis.cause,
            detail: diagnosis.detail,
            fix: diagnosis.fix,
            timeout,
        }
    }

    /// The cause in words.
    fn words(&self) -> String {
        if let Some(detail) = &self.detail {
            return detail.clone();
        }
        match &self.cause {
            Cause::NoSocket => "the socket does not exist".to_string(),
            Cause::PermissionDenied => "permission denied".to_string(),
            Cause::Refused => "connection refused".to_string(),
            Cause::Tls => "the TLS handshake failed".to_string(),
            Cause::Timeout => "no answer".to_string(),
            Cause::Ssh => "the SSH connection failed".to_string(),
            Cause::Api(message) => format!("the daemon answered with an error: {message}"),
            Cause::Other(message) => message.clone(),
        }
    }

    /// What to try next.
    fn hint(&self) -> String {
        if let Some(fix) = &self.fix {
            return fix.clone();
        }
        match &self.cause {
            Cause::NoSocket => "is dockerd running? start it or set DOCKER_HOST / --host".into(),
            Cause::PermissionDenied => "try sudo, or add your user to the docker group".into(),
            Cause::Refused => "is the daemon listening on that address?".into(),
            Cause::Tls => {
                "check the CA and client certificate in DOCKER_CERT_PATH / the context".into()
            }
            Cause::Timeout => format!(
                "the daemon did not answer within {}",
                format_duration(self.timeout)
            ),
            Cause::Ssh => "check that ssh to that host logs in without a prompt (key or \
                           ssh-agent) and that the docker CLI is installed there"
                .into(),
            Cause::Api(message) if message.contains("HTTP request to an HTTPS server") => {
                "the daemon expects TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or use a \
                 context with TLS files"
                    .into()
            }
            Cause::Api(_) => "check the daemon's log".into(),
            Cause::Other(_) => "check the endpoint setting".into(),
        }
    }

    fn line(&self) -> String {
        format!(
            "cannot reach the Docker daemon at {} ({}): {}. {}",
            self.url,
            self.origin,
            self.words(),
            self.hint()
        )
    }
}

/// Connect to `ep`: build the client, negotiate the API version (so daemons older than
/// bollard's API, such as 1.41, work) and ping, all within `timeout`.
pub async fn connect(ep: &Endpoint, timeout: Duration) -> Result<BollardDocker, ConnectError> {
    connect_with(ep, timeout, DEFAULT_REQUEST_TIMEOUT).await
}

/// [`connect`], with the bound on each later request's headers (`request_timeout`).
pub async fn connect_with(
    ep: &Endpoint,
    timeout: Duration,
    request_timeout: Duration,
) -> Result<BollardDocker, ConnectError> {
    let handshake = handshake(&ep.transport, timeout, request_timeout);
    match tokio::time::timeout(timeout, handshake).await {
        Ok(Ok((docker, None))) => Ok(BollardDocker::new(docker)),
        Ok(Ok((docker, Some(pool)))) => Ok(BollardDocker::with_raw_unix(docker, pool)),
        Ok(Err(diagnosis)) => Err(ConnectError::new(ep, timeout, diagnosis)),
        Err(_elapsed) => Err(ConnectError::new(
            ep,
            timeout,
            Diagnosis::from(Cause::Timeout),
        )),
    }
}

/// Classify an error from bollard (building a client or any request) for this transport.
pub fn classify(err: &BollardError, transport: &Transport) -> Cause {
    diagnose(err, transport).cause
}

/// A cause plus optional precise words.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Diagnosis {
    cause: Cause,
    detail: Option<String>,
    fix: Option<String>,
}

impl From<Cause> for Diagnosis {
    fn from(cause: Cause) -> Self {
        Self {
            cause,
            detail: None,
            fix: None,
        }
    }
}

impl Diagnosis {
    fn with_detail(cause: Cause, detail: impl Into<String>) -> Self {
        Self {
            cause,
            detail: Some(detail.into()),
            fix: None,
        }
    }
}

impl From<&SshFailure> for Diagnosis {
    fn from(failure: &SshFailure) -> Self {
        Self {
            cause: Cause::Ssh,
            detail: Some(one_line(&failure.words)),
            fix: Some(one_line(&failure.fix)),
        }
    }
}

/// The client, and on a local socket the keep-alive pool behind it (the lean read path).
async fn handshake(
    transport: &Transport,
    timeout: Duration,
    request_timeout: Duration,
) -> Result<(Docker, Option<super::unix_pool::UnixPool>), Diagnosis> {
    let fail = |err: BollardError| {
        log::debug!("docker handshake failed: {}", error_chain(&err));
        diagnose(&err, transport)
    };
    // Over SSH, the same keep-alive pool and lean reads as the local socket, each connection
    // one bounded `ssh ... docker system dial-stdio` session.
    if let Transport::Ssh { addr } = transport {
        // ssh's own connect timeout fires first, so a dead host is named as such.
        let ssh_timeout = timeout
            .saturating_sub(Duration::from_secs(1))
            .max(Duration::from_secs(1));
        let pool = ssh_pool(addr, ssh_timeout, request_timeout)?;
        let version = match pool.ping_api_version().await.map_err(fail)? {
            Some(server) if server < *API_DEFAULT_VERSION => server,
            Some(_) => *API_DEFAULT_VERSION,
            None => pool
                .docker(API_DEFAULT_VERSION)
                .negotiate_version()
                .await
                .map_err(fail)?
                .client_version(),
        };
        return Ok((pool.docker(&version), Some(pool)));
    }
    // On a local socket, negotiate the way the docker CLI does: one `/_ping`, whose
    // `API-Version` header names the daemon's version (`/version` is much slower on some
    // engines). Daemons too old to send the header fall through to `/version`.
    if let Transport::Unix { path } = transport {
        let Some(path) = path.to_str() else {
            return Err(Cause::Other("the socket path is not valid UTF-8".into()).into());
        };
        if !Path::new(path).exists() {
            return Err(fail(BollardError::SocketNotFoundError(path.to_string())));
        }
        let pool = super::unix_pool::UnixPool::new(path, request_timeout);
        if let Some(server) = pool.ping_api_version().await.map_err(fail)? {
            let version = if server < *API_DEFAULT_VERSION {
                server
            } else {
                *API_DEFAULT_VERSION
            };
            return Ok((pool.docker(&version), Some(pool)));
        }
    }
    let docker = client(transport, API_DEFAULT_VERSION, request_timeout)?;
    let docker = match docker.negotiate_version().await {
        Ok(docker) => docker,
        // Daemons reject a /vX.Y path newer than their API and name the version they support:
        // start again from that one. (bollard 0.21.1 sends unversioned paths, which daemons
        // serve at their own version, so this is a guard for bollard versions that prefix.)
        Err(err) => match max_supported_version(&err) {
            Some(version) => client(transport, &version, request_timeout)?
                .negotiate_version()
                .await
                .map_err(fail)?,
            None => return Err(fail(err)),
        },
    };
    // The version request above already proved the daemon answers: no separate ping.
    Ok((docker, None))
}

/// Build (but do not contact) the bollard client for a transport.
fn client(
    transport: &Transport,
    version: &ClientVersion,
    request_timeout: Duration,
) -> Result<Docker, Diagnosis> {
    let secs = request_timeout.as_secs().max(1);
    let built = match transport {
        Transport::Unix { path } => {
            let Some(path) = path.to_str() else {
                return Err(Cause::Other("the socket path is not valid UTF-8".into()).into());
            };
            if !Path::new(path).exists() {
                return Err(diagnose(
                    &BollardError::SocketNotFoundError(path.to_string()),
                    transport,
                ));
            }
            Ok(super::unix_pool::UnixPool::new(path, request_timeout).docker(version))
        }
        Transport::Tcp { addr, tls: None } => Docker::connect_with_http(addr, secs, version),
        Transport::Tcp {
            addr,
            tls: Some(files),
        } => {
            return super::tls::docker(addr, files, request_timeout, version)
                .map_err(|err| Diagnosis::with_detail(Cause::Tls, err.to_string()));
        }
        Transport::Ssh { addr } => {
            Ok(ssh_pool(addr, request_timeout, request_timeout)?.docker(version))
        }
    };
    built.map_err(|err| diagnose(&err, transport))
}

/// The keep-alive pool of an `ssh://` endpoint (`addr` is its `[user@]host[:port]`).
fn ssh_pool(
    addr: &str,
    connect_timeout: Duration,
    request_timeout: Duration,
) -> Result<super::unix_pool::UnixPool, Diagnosis> {
    let target = SshTarget::parse(addr).map_err(|err| {
        Diagnosis::with_detail(Cause::Ssh, format!("cannot use ssh://{addr}: {err}"))
    })?;
    let connector = SshConnector::new(
        target,
        SshOptions::from_env(connect_timeout),
        request_timeout,
    );
    Ok(super::unix_pool::UnixPool::over_ssh(
        connector,
        request_timeout,
    ))
}

/// Parse "... Maximum supported API version is 1.41" from a daemon's "too new" answer.
fn max_supported_version(err: &BollardError) -> Option<ClientVersion> {
    let BollardError::DockerResponseServerError {
        status_code: 400,
        message,
    } = err
    else {
        return None;
    };
    let (_, rest) = message.split_once("Maximum supported API version is ")?;
    let version: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let (major, minor) = version.split_once('.')?;
    Some(ClientVersion {
        major_version: major.parse().ok()?,
        minor_version: minor.trim_end_matches('.').parse().ok()?,
    })
}

fn diagnose(err: &BollardError, transport: &Transport) -> Diagnosis {
    use BollardError as E;
    match err {
        E::SocketNotFoundError(_) => return Cause::NoSocket.into(),
        E::RequestTimeoutError => return Cause::Timeout.into(),
        E::DockerResponseServerError { message, .. } => {
            return Cause::Api(one_line(message)).into();
        }
        E::APIVersionParseError {} => {
            return Cause::Api("the daemon reported an API version seawall cannot parse".into())
                .into();
        }
        E::CertPathError { path } => {
            return tls_file_problem("cannot read", path);
        }
        E::CertParseError { path } => {
            return tls_file_problem("cannot parse", path);
        }
        E::CertMultipleKeys { path, count } => {
            return Diagnosis::with_detail(
                Cause::Tls,
                format!("{} holds {count} keys, expected one", path.display()),
            );
        }
        E::NoNativeCertsError { .. } | E::LoadNativeCertsErrors { .. } => {
            return Diagnosis::with_detail(Cause::Tls, "cannot load the system certificate store");
        }
        _ => {}
    }

    let chain = chain(root(err));
    let io_kinds: Vec<io::ErrorKind> = chain
        .iter()
        .filter_map(|e| e.downcast_ref::<io::Error>().map(io::Error::kind))
        .collect();
    let innermost = innermost_message(&chain);

    if let Some(failure) = chain.iter().find_map(|e| e.downcast_ref::<SshFailure>()) {
        return Diagnosis::from(failure);
    }
    if io_kinds.contains(&io::ErrorKind::TimedOut) {
        return Cause::Timeout.into();
    }
    if matches!(transport, Transport::Ssh { .. }) {
        return match innermost {
            Some(message) => Diagnosis::with_detail(Cause::Ssh, message),
            None => Cause::Ssh.into(),
        };
    }
    if io_kinds.contains(&io::ErrorKind::PermissionDenied) {
        return Cause::PermissionDenied.into();
    }
    if io_kinds.contains(&io::ErrorKind::ConnectionRefused) {
        return Cause::Refused.into();
    }
    if io_kinds.contains(&io::ErrorKind::NotFound) && matches!(transport, Transport::Unix { .. }) {
        return Cause::NoSocket.into();
    }
    if let Transport::Tcp {
        addr,
        tls: Some(files),
    } = transport
        && let Some(tls_err) = super::tls_words::find_rustls(&chain)
    {
        let peer = super::tls_words::Peer::new(addr, files);
        return Diagnosis::with_detail(Cause::Tls, super::tls_words::rustls_words(tls_err, &peer));
    }
    if matches!(transport, Transport::Tcp { tls: Some(_), .. }) && looks_like_tls(&chain) {
        return match innermost {
            Some(message) => Diagnosis::with_detail(Cause::Tls, message),
            None => Cause::Tls.into(),
        };
    }
    Cause::Other(innermost.unwrap_or_else(|| one_line(&err.to_string()))).into()
}

fn tls_file_problem(what: &str, path: &Path) -> Diagnosis {
    Diagnosis::with_detail(Cause::Tls, format!("{what} {}", path.display()))
}

/// Where to start walking: bollard's `#[error(transparent)]` variants forward `source()` to the
/// wrapped error's source, which would skip the wrapped error itself.
fn root(err: &BollardError) -> &(dyn StdError + 'static) {
    match err {
        BollardError::IOError { err } => err,
        BollardError::HyperResponseError { err } => err,
        other => other,
    }
}

/// The error and its causes. `io::Error::source` skips a wrapped custom error (it returns the
/// wrapped error's source), so the wrapped error itself is followed through `get_ref`.
fn chain<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(err);
    while let Some(current) = next {
        if out.len() >= 32 {
            break;
        }
        out.push(current);
        next = match current.downcast_ref::<io::Error>() {
            Some(io_err) => io_err
                .get_ref()
                .map(|inner| inner as &(dyn StdError + 'static)),
            None => current.source(),
        };
    }
    out
}

fn error_chain(err: &BollardError) -> String {
    chain(root(err))
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

/// The deepest non-empty message in the chain, one line.
fn innermost_message(chain: &[&(dyn StdError + 'static)]) -> Option<String> {
    chain
        .iter()
        .rev()
        .map(|e| one_line(&e.to_string()))
        .find(|message| !message.is_empty())
}

/// rustls errors reach us wrapped in `io::Error`s (kind `InvalidData`) or as text.
fn looks_like_tls(chain: &[&(dyn StdError + 'static)]) -> bool {
    const MARKERS: [&str; 6] = [
        "certificate",
        "tls",
        "handshake",
        "alert",
        "corrupt message",
        "peer",
    ];
    chain.iter().any(|e| {
        let is_invalid_data = e
            .downcast_ref::<io::Error>()
            .is_some_and(|io_err| io_err.kind() == io::ErrorKind::InvalidData);
        let text = e.to_string().to_ascii_lowercase();
        is_invalid_data || MARKERS.iter().any(|marker| text.contains(marker))
    })
}

/// Collapse whitespace and newlines and cap the length.
fn one_line(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= MAX_DETAIL_CHARS {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(MAX_DETAIL_CHARS).collect();
    cut.push('…');
    cut
}

fn format_duration(duration: Duration) -> String {
    if duration.subsec_nanos() == 0 {
        format!("{}s", duration.as_secs())
    } else if duration < Duration::from_secs(1) {
        format!("{}ms", duration.as_millis())
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSocket => f.write_str("no socket"),
            Self::PermissionDenied => f.write_str("permission denied"),
            Self::Refused => f.write_str("connection refused"),
            Self::Tls => f.write_str("TLS failure"),
            Self::Timeout => f.write_str("timeout"),
            Self::Ssh => f.write_str("SSH failure"),
            Self::Api(message) => write!(f, "daemon error: {message}"),
            Self::Other(message) => f.write_str(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::context_store::tests::TempDir;
    use crate::docker::endpoint::TlsFiles;
    use std::path::PathBuf;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    const SHORT: Duration = Duration::from_millis(300);

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn endpoint(transport: Transport, url: &str) -> Endpoint {
        Endpoint {
            url: url.to_string(),
            transport,
            source: EndpointSource::DockerHostEnv,
        }
    }

    fn unix(path: &Path) -> Endpoint {
        endpoint(
            Transport::Unix {
                path: path.to_path_buf(),
            },
            &format!("unix://{}", path.display()),
        )
    }

    fn tcp(addr: &str, tls: Option<TlsFiles>) -> Endpoint {
        endpoint(
            Transport::Tcp {
                addr: addr.to_string(),
                tls,
            },
            &format!("tcp://{addr}"),
        )
    }

    async fn connect_err(ep: &Endpoint, timeout: Duration) -> ConnectError {
        match connect(ep, timeout).await {
            Ok(_) => panic!("connecting to {} unexpectedly worked", ep.url),
            Err(err) => err,
        }
    }

    fn assert_one_line(err: &ConnectError) -> String {
        let text = err.to_string();
        assert!(!text.contains('\n'), "{text}");
        assert!(
            text.starts_with(&format!(
                "cannot reach the Docker daemon at {} (from DOCKER_HOST): ",
                err.url
            )),
            "{text}"
        );
        text
    }

    #[tokio::test]
    async fn missing_unix_socket_is_no_socket() {
        let dir = TempDir::new("nosock");
        let err = connect_err(&unix(&dir.path().join("docker.sock")), SHORT).await;
        assert_eq!(err.cause, Cause::NoSocket);
        let text = assert_one_line(&err);
        assert!(
            text.ends_with("is dockerd running? start it or set DOCKER_HOST / --host"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn stale_unix_socket_is_refused() {
        let dir = TempDir::new("stale");
        let path = dir.path().join("docker.sock");
        drop(std::os::unix::net::UnixListener::bind(&path).expect("bind"));
        let err = connect_err(&unix(&path), SHORT).await;
        assert_eq!(err.cause, Cause::Refused);
        assert!(
            assert_one_line(&err).contains("connection refused. is the daemon listening"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn unreadable_unix_socket_is_permission_denied_unless_root() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new("chmod");
        let path = dir.path().join("docker.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        if std::os::unix::net::UnixStream::connect(&path).is_ok() {
            // Running as root: permissions are not enforced; the classifier test below covers
            // PermissionDenied with a constructed error.
            return;
        }
        let err = connect_err(&unix(&path), SHORT).await;
        assert_eq!(err.cause, Cause::PermissionDenied);
    }

    #[test]
    fn permission_denied_is_found_inside_wrapped_io_errors() {
        let inner = io::Error::from(io::ErrorKind::PermissionDenied);
        let err = BollardError::from(io::Error::other(inner));
        let transport = Transport::Unix {
            path: PathBuf::from("/var/run/docker.sock"),
        };
        assert_eq!(classify(&err, &transport), Cause::PermissionDenied);

        let ep = unix(Path::new("/var/run/docker.sock"));
        let err = ConnectError::new(&ep, SHORT, diagnose(&err, &transport));
        assert_eq!(
            err.to_string(),
            "cannot reach the Docker daemon at unix:///var/run/docker.sock (from DOCKER_HOST): \
             permission denied. try sudo, or add your user to the docker group"
        );
    }

    #[test]
    fn bollard_error_variants_are_classified() {
        let transport = Transport::Unix {
            path: PathBuf::from("/x"),
        };
        assert_eq!(
            classify(&BollardError::SocketNotFoundError("/x".into()), &transport),
            Cause::NoSocket
        );
        assert_eq!(
            classify(&BollardError::RequestTimeoutError, &transport),
            Cause::Timeout
        );
        let api = BollardError::DockerResponseServerError {
            status_code: 500,
            message: "boom\nsecond line".into(),
        };
        assert_eq!(
            classify(&api, &transport),
            Cause::Api("boom second line".into())
        );
        let refused = BollardError::from(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(classify(&refused, &transport), Cause::Refused);
        let ssh = Transport::Ssh {
            addr: "ops@h".into(),
        };
        let missing_ssh = BollardError::from(io::Error::new(
            io::ErrorKind::NotFound,
            "ssh: command not found",
        ));
        assert_eq!(classify(&missing_ssh, &ssh), Cause::Ssh);
    }

    #[tokio::test]
    async fn closed_tcp_port_is_refused() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        drop(listener);
        let err = connect_err(&tcp(&addr, None), Duration::from_secs(5)).await;
        assert_eq!(err.cause, Cause::Refused);
        assert!(
            assert_one_line(&err).ends_with("is the daemon listening on that address?"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn silent_tcp_listener_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let holder = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket); // accept, never answer
            }
        });
        let started = std::time::Instant::now();
        let err = connect_err(&tcp(&addr, None), SHORT).await;
        assert!(started.elapsed() < Duration::from_secs(3));
        assert_eq!(err.cause, Cause::Timeout);
        assert!(
            assert_one_line(&err).ends_with("the daemon did not answer within 300ms"),
            "{err}"
        );
        holder.abort();
    }

    /// Real CA, client certificate and key in `dir` (the daemon's certificate is not needed
    /// for failures before or at the first byte), without the file named `skip`.
    fn write_pem_files(dir: &Path, skip: &str) -> TlsFiles {
        use crate::docker::tls_test_certs::Pki;
        let pki = Pki::new("connect");
        let client = pki.client();
        let files = TlsFiles::in_dir(dir);
        for (name, path, pem) in [
            ("ca", files.ca.clone(), pki.ca_pem.clone()),
            ("cert", files.cert.clone().expect("cert"), client.cert_pem),
            ("key", files.key.clone().expect("key"), client.key_pem),
        ] {
            if name != skip {
                std::fs::write(path, pem).expect("write pem");
            }
        }
        files
    }

    #[tokio::test]
    async fn missing_tls_file_is_named() {
        let dir = TempDir::new("tls-missing");
        let files = write_pem_files(dir.path(), "cert");
        let cert = files.cert.clone().expect("cert");
        let err = connect_err(&tcp("127.0.0.1:9", Some(files)), SHORT).await;
        assert_eq!(err.cause, Cause::Tls);
        let text = assert_one_line(&err);
        assert!(
            text.contains(&format!(
                "but the client certificate file {} does not; give both or neither",
                cert.display()
            )),
            "{text}"
        );
        assert!(
            text.ends_with("check the CA and client certificate in DOCKER_CERT_PATH / the context"),
            "{text}"
        );
        let dir = TempDir::new("tls-missing-ca");
        let files = write_pem_files(dir.path(), "ca");
        let ca = files.ca.clone();
        let err = connect_err(&tcp("127.0.0.1:9", Some(files)), SHORT).await;
        assert!(
            err.to_string().contains(&format!(
                "the CA certificate file {} does not exist",
                ca.display()
            )),
            "{err}"
        );
    }

    #[tokio::test]
    async fn non_pem_tls_file_is_named_without_its_content() {
        let dir = TempDir::new("tls-notpem");
        let files = write_pem_files(dir.path(), "key");
        std::fs::write(files.key.as_ref().expect("key"), "hunter2-private").expect("write key");
        let err = connect_err(&tcp("127.0.0.1:9", Some(files)), SHORT).await;
        assert_eq!(err.cause, Cause::Tls);
        let text = err.to_string();
        assert!(text.contains("key.pem is not a PEM file"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    /// A one-shot-per-connection HTTP server: `answer(request_line)` gives (status, body).
    async fn fake_daemon(
        answer: fn(&str) -> (u16, String),
    ) -> (String, tokio::task::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !contains(&request, b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&request);
                    let line = text.lines().next().unwrap_or_default().to_string();
                    let (status, body) = answer(&line);
                    let response = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n\
                         Api-Version: 1.41\r\nContent-Length: {}\r\n\
                         Connection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        (addr, task)
    }

    /// Behaves like dockerd 20.10: API 1.41; unversioned paths mean 1.41, newer versions are
    /// rejected.
    fn old_daemon(request_line: &str) -> (u16, String) {
        let path = request_line.split(' ').nth(1).unwrap_or_default();
        let unversioned = match path.strip_prefix("/v") {
            None => path,
            Some(rest) => match rest.split_once('/') {
                Some(("1.41", tail)) => &path[path.len() - tail.len() - 1..],
                Some((version, _)) => {
                    return (
                        400,
                        format!(
                            "{{\"message\":\"client version {version} is too new. Maximum \
                             supported API version is 1.41\"}}"
                        ),
                    );
                }
                None => path,
            },
        };
        match unversioned {
            "/version" => (
                200,
                r#"{"Version":"20.10.24","ApiVersion":"1.41","MinAPIVersion":"1.12"}"#.into(),
            ),
            "/_ping" => (200, "OK".into()),
            _ => (404, r#"{"message":"page not found"}"#.into()),
        }
    }

    #[tokio::test]
    async fn old_daemon_gets_its_own_api_version() {
        let (addr, task) = fake_daemon(old_daemon).await;
        let docker = connect(&tcp(&addr, None), Duration::from_secs(5))
            .await
            .expect("connect to API 1.41 daemon");
        assert_eq!(docker.api_version(), (1, 41));
        task.abort();
    }

    #[tokio::test]
    async fn daemon_error_is_api() {
        fn broken(_: &str) -> (u16, String) {
            (500, r#"{"message":"the daemon is on fire"}"#.into())
        }
        let (addr, task) = fake_daemon(broken).await;
        let err = connect_err(&tcp(&addr, None), Duration::from_secs(5)).await;
        assert_eq!(err.cause, Cause::Api("the daemon is on fire".into()));
        assert!(
            assert_one_line(&err)
                .contains("the daemon answered with an error: the daemon is on fire. check"),
            "{err}"
        );
        task.abort();
    }

    #[tokio::test]
    async fn tls_against_a_plain_http_server_is_tls() {
        let dir = TempDir::new("tls-plain");
        let files = write_pem_files(dir.path(), "");
        // A plain-HTTP peer: answers the TLS ClientHello with an HTTP error.
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let _ = socket
                    .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                    .await;
            }
        });
        let err = connect_err(&tcp(&addr, Some(files)), Duration::from_secs(5)).await;
        assert_eq!(err.cause, Cause::Tls, "{err}");
        assert!(err.to_string().contains("did not answer in TLS"), "{err}");
        task.abort();
    }

    #[test]
    fn rustls_errors_inside_bollard_errors_are_put_in_words() {
        let files = TlsFiles::in_dir(Path::new("/certs"));
        let transport = Transport::Tcp {
            addr: "daemon.example:2376".into(),
            tls: Some(files.clone()),
        };
        let ep = tcp("daemon.example:2376", Some(files));
        let cases = [
            (
                rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
                "the daemon's certificate is not signed by the CA in /certs/ca.pem (unknown \
                 issuer)",
            ),
            (
                rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired),
                "the daemon requires a client certificate (alert certificate_required)",
            ),
        ];
        for (tls_err, words) in cases {
            let err = BollardError::from(io::Error::new(io::ErrorKind::InvalidData, tls_err));
            let text = ConnectError::new(&ep, SHORT, diagnose(&err, &transport)).to_string();
            assert!(
                text.starts_with(&format!(
                    "cannot reach the Docker daemon at tcp://daemon.example:2376 (from \
                     DOCKER_HOST): {words}"
                )),
                "{text}"
            );
            for dump in ["InvalidCertificate", "AlertReceived", "Other("] {
                assert!(!text.contains(dump), "{text}");
            }
        }
    }

    #[tokio::test]
    async fn ssh_to_a_closed_port_names_the_host_and_the_fix() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let addr = format!("ops@127.0.0.1:{port}");
        let ep = Endpoint {
            url: format!("ssh://{addr}"),
            transport: Transport::Ssh { addr },
            source: EndpointSource::DockerHostEnv,
        };
        let err = connect_err(&ep, Duration::from_secs(10)).await;
        assert_eq!(err.cause, Cause::Ssh, "{err}");
        let line = assert_one_line(&err);
        assert!(
            line.contains(&format!(
                "the SSH connection to ops@127.0.0.1:{port} was refused"
            )),
            "{line}"
        );
        assert!(line.contains("is sshd running there"), "{line}");
    }

    #[test]
    fn too_new_message_is_parsed() {
        let err = BollardError::DockerResponseServerError {
            status_code: 400,
            message: "client version 1.53 is too new. Maximum supported API version is 1.41".into(),
        };
        assert_eq!(
            max_supported_version(&err),
            Some(ClientVersion {
                major_version: 1,
                minor_version: 41
            })
        );
        let other = BollardError::DockerResponseServerError {
            status_code: 400,
            message: "bad request".into(),
        };
        assert_eq!(max_supported_version(&other), None);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(Duration::from_secs(5)), "5s");
        assert_eq!(format_duration(Duration::from_millis(300)), "300ms");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn long_messages_are_cut_to_one_line() {
        let long = "x\n".repeat(400);
        let line = one_line(&long);
        assert!(!line.contains('\n'));
        assert!(line.chars().count() <= MAX_DETAIL_CHARS + 1);
    }
}
