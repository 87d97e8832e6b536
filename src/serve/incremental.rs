//! Incremental rebuilds for `ladder serve`: the whole build kept in memory between
//! changes, so that an edit costs what it touches.
//!
//! ```text
//! edited page ─parse that file─▶ Site::replace_page (same URL, same job-family set)
//!             ─validate it and the pages linking to it─▶ its findings
//!             ─job-family rules, if it is a job family─▶ their findings
//!             ─render::affected_outputs─▶ the page, its folder index, the views that changed
//! ```
//! Anything that changes the site's structure takes a longer path, reusing every parse
//! that is still valid: a page added, removed, renamed or unreadable, a new permalink, a
//! page becoming (or ceasing to be) a job family, a page with a permalink finding, a
//! static file or a folder: the model is rebuilt, every page validated and rendered
//! ("remodel"). A template change renders everything again; a config change, or events
//! the watcher lost, start from scratch.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::{Body, Files, LIVE_RELOAD_SNIPPET};
use crate::discover::{self, FoundFile};
use crate::error::Result;
use crate::model::Site;
use crate::parse::{self, ParsedPage};
use crate::render::families::FamilyViews;
use crate::render::{self, Output, Theme};
use crate::validate::grades::ConflictIndex;
use crate::validate::{self, PageFindings};
use crate::write::{Contents, OutputFile};
use crate::{CONTENT, Config, Diagnostic, Options, Summary};

/// One page file's parse, kept until the file changes.
#[derive(Debug, Clone)]
struct ParseEntry {
    found: FoundFile,
    /// `None` when the file could not be read or is not UTF-8 (the findings say why).
    page: Option<Arc<ParsedPage>>,
    diagnostics: Vec<Diagnostic>,
}

/// How much a batch of changes rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Work {
    /// Pages edited in place: counts of pages parsed, validated, and outputs rendered.
    Incremental {
        /// Files parsed again.
        parsed: usize,
        /// Pages validated again (the edited ones and those linking to them).
        validated: usize,
        /// Outputs rendered again.
        rendered: usize,
    },
    /// The model rebuilt from the kept parses (and the files that changed), every page
    /// validated and rendered.
    Remodel {
        /// Files parsed again.
        parsed: usize,
    },
    /// Every output rendered again with a changed theme; nothing parsed or validated.
    Rerender,
    /// Everything from scratch: config, discovery, parsing, validation, rendering.
    Full,
}

impl std::fmt::Display for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        match self {
            Work::Incremental {
                parsed,
                validated,
                rendered,
            } => write!(
                f,
                "{} parsed, {} validated, {} rendered",
                plural(*parsed, "page"),
                plural(*validated, "page"),
                plural(*rendered, "output"),
            ),
            Work::Remodel { parsed } => write!(
                f,
                "site rebuilt from kept parses ({} parsed again)",
                plural(*parsed, "page")
            ),
            Work::Rerender => write!(f, "theme changed: every page rendered again"),
            Work::Full => write!(f, "full rebuild"),
        }
    }
}

/// What a batch of changes did.
#[derive(Debug, Clone)]
pub(crate) struct Update {
    /// How much was rebuilt.
    pub(crate) work: Work,
    /// Wall time of the update.
    pub(crate) elapsed: Duration,
    /// Files whose findings were computed again (`content/…`), for the terminal; `None`
    /// when every file was.
    pub(crate) touched: Option<BTreeSet<String>>,
}

impl Update {
    /// What `work` did since `start`, with the files whose findings it computed again.
    pub(crate) fn since(work: Work, start: Instant, touched: Option<BTreeSet<String>>) -> Update {
        Update {
            work,
            elapsed: start.elapsed(),
            touched,
        }
    }
}

/// A site built in memory, with what it takes to update it.
pub(crate) struct LiveSite {
    options: Options,
    theme: Theme,
    /// Every page file by path relative to `content/`.
    parses: BTreeMap<String, ParseEntry>,
    assets: Vec<FoundFile>,
    static_files: Vec<FoundFile>,
    site: Site,
    /// Page index by path relative to `content/`.
    index_of: HashMap<String, usize>,
    /// Findings of discovery (symbolic links).
    discovery_diagnostics: Vec<Diagnostic>,
    /// Findings of [`Site::new`] (permalinks).
    model_diagnostics: Vec<Diagnostic>,
    /// Page and link findings, by page index.
    findings: Vec<PageFindings>,
    /// For each page index, the pages with a link to it, sorted.
    linked_from: Vec<Vec<usize>>,
    /// Job-family findings (`grade-conflict` across families excepted), by page index.
    family_findings: HashMap<usize, Vec<Diagnostic>>,
    /// `grade-conflict` across families.
    conflicts: ConflictIndex,
    views: FamilyViews,
    files: Arc<Files>,
    diagnostics: Vec<Diagnostic>,
    summary: Summary,
}

