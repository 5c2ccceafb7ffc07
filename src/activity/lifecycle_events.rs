//! Container lifecycle: restart loops, OOM kills, health turning bad, security agents
//! being stopped, renames, updates and attaches (E16, E17, E18, E21, E23).

use super::meta::AlertMeta;
use super::{Alert, ContainerRef};
use crate::model::{ContainerFacts, DockerEvent};
use crate::risk::Severity;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, VecDeque};

use Severity::{High as H, Info as I, Low as L, Medium as M};

pub const RESTART_LOOP: AlertMeta = AlertMeta::new(
    "SW-ACT-LIFE-001",
    M,
    "Container in a crash loop",
    "T1499",
    "Endpoint Denial of Service",
    "A container failing again and again is either broken or being pushed over (resource \
     exhaustion, a crashing exploit attempt); with a restart policy it keeps consuming the \
     host.",
    "Read its logs (docker logs) and last exit codes; stop it if the cause is unknown.",
    0,
);
pub const OOM: AlertMeta = AlertMeta::new(
    "SW-ACT-LIFE-002",
    M,
    "Container killed for running out of memory",
    "T1499",
    "Endpoint Denial of Service",
    "An OOM kill means the container hit its memory limit (or the host ran out): a leak, a \
     load spike, or a denial-of-service attempt; miners also trip it.",
    "Check memory use and logs; set or review the memory limit (--memory).",
    0,
);
pub const UNHEALTHY: AlertMeta = AlertMeta::new(
    "SW-ACT-LIFE-003",
    L,
    "Container became unhealthy",
    "T1499",
    "Endpoint Denial of Service",
    "The container's own healthcheck fails: the service is down or degraded, sometimes the \
     first visible sign of tampering.",
    "Look at the health log (docker inspect --format '{{json .State.Health}}') and the logs.",
    0,
);
pub const AGENT_STOPPED: AlertMeta = AlertMeta::new(
    "SW-ACT-LIFE-004",
    H,
    "Security agent stopped",
    "T1562.001",
    "Disable or Modify Tools",
    "Stopping, killing or pausing a runtime security agent (Falco, Sysdig, Tetragon...) blinds \
     the host's detection: attackers do it right before acting.",
    "Restart the agent and find who stopped it; review what happened on the host while it \
     was down.",
    0,
);
pub const RENAME: AlertMeta = AlertMeta::new(
    "SW-ACT-LIFE-005",
    L,
    "Container renamed",
    "T1036.005",
    "Match Legitimate Name or Location",
    "Renaming a container can disguise it as a trusted workload or hide it from name-based \
     monitoring.",
    "Check that the new name is expected.",
    0,
);
pub const UPDATE: AlertMeta = AlertMeta::new(
    "SW-ACT-LIFE-006",
    I,
    "Container limits or restart policy updated",
    "T1496",
    "Resource Hijacking",
    "docker update changes resource limits and the restart policy of a running container; \
     lifting limits is what a miner needs.",
    "Check the new limits (seawall re-grades the container).",
    0,
);
pub const ATTACH: AlertMeta = AlertMeta::new(
    "SW-ACT-LIFE-007",
    L,
    "Attached to a container's main process",
    "T1609",
    "Container Administration Command",
    "docker attach connects a terminal to the main process's stdin and stdout: when that \
     process is a shell, it is an interactive session.",
    "Check who attached and why.",
    0,
);

/// The lifecycle rules.
pub fn metas() -> Vec<AlertMeta> {
    vec![
        RESTART_LOOP,
        OOM,
        UNHEALTHY,
        AGENT_STOPPED,
        RENAME,
        UPDATE,
        ATTACH,
    ]
}

/// Failures (non-zero `die`) within this window count towards a loop.
pub const LOOP_WINDOW_NS: i64 = 5 * 60 * 1_000_000_000;
/// Failures within the window that make a loop.
pub const LOOP_THRESHOLD: usize = 3;
/// Failures remembered per container.
const MAX_REMEMBERED: usize = 64;
/// A `die` this soon after a `kill` (docker stop / kill) was asked for: not a failure.
const KILL_GRACE_NS: i64 = 30 * 1_000_000_000;
/// One security-agent alert per container within this time (stop = kill + die + stop).
const AGENT_REPEAT_NS: i64 = 60 * 1_000_000_000;

