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
