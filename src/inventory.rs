//! Reading one daemon: `/info`, `/version`, the default bridge, every container (listed, then
//! inspected with bounded concurrency over the same client) and the named volumes they mount.
//!
//! The raw API documents are converted as they arrive and dropped, so memory stays flat in
//! the number of containers.

use crate::docker::{DockerApi, DockerError, ListFilter};
use crate::model::{ContainerFacts, ContainerState, HostFacts, MountKind, VolumeBacking};
use futures_util::stream::{self, StreamExt};
use std::collections::{BTreeSet, HashMap};

/// How many inspect requests are in flight at once (what the docker CLI's own
/// `docker inspect` of many ids does, and what the daemon handles comfortably).
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Which containers to read.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only running containers.
    pub running_only: bool,
    /// Glob (`*`, `?`, `[...]`, `{a,b}`) or substring match on the name (without the
    /// leading slash): [`NamePattern`].
    pub name: Option<String>,
    /// `KEY=VALUE` or `KEY` label filters; all must match.
    pub labels: Vec<String>,
}

/// What could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InventoryError {
    #[error("the daemon at {endpoint} {}", failed(what, source))]
    Api {
        endpoint: String,
        what: &'static str,
        source: DockerError,
    },
}

/// How a request failed, in words that fit the failure: "refused" only when the daemon
/// said no (401/403); an error status, a timeout, an unreadable or non-Docker answer and
/// an unreachable daemon each say what happened.
pub fn failed(what: &str, source: &DockerError) -> String {
    match source {
        e if e.is_denied() => format!("refused {what}: {e}"),
        DockerError::NotFound { .. } | DockerError::Conflict { .. } | DockerError::Api { .. } => {
            format!("answered {what} with an error: {source}")
        }
        DockerError::Timeout => format!("did not answer {what} in time"),
        DockerError::Malformed(m) => {
            format!("sent an answer to {what} that seawall cannot read ({m})")
        }
        DockerError::NotDocker(m) => format!("did not answer {what} as a Docker daemon ({m})"),
        DockerError::Unreachable(m) => format!("could not be reached for {what}: {m}"),
    }
}

/// A listed container whose inspect failed: what the list said, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub id: String,
    /// Without the leading slash; empty when the list gave none.
    pub name: String,
    pub state: ContainerState,
    pub error: DockerError,
}

impl Unread {
    /// `web (3f2a9c1b7d4e): inspect failed: the request timed out` (one line).
    pub fn describe(&self) -> String {
        let short: String = self.id.chars().take(12).collect();
        let name = if self.name.is_empty() {
            short.clone()
        } else {
            format!("{} ({short})", self.name)
        };
        format!("{name}: inspect failed: {}", self.error)
    }
}

/// The containers read, and the listed ones that could not be.
#[derive(Debug, Clone)]
pub struct Partial<T> {
    pub read: Vec<T>,
    pub unread: Vec<Unread>,
}

/// One daemon's facts.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub host: HostFacts,
    pub containers: Vec<ContainerFacts>,
    /// Listed but not inspected (each with why).
    pub unread: Vec<Unread>,
}

fn api_error(endpoint: &str, what: &'static str, source: DockerError) -> InventoryError {
    InventoryError::Api {
        endpoint: endpoint.to_string(),
        what,
        source,
    }
}

/// A `--name` pattern, compiled once. With a wildcard (`*`, `?`, `[...]`, `{a,b}`) it is a
/// glob over the whole name (globset); without one, or when it is not a valid glob (an
/// unclosed `[`), a substring of the name.
#[derive(Debug, Clone)]
pub enum NamePattern {
    Glob(globset::GlobMatcher),
    Substring(String),
}

impl NamePattern {
    pub fn new(pattern: &str) -> NamePattern {
        if pattern.contains(['*', '?', '[', '{']) {
            // Container names hold no `/`, but a pattern's `*` should stop at none anyway:
            // a name is one word, not a path.
            if let Ok(glob) = globset::GlobBuilder::new(pattern)
                .literal_separator(false)
                .backslash_escape(true)
                .build()
            {
                return NamePattern::Glob(glob.compile_matcher());
            }
        }
        NamePattern::Substring(pattern.to_string())
    }

    pub fn matches(&self, name: &str) -> bool {
        match self {
            NamePattern::Glob(glob) => glob.is_match(name),
            NamePattern::Substring(part) => name.contains(part.as_str()),
        }
    }
}

/// Does `name` match `pattern` ([`NamePattern`])?
pub fn name_matches(pattern: &str, name: &str) -> bool {
    NamePattern::new(pattern).matches(name)
}

/// Read the daemon's own facts.
pub async fn host_facts(
    docker: &impl DockerApi,
    endpoint: &str,
    plain_tcp: bool,
) -> Result<HostFacts, InventoryError> {
    docker
        .host_facts(endpoint, plain_tcp)
        .await
        .map_err(|e| api_error(endpoint, "/info and /version", e))
}

