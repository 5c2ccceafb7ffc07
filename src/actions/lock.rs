//! One lock per container across processes: isolate, unisolate, stop and forget on the
//! same container (on the same daemon) never run at once, whether they come from the
//! console or from headless commands.
//!
//! The lock is an `flock` on a file in `<state dir>/locks/` (dir 0700, file 0600), named
//! by a hash of the endpoint and the full container id. It is taken with `LOCK_NB` before
//! the action reads anything and held across the check, the action, the record and the
//! audit line; a second caller is refused at once with who holds it ([`Holder`], written
//! into the file by the holder and cleared before it lets go). The kernel releases the
//! lock when the holder exits, also when it crashes. Lock files stay (removing one that
//! another process has open would let two holders in).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Who holds a lock (the file's content while it is held).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// `isolate`, `unisolate`, `stop`, `forget`.
    pub action: String,
    /// The container's name as the holder knows it.
    pub container_name: String,
    pub pid: u32,
    /// When it was taken (RFC 3339, UTC).
    pub since: String,
}

impl Holder {
    /// This process, now, doing `action` to `container_name`.
    pub fn now(action: &str, container_name: &str) -> Holder {
        Holder {
            action: action.to_string(),
            container_name: container_name.to_string(),
            pid: std::process::id(),
            since: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

/// The lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Someone else holds it (who, when the file says).
    #[error("{}", busy_message(.name, .holder.as_ref()))]
    Busy {
        name: String,
        holder: Option<Holder>,
    },
    #[error("cannot take the lock {path}: {source}")]
    Io { path: String, source: io::Error },
}

fn busy_message(name: &str, holder: Option<&Holder>) -> String {
    match holder {
        Some(h) => format!(
            "another seawall is acting on {name} ({} since {}, pid {}); nothing was done, \
             try again when it is finished",
            h.action, h.since, h.pid
        ),
        None => format!(
            "another seawall is acting on {name} right now; nothing was done, try again when \
             it is finished"
        ),
    }
}

/// The lock folder of a state file: `locks/` beside it.
pub fn lock_dir(state_file: &Path) -> PathBuf {
    match state_file.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => dir.join("locks"),
        None => PathBuf::from("locks"),
    }
}

/// The lock file of one container on one daemon (pure).
pub fn lock_path(dir: &Path, endpoint: &str, container_id: &str) -> PathBuf {
    let mut h = Sha256::new();
    h.update(endpoint.as_bytes());
    h.update([0u8]);
    h.update(container_id.as_bytes());
    let digest = hex::encode(h.finalize());
    dir.join(format!("{}.lock", &digest[..32]))
}

/// A held lock; dropping it clears the holder and lets go.
#[derive(Debug)]
pub struct ContainerLock {
    file: File,
    path: PathBuf,
}

impl ContainerLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ContainerLock {
    fn drop(&mut self) {
        // Cleared while still held, so that the next reader never sees a stale holder.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// Take the lock of `container_id` on `endpoint` without waiting; `holder` is written
/// into it. `name` is for the refusal.
pub fn acquire(
    dir: &Path,
    endpoint: &str,
    container_id: &str,
    name: &str,
    holder: &Holder,
) -> Result<ContainerLock, LockError> {
    let path = lock_path(dir, endpoint, container_id);
    let io_err = |source| LockError::Io {
        path: path.display().to_string(),
        source,
    };
    super::private_dir(dir).map_err(io_err)?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(io_err)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(LockError::Busy {
                name: name.to_string(),
                holder: read_holder(&mut file),
            });
        }
        Err(TryLockError::Error(e)) => return Err(io_err(e)),
    }
    let mut text = serde_json::to_vec(holder).unwrap_or_default();
    text.push(b'\n');
    file.set_len(0).map_err(io_err)?;
    file.write_all_at(&text, 0).map_err(io_err)?;
    Ok(ContainerLock { file, path })
}

/// Who holds the lock of `container_id` on `endpoint`, if anyone does now (the lock is
/// probed, never kept).
pub fn holder_of(dir: &Path, endpoint: &str, container_id: &str) -> Option<Holder> {
    let path = lock_path(dir, endpoint, container_id);
    let mut file = File::open(path).ok()?;
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(_) => read_holder(&mut file),
    }
}

fn read_holder(file: &mut File) -> Option<Holder> {
    // The holder writes right after taking the lock: give it a moment.
    for _ in 0..5 {
        let mut text = String::new();
        if file.read_to_string(&mut text).is_ok()
            && let Ok(h) = serde_json::from_str::<Holder>(text.trim())
        {
            return Some(h);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        let _ = io::Seek::rewind(file);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_second_taker_is_refused_with_the_holder_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let locks = dir.path().join("state").join("locks");
        let ep = "unix:///var/run/docker.sock";
        let first = acquire(&locks, ep, "abc", "web", &Holder::now("isolate", "web")).unwrap();
        assert_eq!(
            std::fs::metadata(&locks).unwrap().permissions().mode() & 0o777,
            0o700
        );
        assert_eq!(
            std::fs::metadata(first.path())
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
        let e = acquire(&locks, ep, "abc", "web", &Holder::now("stop", "web")).unwrap_err();
        let m = e.to_string();
        assert!(
            m.starts_with("another seawall is acting on web (isolate since ")
                && m.contains(&format!("pid {}", std::process::id()))
                && m.contains("nothing was done"),
            "{m}"
        );
        assert_eq!(holder_of(&locks, ep, "abc").unwrap().action, "isolate");
        // Another container, or the same id on another daemon, is another lock.
        let other = acquire(&locks, ep, "abd", "db", &Holder::now("stop", "db")).unwrap();
        let remote = acquire(
            &locks,
            "tcp://h:2376",
            "abc",
            "web",
            &Holder::now("stop", "web"),
        );
        assert!(remote.is_ok());
        drop(other);
        drop(first);
        assert_eq!(holder_of(&locks, ep, "abc"), None);
        let again = acquire(&locks, ep, "abc", "web", &Holder::now("unisolate", "web"));
        assert!(again.is_ok(), "free again once the first let go");
    }

    #[test]
    fn the_path_depends_on_the_endpoint_and_the_full_id() {
        let d = Path::new("/s/locks");
        let a = lock_path(d, "unix:///a", "id1");
        assert_eq!(a, lock_path(d, "unix:///a", "id1"));
        assert_ne!(a, lock_path(d, "unix:///b", "id1"));
        assert_ne!(a, lock_path(d, "unix:///a", "id2"));
        assert_eq!(lock_dir(Path::new("/s/isolations.json")), d);
    }
}
