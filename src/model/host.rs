//! What seawall knows about one daemon, from `/info`, `/version` and `/networks/bridge`.

use serde::Serialize;

/// Versions of the engine and its runtime pieces as `/version` reports them. A value the
/// daemon does not report is the empty string.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "engine"))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EngineFacts {
    /// Engine version, e.g. 27.3.1.
    pub version: String,
    /// Engine API version, e.g. 1.47.
    pub api_version: String,
    /// Daemon operating system, e.g. linux.
    pub os: String,
    /// Host kernel version.
    pub kernel: String,
    /// Version of the default runtime (normally runc).
    pub runc: String,
    /// containerd version.
    pub containerd: String,
}

/// The daemon's security configuration, parsed from `/info`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DaemonSecurity {
    pub apparmor: bool,
    pub selinux: bool,
    /// `Some(profile)` when seccomp is supported: `builtin`/`default`, `unconfined` or a path.
    pub seccomp_profile: Option<String>,
    pub userns_remap: bool,
    pub rootless: bool,
    pub no_new_privileges: bool,
    pub cgroupns: bool,
}

/// Everything the rules need about one daemon.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HostFacts {
    /// How seawall reached the daemon, e.g. `unix:///var/run/docker.sock`.
    pub endpoint: String,
    /// True when seawall itself talks to this daemon over TCP without TLS.
    pub endpoint_plain_tcp: bool,
    pub name: String,
    pub id: String,
    pub engine: EngineFacts,
    pub security: DaemonSecurity,
    pub security_options: Vec<String>,
    /// `"1"` or `"2"`; empty when unknown.
    pub cgroup_version: String,
    pub live_restore: bool,
    pub swarm_state: String,
    pub logging_driver: String,
    pub storage_driver: String,
    pub debug: bool,
    pub experimental: bool,
    pub warnings: Vec<String>,
    pub authz_plugins: Vec<String>,
    /// Insecure registries beyond the built-in loopback ranges.
    pub insecure_registries: Vec<String>,
    pub default_runtime: String,
    pub runtimes: Vec<String>,
    /// `com.docker.network.bridge.enable_icc` of the default bridge, when readable.
    pub bridge_icc: Option<bool>,
    pub firewall_driver: Option<String>,
    pub containers_total: i64,
}

impl HostFacts {
    /// Container root maps to an unprivileged host uid (rootless daemon or userns-remap).
    pub fn remaps_root(&self) -> bool {
        self.security.rootless || self.security.userns_remap
    }
}
