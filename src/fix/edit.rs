//! The configuration changes a fix can make: how each applies to the facts (so the rules
//! can be run again), the `docker run` flag and the compose key that make it, and whether
//! it can break the workload.

use crate::model::{ContainerFacts, Healthcheck};
use crate::risk::Finding;

/// A predicted limit the fix proposes (a starting point: size it to the workload).
pub const MEMORY_LIMIT: &str = "512m";
pub const MEMORY_BYTES: i64 = 512 << 20;
pub const PIDS_LIMIT: i64 = 256;
pub const NON_ROOT_USER: &str = "1000:1000";

/// One change to a container's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Unprivileged,
    RemoveCap(String),
    DropAllCaps,
    /// Remove the mount at this container path.
    RemoveMount(String),
    PrivatePropagation(String),
    /// A namespace key back to the private default: `pid`, `network_mode`, `ipc`, `uts`,
    /// `userns_mode`, `cgroup`.
    PrivateNamespace(&'static str),
    /// Remove a `security_opt` entry with this key and value (`seccomp=unconfined`).
    RemoveSecurityOpt(&'static str, &'static str),
    NoNewPrivileges,
    LocalhostPorts,
    UserNetwork,
    RemoveDevice(String),
    RemoveDeviceCgroupRules,
    RemoveDeviceRequests,
    RemoveEnv(String),
    ReadOnly,
    RemoveSysctl(String),
    BoundedRestart,
    AddHealthcheck,
    MemoryLimit,
    CpuLimit,
    PidsLimit,
    RemoveCgroupParent,
    KeepOomKiller,
    NonRootUser,
    RemoveGroupAdd,
}

/// The edits that remove finding `f` of container `c` (none when only a daemon or an
/// image change can, or when the finding is informational).
pub fn edits_for(f: &Finding, c: &ContainerFacts) -> Vec<Edit> {
    let id = f.id.as_ref();
    let ev = f.evidence.as_str();
    let one = |e: Edit| vec![e];
    match id {
        "SW-PRIV-001" => one(Edit::Unprivileged),
        "SW-CAP-DROPALL" | "SW-CAP-NET_RAW" => one(Edit::DropAllCaps),
        "SW-NS-001" => one(Edit::PrivateNamespace("pid")),
        "SW-NS-002" => one(Edit::PrivateNamespace("network_mode")),
        "SW-NS-003" => one(Edit::PrivateNamespace("ipc")),
        "SW-NS-004" => one(Edit::PrivateNamespace("uts")),
        "SW-NS-005" => one(Edit::PrivateNamespace("userns_mode")),
        "SW-NS-006" => one(Edit::PrivateNamespace("cgroup")),
        "SW-SEC-001" => one(Edit::RemoveSecurityOpt("seccomp", "unconfined")),
        "SW-SEC-002" => one(Edit::RemoveSecurityOpt("apparmor", "unconfined")),
        "SW-SEC-003" => one(Edit::RemoveSecurityOpt("label", "disable")),
        "SW-SEC-004" => one(Edit::NoNewPrivileges),
        "SW-SEC-005" => one(Edit::RemoveSecurityOpt("systempaths", "unconfined")),
        "SW-SEC-006" => one(Edit::RemoveSecurityOpt("writable-cgroups", "true")),
        "SW-NET-002" => one(Edit::LocalhostPorts),
        "SW-NET-004" => one(Edit::UserNetwork),
        "SW-DEV-001" => c
            .devices
            .iter()
            .filter(|d| ev.contains(&d.host_path))
            .map(|d| Edit::RemoveDevice(d.host_path.clone()))
            .collect(),
        "SW-DEV-002" => one(Edit::RemoveDeviceCgroupRules),
        "SW-DEV-003" => one(Edit::RemoveDeviceRequests),
        "SW-ENV-001" | "SW-ENV-002" => c
            .env
            .iter()
            .filter(|e| ev.contains(&e.name))
            .map(|e| Edit::RemoveEnv(e.name.clone()))
            .collect(),
        "SW-HARD-001" => one(Edit::ReadOnly),
        "SW-HARD-002" => c
            .sysctls
            .keys()
            .filter(|k| ev.contains(k.as_str()))
            .map(|k| Edit::RemoveSysctl(k.clone()))
            .collect(),
        "SW-LIFE-001" => one(Edit::BoundedRestart),
        "SW-LIFE-002" => one(Edit::AddHealthcheck),
        "SW-RES-001" => one(Edit::MemoryLimit),
        "SW-RES-002" => one(Edit::CpuLimit),
        "SW-RES-003" => one(Edit::PidsLimit),
        "SW-RES-005" => one(Edit::RemoveCgroupParent),
        "SW-RES-006" => one(Edit::KeepOomKiller),
        "SW-USR-001" => one(Edit::NonRootUser),
        "SW-USR-002" => one(Edit::RemoveGroupAdd),
        id if id.starts_with("SW-MNT-") => {
            let hits: Vec<Edit> = c
                .mounts
                .iter()
                .filter(|m| {
                    ev.contains(&format!("-> {} ", m.destination))
                        || ev.ends_with(&format!("-> {}", m.destination))
                        || ev.contains(&format!("-> {})", m.destination))
                })
                .map(|m| {
                    if id == "SW-MNT-020" {
                        Edit::PrivatePropagation(m.destination.clone())
                    } else {
                        Edit::RemoveMount(m.destination.clone())
                    }
                })
                .collect();
            hits
        }
        id if id.starts_with("SW-CAP-") => {
            if c.privileged {
                return one(Edit::Unprivileged);
            }
            let cap = &id["SW-CAP-".len()..];
            let mut out: Vec<Edit> = c
                .cap_add
                .iter()
                .filter(|a| *a == cap || (cap == "OTHER" && ev.contains(a.as_str())))
                .map(|a| Edit::RemoveCap(a.clone()))
                .collect();
            if out.is_empty() && c.cap_add.iter().any(|a| a == "ALL") {
                out.push(Edit::RemoveCap("ALL".into()));
            }
            out
        }
        _ => Vec::new(),
    }
}

