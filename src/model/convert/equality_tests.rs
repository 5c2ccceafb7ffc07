//! The lean parser ([`super::wire`]) against the bollard-based conversion it replaced
//! (`legacy_bollard.rs`, kept only for this proof and the parse benchmark): for every
//! inspect fixture and for a set of varied documents, both give the same facts.

use super::container_from_slice;
use super::wire::summaries_from_slice;
use crate::model::container::*;
use serde_json::{Value, json};
use std::collections::HashMap;

mod legacy {
    use crate::model::container::*;
    use crate::redact::{redact_argv, redact_env_entry, redact_labels};
    use crate::risk::confinement::normalize_cap;
    use bollard::models::{ContainerInspectResponse, ContainerStateStatusEnum, HealthStatusEnum};
    use std::collections::{BTreeMap, HashMap};

    include!("legacy_bollard.rs");
}

fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every `inspect_*.json` under `tests/fixtures/`, with its file name.
fn inspect_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(fixture_dir())
        .expect("fixtures directory")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("inspect_") && n.ends_with(".json"))
        .map(|n| {
            let bytes = std::fs::read(fixture_dir().join(&n)).expect("fixture");
            (n, bytes)
        })
        .collect();
    out.sort();
    out
}

/// Volume backings for the named volumes the fixtures mount (one bind-backed).
fn volumes() -> HashMap<String, VolumeBacking> {
    HashMap::from([
        (
            "sw-lean-fx-etcvol".to_string(),
            VolumeBacking {
                driver: "local".into(),
                device: Some("/etc".into()),
                fs_type: Some("none".into()),
                is_bind: true,
            },
        ),
        (
            "sw-lean-fx-data".to_string(),
            VolumeBacking {
                driver: "local".into(),
                device: None,
                fs_type: None,
                is_bind: false,
            },
        ),
        (
            "data".to_string(),
            VolumeBacking {
                driver: "local".into(),
                device: Some("/srv".into()),
                fs_type: Some("none".into()),
                is_bind: true,
            },
        ),
    ])
}

/// Both conversions of one document; panics (naming the document) when they differ.
fn assert_same(what: &str, bytes: &[u8]) -> ContainerFacts {
    let volumes = volumes();
    let full: bollard::models::ContainerInspectResponse =
        serde_json::from_slice(bytes).unwrap_or_err(what, "bollard's type");
    let old = legacy::container_owned(full.clone(), &volumes);
    let lean = container_from_slice(bytes, &volumes).unwrap_or_err(what, "the lean parser");
    assert_eq!(
        lean, old,
        "{what}: lean parse differs from the bollard conversion"
    );
    // The compatibility entry point (bollard type re-encoded, then the lean parse).
    assert_eq!(
        super::container_owned(full, &volumes),
        old,
        "{what}: container_owned differs from the bollard conversion"
    );
    lean
}

trait UnwrapOrErr<T> {
    fn unwrap_or_err(self, what: &str, by: &str) -> T;
}

impl<T> UnwrapOrErr<T> for Result<T, serde_json::Error> {
    fn unwrap_or_err(self, what: &str, by: &str) -> T {
        self.unwrap_or_else(|e| panic!("{what}: {by} rejects the document: {e}"))
    }
}

/// Overlay `patch` onto `base`: objects merge, everything else (including `null`)
/// replaces, so a patch can set a field to `null`.
fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, p) => *b = p.clone(),
    }
}

fn base(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixture_dir().join(name)).expect("fixture"))
        .expect("fixture is JSON")
}

