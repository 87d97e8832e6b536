//! Reading pages that are not in the page cache: the kernel is asked to read the rest of
//! the site ahead of the parser, many files at a time.
//!
//! The parse stage runs one thread per core, and each reads its next file when it gets to
//! it. With the files in the page cache (a second run, or a checkout just made), a read
//! is a copy. Without (the first run of the day, or a machine that evicted them), each
//! read waits for the disk, one file per thread at a time, and the cores sit idle. On a
//! 2-core VM with a virtio disk, a 10,000-page `check` right after
//! `echo 3 > /proc/sys/vm/drop_caches` took 1.69-1.73 s reading file by file, and
//! 0.81-0.82 s reading ahead; with the files cached, 0.54 s either way.
//!
//! So each page's first read is one that the kernel refuses rather than wait for the
//! disk (`preadv2` with `RWF_NOWAIT`, Linux). The first time it is refused (or stops
//! short of the file's length), [`ReadAhead`] starts a few threads that go through every
//! file of the site, asking the kernel to start reading it
//! (`posix_fadvise(POSIX_FADV_WILLNEED)`): they keep many reads in flight, and the parser
//! finds its files read or on their way. With the files cached, that first read is the
//! only one, and a page costs four system calls (`std::fs::read` makes five).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use crate::discover::FoundFile;

/// Threads that ask for files ahead: each waits on the disk for a file's metadata when
/// it opens it, so a few keep the disk's queue full.
const THREADS: usize = 8;

/// The files of one parse stage, read ahead once one of them is found not cached.
/// Dropping it stops the threads it started (each at its next file).
#[derive(Debug)]
pub(crate) struct ReadAhead<'a> {
    files: &'a [FoundFile],
    started: OnceLock<Arc<Shared>>,
}

/// What the threads share: the files' paths, the next one to ask for, and whether to stop.
#[derive(Debug)]
struct Shared {
    paths: Vec<PathBuf>,
    next: AtomicUsize,
    stop: AtomicBool,
}

impl<'a> ReadAhead<'a> {
    /// Reading ahead of `files` (in the order the parser goes through them), not started.
    pub(crate) fn new(files: &'a [FoundFile]) -> ReadAhead<'a> {
        ReadAhead {
            files,
            started: OnceLock::new(),
        }
    }

    /// Whether the threads were started (a file was found not cached).
    #[cfg(test)]
    pub(crate) fn started(&self) -> bool {
        self.started.get().is_some()
    }

    /// Starts the threads, the first time only. Where no thread can be started, files are
    /// read as they come.
    fn start(&self) {
        self.started.get_or_init(|| {
            let shared = Arc::new(Shared {
                paths: self.files.iter().map(|f| f.disk_path.clone()).collect(),
                next: AtomicUsize::new(0),
                stop: AtomicBool::new(false),
            });
            for _ in 0..THREADS {
                let shared = Arc::clone(&shared);
                let _ = std::thread::Builder::new()
                    .name("ladder-readahead".into())
                    .spawn(move || shared.run());
            }
            shared
        });
    }

    /// The bytes of the file at `path`. When they are not in the page cache, the threads
    /// are started first (then this read waits for the disk, as it would have).
    ///
    /// A cached file takes four system calls: open, `fstat` for its length, one read that
    /// must not wait (`preadv2` with `RWF_NOWAIT`) into room for a byte more than that,
    /// and close. Getting exactly the length means the whole file was read (one more byte
    /// would have shown that it grew); anything else is read on with plain reads until
    /// the end. (`std::fs::read` makes five: open, `fstat`, the read, a read that finds
    /// the end, close. A probe before it made eight, with `File::read_to_end`'s own
    /// `fstat` and `lseek`: `strace`.) The room is zeroed first, as `preadv2` takes
    /// initialized buffers.
    ///
    /// Errors: the `std::io::Error` of opening or reading the file.
    pub(crate) fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let mut file = File::open(path)?;
        let size = file.metadata().map_or(0, |m| m.len() as usize);
        let mut bytes = vec![0u8; size + 1];
        let got = match read_cached(&file, &mut bytes) {
            Cached::Read(n) if n == size => {
                bytes.truncate(n);
                return Ok(bytes);
            }
            // It grew since `fstat`: read on.
            Cached::Read(n) if n > size => n,
            // It stopped short of the length: the rest has to come from the disk.
            Cached::Read(n) => {
                self.start();
                n
            }
            Cached::Refused => {
                self.start();
                0
            }
            Cached::Unknown => 0,
        };
        bytes.truncate(got);
        file.seek(SeekFrom::Start(got as u64))?;
        file.read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

impl Drop for ReadAhead<'_> {
    fn drop(&mut self) {
        if let Some(shared) = self.started.get() {
            shared.stop.store(true, Ordering::Relaxed);
        }
    }
}

impl Shared {
    /// Asks the kernel to read file after file, until every file was asked for or the
    /// parse stage is over. Best effort: a file that cannot be opened is skipped (the
    /// parser reports it).
    fn run(&self) {
        while !self.stop.load(Ordering::Relaxed) {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = self.paths.get(i) else { break };
            if let Ok(file) = File::open(path) {
                will_need(&file);
            }
        }
    }
}

/// What a read that must not wait for the disk gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cached {
    /// This many bytes: up to the end of the file, or of what the page cache holds.
    Read(usize),
    /// Nothing: the start of the file has to come from the disk.
    Refused,
    /// Nothing, and no telling (another error, or not Linux).
    Unknown,
}

