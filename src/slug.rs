//! Slugs: the one function that both makes the heading ids we render and resolves
//! `#fragment`s, so a link checks against exactly what the browser will see.
//!
//! The rule is GitHub's and kramdown's common core: lowercase; letters and digits (any
//! script) kept; spaces become `-`; `-` and `_` kept; all other punctuation dropped.
//! Repeats on one page get `-1`, `-2`, … ([`Slugger`]).

use foldhash::HashMap;

/// The slug of `text`: `"Senior Backend Engineer"` → `senior-backend-engineer`,
/// `"What you'll do!"` → `what-youll-do`, `"Café & Co"` → `café--co`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() {
            // Nearly every heading is ASCII: lowercase without the Unicode tables.
            slug.push(c.to_ascii_lowercase());
        } else if c == ' ' || c == '-' {
            slug.push('-');
        } else if c == '_' {
            slug.push('_');
        } else if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        }
    }
    slug
}

/// Makes unique ids for the headings of one page, in document order.
///
/// The first heading with a slug gets it plain; later ones get `-1`, `-2`, … skipping
/// any id already taken (including explicit ids registered with [`Slugger::reserve`]).
#[derive(Debug, Default)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    /// A slugger with no ids taken.
    pub fn new() -> Self {
        Slugger::default()
    }

    /// Marks `id` as taken (an explicit `{#id}` or `<a id>`), so generated ids avoid it.
    pub fn reserve(&mut self, id: &str) {
        self.seen.entry(id.to_string()).or_insert(0);
    }

    /// The unique id for a heading with text `text`; an empty slug becomes `section`.
    pub fn unique(&mut self, text: &str) -> String {
        let mut base = slugify(text);
        if base.is_empty() {
            base = "section".to_string();
        }
        match self.seen.get(&base).copied() {
            None => {
                self.seen.insert(base.clone(), 0);
                base
            }
            Some(mut n) => loop {
                n += 1;
                let candidate = format!("{base}-{n}");
                if !self.seen.contains_key(&candidate) {
                    self.seen.insert(base.clone(), n);
                    self.seen.insert(candidate.clone(), 0);
                    break candidate;
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_lowercases_and_drops_punctuation() {
        assert_eq!(
            slugify("Senior Backend Engineer"),
            "senior-backend-engineer"
        );
        assert_eq!(slugify("What you'll do!"), "what-youll-do");
        assert_eq!(slugify("Manager, Red Team"), "manager-red-team");
        assert_eq!(slugify("  Job Grade  "), "job-grade");
        assert_eq!(slugify("Café & Co"), "café--co");
        assert_eq!(slugify("snake_case-and-dash"), "snake_case-and-dash");
        assert_eq!(slugify("1:1s"), "11s");
        assert_eq!(slugify("***"), "");
    }

    #[test]
    fn repeats_get_numbered_suffixes() {
        let mut s = Slugger::new();
        assert_eq!(s.unique("Requirements"), "requirements");
        assert_eq!(s.unique("Requirements"), "requirements-1");
        assert_eq!(s.unique("Requirements"), "requirements-2");
        assert_eq!(s.unique("!!!"), "section");
    }

    #[test]
    fn generated_ids_avoid_reserved_and_earlier_suffixes() {
        let mut s = Slugger::new();
        s.reserve("requirements-1");
        assert_eq!(s.unique("Requirements"), "requirements");
        assert_eq!(s.unique("Requirements"), "requirements-2");
        // A heading literally titled "Requirements 2" slugs to a taken id.
        assert_eq!(s.unique("Requirements 2"), "requirements-2-1");
    }
}
