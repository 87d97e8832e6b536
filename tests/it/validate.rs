//! One fixture per rule: the exact diagnostics it must produce, and look-alikes in the
//! same fixture that must stay quiet (a lint that cries wolf gets switched off).

use ladder::{Error, Severity};

use crate::harness::{
    check, check_fixture, check_well_formed, diag_lines, fixture, helps, lines_for, page_paths,
    spans, try_check,
};

const GENERIC_PATH_HELP: &str =
    "check the spelling against the page's permalink, or remove the link if the page is gone";
const GENERIC_ANCHOR_HELP: &str =
    "link to one of the page's heading ids, or add `<a id=\"…\"></a>` where the link should land";

// ---------------------------------------------------------------- broken-link

#[test]
fn broken_link_reports_root_relative_relative_and_internal_host_links() {
    let outcome = check_fixture("broken_link");
    let p = "content/job-families/eng/backend.md";
    assert_eq!(
        diag_lines(&outcome),
        [
            format!(
                "{p}:5:20: error[broken-link] link to `/job-families/eng/frontnd/` leads to no page or file of this site"
            ),
            format!(
                "{p}:6:26: error[broken-link] link to `../sales/` leads to no page or file of this site (it resolves to `/job-families/eng/sales/`)"
            ),
            format!(
                "{p}:7:28: error[broken-link] link to `https://handbook.example.com/job-families/eng/missing/` leads to no page or file of this site (it resolves to `/job-families/eng/missing/`)"
            ),
            format!(
                "{p}:8:18: error[broken-link] link to `/job-families/backend/` leads to no page or file of this site"
            ),
            format!(
                "{p}:9:35: error[broken-link] link to `/job-families/eng/nope/` leads to no page or file of this site"
            ),
        ]
    );
    // The span is the destination text; columns count chars (“Café” → are multi-byte).
    assert_eq!(
        spans(&outcome),
        [
            "5:20-5:46",
            "6:26-6:35",
            "7:28-7:82",
            "8:18-8:40",
            "9:35-9:58"
        ]
    );
    assert_eq!(
        helps(&outcome),
        [
            GENERIC_PATH_HELP,
            GENERIC_PATH_HELP,
            GENERIC_PATH_HELP,
            "a page with that name is at `/job-families/eng/backend/`",
            GENERIC_PATH_HELP,
        ]
    );
    assert_eq!(outcome.summary.errors, 5);
}

#[test]
fn broken_link_tolerates_what_a_static_server_serves() {
    // Lines 11–15 of backend.md: no trailing slash, index.html, .html suffix, generated
    // folder indexes, an asset beside the pages, `/`, mailto:, external https, `../x/`
    // and a working link through the internal host. frontend.md links back relatively.
    let outcome = check_fixture("broken_link");
    let late: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.line > 9)
        .map(crate::harness::diag_line)
        .collect();
    assert!(late.is_empty(), "look-alikes reported: {late:#?}");
    assert!(lines_for(&outcome, "content/job-families/eng/frontend.md").is_empty());
    assert_eq!(outcome.summary.unchecked_links, 0);
    // Only `https://example.org/careers/` is external: the internal host is not, and
    // mailto: is neither.
    assert_eq!(outcome.summary.external_links, 1);
}

// ---------------------------------------------------------------- broken-anchor

#[test]
fn broken_anchor_on_the_same_page_another_page_and_with_the_wrong_case() {
    let outcome = check_fixture("broken_anchor");
    let p = "content/docs/roles.md";
    assert_eq!(
        diag_lines(&outcome),
        [
            format!(
                "{p}:18:13: error[broken-anchor] `#missing` matches no heading or anchor on this page"
            ),
            format!(
                "{p}:18:31: error[broken-anchor] `#Levels` matches no heading or anchor on this page"
            ),
            format!(
                "{p}:18:48: error[broken-anchor] `#nope` matches no heading or anchor on `/docs/other/`"
            ),
        ]
    );
    assert_eq!(
        spans(&outcome),
        ["18:13-18:21", "18:31-18:38", "18:48-18:65"]
    );
    assert_eq!(
        helps(&outcome),
        [
            GENERIC_ANCHOR_HELP,
            "ids are case-sensitive: did you mean `#levels`?",
            GENERIC_ANCHOR_HELP,
        ]
    );
}

