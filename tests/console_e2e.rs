//! End-to-end tests of the interactive console: the real `seawall` binary runs inside a
//! detached tmux session (its own tmux server per test, so tests run in parallel), against
//! the real Docker daemon, and the tests read the screen with `tmux capture-pane`.
//!
//! - `live_row_drilldown_caps_and_mounts`: a dangerous container created while seawall is
//!   open shows up live with the right band; its drilldown shows its capabilities and
//!   mounts; stopping and removing it is reflected live. The latencies are printed.
//! - `quits_cleanly_and_restores_terminal`: `q`, ctrl-c, SIGTERM and SIGHUP each exit 0 and
//!   leave the terminal as it was: main screen, cooked mode with echo, cursor shown.
//! - `too_small_terminal_message`: a tiny terminal gets a message, not a crash; growing
//!   the window brings the console back.
//! - `broken_config_starts_with_defaults`: a bad config file is named on screen, with the key.
//! - `actions_isolate_undo_and_stop_through_key_presses`: `i` opens a dialog naming the
//!   container; `n` changes nothing (audit: declined); `i` `y` isolates it (no networks left,
//!   audit: ok), `u` `y` reconnects it, `s` `y` stops it.
//! - `read_only_console_refuses_actions`: `seawall --read-only` shows READ-ONLY in the
//!   header; `i` shows the read-only message, changes nothing and is audited as refused.
//! - `config_typo_keeps_read_only_and_says_why`: `read_only = true` plus an overflowing
//!   number elsewhere: READ-ONLY in the header, the file, line, key and problem on the
//!   status line, and `i` opens no dialog (audited as refused).
//! - `config_problem_on_a_safety_setting_starts_read_only`: a bad `[actions]` value and no
//!   `read_only`: the console starts read-only anyway and says which problem made it so.
//! - `activity_feed_filters_and_opens_alerts_80x24` / `_120x40`: two `docker exec`s (a
//!   shell command, LOW; `nsenter -t 1`, CRIT) raise the fleet row's `!N` and activity
//!   points; the feed shows them newest first with colored severity labels and the
//!   container; `v` hides the LOW one, `/` and `c` filter by the container, `enter` opens
//!   the drilldown on the Activity tab. The feed's filters are used before any order is
//!   checked: other tests' alerts share the daemon.
//! - `fleet_overview_with_a_dead_daemon_and_a_context_added_live`: `-H` the real daemon and
//!   `-H unix:///nonexistent.sock`: the console opens on the host overview, the dead one
//!   down with its reason (first: worst first) and the live one up; `enter` shows the live
//!   daemon's containers (the header names it), `esc` comes back; `D` lists a context made
//!   by `docker context create` in a private `DOCKER_CONFIG`, `enter` adds it live.
//!
//! The pane runs `seawall --config <file>; echo SEAWALL-EXITED-$?; stty -a; echo ...; sleep 30`
//! through `sh -c`, built only from paths this file controls (single-quoted), so the
//! exit code and the terminal modes after seawall exits are visible on screen.
//!
//! Without tmux (or, for the daemon test, without a daemon) the tests print a loud SKIPPED
//! line and pass, except in CI, where they fail: `scripts/ensure-docker.sh` installs both.

mod common;

use common::{Spec, TestDaemon, docker, in_ci, run_with_timeout};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How often the screen is read while waiting.
const POLL: Duration = Duration::from_millis(50);
/// The start of seawall's header bar.
const HEADER: &str = " seawall │";
/// Printed by the pane's shell after seawall exits, with its exit code.
const EXIT_MARKER: &str = "SEAWALL-EXITED-";
/// Printed by the pane's shell after `stty -a`.
const STTY_MARKER: &str = "SEAWALL-STTY-DONE";
/// How long seawall may take to start and reach the daemon (it lists every container on
/// the daemon first, and other tests may have created many).
const STARTUP: Duration = Duration::from_secs(15);
/// How long a live change (container created, stopped, removed) may take to show.
const LIVE: Duration = Duration::from_secs(5);
/// How long a key press may take to show.
const KEY: Duration = Duration::from_secs(3);
/// Limit for one tmux command.
const TMUX_TIMEOUT: Duration = Duration::from_secs(10);

static SESSIONS: AtomicUsize = AtomicUsize::new(0);

