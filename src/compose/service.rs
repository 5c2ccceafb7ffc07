//! One Compose service as the container facts the rules read, and where each fact was
//! written (so a finding can point at its key).
//!
//! The facts are what `docker compose up` would ask the daemon for: the same fields the
//! inspect document gives a created container, so the one grader runs unchanged.

use super::load::{Project, Service};
use super::yaml::{Node, Value};
use crate::model::{
    ContainerFacts, ContainerState, DeviceFacts, EnvVar, Healthcheck, MountFacts, MountKind,
    PublishedPort, Resources, RestartPolicy, VolumeBacking,
};
use crate::redact::{redact_argv, redact_env_entry, redact_labels};
use crate::risk::confinement::normalize_cap;
use std::collections::BTreeMap;

/// A place in a project: file index and 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub file: usize,
    pub line: usize,
}

impl Loc {
    fn of(n: &Node) -> Loc {
        Loc {
            file: n.file,
            line: n.line,
        }
    }
}

/// Where each fact of a service was written: `what` is a key (`privileged`,
/// `cap_add`), or a key and an item (`cap_add:SYS_ADMIN`, `volume:/host`, `port:80/tcp`,
/// `env:TOKEN`, `device:/dev/kmsg`).
#[derive(Debug, Clone, Default)]
pub struct Locations {
    pub service: Option<Loc>,
    spots: Vec<(String, Loc)>,
}

impl Locations {
    fn put(&mut self, what: impl Into<String>, at: &Node) {
        self.spots.push((what.into(), Loc::of(at)));
    }

    fn put_loc(&mut self, what: impl Into<String>, at: Loc) {
        self.spots.push((what.into(), at));
    }

    pub fn get(&self, what: &str) -> Option<Loc> {
        self.spots.iter().find(|(w, _)| w == what).map(|(_, l)| *l)
    }

    /// Every spot whose key starts with `prefix` (`volume:`), with the rest of the key.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, Loc)> + 'a {
        self.spots
            .iter()
            .filter_map(move |(w, l)| w.strip_prefix(prefix).map(|rest| (rest, *l)))
    }
}

/// The facts of one service and where they come from.
#[derive(Debug, Clone)]
pub struct ServiceFacts {
    pub facts: ContainerFacts,
    pub locations: Locations,
}

/// The name the service's container gets (`container_name`, else the service name).
pub fn container_name(s: &Service) -> String {
    s.node
        .get("container_name")
        .and_then(Node::text)
        .unwrap_or(&s.name)
        .to_string()
}

