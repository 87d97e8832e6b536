//! External links: checks `http(s)` URLs over the network (`ladder check --external`,
//! off by default).
//!
//! ```text
//! URLs (deduplicated, no fragments)
//!   ─cache (fresh entries)──────────────────────────────▶ status
//!   ─not http(s) / unparsable───────────────────────────▶ Failed
//!   ─worker pool (≤ concurrency in flight, ≤ per_host per host)
//!      HEAD ─405/501/4xx─▶ GET        (redirects followed, at most 5)
//!      retry on no answer, 429, 5xx (backoff 200 ms × attempt, or Retry-After ≤ 5 s)
//!   ─▶ BTreeMap<URL, LinkStatus>  ─▶ cache file (atomic rewrite)
//! ```
//!
//! Requests use [`ureq`] (blocking, rustls) on a pool of scoped std threads. Results are
//! keyed by URL, so they do not depend on scheduling. Nothing here fails the run: every
//! problem becomes a [`LinkStatus`], and cache problems are ignored.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use ureq::http::Uri;
use ureq::{Agent, Proxy};

/// Redirects followed per request before giving up.
const MAX_REDIRECTS: u32 = 5;
/// Backoff unit between attempts: attempt `n` (1-based) waits `n ×` this.
const BACKOFF: Duration = Duration::from_millis(200);
/// Longest `Retry-After` honoured; longer values are capped to this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);
/// Version of the cache file format.
const CACHE_VERSION: u32 = 1;
/// Longest failure reason kept (in characters).
const MAX_REASON: usize = 120;

/// Characters that may appear in links as written but not in a request line; they are
/// percent-encoded before the request (as browsers do). Non-ASCII is always encoded.
const UNSAFE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^');

