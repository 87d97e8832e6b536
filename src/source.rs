//! Source files and positions: the one owner of "byte offset → line:column".
//!
//! Every finding `ladder` reports points into the *original* file text, front matter
//! included. Offsets are byte offsets into [`SourceFile::text`]; lines are 1-based and
//! columns are 1-based counts of Unicode scalar values (chars), as editors show them.

use std::borrow::Cow;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::error::{Error, Result};

/// One file read from `content/`.
///
/// A page's text is needed while it is parsed. After that, [`SourceFile::release_text`]
/// drops it (a 10,000-page site holds 124 MB of text), keeping a line index that
/// locates findings without it, and the text's length and hash, so that a later
/// re-read ([`SourceFile::read_text`]) is known to be the same text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators, e.g. `content/a/b.md`.
    pub path: String,
    /// Path relative to `content/`, with `/` separators, e.g. `a/b.md`.
    pub rel_path: String,
    /// Absolute (or root-joined) path on disk, for error messages and re-reading.
    pub disk_path: PathBuf,
    /// The text as read (see [`SourceFile::text`]); empty once released.
    text: String,
    /// Length and hash of the text, once released.
    released: Option<Digest>,
    /// The text read again after its release, for a source line or a column on a line
    /// that is not ASCII; `None` inside when the file changed or cannot be read.
    reread: OnceLock<Option<String>>,
    /// Line starts of the text, computed the first time a position is asked for (most
    /// pages never have a finding), or on release.
    lines: OnceLock<LineIndex>,
}

/// Length in bytes and xxh3 hash of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Digest {
    len: usize,
    hash: u64,
}

impl Digest {
    fn of(text: &str) -> Digest {
        Digest {
            len: text.len(),
            hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
        }
    }
}

impl SourceFile {
    /// Builds a source file from its text (the line index is made when first needed).
    /// A leading byte-order mark is dropped and lone CRs become LF here (`as_held`),
    /// once, so that every reader (front matter, pulldown-cmark, which reads only LF and
    /// CRLF as line ends, job-family extraction) sees one kind, and a re-read matches.
    pub fn new(path: String, rel_path: String, disk_path: PathBuf, text: String) -> Self {
        SourceFile {
            path,
            rel_path,
            disk_path,
            text: as_held(text),
            released: None,
            reread: OnceLock::new(),
            lines: OnceLock::new(),
        }
    }

    /// The full text of the file as read, a leading byte-order mark removed and each lone
    /// CR (old Mac line ends) read as LF: the same length, so every offset is the file's.
    ///
    /// After [`SourceFile::release_text`], the file is read again the first time this is
    /// asked (and kept); `""` when it changed since or cannot be read. Parsing runs
    /// before the release; later stages ask only for pages with findings. To use the
    /// text once without keeping it, use [`SourceFile::read_text`].
    pub fn text(&self) -> &str {
        match self.released {
            None => &self.text,
            Some(digest) => self
                .reread
                .get_or_init(|| read_again(&self.disk_path, digest).ok())
                .as_deref()
                .unwrap_or(""),
        }
    }