/// Is tmux installed? Prints a loud SKIPPED line (or panics in CI) when it is not.
fn tmux_available() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return true;
    }
    if in_ci() {
        panic!(
            "CI is set, so the console end-to-end tests must run, but tmux is not installed. \
             Run scripts/ensure-docker.sh before `cargo test`."
        );
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_string();
    let _ = writeln!(
        std::io::stderr(),
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED: tmux is not installed ({test}).\n\
         Run scripts/ensure-docker.sh to run the console end-to-end tests.\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    false
}

/// Quote a string for `sh` (single quotes; a quote inside becomes `'\''`).
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Quote a string as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The config every console test uses unless it brings its own: the log goes into the
/// test's temporary directory, never the user's home.
fn default_config(dir: &Path) -> String {
    let log = dir.join("seawall.log");
    format!(
        "[log]\nfile = {}\n\n[ui]\ntheme = \"dark\"\n",
        toml_string(&log.to_string_lossy())
    )
}

/// One seawall console running in a detached tmux session on a tmux server of its own.
/// Dropping it kills the tmux server (and with it seawall).
struct Console {
    socket: String,
    /// The server's socket file, removed on drop (`kill-server` leaves it behind).
    socket_path: Option<PathBuf>,
    target: String,
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Console {
    /// Start seawall `width` x `height` with the default test config.
    fn start(width: u16, height: u16) -> Console {
        Console::start_with(width, height, default_config)
    }

    /// Start seawall with the config file text `config(tempdir)`.
    fn start_with(width: u16, height: u16, config: impl FnOnce(&Path) -> String) -> Console {
        Console::start_full(width, height, config, "")
    }

    /// Start seawall with a fixed command prefix (e.g. `env X=1 `) before the binary.
    fn start_full(
        width: u16,
        height: u16,
        config: impl FnOnce(&Path) -> String,
        prefix: &'static str,
    ) -> Console {
        Console::start_args(width, height, config, prefix, "")
    }

    /// Start seawall with a prefix and fixed arguments after `--config FILE` (e.g.
    /// `--read-only`).
    fn start_args(
        width: u16,
        height: u16,
        config: impl FnOnce(&Path) -> String,
        prefix: &'static str,
        args: &'static str,
    ) -> Console {
        let dir = tempfile::Builder::new()
            .prefix("sw-e2e-")
            .tempdir()
            .expect("a temporary directory");
        let config_path = dir.path().join("seawall.toml");
        std::fs::write(&config_path, config(dir.path())).expect("write the config file");
        // Our own tmux config: no ~/.tmux.conf, no status line (the pane is the whole
        // window), the terminal type seawall sees, and dead panes kept for capture.
        let tmux_conf = dir.path().join("tmux.conf");
        std::fs::write(
            &tmux_conf,
            "set -g default-terminal \"xterm-256color\"\n\
             set -g status off\n\
             set -g remain-on-exit on\n\
             set -g history-limit 1000\n",
        )
        .expect("write the tmux config");

        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let n = SESSIONS.fetch_add(1, Ordering::Relaxed);
        let socket = format!("seawall-e2e-{}-{nanos:x}-{n}", std::process::id());
        let session = "sw".to_string();

        let bin = env!("CARGO_BIN_EXE_seawall");
        let pane_cmd = format!(
            "{prefix}{} --config {}{args}; echo {EXIT_MARKER}$?; stty -a; echo {STTY_MARKER}; \
             sleep 30",
            sh_quote(bin),
            sh_quote(&config_path.to_string_lossy()),
            args = if args.is_empty() {
                String::new()
            } else {
                format!(" {args}")
            },
        );

        // The tmux server (started by this command) passes its environment to the pane.
        let mut cmd = Command::new("tmux");
        cmd.arg("-L")
            .arg(&socket)
            .arg("-f")
            .arg(&tmux_conf)
            .args(["new-session", "-d", "-s", &session])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .arg(&pane_cmd);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            // Settings from the environment would override the test's config file.
            if k.to_ascii_uppercase().starts_with("SEAWALL_") || k == "TMUX" || k == "TMUX_PANE" {
                cmd.env_remove(&k);
            }
        }
        cmd.env_remove("NO_COLOR")
            .env("TERM", "xterm-256color")
            // Defaults that a broken config falls back to must stay in the temp dir too.
            .env("XDG_CONFIG_HOME", dir.path().join("xdg-config"))
            .env("XDG_STATE_HOME", dir.path().join("xdg-state"))
            .env("XDG_DATA_HOME", dir.path().join("xdg-data"));
        // DOCKER_HOST / DOCKER_CONTEXT stay as they are: seawall then talks to the same
        // daemon as the docker CLI the fixtures use (the local socket on these machines).

        let mut console = Console {
            socket,
            socket_path: None,
            target: format!("{session}:0.0"),
            dir,
            config: config_path,
        };
        let out = run_with_timeout(cmd, TMUX_TIMEOUT);
        assert!(
            out.status.success(),
            "tmux new-session failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
        let path = console.display("#{socket_path}");
        console.socket_path = Some(PathBuf::from(path)).filter(|p| p.is_absolute());
        console
    }

    /// Run `tmux -L <socket> <args>`.
    fn tmux(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("tmux");
        cmd.arg("-L").arg(&self.socket).args(args);
        run_with_timeout(cmd, TMUX_TIMEOUT)
    }

    /// Run a tmux command that must succeed; its trimmed stdout.
    fn tmux_ok(&self, args: &[&str]) -> String {
        let out = self.tmux(args);
        assert!(
            out.status.success(),
            "tmux {args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    /// The visible screen, one line per row.
    fn capture(&self) -> String {
        self.tmux_ok(&["capture-pane", "-p", "-t", &self.target])
    }

    /// The pane's history and screen, wrapped lines joined (what the shell printed after
    /// seawall exited may have scrolled off a small pane).
    fn capture_history(&self) -> String {
        self.tmux_ok(&["capture-pane", "-p", "-J", "-S", "-", "-t", &self.target])
    }

    /// Press keys, in tmux's key names (`Enter`, `Escape`, `C-c`, `q`...).
    fn send_keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.target];
        args.extend_from_slice(keys);
        self.tmux_ok(&args);
    }

    /// Type text literally.
    fn type_text(&self, text: &str) {
        self.tmux_ok(&["send-keys", "-t", &self.target, "-l", text]);
    }

    /// A tmux format expanded for the pane (`#{alternate_on}`...).
    fn display(&self, format: &str) -> String {
        self.tmux_ok(&["display-message", "-p", "-t", &self.target, format])
    }

    /// The end of seawall's log file, for failure messages.
    fn log_tail(&self) -> String {
        let path = self.dir.path().join("seawall.log");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let lines: Vec<&str> = text.lines().collect();
                lines[lines.len().saturating_sub(15)..].join("\n")
            }
            Err(e) => format!("(no log at {}: {e})", path.display()),
        }
    }

    /// Poll the screen every 50 ms until `pred` holds on a stable screen; that screen and
    /// how long it took until `pred` first held. On timeout, panics showing `what` and the
    /// last screen.
    fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> (String, Duration) {
        self.wait_for_in(Self::capture, what, timeout, pred)
    }

    /// [`Console::wait_for`] over the history as well as the screen.
    fn wait_for_history(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> (String, Duration) {
        self.wait_for_in(Self::capture_history, what, timeout, pred)
    }

    fn wait_for_in(
        &self,
        capture: fn(&Console) -> String,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> (String, Duration) {
        let start = Instant::now();
        let mut held_since: Option<Duration> = None;
        let mut previous: Option<String> = None;
        loop {
            let screen = capture(self);
            if pred(&screen) {
                let since = *held_since.get_or_insert(start.elapsed());
                // A capture can catch a frame half drawn: use a screen only once it reads
                // the same twice in a row (or when time is up and it still matches).
                if previous.as_deref() == Some(screen.as_str()) || start.elapsed() > timeout {
                    return (screen, since);
                }
            } else {
                held_since = None;
            }
            if start.elapsed() > timeout {
                let dead = self.display("#{pane_dead} #{pane_dead_status}");
                panic!(
                    "timed out after {timeout:?} waiting for {what}\n\
                     (pane dead/status: {dead})\n\
                     ---------------- last screen ----------------\n{screen}\n\
                     ---------------------------------------------\n\
                     seawall log (last lines):\n{}",
                    self.log_tail()
                );
            }
            previous = Some(screen);
            std::thread::sleep(POLL);
        }
    }

    /// Wait until seawall has drawn its header.
    fn wait_header(&self) -> Duration {
        self.wait_for("seawall's header", STARTUP, |s| {
            first_line(s).starts_with(HEADER)
        })
        .1
    }

    /// Wait until the header shows the daemon `Live`.
    fn wait_live(&self) -> Duration {
        self.wait_for("the header to show the daemon Live", STARTUP, |s| {
            let l = first_line(s);
            l.starts_with(HEADER) && l.split_whitespace().any(|t| t == "Live")
        })
        .1
    }

    /// Wait until the header shows the link state settled (Live, or Down without a daemon).
    fn wait_settled(&self) {
        self.wait_for("the header to show Live or Down", STARTUP, |s| {
            let l = first_line(s);
            l.starts_with(HEADER) && l.split_whitespace().any(|t| t == "Live" || t == "Down")
        });
    }

    /// Wait for the pane's shell to print the exit marker; seawall's exit code and the screen.
    fn wait_exit(&self, why: &str) -> (i32, String) {
        let (screen, _) =
            self.wait_for_history(&format!("seawall to exit after {why}"), KEY, |s| {
                s.contains(EXIT_MARKER)
            });
        let code = screen
            .split(EXIT_MARKER)
            .nth(1)
            .and_then(|rest| {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
            .unwrap_or_else(|| panic!("no exit code after {EXIT_MARKER}:\n{screen}"));
        (code, screen)
    }

    /// The pid of seawall itself: the child of the pane's shell.
    fn seawall_pid(&self) -> i32 {
        let shell: i32 = self
            .display("#{pane_pid}")
            .parse()
            .expect("pane_pid is a number");
        child_named(shell, "seawall")
            .unwrap_or_else(|| panic!("no seawall process under the pane's shell {shell}"))
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        // Also runs while unwinding: never panic here.
        let mut cmd = Command::new("tmux");
        cmd.arg("-L").arg(&self.socket).arg("kill-server");
        let _ = cmd.output();
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The first line of a screen.
fn first_line(screen: &str) -> &str {
    screen.lines().next().unwrap_or("")
}

/// A child of `parent` whose command name is `name`, from /proc.
fn child_named(parent: i32, name: &str) -> Option<i32> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = &stat[open + 1..close];
        let ppid = stat[close + 1..]
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<i32>().ok());
        if ppid == Some(parent) && comm == name {
            return Some(pid);
        }
    }
    None
}

/// A table row of the fleet view that shows this container name.
fn fleet_row<'a>(screen: &'a str, name: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.starts_with('┃') && l.split_whitespace().any(|t| t == name))
}

/// The STATE column of a fleet row (`run`, `exited`, `new`...).
fn row_state(row: &str) -> &str {
    row.trim_start_matches(['┃', '▸', ' '])
        .split_whitespace()
        .next()
        .unwrap_or("")
}

/// The SCORE column's band marker of a fleet row: the token after the score number.
fn row_band(row: &str) -> Option<&str> {
    let tokens: Vec<&str> = row.split_whitespace().collect();
    tokens.windows(2).find_map(|w| {
        let is_score = w[0].parse::<u32>().is_ok_and(|n| n <= 100);
        let is_band = ["CRIT", "HIGH", "MED", "LOW"].contains(&w[1]);
        (is_score && is_band).then_some(w[1])
    })
}

/// A row of the Capabilities tab for this capability: `["! "] CAP  STATUS  RISK  WHY`.
fn cap_row<'a>(screen: &'a str, cap: &str) -> Option<&'a str> {
    screen.lines().find(|l| {
        l.trim_start_matches(['┃', '!', ' '])
            .split_whitespace()
            .next()
            == Some(cap)
    })
}

/// The STATUS column of a capability row.
fn cap_status(row: &str) -> &str {
    row.trim_start_matches(['┃', '!', ' '])
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
}

/// The lines of the Mounts tab that belong to the mount whose first line contains `head`
/// (`source -> destination`): that line up to the next mount's first line.
fn mount_block(screen: &str, head: &str) -> Option<Vec<String>> {
    let lines: Vec<&str> = screen.lines().collect();
    let start = lines.iter().position(|l| l.contains(head))?;
    let mut block = vec![lines[start].to_string()];
    for l in &lines[start + 1..] {
        if l.contains(" -> ") || l.starts_with('┗') {
            break;
        }
        block.push(l.to_string());
    }
    Some(block)
}

/// Every whitespace-separated token on the screen.
fn tokens(screen: &str) -> Vec<&str> {
    screen.split_whitespace().collect()
}

/// After seawall exited: exit code 0, the main screen is back (no header, the shell's
/// marker visible), cooked mode with echo (from `stty -a`), cursor shown, no mouse mode.
fn assert_restored(console: &Console, how: &str) {
    assert_restored_with(console, how, 0);
}

/// The terminal is back in cooked mode after seawall exited with `expected_code`.
fn assert_restored_with(console: &Console, how: &str, expected_code: i32) {
    let (code, _) = console.wait_exit(how);
    // `stty -a` runs right after the exit marker.
    let (history, _) =
        console.wait_for_history(&format!("`stty -a` output after {how}"), KEY, |s| {
            s.contains(STTY_MARKER)
        });
    let screen = console.capture();
    assert_eq!(
        code, expected_code,
        "seawall's exit code after {how}\n{history}"
    );
    assert!(
        !screen.lines().any(|l| l.starts_with(HEADER)),
        "after {how} the seawall header is still on screen (alternate screen not left?):\n{screen}"
    );
    assert_eq!(
        console.display("#{alternate_on}"),
        "0",
        "after {how} the pane is still on the alternate screen:\n{screen}"
    );
    let t = tokens(&history);
    for mode in ["icanon", "echo", "isig", "iexten", "opost", "icrnl"] {
        let off = format!("-{mode}");
        assert!(
            t.contains(&mode) && !t.contains(&off.as_str()),
            "after {how} the terminal is not back in cooked mode: `stty -a` shows {mode} off \
             (raw mode left on?):\n{history}"
        );
    }
    assert_eq!(
        console.display("#{cursor_flag}"),
        "1",
        "after {how} the cursor is still hidden:\n{screen}"
    );
    assert_eq!(
        console.display("#{mouse_any_flag}"),
        "0",
        "after {how} mouse reporting is still on:\n{screen}"
    );
}

