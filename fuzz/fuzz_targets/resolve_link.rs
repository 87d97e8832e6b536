//! Fuzz target: the string functions that turn what a page says into URL paths and ids:
//! link classification and relative resolution, permalink normalisation, source path →
//! URL, output paths, tolerant server lookups, URL splitting and slugs.
//!
//! The input is split by `arbitrary` into several strings. Each function is called twice:
//! with the raw strings, and with values shaped the way the site hands them over (a page
//! URL made by `permalink::from_source`/`normalize`, a base path and host made by
//! `Config`). Panics are bugs; a few cheap invariants are asserted on the way.

#![no_main]

use std::collections::HashSet;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

use ladder::Config;
use ladder::model::{permalink, tolerant_candidates};
use ladder::slug::{Slugger, slugify};
use ladder::validate::links::{LinkTarget, classify, resolve_relative};

#[derive(Debug, Arbitrary)]
struct Input {
    /// A link destination as written on a page.
    dest: String,
    /// A content-relative source path, or a front-matter permalink.
    page: String,
    /// `base_url` of the site.
    base_url: String,
    /// `[links] internal_hosts`.
    hosts: Vec<String>,
    /// Heading texts, and ids written by the author.
    headings: Vec<String>,
    reserved: Vec<String>,
}

fuzz_target!(|input: Input| {
    let Input {
        dest,
        page,
        base_url,
        hosts,
        headings,
        reserved,
    } = input;

    // Raw strings straight in.
    let raw_hosts: foldhash::HashSet<String> = hosts.iter().cloned().collect();
    let _ = classify(&dest, &page, &raw_hosts, Some(&base_url), &base_url);
    let _ = classify(&dest, &page, &raw_hosts, None, "");
    let _ = resolve_relative(&page, &dest);
    let _ = ladder::config::split_url(&dest);
    let _ = ladder::config::validate_base_url(&base_url);
    let _ = permalink::output_path(&page);
    let _ = permalink::parent(&page);
    let _ = ladder::model::humanize(&page);

    // Page URLs as the site makes them.
    let from_source = permalink::from_source(&page);
    assert!(from_source.starts_with('/'), "{from_source:?}");
    let mut urls = vec![from_source];
    if let Ok(url) = permalink::normalize(&page) {
        assert!(url.starts_with('/'), "{url:?}");
        assert!(!url.contains("//"), "{url:?}");
        assert!(!url.split('/').any(|s| s == ".." || s == "."), "{url:?}");
        assert!(
            !url.contains('\\') && !url.chars().any(char::is_control),
            "{url:?}"
        );
        let again = permalink::normalize(&url);
        assert_eq!(
            again.as_ref(),
            Ok(&url),
            "normalize is not idempotent on {page:?}"
        );
        urls.push(url);
    }

    // Base path and hosts as `Site::new` makes them.
    let config = Config {
        base_url,
        ..Config::default()
    };
    let (base_path, base_host) = if ladder::config::validate_base_url(&config.base_url).is_ok() {
        (config.base_path(), config.base_host())
    } else {
        (String::new(), None)
    };
    let mut internal: foldhash::HashSet<String> = hosts.iter().map(|h| h.to_ascii_lowercase()).collect();
    internal.extend(base_host.clone());

    for url in &urls {
        let _ = permalink::output_path(url);
        let _ = permalink::parent(url);
        let resolved = resolve_relative(url, &dest);
        assert!(
            resolved.starts_with('/'),
            "{url:?} + {dest:?} -> {resolved:?}"
        );
        match classify(&dest, url, &internal, base_host.as_deref(), &base_path) {
            LinkTarget::Internal { path, .. } => {
                assert!(path.starts_with('/'), "{dest:?} on {url:?} -> {path:?}");
                let candidates = tolerant_candidates(&path);
                assert_eq!(candidates.first().map(String::as_str), Some(path.as_ref()));
            }
            LinkTarget::SamePage { .. } | LinkTarget::External | LinkTarget::Other => {}
        }
    }

    // Slugs: generated ids never repeat and never take an id the author wrote.
    let mut slugger = Slugger::new();
    for id in &reserved {
        slugger.reserve(id);
    }
    let mut seen: HashSet<String> = HashSet::new();
    for text in &headings {
        let _ = slugify(text);
        let id = slugger.unique(text);
        assert!(!id.is_empty());
        assert!(!reserved.contains(&id), "{id:?} is reserved");
        assert!(seen.insert(id.clone()), "{id:?} generated twice");
    }
});
