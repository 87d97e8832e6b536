//! Job families and their levels, read the way real pages write them.
//!
//! A page is a **job family** when its front matter says `layout: job_family_page`, or when
//! it lies under a `job-families/` folder and has at least one level with a grade section
//! or a grade. Its **department** is the folder directly below `job-families/`.
//!
//! Levels come from, in order of precedence:
//! 1. front matter: `levels: [{title: …, grade: …}]`, or `grade: …` on a single-level page;
//! 2. Job Grade sections: a heading containing "Job Grade" (`#### Job Grade`,
//!    `#### Senior X Job Grade`, `## Job Grade` near the top of a single-level page). The
//!    level is the heading above it (or the one its prefix names, or the page itself), and
//!    the grade is read from the section's sentence: "The Senior X is a [grade 7](…)",
//!    "a [7](…)", "job grade [level 11](…)", "a grade 7", "[Grade #7]";
//! 3. grade tables, when the page has no Job Grade section:
//!    `| [Senior X](#senior-x) | [Grade 7](…) |`.
//!
//! When front matter gives levels, prose grades that disagree are kept as
//! [`Level::prose`] so validation can report them. Level headings that sit beside graded
//! ones, look like roles and have no grade become levels without a grade.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::model::scale::{Grade, Rank, Scale, Track, words, written_words};
use crate::parse::{Heading, ParsedPage};

/// Where a level's grade was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradeSource {
    /// `levels:` or `grade:` in front matter.
    FrontMatter,
    /// A Job Grade section's sentence.
    Prose,
    /// A grade table row.
    Table,
}

/// The sentence of a Job Grade section: "The Senior X is a [grade 7](…)".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GradeStatement {
    /// The role the sentence names ("Senior X"), if it has the usual "The … is" form.
    pub role: Option<(String, Range<usize>)>,
    /// The grade it gives, with the byte span of the number.
    pub grade: Option<(Grade, Range<usize>)>,
    /// Span of the section's text (for `grade-unparsed`).
    pub span: Range<usize>,
    /// The section's first line of text, for messages.
    pub text: String,
    /// The sentence says the level has no grade on purpose ("is not aligned to a job
    /// grade").
    pub declined: bool,
}

/// One level of a job family.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Level {
    /// Title as written in its heading (or front matter, or table cell).
    pub title: String,
    /// Byte span in the file where the title is written.
    pub title_span: Range<usize>,
    /// Element id to link to the level's section (a heading id on the page).
    pub anchor: String,
    /// The job grade, if one was read.
    pub grade: Option<Grade>,
    /// Byte span of the grade as written.
    pub grade_span: Option<Range<usize>>,
    /// Where the grade came from.
    pub source: Option<GradeSource>,
    /// The Job Grade section, when there is one.
    pub statement: Option<GradeStatement>,
    /// A prose grade that front matter overrides (kept to report disagreement; boxed:
    /// most levels have none, and a family keeps its levels for the whole build).
    pub prose: Option<Box<GradeStatement>>,
    /// The track stated in front matter (`track: management`), if any.
    pub track: Option<Track>,
}

impl Level {
    /// The level's rank on `scale`: read from its title, narrowed to the track front
    /// matter states.
    pub fn rank(&self, scale: &Scale) -> RankGuess {
        self.narrowed(guess_rank(&self.title, scale))
    }

    /// [`Level::rank`], only when the title itself names a rank on `scale` ("Senior X",
    /// not "X", which reads as Intermediate): what the grade checks judge.
    pub fn named_rank(&self, scale: &Scale) -> Option<RankGuess> {
        self.named_rank_of(&rank_words(&self.title), scale)
    }

    /// [`Level::named_rank`] of the level, whose title's [`rank_words`] are `w`.
    pub fn named_rank_of(&self, w: &[String], scale: &Scale) -> Option<RankGuess> {
        let found = matched_ranks(w, scale).0;
        if found.is_empty() {
            return None;
        }
        Some(self.narrowed(guess_rank_of(&self.title, w, found, scale)))
    }

    /// `guess` narrowed to the track front matter states.
    fn narrowed(&self, mut guess: RankGuess) -> RankGuess {
        if let Some(track) = self.track {
            guess.readings.retain(|r| r.0 == track);
            guess.track = Some(track);
        }
        guess
    }
}

/// A job family page and its levels.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobFamily {
    /// Index into [`crate::Site::pages`].
    pub page: usize,
    /// The family's title (the page title).
    pub title: String,
    /// Department folder name below `job-families/` (`engineering`), or `""`.
    pub department: String,
    /// Levels in document order.
    pub levels: Vec<Level>,
}

/// What the title's words say about its rank, given a scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankGuess {
    /// The track, when the title settles it.
    pub track: Option<Track>,
    /// Every (track, rank name, grade) reading of the title; more than one when the title
    /// is ambiguous ("Senior Program Manager": a senior IC, or a senior manager?).
    pub readings: Vec<(Track, String, Grade)>,
}

/// Words that end a section heading ("Senior X Responsibilities", "Performance
/// Indicators") rather than a role.
const SECTION_LAST_WORDS: &[&str] = &[
    "responsibilities",
    "responsibility",
    "requirements",
    "requirement",
    "indicators",
    "process",
    "ladder",
    "specialties",
    "specialty",
    "specializations",
    "have",
    "haves",
    "levels",
    "grade",
    "grades",
    "overview",
    "expectations",
    "justification",
    "references",
    "path",
    "skills",
    "competencies",
    "initiatives",
    "matrix",
    "roles",
];

/// Words that start a section heading ("Specialties for X", "Requirements").
const SECTION_FIRST_WORDS: &[&str] = &[
    "responsibilities",
    "requirements",
    "performance",
    "hiring",
    "career",
    "specialties",
    "specialty",
    "nice",
    "levels",
    "job",
    "what",
    "about",
    "overview",
    "moving",
];

const STOP_WORDS: &[&str] = &[
    "the", "of", "a", "an", "and", "&", "for", "in", "to", "at", "on", "-",
];

/// Words that are C-level titles (read as the `Chief` rank).
const CHIEF_ABBREVIATIONS: &[&str] = &[
    "cfo", "cto", "cmo", "cro", "clo", "cpo", "cio", "ciso", "coo", "cso", "cxo", "chro", "cao",
];

/// Compiles a pattern written in this file (never one from content).
fn literal(pattern: &str) -> Regex {
    #[allow(
        clippy::expect_used,
        reason = "the patterns are literals in this file, covered by tests"
    )]
    Regex::new(pattern).expect("literal regex")
}

/// "grade 7", "Grade #7", "job grade level 11", "level 11", "grades: 6".
static GRADE_RE: LazyLock<Regex> = LazyLock::new(|| {
    literal(r"(?i)\b(?:job\s+)?(?:grade|level)s?\s*:?\s*\[?\s*#?(\d{1,2}(?:\.\d)?)\b")
});
/// "is a 7" (the link text alone carries the number).
static IS_A_NUMBER_RE: LazyLock<Regex> =
    LazyLock::new(|| literal(r"(?i)\b(?:is|are)\s+an?\s+\[?(\d{1,2}(?:\.\d)?)\b"));
/// "`<prefix>` Job Grade".
static JOB_GRADE_HEADING_RE: LazyLock<Regex> =
    LazyLock::new(|| literal(r"(?i)^(.*?)[\s,:\-–—]*\bjob\s*grades?\b[\s:]*$"));
/// A table cell that is only a grade: "Grade 7", "Job Grade #7".
static TABLE_GRADE_RE: LazyLock<Regex> =
    LazyLock::new(|| literal(r"(?i)^\s*(?:job\s+)?grade\s*#?(\d{1,2}(?:\.\d)?)\s*$"));

/// Finds "rade" (of "grade") in a text in lower case: see [`rade_positions`].
static RADE: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("rade"));

/// Byte offsets in `text` where "rade" starts in any ASCII case ("grade", "Grade",
/// "GRADE", "GrAdE"), ascending: a section without one is no grade section (a grade
/// sentence needs the word "grade"). One substring search over the text with bit 0x20
/// set in every byte: that makes each letter lower case and keeps every offset, and the
/// only bytes it turns into `r`, `a`, `d` or `e` are those letters in either case.
fn rade_positions(text: &[u8]) -> Vec<usize> {
    let folded: Vec<u8> = text.iter().map(|b| b | 0x20).collect();
    RADE.find_iter(&folded).collect()
}

/// A paragraph's text with Markdown links `[text](url)` and `[text][ref]` replaced by
/// their text (and `[`, `]`, `*`, `` ` `` dropped), with the way back to byte offsets
/// of the paragraph.
struct Plain {
    /// The plain text.
    text: String,
    /// Runs copied unchanged: (byte offset in `text`, byte offset in the paragraph), in
    /// order.
    runs: Vec<(usize, usize)>,
    /// Byte length of the paragraph.
    src_len: usize,
}