/// Print a measurement (eprintln: shown with `--nocapture` or when the test fails).
fn measured(what: &str, d: Duration) {
    eprintln!("[console_e2e] {what}: {} ms", d.as_millis());
}

#[test]
fn live_row_drilldown_caps_and_mounts() {
    if !tmux_available() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let test_start = Instant::now();
    let console = Console::start(120, 40);
    measured("start -> header", console.wait_header());

    // Only this run's containers: the run id is the value of the run label.
    console.send_keys(&["/"]);
    console.wait_for("the filter input", KEY, |s| {
        s.lines().last().is_some_and(|l| l.starts_with("/ "))
    });
    console.type_text(&td.run_id);
    console.send_keys(&["Enter"]);
    let filter_title = format!("filter: {}", td.run_id);
    console.wait_for("the filter to apply", KEY, |s| {
        s.lines()
            .any(|l| l.starts_with('┏') && l.contains(&filter_title))
            && !s.lines().last().is_some_and(|l| l.starts_with("/ "))
    });
    let live = console.wait_live();
    measured("filter applied -> Live", live);

    // Now, with seawall open and live, a dangerous container appears.
    let name = td.unique_name("e2e-crit");
    // `docker run` goes on in another thread while this one watches the screen, so the
    // latencies are measured from the moment the command starts.
    let t0 = Instant::now();
    let (screen, seen_new, seen_run, cmd_done) = std::thread::scope(|scope| {
        let run = scope.spawn(|| {
            td.container_named(
                Spec::running(
                    "e2e-crit",
                    &[
                        "--cap-add",
                        "SYS_ADMIN",
                        "--cap-add",
                        "SYS_PTRACE",
                        "-v",
                        "/etc:/host-etc:ro",
                        "-v",
                        "/var/run/docker.sock:/var/run/docker.sock",
                    ],
                ),
                &name,
            );
            t0.elapsed()
        });
        let limit = LIVE + Duration::from_secs(5);
        // `docker run` is create then start: the row may first show `new`, then `run`.
        let waited = t0.elapsed();
        let (_, since) = console.wait_for(&format!("a row for {name}"), limit, |s| {
            fleet_row(s, &name).is_some()
        });
        let seen_new = waited + since;
        let waited = t0.elapsed();
        let (screen, since) = console.wait_for(
            &format!("the row of {name} with STATE run and band CRIT"),
            limit,
            |s| {
                fleet_row(s, &name)
                    .is_some_and(|r| row_state(r) == "run" && row_band(r) == Some("CRIT"))
            },
        );
        let seen_run = waited + since;
        let cmd_done = match run.join() {
            Ok(d) => d,
            Err(e) => std::panic::resume_unwind(e),
        };
        (screen, seen_new, seen_run, cmd_done)
    });
    measured("docker run -d took", cmd_done);
    measured("created: docker run start -> row on screen", seen_new);
    measured(
        "started: docker run start -> row with run + CRIT on screen",
        seen_run,
    );
    measured(
        "started: docker run returned -> row with run + CRIT on screen",
        seen_run.saturating_sub(cmd_done),
    );
    let row = fleet_row(&screen, &name).unwrap();
    assert!(
        row.contains('▸'),
        "the only row under the filter should be selected:\n{screen}"
    );

    // The drilldown: title names the container.
    console.send_keys(&["Enter"]);
    let (screen, _) = console.wait_for("the drilldown title", KEY, |s| {
        s.lines()
            .any(|l| l.starts_with(&format!(" {name} │")) && l.contains("CRIT"))
    });
    assert!(
        (screen.contains("2 Capabilities") || screen.contains("2 Caps"))
            && screen.contains("3 Mounts")
            && screen.contains("0 Logs"),
        "the drilldown shows its tabs:\n{screen}"
    );

    // Capabilities: the two added ones, marked as added.
    console.send_keys(&["2"]);
    let (screen, _) = console.wait_for("the Capabilities tab with SYS_ADMIN", KEY, |s| {
        s.lines().any(|l| l.starts_with("┏ Capabilities"))
            && cap_row(s, "SYS_ADMIN").is_some()
            && cap_row(s, "SYS_PTRACE").is_some()
    });
    for cap in ["SYS_ADMIN", "SYS_PTRACE"] {
        let row = cap_row(&screen, cap).unwrap();
        assert_eq!(
            cap_status(row),
            "added",
            "{cap} should be marked added: {row}\n{screen}"
        );
        assert!(
            row.trim_start_matches('┃').starts_with('!'),
            "{cap} should be marked dangerous (!): {row}"
        );
    }
    let summary = screen
        .lines()
        .find(|l| l.contains("effective:"))
        .unwrap_or("");
    assert!(
        summary.contains("2 added"),
        "the capability summary counts 2 added: {summary:?}\n{screen}"
    );

    // Mounts: source -> destination with their findings.
    console.send_keys(&["3"]);
    let sock = "/var/run/docker.sock -> /var/run/docker.sock";
    let etc = "/etc -> /host-etc";
    let (screen, _) = console.wait_for("the Mounts tab with both binds", KEY, |s| {
        s.lines().any(|l| l.starts_with("┏ Mounts"))
            && s.contains(sock)
            && s.contains(etc)
            && s.contains("SW-MNT-001")
            && s.contains("SW-MNT-003")
    });
    let block = mount_block(&screen, sock).unwrap();
    assert!(
        block.iter().any(|l| l.contains("SW-MNT-001")),
        "SW-MNT-001 under the docker.sock mount: {block:#?}\n{screen}"
    );
    assert!(
        block.iter().any(|l| l.contains("CRIT")),
        "the docker.sock finding is CRIT: {block:#?}"
    );
    let block = mount_block(&screen, etc).unwrap();
    assert!(
        block.iter().any(|l| l.contains("SW-MNT-003")),
        "SW-MNT-003 under the /etc mount: {block:#?}\n{screen}"
    );
    assert!(
        block
            .iter()
            .any(|l| l.trim_start_matches('┃').split_whitespace().next() == Some("ro")),
        "the /etc mount is shown read-only: {block:#?}"
    );

    // Back to the fleet; the filter is still there.
    console.send_keys(&["Escape"]);
    console.wait_for("the fleet view again", KEY, |s| {
        fleet_row(s, &name).is_some() && s.contains(&filter_title)
    });

    // Stopped: the STATE column follows.
    let t0 = Instant::now();
    docker(&["stop", "-t", "0", name.as_str()]);
    let cmd_done = t0.elapsed();
    let (_, after) = console.wait_for(&format!("STATE of {name} to be exited"), LIVE, |s| {
        fleet_row(s, &name).is_some_and(|r| row_state(r) == "exited")
    });
    measured("docker stop -t 0 took", cmd_done);
    measured(
        "stopped: STATE exited on screen after docker stop returned",
        after,
    );

    // Removed: the row goes.
    let t0 = Instant::now();
    docker(&["rm", name.as_str()]);
    let cmd_done = t0.elapsed();
    let (screen, after) = console.wait_for(&format!("the row of {name} to go"), LIVE, |s| {
        fleet_row(s, &name).is_none()
    });
    measured("docker rm took", cmd_done);
    measured(
        "removed: row gone from screen after docker rm returned",
        after,
    );
    assert!(
        screen
            .lines()
            // "containers 0/N" on a busy daemon, "containers 0" when it holds nothing else.
            .any(|l| {
                (l.starts_with("┏ containers 0/") || l.starts_with("┏ containers 0 "))
                    && l.contains(&filter_title)
            }),
        "the table is empty under the filter:\n{screen}"
    );

    console.send_keys(&["q"]);
    assert_restored(&console, "q");
    measured(
        "live_row_drilldown_caps_and_mounts total",
        test_start.elapsed(),
    );
}

/// How a run of the console is ended.
#[derive(Debug, Clone, Copy)]
enum Exit {
    Q,
    CtrlC,
    Sigterm,
    Sighup,
    Sigint,
    /// A panic inside the loop (debug builds honour SEAWALL_DEBUG_PANIC).
    Panic,
}

/// Run seawall and end it with `exit`; with `settled`, only once the daemon link is up
/// (or down), else right after the first frame, while the inventory is still loading.
fn quit_and_check(exit: Exit, settled: bool) {
    let t0 = Instant::now();
    let console = if matches!(exit, Exit::Panic) {
        Console::start_full(120, 40, default_config, "env SEAWALL_DEBUG_PANIC=1 ")
    } else {
        Console::start(120, 40)
    };
    if matches!(exit, Exit::Panic) {
        // The panic comes right after the first frame; the hook must restore the terminal
        // and Rust's panic exit code is 101.
        assert_restored_with(&console, "a panic", 101);
        let history = console.capture_history();
        assert!(
            history.contains("panicking on purpose"),
            "the panic message is printed on the restored terminal:\n{history}"
        );
        measured("panic: whole run", t0.elapsed());
        return;
    }
    console.wait_header();
    if settled {
        console.wait_settled();
    }
    let how = format!("{exit:?}");
    assert_eq!(
        console.display("#{alternate_on}"),
        "1",
        "seawall runs on the alternate screen"
    );
    assert_eq!(
        console.display("#{cursor_flag}"),
        "0",
        "seawall hides the cursor while it runs"
    );
    match exit {
        Exit::Q => console.send_keys(&["q"]),
        Exit::CtrlC => {
            // ctrl-c quits even while a text input takes the keys.
            console.send_keys(&["/"]);
            console.wait_for("the filter input", KEY, |s| {
                s.lines().last().is_some_and(|l| l.starts_with("/ "))
            });
            console.send_keys(&["C-c"]);
        }
        Exit::Panic => unreachable!("handled above"),
        Exit::Sigterm | Exit::Sighup | Exit::Sigint => {
            let pid = console.seawall_pid();
            let sig = match exit {
                Exit::Sigterm => libc::SIGTERM,
                Exit::Sighup => libc::SIGHUP,
                _ => libc::SIGINT,
            };
            // SAFETY: kill(2) with a pid we just read from /proc and a valid signal.
            let rc = unsafe { libc::kill(pid, sig) };
            assert_eq!(rc, 0, "kill({pid}, {sig}) failed");
        }
    }
    let t_exit = Instant::now();
    assert_restored(&console, &how);
    measured(
        &format!("{how}: exit seen on screen after"),
        t_exit.elapsed(),
    );
    measured(&format!("{how}: whole run"), t0.elapsed());
}

