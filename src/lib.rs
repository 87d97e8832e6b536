//! `ladder`: a static-site generator and checker for job-family handbooks.
//!
//! ```text
//! content/**/*.md ─discover─▶ pages + assets (sorted)
//!                 ─parse (rayon, pure per file)─▶ ParsedPage (no HTML) + diagnostics
//!                   (a build also renders each body's HTML in the same pass, and then
//!                   renders and writes most pages at once: render::early; the others'
//!                   HTML waits in an unnamed temporary file: parse::spill)
//!                 ─model::Site::new─▶ Site (pages by URL, folders, assets, job families)
//!                 ─validate (rayon per page)─▶ diagnostics (links, anchors, structure)
//!                   (a build makes the job-family views meanwhile, and the outputs
//!                   that show every family: render::families)
//!                 ─render (body HTML → Tera, rayon per page)─▶ each output file not
//!                   written yet, and each page the site gives another context than
//!                   the parse stage foresaw
//!                 ─write (into a staging dir as rendered, then swapped in)─▶ public/
//!                 ─scope (--changed-since, --baseline)─▶ the findings a run counts
//!                 ─report (human | json | codequality | junit)─▶ stdout, --report files
//! ```
//! `--external` adds a network check of links to other hosts to the validate stage.
//! [`check`] runs discover → validate; [`build`] runs everything. Findings in content are
//! [`Diagnostic`]s (data); failures of the tool are [`Error`]s. Only the binary decides
//! the exit code.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Content never panics the library: no unwrap/expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod error;
pub mod model;
pub mod parse;
pub mod render;
pub mod report;
pub mod scope;
pub mod serve;
pub mod slug;
pub mod source;
pub mod validate;
pub mod write;

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use config::Config;
pub use diagnostic::{Diagnostic, Rule, Severity};
pub use error::{Error, Result};
pub use model::Site;

/// Where and how to run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site root: holds `content/`, and optionally `ladder.toml`, `themes/`, `static/`.
    pub root: PathBuf,
    /// Config file; default `<root>/ladder.toml` (optional there).
    pub config: Option<PathBuf>,
    /// Overrides `base_url` from the config (e.g. GitLab Pages' `$CI_PAGES_URL`).
    pub base_url: Option<String>,
    /// Output directory for [`build`]; default `<root>/public`.
    pub output: Option<PathBuf>,
    /// Check http(s) links to other hosts over the network (off by default); results are
    /// cached in `<root>/.ladder-cache/external-links.json` for a day.
    pub external: bool,
    /// Keep each page's parse in `<root>/.ladder-cache/pages.bin` and reuse it while the
    /// file's length and modification time stay the same ([`parse::cache`]). Off by
    /// default in the library; the command line turns it on unless `--no-cache`.
    pub parse_cache: bool,
}

/// Totals for the summary line and the JSON report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Pages read (including ones with errors).
    pub pages: usize,
    /// Error-severity diagnostics.
    pub errors: usize,
    /// Warning-severity diagnostics.
    pub warnings: usize,
    /// Info-severity diagnostics.
    pub infos: usize,
    /// Internal links that could not be verified.
    pub unchecked_links: usize,
    /// Links to other hosts.
    pub external_links: usize,
    /// Distinct external URLs checked over the network (`--external`), else 0.
    pub external_checked: usize,
}

impl Summary {
    /// The totals for `pages` pages read, their `diagnostics` (after `[rules]` levels),
    /// the link counts of validation, and `external_checked` URLs checked over the network.
    pub fn new(
        pages: usize,
        diagnostics: &[Diagnostic],
        links: validate::LinkCounts,
        external_checked: usize,
    ) -> Summary {
        let counts = diagnostic::Counts::of(diagnostics);
        Summary {
            pages,
            errors: counts.errors,
            warnings: counts.warnings,
            infos: counts.infos,
            unchecked_links: links.unchecked,
            external_links: links.external,
            external_checked,
        }
    }
}