impl Edit {
    /// Apply the change to the facts.
    pub fn apply(&self, c: &mut ContainerFacts) {
        match self {
            Edit::Unprivileged => c.privileged = false,
            Edit::RemoveCap(cap) => c.cap_add.retain(|a| a != cap),
            Edit::DropAllCaps => {
                if !c.cap_drop.iter().any(|d| d == "ALL") {
                    c.cap_drop.push("ALL".into());
                }
            }
            Edit::RemoveMount(dest) => c.mounts.retain(|m| &m.destination != dest),
            Edit::PrivatePropagation(dest) => {
                for m in c.mounts.iter_mut().filter(|m| &m.destination == dest) {
                    m.propagation = "rprivate".into();
                }
            }
            Edit::PrivateNamespace(key) => match *key {
                "pid" => c.pid_mode.clear(),
                "network_mode" => {
                    c.network_mode = "seawall_private".into();
                    c.networks = vec!["seawall_private".into()];
                }
                "ipc" => c.ipc_mode = "private".into(),
                "uts" => c.uts_mode.clear(),
                "userns_mode" => c.userns_mode.clear(),
                _ => c.cgroupns_mode = "private".into(),
            },
            Edit::RemoveSecurityOpt(key, value) => c.security_opt.retain(|o| {
                let (k, v) = o
                    .split_once('=')
                    .or_else(|| o.split_once(':'))
                    .unwrap_or((o.as_str(), "true"));
                !(k.trim() == *key && v.trim().eq_ignore_ascii_case(value))
            }),
            Edit::NoNewPrivileges => {
                c.security_opt
                    .retain(|o| !o.starts_with("no-new-privileges"));
                c.security_opt.push("no-new-privileges:true".into());
            }
            Edit::LocalhostPorts => {
                for p in c.ports.iter_mut().filter(|p| is_wildcard(&p.host_ip)) {
                    p.host_ip = "127.0.0.1".into();
                }
            }
            Edit::UserNetwork => {
                c.network_mode = "seawall_private".into();
                c.networks = vec!["seawall_private".into()];
            }
            Edit::RemoveDevice(path) => c.devices.retain(|d| &d.host_path != path),
            Edit::RemoveDeviceCgroupRules => c.device_cgroup_rules.clear(),
            Edit::RemoveDeviceRequests => c.device_requests.clear(),
            Edit::RemoveEnv(name) => c.env.retain(|e| &e.name != name),
            Edit::ReadOnly => c.readonly_rootfs = true,
            Edit::RemoveSysctl(k) => {
                c.sysctls.remove(k);
            }
            Edit::BoundedRestart => {
                c.restart.name = "on-failure".into();
                c.restart.max_retries = 5;
            }
            Edit::AddHealthcheck => c.healthcheck = Healthcheck::Configured { status: None },
            Edit::MemoryLimit => c.resources.memory = MEMORY_BYTES,
            Edit::CpuLimit => c.resources.nano_cpus = 1_000_000_000,
            Edit::PidsLimit => c.resources.pids_limit = Some(PIDS_LIMIT),
            Edit::RemoveCgroupParent => c.cgroup_parent.clear(),
            Edit::KeepOomKiller => c.resources.oom_kill_disable = false,
            Edit::NonRootUser => c.user = NON_ROOT_USER.into(),
            Edit::RemoveGroupAdd => c
                .group_add
                .retain(|g| !matches!(g.as_str(), "0" | "root" | "docker")),
        }
    }