/// Options for [`check_urls`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalOptions {
    /// Requests in flight at once, over all hosts (worker threads). Default 8; 0 counts as 1.
    pub concurrency: usize,
    /// Requests in flight at once to one host: the host name of the URL as given, ignoring
    /// the port (redirect targets are not counted separately). A slot is held for all
    /// attempts of one URL, backoff included. Default 2; 0 counts as 1.
    pub per_host: usize,
    /// Time limit for one request (DNS, connect, TLS, redirects, response headers).
    /// Default 10 s.
    pub timeout: Duration,
    /// Extra attempts after a failure without an HTTP answer, or a 429/5xx answer.
    /// Attempt `n` waits `200 ms × n` first, or the server's `Retry-After` in seconds
    /// (at most 5 s). Default 2.
    pub retries: u32,
    /// The JSON cache file; `None` for no cache. Its directory is created if missing.
    pub cache: Option<PathBuf>,
    /// Age after which a cache entry is checked again. Default 24 h; zero disables reads
    /// from the cache (it is still written).
    pub cache_ttl: Duration,
    /// `User-Agent` header. Default `ladder/<version> (link checker)`.
    pub user_agent: String,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            concurrency: 8,
            per_host: 2,
            timeout: Duration::from_secs(10),
            retries: 2,
            cache: None,
            cache_ttl: Duration::from_secs(24 * 60 * 60),
            user_agent: format!("ladder/{} (link checker)", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The result for one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkStatus {
    /// 2xx (after following up to 5 redirects), with the final status code.
    Ok(u16),
    /// A definitive HTTP answer that is not 2xx: 4xx, 5xx after the retries, or a 3xx
    /// that could not be followed (e.g. no `Location`).
    Http(u16),
    /// No HTTP answer: timeout, DNS failure, refused connection, TLS error, too many
    /// redirects, or a URL that cannot be requested — with a short reason.
    Failed(String),
}

impl LinkStatus {
    /// Whether the link works (a 2xx answer).
    pub fn is_ok(&self) -> bool {
        matches!(self, LinkStatus::Ok(_))
    }

    /// Whether [`check_urls`] keeps this result in the cache: successes and definitive
    /// "gone" answers (404, 410). Other errors may be transient and are re-checked.
    pub fn is_cacheable(&self) -> bool {
        matches!(self, LinkStatus::Ok(_) | LinkStatus::Http(404 | 410))
    }
}

/// Checks every URL; one result per input URL, keyed by it (duplicates give one entry).
///
/// URLs are used as given (callers remove fragments and duplicates); characters not
/// allowed in a request (spaces, non-ASCII, …) are percent-encoded for the request only.
/// Non-`http(s)` URLs give `Failed("not an http(s) URL")` without any request. Proxies
/// come from the usual environment variables (`HTTPS_PROXY`, `NO_PROXY`, …).
///
/// With [`ExternalOptions::cache`], fresh entries are used instead of requests, and
/// after the run the file is rewritten with the fresh entries plus this run's cacheable
/// results ([`LinkStatus::is_cacheable`]); expired entries are dropped.
///
/// Errors: none — an unreadable or corrupt cache is ignored and rewritten; a cache that
/// cannot be written is ignored.
pub fn check_urls(urls: &[String], options: &ExternalOptions) -> BTreeMap<String, LinkStatus> {
    check_with_proxy(urls, options, Proxy::try_from_env())
}

/// [`check_urls`] with an explicit proxy (tests use none, whatever the environment says).
fn check_with_proxy(
    urls: &[String],
    options: &ExternalOptions,
    proxy: Option<Proxy>,
) -> BTreeMap<String, LinkStatus> {
    let mut cache = match &options.cache {
        Some(path) => Cache::load(path),
        None => Cache::default(),
    };
    cache.retain_fresh(unix_now(), options.cache_ttl);

    let mut results = BTreeMap::new();
    let mut jobs = Vec::new();
    let unique: BTreeSet<&String> = urls.iter().collect();
    for url in unique {
        if let Some(entry) = cache.entries.get(url.as_str()) {
            results.insert(url.clone(), entry.status.clone());
            continue;
        }
        match Job::new(url) {
            Ok(job) => jobs.push(job),
            Err(reason) => {
                results.insert(url.clone(), LinkStatus::Failed(reason));
            }
        }
    }

    let checked = run_jobs(&jobs, options, proxy);
    let now = unix_now();
    for (job, status) in jobs.iter().zip(checked) {
        if status.is_cacheable() {
            cache.entries.insert(
                job.url.clone(),
                CacheEntry {
                    status: status.clone(),
                    checked: now,
                },
            );
        }
        results.insert(job.url.clone(), status);
    }
    if let Some(path) = &options.cache {
        // A cache that cannot be written only costs time on the next run.
        let _ = cache.save(path);
    }
    results
}

/// One URL to request.
#[derive(Debug)]
struct Job {
    /// The URL as given (the result key).
    url: String,
    /// The URL as requested: percent-encoded, without a fragment.
    uri: Uri,
    /// Lowercase host name: the per-host limit's key.
    host: String,
}

impl Job {
    /// Parses `url`; `Err` holds the reason for a [`LinkStatus::Failed`].
    fn new(url: &str) -> Result<Job, String> {
        let trimmed = url.trim();
        let lower = trimmed.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err("not an http(s) URL".to_string());
        }
        let without_fragment = trimmed.split('#').next().unwrap_or(trimmed);
        let encoded = utf8_percent_encode(without_fragment, UNSAFE).to_string();
        let uri: Uri = encoded.parse().map_err(|_| "invalid URL".to_string())?;
        let host = match uri.host() {
            Some(h) if !h.is_empty() => h.to_ascii_lowercase(),
            _ => return Err("invalid URL: no host".to_string()),
        };
        Ok(Job {
            url: url.to_string(),
            uri,
            host,
        })
    }
}

