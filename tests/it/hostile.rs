//! Hostile content: front matter values are escaped everywhere they appear (HTML, XML and
//! `ladder.json`), raw HTML passes through unless `[security] sanitize_html` is on, and
//! `javascript:`/`data:` links are `unsafe-link` findings either way.

use crate::harness::{diag_lines, fixture, read, run_ladder, snapshot};

/// Builds the `hostile_content` fixture (with `config`, if given) into a temp dir.
fn built(config: Option<&str>) -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = fixture("hostile_content");
    let mut args = vec![
        "build".to_string(),
        "-q".to_string(),
        "--root".to_string(),
        root.display().to_string(),
        "--output".to_string(),
        public.display().to_string(),
    ];
    if let Some(c) = config {
        args.extend(["--config".to_string(), root.join(c).display().to_string()]);
    }
    let run = run_ladder(&args);
    assert_eq!(run.code, 1, "{run:?}"); // the unsafe links are errors
    (out, public)
}

#[test]
fn script_and_data_links_are_unsafe_links() {
    let outcome = crate::harness::check_fixture("hostile_content");
    assert_eq!(
        diag_lines(&outcome),
        [
            "content/_index.md:17:17: error[unsafe-link] link to `javascript:alert('markdown')` uses the `javascript:` scheme, which runs or embeds content instead of linking to it",
            "content/_index.md:17:63: error[unsafe-link] link to `java&#x09;script:alert('entity')` uses the `javascript:` scheme, which runs or embeds content instead of linking to it",
            "content/_index.md:19:20: error[unsafe-link] link to `data:text/html;base64,PHNjcmlwdD5hbGVydCgpPC9zY3JpcHQ+` uses the `data:` scheme, which runs or embeds content instead of linking to it",
            "content/_index.md:21:17: error[unsafe-link] link to `VBScript:MsgBox(1)` uses the `vbscript:` scheme, which runs or embeds content instead of linking to it",
        ]
    );
    assert!(
        outcome.diagnostics[2]
            .help
            .contains("put the file in the site")
    );
}

#[test]
fn front_matter_values_are_escaped_in_every_output() {
    let (_dir, public) = built(None);
    let files = snapshot(&public);
    assert!(files.len() > 8, "{:?}", files.keys());
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for raw in [
            "<script>alert('title')",
            "<script>alert('site')",
            "<img src=x onerror=alert('description')",
            "<b onmouseover",
        ] {
            assert!(!text.contains(raw), "{path} has `{raw}` unescaped");
        }
    }
    let home = read(&public, "index.html");
    // Escaped the theme's way: `& < > " '`, with `/` kept readable.
    assert!(
        home.contains("&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;"),
        "{home}"
    );
    // ladder.json stays valid JSON with the title intact, and has no `<` at all.
    let json = read(&public, "ladder.json");
    assert!(!json.contains('<') && !json.contains('>'), "{json}");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["families"][0]["title"],
        "Operator <b onmouseover=alert('family')>"
    );
}

#[test]
fn raw_html_passes_through_by_default() {
    let (_dir, public) = built(None);
    let home = read(&public, "index.html");
    for kept in [
        "<a id=\"kept-anchor\"></a>",
        "<iframe src=\"https://video.example.com/embed/1\"></iframe>",
        "<script>alert('body')</script>",
    ] {
        assert!(home.contains(kept), "`{kept}` missing:\n{home}");
    }
}

#[test]
fn sanitize_html_cleans_pages_and_keeps_anchors() {
    let (_dir, public) = built(Some("sanitize.toml"));
    let home = read(&public, "index.html");
    for gone in [
        "alert('body')",
        "<iframe",
        "onerror=\"alert",
        "javascript:alert",
        "script:alert('entity')",
        "data:text/html",
    ] {
        assert!(!home.contains(gone), "`{gone}` left in:\n{home}");
    }
    for kept in [
        "id=\"kept-anchor\"",
        "<h2 id=\"welcome\">",
        "href=\"#welcome\"",
        "href=\"/job-families/ops/operator/\"",
        "<img src=\"logo.png\">",
    ] {
        assert!(home.contains(kept), "`{kept}` missing:\n{home}");
    }
    // The theme's own markup around the page is not touched.
    assert!(home.contains("<link rel=\"stylesheet\""), "{home}");
}
