//! Micro-benchmarks of ladder's stages on a synthetic job-family handbook written here.
//!
//! ```text
//! cargo bench --bench stages                 # full run
//! cargo bench --bench stages -- --quick      # a fast pass
//! cargo bench --bench stages -- parse        # one group
//! ```
//!
//! Groups:
//! - `parse`: [`ladder::parse::parse_page`] on one job-family page of about 7 KB (front
//!   matter, four levels with `#### Job Grade` sections, about 25 links to other pages, their
//!   anchors and same-page anchors); the throughput is in bytes of the page.
//! - `validate`: [`ladder::check`] end to end (discover, parse, model, validate) on a
//!   500-family site (508 pages) in a temporary directory, and
//!   [`ladder::validate::validate`] alone on that site as modelled. Links resolve, except
//!   one misspelled anchor on every 25th page, so the finding path is exercised too.
//! - `render`: [`ladder::render::render_site_into`] on a site of one family page (with its
//!   folder indexes and the grade page) and on the 500-page site. There is no public API
//!   that renders a single page, so the small site is the closest to "one page": it
//!   includes the home page, folder indexes, `404.html`, `sitemap.xml` and the family views.
//!
//! The page text is generated here from word lists; it is not taken from any real handbook.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ladder::Options;
use ladder::parse::parse_page;
use ladder::render::families::FamilyViews;
use ladder::render::{Theme, render_site_into};
use ladder::slug::slugify;
use ladder::source::SourceFile;
use ladder::validate::validate;

/// Family pages in the site the `validate` and `render` groups use.
const SITE_FAMILIES: usize = 500;

const DEPARTMENTS: &[&str] = &["engineering", "product", "people", "finance", "support"];
const SPECIALTIES: &[&str] = &[
    "Backend",
    "Frontend",
    "Platform",
    "Data",
    "Security",
    "Reliability",
    "Billing",
    "Search",
    "Payments",
    "Identity",
    "Storage",
    "Network",
    "Mobile",
    "Release",
    "Quality",
    "Compliance",
    "Analytics",
    "Pricing",
    "Onboarding",
    "Documentation",
];
const ROLES: &[&str] = &[
    "Engineer",
    "Analyst",
    "Designer",
    "Specialist",
    "Writer",
    "Architect",
    "Researcher",
    "Scientist",
    "Consultant",
    "Administrator",
];
/// Individual-contributor levels and their grades on the default scale.
const LEVELS: &[(&str, u32)] = &[
    ("Intermediate", 6),
    ("Senior", 7),
    ("Staff", 8),
    ("Principal", 9),
];
const DUTIES: &[&str] = &[
    "Plan the work of the quarter with the team and write down what will not be done",
    "Review changes from teammates carefully and explain the reasoning behind each comment",
    "Keep the runbooks and design notes current so that on-call engineers can rely on them",
    "Break large goals into small, reviewable steps and ship each one behind a flag",
    "Measure the effect of every change and share the numbers with the people who asked for it",
    "Pair with newer colleagues and give them steady, specific feedback",
    "Raise risks early, with a proposal for reducing them and an estimate of the cost",
    "Take part in incident reviews and follow the agreed actions through to the end",
    "Work with other departments to agree on interfaces before building anything",
    "Retire tools and processes that no longer pay for the time they take",
    "Answer questions from support and sales quickly and turn repeated ones into documentation",
    "Keep a written record of decisions so that the reasons survive team changes",
];
const NEEDS: &[&str] = &[
    "Several years of relevant professional experience, or equivalent open-source work",
    "Clear written communication, since most discussion happens asynchronously",
    "Comfort with ambiguity and with changing plans when the evidence changes",
    "A habit of testing assumptions with data before acting on them",
    "Experience working across time zones in a distributed team",
    "Willingness to learn the parts of the product that are outside the role",
];

const SCOPE: &[&str] = &[
    "works on problems whose outline is already known and asks for help when the path is unclear",
    "owns a clearly bounded area and decides how the work in it gets done",
    "sets the direction for an area that spans several teams",
    "shapes the long-term plan of the department together with its leaders",
    "makes decisions that are expensive to reverse, and writes down why",
    "spends a real share of the week helping others do their best work",
    "turns vague requests into plans that others can pick up and finish",
    "keeps the quality bar high without slowing the team down",
];

/// One job family of the synthetic site.
struct Family {
    department: &'static str,
    title: String,
    slug: String,
}

impl Family {
    fn url(&self) -> String {
        format!("/job-families/{}/{}/", self.department, self.slug)
    }

    fn rel_path(&self) -> String {
        format!("job-families/{}/{}.md", self.department, self.slug)
    }

    fn level_anchor(&self, level: &str) -> String {
        slugify(&format!("{level} {}", self.title))
    }
}

