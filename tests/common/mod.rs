//! Shared fixtures for the integration tests: a real Docker daemon, uniquely named and
//! labelled test containers that are always cleaned up, and helpers to run the `seawall`
//! binary and read its JSON report.
//!
//! Every container, volume and network a test creates is named `sw-it-<pid>-<n>-<purpose>`
//! and carries the labels `seawall.test=1` and `seawall.test.run=<run id>`, where the run id
//! is unique to one `TestDaemon`. Scans always filter on that run label, so other containers
//! on the daemon (and other tests running in parallel) never show up in a test's report.
//! Dropping the `TestDaemon` (also while unwinding from a failed assertion) removes
//! everything that carries its run label.
//!
//! Without a daemon the tests print a loud SKIPPED line and return, except in CI (`CI` set
//! and non-empty), where a missing daemon is a failure: the real-daemon tests must run there.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Label present on everything the tests create.
pub const TEST_LABEL: &str = "seawall.test";
/// Label whose value identifies one `TestDaemon` (one test).
pub const RUN_LABEL: &str = "seawall.test.run";

/// How long one docker CLI call may take before the test gives up on it.
const DOCKER_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a `seawall` invocation may take.
pub const SEAWALL_TIMEOUT: Duration = Duration::from_secs(120);
/// Docker CLI calls in flight at once when a test creates many containers.
const PARALLEL_CREATES: usize = 6;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The image every test container uses (built locally by `scripts/ensure-docker.sh`).
pub fn image() -> String {
    std::env::var("SEAWALL_TEST_IMAGE")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "seawall-test/busybox:latest".to_string())
}

/// Is this a CI run? (`CI` set and non-empty.)
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

fn next_counter() -> usize {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// Run a command with a time limit, capturing its output. Never goes through a shell.
pub fn run_with_timeout(mut cmd: Command, timeout: Duration) -> Output {
    let shown = format!("{cmd:?}");
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {shown}: {e}"));
    let mut out_pipe = child.stdout.take().expect("stdout piped");
    let mut err_pipe = child.stderr.take().expect("stderr piped");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{shown} did not finish within {timeout:?}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("waiting for {shown}: {e}"),
        }
    };
    Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// Run the docker CLI with these arguments (no shell), with a time limit.
pub fn docker_output<S: AsRef<str>>(args: &[S]) -> Output {
    let mut cmd = Command::new("docker");
    cmd.args(args.iter().map(|a| a.as_ref()));
    run_with_timeout(cmd, DOCKER_TIMEOUT)
}

