//! The corpus of secret shapes, first against the redactor itself (the secret is gone, the
//! key stays recognisable), then pushed through every output seawall has: the facts, the
//! scan report in every format, the Inspect tab's document, alert details (exec, event
//! and process rules) and every file of an evidence bundle.
//!
//! Every secret holds a marker `zq<nn>` that appears nowhere else, so an output is clean
//! when no marker is in it.

use super::*;
use crate::actions::{ActionKind, ActionRequest, ActionRunner, ActionSettings, Target};
use crate::docker::Top;
use crate::docker::fake::FakeDocker;
use crate::model::convert;
use crate::model::convert::activity as conv;
use crate::model::{ContainerFacts, HostFacts};
use crate::report::Format;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

/// Environment entries: (entry, secret marker, what the redacted entry shows).
const ENV: &[(&str, &str, &str)] = &[
    ("DB_PASSWORD=zq01hunter", "zq01", "DB_PASSWORD=<redacted>"),
    (
        "APP_PASSPHRASE=zq02 horse battery",
        "zq02",
        "APP_PASSPHRASE=<redacted>",
    ),
    ("GPGPASSPHRASE=zq03", "zq03", "GPGPASSPHRASE=<redacted>"),
    ("STRIPE_SK=zq04live", "zq04", "STRIPE_SK=<redacted>"),
    ("SSH_PRIVKEY=zq05", "zq05", "SSH_PRIVKEY=<redacted>"),
    ("JWT_SIGNING=zq06", "zq06", "JWT_SIGNING=<redacted>"),
    ("API_TOKEN=zq07", "zq07", "API_TOKEN=<redacted>"),
    (
        "AWS_SECRET_ACCESS_KEY=zq08",
        "zq08",
        "AWS_SECRET_ACCESS_KEY=<redacted>",
    ),
    (
        "DATABASE_URL=postgres://app:zq09/p#w?d@db:5432/app",
        "zq09",
        "DATABASE_URL=postgres://app:<redacted>@db:5432/app",
    ),
    (
        "CONNECTION=Server=db;User Id=sa;Password=zq10 x;Encrypt=true",
        "zq10",
        "CONNECTION=Server=db;User Id=sa;Password=<redacted>;Encrypt=true",
    ),
    (
        "JAVA_OPTS=-Xmx1g -Ddb.password=zq11",
        "zq11",
        "JAVA_OPTS=-Xmx1g -Ddb.password=<redacted>",
    ),
    (
        "GH_HELPER=ghp_zq12AbCdEfGhIjKlMnOpQr",
        "zq12",
        "GH_HELPER=ghp_<redacted>",
    ),
    (
        "OIDC_ID=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.zq13sig",
        "zq13",
        "OIDC_ID=<redacted>",
    ),
    (
        "REDIS_URL=redis://:zq14@cache:6379/0",
        "zq14",
        "REDIS_URL=redis://:<redacted>@cache:6379/0",
    ),
    (
        "TLS_PEM=-----BEGIN PRIVATE KEY-----\nMIIzq36\n-----END PRIVATE KEY-----",
        "zq36",
        "TLS_PEM=-----BEGIN PRIVATE KEY-----<redacted>-----END PRIVATE KEY-----",
    ),
    (
        "AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=a;AccountKey=zq37==;EndpointSuffix=core",
        "zq37",
        "AccountKey=<redacted>;EndpointSuffix=core",
    ),
];

