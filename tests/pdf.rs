//! The PDF, judged by qpdf and poppler: valid structure, fonts embedded as
//! subsets, the manuscript's words given back, nothing past the text
//! block, a table of contents whose numbers are the real pages, an outline.

mod common;
use common::*;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

fn samples() -> Vec<PathBuf> {
    vec![
        manuscripts().join("seed-article.txt"),
        manuscripts().join("maliki-withdrawal.md"),
        manuscripts().join("quire-manual"),
    ]
}

fn built(sample: &Path, out: &Path) -> PathBuf {
    let (r, pdf) = build_pdf(sample, out, &[]);
    assert_eq!(r.status, 0, "{}: {}", sample.display(), r.stderr);
    pdf
}

#[test]
fn qpdf_finds_no_errors_and_every_font_is_an_embedded_subset() {
    let out = tempfile::tempdir().unwrap();
    for sample in samples() {
        let pdf = built(&sample, out.path());
        let check = tool("qpdf", &[OsStr::new("--check"), pdf.as_os_str()]);
        let report = String::from_utf8_lossy(&check.stdout);
        assert!(
            check.status.success(),
            "qpdf --check {}:\n{report}",
            pdf.display()
        );
        assert!(
            report.contains("No syntax or stream encoding errors"),
            "{report}"
        );
        let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(rows.len() >= 2, "{fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let n = cols.len();
            // name type... encoding emb sub uni object ID
            assert_eq!(
                &cols[n - 5..n - 2],
                ["yes", "yes", "yes"],
                "not embedded, subset, with ToUnicode: {row}"
            );
            assert!(cols[0].contains('+'), "subset tag missing: {row}");
        }
    }
}

#[test]
fn metadata_and_page_size() {
    let out = tempfile::tempdir().unwrap();
    let pdf = built(&manuscripts().join("quire-manual"), out.path());
    let info = tool_text("pdfinfo", &[pdf.as_os_str()]);
    assert!(info.contains("Title:           The Quire Manual"), "{info}");
    assert!(
        info.contains("Author:          The Quire Authors"),
        "{info}"
    );
    assert!(info.contains("Page size:       432 x 648 pts"), "{info}");
    assert!(
        info.contains("Keywords:        Publishing, Typesetting, Command-line tools"),
        "{info}"
    );
    assert!(
        info.contains("CreationDate:    Sun Nov  1 00:00:00 2026 UTC"),
        "{info}"
    );
    // XMP says the same, in a packet that parses as XML.
    let xmp = tool_text("pdfinfo", &[OsStr::new("-meta"), pdf.as_os_str()]);
    assert!(
        xmp.contains("<rdf:li xml:lang=\"x-default\">The Quire Manual</rdf:li>"),
        "{xmp}"
    );
    assert!(xmp.contains("<dc:identifier>urn:isbn:9780306406157</dc:identifier>"));
    assert!(xmp.contains("<xmp:CreateDate>2026-11-01T00:00:00Z</xmp:CreateDate>"));
    let pdf = built(&manuscripts().join("maliki-withdrawal.md"), out.path());
    let info = tool_text("pdfinfo", &[pdf.as_os_str()]);
    assert!(
        info.contains("(A4)"),
        "an article is set on A4 by default: {info}"
    );
    assert!(info.contains("Author:          Amir Basiri"));
}

