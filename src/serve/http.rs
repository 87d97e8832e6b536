//! HTTP for `ladder serve`: request paths resolved like GitLab Pages against the
//! in-memory build, content types, the error overlay and reload snippet put into HTML at
//! serve time, and the server-sent-events stream that tells pages to reload.
//!
//! Nothing here touches the disk except to read a [`Body::Disk`] file the site itself
//! discovered (a `static/` file or a content asset): a request path only ever selects a
//! key of the in-memory map, and paths with `..`, backslashes or NUL (after
//! percent-decoding) are refused before any lookup.

use std::io::{Cursor, Write as _};
use std::sync::Arc;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::{Body, EVENTS_PATH, GENERATION_PLACEHOLDER, LIVE_RELOAD_SNIPPET, Shared, Snapshot};

/// How often an idle event stream gets a `: ping` comment (keeps proxies and the browser
/// from closing it, and finds clients that went away).
const PING_EVERY: Duration = Duration::from_secs(15);

/// What a request path resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// The live-reload event stream.
    Events,
    /// A file of the build, by its output path (`a/index.html`).
    File(String),
    /// A permanent redirect to this location (`/a` → `/a/`).
    Redirect(String),
    /// Nothing there: the site's 404 page.
    NotFound,
    /// A path that tries to leave the site (`..`, backslash, NUL) or is not a path.
    Forbidden,
}

/// Resolves the request target `raw` (path and query, as sent) against a build served
/// under `base_path` (`""` or `/handbook`) whose files are those `exists` accepts.
///
/// `/a/` → `a/index.html`; `/a` → redirect to `/a/` when `a/index.html` exists;
/// `/x.css` → `x.css`. The path is percent-decoded first; any `.` or `..` segment,
/// backslash or NUL after decoding is [`Target::Forbidden`].
pub(crate) fn resolve(raw: &str, base_path: &str, exists: impl Fn(&str) -> bool) -> Target {
    let (path, query) = match raw.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (raw, None),
    };
    let path = path.split('#').next().unwrap_or("");
    if path == EVENTS_PATH {
        return Target::Events;
    }
    if !path.starts_with('/') {
        return Target::Forbidden;
    }
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Target::Forbidden;
    };
    if decoded.contains(['\\', '\0']) {
        return Target::Forbidden;
    }
    if decoded.split('/').any(|s| s == ".." || s == ".") {
        return Target::Forbidden;
    }
    let with_query = |location: String| match query {
        Some(q) => format!("{location}?{q}"),
        None => location,
    };
    let rest = if base_path.is_empty() {
        &decoded[1..]
    } else if decoded == base_path || decoded == "/" {
        return Target::Redirect(with_query(format!("{base_path}/")));
    } else if let Some(rest) = decoded.strip_prefix(&format!("{base_path}/")) {
        rest
    } else {
        return Target::NotFound;
    };
    // `a//b` names nothing the build writes.
    if rest.split('/').rev().skip(1).any(str::is_empty) {
        return Target::NotFound;
    }
    if rest.is_empty() || rest.ends_with('/') {
        let key = format!("{rest}index.html");
        return if exists(&key) {
            Target::File(key)
        } else {
            Target::NotFound
        };
    }
    if exists(rest) {
        return Target::File(rest.to_string());
    }
    if exists(&format!("{rest}/index.html")) {
        return Target::Redirect(with_query(format!("{path}/")));
    }
    Target::NotFound
}

