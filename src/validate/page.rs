//! Rules that look at one page alone: `heading-skip`, `duplicate-anchor`,
//! `encoding` (mojibake) and `empty-page`.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::model::Page;
use crate::parse::AnchorSource;

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
    for a in &page.parsed.markdown.anchors {
        if a.source != AnchorSource::Explicit {
            continue;
        }
        match first.get(a.id.as_str()) {
            None => {
                first.insert(&a.id, a.span.start);
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
                    .with_key(a.id.clone()),
                );
            }
        }
    }
}

/// The Windows-1252 byte each char stands for, for chars that code page maps from
/// 0x80–0xBF (UTF-8 continuation bytes); `None` for others.
fn cp1252_continuation(c: char) -> Option<u8> {
    let byte = match c {
        '\u{A0}'..='\u{BF}' => c as u32 as u8,
        '€' => 0x80,
        '\u{81}' => 0x81,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        '\u{8D}' => 0x8D,
        'Ž' => 0x8E,
        '\u{8F}' => 0x8F,
        '\u{90}' => 0x90,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        '\u{9D}' => 0x9D,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(byte)
}

/// Whether `c` is a char that mis-decoded Western text plausibly stood for: Latin-1 and
/// Latin Extended letters, general punctuation (’ “ — …), €, ™. Sequences that decode to
/// anything else (CJK, NKo) are accented letters followed by real punctuation, as in
/// `„Spaß“` or `résumé—“`, not mojibake.
fn plausible(c: char) -> bool {
    matches!(c, '\u{A0}'..='\u{24F}' | '\u{2010}'..='\u{206F}' | '\u{20AC}' | '\u{2122}')
}

/// Finds text that is UTF-8 decoded as Windows-1252 (`GitLabâ€™s`): a lead char
/// U+00C2–U+00F4 followed by the continuation chars of a valid UTF-8 sequence. Returns
/// (byte range, the text it should read).
pub fn find_mojibake(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut found = Vec::new();
    // Every lead char (U+00C2–U+00F4) is encoded starting with byte 0xC3: most pages
    // have none, and a byte search is far cheaper than decoding every char.
    if !text.as_bytes().contains(&0xC3) {
        return found;
    }
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        let needed = match c {
            '\u{C2}'..='\u{DF}' => 1,
            '\u{E0}'..='\u{EF}' => 2,
            '\u{F0}'..='\u{F4}' => 3,
            _ => continue,
        };
        let mut bytes = vec![c as u32 as u8];
        let mut end = start + c.len_utf8();
        let mut lookahead = iter.clone();
        for _ in 0..needed {
            match lookahead.next() {
                Some((i, next)) => match cp1252_continuation(next) {
                    Some(b) => {
                        bytes.push(b);
                        end = i + next.len_utf8();
                    }
                    None => break,
                },
                None => break,
            }
        }
        if bytes.len() == needed + 1
            && let Ok(fixed) = String::from_utf8(bytes)
            && fixed.chars().all(plausible)
        {
            found.push((start..end, fixed));
            iter = lookahead;
        }
    }
    found
}

fn mojibake(page: &Page, diags: &mut Vec<Diagnostic>) {
    let file = &page.parsed.source;
    for (range, fixed) in find_mojibake(&file.text) {
        let bad = &file.text[range.clone()];
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
    if !file.text[page.parsed.body_start..].trim().is_empty() {
        return;
    }
    let message = if file.text.trim().is_empty() {
        "the file is empty".to_string()
    } else {
        "the page has front matter but no content".to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mojibake_is_found_and_fixed() {
        let found = find_mojibake("GitLabâ€™s values and cafÃ© Â· ok");
        let fixed: Vec<_> = found.iter().map(|(_, f)| f.as_str()).collect();
        assert_eq!(fixed, ["’", "é", "·"]);
    }

    #[test]
    fn real_accents_are_not_mojibake() {
        assert!(find_mojibake("café, naïve, Zürich, “quotes” — dash, 日本").is_empty());
        // A lone Â or â followed by ordinary text is not a sequence.
        assert!(find_mojibake("Â la carte, â test").is_empty());
        assert!(find_mojibake("Das macht „Spaß“. Her résumé—“quoted”—was long.").is_empty());
    }
}
