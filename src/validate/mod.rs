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
use crate::model::ladder::JobFamily;
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

/// What validation found on one page.
#[derive(Debug, Default, Clone)]
pub struct PageFindings {
    /// Findings of the page rules and of its links, unsorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Link counts that are not findings.
    pub links: LinkCounts,
    /// Indexes of the pages its links resolve to, sorted, without repeats: when one of
    /// them changes, this page must be validated again.
    pub targets: Vec<usize>,
}

/// Runs the page rules and the link rules on one page of `site`.
pub fn validate_page(site: &Site, page: &Page) -> PageFindings {
    let mut out = PageFindings::default();
    out.links = check_page(site, page, &mut out.diagnostics, &mut out.targets);
    out.targets.sort_unstable();
    out.targets.dedup();
    out
}

/// The link rules then the page rules on `page`, pushing findings onto `diags` and the
/// pages its links resolve to onto `targets` (unsorted, with repeats).
fn check_page(
    site: &Site,
    page: &Page,
    diags: &mut Vec<Diagnostic>,
    targets: &mut Vec<usize>,
) -> LinkCounts {
    let links = links::check_page(site, page, diags, targets);
    page::check_page(page, diags);
    links
}

/// Runs the rules of one job family (`grade-conflict` across families excepted).
pub fn validate_family(site: &Site, family: &JobFamily) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    grades::check_family(site, family, &mut diags);
    diags
}

/// Runs the job-family rules on every family (in parallel), then `grade-conflict` across
/// families.
pub fn validate_families(site: &Site) -> Vec<Diagnostic> {
    grades::check_families(site)
}

/// Runs every rule over every page of `site`: the page and link rules on each page and
/// the job-family rules at the same time, all in parallel. Findings: the families' (see
/// [`validate_families`]), then the pages' in page order.
pub fn validate(site: &Site) -> Validation {
    let ((page_diagnostics, links), family_diagnostics) = rayon::join(
        || {
            site.pages
                .par_iter()
                .map_init(Vec::new, |targets, p| {
                    targets.clear();
                    let mut diags = Vec::new();
                    let links = check_page(site, p, &mut diags, targets);
                    (diags, links)
                })
                .reduce(
                    || (Vec::new(), LinkCounts::default()),
                    |(mut diags, links), (more, more_links)| {
                        diags.extend(more);
                        (diags, links + more_links)
                    },
                )
        },
        || validate_families(site),
    );
    let mut diagnostics = family_diagnostics;
    diagnostics.extend(page_diagnostics);
    Validation { diagnostics, links }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// A loopback server answering `/ok` with 200 and anything else with 404, for
    /// `max` connections or 10 s, whichever comes first.
    fn serve(max: usize) -> (String, std::thread::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let handle = std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            let mut served = 0;
            while served < max && std::time::Instant::now() < deadline {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                reader.read_line(&mut request).unwrap();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let status = if request.split_whitespace().nth(1) == Some("/ok") {
                    "200 OK"
                } else {
                    "404 Not Found"
                };
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                served += 1;
            }
        });
        (base, handle)
    }

    #[test]
    fn external_links_are_checked_once_per_url_and_reported_per_link() {
        let (base, server) = serve(4);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(
            dir.path().join("content/page.md"),
            format!("---\ntitle: P\n---\n\n[a]({base}/ok) [b]({base}/gone#x) [c]({base}/gone)\n"),
        )
        .unwrap();
        let options = crate::Options {
            root: dir.path().to_path_buf(),
            external: true,
            ..Default::default()
        };
        let outcome = crate::check(&options).unwrap();
        let found: Vec<(usize, &str)> = outcome
            .diagnostics
            .iter()
            .map(|d| (d.column, d.message.as_str()))
            .collect();
        let gone = format!("link to `{base}/gone` answers HTTP 404");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|(_, m)| *m == gone), "{found:?}");
        assert_eq!(outcome.summary.external_checked, 2, "two distinct URLs");
        assert!(
            dir.path()
                .join(".ladder-cache/external-links.json")
                .is_file()
        );
        drop(server);
    }
}
