#!/usr/bin/env python3
"""Time and peak memory of Quire (release build) on a megabyte or so of
one construct at a time: the inputs that used to be slow or unbounded.
Each is built to EPUB and PDF; the median of several runs is reported,
with the peak resident memory GNU time measures.

    python3 benches/hostile.py [--runs N]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=3)
args = ap.parse_args()

subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)
quire = os.path.join(root, "target", "release", "quire")

work = tempfile.mkdtemp(prefix="quire-hostile-")
words = " ".join(["alpha", "bravo", "charlie", "delta", "echo"] * 40)
cases = {
    "one 200,000-letter word": "# W\n\n" + "a" * 200_000 + "\n",
    "10,000 headings": "# H\n\n" + "".join(f"## Heading\n\nText {i}.\n\n" for i in range(10_000)),
    "20,000 links": "# L\n\n" + "".join(f"[link {i}](https://example.com/{i}) " for i in range(20_000)) + "\n",
    "5,000 footnotes": "# N\n\n" + "".join(f"Word[^n{i}] " for i in range(5_000)) + "\n\n"
    + "".join(f"[^n{i}]: Note {i}.\n" for i in range(5_000)),
    "20,000 table rows": "# T\n\n| a | b |\n|---|---|\n" + "".join(f"| r{i} | v{i} |\n" for i in range(20_000)),
    "a 3,000-word table cell": "# T\n\n| A | B |\n|---|---|\n| " + " ".join([words] * 15) + " | b |\n",
    "a 100,000-character code line": "# C\n\n```\n" + "x" * 100_000 + "\n```\n",
    "120 nested lists": "# L\n\n" + "".join("  " * i + f"- item {i}\n" for i in range(120)),
    "1,500 nested quotes (refused)": "# Q\n\n" + ">" * 1500 + " x\n",
    "100,000 nested [ in YAML (refused)": "---\ntitle: " + "[" * 100_000 + "\n---\n\n# Y\n",
}

print(f"{'input':38} {'size':>8} {'median s':>9} {'peak MB':>8} exit")
for name, text in cases.items():
    path = os.path.join(work, "case.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    times, peaks, status = [], [], None
    for _ in range(args.runs):
        report = os.path.join(work, "time.txt")
        t = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report, quire, "build", path,
                            "-o", os.path.join(work, "out")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
        peaks.append(int(open(report).read().split()[-1]) / 1024)
        status = r.returncode
    print(f"{name:38} {len(text) / 1e6:7.2f}M {statistics.median(times):9.2f} {max(peaks):8.0f} {status}")
