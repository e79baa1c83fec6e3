//! The simulator's files on disk: a bounded read that can refuse a symbolic link, and an
//! atomic replace (a temporary file beside the target, written, synced, then renamed over
//! it) that never writes through a link and leaves the file readable by its owner only.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::state::random::Random;

/// The largest seed or state file the simulator reads or writes: 64 MiB, far more than a
/// test suite's payments, and little enough to parse at start.
pub const MAX_STATE_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// How many temporary names are tried before giving up (another process could have taken
/// one in a shared directory).
const TEMPORARY_NAMES: usize = 8;

/// Why a file could not be used. Messages never quote the file's content.
#[derive(Debug)]
pub(crate) enum FileError {
    /// The operating system refused `doing` (e.g. "cannot be read").
    Io {
        doing: &'static str,
        source: io::Error,
    },
    /// Larger than [`MAX_STATE_FILE_BYTES`].
    TooLarge,
    /// A symbolic link, where the simulator wants the file itself.
    Link,
    /// Not a regular file (a directory, a pipe, a device).
    NotAFile,
    /// The file was replaced between being looked at and being opened.
    Moved,
    /// Not what the simulator reads: not JSON, or JSON of another shape.
    Format(String),
    /// A `version` this simulator does not read.
    Version(String),
}

impl FileError {
    pub(crate) fn io(doing: &'static str) -> impl FnOnce(io::Error) -> FileError {
        move |source| FileError::Io { doing, source }
    }

    /// Whether the file does not exist (and nothing else went wrong).
    pub(crate) fn is_missing(&self) -> bool {
        matches!(self, FileError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }

    /// The simulator's error for `file` (`"seed"` or `"state"`) at `path`.
    pub(crate) fn into_error(self, file: &'static str, path: &Path) -> crate::Error {
        let (message, source) = match self {
            FileError::Io { doing, source } => (doing.to_owned(), Some(source)),
            FileError::TooLarge => (
                format!("is larger than {MAX_STATE_FILE_BYTES} bytes, the most the simulator reads or writes"),
                None,
            ),
            FileError::Link => (
                "is a symbolic link: the simulator replaces the file when it saves, so give the \
                 path of the file itself"
                    .to_owned(),
                None,
            ),
            FileError::NotAFile => ("is not a regular file".to_owned(), None),
            FileError::Moved => ("was replaced while it was being opened".to_owned(), None),
            FileError::Format(message) | FileError::Version(message) => (message, None),
        };
        crate::Error::File {
            file,
            path: path.to_owned(),
            message,
            source,
        }
    }
}

/// Whether [`read`] follows a symbolic link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Links {
    /// Read what the link points to (a seed file is only read).
    Follow,
    /// Refuse a link (a state file is also replaced, so it must be the file itself).
    Refuse,
}

/// The whole of the regular file at `path`, at most [`MAX_STATE_FILE_BYTES`].
///
/// A pipe or device is refused before it is opened, so that reading cannot block.
pub(crate) fn read(path: &Path, links: Links) -> Result<Vec<u8>, FileError> {
    let seen = match links {
        Links::Follow => fs::metadata(path),
        Links::Refuse => fs::symlink_metadata(path),
    }
    .map_err(FileError::io("cannot be read"))?;
    if seen.file_type().is_symlink() {
        return Err(FileError::Link);
    }
    if !seen.is_file() {
        return Err(FileError::NotAFile);
    }
    let file = File::open(path).map_err(FileError::io("cannot be opened"))?;
    let opened = file.metadata().map_err(FileError::io("cannot be read"))?;
    if !opened.is_file() || !same_file(&seen, &opened) {
        return Err(FileError::Moved);
    }
    if opened.len() > MAX_STATE_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    let mut bytes = Vec::new();
    // The length can change after it was looked at: the read itself is bounded too.
    file.take(MAX_STATE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(FileError::io("cannot be read"))?;
    if bytes.len() as u64 > MAX_STATE_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    Ok(bytes)
}

/// Whether `bytes` start as a JSON object. (serde also reads a struct from an array, which
/// neither file is.)
pub(crate) fn is_object(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().first() == Some(&b'{')
}

/// Whether `a` and `b` describe the same file (on Unix: the same device and inode).
#[cfg(unix)]
pub(crate) fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// Whether `a` and `b` describe the same file (not told apart off Unix).
#[cfg(not(unix))]
pub(crate) fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    true
}