/// Reads the start of `file` into `buf`, as far as the page cache holds it, without
/// waiting for the disk: `preadv2` with `RWF_NOWAIT` (Linux 4.14 and later; elsewhere,
/// or when the file system cannot tell, [`Cached::Unknown`]).
#[cfg(target_os = "linux")]
fn read_cached(file: &File, buf: &mut [u8]) -> Cached {
    use rustix::io::{Errno, IoSliceMut, ReadWriteFlags, preadv2};
    match preadv2(file, &mut [IoSliceMut::new(buf)], 0, ReadWriteFlags::NOWAIT) {
        Ok(n) => Cached::Read(n),
        Err(Errno::AGAIN) => Cached::Refused,
        Err(_) => Cached::Unknown,
    }
}

#[cfg(not(target_os = "linux"))]
fn read_cached(_: &File, _: &mut [u8]) -> Cached {
    Cached::Unknown
}

/// Asks the kernel to start reading all of `file` into the page cache, without waiting.
#[cfg(target_os = "linux")]
fn will_need(file: &File) {
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::WillNeed);
}

#[cfg(not(target_os = "linux"))]
fn will_need(_: &File) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(dir: &Path, names: &[&str]) -> Vec<FoundFile> {
        names
            .iter()
            .map(|n| {
                let disk_path = dir.join(n);
                std::fs::write(&disk_path, format!("# {n}\n")).unwrap();
                FoundFile {
                    rel_path: n.to_string(),
                    disk_path,
                }
            })
            .collect()
    }

    #[test]
    fn cached_files_are_read_without_reading_ahead() {
        let dir = tempfile::tempdir().unwrap();
        let files = found(dir.path(), &["a.md", "b.md"]);
        let ahead = ReadAhead::new(&files);
        // Just written: in the page cache.
        assert_eq!(ahead.read(&files[0].disk_path).unwrap(), b"# a.md\n");
        assert_eq!(ahead.read(&files[1].disk_path).unwrap(), b"# b.md\n");
        assert!(!ahead.started());
    }

    /// Writes the file at `path` to the disk and drops it from the page cache (where the
    /// file system can: not on tmpfs).
    fn evict(path: &Path) -> File {
        let file = File::open(path).unwrap();
        file.sync_all().unwrap();
        #[cfg(target_os = "linux")]
        let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed);
        file
    }

    #[test]
    fn a_file_not_in_the_page_cache_starts_reading_ahead() {
        let dir = tempfile::tempdir().unwrap();
        let files = found(dir.path(), &["a.md", "b.md", "probe.md"]);
        evict(&files[0].disk_path);
        // Whether evicting works here, seen on another file (a probe may start reading
        // the file it probes).
        if read_cached(&evict(&files[2].disk_path), &mut [0; 1]) != Cached::Refused {
            eprintln!(
                "skipped: {} cannot drop a file from the page cache",
                dir.path().display()
            );
            return;
        }
        let ahead = ReadAhead::new(&files);
        assert_eq!(ahead.read(&files[0].disk_path).unwrap(), b"# a.md\n");
        assert!(ahead.started());
        assert_eq!(ahead.read(&files[1].disk_path).unwrap(), b"# b.md\n");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_cached_only_in_part_starts_reading_ahead_and_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let text: Vec<u8> = (0..8 << 20).map(|i| b'a' + (i % 26) as u8).collect();
        let path = dir.path().join("half.md");
        std::fs::write(&path, &text).unwrap();
        let files = vec![FoundFile {
            rel_path: "half.md".into(),
            disk_path: path.clone(),
        }];
        // Its second half written out and dropped from the page cache (8 MiB: the kernel
        // keeps a small file's pages in one folio, dropped whole or not at all).
        let file = File::open(&path).unwrap();
        file.sync_all().unwrap();
        let _ = rustix::fs::fadvise(&file, 4 << 20, None, rustix::fs::Advice::DontNeed);
        let mut buf = vec![0; text.len() + 1];
        if !matches!(read_cached(&file, &mut buf), Cached::Read(n) if n < text.len()) {
            eprintln!(
                "skipped: {} cannot drop part of a file from the page cache",
                dir.path().display()
            );
            return;
        }
        // Again, a few times: the probe above (or the last try) may have started the
        // kernel reading it back, and pages still being read are not dropped (with other
        // tests running, a single try failed about one run in three).
        let tries = 5;
        let started = (0..tries).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            let _ = rustix::fs::fadvise(&file, 4 << 20, None, rustix::fs::Advice::DontNeed);
            let ahead = ReadAhead::new(&files);
            assert_eq!(ahead.read(&path).unwrap(), text);
            ahead.started()
        });
        assert!(started, "the read-ahead did not start in {tries} tries");
    }

    #[test]
    fn files_of_any_length_are_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let lengths = [0, 1, 4095, 4096, 4097, 65_536, 200_001];
        let files: Vec<FoundFile> = lengths
            .iter()
            .map(|&n| {
                let disk_path = dir.path().join(format!("{n}.md"));
                let text: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
                std::fs::write(&disk_path, text).unwrap();
                FoundFile {
                    rel_path: format!("{n}.md"),
                    disk_path,
                }
            })
            .collect();
        let ahead = ReadAhead::new(&files);
        for round in 0..2 {
            for (f, &n) in files.iter().zip(&lengths) {
                let bytes = ahead.read(&f.disk_path).unwrap();
                assert_eq!(bytes.len(), n, "{n} bytes, round {round}");
                assert!(
                    bytes
                        .iter()
                        .enumerate()
                        .all(|(i, &b)| b == b'a' + (i % 26) as u8)
                );
            }
            // Then again, reading ahead.
            ahead.start();
        }
    }

    #[test]
    fn reading_ahead_reads_nothing_wrong_and_stops() {
        let dir = tempfile::tempdir().unwrap();
        let names: Vec<String> = (0..50).map(|i| format!("p{i}.md")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut files = found(dir.path(), &names);
        files.push(FoundFile {
            rel_path: "gone.md".into(),
            disk_path: dir.path().join("gone.md"),
        });
        let ahead = ReadAhead::new(&files);
        ahead.start();
        assert!(ahead.started());
        for (f, n) in files.iter().zip(&names) {
            assert_eq!(
                ahead.read(&f.disk_path).unwrap(),
                format!("# {n}\n").as_bytes()
            );
        }
        let err = ahead.read(&files[50].disk_path).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        let shared = Arc::clone(ahead.started.get().unwrap());
        drop(ahead);
        assert!(shared.stop.load(Ordering::Relaxed));
    }
}
