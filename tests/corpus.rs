//! Real books nobody here wrote. The Node.js API documentation as Debian
//! ships it (package nodejs-doc, MIT; installed by .ci/test), 64 files of
//! technical Markdown with tables, HTML comments, long code, YAML blocks
//! and characters from many scripts; and the trimmed books kept in
//! `tests/corpus/` (SOURCES.md says where each comes from): chapters of
//! the Rust book in English and in Japanese, the Rustonomicon, the Rust
//! Reference, the async book, the mdBook guide, and a whole novel as
//! Project Gutenberg distributes it. Every one must build into both
//! formats with no error, a PDF qpdf passes, the words of the source on
//! its pages, and an EPUB EPUBCheck passes clean; the highlighter, the
//! math reader and the SVG reader take every code block, formula and
//! figure in them.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const NODE_DOCS: &str = "/usr/share/doc/nodejs/api";

/// The Node docs as plain Markdown files in `dir`, gzipped ones unpacked.
fn node_docs(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(NODE_DOCS).unwrap_or_else(|e| {
        panic!("{NODE_DOCS}: {e} (bash .ci/test installs the nodejs-doc package)")
    });
    let mut out = Vec::new();
    for e in entries {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let md = if let Some(stem) = name.strip_suffix(".md.gz") {
            let text = tool("zcat", &[path.as_os_str()]);
            assert!(text.status.success(), "zcat {name}");
            let to = dir.join(format!("{stem}.md"));
            std::fs::write(&to, text.stdout).unwrap();
            to
        } else if name.ends_with(".md") {
            let to = dir.join(&name);
            std::fs::copy(&path, &to).unwrap();
            to
        } else {
            continue;
        };
        out.push(md);
    }
    out.sort();
    assert!(out.len() >= 60, "{} Node docs in {NODE_DOCS}", out.len());
    out
}

/// A character of Chinese or Japanese, written without spaces.
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Distinct words of four letters or more; in Chinese and Japanese, which
/// have no spaces, every pair of characters that follow each other.
fn words(text: &str) -> BTreeSet<String> {
    // A word hyphenated at a line's end is one word again; a hyphen
    // that was in the word ("MIT-licensed") stays one too.
    let joined = format!("{}\n{}", text.replace("-\n", ""), text.replace("-\n", "-"));
    // Spaces between two CJK characters are a line's end or spacing
    // added to justify a line, not a break between words.
    let chars: Vec<char> = joined.chars().collect();
    let mut flat = String::with_capacity(joined.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() && flat.chars().next_back().is_some_and(is_cjk) {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if j < chars.len() && is_cjk(chars[j]) {
                i = j;
                continue;
            }
        }
        flat.push(chars[i]);
        i += 1;
    }
    let mut out = BTreeSet::new();
    for w in flat.split(|c: char| !c.is_alphabetic()) {
        let cs: Vec<char> = w.chars().collect();
        if cs.iter().any(|&c| is_cjk(c)) {
            for pair in cs.windows(2).filter(|p| is_cjk(p[0]) && is_cjk(p[1])) {
                out.insert(pair.iter().collect());
            }
            for latin in w.split(is_cjk).filter(|l| l.chars().count() >= 4) {
                out.insert(latin.to_lowercase());
            }
        } else if cs.len() >= 4 {
            out.insert(w.to_lowercase());
        }
    }
    out
}

