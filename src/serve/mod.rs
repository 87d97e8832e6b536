//! `ladder serve`: a live preview for editors.
//!
//! ```text
//! watch (notify, debounced) ─batch of changes─▶ check + render (in memory)
//!        ─swap─▶ Snapshot (generation, files by output path, overlay)
//!        ─reload event─▶ every open page (server-sent events)
//! HTTP (tiny_http workers) ─request─▶ the snapshot current at that moment
//! ```
//! The site is built in memory with [`LIVE_RELOAD_SNIPPET`] in every page and served
//! from there: nothing is written to disk, so no page is ever half-written, and each
//! rebuild replaces the set of files at once. Rebuilds are incremental
//! (`incremental`): an edited page is parsed again, it and the pages linking to it are
//! validated again, and only the outputs it shows up in are rendered again. A build that
//! fails keeps the last good files and puts an error overlay on every HTML page; so does
//! a build with error-severity diagnostics.

mod http;
mod incremental;
mod overlay;
mod watch;

use std::collections::HashMap;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant};

use notify_debouncer_full::DebounceEventResult;

use crate::error::{Error, Result};
use crate::report::{self, Format, ReportInput, fingerprint};
use crate::{Diagnostic, Options};
use incremental::{LiveSite, Update, Work};

/// The path of the live-reload event stream.
pub const EVENTS_PATH: &str = "/__ladder/events";

/// The attribute that carries the page's generation; filled in when the page is served.
const GENERATION_PLACEHOLDER: &str = "data-ladder-generation=\"\"";

/// Inserted before `</body>` of every page when serving (`build` passes `""`): listens
/// to [`EVENTS_PATH`] and reloads the page on a `reload` event whose generation is not
/// the page's own (the first event on connecting tells the current one, so a rebuild
/// between loading the page and connecting is not missed), and after the server was
/// restarted (the connection was lost).
pub const LIVE_RELOAD_SNIPPET: &str = concat!(
    "<script data-ladder-generation=\"\">",
    "(function(){var g=document.currentScript.getAttribute(\"data-ladder-generation\"),",
    "lost=false,s=new EventSource(\"/__ladder/events\");",
    "s.onerror=function(){lost=true};",
    "s.addEventListener(\"reload\",function(e){if(lost||(g&&e.data!==g))location.reload()});",
    "})();</script>"
);

/// Request-handling threads (the event streams have a thread each).
const WORKERS: usize = 4;

/// How and where to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site: `root` and `config` (and `base_url`, whose path the site is served
    /// under); `output` and `external` are not used.
    pub site: Options,
    /// Address to listen on; anything but loopback gets a warning.
    pub bind: IpAddr,
    /// Port; 0 picks a free one (the address is printed).
    pub port: u16,
    /// Open the site in the default browser (best effort).
    pub open: bool,
    /// Poll for changes instead of native file-system events.
    pub poll: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            site: Options {
                root: PathBuf::from("."),
                ..Options::default()
            },
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            open: false,
            poll: false,
        }
    }
}

/// One file of a build in memory. Cheap to clone (a reference count).
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// Rendered bytes.
    Bytes(Arc<[u8]>),
    /// A file the site discovered (static file or content asset), read when served.
    Disk(Arc<Path>),
}

/// A build's files by output path (`a/index.html`). Keys and bodies are reference
/// counted: an edit copies the map of the snapshot being served before it changes a few
/// entries, and at 10,000 pages copying owned paths took 2-3 ms of each edit.
pub(crate) type Files = HashMap<Arc<str>, Body>;

/// What is being served: one build, whole.
#[derive(Debug)]
pub(crate) struct Snapshot {
    /// Counts builds (failed ones too): 1 for the first.
    pub(crate) generation: u64,
    /// The base path the files are served under (`""` or `/handbook`).
    pub(crate) base_path: String,
    /// The files by output path.
    pub(crate) files: Arc<Files>,
    /// The overlay put on every HTML page, if the build failed or found errors.
    pub(crate) overlay: Option<String>,
}

/// State shared by the request threads and the rebuild thread.
pub(crate) struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    /// One sender per open event stream; each gets the generation of every new build.
    clients: Mutex<Vec<Sender<u64>>>,
}

