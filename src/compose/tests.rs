//! Compose scanning over the fixtures in tests/fixtures/compose: the facts, the findings
//! and the line each points at, include/extends, interpolation and the errors.

use super::interpolate::Vars;
use super::report::{self, ComposeReport};
use super::*;
use std::collections::HashMap;
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/compose")
        .join(name)
}

fn vars(pairs: &[(&str, &str)]) -> Option<Vars> {
    Some(Vars::new(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<HashMap<_, _>>(),
    ))
}

fn graded(name: &str, v: Option<Vars>) -> (Project, Vec<GradedService>) {
    let project = load(&fixture(name), v).expect("fixture loads");
    let graded = grade(&project, &assumed_host());
    (project, graded)
}

fn service<'a>(g: &'a [GradedService], name: &str) -> &'a GradedService {
    g.iter().find(|s| s.service == name).expect("service")
}

/// The line finding `id` of a service points at (the first one).
fn line_of(s: &GradedService, id: &str) -> Option<usize> {
    s.findings
        .iter()
        .find(|(f, _)| f.id == id)
        .map(|(_, l)| l.line)
}

#[test]
fn every_risky_key_is_found_at_its_line() {
    let (_, g) = graded("risky.yml", vars(&[]));
    let admin = service(&g, "admin");
    assert_eq!(line_of(admin, "SW-PRIV-001"), Some(23), "privileged: true");
    assert_eq!(line_of(admin, "SW-NS-001"), Some(24), "pid: host");
    // The long-syntax bind of / read-only: the socket inside it, on the volume entry.
    assert_eq!(line_of(admin, "SW-MNT-001"), Some(29));
    // A named volume whose driver_opts bind /etc.
    assert_eq!(line_of(admin, "SW-MNT-003"), Some(33));
    assert_eq!(line_of(admin, "SW-MNT-019"), Some(33));
    assert_eq!(line_of(admin, "SW-DEV-001"), Some(35));
    // Implied by privileged: pointed at privileged, not at security_opt.
    assert_eq!(line_of(admin, "SW-SEC-002"), Some(23));
    assert_eq!(admin.score.value, 100);

    let web = service(&g, "web");
    assert_eq!(line_of(web, "SW-MNT-001"), Some(17), "the socket entry");
    assert_eq!(
        line_of(web, "SW-NET-002"),
        Some(10),
        "\"80:80\", not the loopback one"
    );
    assert_eq!(line_of(web, "SW-ENV-001"), Some(13));
    assert_eq!(
        line_of(web, "SW-LIFE-001"),
        Some(3),
        "restart comes from the anchor"
    );
    assert!(line_of(web, "SW-LIFE-002").is_none(), "healthcheck set");
    // Defaults: ${NGINX_TAG:-1.27}; secrets redacted.
    assert_eq!(web.facts.image, "nginx:1.27");
    let token = web
        .facts
        .env
        .iter()
        .find(|e| e.name == "API_TOKEN")
        .unwrap();
    assert!(token.redacted && !token.value.contains("hunter2"));
    assert_eq!(
        web.facts
            .env
            .iter()
            .find(|e| e.name == "MODE")
            .unwrap()
            .value,
        "prod"
    );

    // Hardened: limits from the legacy keys, user, read-only, drop ALL, nnp.
    let db = service(&g, "db");
    let ids: Vec<&str> = db.findings.iter().map(|(f, _)| f.id.as_ref()).collect();
    for gone in [
        "SW-USR-001",
        "SW-HARD-001",
        "SW-CAP-DROPALL",
        "SW-SEC-004",
        "SW-RES-001",
        "SW-RES-002",
        "SW-RES-003",
        "SW-LIFE-002",
    ] {
        assert!(!ids.contains(&gone), "{gone} in {ids:?}");
    }
    // network_mode: service:web joins web's container.
    assert_eq!(db.facts.network_mode, "container:web");
    assert!(ids.contains(&"SW-NS-007"));
    assert_eq!(
        db.facts.resources.memory,
        1 << 30,
        "mem_limit wins over deploy"
    );
}

#[test]
fn no_daemon_only_rule_is_reported() {
    let (_, g) = graded("risky.yml", vars(&[]));
    for s in &g {
        for (f, _) in &s.findings {
            assert!(!needs_daemon(f), "{} on {}", f.id, s.service);
        }
    }
}

#[test]
fn extends_and_include_follow_the_spec() {
    let (project, g) = graded("extends.yml", vars(&[("DATA_DIR", "/srv/data")]));
    let app = service(&g, "app");
    // From base.yml (extends.file): the capability and host network, at base.yml's lines.
    let (_, at) = app
        .findings
        .iter()
        .find(|(f, _)| f.id == "SW-CAP-SYS_PTRACE")
        .unwrap();
    assert!(project.path(at.file).ends_with("base.yml"));
    assert_eq!(at.line, 5);
    assert!(app.findings.iter().any(|(f, _)| f.id == "SW-NS-002"));
    // Its own keys override: user root; the ${DATA_DIR} bind.
    assert_eq!(app.facts.user, "root");
    assert_eq!(app.facts.mounts[0].source, "/srv/data");
    // The included file's service joins the project.
    let sidecar = service(&g, "sidecar");
    assert!(sidecar.findings.iter().any(|(f, _)| f.id == "SW-NS-003"));
    assert!(project.path(sidecar.file).ends_with("included.yml"));
}

