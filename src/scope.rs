//! Scope: which findings a run reports and fails on, when it is not all of them.
//!
//! The whole site is always validated; scoping only selects what is printed and what the
//! exit code counts:
//! - `--changed-since REF` (a merge request): findings in files changed since the merge
//!   base (`git diff --name-status REF...HEAD`), plus findings the change causes elsewhere:
//!   a `broken-link` on an untouched page to a page the change deleted or renamed, and a
//!   `broken-anchor` on an untouched page into a page the change touched (an anchor it
//!   removed). A change to `ladder.toml`, a theme or the known-paths file can change any
//!   finding, so then nothing is filtered.
//! - `--baseline FILE` (a ratchet): only findings whose fingerprint is not in an earlier
//!   JSON report.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::model::{Site, permalink, tolerant_candidates};
use crate::parse::front_matter;
use crate::source::SourceFile;
use crate::{Diagnostic, Rule};

/// The files a change touched, relative to the site root, `/`-separated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangedFiles {
    /// Added, modified, copied, and renamed-to paths.
    pub changed: HashSet<String>,
    /// Deleted and renamed-from paths.
    pub removed: HashSet<String>,
    /// URL paths the removed pages were served at (their front-matter permalink at the
    /// merge base, else the one from their path) and the folders above them.
    pub removed_urls: HashSet<String>,
    /// True when a change affects every finding (config, theme, known paths).
    pub everything: bool,
}

/// Reads `git diff --name-status -z REF...HEAD` in the repository holding `root`;
/// `config` is the config file in use when it is not `<root>/ladder.toml`.
///
/// Errors: [`Error::Usage`] naming the command when git is missing, `root` is not in a
/// repository, or `REF` is unknown (git's own message included).
pub fn changed_since(
    root: &Path,
    reference: &str,
    site: &Site,
    config: Option<&Path>,
) -> Result<ChangedFiles> {
    let prefix = git_prefix(root)?;
    let mut repo_paths: HashSet<String> = HashSet::new();
    // Without rename detection a rename is a deletion plus an addition, which is what the
    // scope needs (links to the old path break).
    let output = git(
        root,
        &[
            "diff",
            "--name-status",
            "-z",
            "--no-renames",
            &format!("{reference}...HEAD"),
        ],
    )?;
    let mut files = ChangedFiles::default();
    let mut fields = output.split('\0').filter(|s| !s.is_empty());
    while let Some(status) = fields.next() {
        let kind = status.chars().next().unwrap_or('M');
        let paths: Vec<&str> = match kind {
            'R' | 'C' => vec![fields.next().unwrap_or(""), fields.next().unwrap_or("")],
            _ => vec![fields.next().unwrap_or("")],
        };
        repo_paths.extend(paths.iter().map(|p| p.to_string()));
        let rel = |p: &str| p.strip_prefix(prefix.as_str()).map(str::to_string);
        match (kind, paths.as_slice()) {
            ('D', [p]) => files.removed.extend(rel(p)),
            ('R', [from, to]) => {
                files.removed.extend(rel(from));
                files.changed.extend(rel(to));
            }
            ('C', [_, to]) => files.changed.extend(rel(to)),
            (_, [p]) => files.changed.extend(rel(p)),
            _ => {}
        }
    }
    // The URLs removed pages were served at, from their front matter at the merge base.
    let base = git(root, &["merge-base", reference, "HEAD"])
        .map(|b| b.trim().to_string())
        .unwrap_or_else(|_| reference.to_string());
    for rel_path in &files.removed {
        let Some(content_rel) = rel_path.strip_prefix("content/") else {
            continue;
        };
        let old = git(root, &["show", &format!("{base}:{prefix}{rel_path}")]).unwrap_or_default();
        let file = SourceFile::new(
            rel_path.clone(),
            content_rel.to_string(),
            root.join(rel_path),
            old,
        );
        let split = front_matter::split(&file, &mut Vec::new());
        let url = split
            .front_matter
            .permalink
            .and_then(|(value, _)| permalink::normalize(&value).ok())
            .unwrap_or_else(|| permalink::from_source(content_rel));
        files
            .removed_urls
            .extend(permalink::folders_above(&url).map(str::to_string));
        files.removed_urls.insert(url);
    }
    let config_in_repo = config.and_then(|c| repo_relative(root, c));
    let theme = format!("themes/{}/", site.config.theme);
    let known = site.known_paths.as_ref().and_then(|k| {
        k.file
            .strip_prefix(root)
            .ok()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
    });
    files.everything = files
        .changed
        .iter()
        .chain(&files.removed)
        .any(|p| p == "ladder.toml" || p.starts_with(&theme) || Some(p) == known.as_ref())
        || config_in_repo.is_some_and(|c| repo_paths.contains(&c));
    Ok(files)
}