impl Plain {
    /// The paragraph byte offset of plain byte `p`; the paragraph's length for `p` at
    /// or past the end of the plain text.
    fn source_offset(&self, p: usize) -> usize {
        if p >= self.text.len() {
            return self.src_len;
        }
        let run = self.runs.partition_point(|r| r.0 <= p) - 1;
        let (plain_start, src_start) = self.runs[run];
        src_start + (p - plain_start)
    }
}

/// The [`Plain`] text of `src`: copied run by run between the bytes that are dropped.
fn plain_with_offsets(src: &str) -> Plain {
    let bytes = src.as_bytes();
    let dropped = |b: &u8| matches!(b, b'[' | b']' | b'*' | b'`');
    let mut text = String::with_capacity(src.len());
    let mut runs = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let c = bytes[i];
        // Skip the `(url)` or `[ref]` part of a link.
        let closer = match (c, bytes.get(i + 1)) {
            (b']', Some(b'(')) => Some(')'),
            (b']', Some(b'[')) => Some(']'),
            _ => None,
        };
        if let Some(closer) = closer
            && let Some(close) = src[i + 2..].find(closer)
        {
            i += 2 + close + 1;
            continue;
        }
        if dropped(&c) {
            i += 1;
            continue;
        }
        // Dropped bytes are ASCII, so the run ends on a char boundary.
        let end = bytes[i..]
            .iter()
            .position(dropped)
            .map_or(src.len(), |k| i + k);
        runs.push((text.len(), i));
        text.push_str(&src[i..end]);
        i = end;
    }
    Plain {
        text,
        runs,
        src_len: src.len(),
    }
}

/// Reads the grade sentence of the section text at `range` of `text`.
pub fn read_statement(text: &str, range: Range<usize>) -> GradeStatement {
    let section = &text[range.clone()];
    // Paragraphs of the section (kramdown attribute lists skipped): the first one that
    // mentions a grade, else the first one. Split as needed: the rest of the section
    // after the paragraph with the grade is not scanned.
    let mut paragraphs = Paragraphs { section, at: 0 };
    let first = paragraphs.next();
    // The grade's number in the plain text (`GRADE_RE`'s group), found once.
    let graded = first
        .into_iter()
        .chain(paragraphs)
        // A grade needs a digit (`GRADE_RE`'s `\d` includes non-ASCII ones): most
        // paragraphs have none, and need no plain text.
        .filter(|(_, p)| may_have_digit(p))
        .find_map(|(start, p)| {
            let plain = plain_with_offsets(p);
            let number = grade_number(&plain.text)?;
            Some((start, p, plain, Some(number)))
        });
    // Else the first paragraph, in which `GRADE_RE` finds nothing (it was searched, or
    // has no digit).
    let (start, para, plain, number) = match graded {
        Some(found) => found,
        None => {
            let (start, para) = first.unwrap_or((0, ""));
            (start, para, plain_with_offsets(para), None)
        }
    };
    let base = range.start + start;
    let offsets = &plain;
    let plain = plain.text.as_str();
    // Source span of a match in the plain text: from its first char to the end of its
    // last char (links skipped in between stay inside the span).
    let span = |m: Range<usize>| {
        let at = |p: usize| base + offsets.source_offset(p);
        let last = plain[..m.end].chars().next_back().map_or(0, char::len_utf8);
        at(m.start)..at(m.end - last) + last
    };
    let grade = number
        .or_else(|| {
            // Likewise, `IS_A_NUMBER_RE` needs a digit.
            may_have_digit(plain).then_some(())?;
            Some(IS_A_NUMBER_RE.captures(plain)?.get(1)?.range())
        })
        .and_then(|m| Grade::parse(&plain[m.clone()]).map(|g| (g, span(m))));
    let role = role_span(plain).map(|m| (plain[m.clone()].trim().to_string(), span(m)));
    // Its first 120 chars, sliced rather than collected char by char.
    // (`lines` would strip a `\r` before the `\n`: so does `trim`.)
    let line = plain[..memchr::memchr(b'\n', plain.as_bytes()).unwrap_or(plain.len())].trim();
    // A line of at most 120 bytes has at most 120 chars.
    let cut = (line.len() > 120)
        .then(|| line.char_indices().nth(120))
        .flatten();
    let first_line = cut.map_or(line, |(cut, _)| &line[..cut]).to_string();
    let declined = grade.is_none() && {
        let lower = plain.to_lowercase();
        lower.contains("not aligned to a")
            || lower.contains("no job grade")
            || lower.contains("not graded")
    };
    GradeStatement {
        role,
        grade,
        span: base..base + para.trim_end().len(),
        text: first_line,
        declined,
    }
}

/// The span of the number of the first grade `plain` gives ("grade 7", "Grade #7",
/// "job grade level 11", "level 11", "grades: 6"): what [`GRADE_RE`]'s group captures,
/// matched by hand in ASCII text (the regex took more instructions than the rest of
/// reading a grade sentence), by the regex in other text.
fn grade_number(plain: &str) -> Option<Range<usize>> {
    if !plain.is_ascii() {
        return first_group(&GRADE_RE, plain);
    }
    let b = plain.as_bytes();
    // ASCII `\w`: what `\b` tells from the rest.
    let word = |i: usize| {
        b.get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    };
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    // The first keyword, at a word boundary, that a number follows: the regex's leftmost
    // match ("job" before a keyword only moves where the match starts, not its number).
    (0..b.len().saturating_sub(4)).find_map(|k| {
        let keyword = &b[k..k + 5];
        if !matches!(b[k] | 0x20, b'g' | b'l')
            || !(keyword.eq_ignore_ascii_case(b"grade") || keyword.eq_ignore_ascii_case(b"level"))
            || (k > 0 && word(k - 1))
        {
            return None;
        }
        // `s?\s*:?\s*\[?\s*#?`: each part's chars are of its own kind, so taking each
        // greedily is the only way through.
        let mut i = k + 5;
        let skip_ws = |mut i: usize| {
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == 0x0B)
            {
                i += 1;
            }
            i
        };
        if matches!(b.get(i), Some(b's' | b'S')) {
            i += 1;
        }
        i = skip_ws(i);
        for mark in [b':', b'[', b'#'] {
            if b.get(i) == Some(&mark) {
                i += 1;
            }
            if mark != b'#' {
                i = skip_ws(i);
            }
        }
        // `(\d{1,2}(?:\.\d)?)\b`, longest first.
        if !digit(i) {
            return None;
        }
        let whole = if digit(i + 1) { i + 2 } else { i + 1 };
        let tenth = (b.get(whole) == Some(&b'.') && digit(whole + 1)).then_some(whole + 2);
        tenth
            .into_iter()
            .chain([whole])
            .find(|&end| !word(end))
            .map(|end| i..end)
    })
}

/// The span of what `re`'s first group captures in its first match in `text`.
fn first_group(re: &Regex, text: &str) -> Option<Range<usize>> {
    re.captures(text).and_then(|c| c.get(1)).map(|m| m.range())
}

/// The paragraphs of a section, each as (offset in the section, text): runs of lines
/// that are neither blank nor a kramdown attribute list (`{: …}`), each with its last
/// line's `\n`.
struct Paragraphs<'s> {
    section: &'s str,
    /// Where the rest of the section starts (a line start).
    at: usize,
}

impl<'s> Iterator for Paragraphs<'s> {
    type Item = (usize, &'s str);

    fn next(&mut self) -> Option<(usize, &'s str)> {
        let section = self.section;
        let mut current: Option<(usize, usize)> = None;
        while self.at < section.len() {
            let line_start = self.at;
            self.at = memchr::memchr(b'\n', &section.as_bytes()[line_start..])
                .map_or(section.len(), |k| line_start + k + 1);
            let t = section[line_start..self.at].trim();
            let skip = t.is_empty() || (t.starts_with("{:") && t.ends_with('}'));
            match (&mut current, skip) {
                (Some((_, end)), false) => *end = self.at,
                (None, false) => current = Some((line_start, self.at)),
                (Some((s, e)), true) => return Some((*s, &section[*s..*e])),
                (None, true) => {}
            }
        }
        current.map(|(s, e)| (s, &section[s..e]))
    }
}

/// Whether `text` has an ASCII digit or a non-ASCII char (which may be a digit: regex's
/// `\d` is Unicode's): without, no `\d` can match in it.
fn may_have_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit() || !b.is_ascii())
}

