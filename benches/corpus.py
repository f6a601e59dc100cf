#!/usr/bin/env python3
"""Writes benchmark books, each both as a Quire project (Markdown and
book.toml) and as the same book in typst markup (book.typ), so that the
tools set the same text on the same page.

    corpus.py tech  OUT_DIR WORDS FIGURES   a technical book: prose, code
                                            blocks, tables, footnotes and
                                            figures (PNG and JPEG photos and
                                            diagrams of 0.3 to 6 megapixels,
                                            some PNGs with transparency)
    corpus.py novel OUT_DIR WORDS           a novel: chapters of prose,
                                            scene breaks, footnotes

The text is the sentences of the bundled seed article recombined in a
fixed pseudo-random order, so a given size is the same book every time.
Pictures are drawn with Pillow and kept between runs (a picture of a given
number is always the same).
"""
import os
import random
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
seed = open(os.path.join(here, "..", "manuscripts", "seed-article.txt"), encoding="utf-8").read()
SENTENCES = [s.strip() for s in re.split(r"(?<=[.?!”])\s+", seed) if len(s.split()) > 4]
WORDS_PER_CHAPTER = 6000

CODE = [
    ("rust", """fn parse_line(line: &str) -> Result<Record, ParseError> {
    let mut fields = line.split(',');
    let name = fields.next().ok_or(ParseError::Missing("name"))?;
    let count: u32 = fields
        .next()
        .ok_or(ParseError::Missing("count"))?
        .trim()
        .parse()
        .map_err(ParseError::Number)?;
    Ok(Record { name: name.to_string(), count })
}"""),
    ("python", """def histogram(words):
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    # The most frequent first, ties in alphabetical order.
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))"""),
    ("c", """static size_t count_lines(const char *buf, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\\n') {
            n++;
        }
    }
    return n;
}"""),
    ("sh", """for f in chapters/*.md; do
    wc -w "$f"
done | sort -n | tail -5"""),
]


def typst_escape(s):
    return re.sub(r'([\\#$*_@<>\[\]`~"\'/=-])', r"\\\1", s)


