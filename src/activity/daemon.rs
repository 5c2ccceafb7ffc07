//! The daemon itself: configuration reloads (E20) and plugins (E18, E19).

use super::Alert;
use super::meta::AlertMeta;
use crate::model::{DockerEvent, HostFacts};
use crate::risk::Severity;
use chrono::{DateTime, Utc};

use Severity::{High as H, Low as L, Medium as M};

pub const RELOAD: AlertMeta = AlertMeta::new(
    "SW-ACT-DMN-001",
    L,
    "Docker daemon configuration reloaded",
    "T1562.001",
    "Disable or Modify Tools",
    "A reload changes daemon settings without a restart. Insecure registries let images be \
     pulled over plain HTTP (or from a spoofed registry), and a new or default runtime swaps \
     what actually starts every container.",
    "Compare /etc/docker/daemon.json with its last known version; revert unexpected \
     registries and runtimes and find who changed the file.",
    0,
);
pub const PLUGIN_INSTALLED: AlertMeta = AlertMeta::new(
    "SW-ACT-DMN-002",
    H,
    "Docker plugin installed or enabled",
    "T1543",
    "Create or Modify System Process",
    "Managed plugins run as root on the host with the privileges they declare (capabilities, \
     host mounts, host network); an authorization plugin decides who may use the API.",
    "Inspect the plugin (docker plugin inspect): its source, capabilities and mounts. Disable \
     and remove it if it was not expected.",
    0,
);
pub const PLUGIN_REMOVED: AlertMeta = AlertMeta::new(
    "SW-ACT-DMN-003",
    M,
    "Docker plugin disabled or removed",
    "T1562.001",
    "Disable or Modify Tools",
    "Disabling an authorization plugin turns API access control off; removing a logging or \
     volume plugin can cut evidence or break workloads.",
    "Find who did it; re-enable authorization plugins at once.",
    0,
);

/// The daemon rules.
pub fn metas() -> Vec<AlertMeta> {
    vec![RELOAD, PLUGIN_INSTALLED, PLUGIN_REMOVED]
}

/// Insecure registries the daemon always has.
const DEFAULT_INSECURE: &[&str] = &["127.0.0.0/8", "::1/128"];
/// Runtimes every daemon ships with.
const STANDARD_RUNTIMES: &[&str] = &[
    "runc",
    "io.containerd.runc.v2",
    "io.containerd.runtime.v1.linux",
];

/// The items of a list-valued reload attribute (`[a b]`, `a,b`, `a b`).
fn list(value: &str) -> Vec<&str> {
    value
        .trim_matches(|c| c == '[' || c == ']')
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|s| s.trim_matches('"'))
        .filter(|s| !s.is_empty())
        .collect()
}

/// The alert for a daemon `reload`: HIGH when it carries insecure registries beyond the
/// loopback defaults, a default runtime other than runc, or a non-standard runtime.
pub fn reload_alert(ev: &DockerEvent, time: DateTime<Utc>) -> Option<Alert> {
    if ev.action != "reload" {
        return None;
    }
    let mut risky = Vec::new();
    if let Some(v) = ev.attr("insecure-registries") {
        let extra: Vec<&str> = list(v)
            .into_iter()
            .filter(|r| !DEFAULT_INSECURE.contains(r))
            .collect();
        if !extra.is_empty() {
            risky.push(format!("insecure registries {}", extra.join(", ")));
        }
    }
    if let Some(v) = ev.attr("default-runtime").map(str::trim)
        && !v.is_empty()
        && !STANDARD_RUNTIMES.contains(&v)
    {
        risky.push(format!("default runtime {v}"));
    }
    if let Some(v) = ev.attr("runtimes") {
        // Engine 20.10 lists `name:path` pairs (`runc:runc io.containerd.runc.v2:runc`).
        let extra: Vec<&str> = list(v)
            .into_iter()
            .map(|r| r.split_once(':').map_or(r, |(name, _)| name))
            .filter(|r| !STANDARD_RUNTIMES.contains(r))
            .collect();
        if !extra.is_empty() {
            risky.push(format!("runtimes {}", extra.join(", ")));
        }
    }
    let mut notes = Vec::new();
    if ev.attr("debug") == Some("true") {
        notes.push("debug on".to_string());
    }
    if let Some(v) = ev.attr("registry-mirrors").filter(|v| !list(v).is_empty()) {
        notes.push(format!("registry mirrors {}", list(v).join(", ")));
    }
    let host = ev.attr("name").unwrap_or("the daemon");
    let a = if risky.is_empty() {
        let mut detail = format!("{host} reloaded its configuration");
        if !notes.is_empty() {
            detail.push_str(&format!(" ({})", notes.join("; ")));
        }
        RELOAD.alert(time, None, detail)
    } else {
        risky.extend(notes);
        RELOAD
            .alert(
                time,
                None,
                format!("{host} reloaded with {}", risky.join("; ")),
            )
            .with_severity(H)
    };
    Some(a)
}