/// Build the facts of service `s` of `project`.
pub fn facts(project: &Project, s: &Service) -> ServiceFacts {
    let n = &s.node;
    let mut loc = Locations {
        service: Some(Loc {
            file: s.file,
            line: s.line,
        }),
        ..Locations::default()
    };
    // Record the line of every top-level key once; items are added below.
    for e in n.entries() {
        loc.put_loc(
            e.key.clone(),
            Loc {
                file: e.value.file,
                line: e.line,
            },
        );
    }
    let text = |key: &str| n.get(key).and_then(Node::text).unwrap_or("").to_string();
    let flag = |key: &str| n.get(key).and_then(Node::as_bool).unwrap_or(false);

    let mut cap_add = Vec::new();
    for item in n.get("cap_add").map(Node::items).unwrap_or(&[]) {
        if let Some(t) = item.text() {
            let cap = normalize_cap(t);
            loc.put(format!("cap_add:{cap}"), item);
            cap_add.push(cap);
        }
    }
    let cap_drop = strings(n.get("cap_drop"))
        .iter()
        .map(|c| normalize_cap(c))
        .collect();
    let security_opt = strings(n.get("security_opt"));

    let network_mode = match n.get("network_mode").and_then(Node::text) {
        Some(m) => service_ref(project, m),
        None => format!("{}_default", project.name),
    };
    let networks = if n.get("network_mode").is_some() {
        if network_mode == "bridge" || network_mode == "default" {
            vec!["bridge".to_string()]
        } else {
            Vec::new()
        }
    } else {
        match n.get("networks") {
            Some(nets) if !nets.entries().is_empty() => nets
                .entries()
                .iter()
                .map(|e| format!("{}_{}", project.name, e.key))
                .collect(),
            Some(nets) if !nets.items().is_empty() => strings(Some(nets))
                .iter()
                .map(|k| format!("{}_{k}", project.name))
                .collect(),
            _ => vec![network_mode.clone()],
        }
    };

    let mut mounts = Vec::new();
    for item in n.get("volumes").map(Node::items).unwrap_or(&[]) {
        if let Some(m) = mount(project, s, item) {
            loc.put(format!("volume:{}", m.destination), item);
            mounts.push(m);
        }
    }
    for item in tmpfs_items(n.get("tmpfs")) {
        mounts.push(MountFacts {
            kind: MountKind::Tmpfs,
            name: None,
            source: String::new(),
            destination: item.split(':').next().unwrap_or("").to_string(),
            driver: None,
            mode: String::new(),
            rw: true,
            propagation: String::new(),
            backing: None,
        });
    }

    let mut ports = Vec::new();
    for item in n.get("ports").map(Node::items).unwrap_or(&[]) {
        for p in ports_of(item) {
            loc.put(format!("port:{}", p.container_port), item);
            ports.push(p);
        }
    }
    ports.sort_by(|a, b| {
        (a.container_port.as_str(), a.host_ip.as_str(), a.host_port).cmp(&(
            b.container_port.as_str(),
            b.host_ip.as_str(),
            b.host_port,
        ))
    });

    let mut devices = Vec::new();
    for item in n.get("devices").map(Node::items).unwrap_or(&[]) {
        if let Some(d) = device(item) {
            loc.put(format!("device:{}", d.host_path), item);
            devices.push(d);
        }
    }

    let mut env = Vec::new();
    if let Some(e) = n.get("environment") {
        for (name, value, at) in key_values(e) {
            let entry = match &value {
                Some(v) => format!("{name}={v}"),
                // `- NAME` / `NAME:` takes the value from the shell: not known here.
                None => continue,
            };
            let (name, value, redacted) = redact_env_entry(&entry);
            loc.put(format!("env:{name}"), at);
            env.push(EnvVar {
                name,
                value,
                redacted,
            });
        }
    }

    // `env_file`: KEY=VALUE lines of each file (relative to the service's folder; a missing
    // file is skipped, as Compose does with `required: false`). Before `environment`, which
    // wins for the same name.
    for (path, at) in env_files(n.get("env_file")) {
        let Ok(text) = std::fs::read_to_string(s.dir.join(&path)) else {
            continue;
        };
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || !line.contains('=') {
                continue;
            }
            let (name, value, redacted) = redact_env_entry(line);
            if env.iter().any(|e: &EnvVar| e.name == name) {
                continue;
            }
            loc.put(format!("env:{name}"), at);
            env.push(EnvVar {
                name,
                value,
                redacted,
            });
        }
    }

    let labels = n
        .get("labels")
        .map(|l| {
            key_values(l)
                .into_iter()
                .map(|(k, v, _)| (k, v.unwrap_or_default()))
                .collect::<BTreeMap<_, _>>()
        })
        .unwrap_or_default();
    let sysctls = n
        .get("sysctls")
        .map(|l| {
            key_values(l)
                .into_iter()
                .map(|(k, v, _)| (k, v.unwrap_or_default()))
                .collect::<BTreeMap<_, _>>()
        })
        .unwrap_or_default();

    let health = n.get("healthcheck");
    let health_test = health.and_then(|h| h.get("test")).map(|t| match t.text() {
        Some(cmd) => vec!["CMD-SHELL".to_string(), cmd.to_string()],
        None => strings(Some(t)),
    });
    let disabled = health
        .and_then(|h| h.get("disable"))
        .and_then(Node::as_bool)
        == Some(true);
    let healthcheck = match health_test.as_deref() {
        _ if disabled => Healthcheck::Disabled,
        Some([first, ..]) if first == "NONE" => Healthcheck::Disabled,
        Some([_, ..]) => Healthcheck::Configured { status: None },
        _ => Healthcheck::Missing,
    };

    let (image, image_id) = match n.get("image").and_then(Node::text) {
        Some(i) => (i.to_string(), String::new()),
        None => (format!("(build of service {})", s.name), String::new()),
    };

    let facts = ContainerFacts {
        id: format!("compose:{}:{}", project.path(s.file).display(), s.name),
        name: container_name(s),
        image,
        image_id,
        state: ContainerState::Created,
        exit_code: None,
        created: None,
        started_at: None,
        labels: redact_labels(labels),
        user: text("user"),
        env,
        working_dir: text("working_dir"),
        tty: flag("tty"),
        privileged: flag("privileged"),
        cap_add,
        cap_drop,
        security_opt,
        apparmor_profile: String::new(),
        readonly_rootfs: flag("read_only"),
        masked_paths: None,
        readonly_paths: None,
        sysctls,
        runtime: text("runtime"),
        group_add: strings(n.get("group_add")),
        cgroup_parent: text("cgroup_parent"),
        network_mode,
        pid_mode: service_ref(project, &text("pid")),
        ipc_mode: service_ref(project, &text("ipc")),
        uts_mode: text("uts"),
        userns_mode: text("userns_mode"),
        cgroupns_mode: text("cgroup"),
        networks,
        attachments: Vec::new(),
        mounts,
        volumes_from: strings(n.get("volumes_from")),
        ports,
        devices,
        device_cgroup_rules: strings(n.get("device_cgroup_rules")),
        device_requests: device_requests(n),
        resources: resources(n),
        restart: restart(n),
        healthcheck,
        health_test: health_test.map(|t| redact_argv(&t)),
    };
    ServiceFacts {
        facts,
        locations: loc,
    }
}

