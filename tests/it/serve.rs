//! `ladder serve`: the real binary on a scratch copy of `serve_site`, on a free port of
//! 127.0.0.1, spoken to over plain TCP (so request paths go out exactly as written, `..`
//! included). Every wait polls with a deadline; the server is killed when a test ends.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::{copy_fixture, run_ladder};

/// How long any one wait may take before the test fails (generous: CI machines are slow,
/// and with both cores of this 2-core machine compiling, Chromium took over 20 s to
/// start; a passing wait returns as soon as its condition holds).
pub(crate) const DEADLINE: Duration = Duration::from_secs(60);
/// How often a wait checks its condition.
pub(crate) const STEP: Duration = Duration::from_millis(50);

/// The reload snippet's mark in a served page.
const SNIPPET: &str = "new EventSource(\"/__ladder/events\")";
/// The error overlay's mark.
const OVERLAY: &str = "id=\"ladder-overlay\"";
/// The fixture's own 404 page.
const NOT_FOUND_TEXT: &str = "Serve fixture: nothing at this address";

/// A running `ladder serve`; killed (and reaped) on drop.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    /// The threads reading stdout and stderr.
    readers: Vec<std::thread::JoinHandle<()>>,
    /// The site root (a scratch copy); dropped after the child is killed.
    root: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies everything `from` prints into `into`, line by line, until it closes.
pub(crate) fn drain(
    from: impl std::io::Read + Send + 'static,
    into: Arc<Mutex<String>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(from);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&line));
            line.clear();
        }
    })
}

/// Waits until `port_in` finds, in what `child` has printed so far (`output()`), the
/// port it announced. Panics with that output if `child` exits first, or after
/// [`DEADLINE`]; `what` names the awaited line.
pub(crate) fn wait_for_port(
    child: &mut std::process::Child,
    what: &str,
    port_in: impl Fn(&str) -> Option<u16>,
    output: impl Fn() -> String,
) -> u16 {
    let start = Instant::now();
    loop {
        let text = output();
        if let Some(port) = port_in(&text) {
            return port;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("exited early ({status}) before {what}:\n{text}");
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out after {DEADLINE:?} waiting for {what}:\n{text}"
        );
        std::thread::sleep(STEP);
    }
}

/// Both captured streams, for failure messages.
fn both_streams(stdout: &Mutex<String>, stderr: &Mutex<String>) -> String {
    format!(
        "--- stdout ---\n{}--- stderr ---\n{}",
        stdout.lock().unwrap(),
        stderr.lock().unwrap()
    )
}

/// The port in a `Serving at http://HOST:PORT/…` line.
fn served_port(stdout: &str) -> Option<u16> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("Serving at http://"))?;
    let authority = line
        .trim_start_matches("Serving at http://")
        .split('/')
        .next()?;
    authority.rsplit(':').next()?.parse().ok()
}

impl Server {
    /// `ladder serve --root <copy of serve_site> --port 0 <args>`.
    pub(crate) fn start(args: &[&str]) -> Server {
        Server::start_after(args, |_| {})
    }

    /// Like [`Server::start`], after `setup` has changed the copy.
    fn start_after(args: &[&str], setup: impl FnOnce(&Path)) -> Server {
        let root = copy_fixture("serve_site");
        setup(root.path());
        let mut child = Command::new(env!("CARGO_BIN_EXE_ladder"))
            .arg("serve")
            .arg("--root")
            .arg(root.path())
            .args(["--port", "0"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ladder serve");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            drain(child.stdout.take().expect("stdout"), Arc::clone(&stdout)),
            drain(child.stderr.take().expect("stderr"), Arc::clone(&stderr)),
        ];
        let (out, err) = (Arc::clone(&stdout), Arc::clone(&stderr));
        let port = wait_for_port(
            &mut child,
            "the `Serving at` line",
            // Only stdout prints a `Serving at` line.
            served_port,
            || both_streams(&out, &err),
        );
        Server {
            child,
            port,
            stdout,
            stderr,
            readers,
            root,
        }
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Both streams, for failure messages.
    pub(crate) fn output(&self) -> String {
        both_streams(&self.stdout, &self.stderr)
    }

    /// Waits until stdout has `text` (the reader thread may lag behind the server).
    fn wait_stdout(&self, text: &str) {
        self.wait(&format!("`{text}` on stdout"), |s| {
            s.stdout().contains(text).then_some(())
        });
    }

    /// Waits until stderr has `text`.
    fn wait_stderr(&self, text: &str) {
        self.wait(&format!("`{text}` on stderr"), |s| {
            s.stderr().contains(text).then_some(())
        });
    }

    /// Kills the server and returns everything it printed (stdout, stderr), read to the
    /// end.
    fn finish(mut self) -> (String, String) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            reader.join().expect("the output reader");
        }
        (self.stdout(), self.stderr())
    }

