#!/usr/bin/env python3
"""Writes a large sample book for benchmarks: CHAPTERS chapters of about
WORDS words each, made by recombining the sentences of the bundled seed
article in a fixed pseudo-random order (the same book every time), with a
heading, a footnote and a block quote now and then, as real books have.

    make_corpus.py OUT_DIR [CHAPTERS] [WORDS]
"""
import os
import random
import re
import sys

out = sys.argv[1]
chapters = int(sys.argv[2]) if len(sys.argv) > 2 else 40
words = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
here = os.path.dirname(os.path.abspath(__file__))
text = open(os.path.join(here, "..", "manuscripts", "seed-article.txt"), encoding="utf-8").read()
sentences = [s.strip() for s in re.split(r"(?<=[.?!”])\s+", text) if len(s.split()) > 4]
rng = random.Random(1914)
os.makedirs(out, exist_ok=True)
names = []
for c in range(1, chapters + 1):
    name = f"chapter-{c:02}.md"
    names.append(name)
    body = [f"# Chapter {c}\n"]
    count = 0
    para = 0
    while count < words:
        n = rng.randint(3, 7)
        p = " ".join(rng.choice(sentences) for _ in range(n))
        para += 1
        if para % 9 == 0:
            body.append(f"## Part {para // 9}\n")
        if para % 13 == 0:
            p += f"[^n{para}]"
            body.append(p + "\n")
            body.append(f"[^n{para}]: {rng.choice(sentences)}\n")
        elif para % 17 == 0:
            body.append("> " + p + "\n")
        else:
            body.append(p + "\n")
        count += len(p.split())
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write("\n".join(body))
with open(os.path.join(out, "book.toml"), "w", encoding="utf-8") as f:
    f.write("chapters = [" + ", ".join(f'"{n}"' for n in names) + "]\n\n[book]\ntitle = \"A Long Book\"\nauthors = [\"Quire Benchmarks\"]\ndate = \"2026-01-01\"\n")
print(f"{chapters} chapters, about {chapters * words} words, in {out}")
