//! Job-family rules: levels and job grades against the grade scale, and the sections a
//! job family needs. Precision first: a finding is made only when the page says
//! something unambiguous (a rank the title settles, a role the sentence names).
//!
//! | rule | fires on |
//! |---|---|
//! | `grade-missing` | a level (or a single-level family) without a job grade |
//! | `grade-unparsed` | a Job Grade section with no readable grade |
//! | `grade-unknown` | a grade the scale does not list |
//! | `grade-rank` | a grade no reading of the title's rank gives |
//! | `grade-order` | within one track, a more senior rank with a lower grade |
//! | `grade-title` | a grade sentence naming another level or role than its heading |
//! | `level-duplicate` | one level twice in a family |
//! | `grade-conflict` | front matter and prose disagree; one title, two grades across families |
//! | `section-missing` | a required section absent from a job family |

use foldhash::{HashMap, HashMapExt};

use rayon::prelude::*;
use std::cell::OnceCell;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Rule};
use crate::model::ladder::{
    JobFamily, Level, RankGuess, matched_ranks, significant_and_rank_words, significant_words,
};
use crate::model::scale::{Grade, Scale, Track, words};
use crate::model::{Page, Site};

/// Runs the per-family rules on one family.
pub fn check_family(site: &Site, family: &JobFamily, diags: &mut Vec<Diagnostic>) {
    check_family_graded(site, family, diags);
}

/// Runs the per-family rules on every family of `site` (in parallel), then
/// `grade-conflict` across families (one title, the same significant words in the same
/// order with at least one besides its rank, with different grades: reported on every
/// later family): the per-family findings in family order, then the conflicts in no
/// particular order. The same findings as [`check_family`] on each
/// family and [`ConflictIndex::new`], without filing titles into an index: the graded
/// titles are sorted by key in parallel and each run of one key is judged on its own.
pub fn check_families(site: &Site) -> Vec<Diagnostic> {
    let (per_family, graded): (Vec<Vec<Diagnostic>>, Vec<Keyed>) = site
        .families
        .par_iter()
        .map(|f| {
            let mut diags = Vec::new();
            let graded = check_family_graded(site, f, &mut diags);
            (diags, graded)
        })
        .unzip();
    let mut graded: Vec<(String, GradedTitle)> = graded.into_par_iter().flatten().collect();
    // By key, then in page and level order: the first of a run is the one the later
    // ones are compared with, as in the index's lists.
    graded.par_sort_unstable_by(|(a, x), (b, y)| {
        a.cmp(b)
            .then_with(|| (x.page, x.level).cmp(&(y.page, y.level)))
    });
    let found: Vec<Diagnostic> = graded
        .par_chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
        .flat_map_iter(|run| {
            let list: Vec<GradedTitle> = run.iter().map(|(_, t)| t.clone()).collect();
            conflicts(site, &list)
        })
        .collect();
    let mut out: Vec<Diagnostic> = per_family.into_iter().flatten().collect();
    out.extend(found);
    out
}

/// [`check_family`], returning the family's graded titles (see [`graded_title`]) with
/// their keys: the significant words of the title joined by one space (words hold no
/// spaces, so two keys are equal exactly when the words are).
fn check_family_graded(site: &Site, family: &JobFamily, diags: &mut Vec<Diagnostic>) -> Keyed {
    let page = &site.pages[family.page];
    let file = &page.parsed.source;
    let scale = site.scales.for_path(&file.rel_path);
    let title_span = page.parsed.title_line.clone();

    if family.levels.is_empty() {
        diags.push(
            Diagnostic::at(
                Rule::GradeMissing,
                file,
                title_span.clone(),
                format!("job family `{}` has no job grade", family.title),
                format!("add a `## Job Grade` section (\"The {} is a grade N.\"), or `grade: N` in the front matter", family.title),
            )
            .with_key(family.title.clone()),
        );
    }

    // Each level's significant words, read once for the rules below and the key, and its
    // rank, read from the first of them: only titles that name a rank ("Senior X", not
    // "X") are judged by it.
    let (words, ranks): (Vec<Vec<String>>, Vec<Option<RankGuess>>) = family
        .levels
        .iter()
        .map(|l| {
            let (words, rank_words) = significant_and_rank_words(&l.title);
            let rank = l.named_rank_of(&words[..rank_words], scale);
            (words, rank)
        })
        .unzip();
    let mut seen: HashMap<&[String], &Level> = HashMap::new();
    for ((level, rank), key) in family.levels.iter().zip(&ranks).zip(&words) {
        check_level(file, scale, level, key, rank.as_ref(), diags);
        // Word order matters here: "Community Programs Manager" (an IC) and "Manager,
        // Community Programs" (a people manager) are two levels of one family.
        if let Some(first) = seen.get(key.as_slice()) {
            diags.push(
                Diagnostic::at(
                    Rule::LevelDuplicate,
                    file,
                    level.title_span.clone(),
                    format!(
                        "level `{}` appears twice in this job family (first on line {})",
                        level.title,
                        file.position(first.title_span.start).line
                    ),
                    "merge the two sections, or rename one if they are different levels",
                )
                .with_key(level.title.clone()),
            );
        } else {
            seen.insert(key, level);
        }
    }
    check_order(file, scale, family, &ranks, &words, diags);
    check_sections(site, page, &title_span, diags);
    family
        .levels
        .iter()
        .zip(&words)
        .enumerate()
        .filter_map(|(i, (level, key))| {
            let title = graded_title(scale, family.page, i, level, key)?;
            Some((key.join(" "), title))
        })
        .collect()
}

