//! What seawall knows about one daemon, from `/info`, `/version` and `/networks/bridge`.

use serde::Serialize;

/// Which engine answers the Docker API: Docker Engine (moby) or Podman's Docker-compatible
/// service (`podman system service`). Docker Engine advisories never apply to Podman.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "engine_product"))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    #[default]
    Docker,
    Podman,
}

impl Engine {
    /// `"Docker"` or `"Podman"`, as a person names it.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Docker => "Docker",
            Engine::Podman => "Podman",
        }
    }
}

/// Versions of the engine and its runtime pieces as `/version` and `/info` report them. A
/// value the daemon does not report is the empty string.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "engine"))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EngineFacts {
    /// Docker Engine or Podman (`/version Components[].Name`, `Platform.Name`).
    pub product: Engine,
    /// Engine version, e.g. 27.3.1 (Podman's own version on Podman).
    pub version: String,
    /// Engine API version, e.g. 1.47.
    pub api_version: String,
    /// Daemon operating system, e.g. linux.
    pub os: String,
    /// Host kernel version.
    pub kernel: String,
    /// Version of the default runtime when it is runc, empty when not reported.
    pub runc: String,
    /// Docker's containerd; Podman has none (always empty there).
    pub containerd: String,
    /// Name of the default OCI runtime (`runc`, `crun`, `runsc`...), empty when unknown.
    pub oci_runtime: String,
    /// Its version (`1.8.1`), empty when not reported.
    pub oci_runtime_version: String,
    /// `/info CgroupDriver`: `systemd` or `cgroupfs` (Podman's cgroup manager).
    pub cgroup_driver: String,
    /// The engine runs rootless: `Some` when the daemon said so either way.
    pub rootless: Option<bool>,
    /// Where `rootless` was read (evidence for the findings), e.g. `/info Rootless = false`.
    #[serde(skip)]
    pub rootless_from: String,
}

impl EngineFacts {
    /// A short label for a list of hosts: `Docker 20.10.24`, `Podman 4.3.1`
    /// (`Docker ?` while the version is unknown).
    pub fn label(&self) -> String {
        let version = self.version.trim();
        let version = if version.is_empty() { "?" } else { version };
        format!("{} {version}", self.product.name())
    }

    /// The engine as shown in the header and the reports: the bare version for Docker
    /// (as it always was), `Podman <version>` for Podman.
    pub fn shown_version(&self) -> String {
        match self.product {
            Engine::Docker => self.version.clone(),
            Engine::Podman => self.label(),
        }
    }

    /// `crun 1.8.1`, `runc 1.1.5`, `crun` (version unknown) or empty.
    pub fn runtime_line(&self) -> String {
        match (self.oci_runtime.trim(), self.oci_runtime_version.trim()) {
            ("", _) => String::new(),
            (name, "") => name.to_string(),
            (name, v) => format!("{name} {v}"),
        }
    }

    /// `rootless`, `rootful` or `unknown`.
    pub fn mode(&self) -> &'static str {
        match self.rootless {
            Some(true) => "rootless",
            Some(false) => "rootful",
            None => "unknown",
        }
    }
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
    /// A short engine label for the fleet view: `Docker 20.10.24`, `Podman 4.3.1`.
    pub fn engine_label(&self) -> String {
        self.engine.label()
    }

    pub fn is_podman(&self) -> bool {
        self.engine.product == Engine::Podman
    }

    /// Container root maps to an unprivileged host uid (rootless daemon or userns-remap).
    pub fn remaps_root(&self) -> bool {
        self.security.rootless || self.security.userns_remap
    }
}
