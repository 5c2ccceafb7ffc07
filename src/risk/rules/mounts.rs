//! CIS 5.6, 5.20 and 5.32: host paths mounted into the container.
//!
//! Each mount's host path (a bind source, or the device of a bind-backed named volume) is
//! matched against the sensitive-path table: equal to an entry, an ancestor of one (mounting
//! `/` exposes `/run/docker.sock`), or a descendant of an entry that covers its subtree
//! (`/etc/shadow` is under `/etc`). Read-write is graded above read-only, except runtime
//! sockets, which are critical either way: connecting to a socket works on a read-only mount.

use super::super::{Ctx, Finding, RuleMeta, Severity};
use crate::model::{MountFacts, MountKind};

use Severity::{Critical as C, High as H, Low as L, Medium as M};

/// How far below an entry a mounted source still counts as that entry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Below {
    /// Only the path itself (and its ancestors).
    Exact,
    /// Any path in the subtree.
    Subtree,
    /// The entry's direct children (`/home/<user>`), and anything under the
    /// credential directories of those children.
    HomeDirs,
}

struct Sensitive {
    path: &'static str,
    rule: &'static RuleMeta,
    rw: Severity,
    ro: Severity,
    below: Below,
    /// A runtime API socket (or a directory holding them): critical even read-only,
    /// and not mitigated by user namespaces.
    socket: bool,
}

const fn meta(
    id: &'static str,
    severity: Severity,
    cis: Option<&'static str>,
    title: &'static str,
    technique: &'static str,
    fix: &'static str,
) -> RuleMeta {
    RuleMeta::container(id, severity, cis, title, technique, fix)
}

const FIX_BIND: &str = "Remove the bind mount (docker run -v/--mount; compose: volumes). If the \
                        workload needs a few files, mount only those, read-only \
                        (-v /host/file:/path:ro).";