/// The rules on one level, whose title's significant words are `words`; `rank` is its
/// rank when its title names one.
fn check_level(
    file: &crate::source::SourceFile,
    scale: &Scale,
    level: &Level,
    words: &[String],
    rank: Option<&RankGuess>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(grade) = level.grade else {
        match &level.statement {
            Some(st) if st.declined => {}
            Some(st) => diags.push(
                Diagnostic::at(
                    Rule::GradeUnparsed,
                    file,
                    st.span.clone(),
                    if st.text.is_empty() {
                        format!("the Job Grade section of `{}` is empty", level.title)
                    } else {
                        format!(
                            "the Job Grade section of `{}` gives no readable grade: `{}`",
                            level.title, st.text
                        )
                    },
                    format!(
                        "write the grade as a number: \"The {} is a grade N.\"",
                        level.title
                    ),
                )
                .with_key(level.title.clone()),
            ),
            None => diags.push(
                Diagnostic::at(
                    Rule::GradeMissing,
                    file,
                    level.title_span.clone(),
                    format!("level `{}` has no job grade", level.title),
                    format!(
                        "add a Job Grade section under it: \"The {} is a grade N.\"",
                        level.title
                    ),
                )
                .with_key(level.title.clone()),
            ),
        }
        return;
    };
    let grade_span = level
        .grade_span
        .clone()
        .unwrap_or_else(|| level.title_span.clone());
    if !scale.grades.contains(&grade) {
        let listed: Vec<String> = scale.grades.iter().map(Grade::to_string).collect();
        diags.push(
            Diagnostic::at(
                Rule::GradeUnknown,
                file,
                grade_span.clone(),
                format!(
                    "grade {grade} of `{}` is not on the grade scale ({})",
                    level.title,
                    listed.join(", ")
                ),
                "use a grade from the scale, or add it to [grades] in ladder.toml",
            )
            .with_key(format!("{}={grade}", level.title)),
        );
    } else if scale.check_rank
        && let Some(guess) = rank
    {
        // Only titles that settle their track: "Senior Program Manager" may be a senior
        // IC or a senior manager, and roles called "… Manager" are graded both ways.
        if guess.track.is_some()
            && !guess.readings.is_empty()
            && !guess.readings.iter().any(|r| r.2 == grade)
        {
            let said: Vec<String> = guess
                .readings
                .iter()
                .map(|(t, name, g)| format!("{name} ({}) is {g}", t.label()))
                .collect();
            diags.push(
                Diagnostic::at(
                    Rule::GradeRank,
                    file,
                    grade_span.clone(),
                    format!(
                        "`{}` is grade {grade}, but on the scale {}",
                        level.title,
                        said.join(" and ")
                    ),
                    "correct the grade, or the title if the level is another rank",
                )
                .with_key(format!("{}={grade}", level.title)),
            );
        }
    }
    if let Some(prose) = &level.prose
        && let Some((said, span)) = &prose.grade
        && *said != grade
    {
        diags.push(
            Diagnostic::at(
                Rule::GradeConflict,
                file,
                span.clone(),
                format!("the Job Grade section says grade {said}, but the front matter gives `{}` grade {grade}", level.title),
                "front matter wins: correct the sentence, or the front matter",
            )
            .with_key(format!("{}={said}", level.title)),
        );
    }
    if let Some(st) = &level.statement
        && let Some((role, span)) = &st.role
        && let Some(why) = role_mismatch_of(&level.title, words, role, scale)
    {
        diags.push(
            Diagnostic::at(
                Rule::GradeTitle,
                file,
                span.clone(),
                format!("the grade sentence names `{role}`, but the level is `{}` ({why})", level.title),
                format!("write \"The {} is a grade {grade}.\", or check that the grade belongs to this level", level.title),
            )
            .with_key(format!("{}|{role}", level.title)),
        );
    }
}

/// Why the role a grade sentence names is not the level's title, or `None` when it is
/// the same role. Ranks are compared by the grades of the rank phrases each names
/// ("Vice President (VP)" is one rank; "Junior" and "Associate" are both 5; no rank word
/// is Intermediate). The rest of the words must match as sets, allowing word order and
/// punctuation ("Manager, Red Team" / "Red Team Manager"), a qualifier on either side
/// ("Analyst" / "Analyst, Payroll"), an acronym ("CSM", "FP&A"), plurals and typos
/// ("Parnter"). Generic subjects ("The role is …") and plural family headings
/// ("Incubation Engineers") name no level and are not compared.
pub fn role_mismatch(title: &str, role: &str, scale: &Scale) -> Option<String> {
    role_mismatch_of(title, &significant_words(title), role, scale)
}

