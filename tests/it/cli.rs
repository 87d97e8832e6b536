//! The real `ladder` binary: exit codes, the JSON and human reports, and that `check`
//! writes nothing.

use std::path::Path;

use serde_json::Value;

use crate::harness::{check_fixture, copy_fixture, entries, fixture, run_ladder, snapshot};

fn check_args(root: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "check".to_string(),
        "--root".to_string(),
        root.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn last_line(text: &str) -> &str {
    text.trim_end_matches('\n').lines().last().unwrap_or("")
}

#[test]
fn exit_0_on_a_clean_site() {
    let run = run_ladder(check_args(&fixture("clean_site"), &[]));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        last_line(&run.stdout).starts_with(
            "checked 3 pages, 0 errors, 0 warnings, 0 unchecked links, 0 external links not checked in "
        ),
        "{run:?}"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn exit_1_with_an_error_finding() {
    let run = run_ladder(check_args(&fixture("broken_link"), &[]));
    assert_eq!(run.code, 1, "{run:?}");
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let root = fixture("heading_skip");
    let run = run_ladder(check_args(&root, &[]));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("warning[heading-skip]:"), "{run:?}");
    let run = run_ladder(check_args(&root, &["--deny-warnings"]));
    assert_eq!(run.code, 1, "{run:?}");
    // Infos never fail a run, even with --deny-warnings.
    let run = run_ladder(check_args(&fixture("unknown_path"), &["--deny-warnings"]));
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn exit_2_on_an_unknown_key_in_ladder_toml() {
    let run = run_ladder(check_args(&fixture("bad_config"), &[]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.starts_with("error: invalid config `"), "{run:?}");
    assert!(run.stderr.contains("ladder.toml"), "{run:?}");
    assert!(run.stderr.contains("unknown field `titel`"), "{run:?}");
    assert_eq!(run.stdout, "");
}

#[test]
fn exit_2_when_the_root_does_not_exist() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-site");
    let run = run_ladder(check_args(&missing, &[]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "site root `{}` is not a directory",
            missing.display()
        )),
        "{run:?}"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn exit_2_on_an_invalid_base_url() {
    let dir = copy_fixture("clean_site");
    let root = dir.path().display().to_string();
    let run = run_ladder(["build", "--root", &root, "--base-url", "group.gitlab.io"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("base URL `group.gitlab.io`"), "{run:?}");
    assert!(!dir.path().join("public").exists());
}

#[test]
fn json_report_has_the_documented_shape() {
    let run = run_ladder(check_args(&fixture("broken_link"), &["--format", "json"]));
    assert_eq!(run.code, 1, "{run:?}");
    let report: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(report["version"], 1);
    let summary = report["summary"].as_object().expect("summary object");
    for key in [
        "pages",
        "errors",
        "warnings",
        "infos",
        "unchecked_links",
        "external_links",
    ] {
        assert!(summary[key].is_u64(), "summary.{key}: {summary:?}");
    }
    assert_eq!(report["summary"]["pages"], 2);
    assert_eq!(report["summary"]["errors"], 5);
    assert_eq!(report["summary"]["warnings"], 0);
    assert_eq!(report["summary"]["unchecked_links"], 0);
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics array");
    assert_eq!(diagnostics.len(), 5);
    let keys = [
        "rule",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "help",
        "fingerprint",
    ];
    for d in diagnostics {
        let object = d.as_object().expect("diagnostic object");
        let mut have: Vec<&str> = object.keys().map(String::as_str).collect();
        have.sort_unstable();
        let mut want = keys.to_vec();
        want.sort_unstable();
        assert_eq!(have, want);
        let path = d["path"].as_str().unwrap();
        assert!(
            path.starts_with("content/") && !path.contains('\\'),
            "{path}"
        );
    }
    assert_eq!(
        diagnostics[0],
        serde_json::json!({
            "rule": "broken-link",
            "severity": "error",
            "path": "content/job-families/eng/backend.md",
            "line": 5,
            "column": 20,
            "end_line": 5,
            "end_column": 46,
            "message": "link to `/job-families/eng/frontnd/` leads to no page or file of this site",
            "help": "check the spelling against the page's permalink, or remove the link if the page is gone",
            // sha256("broken-link\0content/job-families/eng/backend.md\0/job-families/eng/frontnd/"):
            // fingerprints are a contract (baselines, GitLab's history), pinned here.
            "fingerprint": "df826b6949e0755c7af1122463d53e8d7b8ee4acb138f7425a6d8c136abafe89",
        })
    );
    // The binary reports what the library finds, in the same order.
    let outcome = check_fixture("broken_link");
    let from_json: Vec<(String, u64, u64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["message"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let from_lib: Vec<(String, u64, u64)> = outcome
        .diagnostics
        .iter()
        .map(|d| (d.message.clone(), d.line as u64, d.column as u64))
        .collect();
    assert_eq!(from_json, from_lib);
}

#[test]
fn json_report_includes_infos_and_is_byte_identical_across_runs() {
    for name in ["unknown_path", "front_matter", "encoding"] {
        let args = check_args(&fixture(name), &["--format", "json"]);
        let first = run_ladder(&args);
        let second = run_ladder(&args);
        assert_eq!(first.stdout, second.stdout, "{name}");
        assert!(first.stdout.ends_with("}\n"), "{name}");
        let report: Value = serde_json::from_str(&first.stdout).unwrap();
        assert!(
            !report["diagnostics"].as_array().unwrap().is_empty(),
            "{name}"
        );
    }
    let run = run_ladder(check_args(&fixture("unknown_path"), &["--format", "json"]));
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["severity"], "info");
    assert_eq!(report["diagnostics"][0]["rule"], "unknown-path");
    assert_eq!(report["summary"]["infos"], 1);
}

#[test]
fn human_report_is_rustc_like_and_ends_with_a_summary() {
    let run = run_ladder(check_args(&fixture("broken_link"), &[]));
    assert_eq!(run.code, 1, "{run:?}");
    let out = &run.stdout;
    assert!(!out.contains('\u{1b}'), "colour with NO_COLOR set: {out}");
    assert!(
        out.contains(
            "error[broken-link]: link to `/job-families/eng/frontnd/` leads to no page or file of this site\n"
        ),
        "{out}"
    );
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.trim_start() == "--> content/job-families/eng/backend.md:5:20"),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.trim_start() == "5 | Broken: [frontend](/job-families/eng/frontnd/)."),
        "{out}"
    );
    // The caret line underlines exactly the destination.
    let caret = lines
        .iter()
        .find(|l| l.contains('^'))
        .expect("a caret line");
    let underline = caret.trim_start_matches([' ', '|']);
    assert_eq!(underline.trim_end(), "^".repeat(26), "{out}");
    assert_eq!(
        caret.find('^'),
        lines
            .iter()
            .find(|l| l.trim_start().starts_with("5 | "))
            .and_then(|l| l.find("/job-families/eng/frontnd/")),
        "caret not under the destination:\n{out}"
    );
    assert!(
        lines.iter().any(|l| l.trim_start()
            == "= help: a page with that name is at `/job-families/eng/backend/`"),
        "{out}"
    );
    assert!(
        last_line(out).starts_with(
            "checked 2 pages, 5 errors, 0 warnings, 0 unchecked links, 1 external link not checked in "
        ),
        "{out}"
    );
}

#[test]
fn human_report_lists_infos_only_with_verbose_and_quiet_prints_only_the_summary() {
    let root = fixture("unknown_path");
    let run = run_ladder(check_args(&root, &[]));
    assert!(!run.stdout.contains("info[unknown-path]"), "{run:?}");
    assert!(
        last_line(&run.stdout).starts_with(
            "checked 1 page, 0 errors, 0 warnings, 1 info (-v lists them), 1 unchecked link,"
        ),
        "{run:?}"
    );
    let run = run_ladder(check_args(&root, &["-v"]));
    assert!(
        run.stdout
            .contains("info[unknown-path]: `/handbook/valeus/`"),
        "{run:?}"
    );
    let run = run_ladder(check_args(&fixture("broken_link"), &["-q"]));
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.lines().count(), 1, "{run:?}");
    assert!(
        run.stdout.starts_with("checked 2 pages, 5 errors"),
        "{run:?}"
    );
}

#[test]
fn piped_output_has_no_colour_codes() {
    let root = fixture("broken_link");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ladder"))
        .args(["check", "--no-cache", "--root"])
        .arg(&root)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        !output.stdout.contains(&0x1b),
        "ANSI escapes in piped output"
    );
}

