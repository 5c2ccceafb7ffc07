//! The `ssh` command line of an `ssh://` endpoint, and what its failures mean.
//!
//! seawall reaches a daemon over SSH exactly as the docker CLI does: the system `ssh` binary
//! runs `docker system dial-stdio` on the remote host (`ssh [-l user] [-p port] -- host docker
//! system dial-stdio`), so `~/.ssh/config`, `ProxyJump`, agents and `known_hosts` all apply.
//! This module is pure: the target of an endpoint, the argv (never a shell), and the
//! classification of a failed session's exit status and stderr into words and a fix.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// The environment variable naming an ssh config file passed as `ssh -F FILE` (tests, or an
/// operator who keeps a separate config for seawall).
pub const SSH_CONFIG_ENV: &str = "SEAWALL_SSH_CONFIG";

/// Where an `ssh://` endpoint leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    /// `-l user`, when the URL names one (else ssh's config or the local user).
    pub user: Option<String>,
    /// The host as ssh wants it: a name, an alias from `~/.ssh/config`, or an IP address
    /// (IPv6 without brackets).
    pub host: String,
    /// `-p port`, when the URL names one.
    pub port: Option<u16>,
}

/// Why an `ssh://` address cannot be handed to ssh.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SshTargetError {
    #[error("no host name")]
    NoHost,
    #[error("the host name \"{0}\" starts with '-' (ssh would read it as an option)")]
    DashHost(String),
    #[error("the user name \"{0}\" starts with '-' or is empty")]
    BadUser(String),
    #[error("invalid port \"{0}\"")]
    BadPort(String),
}

impl SshTarget {
    /// Parse the `[user@]host[:port]` of a [`super::Transport::Ssh`] (IPv6 in brackets).
    pub fn parse(addr: &str) -> Result<Self, SshTargetError> {
        let (user, host_port) = match addr.rsplit_once('@') {
            Some((user, rest)) => (Some(user), rest),
            None => (None, addr),
        };
        let (host, port) = if let Some(inner) = host_port.strip_prefix('[') {
            match inner.split_once(']') {
                Some((host, "")) => (host, None),
                Some((host, rest)) => match rest.strip_prefix(':') {
                    Some(port) => (host, Some(port)),
                    None => return Err(SshTargetError::BadPort(rest.to_string())),
                },
                None => return Err(SshTargetError::NoHost),
            }
        } else {
            match host_port.rsplit_once(':') {
                Some((host, port)) if !host.contains(':') => (host, Some(port)),
                _ => (host_port, None),
            }
        };
        if host.is_empty() {
            return Err(SshTargetError::NoHost);
        }
        if host.starts_with('-') {
            return Err(SshTargetError::DashHost(host.to_string()));
        }
        if let Some(user) = user
            && (user.is_empty() || user.starts_with('-'))
        {
            return Err(SshTargetError::BadUser(user.to_string()));
        }
        let port = match port {
            None | Some("") => None,
            Some(text) => match text.parse::<u16>() {
                Ok(port) if port != 0 => Some(port),
                _ => return Err(SshTargetError::BadPort(text.to_string())),
            },
        };
        Ok(SshTarget {
            user: user.map(str::to_string),
            host: host.to_string(),
            port,
        })
    }

    /// `[user@]host[:port]` for messages (IPv6 in brackets again).
    pub fn shown(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let mut out = String::new();
        if let Some(user) = &self.user {
            out.push_str(user);
            out.push('@');
        }
        out.push_str(&host);
        if let Some(port) = self.port {
            out.push_str(&format!(":{port}"));
        }
        out
    }

    /// The `ssh ...` an operator can run to see the problem for themselves.
    pub fn manual_command(&self) -> String {
        let mut out = String::from("ssh");
        if let Some(user) = &self.user {
            out.push_str(&format!(" -l {user}"));
        }
        if let Some(port) = self.port {
            out.push_str(&format!(" -p {port}"));
        }
        out.push(' ');
        out.push_str(&self.host);
        out
    }
}

/// How `ssh` is run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshOptions {
    /// `ssh -o ConnectTimeout=N` (whole seconds, at least 1).
    pub connect_timeout: Duration,
    /// `ssh -F FILE` (from [`SSH_CONFIG_ENV`]); `None` leaves ssh's own default.
    pub config_file: Option<PathBuf>,
}

