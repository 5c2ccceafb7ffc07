//! Filesystem drift (`GET /containers/{id}/changes`): files added or changed in system
//! directories, new executable-looking files in temporary directories, and — within the
//! copy-in window after a `docker cp` into the container — a new executable-looking file
//! anywhere (`/xmrig`, `/app/.cache/run`).
//!
//! Each container has a baseline of the (path, kind) pairs already reported, so a change is
//! reported once, never again on later polls (the engine outlives reconnects). One alert
//! per container per poll lists the new paths; its severity is the worst path's.

use super::meta::AlertMeta;
use super::{Alert, ContainerRef};
use crate::model::{ChangeKind, ContainerFacts, FileChange};
use crate::risk::Severity;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

use Severity::{Critical as C, High as H, Low as L, Medium as M};

pub const SYSTEM_FILES: AlertMeta = AlertMeta::new(
    "SW-ACT-DRIFT-001",
    M,
    "System files changed in container",
    "T1554",
    "Compromise Host Software Binary",
    "Containers should run what their image holds. New or changed binaries, libraries and \
     files under /etc or /root are how attackers persist and hide (trojaned tools, new users, \
     cron jobs, SSH keys, ld.so.preload).",
    "Compare with the image (docker diff), keep the changed files as evidence, and redeploy \
     the container from its image. Make the root filesystem read-only (--read-only) so this \
     cannot happen.",
    10,
);
pub const TMP_EXECUTABLE: AlertMeta = AlertMeta::new(
    "SW-ACT-DRIFT-002",
    M,
    "New executable file in a temporary directory",
    "T1105",
    "Ingress Tool Transfer",
    "Droppers write their payload to /tmp, /var/tmp or /dev/shm, which are writable even when \
     the rest is not: a new binary or script there is usually downloaded tooling.",
    "Copy the file out for analysis (docker cp), then isolate the container and look for the \
     process running it (docker top).",
    10,
);
pub const COPIED_EXECUTABLE: AlertMeta = AlertMeta::new(
    "SW-ACT-DRIFT-003",
    H,
    "New executable after docker cp",
    "T1105",
    "Ingress Tool Transfer",
    "Files were copied into the container and a new executable appeared: the drop half of \
     'drop and execute'.",
    "Find who ran docker cp, keep the file as evidence, and check docker top for it running.",
    25,
);

/// The drift rules.
pub fn metas() -> Vec<AlertMeta> {
    vec![SYSTEM_FILES, TMP_EXECUTABLE, COPIED_EXECUTABLE]
}

/// Paths remembered per container; once full, new drift in that container is no longer
/// reported (said once in the alert that fills it).
pub const MAX_BASELINE: usize = 10_000;
/// Paths named in one alert's detail.
pub const MAX_LISTED: usize = 10;

/// Files docker itself bind-mounts or rewrites in every container.
const NOISE: &[&str] = &[
    "/etc/resolv.conf",
    "/etc/hosts",
    "/etc/hostname",
    "/etc/mtab",
];

const BIN_DIRS: &[&str] = &[
    "/bin",
    "/sbin",
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/lib",
    "/lib64",
    "/lib32",
    "/usr/lib",
    "/usr/lib64",
    "/usr/local/lib",
    "/usr/libexec",
];
const ETC_CRITICAL: &[&str] = &["/etc/ld.so.preload"];
const ETC_HIGH: &[&str] = &[
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/sudoers.d",
    "/etc/crontab",
    "/etc/cron.d",
    "/etc/cron.daily",
    "/etc/cron.hourly",
    "/etc/crontabs",
    "/etc/ssh",
    "/etc/pam.d",
    "/etc/profile",
    "/etc/profile.d",
    "/etc/init.d",
    "/etc/rc.local",
    "/etc/systemd",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
];
const LOGIN_FILES: &[&str] = &[
    ".bashrc",
    ".profile",
    ".bash_profile",
    ".ashrc",
    ".zshrc",
    ".ssh",
];
const TEMP_DIRS: &[&str] = &["/tmp", "/var/tmp", "/dev/shm", "/run/shm"];

fn is_under(path: &str, dir: &str) -> bool {
    path == dir || path.starts_with(&format!("{dir}/"))
}

