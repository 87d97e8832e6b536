//! Render: the site through Tera templates into a list of output files.
//!
//! The default theme (`themes/default/` in this repository) is embedded in the binary;
//! a site's `themes/<theme>/templates/*.html` replaces it file by file, and
//! `themes/<theme>/static/` and `static/` are copied to the output root (later wins).
//! Job-family views (the ladder on each family page, the index by department, the grade
//! matrix, `ladder.json`) are built in [`families`].
//! Contexts are typed structs (documented in the README); every value from front matter
//! is HTML-escaped by Tera's autoescaping; only `page.content` (our Markdown HTML),
//! `page.toc_html`, the grade matrix's `cells_html` and the families index's
//! `families_html` (made here, their text escaped) and `live_reload` are inserted raw.
//! Pages render in parallel.

pub mod early;
pub mod families;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Write};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use tera::Tera;

use crate::error::{Error, Result};
use crate::model::{Page, PageChange, Section, Site};
use crate::parse::{ParsedPage, TocEntry};
use crate::write::{Contents, OutputFile};
use early::Kept;
use families::{Department, FamilyViews, Ladder, Matrix};

/// The built-in theme: (template name, source).
const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "page.html",
        include_str!("../../themes/default/templates/page.html"),
    ),
    (
        "section.html",
        include_str!("../../themes/default/templates/section.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "grades.html",
        include_str!("../../themes/default/templates/grades.html"),
    ),
    (
        "_ladder.html",
        include_str!("../../themes/default/templates/_ladder.html"),
    ),
    (
        "_families_index.html",
        include_str!("../../themes/default/templates/_families_index.html"),
    ),
    (
        "_matrix.html",
        include_str!("../../themes/default/templates/_matrix.html"),
    ),
    (
        "_subsections.html",
        include_str!("../../themes/default/templates/_subsections.html"),
    ),
    (
        "_pages.html",
        include_str!("../../themes/default/templates/_pages.html"),
    ),
];

/// The built-in theme's static files: (output path, bytes).
const BUILTIN_STATIC: &[(&str, &[u8])] = &[(
    "style.css",
    include_bytes!("../../themes/default/static/style.css"),
)];

/// Loaded templates plus the static files that go with them.
pub struct Theme {
    tera: Tera,
    /// Each template's origin (the override's path, or `built-in theme NAME`) and text,
    /// by template name: render errors are reported at a file and line.
    sources: BTreeMap<String, (String, String)>,
    /// The built-in theme's static files by output path (a site's `static/` and
    /// `themes/<theme>/static/` files are in [`Site::static_files`]).
    static_files: BTreeMap<String, Contents>,
    /// Which job-family lists the templates may read.
    lists: ListsRead,
}

/// Which of the job-family lists the theme's templates may read: the grade matrix rows'
/// `cells`, the families index departments' `families` and a family page's
/// `family.levels`. Each is in the context only when some template may read it. The
/// built-in templates read none of them (they print `cells_html`, `families_html` and
/// `rows_html`, the HTML ladder makes of them), and
/// serializing them into Tera's context took about 40 ms of a 10,000-page build (32,500
/// levels and 10,000 families, on the one thread that renders the matrix and the index:
/// the `validate` stage of `ladder build -v` went from 214.5 to 175 ms, median of 8).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ListsRead {
    matrix_cells: bool,
    index_families: bool,
    /// A job-family page's `family.levels` (the built-in templates print
    /// `family.rows_html`).
    ladder_levels: bool,
}

impl ListsRead {
    /// What the site's own templates `overrides` (their texts) may read; built-in
    /// templates read nothing. A template may read a list when its text has the word
    /// (`cells`, `families`, `levels`: not `cells_html` or `families_index`) anywhere, comments
    /// and plain text included, or when it may print or walk a whole row or department
    /// without naming their fields: with `json_encode`, `__tera_context`, or a
    /// `{% for key, value in … %}` loop.
    fn of<'t>(overrides: impl IntoIterator<Item = &'t str>) -> ListsRead {
        let mut lists = ListsRead::default();
        for text in overrides {
            let whole = text.contains("json_encode")
                || text.contains("__tera_context")
                || has_key_value_loop(text);
            lists.matrix_cells |= whole || has_word(text, "cells");
            lists.index_families |= whole || has_word(text, "families");
            lists.ladder_levels |= whole || has_word(text, "levels");
        }
        lists
    }
}

/// Whether `word` is in `text` with no ASCII letter, digit or `_` right before or after it.
fn has_word(text: &str, word: &str) -> bool {
    let bytes = text.as_bytes();
    let is_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    text.match_indices(word).any(|(at, _)| {
        !at.checked_sub(1).is_some_and(|i| is_word(&bytes[i]))
            && !bytes.get(at + word.len()).is_some_and(is_word)
    })
}

/// Whether `text` has a Tera `for` tag with two loop variables (`{% for k, v in x %}`).
fn has_key_value_loop(text: &str) -> bool {
    text.match_indices("{%").any(|(at, _)| {
        let tag = &text[at + 2..];
        let tag = &tag[..tag.find("%}").unwrap_or(tag.len())];
        let tag = tag.trim_start_matches(['-', '+']).trim_start();
        tag.strip_prefix("for")
            .filter(|rest| rest.starts_with(char::is_whitespace))
            .and_then(|rest| rest.split_once(" in "))
            .is_some_and(|(vars, _)| vars.contains(','))
    })
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("static_files", &self.static_files.len())
            .finish()
    }
}

/// Escapes `& < > " '` — everything HTML needs, leaving `/` readable in URLs.
pub(crate) fn escape_html(input: &str) -> String {
    // Most values (titles, URLs) have nothing to escape.
    let Some(first) = input.bytes().position(|b| escaped(b).is_some()) else {
        return input.to_string();
    };
    let mut out = String::with_capacity(input.len() + 16);
    out.push_str(&input[..first]);
    escape_html_into(&mut out, &input[first..]);
    out
}

