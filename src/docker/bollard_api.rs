//! The [`DockerApi`] adapter over bollard: each call converts bollard's answer into the
//! model (through [`crate::model::convert`]) and bollard's error into a [`DockerError`].
//! With `model::convert`, the only code that sees bollard types.

use super::error::{DockerError, one_line};
use super::port::{Connector, DockerApi, EventHistory, EventStream, ListFilter, LogTail, Top};
use super::unix_pool::UnixPool;
use super::{ConnectError, Endpoint};
use crate::model::convert::{self, activity as conv};
use crate::model::{ContainerFacts, ContainerSummary, ExecFacts, FileChange, HostFacts};
use crate::model::{NetworkAttachment, VolumeBacking};
use bollard::Docker;
use bollard::errors::Error as BollardError;
use bollard::models::{
    EndpointIpamConfig, EndpointSettings, NetworkConnectRequest, NetworkDisconnectRequest,
};
use bollard::query_parameters::{
    EventsOptions, InspectNetworkOptions, ListContainersOptions, ListVolumesOptions, LogsOptions,
    StopContainerOptions, TopOptions,
};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::time::Duration;

/// A connected bollard client (see [`super::connect`]). On a local socket it also keeps
/// the keep-alive pool, and lists and inspects containers through it: the raw JSON goes
/// straight into the model ([`convert::wire`]) with no bollard types in between, which is
/// most of a scan's CPU and memory.
#[derive(Clone)]
pub struct BollardDocker {
    docker: Docker,
    raw: Option<UnixPool>,
}

impl std::fmt::Debug for BollardDocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BollardDocker")
            .field("docker", &self.docker)
            .field("lean_unix_reads", &self.raw.is_some())
            .finish()
    }
}

impl BollardDocker {
    pub(crate) fn new(docker: Docker) -> Self {
        BollardDocker { docker, raw: None }
    }

    /// A client whose list and inspect read raw JSON through `pool`.
    pub(crate) fn with_raw_unix(docker: Docker, pool: UnixPool) -> Self {
        BollardDocker {
            docker,
            raw: Some(pool),
        }
    }

    /// `GET /v<api>/<path>` through the pool: the body of a 2xx answer, else the daemon's
    /// error in the port's terms.
    async fn raw_get(
        pool: &UnixPool,
        version: (usize, usize),
        path: &str,
    ) -> Result<hyper::body::Bytes, DockerError> {
        let (major, minor) = version;
        let (status, body) = pool
            .get_bytes(&format!("/v{major}.{minor}{path}"))
            .await
            .map_err(docker_error)?;
        if (200..300).contains(&status) {
            return Ok(body);
        }
        Err(api_error(status, &body))
    }

    /// [`Self::raw_get`] with the body of a 2xx answer handed to `each` as it arrives.
    async fn raw_get_chunks(
        pool: &UnixPool,
        version: (usize, usize),
        path: &str,
        each: impl FnMut(&[u8]),
    ) -> Result<(), DockerError> {
        let (major, minor) = version;
        let (status, body) = pool
            .get_chunks(&format!("/v{major}.{minor}{path}"), each)
            .await
            .map_err(docker_error)?;
        if (200..300).contains(&status) {
            return Ok(());
        }
        Err(api_error(status, &body))
    }

    /// `/info`, and on a local socket also the fields bollard's type drops (Podman's
    /// `Rootless`, `BuildahVersion`), read from the same raw body.
    async fn info_with_extras(
        &self,
    ) -> Result<(bollard::models::SystemInfo, convert::InfoExtras), DockerError> {
        if let Some(pool) = &self.raw {
            let body = Self::raw_get(pool, self.api_version(), "/info").await?;
            let info = serde_json::from_slice(&body)
                .map_err(|e| DockerError::Malformed(format!("/info: {e}")))?;
            return Ok((info, convert::info_extras(&body)));
        }
        let info = self.docker.info().await.map_err(docker_error)?;
        Ok((info, convert::InfoExtras::default()))
    }

