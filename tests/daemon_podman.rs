//! seawall against a real Podman: Debian's `podman` package running `podman system service`
//! (the Docker-compatible API) on a unix socket of this test's own, with its own storage
//! (vfs), containers.conf (cgroupfs, file events) and run directory, so nothing is shared
//! with another test or with a Podman the host may run.
//!
//! - `podman_scan_names_the_engine_and_keeps_container_findings`: `seawall -H unix://...
//!   scan` reports engine Podman with its OCI runtime and mode, no Docker Engine or
//!   containerd advisory, the Podman posture findings, and the container findings of
//!   created (not started: a VM rlimit forbids starting) risky containers; the table and
//!   Markdown formats say Podman too.
//! - `podman_console_header_shows_podman`: the console (in a detached tmux) shows
//!   `engine Podman <version>` and the runtime in its header.
//! - `podman_rootless_is_shown_as_a_strength`: the service runs rootless as the user
//!   `seawall-podman`: engine rootless, `SW-HOST-PODMAN-001` (and `-004`: cgroupfs cannot
//!   limit), no rootful finding, and a privileged container's finding is mitigated.
//!
//! Without podman (or tmux, or the test image in Docker) the tests print a loud SKIPPED line
//! and pass, except in CI (`CI` set), where they fail: `scripts/ensure-podman.sh`
//! (called by `scripts/ensure-docker.sh`) installs podman. Everything is removed afterwards:
//! the containers (by this run's label), the service (by its process), the directory.

mod common;

use common::{image, in_ci, run_with_timeout};
use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const CMD_TIMEOUT: Duration = Duration::from_secs(120);
/// How long the service may take to answer `/_ping` after it was started.
const SERVICE_START: Duration = Duration::from_secs(30);

fn podman_installed() -> bool {
    Command::new("podman")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Skip (loudly) or, in CI, fail when `what` is missing.
fn missing(what: &str, test: &str) {
    assert!(
        !in_ci(),
        "CI is set, so the Podman tests must run, but {what} (scripts/ensure-podman.sh \
         installs podman; scripts/ensure-docker.sh builds the test image)"
    );
    eprintln!(
        "\n=============================================================\n\
         SKIPPED: {what} ({test}).\n\
         =============================================================\n"
    );
}

/// The unprivileged user the rootless test runs Podman as (created with its subordinate
/// uid and gid ranges by `scripts/ensure-podman.sh`).
const ROOTLESS_USER: &str = "seawall-podman";

/// `(uid, gid)` of `user`, when it exists.
fn user_ids(user: &str) -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, user]).output().ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    Some((id("-u")?, id("-g")?))
}

/// A private `podman system service` with its own storage, stopped and removed on drop.
struct PodmanService {
    dir: PathBuf,
    socket: PathBuf,
    child: Option<Child>,
    run_label: String,
    /// Rootless: the user Podman runs as.
    user: Option<(u32, u32)>,
}

impl PodmanService {
    /// Start the service as root, or `None` (after printing why) when podman is not
    /// installed.
    fn start(test: &str) -> Option<PodmanService> {
        Self::start_as(test, None)
    }

    /// Start the service as [`ROOTLESS_USER`] (rootless Podman).
    fn start_rootless(test: &str) -> Option<PodmanService> {
        let Some(ids) = user_ids(ROOTLESS_USER) else {
            missing(&format!("the user {ROOTLESS_USER} does not exist"), test);
            return None;
        };
        Self::start_as(test, Some(ids))
    }

