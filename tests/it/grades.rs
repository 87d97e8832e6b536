//! Job families: how levels and grades are read from real page shapes, and the nine
//! job-family rules (`src/validate/grades.rs`). Each rule has a fixture with the exact
//! findings, and look-alikes that must stay quiet. Quiet look-alikes are also checked to
//! have been *read* (as levels with grades), so that silence is the rule's judgement and
//! not a level the extraction never saw.

use ladder::Outcome;
use ladder::model::ladder::{GradeSource, JobFamily};
use ladder::model::scale::{Grade, Track};

use crate::harness::{
    check, check_fixture, check_well_formed, copy_fixture, diag_lines, fixture, helps, lines_for,
    run_ladder, spans,
};

/// The job family whose page is `path` (`content/...`).
fn family<'a>(outcome: &'a Outcome, path: &str) -> &'a JobFamily {
    outcome
        .site
        .families
        .iter()
        .find(|f| outcome.site.pages[f.page].parsed.source.path == path)
        .unwrap_or_else(|| {
            let all: Vec<&str> = outcome
                .site
                .families
                .iter()
                .map(|f| outcome.site.pages[f.page].parsed.source.path.as_str())
                .collect();
            panic!("`{path}` is not a job family; families: {all:#?}")
        })
}

/// Source paths of every job family, in site order.
fn family_paths(outcome: &Outcome) -> Vec<String> {
    outcome
        .site
        .families
        .iter()
        .map(|f| outcome.site.pages[f.page].parsed.source.path.clone())
        .collect()
}

/// The levels of the family at `path`, one line each:
/// `Title = grade (source) @line #anchor`, with `-` for no grade or source.
fn levels(outcome: &Outcome, path: &str) -> Vec<String> {
    let f = family(outcome, path);
    let file = &outcome.site.pages[f.page].parsed.source;
    f.levels
        .iter()
        .map(|l| {
            let source = match l.source {
                Some(GradeSource::Prose) => "prose",
                Some(GradeSource::FrontMatter) => "front_matter",
                Some(GradeSource::Table) => "table",
                None => "-",
            };
            format!(
                "{} = {} ({source}) @{} #{}",
                l.title,
                l.grade.map_or_else(|| "-".to_string(), |g| g.to_string()),
                file.position(l.title_span.start).line,
                l.anchor
            )
        })
        .collect()
}

/// The diagnostics of one rule, as `diag_lines` formats them.
fn only(outcome: &Outcome, rule: &str) -> Vec<String> {
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule.code() == rule)
        .map(crate::harness::diag_line)
        .collect()
}

const NONE: [&str; 0] = [];

// ---------------------------------------------------------------- extraction

#[test]
fn extraction_fixture_reads_every_shape_without_a_finding() {
    let outcome = check_fixture("grades_extraction");
    assert_eq!(diag_lines(&outcome), NONE);
    assert_eq!(outcome.site.families.len(), 9);
}

#[test]
fn nested_job_grade_sections_and_a_grade_in_the_second_paragraph() {
    let outcome = check_fixture("grades_extraction");
    // `### Senior X` + `#### Job Grade`, the level's own `#### Responsibilities` after it,
    // and a Job Grade section whose first paragraph describes the level and whose second
    // gives the grade.
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/engineering/widget-engineer.md"
        ),
        [
            "Intermediate Widget Engineer = 6 (prose) @17 #intermediate-widget-engineer",
            "Senior Widget Engineer = 7 (prose) @23 #senior-widget-engineer",
            "Staff Widget Engineer = 8 (prose) @33 #staff-widget-engineer",
        ]
    );
    let f = family(
        &outcome,
        "content/job-families/engineering/widget-engineer.md",
    );
    assert_eq!(f.title, "Widget Engineer");
    assert_eq!(f.department, "engineering");
    let staff = f.levels[2].statement.as_ref().expect("a statement");
    assert_eq!(
        staff.role.as_ref().map(|r| r.0.as_str()),
        Some("Staff Widget Engineer")
    );
    assert_eq!(staff.text, "The Staff Widget Engineer is a grade 8.");
}

#[test]
fn prefixed_job_grade_headings_name_their_level() {
    let outcome = check_fixture("grades_extraction");
    // `#### Intermediate X Job Grade` under `### Intermediate X` belongs to that heading;
    // `### Senior X Job Grade` with no such heading is a level of its own.
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/engineering/widget-tester.md"
        ),
        [
            "Intermediate Widget Tester = 6 (prose) @17 #intermediate-widget-tester",
            "Senior Widget Tester = 7 (prose) @23 #senior-widget-tester-job-grade",
        ]
    );
}

