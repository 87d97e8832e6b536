//! The body HTML a build makes in the parse stage for pages it does not render there,
//! kept on disk until the render stage.
//!
//! A build needs every page parsed before it renders some (a folder's index page lists
//! the pages below it; see [`crate::render::early`] for the pages rendered at once), and
//! a site's HTML is too big to hold: 163 MB for the 10,000 pages of the synthetic
//! benchmark corpus, against a 300 MiB budget for the whole build. Parsing a page twice,
//! once to check it and once to render it, cost a third of a build's instructions. So the
//! HTML of a page that waits for the render stage is appended to one unnamed temporary
//! file beside the output directory, and the render stage reads it back. The kernel keeps
//! the file in its page cache (it is deleted as soon as it is closed, and has no name
//! meanwhile), so it costs a copy in and a copy out, not a parse.
//!
//! Each page's HTML starts at a multiple of 4,096 bytes, and the render stage takes it
//! out ([`HtmlSpill::take`]): on Linux the file's pages under it are handed back to the
//! kernel at once (a hole is punched), so the output written next can reuse them, and
//! closing the file at the end has nothing left to free.
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
        let at = self
            .end
            .fetch_add(whole_blocks(len as u64), Ordering::Relaxed);
        if write_at(&self.file, html.as_bytes(), at).is_ok() {
            self.pages
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(path.to_string(), (at, len));
        }
    }

    /// Takes out the HTML kept for the page at `path`, if it was rendered with
    /// `base_path`, and frees the file's room for it: a second call for the same page
    /// returns `None`. `None` also when it was not kept, the base path differs (then it
    /// stays kept), or it cannot be read back.
    pub fn take(&self, path: &str, base_path: &str) -> Option<String> {
        if base_path != self.base_path {
            return None;
        }
        let (at, len) = self
            .pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(path)?;
        let read = read_at(&self.file, len, at);
        free(&self.file, at, whole_blocks(len as u64));
        String::from_utf8(read.ok()?).ok()
    }

    /// How many pages' HTML it holds.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether it holds no page's HTML.
    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The room a page's HTML of `len` bytes takes in the file: whole 4,096-byte blocks, so
/// that the next page starts on a block of its own and [`free`] can hand back every
/// block a page used.
fn whole_blocks(len: u64) -> u64 {
    len.div_ceil(4096) * 4096
}

/// Hands the file's blocks from `at` for `len` bytes back to the file system (punches a
/// hole; the file keeps its length). Best effort: where that cannot be done, the blocks
/// are freed when the file is closed.
#[cfg(target_os = "linux")]
fn free(file: &File, at: u64, len: u64) {
    use rustix::fs::{FallocateFlags, fallocate};
    if len > 0 {
        let _ = fallocate(
            file,
            FallocateFlags::PUNCH_HOLE | FallocateFlags::KEEP_SIZE,
            at,
            len,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn free(_: &File, _: u64, _: u64) {}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

/// The `len` bytes of `file` from `at`, read into a buffer that is not zeroed first
/// (zeroing 16 KB a page was 1.1% of a build's instructions).
#[cfg(target_os = "linux")]
fn read_at(file: &File, len: usize, mut at: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(len);
    while bytes.len() < len {
        match rustix::io::pread(file, rustix::buffer::spare_capacity(&mut bytes), at) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => at += n as u64,
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(bytes)
}

#[cfg(all(unix, not(target_os = "linux")))]
fn read_at(file: &File, len: usize, at: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; len];
    std::os::unix::fs::FileExt::read_exact_at(file, &mut bytes, at)?;
    Ok(bytes)
}

#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: usize, _: u64) -> std::io::Result<Vec<u8>> {
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
        // Another base path finds nothing, and leaves the page kept.
        assert_eq!(spill.take("content/a.md", ""), None);
        assert_eq!(
            spill.take("content/a.md", "/handbook").as_deref(),
            Some("<p>a é</p>\n")
        );
        assert_eq!(spill.take("content/b.md", "/handbook").as_deref(), Some(""));
        assert_eq!(
            spill.take("content/c.md", "/handbook").as_deref(),
            Some("<h2 id=\"x\">X</h2>\n")
        );
        // Taken out: a second render of a page parses it again.
        assert_eq!(spill.take("content/a.md", "/handbook"), None);
        assert_eq!(spill.take("content/d.md", "/handbook"), None);
        assert!(spill.is_empty());
        // Nothing is left in the directory: the file has no name.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// The blocks the file holds on disk (512-byte units).
    #[cfg(target_os = "linux")]
    fn blocks(spill: &HtmlSpill) -> u64 {
        std::os::unix::fs::MetadataExt::blocks(&spill.file.metadata().unwrap())
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn taking_a_page_frees_its_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let spill = HtmlSpill::new(dir.path(), "").unwrap();
        let big = "<p>x</p>\n".repeat(1_500); // 13,500 bytes: four blocks
        spill.put("a.md", &big);
        spill.put("b.md", "<p>b</p>\n");
        spill.put("c.md", &big);
        assert!(blocks(&spill) >= 9 * 8, "{} blocks", blocks(&spill));
        assert_eq!(spill.take("a.md", "").unwrap(), big);
        // b's and c's blocks are still held, and read back whole.
        assert!(blocks(&spill) >= 5 * 8, "{} blocks", blocks(&spill));
        assert_eq!(spill.take("c.md", "").unwrap(), big);
        assert_eq!(spill.take("b.md", "").unwrap(), "<p>b</p>\n");
        assert_eq!(blocks(&spill), 0);
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
        // Taken out in another order than put in, from several threads: freeing one
        // page's blocks never touches another's.
        let taken: Vec<(usize, String)> = (0..500)
            .into_par_iter()
            .rev()
            .map(|i| (i, spill.take(&format!("p{i}.md"), "").unwrap()))
            .collect();
        for (i, got) in taken {
            assert_eq!(got, html(i));
        }
        assert!(spill.is_empty());
    }
}