    fn start_as(test: &str, user: Option<(u32, u32)>) -> Option<PodmanService> {
        if !podman_installed() {
            missing("podman is not installed", test);
            return None;
        }
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let id = format!("{}-{nanos:x}", std::process::id());
        // Short: a unix socket path must stay under 108 bytes.
        let dir = PathBuf::from(format!("/tmp/sw-pm-{id}"));
        std::fs::create_dir_all(dir.join("xdg")).expect("create the service directory");
        if let Some((uid, gid)) = user {
            for d in [dir.clone(), dir.join("xdg")] {
                std::os::unix::fs::chown(&d, Some(uid), Some(gid)).expect("chown");
            }
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.join("xdg"), std::fs::Permissions::from_mode(0o700))
                .expect("chmod the runtime directory");
        }
        std::fs::write(
            dir.join("containers.conf"),
            format!(
                "[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n\
                 events_logfile_path = \"{}\"\n",
                dir.join("events.log").display()
            ),
        )
        .expect("write containers.conf");
        let socket = dir.join("podman.sock");
        let mut service = PodmanService {
            socket: socket.clone(),
            child: None,
            run_label: format!("seawall.test.run=pm-{id}"),
            dir,
            user,
        };
        let log = std::fs::File::create(service.dir.join("service.log")).expect("service log");
        let child = service
            .podman()
            .args(["system", "service", "--time=0"])
            .arg(format!("unix://{}", socket.display()))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("start podman system service");
        service.child = Some(child);
        let start = Instant::now();
        while !service.answers() {
            assert!(
                start.elapsed() < SERVICE_START,
                "podman system service did not answer on {} within {SERVICE_START:?}: {}",
                socket.display(),
                std::fs::read_to_string(service.dir.join("service.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(service)
    }

    /// `podman` with this service's storage, run directory and containers.conf (as the
    /// rootless user, with its own runtime directory, when there is one).
    fn podman(&self) -> Command {
        let mut cmd = Command::new("podman");
        if let Some((uid, gid)) = self.user {
            use std::os::unix::process::CommandExt;
            cmd.uid(uid)
                .gid(gid)
                .current_dir(&self.dir)
                .env("HOME", &self.dir)
                .env("XDG_RUNTIME_DIR", self.dir.join("xdg"));
        }
        cmd.env("CONTAINERS_CONF", self.dir.join("containers.conf"))
            .arg("--root")
            .arg(self.dir.join("root"))
            .arg("--runroot")
            .arg(self.dir.join("run"))
            .args(["--storage-driver", "vfs", "--cgroup-manager", "cgroupfs"])
            .args(["--events-backend", "file"]);
        cmd
    }

    /// Run a podman command that must succeed; its stdout.
    fn podman_ok(&self, args: &[&str]) -> String {
        let mut cmd = self.podman();
        cmd.args(args);
        let out = run_with_timeout(cmd, CMD_TIMEOUT);
        assert!(
            out.status.success(),
            "podman {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn endpoint(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// Does `GET /_ping` answer OK?
    fn answers(&self) -> bool {
        let Ok(mut s) = UnixStream::connect(&self.socket) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        if s.write_all(b"GET /_ping HTTP/1.0\r\nHost: podman\r\n\r\n")
            .is_err()
        {
            return false;
        }
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer.starts_with("HTTP/1.") && answer.contains(" 200 ")
    }

    /// Load the test image from Docker (`docker save | podman load`); false (after
    /// printing why) when Docker does not have it.
    fn load_test_image(&self, test: &str) -> bool {
        let archive = self.dir.join("image.tar");
        let mut save = Command::new("docker");
        save.args(["save", "-o"]).arg(&archive).arg(image());
        let out = run_with_timeout(save, CMD_TIMEOUT);
        if !out.status.success() {
            missing(
                &format!(
                    "docker cannot save the test image {}: {}",
                    image(),
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
                test,
            );
            return false;
        }
        if self.user.is_some() {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&archive, std::fs::Permissions::from_mode(0o644));
        }
        self.podman_ok(&["load", "-q", "-i", &archive.to_string_lossy()]);
        true
    }

    /// Create (not start) a labelled container; its name.
    fn create(&self, purpose: &str, args: &[&str]) -> String {
        let name = format!("sw-pm-{}-{purpose}", std::process::id());
        let mut all = vec![
            "create",
            "--name",
            &name,
            "--label",
            "seawall.test=1",
            "--label",
            &self.run_label,
        ];
        all.extend_from_slice(args);
        let image = image();
        all.push(&image);
        all.extend_from_slice(&["sleep", "1000"]);
        self.podman_ok(&all);
        name
    }
}

impl Drop for PodmanService {
    fn drop(&mut self) {
        // Our containers by our label, then the service (our own child), then the
        // directory with its private storage.
        let mut rm = self.podman();
        rm.args(["rm", "-f", "--filter"])
            .arg(format!("label={}", self.run_label));
        let _ = run_with_timeout(rm, CMD_TIMEOUT);
        if let Some(mut child) = self.child.take() {
            // SIGTERM first: a rootless podman forwards it to its re-executed child in the
            // user namespace (SIGKILL would leave that one behind).
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        // Rootless Podman keeps a pause process holding its user namespace: ours, by its
        // pid file in our runtime directory.
        let pause = self.dir.join("xdg/libpod/tmp/pause.pid");
        if let Ok(pid) = std::fs::read_to_string(&pause) {
            let pid = pid.trim();
            if !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()) {
                let _ = Command::new("kill").args(["-KILL", pid]).status();
            }
        }
        // A rootless service re-executes itself inside its user namespace, and that copy
        // does not always follow the SIGTERM: whatever still names our private directory
        // (unique to this run) on its command line is ours.
        if let Some(dir) = self.dir.to_str() {
            let _ = Command::new("pkill").args(["-KILL", "-f", dir]).status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn seawall_scan(endpoint: &str, format: &str) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seawall"));
    cmd.args(["-H", endpoint, "scan", "--format", format]);
    let out = run_with_timeout(cmd, CMD_TIMEOUT);
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 1),
        "seawall scan --format {format} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 report")
}

fn ids(findings: &Value) -> Vec<String> {
    findings
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn podman_scan_names_the_engine_and_keeps_container_findings() {
    let test = "podman_scan_names_the_engine_and_keeps_container_findings";
    let Some(service) = PodmanService::start(test) else {
        return;
    };
    if !service.load_test_image(test) {
        return;
    }
    let privileged = service.create("priv", &["--privileged"]);
    let sysadmin = service.create("sysadmin", &["--cap-add", "SYS_ADMIN"]);
    let hostroot = service.create("hostroot", &["-v", "/:/host"]);
    let hostpid = service.create("hostpid", &["--pid", "host"]);

    let report: Value =
        serde_json::from_str(&seawall_scan(&service.endpoint(), "json")).expect("JSON report");
    let host = &report["hosts"][0];
    let engine = &host["engine"];
    assert_eq!(engine["product"], "podman", "{engine}");
    let version = engine["version"].as_str().unwrap();
    assert!(
        version.starts_with(|c: char| c.is_ascii_digit()),
        "{engine}"
    );
    let runtime = engine["oci_runtime"].as_str().unwrap();
    assert!(runtime == "crun" || runtime == "runc", "{engine}");
    assert!(
        engine["oci_runtime_version"]
            .as_str()
            .unwrap()
            .starts_with(|c: char| c.is_ascii_digit()),
        "{engine}"
    );
    assert_eq!(engine["containerd"], "", "Podman has no containerd");
    assert_eq!(engine["cgroup_driver"], "cgroupfs", "{engine}");
    // Root runs this service: rootful, read from Podman's own /info.
    assert_eq!(engine["rootless"], false, "{engine}");

    let posture = &host["posture"]["findings"];
    let posture_ids = ids(posture);
    for f in posture.as_array().unwrap() {
        let title = f["title"].as_str().unwrap();
        assert!(
            !title.contains("Docker Engine") && !title.starts_with("containerd"),
            "a Docker Engine / containerd advisory on Podman: {f}"
        );
    }
    for false_finding in ["SW-HOST-CVE-2026-42306", "SW-HOST-CVE-2021-41089"] {
        assert!(
            !posture_ids.iter().any(|i| i == false_finding),
            "{posture_ids:?}"
        );
    }
    assert!(
        posture_ids.iter().any(|i| i == "SW-HOST-PODMAN-002"),
        "rootful Podman is said: {posture_ids:?}"
    );
    assert!(
        posture_ids.iter().any(|i| i == "SW-HOST-PODMAN-003"),
        "the cgroupfs manager is said: {posture_ids:?}"
    );
    for dockerd_only in ["SW-HOST-005", "SW-HOST-014", "SW-HOST-017"] {
        assert!(
            !posture_ids.iter().any(|i| i == dockerd_only),
            "{dockerd_only}: {posture_ids:?}"
        );
    }

    let containers = host["containers"].as_array().unwrap();
    let findings_of = |name: &str| -> Vec<String> {
        let c = containers
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} is in the report: {containers:?}"));
        ids(&c["findings"])
    };
    let expect = [
        (&privileged, "SW-PRIV-001"),
        (&sysadmin, "SW-CAP-SYS_ADMIN"),
        (&hostroot, "SW-MNT-001"),
        (&hostpid, "SW-NS-001"),
    ];
    for (name, id) in expect {
        let found = findings_of(name);
        assert!(found.iter().any(|f| f == id), "{name}: {id} in {found:?}");
    }

    let table = seawall_scan(&service.endpoint(), "table");
    assert!(
        table.contains(&format!("engine Podman {version}")),
        "table:\n{table}"
    );
    assert!(
        table.contains(&format!("OCI runtime {runtime}")),
        "table:\n{table}"
    );
    assert!(table.contains("mode rootful"), "table:\n{table}");
    let markdown = seawall_scan(&service.endpoint(), "markdown");
    assert!(
        markdown.contains(&format!("| Engine | Podman {version}")),
        "markdown:\n{markdown}"
    );
    assert!(
        !markdown.contains("| containerd |"),
        "markdown:\n{markdown}"
    );
}

/// Quote a string for `sh` (single quotes; a quote inside becomes `'\''`).
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn tmux_available(test: &str) -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        missing("tmux is not installed", test);
    }
    ok
}

/// A tmux server of its own running one seawall console; killed on drop.
struct Tmux {
    socket: String,
    dir: PathBuf,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::new("tmux");
        cmd.arg("-L").arg(&self.socket).args(args);
        run_with_timeout(cmd, Duration::from_secs(10))
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "sw:0.0"]).stdout)
            .to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn console(endpoint: &str, dir: &Path) -> Tmux {
    std::fs::create_dir_all(dir).expect("console directory");
    let config = dir.join("seawall.toml");
    std::fs::write(
        &config,
        format!("[log]\nfile = \"{}\"\n", dir.join("seawall.log").display()),
    )
    .expect("config");
    let tmux_conf = dir.join("tmux.conf");
    std::fs::write(
        &tmux_conf,
        "set -g default-terminal \"xterm-256color\"\nset -g status off\nset -g remain-on-exit on\n",
    )
    .expect("tmux config");
    let socket = format!(
        "seawall-pm-{}-{}",
        std::process::id(),
        dir.file_name().unwrap().to_string_lossy()
    );
    let pane = format!(
        "{} --config {} -H {}; sleep 30",
        sh_quote(env!("CARGO_BIN_EXE_seawall")),
        sh_quote(&config.to_string_lossy()),
        sh_quote(endpoint)
    );
    let tmux = Tmux {
        socket,
        dir: dir.to_path_buf(),
    };
    let mut cmd = Command::new("tmux");
    cmd.arg("-L")
        .arg(&tmux.socket)
        .arg("-f")
        .arg(&tmux_conf)
        .args(["new-session", "-d", "-s", "sw", "-x", "160", "-y", "40"])
        .arg(&pane)
        .env("TERM", "xterm-256color")
        .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
        .env("XDG_STATE_HOME", dir.join("xdg-state"))
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env_remove("TMUX");
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().to_string();
        if k.to_ascii_uppercase().starts_with("SEAWALL_") {
            cmd.env_remove(&k);
        }
    }
    let out = run_with_timeout(cmd, Duration::from_secs(10));
    assert!(
        out.status.success(),
        "tmux new-session: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    tmux
}

#[test]
fn podman_console_header_shows_podman() {
    let test = "podman_console_header_shows_podman";
    if !tmux_available(test) {
        return;
    }
    let Some(service) = PodmanService::start(test) else {
        return;
    };
    if !service.load_test_image(test) {
        return;
    }
    let name = service.create("console", &["--cap-add", "SYS_ADMIN"]);
    // The same binary serves the socket: its version is the engine's.
    let version = service.podman_ok(&["version", "--format", "{{.Client.Version}}"]);
    let tmux = console(&service.endpoint(), &service.dir.join("console"));
    let want = format!("engine Podman {version}");
    let start = Instant::now();
    let mut screen = tmux.screen();
    while !(screen.contains(&want) && screen.contains(&name)) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the header never said {want:?} with {name} listed:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
        screen = tmux.screen();
    }
    let header = screen
        .lines()
        .find(|l| l.contains(&want))
        .expect("the header line");
    assert!(
        header.contains("runtime crun") || header.contains("runtime runc"),
        "{header}"
    );
    assert!(header.contains("rootful"), "{header}");
    assert!(!header.contains("containerd"), "{header}");
    let _ = tmux.cmd(&["send-keys", "-t", "sw:0.0", "q"]);
}