/// [`role_mismatch`] of a title whose significant words are `t`.
fn role_mismatch_of(title: &str, t: &[String], role: &str, scale: &Scale) -> Option<String> {
    const GENERIC: &[&str] = &[
        "role",
        "roles",
        "position",
        "positions",
        "this",
        "described",
        "below",
        "above",
        "job",
        "family",
        "level",
    ];
    // The sentence names the level as its heading does (the usual case).
    if role.trim() == title.trim() || role.contains('{') || role.split_whitespace().count() > 12 {
        return None;
    }
    // Generic words are left out of the role's nouns below, not before its ranks are
    // read: dropping them first could join two words into a rank the title lacks.
    let r = significant_words(role);
    if r.iter().all(|w| GENERIC.contains(&w.as_str())) {
        return None;
    }
    // "Manager" is part of many role nouns (Customer Success Manager = CSM), so it is
    // compared as a word, and "Senior Manager, Security" reads as "Senior" + "Security
    // Manager", like "Senior Security Manager". Other ranks count as ranks.
    let senior = scale
        .ranks()
        .iter()
        .find(|r| r.track == Track::IndividualContributor && r.name.eq_ignore_ascii_case("senior"));
    let ranks_of = |ws: &[String]| {
        let (ranks, mut used) = matched_ranks(ws, scale);
        let mut kept = Vec::new();
        for rank in ranks {
            let name = rank.name.to_ascii_lowercase();
            if name == "manager" || name == "senior manager" {
                if let Some(i) = ws.iter().position(|w| w == "manager") {
                    used[i] = false;
                }
                if name == "senior manager" {
                    kept.extend(senior);
                }
            } else {
                kept.push(rank);
            }
        }
        (kept, used)
    };
    let (t_ranks, t_used) = ranks_of(t);
    let (r_ranks, r_used) = ranks_of(&r);
    if t_ranks.is_empty()
        && t.last()
            .is_some_and(|w| w.ends_with('s') && !w.ends_with("ss"))
    {
        return None;
    }
    let grades = |ranks: &[&crate::model::scale::Rank]| {
        let mut g: Vec<Grade> = ranks
            .iter()
            .filter(|r| !r.name.eq_ignore_ascii_case("intermediate"))
            .map(|r| r.grade)
            .collect();
        g.sort();
        g.dedup();
        g
    };
    if grades(&t_ranks) != grades(&r_ranks) {
        let names = |ranks: &[&crate::model::scale::Rank]| {
            let v: Vec<String> = ranks
                .iter()
                .filter(|r| !r.name.eq_ignore_ascii_case("intermediate"))
                .map(|r| r.name.to_lowercase())
                .collect();
            if v.is_empty() {
                "no level word".to_string()
            } else {
                v.join(" ")
            }
        };
        return Some(format!(
            "{} instead of {}",
            names(&r_ranks),
            names(&t_ranks)
        ));
    }
    let nouns = |ws: &[String], used: &[bool]| -> Vec<String> {
        ws.iter()
            .zip(used)
            .filter(|(_, u)| !**u)
            .map(|(w, _)| w.clone())
            .collect()
    };
    let mut nr = nouns(&r, &r_used);
    nr.retain(|w| !GENERIC.contains(&w.as_str()));
    let nt = nouns(t, &t_used);
    let subset = |a: &[String], b: &[String]| a.iter().all(|w| b.iter().any(|x| same_word(w, x)));
    if subset(&nt, &nr) || subset(&nr, &nt) || acronym_of(&nt, &nr) || acronym_of(&nr, &nt) {
        return None;
    }
    let missing: Vec<&str> = nt
        .iter()
        .filter(|w| !nr.iter().any(|x| same_word(w, x)))
        .map(String::as_str)
        .collect();
    Some(format!("another role: no `{}`", missing.join(" ")))
}

