//! The ssh transport benchmark: `seawall scan` of N containers over `ssh://` against the same
//! scan on the local socket, and the ssh sessions it opens.
//!
//! ```text
//! CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo build --release
//! SW_BENCH_SEAWALL=$CARGO_TARGET_DIR/release/seawall cargo test --bench ssh -- [N] [--runs K]
//! ```
//!
//! (`cargo test --bench` runs this harness-less bench in the test profile: it only times the
//! `seawall` child, so the release binary to measure comes from `SW_BENCH_SEAWALL`, by default
//! `$CARGO_TARGET_DIR/release/seawall`, else the crate's own binary for this build.)
//!
//! 1. Starts a throwaway sshd as root (Debian's `openssh-server`, `scripts/ensure-ssh.sh`) on
//!    a free port with a generated host key, `MaxStartups 3:100:3`, and an `ssh-agent`
//!    holding a generated key; a throwaway client config goes to seawall through
//!    `SEAWALL_SSH_CONFIG`. The remote command is the docker CLI's `docker system dial-stdio`
//!    to the local daemon.
//! 2. Creates N (default 500) created-only containers named `sw-bench-ssh-<pid>-<i>`,
//!    labelled `seawall.bench.ssh=<pid>` (its own label: other benches' fleets are left
//!    alone), 8 docker CLI calls in flight.
//! 3. One warm-up of each, then K (default 3) interleaved rounds: `seawall -H unix://... scan
//!    --format json --label seawall.bench.ssh=<pid>` and the same with `-H ssh://...`; wall
//!    time from spawn to exit; each report must hold N containers; the ssh sessions sshd
//!    accepted during each ssh scan (its log). Medians.
//! 4. Prints a markdown table; removes its containers (also after a failure).

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const SSHD: &str = "/usr/sbin/sshd";
const IN_FLIGHT: usize = 8;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench ssh: {err:#}");
            ExitCode::FAILURE
        }
    }
}

struct Args {
    n: usize,
    runs: usize,
}

fn parse_args() -> Result<Args> {
    let mut args = Args { n: 500, runs: 3 };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => args.runs = it.next().context("--runs K")?.parse()?,
            "--bench" | "--nocapture" => {}
            other => args.n = other.parse().with_context(|| format!("N: {other}"))?,
        }
    }
    Ok(args)
}

fn run() -> Result<()> {
    let args = parse_args()?;
    if !Path::new(SSHD).exists() {
        bail!("sshd is not installed: run scripts/ensure-ssh.sh");
    }
    let seawall = seawall_bin();
    eprintln!("bench ssh: measuring {}", seawall.display());
    let label = format!("seawall.bench.ssh={}", std::process::id());
    let fleet = Fleet {
        label: label.clone(),
    };
    fleet.create(args.n)?;
    let sshd = Sshd::start()?;
    let socket = match std::env::var("DOCKER_HOST") {
        Ok(h) if !h.is_empty() => h,
        _ => "unix:///var/run/docker.sock".to_string(),
    };

    let scan = |host: &str| -> Result<(Duration, usize)> {
        let start = Instant::now();
        let out = Command::new(&seawall)
            .args(["-H", host, "scan", "--format", "json", "--label", &label])
            .env("SEAWALL_SSH_CONFIG", sshd.path("ssh_config"))
            .env("SSH_AUTH_SOCK", sshd.path("agent.sock"))
            .env("XDG_CONFIG_HOME", sshd.path("no-config"))
            .stdin(Stdio::null())
            .output()?;
        let took = start.elapsed();
        if out.status.code() != Some(0) {
            bail!(
                "seawall -H {host} scan exited {:?}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        let n = report["hosts"][0]["containers"]
            .as_array()
            .map_or(0, Vec::len);
        Ok((took, n))
    };

    let ssh_url = sshd.url();
    let mut local = Vec::new();
    let mut remote = Vec::new();
    let mut sessions = Vec::new();
    for round in 0..=args.runs {
        let (t, n) = scan(&socket)?;
        if n != args.n {
            bail!(
                "the local scan reported {n} containers, expected {}",
                args.n
            );
        }
        let before = sshd.sessions();
        let (ts, ns) = scan(&ssh_url)?;
        if ns != args.n {
            bail!("the ssh scan reported {ns} containers, expected {}", args.n);
        }
        let opened = sshd.sessions() - before;
        eprintln!(
            "bench ssh: round {round}: local {:.0} ms, ssh {:.0} ms, {opened} sessions",
            ms(t),
            ms(ts)
        );
        if round > 0 {
            local.push(t);
            remote.push(ts);
        }
        sessions.push(opened);
    }
    let max_startups = sshd.log().contains("MaxStartups");
    let (l, r) = (median(local), median(remote));
    println!("## seawall scan over ssh ({} containers)\n", args.n);
    println!(
        "{} rounds after one warm-up, medians; load average {}; binary {}\n",
        args.runs,
        loadavg(),
        seawall.display()
    );
    println!("| transport | scan wall time | ssh sessions per scan |");
    println!("|---|---:|---:|");
    println!("| local socket | {:.0} ms | - |", ms(l));
    println!(
        "| ssh://127.0.0.1 (sshd MaxStartups 3:100:3) | {:.0} ms | {} (max {}) |",
        ms(r),
        median_usize(&sessions),
        sessions.iter().max().copied().unwrap_or(0)
    );
    println!(
        "\nssh / local: {:.2}x; sshd dropped connections past MaxStartups: {}",
        ms(r) / ms(l).max(1.0),
        if max_startups { "YES" } else { "no" }
    );
    Ok(())
}

fn seawall_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("SW_BENCH_SEAWALL").filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let release = target.join("release").join("seawall");
    if release.exists() {
        return release;
    }
    PathBuf::from(env!("CARGO_BIN_EXE_seawall"))
}

/// The bench's own containers; removed on drop.
struct Fleet {
    label: String,
}

impl Fleet {
    fn create(&self, n: usize) -> Result<()> {
        let image = std::env::var("SEAWALL_TEST_IMAGE")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "seawall-test/busybox:latest".to_string());
        let next = AtomicUsize::new(0);
        let failed = std::sync::Mutex::new(Vec::new());
        let start = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..IN_FLIGHT {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            break;
                        }
                        let name = format!("sw-bench-ssh-{}-{i}", std::process::id());
                        let out = Command::new("docker")
                            .args(["create", "--name", &name, "--label", &self.label])
                            .args(["--label", "seawall.bench=ssh", &image, "sleep", "600"])
                            .stdout(Stdio::null())
                            .output();
                        if !out.is_ok_and(|o| o.status.success()) {
                            failed.lock().unwrap().push(name);
                        }
                    }
                });
            }
        });
        let failed = failed.into_inner().unwrap();
        if !failed.is_empty() {
            bail!(
                "could not create {} containers: {:?}",
                failed.len(),
                &failed[..1]
            );
        }
        eprintln!(
            "bench ssh: created {n} containers in {:.1} s",
            start.elapsed().as_secs_f64()
        );
        Ok(())
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let ids = Command::new("docker")
            .args(["ps", "-aq", "--filter", &format!("label={}", self.label)])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let ids: Vec<&str> = ids.split_whitespace().collect();
        for chunk in ids.chunks(50) {
            let _ = Command::new("docker")
                .args(["rm", "-f", "-v"])
                .args(chunk)
                .stdout(Stdio::null())
                .status();
        }
        eprintln!("bench ssh: removed {} containers", ids.len());
    }
}

