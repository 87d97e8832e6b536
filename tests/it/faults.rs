//! Faults: a failed write (disk full, read-only output), a build killed mid-write, and a
//! failing writer never cost the previous output, and leave no staging directory behind
//! for good. The disk tests mount a tiny tmpfs; where mounting is not permitted they
//! print why and skip (the failing-writer test covers the same path everywhere).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{build, copy_fixture, entries, run_ladder, snapshot};

/// Staging or aside directories `ladder` leaves beside an output.
fn leftovers(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| n.contains("ladder-staging") || n.contains("ladder-old"))
        .collect()
}

/// A tmpfs of `size` mounted at `at`, unmounted on drop.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status();
        match status {
            Ok(s) if s.success() => Some(Tmpfs(at.to_path_buf())),
            other => {
                // CI runs as root, where mounting works: there a skip would hide the test.
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI is set but a tmpfs cannot be mounted: {other:?}"
                );
                println!(
                    "skipped: cannot mount a tmpfs here ({other:?}); the failing-writer test covers this path"
                );
                None
            }
        }
    }

    fn remount(&self, options: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .status()
            .unwrap()
            .success();
        assert!(ok, "remount {options}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// `ladder build --root site --output out` as a process (the error goes to stderr).
fn build_binary(site: &Path, out: &Path) -> crate::harness::Run {
    run_ladder([
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ])
}

#[test]
fn a_full_disk_keeps_the_previous_output() {
    let site = copy_fixture("build_site");
    let disk = tempfile::tempdir().unwrap();
    let Some(_tmpfs) = Tmpfs::mount(disk.path(), "512k") else {
        return;
    };
    let out = disk.path().join("public");
    build(site.path(), &out).expect("the first build fits");
    let before = snapshot(&out);

    // A 1 MB asset cannot fit beside the previous output.
    std::fs::write(site.path().join("content/one/big.bin"), vec![7u8; 1 << 20]).unwrap();
    let run = build_binary(site.path(), &out);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("big.bin"), "{}", run.stderr);
    assert_eq!(snapshot(&out), before, "the previous output changed");
    assert_eq!(leftovers(disk.path()), Vec::<String>::new());
}

#[test]
fn a_read_only_output_keeps_the_previous_output() {
    let site = copy_fixture("build_site");
    let disk = tempfile::tempdir().unwrap();
    let Some(tmpfs) = Tmpfs::mount(disk.path(), "4m") else {
        return;
    };
    let out = disk.path().join("public");
    build(site.path(), &out).expect("the first build");
    let before = snapshot(&out);
    tmpfs.remount("ro");
    let run = build_binary(site.path(), &out);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("Read-only file system"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("ladder-staging"), "{}", run.stderr);
    tmpfs.remount("rw");
    assert_eq!(snapshot(&out), before, "the previous output changed");
    assert_eq!(leftovers(disk.path()), Vec::<String>::new());
}

#[test]
fn a_build_killed_mid_write_is_cleaned_up_by_the_next() {
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    for i in 0..4000 {
        let dir = content.join(format!("f{}", i % 40));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("p{i}.md")),
            format!(
                "---\ntitle: Page {i}\n---\n\n## Body\n\n{}\n",
                "Text. ".repeat(200)
            ),
        )
        .unwrap();
    }
    let out = site.path().join("public");
    build(site.path(), &out).expect("the first build");
    let before = snapshot(&out);

    let mut child = Command::new(env!("CARGO_BIN_EXE_ladder"))
        .args(["build", "-q", "--root"])
        .arg(site.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let staging = site
        .path()
        .join(format!(".public.ladder-staging-{}", child.id()));
    let deadline = Instant::now() + Duration::from_secs(60);
    // Kill it once it has written some pages into its staging directory.
    while !(staging.is_dir() && entries(&staging).len() > 3) {
        assert!(Instant::now() < deadline, "the build never started writing");
        if child.try_wait().unwrap().is_some() {
            panic!("the build finished before it could be killed; make the site bigger");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(staging.is_dir(), "a killed build cannot clean up");
    assert_eq!(snapshot(&out), before, "the previous output changed");

    // The next build removes the stale staging directory and succeeds.
    std::fs::write(
        content.join("f0/p0.md"),
        "---\ntitle: Page 0 again\n---\n\nNew.\n",
    )
    .unwrap();
    build(site.path(), &out).expect("the next build");
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
    assert!(
        std::fs::read_to_string(out.join("f0/p0/index.html"))
            .unwrap()
            .contains("Page 0 again")
    );
}

#[test]
fn a_failing_writer_keeps_the_previous_output() {
    let site = copy_fixture("build_site");
    let out = site.path().join("public");
    let outcome = build(site.path(), &out).expect("the first build");
    let before = snapshot(&out);
    let theme = ladder::render::Theme::load(site.path(), "default").unwrap();
    let staging = ladder::write::Staging::begin(&out).unwrap();
    // A folder where a page's file goes: `Staging::write` itself fails on it, midway
    // through the build.
    let blocked = site
        .path()
        .join(format!(".public.ladder-staging-{}", std::process::id()))
        .join("one/page/index.html");
    std::fs::create_dir_all(&blocked).unwrap();
    let views = ladder::render::families::FamilyViews::new(&outcome.site);
    let result =
        ladder::render::render_site_into(&outcome.site, &theme, "", &views, None, &|file| {
            staging.write(&file)
        });
    let err = result.unwrap_err();
    let cause = std::error::Error::source(&err).map(|s| s.to_string());
    assert!(err.to_string().starts_with("cannot write `"), "{err}");
    assert!(err.to_string().contains("one/page/index.html"), "{err}");
    assert!(
        cause
            .as_deref()
            .is_some_and(|c| c.contains("Is a directory")),
        "{cause:?}"
    );
    drop(staging); // never committed
    assert_eq!(snapshot(&out), before, "the previous output changed");
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
}
