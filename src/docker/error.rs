//! The one error of the Docker port: what a daemon request can end in, whatever the
//! transport or client library. Messages are one line (the daemon's words with their
//! whitespace collapsed), ready for a status bar.

/// A failed request to a Docker daemon.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DockerError {
    /// 404: the container, network, volume or exec does not exist (any more).
    #[error("HTTP 404: {message}")]
    NotFound { message: String },
    /// 409: the object is in the wrong state (not running, being removed...).
    #[error("HTTP 409: {message}")]
    Conflict { message: String },
    /// Any other error status.
    #[error("HTTP {status}: {message}")]
    Api { status: u16, message: String },
    /// The request got no answer in time.
    #[error("the request timed out")]
    Timeout,
    /// The daemon could not be reached, or the connection broke.
    #[error("{0}")]
    Unreachable(String),
    /// The answer was not the JSON seawall expects.
    #[error("the answer was not the JSON seawall expects ({0})")]
    Malformed(String),
    /// Something answered, but not as a Docker daemon does (not HTTP, or a stream of the
    /// wrong content type): a proxy or another service on that address.
    #[error("the answer was not a Docker daemon's ({0})")]
    NotDocker(String),
}

impl DockerError {
    /// An API error with `status`, classified (404 and 409 get their own variants).
    pub fn from_status(status: u16, message: &str) -> Self {
        let message = one_line(message);
        match status {
            404 => DockerError::NotFound { message },
            409 => DockerError::Conflict { message },
            status => DockerError::Api { status, message },
        }
    }

    /// The HTTP status the daemon answered with, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            DockerError::NotFound { .. } => Some(404),
            DockerError::Conflict { .. } => Some(409),
            DockerError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// 404: the object does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, DockerError::NotFound { .. })
    }

    /// 401/403: the daemon (or an authorization plugin) does not allow it.
    pub fn is_denied(&self) -> bool {
        matches!(self.status(), Some(401 | 403))
    }

    /// A container that stopped or vanished between a list and a read: not an error for
    /// a poll. 404 and 409; also the 500 of a `/changes` read racing a removal, which
    /// names the missing layer directory ("stat /var/lib/docker/overlay2/...: no such
    /// file or directory").
    pub fn is_gone(&self) -> bool {
        match self {
            DockerError::NotFound { .. } | DockerError::Conflict { .. } => true,
            DockerError::Api {
                status: 500,
                message,
            } => message.contains("no such file or directory"),
            _ => false,
        }
    }
}

/// Collapse every run of whitespace (newlines included) into one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_conflict_and_a_removed_layer_mean_gone() {
        assert!(DockerError::from_status(404, "x").is_gone());
        assert!(DockerError::from_status(409, "x").is_gone());
        assert!(!DockerError::from_status(500, "x").is_gone());
        let removed_layer = DockerError::from_status(
            500,
            "stat /var/lib/docker/overlay2/3aac: no such file or directory",
        );
        assert!(removed_layer.is_gone());
        assert!(!DockerError::Timeout.is_gone());
        assert!(!DockerError::Unreachable("broken pipe".into()).is_gone());
    }

    #[test]
    fn messages_are_one_line_with_the_status() {
        let e = DockerError::from_status(403, "authorization denied\nby plugin");
        assert!(e.is_denied());
        assert_eq!(e.to_string(), "HTTP 403: authorization denied by plugin");
        assert_eq!(
            DockerError::from_status(404, "No such container: x").to_string(),
            "HTTP 404: No such container: x"
        );
        assert_eq!(DockerError::Timeout.to_string(), "the request timed out");
    }
}
