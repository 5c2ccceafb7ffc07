//! What seawall knows about one container, taken from `GET /containers/{id}/json`
//! (and `GET /volumes/{name}` for the named volumes it mounts).

use serde::Serialize;
use std::collections::BTreeMap;

/// Lifecycle state as the daemon reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerState {
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
    Unknown,
}

impl ContainerState {
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerState::Created => "created",
            ContainerState::Running => "running",
            ContainerState::Paused => "paused",
            ContainerState::Restarting => "restarting",
            ContainerState::Removing => "removing",
            ContainerState::Exited => "exited",
            ContainerState::Dead => "dead",
            ContainerState::Unknown => "unknown",
        }
    }

    /// Running, paused and restarting containers have live processes.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            ContainerState::Running | ContainerState::Paused | ContainerState::Restarting
        )
    }
}

impl std::fmt::Display for ContainerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One environment variable. Values of secret-looking variables are already redacted
/// when the fact is built (see [`crate::redact`]), so nothing downstream can leak them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    /// True when the value was replaced because it looked like a secret.
    pub redacted: bool,
}

/// How a mount is provided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MountKind {
    Bind,
    Volume,
    Tmpfs,
    Npipe,
    Cluster,
    Image,
    Other,
}

impl MountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MountKind::Bind => "bind",
            MountKind::Volume => "volume",
            MountKind::Tmpfs => "tmpfs",
            MountKind::Npipe => "npipe",
            MountKind::Cluster => "cluster",
            MountKind::Image => "image",
            MountKind::Other => "other",
        }
    }
}

/// What a named volume really is on the host (from `GET /volumes/{name}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeBacking {
    pub driver: String,
    /// `Options.device` of a local volume (a host path for `o=bind`).
    pub device: Option<String>,
    /// `Options.type` of a local volume (`none`, `nfs`, `cifs`, ...).
    pub fs_type: Option<String>,
    /// `Options.o` contains `bind`: the volume is a bind mount of `device` in disguise.
    pub is_bind: bool,
}

/// One entry of the effective `Mounts[]` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MountFacts {
    pub kind: MountKind,
    pub name: Option<String>,
    /// Host path (for volumes, the volume's data directory; empty for tmpfs).
    pub source: String,
    pub destination: String,
    pub driver: Option<String>,
    pub mode: String,
    pub rw: bool,
    pub propagation: String,
    /// Set for named volumes whose definition could be read.
    pub backing: Option<VolumeBacking>,
}

impl MountFacts {
    /// The host path this mount really exposes: the source of a bind, or the device of a
    /// bind-backed local volume. `None` for ordinary volumes, tmpfs and the like.
    pub fn host_path(&self) -> Option<&str> {
        match self.kind {
            MountKind::Bind => Some(self.source.as_str()),
            MountKind::Volume => self
                .backing
                .as_ref()
                .filter(|b| b.is_bind)
                .and_then(|b| b.device.as_deref()),
            _ => None,
        }
    }
}

/// A published port (`NetworkSettings.Ports`, or `HostConfig.PortBindings` before start).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedPort {
    /// Container side, e.g. `80/tcp`.
    pub container_port: String,
    /// Host address; empty means the daemon default (all interfaces).
    pub host_ip: String,
    /// Host port; `None` when the daemon picks one at start.
    pub host_port: Option<u16>,
}

/// A host device passed through with `--device`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceFacts {
    pub host_path: String,
    pub container_path: String,
    pub permissions: String,
}

/// The healthcheck as configured and observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Healthcheck {
    /// No HEALTHCHECK in the image and no `--health-cmd`.
    Missing,
    /// Explicitly disabled (`--no-healthcheck`, `HEALTHCHECK NONE`).
    Disabled,
    /// Configured; the last status if the container has run.
    Configured { status: Option<String> },
}

/// Resource limits (`HostConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Resources {
    pub memory: i64,
    pub nano_cpus: i64,
    pub cpu_shares: i64,
    pub cpu_quota: i64,
    pub cpuset_cpus: String,
    /// `None` or a non-positive value means unlimited.
    pub pids_limit: Option<i64>,
    pub ulimits: Vec<String>,
    pub oom_kill_disable: bool,
}

/// Restart policy (`HostConfig.RestartPolicy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestartPolicy {
    /// `no`, `always`, `unless-stopped`, `on-failure` (empty means `no`).
    pub name: String,
    pub max_retries: i64,
}

