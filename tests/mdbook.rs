//! mdBook projects read as they are: SUMMARY.md's chapters, parts and
//! nesting, includes, hidden lines, the Rust book's listings. Judged on a
//! trimmed copy of the Rust book kept as an mdBook project
//! (tests/corpus/mdbook-rust-book), real summaries, and small projects
//! for what the real ones do not hold.

mod common;

use common::*;
use std::path::Path;

/// An XHTML document's text: its tags taken out.
fn text_of(xhtml: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in xhtml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The PDF outline as (depth, title), in order.
fn outline(pdf: &Path) -> Vec<(usize, String)> {
    let out = tool(
        "qpdf",
        &[
            std::ffi::OsStr::new("--json"),
            std::ffi::OsStr::new("--json-key=outlines"),
            pdf.as_os_str(),
        ],
    );
    assert!(out.status.success(), "qpdf --json failed");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    fn walk(items: &serde_json::Value, depth: usize, out: &mut Vec<(usize, String)>) {
        for item in items.as_array().into_iter().flatten() {
            out.push((depth, item["title"].as_str().unwrap_or("").to_string()));
            walk(&item["kids"], depth + 1, out);
        }
    }
    let mut entries = Vec::new();
    walk(&json["outlines"], 0, &mut entries);
    entries
}

#[test]
fn the_rust_book_as_an_mdbook_project_builds_as_its_summary_says() {
    let book = repo().join("tests/corpus/mdbook-rust-book");
    let dir = tempfile::tempdir().unwrap();
    let (r, out) = build_both(&book, dir.path());
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stderr.contains("\n0 error(s)"), "{}", r.stderr);
    // The book's own preprocessors cannot run, and say so at their line.
    assert!(
        r.stderr
            .contains("book.toml:44:1: warning: the preprocessor `trpl-listing` is not run"),
        "{}",
        r.stderr
    );
    let pdf = out.join("mdbook-rust-book.pdf");
    let epub = out.join("mdbook-rust-book.epub");
    assert!(
        tool("qpdf", &[std::ffi::OsStr::new("--check"), pdf.as_os_str()])
            .status
            .success()
    );
    assert_valid(&epub);

    // The outline follows SUMMARY.md: prefix chapters, then each chapter
    // with the sections nested under it.
    let entries = outline(&pdf);
    let chapters: Vec<&str> = entries
        .iter()
        .filter(|(d, _)| *d == 0)
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        chapters,
        [
            "Foreword",
            "Introduction",
            "Getting Started",
            "Understanding Ownership",
            "Appendix"
        ],
        "{entries:?}"
    );
    let at = |t: &str| entries.iter().position(|(_, e)| e == t).unwrap();
    let ownership = at("Understanding Ownership");
    assert_eq!(
        entries[ownership + 1],
        (1, "What Is Ownership?".to_string())
    );
    assert!(entries.contains(&(1, "References and Borrowing".to_string())));
    assert!(entries.contains(&(1, "Hello, World!".to_string())));

    // The EPUB's navigation nests the same way.
    let nav = epub_file(&epub, "OEBPS/nav.xhtml");
    let start = nav.find(">Understanding Ownership</a>").unwrap();
    let next = nav[start..].find("<li>").unwrap() + start;
    assert!(
        nav[start..next].contains("<ol>") && nav[next..].contains("What Is Ownership?"),
        "{nav}"
    );

    // Includes resolved (the anchored part only), listings captioned,
    // nothing of mdBook's syntax printed.
    let text = pdftotext(&pdf, None);
    assert!(text.contains("let s = \"hello\";"), "include missing");
    assert!(
        text.contains("Listing 4-1: A variable and the scope in which it is valid"),
        "listing caption missing"
    );
    assert!(text.contains("Filename: src/main.rs"));
    for mark in ["{{#", "ANCHOR", "<Listing", "caption="] {
        assert!(!text.contains(mark), "`{mark}` printed");
    }
    let chapter = epub_names(&epub)
        .into_iter()
        .filter(|n| n.ends_with(".xhtml"))
        .map(|n| epub_file(&epub, &n))
        .collect::<String>();
    assert!(!chapter.contains("{{#") && !chapter.contains("ANCHOR"));

    // The SVG figures are drawings: their text is text, no picture stands in.
    assert!(text.contains("Figure 4-1"));
    let images = tool_text(
        "pdfimages",
        &[std::ffi::OsStr::new("-list"), pdf.as_os_str()],
    );
    assert!(
        images.lines().skip(2).all(|l| !l.contains("trpl04")),
        "{images}"
    );
    let svg_words = ["capacity", "index", "value"];
    for w in svg_words {
        assert!(text.contains(w), "SVG text `{w}` missing");
    }
}

