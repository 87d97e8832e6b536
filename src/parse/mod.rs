//! Parse: turn each discovered page into a [`ParsedPage`], in parallel (rayon), pure per
//! file. Reading is part of this stage so a file that is not UTF-8 or cannot be read
//! becomes an `encoding` diagnostic for that page alone; the others go on.
//!
//! Everything later stages need from a page's text is read here, its job family
//! included ([`crate::model::ladder::extract`]), so that the text can be dropped as soon
//! as the page is parsed: a site's texts are never all in memory at once.

pub mod cache;
pub mod front_matter;
pub mod html_scan;
pub mod markdown;
pub mod mojibake;
mod readahead;
pub mod spill;

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Rule};
use crate::discover::FoundFile;
use crate::model::ladder::JobFamily;
use crate::source::SourceFile;
use readahead::ReadAhead;

pub use front_matter::FrontMatter;
pub use markdown::{
    Anchor, AnchorRef, AnchorSource, Anchors, Heading, Link, LinkKind, Markdown, TocEntry,
};

/// One page after parsing: everything later stages need from its text, read while the
/// text is at hand. Pages read from disk by [`parse_file`] then drop their text
/// ([`SourceFile::release_text`]); a build hands the body HTML made in the same pass to
/// a [`KeepHtml`] (which renders the page at once, or keeps the HTML in a [`spill`]),
/// else rendering reads the file again.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ParsedPage {
    /// The file (its text released once parsed from disk).
    #[serde(with = "crate::source::record")]
    pub source: SourceFile,
    /// Its front matter (empty when missing or unreadable).
    pub front_matter: FrontMatter,
    /// Byte offset in the file where the Markdown body starts.
    pub body_start: usize,
    /// Headings, anchors and links of the body (its HTML is not kept here: a build hands
    /// it to a [`KeepHtml`], else [`ParsedPage::html`] makes it when the page is
    /// rendered).
    pub markdown: Markdown,
    /// The page's title as the site shows it: front matter `title`, else the first
    /// `# heading`, else made from the file name.
    pub title: String,
    /// The job family the page describes, if it is one. Its `page` index is 0 here; the
    /// site sets it ([`crate::model::Site::new`] moves it into `Site::families`).
    pub family: Option<JobFamily>,
    /// Byte span of the front matter's `title:` line, or `0..0`.
    pub title_line: Range<usize>,
    /// Text decoded with the wrong code page: (byte span, the text as written, the text
    /// it should read).
    pub mojibake: Vec<(Range<usize>, String, String)>,
    /// Whether the page has no content.
    pub blank: Blank,
}

/// Whether a page has content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Blank {
    /// It has content below its front matter.
    No,
    /// The file is empty (or only whitespace).
    File,
    /// It has front matter and nothing below it.
    Body,
}

impl ParsedPage {
    /// The body rendered to HTML, root-relative links prefixed with `base_path` (`""` or
    /// `/handbook`). Parses the body again (pages are kept without their HTML), from the
    /// file when its text was released.
    ///
    /// Errors: [`crate::Error::Io`] when the file cannot be read again, and
    /// [`crate::Error::Changed`] when it changed since it was parsed.
    pub fn html(&self, base_path: &str) -> crate::error::Result<String> {
        let file = self.source.with_text()?;
        Ok(markdown::render_body(
            &file,
            self.body_start,
            base_path,
            &self.markdown.headings,
        ))
    }
}

/// The outcome of parsing every page.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Pages that could be read, in the order given (shared: the model and a live
    /// preview's cache hold the same page).
    pub pages: Vec<Arc<ParsedPage>>,
    /// Findings made while reading and parsing.
    pub diagnostics: Vec<Diagnostic>,
}

/// Gathers each file's page (none when it could not be read) and findings, in order.
impl FromIterator<(Option<Arc<ParsedPage>>, Vec<Diagnostic>)> for Parsed {
    fn from_iter<I: IntoIterator<Item = (Option<Arc<ParsedPage>>, Vec<Diagnostic>)>>(
        results: I,
    ) -> Parsed {
        let mut parsed = Parsed::default();
        for (page, diags) in results {
            parsed.pages.extend(page);
            parsed.diagnostics.extend(diags);
        }
        parsed
    }
}

