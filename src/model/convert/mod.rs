//! The one place where bollard's API types become seawall's model.
//!
//! Every other module works on `ContainerFacts` / `HostFacts`; if the Docker API changes
//! shape, this file is the only one to touch. Secrets are redacted here, on the way in.

pub mod activity;

use super::container::*;
use super::host::*;
use crate::redact::redact_env_entry;
use crate::risk::confinement::normalize_cap;
use bollard::models::{
    ContainerInspectResponse, ContainerStateStatusEnum, HealthStatusEnum, SystemInfo,
    SystemVersion, Volume,
};
use std::collections::{BTreeMap, HashMap};

fn s(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn caps(list: &Option<Vec<String>>) -> Vec<String> {
    list.iter().flatten().map(|c| normalize_cap(c)).collect()
}

/// What `GET /volumes/{name}` says about a named volume.
pub fn volume_backing(v: &Volume) -> VolumeBacking {
    let opt = |k: &str| v.options.get(k).filter(|s| !s.is_empty()).cloned();
    let o = opt("o").unwrap_or_default();
    VolumeBacking {
        driver: v.driver.clone(),
        device: opt("device"),
        fs_type: opt("type"),
        is_bind: o.split(',').any(|part| {
            let part = part.trim();
            part == "bind" || part == "rbind"
        }),
    }
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

/// Convert one inspect document. `volumes` maps volume names to what the daemon said
/// about them (missing entries simply have no backing information).
pub fn container(
    inspect: &ContainerInspectResponse,
    volumes: &HashMap<String, VolumeBacking>,
) -> ContainerFacts {
    container_owned(inspect.clone(), volumes)
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
    let health_test = cfg.healthcheck.as_ref().and_then(|h| h.test.clone());

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
        labels: cfg
            .labels
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect::<BTreeMap<_, _>>(),
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

/// Parse `/info SecurityOptions` entries such as `name=seccomp,profile=builtin`.
pub fn daemon_security(options: &[String]) -> DaemonSecurity {
    let mut sec = DaemonSecurity::default();
    for entry in options {
        let fields: HashMap<&str, &str> = entry
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .collect();
        match fields.get("name").copied() {
            Some("apparmor") => sec.apparmor = true,
            Some("selinux") => sec.selinux = true,
            Some("seccomp") => {
                sec.seccomp_profile = Some(fields.get("profile").unwrap_or(&"default").to_string())
            }
            Some("userns") => sec.userns_remap = true,
            Some("rootless") => sec.rootless = true,
            Some("no-new-privileges") => sec.no_new_privileges = true,
            Some("cgroupns") => sec.cgroupns = true,
            _ => {}
        }
    }
    sec
}

/// Built-in insecure registry ranges that every daemon lists.
const BUILTIN_INSECURE: [&str; 2] = ["127.0.0.0/8", "::1/128"];

/// Convert `/info` and `/version` (and the default bridge's ICC option) into host facts.
pub fn host(
    endpoint: &str,
    endpoint_plain_tcp: bool,
    info: &SystemInfo,
    version: &SystemVersion,
    bridge_icc: Option<bool>,
) -> HostFacts {
    let security_options = info.security_options.clone().unwrap_or_default();
    let component = |name: &str| {
        version
            .components
            .iter()
            .flatten()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| c.version.clone())
    };
    let default_runtime = s(&info.default_runtime);
    let runtime_name = if default_runtime.is_empty() {
        "runc".to_string()
    } else {
        default_runtime.clone()
    };
    let runc = component(&runtime_name)
        .or_else(|| component("runc"))
        .unwrap_or_default();

    let mut insecure: Vec<String> = info
        .registry_config
        .as_ref()
        .and_then(|r| r.insecure_registry_cidrs.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|c| !BUILTIN_INSECURE.contains(&c.as_str()))
        .collect();
    if let Some(index) = info
        .registry_config
        .as_ref()
        .and_then(|r| r.index_configs.as_ref())
    {
        for (name, cfg) in index {
            if cfg.secure == Some(false) && !insecure.contains(name) {
                insecure.push(name.clone());
            }
        }
    }
    insecure.sort();

    let mut runtimes: Vec<String> = info
        .runtimes
        .as_ref()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default();
    runtimes.sort();

    HostFacts {
        endpoint: endpoint.to_string(),
        endpoint_plain_tcp,
        name: s(&info.name),
        id: s(&info.id),
        engine: EngineFacts {
            version: s(&version.version),
            api_version: s(&version.api_version),
            os: info
                .operating_system
                .clone()
                .or_else(|| version.os.clone())
                .unwrap_or_default(),
            kernel: info
                .kernel_version
                .clone()
                .or_else(|| version.kernel_version.clone())
                .unwrap_or_default(),
            runc,
            containerd: component("containerd").unwrap_or_default(),
        },
        security: daemon_security(&security_options),
        security_options,
        cgroup_version: info
            .cgroup_version
            .map(|v| v.to_string())
            .unwrap_or_default(),
        live_restore: info.live_restore_enabled.unwrap_or(false),
        swarm_state: info
            .swarm
            .as_ref()
            .and_then(|s| s.local_node_state)
            .map(|s| s.to_string())
            .unwrap_or_default(),
        logging_driver: s(&info.logging_driver),
        storage_driver: s(&info.driver),
        debug: info.debug.unwrap_or(false),
        experimental: info.experimental_build.unwrap_or(false),
        warnings: info.warnings.clone().unwrap_or_default(),
        authz_plugins: info
            .plugins
            .as_ref()
            .and_then(|p| p.authorization.clone())
            .unwrap_or_default(),
        insecure_registries: insecure,
        default_runtime,
        runtimes,
        bridge_icc,
        firewall_driver: info
            .firewall_backend
            .as_ref()
            .and_then(|f| f.driver.clone()),
        containers_total: info.containers.unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture<T: serde::de::DeserializeOwned>(name: &str) -> T {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("fixture");
        serde_json::from_str(&text).expect("fixture parses")
    }

    #[test]
    fn converts_a_real_created_container() {
        let inspect: ContainerInspectResponse = fixture("inspect_default_created.json");
        let c = container(&inspect, &HashMap::new());
        assert_eq!(c.state, ContainerState::Created);
        assert!(!c.name.starts_with('/'));
        assert_eq!(c.image, "seawall-test/busybox");
        assert!(!c.privileged);
        assert_eq!(c.restart.name, "no");
        assert_eq!(c.healthcheck, Healthcheck::Missing);
    }

    #[test]
    fn converts_a_real_daemon() {
        let info: SystemInfo = fixture("info_20.10.json");
        let version: SystemVersion = fixture("version_20.10.json");
        let h = host(
            "unix:///var/run/docker.sock",
            false,
            &info,
            &version,
            Some(true),
        );
        assert_eq!(h.engine.api_version, "1.41");
        assert!(!h.engine.runc.is_empty());
        assert!(!h.engine.containerd.is_empty());
        assert!(h.security.seccomp_profile.is_some());
        assert_eq!(h.cgroup_version, "1");
    }

    #[test]
    fn security_options_are_parsed() {
        let sec = daemon_security(&[
            "name=apparmor".into(),
            "name=seccomp,profile=builtin".into(),
            "name=userns".into(),
            "name=cgroupns".into(),
        ]);
        assert!(sec.apparmor && sec.userns_remap && sec.cgroupns);
        assert!(!sec.selinux && !sec.rootless);
        assert_eq!(sec.seccomp_profile.as_deref(), Some("builtin"));
    }

    #[test]
    fn bind_backed_volume_is_detected() {
        let v: Volume = serde_json::from_value(serde_json::json!({
            "Name": "etcvol", "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/etcvol/_data",
            "Labels": {}, "Scope": "local",
            "Options": {"type": "none", "o": "bind", "device": "/etc"}
        }))
        .unwrap();
        let b = volume_backing(&v);
        assert!(b.is_bind);
        assert_eq!(b.device.as_deref(), Some("/etc"));
    }

    #[test]
    fn secrets_are_redacted_on_the_way_in() {
        let inspect: ContainerInspectResponse = serde_json::from_value(serde_json::json!({
            "Id": "abc", "Name": "/x",
            "Config": {"Env": ["DB_PASSWORD=hunter2", "URL=https://u:pw@h/x", "PATH=/bin"]}
        }))
        .unwrap();
        let c = container(&inspect, &HashMap::new());
        let text = serde_json::to_string(&c).unwrap();
        assert!(!text.contains("hunter2"));
        assert!(!text.contains(":pw@"));
        assert!(text.contains("PATH"));
    }
}