#[test]
fn hidden_lines_parts_drafts_and_bad_entries() {
    let dir = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"Small\"\nauthors = [\"A. Writer\"]\nlanguage = \"en\"\n\n[output.html]\nmathjax-support = true\n",
        ),
        (
            "src/SUMMARY.md",
            b"# Summary\n\n[Preface](preface.md)\n\n# Part One\n\n- [Start](start.md)\n  - [Later]()\n  - [Detail](detail.md)\n\n---\n\n[Credits](credits.md)\n",
        ),
        ("src/preface.md", b"# Preface\n\nWhy.\n"),
        (
            "src/start.md",
            b"# Start\n\n```rust\n# fn main() {\nlet shown = 1;\n##[derive(Debug)]\n# }\n```\n\nSee [the detail](detail.md) and [its page](detail.html).\n",
        ),
        ("src/detail.md", b"# Detail\n\n{{#include ../code/a.rs:body}}\n"),
        (
            "code/a.rs",
            b"fn f() {\n    // ANCHOR: body\n    Included words.\n    // ANCHOR_END: body\n}\n",
        ),
        ("src/credits.md", b"# Credits\n\nThanks.\n"),
    ]);
    let out = dir.path().join("out");
    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("SUMMARY.md:8:5: warning: `Later` is a draft chapter"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("link-dropped"), "{}", r.stderr);
    assert_valid(&epub);
    let start = text_of(&epub_file(&epub, "OEBPS/ch03.xhtml"));
    assert!(start.contains("let shown = 1;"), "{start}");
    assert!(start.contains("#[derive(Debug)]"), "{start}");
    assert!(!start.contains("fn main"), "hidden line shown: {start}");
    let detail = text_of(&epub_file(&epub, "OEBPS/ch04.xhtml"));
    assert!(detail.contains("Included words."), "{detail}");
    assert!(!detail.contains("fn f()"), "{detail}");
    let nav = epub_file(&epub, "OEBPS/nav.xhtml");
    for t in ["Preface", "Part One", "Start", "Detail", "Credits"] {
        assert!(nav.contains(&format!(">{t}</a>")), "{t}: {nav}");
    }
    // The PDF's outline: the part holds its chapter, the chapter its
    // section; prefix and suffix chapters stand at the top.
    let (r, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let entries = outline(&pdf);
    let at = |t: &str| entries.iter().find(|(_, e)| e == t).map(|(d, _)| *d);
    assert_eq!(
        [
            at("Preface"),
            at("Part One"),
            at("Start"),
            at("Detail"),
            at("Credits")
        ],
        [Some(0), Some(0), Some(1), Some(2), Some(0)],
        "{entries:?}"
    );

    // A missing file, a file listed twice, a link out of the book: errors
    // at their line of SUMMARY.md, and nothing written.
    std::fs::write(
        dir.path().join("src/SUMMARY.md"),
        "- [Start](start.md)\n- [Gone](gone.md)\n- [Again](start.md)\n- [Out](../book.toml)\n",
    )
    .unwrap();
    let out2 = dir.path().join("out2");
    let (r, _) = build_epub(dir.path(), &out2, &[]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    for (line, what) in [
        ("SUMMARY.md:2:3: error", "gone.md"),
        ("SUMMARY.md:3:3: error", "listed twice"),
        ("SUMMARY.md:4:3: error", "leads out of"),
    ] {
        assert!(
            r.stderr.contains(line) && r.stderr.contains(what),
            "{line} {what}: {}",
            r.stderr
        );
    }
    assert!(!out2.exists() || listing(&out2).is_empty());

    // A chapter that is a link to a file outside the project is refused.
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.md"), "# Secret\n\nkey\n").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.md"),
            dir.path().join("src/linked.md"),
        )
        .unwrap();
        std::fs::write(dir.path().join("src/SUMMARY.md"), "- [Linked](linked.md)\n").unwrap();
        let (r, _) = build_epub(dir.path(), &dir.path().join("out4"), &[]);
        assert_eq!(r.status, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains("SUMMARY.md:1:3: error")
                && r.stderr.contains("leads out of the book's project"),
            "{}",
            r.stderr
        );
    }

    // An include that leaves the project or loops: an error at its place.
    std::fs::write(dir.path().join("src/SUMMARY.md"), "- [Loop](loop.md)\n").unwrap();
    std::fs::write(
        dir.path().join("src/loop.md"),
        "# Loop\n\n{{#include loop.md}}\n\n{{#include ../../outside.md}}\n",
    )
    .unwrap();
    let (r, _) = build_epub(dir.path(), &dir.path().join("out3"), &[]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(r.stderr.contains("loop.md:3:1: error") && r.stderr.contains("cycle"));
    assert!(r.stderr.contains("loop.md:5:1: error") && r.stderr.contains("outside"));
}

