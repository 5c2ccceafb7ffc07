//! bollard's `/events`, exec inspect, `/changes` and `/top` answers into the plain activity
//! types of [`crate::model::activity`]. The only place those bollard types are read.
//!
//! Nothing here fails: a missing or odd field becomes an empty value, so a malformed
//! message can never stop the watch task. Secrets are redacted on the way in, by
//! [`crate::redact`]: exec commands, event payloads and attributes (a container's labels
//! ride along in its events), and the rows of `top` (the port hands them over redacted, so
//! the evidence `top.json`/`top.txt` and the process rules see the same text). Paths of
//! `/changes` are file names, not values, and are kept as they are.

use crate::model::activity::{
    ChangeKind, DockerEvent, EventKind, ExecFacts, FileChange, ProcessRow,
};
use crate::redact::{redact_argv, redact_command_line, redact_label};
use bollard::models::{
    ChangeType, ContainerInspectResponse, ContainerTopResponse, EventMessage, EventMessageTypeEnum,
    ExecInspectResponse, FilesystemChange,
};
use std::collections::BTreeMap;

/// One `/events` message.
pub fn event(msg: &EventMessage) -> DockerEvent {
    let kind = match msg.typ {
        Some(EventMessageTypeEnum::CONTAINER) => EventKind::Container,
        Some(EventMessageTypeEnum::IMAGE) => EventKind::Image,
        Some(EventMessageTypeEnum::NETWORK) => EventKind::Network,
        Some(EventMessageTypeEnum::VOLUME) => EventKind::Volume,
        Some(EventMessageTypeEnum::DAEMON) => EventKind::Daemon,
        Some(EventMessageTypeEnum::PLUGIN) => EventKind::Plugin,
        Some(other) => EventKind::Other(other.to_string()),
        None => EventKind::Other(String::new()),
    };
    let (action, payload) = split_action(msg.action.as_deref().unwrap_or(""));
    let actor = msg.actor.as_ref();
    let attributes: BTreeMap<String, String> = actor
        .and_then(|a| a.attributes.as_ref())
        .map(|attrs| {
            attrs
                .iter()
                .map(|(k, v)| (k.clone(), redact_label(k, v)))
                .collect()
        })
        .unwrap_or_default();
    let time_nano = msg
        .time_nano
        .filter(|n| *n > 0)
        .or_else(|| msg.time.and_then(|s| s.checked_mul(1_000_000_000)))
        .unwrap_or(0);
    DockerEvent {
        kind,
        action,
        payload,
        actor_id: actor.and_then(|a| a.id.clone()).unwrap_or_default(),
        attributes,
        time_nano,
    }
}

/// `exec_start: sh -c id` -> (`exec_start`, `Some("sh -c id")`); `die` -> (`die`, `None`).
fn split_action(action: &str) -> (String, Option<String>) {
    match action.split_once(':') {
        Some((verb, rest)) => {
            let rest = rest.trim();
            let payload = (!rest.is_empty()).then(|| redact_command_line(rest));
            (verb.trim().to_string(), payload)
        }
        None => (action.trim().to_string(), None),
    }
}

/// `GET /exec/{id}/json`.
pub fn exec(r: &ExecInspectResponse) -> ExecFacts {
    let pc = r.process_config.as_ref();
    let mut command: Vec<String> = Vec::new();
    if let Some(entry) = pc
        .and_then(|p| p.entrypoint.as_ref())
        .filter(|e| !e.is_empty())
    {
        command.push(entry.clone());
    }
    command.extend(
        pc.and_then(|p| p.arguments.as_ref())
            .into_iter()
            .flatten()
            .cloned(),
    );
    let command = redact_argv(&command);
    ExecFacts {
        id: r.id.clone().unwrap_or_default(),
        container_id: r.container_id.clone().unwrap_or_default(),
        command,
        user: pc.and_then(|p| p.user.clone()).unwrap_or_default(),
        privileged: pc.and_then(|p| p.privileged).unwrap_or(false),
        tty: pc.and_then(|p| p.tty).unwrap_or(false),
        running: r.running.unwrap_or(false),
        exit_code: r.exit_code,
    }
}

/// `Config.Healthcheck.Test` of an inspect document (`["CMD-SHELL", "curl -f ..."]`), which
/// the activity rules use to recognise healthcheck probes among exec sessions. Redacted
/// like an exec's command, so a probe still matches its (redacted) exec.
pub fn healthcheck_test(inspect: &ContainerInspectResponse) -> Option<Vec<String>> {
    inspect
        .config
        .as_ref()
        .and_then(|c| c.healthcheck.as_ref())
        .and_then(|h| h.test.as_deref())
        .filter(|t| !t.is_empty())
        .map(redact_argv)
}

