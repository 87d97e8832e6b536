//! Helpers shared by the integration tests: fixture paths, scratch copies, running the
//! library and the real binary, and formatting diagnostics so tests compare exact lists.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ladder::{Diagnostic, Options, Outcome};

/// `tests/fixtures/<name>`. Fixtures are read-only: anything that writes uses a copy.
pub fn fixture(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name);
    assert!(path.is_dir(), "no fixture `{}`", path.display());
    path
}

/// A fresh temporary directory holding a copy of the fixture's files (its root is the
/// site root). Use it for anything that writes (builds), never the fixture itself.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("create temp dir");
    copy_dir(&fixture(name), dir.path());
    dir
}

/// Copies the directory tree `from` into `to` (created if missing).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("list fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// `ladder::check` with default options at `root`.
pub fn check(root: &Path) -> Outcome {
    try_check(root).unwrap_or_else(|e| panic!("check {} failed: {e}", root.display()))
}

/// `ladder::check` with default options at `root`, keeping the error.
pub fn try_check(root: &Path) -> ladder::Result<Outcome> {
    ladder::check(&Options {
        root: root.to_path_buf(),
        ..Default::default()
    })
}

/// `ladder::check` on the named fixture.
pub fn check_fixture(name: &str) -> Outcome {
    check(&fixture(name))
}

/// `ladder::build` of `root` into `output`.
pub fn build(root: &Path, output: &Path) -> ladder::Result<Outcome> {
    ladder::build(&Options {
        root: root.to_path_buf(),
        output: Some(output.to_path_buf()),
        ..Default::default()
    })
}

/// `path:line:column: severity[rule] message` for one diagnostic.
pub fn diag_line(d: &Diagnostic) -> String {
    format!(
        "{}:{}:{}: {}[{}] {}",
        d.path, d.line, d.column, d.severity, d.rule, d.message
    )
}

/// Every diagnostic of `outcome` as [`diag_line`], in report order.
pub fn diag_lines(outcome: &Outcome) -> Vec<String> {
    outcome.diagnostics.iter().map(diag_line).collect()
}

/// Every diagnostic's span as `line:column-end_line:end_column`, in report order.
pub fn spans(outcome: &Outcome) -> Vec<String> {
    outcome
        .diagnostics
        .iter()
        .map(|d| format!("{}:{}-{}:{}", d.line, d.column, d.end_line, d.end_column))
        .collect()
}

/// Every diagnostic's help text, in report order.
pub fn helps(outcome: &Outcome) -> Vec<String> {
    outcome.diagnostics.iter().map(|d| d.help.clone()).collect()
}

/// The diagnostics of `outcome` for one file (`content/...`).
pub fn lines_for(outcome: &Outcome, path: &str) -> Vec<String> {
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.path == path)
        .map(diag_line)
        .collect()
}

/// Source paths (`content/...`) of the pages in the modelled site, in site order.
pub fn page_paths(outcome: &Outcome) -> Vec<String> {
    outcome
        .site
        .pages
        .iter()
        .map(|p| p.parsed.source.path.clone())
        .collect()
}

/// Output of one run of the real binary.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`-1` if killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs the `ladder` binary with `args`, colour off, and returns code, stdout, stderr.
/// A `check` or `build` of a fixture in place gets `--no-cache`: fixtures are read-only,
/// and the parse cache would be written below them.
pub fn run_ladder<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut args: Vec<std::ffi::OsString> =
        args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures");
    let parses = args
        .first()
        .is_some_and(|verb| verb == "check" || verb == "build");
    if parses && args.iter().any(|a| Path::new(a).starts_with(&fixtures)) {
        args.push("--no-cache".into());
    }
    let output = Command::new(env!("CARGO_BIN_EXE_ladder"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .output()
        .expect("run the ladder binary");
    Run::from(output)
}

impl From<std::process::Output> for Run {
    /// The exit code (-1 when killed by a signal) and the UTF-8 output of a finished run.
    fn from(output: std::process::Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// Every file under `dir`, by `/`-separated relative path, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("list output dir") {
            let entry = entry.expect("dir entry");
            let path = entry.path();
            if entry.file_type().expect("file type").is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .expect("under base")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read(&path).expect("read output file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The text of `rel` under `dir`.
pub fn read(dir: &Path, rel: &str) -> String {
    let path = dir.join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Names of the entries directly in `dir`, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Checks fixture `name` and asserts what every diagnostic set must satisfy: not empty,
/// sorted by (path, line, column, rule), paths under `content/` with `/`, 1-based
/// positions, and spans that do not end before they start. Returns the outcome for
/// further assertions.
pub fn check_well_formed(name: &str) -> Outcome {
    let outcome = check_fixture(name);
    assert!(!outcome.diagnostics.is_empty(), "{name}");
    let keys: Vec<_> = outcome
        .diagnostics
        .iter()
        .map(|d| (d.path.clone(), d.line, d.column, d.rule.code()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "{name}");
    for d in &outcome.diagnostics {
        assert!(
            d.path.starts_with("content/") && !d.path.contains('\\'),
            "{name}: {}",
            d.path
        );
        assert!(d.line >= 1 && d.column >= 1, "{name}: {d:?}");
        assert!(
            (d.end_line, d.end_column) >= (d.line, d.column),
            "{name}: {d:?}"
        );
    }
    outcome
}
