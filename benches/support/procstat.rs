//! CPU and memory of processes from /proc, for the activity benchmark: one process (seawall)
//! and the Docker daemon's process set (dockerd, containerd and every containerd-shim).

#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

/// Clock ticks per second (`sysconf(_SC_CLK_TCK)`).
pub fn clk_tck() -> u64 {
    // SAFETY: sysconf has no preconditions.
    (unsafe { libc::sysconf(libc::_SC_CLK_TCK) }).max(1) as u64
}

/// `(utime + stime, cutime + cstime)` of a process in clock ticks, from /proc/<pid>/stat.
/// The children's part counts only children that ended and were waited for (the `ps` that
/// dockerd runs for each `top`, for instance).
pub fn cpu_ticks(pid: u32) -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: fields restart after the
    // last ')'. utime is field 14, stime 15, cutime 16, cstime 17 (state, field 3, is f[0]).
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let n = |i: usize| f.get(i).and_then(|s| s.parse::<u64>().ok());
    Some((n(11)? + n(12)?, n(13)? + n(14)?))
}

/// Own CPU time of a process (all threads, children excluded).
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let (own, _) = cpu_ticks(pid)?;
    Some(ticks_to_duration(own))
}

pub fn ticks_to_duration(ticks: u64) -> Duration {
    Duration::from_micros(ticks * 1_000_000 / clk_tck())
}

/// `(VmRSS, VmHWM)` in bytes.
pub fn mem(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line.split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
            .map(|k| k * 1024)
    };
    Some((kb("VmRSS:")?, kb("VmHWM:")?))
}

fn comm(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|s| s.trim().to_string())
}

/// Which part of the daemon a process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DaemonPart {
    Dockerd,
    Containerd,
    /// containerd-shim, containerd-shim-runc-v2 (one per running container).
    Shim,
}

impl DaemonPart {
    fn of(comm: &str) -> Option<DaemonPart> {
        match comm {
            "dockerd" => Some(DaemonPart::Dockerd),
            "containerd" => Some(DaemonPart::Containerd),
            // /proc/<pid>/comm is cut at 15 bytes: "containerd-shim" for every shim flavour.
            c if c.starts_with("containerd-shim") => Some(DaemonPart::Shim),
            _ => None,
        }
    }
}

/// CPU ticks (own + waited-for children) of every daemon process at one moment.
#[derive(Debug, Clone, Default)]
pub struct DaemonSample {
    procs: HashMap<u32, (DaemonPart, u64)>,
}

impl DaemonSample {
    /// Read every process of /proc; the daemon's ones are kept.
    pub fn take() -> DaemonSample {
        let mut procs = HashMap::new();
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return DaemonSample { procs };
        };
        for entry in dir.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            let Some(part) = comm(pid).as_deref().and_then(DaemonPart::of) else {
                continue;
            };
            if let Some((own, children)) = cpu_ticks(pid) {
                procs.insert(pid, (part, own + children));
            }
        }
        DaemonSample { procs }
    }

    pub fn has(&self, part: DaemonPart) -> bool {
        self.procs.values().any(|(p, _)| *p == part)
    }

    pub fn count(&self, part: DaemonPart) -> usize {
        self.procs.values().filter(|(p, _)| *p == part).count()
    }
}

/// CPU used between two samples, per part, over the processes present in both (a shim that
/// started or ended in between is left out: its container started or stopped, which is not
/// what the windows measure).
pub fn daemon_delta(before: &DaemonSample, after: &DaemonSample) -> HashMap<DaemonPart, Duration> {
    let mut out: HashMap<DaemonPart, u64> = HashMap::new();
    for (pid, (part, t1)) in &after.procs {
        if let Some((_, t0)) = before.procs.get(pid) {
            *out.entry(*part).or_default() += t1.saturating_sub(*t0);
        }
    }
    out.into_iter()
        .map(|(p, t)| (p, ticks_to_duration(t)))
        .collect()
}

pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// Pids of the processes whose `comm` is `name`.
pub fn pids_named(name: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| comm(pid).as_deref() == Some(name))
        .collect()
}
