//! The grade scale: which job grades exist, and which grade each level title (rank) has on
//! each track. It is data: `[grades]` in `ladder.toml`, defaulting to GitLab's published
//! scale (the "GitLab Job Grades" table of its compensation calculator, see
//! `../shared/reference/gitlab-and-peers.md` A.3), with per-folder overrides (GitLab's
//! sales organisation uses another table, so its folder skips rank checks by default).
//!
//! ```toml
//! [grades.ic]               # individual-contributor ranks
//! Intern = 4
//! Senior = 7
//! [grades.management]       # management ranks
//! Manager = 8
//! [grades]
//! other = [9.5]             # grades that exist without a rank of their own
//! [grades.folders."job-families/sales"]
//! rank = false              # no rank checks here (or give it its own ic/management tables)
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A job grade, stored in tenths so `9.5` is exact: `Grade(95)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grade(pub u16);

impl Grade {
    /// Parses `7`, `9.5`, `#7`; `None` for anything else or a grade above 99.
    pub fn parse(s: &str) -> Option<Grade> {
        let s = s.trim().trim_start_matches('#');
        let (whole, tenth) = match s.split_once('.') {
            Some((w, t)) if t.len() == 1 => (w, t.parse::<u16>().ok()?),
            Some(_) => return None,
            None => (s, 0),
        };
        let whole: u16 = whole.parse().ok()?;
        (whole < 100).then_some(Grade(whole * 10 + tenth))
    }

    /// From a config number (`9.5`); `None` if it is not a multiple of 0.1 in 0–99.9.
    pub fn from_f64(value: f64) -> Option<Grade> {
        let tenths = (value * 10.0).round();
        ((0.0..1000.0).contains(&tenths) && ((value * 10.0) - tenths).abs() < 1e-6)
            .then_some(Grade(tenths as u16))
    }

    /// As a number, for JSON (`9.5`, `7`).
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(10) {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{}.{}", self.0 / 10, self.0 % 10)
        }
    }
}

impl Serialize for Grade {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(10) {
            s.serialize_u16(self.0 / 10)
        } else {
            s.serialize_f64(self.as_f64())
        }
    }
}

/// Reads what [`Grade`]'s `Serialize` writes: a whole number, or one with tenths.
impl<'de> Deserialize<'de> for Grade {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct GradeVisitor;
        impl serde::de::Visitor<'_> for GradeVisitor {
            type Value = Grade;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a job grade such as 7 or 9.5")
            }
            // Whole grades are written as integers; `from_f64` checks every range.
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Grade, E> {
                self.visit_f64(v as f64)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Grade, E> {
                self.visit_f64(v as f64)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Grade, E> {
                Grade::from_f64(v).ok_or_else(|| E::custom(format!("grade {v} is out of range")))
            }
        }
        d.deserialize_any(GradeVisitor)
    }
}

/// A career track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    /// Individual contributor: Intern … Fellow.
    IndividualContributor,
    /// People management: Manager … CEO.
    Management,
}

impl Track {
    /// `individual contributor` / `management`.
    pub fn label(self) -> &'static str {
        match self {
            Track::IndividualContributor => "individual contributor",
            Track::Management => "management",
        }
    }
}

/// `[grades]` (and each `[grades.folders."…"]`) as written in `ladder.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleConfig {
    /// Individual-contributor ranks: title word(s) → grade.
    pub ic: Option<BTreeMap<String, f64>>,
    /// Management ranks: title word(s) → grade.
    pub management: Option<BTreeMap<String, f64>>,
    /// Further grades that exist without a rank (e.g. `9.5`).
    pub other: Option<Vec<f64>>,
    /// Whether levels are checked against their rank (`grade-rank`); default true.
    pub rank: Option<bool>,
    /// Per-folder scales, keyed by content-relative folder (`job-families/sales`); only at
    /// the top level. A folder's keys replace the top-level ones it names.
    #[serde(default)]
    pub folders: BTreeMap<String, ScaleConfig>,
}

/// One rank of a track: `Senior` → IC 7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rank {
    /// The rank's name, as configured (`Senior Manager`).
    pub name: String,
    /// Its words, lowercased (`["senior", "manager"]`).
    pub words: Vec<String>,
    /// Its track.
    pub track: Track,
    /// Its grade.
    pub grade: Grade,
}