/// The words a reader should find on the page: the source's, less those
/// in link targets, HTML comments and tags, which are not printed.
fn printed_words(md: &str) -> BTreeSet<String> {
    let mut text = String::new();
    let mut rest = md;
    while let Some(i) = rest.find("<!--") {
        text.push_str(&rest[..i]);
        rest = rest[i..].find("-->").map_or("", |j| &rest[i + j + 3..]);
    }
    text.push_str(rest);
    // A style sheet is not printed.
    let mut rest = std::mem::take(&mut text);
    while let Some(i) = rest.find("<style>") {
        text.push_str(&rest[..i]);
        rest = rest[i..]
            .find("</style>")
            .map_or(String::new(), |j| rest[i + j + 8..].to_string());
    }
    text.push_str(&rest);
    let mut kept = String::new();
    let mut fenced = false;
    for line in text.lines() {
        // Link definitions ("[x]: https://…") and the targets in "](…)".
        if line.trim_start().starts_with('[') && line.contains("]: ") {
            continue;
        }
        // HTML tags outside code (`<a id="…"></a>`, `<hr class="line"/>`):
        // their attributes are not printed.
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            // The fence's language is not printed.
            kept.push('\n');
            continue;
        }
        let mut bare = String::new();
        let mut l = line;
        while !fenced
            && let Some(i) = l
                .find('<')
                .filter(|&i| l[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/'))
        {
            bare.push_str(&l[..i]);
            l = l[i..].find('>').map_or("", |j| &l[i + j + 1..]);
        }
        bare.push_str(l);
        let mut l = bare.as_str();
        // Link targets, "](…)", and reference labels, "][…]".
        while let Some(i) = l.find("](").into_iter().chain(l.find("][")).min() {
            kept.push_str(&l[..i]);
            let close = if l[i..].starts_with("](") { ')' } else { ']' };
            l = l[i + 2..].find(close).map_or("", |j| &l[i + 2 + j + 1..]);
        }
        kept.push_str(l);
        kept.push('\n');
    }
    words(&kept)
}

#[test]
fn every_node_api_doc_builds_into_both_formats_with_its_words() {
    let dir = tempfile::tempdir().unwrap();
    let docs = node_docs(dir.path());
    let mut worst = (1.0f64, String::new());
    for md in &docs {
        let stem = md.file_stem().unwrap().to_string_lossy().to_string();
        let out = dir.path().join("out").join(&stem);
        let r = run(quire().arg("build").arg(md).arg("-o").arg(&out));
        assert_eq!(r.status, 0, "{stem}: {}", r.stderr);
        assert!(
            !r.stderr.contains(": error: ") && r.stderr.contains("\n0 error(s)"),
            "{stem}: {}",
            r.stderr
        );
        let pdf = out.join(format!("{stem}.pdf"));
        let check = tool("qpdf", &[std::ffi::OsStr::new("--check"), pdf.as_os_str()]);
        assert!(check.status.success(), "{stem}: qpdf --check failed");
        let source = printed_words(&std::fs::read_to_string(md).unwrap());
        let (recall, missing) = judge_page(&stem, &pdf, &source);
        if recall < worst.0 {
            worst = (recall, format!("{stem}: {missing:?}"));
        }
    }
    println!("lowest word recall {:.4} ({})", worst.0, worst.1);
    assert!(worst.0 >= 0.99, "words lost from the page: {}", worst.1);
    // EPUBCheck over a spread: the biggest, the most tables, the most
    // scripts, and a short one.
    for stem in ["fs", "crypto", "errors", "n-api", "intl", "buffer"] {
        let epub = dir
            .path()
            .join("out")
            .join(stem)
            .join(format!("{stem}.epub"));
        assert_valid(&epub);
    }
}

/// The share of `source`'s words that `pdftotext` gives back from `pdf`,
/// and those it does not; fails where a line breaks kinsoku (starts with
/// a Chinese or Japanese stop, comma or closing bracket, or ends with an
/// opening one).
fn judge_page(name: &str, pdf: &Path, source: &BTreeSet<String>) -> (f64, Vec<String>) {
    let printed = pdftotext(pdf, None);
    let broken: Vec<&str> = printed
        .lines()
        .filter(|l| {
            l.starts_with(['。', '、', '」', '』', '）', '！', '？', '：', '，', '．'])
                || l.ends_with(['「', '『', '（'])
        })
        .collect();
    assert!(broken.is_empty(), "{name}: kinsoku broken: {broken:?}");
    let page = words(&printed);
    let missing: Vec<String> = source
        .iter()
        .filter(|w| !page.contains(*w))
        .cloned()
        .collect();
    let recall = 1.0 - missing.len() as f64 / source.len().max(1) as f64;
    (recall, missing)
}

/// A corpus book: a directory with book.toml, or one manuscript file.
fn corpus(name: &str) -> PathBuf {
    repo().join("tests/corpus").join(name)
}

/// The manuscripts of a corpus book, as text.
fn manuscripts_of(book: &Path) -> Vec<(PathBuf, String)> {
    let mut files: Vec<PathBuf> = if book.is_dir() {
        std::fs::read_dir(book)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect()
    } else {
        vec![book.to_path_buf()]
    };
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            (f, text)
        })
        .collect()
}

