//! The JSON report (`--format json`), version 1:
//!
//! ```json
//! {"version": 1,
//!  "summary": {"pages": 3, "errors": 1, "warnings": 0, "infos": 0,
//!              "unchecked_links": 2, "external_links": 5, "external_checked": 0},
//!  "diagnostics": [{"rule": "broken-anchor", "severity": "error", "path": "content/a/b.md",
//!                   "line": 12, "column": 5, "end_line": 12, "end_column": 30,
//!                   "message": "…", "help": "…", "fingerprint": "…"}]}
//! ```
//! `path` is relative to the site root with `/`; lines and columns are 1-based, columns
//! count chars, `end_column` is exclusive. Diagnostics are sorted by path, line, column,
//! rule. `fingerprint` identifies a finding across edits (see [`super::fingerprint`]); an
//! earlier report is the input of `--baseline`. No timestamps or durations: the same input
//! gives the same bytes. Fields are only ever added within a version.

use serde::Serialize;

use crate::{Diagnostic, Summary};

/// The current report version.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    summary: WireSummary,
    diagnostics: Vec<WireDiagnostic<'a>>,
}

#[derive(Serialize)]
struct WireSummary {
    pages: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    unchecked_links: usize,
    external_links: usize,
    external_checked: usize,
}

#[derive(Serialize)]
struct WireDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: &'a str,
    fingerprint: &'a str,
}

/// The report as pretty-printed JSON with a trailing newline; `fingerprints` are the
/// diagnostics' fingerprints, in the same order.
pub fn render(diagnostics: &[Diagnostic], fingerprints: &[String], summary: &Summary) -> String {
    let report = Report {
        version: VERSION,
        summary: WireSummary {
            pages: summary.pages,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
            unchecked_links: summary.unchecked_links,
            external_links: summary.external_links,
            external_checked: summary.external_checked,
        },
        diagnostics: diagnostics
            .iter()
            .zip(fingerprints)
            .map(|(d, fingerprint)| WireDiagnostic {
                rule: d.rule.code(),
                severity: d.severity.as_str(),
                path: &d.path,
                line: d.line,
                column: d.column,
                end_line: d.end_line,
                end_column: d.end_column,
                message: &d.message,
                help: &d.help,
                fingerprint,
            })
            .collect(),
    };
    let mut out =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
