//! Bad input: every kind of broken file becomes a diagnostic naming the file (with the
//! line and column where there is one), the other pages still build, and nothing
//! panics. Each case is a small site written into a temp dir next to a good page; the
//! large ones (a 48 MB page, a 200,000-character line, 10,000 levels of nesting) are
//! generated here rather than committed.

use std::path::Path;

use crate::harness::{build, check, diag_lines, read};

/// A page that must survive every case.
const GOOD: &str = "---\ntitle: Good page\n---\n\n## Body\n\nStill here.\n";

/// Writes `files` (content-relative path, bytes) and the good page into a new site.
fn site(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join("good.md"), GOOD).unwrap();
    for (rel, bytes) in files {
        let path = content.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// Checks the site and asserts its findings are exactly `expected`; then builds it and
/// asserts the good page was written.
fn assert_findings(root: &Path, expected: &[&str]) {
    let outcome = check(root);
    assert_eq!(
        diag_lines(&outcome),
        expected,
        "findings of {}",
        root.display()
    );
    for d in &outcome.diagnostics {
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
        assert!(!d.help.is_empty(), "{d:?}");
    }
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let built =
        build(root, &public).unwrap_or_else(|e| panic!("build of {} failed: {e}", root.display()));
    assert!(
        read(&public, "good/index.html").contains("Still here."),
        "the good page was not built"
    );
    // The hard pages themselves are written too, not only the good one.
    for page in &built.site.pages {
        assert!(
            public.join(&page.output_path).is_file(),
            "{} was not written",
            page.output_path
        );
    }
}

#[test]
fn empty_file() {
    let dir = site(&[("empty.md", b"")]);
    assert_findings(
        dir.path(),
        &["content/empty.md:1:1: warning[empty-page] the file is empty"],
    );
}

#[test]
fn front_matter_only() {
    let dir = site(&[("only.md", b"---\ntitle: Only front matter\n---\n")]);
    assert_findings(
        dir.path(),
        &["content/only.md:1:1: warning[empty-page] the page has front matter but no content"],
    );
}

#[test]
fn unterminated_front_matter() {
    let dir = site(&[("open.md", b"---\ntitle: Open\n\n## Body\n\nText.\n")]);
    assert_findings(
        dir.path(),
        &[
            "content/open.md:1:1: error[front-matter] front matter opened with `---` on line 1 is never closed",
        ],
    );
}

#[test]
fn yaml_with_a_tab() {
    let dir = site(&[(
        "tab.md",
        b"---\ntitle: Tabs\n\tdescription: x\n---\n\nBody.\n",
    )]);
    assert_findings(
        dir.path(),
        &[
            "content/tab.md:2:8: error[front-matter] invalid YAML in front matter: while scanning a plain scalar, found a tab",
        ],
    );
    let outcome = check(dir.path());
    assert_eq!(
        outcome.diagnostics[0].help,
        "YAML does not allow tabs for indentation: indent with spaces"
    );
}

#[test]
fn yaml_with_a_duplicate_key() {
    let dir = site(&[("twice.md", b"---\ntitle: One\ntitle: Two\n---\n\nBody.\n")]);
    assert_findings(
        dir.path(),
        &[
            "content/twice.md:3:8: error[front-matter] invalid YAML in front matter: the key `title` appears twice",
        ],
    );
}

#[test]
fn a_list_where_text_belongs() {
    let dir = site(&[("list.md", b"---\ntitle:\n  - a\n  - b\n---\n\nBody.\n")]);
    assert_findings(
        dir.path(),
        &["content/list.md:2:1: error[front-matter] `title` must be text, found a list"],
    );
}

#[test]
fn byte_order_mark_is_dropped() {
    let dir = site(&[(
        "bom.md",
        b"\xef\xbb\xbf---\ntitle: With a BOM\n---\n\nBody.\n",
    )]);
    assert_findings(dir.path(), &[]);
    let outcome = check(dir.path());
    assert!(outcome.site.pages.iter().any(|p| p.title() == "With a BOM"));
}

#[test]
fn crlf_and_lone_cr_line_endings() {
    let dir = site(&[
        (
            "crlf.md",
            b"---\r\ntitle: CRLF\r\n---\r\n\r\n## Head\r\n\r\n[x](#head) [y](#nope)\r\n",
        ),
        (
            "cr.md",
            b"---\rtitle: Lone CR\r---\r\r## Head\r\r[x](#head) [y](#nope)\r",
        ),
    ]);
    assert_findings(
        dir.path(),
        &[
            "content/cr.md:7:16: error[broken-anchor] `#nope` matches no heading or anchor on this page",
            "content/crlf.md:7:16: error[broken-anchor] `#nope` matches no heading or anchor on this page",
        ],
    );
    let outcome = check(dir.path());
    let titles: Vec<&str> = outcome.site.pages.iter().map(|p| p.title()).collect();
    assert_eq!(titles, ["Lone CR", "CRLF", "Good page"]);
}

#[test]
fn nul_bytes() {
    let dir = site(&[("nul.md", b"---\ntitle: NUL\n---\n\nBody \x00 here.\n")]);
    assert_findings(
        dir.path(),
        &[
            "content/nul.md:5:6: warning[encoding] the file contains a NUL byte (U+0000), which text files do not; browsers show it as \u{fffd}",
        ],
    );
}

#[test]
fn invalid_utf8_in_the_middle() {
    let dir = site(&[(
        "latin1.md",
        b"---\ntitle: Bad\n---\n\nBody \xff\xfe here.\n",
    )]);
    assert_findings(
        dir.path(),
        &[
            "content/latin1.md:5:6: error[encoding] the file is not UTF-8: byte 0xFF at offset 25 is invalid",
        ],
    );
}

#[test]
fn a_binary_file_named_md() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(10_240).collect();
    let dir = site(&[("image.md", &bytes)]);
    assert_findings(
        dir.path(),
        &[
            "content/image.md:2:118: error[encoding] the file is not UTF-8: byte 0x80 at offset 128 is invalid",
        ],
    );
}