pub const SOCKET: RuleMeta = meta(
    "SW-MNT-001",
    C,
    Some("5.32"),
    "Container runtime socket mounted",
    "Whoever can connect to docker.sock (or containerd.sock, or any runtime API) can start a \
     privileged container with the host's / mounted: full host root. A read-only mount does not \
     help, because connecting to a Unix socket is not a write to the filesystem.",
    "Never mount the runtime socket. Give tools a narrowly scoped API proxy (e.g. one that only \
     allows GET /containers) or run them on the host. Compose: remove the docker.sock volume.",
);
pub const ROOTFS: RuleMeta = meta(
    "SW-MNT-002",
    C,
    Some("5.6"),
    "Host root filesystem mounted",
    "Read-write: plant cron jobs, SSH keys, /etc/ld.so.preload or a trojaned runc and own the \
     host. Read-only: read /etc/shadow, SSH and TLS keys, cloud credentials and every other \
     container's data under /var/lib/docker; the runtime socket under /run is reachable too.",
    FIX_BIND,
);
pub const ETC: RuleMeta = meta(
    "SW-MNT-003",
    C,
    Some("5.6"),
    "Host /etc mounted",
    "Writable /etc means new users, sudoers entries, cron jobs, systemd units or a changed \
     daemon.json: host root at the next login, tick or restart. Read-only still leaks password \
     hashes, TLS private keys and cluster admin credentials.",
    FIX_BIND,
);
pub const PROC: RuleMeta = meta(
    "SW-MNT-004",
    C,
    Some("5.6"),
    "Host /proc mounted",
    "Writing /proc/sys/kernel/core_pattern as '|/path/payload' makes the host kernel run a \
     program as root on the next crash; /proc/<pid>/root walks into the host filesystem and \
     /proc/<pid>/environ leaks host secrets.",
    FIX_BIND,
);
pub const SYS: RuleMeta = meta(
    "SW-MNT-005",
    C,
    Some("5.6"),
    "Host /sys mounted",
    "Writable /sys exposes /sys/kernel/uevent_helper (the kernel runs it as root on the next \
     device event), cgroup release agents and firmware and device controls. Read-only still \
     leaks hardware and kernel layout.",
    FIX_BIND,
);
pub const CGROUP: RuleMeta = meta(
    "SW-MNT-006",
    H,
    Some("5.6"),
    "Host cgroup filesystem mounted",
    "On cgroup v1 a writable hierarchy allows the release_agent escape (a host command run as \
     root when a cgroup empties). On v2 processes can be moved and host limits lifted.",
    FIX_BIND,
);
pub const DEV: RuleMeta = meta(
    "SW-MNT-007",
    H,
    Some("5.6"),
    "Host /dev mounted",
    "Host device nodes (disks, /dev/mem, /dev/kmsg) become visible; with a permissive device \
     cgroup rule or privileged mode the raw disk can be read and written.",
    "Remove the /dev bind mount; pass single devices with --device (compose: devices).",
);
pub const HOME: RuleMeta = meta(
    "SW-MNT-008",
    C,
    Some("5.6"),
    "Host home directory mounted",
    "Writable home directories let an attacker add ~/.ssh/authorized_keys or poison shell rc \
     files that run at the next admin login. Read-only leaks SSH private keys, registry, \
     kubeconfig and cloud credentials.",
    FIX_BIND,
);
pub const RUNTIME_DATA: RuleMeta = meta(
    "SW-MNT-009",
    C,
    Some("5.6"),
    "Container runtime data directory mounted",
    "/var/lib/docker and /var/lib/containerd hold every container's filesystem, volumes and \
     configuration: writing there flips another container to privileged at its next start; \
     reading there exposes every container's secrets.",
    FIX_BIND,
);
pub const KUBE: RuleMeta = meta(
    "SW-MNT-010",
    C,
    Some("5.6"),
    "Kubernetes node state mounted",
    "Writable static-pod manifests start arbitrary privileged pods; kubelet state holds every \
     pod's service-account tokens and the node's client certificate.",
    FIX_BIND,
);
pub const BOOT: RuleMeta = meta(
    "SW-MNT-011",
    H,
    Some("5.6"),
    "Host /boot mounted",
    "A writable /boot lets an attacker replace the kernel or initramfs or change the kernel \
     command line: persistence from the next boot.",
    FIX_BIND,
);
pub const SYSBIN: RuleMeta = meta(
    "SW-MNT-012",
    C,
    Some("5.6"),
    "Host system binaries or libraries mounted",
    "Writable /usr, /lib, /bin or /sbin (or a runtime binary such as runc) lets an attacker \
     trojan programs and libraries that host root runs next (the CVE-2019-5736 class).",
    FIX_BIND,
);
pub const MODULES: RuleMeta = meta(
    "SW-MNT-013",
    H,
    Some("5.6"),
    "Host kernel modules or sources mounted",
    "Writable modules are loaded by the host later; even read-only headers let a container \
     with SYS_MODULE build a module that matches the running kernel.",
    FIX_BIND,
);
pub const LOGS: RuleMeta = meta(
    "SW-MNT-014",
    M,
    Some("5.6"),
    "Host /var/log mounted",
    "Writable host logs can be erased or forged, hiding an attack; log symlink tricks have been \
     used to read arbitrary host files through log readers.",
    FIX_BIND,
);
pub const TMP: RuleMeta = meta(
    "SW-MNT-015",
    M,
    Some("5.6"),
    "Host /tmp mounted",
    "Host /tmp holds X11, tmux and ssh-agent sockets and predictable temporary files of host \
     processes.",
    FIX_BIND,
);
pub const CREDS: RuleMeta = meta(
    "SW-MNT-016",
    H,
    Some("5.6"),
    "Host credential store mounted",
    "Private keys, cloud-init data and cluster credentials on the host are readable by the \
     container.",
    FIX_BIND,
);
pub const USER_SOCKET: RuleMeta = meta(
    "SW-MNT-017",
    H,
    Some("5.32"),
    "Per-user runtime directory mounted (rootless sockets)",
    "/run/user/<uid> holds the rootless Docker socket and the user's D-Bus: control of every \
     container of that user and code execution as that user.",
    "Remove the mount; talk to a rootless daemon from the host only.",
);
pub const OTHER_BIND: RuleMeta = meta(
    "SW-MNT-018",
    L,
    Some("5.6"),
    "Host directory mounted",
    "A host directory shared with the container: files written there are visible to host \
     processes, and root in the container bypasses their permissions (DAC_OVERRIDE).",
    "Prefer named volumes; mount host directories read-only where possible (:ro; compose: \
     read_only: true).",
);
pub const VOLUME_BIND: RuleMeta = meta(
    "SW-MNT-019",
    M,
    Some("5.6"),
    "Named volume is a host bind mount in disguise",
    "A local volume created with -o type=none -o o=bind -o device=<path> looks like an ordinary \
     volume in docker run and compose, but exposes the host path like a bind mount.",
    "Inspect the volume (docker volume inspect) and replace it with a real volume, or declare \
     the bind mount openly so reviews see it.",
);
pub const PROPAGATION: RuleMeta = meta(
    "SW-MNT-020",
    H,
    Some("5.20"),
    "Mount propagation is shared",
    "With shared propagation, mounts made inside the container appear on the host: a container \
     that can mount places file systems over host paths that host daemons then trust.",
    "Use the default rprivate propagation (drop :shared/:rshared; compose: bind.propagation).",
);