/// What a build does with each page's body HTML, made in the same pass of the Markdown
/// parser as the page's parse ([`crate::render::early::EarlyPages`]): render the page at
/// once, or keep the HTML until the render stage ([`spill::HtmlSpill`]). Called from the
/// parse stage's threads.
pub trait KeepHtml: Sync {
    /// The base path the HTML's root-relative links are made with (`""` or `/handbook`).
    fn base_path(&self) -> &str;
    /// Takes the body HTML of `page` (whose `markdown.html` is empty and whose text is
    /// already released). Never fails: what it cannot keep, rendering makes again.
    fn keep(&self, page: &ParsedPage, html: String);
}

/// Reads and parses `files` in parallel. `content_prefix` is the site-root-relative path
/// of `content/` (normally `content`), used for diagnostic paths. With `keep`, each
/// page's body HTML is rendered in the same pass of the Markdown parser and handed to it.
pub fn parse_all(files: &[FoundFile], content_prefix: &str, keep: Option<&dyn KeepHtml>) -> Parsed {
    // Files not in the page cache are read ahead, many at a time ([`readahead`]).
    let ahead = ReadAhead::new(files);
    let base_path = keep.map(|k| k.base_path());
    // Each page goes into its `Arc` on the thread that parsed it: the main thread only
    // gathers pointers.
    let results: Vec<(Option<Arc<ParsedPage>>, Vec<Diagnostic>)> = parse_keeping(
        files,
        keep,
        |f| {
            let (page, diags, html) = read_and_parse(f, content_prefix, base_path, Some(&ahead));
            ((page.map(Arc::new), diags), Some(html))
        },
        |(page, _)| page.as_deref(),
    );
    results.into_iter().collect()
}

/// `parse` run over `files` in parallel, its results in the order of `files`. `parse`
/// gives a result and, for a page it parsed, the body HTML made in the same pass; with
/// `keep`, that HTML is handed to it with the page `page_of` finds in the result. A
/// thread then parses a batch of [`KEEP_BATCH`] files before it hands their HTML over
/// (a build renders them then). The one place a parse stage calls [`KeepHtml::keep`]:
/// [`parse_all`] and the parse cache's ([`cache::parse_all`]) both go through it.
pub(crate) fn parse_keeping<T: Send>(
    files: &[FoundFile],
    keep: Option<&dyn KeepHtml>,
    parse: impl Fn(&FoundFile) -> (T, Option<String>) + Sync,
    page_of: impl Fn(&T) -> Option<&ParsedPage> + Sync,
) -> Vec<T> {
    let Some(keep) = keep else {
        return files.par_iter().map(|f| parse(f).0).collect();
    };
    files
        .par_chunks(KEEP_BATCH)
        .flat_map_iter(|batch| {
            let parsed: Vec<(T, Option<String>)> = batch.iter().map(&parse).collect();
            parsed.into_iter().map(|(result, html)| {
                if let (Some(html), Some(page)) = (html, page_of(&result)) {
                    keep.keep(page, html);
                }
                result
            })
        })
        .collect()
}

/// How many pages a thread of a build's parse stage parses before it hands their HTML
/// to the [`KeepHtml`] (which renders them). Parsing one page and rendering it, page by
/// page, kept neither the parser's nor the renderer's code and data in the processor's
/// caches: every part of the parse took longer (by perf samples of 10,000-page builds:
/// pulldown-cmark +16%, YAML +60%, allocation +30%), and the build took about as much CPU
/// as keeping all the HTML in a temporary file until a render stage. In 8 builds of
/// 10,000 pages each, batches of 8, 32 and 128 pages took 3.6%, 4.1% and 8.1% less CPU
/// than page by page (2.135, 2.125 and 2.035 s against 2.215 s); in 10 builds each,
/// batches of 32 to 512 pages measured within the machine's noise of one another, the
/// peak memory 260 MiB for 32 and 273 MiB for 512. The HTML of a batch is about 2 MB.
const KEEP_BATCH: usize = 128;

