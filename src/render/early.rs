//! Early rendering: a build renders most pages in the parse stage, each as soon as it
//! is parsed, and writes it into the staging directory at once.
//!
//! The render stage needs the whole site, but an ordinary page needs little of it: its
//! breadcrumbs (the titles of the folders above it) and the grade matrix's URL (the job
//! families' root folder). Both are known, or can be foreseen, from the discovered
//! paths alone: the pages that could be folder index pages (their URL from their path
//! is a folder above another page's) are parsed first, for their titles, and the
//! families' root is the first `…/job-families/` folder among the pages' URLs. With
//! those, each other page's body HTML goes into the theme's `page.html` while it is
//! still at hand, instead of waiting in a [`HtmlSpill`] for the render stage: the HTML
//! is written once instead of three times (into the spill, out of it, into the page).
//!
//! Nothing is taken on trust. Each page rendered early records its output path and a
//! fingerprint of the site's part of its context (`fingerprint`: its URL, breadcrumb
//! titles and URLs, and the grade matrix URL). The render stage renders a page again
//! when the site gives it another context than the one it was rendered with, when it
//! turned out to be a folder's index page, the job-families index or the grade matrix,
//! or when another page wrote the same output file (a permalink conflict). Pages that
//! are not rendered early (folder index pages, the home page, pages whose output would
//! collide with a content file) keep their HTML in the spill, as before.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use super::{Crumb, Output, PageTemplate, SiteContext, Theme, page_context, sanitizer};
use crate::config::Config;
use crate::discover::Discovered;
use crate::model::permalink;
use crate::model::scale::Scales;
use crate::parse::spill::HtmlSpill;
use crate::parse::{KeepHtml, ParsedPage};
use crate::write::{OutputFile, Staging};

/// A page the parse stage rendered and wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct EarlyPage {
    /// Where it was written, relative to the output directory.
    pub(super) output_path: String,
    /// The [`fingerprint`] of the site's part of its context.
    pub(super) fingerprint: u64,
}

/// A build's renderer for the parse stage: a [`KeepHtml`] that renders each page it can
/// and writes it into `staging`, and keeps the others' body HTML in a spill.
pub struct EarlyPages<'a> {
    theme: &'a Theme,
    staging: &'a Staging,
    ctx: SiteContext,
    base_path: String,
    sanitizer: Option<ammonia::Builder<'static>>,
    /// The grade scales, for the ladders of job-family pages; `None` when the config's
    /// are invalid (the build fails in the model stage, and nothing is rendered early).
    scales: Option<Scales>,
    /// Every folder above a page, by the URLs the pages' paths give, with its title:
    /// the title of the page there (parsed first), else its name in words.
    folders: HashMap<String, String>,
    /// The foreseen job-families root folder (`/job-families/`).
    families_root: Option<String>,
    /// The foreseen grade matrix URL (`/job-families/grade-matrix/`).
    matrix_url: Option<String>,
    /// Output paths no page may take (reserved files and content files), with what
    /// they are.
    taken: HashMap<String, String>,
    /// Where the body HTML of pages not rendered here waits for the render stage.
    spill: Option<HtmlSpill>,
    /// Pages rendered and written, by page path (`content/…`).
    written: Mutex<Vec<(String, EarlyPage)>>,
}

impl std::fmt::Debug for EarlyPages<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EarlyPages")
            .field("folders", &self.folders.len())
            .field("families_root", &self.families_root)
            .finish_non_exhaustive()
    }
}