#[test]
fn quits_cleanly_and_restores_terminal() {
    if !tmux_available() {
        return;
    }
    // Each way out in its own tmux server, side by side.
    // `q` once the daemon is live; the others right after the first frame, while the
    // watch task is still listing and inspecting containers (and fewer seawalls load the
    // daemon at once).
    let cases = [
        (Exit::Q, true),
        (Exit::CtrlC, false),
        (Exit::Sigterm, false),
        (Exit::Sighup, false),
        (Exit::Sigint, false),
        (Exit::Panic, false),
    ];
    let handles: Vec<_> = cases
        .into_iter()
        .map(|(exit, settled)| {
            std::thread::Builder::new()
                .name(format!("quit-{exit:?}"))
                .spawn(move || quit_and_check(exit, settled))
                .expect("spawn a thread")
        })
        .collect();
    let mut first_panic = None;
    for h in handles {
        if let Err(e) = h.join() {
            first_panic.get_or_insert(e);
        }
    }
    if let Some(e) = first_panic {
        std::panic::resume_unwind(e);
    }
}

#[test]
fn too_small_terminal_message() {
    if !tmux_available() {
        return;
    }
    let console = Console::start(30, 8);
    let joined = |s: &str| {
        s.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (screen, _) = console.wait_for("the too-small message at 30x8", STARTUP, |s| {
        let j = joined(s);
        j.contains("terminal too small") && j.contains("have 30x8")
    });
    assert!(
        !screen.contains(EXIT_MARKER),
        "seawall exited on a small terminal:\n{screen}"
    );

    console.tmux_ok(&["resize-window", "-t", "sw", "-x", "120", "-y", "40"]);
    let (screen, _) = console.wait_for("the fleet view after growing to 120x40", KEY, |s| {
        first_line(s).starts_with(HEADER) && s.lines().any(|l| l.starts_with("┏ containers"))
    });
    assert!(
        !joined(&screen).contains("too small"),
        "the message is gone at 120x40:\n{screen}"
    );

    // And back down: the message again, with the new size.
    console.tmux_ok(&["resize-window", "-t", "sw", "-x", "50", "-y", "12"]);
    console.wait_for("the too-small message at 50x12", KEY, |s| {
        let j = joined(s);
        j.contains("terminal too small") && j.contains("have 50x12")
    });

    console.send_keys(&["q"]);
    let (code, screen) = console.wait_exit("q on a small terminal");
    assert_eq!(code, 0, "exit code:\n{screen}");
}

/// Every folder under `root` (itself included) is 0700 and every file 0600.
fn assert_private(root: &Path, after: &str) {
    use std::os::unix::fs::PermissionsExt;
    assert!(root.is_dir(), "{after}: {} exists", root.display());
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        let m = std::fs::symlink_metadata(&p).unwrap().permissions().mode() & 0o777;
        if p.is_dir() {
            assert_eq!(m, 0o700, "{after}: folder {} is {m:o}", p.display());
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
        } else {
            assert_eq!(m, 0o600, "{after}: file {} is {m:o}", p.display());
        }
    }
}

/// The console's log goes to the default state dir (a fresh `XDG_STATE_HOME`): the state
/// dir is created 0700 and the log 0600, as every headless command does.
#[test]
fn the_console_creates_the_state_dir_private() {
    if !tmux_available() {
        return;
    }
    let console = Console::start_with(100, 30, |_| "[ui]\ntheme = \"dark\"\n".to_string());
    console.wait_header();
    let state = console.dir.path().join("xdg-state");
    let log = state.join("seawall").join("seawall.log");
    let start = Instant::now();
    while !log.exists() {
        assert!(start.elapsed() < KEY, "no log at {}", log.display());
        std::thread::sleep(POLL);
    }
    assert_private(&state, "console start");
    console.send_keys(&["q"]);
    let (code, screen) = console.wait_exit("q after the start");
    assert_eq!(code, 0, "exit code:\n{screen}");
    assert_private(&state, "console exit");
}

#[test]
fn broken_config_starts_with_defaults() {
    if !tmux_available() {
        return;
    }
    let console = Console::start_with(120, 40, |_| "[ui]\nmouse = \"yes\"\n".to_string());
    console.wait_header();
    let file = console.config.to_string_lossy().to_string();
    let (screen, _) = console.wait_for(
        "a status message naming the config file and ui.mouse",
        KEY,
        |s| {
            let footer = s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
            footer.contains(&file) && footer.contains("ui.mouse")
        },
    );
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("┏ containers") || l.starts_with("┃connecting")),
        "the fleet view is drawn despite the bad config:\n{screen}"
    );
    assert_eq!(
        console.display("#{mouse_any_flag}"),
        "0",
        "the bad `mouse` value falls back to the default (off)"
    );
    console.send_keys(&["q"]);
    let (code, screen) = console.wait_exit("q after a bad config");
    assert_eq!(code, 0, "exit code:\n{screen}");
}

/// How long an action (isolate with its evidence bundle, a stop) may take to show.
const ACTION: Duration = Duration::from_secs(15);

/// The test config plus a short stop grace period; the action files (audit log, isolation
/// records, evidence) go to the default state directory, which the harness points at the
/// test's temporary directory with `XDG_STATE_HOME`.
fn actions_config(dir: &Path) -> String {
    format!(
        "{}\n[actions]\nstop_timeout_secs = 2\n",
        default_config(dir)
    )
}

impl Console {
    /// The audit log's lines (empty when it does not exist yet).
    fn audit_lines(&self) -> Vec<serde_json::Value> {
        let path = self.dir.path().join("xdg-state/seawall/audit.log");
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("an audit line is JSON"))
            .collect()
    }

    /// Wait until the audit log has a line for `name` with this action and outcome.
    fn wait_audit(&self, name: &str, action: &str, outcome: &str) -> serde_json::Value {
        let start = Instant::now();
        loop {
            if let Some(line) = self.audit_lines().into_iter().find(|l| {
                l["container_name"] == name && l["action"] == action && l["outcome"] == outcome
            }) {
                return line;
            }
            assert!(
                start.elapsed() < KEY,
                "no audit line {action} {outcome} for {name}: {:#?}",
                self.audit_lines()
            );
            std::thread::sleep(POLL);
        }
    }

    /// Filter the fleet by a unique container name and wait for its row.
    fn show_only(&self, name: &str) {
        self.send_keys(&["/"]);
        self.wait_for("the filter input", KEY, |s| {
            s.lines().last().is_some_and(|l| l.starts_with("/ "))
        });
        self.type_text(name);
        self.send_keys(&["Enter"]);
        self.wait_for(&format!("the selected row of {name}"), STARTUP, |s| {
            fleet_row(s, name).is_some_and(|r| r.contains('▸') && row_state(r) == "run")
                && !s.lines().last().is_some_and(|l| l.starts_with("/ "))
        });
    }
}

/// The footer (the last non-empty line).
fn footer(screen: &str) -> &str {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}

/// The networks `docker inspect` shows for a container, by name.
fn networks_of(name: &str) -> Vec<String> {
    let out = docker(&[
        "inspect",
        "-f",
        "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}",
        name,
    ]);
    out.split_whitespace().map(str::to_string).collect()
}

/// The dialog is on screen and names the container.
fn dialog_open(s: &str, action: &str, name: &str) -> bool {
    s.contains(&format!("confirm: {action}"))
        && s.contains("[n/Esc] no (default)")
        && s.lines().any(|l| l.contains(&format!("container {name} ")))
}