const TABLE: &[Sensitive] = &[
    s("/run/docker.sock", &SOCKET, C, C, Below::Exact, true),
    s(
        "/run/containerd/containerd.sock",
        &SOCKET,
        C,
        C,
        Below::Exact,
        true,
    ),
    s("/run/crio/crio.sock", &SOCKET, C, C, Below::Exact, true),
    s("/run/podman/podman.sock", &SOCKET, C, C, Below::Exact, true),
    s(
        "/run/buildkit/buildkitd.sock",
        &SOCKET,
        C,
        C,
        Below::Exact,
        true,
    ),
    s("/run/containerd", &SOCKET, C, H, Below::Subtree, true),
    s("/run", &SOCKET, C, C, Below::Exact, true),
    s("/run/user", &USER_SOCKET, H, H, Below::Subtree, false),
    s("/", &ROOTFS, C, H, Below::Exact, false),
    s("/etc", &ETC, C, H, Below::Subtree, false),
    s("/etc/kubernetes", &KUBE, C, H, Below::Subtree, false),
    s("/proc", &PROC, C, H, Below::Subtree, false),
    s("/sys", &SYS, C, M, Below::Subtree, false),
    s("/sys/fs/cgroup", &CGROUP, H, M, Below::Subtree, false),
    s("/dev", &DEV, H, M, Below::Subtree, false),
    s("/root", &HOME, C, H, Below::Subtree, false),
    s("/home", &HOME, C, H, Below::HomeDirs, false),
    s(
        "/var/lib/docker",
        &RUNTIME_DATA,
        C,
        H,
        Below::Subtree,
        false,
    ),
    s(
        "/var/lib/containerd",
        &RUNTIME_DATA,
        C,
        H,
        Below::Subtree,
        false,
    ),
    s("/var/lib/kubelet", &KUBE, C, H, Below::Subtree, false),
    s("/boot", &BOOT, H, L, Below::Subtree, false),
    s("/usr", &SYSBIN, C, L, Below::Subtree, false),
    s("/lib", &SYSBIN, C, L, Below::Subtree, false),
    s("/lib64", &SYSBIN, C, L, Below::Subtree, false),
    s("/bin", &SYSBIN, C, L, Below::Subtree, false),
    s("/sbin", &SYSBIN, C, L, Below::Subtree, false),
    s("/lib/modules", &MODULES, H, M, Below::Subtree, false),
    s("/usr/lib/modules", &MODULES, H, M, Below::Subtree, false),
    s("/usr/src", &MODULES, H, M, Below::Subtree, false),
    s("/var/log", &LOGS, M, L, Below::Subtree, false),
    s("/tmp", &TMP, M, L, Below::Subtree, false),
    s("/var/lib/cloud", &CREDS, H, H, Below::Subtree, false),
    s("/etc/ssl/private", &CREDS, H, H, Below::Subtree, false),
    s("/var/lib/rancher", &CREDS, H, H, Below::Subtree, false),
];

const fn s(
    path: &'static str,
    rule: &'static RuleMeta,
    rw: Severity,
    ro: Severity,
    below: Below,
    socket: bool,
) -> Sensitive {
    Sensitive {
        path,
        rule,
        rw,
        ro,
        below,
        socket,
    }
}

/// Files commonly shared read-only for good reasons (time zone, CA bundle, DNS).
const BENIGN_READ_ONLY: &[&str] = &[
    "/etc/localtime",
    "/etc/timezone",
    "/usr/share/zoneinfo",
    "/etc/resolv.conf",
    "/etc/hostname",
    "/etc/hosts",
    "/etc/machine-id",
    "/etc/ssl/certs",
    "/etc/ca-certificates",
    "/etc/pki/ca-trust",
    "/usr/share/ca-certificates",
];

