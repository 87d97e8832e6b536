//! GitLab CI: the Code Quality and JUnit reports (shape, stable fingerprints, repository
//! paths), `--changed-since` and `--baseline` on real git repositories, and
//! `ci/gitlab-ci.yml` (its jobs and rules, then its scripts run with `sh` against a
//! fixture site in a temp git repository with a local `origin`).

#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

use crate::harness::{Run, copy_dir, copy_fixture, fixture, read};

// ---------------------------------------------------------------------------------------
// Helpers

/// Runs `ladder` in `dir` with a clean environment (no CI or git variables leaking in from
/// the machine running the tests; English messages; no colour).
fn ladder_in(dir: &Path, args: &[&str]) -> Run {
    let output = clean_command(env!("CARGO_BIN_EXE_ladder"), dir)
        .args(args)
        .output()
        .expect("run the ladder binary");
    Run::from(output)
}

/// `ladder check --changed-since <base> --format json` in `root`.
fn changed_since_json(root: &Path, base: &str) -> Run {
    ladder_in(
        root,
        &["check", "--changed-since", base, "--format", "json"],
    )
}

/// A command with only the environment these tests choose: PATH, a scratch HOME, the C
/// locale, no colour, and a fixed git identity.
fn clean_command(program: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("LC_ALL", "C")
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ladder Tests")
        .env("GIT_AUTHOR_EMAIL", "tests@example.com")
        .env("GIT_COMMITTER_NAME", "Ladder Tests")
        .env("GIT_COMMITTER_EMAIL", "tests@example.com");
    cmd
}

/// Runs `git args` in `dir` and returns its stdout; panics with git's stderr on failure.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = clean_command("git", dir)
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `git init` + commit everything in `dir`, on branch `main`.
fn init_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    commit_all(dir, "first");
}

fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
}

/// A copy of fixture `name` in a temp dir that is also a git repository (one commit), so
/// report paths are relative to a known repository root whatever the temp dir is under.
fn fixture_repo(name: &str) -> tempfile::TempDir {
    let dir = copy_fixture(name);
    init_repo(dir.path());
    dir
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create dir");
    }
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// `rule path line` for every diagnostic of a `--format json` report.
fn json_findings(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            format!("{} {}:{} {}", d["rule"], d["path"], d["line"], d["message"]).replace('"', "")
        })
        .collect()
}

fn fingerprints_of(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| d["fingerprint"].as_str().expect("fingerprint").to_string())
        .collect()
}

/// The Code Quality issues of `text`, checked against GitLab's required shape; returns
/// `check_name severity path:begin` per issue and the fingerprints.
fn code_quality(text: &str, root: &Path) -> (Vec<String>, Vec<String>) {
    assert!(
        !text.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]),
        "a Code Quality report must not start with a BOM"
    );
    assert!(text.starts_with('['), "{text}");
    let value = json(text);
    let issues = value
        .as_array()
        .expect("a Code Quality report is a JSON array");
    let mut lines = Vec::new();
    let mut fingerprints = Vec::new();
    for issue in issues {
        let obj = issue.as_object().expect("issue object");
        let keys: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from([
                "description",
                "check_name",
                "fingerprint",
                "severity",
                "location"
            ]),
            "{issue}"
        );
        let check_name = issue["check_name"].as_str().expect("check_name string");
        assert!(
            ladder::Rule::from_code(check_name).is_some(),
            "unknown rule `{check_name}`"
        );
        let description = issue["description"].as_str().expect("description string");
        assert!(
            description.starts_with(&format!("[{check_name}] ")),
            "{description}"
        );
        let fingerprint = issue["fingerprint"].as_str().expect("fingerprint string");
        assert!(
            fingerprint.len() == 64
                && fingerprint
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
            "fingerprint `{fingerprint}` is not 64 hex digits"
        );
        let severity = issue["severity"].as_str().expect("severity string");
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&severity),
            "{severity}"
        );
        let location = issue["location"].as_object().expect("location object");
        let keys: BTreeSet<&str> = location.keys().map(String::as_str).collect();
        assert_eq!(keys, BTreeSet::from(["path", "lines"]), "{issue}");
        let path = issue["location"]["path"].as_str().expect("path string");
        assert!(
            !path.starts_with('/') && !path.contains('\\') && !path.split('/').any(|s| s == ".."),
            "`{path}` is not a relative /-separated path"
        );
        assert!(
            root.join(path).is_file(),
            "`{path}` is not a file under the repository root"
        );
        let lines_obj = issue["location"]["lines"]
            .as_object()
            .expect("lines object");
        assert_eq!(lines_obj.keys().collect::<Vec<_>>(), ["begin"], "{issue}");
        let begin = issue["location"]["lines"]["begin"]
            .as_u64()
            .expect("lines.begin is an integer");
        assert!(begin >= 1, "{issue}");
        lines.push(format!("{check_name} {severity} {path}:{begin}"));
        fingerprints.push(fingerprint.to_string());
    }
    (lines, fingerprints)
}

/// One JUnit test case: suite name, classname, name, `file`, `line`, and whether it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Case {
    suite: String,
    classname: String,
    name: String,
    file: Option<String>,
    line: Option<usize>,
    failure: bool,
}

/// Parses a JUnit report, asserting it has no times or timestamps.
fn junit_cases(text: &str) -> Vec<Case> {
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("bad XML ({e}):\n{text}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    for node in doc.descendants().filter(|n| n.is_element()) {
        for attr in ["time", "timestamp"] {
            assert!(
                node.attribute(attr).is_none(),
                "<{}> has a `{attr}` attribute",
                node.tag_name().name()
            );
        }
    }
    let mut cases = Vec::new();
    for suite in root.children().filter(|n| n.is_element()) {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let suite_name = suite.attribute("name").expect("suite name").to_string();
        let tests: usize = suite
            .attribute("tests")
            .expect("tests attribute")
            .parse()
            .expect("tests is a number");
        let mut count = 0;
        for case in suite.children().filter(|n| n.is_element()) {
            if case.tag_name().name() != "testcase" {
                continue;
            }
            count += 1;
            cases.push(Case {
                suite: suite_name.clone(),
                classname: case.attribute("classname").unwrap_or("").to_string(),
                name: case.attribute("name").expect("testcase name").to_string(),
                file: case.attribute("file").map(str::to_string),
                line: case
                    .attribute("line")
                    .map(|l| l.parse().expect("line is a number")),
                failure: case
                    .children()
                    .any(|c| c.is_element() && c.tag_name().name() == "failure"),
            });
        }
        assert_eq!(tests, count, "suite `{suite_name}`: tests attribute");
    }
    cases
}