#[test]
fn flat_job_grade_headings_belong_to_the_heading_before_them() {
    let outcome = check_fixture("grades_extraction");
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/operations/widget-operator.md"
        ),
        [
            "Intermediate Widget Operator = 6 (prose) @17 #intermediate-widget-operator",
            "Senior Widget Operator = 7 (prose) @25 #senior-widget-operator",
        ]
    );
}

#[test]
fn a_grade_sentence_directly_under_a_repeated_heading() {
    let outcome = check_fixture("grades_extraction");
    // `## Stock Clerk` / `### Stock Clerk` / "The Stock Clerk is a grade 6.": one level,
    // anchored at the outer heading.
    assert_eq!(
        levels(&outcome, "content/job-families/operations/stockroom.md"),
        [
            "Stock Clerk = 6 (prose) @17 #stock-clerk",
            "Senior Stock Clerk = 7 (prose) @23 #senior-stock-clerk",
        ]
    );
}

#[test]
fn job_grade_near_the_top_of_a_single_level_page_is_the_page_itself() {
    let outcome = check_fixture("grades_extraction");
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/engineering/widget-historian.md"
        ),
        ["Widget Historian = 7 (prose) @5 #job-grade"]
    );
}

#[test]
fn grade_tables_when_the_page_has_no_job_grade_section() {
    let outcome = check_fixture("grades_extraction");
    // The header row (`| Level | Grade |`) and the separator are not levels; the anchor
    // comes from the title cell's link.
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/operations/widget-inspector.md"
        ),
        [
            "Intermediate Widget Inspector = 6 (table) @19 #intermediate-widget-inspector",
            "Senior = 7 (table) @20 #senior",
        ]
    );
}

#[test]
fn grade_sentences_in_every_link_form() {
    let outcome = check_fixture("grades_extraction");
    // `[grade 6](…)`, `[7](…)`, `Grade #8`, `grade 9` (no link), `job grade [level 11](…)`.
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/engineering/widget-architect.md"
        ),
        [
            "Intermediate Widget Architect = 6 (prose) @17 #intermediate-widget-architect",
            "Senior Widget Architect = 7 (prose) @23 #senior-widget-architect",
            "Staff Widget Architect = 8 (prose) @29 #staff-widget-architect",
            "Principal Widget Architect = 9 (prose) @35 #principal-widget-architect",
            "Senior Distinguished Widget Architect = 11 (prose) @41 #senior-distinguished-widget-architect",
        ]
    );
    // The grade's span is the number itself, inside the link text.
    let f = family(
        &outcome,
        "content/job-families/engineering/widget-architect.md",
    );
    let text = &outcome.site.pages[f.page].parsed.source.text();
    let numbers: Vec<&str> = f
        .levels
        .iter()
        .map(|l| &text[l.grade_span.clone().expect("a grade span")])
        .collect();
    assert_eq!(numbers, ["6", "7", "8", "9", "11"]);
}

#[test]
fn front_matter_grade_on_a_single_level_page() {
    let outcome = check_fixture("grades_extraction");
    // No heading names the level: it links to the page itself (empty anchor).
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/operations/principal-widget-curator.md"
        ),
        ["Principal Widget Curator = 9 (front_matter) @4 #"]
    );
}

#[test]
fn front_matter_levels_with_a_track_settle_the_track_of_a_manager_title() {
    let outcome = check_fixture("grades_extraction");
    let path = "content/job-families/engineering/widget-manager.md";
    // Front matter wins; the matching prose headings give the anchors.
    assert_eq!(
        levels(&outcome, path),
        [
            "Widget Manager = 8 (front_matter) @5 #widget-manager",
            "Senior Widget Manager = 9 (front_matter) @8 #senior-widget-manager",
        ]
    );
    let f = family(&outcome, path);
    let scale = outcome
        .site
        .scales
        .for_path("job-families/engineering/x.md");
    let manager = &f.levels[0];
    assert_eq!(manager.track, Some(Track::Management));
    let guess = manager.rank(scale);
    assert_eq!(guess.track, Some(Track::Management));
    assert_eq!(
        guess.readings,
        [(Track::Management, "Manager".to_string(), Grade(80))]
    );
    let senior = f.levels[1].rank(scale);
    assert_eq!(
        senior.readings,
        [(Track::Management, "Senior Manager".to_string(), Grade(90))]
    );
    // Without the track, the same title is ambiguous: an IC role noun or a manager.
    let bare = ladder::model::ladder::guess_rank("Widget Manager", scale);
    assert_eq!(bare.track, None);
    assert_eq!(bare.readings.len(), 2);
}