/// The role of a sentence "The `<role>` is …": the byte span of `<role>` in `plain`, as
/// the pattern `(?i)^\s*the\s+(.+?)\s+(?:is|are|will be|can be)\s` captures it
/// (white space as in Unicode; `.` any char but `\n`), matched by hand: the regex took
/// more instructions than all the rest of reading a grade sentence.
fn role_span(plain: &str) -> Option<Range<usize>> {
    let ws_len = |t: &str| t.len() - t.trim_start().len();
    // `^\s*the\s+`: no letter of "the" has a non-ASCII case variant.
    let lead = ws_len(plain);
    if !plain.as_bytes()[lead..]
        .get(..3)?
        .eq_ignore_ascii_case(b"the")
    {
        return None;
    }
    let after_the = lead + 3;
    // First `\s+` takes all the white space (greedy), and the role starts after it.
    let start = after_the + ws_len(&plain[after_the..]);
    if start == after_the {
        return None;
    }
    // `(.+?)` ends at the first white space (at least one char in, on the first line)
    // after which the white space run is followed by a verb and white space. The run
    // is taken whole by the second `\s+`, since the verbs start with letters.
    let line_end =
        memchr::memchr(b'\n', &plain.as_bytes()[start..]).map_or(plain.len(), |i| start + i);
    let mut prev_ws = true;
    for (i, c) in plain[start..].char_indices() {
        let at = start + i;
        if at > line_end {
            break;
        }
        let ws = c.is_whitespace();
        if ws && !prev_ws {
            let verb = at + ws_len(&plain[at..]);
            if verb_then_space(&plain[verb..]) {
                return Some(start..at);
            }
        }
        prev_ws = ws;
    }
    // Else the first `\s+` gives back white space (only this can differ from what was
    // tried): `(.+?)` is then a single white space char other than `\n`, the last one
    // that leaves the first `\s+` one char and the second `\s+` one char before the
    // verb, which must follow the white space after "the".
    if !verb_then_space(&plain[start..]) {
        return None;
    }
    plain[after_the..start]
        .char_indices()
        .rev()
        .skip(1)
        .find(|&(i, c)| i > 0 && c != '\n')
        .map(|(i, c)| after_the + i..after_the + i + c.len_utf8())
}

/// Whether `text` starts with `is`, `are`, `will be` or `can be` (any case, as regex's
/// `(?i)` matches: `ſ` is an `s`) followed by a white space char.
fn verb_then_space(text: &str) -> bool {
    // Each verb starts with an ASCII letter that only its ASCII cases match.
    if !text
        .as_bytes()
        .first()
        .is_some_and(|b| matches!(b.to_ascii_lowercase(), b'i' | b'a' | b'w' | b'c'))
    {
        return false;
    }
    ["is", "are", "will be", "can be"].iter().any(|verb| {
        let mut chars = text.chars();
        verb.chars().all(|v| {
            chars
                .next()
                .is_some_and(|c| c.eq_ignore_ascii_case(&v) || (v == 's' && c == 'ſ'))
        }) && chars.next().is_some_and(char::is_whitespace)
    })
}

/// The title a Job Grade heading's text names before "Job Grade"
/// (`Senior X Job Grade` → `Senior X`), or `None` when it is not a Job Grade heading.
pub fn job_grade_prefix(heading: &str) -> Option<String> {
    // The pattern needs the word "grade" (none of its letters has a non-ASCII case
    // variant): most headings fail that without running it.
    if !has_ascii_word_letters(heading, b"grade") {
        return None;
    }
    let prefix = job_grade_heading_group(heading.trim())?
        .trim()
        .trim_end_matches(['-', '–', '—', ':', ','])
        .trim();
    Some(prefix.to_string())
}

/// What [`JOB_GRADE_HEADING_RE`]'s group captures in `heading`: matched by hand in
/// ASCII headings (the only work the regex did was parse them back to front), by the
/// regex in others.
fn job_grade_heading_group(heading: &str) -> Option<&str> {
    if !heading.is_ascii() {
        return job_grade_heading_group_by_regex(heading);
    }
    // `\bjob\s*grades?\b[\s:]*$`, from the end: the white space and colons, the
    // keyword, white space, "job" after a word boundary.
    fn strip_end<'s>(s: &'s str, word: &str) -> Option<&'s str> {
        let cut = s.len().checked_sub(word.len())?;
        s.as_bytes()[cut..]
            .eq_ignore_ascii_case(word.as_bytes())
            .then(|| &s[..cut])
    }
    let rest = heading.trim_end_matches(|c: char| c.is_whitespace() || c == ':');
    let rest = strip_end(rest, "grades").or_else(|| strip_end(rest, "grade"))?;
    let rest = strip_end(rest.trim_end_matches(char::is_whitespace), "job")?;
    if rest
        .bytes()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
    {
        return None;
    }
    // `^(.*?)[\s,:\-–—]*`: the group stops before the separators, and holds no `\n`.
    let group = rest.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '-'));
    (!group.contains('\n')).then_some(group)
}

/// What [`JOB_GRADE_HEADING_RE`]'s group captures in `heading` (`""` when the group takes
/// no part in the match): [`job_grade_heading_group`] by the regex.
fn job_grade_heading_group_by_regex(heading: &str) -> Option<&str> {
    JOB_GRADE_HEADING_RE
        .captures(heading)
        .map(|c| c.get(1).map_or("", |m| m.as_str()))
}

/// Whether a heading whose [`words`] are `w` names a section ("Requirements", "Senior X
/// Responsibilities") rather than a role. What [`TitleWords::of`] reads faster.
#[cfg(test)]
fn is_section_words(w: &[String]) -> bool {
    if w.iter().any(|x| x == "roles") {
        return true;
    }
    match (w.first(), w.last()) {
        (Some(first), Some(last)) => {
            SECTION_FIRST_WORDS.contains(&first.as_str())
                || SECTION_LAST_WORDS.contains(&last.as_str())
        }
        _ => true,
    }
}

/// Significant words: lowercased, abbreviations expanded, stop words dropped.
pub fn significant_words(title: &str) -> Vec<String> {
    significant_of(words(title))
}

/// The significant words among `words` (of one title), in order.
fn significant_of(words: Vec<String>) -> Vec<String> {
    words
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// Whether `text` holds `letters` (lowercase ASCII, not empty) in any ASCII case: what a word of
/// [`words`] equal to `letters` needs.
fn has_ascii_word_letters(text: &str, letters: &[u8]) -> bool {
    // Compared where the first letter is, in either case.
    let (b, first) = (text.as_bytes(), letters[0]);
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), b).any(|i| {
        b[i..]
            .get(..letters.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(letters))
    })
}

/// What [`prose_levels`] reads first from a heading's text (its significant words are
/// needed far less often, see [`HeadingWords::significant`]).
#[derive(Debug, PartialEq, Eq)]
struct TitleWords {
    /// Whether its [`words`] include "levels".
    levels: bool,
    /// Whether it names a section rather than a role (what the test-only
    /// `is_section_words` says of its [`words`]).
    section: bool,
}

impl TitleWords {
    /// Read from the words as written, without making [`words`]: spelling out
    /// abbreviations neither makes nor removes a word of the section lists, "roles" or
    /// "levels" (it makes `senior`, `manager`, `vp` and `evp` of `sr`, `mgr`, `vp`,
    /// `vice president` and `executive`), so the first, the last and any of the words are
    /// the ones as written, lowercased as [`words`] does.
    fn of(title: &str) -> TitleWords {
        let (mut first, mut last) = (None, None);
        let (mut roles, mut levels) = (false, false);
        for w in written_words(title) {
            first.get_or_insert(w);
            last = Some(w);
            // No char but an ASCII letter lowercases to a letter of these words.
            roles = roles || w.eq_ignore_ascii_case("roles");
            levels = levels || w.eq_ignore_ascii_case("levels");
        }
        let section = roles
            || match (first, last) {
                (Some(first), Some(last)) => {
                    lowercased_in(first, SECTION_FIRST_WORDS)
                        || lowercased_in(last, SECTION_LAST_WORDS)
                }
                _ => true,
            };
        TitleWords { levels, section }
    }

    /// [`TitleWords::of`] as its definition says, from [`words`].
    #[cfg(test)]
    fn of_words(title: &str) -> TitleWords {
        let w = words(title);
        TitleWords {
            levels: w.iter().any(|x| x == "levels"),
            section: is_section_words(&w),
        }
    }
}

/// Whether the word `w` as written, lowercased as [`words`] lowercases it, is one of
/// `list` (lowercase words).
fn lowercased_in(w: &str, list: &[&str]) -> bool {
    if w.is_ascii() {
        list.iter().any(|x| w.eq_ignore_ascii_case(x))
    } else {
        list.contains(&w.to_lowercase().as_str())
    }
}