/// Names of runtime security agents (matched in the container name or image).
const SECURITY_AGENTS: &[&str] = &[
    "falco",
    "sysdig",
    "tetragon",
    "tracee",
    "wazuh",
    "osquery",
    "crowdstrike",
    "sentinelone",
    "aqua-enforcer",
    "neuvector",
];

#[derive(Debug, Default)]
struct Episode {
    times: VecDeque<i64>,
    in_loop: bool,
}

/// Per-container lifecycle memory: failure windows and the last health status.
#[derive(Debug, Default)]
pub struct Lifecycle {
    failures: HashMap<String, Episode>,
    health: HashMap<String, (String, u32)>,
    /// Last `kill` event per container (ns).
    killed: HashMap<String, i64>,
    /// Last security-agent alert per container (ns).
    agent_alerted: HashMap<String, i64>,
}

impl Lifecycle {
    /// Record a failure at `t` (ns). Returns the failure count when this one starts a loop
    /// episode. An episode ends when no failure happened for a whole window.
    pub fn record_failure(&mut self, id: &str, t: i64) -> Option<usize> {
        let ep = self.failures.entry(id.to_string()).or_default();
        if ep
            .times
            .back()
            .is_some_and(|last| t - last > LOOP_WINDOW_NS)
        {
            ep.times.clear();
            ep.in_loop = false;
        }
        ep.times.push_back(t);
        while ep
            .times
            .front()
            .is_some_and(|first| t - first > LOOP_WINDOW_NS)
            || ep.times.len() > MAX_REMEMBERED
        {
            ep.times.pop_front();
        }
        if ep.times.len() >= LOOP_THRESHOLD && !ep.in_loop {
            ep.in_loop = true;
            return Some(ep.times.len());
        }
        None
    }

    /// Drop what is known about a container.
    pub fn forget(&mut self, id: &str) {
        self.failures.remove(id);
        self.health.remove(id);
        self.killed.remove(id);
        self.agent_alerted.remove(id);
    }