// ---------------------------------------------------------------- grade-missing

#[test]
fn grade_missing_on_an_ungraded_sibling_level_and_on_a_family_without_grades() {
    let outcome = check_fixture("grades_missing");
    let e = "content/job-families/engineering";
    assert_eq!(
        diag_lines(&outcome),
        [
            format!(
                "{e}/widget-engineer.md:29:1: error[grade-missing] level `Junior Widget Engineer` has no job grade"
            ),
            format!(
                "{e}/widget-historian.md:2:1: error[grade-missing] job family `Widget Historian` has no job grade"
            ),
        ]
    );
    // A level's span is its heading; a family's is its `title:` line.
    assert_eq!(spans(&outcome), ["29:1-29:27", "2:1-2:26"]);
    assert_eq!(
        helps(&outcome),
        [
            "add a Job Grade section under it: \"The Junior Widget Engineer is a grade N.\"",
            "add a `## Job Grade` section (\"The Widget Historian is a grade N.\"), or `grade: N` in the front matter",
        ]
    );
}

#[test]
fn grade_missing_look_alikes_stay_quiet() {
    let outcome = check_fixture("grades_missing");
    let e = "content/job-families/engineering";
    // The intern's section says on purpose that it has no grade; the Associate level
    // says it was deprecated; `#### Widget Performance` under `### Specialties` sits
    // beside a graded specialty but is a specialty, not a level.
    assert_eq!(
        levels(&outcome, &format!("{e}/widget-engineer.md")),
        [
            "Widget Intern = - (-) @19 #widget-intern",
            "Junior Widget Engineer = - (-) @29 #junior-widget-engineer",
            "Intermediate Widget Engineer = 6 (prose) @33 #intermediate-widget-engineer",
            "Senior Widget Engineer = 7 (prose) @39 #senior-widget-engineer",
            "Widget Security Engineer = 7 (prose) @47 #widget-security-engineer",
        ]
    );
    let intern = &family(&outcome, &format!("{e}/widget-engineer.md")).levels[0];
    assert!(intern.statement.as_ref().is_some_and(|s| s.declined));
    // `## Widget Tester` repeats the family title: an intro, not a level.
    assert_eq!(
        levels(&outcome, &format!("{e}/widget-tester.md")),
        [
            "Intermediate Widget Tester = 6 (prose) @18 #intermediate-widget-tester",
            "Senior Widget Tester = 7 (prose) @24 #senior-widget-tester",
        ]
    );
    // `## Widget Operators at Acme` is above `## Levels`: it introduces the family.
    assert_eq!(
        levels(&outcome, &format!("{e}/widget-operator.md")),
        [
            "Intermediate Widget Operator = 6 (prose) @21 #intermediate-widget-operator",
            "Senior Widget Operator = 7 (prose) @27 #senior-widget-operator",
        ]
    );
    // A guide under job-families/ without a grade or the layout is not a job family.
    assert_eq!(
        family_paths(&outcome),
        [
            format!("{e}/widget-engineer.md"),
            format!("{e}/widget-historian.md"),
            format!("{e}/widget-operator.md"),
            format!("{e}/widget-tester.md"),
        ]
    );
    assert!(
        family(&outcome, &format!("{e}/widget-historian.md"))
            .levels
            .is_empty()
    );
    for quiet in [
        "widget-tester.md",
        "widget-operator.md",
        "interviewing-widget-engineers.md",
    ] {
        assert_eq!(
            lines_for(&outcome, &format!("{e}/{quiet}")),
            NONE,
            "{quiet}"
        );
    }
}

// ---------------------------------------------------------------- grade-unparsed

