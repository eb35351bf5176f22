//! Errors from loading components and calling pipelines.

use std::fmt;

/// Result alias for witk operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error codes of `witk:types/errors.error-code`, returned by components for bad
/// input instead of trapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    InvalidArgument,
    InvalidData,
    LimitExceeded,
    Unsupported,
    Internal,
}

impl ErrorCode {
    /// The WIT name of the code (`invalid-argument`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "invalid-argument",
            ErrorCode::InvalidData => "invalid-data",
            ErrorCode::LimitExceeded => "limit-exceeded",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::Internal => "internal",
        }
    }

    /// The code with WIT name `name`, if there is one.
    pub fn from_wit(name: &str) -> Option<Self> {
        use ErrorCode::*;
        [InvalidArgument, InvalidData, LimitExceeded, Unsupported, Internal].into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong in witk.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The pipeline rejected its input and said why.
    #[error("{pipeline}: {code}: {message}")]
    Pipeline { pipeline: String, code: ErrorCode, message: String },
    /// The call ran past [`Limits::timeout`](crate::Limits::timeout).
    #[error("{pipeline}: timed out after {seconds:.3} s")]
    Timeout { pipeline: String, seconds: f64 },
    /// The component needed more memory than [`Limits::memory_bytes`](crate::Limits::memory_bytes).
    #[error("{pipeline}: memory limit of {limit} bytes exceeded ({detail})")]
    MemoryLimit { pipeline: String, limit: u64, detail: String },
    /// The component trapped (a bug in the component, or an exhausted stack).
    #[error("{pipeline}: component trapped: {message}")]
    Trap { pipeline: String, message: String },
    /// The component could not be compiled, loaded or instantiated.
    #[error("loading component {what}: {message}")]
    Load { what: String, message: String },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

impl Error {
    /// The pipeline error code, when the component returned one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Pipeline { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub(crate) fn load(what: impl Into<String>, err: impl fmt::Display) -> Self {
        Error::Load { what: what.into(), message: format!("{err:#}") }
    }
}