fn normalise(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Words of PDF text, with words hyphenated at line ends joined again.
fn pdf_words(text: &str) -> HashMap<String, usize> {
    let mut words: HashMap<String, usize> = HashMap::new();
    let mut carry = String::new();
    for line in text.lines() {
        let mut ws: Vec<&str> = line.split_whitespace().collect();
        let last = ws.pop();
        for w in ws {
            let w = format!("{carry}{w}");
            carry.clear();
            *words.entry(normalise(&w)).or_default() += 1;
        }
        if let Some(l) = last {
            let l = format!("{carry}{l}");
            carry.clear();
            if l.ends_with('-')
                && l.len() > 2
                && l.chars().rev().nth(1).is_some_and(char::is_alphabetic)
            {
                carry = l.trim_end_matches('-').to_string();
            } else {
                *words.entry(normalise(&l)).or_default() += 1;
            }
        }
    }
    words
}

fn share_found(reference: &[String], pdf: &HashMap<String, usize>) -> f64 {
    let mut available = pdf.clone();
    let mut found = 0;
    let mut missing = Vec::new();
    for w in reference {
        match available.get_mut(w) {
            Some(n) if *n > 0 => {
                *n -= 1;
                found += 1;
            }
            _ => missing.push(w.clone()),
        }
    }
    if !missing.is_empty() {
        eprintln!(
            "missing from the PDF: {:?}",
            &missing[..missing.len().min(40)]
        );
    }
    found as f64 / reference.len() as f64
}

#[test]
fn pdftotext_gives_back_the_seed_article() {
    let out = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(manuscripts().join("seed-article.txt")).unwrap();
    let reference: Vec<String> = source
        .split_whitespace()
        .map(normalise)
        .filter(|w| !w.is_empty())
        .collect();
    for sample in ["seed-article.txt", "maliki-withdrawal.md"] {
        let pdf = built(&manuscripts().join(sample), out.path());
        let words = pdf_words(&pdftotext(&pdf, None));
        let share = share_found(&reference, &words);
        // The Markdown version leaves out the "Published on Breitbart"
        // line (it is metadata there): three words of 977.
        assert!(
            share >= 0.99,
            "{sample}: {:.2}% of the words",
            share * 100.0
        );
    }
}

#[test]
fn pdftotext_gives_back_the_manual() {
    let out = tempfile::tempdir().unwrap();
    let dir = manuscripts().join("quire-manual");
    // The words of the resolved model (what the EPUB shows too).
    let r = run(quire()
        .args(["build", "--to", "epub", "-o"])
        .arg(out.path())
        .arg("--emit")
        .arg(out.path().join("m.json"))
        .arg(&dir));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("m.json")).unwrap()).unwrap();
    let mut reference = Vec::new();
    collect_text(&model["chapters"], &mut reference);
    let reference: Vec<String> = reference
        .join(" ")
        .split_whitespace()
        .map(normalise)
        .filter(|w| !w.is_empty())
        .collect();
    assert!(reference.len() > 1500, "{}", reference.len());
    let pdf = built(&dir, out.path());
    let share = share_found(&reference, &pdf_words(&pdftotext(&pdf, None)));
    assert!(share >= 0.99, "{:.2}% of the words", share * 100.0);
}

fn collect_text(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::String(t)) = m.get("text") {
                out.push(t.clone());
            }
            for (k, v) in m {
                if k != "text"
                    && k != "source"
                    && k != "id"
                    && k != "title_id"
                    && k != "path"
                    && k != "dest"
                {
                    collect_text(v, out);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_text(x, out)),
        _ => {}
    }
}

#[test]
fn no_line_runs_past_the_text_block() {
    let out = tempfile::tempdir().unwrap();
    for sample in samples() {
        let pdf = built(&sample, out.path());
        let html = tool_text(
            "pdftotext",
            &[OsStr::new("-bbox"), pdf.as_os_str(), OsStr::new("-")],
        );
        // Right ends of words, per page parity (recto and verso have their
        // own text block), and whether the word ends in punctuation that
        // may hang into the margin (margin protrusion: at most half an em).
        let mut pages: Vec<Vec<(f64, f64, bool)>> = Vec::new(); // (xMax, yMin, hangs) per word
        for line in html.lines() {
            if line.contains("<page") {
                pages.push(Vec::new());
            } else if line.contains("<word")
                && let Some(p) = pages.last_mut()
            {
                let attr = |name: &str| -> f64 {
                    let i = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                    line[i..].split('"').next().unwrap().parse().unwrap()
                };
                let text = line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()]
                    .replace("&apos;", "'")
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&");
                let hangs = text
                    .chars()
                    .last()
                    .is_some_and(|c| ".,;:!?’”»\u{2010}-–—…)'\"".contains(c));
                p.push((attr("xMax"), attr("yMin"), hangs));
            }
        }
        for parity in 0..2 {
            // The right edge of the text block: where most lines end.
            let mut ends: Vec<(f64, bool)> = Vec::new();
            for (i, p) in pages.iter().enumerate().filter(|(i, _)| i % 2 == parity) {
                let _ = i;
                let mut by_line: HashMap<i64, (f64, bool)> = HashMap::new();
                for &(x, y, hangs) in p {
                    let e = by_line
                        .entry((y * 2.0).round() as i64)
                        .or_insert((0.0, false));
                    if x > e.0 {
                        *e = (x, hangs);
                    }
                }
                ends.extend(by_line.values());
            }
            if ends.len() < 10 {
                continue;
            }
            ends.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut counts: HashMap<i64, usize> = HashMap::new();
            for e in &ends {
                *counts.entry((e.0 * 2.0).round() as i64).or_default() += 1;
            }
            let edge = *counts.iter().max_by_key(|(_, c)| **c).unwrap().0 as f64 / 2.0;
            for &(end, hangs) in &ends {
                let room = if hangs { 1.0 + 5.5 } else { 1.0 };
                assert!(
                    end <= edge + room,
                    "{}: a line ends at {end:.1}pt, past the text block's edge at {edge:.1}pt",
                    sample.display()
                );
            }
        }
    }
}

