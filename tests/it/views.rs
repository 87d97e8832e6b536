//! Job-family views written by `ladder::build` (`src/render/families.rs` and the theme's
//! `_ladder.html`, `_families_index.html`, `_matrix.html`, `grades.html`): the ladder on
//! each family page, the job-families index, the grade matrix, and `ladder.json`. Every
//! build runs on a scratch copy of a fixture, into a temp dir.

use std::path::{Path, PathBuf};

use ladder::Options;
use serde_json::{Value, json};

use crate::harness::{build, copy_fixture, diag_lines, lines_for, read};

/// Builds a copy of `name` into `<tmp>/public`; returns the temp dir and the outcome.
fn build_copy(name: &str) -> (tempfile::TempDir, ladder::Outcome) {
    let dir = copy_fixture(name);
    let outcome = build(dir.path(), &dir.path().join("public"))
        .unwrap_or_else(|e| panic!("build {name}: {e}"));
    (dir, outcome)
}

/// The text of an HTML fragment, links written as `[text](href)`, tags dropped and white
/// space collapsed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut href = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
        let tag = &rest[i..end];
        if let Some(h) = tag.strip_prefix("<a href=\"") {
            href.push(h.split('"').next().unwrap_or_default().to_string());
            out.push('[');
        } else if tag == "</a>" {
            out.push_str(&format!("]({})", href.pop().unwrap_or_default()));
        } else {
            out.push(' ');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The part of `html` from the first `start` to the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in:\n{html}"));
    let j = html[i..]
        .find(end)
        .unwrap_or_else(|| panic!("no `{end}` after `{start}`"));
    &html[i..i + j]
}