/// Runs `jobs` on at most `options.concurrency` threads (the calling thread included);
/// returns one status per job, in order.
fn run_jobs(jobs: &[Job], options: &ExternalOptions, proxy: Option<Proxy>) -> Vec<LinkStatus> {
    if jobs.is_empty() {
        return Vec::new();
    }
    let agent: Agent = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(MAX_REDIRECTS)
        .timeout_global(Some(options.timeout))
        .user_agent(options.user_agent.as_str())
        .proxy(proxy)
        .build()
        .into();
    let scheduler = Scheduler {
        state: Mutex::new(SchedulerState {
            pending: (0..jobs.len()).collect(),
            active: HashMap::new(),
        }),
        changed: Condvar::new(),
        per_host: options.per_host.max(1),
    };
    let results: Mutex<Vec<Option<LinkStatus>>> = Mutex::new(vec![None; jobs.len()]);
    let work = || {
        while let Some(index) = scheduler.next(jobs) {
            let job = &jobs[index];
            let status = check_one(&agent, job, options);
            scheduler.finish(&job.host);
            lock(&results)[index] = Some(status);
        }
    };
    let workers = options.concurrency.max(1).min(jobs.len());
    thread::scope(|scope| {
        for n in 1..workers {
            // A thread that cannot be spawned just means fewer workers.
            let _ = thread::Builder::new()
                .name(format!("ladder-external-{n}"))
                .spawn_scoped(scope, work);
        }
        work();
    });
    results
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .map(|s| s.unwrap_or_else(|| LinkStatus::Failed("not checked".to_string())))
        .collect()
}

/// Hands out jobs so that no host has more than `per_host` in flight.
struct Scheduler {
    state: Mutex<SchedulerState>,
    changed: Condvar,
    per_host: usize,
}

struct SchedulerState {
    /// Indices of jobs not started yet, in input order.
    pending: Vec<usize>,
    /// Jobs in flight per host.
    active: HashMap<String, usize>,
}

impl Scheduler {
    /// The first pending job whose host has a free slot (taking the slot), waiting while
    /// every pending job's host is busy; `None` when no job is pending.
    fn next(&self, jobs: &[Job]) -> Option<usize> {
        let mut state = lock(&self.state);
        loop {
            if state.pending.is_empty() {
                return None;
            }
            let free = state.pending.iter().position(|&i| {
                state.active.get(&jobs[i].host).copied().unwrap_or(0) < self.per_host
            });
            if let Some(position) = free {
                let index = state.pending.remove(position);
                *state.active.entry(jobs[index].host.clone()).or_insert(0) += 1;
                return Some(index);
            }
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Releases a slot of `host` taken by [`Scheduler::next`].
    fn finish(&self, host: &str) {
        let mut state = lock(&self.state);
        if let Some(count) = state.active.get_mut(host) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                state.active.remove(host);
            }
        }
        drop(state);
        self.changed.notify_all();
    }
}

/// Locks `mutex`, ignoring poisoning (no code here panics while holding a lock).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What one attempt produced.
enum Attempt {
    /// An HTTP answer (after redirects): status and `Retry-After`, if given in seconds.
    Answer(u16, Option<Duration>),
    /// No HTTP answer.
    Error(ureq::Error),
}

/// Checks one URL with retries.
fn check_one(agent: &Agent, job: &Job, options: &ExternalOptions) -> LinkStatus {
    let mut use_get = false;
    let mut attempt: u32 = 0;
    loop {
        let (status, retry, retry_after) = match try_once(agent, &job.uri, &mut use_get) {
            Attempt::Answer(code, retry_after) => match code {
                200..=299 => (LinkStatus::Ok(code), false, None),
                429 | 500..=599 => (LinkStatus::Http(code), true, retry_after),
                _ => (LinkStatus::Http(code), false, None),
            },
            Attempt::Error(e) => (LinkStatus::Failed(reason(&e)), is_transient(&e), None),
        };
        if !retry || attempt >= options.retries {
            return status;
        }
        attempt += 1;
        let wait = retry_after.unwrap_or(BACKOFF.saturating_mul(attempt));
        thread::sleep(wait.min(MAX_RETRY_AFTER));
    }
}

/// One attempt: HEAD, then GET when the server refuses HEAD (405, 501, or another 4xx
/// except 429). After one refusal, `use_get` is set and later attempts go straight to GET.
/// GET bodies are not read.
fn try_once(agent: &Agent, uri: &Uri, use_get: &mut bool) -> Attempt {
    if !*use_get {
        match agent.head(uri).call() {
            Ok(response) => {
                let code = response.status().as_u16();
                let refused = code == 501 || ((400..500).contains(&code) && code != 429);
                if !refused {
                    return Attempt::Answer(code, retry_after(response.headers()));
                }
                *use_get = true;
            }
            Err(e) => return Attempt::Error(e),
        }
    }
    match agent.get(uri).call() {
        // Dropping the response without reading the body closes the connection.
        Ok(response) => {
            Attempt::Answer(response.status().as_u16(), retry_after(response.headers()))
        }
        Err(e) => Attempt::Error(e),
    }
}