/// Two words are the same word up to a plural `s` or a typo (one edit or transposition
/// in words of four or more letters, two in words of eight or more).
fn same_word(a: &str, b: &str) -> bool {
    if a == b || a.trim_end_matches('s') == b.trim_end_matches('s') {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    let len = la.min(lb);
    let allowed = if len >= 8 {
        2
    } else if len >= 4 {
        1
    } else {
        0
    };
    // The distance is at least the difference in length, and at least the bag distance
    // (letters one word has more of than the other): most pairs stop at one of them.
    allowed > 0
        && la.abs_diff(lb) <= allowed
        && bag_distance(a, b).is_none_or(|d| d <= allowed)
        && strsim::osa_distance(a, b) <= allowed
}

/// The bag distance of two ASCII words: the larger of the number of letters `a` has
/// more of than `b` and the other way round. A lower bound of their edit distance (with
/// or without transpositions), cheaper to compute; `None` when either is not ASCII.
fn bag_distance(a: &str, b: &str) -> Option<usize> {
    if !a.is_ascii() || !b.is_ascii() {
        return None;
    }
    let mut counts = [0i32; 128];
    for c in a.bytes() {
        counts[usize::from(c)] += 1;
    }
    for c in b.bytes() {
        counts[usize::from(c)] -= 1;
    }
    // Only the letters of the two words can have counts: each is summed once, then
    // cleared.
    let (mut more, mut fewer) = (0, 0);
    for c in a.bytes().chain(b.bytes()) {
        let n = std::mem::take(&mut counts[usize::from(c)]);
        if n > 0 {
            more += n;
        } else {
            fewer -= n;
        }
    }
    Some(more.max(fewer) as usize)
}

/// Whether some word of `short` is the initials of a run of words in `long` (`csm` ↔
/// customer success manager, `fp&a` ↔ financial planning analysis), and every other word
/// of `short` is in `long`.
fn acronym_of(short: &[String], long: &[String]) -> bool {
    let initials: String = long.iter().filter_map(|w| w.chars().next()).collect();
    let mut any = false;
    for w in short {
        if long.iter().any(|x| same_word(w, x)) {
            continue;
        }
        let letters: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
        if letters.len() >= 2 && initials.contains(letters.as_str()) {
            any = true;
        } else {
            return false;
        }
    }
    any
}

/// `grade-order`: within one track, a level whose rank is above another's but whose
/// grade is below it. Only titles whose track and rank are unambiguous take part.
/// `ranks` and `words` are the levels' ranks and significant words.
fn check_order(
    file: &crate::source::SourceFile,
    scale: &Scale,
    family: &JobFamily,
    ranks: &[Option<RankGuess>],
    words: &[Vec<String>],
    diags: &mut Vec<Diagnostic>,
) {
    let ranked: Vec<Ranked> = family
        .levels
        .iter()
        .zip(ranks)
        .zip(words)
        .filter_map(|((level, guess), words)| {
            let guess = guess.as_ref()?;
            // Only levels of one role ladder compare (a family may hold several roles).
            let track = guess.track?;
            match guess.readings.as_slice() {
                [(_, name, rank)] => Some(Ranked {
                    level,
                    track,
                    name,
                    rank: *rank,
                    grade: level.grade?,
                    words,
                    nouns: OnceCell::new(),
                }),
                _ => None,
            }
        })
        .collect();
    for (i, b) in ranked.iter().enumerate() {
        let junior_above = ranked[..i]
            .iter()
            .chain(ranked[i + 1..].iter())
            .filter(|a| {
                a.track == b.track
                    && a.rank < b.rank
                    && a.grade > b.grade
                    && a.nouns(scale) == b.nouns(scale)
            })
            .max_by_key(|a| a.grade);
        if let Some(a) = junior_above {
            let (name_a, grade_a, name_b, grade_b) = (a.name, a.grade, b.name, b.grade);
            let (a, b) = (a.level, b.level);
            diags.push(
                Diagnostic::at(
                    Rule::GradeOrder,
                    file,
                    b.grade_span.clone().unwrap_or_else(|| b.title_span.clone()),
                    format!(
                        "`{}` ({name_b}) is grade {grade_b}, below `{}` ({name_a}) at grade {grade_a}, though its rank is higher",
                        b.title, a.title
                    ),
                    "a more senior level should have a grade at least as high: correct one of the grades",
                )
                .with_key(format!("{}<{}", b.title, a.title)),
            );
        }
    }
}

/// A level that takes part in `grade-order`: its track, rank name and grade, its grade,
/// and its title's significant words, whose role nouns are read on first use (only pairs
/// of one track with the ranks and grades the wrong way round compare them).
struct Ranked<'l> {
    level: &'l Level,
    track: Track,
    name: &'l str,
    rank: Grade,
    grade: Grade,
    words: &'l [String],
    nouns: OnceCell<Vec<String>>,
}

impl Ranked<'_> {
    fn nouns(&self, scale: &Scale) -> &[String] {
        self.nouns.get_or_init(|| role_nouns(self.words, scale))
    }
}

/// The words of a title that are not rank words, sorted: the role, whatever its level.
/// `words` are the title's significant words.
fn role_nouns(words: &[String], scale: &Scale) -> Vec<String> {
    let mut nouns: Vec<String> = words
        .iter()
        .filter(|w| !scale.is_rank_word(w))
        .cloned()
        .collect();
    nouns.sort();
    nouns
}

/// Whether `text` has `words` as written (ASCII case aside) between word boundaries.
fn contains_words(text: &str, words: &str) -> bool {
    let words = words.trim();
    if words.is_empty() || words.len() > text.len() {
        return false;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '&';
    let (t, w) = (text.as_bytes(), words.as_bytes());
    // Only where the first byte matches (either ASCII case), found with memchr.
    let first = w[0];
    let starts = &t[..=t.len() - w.len()];
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        starts,
    )
    .any(|i| {
        t[i..i + w.len()].eq_ignore_ascii_case(w)
            && text.is_char_boundary(i)
            && text.is_char_boundary(i + w.len())
            && !text[..i].chars().next_back().is_some_and(is_word)
            && !text[i + w.len()..].chars().next().is_some_and(is_word)
    })
}

