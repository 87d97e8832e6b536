//! Report: diagnostics for people (`human`, rustc-like) and for tools (`json`,
//! versioned). Reporters only format; they never decide the exit code.

pub mod human;
pub mod json;

use std::collections::HashMap;

use crate::Outcome;
use crate::source::SourceFile;

/// Output formats of `ladder check` / `ladder build`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-like diagnostics and a summary line.
    Human,
    /// The versioned JSON report (its shape is in the README).
    Json,
}

/// The source files of an outcome by their diagnostic path, for source lines.
pub fn sources(outcome: &Outcome) -> HashMap<&str, &SourceFile> {
    outcome
        .site
        .pages
        .iter()
        .map(|p| (p.parsed.source.path.as_str(), &p.parsed.source))
        .collect()
}