/// The body rows of the first `<table class="{class}">` in `html`: one string per row,
/// cells joined by ` | ` (see [`text`]).
fn table_rows(html: &str, class: &str) -> Vec<String> {
    let table = between(html, &format!("<table class=\"{class}\""), "</table>");
    let body = between(table, "<tbody>", "</tbody>");
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let row = row.replace("<th", "<td").replace("</th>", "</td>");
            let cells: Vec<String> = row
                .split("<td")
                .skip(1)
                .map(|cell| {
                    text(&format!(
                        "<x{}",
                        cell.split("</td>").next().unwrap_or_default()
                    ))
                })
                .collect();
            cells
                .join(" | ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The column headings of the first `<table class="{class}">`.
fn table_head(html: &str, class: &str) -> Vec<String> {
    let table = between(html, &format!("<table class=\"{class}\""), "</table>");
    between(table, "<thead>", "</thead>")
        .trim_start_matches("<thead>")
        .split("<th")
        .skip(1)
        .map(|c| text(&format!("<x{c}")))
        .collect()
}

/// `public/ladder.json`, parsed.
fn ladder_json(out: &Path) -> Value {
    serde_json::from_str(&read(out, "ladder.json")).expect("ladder.json is JSON")
}

/// The output file of a URL path without base path (`/a/b/` → `a/b/index.html`).
fn output_of(out: &Path, url: &str) -> PathBuf {
    out.join(url.trim_start_matches('/')).join("index.html")
}

/// Every level URL of `ladder.json` whose fragment is not an element id on its page
/// (`base` is the base path the site was built with).
fn dangling_level_links(out: &Path, base: &str) -> Vec<String> {
    let json = ladder_json(out);
    let mut dangling = Vec::new();
    for family in json["families"].as_array().expect("families") {
        for level in family["levels"].as_array().expect("levels") {
            let url = level["url"].as_str().expect("url");
            let path = url.strip_prefix(base).expect("URL carries the base path");
            let (page, fragment) = path.split_once('#').unwrap_or((path, ""));
            let html = std::fs::read_to_string(output_of(out, page))
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            if !fragment.is_empty() && !html.contains(&format!("id=\"{fragment}\"")) {
                dangling.push(url.to_string());
            }
        }
    }
    dangling
}

const ENGINEER: &str = "/job-families/engineering/widget-engineer/";

// ---------------------------------------------------------------- the ladder

#[test]
fn family_page_shows_its_ladder_before_the_page_content() {
    let (dir, _) = build_copy("views_site");
    let out = dir.path().join("public");
    let html = read(&out, "job-families/engineering/widget-engineer/index.html");
    let ladder = html.find("<section class=\"ladder\"").expect("a ladder");
    let prose = html
        .find("<div class=\"prose\">")
        .expect("the page content");
    let h1 = html.find("<h1>Widget Engineer</h1>").expect("the title");
    assert!(h1 < ladder && ladder < prose, "ladder not near the top");
    assert_eq!(
        table_head(&html, "ladder-table"),
        ["Level", "Track", "Job grade"]
    );
    let e = ENGINEER;
    assert_eq!(
        table_rows(&html, "ladder-table"),
        [
            format!(
                "[Junior Widget Engineer]({e}#junior-widget-engineer) | individual contributor | missing"
            ),
            format!(
                "[Intermediate Widget Engineer]({e}#intermediate-widget-engineer) | individual contributor | 6"
            ),
            format!(
                "[Senior Widget Engineer]({e}#senior-widget-engineer) | individual contributor | 7"
            ),
            format!(
                "[Staff Widget Engineer]({e}#staff-widget-engineer) | individual contributor | 8"
            ),
            format!(
                "[Principal Widget Engineer]({e}#principal-widget-engineer) | individual contributor | 9"
            ),
            format!(
                "[Manager, Widget Engineering]({e}#manager-widget-engineering) | management | 8"
            ),
            format!("[Widget Program Manager]({e}#widget-program-manager) | not stated | 7"),
        ]
    );
    // A missing grade is marked as such, and the ladder links to the grade matrix.
    assert!(html.contains("<td class=\"grade\"><span class=\"missing\">missing</span></td>"));
    let section = between(&html, "<section class=\"ladder\"", "</section>");
    assert!(
        section.contains("<a href=\"/job-families/grade-matrix/\">"),
        "{section}"
    );
}

#[test]
fn every_level_link_lands_on_an_id_of_its_page() {
    let (dir, _) = build_copy("views_site");
    let out = dir.path().join("public");
    assert_eq!(dangling_level_links(&out, ""), Vec::<String>::new());
    // The ids are the level headings' ids in the rendered page.
    let html = read(&out, "job-families/engineering/widget-engineer/index.html");
    assert!(html.contains("<h3 id=\"manager-widget-engineering\">"));
}

#[test]
fn front_matter_levels_without_headings_link_to_their_page() {
    // `levels:` in front matter, and no `### Widget Lead` / `### Staff Widget Lead`
    // heading on the page: the ladder, the matrix and ladder.json link to
    // `#widget-lead` and `#staff-widget-lead`, which match no id (ladder reports the
    // same link as broken-anchor when an author writes it). A level without a section
    // should link to the page itself.
    let (dir, outcome) = build_copy("views_front_matter_levels");
    assert_eq!(diag_lines(&outcome), Vec::<String>::new());
    let out = dir.path().join("public");
    assert_eq!(dangling_level_links(&out, ""), Vec::<String>::new());
}

#[test]
fn pages_that_are_not_job_families_show_no_ladder() {
    let (dir, _) = build_copy("views_site");
    let out = dir.path().join("public");
    let html = read(&out, "handbook/grades/index.html");
    assert!(!html.contains("class=\"ladder\""), "{html}");
    assert!(!html.contains("families-index"), "{html}");
}

// ---------------------------------------------------------------- the index

#[test]
fn families_index_on_the_generated_job_families_page() {
    let (dir, _) = build_copy("views_site");
    let out = dir.path().join("public");
    let html = read(&out, "job-families/index.html");
    let index = between(&html, "<section class=\"families-index\"", "</section>");
    // Links to the grade matrix, then one table per department, sorted by title.
    assert!(index.contains("<a href=\"/job-families/grade-matrix/\">"));
    let departments: Vec<String> = index
        .split("<h3 class=\"department\">")
        .skip(1)
        .map(|d| text(d.split("</h3>").next().unwrap_or_default()))
        .collect();
    assert_eq!(
        departments,
        [
            "[Engineering](/job-families/engineering/)",
            "[People](/job-families/people/)"
        ]
    );
    let tables: Vec<&str> = index.split("<h3 class=\"department\">").skip(1).collect();
    assert_eq!(
        table_head(tables[0], "families-table"),
        ["Job family", "Levels", "Job grades"]
    );
    assert_eq!(
        table_rows(tables[0], "families-table"),
        [
            "[Widget Architect](/job-families/engineering/widget-architect/) | Widget Architect | 9.5",
            "[Widget Engineer](/job-families/engineering/widget-engineer/) | Intermediate Widget Engineer – Principal Widget Engineer (7) | 6–9",
            "[Widget Manager](/job-families/engineering/widget-manager/) | Widget Manager – Senior Widget Manager (2) | 8–9",
        ]
    );
    assert_eq!(
        table_rows(tables[1], "families-table"),
        [
            "[&lt;b&gt;Widget&lt;/b&gt; Recruiter](/job-families/people/widget-recruiter/) | Widget Recruiter – Senior Widget Recruiter (2) | 6–7"
        ]
    );
    // Only the families' root folder shows the index.
    assert!(!read(&out, "job-families/engineering/index.html").contains("families-index"));
    assert!(!read(&out, "index.html").contains("families-index"));
}

#[test]
fn families_index_on_a_content_index_page() {
    let (dir, outcome) = build_copy("views_index_page");
    assert_eq!(diag_lines(&outcome), Vec::<String>::new());
    let out = dir.path().join("public");
    let html = read(&out, "job-families/index.html");
    // The page's own title and text, then the index below it.
    assert!(html.contains("<h1>Careers at Widget Works</h1>"), "{html}");
    let content = html
        .find("Every role at Widget Works belongs to a job family.")
        .expect("the page's text");
    let index = html
        .find("<section class=\"families-index\"")
        .expect("the index");
    assert!(content < index);
    let section = between(&html, "<section class=\"families-index\"", "</section>");
    let tables: Vec<&str> = section.split("<h3 class=\"department\">").skip(1).collect();
    // Department titles come from the folders' index pages when they have one.
    assert_eq!(
        tables
            .iter()
            .map(|t| text(t.split("</h3>").next().unwrap_or_default()))
            .collect::<Vec<_>>(),
        [
            "[People](/job-families/people/)",
            "[Widget Engineering](/job-families/engineering/)"
        ]
    );
    assert_eq!(
        table_rows(tables[0], "families-table"),
        ["[Widget Recruiter](/job-families/people/widget-recruiter/) | Widget Recruiter | 6"]
    );
    assert_eq!(
        table_rows(tables[1], "families-table"),
        [
            "[Widget Engineer](/job-families/engineering/widget-engineer/) | Intermediate Widget Engineer – Senior Widget Engineer (2) | 6–7"
        ]
    );
    assert!(section.contains("<a href=\"/job-families/grade-matrix/\">"));
    assert!(out.join("job-families/grade-matrix/index.html").is_file());
}

// ---------------------------------------------------------------- the grade matrix

/// The default theme prints the grade matrix's cells and the job-families index's rows
/// as HTML made by ladder (`row.cells_html`, `department.families_html`); a theme that
/// loops over the data itself (`row.cells`, `department.families`) gets the same levels
/// and families, in the same order, escaped by Tera.
#[test]
fn a_theme_looping_over_matrix_cells_and_index_families_gets_what_the_default_theme_shows() {
    let (dir, _) = build_copy("views_site");
    let default_matrix = read(
        &dir.path().join("public"),
        "job-families/grade-matrix/index.html",
    );
    let default_index = read(&dir.path().join("public"), "job-families/index.html");
    let templates = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("_matrix.html"),
        "{% for row in matrix.rows %}{% for cell in row.cells %}{% for level in cell %}\nLEVEL {{ level.title }} @ {{ level.url }} in {{ level.family }}{% endfor %}{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("_families_index.html"),
        "{% for department in families_index %}{% for family in department.families %}\nFAMILY {{ family.title }} @ {{ family.url }}{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let out = dir.path().join("loops");
    build(dir.path(), &out).expect("build");
    let looped = |file: &str, tag: &str| -> Vec<String> {
        read(&out, file)
            .lines()
            .filter_map(|l| l.strip_prefix(tag).map(str::to_string))
            .collect()
    };
    // The default theme's cells: `<a href="URL">TITLE</a> <span class="family">FAMILY</span>`.
    let shown: Vec<String> = default_matrix
        .lines()
        .filter(|l| l.contains("<span class=\"family\">"))
        .map(|li| {
            let li = li.trim().strip_prefix("<li><a href=\"").unwrap();
            let (url, rest) = li.split_once("\">").unwrap();
            let (title, rest) = rest.split_once("</a> <span class=\"family\">").unwrap();
            let family = rest.split("</span>").next().unwrap();
            format!("{title} @ {url} in {family}")
        })
        .collect();
    assert_eq!(
        looped("job-families/grade-matrix/index.html", "LEVEL "),
        shown
    );
    assert!(
        shown
            .iter()
            .any(|l| l.contains("&lt;b&gt;Widget&lt;/b&gt; Recruiter"))
    );
    let families: Vec<String> = default_index
        .split("<tr>\n          <td><a href=\"")
        .skip(1)
        .map(|tr| {
            let (url, rest) = tr.split_once("\">").unwrap();
            format!("{} @ {url}", rest.split("</a>").next().unwrap())
        })
        .collect();
    assert_eq!(families.len(), 4);
    assert_eq!(looped("job-families/index.html", "FAMILY "), families);
}

#[test]
fn grade_matrix_has_a_row_per_grade_from_the_highest_down_and_a_column_per_track() {
    let (dir, _) = build_copy("views_site");
    let out = dir.path().join("public");
    let html = read(&out, "job-families/grade-matrix/index.html");
    assert!(html.contains("<h1>Grade matrix</h1>"));
    assert_eq!(
        table_head(&html, "grade-matrix"),
        [
            "Grade",
            "Individual contributor",
            "Management",
            "Track not stated"
        ]
    );
    let e = ENGINEER;
    let a = "/job-families/engineering/widget-architect/";
    let m = "/job-families/engineering/widget-manager/";
    let r = "/job-families/people/widget-recruiter/";
    let recruiter = "&lt;b&gt;Widget&lt;/b&gt; Recruiter";
    assert_eq!(
        table_rows(&html, "grade-matrix"),
        [
            format!("9.5 | [Widget Architect]({a}#widget-architect) Widget Architect | |"),
            format!(
                "9 | [Principal Widget Engineer]({e}#principal-widget-engineer) Widget Engineer | [Senior Widget Manager]({m}#senior-widget-manager) Widget Manager |"
            ),
            format!(
                "8 | [Staff Widget Engineer]({e}#staff-widget-engineer) Widget Engineer | [Manager, Widget Engineering]({e}#manager-widget-engineering) Widget Engineer [Widget Manager]({m}#widget-manager) Widget Manager |"
            ),
            format!(
                "7 | [Senior Widget Engineer]({e}#senior-widget-engineer) Widget Engineer [Senior Widget Recruiter]({r}#senior-widget-recruiter) {recruiter} | | [Widget Program Manager]({e}#widget-program-manager) Widget Engineer"
            ),
            format!(
                "6 | [Intermediate Widget Engineer]({e}#intermediate-widget-engineer) Widget Engineer [Widget Recruiter]({r}#widget-recruiter) {recruiter} | |"
            ),
        ]
    );
    // A level without a grade is not in the matrix.
    assert!(!html.contains("Junior Widget Engineer"));
}

#[test]
fn a_content_page_at_the_matrix_url_shows_the_matrix_below_its_text() {
    let (dir, _) = build_copy("views_index_page");
    let out = dir.path().join("public");
    let html = read(&out, "job-families/grade-matrix/index.html");
    assert!(html.contains("<h1>Grades at Widget Works</h1>"), "{html}");
    let text_at = html
        .find("Grades are reviewed every January.")
        .expect("the page's text");
    let matrix_at = html
        .find("<table class=\"grade-matrix\"")
        .expect("the matrix");
    assert!(text_at < matrix_at);
    assert_eq!(
        table_rows(&html, "grade-matrix"),
        [
            format!(
                "7 | [Senior Widget Engineer]({ENGINEER}#senior-widget-engineer) Widget Engineer | |"
            ),
            format!(
                "6 | [Intermediate Widget Engineer]({ENGINEER}#intermediate-widget-engineer) Widget Engineer [Widget Recruiter](/job-families/people/widget-recruiter/#widget-recruiter) Widget Recruiter | |"
            ),
        ]
    );
    // Listed once in the sitemap.
    assert_eq!(
        read(&out, "sitemap.xml")
            .matches("<loc>/job-families/grade-matrix/</loc>")
            .count(),
        1
    );
}

#[test]
fn grade_matrix_is_in_the_sitemap_and_a_valid_link_target() {
    let (dir, outcome) = build_copy("views_site");
    let out = dir.path().join("public");
    assert!(
        read(&out, "sitemap.xml").contains("<loc>/job-families/grade-matrix/</loc>"),
        "{}",
        read(&out, "sitemap.xml")
    );
    // content/handbook/grades.md links to /job-families/grade-matrix/ and /job-families/:
    // neither is a broken link, and neither is left unchecked.
    assert_eq!(
        lines_for(&outcome, "content/handbook/grades.md"),
        Vec::<String>::new()
    );
    assert_eq!(outcome.summary.unchecked_links, 0);
    // The only finding of the fixture is the level without a grade.
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/job-families/engineering/widget-engineer.md:17:1: error[grade-missing] level `Junior Widget Engineer` has no job grade"
        ]
    );
    let html = read(&out, "handbook/grades/index.html");
    assert!(html.contains("<a href=\"/job-families/grade-matrix/\">grade matrix</a>"));
}