    /// `rel` in the site root.
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    /// Writes `text` to `rel` in the site root.
    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).expect("write a site file");
    }

    /// Polls `check` every [`STEP`] until it gives a value; fails the test (with the
    /// server's output) after [`DEADLINE`].
    fn wait<T>(&self, what: &str, mut check: impl FnMut(&Self) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(value) = check(self) {
                return value;
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out after {DEADLINE:?} waiting for {what}\n{}",
                    self.output()
                );
            }
            std::thread::sleep(STEP);
        }
    }

    /// `GET path` (sent as is).
    fn get(&self, path: &str) -> Reply {
        get(self.port, path).unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", self.output()))
    }

    /// Polls `GET path` until `ok` holds for the reply, and returns it.
    fn wait_get(&self, path: &str, what: &str, ok: impl Fn(&Reply) -> bool) -> Reply {
        let start = Instant::now();
        loop {
            let reply = self.get(path);
            if ok(&reply) {
                return reply;
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out after {DEADLINE:?} waiting for GET {path} to show {what}; last reply: {reply:?}\n{}",
                    self.output()
                );
            }
            std::thread::sleep(STEP);
        }
    }

    /// Opens the live-reload event stream.
    fn events(&self) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("read timeout");
        write!(
            stream,
            "GET /__ladder/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("send request");
        Events {
            stream,
            text: String::new(),
            seen: 0,
        }
    }
}

/// An HTTP reply.
#[derive(Debug)]
struct Reply {
    status: u16,
    /// Header names lowercased.
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `GET path` on 127.0.0.1:`port` over a fresh connection, reading exactly the response
/// (headers, then `Content-Length` bytes).
fn get(port: u16, path: &str) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            let mut lines = head.split("\r\n");
            let status = lines
                .next()
                .and_then(|l| l.split(' ').nth(1))
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad("no status line"))?;
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let length: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .ok_or_else(|| bad("no Content-Length"))?;
            let body_start = end + 4;
            while data.len() < body_start + length {
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    return Err(bad("connection closed mid-body"));
                }
                data.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&data[body_start..body_start + length]).into_owned();
            return Ok(Reply {
                status,
                headers,
                body,
            });
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(bad("connection closed before the headers ended"));
        }
        data.extend_from_slice(&chunk[..n]);
    }
}

/// An open event stream.
struct Events {
    stream: TcpStream,
    /// Everything received so far.
    text: String,
    /// Bytes of `text` already returned as events.
    seen: usize,
}

impl Events {
    /// The generation of the next `reload` event, waiting up to [`DEADLINE`].
    fn next_reload(&mut self, server: &Server) -> u64 {
        let start = Instant::now();
        let mut chunk = [0u8; 4096];
        loop {
            while let Some(end) = self.text[self.seen..].find("\n\n") {
                let event = self.text[self.seen..self.seen + end].to_string();
                self.seen += end + 2;
                if event.lines().any(|l| l == "event: reload")
                    && let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: "))
                {
                    return data.parse().expect("the generation is a number");
                }
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!(
                    "the event stream closed; got:\n{}\n{}",
                    self.text,
                    server.output()
                ),
                Ok(n) => self
                    .text
                    .push_str(&String::from_utf8_lossy(&chunk[..n]).replace("\r\n", "\n")),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("reading the event stream: {e}\n{}", server.output()),
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out after {DEADLINE:?} waiting for a reload event; got:\n{}\n{}",
                    self.text,
                    server.output()
                );
            }
        }
    }

    /// Waits for a `reload` event with a generation above `after`, and returns it.
    fn reload_after(&mut self, after: u64, server: &Server) -> u64 {
        loop {
            let generation = self.next_reload(server);
            if generation > after {
                return generation;
            }
        }
    }
}

fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n---\n\n## Overview\n\n{body}\n")
}