/// A resolved scale: ranks of both tracks, the grades that exist, whether ranks are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    /// Ranks, longest name first (so `Senior Manager` matches before `Manager`): read
    /// with [`Scale::ranks`], fixed once made, as `index` is made from them.
    ranks: Vec<Rank>,
    /// Every grade that exists: the ranks' grades plus `other`, sorted.
    pub grades: Vec<Grade>,
    /// Whether `grade-rank` applies.
    pub check_rank: bool,
    /// Every word of the ranks, sorted, each with the ranks (indices into `ranks`, in
    /// order) it is the first word of: made from `ranks` by [`Scale::new`].
    index: Vec<(String, Vec<usize>)>,
}

impl Scale {
    /// A scale of `ranks` (longest name first), `grades` (sorted) and whether ranks are
    /// checked.
    pub fn new(ranks: Vec<Rank>, grades: Vec<Grade>, check_rank: bool) -> Scale {
        let mut index: Vec<(String, Vec<usize>)> = Vec::new();
        for (k, rank) in ranks.iter().enumerate() {
            for (i, word) in rank.words.iter().enumerate() {
                let at = match index.binary_search_by(|(w, _)| w.cmp(word)) {
                    Ok(at) => at,
                    Err(at) => {
                        index.insert(at, (word.clone(), Vec::new()));
                        at
                    }
                };
                if i == 0 {
                    index[at].1.push(k);
                }
            }
        }
        Scale {
            ranks,
            grades,
            check_rank,
            index,
        }
    }

    /// The ranks, longest name first (so `Senior Manager` matches before `Manager`).
    pub fn ranks(&self) -> &[Rank] {
        &self.ranks
    }

    /// Whether `word` (lowercased, as [`words`] gives it) is a word of some rank.
    pub fn is_rank_word(&self, word: &str) -> bool {
        self.index
            .binary_search_by(|(w, _)| w.as_str().cmp(word))
            .is_ok()
    }

    /// The ranks whose first word is `word`, as indices into `ranks`, in order.
    pub fn ranks_starting_with(&self, word: &str) -> &[usize] {
        match self.index.binary_search_by(|(w, _)| w.as_str().cmp(word)) {
            Ok(at) => &self.index[at].1,
            Err(_) => &[],
        }
    }
}

/// GitLab's published scale (compensation calculator, "GitLab Job Grades").
const DEFAULT_IC: &[(&str, u16)] = &[
    ("Intern", 4),
    ("Junior", 5),
    ("Associate", 5),
    ("Intermediate", 6),
    ("Senior", 7),
    ("Staff", 8),
    ("Principal", 9),
    ("Senior Principal", 10),
    ("Distinguished", 10),
    ("Senior Distinguished", 11),
    ("Fellow", 12),
];
const DEFAULT_MANAGEMENT: &[(&str, u16)] = &[
    ("Manager", 8),
    ("Senior Manager", 9),
    ("Group Manager", 9),
    ("Director", 10),
    ("Senior Director", 11),
    ("VP", 12),
    ("EVP", 14),
    ("Chief", 14),
    ("CEO", 15),
];

/// All scales of a site: the default and the per-folder ones.
#[derive(Debug, Clone)]
pub struct Scales {
    default: Scale,
    /// (content-relative folder with trailing `/`, scale), longest folder first.
    folders: Vec<(String, Scale)>,
}

