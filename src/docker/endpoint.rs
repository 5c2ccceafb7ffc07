//! Endpoint resolution: which daemon to talk to, decided the way the docker CLI decides it.
//!
//! [`EndpointInputs::from_env`] reads the flags and environment once; [`resolve`] is a pure
//! function of those inputs (plus the config files they point at), so it can be tested without
//! touching the process environment.
//!
//! Precedence, highest first: `--host` (conflicts with `--context`), `--context`, `DOCKER_HOST`,
//! `DOCKER_CONTEXT`, `currentContext` in `config.json`, then `unix:///var/run/docker.sock`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::context_store::{self, ContextStoreError, DEFAULT_CONTEXT};

/// The socket the docker CLI uses when nothing else is configured.
pub const DEFAULT_UNIX_SOCKET: &str = "/var/run/docker.sock";
/// Default port for plain-HTTP `tcp://` hosts.
pub const DEFAULT_TCP_PORT: u16 = 2375;
/// Default port for TLS `tcp://` hosts.
pub const DEFAULT_TLS_PORT: u16 = 2376;
/// Default host for `tcp://` values without one (`tcp://:2376`), as in the docker CLI.
const DEFAULT_TCP_HOST: &str = "localhost";

/// Everything endpoint resolution looks at. Empty strings count as unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointInputs {
    /// `--host` / `-H`.
    pub host_flag: Option<String>,
    /// `--context`.
    pub context_flag: Option<String>,
    /// `DOCKER_HOST`.
    pub docker_host: Option<String>,
    /// `DOCKER_CONTEXT`.
    pub docker_context: Option<String>,
    /// `DOCKER_TLS_VERIFY`: any non-empty value turns TLS on for `--host` / `DOCKER_HOST`.
    pub docker_tls_verify: Option<String>,
    /// `DOCKER_CERT_PATH`: directory holding `ca.pem`, `cert.pem`, `key.pem`.
    pub docker_cert_path: Option<PathBuf>,
    /// `DOCKER_CONFIG`: the docker CLI config directory (default `$HOME/.docker`).
    pub docker_config_dir: Option<PathBuf>,
    /// The user's home directory.
    pub home: Option<PathBuf>,
}

impl EndpointInputs {
    /// Read the docker CLI environment variables, combined with the given command-line flags.
    pub fn from_env(host_flag: Option<String>, context_flag: Option<String>) -> Self {
        let home = env_path("HOME")
            .or_else(|| directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_path_buf()));
        Self {
            host_flag: non_empty(host_flag.as_deref()).map(str::to_string),
            context_flag: non_empty(context_flag.as_deref()).map(str::to_string),
            docker_host: env_string("DOCKER_HOST"),
            docker_context: env_string("DOCKER_CONTEXT"),
            docker_tls_verify: env_string("DOCKER_TLS_VERIFY"),
            docker_cert_path: env_path("DOCKER_CERT_PATH"),
            docker_config_dir: env_path("DOCKER_CONFIG"),
            home,
        }
    }

    /// The docker CLI config directory: `$DOCKER_CONFIG`, else `$HOME/.docker`.
    pub fn config_dir(&self) -> Option<PathBuf> {
        non_empty_path(self.docker_config_dir.as_deref())
            .map(Path::to_path_buf)
            .or_else(|| non_empty_path(self.home.as_deref()).map(|home| home.join(".docker")))
    }

    /// The directory TLS files come from for `--host` / `DOCKER_HOST`:
    /// `$DOCKER_CERT_PATH`, else the config directory.
    pub fn cert_dir(&self) -> Option<PathBuf> {
        non_empty_path(self.docker_cert_path.as_deref())
            .map(Path::to_path_buf)
            .or_else(|| self.config_dir())
    }

    fn tls_verify(&self) -> bool {
        non_empty(self.docker_tls_verify.as_deref()).is_some()
    }
}

/// A resolved daemon endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// Canonical display form (`unix:///var/run/docker.sock`, `tcp://10.0.0.5:2376`,
    /// `ssh://ops@bastion:22`). Never holds a password.
    pub url: String,
    /// How to reach the daemon.
    pub transport: Transport,
    /// Which input chose this endpoint.
    pub source: EndpointSource,
}

/// How to reach a daemon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Transport {
    /// A local unix socket.
    Unix {
        /// Socket path.
        path: PathBuf,
    },
    /// TCP, plain HTTP when `tls` is `None`, verified TLS otherwise.
    Tcp {
        /// `host:port` (IPv6 hosts in brackets).
        addr: String,
        /// Client TLS material; `None` means plain HTTP.
        tls: Option<TlsFiles>,
    },
    /// `docker system dial-stdio` over SSH.
    Ssh {
        /// `[user@]host[:port]`.
        addr: String,
    },
}

/// Paths of the TLS files for a TCP endpoint. The files may not exist yet: connecting checks.
///
/// The client certificate and key are optional, as with `docker --tlsverify --tlscacert`:
/// server-verified TLS needs only the CA. When both client files are absent (not configured,
/// or not on disk) no client certificate is sent; one without the other is an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsFiles {
    /// CA certificate the daemon's certificate must chain to (or be).
    pub ca: PathBuf,
    /// Client certificate.
    pub cert: Option<PathBuf>,
    /// Client private key.
    pub key: Option<PathBuf>,
}