/// The result of [`check`] or [`build`].
#[derive(Debug)]
pub struct Outcome {
    /// The site as modelled.
    pub site: Site,
    /// Findings after `[rules]` overrides, sorted by path, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Totals.
    pub summary: Summary,
    /// Wall time of the run (human output only; never in machine-readable reports).
    pub elapsed: Duration,
    /// Files written by [`build`] (0 for [`check`]).
    pub files_written: usize,
    /// Wall time of each stage, in order (`discover`, for [`build`] `folder titles`, then
    /// `parse`, `model`, `validate`, and for [`build`] `render+write`, `commit`): for
    /// `-v`, never in machine-readable reports.
    pub timings: Vec<(&'static str, Duration)>,
    /// What the parse cache gave, when it was used.
    pub parse_cache: Option<parse::cache::CacheStats>,
    /// For [`build`]: how many pages were rendered and written in the parse stage and
    /// not again ([`render::early`]), for `-v`.
    pub rendered_early: Option<usize>,
}

/// Loads the configuration for `options`: `--config`, else `<root>/ladder.toml`, else
/// defaults; then `--base-url`.
///
/// Errors: [`Error::Config`]/[`Error::Io`] for a bad or unreadable config file (a missing
/// explicit `--config` is an error too); [`Error::Usage`] for an invalid base URL.
pub fn load_config(options: &Options) -> Result<Config> {
    let mut config = match &options.config {
        Some(path) => Config::load(path)?.ok_or_else(|| {
            Error::Usage(format!("config file `{}` does not exist", path.display()))
        })?,
        None => Config::load(&options.root.join("ladder.toml"))?.unwrap_or_default(),
    };
    if let Some(url) = &options.base_url {
        config.base_url = url.clone();
    }
    config::validate_base_url(&config.base_url).map_err(Error::Usage)?;
    Ok(config)
}

/// The folder of pages, relative to the site root; diagnostics name files below it.
pub(crate) const CONTENT: &str = "content";

/// The first steps of every run: the site root checked, its config loaded, and what is
/// under `content/` discovered.
///
/// Errors: [`Error::Usage`] when the root is not a directory; config errors from
/// [`load_config`]; [`Error::Io`] when `content/` cannot be listed.
pub(crate) fn open_site(options: &Options) -> Result<(Config, discover::Discovered)> {
    let root = &options.root;
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "site root `{}` is not a directory",
            root.display()
        )));
    }
    let config = load_config(options)?;
    let found = discover::discover(&root.join(CONTENT))?;
    Ok((config, found))
}

/// Discovers, parses, models and validates the site (stages 1–4). Writes nothing.
///
/// Errors: [`Error::Usage`] when the root is not a directory; config and known-paths
/// errors from [`load_config`] and [`Site::new`]; [`Error::Io`] when `content/` cannot
/// be listed.
pub fn check(options: &Options) -> Result<Outcome> {
    let mut run = Run::start();
    let (config, found) = open_site(options)?;
    run.stage("discover");
    check_found(options, run, config, found, None, |_| ()).map(|(outcome, ())| outcome)
}

/// A run's clock: its start, and each stage's wall time as it ends.
struct Run {
    start: Instant,
    lap: Instant,
    timings: Vec<(&'static str, Duration)>,
}

impl Run {
    fn start() -> Run {
        let now = Instant::now();
        Run {
            start: now,
            lap: now,
            timings: Vec::new(),
        }
    }