impl LiveSite {
    /// Builds the site at `options.root` from scratch.
    ///
    /// Errors: as [`crate::build`] (config, theme, listing `content/`, templates).
    pub(crate) fn load(options: &Options) -> Result<LiveSite> {
        let root = &options.root;
        let (config, found) = crate::open_site(options)?;
        let theme = Theme::load(root, &config.theme)?;
        let discovery_diagnostics = found.diagnostics(CONTENT);
        let parses = found
            .pages
            .into_par_iter()
            .map(|f| (f.rel_path.clone(), parse_entry(f)))
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        let static_files = discover::site_static_files(root, &config.theme)?;
        let mut model_diagnostics = Vec::new();
        let site = model(
            root,
            config,
            &parses,
            found.assets.clone(),
            static_files.clone(),
            &mut model_diagnostics,
        )?;
        let mut live = LiveSite {
            options: options.clone(),
            theme,
            parses,
            assets: found.assets,
            static_files,
            views: FamilyViews::new(&site),
            site,
            index_of: HashMap::new(),
            discovery_diagnostics,
            model_diagnostics,
            findings: Vec::new(),
            linked_from: Vec::new(),
            family_findings: HashMap::new(),
            conflicts: ConflictIndex::default(),
            files: Arc::default(),
            diagnostics: Vec::new(),
            summary: Summary::default(),
        };
        live.validate_and_render_all()?;
        Ok(live)
    }

    /// The files to serve, by output path.
    pub(crate) fn files(&self) -> &Arc<Files> {
        &self.files
    }

    /// The site as modelled now.
    pub(crate) fn site(&self) -> &Site {
        &self.site
    }

