//! The distrust of [`FileTokenCache`](super::FileTokenCache): which directory and which files
//! it agrees to read and write, and how it opens them without following links or blocking.
//!
//! Every refusal is an error with a one-line reason naming the path (never a file's
//! content); the client counts it as a cache miss and reports it through its event hook.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::{Component, Path};

use super::super::cache::CacheError;

/// The largest token or lock file read: a token file holds about 200 bytes of JSON.
pub(super) const MAX_FILE_LEN: u64 = 4096;

/// `open(2)` flags std has no name for, per platform (there is no libc here). Where the
/// values are not known exactly they are 0, and [`refuse_symlink`] checks the path before
/// opening it instead (which leaves a race that the flags close).
#[cfg_attr(not(unix), allow(dead_code))]
mod flags {
    #[cfg(all(
        any(target_os = "linux", target_os = "android"),
        any(
            target_arch = "x86_64",
            target_arch = "x86",
            target_arch = "aarch64",
            target_arch = "riscv64"
        )
    ))]
    mod values {
        pub const O_NOFOLLOW: i32 = 0o400000;
        pub const O_NONBLOCK: i32 = 0o4000;
    }

    #[cfg(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    ))]
    mod values {
        pub const O_NOFOLLOW: i32 = 0x0100;
        pub const O_NONBLOCK: i32 = 0x0004;
    }

    #[cfg(not(any(
        all(
            any(target_os = "linux", target_os = "android"),
            any(
                target_arch = "x86_64",
                target_arch = "x86",
                target_arch = "aarch64",
                target_arch = "riscv64"
            )
        ),
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    )))]
    mod values {
        pub const O_NOFOLLOW: i32 = 0;
        pub const O_NONBLOCK: i32 = 0;
    }

    pub use values::{O_NOFOLLOW, O_NONBLOCK};
}

/// Why a path is not used, in one line: `{what} "{path}" {reason}; not used`.
fn refusal(what: &str, path: &Path, reason: impl std::fmt::Display) -> CacheError {
    format!("{what} {path:?} {reason}; not used").into()
}

/// An I/O failure on `path`, in one line.
pub(super) fn io_error(doing: &str, path: &Path, error: io::Error) -> CacheError {
    format!("cannot {doing} {path:?}: {error}").into()
}

/// Whether `dir` names no directory at all (`""`, `"."`, `"./"`): such a cache would write
/// into whatever the current directory happens to be, so it is refused.
pub(super) fn names_no_directory(dir: &Path) -> bool {
    dir.components().all(|c| c == Component::CurDir)
}

/// Checks the cache directory before any use. `Ok(false)`: it does not exist (and
/// `create` was false). With `create`, a missing directory is created with mode 0700 (its
/// parents with default modes) and then checked like one that existed.
pub(super) fn check_dir(dir: &Path, create: bool) -> Result<bool, CacheError> {
    if names_no_directory(dir) {
        return Err("token cache directory is empty".into());
    }
    let metadata = match fs::symlink_metadata(dir) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !create => return Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            create_private_dir(dir)?;
            fs::symlink_metadata(dir)
                .map_err(|e| io_error("inspect token cache directory", dir, e))?
        }
        Err(e) => return Err(io_error("inspect token cache directory", dir, e)),
    };
    const WHAT: &str = "token cache directory";
    if metadata.file_type().is_symlink() {
        return Err(refusal(WHAT, dir, "is a symbolic link"));
    }
    if !metadata.is_dir() {
        return Err(refusal(WHAT, dir, "is not a directory"));
    }
    check_owner_and_mode(WHAT, dir, &metadata)?;
    Ok(true)
}

fn create_private_dir(dir: &Path) -> Result<(), CacheError> {
    if let Some(parent) = dir.parent().filter(|p| !names_no_directory(p)) {
        fs::create_dir_all(parent).map_err(|e| io_error("create directory", parent, e))?;
    }
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    match builder.create(dir) {
        // Another process created it meanwhile: it is checked like any existing one.
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
            Err(io_error("create token cache directory", dir, e))
        }
        _ => Ok(()),
    }
}

/// Owned by this process's effective user and writable by nobody else.
#[cfg(unix)]
fn check_owner_and_mode(
    what: &str,
    path: &Path,
    metadata: &fs::Metadata,
) -> Result<(), CacheError> {
    use std::os::unix::fs::MetadataExt;
    let me = effective_uid()?;
    if metadata.uid() != me {
        return Err(refusal(
            what,
            path,
            format_args!(
                "is owned by uid {}, not by this user (uid {me})",
                metadata.uid()
            ),
        ));
    }
    if metadata.mode() & 0o022 != 0 {
        return Err(refusal(what, path, "is writable by group or others"));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner_and_mode(_: &str, _: &Path, _: &fs::Metadata) -> Result<(), CacheError> {
    Ok(())
}

/// The effective user id of this process, found once.
///
/// On Linux it is the second field of the `Uid:` line of `/proc/self/status`. Elsewhere
/// (or without `/proc`) it is the owner of a file this process creates in the temporary
/// directory and removes at once: the kernel gives a new file the creator's effective uid.
#[cfg(unix)]
pub(super) fn effective_uid() -> Result<u32, CacheError> {
    static EUID: std::sync::OnceLock<Option<u32>> = std::sync::OnceLock::new();
    EUID.get_or_init(|| uid_from_proc_status().or_else(uid_of_a_new_file))
        .ok_or_else(|| "cannot tell this process's user id; token cache not used".into())
}

#[cfg(unix)]
fn uid_from_proc_status() -> Option<u32> {
    if !cfg!(any(target_os = "linux", target_os = "android")) {
        return None;
    }
    parse_status_euid(&fs::read_to_string("/proc/self/status").ok()?)
}

/// `Uid:\t{real}\t{effective}\t{saved}\t{filesystem}` → the effective one.
#[cfg(any(unix, test))]
pub(super) fn parse_status_euid(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[cfg(unix)]
fn uid_of_a_new_file() -> Option<u32> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path =
        std::env::temp_dir().join(format!(".gopay-uid-probe-{}-{nanos}", std::process::id()));
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .ok()?;
    let uid = file.metadata().ok().map(|m| m.uid());
    let _ = fs::remove_file(&path);
    uid
}

/// Where `O_NOFOLLOW` is unknown: refuses a symbolic link before opening (racy, but better
/// than following it).
fn refuse_symlink(what: &str, path: &Path) -> Result<(), CacheError> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(refusal(what, path, "is a symbolic link")),
        _ => Ok(()),
    }
}