def picture(path, number):
    """Figure `number`: sizes from 0.3 to 6 megapixels; JPEG photographs,
    PNG diagrams, every fifth PNG with transparency."""
    if os.path.exists(path):
        return
    from PIL import Image, ImageDraw, ImageFilter
    rng = random.Random(number)
    mp = [0.3, 0.8, 1.5, 2.5, 4.0, 6.0][number % 6]
    w = int((mp * 1e6 * 1.5) ** 0.5)
    h = int(mp * 1e6 / w)
    if path.endswith(".jpg"):
        # A photograph: smooth gradients, shapes and grain.
        small = Image.new("RGB", (64, 48))
        small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(64 * 48)])
        img = small.resize((w, h), Image.BICUBIC).filter(ImageFilter.GaussianBlur(3))
        noise = Image.effect_noise((w, h), 18).convert("RGB")
        img = Image.blend(img, noise, 0.12)
        img.save(path, quality=88)
    else:
        alpha = number % 5 == 0
        img = Image.new("RGBA" if alpha else "RGB", (w, h), (255, 255, 255, 0) if alpha else "white")
        d = ImageDraw.Draw(img)
        for _ in range(40):
            x0, y0 = rng.randrange(w), rng.randrange(h)
            x1, y1 = x0 + rng.randrange(w // 3 + 1), y0 + rng.randrange(h // 3 + 1)
            col = (rng.randrange(200), rng.randrange(200), rng.randrange(200), 255)
            if rng.random() < 0.5:
                d.rectangle([x0, y0, x1, y1], outline=col, width=max(2, w // 400))
            else:
                d.line([x0, y0, x1, y1], fill=col, width=max(2, w // 300))
        img.save(path, optimize=False)


def paragraph(rng):
    return " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(3, 7)))


def write_book(out, kind, words, figures):
    os.makedirs(out, exist_ok=True)
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    rng = random.Random(1914)
    chapters = max(1, round(words / WORDS_PER_CHAPTER))
    per_chapter = words / chapters
    names, typst = [], [
        '#set page(width: 6in, height: 9in, margin: (inside: 0.66in, outside: 0.84in, top: 0.76in, bottom: 0.96in))',
        '#set text(font: "Charis SIL", size: 10pt, lang: "en", hyphenate: true)',
        '#set par(justify: true, first-line-indent: 1.5em, leading: 0.65em, spacing: 0.65em)',
        '#show raw: set text(font: "DejaVu Sans Mono", size: 8.5pt)',
        '#show heading.where(level: 1): it => { pagebreak(weak: true); v(4em); text(size: 19pt, weight: "regular", it.body); v(2em) }',
    ]
    figure_no = 0
    # Figures spread evenly through the book.
    every = words / figures if figures else None
    next_figure = every / 2 if every else float("inf")
    written = 0
    for c in range(1, chapters + 1):
        name = f"chapter-{c:03}.md"
        names.append(name)
        md = [f"# Chapter {c}\n"]
        typst.append(f"= Chapter {c}")
        count, para = 0, 0
        while count < per_chapter:
            para += 1
            p = paragraph(rng)
            n = len(p.split())
            if kind == "tech" and para % 7 == 0:
                lang, code = CODE[para % len(CODE)]
                md.append(f"```{lang}\n{code}\n```\n")
                typst.append(f"```{lang}\n{code}\n```")
            if kind == "tech" and para % 23 == 0:
                rows = [(f"item {para}-{i}", str(rng.randrange(1000)), rng.choice(SENTENCES).split()[0]) for i in range(5)]
                md.append("| Name | Count | Note |\n|---|---:|---|\n" + "\n".join(f"| {a} | {b} | {c_} |" for a, b, c_ in rows) + "\n")
                cells = ", ".join(f"[{typst_escape(x)}]" for row in rows for x in row)
                typst.append(f"#table(columns: 3, [Name], [Count], [Note], {cells})")
            if para % 11 == 0:
                md.append(f"## Section {para // 11}\n")
                typst.append(f"== Section {para // 11}")
            if para % 13 == 0:
                note = rng.choice(SENTENCES)
                md.append(f"{p}[^n{para}]\n\n[^n{para}]: {note}\n")
                typst.append(typst_escape(p) + "#footnote[" + typst_escape(note) + "]")
            elif kind == "novel" and para % 40 == 0:
                md.append("* * *\n")
                typst.append("#align(center)[\\* \\* \\*]")
                md.append(p + "\n")
                typst.append(typst_escape(p))
            else:
                md.append(p + "\n")
                typst.append(typst_escape(p))
            count += n
            written += n
            while written >= next_figure and figure_no < figures:
                figure_no += 1
                next_figure += every
                ext = "jpg" if figure_no % 2 else "png"
                img = f"images/fig-{figure_no:04}.{ext}"
                picture(os.path.join(out, img), figure_no)
                caption = rng.choice(SENTENCES)[:80]
                md.append(f"![{caption}]({img})\n")
                typst.append(f'#figure(image("{img}", width: 100%), caption: [{typst_escape(caption)}])')
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write("\n".join(md))
    with open(os.path.join(out, "book.toml"), "w", encoding="utf-8") as f:
        f.write("chapters = [" + ", ".join(f'"{n}"' for n in names) + "]\n\n")
        f.write(f'[book]\ntitle = "A {"Technical Book" if kind == "tech" else "Novel"} of {words} Words"\n')
        f.write('authors = ["Quire Benchmarks"]\ndate = "2026-01-01"\n')
    with open(os.path.join(out, "book.typ"), "w", encoding="utf-8") as f:
        f.write("\n\n".join(typst) + "\n")
    return chapters, figure_no


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] not in ("tech", "novel"):
        sys.exit(__doc__)
    kind, out, words = sys.argv[1], sys.argv[2], int(sys.argv[3])
    figures = int(sys.argv[4]) if kind == "tech" and len(sys.argv) > 4 else 0
    chapters, figs = write_book(out, kind, words, figures)
    print(f"{kind}: {chapters} chapters, about {words} words, {figs} figures, in {out}")