/// Replaces the file at `path` with `bytes` atomically: a reader sees the old content or
/// the new, never a mix, and when anything fails the old file is left as it was.
///
/// The bytes go to a new temporary file in the same directory (created exclusively, so a
/// name planted there is never opened, and readable by its owner only), which is synced and
/// then renamed over `path`. A symbolic link at `path` is replaced, not followed.
pub(crate) fn replace(path: &Path, bytes: &[u8], random: &Random) -> Result<(), FileError> {
    if bytes.len() as u64 > MAX_STATE_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let (temporary, mut file) = create_temporary(directory, random)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(FileError::io(
            "cannot be written (the file is left as it was)",
        ))
        .and_then(|()| {
            drop(file);
            fs::rename(&temporary, path).map_err(FileError::io(
                "cannot be replaced (the file is left as it was)",
            ))
        });
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
        return written;
    }
    // Makes the rename itself durable. Some file systems cannot sync a directory; the file
    // is in place either way, so that is no reason to report a failure.
    if let Ok(directory) = File::open(directory) {
        let _ = directory.sync_all();
    }
    Ok(())
}

/// A new, empty temporary file in `directory` that no other process opened before.
fn create_temporary(directory: &Path, random: &Random) -> Result<(PathBuf, File), FileError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut last = None;
    for _ in 0..TEMPORARY_NAMES {
        // A name of its own length, whatever the target's: a long target name cannot push
        // it past the file system's limit.
        let name = directory.join(format!(".gopay-simulator-{}.tmp", random.hex(8)));
        match options.open(&name) {
            Ok(file) => return Ok((name, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => {
                return Err(FileError::Io {
                    doing: "cannot be written: no temporary file can be created beside it \
                            (the file is left as it was)",
                    source: e,
                })
            }
        }
    }
    Err(FileError::Io {
        doing: "cannot be written: every temporary name tried beside it was taken",
        source: last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory of this test's own.
    fn directory(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "gopay-sim-file-{name}-{}-{}",
            std::process::id(),
            Random::new().hex(4)
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_replaced_file_has_the_new_bytes_and_no_temporary_stays() {
        let dir = directory("replace");
        let path = dir.join("state.json");
        let random = Random::new();
        replace(&path, b"first", &random).unwrap();
        replace(&path, b"second", &random).unwrap();
        assert_eq!(read(&path, Links::Refuse).unwrap(), b"second");
        assert_eq!(entries(&dir), ["state.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        }
        fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_replaced_never_written_through_nor_read() {
        let dir = directory("link");
        let victim = dir.join("victim.txt");
        fs::write(&victim, b"precious").unwrap();
        let path = dir.join("state.json");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        assert!(matches!(read(&path, Links::Refuse), Err(FileError::Link)));
        assert_eq!(read(&path, Links::Follow).unwrap(), b"precious");
        replace(&path, b"state", &Random::new()).unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert!(!fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&path).unwrap(), b"state");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failed_replace_keeps_the_old_file_and_leaves_no_temporary() {
        let dir = directory("fail");
        // A directory where the file should be: the rename fails after the write.
        let path = dir.join("state.json");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("kept"), b"old").unwrap();
        let err = replace(&path, b"new", &Random::new()).unwrap_err();
        assert!(matches!(err, FileError::Io { .. }), "{err:?}");
        assert_eq!(entries(&dir), ["state.json"]);
        assert_eq!(fs::read(path.join("kept")).unwrap(), b"old");
        assert!(matches!(
            read(&path, Links::Refuse),
            Err(FileError::NotAFile)
        ));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn reads_are_bounded_and_missing_files_are_told_apart() {
        let dir = directory("bounded");
        let big = dir.join("big.json");
        let file = File::create(&big).unwrap();
        // Sparse: no disk is used for the length.
        file.set_len(MAX_STATE_FILE_BYTES + 1).unwrap();
        assert!(matches!(
            read(&big, Links::Follow),
            Err(FileError::TooLarge)
        ));
        let missing = read(&dir.join("none.json"), Links::Refuse).unwrap_err();
        assert!(missing.is_missing());
        assert!(!FileError::TooLarge.is_missing());
        let too_much = vec![b' '; MAX_STATE_FILE_BYTES as usize + 1];
        let target = dir.join("out.json");
        assert!(matches!(
            replace(&target, &too_much, &Random::new()),
            Err(FileError::TooLarge)
        ));
        assert!(!target.exists());
        fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_refused_without_blocking() {
        let dir = directory("pipe");
        let pipe = dir.join("state.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(matches!(
            read(&pipe, Links::Refuse),
            Err(FileError::NotAFile)
        ));
        assert!(matches!(
            read(&pipe, Links::Follow),
            Err(FileError::NotAFile)
        ));
        fs::remove_dir_all(dir).unwrap();
    }
}
