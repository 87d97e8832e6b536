//! Discover: walk `content/` and sort what is there into pages and assets.
//!
//! Pages are Markdown files: `.md`, `.markdown`, and Middleman's `.html.md`,
//! `.html.md.erb`, `.md.erb`. Everything else (images, PDFs) is an asset, copied to the
//! output at the same relative path. Skipped: hidden files and folders (`.git`,
//! `.gitkeep`), editor temp files (vim swap and `4913` probes, emacs `#x#` and `.#x`,
//! JetBrains `___jb_tmp___`, `x~`), and Middleman partials (`_name.erb`, but not
//! `_index.md`). Output is sorted by relative path, so every run sees the same order.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Rule};
use crate::error::{Error, Result};

/// Files of a `static/` folder, copied to the output root as they are: `(relative path,
/// path on disk)`, sorted; hidden and editor temp files skipped; a missing folder is
/// empty.
///
/// Errors: [`Error::Io`] naming the path when a directory cannot be listed.
pub fn static_files(dir: &Path) -> Result<Vec<FoundFile>> {
    Ok(walk_files(dir)?.0)
}

/// A site's static files: `<root>/themes/<theme>/static/`, then `<root>/static/` (a later
/// one at the same path replaces an earlier one when written).
///
/// Errors: as [`static_files`].
pub fn site_static_files(root: &Path, theme: &str) -> Result<Vec<FoundFile>> {
    let mut files = static_files(&root.join("themes").join(theme).join("static"))?;
    files.extend(static_files(&root.join("static"))?);
    Ok(files)
}

/// Every file below `dir` (hidden and editor temp files and folders skipped), sorted by
/// relative path, and the symbolic links found (never followed); empty when `dir` does
/// not exist.
fn walk_files(dir: &Path) -> Result<(Vec<FoundFile>, Vec<FoundFile>)> {
    let mut out = Vec::new();
    let mut links = Vec::new();
    if !dir.is_dir() {
        return Ok((out, links));
    }
    // The walk is not sorted (sorting each folder by name cost more than the walk itself):
    // what it finds is sorted below, and of several folders that cannot be listed, the
    // first by path is named, so every run gives the same result.
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_skipped_name(&e.file_name().to_string_lossy()));
    let mut failed: Option<(PathBuf, std::io::Error)> = None;
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                if failed.as_ref().is_none_or(|(first, _)| path < *first) {
                    let io = e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("file system loop"));
                    failed = Some((path, io));
                }
                continue;
            }
        };
        let kind = entry.file_type();
        if !kind.is_file() && !kind.is_symlink() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel_path = match rel.to_str() {
            Some(rel) if std::path::MAIN_SEPARATOR == '/' => rel.to_string(),
            _ => rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        };
        let found = FoundFile {
            rel_path,
            disk_path: entry.into_path(),
        };
        if kind.is_symlink() {
            links.push(found);
        } else {
            out.push(found);
        }
    }
    if let Some((path, io)) = failed {
        return Err(Error::io("cannot list", path, io));
    }
    // Names that are not UTF-8 can share a `rel_path` (each bad byte reads as U+FFFD):
    // those are ordered by their bytes, so which one wins a permalink does not depend on
    // the order the file system lists them in.
    let by_path = |a: &FoundFile, b: &FoundFile| {
        a.rel_path
            .cmp(&b.rel_path)
            .then_with(|| a.disk_path.cmp(&b.disk_path))
    };
    out.sort_unstable_by(by_path);
    links.sort_unstable_by(by_path);
    Ok((out, links))
}

/// Page extensions, longest first so `.html.md.erb` wins over `.md.erb`.
const PAGE_EXTENSIONS: &[&str] = &[".html.md.erb", ".html.md", ".md.erb", ".markdown", ".md"];

/// What was found under `content/`.
#[derive(Debug, Default, Clone)]
pub struct Discovered {
    /// Markdown pages, sorted by relative path.
    pub pages: Vec<FoundFile>,
    /// Other files, sorted by relative path.
    pub assets: Vec<FoundFile>,
    /// Symbolic links, sorted by relative path: never followed (they could lead outside
    /// the site, or in a loop), so not published.
    pub links: Vec<FoundFile>,
}

