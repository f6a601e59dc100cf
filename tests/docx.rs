//! Word manuscripts, judged from the books they make: Word files that
//! pandoc and LibreOffice made from the corpus books and the manual
//! (tests/corpus/docx/make.sh) build into both formats with the words,
//! chapters, emphasis, tables and listings of the Markdown they came
//! from; hostile .docx files are refused with the reason.

mod common;
use common::*;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The words of a PDF's text, running heads (each page's first line)
/// and folios left out, soft hyphens and line-end hyphens joined.
fn body_words(pdf: &Path) -> HashMap<String, usize> {
    let text = pdftotext(pdf, None);
    let mut out = HashMap::new();
    for page in text.split('\u{c}') {
        let body: String = page
            .trim_start_matches('\n')
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
            .replace('\u{ad}', "")
            .replace("-\n", "");
        for w in body
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        {
            *out.entry(w.to_lowercase()).or_insert(0) += 1;
        }
    }
    out
}

/// How many of the reference's words the other text has.
fn recall(reference: &HashMap<String, usize>, other: &HashMap<String, usize>) -> f64 {
    let total: usize = reference.values().sum();
    let found: usize = reference
        .iter()
        .map(|(w, n)| (*n).min(other.get(w).copied().unwrap_or(0)))
        .sum();
    found as f64 / total as f64
}

/// Every chapter file's XHTML in an EPUB, joined.
fn epub_text(epub: &Path) -> String {
    epub_names(epub)
        .iter()
        .filter(|n| n.ends_with(".xhtml"))
        .map(|n| epub_file(epub, n))
        .collect()
}

/// The chapter titles of the EPUB's contents.
fn contents(epub: &Path) -> Vec<String> {
    let nav = epub_names(epub)
        .into_iter()
        .find(|n| n.ends_with("nav.xhtml"))
        .unwrap();
    let nav = epub_file(epub, &nav);
    let toc = nav.split("epub:type=\"toc\"").nth(1).unwrap();
    let toc = toc.split("</nav>").next().unwrap();
    toc.split("<a ")
        .skip(1)
        .map(|a| {
            let text = a.split_once('>').unwrap().1.split("</a>").next().unwrap();
            text.replace("&amp;", "&").trim().to_string()
        })
        .collect()
}

