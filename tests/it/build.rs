//! `ladder::build`: files on disk, URLs, escaping, theme overrides, and the safety of
//! the output directory. Every build runs on a scratch copy of a fixture.

use std::path::Path;

use ladder::{Error, Options};

use crate::harness::{build, copy_dir, copy_fixture, entries, fixture, read, snapshot};

/// Builds a copy of `name` into `<tmp>/public`; returns the temp dir and the outcome.
fn build_copy(name: &str) -> (tempfile::TempDir, ladder::Outcome) {
    let dir = copy_fixture(name);
    let outcome = build(dir.path(), &dir.path().join("public"))
        .unwrap_or_else(|e| panic!("build {name}: {e}"));
    (dir, outcome)
}

fn html_files(out: &Path) -> Vec<(String, String)> {
    snapshot(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") || p.ends_with(".xml"))
        .map(|(p, b)| (p, String::from_utf8(b).expect("HTML is UTF-8")))
        .collect()
}

#[test]
fn pages_folder_indexes_generated_files_assets_and_static_are_written() {
    let (dir, outcome) = build_copy("build_site");
    let out = dir.path().join("public");
    let files = snapshot(&out);
    let paths: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "404.html",
            "features/index.html",
            "index.html",
            "ladder.json",
            "one/diagram.png",
            "one/index.html",
            "one/page/index.html",
            "robots.txt",
            "sitemap.xml",
            "style.css",
            "three/index.html",
            "three/page/index.html",
            "two/index.html",
            "two/page/chart.png",
            "two/page/index.html",
        ]
    );
    assert_eq!(outcome.files_written, files.len());
    // a/b.md, a/b/index.html.md and a/b/_index.md all become a/b/index.html.
    assert!(read(&out, "one/page/index.html").contains("A page from <code>one/page.md</code>"));
    assert!(
        read(&out, "two/page/index.html")
            .contains("A page from <code>two/page/index.html.md</code>")
    );
    assert!(
        read(&out, "three/page/index.html")
            .contains("A page from <code>three/page/_index.md</code>")
    );
    // Generated folder index lists the page below it.
    let one = read(&out, "one/index.html");
    assert!(one.contains("href=\"/one/page/\""), "{one}");
    assert!(one.contains("One page"), "{one}");
    // Assets and static files are copied byte for byte.
    let src = dir.path().join("content");
    assert_eq!(
        files["one/diagram.png"],
        std::fs::read(src.join("one/diagram.png")).unwrap()
    );
    assert_eq!(
        files["two/page/chart.png"],
        std::fs::read(src.join("two/page/chart.png")).unwrap()
    );
    assert_eq!(files["robots.txt"], b"User-agent: *\n");
    // The relative image beside an index page resolves where it was copied.
    assert!(read(&out, "two/page/index.html").contains("src=\"chart.png\""));
    assert!(read(&out, "sitemap.xml").contains("<loc>/one/page/</loc>"));
    // The checker agrees: only the ERB warning.
    assert_eq!(
        crate::harness::diag_lines(&outcome),
        [
            "content/features.md:13:1: warning[unsupported-syntax] ERB partial `<%= partial(\"includes/hiring\") %>` is not supported; its text is missing from the page"
        ]
    );
}

#[test]
fn root_relative_links_and_stylesheet_without_a_base_url() {
    let (dir, _) = build_copy("build_site");
    let html = read(&dir.path().join("public"), "features/index.html");
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/style.css\">"));
    assert!(html.contains("<a href=\"/one/page/\">one</a>"), "{html}");
    assert!(html.contains("<a href=\"/two/page/\">two</a>"), "{html}");
    assert!(html.contains("src=\"/one/diagram.png\""), "{html}");
}