// ---------------------------------------------------------------- ladder.json

#[test]
fn ladder_json_has_the_documented_shape() {
    let (dir, _) = build_copy("views_site");
    let out = dir.path().join("public");
    let e = ENGINEER;
    let level = |title: &str, anchor: &str, track: Value, rank: Value, grade: Value| {
        json!({
            "title": title,
            "url": format!("{e}#{anchor}"),
            "track": track,
            "rank": rank,
            "grade": grade,
            "grade_source": if grade.is_null() { Value::Null } else { json!("prose") },
        })
    };
    let ic = json!("individual_contributor");
    let expected = json!({
        "version": 1,
        "families": [
            {
                "title": "Widget Architect",
                "url": "/job-families/engineering/widget-architect/",
                "department": "engineering",
                "source": "content/job-families/engineering/widget-architect.md",
                "levels": [{
                    "title": "Widget Architect",
                    "url": "/job-families/engineering/widget-architect/#widget-architect",
                    "track": "individual_contributor",
                    "rank": "Intermediate",
                    "grade": 9.5,
                    "grade_source": "front_matter",
                }],
            },
            {
                "title": "Widget Engineer",
                "url": e,
                "department": "engineering",
                "source": "content/job-families/engineering/widget-engineer.md",
                "levels": [
                    level("Junior Widget Engineer", "junior-widget-engineer", ic.clone(), json!("Junior"), Value::Null),
                    level("Intermediate Widget Engineer", "intermediate-widget-engineer", ic.clone(), json!("Intermediate"), json!(6)),
                    level("Senior Widget Engineer", "senior-widget-engineer", ic.clone(), json!("Senior"), json!(7)),
                    level("Staff Widget Engineer", "staff-widget-engineer", ic.clone(), json!("Staff"), json!(8)),
                    level("Principal Widget Engineer", "principal-widget-engineer", ic.clone(), json!("Principal"), json!(9)),
                    level("Manager, Widget Engineering", "manager-widget-engineering", json!("management"), json!("Manager"), json!(8)),
                    // Ambiguous title: neither track nor rank is stated.
                    level("Widget Program Manager", "widget-program-manager", Value::Null, Value::Null, json!(7)),
                ],
            },
            {
                "title": "Widget Manager",
                "url": "/job-families/engineering/widget-manager/",
                "department": "engineering",
                "source": "content/job-families/engineering/widget-manager.md",
                "levels": [
                    {
                        "title": "Widget Manager",
                        "url": "/job-families/engineering/widget-manager/#widget-manager",
                        "track": "management",
                        "rank": "Manager",
                        "grade": 8,
                        "grade_source": "front_matter",
                    },
                    {
                        "title": "Senior Widget Manager",
                        "url": "/job-families/engineering/widget-manager/#senior-widget-manager",
                        "track": "management",
                        "rank": "Senior Manager",
                        "grade": 9,
                        "grade_source": "front_matter",
                    },
                ],
            },
            {
                "title": "<b>Widget</b> Recruiter",
                "url": "/job-families/people/widget-recruiter/",
                "department": "people",
                "source": "content/job-families/people/widget-recruiter.md",
                "levels": [
                    {
                        "title": "Widget Recruiter",
                        "url": "/job-families/people/widget-recruiter/#widget-recruiter",
                        "track": "individual_contributor",
                        "rank": "Intermediate",
                        "grade": 6,
                        "grade_source": "table",
                    },
                    {
                        "title": "Senior Widget Recruiter",
                        "url": "/job-families/people/widget-recruiter/#senior-widget-recruiter",
                        "track": "individual_contributor",
                        "rank": "Senior",
                        "grade": 7,
                        "grade_source": "table",
                    },
                ],
            },
        ],
    });
    let actual = ladder_json(&out);
    assert_eq!(actual, expected, "{actual:#}");
    // Grades are numbers: whole grades are integers, 9.5 stays 9.5.
    let architect = &actual["families"][0]["levels"][0]["grade"];
    assert!(architect.is_f64() && architect.as_f64() == Some(9.5));
    assert!(actual["families"][1]["levels"][1]["grade"].is_u64());
    // The file ends with a newline, and is the same on every build.
    let raw = read(&out, "ladder.json");
    assert!(raw.ends_with("}\n"));
    let (again, _) = build_copy("views_site");
    assert_eq!(read(&again.path().join("public"), "ladder.json"), raw);
}

