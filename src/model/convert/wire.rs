//! Lean wire types for the two documents a scan reads per host, parsed straight into the
//! model: `GET /containers/{id}/json` ([`container_from_slice`]) and
//! `GET /containers/json` ([`summaries_from_slice`]).
//!
//! Only the fields seawall reads are declared; serde skips the rest of the document
//! without building it. Strings that are transformed anyway (the name, env entries,
//! capabilities, enum-like values, host ports) are borrowed from the response body when
//! they hold no escapes. Tolerant like the daemon's own documents: a missing or `null`
//! field is its default (a `null` list or map is empty), unknown fields are ignored, and
//! an enum-like value seawall does not know is kept as text or read as `Unknown` rather
//! than failing the whole container.
//!
//! Secrets are redacted here, on the way in ([`crate::redact`]): environment entries,
//! labels and the healthcheck's `Test`. Labels are capped ([`LABELS_KEPT`] per container,
//! [`LABEL_TEXT_MAX`] bytes each), so memory is bounded by what is shown. `Cmd`, `Entrypoint` and `Args` are not read (no
//! output shows them from the facts; the raw document is redacted by
//! [`crate::redact::redact_json`]).

use super::super::container::*;
use super::array_stream::ArrayElements;
use crate::redact::{redact_argv, redact_env_entry, redact_label};
use crate::risk::confinement::normalize_cap;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// A string borrowed from the body when it has no escapes, owned otherwise.
#[derive(Debug, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(transparent)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

impl Text<'_> {
    fn as_str(&self) -> &str {
        &self.0
    }
}

fn text<'t>(v: &'t Option<Text<'_>>) -> &'t str {
    v.as_ref().map_or("", Text::as_str)
}