/// One network the container is attached to (`NetworkSettings.Networks`): what an
/// isolation records and what its undo must find again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NetworkAttachment {
    /// The network's name (the key of `Networks`).
    pub name: String,
    pub network_id: String,
    /// Empty when the daemon holds the entry but the endpoint is not really attached.
    pub endpoint_id: String,
    pub aliases: Vec<String>,
    /// `IPAMConfig.IPv4Address`: a static address asked for at create or connect time.
    pub ipv4_address: Option<String>,
    pub ipv6_address: Option<String>,
    pub link_local_ips: Vec<String>,
    pub links: Vec<String>,
    pub driver_opts: BTreeMap<String, String>,
    /// `IPAddress`: the address the container has now (static or not).
    pub ip_address: Option<String>,
}

/// One entry of the container list (`GET /containers/json`): what a scan needs to pick
/// the containers it then inspects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerSummary {
    pub id: String,
    /// Without the leading slash.
    pub names: Vec<String>,
    pub state: ContainerState,
}

/// Everything the rules need about one container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerFacts {
    pub id: String,
    /// Without the leading slash.
    pub name: String,
    /// The image reference the container was created from (`Config.Image`).
    pub image: String,
    pub image_id: String,
    pub state: ContainerState,
    /// `State.ExitCode` (the last exit; 0 while running or never started).
    pub exit_code: Option<i64>,
    pub created: Option<String>,
    pub started_at: Option<String>,
    /// `Config.Labels`, secret values redacted (see [`crate::redact::redact_label`]).
    pub labels: BTreeMap<String, String>,
    /// `Config.User` as given (`""` means the image default).
    pub user: String,
    pub env: Vec<EnvVar>,
    pub working_dir: String,
    pub tty: bool,

    pub privileged: bool,
    /// Normalised: upper case, no `CAP_` prefix.
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub security_opt: Vec<String>,
    /// `AppArmorProfile` as the daemon applied it.
    pub apparmor_profile: String,
    pub readonly_rootfs: bool,
    pub masked_paths: Option<Vec<String>>,
    pub readonly_paths: Option<Vec<String>>,
    pub sysctls: BTreeMap<String, String>,
    pub runtime: String,
    pub group_add: Vec<String>,
    pub cgroup_parent: String,

    pub network_mode: String,
    pub pid_mode: String,
    pub ipc_mode: String,
    pub uts_mode: String,
    pub userns_mode: String,
    pub cgroupns_mode: String,
    /// Names of the networks the container is attached to.
    pub networks: Vec<String>,
    /// The same networks in full, sorted by name (isolate and undo read these).
    pub attachments: Vec<NetworkAttachment>,

    pub mounts: Vec<MountFacts>,
    pub volumes_from: Vec<String>,
    pub ports: Vec<PublishedPort>,
    pub devices: Vec<DeviceFacts>,
    pub device_cgroup_rules: Vec<String>,
    /// Drivers of `--gpus` / device requests.
    pub device_requests: Vec<String>,

    pub resources: Resources,
    pub restart: RestartPolicy,
    pub healthcheck: Healthcheck,
    /// `Config.Healthcheck.Test` as configured (`None` when the container sets none; the
    /// image's own HEALTHCHECK is merged into `Config` by the daemon), secrets redacted
    /// like an exec's command (see [`crate::redact::redact_argv`]).
    pub health_test: Option<Vec<String>>,
}

impl ContainerFacts {
    /// A short id as the docker CLI shows it.
    pub fn short_id(&self) -> &str {
        &self.id[..self.id.len().min(12)]
    }

    /// Does `SecurityOpt` contain `key=value` or `key:value` (case-insensitive value)?
    pub fn has_security_opt(&self, key: &str, value: &str) -> bool {
        self.security_opt_values(key)
            .any(|v| v.eq_ignore_ascii_case(value))
    }

    /// All values given for a `SecurityOpt` key (`key=value` or the legacy `key:value`).
    pub fn security_opt_values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.security_opt.iter().filter_map(move |opt| {
            let (k, v) = opt.split_once('=').or_else(|| opt.split_once(':'))?;
            (k.trim() == key).then_some(v.trim())
        })
    }

    /// Is the bare option present (`no-new-privileges`, `writable-cgroups`)?
    pub fn has_bare_security_opt(&self, key: &str) -> bool {
        self.security_opt.iter().any(|o| o.trim() == key)
    }
}