/// Argv (Cmd, Entrypoint, Args, healthcheck tests, exec commands): (argv, marker,
/// the redacted argv joined by spaces).
const ARGV: &[(&[&str], &str, &str)] = &[
    (
        &["mysqld", "--password=zq15"],
        "zq15",
        "mysqld --password=<redacted>",
    ),
    (
        &["app", "--token", "zq16"],
        "zq16",
        "app --token <redacted>",
    ),
    (
        &["app", "--password", "zq17 two words"],
        "zq17",
        "app --password <redacted>",
    ),
    (
        &["sh", "-c", "export X_PASSPHRASE=zq18 && run"],
        "zq18",
        "sh -c export X_PASSPHRASE=<redacted> && run",
    ),
    (
        &["sshpass", "-p", "zq19", "ssh", "ops@h"],
        "zq19",
        "sshpass -p <redacted> ssh ops@h",
    ),
    (
        &["htpasswd", "-bc", "/etc/.htpasswd", "admin", "zq20"],
        "zq20",
        "htpasswd -bc /etc/.htpasswd admin <redacted>",
    ),
    (
        &["mysql", "-uroot", "-pzq21", "app"],
        "zq21",
        "mysql -uroot -p<redacted> app",
    ),
    (
        &["curl", "-u", "admin:zq22", "https://x.io"],
        "zq22",
        "curl -u admin:<redacted> https://x.io",
    ),
    (
        &["curl", "-H", "Authorization: Bearer zq23", "https://x.io"],
        "zq23",
        "curl -H Authorization: Bearer <redacted> https://x.io",
    ),
    (
        &["docker", "login", "-u", "ci", "-p", "zq24", "reg.io"],
        "zq24",
        "docker login -u ci -p <redacted> reg.io",
    ),
    (
        &["openssl", "rsa", "-passin", "pass:zq25", "-in", "k"],
        "zq25",
        "openssl rsa -passin pass:<redacted> -in k",
    ),
    (
        &["CMD-SHELL", "mysqladmin ping -h localhost -pzq26"],
        "zq26",
        "CMD-SHELL mysqladmin ping -h localhost -p<redacted>",
    ),
    (
        &["node", "app.js", "--api-key", "zq35"],
        "zq35",
        "node app.js --api-key <redacted>",
    ),
    (
        &["psql", "postgresql://u:zq38@db/x?sslmode=require"],
        "zq38",
        "psql postgresql://u:<redacted>@db/x?sslmode=require",
    ),
];

/// Labels: (key, value, marker, the redacted value).
const LABELS: &[(&str, &str, &str, &str)] = &[
    ("db.password", "zq27", "zq27", "<redacted>"),
    (
        "app.broker",
        "amqp://guest:zq28@mq:5672",
        "zq28",
        "amqp://guest:<redacted>@mq:5672",
    ),
    (
        "app.conn",
        "Data Source=x;Pwd=zq29;",
        "zq29",
        "Data Source=x;Pwd=<redacted>;",
    ),
    (
        "traefik.http.middlewares.a.basicauth.users",
        "admin:zq30",
        "zq30",
        "<redacted>",
    ),
    ("app.cmd", "--token=zq39", "zq39", "--token=<redacted>"),
];

/// Command lines as text (`ps` rows, `sh -c` scripts): (line, marker, redacted line).
const LINES: &[(&str, &str, &str)] = &[
    (
        "sshpass -p zq31 ssh ops@host",
        "zq31",
        "sshpass -p <redacted> ssh ops@host",
    ),
    (
        "htpasswd -nb admin zq32",
        "zq32",
        "htpasswd -nb admin <redacted>",
    ),
    (
        "java -jar app.jar --spring.datasource.password=zq34",
        "zq34",
        "java -jar app.jar --spring.datasource.password=<redacted>",
    ),
    (
        "sh -c 'DB_PASS=\"zq40 a b\" ./run'",
        "zq40",
        "sh -c 'DB_PASS=\"<redacted>\" ./run'",
    ),
    (
        "mongo --username u --password zq41 admin",
        "zq41",
        "mongo --username u --password <redacted> admin",
    ),
    (
        "redis-cli -a zq42 ping",
        "zq42",
        "redis-cli -a <redacted> ping",
    ),
    (
        "curl https://x.io/cb?a=1&access_token=zq43",
        "zq43",
        "curl https://x.io/cb?a=1&access_token=<redacted>",
    ),
    (
        "bash -c 'mysql -h db -u root -pzq44 < dump.sql'",
        "zq44",
        "bash -c 'mysql -h db -u root -p<redacted> < dump.sql'",
    ),
];

/// What must stay as it is (no secret): (line, marker).
const KEPT_LINES: &[(&str, &str)] = &[
    (
        "docker login -u ci --password-stdin reg.zqkeep1",
        "reg.zqkeep1",
    ),
    (
        "app --token-file /run/secrets/zqkeep2",
        "/run/secrets/zqkeep2",
    ),
    ("ssh -p 2222 zqkeep3@host", "-p 2222 zqkeep3@host"),
    (
        "http://localhost:8080/zqkeep5/@me",
        "http://localhost:8080/zqkeep5/@me",
    ),
];
const KEPT_ENV: &str = "PWD=/srv/zqkeep4";
const KEPT_LABEL: (&str, &str) = ("com.docker.compose.project", "zqkeep6");

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|s| s.to_string()).collect()
}

