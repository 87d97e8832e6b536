//! GitLab Code Quality report (`--format codequality`, `--report codequality=FILE`): a
//! JSON array of objects with `description` (prefixed with the rule code), `check_name`
//! (the rule code), `fingerprint` (see [`super::fingerprint`]), `severity` (error →
//! `major`, warning → `minor`, info → `info`), `location.path` (relative to the
//! repository root, `/`-separated) and `location.lines.begin` (1-based). No BOM; sorted
//! like the diagnostics; no timestamps.

use serde::Serialize;

use crate::{Diagnostic, Severity};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: &'a str,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// The report for `diagnostics` (sorted) with their `fingerprints`; `path_prefix` (`""` or
/// `docs/`) makes paths relative to the repository root.
pub fn render(diagnostics: &[Diagnostic], fingerprints: &[String], path_prefix: &str) -> String {
    let issues: Vec<Issue<'_>> = diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, f)| Issue {
            description: format!("[{}] {} ({})", d.rule.code(), d.message, d.help),
            check_name: d.rule.code(),
            fingerprint: f,
            severity: match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Info => "info",
            },
            location: Location {
                path: format!("{path_prefix}{}", d.path),
                lines: Lines { begin: d.line },
            },
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_string());
    out.push('\n');
    out
}