#[test]
fn a_48_megabyte_page() {
    let mut text = String::from("---\ntitle: Huge\n---\n\n");
    let paragraph = "Lorem ipsum dolor sit amet. ".repeat(200);
    while text.len() < 48 << 20 {
        text.push_str("## Section\n\n");
        text.push_str(&paragraph);
        text.push_str("\n\n");
    }
    let dir = site(&[("huge.md", text.as_bytes())]);
    assert_findings(dir.path(), &[]);
}

#[test]
fn a_200000_character_line() {
    let text = format!(
        "---\ntitle: Long line\n---\n\n{} [x](#gone)\n",
        "word ".repeat(40_000)
    );
    let dir = site(&[("long.md", text.as_bytes())]);
    assert_findings(
        dir.path(),
        &[
            "content/long.md:5:200006: error[broken-anchor] `#gone` matches no heading or anchor on this page",
        ],
    );
}

#[test]
fn ten_thousand_nested_blockquotes_and_lists() {
    let quotes = format!("---\ntitle: Quotes\n---\n\n{} deep\n", ">".repeat(10_000));
    let lists = format!("---\ntitle: Lists\n---\n\n{}deep\n", "- ".repeat(10_000));
    let ordered = format!("---\ntitle: Ordered\n---\n\n{}deep\n", "1. ".repeat(10_000));
    let dir = site(&[
        ("quotes.md", quotes.as_bytes()),
        ("lists.md", lists.as_bytes()),
        ("ordered.md", ordered.as_bytes()),
    ]);
    assert_findings(dir.path(), &[]);
}

#[test]
fn a_symbolic_link_loop() {
    let dir = site(&[]);
    let folder = dir.path().join("content/folder");
    std::fs::create_dir_all(&folder).unwrap();
    std::os::unix::fs::symlink("..", folder.join("loop")).unwrap();
    assert_findings(
        dir.path(),
        &[
            "content/folder/loop:1:1: warning[skipped-file] this is a symbolic link: ladder does not follow links (they can lead outside the site, or in a loop), so it is not published",
        ],
    );
}

#[test]
fn two_pages_with_one_permalink() {
    let dir = site(&[
        ("a.md", b"---\ntitle: A\npermalink: /same/\n---\n\nA.\n"),
        ("b.md", b"---\ntitle: B\npermalink: /same/\n---\n\nB.\n"),
    ]);
    assert_findings(
        dir.path(),
        &[
            "content/b.md:3:1: error[duplicate-permalink] `content/a.md` and `content/b.md` both have the permalink `/same/`; only `content/a.md` is written",
        ],
    );
}

#[test]
fn two_paths_differing_only_in_case() {
    let dir = site(&[
        ("Team.md", b"---\ntitle: Upper\n---\n\nU.\n"),
        ("team.md", b"---\ntitle: Lower\n---\n\nL.\n"),
    ]);
    assert_findings(
        dir.path(),
        &[
            "content/team.md:1:1: warning[case-conflict] `/team/` (this page) and `/Team/` (`content/Team.md`) differ only in letter case: on case-insensitive file systems (macOS, Windows) and servers one replaces the other",
        ],
    );
}

#[test]
fn a_title_in_two_unicode_forms() {
    // The heading has a composed é (NFC); the link a combining accent (NFD).
    let dir = site(&[(
        "cafe.md",
        "---\ntitle: Café\n---\n\n## Café\n\n[x](#cafe\u{301})\n".as_bytes(),
    )]);
    assert_findings(
        dir.path(),
        &[
            "content/cafe.md:7:5: error[broken-anchor] `#cafe\u{301}` matches no heading or anchor on this page",
        ],
    );
    let outcome = check(dir.path());
    assert!(
        outcome.diagnostics[0]
            .help
            .contains("different Unicode forms"),
        "{}",
        outcome.diagnostics[0].help
    );
}

#[test]
fn a_file_that_vanishes_or_cannot_be_read() {
    // Between discovery and reading: the parse stage reads what discovery found.
    let dir = tempfile::tempdir().unwrap();
    let gone = ladder::discover::FoundFile {
        rel_path: "gone.md".to_string(),
        disk_path: dir.path().join("gone.md"),
    };
    let (page, diags) = ladder::parse::parse_file(&gone, "content");
    assert!(page.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(
        crate::harness::diag_line(&diags[0]),
        "content/gone.md:1:1: error[encoding] cannot read the file: No such file or directory (os error 2)"
    );
    // Unreadable (a folder where the file was: permissions do not stop root).
    std::fs::create_dir(dir.path().join("gone.md")).unwrap();
    let (page, diags) = ladder::parse::parse_file(&gone, "content");
    assert!(page.is_none());
    assert!(
        diags[0].message.starts_with("cannot read the file: "),
        "{}",
        diags[0].message
    );
}