/// The page (1-based) whose text holds `needle` first.
fn page_of(pdf: &Path, needle: &str) -> usize {
    let text = pdftotext(pdf, None);
    let page = text.split('\u{c}').position(|p| p.contains(needle));
    page.unwrap_or_else(|| panic!("`{needle}` not in the PDF")) + 1
}

#[test]
fn sections_run_on_or_start_pages_and_output_quire_sets_the_book() {
    let summary = "# Summary\n\n- [Rivers](rivers.md)\n  - [Deltas](deltas.md)\n    - [Silt](silt.md)\n- [Hills](hills.md)\n";
    let toml = "[book]\ntitle = \"Land\"\nauthors = [\"A. Writer\"]\n\n[output.quire]\nsections = \"headings\"\n\n[output.quire.book]\npublisher = \"Field Press\"\n\n[output.quire.pdf]\npage-size = \"5x8in\"\n";
    let dir = project(&[
        ("book.toml", toml.as_bytes()),
        ("src/SUMMARY.md", summary.as_bytes()),
        (
            "src/rivers.md",
            b"# Rivers\n\nWater runs down.[^a]\n\n[^a]: The first note.\n",
        ),
        (
            "src/deltas.md",
            b"# Deltas\n\nWhere rivers end.[^a]\n\n## Fans\n\nSpread wide.\n\n[^a]: The second note.\n",
        ),
        ("src/silt.md", b"# Silt\n\nFine grains.\n"),
        (
            "src/hills.md",
            b"# Hills\n\nHigh ground; see [the key](#netgit-fetch) and [deltas](deltas.md#fans).\n\n## `net.git-fetch`\n\nA key.\n",
        ),
    ]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // Links by the ids mdBook and GitHub give headings land.
    assert!(!r.stderr.contains("link-dropped"), "{}", r.stderr);
    // Sections set on: Deltas and Silt share the page of Rivers; Hills, a
    // chapter, starts its own.
    let rivers = page_of(&pdf, "Water runs down.");
    assert_eq!(page_of(&pdf, "Where rivers end."), rivers);
    assert_eq!(page_of(&pdf, "Fine grains."), rivers);
    assert!(page_of(&pdf, "High ground;") > rivers);
    // The section's note numbers on from its chapter's.
    let page = pdftotext(&pdf, Some(rivers));
    assert!(
        page.contains("1. The first note.") && page.contains("2. The second note."),
        "{page}"
    );
    // [output.quire.pdf] sets the trim; [output.quire.book] the metadata.
    let info = tool_text("pdfinfo", &[pdf.as_os_str()]);
    assert!(info.contains("360 x 576 pts"), "{info}");
    // The outline nests each section under its chapter, and Fans under Deltas.
    let entries = outline(&pdf);
    let titles: Vec<(usize, &str)> = entries.iter().map(|(d, t)| (*d, t.as_str())).collect();
    for want in [
        (0, "Rivers"),
        (1, "Deltas"),
        (2, "Fans"),
        (2, "Silt"),
        (0, "Hills"),
    ] {
        assert!(titles.contains(&want), "{want:?}: {titles:?}");
    }
    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    let deltas = epub_file(&epub, "OEBPS/ch02.xhtml");
    assert!(
        deltas.contains("<h2 id=") && deltas.contains("<h3 id="),
        "{deltas}"
    );
    assert!(epub_file(&epub, "OEBPS/ch03.xhtml").contains("<h3 id="));
    assert!(epub_file(&epub, "OEBPS/content.opf").contains("Field Press"));

    // As chapters of their own, each section starts a page.
    let toml = toml.replace("sections = \"headings\"", "sections = \"chapters\"");
    std::fs::write(dir.path().join("book.toml"), &toml).unwrap();
    let (r, pdf) = build_pdf(dir.path(), &dir.path().join("out2"), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let rivers = page_of(&pdf, "Water runs down.");
    assert!(page_of(&pdf, "Where rivers end.") > rivers);
    assert!(page_of(&pdf, "Fine grains.") > page_of(&pdf, "Where rivers end."));

    // A misspelt key in [output.quire] is an error at its line.
    let bad = toml.replace("sections = \"chapters\"", "section = \"chapters\"");
    std::fs::write(dir.path().join("book.toml"), bad).unwrap();
    let (r, _) = build_pdf(dir.path(), &dir.path().join("out3"), &[]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("book.toml:6:1: error") && r.stderr.contains("unknown field `section`"),
        "{}",
        r.stderr
    );
}

#[test]
fn real_summaries_are_read_whole() {
    use quire::source::mdbook::summary::{Kind, parse};
    let dir = repo().join("tests/corpus/mdbook-summaries");
    for (name, numbered, parts, prefix, suffix) in [
        // Counted from the files: list items less drafts, `#` headings
        // after the title, links outside lists before and after them.
        ("mdbook-guide.md", 29, 2, 1, 1),
        ("nomicon.md", 62, 0, 1, 0),
        ("rust-by-example.md", 196, 0, 1, 0),
    ] {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut diags = quire::diagnostics::Diagnostics::default();
        let entries = parse(&text, &path, &mut diags);
        assert!(!diags.has_errors(), "{name}: {:?}", diags.items());
        let count = |f: &dyn Fn(&Kind) -> bool| entries.iter().filter(|e| f(&e.kind)).count();
        assert_eq!(
            (
                count(&|k| matches!(k, Kind::Numbered { .. })),
                count(&|k| *k == Kind::Part),
                count(&|k| *k == Kind::Prefix),
                count(&|k| *k == Kind::Suffix),
            ),
            (numbered, parts, prefix, suffix),
            "{name}"
        );
    }
}

/// `quire mdbook` given a render context as mdBook sends it.
fn as_renderer(context: &str, extra: &[&str]) -> Run {
    let mut cmd = quire();
    cmd.arg("mdbook");
    renderer(cmd, context, extra)
}

fn renderer(mut cmd: std::process::Command, context: &str, extra: &[&str]) -> Run {
    use std::io::Write;
    let mut child = cmd
        .args(extra)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("quire runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(context.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn quire_runs_as_an_mdbook_renderer() {
    let dir = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"Rendered\"\nauthors = [\"A. Writer\"]\n\n[output.quire]\ncommand = \"quire mdbook\"\n",
        ),
        ("src/SUMMARY.md", b"- [One](one.md)\n"),
        ("src/one.md", b"# One\n\nWords of the first chapter.\n"),
    ]);
    let root = dir.path().to_str().unwrap();
    let dest = dir.path().join("book").join("quire");
    // The shape of mdBook's RenderContext: the book as mdBook read it, its
    // configuration, where the project is and where this renderer writes.
    let context = serde_json::json!({
        "version": "0.4.40",
        "root": root,
        "book": {"sections": [{"Chapter": {"name": "One", "content": "# One\n\nWords of the first chapter.\n",
            "number": [1], "sub_items": [], "path": "one.md", "source_path": "one.md", "parent_names": []}}],
            "__non_exhaustive": null},
        "config": {"book": {"title": "Rendered", "authors": ["A. Writer"], "src": "src"},
            "output": {"quire": {"command": "quire mdbook"}}},
        "destination": dest.to_str().unwrap(),
    })
    .to_string();
    let r = as_renderer(&context, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let epub = dest.join(format!("{name}.epub"));
    let pdf = dest.join(format!("{name}.pdf"));
    assert_valid(&epub);
    assert!(pdftotext(&pdf, None).contains("Words of the first chapter."));

    let r = as_renderer(&context, &["--to", "pdf"]);
    assert_eq!(r.status, 0, "{}", r.stderr);

    // mdBook's default command for [output.quire] is `mdbook-quire`.
    std::fs::remove_dir_all(&dest).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mdbook-quire"));
    cmd.env("NO_COLOR", "1")
        .env("QUIRE_CACHE_DIR", dir.path().join("cache"));
    let r = renderer(cmd, &context, &["--to", "epub"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    assert!(!pdf.exists());

    let r = as_renderer("not json", &[]);
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.contains("not mdBook's render context"),
        "{}",
        r.stderr
    );
}

/// A chapter file's title as the outline shows it: its first heading's
/// text, code marks and links taken out.
fn first_heading(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with('#') && l.trim_start_matches('#').starts_with(' '))
        .unwrap_or_else(|| panic!("{} has no heading", file.display()));
    let mut title = line.trim_start_matches('#').trim().replace('`', "");
    // [text](target) → text
    while let (Some(a), Some(b)) = (title.find('['), title.find("](")) {
        let Some(c) = title[b..].find(')') else { break };
        title = format!("{}{}{}", &title[..a], &title[a + 1..b], &title[b + c + 1..]);
    }
    title
}

/// Every mdBook project of the corpus (trimmed copies of real books, as
/// they are in their repositories) builds with no error; the outline
/// follows SUMMARY.md; every include is resolved; Rust's hidden lines stay
/// out of the book.
#[test]
fn corpus_mdbook_projects_build_as_their_summaries_say() {
    use quire::source::mdbook::summary::{Kind, parse};
    for name in [
        "mdbook-nomicon",
        "mdbook-rust-by-example",
        "mdbook-cargo",
        "mdbook-rust-book",
    ] {
        let book = repo().join("tests/corpus").join(name);
        let dir = tempfile::tempdir().unwrap();
        let (r, out) = build_both(&book, dir.path());
        assert_eq!(r.status, 0, "{name}: {}", r.stderr);
        assert!(r.stderr.contains("\n0 error(s)"), "{name}: {}", r.stderr);
        let pdf = out.join(format!("{name}.pdf"));
        let epub = out.join(format!("{name}.epub"));
        assert!(
            tool("qpdf", &[std::ffi::OsStr::new("--check"), pdf.as_os_str()])
                .status
                .success(),
            "{name}"
        );
        assert_valid(&epub);

        // Each summary entry is in the outline, in order, as deep as the
        // summary nests it (a part's chapters one deeper).
        let src = book.join("src");
        let summary = std::fs::read_to_string(src.join("SUMMARY.md")).unwrap();
        let mut diags = quire::diagnostics::Diagnostics::default();
        let entries = parse(&summary, &src.join("SUMMARY.md"), &mut diags);
        let outline = outline(&pdf);
        let mut at = 0;
        let mut in_part = 0;
        for e in &entries {
            let depth = match e.kind {
                Kind::Part => {
                    in_part = 1;
                    0
                }
                Kind::Numbered { depth } => depth + in_part,
                Kind::Prefix | Kind::Suffix => 0,
            };
            let title = match &e.path {
                Some(p) => first_heading(&src.join(p)),
                None => e.title.clone(),
            };
            let found = outline[at..]
                .iter()
                .position(|(d, t)| *d == depth && *t == title)
                .unwrap_or_else(|| {
                    panic!("{name}: ({depth}, {title}) not in order in {outline:?}")
                });
            at += found + 1;
        }

        // Includes resolved, hidden lines hidden, in both formats.
        let text = pdftotext(&pdf, None);
        let xhtml: String = epub_names(&epub)
            .into_iter()
            .filter(|n| n.ends_with(".xhtml"))
            .map(|n| text_of(&epub_file(&epub, &n)))
            .collect();
        for mark in ["{{#", "ANCHOR:", "ANCHOR_END"] {
            assert!(!text.contains(mark), "{name}: `{mark}` printed");
            assert!(!xhtml.contains(mark), "{name}: `{mark}` in the EPUB");
        }
        if name == "mdbook-cargo" {
            // The command pages' generated HTML option lists: terms and
            // definitions, each option's id a target its links reach.
            assert!(text.contains("-p spec…, --package spec…"), "{text}");
            assert!(!r.stderr.contains("link to `#option-"), "{}", r.stderr);
            assert!(!r.stderr.contains("tag <dl>"), "{}", r.stderr);
            let page = epub_names(&epub)
                .into_iter()
                .filter(|n| n.ends_with(".xhtml"))
                .map(|n| epub_file(&epub, &n))
                .find(|x| x.contains("id=\"option-cargo-build--p\""))
                .expect("option id missing");
            assert!(page.contains("<dt>") && page.contains("<dd>"));
            assert!(page.contains("href=\"#option-cargo-build--p\""));
        }
        // A hidden line is in the book as often as the source shows it
        // (the Rust book's hidden lines are often shown in an earlier
        // listing).
        let (hidden, shown) = rust_lines(&src);
        for line in &hidden {
            let expected = shown.get(line).copied().unwrap_or(0);
            let found = xhtml.matches(line.as_str()).count();
            assert_eq!(found, expected, "{name}: hidden line `{line}`");
        }
        if name == "mdbook-rust-by-example" || name == "mdbook-nomicon" {
            assert!(hidden.len() >= 5, "{name}: {hidden:?}");
        }
    }
}

/// The hidden (`# `) lines of the Rust code blocks in a source
/// directory's chapters, and how often each shown line is there: lines
/// trimmed, those of 12 characters or more.
fn rust_lines(dir: &Path) -> (Vec<String>, std::collections::HashMap<String, usize>) {
    let mut hidden = Vec::new();
    let mut shown = std::collections::HashMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Inside a fenced block: whether it is Rust.
            let mut fence: Option<bool> = None;
            for line in text.lines() {
                let t = line.trim_start();
                if t.starts_with("```") {
                    let info = t.trim_start_matches('`');
                    fence = match fence {
                        Some(_) => None,
                        None => Some(info.is_empty() || info.starts_with("rust")),
                    };
                    continue;
                }
                if fence != Some(true) {
                    continue;
                }
                match t.strip_prefix("# ") {
                    Some(rest) if rest.trim().len() >= 12 => hidden.push(rest.trim().to_string()),
                    Some(_) => {}
                    None if t.len() >= 12 => {
                        *shown.entry(t.trim_end().to_string()).or_insert(0) += 1;
                    }
                    None => {}
                }
            }
        }
    }
    (hidden, shown)
}

