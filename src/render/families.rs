//! Job-family views, built once per render from [`Site::families`]:
//! - the ladder shown near the top of each job-family page (level, track, grade, each
//!   level linking to its section);
//! - the job-families index at the families' root folder (`/job-families/`), by
//!   department, each family with its level range and grade range;
//! - the grade matrix page (`<root>grade-matrix/`): one row per grade, one column per
//!   track, every level at that grade linking to its section;
//! - `ladder.json`, the same data for other tools (shape in the README).
//!
//! All URLs carry the base path. Everything is sorted, so output is deterministic.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::model::Site;
use crate::model::ladder::{GradeSource, JobFamily, Level};
use crate::model::scale::{Grade, Scale, Track};

/// One level in a family's ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LadderLevel {
    /// Title as written.
    pub title: String,
    /// Link to the level's section.
    pub url: String,
    /// `individual contributor`, `management`, or null when the title does not settle it.
    pub track: Option<&'static str>,
    /// The rank the title names on the scale (`Senior`), if it names exactly one.
    pub rank: Option<String>,
    /// The grade as text (`7`, `9.5`), or null.
    pub grade: Option<String>,
}

/// A family's ladder, for its page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ladder {
    /// Levels in document order.
    pub levels: Vec<LadderLevel>,
}

/// A ladder's levels as the default theme's `_ladder.html` shows them, each line
/// indented as there: one `<tr>` a level, with its link, its track (or `not stated`) and
/// its grade (or `missing`), every value escaped. The theme prints it with
/// `{{ family.rows_html | safe }}`. The same rows from a `{% for %}` loop over
/// `family.levels` (six lookups a level, each allocating in Tera), with the levels in
/// every family page's context, took 3.5% of a 1,000-page build's instructions
/// (callgrind: 1,266.6 M against 1,222.1 M). Made when a page is rendered
/// ([`super::Theme`]'s ladder context), not kept with the ladder: a build has rendered
/// most family pages before [`FamilyViews::new`] makes every family's ladder.
pub(super) fn rows_html(levels: &[LadderLevel]) -> String {
    let mut out = String::with_capacity(
        levels
            .iter()
            .map(|l| 200 + l.url.len() + l.title.len())
            .sum(),
    );
    for l in levels {
        push_row(
            &mut out,
            &l.url,
            &l.title,
            l.grade.as_deref(),
            |out| match l.track.filter(|t| !t.is_empty()) {
                Some(track) => super::escape_html_into(out, track),
                None => out.push_str("<span class=\"muted\">not stated</span>"),
            },
        );
    }
    out
}

/// Appends one table row of the default theme's ladder and families index, each line
/// indented as in their templates: a cell linking `title` to `url`, a cell that `middle`
/// writes, and the grade cell (`grade`, or `missing` when there is none or it is empty),
/// every value escaped.
fn push_row(
    out: &mut String,
    url: &str,
    title: &str,
    grade: Option<&str>,
    middle: impl FnOnce(&mut String),
) {
    out.push_str("\n        <tr>\n          <td><a href=\"");
    super::escape_html_into(out, url);
    out.push_str("\">");
    super::escape_html_into(out, title);
    out.push_str("</a></td>\n          <td>");
    middle(out);
    out.push_str("</td>\n          <td class=\"grade\">");
    match grade.filter(|g| !g.is_empty()) {
        Some(grade) => super::escape_html_into(out, grade),
        None => out.push_str("<span class=\"missing\">missing</span>"),
    }
    out.push_str("</td>\n        </tr>");
}

/// A family in the job-families index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilySummary {
    /// Family title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// Number of levels.
    pub level_count: usize,
    /// Lowest and highest level by grade ("Intermediate Backend Engineer – Principal
    /// Backend Engineer"), or the only level, or null.
    pub level_range: Option<String>,
    /// Lowest and highest grade ("6–9"), or null when no level has a grade.
    pub grade_range: Option<String>,
}

/// A department of the job-families index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Department {
    /// The department folder's title.
    pub title: String,
    /// The department folder's URL.
    pub url: String,
    /// Families, sorted by title.
    pub families: Vec<FamilySummary>,
    /// The same families as the default theme shows them (see `families_html`): one
    /// `<tr>` each.
    pub families_html: String,
}

