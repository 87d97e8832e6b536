//! Report: diagnostics for people (`human`, rustc-like) and for tools (`json`, versioned;
//! `codequality`, GitLab Code Quality; `junit`). Reporters only format; they never decide
//! the exit code.

pub mod codequality;
pub mod fingerprint;
pub mod human;
pub mod json;
pub mod junit;

use foldhash::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::source::SourceFile;
use crate::{Diagnostic, Severity, Site, Summary};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-like diagnostics and a summary line.
    Human,
    /// The versioned JSON report (its shape is in the README).
    Json,
    /// GitLab Code Quality JSON.
    Codequality,
    /// JUnit XML.
    Junit,
}

/// A `--report FORMAT=FILE` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSpec {
    /// The format.
    pub format: Format,
    /// Where to write it.
    pub path: PathBuf,
}

impl std::str::FromStr for ReportSpec {
    type Err = String;

    /// Parses `codequality=gl-code-quality.json`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (format, path) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}`: expected FORMAT=FILE, e.g. junit=ladder-junit.xml"))?;
        let format = <Format as clap::ValueEnum>::from_str(format, true).map_err(|_| {
            format!("`{format}`: unknown report format (human, json, codequality, junit)")
        })?;
        if path.is_empty() {
            return Err(format!("`{s}`: no file name after `=`"));
        }
        Ok(ReportSpec {
            format,
            path: PathBuf::from(path),
        })
    }
}

/// What a reporter gets.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The findings to report, sorted.
    pub diagnostics: &'a [Diagnostic],
    /// Their fingerprints, in the same order.
    pub fingerprints: &'a [String],
    /// Counts for these findings.
    pub summary: &'a Summary,
    /// Source files by diagnostic path, for source lines in the human form.
    pub sources: &'a HashMap<&'a str, &'a SourceFile>,
    /// The site root's path in its repository (`""` or `docs/`), for CI formats.
    pub repo_prefix: &'a str,
    /// Human form: `built` or `checked`.
    pub verb: &'a str,
    /// Human form: wall time.
    pub elapsed: Duration,
    /// Human form: list info-level findings.
    pub verbose: bool,
    /// Human form: only the summary line.
    pub quiet: bool,
}

/// Renders `input` in `format`. The human form has colour codes, which `anstream`
/// strips when the output is not a terminal; other formats have none.
pub fn render(format: Format, input: &ReportInput<'_>) -> String {
    match format {
        Format::Json => json::render(input.diagnostics, input.fingerprints, input.summary),
        Format::Codequality => {
            codequality::render(input.diagnostics, input.fingerprints, input.repo_prefix)
        }
        Format::Junit => junit::render(input.diagnostics, input.repo_prefix),
        Format::Human => {
            let mut out = String::new();
            if !input.quiet {
                let shown: Vec<Diagnostic> = input
                    .diagnostics
                    .iter()
                    .filter(|d| input.verbose || d.severity != Severity::Info)
                    .cloned()
                    .collect();
                out.push_str(&human::render(&shown, input.sources));
            }
            out.push_str(&human::summary_line(
                input.verb,
                input.summary,
                input.elapsed,
            ));
            out.push('\n');
            out
        }
    }
}

/// The source files of a site's pages by their diagnostic path, for source lines.
pub fn sources(site: &Site) -> HashMap<&str, &SourceFile> {
    site.pages
        .iter()
        .map(|p| (p.parsed.source.path.as_str(), &p.parsed.source))
        .collect()
}

/// `summary` with its finding counts recomputed for `diagnostics` (a scoped subset).
pub fn summary_for(summary: &Summary, diagnostics: &[Diagnostic]) -> Summary {
    let counts = crate::diagnostic::Counts::of(diagnostics);
    Summary {
        errors: counts.errors,
        warnings: counts.warnings,
        infos: counts.infos,
        ..*summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_specs() {
        let spec: ReportSpec = "codequality=gl-code-quality.json".parse().unwrap();
        assert_eq!(spec.format, Format::Codequality);
        assert_eq!(spec.path, PathBuf::from("gl-code-quality.json"));
        assert!("junit".parse::<ReportSpec>().is_err());
        assert!("xml=x".parse::<ReportSpec>().is_err());
        assert!("json=".parse::<ReportSpec>().is_err());
    }
}