/// The [`TitleWords`] and significant words of a page's headings, each worked out once,
/// when first asked for.
struct HeadingWords<'h> {
    headings: &'h [Heading],
    cells: Vec<OnceCell<TitleWords>>,
    significant: Vec<OnceCell<Vec<String>>>,
}

impl<'h> HeadingWords<'h> {
    fn new(headings: &'h [Heading]) -> Self {
        HeadingWords {
            headings,
            cells: headings.iter().map(|_| OnceCell::new()).collect(),
            significant: headings.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    /// The words of heading `i`.
    fn get(&self, i: usize) -> &TitleWords {
        self.cells[i].get_or_init(|| TitleWords::of(&self.headings[i].text))
    }

    /// The [`significant_words`] of heading `i`.
    fn significant(&self, i: usize) -> &[String] {
        self.significant[i].get_or_init(|| significant_words(&self.headings[i].text))
    }
}

/// The ranks named in `words` (contiguous, longest first, without overlap; C-level
/// abbreviations read as `Chief`), and which words they cover.
pub fn matched_ranks<'s>(words: &[String], scale: &'s Scale) -> (Vec<&'s Rank>, Vec<bool>) {
    let w = rank_reading(words);
    // Only the ranks whose first word the title has can match (most titles have one
    // rank word or none), tried in the scale's order.
    let mut candidates: Vec<usize> = w
        .iter()
        .flat_map(|x| scale.ranks_starting_with(x))
        .copied()
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    ranks_in(&w, candidates.into_iter().map(|k| &scale.ranks()[k]))
}

/// Title words as ranks are read from them: C-level abbreviations as `chief`.
fn rank_reading(words: &[String]) -> Vec<&str> {
    words
        .iter()
        .map(|x| {
            if x.starts_with('c') && CHIEF_ABBREVIATIONS.contains(&x.as_str()) {
                "chief"
            } else {
                x.as_str()
            }
        })
        .collect()
}

/// [`matched_ranks`] in the words `w` (read by [`rank_reading`]) among `ranks`, each
/// tried in turn at its first place among the words not yet used.
fn ranks_in<'s>(w: &[&str], ranks: impl Iterator<Item = &'s Rank>) -> (Vec<&'s Rank>, Vec<bool>) {
    let mut used = vec![false; w.len()];
    let mut found = Vec::new();
    for rank in ranks {
        let n = rank.words.len();
        if n == 0 || n > w.len() {
            continue;
        }
        for i in 0..=w.len() - n {
            if w[i..i + n].iter().zip(&rank.words).all(|(a, b)| *a == b)
                && !used[i..i + n].iter().any(|u| *u)
            {
                used[i..i + n].iter_mut().for_each(|u| *u = true);
                found.push(rank);
                break;
            }
        }
    }
    (found, used)
}

/// The words of a title that can name its rank: significant words up to "to"/"for"
/// ("Executive Business Administrator to the CEO": the qualifier names no rank of it).
pub fn rank_words(title: &str) -> Vec<String> {
    let (mut significant, rank) = significant_and_rank_words(title);
    significant.truncate(rank);
    significant
}

/// A title's [`significant_words`], and how many of them, from the first, are its
/// [`rank_words`] (those before "to" or "for", which are stop words): both from one
/// reading of its [`words`].
pub fn significant_and_rank_words(title: &str) -> (Vec<String>, usize) {
    let all = words(title);
    let cut = all
        .iter()
        .position(|w| w == "to" || w == "for")
        .unwrap_or(all.len());
    let rank = all[..cut]
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .count();
    (significant_of(all), rank)
}

/// Reads the rank of a level title on `scale`.
pub fn guess_rank(title: &str, scale: &Scale) -> RankGuess {
    let w = rank_words(title);
    let found = matched_ranks(&w, scale).0;
    guess_rank_of(title, &w, found, scale)
}

/// [`guess_rank`] of `title`, whose [`rank_words`] are `w`, naming the ranks `found`
/// ([`matched_ranks`] of `w`).
fn guess_rank_of(title: &str, w: &[String], found: Vec<&Rank>, scale: &Scale) -> RankGuess {
    let none = RankGuess {
        track: None,
        readings: Vec::new(),
    };
    // Officer titles are C-level only with "Chief" ("Principal Accounting Officer" is not
    // a Principal IC).
    if w.iter().any(|x| x == "officer") && !w.iter().any(|x| x == "chief") {
        return none;
    }
    // As `title.to_lowercase().contains("chief of staff")`: the only chars whose
    // lowercase is ASCII are ASCII letters, the Kelvin sign (to `k`) and `İ` (to `i` and a
    // combining dot, never followed by `e`), none of which can make this phrase.
    if has_ascii_word_letters(title, b"chief of staff") {
        return none;
    }
    let has = |x: &str| w.iter().any(|v| v == x);
    // Ranks are referred to until the reading is chosen; only it is copied.
    let reading = |r: &Rank| (r.track, r.name.clone(), r.grade);
    let ic: Vec<&Rank> = found
        .iter()
        .copied()
        .filter(|r| r.track == Track::IndividualContributor)
        .collect();
    let mgmt: Vec<&Rank> = found
        .iter()
        .copied()
        .filter(|r| r.track == Track::Management)
        .collect();
    let rank_named = |track: Track, name: &str| {
        scale
            .ranks()
            .iter()
            .find(|r| r.track == track && r.name.eq_ignore_ascii_case(name))
    };
    let intermediate = || rank_named(Track::IndividualContributor, "Intermediate");
    let manager_only = mgmt.iter().all(|m| m.name.eq_ignore_ascii_case("manager"));

    if !mgmt.is_empty() && !manager_only {
        // Director, VP, Chief, …: management, read by its highest rank.
        let best = mgmt.iter().copied().max_by_key(|m| m.grade);
        return RankGuess {
            track: Some(Track::Management),
            readings: best.map(reading).into_iter().collect(),
        };
    }
    if mgmt.is_empty() {
        let best = ic
            .iter()
            .copied()
            .max_by_key(|m| m.grade)
            .or_else(intermediate);
        return RankGuess {
            track: Some(Track::IndividualContributor),
            readings: best.map(reading).into_iter().collect(),
        };
    }
    // "Manager" is in the title: a people manager, or an IC role noun (Product Manager)?
    let first_role_word = w.iter().position(|x| x != "senior" && x != "intermediate");
    let manager_first = first_role_word.is_some_and(|i| w[i] == "manager");
    // "Intermediate" is the default level and says nothing about the track.
    let other_ic = ic.iter().any(|r| {
        !r.name.eq_ignore_ascii_case("senior") && !r.name.eq_ignore_ascii_case("intermediate")
    });
    // "Associate Manager": a rank of its own that the scale does not list.
    if w.windows(2).any(|p| {
        p[1] == "manager"
            && p[0] != "senior"
            && ic.iter().any(|r| r.name.eq_ignore_ascii_case(&p[0]))
    }) {
        return none;
    }
    if other_ic {
        // Staff/Principal/Associate Program Manager: the IC ladder.
        let best = ic.iter().copied().max_by_key(|m| m.grade);
        return RankGuess {
            track: Some(Track::IndividualContributor),
            readings: best.map(reading).into_iter().collect(),
        };
    }
    let senior = has("senior");
    let as_manager = if senior {
        rank_named(Track::Management, "Senior Manager")
    } else {
        rank_named(Track::Management, "Manager")
    };
    if manager_first {
        // "Manager, Red Team", "Senior Manager, Field Security".
        return RankGuess {
            track: Some(Track::Management),
            readings: as_manager.map(reading).into_iter().collect(),
        };
    }
    let as_ic = if senior {
        rank_named(Track::IndividualContributor, "Senior")
    } else {
        intermediate()
    };
    RankGuess {
        track: None,
        readings: as_ic.into_iter().chain(as_manager).map(reading).collect(),
    }
}

