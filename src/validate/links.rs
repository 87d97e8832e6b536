//! Links and anchors: classify each link as written, resolve it against the [`Site`]
//! as a browser and a static server would, and check its `#fragment` against the ids the
//! target page is rendered with.
//!
//! - `#x` and `` (empty) fragments on the same page; `#` and `#top` are always fine.
//! - Root-relative (`/a/b/`), relative (`../b/`, resolved against the page's URL as a
//!   browser does) and absolute links to the site's own hosts (`base_url`'s host and
//!   `[links] internal_hosts`) are internal. Paths and fragments are percent-decoded;
//!   fragments then match ids exactly (ids are case-sensitive in browsers).
//! - Internal paths in the site's own tree must resolve (`broken-link`); paths outside it
//!   are checked against `[links] known_paths` when configured (`unknown-path`), and
//!   counted as unchecked otherwise.
//! - A link a browser would read as `javascript:`, `vbscript:` or `data:` is an
//!   `unsafe-link` and is not checked further.

use std::borrow::Cow;

use foldhash::HashSet;

use percent_encoding::percent_decode_str;

use unicode_normalization::UnicodeNormalization;

use crate::diagnostic::{Diagnostic, Rule};
use crate::model::{Page, Site, Target};
use crate::parse::{Link, Markdown};
use crate::slug::slugify;
use crate::source::SourceFile;

/// What a link's destination means, before looking anything up. Its strings borrow from
/// the link's destination or the page's URL when they are those bytes as written (most
/// links need no decoding and no resolving).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget<'a> {
    /// `#fragment` on the page itself (decoded).
    SamePage {
        /// The decoded fragment, without `#`.
        fragment: Cow<'a, str>,
    },
    /// A path served by the site's own host.
    Internal {
        /// Decoded URL path, starting with `/`, without query or fragment.
        path: Cow<'a, str>,
        /// Decoded fragment, if any (without `#`).
        fragment: Option<Cow<'a, str>>,
    },
    /// An `http(s)` link to another host.
    External,
    /// `mailto:`, `tel:` and other schemes; empty destinations.
    Other,
}

/// Classifies `dest`, written on the page served at `page_url`.
/// `internal_hosts` are lowercase hosts (with port) whose absolute links are internal;
/// `base_host` is the base URL's host (lowercase): absolute links to it have `base_path`
/// (`/handbook`, or empty) stripped.
pub fn classify<'a>(
    dest: &'a str,
    page_url: &'a str,
    internal_hosts: &HashSet<String>,
    base_host: Option<&str>,
    base_path: &str,
) -> LinkTarget<'a> {
    let dest = trim(dest);
    if dest.is_empty() {
        return LinkTarget::Other;
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        return LinkTarget::SamePage {
            fragment: decode(fragment),
        };
    }
    // An absolute link: `whole` is the URL from its authority on or the URL itself (the
    // same text after the scheme, so the same fragment), split into host and path.
    let (whole, (host, path)) = if let Some(rest) = dest.strip_prefix("//") {
        (rest, crate::config::split_authority(rest))
    } else if has_scheme(dest) {
        if !(starts_with_ignore_ascii_case(dest, "http://")
            || starts_with_ignore_ascii_case(dest, "https://"))
        {
            return LinkTarget::Other;
        }
        let Some(parts) = crate::config::split_url(dest) else {
            return LinkTarget::External;
        };
        (dest, parts)
    } else if dest.starts_with('/') {
        return internal(Cow::Borrowed(dest));
    } else {
        return relative(page_url, dest);
    };
    let host: Cow<str> = if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    };
    if !internal_hosts.contains(host.as_ref()) {
        return LinkTarget::External;
    }
    let path = absolute_path(whole, path);
    if base_host == Some(host.as_ref()) && !base_path.is_empty() {
        internal(without_base(path, base_path))
    } else {
        internal(path)
    }
}

/// `dest` without leading and trailing whitespace ([`str::trim`]); most destinations
/// start and end with a printable ASCII byte and are returned as they are.
fn trim(dest: &str) -> &str {
    let plain = |b: &u8| (b'!'..=b'~').contains(b);
    match dest.as_bytes() {
        [first, .., last] if plain(first) && plain(last) => dest,
        _ => dest.trim(),
    }
}

