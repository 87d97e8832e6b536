//! `ladder serve` in a real browser: headless Chromium (Debian's `chromium` package,
//! installed by `.ci/run`) opens a served page, the test edits the page's Markdown, and the
//! new text appears without a reload from the test: the live-reload script did it.
//!
//! Chromium is driven over the Chrome DevTools Protocol (JSON-RPC on a WebSocket, with
//! `tungstenite`). Everything stays on 127.0.0.1, every wait polls with a deadline, every
//! socket read has a timeout, and both processes are stopped when the test ends. Without
//! Chromium the test is skipped, except under CI (`CI` set), where it fails.

#![cfg(unix)]

use std::io::ErrorKind;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use crate::serve::{DEADLINE, STEP, Server, drain, wait_for_port};

/// How long one DevTools command may wait for its reply (a poll retries after that).
/// A reply ends the wait at once. With 5 s, `Page.navigate` failed once in a full test
/// run on a busy machine (likely this timeout: the message was not kept).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long Chromium gets to exit after SIGTERM before its process group is killed.
const EXIT_GRACE: Duration = Duration::from_secs(5);

/// The sentence of `serve_site/content/guide.md` that the test replaces.
const ORIGINAL: &str = "Original guide text.";

/// The Chromium binary: `/usr/bin/chromium`, else `chromium` on `PATH`.
fn find_chromium() -> Option<PathBuf> {
    let debian = Path::new("/usr/bin/chromium");
    if debian.is_file() {
        return Some(debian.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
}

/// A running headless Chromium with its DevTools port; stopped (SIGTERM, then SIGKILL to
/// its whole process group) and reaped on drop.
struct Chromium {
    child: Child,
    /// The DevTools HTTP and WebSocket port on 127.0.0.1.
    port: u16,
    stderr: Arc<Mutex<String>>,
    /// The fresh profile; removed after the browser is gone.
    _profile: tempfile::TempDir,
}

impl Chromium {
    /// Starts `binary` headless on `about:blank` and waits for its
    /// `DevTools listening on ws://127.0.0.1:PORT/…` line.
    fn start(binary: &Path) -> Chromium {
        use std::os::unix::process::CommandExt as _;

        let profile = tempfile::tempdir().expect("create a Chromium profile dir");
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // Its own process group, so that drop can stop its helper processes too.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        let stderr = Arc::new(Mutex::new(String::new()));
        drain(child.stderr.take().expect("stderr"), Arc::clone(&stderr));
        let err = Arc::clone(&stderr);
        let port = wait_for_port(&mut child, "`DevTools listening on`", devtools_port, || {
            err.lock().unwrap().clone()
        });
        Chromium {
            child,
            port,
            stderr,
            _profile: profile,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The DevTools WebSocket URL of the open tab (the `page` target of `/json/list`).
    fn page_socket_url(&self) -> String {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .proxy(None)
            .timeout_global(Some(CALL_TIMEOUT))
            .build()
            .into();
        let url = format!("http://127.0.0.1:{}/json/list", self.port);
        let start = Instant::now();
        loop {
            let last = match agent
                .get(&url)
                .call()
                .and_then(|mut r| r.body_mut().read_to_string())
            {
                Ok(body) => {
                    let targets: Value = serde_json::from_str(&body)
                        .unwrap_or_else(|e| panic!("GET {url}: {e}: {body}"));
                    let page = targets.as_array().into_iter().flatten().find_map(|t| {
                        (t["type"] == "page")
                            .then(|| t["webSocketDebuggerUrl"].as_str())
                            .flatten()
                    });
                    if let Some(socket) = page {
                        return socket.to_string();
                    }
                    body
                }
                Err(e) => e.to_string(),
            };
            assert!(
                start.elapsed() < DEADLINE,
                "timed out after {DEADLINE:?} waiting for a page target at {url}; last: {last}\n{}",
                self.stderr()
            );
            std::thread::sleep(STEP);
        }
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        // SIGTERM lets Chromium shut its helpers down; SIGKILL the group if it does not.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .args(["-TERM", &pid])
                .stderr(Stdio::null())
                .status();
            let start = Instant::now();
            while matches!(self.child.try_wait(), Ok(None)) && start.elapsed() < EXIT_GRACE {
                std::thread::sleep(STEP);
            }
            if matches!(self.child.try_wait(), Ok(None)) {
                // Not reaped yet, so the group id is still ours.
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{pid}")])
                    .stderr(Stdio::null())
                    .status();
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port in a `DevTools listening on ws://127.0.0.1:PORT/devtools/browser/…` line.
fn devtools_port(stderr: &str) -> Option<u16> {
    let rest = stderr
        .lines()
        .find_map(|l| l.strip_prefix("DevTools listening on ws://127.0.0.1:"))?;
    rest.split('/').next()?.parse().ok()
}

/// A DevTools session on one target: numbered commands, replies matched by id (events
/// are skipped).
struct Cdp {
    socket: WebSocket<TcpStream>,
    next_id: u64,
}

impl Cdp {
    /// Connects to `url` (`ws://127.0.0.1:PORT/devtools/page/ID`).
    fn connect(url: &str) -> Cdp {
        let authority = url
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("not a ws:// URL: {url}"));
        assert!(
            authority.starts_with("127.0.0.1:"),
            "DevTools must stay on loopback: {url}"
        );
        let address = authority.parse().expect("a socket address");
        let stream =
            TcpStream::connect_timeout(&address, CALL_TIMEOUT).expect("connect to DevTools");
        // A read never blocks longer than this; the loops below check their deadlines.
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("read timeout");
        stream
            .set_write_timeout(Some(CALL_TIMEOUT))
            .expect("write timeout");
        let start = Instant::now();
        let mut handshake = tungstenite::client(url, stream);
        let socket = loop {
            match handshake {
                Ok((socket, _)) => break socket,
                Err(tungstenite::HandshakeError::Interrupted(mid)) => {
                    assert!(
                        start.elapsed() < DEADLINE,
                        "timed out after {DEADLINE:?} on the WebSocket handshake with {url}"
                    );
                    handshake = mid.handshake();
                }
                Err(tungstenite::HandshakeError::Failure(e)) => {
                    panic!("WebSocket handshake with {url}: {e}")
                }
            }
        };
        Cdp { socket, next_id: 1 }
    }

    /// Sends `method` with `params` and returns the reply's `result`, or its `error` (or
    /// a timeout after [`CALL_TIMEOUT`]) as text.
    fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        let request = json!({ "id": id, "method": method, "params": params });
        self.socket
            .send(Message::text(request.to_string()))
            .map_err(|e| format!("send {method}: {e}"))?;
        let start = Instant::now();
        loop {
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    let reply: Value = serde_json::from_str(text.as_str())
                        .map_err(|e| format!("{method}: bad reply {text}: {e}"))?;
                    if reply["id"] == id {
                        return match reply.get("error") {
                            Some(error) => Err(format!("{method}: {error}")),
                            None => Ok(reply["result"].clone()),
                        };
                    }
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => return Err(format!("{method}: {e}")),
            }
            if start.elapsed() > CALL_TIMEOUT {
                return Err(format!("{method}: no reply within {CALL_TIMEOUT:?}"));
            }
        }
    }

    /// The value of `expression` in the page, or why there is none (an exception, a
    /// navigation in progress, a timeout).
    fn eval(&mut self, expression: &str) -> Result<Value, String> {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        )?;
        if let Some(details) = result.get("exceptionDetails") {
            return Err(format!("{expression}: {details}"));
        }
        Ok(result["result"]["value"].clone())
    }

    /// Polls `expression` every [`STEP`] until `done` accepts its value, and returns it;
    /// fails the test after [`DEADLINE`] with the last value or error.
    fn wait_for(
        &mut self,
        what: &str,
        expression: &str,
        done: impl Fn(&Value) -> bool,
        context: impl Fn() -> String,
    ) -> Value {
        let start = Instant::now();
        loop {
            let last = match self.eval(expression) {
                Ok(value) if done(&value) => return value,
                Ok(value) => value.to_string(),
                Err(e) => e,
            };
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out after {DEADLINE:?} waiting for {what}; last: {last}\n{}",
                    context()
                );
            }
            std::thread::sleep(STEP);
        }
    }
}

/// What the test reads from the page: its text, whether it has finished loading, whether
/// the marker set before the edit is still there, and how the document was loaded
/// (`navigate`, `reload`).
const PAGE_STATE: &str = "({ text: document.body ? document.body.innerText : '', \
     ready: document.readyState, \
     marker: window.__ladderTestMarker === 1, \
     navigation: performance.getEntriesByType('navigation').map(e => e.type) })";

#[test]
fn an_open_page_shows_an_edit_without_a_manual_reload() {
    let Some(binary) = find_chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium not found (neither /usr/bin/chromium nor on PATH): CI must install it (.ci/run does: apt-get install chromium)"
        );
        eprintln!("skipped: chromium not found (apt-get install chromium)");
        return;
    };
    let started = Instant::now();
    let server = Server::start(&[]);
    let chromium = Chromium::start(&binary);
    // For failure messages (without Chromium's complaints about the missing D-Bus).
    let context = || {
        let stderr = chromium.stderr();
        let stderr: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.contains(":ERROR:dbus/"))
            .collect();
        format!("{}--- chromium ---\n{}", server.output(), stderr.join("\n"))
    };
    let mut page = Cdp::connect(&chromium.page_socket_url());

    let url = format!("http://127.0.0.1:{}/guide/", server.port);
    let navigated = page
        .call("Page.navigate", json!({ "url": url }))
        .unwrap_or_else(|e| panic!("{e}\n{}", context()));
    assert!(
        navigated.get("errorText").is_none(),
        "navigating to {url}: {navigated}\n{}",
        context()
    );
    // Marks this document (in the same evaluation that sees the original text), so a
    // reload shows as the marker's absence.
    page.wait_for(
        "the original text with the marker set",
        &format!(
            "document.body && document.body.innerText.includes({ORIGINAL:?}) && location.href === {url:?} \
             ? (window.__ladderTestMarker = 1, true) : false"
        ),
        |v| v == &Value::Bool(true),
        context,
    );
    let loaded = started.elapsed();

    // Replace the sentence on disk; no reload or navigate is sent from here on.
    let token = format!(
        "browser-edit-{}-{}",
        std::process::id(),
        started.elapsed().as_nanos()
    );
    let guide = server.path("content/guide.md");
    let source = std::fs::read_to_string(&guide).expect("read guide.md");
    assert!(source.contains(ORIGINAL), "{source}");
    let edited_at = Instant::now();
    std::fs::write(
        &guide,
        source.replace(ORIGINAL, &format!("Edited: {token}.")),
    )
    .expect("edit guide.md");

    let state = page.wait_for(
        "the edited text in the open page",
        PAGE_STATE,
        |v| v["ready"] == "complete" && v["text"].as_str().is_some_and(|t| t.contains(&token)),
        context,
    );
    let shown = edited_at.elapsed();
    let text = state["text"].as_str().unwrap_or_default();
    assert!(!text.contains(ORIGINAL), "{state}");
    // A new document: the marker is gone, and it was loaded by `location.reload()`.
    assert_eq!(state["marker"], Value::Bool(false), "{state}");
    assert_eq!(state["navigation"], json!(["reload"]), "{state}");
    eprintln!(
        "browser: page loaded in {loaded:?} (server and Chromium started), edit shown after {shown:?}"
    );
}
