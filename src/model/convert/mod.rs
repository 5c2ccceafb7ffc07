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
///
/// A Podman service (`podman system service`) is recognised here (see [`engine_of`]); its
/// OCI runtime comes from the `OCI Runtime (<name>)` component and its mode (rootless or
/// not) from `/info`. Fields only Podman sends (`Rootless`) are not in bollard's type: a
/// caller holding the raw `/info` body adds them with [`apply_info_extras`].
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
    let product = engine_of(version);
    let default_runtime = s(&info.default_runtime);
    // Podman names its runtime component `OCI Runtime (<name>)`: the name when /info
    // does not say which runtime is the default.
    let podman_runtime = || {
        version.components.iter().flatten().find_map(|c| {
            c.name
                .strip_prefix("OCI Runtime (")
                .and_then(|n| n.strip_suffix(')'))
                .map(str::to_string)
        })
    };
    let runtime_name = match (default_runtime.is_empty(), product) {
        (false, _) => default_runtime.clone(),
        (true, Engine::Podman) => podman_runtime().unwrap_or_else(|| "runc".to_string()),
        (true, Engine::Docker) => "runc".to_string(),
    };
    let (runc, oci_runtime_version) = match product {
        Engine::Docker => {
            let runc = component(&runtime_name)
                .or_else(|| component("runc"))
                .unwrap_or_default();
            let runtime = component(&runtime_name).unwrap_or_else(|| {
                if is_runc(&runtime_name) {
                    runc.clone()
                } else {
                    String::new()
                }
            });
            (runc, runtime)
        }
        Engine::Podman => {
            let runtime = component(&format!("OCI Runtime ({runtime_name})"))
                .map(|text| runtime_version_of(&text, &runtime_name))
                .unwrap_or_default();
            let runc = if is_runc(&runtime_name) {
                runtime.clone()
            } else {
                String::new()
            };
            (runc, runtime)
        }
    };

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

    let security = daemon_security(&security_options);
    let engine_version = s(&version.version);
    let (rootless, rootless_from) = rootless_of(
        product,
        &engine_version,
        &security_options,
        &security,
        info.docker_root_dir.as_deref().unwrap_or(""),
    );

    let mut facts = HostFacts {
        endpoint: endpoint.to_string(),
        endpoint_plain_tcp,
        name: s(&info.name),
        id: s(&info.id),
        engine: EngineFacts {
            product,
            version: engine_version,
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
            containerd: match product {
                Engine::Docker => component("containerd").unwrap_or_default(),
                Engine::Podman => String::new(),
            },
            oci_runtime: runtime_name,
            oci_runtime_version,
            cgroup_driver: info
                .cgroup_driver
                .map(|d| d.to_string())
                .filter(|d| !d.is_empty())
                .unwrap_or_default(),
            rootless: None,
            rootless_from: String::new(),
        },
        security,
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
    };
    set_rootless(&mut facts, rootless, rootless_from);
    facts
}

fn is_runc(name: &str) -> bool {
    name == "runc" || name.starts_with("io.containerd.runc")
}

/// Docker Engine or Podman, from `/version`: Podman names its first component
/// `Podman Engine` (Docker: `Engine`); newer Podman builds also say so in `Platform.Name`.
pub fn engine_of(version: &SystemVersion) -> Engine {
    let podman = |text: &str| text.to_ascii_lowercase().contains("podman");
    let by_component = version.components.iter().flatten().any(|c| podman(&c.name));
    let by_platform = version.platform.as_ref().is_some_and(|p| podman(&p.name));
    if by_component || by_platform {
        Engine::Podman
    } else {
        Engine::Docker
    }
}

/// The version in Podman's runtime component text: `crun version 1.8.1\ncommit: ...`
/// gives `1.8.1`, `runc version 1.1.5+ds1\n...` gives `1.1.5+ds1`; a bare version is kept.
fn runtime_version_of(text: &str, name: &str) -> String {
    let first = text.lines().next().unwrap_or("").trim();
    let rest = first
        .strip_prefix(name)
        .map(str::trim_start)
        .unwrap_or(first);
    let rest = rest.strip_prefix("version").map(str::trim).unwrap_or(rest);
    rest.split_whitespace().next().unwrap_or("").to_string()
}