    /// `GET /events` with these options. On a local socket, line by line through the pool:
    /// a bad message is skipped, not the stream's end.
    fn event_stream(&self, options: EventsOptions) -> EventStream {
        let Some(pool) = &self.raw else {
            return self
                .docker
                .events(Some(options))
                .map(|item| item.map(|m| conv::event(&m)).map_err(docker_error))
                .boxed();
        };
        let mut query = Vec::new();
        if let Some(filters) = &options.filters
            && let Ok(f) = serde_json::to_string(filters)
        {
            query.push(format!("filters={}", percent_encode(&f)));
        }
        for (key, value) in [("since", &options.since), ("until", &options.until)] {
            if let Some(value) = value {
                query.push(format!("{key}={}", percent_encode(value)));
            }
        }
        let (major, minor) = self.api_version();
        let path = format!("/v{major}.{minor}/events?{}", query.join("&"));
        let pool = pool.clone();
        futures_util::stream::once(async move { pool.get(&path).await })
            .flat_map(|answer| match answer {
                Ok(response) => super::event_lines::stream(response),
                Err(e) => futures_util::stream::iter([Err(docker_error(e))]).boxed(),
            })
            .boxed()
    }

    /// The API version negotiated with the daemon.
    pub fn api_version(&self) -> (usize, usize) {
        let v = self.docker.client_version();
        (v.major_version, v.minor_version)
    }
}

/// The [`Connector`] of real daemons: [`super::connect`].
#[derive(Debug, Clone, Copy, Default)]
pub struct BollardConnector;

impl Connector for BollardConnector {
    type Api = BollardDocker;

    async fn connect(
        &self,
        endpoint: &Endpoint,
        timeout: Duration,
    ) -> Result<BollardDocker, ConnectError> {
        super::connect(endpoint, timeout).await
    }
}

/// The daemon's answer `status` with its `{"message": ...}` body, in the port's terms.
fn api_error(status: u16, body: &[u8]) -> DockerError {
    #[derive(serde::Deserialize)]
    struct ApiMessage {
        message: String,
    }
    let message = serde_json::from_slice::<ApiMessage>(body)
        .map(|m| m.message)
        .unwrap_or_else(|_| String::from_utf8_lossy(body).into_owned());
    DockerError::from_status(status, &message)
}

/// bollard's error in the port's terms.
pub fn docker_error(e: BollardError) -> DockerError {
    match e {
        BollardError::DockerResponseServerError {
            status_code,
            message,
        } => DockerError::from_status(status_code, &message),
        BollardError::RequestTimeoutError => DockerError::Timeout,
        BollardError::JsonDataError { message, .. } => DockerError::Malformed(one_line(&message)),
        BollardError::JsonSerdeError { err } => DockerError::Malformed(one_line(&err.to_string())),
        other => {
            let words = describe(&other);
            if words.starts_with(NOT_HTTP) {
                DockerError::NotDocker(words)
            } else {
                DockerError::Unreachable(words)
            }
        }
    }
}

/// How [`describe`] starts when the peer did not speak HTTP.
const NOT_HTTP: &str = "the answer was not HTTP";

/// A transport failure in words: what happened to the connection, not the client
/// library's layers ("Error in the hyper legacy client: client error (SendRequest)").
pub fn describe(err: &BollardError) -> String {
    use std::error::Error as _;
    use std::io::ErrorKind;
    let mut source: Option<&(dyn std::error::Error + 'static)> = match err {
        BollardError::HyperResponseError { err } => Some(err),
        BollardError::IOError { err } => Some(err),
        _ => err.source(),
    };
    let mut innermost = None;
    while let Some(e) = source {
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            if h.is_parse() || h.is_parse_status() {
                return format!("{NOT_HTTP} ({})", one_line(&h.to_string()));
            }
            if h.is_incomplete_message() {
                return "the connection closed before the answer was complete".to_string();
            }
            if h.is_timeout() {
                return "the request timed out".to_string();
            }
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                ErrorKind::ConnectionRefused => return "connection refused".to_string(),
                ErrorKind::NotFound => return "the socket does not exist".to_string(),
                ErrorKind::PermissionDenied => {
                    return "permission denied on the socket".to_string();
                }
                ErrorKind::ConnectionReset | ErrorKind::BrokenPipe => {
                    return "the connection was reset".to_string();
                }
                ErrorKind::TimedOut => return "the request timed out".to_string(),
                _ => {}
            }
        }
        innermost = Some(e);
        source = e.source();
    }
    match innermost {
        Some(e) => one_line(&e.to_string()),
        None => one_line(&err.to_string()),
    }
}

