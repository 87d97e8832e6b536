//! Source files and positions: the one owner of "byte offset → line:column".
//!
//! Every finding `ladder` reports points into the *original* file text, front matter
//! included. Offsets are byte offsets into [`SourceFile::text`]; lines are 1-based and
//! columns are 1-based counts of Unicode scalar values (chars), as editors show them.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

/// One file read from `content/`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators, e.g. `content/a/b.md`.
    pub path: String,
    /// Path relative to `content/`, with `/` separators, e.g. `a/b.md`.
    pub rel_path: String,
    /// Absolute (or root-joined) path on disk, for error messages and re-reading.
    pub disk_path: PathBuf,
    /// The full text of the file as read, a leading byte-order mark removed and each lone
    /// CR (old Mac line ends) read as LF: the same length, so every offset is the file's.
    pub text: String,
    /// Line starts of `text`, computed the first time a position is asked for (most
    /// pages never have a finding).
    lines: OnceLock<LineIndex>,
}

impl SourceFile {
    /// Builds a source file from its text (the line index is made when first needed).
    /// Lone CRs become LF here, once, so that every reader (front matter, pulldown-cmark,
    /// which reads only LF and CRLF as line ends, job-family extraction) sees one kind.
    pub fn new(path: String, rel_path: String, disk_path: PathBuf, text: String) -> Self {
        SourceFile {
            path,
            rel_path,
            disk_path,
            text: lone_cr_to_lf(text),
            lines: OnceLock::new(),
        }
    }

    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The 1-based line and column of byte `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        self.lines().position(&self.text, offset)
    }

    /// The text of the 1-based line `line`, without its line break (empty if out of range).
    pub fn line_text(&self, line: usize) -> &str {
        self.lines().line_text(&self.text, line)
    }
}

#[cfg(test)]
impl SourceFile {
    /// A file at `content/<rel_path>` holding `text`, for tests.
    pub(crate) fn for_test(rel_path: &str, text: &str) -> SourceFile {
        SourceFile::new(
            format!("content/{rel_path}"),
            rel_path.into(),
            rel_path.into(),
            text.into(),
        )
    }
}

/// `text` with every CR not followed by LF replaced by LF (the same length); `text`
/// itself when it has none (CRLF files are not copied).
fn lone_cr_to_lf(text: String) -> String {
    let has_lone = text
        .match_indices('\r')
        .any(|(i, _)| text.as_bytes().get(i + 1) != Some(&b'\n'));
    if !has_lone {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// A 1-based line and a 1-based column counted in chars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values from the start of the line.
    pub column: usize,
}

/// Byte offsets of the start of every line of a text.
///
/// A line ends at `\n`; a `\r` before it belongs to the line break, and a lone `\r`
/// (old Mac line endings) also ends a line, as editors treat it.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// Number of lines (a text without line breaks has one).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Always false: every text has at least one line.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The 1-based position of byte `offset` in `text`; an offset inside a multi-byte
    /// char or past the end is clamped to the nearest char boundary before it.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let column = text[self.starts[line]..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// Byte range of the 1-based `line`, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let Some(&start) = line.checked_sub(1).and_then(|i| self.starts.get(i)) else {
            return text.len()..text.len();
        };
        let mut end = self.starts.get(line).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    /// The text of the 1-based `line`, without its line break.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        &text[self.line_range(text, line)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(text: &str, offset: usize) -> (usize, usize) {
        let p = LineIndex::new(text).position(text, offset);
        (p.line, p.column)
    }

    #[test]
    fn line_one_and_columns_count_chars() {
        let text = "héllo wörld\nnext";
        assert_eq!(pos(text, 0), (1, 1));
        // 'w' is the 7th char but byte 7 because 'é' takes two bytes.
        assert_eq!(pos(text, text.find('w').unwrap()), (1, 7));
        assert_eq!(pos(text, text.find("next").unwrap()), (2, 1));
    }

    #[test]
    fn line_after_front_matter() {
        let text = "---\ntitle: X\n---\n\n## Heading [link](/x/)\n";
        let at = text.find("[link]").unwrap();
        assert_eq!(pos(text, at), (5, 12));
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "a\r\nb\rc";
        assert_eq!(pos(text, text.find('b').unwrap()), (2, 1));
        assert_eq!(pos(text, text.find('c').unwrap()), (3, 1));
        let index = LineIndex::new(text);
        assert_eq!(index.line_text(text, 1), "a");
        assert_eq!(index.line_text(text, 2), "b");
        assert_eq!(index.line_text(text, 3), "c");
        assert_eq!(index.line_text(text, 9), "");
    }

    #[test]
    fn offsets_past_end_or_inside_a_char_are_clamped() {
        let text = "é";
        assert_eq!(pos(text, 1), (1, 1));
        assert_eq!(pos(text, 99), (1, 2));
    }
}