/// The path (with query and fragment) of an absolute link whose URL from its authority
/// on (or whole) is `whole`, and whose path without a fragment right after the host is
/// `path` ([`crate::config::split_authority`]'s): a fragment right after the host
/// (`https://host#x`) belongs to the path `/`. Neither the scheme nor the host hold a
/// `#`: a path other than `/` is the rest of `whole` from the host's end, with the
/// fragment if there is one.
fn absolute_path<'a>(whole: &'a str, path: &'a str) -> Cow<'a, str> {
    match path {
        "/" => match whole.find('#') {
            Some(i) => Cow::Owned(format!("/{}", &whole[i..])),
            None => Cow::Borrowed(path),
        },
        _ => Cow::Borrowed(path),
    }
}

fn starts_with_ignore_ascii_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// `path` (with its query and fragment) without the base URL's path `base_path`, when it
/// starts with it as whole segments: `/handbook/x/` → `/x/`, `/handbook` → `/`,
/// `/handbook#a` → `/#a`, `/handbook//x` → `/x`; else `path` unchanged.
fn without_base<'a>(path: Cow<'a, str>, base_path: &str) -> Cow<'a, str> {
    let rest_at = match path.strip_prefix(base_path) {
        Some(rest) if rest.starts_with('/') || rest.is_empty() || rest.starts_with('#') => {
            path.len() - rest.len()
        }
        _ => return path,
    };
    let slashes = path[rest_at..].len() - path[rest_at..].trim_start_matches('/').len();
    if slashes == 0 {
        return Cow::Owned(format!("/{}", &path[rest_at..]));
    }
    // One slash, then the rest without its leading slashes: the rest from its last one.
    let start = rest_at + slashes - 1;
    match path {
        Cow::Borrowed(p) => Cow::Borrowed(&p[start..]),
        Cow::Owned(mut p) => {
            p.drain(..start);
            Cow::Owned(p)
        }
    }
}

/// An internal link whose root-relative path, query and fragment are `raw`: the path
/// before `?` and `#` (`/` when empty), the fragment after the first `#`, both decoded.
fn internal(raw: Cow<'_, str>) -> LinkTarget<'_> {
    let (path, fragment) = match raw {
        Cow::Borrowed(raw) => split_path(raw),
        Cow::Owned(raw) => {
            let (path, fragment) = split_path(&raw);
            (
                Cow::Owned(path.into_owned()),
                fragment.map(|f| Cow::Owned(f.into_owned())),
            )
        }
    };
    LinkTarget::Internal { path, fragment }
}

/// [`internal`]'s path and fragment of `raw`, decoded. One search finds where the path
/// ends and whether it has a `%` to decode: most paths have neither a query nor a `%`.
fn split_path(raw: &str) -> (Cow<'_, str>, Option<Cow<'_, str>>) {
    let (end, percent) = match memchr::memchr3(b'?', b'#', b'%', raw.as_bytes()) {
        Some(at) if raw.as_bytes()[at] == b'%' => (at + query_or_fragment(&raw[at..]), true),
        Some(at) => (at, false),
        None => (raw.len(), false),
    };
    let (path, suffix) = raw.split_at(end);
    let path = if path.is_empty() {
        Cow::Borrowed("/")
    } else if percent {
        percent_decode_str(path).decode_utf8_lossy()
    } else {
        Cow::Borrowed(path)
    };
    (path, fragment_of(suffix))
}

/// The decoded fragment of a link's `?…`/`#…` suffix: what follows its first `#`.
fn fragment_of(suffix: &str) -> Option<Cow<'_, str>> {
    let fragment = match suffix.strip_prefix('#') {
        Some(fragment) => fragment,
        None if suffix.is_empty() => return None,
        None => &suffix[memchr::memchr(b'#', suffix.as_bytes())? + 1..],
    };
    Some(decode(fragment))
}

/// A relative link `dest` on the page at `page_url`, resolved as [`resolve_relative`]
/// does, without copying the query and fragment.
fn relative<'a>(page_url: &'a str, dest: &'a str) -> LinkTarget<'a> {
    let (path_part, suffix) = split_suffix(dest);
    let head: Cow<'a, str> = if path_part.is_empty() {
        Cow::Borrowed(page_url)
    } else {
        Cow::Owned(resolve_path(page_url, path_part))
    };
    if query_or_fragment(&head) < head.len() {
        // The page's URL has a query or fragment character: read the whole as written.
        let mut whole = head.into_owned();
        whole.push_str(suffix);
        return internal(Cow::Owned(whole));
    }
    let path = match head {
        _ if head.is_empty() => Cow::Borrowed("/"),
        Cow::Borrowed(p) => decode(p),
        Cow::Owned(p) if has_percent(&p) => Cow::Owned(decode(&p).into_owned()),
        Cow::Owned(p) => Cow::Owned(p),
    };
    LinkTarget::Internal {
        path,
        fragment: fragment_of(suffix),
    }
}