#[test]
fn grade_unparsed_on_a_template_sentence_and_an_empty_section() {
    let outcome = check_fixture("grades_unparsed");
    let p = "content/job-families/engineering/widget-engineer.md";
    assert_eq!(
        diag_lines(&outcome),
        [
            format!(
                "{p}:27:1: error[grade-unparsed] the Job Grade section of `Senior Widget Engineer` gives no readable grade: `The {{Title}} is a grade {{Grade}}.`"
            ),
            format!(
                "{p}:32:1: error[grade-unparsed] the Job Grade section of `Staff Widget Engineer` is empty"
            ),
        ]
    );
    // The span is the section's text (empty for an empty section, where text would go).
    assert_eq!(spans(&outcome), ["27:1-27:32", "32:1-32:1"]);
    assert_eq!(
        helps(&outcome),
        [
            "write the grade as a number: \"The Senior Widget Engineer is a grade N.\"",
            "write the grade as a number: \"The Staff Widget Engineer is a grade N.\"",
        ]
    );
}

#[test]
fn grade_unparsed_ignores_a_pointer_to_the_grades_page() {
    let outcome = check_fixture("grades_unparsed");
    // `### Job Grades` / "Read more about grades [here](/x/)." follows `### Professional
    // Experience`: neither becomes a level.
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/engineering/widget-engineer.md"
        ),
        [
            "Intermediate Widget Engineer = 6 (prose) @17 #intermediate-widget-engineer",
            "Senior Widget Engineer = - (-) @23 #senior-widget-engineer",
            "Staff Widget Engineer = - (-) @29 #staff-widget-engineer",
        ]
    );
}

// ---------------------------------------------------------------- grade-unknown

#[test]
fn grade_unknown_on_the_default_scale() {
    let outcome = check_fixture("grades_unknown");
    let p = "content/job-families/engineering/widget-engineer.md";
    let scale = "4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15";
    assert_eq!(
        diag_lines(&outcome),
        [
            format!(
                "{p}:27:39: error[grade-unknown] grade 13 of `Senior Widget Engineer` is not on the grade scale ({scale})"
            ),
            format!(
                "{p}:33:34: error[grade-unknown] grade 9.5 of `Widget Architect` is not on the grade scale ({scale})"
            ),
        ]
    );
    // The span is the number, also inside a link's text.
    assert_eq!(spans(&outcome), ["27:39-27:41", "33:34-33:37"]);
    assert_eq!(
        helps(&outcome),
        ["use a grade from the scale, or add it to [grades] in ladder.toml"; 2]
    );
    // A handbook page outside job-families/ that talks about grade 13 is not a family.
    assert_eq!(family_paths(&outcome), [p]);
}

#[test]
fn grade_unknown_follows_the_configured_scale_and_folder_scales() {
    let outcome = check_fixture("grades_scale_config");
    // `other = [9.5]` adds 9.5; the sales folder adds 13 (and has no rank checks), so only
    // 13 outside sales is unknown, and the message lists the configured scale.
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/job-families/engineering/widget-engineer.md:27:38: error[grade-unknown] grade 13 of `Staff Widget Engineer` is not on the grade scale (4, 5, 6, 7, 8, 9, 9.5, 10, 11, 12, 14, 15)"
        ]
    );
    assert_eq!(spans(&outcome), ["27:38-27:40"]);
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/engineering/widget-engineer.md"
        )[2],
        "Widget Architect = 9.5 (prose) @29 #widget-architect"
    );
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/sales/widget-account-executive.md"
        ),
        [
            "Widget Account Executive = 9.5 (prose) @17 #widget-account-executive",
            "Senior Widget Account Executive = 13 (prose) @23 #senior-widget-account-executive",
        ]
    );
}

// ---------------------------------------------------------------- grade-rank

#[test]
fn grade_rank_warns_when_no_reading_of_the_title_gives_the_grade() {
    let outcome = check_fixture("grades_rank");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/job-families/engineering/widget-engineer.md:21:40: warning[grade-rank] `Intern, Widget Engineer` is grade 5, but on the scale Intern (individual contributor) is 4"
        ]
    );
    assert_eq!(spans(&outcome), ["21:40-21:41"]);
    assert_eq!(
        helps(&outcome),
        ["correct the grade, or the title if the level is another rank"]
    );
    assert_eq!(outcome.summary.warnings, 1);
    assert_eq!(outcome.summary.errors, 0);
}

