//! The body HTML a build makes in the parse stage, kept on disk until the render stage.
//!
//! A build needs every page parsed before it renders any (a link is checked against the
//! anchors of the page it points to), and a site's HTML is too big to hold: 163 MB for the
//! 10,000 pages of the synthetic benchmark corpus, against a 300 MiB budget for the whole
//! build. Parsing each page twice, once to check it and once to render it, cost a third
//! of a build's instructions. So a build's parse stage renders each body's HTML in the
//! same pass of the Markdown parser ([`crate::parse::markdown::parse_body`]) and appends
//! it to one unnamed temporary file beside the output directory; the render stage reads
//! each page's HTML back. The kernel keeps the file in its page cache (it is deleted as
//! soon as it is closed, and has no name meanwhile), so it costs a copy in and a copy
//! out, not a parse.
//!
//! The spill is an optimisation only: when it cannot be made or written, or holds nothing
//! for a page, the page is parsed again when rendered ([`crate::parse::ParsedPage::html`]).

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::error::{Error, Result};

/// Pages' body HTML in an unnamed temporary file, by page path, all rendered with one
/// base path. Shared by the threads of the parse stage (which append) and of the render
/// stage (which read); the file is deleted when the spill is dropped.
#[derive(Debug)]
pub struct HtmlSpill {
    file: File,
    /// The base path the HTML was rendered with (`""` or `/handbook`).
    base_path: String,
    /// Bytes reserved in the file so far: where the next page's HTML goes.
    end: AtomicU64,
    /// Page path (as in [`crate::source::SourceFile::path`]) → byte offset and length of
    /// its HTML in the file.
    pages: Mutex<HashMap<String, (u64, usize)>>,
}

impl HtmlSpill {
    /// An empty spill in an unnamed temporary file in `dir`, for HTML whose root-relative
    /// links carry `base_path`.
    ///
    /// Errors: [`Error::Io`] naming `dir` when no file can be made there (on platforms
    /// without positioned file I/O, always).
    pub fn new(dir: &Path, base_path: &str) -> Result<HtmlSpill> {
        if !cfg!(unix) {
            return Err(Error::io(
                "cannot keep HTML in",
                dir,
                std::io::ErrorKind::Unsupported.into(),
            ));
        }
        let file = tempfile::tempfile_in(dir)
            .map_err(|e| Error::io("cannot make a temporary file in", dir, e))?;
        Ok(HtmlSpill {
            file,
            base_path: base_path.to_string(),
            end: AtomicU64::new(0),
            pages: Mutex::new(HashMap::new()),
        })
    }

    /// The base path the HTML is rendered with.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// Keeps `html` as the body HTML of the page at `path`. When it cannot be written,
    /// nothing is kept: the page is parsed again when it is rendered.
    pub fn put(&self, path: &str, html: &str) {
        let len = html.len();
        let at = self.end.fetch_add(len as u64, Ordering::Relaxed);
        if write_at(&self.file, html.as_bytes(), at).is_ok() {
            self.pages
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(path.to_string(), (at, len));
        }
    }

    /// The HTML kept for the page at `path`, if it was rendered with `base_path`; `None`
    /// when it was not kept, the base path differs, or it cannot be read back.
    pub fn get(&self, path: &str, base_path: &str) -> Option<String> {
        if base_path != self.base_path {
            return None;
        }
        let (at, len) = *self
            .pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)?;
        let mut bytes = vec![0; len];
        read_at(&self.file, &mut bytes, at).ok()?;
        String::from_utf8(bytes).ok()
    }

    /// How many pages' HTML it holds.
    pub fn len(&self) -> usize {
        self.pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether it holds no page's HTML.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_page_and_only_for_its_base_path() {
        let dir = tempfile::tempdir().unwrap();
        let spill = HtmlSpill::new(dir.path(), "/handbook").unwrap();
        assert!(spill.is_empty());
        spill.put("content/a.md", "<p>a é</p>\n");
        spill.put("content/b.md", "");
        spill.put("content/c.md", "<h2 id=\"x\">X</h2>\n");
        assert_eq!(spill.len(), 3);
        assert_eq!(spill.base_path(), "/handbook");
        assert_eq!(
            spill.get("content/a.md", "/handbook").as_deref(),
            Some("<p>a é</p>\n")
        );
        assert_eq!(spill.get("content/b.md", "/handbook").as_deref(), Some(""));
        assert_eq!(
            spill.get("content/c.md", "/handbook").as_deref(),
            Some("<h2 id=\"x\">X</h2>\n")
        );
        // Read again: a page can be rendered more than once.
        assert!(spill.get("content/a.md", "/handbook").is_some());
        assert_eq!(spill.get("content/a.md", ""), None);
        assert_eq!(spill.get("content/d.md", "/handbook"), None);
        // Nothing is left in the directory: the file has no name.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn threads_append_without_overlapping() {
        use rayon::prelude::*;
        let dir = tempfile::tempdir().unwrap();
        let spill = HtmlSpill::new(dir.path(), "").unwrap();
        let html = |i: usize| format!("<p>{}</p>\n", "x".repeat(i % 97));
        (0..500)
            .into_par_iter()
            .for_each(|i| spill.put(&format!("p{i}.md"), &html(i)));
        for i in 0..500 {
            assert_eq!(spill.get(&format!("p{i}.md"), "").unwrap(), html(i));
        }
    }
}