/// Appends `input` to `out`, escaped as [`escape_html`] escapes it.
fn escape_html_into(out: &mut String, input: &str) {
    // Tera calls this for every `{{ value }}` it prints: scan bytes (all five are ASCII,
    // so every match is a character boundary) and copy the runs between them whole.
    let mut copied = 0;
    for (i, b) in input.bytes().enumerate() {
        if let Some(entity) = escaped(b) {
            out.push_str(&input[copied..i]);
            out.push_str(entity);
            copied = i + 1;
        }
    }
    out.push_str(&input[copied..]);
}

/// The table of contents `toc` as the default theme lists it, one `<li>` a line:
/// `<li class="toc-l2"><a href="#ID">TITLE</a></li>`, the id and title escaped (the
/// level is 2-4). A template prints it with `{{ page.toc_html | safe }}`. The same
/// markup from a `{% for %}` loop over `page.toc` (about 20 entries a page, three
/// lookups each) was a tenth of a build's instructions (callgrind, 1,000-page build:
/// 1.474 G with the loop, 1.323 G without).
fn toc_html(toc: &[TocEntry<'_>]) -> String {
    let mut out = String::with_capacity(toc.iter().map(|e| 48 + e.id.len() + e.title.len()).sum());
    for (i, e) in toc.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("<li class=\"toc-l");
        out.push(char::from(b'0' + e.level % 10));
        out.push_str("\"><a href=\"#");
        escape_html_into(&mut out, e.id);
        out.push_str("\">");
        escape_html_into(&mut out, e.title);
        out.push_str("</a></li>");
    }
    out
}

/// The entity [`escape_html`] writes for byte `b`, if it escapes it.
#[inline]
fn escaped(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#x27;"),
        _ => None,
    }
}

impl Theme {
    /// Loads the built-in theme, then the site's overrides from
    /// `<root>/themes/<name>/templates/*.html` and static files.
    ///
    /// Errors: [`Error::Template`] naming the file when a template does not parse;
    /// [`Error::Usage`] when a theme other than `default` is configured but missing;
    /// [`Error::Io`] when an override cannot be read.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let theme_dir = root.join("themes").join(name);
        if name != "default" && !theme_dir.is_dir() {
            return Err(Error::Usage(format!(
                "theme `{name}` not found: no directory `{}`",
                theme_dir.display()
            )));
        }
        let mut overrides = Vec::new();
        let mut sources: BTreeMap<String, (String, String)> = BUILTIN_TEMPLATES
            .iter()
            .map(|(n, s)| {
                (
                    n.to_string(),
                    (s.to_string(), format!("built-in theme {n}")),
                )
            })
            .collect();
        let templates_dir = theme_dir.join("templates");
        if templates_dir.is_dir() {
            let entries = std::fs::read_dir(&templates_dir)
                .map_err(|e| Error::io("cannot list", &templates_dir, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| Error::io("cannot list", &templates_dir, e))?;
                let path = entry.path();
                let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if !file_name.ends_with(".html") || !path.is_file() {
                    continue;
                }
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| Error::io("cannot read template", &path, e))?;
                overrides.push(file_name.to_string());
                sources.insert(file_name.to_string(), (text, path.display().to_string()));
            }
        }
        let mut tera = Tera::default();
        tera.set_escape_fn(escape_html);
        tera.autoescape_on(vec![".html", ".xml"]);
        let raw: Vec<(&str, &str)> = sources
            .iter()
            .map(|(n, (s, _))| (n.as_str(), s.as_str()))
            .collect();
        if let Err(e) = tera.add_raw_templates(raw) {
            let message = chain(&e);
            let culprit = sources
                .iter()
                .find(|(n, _)| message.contains(&format!("'{n}'")))
                .map_or_else(|| "theme".to_string(), |(_, (_, origin))| origin.clone());
            return Err(Error::Template {
                template: culprit,
                message,
            });
        }

        let static_files: BTreeMap<String, Contents> = BUILTIN_STATIC
            .iter()
            .map(|(p, b)| (p.to_string(), Contents::Bytes(b.to_vec())))
            .collect();
        let lists = ListsRead::of(
            overrides
                .iter()
                .filter_map(|n| Some(sources.get(n)?.0.as_str())),
        );
        let sources = sources
            .into_iter()
            .map(|(name, (text, origin))| (name, (origin, text)))
            .collect();
        Ok(Theme {
            tera,
            static_files,
            sources,
            lists,
        })
    }

    /// Renders `template` with `ctx` as its context into a buffer made with room for
    /// `capacity` bytes (it grows when that is not enough): sized for the page, it is not
    /// grown and copied again and again from Tera's 2 KB, and it is the file's bytes as
    /// they are, without Tera checking them again for UTF-8.
    ///
    /// `content`, when given, is the context's `page.content`, in place of the one `ctx`
    /// has (left empty by the caller): moved in, where serializing would copy the page's
    /// HTML.
    fn render<T: Serialize>(
        &self,
        template: &str,
        ctx: &T,
        content: Option<String>,
        capacity: usize,
    ) -> Result<Vec<u8>> {
        let json_error = |e| Error::Template {
            template: template.to_string(),
            message: chain(&tera::Error::json(e)),
        };
        let mut value = serde_json::to_value(ctx).map_err(json_error)?;
        if let Some(html) = content
            && let Some(slot) = value.pointer_mut("/page/content")
        {
            *slot = serde_json::Value::String(html);
        }
        let context = tera::Context::from_value(value).map_err(|e| Error::Template {
            template: template.to_string(),
            message: chain(&e),
        })?;
        let mut html = Vec::with_capacity(capacity);
        self.tera
            .render_to(template, &context, &mut html)
            .map_err(|e| {
                let message = chain(&e);
                Error::Template {
                    template: self.locate(template, &message),
                    message,
                }
            })?;
        Ok(html)
    }

    /// `ladder` for a page's context: its levels as data only when a template may read
    /// them.
    pub(crate) fn ladder<'a>(&self, ladder: &'a Ladder) -> LadderContext<'a> {
        LadderContext {
            levels: self.lists.ladder_levels.then_some(ladder.levels.as_slice()),
            rows_html: families::rows_html(&ladder.levels),
        }
    }

    /// `matrix` for a template's context: its rows' cells as data only when a template
    /// may read them.
    fn matrix<'a>(&self, matrix: &'a Matrix) -> MatrixContext<'a> {
        let cells = self.lists.matrix_cells;
        MatrixContext {
            columns: &matrix.columns,
            rows: matrix
                .rows
                .iter()
                .map(|row| RowContext {
                    grade: &row.grade,
                    cells: cells.then_some(row.cells.as_slice()),
                    cells_html: &row.cells_html,
                })
                .collect(),
        }
    }

    /// `departments` for a template's context: their families as data only when a
    /// template may read them.
    fn departments<'a>(&self, departments: &'a [Department]) -> Vec<DepartmentContext<'a>> {
        let families = self.lists.index_families;
        departments
            .iter()
            .map(|d| DepartmentContext {
                title: &d.title,
                url: &d.url,
                families: families.then_some(d.families.as_slice()),
                families_html: &d.families_html,
            })
            .collect()
    }

    /// Renders `page.html` with `context`, its page's HTML moved in rather than copied,
    /// into a buffer sized for the page ([`PageContext::capacity`]).
    fn render_page(&self, mut context: PageTemplate<'_>) -> Result<Vec<u8>> {
        let capacity = context.page.capacity();
        let content = std::mem::take(&mut context.page.content);
        self.render("page.html", &context, Some(content), capacity)
    }

    /// Where a render error of `template` happened, as `ORIGIN[:LINE]`: the first
    /// template (the one rendered, then the others) whose text has the expression the
    /// message quotes (`Variable \`page.x\` not found`), else the rendered template.
    fn locate(&self, template: &str, message: &str) -> String {
        let quoted = message.split('`').nth(1).filter(|q| !q.is_empty());
        let order = self
            .sources
            .get_key_value(template)
            .into_iter()
            .chain(self.sources.iter().filter(|(n, _)| n.as_str() != template));
        if let Some(expr) = quoted {
            for (_, (origin, text)) in order {
                if let Some(line) = text.lines().position(|l| l.contains(expr)) {
                    return format!("{origin}:{}", line + 1);
                }
            }
        }
        self.sources
            .get(template)
            .map_or_else(|| template.to_string(), |(origin, _)| origin.clone())
    }
}