/// `service:<name>` (Compose) is `container:<its container name>` (Docker).
fn service_ref(project: &Project, mode: &str) -> String {
    match mode.strip_prefix("service:") {
        Some(name) => match project.service(name) {
            Some(s) => format!("container:{}", container_name(s)),
            None => format!("container:{name}"),
        },
        None => mode.to_string(),
    }
}

/// The `env_file` entries (a path, a list of paths, or `{path, required}` items) with the
/// node each is written on.
fn env_files(n: Option<&Node>) -> Vec<(String, &Node)> {
    let Some(n) = n else { return Vec::new() };
    if let Some(t) = n.text() {
        return vec![(t.to_string(), n)];
    }
    n.items()
        .iter()
        .filter_map(|i| {
            let p = i.text().or_else(|| i.get("path").and_then(Node::text))?;
            Some((p.to_string(), i))
        })
        .collect()
}

/// A sequence of scalars (or one scalar) as strings.
fn strings(n: Option<&Node>) -> Vec<String> {
    match n {
        None => Vec::new(),
        Some(n) => match &n.value {
            Value::Seq(items) => items
                .iter()
                .filter_map(|i| i.text().map(str::to_string))
                .collect(),
            Value::Scalar { text, .. } => vec![text.clone()],
            _ => Vec::new(),
        },
    }
}

fn tmpfs_items(n: Option<&Node>) -> Vec<String> {
    strings(n)
}