/// A department's families as the default theme's `_families_index.html` shows them,
/// each line indented as there: one `<tr>` a family, with its link, its level range and
/// count (or `none`) and its grade range (or `missing`), every value escaped. The theme
/// prints it with `{{ department.families_html | safe }}`. The same rows from a
/// `{% for %}` loop (10,000 turns at 10,000 pages, eight lookups each) took 30 ms, on
/// one thread.
fn families_html(families: &[FamilySummary]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(
        families
            .iter()
            .map(|f| {
                200 + f.url.len()
                    + f.title.len()
                    + f.level_range.as_ref().map_or(0, String::len)
                    + f.grade_range.as_ref().map_or(0, String::len)
            })
            .sum(),
    );
    for f in families {
        push_row(
            &mut out,
            &f.url,
            &f.title,
            f.grade_range.as_deref(),
            |out| match &f.level_range {
                Some(range) => {
                    super::escape_html_into(out, range);
                    if f.level_count > 1 {
                        let _ = write!(out, " <span class=\"muted\">({})</span>", f.level_count);
                    }
                }
                None => out.push_str("<span class=\"muted\">none</span>"),
            },
        );
    }
    out
}

/// One level in the grade matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixEntry {
    /// Level title.
    pub title: String,
    /// Its family's title.
    pub family: String,
    /// Link to the level's section.
    pub url: String,
}

/// One grade of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixRow {
    /// The grade as text.
    pub grade: String,
    /// One list per column of [`Matrix::columns`], sorted by title.
    pub cells: Vec<Vec<MatrixEntry>>,
    /// The same cells as the default theme shows them (see `cell_html`): for each, empty,
    /// or a `<ul class="matrix-levels">` of its levels.
    pub cells_html: Vec<String>,
}

/// A grade matrix cell as the default theme shows it, each line indented as in its
/// `_matrix.html`: `""` for no level, else
/// `<ul class="matrix-levels">` with one `<li><a href="URL">TITLE</a> <span
/// class="family">FAMILY</span></li>` a level, every value escaped. The theme prints it
/// with `{{ cell | safe }}`. The same markup from a `{% for %}` loop over the levels
/// (32,500 turns, three lookups each, at 10,000 pages) took 70 ms, on one thread.
fn cell_html(cell: &[MatrixEntry]) -> String {
    if cell.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(
        64 + cell
            .iter()
            .map(|e| 80 + e.url.len() + e.title.len() + e.family.len())
            .sum::<usize>(),
    );
    out.push_str("\n          <ul class=\"matrix-levels\">");
    for e in cell {
        out.push_str("\n            <li><a href=\"");
        super::escape_html_into(&mut out, &e.url);
        out.push_str("\">");
        super::escape_html_into(&mut out, &e.title);
        out.push_str("</a> <span class=\"family\">");
        super::escape_html_into(&mut out, &e.family);
        out.push_str("</span></li>");
    }
    out.push_str("\n          </ul>");
    out
}

/// The grade matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matrix {
    /// Column headings: the tracks, then levels whose title does not settle the track.
    pub columns: Vec<&'static str>,
    /// Rows from the highest grade down.
    pub rows: Vec<MatrixRow>,
}

/// Everything the templates and `ladder.json` need about job families.
#[derive(Debug, Clone)]
pub struct FamilyViews {
    /// URL (without base path) of the folder holding the job families, e.g.
    /// `/job-families/`; `None` when the site has no job family.
    pub root: Option<String>,
    /// URL (without base path) of the grade matrix page.
    pub matrix_url: Option<String>,
    /// Ladder per page index.
    pub ladders: HashMap<usize, Ladder>,
    /// The index by department, sorted by department title.
    pub departments: Vec<Department>,
    /// The grade matrix.
    pub matrix: Matrix,
    /// `ladder.json`.
    pub json: LadderJson,
}

const COLUMNS: [&str; 3] = ["Individual contributor", "Management", "Track not stated"];