/// mdBook itself runs Quire: `mdbook build` on a real project with an
/// `[output.quire]` table (the default command, `mdbook-quire`, found on
/// PATH beside `quire`), both formats in mdBook's output directory, and a
/// broken include failing mdBook's build with the place in the message.
#[test]
fn mdbook_build_runs_quire() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("nomicon");
    let copy = std::process::Command::new("cp")
        .arg("-r")
        .arg(repo().join("tests/corpus/mdbook-nomicon"))
        .arg(&book)
        .status()
        .unwrap();
    assert!(copy.success());
    let toml = book.join("book.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("\n[output.quire]\n");
    std::fs::write(&toml, &text).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_mdbook-quire"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mdbook = |book: &Path| {
        run(std::process::Command::new("mdbook")
            .arg("build")
            .arg(book)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("QUIRE_CACHE_DIR", dir.path().join("cache")))
    };
    let r = mdbook(&book);
    assert_eq!(r.status, 0, "mdbook build: {}", r.stderr);
    let out = book.join("book/quire");
    assert_valid(&out.join("nomicon.epub"));
    let pdf = out.join("nomicon.pdf");
    assert!(
        tool("qpdf", &[std::ffi::OsStr::new("--check"), pdf.as_os_str()])
            .status
            .success()
    );
    assert!(pdftotext(&pdf, None).contains("Implementing Arc and Mutex"));
    // mdBook's HTML is built beside it, as before.
    assert!(book.join("book/html/index.html").is_file());

    let chapter = book.join("src/vec/vec.md");
    let mut text = std::fs::read_to_string(&chapter).unwrap();
    text.push_str("\n{{#include missing.rs}}\n");
    std::fs::write(&chapter, &text).unwrap();
    let line = text.lines().count();
    let r = mdbook(&book);
    assert_ne!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("vec.md:{line}:1: error")),
        "{}",
        r.stderr
    );
}