/// A page's headings' texts, for finding words in any of them at once.
struct HeadingsText<'h> {
    headings: Vec<&'h str>,
    /// The texts, each followed by `\n`: made when first needed.
    lines: OnceCell<String>,
}

impl<'h> HeadingsText<'h> {
    fn new(headings: impl Iterator<Item = &'h str>) -> Self {
        HeadingsText {
            headings: headings.collect(),
            lines: OnceCell::new(),
        }
    }

    /// Whether some heading has `words` as written (ASCII case aside) between word
    /// boundaries: [`contains_words`] of any of the headings. A heading that is just the
    /// words (most sections are found so) is looked for first; else [`contains_words`]
    /// searches all the headings' lines at once (a `\n` between them is no word char,
    /// and `words` spans none unless it has one: then each heading is searched).
    fn contain_words(&self, words: &str) -> bool {
        let words = words.trim();
        if words.is_empty() {
            return false;
        }
        if self.headings.iter().any(|h| h.eq_ignore_ascii_case(words)) {
            return true;
        }
        if words.contains('\n') {
            return self.headings.iter().any(|h| contains_words(h, words));
        }
        let lines = self.lines.get_or_init(|| {
            let mut lines = String::with_capacity(self.headings.iter().map(|h| h.len() + 1).sum());
            for h in &self.headings {
                lines.push_str(h);
                lines.push('\n');
            }
            lines
        });
        contains_words(lines, words)
    }
}

/// `section-missing`: the configured sections a job family lacks, in one finding.
fn check_sections(
    site: &Site,
    page: &Page,
    title_span: &Range<usize>,
    diags: &mut Vec<Diagnostic>,
) {
    // Words up to a plural `s` or a typo: "Performance Indicator" and "Responsbilities"
    // count.
    let stem = |t: &str| -> Vec<String> {
        let mut w = words(t);
        for x in &mut w {
            let n = x.trim_end_matches('s').len();
            x.truncate(n);
        }
        w
    };
    // Made only when a section is not found as written (most pages have them all).
    let headings = std::cell::OnceCell::new();
    let headings = || -> &Vec<Vec<String>> {
        headings.get_or_init(|| {
            page.parsed
                .markdown
                .headings
                .iter()
                .map(|h| stem(&h.text))
                .collect()
        })
    };
    // Every alternative is looked for as written before any is looked for in stemmed
    // words ("Levels|Job Grade": a page with a Job Grade heading needs no stems).
    let as_written = HeadingsText::new(
        page.parsed
            .markdown
            .headings
            .iter()
            .map(|h| h.text.as_str()),
    );
    let present = |section: &str| {
        let alts = section.split('|');
        alts.clone().any(|alt| as_written.contain_words(alt))
            || alts.into_iter().any(|alt| {
                let want = stem(alt);
                !want.is_empty()
                    && headings().iter().any(|h| {
                        h.windows(want.len())
                            .any(|w| w.iter().zip(&want).all(|(a, b)| same_word(a, b)))
                    })
            })
    };
    let missing: Vec<&str> = site
        .config
        .families
        .sections
        .iter()
        .map(String::as_str)
        .filter(|s| !present(s))
        .collect();
    if missing.is_empty() {
        return;
    }
    let shown: Vec<String> = missing.iter().map(|s| s.replace('|', " or ")).collect();
    diags.push(
        Diagnostic::at(
            Rule::SectionMissing,
            &page.parsed.source,
            title_span.clone(),
            format!("job family `{}` has no {} section{}", page.title(), shown.join(", "), if missing.len() > 1 { "s" } else { "" }),
            "add the missing sections (a heading per section), or change [families] sections in ladder.toml",
        )
        .with_key(missing.join(",")),
    );
}

/// A family's graded levels, each with its key (see [`graded_titles`]).
type Graded = Vec<(Vec<String>, GradedTitle)>;

/// A family's graded levels, each with its words joined (see [`check_family_graded`]).
type Keyed = Vec<(String, GradedTitle)>;

/// A title's significant words, the key levels are filed under for `grade-conflict`:
/// shared between the index's maps.
type TitleKey = std::sync::Arc<Vec<String>>;

/// A level with a grade, filed under its title's significant words for `grade-conflict`.
#[derive(Debug, Clone, PartialEq)]
struct GradedTitle {
    /// Page index of the family.
    page: usize,
    /// Index into the family's levels.
    level: usize,
    grade: Grade,
}

/// The graded levels of `family` whose titles say more than a rank, each with its key
/// (the title's significant words, in order: "Manager, Technical Marketing", a people
/// manager, is not "Technical Marketing Manager", an IC).
fn graded_titles(site: &Site, family: &JobFamily) -> Graded {
    let scale = site
        .scales
        .for_path(&site.pages[family.page].parsed.source.rel_path);
    family
        .levels
        .iter()
        .enumerate()
        .filter_map(|(i, level)| {
            let key = significant_words(&level.title);
            let title = graded_title(scale, family.page, i, level, &key)?;
            Some((key, title))
        })
        .collect()
}