/// ammonia's whitelist, plus what our own Markdown HTML needs: ids (anchors), classes
/// (kramdown attribute lists, the TOC), `aria-label` (heading anchor links) and heading
/// anchors' `href="#…"`. Scripts, event handlers, `<iframe>`, `<style>`, `<form>` and
/// `javascript:`/`data:` URLs are removed.
fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class", "aria-label"])
        .add_tags(["nav"])
        .link_rel(Some("noopener noreferrer"));
    b
}

/// Tera's error and its causes, on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join(": ")
}

/// The body HTML `html` of page `p` served at `url` (with base path), cleaned by the
/// `sanitizer` when there is one, and what else templates show of the page.
fn page_context<'p>(
    p: &'p ParsedPage,
    url: String,
    html: String,
    sanitizer: Option<&ammonia::Builder<'static>>,
) -> PageContext<'p> {
    let fm = &p.front_matter;
    let toc = p.markdown.toc();
    PageContext {
        title: &p.title,
        description: fm.description.as_deref(),
        url,
        content: match sanitizer {
            Some(s) => s.clean(&html).to_string(),
            None => html,
        },
        toc_html: toc_html(&toc),
        toc,
        source_path: &p.source.path,
        layout: fm.layout.as_deref(),
        extra: &fm.data,
    }
}

#[derive(Serialize)]
struct SiteContext {
    title: String,
    root_url: String,
    /// The grade matrix page, when the site has job families.
    grade_matrix_url: Option<String>,
}

impl SiteContext {
    /// The site's part of every template's context: its `title`, and its root and the
    /// grade matrix page at `matrix_url` (without base path), both with `base_path`.
    fn new(title: &str, base_path: &str, matrix_url: Option<&str>) -> SiteContext {
        SiteContext {
            title: title.to_string(),
            root_url: format!("{base_path}/"),
            grade_matrix_url: matrix_url.map(|u| format!("{base_path}{u}")),
        }
    }
}

#[derive(Serialize)]
struct Crumb<'a> {
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct PageContext<'a> {
    title: &'a str,
    description: Option<&'a str>,
    url: String,
    content: String,
    toc: Vec<TocEntry<'a>>,
    /// `toc` as `<li>` items ([`toc_html`]).
    toc_html: String,
    source_path: &'a str,
    layout: Option<&'a str>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

/// Room for a rendered template's own text and its small variables (the default
/// theme's page is 2-4 KB besides its Markdown and table of contents).
const TEMPLATE_CAPACITY: usize = 4096;

impl PageContext<'_> {
    /// Room for a template showing this page: its HTML, its table of contents' HTML,
    /// and the template.
    fn capacity(&self) -> usize {
        self.content.len() + self.toc_html.len() + TEMPLATE_CAPACITY
    }
}

#[derive(Serialize)]
struct PageLink<'a> {
    title: &'a str,
    url: String,
    description: Option<&'a str>,
}

#[derive(Serialize)]
struct SubsectionContext<'a> {
    title: &'a str,
    url: String,
    page_count: usize,
}

#[derive(Serialize)]
struct SectionContext<'a> {
    title: &'a str,
    url: String,
    pages: Vec<PageLink<'a>>,
    subsections: Vec<SubsectionContext<'a>>,
}