/// Varied documents: the captured `docker create` / running container with overlays.
fn varied() -> Vec<(String, Value)> {
    let overlays: Vec<(&str, &str, Value)> = vec![
        ("empty document", "", json!({})),
        (
            "top-level nulls",
            "created",
            json!({"HostConfig": null, "Config": null, "State": null, "Mounts": null,
                   "NetworkSettings": null, "Name": null, "Id": null, "Image": null,
                   "Created": null, "AppArmorProfile": null}),
        ),
        (
            "null lists and maps",
            "created",
            json!({"HostConfig": {"CapAdd": null, "CapDrop": null, "SecurityOpt": null,
                     "Sysctls": null, "GroupAdd": null, "Devices": null, "DeviceRequests": null,
                     "DeviceCgroupRules": null, "Ulimits": null, "VolumesFrom": null,
                     "PortBindings": null, "MaskedPaths": null, "ReadonlyPaths": null,
                     "RestartPolicy": null, "CgroupnsMode": null, "PidsLimit": null,
                     "Memory": null, "Privileged": null, "ReadonlyRootfs": null},
                   "Config": {"Env": null, "Labels": null, "Healthcheck": null, "Image": null,
                     "User": null, "Tty": null, "WorkingDir": null},
                   "State": {"Status": null, "Health": null, "ExitCode": null, "StartedAt": null},
                   "NetworkSettings": {"Ports": null, "Networks": null}}),
        ),
        (
            "missing sections",
            "created",
            json!({"NetworkSettings": {"Ports": {}, "Networks": {}},
                   "HostConfig": {"MaskedPaths": [], "ReadonlyPaths": []}}),
        ),
        (
            "privileged, caps and security options",
            "created",
            json!({"HostConfig": {"Privileged": true,
                     "CapAdd": ["cap_net_admin", " sys_ptrace ", "CAP_SYS_ADMIN"],
                     "CapDrop": ["ALL"],
                     "SecurityOpt": ["no-new-privileges:true", "apparmor=unconfined",
                                     "seccomp=unconfined", "label:disable"],
                     "ReadonlyRootfs": true, "Sysctls": {"net.ipv4.ip_forward": "1", "a": "b"},
                     "GroupAdd": ["10", "docker"], "Runtime": "runsc",
                     "CgroupParent": "/sw", "MaskedPaths": null, "ReadonlyPaths": []},
                   "AppArmorProfile": "unconfined"}),
        ),
        (
            "binds, volumes and tmpfs",
            "created",
            json!({"Mounts": [
                {"Type": "bind", "Source": "/", "Destination": "/host", "Mode": "ro", "RW": false,
                 "Propagation": "rshared"},
                {"Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data/_data",
                 "Destination": "/data", "Driver": "local", "Mode": "z", "RW": true,
                 "Propagation": ""},
                {"Type": "volume", "Name": "unknown-vol", "Source": "/v", "Destination": "/u",
                 "Driver": "", "RW": true},
                {"Type": "volume", "Name": "", "Destination": "/anon"},
                {"Type": "tmpfs", "Source": "", "Destination": "/run", "RW": true},
                {"Type": "npipe", "Source": "\\\\.\\pipe\\docker_engine", "Destination": "/p"},
                {"Type": "cluster", "Destination": "/c"}, {"Type": "image", "Destination": "/i"},
                {"Type": "weird", "Destination": "/w", "RW": null}, {"Destination": "/none"},
                {}
            ]}),
        ),
        (
            "requested ports",
            "created",
            json!({"HostConfig": {"PortBindings": {
                "80/tcp": [{"HostIp": "", "HostPort": "8080"}, {"HostIp": "127.0.0.1", "HostPort": ""}],
                "53/udp": [{"HostIp": "0.0.0.0", "HostPort": "53"}],
                "9000/tcp": [{"HostIp": null, "HostPort": "0"}, {"HostPort": "x"}, {}],
                "1/tcp": null, "2/tcp": []}},
                "NetworkSettings": {"Ports": {"80/tcp": null, "3/tcp": []}}}),
        ),
        (
            "live ports win over requested",
            "running",
            json!({"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": ""}]}},
                   "NetworkSettings": {"Ports": {
                       "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "49153"},
                                  {"HostIp": "::", "HostPort": "49153"}],
                       "443/tcp": null, "70000/tcp": [{"HostIp": "1.2.3.4", "HostPort": "70000"}]}}}),
        ),
        (
            "devices, device requests and ulimits",
            "created",
            json!({"HostConfig": {
                "Devices": [{"PathOnHost": "/dev/kmsg", "PathInContainer": "/dev/kmsg",
                             "CgroupPermissions": "rwm"}, {}],
                "DeviceCgroupRules": ["c 1:3 mr", "a *:* rwm"],
                "DeviceRequests": [{"Driver": "", "Count": -1, "Capabilities": [["gpu"]]},
                                   {"Driver": "nvidia", "DeviceIDs": ["0"]}, {"Driver": null}],
                "Ulimits": [{"Name": "nofile", "Soft": 1024, "Hard": 2048}, {"Name": null},
                            {"Soft": 1}],
                "Memory": 67108864, "NanoCpus": 500000000, "CpuShares": 512, "CpuQuota": 50000,
                "CpusetCpus": "0-1", "PidsLimit": -1, "OomKillDisable": true}}),
        ),
        (
            "restart always",
            "created",
            json!({"HostConfig": {"RestartPolicy": {"Name": "always"}}}),
        ),
        (
            "restart on-failure",
            "created",
            json!({"HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5}}}),
        ),
        (
            "restart unless-stopped",
            "created",
            json!({"HostConfig": {"RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": null}}}),
        ),
        (
            "restart empty name",
            "created",
            json!({"HostConfig": {"RestartPolicy": {"Name": ""}}}),
        ),
        (
            "restart no name",
            "created",
            json!({"HostConfig": {"RestartPolicy": {}}}),
        ),
        (
            "healthcheck NONE",
            "running",
            json!({"Config": {"Healthcheck": {"Test": ["NONE"]}},
                   "State": {"Health": {"Status": "healthy"}}}),
        ),
        (
            "healthcheck configured, never ran",
            "created",
            json!({"Config": {"Healthcheck": {"Test": ["CMD-SHELL", "true"], "Interval": 1000}}}),
        ),
        (
            "healthcheck configured, empty status",
            "created",
            json!({"Config": {"Healthcheck": {"Test": ["CMD", "true"]}},
                   "State": {"Health": {"Status": ""}}}),
        ),
        (
            "healthcheck configured, status none",
            "running",
            json!({"Config": {"Healthcheck": {"Test": ["CMD", "true"]}},
                   "State": {"Health": {"Status": "none"}}}),
        ),
        (
            "healthcheck configured, starting",
            "running",
            json!({"Config": {"Healthcheck": {"Test": ["CMD", "true"]}},
                   "State": {"Health": {"Status": "starting", "FailingStreak": 0, "Log": []}}}),
        ),
        (
            "healthcheck from the image only (State.Health)",
            "running",
            json!({"Config": {"Healthcheck": null},
                   "State": {"Health": {"Status": "unhealthy", "FailingStreak": 3}}}),
        ),
        (
            "healthcheck empty test, image status",
            "running",
            json!({"Config": {"Healthcheck": {"Test": []}},
                   "State": {"Health": {"Status": "healthy"}}}),
        ),
        (
            "healthcheck test null, status none",
            "running",
            json!({"Config": {"Healthcheck": {"Test": null}}, "State": {"Health": {"Status": "none"}}}),
        ),
        (
            "healthcheck status null",
            "running",
            json!({"Config": {"Healthcheck": {"Test": ["CMD", "x"]}},
                   "State": {"Health": {"Status": null}}}),
        ),
        (
            "host namespaces",
            "created",
            json!({"HostConfig": {"NetworkMode": "host", "PidMode": "host", "IpcMode": "host",
                     "UTSMode": "host", "UsernsMode": "host", "CgroupnsMode": "host"}}),
        ),
        (
            "shared namespaces",
            "created",
            json!({"HostConfig": {"NetworkMode": "container:abc", "PidMode": "container:abc",
                     "IpcMode": "shareable", "UsernsMode": "", "CgroupnsMode": "private",
                     "VolumesFrom": ["abc:ro", "def"]}}),
        ),
        (
            "cgroupns empty",
            "created",
            json!({"HostConfig": {"CgroupnsMode": ""}}),
        ),
        (
            "two networks with static addresses",
            "running",
            json!({"NetworkSettings": {"Networks": {
                "zeta": {"IPAMConfig": {"IPv4Address": "10.9.0.5", "IPv6Address": "fd00::5",
                                        "LinkLocalIPs": ["169.254.1.1"]},
                         "Links": ["db:db"], "Aliases": ["web", "www"],
                         "NetworkID": "n1", "EndpointID": "e1", "IPAddress": "10.9.0.5",
                         "DriverOpts": {"com.example": "1", "a": "b"}},
                "alpha": {"IPAMConfig": {"IPv4Address": "", "IPv6Address": null,
                                         "LinkLocalIPs": null},
                          "Links": null, "Aliases": null, "NetworkID": "n2", "EndpointID": "",
                          "IPAddress": "", "DriverOpts": null},
                "beta": {"IPAMConfig": null}, "gamma": {}
            }}}),
        ),
        (
            "state words",
            "created",
            json!({"State": {"Status": "stopping", "ExitCode": 137,
                             "StartedAt": "2026-01-01T00:00:00Z"}}),
        ),
        (
            "state removing",
            "created",
            json!({"State": {"Status": "removing"}}),
        ),
        (
            "state dead",
            "created",
            json!({"State": {"Status": "dead", "ExitCode": -1}}),
        ),
        (
            "state paused",
            "running",
            json!({"State": {"Status": "paused"}}),
        ),
        (
            "state restarting",
            "running",
            json!({"State": {"Status": "restarting"}}),
        ),
        (
            "state exited",
            "running",
            json!({"State": {"Status": "exited", "ExitCode": 3}}),
        ),
        ("state empty", "created", json!({"State": {"Status": ""}})),
        (
            "environment and secrets",
            "created",
            json!({"Config": {"Env": ["DB_PASSWORD=hunter2", "URL=https://u:pw@h/x", "PATH=/bin",
                                      "NOVALUE", "EMPTY=", "API_TOKEN=", "X=a=b", "=weird",
                                      "GITHUBTOKEN=ghp_x", "PWD=/root"]}}),
        ),
        (
            "escaped strings",
            "created",
            json!({"Name": "/we\"ird\u{e9}\\name",
                   "Config": {"Env": ["A=line\nbreak", "SECRET_KEY=\"q\""], "User": "1000:1000",
                              "WorkingDir": "/tmp", "Tty": true, "Image": "reg.io/x:\u{1}",
                              "Labels": {"a\"b": "c\nd", "com.example": "x"}},
                   "HostConfig": {"CapAdd": ["net\u{5f}raw"], "PortBindings": {
                       "80/tcp": [{"HostIp": "", "HostPort": "8\u{30}"}]},
                       "RestartPolicy": {"Name": "al\u{77}ays"}},
                   "State": {"Status": "r\u{75}nning"}}),
        ),
        (
            "image reference missing",
            "created",
            json!({"Config": {"Image": null}, "Image": "sha256:abc"}),
        ),
        (
            "never started",
            "created",
            json!({"State": {"StartedAt": "0001-01-01T00:00:00Z"}, "Created": "2026-01-01T00:00:00.1Z"}),
        ),
    ];
    overlays
        .into_iter()
        .map(|(what, on, patch)| {
            let mut doc = match on {
                "" => json!({}),
                "running" => base("inspect_default_running.json"),
                _ => base("inspect_default_created.json"),
            };
            merge(&mut doc, &patch);
            (what.to_string(), doc)
        })
        .collect()
}

