//! A keep-alive client for the local unix socket, or for an `ssh://` endpoint.
//!
//! bollard's own unix client disables its connection pool, so each of a scan's 500
//! inspects would open a new socket; this one reuses idle connections (as the docker CLI
//! does) and is handed to bollard as a custom transport. Over SSH, each connection is one
//! bounded `ssh ... docker system dial-stdio` session ([`super::ssh_connector`]).

use bollard::errors::Error as BollardError;
use bollard::{BollardRequest, ClientVersion, Docker};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::Connect;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::time::Duration;

use super::connect::BODY_TIMEOUT;
use super::ssh_command::SshFailure;
use super::ssh_connector::SshConnector;

/// The body type of bollard's requests (bollard does not export it by name).
type Body = http_body_util::Either<
    http_body_util::Full<hyper::body::Bytes>,
    http_body_util::StreamBody<
        std::pin::Pin<
            Box<
                dyn futures_util::Stream<
                        Item = Result<hyper::body::Frame<hyper::body::Bytes>, std::io::Error>,
                    > + Send,
            >,
        >,
    >,
>;

/// Pooled connections to one unix socket or one ssh target.
#[derive(Clone)]
pub struct UnixPool {
    route: Arc<Route>,
    /// Bound on waiting for an answer's headers (a daemon that hangs is given up on in
    /// seconds); a body then has [`BODY_TIMEOUT`] to arrive.
    request_timeout: Duration,
}

impl UnixPool {
    pub fn new(socket: &str, request_timeout: Duration) -> Self {
        UnixPool {
            request_timeout,
            route: Arc::new(Route::Unix {
                client: Client::builder(TokioExecutor::new())
                    .pool_idle_timeout(Duration::from_secs(30))
                    .build(hyperlocal::UnixConnector),
                socket: Arc::from(socket),
            }),
        }
    }

    /// Pooled connections through ssh sessions opened by `connector`.
    pub fn over_ssh(connector: SshConnector, request_timeout: Duration) -> Self {
        UnixPool {
            request_timeout,
            route: Arc::new(Route::Ssh {
                client: Client::builder(TokioExecutor::new())
                    .pool_idle_timeout(Duration::from_secs(30))
                    .build(connector.clone()),
                connector,
            }),
        }
    }

    /// The ssh connector, on an `ssh://` endpoint.
    pub fn ssh(&self) -> Option<&SshConnector> {
        match &*self.route {
            Route::Ssh { connector, .. } => Some(connector),
            Route::Unix { .. } => None,
        }
    }

    fn uri(&self, path_and_query: &str) -> hyper::Uri {
        match &*self.route {
            Route::Unix { socket, .. } => hyperlocal::Uri::new(&**socket, path_and_query).into(),
            // The connector ignores the address: any authority keys the pool.
            Route::Ssh { .. } => hyper::Uri::builder()
                .scheme("http")
                .authority("docker.ssh")
                .path_and_query(path_and_query)
                .build()
                .unwrap_or_default(),
        }
    }