impl SectionContext<'_> {
    /// Room for a template listing this folder: a few hundred bytes a page or subfolder,
    /// and the template.
    fn capacity(&self) -> usize {
        256 * (self.pages.len() + self.subsections.len()) + TEMPLATE_CAPACITY
    }
}

#[derive(Serialize)]
struct TreeEntry<'a> {
    title: &'a str,
    url: String,
    page_count: usize,
    subsections: Vec<SubsectionContext<'a>>,
}

#[derive(Serialize)]
struct PageTemplate<'a> {
    site: &'a SiteContext,
    breadcrumbs: Vec<Crumb<'a>>,
    live_reload: &'a str,
    page: PageContext<'a>,
    section: Option<SectionContext<'a>>,
    family: Option<LadderContext<'a>>,
    families_index: Option<Vec<DepartmentContext<'a>>>,
    matrix: Option<MatrixContext<'a>>,
}

/// A family's ladder as the templates see it: its `levels` ([`Ladder`]) only when the
/// theme may read them ([`ListsRead`]), and the same levels as `<tr>` rows
/// ([`families::rows_html`]).
#[derive(Serialize)]
pub(crate) struct LadderContext<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    levels: Option<&'a [families::LadderLevel]>,
    rows_html: String,
}

#[derive(Serialize)]
struct GradesTemplate<'a> {
    site: &'a SiteContext,
    breadcrumbs: Vec<Crumb<'a>>,
    live_reload: &'a str,
    matrix: MatrixContext<'a>,
}

/// The grade matrix as the templates see it: [`Matrix`], each row's `cells` only when
/// the theme may read them ([`ListsRead`]).
#[derive(Serialize)]
struct MatrixContext<'a> {
    columns: &'a [&'static str],
    rows: Vec<RowContext<'a>>,
}

/// A [`families::MatrixRow`] as the templates see it.
#[derive(Serialize)]
struct RowContext<'a> {
    grade: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cells: Option<&'a [Vec<families::MatrixEntry>]>,
    cells_html: &'a [String],
}

/// A [`Department`] of the job-families index as the templates see it: its `families`
/// only when the theme may read them ([`ListsRead`]).
#[derive(Serialize)]
struct DepartmentContext<'a> {
    title: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    families: Option<&'a [families::FamilySummary]>,
    families_html: &'a str,
}

#[derive(Serialize)]
struct SectionTemplate<'a> {
    site: &'a SiteContext,
    breadcrumbs: Vec<Crumb<'a>>,
    live_reload: &'a str,
    section: SectionContext<'a>,
    families_index: Option<Vec<DepartmentContext<'a>>>,
}

#[derive(Serialize)]
struct IndexTemplate<'a> {
    site: &'a SiteContext,
    breadcrumbs: Vec<Crumb<'a>>,
    live_reload: &'a str,
    page: Option<PageContext<'a>>,
    section: SectionContext<'a>,
    tree: Vec<TreeEntry<'a>>,
}

#[derive(Serialize)]
struct PlainTemplate<'a> {
    site: &'a SiteContext,
    breadcrumbs: Vec<Crumb<'a>>,
    live_reload: &'a str,
}

struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    ctx: SiteContext,
    live_reload: &'a str,
    views: &'a FamilyViews,
    /// The HTML sanitizer, when `[security] sanitize_html` is on.
    sanitizer: Option<ammonia::Builder<'static>>,
    /// What a build's parse stage made: pages it wrote, body HTML it kept.
    kept: Option<&'a Kept>,
}

