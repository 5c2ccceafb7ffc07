//! The effective confinement of a container: what actually applies once privileged mode,
//! daemon defaults and `container:` namespace sharing are taken into account.

use crate::model::{ContainerFacts, HostFacts};
use std::collections::{BTreeSet, HashMap};

/// Docker's default capability set (moby `caps.DefaultCapabilities`).
pub const DEFAULT_CAPS: [&str; 14] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Every capability the kernel knows (what `ALL` and privileged grant).
pub const ALL_CAPS: [&str; 41] = [
    "AUDIT_CONTROL",
    "AUDIT_READ",
    "AUDIT_WRITE",
    "BLOCK_SUSPEND",
    "BPF",
    "CHECKPOINT_RESTORE",
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "IPC_LOCK",
    "IPC_OWNER",
    "KILL",
    "LEASE",
    "LINUX_IMMUTABLE",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "MKNOD",
    "NET_ADMIN",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_RAW",
    "PERFMON",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYSLOG",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_CHROOT",
    "SYS_MODULE",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "WAKE_ALARM",
];

/// Upper-case a capability name and strip the `CAP_` prefix.
pub fn normalize_cap(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").unwrap_or(&upper).to_string()
}

/// The effective capability set: privileged = all; otherwise defaults + added - dropped,
/// with `ALL` in the drop list applied before the adds (as the daemon does).
pub fn effective_caps(c: &ContainerFacts) -> BTreeSet<String> {
    if c.privileged {
        return ALL_CAPS.iter().map(|s| s.to_string()).collect();
    }
    let drop_all = c.cap_drop.iter().any(|d| d == "ALL");
    let mut caps: BTreeSet<String> = if drop_all {
        BTreeSet::new()
    } else {
        DEFAULT_CAPS.iter().map(|s| s.to_string()).collect()
    };
    for d in &c.cap_drop {
        caps.remove(d);
    }
    for a in &c.cap_add {
        if a == "ALL" {
            caps.extend(ALL_CAPS.iter().map(|s| s.to_string()));
        } else {
            caps.insert(a.clone());
        }
    }
    caps
}

/// The seccomp filter that actually applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seccomp {
    /// Docker's built-in profile (or the daemon's default).
    Default,
    /// A custom profile file given per container or daemon-wide.
    Custom,
    /// No filter: `seccomp=unconfined`, privileged, or a daemon default of unconfined.
    Unconfined(&'static str),
    /// The daemon (kernel) has no seccomp support.
    Unsupported,
}

/// The AppArmor profile that actually applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppArmor {
    Profile(String),
    Unconfined(&'static str),
    /// AppArmor is not enabled on this daemon.
    NotAvailable,
}

/// SELinux labelling for the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeLinux {
    Enforced,
    Disabled(&'static str),
    NotAvailable,
}

/// Where a namespace comes from once `container:` references are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NsTarget {
    /// The container's own namespace (or the daemon default, which is private).
    Private,
    /// The host's namespace; `via` names the container chain when reached through one.
    Host { via: Vec<String> },
    /// Another container's namespace that is itself private.
    Container { name: String },
    /// `container:<x>` where `<x>` is not known to this inventory.
    Unknown { reference: String },
}

impl NsTarget {
    pub fn is_host(&self) -> bool {
        matches!(self, NsTarget::Host { .. })
    }
}

/// Which namespace a mode field describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    Pid,
    Net,
    Ipc,
    Uts,
    User,
    Cgroup,
}

impl Namespace {
    pub fn mode(self, c: &ContainerFacts) -> &str {
        match self {
            Namespace::Pid => &c.pid_mode,
            Namespace::Net => &c.network_mode,
            Namespace::Ipc => &c.ipc_mode,
            Namespace::Uts => &c.uts_mode,
            Namespace::User => &c.userns_mode,
            Namespace::Cgroup => &c.cgroupns_mode,
        }
    }
}

