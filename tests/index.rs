//! The back-of-book index: marks in the text, entries in both formats,
//! page numbers checked against the pages the words are on.

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// An index as the PDF prints it: each entry's words (a sub-entry's
/// after its entry's and `!`) and its page numbers, ranges as they are
/// written.
type Printed = BTreeMap<String, Vec<String>>;

/// The index pages' lines, column by column, from the word boxes of the
/// pages from `first` (0-based) on: running heads, folios, the title and
/// letter headings left out.
fn index_lines(pdf: &Path, first: usize) -> Vec<(f64, String)> {
    let pages = page_words(pdf);
    let mut out = Vec::new();
    for words in &pages[first..] {
        let left = words.iter().map(|w| w.1).fold(f64::MAX, f64::min);
        let right = words.iter().map(|w| w.3).fold(f64::MIN, f64::max);
        let mid = (left + right) / 2.0;
        // The running head (or the title) is the page's top line.
        let top = words.iter().map(|w| w.2).fold(f64::MAX, f64::min);
        let words: Vec<&Word> = words.iter().filter(|w| w.2 > top + 3.0).collect();
        let mut lines: Vec<(usize, f64, f64, String)> = Vec::new(); // column, y, x, text
        for (text, x0, y0, _, y1) in words.iter().copied() {
            let column = usize::from(*x0 >= mid);
            let y = (y0 + y1) / 2.0;
            match lines
                .iter_mut()
                .find(|l| l.0 == column && (l.1 - y).abs() < 2.5)
            {
                Some(l) => {
                    // A comma after code is a word of its own.
                    if text != "," {
                        l.3.push(' ');
                    }
                    l.3.push_str(text);
                }
                None => lines.push((column, y, *x0, text.clone())),
            }
        }
        lines.sort_by(|a, b| (a.0, a.1).partial_cmp(&(b.0, b.1)).unwrap());
        // Each column's left edge, for the depth of its lines.
        for column in 0..2 {
            // (The folio, a number alone, is no line of the column.)
            let col: Vec<&(usize, f64, f64, String)> = lines
                .iter()
                .filter(|l| l.0 == column && l.3.trim().parse::<u32>().is_err())
                .collect();
            let edge = col.iter().map(|l| l.2).fold(f64::MAX, f64::min);
            for l in col {
                let t = l.3.trim();
                let letter = t.chars().count() == 1 && t.chars().all(char::is_uppercase);
                if t.parse::<u32>().is_ok() {
                    continue;
                }
                if letter {
                    // A letter's heading: no entry.
                    out.push((-1.0, t.to_string()));
                    continue;
                }
                out.push((l.2 - edge, t.to_string()));
            }
        }
    }
    out
}

/// The entries of the lines: a line at the column's edge starts an
/// entry, one indented about an em a sub-entry, one indented more goes on
/// the line before.
fn entries(lines: &[(f64, String)], em: f64) -> Printed {
    let mut joined: Vec<(bool, String)> = Vec::new();
    for (dx, text) in lines {
        if *dx < 0.0 {
            continue;
        }
        if *dx > em * 1.5 {
            if let Some(last) = joined.last_mut() {
                last.1.push(' ');
                last.1.push_str(text);
            }
        } else {
            joined.push((*dx > em * 0.5, text.clone()));
        }
    }
    let mut out = Printed::new();
    let mut main = String::new();
    for (sub, text) in joined {
        // An entry repeated at the head of a column, its lines going on.
        let text = text
            .replacen(" (continued)", ",", 1)
            .replace(",,", ",")
            .trim_end_matches(',')
            .to_string();
        let text = text.split(". See").next().unwrap().to_string();
        // The numbers at the end; the words before them (which may hold
        // commas: "Knuth, Donald").
        let mut parts: Vec<&str> = text.split(", ").collect();
        let mut numbers: Vec<String> = Vec::new();
        while parts.len() > 1
            && parts
                .last()
                .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit() || c == '\u{2013}'))
        {
            numbers.insert(0, parts.pop().unwrap().to_string());
        }
        let term = parts.join(", ");
        let key = if sub {
            format!("{main}!{term}")
        } else {
            main = term.clone();
            term
        };
        out.entry(key).or_default().extend(numbers);
    }
    out
}

/// The pages a printed number stands for: `123–8` is 123 to 128.
fn expand(number: &str) -> Vec<u32> {
    match number.split_once('\u{2013}') {
        None => vec![number.parse().unwrap()],
        Some((a, b)) => {
            let first: u32 = a.parse().unwrap();
            // The last page's digits replace the first's last ones.
            let keep = &a[..a.len() - b.len()];
            let last: u32 = format!("{keep}{b}").parse().unwrap();
            assert!(last > first, "a range that goes back: {number}");
            (first..=last).collect()
        }
    }
}