/// Run the docker CLI and return its trimmed stdout; panics (with stderr) on failure.
pub fn docker<S: AsRef<str>>(args: &[S]) -> String {
    let out = docker_output(args);
    let shown: Vec<&str> = args.iter().map(|a| a.as_ref()).collect();
    assert!(
        out.status.success(),
        "docker {} failed ({}): {}",
        shown.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// What the daemon says about itself, read once per test process.
#[derive(Debug, Clone)]
pub struct DaemonInfo {
    pub server_version: String,
    pub api_version: String,
    pub security_options: Vec<String>,
    pub cgroup_version: String,
}

impl DaemonInfo {
    fn has_security_option(&self, name: &str) -> bool {
        let needle = format!("name={name}");
        self.security_options
            .iter()
            .any(|o| o.split(',').any(|part| part == needle))
    }

    /// AppArmor or SELinux confines containers on this daemon.
    pub fn has_lsm(&self) -> bool {
        self.has_security_option("apparmor") || self.has_security_option("selinux")
    }

    /// Root in a container is root on the host (no userns-remap, not rootless).
    pub fn root_is_host_root(&self) -> bool {
        !(self.has_security_option("userns") || self.has_security_option("rootless"))
    }

    /// The daemon sets no-new-privileges for every container.
    pub fn default_no_new_privileges(&self) -> bool {
        self.has_security_option("no-new-privileges")
    }
}

fn probe_daemon() -> Result<DaemonInfo, String> {
    let mut cmd = Command::new("docker");
    cmd.args([
        "version",
        "--format",
        "{{.Server.Version}} {{.Server.APIVersion}}",
    ]);
    let out = match Command::new("docker").arg("--version").output() {
        Err(e) => return Err(format!("the docker CLI cannot be run: {e}")),
        Ok(_) => run_with_timeout(cmd, Duration::from_secs(30)),
    };
    if !out.status.success() {
        return Err(format!(
            "`docker version` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let mut parts = text.split_whitespace();
    let server_version = parts.next().unwrap_or("").to_string();
    let api_version = parts.next().unwrap_or("").to_string();
    if server_version.is_empty() {
        return Err(format!(
            "`docker version` printed no server version: {text:?}"
        ));
    }

    let img = image();
    let inspect = docker_output(&["image", "inspect", "--format", "{{.Id}}", img.as_str()]);
    if !inspect.status.success() {
        return Err(format!(
            "the daemon answers but the test image {img} is missing \
             (build it with scripts/ensure-docker.sh; no registry is reachable)"
        ));
    }

    let info = docker_output(&[
        "info",
        "--format",
        "{{json .SecurityOptions}}\n{{.CgroupVersion}}",
    ]);
    if !info.status.success() {
        return Err(format!(
            "`docker info` failed: {}",
            String::from_utf8_lossy(&info.stderr).trim()
        ));
    }
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let mut lines = info.lines();
    let security_options: Vec<String> =
        serde_json::from_str(lines.next().unwrap_or("[]")).unwrap_or_default();
    let cgroup_version = lines.next().unwrap_or("").trim().to_string();
    Ok(DaemonInfo {
        server_version,
        api_version,
        security_options,
        cgroup_version,
    })
}

fn daemon_info() -> &'static Result<DaemonInfo, String> {
    static INFO: OnceLock<Result<DaemonInfo, String>> = OnceLock::new();
    INFO.get_or_init(probe_daemon)
}

/// Make a string safe for a Docker object name.
fn sanitize(purpose: &str) -> String {
    let s: String = purpose
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() { "x".to_string() } else { s }
}

/// How a test container is brought up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// `docker create`: inspected, never started.
    Create,
    /// `docker run -d`.
    Run,
}

/// One container to create.
#[derive(Debug, Clone)]
pub struct Spec {
    pub purpose: String,
    pub start: Start,
    pub args: Vec<String>,
    /// The command; `sleep 600` when empty.
    pub cmd: Vec<String>,
}

impl Spec {
    /// A container that is created but never started.
    pub fn created(purpose: &str, args: &[&str]) -> Spec {
        Spec {
            purpose: purpose.to_string(),
            start: Start::Create,
            args: args.iter().map(|s| s.to_string()).collect(),
            cmd: Vec::new(),
        }
    }

    /// A container started with `docker run -d`.
    pub fn running(purpose: &str, args: &[&str]) -> Spec {
        Spec {
            start: Start::Run,
            ..Spec::created(purpose, args)
        }
    }

    /// Replace the default `sleep 600` command.
    pub fn cmd(mut self, cmd: &[&str]) -> Spec {
        self.cmd = cmd.iter().map(|s| s.to_string()).collect();
        self
    }
}

/// A container a test created.
#[derive(Debug, Clone)]
pub struct Ctr {
    pub name: String,
    pub id: String,
    pub purpose: String,
}

impl AsRef<str> for Ctr {
    fn as_ref(&self) -> &str {
        &self.name
    }
}

/// A connection to the real daemon for one test, and the guard that cleans up after it.
pub struct TestDaemon {
    pub run_id: String,
    pub info: DaemonInfo,
}

impl TestDaemon {
    /// The daemon for one test, or `None` (after a loud SKIPPED message) when there is none
    /// and this is not CI. In CI a missing daemon panics: those tests must never skip.
    pub fn get() -> Option<TestDaemon> {
        match daemon_info() {
            Ok(info) => {
                let nanos = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                Some(TestDaemon {
                    run_id: format!("{}-{:x}-{}", std::process::id(), nanos, next_counter()),
                    info: info.clone(),
                })
            }
            Err(why) if in_ci() => panic!(
                "CI is set, so the real-daemon tests must run, but no usable Docker daemon was \
                 found: {why}. Run scripts/ensure-docker.sh before `cargo test`."
            ),
            Err(why) => {
                let test = std::thread::current()
                    .name()
                    .unwrap_or("this test")
                    .to_string();
                // Written to the real stderr, not through eprintln!: the test harness
                // captures that for passing tests, and a skip must never go unnoticed.
                let _ = writeln!(
                    std::io::stderr(),
                    "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                     SKIPPED: no Docker daemon ({test}): {why}\n\
                     Run scripts/ensure-docker.sh to run the real-daemon tests.\n\
                     !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                );
                None
            }
        }
    }

    /// `label=seawall.test.run=<id>`, for `docker ... --filter`.
    pub fn run_filter(&self) -> String {
        format!("label={RUN_LABEL}={}", self.run_id)
    }

    /// `seawall.test.run=<id>`, for `seawall scan --label`.
    pub fn run_label(&self) -> String {
        format!("{RUN_LABEL}={}", self.run_id)
    }

    /// A unique object name: `sw-it-<pid>-<n>-<purpose>`.
    pub fn unique_name(&self, purpose: &str) -> String {
        format!(
            "sw-it-{}-{}-{}",
            std::process::id(),
            next_counter(),
            sanitize(purpose)
        )
    }

    fn label_args(&self) -> Vec<String> {
        vec![
            "--label".into(),
            format!("{TEST_LABEL}=1"),
            "--label".into(),
            self.run_label(),
        ]
    }

    /// The full docker CLI argument list for one container.
    fn container_args(&self, spec: &Spec, name: &str) -> Vec<String> {
        let mut args: Vec<String> = match spec.start {
            Start::Create => vec!["create".into()],
            Start::Run => vec!["run".into(), "-d".into()],
        };
        args.extend(["--name".into(), name.to_string()]);
        args.extend(self.label_args());
        args.extend(spec.args.iter().cloned());
        args.push(image());
        if spec.cmd.is_empty() {
            args.extend(["sleep".into(), "600".into()]);
        } else {
            args.extend(spec.cmd.iter().cloned());
        }
        args
    }

    /// Create one container; `Err` carries the daemon's message (the container may exist in
    /// the created state, and is cleaned up with the rest).
    pub fn try_container(&self, spec: &Spec) -> Result<Ctr, String> {
        self.try_container_named(spec, &self.unique_name(&spec.purpose))
    }

    /// Like [`TestDaemon::try_container`] with a name chosen by the caller (from
    /// [`TestDaemon::unique_name`]).
    pub fn try_container_named(&self, spec: &Spec, name: &str) -> Result<Ctr, String> {
        let name = name.to_string();
        let args = self.container_args(spec, &name);
        let mut out = docker_output(&args);
        // A host port the daemon picks (`-p 8080`) can already be held by another program
        // on a busy host (dockerd's allocator does not look): the half-made container is
        // removed and the daemon picks the next port.
        for _ in 0..3 {
            let refused = String::from_utf8_lossy(&out.stderr).contains("address already in use");
            if out.status.success() || !refused || spec.start != Start::Run {
                break;
            }
            docker_output(&["rm".to_string(), "-f".to_string(), name.clone()]);
            out = docker_output(&args);
        }
        if !out.status.success() {
            return Err(format!(
                "docker {} failed ({}): {}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let id = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or("")
            .trim()
            .to_string();
        Ok(Ctr {
            name,
            id,
            purpose: spec.purpose.clone(),
        })
    }

    /// Create one container or panic with the daemon's message.
    pub fn container(&self, spec: Spec) -> Ctr {
        self.try_container(&spec)
            .unwrap_or_else(|e| panic!("case {}: {e}", spec.purpose))
    }

    /// Create one container with a name chosen by the caller, or panic.
    pub fn container_named(&self, spec: Spec, name: &str) -> Ctr {
        self.try_container_named(&spec, name)
            .unwrap_or_else(|e| panic!("case {}: {e}", spec.purpose))
    }

    /// Create several containers in parallel (a few docker calls in flight at once), in
    /// the order given. Panics naming every case that failed.
    pub fn containers(&self, specs: Vec<Spec>) -> Vec<Ctr> {
        let next = AtomicUsize::new(0);
        let results: Vec<std::sync::Mutex<Option<Result<Ctr, String>>>> =
            specs.iter().map(|_| std::sync::Mutex::new(None)).collect();
        std::thread::scope(|scope| {
            for _ in 0..PARALLEL_CREATES.min(specs.len()) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(spec) = specs.get(i) else { break };
                        let r = self.try_container(spec);
                        *results[i].lock().unwrap() = Some(r);
                    }
                });
            }
        });
        let mut ok = Vec::new();
        let mut errors = Vec::new();
        for (spec, r) in specs.iter().zip(results) {
            match r.into_inner().unwrap() {
                Some(Ok(c)) => ok.push(c),
                Some(Err(e)) => errors.push(format!("case {}: {e}", spec.purpose)),
                None => errors.push(format!("case {}: never ran", spec.purpose)),
            }
        }
        assert!(
            errors.is_empty(),
            "could not create test containers:\n{}",
            errors.join("\n")
        );
        ok
    }

    /// Create a labelled volume with extra `docker volume create` options; returns its name.
    pub fn volume(&self, purpose: &str, opts: &[&str]) -> String {
        let name = self.unique_name(purpose);
        let mut args: Vec<String> = vec!["volume".into(), "create".into()];
        args.extend(self.label_args());
        args.extend(opts.iter().map(|s| s.to_string()));
        args.push(name.clone());
        docker(&args);
        name
    }

    /// Create a labelled user-defined bridge network; returns its name.
    pub fn network(&self, purpose: &str) -> String {
        let name = self.unique_name(purpose);
        let mut args: Vec<String> = vec!["network".into(), "create".into()];
        args.extend(self.label_args());
        args.push(name.clone());
        docker(&args);
        name
    }

    /// The seawall binary, with a time limit.
    pub fn seawall(&self) -> assert_cmd::Command {
        seawall()
    }

    /// `seawall scan --label seawall.test.run=<id> <extra...>` (not yet run).
    pub fn scan_cmd(&self, extra: &[&str]) -> assert_cmd::Command {
        let mut cmd = seawall();
        cmd.arg("scan")
            .arg("--label")
            .arg(self.run_label())
            .args(extra);
        cmd
    }

    /// Run a scan with `--format json` (plus `extra`), expect exit 0, parse the report.
    pub fn scan(&self, extra: &[&str]) -> Report {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        let out = self.scan_cmd(&args).output().expect("seawall runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "seawall scan {args:?} exited {:?}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        Report::parse(&out.stdout)
    }

    /// Run a scan in another format and return stdout as text (exit 0 expected).
    pub fn scan_text(&self, format: &str, extra: &[&str]) -> String {
        let mut args = vec!["--format", format];
        args.extend_from_slice(extra);
        let out = self.scan_cmd(&args).output().expect("seawall runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "seawall scan {args:?} exited {:?}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("report is UTF-8")
    }

    /// Expected severity of a finding that user namespaces / rootless mode lower by one.
    pub fn host_root_sev(&self, sev: &'static str) -> &'static str {
        if self.info.root_is_host_root() {
            sev
        } else {
            lowered(sev)
        }
    }

    fn cleanup(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let filter = self.run_filter();
        let list = |args: &[&str]| -> Vec<String> {
            let out = docker_output(args);
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect()
        };
        let mut remove = |what: &str, mut args: Vec<String>, ids: Vec<String>| {
            if ids.is_empty() {
                return;
            }
            args.extend(ids);
            let out = docker_output(&args);
            if !out.status.success() {
                problems.push(format!(
                    "removing {what}: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
        };
        let ids = list(&["ps", "-aq", "--filter", &filter]);
        remove(
            "containers",
            vec!["rm".into(), "-f".into(), "-v".into()],
            ids,
        );
        let vols = list(&["volume", "ls", "-q", "--filter", &filter]);
        remove(
            "volumes",
            vec!["volume".into(), "rm".into(), "-f".into()],
            vols,
        );
        let nets = list(&["network", "ls", "-q", "--filter", &filter]);
        remove("networks", vec!["network".into(), "rm".into()], nets);
        problems
    }
}

impl Drop for TestDaemon {
    fn drop(&mut self) {
        // Never panic here: this also runs while unwinding from a failed assertion.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.cleanup()));
        match result {
            Ok(problems) if problems.is_empty() => {}
            Ok(problems) => eprintln!(
                "warning: cleanup of test run {} was incomplete: {}",
                self.run_id,
                problems.join("; ")
            ),
            Err(_) => eprintln!("warning: cleanup of test run {} panicked", self.run_id),
        }
    }
}

/// The seawall binary built for this test run, with a time limit.
pub fn seawall() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("seawall").expect("the seawall binary is built");
    cmd.timeout(SEAWALL_TIMEOUT);
    // A developer's own config file must not change what the tests see.
    cmd.env(
        "XDG_CONFIG_HOME",
        std::env::temp_dir().join("seawall-tests-no-config"),
    );
    cmd
}

/// One severity lower (user namespaces and rootless mode).
pub fn lowered(sev: &'static str) -> &'static str {
    match sev {
        "critical" => "high",
        "high" => "medium",
        "medium" => "low",
        _ => "info",
    }
}

/// One severity higher.
pub fn raised(sev: &'static str) -> &'static str {
    match sev {
        "info" => "low",
        "low" => "medium",
        "medium" => "high",
        _ => "critical",
    }
}

/// A parsed `seawall.report/v1` JSON report.
pub struct Report {
    pub json: Value,
    pub text: String,
}

/// One finding of a container, with the context needed for clear assertion messages.
#[derive(Debug, Clone)]
pub struct Finding {
    pub container: String,
    pub id: String,
    pub severity: String,
    pub title: String,
    pub cis: Option<String>,
    pub evidence: String,
    pub weighting: Option<String>,
    pub mitigated: bool,
    pub raw: Value,
}

impl Finding {
    fn from_value(container: &str, v: &Value) -> Finding {
        let s = |k: &str| {
            v[k].as_str()
                .unwrap_or_else(|| panic!("{container}: finding {k} is not a string: {v}"))
                .to_string()
        };
        Finding {
            container: container.to_string(),
            id: s("id"),
            severity: s("severity"),
            title: s("title"),
            cis: v["cis"].as_str().map(str::to_string),
            evidence: s("evidence"),
            weighting: v
                .get("weighting")
                .and_then(Value::as_str)
                .map(str::to_string),
            mitigated: v.get("mitigated").and_then(Value::as_bool).unwrap_or(false),
            raw: v.clone(),
        }
    }

    fn ctx(&self) -> String {
        format!(
            "{} on {}: severity {}, cis {:?}, title {:?}, evidence {:?}",
            self.id, self.container, self.severity, self.cis, self.title, self.evidence
        )
    }

    /// Assert the severity.
    pub fn severity(&self, sev: &str) -> &Self {
        assert_eq!(self.severity, sev, "severity of {}", self.ctx());
        self
    }

    /// Assert the severity is one of these.
    pub fn severity_in(&self, sevs: &[&str]) -> &Self {
        assert!(
            sevs.contains(&self.severity.as_str()),
            "severity of {} should be one of {sevs:?}",
            self.ctx()
        );
        self
    }

    /// Assert the CIS label.
    pub fn cis(&self, cis: &str) -> &Self {
        assert_eq!(self.cis.as_deref(), Some(cis), "cis of {}", self.ctx());
        self
    }

    /// Assert there is no CIS label (JSON null).
    pub fn no_cis(&self) -> &Self {
        assert!(
            self.raw.get("cis").is_some_and(Value::is_null),
            "cis of {} should be null",
            self.ctx()
        );
        self
    }

    /// Assert the evidence contains this text.
    pub fn evidence(&self, part: &str) -> &Self {
        assert!(
            self.evidence.contains(part),
            "evidence of {} should contain {part:?}",
            self.ctx()
        );
        self
    }

    /// Assert the title contains this text.
    pub fn title_has(&self, part: &str) -> &Self {
        assert!(
            self.title.contains(part),
            "title of {} should contain {part:?}",
            self.ctx()
        );
        self
    }

    /// Assert the score weighting (`host_root`, `hygiene`, `implied`; `None` = normal).
    pub fn weighting(&self, w: Option<&str>) -> &Self {
        assert_eq!(self.weighting.as_deref(), w, "weighting of {}", self.ctx());
        self
    }
}

impl Report {
    pub fn parse(stdout: &[u8]) -> Report {
        let text = String::from_utf8(stdout.to_vec()).expect("JSON report is UTF-8");
        let json: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the report is not JSON ({e}):\n{text}"));
        Report { json, text }
    }

    /// The one host of the scan.
    pub fn host(&self) -> &Value {
        let hosts = self.json["hosts"].as_array().expect("hosts is an array");
        assert_eq!(hosts.len(), 1, "one daemon scanned");
        &hosts[0]
    }

    pub fn containers(&self) -> &Vec<Value> {
        self.host()["containers"]
            .as_array()
            .expect("containers is an array")
    }

    /// Names of the containers in report order.
    pub fn names(&self) -> Vec<String> {
        self.containers()
            .iter()
            .map(|c| c["name"].as_str().unwrap_or("?").to_string())
            .collect()
    }

    /// The report entry of one container.
    pub fn container(&self, name: impl AsRef<str>) -> &Value {
        let name = name.as_ref();
        self.containers()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| {
                panic!(
                    "container {name} is not in the report; it has {:?}",
                    self.names()
                )
            })
    }

    pub fn contains(&self, name: impl AsRef<str>) -> bool {
        let name = name.as_ref();
        self.containers().iter().any(|c| c["name"] == name)
    }

    pub fn score(&self, name: impl AsRef<str>) -> u64 {
        self.container(name)["score"].as_u64().expect("score")
    }

    pub fn band(&self, name: impl AsRef<str>) -> String {
        self.container(name)["band"]
            .as_str()
            .expect("band")
            .to_string()
    }

    pub fn state(&self, name: impl AsRef<str>) -> String {
        self.container(name)["state"]
            .as_str()
            .expect("state")
            .to_string()
    }

    /// All findings of one container.
    pub fn findings(&self, name: impl AsRef<str>) -> Vec<Finding> {
        let name = name.as_ref();
        self.container(name)["findings"]
            .as_array()
            .expect("findings is an array")
            .iter()
            .map(|f| Finding::from_value(name, f))
            .collect()
    }

    /// `id(severity)` of every finding of a container, for assertion messages.
    pub fn summary(&self, name: impl AsRef<str>) -> String {
        let name = name.as_ref();
        let c = self.container(name);
        let list: Vec<String> = self
            .findings(name)
            .iter()
            .map(|f| format!("{}({})", f.id, f.severity))
            .collect();
        format!(
            "{name} [score {}, band {}]: {}",
            c["score"],
            c["band"],
            list.join(" ")
        )
    }

    /// The findings of a container with this id.
    pub fn all(&self, name: impl AsRef<str>, id: &str) -> Vec<Finding> {
        self.findings(name)
            .into_iter()
            .filter(|f| f.id == id)
            .collect()
    }

    pub fn has(&self, name: impl AsRef<str>, id: &str) -> bool {
        !self.all(name, id).is_empty()
    }

    /// The one finding with this id (panics, listing the container's findings, if there is
    /// none or more than one).
    pub fn finding(&self, name: impl AsRef<str>, id: &str) -> Finding {
        let name = name.as_ref();
        let mut hits = self.all(name, id);
        assert!(!hits.is_empty(), "expected {id} on {}", self.summary(name));
        assert_eq!(
            hits.len(),
            1,
            "expected exactly one {id} on {}",
            self.summary(name)
        );
        hits.remove(0)
    }

    /// Assert a container has no finding with this id.
    pub fn lacks(&self, name: impl AsRef<str>, id: &str) {
        let name = name.as_ref();
        assert!(
            !self.has(name, id),
            "expected no {id} on {}",
            self.summary(name)
        );
    }

    /// Assert a container has no finding whose id starts with this prefix.
    pub fn lacks_prefix(&self, name: impl AsRef<str>, prefix: &str) {
        let name = name.as_ref();
        assert!(
            self.findings(name)
                .iter()
                .all(|f| !f.id.starts_with(prefix)),
            "expected no {prefix}* finding on {}",
            self.summary(name)
        );
    }

    /// Does a `ro` bind mount on this engine and kernel cover submounts? (Engine 25+ with
    /// kernel 5.12+ makes read-only binds recursive; older ones leave submounts writable.)
    pub fn read_only_is_recursive(&self) -> bool {
        let engine = &self.host()["engine"];
        let major_minor = |v: &str| {
            let mut it = v
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .map(|x| x.parse::<u32>().unwrap_or(0));
            (it.next().unwrap_or(0), it.next().unwrap_or(0))
        };
        let e = major_minor(engine["version"].as_str().unwrap_or(""));
        let k = major_minor(engine["kernel"].as_str().unwrap_or(""));
        (e.0 == 0 || e.0 >= 25) && (k.0 == 0 || k >= (5, 12))
    }
}

impl TestDaemon {
    /// Create a labelled network with extra `docker network create` options (such as
    /// `--subnet`); `Err` carries the daemon's message (a subnet may already be taken).
    pub fn try_network_with(&self, purpose: &str, opts: &[&str]) -> Result<String, String> {
        let name = self.unique_name(purpose);
        let mut args: Vec<String> = vec!["network".into(), "create".into()];
        args.extend(self.label_args());
        args.extend(opts.iter().map(|s| s.to_string()));
        args.push(name.clone());
        let out = docker_output(&args);
        if out.status.success() {
            Ok(name)
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }
}

/// A private second daemon for restart tests (see `daemon2.rs`).
pub mod daemon2;
pub mod fault_proxy;
pub mod ndjson_watch;
pub mod sshd;

/// Bytes a command printed, as text (lossy).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Assert an exit code, showing both streams when it differs.
pub fn expect_code(out: &Output, code: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}: exit {:?}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Collect a child's output lines on a thread (for `seawall watch` and the like).
pub fn collect_lines(
    pipe: impl Read + Send + 'static,
) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    use std::io::BufRead;
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            sink.lock().unwrap().push(line);
        }
    });
    lines
}
