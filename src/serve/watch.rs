//! Watching the site for `ladder serve`: `content/`, `themes/` and `static/`
//! recursively, the root itself (not recursively) for `ladder.toml` and for those folders
//! appearing or disappearing, and the `--config` file's folder. Always folders, never
//! single files, so atomic saves (a temp file renamed over the original) are seen.
//!
//! Events pass through notify-debouncer-full (10 ms), natively or, with `--poll`,
//! through notify's `PollWatcher` (every 300 ms, comparing contents too: its modification
//! times only have whole seconds). [`relevant`] then drops what cannot change the site:
//! reads, editor temp and swap files ([`crate::discover::is_skipped_name`]), and
//! anything else in the root (`public/`, `.ladder-cache/`, `target/`, …).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{
    self, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode,
};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache};

use crate::discover::is_skipped_name;
use crate::error::{Error, Result};

/// How long the debouncer waits for a burst of events to settle.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// How often `--poll` scans the watched folders.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// The folders of the root that hold the site's sources, watched recursively.
pub(crate) const SITE_DIRS: [&str; 3] = ["content", "themes", "static"];

/// The name of the config file looked for in the root.
const CONFIG_NAME: &str = "ladder.toml";

/// The native or polling debouncer.
enum Backend {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

impl Backend {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Backend::Native(d) => d.watch(path, mode),
            Backend::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        match self {
            Backend::Native(d) => d.unwatch(path),
            Backend::Poll(d) => d.unwatch(path),
        }
    }

    fn stop(self) {
        match self {
            Backend::Native(d) => d.stop(),
            Backend::Poll(d) => d.stop(),
        }
    }
}

/// The watches of one site. Dropping it (or [`Watch::stop`]) stops watching.
pub(crate) struct Watch {
    backend: Backend,
    /// The site root, canonical (events carry the paths that were watched).
    root: PathBuf,
    /// The `--config` file (canonical folder + name), if given.
    config: Option<PathBuf>,
    /// The site folders watched now.
    watched: BTreeSet<&'static str>,
}

impl Watch {
    /// Starts watching the site at `root` (and `config`), sending debounced batches of
    /// events through `handler`.
    ///
    /// Errors: [`Error::Io`] when the root cannot be resolved; [`Error::Usage`] when the
    /// watcher cannot be started or the root cannot be watched.
    pub(crate) fn start<F>(
        root: &Path,
        config: Option<&Path>,
        poll: bool,
        handler: F,
    ) -> Result<Watch>
    where
        F: FnMut(DebounceEventResult) + Send + 'static,
    {
        let root = root
            .canonicalize()
            .map_err(|e| Error::io("cannot resolve", root, e))?;
        let failed = |e: notify::Error| Error::Usage(format!("cannot watch for changes: {e}"));
        let backend = if poll {
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Backend::Poll(
                notify_debouncer_full::new_debouncer_opt(
                    DEBOUNCE,
                    None,
                    handler,
                    RecommendedCache::new(),
                    config,
                )
                .map_err(failed)?,
            )
        } else {
            Backend::Native(
                notify_debouncer_full::new_debouncer(DEBOUNCE, None, handler).map_err(failed)?,
            )
        };
        let mut watch = Watch {
            backend,
            root,
            config: None,
            watched: BTreeSet::new(),
        };
        let root = watch.root.clone();
        watch
            .backend
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| Error::Usage(format!("cannot watch `{}`: {e}", root.display())))?;
        if let Some(config) = config {
            watch.watch_config(config);
        }
        watch.ensure();
        Ok(watch)
    }

    /// Watches the folder of the `--config` file, unless a watch covers it already.
    fn watch_config(&mut self, config: &Path) {
        let (Some(dir), Some(name)) = (config.parent(), config.file_name()) else {
            return;
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let Ok(dir) = dir.canonicalize() else {
            eprintln!(
                "warning: cannot watch the folder of `{}`; changes to it need a restart",
                config.display()
            );
            return;
        };
        self.config = Some(dir.join(name));
        let covered =
            dir == self.root || SITE_DIRS.iter().any(|d| dir.starts_with(self.root.join(d)));
        if !covered && let Err(e) = self.backend.watch(&dir, RecursiveMode::NonRecursive) {
            eprintln!(
                "warning: cannot watch `{}`: {e}; changes to `{}` need a restart",
                dir.display(),
                config.display()
            );
        }
    }

    /// Watches the site folders that exist and are not watched yet, and forgets those
    /// that are gone (a folder created or removed while serving).
    pub(crate) fn ensure(&mut self) {
        for name in SITE_DIRS {
            let dir = self.root.join(name);
            let exists = dir.is_dir();
            let watched = self.watched.contains(name);
            if exists && !watched {
                match self.backend.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(name);
                    }
                    Err(e) => eprintln!("warning: cannot watch `{}`: {e}", dir.display()),
                }
            } else if !exists && watched {
                let _ = self.backend.unwatch(&dir);
                self.watched.remove(name);
            }
        }
    }

    /// The site folders watched now, for the startup message.
    pub(crate) fn watched(&self) -> Vec<&'static str> {
        self.watched.iter().copied().collect()
    }

    /// Whether an event of `kind` on `path` can change the site; see [`relevant`].
    pub(crate) fn is_relevant(&self, kind: &EventKind, path: &Path) -> bool {
        relevant(&self.root, self.config.as_deref(), kind, path)
    }

    /// `path` relative to the root, `/`-separated, for messages.
    pub(crate) fn display(&self, path: &Path) -> String {
        match path.strip_prefix(&self.root) {
            Ok(rel) => rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => path.display().to_string(),
        }
    }

    /// Stops watching; waits for the debouncer's thread (one tick at most).
    pub(crate) fn stop(self) {
        self.backend.stop();
    }
}