#[test]
fn serves_pages_with_the_reload_snippet_and_content_types() {
    let server = Server::start(&[]);
    let guide = server.get("/guide/");
    assert_eq!(guide.status, 200, "{guide:?}");
    assert_eq!(
        guide.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(guide.header("cache-control"), Some("no-store"));
    assert!(guide.body.contains("Original guide text."), "{guide:?}");
    assert_eq!(guide.body.matches(SNIPPET).count(), 1, "{}", guide.body);
    // The page's generation is filled in when it is served.
    assert!(
        guide.body.contains("<script data-ladder-generation=\"")
            && !guide.body.contains("data-ladder-generation=\"\""),
        "{}",
        guide.body
    );
    assert!(!guide.body.contains(OVERLAY), "{}", guide.body);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Serve Fixture Home"), "{}", home.body);

    let redirect = server.get("/guide?x=1");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/guide/?x=1"));

    for (path, content_type, text) in [
        ("/style.css", "text/css; charset=utf-8", ""),
        (
            "/notes.txt",
            "text/plain; charset=utf-8",
            "Plain notes from static.",
        ),
        ("/sitemap.xml", "application/xml", "<urlset"),
        ("/ladder.json", "application/json", ""),
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(content_type), "{path}");
        assert!(reply.body.contains(text), "{path}: {}", reply.body);
    }

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(missing.body.contains(NOT_FOUND_TEXT), "{}", missing.body);
    assert!(missing.body.contains(SNIPPET), "{}", missing.body);

    // Served from memory: nothing is written into the site.
    assert!(!server.path("public").exists());
    assert!(server.stdout().contains("built 4 pages, 0 errors"));
}