/// Finds the container a `container:<x>` reference names (an id, a name, or a unique id
/// prefix). [`crate::risk::Grader`] is the daemon-wide one; [`Fleet`] a borrowed one.
pub trait Lookup {
    fn find(&self, reference: &str) -> Option<&ContainerFacts>;
}

/// Look up other containers by id, id prefix or name (for `container:` references), over
/// borrowed facts.
#[derive(Debug, Default)]
pub struct Fleet<'a> {
    by_key: HashMap<&'a str, &'a ContainerFacts>,
    all: Vec<&'a ContainerFacts>,
}

impl<'a> Fleet<'a> {
    pub fn new(containers: impl IntoIterator<Item = &'a ContainerFacts>) -> Self {
        let mut fleet = Fleet::default();
        for c in containers {
            fleet.by_key.insert(c.id.as_str(), c);
            fleet.by_key.insert(c.name.as_str(), c);
            fleet.all.push(c);
        }
        fleet
    }

    pub fn get(&self, reference: &str) -> Option<&'a ContainerFacts> {
        let reference = reference.trim_start_matches('/');
        if let Some(c) = self.by_key.get(reference) {
            return Some(c);
        }
        if reference.len() >= 4 {
            let mut hits = self.all.iter().filter(|c| c.id.starts_with(reference));
            if let (Some(c), None) = (hits.next(), hits.next()) {
                return Some(c);
            }
        }
        None
    }
}

impl Lookup for Fleet<'_> {
    fn find(&self, reference: &str) -> Option<&ContainerFacts> {
        self.get(reference)
    }
}

/// Follow `container:<x>` references for one namespace, detecting cycles.
pub fn resolve_namespace<'a, L: Lookup + ?Sized>(
    c: &'a ContainerFacts,
    ns: Namespace,
    fleet: &'a L,
) -> NsTarget {
    let mut via: Vec<String> = Vec::new();
    let mut current = c;
    loop {
        let mode = ns.mode(current);
        if mode == "host" {
            return NsTarget::Host { via };
        }
        let Some(reference) = mode.strip_prefix("container:") else {
            return match via.last() {
                Some(name) => NsTarget::Container { name: name.clone() },
                None => NsTarget::Private,
            };
        };
        match fleet.find(reference) {
            Some(next) if !via.contains(&next.name) && via.len() < 16 => {
                via.push(next.name.clone());
                current = next;
            }
            Some(next) => {
                return NsTarget::Container {
                    name: next.name.clone(),
                };
            }
            None => {
                return NsTarget::Unknown {
                    reference: reference.to_string(),
                };
            }
        }
    }
}

/// The resolved confinement of one container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confinement {
    pub caps: BTreeSet<String>,
    pub seccomp: Seccomp,
    pub apparmor: AppArmor,
    pub selinux: SeLinux,
    pub no_new_privileges: bool,
    pub pid: NsTarget,
    pub net: NsTarget,
    pub ipc: NsTarget,
    pub uts: NsTarget,
    /// Host user namespace shared (`--userns=host`) while the daemon remaps root.
    pub userns_host: bool,
    /// `CgroupnsMode` effectively `host` (explicit, or the cgroup v1 default).
    pub cgroupns_host: bool,
    /// Container processes run as uid 0 (unknown image default counts as root).
    pub runs_as_root: bool,
    /// Container root is host root (no userns-remap, not rootless, not `--userns` private).
    pub root_is_host_root: bool,
}

impl Confinement {
    pub fn has_cap(&self, cap: &str) -> bool {
        self.caps.contains(cap)
    }

    /// No LSM is confining the container (AppArmor unconfined or absent, and no SELinux).
    pub fn lsm_off(&self) -> bool {
        !matches!(self.apparmor, AppArmor::Profile(_)) && self.selinux != SeLinux::Enforced
    }
}

