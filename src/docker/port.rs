//! The Docker port: the narrow set of daemon operations seawall uses, in seawall's own
//! model types, failing with one [`DockerError`].
//!
//! [`DockerApi`] is implemented by the bollard adapter ([`super::BollardDocker`], built by
//! [`super::connect`]) and by the in-memory fake ([`super::fake::FakeDocker`]) that drives
//! the unit tests of the watch task and the actions. A [`Connector`] turns an endpoint into
//! a client: the watch task and the action runner take one, so a test can hand them the
//! fake.

use super::error::DockerError;
use super::{ConnectError, Endpoint};
use crate::model::{
    ContainerFacts, ContainerSummary, DockerEvent, ExecFacts, FileChange, HostFacts,
};
use crate::model::{NetworkAttachment, VolumeBacking};
use futures_util::stream::BoxStream;
use serde::Serialize;
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

/// Which containers to list (always all of them, stopped ones included, unless asked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only running containers (`status=running`).
    pub running_only: bool,
    /// `KEY=VALUE` or `KEY` label filters; all must match.
    pub labels: Vec<String>,
}

/// `GET /containers/{id}/top`: the `ps` titles and one row per process. Serialises as the
/// daemon's document (`Titles`, `Processes`) for the evidence bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Top {
    #[serde(rename = "Titles")]
    pub titles: Vec<String>,
    #[serde(rename = "Processes")]
    pub processes: Vec<Vec<String>>,
}

/// The last lines of a container's logs (stdout and stderr, with timestamps). A stream
/// that broke leaves what arrived before, and why it broke.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogTail {
    pub bytes: Vec<u8>,
    pub broken: Option<DockerError>,
}

/// A stream of daemon events; it ends when the daemon closes it.
pub type EventStream = BoxStream<'static, Result<DockerEvent, DockerError>>;

/// How many past events dockerd keeps for `/events?since=` (moby's `daemon/events`:
/// `eventsLimit = 256`, the oldest dropped first, whatever their type).
pub const DAEMON_EVENT_HISTORY: usize = 256;

/// A time parameter of `/events` (`seconds` or `seconds.nanoseconds`, as the daemon reads
/// it) in nanoseconds; `None` when it is not one.
pub fn time_param_nano(text: &str) -> Option<i64> {
    let (secs, nanos) = text.split_once('.').unwrap_or((text, "0"));
    if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if nanos.is_empty() || nanos.len() > 9 || !nanos.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: i64 = secs.parse().ok()?;
    let nanos: i64 = format!("{nanos:0<9}").parse().ok()?;
    secs.checked_mul(1_000_000_000)?.checked_add(nanos)
}

/// What a daemon still holds of its event history between two times (the answer of an
/// unfiltered `GET /events?since=..&until=..`): how many events, counted up to a bound, and
/// the oldest one's time. The events themselves are never kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventHistory {
    /// Events counted (a message seawall cannot read counts too), at most the bound.
    pub events: usize,
    /// The time of the oldest readable event, in nanoseconds.
    pub oldest_nano: Option<i64>,
}

impl EventHistory {
    /// Count the items of `stream` until it ends or `bound` events were seen. An unreadable
    /// message is counted; any other error item is the answer's error.
    pub async fn count(mut stream: EventStream, bound: usize) -> Result<Self, DockerError> {
        use futures_util::StreamExt;
        let mut history = EventHistory::default();
        while history.events < bound {
            match stream.next().await {
                None => break,
                Some(Ok(event)) => {
                    history.events += 1;
                    let oldest = history.oldest_nano.get_or_insert(event.time_nano);
                    *oldest = (*oldest).min(event.time_nano);
                }
                Some(Err(DockerError::Malformed(_))) => history.events += 1,
                Some(Err(e)) => return Err(e),
            }
        }
        Ok(history)
    }
}

