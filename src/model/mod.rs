//! Model: the [`Site`], built once after every page is parsed: pages indexed by
//! URL path, folders ([`Section`]s) with their pages and subfolders, assets, and the
//! known URL paths beside the site. Validation and rendering only read it.

pub mod ladder;
pub mod permalink;
pub mod scale;

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Rule};
use crate::discover::FoundFile;
use crate::error::{Error, Result};
use crate::parse::ParsedPage;

/// A page of the site.
#[derive(Debug, Clone)]
pub struct Page {
    /// What parsing found (shared with the parse cache of `ladder serve`).
    pub parsed: Arc<ParsedPage>,
    /// URL path without the base path, e.g. `/job-families/engineering/backend-engineer/`.
    pub url: String,
    /// Output file relative to the output directory, e.g. `job-families/x/index.html`.
    pub output_path: String,
}

impl Page {
    /// Title: front matter `title`, else the first `# heading`, else the file name
    /// ([`ParsedPage::title`]).
    pub fn title(&self) -> &str {
        &self.parsed.title
    }
}

/// A folder of the site: every URL path that has pages below it.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// URL path, ending in `/`.
    pub url: String,
    /// The index page's title, else the folder name in words (`people-ops` → `People ops`).
    pub title: String,
    /// The page served at this URL (`_index.md`, `index.html.md`), if there is one;
    /// otherwise the theme's generated folder index is.
    pub index_page: Option<usize>,
    /// Pages directly in this folder that are not folders themselves, sorted by title.
    pub pages: Vec<usize>,
    /// URLs of the subfolders, sorted by title.
    pub subsections: Vec<String>,
    /// Pages anywhere below this folder, its own index page excluded.
    pub page_count: usize,
}

/// What [`Site::replace_page`] changed besides the page's own content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageChange {
    /// The title changed: folder indexes list it, and if the page is a folder's index
    /// page, breadcrumbs below it show it.
    pub title_changed: bool,
    /// The page's job family (levels, grades, titles) changed: the job-family views may.
    pub family_changed: bool,
}

/// A file copied from `content/` as is.
#[derive(Debug, Clone)]
pub struct Asset {
    /// URL path, e.g. `/job-families/x/image.png`.
    pub url: String,
    /// Output file relative to the output directory.
    pub output_path: String,
    /// Source on disk.
    pub disk_path: PathBuf,
}

impl From<FoundFile> for Asset {
    /// A file copied as is: served at `/<relative path>`, written to the same path.
    fn from(f: FoundFile) -> Asset {
        Asset {
            url: format!("/{}", f.rel_path),
            output_path: f.rel_path,
            disk_path: f.disk_path,
        }
    }
}

/// URL paths that exist beside the site (`[links] known_paths`).
#[derive(Debug, Clone, Default)]
pub struct KnownPaths {
    /// The file they were read from, as configured.
    pub file: PathBuf,
    /// The paths, as written (one per line).
    pub paths: HashSet<String>,
}

/// What a URL path resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page, by index into [`Site::pages`].
    Page(usize),
    /// A generated folder index, by URL.
    Section(String),
    /// An asset or a file every build writes (`sitemap.xml`, `404.html`, `style.css`).
    File,
}

/// The whole site. Validation and rendering only read it; after [`Site::new`] only
/// [`Site::replace_page`] (a live preview's edit in place) changes it.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site root directory.
    pub root: PathBuf,
    /// The configuration in effect (CLI overrides applied).
    pub config: Config,
    /// The base URL's path without trailing slash (`""` or `/handbook`).
    pub base_path: String,
    /// Pages, sorted by source path.
    pub pages: Vec<Page>,
    /// Page index by URL path.
    pub by_url: HashMap<String, usize>,
    /// Folders by URL path (`/` always present).
    pub sections: BTreeMap<String, Section>,
    /// Assets, sorted by URL.
    pub assets: Vec<Asset>,
    /// Files of `themes/<theme>/static/` then `static/` (a later one replaces an earlier
    /// one at the same path), copied to the output root.
    pub static_files: Vec<Asset>,
    /// URL paths of assets and of files every build writes.
    pub files: HashSet<String>,
    /// Known URL paths beside the site, when configured.
    pub known_paths: Option<KnownPaths>,
    /// First path segments the site itself serves (`job-families`): a root-relative link
    /// starting with one of them must resolve within the site.
    pub top_segments: HashSet<String>,
    /// Whether the site owns the whole root: it has its own home page or pages directly at
    /// the top (`/about/`). Then every root-relative path must resolve within it.
    pub owns_root: bool,
    /// Hosts (lowercase, with port) whose absolute links are internal.
    pub internal_hosts: HashSet<String>,
    /// URLs by their last segment, for "did you mean" help: made on first use
    /// ([`Site::by_last_segment`]).
    last_segments: OnceLock<HashMap<String, Vec<String>>>,
    /// Job families, in page order.
    pub families: Vec<ladder::JobFamily>,
    /// The grade scales (default and per folder).
    pub scales: scale::Scales,
    /// URL of the folder holding the job families (`/job-families/`), if any.
    pub families_root: Option<String>,
}

