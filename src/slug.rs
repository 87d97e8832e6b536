//! Slugs: the one function that both makes the heading ids we render and resolves
//! `#fragment`s, so a link checks against exactly what the browser will see.
//!
//! The rule is GitHub's and kramdown's common core: lowercase; letters and digits (any
//! script) kept; spaces become `-`; `-` and `_` kept; all other punctuation dropped.
//! Repeats on one page get `-1`, `-2`, … ([`Slugger`]).

use std::collections::hash_map::Entry;
use std::fmt::Write as _;

use foldhash::HashMap;

/// The slug of `text`: `"Senior Backend Engineer"` → `senior-backend-engineer`,
/// `"What you'll do!"` → `what-youll-do`, `"Café & Co"` → `café--co`.
pub fn slugify(text: &str) -> String {
    let text = text.trim();
    if text.is_ascii() {
        // Nearly every heading: byte by byte through a table, without decoding chars or
        // Unicode tables.
        // Each byte is written, and kept (the length moved past it) unless dropped.
        let mut slug = vec![0; text.len()];
        let mut len = 0;
        for &b in text.as_bytes() {
            let kept = ASCII_SLUG[usize::from(b & 0x7f)];
            slug[len] = kept;
            len += usize::from(kept != 0);
        }
        slug.truncate(len);
        // Only ASCII bytes were pushed.
        return String::from_utf8(slug).unwrap_or_default();
    }
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
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

/// What each ASCII byte becomes in a slug: itself (`a`–`z`, `0`–`9`, `_`, `-`), its
/// lowercase (`A`–`Z`), `-` (a space), or 0 when dropped (punctuation and the rest).
const ASCII_SLUG: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            c @ (b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-') => c,
            c @ b'A'..=b'Z' => c.to_ascii_lowercase(),
            b' ' => b'-',
            _ => 0,
        };
        b += 1;
    }
    table
};

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

    /// Makes room for `n` more ids (the headings about to get one), so the table is not
    /// grown step by step.
    pub fn expect(&mut self, n: usize) {
        self.seen.reserve(n);
    }

    /// The unique id for a heading with text `text`; an empty slug becomes `section`.
    pub fn unique(&mut self, text: &str) -> String {
        let mut base = slugify(text);
        if base.is_empty() {
            base = "section".to_string();
        }
        // One look-up for a new slug (nearly all), which is the id.
        let (base, mut n) = match self.seen.entry(base) {
            Entry::Vacant(v) => {
                let id = v.key().clone();
                v.insert(0);
                return id;
            }
            Entry::Occupied(o) => (o.key().clone(), *o.get()),
        };
        // `{base}-{n}`, written into one buffer.
        let mut candidate = String::with_capacity(base.len() + 4);
        loop {
            n += 1;
            candidate.clear();
            candidate.push_str(&base);
            candidate.push('-');
            let _ = write!(candidate, "{n}");
            if !self.seen.contains_key(&candidate) {
                self.seen.insert(base, n);
                self.seen.insert(candidate.clone(), 0);
                break candidate;
            }
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
    fn ascii_text_slugs_as_any_other() {
        // ASCII text takes a path of its own: each ASCII char slugs as it does in text
        // that is not all ASCII.
        for b in 0..128u8 {
            let c = char::from(b);
            assert_eq!(
                slugify(&format!("A{c}b")) + "é",
                slugify(&format!("A{c}bé")),
                "{c:?}"
            );
        }
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