    /// The `docker run` flag (or the flag to remove).
    pub fn run_flag(&self, c: &ContainerFacts) -> String {
        match self {
            Edit::Unprivileged => "remove --privileged".into(),
            Edit::RemoveCap(cap) => format!("remove --cap-add {cap}"),
            Edit::DropAllCaps => "--cap-drop ALL".into(),
            Edit::RemoveMount(dest) => format!("remove the -v/--mount for {dest}"),
            Edit::PrivatePropagation(dest) => {
                format!("mount {dest} without shared propagation (default rprivate)")
            }
            Edit::PrivateNamespace(key) => match *key {
                "pid" => format!("remove --pid {}", c.pid_mode),
                "network_mode" => format!("--network <your network> (not {})", c.network_mode),
                "ipc" => "--ipc private".into(),
                "uts" => format!("remove --uts {}", c.uts_mode),
                "userns_mode" => format!("remove --userns {}", c.userns_mode),
                _ => "--cgroupns private".into(),
            },
            Edit::RemoveSecurityOpt(k, v) => format!("remove --security-opt {k}={v}"),
            Edit::NoNewPrivileges => "--security-opt no-new-privileges:true".into(),
            Edit::LocalhostPorts => {
                let ports: Vec<String> = c
                    .ports
                    .iter()
                    .filter(|p| is_wildcard(&p.host_ip))
                    .map(|p| {
                        format!(
                            "-p 127.0.0.1:{}:{}",
                            p.host_port.map(|n| n.to_string()).unwrap_or_default(),
                            p.container_port
                        )
                    })
                    .collect();
                ports.join(" ")
            }
            Edit::UserNetwork => "--network <a user-defined network>".into(),
            Edit::RemoveDevice(path) => format!("remove --device {path}"),
            Edit::RemoveDeviceCgroupRules => "remove --device-cgroup-rule".into(),
            Edit::RemoveDeviceRequests => "remove --gpus / --device requests".into(),
            Edit::RemoveEnv(name) => format!("remove -e {name} (pass it as a secret file)"),
            Edit::ReadOnly => "--read-only --tmpfs /tmp".into(),
            Edit::RemoveSysctl(k) => format!("remove --sysctl {k}"),
            Edit::BoundedRestart => "--restart on-failure:5".into(),
            Edit::AddHealthcheck => "--health-cmd '<command that checks the service>'".into(),
            Edit::MemoryLimit => format!("--memory {MEMORY_LIMIT}"),
            Edit::CpuLimit => "--cpus 1".into(),
            Edit::PidsLimit => format!("--pids-limit {PIDS_LIMIT}"),
            Edit::RemoveCgroupParent => "remove --cgroup-parent".into(),
            Edit::KeepOomKiller => "remove --oom-kill-disable".into(),
            Edit::NonRootUser => format!("--user {NON_ROOT_USER}"),
            Edit::RemoveGroupAdd => "remove --group-add root/docker".into(),
        }
    }

