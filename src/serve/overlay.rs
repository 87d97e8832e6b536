//! The error overlay of `ladder serve`: a panel fixed to the bottom of every served HTML
//! page while the latest build failed (the error, over the last good pages) or found
//! error-severity diagnostics (the list). Everything in it that comes from the site or
//! the error is HTML-escaped.

use std::fmt::Write as _;

use crate::render::escape_html as escape;
use crate::{Diagnostic, Error, Severity};

/// At most this many diagnostics are listed; the terminal has them all.
const MAX_LISTED: usize = 50;

const STYLE: &str = "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;box-sizing:border-box;margin:0;padding:12px 20px;background:#fff4f4;color:#4a0000;border-top:4px solid #c00;box-shadow:0 -2px 12px rgba(0,0,0,.25);font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left";

/// The error and its chain of causes, one per line.
pub(crate) fn error_text(err: &Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let _ = write!(text, "\n  caused by: {s}");
        source = s.source();
    }
    text
}

fn panel(title: &str, body: &str) -> String {
    format!(
        "<div id=\"ladder-overlay\" role=\"alert\" style=\"{STYLE}\"><button type=\"button\" onclick=\"this.parentNode.remove()\" aria-label=\"Hide\" style=\"float:right;font:inherit;cursor:pointer\">&times;</button><strong>{title}</strong>{body}</div>"
    )
}

/// The overlay for a build that failed: the last good pages are still served.
pub(crate) fn for_error(err: &Error) -> String {
    panel(
        "ladder: the build failed; these are the last good pages.",
        &format!(
            "<pre style=\"white-space:pre-wrap;margin:8px 0 0;font:inherit\">{}</pre>",
            escape(&error_text(err))
        ),
    )
}

/// The overlay for a build with error-severity diagnostics, or `None` when it has none.
pub(crate) fn for_diagnostics(diagnostics: &[Diagnostic]) -> Option<String> {
    let errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        return None;
    }
    let mut list = String::from("<ul style=\"margin:8px 0 0;padding-left:20px\">");
    for d in errors.iter().take(MAX_LISTED) {
        let _ = write!(
            list,
            "<li><code>{}</code> {}:{}:{}: {}</li>",
            escape(d.rule.code()),
            escape(&d.path),
            d.line,
            d.column,
            escape(&d.message)
        );
    }
    if errors.len() > MAX_LISTED {
        let _ = write!(
            list,
            "<li>… and {} more (the terminal lists them all)</li>",
            errors.len() - MAX_LISTED
        );
    }
    list.push_str("</ul>");
    let title = format!(
        "ladder: {} error{} in the site",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    Some(panel(&title, &list))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rule;

    #[test]
    fn escapes_everything_from_the_site() {
        let err = Error::Template {
            template: "themes/default/templates/<page>.html".into(),
            message: "unexpected `</b>` & \"more\"".into(),
        };
        let html = for_error(&err);
        assert!(
            html.contains("themes/default/templates/&lt;page&gt;.html"),
            "{html}"
        );
        assert!(
            html.contains("unexpected `&lt;/b&gt;` &amp; &quot;more&quot;"),
            "{html}"
        );
        assert!(!html.contains("</b>"), "{html}");
    }

    #[test]
    fn lists_errors_only() {
        let mut warning = Diagnostic::in_file(Rule::HeadingSkip, "content/w.md", 1, 1, "w", "h");
        warning.severity = Severity::Warning;
        assert_eq!(for_diagnostics(std::slice::from_ref(&warning)), None);
        let error = Diagnostic::in_file(
            Rule::FrontMatter,
            "content/<a>.md",
            2,
            3,
            "bad <script>",
            "h",
        );
        let html = for_diagnostics(&[warning, error]).unwrap();
        assert!(html.contains("1 error in the site"), "{html}");
        assert!(
            html.contains(
                "<li><code>front-matter</code> content/&lt;a&gt;.md:2:3: bad &lt;script&gt;</li>"
            ),
            "{html}"
        );
        assert!(!html.contains("content/w.md"), "{html}");
    }
}