#[test]
fn grade_rank_look_alikes_stay_quiet() {
    let outcome = check_fixture("grades_rank");
    let j = "content/job-families";
    // "Senior Program Manager": a senior IC (7) or a senior manager (9)? Never judged,
    // whatever the grade.
    assert_eq!(
        levels(
            &outcome,
            &format!("{j}/operations/widget-program-manager.md")
        ),
        [
            "Widget Program Manager = 6 (prose) @17 #widget-program-manager",
            "Senior Widget Program Manager = 8 (prose) @23 #senior-widget-program-manager",
            "Senior Program Manager, Launches = 7 (prose) @29 #senior-program-manager-launches",
        ]
    );
    // Sales uses another table: no rank checks there by default.
    assert_eq!(
        levels(&outcome, &format!("{j}/sales/widget-account-executive.md"))[1],
        "Senior Widget Account Executive = 6 (prose) @23 #senior-widget-account-executive"
    );
    // An officer is C-level only with "Chief"; "to the CEO" qualifies the role.
    assert_eq!(
        levels(&outcome, &format!("{j}/finance/accounting.md"))[1],
        "Principal Accounting Officer = 12 (prose) @23 #principal-accounting-officer"
    );
    assert_eq!(
        levels(&outcome, &format!("{j}/people/executive-assistant.md"))[1],
        "Staff Executive Assistant to the CEO = 8 (prose) @23 #staff-executive-assistant-to-the-ceo"
    );
    for quiet in [
        "operations/widget-program-manager.md",
        "sales/widget-account-executive.md",
        "finance/accounting.md",
        "people/executive-assistant.md",
    ] {
        assert_eq!(
            lines_for(&outcome, &format!("{j}/{quiet}")),
            NONE,
            "{quiet}"
        );
    }
}

#[test]
fn grade_rank_does_not_judge_a_title_whose_only_rank_word_is_in_its_qualifier() {
    // "Executive Assistant" at 7 is quiet: a title without a level word is not judged
    // ("no level word means intermediate" is not used). "Executive Assistant to the CEO"
    // has no level word of its own either ("to the CEO" qualifies the role), so it must
    // be quiet at 7 too. Today `has_rank_word` sees "CEO" in the qualifier and the level
    // is judged against the Intermediate reading (6).
    let outcome = check_fixture("grades_rank_qualifier");
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/people/executive-assistant.md"
        ),
        [
            "Executive Assistant = 6 (prose) @17 #executive-assistant",
            "Executive Assistant to the CEO = 7 (prose) @23 #executive-assistant-to-the-ceo",
        ]
    );
    assert_eq!(diag_lines(&outcome), NONE);
}

// ---------------------------------------------------------------- grade-order

#[test]
fn grade_order_fires_on_a_senior_rank_graded_below_a_junior_one() {
    let outcome = check_fixture("grades_order");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/job-families/engineering/widget-engineer.md:33:38: error[grade-order] `Staff Widget Engineer` (Staff) is grade 7, below `Senior Widget Engineer` (Senior) at grade 8, though its rank is higher"
        ]
    );
    assert_eq!(spans(&outcome), ["33:38-33:39"]);
    assert_eq!(
        helps(&outcome),
        ["a more senior level should have a grade at least as high: correct one of the grades"]
    );
}

#[test]
fn grade_order_keeps_tracks_and_roles_apart() {
    let outcome = check_fixture("grades_order");
    let j = "content/job-families";
    // An IC ladder then a management ladder: Principal (9) before Manager (8) is fine.
    assert_eq!(
        levels(&outcome, &format!("{j}/engineering/widget-reliability.md"))
            .iter()
            .map(|l| l.split(" (").next().unwrap_or_default())
            .collect::<Vec<_>>(),
        [
            "Senior Widget Reliability Engineer = 7",
            "Staff Widget Reliability Engineer = 8",
            "Principal Widget Reliability Engineer = 9",
            "Manager, Widget Reliability = 8",
            "Senior Manager, Widget Reliability = 9",
            "Director, Widget Reliability = 10",
        ]
    );
    // Two roles in one family: a Senior Analyst (6) is not above an Intermediate Category
    // Specialist (7) or Manager (7) on one ladder.
    assert_eq!(
        levels(&outcome, &format!("{j}/sales/merchandising.md"))
            .iter()
            .map(|l| l.split(" (").next().unwrap_or_default())
            .collect::<Vec<_>>(),
        [
            "Senior Analyst = 6",
            "Intermediate Category Manager = 7",
            "Intermediate Category Specialist = 7",
        ]
    );
    assert_eq!(
        lines_for(&outcome, &format!("{j}/engineering/widget-reliability.md")),
        NONE
    );
    assert_eq!(
        lines_for(&outcome, &format!("{j}/sales/merchandising.md")),
        NONE
    );
}

