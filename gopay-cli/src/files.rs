//! Where downloaded files (statements, QR images) go: a file, or stdout when it is not a
//! terminal. Binary data never goes to a terminal.

use std::io::IsTerminal;
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
    /// A file is written next to its destination first and then renamed onto it, so an
    /// interrupted run leaves no half-written file under the name asked for.
    ///
    /// # Errors
    ///
    /// Exit code 1 when writing fails.
    pub fn write(&self, bytes: &[u8]) -> Result<Option<Written>, Failure> {
        match self {
            Sink::Stdout => crate::output::to_stdout(bytes).map(|()| None),
            Sink::File(path) => {
                let mut partial = path.clone().into_os_string();
                partial.push(".part");
                let partial = PathBuf::from(partial);
                let shown = path.display();
                std::fs::write(&partial, bytes)
                    .and_then(|()| std::fs::rename(&partial, path))
                    .map_err(|e| {
                        let _ = std::fs::remove_file(&partial);
                        Failure::other(format!("could not write {shown}: {e}"))
                    })?;
                Ok(Some(Written {
                    output: path.display().to_string(),
                    bytes: bytes.len(),
                }))
            }
        }
    }
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