#[test]
fn every_fixture_parses_the_same_as_the_bollard_conversion() {
    let fixtures = inspect_fixtures();
    assert!(fixtures.len() >= 10, "inspect fixtures: {}", fixtures.len());
    for (name, bytes) in fixtures {
        let facts = assert_same(&name, &bytes);
        assert!(!facts.id.is_empty(), "{name}");
    }
}

#[test]
fn varied_documents_parse_the_same_as_the_bollard_conversion() {
    for (what, doc) in varied() {
        // Compact and pretty encodings both.
        assert_same(&what, &serde_json::to_vec(&doc).unwrap());
        assert_same(&what, &serde_json::to_vec_pretty(&doc).unwrap());
    }
}

/// The fixtures cover what the brief names; this keeps them honest if one is recaptured.
#[test]
fn fixtures_cover_the_interesting_cases() {
    let all: Vec<ContainerFacts> = inspect_fixtures()
        .iter()
        .map(|(n, b)| container_from_slice(b, &volumes()).unwrap_or_err(n, "lean"))
        .collect();
    let by = |name: &str| {
        all.iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("fixture {name}"))
    };
    assert!(by("sw-lean-fx-privileged").privileged);
    let h = by("sw-lean-fx-hardened");
    assert_eq!(h.cap_add, ["NET_ADMIN", "SYS_PTRACE"]);
    assert_eq!(h.cap_drop, ["ALL"]);
    // `--tmpfs` lives in HostConfig.Tmpfs, not Mounts; tmpfs mounts are in `varied()`.
    assert!(h.mounts.iter().any(|m| m.kind == MountKind::Bind && !m.rw));
    assert!(
        h.mounts
            .iter()
            .any(|m| m.backing.as_ref().is_some_and(|b| b.is_bind))
    );
    assert_eq!(h.restart.name, "on-failure");
    assert_eq!(h.restart.max_retries, 3);
    assert!(!h.ports.is_empty() && !h.devices.is_empty());
    assert_eq!(h.resources.ulimits, ["nofile", "nproc"]);
    let ns = by("sw-lean-fx-hostns");
    assert_eq!(ns.healthcheck, Healthcheck::Disabled);
    assert_eq!(
        (ns.userns_mode.as_str(), ns.cgroupns_mode.as_str()),
        ("host", "host")
    );
    assert_eq!(by("sw-lean-fx-gpu").device_requests, ["gpu"]);
    let two = by("sw-lean-fx-twonet");
    assert_eq!(two.networks, ["sw-lean-fx-n1", "sw-lean-fx-n2"]);
    assert_eq!(
        two.attachments[1].ipv6_address.as_deref(),
        Some("fd00:213:42::9")
    );
    assert_eq!(two.attachments[1].links, ["sw-lean-fx-gpu:gpu"]);
    let run = by("sw-lean-fx-twonet-run");
    assert_eq!(
        run.healthcheck,
        Healthcheck::Configured {
            status: Some("healthy".into())
        }
    );
    assert!(run.ports.iter().all(|p| p.host_port.is_some()));
    assert_eq!(
        run.attachments[0].ip_address.as_deref(),
        Some("10.213.41.8")
    );
    assert_eq!(by("sw-lean-fx-exited").exit_code, Some(3));
    let priv_env = &by("sw-lean-fx-privileged").env;
    assert!(
        priv_env
            .iter()
            .any(|e| e.name == "DB_PASSWORD" && e.redacted)
    );
}

