//! A small scanner for the raw HTML that Markdown pages carry (`<a id="x">`,
//! `<a name="x">`, `<a href="/y/">`, `<img src>`, `<div id>`): it finds tags and their
//! attributes with byte spans. Not an HTML parser: it reads start tags and skips
//! comments, which is all anchor and link extraction needs.

use std::ops::Range;

/// One attribute of one start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// Tag name, lowercased ASCII, e.g. `a`.
    pub tag: String,
    /// Attribute name, lowercased ASCII, e.g. `href`.
    pub name: String,
    /// The value with quotes removed (entities are not decoded).
    pub value: &'a str,
    /// Byte span of the value within the scanned text.
    pub span: Range<usize>,
}

/// Every attribute of every start tag in `html`, in order. Comments are skipped.
pub fn attributes(html: &str) -> Vec<Attribute<'_>> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = html[i..].find('<') {
        i += rel + 1;
        if html[i..].starts_with("!--") {
            match html[i..].find("-->") {
                Some(end) => i += end + 3,
                None => break,
            }
            continue;
        }
        let name_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
            i += 1;
        }
        if i == name_start {
            continue;
        }
        let tag = html[name_start..i].to_ascii_lowercase();
        // Attributes until `>`.
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' || bytes[i] == b'<' {
                break;
            }
            if bytes[i] == b'/' {
                i += 1;
                continue;
            }
            let attr_start = i;
            while i < bytes.len()
                && !matches!(bytes[i], b'=' | b'>' | b'/' | b'<')
                && !bytes[i].is_ascii_whitespace()
            {
                i += 1;
            }
            let name = html[attr_start..i].to_ascii_lowercase();
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] != b'=' {
                if i == attr_start {
                    i += 1;
                }
                continue;
            }
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (value_start, value_end) = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let start = i + 1;
                    let end = html[start..]
                        .find(q as char)
                        .map_or(bytes.len(), |e| start + e);
                    i = (end + 1).min(bytes.len());
                    (start, end)
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    (start, i)
                }
            };
            out.push(Attribute {
                tag: tag.clone(),
                name,
                value: &html[value_start..value_end],
                span: value_start..value_end,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ids_names_and_hrefs_with_spans() {
        let html = r#"<a id="intermediate-requirements"></a> <A NAME='Gitaly'> <a href=/x/>y</a><!-- <a id="no"> -->"#;
        let attrs = attributes(html);
        let got: Vec<_> = attrs
            .iter()
            .map(|a| (a.tag.as_str(), a.name.as_str(), a.value))
            .collect();
        assert_eq!(
            got,
            [
                ("a", "id", "intermediate-requirements"),
                ("a", "name", "Gitaly"),
                ("a", "href", "/x/")
            ]
        );
        assert_eq!(&html[attrs[0].span.clone()], "intermediate-requirements");
    }

    #[test]
    fn tolerates_broken_markup() {
        assert!(attributes("<a id=\"unclosed").len() == 1);
        assert!(attributes("a < b and c > d").is_empty());
        assert!(attributes("<").is_empty());
        assert_eq!(
            attributes("<iframe src=\"https://x\" allowfullscreen>").len(),
            1
        );
    }
}