impl Scales {
    /// Resolves `[grades]`: the built-in scale with the config's tables replacing the ones
    /// it names, then each folder on top of that. GitLab's sales folder skips rank checks
    /// unless configured. `Err(message)` for a grade that is not a multiple of 0.1.
    pub fn from_config(config: &ScaleConfig) -> Result<Scales, String> {
        let builtin = ScaleConfig {
            ic: Some(
                DEFAULT_IC
                    .iter()
                    .map(|(n, g)| (n.to_string(), f64::from(*g)))
                    .collect(),
            ),
            management: Some(
                DEFAULT_MANAGEMENT
                    .iter()
                    .map(|(n, g)| (n.to_string(), f64::from(*g)))
                    .collect(),
            ),
            other: Some(Vec::new()),
            rank: Some(true),
            folders: BTreeMap::new(),
        };
        let top = merge(&builtin, config);
        let default = resolve(&top)?;
        // Built in: GitLab's sales organisation uses another table, so no rank checks
        // there unless its folder config says `rank = true`.
        let mut folder_configs = config.folders.clone();
        let sales = ScaleConfig {
            rank: Some(false),
            ..ScaleConfig::default()
        };
        let user_sales = folder_configs
            .remove("job-families/sales")
            .unwrap_or_default();
        folder_configs.insert("job-families/sales".to_string(), merge(&sales, &user_sales));
        let mut folders = Vec::new();
        for (folder, fc) in &folder_configs {
            let scale = resolve(&merge(&top, fc))
                .map_err(|e| format!("[grades.folders.\"{folder}\"]: {e}"))?;
            folders.push((format!("{}/", folder.trim_matches('/')), scale));
        }
        folders.sort_by_key(|(f, _)| std::cmp::Reverse(f.len()));
        Ok(Scales { default, folders })
    }

    /// The scale for a page at content-relative path `rel_path`.
    pub fn for_path(&self, rel_path: &str) -> &Scale {
        self.folders
            .iter()
            .find(|(folder, _)| rel_path.starts_with(folder.as_str()))
            .map_or(&self.default, |(_, s)| s)
    }
}

impl Default for Scales {
    fn default() -> Self {
        Scales::from_config(&ScaleConfig::default()).unwrap_or_else(|_| Scales {
            default: Scale::new(Vec::new(), Vec::new(), false),
            folders: Vec::new(),
        })
    }
}

fn merge(base: &ScaleConfig, over: &ScaleConfig) -> ScaleConfig {
    ScaleConfig {
        ic: over.ic.clone().or_else(|| base.ic.clone()),
        management: over.management.clone().or_else(|| base.management.clone()),
        other: over.other.clone().or_else(|| base.other.clone()),
        rank: over.rank.or(base.rank),
        folders: BTreeMap::new(),
    }
}

fn resolve(config: &ScaleConfig) -> Result<Scale, String> {
    let mut ranks = Vec::new();
    for (track, table) in [
        (Track::IndividualContributor, &config.ic),
        (Track::Management, &config.management),
    ] {
        for (name, value) in table.iter().flatten() {
            let grade = Grade::from_f64(*value).ok_or_else(|| {
                format!("grade {value} of `{name}` is not a number with at most one decimal")
            })?;
            ranks.push(Rank {
                words: words(name),
                name: name.clone(),
                track,
                grade,
            });
        }
    }
    ranks.sort_by(|a, b| b.words.len().cmp(&a.words.len()).then(a.name.cmp(&b.name)));
    let mut grades: Vec<Grade> = ranks.iter().map(|r| r.grade).collect();
    for value in config.other.iter().flatten() {
        grades.push(Grade::from_f64(*value).ok_or_else(|| {
            format!("grade {value} in `other` is not a number with at most one decimal")
        })?);
    }
    grades.sort();
    grades.dedup();
    Ok(Scale::new(ranks, grades, config.rank.unwrap_or(true)))
}

/// Lowercased words of a title, with punctuation as separators and common abbreviations
/// spelled out: `Sr.` → `senior`, `Mgr` → `manager`, `Vice President` → `vp`,
/// `Executive VP` → `evp`.
pub fn words(title: &str) -> Vec<String> {
    normalized_words(written_words(title))
}

/// The words of a title as written, before [`words`] lowercases them and spells out
/// abbreviations: its runs of letters, digits and `&` (Unicode letters and digits),
/// borrowed from `title`, none empty.
pub fn written_words(title: &str) -> WrittenWords<'_> {
    WrittenWords {
        title,
        at: 0,
        ascii: title.is_ascii(),
    }
}

/// The iterator of [`written_words`].
pub struct WrittenWords<'t> {
    title: &'t str,
    /// Where the rest of the title starts.
    at: usize,
    /// Whether the title is ASCII (nearly all are): then it is split byte by byte.
    ascii: bool,
}