/// Every secret marker of the corpus.
fn markers() -> Vec<&'static str> {
    ENV.iter()
        .map(|e| e.1)
        .chain(ARGV.iter().map(|a| a.1))
        .chain(LABELS.iter().map(|l| l.2))
        .chain(LINES.iter().map(|l| l.1))
        .collect()
}

/// Panic with the output's name and the markers found in it.
fn assert_clean(what: &str, text: &str) {
    let leaked: Vec<&str> = markers().into_iter().filter(|m| text.contains(m)).collect();
    assert!(leaked.is_empty(), "{what} leaks {leaked:?}:\n{text}");
}

#[test]
fn every_shape_is_redacted_and_stays_recognisable() {
    for (entry, secret, shown) in ENV {
        let (name, value, redacted) = redact_env_entry(entry);
        let text = format!("{name}={value}");
        assert!(redacted, "{entry}");
        assert!(!text.contains(secret), "{entry} -> {text}");
        assert!(text.contains(shown), "{entry} -> {text}, want {shown}");
    }
    for (argv, secret, shown) in ARGV {
        let out = redact_argv(&strings(argv)).join(" ");
        assert!(!out.contains(secret), "{argv:?} -> {out}");
        assert_eq!(out, *shown, "{argv:?}");
        // The same argv as one line (`ps`, exec event payloads).
        let line = redact_command_line(&argv.join(" "));
        assert!(!line.contains(secret), "{argv:?} as a line -> {line}");
    }
    for (key, value, secret, shown) in LABELS {
        let out = redact_label(key, value);
        assert!(!out.contains(secret), "{key}={value} -> {out}");
        assert_eq!(out, *shown, "{key}={value}");
    }
    for (line, secret, shown) in LINES {
        let out = redact_command_line(line);
        assert!(!out.contains(secret), "{line} -> {out}");
        assert_eq!(out, *shown, "{line}");
        assert_eq!(redact_command_line(&out), out, "twice: {line}");
    }
    for (line, kept) in KEPT_LINES {
        let out = redact_command_line(line);
        assert!(out.contains(kept), "{line} -> {out}");
        assert!(!out.contains(REDACTED), "{line} -> {out}");
    }
    assert_eq!(
        redact_env_entry(KEPT_ENV),
        ("PWD".into(), "/srv/zqkeep4".into(), false)
    );
    assert_eq!(redact_label(KEPT_LABEL.0, KEPT_LABEL.1), KEPT_LABEL.1);
}

// ---- the corpus through every output ----

/// Where an argv goes in the inspect document, in turn.
const ARGV_FIELDS: [&str; 4] = ["Cmd", "Entrypoint", "Args", "Test"];

fn container_id(i: usize) -> String {
    format!("{:064x}", 0xc0ffee_usize + i)
}