/// `file`'s path relative to the top of the repository holding `root`.
fn repo_relative(root: &Path, file: &Path) -> Option<String> {
    let top = git(root, &["rev-parse", "--show-toplevel"]).ok()?;
    let top = Path::new(top.trim()).canonicalize().ok()?;
    let file = file.canonicalize().ok()?;
    let rel = file.strip_prefix(&top).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The site root's path inside its git repository, `/`-terminated (`""` at the top).
///
/// Errors: [`Error::Usage`] when git cannot tell (not a repository, git missing).
pub fn git_prefix(root: &Path) -> Result<String> {
    let prefix = git(root, &["rev-parse", "--show-prefix"])?;
    Ok(prefix.trim().to_string())
}

/// The site root's path inside the repository that holds it, found by looking for a
/// `.git` entry upwards (no git needed); `""` when there is none. For report paths.
pub fn repo_prefix(root: &Path) -> String {
    let Ok(root) = root.canonicalize() else {
        return String::new();
    };
    let mut dir: Option<&Path> = Some(root.as_path());
    while let Some(d) = dir {
        if d.join(".git").exists() {
            let rel = root.strip_prefix(d).map(PathBuf::from).unwrap_or_default();
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            return if rel.is_empty() {
                String::new()
            } else {
                format!("{rel}/")
            };
        }
        dir = d.parent();
    }
    String::new()
}

fn git(root: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| Error::Usage(format!("cannot run `git {}`: {e}", args.join(" "))))?;
    if !output.status.success() {
        return Err(Error::Usage(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Whether `d` is in scope for the change `files` on `site`.
pub fn in_change(d: &Diagnostic, files: &ChangedFiles, site: &Site) -> bool {
    if files.everything || files.changed.contains(&d.path) {
        return true;
    }
    // The other file of a permalink or grade conflict changed.
    if d.related
        .as_ref()
        .is_some_and(|r| files.changed.contains(r) || files.removed.contains(r))
    {
        return true;
    }
    match d.rule {
        // A link to a page the change deleted or renamed away, written any way a server
        // accepts (`/x`, `/x/`, `/x/index.html`, `/x.html`), or to its folder.
        Rule::BrokenLink => tolerant_candidates(&d.key)
            .iter()
            .any(|c| files.removed_urls.contains(c)),
        // An anchor into a page the change touched (it may have removed the anchor).
        Rule::BrokenAnchor => {
            let target = d.key.split('#').next().unwrap_or("");
            site.pages
                .iter()
                .any(|p| p.url == target && files.changed.contains(&p.parsed.source.path))
        }
        _ => false,
    }
}

/// The fingerprints of an earlier JSON report (`--format json`, version 1).
///
/// Errors: [`Error::Io`] if the file cannot be read; [`Error::Usage`] if it is not such a
/// report or has no fingerprints (reports from before fingerprints existed).
pub fn baseline(file: &Path) -> Result<HashSet<String>> {
    let text =
        std::fs::read_to_string(file).map_err(|e| Error::io("cannot read baseline", file, e))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "baseline `{}` is not a JSON report: {e}",
            file.display()
        ))
    })?;
    let diagnostics = value
        .get("diagnostics")
        .and_then(|d| d.as_array())
        .ok_or_else(|| {
            Error::Usage(format!(
                "baseline `{}` has no `diagnostics` array",
                file.display()
            ))
        })?;
    diagnostics
        .iter()
        .map(|d| {
            d.get("fingerprint").and_then(|f| f.as_str()).map(str::to_string).ok_or_else(|| {
                Error::Usage(format!(
                    "baseline `{}` has a diagnostic without a fingerprint: write it again with `ladder check --format json`",
                    file.display()
                ))
            })
        })
        .collect()
}

/// The indices of the diagnostics in scope: all of them, narrowed to the change and/or to
/// those whose fingerprint is not in the baseline.
pub fn select(
    diagnostics: &[Diagnostic],
    fingerprints: &[String],
    site: &Site,
    changed: Option<&ChangedFiles>,
    baseline: Option<&HashSet<String>>,
) -> Vec<usize> {
    (0..diagnostics.len())
        .filter(|&i| changed.is_none_or(|c| in_change(&diagnostics[i], c, site)))
        .filter(|&i| baseline.is_none_or(|b| !fingerprints.get(i).is_some_and(|f| b.contains(f))))
        .collect()
}