fn some_vec(v: &[String]) -> Option<Vec<String>> {
    (!v.is_empty()).then(|| v.to_vec())
}

/// The connect request that attaches `container` as `a` describes (pure): aliases, links,
/// static addresses only when there are some.
pub fn connect_request(container: &str, a: &NetworkAttachment) -> NetworkConnectRequest {
    let has_ipam =
        a.ipv4_address.is_some() || a.ipv6_address.is_some() || !a.link_local_ips.is_empty();
    NetworkConnectRequest {
        container: container.to_string(),
        endpoint_config: Some(EndpointSettings {
            aliases: some_vec(&a.aliases),
            links: some_vec(&a.links),
            ipam_config: has_ipam.then(|| EndpointIpamConfig {
                ipv4_address: a.ipv4_address.clone(),
                ipv6_address: a.ipv6_address.clone(),
                link_local_ips: some_vec(&a.link_local_ips),
            }),
            driver_opts: (!a.driver_opts.is_empty())
                .then(|| a.driver_opts.clone().into_iter().collect()),
            ..Default::default()
        }),
    }
}

impl DockerApi for BollardDocker {
    async fn ping(&self) -> Result<(), DockerError> {
        self.docker.ping().await.map(|_| ()).map_err(docker_error)
    }

    async fn host_facts(&self, endpoint: &str, plain_tcp: bool) -> Result<HostFacts, DockerError> {
        let (info, version, bridge) = tokio::join!(
            self.info_with_extras(),
            self.docker.version(),
            self.docker
                .inspect_network("bridge", None::<InspectNetworkOptions>)
        );
        let (info, extras) = info?;
        let version = version.map_err(docker_error)?;
        // The default bridge may not exist (e.g. `"bridge": "none"` in daemon.json).
        let icc = bridge.ok().and_then(|n| {
            n.options?
                .get("com.docker.network.bridge.enable_icc")
                .map(|v| v != "false")
        });
        let mut facts = convert::host(endpoint, plain_tcp, &info, &version, icc);
        convert::apply_info_extras(&mut facts, &extras);
        Ok(facts)
    }

    async fn list_containers(
        &self,
        filter: &ListFilter,
    ) -> Result<Vec<ContainerSummary>, DockerError> {
        let mut filters: HashMap<String, Vec<String>> = HashMap::new();
        if filter.running_only {
            filters.insert("status".into(), vec!["running".into()]);
        }
        if !filter.labels.is_empty() {
            filters.insert("label".into(), filter.labels.clone());
        }
        if let Some(pool) = &self.raw {
            let mut path = String::from("/containers/json?all=1");
            if !filters.is_empty() {
                let json = serde_json::to_string(&filters)
                    .map_err(|e| DockerError::Malformed(e.to_string()))?;
                path.push_str("&filters=");
                path.push_str(&percent_encode(&json));
            }
            // Parsed as it arrives: the list's labels are never held whole.
            let mut list = convert::SummaryStream::new();
            Self::raw_get_chunks(pool, self.api_version(), &path, |chunk| list.push(chunk)).await?;
            return list
                .finish()
                .map_err(|e| DockerError::Malformed(format!("the container list: {e}")));
        }
        let options = ListContainersOptions {
            all: true,
            filters: (!filters.is_empty()).then_some(filters),
            ..Default::default()
        };
        let list = self
            .docker
            .list_containers(Some(options))
            .await
            .map_err(docker_error)?;
        Ok(list
            .into_iter()
            .filter_map(|s| {
                Some(ContainerSummary {
                    id: s.id?,
                    names: s
                        .names
                        .unwrap_or_default()
                        .iter()
                        .map(|n| n.trim_start_matches('/').to_string())
                        .collect(),
                    state: convert::container_state(
                        &s.state.map(|x| x.to_string()).unwrap_or_default(),
                    ),
                })
            })
            .collect())
    }

