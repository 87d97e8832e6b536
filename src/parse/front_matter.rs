//! Front matter: find it in the original text (so every offset is a file offset), parse
//! it with gray_matter's YAML (`---`) or TOML (`+++`) engine, and read the keys `ladder`
//! uses. Damaged front matter is a `front-matter` diagnostic with a recovery, never a
//! lost page:
//! - unterminated (`---` on line 1, no closing line): the whole file is the body;
//! - closing `---` not on its own line (`title: x ---`): split there;
//! - no opening `---` (the file starts with `key: value` lines and a `---` line follows):
//!   the lines above `---` are read as front matter;
//! - every line break lost (one long line starting `--- key: …`): said exactly so;
//! - invalid YAML: the parser's line and column, mapped into the file;
//! - missing `title`, or a key of the wrong type (`title: [a, b]`).

use std::ops::Range;

use gray_matter::Pod;
use gray_matter::engine::Engine;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::SourceFile;

/// The front-matter keys `ladder` understands, plus all of them as data for templates.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FrontMatter {
    /// `title`, if present and a string (numbers are accepted as text).
    pub title: Option<String>,
    /// `description`, if present and a string.
    pub description: Option<String>,
    /// `layout`, e.g. `job_family_page` (Middleman's page type).
    pub layout: Option<String>,
    /// `permalink`, or else `canonical_path`, with the byte span of its line in the file.
    pub permalink: Option<(String, Range<usize>)>,
    /// Every key, converted to JSON values, sorted by key.
    pub data: serde_json::Map<String, Value>,
}

/// The result of reading a file's front matter.
#[derive(Debug, Clone, Default)]
pub struct Split {
    /// What was read (empty when there is none or it could not be parsed).
    pub front_matter: FrontMatter,
    /// Byte offset in the file where the Markdown body starts.
    pub body_start: usize,
    /// True when the file has no front matter at all (nothing damaged, nothing reported).
    pub absent: bool,
}

/// One line of the text: byte range without the line break, and start of the next line.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    next: usize,
}

fn lines(text: &str) -> impl Iterator<Item = Line> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let mut end = start;
        while end < bytes.len() && bytes[end] != b'\n' && bytes[end] != b'\r' {
            end += 1;
        }
        let mut next = end;
        if next < bytes.len() && bytes[next] == b'\r' {
            next += 1;
        }
        if next < bytes.len() && bytes[next] == b'\n' && (next == end || bytes[next - 1] == b'\r') {
            next += 1;
        }
        pos = next;
        Some(Line { start, end, next })
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Yaml,
    Toml,
}