impl SshOptions {
    /// Options for a handshake bounded by `connect_timeout`, the config file from the
    /// environment.
    pub fn from_env(connect_timeout: Duration) -> Self {
        SshOptions {
            connect_timeout,
            config_file: std::env::var_os(SSH_CONFIG_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }
}

/// The arguments after `ssh`: separate argv items, never a shell line. `BatchMode=yes` so
/// ssh never waits on a password or host key prompt nobody sees; `--` before the host, which
/// [`SshTarget::parse`] already refused to start with '-'.
pub fn ssh_args(target: &SshTarget, options: &SshOptions) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    if let Some(file) = &options.config_file {
        args.push("-F".into());
        args.push(file.into());
    }
    if let Some(user) = &target.user {
        args.push("-l".into());
        args.push(user.into());
    }
    if let Some(port) = target.port {
        args.push("-p".into());
        args.push(port.to_string().into());
    }
    let secs = options.connect_timeout.as_secs().max(1);
    for option in [
        "BatchMode=yes".to_string(),
        format!("ConnectTimeout={secs}"),
    ] {
        args.push("-o".into());
        args.push(option.into());
    }
    args.push("--".into());
    args.push(target.host.clone().into());
    for word in ["docker", "system", "dial-stdio"] {
        args.push(word.into());
    }
    args
}

/// What went wrong with an ssh session, in classes that each have their own fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SshProblem {
    /// The host key is unknown or changed.
    HostKey,
    /// No key (or agent) the server accepts.
    Auth,
    /// The remote shell has no `docker` command (exit 127).
    NoDocker,
    /// `docker system dial-stdio` ran but cannot reach the remote daemon.
    RemoteDaemon,
    /// ssh gave up connecting.
    Timeout,
    /// Nothing listens on the ssh port.
    Refused,
    /// The host name does not resolve.
    Resolve,
    /// The `ssh` binary is not installed here.
    NoSshClient,
    /// The sessions seawall allows itself are all busy.
    Busy,
    /// Anything else ssh said.
    Other,
}

/// A failed ssh session: what it was, in words that name the host and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{words}")]
pub struct SshFailure {
    pub problem: SshProblem,
    /// What happened, naming the host (one line).
    pub words: String,
    /// What to do about it.
    pub fix: String,
}

/// Classify a finished session from its exit code (`None`: killed by a signal) and stderr.
pub fn classify_failure(target: &SshTarget, code: Option<i32>, stderr: &str) -> SshFailure {
    let shown = target.shown();
    let manual = target.manual_command();
    let lower = stderr.to_ascii_lowercase();
    let said = last_meaningful_line(stderr);
    let (problem, words, fix) = if lower.contains("host key verification failed")
        || lower.contains("remote host identification has changed")
        || lower.contains("host key is known for")
        || lower.contains("no matching host key")
    {
        (
            SshProblem::HostKey,
            format!("the SSH host key of {shown} is unknown or has changed"),
            format!(
                "check the key and add it to known_hosts: run `{manual}` once and accept the \
                 key (or fix the stale entry with `ssh-keygen -R {}`)",
                target.host
            ),
        )
    } else if lower.contains("permission denied") && !lower.contains("docker.sock") {
        (
            SshProblem::Auth,
            format!("SSH authentication to {shown} failed ({said})"),
            "seawall runs ssh without prompts (BatchMode): load a key the server accepts \
             into ssh-agent (ssh-add), or set IdentityFile for that host in ~/.ssh/config"
                .to_string(),
        )
    } else if code == Some(127)
        || lower.contains("docker: command not found")
        || lower.contains("docker: not found")
        || (lower.contains("docker") && lower.contains("not found") && code != Some(255))
    {
        (
            SshProblem::NoDocker,
            format!("docker not found on {shown}: `docker system dial-stdio` did not run"),
            format!(
                "install the docker CLI on {} and make sure it is on the PATH of \
                 non-interactive ssh sessions (`{manual} -- docker version` must work)",
                target.host
            ),
        )
    } else if lower.contains("cannot connect to the docker daemon")
        || lower.contains("docker.sock")
        || lower.contains("is the docker daemon running")
    {
        (
            SshProblem::RemoteDaemon,
            format!("the docker CLI on {shown} cannot reach its daemon ({said})"),
            format!(
                "start dockerd on {} or give the ssh user access to its socket (the docker group)",
                target.host
            ),
        )
    } else if lower.contains("timed out") {
        (
            SshProblem::Timeout,
            format!("the SSH connection to {shown} timed out"),
            "check the host and port, the network path and any ProxyJump in ~/.ssh/config"
                .to_string(),
        )
    } else if lower.contains("connection refused") {
        (
            SshProblem::Refused,
            format!("the SSH connection to {shown} was refused"),
            "is sshd running there, and on that port? (set the port in the URL, \
             ssh://user@host:2222, or in ~/.ssh/config)"
                .to_string(),
        )
    } else if lower.contains("could not resolve hostname")
        || lower.contains("name or service not known")
    {
        (
            SshProblem::Resolve,
            format!("the host name {} does not resolve", target.host),
            "check the name, or add a Host entry with HostName to ~/.ssh/config".to_string(),
        )
    } else {
        let status = match code {
            Some(code) => format!("exit status {code}"),
            None => "killed by a signal".to_string(),
        };
        let words = if said.is_empty() {
            format!("the SSH session to {shown} ended ({status})")
        } else {
            format!("the SSH session to {shown} ended ({status}): {said}")
        };
        (
            SshProblem::Other,
            words,
            format!("check that `{manual} -- docker system dial-stdio` works without a prompt"),
        )
    };
    SshFailure {
        problem,
        words,
        fix,
    }
}