/// One inspect document per argv shape: every env entry and label of the corpus, the argv
/// in one of Cmd / Entrypoint / Args / Healthcheck.Test.
fn corpus_documents() -> Vec<Value> {
    let path = format!(
        "{}/tests/fixtures/inspect_default_running.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let base: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut env: Vec<&str> = ENV.iter().map(|e| e.0).collect();
    env.push(KEPT_ENV);
    env.push("PATH=/usr/bin");
    let mut labels: serde_json::Map<String, Value> = LABELS
        .iter()
        .map(|l| (l.0.to_string(), json!(l.1)))
        .collect();
    labels.insert(KEPT_LABEL.0.into(), json!(KEPT_LABEL.1));
    ARGV.iter()
        .enumerate()
        .map(|(i, (argv, _, _))| {
            let mut doc = base.clone();
            doc["Id"] = json!(container_id(i));
            doc["Name"] = json!(format!("/corpus-{i}"));
            doc["Config"]["Env"] = json!(env);
            doc["Config"]["Labels"] = json!(labels);
            let argv = strings(argv);
            match ARGV_FIELDS[i % ARGV_FIELDS.len()] {
                "Cmd" => doc["Config"]["Cmd"] = json!(argv),
                "Entrypoint" => doc["Config"]["Entrypoint"] = json!(argv),
                "Args" => {
                    doc["Path"] = json!(argv[0]);
                    doc["Args"] = json!(argv[1..]);
                }
                _ => {
                    let mut test = argv.clone();
                    if test[0] != "CMD-SHELL" {
                        test.insert(0, "CMD".into());
                    }
                    doc["Config"]["Healthcheck"] = json!({"Test": test, "Interval": 1_000_000_000});
                }
            }
            doc
        })
        .collect()
}

fn corpus_facts() -> Vec<ContainerFacts> {
    corpus_documents()
        .iter()
        .map(|doc| {
            convert::container_from_slice(&serde_json::to_vec(doc).unwrap(), &HashMap::new())
                .unwrap()
        })
        .collect()
}

/// The processes of container `i`: every line of the corpus, and its argv as `ps` shows it.
fn corpus_top(i: usize) -> Top {
    let mut processes: Vec<Vec<String>> = vec![strings(&["root", "1", "sleep 1000"])];
    for (n, (line, _, _)) in LINES.iter().enumerate() {
        processes.push(vec!["root".into(), format!("{}", 10 + n), line.to_string()]);
    }
    processes.push(vec!["root".into(), "99".into(), ARGV[i].0.join(" ")]);
    Top {
        titles: strings(&["UID", "PID", "CMD"]),
        processes,
    }
}

#[test]
fn facts_and_every_report_format_hold_no_secret() {
    let facts = corpus_facts();
    for c in &facts {
        let text = serde_json::to_string(c).unwrap();
        assert_clean("ContainerFacts", &text);
        assert!(
            text.contains("zqkeep4") && text.contains("zqkeep6"),
            "{text}"
        );
    }
    // A secret in the environment is still reported (by name).
    let host = crate::scan::grade_host(crate::inventory::Inventory {
        host: HostFacts::default(),
        containers: facts,
        unread: Vec::new(),
    });
    let report = crate::scan::report(vec![host]);
    for format in Format::ALL {
        let out = crate::report::render(&report, format);
        let text = String::from_utf8_lossy(&out);
        assert_clean(format.as_str(), &text);
        // The secret in the environment is still reported (by name, in the evidence; the
        // table shows no evidence).
        if format != Format::Table {
            assert!(text.contains("SW-ENV-001"), "{}: {text}", format.as_str());
        }
    }
}

#[test]
fn the_raw_inspect_document_holds_no_secret() {
    for mut doc in corpus_documents() {
        let n = redact_json(&mut doc);
        let text = serde_json::to_string_pretty(&doc).unwrap();
        assert_clean("inspect document", &text);
        assert!(text.contains("zqkeep4") && text.contains("zqkeep6"));
        // Every env entry and label of the corpus, and the argv.
        assert!(n > ENV.len() + LABELS.len(), "{n}");
        assert_eq!(text.matches(REDACTED).count(), n, "{text}");
    }
}

#[tokio::test]
async fn the_inspect_tab_document_through_the_port_holds_no_secret() {
    let fake = FakeDocker::new();
    for (doc, facts) in corpus_documents().into_iter().zip(corpus_facts()) {
        let id = facts.id.clone();
        fake.add_container(facts);
        fake.set_raw(&id, doc);
        let text = crate::inventory::raw_inspect(&fake, "fake", &id)
            .await
            .unwrap();
        assert_clean("the Inspect tab", &text);
        let mut view = crate::app::InspectView::default();
        view.set_document(Ok(text));
        assert!(view.redacted() > ENV.len(), "{}", view.redacted());
    }
}

#[test]
fn alert_details_hold_no_secret() {
    let facts = corpus_facts();
    let host = HostFacts::default();
    let mut engine = crate::activity::Engine::new();
    let mut alerts = Vec::new();
    // Execs: every argv, and every line run by a shell.
    let mut commands: Vec<Vec<String>> = ARGV.iter().map(|a| strings(a.0)).collect();
    commands.extend(LINES.iter().map(|l| strings(&["sh", "-c", l.0])));
    // A container without a healthcheck (the argv of container 0 is its Cmd): no exec is
    // taken for a probe.
    let c = &facts[0];
    for (n, command) in commands.iter().enumerate() {
        let doc = json!({
            "ID": format!("exec{n}"), "ContainerID": c.id, "Running": true,
            "ProcessConfig": {"entrypoint": command[0], "arguments": command[1..],
                              "tty": false, "privileged": false, "user": ""}
        });
        let exec = conv::exec(&serde_json::from_value(doc).unwrap());
        assert_clean("ExecFacts", &format!("{exec:?}"));
        let got = engine.on_exec(&exec, Some(c));
        assert!(!got.is_empty(), "{command:?}");
        alerts.extend(got);
        // The exec's events carry the command line and the container's labels.
        for action in ["exec_create", "exec_start"] {
            let mut attributes: serde_json::Map<String, Value> = LABELS
                .iter()
                .map(|l| (l.0.to_string(), json!(l.1)))
                .collect();
            attributes.insert("name".into(), json!(c.name));
            attributes.insert("execID".into(), json!(format!("exec{n}")));
            let msg = json!({
                "Type": "container", "Action": format!("{action}: {}", command.join(" ")),
                "Actor": {"ID": c.id, "Attributes": attributes}, "time": 1_764_363_000
            });
            let ev = conv::event(&serde_json::from_value(msg).unwrap());
            assert_clean("DockerEvent", &format!("{ev:?}"));
            alerts.extend(engine.on_event(&ev, Some(c), &host));
        }
    }
    // Processes: every line and argv, through `top` as the port converts it.
    for (i, c) in facts.iter().enumerate() {
        let top = corpus_top(i);
        let rows = conv::process_rows(&top.titles, &conv::top_rows(top.processes));
        for row in &rows[1..] {
            // One suspicious process per poll, beside the main one.
            let shown = vec![
                rows[0].clone(),
                crate::model::ProcessRow {
                    command: format!("sh -c {}", row.command),
                    ..row.clone()
                },
            ];
            let mut engine = crate::activity::Engine::new();
            let got = engine.on_processes(c, &shown);
            assert!(!got.is_empty(), "{:?}", row.command);
            alerts.extend(got);
        }
    }
    let text = format!("{alerts:?}");
    assert_clean("alerts", &text);
    assert!(text.contains(REDACTED));
}

#[tokio::test]
async fn every_file_of_an_evidence_bundle_holds_no_secret() {
    let fake = FakeDocker::new();
    let dir = tempfile::tempdir().unwrap();
    let settings = ActionSettings {
        evidence_dir: dir.path().join("evidence"),
        export_dir: dir.path().join("reports"),
        audit_log: dir.path().join("audit.log"),
        state_file: dir.path().join("isolations.json"),
        stop_timeout: Duration::from_secs(2),
        ..ActionSettings::default()
    };
    let runner = ActionRunner::with_connector(fake.clone(), vec![FakeDocker::endpoint()], settings);
    for (i, (doc, facts)) in corpus_documents()
        .into_iter()
        .zip(corpus_facts())
        .enumerate()
    {
        let id = facts.id.clone();
        let name = facts.name.clone();
        fake.add_container(facts);
        fake.set_raw(&id, doc);
        fake.set_top(&id, corpus_top(i));
        fake.set_logs(&id, b"2026-01-02T03:04:05Z started\n");
        let target = Target {
            host: 0,
            endpoint: FakeDocker::endpoint().url,
            container_id: Some(id.clone()),
            name,
        };
        let outcome = runner
            .run(ActionRequest::new(ActionKind::Isolate, target))
            .await;
        outcome.result.as_ref().expect("isolated");
        let bundle = outcome.paths.first().expect("an evidence bundle");
        let mut files = 0;
        for entry in std::fs::read_dir(bundle).unwrap() {
            let path = entry.unwrap().path();
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            assert_clean(&path.display().to_string(), &text);
            files += 1;
        }
        assert!(files >= 6, "{files} files in {}", bundle.display());
        let top = std::fs::read_to_string(bundle.join("top.txt")).unwrap();
        assert!(top.contains("sshpass -p <redacted> ssh ops@host"), "{top}");
        let inspect = std::fs::read_to_string(bundle.join("inspect.json")).unwrap();
        assert!(inspect.contains("DB_PASSWORD=<redacted>"), "{inspect}");
        assert!(
            inspect.contains("\"db.password\": \"<redacted>\""),
            "{inspect}"
        );
    }
    // The audit log and the isolation records name containers, never secrets.
    for file in ["audit.log", "isolations.json"] {
        if let Ok(text) = std::fs::read_to_string(dir.path().join(file)) {
            assert_clean(file, &text);
        }
    }
}
