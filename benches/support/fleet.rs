//! The benchmark fleet shared by `benches/scan.rs` and `benches/console.rs`: N containers
//! `sw-bench-<i>` labelled `seawall.bench=1`, a realistic mix of risky and hardened
//! configurations, created once and reused across runs.

#![allow(dead_code)]

use anyhow::{Context, Result};
use bollard::Docker;
use bollard::models::{ContainerCreateBody, HostConfig, PortBinding, VolumeCreateRequest};
use bollard::query_parameters::*;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use std::collections::HashMap;

use super::env::image;

pub const LABEL_KEY: &str = "seawall.bench";
pub const LABEL: &str = "seawall.bench=1";
pub const NAME_PREFIX: &str = "sw-bench-";
pub const VOLUMES: usize = 4;
pub const MAX_RUNNING: usize = 20;

pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

// ---------------------------------------------------------------------------------------------
// The fleet

#[derive(Debug, Default)]
pub struct Fleet {
    pub created: usize,
    pub running: usize,
    pub mix: Vec<(&'static str, usize)>,
}

/// The options of container `i`. Deterministic, so a reused fleet is the same fleet.
pub struct Spec {
    pub name: String,
    pub running: bool,
    pub traits: Vec<&'static str>,
    pub body: ContainerCreateBody,
}

pub fn spec(i: usize) -> Spec {
    let running = i.is_multiple_of(25) && i / 25 < MAX_RUNNING;
    let mut traits = Vec::new();
    let mut labels = HashMap::from([
        (LABEL_KEY.to_string(), "1".to_string()),
        (
            "com.example.team".to_string(),
            ["web", "data", "ops"][i % 3].to_string(),
        ),
    ]);
    if i.is_multiple_of(2) {
        labels.insert("com.example.tier".into(), "backend".into());
    }
    let mut env = vec![format!("INSTANCE={i}"), "APP_ENV=production".to_string()];
    let mut host = HostConfig::default();
    let mut binds = Vec::new();
    let mut exposed = Vec::new();
    let mut user = None;

    if i.is_multiple_of(3) {
        traits.push("secret env");
        env.push(format!("DB_PASSWORD=bench-secret-{i}"));
        env.push("API_TOKEN=0123456789abcdef".into());
    }
    if i.is_multiple_of(7) {
        traits.push("host bind");
        binds.push("/tmp:/data:ro".to_string());
        binds.push("/etc/hostname:/etc/host-name:ro".to_string());
    }
    if i % 11 == 3 {
        traits.push("named volume");
        binds.push(format!("{NAME_PREFIX}vol-{}:/var/lib/app", i % VOLUMES));
        user = Some("1000:1000".to_string());
    }
    if i % 4 == 2 || running {
        traits.push("loopback port");
        exposed.push("8080/tcp".to_string());
        host.port_bindings = Some(HashMap::from([(
            "8080/tcp".to_string(),
            Some(vec![PortBinding {
                host_ip: Some("127.0.0.1".into()),
                host_port: Some(String::new()),
            }]),
        )]));
    }
    if !running {
        if i % 5 == 1 {
            traits.push("added caps");
            host.cap_add = Some(vec!["NET_ADMIN".into(), "SYS_PTRACE".into()]);
        }
        if i % 6 == 5 {
            traits.push("hardened");
            host.cap_drop = Some(vec!["ALL".into()]);
            host.readonly_rootfs = Some(true);
            host.security_opt = Some(vec!["no-new-privileges:true".into()]);
            host.memory = Some(64 * 1024 * 1024);
            host.pids_limit = Some(100);
            user = Some("65534:65534".to_string());
        }
        if i % 50 == 13 {
            // Created only: this VM cannot start privileged containers.
            traits.push("privileged");
            host.privileged = Some(true);
        }
        if i % 40 == 17 {
            traits.push("host pid");
            host.pid_mode = Some("host".into());
        }
        if i % 60 == 19 {
            traits.push("host network");
            host.network_mode = Some("host".into());
            exposed.clear();
            host.port_bindings = None;
        }
        if i % 45 == 4 {
            traits.push("docker.sock");
            binds.push("/var/run/docker.sock:/var/run/docker.sock".into());
        }
        if i % 30 == 8 {
            traits.push("seccomp unconfined");
            host.security_opt = Some(vec!["seccomp=unconfined".into()]);
        }
    } else {
        traits.push("running");
        host.restart_policy = Some(bollard::models::RestartPolicy {
            name: Some(bollard::models::RestartPolicyNameEnum::UNLESS_STOPPED),
            maximum_retry_count: None,
        });
    }
    if !binds.is_empty() {
        host.binds = Some(binds);
    }
    let cmd = if running {
        vec!["sleep".to_string(), "86400".to_string()]
    } else {
        vec!["sh".to_string(), "-c".to_string(), "echo hello".to_string()]
    };
    Spec {
        name: format!("{NAME_PREFIX}{i}"),
        running,
        traits,
        body: ContainerCreateBody {
            image: Some(image()),
            cmd: Some(cmd),
            env: Some(env),
            user,
            labels: Some(labels),
            exposed_ports: (!exposed.is_empty()).then_some(exposed),
            host_config: Some(host),
            ..Default::default()
        },
    }
}

pub fn label_filter() -> HashMap<String, Vec<String>> {
    HashMap::from([("label".to_string(), vec![LABEL.to_string()])])
}

/// Create whatever is missing of the N-container fleet, remove bench containers beyond N,
/// start the running ones that are stopped.
pub async fn ensure_fleet(docker: &Docker, n: usize) -> Result<Fleet> {
    let image = image();
    docker.inspect_image(&image).await.with_context(|| {
        format!("the image {image} is missing (run scripts/ensure-docker.sh; it is never pulled)")
    })?;
    for v in 0..VOLUMES {
        docker
            .create_volume(VolumeCreateRequest {
                name: Some(format!("{NAME_PREFIX}vol-{v}")),
                labels: Some(HashMap::from([(LABEL_KEY.to_string(), "1".to_string())])),
                ..Default::default()
            })
            .await
            .context("creating a bench volume")?;
    }

    let existing = docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(label_filter()),
            ..Default::default()
        }))
        .await
        .context("listing the bench containers")?;
    // index -> running?
    let mut present: HashMap<usize, bool> = HashMap::new();
    let mut extra = Vec::new();
    for c in existing {
        let name = c
            .names
            .iter()
            .flatten()
            .next()
            .map(|s| s.trim_start_matches('/').to_string())
            .unwrap_or_default();
        let idx = name
            .strip_prefix(NAME_PREFIX)
            .and_then(|s| s.parse::<usize>().ok());
        let running = c.state.map(|s| s.to_string()) == Some("running".to_string());
        match idx {
            Some(i) if i < n => {
                present.insert(i, running);
            }
            _ => extra.push(c.id.unwrap_or(name)),
        }
    }
    if !extra.is_empty() {
        eprintln!(
            "bench: removing {} bench containers beyond N={n}",
            extra.len()
        );
        force_remove(docker, extra, "surplus bench containers").await?;
    }

    let missing: Vec<usize> = (0..n).filter(|i| !present.contains_key(i)).collect();
    if !missing.is_empty() {
        eprintln!("bench: creating {} containers ...", missing.len());
    }
    let created = missing.len();
    stream::iter(missing)
        .map(|i| async move {
            let s = spec(i);
            docker
                .create_container(
                    Some(CreateContainerOptionsBuilder::new().name(&s.name).build()),
                    s.body,
                )
                .await
                .with_context(|| format!("creating {}", s.name))
        })
        .buffer_unordered(16)
        .try_collect::<Vec<_>>()
        .await?;

    let to_start: Vec<usize> = (0..n)
        .filter(|&i| spec(i).running && present.get(&i) != Some(&true))
        .collect();
    let running = (0..n).filter(|&i| spec(i).running).count();
    stream::iter(to_start)
        .map(|i| async move {
            let name = format!("{NAME_PREFIX}{i}");
            docker
                .start_container(&name, None)
                .await
                .with_context(|| format!("starting {name}"))
        })
        .buffer_unordered(4)
        .try_collect::<Vec<_>>()
        .await?;

    let mut mix: HashMap<&'static str, usize> = HashMap::new();
    for i in 0..n {
        for t in spec(i).traits {
            *mix.entry(t).or_default() += 1;
        }
    }
    let mut mix: Vec<_> = mix.into_iter().collect();
    mix.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    Ok(Fleet {
        created,
        running,
        mix,
    })
}

/// Force-remove containers, 16 at a time; returns how many.
pub async fn force_remove(docker: &Docker, ids: Vec<String>, what: &str) -> Result<usize> {
    let n = ids.len();
    stream::iter(ids)
        .map(|id| async move {
            docker
                .remove_container(
                    &id,
                    Some(RemoveContainerOptionsBuilder::new().force(true).build()),
                )
                .await
        })
        .buffer_unordered(16)
        .try_collect::<Vec<_>>()
        .await
        .with_context(|| format!("removing {what}"))?;
    Ok(n)
}