    /// Every finding, after `[rules]` levels, sorted.
    pub(crate) fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Totals of the current build.
    pub(crate) fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Applies a batch of changes: `changed` are paths relative to the root,
    /// `/`-separated (`content/a/b.md`, `themes/default/templates/page.html`,
    /// `ladder.toml`), or absolute for a `--config` file outside it; each once.
    ///
    /// Errors: as [`LiveSite::load`]. After an error the state is unusable: load again.
    pub(crate) fn apply(&mut self, changed: &[String]) -> Result<Update> {
        let start = Instant::now();
        let mut content: Vec<&str> = Vec::new();
        let (mut structural, mut theme, mut statics, mut everything) = (false, false, false, false);
        let theme_dir = format!("{}/", self.site.config.theme);
        for path in changed {
            let (first, rest) = match path.split_once('/') {
                Some((first, rest)) => (first, Some(rest)),
                None => (path.as_str(), None),
            };
            match (first, rest) {
                (CONTENT, Some(rel)) => content.push(rel),
                (CONTENT, None) => structural = true,
                ("themes", Some(rest)) => {
                    if let Some(within) = rest.strip_prefix(&theme_dir) {
                        if within.starts_with("templates") {
                            theme = true;
                        } else {
                            statics = true;
                        }
                    } else if rest == self.site.config.theme {
                        (theme, statics) = (true, true);
                    }
                }
                ("themes", None) => (theme, statics) = (true, true),
                ("static", _) => statics = true,
                _ => everything = true,
            }
        }
        if everything {
            *self = LiveSite::load(&self.options)?;
            return Ok(Update::since(Work::Full, start, None));
        }
        if theme {
            self.theme = Theme::load(&self.options.root, &self.site.config.theme)?;
        }
        if statics {
            self.static_files =
                discover::site_static_files(&self.options.root, &self.site.config.theme)?;
            structural = true;
        }

        // Parse the edited pages again; anything else under `content/` changes the structure.
        let mut edited: Vec<String> = Vec::new();
        for rel in content {
            match self.parses.get(rel) {
                // `changed` has no repeats (the watcher removes them).
                Some(entry) if is_regular_file(&entry.found.disk_path) => {
                    edited.push(rel.to_string());
                }
                Some(_) => structural = true,
                None => {
                    let known_asset = self.assets.iter().any(|a| a.rel_path == rel);
                    if !(known_asset && is_regular_file(&self.options.root.join(CONTENT).join(rel)))
                    {
                        structural = true;
                    }
                }
            }
        }
        let reparsed: Vec<(String, ParseEntry)> = edited
            .par_iter()
            .filter_map(|rel| {
                let found = self.parses.get(rel)?.found.clone();
                Some((rel.clone(), parse_entry(found)))
            })
            .collect();
        let parsed = reparsed.len();
        let mut changed_pages: Vec<(usize, Arc<ParsedPage>)> = Vec::new();
        for (rel, entry) in reparsed {
            let index = self.index_of.get(&rel).copied();
            // A page with a permalink finding may resolve it: the model must be rebuilt.
            let in_model_findings = |page: &ParsedPage| {
                self.model_diagnostics
                    .iter()
                    .any(|d| d.path == page.source.path)
            };
            match (index, &entry.page) {
                (Some(i), Some(page)) if !in_model_findings(page) => {
                    changed_pages.push((i, Arc::clone(page)));
                }
                _ => structural = true,
            }
            self.parses.insert(rel, entry);
        }

        if structural {
            let found = discover::discover(&self.options.root.join(CONTENT))?;
            self.discovery_diagnostics = found.diagnostics(CONTENT);
            let mut kept = std::mem::take(&mut self.parses);
            let (reuse, fresh): (Vec<FoundFile>, Vec<FoundFile>) = found
                .pages
                .into_iter()
                .partition(|f| kept.get(&f.rel_path).is_some_and(|e| e.found == *f));
            let fresh_count = fresh.len();
            let fresh: Vec<(String, ParseEntry)> = fresh
                .into_par_iter()
                .map(|f| (f.rel_path.clone(), parse_entry(f)))
                .collect();
            self.parses = reuse
                .into_iter()
                .filter_map(|f| kept.remove_entry(&f.rel_path))
                .chain(fresh)
                .collect();
            self.assets = found.assets;
            self.remodel()?;
            let work = Work::Remodel {
                parsed: parsed + fresh_count,
            };
            return Ok(Update::since(work, start, None));
        }
        if changed_pages.is_empty() && !theme {
            // An asset changed in place: it is served from disk, so only reload.
            return Ok(Update::since(
                Work::Incremental {
                    parsed: 0,
                    validated: 0,
                    rendered: 0,
                },
                start,
                Some(BTreeSet::new()),
            ));
        }

        // Edits in place.
        let mut changes = Vec::new();
        for (index, page) in changed_pages {
            match self.site.replace_page(index, page) {
                Some(change) => changes.push((index, change)),
                None => {
                    // The structure changed after all: rebuild the model from the parses.
                    self.remodel()?;
                    return Ok(Update::since(Work::Remodel { parsed }, start, None));
                }
            }
        }
        let before = if changes
            .iter()
            .any(|(_, c)| c.title_changed || c.family_changed)
        {
            let after = FamilyViews::new(&self.site);
            Some(std::mem::replace(&mut self.views, after))
        } else {
            None
        };
        let mut to_validate: BTreeSet<usize> = BTreeSet::new();
        for (index, _) in &changes {
            to_validate.insert(*index);
            to_validate.extend(self.linked_from[*index].iter().copied());
        }
        self.revalidate(&to_validate);
        for (index, _) in &changes {
            self.revalidate_family(*index);
        }
        if theme {
            // A template changed (alone, or with pages in the same batch): every output,
            // not only the edited pages' ones.
            self.render_all()?;
            self.collect();
            return Ok(Update::since(Work::Rerender, start, None));
        }

        let mut outputs: Vec<Output> = Vec::new();
        for (index, change) in &changes {
            outputs.extend(render::affected_outputs(
                &self.site,
                *index,
                *change,
                before.as_ref(),
                &self.views,
            ));
        }
        outputs.sort();
        outputs.dedup();
        let rendered = render::render_outputs(
            &self.site,
            &self.theme,
            LIVE_RELOAD_SNIPPET,
            &self.views,
            &outputs,
        )?;
        let files = Arc::make_mut(&mut self.files);
        for f in rendered {
            files.insert(Arc::from(f.path.as_str()), body(f));
        }
        self.collect();
        let touched = to_validate
            .iter()
            .map(|&i| self.site.pages[i].parsed.source.path.clone())
            .collect();
        let work = Work::Incremental {
            parsed,
            validated: to_validate.len(),
            rendered: outputs.len(),
        };
        Ok(Update::since(work, start, Some(touched)))
    }