#[test]
fn actions_isolate_undo_and_stop_through_key_presses() {
    if !tmux_available() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let t0 = Instant::now();
    let net = td.network("e2e-act-net");
    let name = td.unique_name("e2e-act");
    let ctr = td.container_named(
        Spec::running("e2e-act", &["--network", &net, "--network-alias", "web"]),
        &name,
    );
    assert_eq!(networks_of(&name), vec![net.clone()]);
    let console = Console::start_with(120, 40, actions_config);
    console.wait_live();
    console.show_only(&name);

    // `i`: the dialog names the container (and its short id) and the daemon.
    console.send_keys(&["i"]);
    let (screen, _) = console.wait_for("the isolate dialog", KEY, |s| {
        dialog_open(s, "isolate", &name)
    });
    assert!(screen.contains(&ctr.id[..12]), "the short id:\n{screen}");
    assert!(screen.contains(&net), "the network it will lose:\n{screen}");
    // Other keys are taken by the dialog: `n` declines and nothing changes.
    console.send_keys(&["n"]);
    console.wait_for("the dialog to close, declined", KEY, |s| {
        !s.contains("confirm: isolate") && footer(s).contains("declined")
    });
    console.wait_audit(&name, "isolate", "declined");
    assert_eq!(
        networks_of(&name),
        vec![net.clone()],
        "declined: still attached"
    );

    // Esc declines too.
    console.send_keys(&["i"]);
    console.wait_for("the isolate dialog again", KEY, |s| {
        dialog_open(s, "isolate", &name)
    });
    console.send_keys(&["Escape"]);
    console.wait_for("the dialog to close", KEY, |s| {
        !s.contains("confirm: isolate")
    });
    assert_eq!(networks_of(&name), vec![net.clone()]);

    // `i` `y`: isolated. The row says so; the daemon shows no network.
    console.send_keys(&["i"]);
    console.wait_for("the isolate dialog once more", KEY, |s| {
        dialog_open(s, "isolate", &name)
    });
    console.send_keys(&["y"]);
    let (screen, _) = console.wait_for("the row marked isol and the outcome", ACTION, |s| {
        fleet_row(s, &name).is_some_and(|r| row_state(r) == "isol")
            && footer(s).contains(&format!("isolated {name}"))
    });
    assert!(
        footer(&screen).contains("evidence"),
        "the evidence path is shown: {}",
        footer(&screen)
    );
    assert!(networks_of(&name).is_empty(), "isolated: no networks left");
    let ok = console.wait_audit(&name, "isolate", "ok");
    assert_eq!(ok["container_id"], ctr.id.as_str());

    // `u` `y`: reconnected to the same network.
    console.send_keys(&["u"]);
    console.wait_for("the unisolate dialog", KEY, |s| {
        dialog_open(s, "unisolate", &name)
    });
    console.send_keys(&["y"]);
    console.wait_for("the row back to run", ACTION, |s| {
        fleet_row(s, &name).is_some_and(|r| row_state(r) == "run")
            && !footer(s).contains("reconnecting")
    });
    assert_eq!(networks_of(&name), vec![net.clone()], "reconnected");
    console.wait_audit(&name, "unisolate", "ok");

    // `s` `y`: stopped (busybox sleep ignores SIGTERM: killed after the 2 s grace period).
    console.send_keys(&["s"]);
    console.wait_for("the stop dialog", KEY, |s| dialog_open(s, "stop", &name));
    console.send_keys(&["y"]);
    console.wait_for("the row to show exited", ACTION, |s| {
        fleet_row(s, &name).is_some_and(|r| row_state(r) == "exited")
    });
    let state = docker(&["inspect", "-f", "{{.State.Status}}", &name]);
    assert_eq!(state.trim(), "exited");
    console.wait_audit(&name, "stop", "ok");
    // The actions' files (audit log, records, locks, evidence): private.
    assert_private(
        &console.dir.path().join("xdg-state"),
        "actions in the console",
    );

    console.send_keys(&["q"]);
    assert_restored(&console, "q after the actions");
    measured("actions e2e total", t0.elapsed());
}

#[test]
fn read_only_console_refuses_actions() {
    if !tmux_available() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let net = td.network("e2e-ro-net");
    let name = td.unique_name("e2e-ro");
    td.container_named(Spec::running("e2e-ro", &["--network", &net]), &name);
    let console = Console::start_args(120, 40, actions_config, "", "--read-only");
    console.wait_for("READ-ONLY in the header", STARTUP, |s| {
        first_line(s).starts_with(HEADER) && first_line(s).contains("READ-ONLY")
    });
    console.wait_live();
    console.show_only(&name);
    for key in ["i", "s"] {
        console.send_keys(&[key]);
        let (screen, _) = console.wait_for("the read-only message", KEY, |s| {
            footer(s).contains("read-only console: actions are disabled")
        });
        assert!(!screen.contains("confirm:"), "no dialog:\n{screen}");
    }
    assert_eq!(networks_of(&name), vec![net.clone()], "nothing changed");
    assert_eq!(
        docker(&["inspect", "-f", "{{.State.Status}}", &name]).trim(),
        "running"
    );
    let refused = console.wait_audit(&name, "isolate", "refused");
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("read-only")),
        "{refused}"
    );
    console.wait_audit(&name, "stop", "refused");
    console.send_keys(&["q"]);
    assert_restored(&console, "q in a read-only console");
}

#[test]
fn config_typo_keeps_read_only_and_says_why() {
    if !tmux_available() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let net = td.network("e2e-cfg-net");
    let name = td.unique_name("e2e-cfg");
    td.container_named(Spec::running("e2e-cfg", &["--network", &net]), &name);
    // default_config ends inside [ui]: read_only is line 6, the overflow line 9.
    let console = Console::start_with(220, 40, |dir| {
        format!(
            "{}read_only = true\n\n[scan]\nconcurrency = 99999999999999999999999\n",
            default_config(dir)
        )
    });
    let file = console.config.to_string_lossy().to_string();
    let (screen, _) = console.wait_for("READ-ONLY and the config problem", STARTUP, |s| {
        first_line(s).starts_with(HEADER)
            && first_line(s).contains("READ-ONLY")
            && footer(s).contains(&format!(
                "config file {file} line 9: scan.concurrency: 99999999999999999999999 is too \
                 large (must be between 1 and 64)"
            ))
    });
    assert!(
        !first_line(&screen).contains("config error"),
        "read-only because the file says so, not because of the problem:\n{screen}"
    );
    console.wait_live();
    console.show_only(&name);
    console.send_keys(&["i"]);
    let (screen, _) = console.wait_for("the read-only message", KEY, |s| {
        footer(s).contains("read-only console: actions are disabled")
    });
    assert!(!screen.contains("confirm:"), "no dialog:\n{screen}");
    assert_eq!(networks_of(&name), vec![net.clone()], "nothing changed");
    console.wait_audit(&name, "isolate", "refused");
    console.send_keys(&["q"]);
    assert_restored(&console, "q in a console read-only by its config");
}

#[test]
fn config_problem_on_a_safety_setting_starts_read_only() {
    if !tmux_available() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let name = td.unique_name("e2e-cfgsafe");
    td.container_named(Spec::running("e2e-cfgsafe", &[]), &name);
    // No read_only anywhere; a bad action default (line 8) must not leave actions live.
    let console = Console::start_with(220, 40, |dir| {
        format!(
            "{}\n[actions]\npause_on_isolate = \"yes\"\n",
            default_config(dir)
        )
    });
    let file = console.config.to_string_lossy().to_string();
    let problem = format!("config file {file} line 8: actions.pause_on_isolate");
    console.wait_for("READ-ONLY (config error) and the reason", STARTUP, |s| {
        first_line(s).contains("READ-ONLY (config error)")
            && footer(s).contains("READ-ONLY because of a config problem")
            && footer(s).contains(&problem)
    });
    console.wait_live();
    console.show_only(&name);
    console.send_keys(&["i"]);
    let (screen, _) = console.wait_for("the refusal with the reason", KEY, |s| {
        footer(s).contains("read-only console: actions are disabled because of a config problem")
            && footer(s).contains(&problem)
    });
    assert!(!screen.contains("confirm:"), "no dialog:\n{screen}");
    let refused = console.wait_audit(&name, "isolate", "refused");
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("actions.pause_on_isolate")),
        "{refused}"
    );
    console.send_keys(&["q"]);
    assert_restored(&console, "q in a console read-only by a config problem");
}

// ---------------------------------------------------------------------------------------
// The activity feed.

/// How long an alert may take to show after the `docker exec` that provoked it returned.
const ALERT: Duration = Duration::from_secs(10);

/// The longest container name the feed shows whole (`name_cap` in `src/ui/feed.rs`).
const FEED_NAME_WIDTH: usize = 20;

/// The activity pane's rows (between its top and bottom borders), without the borders and
/// the selection marker, blank rows left out. Empty when the pane is not on screen.
fn feed_lines(screen: &str) -> Vec<String> {
    let mut lines = screen.lines().skip_while(|l| !is_feed_title(l));
    if lines.next().is_none() {
        return Vec::new();
    }
    lines
        .take_while(|l| !l.starts_with(['┗', '└']))
        .map(|l| l.trim_matches(['┃', '│']).trim_start_matches('▸').trim())
        .filter(|l| !l.is_empty())
        // One entry per alert: the selected alert's wrapped detail lines (no `HH:MM:SS`
        // first) are joined to the alert above them.
        .fold(Vec::new(), |mut out: Vec<String>, l| {
            let starts_alert =
                l.as_bytes().get(2) == Some(&b':') && l.as_bytes().get(5) == Some(&b':');
            match out.last_mut() {
                Some(last) if !starts_alert => {
                    last.push_str("  ");
                    last.push_str(l);
                }
                _ => out.push(l.to_string()),
            }
            out
        })
}

/// The activity pane's top border (`┏ activity 2/9 · filter: x ━━…`).
fn is_feed_title(line: &str) -> bool {
    line.starts_with("┏ activity ") || line.starts_with("┌ activity ")
}

/// The activity pane's title line, if the pane is on screen.
fn feed_title(screen: &str) -> Option<&str> {
    screen.lines().find(|l| is_feed_title(l))
}