    /// Alerts for a container lifecycle event.
    pub fn on_event(
        &mut self,
        ev: &DockerEvent,
        container: Option<&ContainerFacts>,
        cref: ContainerRef,
        time: DateTime<Utc>,
    ) -> Vec<Alert> {
        let mut out = Vec::new();
        match ev.action.as_str() {
            "die" => {
                let code = ev.attr("exitCode").unwrap_or("0");
                let asked_to_die = self
                    .killed
                    .get(&ev.actor_id)
                    .is_some_and(|k| (0..=KILL_GRACE_NS).contains(&(ev.time_nano - k)));
                if code != "0"
                    && !asked_to_die
                    && let Some(n) = self.record_failure(&ev.actor_id, ev.time_nano)
                {
                    out.push(RESTART_LOOP.alert(
                        time,
                        Some(cref.clone()),
                        format!("{n} failed exits within 5 min (last exit code {code})"),
                    ));
                }
            }
            "oom" => out.push(OOM.alert(
                time,
                Some(cref.clone()),
                "killed by the OOM killer (memory limit or host memory exhausted)",
            )),
            "health_status" => {
                let status = ev.payload.as_deref().unwrap_or("").trim().to_string();
                let entry = self
                    .health
                    .entry(ev.actor_id.clone())
                    .or_insert_with(|| (String::new(), 0));
                let was_unhealthy = entry.0 == "unhealthy";
                entry.0 = status.clone();
                if status == "unhealthy" && !was_unhealthy {
                    entry.1 += 1;
                    let times = entry.1;
                    let a = UNHEALTHY.alert(
                        time,
                        Some(cref.clone()),
                        if times > 1 {
                            format!("healthcheck failing (unhealthy {times} times while watched)")
                        } else {
                            "healthcheck failing".to_string()
                        },
                    );
                    // Flapping health is a pattern, not a blip.
                    out.push(if times >= 3 { a.with_severity(M) } else { a });
                }
            }
            "kill" | "stop" | "pause" | "destroy" => {
                if ev.action == "kill" {
                    self.killed.insert(ev.actor_id.clone(), ev.time_nano);
                }
                let repeat = self
                    .agent_alerted
                    .get(&ev.actor_id)
                    .is_some_and(|t| (0..AGENT_REPEAT_NS).contains(&(ev.time_nano - t)));
                if let Some(agent) = security_agent(ev, container).filter(|_| !repeat) {
                    self.agent_alerted.insert(ev.actor_id.clone(), ev.time_nano);
                    let how = match ev.action.as_str() {
                        "kill" => format!("killed (signal {})", ev.attr("signal").unwrap_or("?")),
                        "stop" => "stopped".to_string(),
                        "pause" => "paused".to_string(),
                        _ => "removed".to_string(),
                    };
                    out.push(AGENT_STOPPED.alert(
                        time,
                        Some(cref.clone()),
                        format!("{agent} security agent {how}"),
                    ));
                }
            }
            "rename" => {
                let old = ev.attr("oldName").unwrap_or("?").trim_start_matches('/');
                // The facts still carry the old name until the re-inspect: the event's
                // `name` attribute is the new one.
                let mut cref = cref.clone();
                if let Some(new) = ev
                    .attr("name")
                    .map(|n| n.trim_start_matches('/'))
                    .filter(|n| !n.is_empty())
                {
                    cref.name = new.to_string();
                }
                let detail = format!("renamed from {old} to {}", cref.name);
                out.push(RENAME.alert(time, Some(cref), detail));
            }
            "update" => out.push(UPDATE.alert(
                time,
                Some(cref.clone()),
                "docker update (resource limits or restart policy changed)",
            )),
            "attach" => out.push(ATTACH.alert(
                time,
                Some(cref.clone()),
                "docker attach to the main process",
            )),
            _ => {}
        }
        out
    }
}