#[test]
fn word_files_from_pandoc_and_libreoffice_build_like_their_markdown() {
    let corpus = repo().join("tests/corpus");
    let out = tempfile::tempdir().unwrap();
    // (Word file, the Markdown it was made from, its chapters.)
    let books: [(&str, &str, &[&str]); 3] = [
        (
            "nomicon",
            "nomicon",
            &[
                "meet-safe-and-unsafe.md",
                "ownership.md",
                "lifetimes.md",
                "subtyping.md",
                "phantom-data.md",
                "races.md",
                "send-and-sync.md",
                "ffi.md",
            ],
        ),
        (
            "rust-book",
            "rust-book",
            &["chapter03.md", "chapter04.md", "chapter08.md"],
        ),
        (
            "nomicon-libreoffice",
            "nomicon",
            &[
                "meet-safe-and-unsafe.md",
                "ownership.md",
                "races.md",
                "ffi.md",
            ],
        ),
    ];
    for (name, source, chapters) in books {
        // The Markdown, as a book of the same chapters.
        let md = out.path().join(format!("{name}-md"));
        std::fs::create_dir_all(&md).unwrap();
        for c in chapters {
            std::fs::copy(corpus.join(source).join(c), md.join(c)).unwrap();
        }
        let img = corpus.join(source).join("img");
        std::fs::create_dir_all(md.join("img")).unwrap();
        for f in std::fs::read_dir(&img).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, md.join("img").join(f.file_name().unwrap())).unwrap();
        }
        let list: Vec<String> = chapters.iter().map(|c| format!("\"{c}\"")).collect();
        std::fs::write(
            md.join("book.toml"),
            format!("chapters = [{}]\n[book]\ntitle = \"T\"\n", list.join(", ")),
        )
        .unwrap();
        let (r, md_out) = build_both(&md, &out.path().join(format!("{name}-md-out")));
        assert_eq!(r.status, 0, "{name}: {}", r.stderr);
        let md_epub = md_out.join(format!("{name}-md.epub"));
        let md_pdf = md_epub.with_extension("pdf");
        let docx = corpus.join("docx").join(format!("{name}.docx"));
        let dir = out.path().join(name);
        let (r, epub) = both(&docx, &dir, &["--layout", "book"]);
        assert_eq!(r.status, 0, "{name}: {}", r.stderr);
        let pdf = epub.with_extension("pdf");
        assert_valid(&epub);
        let check = tool("qpdf", &[std::ffi::OsStr::new("--check"), pdf.as_os_str()]);
        assert!(check.status.success(), "{name}: qpdf");
        // Pictures inside the Word file come through; none is left out.
        assert!(!r.stderr.contains("left out"), "{name}: {}", r.stderr);
        // The words.
        let (a, b) = (body_words(&md_pdf), body_words(&pdf));
        let got = recall(&a, &b);
        assert!(got >= 0.99, "{name}: word recall {got:.4}");
        // The same chapters, emphasis, tables and listings.
        let (mc, dc) = (contents(&md_epub), contents(&epub));
        let chapters_of = |c: &[String]| -> Vec<String> {
            c.iter()
                // The title pages: the Word files carry the books' titles.
                .filter(|t| {
                    !matches!(
                        t.as_str(),
                        "T" | "Contents"
                            | "Copyright"
                            | "The Rustonomicon"
                            | "The Rust Programming Language"
                    )
                })
                .cloned()
                .collect()
        };
        assert_eq!(
            chapters_of(&mc)[..chapters.len().min(mc.len())],
            chapters_of(&dc)[..chapters.len().min(dc.len())],
            "{name}"
        );
        let (mt, dt) = (epub_text(&md_epub), epub_text(&epub));
        let count = |t: &str, s: &str| t.matches(s).count() as f64;
        assert_eq!(count(&mt, "<table"), count(&dt, "<table"), "{name}: tables");
        // Figures: the Rust book's are raw HTML <img>, which pandoc does
        // not put in a Word file.
        if name != "rust-book" {
            assert_eq!(
                count(&mt, "<figure"),
                count(&dt, "<figure"),
                "{name}: figures"
            );
        }
        for (tag, slack) in [("<em>", 0.05), ("<strong>", 0.05), ("<pre", 0.06)] {
            let (m, d) = (count(&mt, tag), count(&dt, tag));
            assert!(
                (m - d).abs() <= (m * slack).max(1.0),
                "{name}: {tag} {m} in the Markdown, {d} from Word"
            );
        }
    }
}

