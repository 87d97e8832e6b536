//! Rules that look at one page alone: `heading-skip`, `duplicate-anchor`,
//! `encoding` (mojibake) and `empty-page`.

use foldhash::{HashMap, HashMapExt};

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::model::Page;
use crate::parse::{AnchorSource, Blank};

/// Runs every single-page rule on `page`.
pub fn check_page(page: &Page, diags: &mut Vec<Diagnostic>) {
    heading_skips(page, diags);
    duplicate_ids(page, diags);
    mojibake(page, diags);
    empty_page(page, diags);
}

/// A heading more than one level deeper than the heading before it (`##` → `####`).
/// The first heading is not compared with the theme's `<h1>`.
fn heading_skips(page: &Page, diags: &mut Vec<Diagnostic>) {
    let file = &page.parsed.source;
    for pair in page.parsed.markdown.headings.windows(2) {
        let (prev, h) = (&pair[0], &pair[1]);
        if h.level > prev.level + 1 {
            diags.push(
                Diagnostic::at(
                    Rule::HeadingSkip,
                    file,
                    h.span.clone(),
                    format!("heading level jumps from h{} to h{} at `{}`", prev.level, h.level, h.text),
                    format!(
                        "use {} here (one level below `{}`), so screen readers and the table of contents keep the structure",
                        "#".repeat(prev.level as usize + 1),
                        prev.text
                    ),
                )
                .with_key(h.id.clone()),
            );
        }
    }
}

/// An id the author wrote (`<a id>`, `{#id}`) that is defined more than once: the HTML
/// would carry two elements with one id and links land on the first. Generated heading
/// slugs never collide (repeats get `-1`, `-2`).
fn duplicate_ids(page: &Page, diags: &mut Vec<Diagnostic>) {
    let file = &page.parsed.source;
    let mut first: HashMap<&str, usize> = HashMap::new();
    for a in page.parsed.markdown.anchors() {
        if a.source != AnchorSource::Explicit {
            continue;
        }
        match first.get(a.id) {
            None => {
                first.insert(a.id, a.span.start);
            }
            Some(&at) => {
                let line = file.position(at).line;
                diags.push(
                    Diagnostic::at(
                        Rule::DuplicateAnchor,
                        file,
                        a.span.clone(),
                        format!(
                            "id `{}` is defined twice on this page (first on line {line})",
                            a.id
                        ),
                        "give this element another id; links to `#…` land on the first one only",
                    )
                    .with_key(a.id),
                );
            }
        }
    }
}

fn mojibake(page: &Page, diags: &mut Vec<Diagnostic>) {
    let file = &page.parsed.source;
    for (range, bad, fixed) in &page.parsed.mojibake {
        diags.push(
            Diagnostic::at(
                Rule::Encoding,
                file,
                range.clone(),
                format!(
                    "`{bad}` looks like UTF-8 decoded as Windows-1252; it should read `{fixed}`"
                ),
                format!("replace `{bad}` with `{fixed}`"),
            )
            .with_severity(Severity::Warning)
            .with_key(format!("mojibake:{bad}")),
        );
    }
}

fn empty_page(page: &Page, diags: &mut Vec<Diagnostic>) {
    let file = &page.parsed.source;
    let message = match page.parsed.blank {
        Blank::No => return,
        Blank::File => "the file is empty",
        Blank::Body => "the page has front matter but no content",
    };
    diags.push(
        Diagnostic::at(
            Rule::EmptyPage,
            file,
            0..0,
            message,
            "write the page's content below the front matter, or delete the file",
        )
        .with_key("empty"),
    );
}