/// `KEY: value` mappings and `- KEY=value` lists, each with the node that holds it.
fn key_values(n: &Node) -> Vec<(String, Option<String>, &Node)> {
    match &n.value {
        Value::Map(entries) => entries
            .iter()
            .map(|e| {
                let v = match &e.value.value {
                    Value::Null => None,
                    Value::Scalar { text, .. } => Some(text.clone()),
                    _ => None,
                };
                (e.key.clone(), v, &e.value)
            })
            .collect(),
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| {
                let t = i.text()?;
                Some(match t.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(v.to_string()), i),
                    None => (t.to_string(), None, i),
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A host path given relative to the project (`./data`, `../x`, `~`) made absolute as
/// Compose does (lexically; nothing is read).
fn host_path(s: &Service, source: &str) -> String {
    if source.starts_with('/') {
        return source.to_string();
    }
    if let Some(rest) = source.strip_prefix('~') {
        let home = std::env::var("HOME").unwrap_or_default();
        return format!("{home}{rest}");
    }
    let dir = std::path::absolute(&s.dir).unwrap_or_else(|_| s.dir.clone());
    let mut out: Vec<String> = dir
        .to_string_lossy()
        .split('/')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    for part in source.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p.to_string()),
        }
    }
    format!("/{}", out.join("/"))
}

fn is_path(source: &str) -> bool {
    source.starts_with('/') || source.starts_with('.') || source.starts_with('~')
}

/// One `volumes:` entry, short (`src:dst[:mode]`) or long syntax.
fn mount(project: &Project, s: &Service, item: &Node) -> Option<MountFacts> {
    let (kind, source, destination, read_only, propagation) = if let Some(t) = item.text() {
        let parts: Vec<&str> = t.split(':').collect();
        let (src, dst, mode) = match parts.as_slice() {
            [dst] => ("", *dst, ""),
            [src, dst] => (*src, *dst, ""),
            [src, dst, mode, ..] => (*src, *dst, *mode),
            [] => return None,
        };
        let kind = if src.is_empty() {
            "volume"
        } else if is_path(src) {
            "bind"
        } else {
            "volume"
        };
        let opts: Vec<&str> = mode.split(',').collect();
        let propagation = opts
            .iter()
            .find(|o| o.contains("shared") || o.contains("slave") || o.contains("private"))
            .map(|o| o.to_string())
            .unwrap_or_default();
        (
            kind.to_string(),
            src.to_string(),
            dst.to_string(),
            opts.contains(&"ro"),
            propagation,
        )
    } else {
        let kind = item.get("type").and_then(Node::text).unwrap_or("volume");
        (
            kind.to_string(),
            item.get("source")
                .and_then(Node::text)
                .unwrap_or("")
                .to_string(),
            item.get("target").and_then(Node::text)?.to_string(),
            item.get("read_only")
                .and_then(Node::as_bool)
                .unwrap_or(false),
            item.get("bind")
                .and_then(|b| b.get("propagation"))
                .and_then(Node::text)
                .unwrap_or("")
                .to_string(),
        )
    };
    let mut m = MountFacts {
        kind: MountKind::Volume,
        name: None,
        source: String::new(),
        destination,
        driver: None,
        mode: if read_only {
            "ro".into()
        } else {
            String::new()
        },
        rw: !read_only,
        propagation,
        backing: None,
    };
    match kind.as_str() {
        "bind" => {
            m.kind = MountKind::Bind;
            m.source = host_path(s, &source);
        }
        "tmpfs" => m.kind = MountKind::Tmpfs,
        "npipe" => m.kind = MountKind::Npipe,
        "cluster" => m.kind = MountKind::Cluster,
        "image" => m.kind = MountKind::Image,
        _ => {
            m.driver = Some("local".into());
            if !source.is_empty() {
                let def = project.volumes.iter().find(|v| v.key == source);
                let (name, backing) = match def {
                    Some(d) => volume_backing(project, &source, &d.value),
                    None => (format!("{}_{source}", project.name), None),
                };
                if let Some(b) = &backing {
                    m.driver = Some(b.driver.clone());
                }
                m.name = Some(name);
                m.backing = backing;
            }
        }
    }
    Some(m)
}

