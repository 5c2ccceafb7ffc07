//! TLS against the real daemon, the way the docker CLI reaches one: Debian's `stunnel4` in
//! front of /var/run/docker.sock as the TLS server, with a CA, daemon and client
//! certificates made in the test (rcgen).
//!
//! - mutual TLS (`verifyChain` + `requireCert`) through `-H` + `DOCKER_TLS_VERIFY` /
//!   `DOCKER_CERT_PATH`, and through a context made by `docker context create`;
//! - server-verified TLS with only `ca.pem`;
//! - a self-signed daemon certificate given as its own CA;
//! - failures in words: a wrong CA (unknown issuer), no client certificate against
//!   `requireCert`, a client certificate from another CA, an expired daemon certificate, a
//!   name the certificate does not hold;
//! - a dead endpoint beside a live one.
//!
//! stunnel and openssl come from `scripts/ensure-stunnel.sh`. Without stunnel the tests print
//! SKIPPED, except in CI (`CI` set), where they fail.

mod common;

use common::{Report, Spec, TestDaemon, in_ci, seawall};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const SOCKET: &str = "/var/run/docker.sock";

// ---- certificates ----------------------------------------------------------------------

// The same certificates as the unit tests of `src/docker/tls.rs` (rcgen).
#[path = "../src/docker/tls_test_certs.rs"]
#[allow(dead_code)]
mod certs;
use certs::{Leaf, Pki, self_signed_ca_server};

fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::write(path, text).expect("write");
    path.to_path_buf()
}

/// A DOCKER_CERT_PATH-style directory: `ca.pem`, and `cert.pem` + `key.pem` when given.
fn cert_dir(root: &Path, name: &str, ca: &str, client: Option<&Leaf>) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    write(&dir.join("ca.pem"), ca);
    if let Some(client) = client {
        write(&dir.join("cert.pem"), &client.cert_pem);
        write(&dir.join("key.pem"), &client.key_pem);
    }
    dir
}

// ---- stunnel ---------------------------------------------------------------------------

/// A stunnel process in front of the daemon socket; killed on drop.
struct Stunnel {
    child: Child,
    port: u16,
    log: PathBuf,
}