    /// The text, without keeping a copy: borrowed while it is held, read from disk after
    /// [`SourceFile::release_text`].
    ///
    /// Errors: [`Error::Io`] naming the file when it cannot be read again, and
    /// [`Error::Changed`] when it no longer holds the text that was parsed.
    pub fn read_text(&self) -> Result<Cow<'_, str>> {
        let Some(digest) = self.released else {
            return Ok(Cow::Borrowed(&self.text));
        };
        if let Some(Some(text)) = self.reread.get() {
            return Ok(Cow::Borrowed(text));
        }
        read_again(&self.disk_path, digest).map(Cow::Owned)
    }

    /// This file with its text held: itself while it holds it, else a copy holding the
    /// text read again ([`SourceFile::read_text`], with its errors).
    pub fn with_text(&self) -> Result<Cow<'_, SourceFile>> {
        Ok(match self.read_text()? {
            Cow::Borrowed(_) => Cow::Borrowed(self),
            Cow::Owned(text) => Cow::Owned(SourceFile {
                path: self.path.clone(),
                rel_path: self.rel_path.clone(),
                disk_path: self.disk_path.clone(),
                text,
                released: None,
                reread: OnceLock::new(),
                lines: self.lines.clone(),
            }),
        })
    }

    /// Drops the text, keeping what locates a position without it: the line index, and
    /// which lines are all ASCII (where a column is a byte count). Does nothing for a
    /// text of 4 GiB or more, whose offsets the index cannot hold.
    pub fn release_text(&mut self) {
        if self.released.is_some() || u32::try_from(self.text.len()).is_err() {
            return;
        }
        self.lines();
        self.released = Some(Digest::of(&self.text));
        self.text = String::new();
    }

    /// Whether the text was dropped by [`SourceFile::release_text`].
    pub fn is_released(&self) -> bool {
        self.released.is_some()
    }

    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The 1-based line and column of byte `offset` (clamped to the text). After the
    /// release, a column on a line that is not ASCII needs the text again; when the file
    /// changed, it is counted in bytes instead.
    pub fn position(&self, offset: usize) -> Position {
        let lines = self.lines();
        if self.released.is_some() {
            if let Some(p) = lines.ascii_position(offset) {
                return p;
            }
            let text = self.text();
            if text.is_empty() {
                return lines.byte_position(offset);
            }
            return lines.position(text, offset);
        }
        lines.position(&self.text, offset)
    }

    /// The text of the 1-based line `line`, without its line break (empty if out of
    /// range, or when the file changed since it was released).
    pub fn line_text(&self, line: usize) -> &str {
        self.lines().line_text(self.text(), line)
    }
}

/// A released [`SourceFile`] as the parse cache keeps it ([`crate::parse::cache`]): its
/// paths, the length and hash of its text, and its line index. A file whose text is
/// still held is refused (there is nothing to check a re-read against).
pub(crate) mod record {
    use super::{Digest, LineIndex, SourceFile};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::path::PathBuf;
    use std::sync::OnceLock;

    #[derive(Serialize, Deserialize)]
    struct Record {
        path: String,
        rel_path: String,
        disk_path: PathBuf,
        len: usize,
        hash: u64,
        lines: LineIndex,
    }

