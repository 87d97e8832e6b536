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

use foldhash::HashSet;

use percent_encoding::percent_decode_str;

use unicode_normalization::UnicodeNormalization;

use crate::diagnostic::{Diagnostic, Rule};
use crate::model::{Page, Site, Target};
use crate::parse::{Anchor, Link};
use crate::slug::slugify;
use crate::source::SourceFile;

/// What a link's destination means, before looking anything up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// `#fragment` on the page itself (decoded).
    SamePage {
        /// The decoded fragment, without `#`.
        fragment: String,
    },
    /// A path served by the site's own host.
    Internal {
        /// Decoded URL path, starting with `/`, without query or fragment.
        path: String,
        /// Decoded fragment, if any (without `#`).
        fragment: Option<String>,
    },
    /// An `http(s)` link to another host.
    External,
    /// `mailto:`, `tel:` and other schemes; empty destinations.
    Other,
}

/// Classifies `dest`, written on the page served at `page_url`.
/// `base_host` is the base URL's host: absolute links to it have `base_path` stripped.
pub fn classify(
    dest: &str,
    page_url: &str,
    internal_hosts: &HashSet<String>,
    base_host: Option<&str>,
    base_path: &str,
) -> LinkTarget {
    let dest = dest.trim();
    if dest.is_empty() {
        return LinkTarget::Other;
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        return LinkTarget::SamePage {
            fragment: decode(fragment),
        };
    }
    let absolute = if let Some(rest) = dest.strip_prefix("//") {
        Some(format!("https://{rest}"))
    } else if has_scheme(dest) {
        let lower = dest.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return LinkTarget::Other;
        }
        Some(dest.to_string())
    } else {
        None
    };
    let raw_path: String = match absolute {
        Some(url) => {
            let Some((host, path)) = crate::config::split_url(&url) else {
                return LinkTarget::External;
            };
            let host = host.to_ascii_lowercase();
            if !internal_hosts.contains(&host) {
                return LinkTarget::External;
            }
            let path = if url.contains('#') && !path.contains('#') {
                format!("/{}", &url[url.find('#').unwrap_or(url.len())..])
            } else {
                path.to_string()
            };
            match (base_host == Some(host.as_str()), base_path.is_empty()) {
                (true, false) => match path.strip_prefix(base_path) {
                    Some(rest)
                        if rest.starts_with('/') || rest.is_empty() || rest.starts_with('#') =>
                    {
                        format!("/{}", rest.trim_start_matches('/'))
                    }
                    _ => path,
                },
                _ => path,
            }
        }
        None if dest.starts_with('/') => dest.to_string(),
        None => resolve_relative(page_url, dest),
    };
    let (before_fragment, fragment) = match raw_path.split_once('#') {
        Some((p, f)) => (p, Some(decode(f))),
        None => (raw_path.as_str(), None),
    };
    let path = before_fragment.split('?').next().unwrap_or("");
    let path = if path.is_empty() {
        "/".to_string()
    } else {
        decode(path)
    };
    LinkTarget::Internal { path, fragment }
}

fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !dest[..colon].contains('/')
}

/// Resolves a relative reference against the URL path of the page it is on, as a browser
/// does (RFC 3986 §5.2, paths only): `/a/b/` + `../c/` → `/a/c/`. `..` stops at `/`.
pub fn resolve_relative(page_url: &str, dest: &str) -> String {
    let (path_part, suffix) = match dest.find(['?', '#']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    if path_part.is_empty() {
        return format!("{page_url}{suffix}");
    }
    let dir = &page_url[..page_url.rfind('/').map_or(0, |i| i + 1)];
    let joined = format!("{dir}{path_part}");
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = joined.split('/').collect();
    for (i, seg) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        match *seg {
            "." => {
                if last {
                    segments.push("");
                }
            }
            ".." => {
                if segments.len() > 1 {
                    segments.pop();
                }
                if last {
                    segments.push("");
                }
            }
            s => segments.push(s),
        }
    }
    let mut out = segments.join("/");
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out.push_str(suffix);
    out
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
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

impl std::iter::Sum for LinkCounts {
    fn sum<I: Iterator<Item = LinkCounts>>(iter: I) -> LinkCounts {
        iter.fold(LinkCounts::default(), |a, b| LinkCounts {
            unchecked: a.unchecked + b.unchecked,
            external: a.external + b.external,
        })
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
    if !dest.contains([':', '&']) || dest.starts_with("https://") || dest.starts_with("http://") {
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
    let anchors = &target.parsed.markdown.anchors;
    if anchors.iter().any(|a| a.id == fragment) {
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
    let same_when_composed = anchors
        .iter()
        .find(|a| a.id != fragment && a.id.nfc().eq(nfc.chars()));
    let help = match suggest_anchor(anchors, fragment) {
        _ if same_when_composed.is_some() => format!(
            "the fragment and the id `#{}` are the same text in different Unicode forms (one with composed accents, NFC; one with combining accents, NFD): browsers compare them byte for byte, so retype the fragment",
            same_when_composed.map_or("", |a| a.id.as_str())
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

/// The closest anchor id to `fragment`: same letters ignoring case, same slug, or a close
/// spelling (normalised Levenshtein ≥ 0.75).
fn suggest_anchor<'a>(anchors: &'a [Anchor], fragment: &str) -> Option<&'a str> {
    if let Some(a) = anchors.iter().find(|a| a.id.eq_ignore_ascii_case(fragment)) {
        return Some(&a.id);
    }
    let slug = slugify(fragment);
    if let Some(a) = anchors.iter().find(|a| a.id == slug) {
        return Some(&a.id);
    }
    anchors
        .iter()
        .map(|a| (strsim::normalized_levenshtein(&a.id, fragment), a))
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|x, y| x.0.total_cmp(&y.0))
        .map(|(_, a)| a.id.as_str())
}

/// Help for a missing path: a same-page anchor missing its `#`, a page with the same
/// last segment elsewhere, or general advice.
fn suggest_path(site: &Site, page: &Page, dest: &str, path: &str) -> String {
    let bare = !dest.contains(['/', '#', '.', ':']);
    if bare && page.parsed.markdown.anchors.iter().any(|a| a.id == dest) {
        return format!("`{dest}` is an anchor on this page: did you mean `#{dest}`?");
    }
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let last = last.trim_end_matches(".html");
    if let Some(urls) = site.by_last_segment.get(last).filter(|u| !u.is_empty()) {
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

    fn c(dest: &str) -> LinkTarget {
        classify(
            dest,
            "/job-families/engineering/backend/",
            &hosts(),
            Some("group.gitlab.io"),
            "/handbook",
        )
    }

    fn internal(path: &str, fragment: Option<&str>) -> LinkTarget {
        LinkTarget::Internal {
            path: path.to_string(),
            fragment: fragment.map(str::to_string),
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
    fn relative_resolution_like_a_browser() {
        assert_eq!(resolve_relative("/a/b/", "c/"), "/a/b/c/");
        assert_eq!(resolve_relative("/a/b/", "../c"), "/a/c");
        assert_eq!(resolve_relative("/a/b/", "../../../../c/"), "/c/");
        assert_eq!(resolve_relative("/a/b.html", "c.html"), "/a/c.html");
        assert_eq!(resolve_relative("/a/b/", "./"), "/a/b/");
        assert_eq!(resolve_relative("/a/b/", ".."), "/a/");
        assert_eq!(resolve_relative("/a/b/", "?q#f"), "/a/b/?q#f");
    }
}
