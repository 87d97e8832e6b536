//! The real input: 217 GitLab job-family pages (`../shared/corpus/gitlab-2022-11`) and the
//! five seed pages (`../shared/seeds`), read in place, never copied into the repository.
//!
//! When `../shared` is absent these tests print why and pass, unless `CI` is set: CI has
//! `../shared` beside the checkout, so there a missing corpus is a failure.

use std::path::{Path, PathBuf};

use ladder::{Options, Outcome, Severity};

/// The integration tests' helpers (copying a tree, a snapshot of a folder's files).
#[path = "it/harness.rs"]
#[allow(dead_code)]
mod harness;

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("corpus/gitlab-2022-11/content").is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "CI is set but {} has no corpus: CI must have ../shared beside the checkout",
            dir.display()
        );
    }
    eprintln!(
        "skipped: {} not found (set up ../shared beside the checkout to run the corpus tests)",
        dir.display()
    );
    None
}

/// A `ladder.toml` outside the read-only corpus that configures its known paths and the
/// host it was published on, as the issue asks.
fn corpus_options(shared: &Path, tmp: &Path) -> Options {
    let corpus = shared.join("corpus/gitlab-2022-11");
    let config = tmp.join("ladder.toml");
    let known = corpus.join("site-paths.txt");
    std::fs::write(
        &config,
        format!(
            "title = \"GitLab job families (2022-11)\"\n[links]\ninternal_hosts = [\"about.gitlab.com\"]\nknown_paths = {:?}\n",
            known.display().to_string()
        ),
    )
    .unwrap();
    Options {
        root: corpus,
        config: Some(config),
        base_url: None,
        output: Some(tmp.join("public")),
        external: false,
        parse_cache: false,
    }
}

fn has(
    outcome: &Outcome,
    path: &str,
    line: usize,
    column: usize,
    rule: &str,
    message_part: &str,
) -> bool {
    outcome.diagnostics.iter().any(|d| {
        d.path == path
            && d.line == line
            && d.column == column
            && d.rule.code() == rule
            && d.message.contains(message_part)
    })
}

#[test]
fn corpus_builds_every_page_and_reports_real_problems() {
    let Some(shared) = shared() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let options = corpus_options(&shared, tmp.path());
    let outcome = ladder::build(&options).expect("the corpus builds");

    // Every page gets an HTML page at its permalink.
    assert_eq!(outcome.summary.pages, 217);
    assert_eq!(
        outcome.site.pages.len(),
        217,
        "no page lost to a permalink conflict"
    );
    let public = tmp.path().join("public");
    for page in &outcome.site.pages {
        let html = public.join(&page.output_path);
        assert!(
            html.is_file(),
            "{} has no output at {}",
            page.parsed.source.path,
            html.display()
        );
    }
    for f in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "style.css",
        "job-families/index.html",
    ] {
        assert!(public.join(f).is_file(), "{f} missing");
    }
    // Assets beside their page.
    assert!(
        public
            .join("job-families/finance/corporate-controller/treasury-manager/image.png")
            .is_file()
    );

    // Real problems, pinned by file, line, column and rule (checked by hand against the source).
    let jf = "content/job-families";
    let pinned = [
        // A same-page anchor that matches no heading.
        (
            format!("{jf}/engineering/application-security/index.html.md"),
            146,
            78,
            "broken-anchor",
            "`#main_requirements`",
        ),
        // A wrong-case fragment: ids are lowercase, browsers match exactly.
        (
            format!("{jf}/finance/internal-audit/index.html.md"),
            13,
            71,
            "broken-anchor",
            "`#Internal-Auditor`",
        ),
        // A link to a job family that is not in the site.
        (
            format!("{jf}/engineering/development/backend/staff/index.html.md"),
            341,
            32,
            "broken-link",
            "/job-families/engineering/database-engineer/",
        ),
        // An absolute link to about.gitlab.com (an internal host) that resolves to nothing.
        (
            format!("{jf}/sales/vp-of-field-operations/index.html.md"),
            8,
            323,
            "broken-link",
            "chief-revenue-officer",
        ),
        // The page that lacks its opening `---`.
        (
            format!("{jf}/finance/program-management-BT/index.html.md"),
            1,
            1,
            "front-matter",
            "no opening `---`",
        ),
        // The page with front matter only.
        (
            format!("{jf}/legal-and-corporate-affairs/vice-president/index.html.md"),
            1,
            1,
            "empty-page",
            "no content",
        ),
        // ERB listing helper, never leaked into HTML.
        (
            format!("{jf}/product/index.html.md.erb"),
            8,
            1,
            "unsupported-syntax",
            "job_families('product')",
        ),
        // A heading level skip.
        (
            format!("{jf}/finance/internal-audit/index.html.md"),
            366,
            1,
            "heading-skip",
            "from h3 to h5",
        ),
    ];
    for (path, line, column, rule, part) in &pinned {
        assert!(
            has(&outcome, path, *line, *column, rule, part),
            "expected {rule} at {path}:{line}:{column} mentioning {part}"
        );
    }
    let wrong_case = outcome
        .diagnostics
        .iter()
        .find(|d| d.message.contains("`#Internal-Auditor`"))
        .unwrap();
    assert!(
        wrong_case.help.contains("ids are case-sensitive"),
        "{}",
        wrong_case.help
    );

    // The page without its opening `---` still has its title (recovered front matter).
    let bt = outcome
        .site
        .pages
        .iter()
        .find(|p| p.url == "/job-families/finance/program-management-BT/")
        .unwrap();
    assert_eq!(bt.title(), "Program Management, Business Technology");

    // Lenient YAML: these pages keep their titles; the finding is a warning.
    let gpo = outcome
        .diagnostics
        .iter()
        .find(|d| d.path.ends_with("finance/revenue-gpo/index.html.md"))
        .unwrap();
    assert_eq!(
        (gpo.rule.code(), gpo.severity),
        ("front-matter", Severity::Warning)
    );

    // No ERB or kramdown attribute list leaks into any page.
    for page in &outcome.site.pages {
        let html = std::fs::read_to_string(public.join(&page.output_path)).unwrap();
        assert!(
            !html.contains("&lt;%") && !html.contains("<%"),
            "ERB leaked in {}",
            page.output_path
        );
        assert!(
            !html.contains("{:toc") && !html.contains("{:.no_toc"),
            "attribute list leaked in {}",
            page.output_path
        );
    }

    // Link checks against site-paths.txt: out-of-tree misses are hints, never errors.
    assert!(
        outcome
            .diagnostics
            .iter()
            .filter(|d| d.rule.code() == "unknown-path")
            .all(|d| d.severity == Severity::Info)
    );
    assert!(
        outcome.summary.errors > 50,
        "the corpus has many real broken links and anchors"
    );
}