impl<'a> EarlyPages<'a> {
    /// Prepares to render the pages of `found` (discovered in `content/`, diagnostics
    /// named `<content_prefix>/…`) with `config` and `theme` into `staging`: parses the
    /// pages that may be folder index pages, for the folders' titles (the parse stage
    /// parses them again, as every page: they are few, none at all in the synthetic
    /// corpora, and `-v`'s `folder titles` step took 4-8 ms at 10,000 pages). `spill` keeps the
    /// HTML of the pages it does not render (none: they are parsed again when rendered).
    pub fn new(
        config: &Config,
        found: &Discovered,
        content_prefix: &str,
        theme: &'a Theme,
        staging: &'a Staging,
        spill: Option<HtmlSpill>,
    ) -> EarlyPages<'a> {
        let base_path = config.base_path();
        let urls: Vec<String> = found
            .pages
            .iter()
            .map(|f| permalink::from_source(&f.rel_path))
            .collect();
        let mut folders: HashSet<&str> = HashSet::new();
        for url in &urls {
            folders.extend(permalink::folders_above(url));
        }
        // The pages that may be folders' index pages, parsed for their titles: the first
        // in page order has its URL, as in the model.
        let index_pages: Vec<(String, String)> = found
            .pages
            .par_iter()
            .zip(&urls)
            .filter(|(_, url)| folders.contains(url.as_str()))
            .filter_map(|(f, _)| {
                let (page, _) = crate::parse::parse_file(f, content_prefix);
                page.map(|p| (permalink::of_page(&p).0, p.title))
            })
            .collect();
        let mut titles: HashMap<String, String> = HashMap::new();
        for (url, title) in index_pages {
            titles.entry(url).or_insert(title);
        }
        let folders: HashMap<String, String> = folders
            .into_iter()
            .map(|u| {
                let title = crate::model::folder_title(u, titles.get(u).map(String::as_str));
                (u.to_string(), title)
            })
            .collect();
        let families_root = urls
            .iter()
            .find_map(|u| crate::model::job_families_folder(u))
            .map(str::to_string);
        let matrix_url = families_root.as_deref().map(crate::model::grade_matrix_url);
        let taken = crate::model::taken_outputs(found.assets.iter().map(|a| a.rel_path.as_str()))
            .into_iter()
            .map(|(path, what)| (path.to_string(), what))
            .collect();
        EarlyPages {
            theme,
            staging,
            ctx: SiteContext::new(&config.title, &base_path, matrix_url.as_deref()),
            sanitizer: config.security.sanitize_html.then(sanitizer),
            scales: Scales::from_config(&config.grades).ok(),
            base_path,
            folders,
            matrix_url,
            families_root,
            taken,
            spill,
            written: Mutex::new(Vec::new()),
        }
    }

    /// What the parse stage made, for the render stage: the pages written (those whose
    /// output file no other page wrote too), the spill, and the `family_files` made while
    /// the site was validated ([`super::render_family_outputs`]).
    pub fn finish(self, family_files: std::collections::HashMap<Output, Option<String>>) -> Kept {
        let written = self
            .written
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut writers: HashMap<String, usize> = HashMap::new();
        for (_, page) in &written {
            *writers.entry(page.output_path.clone()).or_insert(0) += 1;
        }
        Kept {
            early: written
                .into_iter()
                .filter(|(_, page)| writers[&page.output_path] == 1)
                .collect(),
            spill: self.spill,
            kept_early: AtomicUsize::new(0),
            family_files,
        }
    }

    /// Renders `page` (served at `url`) with its body HTML `html`, and writes it.
    /// `Err(Some(html))`, the HTML untouched, when it is not a page rendered early;
    /// `Err(None)` when rendering or writing failed (the render stage then makes the page
    /// again, and reports what failed).
    fn render(&self, page: &ParsedPage, url: &str, html: String) -> Result<(), Option<String>> {
        let early = renders_early(
            url,
            self.folders.contains_key(url),
            self.families_root.as_deref(),
            self.matrix_url.as_deref(),
        );
        if !early {
            return Err(Some(html));
        }
        let output_path = permalink::output_path(url);
        if crate::model::output_conflict(&output_path, &self.taken).is_some() {
            return Err(Some(html));
        }
        let Some(breadcrumbs) = self.crumbs(url) else {
            return Err(Some(html));
        };
        let Some(scales) = &self.scales else {
            return Err(Some(html));
        };
        let fingerprint = fingerprint(url, &breadcrumbs, self.ctx.grade_matrix_url.as_deref());
        let page_url = format!("{}{url}", self.base_path);
        let ladder = page.family.as_ref().and_then(|f| {
            super::families::ladder_of(f, scales.for_path(&page.source.rel_path), &page_url)
        });
        let bytes = self
            .theme
            .render_page(PageTemplate {
                site: &self.ctx,
                breadcrumbs,
                live_reload: "",
                page: page_context(page, page_url, html, self.sanitizer.as_ref()),
                section: None,
                family: ladder.as_ref().map(|l| self.theme.ladder(l)),
                families_index: None,
                matrix: None,
            })
            .map_err(|_| None)?;
        let file = OutputFile::bytes(&output_path, bytes);
        self.staging.write(&file).map_err(|_| None)?;
        self.written
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((
                page.source.path.clone(),
                EarlyPage {
                    output_path,
                    fingerprint,
                },
            ));
        Ok(())
    }

    /// The breadcrumbs of the page at `url` by the folders foreseen; `None` when a
    /// folder above it is not among them.
    fn crumbs(&self, url: &str) -> Option<Vec<Crumb<'_>>> {
        let mut crumbs = permalink::folders_above(url)
            .map(|u| {
                self.folders.get(u).map(|title| Crumb {
                    title,
                    url: format!("{}{u}", self.base_path),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        crumbs.reverse();
        Some(crumbs)
    }
}

impl KeepHtml for EarlyPages<'_> {
    fn base_path(&self) -> &str {
        &self.base_path
    }

    fn keep(&self, page: &ParsedPage, html: String) {
        let (url, _) = permalink::of_page(page);
        if let Err(Some(html)) = self.render(page, &url, html)
            && let Some(spill) = &self.spill
        {
            spill.put(&page.source.path, &html);
        }
    }
}

/// What a build's parse stage made for the render stage ([`EarlyPages::finish`]).
#[derive(Debug, Default)]
pub struct Kept {
    /// Pages written early, by page path, each the only page that wrote its output file.
    pub(super) early: HashMap<String, EarlyPage>,
    /// The body HTML of the pages not rendered early.
    pub(super) spill: Option<HtmlSpill>,
    /// How many of the pages written early the render stage found right, and kept.
    pub(super) kept_early: AtomicUsize,
    /// The outputs that show every job family, when made while the site was validated
    /// ([`super::render_family_outputs`]): each with the path it was written to.
    pub(super) family_files: std::collections::HashMap<Output, Option<String>>,
}

impl Kept {
    /// How many pages the parse stage rendered and wrote that the render stage kept
    /// (it renders the others again).
    pub fn rendered_early(&self) -> usize {
        self.kept_early.load(Ordering::Relaxed)
    }
}

/// Whether the page at `url` is one a build may render in the parse stage, given what
/// is known of the site: not the home page, not a folder's index page (`is_folder`: it
/// lists its folder's pages), not the job-families index (at `families_root`) nor the
/// grade matrix (at `matrix_url`). URLs without the base path.
pub(super) fn renders_early(
    url: &str,
    is_folder: bool,
    families_root: Option<&str>,
    matrix_url: Option<&str>,
) -> bool {
    url != "/" && !is_folder && families_root != Some(url) && matrix_url != Some(url)
}

/// A 64-bit hash (XXH3) of what the site gives an ordinary page's context besides the
/// page itself: its `url` (without base path), its breadcrumbs' titles and URLs, and the
/// grade matrix URL. Each part is hashed with its length, so no two lists of parts hash
/// the same text.
pub(super) fn fingerprint(url: &str, crumbs: &[Crumb<'_>], grade_matrix_url: Option<&str>) -> u64 {
    fn part(hash: &mut Xxh3, text: &str) {
        hash.update(&(text.len() as u64).to_le_bytes());
        hash.update(text.as_bytes());
    }
    let mut hash = Xxh3::new();
    part(&mut hash, url);
    for crumb in crumbs {
        part(&mut hash, crumb.title);
        part(&mut hash, &crumb.url);
    }
    match grade_matrix_url {
        Some(u) => part(&mut hash, u),
        None => hash.update(&[0xff]),
    }
    hash.digest()
}