/// The manual as pandoc writes it to Word: its figure comes through with
/// its caption paragraph and its alt text.
#[test]
fn a_word_picture_is_a_figure_with_its_caption() {
    let out = tempfile::tempdir().unwrap();
    let docx = repo().join("tests/corpus/docx/manual.docx");
    let (r, epub) = both(&docx, out.path(), &["--layout", "book"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    let text = epub_text(&epub);
    let figure = text
        .split("<figure")
        .nth(1)
        .expect("a figure")
        .split("</figure>")
        .next()
        .unwrap();
    assert!(
        figure.contains("alt=\"The flow from manuscripts to formats\""),
        "{figure}"
    );
    assert!(
        figure.contains("<figcaption") && figure.contains("The flow from manuscripts to formats"),
        "{figure}"
    );
    // The same notes, emphasis, tables, figures and listings as the
    // manual built from its Markdown.
    let (r, md_out) = build_both(&manuscripts().join("quire-manual"), &out.path().join("md"));
    assert_eq!(r.status, 0, "{}", r.stderr);
    // (Less its index, which the Word file has no marks for.)
    let md: String = epub_text(&md_out.join("quire-manual.epub"))
        .split("<?xml")
        .filter(|doc| !doc.contains("epub:type=\"index\""))
        .collect();
    for tag in [
        "epub:type=\"footnote\"",
        "<em>",
        "<table",
        "<figure",
        "<pre",
    ] {
        assert_eq!(md.matches(tag).count(), text.matches(tag).count(), "{tag}");
    }
    // In the PDF too: the picture is on a page.
    let pdf = epub.with_extension("pdf");
    let list = tool_text(
        "pdfimages",
        &[std::ffi::OsStr::new("-list"), pdf.as_os_str()],
    );
    assert!(list.lines().count() > 2, "{list}");
}

/// Builds both formats: the run and the EPUB's path (the PDF beside it).
fn both(input: &Path, out: &Path, extra: &[&str]) -> (Run, std::path::PathBuf) {
    let (r, p) = build_as("epub,pdf", input, out, extra);
    (r, p.with_extension("epub"))
}

/// A Word file made here, part by part.
fn docx(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

fn document(body: &str) -> Vec<u8> {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document {NS}><w:body>{body}</w:body></w:document>")
        .into_bytes()
}

fn para(style: &str, runs: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{runs}</w:p>")
}

fn run(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
}

#[test]
fn a_word_manuscript_keeps_its_structure_and_says_what_it_dropped() {
    let styles = format!(
        "<w:styles {NS}>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"ChapterHead\"><w:name w:val=\"Chapter Head\"/><w:basedOn w:val=\"Heading1\"/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Quote\"><w:name w:val=\"Quote\"/></w:style>\
</w:styles>"
    );
    let numbering = format!(
        "<w:numbering {NS}><w:abstractNum w:abstractNumId=\"0\">\
<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/></w:lvl>\
<w:lvl w:ilvl=\"1\"><w:numFmt w:val=\"bullet\"/></w:lvl></w:abstractNum>\
<w:num w:numId=\"3\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>"
    );
    let footnotes = format!(
        "<w:footnotes {NS}><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p/></w:footnote>\
<w:footnote w:id=\"1\"><w:p>{}</w:p></w:footnote></w:footnotes>",
        run("The note says where the ink came from.")
    );
    let list = |level: u8, text: &str| {
        format!(
            "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"3\"/></w:numPr></w:pPr>{}</w:p>",
            run(text)
        )
    };
    let body = [
        para("Title", &run("The Printer’s Devil")),
        para("ChapterHead", &run("Ink")),
        format!(
            "<w:p>{}<w:r><w:rPr><w:i/></w:rPr><w:t>italic</w:t></w:r>{}<w:r><w:rPr><w:b/></w:rPr><w:t>bold</w:t></w:r>{}<w:ins w:id=\"1\" w:author=\"Ed\">{}</w:ins><w:del w:id=\"2\" w:author=\"Ed\"><w:r><w:delText>struck words</w:delText></w:r></w:del><w:commentRangeStart w:id=\"0\"/>{}<w:commentRangeEnd w:id=\"0\"/><w:r><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr><w:footnoteReference w:id=\"1\"/></w:r></w:p>",
            run("Words in "),
            run(" and "),
            run(" type, "),
            run("an inserted clause, "),
            run("then the end.")
        ),
        "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>* * *</w:t></w:r></w:p>".to_string(),
        list(0, "First step"),
        list(1, "A detail"),
        list(0, "Second step"),
        para("Quote", &run("A quoted line from the composing room.")),
        format!(
            "<w:tbl><w:tr><w:tc><w:p>{}</w:p></w:tc><w:tc><w:p>{}</w:p></w:tc></w:tr><w:tr><w:tc><w:p>{}</w:p></w:tc><w:tc><w:p>{}</w:p></w:tc></w:tr></w:tbl>",
            run("Face"),
            run("Size"),
            run("Caslon"),
            run("11 pt")
        ),
        para("Heading1", &run("Paper")),
        format!(
            "<w:p>{}<w:hyperlink w:anchor=\"nowhere\">{}</w:hyperlink>{}<w:r><w:rPr><w:smallCaps/></w:rPr><w:t>Royal Society</w:t></w:r></w:p>",
            run("See "),
            run("the missing place"),
            run(" and the ")
        ),
    ]
    .concat();
    let core = b"<?xml version=\"1.0\"?><cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator>Ada Compositor</dc:creator><dc:language>en-GB</dc:language></cp:coreProperties>";
    let comments = format!(
        "<w:comments {NS}><w:comment w:id=\"0\"><w:p>{}</w:p></w:comment></w:comments>",
        run("Check this")
    );
    let file = docx(&[
        ("word/document.xml", &document(&body)),
        ("word/styles.xml", styles.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
        ("word/footnotes.xml", footnotes.as_bytes()),
        ("word/comments.xml", comments.as_bytes()),
        ("docProps/core.xml", core),
    ]);
    let dir = project(&[("devil.docx", &file)]);
    let out = tempfile::tempdir().unwrap();
    let (r, epub) = both(
        &dir.path().join("devil.docx"),
        out.path(),
        &["--layout", "book"],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    // What was dropped, counted; the link to nowhere at its paragraph.
    for said in [
        "devil.docx: warning: 2 tracked change(s) taken as accepted: 1 insertion(s) kept, 1 deletion(s) left out [docx-dropped]",
        "devil.docx: warning: 1 comment(s) left out [docx-dropped]",
        // Paragraph 14: cells count as paragraphs, in document order.
        "devil.docx:14:1: warning: link to `#nowhere`",
        // …quoting the paragraph, since a Word file has no lines.
        "[link-dropped]\n  in: paragraph 14, “See the missing place and the…”",
    ] {
        assert!(r.stderr.contains(said), "{said}\n{}", r.stderr);
    }
    // The JSON report carries the quote too.
    let json = common::run(
        quire()
            .args(["check", "--format", "json", "--layout", "book"])
            .arg(dir.path().join("devil.docx")),
    );
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let link = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "link-dropped")
        .unwrap();
    assert_eq!(link["line"], 14);
    assert_eq!(
        link["excerpt"],
        "paragraph 14, “See the missing place and the…”"
    );
    let text = epub_text(&epub);
    assert!(text.contains("<em>italic</em>") && text.contains("<strong>bold</strong>"));
    assert!(text.contains("an inserted clause") && !text.contains("struck words"));
    assert!(!text.contains("Check this"));
    assert!(text.contains("The note says where the ink came from."));
    assert!(text.contains("<ol") && text.contains("<ul") && text.contains("A detail"));
    assert!(text.contains("<blockquote"));
    assert!(text.contains("<table") && text.contains("Caslon"));
    assert!(text.contains("<hr"), "the scene break");
    assert!(
        text.contains("<span class=\"smallcaps\">Royal Society</span>"),
        "small capitals"
    );
    // Two chapters by their styles (one a style based on Heading 1), the
    // title and author from the Title paragraph and the core properties.
    let toc = contents(&epub);
    assert!(
        toc.iter().any(|t| t.contains("Ink")) && toc.iter().any(|t| t.contains("Paper")),
        "{toc:?}"
    );
    let opf = epub_names(&epub)
        .into_iter()
        .find(|n| n.ends_with(".opf"))
        .unwrap();
    let opf = epub_file(&epub, &opf);
    assert!(
        opf.contains("The Printer’s Devil") && opf.contains("Ada Compositor"),
        "{opf}"
    );
    assert!(opf.contains(">en-GB<"), "{opf}");
    let pdf = epub.with_extension("pdf");
    let words = pdftotext(&pdf, None);
    assert!(words.contains("Words in italic and bold type"), "{words}");
}

#[test]
fn hostile_word_files_are_refused_with_the_reason() {
    let out = tempfile::tempdir().unwrap();
    let deep_links = format!(
        "<w:p>{}{}{}</w:p>",
        "<w:hyperlink>".repeat(10_000),
        run("deep"),
        "</w:hyperlink>".repeat(10_000)
    );
    let deep_tables = format!(
        "{}<w:p/>{}",
        "<w:tbl><w:tr><w:tc>".repeat(10_000),
        "</w:tc></w:tr></w:tbl>".repeat(10_000)
    );
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY a \"ha\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><w:document {NS}><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>"
    );
    // 130 MB of spaces inside a paragraph: a few hundred kilobytes zipped.
    let bomb = {
        let mut d = b"<w:document><w:body><w:p><w:r><w:t>".to_vec();
        d.resize(d.len() + (130 << 20), b' ');
        d
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "plain.docx",
            b"just some text".to_vec(),
            "error: not a .docx: it is not a zip archive",
        ),
        (
            "locked.docx",
            [
                &[0xD0u8, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
                &[0; 512],
            ]
            .concat(),
            "error: not a .docx: an encrypted (password-protected) Word file or an old binary .doc",
        ),
        (
            "empty.docx",
            docx(&[("word/styles.xml", b"<w:styles/>")]),
            "error: not a .docx: it has no word/document.xml",
        ),
        (
            "broken.docx",
            docx(&[("word/document.xml", b"<w:document><w:body><w:p>")]),
            "error: the Word file's word/document.xml is not well-formed XML",
        ),
        (
            "laughs.docx",
            docx(&[("word/document.xml", laughs.as_bytes())]),
            "error: the Word file's word/document.xml declares a DTD (entities), which Word files never do",
        ),
        (
            "bomb.docx",
            docx(&[("word/document.xml", &bomb)]),
            "is larger than Quire reads once uncompressed (over 128 MB): a damaged file or a zip bomb",
        ),
        (
            "links.docx",
            docx(&[("word/document.xml", &document(&deep_links))]),
            "error: inline elements nested deeper than Quire reads",
        ),
        (
            "tables.docx",
            docx(&[("word/document.xml", &document(&deep_tables))]),
            "error: tables inside tables nested deeper than Quire reads",
        ),
    ];
    for (name, data, said) in cases {
        let dir = project(&[(name, &data)]);
        let target = out.path().join(name);
        let (r, _) = both(&dir.path().join(name), &target, &[]);
        assert_eq!(r.status, 1, "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains(name) && r.stderr.contains(said),
            "{name}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
        assert!(
            listing(&target).is_empty(),
            "{name}: {:?}",
            listing(&target)
        );
    }
}

/// A publisher's own style names, mapped in book.toml; a Word chapter in
/// a book beside a Markdown one.
#[test]
fn a_publisher_s_styles_are_mapped_in_book_toml() {
    let styles = format!(
        "<w:styles {NS}>\
<w:style w:type=\"paragraph\" w:styleId=\"CT\"><w:name w:val=\"CT Chapter Title\"/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Orn\"><w:name w:val=\"Ornament\"/></w:style>\
</w:styles>"
    );
    let body = [
        para("CT", &run("The Long Night")),
        format!("<w:p>{}</w:p>", run("It began at dusk.")),
        para("Orn", &run("~ ❦ ~")),
        format!("<w:p>{}</w:p>", run("It ended at dawn.")),
        para("CT", &run("The Morning")),
        format!("<w:p>{}</w:p>", run("Light came.")),
    ]
    .concat();
    let file = docx(&[
        ("word/document.xml", &document(&body)),
        ("word/styles.xml", styles.as_bytes()),
    ]);
    let toml = "chapters = [\"opening.md\", \"story.docx\"]\n[book]\ntitle = \"Nights\"\nauthors = [\"A. Writer\"]\n\n[docx.styles]\n\"CT Chapter Title\" = \"heading 1\"\n\"Ornament\" = \"scene-break\"\n";
    let dir = project(&[
        ("book.toml", toml.as_bytes()),
        ("opening.md", b"# Opening\n\nIn Markdown.\n"),
        ("story.docx", &file),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, out_dir) = build_both(dir.path(), out.path());
    assert_eq!(r.status, 0, "{}", r.stderr);
    let name = std::fs::canonicalize(dir.path()).unwrap();
    let epub = out_dir.join(format!(
        "{}.epub",
        name.file_name().unwrap().to_string_lossy()
    ));
    assert_valid(&epub);
    let toc = contents(&epub);
    for t in ["Opening", "The Long Night", "The Morning"] {
        assert!(toc.iter().any(|x| x.contains(t)), "{t}: {toc:?}");
    }
    assert!(
        epub_text(&epub).contains("<hr"),
        "the ornament is a scene break"
    );

    // A role that is not one is an error at its line.
    std::fs::write(
        dir.path().join("book.toml"),
        toml.replace("\"scene-break\"", "\"fleuron\""),
    )
    .unwrap();
    let (r, _) = build_both(dir.path(), &out.path().join("bad"));
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("book.toml:8:1: error: [docx] styles: style `Ornament`: `fleuron` is not a paragraph role"),
        "{}",
        r.stderr
    );
}