/// The operations seawall performs on a daemon. Cheap to clone (one client shared by the
/// tasks of a session); every future is `Send` so callers can spawn them.
pub trait DockerApi: Clone + Send + Sync + 'static {
    /// `GET /_ping`.
    fn ping(&self) -> impl Future<Output = Result<(), DockerError>> + Send;

    /// `/info`, `/version` and the default bridge's ICC option, as host facts for
    /// `endpoint` (the URL shown) reached over plain TCP or not.
    fn host_facts(
        &self,
        endpoint: &str,
        plain_tcp: bool,
    ) -> impl Future<Output = Result<HostFacts, DockerError>> + Send;

    /// `GET /containers/json?all=1` with the filter.
    fn list_containers(
        &self,
        filter: &ListFilter,
    ) -> impl Future<Output = Result<Vec<ContainerSummary>, DockerError>> + Send;

    /// `GET /containers/{id}/json` as facts; named volumes carry no backing (see
    /// [`crate::inventory::inspect_one`] for that).
    fn inspect_container(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<ContainerFacts, DockerError>> + Send;

    /// The inspect document itself, secrets redacted (Inspect tab, evidence bundle).
    fn inspect_raw(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<serde_json::Value, DockerError>> + Send;

    /// `GET /events` from `since` (seconds, or `seconds.nanos`) for these event types.
    fn events(&self, since: Option<String>, types: &[&str]) -> EventStream;

    /// `GET /events?since=<since>&until=<until>` with no filter (times as for
    /// [`DockerApi::events`]), counted as it arrives up to `bound` events: what the daemon
    /// still holds of its history in that span (dockerd keeps its last 256 events). The
    /// daemon ends the answer at once when `until` is in its past; the caller bounds the wait
    /// when it may not be (a daemon whose clock is behind).
    fn event_history(
        &self,
        since: &str,
        until: &str,
        bound: usize,
    ) -> impl Future<Output = Result<EventHistory, DockerError>> + Send;

    /// `GET /containers/{id}/top`.
    fn top(&self, id: &str) -> impl Future<Output = Result<Top, DockerError>> + Send;

    /// `GET /containers/{id}/changes` (`null` is no change).
    fn changes(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Vec<FileChange>, DockerError>> + Send;

    /// The last `lines` lines of stdout and stderr, with timestamps.
    fn logs_tail(&self, id: &str, lines: usize) -> impl Future<Output = LogTail> + Send;

    /// `GET /exec/{id}/json`.
    fn inspect_exec(
        &self,
        exec_id: &str,
    ) -> impl Future<Output = Result<ExecFacts, DockerError>> + Send;

    /// `GET /volumes`: every named volume's backing, by name.
    fn list_volumes(
        &self,
    ) -> impl Future<Output = Result<HashMap<String, VolumeBacking>, DockerError>> + Send;

    /// `GET /volumes/{name}`.
    fn inspect_volume(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<VolumeBacking, DockerError>> + Send;

    /// Attach `container` to `network` with the aliases, links, static addresses and
    /// driver options of `attachment` (its name and ids are not used).
    fn connect_network(
        &self,
        network: &str,
        container: &str,
        attachment: &NetworkAttachment,
    ) -> impl Future<Output = Result<(), DockerError>> + Send;

    /// `GET /networks/{network}`: the ids of the containers the network itself lists as
    /// attached (its `Containers`: an endpoint exists). A container's own inspect can keep
    /// an entry with no endpoint after a failed connect; this list is the network's word.
    fn network_containers(
        &self,
        network: &str,
    ) -> impl Future<Output = Result<Vec<String>, DockerError>> + Send;

    /// Detach `container` from `network` (not forced).
    fn disconnect_network(
        &self,
        network: &str,
        container: &str,
    ) -> impl Future<Output = Result<(), DockerError>> + Send;

    fn pause(&self, id: &str) -> impl Future<Output = Result<(), DockerError>> + Send;

    fn unpause(&self, id: &str) -> impl Future<Output = Result<(), DockerError>> + Send;

    /// Stop signal, `grace` to exit, then kill.
    fn stop(
        &self,
        id: &str,
        grace: Duration,
    ) -> impl Future<Output = Result<(), DockerError>> + Send;
}

/// Turns an endpoint into a connected client (version negotiated, pinged).
pub trait Connector: Send + Sync + 'static {
    type Api: DockerApi;

    fn connect(
        &self,
        endpoint: &Endpoint,
        timeout: Duration,
    ) -> impl Future<Output = Result<Self::Api, ConnectError>> + Send;

    /// [`Connector::connect`], with a bound on the headers of each later request.
    fn connect_with(
        &self,
        endpoint: &Endpoint,
        timeout: Duration,
        request_timeout: Duration,
    ) -> impl Future<Output = Result<Self::Api, ConnectError>> + Send {
        let _ = request_timeout;
        self.connect(endpoint, timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    fn at(time_nano: i64) -> Result<DockerEvent, DockerError> {
        Ok(crate::docker::fake::FakeDocker::container_event(
            "start", "abc", "web", time_nano,
        ))
    }

    #[tokio::test]
    async fn a_history_is_counted_up_to_its_bound_with_its_oldest_time() {
        let items = vec![
            at(30),
            Err(DockerError::Malformed("an event: bad".into())),
            at(20),
            at(40),
        ];
        let all = EventHistory::count(futures_util::stream::iter(items).boxed(), 256).await;
        assert_eq!(
            all.unwrap(),
            EventHistory {
                events: 4,
                oldest_nano: Some(20)
            },
            "an unreadable message is one event of the history"
        );
        // The bound stops the reading: a stream that never ends is not waited for.
        let endless = futures_util::stream::iter([at(5), at(6)])
            .chain(futures_util::stream::pending())
            .boxed();
        let bounded = EventHistory::count(endless, 2).await.unwrap();
        assert_eq!((bounded.events, bounded.oldest_nano), (2, Some(5)));
        // A broken answer is the answer's error.
        let broken = futures_util::stream::iter([at(5), Err(DockerError::Timeout)]).boxed();
        assert!(matches!(
            EventHistory::count(broken, 256).await,
            Err(DockerError::Timeout)
        ));
    }
}
