//! The raw GET of the pooled unix transport against the real daemon, read by the lean
//! parsers: list and inspect of a unix endpoint with no bollard types in between.
//!
//! Without a Docker daemon (or with a `DOCKER_HOST` that is not a unix socket) the test
//! prints SKIPPED and passes, except in CI, where a missing daemon fails it.

mod common;

use common::{Spec, TestDaemon, in_ci};
use seawall::docker::unix_pool::UnixPool;
use seawall::model::ContainerState;
use seawall::model::convert::{container_from_slice, summaries_from_slice};
use std::collections::HashMap;

/// The daemon's unix socket, or `None` when `DOCKER_HOST` names another transport.
fn socket() -> Option<String> {
    match std::env::var("DOCKER_HOST") {
        Ok(h) if !h.is_empty() => h.strip_prefix("unix://").map(str::to_string),
        _ => Some("/var/run/docker.sock".to_string()),
    }
}

/// `{"label": ["k=v"]}`, percent-encoded for a query string.
fn label_filter(label: &str) -> String {
    let json = serde_json::json!({ "label": [label] }).to_string();
    json.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_get_lists_and_inspects_through_the_pool() {
    let Some(daemon) = TestDaemon::get() else {
        return;
    };
    let Some(socket) = socket() else {
        assert!(!in_ci(), "CI must reach the daemon over a unix socket");
        eprintln!("SKIPPED: DOCKER_HOST is not a unix socket");
        return;
    };
    let created = daemon.container(Spec::created(
        "raw-created",
        &["--cap-add", "NET_ADMIN", "-e", "DB_PASSWORD=hunter2"],
    ));
    let running = daemon.container(Spec::running("raw-running", &["--read-only"]));

    let pool = UnixPool::new(&socket, seawall::docker::DEFAULT_REQUEST_TIMEOUT);
    let version = pool
        .ping_api_version()
        .await
        .expect("ping")
        .expect("the daemon sends API-Version");
    let prefix = format!("/v{}.{}", version.major_version, version.minor_version);

    // The list, filtered server-side on this test's run label.
    let (status, body) = pool
        .get_bytes(&format!(
            "{prefix}/containers/json?all=1&filters={}",
            label_filter(&daemon.run_label())
        ))
        .await
        .expect("list");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let list = summaries_from_slice(&body).expect("the list parses");
    assert_eq!(list.len(), 2, "{list:?}");
    let state_of = |name: &str| {
        list.iter()
            .find(|s| s.names.iter().any(|n| n == name))
            .map(|s| s.state)
    };
    assert_eq!(state_of(&created.name), Some(ContainerState::Created));
    assert_eq!(state_of(&running.name), Some(ContainerState::Running));

    // Every inspect, concurrently, over the same pool.
    let inspects = list.iter().map(|s| {
        let pool = pool.clone();
        let path = format!("{prefix}/containers/{}/json", s.id);
        async move { pool.get_bytes(&path).await }
    });
    let results = futures_util::future::join_all(inspects).await;
    for (summary, result) in list.iter().zip(results) {
        let (status, body) = result.expect("inspect");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let facts = container_from_slice(&body, &HashMap::new()).expect("inspect parses");
        assert_eq!(facts.id, summary.id);
        assert_eq!(facts.name, summary.names[0]);
        assert_eq!(facts.state, summary.state);
        assert_eq!(
            facts.labels.get(common::RUN_LABEL).map(String::as_str),
            Some(daemon.run_id.as_str())
        );
        if facts.name == created.name {
            assert_eq!(facts.cap_add, ["NET_ADMIN"]);
            let secret = facts.env.iter().find(|e| e.name == "DB_PASSWORD").unwrap();
            assert!(secret.redacted && secret.value != "hunter2");
        } else {
            assert!(facts.readonly_rootfs);
            assert!(facts.started_at.is_some());
        }
    }

    // A missing container is a 404 with the daemon's message, not a transport error.
    let (status, body) = pool
        .get_bytes(&format!("{prefix}/containers/sw-it-no-such-container/json"))
        .await
        .expect("a 404 is an answer");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("No such container"));

    // A socket nobody listens on is a transport error.
    let dead = UnixPool::new(
        "/nonexistent/docker.sock",
        seawall::docker::DEFAULT_REQUEST_TIMEOUT,
    );
    assert!(dead.get_bytes("/_ping").await.is_err());
}

/// A container with 120 labels of 2 KB: the list (about 250 KB for this one container, so
/// many chunks) is parsed as it arrives, and the facts keep the first labels only, cut to
/// their cap, through the same port the scan and the watch task use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_labels_are_streamed_and_capped() {
    use seawall::docker::{DockerApi, EndpointInputs, ListFilter, connect, resolve};
    use seawall::model::convert::wire::{LABEL_TEXT_MAX, LABELS_KEPT};
    let Some(daemon) = TestDaemon::get() else {
        return;
    };
    let mut args: Vec<String> = Vec::new();
    for k in 0..120 {
        args.push("--label".into());
        args.push(format!("com.example.big-{k:03}={}", "v".repeat(2048)));
    }
    args.push("--label".into());
    args.push("com.example.a-url=postgres://app:hunter2@db/x".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let big = daemon.container(Spec::created("big-labels", &args));

    let endpoint = resolve(&EndpointInputs::from_env(None, None)).expect("an endpoint");
    let docker = connect(&endpoint, std::time::Duration::from_secs(30))
        .await
        .expect("connect");
    let list = docker
        .list_containers(&ListFilter {
            running_only: false,
            labels: vec![daemon.run_label()],
        })
        .await
        .expect("the list parses");
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].names, std::slice::from_ref(&big.name));

    let facts = docker
        .inspect_container(&list[0].id)
        .await
        .expect("inspect");
    assert_eq!(facts.name, big.name);
    assert_eq!(facts.labels.len(), LABELS_KEPT);
    assert!(facts.labels.contains_key("com.example.big-000"));
    assert!(!facts.labels.contains_key("com.example.big-100"));
    for (k, v) in &facts.labels {
        assert!(v.len() <= LABEL_TEXT_MAX, "{k} kept {} bytes", v.len());
    }
    assert!(facts.labels["com.example.big-000"].ends_with('…'));
    assert_eq!(
        facts.labels["com.example.a-url"],
        "postgres://app:<redacted>@db/x"
    );
}