/// `GET /containers/{id}/changes` (the daemon answers `null` when nothing changed).
pub fn changes(list: Option<&[FilesystemChange]>) -> Vec<FileChange> {
    list.unwrap_or_default()
        .iter()
        .map(|c| FileChange {
            path: c.path.clone(),
            kind: match c.kind {
                ChangeType::_0 => ChangeKind::Modified,
                ChangeType::_1 => ChangeKind::Added,
                ChangeType::_2 => ChangeKind::Deleted,
            },
        })
        .collect()
}

/// The rows of `GET /containers/{id}/top` as the port hands them over: every cell
/// redacted (the command column holds whole command lines).
pub fn top_rows(rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    rows.into_iter()
        .map(|row| row.iter().map(|cell| redact_command_line(cell)).collect())
        .collect()
}

/// `GET /containers/{id}/top`. The columns are found by their titles (`ps -ef` gives
/// `UID PID PPID C STIME TTY TIME CMD`; other `ps_args` give `USER`/`COMMAND`); a row
/// shorter than the titles keeps what it has.
pub fn processes(r: &ContainerTopResponse) -> Vec<ProcessRow> {
    process_rows(
        r.titles.as_deref().unwrap_or_default(),
        &top_rows(r.processes.clone().unwrap_or_default()),
    )
}