/// Does this file probably hold something executable? The changes API gives no mode, so:
/// no extension (hidden names included), a script or binary extension (`.sh`, `.elf`,
/// `.bin`, `.so`, `.so.N`, `.py`, `.pl`), or a parent directory named `bin`/`sbin`.
pub fn looks_executable(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or("");
    let parent = parts.next().unwrap_or("");
    if parent == "bin" || parent == "sbin" {
        return true;
    }
    let bare = name.trim_start_matches('.');
    if !bare.contains('.') {
        return !bare.is_empty();
    }
    let lower = bare.to_ascii_lowercase();
    [".sh", ".elf", ".bin", ".so", ".py", ".pl"]
        .iter()
        .any(|e| lower.ends_with(e))
        || lower.contains(".so.")
}

/// How one change grades in its context: as [`grade`], and after a `docker cp` into the
/// container any new executable-looking file it does not grade is
/// [`COPIED_EXECUTABLE`] (what `docker cp` drops can land anywhere, not only in temporary
/// directories).
pub fn grade_in(change: &FileChange, ctx: DriftContext) -> Option<(&'static AlertMeta, Severity)> {
    grade(change).or_else(|| {
        (ctx.copied_in
            && change.kind == ChangeKind::Added
            && !NOISE.contains(&change.path.as_str())
            && looks_executable(&change.path))
        .then_some((&COPIED_EXECUTABLE, COPIED_EXECUTABLE.severity))
    })
}

/// How one change grades: `(rule, severity, note)`, or `None` when it is not drift worth
/// reporting.
pub fn grade(change: &FileChange) -> Option<(&'static AlertMeta, Severity)> {
    let p = change.path.as_str();
    if change.kind == ChangeKind::Deleted || NOISE.contains(&p) {
        return None;
    }
    let name = p.rsplit('/').next().unwrap_or("");
    if (is_under(p, "/root") || is_under(p, "/home")) && name.ends_with("_history") {
        // Someone used an interactive shell: context more than drift.
        return Some((&SYSTEM_FILES, L));
    }
    if BIN_DIRS.iter().any(|d| is_under(p, d)) {
        return Some((&SYSTEM_FILES, H));
    }
    if ETC_CRITICAL.iter().any(|d| is_under(p, d)) {
        return Some((&SYSTEM_FILES, C));
    }
    if ETC_HIGH.iter().any(|d| is_under(p, d)) {
        return Some((&SYSTEM_FILES, H));
    }
    if is_under(p, "/etc") || is_under(p, "/usr") {
        return Some((&SYSTEM_FILES, M));
    }
    if is_under(p, "/root") {
        let first = p
            .trim_start_matches("/root/")
            .split('/')
            .next()
            .unwrap_or("");
        let sev = if LOGIN_FILES.contains(&first) { H } else { M };
        return Some((&SYSTEM_FILES, sev));
    }
    if change.kind == ChangeKind::Added
        && TEMP_DIRS.iter().any(|d| p.starts_with(&format!("{d}/")))
        && looks_executable(p)
    {
        return Some((&TMP_EXECUTABLE, M));
    }
    None
}

fn kind_letter(kind: ChangeKind) -> char {
    match kind {
        ChangeKind::Added => 'A',
        ChangeKind::Modified => 'C',
        ChangeKind::Deleted => 'D',
    }
}

#[derive(Debug, Default)]
struct Baseline {
    seen: HashSet<(String, ChangeKind)>,
    full: bool,
}

/// What the caller knows about the container beyond the changes.
#[derive(Debug, Clone, Copy, Default)]
pub struct DriftContext {
    /// seawall saw the container being created or started.
    pub watched_from_start: bool,
    /// Files were copied into it (`extract-to-dir`) recently.
    pub copied_in: bool,
}

/// Per-container drift baselines.
#[derive(Debug, Default)]
pub struct DriftBaselines {
    per: HashMap<String, Baseline>,
}

impl DriftBaselines {
    /// Drop a container's baseline.
    pub fn forget(&mut self, id: &str) {
        self.per.remove(id);
    }

