//! Real-daemon tests of the actions through the headless commands: isolate and undo (two
//! user networks with aliases and a static IP, a peer that can reach it, then cannot, then
//! can again), refusals (already isolated, `--network host` / `none`, no `--yes` without a
//! terminal), stop within the grace period, and the exported report formats.
//!
//! Every test points the state directory at its own temp dir (`XDG_STATE_HOME`), so the
//! isolation records, evidence bundles, reports and audit log are its own.
//!
//! Without a Docker daemon the tests print SKIPPED and pass, except in CI, where they fail.

mod common;

use common::{Spec, TestDaemon, docker, docker_output, expect_code, text};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The test's private state directory.
struct State {
    tmp: tempfile::TempDir,
}

impl State {
    fn new() -> State {
        State {
            tmp: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// `$XDG_STATE_HOME/seawall`.
    fn dir(&self) -> PathBuf {
        self.tmp.path().join("seawall")
    }

    /// Run seawall with this state dir and stdin from a pipe (never a terminal).
    fn seawall(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = common::seawall();
        cmd.env("XDG_STATE_HOME", self.tmp.path())
            .env_remove("SEAWALL_ACTIONS__AUDIT_LOG")
            .args(args)
            .write_stdin("");
        cmd.output().expect("seawall runs")
    }

    fn audit(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.dir().join("audit.log")).unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    fn state_file(&self) -> Option<String> {
        std::fs::read_to_string(self.dir().join("isolations.json")).ok()
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn inspect(name: &str) -> Value {
    let out = docker(&["inspect", name]);
    let v: Value = serde_json::from_str(&out).expect("inspect JSON");
    v[0].clone()
}

fn networks(name: &str) -> serde_json::Map<String, Value> {
    inspect(name)["NetworkSettings"]["Networks"]
        .as_object()
        .cloned()
        .unwrap_or_default()
}

/// Aliases without the short-id alias the daemon adds.
fn aliases(ep: &Value, id: &str) -> Vec<String> {
    let mut v: Vec<String> = ep["Aliases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str())
        .filter(|a| !id.starts_with(a))
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// The static addresses of an endpoint (`null` and `{}` both mean none).
fn ipam(ep: &Value) -> Value {
    match &ep["IPAMConfig"] {
        Value::Object(m) if m.is_empty() => Value::Null,
        other => other.clone(),
    }
}

/// Can `peer` reach `host` (a name, alias or IP)?
fn reaches(peer: &str, host: &str) -> bool {
    docker_output(&["exec", peer, "ping", "-c1", "-W2", host])
        .status
        .success()
}

/// Two /24 subnets no other network uses (derived from the pid, retried on overlap).
fn two_networks(d: &TestDaemon) -> ((String, String), (String, String)) {
    let pid = std::process::id() as usize;
    let mut made = Vec::new();
    for i in 0..40 {
        let x = (pid + i * 37) % 250 + 2;
        let octet = 231 + made.len();
        let subnet = format!("10.{octet}.{x}.0/24");
        match d.try_network_with(&format!("net{}", made.len()), &["--subnet", &subnet]) {
            Ok(name) => made.push((name, format!("10.{octet}.{x}"))),
            Err(e) if e.contains("overlap") => continue,
            Err(e) => panic!("cannot create a test network: {e}"),
        }
        if made.len() == 2 {
            let b = made.pop().unwrap();
            let a = made.pop().unwrap();
            return (a, b);
        }
    }
    panic!("no free subnet for the test networks");
}

#[test]
fn isolate_and_undo_restore_networks_aliases_and_the_static_ip() {
    let Some(d) = TestDaemon::get() else { return };
    let st = State::new();
    let ((net_a, prefix_a), (net_b, _)) = two_networks(&d);
    let ip = format!("{prefix_a}.10");
    let name = d.unique_name("target");
    let target = d.container_named(
        Spec::running(
            "target",
            &[
                "--network",
                &net_a,
                "--ip",
                &ip,
                "--network-alias",
                "www",
                "--network-alias",
                "web-a",
                "-e",
                "API_TOKEN=supersecret-value",
            ],
        )
        .cmd(&["sh", "-c", "echo hello-evidence; exec sleep 3600"]),
        &name,
    );
    docker(&["network", "connect", "--alias", "api", &net_b, &name]);
    let peer = d.container(Spec::running("peer", &["--network", &net_a]));
    let before = networks(&name);
    assert_eq!(before.len(), 2, "{before:?}");
    assert!(
        reaches(&peer.name, "www"),
        "the peer reaches the target before"
    );

    // Isolate.
    let out = st.seawall(&["isolate", "--yes", &name]);
    expect_code(&out, 0, "isolate");
    let said = text(&out.stdout);
    assert!(
        said.contains(&net_a) && said.contains(&net_b) && said.contains("evidence in"),
        "{said}"
    );
    assert!(
        networks(&name).is_empty(),
        "no networks left: {:?}",
        networks(&name)
    );
    assert!(!reaches(&peer.name, &ip), "the peer can no longer reach it");
    assert_eq!(inspect(&name)["State"]["Running"], true, "it keeps running");

    // The evidence bundle verifies against its manifest.
    let root = st.dir().join("evidence");
    let bundles: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("evidence dir")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(bundles.len(), 1, "{bundles:?}");
    let bundle = &bundles[0];
    assert_eq!(mode(bundle), 0o700);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["container"]["id"], target.id.as_str());
    assert_eq!(manifest["container"]["name"], name.as_str());
    let files = manifest["files"].as_array().unwrap();
    let listed: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
    for want in [
        "inspect.json",
        "top.json",
        "top.txt",
        "changes.json",
        "logs.txt",
    ] {
        assert!(listed.contains(&want), "{want} in {listed:?}");
    }
    for f in files {
        let path = bundle.join(f["name"].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            f["sha256"].as_str().unwrap(),
            "{}",
            path.display()
        );
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    let inspect_json = std::fs::read_to_string(bundle.join("inspect.json")).unwrap();
    assert!(inspect_json.contains("API_TOKEN"));
    assert!(
        !inspect_json.contains("supersecret-value"),
        "secrets are redacted"
    );
    assert!(
        std::fs::read_to_string(bundle.join("top.txt"))
            .unwrap()
            .contains("sleep")
    );
    assert!(
        std::fs::read_to_string(bundle.join("logs.txt"))
            .unwrap()
            .contains("hello-evidence")
    );

    // Isolating again is refused and changes nothing.
    let state_before = st.state_file().expect("a record");
    let out = st.seawall(&["isolate", "--yes", &name]);
    expect_code(&out, 2, "isolate twice");
    assert!(
        text(&out.stderr).contains("already isolated"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(st.state_file().unwrap(), state_before);
    assert_eq!(
        std::fs::read_dir(&root).unwrap().count(),
        1,
        "no second bundle"
    );

    // Undo.
    let out = st.seawall(&["unisolate", "--yes", &name]);
    expect_code(&out, 0, "unisolate");
    let after = networks(&name);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "same networks"
    );
    for (net, ep) in &before {
        assert_eq!(
            aliases(&after[net], &target.id),
            aliases(ep, &target.id),
            "aliases on {net}"
        );
        assert_eq!(ipam(&after[net]), ipam(ep), "IPAM config on {net}");
    }
    assert_eq!(
        after[&net_a]["IPAddress"],
        ip.as_str(),
        "the static IP is back"
    );
    assert!(
        reaches(&peer.name, "www"),
        "the peer reaches it again by alias"
    );
    let state = st.state_file().unwrap_or_default();
    assert!(!state.contains(&target.id), "the record is gone: {state}");

    // Undo again: nothing to undo.
    let out = st.seawall(&["unisolate", "--yes", &name]);
    expect_code(&out, 2, "unisolate twice");
    assert!(
        text(&out.stderr).contains("not isolated"),
        "{}",
        text(&out.stderr)
    );

    // The audit log has every attempt, with every key.
    let audit = st.audit();
    let summary: Vec<(String, String)> = audit
        .iter()
        .map(|l| {
            for key in [
                "time",
                "user",
                "endpoint",
                "container_id",
                "container_name",
                "action",
                "outcome",
                "error",
            ] {
                assert!(l.get(key).is_some(), "{key} in {l}");
            }
            assert_eq!(l["container_name"], name.as_str());
            (
                l["action"].as_str().unwrap().to_string(),
                l["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("isolate", "ok"),
        ("isolate", "refused"),
        ("unisolate", "ok"),
        ("unisolate", "refused"),
    ]
    .iter()
    .map(|(a, o)| (a.to_string(), o.to_string()))
    .collect();
    assert_eq!(summary, want);
    assert_eq!(mode(&st.dir().join("audit.log")), 0o600);
}

#[test]
fn host_and_none_networks_are_refused_and_nothing_changes() {
    let Some(d) = TestDaemon::get() else { return };
    let st = State::new();
    let cs = d.containers(vec![
        Spec::running("hostnet", &["--network", "host"]),
        Spec::running("nonet", &["--network", "none"]),
    ]);
    for (c, words) in [(&cs[0], "--network host"), (&cs[1], "--network none")] {
        let out = st.seawall(&["isolate", "--yes", &c.name]);
        expect_code(&out, 2, &c.name);
        assert!(text(&out.stderr).contains(words), "{}", text(&out.stderr));
        assert_eq!(inspect(&c.name)["State"]["Running"], true);
    }
    assert!(!st.state_file().unwrap_or_default().contains(&cs[0].id));
    assert!(
        !st.dir().join("evidence").exists(),
        "no evidence for a refusal"
    );
    let outcomes: Vec<Value> = st.audit().iter().map(|l| l["outcome"].clone()).collect();
    assert_eq!(outcomes, vec!["refused", "refused"]);
}

#[test]
fn without_yes_and_without_a_terminal_nothing_happens() {
    let Some(d) = TestDaemon::get() else { return };
    let st = State::new();
    let net = d.network("plain");
    let c = d.container(Spec::running("target", &["--network", &net]));
    for action in ["isolate", "stop"] {
        let out = st.seawall(&[action, &c.name]);
        expect_code(&out, 2, action);
        let err = text(&out.stderr);
        assert!(
            err.contains("--yes") && err.contains("not a terminal"),
            "{err}"
        );
    }
    assert_eq!(networks(&c.name).len(), 1, "still on its network");
    assert_eq!(inspect(&c.name)["State"]["Running"], true);
    let audit = st.audit();
    assert_eq!(audit.len(), 2);
    for l in &audit {
        assert_eq!(l["outcome"], "refused");
        assert_eq!(l["container_id"], c.id.as_str());
    }

    // An unknown container is a clear error, audited too.
    let out = st.seawall(&["stop", "--yes", "sw-it-no-such-container-anywhere"]);
    expect_code(&out, 2, "unknown container");
    assert!(
        text(&out.stderr).contains("no container named"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(st.audit().last().unwrap()["outcome"], "error");
}

#[test]
fn a_grace_period_longer_than_the_request_bound_still_reports_the_kill() {
    let Some(d) = TestDaemon::get() else { return };
    let st = State::new();
    let net = d.network("stop-long");
    let cs = d.containers(vec![Spec::running("patient", &["--network", &net]).cmd(&[
        "sh",
        "-c",
        "trap '' TERM; while true; do sleep 1; done",
    ])]);
    // The daemon answers a stop only once the container is down, here after its kill at
    // 11 s: longer than the 10 s bound on a request's answer.
    let out = st.seawall(&["stop", "--yes", "--time", "11", &cs[0].name]);
    expect_code(&out, 0, "stop with an 11 s grace period");
    assert!(
        text(&out.stdout).contains("did not exit within the 11s grace period")
            && text(&out.stdout).contains("killed"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(inspect(&cs[0].name)["State"]["ExitCode"], 137);
    assert_eq!(st.audit().last().unwrap()["outcome"], "ok");
}

#[test]
fn stop_kills_after_the_grace_period_and_a_polite_container_stops_at_once() {
    let Some(d) = TestDaemon::get() else { return };
    let st = State::new();
    // A user network: the default bridge may be missing on these VMs.
    let net = d.network("stop");
    let cs = d.containers(vec![
        Spec::running("stubborn", &["--network", &net]).cmd(&[
            "sh",
            "-c",
            "trap '' TERM; while true; do sleep 1; done",
        ]),
        Spec::running("polite", &["--network", &net]).cmd(&[
            "sh",
            "-c",
            "trap 'exit 0' TERM; while true; do sleep 0.2; done",
        ]),
    ]);
    let (stubborn, polite) = (&cs[0], &cs[1]);

    let t = Instant::now();
    let out = st.seawall(&["stop", "--yes", "--time", "2", &stubborn.name]);
    let took = t.elapsed();
    expect_code(&out, 0, "stop stubborn");
    assert!(took < Duration::from_secs(6), "took {took:?}");
    assert!(
        took >= Duration::from_secs(2),
        "the grace period was given: {took:?}"
    );
    assert!(
        text(&out.stdout).contains("killed"),
        "{}",
        text(&out.stdout)
    );
    let state = &inspect(&stubborn.name)["State"];
    assert_eq!(state["Running"], false);
    assert_eq!(state["Status"], "exited");

    let t = Instant::now();
    let out = st.seawall(&["stop", "--yes", "--time", "10", &polite.name]);
    expect_code(&out, 0, "stop polite");
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
    assert!(
        text(&out.stdout).contains("within the grace period"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(inspect(&polite.name)["State"]["ExitCode"], 0);

    // Stopping a stopped container is refused.
    let out = st.seawall(&["stop", "--yes", &polite.name]);
    expect_code(&out, 2, "stop twice");
    assert!(
        text(&out.stderr).contains("not running"),
        "{}",
        text(&out.stderr)
    );
    let outcomes: Vec<Value> = st.audit().iter().map(|l| l["outcome"].clone()).collect();
    assert_eq!(outcomes, vec!["ok", "ok", "refused"]);
}

#[test]
fn report_writes_every_format_privately() {
    let Some(d) = TestDaemon::get() else { return };
    let st = State::new();
    let c = d.container(Spec::created(
        "risky",
        &["--cap-add", "SYS_ADMIN", "-e", "DB_PASSWORD=hunter2-secret"],
    ));
    let dir = st.tmp.path().join("out");
    let out = st.seawall(&[
        "report",
        &c.name,
        "--format",
        "all",
        "--output",
        dir.to_str().unwrap(),
    ]);
    expect_code(&out, 0, "report all");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let exts: Vec<String> = paths
        .iter()
        .map(|p| p.extension().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(exts, vec!["html", "json", "md", "sarif"]);
    for p in &paths {
        assert_eq!(mode(p), 0o600, "{}", p.display());
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            name.starts_with("seawall-") && name.contains(&c.name),
            "{name}"
        );
        let body = std::fs::read_to_string(p).unwrap();
        assert!(!body.contains("hunter2-secret"), "secret in {name}");
    }
    let read = |ext: &str| {
        let p = paths
            .iter()
            .find(|p| p.extension().unwrap() == ext)
            .unwrap();
        std::fs::read_to_string(p).unwrap()
    };

    let json: Value = serde_json::from_str(&read("json")).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let problems = schema::validate(&schema, &schema, &json, "$");
    assert!(problems.is_empty(), "schema: {problems:#?}");
    let containers = json["hosts"][0]["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 1, "only the one container");
    assert_eq!(containers[0]["id"], c.id.as_str());
    let ids: Vec<String> = containers[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.iter().any(|i| i.starts_with("SW-CAP")), "{ids:?}");

    let sarif: Value = serde_json::from_str(&read("sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    let (md, html) = (read("md"), read("html"));
    for id in &ids {
        // Markdown escapes `_`.
        let md_id = id.replace('_', "\\_");
        assert!(
            md.contains(id.as_str()) || md.contains(&md_id),
            "{id} in markdown"
        );
        assert!(html.contains(id.as_str()), "{id} in html");
    }

    // One format to one file.
    let file = st.tmp.path().join("one.sarif");
    let out = st.seawall(&[
        "report",
        &c.id[..12],
        "--format",
        "sarif",
        "--output",
        file.to_str().unwrap(),
    ]);
    expect_code(&out, 0, "report sarif");
    assert_eq!(mode(&file), 0o600);
    let one: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(one["version"], "2.1.0");
    let outcomes: Vec<Value> = st.audit().iter().map(|l| l["action"].clone()).collect();
    assert_eq!(outcomes, vec!["export", "export"]);
}

/// A small JSON Schema checker for the keywords `docs/report.schema.json` (generated by
/// schemars) uses.
mod schema {
    use serde_json::Value;

    fn resolve<'a>(root: &'a Value, r: &str) -> &'a Value {
        let mut v = root;
        for part in r.trim_start_matches("#/").split('/') {
            v = &v[part];
        }
        v
    }

    fn type_ok(t: &str, v: &Value) -> bool {
        match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => true,
        }
    }

    /// Every violation, with its JSON path.
    pub fn validate(root: &Value, s: &Value, v: &Value, path: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            return validate(root, resolve(root, r), v, path);
        }
        match s.get("type") {
            Some(Value::String(t)) if !type_ok(t, v) => {
                return vec![format!("{path}: not a {t}: {v}")];
            }
            Some(Value::Array(ts)) if !ts.iter().any(|t| type_ok(t.as_str().unwrap_or(""), v)) => {
                return vec![format!("{path}: none of {ts:?}: {v}")];
            }
            _ => {}
        }
        // `anyOf` (an optional value) and `oneOf` (documented enum values).
        for (keyword, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            if let Some(branches) = s.get(keyword).and_then(Value::as_array) {
                let fits = branches
                    .iter()
                    .filter(|b| validate(root, b, v, path).is_empty())
                    .count();
                if fits == 0 || (exactly_one && fits > 1) {
                    out.push(format!("{path}: {keyword} matched {fits} branches: {v}"));
                }
            }
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array)
            && !e.contains(v)
        {
            out.push(format!("{path}: {v} not in {e:?}"));
        }
        if let Some(c) = s.get("const")
            && c != v
        {
            out.push(format!("{path}: {v} is not {c}"));
        }
        if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64())
            && n < min
        {
            out.push(format!("{path}: {n} < {min}"));
        }
        if let (Some(max), Some(n)) = (s.get("maximum").and_then(Value::as_f64), v.as_f64())
            && n > max
        {
            out.push(format!("{path}: {n} > {max}"));
        }
        if let Some(obj) = v.as_object() {
            for k in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let k = k.as_str().unwrap_or("");
                if !obj.contains_key(k) {
                    out.push(format!("{path}: missing {k}"));
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (k, val) in obj {
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => out.extend(validate(root, ps, val, &format!("{path}.{k}"))),
                    None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        out.push(format!("{path}: unexpected {k}"))
                    }
                    None => {}
                }
            }
        }
        if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
            for (i, item) in arr.iter().enumerate() {
                out.extend(validate(root, items, item, &format!("{path}[{i}]")));
            }
        }
        out
    }
}

#[test]
fn pause_on_isolate_is_undone_by_unisolate_after_a_restart_of_seawall() {
    let Some(d) = TestDaemon::get() else { return };
    let st = State::new();
    let net = d.network("pause");
    let c = d.container(Spec::running("paused", &["--network", &net]));
    let evidence = st.tmp.path().join("my-evidence");
    let out = st.seawall(&[
        "isolate",
        "--yes",
        "--pause",
        "--evidence",
        evidence.to_str().unwrap(),
        &c.id[..12],
    ]);
    expect_code(&out, 0, "isolate --pause");
    assert!(
        text(&out.stdout).contains("paused"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(inspect(&c.name)["State"]["Paused"], true);
    assert!(networks(&c.name).is_empty());
    assert_eq!(
        std::fs::read_dir(&evidence).unwrap().count(),
        1,
        "bundle in --evidence DIR"
    );
    // Each command is a new seawall process: the record on disk is what undo uses.
    let out = st.seawall(&["unisolate", "--yes", &c.name]);
    expect_code(&out, 0, "unisolate");
    assert_eq!(inspect(&c.name)["State"]["Paused"], false);
    assert_eq!(networks(&c.name).keys().collect::<Vec<_>>(), vec![&net]);
}

/// The console's path: the runner gets a target picked from the fleet, and the container is
/// removed before the action runs. Every action then fails with a message naming the
/// container, nothing is recorded as isolated, and the audit log has one `error` line each.
#[test]
fn actions_on_a_container_that_vanished_fail_clearly_and_stay_consistent() {
    use seawall::actions::{ActionKind, ActionRequest, ActionRunner, ActionSettings, Target};
    let Some(d) = TestDaemon::get() else { return };
    let c = d.container(Spec::running("vanish", &[]));
    docker(&["rm", "-f", &c.name]);

    let state = State::new();
    let dir = state.dir();
    let settings = ActionSettings {
        evidence_dir: dir.join("evidence"),
        export_dir: dir.join("reports"),
        audit_log: dir.join("audit.log"),
        state_file: dir.join("isolations.json"),
        stop_timeout: Duration::from_secs(2),
        ..ActionSettings::default()
    };
    let endpoint = seawall::docker::resolve(&seawall::docker::EndpointInputs::from_env(None, None))
        .expect("the local endpoint resolves");
    let url = endpoint.url.clone();
    let runner = ActionRunner::new(vec![endpoint], settings);
    let target = Target {
        host: 0,
        endpoint: url,
        container_id: Some(c.id.clone()),
        name: c.name.clone(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let kinds = [
        ActionKind::Isolate,
        ActionKind::Unisolate,
        ActionKind::Stop,
        ActionKind::Export,
    ];
    for kind in kinds {
        let outcome = rt.block_on(runner.run(ActionRequest::new(kind, target.clone())));
        let message = outcome
            .result
            .expect_err("an action on a removed container fails")
            .to_string();
        assert!(
            message.contains(&c.name) || message.contains(&c.id[..12]),
            "{kind:?}: the message names the container: {message}"
        );
        assert!(
            !message.contains('\n'),
            "{kind:?}: one line for the status bar: {message}"
        );
    }
    // Nothing is left recorded as isolated (an empty record list or no file at all).
    if let Some(text) = state.state_file() {
        assert!(!text.contains(&c.id), "no isolation record: {text}");
    }
    assert!(
        !dir.join("evidence").exists()
            || std::fs::read_dir(dir.join("evidence"))
                .unwrap()
                .next()
                .is_none(),
        "no evidence bundle for a container that is gone"
    );
    let audit = state.audit();
    assert_eq!(
        audit.len(),
        kinds.len(),
        "one audit line per attempt: {audit:?}"
    );
    for (line, kind) in audit.iter().zip(kinds) {
        assert_eq!(line["action"], kind.as_str(), "{line}");
        assert_ne!(line["outcome"], "ok", "{line}");
        assert_eq!(line["container_id"], c.id.as_str(), "{line}");
        assert!(
            line["error"].as_str().is_some_and(|e| !e.is_empty()),
            "the error is recorded: {line}"
        );
    }
}
