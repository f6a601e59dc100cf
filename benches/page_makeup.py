#!/usr/bin/env python3
"""Page makeup of a book's PDF, measured from the file as a prepress
review would: spreads whose facing pages end on different baselines, and
chapters whose last page holds fewer than five lines.

    python3 benches/page_makeup.py BOOK.pdf [--list | --json]

Lines come from MuPDF's structured text (`mutool draw -F stext`: each
character's origin is on its baseline), grouped by baseline; the running
head (the line most pages open with) and the folio (a lone number at the
foot) are not text. A page's depth is its last text baseline. Chapters
start at the pages the PDF's top-level bookmarks name; the page before a
chapter's start (or the book's last page) is that chapter's last page,
which ends where its text ends and is not held to its facing page. Pages
before the first chapter and blank pages are passed over. Spreads pair
page 2 with 3, 4 with 5, … (page 1 is a right-hand page).
"""
import collections
import html
import json
import re
import subprocess
import sys

FOLIO = re.compile(r"^([0-9]+|[ivxlcdm]+)$", re.I)
CHAR = re.compile(r' y="([-0-9.]+)"[^>]* c="([^"]*)"')


def pages_lines(pdf):
    """Each page's lines as (baseline, text), from MuPDF's structured text
    (a character's origin is on its baseline), top to bottom."""
    proc = subprocess.Popen(["mutool", "draw", "-q", "-F", "stext", "-o", "-", pdf],
                            stdout=subprocess.PIPE, text=True, bufsize=1 << 20)
    pages = []
    line = None
    for raw in proc.stdout:
        if raw.startswith("<page "):
            pages.append([])
        elif raw.startswith("<line "):
            line = [None, []]
        elif raw.startswith("<char ") and line is not None:
            m = CHAR.search(raw)
            if m:
                if line[0] is None:
                    line[0] = float(m.group(1))
                line[1].append(html.unescape(m.group(2)))
        elif raw.startswith("</line>") and line is not None:
            if line[0] is not None and "".join(line[1]).strip():
                pages[-1].append((line[0], "".join(line[1])))
            line = None
    if proc.wait() != 0:
        raise SystemExit(f"mutool could not read {pdf}")
    out = []
    for p in pages:
        merged = []
        for y, t in sorted(p):
            if merged and abs(merged[-1][0] - y) < 1.0:
                merged[-1] = (merged[-1][0], merged[-1][1] + " " + t)
            else:
                merged.append((y, t))
        out.append(merged)
    return out


def chapter_starts(pdf):
    js = subprocess.run(["qpdf", "--json", "--json-key=outlines", pdf],
                        capture_output=True, text=True, check=True).stdout
    starts = set()
    for item in json.loads(js).get("outlines", []):
        page = item.get("destpageposfrom1")
        if page:
            starts.add(page)
        # A part's chapters are chapters too.
        for kid in item.get("kids", []):
            if kid.get("destpageposfrom1") and item.get("destpageposfrom1") != kid.get(
                    "destpageposfrom1") and len(item.get("kids", [])) > 0 and \
                    item["title"].lower().startswith(("part", "book ")):
                starts.add(kid["destpageposfrom1"])
    return starts


def measure(pdf):
    pages = pages_lines(pdf)
    starts = chapter_starts(pdf)
    heads = collections.Counter(round(p[0][0]) for p in pages if p)
    head_y = heads.most_common(1)[0][0] if heads else None
    text = []  # per page: list of (baseline, text) of its text lines
    for p in pages:
        lines = list(p)
        if lines and FOLIO.match(lines[-1][1].strip()):
            lines.pop()
        if lines and head_y is not None and abs(lines[0][0] - head_y) < 1.5:
            lines.pop(0)
        text.append(lines)
    first = min(starts) if starts else 1
    n = len(pages)
    ends = set()
    for s in sorted(starts):
        p = s - 1
        while p >= 1 and not text[p - 1]:
            p -= 1
        if p >= first:
            ends.add(p)
    last = n
    while last >= 1 and not text[last - 1]:
        last -= 1
    ends.add(last)
    body = [i for i in range(1, n + 1) if i >= first and text[i - 1]]
    unequal = []
    for v in range(2, n, 2):
        r = v + 1
        if v not in body or r not in body or v in ends or r in ends:
            continue
        dv, dr = text[v - 1][-1][0], text[r - 1][-1][0]
        if abs(dv - dr) > 1.0:
            unequal.append((v, r, round(dv, 1), round(dr, 1)))
    short_ends = [(p, len(text[p - 1])) for p in sorted(ends)
                  if p in body and len(text[p - 1]) < 5 and p not in starts]
    return {"pages": n, "spreads": len([v for v in range(2, n, 2) if v in body and v + 1 in body
                                        and v not in ends and v + 1 not in ends]),
            "unequal": unequal, "short_ends": short_ends}


if __name__ == "__main__":
    r = measure(sys.argv[1])
    if "--json" in sys.argv:
        print(json.dumps(r))
        sys.exit(0)
    print(f"{sys.argv[1]}: {r['pages']} pages, {r['spreads']} spreads held to equal depth, "
          f"{len(r['unequal'])} unequal, {len(r['short_ends'])} chapter last pages under 5 lines")
    if "--list" in sys.argv:
        for u in r["unequal"]:
            print(f"  spread {u[0]}/{u[1]}: last baselines {u[2]} / {u[3]}")
        for p, k in r["short_ends"]:
            print(f"  page {p}: a chapter's last page with {k} line(s)")
