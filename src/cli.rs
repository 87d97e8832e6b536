//! The command line (clap derive). Exit codes are documented in `--help`.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use ladder::report::{Format, ReportSpec};

const EXIT_CODES: &str = "Exit codes:
  0  no errors (warnings allowed unless --deny-warnings)
  1  at least one error-severity diagnostic (or a warning with --deny-warnings)
  2  ladder itself failed: bad config, unreadable root, broken template, failed write";

/// ladder: build and check job-family handbooks.
#[derive(Debug, Parser)]
#[command(name = "ladder", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the site, then render it into the output directory (atomically).
    #[command(after_help = EXIT_CODES)]
    Build(BuildArgs),
    /// Check the site (links, anchors, front matter, structure); write nothing.
    #[command(after_help = EXIT_CODES)]
    Check(CommonArgs),
    /// Serve the site from memory with live reload, rebuilding on every change (a
    /// preview for editors; writes nothing).
    #[command(after_help = SERVE_EXIT_CODES)]
    Serve(ServeArgs),
}

const SERVE_EXIT_CODES: &str = "Exit codes:
  0  stopped with Ctrl-C (content errors and failed rebuilds are shown, not fatal)
  2  could not start: unreadable root, missing --config file, address in use";

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Site root: holds content/ and optionally ladder.toml, themes/, static/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Config file [default: <root>/ladder.toml, optional].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Base URL, overriding ladder.toml (e.g. "$CI_PAGES_URL"); its path is applied
    /// once to root-relative links, and absolute links to its host are checked.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Report format on stdout.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Also write a report to a file, e.g. `codequality=gl-code-quality.json`,
    /// `junit=ladder-junit.xml`, `json=ladder.json` (repeatable). Report files hold every
    /// finding: GitLab compares them with the target branch's itself.
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    pub reports: Vec<ReportSpec>,
    /// Print and fail only on findings in files changed since REF (`git diff REF...HEAD`)
    /// and on links and anchors the change broke elsewhere.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Also check http(s) links to other hosts over the network (cached for a day in
    /// `<root>/.ladder-cache/`); failures are `broken-external-link` warnings.
    #[arg(long)]
    pub external: bool,
    /// Parse every page again: neither use nor write the parse cache
    /// (`<root>/.ladder-cache/pages.bin`, which keeps each page's parse while its file's
    /// length and modification time stay the same).
    #[arg(long)]
    pub no_cache: bool,
    /// Print and fail only on findings that are not in this earlier `--format json` report.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Human format: also list info-level diagnostics (by default only counted); print
    /// each stage's wall time on stderr.
    #[arg(long, short)]
    pub verbose: bool,
    /// Human format: print only the summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output directory [default: <root>/public].
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Site root: holds content/ and optionally ladder.toml, themes/, static/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Config file [default: <root>/ladder.toml, optional].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Port to listen on (0 picks a free one; the address is printed).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; anything but loopback is reachable from other machines
    /// (a warning is printed).
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR", value_parser = parse_bind)]
    pub bind: IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Poll for changes every 300 ms instead of using file-system events (network
    /// drives, some containers and VMs).
    #[arg(long)]
    pub poll: bool,
}

/// An IP address, or `localhost`.
fn parse_bind(s: &str) -> Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    s.parse()
        .map_err(|_| format!("`{s}` is not an IP address (e.g. 127.0.0.1, ::1, 0.0.0.0)"))
}
