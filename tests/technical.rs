//! Technical books: drawings, code and the HTML real manuscripts carry,
//! judged by poppler (pdfimages, pdftotext), qpdf and EPUBCheck.

mod common;
use common::*;
use std::ffi::OsStr;

const DIAGRAM: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" viewBox="0 0 400 160">
  <defs><marker id="a" markerWidth="10" markerHeight="10" refX="9" refY="5" orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="#224"/></marker></defs>
  <rect x="10" y="10" width="120" height="60" rx="8" fill="#dde" stroke="#224" stroke-width="2"/>
  <text x="70" y="46" text-anchor="middle" font-size="16" font-family="serif">Parser</text>
  <path d="M130 40 L260 40" stroke="#224" stroke-width="2" marker-end="url(#a)"/>
  <rect x="260" y="10" width="120" height="60" rx="8" fill="#ede" stroke="#224" stroke-width="2"/>
  <text x="320" y="46" text-anchor="middle" font-size="16" font-family="monospace">Model</text>
  <text x="200" y="120" text-anchor="middle" font-size="14" font-style="italic">Tokens become blocks</text>
</svg>
"##;

#[test]
fn svg_figures_are_drawn_as_vectors_with_their_text() {
    let dir = project(&[
        (
            "book.md",
            b"---\ntitle: Drawings\n---\n\n# Pictures\n\nThe pipeline:\n\n![The pipeline](img/diagram.svg)\n\nAfter the figure.\n",
        ),
        ("img/diagram.svg", DIAGRAM),
    ]);
    let out = dir.path().join("out");
    let input = dir.path().join("book.md");
    let (r, pdf) = build_pdf(&input, &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let check = tool("qpdf", &[OsStr::new("--check"), pdf.as_os_str()]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // The only raster image is the generated cover: the drawing is paths.
    let images = tool_text("pdfimages", &[OsStr::new("-list"), pdf.as_os_str()]);
    let rows: Vec<&str> = images.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "{images}");
    assert!(
        rows[0].trim_start().starts_with("1 "),
        "on the cover page: {images}"
    );
    // Its words are text, in the book's faces.
    let text = pdftotext(&pdf, None);
    for w in [
        "Parser",
        "Model",
        "Tokens become blocks",
        "After the figure.",
    ] {
        assert!(text.contains(w), "{w} in {text}");
    }
    let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
    assert!(fonts.contains("CharisSIL-Italic"), "{fonts}");
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes yes ")),
        "every font embedded as a subset: {fonts}"
    );
    // Byte for byte the same when built again (the converter keeps some
    // of its tables in hash order; the book must not).
    let first = std::fs::read(&pdf).unwrap();
    for _ in 0..2 {
        let (r, again) = build_pdf(&input, &out, &["--layout", "book"]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        assert!(std::fs::read(&again).unwrap() == first, "the PDF changed");
    }
    // The EPUB keeps the SVG itself.
    let (r, epub) = build_epub(&input, &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    assert!(epub_names(&epub).iter().any(|n| n.ends_with(".svg")));
}

#[test]
fn an_svg_the_pdf_cannot_draw_is_an_error_at_its_line() {
    let dir = project(&[
        ("a.md", b"# A\n\nText.\n\n![Broken](b.svg)\n"),
        ("b.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"></svg>"),
    ]);
    let r = run(quire()
        .current_dir(dir.path())
        .args(["build", "a.md", "-o", "dist"]));
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(r.stderr.contains("a.md:5:1: error"), "{}", r.stderr);
    assert!(r.stderr.contains("[svg-invalid]"), "{}", r.stderr);
    assert!(!dir.path().join("dist").exists() || listing(&dir.path().join("dist")).is_empty());
}

/// The pages (from 1) that the links on page `page` of a PDF go to, read
/// from its link annotations with qpdf.
fn link_target_pages(pdf: &std::path::Path, page: usize) -> Vec<usize> {
    let json = tool_text("qpdf", &[OsStr::new("--json"), pdf.as_os_str()]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let objects = &v["qpdf"][1];
    let page_ids: Vec<String> = v["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["object"].as_str().unwrap().to_string())
        .collect();
    let val = |x: &serde_json::Value| -> serde_json::Value {
        match x.as_str() {
            Some(r) if r.ends_with(" R") => objects[format!("obj:{r}")]["value"].clone(),
            _ => x.clone(),
        }
    };
    let annots = val(&val(&serde_json::Value::String(page_ids[page - 1].clone()))["/Annots"]);
    annots
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| {
            let d = val(&val(a)["/A"])["/D"].clone();
            Some(
                page_ids
                    .iter()
                    .position(|p| Some(p.as_str()) == d[0].as_str())?
                    + 1,
            )
        })
        .collect()
}

/// The distinct CMYK fill colours set in a PDF's page content.
fn fill_colours(pdf: &std::path::Path) -> std::collections::BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    let qdf = dir.path().join("q.pdf");
    let out = tool(
        "qpdf",
        &[
            OsStr::new("--qdf"),
            OsStr::new("--object-streams=disable"),
            pdf.as_os_str(),
            qdf.as_os_str(),
        ],
    );
    assert!(out.status.code().is_some_and(|c| c == 0 || c == 3));
    let bytes = std::fs::read(&qdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .filter(|l| l.ends_with(" k"))
        .map(|l| l.trim().to_string())
        .collect()
}

const TEN_LANGUAGES: &str = r#"---
title: Ten Languages
---

# Code

```rust
fn main() { let x: u32 = 1; println!("{x}"); } // rust
```

```python
def f(x): return None  # python
```

```toml
[package]
name = "quire"
```

```sh
for f in *.md; do echo "$f"; done
```

```json
{"a": [1, true, null]}
```

```yaml
title: A book # yaml
```

```html
<a href="x">link</a>
```

```c
#include <stdio.h>
int main(void) { return 0; }
```

```js
const x = await fetch("u"); // js
```

```sql
SELECT name FROM users WHERE id = 3;
```

```klingon
Qapla' batlh
```

```{.python .numberLines startFrom="10"}
x = 1
y = 2
```
"#;

#[test]
fn code_is_highlighted_in_both_formats_and_can_be_numbered() {
    let dir = project(&[("code.md", TEN_LANGUAGES.as_bytes())]);
    let input = dir.path().join("code.md");
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(&input, &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("klingon"),
        "an unknown language is no news: {}",
        r.stderr
    );
    let colours = fill_colours(&pdf);
    assert!(colours.len() >= 3, "{colours:?}");
    // Keywords bold: the bold code face is on the page.
    let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
    assert!(fonts.contains("DejaVuSansMono-Bold"), "{fonts}");
    let text = pdftotext(&pdf, None);
    assert!(text.contains("Qapla' batlh"), "plain code is kept: {text}");
    assert!(
        text.contains("10 x = 1") && text.contains("11 y = 2"),
        "{text}"
    );

    let (r, epub) = build_epub(&input, &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    let doc = epub_names(&epub)
        .iter()
        .filter(|n| n.ends_with(".xhtml"))
        .map(|n| epub_file(&epub, n))
        .find(|d| d.contains("<pre"))
        .unwrap();
    for class in [
        "hl-kw", "hl-st", "hl-co", "hl-nu", "hl-li", "hl-at", "hl-ta",
    ] {
        assert!(doc.contains(&format!("class=\"{class}\"")), "{class}");
    }
    assert!(
        !doc.contains("style=\"color"),
        "classes, not inline colours"
    );
    assert!(doc.contains("<pre class=\"numbered\" style=\"counter-reset: line 9\">"));
    assert!(doc.contains("Qapla' batlh") || doc.contains("Qapla&#39; batlh"));

    // Turned off, the code is plain in both.
    let plain = TEN_LANGUAGES.replace(
        "title: Ten Languages",
        "title: Plain\nstyle:\n  highlight: false",
    );
    std::fs::write(&input, plain).unwrap();
    let (r, pdf) = build_pdf(&input, &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(fill_colours(&pdf).is_empty(), "{:?}", fill_colours(&pdf));
    let (r, epub) = build_epub(&input, &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let all: String = epub_names(&epub)
        .iter()
        .filter(|n| n.ends_with(".xhtml"))
        .map(|n| epub_file(&epub, n))
        .collect();
    assert!(!all.contains("hl-kw"));
}

#[test]
fn safe_inline_html_is_kept_and_anchors_are_link_targets() {
    let dir = project(&[
        ("book.toml", b"chapters = [\"one.md\", \"two.md\"]\n[book]\ntitle = \"HTML\"\n"),
        (
            "one.md",
            b"# Getting Started\n\n<a id=\"install\"></a>\n\nPress <kbd>Ctrl</kbd>+<kbd>C</kbd> in <span class=\"filename\">src/main.rs</span>; \
              <abbr title=\"HyperText Markup Language\">HTML</abbr>, <code>fn <em>main</em></code>, <mark>marked</mark>, \
              H<sub>2</sub>O, <q>quoted</q>.\n\n<div class=\"note\">\n\nInside a div.\n\n</div>\n\n<center>Centred text</center>\n\n\
              <video src=\"a.mp4\"></video> <video src=\"b.mp4\"></video> <iframe src=\"c\"></iframe>\n\n\
              <details>\n<summary>Show the answer</summary>\n\nThe answer is 42.\n\n</details>\n",
        ),
        (
            "two.md",
            b"# More\n\nBack to [installation](one.md#install) and [later](#later).\n\nSome words.\n\n<a name=\"later\">Later</a> text.\n",
        ),
    ]);
    let out = dir.path().join("out");
    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // What cannot be kept: one warning a kind, with how often.
    assert_eq!(
        r.stderr.matches("[html-dropped]").count(),
        2,
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("one.md:15:1: warning: raw HTML tag <video> dropped (2 times in this file)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("link-dropped"), "{}", r.stderr);
    assert_valid(&epub);
    let one = epub_file(&epub, "OEBPS/ch01.xhtml");
    for kept in [
        "<kbd>Ctrl</kbd>",
        "<span class=\"filename\">src/main.rs</span>",
        "<abbr title=\"HyperText Markup Language\">HTML</abbr>",
        "<code>fn <em>main</em></code>",
        "<mark>marked</mark>",
        "<sub>2</sub>",
        "<q>quoted</q>",
        "id=\"install\"",
        "Inside a div.",
        "Centred text",
        "<strong>Show the answer</strong>",
        "The answer is 42.",
    ] {
        assert!(one.contains(kept), "{kept} in {one}");
    }
    let two = epub_file(&epub, "OEBPS/ch02.xhtml");
    assert!(two.contains("href=\"ch01.xhtml#install\""), "{two}");
    assert!(
        two.contains("href=\"#later\"") && two.contains("id=\"later\""),
        "{two}"
    );

    let (r, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let text = pdftotext(&pdf, None);
    for kept in [
        "Press Ctrl+C in src/main.rs",
        "main, marked",
        "\u{201C}quoted\u{201D}",
        "Inside a div.",
        "Centred text",
    ] {
        assert!(text.contains(kept), "{kept} in {text}");
    }
    // The links go to the pages of their targets.
    let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
    assert!(
        fonts.contains("DejaVuSansMono"),
        "keys in the code face: {fonts}"
    );
    let pages = pdf_pages(&pdf);
    let page_of = |needle: &str| {
        (1..=pages)
            .find(|&p| {
                pdftotext(&pdf, Some(p)).contains(needle)
                    && !pdftotext(&pdf, Some(p)).contains(". . .")
            })
            .unwrap()
    };
    let (one_page, two_page) = (page_of("Press Ctrl"), page_of("Back to"));
    let targets = link_target_pages(&pdf, two_page);
    assert!(targets.contains(&one_page), "{targets:?} {one_page}");
    assert!(targets.contains(&two_page), "{targets:?} {two_page}");
}

#[test]
fn figures_and_tables_are_numbered_by_chapter_and_referenced() {
    let dir = project(&[
        ("book.toml", b"chapters = [\"a.md\", \"b.md\"]\n[book]\ntitle = \"Refs\"\n"),
        ("diagram.svg", DIAGRAM),
        (
            "a.md",
            b"# First\n\nAs [@fig:pipe] shows and @tbl:sizes lists; see also [](#fig:pipe).\n\n\
              ![The pipeline](diagram.svg){#fig:pipe}\n\n| Size | Pages |\n|---|---|\n| 5x8 | 200 |\n\n\
              Table: Trim sizes {#tbl:sizes}\n\nUnknown: [@fig:nothing]. Mail a@fig:x is no reference.\n",
        ),
        (
            "b.md",
            b"# Second\n\nBack to [@fig:pipe]; here [@fig:two].\n\n![Another](diagram.svg){#fig:two}\n",
        ),
    ]);
    let out = dir.path().join("out");
    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("a.md:13:1: warning: nothing is labelled `fig:nothing`"),
        "{}",
        r.stderr
    );
    assert_valid(&epub);
    let a = epub_file(&epub, "OEBPS/ch01.xhtml");
    assert!(
        a.contains("<a href=\"#fig-pipe\">Figure\u{a0}1.1</a> shows"),
        "{a}"
    );
    assert!(
        a.contains("<a href=\"#tbl-sizes\">Table\u{a0}1.1</a> lists"),
        "{a}"
    );
    assert!(a.contains("<figure id=\"fig-pipe\">"), "{a}");
    assert!(
        a.contains(
            "<caption><span class=\"caption-label\">Table\u{a0}1.1</span>: Trim sizes</caption>"
        ),
        "{a}"
    );
    assert!(a.contains("Mail a@fig:x is no reference"), "{a}");
    let b = epub_file(&epub, "OEBPS/ch02.xhtml");
    assert!(
        b.contains("<a href=\"ch01.xhtml#fig-pipe\">Figure\u{a0}1.1</a>"),
        "{b}"
    );
    assert!(b.contains("Figure\u{a0}2.1"), "{b}");

    let (r, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let text = pdftotext(&pdf, None);
    for s in [
        "As Figure 1.1 shows and Table 1.1 lists",
        "Figure 1.1: The pipeline",
        "Table 1.1: Trim sizes",
        "Back to Figure 1.1; here Figure 2.1.",
        "Figure 2.1: Another",
    ] {
        assert!(text.replace('\u{a0}', " ").contains(s), "{s} in {text}");
    }
    // The reference in chapter two links to the page of the figure.
    let pages = pdf_pages(&pdf);
    let figure_page = (1..=pages)
        .find(|&p| pdftotext(&pdf, Some(p)).contains("The pipeline"))
        .unwrap();
    let back_page = (1..=pages)
        .find(|&p| pdftotext(&pdf, Some(p)).contains("Back to"))
        .unwrap();
    let targets = link_target_pages(&pdf, back_page);
    assert!(
        targets.contains(&figure_page),
        "{targets:?} → {figure_page}"
    );
}

#[test]
fn math_is_mathml_in_the_epub_and_typeset_in_the_pdf() {
    let dir = project(&[
        (
            "m.md",
            b"# Calculus\n\nThe integral $\\int_0^\\infty e^{-x^2}\\,dx$ converges, and\n\n$$\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6}$$\n\n```math\nA = \\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}\n```\n\nIt costs $5 and $10, which is not math.\n".as_slice(),
        ),
        ("bad.md", b"# Bad\n\nHere $a + \\foo{b}$ is unknown.\n".as_slice()),
    ]);
    let out = dir.path().join("out");
    let (r, epub) = build_epub(&dir.path().join("m.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("math"),
        "the EPUB sets it all: {}",
        r.stderr
    );
    assert_valid(&epub);
    let doc = epub_file(&epub, "OEBPS/ch01.xhtml");
    assert_eq!(doc.matches("<math xmlns=").count(), 3, "{doc}");
    assert!(
        doc.contains("alttext=\"\\int_0^\\infty e^{-x^2}\\,dx\""),
        "{doc}"
    );
    assert!(
        doc.contains("<munderover>"),
        "limits under and over a displayed sum"
    );
    assert!(doc.contains("<mfrac>") && doc.contains("<mtable>"), "{doc}");
    assert!(doc.contains("It costs $5 and $10"), "{doc}");
    let opf = epub_file(&epub, "OEBPS/content.opf");
    assert!(
        opf.contains(
            "href=\"ch01.xhtml\" media-type=\"application/xhtml+xml\" properties=\"mathml\""
        ),
        "{opf}"
    );

    // The PDF typesets it with the bundled math face.
    let (r, pdf) = build_pdf(&dir.path().join("m.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
    assert!(fonts.contains("+DejaVuMathTeXGyre-Regular"), "{fonts}");
    let text = pdftotext(&pdf, None);
    for source in ["\\int", "\\frac", "\\sum", "$$", "^{", "begin"] {
        assert!(!text.contains(source), "{source} in {text}");
    }
    assert!(text.contains("It costs $5 and $10"), "{text}");
    let words = &page_words(&pdf)[0];
    let at = |w: &str| -> (f64, f64) {
        let (_, x0, y0, _, _) = words
            .iter()
            .find(|(t, ..)| t == w)
            .unwrap_or_else(|| panic!("{w} not on the page: {words:?}"));
        (*x0, *y0)
    };
    // The displayed sum: its limits above and below it, and each
    // fraction's numerator over its denominator.
    let (sum_x, sum_y) = at("∑");
    let (inf_x, inf_y) = words
        .iter()
        .filter(|(t, ..)| t == "∞")
        .map(|(_, x0, y0, ..)| (*x0, *y0))
        .find(|(_, y)| *y > at("integral").1 + 10.0)
        .expect("the sum's upper limit");
    assert!(inf_y < sum_y - 5.0 && (inf_x - sum_x).abs() < 10.0);
    assert!(at("n=1").1 > sum_y + 8.0, "{words:?}");
    assert!(at("π").1 < at("6").1 - 8.0 && (at("π").0 - at("6").0).abs() < 8.0);
    // The matrix: two rows, a over c and b over d.
    assert!((at("a").0 - at("c").0).abs() < 2.0 && at("c").1 > at("a").1 + 8.0);
    assert!((at("b").0 - at("d").0).abs() < 2.0 && at("d").1 > at("b").1 + 8.0);
    // The superscript is smaller and raised.
    let sup = words
        .iter()
        .find(|(t, ..)| t == "−x")
        .expect("e's exponent");
    let e = words.iter().find(|(t, ..)| t == "e").expect("e");
    assert!(
        sup.4 - sup.2 < (e.4 - e.2) * 0.85 && sup.4 < e.4,
        "{sup:?} {e:?}"
    );
    // Two fraction rules, drawn as filled rectangles on the page.
    let qdf = dir.path().join("q.pdf");
    tool(
        "qpdf",
        &[
            OsStr::new("--qdf"),
            OsStr::new("--object-streams=disable"),
            pdf.as_os_str(),
            qdf.as_os_str(),
        ],
    );
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).to_string();
    assert_eq!(raw.lines().filter(|l| l.ends_with(" re")).count(), 2);

    // A command Quire does not read is an error at its place, in check too.
    let r = run(quire().current_dir(dir.path()).args(["check", "bad.md"]));
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("bad.md:3:11: error: unknown command `\\foo` [math-invalid]"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_code_block_a_little_too_wide_is_set_smaller_instead_of_wrapping() {
    // At A4 the code measure holds 66 characters: 73 is a little too
    // many, 130 far too many.
    let slightly = format!("let x = \"{}\";", "a".repeat(62));
    let far = format!("let y = \"{}\";", "b".repeat(118));
    let md = format!("# Code\n\n```rust\n{slightly}\n```\n\n```rust\n{far}\n```\n");
    let dir = project(&[("c.md", md.as_bytes())]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(&dir.path().join("c.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("[code-wrapped]").count(),
        1,
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("c.md:7:"),
        "the far one wraps: {}",
        r.stderr
    );
    let text = pdftotext(&pdf, None);
    assert!(text.contains(&slightly), "on one line: {text}");
    // Turned off, both wrap.
    let md = format!("---\ntitle: C\nstyle:\n  code-shrink: 0\n---\n\n{md}");
    std::fs::write(dir.path().join("c.md"), md).unwrap();
    let (r, _) = build_pdf(&dir.path().join("c.md"), &out, &[]);
    assert_eq!(
        r.stderr.matches("[code-wrapped]").count(),
        2,
        "{}",
        r.stderr
    );
}

#[test]
fn html_pictures_are_figures_and_images() {
    let dir = project(&[
        (
            "a.md",
            b"# Pictures\n\n<figure>\n  <img src=\"diagram.svg\" alt=\"The pipeline diagram\">\n  <figcaption>From text to pages.</figcaption>\n</figure>\n\nAfter it.\n".as_slice(),
        ),
        ("diagram.svg", DIAGRAM),
        ("b.md", b"# B\n\n<img src=\"gone.png\" alt=\"gone\">\n".as_slice()),
    ]);
    let out = dir.path().join("out");
    let (r, epub) = build_epub(&dir.path().join("a.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("html-dropped"), "{}", r.stderr);
    assert_valid(&epub);
    let doc = epub_file(&epub, "OEBPS/ch01.xhtml");
    assert!(
        doc.contains("<img src=\"images/diagram.svg\" alt=\"The pipeline diagram\"/>"),
        "{doc}"
    );
    assert!(
        doc.contains("<figcaption>From text to pages.</figcaption>"),
        "{doc}"
    );
    let (r, pdf) = build_pdf(&dir.path().join("a.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let text = pdftotext(&pdf, None);
    assert!(
        text.contains("Parser") && text.contains("From text to pages."),
        "{text}"
    );
    // A picture that is not there is an error at its line, as in Markdown.
    let r = run(quire().current_dir(dir.path()).args(["check", "b.md"]));
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("b.md:3:1: error: image not found: gone.png"),
        "{}",
        r.stderr
    );
}

#[test]
fn listings_and_equations_are_numbered_and_referenced() {
    let dir = project(&[(
        "c.md",
        b"# Loops\n\nThe loop in [@lst:main] runs forever, and [@eq:euler] is famous.\n\n```{.rust #lst:main caption=\"The main loop\"}\nloop {\n    step();\n}\n```\n\n$$e^{i\\pi} + 1 = 0$$ {#eq:euler}\n".as_slice(),
    )]);
    let out = dir.path().join("out");
    let input = dir.path().join("c.md");
    let (r, epub) = build_epub(&input, &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    let doc = epub_names(&epub)
        .iter()
        .filter(|n| n.ends_with(".xhtml"))
        .map(|n| epub_file(&epub, n))
        .find(|d| d.contains("The loop in"))
        .unwrap();
    assert!(
        doc.contains("<a href=\"#lst-main\">Listing\u{a0}1.1</a>"),
        "{doc}"
    );
    assert!(
        doc.contains("<a href=\"#eq-euler\">Equation\u{a0}1.1</a>"),
        "{doc}"
    );
    assert!(
        doc.contains("<figure class=\"listing\" id=\"lst-main\">"),
        "{doc}"
    );
    assert!(
        doc.contains("<mtext>(1.1)</mtext>") && doc.contains("<math id=\"eq-euler\""),
        "{doc}"
    );
    let (r, pdf) = build_pdf(&input, &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let text = pdftotext(&pdf, None).replace('\u{a0}', " ");
    assert!(
        text.contains("The loop in Listing 1.1 runs forever, and Equation 1.1 is famous."),
        "{text}"
    );
    assert!(text.contains("Listing 1.1: The main loop"), "{text}");
    assert!(text.contains("(1.1)"), "{text}");
}

#[test]
fn an_html_table_of_simple_cells_is_a_table() {
    let dir = project(&[(
        "t.md",
        b"# Tables\n\n<table>\n  <caption>Keys and what they do</caption>\n  <tr><th>Key</th><th>Action</th></tr>\n  <tr><td><kbd>Ctrl</kbd>+<kbd>S</kbd></td><td>Save the <code>file</code></td></tr>\n  <tr><td><kbd>Ctrl</kbd>+<kbd>Q</kbd></td><td>Quit &amp; close</td></tr>\n</table>\n\nAfter.\n".as_slice(),
    )]);
    let out = dir.path().join("out");
    let (r, epub) = build_epub(&dir.path().join("t.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("html-dropped"), "{}", r.stderr);
    assert_valid(&epub);
    let doc = epub_file(&epub, "OEBPS/ch01.xhtml");
    assert!(
        doc.contains("<caption>Keys and what they do</caption>"),
        "{doc}"
    );
    assert!(
        doc.contains("<tr><th>Key</th><th>Action</th></tr>"),
        "{doc}"
    );
    assert!(
        doc.contains("<td><kbd>Ctrl</kbd>+<kbd>S</kbd></td><td>Save the <code>file</code></td>"),
        "{doc}"
    );
    let (r, pdf) = build_pdf(&dir.path().join("t.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let text = tool_text(
        "pdftotext",
        &[OsStr::new("-layout"), pdf.as_os_str(), OsStr::new("-")],
    );
    let row = text
        .lines()
        .find(|l| l.contains("Ctrl+S"))
        .unwrap_or_default()
        .to_string();
    assert!(row.contains("Save the file"), "cells side by side: {text}");
    assert!(text.contains("Quit & close"), "{text}");
}

/// Words of a text for comparing one output with another: letters and
/// digits only, lower case.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The book in tests/technical-book: a diagram, code in ten languages, a
/// table with code, anchors linked across chapters, scripts, thirty
/// equations and numbered figures, tables, listings and equations.
#[test]
fn the_technical_book_builds_whole_into_both_formats() {
    let book = repo().join("tests/technical-book");
    let out = tempfile::tempdir().unwrap();
    let (r, epub) = build_epub(&book, out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let v = epubcheck(&epub);
    assert_eq!((v.fatals, v.errors, v.warnings), (0, 0, 0), "{}", v.report);
    let (r, pdf) = build_pdf(&book, out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let check = tool("qpdf", &[OsStr::new("--check"), pdf.as_os_str()]);
    assert!(check.status.success());
    // Every word of the EPUB's chapters (math aside) is in the PDF.
    let mut expected = Vec::new();
    for name in epub_names(&epub).iter().filter(|n| n.contains("/ch0")) {
        let doc = epub_file(&epub, name);
        let body = &doc[doc.find("<body").unwrap()..];
        let mut text = String::new();
        let mut rest = body;
        while let Some(start) = rest.find("<math") {
            text.push_str(&rest[..start]);
            rest = &rest[start + rest[start..].find("</math>").unwrap() + 7..];
        }
        text.push_str(rest);
        let mut plain = String::new();
        let mut tag = false;
        for c in text.chars() {
            match c {
                '<' => tag = true,
                '>' => {
                    tag = false;
                    plain.push(' ');
                }
                c if !tag => plain.push(c),
                _ => {}
            }
        }
        expected.extend(words_of(
            &plain
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\""),
        ));
    }
    let got: std::collections::HashSet<String> =
        words_of(&pdftotext(&pdf, None)).into_iter().collect();
    let missing: Vec<&String> = expected.iter().filter(|w| !got.contains(*w)).collect();
    let recall = 1.0 - missing.len() as f64 / expected.len() as f64;
    assert!(recall >= 0.99, "recall {recall:.3}, missing {missing:?}");
    // The diagram is drawn, not pasted: the only raster is the cover.
    let images = tool_text("pdfimages", &[OsStr::new("-list"), pdf.as_os_str()]);
    assert_eq!(images.lines().count(), 3, "{images}");
    // Highlighted code in colour.
    assert!(fill_colours(&pdf).len() >= 3);
    // Thirty equations typeset, none left as its source.
    let all = pdftotext(&pdf, None);
    for source in ["\\frac", "\\int", "\\begin", "$$"] {
        assert!(!all.contains(source), "{source}");
    }
    assert!(all.contains('∑') && all.contains('∫') && all.contains('√'));
    let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
    assert!(fonts.contains("+DejaVuMathTeXGyre-Regular"), "{fonts}");
    // Cross-references read their numbers.
    let text = pdftotext(&pdf, None)
        .replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for r in [
        "in Figure 1.1 turns",
        "and Table 1.1 lists",
        "such as Equation 3.1",
        "Listing 2.1 is the smallest",
        "Back to the pipeline and Figure 1.1.",
    ] {
        assert!(text.contains(r), "{r}");
    }
}

#[test]
fn long_formulas_break_at_relations_and_operators_and_never_silently_overrun() {
    let sum: Vec<String> = (1..=30).map(|i| format!("b_{{{i}}}")).collect();
    let long = sum.join(" + ");
    let text =
        format!("# Sums\n\nThe inline sum ${long} = s$ is long.\n\n$$\\frac{{{long}}}{{2}}$$\n");
    let dir = project(&[("s.md", text.as_bytes())]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(&dir.path().join("s.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // The inline sum breaks across lines inside the measure.
    let words = &page_words(&pdf)[0];
    let end = words
        .iter()
        .find(|w| w.0 == "long.")
        .expect("the sentence's end");
    let lines = &page_lines(&pdf)[0];
    let right = lines
        .iter()
        .filter(|l| l.y <= end.2 + 1.0)
        .map(|l| l.x1)
        .fold(0.0, f64::max);
    let heading = lines.iter().map(|l| l.x0).fold(f64::MAX, f64::min);
    // Within the text block (A4, as wide on the right as on the left).
    assert!(right <= 595.0 - heading + 1.0, "{lines:?}");
    let first = words.iter().find(|w| w.0 == "sum").expect("the sentence");
    assert!(
        end.2 > first.2 + 20.0,
        "the formula takes lines of its own: {first:?} {end:?}"
    );
    // A fraction as wide has nowhere to break: said, with what it is.
    assert!(
        r.stderr
            .contains("s.md:5: warning: the formula `b1+b2+b3+b4")
            && r.stderr
                .contains("pt wider than the line, with no relation or operator to break at"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_math_face_without_a_math_table_is_refused_where_it_is_named() {
    let charis = std::fs::read(repo().join("fonts/CharisSIL-Regular.ttf")).unwrap();
    let dir = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"M\"\n\n[fonts]\nmath = \"type/charis.ttf\"\n".as_slice(),
        ),
        ("type/charis.ttf", charis.as_slice()),
        ("one.md", b"# One\n\n$x^2$\n".as_slice()),
    ]);
    let r = run(quire().current_dir(dir.path()).args(["check", "."]));
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "book.toml:5:8: error: font `type/charis.ttf`: it has no OpenType MATH table"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_figure_inside_a_definition_is_numbered_and_referenced() {
    let dir = project(&[
        ("diagram.svg", DIAGRAM),
        (
            "terms.md",
            b"# Terms\n\nSee @fig:tree.\n\nTree\n:   A drawing of one:\n\n    ![A tree](diagram.svg){#fig:tree}\n",
        ),
    ]);
    let out = dir.path().join("out");
    let (r, epub) = build_epub(&dir.path().join("terms.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("nothing is labelled"), "{}", r.stderr);
    let text = epub_file(&epub, "OEBPS/ch01.xhtml");
    assert!(
        text.contains("See <a href=\"#fig-tree\">Figure\u{a0}1</a>."),
        "{text}"
    );
    assert!(
        text.contains("<span class=\"caption-label\">Figure\u{a0}1</span>"),
        "{text}"
    );
}