/// Credential directories inside a home directory.
const HOME_SECRETS: &[&str] = &[".ssh", ".docker", ".kube", ".aws", ".gnupg", ".config"];

pub fn metas() -> Vec<RuleMeta> {
    vec![
        SOCKET,
        ROOTFS,
        ETC,
        PROC,
        SYS,
        CGROUP,
        DEV,
        HOME,
        RUNTIME_DATA,
        KUBE,
        BOOT,
        SYSBIN,
        MODULES,
        LOGS,
        TMP,
        CREDS,
        USER_SOCKET,
        OTHER_BIND,
        VOLUME_BIND,
        PROPAGATION,
    ]
}

/// Lexically clean an absolute path and fold the `/var/run` -> `/run` symlink.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if out == "/var/run" || out.starts_with("/var/run/") {
        out = out.replacen("/var/run", "/run", 1);
    }
    out
}

fn is_under(path: &str, dir: &str) -> bool {
    dir == "/" || path == dir || path.starts_with(&format!("{dir}/"))
}

/// Does a mounted `source` expose the sensitive entry? Returns how it matched.
fn matches(source: &str, entry: &Sensitive) -> Option<&'static str> {
    if source == entry.path {
        return Some("is");
    }
    // Mounting an ancestor exposes the entry (binds are recursive).
    if is_under(entry.path, source) {
        return Some("contains");
    }
    if is_under(source, entry.path) {
        let rest = &source[entry.path.len()..].trim_start_matches('/');
        let depth_ok = match entry.below {
            Below::Exact => false,
            Below::Subtree => true,
            Below::HomeDirs => {
                let mut segs = rest.split('/');
                let _user = segs.next();
                match segs.next() {
                    None => true,
                    Some(second) => HOME_SECRETS.contains(&second),
                }
            }
        };
        if depth_ok {
            return Some("is inside");
        }
    }
    None
}

/// Is read-only really recursive here? Docker 25+ on kernel 5.12+ makes `:ro` recursive;
/// before that (or with ro-non-recursive) submounts under the source stay writable.
fn read_only_is_recursive(ctx: &Ctx<'_>, m: &MountFacts) -> bool {
    if m.mode.contains("ro-non-recursive") {
        return false;
    }
    let major = |v: &str| {
        let mut it = v
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        let a: u32 = it.next().and_then(|x| x.parse().ok()).unwrap_or(0);
        let b: u32 = it.next().and_then(|x| x.parse().ok()).unwrap_or(0);
        (a, b)
    };
    let engine = major(&ctx.host.engine.version);
    let kernel = major(&ctx.host.engine.kernel);
    // Unknown versions: assume a current engine.
    (engine.0 == 0 || engine.0 >= 25) && (kernel.0 == 0 || kernel >= (5, 12))
}