    async fn inspect_container(&self, id: &str) -> Result<ContainerFacts, DockerError> {
        if let Some(pool) = &self.raw {
            let path = format!("/containers/{}/json", percent_encode(id));
            let body = Self::raw_get(pool, self.api_version(), &path).await?;
            return convert::container_from_slice(&body, &HashMap::new())
                .map_err(|e| DockerError::Malformed(format!("the inspect of {id}: {e}")));
        }
        let inspect = self
            .docker
            .inspect_container(id, None)
            .await
            .map_err(docker_error)?;
        Ok(convert::container_owned(inspect, &HashMap::new()))
    }

    async fn inspect_raw(&self, id: &str) -> Result<serde_json::Value, DockerError> {
        let inspect = self
            .docker
            .inspect_container(id, None)
            .await
            .map_err(docker_error)?;
        let mut value =
            serde_json::to_value(&inspect).map_err(|e| DockerError::Malformed(e.to_string()))?;
        // The one redaction of the raw document (Inspect tab, evidence `inspect.json`).
        crate::redact::redact_json(&mut value);
        Ok(value)
    }

    fn events(&self, since: Option<String>, types: &[&str]) -> EventStream {
        let mut filters = HashMap::new();
        filters.insert(
            "type".to_string(),
            types.iter().map(|t| t.to_string()).collect(),
        );
        self.event_stream(EventsOptions {
            since,
            filters: Some(filters),
            ..Default::default()
        })
    }

    async fn event_history(
        &self,
        since: &str,
        until: &str,
        bound: usize,
    ) -> Result<EventHistory, DockerError> {
        let stream = self.event_stream(EventsOptions {
            since: Some(since.to_string()),
            until: Some(until.to_string()),
            filters: None,
        });
        EventHistory::count(stream, bound).await
    }

    async fn top(&self, id: &str) -> Result<Top, DockerError> {
        let top = self
            .docker
            .top_processes(id, None::<TopOptions>)
            .await
            .map_err(docker_error)?;
        // Command lines redacted here, on the way in: evidence and process rules alike.
        Ok(Top {
            titles: top.titles.unwrap_or_default(),
            processes: conv::top_rows(top.processes.unwrap_or_default()),
        })
    }

    async fn changes(&self, id: &str) -> Result<Vec<FileChange>, DockerError> {
        let list = self
            .docker
            .container_changes(id)
            .await
            .map_err(docker_error)?;
        Ok(conv::changes(list.as_deref()))
    }

    async fn logs_tail(&self, id: &str, lines: usize) -> LogTail {
        let opts = LogsOptions {
            stdout: true,
            stderr: true,
            timestamps: true,
            tail: lines.to_string(),
            ..Default::default()
        };
        let mut tail = LogTail::default();
        let mut stream = self.docker.logs(id, Some(opts));
        while let Some(item) = stream.next().await {
            match item {
                Ok(chunk) => tail.bytes.extend_from_slice(&chunk.into_bytes()),
                Err(e) => {
                    tail.broken = Some(docker_error(e));
                    break;
                }
            }
        }
        tail
    }

    async fn inspect_exec(&self, exec_id: &str) -> Result<ExecFacts, DockerError> {
        let r = self
            .docker
            .inspect_exec(exec_id)
            .await
            .map_err(docker_error)?;
        Ok(conv::exec(&r))
    }

    async fn list_volumes(&self) -> Result<HashMap<String, VolumeBacking>, DockerError> {
        let list = self
            .docker
            .list_volumes(None::<ListVolumesOptions>)
            .await
            .map_err(docker_error)?;
        Ok(list
            .volumes
            .unwrap_or_default()
            .iter()
            .map(|v| (v.name.clone(), convert::volume_backing(v)))
            .collect())
    }

    async fn inspect_volume(&self, name: &str) -> Result<VolumeBacking, DockerError> {
        let v = self
            .docker
            .inspect_volume(name)
            .await
            .map_err(docker_error)?;
        Ok(convert::volume_backing(&v))
    }

    async fn connect_network(
        &self,
        network: &str,
        container: &str,
        attachment: &NetworkAttachment,
    ) -> Result<(), DockerError> {
        let req = connect_request(container, attachment);
        self.docker
            .connect_network(network, req)
            .await
            .map_err(docker_error)
    }