impl TlsFiles {
    /// `ca.pem`, `cert.pem` and `key.pem` inside `dir` (the client pair used when present).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            ca: dir.join("ca.pem"),
            cert: Some(dir.join("cert.pem")),
            key: Some(dir.join("key.pem")),
        }
    }

    /// Only a CA: server-verified TLS without a client certificate.
    pub fn ca_only(ca: &Path) -> Self {
        Self {
            ca: ca.to_path_buf(),
            cert: None,
            key: None,
        }
    }

    /// The configured paths with their roles, in the order they are checked.
    pub fn paths(&self) -> Vec<(&'static str, &Path)> {
        let mut out = vec![("CA certificate", self.ca.as_path())];
        if let Some(cert) = &self.cert {
            out.push(("client certificate", cert.as_path()));
        }
        if let Some(key) = &self.key {
            out.push(("client key", key.as_path()));
        }
        out
    }

    /// Does at least one of the files exist?
    pub fn any_exists(&self) -> bool {
        self.paths().iter().any(|(_, path)| path.is_file())
    }

    /// The client certificate and key to send: `None` when neither is configured or neither
    /// exists; an error when only one of them does.
    pub fn client_pair(&self) -> Result<Option<(&Path, &Path)>, super::tls::TlsFileError> {
        use super::tls::{Role, TlsFileError};
        let cert = self.cert.as_deref().filter(|p| p.exists());
        let key = self.key.as_deref().filter(|p| p.exists());
        match (cert, key) {
            (Some(cert), Some(key)) => Ok(Some((cert, key))),
            (None, None) => Ok(None),
            (Some(cert), None) => Err(TlsFileError::HalfPair {
                present_role: Role::ClientCert,
                present: cert.to_path_buf(),
                missing_role: Role::ClientKey,
                missing: self
                    .key
                    .clone()
                    .unwrap_or_else(|| cert.with_file_name("key.pem")),
            }),
            (None, Some(key)) => Err(TlsFileError::HalfPair {
                present_role: Role::ClientKey,
                present: key.to_path_buf(),
                missing_role: Role::ClientCert,
                missing: self
                    .cert
                    .clone()
                    .unwrap_or_else(|| key.with_file_name("cert.pem")),
            }),
        }
    }
}

/// Which input chose the endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum EndpointSource {
    /// `--host` / `-H`.
    HostFlag,
    /// `--context NAME`.
    ContextFlag(String),
    /// `DOCKER_HOST`.
    DockerHostEnv,
    /// `DOCKER_CONTEXT`.
    DockerContextEnv(String),
    /// `currentContext` in `config.json`.
    ConfigCurrentContext(String),
    /// Nothing configured: the default socket.
    Default,
}

impl fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HostFlag => f.write_str("from --host"),
            Self::ContextFlag(name) => write!(f, "from context \"{name}\" (--context)"),
            Self::DockerHostEnv => f.write_str("from DOCKER_HOST"),
            Self::DockerContextEnv(name) => write!(f, "from context \"{name}\" (DOCKER_CONTEXT)"),
            Self::ConfigCurrentContext(name) => {
                write!(f, "from context \"{name}\" (currentContext in config.json)")
            }
            Self::Default => f.write_str("the default socket"),
        }
    }
}

/// Why no endpoint could be resolved. Messages never contain passwords or file contents.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    /// `--host` and `--context` were both given.
    #[error("conflicting options: either specify --host or --context, not both")]
    HostAndContext,
    /// A filesystem path without `unix://`.
    #[error("Docker host \"{value}\" is a bare path; write it as unix://{value}")]
    BarePath {
        /// The value as given.
        value: String,
    },
    /// A scheme seawall does not speak.
    #[error(
        "unsupported Docker host \"{value}\": use unix://, tcp://, http://, https:// or ssh://"
    )]
    UnsupportedScheme {
        /// The value, credentials removed.
        value: String,
    },
    /// A known scheme with a malformed rest.
    #[error("invalid Docker host \"{value}\": {reason}")]
    InvalidHost {
        /// The value, credentials removed.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `ssh://user:password@host`: the docker CLI refuses this too.
    #[error(
        "invalid Docker host \"{value}\": a password in an ssh:// URL is not supported; \
         use an SSH key or ssh-agent"
    )]
    SshPassword {
        /// The value, password removed.
        value: String,
    },
    /// `DOCKER_TLS_VERIFY` (or `https://`) without any place to look for certificates.
    #[error(
        "TLS is requested but no certificate directory is known: set DOCKER_CERT_PATH \
         (or DOCKER_CONFIG / HOME)"
    )]
    NoCertDir,
    /// A named context, but neither `DOCKER_CONFIG` nor `HOME` is known.
    #[error(
        "cannot look up Docker context \"{name}\": no Docker config directory \
         (set DOCKER_CONFIG or HOME)"
    )]
    NoConfigDir {
        /// The context name.
        name: String,
    },
    /// A context that asks for TLS without verification.
    #[error(
        "context \"{name}\" turns TLS verification off (SkipTLSVerify), and seawall always \
         verifies TLS; add the daemon's CA to the context instead: docker context update {name} \
         --docker \"host=...,ca=/path/to/ca.pem,cert=/path/to/cert.pem,key=/path/to/key.pem,\
         skip-tls-verify=false\""
    )]
    SkipTlsVerify {
        /// The context name.
        name: String,
    },
    /// The host stored in a context is unusable.
    #[error("context \"{name}\": {error}")]
    InContext {
        /// The context name.
        name: String,
        /// What is wrong with its host.
        error: Box<EndpointError>,
    },
    /// Reading the context store or `config.json` failed.
    #[error(transparent)]
    Store(#[from] ContextStoreError),
}