/// Rootless or not, and where that was read. Docker has listed `name=rootless` in
/// `SecurityOptions` since 20.10; Podman only since 4.6 (before, only its own `/info
/// Rootless`, see [`apply_info_extras`]), so an older Podman falls back to where its
/// storage lives: a user's `~/.local/share/containers` is rootless, `/var/lib/containers`
/// is the system's.
fn rootless_of(
    product: Engine,
    engine_version: &str,
    options: &[String],
    security: &DaemonSecurity,
    root_dir: &str,
) -> (Option<bool>, String) {
    if security.rootless {
        return (
            Some(true),
            "/info SecurityOptions has name=rootless".to_string(),
        );
    }
    let reports_rootless = match product {
        Engine::Docker => !options.is_empty(),
        Engine::Podman => {
            !options.is_empty() && major_minor(engine_version).is_some_and(|v| v >= (4, 6))
        }
    };
    if reports_rootless {
        return (
            Some(false),
            "/info SecurityOptions has no name=rootless".to_string(),
        );
    }
    if product == Engine::Podman {
        if root_dir.contains("/.local/share/containers") {
            return (
                Some(true),
                format!("/info DockerRootDir = {root_dir} (a user's storage)"),
            );
        }
        if root_dir.starts_with("/var/lib/containers") {
            return (
                Some(false),
                format!("/info DockerRootDir = {root_dir} (the system's storage)"),
            );
        }
    }
    (None, String::new())
}

/// `(4, 3)` for `4.3.1`; `None` when the text does not start with `<n>.<n>`.
fn major_minor(version: &str) -> Option<(u64, u64)> {
    let mut parts = version.trim().split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

fn set_rootless(facts: &mut HostFacts, rootless: Option<bool>, from: String) {
    facts.engine.rootless = rootless;
    facts.engine.rootless_from = from;
    if rootless == Some(true) {
        facts.security.rootless = true;
    }
}

/// `/info` fields bollard's type does not carry: Podman's own `Rootless` and
/// `BuildahVersion` (only Podman sends it).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct InfoExtras {
    #[serde(rename = "Rootless")]
    pub rootless: Option<bool>,
    #[serde(rename = "BuildahVersion")]
    pub buildah_version: Option<String>,
}

/// [`InfoExtras`] from a raw `/info` body; an unreadable body gives none.
pub fn info_extras(body: &[u8]) -> InfoExtras {
    serde_json::from_slice(body).unwrap_or_default()
}