/// Does a plugin name look like an authorization plugin (or is it one the daemon uses)?
fn is_authz(name: &str, host: &HostFacts) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("authz")
        || lower.contains("opa-docker")
        || host
            .authz_plugins
            .iter()
            .any(|p| p == name || p.split(':').next() == name.split(':').next())
}

/// The alert for a plugin event.
pub fn plugin_alert(ev: &DockerEvent, host: &HostFacts, time: DateTime<Utc>) -> Option<Alert> {
    let name = ev.attr("name").unwrap_or(&ev.actor_id);
    let a = match ev.action.as_str() {
        "pull" | "install" => {
            PLUGIN_INSTALLED.alert(time, None, format!("plugin {name} installed"))
        }
        "create" => PLUGIN_INSTALLED.alert(time, None, format!("plugin {name} created")),
        "enable" => PLUGIN_INSTALLED.alert(time, None, format!("plugin {name} enabled")),
        "disable" | "remove" => {
            let verb = if ev.action == "disable" {
                "disabled"
            } else {
                "removed"
            };
            if is_authz(name, host) {
                PLUGIN_REMOVED
                    .alert(
                        time,
                        None,
                        format!("authorization plugin {name} {verb}: API access control is off"),
                    )
                    .with_severity(H)
            } else {
                PLUGIN_REMOVED.alert(time, None, format!("plugin {name} {verb}"))
            }
        }
        _ => return None,
    };
    Some(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::test_support::event;
    use crate::model::EventKind;

    #[test]
    fn reloads_are_graded_by_what_they_carry() {
        type Case<'a> = (&'a [(&'a str, &'a str)], Severity, &'a str);
        let cases: &[Case] = &[
            (
                &[
                    ("name", "h1"),
                    ("insecure-registries", "[127.0.0.0/8 ::1/128]"),
                    (
                        "runtimes",
                        "io.containerd.runc.v2 io.containerd.runtime.v1.linux runc",
                    ),
                    ("default-runtime", "runc"),
                ],
                L,
                "h1 reloaded its configuration",
            ),
            (
                // What engine 20.10 sends for a plain reload.
                &[
                    ("name", "h1"),
                    ("insecure-registries", "[]"),
                    (
                        "runtimes",
                        "io.containerd.runtime.v1.linux:runc io.containerd.runc.v2:runc runc:runc",
                    ),
                    ("default-runtime", "runc"),
                    ("debug", "false"),
                ],
                L,
                "h1 reloaded its configuration",
            ),
            (
                &[
                    ("name", "h1"),
                    ("insecure-registries", r#"["10.9.0.7:5000"]"#),
                    ("runtimes", "runc:runc sneaky:/opt/sneaky"),
                ],
                H,
                "h1 reloaded with insecure registries 10.9.0.7:5000; runtimes sneaky",
            ),
            (
                &[
                    ("name", "h1"),
                    ("insecure-registries", "[127.0.0.0/8 evil.io:5000]"),
                ],
                H,
                "h1 reloaded with insecure registries evil.io:5000",
            ),
            (
                &[
                    ("name", "h1"),
                    ("default-runtime", "sneaky"),
                    ("runtimes", "runc sneaky"),
                ],
                H,
                "h1 reloaded with default runtime sneaky; runtimes sneaky",
            ),
            (
                &[("name", "h1"), ("debug", "true")],
                L,
                "h1 reloaded its configuration (debug on)",
            ),
        ];
        for (attrs, sev, detail) in cases {
            let a = reload_alert(
                &event(EventKind::Daemon, "reload", "d1", attrs),
                DateTime::UNIX_EPOCH,
            )
            .expect("alert");
            assert_eq!(
                (a.rule.as_str(), a.severity, a.detail.as_str()),
                ("SW-ACT-DMN-001", *sev, *detail)
            );
        }
    }

    #[test]
    fn plugins_are_graded() {
        let host = HostFacts {
            authz_plugins: vec!["corp/gate:latest".into()],
            ..Default::default()
        };
        let cases = [
            ("pull", "vieux/sshfs:latest", Some(("SW-ACT-DMN-002", H))),
            ("enable", "vieux/sshfs:latest", Some(("SW-ACT-DMN-002", H))),
            ("create", "x/y", Some(("SW-ACT-DMN-002", H))),
            ("disable", "vieux/sshfs:latest", Some(("SW-ACT-DMN-003", M))),
            (
                "disable",
                "openpolicyagent/opa-docker-authz-v2:0.8",
                Some(("SW-ACT-DMN-003", H)),
            ),
            ("remove", "corp/gate:latest", Some(("SW-ACT-DMN-003", H))),
            ("other", "x", None),
        ];
        for (action, name, want) in cases {
            let ev = event(EventKind::Plugin, action, "p1", &[("name", name)]);
            let got = plugin_alert(&ev, &host, DateTime::UNIX_EPOCH);
            assert_eq!(
                got.as_ref().map(|a| (a.rule.as_str(), a.severity)),
                want,
                "{action} {name}"
            );
        }
    }
}