/// Files the build writes that a page may not replace. (`404.html` may: a page with
/// `permalink: /404.html` is the site's custom 404 page.)
const RESERVED_OUTPUTS: &[&str] = &["sitemap.xml", "style.css", "ladder.json"];

/// The output paths no page may take: the reserved files and the content files at
/// `asset_paths` (each relative to the output directory), each with what it is
/// (`the file \`content/a.png\``), for [`output_conflict`].
pub(crate) fn taken_outputs<'a>(
    asset_paths: impl Iterator<Item = &'a str>,
) -> HashMap<&'a str, String> {
    RESERVED_OUTPUTS
        .iter()
        .map(|f| (*f, format!("the generated `{f}`")))
        .chain(asset_paths.map(|a| (a, format!("the file `content/{a}`"))))
        .collect()
}

/// What a page's output path collides with among the [`taken_outputs`]: a taken file, or
/// a taken file where the page needs a directory (`sitemap.xml/index.html`).
pub(crate) fn output_conflict<K>(output_path: &str, taken: &HashMap<K, String>) -> Option<String>
where
    K: std::borrow::Borrow<str> + std::hash::Hash + Eq,
{
    if let Some(what) = taken.get(output_path) {
        return Some(what.clone());
    }
    let mut dir = output_path;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        if let Some(what) = taken.get(parent) {
            return Some(what.clone());
        }
        dir = parent;
    }
    None
}

/// Files every build writes at the output root, besides pages.
pub const GENERATED_FILES: &[&str] = &["/sitemap.xml", "/404.html", "/style.css"];

