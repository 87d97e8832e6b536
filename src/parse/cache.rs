//! The parse cache: every page's parse, kept in `<root>/.ladder-cache/pages.bin` so that
//! a page whose file has the same length and modification time as last time is neither
//! read nor parsed again. The cache belongs to one build of `ladder` (its version and its
//! executable's length and modification time): any other build starts afresh.
//!
//! It is an optimisation only: a cache that is missing, unreadable, damaged or from
//! another build is ignored, and one that cannot be written is not written. Findings,
//! outputs and reports are the same with it and without it.
//!
//! The file is a header (MessagePack: magic text and build), then one record per page:
//! a little-endian `u32` length and the page's key (MessagePack: path below `content/`,
//! length, modification time in ns), a `u32` length and its parse (MessagePack: the
//! [`ParsedPage`], or none for a file that could not be read, and the parse's findings).
//! Records are decoded in parallel.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::discover::FoundFile;
use crate::parse::readahead::ReadAhead;
use crate::parse::{Parsed, ParsedPage, parse_keeping, read_and_parse};

/// The cache file, below the site root.
pub const CACHE_FILE: &str = ".ladder-cache/pages.bin";
const MAGIC: &str = "ladder parse cache v2";

/// How many pages the cache gave, and how many were parsed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Pages taken from the cache.
    pub reused: usize,
    /// Pages read and parsed.
    pub parsed: usize,
}

/// A file's length in bytes and modification time in ns since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    modified: u128,
}

#[derive(Serialize, Deserialize)]
struct Header {
    magic: String,
    build: String,
}

#[derive(Serialize, Deserialize)]
struct Key {
    rel_path: String,
    stamp: Stamp,
}

/// One file's parse: the page (none when it could not be read) and the findings.
type Parse = (Option<ParsedPage>, Vec<Diagnostic>);

/// One file in [`parse_all`]: its parse, its stamp (none when it cannot be read), and
/// whether the cache gave it.
struct Entry {
    rel_path: String,
    stamp: Option<Stamp>,
    page: Option<Arc<ParsedPage>>,
    diagnostics: Vec<Diagnostic>,
    reused: bool,
}

/// A cache to write ([`Pending::write`]): the parses of a run where anything changed.
pub struct Pending {
    file: PathBuf,
    build: String,
    entries: Vec<Entry>,
}

/// [`crate::parse::parse_all`] through the cache of the site at `root`: pages whose file
/// is unchanged come from the cache, the others are parsed (with their HTML handed to
/// `keep` when one is given, as [`crate::parse::parse_all`] does). Returns the pages and
/// findings in the order of `files` (as `parse_all` does), what the cache gave, and,
/// when anything changed, the new cache to write with [`Pending::write`].
pub fn parse_all(
    root: &Path,
    files: &[FoundFile],
    content_prefix: &str,
    keep: Option<&dyn crate::parse::KeepHtml>,
) -> (Parsed, CacheStats, Option<Pending>) {
    let file = root.join(CACHE_FILE);
    let build = build_id();
    let bytes = build
        .as_ref()
        .and_then(|_| std::fs::read(&file).ok())
        .unwrap_or_default();
    let records = build
        .as_deref()
        .map(|b| records(&bytes, b))
        .unwrap_or_default();
    let by_path: std::collections::HashMap<&str, (Stamp, &[u8])> = records
        .iter()
        .map(|(key, blob)| (key.rel_path.as_str(), (key.stamp, *blob)))
        .collect();

    // With no cache to give pages, every file is read: ahead, when they are not cached.
    let ahead = by_path.is_empty().then(|| ReadAhead::new(files));
    let base_path = keep.map(|k| k.base_path());
    let entries: Vec<Entry> = parse_keeping(
        files,
        keep,
        |f| {
            let stamp = stamp(&f.disk_path);
            let cached = stamp.and_then(|s| {
                let (old, blob) = by_path.get(f.rel_path.as_str())?;
                (*old == s).then(|| rmp_serde::from_slice::<Parse>(blob).ok())?
            });
            let reused = cached.is_some();
            // Only a page parsed now has its HTML.
            let (page, diagnostics, html) = match cached {
                Some((page, diagnostics)) => (page, diagnostics, None),
                None => {
                    let (page, diagnostics, html) =
                        read_and_parse(f, content_prefix, base_path, ahead.as_ref());
                    (page, diagnostics, Some(html))
                }
            };
            let page = page.map(|mut p| {
                // The file's names come from discovery, never from the cache: the root
                // may be written differently from the run that filled it, and a cache
                // file is no authority on where a page is written.
                if reused {
                    p.source.disk_path = f.disk_path.clone();
                    p.source.rel_path = f.rel_path.clone();
                    p.source.path = format!("{content_prefix}/{}", f.rel_path);
                }
                Arc::new(p)
            });
            let entry = Entry {
                rel_path: f.rel_path.clone(),
                stamp,
                page,
                diagnostics,
                reused,
            };
            (entry, html)
        },
        |entry| entry.page.as_deref(),
    );

    let reused = entries.iter().filter(|e| e.reused).count();
    let stats = CacheStats {
        reused,
        parsed: entries.len() - reused,
    };
    let changed = stats.parsed > 0 || records.len() != files.len();
    match build.filter(|_| changed) {
        Some(build) => {
            let parsed = entries
                .iter()
                .map(|e| (e.page.clone(), e.diagnostics.clone()))
                .collect();
            let pending = Pending {
                file,
                build,
                entries,
            };
            (parsed, stats, Some(pending))
        }
        None => {
            let parsed = entries
                .into_iter()
                .map(|e| (e.page, e.diagnostics))
                .collect();
            (parsed, stats, None)
        }
    }
}