/// A top-level named volume: its real name and, for `driver_opts`, what backs it.
fn volume_backing(project: &Project, key: &str, def: &Node) -> (String, Option<VolumeBacking>) {
    let external = def.get("external").and_then(Node::as_bool) == Some(true);
    let name = match def.get("name").and_then(Node::text) {
        Some(n) => n.to_string(),
        None if external => key.to_string(),
        None => format!("{}_{key}", project.name),
    };
    let driver = def.get("driver").and_then(Node::text).unwrap_or("local");
    let opts = def.get("driver_opts");
    let opt = |k: &str| {
        opts.and_then(|o| o.get(k))
            .and_then(Node::text)
            .map(str::to_string)
    };
    if opts.is_none() {
        return (name, None);
    }
    let o = opt("o").unwrap_or_default();
    let backing = VolumeBacking {
        driver: driver.to_string(),
        device: opt("device"),
        fs_type: opt("type"),
        is_bind: o
            .split(',')
            .any(|x| x.trim() == "bind" || x.trim() == "rbind"),
    };
    (name, Some(backing))
}

/// One `ports:` entry (a range gives several).
fn ports_of(item: &Node) -> Vec<PublishedPort> {
    if let Some(target) = item.get("target").and_then(Node::text) {
        let proto = item.get("protocol").and_then(Node::text).unwrap_or("tcp");
        let published = item.get("published").and_then(Node::text);
        return vec![PublishedPort {
            container_port: format!("{target}/{proto}"),
            host_ip: item
                .get("host_ip")
                .and_then(Node::text)
                .unwrap_or("")
                .to_string(),
            host_port: published.and_then(|p| p.parse().ok()),
        }];
    }
    let Some(t) = item.text() else {
        return Vec::new();
    };
    let (spec, proto) = t.split_once('/').unwrap_or((t, "tcp"));
    // host_ip may be an IPv6 literal in brackets.
    let (ip, rest) = if let Some(after) = spec.strip_prefix('[') {
        match after.split_once("]:") {
            Some((ip, rest)) => (ip.to_string(), rest),
            None => (String::new(), spec),
        }
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        if parts.len() == 3 {
            let (ip, rest) = spec.split_at(parts[0].len());
            (ip.to_string(), &rest[1..])
        } else {
            (String::new(), spec)
        }
    };
    let (host, container) = match rest.split_once(':') {
        Some((h, c)) => (Some(h), c),
        None => (None, rest),
    };
    let range = |r: &str| -> Vec<Option<u16>> {
        match r.split_once('-') {
            Some((a, b)) => match (a.parse::<u16>(), b.parse::<u16>()) {
                (Ok(a), Ok(b)) if a <= b => (a..=b).map(Some).collect(),
                _ => vec![None],
            },
            None => vec![r.parse().ok()],
        }
    };
    let cports = range(container);
    let hports = host.map(range).unwrap_or_default();
    if host.is_none() {
        // Only the container port: the daemon picks a host port on every interface.
        return cports
            .into_iter()
            .flatten()
            .map(|c| PublishedPort {
                container_port: format!("{c}/{proto}"),
                host_ip: ip.clone(),
                host_port: None,
            })
            .collect();
    }
    cports
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let c = (*c)?;
            let h = if hports.len() == cports.len() {
                hports[i]
            } else {
                hports.first().copied().flatten()
            };
            Some(PublishedPort {
                container_port: format!("{c}/{proto}"),
                host_ip: ip.clone(),
                host_port: h.filter(|p| *p != 0),
            })
        })
        .collect()
}

fn device(item: &Node) -> Option<DeviceFacts> {
    if let Some(src) = item.get("source").and_then(Node::text) {
        return Some(DeviceFacts {
            host_path: src.to_string(),
            container_path: item
                .get("target")
                .and_then(Node::text)
                .unwrap_or(src)
                .to_string(),
            permissions: item
                .get("permissions")
                .and_then(Node::text)
                .unwrap_or("rwm")
                .to_string(),
        });
    }
    let t = item.text()?;
    let parts: Vec<&str> = t.split(':').collect();
    Some(DeviceFacts {
        host_path: parts[0].to_string(),
        container_path: parts.get(1).unwrap_or(&parts[0]).to_string(),
        permissions: parts.get(2).unwrap_or(&"rwm").to_string(),
    })
}