#[test]
fn podman_rootless_is_shown_as_a_strength() {
    let test = "podman_rootless_is_shown_as_a_strength";
    let Some(service) = PodmanService::start_rootless(test) else {
        return;
    };
    if !service.load_test_image(test) {
        return;
    }
    let privileged = service.create("rl-priv", &["--privileged"]);
    let report: Value =
        serde_json::from_str(&seawall_scan(&service.endpoint(), "json")).expect("JSON report");
    let host = &report["hosts"][0];
    assert_eq!(host["engine"]["product"], "podman", "{}", host["engine"]);
    assert_eq!(host["engine"]["rootless"], true, "{}", host["engine"]);
    let posture = ids(&host["posture"]["findings"]);
    assert!(
        posture.iter().any(|i| i == "SW-HOST-PODMAN-001"),
        "rootless is shown: {posture:?}"
    );
    assert!(
        !posture.iter().any(|i| i == "SW-HOST-PODMAN-002"),
        "{posture:?}"
    );
    // cgroupfs and rootless: Podman cannot enforce limits here.
    assert!(
        posture.iter().any(|i| i == "SW-HOST-PODMAN-004"),
        "{posture:?}"
    );
    // A privileged container of a rootless Podman is not host root: its finding is
    // there, lowered.
    let c = host["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == privileged.as_str())
        .expect("the privileged container");
    let f = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "SW-PRIV-001")
        .expect("SW-PRIV-001");
    assert_eq!(f["mitigated"], true, "{f}");
    assert_ne!(c["band"], "critical", "{c}");
    let table = seawall_scan(&service.endpoint(), "table");
    assert!(table.contains("mode rootless"), "{table}");
}