/// Is the activity pane focused (thick border)?
fn feed_focused(screen: &str) -> bool {
    feed_title(screen).is_some_and(|l| l.starts_with('┏'))
}

/// A feed line split into `(severity label, container, rest)`:
/// `21:27:20 CRIT web Container escape tool…` -> `("CRIT", "web", "Container escape…")`.
fn feed_entry(line: &str) -> Option<(&str, &str, String)> {
    let mut t = line.split_whitespace();
    let _time = t.next()?;
    let sev = t.next()?;
    let who = t.next()?;
    Some((sev, who, t.collect::<Vec<_>>().join(" ")))
}

/// The position (0 = top, newest) of the feed line about `name` with this severity label.
fn feed_position(lines: &[String], sev: &str, name: &str) -> Option<usize> {
    lines
        .iter()
        .position(|l| feed_entry(l).is_some_and(|(s, who, _)| s == sev && who == name))
}

/// The ALERTS cell of a fleet row: the `!N` token.
fn row_alerts(row: &str) -> Option<&str> {
    row.split_whitespace()
        .find(|t| t.len() > 1 && t.starts_with('!') && t[1..].parse::<u32>().is_ok())
}

/// The activity points of a fleet row's SCORE cell (`42+30` -> 30; `42` -> 0).
fn row_activity_points(row: &str) -> Option<u32> {
    row.split_whitespace().find_map(|t| {
        let (config, activity) = t.split_once('+')?;
        config.parse::<u32>().ok()?;
        activity.parse::<u32>().ok()
    })
}

/// The text attributes a cell is drawn with, as far as this test tells them apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct CellStyle {
    /// The foreground color parameters (`38;5;9`, `31`...), `None` for the default.
    fg: Option<String>,
    bold: bool,
}

impl CellStyle {
    /// Apply one SGR sequence's parameters (`1;38;5;9`).
    fn apply(&mut self, params: &str) {
        let p: Vec<&str> = params.split([';', ':']).collect();
        let mut i = 0;
        while i < p.len() {
            match p[i] {
                "" | "0" => *self = CellStyle::default(),
                "1" => self.bold = true,
                "22" => self.bold = false,
                "39" => self.fg = None,
                "38" => {
                    // 38;5;N or 38;2;R;G;B
                    let n = if p.get(i + 1) == Some(&"2") { 5 } else { 3 };
                    let end = (i + n).min(p.len());
                    self.fg = Some(p[i..end].join(";"));
                    i = end;
                    continue;
                }
                "48" => {
                    i += if p.get(i + 1) == Some(&"2") { 5 } else { 3 };
                    continue;
                }
                c if c
                    .parse::<u8>()
                    .is_ok_and(|n| (30..=37).contains(&n) || (90..=97).contains(&n)) =>
                {
                    self.fg = Some(c.to_string());
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// One line of `capture-pane -e` output: its visible text and each character's style.
fn styled_line(raw: &str) -> (Vec<char>, Vec<CellStyle>) {
    let mut text = Vec::new();
    let mut styles = Vec::new();
    let mut style = CellStyle::default();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                let mut params = String::new();
                // Parameters, then one final byte in @..~.
                for p in chars.by_ref() {
                    if ('@'..='~').contains(&p) {
                        if p == 'm' {
                            style.apply(&params);
                        }
                        break;
                    }
                    params.push(p);
                }
            } else {
                // Another escape (charset and the like): skip its one following character.
                chars.next();
            }
            continue;
        }
        text.push(c);
        styles.push(style.clone());
    }
    (text, styles)
}

/// The style of the first character of `needle` on the first line of a `capture-pane -e`
/// screen whose visible text satisfies `line_pred` and contains `needle`.
fn style_of(raw_screen: &str, line_pred: impl Fn(&str) -> bool, needle: &str) -> Option<CellStyle> {
    let needle: Vec<char> = needle.chars().collect();
    raw_screen.lines().find_map(|raw| {
        let (text, styles) = styled_line(raw);
        let visible: String = text.iter().collect();
        if !line_pred(&visible) {
            return None;
        }
        let at = text
            .windows(needle.len())
            .position(|w| w == needle.as_slice())?;
        Some(styles[at].clone())
    })
}

impl Console {
    /// The visible screen with its SGR escape sequences (`capture-pane -e`).
    fn capture_styled(&self) -> String {
        self.tmux_ok(&["capture-pane", "-p", "-e", "-t", &self.target])
    }
}

/// `docker exec` something into a container: the command's time, and its output when the
/// exec itself could not be started (the command inside may fail: that is still activity).
fn exec_in(args: &[&str]) -> Duration {
    let mut all = vec!["exec"];
    all.extend_from_slice(args);
    let t0 = Instant::now();
    let out = common::docker_output(&all);
    let took = t0.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("Error response from daemon")
            && !stderr.contains("executable file not found"),
        "docker {} could not run: {}",
        all.join(" "),
        stderr.trim()
    );
    took
}

/// The live activity feed against the real daemon, on a `width` x `height` terminal: two
/// `docker exec`s into a labelled busybox (a shell command, LOW; `nsenter -t 1`, CRIT) show
/// in the fleet row (`!2`, activity points on the score) and in the feed, newest first,
/// with their severity labels, colors and the container name; `v` hides the LOW alert and
/// keeps the CRIT one; `/` and `c` filter by the container; `enter` opens the container's
/// drilldown on its Activity tab with both alerts.
fn activity_feed_end_to_end(width: u16, height: u16) {
    if !tmux_available() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let t_test = Instant::now();
    let size = format!("{width}x{height}");
    let name = td.unique_name("fd");
    assert!(
        name.chars().count() <= FEED_NAME_WIDTH,
        "{name} is longer than the feed shows whole"
    );
    td.container_named(Spec::running("fd", &[]), &name);
    let console = Console::start_with(width, height, actions_config);
    console.wait_live();
    // Only our container in the fleet (the daemon may hold hundreds of others), selected.
    console.show_only(&name);

    // A shell command (LOW), then, once it shows, an escape tool aimed at PID 1 (CRIT).
    let took = exec_in(&[&name, "sh", "-c", "id"]);
    let (_, seen) = console.wait_for(&format!("!1 on the row of {name}"), ALERT, |s| {
        fleet_row(s, &name).and_then(row_alerts) == Some("!1")
    });
    measured(&format!("{size}: docker exec sh -c id took"), took);
    measured(
        &format!("{size}: exec returned -> !1 on the fleet row"),
        seen,
    );
    let took = exec_in(&["-u", "0", &name, "nsenter", "-t", "1", "-m", "true"]);
    let (screen, seen) = console.wait_for(
        &format!("!2 and activity points on the row of {name}"),
        ALERT,
        |s| {
            fleet_row(s, &name).is_some_and(|r| {
                row_alerts(r) == Some("!2") && row_activity_points(r).is_some_and(|p| p > 0)
            })
        },
    );
    measured(&format!("{size}: docker exec nsenter took"), took);
    measured(
        &format!("{size}: exec returned -> !2 on the fleet row"),
        seen,
    );
    let row = fleet_row(&screen, &name).unwrap_or_default().to_string();

    // `a`: the feed, focused. Other tests' alerts may be in it too: `/` narrows it to ours.
    // Tall screens give the feed a pane of its own below the findings; short ones show it
    // in the findings' place once `a` focuses it (the body is the screen less the two
    // header lines and the footer).
    let own_pane = height.saturating_sub(3) >= seawall::ui::FEED_PANE_MIN_BODY;
    let findings_shown = |s: &str| s.lines().any(|l| l.starts_with("┌ findings"));
    assert_eq!(
        feed_title(&screen).is_some(),
        own_pane,
        "at {size} the feed pane is shown before `a` only on a tall screen:\n{screen}"
    );
    assert!(!feed_focused(&screen), "{screen}");
    console.send_keys(&["a"]);
    let (screen, _) = console.wait_for("the activity feed focused", KEY, feed_focused);
    assert_eq!(
        findings_shown(&screen),
        own_pane,
        "at {size} the feed takes the findings' place only on a short screen:\n{screen}"
    );
    console.send_keys(&["/"]);
    console.type_text(&name);
    console.send_keys(&["Enter"]);
    let filtered = format!("filter: {name}");
    let both = |s: &str| {
        let lines = feed_lines(s);
        feed_title(s).is_some_and(|t| t.contains(&filtered))
            && footer(s).contains("v severity")
            && lines.len() == 2
            && feed_position(&lines, "CRIT", &name).is_some()
            && feed_position(&lines, "LOW", &name).is_some()
    };
    let (screen, _) = console.wait_for("both alerts under the feed's text filter", KEY, both);
    let lines = feed_lines(&screen);
    assert_eq!(
        feed_position(&lines, "CRIT", &name),
        Some(0),
        "newest first: the nsenter alert (CRIT) on top\n{screen}"
    );
    assert_eq!(feed_position(&lines, "LOW", &name), Some(1), "{screen}");
    let (_, _, crit_rest) = feed_entry(&lines[0]).unwrap_or_default();
    let (_, _, low_rest) = feed_entry(&lines[1]).unwrap_or_default();
    assert!(
        crit_rest.starts_with("Container escape tool run by exec") && crit_rest.contains("nsenter"),
        "the CRIT line names the rule and the command: {}",
        lines[0]
    );
    assert!(
        low_rest.starts_with("Shell command run in container"),
        "the LOW line names the rule: {}",
        lines[1]
    );
    let title = feed_title(&screen).unwrap_or_default();
    assert!(title.contains(" 2/"), "the title counts 2 shown: {title}");

    // Colored by severity: the CRIT label is drawn unlike the LOW one, and not plain.
    let raw = console.capture_styled();
    let on = |sev: &'static str| {
        let name = name.clone();
        move |l: &str| {
            let l = l.trim_matches(['┃', '│']).trim_start_matches('▸');
            feed_entry(l.trim()).is_some_and(|(s, who, _)| s == sev && who == name)
        }
    };
    // On its own line, the first `CRIT` / `LOW ` is the label (the time and name come
    // before it and hold neither).
    let crit_style = style_of(&raw, on("CRIT"), "CRIT");
    let low_style = style_of(&raw, on("LOW"), "LOW ");
    eprintln!("[console_e2e] {size}: CRIT label {crit_style:?}, LOW label {low_style:?}");
    let (Some(crit_style), Some(low_style)) = (crit_style, low_style) else {
        panic!("the feed lines are not in the styled capture:\n{raw}");
    };
    assert!(
        crit_style.fg.is_some() && low_style.fg.is_some(),
        "severity labels are colored: CRIT {crit_style:?}, LOW {low_style:?}"
    );
    assert_ne!(
        crit_style, low_style,
        "the CRIT label is styled differently from the LOW one"
    );