#[test]
fn base_url_with_a_sub_path_is_applied_exactly_once() {
    let dir = copy_fixture("build_site");
    let out = dir.path().join("public");
    ladder::build(&Options {
        root: dir.path().to_path_buf(),
        output: Some(out.clone()),
        base_url: Some("https://group.gitlab.io/handbook/".to_string()),
        ..Default::default()
    })
    .expect("build");
    let html = read(&out, "features/index.html");
    assert!(
        html.contains("<link rel=\"stylesheet\" href=\"/handbook/style.css\">"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/handbook/one/page/\">one</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/handbook/two/page/\">two</a>"),
        "{html}"
    );
    assert!(html.contains("src=\"/handbook/one/diagram.png\""), "{html}");
    assert!(html.contains("href=\"/handbook/\""), "{html}");
    // Same-page fragments are left alone.
    assert!(html.contains("href=\"#overview\""), "{html}");
    for (path, text) in html_files(&out) {
        assert!(
            !text.contains("/handbook/handbook"),
            "{path}: base path applied twice"
        );
    }
    let sitemap = read(&out, "sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://group.gitlab.io/handbook/one/page/</loc>"),
        "{sitemap}"
    );
    // The sub-path does not change where files go.
    assert!(out.join("one/page/index.html").is_file());
    assert!(!out.join("handbook").exists());
}

#[test]
fn front_matter_values_are_html_escaped() {
    let (dir, _) = build_copy("build_site");
    let out = dir.path().join("public");
    let html = read(&out, "features/index.html");
    assert!(
        html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"),
        "{html}"
    );
    assert!(
        html.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; · Build Fixture</title>"),
        "{html}"
    );
    assert!(
        html.contains("<meta name=\"description\" content=\"Fish &amp; &lt;chips&gt;\">"),
        "{html}"
    );
    // Nowhere raw: not on the page, not in the home page listing, not in the sitemap.
    for (path, text) in html_files(&out) {
        assert!(
            !text.contains("<script>alert(1)"),
            "{path} has a raw <script>"
        );
        assert!(!text.contains("<chips>"), "{path} has raw <chips>");
    }
    assert!(read(&out, "index.html").contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn headings_get_ids_and_anchor_links_toc_is_rendered_erb_is_dropped() {
    let (dir, _) = build_copy("build_site");
    let out = dir.path().join("public");
    let html = read(&out, "features/index.html");
    assert!(
        html.contains(
            "<h2 id=\"overview\">Overview <a class=\"anchor\" href=\"#overview\" aria-label=\"Link to this section\">#</a></h2>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<h2 id=\"requirements\">Requirements"),
        "{html}"
    );
    assert!(html.contains("<nav class=\"toc"), "{html}");
    assert!(
        html.contains("<li><a href=\"#requirements\">Requirements</a>"),
        "{html}"
    );
    // `- TOC` and `{:toc}` are replaced, not shown.
    assert!(!html.contains("<li>TOC"), "{html}");
    assert!(!html.contains("{:toc}"), "{html}");
    for (path, text) in html_files(&out) {
        assert!(!text.contains("<%"), "{path} has ERB");
        assert!(!text.contains("%>"), "{path} has ERB");
        assert!(!text.contains("partial("), "{path} has ERB");
    }
}

#[test]
fn site_template_overrides_the_built_in_one() {
    let (dir, _) = build_copy("template_override");
    let out = dir.path().join("public");
    let page = read(&out, "page/index.html");
    assert!(page.contains("<body class=\"fixture-override\">"), "{page}");
    assert!(page.contains("<title>Overridden</title>"), "{page}");
    assert!(page.contains("<p>Body text.</p>"), "{page}");
    // Templates that are not overridden stay built-in.
    let home = read(&out, "index.html");
    assert!(!home.contains("fixture-override"), "{home}");
    assert!(
        home.contains("<meta name=\"generator\" content=\"ladder\">"),
        "{home}"
    );
}

#[test]
fn duplicate_permalink_writes_the_first_page_only() {
    let (dir, _) = build_copy("duplicate_permalink");
    let out = dir.path().join("public");
    let b = read(&out, "a/b/index.html");
    assert!(b.contains("<h1>B page</h1>"), "{b}");
    assert!(!b.contains("B index"), "{b}");
    assert!(read(&out, "x/one/index.html").contains("<h1>One</h1>"));
    assert!(read(&out, "z/elsewhere/index.html").contains("<h1>Moved</h1>"));
    assert!(!out.join("z/moved").exists());
    assert!(!out.join("y/two").exists());
}

#[test]
fn unsafe_permalink_writes_nothing_outside_the_output_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture("unsafe_permalink"), &root);
    let out = root.join("public");
    let outcome = build(&root, &out).expect("build");
    assert_eq!(outcome.summary.errors, 1);
    assert!(!tmp.path().join("escape").exists());
    assert!(!root.join("escape").exists());
    assert!(!out.join("escape").exists());
    assert_eq!(entries(tmp.path()), ["site"]);
    assert_eq!(entries(&root), ["content", "public"]);
    // The page went to its source-derived path.
    let page = read(&out, "job-families/x/page/index.html");
    assert!(page.contains("<h1>Escape</h1>"), "{page}");
    assert!(out.join("job-families/safe/index.html").is_file());
    assert!(out.join("job-families/canonical/index.html").is_file());
}