#[test]
fn broken_anchor_accepts_every_kind_of_real_anchor() {
    // Lines 20–22: a heading slug, a percent-encoded `#caf%C3%A9` for "Café", `#`,
    // `#top`, `{#job-grade}`, `<a id>`, `<a name>` (case kept), `#requirements-1` for
    // the repeated heading, and fragments on another page (root-relative and relative).
    let outcome = check_fixture("broken_anchor");
    let late: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.line != 18)
        .map(crate::harness::diag_line)
        .collect();
    assert!(late.is_empty(), "look-alikes reported: {late:#?}");
    let roles = outcome
        .site
        .pages
        .iter()
        .find(|p| p.url == "/docs/roles/")
        .expect("roles page");
    let ids: Vec<&str> = roles.parsed.markdown.anchors().map(|a| a.id).collect();
    assert_eq!(
        ids,
        [
            "café",
            "levels",
            "requirements",
            "requirements-1",
            "job-grade",
            "legacy-anchor",
            "OldName"
        ]
    );
}

// ---------------------------------------------------------------- unknown-path

#[test]
fn unknown_path_is_info_when_known_paths_are_configured() {
    let outcome = check_fixture("unknown_path");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/job-families/eng.md:6:12: info[unknown-path] `/handbook/valeus/` is outside this site and not among the 2 known paths in `site-paths.txt`"
        ]
    );
    assert_eq!(spans(&outcome), ["6:12-6:29"]);
    assert_eq!(
        helps(&outcome),
        ["check the path; if the page exists, add it to the known-paths file"]
    );
    assert_eq!(outcome.diagnostics[0].severity, Severity::Info);
    assert_eq!(
        (
            outcome.summary.errors,
            outcome.summary.warnings,
            outcome.summary.infos
        ),
        (0, 0, 1)
    );
    // `/handbook/values/` and `/company/culture` (slash added) are known; a fragment on
    // a known path cannot be verified, so it is counted as unchecked.
    assert_eq!(outcome.summary.unchecked_links, 1);
}

#[test]
fn links_outside_the_site_are_counted_as_unchecked_without_known_paths() {
    let outcome = check_fixture("unchecked_links");
    assert_eq!(diag_lines(&outcome), Vec::<String>::new());
    assert_eq!(outcome.summary.unchecked_links, 3);
    assert_eq!(outcome.summary.external_links, 1);
}

// ---------------------------------------------------------------- front-matter

#[test]
fn front_matter_damage_is_reported_at_the_right_place() {
    let outcome = check_fixture("front_matter");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/glued.md:2:14: error[front-matter] the closing `---` of the front matter is not on its own line",
            "content/invalid_yaml.md:3:14: error[front-matter] invalid YAML in front matter: mapping values are not allowed in this context",
            "content/lenient.md:3:14: warning[front-matter] invalid YAML in front matter: invalid indentation in quoted scalar; lenient parsers accept this, strict YAML parsers reject it",
            "content/missing_title.md:1:1: error[front-matter] front matter has no `title`",
            "content/no_front_matter.md:1:1: error[front-matter] the page has no front matter and no `# heading`, so it has no title",
            "content/no_opening.md:1:1: error[front-matter] front matter has no opening `---`: the file starts with `key: value` lines that end at a `---` line",
            "content/title_list.md:2:1: error[front-matter] `title` must be text, found a list",
            "content/unterminated.md:1:1: error[front-matter] front matter opened with `---` on line 1 is never closed",
        ]
    );
    assert_eq!(
        spans(&outcome),
        [
            "2:14-2:17",
            "3:14-3:14",
            "3:14-3:14",
            "1:1-1:4",
            "1:1-1:1",
            "1:1-1:18",
            "2:1-2:23",
            "1:1-1:4",
        ]
    );
    assert_eq!(
        helps(&outcome),
        [
            "put `---` alone on a line, with nothing before or after it",
            "fix the YAML syntax; quote values that contain `: ` or start with a special character",
            "indent the continuation line by two spaces, or keep the value on one line",
            "add `title: \"…\"`: it is the page's heading, its <title> and its name in folder listings",
            "start the file with front matter: a line `---`, `title: \"…\"`, and a line `---`",
            "add a line `---` above line 1 (the closing `---` is on line 3)",
            "write `title: \"…\"` with one quoted value",
            "add a line `---` after the last front-matter key",
        ]
    );
}

