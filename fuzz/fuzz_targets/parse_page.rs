//! Fuzz target: one page's bytes through everything `ladder` does to a single page
//! without a site: UTF-8 decoding, front matter, the Markdown scan (headings, anchors,
//! links, kramdown attribute lists, ERB), rendering to HTML (with and without a base
//! path), job-family extraction (levels, grade sentences, grade tables), rank reading on
//! the default grade scale, and the mojibake scan.
//!
//! Panics are bugs: content must never crash `ladder`. Besides, the cheap invariants the
//! rest of the pipeline relies on are asserted: every diagnostic is at line/column ≥ 1
//! inside the file, and every byte span is inside the text and on char boundaries (later
//! stages slice the text with them).

#![no_main]

use std::ops::Range;
use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

use ladder::Diagnostic;
use ladder::model::ladder::GradeStatement;
use ladder::model::scale::Scales;
use ladder::parse::{self, ParsedPage};
use ladder::source::SourceFile;

/// Under `job-families/` so the extraction treats graded pages as job families.
const REL_PATH: &str = "job-families/engineering/fuzz/index.html.md";

static SCALES: LazyLock<Scales> = LazyLock::new(Scales::default);

fuzz_target!(|data: &[u8]| {
    let path = format!("content/{REL_PATH}");
    let text = match parse::decode(&path, data.to_vec()) {
        Ok(text) => text,
        Err(d) => {
            assert!(d.line >= 1 && d.column >= 1, "{d:?}");
            assert!(
                d.line <= data.iter().filter(|&&b| b == b'\n').count() + 1,
                "{d:?}"
            );
            return;
        }
    };
    let file = SourceFile::new(
        path.clone(),
        REL_PATH.to_string(),
        PathBuf::from(&path),
        text,
    );
    let mut diags = Vec::new();
    let parsed = parse::parse_page(file, &mut diags);
    let text = parsed.source.text();

    for d in &diags {
        check_diagnostic(&parsed, d);
    }
    assert!(
        text.is_char_boundary(parsed.body_start),
        "body_start {}",
        parsed.body_start
    );
    if let Some((_, span)) = &parsed.front_matter.permalink {
        check_span(text, span, "permalink");
    }
    for h in &parsed.markdown.headings {
        assert!((1..=6).contains(&h.level));
        check_span(text, &h.span, "heading");
    }
    for a in parsed.markdown.anchors() {
        check_span(text, a.span, "anchor");
    }
    for l in &parsed.markdown.links {
        check_span(text, &l.span, "link");
    }

    // Rendering (what `build` does per page).
    let html = parsed.html("").expect("the text is held");
    let rebased = parsed.html("/handbook").expect("the text is held");
    assert!(html.is_empty() == rebased.is_empty());

    // Job-family extraction, which `parse_page` ran.
    if let Some(f) = &parsed.family {
        let scale = SCALES.for_path(REL_PATH);
        for level in &f.levels {
            check_span(text, &level.title_span, "level title");
            if let Some(span) = &level.grade_span {
                check_span(text, span, "grade");
            }
            for st in level.statement.iter().chain(level.prose.as_deref()) {
                check_statement(text, st);
                if let Some((role, _)) = &st.role {
                    let _ = ladder::validate::grades::role_mismatch(&level.title, role, scale);
                }
            }
            let _ = level.rank(scale);
        }
    }

    for (range, bad, fixed) in &parsed.mojibake {
        check_span(text, range, "mojibake");
        // A repair reads differently, and is shorter: each run of 2–4 mis-decoded chars
        // becomes the one char they encode.
        assert_ne!(bad, fixed, "mojibake at {range:?} repaired to itself");
        assert!(fixed.chars().count() < bad.chars().count(), "{bad:?} → {fixed:?}");
    }
});

fn check_diagnostic(p: &ParsedPage, d: &Diagnostic) {
    let lines = p.source.position(p.source.text().len()).line;
    assert_eq!(d.path, p.source.path);
    assert!(d.line >= 1 && d.column >= 1, "{d:?}");
    assert!(d.end_line >= 1 && d.end_column >= 1, "{d:?}");
    assert!(
        d.line <= lines && d.end_line <= lines,
        "{d:?} ({lines} lines)"
    );
    assert!((d.line, d.column) <= (d.end_line, d.end_column), "{d:?}");
    // The column is inside its line (or just past its end).
    let len = p.source.line_text(d.line).chars().count();
    assert!(
        d.column <= len + 1,
        "{d:?} (line {} has {len} chars)",
        d.line
    );
}

fn check_span(text: &str, span: &Range<usize>, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} span {span:?} outside the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} not on char boundaries"
    );
}

fn check_statement(text: &str, st: &GradeStatement) {
    check_span(text, &st.span, "statement");
    if let Some((_, span)) = &st.role {
        check_span(text, span, "statement role");
    }
    if let Some((_, span)) = &st.grade {
        check_span(text, span, "statement grade");
    }
}