#[test]
fn contents_numbers_are_the_pages_chapters_start_on() {
    let out = tempfile::tempdir().unwrap();
    let pdf = built(&manuscripts().join("quire-manual"), out.path());
    let pages = pdf_pages(&pdf);
    let texts: Vec<String> = (1..=pages).map(|p| pdftotext(&pdf, Some(p))).collect();
    let toc_page = texts
        .iter()
        .position(|t| t.starts_with("Contents"))
        .expect("a contents page");
    let chapters = [
        "Introduction",
        "Writing a Manuscript",
        "Books and Collections",
        "The Command Line",
        "On Even Spacing",
        "Index",
    ];
    for chapter in chapters {
        let line = texts[toc_page]
            .lines()
            .find(|l| l.starts_with(chapter) && l.contains(". ."))
            .unwrap_or_else(|| panic!("{chapter} not in the contents"));
        let number: usize = line.rsplit(' ').next().unwrap().trim().parse().unwrap();
        // The page where the chapter's title opens a page, and its folio.
        let page = texts
            .iter()
            .enumerate()
            .skip(toc_page + 1)
            .find(|(_, t)| from_title(t).lines().next().map(str::trim) == Some(chapter))
            .map(|(i, _)| i)
            .unwrap_or_else(|| panic!("{chapter} opens no page"));
        let folio: usize = texts[page]
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(
            folio, number,
            "{chapter}: contents say {number}, the page says {folio}"
        );
    }
}

