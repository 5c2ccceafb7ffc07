//! The line a compose finding points at: the key that causes it (`privileged: true`, the
//! `cap_add` entry, the volume entry), else the service's own key.

use super::service::{Loc, Locations};
use crate::model::ContainerFacts;
use crate::risk::Finding;

/// The keys that may cause findings of a rule, most specific first.
fn keys_for(id: &str) -> &'static [&'static str] {
    match id {
        "SW-PRIV-001" => &["privileged"],
        "SW-CAP-ALL" => &["cap_add:ALL", "cap_add", "privileged"],
        "SW-CAP-DROPALL" | "SW-CAP-NET_RAW" => &["cap_drop", "cap_add"],
        "SW-NS-001" => &["pid"],
        "SW-NS-002" => &["network_mode"],
        "SW-NS-003" => &["ipc"],
        "SW-NS-004" => &["uts"],
        "SW-NS-005" => &["userns_mode"],
        "SW-NS-006" => &["cgroup"],
        "SW-NS-007" => &["network_mode", "pid", "ipc"],
        "SW-SEC-001" | "SW-SEC-002" | "SW-SEC-003" | "SW-SEC-005" | "SW-SEC-006" => {
            &["security_opt", "privileged"]
        }
        "SW-SEC-004" | "SW-SEC-007" | "SW-SEC-008" => &["security_opt"],
        "SW-NET-001" | "SW-NET-002" | "SW-NET-003" => &["ports"],
        "SW-NET-004" => &["network_mode", "networks"],
        "SW-DEV-001" => &["devices", "privileged"],
        "SW-DEV-002" => &["device_cgroup_rules"],
        "SW-DEV-003" => &["deploy", "gpus"],
        "SW-ENV-001" | "SW-ENV-002" => &["environment", "env_file"],
        "SW-HARD-001" => &["read_only"],
        "SW-HARD-002" => &["sysctls"],
        "SW-HARD-003" => &["runtime"],
        "SW-LIFE-001" => &["restart", "deploy"],
        "SW-LIFE-002" => &["healthcheck"],
        "SW-RES-001" => &["mem_limit", "deploy"],
        "SW-RES-002" => &["cpus", "cpu_shares", "deploy"],
        "SW-RES-003" => &["pids_limit", "deploy"],
        "SW-RES-004" => &["ulimits"],
        "SW-RES-005" => &["cgroup_parent"],
        "SW-RES-006" => &["oom_kill_disable"],
        "SW-USR-001" => &["user"],
        "SW-USR-002" => &["group_add"],
        id if id.starts_with("SW-MNT-") => &["volumes"],
        id if id.starts_with("SW-CAP-") => &["cap_add", "privileged"],
        _ => &[],
    }
}

/// Where finding `f` of a service comes from.
pub fn locate(f: &Finding, c: &ContainerFacts, at: &Locations) -> Loc {
    let id = f.id.as_ref();
    // Shown for context under privileged mode (seccomp off, AppArmor off...): that is the key.
    if c.privileged
        && f.weighting == crate::risk::Weighting::Implied
        && keys_for(id).contains(&"privileged")
        && let Some(loc) = at.get("privileged")
    {
        return loc;
    }
    if let Some(loc) = item_spot(f, c, at) {
        return loc;
    }
    keys_for(id)
        .iter()
        .find_map(|k| at.get(k))
        .or(at.service)
        .unwrap_or(Loc { file: 0, line: 1 })
}

/// The exact item (`cap_add: [SYS_ADMIN]`, a volume entry, a port, a device, a variable).
fn item_spot(f: &Finding, c: &ContainerFacts, at: &Locations) -> Option<Loc> {
    let id = f.id.as_ref();
    let ev = f.evidence.as_str();
    if id.starts_with("SW-MNT-") {
        // Evidence names the mount as `... -> <destination> (...)`.
        return c
            .mounts
            .iter()
            .filter(|m| {
                ev.contains(&format!("-> {} ", m.destination))
                    || ev.ends_with(&format!("-> {}", m.destination))
                    || ev.contains(&format!("-> {})", m.destination))
            })
            .find_map(|m| at.get(&format!("volume:{}", m.destination)))
            .or_else(|| {
                // A named volume is named by its name (`volume <name> has ...`).
                c.mounts
                    .iter()
                    .filter(|m| {
                        m.name
                            .as_deref()
                            .is_some_and(|n| ev.contains(&format!("volume {n} ")))
                    })
                    .find_map(|m| at.get(&format!("volume:{}", m.destination)))
            })
            .or_else(|| {
                at.with_prefix("volume:")
                    .find(|(dest, _)| ev.contains(dest))
                    .map(|(_, l)| l)
            });
    }
    if let Some(cap) = id.strip_prefix("SW-CAP-") {
        if let Some(l) = at.get(&format!("cap_add:{cap}")) {
            return Some(l);
        }
        return at
            .with_prefix("cap_add:")
            .find(|(name, _)| ev.contains(name))
            .map(|(_, l)| l);
    }
    if id.starts_with("SW-NET-00") && id != "SW-NET-004" {
        return at
            .with_prefix("port:")
            .find(|(p, _)| ev.contains(p))
            .map(|(_, l)| l);
    }
    if id == "SW-DEV-001" {
        return at
            .with_prefix("device:")
            .find(|(p, _)| ev.contains(p))
            .map(|(_, l)| l);
    }
    if id.starts_with("SW-ENV-") {
        return at
            .with_prefix("env:")
            .find(|(name, _)| ev.contains(name))
            .map(|(_, l)| l);
    }
    None
}