#[test]
fn front_matter_damage_never_loses_a_page_and_recovers_what_it_can() {
    let outcome = check_fixture("front_matter");
    assert_eq!(outcome.summary.pages, 11);
    assert_eq!(outcome.site.pages.len(), 11);
    let title = |path: &str| {
        outcome
            .site
            .pages
            .iter()
            .find(|p| p.parsed.source.path == path)
            .map(|p| p.title().to_string())
            .unwrap_or_else(|| panic!("no page {path}"))
    };
    assert_eq!(title("content/glued.md"), "Glued");
    assert_eq!(title("content/no_opening.md"), "No Opening");
    assert_eq!(title("content/lenient.md"), "Lenient");
    assert_eq!(title("content/quiet_dashes.md"), "Before --- after");
    assert_eq!(title("content/quiet_toml.md"), "TOML front matter");
    assert_eq!(title("content/quiet_prose.md"), "Prose page");
    let lenient = outcome
        .site
        .pages
        .iter()
        .find(|p| p.parsed.source.path == "content/lenient.md")
        .expect("lenient page");
    assert_eq!(
        lenient.parsed.front_matter.description.as_deref(),
        Some("first part second part")
    );
}

#[test]
fn front_matter_look_alikes_stay_quiet() {
    let outcome = check_fixture("front_matter");
    for quiet in [
        "content/quiet_dashes.md",
        "content/quiet_prose.md",
        "content/quiet_toml.md",
    ] {
        assert_eq!(lines_for(&outcome, quiet), Vec::<String>::new(), "{quiet}");
    }
}

#[test]
fn front_matter_glued_closing_delimiter_before_a_thematic_break() {
    let outcome = check_fixture("front_matter_glued_rule");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/page.md:2:14: error[front-matter] the closing `---` of the front matter is not on its own line"
        ]
    );
    let page = &outcome.site.pages[0];
    assert_eq!(page.title(), "Glued");
    assert!(page.parsed.html("").unwrap().contains("Some text."));
}

// ---------------------------------------------------------------- encoding

#[test]
fn encoding_error_skips_only_that_page_and_mojibake_is_a_warning() {
    let raw = std::fs::read(fixture("encoding").join("content/latin1.md")).unwrap();
    assert!(
        String::from_utf8(raw).is_err(),
        "fixture content/latin1.md must stay Latin-1 (not UTF-8); was it re-saved?"
    );
    let outcome = check_fixture("encoding");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/latin1.md:2:11: error[encoding] the file is not UTF-8: byte 0xE9 at offset 14 is invalid",
            "content/mojibake.md:5:7: warning[encoding] `â€™` looks like UTF-8 decoded as Windows-1252; it should read `’`",
        ]
    );
    assert_eq!(spans(&outcome), ["2:11-2:11", "5:7-5:10"]);
    assert_eq!(
        helps(&outcome),
        [
            "re-save the file as UTF-8; the page was skipped",
            "replace `â€™` with `’`"
        ]
    );
    assert_eq!(outcome.summary.pages, 3);
    assert_eq!(
        page_paths(&outcome),
        ["content/good.md", "content/mojibake.md"]
    );
}

#[test]
fn encoding_accents_before_punctuation_are_not_mojibake() {
    let outcome = check_fixture("encoding_lookalikes");
    assert_eq!(diag_lines(&outcome), Vec::<String>::new());
}

// ---------------------------------------------------------------- unsupported-syntax

#[test]
fn unsupported_syntax_warns_about_erb_but_not_about_toc_markers() {
    let outcome = check_fixture("unsupported_syntax");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/erb.md:7:1: warning[unsupported-syntax] ERB partial `<%= partial(\"includes/hiring\") %>` is not supported; its text is missing from the page"
        ]
    );
    assert_eq!(spans(&outcome), ["7:1-7:34"]);
    assert_eq!(helps(&outcome), ["paste the partial's text into this page"]);
    // `- TOC` + `{:toc}`, `{:.no_toc}` and `{: .alert}` are applied, silently.
    assert!(lines_for(&outcome, "content/kramdown.md").is_empty());
}

// ---------------------------------------------------------------- heading-skip