/// `ladder.json`, version 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LadderJson {
    version: u32,
    families: Vec<JsonFamily>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct JsonFamily {
    title: String,
    url: String,
    department: String,
    source: String,
    levels: Vec<JsonLevel>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct JsonLevel {
    title: String,
    url: String,
    track: Option<Track>,
    rank: Option<String>,
    grade: Option<Grade>,
    grade_source: Option<GradeSource>,
}

impl LadderJson {
    /// About how many bytes the pretty-printed file takes (a little more, as a rule):
    /// each level's and family's text plus its keys and indentation. Lets the file be
    /// written into one buffer of the right size, not one doubled up to 16 MB.
    pub fn size_hint(&self) -> usize {
        let levels: usize = self
            .families
            .iter()
            .flat_map(|f| &f.levels)
            .map(|l| 200 + l.title.len() + l.url.len() + l.rank.as_ref().map_or(0, String::len))
            .sum();
        let families: usize = self
            .families
            .iter()
            .map(|f| 160 + f.title.len() + f.url.len() + f.department.len() + f.source.len())
            .sum();
        // Escapes (`\"`, `\u003c`) take more room than the text they stand for.
        (levels + families) / 10 * 11 + 64
    }
}

impl FamilyViews {
    /// Builds every view; `base_path` is prefixed to URLs.
    pub fn new(site: &Site) -> FamilyViews {
        let url = |path: &str| format!("{}{}", site.base_path, path);
        let root = site.families_root.clone();
        let matrix_url = root.as_deref().map(crate::model::grade_matrix_url);
        let mut ladders = HashMap::new();
        let mut json = Vec::new();
        let mut matrix: BTreeMap<Grade, [Vec<MatrixEntry>; 3]> = BTreeMap::new();
        let mut departments: BTreeMap<String, Vec<FamilySummary>> = BTreeMap::new();

        // Each family's views are independent (reading ranks is the costly part): made in
        // parallel, then merged in page order.
        let per_family: Vec<FamilyParts> = site
            .families
            .par_iter()
            .map(|family| family_parts(site, family))
            .collect();
        for (family, parts) in site.families.iter().zip(per_family) {
            for (grade, column, entry) in parts.matrix {
                matrix.entry(grade).or_default()[column].push(entry);
            }
            departments
                .entry(family.department.clone())
                .or_default()
                .push(parts.summary);
            json.push(parts.json);
            if !parts.rows.is_empty() {
                ladders.insert(family.page, Ladder { levels: parts.rows });
            }
        }

        let departments = departments
            .into_iter()
            .map(|(dept, mut families)| {
                sort_by_title(&mut families, |f| (f.title.as_str(), f.url.as_str()));
                let folder = root.as_ref().map(|r| {
                    if dept.is_empty() {
                        r.clone()
                    } else {
                        format!("{r}{dept}/")
                    }
                });
                let section = folder.as_ref().and_then(|f| site.sections.get(f));
                Department {
                    title: section
                        .map_or_else(|| crate::model::humanize(&dept), |s| s.title.clone()),
                    url: url(folder.as_deref().unwrap_or("/")),
                    families_html: families_html(&families),
                    families,
                }
            })
            .collect::<Vec<_>>();
        let mut departments = departments;
        departments.sort_by_cached_key(|d| d.title.to_lowercase());

        // The cells are sorted in parallel: at 10,000 pages they hold 10,000 families'
        // levels between them.
        let rows = matrix
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(grade, mut cells)| {
                for cell in &mut cells {
                    sort_by_title(cell, |e| (e.title.as_str(), e.url.as_str()));
                }
                MatrixRow {
                    grade: grade.to_string(),
                    cells_html: cells.iter().map(|c| cell_html(c)).collect(),
                    cells: cells.into_iter().collect(),
                }
            })
            .collect();

        FamilyViews {
            root,
            matrix_url,
            ladders,
            departments,
            matrix: Matrix {
                columns: COLUMNS.to_vec(),
                rows,
            },
            json: LadderJson {
                version: 1,
                families: json,
            },
        }
    }
}

/// Sorts `entries` by title ignoring case, then by URL (`title_and_url` gives both),
/// keeping the order of entries equal in both: the order of every list of families and
/// levels. Each title is lowercased once, not at each comparison.
fn sort_by_title<T>(entries: &mut Vec<T>, title_and_url: impl Fn(&T) -> (&str, &str)) {
    let mut keyed: Vec<(String, T)> = entries
        .drain(..)
        .map(|e| (title_and_url(&e).0.to_lowercase(), e))
        .collect();
    keyed.sort_by(|(a_key, a), (b_key, b)| {
        a_key
            .cmp(b_key)
            .then_with(|| title_and_url(a).1.cmp(title_and_url(b).1))
    });
    entries.extend(keyed.into_iter().map(|(_, e)| e));
}

/// One family's share of every view.
struct FamilyParts {
    rows: Vec<LadderLevel>,
    json: JsonFamily,
    /// (grade, column, entry) for the grade matrix.
    matrix: Vec<(Grade, usize, MatrixEntry)>,
    summary: FamilySummary,
}

/// The link to a level's section: `page_url` (with base path), `#anchor` added unless the
/// anchor is empty.
fn level_url(page_url: &str, anchor: &str) -> String {
    if anchor.is_empty() {
        page_url.to_string()
    } else {
        format!("{page_url}#{anchor}")
    }
}

/// What `scale` reads in a level's title: its track, and its rank when exactly one
/// reading names it.
fn reading(level: &Level, scale: &Scale) -> (Option<Track>, Option<String>) {
    let guess = level.rank(scale);
    let rank = match guess.readings.as_slice() {
        [(_, name, _)] => Some(name.clone()),
        _ => None,
    };
    (guess.track, rank)
}

