//! Citations and bibliographies: real bibliographies in BibLaTeX, CSL-JSON
//! and Hayagriva YAML (tests/corpus/cite), set in an author-date and a
//! note style, checked by EPUBCheck and qpdf, and against what
//! `pandoc --citeproc` prints for the same works in the same CSL styles.

mod common;
use common::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    repo().join("tests/corpus/cite")
}

/// The corpus copied into a scratch directory, `book.md`'s front matter
/// given `csl` if asked.
fn scratch(csl: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(corpus()).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
    if let Some(csl) = csl {
        let book = dir.path().join("book.md");
        let text = std::fs::read_to_string(&book).unwrap();
        let text = text.replacen("lang: en-US\n", &format!("lang: en-US\ncsl: {csl}\n"), 1);
        std::fs::write(&book, text).unwrap();
    }
    dir
}

/// The text of every paragraph of an EPUB's chapters, tags taken out,
/// note numbers and note references left out.
fn paragraphs(epub: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for name in epub_names(epub) {
        if !name.ends_with(".xhtml") || name.ends_with("nav.xhtml") {
            continue;
        }
        let xhtml = epub_file(epub, &name);
        let mut rest = xhtml.as_str();
        while let Some(open) = rest.find("<p") {
            let after = &rest[open..];
            let Some(start) = after.find('>') else { break };
            let Some(end) = after.find("</p>") else { break };
            let inner = &after[start + 1..end];
            out.push(plain(inner));
            rest = &after[end + 4..];
        }
    }
    out
}