/// Resolve the endpoint the docker CLI would use for these inputs.
pub fn resolve(inputs: &EndpointInputs) -> Result<Endpoint, EndpointError> {
    let host_flag = non_empty(inputs.host_flag.as_deref());
    let context_flag = non_empty(inputs.context_flag.as_deref());
    match (host_flag, context_flag) {
        (Some(_), Some(_)) => Err(EndpointError::HostAndContext),
        (Some(host), None) => host_endpoint(host, inputs, EndpointSource::HostFlag),
        (None, Some(name)) => {
            context_endpoint(name, inputs, EndpointSource::ContextFlag(name.to_string()))
        }
        (None, None) => resolve_from_env(inputs),
    }
}

fn resolve_from_env(inputs: &EndpointInputs) -> Result<Endpoint, EndpointError> {
    if let Some(host) = non_empty(inputs.docker_host.as_deref()) {
        return host_endpoint(host, inputs, EndpointSource::DockerHostEnv);
    }
    if let Some(name) = non_empty(inputs.docker_context.as_deref()) {
        let source = EndpointSource::DockerContextEnv(name.to_string());
        return context_endpoint(name, inputs, source);
    }
    if let Some(dir) = inputs.config_dir()
        && let Some(name) = context_store::current_context(&dir)?
    {
        let source = EndpointSource::ConfigCurrentContext(name.clone());
        return context_endpoint(&name, inputs, source);
    }
    Ok(default_endpoint(EndpointSource::Default))
}

/// The default endpoint: the default socket (also what the context `default` means).
fn default_endpoint(source: EndpointSource) -> Endpoint {
    let path = PathBuf::from(DEFAULT_UNIX_SOCKET);
    Endpoint {
        url: format!("unix://{DEFAULT_UNIX_SOCKET}"),
        transport: Transport::Unix { path },
        source,
    }
}

/// An endpoint from `--host` or `DOCKER_HOST`: TLS from `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH`.
fn host_endpoint(
    raw: &str,
    inputs: &EndpointInputs,
    source: EndpointSource,
) -> Result<Endpoint, EndpointError> {
    let spec = parse_host(raw)?;
    let tls = match &spec {
        HostSpec::Tcp { https, .. } if *https || inputs.tls_verify() => {
            let dir = inputs.cert_dir().ok_or(EndpointError::NoCertDir)?;
            Some(TlsFiles::in_dir(&dir))
        }
        _ => None,
    };
    Ok(build(spec, tls, source))
}

/// An endpoint from a named context: TLS when the context's TLS directory holds files.
fn context_endpoint(
    name: &str,
    inputs: &EndpointInputs,
    source: EndpointSource,
) -> Result<Endpoint, EndpointError> {
    if name == DEFAULT_CONTEXT {
        return Ok(default_endpoint(source));
    }
    let dir = inputs
        .config_dir()
        .ok_or_else(|| EndpointError::NoConfigDir {
            name: name.to_string(),
        })?;
    let stored = context_store::load_context(&dir, name)?;
    let in_context = |error| EndpointError::InContext {
        name: name.to_string(),
        error: Box::new(error),
    };
    let spec = parse_host(&stored.host).map_err(in_context)?;
    let tls = match &spec {
        HostSpec::Tcp { https, .. } => {
            if stored.skip_tls_verify {
                return Err(EndpointError::SkipTlsVerify {
                    name: name.to_string(),
                });
            }
            let files = stored.tls_files();
            (*https || files.any_exists()).then_some(files)
        }
        _ => None,
    };
    Ok(build(spec, tls, source))
}

fn build(spec: HostSpec, tls: Option<TlsFiles>, source: EndpointSource) -> Endpoint {
    match spec {
        HostSpec::Unix(path) => Endpoint {
            url: format!("unix://{}", path.display()),
            transport: Transport::Unix { path },
            source,
        },
        HostSpec::Tcp { host, port, .. } => {
            let default_port = if tls.is_some() {
                DEFAULT_TLS_PORT
            } else {
                DEFAULT_TCP_PORT
            };
            let addr = format!("{host}:{}", port.unwrap_or(default_port));
            Endpoint {
                url: format!("tcp://{addr}"),
                transport: Transport::Tcp { addr, tls },
                source,
            }
        }
        HostSpec::Ssh { user, host, port } => {
            let mut addr = String::new();
            if let Some(user) = user {
                addr.push_str(&user);
                addr.push('@');
            }
            addr.push_str(&host);
            if let Some(port) = port {
                addr.push_str(&format!(":{port}"));
            }
            Endpoint {
                url: format!("ssh://{addr}"),
                transport: Transport::Ssh { addr },
                source,
            }
        }
    }
}

/// A parsed host value, before TLS is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostSpec {
    Unix(PathBuf),
    Tcp {
        host: String,
        port: Option<u16>,
        /// `https://` asks for TLS by itself.
        https: bool,
    },
    Ssh {
        user: Option<String>,
        host: String,
        port: Option<u16>,
    },
}