    /// Ends the stage `name`, which began when the previous one ended.
    fn stage(&mut self, name: &'static str) {
        self.timings.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }
}

/// Stages 2–4 of [`check`] on the site `found` in `options.root` with `config`: parse,
/// model, validate. With `keep`, each page parsed also has its body HTML rendered in the
/// same pass and handed to it (a build's [`render::early::EarlyPages`]). Also returns
/// what `beside_validation` makes of the site, which runs while the site is validated
/// (both in parallel: either fills the cores the other leaves idle; its time counts in
/// the `validate` stage).
fn check_found<V: Send>(
    options: &Options,
    mut run: Run,
    config: Config,
    found: discover::Discovered,
    keep: Option<&dyn parse::KeepHtml>,
    beside_validation: impl FnOnce(&Site) -> V + Send,
) -> Result<(Outcome, V)> {
    let root = &options.root;
    let page_count = found.pages.len();
    let (parsed, cache_stats) = if options.parse_cache {
        let (parsed, stats, pending) = parse::cache::parse_all(root, &found.pages, CONTENT, keep);
        run.stage("parse");
        // Written before the model takes the pages, which it can then own.
        if let Some(pending) = pending {
            pending.write();
            run.stage("cache write");
        }
        (parsed, Some(stats))
    } else {
        let parsed = parse::parse_all(&found.pages, CONTENT, keep);
        run.stage("parse");
        (parsed, None)
    };
    let mut diagnostics = found.diagnostics(CONTENT);
    diagnostics.extend(parsed.diagnostics);
    let static_files = discover::site_static_files(root, &config.theme)?;
    let site = Site::new(
        root,
        config,
        parsed.pages,
        found.assets,
        static_files,
        &mut diagnostics,
    )?;
    run.stage("model");
    let (validation, made) = rayon::join(|| validate::validate(&site), || beside_validation(&site));
    diagnostics.extend(validation.diagnostics);
    let mut external_checked = 0;
    if options.external {
        let external = validate::external::ExternalOptions {
            cache: Some(root.join(".ladder-cache").join("external-links.json")),
            ..Default::default()
        };
        let (found, checked) = validate::check_external(&site, &external);
        diagnostics.extend(found);
        external_checked = checked;
    }
    run.stage("validate");
    let diagnostics = apply_rule_levels(&site.config, diagnostics);
    let outcome = Outcome {
        summary: Summary::new(page_count, &diagnostics, validation.links, external_checked),
        site,
        diagnostics,
        elapsed: run.start.elapsed(),
        files_written: 0,
        timings: run.timings,
        parse_cache: cache_stats,
        rendered_early: None,
    };
    Ok((outcome, made))
}

/// Runs [`check`], then renders the site and writes it to the output directory
/// atomically. Content errors do not stop the build (they are in the outcome).
///
/// Most pages are rendered and written in the parse stage, a batch at a time as they
/// are parsed ([`render::early`]); the render stage renders the others, and those the whole site
/// gives another context than was foreseen.
///
/// Errors: everything [`check`] returns; [`Error::Template`] for a theme that fails to
/// load or render; [`Error::Io`]/[`Error::Usage`] from writing. On any error the previous
/// output directory is left untouched. The outcome's pages no longer hold their links
/// and anchors ([`Site::drop_link_data`]).
pub fn build(options: &Options) -> Result<Outcome> {
    let mut run = Run::start();
    let start = run.start;
    let output = output_dir(options);
    let (config, found) = open_site(options)?;
    run.stage("discover");
    let theme = render::Theme::load(&options.root, &config.theme)?;
    let staging = write::Staging::begin(&output)?;
    // The HTML of pages not rendered while parsing waits beside the output, where the
    // build writes anyway.
    let spill = parse::spill::HtmlSpill::new(&write::parent_dir(&output), &config.base_path()).ok();
    let early = render::early::EarlyPages::new(&config, &found, CONTENT, &theme, &staging, spill);
    run.stage("folder titles");
    // The job-family views need the site, not its findings: made while it is validated,
    // and with them the outputs that show every family.
    let (mut outcome, (views, family_files)) =
        check_found(options, run, config, found, Some(&early), |site| {
            let views = render::families::FamilyViews::new(site);
            let files =
                render::render_family_outputs(site, &theme, &views, &|file| staging.write(&file));
            (views, files)
        })?;
    let kept = early.finish(family_files);
    outcome.site.drop_link_data();
    // The other pages go straight to disk, in parallel: only a few are in memory at once.
    let lap = Instant::now();
    let written =
        render::render_site_into(&outcome.site, &theme, "", &views, Some(&kept), &|file| {
            staging.write(&file)
        })?;
    outcome.timings.push(("render+write", lap.elapsed()));
    outcome.rendered_early = Some(kept.rendered_early());
    let lap = Instant::now();
    staging.commit()?;
    outcome.timings.push(("commit", lap.elapsed()));
    outcome.files_written = written;
    outcome.elapsed = start.elapsed();
    // Freeing the views (every family's ladder, the grade matrix, `ladder.json`'s data)
    // took 30-40 ms at 10,000 pages, on one thread after everything else: a thread of
    // its own frees them, which a process that ends meanwhile does not wait for.
    // (Where no thread can be started, they are freed here.)
    let _ = std::thread::Builder::new()
        .name("ladder-free-views".into())
        .spawn(move || drop(views));
    Ok(outcome)
}

/// The output directory: `--output`, else `<root>/public`.
pub fn output_dir(options: &Options) -> PathBuf {
    options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"))
}

/// Applies `[rules]` severities, drops rules turned off, and sorts.
pub(crate) fn apply_rule_levels(config: &Config, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter_map(|mut d| {
            d.severity = config.severity(d.rule, d.severity)?;
            Some(d)
        })
        .collect();
    out.sort();
    out
}