#[test]
fn build_output_has_no_reload_snippet() {
    let root = copy_fixture("serve_site");
    let run = run_ladder(["build", "--root", root.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    let html = std::fs::read_to_string(root.path().join("public/guide/index.html")).unwrap();
    assert!(html.contains("Original guide text."));
    assert!(!html.contains("__ladder"), "{html}");
}

#[test]
fn an_edit_shows_up_and_sends_a_reload_event() {
    let server = Server::start(&[]);
    let mut events = server.events();
    let first = events.next_reload(&server);
    assert!(first >= 1);

    server.write("content/guide.md", &page("Guide", "Edited guide text."));
    let after = events.reload_after(first, &server);
    let guide = server.wait_get("/guide/", "the edit", |r| {
        r.body.contains("Edited guide text.")
    });
    assert!(!guide.body.contains("Original guide text."));
    server.wait_stdout("content/guide.md changed: ");

    // A second edit: another event, with a later generation.
    server.write("content/guide.md", &page("Guide", "Edited again."));
    events.reload_after(after, &server);
    server.wait_get("/guide/", "the second edit", |r| {
        r.body.contains("Edited again.")
    });
}

#[test]
fn an_edit_revalidates_the_pages_that_link_to_it() {
    let server = Server::start(&[]);
    server.write(
        "content/_index.md",
        "---\ntitle: Serve Fixture Home\n---\n\nRead the [guide's overview](/guide/#overview).\n",
    );
    server.wait_get("/", "the new home page", |r| {
        r.body.contains("guide&#x27;s overview") || r.body.contains("guide's overview")
    });

    // The heading the home page links to is renamed: the home page's link breaks,
    // though only the guide was edited, and only the guide was parsed again.
    let renamed = "---\ntitle: Guide\n---\n\n## Summary\n\nRenamed heading.\n";
    server.write("content/guide.md", renamed);
    let broken = server.wait_get("/guide/", "the error overlay", |r| {
        r.body.contains("Renamed heading.") && r.body.contains(OVERLAY)
    });
    let overlay = &broken.body[broken.body.find(OVERLAY).unwrap()..];
    assert!(overlay.contains("content/_index.md"), "{overlay}");
    assert!(overlay.contains("overview"), "{overlay}");
    server.wait_stdout("content/guide.md changed: 1 page parsed, 2 pages validated");

    // Renamed back: the finding goes, and so does the overlay.
    server.write("content/guide.md", &page("Guide", "Heading restored."));
    server.wait_get("/", "the overlay removed", |r| {
        !r.body.contains(OVERLAY) && r.status == 200
    });
    assert!(server.get("/guide/").body.contains("Heading restored."));
}

#[test]
fn atomic_saves_are_picked_up() {
    let server = Server::start(&[]);
    // vim: a probe file, a swap file, then a temp file renamed over the page.
    server.write("content/4913", "");
    std::fs::remove_file(server.path("content/4913")).unwrap();
    server.write("content/.guide.md.swp", "swap");
    server.write("content/guide.md.tmp", &page("Guide", "Saved by rename."));
    std::fs::rename(
        server.path("content/guide.md.tmp"),
        server.path("content/guide.md"),
    )
    .unwrap();
    server.wait_get("/guide/", "the renamed-over page", |r| {
        r.body.contains("Saved by rename.")
    });
    std::fs::remove_file(server.path("content/.guide.md.swp")).unwrap();

    // JetBrains: write a temp file, move the original aside, move the temp file in.
    server.write(
        "content/guide.md___jb_tmp___",
        &page("Guide", "Saved the JetBrains way."),
    );
    std::fs::rename(
        server.path("content/guide.md"),
        server.path("content/guide.md___jb_old___"),
    )
    .unwrap();
    std::fs::rename(
        server.path("content/guide.md___jb_tmp___"),
        server.path("content/guide.md"),
    )
    .unwrap();
    std::fs::remove_file(server.path("content/guide.md___jb_old___")).unwrap();
    server.wait_get("/guide/", "the JetBrains save", |r| {
        r.status == 200 && r.body.contains("Saved the JetBrains way.")
    });
    // emacs: an autosave file and a lock file while editing, then a plain save.
    server.write("content/#guide.md#", &page("Guide", "Autosaved by emacs."));
    server.write("content/.#guide.md", "user@host.1234");
    server.write("content/guide.md", &page("Guide", "Saved by emacs."));
    server.wait_get("/guide/", "the emacs save", |r| {
        r.body.contains("Saved by emacs.")
    });
    // Editor files never became pages.
    assert_eq!(server.get("/4913/").status, 404);
    assert_eq!(server.get("/guide.md.tmp").status, 404);
    assert_eq!(server.get("/%23guide/").status, 404);
}

#[test]
fn a_burst_of_files_and_a_moved_folder_are_picked_up() {
    let server = Server::start(&[]);
    // A `git checkout` of another branch: hundreds of files at once.
    std::fs::create_dir_all(server.path("content/many")).unwrap();
    for i in 0..300 {
        server.write(
            &format!("content/many/page-{i}.md"),
            &page(&format!("Page {i}"), &format!("Burst page {i}.")),
        );
    }
    server.wait_get("/many/page-299/", "the last page of the burst", |r| {
        r.status == 200
    });
    for i in [0, 150, 299] {
        let reply = server.get(&format!("/many/page-{i}/"));
        assert!(
            reply.body.contains(&format!("Burst page {i}.")),
            "{reply:?}"
        );
    }
    let index = server.get("/many/");
    assert_eq!(index.status, 200);
    assert!(index.body.contains("Page 299"), "{}", index.body);

    // The folder moved: every page moves with it.
    std::fs::rename(server.path("content/many"), server.path("content/moved")).unwrap();
    server.wait_get("/moved/page-0/", "the moved folder", |r| r.status == 200);
    assert_eq!(server.get("/many/page-0/").status, 404);
    assert_eq!(server.get("/moved/page-299/").status, 200);
}

#[test]
fn renaming_a_page_moves_it_and_deleting_removes_it() {
    let server = Server::start(&[]);
    assert_eq!(server.get("/team/engineer/").status, 200);
    assert_eq!(server.get("/old/").status, 200);

    std::fs::rename(
        server.path("content/team/engineer.md"),
        server.path("content/team/manager.md"),
    )
    .unwrap();
    let moved = server.wait_get("/team/manager/", "the renamed page", |r| r.status == 200);
    assert!(moved.body.contains("The engineer page."), "{}", moved.body);
    let gone = server.get("/team/engineer/");
    assert_eq!(gone.status, 404);
    assert!(gone.body.contains(NOT_FOUND_TEXT), "{}", gone.body);

    std::fs::remove_file(server.path("content/old.md")).unwrap();
    let deleted = server.wait_get("/old/", "the deleted page gone", |r| r.status == 404);
    assert!(deleted.body.contains(NOT_FOUND_TEXT), "{}", deleted.body);
}

#[test]
fn a_broken_template_keeps_the_last_good_pages_with_an_overlay() {
    let server = Server::start(&[]);
    let mut events = server.events();
    let first = events.next_reload(&server);
    server.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<b>{{ page.title </b>{% endblock content %}",
    );
    events.reload_after(first, &server);
    let broken = server.wait_get("/guide/", "the error overlay", |r| r.body.contains(OVERLAY));
    assert_eq!(broken.status, 200);
    // The last good page, still whole.
    assert!(
        broken.body.contains("Original guide text."),
        "{}",
        broken.body
    );
    let overlay = &broken.body[broken.body.find(OVERLAY).unwrap()..];
    assert!(overlay.contains("page.html"), "{overlay}");
    assert!(overlay.contains("Failed to parse"), "{overlay}");
    // The template's text is escaped in the overlay, never markup.
    assert!(
        overlay.contains("&lt;b&gt;{{ page.title &lt;/b&gt;"),
        "{overlay}"
    );
    assert!(!overlay.contains("<b>{{"), "{overlay}");
    // On every HTML page, the 404 page included.
    assert!(server.get("/").body.contains(OVERLAY));
    assert!(server.get("/nope/").body.contains(OVERLAY));
    assert!(!server.get("/style.css").body.contains(OVERLAY));
    server.wait_stderr("the build failed");

    // An edit while broken is not shown (the build still fails) …
    server.write("content/guide.md", &page("Guide", "Edited while broken."));
    // … and fixing the template brings it and clears the overlay.
    std::fs::remove_file(server.path("themes/default/templates/page.html")).unwrap();
    let fixed = server.wait_get("/guide/", "the overlay gone", |r| {
        !r.body.contains(OVERLAY) && r.body.contains("Edited while broken.")
    });
    assert_eq!(fixed.status, 200);
}

#[test]
fn a_site_broken_from_the_start_is_served_once_fixed() {
    let server = Server::start_after(&[], |root| {
        std::fs::write(
            root.join("themes/default/templates/page.html"),
            "{% extends \"base.html\" %}{% block content %}{{ page.title {% endblock content %}",
        )
        .unwrap();
    });
    // No build has succeeded: every path is a plain 404 with the error on it.
    let first = server.get("/guide/");
    assert_eq!(first.status, 404, "{first:?}");
    assert!(first.body.contains(OVERLAY), "{}", first.body);
    assert!(first.body.contains("page.html"), "{}", first.body);
    assert!(first.body.contains(SNIPPET), "{}", first.body);

    std::fs::remove_file(server.path("themes/default/templates/page.html")).unwrap();
    let fixed = server.wait_get("/guide/", "the page", |r| r.status == 200);
    assert!(fixed.body.contains("Original guide text."));
    assert!(!fixed.body.contains(OVERLAY), "{}", fixed.body);
}

#[test]
fn broken_front_matter_shows_its_diagnostic_until_fixed() {
    let server = Server::start(&[]);
    server.write(
        "content/guide.md",
        "---\ntitle: [unclosed\n---\n\nBroken page.\n",
    );
    let broken = server.wait_get("/", "the diagnostics overlay", |r| r.body.contains(OVERLAY));
    let overlay = &broken.body[broken.body.find(OVERLAY).unwrap()..];
    assert!(overlay.contains("1 error in the site"), "{overlay}");
    assert!(
        overlay.contains("<code>front-matter</code> content/guide.md:"),
        "{overlay}"
    );
    assert!(
        overlay.contains(": invalid YAML in front matter"),
        "{overlay}"
    );
    server.wait_stdout("error[front-matter]");

    server.write("content/guide.md", &page("Guide", "Fixed again."));
    server.wait_get("/guide/", "the overlay gone", |r| {
        !r.body.contains(OVERLAY) && r.body.contains("Fixed again.")
    });
    assert!(!server.get("/").body.contains(OVERLAY));
}

#[test]
fn paths_outside_the_site_are_refused() {
    let server = Server::start(&[]);
    server.write("secret.txt", "TOP SECRET");
    for path in [
        "/../Cargo.toml",
        "/../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/static/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/a\\..\\secret.txt",
        "/notes.txt%00.html",
    ] {
        let reply = server.get(path);
        assert!(
            reply.status == 403 || reply.status == 404,
            "{path}: {reply:?}"
        );
        assert!(!reply.body.contains("TOP SECRET"), "{path}");
        assert!(!reply.body.contains("root:"), "{path}");
    }
    // Only the build is served: not the sources, the config, or the root's files.
    for path in [
        "/secret.txt",
        "/ladder.toml",
        "/content/guide.md",
        "/static/notes.txt",
    ] {
        assert_eq!(server.get(path).status, 404, "{path}");
    }
}

#[test]
fn symbolic_links_to_files_outside_are_not_served() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "TOP SECRET").unwrap();
    let target = outside.path().join("secret.txt");
    let server = Server::start_after(&[], |root| {
        std::os::unix::fs::symlink(&target, root.join("static/linked.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("content/linked-dir")).unwrap();
    });
    for path in ["/linked.txt", "/linked-dir/secret.txt"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}: {reply:?}");
        assert!(!reply.body.contains("TOP SECRET"), "{path}");
    }
    // A served file replaced by a link while serving is not followed either.
    std::fs::remove_file(server.path("static/notes.txt")).unwrap();
    std::os::unix::fs::symlink(&target, server.path("static/notes.txt")).unwrap();
    let reply = server.wait_get("/notes.txt", "the link not followed", |r| r.status == 404);
    assert!(!reply.body.contains("TOP SECRET"));
}

#[test]
fn a_site_folder_created_while_serving_is_watched() {
    let server = Server::start_after(&[], |root| {
        std::fs::remove_dir_all(root.join("static")).unwrap();
    });
    assert_eq!(server.get("/late.txt").status, 404);
    std::fs::create_dir(server.path("static")).unwrap();
    server.write("static/late.txt", "late");
    server.wait_get("/late.txt", "the new static file", |r| r.status == 200);
    // And a change inside it afterwards is seen too.
    server.write("static/later.txt", "later");
    let later = server.wait_get("/later.txt", "a second static file", |r| r.status == 200);
    assert_eq!(later.body, "later");
}

#[test]
fn polling_sees_edits() {
    let server = Server::start(&["--poll"]);
    server.wait_stdout("(polling)");
    server.write("content/guide.md", &page("Guide", "Seen by polling."));
    server.wait_get("/guide/", "the polled edit", |r| {
        r.body.contains("Seen by polling.")
    });
    // A second save within the same second (the same size, too) is seen as well.
    server.write("content/guide.md", &page("Guide", "Seen by pollinG."));
    server.wait_get("/guide/", "the second polled edit", |r| {
        r.body.contains("Seen by pollinG.")
    });
}

#[test]
fn binding_beyond_loopback_warns() {
    let server = Server::start(&["--bind", "0.0.0.0"]);
    server.wait_stderr("warning: serving on 0.0.0.0, which is not a loopback address");
    assert!(server.stdout().contains("Serving at http://0.0.0.0:"));
}

#[test]
fn loopback_binds_do_not_warn() {
    let server = Server::start(&[]);
    assert!(server.get("/").status == 200);
    let (stdout, stderr) = server.finish();
    assert!(stdout.contains("Serving at http://127.0.0.1:"), "{stdout}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly() {
    let mut server = Server::start(&[]);
    let mut events = server.events();
    events.next_reload(&server);
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let start = Instant::now();
    let exit: ExitStatus = loop {
        if let Some(status) = server.child.try_wait().expect("poll the child") {
            break status;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "still running {DEADLINE:?} after Ctrl-C\n{}",
            server.output()
        );
        std::thread::sleep(STEP);
    };
    assert!(exit.success(), "{exit:?}\n{}", server.output());
    server.wait_stderr("stopped");
}

#[test]
fn failures_to_start_exit_2() {
    let missing = run_ladder(["serve", "--root", "/no/such/ladder/site", "--port", "0"]);
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(missing.stderr.contains("is not a directory"), "{missing:?}");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let root = copy_fixture("serve_site");
    let root = root.path().to_str().unwrap();
    let busy = run_ladder(["serve", "--root", root, "--port", &port]);
    assert_eq!(busy.code, 2, "{busy:?}");
    assert!(busy.stderr.contains("cannot listen on"), "{busy:?}");

    let bad = run_ladder(["serve", "--bind", "example.com"]);
    assert_eq!(bad.code, 2, "{bad:?}");
}