/// `ssh` itself could not be started.
pub fn spawn_failure(target: &SshTarget, err: &std::io::Error) -> SshFailure {
    if err.kind() == std::io::ErrorKind::NotFound {
        return SshFailure {
            problem: SshProblem::NoSshClient,
            words: format!(
                "cannot reach {}: the ssh client is not installed",
                target.shown()
            ),
            fix: "install OpenSSH's client (Debian: apt-get install openssh-client)".to_string(),
        };
    }
    SshFailure {
        problem: SshProblem::Other,
        words: format!("cannot start ssh for {}: {err}", target.shown()),
        fix: "check that the ssh client runs".to_string(),
    }
}

/// Every session seawall allows itself stayed busy.
pub fn busy_failure(target: &SshTarget, sessions: usize, waited: Duration) -> SshFailure {
    SshFailure {
        problem: SshProblem::Busy,
        words: format!(
            "all {sessions} SSH sessions to {} stayed busy for {}s",
            target.shown(),
            waited.as_secs()
        ),
        fix: "the daemon answers slowly; try again or raise the request timeout".to_string(),
    }
}

/// The last line of stderr that says something (ssh prints warnings first), one line,
/// capped, every unsafe character (controls, bidi, invisible) shown escaped: stderr comes from
/// the remote host too.
fn last_meaningful_line(stderr: &str) -> String {
    let line = stderr
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty() && !line.starts_with("Warning: Permanently added"))
        .unwrap_or("");
    crate::sanitize::terminal_line(line)
        .chars()
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(addr: &str) -> SshTarget {
        SshTarget::parse(addr).expect("target")
    }

    fn opts() -> SshOptions {
        SshOptions {
            connect_timeout: Duration::from_secs(7),
            config_file: None,
        }
    }

    fn args(addr: &str, options: &SshOptions) -> Vec<String> {
        ssh_args(&target(addr), options)
            .into_iter()
            .map(|a| a.into_string().expect("utf-8"))
            .collect()
    }

    #[test]
    fn argv_carries_user_port_and_options_as_separate_items() {
        assert_eq!(
            args("ops@bastion:2222", &opts()),
            [
                "-l",
                "ops",
                "-p",
                "2222",
                "-o",
                "BatchMode=yes",
                "-o",
                "ConnectTimeout=7",
                "--",
                "bastion",
                "docker",
                "system",
                "dial-stdio"
            ]
        );
        assert_eq!(
            args("bastion", &opts()),
            [
                "-o",
                "BatchMode=yes",
                "-o",
                "ConnectTimeout=7",
                "--",
                "bastion",
                "docker",
                "system",
                "dial-stdio"
            ]
        );
    }

    #[test]
    fn argv_names_a_config_file_and_rounds_the_timeout_up_to_a_second() {
        let options = SshOptions {
            connect_timeout: Duration::from_millis(300),
            config_file: Some(PathBuf::from("/tmp/ssh config")),
        };
        let argv = args("h", &options);
        assert_eq!(&argv[..2], ["-F", "/tmp/ssh config"]);
        assert!(argv.contains(&"ConnectTimeout=1".to_string()), "{argv:?}");
    }

    #[test]
    fn ipv6_hosts_lose_their_brackets_for_ssh_and_keep_them_in_messages() {
        let t = target("root@[::1]:2200");
        assert_eq!(t.host, "::1");
        assert_eq!(t.port, Some(2200));
        assert_eq!(t.shown(), "root@[::1]:2200");
        let t = target("[fe80::1]");
        assert_eq!((t.host.as_str(), t.port), ("fe80::1", None));
    }

    #[test]
    fn option_injection_through_host_or_user_is_refused() {
        assert!(matches!(
            SshTarget::parse("-oProxyCommand=touch /tmp/x"),
            Err(SshTargetError::DashHost(_))
        ));
        assert!(matches!(
            SshTarget::parse("-oProxyCommand=x@h"),
            Err(SshTargetError::BadUser(_))
        ));
        assert!(matches!(
            SshTarget::parse("u@h:99999"),
            Err(SshTargetError::BadPort(_))
        ));
        assert!(matches!(
            SshTarget::parse("u@"),
            Err(SshTargetError::NoHost)
        ));
    }

    #[test]
    fn stderr_is_classified_with_the_host_and_a_fix() {
        let t = target("ops@box:2222");
        let cases = [
            (
                Some(255),
                "No ED25519 host key is known for [box]:2222 and you have requested strict \
                 checking.\r\nHost key verification failed.\r\n",
                SshProblem::HostKey,
                "host key of ops@box:2222",
                "known_hosts",
            ),
            (
                Some(255),
                "ops@box: Permission denied (publickey).\r\n",
                SshProblem::Auth,
                "authentication to ops@box:2222 failed",
                "ssh-agent",
            ),
            (
                Some(127),
                "bash: line 1: docker: command not found\n",
                SshProblem::NoDocker,
                "docker not found on ops@box:2222",
                "install the docker CLI",
            ),
            (
                Some(127),
                "sh: 1: exec: docker: not found\n",
                SshProblem::NoDocker,
                "docker not found",
                "PATH",
            ),
            (
                Some(1),
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the \
                 docker daemon running?\n",
                SshProblem::RemoteDaemon,
                "cannot reach its daemon",
                "start dockerd",
            ),
            (
                Some(255),
                "ssh: connect to host box port 2222: Connection timed out\r\n",
                SshProblem::Timeout,
                "to ops@box:2222 timed out",
                "ProxyJump",
            ),
            (
                Some(255),
                "ssh: connect to host box port 2222: Connection refused\r\n",
                SshProblem::Refused,
                "was refused",
                "sshd running",
            ),
            (
                Some(255),
                "ssh: Could not resolve hostname box: Name or service not known\r\n",
                SshProblem::Resolve,
                "box does not resolve",
                "~/.ssh/config",
            ),
            (
                Some(255),
                "Warning: Permanently added '[box]:2222' (ED25519) to the list of known hosts.\n\
                 kex_exchange_identification: read: Connection reset by peer\n",
                SshProblem::Other,
                "exit status 255): kex_exchange_identification",
                "dial-stdio",
            ),
        ];
        for (code, stderr, problem, words, fix) in cases {
            let failure = classify_failure(&t, code, stderr);
            assert_eq!(failure.problem, problem, "{stderr}");
            assert!(failure.words.contains(words), "{failure:?}");
            assert!(failure.fix.contains(fix), "{failure:?}");
        }
    }

    #[test]
    fn remote_stderr_cannot_inject_control_characters() {
        let t = target("h");
        let failure = classify_failure(&t, Some(3), "boom\u{1b}[2J\u{7}\u{202e}!\n");
        assert!(!failure.words.chars().any(char::is_control), "{failure:?}");
        assert!(!failure.words.contains('\u{202e}'), "{failure:?}");
        assert!(failure.words.contains("boom\\e[2J"), "{failure:?}");
    }

    #[test]
    fn a_missing_ssh_client_says_so() {
        let err = std::io::Error::from(std::io::ErrorKind::NotFound);
        let failure = spawn_failure(&target("h"), &err);
        assert_eq!(failure.problem, SshProblem::NoSshClient);
        assert!(failure.fix.contains("openssh-client"));
    }
}