impl Shared {
    fn new() -> Shared {
        Shared {
            snapshot: RwLock::new(Arc::new(Snapshot {
                generation: 0,
                base_path: String::new(),
                files: Arc::default(),
                overlay: None,
            })),
            clients: Mutex::new(Vec::new()),
        }
    }

    /// The snapshot being served now.
    pub(crate) fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Serves `next` from now on and tells every open page.
    fn publish(&self, next: Snapshot) {
        let generation = next.generation;
        *self
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(next);
        self.clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|c| c.send(generation).is_ok());
    }

    /// A new event stream's receiver; it gets the current generation first. (Registered
    /// under the lock [`Shared::publish`] sends under, so no build is missed.)
    pub(crate) fn subscribe(&self) -> Receiver<u64> {
        let (tx, rx) = mpsc::channel();
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = tx.send(self.current().generation);
        clients.push(tx);
        rx
    }

    /// Ends every event stream.
    fn close_streams(&self) {
        self.clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Messages to the rebuild thread.
enum Message {
    /// A debounced batch of file-system events (or watcher errors).
    Changed(DebounceEventResult),
    /// Shut down.
    Stop,
}

/// Serves the site until Ctrl-C (or SIGTERM): builds it in memory, listens on
/// `bind:port`, prints `Serving at http://ADDR/` on stdout, rebuilds on every change
/// (printing the human report each time) and reloads open pages.
///
/// Errors (before serving starts): [`Error::Usage`] when the root is not a directory,
/// an explicit `--config` file does not exist, the address cannot be listened on, the
/// watcher cannot start, or Ctrl-C cannot be handled; [`Error::Io`] when the root cannot
/// be resolved. Once serving, build failures are shown, never returned.
pub fn serve(options: &ServeOptions) -> Result<()> {
    let shutdown = ctrl_c()?;
    run(options, &shutdown)
}

/// A receiver that gets `()` on Ctrl-C or SIGTERM. The handler is installed once per
/// process; each call takes the signal over for the new receiver.
fn ctrl_c() -> Result<Receiver<()>> {
    static SENDER: Mutex<Option<Sender<()>>> = Mutex::new(None);
    static INSTALLED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    let installed = INSTALLED.get_or_init(|| {
        ctrlc::set_handler(|| {
            if let Some(tx) = SENDER
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_ref()
            {
                let _ = tx.send(());
            }
        })
        .map_err(|e| e.to_string())
    });
    if let Err(e) = installed {
        return Err(Error::Usage(format!("cannot handle Ctrl-C: {e}")));
    }
    let (tx, rx) = mpsc::channel();
    *SENDER.lock().unwrap_or_else(PoisonError::into_inner) = Some(tx);
    Ok(rx)
}

fn run(options: &ServeOptions, shutdown: &Receiver<()>) -> Result<()> {
    let site = &options.site;
    if !site.root.is_dir() {
        return Err(Error::Usage(format!(
            "site root `{}` is not a directory",
            site.root.display()
        )));
    }
    if let Some(config) = &site.config
        && !config.is_file()
    {
        return Err(Error::Usage(format!(
            "config file `{}` does not exist",
            config.display()
        )));
    }
    let wanted = SocketAddr::new(options.bind, options.port);
    let listener = TcpListener::bind(wanted)
        .map_err(|e| Error::Usage(format!("cannot listen on {wanted}: {e}")))?;
    let address = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("cannot listen on {wanted}: {e}")))?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}, which is not a loopback address: anyone who can reach this machine can read the preview, unpublished drafts included (use --bind 127.0.0.1 to keep it private)",
            options.bind
        );
    }

    let (tx, rx) = mpsc::channel::<Message>();
    let events = tx.clone();
    let watch = watch::Watch::start(
        &site.root,
        site.config.as_deref(),
        options.poll,
        move |result| {
            let _ = events.send(Message::Changed(result));
        },
    )?;
    let shared = Arc::new(Shared::new());
    let live = rebuild(site, &shared, None, &[], "");

    let server = Arc::new(
        tiny_http::Server::from_listener(listener, None)
            .map_err(|e| Error::Usage(format!("cannot serve on {address}: {e}")))?,
    );
    let stopping = Arc::new(AtomicBool::new(false));
    for i in 0..WORKERS {
        let (server, shared, stopping) = (
            Arc::clone(&server),
            Arc::clone(&shared),
            Arc::clone(&stopping),
        );
        std::thread::Builder::new()
            .name(format!("ladder-serve-{i}"))
            .spawn(move || {
                while !stopping.load(Ordering::Acquire) {
                    match server.recv() {
                        Ok(request) => http::handle(request, &shared),
                        // Unblocked to stop, or a failed accept (e.g. out of file
                        // descriptors): do not spin.
                        Err(_) => std::thread::sleep(Duration::from_millis(20)),
                    }
                }
            })
            .map_err(|e| Error::Usage(format!("cannot start a server thread: {e}")))?;
    }

    let base_path = shared.current().base_path.clone();
    let url = format!("http://{address}{base_path}/");
    let watched: Vec<String> = watch
        .watched()
        .iter()
        .map(|d| format!("{d}/"))
        .chain(std::iter::once(match &site.config {
            Some(config) => config.display().to_string(),
            None => "ladder.toml".to_string(),
        }))
        .collect();
    {
        let mut out = anstream::stdout().lock();
        let _ = writeln!(out, "Serving at {url}");
        let _ = writeln!(
            out,
            "Watching {}{} for changes; press Ctrl-C to stop.",
            watched.join(", "),
            if options.poll { " (polling)" } else { "" }
        );
        let _ = out.flush();
    }
    if options.open {
        let browse = browse_url(address, &base_path);
        if let Err(e) = open::that_detached(&browse) {
            eprintln!("warning: cannot open a browser at {browse}: {e}");
        }
    }

    let rebuilder = {
        let (site, shared) = (site.clone(), Arc::clone(&shared));
        std::thread::Builder::new()
            .name("ladder-serve-rebuild".into())
            .spawn(move || watch_and_rebuild(watch, &rx, &site, &shared, live))
            .map_err(|e| Error::Usage(format!("cannot start the rebuild thread: {e}")))?
    };

    // Until Ctrl-C (or the handler's sender is gone).
    let _ = shutdown.recv();
    stopping.store(true, Ordering::Release);
    for _ in 0..WORKERS {
        server.unblock();
    }
    let _ = tx.send(Message::Stop);
    let _ = rebuilder.join();
    shared.close_streams();
    eprintln!("stopped");
    Ok(())
}

