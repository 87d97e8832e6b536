//! Text decoded with the wrong code page: UTF-8 read as Windows-1252 (mojibake), found
//! while the page's text is at hand and reported by the `encoding` rule.

/// The Windows-1252 byte each char stands for, for chars that code page maps from
/// 0x80–0xBF (UTF-8 continuation bytes); `None` for others.
fn cp1252_continuation(c: char) -> Option<u8> {
    let byte = match c {
        '\u{A0}'..='\u{BF}' => c as u32 as u8,
        '€' => 0x80,
        '\u{81}' => 0x81,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        '\u{8D}' => 0x8D,
        'Ž' => 0x8E,
        '\u{8F}' => 0x8F,
        '\u{90}' => 0x90,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        '\u{9D}' => 0x9D,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(byte)
}

/// Whether `c` is a char that mis-decoded Western text plausibly stood for: Latin-1 and
/// Latin Extended letters, general punctuation (’ “ — …), €, ™. Sequences that decode to
/// anything else (CJK, NKo) are accented letters followed by real punctuation, as in
/// `„Spaß“` or `résumé—“`, not mojibake.
fn plausible(c: char) -> bool {
    matches!(c, '\u{A0}'..='\u{24F}' | '\u{2010}'..='\u{206F}' | '\u{20AC}' | '\u{2122}')
}

/// Finds text that is UTF-8 decoded as Windows-1252 (`GitLabâ€™s`): a lead char
/// U+00C2–U+00F4 followed by the continuation chars of a valid UTF-8 sequence. Returns
/// (byte range, the text it should read).
pub fn find_mojibake(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut found = Vec::new();
    // Every lead char (U+00C2–U+00F4) is encoded starting with byte 0xC3, which only
    // ever starts a char: visit those bytes (memchr's SIMD search) instead of decoding
    // every char. Most pages have none.
    let mut resume = 0;
    for start in memchr::memchr_iter(0xC3, text.as_bytes()) {
        if start < resume {
            continue;
        }
        let mut chars = text[start..].char_indices();
        let Some((_, c)) = chars.next() else { break };
        let needed = match c {
            '\u{C2}'..='\u{DF}' => 1,
            '\u{E0}'..='\u{EF}' => 2,
            '\u{F0}'..='\u{F4}' => 3,
            _ => continue,
        };
        // The UTF-8 bytes the chars stand for: a lead byte and up to 3 continuations.
        let mut bytes = [c as u32 as u8, 0, 0, 0];
        let mut len = 1;
        let mut end = start + c.len_utf8();
        for (i, next) in chars.take(needed) {
            match cp1252_continuation(next) {
                Some(b) => {
                    bytes[len] = b;
                    len += 1;
                    end = start + i + next.len_utf8();
                }
                None => break,
            }
        }
        if len == needed + 1
            && let Ok(fixed) = std::str::from_utf8(&bytes[..len])
            && fixed.chars().all(plausible)
        {
            found.push((start..end, fixed.to_string()));
            resume = end;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mojibake_is_found_and_fixed() {
        let found = find_mojibake("GitLabâ€™s values and cafÃ© Â· ok");
        let fixed: Vec<_> = found.iter().map(|(_, f)| f.as_str()).collect();
        assert_eq!(fixed, ["’", "é", "·"]);
    }

    #[test]
    fn sequences_side_by_side_are_each_found() {
        // A lead char followed by another lead char starts no sequence; the second one
        // does. Sequences right after each other are found one by one.
        let text = "\u{C3}\u{C3}\u{A9}\u{C3}\u{A9}\u{E2}\u{20AC}\u{2122}";
        let found = find_mojibake(text);
        let spans: Vec<_> = found.iter().map(|(r, f)| (r.clone(), f.as_str())).collect();
        assert_eq!(spans, [(2..6, "é"), (6..10, "é"), (10..18, "’")]);
    }

    #[test]
    fn real_accents_are_not_mojibake() {
        assert!(find_mojibake("café, naïve, Zürich, “quotes” — dash, 日本").is_empty());
        // A lone Â or â followed by ordinary text is not a sequence.
        assert!(find_mojibake("Â la carte, â test").is_empty());
        assert!(find_mojibake("Das macht „Spaß“. Her résumé—“quoted”—was long.").is_empty());
    }
}