    /// Builds the model from the kept parses, then validates and renders everything.
    fn remodel(&mut self) -> Result<()> {
        let mut model_diagnostics = Vec::new();
        self.site = model(
            &self.options.root,
            self.site.config.clone(),
            &self.parses,
            self.assets.clone(),
            self.static_files.clone(),
            &mut model_diagnostics,
        )?;
        self.model_diagnostics = model_diagnostics;
        self.views = FamilyViews::new(&self.site);
        self.validate_and_render_all()
    }

    /// Validates and renders the whole site as modelled (with `views` made from it).
    fn validate_and_render_all(&mut self) -> Result<()> {
        self.index_of = self
            .site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.parsed.source.rel_path.clone(), i))
            .collect();
        self.findings = self
            .site
            .pages
            .par_iter()
            .map(|p| validate::validate_page(&self.site, p))
            .collect();
        self.linked_from = vec![Vec::new(); self.site.pages.len()];
        for (i, found) in self.findings.iter().enumerate() {
            for &t in &found.targets {
                self.linked_from[t].push(i);
            }
        }
        self.family_findings = self
            .site
            .families
            .par_iter()
            .map(|f| (f.page, validate::validate_family(&self.site, f)))
            .collect();
        self.conflicts = ConflictIndex::new(&self.site);
        self.render_all()?;
        self.collect();
        Ok(())
    }

    /// Validates `pages` again and keeps the link index up to date.
    fn revalidate(&mut self, pages: &BTreeSet<usize>) {
        let fresh: Vec<(usize, PageFindings)> = pages
            .par_iter()
            .map(|&i| (i, validate::validate_page(&self.site, &self.site.pages[i])))
            .collect();
        for (i, found) in fresh {
            let old = std::mem::replace(&mut self.findings[i], found);
            for t in old.targets {
                self.linked_from[t].retain(|&from| from != i);
            }
            for &t in &self.findings[i].targets {
                let list = &mut self.linked_from[t];
                if let Err(at) = list.binary_search(&i) {
                    list.insert(at, i);
                }
            }
        }
    }

    /// Runs the job-family rules again for the family on page `index`, if it is one.
    fn revalidate_family(&mut self, index: usize) {
        if let Ok(k) = self.site.families.binary_search_by_key(&index, |f| f.page) {
            let found = validate::validate_family(&self.site, &self.site.families[k]);
            self.family_findings.insert(index, found);
            self.conflicts.update(&self.site, index);
        }
    }

    fn render_all(&mut self) -> Result<()> {
        let files = std::sync::Mutex::new(HashMap::new());
        let sink = |f: OutputFile| {
            files
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(Arc::from(f.path.as_str()), body(f));
            Ok(())
        };
        render::render_site_into(
            &self.site,
            &self.theme,
            LIVE_RELOAD_SNIPPET,
            &self.views,
            None,
            &sink,
        )?;
        self.files = Arc::new(
            files
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        Ok(())
    }

    /// Gathers every finding (with `[rules]` levels) and the totals.
    fn collect(&mut self) {
        let mut all: Vec<Diagnostic> = self
            .parses
            .values()
            .flat_map(|e| e.diagnostics.iter().cloned())
            .chain(self.discovery_diagnostics.iter().cloned())
            .chain(self.model_diagnostics.iter().cloned())
            .chain(self.family_findings.values().flatten().cloned())
            .chain(self.conflicts.diagnostics().cloned())
            .collect();
        all.extend(
            self.findings
                .iter()
                .flat_map(|f| f.diagnostics.iter().cloned()),
        );
        self.diagnostics = crate::apply_rule_levels(&self.site.config, all);
        let links = self.findings.iter().map(|f| f.links).sum();
        self.summary = Summary::new(self.parses.len(), &self.diagnostics, links, 0);
    }
}