impl Site {
    /// Builds the site from parsed pages and assets. Pushes `duplicate-permalink` and
    /// `unsafe-permalink` diagnostics; a page that loses a permalink conflict is left out.
    ///
    /// Errors: [`Error::Io`] when `[links] known_paths` is configured but cannot be read.
    pub fn new(
        root: &Path,
        config: Config,
        parsed: Vec<Arc<ParsedPage>>,
        assets: Vec<FoundFile>,
        static_files: Vec<FoundFile>,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<Site> {
        let known_paths = match &config.links.known_paths {
            Some(file) => Some(load_known_paths(file)?),
            None => None,
        };
        let base_path = config.base_path();
        let mut internal_hosts: HashSet<String> = config
            .links
            .internal_hosts
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        internal_hosts.extend(config.base_host());

        let assets: Vec<Asset> = assets.into_iter().map(Asset::from).collect();
        // Output files a page must not be written over (or under, as a directory).
        let taken = taken_outputs(assets.iter().map(|a| a.output_path.as_str()));
        let mut pages: Vec<Page> = Vec::with_capacity(parsed.len());
        let mut by_url: HashMap<String, usize> = HashMap::with_capacity(parsed.len());
        // Each page's URL, output file and what that file would be written over, worked
        // out in parallel; a refused permalink's finding is pushed in page order below.
        let placed: Vec<(String, String, Option<Diagnostic>, Option<String>)> = parsed
            .par_iter()
            .map(|p| {
                let (url, refusal) = permalink::of_page(p);
                let refused = refusal.zip(p.front_matter.permalink.as_ref()).map(
                    |(reason, (value, span))| {
                        Diagnostic::at(
                            Rule::UnsafePermalink,
                            &p.source,
                            span.clone(),
                            format!("permalink `{value}` is refused: {reason}; the page is served at `{url}` instead"),
                            "use a path inside the site, such as `/job-families/department/family/`",
                        )
                        .with_key(value.clone())
                    },
                );
                let output_path = permalink::output_path(&url);
                let over = output_conflict(&output_path, &taken);
                (url, output_path, refused, over)
            })
            .collect();
        for (p, (url, output_path, refused, over)) in parsed.into_iter().zip(placed) {
            diags.extend(refused);
            let conflict = match by_url.get(&url) {
                Some(&first) => {
                    let other = &pages[first].parsed.source.path;
                    Some((
                        format!(
                            "`{other}` and `{}` both have the permalink `{url}`; only `{other}` is written",
                            p.source.path
                        ),
                        "move or rename one of the files, or give one a different `permalink`",
                        Some(other.clone()),
                    ))
                }
                None => over.map(|what| {
                    (
                        format!(
                            "the page at `{url}` would be written over {what}; it was not written"
                        ),
                        "give the page another `permalink`, or rename the file",
                        None,
                    )
                }),
            };
            if let Some((message, help, related)) = conflict {
                let span = p
                    .front_matter
                    .permalink
                    .as_ref()
                    .map_or(0..0, |(_, s)| s.clone());
                let mut d =
                    Diagnostic::at(Rule::DuplicatePermalink, &p.source, span, message, help)
                        .with_key(url);
                d.related = related;
                diags.push(d);
                continue;
            }
            by_url.insert(url.clone(), pages.len());
            pages.push(Page {
                output_path,
                parsed: p,
                url,
            });
        }

        // URLs that differ only in case are one file on case-insensitive file systems.
        let mut by_lowercase: HashMap<String, usize> = HashMap::with_capacity(pages.len());
        let lowercase: Vec<String> = pages.par_iter().map(|p| p.url.to_lowercase()).collect();
        for (i, (p, lower)) in pages.iter().zip(lowercase).enumerate() {
            match by_lowercase.get(&lower) {
                Some(&first) => {
                    let other = &pages[first];
                    diags.push(
                        Diagnostic::at(
                            Rule::CaseConflict,
                            &p.parsed.source,
                            0..0,
                            format!(
                                "`{}` (this page) and `{}` (`{}`) differ only in letter case: on case-insensitive file systems (macOS, Windows) and servers one replaces the other",
                                p.url, other.url, other.parsed.source.path
                            ),
                            "rename one of the files (or give it a `permalink`) so the URLs differ in more than case",
                        )
                        .with_key(lower)
                        .with_related(other.parsed.source.path.clone()),
                    );
                }
                None => {
                    by_lowercase.insert(lower, i);
                }
            }
        }

        // `static/` files land at the output root, where links may point.
        let static_files: Vec<Asset> = static_files.into_iter().map(Asset::from).collect();
        let mut files: HashSet<String> = assets
            .iter()
            .chain(&static_files)
            .map(|a| a.url.clone())
            .collect();
        files.extend(GENERATED_FILES.iter().map(|s| s.to_string()));

        let sections = build_sections(&pages, &by_url);
        let mut top_segments = HashSet::new();
        for url in site_urls(&pages, &sections, &assets) {
            if let Some(first) = url
                .trim_start_matches('/')
                .split('/')
                .next()
                .filter(|s| !s.is_empty())
            {
                top_segments.insert(first.to_string());
            }
        }

        // Job families were read at parse time; they move here (a page still shared, as
        // with a live preview's cache, keeps its own copy).
        let mut families: Vec<ladder::JobFamily> = Vec::new();
        for (i, page) in pages.iter_mut().enumerate() {
            let family = match Arc::get_mut(&mut page.parsed) {
                Some(parsed) => parsed.family.take(),
                None => page.parsed.family.clone(),
            };
            families.extend(family.map(|f| ladder::JobFamily { page: i, ..f }));
        }
        let families_root = families_root(&pages, &families);
        // Pages the build generates for job families are link targets too.
        files.insert("/ladder.json".to_string());
        if let Some(root) = &families_root {
            files.insert(grade_matrix_url(root));
        }
        let scales =
            scale::Scales::from_config(&config.grades).map_err(|message| Error::Config {
                path: root.join("ladder.toml"),
                message,
            })?;

        let owns_root = pages
            .iter()
            .any(|p| p.url == "/" || p.url.trim_matches('/').split('/').count() == 1);
        Ok(Site {
            static_files,
            owns_root,
            families,
            families_root,
            scales,
            root: root.to_path_buf(),
            config,
            base_path,
            pages,
            by_url,
            sections,
            assets,
            files,
            known_paths,
            top_segments,
            internal_hosts,
            last_segments: OnceLock::new(),
        })
    }

    /// URLs of pages, folders and assets by their last segment, lowercase (`senior-x`,
    /// `logo.png`), each list sorted: the "did you mean" help of a broken link. Made the
    /// first time it is asked for: most sites have no broken link, and making it took
    /// 3–4 ms of the serial model stage at 10,000 pages.
    pub fn by_last_segment(&self) -> &HashMap<String, Vec<String>> {
        self.last_segments.get_or_init(|| {
            let mut by_last: HashMap<String, Vec<String>> = HashMap::new();
            for url in site_urls(&self.pages, &self.sections, &self.assets) {
                if let Some(last) = url
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .filter(|s| !s.is_empty())
                {
                    by_last
                        .entry(last.to_ascii_lowercase())
                        .or_default()
                        .push(url.clone());
                }
            }
            for urls in by_last.values_mut() {
                urls.sort();
                urls.dedup();
            }
            by_last
        })
    }

    /// Frees each page's links and anchors, which only validation reads: a build calls
    /// this between validating and rendering, so that they do not add to the peak
    /// memory of rendering. A page shared elsewhere (a live preview's cache) keeps them.
    pub fn drop_link_data(&mut self) {
        // In parallel: at 10,000 pages, freeing them on one thread took 16-20 ms.
        self.pages.par_iter_mut().for_each(|page| {
            if let Some(parsed) = Arc::get_mut(&mut page.parsed) {
                parsed.markdown.links = Vec::new();
                parsed.markdown.non_heading_anchors = Vec::new();
                parsed.markdown.paragraph_anchors = Vec::new();
            }
        });
    }

    /// Replaces page `index` with a new parse of the same file, in place, when that keeps
    /// the site's structure: the same source file, the same front-matter `permalink`
    /// (so the same URL), and a job family only where there was one. Updates the title,
    /// the folder titles and order when the title changed, and the page's job family.
    /// Returns what changed, or `None` (nothing touched) when the structure would change:
    /// then the site must be built again with [`Site::new`].
    pub fn replace_page(&mut self, index: usize, parsed: Arc<ParsedPage>) -> Option<PageChange> {
        let old = self.pages.get(index)?;
        let permalink = |p: &ParsedPage| p.front_matter.permalink.as_ref().map(|(v, _)| v.clone());
        if old.parsed.source.rel_path != parsed.source.rel_path
            || permalink(&old.parsed) != permalink(&parsed)
        {
            return None;
        }
        let family = (parsed.family.clone()).map(|f| ladder::JobFamily { page: index, ..f });
        let slot = self.families.binary_search_by_key(&index, |f| f.page);
        let family_changed = match (slot, family) {
            (Ok(k), Some(family)) => {
                let changed = self.families[k] != family;
                self.families[k] = family;
                changed
            }
            (Err(_), None) => false,
            _ => return None,
        };
        let page = &mut self.pages[index];
        let title_changed = page.title() != parsed.title;
        page.parsed = parsed;
        if title_changed {
            self.sections = build_sections(&self.pages, &self.by_url);
        }
        Some(PageChange {
            title_changed,
            family_changed,
        })
    }

    /// Resolves a decoded URL path (no query, no fragment) the way a static web server
    /// does: exact, then with a trailing `/`, then without `index.html`, then `.html`
    /// replaced by `/`.
    pub fn lookup(&self, path: &str) -> Option<Target> {
        first_candidate(path, |candidate| {
            if let Some(&i) = self.by_url.get(candidate) {
                return Some(Target::Page(i));
            }
            if self.sections.contains_key(candidate) {
                return Some(Target::Section(candidate.to_string()));
            }
            self.files.contains(candidate).then_some(Target::File)
        })
    }

    /// Whether `path` is among the known paths beside the site (with the same tolerance).
    pub fn is_known_path(&self, path: &str) -> bool {
        self.known_paths
            .as_ref()
            .is_some_and(|k| first_candidate(path, |c| k.paths.contains(c).then_some(())).is_some())
    }

    /// Whether a root-relative path falls in the site's own tree: the site owns the root,
    /// or the path's first segment is one the site serves, or it is `/`.
    pub fn in_tree(&self, path: &str) -> bool {
        if self.owns_root {
            return true;
        }
        match path.trim_start_matches('/').split('/').next() {
            None | Some("") => true,
            Some(first) => self.top_segments.contains(first),
        }
    }

    /// Section URLs from the home page down to `url`'s parent folder.
    pub fn ancestors(&self, url: &str) -> Vec<&Section> {
        let mut chain: Vec<&Section> = permalink::folders_above(url)
            .filter_map(|u| self.sections.get(u))
            .collect();
        chain.reverse();
        chain
    }
}

/// The URL paths a server would try for `path`, in order.
pub fn tolerant_candidates(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    first_candidate(path, |c| {
        out.push(c.to_string());
        None::<()>
    });
    out
}

/// The first `Some` that `found` gives for the [`tolerant_candidates`] of `path`, tried
/// in order; `path` itself (the usual hit) is tried without allocating.
fn first_candidate<T>(path: &str, mut found: impl FnMut(&str) -> Option<T>) -> Option<T> {
    if let Some(t) = found(path) {
        return Some(t);
    }
    let mut slashed = String::new();
    if !path.ends_with('/') {
        slashed.push_str(path);
        slashed.push('/');
        if let Some(t) = found(&slashed) {
            return Some(t);
        }
    }
    if let Some(dir) = path.strip_suffix("index.html")
        && let Some(t) = found(dir)
    {
        return Some(t);
    }
    let stem = path.strip_suffix(".html")?;
    slashed.clear();
    slashed.push_str(stem);
    slashed.push('/');
    found(&slashed)
}

/// The title of a parsed page: front matter `title`, else its first non-empty
/// `# heading`, else made from the file name (`index` pages from their folder's name).
pub(crate) fn page_title(p: &ParsedPage) -> String {
    if let Some(t) = &p.front_matter.title {
        return t.clone();
    }
    if let Some(h) = p
        .markdown
        .headings
        .iter()
        .find(|h| h.level == 1 && !h.text.is_empty())
    {
        return h.text.clone();
    }
    let name = p
        .source
        .rel_path
        .rsplit('/')
        .next()
        .unwrap_or(&p.source.rel_path);
    let stem = crate::discover::page_stem(name).unwrap_or(name);
    if stem == "index" || stem == "_index" {
        let dir = p.source.rel_path.rsplit('/').nth(1).unwrap_or("Home");
        humanize(dir)
    } else {
        humanize(stem)
    }
}

/// The title of the folder at `url`: its index page's title (`index_title`), else
/// `Home` for `/`, else its last segment in words ([`humanize`]).
pub(crate) fn folder_title(url: &str, index_title: Option<&str>) -> String {
    match index_title {
        Some(title) => title.to_string(),
        None if url == "/" => "Home".to_string(),
        None => humanize(url.trim_end_matches('/').rsplit('/').next().unwrap_or("")),
    }
}

/// `people-ops` → `People ops`; `program_management` → `Program management`.
pub fn humanize(segment: &str) -> String {
    let words = segment.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The URLs of `pages`, then of the folders `sections`, then of `assets`.
fn site_urls<'a>(
    pages: &'a [Page],
    sections: &'a BTreeMap<String, Section>,
    assets: &'a [Asset],
) -> impl Iterator<Item = &'a String> {
    pages
        .iter()
        .map(|p| &p.url)
        .chain(sections.keys())
        .chain(assets.iter().map(|a| &a.url))
}