    // `v` cycles the minimum severity: LOW keeps both, MED / HIGH / CRIT hide the LOW alert
    // and keep the CRIT one, and the next press shows everything again.
    for (min, low_shown) in [
        (Some("LOW"), true),
        (Some("MED"), false),
        (Some("HIGH"), false),
        (Some("CRIT"), false),
        (None, true),
    ] {
        console.send_keys(&["v"]);
        let what = format!("the feed at minimum severity {min:?}");
        let (screen, _) = console.wait_for(&what, KEY, |s| {
            let lines = feed_lines(s);
            let title = feed_title(s).unwrap_or_default();
            let title_ok = match min {
                Some(m) => title.contains(&format!("≥{m}")),
                None => !title.contains('≥'),
            };
            title_ok
                && title.contains(&filtered)
                && feed_position(&lines, "CRIT", &name) == Some(0)
                && feed_position(&lines, "LOW", &name).is_some() == low_shown
        });
        assert_eq!(
            feed_lines(&screen).len(),
            if low_shown { 2 } else { 1 },
            "{what}:\n{screen}"
        );
    }
    // Back to MED and worse for the rest.
    console.send_keys(&["v", "v"]);
    console.wait_for("minimum severity MED again", KEY, |s| {
        feed_title(s).is_some_and(|t| t.contains("≥MED"))
            && feed_position(&feed_lines(s), "LOW", &name).is_none()
    });

    // `esc` drops the text filter (the severity stays); `c` keeps the selected container's
    // alerts only.
    console.send_keys(&["Escape"]);
    console.wait_for("the text filter gone, severity kept", KEY, |s| {
        feed_title(s).is_some_and(|t| !t.contains("filter:") && t.contains("≥MED"))
            && feed_focused(s)
    });
    console.send_keys(&["c"]);
    let only = format!("only {name}");
    let (screen, _) = console.wait_for("the feed of our container only", KEY, |s| {
        let lines = feed_lines(s);
        feed_title(s).is_some_and(|t| t.contains(&only) && t.contains("≥MED"))
            && lines.len() == 1
            && feed_position(&lines, "CRIT", &name) == Some(0)
    });
    let pane = screen
        .lines()
        .skip_while(|l| !is_feed_title(l))
        .find(|l| l.contains('▸'))
        .unwrap_or_default();
    assert!(
        pane.contains("CRIT") && pane.contains(&name),
        "the CRIT alert is selected:\n{screen}"
    );

    // `enter` on it: the container's drilldown, on the Activity tab, with both alerts
    // (the tab lists every alert about the container, whatever the feed's filter).
    console.send_keys(&["Enter"]);
    let head = format!(" {name} │");
    let (screen, _) = console.wait_for("the drilldown on the Activity tab", KEY, |s| {
        s.lines().any(|l| l.starts_with(&head))
            && s.lines().any(|l| l.starts_with("┏ Activity 2"))
            && s.contains("[CRITICAL]")
            && s.contains("[LOW]")
    });
    let text: String = screen
        .lines()
        .map(|l| l.trim_matches(['┃', '│', ' ']))
        .collect::<Vec<_>>()
        .join(" ");
    let crit_at = text.find("[CRITICAL]").unwrap_or(usize::MAX);
    let low_at = text.find("[LOW]").unwrap_or(0);
    assert!(
        crit_at < low_at,
        "the Activity tab lists the newest alert first:\n{screen}"
    );
    for want in [
        "SW-ACT-EXEC-005",
        "SW-ACT-EXEC-002",
        "T1611 Escape to Host",
        "nsenter -t 1 -m true",
    ] {
        assert!(
            text.contains(want),
            "the Activity tab shows {want}:\n{screen}"
        );
    }
    let header = screen
        .lines()
        .find(|l| l.starts_with(&head))
        .unwrap_or_default();
    let points = row_activity_points(&row).unwrap_or(0);
    assert!(
        header.contains(&format!("+{points} activity")),
        "the drilldown's score shows the same activity points as the fleet row ({row}): \
         {header}"
    );

    console.send_keys(&["q"]);
    assert_restored(&console, &format!("q after the feed test at {size}"));
    measured(
        &format!("activity feed e2e at {size} total"),
        t_test.elapsed(),
    );
}

#[test]
fn activity_feed_filters_and_opens_alerts_80x24() {
    activity_feed_end_to_end(80, 24);
}

#[test]
fn activity_feed_filters_and_opens_alerts_120x40() {
    activity_feed_end_to_end(120, 40);
}

/// `seawall console --baseline OLD.json --accept FILE` (issue 11): findings not in the
/// baseline are marked NEW, accepted ones show their marker and expiry.
#[test]
fn baseline_and_accepted_risks_are_marked_in_the_console() {
    if !tmux_available() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let old_name = td.unique_name("e2e-verdict-old");
    td.container_named(
        Spec::created(
            "e2e-verdict-old",
            &["-v", "/var/run/docker.sock:/var/run/docker.sock"],
        ),
        &old_name,
    );
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("old.json");
    let out = td
        .scan_cmd(&["--format", "json", "--output", baseline.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new_name = td.unique_name("e2e-verdict-new");
    td.container_named(
        Spec::created("e2e-verdict-new", &["--privileged"]),
        &new_name,
    );
    let accept = dir.path().join("accept.toml");
    std::fs::write(
        &accept,
        format!(
            "[[accept]]\nrule = \"SW-MNT-001\"\ncontainer = \"{old_name}\"\nowner = \"ci\"\nreason = \"builds\"\nexpires = 2999-12-31\n"
        ),
    )
    .unwrap();
    let args: &'static str = Box::leak(
        format!(
            "console --baseline {} --accept {}",
            sh_quote(&baseline.to_string_lossy()),
            sh_quote(&accept.to_string_lossy())
        )
        .into_boxed_str(),
    );
    let console = Console::start_args(160, 48, default_config, "", args);
    console.wait_header();
    console.wait_live();
    console.send_keys(&["/"]);
    console.wait_for("the filter input", KEY, |s| {
        s.lines().last().is_some_and(|l| l.starts_with("/ "))
    });
    console.type_text(&td.run_id);
    console.send_keys(&["Enter"]);
    // The privileged one ranks first and is selected: its findings are all new.
    console.wait_for("NEW on the new container's findings", STARTUP, |s| {
        fleet_row(s, &new_name).is_some_and(|r| r.contains('▸'))
            && s.lines()
                .any(|l| l.contains("SW-PRIV-001") && l.contains("NEW Container runs privileged"))
    });
    console.send_keys(&["Down"]);
    let (screen, _) = console.wait_for("the accepted socket finding", STARTUP, |s| {
        fleet_row(s, &old_name).is_some_and(|r| r.contains('▸'))
            && s.lines()
                .any(|l| l.contains("SW-MNT-001") && l.contains("✓ accepted until 2999-12-31"))
    });
    // In the baseline: not new.
    let line = screen
        .lines()
        .find(|l| l.contains("✓ accepted until"))
        .unwrap();
    assert!(!line.contains("NEW"), "{line}");
    console.send_keys(&["q"]);
    assert_restored(&console, "q after the verdicts");
}

/// The activity feed outlives the console, and goes into exports (issue 13): an exec
/// alert seen by one console is exported with the container's report
/// (`<report>.alerts.json`, private), and a second console reading the same state
/// directory shows it in its feed before anything new happens.
#[test]
fn the_feed_survives_a_restart_and_goes_into_exports() {
    if !tmux_available() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let name = td.unique_name("fr");
    td.container_named(Spec::running("fr", &[]), &name);
    let first = Console::start_with(120, 40, actions_config);
    first.wait_live();
    first.show_only(&name);
    let exec_at = Instant::now();
    exec_in(&[&name, "sh", "-c", "id"]);
    first.wait_for(&format!("!1 on the row of {name}"), ALERT, |s| {
        fleet_row(s, &name).and_then(row_alerts) == Some("!1")
    });

    // `e` `y`: the container's report in every format, and its alerts beside it.
    first.send_keys(&["e"]);
    first.wait_for("the export dialog", KEY, |s| {
        dialog_open(s, "export", &name)
    });
    first.send_keys(&["y"]);
    first.wait_audit(&name, "export", "ok");
    let reports = first.dir.path().join("xdg-state/seawall/reports");
    let alerts_file = std::fs::read_dir(&reports)
        .unwrap_or_else(|e| panic!("{}: {e}", reports.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".alerts.json"))
        .unwrap_or_else(|| panic!("no .alerts.json in {}", reports.display()));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&alerts_file)
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "{}", alerts_file.display());
    let alerts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&alerts_file).unwrap()).unwrap();
    let alerts = alerts
        .as_array()
        .or_else(|| alerts["alerts"].as_array())
        .cloned()
        .unwrap_or_default();
    assert!(
        alerts
            .iter()
            .any(|a| a.to_string().contains("SW-ACT-EXEC") && a.to_string().contains(&name)),
        "the exec alert about {name} in {}: {alerts:#?}",
        alerts_file.display()
    );
    first.send_keys(&["q"]);
    assert_restored(&first, "q after the export");

    // A second console on the same state directory: the alert is in its feed at once. (A
    // new console reads the daemon's events from 2-3 s before it starts: wait past that,
    // so only the saved feed can bring the alert back.)
    std::thread::sleep(Duration::from_secs(4).saturating_sub(exec_at.elapsed()));
    let state_file = first.dir.path().join("xdg-state/seawall/isolations.json");
    let second = Console::start_with(120, 40, |dir| {
        format!(
            "{}\nstate_file = {}\n",
            actions_config(dir),
            toml_string(&state_file.to_string_lossy())
        )
    });
    second.wait_live();
    // Other users' alerts may fill the feed: `/` narrows it to ours.
    second.send_keys(&["a"]);
    second.wait_for("the activity feed focused", KEY, feed_focused);
    second.send_keys(&["/"]);
    second.type_text(&name);
    second.send_keys(&["Enter"]);
    let (screen, _) = second.wait_for("the restored alert in the feed", STARTUP, |s| {
        feed_focused(s) && feed_position(&feed_lines(s), "LOW", &name).is_some()
    });
    let line = feed_lines(&screen)
        .into_iter()
        .find(|l| feed_entry(l).is_some_and(|(sev, who, _)| sev == "LOW" && who == name))
        .unwrap_or_default();
    assert!(line.contains("Shell command run in container"), "{line}");
    second.send_keys(&["q"]);
    assert_restored(&second, "q after the restored feed");
}