#[test]
fn grade_order_and_grade_rank_both_report_an_inverted_pair() {
    // The fixture switches grade-rank off; without its ladder.toml, both levels of the
    // inverted pair also disagree with the scale (sales keeps its rank checks off).
    let dir = copy_fixture("grades_order");
    std::fs::remove_file(dir.path().join("ladder.toml")).expect("remove ladder.toml");
    let outcome = check(dir.path());
    let p = "content/job-families/engineering/widget-engineer.md";
    assert_eq!(
        diag_lines(&outcome),
        [
            format!(
                "{p}:27:39: warning[grade-rank] `Senior Widget Engineer` is grade 8, but on the scale Senior (individual contributor) is 7"
            ),
            format!(
                "{p}:33:38: error[grade-order] `Staff Widget Engineer` (Staff) is grade 7, below `Senior Widget Engineer` (Senior) at grade 8, though its rank is higher"
            ),
            format!(
                "{p}:33:38: warning[grade-rank] `Staff Widget Engineer` is grade 7, but on the scale Staff (individual contributor) is 8"
            ),
        ]
    );
}

// ---------------------------------------------------------------- grade-title

#[test]
fn grade_title_fires_on_a_sentence_naming_another_level_or_role() {
    let outcome = check_fixture("grades_title");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/job-families/customer-success/customer-success.md:27:5: warning[grade-title] the grade sentence names `Senior Customer Success Manager`, but the level is `Senior Customer Success Engineer` (another role: no `engineer`)",
            // The seeds' pattern: the Staff level's sentence names the bare role.
            "content/job-families/engineering/widget-analyst.md:33:5: warning[grade-title] the grade sentence names `Widget Analyst`, but the level is `Staff Widget Analyst` (no level word instead of staff)",
        ]
    );
    // The span is the role the sentence names.
    assert_eq!(spans(&outcome), ["27:5-27:36", "33:5-33:19"]);
    assert_eq!(
        helps(&outcome),
        [
            "write \"The Senior Customer Success Engineer is a grade 7.\", or check that the grade belongs to this level",
            "write \"The Staff Widget Analyst is a grade 8.\", or check that the grade belongs to this level",
        ]
    );
}

#[test]
fn grade_title_look_alikes_stay_quiet() {
    let outcome = check_fixture("grades_title");
    let j = "content/job-families";
    // Every look-alike is read as a level, with the role its sentence names.
    let roles = |path: &str| -> Vec<(String, String)> {
        family(&outcome, path)
            .levels
            .iter()
            .map(|l| {
                let role = l
                    .statement
                    .as_ref()
                    .and_then(|s| s.role.as_ref())
                    .map(|r| r.0.clone())
                    .unwrap_or_default();
                (l.title.clone(), role)
            })
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        roles(&format!("{j}/security/security.md")),
        pairs(&[
            ("Manager, Red Team", "Red Team Manager"),
            ("Senior Manager, Security", "Senior Security Manager"),
        ])
    );
    assert_eq!(
        roles(&format!("{j}/customer-success/customer-success.md")),
        pairs(&[
            ("Senior Customer Success Manager", "Senior CSM"),
            (
                "Senior Customer Success Engineer",
                "Senior Customer Success Manager"
            ),
            ("Widget Solutions Partner", "Widget Solutions Parnter"),
            ("Widget Onboarding Coordinator", "role"),
        ])
    );
    assert_eq!(
        roles(&format!("{j}/engineering/widget-analyst.md"))[0],
        (
            "Intermediate Widget Analyst".to_string(),
            "Widget Analyst".to_string()
        )
    );
    // Of the customer-success levels, only the one naming another role fires.
    assert_eq!(
        lines_for(&outcome, &format!("{j}/security/security.md")),
        NONE
    );
    assert_eq!(
        lines_for(
            &outcome,
            &format!("{j}/customer-success/customer-success.md")
        )
        .len(),
        1
    );
    assert_eq!(only(&outcome, "grade-title").len(), 2);
}

// ---------------------------------------------------------------- level-duplicate