/// Whether an event of `kind` on `path` (absolute, under the canonical `root`) can change
/// the site: not a mere read; the `--config` file; in the root, `ladder.toml` or a site
/// folder itself; below a site folder, anything whose path has no hidden or editor temp
/// component (`.x.swp`, `4913`, `x~`, `#x#`, `x___jb_tmp___`, `x.tmp`).
pub(crate) fn relevant(root: &Path, config: Option<&Path>, kind: &EventKind, path: &Path) -> bool {
    if matches!(kind, EventKind::Access(_)) {
        return false;
    }
    if config == Some(path) {
        return true;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let Some(first) = parts.first() else {
        return false;
    };
    if parts.len() == 1 {
        return first == CONFIG_NAME || SITE_DIRS.contains(&first.as_str());
    }
    SITE_DIRS.contains(&first.as_str()) && !parts.iter().any(|p| is_skipped_name(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, ModifyKind, RenameMode};

    fn is(path: &str) -> bool {
        relevant(
            Path::new("/site"),
            Some(Path::new("/etc/ladder/site.toml")),
            &EventKind::Modify(ModifyKind::Any),
            Path::new(path),
        )
    }

    #[test]
    fn site_sources_are_relevant() {
        for path in [
            "/site/content/a.md",
            "/site/content/job-families/x/index.html.md",
            "/site/content/img/a.png",
            "/site/themes/default/templates/page.html",
            "/site/static/robots.txt",
            "/site/ladder.toml",
            "/site/content",
            "/site/static",
            "/etc/ladder/site.toml",
        ] {
            assert!(is(path), "{path}");
        }
    }

    #[test]
    fn temp_files_and_other_folders_are_not() {
        for path in [
            "/site/content/4913",
            "/site/content/.a.md.swp",
            "/site/content/.a.md.swx",
            "/site/content/a.md~",
            "/site/content/#a.md#",
            "/site/content/.#a.md",
            "/site/content/a.md___jb_tmp___",
            "/site/content/a.md___jb_old___",
            "/site/content/a.md.tmp",
            "/site/content/.git/index",
            "/site/content/.hidden/a.md",
            "/site/public/index.html",
            "/site/public",
            "/site/.ladder-cache/external-links.json",
            "/site/target/debug/x",
            "/site/README.md",
            "/site",
            "/elsewhere/content/a.md",
            "/etc/ladder/other.toml",
        ] {
            assert!(!is(path), "{path}");
        }
    }

    #[test]
    fn reads_are_not_relevant_but_every_change_is() {
        let root = Path::new("/site");
        let page = Path::new("/site/content/a.md");
        assert!(!relevant(
            root,
            None,
            &EventKind::Access(AccessKind::Any),
            page
        ));
        for kind in [
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            EventKind::Remove(notify::event::RemoveKind::File),
            EventKind::Any,
            EventKind::Other,
        ] {
            assert!(relevant(root, None, &kind, page), "{kind:?}");
        }
    }
}
