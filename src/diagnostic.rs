//! Diagnostics: findings in content, as data.
//!
//! A [`Diagnostic`] never aborts a run; many are collected per run, sorted by
//! `(path, line, column, rule)` and handed to a reporter. Failures of the tool itself
//! are [`crate::Error`]s instead. Rule codes ([`Rule::code`]) are a stable contract:
//! the JSON report, `[rules]` in `ladder.toml` and CI reports all key on them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::SourceFile;

/// How serious a finding is. Ordered from least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Info,
    /// Fails a run only with `--deny-warnings`.
    Warning,
    /// Fails a run (exit code 1).
    Error,
}

impl Severity {
    /// The lowercase name used in reports: `info`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident; )*) => {
        /// A validation rule. Each has a stable kebab-case code and a default severity.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in code order of declaration.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable code, e.g. `broken-link`.
            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }

            /// The severity the rule has unless `[rules]` in `ladder.toml` says otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// The rule with code `code`, if any.
            pub fn from_code(code: &str) -> Option<Rule> {
                match code { $($code => Some(Rule::$variant),)* _ => None }
            }
        }
    };
}

/// A rule is written as its code (`broken-link`).
impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Rule::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown rule `{code}`")))
    }
}

rules! {
    /// A link to the site's own pages or assets that resolves to nothing.
    BrokenLink = "broken-link", Error;
    /// A `#fragment` that names no anchor on its target page.
    BrokenAnchor = "broken-anchor", Error;
    /// An http(s) link to another host that answers with an error or cannot be reached
    /// (`--external` only). A warning: other sites are outside the editor's control.
    BrokenExternalLink = "broken-external-link", Warning;
    /// A root-relative link outside the site's own tree that is not among the configured
    /// known paths (possibly broken: the list may be incomplete).
    /// Info by default: such lists are often partial (pages generated from data are
    /// missing), so a miss is a hint, not a verdict.
    UnknownPath = "unknown-path", Info;
    /// Front matter that is missing, unterminated, unparsable, or lacks `title`.
    FrontMatter = "front-matter", Error;
    /// A file that is not UTF-8 (error), or text that looks mis-decoded (warning).
    Encoding = "encoding", Error;
    /// ERB tags or kramdown attribute lists that cannot be rendered faithfully.
    UnsupportedSyntax = "unsupported-syntax", Warning;
    /// A heading more than one level below the previous heading (h2 → h4).
    HeadingSkip = "heading-skip", Warning;
    /// Two elements with the same id, or a link to a heading text that repeats.
    DuplicateAnchor = "duplicate-anchor", Warning;
    /// Two pages whose URLs differ only in letter case: one replaces the other on
    /// case-insensitive file systems (macOS, Windows) and servers.
    CaseConflict = "case-conflict", Warning;
    /// A file under `content/` that is not published: a symbolic link (never followed).
    SkippedFile = "skipped-file", Warning;
    /// Two source files that would be served at the same URL path.
    DuplicatePermalink = "duplicate-permalink", Error;
    /// A `permalink`/`canonical_path` that is not a safe URL path inside the site.
    UnsafePermalink = "unsafe-permalink", Error;
    /// A `javascript:`, `vbscript:` or `data:` link or image source: code or content
    /// smuggled into a URL, whatever the sanitizer setting.
    UnsafeLink = "unsafe-link", Error;
    /// A page with front matter and no body text at all.
    EmptyPage = "empty-page", Warning;
    /// A level of a job family (or a single-level family) with no job grade.
    GradeMissing = "grade-missing", Error;
    /// A Job Grade section whose grade cannot be read.
    GradeUnparsed = "grade-unparsed", Error;
    /// A grade the grade scale does not have.
    GradeUnknown = "grade-unknown", Error;
    /// A grade that differs from what the scale gives the level's rank.
    GradeRank = "grade-rank", Warning;
    /// Within one track, a more senior level with a lower grade than a junior one.
    GradeOrder = "grade-order", Error;
    /// A grade sentence that names another role than its level heading.
    GradeTitle = "grade-title", Warning;
    /// One level twice in a job family.
    LevelDuplicate = "level-duplicate", Error;
    /// One title with different grades (in two families, or front matter vs prose).
    GradeConflict = "grade-conflict", Error;
    /// A job family without a section its template requires.
    SectionMissing = "section-missing", Warning;
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A finding in one file.
///
/// Positions are 1-based; columns count chars. `end_*` is the exclusive end of the span
/// (equal to the start for a point).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The rule that produced the finding.
    pub rule: Rule,
    /// Severity after `[rules]` overrides.
    pub severity: Severity,
    /// Path relative to the site root with `/` separators, e.g. `content/a/b.md`.
    pub path: String,
    /// 1-based line of the start of the span.
    pub line: usize,
    /// 1-based column (chars) of the start of the span.
    pub column: usize,
    /// 1-based line of the end of the span.
    pub end_line: usize,
    /// 1-based column (chars) of the end of the span (exclusive).
    pub end_column: usize,
    /// What is wrong, naming the offending value.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// The offending value itself (link target, anchor, key): the stable part of a finding
    /// that later reporters hash into fingerprints. Not shown to users.
    pub key: String,
    /// Another file the finding is about (the other page of a permalink conflict or a
    /// grade conflict), root-relative: a change to it brings the finding into scope.
    pub related: Option<String>,
}

impl Diagnostic {
    /// A diagnostic for the byte range `span` of `file`, with the rule's default severity.
    pub fn at(
        rule: Rule,
        file: &SourceFile,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        let start = file.position(span.start);
        let end = file.position(span.end.max(span.start));
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            path: file.path.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            message: message.into(),
            help: help.into(),
            key: String::new(),
            related: None,
        }
    }

    /// A diagnostic for a whole file that has no usable text (e.g. not UTF-8), at `line:column`.
    pub fn in_file(
        rule: Rule,
        path: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            path: path.to_string(),
            line,
            column,
            end_line: line,
            end_column: column,
            message: message.into(),
            help: help.into(),
            key: String::new(),
            related: None,
        }
    }

    /// Sets the severity (e.g. a warning-level variant of an error rule).
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Names another file the finding is about (see [`Diagnostic::related`]).
    pub fn with_related(mut self, path: impl Into<String>) -> Self {
        self.related = Some(path.into());
        self
    }

    /// What identifies the finding across edits, with its rule and path: the key, or the
    /// message for a finding without one. Fingerprints and JUnit test names use it.
    pub fn identity(&self) -> &str {
        if self.key.is_empty() {
            &self.message
        } else {
            &self.key
        }
    }

    /// Sets the stable key (the offending value) used for fingerprints.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }

    /// The sort key: path, line, column, rule code, then message for total order.
    fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.path,
            self.line,
            self.column,
            self.rule.code(),
            &self.message,
        )
    }
}

impl PartialOrd for Diagnostic {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Diagnostic {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

/// Counts of diagnostics by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Error-severity diagnostics.
    pub errors: usize,
    /// Warning-severity diagnostics.
    pub warnings: usize,
    /// Info-severity diagnostics.
    pub infos: usize,
}

impl Counts {
    /// Counts `diagnostics` by severity.
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut counts = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Info => counts.infos += 1,
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &rule in Rule::ALL {
            assert!(seen.insert(rule.code()), "duplicate code {}", rule.code());
            assert_eq!(Rule::from_code(rule.code()), Some(rule));
        }
        assert_eq!(Rule::from_code("no-such-rule"), None);
    }
}