    /// One poll of a container's changes: at most one alert.
    pub fn on_changes(
        &mut self,
        c: &ContainerFacts,
        changes: &[FileChange],
        ctx: DriftContext,
        time: DateTime<Utc>,
    ) -> Option<Alert> {
        let first_poll = !self.per.contains_key(&c.id);
        let base = self.per.entry(c.id.clone()).or_default();
        if base.full {
            return None;
        }
        // Directories show up as changed when something inside them changed: skip them.
        let mut dirs: HashSet<&str> = HashSet::new();
        for ch in changes {
            let mut p = ch.path.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                if parent.is_empty() || !dirs.insert(parent) {
                    break;
                }
                p = parent;
            }
        }
        let mut sorted: Vec<&FileChange> = changes.iter().collect();
        sorted.sort();
        let mut new: Vec<(&FileChange, &'static AlertMeta, Severity)> = Vec::new();
        let mut filled_now = false;
        for ch in sorted {
            if dirs.contains(ch.path.as_str()) {
                continue;
            }
            let Some((meta, sev)) = grade_in(ch, ctx) else {
                continue;
            };
            let key = (ch.path.clone(), ch.kind);
            if base.seen.contains(&key) {
                continue;
            }
            if base.seen.len() >= MAX_BASELINE {
                base.full = true;
                filled_now = true;
                break;
            }
            base.seen.insert(key);
            new.push((ch, meta, sev));
        }
        if new.is_empty() {
            return None;
        }
        new.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.path.cmp(&b.0.path)));
        let (_, mut meta, mut severity) = new[0];
        let executables = new
            .iter()
            .filter(|(ch, _, _)| ch.kind == ChangeKind::Added && looks_executable(&ch.path))
            .count();
        if ctx.copied_in && executables > 0 {
            meta = &COPIED_EXECUTABLE;
            severity = severity.max(COPIED_EXECUTABLE.severity);
        }
        let bump = new
            .iter()
            .map(|(_, m, _)| m.score_bump)
            .max()
            .unwrap_or(0)
            .max(meta.score_bump);
        let listed: Vec<String> = new
            .iter()
            .take(MAX_LISTED)
            .map(|(ch, _, _)| {
                // A file name is the container's to choose: it can hold a secret.
                let path = crate::redact::redact_command_line(&ch.path);
                format!("{} {path}", kind_letter(ch.kind))
            })
            .collect();
        let mut detail = format!(
            "{} new change{}: {}",
            new.len(),
            if new.len() == 1 { "" } else { "s" },
            listed.join(", ")
        );
        if new.len() > MAX_LISTED {
            detail.push_str(&format!(" (+{} more)", new.len() - MAX_LISTED));
        }
        if ctx.copied_in && executables > 0 {
            detail.push_str("; after docker cp into the container");
        }
        if first_poll && !ctx.watched_from_start {
            detail.push_str(" (present when seawall started watching)");
        }
        if filled_now {
            detail.push_str(&format!(
                "; drift baseline full ({MAX_BASELINE} paths): later changes in this container are not reported"
            ));
        }
        let cref = ContainerRef {
            id: c.id.clone(),
            name: c.name.clone(),
        };
        Some(
            meta.alert(time, Some(cref), detail)
                .with_severity(severity)
                .with_score_bump(bump),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::rules::test_support;

    fn ch(kind: ChangeKind, path: &str) -> FileChange {
        FileChange {
            path: path.into(),
            kind,
        }
    }
    use ChangeKind::{Added as A, Deleted as D, Modified as Mo};

    #[test]
    fn changes_are_graded_by_path() {
        let cases = [
            (A, "/usr/bin/kubectl", Some(("SW-ACT-DRIFT-001", H))),
            (Mo, "/bin/ls", Some(("SW-ACT-DRIFT-001", H))),
            (A, "/etc/ld.so.preload", Some(("SW-ACT-DRIFT-001", C))),
            (Mo, "/etc/passwd", Some(("SW-ACT-DRIFT-001", H))),
            (A, "/etc/cron.d/x", Some(("SW-ACT-DRIFT-001", H))),
            (A, "/etc/motd", Some(("SW-ACT-DRIFT-001", M))),
            (
                A,
                "/root/.ssh/authorized_keys",
                Some(("SW-ACT-DRIFT-001", H)),
            ),
            (A, "/root/notes.txt", Some(("SW-ACT-DRIFT-001", M))),
            (A, "/root/.ash_history", Some(("SW-ACT-DRIFT-001", L))),
            (A, "/tmp/x", Some(("SW-ACT-DRIFT-002", M))),
            (A, "/tmp/.hidden", Some(("SW-ACT-DRIFT-002", M))),
            (A, "/dev/shm/run.sh", Some(("SW-ACT-DRIFT-002", M))),
            (A, "/var/tmp/libx.so.1", Some(("SW-ACT-DRIFT-002", M))),
            (A, "/tmp/report.txt", None),
            (Mo, "/tmp/x", None),
            (D, "/bin/ls", None),
            (A, "/etc/resolv.conf", None),
            (Mo, "/etc/hosts", None),
            (A, "/var/lib/app/data.db", None),
            (A, "/app/server", None),
        ];
        for (kind, path, want) in cases {
            let got = grade(&ch(kind, path)).map(|(m, s)| (m.id, s));
            assert_eq!(got, want, "{kind:?} {path}");
        }
    }

    #[test]
    fn executables_are_guessed_from_names() {
        for (path, want) in [
            ("/tmp/xmrig", true),
            ("/tmp/a.sh", true),
            ("/tmp/.x", true),
            ("/tmp/lib.so", true),
            ("/tmp/x/bin/tool.txt", true),
            ("/tmp/data.json", false),
            ("/tmp/file.log", false),
        ] {
            assert_eq!(looks_executable(path), want, "{path}");
        }
    }

    #[test]
    fn secrets_in_file_names_are_redacted_in_the_alert() {
        let c = test_support::container("{}");
        let mut b = DriftBaselines::default();
        let watched = DriftContext {
            watched_from_start: true,
            copied_in: false,
        };
        let poll = vec![
            ch(A, "/etc/PASSWORD=driftsecret9"),
            ch(A, "/etc/ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            ch(A, "/etc/AKIAIOSFODNN7EXAMPLE"),
            ch(A, "/etc/motd"),
        ];
        let a = b
            .on_changes(&c, &poll, watched, DateTime::UNIX_EPOCH)
            .expect("alert");
        for secret in [
            "driftsecret9",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "IOSFODNN7EXAMPLE",
        ] {
            assert!(!a.detail.contains(secret), "{}", a.detail);
        }
        assert!(a.detail.contains("/etc/motd"), "{}", a.detail);
        assert!(a.detail.contains("<redacted>"), "{}", a.detail);
    }

    #[test]
    fn drift_is_batched_and_reported_once() {
        let c = test_support::container("{}");
        let mut b = DriftBaselines::default();
        let watched = DriftContext {
            watched_from_start: true,
            copied_in: false,
        };
        let poll1 = vec![
            ch(Mo, "/etc"),
            ch(Mo, "/etc/passwd"),
            ch(A, "/tmp"),
            ch(A, "/tmp/x"),
            ch(A, "/etc/hosts"),
        ];
        let a = b
            .on_changes(&c, &poll1, watched, DateTime::UNIX_EPOCH)
            .expect("alert");
        assert_eq!((a.rule.as_str(), a.severity), ("SW-ACT-DRIFT-001", H));
        assert_eq!(a.detail, "2 new changes: C /etc/passwd, A /tmp/x");
        // The same changes again: nothing new.
        assert!(
            b.on_changes(&c, &poll1, watched, DateTime::UNIX_EPOCH)
                .is_none()
        );
        // One more path: only it is reported.
        let mut poll2 = poll1.clone();
        poll2.push(ch(A, "/tmp/y.sh"));
        let a = b
            .on_changes(&c, &poll2, watched, DateTime::UNIX_EPOCH)
            .expect("alert");
        assert_eq!((a.rule.as_str(), a.severity), ("SW-ACT-DRIFT-002", M));
        assert_eq!(a.detail, "1 new change: A /tmp/y.sh");
        // After forget, the container starts afresh.
        b.forget(&c.id);
        assert!(
            b.on_changes(&c, &poll1, watched, DateTime::UNIX_EPOCH)
                .is_some()
        );
    }

    #[test]
    fn existing_drift_is_marked_and_copy_in_raises_it() {
        let c = test_support::container("{}");
        let mut b = DriftBaselines::default();
        let a = b
            .on_changes(
                &c,
                &[ch(A, "/tmp/x")],
                DriftContext::default(),
                DateTime::UNIX_EPOCH,
            )
            .expect("alert");
        assert!(
            a.detail
                .ends_with("(present when seawall started watching)"),
            "{}",
            a.detail
        );
        let copied = DriftContext {
            watched_from_start: true,
            copied_in: true,
        };
        let a = b
            .on_changes(
                &c,
                &[ch(A, "/tmp/x"), ch(A, "/tmp/payload")],
                copied,
                DateTime::UNIX_EPOCH,
            )
            .expect("alert");
        assert_eq!(
            (a.rule.as_str(), a.severity, a.score_bump),
            ("SW-ACT-DRIFT-003", H, 25)
        );
        assert_eq!(
            a.detail,
            "1 new change: A /tmp/payload; after docker cp into the container"
        );
    }

    #[test]
    fn after_docker_cp_a_new_executable_anywhere_is_an_alert() {
        let c = test_support::container("{}");
        let mut b = DriftBaselines::default();
        let watched = DriftContext {
            watched_from_start: true,
            copied_in: false,
        };
        // Without a copy, a new file outside system and temporary directories is not drift.
        assert!(
            b.on_changes(&c, &[ch(A, "/app/server")], watched, DateTime::UNIX_EPOCH)
                .is_none()
        );
        let copied = DriftContext {
            watched_from_start: true,
            copied_in: true,
        };
        let a = b
            .on_changes(
                &c,
                &[
                    ch(A, "/xmrig"),
                    ch(A, "/data/notes.txt"),
                    ch(Mo, "/srv/tool"),
                ],
                copied,
                DateTime::UNIX_EPOCH,
            )
            .expect("alert");
        assert_eq!(
            (a.rule.as_str(), a.severity, a.score_bump),
            ("SW-ACT-DRIFT-003", H, 25)
        );
        assert_eq!(
            a.detail,
            "1 new change: A /xmrig; after docker cp into the container"
        );
        // Nested too, once.
        let a = b
            .on_changes(
                &c,
                &[ch(A, "/xmrig"), ch(A, "/opt/x/.cache/run")],
                copied,
                DateTime::UNIX_EPOCH,
            )
            .expect("alert");
        assert_eq!(
            a.detail,
            "1 new change: A /opt/x/.cache/run; after docker cp into the container"
        );
        assert!(
            b.on_changes(&c, &[ch(A, "/xmrig")], copied, DateTime::UNIX_EPOCH)
                .is_none()
        );
    }

    #[test]
    fn long_batches_are_cut_and_the_baseline_is_bounded() {
        let c = test_support::container("{}");
        let mut b = DriftBaselines::default();
        let ctx = DriftContext {
            watched_from_start: true,
            copied_in: false,
        };
        let many: Vec<FileChange> = (0..15)
            .map(|i| ch(A, &format!("/usr/bin/t{i:02}")))
            .collect();
        let a = b
            .on_changes(&c, &many, ctx, DateTime::UNIX_EPOCH)
            .expect("alert");
        assert!(
            a.detail.starts_with("15 new changes: A /usr/bin/t00"),
            "{}",
            a.detail
        );
        assert!(a.detail.ends_with("(+5 more)"), "{}", a.detail);

        let huge: Vec<FileChange> = (0..MAX_BASELINE + 5)
            .map(|i| ch(A, &format!("/usr/lib/f{i}")))
            .collect();
        let a = b
            .on_changes(&c, &huge, ctx, DateTime::UNIX_EPOCH)
            .expect("alert");
        assert!(a.detail.contains("drift baseline full"), "{}", a.detail);
        let more = vec![ch(A, "/etc/ld.so.preload")];
        assert!(b.on_changes(&c, &more, ctx, DateTime::UNIX_EPOCH).is_none());
    }
}