fn describe(m: &MountFacts, host_path: &str) -> String {
    let access = if m.rw { "rw" } else { "ro" };
    match (&m.kind, &m.name) {
        (MountKind::Volume, Some(name)) => format!(
            "Mounts[]: volume {name} (local, o=bind, device={host_path}) -> {} ({access})",
            m.destination
        ),
        _ => format!("Mounts[]: {host_path} -> {} ({access})", m.destination),
    }
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let conf = ctx.conf;
    // A container that can mount can also remount a read-only bind read-write.
    let can_remount = ctx.c.privileged || (conf.has_cap("SYS_ADMIN") && conf.lsm_off());
    for m in &ctx.c.mounts {
        let is_prop_shared = m.propagation.contains("shared");
        if is_prop_shared {
            out.push(PROPAGATION.finding(format!(
                "Mounts[]: {} -> {} Propagation = {}",
                m.source, m.destination, m.propagation
            )));
        }

        // A runtime socket named by destination or volume name (e.g. a volume called docker.sock).
        let Some(raw) = m.host_path() else {
            // A socket path as destination of a volume seawall could not look into is
            // probably the host's socket under another name; a known ordinary volume is not.
            let unknown_volume = m.kind == MountKind::Volume && m.backing.is_none();
            let socket_named = names_runtime_socket(&m.destination)
                || m.name.as_deref().is_some_and(|n| n.contains("docker.sock"));
            if unknown_volume && socket_named {
                out.push(
                    SOCKET
                        .finding(format!(
                            "Mounts[]: {} -> {}",
                            m.name.as_deref().unwrap_or(&m.source),
                            m.destination
                        ))
                        .host_root(),
                );
            }
            continue;
        };
        let source = normalize(raw);
        // Mounted where the runtime socket belongs, from a path that is not the socket:
        // the daemon follows symlinks, so `-v /tmp/link:/var/run/docker.sock` with
        // `/tmp/link -> /var/run/docker.sock` is the socket. seawall cannot look at the
        // host's files, so the destination decides.
        let at_socket_place = if names_runtime_socket(&m.destination) {
            Some(
                "mounted at the runtime socket's path (the source is probably that socket \
                 under another name, such as a symlink, or a proxy to it)",
            )
        } else if is_runtime_socket_dir(&m.destination) {
            Some(
                "mounted where the runtime socket's directory belongs (the source is \
                 probably the host's /run under another name, such as a symlink, with \
                 docker.sock in it)",
            )
        } else {
            None
        };
        // Looked up only for those few mounts: a source that is (or holds) a socket is
        // graded as such below.
        if let Some(why) = at_socket_place
            && !TABLE
                .iter()
                .any(|e| e.socket && matches(&source, e).is_some())
        {
            out.push(
                SOCKET
                    .finding(format!("Mounts[]: {raw} -> {}: {why}", m.destination))
                    .host_root(),
            );
        }
        let via_volume = m.kind == MountKind::Volume;
        if via_volume {
            out.push(VOLUME_BIND.finding(format!(
                "volume {} has Options o=bind, device={}",
                m.name.as_deref().unwrap_or("?"),
                raw
            )));
        }

        if !m.rw && BENIGN_READ_ONLY.iter().any(|b| is_under(&source, b)) {
            continue;
        }

        // Every entry this mount touches, with the severity it gets at this access mode.
        let hits: Vec<Hit<'_>> = TABLE
            .iter()
            .enumerate()
            .filter_map(|(index, entry)| {
                let how = matches(&source, entry)?;
                let mut sev = if m.rw { entry.rw } else { entry.ro };
                if entry.path == "/sys/fs/cgroup" && m.rw && ctx.host.cgroup_version == "1" {
                    sev = C;
                }
                Some(Hit {
                    entry,
                    sev,
                    how,
                    index,
                })
            })
            .collect();

        // First what the mount *is*: the sensitive directory the source is (or lies in),
        // graded as that directory, read-only included (reading is exposure). Only when
        // the source is none of them, the worst entry it contains.
        let is_self = |h: &Hit<'_>| h.how != "contains";
        let primary = hits
            .iter()
            .filter(|h| is_self(h))
            .max_by_key(|h| h.rank())
            .or_else(|| hits.iter().max_by_key(|h| h.rank()));
        let Some(primary) = primary else {
            let f = OTHER_BIND
                .finding(describe(m, raw))
                .with_severity(if m.rw { M } else { L });
            out.push(if conf.root_is_host_root {
                f
            } else {
                f.mitigate()
            });
            continue;
        };
        let primary_rule = primary.entry.rule.id;
        out.push(grade(
            ctx,
            m,
            raw,
            &source,
            primary,
            can_remount,
            via_volume,
        ));

        // Then what it opens besides, each as its own finding: a runtime socket inside it
        // (daemon control), and the host's /proc or /sys reached through the recursive
        // bind when they are an escape at this access mode (core_pattern, uevent_helper).
        // Other directories inside it are the same file access as the mount itself.
        let mut opened: Vec<&Hit<'_>> = Vec::new();
        for h in hits.iter().filter(|h| h.how == "contains") {
            let id = h.entry.rule.id;
            let escape = h.entry.socket || (KERNEL_INTERFACES.contains(&id) && h.sev == C);
            if !escape || id == primary_rule {
                continue;
            }
            match opened.iter_mut().find(|o| o.entry.rule.id == id) {
                Some(o) if h.rank() > o.rank() => *o = h,
                Some(_) => {}
                None => opened.push(h),
            }
        }
        for h in opened {
            out.push(grade(ctx, m, raw, &source, h, can_remount, via_volume));
        }
    }
}

/// Is `destination` where a container expects a runtime's API socket (`docker.sock`,
/// `containerd.sock`, `crio.sock`, `podman.sock`)?
fn names_runtime_socket(destination: &str) -> bool {
    let file = destination
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    ["docker.sock", "containerd.sock", "crio.sock", "podman.sock"].contains(&file)
}