/// Markup taken out of an XHTML fragment (note references and note
/// numbers with their text), entities read, spaces normalised.
fn plain(xhtml: &str) -> String {
    let mut s = xhtml.to_string();
    for marker in ["epub:type=\"noteref\"", "class=\"note-number\""] {
        while let Some(at) = s.find(marker) {
            let open = s[..at].rfind("<a").unwrap();
            let close = s[at..].find("</a>").unwrap() + at + 4;
            s.replace_range(open..close, "");
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace(['\u{a0}', '\u{ad}'], " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_book_citing_three_kinds_of_bibliography_in_two_styles() {
    // Author-date (the default, Chicago's), then notes (a CSL file).
    for style in [None, Some("chicago-fullnote-bibliography.csl")] {
        let dir = scratch(style);
        let (r, out) = build_both(&dir.path().join("book.md"), dir.path());
        assert_eq!(r.status, 0, "{style:?}: {}", r.stderr);
        let epub = out.join("book.epub");
        let pdf = out.join("book.pdf");
        assert_valid(&epub);
        let check = tool_text("qpdf", &["--check".as_ref(), pdf.as_os_str()]);
        assert!(
            check.contains("No syntax or stream encoding errors"),
            "{check}"
        );

        // No citation is left as written.
        let text = pdftotext(&pdf, None);
        assert!(!text.contains("[@") && !text.contains("@snap"), "{text}");

        // The list of works: each work cited once there, with its place
        // each citation links to.
        let list_name = if style.is_some() {
            "Bibliography"
        } else {
            "References"
        };
        let chapters: Vec<String> = epub_names(&epub)
            .into_iter()
            .filter(|n| n.ends_with(".xhtml"))
            .collect();
        let list = chapters
            .iter()
            .map(|n| (n.clone(), epub_file(&epub, n)))
            .find(|(_, x)| x.contains("epub:type=\"bibliography\""))
            .expect("a bibliography chapter");
        assert!(list.1.contains(&format!(">{list_name}<")), "{}", list.1);
        let entries = list.1.matches("<p").count();
        // 40 works (three of them cited twice).
        assert_eq!(entries, 40, "works listed");
        let ids: HashSet<String> = list
            .1
            .split("id=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_string())
            .collect();
        let mut links = 0;
        for (name, x) in chapters.iter().map(|n| (n, epub_file(&epub, n))) {
            for href in x.split("href=\"").skip(1) {
                let href = &href[..href.find('"').unwrap()];
                if let Some(id) =
                    href.strip_prefix(&format!("{}#", list.0.rsplit('/').next().unwrap()))
                    && id.starts_with("ref-")
                {
                    assert!(
                        ids.contains(id),
                        "{name}: link to #{id}, which the list lacks"
                    );
                    links += 1;
                }
            }
        }
        assert!(links >= 43, "{links} citations link to their works");

        if style.is_some() {
            // A note style: every citation in the text is a footnote, the
            // one in a footnote stays in it.
            let notes: usize = chapters
                .iter()
                .map(|n| {
                    epub_file(&epub, n)
                        .matches("epub:type=\"footnote\"")
                        .count()
                })
                .sum();
            assert_eq!(
                notes, 42,
                "footnotes: 41 citations and the author's own note"
            );
            let paras = paragraphs(&epub);
            assert!(
                paras.iter().any(|p| p.starts_with(
                    "See Michael Marty et al., “Snap: A Microkernel Approach to Host Networking,”"
                )),
                "{paras:#?}"
            );
        } else {
            let paras = paragraphs(&epub);
            for expected in [
                "Kernel-bypass networking has a long history (see Marty et al. 2019, 12).",
                "Belay et al. (2014) argues that the operating system stands in the way.",
                "Its authors returned to it later (2019).",
                "Two works together (Marty et al. 2019; see also Aßmann et al. 2011, sec. 2).",
            ] {
                assert!(
                    paras.iter().any(|p| p == expected),
                    "missing: {expected}\n{paras:#?}"
                );
            }
            // A citation in a footnote: in the note's own text.
            assert!(
                paras
                    .iter()
                    .any(|p| p.contains("On this, see Donne (1995, 3).")),
                "{paras:#?}"
            );
        }
    }
}

/// The share of pandoc's paragraphs (text and notes, then the list of
/// works) that Quire sets word for word the same.
fn agreement(csl: &str) -> (usize, usize, Vec<String>) {
    let dir = scratch(None);
    let md = dir.path().join("compare.md");
    let text = std::fs::read_to_string(&md)
        .unwrap()
        .replace("chicago-author-date.csl", csl);
    std::fs::write(&md, text).unwrap();
    let (r, out) = build_epub(&md, &dir.path().join("out"), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let ours: HashSet<String> = paragraphs(&out).into_iter().collect();
    // Run in the book's directory, where the style and the files are.
    let pandoc = std::process::Command::new("pandoc")
        .current_dir(dir.path())
        .args(["compare.md", "--citeproc", "--to", "plain", "--wrap=none"])
        .output()
        .expect("`pandoc` is required for this test: apt-get install pandoc");
    assert!(
        pandoc.status.success(),
        "{}",
        String::from_utf8_lossy(&pandoc.stderr)
    );
    let theirs = String::from_utf8_lossy(&pandoc.stdout).into_owned();
    let mut same = 0;
    let mut differ = Vec::new();
    let mut total = 0;
    for para in theirs.split("\n\n") {
        // pandoc's plain text numbers notes [1]; Quire's EPUB links them.
        let mut p = para.trim().to_string();
        if p.is_empty() {
            continue;
        }
        if p.starts_with('[')
            && let Some(end) = p.find("] ")
            && p[1..end].chars().all(|c| c.is_ascii_digit())
        {
            p = p[end + 2..].to_string();
        }
        while let Some(open) = p.find('[') {
            match p[open..].find(']') {
                Some(close)
                    if p[open + 1..open + close]
                        .chars()
                        .all(|c| c.is_ascii_digit()) =>
                {
                    p.replace_range(open..open + close + 1, "")
                }
                _ => break,
            }
        }
        let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
        total += 1;
        if ours.contains(&p) {
            same += 1;
        } else {
            differ.push(p);
        }
    }
    (same, total, differ)
}

#[test]
fn citations_agree_with_pandoc_citeproc() {
    // The same 40 works in the same CSL files. What still differs is the
    // engines': citeproc adds initials to tell two authors named Haug
    // apart, prints a series and a proceedings' publisher's place
    // where Hayagriva prints the conference's, and keeps "and" small
    // after a comma in a title.
    let (same, total, differ) = agreement("chicago-author-date.csl");
    assert_eq!(total, 80, "{differ:#?}");
    assert!(
        same >= 64,
        "author-date: {same} of {total} the same\n{differ:#?}"
    );
    let (same, total, differ) = agreement("chicago-fullnote-bibliography.csl");
    assert_eq!(total, 120, "{differ:#?}");
    assert!(same >= 84, "notes: {same} of {total} the same\n{differ:#?}");
}

#[test]
fn an_unknown_key_and_a_malformed_entry_are_errors_at_their_place() {
    let p = project(&[
        (
            "book.md",
            b"---\ntitle: T\nbibliography: refs.bib\n---\n\nAs shown [see @knuth1948, p. 3].\n",
        ),
        (
            "refs.bib",
            b"@book{knuth1984,\n  author = {Knuth, Donald E.},\n  title = {The {TeX}book},\n  year = {1984},\n}\n",
        ),
    ]);
    let (r, out) = build_both(&p.path().join("book.md"), p.path());
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("book.md:6:15: error: `@knuth1948` is not in the bibliography [citation]"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `@knuth1984`?"),
        "{}",
        r.stderr
    );
    assert!(!out.join("book.pdf").exists() && !out.join("book.epub").exists());

    // A BibLaTeX entry left open: an error at its line.
    std::fs::write(
        p.path().join("refs.bib"),
        "@book{knuth1984,\n  author = {Knuth, Donald E.},\n  title = {The {TeX}book,\n  year = {1984},\n}\n",
    )
    .unwrap();
    let r = run(quire().arg("check").arg(p.path().join("book.md")));
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(r.stderr.contains("refs.bib:"), "{}", r.stderr);
    assert!(r.stderr.contains("[bibliography]"), "{}", r.stderr);

    // CSL-JSON that is not JSON, a style Quire does not carry, a file
    // that is missing or outside the book.
    for (front, file, expect) in [
        (
            "bibliography: refs.json",
            Some(("refs.json", "[{\"id\": \"a\",")),
            "refs.json:1:",
        ),
        (
            "bibliography: refs.bib\ncsl: no-such-style",
            None,
            "`no-such-style` is not a citation style Quire carries",
        ),
        (
            "bibliography: gone.bib",
            None,
            "bibliography not found: gone.bib",
        ),
        ("bibliography: ../outside.bib", None, "[outside-project]"),
    ] {
        if let Some((name, text)) = file {
            std::fs::write(p.path().join(name), text).unwrap();
        }
        std::fs::write(
            p.path().join("book.md"),
            format!("---\ntitle: T\n{front}\n---\n\nText [@a].\n"),
        )
        .unwrap();
        let r = run(quire().arg("check").arg(p.path().join("book.md")));
        assert_eq!(r.status, 1, "{front}: {}", r.stderr);
        assert!(r.stderr.contains(expect), "{front}: {}", r.stderr);
    }
}

#[test]
fn without_a_bibliography_citations_stay_as_written() {
    let p = project(&[(
        "book.md",
        b"---\ntitle: T\n---\n\nWrite to ana@example.org or see [@doe2020, p. 3] and @types/node.\n",
    )]);
    let (r, out) = build_both(&p.path().join("book.md"), p.path());
    assert_eq!(r.status, 0, "{}", r.stderr);
    let text = pdftotext(&out.join("book.pdf"), None);
    assert!(
        text.contains("Write to ana@example.org or see [@doe2020, p. 3] and @types/node."),
        "{text}"
    );
}