/// Builds, then breaks `page.html` with `template` and builds again: the error is a
/// template error, the previous output is byte-identical and nothing is left beside it.
/// A build with `template` as the site's `page.html` fails with a template error whose
/// location ends with `at` (the file, and the line when known), and changes nothing.
fn failed_build_keeps_previous_output(template: &str, at: &str) {
    let dir = copy_fixture("build_site");
    let out = dir.path().join("public");
    build(dir.path(), &out).expect("first build");
    let before = snapshot(&out);
    let templates = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("page.html"), template).unwrap();
    match build(dir.path(), &out) {
        Err(Error::Template { template, message }) => {
            assert!(template.ends_with(at), "{template}: {message}")
        }
        other => panic!("expected a template error, got {other:?}"),
    }
    assert_eq!(snapshot(&out), before, "previous output changed");
    let leftovers: Vec<String> = entries(dir.path())
        .into_iter()
        .filter(|n| n.contains("ladder-staging") || n.contains("ladder-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(
        entries(dir.path()),
        ["content", "ladder.toml", "public", "static", "themes"]
    );
}

#[test]
fn failed_build_with_an_unparsable_template_leaves_previous_output_untouched() {
    failed_build_keeps_previous_output(
        "{% extends \"base.html\" %}{% block content %}{{ page.title ",
        "themes/default/templates/page.html",
    );
}

#[test]
fn failed_build_with_a_template_that_fails_to_render_leaves_previous_output_untouched() {
    failed_build_keeps_previous_output(
        "{% extends \"base.html\" %}\n{% block content %}\n<p>\n{{ page.no_such_key.x }}{% endblock content %}",
        "themes/default/templates/page.html:4",
    );
}

#[test]
fn build_refuses_to_replace_a_directory_that_is_not_a_ladder_build() {
    let dir = copy_fixture("clean_site");
    let out = dir.path().join("mine");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "keep me").unwrap();
    match build(dir.path(), &out) {
        Err(Error::Usage(message)) => {
            assert!(
                message.contains("does not look like a ladder build"),
                "{message}"
            )
        }
        other => panic!("expected a usage error, got {other:?}"),
    }
    assert_eq!(entries(&out), ["notes.txt"]);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn rebuilding_replaces_the_previous_output() {
    let dir = copy_fixture("clean_site");
    let out = dir.path().join("public");
    build(dir.path(), &out).expect("first build");
    let page = dir
        .path()
        .join("content/job-families/engineering/frontend.md");
    std::fs::remove_file(&page).unwrap();
    std::fs::write(
        dir.path()
            .join("content/job-families/engineering/backend.md"),
        "---\ntitle: Backend Engineer\n---\n\nRewritten.\n",
    )
    .unwrap();
    build(dir.path(), &out).expect("second build");
    assert!(!out.join("job-families/engineering/frontend").exists());
    assert!(read(&out, "job-families/engineering/backend/index.html").contains("Rewritten."));
    assert_eq!(entries(dir.path()), ["content", "ladder.toml", "public"]);
}

#[test]
fn a_page_with_permalink_404_html_is_the_sites_404_page() {
    let (dir, outcome) = build_copy("permalink_404");
    let written = read(&dir.path().join("public"), "404.html");
    assert!(written.contains("Our own not-found text."), "{written}");
    assert!(
        outcome
            .diagnostics
            .iter()
            .all(|d| d.path != "content/not-found.md"),
        "{:?}",
        outcome.diagnostics
    );
}