    /// The compose key that makes the change.
    pub fn compose_key(&self, c: &ContainerFacts) -> String {
        match self {
            Edit::Unprivileged => "privileged: false".into(),
            Edit::RemoveCap(cap) => format!("cap_add: remove {cap}"),
            Edit::DropAllCaps => "cap_drop: [ALL]".into(),
            Edit::RemoveMount(dest) => format!("volumes: remove the entry for {dest}"),
            Edit::PrivatePropagation(dest) => {
                format!("volumes: {dest} without bind.propagation shared")
            }
            Edit::PrivateNamespace(key) => match *key {
                "ipc" => "ipc: private".into(),
                "cgroup" => "cgroup: private".into(),
                k => format!("remove {k}"),
            },
            Edit::RemoveSecurityOpt(k, v) => format!("security_opt: remove {k}={v}"),
            Edit::NoNewPrivileges => "security_opt: [\"no-new-privileges:true\"]".into(),
            Edit::LocalhostPorts => "ports: \"127.0.0.1:HOST:CONTAINER\"".into(),
            Edit::UserNetwork => "networks: [a user-defined network] (the compose default)".into(),
            Edit::RemoveDevice(path) => format!("devices: remove {path}"),
            Edit::RemoveDeviceCgroupRules => "remove device_cgroup_rules".into(),
            Edit::RemoveDeviceRequests => {
                "remove gpus / deploy.resources.reservations.devices".into()
            }
            Edit::RemoveEnv(name) => format!("environment: remove {name} (use secrets:)"),
            Edit::ReadOnly => "read_only: true (and tmpfs: [/tmp])".into(),
            Edit::RemoveSysctl(k) => format!("sysctls: remove {k}"),
            Edit::BoundedRestart => "restart: on-failure:5".into(),
            Edit::AddHealthcheck => "healthcheck: {test: [CMD, <command>]}".into(),
            Edit::MemoryLimit => format!("mem_limit: {MEMORY_LIMIT}"),
            Edit::CpuLimit => "cpus: 1".into(),
            Edit::PidsLimit => format!("pids_limit: {PIDS_LIMIT}"),
            Edit::RemoveCgroupParent => "remove cgroup_parent".into(),
            Edit::KeepOomKiller => "remove oom_kill_disable".into(),
            Edit::NonRootUser => format!("user: \"{NON_ROOT_USER}\""),
            Edit::RemoveGroupAdd => {
                let _ = c;
                "group_add: remove root/docker".into()
            }
        }
    }

    /// Why the change may break the workload (`None` when it should not).
    pub fn breaking(&self) -> Option<&'static str> {
        match self {
            Edit::Unprivileged => Some("the workload may need device or kernel access"),
            Edit::RemoveCap(_) | Edit::DropAllCaps => {
                Some("the workload may need this capability (add back only what it uses)")
            }
            Edit::RemoveMount(_) => Some("the workload loses access to this host path"),
            Edit::PrivateNamespace(_) => Some("the workload may rely on the shared namespace"),
            Edit::LocalhostPorts => Some("the port is reachable only from the host itself"),
            Edit::UserNetwork => Some("containers on the default bridge no longer reach it"),
            Edit::RemoveDevice(_) | Edit::RemoveDeviceRequests => {
                Some("the workload loses access to the device")
            }
            Edit::RemoveEnv(_) => Some("the workload must read the value from a file instead"),
            Edit::ReadOnly => Some("writes outside volumes and tmpfs fail (read-only rootfs)"),
            Edit::MemoryLimit | Edit::CpuLimit | Edit::PidsLimit => {
                Some("a limit below the workload's peak kills or throttles it")
            }
            Edit::NonRootUser => Some("the image must run as a non-root user"),
            Edit::RemoveSysctl(_) | Edit::RemoveGroupAdd | Edit::RemoveDeviceCgroupRules => {
                Some("the workload may depend on it")
            }
            Edit::PrivatePropagation(_)
            | Edit::RemoveSecurityOpt(..)
            | Edit::NoNewPrivileges
            | Edit::BoundedRestart
            | Edit::AddHealthcheck
            | Edit::RemoveCgroupParent
            | Edit::KeepOomKiller => None,
        }
    }
}

fn is_wildcard(ip: &str) -> bool {
    matches!(ip, "" | "0.0.0.0" | "::" | "[::]")
}