/// Opens with `options`, never following a symbolic link and never blocking (a FIFO opens
/// at once, and is then refused as not a regular file). `Ok(None)`: no such file.
fn open_nofollow(
    what: &str,
    path: &Path,
    options: &mut OpenOptions,
) -> Result<Option<File>, CacheError> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, flags::O_NOFOLLOW | flags::O_NONBLOCK);
    if flags::O_NOFOLLOW == 0 {
        refuse_symlink(what, path)?;
    }
    match options.open(path) {
        Ok(file) => Ok(Some(file)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => {
            // O_NOFOLLOW fails on a link with ELOOP; say what it was.
            refuse_symlink(what, path)?;
            Err(io_error(&format!("open {what}"), path, e))
        }
    }
}

/// A regular file, owned by us, writable by nobody else, at most [`MAX_FILE_LEN`] bytes.
fn check_file(what: &str, path: &Path, file: &File) -> Result<(), CacheError> {
    let metadata = file
        .metadata()
        .map_err(|e| io_error(&format!("inspect {what}"), path, e))?;
    if !metadata.is_file() {
        return Err(refusal(what, path, "is not a regular file"));
    }
    check_owner_and_mode(what, path, &metadata)?;
    if metadata.len() > MAX_FILE_LEN {
        return Err(refusal(
            what,
            path,
            format_args!("is larger than {MAX_FILE_LEN} bytes"),
        ));
    }
    Ok(())
}

/// Reads at most [`MAX_FILE_LEN`] bytes of an opened, checked file.
pub(super) fn read_capped(what: &str, path: &Path, file: &File) -> Result<Vec<u8>, CacheError> {
    let mut bytes = Vec::new();
    file.take(MAX_FILE_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(&format!("read {what}"), path, e))?;
    if bytes.len() as u64 > MAX_FILE_LEN {
        return Err(refusal(
            what,
            path,
            format_args!("is larger than {MAX_FILE_LEN} bytes"),
        ));
    }
    Ok(bytes)
}

/// The content of the token file at `path`, `Ok(None)` when there is none.
pub(super) fn read_token_file(path: &Path) -> Result<Option<Vec<u8>>, CacheError> {
    const WHAT: &str = "token file";
    let Some(file) = open_nofollow(WHAT, path, OpenOptions::new().read(true))? else {
        return Ok(None);
    };
    check_file(WHAT, path, &file)?;
    read_capped(WHAT, path, &file).map(Some)
}

/// The lock file at `path`, created (mode 0600) when missing, checked like a token file.
pub(super) fn open_lock_file(path: &Path) -> Result<File, CacheError> {
    const WHAT: &str = "token lock file";
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = open_nofollow(WHAT, path, &mut options)?.ok_or_else(|| {
        io_error(
            "create token lock file",
            path,
            io::ErrorKind::NotFound.into(),
        )
    })?;
    check_file(WHAT, path, &file)?;
    Ok(file)
}

/// A new temporary file (mode 0600) at `path`, which must not exist.
pub(super) fn create_temp_file(path: &Path) -> Result<File, CacheError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(flags::O_NOFOLLOW);
    }
    options
        .open(path)
        .map_err(|e| io_error("create temporary token file", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_effective_uid_is_the_second_field() {
        let status = "Name:\tx\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t1\t1\t1\t1\n";
        assert_eq!(parse_status_euid(status), Some(0));
        assert_eq!(parse_status_euid("Uid:\t1000\n"), None);
        assert_eq!(parse_status_euid("Gid:\t1\t2\n"), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_effective_uid_matches_the_owner_of_a_new_file() {
        assert_eq!(effective_uid().unwrap(), uid_of_a_new_file().unwrap());
    }

    #[test]
    fn empty_and_dot_paths_name_no_directory() {
        for dir in ["", ".", "./", "././"] {
            assert!(names_no_directory(Path::new(dir)), "{dir:?}");
            let err = check_dir(Path::new(dir), true).unwrap_err();
            assert_eq!(err.to_string(), "token cache directory is empty");
        }
        for dir in ["a", "/", "./a", ".."] {
            assert!(!names_no_directory(Path::new(dir)), "{dir:?}");
        }
    }
}