/// `n` distinct families, spread over the departments.
fn families(n: usize) -> Vec<Family> {
    assert!(n <= DEPARTMENTS.len() * SPECIALTIES.len() * ROLES.len());
    (0..n)
        .map(|i| {
            let department = DEPARTMENTS[i % DEPARTMENTS.len()];
            let combo = i / DEPARTMENTS.len();
            let title = format!(
                "{} {}",
                SPECIALTIES[combo % SPECIALTIES.len()],
                ROLES[(combo / SPECIALTIES.len()) % ROLES.len()]
            );
            let slug = slugify(&title);
            Family {
                department,
                title,
                slug,
            }
        })
        .collect()
}

fn pick<'a>(list: &[&'a str], i: usize) -> &'a str {
    list[i % list.len()]
}

/// The Markdown of family `i`, linking to other families of `all` (and their level
/// anchors), its own headings, the grade scale, and one external page.
fn family_page(all: &[Family], i: usize) -> String {
    let f = &all[i];
    let peer = &all[(i * 7 + 3) % all.len()];
    let next = &all[(i + 1) % all.len()];
    let dept = capitalize(f.department);
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(w, "---\ntitle: \"{}\"", f.title);
    let _ = writeln!(
        w,
        "description: \"What a {} in {dept} does, how the role grows, and how we hire for it.\"",
        f.title
    );
    let _ = writeln!(w, "layout: job_family_page\n---");
    let _ = writeln!(
        w,
        "The {} works in the [{dept} department](/job-families/{}/) and shares its goals. \
         Every level below carries a [job grade](/handbook/job-grades/#job-grade-scale); \
         the [levels](#levels) describe how the scope of the role grows. Many people in \
         this family work closely with the [{}]({}) team.\n",
        f.title,
        f.department,
        peer.title,
        peer.url()
    );
    let _ = writeln!(w, "## Responsibilities\n");
    for k in 0..6 {
        let _ = writeln!(w, "- {}.", pick(DUTIES, i + k));
    }
    let _ = writeln!(
        w,
        "- Coordinate with the [{}]({}#responsibilities) family on shared work.\n",
        next.title,
        next.url()
    );
    let _ = writeln!(w, "## Requirements\n");
    for k in 0..5 {
        let _ = writeln!(w, "- {}.", pick(NEEDS, i + k));
    }
    let _ = writeln!(
        w,
        "- See the [hiring process](#hiring-process) for how we assess these.\n"
    );
    let _ = writeln!(w, "## Levels\n");
    for (k, (level, grade)) in LEVELS.iter().enumerate() {
        let _ = writeln!(w, "### {level} {}\n", f.title);
        let _ = writeln!(w, "#### Job Grade\n");
        let _ = writeln!(
            w,
            "The {level} {} is a [grade {grade}](/handbook/job-grades/#job-grade-scale).\n",
            f.title
        );
        let _ = writeln!(w, "#### Scope\n");
        let _ = writeln!(w, "{}\n", level_overview(f, level, i + k));
        let _ = writeln!(w, "#### Responsibilities\n");
        if k > 0 {
            let _ = writeln!(
                w,
                "- Extends the responsibilities of the [{} level](#{}).",
                LEVELS[k - 1].0,
                f.level_anchor(LEVELS[k - 1].0)
            );
        }
        for d in 0..4 {
            let _ = writeln!(w, "- {}.", pick(DUTIES, i + 3 * k + d + 5));
        }
        // Every 25th page misspells one anchor on another page: a broken-anchor finding.
        let mut anchor = peer.level_anchor(level);
        if i.is_multiple_of(25) && k == 2 {
            anchor.remove(1);
        }
        let _ = writeln!(
            w,
            "- Comparable in scope to the [{level} {}]({}#{anchor}).\n",
            peer.title,
            peer.url(),
        );
        let _ = writeln!(w, "#### Requirements\n");
        for d in 0..2 {
            let _ = writeln!(w, "- {}.", pick(NEEDS, i + k + d + 2));
        }
        let _ = writeln!(w);
    }
    let _ = writeln!(w, "## Performance Indicators\n");
    let _ = writeln!(
        w,
        "- Outcomes agreed with the manager at the start of each quarter."
    );
    let _ = writeln!(
        w,
        "- Feedback from peers, gathered as described in [Team Norms](https://example.com/team-norms)."
    );
    let _ = writeln!(
        w,
        "- Progress of the people this role mentors.\n\n## Career Ladder\n"
    );
    let _ = writeln!(
        w,
        "The path runs from [{a}](#{a_id}) through [{b}](#{b_id}) and [{c}](#{c_id}) to \
         [{d}](#{d_id}). A move to the [{}]({}) family is a lateral move at the same grade.\n",
        next.title,
        next.url(),
        a = LEVELS[0].0,
        a_id = f.level_anchor(LEVELS[0].0),
        b = LEVELS[1].0,
        b_id = f.level_anchor(LEVELS[1].0),
        c = LEVELS[2].0,
        c_id = f.level_anchor(LEVELS[2].0),
        d = LEVELS[3].0,
        d_id = f.level_anchor(LEVELS[3].0),
    );
    let _ = writeln!(w, "## Hiring Process\n");
    let steps = [
        "A short call with a recruiter about your background and what you are looking for",
        "A written exercise that takes no more than two hours",
        "An interview with two future peers that starts from your exercise",
        "A conversation with the hiring manager about ownership and collaboration",
        "Reference checks, then an offer",
    ];
    for (k, step) in steps.iter().enumerate() {
        let _ = writeln!(w, "{}. {step}.", k + 1);
    }
    s
}

