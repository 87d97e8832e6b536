//! Failures of the tool itself (exit code 2): unreadable root, bad config, broken
//! template, failed write. Findings in content are [`crate::Diagnostic`]s, not errors.

use std::path::PathBuf;

/// A failure that stops the run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O operation on `path` failed.
    #[error("{action} `{path}`")]
    Io {
        /// What was being done, e.g. "cannot read".
        action: &'static str,
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A page changed on disk between its parse and its rendering in one build.
    #[error("`{path}` changed while the site was being built; build again")]
    Changed {
        /// The page's file.
        path: PathBuf,
    },
    /// `ladder.toml` (or the file given with `--config`) is invalid.
    #[error("invalid config `{path}`: {message}")]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong, with line and column where the TOML parser gives them.
        message: String,
    },
    /// A command-line value is invalid (e.g. `--base-url`).
    #[error("{0}")]
    Usage(String),
    /// A theme template failed to parse or render.
    #[error("template error in {template}: {message}")]
    Template {
        /// The template name, e.g. `page.html` (and its file when it comes from `themes/`).
        template: String,
        /// Tera's message, with its chain of causes.
        message: String,
    },
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