/// Reads and parses one discovered page: the page (`None` when it cannot be read or is
/// not UTF-8: then an `encoding` diagnostic says why) and the findings of parsing it.
/// Paths in diagnostics are `<content_prefix>/<rel_path>`.
pub fn parse_file(f: &FoundFile, content_prefix: &str) -> (Option<ParsedPage>, Vec<Diagnostic>) {
    let (page, diags, _) = read_and_parse(f, content_prefix, None, None);
    (page, diags)
}

/// [`parse_file`], and with `html_base_path`, the page's body HTML made in the same pass
/// of the Markdown parser (root-relative links prefixed with it), returned beside the
/// page (else empty). The file is read through `ahead` when given (the parse stage's
/// [`ReadAhead`]).
pub(crate) fn read_and_parse(
    f: &FoundFile,
    content_prefix: &str,
    html_base_path: Option<&str>,
    ahead: Option<&ReadAhead>,
) -> (Option<ParsedPage>, Vec<Diagnostic>, String) {
    let path = format!("{content_prefix}/{}", f.rel_path);
    let read = match ahead {
        Some(ahead) => ahead.read(&f.disk_path),
        None => std::fs::read(&f.disk_path),
    };
    match read {
        Ok(bytes) => match decode(&path, bytes) {
            Ok(text) => {
                let file = SourceFile::new(path, f.rel_path.clone(), f.disk_path.clone(), text);
                let mut diags = Vec::new();
                // A byte search: a NUL byte is always the char U+0000 in UTF-8.
                if let Some(at) = memchr::memchr(0, file.text().as_bytes()) {
                    diags.push(
                        Diagnostic::at(
                            Rule::Encoding,
                            &file,
                            at..at + 1,
                            "the file contains a NUL byte (U+0000), which text files do not; browsers show it as �",
                            "remove it: the file may be damaged, or binary data saved with a .md name",
                        )
                        .with_severity(crate::diagnostic::Severity::Warning)
                        .with_key("nul"),
                    );
                }
                let mut page = parse_page_with(file, html_base_path, &mut diags);
                let html = std::mem::take(&mut page.markdown.html);
                page.source.release_text();
                (Some(page), diags, html)
            }
            Err(d) => (None, vec![*d], String::new()),
        },
        Err(e) => (
            None,
            vec![
                Diagnostic::in_file(
                    Rule::Encoding,
                    &path,
                    1,
                    1,
                    format!("cannot read the file: {e}"),
                    "check the file's permissions; the page was skipped",
                )
                .with_key("unreadable"),
            ],
            String::new(),
        ),
    }
}

/// Parses one page that has been read: front matter, Markdown, its job family, and
/// the text checks that need the text itself. The text is kept (see [`parse_file`]).
pub fn parse_page(file: SourceFile, diags: &mut Vec<Diagnostic>) -> ParsedPage {
    parse_page_with(file, None, diags)
}