/// Level `index` of the family on page `page`, filed for `grade-conflict` when it has a
/// grade and its title (whose significant words are `words`) says more than a rank.
fn graded_title(
    scale: &Scale,
    page: usize,
    index: usize,
    level: &Level,
    words: &[String],
) -> Option<GradedTitle> {
    let grade = level.grade?;
    let only_ranks = words.iter().all(|w| scale.is_rank_word(w));
    (!only_ranks).then_some(GradedTitle {
        page,
        level: index,
        grade,
    })
}

/// `grade-conflict` findings, kept up to date family by family (`ladder serve` updates
/// one family per edit instead of comparing every title again).
#[derive(Debug, Clone, Default)]
pub struct ConflictIndex {
    /// Graded levels by title words, in page order then level order.
    by_key: HashMap<TitleKey, Vec<GradedTitle>>,
    /// The keys each family (by page index) files levels under.
    keys_of: HashMap<usize, Vec<TitleKey>>,
    /// Findings by key.
    found: HashMap<TitleKey, Vec<Diagnostic>>,
}

impl ConflictIndex {
    /// Files every family of `site` and finds the conflicts.
    pub fn new(site: &Site) -> ConflictIndex {
        let mut index = ConflictIndex::default();
        // Reading the titles' words is the costly part, and independent per family.
        let graded: Vec<(usize, Graded)> = site
            .families
            .par_iter()
            .map(|f| (f.page, graded_titles(site, f)))
            .collect();
        for (page, titles) in graded {
            index.file_graded(page, titles);
        }
        // Each title's conflicts are independent of the others': found in parallel.
        index.found = index
            .by_key
            .par_iter()
            .filter_map(|(key, list)| {
                let found = conflicts(site, list);
                (!found.is_empty()).then(|| (key.clone(), found))
            })
            .collect();
        index
    }

    /// Updates the index after the family on page `page` was replaced in place (or
    /// removed from [`Site::families`]).
    pub fn update(&mut self, site: &Site, page: usize) {
        let mut affected = self.keys_of.remove(&page).unwrap_or_default();
        for key in &affected {
            if let Some(list) = self.by_key.get_mut(key) {
                list.retain(|t| t.page != page);
            }
        }
        if let Ok(k) = site.families.binary_search_by_key(&page, |f| f.page) {
            affected.extend(self.file(site, &site.families[k]));
        }
        affected.sort();
        affected.dedup();
        for key in affected {
            self.refresh(site, key);
        }
    }

    /// Every finding, in no particular order.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.found.values().flatten()
    }

    /// Files the graded levels of `family` in page order; returns their keys.
    fn file(&mut self, site: &Site, family: &JobFamily) -> Vec<TitleKey> {
        self.file_graded(family.page, graded_titles(site, family));
        self.keys_of.get(&family.page).cloned().unwrap_or_default()
    }

    /// Files `graded` (from [`graded_titles`]) for the family on page `page`, and its
    /// keys (sorted, without repeats) under `page`.
    fn file_graded(&mut self, page: usize, graded: Graded) {
        let mut keys = Vec::with_capacity(graded.len());
        for (key, title) in graded {
            // A key is shared by its entry and the families filed under it.
            let key = match self.by_key.get_key_value(&key) {
                Some((shared, _)) => TitleKey::clone(shared),
                None => TitleKey::new(key),
            };
            let list = self.by_key.entry(TitleKey::clone(&key)).or_default();
            let at = list.partition_point(|t| (t.page, t.level) < (title.page, title.level));
            list.insert(at, title);
            keys.push(key);
        }
        keys.sort();
        keys.dedup();
        self.keys_of.insert(page, keys);
    }

    /// Finds the conflicts under `key` again: every later level whose grade differs
    /// from the first one's, in another family.
    fn refresh(&mut self, site: &Site, key: TitleKey) {
        let Some(list) = self.by_key.get(&key).filter(|l| !l.is_empty()) else {
            self.by_key.remove(&key);
            self.found.remove(&key);
            return;
        };
        let found = conflicts(site, list);
        if found.is_empty() {
            self.found.remove(&key);
        } else {
            self.found.insert(key, found);
        }
    }
}