/// Whether `dest` starts with a URL scheme and its `:` (a letter, then letters, digits,
/// `+`, `-` or `.`): read up to the first byte that cannot be in a scheme, which must be
/// that `:`.
fn has_scheme(dest: &str) -> bool {
    let b = dest.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.iter()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))
            == Some(&b':')
}

/// `dest` split before its query or fragment: (path, `?…`/`#…` or empty).
fn split_suffix(dest: &str) -> (&str, &str) {
    dest.split_at(query_or_fragment(dest))
}

/// Where the query or fragment of `s` starts (its first `?` or `#`), or its length.
fn query_or_fragment(s: &str) -> usize {
    memchr::memchr2(b'?', b'#', s.as_bytes()).unwrap_or(s.len())
}

/// Resolves a relative reference against the URL path of the page it is on, as a browser
/// does (RFC 3986 §5.2, paths only): `/a/b/` + `../c/` → `/a/c/`. `..` stops at `/`.
pub fn resolve_relative(page_url: &str, dest: &str) -> String {
    let (path_part, suffix) = split_suffix(dest);
    if path_part.is_empty() {
        return format!("{page_url}{suffix}");
    }
    let mut out = resolve_path(page_url, path_part);
    out.push_str(suffix);
    out
}

/// [`resolve_relative`] of a reference `path_part` without query or fragment (not
/// empty): the segments of the page's folder then of `path_part`, `.` and `..` applied.
fn resolve_path(page_url: &str, path_part: &str) -> String {
    let dir = &page_url[..page_url.rfind('/').map_or(0, |i| i + 1)];
    // The segments of `dir` + `path_part` joined: `dir` ends with `/` (or is empty).
    let mut segments = dir
        .strip_suffix('/')
        .map(|d| d.split('/'))
        .into_iter()
        .flatten()
        .chain(path_part.split('/'))
        .peekable();
    // `out` is the kept segments joined by `/`; `kept` counts them.
    let mut out = String::with_capacity(dir.len() + path_part.len() + 1);
    let mut kept = 0usize;
    fn push(out: &mut String, kept: &mut usize, seg: &str) {
        if *kept > 0 {
            out.push('/');
        }
        out.push_str(seg);
        *kept += 1;
    }
    while let Some(seg) = segments.next() {
        let last = segments.peek().is_none();
        match seg {
            "." => {
                if last {
                    push(&mut out, &mut kept, "");
                }
            }
            ".." => {
                if kept > 1 {
                    // Segments hold no `/`: the last one starts after the last `/`.
                    out.truncate(out.rfind('/').unwrap_or(0));
                    kept -= 1;
                }
                if last {
                    push(&mut out, &mut kept, "");
                }
            }
            s => push(&mut out, &mut kept, s),
        }
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

/// Percent-decodes `s` (invalid UTF-8 replaced); borrows it when it has no `%`.
fn decode(s: &str) -> Cow<'_, str> {
    if has_percent(s) {
        percent_decode_str(s).decode_utf8_lossy()
    } else {
        Cow::Borrowed(s)
    }
}

fn has_percent(s: &str) -> bool {
    memchr::memchr(b'%', s.as_bytes()).is_some()
}

/// Link counts that are not diagnostics.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LinkCounts {
    /// Internal links that could not be verified (outside the site's tree without known
    /// paths, or a fragment on a page whose ids are not known).
    pub unchecked: usize,
    /// Links to other hosts (not checked by `build`/`check`).
    pub external: usize,
}

impl std::ops::Add for LinkCounts {
    type Output = LinkCounts;

    fn add(self, b: LinkCounts) -> LinkCounts {
        LinkCounts {
            unchecked: self.unchecked + b.unchecked,
            external: self.external + b.external,
        }
    }
}