/// [`parse_page`], with the body's HTML in `markdown.html` when `html_base_path` is given
/// (root-relative links prefixed with it).
fn parse_page_with(
    file: SourceFile,
    html_base_path: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> ParsedPage {
    let split = front_matter::split(&file, diags);
    let markdown = match html_base_path {
        Some(base_path) => markdown::parse_body(&file, split.body_start, base_path, diags),
        None => markdown::scan_body(&file, split.body_start, diags),
    };
    let text = file.text();
    if split.absent && !text.trim().is_empty() && !markdown.headings.iter().any(|h| h.level == 1) {
        diags.push(
            Diagnostic::at(
                Rule::FrontMatter,
                &file,
                0..0,
                "the page has no front matter and no `# heading`, so it has no title",
                "start the file with front matter: a line `---`, `title: \"…\"`, and a line `---`",
            )
            .with_key("missing-title"),
        );
    }
    let blank = if !text[split.body_start..].trim().is_empty() {
        Blank::No
    } else if text.trim().is_empty() {
        Blank::File
    } else {
        Blank::Body
    };
    let mojibake = mojibake::find_mojibake(text)
        .into_iter()
        .map(|(range, fixed)| (range.clone(), text[range].to_string(), fixed))
        .collect();
    let title_line = title_line(&text[..split.body_start]);
    let mut page = ParsedPage {
        front_matter: split.front_matter,
        body_start: split.body_start,
        markdown,
        title: String::new(),
        family: None,
        title_line,
        mojibake,
        blank,
        source: file,
    };
    page.title = crate::model::page_title(&page);
    page.family = crate::model::ladder::extract(&page);
    // Kept for the whole build: give back what growing them left spare.
    page.markdown.headings.shrink_to_fit();
    page.markdown.non_heading_anchors.shrink_to_fit();
    page.markdown.paragraph_anchors.shrink_to_fit();
    page.markdown.links.shrink_to_fit();
    page
}

/// The span of the front matter's `title:` line in `matter` (the text before the body),
/// or `0..0`.
fn title_line(matter: &str) -> Range<usize> {
    let mut at = 0;
    for line in matter.split_inclusive('\n') {
        if line.starts_with("title:") || line.starts_with("title =") {
            return at..at + line.trim_end().len();
        }
        at += line.len();
    }
    0..0
}

/// UTF-8 text of a file, as read (its byte-order mark is removed by
/// [`SourceFile::new`], as on every read again), or an `encoding` error at the line and
/// column of the first invalid byte.
pub fn decode(path: &str, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let valid_up_to = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let before = String::from_utf8_lossy(&bytes[..valid_up_to]);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(Box::new(
                Diagnostic::in_file(
                    Rule::Encoding,
                    path,
                    line,
                    column,
                    format!(
                        "the file is not UTF-8: byte 0x{:02X} at offset {valid_up_to} is invalid",
                        bytes[valid_up_to]
                    ),
                    "re-save the file as UTF-8; the page was skipped",
                )
                .with_key("not-utf8"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let d = decode("content/x.md", b"---\ntitle: caf\xe9\n---\n".to_vec()).unwrap_err();
        assert_eq!((d.line, d.column), (2, 11));
        assert!(d.message.contains("0xE9"));
    }

    #[test]
    fn a_page_without_front_matter_needs_a_heading_for_its_title() {
        let parse = |text: &str| {
            let file = SourceFile::for_test("p.md", text);
            let mut diags = Vec::new();
            parse_page(file, &mut diags);
            diags
        };
        assert!(parse("# Title\n\nText\n").is_empty());
        let d = parse("Just text.\n");
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].rule, d[0].line, d[0].column),
            (Rule::FrontMatter, 1, 1)
        );
    }

    /// A page `p.md` holding `text` in a fresh folder (kept while the guard lives), as
    /// discovery finds it.
    fn page_on_disk(text: &str) -> (tempfile::TempDir, FoundFile) {
        let dir = tempfile::tempdir().unwrap();
        let disk_path = dir.path().join("p.md");
        std::fs::write(&disk_path, text).unwrap();
        let found = FoundFile {
            rel_path: "p.md".into(),
            disk_path,
        };
        (dir, found)
    }

    #[test]
    fn a_page_read_from_disk_drops_its_text_and_renders_from_the_file() {
        let (_dir, found) = page_on_disk("---\ntitle: P\n---\n\n## Café\n\nText.\n");
        let (page, diags) = parse_file(&found, "content");
        let page = page.unwrap();
        assert!(diags.is_empty());
        assert_eq!(page.title, "P");
        assert_eq!(page.markdown.headings[0].id, "café");
        assert!(page.html("").unwrap().contains("<h2 id=\"café\""));
        // Edited after the parse: rendering the old parse would misplace every span.
        std::fs::write(&found.disk_path, "---\ntitle: P\n---\n\nNew.\n").unwrap();
        assert!(matches!(page.html(""), Err(crate::Error::Changed { .. })));
    }

    #[test]
    fn bom_is_removed() {
        let file = SourceFile::for_test("x.md", "\u{feff}---\n");
        assert_eq!(file.text(), "---\n");
    }

    #[test]
    fn a_page_starting_with_two_byte_order_marks_renders_from_its_file() {
        // One mark is removed, on the first read as on the read again for rendering: the
        // second is text, and the page is the same both times (not "changed").
        let (_dir, found) = page_on_disk("\u{feff}\u{feff}# T\n\nBody\n");
        let (page, _) = parse_file(&found, "content");
        let page = page.unwrap();
        assert!(page.source.is_released());
        let html = page.html("").unwrap();
        assert!(html.contains("Body"), "{html}");
    }
}
