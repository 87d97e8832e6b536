//! The `ladder` binary: parses the command line, runs the library, prints and writes
//! reports, and alone decides the exit code (0 no errors, 1 errors found, 2 the tool
//! failed).

mod cli;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use ladder::report::{self, ReportInput, fingerprint};
use ladder::{Diagnostic, Error, Options, Outcome, scope};

/// mimalloc: many threads allocating and freeing many small strings, where glibc's
/// allocator spent a tenth of a build in malloc/free and returned memory to the kernel
/// page by page. The `system-allocator` feature leaves glibc's, for heap profilers.
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: the 16th option of `mi_option_e` in its
/// `mimalloc.h` (v2 and v3 alike), for which `libmimalloc-sys` names no constant.
#[cfg(not(feature = "system-allocator"))]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tells mimalloc to keep the memory this process frees instead of handing it back to
/// the kernel after a delay ("purging"), which the kernel then has to fault in again,
/// zeroed, when it is reused. For a one-shot `build` or `check`: a 10,000-page build
/// took 3,400 page faults with purging and 850 without, and 8% less CPU
/// (`perf stat -e task-clock,page-faults`, mean of five runs each). `serve` keeps
/// purging: a preview idles between edits, and should give its memory back meanwhile.
fn keep_freed_memory() {
    #[cfg(not(feature = "system-allocator"))]
    // SAFETY: a plain C call that sets an option's value; main calls it before it starts
    // any thread (mimalloc's options are not set thread-safely).
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
    }
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let (verb, args, build) = match &cli.command {
        cli::Command::Build(b) => ("built", &b.common, Some(b)),
        cli::Command::Check(c) => ("checked", c, None),
        cli::Command::Serve(s) => return serve(s),
    };
    keep_freed_memory();
    let options = Options {
        root: args.root.clone(),
        config: args.config.clone(),
        base_url: args.base_url.clone(),
        output: build.and_then(|b| b.output.clone()),
        external: args.external,
        parse_cache: !args.no_cache,
    };
    let result = if build.is_some() {
        ladder::build(&options)
    } else {
        ladder::check(&options)
    };
    let judged = result.and_then(|outcome| {
        let failing = report_and_judge(verb, args, &outcome);
        // The process ends here: freeing every page one by one, on one thread, would
        // only delay the exit (tens of milliseconds at 10,000 pages).
        std::mem::forget(outcome);
        failing
    });
    match judged {
        Ok(failing) => {
            if failing {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => failed(&err),
    }
}

/// `ladder serve`: runs until Ctrl-C (exit 0); exit 2 when it cannot start.
fn serve(args: &cli::ServeArgs) -> ExitCode {
    let options = ladder::serve::ServeOptions {
        site: Options {
            root: args.root.clone(),
            config: args.config.clone(),
            ..Options::default()
        },
        bind: args.bind,
        port: args.port,
        open: args.open,
        poll: args.poll,
    };
    match ladder::serve::serve(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => failed(&err),
    }
}

/// Prints `err` with its causes on stderr; exit code 2.
fn failed(err: &Error) -> ExitCode {
    let mut message = format!("error: {err}");
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    let _ = writeln!(anstream::stderr(), "{message}");
    ExitCode::from(2)
}

/// Writes the report files (every finding), prints the stdout report (the findings in
/// scope), and says whether the run fails.
fn report_and_judge(verb: &str, args: &cli::CommonArgs, outcome: &Outcome) -> ladder::Result<bool> {
    let fingerprints = fingerprint::fingerprints(&outcome.diagnostics);
    let changed = match &args.changed_since {
        Some(reference) => Some(scope::changed_since(
            &outcome.site.root,
            reference,
            &outcome.site,
            args.config.as_deref(),
        )?),
        None => None,
    };
    let baseline = match &args.baseline {
        Some(file) => Some(scope::baseline(file)?),
        None => None,
    };
    if args.verbose {
        // Durations go to stderr: never into a report, and stdout stays comparable.
        let stages: Vec<String> = outcome
            .timings
            .iter()
            .map(|(stage, d)| format!("{stage} {:.0} ms", d.as_secs_f64() * 1000.0))
            .collect();
        eprintln!("stages: {}", stages.join(", "));
        if let Some(cache) = outcome.parse_cache {
            eprintln!(
                "parse cache: {} pages reused, {} parsed",
                cache.reused, cache.parsed
            );
        }
        if let Some(early) = outcome.rendered_early {
            eprintln!(
                "pages rendered while parsing: {early} of {}",
                outcome.site.pages.len()
            );
        }
    }
    let sources = report::sources(&outcome.site);
    let repo_prefix = scope::repo_prefix(&outcome.site.root);
    let all = ReportInput {
        diagnostics: &outcome.diagnostics,
        fingerprints: &fingerprints,
        summary: &outcome.summary,
        sources: &sources,
        repo_prefix: &repo_prefix,
        verb,
        elapsed: outcome.elapsed,
        verbose: args.verbose,
        quiet: args.quiet,
    };
    for spec in &args.reports {
        if let Some(dir) = spec.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
        }
        let text = report::render(spec.format, &all);
        std::fs::write(&spec.path, text)
            .map_err(|e| Error::io("cannot write report", &spec.path, e))?;
    }

    let selected = scope::select(
        &outcome.diagnostics,
        &fingerprints,
        &outcome.site,
        changed.as_ref(),
        baseline.as_ref(),
    );
    let shown: Vec<Diagnostic> = selected
        .iter()
        .map(|&i| outcome.diagnostics[i].clone())
        .collect();
    let shown_fingerprints: Vec<String> =
        selected.iter().map(|&i| fingerprints[i].clone()).collect();
    let summary = report::summary_for(&outcome.summary, &shown);
    let scoped = ReportInput {
        diagnostics: &shown,
        fingerprints: &shown_fingerprints,
        summary: &summary,
        ..all
    };
    let text = report::render(args.format, &scoped);
    if args.format == report::Format::Human {
        // Colours are dropped when stdout is not a terminal (or NO_COLOR is set).
        let _ = write!(anstream::stdout().lock(), "{text}");
    } else {
        // Machine formats hold no colour codes (JSON and XML escape control characters):
        // written as they are.
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
    if shown.len() < outcome.diagnostics.len() {
        let why = match (&args.changed_since, &args.baseline) {
            (Some(r), Some(b)) => format!(
                "in the change since `{r}` and new against `{}`",
                b.display()
            ),
            (Some(r), None) => format!("in the change since `{r}`"),
            (None, Some(b)) => format!("new against `{}`", b.display()),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            anstream::stderr(),
            "{} of {} findings are {why}; only those are shown and counted",
            shown.len(),
            outcome.diagnostics.len()
        );
    }
    Ok(summary.errors > 0 || (args.deny_warnings && summary.warnings > 0))
}

#[cfg(all(test, not(feature = "system-allocator")))]
mod tests {
    use std::ffi::{CStr, c_char, c_void};

    unsafe extern "C" {
        /// mimalloc's `mi_options_print_out`: each option's name and value, a line at a
        /// time, to `out`.
        fn mi_options_print_out(
            out: unsafe extern "C" fn(*const c_char, *mut c_void),
            arg: *mut c_void,
        );
    }

    unsafe extern "C" fn collect(msg: *const c_char, arg: *mut c_void) {
        // SAFETY: mimalloc hands a NUL-terminated message and the `arg` given below.
        let (msg, out) = unsafe { (CStr::from_ptr(msg), &mut *arg.cast::<String>()) };
        out.push_str(&msg.to_string_lossy());
    }

    /// The option number set is purge_delay's in the mimalloc linked (a mimalloc that
    /// renumbered its options would have another option set to -1 instead).
    #[test]
    fn keep_freed_memory_turns_purging_off() {
        super::keep_freed_memory();
        let mut printed = String::new();
        // SAFETY: `collect` matches mi_output_fun and `printed` outlives the call.
        unsafe { mi_options_print_out(collect, (&raw mut printed).cast()) };
        assert!(printed.contains("option 'purge_delay': -1"), "{printed}");
    }
}
