//! The parse cache (`.ladder-cache/pages.bin`): a second run reuses every unchanged page
//! and reports exactly what a run without the cache reports; an edited page, a damaged
//! cache and a deleted page are each handled.

use std::path::Path;

use crate::harness::{copy_fixture, run_ladder};

/// `ladder check -v --format json` on `root`: (exit code, the JSON report, the
/// "parse cache: …" line of stderr).
fn check(root: &Path, extra: &[&str]) -> (i32, String, String) {
    let root = root.display().to_string();
    let mut args = vec!["check", "--root", &root, "--format", "json", "-v"];
    args.extend(extra);
    let run = run_ladder(args);
    let cache = run
        .stderr
        .lines()
        .find(|l| l.starts_with("parse cache:"))
        .unwrap_or("")
        .to_string();
    (run.code, run.stdout, cache)
}

/// Every Markdown file below `dir`, sorted.
fn md_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(md_files(&path));
        } else if path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Appends `text` to `file` and moves its modification time on, as an editor's save does.
fn edit(file: &Path, text: &str) {
    let mut body = std::fs::read_to_string(file).unwrap();
    body.push_str(text);
    std::fs::write(file, body).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(later)
        .unwrap();
}

#[test]
fn a_second_run_reuses_every_page_and_reports_the_same() {
    let dir = copy_fixture("grades_extraction");
    let (code, uncached, cache) = check(dir.path(), &["--no-cache"]);
    assert_eq!(cache, "", "--no-cache uses no cache");
    assert!(!dir.path().join(".ladder-cache").exists());
    let pages = md_files(&dir.path().join("content")).len();
    let (first_code, first, cache) = check(dir.path(), &[]);
    assert_eq!(
        cache,
        format!("parse cache: 0 pages reused, {pages} parsed")
    );
    let (second_code, second, cache) = check(dir.path(), &[]);
    assert_eq!(
        cache,
        format!("parse cache: {pages} pages reused, 0 parsed")
    );
    assert_eq!((first_code, second_code), (code, code));
    assert_eq!(first, uncached);
    assert_eq!(second, uncached);
}

#[test]
fn an_edited_page_is_parsed_again_and_its_findings_change() {
    let dir = copy_fixture("broken_link");
    let (_, before, _) = check(dir.path(), &[]);
    assert!(
        !before.contains("/job-families/eng/no-such-page/"),
        "{before}"
    );
    let page = md_files(&dir.path().join("content")).remove(0);
    edit(&page, "\nSee [this](/job-families/eng/no-such-page/).\n");
    let (code, after, cache) = check(dir.path(), &[]);
    assert!(cache.contains(", 1 parsed"), "{cache}");
    assert_eq!(code, 1);
    assert!(after.contains("/job-families/eng/no-such-page/"), "{after}");
    let (_, uncached, _) = check(dir.path(), &["--no-cache"]);
    assert_eq!(after, uncached);
}

#[test]
fn a_damaged_cache_is_ignored_and_written_again() {
    let dir = copy_fixture("grades_extraction");
    let (_, uncached, _) = check(dir.path(), &["--no-cache"]);
    check(dir.path(), &[]);
    let file = dir.path().join(ladder::parse::cache::CACHE_FILE);
    let mut bytes = std::fs::read(&file).unwrap();
    let cut = bytes.len() / 2;
    bytes.truncate(cut);
    bytes.extend_from_slice(b"\xff\xff\xff\xffnot a cache");
    std::fs::write(&file, bytes).unwrap();
    let pages = md_files(&dir.path().join("content")).len();
    let (_, report, cache) = check(dir.path(), &[]);
    assert_eq!(
        cache,
        format!("parse cache: 0 pages reused, {pages} parsed")
    );
    assert_eq!(report, uncached);
    let (_, _, cache) = check(dir.path(), &[]);
    assert_eq!(
        cache,
        format!("parse cache: {pages} pages reused, 0 parsed")
    );
}

#[test]
fn a_deleted_page_leaves_the_cache_and_the_build_uses_it() {
    let dir = copy_fixture("build_site");
    check(dir.path(), &[]);
    let last = md_files(&dir.path().join("content")).pop().unwrap();
    std::fs::remove_file(&last).unwrap();
    let (_, uncached, _) = check(dir.path(), &["--no-cache"]);
    let (_, cached, cache) = check(dir.path(), &[]);
    assert!(cache.ends_with(" 0 parsed"), "{cache}");
    assert_eq!(cached, uncached);

    // A build from the cache writes what a build without it writes.
    let root = dir.path().display().to_string();
    for (out, flag) in [("with", "-v"), ("without", "--no-cache")] {
        let out = dir.path().join(out).display().to_string();
        let run = run_ladder(["build", "--root", &root, "--output", &out, flag]);
        assert!(run.code < 2, "{run:?}");
        if flag == "-v" {
            assert!(
                run.stderr.contains(" pages reused, 0 parsed"),
                "{}",
                run.stderr
            );
        }
    }
    assert_eq!(
        crate::harness::snapshot(&dir.path().join("with")),
        crate::harness::snapshot(&dir.path().join("without"))
    );
}