/// [`processes`] from the titles and rows the Docker port hands over (already redacted by
/// [`top_rows`]).
pub fn process_rows(titles: &[String], rows: &[Vec<String>]) -> Vec<ProcessRow> {
    let titles: Vec<&str> = titles.iter().map(|t| t.trim()).collect();
    let column = |names: &[&str]| titles.iter().position(|t| names.contains(t));
    let pid = column(&["PID"]);
    let user = column(&["UID", "USER"]);
    let cmd = column(&["CMD", "COMMAND", "ARGS"]);
    let cell = |row: &[String], i: Option<usize>| {
        i.and_then(|i| row.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    rows.iter()
        .map(|row| ProcessRow {
            pid: cell(row, pid),
            user: cell(row, user),
            command: cell(row, cmd),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured from engine 20.10.24: `docker exec c sh -c id`.
    const EXEC_START: &str = r#"{"status":"exec_start: sh -c id","id":"4f2d","from":"seawall-test/busybox:latest","Type":"container","Action":"exec_start: sh -c id","Actor":{"ID":"4f2d","Attributes":{"execID":"9a1b","image":"seawall-test/busybox:latest","name":"web","seawall.test":"1"}},"scope":"local","time":1764363000,"timeNano":1764363000123456789}"#;

    fn parse(json: &str) -> EventMessage {
        serde_json::from_str(json).expect("captured event parses")
    }

    #[test]
    fn an_exec_event_keeps_verb_payload_actor_and_nanos() {
        let e = event(&parse(EXEC_START));
        assert_eq!(e.kind, EventKind::Container);
        assert_eq!(e.action, "exec_start");
        assert_eq!(e.payload.as_deref(), Some("sh -c id"));
        assert_eq!(e.actor_id, "4f2d");
        assert_eq!(e.attr("execID"), Some("9a1b"));
        assert_eq!(e.attr("name"), Some("web"));
        assert_eq!(e.time_nano, 1_764_363_000_123_456_789);
    }

    #[test]
    fn kinds_verbs_and_time_fallback() {
        let e = event(&parse(
            r#"{"Type":"volume","Action":"create","Actor":{"ID":"etcvol","Attributes":{"driver":"local"}},"time":12}"#,
        ));
        assert_eq!(e.kind, EventKind::Volume);
        assert_eq!((e.action.as_str(), e.payload.as_deref()), ("create", None));
        assert_eq!(e.time_nano, 12_000_000_000);

        let e = event(&parse(
            r#"{"Type":"container","Action":"health_status: unhealthy","Actor":{"ID":"c1"},"timeNano":5}"#,
        ));
        assert_eq!(e.action, "health_status");
        assert_eq!(e.payload.as_deref(), Some("unhealthy"));
        assert!(e.attributes.is_empty());

        for (typ, kind) in [
            ("image", EventKind::Image),
            ("network", EventKind::Network),
            ("daemon", EventKind::Daemon),
            ("plugin", EventKind::Plugin),
            ("builder", EventKind::Other("builder".into())),
        ] {
            let e = event(&parse(&format!(r#"{{"Type":"{typ}","Action":"prune"}}"#)));
            assert_eq!(e.kind, kind, "{typ}");
            assert_eq!(e.actor_id, "");
        }
    }

    #[test]
    fn an_empty_message_converts_without_panicking() {
        let e = event(&EventMessage::default());
        assert_eq!(e.kind, EventKind::Other(String::new()));
        assert_eq!(e.action, "");
        assert_eq!(e.time_nano, 0);
    }

    #[test]
    fn secrets_in_exec_commands_are_redacted() {
        let e = event(&parse(
            r#"{"Type":"container","Action":"exec_create: env DB_PASSWORD=hunter2 curl https://u:pw@x.io/a","Actor":{"ID":"c"}}"#,
        ));
        let p = e.payload.unwrap();
        assert!(!p.contains("hunter2") && !p.contains(":pw@"), "{p}");
        assert_eq!(
            p,
            "env DB_PASSWORD=<redacted> curl https://u:<redacted>@x.io/a"
        );
    }

    #[test]
    fn exec_inspect_joins_entrypoint_and_arguments() {
        let r: ExecInspectResponse = serde_json::from_str(
            r#"{"ID":"9a1b","Running":true,"ExitCode":null,"ContainerID":"4f2d",
               "ProcessConfig":{"tty":true,"entrypoint":"sh","arguments":["-c","id"],"privileged":false,"user":"0"},
               "OpenStdin":true,"OpenStderr":true,"OpenStdout":true,"CanRemove":false,"DetachKeys":"","Pid":4242}"#,
        )
        .unwrap();
        let x = exec(&r);
        assert_eq!(x.id, "9a1b");
        assert_eq!(x.container_id, "4f2d");
        assert_eq!(x.command, ["sh", "-c", "id"]);
        assert_eq!(x.user, "0");
        assert!(x.tty && x.running && !x.privileged);
        assert_eq!(x.exit_code, None);
        assert_eq!(
            exec(&ExecInspectResponse::default()).command,
            Vec::<String>::new()
        );
    }

    #[test]
    fn the_healthcheck_test_is_read_from_the_config() {
        let r: ContainerInspectResponse = serde_json::from_str(
            r#"{"Config":{"Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":1000000000}}}"#,
        )
        .unwrap();
        assert_eq!(
            healthcheck_test(&r),
            Some(vec!["CMD-SHELL".to_string(), "true".to_string()])
        );
        assert_eq!(healthcheck_test(&ContainerInspectResponse::default()), None);
    }

    #[test]
    fn changes_map_kinds_and_null_is_empty() {
        let list: Vec<FilesystemChange> = serde_json::from_str(
            r#"[{"Path":"/etc","Kind":0},{"Path":"/etc/x","Kind":1},{"Path":"/bin/ls","Kind":2}]"#,
        )
        .unwrap();
        let c = changes(Some(&list));
        assert_eq!(
            c.iter()
                .map(|c| (c.path.as_str(), c.kind))
                .collect::<Vec<_>>(),
            [
                ("/etc", ChangeKind::Modified),
                ("/etc/x", ChangeKind::Added),
                ("/bin/ls", ChangeKind::Deleted)
            ]
        );
        assert!(changes(None).is_empty());
    }

    #[test]
    fn top_columns_are_found_by_title() {
        let r: ContainerTopResponse = serde_json::from_str(
            r#"{"Titles":["UID","PID","PPID","C","STIME","TTY","TIME","CMD"],
               "Processes":[["root","4210","4190","0","10:00","?","00:00:00","sleep 600"],
                            ["root","4300","4190","0","10:01","?","00:00:00","nc -l -p 4444"],
                            ["short"]]}"#,
        )
        .unwrap();
        let p = processes(&r);
        assert_eq!(p.len(), 3);
        assert_eq!(
            (p[1].pid.as_str(), p[1].user.as_str(), p[1].command.as_str()),
            ("4300", "root", "nc -l -p 4444")
        );
        assert_eq!(p[2].user, "short");
        assert_eq!(p[2].command, "");
        let aux: ContainerTopResponse = serde_json::from_str(
            r#"{"Titles":["USER","PID","%CPU","COMMAND"],"Processes":[["app","7","0.0","sh"]]}"#,
        )
        .unwrap();
        assert_eq!(processes(&aux)[0].command, "sh");
        assert!(processes(&ContainerTopResponse::default()).is_empty());
    }
}