/// Extracts the job family of `parsed`, if it is one: a page with the `job_family_page`
/// layout, or a page under a `job-families/` folder with a grade section. Its `page`
/// index is 0 (the site sets it); its title is the page's title.
pub fn extract(parsed: &ParsedPage) -> Option<JobFamily> {
    let page_title = parsed.title.as_str();
    let rel = &parsed.source.rel_path;
    let in_tree = rel.starts_with("job-families/") || rel.contains("/job-families/");
    let layout = parsed.front_matter.layout.as_deref() == Some("job_family_page");
    if !in_tree && !layout {
        // Neither way of being a family: no need to read levels.
        return None;
    }
    let department = department_of(rel);
    let mut levels = prose_levels(page_title, parsed);
    if levels.is_empty() {
        levels = table_levels(parsed);
    }
    if let Some(fm) = front_matter_levels(page_title, parsed) {
        levels = merge_front_matter(fm, levels);
    }
    // A level links to its section only when that id exists on the page (front-matter
    // levels and table rows may name no heading): otherwise to the page itself.
    for level in &mut levels {
        if !level.anchor.is_empty() && !parsed.markdown.has_anchor(&level.anchor) {
            level.anchor.clear();
        }
    }
    let has_grade_section = levels
        .iter()
        .any(|l| l.grade.is_some() || l.statement.is_some());
    let is_family = layout || (in_tree && has_grade_section);
    if !is_family {
        return None;
    }
    Some(JobFamily {
        page: 0,
        title: page_title.to_string(),
        department,
        levels,
    })
}

/// `job-families/engineering/x/index.html.md` → `engineering`.
fn department_of(rel: &str) -> String {
    let after = match rel.find("job-families/") {
        Some(i) => &rel[i + "job-families/".len()..],
        None => return String::new(),
    };
    match after.split_once('/') {
        Some((dept, _)) => dept.to_string(),
        None => String::new(),
    }
}

fn section_end(parsed: &ParsedPage, i: usize) -> usize {
    parsed
        .markdown
        .headings
        .get(i + 1)
        .map_or(parsed.source.text().len(), |h| h.span.start)
}

fn heading_span_end(text: &str, h: &Heading) -> usize {
    // The heading's own line ends at the first `\n` after its start (a lone `\r` was
    // read as `\n` by `SourceFile::new`; `section` keeps the range from reversing).
    memchr::memchr(b'\n', &text.as_bytes()[h.span.start..])
        .map_or(text.len(), |e| h.span.start + e + 1)
}

/// The text of heading `i`'s section: from the line after the heading to the next heading
/// (empty, never reversed, when the next heading starts on the same line).
fn section(parsed: &ParsedPage, i: usize) -> Range<usize> {
    let h = &parsed.markdown.headings[i];
    let start = heading_span_end(parsed.source.text(), h);
    start..section_end(parsed, i).max(start)
}

/// For each heading, the nearest heading above it of a lower level (its parent), if any.
fn parents(headings: &[Heading]) -> Vec<Option<usize>> {
    // The headings above that can still be a parent: levels strictly rising.
    let mut open: Vec<usize> = Vec::new();
    headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            while open.last().is_some_and(|&p| headings[p].level >= h.level) {
                open.pop();
            }
            let parent = open.last().copied();
            open.push(i);
            parent
        })
        .collect()
}

fn prose_levels(page_title: &str, parsed: &ParsedPage) -> Vec<Level> {
    let headings = &parsed.markdown.headings;
    let text = parsed.source.text();
    // Each heading's words, Job Grade prefix and parent, worked out once.
    let words_of = HeadingWords::new(headings);
    let prefixes: Vec<Option<String>> =
        headings.iter().map(|h| job_grade_prefix(&h.text)).collect();
    let parents = parents(headings);
    // Where "rade" is on the page (any case), found once for every section.
    let rade = rade_positions(text.as_bytes());
    let mentions_grade = |range: &Range<usize>| {
        let first = rade.partition_point(|&at| at < range.start);
        rade.get(first).is_some_and(|&at| at + 4 <= range.end)
    };
    let mut levels: Vec<Level> = Vec::new();
    let mut level_headings: Vec<Option<usize>> = Vec::new();
    let mut statement_headings: Vec<usize> = Vec::new();
    for (gi, g) in headings.iter().enumerate() {
        // A Job Grade heading, or a heading whose first paragraph is the grade sentence
        // ("### Stock Administrator" / "The Stock Administrator is a grade 6."): then the
        // heading itself names the level.
        let range = section(parsed, gi);
        let (prefix, statement) = match &prefixes[gi] {
            Some(prefix) => (prefix.clone(), read_statement(text, range)),
            None => {
                // Most sections never mention a grade, and section headings
                // ("Requirements", whose links may name a `#job-grade`) name no level:
                // skip reading a sentence for them.
                if !mentions_grade(&range) || words_of.get(gi).section {
                    continue;
                }
                let st = read_statement(text, range);
                let is_sentence = st.role.is_some()
                    && st.grade.is_some()
                    && st.text.to_lowercase().contains("grade");
                if !is_sentence {
                    continue;
                }
                (g.text.clone(), st)
            }
        };
        let parent = parents[gi];
        let role_heading = |p: &usize| headings[*p].level >= 2 && !words_of.get(*p).section;
        let level_heading = if prefix.is_empty() {
            // `#### Job Grade` under `### Senior X`, or (flat layouts) `### Job Grade`
            // right after `### Senior X`; at the top of a single-level page there is no
            // such heading and the page itself is the level.
            parent.filter(role_heading).or_else(|| {
                gi.checked_sub(1).filter(|&p| {
                    headings[p].level == g.level && role_heading(&p) && prefixes[p].is_none()
                })
            })
        } else {
            // `### Senior X Job Grade`: the heading named by the prefix (flat layouts put
            // it beside the Job Grade heading), else a parent sharing its words.
            let want = significant_words(&prefix);
            (0..gi)
                .rev()
                .find(|&h| headings[h].level <= g.level && words_of.significant(h) == want)
                .or_else(|| {
                    parent
                        .filter(role_heading)
                        .filter(|&p| words_of.significant(p).iter().any(|w| want.contains(w)))
                })
        };
        let (title, title_span, anchor) = match level_heading {
            Some(p) => (
                headings[p].text.clone(),
                headings[p].span.clone(),
                headings[p].id.clone(),
            ),
            None if !prefix.is_empty() => (prefix, g.span.clone(), g.id.clone()),
            None => (page_title.to_string(), g.span.clone(), g.id.clone()),
        };
        // "Read more about grades [here](…)": a pointer, not a level's grade.
        if !statement.text.is_empty() && statement.role.is_none() && statement.grade.is_none() {
            continue;
        }
        statement_headings.push(gi);
        if level_heading.is_some() && level_headings.contains(&level_heading) {
            continue;
        }
        level_headings.push(level_heading);
        levels.push(Level {
            title,
            title_span,
            anchor,
            grade: statement.grade.as_ref().map(|(g, _)| *g),
            grade_span: statement.grade.as_ref().map(|(_, s)| s.clone()),
            source: statement.grade.as_ref().map(|_| GradeSource::Prose),
            statement: Some(statement),
            prose: None,
            track: None,
        });
    }
    // Role-like headings beside graded level headings, without a grade of their own.
    let graded: Vec<usize> = level_headings.iter().flatten().copied().collect();
    if graded.is_empty() {
        // No heading has a graded sibling.
        return levels;
    }
    // Headings above the "Levels" heading introduce the family.
    // Without a "Levels" heading, ungraded headings above the first graded level are
    // the family's intro ("## Distinguished Engineer Roles at GitLab").
    // The word "levels" needs those ASCII letters in the text (no other char lowercases
    // to one of them): most headings need no words for this.
    let levels_at = (0..headings.len())
        .find(|&i| has_ascii_word_letters(&headings[i].text, b"levels") && words_of.get(i).levels)
        .or_else(|| graded.iter().min().copied())
        .unwrap_or(0);
    // The family's and the levels' words, made for the first heading that gets this far.
    let titles_words = OnceCell::new();
    let titles_words = || {
        titles_words.get_or_init(|| {
            let page = significant_words(page_title);
            let levels: Vec<Vec<String>> =
                levels.iter().map(|l| significant_words(&l.title)).collect();
            (page, levels)
        })
    };
    let mut extra: Vec<(usize, Level)> = Vec::new();
    // The tests cheapest first: a heading's words are worked out only for headings that
    // sit beside a graded one.
    for (i, h) in headings.iter().enumerate() {
        if i < levels_at
            || graded.contains(&i)
            || statement_headings.contains(&i)
            || prefixes[i].is_some()
        {
            continue;
        }
        let parent = parents[i];
        let mut siblings = graded
            .iter()
            .filter(|&&g| headings[g].level == h.level && parents[g] == parent)
            .peekable();
        if siblings.peek().is_none() || words_of.get(i).section {
            continue;
        }
        // A heading repeating the family's title introduces the family; one repeating a
        // graded level's title is that level's intro (or a copy of its heading).
        let mine = words_of.significant(i);
        let (page_words, level_words) = titles_words();
        if mine == page_words.as_slice() || level_words.iter().any(|w| w == mine) {
            continue;
        }
        // Headings under "Specialties" (or any other section) describe specialties, not
        // levels; only "Levels" and role headings hold levels.
        if parent.is_some_and(|p| words_of.get(p).section && !words_of.get(p).levels) {
            continue;
        }
        // It must read as a role of this family: share a significant word with a graded
        // sibling that is not a rank word.
        let shares = siblings.any(|&s| {
            words_of
                .significant(s)
                .iter()
                .any(|w| mine.contains(w) && !is_rank_word(w))
        });
        // And have no Job Grade section nested under a differently named heading.
        let has_grade_below = || {
            prefixes[i + 1..]
                .iter()
                .zip(&headings[i + 1..])
                .take_while(|(_, x)| x.level > h.level)
                .any(|(p, _)| p.is_some())
        };
        // "The Junior level … was deprecated", "… is not aligned to a job grade": no
        // grade on purpose.
        let on_purpose = || {
            let intro = read_statement(text, section(parsed, i)).text.to_lowercase();
            ["deprecated", "not aligned to a", "no longer", "not graded"]
                .iter()
                .any(|w| intro.contains(w))
        };
        if shares && !has_grade_below() && !on_purpose() {
            extra.push((
                i,
                Level {
                    title: h.text.clone(),
                    title_span: h.span.clone(),
                    anchor: h.id.clone(),
                    grade: None,
                    grade_span: None,
                    source: None,
                    statement: None,
                    prose: None,
                    track: None,
                },
            ));
        }
    }
    if extra.is_empty() {
        return levels;
    }
    // Merge in document order.
    let mut all: Vec<(usize, Level)> = levels
        .into_iter()
        .map(|l| (l.title_span.start, l))
        .collect();
    all.extend(extra.into_iter().map(|(_, l)| (l.title_span.start, l)));
    all.sort_by_key(|(at, _)| *at);
    all.into_iter().map(|(_, l)| l).collect()
}