/// The `grade-conflict` findings among the levels filed under one title (`list`, in
/// page order): every later level whose grade differs from the first one's, in another
/// family.
fn conflicts(site: &Site, list: &[GradedTitle]) -> Vec<Diagnostic> {
    let level = |t: &GradedTitle| -> Option<&Level> {
        let k = site
            .families
            .binary_search_by_key(&t.page, |f| f.page)
            .ok()?;
        site.families[k].levels.get(t.level)
    };
    // A title filed once conflicts with nothing (most titles).
    let [first, later @ ..] = list else {
        return Vec::new();
    };
    if later.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    if let Some(l) = level(first) {
        let other = &site.pages[first.page];
        // Only computed when there is a conflict: positions need the page's line index.
        let line = std::cell::OnceCell::new();
        let line = || *line.get_or_init(|| other.parsed.source.position(l.title_span.start).line);
        for t in later {
            let Some(level) = level(t).filter(|_| t.grade != first.grade && t.page != first.page)
            else {
                continue;
            };
            let grade = t.grade;
            let g = first.grade;
            found.push(
                Diagnostic::at(
                    Rule::GradeConflict,
                    &site.pages[t.page].parsed.source,
                    level.grade_span.clone().unwrap_or_else(|| level.title_span.clone()),
                    format!("`{}` is grade {grade} here but grade {g} in `{}` (line {})", level.title, other.parsed.source.path, line()),
                    "one title should have one grade: correct one of them, or make the titles distinct",
                )
                .with_key(format!("{}={grade}", level.title))
                .with_related(other.parsed.source.path.clone()),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scale::Scales;

    fn mismatch(title: &str, role: &str) -> Option<String> {
        role_mismatch(title, role, Scales::default().for_path("x"))
    }

    /// The findings of [`check_family`] on every family and of [`ConflictIndex::new`],
    /// and those of [`check_families`], each sorted.
    fn both_ways(root: &std::path::Path) -> (Vec<String>, Vec<String>, usize) {
        let options = crate::Options {
            root: root.to_path_buf(),
            ..Default::default()
        };
        let outcome = crate::check(&options).unwrap();
        let site = &outcome.site;
        let mut expected = Vec::new();
        for family in &site.families {
            check_family(site, family, &mut expected);
        }
        let index = ConflictIndex::new(site);
        expected.extend(index.diagnostics().cloned());
        let shown = |diags: &[Diagnostic]| {
            let mut v: Vec<String> = diags.iter().map(|d| format!("{d:?}")).collect();
            v.sort();
            v
        };
        let conflicts = index.diagnostics().count();
        (shown(&expected), shown(&check_families(site)), conflicts)
    }

    #[test]
    fn the_one_shot_check_finds_what_the_index_finds() {
        let fixture =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grades_conflict");
        let (expected, found, conflicts) = both_ways(&fixture);
        assert!(conflicts > 0);
        assert_eq!(found, expected);

        // Titles in several families with several grades, repeated and rank-only ones.
        let dir = tempfile::tempdir().unwrap();
        let titles = [
            "Backend Engineer",
            "Senior Backend Engineer",
            "Engineer, Backend",
            "Senior",
            "Data  Analyst",
            "data analyst",
            "Manager, Data",
        ];
        for f in 0..7 {
            let folder = dir.path().join(format!("content/job-families/d{}", f % 3));
            std::fs::create_dir_all(&folder).unwrap();
            let levels: Vec<String> = (0..5)
                .map(|l| {
                    let title = titles[(f * 3 + l * 2) % titles.len()];
                    let grade = 5 + (f + l) % 3;
                    format!("  - title: \"{title}\"\n    grade: {grade}\n")
                })
                .collect();
            std::fs::write(
                folder.join(format!("family-{f}.md")),
                format!(
                    "---\ntitle: Family {f}\nlayout: job_family_page\nlevels:\n{}---\n\nText.\n",
                    levels.concat()
                ),
            )
            .unwrap();
        }
        let (expected, found, conflicts) = both_ways(dir.path());
        assert!(conflicts > 3, "{expected:#?}");
        assert_eq!(found, expected);
    }

    #[test]
    fn words_in_any_heading_are_found_as_in_each_heading() {
        let pieces = [
            "",
            " ",
            "\n",
            "\t",
            "-",
            "&",
            "é",
            "É",
            "x",
            "X",
            "Job",
            "job",
            "Grade",
            "GRADE",
            "Levels",
            "level",
            "KPIs",
            "kpi",
            "Hiring",
            "Process",
            "Job Grade",
            "R&D",
            "2",
        ];
        let texts = crate::model::scale::generated_texts(&pieces, 5, 40_000);
        for (k, chunk) in texts.chunks(4).enumerate() {
            let headings = &chunk[1..];
            let as_written = HeadingsText::new(headings.iter().map(String::as_str));
            // The words sought: one of the texts, or a piece of one.
            let words = match k % 3 {
                0 => chunk[0].as_str(),
                1 => {
                    let t = &chunk[1];
                    let half = (0..=t.len() / 2).rev().find(|&i| t.is_char_boundary(i));
                    &t[half.unwrap_or(0)..]
                }
                _ => pieces[k % pieces.len()],
            };
            let want = headings.iter().any(|h| contains_words(h, words));
            assert_eq!(
                as_written.contain_words(words),
                want,
                "{words:?} in {chunk:?}"
            );
        }
        assert!(!HeadingsText::new(std::iter::empty()).contain_words("Levels"));
        assert!(HeadingsText::new(["x", "Job\nGrade"].into_iter()).contain_words("job\ngrade"));
    }

    #[test]
    fn bag_distances() {
        assert_eq!(bag_distance("parnter", "partner"), Some(0));
        assert_eq!(bag_distance("abc", "abd"), Some(1));
        assert_eq!(bag_distance("aab", "b"), Some(2));
        assert_eq!(bag_distance("abc", "xyzw"), Some(4));
        assert_eq!(bag_distance("", ""), Some(0));
        assert_eq!(bag_distance("café", "cafe"), None);
    }

    #[test]
    fn the_bag_distance_prefilter_never_changes_which_words_are_the_same() {
        let words = [
            "responsibilities",
            "responsbilities",
            "resposnibilities",
            "requirements",
            "partner",
            "parnter",
            "partners",
            "manager",
            "managers",
            "engineer",
            "enginer",
            "hiring",
            "process",
            "proces",
            "indicators",
            "indicator",
            "analyst",
            "analytics",
            "café",
            "cafe",
            "kpis",
            "kpi",
            "grade",
            "grades",
            "garde",
            "manages",
        ];
        for a in words {
            for b in words {
                let (la, lb) = (a.chars().count(), b.chars().count());
                let allowed = match la.min(lb) {
                    8.. => 2,
                    4..=7 => 1,
                    _ => 0,
                };
                let by_distance = a == b
                    || a.trim_end_matches('s') == b.trim_end_matches('s')
                    || strsim::osa_distance(a, b) <= allowed;
                assert_eq!(same_word(a, b), by_distance, "{a} / {b}");
                if let Some(bag) = bag_distance(a, b) {
                    assert!(bag <= strsim::osa_distance(a, b), "{a} / {b}");
                }
            }
        }
    }

    #[test]
    fn generic_words_of_a_grade_sentence_do_not_join_rank_words() {
        // "Level" is a generic word of grade sentences ("this level is …"): left out of
        // the role's nouns, it must not make "Senior Principal" of "Senior Level
        // Principal", however the sentence is written.
        for role in [
            "Senior Level Principal",
            "senior level principal",
            "Senior  Level Principal",
        ] {
            assert_eq!(mismatch("Senior Level Principal", role), None, "{role}");
        }
        assert_eq!(mismatch("Group Role Manager", "group role manager"), None);
        assert!(mismatch("Senior Backend Engineer", "Staff Backend Engineer").is_some());
    }

    #[test]
    fn same_role_in_other_words_is_quiet() {
        assert_eq!(mismatch("Manager, Red Team", "Red Team Manager"), None);
        assert_eq!(
            mismatch("Senior Backend Engineer", "Senior Backend Engineer"),
            None
        );
        assert_eq!(
            mismatch("Intermediate Backend Engineer", "Backend Engineer"),
            None
        );
        assert_eq!(
            mismatch("Senior Customer Success Manager", "Senior CSM"),
            None
        );
        assert_eq!(mismatch("Analyst, Payroll", "Analyst"), None);
        assert_eq!(
            mismatch(
                "Sr. Manager, Field Security",
                "Senior Manager, Field Security"
            ),
            None
        );
        assert_eq!(mismatch("Vice President, Sales", "VP of Sales"), None);
    }

    #[test]
    fn generic_subjects_typos_and_plurals_are_quiet() {
        assert_eq!(
            mismatch("Application Security Engineer (Intermediate)", "role"),
            None
        );
        assert_eq!(
            mismatch("Senior IT Compliance Engineer", "Senior IT Compliance role"),
            None
        );
        assert_eq!(
            mismatch(
                "Senior Manager, Revenue Accounting",
                "Senior Manager, Revenuer Accouting"
            ),
            None
        );
        assert_eq!(
            mismatch(
                "Employment Solutions Partner",
                "Employment Solutions Parnter"
            ),
            None
        );
        assert_eq!(mismatch("Fullstack Engineers", "Fullstack Engineer"), None);
        assert_eq!(
            mismatch("Incubation Engineers", "Senior Incubation Engineer"),
            None
        );
        assert_eq!(
            mismatch("Vice President (VP) of Security", "VP of Security"),
            None
        );
        assert_eq!(
            mismatch("VP, Financial Planning and Analysis", "VP, FP&A"),
            None
        );
        assert_eq!(
            mismatch(
                "Associate General Ledger Accountant (Junior)",
                "Associate Accountant"
            ),
            None
        );
        assert_eq!(
            mismatch(
                "Director, People Tools and Technology",
                "Director, People Group Tools and Technology"
            ),
            None
        );
        assert_eq!(
            mismatch("Senior Manager, Security", "Senior Security Manager"),
            None
        );
        assert!(
            mismatch(
                "Senior Manager, Learning & Development",
                "Learning & Development Manager"
            )
            .is_some()
        );
    }

    #[test]
    fn another_level_or_role_fires() {
        assert_eq!(
            mismatch("Staff Infrastructure Analyst", "Infrastructure Analyst").as_deref(),
            Some("no level word instead of staff")
        );
        assert!(mismatch("Senior Backend Engineer", "Senior Frontend Engineer").is_some());
        assert!(mismatch("Executive VP of Engineering", "Chief Technology Officer").is_some());
        assert!(mismatch("Intern, Backend Engineer", "Junior Backend Engineer").is_some());
    }
}