impl Discovered {
    /// A `skipped-file` diagnostic for each symbolic link (paths `<content_prefix>/…`).
    pub fn diagnostics(&self, content_prefix: &str) -> Vec<Diagnostic> {
        self.links
            .iter()
            .map(|l| {
                Diagnostic::in_file(
                    Rule::SkippedFile,
                    &format!("{content_prefix}/{}", l.rel_path),
                    1,
                    1,
                    "this is a symbolic link: ladder does not follow links (they can lead outside the site, or in a loop), so it is not published",
                    "replace the link with the file or folder itself",
                )
                .with_key("symlink")
            })
            .collect()
    }
}

/// One file under `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// Path relative to `content/`, `/`-separated, e.g. `job-families/a/index.html.md`.
    pub rel_path: String,
    /// Path on disk.
    pub disk_path: PathBuf,
}

/// Walks `content_dir`. A missing `content/` is an empty site, not an error.
///
/// Errors: [`Error::Io`] naming the path when a directory cannot be listed.
/// Symbolic links are not followed.
pub fn discover(content_dir: &Path) -> Result<Discovered> {
    let mut found = Discovered::default();
    let (files, links) = walk_files(content_dir)?;
    found.links = links;
    for file in files {
        let name = file.rel_path.rsplit('/').next().unwrap_or(&file.rel_path);
        if page_stem(name).is_some() {
            found.pages.push(file);
        } else if !is_partial(name) {
            found.assets.push(file);
        }
    }
    Ok(found)
}

/// The file name without its page extension (`index.html.md.erb` → `index`), or `None`
/// when `name` is not a page.
pub fn page_stem(name: &str) -> Option<&str> {
    PAGE_EXTENSIONS
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .filter(|stem| !stem.is_empty())
}

/// Hidden files and editor temp files, which are never part of a site.
pub fn is_skipped_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

/// Middleman partials (`_performance.erb`): included by other pages, never served.
fn is_partial(name: &str) -> bool {
    name.starts_with('_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_extensions() {
        assert_eq!(page_stem("index.html.md.erb"), Some("index"));
        assert_eq!(page_stem("index.html.md"), Some("index"));
        assert_eq!(page_stem("a.md.erb"), Some("a"));
        assert_eq!(page_stem("_index.md"), Some("_index"));
        assert_eq!(page_stem("image.png"), None);
        assert_eq!(page_stem(".md"), None);
    }

    #[test]
    fn editor_files_are_skipped() {
        for name in [
            ".gitkeep",
            ".page.md.swp",
            "page.md~",
            "4913",
            "#page.md#",
            "page.md___jb_tmp___",
        ] {
            assert!(is_skipped_name(name), "{name}");
        }
        assert!(!is_skipped_name("page.md"));
    }

    #[test]
    fn walk_is_sorted_and_classifies() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        std::fs::create_dir_all(c.join("b/sub")).unwrap();
        for f in [
            "b/z.md",
            "b/a.html.md",
            "b/sub/index.html.md.erb",
            "b/img.png",
            "b/_partial.erb",
            "b/.hidden.md",
            "a.md",
        ] {
            std::fs::write(c.join(f), "x").unwrap();
        }
        let found = discover(c).unwrap();
        let pages: Vec<_> = found.pages.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(
            pages,
            ["a.md", "b/a.html.md", "b/sub/index.html.md.erb", "b/z.md"]
        );
        let assets: Vec<_> = found.assets.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(assets, ["b/img.png"]);
    }

    /// File names that are not UTF-8 all read as `\u{fffd}.md`: they come out in the
    /// order of their bytes, whatever order the file system lists them in (ext4 hashes
    /// names, with a seed of its own per file system).
    #[cfg(unix)]
    #[test]
    fn names_read_alike_are_ordered_by_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let mut names: Vec<Vec<u8>> = (0x80..=0xffu8).map(|b| vec![b, b'.', b'm', b'd']).collect();
        // Created in reverse, so that creation order is not the expected order either.
        names.reverse();
        for name in &names {
            std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(name)), "x").unwrap();
        }
        let found = discover(dir.path()).unwrap();
        assert_eq!(found.pages.len(), names.len());
        assert!(found.pages.iter().all(|f| f.rel_path == "\u{fffd}.md"));
        let got: Vec<&[u8]> = found
            .pages
            .iter()
            .map(|f| f.disk_path.file_name().unwrap().as_bytes())
            .collect();
        names.sort();
        assert_eq!(got, names.iter().map(Vec::as_slice).collect::<Vec<_>>());
    }
}