#[test]
fn level_duplicate_fires_on_the_second_of_two_levels_with_one_title() {
    let outcome = check_fixture("grades_duplicate");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/job-families/engineering/widget-engineer.md:29:1: error[level-duplicate] level `Senior Widget Engineer` appears twice in this job family (first on line 23)"
        ]
    );
    assert_eq!(spans(&outcome), ["29:1-29:27"]);
    assert_eq!(
        helps(&outcome),
        ["merge the two sections, or rename one if they are different levels"]
    );
}

#[test]
fn level_duplicate_look_alikes_stay_quiet() {
    let outcome = check_fixture("grades_duplicate");
    // An IC ("Community Programs Manager") and a people manager ("Manager, Community
    // Programs") are two levels; the intro heading repeating the first is neither.
    assert_eq!(
        levels(
            &outcome,
            "content/job-families/marketing/community-programs.md"
        ),
        [
            "Community Programs Manager = 7 (prose) @17 #community-programs-manager-1",
            "Manager, Community Programs = 8 (prose) @23 #manager-community-programs",
        ]
    );
    assert_eq!(
        lines_for(
            &outcome,
            "content/job-families/marketing/community-programs.md"
        ),
        NONE
    );
}

// ---------------------------------------------------------------- grade-conflict

#[test]
fn grade_conflict_between_front_matter_and_prose_and_between_families() {
    let outcome = check_fixture("grades_conflict");
    assert_eq!(
        diag_lines(&outcome),
        [
            // `grade:` on a single-level page against its `## Job Grade` sentence.
            "content/job-families/engineering/widget-archivist.md:8:33: error[grade-conflict] the Job Grade section says grade 8, but the front matter gives `Widget Archivist` grade 7",
            // Points at the prose grade, which front matter overrides.
            "content/job-families/engineering/widget-engineer.md:32:39: error[grade-conflict] the Job Grade section says grade 8, but the front matter gives `Senior Widget Engineer` grade 7",
            // Reported on the later family, naming the first.
            "content/job-families/operations/widget-operations.md:27:40: error[grade-conflict] `Widget Release Engineer` is grade 7 here but grade 6 in `content/job-families/engineering/widget-platform.md` (line 23)",
        ]
    );
    assert_eq!(spans(&outcome), ["8:33-8:34", "32:39-32:40", "27:40-27:41"]);
    assert_eq!(
        helps(&outcome),
        [
            "front matter wins: correct the sentence, or the front matter",
            "front matter wins: correct the sentence, or the front matter",
            "one title should have one grade: correct one of them, or make the titles distinct",
        ]
    );
}

#[test]
fn grade_conflict_look_alikes_stay_quiet() {
    let outcome = check_fixture("grades_conflict");
    let j = "content/job-families";
    // Front matter wins and the levels keep their headings' anchors; Intermediate agrees.
    assert_eq!(
        levels(&outcome, &format!("{j}/engineering/widget-engineer.md")),
        [
            "Intermediate Widget Engineer = 6 (front_matter) @5 #intermediate-widget-engineer",
            "Senior Widget Engineer = 7 (front_matter) @7 #senior-widget-engineer",
        ]
    );
    // "Widget Tester" is 6 in both families; "Manager, Widget Support" (8) and "Widget
    // Support Manager" (7) are different titles.
    assert_eq!(
        levels(&outcome, &format!("{j}/engineering/widget-platform.md"))
            .iter()
            .map(|l| l.split(" (").next().unwrap_or_default())
            .collect::<Vec<_>>(),
        [
            "Widget Tester = 6",
            "Widget Release Engineer = 6",
            "Manager, Widget Support = 8"
        ]
    );
    assert_eq!(
        levels(&outcome, &format!("{j}/operations/widget-operations.md"))
            .iter()
            .map(|l| l.split(" (").next().unwrap_or_default())
            .collect::<Vec<_>>(),
        [
            "Widget Tester = 6",
            "Widget Release Engineer = 7",
            "Widget Support Manager = 7"
        ]
    );
    // Titles that are only a rank ("Senior") are not compared across families: sales
    // grades its Senior at 6, inspection at 7.
    assert_eq!(
        levels(&outcome, &format!("{j}/operations/widget-inspection.md"))[1],
        "Senior = 7 (table) @20 #senior"
    );
    assert_eq!(
        levels(&outcome, &format!("{j}/sales/widget-sales.md"))[1],
        "Senior = 6 (table) @20 #senior"
    );
    for quiet in [
        "engineering/widget-platform.md",
        "operations/widget-inspection.md",
        "sales/widget-sales.md",
    ] {
        assert_eq!(
            lines_for(&outcome, &format!("{j}/{quiet}")),
            NONE,
            "{quiet}"
        );
    }
    // The single-level page keeps its front-matter grade, anchored at `## Job Grade`.
    assert_eq!(
        levels(&outcome, &format!("{j}/engineering/widget-archivist.md")),
        ["Widget Archivist = 7 (front_matter) @4 #job-grade"]
    );
    assert_eq!(only(&outcome, "grade-conflict").len(), 3);
}