/// Builds a corpus book into both formats and judges what comes out.
fn real_book_builds_whole(name: &str) {
    let book = corpus(name);
    let dir = tempfile::tempdir().unwrap();
    let (r, out) = build_both(&book, dir.path());
    assert_eq!(r.status, 0, "{name}: {}", r.stderr);
    assert!(
        !r.stderr.contains(": error: ") && r.stderr.contains("\n0 error(s)"),
        "{name}: {}",
        r.stderr
    );
    let stem = name.trim_end_matches(".txt");
    let pdf = out.join(format!("{stem}.pdf"));
    let check = tool("qpdf", &[std::ffi::OsStr::new("--check"), pdf.as_os_str()]);
    assert!(check.status.success(), "{name}: qpdf --check failed");
    let mut source = BTreeSet::new();
    for (_, text) in manuscripts_of(&book) {
        source.extend(printed_words(&text));
    }
    let (recall, missing) = judge_page(name, &pdf, &source);
    if name.ends_with(".txt") {
        // Gutenberg's _italics_ are set in italics, not printed as marks.
        let printed = pdftotext(&pdf, None);
        assert!(
            printed.contains("You are dancing") && !printed.contains("_You_"),
            "{name}: underscores printed"
        );
    }
    println!("{name}: word recall {recall:.4} of {} words", source.len());
    assert!(
        recall >= 0.99,
        "{name}: word recall {recall:.4}, lost from the page: {missing:?}"
    );
    assert_valid(&out.join(format!("{stem}.epub")));
}

macro_rules! corpus_books {
    ($($test:ident: $name:literal,)*) => {$(
        #[test]
        fn $test() {
            real_book_builds_whole($name);
        }
    )*};
}

corpus_books! {
    the_rust_book_builds_whole: "rust-book",
    the_rust_book_in_japanese_builds_whole: "rust-book-ja",
    the_rustonomicon_builds_whole: "nomicon",
    the_rust_reference_builds_whole: "reference",
    the_async_book_builds_whole: "async-book",
    the_mdbook_guide_builds_whole: "mdbook-guide",
    a_gutenberg_novel_in_one_file_builds_whole: "pride-and-prejudice.txt",
}

/// Every code block of the corpus books and the Node docs through the
/// highlighter (spans in order, on character boundaries), every formula
/// through the math reader (no panic), every SVG through the SVG reader
/// (taken, and its cleaned copy well formed).
#[test]
fn every_code_block_formula_and_figure_of_the_corpus_is_read() {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
    let dir = tempfile::tempdir().unwrap();
    let mut texts: Vec<(PathBuf, String)> = Vec::new();
    for e in std::fs::read_dir(repo().join("tests/corpus")).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            texts.extend(manuscripts_of(&p));
        }
    }
    for md in node_docs(dir.path()) {
        let text = std::fs::read_to_string(&md).unwrap();
        texts.push((md, text));
    }
    let (mut blocks, mut formulas) = (0, 0);
    let mut languages = BTreeSet::new();
    for (path, text) in &texts {
        let mut lang: Option<String> = None;
        for ev in Parser::new_ext(text, quire::source::markdown::options()) {
            match ev {
                Event::Start(Tag::CodeBlock(kind)) => {
                    lang = Some(match kind {
                        CodeBlockKind::Fenced(info) => {
                            info.split([',', ' ']).next().unwrap_or("").to_string()
                        }
                        CodeBlockKind::Indented => String::new(),
                    });
                }
                Event::Text(code) if lang.is_some() => {
                    let l = lang.take().unwrap();
                    if quire::highlight::known(&l) {
                        languages.insert(l.clone());
                    }
                    let mut last = 0;
                    for (r, _) in quire::highlight::highlight(&l, &code) {
                        assert!(
                            r.start >= last
                                && r.end <= code.len()
                                && code.is_char_boundary(r.start)
                                && code.is_char_boundary(r.end),
                            "{}: a {l} span {r:?} off its text",
                            path.display()
                        );
                        last = r.end;
                    }
                    blocks += 1;
                }
                Event::InlineMath(tex) | Event::DisplayMath(tex) => {
                    let _ = quire::math::parse(&tex);
                    formulas += 1;
                }
                _ => {}
            }
        }
    }
    println!(
        "{blocks} code blocks in {} languages, {formulas} formulas",
        languages.len()
    );
    assert!(
        blocks > 1000 && languages.len() >= 8,
        "{blocks} {languages:?}"
    );
    let mut svgs = 0;
    let mut stack = vec![repo().join("tests/corpus")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "svg") {
                let svg = quire::images::svg::sanitize(&std::fs::read(&p).unwrap())
                    .unwrap_or_else(|e| panic!("{}: {e:?}", p.display()));
                assert!(svg.width > 0 && svg.height > 0, "{}", p.display());
                let cleaned = String::from_utf8(svg.data).unwrap();
                assert!(cleaned.contains("<svg") && !cleaned.contains("<!DOCTYPE"));
                svgs += 1;
            }
        }
    }
    assert!(svgs >= 10, "{svgs} SVGs");
}