#[test]
fn corpus_check_is_deterministic_and_counts_unchecked_links_without_known_paths() {
    let Some(shared) = shared() else { return };
    let root = shared.join("corpus/gitlab-2022-11");
    let options = Options {
        root,
        ..Default::default()
    };
    let a = ladder::check(&options).unwrap();
    let b = ladder::check(&options).unwrap();
    let fa = ladder::report::fingerprint::fingerprints(&a.diagnostics);
    let fb = ladder::report::fingerprint::fingerprints(&b.diagnostics);
    let json_a = ladder::report::json::render(&a.diagnostics, &fa, &a.summary);
    let json_b = ladder::report::json::render(&b.diagnostics, &fb, &b.summary);
    assert_eq!(json_a, json_b);
    // Without known paths, links outside /job-families/ cannot be verified: counted, not passed.
    assert!(
        a.summary.unchecked_links > 1000,
        "{}",
        a.summary.unchecked_links
    );
    assert!(
        a.diagnostics
            .iter()
            .all(|d| d.rule.code() != "unknown-path")
    );
    let mut sorted = a.diagnostics.clone();
    sorted.sort();
    assert_eq!(sorted, a.diagnostics);
}

/// Each seed, as the only job family of a site (at `job-families/infrastructure/seed/`,
/// where such pages live): it builds, or is reported under the right rule. Links to other
/// families cannot resolve in a one-page site, so the link rules are left out here.
#[test]
fn seeds_build_or_are_reported_under_the_right_rule() {
    let Some(shared) = shared() else { return };
    let expected: &[(&str, &[(&str, Severity)])] = &[
        // Every line break lost: said exactly so.
        (
            "000_ff44709045d9aac0.txt",
            &[("front-matter", Severity::Error)],
        ),
        // One role, no levels, no grade, older `layout: job_page`: builds.
        ("001_df939bc75583a466.txt", &[]),
        // No Performance Indicators / Hiring Process sections; mojibake `GitLabâ€™s`.
        (
            "002_79afa69e42b8edfc.txt",
            &[
                ("section-missing", Severity::Warning),
                ("encoding", Severity::Warning),
            ],
        ),
        // Blank lines inside front matter, a handbook page: builds.
        ("003_169b3302a813f381.txt", &[]),
        // Levels with grades; the Staff level's sentence names "The Infrastructure Analyst".
        (
            "004_257fefb23fc3d234.txt",
            &[("grade-title", Severity::Warning)],
        ),
    ];
    for (seed, rules) in expected {
        let tmp = seed_site(&shared, seed);
        let outcome = ladder::build(&Options {
            root: tmp.path().to_path_buf(),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{seed}: {e}"));
        let got: Vec<(&str, Severity)> = outcome
            .diagnostics
            .iter()
            .filter(|d| !matches!(d.rule.code(), "broken-link" | "broken-anchor"))
            .map(|d| (d.rule.code(), d.severity))
            .collect();
        assert_eq!(&got, rules, "{seed}: {:#?}", outcome.diagnostics);
        assert!(
            tmp.path()
                .join("public/job-families/infrastructure/seed/index.html")
                .is_file(),
            "{seed} was not rendered"
        );
    }
    // Seed 000's message says what happened.
    let tmp = seed_site(&shared, "000_ff44709045d9aac0.txt");
    let outcome = ladder::check(&Options {
        root: tmp.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    assert!(
        outcome.diagnostics[0]
            .message
            .starts_with("the file has no line breaks: all 18256 bytes are on one line"),
        "{}",
        outcome.diagnostics[0].message
    );
}

/// A site whose only page is `seed`, at `content/job-families/infrastructure/seed/index.md`.
fn seed_site(shared: &Path, seed: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("content/job-families/infrastructure/seed");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(shared.join("seeds").join(seed), dir.join("index.md")).unwrap();
    tmp
}

/// Job families, levels and grades on the real pages: extraction, pinned findings
/// (checked by hand against the source), and the three views.
#[test]
fn corpus_job_families_levels_and_grades() {
    let Some(shared) = shared() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let options = corpus_options(&shared, tmp.path());
    let outcome = ladder::build(&options).expect("the corpus builds");
    let site = &outcome.site;

    // Department index pages (layout markdown_page, an ERB listing) are not families.
    let family_paths: Vec<&str> = site
        .families
        .iter()
        .map(|f| site.pages[f.page].parsed.source.rel_path.as_str())
        .collect();
    assert!(!family_paths.contains(&"job-families/product/index.html.md.erb"));
    assert!(
        site.families.len() > 190,
        "{} families",
        site.families.len()
    );
    let graded = site
        .families
        .iter()
        .flat_map(|f| &f.levels)
        .filter(|l| l.grade.is_some())
        .count();
    assert!(graded > 600, "{graded} graded levels");

    // A family read the way it is written: nested Job Grade sections and a manager level.
    let backend = site
        .families
        .iter()
        .find(|f| {
            site.pages[f.page].parsed.source.rel_path
                == "job-families/engineering/backend-engineer/index.html.md"
        })
        .unwrap();
    let levels: Vec<(&str, String)> = backend
        .levels
        .iter()
        .map(|l| {
            (
                l.title.as_str(),
                l.grade.map_or("-".to_string(), |g| g.to_string()),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            ("Intermediate Backend Engineer", "6".to_string()),
            ("Senior Backend Engineer", "7".to_string()),
            ("Staff Backend Engineer", "8".to_string()),
            ("Backend Engineering Manager", "8".to_string()),
        ]
    );

    let jf = "content/job-families";
    let pinned = [
        // The example: "Intern" at grade 5 when the scale says 4.
        (
            format!("{jf}/engineering/development/backend/index.html.md.erb"),
            119,
            41,
            "grade-rank",
            "`Intern, Backend Engineer` is grade 5",
        ),
        // The heading says EVP, the sentence says CTO.
        (
            format!("{jf}/engineering/development/management/index.html.md.erb"),
            198,
            5,
            "grade-title",
            "`Chief Technology Officer`",
        ),
        // A copied sentence naming another team's manager.
        (
            format!("{jf}/engineering/red-team/index.html.md"),
            170,
            5,
            "grade-title",
            "Security Incident Response Team Senior Manager",
        ),
        // One title, two grades: Product's Senior PM is 8, Marketing's is 9.
        (
            format!("{jf}/product/product-manager/index.html.md.erb"),
            89,
            40,
            "grade-conflict",
            "`Senior Product Manager` is grade 8 here but grade 9",
        ),
        // A level beside graded siblings with no grade.
        (
            format!("{jf}/finance/general-ledger-accounting/index.html.md"),
            164,
            1,
            "grade-missing",
            "`Senior Manager, General Ledger Accounting`",
        ),
        // A job family page with no grade anywhere.
        (
            format!("{jf}/chief-executive-officer/index.html.md.erb"),
            3,
            1,
            "grade-missing",
            "job family `Chief Executive Officer`",
        ),
        // 9.5 is not on GitLab's current scale.
        (
            format!("{jf}/product/pricing/index.html.md"),
            89,
            43,
            "grade-unknown",
            "grade 9.5",
        ),
        // Sections GitLab's template requires.
        (
            format!("{jf}/marketing/editor/index.html.md"),
            3,
            1,
            "section-missing",
            "Performance Indicators or KPIs, Hiring Process",
        ),
    ];
    for (path, line, column, rule, part) in &pinned {
        assert!(
            has(&outcome, path, *line, *column, rule, part),
            "expected {rule} at {path}:{line}:{column} mentioning {part}"
        );
    }
    // Look-alikes that must stay quiet on real pages.
    let quiet = |path_part: &str, rule: &str| {
        !outcome
            .diagnostics
            .iter()
            .any(|d| d.path.contains(path_part) && d.rule.code() == rule)
    };
    // A deprecated level ("The Junior level … was deprecated") is not a missing grade.
    assert!(quiet(
        "engineering/backend-engineer/index.html.md",
        "grade-missing"
    ));
    // "Community Programs Manager" (IC) and "Manager, Community Programs" are two levels.
    assert!(quiet("marketing/community-programs/", "level-duplicate"));
    // Sales uses another grade table: no rank checks there.
    assert!(quiet("job-families/sales/", "grade-rank"));
    // "The Recruiting Intern is not aligned to a job grade": intentional.
    assert!(quiet("people-ops/recruiter/", "grade-unparsed"));

    // The views.
    let public = tmp.path().join("public");
    let matrix =
        std::fs::read_to_string(public.join("job-families/grade-matrix/index.html")).unwrap();
    assert!(matrix.contains("Senior Backend Engineer"));
    let index = std::fs::read_to_string(public.join("job-families/index.html")).unwrap();
    assert!(index.contains("Job families by department") && index.contains("Backend Engineering"));
    let page = std::fs::read_to_string(
        public.join("job-families/engineering/backend-engineer/index.html"),
    )
    .unwrap();
    let ladder_at = page
        .find("class=\"ladder\"")
        .expect("the ladder is on the page");
    assert!(
        ladder_at < page.find("class=\"prose\"").unwrap(),
        "the ladder comes before the content"
    );
    assert!(
        page.contains(
            "href=\"/job-families/engineering/backend-engineer/#senior-backend-engineer\""
        )
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(public.join("ladder.json")).unwrap())
            .unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(
        json["families"].as_array().unwrap().len(),
        site.families.len()
    );
}

/// The parse cache on the real pages: a run from the cache finds what a run without it
/// finds, at the same lines and columns, and builds the same files. (A copy of the
/// corpus: the cache is written below the site root.)
#[test]
fn corpus_from_the_parse_cache_is_the_same_as_without_it() {
    let Some(shared) = shared() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    harness::copy_dir(&shared.join("corpus/gitlab-2022-11"), &site);
    let mut options = corpus_options(&shared, tmp.path());
    options.root = site.clone();
    let uncached = ladder::check(&options).unwrap();

    options.parse_cache = true;
    let first = ladder::check(&options).unwrap();
    let second = ladder::check(&options).unwrap();
    let pages = uncached.summary.pages;
    let stats = |o: &Outcome| o.parse_cache.map(|c| (c.reused, c.parsed));
    assert_eq!(stats(&first), Some((0, pages)));
    assert_eq!(stats(&second), Some((pages, 0)));
    assert_eq!(first.diagnostics, uncached.diagnostics);
    assert_eq!(second.diagnostics, uncached.diagnostics);
    assert_eq!(second.summary, uncached.summary);

    options.output = Some(tmp.path().join("cached"));
    let built = ladder::build(&options).unwrap();
    assert_eq!(stats(&built), Some((pages, 0)));
    options.parse_cache = false;
    options.output = Some(tmp.path().join("uncached"));
    ladder::build(&options).unwrap();
    assert_eq!(
        harness::snapshot(&tmp.path().join("cached")),
        harness::snapshot(&tmp.path().join("uncached"))
    );
}