/// The model of the pages parsed so far, in path order.
fn model(
    root: &Path,
    config: Config,
    parses: &BTreeMap<String, ParseEntry>,
    assets: Vec<FoundFile>,
    static_files: Vec<FoundFile>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Site> {
    let pages = parses.values().filter_map(|e| e.page.clone()).collect();
    Site::new(root, config, pages, assets, static_files, diagnostics)
}

fn parse_entry(found: FoundFile) -> ParseEntry {
    let (page, diagnostics) = parse::parse_file(&found, CONTENT);
    ParseEntry {
        found,
        page: page.map(Arc::new),
        diagnostics,
    }
}

/// Whether `path` is a file itself, not a symbolic link to one (discovery never follows
/// links, and the server never serves through one).
pub(crate) fn is_regular_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

fn body(f: OutputFile) -> Body {
    match f.contents {
        Contents::Bytes(bytes) => Body::Bytes(bytes.into()),
        Contents::Copy(path) => Body::Disk(path.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A copy of the example handbook (`content/` and `ladder.toml`) in a temp dir.
    fn handbook() -> (tempfile::TempDir, Options) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for entry in walkdir::WalkDir::new(repo.join("content")) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(repo).unwrap();
            let to = dir.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        std::fs::copy(repo.join("ladder.toml"), dir.path().join("ladder.toml")).unwrap();
        let options = Options {
            root: dir.path().to_path_buf(),
            ..Options::default()
        };
        (dir, options)
    }

    fn bytes(files: &Files) -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .map(|(path, body)| {
                let b = match body {
                    Body::Bytes(b) => b.to_vec(),
                    Body::Disk(p) => format!("disk:{}", p.display()).into_bytes(),
                };
                (path.to_string(), b)
            })
            .collect()
    }

    /// Applies `changed` and asserts the site in memory equals one built from scratch:
    /// the same findings, totals and files, byte for byte. Returns the work done.
    fn apply_and_compare(live: &mut LiveSite, options: &Options, changed: &[&str]) -> Work {
        let changed: Vec<String> = changed.iter().map(|s| s.to_string()).collect();
        let update = live.apply(&changed).unwrap();
        let fresh = LiveSite::load(options).unwrap();
        assert_eq!(live.diagnostics(), fresh.diagnostics(), "after {changed:?}");
        assert_eq!(live.summary(), fresh.summary(), "after {changed:?}");
        let (got, want) = (bytes(live.files()), bytes(fresh.files()));
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "after {changed:?}"
        );
        for (path, body) in &want {
            assert!(
                got[path] == *body,
                "{path} differs after {changed:?}:\n--- incremental ---\n{}\n--- from scratch ---\n{}",
                String::from_utf8_lossy(&got[path]),
                String::from_utf8_lossy(body)
            );
        }
        update.work
    }

    fn edit(root: &Path, rel: &str, f: impl FnOnce(String) -> String) {
        let path: PathBuf = root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, f(text)).unwrap();
    }

    fn is_incremental(work: &Work) -> bool {
        matches!(work, Work::Incremental { parsed: 1, .. })
    }

    /// Edits `rel` with `f`, applies it, compares with a build from scratch
    /// ([`apply_and_compare`]) and asserts the page was rebuilt in place.
    fn edit_in_place(
        live: &mut LiveSite,
        options: &Options,
        rel: &str,
        f: impl FnOnce(String) -> String,
    ) {
        edit(&options.root, rel, f);
        let work = apply_and_compare(live, options, &[rel]);
        assert!(is_incremental(&work), "{rel}: {work:?}");
    }

    #[test]
    fn edits_in_place_match_a_build_from_scratch() {
        let (_dir, options) = handbook();
        let mut live = LiveSite::load(&options).unwrap();
        let backend = "content/job-families/engineering/backend-engineer.md";

        // A paragraph at the end of a job family.
        edit_in_place(&mut live, &options, backend, |t| {
            format!("{t}\nA new closing paragraph.\n")
        });

        // Lines inserted at the top of the body shift every span; a grade changes, so
        // the ladder, the index, the grade matrix and ladder.json change.
        edit_in_place(&mut live, &options, backend, |t| {
            t.replacen(
                "---\nBackend Engineers at",
                "---\nA new first line.\n\nBackend Engineers at",
                1,
            )
            .replace("is a [grade 8]", "is a [grade 9]")
        });

        // A title: folder indexes list it, the family index and matrix show it.
        edit_in_place(&mut live, &options, backend, |t| {
            t.replace(
                "title: \"Backend Engineer\"",
                "title: \"Backend Developer\"",
            )
        });

        // A folder's own index page changes its title: breadcrumbs below it change.
        let engineering = "content/job-families/engineering/_index.md";
        edit_in_place(&mut live, &options, engineering, |t| {
            t.replace("title: \"Engineering\"", "title: \"Engineering & Ops\"")
        });

        // The heading every job family links to disappears: their links break.
        let grades = "content/handbook/job-grades.md";
        let before = live.diagnostics().len();
        edit_in_place(&mut live, &options, grades, |t| {
            t.replace("## Job grade scale", "## The scale")
        });
        assert!(
            live.diagnostics().len() > before + 5,
            "{:?}",
            live.diagnostics()
        );
        edit_in_place(&mut live, &options, grades, |t| {
            t.replace("## The scale", "## Job grade scale")
        });
        assert_eq!(live.diagnostics().len(), before);

        // Broken front matter, then fixed.
        let recruiter = "content/job-families/people/recruiter.md";
        let original = std::fs::read_to_string(options.root.join(recruiter)).unwrap();
        edit_in_place(&mut live, &options, recruiter, |t| {
            t.replacen("---\n", "---\ntitle: [unclosed\n", 1)
        });
        edit_in_place(&mut live, &options, recruiter, |_| original);
    }

    #[test]
    fn structural_changes_match_a_build_from_scratch() {
        let (dir, options) = handbook();
        let root = dir.path();
        let mut live = LiveSite::load(&options).unwrap();

        // A new page, linked from an existing one.
        let new = "content/job-families/engineering/data-engineer.md";
        std::fs::write(
            root.join(new),
            "---\ntitle: Data Engineer\n---\n## Job Grade\n\nThe Data Engineer is a grade 7.\n",
        )
        .unwrap();
        let work = apply_and_compare(&mut live, &options, &[new]);
        assert!(matches!(work, Work::Remodel { parsed: 1 }), "{work:?}");

        // A permalink, then the page removed.
        edit(root, new, |t| {
            t.replacen("---\n", "---\npermalink: /data/\n", 1)
        });
        apply_and_compare(&mut live, &options, &[new]);
        std::fs::remove_file(root.join(new)).unwrap();
        apply_and_compare(&mut live, &options, &[new]);

        // A page that is no longer UTF-8, then repaired.
        let pm = "content/job-families/product/product-manager.md";
        let original = std::fs::read(root.join(pm)).unwrap();
        std::fs::write(root.join(pm), b"---\ntitle: x\n---\n\xff\xfe\n").unwrap();
        apply_and_compare(&mut live, &options, &[pm]);
        std::fs::write(root.join(pm), &original).unwrap();
        apply_and_compare(&mut live, &options, &[pm]);

        // A folder renamed.
        std::fs::rename(
            root.join("content/job-families/people"),
            root.join("content/job-families/team"),
        )
        .unwrap();
        apply_and_compare(
            &mut live,
            &options,
            &["content/job-families/people", "content/job-families/team"],
        );

        // A template override, a static file, the config.
        let templates = root.join("themes/default/templates");
        std::fs::create_dir_all(&templates).unwrap();
        let page = include_str!("../../themes/default/templates/page.html");
        std::fs::write(
            templates.join("page.html"),
            page.replace("</article>", "<p>override</p></article>"),
        )
        .unwrap();
        let work = apply_and_compare(&mut live, &options, &["themes/default/templates/page.html"]);
        assert_eq!(work, Work::Rerender);
        // A template and a page saved together (save-all, a checkout): pages the edit
        // does not touch take the template too.
        std::fs::write(
            templates.join("page.html"),
            page.replace("</article>", "<p>second override</p></article>"),
        )
        .unwrap();
        let pm = "content/job-families/product/product-manager.md";
        edit(root, pm, |t| format!("{t}\nOne more line.\n"));
        let work = apply_and_compare(
            &mut live,
            &options,
            &["themes/default/templates/page.html", pm],
        );
        assert_eq!(work, Work::Rerender);
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("static/notes.txt"), "notes").unwrap();
        apply_and_compare(&mut live, &options, &["static/notes.txt"]);
        edit(root, "ladder.toml", |t| {
            t.replace("Acme Career Handbook", "Acme Careers")
        });
        let work = apply_and_compare(&mut live, &options, &["ladder.toml"]);
        assert_eq!(work, Work::Full);
    }
}