fn device_requests(n: &Node) -> Vec<String> {
    let mut out = Vec::new();
    if n.get("gpus").is_some() {
        out.push("nvidia".to_string());
    }
    let devs = n
        .get("deploy")
        .and_then(|d| d.get("resources"))
        .and_then(|r| r.get("reservations"))
        .and_then(|r| r.get("devices"));
    for d in devs.map(Node::items).unwrap_or(&[]) {
        out.push(
            d.get("driver")
                .and_then(Node::text)
                .unwrap_or("")
                .to_string(),
        );
    }
    out
}

/// `512m`, `1g`, `1024` (bytes) as bytes.
pub fn parse_bytes(s: &str) -> Option<i64> {
    let s = s.trim().to_ascii_lowercase();
    let s = s.strip_suffix('b').unwrap_or(&s);
    let (num, mult) = match s.chars().last()? {
        'k' => (&s[..s.len() - 1], 1i64 << 10),
        'm' => (&s[..s.len() - 1], 1 << 20),
        'g' => (&s[..s.len() - 1], 1 << 30),
        't' => (&s[..s.len() - 1], 1 << 40),
        _ => (s, 1),
    };
    let v: f64 = num.trim().parse().ok()?;
    Some((v * mult as f64) as i64)
}

fn resources(n: &Node) -> Resources {
    let limits = n
        .get("deploy")
        .and_then(|d| d.get("resources"))
        .and_then(|r| r.get("limits"));
    let get = |legacy: &str, deploy: &str| {
        n.get(legacy)
            .and_then(Node::text)
            .or_else(|| limits.and_then(|l| l.get(deploy)).and_then(Node::text))
            .map(str::to_string)
    };
    let memory = get("mem_limit", "memory")
        .and_then(|m| parse_bytes(&m))
        .unwrap_or(0);
    let nano_cpus = get("cpus", "cpus")
        .and_then(|c| c.parse::<f64>().ok())
        .map(|c| (c * 1e9) as i64)
        .unwrap_or(0);
    let num = |key: &str| {
        n.get(key)
            .and_then(Node::text)
            .and_then(|v| v.parse::<i64>().ok())
    };
    let ulimits = n
        .get("ulimits")
        .map(|u| u.entries().iter().map(|e| e.key.clone()).collect())
        .unwrap_or_default();
    Resources {
        memory,
        nano_cpus,
        cpu_shares: num("cpu_shares").unwrap_or(0),
        cpu_quota: num("cpu_quota").unwrap_or(0),
        cpuset_cpus: n
            .get("cpuset")
            .and_then(Node::text)
            .unwrap_or("")
            .to_string(),
        pids_limit: num("pids_limit")
            .or_else(|| get("pids_limit", "pids").and_then(|p| p.parse().ok())),
        ulimits,
        oom_kill_disable: n.get("oom_kill_disable").and_then(Node::as_bool) == Some(true),
    }
}

fn restart(n: &Node) -> RestartPolicy {
    if let Some(r) = n.get("restart").and_then(Node::text) {
        let (name, retries) = r.split_once(':').unwrap_or((r, "0"));
        return RestartPolicy {
            name: name.to_string(),
            max_retries: retries.parse().unwrap_or(0),
        };
    }
    let policy = n.get("deploy").and_then(|d| d.get("restart_policy"));
    let name = match policy.and_then(|p| p.get("condition")).and_then(Node::text) {
        Some("any") => "always",
        Some("on-failure") => "on-failure",
        Some(_) => "no",
        None if policy.is_some() => "always",
        None => "",
    };
    RestartPolicy {
        name: name.to_string(),
        max_retries: policy
            .and_then(|p| p.get("max_attempts"))
            .and_then(Node::text)
            .and_then(|m| m.parse().ok())
            .unwrap_or(0),
    }
}
