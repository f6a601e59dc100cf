//! Print production, judged from the files themselves: page boxes and the
//! PDF/X identification from qpdf's JSON and poppler's pdfinfo, the gutter
//! from where poppler finds the words, the cover's size from its MediaBox,
//! and its barcode read back by zbarimg.

mod common;
use common::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Builds `input` for `target` into `out`: the interior and the cover.
fn print_build(input: &Path, out: &Path, target: &str, extra: &[&str]) -> (Run, PathBuf, PathBuf) {
    let mut args = vec!["--target", target];
    args.extend_from_slice(extra);
    let (r, pdf) = build_pdf(input, out, &args);
    let cover = pdf.with_file_name(format!(
        "{}-cover.pdf",
        pdf.file_stem().unwrap().to_string_lossy()
    ));
    (r, pdf, cover)
}

/// A book of `chapters` chapters of 5,000 words (benches/make_corpus.py)
/// at `at`.
fn made_book(at: &Path, chapters: usize) -> PathBuf {
    let made = std::process::Command::new("python3")
        .arg(repo().join("benches/make_corpus.py"))
        .arg(at)
        .args([chapters.to_string(), "5000".to_string()])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    at.to_path_buf()
}

/// Every page's boxes, from qpdf's JSON: (MediaBox, BleedBox, TrimBox).
fn boxes(pdf: &Path) -> Vec<[[f64; 4]; 3]> {
    let json = tool_text(
        "qpdf",
        &[
            OsStr::new("--json=2"),
            OsStr::new("--json-key=pages"),
            OsStr::new("--json-key=qpdf"),
            pdf.as_os_str(),
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let objects = &v["qpdf"][1];
    let pages = v["pages"].as_array().unwrap();
    pages
        .iter()
        .map(|p| {
            let id = p["object"].as_str().unwrap().replace(" R", "");
            let dict = &objects[format!("obj:{id} R")]["value"];
            let get = |k: &str| -> [f64; 4] {
                let a = dict[k]
                    .as_array()
                    .unwrap_or_else(|| panic!("no {k} on a page"));
                let n: Vec<f64> = a.iter().map(|x| x.as_f64().unwrap()).collect();
                [n[0], n[1], n[2], n[3]]
            };
            [get("/MediaBox"), get("/BleedBox"), get("/TrimBox")]
        })
        .collect()
}

fn pdfinfo(pdf: &Path) -> String {
    tool_text("pdfinfo", &[pdf.as_os_str()])
}

/// KDP's gutter table, inches.
fn kdp_gutter(pages: usize) -> f64 {
    match pages {
        0..=150 => 0.375,
        151..=300 => 0.5,
        301..=500 => 0.625,
        501..=700 => 0.75,
        _ => 0.875,
    }
}

/// The least distance from the spine edge of the trimmed page to a word,
/// over the body pages (not the title page, where text is centred).
fn least_inside_margin(pdf: &Path, boxes: &[[[f64; 4]; 3]]) -> f64 {
    let html = tool_text(
        "pdftotext",
        &[OsStr::new("-bbox"), pdf.as_os_str(), OsStr::new("-")],
    );
    let mut least = f64::MAX;
    let mut page = 0usize;
    for l in html.lines() {
        if l.contains("<page") {
            page += 1;
        } else if l.contains("<word") && page > 4 {
            let attr = |name: &str| -> f64 {
                let i = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                l[i..].split('"').next().unwrap().parse().unwrap()
            };
            let b = boxes[page - 1];
            let media_h = b[0][3];
            let trim = b[2];
            // pdftotext measures from the top left of the MediaBox.
            let (x0, x1) = (attr("xMin"), attr("xMax"));
            let _ = media_h;
            let inside = if page % 2 == 1 {
                x0 - trim[0] // a recto: the spine on the left
            } else {
                trim[2] - x1 // a verso: on the right
            };
            least = least.min(inside);
        }
    }
    least
}

#[test]
fn every_target_makes_an_interior_with_boxes_and_pdfx() {
    let out = tempfile::tempdir().unwrap();
    let manual = manuscripts().join("quire-manual");
    for target in ["kdp", "ingram", "lulu", "print"] {
        let dir = out.path().join(target);
        let (r, pdf, cover) = print_build(&manual, &dir, target, &[]);
        assert_eq!(r.status, 0, "{target}: {}", r.stderr);
        // IngramSpark asks for PDF/X-1a:2001, the others take X-4.
        let pdfx = if target == "ingram" {
            "PDF/X-1:2001"
        } else {
            "PDF/X-4"
        };
        let info = pdfinfo(&pdf);
        assert!(
            info.contains(&format!("PDF subtype:    {pdfx}")),
            "{target}:\n{info}"
        );
        assert!(pdfinfo(&cover).contains(pdfx));
        // No cover page: the first page is the title page, and no image
        // of the cover is in the interior.
        assert!(pdftotext(&pdf, Some(1)).contains("The Quire Manual"));
        let images = tool_text("pdfimages", &[OsStr::new("-list"), pdf.as_os_str()]);
        assert!(
            !images.contains(" 1600  2560 "),
            "{target}: the cover is in the interior:\n{images}"
        );
        // Boxes on every page: trim 6 × 9 in, inside the bleed, inside the page.
        let b = boxes(&pdf);
        assert_eq!(b.len(), pdf_pages(&pdf));
        assert!(b.len().is_multiple_of(2), "an even page count");
        for (i, [media, bleed, trim]) in b.iter().enumerate() {
            let (w, h) = (trim[2] - trim[0], trim[3] - trim[1]);
            assert!(
                (w - 432.0).abs() < 0.072 && (h - 648.0).abs() < 0.072,
                "{target} p{}: trim {w}×{h}",
                i + 1
            );
            assert!(trim[0] >= bleed[0] && trim[2] <= bleed[2] && bleed[2] <= media[2]);
            let outside_bleed = if i % 2 == 0 {
                bleed[2] - trim[2]
            } else {
                trim[0] - bleed[0]
            };
            assert!(
                (outside_bleed - 9.0).abs() < 0.072,
                "0.125 in of bleed outside"
            );
        }
        // The printer's inside margin for this many pages.
        let pages = b.len();
        let least = least_inside_margin(&pdf, &b) / 72.0;
        let needed = match target {
            "ingram" => kdp_gutter(pages).max(0.5),
            "lulu" => 0.7,
            _ => kdp_gutter(pages),
        };
        assert!(
            least >= needed - 0.01,
            "{target}: inside margin {least:.3} in < {needed} in"
        );
        // The output intent and every font embedded.
        let json = tool_text(
            "qpdf",
            &[
                OsStr::new("--json=2"),
                OsStr::new("--json-key=qpdf"),
                pdf.as_os_str(),
            ],
        );
        assert!(
            json.contains("\"/S\": \"/GTS_PDFX\"") && json.contains("/DestOutputProfile"),
            "{target}: no output intent"
        );
        let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
        for line in fonts.lines().skip(2) {
            assert!(
                line.contains(" yes yes "),
                "{target}: a font not embedded: {line}"
            );
        }
    }
}

#[test]
fn a_long_book_gets_the_wider_gutter_and_a_spine() {
    let dir = tempfile::tempdir().unwrap();
    let book = made_book(&dir.path().join("long"), 40);
    let toml = std::fs::read_to_string(book.join("book.toml"))
        .unwrap()
        .replace(
            "[book]",
            "[book]\nisbn = \"978-0-306-40615-7\"\ndescription = \"A long book for the printer.\"",
        );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let out = dir.path().join("out");
    let (r, pdf, cover) = print_build(&book, &out, "kdp", &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let b = boxes(&pdf);
    let pages = b.len();
    assert!(pages > 500 && pages <= 700, "{pages} pages");
    let least = least_inside_margin(&pdf, &b) / 72.0;
    assert!(
        least >= 0.75 - 0.01,
        "inside margin {least:.3} in on {pages} pages"
    );
    // White paper: 2 × 0.125 + 2 × 6 + pages × 0.002252 in.
    let cb = boxes(&cover);
    let width = cb[0][0][2] / 72.0;
    let want = 0.25 + 12.0 + pages as f64 * 0.002252;
    assert!(
        (width - want).abs() < 0.01,
        "cover {width:.3} in, want {want:.3}"
    );
    assert!(((cb[0][0][3] / 72.0) - 9.25).abs() < 0.01);
    // The spine carries the title.
    let spine_text = pdftotext(&cover, None);
    assert!(spine_text.contains("A Long Book"), "{spine_text}");
    // Cream paper: thicker.
    let toml =
        std::fs::read_to_string(book.join("book.toml")).unwrap() + "\n[print]\npaper = \"cream\"\n";
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let (r, _, cover) = print_build(&book, &out, "kdp", &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let width = boxes(&cover)[0][0][2] / 72.0;
    let want = 0.25 + 12.0 + pages as f64 * 0.0025;
    assert!(
        (width - want).abs() < 0.01,
        "cream cover {width:.3} in, want {want:.3}"
    );
}

#[test]
fn the_cover_size_follows_the_page_count_and_its_barcode_reads() {
    let out = tempfile::tempdir().unwrap();
    let (r, pdf, cover) = print_build(&manuscripts().join("quire-manual"), out.path(), "kdp", &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let pages = pdf_pages(&pdf) as f64;
    let media = boxes(&cover)[0][0];
    let (w, h) = (media[2] / 72.0, media[3] / 72.0);
    assert!((w - (0.25 + 12.0 + pages * 0.002252)).abs() < 0.01, "{w}");
    assert!((h - 9.25).abs() < 0.01, "{h}");
    // The barcode reads back as the ISBN.
    let read = barcode(&cover, &out.path().join("cover"));
    assert!(
        read.contains("EAN-13:9780306406157"),
        "zbarimg read: {read}"
    );
}

/// What zbarimg reads on the cover rendered at 300 dpi (as `png`-1.png).
fn barcode(cover: &Path, png: &Path) -> String {
    tool(
        "pdftoppm",
        &[
            OsStr::new("-png"),
            OsStr::new("-r"),
            OsStr::new("300"),
            cover.as_os_str(),
            png.as_os_str(),
        ],
    );
    let page = png.with_file_name(format!(
        "{}-1.png",
        png.file_name().unwrap().to_string_lossy()
    ));
    let scanned = tool("zbarimg", &[OsStr::new("-q"), page.as_os_str()]);
    String::from_utf8_lossy(&scanned.stdout).into_owned()
}

#[test]
fn the_printer_s_rules_are_enforced() {
    // A trim size KDP does not print.
    let dir = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"T\"\n[pdf]\npage-size = \"5x7in\"\n",
        ),
        ("a.md", b"# A\n\nText.\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, pdf, _) = print_build(dir.path(), out.path(), "kdp", &[]);
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("book.toml:4:13: error: Amazon KDP does not print a 5 × 7 in book"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("6x9in"),
        "the sizes it does print are named"
    );
    assert!(!pdf.exists());
    // The same trim is fine for Ingram, and check agrees with build.
    let r = run(quire()
        .arg("check")
        .arg(dir.path())
        .args(["--target", "ingram"]));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let r = run(quire()
        .arg("check")
        .arg(dir.path())
        .args(["--target", "kdp"]));
    assert_eq!(r.status, 1);
    // A book shorter than the printer binds gets blank pages, and says so.
    let (r, pdf, _) = print_build(
        &manuscripts().join("seed-article.txt"),
        out.path(),
        "lulu",
        &[],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("blank pages are added at the end"),
        "{}",
        r.stderr
    );
    assert_eq!(pdf_pages(&pdf), 32);
}

#[test]
fn type_size_and_margins_are_settings() {
    let dir = tempfile::tempdir().unwrap();
    let manual = dir.path().join("m");
    let src = manuscripts().join("quire-manual");
    std::fs::create_dir_all(manual.join("images")).unwrap();
    for e in std::fs::read_dir(&src)
        .unwrap()
        .chain(std::fs::read_dir(src.join("images")).unwrap())
    {
        let p = e.unwrap().path();
        if p.is_file() {
            let rel = p.strip_prefix(&src).unwrap();
            std::fs::copy(&p, manual.join(rel)).unwrap();
        }
    }
    let base = std::fs::read_to_string(manual.join("book.toml")).unwrap();
    let mut counts = Vec::new();
    for size in [9, 12] {
        std::fs::write(
            manual.join("book.toml"),
            format!("{base}\n[style]\nfont-size = {size}\nparagraph = \"space\"\n"),
        )
        .unwrap();
        let (r, pdf) = build_pdf(&manual, &dir.path().join(format!("o{size}")), &[]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        counts.push(pdf_pages(&pdf));
        // The body is set at that size.
        let json = tool_text("pdffonts", &[pdf.as_os_str()]);
        assert!(json.contains("CharisSIL"));
    }
    assert!(
        counts[1] > counts[0],
        "12 pt takes more pages than 9 pt: {counts:?}"
    );
    // A margin below the printer's minimum is widened, with a warning.
    std::fs::write(
        manual.join("book.toml"),
        format!("{base}\n[pdf]\ninside = \"0.2in\"\n"),
    )
    .unwrap();
    let (r, _, _) = print_build(&manual, &dir.path().join("narrow"), "kdp", &[]);
    assert!(
        r.status == 0
            && r.stderr
                .contains("the inside margin of 0.2 in is widened to 0.375 in"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_epub_page_list_follows_the_print_pages() {
    let out = tempfile::tempdir().unwrap();
    let manual = manuscripts().join("quire-manual");
    let r = run(quire()
        .arg("build")
        .arg(&manual)
        .args(["--target", "kdp", "-o"])
        .arg(out.path()));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let epub = out.path().join("quire-manual.epub");
    let pdf = out.path().join("quire-manual.pdf");
    assert_valid(&epub);
    let opf = epub_file(&epub, "OEBPS/content.opf");
    assert!(opf.contains(
        "<meta property=\"pageBreakSource\">urn:isbn:9780306406157 (print edition)</meta>"
    ));
    let nav = epub_file(&epub, "OEBPS/nav.xhtml");
    let list: Vec<(String, String)> = nav
        .split("<nav epub:type=\"page-list\"")
        .nth(1)
        .expect("a page list")
        .split("</nav>")
        .next()
        .unwrap()
        .split("<a href=\"")
        .skip(1)
        .map(|a| {
            let href = a.split('"').next().unwrap().to_string();
            let label = a
                .split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string();
            (href, label)
        })
        .collect();
    assert!(list.len() > 8, "{list:?}");
    // The PDF's folios: the first text page is 1.
    let pdf_pages = pdf_pages(&pdf);
    let front = (1..=pdf_pages)
        .find(|&p| from_title(&pdftotext(&pdf, Some(p))).starts_with("Introduction"))
        .unwrap()
        - 1;
    let words = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .collect()
    };
    for (href, label) in &list {
        let (file, id) = href.split_once('#').unwrap();
        assert_eq!(id, format!("page-{label}"));
        let xhtml = epub_file(&epub, &format!("OEBPS/{file}"));
        let at = xhtml
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no marker {id} in {file}"));
        // What follows the marker, as text.
        let after: String = {
            let rest = &xhtml[at..];
            let rest = &rest[rest.find("</span>").unwrap() + 7..];
            let mut text = String::new();
            let mut tag = false;
            for c in rest.chars().take(2000) {
                match c {
                    '<' => {
                        tag = true;
                        text.push(' ');
                    }
                    '>' => tag = false,
                    c if !tag => text.push(c),
                    _ => {}
                }
            }
            text
        };
        let page: usize = label.parse().unwrap();
        let text = pdftotext(&pdf, Some(front + page));
        // The page's text, its running head and folio taken off.
        let heads = [
            "The Quire Manual",
            "Introduction",
            "Writing a Manuscript",
            "Books and Collections",
            "The Command Line",
            "On Even Spacing",
        ];
        // The running head and folio stand first on the page.
        let body: Vec<String> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .skip_while(|l| l.trim() == label || heads.contains(&l.trim()))
            .flat_map(words)
            .collect();
        // A chapter's opening page begins with its title.
        let whole: Vec<String> = text.lines().flat_map(words).collect();
        let first = words(&after);
        assert!(!first.is_empty() && !body.is_empty());
        // A page that opens with the end of a word carried over begins, in
        // the EPUB, at its first whole word.
        assert!(
            body[..body.len().min(3)].contains(&first[0])
                || whole[..whole.len().min(2)].contains(&first[0]),
            "page {label}: the EPUB marks it before `{}`, the PDF page begins `{}`",
            first[0],
            body[..body.len().min(5)].join(" ")
        );
    }
    // Every chapter's opening page is in the list, with the PDF's folio.
    for (n, chapter) in [
        "Introduction",
        "Writing a Manuscript",
        "Books and Collections",
        "The Command Line",
    ]
    .iter()
    .enumerate()
    {
        let phys = (1..=pdf_pages)
            .find(|&p| from_title(&pdftotext(&pdf, Some(p))).starts_with(chapter))
            .unwrap();
        let folio = phys - front;
        let file = format!("ch{:02}.xhtml", n + 1);
        assert!(
            list.contains(&(format!("{file}#page-{folio}"), folio.to_string())),
            "{chapter} opens on page {folio}: {list:?}"
        );
    }
}

#[test]
fn a_bleed_figure_fills_its_page_into_the_bleed() {
    let words = "alpha bravo charlie delta echo ".repeat(300);
    let text = format!(
        "---\ntitle: Bleed\n---\n\n# Bleed\n\n{words}\n\n![A red field](red.jpg \"Under the picture\"){{.bleed}}\n\n{words}\n"
    );
    let dir = project(&[
        ("a.md", text.as_bytes()),
        ("red.jpg", include_bytes!("images/cover.jpg")),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, pdf, _) = print_build(&dir.path().join("a.md"), out.path(), "print", &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // The page whose text is only the picture's: its corners, in the
    // bleed, are the picture's colour, not paper.
    let pages = pdf_pages(&pdf);
    let page = (1..=pages)
        .find(|&p| pdftotext(&pdf, Some(p)).trim().is_empty())
        .expect("a page with the picture alone");
    let png = out.path().join("p");
    tool(
        "pdftoppm",
        &[
            OsStr::new("-png"),
            OsStr::new("-r"),
            OsStr::new("20"),
            OsStr::new("-f"),
            OsStr::new(&page.to_string()),
            OsStr::new("-l"),
            OsStr::new(&page.to_string()),
            pdf.as_os_str(),
            png.as_os_str(),
        ],
    );
    let file = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .unwrap();
    let img = image::open(file).unwrap().to_rgb8();
    for (x, y) in [(0, 0), (img.width() - 1, img.height() - 1)] {
        let p = img.get_pixel(x, y).0;
        assert!(
            p.iter().any(|&c| c < 200),
            "corner ({x}, {y}) is paper: {p:?}"
        );
    }
    // The caption still reaches the page.
    assert!(pdftotext(&pdf, None).contains("Under the picture"));
    let (r, epub) = build_epub(&dir.path().join("a.md"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(epub_file(&epub, "OEBPS/ch01.xhtml").contains("<figure class=\"bleed\">"));
    assert_valid(&epub);
}

#[test]
fn a_manuscript_names_its_printer_in_front_matter() {
    let words = "alpha bravo charlie delta echo ".repeat(200);
    let text =
        format!("---\ntitle: An Essay\nprint:\n  target: lulu\n  paper: cream\n---\n\n{words}\n");
    let dir = project(&[
        ("essay.md", text.as_bytes()),
        (
            "bad.md",
            b"---\nprint:\n  target: gutenberg\n---\n\nText.\n",
        ),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, pdf) = build_pdf(&dir.path().join("essay.md"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(pdfinfo(&pdf).contains("PDF/X-4"));
    assert!(out.path().join("essay-cover.pdf").is_file());
    // Lulu bleeds on the spine edge too: a recto's trim starts 9pt in.
    assert!((boxes(&pdf)[0][2][0] - 9.0).abs() < 0.01);
    let (r, _) = build_pdf(&dir.path().join("bad.md"), out.path(), &[]);
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("bad.md:2:1: error: `print`:"),
        "{}",
        r.stderr
    );
}

/// A book too long for its printer is refused as a book (at its
/// book.toml, not its first chapter), with what would fit, found by
/// setting it again: the trim and the type size named are checked by
/// building with them.
#[test]
fn a_book_too_long_for_kdp_says_what_would_fit() {
    let novel = std::fs::read(repo().join("tests/corpus/pride-and-prejudice.txt")).unwrap();
    let dir = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"Long\"\nauthors = [\"A. Writer\"]\n",
        ),
        ("part-1.txt", &novel),
        ("part-2.txt", &novel),
        ("part-3.txt", &novel),
    ]);
    let out = dir.path().join("out");
    let r = run(quire()
        .arg("build")
        .arg(dir.path())
        .args(["--target", "kdp", "--to", "pdf", "-o"])
        .arg(&out));
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("book.toml: error: the interior has")
            && r.stderr
                .contains("Amazon KDP prints books of 24 to 828 pages"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("part-1.txt: error"), "{}", r.stderr);
    // The help names a trim and a type size, each with its page count.
    let help = r
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with("help: at "))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    let trim = help
        .split("`page-size = \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let pages: u32 = help
        .split("it sets in ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(pages <= 828, "{help}");
    std::fs::write(
        dir.path().join("book.toml"),
        format!(
            "[book]\ntitle = \"Long\"\nauthors = [\"A. Writer\"]\n\n[pdf]\npage-size = \"{trim}\"\n"
        ),
    )
    .unwrap();
    let r = run(quire()
        .arg("build")
        .arg(dir.path())
        .args(["--target", "kdp", "--to", "pdf", "-o"])
        .arg(&out));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        pdf_pages(&out.join(format!(
            "{}.pdf",
            dir.path().file_name().unwrap().to_str().unwrap()
        ))) as u32,
        pages
    );
}

/// The spine's type grows with the spine: a third of its width (so a
/// 1.5 in spine's title is three times a 0.5 in spine's), read back as the
/// width of the turned title's word boxes on the cover; a book under the
/// printer's page count for spine text has a plain spine.
#[test]
fn spine_type_grows_with_the_spine() {
    let dir = tempfile::tempdir().unwrap();
    let mut sizes = Vec::new();
    for (chapters, target) in [(3, "kdp"), (14, "kdp"), (40, "ingram"), (70, "ingram")] {
        let book = made_book(&dir.path().join(format!("book-{chapters}")), chapters);
        let (r, pdf, cover) = print_build(&book, &dir.path().join("out"), target, &[]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        let pages = pdf_pages(&pdf);
        let spine = boxes(&cover)[0][2][2] / 72.0 - 2.0 * boxes(&pdf)[0][2][2] / 72.0;
        // The turned title's first word: its box is as wide as the type
        // is tall.
        let words = page_words(&cover);
        let title: Vec<&Word> = words[0]
            .iter()
            .filter(|w| w.0 == "Long" && (w.3 - w.1) < (w.4 - w.2))
            .collect();
        sizes.push((pages, spine, title.first().map(|w| w.3 - w.1)));
    }
    // The thinnest book carries no spine text; the others grow with it.
    assert!(sizes[0].0 < 80 && sizes[0].2.is_none(), "{sizes:?}");
    let (a, b, c) = (sizes[1], sizes[2], sizes[3]);
    let (ha, hb, hc) = (a.2.unwrap(), b.2.unwrap(), c.2.unwrap());
    assert!(ha < hb && hb < hc, "{sizes:?}");
    // In proportion to the spine (within the shrinking a long title needs).
    assert!(
        ((hb / ha) - (b.1 / a.1)).abs() / (b.1 / a.1) < 0.25,
        "{sizes:?}"
    );
}

/// `[print] cover-colour` colours the cover's back and spine, with type
/// that reads on it; a colour that is not one is an error at its place.
#[test]
fn the_cover_takes_the_book_s_colour() {
    let dir = tempfile::tempdir().unwrap();
    let book = made_book(&dir.path().join("book"), 12);
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    std::fs::write(
        book.join("book.toml"),
        format!("{toml}\n[print]\ncover-colour = \"#1d3557\"\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let (r, pdf, cover) = print_build(&book, &out, "kdp", &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let media = boxes(&cover)[0][0];
    let trim = boxes(&pdf)[0][2];
    let png = out.join("cover");
    tool(
        "pdftoppm",
        &[
            OsStr::new("-png"),
            OsStr::new("-r"),
            OsStr::new("20"),
            cover.as_os_str(),
            png.as_os_str(),
        ],
    );
    let img = image::open(out.join("cover-1.png")).unwrap().to_rgb8();
    let scale = img.width() as f64 / media[2];
    // A quarter of the way across the back, near its top; and the spine's
    // middle, near its foot (clear of the title). Poppler turns the CMYK
    // back into RGB its own way: near, not exact.
    let at = |x: f64, y: f64| img.get_pixel((x * scale) as u32, (y * scale) as u32).0;
    let spine_x = 9.0 + trim[2] + (media[2] - 18.0 - 2.0 * trim[2]) / 2.0;
    for px in [at(9.0 + trim[2] * 0.25, 40.0), at(spine_x, media[3] - 30.0)] {
        let want = [0x1d, 0x35, 0x57];
        assert!(
            px.iter()
                .zip(want)
                .all(|(a, b)| (*a as i32 - b).abs() <= 16),
            "{px:?}"
        );
    }

    std::fs::write(
        book.join("book.toml"),
        format!("{toml}\n[print]\ncover-colour = \"navy\"\n"),
    )
    .unwrap();
    let (r, _, _) = print_build(&book, &dir.path().join("out2"), "kdp", &[]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("book.toml:") && r.stderr.contains("`navy` is not a colour"),
        "{}",
        r.stderr
    );
}

/// The pictures, drawings and cover of a book for IngramSpark, which asks
/// for PDF/X-1a:2001.
fn press_book() -> tempfile::TempDir {
    let img = |name: &str| std::fs::read(repo().join("tests/images").join(name)).unwrap();
    let glass = br##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150" viewBox="0 0 300 150">
<defs><linearGradient id="g"><stop offset="0" stop-color="#1d3557"/><stop offset="1" stop-color="#e63946"/></linearGradient></defs>
<rect x="10" y="10" width="180" height="100" fill="url(#g)"/>
<circle cx="200" cy="75" r="60" fill="#2a9d8f" fill-opacity="0.5"/>
<text x="20" y="140" font-size="18">Gradient and glass</text></svg>"##;
    let plain = br##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120" viewBox="0 0 300 120">
<rect x="10" y="10" width="120" height="80" fill="#e63946" stroke="#000" stroke-width="2"/>
<rect x="150" y="10" width="120" height="80" fill="#000" stroke="#e63946" stroke-opacity="0"/>
<text x="20" y="110" font-size="16" fill="#1d3557">Opaque drawing</text></svg>"##;
    let para = "The press wants every colour in process inks and nothing transparent. ".repeat(20);
    let one = format!(
        "# One\n\n{para}\n\n![A picture with transparency](img/transparent.png)\n\n{para}\n\n![A CMYK photograph](img/cmyk.jpg)\n"
    );
    let two = format!(
        "# Two\n\n{para}\n\n![Glass](img/glass.svg)\n\n![Plain](img/plain.svg)\n\n{para}\n\n![A GIF](img/picture.gif)\n\n![A WebP](img/picture.webp)\n"
    );
    project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"Press Test\"\nauthors = [\"Ann Author\"]\nisbn = \"9780306406157\"\n\
description = \"A short book to test the press file, set on the back cover above the barcode.\"\n\
author-note = \"Ann Author writes about presses and paper.\"\ncover = \"img/cover.jpg\"\n",
        ),
        ("01.md", one.as_bytes()),
        ("02.md", two.as_bytes()),
        ("img/cover.jpg", &img("cover.jpg")),
        ("img/transparent.png", &img("transparent.png")),
        ("img/cmyk.jpg", &img("cmyk.jpg")),
        ("img/picture.gif", &img("picture.gif")),
        ("img/picture.webp", &img("picture.webp")),
        ("img/glass.svg", glass),
        ("img/plain.svg", plain),
    ])
}

/// The most ink any pixel of any page puts down, in percent, as MuPDF
/// separates the pages into CMYK.
fn most_ink(pdf: &Path, dir: &Path) -> f64 {
    let pattern = dir.join("sep-%d.pam");
    let r = tool(
        "mutool",
        &[
            OsStr::new("draw"),
            OsStr::new("-q"),
            OsStr::new("-r"),
            OsStr::new("24"),
            OsStr::new("-c"),
            OsStr::new("cmyk"),
            OsStr::new("-o"),
            pattern.as_os_str(),
            pdf.as_os_str(),
        ],
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let mut most = 0u32;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension() != Some(OsStr::new("pam")) {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        let start = data.windows(7).position(|w| w == b"ENDHDR\n").unwrap() + 7;
        for px in data[start..].chunks_exact(4) {
            most = most.max(px.iter().map(|&v| u32::from(v)).sum());
        }
        std::fs::remove_file(path).unwrap();
    }
    f64::from(most) * 100.0 / 255.0
}

#[test]
fn ingram_files_are_pdf_x1a_in_cmyk_within_the_ink_limit() {
    let book = press_book();
    let out = tempfile::tempdir().unwrap();
    let (r, pdf, cover) = print_build(book.path(), out.path(), "ingram", &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // The drawing X-1a cannot carry goes in as a picture, and says so;
    // the opaque one stays vectors.
    assert!(
        r.stderr.contains("02.md:5:1: warning: the drawing `img/glass.svg` has a gradient or pattern fill, which PDF/X-1a cannot carry: it is printed as a 600 dpi picture"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("plain.svg"), "{}", r.stderr);
    for file in [&pdf, &cover] {
        let info = pdfinfo(file);
        assert!(info.contains("PDF version:     1.3"), "{info}");
        assert!(info.contains("PDF subtype:    PDF/X-1:2001"), "{info}");
        assert!(info.contains("(PDF/X-1 and PDF/X-1a)"), "{info}");
        let bytes = std::fs::read(file).unwrap();
        assert!(bytes.starts_with(b"%PDF-1.3"));
        let check = tool("qpdf", &[OsStr::new("--check"), file.as_os_str()]);
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
        // Every picture CMYK or grey.
        let list = tool_text("pdfimages", &[OsStr::new("-list"), file.as_os_str()]);
        let rows: Vec<&str> = list.lines().skip(2).collect();
        assert!(!rows.is_empty());
        for row in &rows {
            let colour = row.split_whitespace().nth(5).unwrap();
            assert!(matches!(colour, "cmyk" | "gray"), "{row}");
        }
        // Uncompressed: no transparency, no RGB anywhere.
        let qdf = out.path().join("qdf.pdf");
        tool(
            "qpdf",
            &[
                OsStr::new("--qdf"),
                OsStr::new("--object-streams=disable"),
                file.as_os_str(),
                qdf.as_os_str(),
            ],
        );
        let text = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
        assert!(text.contains("/GTS_PDFXConformance (PDF/X-1a:2001)"));
        for forbidden in [
            "/SMask",
            "/Group",
            "/DeviceRGB",
            "/ICCBased",
            "/ca ",
            "/CA ",
        ] {
            assert!(
                !text.contains(forbidden),
                "{forbidden} in {}",
                file.display()
            );
        }
        assert!(
            !text
                .lines()
                .any(|l| l.ends_with(" rg") || l.ends_with(" RG")),
            "an RGB colour in {}",
            file.display()
        );
        // Total ink within Ingram's 240%.
        let ink = most_ink(file, out.path());
        assert!(ink <= 240.5, "{}: {ink:.1}% ink", file.display());
    }
    let images = tool_text("pdfimages", &[OsStr::new("-list"), pdf.as_os_str()]);
    // The glass drawing at 600 dpi: 300 × 150 pt is 2500 × 1250 pixels.
    assert!(images.contains(" 2500  1250 "), "{images}");
    // The same book for KDP stays PDF/X-4, its pictures in sRGB.
    let (r, kdp, _) = print_build(book.path(), &out.path().join("kdp"), "kdp", &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(pdfinfo(&kdp).contains("PDF subtype:    PDF/X-4"));
    let kdp_images = tool_text("pdfimages", &[OsStr::new("-list"), kdp.as_os_str()]);
    assert!(kdp_images.contains(" icc "), "{kdp_images}");
    assert!(!r.stderr.contains("glass.svg"), "{}", r.stderr);

    // A real book's drawings (the Rust book's SVG figures, with their
    // invisible strokes) stay vectors in CMYK.
    let rust = repo().join("tests/corpus/mdbook-rust-book");
    let (r, pdf, _) = print_build(&rust, &out.path().join("rust"), "ingram", &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("PDF/X-1a cannot carry"), "{}", r.stderr);
    assert!(pdfinfo(&pdf).contains("PDF subtype:    PDF/X-1:2001"));
    assert!(pdftotext(&pdf, None).contains("Figure 4-1"));
}

/// `[print] cover-wrap`: the designer's picture over the whole sheet,
/// the barcode Quire's; the back text of a cover without one.
#[test]
fn a_cover_wrap_fills_the_sheet_and_the_back_carries_the_blurb() {
    let book = press_book();
    let out = tempfile::tempdir().unwrap();
    // The back: the description and the author note, above the barcode.
    let (r, _, cover) = print_build(book.path(), &out.path().join("plain"), "kdp", &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let back = pdftotext(&cover, Some(1));
    assert!(
        back.contains("A short book to test the press file"),
        "{back}"
    );
    assert!(
        back.contains("Ann Author writes about presses and paper."),
        "{back}"
    );

    // A wrap of the wrong shape: it fills the sheet, cropped, with a
    // warning that gives the size to make.
    let toml = std::fs::read_to_string(book.path().join("book.toml")).unwrap();
    let mut png = Vec::new();
    {
        let mut e = ::png::Encoder::new(&mut png, 3600, 2400);
        e.set_color(::png::ColorType::Rgb);
        e.set_depth(::png::BitDepth::Eight);
        let mut w = e.write_header().unwrap();
        let data: Vec<u8> = (0..3600u32 * 2400)
            .flat_map(|i| [(i % 3600 / 15) as u8, 90, 140])
            .collect();
        w.write_image_data(&data).unwrap();
    }
    std::fs::write(book.path().join("wrap.png"), &png).unwrap();
    std::fs::write(
        book.path().join("book.toml"),
        format!("{toml}\n[print]\ncover-wrap = \"wrap.png\"\n"),
    )
    .unwrap();
    let (r, _, cover) = print_build(book.path(), &out.path().join("wrap"), "kdp", &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("book.toml:10:1: warning: the cover wrap is not the sheet's shape"),
        "{}",
        r.stderr
    );
    let media = boxes(&cover)[0][0];
    let list = tool_text("pdfimages", &[OsStr::new("-list"), cover.as_os_str()]);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "{list}");
    assert!(rows[0].contains(" 3600  2400 "), "{list}");
    // The picture covers the sheet: 3600 pixels over its height scaled…
    let ppi: f64 = rows[0].split_whitespace().nth(12).unwrap().parse().unwrap();
    assert!(
        (2400.0 / ppi - media[3] / 72.0).abs() < 0.02,
        "{ppi} {media:?}"
    );
    // …and the barcode still reads.
    let read = barcode(&cover, &out.path().join("wrap-cover"));
    assert!(
        read.contains("EAN-13:9780306406157"),
        "zbarimg read: {read}"
    );
    // No text of Quire's over the designer's picture.
    assert!(!pdftotext(&cover, Some(1)).contains("A short book"));

    // A wrap that is not there is an error at its line.
    std::fs::write(
        book.path().join("book.toml"),
        format!("{toml}\n[print]\ncover-wrap = \"missing.png\"\n"),
    )
    .unwrap();
    let (r, _, _) = print_build(book.path(), &out.path().join("missing"), "kdp", &[]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("book.toml:10:1: error: cover-wrap: "),
        "{}",
        r.stderr
    );
}