/// `GET /containers/{id}/json`, the parts seawall reads.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Inspect<'a> {
    id: Option<String>,
    created: Option<String>,
    #[serde(borrow)]
    state: Option<State<'a>>,
    image: Option<String>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
    app_armor_profile: Option<String>,
    #[serde(borrow)]
    host_config: Option<HostConfig<'a>>,
    #[serde(borrow)]
    mounts: Option<Vec<Mount<'a>>>,
    #[serde(borrow)]
    config: Option<Config<'a>>,
    #[serde(borrow)]
    network_settings: Option<NetworkSettings<'a>>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct State<'a> {
    #[serde(borrow)]
    status: Option<Text<'a>>,
    exit_code: Option<i64>,
    #[serde(borrow)]
    started_at: Option<Text<'a>>,
    #[serde(borrow)]
    health: Option<Health<'a>>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Health<'a> {
    #[serde(borrow)]
    status: Option<Text<'a>>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Config<'a> {
    #[serde(borrow)]
    env: Option<Vec<Text<'a>>>,
    image: Option<String>,
    labels: Option<CappedLabels>,
    user: Option<String>,
    working_dir: Option<String>,
    tty: Option<bool>,
    healthcheck: Option<HealthConfig>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HealthConfig {
    test: Option<Vec<String>>,
}

/// How many labels a container keeps: the first ones by key. No rule reads labels; they
/// are shown and filtered on, and a container with 200 labels of 1 KB each would otherwise
/// cost 200 KB of memory for as long as it is watched.
pub const LABELS_KEPT: usize = 64;
/// How long a kept label key or value may be, in bytes: longer ones are cut at a character
/// boundary and end with `…`.
pub const LABEL_TEXT_MAX: usize = 256;

/// `Config.Labels`, read without building the whole map: at most [`LABELS_KEPT`] labels
/// (the first by key), each redacted ([`crate::redact::redact_label`], on the whole value)
/// and then cut to [`LABEL_TEXT_MAX`] bytes. Strings of the labels left out are skipped,
/// not allocated.
#[derive(Default)]
struct CappedLabels(BTreeMap<String, String>);

/// `s` cut to at most [`LABEL_TEXT_MAX`] bytes (the cut marked with `…`).
pub fn cap_label_text(s: &str) -> String {
    if s.len() <= LABEL_TEXT_MAX {
        return s.to_string();
    }
    let mut end = LABEL_TEXT_MAX - '…'.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end + '…'.len_utf8());
    out.push_str(&s[..end]);
    out.push('…');
    out
}

impl<'de> Deserialize<'de> for CappedLabels {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = CappedLabels;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of labels")
            }
            fn visit_unit<E>(self) -> Result<CappedLabels, E> {
                Ok(CappedLabels::default())
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<CappedLabels, A::Error> {
                let mut out: BTreeMap<String, String> = BTreeMap::new();
                while let Some(full_key) = map.next_key::<Text<'de>>()? {
                    let key = cap_label_text(full_key.as_str());
                    if out.len() >= LABELS_KEPT
                        && out.last_key_value().is_some_and(|(last, _)| key >= *last)
                    {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    }
                    let value = map.next_value::<Option<Text<'de>>>()?;
                    // Redacted on the whole key and value: a cut could hide what marks a secret.
                    let shown = redact_label(full_key.as_str(), text(&value));
                    out.insert(key, cap_label_text(&shown));
                    if out.len() > LABELS_KEPT {
                        out.pop_last();
                    }
                }
                Ok(CappedLabels(out))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// `NetworkSettings.Ports` / `HostConfig.PortBindings`: container port -> bindings.
type PortMap<'a> = BTreeMap<Text<'a>, Option<Vec<PortBinding<'a>>>>;

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HostConfig<'a> {
    privileged: Option<bool>,
    #[serde(borrow)]
    cap_add: Option<Vec<Text<'a>>>,
    #[serde(borrow)]
    cap_drop: Option<Vec<Text<'a>>>,
    security_opt: Option<Vec<String>>,
    readonly_rootfs: Option<bool>,
    masked_paths: Option<Vec<String>>,
    readonly_paths: Option<Vec<String>>,
    sysctls: Option<BTreeMap<String, String>>,
    runtime: Option<String>,
    group_add: Option<Vec<String>>,
    cgroup_parent: Option<String>,

    network_mode: Option<String>,
    pid_mode: Option<String>,
    ipc_mode: Option<String>,
    #[serde(rename = "UTSMode")]
    uts_mode: Option<String>,
    userns_mode: Option<String>,
    cgroupns_mode: Option<String>,

    volumes_from: Option<Vec<String>>,
    #[serde(borrow)]
    port_bindings: Option<PortMap<'a>>,
    devices: Option<Vec<Device>>,
    device_cgroup_rules: Option<Vec<String>>,
    device_requests: Option<Vec<DeviceRequest>>,

    memory: Option<i64>,
    nano_cpus: Option<i64>,
    cpu_shares: Option<i64>,
    cpu_quota: Option<i64>,
    cpuset_cpus: Option<String>,
    pids_limit: Option<i64>,
    ulimits: Option<Vec<Ulimit>>,
    oom_kill_disable: Option<bool>,
    #[serde(borrow)]
    restart_policy: Option<Restart<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PortBinding<'a> {
    host_ip: Option<String>,
    #[serde(borrow)]
    host_port: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Device {
    path_on_host: Option<String>,
    path_in_container: Option<String>,
    cgroup_permissions: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeviceRequest {
    driver: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Ulimit {
    name: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Restart<'a> {
    #[serde(borrow)]
    name: Option<Text<'a>>,
    maximum_retry_count: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Mount<'a> {
    #[serde(rename = "Type", borrow)]
    typ: Option<Text<'a>>,
    name: Option<String>,
    source: Option<String>,
    destination: Option<String>,
    driver: Option<String>,
    mode: Option<String>,
    #[serde(rename = "RW")]
    rw: Option<bool>,
    propagation: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NetworkSettings<'a> {
    #[serde(borrow)]
    ports: Option<PortMap<'a>>,
    networks: Option<BTreeMap<String, Endpoint>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Endpoint {
    #[serde(rename = "IPAMConfig")]
    ipam_config: Option<Ipam>,
    links: Option<Vec<String>>,
    aliases: Option<Vec<String>>,
    driver_opts: Option<BTreeMap<String, String>>,
    #[serde(rename = "NetworkID")]
    network_id: Option<String>,
    #[serde(rename = "EndpointID")]
    endpoint_id: Option<String>,
    #[serde(rename = "IPAddress")]
    ip_address: Option<String>,
}

#[derive(Default, Deserialize)]
struct Ipam {
    #[serde(rename = "IPv4Address")]
    ipv4_address: Option<String>,
    #[serde(rename = "IPv6Address")]
    ipv6_address: Option<String>,
    #[serde(rename = "LinkLocalIPs")]
    link_local_ips: Option<Vec<String>>,
}

/// One entry of `GET /containers/json`, the parts seawall reads.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListEntry<'a> {
    id: Option<String>,
    #[serde(borrow)]
    names: Option<Vec<Text<'a>>>,
    #[serde(borrow)]
    state: Option<Text<'a>>,
}

/// The daemon's state word (`State.Status`, or `State` in the list). `stopping` is
/// reported as exited; anything unknown (or empty) is `Unknown`.
pub fn container_state(status: &str) -> ContainerState {
    match status {
        "created" => ContainerState::Created,
        "running" => ContainerState::Running,
        "paused" => ContainerState::Paused,
        "restarting" => ContainerState::Restarting,
        "removing" => ContainerState::Removing,
        "exited" | "stopping" => ContainerState::Exited,
        "dead" => ContainerState::Dead,
        _ => ContainerState::Unknown,
    }
}

fn mount_kind(t: &str) -> MountKind {
    match t {
        "bind" => MountKind::Bind,
        "volume" => MountKind::Volume,
        "tmpfs" => MountKind::Tmpfs,
        "npipe" => MountKind::Npipe,
        "cluster" => MountKind::Cluster,
        "image" => MountKind::Image,
        _ => MountKind::Other,
    }
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

fn caps(list: Option<Vec<Text<'_>>>) -> Vec<String> {
    list.unwrap_or_default()
        .iter()
        .map(|c| normalize_cap(c.as_str()))
        .collect()
}

/// Parse a body: one UTF-8 check of the whole of it (std's check runs a word at a time
/// over ASCII) instead of one per string serde reads (a document is mostly short keys). A
/// body with invalid UTF-8 somewhere is parsed as bytes, where only the strings seawall
/// reads must be valid: the same answer either way.
fn from_body<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    }
}

/// Parse one `GET /containers/{id}/json` body into the model. `volumes` maps volume
/// names to what the daemon said about them (missing entries simply have no backing
/// information).
pub fn container_from_slice(
    bytes: &[u8],
    volumes: &HashMap<String, VolumeBacking>,
) -> Result<ContainerFacts, serde_json::Error> {
    let doc: Inspect<'_> = from_body(bytes)?;
    Ok(facts(doc, volumes))
}

/// Parse one `GET /containers/json` body. Names lose their leading slash; entries
/// without an id are skipped.
pub fn summaries_from_slice(bytes: &[u8]) -> Result<Vec<ContainerSummary>, serde_json::Error> {
    let entries: Option<Vec<ListEntry<'_>>> = from_body(bytes)?;
    Ok(entries
        .unwrap_or_default()
        .into_iter()
        .filter_map(summary)
        .collect())
}

fn summary(e: ListEntry<'_>) -> Option<ContainerSummary> {
    Some(ContainerSummary {
        id: e.id.filter(|id| !id.is_empty())?,
        names: e
            .names
            .unwrap_or_default()
            .iter()
            .map(|n| n.as_str().trim_start_matches('/').to_string())
            .collect(),
        state: container_state(text(&e.state)),
    })
}

/// [`summaries_from_slice`] for a body read chunk by chunk. A list up to
/// [`SummaryStream::WHOLE_UP_TO`] bytes is kept and parsed whole (the common case: 500
/// ordinary containers list in 400 KB); past that, each entry is parsed as soon as it is
/// complete and its bytes dropped (labels, ports, mounts of the list are never held
/// whole), so a 60 MB list costs one entry of memory. Same result, same errors.
#[derive(Debug, Default)]
pub struct SummaryStream {
    /// The body so far, while it is small.
    whole: Vec<u8>,
    streaming: bool,
    elements: ArrayElements,
    out: Vec<ContainerSummary>,
    error: Option<serde_json::Error>,
}

impl SummaryStream {
    /// Bodies up to this size are parsed whole.
    pub const WHOLE_UP_TO: usize = 1 << 20;

    pub fn new() -> Self {
        Self::default()
    }

    /// A splitter from the first byte, whatever the size (for tests).
    #[cfg(test)]
    fn streaming() -> Self {
        SummaryStream {
            streaming: true,
            ..Self::default()
        }
    }

    /// The next chunk of the body.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.streaming {
            return self.split(chunk);
        }
        self.whole.extend_from_slice(chunk);
        if self.whole.len() > Self::WHOLE_UP_TO {
            self.streaming = true;
            let so_far = std::mem::take(&mut self.whole);
            self.split(&so_far);
        }
    }

    fn split(&mut self, chunk: &[u8]) {
        let SummaryStream {
            elements,
            out,
            error,
            ..
        } = self;
        elements.push(chunk, |bytes| {
            if error.is_some() {
                return;
            }
            match from_body::<ListEntry<'_>>(bytes) {
                Ok(entry) => out.extend(summary(entry)),
                Err(e) => *error = Some(e),
            }
        });
    }

    /// The end of the body: every summary, or the first error.
    pub fn finish(self) -> Result<Vec<ContainerSummary>, serde_json::Error> {
        if !self.streaming {
            return summaries_from_slice(&self.whole);
        }
        if let Some(e) = self.error {
            return Err(e);
        }
        match self.elements.finish() {
            Ok(()) => Ok(self.out),
            // Not an array (`null`, or broken): parsed whole, for the same answer or error.
            Err(rest) => {
                let mut all = summaries_from_slice(&rest)?;
                all.splice(0..0, self.out);
                Ok(all)
            }
        }
    }
}

fn facts(doc: Inspect<'_>, volumes: &HashMap<String, VolumeBacking>) -> ContainerFacts {
    let hc = doc.host_config.unwrap_or_default();
    let cfg = doc.config.unwrap_or_default();
    let state = doc.state.unwrap_or_default();
    let net = doc.network_settings.unwrap_or_default();

    let env = cfg
        .env
        .unwrap_or_default()
        .iter()
        .map(|entry| {
            let (name, value, redacted) = redact_env_entry(entry.as_str());
            EnvVar {
                name,
                value,
                redacted,
            }
        })
        .collect();

    let mounts = doc
        .mounts
        .unwrap_or_default()
        .into_iter()
        .map(|m| {
            let kind = mount_kind(text(&m.typ));
            let backing = m
                .name
                .as_ref()
                .filter(|_| kind == MountKind::Volume)
                .and_then(|n| volumes.get(n).cloned());
            MountFacts {
                kind,
                name: non_empty(m.name),
                source: m.source.unwrap_or_default(),
                destination: m.destination.unwrap_or_default(),
                driver: non_empty(m.driver),
                mode: m.mode.unwrap_or_default(),
                rw: m.rw.unwrap_or(true),
                propagation: m.propagation.unwrap_or_default(),
                backing,
            }
        })
        .collect();

    // Live port bindings once started; the requested bindings before that.
    let live = net.ports.unwrap_or_default();
    let port_map = if live
        .values()
        .any(|b| b.as_ref().is_some_and(|v| !v.is_empty()))
    {
        live
    } else {
        hc.port_bindings.unwrap_or_default()
    };
    let mut ports: Vec<PublishedPort> = port_map
        .into_iter()
        .flat_map(|(cport, bindings)| {
            bindings
                .unwrap_or_default()
                .into_iter()
                .map(move |b| PublishedPort {
                    container_port: cport.as_str().to_string(),
                    host_ip: b.host_ip.unwrap_or_default(),
                    host_port: b
                        .host_port
                        .as_ref()
                        .and_then(|p| p.as_str().parse().ok())
                        .filter(|p| *p != 0),
                })
        })
        .collect();
    ports.sort_by(|a, b| {
        (a.container_port.as_str(), a.host_ip.as_str(), a.host_port).cmp(&(
            b.container_port.as_str(),
            b.host_ip.as_str(),
            b.host_port,
        ))
    });

    // A map keyed by name: already sorted by name.
    let attachments: Vec<NetworkAttachment> = net
        .networks
        .unwrap_or_default()
        .into_iter()
        .map(|(name, ep)| attachment(name, ep))
        .collect();
    let networks: Vec<String> = attachments.iter().map(|a| a.name.clone()).collect();

    let health_test = cfg
        .healthcheck
        .and_then(|h| h.test)
        .map(|t| redact_argv(&t));
    let health_status = state.health.as_ref().map_or("", |h| text(&h.status));
    let healthcheck = match health_test.as_deref() {
        Some([first, ..]) if first == "NONE" => Healthcheck::Disabled,
        Some([_, ..]) => Healthcheck::Configured {
            status: Some(health_status)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        },
        // The image's HEALTHCHECK shows up only as State.Health once it ran.
        _ if !health_status.is_empty() && health_status != "none" => Healthcheck::Configured {
            status: Some(health_status.to_string()),
        },
        _ => Healthcheck::Missing,
    };

    let restart = hc.restart_policy.unwrap_or_default();
    let image_id = doc.image.unwrap_or_default();

    ContainerFacts {
        id: doc.id.unwrap_or_default(),
        name: text(&doc.name).trim_start_matches('/').to_string(),
        image: cfg.image.unwrap_or_else(|| image_id.clone()),
        image_id,
        state: container_state(text(&state.status)),
        exit_code: state.exit_code,
        created: doc.created,
        started_at: state
            .started_at
            .filter(|t| !t.as_str().starts_with("0001-01-01"))
            .map(|t| t.0.into_owned()),
        labels: cfg.labels.unwrap_or_default().0,
        user: cfg.user.unwrap_or_default(),
        env,
        working_dir: cfg.working_dir.unwrap_or_default(),
        tty: cfg.tty.unwrap_or(false),

        privileged: hc.privileged.unwrap_or(false),
        cap_add: caps(hc.cap_add),
        cap_drop: caps(hc.cap_drop),
        security_opt: hc.security_opt.unwrap_or_default(),
        apparmor_profile: doc.app_armor_profile.unwrap_or_default(),
        readonly_rootfs: hc.readonly_rootfs.unwrap_or(false),
        masked_paths: hc.masked_paths,
        readonly_paths: hc.readonly_paths,
        sysctls: hc.sysctls.unwrap_or_default(),
        runtime: hc.runtime.unwrap_or_default(),
        group_add: hc.group_add.unwrap_or_default(),
        cgroup_parent: hc.cgroup_parent.unwrap_or_default(),

        network_mode: hc.network_mode.unwrap_or_default(),
        pid_mode: hc.pid_mode.unwrap_or_default(),
        ipc_mode: hc.ipc_mode.unwrap_or_default(),
        uts_mode: hc.uts_mode.unwrap_or_default(),
        userns_mode: hc.userns_mode.unwrap_or_default(),
        cgroupns_mode: hc.cgroupns_mode.unwrap_or_default(),
        networks,
        attachments,

        mounts,
        volumes_from: hc.volumes_from.unwrap_or_default(),
        ports,
        devices: hc
            .devices
            .unwrap_or_default()
            .into_iter()
            .map(|d| DeviceFacts {
                host_path: d.path_on_host.unwrap_or_default(),
                container_path: d.path_in_container.unwrap_or_default(),
                permissions: d.cgroup_permissions.unwrap_or_default(),
            })
            .collect(),
        device_cgroup_rules: hc.device_cgroup_rules.unwrap_or_default(),
        device_requests: hc
            .device_requests
            .unwrap_or_default()
            .into_iter()
            .map(|r| non_empty(r.driver).unwrap_or_else(|| "gpu".into()))
            .collect(),

        resources: Resources {
            memory: hc.memory.unwrap_or(0),
            nano_cpus: hc.nano_cpus.unwrap_or(0),
            cpu_shares: hc.cpu_shares.unwrap_or(0),
            cpu_quota: hc.cpu_quota.unwrap_or(0),
            cpuset_cpus: hc.cpuset_cpus.unwrap_or_default(),
            pids_limit: hc.pids_limit,
            ulimits: hc
                .ulimits
                .unwrap_or_default()
                .into_iter()
                .filter_map(|u| u.name)
                .collect(),
            oom_kill_disable: hc.oom_kill_disable.unwrap_or(false),
        },
        restart: RestartPolicy {
            name: match text(&restart.name) {
                "" => "no".to_string(),
                name => name.to_string(),
            },
            max_retries: restart.maximum_retry_count.unwrap_or(0),
        },
        healthcheck,
        health_test,
    }
}

/// One `NetworkSettings.Networks` entry.
fn attachment(name: String, ep: Endpoint) -> NetworkAttachment {
    let ipam = ep.ipam_config.unwrap_or_default();
    NetworkAttachment {
        name,
        network_id: ep.network_id.unwrap_or_default(),
        endpoint_id: ep.endpoint_id.unwrap_or_default(),
        aliases: ep.aliases.unwrap_or_default(),
        ipv4_address: non_empty(ipam.ipv4_address),
        ipv6_address: non_empty(ipam.ipv6_address),
        link_local_ips: ipam.link_local_ips.unwrap_or_default(),
        links: ep.links.unwrap_or_default(),
        driver_opts: ep.driver_opts.unwrap_or_default(),
        ip_address: non_empty(ep.ip_address),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_strings_are_borrowed_and_escaped_ones_owned() {
        let state: State<'_> = serde_json::from_slice(
            br#"{"Status": "running", "Health": {"Status": "he\u0061lthy"}}"#,
        )
        .unwrap();
        assert!(matches!(state.status, Some(Text(Cow::Borrowed("running")))));
        let health = state.health.unwrap().status.unwrap();
        assert!(matches!(health, Text(Cow::Owned(ref s)) if s == "healthy"));
    }

    #[test]
    fn labels_are_capped_in_number_and_length_after_redaction() {
        let mut labels = serde_json::Map::new();
        for i in 0..200 {
            labels.insert(format!("com.example.l{i:03}"), "x".repeat(1024).into());
        }
        let long_secret_key = format!("{}_PASSWORD", "a".repeat(300));
        labels.insert(long_secret_key.clone(), "hunter2".into());
        labels.insert("a.url".into(), "https://u:pw@h/x".into());
        labels.insert("a.short".into(), "é".repeat(200).into());
        let doc = serde_json::json!({"Id": "c1", "Config": {"Labels": labels}});
        let c = container_from_slice(&serde_json::to_vec(&doc).unwrap(), &HashMap::new()).unwrap();
        assert_eq!(c.labels.len(), LABELS_KEPT);
        // The first labels by key are kept, every key and value at most LABEL_TEXT_MAX bytes.
        let keys: Vec<&String> = c.labels.keys().collect();
        assert_eq!(keys[0], "a.short");
        assert_eq!(keys[1], "a.url");
        assert!(keys[2].starts_with("aaaa") && keys[2].ends_with('…'));
        assert_eq!(keys[3], "com.example.l000");
        assert_eq!(
            keys[LABELS_KEPT - 1],
            &format!("com.example.l{:03}", LABELS_KEPT - 4)
        );
        for (k, v) in &c.labels {
            assert!(
                k.len() <= LABEL_TEXT_MAX && v.len() <= LABEL_TEXT_MAX,
                "{k}"
            );
        }
        // Redacted on the whole key and value, then cut.
        assert_eq!(c.labels[keys[2]], crate::redact::REDACTED);
        assert_eq!(c.labels["a.url"], "https://u:<redacted>@h/x");
        let cut = &c.labels["a.short"];
        assert!(cut.ends_with('…') && cut.starts_with("éé"));
        assert_eq!(c.labels["com.example.l000"].len(), LABEL_TEXT_MAX);
        // Nothing of the secret anywhere.
        assert!(!serde_json::to_string(&c).unwrap().contains("hunter2"));
        // Short labels are kept whole; no labels and `null` are empty.
        let doc = br#"{"Config": {"Labels": {"b": "2", "a": "1"}}}"#;
        let c = container_from_slice(doc, &HashMap::new()).unwrap();
        assert_eq!(
            c.labels,
            BTreeMap::from([("a".into(), "1".into()), ("b".into(), "2".into())])
        );
        let c = container_from_slice(br#"{"Config": {"Labels": null}}"#, &HashMap::new()).unwrap();
        assert!(c.labels.is_empty());
    }

    #[test]
    fn the_list_parsed_as_it_arrives_equals_the_whole_parse() {
        let mut list = Vec::new();
        for i in 0..40 {
            let state = ["running", "exited", "created"][i % 3];
            let mut labels = serde_json::Map::new();
            for l in 0..(i % 7) {
                labels.insert(format!("k{l}"), format!("v]}}\"{i},{l}").into());
            }
            list.push(serde_json::json!({
                "Id": if i == 5 { String::new() } else { format!("id{i}") },
                "Names": [format!("/n\\é{i}")],
                "State": state,
                "Labels": labels,
                "Ports": [{"PrivatePort": 80, "Type": "tcp"}],
            }));
        }
        let body = serde_json::to_vec(&list).unwrap();
        let whole = summaries_from_slice(&body).unwrap();
        assert_eq!(whole.len(), 39, "the entry without an id is skipped");
        for size in [1, 7, 100, 4096, body.len()] {
            for mut s in [SummaryStream::new(), SummaryStream::streaming()] {
                body.chunks(size).for_each(|c| s.push(c));
                assert_eq!(s.finish().unwrap(), whole, "chunks of {size}");
            }
        }
        // `null` is an empty list; a broken or cut body is an error, as a whole parse says.
        let mut s = SummaryStream::streaming();
        s.push(b"null");
        assert!(s.finish().unwrap().is_empty());
        let bad: [&[u8]; 4] = [&body[..body.len() - 1], b"[{\"Id\": 5}]", b"{}", b""];
        for bad in bad {
            for mut s in [SummaryStream::new(), SummaryStream::streaming()] {
                s.push(bad);
                assert!(s.finish().is_err(), "{}", String::from_utf8_lossy(bad));
            }
            assert!(summaries_from_slice(bad).is_err());
        }
        // A list larger than WHOLE_UP_TO switches to streaming on the way, same answer.
        let mut big = Vec::new();
        while serde_json::to_vec(&big).unwrap().len() <= SummaryStream::WHOLE_UP_TO {
            let n = big.len();
            big.push(
                serde_json::json!({"Id": format!("id{n}"), "Names": [format!("/c{n}")],
                "State": "exited", "Labels": {"k": "x".repeat(20_000)}}),
            );
        }
        let body = serde_json::to_vec(&big).unwrap();
        let mut s = SummaryStream::new();
        body.chunks(8192).for_each(|c| s.push(c));
        assert!(s.streaming && s.whole.is_empty());
        let got = s.finish().unwrap();
        assert_eq!(got, summaries_from_slice(&body).unwrap());
        assert_eq!(got.len(), big.len());
    }

    #[test]
    fn invalid_utf8_outside_what_is_read_is_tolerated_inside_is_an_error() {
        let doc = b"{\"Id\": \"c1\", \"Name\": \"/web\", \"Extra\": \"\xff\xfe\"}";
        let c = container_from_slice(doc, &HashMap::new()).unwrap();
        assert_eq!((c.id.as_str(), c.name.as_str()), ("c1", "web"));
        let doc = b"{\"Id\": \"c1\", \"Name\": \"/w\xffb\"}";
        assert!(container_from_slice(doc, &HashMap::new()).is_err());
    }

    #[test]
    fn state_words() {
        assert_eq!(container_state("stopping"), ContainerState::Exited);
        assert_eq!(container_state(""), ContainerState::Unknown);
        assert_eq!(container_state("paused"), ContainerState::Paused);
    }
}