fn is_rank_word(w: &str) -> bool {
    matches!(
        w,
        "intern"
            | "junior"
            | "associate"
            | "intermediate"
            | "senior"
            | "staff"
            | "principal"
            | "distinguished"
            | "fellow"
            | "manager"
            | "director"
            | "vp"
            | "evp"
            | "chief"
            | "ceo"
            | "group"
            | "lead"
            | "head"
    )
}

/// Levels from grade table rows: a cell that is only a grade (`[Grade 7](…)`), and the
/// first other cell with letters as the title.
fn table_levels(parsed: &ParsedPage) -> Vec<Level> {
    let text = parsed.source.text();
    let mut levels = Vec::new();
    let mut offset = parsed.body_start;
    for line in text[parsed.body_start..].split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let t = line.trim();
        if !t.starts_with('|') {
            continue;
        }
        let mut cells: Vec<(Range<usize>, &str)> = Vec::new();
        // The first cell starts after every leading `|` (`||a|b|` has two).
        let pipes = t.len() - t.trim_start_matches('|').len();
        let mut pos = line_start + (line.len() - line.trim_start().len()) + pipes;
        for cell in t.trim_matches('|').split('|') {
            cells.push((pos..pos + cell.len(), cell));
            pos += cell.len() + 1;
        }
        let mut grade = None;
        let mut title = None;
        for (range, cell) in &cells {
            let plain_cell = plain_with_offsets(cell);
            let plain = &plain_cell.text;
            if let Some(c) = TABLE_GRADE_RE.captures(plain)
                && grade.is_none()
                && let Some(m) = c.get(1)
                && let Some(g) = Grade::parse(m.as_str())
            {
                grade = Some((
                    g,
                    range.start + plain_cell.source_offset(m.start())
                        ..range.start + plain_cell.source_offset(m.end()),
                ));
            } else if title.is_none()
                && plain.chars().any(char::is_alphabetic)
                && !plain.to_lowercase().contains("grade")
            {
                let anchor = cell
                    .find("](#")
                    .and_then(|i| cell[i + 3..].split(')').next())
                    .map(str::to_string);
                title = Some((plain.trim().to_string(), range.clone(), anchor));
            }
        }
        if let (Some((g, gspan)), Some((title, tspan, anchor))) = (grade, title) {
            levels.push(Level {
                anchor: anchor.unwrap_or_else(|| crate::slug::slugify(&title)),
                title,
                title_span: tspan,
                grade: Some(g),
                grade_span: Some(gspan),
                source: Some(GradeSource::Table),
                statement: None,
                prose: None,
                track: None,
            });
        }
    }
    levels
}

/// Levels from front matter: `levels: [{title, grade}]`, or `grade:` (one level titled
/// like the page).
fn front_matter_levels(page_title: &str, parsed: &ParsedPage) -> Option<Vec<Level>> {
    let data = &parsed.front_matter.data;
    let span = |key: &str| key_line(parsed, key);
    let grade_of = |v: &Value| match v {
        Value::Number(n) => n.as_f64().and_then(Grade::from_f64),
        Value::String(s) => Grade::parse(s),
        _ => None,
    };
    if let Some(Value::Array(items)) = data.get("levels") {
        let levels_span = span("levels");
        let mut out = Vec::new();
        for item in items {
            let Value::Object(map) = item else { continue };
            let Some(title) = map.get("title").and_then(Value::as_str) else {
                continue;
            };
            let grade = map.get("grade").and_then(grade_of);
            let track = map
                .get("track")
                .and_then(Value::as_str)
                .and_then(parse_track);
            let line =
                find_in(parsed, levels_span.clone(), title).unwrap_or_else(|| levels_span.clone());
            out.push(Level {
                title: title.to_string(),
                title_span: line.clone(),
                anchor: crate::slug::slugify(title),
                grade,
                grade_span: grade.map(|_| line),
                source: grade.map(|_| GradeSource::FrontMatter),
                statement: None,
                prose: None,
                track,
            });
        }
        return Some(out);
    }
    let grade = data.get("grade")?;
    let g = grade_of(grade);
    let line = span("grade");
    Some(vec![Level {
        title: page_title.to_string(),
        title_span: line.clone(),
        anchor: String::new(),
        grade: g,
        grade_span: g.map(|_| line),
        source: g.map(|_| GradeSource::FrontMatter),
        statement: None,
        prose: None,
        track: None,
    }])
}

/// `management`, `manager` → management; `ic`, `individual contributor` (any case,
/// `-`/`_` for spaces) → individual contributor.
fn parse_track(text: &str) -> Option<Track> {
    match text.to_ascii_lowercase().replace(['-', '_'], " ").trim() {
        "management" | "manager" | "people management" => Some(Track::Management),
        "ic" | "individual contributor" => Some(Track::IndividualContributor),
        _ => None,
    }
}

/// Front matter wins; a prose level with the same title (or the only prose level of a
/// single-level page) keeps its heading anchor and its statement as `prose`.
fn merge_front_matter(mut fm: Vec<Level>, prose: Vec<Level>) -> Vec<Level> {
    let single = fm.len() == 1 && prose.len() == 1;
    for level in &mut fm {
        let want = significant_words(&level.title);
        let matched = prose
            .iter()
            .find(|p| significant_words(&p.title) == want)
            .or(if single { prose.first() } else { None });
        if let Some(p) = matched {
            if level.anchor.is_empty() || !p.anchor.is_empty() {
                level.anchor = p.anchor.clone();
            }
            level.prose = p.statement.clone().map(Box::new);
        }
    }
    fm
}

/// Span of the front-matter line that starts with `key:`.
fn key_line(parsed: &ParsedPage, key: &str) -> Range<usize> {
    let text = &parsed.source.text()[..parsed.body_start];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(key) && line[key.len()..].trim_start().starts_with(':') {
            return at..at + line.trim_end().len();
        }
        at += line.len();
    }
    0..0
}

