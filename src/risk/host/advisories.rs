//! The version table: which runc, containerd, Docker Engine and kernel versions carry a
//! container-relevant CVE. Data only; the matching lives in `cves.rs`.
//!
//! To add or update an advisory, edit a row here: the ranges are half-open
//! (`from <= v < fixed`, see [`Range`]), `gate` names a daemon setting the bug needs, and
//! `meta` is the finding as the console shows it. Sources: the runc CHANGELOG and GHSA
//! records, containerd `releases/*.toml`, the first moby tags containing each fix, and the
//! kernel stable boundaries collected in the project's escape research.

use super::super::{RuleMeta, Scope, Severity};
use super::version::Range;

/// The piece of the stack a version belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    /// The default OCI runtime (`/version Components[<default runtime>]`), when it is runc.
    Runc,
    /// The default OCI runtime when it is crun (Podman's usual runtime:
    /// `/version Components[OCI Runtime (crun)]`).
    Crun,
    /// `/version Components[containerd]`.
    Containerd,
    /// `/version Version` (moby).
    Engine,
    /// `/info KernelVersion` of the daemon host.
    Kernel,
}

/// A daemon setting without which the advisory does not apply to this host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Always,
    /// `/info Plugins.Authorization` is non-empty.
    AuthzPlugins,
    /// The daemon runs rootless.
    Rootless,
    /// Swarm mode is active.
    SwarmActive,
    /// `/info CgroupVersion == "1"`.
    CgroupV1,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Advisory {
    pub cve: &'static str,
    pub component: Component,
    /// Versions carrying the bug; a version in any range matches.
    pub affected: &'static [Range],
    /// The fixed releases, as shown in the evidence.
    pub fixed_in: &'static str,
    pub gate: Gate,
    /// A container-to-host escape: user namespaces (rootless, userns-remap) lower its impact.
    /// False for host-side bugs (local privilege escalation, policy bypass).
    pub escape: bool,
    /// The daemon-level finding. Kernel rows already carry the lowered severity and say
    /// "possibly vulnerable" in the title, since distribution kernels backport fixes.
    pub meta: RuleMeta,
}

#[allow(clippy::too_many_arguments)]
const fn row(
    cve: &'static str,
    component: Component,
    affected: &'static [Range],
    fixed_in: &'static str,
    gate: Gate,
    escape: bool,
    id: &'static str,
    severity: Severity,
    title: &'static str,
    technique: &'static str,
    fix: &'static str,
) -> Advisory {
    let cis = match component {
        Component::Kernel => None,
        _ => Some("1.2.2"),
    };
    Advisory {
        cve,
        component,
        affected,
        fixed_in,
        gate,
        escape,
        meta: RuleMeta {
            id,
            scope: Scope::Host,
            severity,
            title,
            cis,
            technique,
            fix,
        },
    }
}

use Component::{Containerd, Crun, Engine, Kernel, Runc};
use Gate::{Always, AuthzPlugins, CgroupV1, Rootless, SwarmActive};
use Severity::{Critical, High, Low, Medium};

/// Affected range of the November 2025 runc escapes (masked paths, console, LSM labels):
/// everything before 1.2.8, 1.3.0 to 1.3.2, and the 1.4.0 candidates before rc.3.
const RUNC_2025_11: &[Range] = &[
    Range::below("1.2.8"),
    Range::between("1.3.0", "1.3.3"),
    Range::between("1.4.0", "1.4.0-rc.3"),
];

const RUNC_2025_11_FIX: &str = "Upgrade runc to 1.2.8, 1.3.3 or 1.4.0-rc.3 or later (containerd 1.7.29, 2.0.7 and 2.1.5 \
     bundle a fixed runc; Docker packages ship it as containerd.io), then restart dockerd.";