/// The URL to open in a browser: an unspecified bind address (`0.0.0.0`, `::`) is
/// reached through loopback.
fn browse_url(address: SocketAddr, base_path: &str) -> String {
    let mut address = address;
    match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => address.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        IpAddr::V6(ip) if ip.is_unspecified() => address.set_ip(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        _ => {}
    }
    format!("http://{address}{base_path}/")
}

/// The rebuild loop: takes every batch waiting, keeps the relevant changes, rebuilds
/// once for them. Returns on [`Message::Stop`], stopping the watcher.
fn watch_and_rebuild(
    mut watch: watch::Watch,
    rx: &Receiver<Message>,
    site: &Options,
    shared: &Shared,
    mut live: Option<LiveSite>,
) {
    while let Ok(first) = rx.recv() {
        let mut batches = vec![first];
        batches.extend(rx.try_iter());
        let mut changed: Vec<String> = Vec::new();
        let mut lost_events = false;
        let mut stop = false;
        for message in batches {
            match message {
                Message::Stop => stop = true,
                Message::Changed(Ok(events)) => {
                    for event in &events {
                        for path in &event.paths {
                            if watch.is_relevant(&event.kind, path) {
                                let shown = watch.display(path);
                                if !changed.contains(&shown) {
                                    changed.push(shown);
                                }
                            }
                        }
                    }
                }
                Message::Changed(Err(errors)) => {
                    for e in errors {
                        eprintln!("warning: watching for changes: {e}");
                    }
                    lost_events = true;
                }
            }
        }
        if stop {
            break;
        }
        if changed.is_empty() && !lost_events {
            continue;
        }
        watch.ensure();
        let what = match changed.as_slice() {
            [] => "the watcher reported an error".to_string(),
            [one] => format!("{one} changed"),
            [one, rest @ ..] => format!("{one} and {} more changed", rest.len()),
        };
        if lost_events {
            // Something may have been missed: start from scratch.
            live = None;
        }
        live = rebuild(site, shared, live, &changed, &what);
    }
    watch.stop();
}