/// Parse a `DOCKER_HOST`-style value.
fn parse_host(raw: &str) -> Result<HostSpec, EndpointError> {
    let value = raw.trim();
    let invalid = |reason: &str| EndpointError::InvalidHost {
        value: redact_userinfo(value),
        reason: reason.to_string(),
    };
    if value.is_empty() {
        return Err(invalid("the value is empty"));
    }
    let Some((scheme, rest)) = value.split_once("://") else {
        if value.starts_with(['/', '.', '~']) {
            return Err(EndpointError::BarePath {
                value: value.to_string(),
            });
        }
        // Like the docker CLI, a value without a scheme (`10.0.0.5:2375`) means tcp.
        return parse_tcp(value, false).map_err(|reason| invalid(&reason.to_string()));
    };
    match scheme.to_ascii_lowercase().as_str() {
        "unix" => {
            if rest.contains("://") {
                return Err(invalid("the socket path contains \"://\""));
            }
            if rest.is_empty() {
                Ok(HostSpec::Unix(PathBuf::from(DEFAULT_UNIX_SOCKET)))
            } else {
                Ok(HostSpec::Unix(PathBuf::from(rest)))
            }
        }
        "tcp" | "http" => parse_tcp(rest, false).map_err(|reason| invalid(&reason.to_string())),
        "https" => parse_tcp(rest, true).map_err(|reason| invalid(&reason.to_string())),
        "ssh" => parse_ssh(value, rest),
        _ => Err(EndpointError::UnsupportedScheme {
            value: redact_userinfo(value),
        }),
    }
}

/// Why the `host[:port]` part of an endpoint URL cannot be used (part of
/// [`EndpointError::InvalidHost`]'s reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum AuthorityError {
    #[error("a path, query or fragment after host:port is not supported")]
    TcpTail,
    #[error("unclosed '[' in an IPv6 address")]
    UnclosedBracket,
    #[error("unexpected text after the IPv6 address")]
    AfterIpv6,
    #[error("IPv6 addresses must be written in brackets: [::1]:2376")]
    BareIpv6,
    #[error("the host name contains spaces or control characters")]
    BadHostChars,
    #[error("invalid port \"{0}\"")]
    BadPort(String),
}

fn parse_tcp(rest: &str, https: bool) -> Result<HostSpec, AuthorityError> {
    let authority = split_authority(rest)?;
    if !authority.tail.is_empty() && authority.tail != "/" {
        return Err(AuthorityError::TcpTail);
    }
    // Credentials in a tcp URL are never used (as in the docker CLI): dropped here.
    let host = if authority.host.is_empty() {
        DEFAULT_TCP_HOST.to_string()
    } else {
        authority.host.to_string()
    };
    Ok(HostSpec::Tcp {
        host,
        port: authority.port,
        https,
    })
}

fn parse_ssh(value: &str, rest: &str) -> Result<HostSpec, EndpointError> {
    let invalid = |reason: &str| EndpointError::InvalidHost {
        value: redact_userinfo(value),
        reason: reason.to_string(),
    };
    let authority = split_authority(rest).map_err(|reason| invalid(&reason.to_string()))?;
    let user = match authority.userinfo {
        Some(userinfo) if userinfo.contains(':') => {
            return Err(EndpointError::SshPassword {
                value: redact_userinfo(value),
            });
        }
        Some("") => return Err(invalid("the user name before '@' is empty")),
        // ssh would read a leading '-' as an option.
        Some(user) if user.starts_with('-') => {
            return Err(invalid("the user name starts with '-'"));
        }
        Some(user) => Some(user.to_string()),
        None => None,
    };
    if authority.host.is_empty() {
        return Err(invalid("no host name"));
    }
    if authority.host.starts_with('-') {
        return Err(invalid("the host name starts with '-'"));
    }
    if !authority.tail.is_empty() && authority.tail != "/" {
        return Err(invalid(
            "a path, query or fragment after the host is not supported",
        ));
    }
    Ok(HostSpec::Ssh {
        user,
        host: authority.host.to_string(),
        port: authority.port,
    })
}

/// The parts of `[userinfo@]host[:port][tail]`.
struct Authority<'a> {
    userinfo: Option<&'a str>,
    host: &'a str,
    port: Option<u16>,
    /// Everything from the first `/`, `?` or `#`.
    tail: &'a str,
}

fn split_authority(rest: &str) -> Result<Authority<'_>, AuthorityError> {
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, host_port) = match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    let (host, port) = if host_port.starts_with('[') {
        let close = host_port.find(']').ok_or(AuthorityError::UnclosedBracket)?;
        let after = &host_port[close + 1..];
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or(AuthorityError::AfterIpv6)?),
        };
        (&host_port[..=close], port)
    } else {
        match host_port.rsplit_once(':') {
            Some((host, _)) if host.contains(':') => {
                return Err(AuthorityError::BareIpv6);
            }
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AuthorityError::BadHostChars);
    }
    let port = match port {
        None | Some("") => None,
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port != 0 => Some(port),
            _ => return Err(AuthorityError::BadPort(text.to_string())),
        },
    };
    Ok(Authority {
        userinfo,
        host,
        port,
        tail,
    })
}