#[test]
fn base_url_from_ladder_toml_prefixes_root_relative_links_only() {
    let (dir, _) = build_copy("base_url_links");
    let html = read(&dir.path().join("public"), "job-families/eng/index.html");
    assert!(
        html.contains("<a href=\"/handbook/job-families/eng/\">root</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"https://group.gitlab.io/handbook/job-families/eng/\">ok</a>"),
        "{html}"
    );
    assert!(html.contains("href=\"/handbook/style.css\""), "{html}");
    assert!(!html.contains("/handbook/handbook"), "{html}");
}

#[test]
fn page_permalink_shadowing_a_generated_file_does_not_fail_the_build() {
    let dir = copy_fixture("permalink_sitemap");
    let outcome = build(dir.path(), &dir.path().join("public"))
        .expect("content problems are diagnostics, not tool failures");
    assert!(
        outcome
            .diagnostics
            .iter()
            .any(|d| d.path == "content/map.md"),
        "{:#?}",
        crate::harness::diag_lines(&outcome)
    );
    assert!(dir.path().join("public/sitemap.xml").is_file());
}

/// Every page file of the build at `output` (of the site at `root`, with `base_url`)
/// is byte for byte what rendering the finished model gives: the render stage's pages,
/// with no page rendered while parsing (what `ladder serve` renders).
fn assert_pages_are_rendered_from_the_model(root: &Path, output: &Path, base_url: Option<&str>) {
    use ladder::render::{Output, Theme, families::FamilyViews, render_outputs};
    let outcome = ladder::check(&Options {
        root: root.to_path_buf(),
        base_url: base_url.map(str::to_string),
        ..Default::default()
    })
    .expect("check");
    let site = &outcome.site;
    let theme = Theme::load(root, &site.config.theme).expect("theme");
    let views = FamilyViews::new(site);
    let pages: Vec<Output> = (0..site.pages.len()).map(Output::Page).collect();
    let files = render_outputs(site, &theme, "", &views, &pages).expect("render");
    assert_eq!(files.len(), site.pages.len());
    let built = snapshot(output);
    for file in files {
        let ladder::write::Contents::Bytes(bytes) = &file.contents else {
            panic!("{} is not rendered", file.path);
        };
        let on_disk = built
            .get(&file.path)
            .unwrap_or_else(|| panic!("{} was not written", file.path));
        assert!(
            on_disk == bytes,
            "{} in {} with base URL {base_url:?}: written\n{}\nrendered from the model\n{}",
            file.path,
            root.display(),
            String::from_utf8_lossy(on_disk),
            String::from_utf8_lossy(bytes)
        );
    }
}

/// How many of the built site's pages are folders' index pages (the home page
/// included): the pages a build renders after the model, not while parsing.
fn folder_pages(outcome: &ladder::Outcome) -> usize {
    let site = &outcome.site;
    site.pages
        .iter()
        .filter(|p| site.sections.contains_key(&p.url))
        .count()
}

/// A build renders most pages while parsing, before the model exists; each is what the
/// model renders, with and without a base path, on fixtures and on the example handbook.
/// The pages that are folders' index pages are rendered later, from their HTML kept in a
/// temporary file beside the output; nothing else is left there. The output's parent
/// does not exist before the build, which makes it.
#[test]
fn pages_rendered_while_parsing_are_the_pages_the_model_renders() {
    let handbook = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = copy_fixture("build_site");
    let views = copy_fixture("views_site");
    for (root, base_url) in [
        (fixture.path(), None),
        (fixture.path(), Some("https://group.gitlab.io/handbook/")),
        (views.path(), None),
        (handbook, None),
        (handbook, Some("https://example.org/careers/")),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("not-yet").join("public");
        let outcome = ladder::build(&Options {
            root: root.to_path_buf(),
            output: Some(output.clone()),
            base_url: base_url.map(str::to_string),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("build {}: {e}", root.display()));
        // Only folders' index pages (and the home page) wait for the model.
        let folders = folder_pages(&outcome);
        assert_eq!(
            outcome.rendered_early,
            Some(outcome.site.pages.len() - folders),
            "{}",
            root.display()
        );
        assert!(folders < outcome.site.pages.len());
        assert_pages_are_rendered_from_the_model(root, &output, base_url);
        // Nothing but the output is left beside it.
        assert_eq!(entries(&tmp.path().join("not-yet")), ["public"]);
    }
}

/// Through the parse cache, the pages parsed now are rendered while parsing, as without
/// it (in batches, the same way); pages the cache gives have no HTML and are rendered
/// from their files. Both builds write the same site.
#[test]
fn pages_parsed_through_the_parse_cache_are_rendered_while_parsing() {
    let dir = copy_fixture("views_site");
    let build_with_cache = |output: &Path| {
        ladder::build(&Options {
            root: dir.path().to_path_buf(),
            output: Some(output.to_path_buf()),
            parse_cache: true,
            ..Default::default()
        })
        .expect("build")
    };
    let first = dir.path().join("first");
    let outcome = build_with_cache(&first);
    assert_eq!(outcome.parse_cache.map(|c| c.reused), Some(0));
    let folders = folder_pages(&outcome);
    assert!(outcome.site.pages.len() > folders);
    assert_eq!(
        outcome.rendered_early,
        Some(outcome.site.pages.len() - folders)
    );
    let second = dir.path().join("second");
    let outcome = build_with_cache(&second);
    assert_eq!(
        outcome.parse_cache.map(|c| c.reused),
        Some(outcome.site.pages.len())
    );
    assert_eq!(outcome.rendered_early, Some(0));
    assert_eq!(snapshot(&first), snapshot(&second));
}

/// A site in a fresh folder: each (path below `content/`, text).
fn site_of(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = dir.path().join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A job-family page titled `title`, with two graded levels.
fn family_page(title: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nlayout: job_family_page\n---\nWhat a {title} does.\n\n## Levels\n\n### Intermediate {title}\n\n#### Job Grade\n\nThe Intermediate {title} is a grade 6.\n\n### Senior {title}\n\n#### Job Grade\n\nThe Senior {title} is a grade 7.\n"
    )
}

/// What a build foresees of the site while parsing can be wrong: a page's permalink
/// names a folder (its title is then the folder's, in breadcrumbs below it), another's
/// puts it below a page (which then lists it), and two pages have one permalink. Pages rendered with a context the site does not give them
/// are rendered again, and the first page of a permalink conflict wins; the output is
/// what the model renders. The others stay as rendered while parsing.
#[test]
fn pages_rendered_while_parsing_with_a_context_the_site_does_not_give_are_rendered_again() {
    let engineer = family_page("Widget Engineer");
    let dir = site_of(&[
        ("job-families/build/widget-engineer.md", &engineer),
        ("notes/field/visit.md", "---\ntitle: Visit\n---\nA visit.\n"),
        (
            "about.md",
            "---\ntitle: Field notes\npermalink: /notes/field/\n---\nAbout the notes.\n",
        ),
        ("a/one.md", "---\ntitle: One\n---\nThe first page.\n"),
        (
            "b/two.md",
            "---\ntitle: Two\npermalink: /a/one/\n---\nThe second page.\n",
        ),
        ("x.md", "---\ntitle: X\n---\nA page.\n"),
        (
            "y.md",
            "---\ntitle: Why\npermalink: /x/sub/\n---\nA page below x.\n",
        ),
    ]);
    let output = dir.path().join("public");
    let outcome = build(dir.path(), &output).expect("build");
    assert_pages_are_rendered_from_the_model(dir.path(), &output, None);

    let visit = read(&output, "notes/field/visit/index.html");
    assert!(visit.contains(">Field notes</a>"), "{visit}");
    let one = read(&output, "a/one/index.html");
    assert!(one.contains("<code>content/a/one.md</code>"), "{one}");
    assert!(!one.contains("The second page"), "{one}");
    // `x.md` became a folder's index page, which lists the page below it.
    let x = read(&output, "x/index.html");
    assert!(x.contains("href=\"/x/sub/\""), "{x}");
    // Pages: the family, the visit, the folder page `about.md`, `a/one.md` (`b/two.md`
    // lost the conflict), `x.md` and `y.md`. Only the family's page is kept as rendered
    // while parsing.
    assert_eq!(outcome.site.pages.len(), 6);
    assert_eq!(outcome.rendered_early, Some(1));
    let family = read(&output, "job-families/build/widget-engineer/index.html");
    assert!(
        family.contains("href=\"/job-families/grade-matrix/\""),
        "{family}"
    );
}

/// Job families outside `job-families/` put the grade matrix where a build does not
/// foresee it while parsing (here a page below `job-families/` makes it foresee it
/// there): every page links to it, so every page is rendered again.
#[test]
fn job_families_outside_job_families_are_rendered_again_with_their_grade_matrix() {
    let engineer = family_page("Widget Engineer");
    let recruiter = family_page("Widget Recruiter");
    let dir = site_of(&[
        ("roles/build/widget-engineer.md", &engineer),
        ("roles/people/widget-recruiter.md", &recruiter),
        (
            "job-families/readme.md",
            "---\ntitle: Not a family\n---\nNo levels here.\n",
        ),
    ]);
    let output = dir.path().join("public");
    let outcome = build(dir.path(), &output).expect("build");
    assert_pages_are_rendered_from_the_model(dir.path(), &output, None);
    let engineer = read(&output, "roles/build/widget-engineer/index.html");
    assert!(
        engineer.contains("href=\"/roles/grade-matrix/\""),
        "{engineer}"
    );
    assert!(
        !engineer.contains("/job-families/grade-matrix/"),
        "{engineer}"
    );
    assert_eq!(outcome.rendered_early, Some(0));
}

/// The built-in page lists h2–h4 headings not marked `{:.no_toc}` in its table of
/// contents (`page.toc_html`), in order, ids and titles escaped; `page.toc` still holds
/// the same entries for a theme that lays them out itself.
#[test]
fn table_of_contents_lists_h2_to_h4_in_order_escaped_in_both_forms() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        content.join("toc.md"),
        "---\ntitle: Contents\n---\n\n## Overview\n\ntext\n\n### Fish & Chips < 3 \"x\"\n\n\
         text\n\n## Hidden\n{:.no_toc}\n\n#### Four {#four-'q'}\n\n##### Five\n\ntext\n",
    )
    .unwrap();
    let out = dir.path().join("public");
    build(dir.path(), &out).expect("build");
    let page = read(&out, "toc/index.html");
    let toc_start = page
        .find("<nav class=\"page-toc\"")
        .expect("a table of contents");
    let toc = &page[toc_start..page[toc_start..].find("</nav>").unwrap() + toc_start];
    let items: Vec<&str> = toc
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("<li"))
        .collect();
    assert_eq!(
        items,
        [
            "<li class=\"toc-l2\"><a href=\"#overview\">Overview</a></li>",
            "<li class=\"toc-l3\"><a href=\"#fish--chips--3-x\">Fish &amp; Chips &lt; 3 &quot;x&quot;</a></li>",
            "<li class=\"toc-l4\"><a href=\"#four-&#x27;q&#x27;\">Four</a></li>",
        ],
        "{toc}"
    );
    // pulldown-cmark writes `'` as `&#39;`, the templates as `&#x27;`: the same id.
    for id in ["overview", "fish--chips--3-x", "four-&#39;q&#39;"] {
        assert!(
            page.contains(&format!(" id=\"{id}\"")),
            "no heading {id}: {page}"
        );
    }

    // The entries as data: a theme's own loop makes the same list.
    let templates = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("page.html"),
        "{% for e in page.toc %}<li class=\"toc-l{{ e.level }}\"><a href=\"#{{ e.id }}\">\
         {{ e.title }}</a></li>\n{% endfor %}",
    )
    .unwrap();
    build(dir.path(), &out).expect("build with the override");
    let looped = read(&out, "toc/index.html");
    assert_eq!(looped.lines().collect::<Vec<_>>(), items, "{looped}");
}