/// The span of `needle` in the front matter at or after `from`.
fn find_in(parsed: &ParsedPage, from: Range<usize>, needle: &str) -> Option<Range<usize>> {
    let text = &parsed.source.text()[..parsed.body_start];
    let start = from.start.min(text.len());
    text[start..]
        .find(needle)
        .map(|i| start + i..start + i + needle.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scale::{Scales, generated_texts};

    fn rank(title: &str) -> (Option<Track>, Vec<String>) {
        let scales = Scales::default();
        let g = guess_rank(title, scales.for_path("job-families/x/y.md"));
        (
            g.track,
            g.readings
                .iter()
                .map(|r| format!("{}={}", r.1, r.2))
                .collect(),
        )
    }

    #[test]
    fn ranks_from_titles() {
        use Track::*;
        assert_eq!(
            rank("Senior Backend Engineer"),
            (Some(IndividualContributor), vec!["Senior=7".into()])
        );
        assert_eq!(
            rank("Backend Engineer"),
            (Some(IndividualContributor), vec!["Intermediate=6".into()])
        );
        assert_eq!(
            rank("Intern, Backend Engineer"),
            (Some(IndividualContributor), vec!["Intern=4".into()])
        );
        assert_eq!(
            rank("Senior Distinguished Engineer"),
            (
                Some(IndividualContributor),
                vec!["Senior Distinguished=11".into()]
            )
        );
        assert_eq!(
            rank("Director of Engineering"),
            (Some(Management), vec!["Director=10".into()])
        );
        assert_eq!(
            rank("Senior Director, Development"),
            (Some(Management), vec!["Senior Director=11".into()])
        );
        assert_eq!(
            rank("Vice President of Sales"),
            (Some(Management), vec!["VP=12".into()])
        );
        assert_eq!(
            rank("Chief Technology Officer"),
            (Some(Management), vec!["Chief=14".into()])
        );
        assert_eq!(rank("CFO"), (Some(Management), vec!["Chief=14".into()]));
        assert_eq!(
            rank("Manager, Red Team"),
            (Some(Management), vec!["Manager=8".into()])
        );
        assert_eq!(
            rank("Senior Manager, Field Security"),
            (Some(Management), vec!["Senior Manager=9".into()])
        );
        assert_eq!(
            rank("Staff Program Manager"),
            (Some(IndividualContributor), vec!["Staff=8".into()])
        );
        // Ambiguous: an IC role noun or a people manager.
        assert_eq!(
            rank("Senior Program Manager"),
            (None, vec!["Senior=7".into(), "Senior Manager=9".into()])
        );
        assert_eq!(
            rank("Backend Engineering Manager"),
            (None, vec!["Intermediate=6".into(), "Manager=8".into()])
        );
        assert_eq!(rank("Chief of Staff to the CEO"), (None, vec![]));
        assert_eq!(
            rank("Staff Executive Business Administrator to the CEO"),
            (Some(IndividualContributor), vec!["Staff=8".into()])
        );
        assert_eq!(rank("Principal Accounting Officer"), (None, vec![]));
        assert_eq!(
            rank("Manager, Data (Intermediate)"),
            (Some(Management), vec!["Manager=8".into()])
        );
        assert_eq!(
            rank("Associate Manager, Candidate Experience"),
            (None, vec![])
        );
        assert_eq!(
            rank("Product Manager - Marketing (Intermediate)"),
            (None, vec!["Intermediate=6".into(), "Manager=8".into()])
        );
    }

    #[test]
    fn chief_of_staff_in_any_ascii_case_names_no_rank() {
        for title in [
            "Chief of Staff",
            "CHIEF OF STAFF to the CTO",
            "Deputy chief Of sTaff",
        ] {
            assert_eq!(rank(title), (None, vec![]), "{title}");
        }
        // Not the phrase: other spacing, or `i` written as `İ`.
        assert_ne!(rank("Chief  of Staff"), (None, vec![]));
        assert_ne!(rank("Chİef of Staff"), (None, vec![]));
    }

    #[test]
    fn paragraphs_skip_blank_lines_and_attribute_lists() {
        let split = |s: &'static str| Paragraphs { section: s, at: 0 }.collect::<Vec<_>>();
        assert_eq!(split(""), vec![]);
        assert_eq!(split("\n \n"), vec![]);
        assert_eq!(split("one"), vec![(0, "one")]);
        assert_eq!(
            split("\nA\nB\n\n{: .x}\nC\r\n  {:y}  \nD"),
            vec![(1, "A\nB\n"), (13, "C\r\n"), (25, "D")]
        );
        assert_eq!(split("{: not a list\n"), vec![(0, "{: not a list\n")]);
    }

    #[test]
    fn job_grade_headings() {
        assert_eq!(job_grade_prefix("Job Grade").as_deref(), Some(""));
        assert_eq!(
            job_grade_prefix("Senior Backend Engineer Job Grade").as_deref(),
            Some("Senior Backend Engineer")
        );
        assert_eq!(
            job_grade_prefix("Group Manager, Product (GMP) - Job Grade").as_deref(),
            Some("Group Manager, Product (GMP)")
        );
        assert_eq!(job_grade_prefix("Job Grades").as_deref(), Some(""));
        assert_eq!(job_grade_prefix("Grade and pay"), None);
    }

    fn stmt(s: &str) -> (Option<String>, Option<String>, String) {
        let st = read_statement(s, 0..s.len());
        let role = st.role.as_ref().map(|(r, span)| {
            assert_eq!(&s[span.clone()], r);
            r.clone()
        });
        let grade = st.grade.as_ref().map(|(g, span)| {
            assert_eq!(
                Grade::parse(&s[span.clone()]),
                Some(*g),
                "span {:?} in {s}",
                span
            );
            g.to_string()
        });
        (role, grade, st.text)
    }

    #[test]
    fn grade_sentences_as_written() {
        let url =
            "(/handbook/total-rewards/compensation/compensation-calculator/#gitlab-job-grades)";
        let cases = [
            (
                format!("\nThe Senior Backend Engineer is a [grade 7]{url}.\n"),
                Some("Senior Backend Engineer"),
                Some("7"),
            ),
            (
                format!("The Staff X is a [8]{url}."),
                Some("Staff X"),
                Some("8"),
            ),
            (
                format!("The Distinguished Engineer is a job grade [level 11]{url}."),
                Some("Distinguished Engineer"),
                Some("11"),
            ),
            (
                "The Manager is a grade 8.".to_string(),
                Some("Manager"),
                Some("8"),
            ),
            (
                format!("The Senior Manager is a [Grade #9]{url}"),
                Some("Senior Manager"),
                Some("9"),
            ),
            (
                format!("{{:.no_toc}}\n\nThe Analyst is a [grade 6]{url}."),
                Some("Analyst"),
                Some("6"),
            ),
            (
                format!("The Principal PM is a [grade 9.5]{url}."),
                Some("Principal PM"),
                Some("9.5"),
            ),
            (
                "The {Title} is a grade {Grade}.".to_string(),
                Some("{Title}"),
                None,
            ),
            ("Grade to be determined.".to_string(), None, None),
        ];
        for (text, role, grade) in cases {
            let (r, g, _) = stmt(&text);
            assert_eq!(r.as_deref(), role, "{text}");
            assert_eq!(g.as_deref(), grade, "{text}");
        }
    }

    #[test]
    fn role_span_is_the_role_pattern_s_group() {
        // What `role_span` matches by hand, as a regex: they must agree on any text.
        let role_re = literal(r"(?i)^\s*the\s+(.+?)\s+(?:is|are|will be|can be)\s");
        let pieces = [
            "",
            " ",
            "  ",
            "\n",
            "\t",
            "\r",
            "\u{A0}",
            "\u{2028}",
            "\u{85}",
            "\u{3000}",
            "the",
            "The",
            "THE",
            "tHe",
            "thé",
            "x",
            "Senior X",
            "é",
            "日本",
            "is",
            "IS",
            "iſ",
            "İs",
            "ıs",
            "iß",
            "are",
            "ARE",
            "aRe",
            "will be",
            "will  be",
            "Will Be",
            "will\nbe",
            "can be",
            "cAn bE",
            "a",
            "ſ",
            "K",
            "the\n",
            "[",
            "grade 7",
            ".",
            "is.",
            "island",
            "\n ",
            " \n",
            "\n\n",
            " \u{A0}\t",
            "the  is ",
            "the \n is\n",
        ];
        for text in generated_texts(&pieces, 9, 50_000) {
            assert_eq!(role_span(&text), first_group(&role_re, &text), "{text:?}");
        }
        assert_eq!(role_span("The Senior X is a grade 7."), Some(4..12));
        assert_eq!(role_span(" the  X  Y \u{A0}iſ\n7"), Some(6..10));
        assert_eq!(role_span("The X\nis a grade 7."), Some(4..5));
        assert_eq!(role_span("The X Y\nZ is a grade 7."), None);
        // The role can be a white space char, when that is the only way to match.
        assert_eq!(role_span("the\n  ARE\u{85}is"), Some(4..5));
        assert_eq!(role_span("the \n\tis x"), None);
    }

    #[test]
    fn heading_words_read_as_written_are_the_words_of_the_definition() {
        // `TitleWords::of` reads the words as written; `of_words` spells them out first.
        let mut pieces: Vec<&str> = vec![
            "",
            " ",
            ", ",
            "-",
            "(",
            ")",
            "Vice",
            "vice",
            "President",
            "PRESIDENT",
            "Executive",
            "executive",
            "VP",
            "vp",
            "Sr.",
            "sr",
            "Mgr",
            "mgr",
            "Senior",
            "Manager",
            "Roles",
            "roles",
            "LEVELS",
            "Levels",
            "levels",
            "Backend",
            "Engineer",
            "Stra\u{df}e",
            "\u{c9}",
            "\u{212A}pis",
            "s\u{212A}ills",
            "\u{17f}kills",
            "R&D",
            "\u{a0}",
            "2",
        ];
        pieces.extend(SECTION_FIRST_WORDS);
        pieces.extend(SECTION_LAST_WORDS);
        let spaced: Vec<String> = pieces.iter().map(|p| format!("{p} ")).collect();
        pieces.extend(spaced.iter().map(String::as_str));
        for title in generated_texts(&pieces, 7, 50_000) {
            assert_eq!(
                TitleWords::of(&title),
                TitleWords::of_words(&title),
                "{title:?}"
            );
        }
        assert!(TitleWords::of("Senior S\u{212A}ILLS").section);
        assert!(!TitleWords::of("Engineering Vice President").section);
    }

    #[test]
    fn ranks_are_matched_as_when_every_rank_is_tried() {
        // `matched_ranks` tries only the ranks whose first word the title has.
        let config: crate::model::scale::ScaleConfig = toml::from_str(
            "[ic]\n\"Senior Staff\" = 9\nStaff = 8\nSenior = 7\n\"Staff Senior\" = 8.5\n\
             [management]\nManager = 8\n\"Senior Manager\" = 9\n\"Manager Senior\" = 9.5\n",
        )
        .unwrap();
        let custom = Scales::from_config(&config).unwrap();
        let default = Scales::default();
        let pieces = [
            "senior ",
            "staff ",
            "manager ",
            "principal ",
            "distinguished ",
            "vp ",
            "evp ",
            "cto ",
            "chief ",
            "group ",
            "x ",
            "engineer ",
            "of ",
            "sr ",
            "fellow ",
        ];
        for text in generated_texts(&pieces, 6, 20_000) {
            let words: Vec<String> = text.split_whitespace().map(String::from).collect();
            for scales in [&default, &custom] {
                let scale = scales.for_path("job-families/x/y.md");
                let want = ranks_in(&rank_reading(&words), scale.ranks().iter());
                assert_eq!(matched_ranks(&words, scale), want, "{text:?}");
            }
        }
    }

    #[test]
    fn job_grade_heading_group_is_the_heading_pattern_s_group() {
        let pieces = [
            "",
            " ",
            "\t",
            "\n",
            "\u{b}",
            "\r",
            ":",
            ",",
            "-",
            "–",
            "—",
            "_",
            "x",
            "X",
            "é",
            "\u{a0}",
            "Job",
            "job",
            "JOB",
            "jOb",
            "Grade",
            "grade",
            "GRADES",
            "grades",
            "gradeſ",
            "jobgrade",
            "Job Grade",
            "Senior X",
            "(GMP)",
            "2",
            "s",
            "S",
        ];
        for heading in generated_texts(&pieces, 8, 50_000) {
            let heading = heading.trim();
            assert_eq!(
                job_grade_heading_group(heading),
                job_grade_heading_group_by_regex(heading),
                "{heading:?}"
            );
        }
        assert_eq!(job_grade_heading_group("X - Job Grade:"), Some("X"));
        assert_eq!(job_grade_heading_group("X\n- Job Grade"), Some("X"));
        assert_eq!(job_grade_heading_group("X\nY Job Grade"), None);
        assert_eq!(job_grade_heading_group("XJob Grade"), None);
    }

    #[test]
    fn grade_number_is_the_grade_pattern_s_group() {
        let pieces = [
            "", " ", "  ", "\t", "\n", "\u{b}", "\u{a0}", ":", "[", "]", "#", ".", "_", "-", "a",
            "x", "é", "٣", "grade", "Grade", "GRADE", "grades", "level", "Levels", "job", "Job ",
            "upgrade", "gradex", "7", "12", "123", "9.5", "9.55", "0", "s", "S", "ſ",
        ];
        for text in generated_texts(&pieces, 10, 100_000) {
            assert_eq!(
                grade_number(&text),
                first_group(&GRADE_RE, &text),
                "{text:?}"
            );
        }
        assert_eq!(grade_number("The X is a grade 7."), Some(17..18));
        assert_eq!(grade_number("job grade level 11"), Some(16..18));
        assert_eq!(grade_number("Grade #9.5x, grade 8"), Some(7..8));
    }

    #[test]
    fn only_ascii_letters_make_the_word_levels() {
        // `has_ascii_word_letters` skips headings without the ASCII letters of "levels":
        // no other char lowercases to one of them, so no other text has that word.
        for c in (0x80..=0x10_FFFF).filter_map(char::from_u32) {
            assert!(!c.to_lowercase().any(|l| "levels".contains(l)), "{c:?}");
        }
        assert!(has_ascii_word_letters("## LeVeLs", b"levels"));
        assert!(!has_ascii_word_letters("## Level", b"levels"));
        // Found where the first letter is: as in every window of the text.
        let pieces = [
            "", " ", "l", "L", "e", "evels", "EVELS", "levels", "é", "grade", "G", "rade",
        ];
        for text in generated_texts(&pieces, 6, 20_000) {
            for letters in [&b"levels"[..], b"grade", b"l"] {
                let want = text
                    .as_bytes()
                    .windows(letters.len())
                    .any(|w| w.eq_ignore_ascii_case(letters));
                assert_eq!(has_ascii_word_letters(&text, letters), want, "{text:?}");
            }
        }
    }

    fn parsed(rel_path: &str, text: &str) -> ParsedPage {
        let file = crate::source::SourceFile::for_test(rel_path, text);
        crate::parse::parse_page(file, &mut Vec::new())
    }

    #[test]
    fn rade_is_found_in_any_case() {
        // As in every window of the text, in any ASCII case.
        let pieces = [
            "", " ", "g", "G", "r", "R", "a", "A", "d", "D", "e", "E", "rade", "RADE", "rAdE",
            "Grade", "é",
        ];
        for text in generated_texts(&pieces, 8, 50_000) {
            let want: Vec<usize> = (0..text.len())
                .filter(|&i| {
                    text.as_bytes()
                        .get(i..i + 4)
                        .is_some_and(|w| w.eq_ignore_ascii_case(b"rade"))
                })
                .collect();
            assert_eq!(rade_positions(text.as_bytes()), want, "{text:?}");
        }
    }

    #[test]
    fn a_grade_sentence_in_capitals_is_read() {
        // The section is read for a sentence whatever the case of "grade".
        for grade in ["grade", "GRADE", "GrAdE"] {
            let page = parsed(
                "job-families/engineering/backend/index.html.md",
                &format!(
                    "### Senior Backend Engineer\n\nThe Senior Backend Engineer is a {grade} 7.\n"
                ),
            );
            let family = extract(&page).unwrap_or_else(|| panic!("{grade}: no job family"));
            assert_eq!(family.levels.len(), 1, "{grade}");
            assert_eq!(family.levels[0].title, "Senior Backend Engineer");
            assert_eq!(family.levels[0].grade, Grade::parse("7"), "{grade}");
        }
    }

    #[test]
    fn a_lone_cr_ends_a_heading_line() {
        // Found by fuzzing (`fuzz/`, target parse_page): `#\r#` is two headings, and the
        // first one's line ends at the `\r`. Reading on to a `\n` went past the second
        // heading, so the first section's range was reversed and slicing it panicked.
        let page = parsed("job-families/x/index.html.md", "#\r#");
        assert_eq!(page.markdown.headings.len(), 2);
        assert_eq!(extract(&page), None);
        // Old Mac line endings are read like any others.
        let levels = |text: &str| -> Vec<(String, Option<Grade>)> {
            let page = parsed("job-families/x/index.html.md", text);
            let family = extract(&page).unwrap();
            family
                .levels
                .into_iter()
                .map(|l| (l.title, l.grade))
                .collect()
        };
        let text = "### Senior X\n#### Job Grade\nThe Senior X is a grade 7.\n### Staff X\n";
        assert_eq!(levels(text)[0], ("Senior X".to_string(), Some(Grade(70))));
        assert_eq!(levels(&text.replace('\n', "\r")), levels(text));
    }

    #[test]
    fn table_cell_spans_after_a_doubled_pipe() {
        // Found with the parse_page fuzz target's span check: a row starting `||` put
        // every cell span one byte early, inside the `é`.
        let text = "||\u{e9}|Grade 7|\n";
        let family = extract(&parsed("job-families/x/index.html.md", text)).unwrap();
        let level = &family.levels[0];
        assert_eq!(&text[level.title_span.clone()], "\u{e9}");
        assert_eq!(&text[level.grade_span.clone().unwrap()], "7");
    }
}