/// The folders of `pages`, each page's index by URL being `by_url`.
fn build_sections(pages: &[Page], by_url: &HashMap<String, usize>) -> BTreeMap<String, Section> {
    // Every folder above a page, borrowed from the page's URL, and how many pages are
    // below it (hashed: a folder is looked up once per page below it).
    let mut below: HashMap<&str, usize> = HashMap::new();
    below.insert("/", 0);
    for page in pages {
        for u in permalink::folders_above(&page.url) {
            *below.entry(u).or_insert(0) += 1;
        }
    }
    let mut sections: BTreeMap<String, Section> = below
        .iter()
        .map(|(url, &page_count)| {
            let section = Section {
                page_count,
                ..Section::default()
            };
            (url.to_string(), section)
        })
        .collect();
    for (url, s) in sections.iter_mut() {
        s.index_page = by_url.get(url.as_str()).copied();
        s.title = folder_title(url, s.index_page.map(|i| pages[i].title()));
        s.url = url.clone();
    }
    for (i, page) in pages.iter().enumerate() {
        let parent = permalink::parent_of(&page.url);
        if below.contains_key(page.url.as_str()) {
            if let Some(s) = parent.and_then(|p| sections.get_mut(p)) {
                s.subsections.push(page.url.clone());
            }
        } else if let Some(s) = parent.and_then(|p| sections.get_mut(p)) {
            s.pages.push(i);
        }
    }
    // Folders without an index page are subsections of their parent too.
    let indexless: Vec<String> = sections
        .keys()
        .filter(|url| !by_url.contains_key(url.as_str()))
        .cloned()
        .collect();
    for url in indexless {
        if let Some(parent) = permalink::parent_of(&url)
            && let Some(s) = sections.get_mut(parent)
        {
            s.subsections.push(url);
        }
    }
    // Sort keys, each made once (not in every comparison).
    let page_titles: Vec<String> = pages.par_iter().map(|p| p.title().to_lowercase()).collect();
    let titles: HashMap<String, String> = sections
        .iter()
        .map(|(u, s)| (u.clone(), s.title.to_lowercase()))
        .collect();
    for s in sections.values_mut() {
        s.pages
            .sort_by(|&a, &b| page_titles[a].cmp(&page_titles[b]).then(a.cmp(&b)));
        s.subsections
            .sort_by(|a, b| titles[a].cmp(&titles[b]).then(a.cmp(b)));
        s.subsections.dedup();
    }
    sections
}