/// The security agent a container is, by name or image (or `None`).
fn security_agent(ev: &DockerEvent, container: Option<&ContainerFacts>) -> Option<&'static str> {
    let mut texts: Vec<String> = vec![
        ev.attr("name").unwrap_or("").to_ascii_lowercase(),
        ev.attr("image").unwrap_or("").to_ascii_lowercase(),
    ];
    if let Some(c) = container {
        texts.push(c.name.to_ascii_lowercase());
        texts.push(c.image.to_ascii_lowercase());
    }
    SECURITY_AGENTS
        .iter()
        .find(|a| texts.iter().any(|t| t.contains(*a)))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::test_support::{event, event_at};
    use crate::model::EventKind;

    fn cref() -> ContainerRef {
        ContainerRef {
            id: "c1".into(),
            name: "web".into(),
        }
    }

    fn run(l: &mut Lifecycle, ev: &DockerEvent) -> Vec<(String, Severity)> {
        l.on_event(ev, None, cref(), DateTime::UNIX_EPOCH)
            .into_iter()
            .map(|a| (a.rule, a.severity))
            .collect()
    }

    #[test]
    fn restart_loops_alert_once_per_episode() {
        let mut l = Lifecycle::default();
        let die = |secs: i64, code: &str| {
            event_at(
                EventKind::Container,
                "die",
                "c1",
                &[("exitCode", code)],
                secs,
            )
        };
        // (time s, exit code, alert expected)
        let steps = [
            (0, "1", false),
            (10, "0", false), // clean exits do not count
            (20, "1", false),
            (30, "137", true), // third failure within 5 min
            (40, "1", false),  // same episode
            (200, "1", false),
            (290, "1", false),
            (700, "1", false), // quiet for > 5 min: episode over, count restarts
            (710, "1", false),
            (720, "1", true), // a new episode
        ];
        for (secs, code, want) in steps {
            let got = run(&mut l, &die(secs, code));
            assert_eq!(!got.is_empty(), want, "die at {secs}s exit {code}: {got:?}");
            if want {
                assert_eq!(got[0], ("SW-ACT-LIFE-001".to_string(), M));
            }
        }
        // Deaths asked for with docker stop / kill are not failures.
        let mut l = Lifecycle::default();
        for secs in [0, 60, 120] {
            let kill = event_at(
                EventKind::Container,
                "kill",
                "c1",
                &[("signal", "15")],
                secs,
            );
            assert!(run(&mut l, &kill).is_empty());
            assert!(run(&mut l, &die(secs + 2, "143")).is_empty(), "{secs}");
        }
        // Failures spread wider than the window never make a loop.
        let mut l = Lifecycle::default();
        for secs in [0, 200, 400, 600, 800] {
            assert!(run(&mut l, &die(secs, "1")).is_empty(), "{secs}");
        }
    }

    #[test]
    fn health_alerts_only_on_transition() {
        let mut l = Lifecycle::default();
        let h = |s: &str| {
            event(
                EventKind::Container,
                &format!("health_status: {s}"),
                "c1",
                &[],
            )
        };
        let steps = [
            ("starting", None),
            ("unhealthy", Some(L)),
            ("unhealthy", None),
            ("healthy", None),
            ("unhealthy", Some(L)),
            ("healthy", None),
            ("unhealthy", Some(M)), // third time: flapping
        ];
        for (status, want) in steps {
            let got = run(&mut l, &h(status));
            assert_eq!(got.first().map(|g| g.1), want, "{status}");
        }
    }

    #[test]
    fn lifecycle_events_are_graded() {
        type Case<'a> = (
            &'a str,
            &'a [(&'a str, &'a str)],
            Option<(&'a str, Severity)>,
        );
        let cases: &[Case] = &[
            ("oom", &[], Some(("SW-ACT-LIFE-002", M))),
            (
                "kill",
                &[("name", "falco"), ("signal", "9")],
                Some(("SW-ACT-LIFE-004", H)),
            ),
            (
                "stop",
                &[("name", "x"), ("image", "quay.io/cilium/tetragon:v1")],
                Some(("SW-ACT-LIFE-004", H)),
            ),
            ("kill", &[("name", "web"), ("signal", "15")], None),
            (
                "rename",
                &[("oldName", "/old")],
                Some(("SW-ACT-LIFE-005", L)),
            ),
            ("update", &[], Some(("SW-ACT-LIFE-006", I))),
            ("attach", &[], Some(("SW-ACT-LIFE-007", L))),
            ("die", &[("exitCode", "1")], None),
            ("start", &[], None),
        ];
        for (action, attrs, want) in cases {
            let mut l = Lifecycle::default();
            let got = run(&mut l, &event(EventKind::Container, action, "c1", attrs));
            assert_eq!(
                got.first().map(|(r, s)| (r.as_str(), *s)),
                *want,
                "{action}"
            );
        }
        let mut l = Lifecycle::default();
        let a = l.on_event(
            &event(
                EventKind::Container,
                "kill",
                "c1",
                &[("name", "falco"), ("signal", "9")],
            ),
            None,
            cref(),
            DateTime::UNIX_EPOCH,
        );
        assert_eq!(a[0].detail, "falco security agent killed (signal 9)");
        // docker stop = kill + die + stop: one alert.
        let stop = event(EventKind::Container, "stop", "c1", &[("name", "falco")]);
        assert!(
            l.on_event(&stop, None, cref(), DateTime::UNIX_EPOCH)
                .is_empty()
        );
        let a = l.on_event(
            &event(EventKind::Container, "rename", "c1", &[("oldName", "/old")]),
            None,
            cref(),
            DateTime::UNIX_EPOCH,
        );
        assert_eq!(a[0].detail, "renamed from old to web");
        // Facts read before the rename still say `web`: the event's name wins.
        let a = l.on_event(
            &event(
                EventKind::Container,
                "rename",
                "c1",
                &[("oldName", "/web"), ("name", "api")],
            ),
            None,
            cref(),
            DateTime::UNIX_EPOCH,
        );
        assert_eq!(a[0].detail, "renamed from web to api");
        assert_eq!(
            a[0].container.as_ref().map(|c| c.name.as_str()),
            Some("api")
        );
    }
}
