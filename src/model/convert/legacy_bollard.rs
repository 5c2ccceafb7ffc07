// The bollard-based conversion of an inspect document as it was before the lean parser
// (`wire.rs`), kept verbatim as the reference the lean parser is proven equal to. It is
// never compiled into the library: `equality_tests.rs` and `benches/parse.rs` pull it in
// with `include!` inside a module that provides the imports:
//   ContainerFacts and the other model types, redact_env_entry, redact_argv, redact_labels,
//   normalize_cap,
//   bollard::models::{ContainerInspectResponse, ContainerStateStatusEnum, HealthStatusEnum},
//   std::collections::{BTreeMap, HashMap}.

fn s(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn caps(list: &Option<Vec<String>>) -> Vec<String> {
    list.iter().flatten().map(|c| normalize_cap(c)).collect()
}

fn state_of(status: Option<ContainerStateStatusEnum>) -> ContainerState {
    match status {
        Some(ContainerStateStatusEnum::CREATED) => ContainerState::Created,
        Some(ContainerStateStatusEnum::RUNNING) => ContainerState::Running,
        Some(ContainerStateStatusEnum::PAUSED) => ContainerState::Paused,
        Some(ContainerStateStatusEnum::RESTARTING) => ContainerState::Restarting,
        Some(ContainerStateStatusEnum::REMOVING) => ContainerState::Removing,
        Some(ContainerStateStatusEnum::EXITED) | Some(ContainerStateStatusEnum::STOPPING) => {
            ContainerState::Exited
        }
        Some(ContainerStateStatusEnum::DEAD) => ContainerState::Dead,
        _ => ContainerState::Unknown,
    }
}

fn mount_kind(t: &str) -> MountKind {
    match t {
        "bind" => MountKind::Bind,
        "volume" => MountKind::Volume,
        "tmpfs" => MountKind::Tmpfs,
        "npipe" => MountKind::Npipe,
        "cluster" => MountKind::Cluster,
        "image" => MountKind::Image,
        _ => MountKind::Other,
    }
}

/// [`container`] for a document the caller no longer needs: its parts are moved, not
/// copied (the scan's hot path).
pub fn container_owned(
    mut inspect: ContainerInspectResponse,
    volumes: &HashMap<String, VolumeBacking>,
) -> ContainerFacts {
    let hc = inspect.host_config.take().unwrap_or_default();
    let cfg = inspect.config.take().unwrap_or_default();
    let state = inspect.state.take().unwrap_or_default();

    let env = cfg
        .env
        .iter()
        .flatten()
        .map(|entry| {
            let (name, value, redacted) = redact_env_entry(entry);
            EnvVar {
                name,
                value,
                redacted,
            }
        })
        .collect();

    let mounts = inspect
        .mounts
        .iter()
        .flatten()
        .map(|m| {
            let kind = mount_kind(m.typ.as_deref().unwrap_or(""));
            let backing = m
                .name
                .as_ref()
                .filter(|_| kind == MountKind::Volume)
                .and_then(|n| volumes.get(n).cloned());
            MountFacts {
                kind,
                name: m.name.clone().filter(|n| !n.is_empty()),
                source: s(&m.source),
                destination: s(&m.destination),
                driver: m.driver.clone().filter(|d| !d.is_empty()),
                mode: s(&m.mode),
                rw: m.rw.unwrap_or(true),
                propagation: s(&m.propagation),
                backing,
            }
        })
        .collect();

    // Live port bindings once started; the requested bindings before that.
    let live_ports = inspect
        .network_settings
        .as_ref()
        .and_then(|n| n.ports.clone())
        .unwrap_or_default();
    let port_map = if live_ports
        .values()
        .any(|b| b.as_ref().is_some_and(|v| !v.is_empty()))
    {
        live_ports
    } else {
        hc.port_bindings.clone().unwrap_or_default()
    };
    let mut ports: Vec<PublishedPort> = port_map
        .iter()
        .flat_map(|(cport, bindings)| {
            bindings.iter().flatten().map(move |b| PublishedPort {
                container_port: cport.clone(),
                host_ip: s(&b.host_ip),
                host_port: b
                    .host_port
                    .as_deref()
                    .and_then(|p| p.parse().ok())
                    .filter(|p| *p != 0),
            })
        })
        .collect();
    ports.sort_by(|a, b| {
        (a.container_port.as_str(), a.host_ip.as_str(), a.host_port).cmp(&(
            b.container_port.as_str(),
            b.host_ip.as_str(),
            b.host_port,
        ))
    });

    let mut attachments: Vec<NetworkAttachment> = inspect
        .network_settings
        .as_ref()
        .and_then(|n| n.networks.as_ref())
        .into_iter()
        .flatten()
        .map(|(name, ep)| attachment(name, ep))
        .collect();
    attachments.sort_by(|a, b| a.name.cmp(&b.name));
    let networks: Vec<String> = attachments.iter().map(|a| a.name.clone()).collect();
    let health_test = cfg
        .healthcheck
        .as_ref()
        .and_then(|h| h.test.as_deref())
        .map(redact_argv);

    let healthcheck = match cfg.healthcheck.as_ref().and_then(|h| h.test.as_ref()) {
        Some(test) if test.first().map(String::as_str) == Some("NONE") => Healthcheck::Disabled,
        Some(test) if !test.is_empty() => Healthcheck::Configured {
            status: state
                .health
                .as_ref()
                .and_then(|h| h.status)
                .filter(|s| *s != HealthStatusEnum::EMPTY)
                .map(|s| s.to_string()),
        },
        _ => match state.health.as_ref().and_then(|h| h.status) {
            // The image's HEALTHCHECK shows up only as State.Health once it ran.
            Some(status)
                if status != HealthStatusEnum::EMPTY && status != HealthStatusEnum::NONE =>
            {
                Healthcheck::Configured {
                    status: Some(status.to_string()),
                }
            }
            _ => Healthcheck::Missing,
        },
    };

    let restart = hc.restart_policy.clone().unwrap_or_default();

    ContainerFacts {
        id: s(&inspect.id),
        name: s(&inspect.name).trim_start_matches('/').to_string(),
        image: cfg.image.clone().unwrap_or_else(|| s(&inspect.image)),
        image_id: s(&inspect.image),
        state: state_of(state.status),
        exit_code: state.exit_code,
        created: inspect.created.clone().map(|d| d.to_string()),
        started_at: state
            .started_at
            .clone()
            .filter(|t| !t.starts_with("0001-01-01")),
        labels: redact_labels(
            cfg.labels
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect::<BTreeMap<_, _>>(),
        ),
        user: s(&cfg.user),
        env,
        working_dir: s(&cfg.working_dir),
        tty: cfg.tty.unwrap_or(false),

        privileged: hc.privileged.unwrap_or(false),
        cap_add: caps(&hc.cap_add),
        cap_drop: caps(&hc.cap_drop),
        security_opt: hc.security_opt.clone().unwrap_or_default(),
        apparmor_profile: s(&inspect.app_armor_profile),
        readonly_rootfs: hc.readonly_rootfs.unwrap_or(false),
        masked_paths: hc.masked_paths.clone(),
        readonly_paths: hc.readonly_paths.clone(),
        sysctls: hc.sysctls.clone().unwrap_or_default().into_iter().collect(),
        runtime: s(&hc.runtime),
        group_add: hc.group_add.clone().unwrap_or_default(),
        cgroup_parent: s(&hc.cgroup_parent),

        network_mode: s(&hc.network_mode),
        pid_mode: s(&hc.pid_mode),
        ipc_mode: s(&hc.ipc_mode),
        uts_mode: s(&hc.uts_mode),
        userns_mode: s(&hc.userns_mode),
        cgroupns_mode: hc.cgroupns_mode.map(|m| m.to_string()).unwrap_or_default(),
        networks,
        attachments,

        mounts,
        volumes_from: hc.volumes_from.clone().unwrap_or_default(),
        ports,
        devices: hc
            .devices
            .iter()
            .flatten()
            .map(|d| DeviceFacts {
                host_path: s(&d.path_on_host),
                container_path: s(&d.path_in_container),
                permissions: s(&d.cgroup_permissions),
            })
            .collect(),
        device_cgroup_rules: hc.device_cgroup_rules.clone().unwrap_or_default(),
        device_requests: hc
            .device_requests
            .iter()
            .flatten()
            .map(|r| {
                r.driver
                    .clone()
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| "gpu".into())
            })
            .collect(),

        resources: Resources {
            memory: hc.memory.unwrap_or(0),
            nano_cpus: hc.nano_cpus.unwrap_or(0),
            cpu_shares: hc.cpu_shares.unwrap_or(0),
            cpu_quota: hc.cpu_quota.unwrap_or(0),
            cpuset_cpus: s(&hc.cpuset_cpus),
            pids_limit: hc.pids_limit,
            ulimits: hc
                .ulimits
                .iter()
                .flatten()
                .filter_map(|u| u.name.clone())
                .collect(),
            oom_kill_disable: hc.oom_kill_disable.unwrap_or(false),
        },
        restart: RestartPolicy {
            name: restart
                .name
                .map(|n| n.to_string())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "no".into()),
            max_retries: restart.maximum_retry_count.unwrap_or(0),
        },
        healthcheck,
        health_test,
    }
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.is_empty()).cloned()
}

/// One `NetworkSettings.Networks` entry.
fn attachment(name: &str, ep: &bollard::models::EndpointSettings) -> NetworkAttachment {
    let ipam = ep.ipam_config.as_ref();
    NetworkAttachment {
        name: name.to_string(),
        network_id: s(&ep.network_id),
        endpoint_id: s(&ep.endpoint_id),
        aliases: ep.aliases.clone().unwrap_or_default(),
        ipv4_address: ipam.and_then(|i| non_empty(&i.ipv4_address)),
        ipv6_address: ipam.and_then(|i| non_empty(&i.ipv6_address)),
        link_local_ips: ipam
            .and_then(|i| i.link_local_ips.clone())
            .unwrap_or_default(),
        links: ep.links.clone().unwrap_or_default(),
        driver_opts: ep
            .driver_opts
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect(),
        ip_address: non_empty(&ep.ip_address),
    }
}

