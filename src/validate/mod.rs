//! Validate: rules that need the whole [`Site`], run after every page is parsed, in
//! parallel per page. Each rule pushes [`Diagnostic`]s; nothing here fails the run.

pub mod external;
pub mod grades;
pub mod links;
pub mod page;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::model::Site;

pub use links::LinkCounts;

use crate::model::Page;
use crate::parse::Link;
use external::{ExternalOptions, LinkStatus};
use links::{LinkTarget, classify};

/// Checks every http(s) link to another host over the network (`--external`): each URL
/// (without its fragment) once, then a `broken-external-link` finding on every link to a
/// URL that answered with an HTTP error or could not be reached. Returns the findings and
/// the number of distinct URLs checked.
pub fn check_external(site: &Site, options: &ExternalOptions) -> (Vec<Diagnostic>, usize) {
    let base_host = site.config.base_host();
    let mut found: Vec<(&Page, &Link, String)> = Vec::new();
    for page in &site.pages {
        for link in &page.parsed.markdown.links {
            let target = classify(
                &link.dest,
                &page.url,
                &site.internal_hosts,
                base_host.as_deref(),
                &site.base_path,
            );
            if target == LinkTarget::External {
                let dest = link.dest.trim();
                let dest = if dest.starts_with("//") {
                    format!("https:{dest}")
                } else {
                    dest.to_string()
                };
                let url = dest.split('#').next().unwrap_or("").to_string();
                found.push((page, link, url));
            }
        }
    }
    let mut urls: Vec<String> = found.iter().map(|(_, _, u)| u.clone()).collect();
    urls.sort();
    urls.dedup();
    let statuses = external::check_urls(&urls, options);
    let diagnostics = found
        .iter()
        .filter_map(|(page, link, url)| {
            let (message, help) = match statuses.get(url)? {
                LinkStatus::Ok(_) => return None,
                LinkStatus::Http(code) => (
                    format!("link to `{url}` answers HTTP {code}"),
                    if *code == 404 || *code == 410 {
                        "the page is gone: link to its new address, or remove the link".to_string()
                    } else {
                        "check the link in a browser; the site may refuse automated requests"
                            .to_string()
                    },
                ),
                LinkStatus::Failed(reason) => (
                    format!("link to `{url}` could not be reached: {reason}"),
                    "check the address; if the site was only down, the next run will tell"
                        .to_string(),
                ),
            };
            Some(
                Diagnostic::at(
                    crate::diagnostic::Rule::BrokenExternalLink,
                    &page.parsed.source,
                    link.span.clone(),
                    message,
                    help,
                )
                .with_key(url.clone()),
            )
        })
        .collect();
    (diagnostics, urls.len())
}

/// What validation found.
#[derive(Debug, Default)]
pub struct Validation {
    /// Findings, unsorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Link counts that are not findings.
    pub links: LinkCounts,
}

/// Runs every rule over every page of `site`.
pub fn validate(site: &Site) -> Validation {
    let per_page: Vec<(Vec<Diagnostic>, LinkCounts)> = site
        .pages
        .par_iter()
        .map(|p| {
            let mut diags = Vec::new();
            let counts = links::check_page(site, p, &mut diags);
            page::check_page(p, &mut diags);
            (diags, counts)
        })
        .collect();
    let mut out = Validation::default();
    let per_family: Vec<Vec<Diagnostic>> = site
        .families
        .par_iter()
        .map(|f| {
            let mut diags = Vec::new();
            grades::check_family(site, f, &mut diags);
            diags
        })
        .collect();
    out.diagnostics.extend(per_family.into_iter().flatten());
    grades::check_conflicts(site, &mut out.diagnostics);
    for (diags, counts) in per_page {
        out.diagnostics.extend(diags);
        out.links.unchecked += counts.unchecked;
        out.links.external += counts.external;
    }
    out
}