/// A paragraph on the scope of `level` in family `f`.
fn level_overview(f: &Family, level: &str, seed: usize) -> String {
    format!(
        "A {level} {} {}. At this level the role also {}, and it {}. Progress is judged on \
         outcomes over several quarters rather than on single projects, and the \
         [{} department](/job-families/{}/) reviews the expectations for this level once a year.",
        f.title,
        pick(SCOPE, seed),
        pick(SCOPE, seed + 3),
        pick(SCOPE, seed + 5),
        capitalize(f.department),
        f.department,
    )
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// Writes a site of `n` family pages under `root/content`, with the folder indexes
/// and the grade-scale page their links point to.
fn write_site(root: &Path, n: usize) {
    let all = families(n);
    let content = root.join("content");
    let write = |rel: &str, text: &str| {
        let path = content.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "_index.md",
        "---\ntitle: \"Career Handbook\"\n---\nThe [job families](/job-families/) and the \
         [job grades](/handbook/job-grades/).\n",
    );
    write(
        "job-families/_index.md",
        "---\ntitle: \"Job Families\"\n---\nEvery family, by department.\n",
    );
    let mut grades = String::from(
        "---\ntitle: \"Job Grades\"\n---\nOne number per level, shared by every department.\n\n\
         ## Job grade scale\n\n| Grade | Level |\n|---|---|\n",
    );
    for (level, grade) in LEVELS {
        let _ = writeln!(grades, "| {grade} | {level} |");
    }
    write("handbook/job-grades.md", &grades);
    for dept in DEPARTMENTS.iter().take(n) {
        let mut index = format!(
            "---\ntitle: \"{}\"\n---\n## Job families\n\n",
            capitalize(dept)
        );
        for f in all.iter().filter(|f| f.department == *dept) {
            let _ = writeln!(index, "- [{}]({})", f.title, f.url());
        }
        write(&format!("job-families/{dept}/_index.md"), &index);
    }
    for (i, f) in all.iter().enumerate() {
        write(&f.rel_path(), &family_page(&all, i));
    }
}

/// Pages in a site of `n` families: theirs, the home page, `job-families/`, the grade
/// page, and one index per department with families.
fn site_pages(n: usize) -> usize {
    n + 3 + n.min(DEPARTMENTS.len())
}

/// A temporary site of `n` family pages, and the options to check or build it.
fn site_fixture(n: usize) -> (tempfile::TempDir, Options) {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), n);
    let options = Options {
        root: dir.path().to_path_buf(),
        ..Options::default()
    };
    (dir, options)
}

fn parse(c: &mut Criterion) {
    let all = families(SITE_FAMILIES);
    let i = 42;
    let rel = all[i].rel_path();
    let file = SourceFile::new(
        format!("content/{rel}"),
        rel.clone(),
        PathBuf::from(&rel),
        family_page(&all, i),
    );
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(file.text().len() as u64));
    group.bench_function("parse_page one family page", |b| {
        b.iter_batched(
            || file.clone(),
            |file| {
                let mut diags = Vec::new();
                let page = parse_page(file, &mut diags);
                black_box((page, diags))
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn validate_site(c: &mut Criterion) {
    let (_dir, options) = site_fixture(SITE_FAMILIES);
    let outcome = ladder::check(&options).unwrap();
    let pages = outcome.summary.pages as u64;
    assert_eq!(
        pages,
        site_pages(SITE_FAMILIES) as u64,
        "every page was read"
    );
    assert!(
        !outcome.diagnostics.is_empty(),
        "the planted broken anchors are found"
    );
    let mut group = c.benchmark_group("validate");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(pages));
    group.bench_function(format!("check {pages} pages"), |b| {
        b.iter(|| black_box(ladder::check(&options).unwrap()))
    });
    group.bench_function(format!("validate {pages} pages (modelled site)"), |b| {
        b.iter(|| black_box(validate(&outcome.site)))
    });
    group.finish();
}

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    for families in [1, SITE_FAMILIES] {
        let (dir, options) = site_fixture(families);
        let site = ladder::check(&options).unwrap().site;
        let theme = Theme::load(dir.path(), &site.config.theme).unwrap();
        let pages = site.pages.len();
        group.throughput(Throughput::Elements(pages as u64));
        let name = if families == 1 {
            format!("render_site 1 family page + indexes ({pages} pages)")
        } else {
            format!("render_site {pages} pages")
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let views = FamilyViews::new(&site);
                let files = render_site_into(&site, &theme, "", &views, None, &|f| {
                    black_box(f);
                    Ok(())
                });
                black_box(files.unwrap())
            })
        });
    }
    group.finish();
}

criterion_group!(stages, parse, validate_site, render);
criterion_main!(stages);
