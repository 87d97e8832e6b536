//! Permalinks: the URL path a page is served at, and the file it is written to.
//!
//! From the source path: `a/b/index.html.md`, `a/b/index.md`, `a/b/_index.md` → `/a/b/`;
//! `a/b.md`, `a/b.html.md` → `/a/b/`; `index.md` → `/`. A front-matter `permalink` (or
//! `canonical_path`) overrides it; it must be a clean path inside the site: no `..`,
//! `.`, backslashes or control characters, so no permalink can write outside the
//! output directory.

use crate::discover::page_stem;
use crate::parse::ParsedPage;

/// The URL path of a parsed page: its front-matter permalink normalised ([`normalize`]),
/// else the one its source path gives ([`from_source`]). With a refused permalink, the
/// URL from the source path and `Some(reason)`. The model places pages with it, and a
/// build renders pages with it before the model exists, so the two agree.
pub fn of_page(p: &ParsedPage) -> (String, Option<String>) {
    let from_path = || from_source(&p.source.rel_path);
    match &p.front_matter.permalink {
        None => (from_path(), None),
        Some((value, _)) => match normalize(value) {
            Ok(url) => (url, None),
            Err(reason) => (from_path(), Some(reason)),
        },
    }
}

/// The URL path of the page at `rel_path` (relative to `content/`), always starting and,
/// for pages, ending with `/`.
pub fn from_source(rel_path: &str) -> String {
    let (dir, name) = match rel_path.rsplit_once('/') {
        Some((dir, name)) => (dir, name),
        None => ("", rel_path),
    };
    let stem = page_stem(name).unwrap_or(name);
    let mut url = String::from("/");
    if !dir.is_empty() {
        url.push_str(dir);
        url.push('/');
    }
    if stem != "index" && stem != "_index" {
        url.push_str(stem);
        url.push('/');
    }
    url
}

/// Normalises a front-matter permalink: adds the leading `/`, collapses `//`, and adds a
/// trailing `/` unless the last segment names an `.html` file. `Err(reason)` when the
/// value is not a safe path inside the site.
pub fn normalize(value: &str) -> Result<String, String> {
    let value = value.trim();
    let path = match crate::config::split_url(value) {
        Some((_, path)) => path,
        None => value,
    };
    if path.contains(['?', '#']) {
        return Err("it contains a query or fragment".to_string());
    }
    if path.contains('\\') || path.chars().any(char::is_control) {
        return Err("it contains a backslash or a control character".to_string());
    }
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(bad) = segments.iter().find(|s| **s == "." || **s == "..") {
        return Err(format!(
            "it contains a `{bad}` segment, which could point outside the site"
        ));
    }
    if segments.iter().any(|s| s.contains(':')) {
        return Err("a segment contains `:`".to_string());
    }
    // `/a/index.html` is served as `/a/`: one page, one URL. Every trailing `index.html`
    // goes (`/index.html/index.html` is `/`, not `/index.html`, which is written to the
    // home page's `index.html` under another URL).
    while segments.last() == Some(&"index.html") {
        segments.pop();
    }
    let mut url = String::from("/");
    url.push_str(&segments.join("/"));
    let is_file = segments
        .last()
        .is_some_and(|s| s.ends_with(".html") || s.ends_with(".htm"));
    if !segments.is_empty() && !is_file {
        url.push('/');
    }
    Ok(url)
}

/// The output file of a URL path, relative to the output directory: `/a/b/` →
/// `a/b/index.html`, `/` → `index.html`, `/a/b.html` → `a/b.html`.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".to_string()
    } else if url.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// The parent folder URL of `url`: `/a/b/` → `/a/`, `/a/b.html` → `/a/`, `/` → `None`.
pub fn parent(url: &str) -> Option<String> {
    parent_of(url).map(str::to_string)
}

/// [`parent`] borrowed from `url`: the folder URL holding it (`/a/b/` → `/a/`, `/a/` →
/// `/`), `None` for `/` or a path without `/`.
pub fn parent_of(url: &str) -> Option<&str> {
    let trimmed = url.trim_end_matches('/');
    if trimmed.is_empty() {
        return None;
    }
    let cut = memchr::memrchr(b'/', trimmed.as_bytes())?;
    Some(&trimmed[..=cut])
}

/// The folder URLs holding `url`, nearest first, borrowed from it: `/a/b/c/` → `/a/b/`,
/// `/a/`, `/`.
pub fn folders_above(url: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(parent_of(url), |u| parent_of(u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_paths() {
        assert_eq!(from_source("a/b/index.html.md"), "/a/b/");
        assert_eq!(from_source("a/b/index.html.md.erb"), "/a/b/");
        assert_eq!(from_source("a/b/index.md"), "/a/b/");
        assert_eq!(from_source("a/b/_index.md"), "/a/b/");
        assert_eq!(from_source("a/b.md"), "/a/b/");
        assert_eq!(from_source("a/b.html.md"), "/a/b/");
        assert_eq!(from_source("index.md"), "/");
        assert_eq!(from_source("_index.md"), "/");
        assert_eq!(from_source("x.md"), "/x/");
        assert_eq!(
            from_source("finance/program-management-BT/index.html.md"),
            "/finance/program-management-BT/"
        );
    }

    #[test]
    fn overrides_are_normalised() {
        assert_eq!(normalize("/job-families/x/").unwrap(), "/job-families/x/");
        assert_eq!(normalize("job-families//x").unwrap(), "/job-families/x/");
        assert_eq!(normalize("/a/page.html").unwrap(), "/a/page.html");
        assert_eq!(
            normalize("https://about.gitlab.com/job-families/x/").unwrap(),
            "/job-families/x/"
        );
        assert_eq!(normalize("/").unwrap(), "/");
        assert_eq!(normalize("/index.html").unwrap(), "/");
        assert_eq!(normalize("/a/index.html").unwrap(), "/a/");
        assert_eq!(normalize("/404.html").unwrap(), "/404.html");
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        // Found with the resolve_link fuzz target's idempotence check: one `index.html`
        // was dropped, leaving `/index.html`, the home page's output file under a URL no
        // duplicate-permalink check compares with `/`.
        assert_eq!(normalize("index.html/index.html").unwrap(), "/");
        assert_eq!(normalize("/a/index.html/index.html/").unwrap(), "/a/");
        for value in [
            "index.html/index.html",
            "/a/b.html",
            "/a/b/",
            "x//index.html",
        ] {
            let once = normalize(value).unwrap();
            assert_eq!(normalize(&once).unwrap(), once, "{value}");
        }
    }

    #[test]
    fn unsafe_overrides_are_refused() {
        for bad in [
            "../../x",
            "/a/../../etc/",
            "/a/./b",
            "a\\..\\b",
            "/a?b",
            "/c:/x",
            "/a\u{0}/",
        ] {
            assert!(normalize(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn output_paths_and_parents() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/a/b.html"), "a/b.html");
        assert_eq!(parent("/a/b/").as_deref(), Some("/a/"));
        assert_eq!(parent("/a/").as_deref(), Some("/"));
        assert_eq!(parent("/a/b.html").as_deref(), Some("/a/"));
        assert_eq!(parent("/"), None);
        let above: Vec<&str> = folders_above("/a/b/c.html").collect();
        assert_eq!(above, ["/a/b/", "/a/", "/"]);
        assert_eq!(folders_above("/").count(), 0);
    }
}