#[test]
fn outline_has_every_chapter_and_section() {
    let out = tempfile::tempdir().unwrap();
    let pdf = built(&manuscripts().join("quire-manual"), out.path());
    let json = tool_text(
        "qpdf",
        &[
            OsStr::new("--json"),
            OsStr::new("--json-key=outlines"),
            pdf.as_os_str(),
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let outlines = v["outlines"].as_array().unwrap();
    let titles: Vec<&str> = outlines
        .iter()
        .map(|o| o["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Introduction",
            "Writing a Manuscript",
            "Books and Collections",
            "The Command Line",
            "On Even Spacing",
            "Index"
        ]
    );
    let kids: Vec<&str> = outlines[2]["kids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        kids,
        [
            "The book.toml file",
            "Metadata",
            "Collections of articles",
            "Images",
            "Marking the index"
        ]
    );
    // Each points at the page where its chapter begins.
    assert!(
        outlines
            .iter()
            .all(|o| o["destpageposfrom1"].as_u64().is_some())
    );
}

#[test]
fn two_pdf_builds_are_byte_identical() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    for sample in samples() {
        // The first build fills this test's cache, the second takes its
        // pictures and cover from it, the third uses none.
        let x = std::fs::read(built(&sample, a.path())).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let y = std::fs::read(built(&sample, b.path())).unwrap();
        let (r, pdf) = build_pdf(&sample, c.path(), &["--no-cache"]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        let z = std::fs::read(pdf).unwrap();
        assert!(x == y, "{} differs between builds", sample.display());
        assert!(x == z, "{} differs without the cache", sample.display());
    }
}

#[test]
fn images_keep_their_resolution() {
    let out = tempfile::tempdir().unwrap();
    let pdf = built(&manuscripts().join("quire-manual"), out.path());
    let list = tool_text("pdfimages", &[OsStr::new("-list"), pdf.as_os_str()]);
    assert!(
        list.lines().any(|l| l.contains(" 1600  2560 ")),
        "cover at full size:\n{list}"
    );
    assert!(
        list.lines().any(|l| l.contains(" 1500   525 ")),
        "figure at full size:\n{list}"
    );
}

/// Pages where a paragraph's first line is left alone at the foot
/// (orphan), or its last line alone at the head (widow).
fn widows_and_orphans(pdf: &Path, body_size: f64) -> Vec<String> {
    let mut pages = page_lines(pdf);
    // Contents pages (lines of dot leaders) are not running text.
    for p in &mut pages {
        if p.iter().any(|l| l.words > 30) {
            p.clear();
        }
    }
    // Body lines: the most common line height (running heads, folios,
    // notes and headings are other sizes).
    let h = mode(pages.iter().flatten().map(|l| l.h));
    let body: Vec<Vec<Line>> = pages
        .iter()
        .map(|p| {
            p.iter()
                .copied()
                .filter(|l| (l.h - h).abs() < 0.3)
                .collect()
        })
        .collect();
    let indent = body_size * 1.5;
    let mut problems = Vec::new();
    for parity in 0..2 {
        let lines = || {
            body.iter()
                .enumerate()
                .filter(move |(i, _)| i % 2 == parity)
                .flat_map(|(_, p)| p.iter())
        };
        let left = mode(lines().map(|l| l.x0));
        let right = mode(lines().map(|l| l.x1));
        for (i, page) in body.iter().enumerate().filter(|(i, _)| i % 2 == parity) {
            let indented = |l: &Line| (l.x0 - left - indent).abs() < 1.5;
            let full = |l: &Line| l.x1 >= right - 1.0;
            if let Some(last) = page.last()
                && indented(last)
                && full(last)
            {
                problems.push(format!(
                    "page {}: orphan (a paragraph's first line alone at the foot)",
                    i + 1
                ));
            }
            if let (Some(first), Some(prev_last)) =
                (page.first(), i.checked_sub(1).and_then(|p| body[p].last()))
                && (first.x0 - left).abs() < 1.0
                && first.x1 < right - 5.0
                && prev_last.x1 >= pages_right(&body, i - 1, right) - 1.0
                && page
                    .get(1)
                    .is_none_or(|second| indented(second) || second.y - first.y > h * 2.5)
            {
                problems.push(format!(
                    "page {}: widow (a paragraph's last line alone at the head)",
                    i + 1
                ));
            }
        }
    }
    problems
}

/// The right edge of the text block on page `i` (its parity's), from its lines.
fn pages_right(body: &[Vec<Line>], i: usize, fallback: f64) -> f64 {
    let xs: Vec<f64> = body
        .iter()
        .enumerate()
        .filter(|(j, _)| j % 2 == i % 2)
        .flat_map(|(_, p)| p.iter().map(|l| l.x1))
        .collect();
    if xs.is_empty() {
        fallback
    } else {
        mode(xs.into_iter())
    }
}

#[test]
fn no_widows_or_orphans() {
    let out = tempfile::tempdir().unwrap();
    let pdf = built(&manuscripts().join("quire-manual"), out.path());
    assert_eq!(widows_and_orphans(&pdf, 10.0), Vec::<String>::new());
    // A longer book, where page breaks fall in every kind of place.
    let seed = std::fs::read_to_string(manuscripts().join("seed-article.txt")).unwrap();
    let paras: Vec<&str> = seed
        .split("\n\n")
        .filter(|p| p.split_whitespace().count() > 20)
        .collect();
    let mut files: Vec<(String, Vec<u8>)> =
        vec![("book.toml".into(), b"[book]\ntitle = \"Long\"\n".to_vec())];
    for c in 0..4 {
        let mut text = format!("# Chapter {c}\n\n");
        for i in 0..18 {
            // Vary paragraph lengths so breaks fall differently.
            let p = paras[(i * 7 + c * 3) % paras.len()];
            let words: Vec<&str> = p.split_whitespace().collect();
            let cut = (words.len() * (40 + (i * 13 + c * 29) % 60) / 100).max(8);
            text.push_str(&words[..cut.min(words.len())].join(" "));
            text.push_str("\n\n");
        }
        files.push((format!("c{c}.md"), text.into_bytes()));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let dir = project(&refs);
    let (r, pdf) = build_pdf(dir.path(), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(pdf_pages(&pdf) > 12);
    assert_eq!(widows_and_orphans(&pdf, 10.0), Vec::<String>::new());
}

#[test]
fn no_line_starts_with_a_spaced_dash() {
    let out = tempfile::tempdir().unwrap();
    let pdf = built(&manuscripts().join("seed-article.txt"), out.path());
    let text = pdftotext(&pdf, None);
    let bad: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(['\u{2013}', '\u{2014}']))
        .collect();
    assert!(bad.is_empty(), "lines starting with a dash: {bad:?}");
}

/// The PDF uncompressed, as qpdf's QDF form, to read its objects as text.
fn qdf(pdf: &Path) -> String {
    let out = pdf.with_extension("qdf.pdf");
    let r = tool(
        "qpdf",
        &[
            OsStr::new("--qdf"),
            OsStr::new("--object-streams=disable"),
            pdf.as_os_str(),
            out.as_os_str(),
        ],
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    String::from_utf8_lossy(&std::fs::read(out).unwrap()).into_owned()
}

#[test]
fn alt_text_links_language_and_labels() {
    let out = tempfile::tempdir().unwrap();
    let pdf = built(&manuscripts().join("quire-manual"), out.path());
    let q = qdf(&pdf);
    assert!(
        q.contains("/Figure <</Alt(The flow from manuscripts to formats)/MCID"),
        "alt text of the figure"
    );
    assert!(
        q.contains("/URI (https://reproducible-builds.org/)"),
        "external link"
    );
    assert!(
        q.matches("/S /GoTo").count() >= 20,
        "contents entries, cross-references and notes link inside the book"
    );
    assert!(q.contains("/Lang (en)"));
    assert!(q.contains("/PageLabels"));
    assert!(!q.contains("GTS_PDFX"), "no claim to PDF/X");
}

#[test]
fn page_size_and_chapters_on_recto_from_book_toml() {
    let dir = project(&[
        ("book.toml", b"chapters = [\"a.md\", \"b.md\"]\n[book]\ntitle = \"Sized\"\n[pdf]\npage-size = \"A5\"\nchapters-on-recto = true\n"),
        ("a.md", b"# One\n\nShort.\n"),
        ("b.md", b"# Two\n\nShort too.\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, pdf) = build_pdf(dir.path(), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let info = tool_text("pdfinfo", &[pdf.as_os_str()]);
    assert!(
        info.contains("Page size:       419.528 x 595.276 pts"),
        "A5: {info}"
    );
    // Every chapter opens on a right-hand page: an odd physical page.
    let pages = pdf_pages(&pdf);
    let openings: Vec<usize> = (1..=pages)
        .filter(|&p| {
            let t = pdftotext(&pdf, Some(p));
            from_title(&t).starts_with("One") || from_title(&t).starts_with("Two")
        })
        .collect();
    assert_eq!(openings.len(), 2, "{openings:?}");
    assert!(
        openings.iter().all(|p| p % 2 == 1),
        "chapters open on {openings:?}"
    );
    let bad = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"T\"\n[pdf]\npage-size = \"huge\"\n",
        ),
        ("a.md", b"# A\n"),
    ]);
    let r = run(quire()
        .current_dir(bad.path())
        .args(["build", ".", "--to", "pdf"]));
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("book.toml:4:13: error: page size `huge`"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_unbreakable_url_is_broken_safely_with_a_warning() {
    let url = "https://example.com/a/very/long/path/that/keeps/going/and/going/without/any/space/at/all/until/it/is/wider/than/the/page/index.html";
    // Set without font expansion and protrusion, whose extra room makes
    // this line loose enough to name only without them (checked below).
    let text = format!(
        "---\nstyle:\n  expansion: 0\n  protrusion: false\n  tracking: false\n---\n# Links\n\nSee {url} for details, and then read on.\n"
    );
    let dir = project(&[("a.md", text.as_bytes())]);
    let out = tempfile::tempdir().unwrap();
    let (r, pdf) = build_pdf(&dir.path().join("a.md"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr
            .matches("a.md:9: warning: a justified line is set with word spaces of")
            .count(),
        1,
        "{}",
        r.stderr
    );
    // Ordinary words are not broken; the URL breaks after its slashes.
    let words = pdf_words(&pdftotext(&pdf, None));
    assert!(words.contains_key("details"), "{words:?}");
    // No glyph past the right edge of the text block (A4, symmetric margins).
    let lines = page_lines(&pdf);
    let right = lines[0].iter().map(|l| l.x1).fold(0.0, f64::max);
    assert!(right < 595.0 - 90.0, "text reaches {right}pt");
    let joined: String = pdftotext(&pdf, None).split_whitespace().collect();
    assert!(
        joined.contains(&url.replace(' ', "")),
        "the URL comes back whole"
    );
    // As a book is set by default, glyphs a little wider and the stop
    // hanging: the same paragraph's spaces stay within bounds.
    let text = format!("# Links\n\nSee {url} for details, and then read on.\n");
    std::fs::write(dir.path().join("a.md"), text).unwrap();
    let (r, pdf) = build_pdf(&dir.path().join("a.md"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        !r.stderr
            .contains("a justified line is set with word spaces of"),
        "{}",
        r.stderr
    );
    let joined: String = pdftotext(&pdf, None).split_whitespace().collect();
    assert!(joined.contains(url), "the URL comes back whole");
}

#[test]
fn a_long_footnote_continues_on_the_next_page() {
    // A note of some 150 lines: more than a page can hold.
    let long_note: String = (0..240)
        .map(|i| format!("Note sentence number {i} goes on for a while. "))
        .collect();
    let body: String = (0..30).map(|i| format!("Paragraph {i} of the text runs long enough to fill part of a page with words that wrap.\n\n")).collect();
    let text = format!("# Notes\n\nA claim that needs support.[^n]\n\n{body}\n[^n]: {long_note}\n");
    let dir = project(&[("a.md", text.as_bytes())]);
    let out = tempfile::tempdir().unwrap();
    let (r, pdf) = build_pdf(&dir.path().join("a.md"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let first = pdftotext(&pdf, Some(1));
    let second = pdftotext(&pdf, Some(2));
    assert!(first.contains("A claim that needs support"));
    assert!(
        first.contains("Note sentence number 0 "),
        "the note starts on the page of its reference"
    );
    assert!(
        !first.contains("Note sentence number 239"),
        "a page cannot hold it all"
    );
    assert!(
        second.contains("Note sentence number"),
        "it continues on the next page"
    );
    let all = pdftotext(&pdf, None)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for i in 0..240 {
        assert!(
            all.contains(&format!("number {i} goes")),
            "note sentence {i} lost"
        );
    }
}

#[test]
fn a_book_brings_its_own_font() {
    let face: &[u8] = include_bytes!("../fonts/DejaVuSansMono.ttf");
    let dir = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"Own Type\"\n[fonts]\nregular = \"type/Own.ttf\"\n",
        ),
        (
            "a.md",
            b"# One\n\nSet in the book's own face, with *emphasis*.\n",
        ),
        ("type/Own.ttf", face),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, pdf) = build_pdf(dir.path(), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
    assert!(
        fonts
            .lines()
            .any(|l| l.contains("+DejaVuSansMono") && l.contains("yes yes yes")),
        "{fonts}"
    );
    assert!(
        !fonts.contains("CharisSIL "),
        "the text is not in Charis:\n{fonts}"
    );
    assert!(
        pdftotext(&pdf, None).contains("Set in DejaVu Sans Mono."),
        "the colophon names the face"
    );
    let (r, epub) = build_epub(dir.path(), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let css = epub_file(&epub, "OEBPS/stylesheet.css");
    assert!(
        css.contains("font-family: \"DejaVu Sans Mono\", Georgia, serif;"),
        "{css}"
    );
    assert!(epub_names(&epub).contains(&"OEBPS/fonts/regular.ttf".to_string()));
    assert_valid(&epub);

    // A file that is not a font is an error at its line.
    let bad = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"T\"\n[fonts]\nbold = \"notes.txt\"\n",
        ),
        ("a.md", b"# A\n"),
        ("notes.txt", b"not a font"),
    ]);
    let r = run(quire().current_dir(bad.path()).args(["build", "."]));
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("book.toml:4:8: error: font `notes.txt`: not a TrueType or OpenType font"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_pdf_is_tagged_in_reading_order() {
    let out = tempfile::tempdir().unwrap();
    let pdf = built(&manuscripts().join("quire-manual"), out.path());
    let info = tool_text("pdfinfo", &[pdf.as_os_str()]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    let tree = tool_text("pdfinfo", &[OsStr::new("-struct-text"), pdf.as_os_str()]);
    // Chapters are H1 elements holding their titles, in order.
    let h1: Vec<String> = tree
        .lines()
        .zip(tree.lines().skip(1))
        .filter(|(l, _)| l.trim() == "H1 (block)")
        .map(|(_, t)| t.trim().trim_matches('"').to_string())
        .collect();
    assert_eq!(
        h1,
        [
            "Introduction",
            "Writing a Manuscript",
            "Books and Collections",
            "The Command Line",
            "On Even Spacing",
            "Index"
        ]
    );
    for role in ["H2 (block)", "P (block)", "Figure", "Note", "Code"] {
        assert!(tree.contains(role), "no {role} in the structure");
    }
    // Running heads (the book's title on six left-hand pages) are
    // artifacts: the title is in the structure only on the title page,
    // the copyright page and in a code sample.
    assert_eq!(tree.matches("The Quire Manual").count(), 3, "{tree}");
}