/// Brings the site up to date with `changed` (root-relative paths) and publishes the next
/// snapshot: incrementally when there is a site in memory, else from scratch. On failure,
/// the last good files are kept with the error overlay, and the next change starts from
/// scratch. Publishes first, then prints (the terminal report is not on the way to the
/// browser). Returns the site to keep.
fn rebuild(
    site: &Options,
    shared: &Shared,
    live: Option<LiveSite>,
    changed: &[String],
    what: &str,
) -> Option<LiveSite> {
    let previous = shared.current();
    let generation = previous.generation + 1;
    let result = match live {
        Some(mut live) => live.apply(changed).map(|update| (live, update)),
        None => {
            let start = Instant::now();
            LiveSite::load(site).map(|live| (live, Update::since(Work::Full, start, None)))
        }
    };
    match result {
        Ok((live, update)) => {
            shared.publish(Snapshot {
                generation,
                base_path: live.site().base_path.clone(),
                files: Arc::clone(live.files()),
                overlay: overlay::for_diagnostics(live.diagnostics()),
            });
            print_report(&live, &update, what);
            Some(live)
        }
        Err(err) => {
            shared.publish(Snapshot {
                generation,
                base_path: previous.base_path.clone(),
                files: Arc::clone(&previous.files),
                overlay: Some(overlay::for_error(&err)),
            });
            let _ = writeln!(
                anstream::stderr(),
                "error: {}\nthe build failed: still serving the last good pages (with the error on each); fix it and save again",
                overlay::error_text(&err)
            );
            None
        }
    }
}

/// Prints what a rebuild did, its findings (after a full rebuild every finding; after an
/// incremental one, those in the files it validated again), then the summary line.
fn print_report(live: &LiveSite, update: &Update, what: &str) {
    let all = live.diagnostics();
    let shown: Vec<Diagnostic> = match &update.touched {
        None => all.to_vec(),
        Some(files) => all
            .iter()
            .filter(|d| files.contains(&d.path))
            .cloned()
            .collect(),
    };
    let fingerprints = fingerprint::fingerprints(&shown);
    let sources = report::sources(live.site());
    let summary = live.summary();
    let input = ReportInput {
        diagnostics: &shown,
        fingerprints: &fingerprints,
        summary,
        sources: &sources,
        repo_prefix: "",
        verb: "built",
        elapsed: update.elapsed,
        verbose: false,
        quiet: false,
    };
    let mut out = anstream::stdout().lock();
    if !what.is_empty() {
        let _ = writeln!(
            out,
            "\n{what}: {} in {:.1} ms",
            update.work,
            update.elapsed.as_secs_f64() * 1000.0
        );
    }
    let _ = write!(out, "{}", report::render(Format::Human, &input));
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribers_get_the_current_generation_then_every_new_one() {
        let shared = Shared::new();
        let early = shared.subscribe();
        let next = |generation| Snapshot {
            generation,
            base_path: String::new(),
            files: Arc::default(),
            overlay: None,
        };
        shared.publish(next(1));
        let late = shared.subscribe();
        shared.publish(next(2));
        assert_eq!(early.try_iter().collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(late.try_iter().collect::<Vec<_>>(), [1, 2]);
        drop(early);
        shared.publish(next(3));
        assert_eq!(shared.clients.lock().unwrap().len(), 1);
        shared.close_streams();
        assert!(late.try_iter().eq([3]));
        assert!(late.recv().is_err());
    }

    #[test]
    fn the_snippet_reloads_on_events() {
        assert!(LIVE_RELOAD_SNIPPET.contains("new EventSource(\"/__ladder/events\")"));
        assert!(LIVE_RELOAD_SNIPPET.contains(GENERATION_PLACEHOLDER));
        assert!(LIVE_RELOAD_SNIPPET.contains("addEventListener(\"reload\""));
    }

    #[test]
    fn browsing_an_unspecified_address_goes_through_loopback() {
        let any: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(browse_url(any, ""), "http://127.0.0.1:1111/");
        let any6: SocketAddr = "[::]:1111".parse().unwrap();
        assert_eq!(browse_url(any6, "/hb"), "http://[::1]:1111/hb/");
        let lan: SocketAddr = "192.168.1.2:80".parse().unwrap();
        assert_eq!(browse_url(lan, ""), "http://192.168.1.2:80/");
    }
}