/// A level's row in its family's ladder.
fn ladder_level(
    level: &Level,
    track: Option<Track>,
    rank: Option<String>,
    url: String,
) -> LadderLevel {
    LadderLevel {
        title: level.title.clone(),
        url,
        track: track.map(Track::label),
        rank,
        grade: level.grade.map(|g| g.to_string()),
    }
}

/// The ladder of `family`, whose page is at `page_url` (with base path), read with
/// `scale` (the scale for the page's folder); `None` when it has no level. The same as
/// [`FamilyViews::ladders`] has for the page: a build renders family pages with it
/// before the site's views exist ([`super::early`]).
pub(crate) fn ladder_of(family: &JobFamily, scale: &Scale, page_url: &str) -> Option<Ladder> {
    let levels: Vec<LadderLevel> = family
        .levels
        .iter()
        .map(|level| {
            let (track, rank) = reading(level, scale);
            ladder_level(level, track, rank, level_url(page_url, &level.anchor))
        })
        .collect();
    (!levels.is_empty()).then_some(Ladder { levels })
}

fn family_parts(site: &Site, family: &JobFamily) -> FamilyParts {
    let page = &site.pages[family.page];
    let scale = site.scales.for_path(&page.parsed.source.rel_path);
    let page_url = format!("{}{}", site.base_path, page.url);
    let levels = family.levels.len();
    let mut rows = Vec::with_capacity(levels);
    let mut json_levels = Vec::with_capacity(levels);
    let mut matrix = Vec::with_capacity(levels);
    for level in &family.levels {
        let (track, rank) = reading(level, scale);
        // Formatted once, copied for the other two views.
        let url = level_url(&page_url, &level.anchor);
        rows.push(ladder_level(level, track, rank.clone(), url.clone()));
        json_levels.push(JsonLevel {
            title: level.title.clone(),
            url: url.clone(),
            track,
            rank,
            grade: level.grade,
            grade_source: level.source,
        });
        if let Some(grade) = level.grade {
            let column = match track {
                Some(Track::IndividualContributor) => 0,
                Some(Track::Management) => 1,
                None => 2,
            };
            matrix.push((
                grade,
                column,
                MatrixEntry {
                    title: level.title.clone(),
                    family: family.title.clone(),
                    url,
                },
            ));
        }
    }
    FamilyParts {
        rows,
        json: JsonFamily {
            title: family.title.clone(),
            url: page_url.clone(),
            department: family.department.clone(),
            source: page.parsed.source.path.clone(),
            levels: json_levels,
        },
        matrix,
        summary: summary(family, &page_url),
    }
}

fn summary(family: &JobFamily, url: &str) -> FamilySummary {
    let graded: Vec<(Grade, &str)> = family
        .levels
        .iter()
        .filter_map(|l| l.grade.map(|g| (g, l.title.as_str())))
        .collect();
    let low = graded.iter().min_by_key(|(g, _)| *g);
    let high = graded.iter().max_by_key(|(g, _)| *g);
    let (level_range, grade_range) = match (low, high) {
        (Some((gl, tl)), Some((gh, th))) if gl == gh && tl == th => {
            (Some(tl.to_string()), Some(gl.to_string()))
        }
        (Some((gl, tl)), Some((gh, th))) => (
            Some(format!("{tl} – {th}")),
            Some(if gl == gh {
                gl.to_string()
            } else {
                format!("{gl}–{gh}")
            }),
        ),
        _ => (family.levels.first().map(|l| l.title.clone()), None),
    };
    FamilySummary {
        title: family.title.clone(),
        url: url.to_string(),
        level_count: family.levels.len(),
        level_range,
        grade_range,
    }
}

#[cfg(test)]
mod tests {
    use super::sort_by_title;

    #[test]
    fn sort_by_title_ignores_case_then_orders_by_url_and_keeps_ties() {
        let mut entries = vec![
            ("beta", "/b/", 0),
            ("Alpha", "/z/", 1),
            ("alpha", "/a/", 2),
            ("ALPHA", "/a/", 3),
            ("Éclair", "/e/", 4),
            ("émile", "/e/", 5),
        ];
        sort_by_title(&mut entries, |e| (e.0, e.1));
        let order: Vec<usize> = entries.iter().map(|e| e.2).collect();
        // "alpha" and "ALPHA" share title and URL: they keep their order.
        assert_eq!(order, [2, 3, 1, 0, 4, 5]);
    }
}
