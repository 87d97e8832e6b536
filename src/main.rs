//! The `ladder` binary: parses the command line, runs the library, prints reports, and
//! alone decides the exit code (0 no errors, 1 errors found, 2 the tool failed).

mod cli;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use ladder::report::{self, Format};
use ladder::{Options, Outcome};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let (verb, args, build) = match &cli.command {
        cli::Command::Build(b) => ("built", &b.common, Some(b)),
        cli::Command::Check(c) => ("checked", c, None),
    };
    let options = Options {
        root: args.root.clone(),
        config: args.config.clone(),
        base_url: args.base_url.clone(),
        output: build.and_then(|b| b.output.clone()),
    };
    let result = if build.is_some() {
        ladder::build(&options)
    } else {
        ladder::check(&options)
    };
    match result {
        Ok(outcome) => {
            print_outcome(verb, args, &outcome);
            let failing =
                outcome.summary.errors > 0 || (args.deny_warnings && outcome.summary.warnings > 0);
            if failing {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => {
            let mut message = format!("error: {err}");
            let mut source = std::error::Error::source(&err);
            while let Some(s) = source {
                message.push_str(&format!("\n  caused by: {s}"));
                source = s.source();
            }
            let _ = writeln!(anstream::stderr(), "{message}");
            ExitCode::from(2)
        }
    }
}

fn print_outcome(verb: &str, args: &cli::CommonArgs, outcome: &Outcome) {
    let mut stdout = anstream::stdout().lock();
    let _ = match args.format {
        Format::Json => write!(
            stdout,
            "{}",
            report::json::render(&outcome.diagnostics, &outcome.summary)
        ),
        Format::Human => {
            if !args.quiet {
                let shown: Vec<_> = outcome
                    .diagnostics
                    .iter()
                    .filter(|d| args.verbose || d.severity != ladder::Severity::Info)
                    .cloned()
                    .collect();
                let _ = write!(
                    stdout,
                    "{}",
                    report::human::render(&shown, &report::sources(outcome))
                );
            }
            writeln!(
                stdout,
                "{}",
                report::human::summary_line(verb, &outcome.summary, outcome.elapsed)
            )
        }
    };
}
