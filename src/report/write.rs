//! Writing a report to disk: atomic and owner-only.
//!
//! Reports describe weaknesses of a host, so they are written `0600` from the first byte:
//! the bytes go to a fresh temp file in the target's directory (created with `O_EXCL` and
//! mode 0600), are synced, and the temp file is renamed over the target; then the directory
//! is synced. Readers see the old file or the new one, never a torn one. A symlink at the
//! target is replaced, not followed.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The mode every report file gets.
pub const PRIVATE_MODE: u32 = 0o600;

/// Create a new, unique, 0600 temp file in `dir` (tempfile: `O_EXCL`, a random name that
/// does not depend on the target's, so a long or non-UTF-8 target name cannot make it
/// invalid; removed when dropped unless persisted).
fn create_temp(dir: &Path) -> io::Result<NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".seawall-")
        .suffix(".tmp")
        .permissions(Permissions::from_mode(PRIVATE_MODE))
        .tempfile_in(dir)
}

/// Can `path` be written as a file? Not when it is an existing directory (with or without a
/// trailing slash, or a symlink to one), nor when it ends with `/` (it names a directory):
/// the error says so and what to give instead, a file such as `<path>/<example>`.
pub fn check_file_target(path: &Path, example: &str) -> io::Result<()> {
    let text = path.as_os_str().as_encoded_bytes();
    let slash = text.len() > 1 && text.ends_with(b"/");
    let dir = fs::metadata(path).is_ok_and(|m| m.is_dir());
    if !dir && !slash {
        return Ok(());
    }
    let instead = path.join(example);
    let message = if dir {
        format!(
            "is a directory; give a file name instead, e.g. {}",
            instead.display()
        )
    } else {
        format!(
            "ends with / (a directory, and there is none); give a file name instead, e.g. {}",
            instead.display()
        )
    };
    let kind = if dir {
        io::ErrorKind::IsADirectory
    } else {
        io::ErrorKind::NotADirectory
    };
    Err(io::Error::new(kind, message))
}

/// Write `bytes` to `path` atomically with mode 0600 (see the module docs). The parent
/// directory must exist. On error the temp file is removed and the target is untouched;
/// a directory as the target is refused up front ([`check_file_target`]).
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_private_with(path, |out| out.write_all(bytes))
}

/// [`write_private`] for content produced piece by piece: `fill` writes into a buffered
/// writer over the temp file, so a large report is never held whole in memory.
pub fn write_private_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    check_file_target(path, "report")?;
    if path.file_name().is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a file path: {}", path.display()),
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // On any error the temp file is dropped, which removes it: the target is untouched.
    let mut tmp = create_temp(&dir)?;
    // The umask can only remove bits; set the exact mode anyway.
    tmp.as_file()
        .set_permissions(Permissions::from_mode(PRIVATE_MODE))?;
    let mut buffered = io::BufWriter::new(tmp.as_file_mut());
    fill(&mut buffered)?;
    buffered.flush()?;
    drop(buffered);
    tmp.as_file().sync_all()?;
    // rename(2) over the target: a symlink there is replaced, not followed.
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable.
    File::open(&dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::atomic::{AtomicU64, Ordering};

    static COUNTER: AtomicU64 = AtomicU64::new(0);

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let p = std::env::temp_dir().join(format!(
                "seawall-write-test-{tag}-{}-{n}",
                std::process::id()
            ));
            let _ = fs::remove_dir_all(&p);
            fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_file_is_0600_with_the_content() {
        let d = TempDir::new("new");
        let p = d.0.join("report.json");
        write_private(&p, b"{\"a\":1}\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"{\"a\":1}\n");
        assert_eq!(mode(&p), 0o600);
        assert_eq!(entries(&d.0), vec!["report.json"], "no temp files left");
    }

    #[test]
    fn existing_file_is_replaced_and_becomes_0600() {
        let d = TempDir::new("replace");
        let p = d.0.join("report.html");
        fs::write(&p, b"old content that is longer than the new one").unwrap();
        fs::set_permissions(&p, Permissions::from_mode(0o644)).unwrap();
        assert_eq!(mode(&p), 0o644);
        write_private(&p, b"new").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(mode(&p), 0o600);
        assert_eq!(entries(&d.0), vec!["report.html"]);
    }

    #[test]
    fn replacement_is_atomic_for_an_open_reader() {
        let d = TempDir::new("atomic");
        let p = d.0.join("r.md");
        write_private(&p, b"first version").unwrap();
        // A reader holding the old file keeps seeing the old bytes: the new content is a
        // different inode, not an in-place overwrite.
        let old = File::open(&p).unwrap();
        write_private(&p, b"second").unwrap();
        let mut s = String::new();
        io::Read::read_to_string(&mut &old, &mut s).unwrap();
        assert_eq!(s, "first version");
        assert_eq!(fs::read_to_string(&p).unwrap(), "second");
    }

    #[test]
    fn symlink_is_replaced_not_followed() {
        let d = TempDir::new("symlink");
        let victim = d.0.join("victim");
        fs::write(&victim, b"keep").unwrap();
        let p = d.0.join("report.sarif");
        std::os::unix::fs::symlink(&victim, &p).unwrap();
        write_private(&p, b"report").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        assert!(!fs::symlink_metadata(&p).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(&p).unwrap(), b"report");
    }

    #[test]
    fn missing_parent_is_an_error() {
        let d = TempDir::new("missing");
        let p = d.0.join("no-such-dir").join("report.json");
        let err = write_private(&p, b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(entries(&d.0).is_empty());
    }

    #[test]
    fn a_directory_target_is_refused_in_words() {
        let d = TempDir::new("dir-target");
        let p = d.0.join("taken");
        fs::create_dir(&p).unwrap();
        fs::write(p.join("inside"), b"x").unwrap();
        for target in [p.clone(), PathBuf::from(format!("{}/", p.display()))] {
            let e = write_private(&target, b"data").unwrap_err();
            assert_eq!(
                e.kind(),
                io::ErrorKind::IsADirectory,
                "{}",
                target.display()
            );
            let m = e.to_string();
            assert!(
                m.contains("is a directory") && m.contains("give a file name"),
                "{m}"
            );
            assert!(m.contains(&p.join("report").display().to_string()), "{m}");
        }
        assert_eq!(entries(&d.0), vec!["taken"], "no temp file left");
        assert!(p.is_dir());
        let e = check_file_target(&p, "report.json")
            .unwrap_err()
            .to_string();
        assert!(e.ends_with(&format!("{}/report.json", p.display())), "{e}");

        // A path ending in / that does not exist names a directory too.
        let missing = PathBuf::from(format!("{}/", d.0.join("nope").display()));
        let e = write_private(&missing, b"data").unwrap_err();
        assert!(e.to_string().contains("ends with /"), "{e}");
        assert!(check_file_target(&d.0.join("file.json"), "x").is_ok());
    }

    #[test]
    fn not_a_file_path() {
        assert_eq!(
            write_private(Path::new("/"), b"x").unwrap_err().kind(),
            io::ErrorKind::IsADirectory
        );
        assert_eq!(
            write_private(Path::new("some/dir/.."), b"x")
                .unwrap_err()
                .kind(),
            io::ErrorKind::InvalidInput
        );
    }
}