#[test]
fn heading_skip_from_h2_to_h4_but_not_step_by_step() {
    let outcome = check_fixture("heading_skip");
    assert_eq!(
        diag_lines(&outcome),
        ["content/skip.md:7:1: warning[heading-skip] heading level jumps from h2 to h4 at `Deep`"]
    );
    assert_eq!(spans(&outcome), ["7:1-7:10"]);
    assert_eq!(
        helps(&outcome),
        [
            "use ### here (one level below `Role`), so screen readers and the table of contents keep the structure"
        ]
    );
    // steps.md: ## → ### → #### → ## is fine.
    assert!(lines_for(&outcome, "content/steps.md").is_empty());
}

// ---------------------------------------------------------------- duplicate-anchor

#[test]
fn duplicate_anchor_for_two_explicit_ids_but_not_for_repeated_headings() {
    let outcome = check_fixture("duplicate_anchor");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/dup.md:9:8: warning[duplicate-anchor] id `same` is defined twice on this page (first on line 5)"
        ]
    );
    assert_eq!(spans(&outcome), ["9:8-9:12"]);
    assert_eq!(
        helps(&outcome),
        ["give this element another id; links to `#…` land on the first one only"]
    );
    assert!(lines_for(&outcome, "content/repeated.md").is_empty());
}

// ---------------------------------------------------------------- duplicate-permalink

#[test]
fn duplicate_permalink_from_file_layout_and_from_front_matter() {
    let outcome = check_fixture("duplicate_permalink");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/a/b/index.md:1:1: error[duplicate-permalink] `content/a/b.md` and `content/a/b/index.md` both have the permalink `/a/b/`; only `content/a/b.md` is written",
            "content/y/two.md:3:1: error[duplicate-permalink] `content/x/one.md` and `content/y/two.md` both have the permalink `/x/one/`; only `content/x/one.md` is written",
        ]
    );
    assert_eq!(spans(&outcome), ["1:1-1:1", "3:1-3:19"]);
    assert!(
        helps(&outcome)
            .iter()
            .all(|h| h == "move or rename one of the files, or give one a different `permalink`")
    );
    // The losers are left out of the site; a page above a folder (`c.md` + `c/d.md`)
    // and a free front-matter permalink are fine.
    assert_eq!(outcome.summary.pages, 7);
    assert_eq!(
        page_paths(&outcome),
        [
            "content/a/b.md",
            "content/c.md",
            "content/c/d.md",
            "content/x/one.md",
            "content/z/moved.md"
        ]
    );
    let urls: Vec<&str> = outcome.site.pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(urls, ["/a/b/", "/c/", "/c/d/", "/x/one/", "/z/elsewhere/"]);
}

// ---------------------------------------------------------------- unsafe-permalink

#[test]
fn unsafe_permalink_is_refused_and_the_source_path_is_used() {
    let outcome = check_fixture("unsafe_permalink");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/job-families/x/page.md:3:1: error[unsafe-permalink] permalink `../../escape/` is refused: it contains a `..` segment, which could point outside the site; the page is served at `/job-families/x/page/` instead"
        ]
    );
    assert_eq!(spans(&outcome), ["3:1-3:27"]);
    assert_eq!(
        helps(&outcome),
        ["use a path inside the site, such as `/job-families/department/family/`"]
    );
    let urls: Vec<(&str, &str)> = outcome
        .site
        .pages
        .iter()
        .map(|p| (p.parsed.source.path.as_str(), p.url.as_str()))
        .collect();
    assert_eq!(
        urls,
        [
            ("content/job-families/x/page.md", "/job-families/x/page/"),
            ("content/job-families/y.md", "/job-families/safe/"),
            ("content/job-families/z.md", "/job-families/canonical/"),
        ]
    );
}

// ---------------------------------------------------------------- empty-page

#[test]
fn empty_page_with_front_matter_only_or_an_empty_file() {
    let outcome = check_fixture("empty_page");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/blank.md:1:1: warning[empty-page] the file is empty",
            "content/empty.md:1:1: warning[empty-page] the page has front matter but no content",
        ]
    );
    assert_eq!(spans(&outcome), ["1:1-1:1", "1:1-1:1"]);
    assert!(
        helps(&outcome)
            .iter()
            .all(|h| h == "write the page's content below the front matter, or delete the file")
    );
    // One line of text, or only a heading, is content.
    assert!(lines_for(&outcome, "content/short.md").is_empty());
    assert!(lines_for(&outcome, "content/heading_only.md").is_empty());
}

