#!/usr/bin/env python3
"""Quire against typst on the same long book, in one run.

Builds a ~200,000-word book (benches/make_corpus.py), sets it with Quire
(release build: EPUB and PDF, and PDF alone) and with typst (the PyPI
package, same text, same Charis SIL, same 6x9in page and type size), and
reports median wall times over several runs, their ratio, peak memory of
Quire, and the typography of both PDFs as ../shared/tools/typo_quality.py
measures it. The machine is small and noisy: read the ratios, not the
absolute times.

Quire is measured as it sets a book by default (margin protrusion and
font expansion on) and with both off (`[style] protrusion = false`,
`expansion = 0`). The tool reads glyph boxes with mutool, which reports a
line set with horizontal scaling (`Tz`, font expansion) at a slightly
different type size; a tool whose size test leaves such lines out of its
sample is measured again with a copy that allows for them (the "all
lines" columns); one that allows for them itself gives the same figures
in both.

    python3 benches/compare.py [--runs N] [--typst-runs N] [--words-per-chapter N]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=7)
ap.add_argument("--typst-runs", type=int, default=3)
ap.add_argument("--chapters", type=int, default=40)
ap.add_argument("--words-per-chapter", type=int, default=5000)
ap.add_argument("--quality-tool", default=os.path.join(root, "..", "shared", "tools", "typo_quality.py"))
args = ap.parse_args()

work = tempfile.mkdtemp(prefix="quire-bench-")
book = os.path.join(work, "book")
subprocess.run([sys.executable, os.path.join(here, "make_corpus.py"), book, str(args.chapters), str(args.words_per_chapter)], check=True)
subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)
quire = os.path.join(root, "target", "release", "quire")


def timed(cmd, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


out = os.path.join(work, "out")
q_both, _ = timed([quire, "build", book, "-o", out], args.runs)
q_pdf, _ = timed([quire, "build", book, "--to", "pdf", "-o", out], args.runs)
q_epub, _ = timed([quire, "build", book, "--to", "epub", "-o", out], args.runs)
# Peak memory of one full build, measured in a fresh process so that no
# earlier child (cargo, say) counts.
probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stderr=subprocess.DEVNULL);"
         " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
peak_mb = int(subprocess.run([sys.executable, "-c", probe, quire, "build", book, "-o", out],
                             check=True, capture_output=True, text=True).stdout) / 1024


def typst_escape(s):
    return re.sub(r'([\\#$*_@<>\[\]`~"\'/=-])', r"\\\1", s)


def to_typst(book_dir):
    """The same book in typst markup: headings, paragraphs, block quotes, footnotes."""
    toml = open(os.path.join(book_dir, "book.toml"), encoding="utf-8").read()
    chapters = re.findall(r'"(chapter-\d+\.md)"', toml)
    parts = [
        '#set page(width: 6in, height: 9in, margin: (inside: 0.66in, outside: 0.84in, top: 0.76in, bottom: 0.96in))',
        '#set text(font: "Charis SIL", size: 10pt, lang: "en", hyphenate: true)',
        '#set par(justify: true, first-line-indent: 1.5em, leading: 0.65em, spacing: 0.65em)',
        '#show heading.where(level: 1): it => { pagebreak(weak: true); v(4em); text(size: 19pt, weight: "regular", it.body); v(2em) }',
    ]
    for name in chapters:
        text = open(os.path.join(book_dir, name), encoding="utf-8").read()
        notes = dict(re.findall(r"^\[\^(\w+)\]: (.*)$", text, re.M))
        for block in text.split("\n\n"):
            block = block.strip()
            if not block or block.startswith("[^"):
                continue
            def body(s):
                out, pos = [], 0
                for m in re.finditer(r"\[\^(\w+)\]", s):
                    out.append(typst_escape(s[pos:m.start()]))
                    out.append("#footnote[" + typst_escape(notes.get(m.group(1), "")) + "]")
                    pos = m.end()
                out.append(typst_escape(s[pos:]))
                return "".join(out)
            if block.startswith("## "):
                parts.append("== " + typst_escape(block[3:]))
            elif block.startswith("# "):
                parts.append("= " + typst_escape(block[2:]))
            elif block.startswith("> "):
                parts.append("#quote(block: true)[" + body(block[2:]) + "]")
            else:
                parts.append(body(block))
    return "\n\n".join(parts)


typ = os.path.join(work, "book.typ")
open(typ, "w", encoding="utf-8").write(to_typst(book))
typst_pdf = os.path.join(work, "typst.pdf")
fonts = os.path.join(root, "fonts")
typst_cmd = [sys.executable, "-c",
             f"import typst; typst.compile({typ!r}, output={typst_pdf!r}, font_paths=[{fonts!r}])"]
t_typst, _ = timed(typst_cmd, args.typst_runs)


def quality(pdf):
    r = subprocess.run([sys.executable, args.quality_tool, pdf, "--json", pdf + ".json"],
                       capture_output=True, text=True, check=True)
    return json.load(open(pdf + ".json"))


def quality_all_lines(pdf):
    tool = open(args.quality_tool, encoding="utf-8").read()
    patched = tool.replace("abs(ch[3] - body_size) < 0.06", "abs(ch[3] - body_size) < 0.012 * body_size")
    if patched == tool:
        # The tool's own size test now allows for expanded lines: it
        # counts every line as it is.
        return quality(pdf)
    path = os.path.join(work, "typo_quality_all_lines.py")
    open(path, "w", encoding="utf-8").write(patched)
    subprocess.run([sys.executable, path, pdf, "--json", pdf + ".all.json"],
                   capture_output=True, text=True, check=True)
    return json.load(open(pdf + ".all.json"))


plain = os.path.join(work, "plain")
if not os.path.exists(plain):
    import shutil
    shutil.copytree(book, plain)
    with open(os.path.join(plain, "book.toml"), "a", encoding="utf-8") as f:
        f.write("\n[style]\nprotrusion = false\nexpansion = 0\n")
plain_out = os.path.join(work, "plain-out")
subprocess.run([quire, "build", plain, "--to", "pdf", "-o", plain_out], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
qq = quality(os.path.join(out, "book.pdf"))
qa = quality_all_lines(os.path.join(out, "book.pdf"))
qp = quality(os.path.join(plain_out, "plain.pdf"))
tq = quality(typst_pdf)
ta = quality_all_lines(typst_pdf)
words = args.chapters * args.words_per_chapter
print(f"\nbook: {args.chapters} chapters, about {words} words")
print(f"quire EPUB+PDF  median {q_both:.3f}s  (runs: {args.runs})")
print(f"quire PDF       median {q_pdf:.3f}s")
print(f"quire EPUB      median {q_epub:.3f}s")
print(f"typst PDF       median {t_typst:.3f}s  (runs: {args.typst_runs})")
print(f"ratio typst PDF / quire PDF: {t_typst / q_pdf:.1f}x")
print(f"quire peak memory: {peak_mb:.0f} MB")
keys = ["justified_lines", "gap_em_median", "gap_em_p95", "gap_em_max", "hyphenated_line_frac",
        "max_consecutive_hyphens", "overfull_lines"]
print(f"\n{'measure':28} {'quire':>10} {'all lines':>10} {'quire off':>10} {'typst':>10} {'all lines':>10}")
for k in keys + ["ragged_lines_in_paragraphs"]:
    print(f"{k:28} {qq.get(k)!s:>10} {qa.get(k)!s:>10} {qp.get(k)!s:>10} {tq.get(k)!s:>10} {ta.get(k)!s:>10}")