    /// `GET /_ping`; the daemon's API version from the `API-Version` header, when sent.
    pub async fn ping_api_version(&self) -> Result<Option<ClientVersion>, BollardError> {
        let mut request = BollardRequest::new(Body::Left(http_body_util::Full::default()));
        *request.uri_mut() = self.uri("/_ping");
        let response = tokio::time::timeout(self.request_timeout, self.route.request(request))
            .await
            .map_err(|_| BollardError::RequestTimeoutError)??;
        let status = response.status();
        if !status.is_success() {
            return Err(BollardError::DockerResponseServerError {
                status_code: status.as_u16(),
                message: format!("/_ping answered {status}"),
            });
        }
        let version = response
            .headers()
            .get("api-version")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_api_version);
        // Read the body ("OK") to its end: only then does the connection go back to the
        // pool (over ssh, an unread body would cost the session and a new ssh handshake).
        use http_body_util::BodyExt;
        let _ = tokio::time::timeout(self.request_timeout, response.into_body().collect()).await;
        Ok(version)
    }

    /// `GET path_and_query` through the pool: the status and the whole body, whatever the
    /// status. The caller adds the API version prefix (`/v1.41/containers/{id}/json`).
    ///
    /// This is the hot path of a unix endpoint's list and inspect: the lean parsers in
    /// [`crate::model::convert::wire`] read these bytes straight into the model, with no
    /// bollard types in between. A non-2xx answer is returned as such (its body holds the
    /// daemon's `{"message": ...}`); only a transport failure or the request timeout (the
    /// request timeouts: headers, then the body) is an error.
    pub async fn get_bytes(
        &self,
        path_and_query: &str,
    ) -> Result<(u16, hyper::body::Bytes), BollardError> {
        use http_body_util::BodyExt;
        let response = self.get(path_and_query).await?;
        let status = response.status().as_u16();
        let body = tokio::time::timeout(BODY_TIMEOUT, response.into_body().collect())
            .await
            .map_err(|_| BollardError::RequestTimeoutError)?
            .map_err(BollardError::from)?
            .to_bytes();
        Ok((status, body))
    }

    /// `GET path_and_query`: the answer once its headers arrived (within the request
    /// timeout), its body still to read (a stream such as `/events`).
    pub async fn get(
        &self,
        path_and_query: &str,
    ) -> Result<hyper::Response<hyper::body::Incoming>, BollardError> {
        let mut request = BollardRequest::new(Body::Left(http_body_util::Full::default()));
        *request.uri_mut() = self.uri(path_and_query);
        tokio::time::timeout(self.request_timeout, self.route.request(request))
            .await
            .map_err(|_| BollardError::RequestTimeoutError)?
    }

    /// `GET path_and_query` through the pool, the body of a 2xx answer handed to `each`
    /// chunk by chunk as it arrives (never held whole: the list of a daemon whose
    /// containers carry large labels is tens of megabytes). Returns the status, and the
    /// whole body of an answer that is not 2xx (the daemon's `{"message": ...}`). Errors
    /// and the timeout as [`Self::get_bytes`].
    pub async fn get_chunks(
        &self,
        path_and_query: &str,
        mut each: impl FnMut(&[u8]),
    ) -> Result<(u16, hyper::body::Bytes), BollardError> {
        use http_body_util::BodyExt;
        // Headers within the request timeout, then the body within the body bound.
        let response = self.get(path_and_query).await?;
        let exchange = async {
            let status = response.status().as_u16();
            let mut body = response.into_body();
            if !(200..300).contains(&status) {
                return Ok((status, body.collect().await?.to_bytes()));
            }
            while let Some(frame) = body.frame().await {
                if let Ok(data) = frame?.into_data() {
                    each(&data);
                }
            }
            Ok::<_, BollardError>((status, hyper::body::Bytes::new()))
        };
        tokio::time::timeout(BODY_TIMEOUT, exchange)
            .await
            .map_err(|_| BollardError::RequestTimeoutError)?
    }

    /// A bollard client that sends every request through this pool.
    pub fn docker(&self, version: &ClientVersion) -> Docker {
        let pool = self.clone();
        let transport = move |req: BollardRequest| {
            let pool = pool.clone();
            async move {
                let (mut parts, body) = req.into_parts();
                let path = parts
                    .uri
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .to_string();
                parts.uri = pool.uri(&path);
                pool.route
                    .request(BollardRequest::from_parts(parts, body))
                    .await
            }
        };
        // Storing a custom transport cannot fail.
        Docker::connect_with_custom_transport(
            transport,
            Some("unix://localhost"),
            self.request_timeout.as_secs().max(1),
            version,
        )
        .expect("bollard accepts a custom transport")
    }
}

/// Where the pool's connections go.
enum Route {
    Unix {
        client: Client<hyperlocal::UnixConnector, Body>,
        socket: Arc<str>,
    },
    Ssh {
        client: Client<SshConnector, Body>,
        connector: SshConnector,
    },
}

impl Route {
    async fn request(
        &self,
        request: BollardRequest,
    ) -> Result<hyper::Response<hyper::body::Incoming>, BollardError> {
        match self {
            Route::Unix { client, .. } => client.request(request).await.map_err(BollardError::from),
            Route::Ssh { client, connector } => match client.request(request).await {
                Ok(response) => Ok(response),
                Err(err) => Err(explain_ssh(connector, err).await),
            },
        }
    }
}

/// A failed request over ssh: the failed session's classified stderr when there is one
/// (authentication, host key, no docker on the remote...), else the client's error.
async fn explain_ssh(
    connector: &SshConnector,
    err: hyper_util::client::legacy::Error,
) -> BollardError {
    use std::error::Error as _;
    let mut source = err.source();
    while let Some(current) = source {
        if let Some(failure) = current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<SshFailure>())
        {
            return ssh_error(failure.clone());
        }
        source = current.source();
    }
    match connector.failure(SSH_FAILURE_WAIT).await {
        Some(failure) => ssh_error((*failure).clone()),
        None => BollardError::from(err),
    }
}

fn ssh_error(failure: SshFailure) -> BollardError {
    BollardError::IOError {
        err: std::io::Error::other(failure),
    }
}

/// How long a failed request waits for the ssh child's exit and stderr.
const SSH_FAILURE_WAIT: Duration = Duration::from_secs(2);

// Keeps the generic bound honest: the connector must be usable by the legacy client.
const _: fn() = || {
    fn assert_connect<C: Connect + Clone + Send + Sync + 'static>() {}
    assert_connect::<hyperlocal::UnixConnector>();
    assert_connect::<SshConnector>();
};

/// Parse `1.41` into a client version.
pub fn parse_api_version(text: &str) -> Option<ClientVersion> {
    let (major, minor) = text.trim().split_once('.')?;
    Some(ClientVersion {
        major_version: major.parse().ok()?,
        minor_version: minor.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_api_version;

    #[test]
    fn api_versions_parse() {
        let v = parse_api_version("1.41").unwrap();
        assert_eq!((v.major_version, v.minor_version), (1, 41));
        assert!(parse_api_version("x").is_none());
        assert!(parse_api_version("1.x").is_none());
    }
}