// ---------------------------------------------------------------- [rules] and order

#[test]
fn rules_config_turns_a_rule_off_and_changes_a_severity() {
    let outcome = check_fixture("rules_config");
    // heading-skip = "off" drops `## Role` → `#### Deep`; broken-link = "warning".
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/page.md:9:8: warning[broken-link] link to `/page/missing/` leads to no page or file of this site"
        ]
    );
    assert_eq!((outcome.summary.errors, outcome.summary.warnings), (0, 1));
}

#[test]
fn unknown_rule_in_config_is_a_config_error() {
    let dir = crate::harness::copy_fixture("rules_config");
    std::fs::write(
        dir.path().join("ladder.toml"),
        "[rules]\nbroken-links = \"off\"\n",
    )
    .unwrap();
    match try_check(dir.path()) {
        Err(Error::Config { message, .. }) => {
            assert!(message.contains("unknown rule `broken-links`"), "{message}")
        }
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn diagnostics_are_sorted_by_path_line_column_rule() {
    let outcome = check_fixture("sorting");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/a.md:1:1: warning[empty-page] the page has front matter but no content",
            "content/a.md:1:1: error[front-matter] front matter has no `title`",
            "content/b.md:9:1: warning[heading-skip] heading level jumps from h2 to h4 at `Skip y x`",
            "content/b.md:9:15: error[broken-link] link to `/b/gone/` leads to no page or file of this site",
            "content/b.md:9:29: error[broken-anchor] `#nope` matches no heading or anchor on this page",
        ]
    );
}

#[test]
fn every_fixture_reports_in_sorted_order_with_site_relative_paths() {
    for name in [
        "broken_anchor",
        "broken_link",
        "duplicate_anchor",
        "duplicate_permalink",
        "empty_page",
        "encoding",
        "front_matter",
        "heading_skip",
        "sorting",
        "unknown_path",
        "unsafe_permalink",
        "unsupported_syntax",
    ] {
        check_well_formed(name);
    }
}

#[test]
fn clean_site_has_no_diagnostics() {
    let outcome = check(&fixture("clean_site"));
    assert_eq!(diag_lines(&outcome), Vec::<String>::new());
    assert_eq!(outcome.summary.pages, 3);
    assert_eq!(outcome.files_written, 0);
}

// ---------------------------------------------------------------- base URL, CRLF, config

#[test]
fn absolute_links_to_the_base_url_host_are_internal_with_the_base_path_stripped() {
    let outcome = check_fixture("base_url_links");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/job-families/eng.md:6:10: error[broken-link] link to `https://group.gitlab.io/handbook/job-families/nope/` leads to no page or file of this site (it resolves to `/job-families/nope/`)"
        ]
    );
    assert_eq!(spans(&outcome), ["6:10-6:61"]);
    // `https://group.gitlab.io/other/` is on the site's host but outside its base path.
    assert_eq!(outcome.summary.unchecked_links, 1);
    assert_eq!(outcome.summary.external_links, 0);
}

#[test]
fn crlf_line_endings_give_the_same_positions() {
    let lf = check_fixture("broken_anchor");
    let dir = crate::harness::copy_fixture("broken_anchor");
    for name in ["roles.md", "other.md"] {
        let path = dir.path().join("content/docs").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace('\n', "\r\n")).unwrap();
    }
    let crlf = check(dir.path());
    assert_eq!(diag_lines(&crlf), diag_lines(&lf));
    assert_eq!(spans(&crlf), spans(&lf));
}

#[test]
fn missing_known_paths_file_is_an_io_error() {
    let dir = crate::harness::copy_fixture("unknown_path");
    std::fs::remove_file(dir.path().join("site-paths.txt")).unwrap();
    match try_check(dir.path()) {
        Err(Error::Io { action, path, .. }) => {
            assert_eq!(action, "cannot read known paths");
            assert!(path.ends_with("site-paths.txt"), "{}", path.display());
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
}

#[test]
fn link_span_is_the_destination_even_when_the_title_repeats_it() {
    let outcome = check_fixture("link_span_title");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/titled-links.md:5:17: error[broken-link] link to `/titled-links/gone/` leads to no page or file of this site"
        ]
    );
    assert_eq!(spans(&outcome), ["5:17-5:36"]);
}