impl<'t> Iterator for WrittenWords<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        if !self.ascii {
            let is_word = |c: char| c.is_alphanumeric() || c == '&';
            let rest = &self.title[self.at..];
            let start = rest.find(is_word)?;
            let len = rest[start..]
                .find(|c: char| !is_word(c))
                .unwrap_or(rest.len() - start);
            self.at += start + len;
            return Some(&rest[start..start + len]);
        }
        let b = self.title.as_bytes();
        let mut i = self.at;
        while i < b.len() && !WORD_BYTE[usize::from(b[i])] {
            i += 1;
        }
        if i == b.len() {
            return None;
        }
        let start = i;
        while i < b.len() && WORD_BYTE[usize::from(b[i])] {
            i += 1;
        }
        self.at = i;
        Some(&self.title[start..i])
    }
}

/// Which bytes [`WrittenWords`] keeps in words of an ASCII title: ASCII letters and digits, and `&`.
const WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        table[i] = c.is_ascii_alphanumeric() || c == b'&';
        i += 1;
    }
    table
};

/// [`words`] of the words `raw` as written (not empty).
fn normalized_words<'t>(raw: impl Iterator<Item = &'t str>) -> Vec<String> {
    let mut raw = raw.peekable();
    let lower = |w: &str| {
        if w.is_ascii() {
            w.to_ascii_lowercase()
        } else {
            w.to_lowercase()
        }
    };
    let is = |w: &str, x: &str| w.eq_ignore_ascii_case(x);
    let mut out: Vec<String> = Vec::with_capacity(8);
    while let Some(w) = raw.next() {
        if is(w, "vice") && raw.peek().is_some_and(|n| is(n, "president")) {
            raw.next();
            if out.last().is_some_and(|l| l == "executive") {
                out.pop();
                out.push("evp".into());
            } else {
                out.push("vp".into());
            }
            continue;
        }
        if is(w, "sr") {
            out.push("senior".into());
        } else if is(w, "mgr") {
            out.push("manager".into());
        } else if is(w, "vp") && out.last().is_some_and(|l| l == "executive") {
            out.pop();
            out.push("evp".into());
        } else {
            out.push(lower(w));
        }
    }
    out
}