/// `Retry-After` as a number of seconds; dates and other values give `None`.
fn retry_after(headers: &ureq::http::HeaderMap) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Whether a request error may go away on a retry (network trouble, not a bad URL,
/// TLS or redirect loop).
fn is_transient(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::Timeout(_)
            | ureq::Error::Io(_)
            | ureq::Error::HostNotFound
            | ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_)
            | ureq::Error::BodyStalled
    )
}

/// A short, stable reason for a request error.
fn reason(e: &ureq::Error) -> String {
    let text = match e {
        ureq::Error::Timeout(_) => "timed out".to_string(),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
        ureq::Error::ConnectionFailed => "connection failed".to_string(),
        ureq::Error::BadUri(_) => "invalid URL".to_string(),
        ureq::Error::Io(io) => match io.kind() {
            io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
            io::ErrorKind::ConnectionReset => "connection reset".to_string(),
            io::ErrorKind::ConnectionAborted => "connection aborted".to_string(),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "timed out".to_string(),
            io::ErrorKind::UnexpectedEof => "connection closed without an answer".to_string(),
            _ => format!("I/O error: {io}"),
        },
        ureq::Error::Tls(what) => format!("TLS error: {what}"),
        ureq::Error::Rustls(tls) => format!("TLS error: {tls}"),
        other => other.to_string(),
    };
    shorten(&text)
}

/// `text` cut to [`MAX_REASON`] characters (with `…` when cut).
fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_REASON {
        return text.to_string();
    }
    let mut out: String = text.chars().take(MAX_REASON - 1).collect();
    out.push('…');
    out
}

/// Seconds since the Unix epoch (0 if the clock is before it).
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The cache file: `{"version":1,"entries":{url:{"status":…,"checked":unix_seconds}}}`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    version: u32,
    entries: BTreeMap<String, CacheEntry>,
}

/// One cached result.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheEntry {
    status: LinkStatus,
    /// When it was checked, in seconds since the Unix epoch.
    checked: u64,
}

