//! CIS 5.18: host devices, device cgroup rules and device requests (GPUs).

use super::super::{Ctx, Finding, RuleMeta, Scope, Severity};

pub const DEVICE: RuleMeta = RuleMeta {
    id: "SW-DEV-001",
    scope: Scope::Container,
    severity: Severity::Medium,
    title: "Host device passed through",
    cis: Some("5.18"),
    technique: "A host device node inside the container bypasses the device cgroup for that \
                device: a block device gives the raw host disk (mount it, edit /etc/shadow), \
                /dev/mem and /dev/kmem give physical memory, /dev/kvm and /dev/fuse widen the \
                kernel attack surface.",
    fix: "Remove --device (compose: devices) or pass the narrowest device with read-only \
          permissions (--device /dev/x:/dev/x:r).",
};
pub const CGROUP_RULE: RuleMeta = RuleMeta {
    id: "SW-DEV-002",
    scope: Scope::Container,
    severity: Severity::High,
    title: "Permissive device cgroup rule",
    cis: Some("5.18"),
    technique: "A device cgroup rule such as 'b *:* rwm' lets the container mknod and open any \
                matching host device (MKNOD is a default capability): the host disk is one \
                mknod away.",
    fix: "Remove --device-cgroup-rule (compose: device_cgroup_rules) or restrict it to one \
          major:minor pair.",
};
pub const GPU: RuleMeta = RuleMeta {
    id: "SW-DEV-003",
    scope: Scope::Container,
    severity: Severity::Low,
    title: "GPU or other device request",
    cis: Some("5.18"),
    technique: "Device requests inject vendor device nodes and driver libraries from the host; \
                GPU drivers are a large kernel attack surface and have had container escapes \
                (e.g. in the NVIDIA container toolkit).",
    fix: "Keep GPU access to workloads that need it and keep the host driver and toolkit \
          patched (--gpus; compose: deploy.resources.reservations.devices).",
};

pub const META: &[RuleMeta] = &[DEVICE, CGROUP_RULE, GPU];

/// How dangerous a device node is.
fn device_severity(path: &str) -> Severity {
    let name = path.trim_start_matches("/dev/");
    let block = [
        "sd", "hd", "vd", "xvd", "nvme", "mmcblk", "loop", "dm-", "md", "sr",
    ];
    if matches!(name, "mem" | "kmem" | "port") || block.iter().any(|b| name.starts_with(b)) {
        Severity::Critical
    } else if matches!(name, "kvm" | "fuse" | "net/tun" | "vhost-net" | "kmsg")
        || name.starts_with("bus/")
    {
        Severity::Medium
    } else {
        Severity::Low
    }
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let c = ctx.c;
    for d in &c.devices {
        let sev = device_severity(&d.host_path);
        let mut f = DEVICE
            .finding(format!(
                "HostConfig.Devices: {} -> {} ({})",
                d.host_path, d.container_path, d.permissions
            ))
            .with_severity(sev);
        if sev == Severity::Critical {
            f = f.with_title(format!(
                "Host disk or memory device {} passed through",
                d.host_path
            ));
            if d.permissions.contains('w') || d.permissions.is_empty() {
                f = f.host_root();
            }
        }
        out.push(if ctx.conf.root_is_host_root {
            f
        } else {
            f.mitigate()
        });
    }
    for rule in &c.device_cgroup_rules {
        let mut parts = rule.split_whitespace();
        let kind = parts.next().unwrap_or("");
        let numbers = parts.next().unwrap_or("");
        let wildcard = numbers.starts_with('*') || numbers.ends_with('*');
        let sev = match (kind, wildcard) {
            ("a" | "b", true) => Severity::Critical,
            (_, true) => Severity::High,
            _ => Severity::Medium,
        };
        let mut f = CGROUP_RULE
            .finding(format!("HostConfig.DeviceCgroupRules contains '{rule}'"))
            .with_severity(sev);
        if sev == Severity::Critical && ctx.conf.has_cap("MKNOD") {
            f = f.host_root();
        }
        out.push(if ctx.conf.root_is_host_root {
            f
        } else {
            f.mitigate()
        });
    }
    if !c.device_requests.is_empty() {
        out.push(GPU.finding(format!(
            "HostConfig.DeviceRequests drivers: {}",
            c.device_requests.join(", ")
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::risk::Severity;

    #[test]
    fn block_device_is_critical_and_tun_is_medium() {
        let f = findings_for(
            r#"{"HostConfig":{"Devices":[{"PathOnHost":"/dev/sda","PathInContainer":"/dev/sda","CgroupPermissions":"rwm"}]}}"#,
        );
        let x = find(&f, "SW-DEV-001").unwrap();
        assert_eq!(x.severity, Severity::Critical);
        assert_eq!(x.cis.as_deref(), Some("5.18"));
        let f = findings_for(
            r#"{"HostConfig":{"Devices":[{"PathOnHost":"/dev/net/tun","PathInContainer":"/dev/net/tun","CgroupPermissions":"rwm"}]}}"#,
        );
        assert_eq!(find(&f, "SW-DEV-001").unwrap().severity, Severity::Medium);
    }

    #[test]
    fn wildcard_block_rule_is_critical() {
        let f = findings_for(r#"{"HostConfig":{"DeviceCgroupRules":["b *:* rwm"]}}"#);
        assert_eq!(find(&f, "SW-DEV-002").unwrap().severity, Severity::Critical);
        let f = findings_for(r#"{"HostConfig":{"DeviceCgroupRules":["c 10:200 rwm"]}}"#);
        assert_eq!(find(&f, "SW-DEV-002").unwrap().severity, Severity::Medium);
    }

    #[test]
    fn gpu_requests_are_low() {
        let f = findings_for(
            r#"{"HostConfig":{"DeviceRequests":[{"Driver":"nvidia","Count":-1,"Capabilities":[["gpu"]]}]}}"#,
        );
        assert_eq!(find(&f, "SW-DEV-003").unwrap().severity, Severity::Low);
    }
}