    pub fn serialize<S: Serializer>(file: &SourceFile, s: S) -> Result<S::Ok, S::Error> {
        let (Some(digest), Some(lines)) = (file.released, file.lines.get()) else {
            return Err(serde::ser::Error::custom("the text was not released"));
        };
        Record {
            path: file.path.clone(),
            rel_path: file.rel_path.clone(),
            disk_path: file.disk_path.clone(),
            len: digest.len,
            hash: digest.hash,
            lines: lines.clone(),
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SourceFile, D::Error> {
        let r = Record::deserialize(d)?;
        Ok(SourceFile {
            path: r.path,
            rel_path: r.rel_path,
            disk_path: r.disk_path,
            text: String::new(),
            released: Some(Digest {
                len: r.len,
                hash: r.hash,
            }),
            reread: OnceLock::new(),
            lines: OnceLock::from(r.lines),
        })
    }
}

/// The text of `disk_path` read again, as [`SourceFile::new`] has it.
///
/// Errors: [`Error::Io`] naming the file when it cannot be read, [`Error::Changed`] when
/// it is no longer the text of `digest` (or no longer UTF-8).
fn read_again(disk_path: &std::path::Path, digest: Digest) -> Result<String> {
    let bytes = std::fs::read(disk_path).map_err(|e| Error::io("cannot read", disk_path, e))?;
    normalize(bytes)
        .filter(|t| Digest::of(t) == digest)
        .ok_or_else(|| Error::Changed {
            path: disk_path.to_path_buf(),
        })
}

/// A file's bytes as the text a [`SourceFile`] holds ([`as_held`]); `None` when not
/// UTF-8.
fn normalize(bytes: Vec<u8>) -> Option<String> {
    String::from_utf8(bytes).ok().map(as_held)
}

/// `text` as a [`SourceFile`] holds it, whether first read or read again: without a
/// byte-order mark, lone CRs read as LF.
fn as_held(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    lone_cr_to_lf(text)
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
    // memchr's SIMD search: every page's whole text goes through here, at each read.
    let has_lone = memchr::memchr_iter(b'\r', text.as_bytes())
        .any(|i| text.as_bytes().get(i + 1) != Some(&b'\n'));
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

/// Byte offsets of the start of every line of a text, and which lines are not ASCII.
///
/// A line ends at `\n`; a `\r` before it belongs to the line break, and a lone `\r`
/// (old Mac line endings) also ends a line, as editors treat it. Offsets are held as
/// `u32` (a [`SourceFile`] releases only a text under 4 GiB): in a bigger text, every
/// position past 4 GiB is given on the line holding byte 4 GiB.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// 0-based numbers of the lines holding a byte that is not ASCII, ascending.
    non_ascii: Vec<u32>,
    /// Length of the text in bytes.
    len: usize,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut non_ascii = Vec::new();
        let mut line_start = 0;
        // Most pages are all ASCII: then no line needs looking at.
        let ascii = bytes.is_ascii();
        if ascii && memchr::memchr(b'\r', bytes).is_none() {
            // Most pages, again: no CR either, so every line ends at a `\n`, found with a
            // one-byte search.
            starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| saturate(i + 1)));
            starts.shrink_to_fit();
            return LineIndex {
                starts,
                non_ascii,
                len: text.len(),
            };
        }
        let mut end_line = |starts: &mut Vec<u32>, non_ascii: &mut Vec<u32>, end: usize| {
            if !ascii && !bytes[line_start..end].is_ascii() {
                non_ascii.push(saturate(starts.len() - 1));
            }
            starts.push(saturate(end));
            line_start = end;
        };
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            match bytes[i] {
                b'\n' => end_line(&mut starts, &mut non_ascii, i + 1),
                _ if bytes.get(i + 1) != Some(&b'\n') => {
                    end_line(&mut starts, &mut non_ascii, i + 1)
                }
                _ => {}
            }
        }
        if !ascii && !bytes[line_start..].is_ascii() {
            non_ascii.push(saturate(starts.len() - 1));
        }
        starts.shrink_to_fit();
        LineIndex {
            starts,
            non_ascii,
            len: text.len(),
        }
    }

    /// Number of lines (a text without line breaks has one).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Always false: every text has at least one line.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The 0-based line holding byte `offset` (at most the text's length).
    fn line_of(&self, offset: usize) -> usize {
        let offset = saturate(offset);
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The 1-based position of byte `offset` in `text`; an offset inside a multi-byte
    /// char or past the end is clamped to the nearest char boundary before it.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.starts[line] as usize;
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The position of byte `offset` (clamped to the text) when its line is all ASCII,
    /// where a column is a count of bytes: no text needed. `None` on any other line.
    pub fn ascii_position(&self, offset: usize) -> Option<Position> {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        if self.non_ascii.binary_search(&saturate(line)).is_ok() {
            return None;
        }
        Some(self.byte_position(offset))
    }

    /// The position of byte `offset` (clamped to the text) with the column counted in
    /// bytes: the fallback when the text is gone.
    pub fn byte_position(&self, offset: usize) -> Position {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        Position {
            line: line + 1,
            column: offset - self.starts[line] as usize + 1,
        }
    }

    /// Byte range of the 1-based `line`, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let Some(start) = line
            .checked_sub(1)
            .and_then(|i| self.starts.get(i))
            .map(|&s| s as usize)
            .filter(|&s| s <= text.len())
        else {
            return text.len()..text.len();
        };
        let mut end = self
            .starts
            .get(line)
            .map_or(text.len(), |&e| (e as usize).min(text.len()));
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    /// The text of the 1-based `line`, without its line break.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        text.get(self.line_range(text, line)).unwrap_or("")
    }
}