/// Does a `user[:group]` string name root? Empty means the image default, which is root
/// for the images seawall cannot see into.
pub fn user_is_root(user: &str) -> bool {
    let user = user.trim();
    if user.is_empty() {
        return true;
    }
    let name = user.split(':').next().unwrap_or("");
    name == "0" || name == "root" || name.is_empty()
}

/// Parse the boolean form of `no-new-privileges` (bare, `=true|false`, `:true|false`).
pub fn no_new_privileges(c: &ContainerFacts, host: &HostFacts) -> bool {
    let mut value = host.security.no_new_privileges;
    for opt in &c.security_opt {
        let opt = opt.trim();
        if opt == "no-new-privileges" {
            value = true;
        } else if let Some(v) = opt
            .strip_prefix("no-new-privileges=")
            .or_else(|| opt.strip_prefix("no-new-privileges:"))
        {
            value = v.trim().eq_ignore_ascii_case("true");
        }
    }
    value
}

/// Resolve everything at once.
pub fn resolve<L: Lookup + ?Sized>(c: &ContainerFacts, host: &HostFacts, fleet: &L) -> Confinement {
    let seccomp = if host.security.seccomp_profile.is_none() && !host.security_options.is_empty() {
        Seccomp::Unsupported
    } else if c.has_security_opt("seccomp", "unconfined") {
        Seccomp::Unconfined("SecurityOpt seccomp=unconfined")
    } else if c.security_opt_values("seccomp").any(|v| !v.is_empty()) {
        // An explicit profile (builtin or a file) applies even to privileged containers.
        if c.has_security_opt("seccomp", "builtin") {
            Seccomp::Default
        } else {
            Seccomp::Custom
        }
    } else if c.privileged {
        Seccomp::Unconfined("Privileged=true turns seccomp off")
    } else {
        match host.security.seccomp_profile.as_deref() {
            Some("unconfined") => {
                Seccomp::Unconfined("daemon default seccomp profile is unconfined")
            }
            Some("builtin") | Some("default") | None => Seccomp::Default,
            Some(_) => Seccomp::Custom,
        }
    };

    let apparmor = if !host.security.apparmor {
        AppArmor::NotAvailable
    } else if c.privileged {
        AppArmor::Unconfined("Privileged=true runs unconfined")
    } else if c.has_security_opt("apparmor", "unconfined") || c.apparmor_profile == "unconfined" {
        AppArmor::Unconfined("apparmor=unconfined")
    } else if c.apparmor_profile.is_empty() {
        // Not started yet: the daemon will apply docker-default.
        AppArmor::Profile(
            c.security_opt_values("apparmor")
                .next()
                .unwrap_or("docker-default")
                .to_string(),
        )
    } else {
        AppArmor::Profile(c.apparmor_profile.clone())
    };

    let selinux = if !host.security.selinux {
        SeLinux::NotAvailable
    } else if c.has_security_opt("label", "disable") {
        SeLinux::Disabled("label=disable")
    } else if c.privileged {
        SeLinux::Disabled("Privileged=true runs with spc_t")
    } else {
        SeLinux::Enforced
    };

    let userns_private_mode = c.userns_mode.is_empty() || c.userns_mode == "private";
    let userns_host = host.security.userns_remap && c.userns_mode == "host";
    let root_is_host_root =
        !(host.security.rootless || (host.security.userns_remap && userns_private_mode));

    let cgroupns_host = match c.cgroupns_mode.as_str() {
        "host" => true,
        "private" => false,
        _ => host.cgroup_version == "1",
    };

    Confinement {
        caps: effective_caps(c),
        seccomp,
        apparmor,
        selinux,
        no_new_privileges: no_new_privileges(c, host),
        pid: resolve_namespace(c, Namespace::Pid, fleet),
        net: resolve_namespace(c, Namespace::Net, fleet),
        ipc: resolve_namespace(c, Namespace::Ipc, fleet),
        uts: resolve_namespace(c, Namespace::Uts, fleet),
        userns_host,
        cgroupns_host,
        runs_as_root: user_is_root(&c.user),
        root_is_host_root,
    }
}
