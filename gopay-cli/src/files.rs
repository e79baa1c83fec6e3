//! Where downloaded files (statements, QR images) go: a file, or stdout when it is not a
//! terminal. Binary data never goes to a terminal.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::failure::Failure;

/// The destination of a download, checked before anything is sent.
#[derive(Debug)]
pub enum Sink {
    /// This file, created or replaced.
    File(PathBuf),
    /// Stdout, which is not a terminal.
    Stdout,
}

impl Sink {
    /// `--output`: a file; `-` or none is stdout, refused when stdout is a terminal.
    ///
    /// # Errors
    ///
    /// Exit code 2 when the data would go to a terminal.
    pub fn choose(output: Option<&Path>, what: &str) -> Result<Sink, Failure> {
        match output {
            Some(path) if path != Path::new("-") => Ok(Sink::File(path.to_owned())),
            _ if std::io::stdout().is_terminal() => Err(Failure::usage(format!(
                "{what} is a file, not text for a terminal: pass --output FILE, or redirect \
                 stdout"
            ))),
            _ => Ok(Sink::Stdout),
        }
    }

    /// Writes `bytes` and says where they went: `None` when they went to stdout (nothing
    /// more may be printed there), else the report to print.
    ///
    /// A file is written next to its destination first (see [`create_partial`]) and then
    /// renamed onto it, so an interrupted run leaves no half-written file under the name
    /// asked for, and a symbolic link under the destination's name is replaced, not
    /// followed.
    ///
    /// # Errors
    ///
    /// Exit code 1 when writing fails.
    pub fn write(&self, bytes: &[u8]) -> Result<Option<Written>, Failure> {
        match self {
            Sink::Stdout => crate::output::to_stdout(bytes).map(|()| None),
            Sink::File(path) => {
                let shown = path.display();
                let failed =
                    |e: std::io::Error| Failure::other(format!("could not write {shown}: {e}"));
                let (partial, mut file) = create_partial(path).map_err(failed)?;
                let written = file
                    .write_all(bytes)
                    .and_then(|()| file.flush())
                    .and_then(|()| {
                        drop(file);
                        std::fs::rename(&partial, path)
                    });
                if let Err(e) = written {
                    // Ours: created by this run, never an existing file.
                    let _ = std::fs::remove_file(&partial);
                    return Err(failed(e));
                }
                Ok(Some(Written {
                    output: path.display().to_string(),
                    bytes: bytes.len(),
                }))
            }
        }
    }
}

/// How many names [`create_partial`] tries before it gives up.
const PARTIAL_NAMES: u32 = 20;

/// A new file next to `path` to write into before the rename: `{path}.part`, else
/// `{path}.1.part`, `{path}.2.part` … when that name is taken.
///
/// The file is created, never opened: an existing file or a symbolic link under that name
/// (one another local user planted in a shared directory, say) is left alone and the next
/// name is tried, so the download is never written through a link into someone's file. On
/// unix it is readable by its owner only (mode 0600): statements are nobody else's business.
fn create_partial(path: &Path) -> std::io::Result<(PathBuf, File)> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    for n in 0..PARTIAL_NAMES {
        let mut partial = path.as_os_str().to_owned();
        if n > 0 {
            partial.push(format!(".{n}"));
        }
        partial.push(".part");
        let partial = PathBuf::from(partial);
        match options.open(&partial) {
            Ok(file) => return Ok((partial, file)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        ErrorKind::AlreadyExists,
        format!("{PARTIAL_NAMES} names for its temporary file are taken"),
    ))
}

/// What was written where: the answer of a download to a file.
#[derive(Serialize, Debug)]
pub struct Written {
    /// The file.
    pub output: String,
    /// How many bytes.
    pub bytes: usize,
}

/// `--format table` view of [`Written`].
pub fn written_table(written: &Written) -> String {
    format!(
        "wrote {} bytes to {}",
        written.bytes,
        crate::output::sanitize(&written.output)
    )
}
