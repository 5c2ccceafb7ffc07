//! The one place where the Docker API's documents become seawall's model.
//!
//! Every other module works on `ContainerFacts` / `HostFacts`; if the Docker API changes
//! shape, this module is the only one to touch. Secrets are redacted here, on the way in.
//!
//! - [`wire`]: the lean parsers of the inspect and list documents (raw bytes straight into
//!   the model); the only conversion of an inspect document into [`ContainerFacts`]. The
//!   list is parsed as it arrives ([`SummaryStream`] over [`array_stream`]).
//! - [`container`] / [`container_owned`]: the same, for a caller that already holds
//!   bollard's inspect type (re-encoded, then parsed by [`wire`]).
//! - [`host`], [`volume_backing`], [`daemon_security`]: `/info`, `/version`, `/volumes`.

pub mod activity;
pub mod array_stream;
pub mod wire;

#[cfg(test)]
mod equality_tests;

pub use wire::{SummaryStream, container_from_slice, container_state, summaries_from_slice};

use super::container::*;
use super::host::*;
use bollard::models::{ContainerInspectResponse, SystemInfo, SystemVersion, Volume};
use std::collections::HashMap;

fn s(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
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

/// Convert one inspect document held as bollard's type. `volumes` maps volume names to
/// what the daemon said about them (missing entries simply have no backing information).
///
/// The document is re-encoded and parsed by [`container_from_slice`], so there is one
/// conversion of inspect JSON into the model; callers that hold the raw body should call
/// [`container_from_slice`] directly and skip bollard's types altogether.
pub fn container(
    inspect: &ContainerInspectResponse,
    volumes: &HashMap<String, VolumeBacking>,
) -> ContainerFacts {
    // Encoding bollard's type cannot fail (every map key is a string), and the lean parser
    // accepts everything bollard's type can express (`equality_tests` proves the round trip).
    let bytes = serde_json::to_vec(inspect).expect("bollard's inspect type encodes as JSON");
    container_from_slice(&bytes, volumes).expect("the lean parser reads bollard's encoding")
}

/// [`container`] for a document the caller no longer needs.
pub fn container_owned(
    inspect: ContainerInspectResponse,
    volumes: &HashMap<String, VolumeBacking>,
) -> ContainerFacts {
    container(&inspect, volumes)
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