impl Pending {
    /// Writes the cache: into a temporary file beside it, then renamed over it, so a
    /// reader never sees half a cache. Failures are not reported: the next run parses
    /// again.
    pub fn write(self) {
        let Some(dir) = self.file.parent() else {
            return;
        };
        let tmp = dir.join(format!("pages.bin.{}.tmp", std::process::id()));
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::File::create(&tmp))
            .and_then(|f| self.write_to(BufWriter::new(f)));
        if written.is_ok() && std::fs::rename(&tmp, &self.file).is_ok() {
            return;
        }
        let _ = std::fs::remove_file(&tmp);
    }

    fn write_to(&self, mut out: impl Write) -> std::io::Result<()> {
        let header = Header {
            magic: MAGIC.to_string(),
            build: self.build.clone(),
        };
        let mut buf = Vec::new();
        frame(&mut out, &mut buf, &header)?;
        // Pages that cannot be read again (no stamp) or whose text is still held (4 GiB
        // or more: nothing to check a re-read against) are left out.
        let kept: Vec<(&Entry, Stamp)> = self
            .entries
            .iter()
            .filter(|e| e.page.as_ref().is_none_or(|p| p.source.is_released()))
            .filter_map(|e| Some((e, e.stamp?)))
            .collect();
        // Encoded in parallel, a few hundred pages at a time: never the whole cache in
        // memory at once.
        for chunk in kept.chunks(256) {
            let encoded: Vec<std::io::Result<Vec<u8>>> = chunk
                .par_iter()
                .map(|&(r, stamp)| {
                    let (mut bytes, mut buf) = (Vec::new(), Vec::new());
                    let key = Key {
                        rel_path: r.rel_path.clone(),
                        stamp,
                    };
                    frame(&mut bytes, &mut buf, &key)?;
                    frame(&mut bytes, &mut buf, &(r.page.as_deref(), &r.diagnostics))?;
                    Ok(bytes)
                })
                .collect();
            for bytes in encoded {
                out.write_all(&bytes?)?;
            }
        }
        out.flush()
    }
}

/// Writes `value` as one frame: its MessagePack length as a little-endian `u32`, then it.
fn frame(out: &mut impl Write, buf: &mut Vec<u8>, value: &impl Serialize) -> std::io::Result<()> {
    buf.clear();
    rmp_serde::encode::write(buf, value).map_err(std::io::Error::other)?;
    let len = u32::try_from(buf.len()).map_err(std::io::Error::other)?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(buf)
}

/// The records of a cache file of build `build`: each page's key and its encoded parse;
/// none when the file is damaged or from another build.
fn records<'b>(bytes: &'b [u8], build: &str) -> Vec<(Key, &'b [u8])> {
    let mut frames = Frames { rest: bytes };
    let header: Option<Header> = frames.next().and_then(|f| rmp_serde::from_slice(f).ok());
    if !header.is_some_and(|h| h.magic == MAGIC && h.build == build) {
        return Vec::new();
    }
    let mut out = Vec::new();
    while let Some(key) = frames.next() {
        let (Ok(key), Some(blob)) = (rmp_serde::from_slice::<Key>(key), frames.next()) else {
            return Vec::new();
        };
        out.push((key, blob));
    }
    if frames.rest.is_empty() {
        out
    } else {
        Vec::new()
    }
}

/// The length-prefixed frames of a cache file.
struct Frames<'b> {
    rest: &'b [u8],
}

impl<'b> Iterator for Frames<'b> {
    type Item = &'b [u8];

    fn next(&mut self) -> Option<&'b [u8]> {
        let (len, rest) = self.rest.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
        if rest.len() < len {
            return None;
        }
        let (frame, rest) = rest.split_at(len);
        self.rest = rest;
        Some(frame)
    }
}

/// The length and modification time of `path`, or `None` when it cannot be read.
fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(Stamp {
        len: meta.len(),
        modified: modified.as_nanos(),
    })
}

/// This build of `ladder`: its version and its executable's stamp. `None` (no cache)
/// when the executable cannot be found.
fn build_id() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let s = stamp(&exe)?;
    Some(format!(
        "{} {} {}",
        env!("CARGO_PKG_VERSION"),
        s.len,
        s.modified
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_of(build: &str, keys: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = Vec::new();
        let header = Header {
            magic: MAGIC.to_string(),
            build: build.to_string(),
        };
        frame(&mut out, &mut buf, &header).unwrap();
        for k in keys {
            let key = Key {
                rel_path: k.to_string(),
                stamp: Stamp {
                    len: 1,
                    modified: 2,
                },
            };
            frame(&mut out, &mut buf, &key).unwrap();
            frame(
                &mut out,
                &mut buf,
                &(None::<ParsedPage>, Vec::<Diagnostic>::new()),
            )
            .unwrap();
        }
        out
    }

    #[test]
    fn records_of_this_build_are_read_and_others_ignored() {
        let bytes = file_of("b1", &["a.md", "b.md"]);
        let read: Vec<String> = records(&bytes, "b1")
            .into_iter()
            .map(|(k, _)| k.rel_path)
            .collect();
        assert_eq!(read, ["a.md", "b.md"]);
        assert!(records(&bytes, "b2").is_empty(), "another build's cache");
        assert!(
            records(&bytes[..bytes.len() - 1], "b1").is_empty(),
            "cut short"
        );
        assert!(records(b"", "b1").is_empty());
        assert!(records(b"\x05\x00\x00\x00hello", "b1").is_empty());
    }
}