#[test]
fn errors_name_the_file_and_line() {
    let err = load(&fixture("malformed.yml"), vars(&[])).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("malformed.yml:"), "{msg}");
    assert!(
        matches!(err, ComposeError::Syntax { line: 4..=5, .. }),
        "{err:?}"
    );

    // ${DATA_DIR:?...} unset: required.
    let err = load(&fixture("extends.yml"), vars(&[])).unwrap_err();
    assert!(
        err.to_string()
            .contains("extends.yml:10: required variable DATA_DIR"),
        "{err}"
    );

    let err = load(&fixture("missing.yml"), vars(&[])).unwrap_err();
    assert!(matches!(err, ComposeError::Read { .. }));
}

#[test]
fn json_and_sarif_carry_file_and_line() {
    let (project, g) = graded("risky.yml", vars(&[]));
    let r = ComposeReport::new(vec![report::file_report(&project, g)]);
    let json: serde_json::Value = serde_json::from_str(&report::render_json(&r)).unwrap();
    assert_eq!(json["schema"], "seawall.compose/v1");
    let admin = &json["files"][0]["services"][0];
    assert_eq!(admin["service"], "admin", "worst first");
    let privileged = admin["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "SW-PRIV-001")
        .unwrap();
    assert_eq!(privileged["location"]["line"], 23);
    assert!(
        privileged["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("tests/fixtures/compose/risky.yml")
    );
    assert!(
        json["skipped"]["reason"]
            .as_str()
            .unwrap()
            .contains("daemon")
    );
    assert!(!report::render_json(&r).contains("hunter2"));

    let sarif: serde_json::Value = serde_json::from_str(&report::render_sarif(&r)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let res = results
        .iter()
        .find(|r| r["ruleId"] == "SW-PRIV-001")
        .unwrap();
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(loc["region"]["startLine"], 23);
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("risky.yml")
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().any(|r| r["id"] == "SW-PRIV-001"));
}

#[test]
fn long_syntax_ports_tmpfs_and_deploy_limits() {
    let doc = "services:\n  s:\n    image: x\n    ports:\n      - target: 80\n        published: \"8080\"\n        host_ip: 0.0.0.0\n      - \"9000-9001:9000-9001/udp\"\n    deploy:\n      resources:\n        limits:\n          memory: 256M\n          cpus: '0.5'\n          pids: 100\n      restart_policy:\n        condition: any\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, doc).unwrap();
    let project = load(&path, vars(&[])).unwrap();
    let g = grade(&project, &assumed_host());
    let s = &g[0];
    let ports: Vec<(String, Option<u16>)> = s
        .facts
        .ports
        .iter()
        .map(|p| (p.container_port.clone(), p.host_port))
        .collect();
    assert_eq!(
        ports,
        [
            ("80/tcp".to_string(), Some(8080)),
            ("9000/udp".to_string(), Some(9000)),
            ("9001/udp".to_string(), Some(9001))
        ]
    );
    assert_eq!(s.facts.resources.memory, 256 << 20);
    assert_eq!(s.facts.resources.nano_cpus, 500_000_000);
    assert_eq!(s.facts.resources.pids_limit, Some(100));
    assert_eq!(s.facts.restart.name, "always");
    assert_eq!(line_of(s, "SW-NET-002"), Some(5));
    assert_eq!(line_of(s, "SW-LIFE-001"), Some(9), "deploy");
}

#[test]
fn env_file_values_are_read_redacted_and_located() {
    let (_, g) = graded("envfile.yml", vars(&[]));
    let app = service(&g, "app");
    let pw = app
        .facts
        .env
        .iter()
        .find(|e| e.name == "DB_PASSWORD")
        .unwrap();
    assert!(pw.redacted && !pw.value.contains("hunter3"));
    assert_eq!(line_of(app, "SW-ENV-001"), Some(5), "the env_file entry");
    assert_eq!(
        line_of(app, "SW-ENV-002"),
        Some(5),
        "DOCKER_HOST in the file"
    );
}

#[test]
fn hostile_names_are_escaped_in_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yml");
    std::fs::write(
        &path,
        "services:\n  \"evil\\e[31m\\u202e\":\n    image: \"x\\e]0;title\\a\"\n    privileged: true\n",
    )
    .unwrap();
    let project = load(&path, vars(&[])).unwrap();
    let g = grade(&project, &assumed_host());
    let r = ComposeReport::new(vec![report::file_report(&project, g)]);
    let table = report::render_table(&r);
    assert!(!table.contains('\u{1b}') && !table.contains('\u{202e}') && !table.contains('\u{7}'));
    assert!(table.contains("evil\\e[31m"), "{table}");
    // JSON escapes them.
    assert!(!report::render_json(&r).contains('\u{1b}'));
}