// ---------------------------------------------------------------- section-missing

#[test]
fn section_missing_lists_every_missing_section_in_one_finding() {
    let outcome = check_fixture("grades_sections");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/job-families/engineering/widget-engineer.md:2:1: warning[section-missing] job family `Widget Engineer` has no Performance Indicators or KPIs, Hiring Process or Interview Process sections"
        ]
    );
    assert_eq!(spans(&outcome), ["2:1-2:25"]);
    assert_eq!(
        helps(&outcome),
        [
            "add the missing sections (a heading per section), or change [families] sections in ladder.toml"
        ]
    );
    // "Senior X Responsibilities", "Performance Indicator", "Interview Process", "KPIs",
    // a typo ("Responsbilities") and a `### Job Grade` without `## Levels` all count.
    assert_eq!(family_paths(&outcome).len(), 3);
}

#[test]
fn section_missing_follows_the_configured_sections() {
    let outcome = check_fixture("grades_sections_config");
    // `sections = ["Responsibilities"]`: a family with only that section is complete, one
    // with everything else is not.
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/job-families/engineering/widget-tester.md:2:1: warning[section-missing] job family `Widget Tester` has no Responsibilities section"
        ]
    );
    assert_eq!(family_paths(&outcome).len(), 2);
}

// ---------------------------------------------------------------- all of them

#[test]
fn grade_fixtures_report_in_sorted_order_with_site_relative_paths() {
    for name in [
        "grades_conflict",
        "grades_duplicate",
        "grades_missing",
        "grades_order",
        "grades_rank",
        "grades_scale_config",
        "grades_sections",
        "grades_sections_config",
        "grades_title",
        "grades_unknown",
        "grades_unparsed",
    ] {
        let outcome = check_well_formed(name);
        for d in &outcome.diagnostics {
            assert!(d.path.starts_with("content/job-families/"), "{name}: {d:?}");
            // Only job-family rules fire in these fixtures.
            assert!(
                [
                    "grade-missing",
                    "grade-unparsed",
                    "grade-unknown",
                    "grade-rank",
                    "grade-order",
                    "grade-title",
                    "level-duplicate",
                    "grade-conflict",
                    "section-missing",
                ]
                .contains(&d.rule.code()),
                "{name}: {d:?}"
            );
        }
    }
}

#[test]
fn grade_rules_can_be_switched_off_and_their_severity_changed() {
    let dir = copy_fixture("grades_missing");
    std::fs::write(
        dir.path().join("ladder.toml"),
        "[rules]\ngrade-missing = \"warning\"\n",
    )
    .expect("write ladder.toml");
    let outcome = check(dir.path());
    assert_eq!(outcome.summary.errors, 0);
    assert_eq!(outcome.summary.warnings, 2);
    std::fs::write(
        dir.path().join("ladder.toml"),
        "[rules]\ngrade-missing = \"off\"\n",
    )
    .expect("write ladder.toml");
    assert_eq!(diag_lines(&check(dir.path())), NONE);
}

#[test]
fn the_binary_exits_by_the_severity_of_grade_findings() {
    // grade-rank is a warning: exit 0, unless warnings are denied.
    let root = fixture("grades_rank");
    let run = run_ladder(["check", "--root", root.to_str().expect("UTF-8 path")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("warning[grade-rank]"), "{}", run.stdout);
    let run = run_ladder([
        "check",
        "--root",
        root.to_str().expect("UTF-8 path"),
        "--deny-warnings",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    // grade-unknown is an error: exit 1.
    let root = fixture("grades_unknown");
    let run = run_ladder(["check", "--root", root.to_str().expect("UTF-8 path")]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("error[grade-unknown]"),
        "{}",
        run.stdout
    );
}