/// The Content-Type for an output path, by its extension.
pub(crate) fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = match name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => String::new(),
    };
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The HTML page with the current generation in its reload snippet (adding the snippet
/// before `</body>` when the theme left `live_reload` out), and the overlay, if any, in
/// front of `</body>`. Bytes that are not UTF-8 are returned as they are.
pub(crate) fn decorate(html: &[u8], snapshot: &Snapshot) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(html) else {
        return html.to_vec();
    };
    let mut insert = String::new();
    if !text.contains(EVENTS_PATH) {
        insert.push_str(LIVE_RELOAD_SNIPPET);
    }
    if let Some(overlay) = &snapshot.overlay {
        insert.push_str(overlay);
    }
    let generation = format!("data-ladder-generation=\"{}\"", snapshot.generation);
    let text = text.replace(GENERATION_PLACEHOLDER, &generation);
    let insert = insert.replace(GENERATION_PLACEHOLDER, &generation);
    let at = rfind_ascii_case_insensitive(&text, "</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + insert.len());
    out.push_str(&text[..at]);
    out.push_str(&insert);
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// The byte offset of the last ASCII-case-insensitive occurrence of `needle` (ASCII).
fn rfind_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len())
        .rev()
        .find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// The page served for unknown paths when the build has no `404.html` (no build
/// succeeded yet).
fn fallback_not_found() -> Vec<u8> {
    b"<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body>\n<h1>Not found</h1>\n<p>There is nothing here (yet): no build of the site has succeeded.</p>\n</body>\n</html>\n"
        .to_vec()
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// A response with `body`, its Content-Type and `Cache-Control: no-store` (a preview
/// must never be cached).
fn response(status: u16, content_type: &str, body: Vec<u8>) -> Response<Cursor<Vec<u8>>> {
    let length = body.len();
    let headers = [
        header("Content-Type", content_type),
        header("Cache-Control", "no-store"),
    ]
    .into_iter()
    .flatten()
    .collect();
    Response::new(
        StatusCode(status),
        headers,
        Cursor::new(body),
        Some(length),
        None,
    )
}

/// The bytes of file `key` of the snapshot, decorated if HTML; `None` when it is gone
/// (a copied file deleted since the build).
fn file_bytes(snapshot: &Snapshot, key: &str) -> Option<Vec<u8>> {
    let bytes = match snapshot.files.get(key)? {
        Body::Bytes(bytes) => bytes.to_vec(),
        // Discovery never follows symbolic links; a file replaced by one since (before the
        // rebuild that drops it) is not followed either.
        Body::Disk(path) => {
            if !super::incremental::is_regular_file(path) {
                return None;
            }
            std::fs::read(path).ok()?
        }
    };
    Some(if content_type(key).starts_with("text/html") {
        decorate(&bytes, snapshot)
    } else {
        bytes
    })
}

fn not_found(snapshot: &Snapshot) -> Response<Cursor<Vec<u8>>> {
    let page = file_bytes(snapshot, "404.html")
        .unwrap_or_else(|| decorate(&fallback_not_found(), snapshot));
    response(404, "text/html; charset=utf-8", page)
}

/// Answers one request. The event stream is handed to a thread of its own; everything
/// else is answered here from the snapshot current when the request arrived.
pub(crate) fn handle(request: Request, shared: &Arc<Shared>) {
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let mut r = response(
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n".to_vec(),
        );
        if let Some(h) = header("Allow", "GET, HEAD") {
            r.add_header(h);
        }
        let _ = request.respond(r);
        return;
    }
    let snapshot = shared.current();
    let target = resolve(request.url(), &snapshot.base_path, |k| {
        snapshot.files.contains_key(k)
    });
    let reply = match target {
        Target::Events if method == Method::Get => {
            let shared = Arc::clone(shared);
            let spawned = std::thread::Builder::new()
                .name("ladder-serve-events".into())
                .spawn(move || stream_events(request, &shared));
            if let Err(e) = spawned {
                eprintln!("warning: cannot start an event stream: {e}");
            }
            return;
        }
        Target::Events => response(200, "text/event-stream", Vec::new()),
        Target::File(key) => match file_bytes(&snapshot, &key) {
            Some(bytes) => response(200, content_type(&key), bytes),
            None => not_found(&snapshot),
        },
        Target::Redirect(location) => {
            let mut r = response(
                301,
                "text/plain; charset=utf-8",
                format!("moved to {location}\n").into_bytes(),
            );
            if let Some(h) = header("Location", &location) {
                r.add_header(h);
            }
            r
        }
        Target::NotFound => not_found(&snapshot),
        Target::Forbidden => response(403, "text/plain; charset=utf-8", b"forbidden\n".to_vec()),
    };
    let _ = request.respond(reply);
}

/// Serves `GET /__ladder/events` until the client goes away or the server stops: the
/// current generation at once, then `event: reload` with each new generation, and a
/// `: ping` comment when idle.
fn stream_events(request: Request, shared: &Shared) {
    let updates = shared.subscribe();
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\nretry: 1000\n\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = match updates.recv_timeout(PING_EVERY) {
            Ok(generation) => format!("event: reload\ndata: {generation}\n\n"),
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(key: &str) -> bool {
        [
            "index.html",
            "a/index.html",
            "a/b/index.html",
            "style.css",
            "404.html",
            "a b/index.html",
        ]
        .contains(&key)
    }

    #[test]
    fn resolves_like_gitlab_pages() {
        let cases = [
            ("/", Target::File("index.html".into())),
            ("/a/", Target::File("a/index.html".into())),
            ("/a/b/", Target::File("a/b/index.html".into())),
            ("/a", Target::Redirect("/a/".into())),
            ("/a?x=1", Target::Redirect("/a/?x=1".into())),
            ("/a/?x=1#f", Target::File("a/index.html".into())),
            ("/style.css", Target::File("style.css".into())),
            ("/a%20b/", Target::File("a b/index.html".into())),
            ("/a%20b", Target::Redirect("/a%20b/".into())),
            ("/nope/", Target::NotFound),
            ("/nope", Target::NotFound),
            ("/a//", Target::NotFound),
            ("//a/", Target::NotFound),
            ("/__ladder/events", Target::Events),
            ("/__ladder/events?x", Target::Events),
        ];
        for (raw, want) in cases {
            assert_eq!(resolve(raw, "", site), want, "{raw}");
        }
    }

    #[test]
    fn refuses_escapes() {
        for raw in [
            "/../Cargo.toml",
            "/a/../../x",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/..%2fsecret",
            "/a/%2e%2e%2f%2e%2e%2fx",
            "/a%5c..%5cx",
            "/a\\b",
            "/a%00b",
            "/./a/",
            "/%ff",
            "a/",
            "http://example.com/",
            "*",
        ] {
            assert_eq!(resolve(raw, "", site), Target::Forbidden, "{raw}");
        }
    }

    #[test]
    fn serves_under_the_base_path() {
        let base = "/handbook";
        assert_eq!(
            resolve("/handbook/a/", base, site),
            Target::File("a/index.html".into())
        );
        assert_eq!(
            resolve("/handbook/", base, site),
            Target::File("index.html".into())
        );
        assert_eq!(
            resolve("/handbook", base, site),
            Target::Redirect("/handbook/".into())
        );
        assert_eq!(
            resolve("/", base, site),
            Target::Redirect("/handbook/".into())
        );
        assert_eq!(
            resolve("/handbook/a", base, site),
            Target::Redirect("/handbook/a/".into())
        );
        assert_eq!(resolve("/a/", base, site), Target::NotFound);
        assert_eq!(resolve("/handbookx/a/", base, site), Target::NotFound);
    }

    #[test]
    fn content_types_by_extension() {
        for (path, want) in [
            ("a/index.html", "text/html; charset=utf-8"),
            ("style.CSS", "text/css; charset=utf-8"),
            ("x.js", "text/javascript; charset=utf-8"),
            ("ladder.json", "application/json"),
            ("sitemap.xml", "application/xml"),
            ("i.svg", "image/svg+xml"),
            ("i.png", "image/png"),
            ("i.jpg", "image/jpeg"),
            ("i.jpeg", "image/jpeg"),
            ("i.gif", "image/gif"),
            ("i.webp", "image/webp"),
            ("d.pdf", "application/pdf"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("archive.tar.gz", "application/octet-stream"),
            ("dir.d/noext", "application/octet-stream"),
        ] {
            assert_eq!(content_type(path), want, "{path}");
        }
    }

    fn snapshot(overlay: Option<&str>) -> Snapshot {
        Snapshot {
            generation: 7,
            base_path: String::new(),
            files: Arc::default(),
            overlay: overlay.map(str::to_string),
        }
    }

    #[test]
    fn decorates_html() {
        let page = format!("<html><body><p>x</p>{LIVE_RELOAD_SNIPPET}\n</BODY></html>");
        let out =
            String::from_utf8(decorate(page.as_bytes(), &snapshot(Some("<div>o</div>")))).unwrap();
        assert!(out.contains("data-ladder-generation=\"7\""), "{out}");
        assert!(!out.contains(GENERATION_PLACEHOLDER), "{out}");
        assert_eq!(out.matches(EVENTS_PATH).count(), 1, "{out}");
        assert!(out.ends_with("\n<div>o</div></BODY></html>"), "{out}");

        // A theme without `live_reload` still gets the snippet; no `</body>`: appended.
        let out = String::from_utf8(decorate(b"<p>x</p>", &snapshot(None))).unwrap();
        assert!(out.starts_with("<p>x</p><script"), "{out}");
        assert!(out.contains("data-ladder-generation=\"7\""), "{out}");
    }
}
