//! The emulator's one error type: it could not be set up (a bad scenario, a port in use, TLS) or a
//! file could not be read or written. Answers to clients are never errors: they are responses.

use std::fmt;
use std::path::PathBuf;

/// What can stop the emulator from starting or running.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The scenario, the port or the TLS material cannot be used.
    #[error("{0}")]
    Config(String),
    /// Reading or writing a file failed.
    #[error("{}: {message}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
}

impl Error {
    /// The stable code programs match on; the core's codes for the same failures.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Config(_) => "config_error",
            Error::File { .. } => "store_error",
        }
    }

    /// A failed read or write of `path`.
    pub fn file(path: impl Into<PathBuf>, message: impl fmt::Display) -> Error {
        Error::File {
            path: path.into(),
            message: message.to_string(),
        }
    }
}

/// The emulator's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
