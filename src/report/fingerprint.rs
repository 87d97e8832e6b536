//! Fingerprints: a stable identity for each finding, for GitLab's Code Quality widget and
//! for `--baseline`.
//!
//! A fingerprint is the SHA-256 (hex) of the rule code, the path and the offending value
//! (the diagnostic's key: a link target, a level title, an anchor), never the line, so it
//! survives edits above the finding. Findings identical in all three on one page get a
//! counter (`#1`, `#2`, … in document order), so every fingerprint is unique.

use foldhash::{HashMap, HashMapExt};

use sha2::{Digest, Sha256};

use crate::Diagnostic;

/// One fingerprint per diagnostic, in the same order; `diagnostics` must be sorted (the
/// counter follows their order).
pub fn fingerprints(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let key = d.identity();
            let n = seen
                .entry((d.rule.code(), d.path.as_str(), key))
                .or_insert(0);
            let mut hasher = Sha256::new();
            hasher.update(d.rule.code().as_bytes());
            hasher.update([0]);
            hasher.update(d.path.as_bytes());
            hasher.update([0]);
            hasher.update(key.as_bytes());
            if *n > 0 {
                hasher.update(format!("\0#{n}").as_bytes());
            }
            *n += 1;
            hex(&hasher.finalize())
        })
        .collect()
}

/// Lowercase hex of `bytes`, two digits a byte.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rule;

    fn diag(line: usize, key: &str) -> Diagnostic {
        Diagnostic::in_file(Rule::BrokenLink, "content/a.md", line, 3, "m", "h").with_key(key)
    }

    #[test]
    fn independent_of_the_line_and_unique_for_repeats() {
        let a = fingerprints(&[diag(3, "/x/"), diag(9, "/y/"), diag(12, "/x/")]);
        let b = fingerprints(&[diag(30, "/x/"), diag(90, "/y/"), diag(120, "/x/")]);
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
        assert_ne!(a[0], a[2], "repeats are told apart");
        assert_eq!(a[0].len(), 64);
    }

    #[test]
    fn hex_is_two_lowercase_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }
}
