//! Volumes that are host binds in disguise (E13) and named volumes mounted with shared
//! propagation (E14).
//!
//! `risk::rules::mounts` keeps its sensitive-path table private, so the host path is graded
//! here by a small lookup that follows the same table (read-write grades: whether the
//! volume is mounted read-only is only known when a container uses it).

use super::meta::AlertMeta;
use super::{Alert, ContainerRef};
use crate::model::DockerEvent;
use crate::risk::Severity;
use chrono::{DateTime, Utc};

use Severity::{Critical as C, High as H, Low as L, Medium as M};

pub const BIND_VOLUME: AlertMeta = AlertMeta::new(
    "SW-ACT-VOL-001",
    L,
    "Volume created as a host bind mount",
    "T1611",
    "Escape to Host",
    "A local volume with o=bind and device=<host path> looks like an ordinary volume in \
     docker run and compose, but gives every container that mounts it the host path: the \
     bind-mount checks of reviews and policies are bypassed.",
    "Inspect the volume (docker volume inspect) and see which containers mount it; remove it \
     if the host path is not meant to be shared.",
    0,
);
pub const SHARED_PROPAGATION: AlertMeta = AlertMeta::new(
    "SW-ACT-VOL-002",
    H,
    "Volume mounted with shared propagation",
    "T1611",
    "Escape to Host",
    "With shared propagation, mounts made inside the container appear on the host (CIS 5.20).",
    "Use the default rprivate propagation for the mount.",
    0,
);

/// The volume rules.
pub fn metas() -> Vec<AlertMeta> {
    vec![BIND_VOLUME, SHARED_PROPAGATION]
}

/// Sensitive host paths: (path, severity, what, the whole subtree counts).
const SENSITIVE: &[(&str, Severity, &str, bool)] = &[
    ("/", C, "the host's root file system", false),
    ("/run", C, "runtime sockets under /run", false),
    ("/run/docker.sock", C, "the Docker socket", false),
    ("/run/containerd", C, "containerd's socket", true),
    ("/run/crio", C, "CRI-O's socket", true),
    ("/run/podman", C, "Podman's socket", true),
    (
        "/run/user",
        H,
        "per-user runtime directories (rootless sockets)",
        true,
    ),
    ("/etc", C, "host /etc", true),
    ("/proc", C, "host /proc", true),
    ("/sys", C, "host /sys", true),
    ("/sys/fs/cgroup", H, "the host cgroup file system", true),
    ("/dev", H, "host devices", true),
    ("/root", C, "root's home directory", true),
    ("/home", C, "home directories", true),
    ("/var/lib/docker", C, "Docker's data directory", true),
    (
        "/var/lib/containerd",
        C,
        "containerd's data directory",
        true,
    ),
    ("/var/lib/kubelet", C, "kubelet state", true),
    ("/boot", H, "host /boot", true),
    ("/usr", C, "host system binaries", true),
    ("/lib", C, "host system libraries", true),
    ("/lib64", C, "host system libraries", true),
    ("/bin", C, "host system binaries", true),
    ("/sbin", C, "host system binaries", true),
    ("/var/log", M, "host logs", true),
    ("/tmp", M, "host /tmp", true),
    ("/var/lib/cloud", H, "cloud-init data", true),
];

/// Lexically clean an absolute path and fold `/var/run` into `/run`.
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
    let out = format!("/{}", parts.join("/"));
    if out == "/var/run" || out.starts_with("/var/run/") {
        out.replacen("/var/run", "/run", 1)
    } else {
        out
    }
}

fn is_under(path: &str, dir: &str) -> bool {
    dir == "/" || path == dir || path.starts_with(&format!("{dir}/"))
}

/// Grade a host path exposed to containers: the worst sensitive entry it is, contains (an
/// ancestor exposes everything below it) or lies inside. `(Low, "a host directory")` when
/// nothing matches.
pub fn grade_host_path(path: &str) -> (Severity, &'static str) {
    let p = normalize(path);
    let mut best = (L, "a host directory");
    for (entry, sev, what, subtree) in SENSITIVE {
        let hit = p == *entry || is_under(entry, &p) || (*subtree && is_under(&p, entry));
        if hit && *sev > best.0 {
            best = (*sev, what);
        }
    }
    best
}

/// The alert for a volume created as a bind of `device`.
pub fn bind_alert(name: &str, device: &str, time: DateTime<Utc>) -> Alert {
    let (severity, what) = grade_host_path(device);
    BIND_VOLUME
        .alert(
            time,
            None,
            format!("volume {name} is a bind of {device} ({what})"),
        )
        .with_severity(severity)
}

/// A volume `mount` event with shared propagation.
pub fn mount_alert(
    ev: &DockerEvent,
    cref: Option<ContainerRef>,
    time: DateTime<Utc>,
) -> Option<Alert> {
    if ev.action != "mount" {
        return None;
    }
    let propagation = ev.attr("propagation").unwrap_or("");
    if propagation != "shared" && propagation != "rshared" {
        return None;
    }
    let dest = ev.attr("destination").unwrap_or("?");
    Some(SHARED_PROPAGATION.alert(
        time,
        cref,
        format!(
            "volume {} mounted at {dest} with propagation {propagation}",
            ev.actor_id
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::test_support::event;
    use crate::model::EventKind;

    #[test]
    fn bind_volumes_are_graded_by_host_path() {
        let cases = [
            ("/", C),
            ("/etc", C),
            ("/etc/ssl/../nginx", C),
            ("/var/run/docker.sock", C),
            ("/var", C),
            ("/var/lib/docker/volumes", C),
            ("/home/ops", C),
            ("/sys/fs/cgroup", C),
            ("/dev", H),
            ("/var/log/nginx", M),
            ("/tmp/share", M),
            ("/srv/data", L),
            ("/opt/app", L),
        ];
        for (path, want) in cases {
            let a = bind_alert("v1", path, DateTime::UNIX_EPOCH);
            assert_eq!(
                (a.rule.as_str(), a.severity),
                ("SW-ACT-VOL-001", want),
                "{path}"
            );
        }
        let a = bind_alert("data", "/etc", DateTime::UNIX_EPOCH);
        assert_eq!(a.detail, "volume data is a bind of /etc (host /etc)");
    }

    #[test]
    fn shared_propagation_mounts_are_alerts() {
        for (prop, want) in [
            ("rshared", true),
            ("shared", true),
            ("rprivate", false),
            ("", false),
        ] {
            let ev = event(
                EventKind::Volume,
                "mount",
                "v1",
                &[
                    ("container", "c1"),
                    ("destination", "/data"),
                    ("propagation", prop),
                ],
            );
            assert_eq!(
                mount_alert(&ev, None, DateTime::UNIX_EPOCH).is_some(),
                want,
                "{prop}"
            );
        }
    }
}