/// The URL (without base path) of the grade matrix page of the job families in the
/// folder `families_root` (`/job-families/` → `/job-families/grade-matrix/`).
pub fn grade_matrix_url(families_root: &str) -> String {
    format!("{families_root}grade-matrix/")
}

/// The first `…/job-families/` folder in the URL `url` (`/a/job-families/b/c/` →
/// `/a/job-families/`), if it has one.
pub(crate) fn job_families_folder(url: &str) -> Option<&str> {
    const FOLDER: &str = "/job-families/";
    url.find(FOLDER).map(|i| &url[..i + FOLDER.len()])
}

/// The folder holding the job families: `/…/job-families/` when they all live below
/// one, else the deepest folder common to all of them.
fn families_root(pages: &[Page], families: &[ladder::JobFamily]) -> Option<String> {
    let urls: Vec<&str> = families
        .iter()
        .map(|f| pages[f.page].url.as_str())
        .collect();
    let first = urls.first()?;
    if let Some(root) = job_families_folder(first)
        && urls.iter().all(|u| u.starts_with(root))
    {
        return Some(root.to_string());
    }
    let mut root = permalink::parent(first).unwrap_or_else(|| "/".to_string());
    while root != "/" && !urls.iter().all(|u| u.starts_with(root.as_str())) {
        root = permalink::parent(&root).unwrap_or_else(|| "/".to_string());
    }
    Some(root)
}

fn load_known_paths(file: &Path) -> Result<KnownPaths> {
    let text =
        std::fs::read_to_string(file).map_err(|e| Error::io("cannot read known paths", file, e))?;
    let paths = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.to_string())
        .collect();
    Ok(KnownPaths {
        file: file.to_path_buf(),
        paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_matches_a_static_server() {
        assert_eq!(tolerant_candidates("/a/b"), ["/a/b", "/a/b/"]);
        assert_eq!(
            tolerant_candidates("/a/b/index.html"),
            [
                "/a/b/index.html",
                "/a/b/index.html/",
                "/a/b/",
                "/a/b/index/"
            ]
        );
        assert_eq!(
            tolerant_candidates("/a/b.html"),
            ["/a/b.html", "/a/b.html/", "/a/b/"]
        );
    }

    #[test]
    fn humanize_folder_names() {
        assert_eq!(humanize("people-ops"), "People ops");
        assert_eq!(
            humanize("legal-and-corporate-affairs"),
            "Legal and corporate affairs"
        );
    }
}