#[test]
fn ladder_json_of_a_site_without_job_families_is_empty() {
    let (dir, _) = build_copy("views_index_page");
    // Remove every family (and the matrix page): what remains is one index page.
    std::fs::remove_dir_all(dir.path().join("content/job-families/engineering")).expect("remove");
    std::fs::remove_dir_all(dir.path().join("content/job-families/people")).expect("remove");
    std::fs::remove_file(dir.path().join("content/job-families/grade-matrix.md")).expect("remove");
    let out = dir.path().join("public2");
    build(dir.path(), &out).expect("build");
    assert_eq!(ladder_json(&out), json!({"version": 1, "families": []}));
    assert!(!out.join("job-families/grade-matrix").exists());
    assert!(!read(&out, "sitemap.xml").contains("grade-matrix"));
    assert!(!read(&out, "job-families/index.html").contains("families-index"));
}

// ---------------------------------------------------------------- base URL, escaping

#[test]
fn every_view_url_carries_the_base_path() {
    let dir = copy_fixture("views_site");
    let out = dir.path().join("public");
    let outcome = ladder::build(&Options {
        root: dir.path().to_path_buf(),
        output: Some(out.clone()),
        base_url: Some("https://group.gitlab.io/handbook/".to_string()),
        ..Default::default()
    })
    .expect("build");
    // The content link to the grade matrix is still fine under a base path.
    assert_eq!(
        lines_for(&outcome, "content/handbook/grades.md"),
        Vec::<String>::new()
    );
    let json = ladder_json(&out);
    let families = json["families"].as_array().expect("families");
    assert_eq!(
        families[1]["url"],
        json!("/handbook/job-families/engineering/widget-engineer/")
    );
    for family in families {
        assert!(
            family["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("/handbook/job-families/")),
            "{family}"
        );
        for level in family["levels"].as_array().expect("levels") {
            assert!(
                level["url"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("/handbook/job-families/")),
                "{level}"
            );
        }
    }
    assert_eq!(
        dangling_level_links(&out, "/handbook"),
        Vec::<String>::new()
    );
    // The ladder, the index and the matrix link with the base path, once.
    let page = read(&out, "job-families/engineering/widget-engineer/index.html");
    assert!(page.contains(
        "<a href=\"/handbook/job-families/engineering/widget-engineer/#senior-widget-engineer\">Senior Widget Engineer</a>"
    ));
    assert!(page.contains("<a href=\"/handbook/job-families/grade-matrix/\">"));
    let index = read(&out, "job-families/index.html");
    assert!(index.contains("<a href=\"/handbook/job-families/grade-matrix/\">"));
    assert!(index.contains("<a href=\"/handbook/job-families/engineering/\">Engineering</a>"));
    assert!(index.contains(
        "<a href=\"/handbook/job-families/engineering/widget-engineer/\">Widget Engineer</a>"
    ));
    let matrix = read(&out, "job-families/grade-matrix/index.html");
    assert!(matrix.contains(
        "<a href=\"/handbook/job-families/engineering/widget-architect/#widget-architect\">"
    ));
    for html in [&page, &index, &matrix] {
        assert!(!html.contains("/handbook/handbook/job-families/"));
        assert!(!html.contains("href=\"/job-families/"));
    }
    // The sitemap lists the matrix with the absolute base URL.
    assert!(
        read(&out, "sitemap.xml")
            .contains("<loc>https://group.gitlab.io/handbook/job-families/grade-matrix/</loc>")
    );
}

#[test]
fn family_titles_are_escaped_in_html_and_plain_in_json() {
    let (dir, _) = build_copy("views_site");
    let out = dir.path().join("public");
    for rel in [
        "job-families/index.html",
        "job-families/grade-matrix/index.html",
        "job-families/people/widget-recruiter/index.html",
    ] {
        let html = read(&out, rel);
        assert!(html.contains("&lt;b&gt;Widget&lt;"), "{rel}");
        assert!(!html.contains("<b>Widget</b>"), "{rel}");
    }
    assert_eq!(
        ladder_json(&out)["families"][3]["title"],
        json!("<b>Widget</b> Recruiter")
    );
}

// ---------------------------------------------------------------- the example handbook

#[test]
fn example_handbook_checks_clean_and_lists_its_families() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("public");
    let outcome = ladder::build(&Options {
        root: root.to_path_buf(),
        output: Some(out.clone()),
        ..Default::default()
    })
    .expect("build the example handbook");
    assert_eq!(diag_lines(&outcome), Vec::<String>::new());
    assert_eq!(outcome.site.families.len(), 7);
    let json = ladder_json(&out);
    let families = json["families"].as_array().expect("families");
    assert_eq!(families.len(), 7);
    let manager = families
        .iter()
        .find(|f| f["title"] == json!("Engineering Manager"))
        .expect("Engineering Manager");
    let levels: Vec<(&str, &str, &str)> = manager["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .map(|l| {
            (
                l["title"].as_str().unwrap_or_default(),
                l["track"].as_str().unwrap_or_default(),
                l["grade_source"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            ("Engineering Manager", "management", "front_matter"),
            ("Senior Engineering Manager", "management", "front_matter"),
            ("Director of Engineering", "management", "front_matter"),
        ]
    );
    assert_eq!(
        manager["levels"]
            .as_array()
            .expect("levels")
            .iter()
            .map(|l| l["grade"].clone())
            .collect::<Vec<_>>(),
        [json!(8), json!(9), json!(10)]
    );
    assert_eq!(dangling_level_links(&out, ""), Vec::<String>::new());
    assert!(out.join("job-families/grade-matrix/index.html").is_file());
}

/// `ladder.json` is written into a buffer sized by `LadderJson::size_hint`: the hint must
/// cover the file (with escapes) without being far above it.
#[test]
fn ladder_json_size_hint_covers_the_file() {
    for name in ["grades_extraction", "hostile_content"] {
        let (dir, outcome) = build_copy(name);
        let written = std::fs::metadata(dir.path().join("public/ladder.json"))
            .unwrap()
            .len() as usize;
        let hint = ladder::render::families::FamilyViews::new(&outcome.site)
            .json
            .size_hint();
        assert!(
            written <= hint && hint <= written * 2,
            "{name}: ladder.json is {written} bytes, the hint {hint}"
        );
    }
}

/// The default theme prints a family's ladder rows as HTML made by ladder
/// (`family.rows_html`); a theme whose `_ladder.html` loops over `family.levels` itself,
/// as the default theme once did, renders every family page byte for byte the same.
#[test]
fn a_theme_looping_over_ladder_levels_renders_what_the_default_theme_shows() {
    let (dir, outcome) = build_copy("views_site");
    let templates = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    let looping = include_str!("../../themes/default/templates/_ladder.html").replace(
            "        {#- A <tr> for each level (link, track, grade), made by ladder (family.levels has
            the same levels as data): a loop here took 3.5% of a build's instructions. #}
        {{- family.rows_html | safe }}",
            r#"        {%- for level in family.levels %}
        <tr>
          <td><a href="{{ level.url }}">{{ level.title }}</a></td>
          <td>{% if level.track %}{{ level.track }}{% else %}<span class="muted">not stated</span>{% endif %}</td>
          <td class="grade">{% if level.grade %}{{ level.grade }}{% else %}<span class="missing">missing</span>{% endif %}</td>
        </tr>
        {%- endfor %}"#,
    );
    assert!(looping.contains("{%- for level in family.levels %}"));
    std::fs::write(templates.join("_ladder.html"), looping).unwrap();
    let out = dir.path().join("loops");
    build(dir.path(), &out).expect("build");
    let mut compared = 0;
    for family in &outcome.site.families {
        let page = &outcome.site.pages[family.page];
        let default = read(&dir.path().join("public"), &page.output_path);
        assert!(
            default.contains("<table class=\"ladder-table\">"),
            "{}",
            page.url
        );
        assert_eq!(read(&out, &page.output_path), default, "{}", page.url);
        compared += 1;
    }
    assert!(compared >= 4, "{compared} family pages");
}
