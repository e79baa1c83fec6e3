//! The state file's lock: while a simulator runs with a state file it holds an exclusive
//! advisory lock on a lock file beside it (`state.json.lock`), so that a second simulator
//! with the same file, in this process or another, refuses to start instead of overwriting
//! the first one's saves.
//!
//! The lock file, not the state file, is locked because every save replaces the state file
//! by a rename, and a lock stays with the file it was taken on. The lock file is kept when
//! the simulator stops: removing it would race a simulator starting at that moment, which
//! could lock the removed file while a third creates and locks a new one.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use crate::state::file::same_file;
use crate::Error;

/// Why the lock file could not be opened.
#[derive(Debug)]
enum Problem {
    /// The operating system refused `doing` (e.g. "cannot be created").
    Io {
        doing: &'static str,
        source: io::Error,
    },
    /// A symbolic link, which is never followed.
    Link,
    /// Not a regular file (a directory, a pipe, a device).
    NotAFile,
    /// Replaced between being looked at and being opened.
    Moved,
}

impl Problem {
    fn io(doing: &'static str) -> impl FnOnce(io::Error) -> Problem {
        move |source| Problem::Io { doing, source }
    }
}

/// An exclusive lock on a state file, released when dropped, or by the operating system
/// when the process ends however it ends.
#[derive(Debug)]
pub(crate) struct StateLock {
    /// The locked lock file: closing it releases the lock.
    _file: File,
}

impl StateLock {
    /// Locks the state file at `state` for this simulator.
    ///
    /// # Errors
    ///
    /// [`Error::File`] (file `"state"`, naming `state`) when another simulator holds the
    /// lock, or the lock file cannot be created, opened or locked: it is a symbolic link
    /// (never followed), not a regular file, or the operating system refuses.
    pub(crate) fn acquire(state: &Path) -> Result<StateLock, Error> {
        let Some(path) = lock_path(state) else {
            // `..` or a root: no file of that name can be kept, let alone locked.
            return Err(Error::File {
                file: "state",
                path: state.to_owned(),
                message: "is not a regular file".to_owned(),
                source: None,
            });
        };
        let named = |problem: Problem| lock_error(problem, state, &path);
        let file = open(&path).map_err(named)?;
        match file.try_lock() {
            Ok(()) => Ok(StateLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(Error::File {
                file: "state",
                path: state.to_owned(),
                message: format!(
                    "is in use by another simulator, which holds its lock file {:?}: stop \
                     that one first, or give this one a state file of its own",
                    file_name(&path)
                ),
                source: None,
            }),
            Err(TryLockError::Error(source)) => Err(named(Problem::Io {
                doing: "cannot be locked",
                source,
            })),
        }
    }
}

/// The lock file of the state file at `state`: its name with `.lock` added, beside it.
fn lock_path(state: &Path) -> Option<PathBuf> {
    let mut name = OsString::from(state.file_name()?);
    name.push(".lock");
    Some(state.with_file_name(name))
}

/// The lock file at `path`, created readable by its owner only, or opened (read-only: it
/// is never written) when it exists. A name planted there is never followed: creating
/// refuses any existing name, link or not, and an existing one is opened only when it is
/// a regular file and still the one that was looked at.
fn open(path: &Path) -> Result<File, Problem> {
    let mut create = OpenOptions::new();
    create.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        create.mode(0o600);
    }
    match create.open(path) {
        Ok(file) => return Ok(file),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(Problem::io("cannot be created")(e)),
    }
    let seen = fs::symlink_metadata(path).map_err(Problem::io("cannot be read"))?;
    if seen.file_type().is_symlink() {
        return Err(Problem::Link);
    }
    if !seen.is_file() {
        return Err(Problem::NotAFile);
    }
    let file = File::open(path).map_err(Problem::io("cannot be opened"))?;
    let opened = file.metadata().map_err(Problem::io("cannot be read"))?;
    if !opened.is_file() || !same_file(&seen, &opened) {
        return Err(Problem::Moved);
    }
    Ok(file)
}

/// The simulator's error for a `problem` with the lock file at `path` of the state file
/// at `state`: one line naming both.
fn lock_error(problem: Problem, state: &Path, path: &Path) -> Error {
    let name = file_name(path);
    let (why, source) = match problem {
        Problem::Io { doing, source } => (doing.to_owned(), Some(source)),
        Problem::Link => (
            "is a symbolic link, which the simulator never follows: remove it".to_owned(),
            None,
        ),
        Problem::NotAFile => ("is not a regular file".to_owned(), None),
        Problem::Moved => ("was replaced while it was being opened".to_owned(), None),
    };
    Error::File {
        file: "state",
        path: state.to_owned(),
        message: format!("cannot be locked: its lock file {name:?} {why}"),
        source,
    }
}

/// The last part of `path`, as the messages name the lock file beside the state file.
fn file_name(path: &Path) -> OsString {
    path.file_name()
        .map_or_else(|| path.as_os_str().to_owned(), ToOwned::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_is_named_after_the_state_file_beside_it() {
        assert_eq!(
            lock_path(Path::new("ci/state.json")),
            Some(PathBuf::from("ci/state.json.lock"))
        );
        assert_eq!(
            lock_path(Path::new("state")),
            Some(PathBuf::from("state.lock"))
        );
        assert_eq!(lock_path(Path::new("ci/..")), None);
        assert_eq!(lock_path(Path::new("/")), None);
        let refused = StateLock::acquire(Path::new("/")).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "state file \"/\": is not a regular file"
        );
    }
}