fn stunnel_binary() -> Option<&'static str> {
    let found = ["stunnel4", "stunnel"].into_iter().find(|bin| {
        Command::new(bin)
            .arg("-version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    });
    if found.is_none() {
        assert!(
            !in_ci(),
            "CI is set, so the TLS tests must run, but stunnel is not installed: run \
             scripts/ensure-stunnel.sh (scripts/ensure-docker.sh calls it)"
        );
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED: stunnel is not installed (scripts/ensure-stunnel.sh)\n"
        );
    }
    found
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

impl Stunnel {
    /// TLS on 127.0.0.1 with `server` as the daemon's certificate; with `client_ca`, a
    /// client certificate signed by that CA is required.
    fn start(bin: &str, dir: &Path, name: &str, server: &Leaf, client_ca: Option<&str>) -> Self {
        let cert = write(&dir.join(format!("{name}-server.pem")), &server.cert_pem);
        let key = write(&dir.join(format!("{name}-server-key.pem")), &server.key_pem);
        let log = dir.join(format!("{name}.log"));
        let mut last_err = String::new();
        for _attempt in 0..5 {
            let port = free_port();
            let mut conf = format!(
                "foreground = yes\npid =\noutput = {}\ndebug = 5\n\n[docker]\n\
                 accept = 127.0.0.1:{port}\nconnect = {SOCKET}\ncert = {}\nkey = {}\n",
                log.display(),
                cert.display(),
                key.display()
            );
            if let Some(ca) = client_ca {
                let ca = write(&dir.join(format!("{name}-client-ca.pem")), ca);
                conf.push_str(&format!(
                    "CAfile = {}\nverifyChain = yes\nrequireCert = yes\n",
                    ca.display()
                ));
            }
            let conf_path = write(&dir.join(format!("{name}.conf")), &conf);
            let child = Command::new(bin)
                .arg(&conf_path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("stunnel starts");
            let mut tunnel = Stunnel {
                child,
                port,
                log: log.clone(),
            };
            match tunnel.wait_ready() {
                Ok(()) => return tunnel,
                Err(why) => {
                    last_err = why;
                    let log = tunnel.log.clone();
                    drop(tunnel);
                    last_err.push_str(&std::fs::read_to_string(&log).unwrap_or_default());
                }
            }
        }
        panic!("stunnel did not start: {last_err}");
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("stunnel exited ({status}): "));
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err("stunnel did not listen within 10 s: ".into())
    }

    fn host(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }
}

impl Drop for Stunnel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- running seawall -------------------------------------------------------------------

/// `seawall` with no docker CLI environment of the developer's: a private DOCKER_CONFIG.
fn isolated(config_dir: &Path) -> assert_cmd::Command {
    let mut cmd = seawall();
    cmd.env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .env_remove("DOCKER_TLS_VERIFY")
        .env_remove("DOCKER_CERT_PATH")
        .env("DOCKER_CONFIG", config_dir);
    cmd
}

/// `seawall -H HOST scan --label <run> --name NAME --format json` with TLS from `certs`.
fn scan_tls(d: &TestDaemon, config: &Path, host: &str, certs: &Path, name: &str) -> Output {
    isolated(config)
        .env("DOCKER_TLS_VERIFY", "1")
        .env("DOCKER_CERT_PATH", certs)
        .args(["-H", host, "scan", "--label", &d.run_label()])
        .args(["--name", name, "--format", "json"])
        .output()
        .expect("seawall runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The scan worked and its one host is `host` with the container `name`.
fn assert_scanned(out: &Output, host: &str, name: &str) {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(out));
    let report = Report::parse(&out.stdout);
    assert_eq!(report.host()["endpoint"], host, "{}", report.text);
    assert!(report.contains(name), "{name} in {:?}", report.names());
}

/// The scan failed with exit 2 and one line on stderr, in words, naming `host`.
fn failure_line(out: &Output, host: &str) -> String {
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(out));
    assert!(
        out.stdout.is_empty(),
        "no report: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = stderr(out);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line:\n{err}");
    let line = lines[0].to_string();
    assert!(
        line.starts_with(&format!(
            "seawall: cannot reach the Docker daemon at {host} (from --host): "
        )),
        "{line}"
    );
    for dump in [
        "Other(",
        "OtherError",
        "InvalidCertificate",
        "AlertReceived",
        "Custom {",
    ] {
        assert!(!line.contains(dump), "a debug form ({dump}): {line}");
    }
    line
}

// ---- the tests -------------------------------------------------------------------------

#[test]
fn mutual_tls_through_the_environment_and_its_failures_in_words() {
    let Some(bin) = stunnel_binary() else { return };
    let Some(d) = TestDaemon::get() else { return };
    let ctr = d.container(Spec::created("tls-mutual", &[]));
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let pki = Pki::new("mutual");
    let tunnel = Stunnel::start(
        bin,
        root,
        "mutual",
        &pki.server(&["127.0.0.1", "localhost"]),
        Some(&pki.ca_pem),
    );
    let host = tunnel.host();

    // The CA, a client certificate and key: the scan goes through.
    let good = cert_dir(root, "good", &pki.ca_pem, Some(&pki.client()));
    assert_scanned(
        &scan_tls(&d, root, &host, &good, &ctr.name),
        &host,
        &ctr.name,
    );

    // No client certificate against requireCert.
    let ca_only = cert_dir(root, "ca-only", &pki.ca_pem, None);
    let line = failure_line(&scan_tls(&d, root, &host, &ca_only, &ctr.name), &host);
    assert!(line.contains("requires a client certificate"), "{line}");
    assert!(
        line.contains("no client certificate is configured"),
        "{line}"
    );

    // A client certificate from a CA the daemon does not trust.
    let other = Pki::new("other");
    let stranger = cert_dir(root, "stranger", &pki.ca_pem, Some(&other.client()));
    let line = failure_line(&scan_tls(&d, root, &host, &stranger, &ctr.name), &host);
    assert!(
        line.contains(&format!(
            "the daemon rejected the client certificate {} (alert ",
            stranger.join("cert.pem").display()
        )),
        "{line}"
    );

    // The wrong CA: the daemon's certificate is an unknown issuer.
    let wrong_ca = cert_dir(root, "wrong-ca", &other.ca_pem, Some(&pki.client()));
    let line = failure_line(&scan_tls(&d, root, &host, &wrong_ca, &ctr.name), &host);
    assert!(
        line.contains(&format!(
            "the daemon's certificate is not signed by the CA in {} (unknown issuer)",
            wrong_ca.join("ca.pem").display()
        )),
        "{line}"
    );
}

#[test]
fn a_context_made_by_docker_context_create_reaches_a_mutual_tls_daemon() {
    let Some(bin) = stunnel_binary() else { return };
    let Some(d) = TestDaemon::get() else { return };
    let ctr = d.container(Spec::created("tls-context", &[]));
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let pki = Pki::new("context");
    let tunnel = Stunnel::start(
        bin,
        root,
        "context",
        &pki.server(&["127.0.0.1"]),
        Some(&pki.ca_pem),
    );
    let host = tunnel.host();
    let files = cert_dir(root, "files", &pki.ca_pem, Some(&pki.client()));
    let config = root.join("docker-config");
    std::fs::create_dir_all(&config).expect("mkdir");
    let context = format!("sw-tls-{}", std::process::id());
    let created = Command::new("docker")
        .env("DOCKER_CONFIG", &config)
        .args(["context", "create", &context, "--docker"])
        .arg(format!(
            "host={host},ca={},cert={},key={}",
            files.join("ca.pem").display(),
            files.join("cert.pem").display(),
            files.join("key.pem").display()
        ))
        .output()
        .expect("docker context create runs");
    assert!(created.status.success(), "{}", stderr(&created));
    // The context holds copies: the originals can go.
    std::fs::remove_dir_all(&files).expect("rm originals");

    for flag in ["-c", "--context"] {
        let out = isolated(&config)
            .args([flag, &context, "scan", "--label", &d.run_label()])
            .args(["--name", &ctr.name, "--format", "json"])
            .output()
            .expect("seawall runs");
        assert_scanned(&out, &host, &ctr.name);
    }
}

#[test]
fn server_verified_tls_with_only_a_ca_and_a_dead_endpoint_beside_it() {
    let Some(bin) = stunnel_binary() else { return };
    let Some(d) = TestDaemon::get() else { return };
    let ctr = d.container(Spec::created("tls-ca-only", &[]));
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let pki = Pki::new("server-only");
    // Valid for 127.0.0.1 only (not "localhost"); no client certificate required.
    let tunnel = Stunnel::start(bin, root, "server-only", &pki.server(&["127.0.0.1"]), None);
    let host = tunnel.host();
    let ca_only = cert_dir(root, "ca-only", &pki.ca_pem, None);
    assert_scanned(
        &scan_tls(&d, root, &host, &ca_only, &ctr.name),
        &host,
        &ctr.name,
    );

    // The name asked for is not in the certificate.
    let by_name = format!("tcp://localhost:{}", tunnel.port);
    let line = failure_line(&scan_tls(&d, root, &by_name, &ca_only, &ctr.name), &by_name);
    assert!(
        line.contains(
            "the daemon's certificate is not valid for the name \"localhost\" seawall connected \
             to; it is valid for: 127.0.0.1"
        ),
        "{line}"
    );

    // A dead endpoint beside live ones (plain socket and TLS): the live ones are reported,
    // the dead one is named, and the exit code is 2 (a daemon failed).
    let dead = "unix:///nonexistent/seawall-tls.sock";
    for live in [format!("unix://{SOCKET}"), host.clone()] {
        let out = isolated(root)
            .env("DOCKER_TLS_VERIFY", "1")
            .env("DOCKER_CERT_PATH", &ca_only)
            .args(["-H", dead, "-H", &live, "scan", "--label", &d.run_label()])
            .args(["--name", &ctr.name, "--format", "json"])
            .output()
            .expect("seawall runs");
        assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
        let report = Report::parse(&out.stdout);
        assert_eq!(report.host()["endpoint"], live.as_str(), "{}", report.text);
        assert!(report.contains(&ctr.name), "{:?}", report.names());
        let err = stderr(&out);
        assert!(
            err.contains(&format!("cannot reach the Docker daemon at {dead}")),
            "{err}"
        );
    }
}

#[test]
fn a_self_signed_daemon_certificate_given_as_its_own_ca_is_accepted() {
    let Some(bin) = stunnel_binary() else { return };
    let Some(d) = TestDaemon::get() else { return };
    let ctr = d.container(Spec::created("tls-self-signed", &[]));
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let own = self_signed_ca_server(&["127.0.0.1", "localhost"]);
    let tunnel = Stunnel::start(bin, root, "self-signed", &own, None);
    let host = tunnel.host();
    let certs = cert_dir(root, "own", &own.cert_pem, None);
    // The docker CLI accepts it (the parity this is about) ...
    let cli = Command::new("docker")
        .env("DOCKER_CONFIG", root)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .arg("--tlsverify")
        .arg("--tlscacert")
        .arg(certs.join("ca.pem"))
        .args(["-H", &host, "version", "--format", "{{.Server.APIVersion}}"])
        .output()
        .expect("docker runs");
    assert!(cli.status.success(), "docker CLI: {}", stderr(&cli));
    // ... and so does seawall.
    assert_scanned(
        &scan_tls(&d, root, &host, &certs, &ctr.name),
        &host,
        &ctr.name,
    );

    // Another self-signed certificate as the CA: refused, in words.
    let stranger = self_signed_ca_server(&["127.0.0.1", "localhost"]);
    let other = cert_dir(root, "other", &stranger.cert_pem, None);
    let line = failure_line(&scan_tls(&d, root, &host, &other, &ctr.name), &host);
    assert!(
        line.contains("the daemon's certificate is a CA certificate (CA:TRUE)"),
        "{line}"
    );
    assert!(
        line.contains(&other.join("ca.pem").display().to_string()),
        "{line}"
    );
}

#[test]
fn an_expired_daemon_certificate_is_refused_with_its_date() {
    let Some(bin) = stunnel_binary() else { return };
    let Some(d) = TestDaemon::get() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let pki = Pki::new("expired");
    let expired = pki.server_dated(&["127.0.0.1"], 2000, 2001);
    let tunnel = Stunnel::start(bin, root, "expired", &expired, None);
    let host = tunnel.host();
    let certs = cert_dir(root, "certs", &pki.ca_pem, None);
    let line = failure_line(&scan_tls(&d, root, &host, &certs, "none"), &host);
    assert!(
        line.contains("the daemon's certificate expired on 2001-01-01 00:00:00 UTC (it is now "),
        "{line}"
    );
}

#[test]
fn a_tls_scan_reuses_its_connections() {
    let Some(bin) = stunnel_binary() else { return };
    let Some(d) = TestDaemon::get() else { return };
    const CONTAINERS: usize = 30;
    let specs = (0..CONTAINERS)
        .map(|i| Spec::created(&format!("tls-keepalive-{i}"), &[]))
        .collect();
    let created = d.containers(specs);
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let pki = Pki::new("keepalive");
    let tunnel = Stunnel::start(
        bin,
        root,
        "keepalive",
        &pki.server(&["127.0.0.1"]),
        Some(&pki.ca_pem),
    );
    let host = tunnel.host();
    let certs = cert_dir(root, "certs", &pki.ca_pem, Some(&pki.client()));
    let out = isolated(root)
        .env("DOCKER_TLS_VERIFY", "1")
        .env("DOCKER_CERT_PATH", &certs)
        .args([
            "-H",
            &host,
            "scan",
            "--label",
            &d.run_label(),
            "--format",
            "json",
        ])
        .output()
        .expect("seawall runs");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let report = Report::parse(&out.stdout);
    for ctr in &created {
        assert!(
            report.contains(&ctr.name),
            "{} in {:?}",
            ctr.name,
            report.names()
        );
    }
    // One TLS handshake per request would be 36 connections (ping, info, version, bridge,
    // volumes, list, 30 inspects). With keep-alive it is about what is in flight at once:
    // the inspect concurrency (8) plus the daemon-facts requests, 14 at most; a loaded
    // machine was once seen to need one more, hence some room, well under 36.
    let log = std::fs::read_to_string(&tunnel.log).expect("stunnel log");
    let accepted = log.matches("accepted connection").count();
    assert!(
        (1..=20).contains(&accepted),
        "{accepted} TLS connections for {CONTAINERS} containers:\n{log}"
    );
}
