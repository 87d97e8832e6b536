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