/// Remove any password from `scheme://user:password@host...`, keeping the user name.
pub(crate) fn redact_userinfo(value: &str) -> String {
    let Some((scheme, rest)) = value.split_once("://") else {
        return value.to_string();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rfind('@') {
        Some(at) => {
            let (userinfo, host) = (&authority[..at], &authority[at..]);
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            format!("{scheme}://{user}{host}{tail}")
        }
        None => value.to_string(),
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn non_empty_path(value: Option<&Path>) -> Option<&Path> {
    value.filter(|p| !p.as_os_str().is_empty())
}

fn env_string(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::context_store::tests::{TempDir, write_context};

    fn inputs_in(dir: &TempDir) -> EndpointInputs {
        EndpointInputs {
            docker_config_dir: Some(dir.path().to_path_buf()),
            ..EndpointInputs::default()
        }
    }

    fn write_config(dir: &TempDir, text: &str) {
        std::fs::write(dir.path().join("config.json"), text).expect("write config.json");
    }

    fn tcp(addr: &str, tls: Option<TlsFiles>) -> Transport {
        Transport::Tcp {
            addr: addr.to_string(),
            tls,
        }
    }

    fn err_text(inputs: &EndpointInputs) -> String {
        match resolve(inputs) {
            Ok(ep) => panic!("expected an error, got {ep:?}"),
            Err(e) => e.to_string(),
        }
    }

    // ---- precedence -------------------------------------------------------------------------

    #[test]
    fn nothing_set_gives_the_default_socket() {
        let ep = resolve(&EndpointInputs::default()).expect("resolve");
        assert_eq!(ep.url, "unix:///var/run/docker.sock");
        assert_eq!(
            ep.transport,
            Transport::Unix {
                path: PathBuf::from("/var/run/docker.sock")
            }
        );
        assert_eq!(ep.source, EndpointSource::Default);
    }

    #[test]
    fn host_flag_and_context_flag_conflict() {
        let inputs = EndpointInputs {
            host_flag: Some("tcp://a:1".into()),
            context_flag: Some("prod".into()),
            ..EndpointInputs::default()
        };
        assert!(matches!(
            resolve(&inputs),
            Err(EndpointError::HostAndContext)
        ));
        assert_eq!(
            err_text(&inputs),
            "conflicting options: either specify --host or --context, not both"
        );
    }

    #[test]
    fn host_flag_beats_everything_else() {
        let dir = TempDir::new("hostflag");
        write_context(&dir, "prod", "tcp://prod:2375", false);
        write_config(&dir, r#"{"currentContext":"prod"}"#);
        let inputs = EndpointInputs {
            host_flag: Some("tcp://flag:1234".into()),
            docker_host: Some("tcp://env:2375".into()),
            docker_context: Some("prod".into()),
            ..inputs_in(&dir)
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.url, "tcp://flag:1234");
        assert_eq!(ep.source, EndpointSource::HostFlag);
    }

    #[test]
    fn context_flag_beats_environment_and_config() {
        let dir = TempDir::new("ctxflag");
        write_context(&dir, "prod", "tcp://prod:2375", false);
        write_context(&dir, "other", "tcp://other:2375", false);
        write_config(&dir, r#"{"currentContext":"other"}"#);
        let inputs = EndpointInputs {
            context_flag: Some("prod".into()),
            docker_host: Some("tcp://env:2375".into()),
            docker_context: Some("other".into()),
            ..inputs_in(&dir)
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.url, "tcp://prod:2375");
        assert_eq!(ep.source, EndpointSource::ContextFlag("prod".into()));
    }

    #[test]
    fn docker_host_beats_docker_context_and_config() {
        let dir = TempDir::new("dockerhost");
        write_context(&dir, "prod", "tcp://prod:2375", false);
        write_config(&dir, r#"{"currentContext":"prod"}"#);
        let inputs = EndpointInputs {
            docker_host: Some("unix:///run/user/1000/docker.sock".into()),
            docker_context: Some("prod".into()),
            ..inputs_in(&dir)
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.url, "unix:///run/user/1000/docker.sock");
        assert_eq!(ep.source, EndpointSource::DockerHostEnv);
    }

    #[test]
    fn docker_context_beats_config() {
        let dir = TempDir::new("dockercontext");
        write_context(&dir, "prod", "ssh://ops@prod", false);
        write_context(&dir, "other", "tcp://other:2375", false);
        write_config(&dir, r#"{"currentContext":"other"}"#);
        let inputs = EndpointInputs {
            docker_context: Some("prod".into()),
            ..inputs_in(&dir)
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.url, "ssh://ops@prod");
        assert_eq!(
            ep.transport,
            Transport::Ssh {
                addr: "ops@prod".into()
            }
        );
        assert_eq!(ep.source, EndpointSource::DockerContextEnv("prod".into()));
    }

    #[test]
    fn config_current_context_is_used_last() {
        let dir = TempDir::new("current");
        write_context(&dir, "lab", "tcp://10.0.0.5:2375", false);
        write_config(
            &dir,
            r#"{"auths":{},"currentContext":"lab","psFormat":"table"}"#,
        );
        let ep = resolve(&inputs_in(&dir)).expect("resolve");
        assert_eq!(ep.url, "tcp://10.0.0.5:2375");
        assert_eq!(ep.transport, tcp("10.0.0.5:2375", None));
        assert_eq!(
            ep.source,
            EndpointSource::ConfigCurrentContext("lab".into())
        );
    }

    #[test]
    fn config_dir_defaults_to_home_dot_docker() {
        let home = TempDir::new("home");
        let dot_docker = TempDir::at(home.path().join(".docker"));
        write_context(&dot_docker, "lab", "tcp://lab:2375", false);
        write_config(&dot_docker, r#"{"currentContext":"lab"}"#);
        let inputs = EndpointInputs {
            home: Some(home.path().to_path_buf()),
            ..EndpointInputs::default()
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.url, "tcp://lab:2375");
    }

    #[test]
    fn missing_config_file_is_fine() {
        let dir = TempDir::new("noconfig");
        let ep = resolve(&inputs_in(&dir)).expect("resolve");
        assert_eq!(ep.source, EndpointSource::Default);
    }

    #[test]
    fn config_without_current_context_gives_default() {
        let dir = TempDir::new("nocurrent");
        write_config(&dir, r#"{"currentContext":"","auths":{}}"#);
        let ep = resolve(&inputs_in(&dir)).expect("resolve");
        assert_eq!(ep.source, EndpointSource::Default);
    }

    #[test]
    fn malformed_config_is_an_error_naming_the_file() {
        let dir = TempDir::new("badconfig");
        write_config(&dir, r#"{"currentContext": "secret-value"#);
        let text = err_text(&inputs_in(&dir));
        let path = dir.path().join("config.json");
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("line 1"), "{text}");
        assert!(!text.contains("secret-value"), "{text}");
    }

    #[test]
    fn wrongly_typed_current_context_is_an_error_without_the_value() {
        let dir = TempDir::new("badtype");
        write_config(&dir, r#"{"currentContext": 12345}"#);
        let text = err_text(&inputs_in(&dir));
        assert!(text.contains("currentContext"), "{text}");
        let path = dir.path().join("config.json").display().to_string();
        assert!(!text.replace(&path, "").contains("12345"), "{text}");
    }

    #[test]
    fn malformed_config_is_ignored_when_a_higher_input_decides() {
        let dir = TempDir::new("badconfig-ignored");
        write_config(&dir, "{not json");
        let inputs = EndpointInputs {
            docker_host: Some("tcp://h:2375".into()),
            ..inputs_in(&dir)
        };
        assert_eq!(resolve(&inputs).expect("resolve").url, "tcp://h:2375");
    }

    #[test]
    fn context_named_default_is_the_default_socket() {
        let dir = TempDir::new("default-ctx");
        let inputs = EndpointInputs {
            context_flag: Some("default".into()),
            docker_tls_verify: Some("1".into()),
            ..inputs_in(&dir)
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.url, "unix:///var/run/docker.sock");
        assert_eq!(ep.source, EndpointSource::ContextFlag("default".into()));

        write_config(&dir, r#"{"currentContext":"default"}"#);
        let ep = resolve(&inputs_in(&dir)).expect("resolve");
        assert_eq!(ep.url, "unix:///var/run/docker.sock");
        assert_eq!(
            ep.source,
            EndpointSource::ConfigCurrentContext("default".into())
        );
    }

    #[test]
    fn empty_values_count_as_unset() {
        let inputs = EndpointInputs {
            host_flag: Some(String::new()),
            context_flag: Some("  ".into()),
            docker_host: Some(String::new()),
            docker_context: Some(String::new()),
            docker_config_dir: Some(PathBuf::new()),
            ..EndpointInputs::default()
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.source, EndpointSource::Default);
    }

    // ---- contexts ---------------------------------------------------------------------------

    #[test]
    fn unknown_context_names_the_context_and_the_path() {
        let dir = TempDir::new("unknown");
        let inputs = EndpointInputs {
            context_flag: Some("nope".into()),
            ..inputs_in(&dir)
        };
        let text = err_text(&inputs);
        assert!(text.contains("\"nope\""), "{text}");
        let meta = context_store::meta_path(dir.path(), "nope");
        assert!(text.contains(&meta.display().to_string()), "{text}");
    }

    #[test]
    fn unknown_current_context_in_config_is_an_error() {
        let dir = TempDir::new("unknown-current");
        write_config(&dir, r#"{"currentContext":"gone"}"#);
        let text = err_text(&inputs_in(&dir));
        assert!(text.contains("\"gone\""), "{text}");
    }

    #[test]
    fn context_without_named_context_dir_needs_a_config_dir() {
        let inputs = EndpointInputs {
            context_flag: Some("prod".into()),
            ..EndpointInputs::default()
        };
        assert!(matches!(
            resolve(&inputs),
            Err(EndpointError::NoConfigDir { .. })
        ));
    }

    #[test]
    fn context_with_tls_files_uses_tls_and_the_tls_port() {
        let dir = TempDir::new("ctx-tls");
        write_context(&dir, "secure", "tcp://10.0.0.5", false);
        let tls_dir = context_store::tls_dir(dir.path(), "secure");
        std::fs::create_dir_all(&tls_dir).expect("mkdir tls");
        std::fs::write(tls_dir.join("ca.pem"), "x").expect("write ca");
        let inputs = EndpointInputs {
            context_flag: Some("secure".into()),
            // Env TLS settings do not apply to named contexts.
            docker_cert_path: Some(PathBuf::from("/elsewhere")),
            ..inputs_in(&dir)
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.url, "tcp://10.0.0.5:2376");
        assert_eq!(
            ep.transport,
            tcp("10.0.0.5:2376", Some(TlsFiles::in_dir(&tls_dir)))
        );
        // Only a CA: server-verified TLS, no client certificate.
        let Transport::Tcp {
            tls: Some(files), ..
        } = &ep.transport
        else {
            panic!("tls")
        };
        assert_eq!(files.client_pair(), Ok(None));
    }

    #[test]
    fn context_without_tls_files_is_plain_even_with_env_tls() {
        let dir = TempDir::new("ctx-plain");
        write_context(&dir, "plain", "tcp://10.0.0.5", false);
        let inputs = EndpointInputs {
            context_flag: Some("plain".into()),
            docker_tls_verify: Some("1".into()),
            ..inputs_in(&dir)
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.transport, tcp("10.0.0.5:2375", None));
    }

    #[test]
    fn context_with_skip_tls_verify_is_refused_with_a_fix() {
        let dir = TempDir::new("ctx-skip");
        write_context(&dir, "lax", "tcp://10.0.0.5:2376", true);
        let inputs = EndpointInputs {
            context_flag: Some("lax".into()),
            ..inputs_in(&dir)
        };
        let text = err_text(&inputs);
        assert!(text.contains("always verifies TLS"), "{text}");
        assert!(text.contains("docker context update lax"), "{text}");
        assert!(text.contains("ca="), "{text}");
    }

    #[test]
    fn skip_tls_verify_does_not_matter_for_unix_contexts() {
        let dir = TempDir::new("ctx-skip-unix");
        write_context(&dir, "rootless", "unix:///run/user/1000/docker.sock", true);
        let inputs = EndpointInputs {
            context_flag: Some("rootless".into()),
            ..inputs_in(&dir)
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.url, "unix:///run/user/1000/docker.sock");
    }

    #[test]
    fn bad_host_in_a_context_names_the_context() {
        let dir = TempDir::new("ctx-badhost");
        write_context(&dir, "weird", "fd://3", false);
        let inputs = EndpointInputs {
            context_flag: Some("weird".into()),
            ..inputs_in(&dir)
        };
        let text = err_text(&inputs);
        assert!(text.starts_with("context \"weird\": "), "{text}");
        assert!(text.contains("fd://3"), "{text}");
    }

    // ---- TLS from the environment -----------------------------------------------------------

    #[test]
    fn tls_verify_uses_docker_cert_path_and_port_2376() {
        let inputs = EndpointInputs {
            docker_host: Some("tcp://10.0.0.5".into()),
            docker_tls_verify: Some("1".into()),
            docker_cert_path: Some(PathBuf::from("/certs")),
            docker_config_dir: Some(PathBuf::from("/config")),
            home: Some(PathBuf::from("/home/me")),
            ..EndpointInputs::default()
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.url, "tcp://10.0.0.5:2376");
        let files = TlsFiles {
            ca: PathBuf::from("/certs/ca.pem"),
            cert: Some(PathBuf::from("/certs/cert.pem")),
            key: Some(PathBuf::from("/certs/key.pem")),
        };
        assert_eq!(ep.transport, tcp("10.0.0.5:2376", Some(files)));
    }

    #[test]
    fn tls_cert_dir_falls_back_to_docker_config_then_home() {
        let base = EndpointInputs {
            host_flag: Some("tcp://h:2376".into()),
            docker_tls_verify: Some("yes".into()),
            home: Some(PathBuf::from("/home/me")),
            ..EndpointInputs::default()
        };
        let ep = resolve(&base).expect("resolve");
        assert_eq!(
            ep.transport,
            tcp(
                "h:2376",
                Some(TlsFiles::in_dir(Path::new("/home/me/.docker")))
            )
        );
        let with_config = EndpointInputs {
            docker_config_dir: Some(PathBuf::from("/cfg")),
            ..base
        };
        let ep = resolve(&with_config).expect("resolve");
        assert_eq!(
            ep.transport,
            tcp("h:2376", Some(TlsFiles::in_dir(Path::new("/cfg"))))
        );
    }

    #[test]
    fn tls_without_any_cert_dir_is_an_error() {
        let inputs = EndpointInputs {
            docker_host: Some("tcp://h".into()),
            docker_tls_verify: Some("1".into()),
            ..EndpointInputs::default()
        };
        assert!(matches!(resolve(&inputs), Err(EndpointError::NoCertDir)));
    }

    #[test]
    fn without_tls_verify_tcp_is_plain_on_2375() {
        let inputs = EndpointInputs {
            docker_host: Some("tcp://h".into()),
            docker_cert_path: Some(PathBuf::from("/certs")),
            ..EndpointInputs::default()
        };
        let ep = resolve(&inputs).expect("resolve");
        assert_eq!(ep.transport, tcp("h:2375", None));
    }

    #[test]
    fn tls_verify_does_not_touch_unix_or_ssh() {
        for host in ["unix:///var/run/docker.sock", "ssh://ops@bastion"] {
            let inputs = EndpointInputs {
                docker_host: Some(host.into()),
                docker_tls_verify: Some("1".into()),
                ..EndpointInputs::default()
            };
            let ep = resolve(&inputs).expect("resolve");
            assert!(!matches!(ep.transport, Transport::Tcp { .. }), "{host}");
        }
    }

    #[test]
    fn https_and_http_are_tcp_synonyms() {
        let https = EndpointInputs {
            host_flag: Some("https://docker.example.com".into()),
            docker_cert_path: Some(PathBuf::from("/certs")),
            ..EndpointInputs::default()
        };
        let ep = resolve(&https).expect("resolve");
        assert_eq!(ep.url, "tcp://docker.example.com:2376");
        assert_eq!(
            ep.transport,
            tcp(
                "docker.example.com:2376",
                Some(TlsFiles::in_dir(Path::new("/certs")))
            )
        );
        let http = EndpointInputs {
            host_flag: Some("http://docker.example.com:8080/".into()),
            ..EndpointInputs::default()
        };
        let ep = resolve(&http).expect("resolve");
        assert_eq!(ep.transport, tcp("docker.example.com:8080", None));
    }

    // ---- parsing ----------------------------------------------------------------------------

    fn host(value: &str) -> Result<Endpoint, EndpointError> {
        resolve(&EndpointInputs {
            host_flag: Some(value.into()),
            ..EndpointInputs::default()
        })
    }

    #[test]
    fn unix_urls() {
        let ep = host("unix:///tmp/d.sock").expect("resolve");
        assert_eq!(ep.url, "unix:///tmp/d.sock");
        assert_eq!(
            ep.transport,
            Transport::Unix {
                path: PathBuf::from("/tmp/d.sock")
            }
        );
        let ep = host("unix://").expect("resolve");
        assert_eq!(ep.url, "unix:///var/run/docker.sock");
    }

    #[test]
    fn bare_path_is_refused_with_a_hint() {
        let text = host("/var/run/docker.sock")
            .expect_err("bare path")
            .to_string();
        assert!(text.contains("unix:///var/run/docker.sock"), "{text}");
        assert!(text.contains("bare path"), "{text}");
    }

    #[test]
    fn unknown_scheme_names_the_value() {
        for value in ["fd://3", "npipe:////./pipe/docker_engine", "ftp://h"] {
            let err = host(value).expect_err(value);
            assert!(
                matches!(err, EndpointError::UnsupportedScheme { .. }),
                "{value}"
            );
            assert!(err.to_string().contains(value), "{err}");
        }
    }

    #[test]
    fn unknown_scheme_error_hides_passwords() {
        let text = host("ftp://bob:hunter2@h").expect_err("scheme").to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("ftp://bob@h"), "{text}");
    }

    #[test]
    fn schemeless_host_port_is_tcp_like_the_cli() {
        let ep = host("10.0.0.5:2375").expect("resolve");
        assert_eq!(ep.url, "tcp://10.0.0.5:2375");
    }

    #[test]
    fn tcp_passwords_are_stripped() {
        let ep = host("tcp://admin:s3cret@10.0.0.5:2375").expect("resolve");
        assert_eq!(ep.url, "tcp://10.0.0.5:2375");
        assert_eq!(ep.transport, tcp("10.0.0.5:2375", None));
        let shown = format!("{ep:?} {}", serde_json::to_string(&ep).expect("json"));
        assert!(!shown.contains("s3cret"), "{shown}");
    }

    #[test]
    fn ssh_passwords_are_refused_without_echoing_them() {
        let err = host("ssh://ops:s3cret@bastion:22").expect_err("password");
        assert!(matches!(err, EndpointError::SshPassword { .. }));
        let text = err.to_string();
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("ssh://ops@bastion:22"), "{text}");
    }

    #[test]
    fn ssh_urls() {
        let ep = host("ssh://ops@bastion:22").expect("resolve");
        assert_eq!(ep.url, "ssh://ops@bastion:22");
        assert_eq!(
            ep.transport,
            Transport::Ssh {
                addr: "ops@bastion:22".into()
            }
        );
        let ep = host("ssh://bastion").expect("resolve");
        assert_eq!(ep.url, "ssh://bastion");
        let ep = host("ssh://ops@bastion:2222").expect("a non-22 port");
        assert_eq!(
            ep.transport,
            Transport::Ssh {
                addr: "ops@bastion:2222".into()
            }
        );
        let ep = host("ssh://root@[::1]:2200").expect("IPv6");
        assert_eq!(ep.url, "ssh://root@[::1]:2200");
        for bad in [
            "ssh://-oProxyCommand=x",
            "ssh://-l@h",
            "ssh://",
            "ssh://ops@",
            "ssh://@h",
            "ssh://h/path",
            "ssh://h:0",
        ] {
            assert!(
                matches!(host(bad), Err(EndpointError::InvalidHost { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn tcp_address_forms() {
        assert_eq!(
            host("tcp://[::1]:2375").expect("v6").url,
            "tcp://[::1]:2375"
        );
        assert_eq!(host("tcp://[::1]").expect("v6").url, "tcp://[::1]:2375");
        assert_eq!(
            host("tcp://:2375").expect("empty").url,
            "tcp://localhost:2375"
        );
        assert_eq!(host("TCP://h:1").expect("case").url, "tcp://h:1");
        for bad in [
            "tcp://::1:2375",
            "tcp://h:port",
            "tcp://h:70000",
            "tcp://h:2375/prefix",
            "tcp://h:2375?x=1",
            "tcp://[::1",
            "tcp://h o:1",
        ] {
            assert!(
                matches!(host(bad), Err(EndpointError::InvalidHost { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn redaction_keeps_user_and_drops_password() {
        assert_eq!(redact_userinfo("tcp://a:b@h:1/x"), "tcp://a@h:1/x");
        assert_eq!(redact_userinfo("ssh://ops@h"), "ssh://ops@h");
        assert_eq!(redact_userinfo("tcp://h:1"), "tcp://h:1");
        assert_eq!(redact_userinfo("no scheme"), "no scheme");
    }

    #[test]
    fn source_display_reads_well() {
        assert_eq!(
            EndpointSource::DockerHostEnv.to_string(),
            "from DOCKER_HOST"
        );
        assert_eq!(EndpointSource::HostFlag.to_string(), "from --host");
        assert_eq!(
            EndpointSource::ContextFlag("prod".into()).to_string(),
            "from context \"prod\" (--context)"
        );
        assert_eq!(
            EndpointSource::DockerContextEnv("prod".into()).to_string(),
            "from context \"prod\" (DOCKER_CONTEXT)"
        );
        assert_eq!(
            EndpointSource::ConfigCurrentContext("prod".into()).to_string(),
            "from context \"prod\" (currentContext in config.json)"
        );
        assert_eq!(EndpointSource::Default.to_string(), "the default socket");
    }
}