#[test]
fn the_lean_parser_tolerates_what_bollard_rejects() {
    let doc = json!({"Id": "x", "State": {"Status": "frozen", "Health": {"Status": "odd"}},
                     "HostConfig": {"RestartPolicy": {"Name": "sometimes"},
                                    "CgroupnsMode": "shared"}});
    let bytes = serde_json::to_vec(&doc).unwrap();
    assert!(serde_json::from_slice::<bollard::models::ContainerInspectResponse>(&bytes).is_err());
    let c = container_from_slice(&bytes, &HashMap::new()).expect("lean parse");
    assert_eq!(c.state, ContainerState::Unknown);
    assert_eq!(c.restart.name, "sometimes");
    assert_eq!(c.cgroupns_mode, "shared");
    assert_eq!(
        c.healthcheck,
        Healthcheck::Configured {
            status: Some("odd".into())
        }
    );
    assert!(container_from_slice(b"[]", &HashMap::new()).is_err());
    assert!(container_from_slice(b"{\"Id\": 1}", &HashMap::new()).is_err());
}

#[test]
fn the_container_list_parses_into_summaries() {
    let bytes = std::fs::read(fixture_dir().join("list_lean.json")).expect("list fixture");
    let lean = summaries_from_slice(&bytes).expect("list parses");
    let full: Vec<bollard::models::ContainerSummary> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(lean.len(), full.len());
    assert!(lean.len() >= 8);
    for (l, f) in lean.iter().zip(&full) {
        assert_eq!(Some(&l.id), f.id.as_ref());
        let names: Vec<String> = f
            .names
            .iter()
            .flatten()
            .map(|n| n.trim_start_matches('/').to_string())
            .collect();
        assert_eq!(l.names, names);
        let state = f.state.map(|s| s.to_string()).unwrap_or_default();
        assert_eq!(l.state, super::container_state(&state));
    }
    assert!(lean.iter().any(|s| s.state == ContainerState::Running));
    assert!(lean.iter().any(|s| s.state == ContainerState::Exited));
    assert!(
        lean.iter()
            .all(|s| !s.names.is_empty() && s.names.iter().all(|n| !n.starts_with('/')))
    );

    let odd = br#"[{"Id": "a", "Names": null, "State": null, "Labels": {"k": "v"}},
                   {"Names": ["/no-id"]}, {"Id": "", "State": "running"},
                   {"Id": "b", "Names": ["/x\"y"], "State": "weird"}]"#;
    let s = summaries_from_slice(odd).expect("tolerant");
    assert_eq!(s.len(), 2);
    assert_eq!(
        (s[0].id.as_str(), s[0].state),
        ("a", ContainerState::Unknown)
    );
    assert_eq!(s[1].names, ["x\"y"]);
    assert!(summaries_from_slice(b"null").unwrap().is_empty());
}