impl Cache {
    /// Reads `path`; an empty cache when it is missing, unreadable, corrupt, or of
    /// another version.
    fn load(path: &Path) -> Cache {
        fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str::<Cache>(&text).ok())
            .filter(|cache| cache.version == CACHE_VERSION)
            .unwrap_or_default()
    }

    /// Drops entries older than `ttl` at `now` (unix seconds), entries from the future
    /// (the clock moved back), and entries that should not have been cached.
    fn retain_fresh(&mut self, now: u64, ttl: Duration) {
        self.entries.retain(|_, entry| {
            entry.checked <= now
                && Duration::from_secs(now - entry.checked) < ttl
                && entry.status.is_cacheable()
        });
    }

    /// Writes the cache to `path` atomically (a temporary file in the same directory,
    /// then a rename), creating the directory if needed.
    fn save(&mut self, path: &Path) -> io::Result<()> {
        self.version = CACHE_VERSION;
        let mut json = serde_json::to_string_pretty(self).map_err(io::Error::other)?;
        json.push('\n');
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = dir {
            fs::create_dir_all(dir)?;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "cache".to_string());
        let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let written = fs::write(&temp, json).and_then(|()| fs::rename(&temp, path));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::thread::JoinHandle;
    use std::time::Instant;

    /// What the test server answers to one request.
    struct Reply {
        status: u16,
        headers: Vec<(&'static str, String)>,
        delay: Duration,
    }

    fn reply(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// A request as the server saw it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Seen {
        method: String,
        path: String,
        /// The `User-Agent` header ("" if none).
        user_agent: String,
    }

    /// `(method, path, requests seen before this one)` → reply.
    type Handler = dyn Fn(&str, &str, usize) -> Reply + Send + Sync;

    /// An HTTP/1.1 server on 127.0.0.1 (ephemeral port): one request per connection,
    /// each connection on its own thread. Stops when dropped, or after 10 s by itself.
    struct Server {
        addr: SocketAddr,
        stop: Arc<AtomicBool>,
        seen: Arc<Mutex<Vec<Seen>>>,
        max_active: Arc<AtomicUsize>,
        thread: Option<JoinHandle<()>>,
    }

    impl Server {
        fn start(handler: impl Fn(&str, &str, usize) -> Reply + Send + Sync + 'static) -> Server {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let addr = listener.local_addr().unwrap();
            let stop = Arc::new(AtomicBool::new(false));
            let seen = Arc::new(Mutex::new(Vec::new()));
            let max_active = Arc::new(AtomicUsize::new(0));
            let handler: Arc<Handler> = Arc::new(handler);
            let thread = {
                let (stop, seen, max_active) = (stop.clone(), seen.clone(), max_active.clone());
                thread::spawn(move || {
                    let active = Arc::new(AtomicUsize::new(0));
                    let deadline = Instant::now() + Duration::from_secs(10);
                    let mut connections = Vec::new();
                    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                        match listener.accept() {
                            Ok((stream, _)) => {
                                let (handler, seen, active, max_active) = (
                                    handler.clone(),
                                    seen.clone(),
                                    active.clone(),
                                    max_active.clone(),
                                );
                                connections.push(thread::spawn(move || {
                                    serve(stream, &*handler, &seen, &active, &max_active)
                                }));
                            }
                            Err(_) => thread::sleep(Duration::from_millis(2)),
                        }
                    }
                    for c in connections {
                        let _ = c.join();
                    }
                })
            };
            Server {
                addr,
                stop,
                seen,
                max_active,
                thread: Some(thread),
            }
        }

        fn url(&self, path: &str) -> String {
            format!("http://{}{}", self.addr, path)
        }

        fn seen(&self) -> Vec<Seen> {
            self.seen.lock().unwrap().clone()
        }

        fn requests(&self) -> usize {
            self.seen.lock().unwrap().len()
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    /// Serves one request on `stream`. The request counts as active until just before
    /// the answer is written, so a client cannot start its next request while it counts.
    fn serve(
        mut stream: TcpStream,
        handler: &Handler,
        seen: &Mutex<Vec<Seen>>,
        active: &AtomicUsize,
        max_active: &AtomicUsize,
    ) {
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 1024];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let head = String::from_utf8_lossy(&buf);
        let mut parts = head.lines().next().unwrap_or("").split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        let user_agent = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("user-agent")
                    .then(|| value.trim().to_string())
            })
            .unwrap_or_default();
        let now = active.fetch_add(1, Ordering::SeqCst) + 1;
        max_active.fetch_max(now, Ordering::SeqCst);
        let before = {
            let mut seen = seen.lock().unwrap();
            seen.push(Seen {
                method: method.clone(),
                path: path.clone(),
                user_agent,
            });
            seen.len() - 1
        };
        let r = handler(&method, &path, before);
        thread::sleep(r.delay);
        active.fetch_sub(1, Ordering::SeqCst);
        let mut out = format!("HTTP/1.1 {} Test\r\nConnection: close\r\n", r.status);
        for (name, value) in &r.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        if method == "HEAD" {
            out.push_str("Content-Length: 2\r\n\r\n");
        } else {
            out.push_str("Content-Length: 2\r\n\r\nok");
        }
        let _ = stream.write_all(out.as_bytes());
    }

    fn fast() -> ExternalOptions {
        ExternalOptions {
            timeout: Duration::from_millis(1000),
            retries: 0,
            ..ExternalOptions::default()
        }
    }

    fn check(urls: &[String], options: &ExternalOptions) -> BTreeMap<String, LinkStatus> {
        check_with_proxy(urls, options, None)
    }

    fn check_one_url(url: &str, options: &ExternalOptions) -> LinkStatus {
        let results = check(&[url.to_string()], options);
        assert_eq!(results.len(), 1);
        results[url].clone()
    }

    fn get(seen: &[Seen]) -> Vec<(&str, &str)> {
        seen.iter()
            .map(|s| (s.method.as_str(), s.path.as_str()))
            .collect()
    }

    #[test]
    fn ok_200() {
        let server = Server::start(|_, _, _| reply(200));
        let url = server.url("/a");
        assert_eq!(check_one_url(&url, &fast()), LinkStatus::Ok(200));
        assert_eq!(get(&server.seen()), [("HEAD", "/a")]);
    }

    #[test]
    fn not_found_404_is_http_error_after_get_fallback() {
        let server = Server::start(|_, _, _| reply(404));
        let url = server.url("/missing");
        assert_eq!(check_one_url(&url, &fast()), LinkStatus::Http(404));
        // 404 is not retried, even with retries left; HEAD's 4xx is confirmed with GET.
        let options = ExternalOptions {
            retries: 2,
            ..fast()
        };
        let server = Server::start(|_, _, _| reply(404));
        let url = server.url("/missing");
        assert_eq!(check_one_url(&url, &options), LinkStatus::Http(404));
        assert_eq!(
            get(&server.seen()),
            [("HEAD", "/missing"), ("GET", "/missing")]
        );
    }

    #[test]
    fn redirect_is_followed() {
        let server = Server::start(|_, path, _| {
            if path == "/old" {
                Reply {
                    headers: vec![("Location", "/new".to_string())],
                    ..reply(301)
                }
            } else {
                reply(200)
            }
        });
        let url = server.url("/old");
        assert_eq!(check_one_url(&url, &fast()), LinkStatus::Ok(200));
        assert_eq!(get(&server.seen()), [("HEAD", "/old"), ("HEAD", "/new")]);
    }

    #[test]
    fn redirect_loop_fails() {
        let server = Server::start(|_, path, _| {
            let next = if path == "/a" { "/b" } else { "/a" };
            Reply {
                headers: vec![("Location", next.to_string())],
                ..reply(302)
            }
        });
        let url = server.url("/a");
        assert_eq!(
            check_one_url(&url, &fast()),
            LinkStatus::Failed("more than 5 redirects".to_string())
        );
        assert!(server.requests() <= 6, "{}", server.requests());
    }

    #[test]
    fn head_405_falls_back_to_get() {
        let server = Server::start(|method, _, _| {
            if method == "HEAD" {
                reply(405)
            } else {
                reply(200)
            }
        });
        let url = server.url("/page");
        assert_eq!(check_one_url(&url, &fast()), LinkStatus::Ok(200));
        assert_eq!(get(&server.seen()), [("HEAD", "/page"), ("GET", "/page")]);
    }

    #[test]
    fn retries_after_503() {
        let server =
            Server::start(|_, _, before| if before == 0 { reply(503) } else { reply(200) });
        let url = server.url("/flaky");
        let options = ExternalOptions {
            retries: 2,
            ..fast()
        };
        assert_eq!(check_one_url(&url, &options), LinkStatus::Ok(200));
        assert_eq!(
            get(&server.seen()),
            [("HEAD", "/flaky"), ("HEAD", "/flaky")]
        );
    }

    #[test]
    fn persistent_503_is_http_error_after_retries() {
        let server = Server::start(|_, _, _| reply(503));
        let url = server.url("/down");
        let options = ExternalOptions {
            retries: 1,
            ..fast()
        };
        assert_eq!(check_one_url(&url, &options), LinkStatus::Http(503));
        assert_eq!(server.requests(), 2);
    }

    #[test]
    fn retry_after_is_honoured_in_seconds_only() {
        let mut headers = ureq::http::HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn retry_after_zero_retries_at_once() {
        let server = Server::start(|_, _, before| {
            if before == 0 {
                Reply {
                    headers: vec![("Retry-After", "0".to_string())],
                    ..reply(429)
                }
            } else {
                reply(200)
            }
        });
        let url = server.url("/limited");
        let options = ExternalOptions {
            retries: 1,
            ..fast()
        };
        let start = Instant::now();
        assert_eq!(check_one_url(&url, &options), LinkStatus::Ok(200));
        assert!(start.elapsed() < Duration::from_millis(150));
    }

    #[test]
    fn silent_server_times_out() {
        // Connections are accepted by the kernel (backlog) but never answered.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/slow", listener.local_addr().unwrap());
        let options = ExternalOptions {
            timeout: Duration::from_millis(300),
            ..fast()
        };
        let start = Instant::now();
        assert_eq!(
            check_one_url(&url, &options),
            LinkStatus::Failed("timed out".to_string())
        );
        assert!(start.elapsed() < Duration::from_millis(1500));
        drop(listener);
    }

    #[test]
    fn refused_connection_fails() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/x", listener.local_addr().unwrap());
        drop(listener);
        let options = ExternalOptions {
            retries: 1,
            ..fast()
        };
        assert_eq!(
            check_one_url(&url, &options),
            LinkStatus::Failed("connection refused".to_string())
        );
    }

    #[test]
    fn non_http_urls_fail_without_requests() {
        let urls: Vec<String> = ["mailto:a@b.c", "ftp://example.com/x", "", "http://", "/a/b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let results = check(&urls, &fast());
        assert_eq!(results.len(), 5);
        for url in ["mailto:a@b.c", "ftp://example.com/x", "", "/a/b"] {
            assert_eq!(
                results[url],
                LinkStatus::Failed("not an http(s) URL".to_string()),
                "{url}"
            );
        }
        assert!(
            matches!(&results["http://"], LinkStatus::Failed(r) if r.starts_with("invalid URL"))
        );
    }

    #[test]
    fn unusual_characters_are_encoded_for_the_request() {
        let server = Server::start(|_, _, _| reply(200));
        let url = server.url("/wiki/Straße name");
        assert_eq!(check_one_url(&url, &fast()), LinkStatus::Ok(200));
        assert_eq!(get(&server.seen()), [("HEAD", "/wiki/Stra%C3%9Fe%20name")]);
    }

    #[test]
    fn duplicates_give_one_result_and_one_request() {
        let server = Server::start(|_, _, _| reply(200));
        let url = server.url("/a");
        let results = check(&[url.clone(), url.clone()], &fast());
        assert_eq!(results.len(), 1);
        assert_eq!(server.requests(), 1);
    }

    #[test]
    fn per_host_limit_is_respected() {
        let server = Server::start(|_, _, _| Reply {
            delay: Duration::from_millis(40),
            ..reply(200)
        });
        let urls: Vec<String> = (0..10).map(|i| server.url(&format!("/p{i}"))).collect();
        let options = ExternalOptions {
            concurrency: 8,
            per_host: 2,
            ..fast()
        };
        let results = check(&urls, &options);
        assert_eq!(results.len(), 10);
        assert!(results.values().all(|s| *s == LinkStatus::Ok(200)));
        assert_eq!(server.requests(), 10);
        let max = server.max_active.load(Ordering::SeqCst);
        assert!((1..=2).contains(&max), "max concurrent requests: {max}");
    }

    #[test]
    fn global_concurrency_is_respected() {
        let server = Server::start(|_, _, _| Reply {
            delay: Duration::from_millis(40),
            ..reply(200)
        });
        let urls: Vec<String> = (0..10).map(|i| server.url(&format!("/p{i}"))).collect();
        let options = ExternalOptions {
            concurrency: 3,
            per_host: 100,
            ..fast()
        };
        let results = check(&urls, &options);
        assert!(results.values().all(|s| *s == LinkStatus::Ok(200)));
        let max = server.max_active.load(Ordering::SeqCst);
        assert!((1..=3).contains(&max), "max concurrent requests: {max}");
    }

    fn cached(dir: &Path, ttl: Duration) -> ExternalOptions {
        ExternalOptions {
            cache: Some(dir.join("sub").join("links.json")),
            cache_ttl: ttl,
            ..fast()
        }
    }

    #[test]
    fn fresh_cache_avoids_requests() {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(|_, path, _| if path == "/a" { reply(200) } else { reply(404) });
        let refused = TcpListener::bind("127.0.0.1:0").unwrap();
        let refused_url = format!("http://{}/x", refused.local_addr().unwrap());
        drop(refused);
        let urls = vec![server.url("/a"), server.url("/gone"), refused_url.clone()];
        let options = cached(dir.path(), Duration::from_secs(3600));

        let first = check(&urls, &options);
        assert_eq!(first[&urls[0]], LinkStatus::Ok(200));
        assert_eq!(first[&urls[1]], LinkStatus::Http(404));
        assert!(matches!(first[&refused_url], LinkStatus::Failed(_)));
        let requests = server.requests();
        assert_eq!(requests, 3); // HEAD /a, HEAD /gone, GET /gone

        let text = fs::read_to_string(options.cache.as_ref().unwrap()).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["version"], 1);
        let entries = json["entries"].as_object().unwrap();
        assert_eq!(entries.len(), 2, "{text}");
        assert_eq!(entries[&urls[0]]["status"], serde_json::json!({"Ok": 200}));
        assert!(entries[&urls[1]]["checked"].as_u64().unwrap() > 0);

        let second = check(&urls, &options);
        assert_eq!(second, first);
        assert_eq!(server.requests(), requests);
    }

    #[test]
    fn expired_entries_are_checked_again() {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(|_, _, _| reply(200));
        let urls = vec![server.url("/a")];
        let options = cached(dir.path(), Duration::ZERO);
        assert_eq!(check(&urls, &options)[&urls[0]], LinkStatus::Ok(200));
        assert_eq!(check(&urls, &options)[&urls[0]], LinkStatus::Ok(200));
        assert_eq!(server.requests(), 2);
    }

    #[test]
    fn corrupt_cache_is_ignored_and_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(|_, _, _| reply(200));
        let urls = vec![server.url("/a")];
        let options = cached(dir.path(), Duration::from_secs(3600));
        let path = options.cache.clone().unwrap();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "{\"version\":1,\"entries\":{ not json").unwrap();
        assert_eq!(check(&urls, &options)[&urls[0]], LinkStatus::Ok(200));
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(json["entries"].as_object().unwrap().len(), 1);
        // Another version is ignored too.
        fs::write(&path, "{\"version\":99,\"entries\":{}}").unwrap();
        assert_eq!(check(&urls, &options)[&urls[0]], LinkStatus::Ok(200));
        assert_eq!(server.requests(), 2);
    }

    #[test]
    fn unwritable_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(|_, _, _| reply(200));
        let urls = vec![server.url("/a")];
        // The cache path is a directory: it can be neither read nor replaced.
        let options = ExternalOptions {
            cache: Some(dir.path().to_path_buf()),
            ..fast()
        };
        assert_eq!(check(&urls, &options)[&urls[0]], LinkStatus::Ok(200));
        assert!(dir.path().is_dir());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn cache_keeps_only_fresh_cacheable_entries() {
        let entry = |status, checked| CacheEntry { status, checked };
        let mut cache = Cache::default();
        cache
            .entries
            .insert("fresh".into(), entry(LinkStatus::Ok(200), 1000));
        cache
            .entries
            .insert("old".into(), entry(LinkStatus::Ok(200), 10));
        cache
            .entries
            .insert("future".into(), entry(LinkStatus::Http(404), 5000));
        cache.entries.insert(
            "failed".into(),
            entry(LinkStatus::Failed("timed out".into()), 1000),
        );
        cache
            .entries
            .insert("forbidden".into(), entry(LinkStatus::Http(403), 1000));
        cache.retain_fresh(1100, Duration::from_secs(500));
        assert_eq!(cache.entries.keys().collect::<Vec<_>>(), ["fresh"]);
    }

    #[test]
    fn default_options() {
        let o = ExternalOptions::default();
        assert_eq!((o.concurrency, o.per_host, o.retries), (8, 2, 2));
        assert_eq!(o.timeout, Duration::from_secs(10));
        assert_eq!(o.cache_ttl, Duration::from_secs(86_400));
        assert!(o.user_agent.starts_with("ladder/"));
    }

    #[test]
    fn user_agent_is_sent() {
        let server = Server::start(|_, _, _| reply(200));
        let url = server.url("/ua");
        let options = ExternalOptions {
            user_agent: "probe/1".to_string(),
            ..fast()
        };
        assert_eq!(check_one_url(&url, &options), LinkStatus::Ok(200));
        assert_eq!(server.seen()[0].user_agent, "probe/1");
    }
}