impl<'a> Renderer<'a> {
    fn new(
        site: &'a Site,
        theme: &'a Theme,
        live_reload: &'a str,
        views: &'a FamilyViews,
        kept: Option<&'a Kept>,
    ) -> Renderer<'a> {
        Renderer {
            site,
            theme,
            ctx: SiteContext::new(
                &site.config.title,
                &site.base_path,
                views.matrix_url.as_deref(),
            ),
            live_reload,
            views,
            sanitizer: site.config.security.sanitize_html.then(sanitizer),
            kept,
        }
    }

    /// Renders one output; `None` when it does not exist (any more).
    fn render_output(&self, output: &Output) -> Result<Option<OutputFile>> {
        match output {
            Output::Page(i) => self
                .site
                .pages
                .get(*i)
                .map(|p| self.render_page(*i, p))
                .transpose(),
            Output::Section(url) => match self.site.sections.get(url) {
                Some(s) if s.index_page.is_none() => Some(if s.url == "/" {
                    self.render_home()
                } else {
                    self.render_section(s)
                })
                .transpose(),
                _ => Ok(None),
            },
            Output::Matrix => match self.views.matrix_url.as_deref() {
                Some(url) if !self.site.by_url.contains_key(url) => {
                    self.render_matrix(url).map(Some)
                }
                _ => Ok(None),
            },
            Output::LadderJson => self.ladder_json().map(Some),
        }
    }

    fn ladder_json(&self) -> Result<OutputFile> {
        // Written once, escaping as it goes: building the text and then replacing in it
        // held four copies of a file that is 14 MB at 10,000 pages.
        let mut json = Vec::with_capacity(self.views.json.size_hint());
        let mut serializer =
            serde_json::Serializer::with_formatter(&mut json, ScriptSafe(PrettyFormatter::new()));
        self.views
            .json
            .serialize(&mut serializer)
            .map_err(|e| Error::Template {
                template: "ladder.json".to_string(),
                message: e.to_string(),
            })?;
        json.push(b'\n');
        Ok(OutputFile::bytes("ladder.json", json))
    }

    /// The job-families index, on the families' root folder page.
    fn families_index(&self, url: &str) -> Option<Vec<DepartmentContext<'a>>> {
        (self.views.root.as_deref() == Some(url))
            .then(|| self.theme.departments(&self.views.departments))
    }

    /// The grade matrix for the templates.
    fn matrix(&self) -> MatrixContext<'a> {
        self.theme.matrix(&self.views.matrix)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.site.base_path, path)
    }

    fn crumbs(&self, url: &str) -> Vec<Crumb<'a>> {
        self.site
            .ancestors(url)
            .into_iter()
            .map(|s| Crumb {
                title: &s.title,
                url: self.url(&s.url),
            })
            .collect()
    }

    fn page(&self, p: &'a Page) -> Result<PageContext<'a>> {
        let base_path = &self.site.base_path;
        let kept = self
            .kept
            .and_then(|k| k.spill.as_ref())
            .and_then(|s| s.take(&p.parsed.source.path, base_path));
        let html = match kept {
            Some(html) => html,
            None => p.parsed.html(base_path)?,
        };
        Ok(page_context(
            &p.parsed,
            self.url(&p.url),
            html,
            self.sanitizer.as_ref(),
        ))
    }

    /// The path of page `p`'s output when the parse stage already wrote it, with the
    /// context the site gives it now ([`early`]): then it is not rendered again.
    fn written_early(&self, p: &Page) -> Option<String> {
        let kept = self.kept?;
        let early = kept.early.get(&p.parsed.source.path)?;
        let site_gives_the_same = early.output_path == p.output_path
            && early::renders_early(
                &p.url,
                self.site.sections.contains_key(&p.url),
                self.views.root.as_deref(),
                self.views.matrix_url.as_deref(),
            )
            && early.fingerprint
                == early::fingerprint(
                    &p.url,
                    &self.crumbs(&p.url),
                    self.ctx.grade_matrix_url.as_deref(),
                );
        if !site_gives_the_same {
            return None;
        }
        kept.kept_early
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(p.output_path.clone())
    }

    fn subsection(&self, url: &str) -> Option<SubsectionContext<'a>> {
        let s: &'a Section = self.site.sections.get(url)?;
        Some(SubsectionContext {
            title: &s.title,
            url: self.url(&s.url),
            page_count: s.page_count,
        })
    }

    fn section(&self, s: &'a Section) -> SectionContext<'a> {
        SectionContext {
            title: &s.title,
            url: self.url(&s.url),
            pages: s
                .pages
                .iter()
                .map(|&i| {
                    let p = &self.site.pages[i];
                    PageLink {
                        title: p.title(),
                        url: self.url(&p.url),
                        description: p.parsed.front_matter.description.as_deref(),
                    }
                })
                .collect(),
            subsections: s
                .subsections
                .iter()
                .filter_map(|u| self.subsection(u))
                .collect(),
        }
    }

    /// Renders page `index` of the site (`p`).
    fn render_page(&self, index: usize, p: &'a Page) -> Result<OutputFile> {
        if p.url == "/" {
            return self.render_home();
        }
        let html = self.theme.render_page(PageTemplate {
            site: &self.ctx,
            breadcrumbs: self.crumbs(&p.url),
            live_reload: self.live_reload,
            page: self.page(p)?,
            section: self.site.sections.get(&p.url).map(|s| self.section(s)),
            family: self
                .views
                .ladders
                .get(&index)
                .map(|ladder| self.theme.ladder(ladder)),
            families_index: self.families_index(&p.url),
            matrix: (self.views.matrix_url.as_deref() == Some(p.url.as_str()))
                .then(|| self.matrix()),
        })?;
        Ok(OutputFile::bytes(&p.output_path, html))
    }

    fn render_section(&self, s: &'a Section) -> Result<OutputFile> {
        let section = self.section(s);
        let capacity = section.capacity();
        let html = self.theme.render(
            "section.html",
            &SectionTemplate {
                site: &self.ctx,
                breadcrumbs: self.crumbs(&s.url),
                live_reload: self.live_reload,
                section,
                families_index: self.families_index(&s.url),
            },
            None,
            capacity,
        )?;
        Ok(OutputFile::bytes(
            &crate::model::permalink::output_path(&s.url),
            html,
        ))
    }

    fn render_home(&self) -> Result<OutputFile> {
        let root = &self.site.sections["/"];
        let tree = root
            .subsections
            .iter()
            .filter_map(|u| self.site.sections.get(u))
            .map(|s| TreeEntry {
                title: &s.title,
                url: self.url(&s.url),
                page_count: s.page_count,
                subsections: s
                    .subsections
                    .iter()
                    .filter_map(|u| self.subsection(u))
                    .collect(),
            })
            .collect();
        let mut page = root
            .index_page
            .map(|i| self.page(&self.site.pages[i]))
            .transpose()?;
        let section = self.section(root);
        let capacity = page.as_ref().map_or(0, PageContext::capacity) + section.capacity();
        let content = page.as_mut().map(|p| std::mem::take(&mut p.content));
        let html = self.theme.render(
            "index.html",
            &IndexTemplate {
                site: &self.ctx,
                breadcrumbs: Vec::new(),
                live_reload: self.live_reload,
                page,
                section,
                tree,
            },
            content,
            capacity,
        )?;
        Ok(OutputFile::bytes("index.html", html))
    }

    fn render_matrix(&self, url: &str) -> Result<OutputFile> {
        let html = self.theme.render(
            "grades.html",
            &GradesTemplate {
                site: &self.ctx,
                breadcrumbs: self.crumbs(url),
                live_reload: self.live_reload,
                matrix: self.matrix(),
            },
            None,
            TEMPLATE_CAPACITY,
        )?;
        Ok(OutputFile::bytes(
            &crate::model::permalink::output_path(url),
            html,
        ))
    }

    fn render_plain(&self, template: &str, output: &str) -> Result<OutputFile> {
        let html = self.theme.render(
            template,
            &PlainTemplate {
                site: &self.ctx,
                breadcrumbs: Vec::new(),
                live_reload: self.live_reload,
            },
            None,
            TEMPLATE_CAPACITY,
        )?;
        Ok(OutputFile::bytes(output, html))
    }
}

