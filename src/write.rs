//! Write: put rendered files on disk so that a failed build never leaves a half-written
//! output directory.
//!
//! Everything is written (in parallel) into a staging directory beside the output,
//! `.<name>.ladder-staging-<pid>`; only when every file is written is the old output
//! renamed aside, the staging directory renamed into place, and the old one removed.
//! Stale staging directories from killed runs are removed first. Every output path is
//! joined component by component and refused if it is absolute or has `..`, so nothing
//! a page says can write outside the output directory.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// What goes into one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Rendered bytes.
    Bytes(Vec<u8>),
    /// A file to copy as is.
    Copy(PathBuf),
}

/// One file of the output, at a `/`-separated path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path, e.g. `job-families/x/index.html`.
    pub path: String,
    /// Its contents.
    pub contents: Contents,
}

impl OutputFile {
    /// A rendered file.
    pub fn bytes(path: &str, bytes: Vec<u8>) -> Self {
        OutputFile {
            path: path.to_string(),
            contents: Contents::Bytes(bytes),
        }
    }
}

/// `base` joined with the `/`-separated relative `rel`, or `None` when `rel` is empty,
/// absolute, or has `.`/`..`/prefix components.
pub fn safe_join(base: &Path, rel: &str) -> Option<PathBuf> {
    if rel.is_empty() || rel.starts_with('/') || rel.contains('\\') || rel.contains('\0') {
        return None;
    }
    let mut out = base.to_path_buf();
    for part in rel.split('/') {
        let mut comps = Path::new(part).components();
        match (comps.next(), comps.next()) {
            (Some(Component::Normal(c)), None) => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

/// The directory `output` is in (`.` for a bare name): where its staging directory, and
/// a build's temporary files, go.
pub fn parent_dir(output: &Path) -> PathBuf {
    match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `files` to `output` atomically (see the module docs).
///
/// Errors: as [`Staging::begin`], [`Staging::write`] and [`Staging::commit`]. On error
/// the previous output is left as it was.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<()> {
    let staging = Staging::begin(output)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit()
}

/// An output directory being written: files go into a staging directory beside it as
/// they are rendered (from any thread), and [`Staging::commit`] swaps it into place.
/// Dropped without a commit, it removes the staging directory and leaves the previous
/// output as it was.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    parent: PathBuf,
    name: String,
    staging: PathBuf,
    /// Directories known to exist below the staging directory.
    dirs: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// Prepares to replace `output`: removes stale staging directories of killed runs and
    /// creates `.<name>.ladder-staging-<pid>` beside it.
    ///
    /// Errors: [`Error::Usage`] when `output` has no directory name, exists and is not a
    /// directory, or does not look like a ladder build (a non-empty directory without
    /// `index.html`: refusing to replace someone's folder); [`Error::Io`] naming the
    /// directory when it cannot be listed or created.
    pub fn begin(output: &Path) -> Result<Staging> {
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "output `{}` has no directory name",
                    output.display()
                ))
            })?;
        let parent = parent_dir(output);
        if output.exists() {
            if !output.is_dir() {
                return Err(Error::Usage(format!(
                    "output `{}` exists and is not a directory",
                    output.display()
                )));
            }
            let empty = std::fs::read_dir(output)
                .map_err(|e| Error::io("cannot list", output, e))?
                .next()
                .is_none();
            if !empty && !output.join("index.html").is_file() {
                return Err(Error::Usage(format!(
                    "refusing to replace `{}`: it is not empty and has no index.html, so it does not look like a ladder build; remove it or choose another --output",
                    output.display()
                )));
            }
        }
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("cannot create", &parent, e))?;
        remove_stale(&parent, &name);
        let staging = parent.join(format!(".{name}.ladder-staging-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io("cannot remove", &staging, e))?;
        }
        std::fs::create_dir_all(&staging).map_err(|e| Error::io("cannot create", &staging, e))?;
        Ok(Staging {
            output: output.to_path_buf(),
            parent,
            name,
            dirs: Mutex::new(HashSet::from([staging.clone()])),
            staging,
            committed: false,
        })
    }

    /// Writes one file into the staging directory, creating its folders.
    ///
    /// Errors: [`Error::Usage`] when its path is unsafe (see [`safe_join`]);
    /// [`Error::Io`] naming the file or folder when writing or copying fails.
    pub fn write(&self, file: &OutputFile) -> Result<()> {
        let target = safe_join(&self.staging, &file.path).ok_or_else(|| {
            Error::Usage(format!(
                "refusing to write outside the output directory: `{}`",
                file.path
            ))
        })?;
        if let Some(dir) = target.parent() {
            let known = self
                .dirs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(dir);
            if !known {
                std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
                self.dirs
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(dir.to_path_buf());
            }
        }
        match &file.contents {
            Contents::Bytes(bytes) => {
                std::fs::write(&target, bytes).map_err(|e| Error::io("cannot write", &target, e))
            }
            Contents::Copy(from) => std::fs::copy(from, &target)
                .map(|_| ())
                .map_err(|e| Error::io("cannot copy", from, e)),
        }
    }

    /// Moves the staging directory into place of the output and removes the previous
    /// output.
    ///
    /// Errors: [`Error::Io`] when a rename fails; the previous output is then restored.
    pub fn commit(mut self) -> Result<()> {
        swap(&self.staging, &self.output, &self.parent, &self.name)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

fn swap(staging: &Path, output: &Path, parent: &Path, name: &str) -> Result<()> {
    if !output.exists() {
        return std::fs::rename(staging, output)
            .map_err(|e| Error::io("cannot move the new build into", output, e));
    }
    let old = parent.join(format!(".{name}.ladder-old-{}", std::process::id()));
    std::fs::rename(output, &old)
        .map_err(|e| Error::io("cannot move aside the previous build", output, e))?;
    if let Err(e) = std::fs::rename(staging, output) {
        let _ = std::fs::rename(&old, output);
        return Err(Error::io("cannot move the new build into", output, e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Removes `.<name>.ladder-staging-*` and `.<name>.ladder-old-*` left by killed runs.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let staging = format!(".{name}.ladder-staging-");
    let old = format!(".{name}.ladder-old-");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if file_name.starts_with(&staging) || file_name.starts_with(&old) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_dir_of_a_bare_name_is_the_current_directory() {
        assert_eq!(parent_dir(Path::new("public")), Path::new("."));
        assert_eq!(parent_dir(Path::new("site/public")), Path::new("site"));
        assert_eq!(
            parent_dir(Path::new("/srv/www/public")),
            Path::new("/srv/www")
        );
    }

    #[test]
    fn safe_join_refuses_escapes() {
        let base = Path::new("/out");
        assert_eq!(
            safe_join(base, "a/b/index.html"),
            Some(PathBuf::from("/out/a/b/index.html"))
        );
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "",
            "a/./b",
            "a\\..\\b",
        ] {
            assert_eq!(safe_join(base, bad), None, "{bad}");
        }
    }

    #[test]
    fn swap_replaces_and_failure_keeps_previous() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::bytes("index.html", b"one".to_vec())]).unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"one");
        // A copy from a missing file fails mid-build: the previous output stays.
        let bad = [
            OutputFile::bytes("index.html", b"two".to_vec()),
            OutputFile {
                path: "x.png".into(),
                contents: Contents::Copy(dir.path().join("missing.png")),
            },
        ];
        assert!(write_site(&out, &bad).is_err());
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"one");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("public")]);
    }

    #[test]
    fn refuses_to_replace_a_foreign_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let err = write_site(dir.path(), &[OutputFile::bytes("index.html", vec![])]).unwrap_err();
        assert!(
            err.to_string()
                .contains("does not look like a ladder build"),
            "{err}"
        );
        assert!(dir.path().join("notes.txt").exists());
    }
}