/// `n` as `u32`, or `u32::MAX` when larger (only for texts that are never released).
fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
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
    fn lf_only_ascii_texts_index_every_line() {
        assert_eq!(LineIndex::new("").len(), 1);
        assert_eq!(LineIndex::new("a\n").len(), 2);
        let text = "one\n\nthree\nfour";
        let index = LineIndex::new(text);
        assert_eq!(index.len(), 4);
        assert_eq!(index.line_text(text, 3), "three");
        assert_eq!(
            index.ascii_position(text.len()),
            Some(Position { line: 4, column: 5 })
        );
        // One CR anywhere, or one byte that is not ASCII, takes the general path.
        let index = LineIndex::new("a\nb\rc\n");
        assert_eq!(index.len(), 4);
        let text = "a\né\nc";
        let index = LineIndex::new(text);
        assert_eq!(index.ascii_position(2), None);
        assert_eq!(
            index.ascii_position(text.len()),
            Some(Position { line: 3, column: 2 })
        );
    }

    /// A released file at a temp path holding `bytes`, and the text it was parsed from.
    fn released(bytes: &[u8]) -> (tempfile::TempDir, SourceFile) {
        let dir = tempfile::tempdir().unwrap();
        let disk = dir.path().join("p.md");
        std::fs::write(&disk, bytes).unwrap();
        let text = normalize(bytes.to_vec()).unwrap();
        let mut file = SourceFile::new("content/p.md".into(), "p.md".into(), disk, text);
        file.release_text();
        (dir, file)
    }

    #[test]
    fn a_released_text_locates_ascii_lines_without_reading_the_file() {
        let (dir, file) = released(b"---\ntitle: X\n---\n\nSee [here](/x/).\n");
        std::fs::remove_file(dir.path().join("p.md")).unwrap();
        let at = "---\ntitle: X\n---\n\nSee [".len();
        assert_eq!(file.position(at), Position { line: 5, column: 6 });
        assert_eq!(file.position(999), Position { line: 6, column: 1 });
        // Gone from disk: a source line is no longer available, and nothing panics.
        assert_eq!(file.line_text(5), "");
        assert!(matches!(file.read_text(), Err(Error::Io { .. })));
    }

    #[test]
    fn a_released_text_is_read_again_for_columns_in_chars_and_source_lines() {
        let (_dir, file) = released("\u{feff}café [x](/y/)\r\nnext\rlast".as_bytes());
        let at = "café [".len();
        // 'é' is two bytes: the column needs the text, read again from the file.
        assert_eq!(file.position(at), Position { line: 1, column: 7 });
        assert_eq!(file.line_text(1), "café [x](/y/)");
        assert_eq!(file.line_text(3), "last");
        assert_eq!(file.read_text().unwrap(), "café [x](/y/)\r\nnext\nlast");
    }

    #[test]
    fn a_file_changed_after_its_release_is_refused() {
        let (dir, file) = released("héllo [x](/y/)\n".as_bytes());
        std::fs::write(dir.path().join("p.md"), "hello, changed [x](/y/)\n").unwrap();
        assert!(matches!(file.read_text(), Err(Error::Changed { .. })));
        // Positions fall back to byte columns on the line that is not ASCII.
        assert_eq!(file.position(8), Position { line: 1, column: 9 });
        assert_eq!(file.text(), "");
    }

    #[test]
    fn offsets_past_end_or_inside_a_char_are_clamped() {
        let text = "é";
        assert_eq!(pos(text, 1), (1, 1));
        assert_eq!(pos(text, 99), (1, 2));
    }
}
