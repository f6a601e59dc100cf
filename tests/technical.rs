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