impl std::iter::Sum for LinkCounts {
    fn sum<I: Iterator<Item = LinkCounts>>(iter: I) -> LinkCounts {
        iter.fold(LinkCounts::default(), std::ops::Add::add)
    }
}

/// Checks every link of `page`, pushing `broken-link`, `broken-anchor` and `unknown-path`,
/// and the index of every page a link resolves to onto `targets` (in link order, with
/// repeats): the pages whose edits can change this page's findings.
pub fn check_page(
    site: &Site,
    page: &Page,
    diags: &mut Vec<Diagnostic>,
    targets: &mut Vec<usize>,
) -> LinkCounts {
    let mut counts = LinkCounts::default();
    let base_host = site.config.base_host();
    let file = &page.parsed.source;
    for link in &page.parsed.markdown.links {
        if let Some(d) = unsafe_link(file, link) {
            diags.push(d);
            continue;
        }
        match classify(&link.dest, &page.url, &site.internal_hosts, base_host.as_deref(), &site.base_path) {
            LinkTarget::Other => {}
            LinkTarget::External => counts.external += 1,
            LinkTarget::SamePage { fragment } => {
                if let Some(d) = check_fragment(page, page, &fragment, link) {
                    diags.push(d);
                }
            }
            LinkTarget::Internal { path, fragment } => match site.lookup(&path) {
                Some(Target::Page(i)) => {
                    targets.push(i);
                    if let Some(fragment) = fragment.filter(|f| !f.is_empty())
                        && let Some(d) = check_fragment(page, &site.pages[i], &fragment, link)
                    {
                        diags.push(d);
                    }
                }
                Some(Target::Section(_) | Target::File) => {
                    if fragment.is_some_and(|f| !f.is_empty() && f != "top") {
                        counts.unchecked += 1;
                    }
                }
                None if site.in_tree(&path) => {
                    let resolved = if link.dest.trim().starts_with('/') {
                        String::new()
                    } else {
                        format!(" (it resolves to `{path}`)")
                    };
                    diags.push(
                        Diagnostic::at(
                            Rule::BrokenLink,
                            file,
                            link.span.clone(),
                            format!("link to `{}` leads to no page or file of this site{resolved}", link.dest.trim()),
                            suggest_path(site, page, link.dest.trim(), &path),
                        )
                        .with_key(path.clone()),
                    );
                }
                None => match &site.known_paths {
                    Some(known) if !site.is_known_path(&path) => diags.push(
                        Diagnostic::at(
                            Rule::UnknownPath,
                            file,
                            link.span.clone(),
                            format!("`{path}` is outside this site and not among the {} known paths in `{}`", known.paths.len(), known.file.file_name().map_or_else(|| known.file.display().to_string(), |n| n.to_string_lossy().into_owned())),
                            "check the path; if the page exists, add it to the known-paths file",
                        )
                        .with_key(path.clone()),
                    ),
                    Some(_) => {
                        if fragment.is_some_and(|f| !f.is_empty() && f != "top") {
                            counts.unchecked += 1;
                        }
                    }
                    None => counts.unchecked += 1,
                },
            },
        }
    }
    counts
}

/// URL schemes that run code or carry content instead of pointing to it.
const UNSAFE_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:"];