/// List and inspect the selected containers, sorted by name. One container that cannot
/// be inspected does not fail the others: it is in `unread`.
pub async fn containers(
    docker: &impl DockerApi,
    endpoint: &str,
    selection: &Selection,
    concurrency: usize,
) -> Result<Partial<ContainerFacts>, InventoryError> {
    let mut facts = containers_with(docker, endpoint, selection, concurrency, |c| c).await?;
    facts.read.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(facts)
}

/// Every named volume's backing, from one `GET /volumes` (a local volume with `o=bind`
/// is a host bind mount in disguise). A daemon that refuses is logged, not fatal: the
/// volumes then simply carry no backing information.
pub async fn volume_backings(docker: &impl DockerApi) -> HashMap<String, VolumeBacking> {
    match docker.list_volumes().await {
        Ok(backings) => backings,
        Err(e) => {
            log::warn!("cannot list volumes: {e}");
            HashMap::new()
        }
    }
}

/// List and inspect the selected containers, handing each to `each` as soon as its
/// inspect arrives (so grading overlaps with the requests still in flight). The volume
/// list is read alongside the container list. Order of the result: arrival order. Only
/// the list failing fails the whole; an inspect that fails (other than a 404: the
/// container is gone) puts that container in `unread`, with what the list said of it.
pub async fn containers_with<T>(
    docker: &impl DockerApi,
    endpoint: &str,
    selection: &Selection,
    concurrency: usize,
    mut each: impl FnMut(ContainerFacts) -> T,
) -> Result<Partial<T>, InventoryError> {
    let filter = ListFilter {
        running_only: selection.running_only,
        labels: selection.labels.clone(),
    };
    let (summaries, volumes) =
        tokio::join!(docker.list_containers(&filter), volume_backings(docker));
    let summaries = summaries.map_err(|e| api_error(endpoint, "the container list", e))?;

    let pattern = selection.name.as_deref().map(NamePattern::new);
    let listed: Vec<(String, String, ContainerState)> = summaries
        .into_iter()
        .filter(|s| match &pattern {
            None => true,
            Some(pattern) => s.names.iter().any(|n| pattern.matches(n)),
        })
        .map(|s| {
            (
                s.id,
                s.names.into_iter().next().unwrap_or_default(),
                s.state,
            )
        })
        .collect();

    let mut out = Partial {
        read: Vec::with_capacity(listed.len()),
        unread: Vec::new(),
    };
    let mut inspects = stream::iter(listed)
        .map(|(id, name, state)| async move {
            let result = docker.inspect_container(&id).await;
            (id, name, state, result)
        })
        .buffer_unordered(concurrency.max(1));
    while let Some((id, name, state, result)) = inspects.next().await {
        match result {
            Ok(mut facts) => {
                attach_backing(&mut facts, &volumes);
                out.read.push(each(facts));
            }
            // Removed between the list and the inspect: not an error.
            Err(e) if e.is_not_found() => {
                log::debug!("container {id} vanished before it could be inspected")
            }
            Err(error) => {
                let unread = Unread {
                    id,
                    name: name.trim_start_matches('/').to_string(),
                    state,
                    error,
                };
                log::warn!("{endpoint}: {}", unread.describe());
                out.unread.push(unread);
            }
        }
    }
    out.unread.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Inspect one container (and the named volumes it mounts). `Ok(None)` when it is gone.
pub async fn inspect_one(
    docker: &impl DockerApi,
    endpoint: &str,
    id: &str,
) -> Result<Option<ContainerFacts>, InventoryError> {
    match docker.inspect_container(id).await {
        Ok(facts) => {
            let mut facts = [facts];
            attach_volume_backing(docker, &mut facts, 2).await;
            let [facts] = facts;
            Ok(Some(facts))
        }
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(api_error(endpoint, "a container inspect", e)),
    }
}

/// The raw inspect document, secrets redacted, pretty-printed (for the Inspect tab).
pub async fn raw_inspect(
    docker: &impl DockerApi,
    endpoint: &str,
    id: &str,
) -> Result<String, InventoryError> {
    let value = docker
        .inspect_raw(id)
        .await
        .map_err(|e| api_error(endpoint, "a container inspect", e))?;
    Ok(serde_json::to_string_pretty(&value).unwrap_or_default())
}

/// Give each named volume of `facts` the backing the volume list said.
fn attach_backing(facts: &mut ContainerFacts, volumes: &HashMap<String, VolumeBacking>) {
    if volumes.is_empty() {
        return;
    }
    for m in facts
        .mounts
        .iter_mut()
        .filter(|m| m.kind == MountKind::Volume)
    {
        if let Some(b) = m.name.as_ref().and_then(|n| volumes.get(n)) {
            m.backing = Some(b.clone());
        }
    }
}

/// Inspect every named volume that a container mounts and record what it really is.
/// A volume that cannot be read keeps no backing information (logged, not fatal).
async fn attach_volume_backing(
    docker: &impl DockerApi,
    facts: &mut [ContainerFacts],
    concurrency: usize,
) {
    let names: BTreeSet<String> = facts
        .iter()
        .flat_map(|c| c.mounts.iter())
        .filter(|m| m.kind == MountKind::Volume)
        .filter_map(|m| m.name.clone())
        .collect();
    if names.is_empty() {
        return;
    }
    let backing: HashMap<String, VolumeBacking> = stream::iter(names)
        .map(|name| async move {
            match docker.inspect_volume(&name).await {
                Ok(backing) => Some((name, backing)),
                Err(e) => {
                    log::warn!("cannot inspect volume {name}: {e}");
                    None
                }
            }
        })
        .buffer_unordered(concurrency.max(1))
        .filter_map(|x| async move { x })
        .collect()
        .await;
    for c in facts.iter_mut() {
        for m in c.mounts.iter_mut().filter(|m| m.kind == MountKind::Volume) {
            if let Some(b) = m.name.as_ref().and_then(|n| backing.get(n)) {
                m.backing = Some(b.clone());
            }
        }
    }
}

/// Read everything about one daemon.
pub async fn collect(
    docker: &impl DockerApi,
    endpoint: &str,
    plain_tcp: bool,
    selection: &Selection,
    concurrency: usize,
) -> Result<Inventory, InventoryError> {
    let (host, containers) = tokio::join!(
        host_facts(docker, endpoint, plain_tcp),
        containers(docker, endpoint, selection, concurrency)
    );
    let containers = containers?;
    Ok(Inventory {
        host: host?,
        containers: containers.read,
        unread: containers.unread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::fake::{FakeDocker, Op};

    #[tokio::test]
    async fn one_container_that_cannot_be_inspected_does_not_hide_the_others() {
        let fake = FakeDocker::new();
        let (a, b, c) = ("a".repeat(64), "b".repeat(64), "c".repeat(64));
        fake.add_container(FakeDocker::container(&a, "web", "running", &[]));
        fake.add_container(FakeDocker::container(&b, "db", "exited", &[]));
        fake.add_container(FakeDocker::container(&c, "gone", "running", &[]));
        fake.fail(Op::Inspect, Some(&b), DockerError::Timeout);
        fake.fail(
            Op::Inspect,
            Some(&c),
            DockerError::from_status(404, "No such container"),
        );
        let inv = collect(&fake, "unix:///x", false, &Selection::default(), 4)
            .await
            .unwrap();
        let names: Vec<&str> = inv.containers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["web"], "a 404 is gone, not unread");
        assert_eq!(inv.unread.len(), 1);
        assert_eq!(
            inv.unread[0].describe(),
            "db (bbbbbbbbbbbb): inspect failed: the request timed out"
        );
        // The report grades the rest and names the one it could not read.
        let report = crate::scan::report(vec![crate::scan::grade_host(inv)]);
        let json =
            String::from_utf8(crate::report::render(&report, crate::report::Format::Json)).unwrap();
        assert!(json.contains("\"unread\""), "{json}");
        assert!(json.contains("the request timed out"), "{json}");
        let table = crate::report::render_table(&report, false);
        assert!(
            table.contains("not read (1):\n  db (bbbbbbbbbbbb, exited): the request timed out"),
            "{table}"
        );
        // Only the list failing fails the whole.
        fake.fail(Op::List, None, DockerError::from_status(500, "boom"));
        let e = containers(&fake, "unix:///x", &Selection::default(), 4)
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the daemon at unix:///x answered the container list with an error: HTTP 500: boom"
        );
    }

    #[test]
    fn only_a_refusal_is_called_refused() {
        let say = |e: DockerError| failed("the container list", &e);
        assert_eq!(
            say(DockerError::from_status(403, "denied by plugin")),
            "refused the container list: HTTP 403: denied by plugin"
        );
        assert_eq!(
            say(DockerError::Timeout),
            "did not answer the container list in time"
        );
        assert!(say(DockerError::Malformed("x".into())).starts_with("sent an answer to"));
        assert!(say(DockerError::NotDocker("not HTTP".into())).contains("as a Docker daemon"));
        for e in [
            DockerError::from_status(500, "x"),
            DockerError::Timeout,
            DockerError::Malformed("x".into()),
            DockerError::NotDocker("x".into()),
            DockerError::Unreachable("reset".into()),
        ] {
            assert!(!say(e).contains("refused"));
        }
    }

    #[test]
    fn globs_and_substrings() {
        assert!(name_matches("web", "my-web-1"));
        assert!(name_matches("web-*", "web-1"));
        assert!(!name_matches("web-*", "my-web-1"));
        assert!(name_matches("db?", "db1"));
        assert!(!name_matches("db?", "db12"));
        assert!(name_matches("*", "anything"));
        // globset's classes and alternatives.
        assert!(name_matches("web-[0-9]", "web-7"));
        assert!(!name_matches("web-[0-9]", "web-x"));
        assert!(name_matches("{web,db}-*", "db-1"));
        assert!(!name_matches("{web,db}-*", "cache-1"));
        // Not a valid glob: a substring, literally.
        assert!(name_matches("a[b", "xa[by"));
        assert!(!name_matches("a[b", "ab"));
    }
}