/// A throwaway sshd and ssh-agent; killed on drop.
struct Sshd {
    dir: PathBuf,
    port: u16,
    user: String,
    sshd: Child,
    agent: Child,
}

impl Sshd {
    fn start() -> Result<Sshd> {
        let dir = std::env::temp_dir().join(format!("sw-bench-ssh-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        for key in ["host_key", "id_user"] {
            let ok = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(dir.join(key))
                .status()?
                .success();
            if !ok {
                bail!("ssh-keygen failed");
            }
        }
        std::fs::copy(dir.join("id_user.pub"), dir.join("authorized_keys"))?;
        std::fs::create_dir_all("/run/sshd")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nPidFile {d}/sshd.pid\n\
             AuthorizedKeysFile {d}/authorized_keys\nStrictModes no\nPasswordAuthentication no\n\
             KbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin prohibit-password\n\
             MaxStartups 3:100:3\nLogLevel VERBOSE\n",
            d = dir.display()
        );
        if let Ok(host) = std::env::var("DOCKER_HOST")
            && !host.is_empty()
        {
            config.push_str(&format!("SetEnv DOCKER_HOST={host}\n"));
        }
        std::fs::write(dir.join("sshd_config"), config)?;
        let sshd = Command::new(SSHD)
            .arg("-D")
            .arg("-f")
            .arg(dir.join("sshd_config"))
            .arg("-E")
            .arg(dir.join("sshd.log"))
            .stdin(Stdio::null())
            .spawn()?;
        let agent = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(dir.join("agent.sock"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()?;
        let user = String::from_utf8(Command::new("id").arg("-un").output()?.stdout)?
            .trim()
            .to_string();
        let s = Sshd {
            dir,
            port,
            user,
            sshd,
            agent,
        };
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
            || !s.path("agent.sock").exists()
        {
            if start.elapsed() > Duration::from_secs(15) {
                bail!("sshd not ready: {}", s.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let added = Command::new("ssh-add")
            .arg("-q")
            .arg(s.path("id_user"))
            .env("SSH_AUTH_SOCK", s.path("agent.sock"))
            .status()?
            .success();
        if !added {
            bail!("ssh-add failed");
        }
        let host_key = std::fs::read_to_string(s.path("host_key.pub"))?;
        let mut fields = host_key.split_whitespace();
        let (kind, key) = (fields.next().unwrap_or(""), fields.next().unwrap_or(""));
        std::fs::write(
            s.path("known_hosts"),
            format!("[127.0.0.1]:{port} {kind} {key}\n"),
        )?;
        std::fs::write(
            s.path("ssh_config"),
            format!(
                "Host *\n  UserKnownHostsFile {d}/known_hosts\n  GlobalKnownHostsFile /dev/null\n  \
                 StrictHostKeyChecking yes\n  IdentityFile {d}/no-such-key\n  \
                 IdentityAgent {d}/agent.sock\n  LogLevel ERROR\n",
                d = s.dir.display()
            ),
        )?;
        Ok(s)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn url(&self) -> String {
        format!("ssh://{}@127.0.0.1:{}", self.user, self.port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path("sshd.log")).unwrap_or_default()
    }

    fn sessions(&self) -> usize {
        self.log()
            .lines()
            .filter(|l| l.contains("Accepted publickey for"))
            .count()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.sshd.kill();
        let _ = self.sshd.wait();
        let _ = self.agent.kill();
        let _ = self.agent.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::io::stderr().flush();
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn median_usize(v: &[usize]) -> usize {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}
