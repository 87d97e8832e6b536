#!/usr/bin/env python3
"""Writes seed inputs for the resolve_link target in `arbitrary` 1.x's format.

Usage: resolve_link_seeds.py DESTS PATHS OUT_DIR
  DESTS: a file of link destinations, one per line; PATHS: content-relative paths.

`Input` is read by `arbitrary`: each `String` takes its length from the END of the
data (one byte while at most 256 bytes remain) and its bytes from the front; each
`Vec` element is preceded by a `1` byte from the front (`0` ends the list). Seeds are
kept under 256 bytes so every length is one byte.
"""
import random
import sys


class Builder:
    def __init__(self):
        self.front = bytearray()
        self.tail = bytearray()  # consumed from the end: first length read is last byte

    def string(self, s):
        b = s.encode()
        self.tail.append(len(b))
        self.front += b

    def vec(self, items, last=False):
        for s in items:
            self.front.append(1)
            self.string(s)
        if not last:
            self.front.append(0)

    def data(self):
        return bytes(self.front) + bytes(reversed(self.tail))


def main():
    dests_file, paths_file, out = sys.argv[1:4]
    dests = [l.rstrip("\n") for l in open(dests_file) if l.strip()]
    paths = [l.rstrip("\n") for l in open(paths_file) if l.strip()]
    paths += ["index.md", "a/b.md", "/job-families/x/", "/a/index.html", "job-families//x"]
    bases = ["/", "https://about.gitlab.com/", "https://group.gitlab.io/handbook/",
             "/handbook/", "http://localhost:8443/sub/path/"]
    hosts = ["about.gitlab.com", "handbook.gitlab.com", "docs.gitlab.com"]
    heads = ["Senior Backend Engineer", "Requirements", "Job Grade", "Requirements 2",
             "Café & Co", "!!!", "Levels", "requirements-1"]
    rng = random.Random(1)
    n = 0
    for _ in range(400):
        b = Builder()
        b.string(rng.choice(dests))
        b.string(rng.choice(paths))
        b.string(rng.choice(bases))
        b.vec(rng.sample(hosts, rng.randint(0, 2)))
        b.vec(rng.sample(heads, rng.randint(0, 4)))
        b.vec(rng.sample(heads, rng.randint(0, 2)), last=True)
        data = b.data()
        if len(data) <= 256:
            open(f"{out}/seed-{n:03}", "wb").write(data)
            n += 1
    print(f"{n} seeds")


if __name__ == "__main__":
    main()
