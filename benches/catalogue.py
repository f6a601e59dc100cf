#!/usr/bin/env python3
"""A catalogue of 20 titles built by one `quire build --catalogue --jobs 2`
against 20 separate `quire build` processes, one after another (the shell
loop a catalogue took before), and against the same 20 processes two at
a time (`xargs -P 2`). Each title is a technical book of 8,000 words with
three figures (benches/corpus.py). Every run starts from an empty picture
cache, so each way does the same work. Prints medians and ratios; the
machine is small and noisy, so read the ratios.

    python3 benches/catalogue.py [--runs N] [--titles N] [--words N]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--titles", type=int, default=20)
ap.add_argument("--words", type=int, default=8000)
ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "quire-catalogue"))
args = ap.parse_args()

subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)
quire = os.path.join(root, "target", "release", "quire")
os.makedirs(args.work, exist_ok=True)
titles = []
for i in range(1, args.titles + 1):
    out = os.path.join(args.work, f"title-{i:02}")
    if not os.path.exists(os.path.join(out, "book.toml")):
        subprocess.run([sys.executable, os.path.join(here, "corpus.py"), "tech", out,
                        str(args.words), "3"], check=True, stdout=subprocess.DEVNULL)
    titles.append(out)
listing = os.path.join(args.work, "catalogue.txt")
with open(listing, "w") as f:
    f.write("\n".join(os.path.basename(t) for t in titles) + "\n")


def timed(cmd, shell=False):
    cache = os.path.join(args.work, "cache")
    out = os.path.join(args.work, "out")
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, QUIRE_CACHE_DIR=cache)
    t = time.perf_counter()
    subprocess.run(cmd, shell=shell, env=env, check=True, cwd=args.work,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    made = len(os.listdir(out))
    if made != 2 * len(titles):
        sys.exit(f"{cmd}: made {made} files, not {2 * len(titles)}")
    return wall


ways = {
    "one process, --catalogue --jobs 2": lambda: timed(
        [quire, "build", "--catalogue", listing, "--jobs", "2", "-q", "-o", "out"]),
    "20 processes, one after another": lambda: timed(
        " ; ".join(f"{quire} build -q -o out {os.path.basename(t)}" for t in titles), shell=True),
    "20 processes, two at a time (xargs -P 2)": lambda: timed(
        f"xargs -P 2 -I{{}} {quire} build -q -o out {{}} < {listing}", shell=True),
}
results = {name: [] for name in ways}
for _ in range(args.runs):
    for name, way in ways.items():
        results[name].append(way())
base = statistics.median(results["one process, --catalogue --jobs 2"])
print(f"{len(titles)} titles of {args.words:,} words with 3 figures each, EPUB + PDF, "
      f"{os.cpu_count()} cores, medians of {args.runs}")
print(f"| way | median | vs the catalogue |\n|---|---|---|")
for name, walls in results.items():
    m = statistics.median(walls)
    print(f"| {name} | {m:.2f} s | {m / base:.2f}× |")
