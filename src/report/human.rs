//! The human report: rustc-like diagnostics rendered with annotate-snippets,
//!
//! ```text
//! error[broken-anchor]: `#senior` matches no heading or anchor on this page
//!   --> content/job-families/x/index.html.md:12:5
//!    |
//! 12 | See [Senior](#senior) for more.
//!    |              ^^^^^^^
//!    |
//!    = help: did you mean `#senior-x`?
//! ```
//! then a one-line summary. Colour is decided by `anstream` at print time (only on a
//! terminal, and never with `NO_COLOR`). Very long lines (a file whose line breaks were
//! lost) are shown as a window around the span.

use foldhash::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};

use crate::source::SourceFile;
use crate::{Diagnostic, Severity, Summary};

/// Widest source line shown whole, in chars.
const MAX_LINE: usize = 160;

/// Renders every diagnostic followed by a blank line. `sources` maps a diagnostic's
/// `path` to its file, for the source line; files without text get only `--> path:l:c`.
pub fn render(diagnostics: &[Diagnostic], sources: &HashMap<&str, &SourceFile>) -> String {
    let renderer = Renderer::styled();
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        };
        let title = level.primary_title(d.message.as_str()).id(d.rule.code());
        let help = Level::HELP.message(d.help.as_str());
        let group = match sources.get(d.path.as_str()) {
            Some(file) => {
                let line = file.line_text(d.line);
                let (shown, span) = window(line, d);
                title
                    .element(
                        Snippet::source(shown)
                            .line_start(d.line)
                            .path(d.path.as_str())
                            .annotation(AnnotationKind::Primary.span(span)),
                    )
                    .element(help)
            }
            None => title
                .element(
                    Origin::path(d.path.as_str())
                        .line(d.line)
                        .char_column(d.column),
                )
                .element(help),
        };
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// The part of `line` to show and the byte span of the diagnostic within it.
fn window(line: &str, d: &Diagnostic) -> (String, std::ops::Range<usize>) {
    let chars: Vec<char> = line.chars().collect();
    let start_col = d.column.saturating_sub(1).min(chars.len());
    let end_col = if d.end_line == d.line {
        d.end_column.saturating_sub(1)
    } else {
        chars.len()
    };
    let end_col = end_col.clamp(start_col, chars.len());
    let (from, to, lead) = if chars.len() <= MAX_LINE {
        (0, chars.len(), "")
    } else {
        let from = start_col.saturating_sub(60);
        (
            from,
            (start_col + 100).min(chars.len()),
            if from > 0 { "…" } else { "" },
        )
    };
    let tail = if to < chars.len() { "…" } else { "" };
    let mut shown = String::from(lead);
    let mut span_start = shown.len();
    let mut span_end = shown.len();
    for (i, c) in chars[from..to].iter().enumerate() {
        if from + i == start_col {
            span_start = shown.len();
        }
        if from + i == end_col.min(to) {
            span_end = shown.len();
        }
        shown.push(*c);
    }
    if start_col >= to {
        span_start = shown.len();
    }
    if end_col >= to {
        span_end = shown.len();
    }
    shown.push_str(tail);
    (shown, span_start..span_end.max(span_start))
}

/// The one-line summary: `ladder: 217 pages, 3 errors, 2 warnings, 40 unchecked links, 12 external links (0.21 s)`.
pub fn summary_line(verb: &str, summary: &Summary, elapsed: Duration) -> String {
    let mut line = format!("{verb} {} page{}", summary.pages, plural(summary.pages));
    let _ = write!(line, ", {} error{}", summary.errors, plural(summary.errors));
    let _ = write!(
        line,
        ", {} warning{}",
        summary.warnings,
        plural(summary.warnings)
    );
    if summary.infos > 0 {
        let _ = write!(line, ", {} info (-v lists them)", summary.infos);
    }
    let _ = write!(
        line,
        ", {} unchecked link{}",
        summary.unchecked_links,
        plural(summary.unchecked_links)
    );
    let checked = if summary.external_checked > 0 {
        "checked"
    } else {
        "not checked"
    };
    let _ = write!(
        line,
        ", {} external link{} {checked}",
        summary.external_links,
        plural(summary.external_links)
    );
    let _ = write!(line, " in {:.2} s", elapsed.as_secs_f64());
    line
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rule;

    fn diag(line: usize, column: usize, end_column: usize) -> Diagnostic {
        let mut d = Diagnostic::in_file(Rule::BrokenLink, "content/a.md", line, column, "m", "h");
        d.end_column = end_column;
        d
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let (shown, span) = window("See [x](/a/) now", &diag(1, 9, 12));
        assert_eq!(shown, "See [x](/a/) now");
        assert_eq!(&shown[span], "/a/");
    }

    #[test]
    fn long_lines_are_windowed_around_the_span() {
        let line = format!("{}TARGET{}", "a".repeat(500), "b".repeat(500));
        let (shown, span) = window(&line, &diag(1, 501, 507));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert!(shown.chars().count() < 170);
        assert_eq!(&shown[span], "TARGET");
    }

    #[test]
    fn renders_rustc_like() {
        let file = SourceFile::for_test("a.md", "---\ntitle: A\n---\nSee [x](/a/) now\n");
        let d = Diagnostic::at(
            Rule::BrokenLink,
            &file,
            25..28,
            "link to `/a/` leads nowhere",
            "fix it",
        );
        let sources: HashMap<&str, &SourceFile> = [("content/a.md", &file)].into_iter().collect();
        let text = anstream::adapter::strip_str(&render(&[d], &sources)).to_string();
        assert!(
            text.contains("error[broken-link]: link to `/a/` leads nowhere"),
            "{text}"
        );
        assert!(text.contains("--> content/a.md:4:9"), "{text}");
        assert!(text.contains("4 | See [x](/a/) now"), "{text}");
        assert!(text.contains("^^^"), "{text}");
        assert!(text.contains("help: fix it"), "{text}");
    }
}