/// Every advisory seawall matches. Ids: `SW-HOST-CVE-<cve>` for the daemon-level finding.
pub const TABLE: &[Advisory] = &[
    // ---------------------------------------------------------------- runc
    row(
        "CVE-2019-5736",
        Runc,
        &[Range::below("1.0.0-rc7")],
        "1.0.0-rc7 (Docker 18.09.2 / 18.06.3 shipped it)",
        Always,
        true,
        "SW-HOST-CVE-2019-5736",
        Critical,
        "runc vulnerable to CVE-2019-5736 (host runc binary overwrite)",
        "When runc starts or execs into a container it briefly exposes its own binary as \
         /proc/self/exe. Root inside a malicious image reopens that file and rewrites the host's \
         runc, so the next docker run or exec executes attacker code as host root.",
        "Upgrade runc to 1.0.0-rc7 or later (any current Docker Engine package does), then \
         restart dockerd. Enabling userns-remap (daemon.json \"userns-remap\": \"default\") takes \
         host root away from container root.",
    ),
    row(
        "CVE-2019-16884",
        Runc,
        &[Range::below("1.0.0-rc9")],
        "1.0.0-rc9",
        Always,
        true,
        "SW-HOST-CVE-2019-16884",
        High,
        "runc vulnerable to CVE-2019-16884 (AppArmor bypass through a /proc mount)",
        "An image that mounts a crafted filesystem over /proc makes runc fail to apply the \
         container's AppArmor profile, so the workload runs without the policy it was given.",
        "Upgrade runc to 1.0.0-rc9 or later and restart dockerd.",
    ),
    row(
        "CVE-2019-19921",
        Runc,
        &[Range::below("1.0.0-rc10")],
        "1.0.0-rc10",
        Always,
        true,
        "SW-HOST-CVE-2019-19921",
        High,
        "runc vulnerable to CVE-2019-19921 (LSM bypass through a volume symlink race)",
        "Two containers sharing a volume race a symlink under /proc while runc sets up mounts; \
         runc then writes security labels to the wrong file and the container starts without \
         its AppArmor/SELinux confinement.",
        "Upgrade runc to 1.0.0-rc10 or later and restart dockerd.",
    ),
    row(
        "CVE-2021-30465",
        Runc,
        &[Range::below("1.0.0-rc95")],
        "1.0.0-rc95 (containerd 1.4.6 / 1.5.2 bundle it)",
        Always,
        true,
        "SW-HOST-CVE-2021-30465",
        High,
        "runc vulnerable to CVE-2021-30465 (mount destination symlink exchange)",
        "A container with several volumes swaps a mount destination for a symlink while runc \
         is mounting, so a host directory of the attacker's choosing ends up inside the \
         container.",
        "Upgrade runc to 1.0.0-rc95 or later and restart dockerd.",
    ),
    row(
        "CVE-2022-29162",
        Runc,
        &[Range::below("1.1.2")],
        "1.1.2",
        Always,
        false,
        "SW-HOST-CVE-2022-29162",
        Low,
        "runc vulnerable to CVE-2022-29162 (non-empty inheritable capabilities on exec)",
        "Processes started with runc exec kept inheritable capabilities, which a setuid or \
         file-capability binary in the image could turn into extra privileges inside the \
         container.",
        "Upgrade runc to 1.1.2 or later.",
    ),
    row(
        "CVE-2023-27561",
        Runc,
        &[Range::between("1.0.0-rc95", "1.1.5")],
        "1.1.5",
        Always,
        true,
        "SW-HOST-CVE-2023-27561",
        High,
        "runc vulnerable to CVE-2023-27561 / CVE-2023-28642 (/proc symlink regression)",
        "A regression brought back the CVE-2019-19921 trick: a malicious image that turns \
         /proc into a symlink makes runc apply labels and mounts to the wrong place, dropping \
         the container's LSM confinement.",
        "Upgrade runc to 1.1.5 or later and restart dockerd.",
    ),
    row(
        "CVE-2023-25809",
        Runc,
        &[Range::below("1.1.5")],
        "1.1.5",
        Rootless,
        false,
        "SW-HOST-CVE-2023-25809",
        Low,
        "runc vulnerable to CVE-2023-25809 (rootless cgroup tree writable)",
        "In rootless mode with the host cgroup namespace, the container could write to the \
         user's own cgroup hierarchy under /sys/fs/cgroup/user.slice, escaping its resource \
         limits.",
        "Upgrade runc to 1.1.5 or later; meanwhile keep containers on a private cgroup \
         namespace (--cgroupns=private, compose `cgroup: private`).",
    ),
    row(
        "CVE-2024-21626",
        Runc,
        &[Range::between("1.0.0-rc93", "1.1.12")],
        "1.1.12 (containerd 1.6.28 / 1.7.13 bundle it)",
        Always,
        true,
        "SW-HOST-CVE-2024-21626",
        Critical,
        "runc vulnerable to CVE-2024-21626 (Leaky Vessels: leaked fd to the host filesystem)",
        "runc leaked an open directory handle on the host cgroup filesystem into the new \
         container. An image whose WORKDIR is /proc/self/fd/<n>, or a docker exec -w pointing \
         there, starts with its working directory on the host, from which the whole host \
         filesystem (and the runc binary) is reachable.",
        "Upgrade runc to 1.1.12 or later (Docker packages: containerd.io 1.6.28 / 1.7.13 or \
         later) and restart dockerd. Until then run only trusted images and never pass a \
         custom -w to docker exec.",
    ),
    row(
        "CVE-2024-45310",
        Runc,
        &[
            Range::below("1.1.14"),
            Range::between("1.2.0", "1.2.0-rc.3"),
        ],
        "1.1.14 / 1.2.0-rc.3",
        Always,
        false,
        "SW-HOST-CVE-2024-45310",
        Low,
        "runc vulnerable to CVE-2024-45310 (empty files created on the host)",
        "A container whose configuration the attacker controls (for example through shared \
         volumes) can make runc create empty files or directories at host paths outside the \
         container.",
        "Upgrade runc to 1.1.14 or later.",
    ),
    row(
        "CVE-2025-31133",
        Runc,
        RUNC_2025_11,
        "1.2.8, 1.3.3, 1.4.0-rc.3",
        Always,
        true,
        "SW-HOST-CVE-2025-31133",
        Critical,
        "runc vulnerable to CVE-2025-31133 (masked path replaced by a symlink)",
        "runc hides sensitive procfs files by bind-mounting /dev/null over them. An image that \
         turns its /dev/null into a symlink makes runc mount the real target read-write \
         instead, e.g. /proc/sys/kernel/core_pattern or /proc/sysrq-trigger, which hands the \
         container a way to run code on the host.",
        RUNC_2025_11_FIX,
    ),
    row(
        "CVE-2025-52565",
        Runc,
        &[
            Range::between("1.0.0-rc3", "1.2.8"),
            Range::between("1.3.0", "1.3.3"),
            Range::between("1.4.0", "1.4.0-rc.3"),
        ],
        "1.2.8, 1.3.3, 1.4.0-rc.3",
        Always,
        true,
        "SW-HOST-CVE-2025-52565",
        High,
        "runc vulnerable to CVE-2025-52565 (/dev/console bind-mount redirection)",
        "For containers with a terminal runc bind-mounts the pty onto /dev/console. A malicious \
         image redirects that mount onto a procfs file, gaining write access to host kernel \
         settings in the same way as CVE-2025-31133.",
        RUNC_2025_11_FIX,
    ),
    row(
        "CVE-2025-52881",
        Runc,
        RUNC_2025_11,
        "1.2.8, 1.3.3, 1.4.0-rc.3 (regression fixes in 1.2.9 / 1.3.4 / 1.4.0)",
        Always,
        true,
        "SW-HOST-CVE-2025-52881",
        High,
        "runc vulnerable to CVE-2025-52881 (procfs writes redirected, LSM labels skipped)",
        "A malicious image makes runc's writes to procfs land on decoy files, so the AppArmor \
         or SELinux label is never applied and other runc writes can be steered; chained with \
         the other November 2025 bugs it becomes a host escape.",
        RUNC_2025_11_FIX,
    ),
    row(
        "CVE-2026-41579",
        Runc,
        &[
            Range::below("1.3.6"),
            Range::between("1.4.0", "1.4.3"),
            Range::between("1.5.0", "1.5.0-rc.3"),
        ],
        "1.3.6, 1.4.3, 1.5.0-rc.3",
        Always,
        false,
        "SW-HOST-CVE-2026-41579",
        Low,
        "runc vulnerable to CVE-2026-41579 (/dev symlink, limited host writes)",
        "An image shipping /dev as a symlink gets a narrow write primitive on the host \
         filesystem; runc's maintainers judged it too limited for a practical escape.",
        "Upgrade runc to 1.3.6, 1.4.3 or 1.5.0 or later (containerd 2.1.9 bundles 1.3.6).",
    ),
    // ---------------------------------------------------------------- containerd
    row(
        "CVE-2020-15257",
        Containerd,
        &[Range::below("1.3.9"), Range::between("1.4.0", "1.4.3")],
        "1.3.9, 1.4.3",
        Always,
        true,
        "SW-HOST-CVE-2020-15257",
        High,
        "containerd vulnerable to CVE-2020-15257 (shim API on abstract sockets)",
        "containerd-shim listened on abstract Unix sockets, which are tied to the network \
         namespace rather than the filesystem. Root in any container sharing the host network \
         namespace connects to the shim and starts a new container with host privileges.",
        "Upgrade containerd to 1.3.9 / 1.4.3 or later (Docker packages: containerd.io) and \
         restart the containers afterwards so they get new shims. Avoid --network host for \
         root containers.",
    ),
    row(
        "CVE-2021-32760",
        Containerd,
        &[Range::below("1.4.8"), Range::between("1.5.0", "1.5.4")],
        "1.4.8, 1.5.4",
        Always,
        false,
        "SW-HOST-CVE-2021-32760",
        Medium,
        "containerd vulnerable to CVE-2021-32760 (chmod of host files during image pull)",
        "Unpacking a crafted image archive could change permissions of files outside the \
         unpack directory on the host.",
        "Upgrade containerd to 1.4.8 / 1.5.4 or later; pull only from trusted registries.",
    ),
    row(
        "CVE-2021-41103",
        Containerd,
        &[Range::below("1.4.11"), Range::between("1.5.0", "1.5.7")],
        "1.4.11, 1.5.7",
        Always,
        false,
        "SW-HOST-CVE-2021-41103",
        High,
        "containerd vulnerable to CVE-2021-41103 (container roots traversable by host users)",
        "containerd's state directories were too permissive, so an unprivileged user on the \
         host could walk into a container's root filesystem and run its setuid binaries to \
         become root on the host.",
        "Upgrade containerd to 1.4.11 / 1.5.7 or later.",
    ),
    row(
        "CVE-2022-24769",
        Containerd,
        &[Range::below("1.5.11"), Range::between("1.6.0", "1.6.2")],
        "1.5.11, 1.6.2",
        Always,
        false,
        "SW-HOST-CVE-2022-24769",
        Low,
        "containerd vulnerable to CVE-2022-24769 (inheritable capabilities by default)",
        "Containers started with a non-empty inheritable capability set, letting file \
         capabilities in the image raise a process's privileges inside the container.",
        "Upgrade containerd to 1.5.11 / 1.6.2 or later.",
    ),
    row(
        "CVE-2023-25173",
        Containerd,
        &[Range::below("1.5.18"), Range::between("1.6.0", "1.6.18")],
        "1.5.18, 1.6.18",
        Always,
        false,
        "SW-HOST-CVE-2023-25173",
        Medium,
        "containerd vulnerable to CVE-2023-25173 (supplementary groups not applied)",
        "The image's supplementary groups were not set up for the container process, so a \
         restriction based on group membership (a group denied access to a file) could be \
         sidestepped.",
        "Upgrade containerd to 1.5.18 / 1.6.18 or later.",
    ),
    row(
        "CVE-2024-40635",
        Containerd,
        &[
            Range::below("1.6.38"),
            Range::between("1.7.0", "1.7.27"),
            Range::between("2.0.0", "2.0.4"),
        ],
        "1.6.38, 1.7.27, 2.0.4",
        Always,
        false,
        "SW-HOST-CVE-2024-40635",
        Medium,
        "containerd vulnerable to CVE-2024-40635 (huge UID wraps around to root)",
        "A User value beyond the 32-bit range overflowed, so a container meant to run as an \
         unprivileged uid started as root.",
        "Upgrade containerd to 1.6.38 / 1.7.27 / 2.0.4 or later; validate Config.User in \
         images you accept.",
    ),
    row(
        "CVE-2024-25621",
        Containerd,
        &[
            Range::below("1.7.29"),
            Range::between("2.0.0", "2.0.7"),
            Range::between("2.1.0", "2.1.5"),
        ],
        "1.7.29, 2.0.7, 2.1.5",
        Always,
        false,
        "SW-HOST-CVE-2024-25621",
        High,
        "containerd vulnerable to CVE-2024-25621 (state directories too open)",
        "/var/lib/containerd and the sandbox directories were created world-traversable, \
         letting local host users reach container contents and escalate their privileges on \
         the host.",
        "Upgrade containerd to 1.7.29, 2.0.7 or 2.1.5 or later (these also bundle a fixed runc).",
    ),
    row(
        "CVE-2025-47290",
        Containerd,
        &[Range::between("2.1.0", "2.1.1")],
        "2.1.1",
        Always,
        false,
        "SW-HOST-CVE-2025-47290",
        High,
        "containerd vulnerable to CVE-2025-47290 (unpack race writes host files)",
        "A time-of-check/time-of-use race while unpacking layers lets a crafted image write \
         outside the snapshot directory on the host when it is pulled.",
        "Upgrade containerd to 2.1.1 or later; pull only trusted images meanwhile.",
    ),
    // ---------------------------------------------------------------- crun
    // Only crun advisories whose affected range and fix release are certain are listed:
    // CVE-2022-27650 (fixed in crun 1.4.4, the crun counterpart of runc's CVE-2022-29162).
    row(
        "CVE-2022-27650",
        Crun,
        &[Range::below("1.4.4")],
        "1.4.4",
        Always,
        false,
        "SW-HOST-CVE-2022-27650",
        Low,
        "crun vulnerable to CVE-2022-27650 (containers start with inheritable capabilities)",
        "crun started container processes with non-empty inheritable capabilities, so a \
         binary in the image with inheritable file capabilities gains them as permitted \
         capabilities on execve, beyond what the container was given.",
        "Upgrade crun to 1.4.4 or later (Debian 12 ships 1.8.1).",
    ),
    // ---------------------------------------------------------------- Docker Engine
    row(
        "CVE-2019-14271",
        Engine,
        &[Range::between("19.03.0", "19.03.1")],
        "19.03.1",
        Always,
        true,
        "SW-HOST-CVE-2019-14271",
        Critical,
        "Docker Engine vulnerable to CVE-2019-14271 (docker cp loads container libraries)",
        "The docker cp helper ran as host root inside the container's filesystem and loaded \
         the container's own libnss libraries, so a malicious image gets code execution on the \
         host the moment someone copies a file out of it.",
        "Upgrade Docker Engine to 19.03.1 or later; do not docker cp from untrusted containers.",
    ),
    row(
        "CVE-2021-41091",
        Engine,
        &[Range::below("20.10.9")],
        "20.10.9",
        Always,
        false,
        "SW-HOST-CVE-2021-41091",
        Medium,
        "Docker Engine vulnerable to CVE-2021-41091 (/var/lib/docker traversable)",
        "Subdirectories of the data root were world-traversable, so unprivileged host users \
         could run setuid binaries inside container filesystems and become root on the host.",
        "Upgrade Docker Engine to 20.10.9 or later (it tightens data-root permissions to 0710).",
    ),
    row(
        "CVE-2021-41089",
        Engine,
        &[Range::below("20.10.9")],
        "20.10.9",
        Always,
        true,
        "SW-HOST-CVE-2021-41089",
        Medium,
        "Docker Engine vulnerable to CVE-2021-41089 (docker cp changes host permissions)",
        "Copying files into a crafted container made the daemon change permissions of host \
         files outside the container.",
        "Upgrade Docker Engine to 20.10.9 or later; avoid docker cp into untrusted containers.",
    ),
    row(
        "CVE-2022-36109",
        Engine,
        &[Range::below("20.10.18")],
        "20.10.18",
        Always,
        false,
        "SW-HOST-CVE-2022-36109",
        Medium,
        "Docker Engine vulnerable to CVE-2022-36109 (supplementary groups bypass)",
        "An image's group configuration could leave the process without the supplementary \
         group restrictions the operator expected, bypassing group-based file permissions.",
        "Upgrade Docker Engine to 20.10.18 or later.",
    ),
    row(
        "CVE-2023-28840",
        Engine,
        &[Range::below("20.10.24"), Range::between("23.0.0", "23.0.3")],
        "20.10.24, 23.0.3",
        SwarmActive,
        false,
        "SW-HOST-CVE-2023-28840",
        Medium,
        "Docker Engine vulnerable to CVE-2023-28840/28841/28842 (encrypted overlay not enforced)",
        "On swarm overlay networks created with the encrypted option, crafted traffic could be \
         injected and some traffic left the host unencrypted.",
        "Upgrade Docker Engine to 20.10.24 / 23.0.3 or later.",
    ),
    row(
        "CVE-2024-24557",
        Engine,
        &[
            Range::below("23.0.10"),
            Range::between("24.0.0", "24.0.9"),
            Range::between("25.0.0", "25.0.2"),
        ],
        "23.0.10, 24.0.9, 25.0.2",
        Always,
        false,
        "SW-HOST-CVE-2024-24557",
        Medium,
        "Docker Engine vulnerable to CVE-2024-24557 (classic builder cache poisoning)",
        "The classic builder could reuse a cached layer from an unrelated image, so a build on \
         this host may silently include attacker-supplied content.",
        "Upgrade Docker Engine to 23.0.10 / 24.0.9 / 25.0.2 or later, or build with BuildKit \
         (DOCKER_BUILDKIT=1) and --no-cache for untrusted bases.",
    ),
    row(
        "CVE-2024-41110",
        Engine,
        &[
            Range::between("19.03.0", "23.0.15"),
            Range::between("24.0.0", "25.0.6"),
            Range::between("26.0.0", "26.1.5"),
            Range::between("27.0.0", "27.1.1"),
        ],
        "23.0.15, 25.0.6, 26.1.5, 27.1.1 (the 20.10 and 24.0 lines never got the fix)",
        AuthzPlugins,
        false,
        "SW-HOST-CVE-2024-41110",
        Critical,
        "Docker Engine vulnerable to CVE-2024-41110 (authorization plugin bypass)",
        "A request sent with Content-Length 0 reached the authorization plugin without its \
         body, so the plugin approved an API call it would have refused, such as creating a \
         privileged container. The configured AuthZ policy is therefore not a boundary.",
        "Upgrade Docker Engine to 23.0.15, 25.0.6, 26.1.5, 27.1.1 or later. Until then restrict \
         who can reach the API at all (socket permissions, no TCP listener).",
    ),
    row(
        "CVE-2026-42306",
        Engine,
        &[Range::below("25.0.17"), Range::between("26.0.0", "29.5.1")],
        "29.5.1, 25.0.17",
        Always,
        true,
        "SW-HOST-CVE-2026-42306",
        Critical,
        "Docker Engine vulnerable to the 2026 docker cp escapes (CVE-2026-42306, \
         GHSA-x86f-5xw2-fm2r, GHSA-vp62-88p7-qqf5)",
        "Copying files into or out of a malicious container lets it redirect the copy: the \
         daemon ran the container's own decompressor as host root, and symlink swaps during \
         the copy or while creating mount points send writes to host paths.",
        "Upgrade Docker Engine to 29.5.1 or 25.0.17 or later; until then never docker cp to or \
         from containers running untrusted images.",
    ),
    // ---------------------------------------------------------------- kernel
    row(
        "CVE-2022-0847",
        Kernel,
        &[
            Range::between("5.8", "5.10.102"),
            Range::between("5.11", "5.15.25"),
            Range::between("5.16", "5.16.11"),
        ],
        "5.10.102, 5.15.25, 5.16.11 (and distribution backports)",
        Always,
        false,
        "SW-HOST-CVE-2022-0847",
        High,
        "Kernel possibly vulnerable to CVE-2022-0847 (Dirty Pipe)",
        "Any process, with no capability at all, can overwrite the page cache of files it may \
         only read: shared image layers seen by other containers, or the runc binary, which \
         turns into host root. Seccomp and AppArmor defaults do not stop it.",
        "Update the host kernel to 5.10.102 / 5.15.25 / 5.16.11 or later, or to your \
         distribution's patched package, and reboot.",
    ),
    row(
        "CVE-2016-5195",
        Kernel,
        &[
            Range::between("2.6.22", "4.4.26"),
            Range::between("4.5", "4.7.9"),
            Range::between("4.8", "4.8.3"),
        ],
        "4.4.26, 4.7.9, 4.8.3 (and distribution backports)",
        Always,
        false,
        "SW-HOST-CVE-2016-5195",
        High,
        "Kernel possibly vulnerable to CVE-2016-5195 (Dirty COW)",
        "A copy-on-write race lets an unprivileged process write to read-only memory mappings; \
         public exploits patch the vDSO shared with the host and escape the container.",
        "Update the host kernel (4.4.26 / 4.7.9 / 4.8.3 or later, or your distribution's \
         patched package) and reboot.",
    ),
    row(
        "CVE-2020-14386",
        Kernel,
        &[Range::between("4.6", "5.9")],
        "5.9 (and stable/distribution backports)",
        Always,
        false,
        "SW-HOST-CVE-2020-14386",
        Medium,
        "Kernel possibly vulnerable to CVE-2020-14386 (AF_PACKET memory corruption)",
        "A bug in packet sockets gives kernel memory corruption to any process holding \
         CAP_NET_RAW, which Docker grants by default, so an ordinary container can reach \
         kernel code execution.",
        "Update the host kernel and reboot; meanwhile drop NET_RAW from containers that do not \
         need raw sockets (--cap-drop NET_RAW, compose cap_drop).",
    ),
    row(
        "CVE-2022-0492",
        Kernel,
        &[Range::below("5.17")],
        "5.17 (backported to stable and distribution kernels in February 2022)",
        CgroupV1,
        false,
        "SW-HOST-CVE-2022-0492",
        Medium,
        "Kernel possibly vulnerable to CVE-2022-0492 (cgroup v1 release_agent without \
         capability check)",
        "Writing a cgroup v1 release_agent did not require a capability in the initial user \
         namespace. A container that can mount cgroupfs (seccomp off or CAP_SYS_ADMIN, and no \
         AppArmor/SELinux) points release_agent at its own script, which the kernel then runs \
         as host root.",
        "Update the host kernel and reboot, or move the host to cgroup v2 \
         (systemd.unified_cgroup_hierarchy=1). Keep the default seccomp and AppArmor profiles \
         on every container.",
    ),
];

/// Look a row up by CVE id.
pub fn get(cve: &str) -> Option<&'static Advisory> {
    TABLE.iter().find(|a| a.cve == cve)
}