/// One output the renderer makes from the site's model (the files copied as they are
/// and `404.html`/`sitemap.xml` are not among them).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output {
    /// A page, by index into [`Site::pages`] (the page at `/` is the home page).
    Page(usize),
    /// A generated folder index, by URL (`/` is the generated home page).
    Section(String),
    /// The generated grade matrix (when no page has its URL).
    Matrix,
    /// `ladder.json`.
    LadderJson,
}

impl Output {
    /// Every page and folder output a build could render from the site itself (the grade
    /// matrix and `ladder.json` are the other two). [`Renderer::render_output`] decides
    /// which exist (a folder with an index page, or a matrix whose URL a page has,
    /// renders nothing), so a full build and a live preview's partial one agree.
    fn pages_and_folders(site: &Site) -> Vec<Output> {
        (0..site.pages.len())
            .map(Output::Page)
            .chain(site.sections.keys().cloned().map(Output::Section))
            .collect()
    }

    /// The output showing `url` (without base path): its page, its generated folder
    /// index, or the generated grade matrix; `None` when nothing is rendered there.
    pub fn at(site: &Site, views: &FamilyViews, url: &str) -> Option<Output> {
        if let Some(&i) = site.by_url.get(url) {
            Some(Output::Page(i))
        } else if site.sections.contains_key(url) {
            Some(Output::Section(url.to_string()))
        } else if views.matrix_url.as_deref() == Some(url) {
            Some(Output::Matrix)
        } else {
            None
        }
    }
}

