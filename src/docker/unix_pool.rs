//! A keep-alive client for the local unix socket.
//!
//! bollard's own unix client disables its connection pool, so each of a scan's 500
//! inspects would open a new socket; this one reuses idle connections (as the docker CLI
//! does) and is handed to bollard as a custom transport.

use bollard::errors::Error as BollardError;
use bollard::{BollardRequest, ClientVersion, Docker};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::Connect;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::time::Duration;

use super::connect::BODY_TIMEOUT;

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

/// Pooled connections to one unix socket.
#[derive(Clone)]
pub struct UnixPool {
    client: Arc<Client<hyperlocal::UnixConnector, Body>>,
    socket: Arc<str>,
    /// Bound on waiting for an answer's headers (a daemon that hangs is given up on in
    /// seconds); a body then has [`BODY_TIMEOUT`] to arrive.
    request_timeout: Duration,
}

impl UnixPool {
    pub fn new(socket: &str, request_timeout: Duration) -> Self {
        UnixPool {
            request_timeout,
            client: Arc::new(
                Client::builder(TokioExecutor::new())
                    .pool_idle_timeout(Duration::from_secs(30))
                    .build(hyperlocal::UnixConnector),
            ),
            socket: Arc::from(socket),
        }
    }

    fn uri(&self, path_and_query: &str) -> hyper::Uri {
        hyperlocal::Uri::new(&*self.socket, path_and_query).into()
    }

    /// `GET /_ping`; the daemon's API version from the `API-Version` header, when sent.
    pub async fn ping_api_version(&self) -> Result<Option<ClientVersion>, BollardError> {
        let mut request = BollardRequest::new(Body::Left(http_body_util::Full::default()));
        *request.uri_mut() = self.uri("/_ping");
        let response = tokio::time::timeout(self.request_timeout, self.client.request(request))
            .await
            .map_err(|_| BollardError::RequestTimeoutError)?
            .map_err(BollardError::from)?;
        let status = response.status();
        if !status.is_success() {
            return Err(BollardError::DockerResponseServerError {
                status_code: status.as_u16(),
                message: format!("/_ping answered {status}"),
            });
        }
        Ok(response
            .headers()
            .get("api-version")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_api_version))
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
        tokio::time::timeout(self.request_timeout, self.client.request(request))
            .await
            .map_err(|_| BollardError::RequestTimeoutError)?
            .map_err(BollardError::from)
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
                pool.client
                    .request(BollardRequest::from_parts(parts, body))
                    .await
                    .map_err(BollardError::from)
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

// Keeps the generic bound honest: the connector must be usable by the legacy client.
const _: fn() = || {
    fn assert_connect<C: Connect + Clone + Send + Sync + 'static>() {}
    assert_connect::<hyperlocal::UnixConnector>();
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