/// Reads the front matter of `file`, pushing `front-matter` diagnostics to `diags`.
pub fn split(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Split {
    let text = file.text();
    let Some(first) = lines(text).next() else {
        return Split::default();
    };
    let first_text = &text[first.start..first.end];
    let delimiter = first_text.trim_end();
    // Only as many lines as the checks below look at: up to the closing delimiter (at most
    // 400 lines), or the first 62 lines when line 1 is not a delimiter. Scanning every
    // line of every page was a tenth of `check`.
    let all: Vec<Line> = if delimiter == "---" || delimiter == "+++" {
        let mut all = Vec::with_capacity(16);
        for l in lines(text).take(400) {
            let closes = !all.is_empty() && {
                let t = text[l.start..l.end].trim_end();
                t == delimiter || (delimiter == "---" && t == "...")
            };
            all.push(l);
            if closes {
                break;
            }
        }
        all
    } else {
        lines(text).take(62).collect()
    };

    if delimiter == "---" || delimiter == "+++" {
        let format = if delimiter == "---" {
            Format::Yaml
        } else {
            Format::Toml
        };
        let closing = all[1..].iter().position(|l| {
            let t = text[l.start..l.end].trim_end();
            t == delimiter || (format == Format::Yaml && t == "...")
        });
        let before_closing = &all[1..closing.map_or(all.len(), |c| c + 1)];
        // A closing delimiter glued to other text (`title: x ---`) above a later `---`
        // line (a thematic break in the body) is the real end of the front matter when
        // the text up to that later line does not parse.
        let glued = glued_delimiter(text, before_closing, delimiter).filter(|_| match closing {
            None => true,
            Some(c) => {
                let matter = &text[first.next..all[c + 1].start];
                match format {
                    Format::Yaml => gray_matter::engine::YAML::parse(matter).is_err(),
                    Format::Toml => gray_matter::engine::TOML::parse(matter).is_err(),
                }
            }
        });
        if let Some((_, at)) = glued {
            diags.push(
                Diagnostic::at(
                    Rule::FrontMatter,
                    file,
                    at..at + 3,
                    format!("the closing `{delimiter}` of the front matter is not on its own line"),
                    format!("put `{delimiter}` alone on a line, with nothing before or after it"),
                )
                .with_key("closing-delimiter"),
            );
            let front_matter =
                parse_matter(file, first.next..at, format, first.start..first.end, diags);
            return Split {
                front_matter,
                body_start: at + 3,
                absent: false,
            };
        }
        if let Some(c) = closing {
            let close = all[c + 1];
            let matter = first.next..close.start;
            let front_matter = parse_matter(file, matter, format, first.start..first.end, diags);
            return Split {
                front_matter,
                body_start: close.next,
                absent: false,
            };
        }
        diags.push(
            Diagnostic::at(
                Rule::FrontMatter,
                file,
                first.start..first.end,
                format!("front matter opened with `{delimiter}` on line 1 is never closed"),
                format!("add a line `{delimiter}` after the last front-matter key"),
            )
            .with_key("unterminated"),
        );
        return Split::default();
    }

    if first_text.starts_with("---") || first_text.starts_with("+++") {
        let delimiter = &first_text[..3];
        if all.len() == 1 && text.len() > 200 {
            diags.push(
                Diagnostic::at(
                    Rule::FrontMatter,
                    file,
                    0..3,
                    format!(
                        "the file has no line breaks: all {} bytes are on one line, so its front matter, headings and lists run together",
                        text.len()
                    ),
                    "restore the file's line breaks (it was probably saved by a tool that stripped them); front matter needs `---` alone on the first line",
                )
                .with_key("no-line-breaks"),
            );
        } else {
            diags.push(
                Diagnostic::at(
                    Rule::FrontMatter,
                    file,
                    0..first.end,
                    format!("the opening `{delimiter}` of the front matter is not alone on line 1"),
                    format!("put `{delimiter}` alone on line 1 and each key on its own line"),
                )
                .with_key("opening-delimiter"),
            );
        }
        return Split::default();
    }

    if let Some(close) = missing_opening(text, &all) {
        diags.push(
            Diagnostic::at(
                Rule::FrontMatter,
                file,
                first.start..first.end,
                "front matter has no opening `---`: the file starts with `key: value` lines that end at a `---` line",
                format!("add a line `---` above line 1 (the closing `---` is on line {})", file.position(close.start).line),
            )
            .with_key("missing-opening"),
        );
        let front_matter = parse_matter(
            file,
            0..close.start,
            Format::Yaml,
            first.start..first.end,
            diags,
        );
        return Split {
            front_matter,
            body_start: close.next,
            absent: false,
        };
    }

    Split {
        absent: true,
        ..Split::default()
    }
}

/// A `---` glued to the end (`title: x ---`) or start (`--- ## Heading`) of a line:
/// (index in `rest`, byte offset of the `---`).
fn glued_delimiter(text: &str, rest: &[Line], delimiter: &str) -> Option<(usize, usize)> {
    for (i, l) in rest.iter().enumerate().take(60) {
        let line = &text[l.start..l.end];
        let trimmed = line.trim_end();
        if trimmed.len() > 3
            && trimmed.ends_with(delimiter)
            && trimmed[..trimmed.len() - 3].ends_with(' ')
        {
            return Some((i, l.start + trimmed.len() - 3));
        }
        if line.starts_with(delimiter) && line.len() > 3 && line.as_bytes()[3] == b' ' {
            return Some((i, l.start));
        }
    }
    None
}

/// The closing `---` line of front matter whose opening line is missing.
fn missing_opening(text: &str, all: &[Line]) -> Option<Line> {
    let is_key = |s: &str| {
        let Some((key, _)) = s.split_once(':') else {
            return false;
        };
        !key.is_empty()
            && key
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if !is_key(&text[all[0].start..all[0].end]) {
        return None;
    }
    for l in all.iter().skip(1).take(60) {
        let line = &text[l.start..l.end];
        if line.trim_end() == "---" {
            return Some(*l);
        }
        let plausible = line.trim().is_empty()
            || is_key(line)
            || line.starts_with(' ')
            || line.starts_with('\t')
            || line.starts_with("- ")
            || line.starts_with('#');
        if !plausible {
            return None;
        }
    }
    None
}

/// Parses the front-matter text at `range` of the file and reads its keys.
fn parse_matter(
    file: &SourceFile,
    range: Range<usize>,
    format: Format,
    opening: Range<usize>,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let matter = &file.text()[range.clone()];
    let parsed = match format {
        Format::Yaml => match simple_yaml(matter) {
            Some(pod) => Ok(pod),
            None => gray_matter::engine::YAML::parse(matter),
        },
        Format::Toml => gray_matter::engine::TOML::parse(matter),
    };
    let pod = match parsed {
        Ok(pod) => pod,
        Err(err) => {
            let error = syntax_error(file, range.start, matter, format, &err.to_string());
            // Lenient parsers (libyaml: Ruby's Psych, which Middleman used, and PyYAML)
            // accept quoted values continued on an unindented line; strict YAML does not.
            // Read it as they did, and warn.
            match (format, lenient_yaml(matter)) {
                (Format::Yaml, Some(pod)) => {
                    diags.push(Diagnostic {
                        message: format!(
                            "{}; lenient parsers accept this, strict YAML parsers reject it",
                            error.message
                        ),
                        help: "indent the continuation line by two spaces, or keep the value on one line".to_string(),
                        severity: Severity::Warning,
                        key: "unindented-continuation".to_string(),
                        ..error
                    });
                    pod
                }
                _ => {
                    diags.push(error);
                    return FrontMatter::default();
                }
            }
        }
    };
    let mut fm = FrontMatter::default();
    let hash = match pod {
        Pod::Hash(hash) => hash,
        Pod::Null => Default::default(),
        other => {
            diags.push(
                Diagnostic::at(
                    Rule::FrontMatter,
                    file,
                    range.start..range.end.max(range.start),
                    format!(
                        "front matter must be a mapping of keys to values, found {}",
                        pod_kind(&other)
                    ),
                    "write one `key: value` per line",
                )
                .with_key("not-a-mapping"),
            );
            return fm;
        }
    };
    for (key, value) in &hash {
        fm.data.insert(key.clone(), pod_to_json(value));
    }
    fm.data.sort_keys();

    let mut string_key = |key: &str| -> Option<(String, Range<usize>)> {
        let value = hash.get(key)?;
        let span = key_span(file, range.clone(), key);
        match value {
            Pod::String(s) => Some((s.clone(), span)),
            Pod::Integer(i) => Some((i.to_string(), span)),
            Pod::Float(f) => Some((f.to_string(), span)),
            Pod::Null => None,
            other => {
                diags.push(
                    Diagnostic::at(
                        Rule::FrontMatter,
                        file,
                        span,
                        format!("`{key}` must be text, found {}", pod_kind(other)),
                        format!("write `{key}: \"…\"` with one quoted value"),
                    )
                    .with_key(format!("type:{key}")),
                );
                None
            }
        }
    };
    fm.title = string_key("title")
        .map(|(s, _)| s)
        .filter(|s| !s.trim().is_empty());
    fm.description = string_key("description").map(|(s, _)| s);
    fm.layout = string_key("layout").map(|(s, _)| s);
    fm.permalink = string_key("permalink").or_else(|| string_key("canonical_path"));
    if fm.title.is_none() && !diags.iter().any(|d| d.key == "type:title") {
        diags.push(
            Diagnostic::at(
                Rule::FrontMatter,
                file,
                opening,
                "front matter has no `title`",
                "add `title: \"…\"`: it is the page's heading, its <title> and its name in folder listings",
            )
            .with_key("missing-title"),
        );
    }
    fm
}

/// The YAML front matter `matter` as the YAML engine reads it, when it is nothing but
/// `key: value` lines and each value is a string on its line: double-quoted without `"` or
/// `\` inside, single-quoted without `'` inside, or plain text that YAML reads as a string
/// (not `true`, `12`, `~`: yaml-rust2's own rule, [`yaml_rust2::Yaml::from_str`], decides).
/// `None` for anything else (comments, nested values, lists, block scalars, a repeated
/// key, tabs or control characters, CRLF line ends, …): the YAML engine reads those.
///
/// Nearly every page's front matter is this shape (in the real corpus, `title`,
/// `description` and `layout`), and the YAML engine took about 36,000 instructions for
/// three such lines: 6% of a `check` of 1,000 synthetic pages (callgrind).
fn simple_yaml(matter: &str) -> Option<Pod> {
    let string = |s: &str| match yaml_rust2::Yaml::from_str(s) {
        yaml_rust2::Yaml::String(s) => Some(s),
        _ => None,
    };
    // Only printable chars, no tabs: YAML's rules for the others are not worth
    // repeating here.
    let printable = |c: char| {
        c >= ' '
            && !('\u{7f}'..='\u{9f}').contains(&c)
            && !matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
    };
    let mut hash = std::collections::HashMap::new();
    for line in matter.split('\n') {
        if line.is_empty() {
            continue;
        }
        let (key, value) = line.split_once(": ")?;
        let key_ok = key.len() <= 128
            && key.bytes().enumerate().all(|(i, b)| {
                b.is_ascii_alphabetic() || b == b'_' || (i > 0 && (b.is_ascii_digit() || b == b'-'))
            });
        if !key_ok || !value.chars().all(printable) {
            return None;
        }
        let value = value.trim_matches(' ');
        let text = if let Some(inner) = value.strip_prefix('"') {
            let inner = inner.strip_suffix('"')?;
            (!inner.contains(['"', '\\'])).then(|| inner.to_string())?
        } else if let Some(inner) = value.strip_prefix('\'') {
            let inner = inner.strip_suffix('\'')?;
            (!inner.contains('\'')).then(|| inner.to_string())?
        } else {
            // A plain scalar: not starting with an indicator, without a `: ` or ` #`
            // inside, and read as a string.
            let first = value.chars().next()?;
            if "-?:,[]{}#&*!|>%@`".contains(first)
                || value.contains(": ")
                || value.contains(" #")
                || value.ends_with(':')
            {
                return None;
            }
            string(value)?
        };
        if hash.insert(string(key)?, Pod::String(text)).is_some() {
            return None;
        }
    }
    (!hash.is_empty()).then_some(Pod::Hash(hash))
}

/// Parses YAML whose quoted values continue on unindented lines, by indenting every
/// line that is not a top-level key, list item, comment or blank line.
fn lenient_yaml(matter: &str) -> Option<Pod> {
    let mut fixed = String::with_capacity(matter.len() + 64);
    let mut changed = false;
    for line in matter.split_inclusive('\n') {
        let starts_key = line.split_once(':').is_some_and(|(k, _)| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
        let plain = line.trim().is_empty() || line.starts_with([' ', '\t', '-', '#']) || starts_key;
        if !plain {
            fixed.push_str("  ");
            changed = true;
        }
        fixed.push_str(line);
    }
    if !changed {
        return None;
    }
    gray_matter::engine::YAML::parse(&fixed).ok()
}

/// The span of the line that defines top-level `key` in the front matter at `range`.
fn key_span(file: &SourceFile, range: Range<usize>, key: &str) -> Range<usize> {
    let matter = &file.text()[range.clone()];
    for l in lines(matter) {
        let line = &matter[l.start..l.end];
        let bare = line.trim_start_matches(['"', '\'']);
        if let Some(rest) = bare.strip_prefix(key) {
            let rest = rest.trim_start_matches(['"', '\'']).trim_start();
            if rest.starts_with(':') || rest.starts_with('=') {
                return range.start + l.start..range.start + l.end;
            }
        }
    }
    range.start..range.start
}

/// A `front-matter` diagnostic for a YAML/TOML syntax error, at the parser's position.
fn syntax_error(
    file: &SourceFile,
    start: usize,
    matter: &str,
    format: Format,
    message: &str,
) -> Diagnostic {
    let first_line = file.position(start).line;
    let (line, column, info) = match format {
        Format::Yaml => match yaml_rust2::YamlLoader::load_from_str(matter) {
            Err(e) => (
                e.marker().line(),
                e.marker().col() + 1,
                e.info().to_string(),
            ),
            Ok(_) => (1, 1, message.to_string()),
        },
        Format::Toml => (1, 1, message.trim().to_string()),
    };
    let line = first_line + line.saturating_sub(1);
    let what = if format == Format::Yaml {
        "YAML"
    } else {
        "TOML"
    };
    let mut help = format!(
        "fix the {what} syntax; quote values that contain `: ` or start with a special character"
    );
    if matter.contains('\t') && info.contains("tab") {
        help = "YAML does not allow tabs for indentation: indent with spaces".to_string();
    }
    // yaml-rust2 names the key as Rust sees it: `String("title"): duplicated key in mapping`.
    let info = match info.strip_suffix(": duplicated key in mapping") {
        Some(key) => {
            let key = key
                .strip_prefix("String(\"")
                .and_then(|k| k.strip_suffix("\")"))
                .unwrap_or(key);
            help = format!("each key may appear once: keep one of the `{key}` lines");
            format!("the key `{key}` appears twice")
        }
        None => info,
    };
    let line_len = file.line_text(line).chars().count();
    Diagnostic::in_file(
        Rule::FrontMatter,
        &file.path,
        line,
        column.min(line_len + 1),
        format!("invalid {what} in front matter: {info}"),
        help,
    )
    .with_key("syntax")
}

fn pod_kind(pod: &Pod) -> &'static str {
    match pod {
        Pod::Null => "nothing",
        Pod::String(_) => "text",
        Pod::Integer(_) | Pod::Float(_) => "a number",
        Pod::Boolean(_) => "true/false",
        Pod::Array(_) => "a list",
        Pod::Hash(_) => "a mapping",
    }
}

fn pod_to_json(pod: &Pod) -> Value {
    match pod {
        Pod::Null => Value::Null,
        Pod::String(s) => Value::String(s.clone()),
        Pod::Integer(i) => Value::from(*i),
        Pod::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Pod::Boolean(b) => Value::Bool(*b),
        Pod::Array(items) => Value::Array(items.iter().map(pod_to_json).collect()),
        Pod::Hash(hash) => {
            let mut map: serde_json::Map<String, Value> = hash
                .iter()
                .map(|(k, v)| (k.clone(), pod_to_json(v)))
                .collect();
            map.sort_keys();
            Value::Object(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the YAML engine makes of `matter`, as `simple_yaml` must give it.
    fn engine(matter: &str) -> Option<Pod> {
        gray_matter::engine::YAML::parse(matter).ok()
    }

    #[test]
    fn simple_yaml_reads_what_the_yaml_engine_reads_or_leaves_it_to_the_engine() {
        let keys = [
            "title", "x-y", "_k", "a1", "Title", "true", "null", "y", "on",
        ];
        let values = [
            "\"Senior Engineer\"",
            "'Senior Engineer'",
            "job_family_page",
            "Director, Sales",
            "Product Designer (UX) - Marketing",
            "Online Sales & Self Service",
            "\"a: b # c\"",
            "'a\"b'",
            "\"it's\"",
            "'It''s'",
            "\"a\\\"b\"",
            "\"a\\nb\"",
            "\"\"",
            "''",
            "true",
            "True",
            "FALSE",
            "yes",
            "no",
            "~",
            "null",
            "Null",
            "12",
            "+5",
            "-5",
            "0x1F",
            "0o17",
            "1e3",
            "1_000",
            "3.",
            ".inf",
            "-.INF",
            ".NaN",
            "nan",
            "inf",
            "Infinity",
            "2022-11-01",
            "e5",
            "-x",
            "a: b",
            "a:b",
            "a #b",
            "a#b",
            "\"x\" # c",
            "x:",
            "",
            "[a, b]",
            "{a: 1}",
            "&a x",
            "*a",
            "!t x",
            "!!str 5",
            "|",
            ">",
            "%x",
            "@x",
            "`x",
            "? x",
            ": x",
            "a\tb",
            "\"a\tb\"",
            "a  ",
            "  a",
            "\"a\" ",
            "é ü ✓",
            "a\u{a0}",
            "a\u{85}b",
            "a\u{2028}b",
            "\"a\u{7f}\"",
            "a\rb",
            "\"unterminated",
            "'open",
            "x\"",
            "a, b",
            "'a' b",
            "\"a\" b",
        ];
        let mut taken = 0;
        let mut check = |matter: &str| {
            if let Some(pod) = simple_yaml(matter) {
                taken += 1;
                assert_eq!(Some(pod), engine(matter), "{matter:?}");
            }
        };
        for key in keys {
            for value in values {
                check(&format!("{key}: {value}\n"));
                check(&format!("{key}: {value}"));
                check(&format!("{key}:  {value}  \nother: x\n"));
                check(&format!("{key}: {value}\n{key}: {value}\n"));
                check(&format!("{key}: {value}\n  more\n"));
                check(&format!("{key}: {value}\n\nlast: \"z\"\n"));
                check(&format!("# note\n{key}: {value}\n"));
                check(&format!(" {key}: {value}\n"));
                check(&format!("{key}: {value}\r\n"));
                check(&format!("- {key}: {value}\n"));
            }
        }
        // The common shapes are read here, not by the engine.
        assert!(taken > 500, "{taken}");
        for matter in [
            "title: \"Backend Engineer\"\ndescription: \"Builds things.\"\nlayout: job_family_page\n",
            "title: Director, Digital Success\nlayout: job_family_page\n",
        ] {
            assert!(simple_yaml(matter).is_some(), "{matter:?}");
        }
        // What it must leave to the engine.
        for matter in [
            "title: \"A\"\ntitle: \"B\"\n",
            "title: true\n",
            "title: \"a\\\"b\"\n",
            "extra_js:\n- a.js\n",
            "title: a # comment\n",
            "",
        ] {
            assert!(simple_yaml(matter).is_none(), "{matter:?}");
        }
    }

    #[test]
    fn simple_yaml_reads_the_real_corpus_front_matter_as_the_engine_does() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/gitlab-2022-11");
        if !corpus.join("content").is_dir() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but {} is missing",
                corpus.display()
            );
            eprintln!("skipped: {} not found", corpus.display());
            return;
        }
        let (mut pages, mut taken) = (0, 0);
        for entry in walkdir::WalkDir::new(corpus.join("content")) {
            let entry = entry.unwrap();
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let Some(rest) = text.strip_prefix("---\n") else {
                continue;
            };
            let Some(end) = rest.find("\n---") else {
                continue;
            };
            let matter = &rest[..end + 1];
            pages += 1;
            if let Some(pod) = simple_yaml(matter) {
                taken += 1;
                assert_eq!(Some(pod), engine(matter), "{}", entry.path().display());
            }
        }
        // Nearly all of it: the rest has lists (`extra_js:`) or quotes inside.
        assert!(pages > 150 && taken * 10 > pages * 8, "{taken} of {pages}");
    }

    fn run(text: &str) -> (Split, Vec<Diagnostic>) {
        let file = SourceFile::for_test("p.md", text);
        let mut diags = Vec::new();
        let split = split(&file, &mut diags);
        (split, diags)
    }

    #[test]
    fn plain_yaml_front_matter() {
        let text = "---\ntitle: \"Backend\"\nlayout: job_family_page\n---\n\nBody\n";
        let (s, d) = run(text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.front_matter.title.as_deref(), Some("Backend"));
        assert_eq!(s.front_matter.layout.as_deref(), Some("job_family_page"));
        assert_eq!(&text[s.body_start..], "\nBody\n");
    }

    #[test]
    fn crlf_and_toml() {
        let (s, d) = run("---\r\ntitle: A\r\n---\r\nBody");
        assert!(d.is_empty());
        assert_eq!(s.front_matter.title.as_deref(), Some("A"));
        let (s, d) = run("+++\ntitle = \"T\"\n+++\nBody");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.front_matter.title.as_deref(), Some("T"));
    }

    #[test]
    fn yaml_error_is_mapped_into_the_file() {
        let (_, d) = run("---\ntitle: ok\ndescription: \"unclosed\n---\nBody\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule, Rule::FrontMatter);
        assert!(d[0].message.starts_with("invalid YAML"), "{}", d[0].message);
        assert!(d[0].line >= 3, "line {}", d[0].line);
    }

    #[test]
    fn unindented_quoted_continuation_is_read_leniently_with_a_warning() {
        let (s, d) = run("---\nlayout: x\ndescription: \"abc def\n\"\ntitle: Y\n---\nBody\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(
            d[0].message.contains("strict YAML parsers reject it"),
            "{}",
            d[0].message
        );
        assert_eq!(s.front_matter.title.as_deref(), Some("Y"));
        assert_eq!(s.front_matter.description.as_deref(), Some("abc def "));
    }

    #[test]
    fn unterminated() {
        let (s, d) = run("---\ntitle: x\n\nBody\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("never closed"));
        assert_eq!((d[0].line, d[0].column), (1, 1));
        assert_eq!(s.body_start, 0);
    }

    #[test]
    fn closing_delimiter_glued_to_a_value() {
        let text = "---\ntitle: x ---\n## Body\n";
        let (s, d) = run(text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("not on its own line"));
        assert_eq!((d[0].line, d[0].column), (2, 10));
        assert_eq!(s.front_matter.title.as_deref(), Some("x"));
    }

    #[test]
    fn glued_closing_delimiter_before_a_thematic_break() {
        let text = "---\ntitle: Glued ---\n## Role\n\nSome text.\n\n---\n\nMore text.\n";
        let (s, d) = run(text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].column), (2, 14));
        assert_eq!(s.front_matter.title.as_deref(), Some("Glued"));
        assert!(text[s.body_start..].trim_start().starts_with("## Role"));
        // A valid front matter with a value ending in ` ---` is left alone.
        let (s, d) = run("---\ntitle: A ---\n---\nBody\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.front_matter.title.as_deref(), Some("A ---"));
    }

    #[test]
    fn missing_opening_delimiter_is_recovered() {
        let text = "layout: job_family_page\ntitle: Program Manager\n---\n\nBody\n";
        let (s, d) = run(text);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("no opening `---`"));
        assert_eq!(s.front_matter.title.as_deref(), Some("Program Manager"));
        assert_eq!(&text[s.body_start..], "\nBody\n");
    }

    #[test]
    fn lost_line_breaks_are_named() {
        let text = format!(
            "--- layout: job_family_page title: \"X\" --- ## Role {}",
            "text ".repeat(60)
        );
        let (_, d) = run(&text);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.starts_with("the file has no line breaks"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn missing_title_and_wrong_types() {
        let (_, d) = run("---\nlayout: x\n---\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "front matter has no `title`");
        let (_, d) = run("---\nlayout: x\ntitle:\n  - a\n  - b\n---\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "`title` must be text, found a list");
        assert_eq!(d[0].line, 3);
    }

    #[test]
    fn no_front_matter_at_all() {
        let (s, d) = run("# Just Markdown\n");
        assert!(d.is_empty());
        assert!(s.absent);
        assert_eq!(s.body_start, 0);
        assert_eq!(s.front_matter, FrontMatter::default());
    }

    #[test]
    fn permalink_falls_back_to_canonical_path() {
        let (s, _) = run("---\ntitle: A\ncanonical_path: \"/a/b/\"\n---\n");
        let (value, span) = s.front_matter.permalink.unwrap();
        assert_eq!(value, "/a/b/");
        assert!(span.start > 0);
    }
}
