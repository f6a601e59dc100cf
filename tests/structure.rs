//! Book structure and house style, judged from the outside: EPUBCheck, the
//! EPUB's documents and navigation, the PDF's outline (qpdf) and its words
//! and their boxes (pdftotext).

mod common;
use common::*;
use std::ffi::OsStr;
use std::path::Path;

/// The PDF outline: (title, depth) in order.
fn outline(pdf: &Path) -> Vec<(String, usize)> {
    let json = tool_text(
        "qpdf",
        &[
            OsStr::new("--json"),
            OsStr::new("--json-key=outlines"),
            pdf.as_os_str(),
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    fn walk(items: &serde_json::Value, depth: usize, out: &mut Vec<(String, usize)>) {
        for o in items.as_array().into_iter().flatten() {
            out.push((o["title"].as_str().unwrap_or("").to_string(), depth));
            walk(&o["kids"], depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(&v["outlines"], 0, &mut out);
    out
}

/// The chapter documents of an EPUB (not cover, title, copyright or nav).
fn chapter_docs(epub: &Path) -> Vec<String> {
    epub_names(epub)
        .into_iter()
        .filter(|n| n.ends_with(".xhtml"))
        .filter(|n| {
            let doc = epub_file(epub, n);
            doc.contains("<section") && doc.contains("epub:type=\"chapter\"")
        })
        .collect()
}

/// The entries of the nav's table of contents, with their nesting depth.
fn nav_entries(epub: &Path) -> Vec<(String, usize)> {
    let names = epub_names(epub);
    let nav_name = names.iter().find(|n| n.ends_with("nav.xhtml")).unwrap();
    let nav = epub_file(epub, nav_name);
    let toc_start = nav.find("\"toc\"").unwrap();
    let toc = &nav[toc_start..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut rest = toc;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest.starts_with("<ol") {
            depth += 1;
        } else if rest.starts_with("</ol") {
            depth -= 1;
        } else if rest.starts_with("<a ") {
            let text_start = rest.find('>').unwrap() + 1;
            let text_end = rest.find("</a>").unwrap();
            let text: String = strip(&rest[text_start..text_end]);
            out.push((text, depth));
        }
        rest = &rest[1..];
    }
    out
}

fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in s.chars() {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn twelve_chapter_novel() -> String {
    let mut s = String::from("---\ntitle: Twelve Tides\nauthor: Ann Lee\n---\n\n");
    for i in 1..=12 {
        s.push_str(&format!(
            "# Tide {i}\n\nThe water rose for the {i} time that year, and the town watched it from the sea wall. \
             Nobody spoke of the boats.\n\nA second paragraph keeps the chapter honest.\n\n"
        ));
    }
    s
}

#[test]
fn a_novel_in_one_file_is_cut_into_its_chapters() {
    let dir = project(&[("novel.md", twelve_chapter_novel().as_bytes())]);
    let input = dir.path().join("novel.md");
    let out = dir.path().join("out");
    let (r, epub) = build_epub(&input, &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    assert_eq!(chapter_docs(&epub).len(), 12, "one EPUB document a chapter");
    let nav = nav_entries(&epub);
    let tides: Vec<_> = nav.iter().filter(|(t, _)| t.contains("Tide")).collect();
    assert_eq!(tides.len(), 12, "{nav:?}");
    assert!(
        tides.iter().all(|(_, d)| *d == tides[0].1),
        "all at one level: {nav:?}"
    );

    let (r, pdf) = build_pdf(&input, &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let titles: Vec<String> = outline(&pdf)
        .into_iter()
        .filter(|(t, _)| t.contains("Tide"))
        .map(|(t, _)| t)
        .collect();
    assert_eq!(titles.len(), 12, "{titles:?}");
    assert_eq!(titles[11], "Tide 12");
    // Each chapter opens a page, labelled and numbered.
    let pages = pdf_pages(&pdf);
    let mut opened = 0;
    for p in 1..=pages {
        let text = pdftotext(&pdf, Some(p));
        if text.contains("CHAPTER ") {
            opened += 1;
        }
    }
    assert_eq!(opened, 12, "a page opens each chapter with its label");
    assert!(pdftotext(&pdf, None).contains("CHAPTER 12"));
}

fn book_with_parts() -> tempfile::TempDir {
    project(&[
        (
            "book.toml",
            b"chapters = [{ file = \"ded.md\", role = \"dedication\" }, \"preface.md\"]\n\
              back-matter = [{ file = \"notes.md\", role = \"appendix\" }]\n\n\
              [[parts]]\ntitle = \"Arrival\"\nchapters = [\"one.md\", \"two.md\"]\n\n\
              [[parts]]\ntitle = \"Departure\"\nchapters = [\"three.md\"]\n\n\
              [book]\ntitle = \"Parts Book\"\nauthors = [\"A. Writer\"]\n",
        ),
        ("ded.md", b"For my mother, who taught me to read.\n"),
        ("preface.md", b"# Preface\n\nThis book began as a letter.\n"),
        (
            "one.md",
            b"# The Boat\n\n> The sea is everything.\n> \xe2\x80\x94 Jules Verne\n{.epigraph}\n\nIt was a cold morning when the boat came in.\n",
        ),
        ("two.md", b"# The Town\n\nThe town was small and loud.\n"),
        ("three.md", b"# The Leaving\n\nThey left in spring.\n"),
        ("notes.md", b"# Sources\n\nThe tide tables came from the harbour office.\n"),
    ])
}

#[test]
fn parts_nest_in_the_nav_and_the_outline() {
    let dir = book_with_parts();
    let out = dir.path().join("out");
    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    let nav = nav_entries(&epub);
    let depth = |t: &str| {
        nav.iter()
            .find(|(n, _)| n.contains(t))
            .unwrap_or_else(|| panic!("{t} in {nav:?}"))
            .1
    };
    assert_eq!(depth("The Boat"), depth("Arrival") + 1, "{nav:?}");
    assert_eq!(depth("The Leaving"), depth("Departure") + 1, "{nav:?}");
    assert_eq!(depth("Preface"), depth("Arrival"), "{nav:?}");
    assert!(
        !nav.iter().any(|(n, _)| n.contains("mother")),
        "a dedication is not in the contents: {nav:?}"
    );
    let all: String = epub_names(&epub)
        .iter()
        .filter(|n| n.ends_with(".xhtml"))
        .map(|n| epub_file(&epub, n))
        .collect();
    assert!(all.contains("epub:type=\"part\""));
    assert!(all.contains("epub:type=\"dedication\""));
    assert!(all.contains("epub:type=\"appendix\""));

    let (r, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let o = outline(&pdf);
    let level = |t: &str| o.iter().find(|(n, _)| n.contains(t)).unwrap().1;
    assert_eq!(level("The Boat"), level("Arrival") + 1, "{o:?}");
    assert_eq!(level("The Town"), level("Arrival") + 1, "{o:?}");
    assert_eq!(level("Sources"), level("Arrival"), "{o:?}");
    // A part's page is a right-hand page: odd in the book's numbering
    // counts physical pages, so its index from 1 is odd.
    let pages = pdf_pages(&pdf);
    let part_page = (1..=pages)
        .find(|&p| {
            let t = pdftotext(&pdf, Some(p));
            t.contains("Arrival") && !t.contains("Contents") && !t.contains(". .")
        })
        .unwrap();
    assert_eq!(part_page % 2, 1, "part title on a recto (page {part_page})");
    // Appendices are lettered; the chapters numbered in words by default
    // in arabic.
    let text = pdftotext(&pdf, None);
    assert!(text.contains("APPENDIX A"), "{text}");
    assert!(text.contains("CHAPTER 1"), "{text}");
    assert!(
        !text.contains("CHAPTER 4"),
        "only three chapters are numbered"
    );
}

#[test]
fn every_role_gets_its_type_and_its_page() {
    let roles = [
        ("dedication", "dedication"),
        ("epigraph", "epigraph"),
        ("foreword", "foreword"),
        ("preface", "preface"),
        ("introduction", "introduction"),
        ("prologue", "prologue"),
        ("epilogue", "epilogue"),
        ("afterword", "afterword"),
        ("acknowledgments", "acknowledgments"),
        ("appendix", "appendix"),
        ("glossary", "glossary"),
        ("bibliography", "bibliography"),
        ("about-the-author", "backmatter"),
        ("also-by", "backmatter"),
    ];
    let mut md = String::from("---\ntitle: Every Role\nauthor: Ann Lee\n---\n\n");
    for (class, _) in &roles[..6] {
        md.push_str(&format!(
            "# The {class} page {{.{class}}}\n\nWords of the {class} page.\n\n"
        ));
    }
    md.push_str("# The Story\n\nThe story itself, at last.\n\n");
    for (class, _) in &roles[6..] {
        md.push_str(&format!(
            "# The {class} page {{.{class}}}\n\nWords of the {class} page.\n\n"
        ));
    }
    let dir = project(&[("roles.md", md.as_bytes())]);
    let input = dir.path().join("roles.md");
    let out = dir.path().join("out");
    let (r, epub) = build_epub(&input, &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let v = epubcheck(&epub);
    assert_eq!(
        (v.fatals, v.errors, v.warnings),
        (0, 0, 0),
        "EPUBCheck: {}",
        v.report
    );
    let docs: Vec<String> = epub_names(&epub)
        .iter()
        .filter(|n| n.ends_with(".xhtml"))
        .map(|n| epub_file(&epub, n))
        .collect();
    for (class, ty) in roles {
        let doc = docs
            .iter()
            .find(|d| d.contains(&format!("Words of the {class} page")))
            .unwrap_or_else(|| panic!("no document for {class}"));
        assert!(
            doc.contains(&format!("epub:type=\"{ty}")) || doc.contains(&format!(" {ty}\"")),
            "{class} has epub:type {ty}"
        );
    }
    assert!(docs.iter().any(|d| d.contains("epub:type=\"bodymatter")));

    let (r, pdf) = build_pdf(&input, &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let pages = page_words(&pdf);
    let ded = pages
        .iter()
        .find(|p| p.iter().any(|w| w.0 == "dedication"))
        .unwrap();
    // No heading, no running head, no folio: only the dedication's words.
    let words: Vec<&str> = ded.iter().map(|w| w.0.as_str()).collect();
    assert_eq!(words, ["Words", "of", "the", "dedication", "page."]);
    // Centred, in the upper half.
    let page_height = 8.0 * 72.0;
    let (x0, x1) = (ded[0].1, ded[ded.len() - 1].3);
    let glossary = pages
        .iter()
        .find(|p| p.iter().any(|w| w.0 == "glossary"))
        .unwrap();
    let text_left = glossary.iter().map(|w| w.1).fold(f64::MAX, f64::min);
    assert!(
        x0 > text_left + 20.0,
        "a dedication is centred ({x0} vs {text_left})"
    );
    assert!(ded[0].2 < page_height / 2.0);
    let _ = x1;
    // The appendix is lettered; the chapter numbered; the preface not.
    let text = pdftotext(&pdf, None);
    assert!(text.contains("APPENDIX A"));
    assert!(text.contains("CHAPTER 1"));
    assert!(
        !text.contains("CHAPTER 2"),
        "front and back matter are unnumbered"
    );
    // The contents name neither the dedication nor the epigraph.
    let contents = (1..=pdf_pages(&pdf))
        .map(|p| pdftotext(&pdf, Some(p)))
        .find(|t| t.contains("Contents"))
        .unwrap();
    assert!(!contents.contains("dedication page"), "{contents}");
    assert!(contents.contains("The Story"), "{contents}");
}

#[test]
fn eleven_columns_never_touch() {
    let names = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliett", "kilo",
    ];
    let mut md = String::from("---\ntitle: Wide\nstyle:\n  font-size: 10\n---\n\nA table:\n\n|");
    md.push_str(&names.map(|n| format!(" {n} |")).concat());
    md.push_str("\n|");
    md.push_str(&"---|".repeat(11));
    for r in 0..4 {
        md.push_str("\n|");
        md.push_str(&names.map(|n| format!(" {n}{r} |")).concat());
    }
    md.push('\n');
    let dir = project(&[("wide.md", md.as_bytes())]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(&dir.path().join("wide.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let pages = page_words(&pdf);
    let mut rows = 0;
    for page in &pages {
        // Words of one row share a baseline.
        let mut lines: Vec<Vec<&Word>> = Vec::new();
        for w in page {
            match lines.iter_mut().find(|l| (l[0].4 - w.4).abs() < 1.0) {
                Some(l) => l.push(w),
                None => lines.push(vec![w]),
            }
        }
        for mut l in lines {
            if !l.iter().any(|w| w.0.starts_with("alpha")) {
                continue;
            }
            rows += 1;
            assert_eq!(l.len(), 11, "one word a cell: {l:?}");
            l.sort_by(|a, b| a.1.total_cmp(&b.1));
            for pair in l.windows(2) {
                let gap = pair[1].1 - pair[0].3;
                // Half an em of the smallest table type (80% of 10 pt).
                assert!(
                    gap >= 4.0,
                    "{} and {} are {gap:.1} pt apart",
                    pair[0].0,
                    pair[1].0
                );
            }
        }
    }
    assert_eq!(rows, 5, "the header and four rows");
}

#[test]
fn a_landscape_table_turns_its_page() {
    let mut md = String::from(
        "---\ntitle: Turned\n---\n\n# One\n\nBefore the table.\n\n| A | B | C |\n|---|---|---|\n",
    );
    for r in 0..5 {
        md.push_str(&format!("| north{r} | south{r} | 12.5 |\n"));
    }
    md.push_str("{.landscape}\n\nAfter the table.\n");
    let dir = project(&[("t.md", md.as_bytes())]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(&dir.path().join("t.md"), &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let pages = page_words(&pdf);
    let turned = pages
        .iter()
        .find(|p| p.iter().any(|w| w.0 == "north0"))
        .unwrap();
    for w in turned.iter().filter(|w| w.0.starts_with("north")) {
        assert!(w.4 - w.2 > w.3 - w.1, "{} runs up the page: {w:?}", w.0);
    }
    assert!(
        !turned.iter().any(|w| w.0 == "Before"),
        "the table has a page of its own"
    );
}

#[test]
fn an_anthology_prints_its_sources_once_and_its_translators() {
    let dir = project(&[
        (
            "book.toml",
            b"chapters = [\"a.md\", \"b.md\"]\n[book]\ntitle = \"Coastlines\"\neditor = \"Mara Lind\"\n",
        ),
        (
            "a.md",
            "---\ntitle: The *Salt* Road\nauthor:\n  - Ines Carvalho\n  - name: Ana Lima\n    role: translator\nsource: First published in *The Coast Review*\n---\n\nIt was quiet at the harbour at dawn.\n".as_bytes(),
        ),
        (
            "b.md",
            b"---\ntitle: Tides\nauthor: Ben Okri\nsource: The *Harbour* Quarterly\n---\n\nThe tide came in.\n",
        ),
    ]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let text = pdftotext(&pdf, None);
    // Printed as given, once; a bare title is introduced.
    assert_eq!(
        text.matches("First published in The Coast Review").count(),
        1,
        "{text}"
    );
    assert!(!text.contains("First published in First"), "{text}");
    assert!(
        text.contains("First published in The Harbour Quarterly"),
        "{text}"
    );
    assert!(
        !text.contains('*'),
        "Markdown is rendered, not printed: {text}"
    );
    assert!(text.contains("Translated by Ana Lima"), "{text}");
    let contents = (1..=pdf_pages(&pdf))
        .map(|p| pdftotext(&pdf, Some(p)))
        .find(|t| t.contains("Contents"))
        .unwrap();
    assert!(contents.contains("Ines Carvalho"), "{contents}");
    assert!(contents.contains("Ben Okri"), "{contents}");

    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    let opf_name = epub_names(&epub)
        .into_iter()
        .find(|n| n.ends_with(".opf"))
        .unwrap();
    let opf = epub_file(&epub, &opf_name);
    assert!(opf.contains("Ana Lima"), "every contributor in the package");
    assert!(opf.contains(">trl<"), "with the translator's role");
}

#[test]
fn isbns_are_hyphenated_by_their_ranges() {
    for (given, printed) in [
        ("9780306406157", "978-0-306-40615-7"),
        ("9783161484100", "978-3-16-148410-0"),
        ("9781861978769", "978-1-86197-876-9"),
    ] {
        let md =
            format!("---\ntitle: Numbered\nauthor: A\nisbn: \"{given}\"\n---\n\n# One\n\nText.\n");
        let dir = project(&[("n.md", md.as_bytes())]);
        let out = dir.path().join("out");
        let (r, pdf) = build_pdf(&dir.path().join("n.md"), &out, &["--layout", "book"]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        let text = pdftotext(&pdf, None);
        assert!(text.contains(printed), "{printed} in {text}");
    }
    // No ISBN: no identifier on the copyright page.
    let dir = project(&[(
        "n.md",
        b"---\ntitle: Bare\nauthor: A\n---\n\n# One\n\nText.\n",
    )]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(&dir.path().join("n.md"), &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let text = pdftotext(&pdf, None);
    assert!(
        !text.contains("urn:uuid") && !text.contains("ISBN"),
        "{text}"
    );
}

#[test]
fn a_books_stylesheet_is_added_checked_and_reported() {
    let font = std::fs::read(repo().join("fonts/CharisSIL-Italic.ttf")).unwrap();
    let dir = book_with_parts();
    std::fs::create_dir_all(dir.path().join("style")).unwrap();
    std::fs::write(dir.path().join("style/fancy.ttf"), &font).unwrap();
    std::fs::write(
        dir.path().join("style/extra.css"),
        "@font-face { font-family: \"Fancy\"; src: url(\"fancy.ttf\"); }\nh1 .title { font-family: \"Fancy\", serif; color: #602020; }\n",
    )
    .unwrap();
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        format!("{toml}\n[epub]\ncss = \"style/extra.css\"\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("css-invalid"), "{}", r.stderr);
    assert_valid(&epub);
    let css_name = epub_names(&epub)
        .into_iter()
        .find(|n| n.ends_with("stylesheet.css"))
        .unwrap();
    let css = epub_file(&epub, &css_name);
    assert!(css.contains("color: #602020"), "the rules are in the EPUB");
    assert!(
        epub_names(&epub).iter().any(|n| n.ends_with("fancy.ttf")),
        "and the font they name"
    );

    // A syntax error: a warning at its line, and the stylesheet left out.
    std::fs::write(
        dir.path().join("style/extra.css"),
        "h1 { color: red; }\nh2 { margin 0 }\n",
    )
    .unwrap();
    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("extra.css:2:6: warning")
            && r.stderr.contains("[css-invalid]")
            && r.stderr.contains("left out"),
        "{}",
        r.stderr
    );
    assert_valid(&epub);
    let css = epub_file(&epub, &css_name);
    assert!(!css.contains("margin 0"));

    // A file it names outside the project is an error; check says so too.
    std::fs::write(
        dir.path().join("style/extra.css"),
        "@font-face { font-family: X; src: url(\"../../../../etc/passwd\"); }\n",
    )
    .unwrap();
    let r = run(quire().arg("check").arg(dir.path()));
    assert_ne!(r.status, 0, "{}", r.stderr);
    assert!(r.stderr.contains("extra.css:1:"), "{}", r.stderr);
}

#[test]
fn a_chapter_files_own_style_is_ignored_with_a_warning() {
    let dir = book_with_parts();
    std::fs::write(
        dir.path().join("two.md"),
        "---\nstyle:\n  scene-break: fleuron\n---\n\n# The Town\n\nThe town was small.\n",
    )
    .unwrap();
    let r = run(quire().arg("check").arg(dir.path()));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("two.md:2:1: warning") && r.stderr.contains("[metadata-ignored]"),
        "{}",
        r.stderr
    );
}

#[test]
fn house_style_reaches_both_formats() {
    let mut md = String::from(
        "---\ntitle: Styled\nauthor: Ann Lee\nstyle:\n  font-size: 10\n  scene-break: fleuron\n  \
         chapter-number: inline\n  first-paragraph: drop-cap\n  headings: small-caps\n---\n\n",
    );
    for i in 1..=2 {
        md.push_str(&format!("# Harbour {i}\n\n"));
        for p in 0..4 {
            md.push_str(&format!(
                "Tomorrow the harbour would be quiet again, paragraph {p} said, and the boats would \
                 come in one by one with the tide under a grey sky that promised nothing.\n\n"
            ));
            if p == 1 {
                md.push_str("* * *\n\n");
            }
        }
    }
    let dir = project(&[("s.md", md.as_bytes())]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(&dir.path().join("s.md"), &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let text = pdftotext(&pdf, None);
    assert!(text.contains('\u{2766}'), "the fleuron marks the break");
    assert!(
        text.contains("Chapter 1: Harbour 1"),
        "label inline: {text}"
    );
    // The drop cap: a "T" two lines tall, beside the paragraph's first two
    // lines, which start to its right.
    let pages = page_words(&pdf);
    let page = pages
        .iter()
        .find(|p| p.iter().any(|w| w.0 == "omorrow"))
        .unwrap();
    let cap = page.iter().find(|w| w.0 == "T").expect("a drop cap");
    let body = page.iter().find(|w| w.0 == "harbour").unwrap();
    let (cap_h, body_h) = (cap.4 - cap.2, body.4 - body.2);
    assert!(
        cap_h > body_h * 1.8,
        "cap {cap_h:.1} pt, body {body_h:.1} pt"
    );
    let rest = page
        .iter()
        .find(|w| w.0 == "omorrow")
        .expect("the rest of the word");
    assert!(rest.1 > cap.3, "the first line starts after the cap");

    let (r, epub) = build_epub(&dir.path().join("s.md"), &out, &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    let css_name = epub_names(&epub)
        .into_iter()
        .find(|n| n.ends_with("stylesheet.css"))
        .unwrap();
    let css = epub_file(&epub, &css_name);
    assert!(css.contains("::first-letter"), "drop cap in the EPUB");
    assert!(css.contains("\u{2766}"), "fleuron in the EPUB");
    assert!(
        css.contains("font-variant: small-caps"),
        "small-caps headings"
    );
}