    async fn network_containers(&self, network: &str) -> Result<Vec<String>, DockerError> {
        let n = self
            .docker
            .inspect_network(network, None::<InspectNetworkOptions>)
            .await
            .map_err(docker_error)?;
        let mut ids: Vec<String> = n.containers.unwrap_or_default().into_keys().collect();
        ids.sort();
        Ok(ids)
    }

    async fn disconnect_network(&self, network: &str, container: &str) -> Result<(), DockerError> {
        let req = NetworkDisconnectRequest {
            container: container.to_string(),
            force: Some(false),
        };
        self.docker
            .disconnect_network(network, req)
            .await
            .map_err(docker_error)
    }

    async fn pause(&self, id: &str) -> Result<(), DockerError> {
        self.docker.pause_container(id).await.map_err(docker_error)
    }

    async fn unpause(&self, id: &str) -> Result<(), DockerError> {
        self.docker
            .unpause_container(id)
            .await
            .map_err(docker_error)
    }

    async fn stop(&self, id: &str, grace: Duration) -> Result<(), DockerError> {
        let t = i32::try_from(grace.as_secs()).unwrap_or(i32::MAX);
        // The daemon answers only once the container is down: after the grace period when
        // it has to kill. The request's bound is the usual one on top of the grace period,
        // or a stubborn container would be reported as a failed stop while it was killed.
        let bound = self.docker.timeout().saturating_add(grace);
        self.docker
            .clone()
            .with_timeout(bound)
            .stop_container(
                id,
                Some(StopContainerOptions {
                    t: Some(t),
                    signal: None,
                }),
            )
            .await
            .map_err(docker_error)
    }
}

/// Percent-encode everything but unreserved characters (for a path segment or a query
/// value).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn filters_and_ids_are_percent_encoded() {
        assert_eq!(
            super::percent_encode(r#"{"label":["a=b c&d"]}"#),
            "%7B%22label%22%3A%5B%22a%3Db%20c%26d%22%5D%7D"
        );
        assert_eq!(super::percent_encode("web-1_x.y~z"), "web-1_x.y~z");
        assert_eq!(super::percent_encode("../x"), "..%2Fx");
    }

    use super::*;

    #[test]
    fn bollard_errors_map_to_the_port_error() {
        let e = docker_error(BollardError::DockerResponseServerError {
            status_code: 404,
            message: "No such container: x".into(),
        });
        assert!(e.is_not_found());
        assert_eq!(
            docker_error(BollardError::RequestTimeoutError),
            DockerError::Timeout
        );
        let e = docker_error(BollardError::DockerResponseServerError {
            status_code: 500,
            message: "stat /var/lib/docker/overlay2/3aac: no such file or directory".into(),
        });
        assert!(e.is_gone());
    }

    #[test]
    fn reconnect_restores_aliases_links_and_the_static_address() {
        let front = NetworkAttachment {
            name: "front".into(),
            aliases: vec!["www".into(), "web-front".into()],
            links: vec!["db:database".into()],
            ipv4_address: Some("10.231.7.10".into()),
            ..Default::default()
        };
        let req = connect_request("cid", &front);
        assert_eq!(req.container, "cid");
        let ep = req.endpoint_config.unwrap();
        assert_eq!(ep.aliases, Some(vec!["www".into(), "web-front".into()]));
        assert_eq!(ep.links, Some(vec!["db:database".into()]));
        assert_eq!(
            ep.ipam_config.unwrap().ipv4_address.as_deref(),
            Some("10.231.7.10")
        );
        let back = NetworkAttachment {
            name: "back".into(),
            aliases: vec!["api".into()],
            driver_opts: [("com.example.opt".to_string(), "1".to_string())].into(),
            ..Default::default()
        };
        let ep = connect_request("cid", &back).endpoint_config.unwrap();
        assert!(
            ep.ipam_config.is_none(),
            "no static address, none asked for"
        );
        assert!(ep.links.is_none());
        assert_eq!(ep.driver_opts.unwrap().len(), 1);
    }
}