/// The scheme of `dest` as a browser reads it: HTML character references decoded, ASCII
/// whitespace and control characters anywhere dropped (`java\tscript:` runs), lowercase.
/// Only the first few dozen characters matter.
fn browser_scheme(dest: &str) -> String {
    let mut out = String::new();
    let mut rest = dest;
    while let Some(c) = rest.chars().next() {
        if out.len() > 16 {
            break;
        }
        if c == '&'
            && let Some((decoded, len)) = char_reference(rest)
        {
            if !decoded.is_ascii_whitespace() && !decoded.is_control() {
                out.extend(decoded.to_lowercase());
            }
            rest = &rest[len..];
            continue;
        }
        if !c.is_ascii_whitespace() && !c.is_control() {
            out.extend(c.to_lowercase());
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A character reference at the start of `s` (`&#106;`, `&#x6A;`, `&colon;`, `&Tab;`,
/// `&NewLine;`): the character and the reference's length in bytes.
fn char_reference(s: &str) -> Option<(char, usize)> {
    let end = s.get(..16).unwrap_or(s).find(';')?;
    let body = &s[1..end];
    let c = if let Some(hex) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
    } else if let Some(dec) = body.strip_prefix('#') {
        char::from_u32(dec.parse().ok()?)?
    } else {
        match body {
            "colon" => ':',
            "Tab" => '\t',
            "NewLine" => '\n',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// The unsafe scheme a browser would read in `dest`, if any. Most links have no scheme
/// to read (no `:` and no character reference that could make one) or an ordinary
/// `http(s)` one: those are settled without decoding.
fn unsafe_scheme(dest: &str) -> Option<&'static str> {
    // A browser reads a scheme from the first character it keeps: `/` or `#` is none.
    if dest.starts_with(['/', '#'])
        || dest.starts_with("https://")
        || dest.starts_with("http://")
        || memchr::memchr2(b':', b'&', dest.as_bytes()).is_none()
    {
        return None;
    }
    let scheme = browser_scheme(dest);
    UNSAFE_SCHEMES
        .iter()
        .find(|s| scheme.starts_with(**s))
        .copied()
}

/// `unsafe-link` for a link or image whose URL runs script or embeds content (a browser
/// would read it as `javascript:`, `vbscript:` or `data:`); such a link is not checked
/// otherwise.
fn unsafe_link(file: &SourceFile, link: &Link) -> Option<Diagnostic> {
    let bad = unsafe_scheme(&link.dest)?;
    let shown: String = link.dest.chars().take(60).collect();
    let ellipsis = if link.dest.chars().count() > 60 {
        "…"
    } else {
        ""
    };
    Some(
        Diagnostic::at(
            Rule::UnsafeLink,
            file,
            link.span.clone(),
            format!("link to `{shown}{ellipsis}` uses the `{bad}` scheme, which runs or embeds content instead of linking to it"),
            if bad == "data:" {
                "put the file in the site (next to the page or in `static/`) and link to it by path"
            } else {
                "link to a page or an https:// address; scripts do not belong in handbook content"
            },
        )
        .with_key(bad.trim_end_matches(':').to_string()),
    )
}

/// A `broken-anchor` diagnostic when `fragment` names no id on `target`.
fn check_fragment(from: &Page, target: &Page, fragment: &str, link: &Link) -> Option<Diagnostic> {
    if fragment.is_empty() || fragment == "top" {
        return None;
    }
    let markdown = &target.parsed.markdown;
    if markdown.has_anchor(fragment) {
        return None;
    }
    let same_page = std::ptr::eq(from, target);
    let message = if same_page {
        format!("`#{fragment}` matches no heading or anchor on this page")
    } else {
        format!(
            "`#{fragment}` matches no heading or anchor on `{}`",
            target.url
        )
    };
    let nfc: String = fragment.nfc().collect();
    let same_when_composed = markdown
        .anchors()
        .find(|a| a.id != fragment && a.id.nfc().eq(nfc.chars()));
    let help = match suggest_anchor(markdown, fragment) {
        _ if same_when_composed.is_some() => format!(
            "the fragment and the id `#{}` are the same text in different Unicode forms (one with composed accents, NFC; one with combining accents, NFD): browsers compare them byte for byte, so retype the fragment",
            same_when_composed.map_or("", |a| a.id)
        ),
        Some(best) if best.eq_ignore_ascii_case(fragment) => format!("ids are case-sensitive: did you mean `#{best}`?"),
        Some(best) => format!("did you mean `#{best}`?"),
        None => "link to one of the page's heading ids, or add `<a id=\"…\"></a>` where the link should land".to_string(),
    };
    Some(
        Diagnostic::at(
            Rule::BrokenAnchor,
            &from.parsed.source,
            link.span.clone(),
            message,
            help,
        )
        .with_key(format!("{}#{fragment}", target.url)),
    )
}

/// The closest anchor id of `markdown` to `fragment`: same letters ignoring case, same
/// slug, or a close spelling (normalised Levenshtein ≥ 0.75).
fn suggest_anchor<'a>(markdown: &'a Markdown, fragment: &str) -> Option<&'a str> {
    if let Some(a) = markdown
        .anchors()
        .find(|a| a.id.eq_ignore_ascii_case(fragment))
    {
        return Some(a.id);
    }
    let slug = slugify(fragment);
    if let Some(a) = markdown.anchors().find(|a| a.id == slug) {
        return Some(a.id);
    }
    markdown
        .anchors()
        .map(|a| (strsim::normalized_levenshtein(a.id, fragment), a))
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|x, y| x.0.total_cmp(&y.0))
        .map(|(_, a)| a.id)
}

/// Help for a missing path: a same-page anchor missing its `#`, a page with the same
/// last segment elsewhere, or general advice.
fn suggest_path(site: &Site, page: &Page, dest: &str, path: &str) -> String {
    let bare = !dest.contains(['/', '#', '.', ':']);
    if bare && page.parsed.markdown.has_anchor(dest) {
        return format!("`{dest}` is an anchor on this page: did you mean `#{dest}`?");
    }
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let last = last.trim_end_matches(".html");
    if let Some(urls) = site.by_last_segment().get(last).filter(|u| !u.is_empty()) {
        let shown: Vec<String> = urls.iter().take(3).map(|u| format!("`{u}`")).collect();
        return format!("a page with that name is at {}", shown.join(", "));
    }
    "check the spelling against the page's permalink, or remove the link if the page is gone"
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> HashSet<String> {
        [
            "about.gitlab.com".to_string(),
            "group.gitlab.io".to_string(),
        ]
        .into_iter()
        .collect()
    }

    fn c(dest: &str) -> LinkTarget<'_> {
        classify(
            dest,
            "/job-families/engineering/backend/",
            &hosts(),
            Some("group.gitlab.io"),
            "/handbook",
        )
    }

    fn internal(path: &str, fragment: Option<&str>) -> LinkTarget<'static> {
        LinkTarget::Internal {
            path: Cow::Owned(path.to_string()),
            fragment: fragment.map(|f| Cow::Owned(f.to_string())),
        }
    }

    #[test]
    fn classification() {
        assert_eq!(
            c("#senior"),
            LinkTarget::SamePage {
                fragment: "senior".into()
            }
        );
        assert_eq!(
            c("#caf%C3%A9"),
            LinkTarget::SamePage {
                fragment: "café".into()
            }
        );
        assert_eq!(
            c("/job-families/x/#a"),
            internal("/job-families/x/", Some("a"))
        );
        assert_eq!(c("/job-families/x?y=1"), internal("/job-families/x", None));
        assert_eq!(
            c("../frontend/"),
            internal("/job-families/engineering/frontend/", None)
        );
        assert_eq!(
            c("../../sales/x/#y"),
            internal("/job-families/sales/x/", Some("y"))
        );
        assert_eq!(
            c("https://about.gitlab.com/handbook/values/#iteration"),
            internal("/handbook/values/", Some("iteration"))
        );
        assert_eq!(c("https://ABOUT.gitlab.com"), internal("/", None));
        assert_eq!(
            c("https://group.gitlab.io/handbook/job-families/x/"),
            internal("/job-families/x/", None)
        );
        assert_eq!(c("https://docs.gitlab.com/ee/"), LinkTarget::External);
        assert_eq!(c("//docs.gitlab.com/x"), LinkTarget::External);
        assert_eq!(c("mailto:a@b.c"), LinkTarget::Other);
        assert_eq!(c(""), LinkTarget::Other);
        assert_eq!(
            c("a%20b/"),
            internal("/job-families/engineering/backend/a b/", None)
        );
    }

    #[test]
    fn classification_of_encoded_uppercase_and_relative_links() {
        // (link, path, fragment) of internal links on the page of `c`.
        let internal_links = [
            (
                "/job-families/caf%C3%A9/#a%20b",
                "/job-families/café/",
                Some("a b"),
            ),
            ("/x/%zz/", "/x/%zz/", None),
            ("HTTPS://About.GitLab.com/x/", "/x/", None),
            ("//ABOUT.gitlab.com/a%2Fb#c", "/a/b", Some("c")),
            ("https://about.gitlab.com#x", "/", Some("x")),
            ("https://about.gitlab.com?q#x", "/", Some("x")),
            ("https://group.gitlab.io/handbook", "/", None),
            ("https://group.gitlab.io/handbook#f", "/", Some("f")),
            ("https://group.gitlab.io/handbook//x/?q", "/x/", None),
            ("https://group.gitlab.io/handbookx/", "/handbookx/", None),
            (
                "../a%20b/c.html?q=1#d%20e",
                "/job-families/engineering/a b/c.html",
                Some("d e"),
            ),
            ("?q#f", "/job-families/engineering/backend/", Some("f")),
            ("./../.././../", "/", None),
            ("x/..", "/job-families/engineering/backend/", None),
        ];
        for (dest, path, fragment) in internal_links {
            assert_eq!(c(dest), internal(path, fragment), "{dest}");
        }
        assert_eq!(
            c("#a%20b"),
            LinkTarget::SamePage {
                fragment: "a b".into()
            }
        );
        // `split_url` reads only `http`/`HTTP` spellings of the scheme.
        assert_eq!(c("Https://about.gitlab.com/x/"), LinkTarget::External);
        // A page URL with `#` in it: a relative link reads through it as written.
        assert_eq!(
            classify("?q", "/p#q/", &hosts(), None, ""),
            internal("/p", Some("q/?q"))
        );
    }

    #[test]
    fn merged_searches_read_links_as_before() {
        // The functions as they were before their searches were merged.
        fn split_path_before(raw: &str) -> (Cow<'_, str>, Option<Cow<'_, str>>) {
            let (path, suffix) = split_suffix(raw);
            let fragment = suffix.find('#').map(|at| decode(&suffix[at + 1..]));
            (
                if path.is_empty() {
                    "/".into()
                } else {
                    decode(path)
                },
                fragment,
            )
        }
        fn split_authority_before(rest: &str) -> (&str, &str) {
            let (host, path) = match rest.find(['/', '?', '#']) {
                Some(i) if rest.as_bytes()[i] == b'/' => (&rest[..i], &rest[i..]),
                Some(i) => (&rest[..i], "/"),
                None => (rest, "/"),
            };
            (host.rsplit('@').next().unwrap_or(host), path)
        }
        fn absolute_path_before(whole: &str, path: &str) -> String {
            match whole.find('#') {
                Some(i) if !path.contains('#') => format!("/{}", &whole[i..]),
                _ => path.to_string(),
            }
        }
        let pieces = [
            "/",
            "//",
            "?",
            "#",
            "%",
            "%2",
            "%20",
            "%C3%A9",
            "%zz",
            "a",
            "B",
            "x.html",
            ".",
            "..",
            "@",
            ":",
            "&",
            "&#58;",
            "&colon;",
            " ",
            "\t",
            "\u{A0}",
            "\u{85}",
            "é",
            "https://",
            "HTTP://",
            "mailto:",
            "javascript:",
            "Java\nScript:",
            "data:",
            "about.gitlab.com",
            "u@",
            ":8080",
            "=1",
        ];
        for text in crate::model::scale::generated_texts(&pieces, 8, 100_000) {
            let t = text.as_str();
            assert_eq!(split_path(t), split_path_before(t), "{t:?}");
            assert_eq!(trim(t), t.trim(), "{t:?}");
            let authority = crate::config::split_authority(t);
            assert_eq!(authority, split_authority_before(t), "{t:?}");
            let (_, path) = authority;
            assert_eq!(
                absolute_path(t, path),
                absolute_path_before(t, path),
                "{t:?}"
            );
            let url = format!("https://{t}");
            assert_eq!(
                absolute_path(&url, path),
                absolute_path_before(&url, path),
                "{t:?}"
            );
            let unsafe_before = ["javascript:", "vbscript:", "data:"]
                .into_iter()
                .find(|s| browser_scheme(t).starts_with(s));
            assert_eq!(unsafe_scheme(t), unsafe_before, "{t:?}");
        }
    }

    #[test]
    fn relative_resolution_like_a_browser() {
        assert_eq!(resolve_relative("/a/b/", "c/"), "/a/b/c/");
        assert_eq!(resolve_relative("/a/b/", "../c"), "/a/c");
        assert_eq!(resolve_relative("/a/b/", "../../../../c/"), "/c/");
        assert_eq!(resolve_relative("/a/b.html", "c.html"), "/a/c.html");
        assert_eq!(resolve_relative("/a/b/", "./"), "/a/b/");
        assert_eq!(resolve_relative("/a/b/", ".."), "/a/");
        assert_eq!(resolve_relative("/a/b/", "?q#f"), "/a/b/?q#f");
        assert_eq!(resolve_relative("/a//b/", "../c"), "/a//c");
        assert_eq!(resolve_relative("a", "b/./c/."), "/b/c/");
        assert_eq!(resolve_relative("/a/b/c", "../../../d/../.."), "/");
    }
}