/// Each page's text, as one line of words.
fn page_texts(pdf: &Path) -> Vec<String> {
    (1..=pdf_pages(pdf))
        .map(|p| {
            pdftotext(pdf, Some(p))
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The physical page (0-based) the first body page is on.
fn first_body_page(texts: &[String], opening: &str) -> usize {
    texts
        .iter()
        .position(|t| t.contains(opening))
        .expect("the opening words are in the PDF")
}

#[test]
fn the_manual_index_has_the_page_each_marked_word_is_on() {
    let dir = tempfile::tempdir().unwrap();
    let (run, out) = build_both(&manuscripts().join("quire-manual"), dir.path());
    assert_eq!(run.status, 0, "{}", run.stderr);
    let pdf = out.join("quire-manual.pdf");
    let epub = out.join("quire-manual.epub");
    assert_valid(&epub);
    let texts = page_texts(&pdf);
    let body = first_body_page(&texts, "Quire turns manuscripts into books");
    let start = (body..texts.len())
        .find(|&p| texts[p].starts_with("Index "))
        .expect("an index page");
    assert!(start > body + 5, "the index is at the back");
    let printed = entries(&index_lines(&pdf, start), 9.0);
    let numbers: usize = printed.values().map(Vec::len).sum();
    assert!(
        printed.len() >= 60 && numbers >= 60,
        "{} entries with {numbers} page numbers: {printed:#?}",
        printed.len()
    );
    // Entries marked by their own words: each page number given is a page
    // the words are on.
    let visible = [
        "Markdown",
        "EPUBCheck",
        "LaTeX",
        "Java",
        "typography",
        "document model",
        "cross-references",
        "front matter",
        "YAML",
        "paragraphs",
        "emphasis",
        "byline",
        "ISBN",
        "book.toml",
        "README",
        "quire check",
        "JSON",
        "continuous integration",
        "--deny-warnings",
        "--format json",
        "SOURCE_DATE_EPOCH",
        "measure",
        "newspaper columns",
        "Hyphenation",
        "reading systems",
        "index",
    ];
    let lower = |s: &str| s.to_lowercase();
    for term in visible {
        let key = printed
            .keys()
            .find(|k| lower(k) == lower(term))
            .unwrap_or_else(|| panic!("`{term}` is not in the index: {printed:#?}"));
        let pages = &printed[key];
        assert!(!pages.is_empty(), "`{term}` has no page");
        for n in pages.iter().flat_map(|n| expand(n)) {
            let text = &texts[body + n as usize - 1];
            assert!(
                lower(text).contains(&lower(term)),
                "the index gives page {n} for `{term}`, whose text is: {text}"
            );
        }
    }
    // A heading's mark spans its section; a range spans its marks.
    let section = &printed["footnotes"];
    assert!(
        texts[body + expand(&section[0])[0] as usize - 1].contains("Footnotes"),
        "{section:?}"
    );
    let range = &printed["word spacing"];
    assert_eq!(range.len(), 1, "{range:?}");
    let pages = expand(&range[0]);
    assert!(
        texts[body + pages[0] as usize - 1].contains("A page of justified text")
            && texts[body + *pages.last().unwrap() as usize - 1]
                .contains("need not know any of it to benefit"),
        "word spacing: {range:?}"
    );
    // Sub-entries under their entry, cross-references as written.
    assert!(printed.contains_key("hyphenation!ladders"), "{printed:#?}");
    assert!(
        printed.contains_key("errors!nothing written"),
        "{printed:#?}"
    );
    let all = pdftotext(&pdf, None);
    assert!(all.contains("ebooks. See EPUB"), "{all}");
    assert!(all.contains("collections, 2. See also articles"), "{all}");
    // Letter groups in order, entries sorted within them.
    let mains: Vec<String> = printed
        .keys()
        .filter(|k| !k.contains('!'))
        .map(|k| lower(k.trim_start_matches('-')))
        .collect();
    let letters: Vec<char> = index_lines(&pdf, start)
        .iter()
        .filter(|(dx, _)| *dx < 0.0)
        .filter_map(|(_, t)| t.chars().next())
        .collect();
    let mut sorted = letters.clone();
    sorted.sort();
    sorted.dedup();
    assert!(letters.len() >= 15, "letter headings: {letters:?}");
    assert_eq!(letters, sorted, "letter headings in order");
    let _ = mains;

    // The EPUB's index: EPUB Indexes 1.0 markup, each place a link to an
    // element of the chapter it names.
    let names = epub_names(&epub);
    let index_file = names
        .iter()
        .find(|n| n.ends_with(".xhtml") && epub_file(&epub, n).contains("epub:type=\"index\""))
        .expect("an index document")
        .clone();
    let xhtml = epub_file(&epub, &index_file);
    for ty in [
        "index-group",
        "index-entry-list",
        "index-entry",
        "index-term",
        "index-locator",
        "index-xref-preferred",
        "index-xref-related",
    ] {
        assert!(xhtml.contains(&format!("epub:type=\"{ty}\"")), "{ty}");
    }
    let entries = xhtml.matches("epub:type=\"index-entry\"").count();
    assert!(entries >= 60, "{entries} entries in the EPUB's index");
    let mut links = 0;
    for part in xhtml.split("epub:type=\"index-locator\" href=\"").skip(1) {
        let href = part.split('"').next().unwrap();
        let (file, id) = href.split_once('#').unwrap();
        let target = names
            .iter()
            .find(|n| n.ends_with(&format!("/{file}")))
            .unwrap_or_else(|| panic!("{href} names no file"));
        assert!(
            epub_file(&epub, target).contains(&format!("id=\"{id}\"")),
            "{href} names no element"
        );
        links += 1;
    }
    assert!(links >= 60, "{links} links");
}

/// Pride and Prejudice as Markdown, its places marked wherever they are
/// named: Gutenberg's header and licence left out, its chapter lines
/// made headings.
fn marked_novel(places: &[&str]) -> String {
    let text = std::fs::read_to_string(repo().join("tests/corpus/pride-and-prejudice.txt"))
        .unwrap()
        .replace("\r\n", "\n");
    let start = text.find("Chapter 1\n").unwrap();
    let end = text
        .find("End of the Project Gutenberg")
        .unwrap_or(text.len());
    let mut md =
        String::from("---\ntitle: Pride and Prejudice\nauthor: Jane Austen\nlang: en\n---\n\n");
    for line in text[start..end].lines() {
        if line.starts_with("Chapter ") && line.len() < 13 {
            md.push_str("# ");
            md.push_str(line);
        } else {
            let mut l = line.to_string();
            for p in places {
                l = l.replace(p, &format!("[{p}]{{.idx key=\"places!{p}\"}}"));
            }
            md.push_str(&l);
        }
        md.push('\n');
    }
    md
}

#[test]
fn a_novel_indexed_by_its_places_lists_every_page_each_is_named_on() {
    let places = ["Pemberley", "Netherfield", "Rosings", "Meryton", "Brighton"];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "chapters = [\"novel.md\"]\n[book]\ntitle = \"Pride and Prejudice\"\nauthors = [\"Jane Austen\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("novel.md"), marked_novel(&places)).unwrap();
    let out = dir.path().join("out");
    let (run, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let texts = page_texts(&pdf);
    let body = first_body_page(&texts, "It is a truth universally acknowledged");
    let start = (body..texts.len())
        .find(|&p| texts[p].starts_with("Index "))
        .expect("an index page");
    let printed = entries(&index_lines(&pdf, start), 9.0);
    for place in places {
        let numbers = printed
            .get(&format!("places!{place}"))
            .unwrap_or_else(|| panic!("{place}: {printed:#?}"));
        let listed: BTreeSet<u32> = numbers.iter().flat_map(|n| expand(n)).collect();
        // Every page of the text the name is on, and no other.
        let named: BTreeSet<u32> = (body..start)
            .filter(|&p| texts[p].contains(place))
            .map(|p| (p - body + 1) as u32)
            .collect();
        assert_eq!(listed, named, "{place}: {numbers:?}");
        assert!(listed.len() >= 8, "{place}: {numbers:?}");
    }
    // Pages past a hundred, and ranges of three pages or more in a row.
    let all: Vec<&String> = printed.values().flatten().collect();
    assert!(all.iter().any(|n| n.len() >= 3), "{all:?}");
    assert!(all.iter().any(|n| n.contains('\u{2013}')), "{all:?}");
}

#[test]
fn entries_sort_and_group_by_the_rules_of_the_book_language() {
    // Swedish puts å, ä and ö after z, each a letter of its own; German
    // files ä with a, French é with e.
    let cases = [
        (
            "sv",
            "[zebra]{.idx} [ål]{.idx} [apa]{.idx} [ärm]{.idx} [öga]{.idx} [Anna]{.idx}",
            vec!["Anna", "apa", "zebra", "ål", "ärm", "öga"],
            vec!["A", "Z", "Å", "Ä", "Ö"],
        ),
        (
            "de",
            "[Bär]{.idx} [Äpfel]{.idx} [Apfel]{.idx} [Zoo]{.idx} [Ofen]{.idx} [Öl]{.idx}",
            vec!["Apfel", "Äpfel", "Bär", "Ofen", "Öl", "Zoo"],
            vec!["A", "B", "O", "Z"],
        ),
        (
            "fr",
            "[été]{.idx} [étage]{.idx} [ecole]{.idx} [zèbre]{.idx} [Émile]{.idx}",
            vec!["ecole", "Émile", "étage", "été", "zèbre"],
            vec!["E", "Z"],
        ),
    ];
    for (lang, words, order, letters) in cases {
        let dir = project(&[(
            "book.md",
            format!(
                "---\ntitle: Words\nauthor: A. Writer\nlang: {lang}\n---\n\n# One\n\n{words}\n"
            )
            .as_bytes(),
        )]);
        let (run, epub) = build_epub(&dir.path().join("book.md"), &dir.path().join("out"), &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert_valid(&epub);
        let names = epub_names(&epub);
        let xhtml = names
            .iter()
            .filter(|n| n.ends_with(".xhtml"))
            .map(|n| epub_file(&epub, n))
            .find(|x| x.contains("epub:type=\"index\""))
            .expect("an index");
        let terms: Vec<&str> = xhtml
            .split("<span epub:type=\"index-term\">")
            .skip(1)
            .map(|p| p.split('<').next().unwrap())
            .collect();
        assert_eq!(terms, order, "{lang}");
        let heads: Vec<&str> = xhtml
            .split("<h2>")
            .skip(1)
            .map(|p| p.split('<').next().unwrap())
            .collect();
        assert_eq!(heads, letters, "{lang}");
    }
}

#[test]
fn an_index_mark_that_cannot_be_filed_as_written_is_reported_at_its_place() {
    let dir = project(&[(
        "book.md",
        b"---\ntitle: Marks\nauthor: A. Writer\n---\n\n# One\n\nOpen []{.idx key=\"spacing\" range=start} here.\n\nClose []{.idx key=\"kerning\" range=end} there.\n\nSee []{.idx key=\"tracking\" see=\"letterspacing\"} nothing.\n\nEmpty []{.idx} mark. A [mot]{lang=12} and [m]{.idx foo=\"x\"} and [r]{.idx range=middle}.\n\n## Head {.idx bar=1}\n\nText.\n",
    )]);
    let input = dir.path().join("book.md");
    for command in ["build", "check"] {
        let mut cmd = quire();
        cmd.arg(command).arg(&input);
        if command == "build" {
            cmd.arg("--out-dir").arg(dir.path().join("out"));
        }
        let done = run(&mut cmd);
        assert_eq!(done.status, 0, "{}", done.stderr);
        for want in [
            "book.md:8:6: warning: the index range of `spacing` opens here and is never closed",
            "book.md:10:7: warning: the index range of `kerning` ends here but was not opened",
            "book.md:12:5: warning: the index sends the reader to `letterspacing`, which is not an entry of the index",
            "book.md:14:7: warning: an index mark with no words and no `key` is left out of the index",
            "book.md:14:24: warning: `12` is not a language tag: the span's words are set in the chapter's language [language-tag]",
            "book.md:14:43: warning: an index mark has no attribute `foo`: the mark is left out of the index, its words kept [index]",
            "book.md:14:65: warning: `range=middle` is neither `start` nor `end`: the mark is left out of the index, its words kept [index]",
            "book.md:16:1: warning: an index mark has no attribute `bar`: the heading is left out of the index [index]",
        ] {
            assert!(
                done.stderr.contains(want),
                "{command}: {want}\n{}",
                done.stderr
            );
        }
    }
}

#[test]
fn an_arabic_index_reads_from_the_right() {
    let dir = project(&[(
        "book.md",
        "---\ntitle: كتاب\nauthor: كاتب\nlang: ar\n---\n\n# الفصل الأول\n\nهذا نص عن [الخط]{.idx} العربي و[الطباعة]{.idx} الحديثة، وعن [الكشيدة]{.idx key=\"الخط!الكشيدة\"}.\n\n# الفصل الثاني\n\nمرة أخرى عن [الطباعة]{.idx} و[الحروف]{.idx}.\n"
            .as_bytes(),
    )]);
    let out = dir.path().join("out");
    let (run, pdf) = build_pdf(&dir.path().join("book.md"), &out, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let last = pdf_pages(&pdf);
    let text = pdftotext(&pdf, Some(last));
    // Page numbers after the Arabic comma.
    assert_eq!(text.matches('\u{060C}').count(), 4, "{text}");
    // Each column's entries end at its right edge: the first column's
    // letter and entry, at the right of the page, end level.
    let words = &page_words(&pdf)[last - 1];
    let right = words.iter().map(|w| w.3).fold(f64::MIN, f64::max);
    let flush: Vec<&Word> = words.iter().filter(|w| (w.3 - right).abs() < 1.0).collect();
    assert!(
        flush.len() >= 3,
        "title, letter and entry flush right: {words:?}"
    );
    let (_, epub) = build_epub(&dir.path().join("book.md"), &out, &[]);
    assert_valid(&epub);
}