/// The outputs that can differ after page `index` was replaced in place
/// ([`Site::replace_page`] returned `change`), given the job-family views `after` it and,
/// when they were made again for it, `before` it (`None`: they are unchanged): the page;
/// its folder's index (which lists its title and description); when the title changed,
/// every folder index above it, and if the page is a folder's own index page, everything
/// below it (breadcrumbs); and the job-family index, grade matrix and `ladder.json` where
/// their views changed. Sorted, without repeats.
///
/// Comparing the views costs milliseconds at 10,000 pages (the grade matrix lists every
/// level of every family): with `before` `None`, they are not compared.
pub fn affected_outputs(
    site: &Site,
    index: usize,
    change: PageChange,
    before: Option<&FamilyViews>,
    after: &FamilyViews,
) -> Vec<Output> {
    let mut out = vec![Output::Page(index)];
    let Some(page) = site.pages.get(index) else {
        return out;
    };
    let url = page.url.as_str();
    let parent = crate::model::permalink::parent(url);
    out.extend(parent.as_deref().and_then(|u| Output::at(site, after, u)));
    if change.title_changed {
        out.extend(
            site.ancestors(url)
                .iter()
                .filter_map(|s| Output::at(site, after, &s.url)),
        );
        if site.sections.contains_key(url) {
            out.extend(
                site.pages
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.url.starts_with(url))
                    .map(|(i, _)| Output::Page(i)),
            );
            out.extend(
                site.sections
                    .range::<str, _>((std::ops::Bound::Included(url), std::ops::Bound::Unbounded))
                    .take_while(|(u, _)| u.starts_with(url))
                    .filter_map(|(u, _)| Output::at(site, after, u)),
            );
            if after
                .matrix_url
                .as_deref()
                .is_some_and(|m| m.starts_with(url))
            {
                out.push(Output::Matrix);
            }
        }
    }
    if let Some(before) = before {
        if before.departments != after.departments
            && let Some(root) = after.root.as_deref()
        {
            out.extend(Output::at(site, after, root));
        }
        if before.matrix != after.matrix
            && let Some(m) = after.matrix_url.as_deref()
        {
            out.extend(Output::at(site, after, m));
        }
        if before.json != after.json {
            out.push(Output::LadderJson);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Renders `outputs` (in parallel) with the job-family `views` of `site`;
/// `live_reload` as for [`render_site_into`]. In no particular order; outputs that no longer
/// exist are left out.
///
/// Errors: [`Error::Template`] naming the template when one fails to render.
pub fn render_outputs(
    site: &Site,
    theme: &Theme,
    live_reload: &str,
    views: &FamilyViews,
    outputs: &[Output],
) -> Result<Vec<OutputFile>> {
    let r = Renderer::new(site, theme, live_reload, views, None);
    let files: Vec<Option<OutputFile>> = outputs
        .par_iter()
        .map(|o| r.render_output(o))
        .collect::<Result<_>>()?;
    Ok(files.into_iter().flatten().collect())
}

/// Renders every page, folder index, the home page, the grade matrix, `ladder.json`,
/// `404.html` and `sitemap.xml` with the job-family `views` of `site`
/// ([`FamilyViews::new`]), and hands each file, copies of assets and static files
/// included, to `sink` as soon as it is made (from several threads, in no particular
/// order), so that no more than a few rendered pages are in memory at once. `kept` is
/// what a build's parse stage made ([`early::EarlyPages::finish`]): a page it already
/// wrote with the context the site gives it is not rendered again (nor handed to
/// `sink`); another page's body HTML comes from its spill when it holds it, else from
/// parsing the page again. `live_reload` is inserted before `</body>` (empty for
/// `build`). Each output path is
/// handed over once: a generated file (page, folder index, grade matrix, `ladder.json`,
/// `sitemap.xml`) wins over a static file or asset at the same path; a page or static
/// file at `404.html` wins over the theme's 404 page. Returns the number of files.
///
/// Errors: [`Error::Template`] naming the template when one fails to render; the first
/// error `sink` returns. Rendering stops early on an error.
pub fn render_site_into(
    site: &Site,
    theme: &Theme,
    live_reload: &str,
    views: &FamilyViews,
    kept: Option<&Kept>,
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<usize> {
    let r = Renderer::new(site, theme, live_reload, views, kept);
    // Pages, folder indexes, the grade matrix and `ladder.json` first: the copies below
    // give way to them. The last two are the biggest files (7.6 and 13.7 MB at 10,000
    // pages) and take a tenth of a second or more: they are made one after the other,
    // so that their memory does not add up, on one thread while the others make pages.
    // Hands each file made to `sink`; returns its path.
    let render = |o: &Output| -> Result<Option<String>> {
        if let Some(written) = kept.and_then(|k| k.family_files.get(o)) {
            return Ok(written.clone());
        }
        if let Output::Page(i) = o
            && let Some(path) = site.pages.get(*i).and_then(|p| r.written_early(p))
        {
            return Ok(Some(path));
        }
        let Some(file) = r.render_output(o)? else {
            return Ok(None);
        };
        let path = file.path.clone();
        sink(file)?;
        Ok(Some(path))
    };
    let (pages, biggest) = rayon::join(
        || -> Result<Vec<Option<String>>> {
            Output::pages_and_folders(site)
                .par_iter()
                .map(render)
                .collect()
        },
        || -> Result<Vec<Option<String>>> {
            [Output::Matrix, Output::LadderJson]
                .iter()
                .map(render)
                .collect()
        },
    );
    let mut made: HashSet<String> = pages?.into_iter().chain(biggest?).flatten().collect();
    made.insert("sitemap.xml".to_string());

    // The theme's static files, then the site's (found by discovery), then content
    // assets: a later one at the same path wins.
    let mut copies: BTreeMap<String, Contents> = theme.static_files.clone();
    for a in site.static_files.iter().chain(&site.assets) {
        copies.insert(a.output_path.clone(), Contents::Copy(a.disk_path.clone()));
    }
    copies.retain(|path, _| !made.contains(path));
    let not_found = !made.contains("404.html") && !copies.contains_key("404.html");
    let count = copies.len() + made.len() + usize::from(not_found);

    copies
        .into_par_iter()
        .try_for_each(|(path, contents)| sink(OutputFile { path, contents }))?;
    if not_found {
        sink(r.render_plain("404.html", "404.html")?)?;
    }
    sink(OutputFile::bytes("sitemap.xml", sitemap(site).into_bytes()))?;
    Ok(count)
}

/// Renders the outputs that show every job family of `site`, with its job-family
/// `views`: the grade matrix, `ladder.json` and the job-families index (the families'
/// root folder), and hands each to `sink`. A build does this while the site is
/// validated: these are the biggest outputs (7.6 and 13.7 MB, and the index; 70, 36 and
/// 30 ms of rendering at 10,000 pages while the matrix and the index were Tera loops),
/// and rendered last they were left to one thread at the end. They are made one after
/// the other, so that their memory does not add up (made in parallel, the 10,000-page
/// build's peak was 285 MiB, against 272 MiB). Returns each output made, with the path
/// handed over (`None`: the output does not exist, as when a page has the grade
/// matrix's URL). An output that fails to render or that `sink` refuses is left out: the
/// render stage makes it again ([`render_site_into`], given the rest through
/// [`early::EarlyPages::finish`]) and reports the error.
pub fn render_family_outputs(
    site: &Site,
    theme: &Theme,
    views: &FamilyViews,
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> HashMap<Output, Option<String>> {
    let r = Renderer::new(site, theme, "", views, None);
    let index = views
        .root
        .as_deref()
        .and_then(|u| Output::at(site, views, u));
    [Output::Matrix, Output::LadderJson]
        .into_iter()
        .chain(index)
        .filter_map(|o| {
            let written = match r.render_output(&o).ok()? {
                Some(file) => {
                    let path = file.path.clone();
                    sink(file).ok()?;
                    Some(path)
                }
                None => None,
            };
            Some((o, written))
        })
        .collect()
}

/// `sitemap.xml` listing every page and folder index, sorted, with `base_url` prefixed
/// (absolute when `base_url` is).
fn sitemap(site: &Site) -> String {
    let base = site.config.base_url.trim_end_matches('/');
    let base = if crate::config::split_url(base).is_some() {
        base.to_string()
    } else {
        site.base_path.clone()
    };
    let mut urls: Vec<&str> = site.pages.iter().map(|p| p.url.as_str()).collect();
    urls.extend(
        site.sections
            .values()
            .filter(|s| s.index_page.is_none())
            .map(|s| s.url.as_str()),
    );
    let matrix = site
        .families_root
        .as_deref()
        .map(crate::model::grade_matrix_url);
    urls.extend(matrix.as_deref().filter(|m| !site.by_url.contains_key(*m)));
    urls.sort_unstable();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape_html(&format!("{base}{u}")));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// serde_json's pretty printing, with `<`, `>` and `&` written as `\u003c`, `\u003e` and
/// `\u0026`. In JSON they only occur inside strings, so the file stays the same JSON and
/// is harmless if a page ever embeds it in a `<script>`. Escaping the strings' text
/// rather than every write of the output leaves the punctuation and indentation (most
/// of the writes) straight to the buffer.
struct ScriptSafe(PrettyFormatter<'static>);

/// [`Formatter`] methods that hand the call on to the wrapped [`PrettyFormatter`].
macro_rules! pretty_layout {
    ($($method:ident($($arg:ident: $ty:ty)?);)*) => {
        $(
            fn $method<W: ?Sized + Write>(
                &mut self,
                writer: &mut W
                $(, $arg: $ty)?
            ) -> io::Result<()> {
                self.0.$method(writer $(, $arg)?)
            }
        )*
    };
}

impl Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment.as_bytes();
        while let Some(i) = memchr::memchr3(b'<', b'>', b'&', rest) {
            writer.write_all(&rest[..i])?;
            writer.write_all(match rest[i] {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                _ => b"\\u0026",
            })?;
            rest = &rest[i + 1..];
        }
        writer.write_all(rest)
    }

    // The layout: PrettyFormatter's.
    pretty_layout! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        begin_object_value();
        end_object_value();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_slashes() {
        assert_eq!(
            escape_html("<script>\"x\" & 'y' /a/"),
            "&lt;script&gt;&quot;x&quot; &amp; &#x27;y&#x27; /a/"
        );
    }

    #[test]
    fn json_escapes_html_in_strings_only() {
        let value = serde_json::json!({"a<b": ["x & y", "</script>", 1.5], "c": {"d": null}});
        let mut out = Vec::new();
        let mut ser =
            serde_json::Serializer::with_formatter(&mut out, ScriptSafe(PrettyFormatter::new()));
        value.serialize(&mut ser).unwrap();
        let expected = serde_json::to_string_pretty(&value)
            .unwrap()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026");
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn builtin_theme_parses() {
        let dir = tempfile::tempdir().unwrap();
        Theme::load(dir.path(), "default").unwrap();
    }

    #[test]
    fn the_built_in_templates_read_no_job_family_list_and_overrides_naming_one_do() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Theme::load(dir.path(), "default").unwrap().lists,
            ListsRead::default()
        );
        // The built-in texts name both words in comments: as overrides, they count.
        let builtin = ListsRead::of(BUILTIN_TEMPLATES.iter().map(|(_, text)| *text));
        assert!(builtin.matrix_cells && builtin.index_families && builtin.ladder_levels);

        let read = |text: &str| {
            let lists = ListsRead::of([text]);
            (lists.matrix_cells, lists.index_families)
        };
        assert!(ListsRead::of(["{% for l in family.levels %}{% endfor %}"]).ladder_levels);
        assert!(!ListsRead::of(["{{ family.rows_html | safe }}"]).ladder_levels);
        assert!(ListsRead::of(["{{ family | json_encode }}"]).ladder_levels);
        assert_eq!(read("{% for c in row.cells %}{% endfor %}"), (true, false));
        assert_eq!(read("{{ row[\"cells\"] | length }}"), (true, false));
        assert_eq!(
            read("{% for f in department.families %}{% endfor %}"),
            (false, true)
        );
        assert_eq!(
            read(
                "{{ families_index | length }} {{ department.families_html }} {{ cell_html }} {{ row.cells_html }}"
            ),
            (false, false)
        );
        // Plain text counts too: a false alarm costs time, never a missing value.
        assert_eq!(read("<h2>Job families</h2>"), (false, true));
        // Whole rows and departments, printed or walked without naming a field.
        assert_eq!(read("{{ matrix | json_encode }}"), (true, true));
        assert_eq!(read("{{ __tera_context }}"), (true, true));
        assert_eq!(
            read("{%- for key, value in row %}{{ key }}{% endfor %}"),
            (true, true)
        );
        assert_eq!(
            read("{% for level in ladder %}{{ level.a, }}{% endfor %}"),
            (false, false)
        );
    }

    #[test]
    fn a_context_without_the_lists_has_every_other_field() {
        let matrix = Matrix {
            columns: vec!["Individual contributor"],
            rows: vec![families::MatrixRow {
                grade: "7".to_string(),
                cells: vec![vec![families::MatrixEntry {
                    title: "Senior X".to_string(),
                    family: "X".to_string(),
                    url: "/x/#senior-x".to_string(),
                }]],
                cells_html: vec!["<ul></ul>".to_string()],
            }],
        };
        let departments = [Department {
            title: "Engineering".to_string(),
            url: "/job-families/engineering/".to_string(),
            families: Vec::new(),
            families_html: "<tr></tr>".to_string(),
        }];
        let ladder = Ladder {
            levels: vec![families::LadderLevel {
                title: "Senior X".to_string(),
                url: "/x/#senior-x".to_string(),
                track: None,
                rank: Some("Senior".to_string()),
                grade: Some("7".to_string()),
            }],
        };
        // The same value without the field `list`.
        let less = |v: serde_json::Value, list: &str| {
            let mut v = v;
            if let Some(o) = v.as_object_mut() {
                o.remove(list);
            }
            v
        };
        let dir = tempfile::tempdir().unwrap();
        let mut theme = Theme::load(dir.path(), "default").unwrap();
        theme.lists = ListsRead {
            matrix_cells: true,
            index_families: true,
            ladder_levels: true,
        };
        let with_matrix = serde_json::to_value(theme.matrix(&matrix)).unwrap();
        let with_index = serde_json::to_value(theme.departments(&departments)).unwrap();
        let with_ladder = serde_json::to_value(theme.ladder(&ladder)).unwrap();
        theme.lists = ListsRead::default();
        let without = serde_json::to_value(theme.matrix(&matrix)).unwrap();
        assert_eq!(with_matrix, serde_json::to_value(&matrix).unwrap());
        assert_eq!(without["columns"], with_matrix["columns"]);
        assert_eq!(
            without["rows"][0],
            less(with_matrix["rows"][0].clone(), "cells")
        );
        let without = serde_json::to_value(theme.departments(&departments)).unwrap();
        assert_eq!(
            with_index,
            serde_json::to_value(departments.as_slice()).unwrap()
        );
        assert_eq!(without[0], less(with_index[0].clone(), "families"));
        let without = serde_json::to_value(theme.ladder(&ladder)).unwrap();
        assert_eq!(
            with_ladder["levels"],
            serde_json::to_value(&ladder).unwrap()["levels"]
        );
        assert_eq!(
            with_ladder["rows_html"],
            families::rows_html(&ladder.levels).as_str()
        );
        assert_eq!(without, less(with_ladder, "levels"));
    }

    #[test]
    fn broken_override_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("themes/default/templates");
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(
            t.join("page.html"),
            "{% extends \"base.html\" %}{% block content %}{{ page.title ",
        )
        .unwrap();
        let err = Theme::load(dir.path(), "default").unwrap_err();
        match err {
            Error::Template { template, .. } => {
                assert!(template.ends_with("page.html"), "{template}")
            }
            other => panic!("{other:?}"),
        }
    }
}
