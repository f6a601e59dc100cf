#!/usr/bin/env python3
"""Quire's speed and memory against pandoc (EPUB) and typst (PDF, the PyPI
package), in one run on one machine.

Writes the benchmark books (benches/corpus.py): a 180,000-word technical
book with 46 figures, a novel of 300,000 words, and technical books of
10k, 100k, 300k and 1M words with figures in proportion (200 at 1M) for
the cost curve; then times whole processes, several runs each, and prints
medians, peak memory (the child's maxrss), CPU utilisation ((user + sys)
/ wall; 200% is both cores busy) and the ratios. The machine is small and
noisy: read the medians and the ratios.

    python3 benches/speed.py [--runs N] [--other-runs N] [--no-curve] [--no-others]
"""
import argparse
import os
import platform
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
ap.add_argument("--other-runs", type=int, default=3)
ap.add_argument("--no-curve", action="store_true")
ap.add_argument("--no-others", action="store_true", help="time Quire alone")
ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "quire-speed"))
args = ap.parse_args()

subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)
quire = os.path.join(root, "target", "release", "quire")
fonts = os.path.join(root, "fonts")
os.makedirs(args.work, exist_ok=True)


def corpus(kind, name, words, figures=0):
    out = os.path.join(args.work, name)
    if not os.path.exists(os.path.join(out, "book.typ")):
        cmd = [sys.executable, os.path.join(here, "corpus.py"), kind, out, str(words)]
        if kind == "tech":
            cmd.append(str(figures))
        subprocess.run(cmd, check=True)
    return out


def once(cmd, cwd=None):
    """Wall time, peak memory (MB) and CPU seconds of one process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if status != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, ru.ru_maxrss / 1024, ru.ru_utime + ru.ru_stime


def timed(cmd, runs, cwd=None):
    results = [once(cmd, cwd) for _ in range(runs)]
    wall = statistics.median(r[0] for r in results)
    peak = max(r[1] for r in results)
    cpu = statistics.median(r[2] / r[0] for r in results)
    return wall, peak, cpu


# Quire's cache of converted images and covers lives in the work
# directory, so that neither the user's cache nor an earlier run counts.
os.environ["QUIRE_CACHE_DIR"] = os.path.join(args.work, "cache")


def quire_cmd(book, out, to=None, cold=False):
    """A build; `cold` without the cache (a first build), otherwise a
    rebuild that finds its converted images in the cache."""
    cmd = [quire, "build", book, "-o", out]
    if cold:
        cmd.append("--no-cache")
    if to:
        cmd += ["--to", to]
    return cmd


def pandoc_cmd(book, out):
    toml = open(os.path.join(book, "book.toml"), encoding="utf-8").read()
    chapters = sorted(f for f in os.listdir(book) if f.startswith("chapter-"))
    title = toml.split('title = "')[1].split('"')[0]
    return ["pandoc", "--metadata", f"title={title}", "-o", out, *chapters]


def typst_cmd(book, out):
    typ = os.path.join(book, "book.typ")
    return [sys.executable, "-c",
            f"import typst; typst.compile({typ!r}, output={out!r}, font_paths=[{fonts!r}])"]


rows = []


def row(label, wall, peak, cpu, note=""):
    rows.append((label, wall, peak, cpu, note))
    print(f"{label:58} {wall:7.3f} s {peak:6.0f} MB {cpu * 100:5.0f}% {note}", flush=True)


out = os.path.join(args.work, "out")
print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
      f"{platform.system()} {platform.release()}")
print(f"{'':58} {'median':>9} {'peak':>9} {'cpu':>6}")

seed_dir = os.path.join(args.work, "seed")
os.makedirs(seed_dir, exist_ok=True)
shutil.copy(os.path.join(root, "manuscripts", "seed-article.txt"), seed_dir)
seed = os.path.join(seed_dir, "seed-article.txt")
row("seed article (1,000 words), Quire EPUB + PDF, first build",
    *timed(quire_cmd(seed, out, cold=True), args.runs * 3))
timed(quire_cmd(seed, out), 1)  # fills the cache
w, p, c = timed(quire_cmd(seed, out), args.runs * 3)
row("seed article, Quire EPUB + PDF, rebuild", w, p, c)
if not args.no_others:
    pw, pp, pc = timed(["pandoc", "-o", os.path.join(out, "seed.epub"), seed], args.other_runs * 3)
    row("seed article, pandoc EPUB", pw, pp, pc, f"{pw / w:.1f}x Quire's time")

tech = corpus("tech", "tech-180k", 180_000, 46)
row("technical, 180k words, 46 figures, Quire EPUB + PDF, first build",
    *timed(quire_cmd(tech, out, cold=True), args.runs))
timed(quire_cmd(tech, out), 1)  # fills the cache
qb = timed(quire_cmd(tech, out), args.runs)
row("  ... Quire EPUB + PDF, rebuild", *qb)
qe = timed(quire_cmd(tech, out, "epub"), args.runs)
row("  ... Quire EPUB alone", *qe)
qp = timed(quire_cmd(tech, out, "pdf"), args.runs)
row("  ... Quire PDF alone", *qp)
if not args.no_others:
    pe = timed(pandoc_cmd(tech, os.path.join(out, "pandoc.epub")), args.other_runs, cwd=tech)
    row("  ... pandoc EPUB", *pe, f"{pe[0] / qb[0]:.1f}x Quire's EPUB + PDF time")
    tp = timed(typst_cmd(tech, os.path.join(out, "typst.pdf")), args.other_runs)
    row("  ... typst PDF", *tp, f"{tp[0] / qb[0]:.1f}x Quire's EPUB + PDF time")

novel = corpus("novel", "novel-300k", 300_000)
nb = timed(quire_cmd(novel, out), args.runs)
row("novel, 300k words, Quire EPUB + PDF", *nb)
if not args.no_others:
    tn = timed(typst_cmd(novel, os.path.join(out, "typst-novel.pdf")), args.other_runs)
    row("  ... typst PDF", *tn, f"{tn[0] / nb[0]:.1f}x Quire's EPUB + PDF time")

if not args.no_curve:
    print("\ncost curve, technical books with figures in proportion, Quire EPUB + PDF:")
    base = None
    for words, figures in [(10_000, 2), (100_000, 20), (300_000, 60), (1_000_000, 200)]:
        book = corpus("tech", f"tech-{words // 1000}k", words, figures)
        timed(quire_cmd(book, out), 1)  # fills the cache
        r = timed(quire_cmd(book, out), max(3, args.runs - 2))
        per = r[0] / words * 1e6
        base = base or per
        row(f"  {words:>9,} words, {figures:3} figures", *r, f"{per:.2f} s per million words")