/// Test inputs: `count` texts, each of 1 to `most` of `pieces` (repeats allowed), picked
/// by a fixed pseudo-random sequence, the same on every run.
#[cfg(test)]
pub(crate) fn generated_texts(pieces: &[&str], most: usize, count: usize) -> Vec<String> {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    (0..count)
        .map(|_| {
            (0..1 + next(most))
                .map(|_| pieces[next(pieces.len())])
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_parse_and_print() {
        assert_eq!(Grade::parse("7"), Some(Grade(70)));
        assert_eq!(Grade::parse("9.5"), Some(Grade(95)));
        assert_eq!(Grade::parse("#8"), Some(Grade(80)));
        assert_eq!(Grade::parse("{Title}"), None);
        assert_eq!(Grade(95).to_string(), "9.5");
        assert_eq!(Grade(120).to_string(), "12");
        assert_eq!(Grade::from_f64(9.5), Some(Grade(95)));
        assert_eq!(Grade::from_f64(9.55), None);
        assert_eq!(
            serde_json::to_string(&[Grade(70), Grade(95)]).unwrap(),
            "[7,9.5]"
        );
    }

    #[test]
    fn default_scale_is_gitlabs() {
        let scales = Scales::default();
        let s = scales.for_path("job-families/engineering/x.md");
        let shown: Vec<String> = s.grades.iter().map(|g| g.to_string()).collect();
        assert_eq!(
            shown,
            ["4", "5", "6", "7", "8", "9", "10", "11", "12", "14", "15"]
        );
        assert!(s.check_rank);
        assert!(
            !scales
                .for_path("job-families/sales/x/index.html.md")
                .check_rank
        );
        assert_eq!(s.ranks[0].words.len(), 2, "two-word ranks first");
        // The index: every rank word, and the ranks each starts.
        for word in ["senior", "manager", "principal", "chief", "group"] {
            assert!(s.is_rank_word(word), "{word}");
            let starting: Vec<usize> = (0..s.ranks.len())
                .filter(|&k| s.ranks[k].words[0] == word)
                .collect();
            assert_eq!(s.ranks_starting_with(word), starting, "{word}");
        }
        assert!(!s.is_rank_word("engineer"));
        assert!(s.ranks_starting_with("manager").len() == 1);
        assert!(s.ranks_starting_with("engineer").is_empty());
    }

    #[test]
    fn config_replaces_tables_and_folders_override() {
        let config: ScaleConfig = toml::from_str(
            "other = [9.5]\n[management]\nManager = 9\n[folders.\"job-families/product\"]\nother = [9.5, 13]\n",
        )
        .unwrap();
        let scales = Scales::from_config(&config).unwrap();
        let top = scales.for_path("job-families/eng/x.md");
        assert!(top.grades.contains(&Grade(95)));
        // The management table is replaced whole; the IC table stays the default.
        let management: Vec<&str> = top
            .ranks
            .iter()
            .filter(|r| r.track == Track::Management)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(management, ["Manager"]);
        assert!(
            top.ranks
                .iter()
                .any(|r| r.name == "Staff" && r.grade == Grade(80))
        );
        assert_eq!(
            top.ranks
                .iter()
                .find(|r| r.name == "Manager")
                .map(|r| r.grade),
            Some(Grade(90))
        );
        assert!(
            scales
                .for_path("job-families/product/pm.md")
                .grades
                .contains(&Grade(130))
        );
        assert!(!top.grades.contains(&Grade(130)));
        let bad: ScaleConfig = toml::from_str("other = [9.55]").unwrap();
        assert!(Scales::from_config(&bad).is_err());
    }

    #[test]
    fn a_sales_folder_config_keeps_rank_checks_off_unless_it_says_so() {
        let config: ScaleConfig =
            toml::from_str("[folders.\"job-families/sales\"]\nother = [13]\n").unwrap();
        let scales = Scales::from_config(&config).unwrap();
        let sales = scales.for_path("job-families/sales/x.md");
        assert!(!sales.check_rank);
        assert!(sales.grades.contains(&Grade(130)));
        let config: ScaleConfig =
            toml::from_str("[folders.\"job-families/sales\"]\nrank = true\n").unwrap();
        assert!(
            Scales::from_config(&config)
                .unwrap()
                .for_path("job-families/sales/x.md")
                .check_rank
        );
    }

    #[test]
    fn title_words_normalise_abbreviations() {
        assert_eq!(
            words("Sr. Manager, Red Team"),
            ["senior", "manager", "red", "team"]
        );
        assert_eq!(words("Vice President of Sales"), ["vp", "of", "sales"]);
        assert_eq!(words("Executive Vice President"), ["evp"]);
        assert_eq!(words("FP&A Manager"), ["fp&a", "manager"]);
    }

    #[test]
    fn ascii_and_other_titles_split_alike() {
        // ASCII titles are split byte by byte, others by Unicode letters and digits.
        assert_eq!(
            words("  Sr.Mgr,(Executive)-VP/R&D_2 "),
            ["senior", "manager", "evp", "r&d", "2"]
        );
        assert_eq!(
            words("Sr.Mgr, Straße-VP/R&D_2 É"),
            ["senior", "manager", "straße", "vp", "r&d", "2", "é"]
        );
        assert_eq!(words("Executive\tVice President"), ["evp"]);
        assert_eq!(words("Ingénieur  Senior"), ["ingénieur", "senior"]);
        assert!(words(" - , ").is_empty());
    }

    #[test]
    fn written_words_split_as_a_split_on_non_word_chars() {
        let pieces = [
            "", " ", "Sr.", "Mgr", "R&D", "Straße", "É", "-", "日本", "\u{A0}", "\t", "_", "9.5",
            "x", "ſ", "\u{212A}", ",", "&",
        ];
        for title in generated_texts(&pieces, 8, 20_000) {
            let want: Vec<&str> = title
                .split(|c: char| !c.is_alphanumeric() && c != '&')
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(written_words(&title).collect::<Vec<_>>(), want, "{title:?}");
        }
    }
}