/// Is `destination` the directory that holds the runtime sockets (`/run`, `/var/run`)?
fn is_runtime_socket_dir(destination: &str) -> bool {
    matches!(normalize(destination).as_str(), "/run" | "/run/containerd")
}

/// Host kernel interfaces: an escape of their own when a mount of an ancestor exposes them
/// writable.
const KERNEL_INTERFACES: &[&str] = &["SW-MNT-004", "SW-MNT-005"];

/// One table entry a mount matched.
struct Hit<'a> {
    entry: &'a Sensitive,
    sev: Severity,
    how: &'static str,
    index: usize,
}

impl Hit<'_> {
    /// Worst severity first; on a tie, the entry the source *is* beats one it contains,
    /// then the earlier table row (the table lists the worst first).
    fn rank(&self) -> (Severity, bool, usize) {
        (self.sev, self.how == "is", usize::MAX - self.index)
    }
}

/// The finding for one matched entry of one mount.
fn grade(
    ctx: &Ctx<'_>,
    m: &MountFacts,
    raw: &str,
    source: &str,
    hit: &Hit<'_>,
    can_remount: bool,
    via_volume: bool,
) -> Finding {
    let entry = hit.entry;
    let mut sev = hit.sev;
    let how = hit.how;
    let mut evidence = describe(m, raw);
    if how == "contains" && entry.path != source {
        evidence.push_str(&format!(" exposes {}", entry.path));
    }
    if !m.rw && !read_only_is_recursive(ctx, m) && !entry.socket {
        evidence.push_str(
            "; read-only is not recursive on this engine/kernel, so submounts stay writable",
        );
        sev = sev.raised().min(entry.rw);
    }
    if can_remount && sev < H {
        sev = H;
        evidence.push_str("; the container can remount it read-write");
    }

    let mut f = entry.rule.finding(evidence).with_severity(sev);
    if via_volume {
        f = f.with_title(format!("{} (through a named volume)", entry.rule.title));
    }
    let host_root = sev == C && (entry.socket || m.rw || how == "contains");
    if host_root {
        f = f.host_root();
    }
    // User namespaces make host files inaccessible to container root, but a runtime
    // socket still hands out daemon control.
    if !ctx.conf.root_is_host_root && !entry.socket {
        f = f.mitigate();
    }
    f
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::normalize;
    use crate::model::VolumeBacking;
    use crate::risk::{Severity, Weighting};
    use std::collections::HashMap;

    fn bind(source: &str, dest: &str, rw: bool) -> String {
        format!(
            r#"{{"Mounts":[{{"Type":"bind","Source":"{source}","Destination":"{dest}","Mode":"{}","RW":{rw},"Propagation":"rprivate"}}]}}"#,
            if rw { "" } else { "ro" }
        )
    }

    #[test]
    fn normalize_folds_var_run_and_dots() {
        assert_eq!(normalize("/var/run/docker.sock"), "/run/docker.sock");
        assert_eq!(normalize("/etc/../etc//ssh/"), "/etc/ssh");
        assert_eq!(normalize("/"), "/");
    }

    #[test]
    fn docker_socket_is_critical_even_read_only() {
        for rw in [true, false] {
            let f = findings_for(&bind("/var/run/docker.sock", "/var/run/docker.sock", rw));
            let x = find(&f, "SW-MNT-001").expect("socket finding");
            assert_eq!(x.severity, Severity::Critical);
            assert_eq!(x.weighting, Weighting::HostRoot);
            assert_eq!(x.cis.as_deref(), Some("5.32"));
        }
    }

    #[test]
    fn containerd_socket_and_whole_run_are_sockets() {
        let f = findings_for(&bind("/run/containerd/containerd.sock", "/c.sock", false));
        assert_eq!(find(&f, "SW-MNT-001").unwrap().severity, Severity::Critical);
        let f = findings_for(&bind("/var/run", "/host-run", false));
        assert_eq!(find(&f, "SW-MNT-001").unwrap().severity, Severity::Critical);
    }

    #[test]
    fn host_root_is_graded_as_the_root_filesystem_and_for_the_socket_it_holds() {
        // Read-only: the host's / is readable (shadow, keys): CIS 5.6, high; and the
        // socket inside it is its own critical host-root route.
        let f = findings_for(&bind("/", "/host", false));
        let root = find(&f, "SW-MNT-002").expect("rootfs finding");
        assert_eq!(root.severity, Severity::High);
        assert_eq!(root.cis.as_deref(), Some("5.6"));
        let sock = find(&f, "SW-MNT-001").expect("socket finding");
        assert_eq!(sock.severity, Severity::Critical);
        assert_eq!(sock.weighting, Weighting::HostRoot);
        // Read-write: two independent routes.
        let f = findings_for(&bind("/", "/host", true));
        assert_eq!(
            find(&f, "SW-MNT-002").unwrap().weighting,
            Weighting::HostRoot
        );
        assert_eq!(
            find(&f, "SW-MNT-001").unwrap().weighting,
            Weighting::HostRoot
        );
        // A mount that only is a socket is reported once.
        let f = findings_for(&bind("/var/run/docker.sock", "/s", false));
        assert_eq!(f.iter().filter(|x| x.id.starts_with("SW-MNT")).count(), 1);
    }

    #[test]
    fn a_bind_at_the_sockets_path_is_the_socket_whatever_its_source_is_called() {
        // `-v /tmp/link:/var/run/docker.sock` with /tmp/link a symlink to the socket.
        for rw in [false, true] {
            let f = findings_for(&bind("/tmp/link", "/var/run/docker.sock", rw));
            let x = find(&f, "SW-MNT-001").expect("the socket finding");
            assert_eq!(x.severity, Severity::Critical);
            assert_eq!(x.weighting, Weighting::HostRoot);
            assert!(x.evidence.contains("/tmp/link"), "{}", x.evidence);
            assert!(x.evidence.contains("symlink"), "{}", x.evidence);
        }
        let f = findings_for(&bind("/srv/x", "/run/containerd/containerd.sock", false));
        assert!(find(&f, "SW-MNT-001").is_some(), "{:?}", ids(&f));
        // The real socket is reported once, not twice; other destinations are not sockets.
        let f = findings_for(&bind("/var/run/docker.sock", "/var/run/docker.sock", false));
        assert_eq!(f.iter().filter(|x| x.id == "SW-MNT-001").count(), 1);
        let f = findings_for(&bind("/", "/var/run/docker.sock", false));
        assert_eq!(f.iter().filter(|x| x.id == "SW-MNT-001").count(), 1);
        // The socket's directory under another name, mounted where it belongs.
        let f = findings_for(&bind("/tmp/rundir", "/var/run", false));
        let x = find(&f, "SW-MNT-001").expect("the socket's directory");
        assert!(x.evidence.contains("/tmp/rundir"), "{}", x.evidence);
        assert_eq!(x.severity, Severity::Critical);
        let f = findings_for(&bind("/var/run", "/var/run", false));
        assert_eq!(f.iter().filter(|x| x.id == "SW-MNT-001").count(), 1);
        for dest in [
            "/data/docker.sock.bak",
            "/var/run/not-docker.sock/x",
            "/srv",
            "/run/app",
        ] {
            let f = findings_for(&bind("/tmp/link", dest, false));
            assert!(find(&f, "SW-MNT-001").is_none(), "{dest}: {:?}", ids(&f));
        }
    }

    #[test]
    fn host_root_rw_is_critical_and_ro_still_exposes_the_socket() {
        let f = findings_for(&bind("/", "/host", true));
        let x = find(&f, "SW-MNT-002")
            .or_else(|| find(&f, "SW-MNT-001"))
            .unwrap();
        assert_eq!(x.severity, Severity::Critical);
        let f = findings_for(&bind("/", "/host", false));
        // Read-only / still contains /run/docker.sock.
        let x = find(&f, "SW-MNT-001").unwrap();
        assert!(
            x.evidence.contains("exposes /run/docker.sock"),
            "{}",
            x.evidence
        );
    }

    #[test]
    fn etc_rw_is_critical_ro_is_high_and_descendants_count() {
        let f = findings_for(&bind("/etc", "/host-etc", true));
        assert_eq!(find(&f, "SW-MNT-003").unwrap().severity, Severity::Critical);
        let f = findings_for(&bind("/etc", "/host-etc", false));
        assert_eq!(find(&f, "SW-MNT-003").unwrap().severity, Severity::High);
        let f = findings_for(&bind("/etc/shadow", "/shadow", false));
        assert_eq!(find(&f, "SW-MNT-003").unwrap().severity, Severity::High);
    }

    #[test]
    fn benign_read_only_files_are_ignored() {
        let f = findings_for(&bind("/etc/localtime", "/etc/localtime", false));
        assert!(
            ids(&f).iter().all(|id| !id.starts_with("SW-MNT")),
            "{:?}",
            ids(&f)
        );
    }

    #[test]
    fn proc_sys_dev_home_and_docker_data() {
        for (src, id, rw, sev) in [
            ("/proc", "SW-MNT-004", true, Severity::Critical),
            ("/sys", "SW-MNT-005", false, Severity::Medium),
            ("/dev", "SW-MNT-007", true, Severity::High),
            ("/root", "SW-MNT-008", false, Severity::High),
            ("/home/alice", "SW-MNT-008", true, Severity::Critical),
            ("/home/alice/.ssh", "SW-MNT-008", false, Severity::High),
            ("/var/lib/docker", "SW-MNT-009", true, Severity::Critical),
            ("/boot", "SW-MNT-011", true, Severity::High),
            ("/usr/bin/runc", "SW-MNT-012", true, Severity::Critical),
            ("/lib/modules", "SW-MNT-013", false, Severity::Medium),
            ("/var/log", "SW-MNT-014", true, Severity::Medium),
        ] {
            let f = findings_for(&bind(src, "/x", rw));
            let x = find(&f, id).unwrap_or_else(|| panic!("{src}: {:?}", ids(&f)));
            assert_eq!(x.severity, sev, "{src}");
        }
    }

    #[test]
    fn project_directory_under_home_is_just_a_bind() {
        let f = findings_for(&bind("/home/alice/src/app", "/app", true));
        assert!(find(&f, "SW-MNT-008").is_none());
        assert_eq!(find(&f, "SW-MNT-018").unwrap().severity, Severity::Medium);
    }

    #[test]
    fn old_engines_make_read_only_less_safe() {
        let mut host = default_host();
        host.engine.version = "20.10.24".into();
        host.engine.kernel = "5.10.0".into();
        let f = findings_with_host(&bind("/etc", "/host-etc", false), &host);
        let x = find(&f, "SW-MNT-003").unwrap();
        assert_eq!(x.severity, Severity::Critical);
        assert!(x.evidence.contains("not recursive"));
    }

    #[test]
    fn bind_backed_volume_is_a_host_mount() {
        let mut vols = HashMap::new();
        vols.insert(
            "etcvol".to_string(),
            VolumeBacking {
                driver: "local".into(),
                device: Some("/etc".into()),
                fs_type: Some("none".into()),
                is_bind: true,
            },
        );
        let c = container_with_volumes(
            r#"{"Mounts":[{"Type":"volume","Name":"etcvol","Source":"/var/lib/docker/volumes/etcvol/_data","Destination":"/data","Driver":"local","Mode":"z","RW":true,"Propagation":""}]}"#,
            &vols,
        );
        let f = grade(c, &default_host());
        let x = find(&f, "SW-MNT-003").expect("etc via volume");
        assert_eq!(x.severity, Severity::Critical);
        assert!(x.title.contains("named volume"));
        assert!(x.evidence.contains("volume etcvol"));
        assert!(find(&f, "SW-MNT-019").is_some());
    }

    #[test]
    fn ordinary_named_volume_is_fine() {
        let f = findings_for(
            r#"{"Mounts":[{"Type":"volume","Name":"data","Source":"/var/lib/docker/volumes/data/_data","Destination":"/data","Driver":"local","Mode":"z","RW":true,"Propagation":""}]}"#,
        );
        assert!(
            ids(&f).iter().all(|id| !id.starts_with("SW-MNT")),
            "{:?}",
            ids(&f)
        );
    }

    #[test]
    fn shared_propagation_is_flagged() {
        let f = findings_for(
            r#"{"Mounts":[{"Type":"bind","Source":"/srv/data","Destination":"/data","Mode":"rshared","RW":true,"Propagation":"rshared"}]}"#,
        );
        let x = find(&f, "SW-MNT-020").unwrap();
        assert_eq!(x.cis.as_deref(), Some("5.20"));
    }

    #[test]
    fn userns_lowers_file_mounts_but_not_sockets() {
        let mut host = default_host();
        host.security.userns_remap = true;
        let f = findings_with_host(&bind("/etc", "/e", true), &host);
        assert_eq!(find(&f, "SW-MNT-003").unwrap().severity, Severity::High);
        let f = findings_with_host(&bind("/var/run/docker.sock", "/s", true), &host);
        assert_eq!(find(&f, "SW-MNT-001").unwrap().severity, Severity::Critical);
    }
}