// ---------------------------------------------------------------------------------------
// 1. Code Quality

#[test]
fn code_quality_report_has_exactly_gitlabs_required_fields() {
    let site = fixture_repo("ci_findings");
    let root = site.path();
    let run = ladder_in(
        root,
        &[
            "check",
            "--format",
            "codequality",
            "--report",
            "codequality=out/gl-code-quality.json",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let file = std::fs::read(root.join("out/gl-code-quality.json")).expect("report file");
    assert_eq!(
        String::from_utf8(file).expect("UTF-8"),
        run.stdout,
        "the report file and stdout agree when nothing is scoped"
    );
    let (issues, fingerprints) = code_quality(&run.stdout, root);
    assert_eq!(
        issues,
        [
            "heading-skip minor content/team/alpha.md:7",
            "broken-link major content/team/alpha.md:9",
            "broken-link major content/team/alpha.md:9",
            "broken-anchor major content/team/alpha.md:10",
            "unknown-path info content/team/alpha.md:10",
            "heading-skip minor content/team/gamma.md:7",
        ]
    );
    let unique: BTreeSet<&String> = fingerprints.iter().collect();
    assert_eq!(
        unique.len(),
        fingerprints.len(),
        "fingerprints are unique: {fingerprints:?}"
    );

    // The same fingerprints as the JSON report, and severities mapped from its severities.
    let report = json(&ladder_in(root, &["check", "--format", "json"]).stdout);
    assert_eq!(fingerprints_of(&report), fingerprints);
    let issues_json = json(&run.stdout);
    let severities: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .zip(issues_json.as_array().unwrap())
        .map(|(d, i)| {
            (
                d["severity"].as_str().unwrap(),
                i["severity"].as_str().unwrap(),
            )
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        severities,
        [("error", "major"), ("info", "info"), ("warning", "minor")]
    );
}

#[test]
fn code_quality_of_a_clean_site_is_an_empty_array() {
    let site = fixture_repo("clean_site");
    let run = ladder_in(site.path(), &["check", "--format", "codequality"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "[]\n");
}

#[test]
fn report_paths_are_relative_to_the_repository_root_for_a_site_in_a_folder() {
    let repo = tempfile::tempdir().unwrap();
    copy_dir(&fixture("ci_findings"), &repo.path().join("docs"));
    init_repo(repo.path());
    let docs = repo.path().join("docs");
    // From the repository root with --root, and from inside the site with the default root.
    for (cwd, args) in [
        (repo.path(), vec!["check", "--root", "docs"]),
        (docs.as_path(), vec!["check"]),
    ] {
        let mut cq = args.clone();
        cq.extend(["--format", "codequality"]);
        let run = ladder_in(cwd, &cq);
        assert_eq!(run.code, 1, "{run:?}");
        let (issues, _) = code_quality(&run.stdout, repo.path());
        assert!(
            issues.iter().all(|i| i.contains(" docs/content/team/")),
            "{issues:?}"
        );
        let mut junit = args.clone();
        junit.extend(["--format", "junit"]);
        let cases = junit_cases(&ladder_in(cwd, &junit).stdout);
        assert!(
            cases.iter().all(|c| c
                .file
                .as_deref()
                .is_some_and(|f| f.starts_with("docs/content/team/"))
                && c.classname.starts_with("docs/content/team/")),
            "{cases:?}"
        );
        // The JSON report stays relative to the site root.
        let mut js = args.clone();
        js.extend(["--format", "json"]);
        let report = json(&ladder_in(cwd, &js).stdout);
        assert_eq!(report["diagnostics"][0]["path"], "content/team/alpha.md");
    }
}

// ---------------------------------------------------------------------------------------
// 2. JUnit

#[test]
fn junit_has_a_suite_per_file_and_a_failing_case_per_error_or_warning() {
    let site = fixture_repo("ci_findings");
    let root = site.path();
    let args = [
        "check",
        "--format",
        "junit",
        "--report",
        "junit=ladder-junit.xml",
    ];
    let first = ladder_in(root, &args);
    assert_eq!(first.code, 1, "{first:?}");
    let file = read(root, "ladder-junit.xml");
    assert_eq!(file, first.stdout);
    let second = ladder_in(root, &args);
    assert_eq!(second.stdout, first.stdout, "byte-identical across runs");
    assert_eq!(
        read(root, "ladder-junit.xml"),
        file,
        "byte-identical across runs"
    );

    let cases = junit_cases(&file);
    let suites: Vec<&str> = cases
        .iter()
        .map(|c| c.suite.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(suites, ["content/team/alpha.md", "content/team/gamma.md"]);
    let summary: Vec<String> = cases
        .iter()
        .map(|c| {
            format!(
                "{} | {} | {}:{}",
                c.classname,
                c.name,
                c.file.as_deref().unwrap_or("?"),
                c.line.unwrap_or(0)
            )
        })
        .collect();
    // Info findings (unknown-path) are not test cases.
    assert_eq!(
        summary,
        [
            "content/team/alpha.md | heading-skip: deep | content/team/alpha.md:7",
            "content/team/alpha.md | broken-link: /team/missing/ | content/team/alpha.md:9",
            "content/team/alpha.md | broken-link: /team/missing/ #2 | content/team/alpha.md:9",
            "content/team/alpha.md | broken-anchor: /team/beta/#nowhere | content/team/alpha.md:10",
            "content/team/gamma.md | heading-skip: details | content/team/gamma.md:7",
        ]
    );
    assert!(cases.iter().all(|c| c.failure && c.suite == c.classname));
    let mut names = BTreeSet::new();
    for c in &cases {
        assert!(names.insert((&c.classname, &c.name)), "repeated test {c:?}");
    }
}

#[test]
fn junit_of_a_clean_site_is_one_passing_test() {
    let site = fixture_repo("clean_site");
    let run = ladder_in(site.path(), &["check", "--format", "junit"]);
    assert_eq!(run.code, 0, "{run:?}");
    let cases = junit_cases(&run.stdout);
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert!(!cases[0].failure, "{cases:?}");
    let doc = roxmltree::Document::parse(&run.stdout).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(
        case.children().filter(|n| n.is_element()).count(),
        0,
        "a passing test case has no failure, error or skipped child"
    );
}

// ---------------------------------------------------------------------------------------
// 3. Fingerprints survive edits above the finding

#[test]
fn fingerprints_survive_lines_inserted_above_the_finding() {
    let site = fixture_repo("ci_findings");
    let root = site.path();
    let before = json(&ladder_in(root, &["check", "--format", "json"]).stdout);
    let (cq_before, cq_fp_before) = code_quality(
        &ladder_in(root, &["check", "--format", "codequality"]).stdout,
        root,
    );
    let junit_before = junit_cases(&ladder_in(root, &["check", "--format", "junit"]).stdout);

    let page = read(root, "content/team/alpha.md");
    let edited = page.replacen(
        "---\n\n## Role",
        "---\n\nAn introduction written later.\n\nIt pushes everything down.\n\n## Role",
        1,
    );
    assert_ne!(edited, page);
    write(root, "content/team/alpha.md", &edited);

    let after = json(&ladder_in(root, &["check", "--format", "json"]).stdout);
    let (cq_after, cq_fp_after) = code_quality(
        &ladder_in(root, &["check", "--format", "codequality"]).stdout,
        root,
    );
    let junit_after = junit_cases(&ladder_in(root, &["check", "--format", "junit"]).stdout);

    assert_eq!(fingerprints_of(&after), fingerprints_of(&before));
    assert_eq!(cq_fp_after, cq_fp_before);
    assert_eq!(cq_fp_after, fingerprints_of(&after));
    let lines = |r: &Value| -> Vec<(String, u64)> {
        r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["path"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let shifted: Vec<(String, u64)> = lines(&before)
        .into_iter()
        .map(|(p, l)| {
            let l = if p == "content/team/alpha.md" {
                l + 4
            } else {
                l
            };
            (p, l)
        })
        .collect();
    assert_eq!(
        lines(&after),
        shifted,
        "the lines moved, the fingerprints did not"
    );
    assert_ne!(cq_after, cq_before);
    // JUnit test names hold no line either, so GitLab's "newly failed" survives the edit.
    let names = |cases: &[Case]| -> Vec<(String, String)> {
        cases
            .iter()
            .map(|c| (c.classname.clone(), c.name.clone()))
            .collect()
    };
    assert_eq!(names(&junit_after), names(&junit_before));
    assert_ne!(junit_after, junit_before, "the line attributes moved");
}

// ---------------------------------------------------------------------------------------
// 4. --changed-since

/// The `ci_changed` site in a git repository, with commit 2 deleting `b.md` and renaming
/// the heading `X marks` of `c.md`.
fn changed_repo() -> tempfile::TempDir {
    let repo = fixture_repo("ci_changed");
    let root = repo.path();
    std::fs::remove_file(root.join("content/b.md")).unwrap();
    let c = read(root, "content/c.md").replace("## X marks", "## Y marks");
    write(root, "content/c.md", &c);
    commit_all(root, "delete b, rename the heading of c");
    repo
}

const B_LINK: &str =
    "broken-link content/a.md:5 link to `/b/` leads to no page or file of this site";
const X_ANCHOR: &str =
    "broken-anchor content/a.md:5 `#x-marks` matches no heading or anchor on `/c/`";
const Z_LINK: &str =
    "broken-link content/a.md:5 link to `/z/` leads to no page or file of this site";
const Y_LINK: &str =
    "broken-link content/d.md:5 link to `/y/` leads to no page or file of this site";

#[test]
fn changed_since_reports_what_the_change_broke_and_not_old_findings() {
    let repo = changed_repo();
    let root = repo.path();
    let all = ladder_in(root, &["check", "--format", "json"]);
    assert_eq!(all.code, 1, "{all:?}");
    assert_eq!(
        json_findings(&json(&all.stdout)),
        [B_LINK, X_ANCHOR, Z_LINK, Y_LINK]
    );

    // In the repository, and from elsewhere with --root: the same answer.
    let elsewhere = tempfile::tempdir().unwrap();
    let root_arg = root.display().to_string();
    for (cwd, args) in [
        (
            root,
            vec!["check", "--changed-since", "HEAD~1", "--format", "json"],
        ),
        (
            elsewhere.path(),
            vec![
                "check",
                "--root",
                &root_arg,
                "--changed-since",
                "HEAD~1",
                "--format",
                "json",
                "--report",
                "json=all.json",
            ],
        ),
    ] {
        let run = ladder_in(cwd, &args);
        assert_eq!(run.code, 1, "{run:?}");
        let report = json(&run.stdout);
        assert_eq!(json_findings(&report), [B_LINK, X_ANCHOR], "{run:?}");
        assert_eq!(report["summary"]["errors"], 2);
        assert_eq!(
            run.stderr,
            "2 of 4 findings are in the change since `HEAD~1`; only those are shown and counted\n"
        );
    }
    // A report file written in a scoped run still holds every finding.
    let file = json(&read(elsewhere.path(), "all.json"));
    assert_eq!(json_findings(&file), [B_LINK, X_ANCHOR, Z_LINK, Y_LINK]);
}

#[test]
fn changed_since_owns_old_findings_in_a_changed_file() {
    let repo = changed_repo();
    let root = repo.path();
    let d = read(root, "content/d.md").replace("tpyo", "typo");
    write(root, "content/d.md", &d);
    commit_all(root, "fix a typo in d");
    let run = changed_since_json(root, "HEAD~1");
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(json_findings(&json(&run.stdout)), [Y_LINK]);
    // Over both commits: the change's own findings and the touched file's old one.
    let run = changed_since_json(root, "HEAD~2");
    assert_eq!(
        json_findings(&json(&run.stdout)),
        [B_LINK, X_ANCHOR, Y_LINK]
    );
}

#[test]
fn changed_since_a_clean_change_exits_0_with_old_findings_elsewhere() {
    let repo = fixture_repo("ci_changed");
    let root = repo.path();
    write(
        root,
        "content/e.md",
        "---\ntitle: E\n---\n\nA new page linking to [c](/c/#x-marks).\n",
    );
    commit_all(root, "add a clean page");
    let run = ladder_in(root, &["check", "--changed-since", "HEAD~1"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("checked 5 pages, 0 errors,"),
        "{run:?}"
    );
    assert_eq!(
        run.stderr,
        "0 of 2 findings are in the change since `HEAD~1`; only those are shown and counted\n"
    );
}

#[test]
fn changed_since_a_config_change_scopes_nothing() {
    let repo = changed_repo();
    let root = repo.path();
    write(root, "ladder.toml", "title = \"Changed\"\n");
    commit_all(root, "configure");
    let run = changed_since_json(root, "HEAD~1");
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        json_findings(&json(&run.stdout)),
        [B_LINK, X_ANCHOR, Z_LINK, Y_LINK]
    );
    assert_eq!(run.stderr, "", "nothing was left out");
}

#[test]
fn changed_since_fails_with_gits_message_on_an_unknown_ref_or_outside_a_repository() {
    let repo = changed_repo();
    let run = ladder_in(repo.path(), &["check", "--changed-since", "no-such-ref"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with(
            "error: `git diff --name-status -z --no-renames no-such-ref...HEAD` failed: fatal: "
        ) && run.stderr.contains("no-such-ref...HEAD")
            && run.stderr.contains("unknown revision"),
        "{run:?}"
    );
    // Not a repository at all.
    let plain = copy_fixture("ci_changed");
    if !plain.path().ancestors().any(|d| d.join(".git").exists()) {
        let run = ladder_in(plain.path(), &["check", "--changed-since", "main"]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.contains("not a git repository"), "{run:?}");
    }
}

// ---------------------------------------------------------------------------------------
// 5. --baseline

#[test]
fn baseline_ratchets_on_new_findings_only() {
    let site = copy_fixture("ci_baseline");
    let root = site.path();
    let base = ladder_in(root, &["check", "--format", "json"]);
    assert_eq!(base.code, 1, "{base:?}");
    assert_eq!(
        json(&base.stdout)["diagnostics"].as_array().unwrap().len(),
        1
    );
    write(root, "base.json", &base.stdout);

    let run = ladder_in(root, &["check", "--baseline", "base.json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("error["), "{run:?}");
    assert!(
        run.stdout.starts_with("checked 2 pages, 0 errors,"),
        "{run:?}"
    );
    assert_eq!(
        run.stderr,
        "0 of 1 findings are new against `base.json`; only those are shown and counted\n"
    );

    // The old finding moves down (an edit above it) and a new one appears elsewhere.
    let one = read(root, "content/team/one.md").replace("## Duties", "Intro.\n\n## Duties");
    write(root, "content/team/one.md", &one);
    let two = read(root, "content/team/two.md") + "\nA new broken link: [new](/team/new-gone/).\n";
    write(root, "content/team/two.md", &two);
    let run = ladder_in(
        root,
        &[
            "check",
            "--baseline",
            "base.json",
            "--format",
            "json",
            "--report",
            "json=all.json",
            "--report",
            "codequality=cq.json",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        json_findings(&json(&run.stdout)),
        [
            "broken-link content/team/two.md:9 link to `/team/new-gone/` leads to no page or file of this site"
        ]
    );
    assert_eq!(
        run.stderr,
        "1 of 2 findings are new against `base.json`; only those are shown and counted\n"
    );
    // Report files hold every finding.
    assert_eq!(
        json_findings(&json(&read(root, "all.json"))),
        [
            "broken-link content/team/one.md:9 link to `/team/gone/` leads to no page or file of this site",
            "broken-link content/team/two.md:9 link to `/team/new-gone/` leads to no page or file of this site",
        ]
    );
    let (issues, _) = code_quality(&read(root, "cq.json"), root);
    assert_eq!(issues.len(), 2, "{issues:?}");
    // The human report shows the new finding only.
    let run = ladder_in(root, &["check", "--baseline", "base.json"]);
    assert!(run.stdout.contains("/team/new-gone/"), "{run:?}");
    assert!(!run.stdout.contains("`/team/gone/`"), "{run:?}");
}

#[test]
fn baseline_without_fingerprints_or_not_a_report_is_a_failure() {
    let site = copy_fixture("ci_baseline");
    let root = site.path();
    write(
        root,
        "old.json",
        r#"{"version": 1,
  "summary": {"pages": 2, "errors": 1, "warnings": 0, "infos": 0, "unchecked_links": 0, "external_links": 0},
  "diagnostics": [{"rule": "broken-link", "severity": "error", "path": "content/team/one.md",
                   "line": 7, "column": 22, "message": "link to `/team/gone/` leads to no page or file of this site"}]}
"#,
    );
    let run = ladder_in(
        root,
        &[
            "check",
            "--baseline",
            "old.json",
            "--report",
            "json=all.json",
        ],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: baseline `old.json` has a diagnostic without a fingerprint: write it again with `ladder check --format json`\n"
    );
    assert!(
        !root.join("all.json").exists(),
        "a failed run writes no report"
    );

    write(root, "human.txt", "checked 2 pages, 1 error\n");
    let run = ladder_in(root, &["check", "--baseline", "human.txt"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: baseline `human.txt` is not a JSON report: "),
        "{run:?}"
    );
    let run = ladder_in(root, &["check", "--baseline", "missing.json"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("missing.json"), "{run:?}");
}

// ---------------------------------------------------------------------------------------
// 6. ci/gitlab-ci.yml

fn gitlab_ci() -> Yaml {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/gitlab-ci.yml");
    let text = std::fs::read_to_string(&path).expect("read ci/gitlab-ci.yml");
    let mut docs = YamlLoader::load_from_str(&text).expect("ci/gitlab-ci.yml is YAML");
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

const GLOBAL_KEYS: &[&str] = &[
    "stages",
    "default",
    "workflow",
    "variables",
    "include",
    "image",
];

/// Job names in file order.
fn jobs(doc: &Yaml) -> Vec<String> {
    doc.as_hash()
        .expect("top level is a mapping")
        .keys()
        .map(|k| k.as_str().expect("string key").to_string())
        .filter(|k| !GLOBAL_KEYS.contains(&k.as_str()) && !k.starts_with('.'))
        .collect()
}

fn strings(y: &Yaml) -> Vec<String> {
    y.as_vec()
        .map(|v| {
            v.iter()
                .map(|s| s.as_str().expect("string").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Evaluates a rules `if:` expression: `&&` of `$VAR`, `$VAR == "x"`, `$VAR == $OTHER`,
/// `$VAR != …` (all this file uses; anything else fails the test).
fn rule_if(expr: &str, env: &HashMap<String, String>) -> bool {
    let value = |s: &str| -> Option<String> {
        let s = s.trim();
        if let Some(var) = s.strip_prefix('$') {
            assert!(
                var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "`{s}`"
            );
            env.get(var).cloned()
        } else if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
            Some(s[1..s.len() - 1].to_string())
        } else {
            panic!("unsupported rules operand `{s}` in `{expr}`")
        }
    };
    expr.split("&&").all(|term| {
        if let Some((l, r)) = term.split_once("==") {
            value(l) == value(r)
        } else if let Some((l, r)) = term.split_once("!=") {
            value(l) != value(r)
        } else {
            value(term).is_some_and(|v| !v.is_empty())
        }
    })
}

/// What `rules` decide: `None` (not in the pipeline), or the `when` and the rule's
/// variables.
fn decide(rules: &Yaml, env: &HashMap<String, String>) -> Option<(String, Vec<(String, String)>)> {
    let Some(rules) = rules.as_vec() else {
        return Some(("on_success".to_string(), Vec::new()));
    };
    for rule in rules {
        let matched = match &rule["if"] {
            Yaml::BadValue => true,
            y => rule_if(y.as_str().expect("if is a string"), env),
        };
        if matched {
            let when = rule["when"].as_str().unwrap_or("on_success").to_string();
            if when == "never" {
                return None;
            }
            return Some((when, variables(&rule["variables"])));
        }
    }
    None
}

fn variables(y: &Yaml) -> Vec<(String, String)> {
    y.as_hash()
        .map(|h| {
            h.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Yaml::String(s) => s.clone(),
                        Yaml::Integer(i) => i.to_string(),
                        other => panic!("variable value {other:?}"),
                    };
                    (k.as_str().unwrap().to_string(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Predefined variables of the three kinds of pipeline this file serves.
fn pipeline(kind: &str) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = [
        ("CI_DEFAULT_BRANCH", "main"),
        ("CI_PAGES_URL", "https://group.gitlab.io/handbook/"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut set = |k: &str, v: &str| {
        env.insert(k.to_string(), v.to_string());
    };
    match kind {
        "merge_request" => {
            set("CI_PIPELINE_SOURCE", "merge_request_event");
            set("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main");
            set("CI_MERGE_REQUEST_IID", "7");
            set("CI_COMMIT_REF_NAME", "feature");
            set("CI_COMMIT_REF_SLUG", "feature");
            // Since GitLab 17.9 the URL carries the job's pages.path_prefix.
            set("CI_PAGES_URL", "https://group.gitlab.io/handbook/mr-7");
        }
        "default_branch" => {
            set("CI_PIPELINE_SOURCE", "push");
            set("CI_COMMIT_BRANCH", "main");
            set("CI_COMMIT_REF_NAME", "main");
        }
        "schedule" => {
            set("CI_PIPELINE_SOURCE", "schedule");
            set("CI_COMMIT_BRANCH", "main");
            set("CI_COMMIT_REF_NAME", "main");
        }
        "other_branch" => {
            set("CI_PIPELINE_SOURCE", "push");
            set("CI_COMMIT_BRANCH", "feature");
            set("CI_COMMIT_REF_NAME", "feature");
        }
        _ => unreachable!("{kind}"),
    }
    env
}

/// `job -> when` for the jobs a pipeline of `kind` runs.
fn pipeline_jobs(doc: &Yaml, kind: &str) -> BTreeMap<String, String> {
    let env = pipeline(kind);
    if decide(&doc["workflow"]["rules"], &env).is_none() {
        return BTreeMap::new();
    }
    jobs(doc)
        .into_iter()
        .filter_map(|job| decide(&doc[job.as_str()]["rules"], &env).map(|(when, _)| (job, when)))
        .collect()
}

#[test]
fn gitlab_ci_yml_has_the_install_check_and_pages_jobs() {
    let doc = gitlab_ci();
    let names = jobs(&doc);
    assert_eq!(
        names,
        [
            "ladder:install",
            "ladder:check",
            "pages",
            "pages:review",
            "ladder:external"
        ]
    );
    assert_eq!(doc["default"]["image"].as_str(), Some("rust:1"));

    // ladder:install builds the binary once and hands it on.
    let install = &doc["ladder:install"];
    assert_eq!(
        strings(&install["script"])[0],
        r#"cargo install --locked --root .ladder-bin --path "${LADDER_SRC:-tools/ladder}""#
    );
    assert_eq!(
        install["variables"]["CARGO_HOME"].as_str(),
        Some("$CI_PROJECT_DIR/.cargo")
    );
    assert!(
        strings(&install["cache"]["paths"])
            .iter()
            .all(|p| p.starts_with(".cargo/registry/")),
        "{:?}",
        install["cache"]
    );
    assert_eq!(strings(&install["artifacts"]["paths"]), [".ladder-bin/"]);
    for job in &names[1..] {
        assert_eq!(
            strings(&doc[job.as_str()]["needs"]),
            ["ladder:install"],
            "{job}"
        );
        for line in strings(&doc[job.as_str()]["script"]) {
            if line.contains("ladder ") {
                assert!(line.starts_with(".ladder-bin/bin/ladder "), "{job}: {line}");
            }
        }
    }

    // The Pages job: `pages:` keyword, public/, CI_PAGES_URL as it is.
    let pages = &doc["pages"];
    assert_eq!(pages["pages"]["publish"].as_str(), Some("public"));
    assert!(pages["pages"]["path_prefix"].is_badvalue());
    assert_eq!(strings(&pages["artifacts"]["paths"]), ["public"]);
    assert_eq!(
        strings(&pages["script"]),
        [r#".ladder-bin/bin/ladder build --base-url "$CI_PAGES_URL""#]
    );

    // The review deployment: a path prefix, a week, an environment at CI_PAGES_URL.
    let review = &doc["pages:review"];
    assert_eq!(
        review["pages"]["path_prefix"].as_str(),
        Some("mr-$CI_MERGE_REQUEST_IID")
    );
    assert_eq!(review["pages"]["expire_in"].as_str(), Some("1 week"));
    assert_eq!(
        review["environment"]["name"].as_str(),
        Some("review/$CI_COMMIT_REF_SLUG")
    );
    assert_eq!(review["environment"]["url"].as_str(), Some("$CI_PAGES_URL"));
    assert_eq!(strings(&review["artifacts"]["paths"]), ["public"]);

    // The check job: both reports, uploaded even when the job fails.
    let check = &doc["ladder:check"];
    assert_eq!(check["artifacts"]["when"].as_str(), Some("always"));
    assert_eq!(
        check["artifacts"]["reports"]["codequality"].as_str(),
        Some("gl-code-quality.json")
    );
    assert_eq!(
        check["artifacts"]["reports"]["junit"].as_str(),
        Some("ladder-junit.xml")
    );
    assert!(check["artifacts"]["expire_in"].as_str().is_some());
    let ifs: Vec<&str> = check["rules"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|r| r["if"].as_str())
        .collect();
    assert!(
        ifs.contains(&r#"$CI_PIPELINE_SOURCE == "merge_request_event""#),
        "{ifs:?}"
    );
    assert!(
        ifs.contains(&"$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"),
        "{ifs:?}"
    );

    // The external-link job only runs on a schedule.
    let external = &doc["ladder:external"];
    assert!(
        strings(&external["script"])
            .iter()
            .any(|l| l.contains(" --external"))
    );
    assert_eq!(strings(&external["cache"]["paths"]), [".ladder-cache/"]);

    // CI_PAGES_URL is passed as it is, never with a prefix appended.
    for job in &names {
        for line in strings(&doc[job.as_str()]["script"]) {
            if line.contains("CI_PAGES_URL") {
                assert_eq!(line.matches("CI_PAGES_URL").count(), 1, "{job}: {line}");
                assert!(
                    line.contains(r#"--base-url "$CI_PAGES_URL" "#)
                        || line.ends_with(r#"--base-url "$CI_PAGES_URL""#),
                    "{job}: {line}"
                );
            }
        }
    }

    // Every script line is one POSIX sh command line.
    for job in &names {
        for line in strings(&doc[job.as_str()]["script"]) {
            let status = Command::new("sh")
                .args(["-n", "-c", &line])
                .status()
                .unwrap();
            assert!(status.success(), "{job}: `{line}` is not valid sh");
        }
    }
}

#[test]
fn gitlab_ci_yml_rules_pick_the_jobs_of_each_pipeline() {
    let doc = gitlab_ci();
    let expect = |kind: &str, jobs: &[(&str, &str)]| {
        let got = pipeline_jobs(&doc, kind);
        let want: BTreeMap<String, String> = jobs
            .iter()
            .map(|(j, w)| (j.to_string(), w.to_string()))
            .collect();
        assert_eq!(got, want, "{kind}");
        // `needs` only names jobs of the same pipeline.
        for job in got.keys() {
            for need in strings(&doc[job.as_str()]["needs"]) {
                assert!(got.contains_key(&need), "{kind}: {job} needs {need}");
            }
        }
    };
    expect(
        "merge_request",
        &[
            ("ladder:install", "on_success"),
            ("ladder:check", "on_success"),
            ("pages:review", "manual"),
        ],
    );
    expect(
        "default_branch",
        &[
            ("ladder:install", "on_success"),
            ("ladder:check", "on_success"),
            ("pages", "on_success"),
        ],
    );
    expect(
        "schedule",
        &[
            ("ladder:install", "on_success"),
            ("ladder:external", "on_success"),
        ],
    );
    expect("other_branch", &[]);
    // A manual job in a merge request must not block the pipeline.
    let review = &doc["pages:review"]["rules"][0];
    assert_eq!(review["allow_failure"].as_bool(), Some(true));
}

/// A handbook project with a bare `origin` beside it, as GitLab would clone it.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// `ci_pages` committed on `main` and pushed to `origin.git`.
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work");
        copy_dir(&fixture("ci_pages"), &work);
        init_repo(&work);
        git(dir.path(), &["init", "-q", "--bare", "origin.git"]);
        git(&work, &["remote", "add", "origin", "../origin.git"]);
        git(&work, &["push", "-q", "origin", "main"]);
        Project { dir }
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// A fresh clone of `branch` only (as a CI job gets), with ladder at
    /// `.ladder-bin/bin/ladder`.
    fn checkout(&self, branch: &str, name: &str) -> PathBuf {
        let origin = self.dir.path().join("origin.git").display().to_string();
        git(
            self.dir.path(),
            &[
                "clone",
                "-q",
                "--single-branch",
                "--branch",
                branch,
                &origin,
                name,
            ],
        );
        let job = self.dir.path().join(name);
        git(&job, &["checkout", "-q", "--detach"]);
        std::fs::create_dir_all(job.join(".ladder-bin/bin")).unwrap();
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_ladder"),
            job.join(".ladder-bin/bin/ladder"),
        )
        .unwrap();
        job
    }
}

/// Runs the script of `job` as GitLab would in a pipeline of `kind`: one `sh` with
/// `set -e`, the predefined variables, then the job's and the matching rule's variables
/// (expanded by the shell), then the script lines.
fn run_job(doc: &Yaml, job: &str, kind: &str, dir: &Path, overrides: &[(&str, &str)]) -> Run {
    let mut env = pipeline(kind);
    for (k, v) in overrides {
        env.insert(k.to_string(), v.to_string());
    }
    env.insert("CI_PROJECT_DIR".to_string(), dir.display().to_string());
    let spec = &doc[job];
    assert!(spec["before_script"].is_badvalue() && doc["default"]["before_script"].is_badvalue());
    let (_, rule_vars) =
        decide(&spec["rules"], &env).unwrap_or_else(|| panic!("{job} is not in a {kind} pipeline"));
    let mut script = String::from("set -e\n");
    let mut vars: Vec<(String, String)> = variables(&doc["variables"]);
    vars.extend(variables(&spec["variables"]));
    vars.extend(rule_vars);
    for (k, v) in &vars {
        assert!(!v.contains(['"', '`', '\\']), "{k}: {v}");
        script.push_str(&format!("{k}=\"{v}\"; export {k}\n"));
    }
    for line in strings(&spec["script"]) {
        script.push_str(&line);
        script.push('\n');
    }
    let mut cmd = clean_command("sh", dir);
    cmd.args(["-c", &script]);
    for (k, v) in &env {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("run sh");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every `href`/`src` value and sitemap `<loc>` of the built site.
fn site_urls(public: &Path) -> Vec<String> {
    let attr = regex::Regex::new(r#"(?:href|src)="([^"]*)"|<loc>([^<]*)</loc>"#).unwrap();
    let mut out = Vec::new();
    for (rel, bytes) in crate::harness::snapshot(public) {
        if rel.ends_with(".html") || rel.ends_with(".xml") {
            let text = String::from_utf8(bytes).unwrap();
            for c in attr.captures_iter(&text) {
                out.push(c.get(1).or(c.get(2)).unwrap().as_str().to_string());
            }
        }
    }
    out
}

/// Asserts every root-relative link of `public/` starts with `prefix` exactly once, and
/// every absolute one on the Pages host with `site`.
fn assert_prefixed_once(public: &Path, prefix: &str, site: &str) {
    assert!(public.join("index.html").is_file());
    let urls = site_urls(public);
    let rooted: Vec<&String> = urls.iter().filter(|u| u.starts_with('/')).collect();
    assert!(rooted.len() >= 5, "{urls:?}");
    let doubled = format!("{prefix}{}", prefix.trim_start_matches('/'));
    for u in &urls {
        assert!(
            prefix == "/" || !u.contains(&doubled),
            "`{u}` has the prefix twice"
        );
        assert!(
            !u.contains("/handbook/handbook/"),
            "`{u}` has the prefix twice"
        );
    }
    for u in rooted {
        assert!(u.starts_with(prefix), "`{u}` lacks `{prefix}`");
    }
    let locs: Vec<&String> = urls.iter().filter(|u| u.starts_with("https://")).collect();
    assert!(!locs.is_empty(), "{urls:?}");
    for u in locs {
        assert!(u.starts_with(site), "`{u}` is not under `{site}`");
    }
    // Content links are rewritten too, not just the theme's.
    let home = read(public, "index.html");
    assert!(
        home.contains(&format!(r#"href="{prefix}team/lead/""#)),
        "{home}"
    );
}

#[test]
fn gitlab_ci_yml_pages_job_publishes_public_with_the_prefix_once() {
    let doc = gitlab_ci();
    let project = Project::new();
    // GitLab's CI_PAGES_URL has no trailing slash; accept one too.
    for (i, url) in [
        "https://group.gitlab.io/handbook",
        "https://group.gitlab.io/handbook/",
    ]
    .iter()
    .enumerate()
    {
        let job = project.checkout("main", &format!("pages-{i}"));
        let run = run_job(
            &doc,
            "pages",
            "default_branch",
            &job,
            &[("CI_PAGES_URL", url)],
        );
        assert_eq!(run.code, 0, "{run:?}");
        assert!(run.stdout.starts_with("warning[heading-skip]"), "{run:?}");
        assert_prefixed_once(
            &job.join("public"),
            "/handbook/",
            "https://group.gitlab.io/handbook/",
        );
    }
    // A unique domain: no path at all.
    let job = project.checkout("main", "pages-unique");
    let run = run_job(
        &doc,
        "pages",
        "default_branch",
        &job,
        &[("CI_PAGES_URL", "https://handbook-123456.gitlab.io")],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_prefixed_once(
        &job.join("public"),
        "/",
        "https://handbook-123456.gitlab.io/",
    );
}

#[test]
fn gitlab_ci_yml_review_job_uses_the_prefixed_url_once_and_publishes_despite_findings() {
    let doc = gitlab_ci();
    let project = Project::new();
    let work = project.work();
    git(&work, &["checkout", "-q", "-b", "feature"]);
    write(
        &work,
        "content/team/new.md",
        "---\ntitle: New\n---\n\nA broken link: [gone](/team/gone/).\n",
    );
    commit_all(&work, "add a page with a broken link");
    git(&work, &["push", "-q", "origin", "feature"]);
    let job = project.checkout("feature", "review");
    let run = run_job(&doc, "pages:review", "merge_request", &job, &[]);
    assert_eq!(run.code, 0, "findings do not stop the preview: {run:?}");
    assert!(run.stdout.contains("error[broken-link]"), "{run:?}");
    assert_prefixed_once(
        &job.join("public"),
        "/handbook/mr-7/",
        "https://group.gitlab.io/handbook/mr-7/",
    );
    // A failure of ladder itself still fails the job.
    write(&job, "ladder.toml", "titel = \"typo\"\n");
    let run = run_job(&doc, "pages:review", "merge_request", &job, &[]);
    assert_eq!(run.code, 1, "sh reports the failed test as 1: {run:?}");
    assert!(run.stderr.contains("unknown field `titel`"), "{run:?}");
}

#[test]
fn gitlab_ci_yml_check_job_writes_both_reports_on_the_default_branch_and_in_merge_requests() {
    let doc = gitlab_ci();
    let project = Project::new();

    // The default branch: every finding (one old warning), exit 0.
    let job = project.checkout("main", "check-main");
    let run = run_job(&doc, "ladder:check", "default_branch", &job, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("warning[heading-skip]"), "{run:?}");
    assert_eq!(
        run.stderr, "",
        "nothing is scoped on the default branch: {run:?}"
    );
    let (issues, _) = code_quality(&read(&job, "gl-code-quality.json"), &job);
    assert_eq!(issues, ["heading-skip minor content/team/notes.md:7"]);
    let cases = junit_cases(&read(&job, "ladder-junit.xml"));
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert_eq!(cases[0].name, "heading-skip: agenda");

    // A merge request adding a broken link: the target branch is fetched, only the new
    // finding is printed and fails the job, and the reports hold both.
    let work = project.work();
    git(&work, &["checkout", "-q", "-b", "feature"]);
    write(
        &work,
        "content/team/new.md",
        "---\ntitle: New\n---\n\nA broken link: [gone](/team/gone/).\n",
    );
    commit_all(&work, "add a page with a broken link");
    git(&work, &["push", "-q", "origin", "feature"]);
    let job = project.checkout("feature", "check-mr");
    let has_origin_main = |dir: &Path| {
        clean_command("git", dir)
            .args(["rev-parse", "-q", "--verify", "refs/remotes/origin/main"])
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(
        !has_origin_main(&job),
        "the job's clone has only the merge request's branch"
    );
    let run = run_job(&doc, "ladder:check", "merge_request", &job, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        has_origin_main(&job),
        "the script fetched the target branch"
    );
    assert!(
        run.stdout
            .contains("error[broken-link]: link to `/team/gone/`"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("heading-skip"), "{run:?}");
    assert!(
        run.stderr
            .contains("1 of 2 findings are in the change since `origin/main`"),
        "{run:?}"
    );
    let (issues, _) = code_quality(&read(&job, "gl-code-quality.json"), &job);
    assert_eq!(
        issues,
        [
            "broken-link major content/team/new.md:5",
            "heading-skip minor content/team/notes.md:7",
        ]
    );
    let cases = junit_cases(&read(&job, "ladder-junit.xml"));
    assert_eq!(cases.len(), 2, "{cases:?}");
}

// ---------------------------------------------------------------------------------------
// Known bugs: the correct behaviour, ignored until fixed.

/// A repository with `content/team/lead.md` and `content/team/member.md` (linking to the
/// lead in several forms), committed.
fn team_repo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    write(
        root,
        "content/team/member.md",
        "---\ntitle: Member\n---\n\nReports to the [lead](/team/lead/).\n",
    );
    write(
        root,
        "content/team/lead.md",
        "---\ntitle: Lead\n---\n\nLeads the team.\n",
    );
    init_repo(root);
    repo
}

#[test]
fn changed_since_reports_a_duplicate_permalink_the_change_creates() {
    let repo = team_repo();
    let root = repo.path();
    // A new page that sorts before the old one and takes its URL: the finding is placed on
    // the old page (the second by path), and the new page is the one written.
    write(
        root,
        "content/a/lead-copy.md",
        "---\ntitle: Copy\npermalink: /team/lead/\n---\n\nA copy.\n",
    );
    commit_all(root, "add a page at an existing URL");
    let all = ladder_in(root, &["check", "--format", "json"]);
    assert_eq!(all.code, 1, "{all:?}");
    let run = changed_since_json(root, "HEAD~1");
    assert_eq!(run.code, 1, "the change replaced an existing page: {run:?}");
    assert_eq!(json(&run.stdout)["summary"]["errors"], 1, "{run:?}");
}

#[test]
fn changed_since_reports_links_in_every_tolerated_form_to_a_deleted_page() {
    let repo = team_repo();
    let root = repo.path();
    write(
        root,
        "content/team/member.md",
        "---\ntitle: Member\n---\n\n[a](/team/lead/), [b](/team/lead), [c](/team/lead/index.html), [d](/team/lead.html).\n",
    );
    commit_all(root, "link the lead in every form");
    std::fs::remove_file(root.join("content/team/lead.md")).unwrap();
    commit_all(root, "delete the lead");
    let all = json(&ladder_in(root, &["check", "--format", "json"]).stdout);
    assert_eq!(all["summary"]["errors"], 4);
    let run = changed_since_json(root, "HEAD~1");
    assert_eq!(json(&run.stdout)["summary"]["errors"], 4, "{run:?}");
}

#[test]
fn changed_since_reports_links_to_a_deleted_page_with_a_permalink() {
    let repo = team_repo();
    let root = repo.path();
    write(
        root,
        "content/team/lead.md",
        "---\ntitle: Lead\npermalink: /team/leader/\n---\n\nLeads.\n",
    );
    write(
        root,
        "content/team/member.md",
        "---\ntitle: Member\n---\n\nReports to the [lead](/team/leader/).\n",
    );
    commit_all(root, "move the lead");
    std::fs::remove_file(root.join("content/team/lead.md")).unwrap();
    commit_all(root, "delete the lead");
    let all = json(&ladder_in(root, &["check", "--format", "json"]).stdout);
    assert_eq!(all["summary"]["errors"], 1);
    let run = changed_since_json(root, "HEAD~1");
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(json(&run.stdout)["summary"]["errors"], 1, "{run:?}");
}

#[test]
fn changed_since_a_change_to_the_config_file_in_use_scopes_nothing() {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    write(
        root,
        "content/team/lead.md",
        "---\ntitle: Lead\n---\n\n## Role\n\n#### Deep\n",
    );
    write(root, "ci/ladder.toml", "title = \"Handbook\"\n");
    init_repo(root);
    write(
        root,
        "ci/ladder.toml",
        "title = \"Handbook\"\n\n[rules]\nheading-skip = \"error\"\n",
    );
    commit_all(root, "make heading-skip an error");
    let all = ladder_in(root, &["check", "--config", "ci/ladder.toml"]);
    assert_eq!(all.code, 1, "{all:?}");
    let run = ladder_in(
        root,
        &[
            "check",
            "--config",
            "ci/ladder.toml",
            "--changed-since",
            "HEAD~1",
        ],
    );
    assert_eq!(
        run.code, 1,
        "the change made an untouched page fail: {run:?}"
    );
}

#[test]
fn links_to_static_files_resolve() {
    let site = copy_fixture("ci_static_link");
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = ladder_in(
        site.path(),
        &[
            "build",
            "--output",
            &public.display().to_string(),
            "--format",
            "json",
        ],
    );
    assert!(public.join("files/role-card.txt").is_file(), "{run:?}");
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(json(&run.stdout)["diagnostics"], serde_json::json!([]));
}