/// Complete host facts with what only the raw `/info` carries: a `BuildahVersion` marks
/// Podman, and Podman's `Rootless` is the authority on its mode.
pub fn apply_info_extras(facts: &mut HostFacts, extras: &InfoExtras) {
    if extras.buildah_version.is_some() {
        facts.engine.product = Engine::Podman;
        facts.engine.containerd.clear();
    }
    if facts.engine.product != Engine::Podman {
        return;
    }
    if let Some(rootless) = extras.rootless {
        set_rootless(
            facts,
            Some(rootless),
            format!("/info Rootless = {rootless}"),
        );
        if !rootless {
            facts.security.rootless = false;
        }
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

    fn podman_host() -> HostFacts {
        let info: SystemInfo = fixture("podman_info_4.3.1.json");
        let version: SystemVersion = fixture("podman_version_4.3.1.json");
        let mut h = host(
            "unix:///run/podman/podman.sock",
            false,
            &info,
            &version,
            None,
        );
        let raw = std::fs::read(format!(
            "{}/tests/fixtures/podman_info_4.3.1.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        apply_info_extras(&mut h, &info_extras(&raw));
        h
    }

    #[test]
    fn a_real_podman_service_is_recognised_with_its_runtime_and_mode() {
        let h = podman_host();
        assert_eq!(h.engine.product, Engine::Podman);
        assert_eq!(h.engine_label(), "Podman 4.3.1");
        assert_eq!(h.engine.oci_runtime, "crun");
        assert_eq!(h.engine.oci_runtime_version, "1.8.1");
        assert_eq!(h.engine.runtime_line(), "crun 1.8.1");
        // crun is not runc, and Podman has no containerd.
        assert_eq!(h.engine.runc, "");
        assert_eq!(h.engine.containerd, "");
        assert_eq!(h.engine.cgroup_driver, "cgroupfs");
        // Podman 4.3 lists no name=rootless: its own `Rootless` field says rootful.
        assert_eq!(h.engine.rootless, Some(false));
        assert_eq!(h.engine.rootless_from, "/info Rootless = false");
        assert_eq!(h.engine.mode(), "rootful");
        assert!(!h.security.rootless);
    }

    #[test]
    fn a_real_rootless_podman_says_so_only_in_its_own_field() {
        let info: SystemInfo = fixture("podman_info_4.3.1_rootless.json");
        let version: SystemVersion = fixture("podman_version_4.3.1.json");
        // Podman 4.3 lists no name=rootless (captured from a service run by an
        // unprivileged user): bollard's type alone cannot tell.
        assert!(
            !info
                .security_options
                .iter()
                .flatten()
                .any(|o| o.contains("rootless"))
        );
        let mut h = host("unix:///x", false, &info, &version, None);
        assert_eq!(h.engine.rootless, None);
        let raw = std::fs::read(format!(
            "{}/tests/fixtures/podman_info_4.3.1_rootless.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        apply_info_extras(&mut h, &info_extras(&raw));
        assert_eq!(h.engine.rootless, Some(true));
        assert_eq!(h.engine.rootless_from, "/info Rootless = true");
        assert!(h.security.rootless && h.remaps_root());
    }

    #[test]
    fn podman_without_the_raw_info_falls_back_on_its_storage_path() {
        let mut info: SystemInfo = fixture("podman_info_4.3.1.json");
        let version: SystemVersion = fixture("podman_version_4.3.1.json");
        let h = host("ssh://box", false, &info, &version, None);
        assert_eq!(h.engine.product, Engine::Podman);
        // Storage under /tmp says nothing: the mode stays unknown rather than guessed.
        assert_eq!(h.engine.rootless, None);
        info.docker_root_dir = Some("/home/ops/.local/share/containers/storage".into());
        let h = host("ssh://box", false, &info, &version, None);
        assert_eq!(h.engine.rootless, Some(true));
        assert!(h.security.rootless && h.remaps_root());
        info.docker_root_dir = Some("/var/lib/containers/storage".into());
        let h = host("ssh://box", false, &info, &version, None);
        assert_eq!(h.engine.rootless, Some(false));
    }

    #[test]
    fn podman_runtime_versions_are_read_from_the_component_text() {
        assert_eq!(
            runtime_version_of("crun version 1.8.1\ncommit: f8a0\nspec: 1.0.0", "crun"),
            "1.8.1"
        );
        assert_eq!(
            runtime_version_of("runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1", "runc"),
            "1.1.5+ds1"
        );
        assert_eq!(runtime_version_of("1.2.3", "crun"), "1.2.3");
        assert_eq!(runtime_version_of("", "crun"), "");
    }

    #[test]
    fn podman_without_a_default_runtime_names_it_from_its_component() {
        let mut info: SystemInfo = fixture("podman_info_4.3.1.json");
        let version: SystemVersion = fixture("podman_version_4.3.1.json");
        info.default_runtime = None;
        let h = host("unix:///x", false, &info, &version, None);
        assert_eq!(h.engine.runtime_line(), "crun 1.8.1");
        assert_eq!(h.engine.runc, "");
    }

    #[test]
    fn podman_with_runc_fills_the_runc_version() {
        let mut info: SystemInfo = fixture("podman_info_4.3.1.json");
        let mut version: SystemVersion = fixture("podman_version_4.3.1.json");
        info.default_runtime = Some("runc".into());
        for c in version.components.iter_mut().flatten() {
            if c.name.starts_with("OCI Runtime") {
                c.name = "OCI Runtime (runc)".into();
                c.version = "runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1\nspec: 1.0.2-dev".into();
            }
        }
        let h = host("unix:///x", false, &info, &version, None);
        assert_eq!(h.engine.runc, "1.1.5+ds1");
        assert_eq!(h.engine.runtime_line(), "runc 1.1.5+ds1");
    }

    #[test]
    fn docker_stays_docker() {
        let info: SystemInfo = fixture("info_20.10.json");
        let version: SystemVersion = fixture("version_20.10.json");
        let mut h = host("unix:///var/run/docker.sock", false, &info, &version, None);
        let raw = std::fs::read(format!(
            "{}/tests/fixtures/info_20.10.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        apply_info_extras(&mut h, &info_extras(&raw));
        assert_eq!(h.engine.product, Engine::Docker);
        assert!(h.engine_label().starts_with("Docker 20.10"));
        assert_eq!(h.engine.shown_version(), h.engine.version);
        assert_eq!(h.engine.oci_runtime, "runc");
        assert_eq!(h.engine.oci_runtime_version, h.engine.runc);
        assert!(!h.engine.containerd.is_empty());
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