/// A container the daemon lists but will not let seawall inspect (HTTP 500 on its
/// `/containers/{id}/json`, through a fault-injecting proxy in front of the real daemon) is
/// not hidden: the table has a warning line naming it with why, while the others are graded
/// and live; once the daemon answers again, the retry reads it and the line goes.
#[test]
fn a_container_that_cannot_be_inspected_is_shown_until_it_is_read() {
    if !tmux_available() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let proxy = common::fault_proxy::FaultProxy::start("e2e-unread");
    let bad = td.container(Spec::created("unread", &[]));
    proxy.set(
        &format!("/containers/{}/json", bad.id),
        common::fault_proxy::Fault::Status(500),
    );
    // The pane's command line is built once per test: a leaked string is fine here.
    let prefix: &'static str =
        Box::leak(format!("env DOCKER_HOST={} ", proxy.url()).into_boxed_str());
    let console = Console::start_full(120, 40, default_config, prefix);
    console.wait_live();
    console.send_keys(&["/"]);
    console.type_text(&bad.name);
    console.send_keys(&["Enter"]);
    let line = format!("? not graded: {}", bad.name);
    let (screen, _) = console.wait_for(
        "the warning line of the unreadable container",
        STARTUP,
        |s| {
            s.lines()
                .any(|l| l.contains(&line) && l.contains("inspect failed") && l.contains("500"))
        },
    );
    assert!(
        screen.contains("not inspected"),
        "the header counts it:\n{screen}"
    );

    proxy.clear();
    let (screen, _) = console.wait_for(
        "the container read and graded at last",
        Duration::from_secs(40),
        |s| !s.contains(&line) && fleet_row(s, &bad.name).is_some(),
    );
    assert!(!screen.contains("not inspected"), "{screen}");
    console.send_keys(&["q"]);
    assert_restored(&console, "q after the unreadable container");
}

// --- issue 10 items 5 and 6: the host overview, and a daemon added live ---

/// The overview row (`┃▶ name …` or `┃  name …`) that shows `needle`.
fn host_row<'a>(screen: &'a str, needle: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| (l.starts_with("┃▶ ") || l.starts_with("┃  ")) && l.contains(needle))
}

/// Two endpoints, the real daemon and a dead socket: the console opens on the host
/// overview with the dead one down (with its reason) and the live one up; `enter` shows
/// the live daemon's containers (the header names it), `esc` comes back; `D` lists a
/// context made by `docker context create` in a private DOCKER_CONFIG, and `enter` adds it
/// to the session without a restart: it comes up beside the others.
#[test]
fn fleet_overview_with_a_dead_daemon_and_a_context_added_live() {
    if !tmux_available() {
        return;
    }
    let Some(td) = TestDaemon::get() else { return };
    let name = td.unique_name("e2e-fleet");
    td.container_named(Spec::created("e2e-fleet", &[]), &name);
    let live = std::env::var("DOCKER_HOST")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| "unix:///var/run/docker.sock".to_string());
    let dead = "unix:///nonexistent.sock";

    // A context in a docker config of our own, pointing at the real daemon.
    let docker_config = tempfile::Builder::new()
        .prefix("sw-e2e-dockercfg-")
        .tempdir()
        .expect("a temporary directory");
    let context = td.unique_name("ctx");
    let mut create = Command::new("docker");
    create
        .env("DOCKER_CONFIG", docker_config.path())
        .args(["context", "create", &context, "--docker"])
        .arg(format!("host={live}"));
    let out = run_with_timeout(create, TMUX_TIMEOUT);
    assert!(
        out.status.success(),
        "docker context create: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let prefix: &'static str = Box::leak(
        format!(
            "env DOCKER_CONFIG={} ",
            sh_quote(&docker_config.path().to_string_lossy())
        )
        .into_boxed_str(),
    );
    let args: &'static str =
        Box::leak(format!("-H {} -H {}", sh_quote(&live), sh_quote(dead)).into_boxed_str());
    let t0 = Instant::now();
    let console = Console::start_args(100, 30, default_config, prefix, args);
    let (screen, _) = console.wait_for(
        "the host overview: the dead daemon down with a reason, the live one up",
        STARTUP,
        |s| {
            s.contains("hosts · 2 daemons")
                && host_row(s, "nonexistent").is_some_and(|r| r.contains("down"))
                && s.contains("↳ down:")
                && host_row(s, &live).is_some_and(|r| r.contains(" up "))
        },
    );
    measured("start -> overview with both daemons settled", t0.elapsed());
    // Worst first: the dead daemon above the live one.
    let line_of = |needle: &str| {
        screen
            .lines()
            .position(|l| host_row(l, needle).is_some())
            .unwrap_or_else(|| panic!("no overview row with {needle}:\n{screen}"))
    };
    assert!(line_of("nonexistent") < line_of(&live), "{screen}");

    // The live one (second row), then enter: its containers, the header says which.
    console.send_keys(&["g", "j"]);
    console.wait_for("the cursor on the live daemon", KEY, |s| {
        host_row(s, &live).is_some_and(|r| r.starts_with("┃▶"))
    });
    console.send_keys(&["Enter"]);
    console.wait_for("the live daemon's containers", KEY, |s| {
        s.contains("containers") && s.lines().nth(1).is_some_and(|l| l.contains(live.as_str()))
    });
    console.send_keys(&["/"]);
    console.type_text(&name);
    console.send_keys(&["Enter"]);
    console.wait_for("our container in the table", LIVE, |s| {
        s.contains(&format!("findings · {name}"))
    });
    // esc clears the filter, esc again goes back to the overview.
    // (One key at a time: two escapes in one write may read as alt-escape.)
    console.send_keys(&["Escape"]);
    console.wait_for("the filter cleared", KEY, |s| {
        s.contains("┏ containers") && !s.contains("filter: ")
    });
    console.send_keys(&["Escape"]);
    console.wait_for("the overview again", KEY, |s| {
        s.contains("hosts · 2 daemons")
    });

    // D: the daemons window lists the context; enter adds it live.
    console.send_keys(&["D"]);
    console.wait_for("the context in the daemons window", KEY, |s| {
        s.contains("daemons · contexts")
            && s.lines()
                .any(|l| l.contains(&context) && l.contains("context"))
    });
    console.send_keys(&["G", "Enter"]);
    let (screen, took) = console.wait_for("the added context up in the overview", STARTUP, |s| {
        s.contains("hosts · 3 daemons") && host_row(s, &context).is_some_and(|r| r.contains(" up "))
    });
    measured("context added -> up", took);
    assert!(host_row(&screen, "nonexistent").is_some(), "{screen}");
    // The cursor is on the daemon just added: `x` drops it from the session again.
    assert!(
        host_row(&screen, &context).is_some_and(|r| r.starts_with("┃▶")),
        "{screen}"
    );
    console.send_keys(&["x"]);
    console.wait_for("the context dropped", KEY, |s| {
        s.contains("hosts · 2 daemons") && host_row(s, &context).is_none()
    });
    console.send_keys(&["q"]);
    let (code, _) = console.wait_exit("q");
    assert_eq!(code, 0);
}