#[test]
fn human_report_location_of_a_file_level_diagnostic_matches_json() {
    let run = run_ladder(check_args(&fixture("encoding"), &[]));
    assert!(
        run.stdout
            .lines()
            .any(|l| l.trim_start() == "--> content/latin1.md:2:11"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_writes_nothing_but_its_parse_cache() {
    let dir = copy_fixture("broken_link");
    let before = snapshot(dir.path());
    let names = entries(dir.path());
    let root = dir.path().display().to_string();
    for format in ["human", "json"] {
        let run = run_ladder(["check", "--root", &root, "--format", format, "--no-cache"]);
        assert_eq!(run.code, 1, "{run:?}");
    }
    assert!(!dir.path().join("public").exists());
    assert_eq!(entries(dir.path()), names);
    assert_eq!(snapshot(dir.path()), before);

    // Without `--no-cache`, the one file written is the parse cache.
    let run = run_ladder(["check", "--root", &root]);
    assert_eq!(run.code, 1, "{run:?}");
    let mut after = snapshot(dir.path());
    assert!(
        after.remove(ladder::parse::cache::CACHE_FILE).is_some(),
        "{:?}",
        after.keys()
    );
    assert_eq!(after, before);
}

#[test]
fn build_command_writes_the_site_with_output_and_base_url() {
    let dir = copy_fixture("build_site");
    let root = dir.path().display().to_string();
    let out = dir.path().join("site-out");
    let out_arg = out.display().to_string();
    let run = run_ladder([
        "build",
        "--root",
        &root,
        "--output",
        &out_arg,
        "--base-url",
        "https://group.gitlab.io/handbook/",
    ]);
    // Only an ERB warning: the build succeeds.
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        last_line(&run.stdout).starts_with("built 4 pages, 0 errors, 1 warning,"),
        "{run:?}"
    );
    let page = std::fs::read_to_string(out.join("features/index.html")).unwrap();
    assert!(page.contains("href=\"/handbook/one/page/\""), "{page}");
    assert!(!dir.path().join("public").exists());
}

#[test]
fn check_base_url_overrides_ladder_toml() {
    let root = fixture("base_url_links");
    let run = run_ladder(check_args(&root, &["--format", "json"]));
    assert_eq!(run.code, 1, "{run:?}");
    // With base URL `/`, group.gitlab.io is just another host: its links are external.
    let run = run_ladder(check_args(&root, &["--format", "json", "--base-url", "/"]));
    assert_eq!(run.code, 0, "{run:?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["external_links"], 3);
}
