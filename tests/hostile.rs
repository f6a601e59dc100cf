//! Hostile and unusual input, class by class: each run must end (a run
//! that takes more than a minute is killed and fails the test), stay under
//! a gigabyte, never panic, say what is wrong at `file:line:col` with the
//! right exit status, write nothing when it fails, and write only valid
//! files (EPUBCheck 0/0, `qpdf --check`) when it succeeds. Whatever the
//! EPUB keeps, the PDF must keep too.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A run of quire in `dir`, through `timeout` (a hang fails) and GNU
/// `time` (for its peak memory).
struct Hostile {
    run: Run,
    peak_kb: u64,
}

fn hostile(dir: &Path, args: &[&str]) -> Hostile {
    hostile_env(dir, args, &[])
}

fn hostile_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Hostile {
    let report = dir.join(".time-report");
    let mut cmd = Command::new("timeout");
    cmd.arg("60")
        .arg("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_quire"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let r = run(&mut cmd);
    assert_ne!(
        r.status, 124,
        "quire ran for a minute and was stopped: a hang"
    );
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"),
        "a panic:\n{}",
        r.stderr
    );
    let peak_kb = std::fs::read_to_string(&report)
        .unwrap_or_else(|_| panic!("GNU time is needed for this test (apt-get install time)"))
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    let _ = std::fs::remove_file(&report);
    assert!(peak_kb < 1_000_000, "peak memory {peak_kb} KB");
    Hostile { run: r, peak_kb }
}

/// The outputs left in `dist` (none after a failure).
fn outputs(dir: &Path) -> Vec<String> {
    listing(&dir.join("dist"))
}

/// A failed build: this status, this message, nothing written, and
/// `check` fails the same way.
fn refused(dir: &Path, input: &str, status: i32, expect: &str) {
    let _ = std::fs::remove_dir_all(dir.join("dist"));
    let h = hostile(dir, &["build", input, "-o", "dist"]);
    assert_eq!(h.run.status, status, "{}", h.run.stderr);
    assert!(
        h.run.stderr.contains(expect),
        "expected `{expect}` in:\n{}",
        h.run.stderr
    );
    assert_eq!(outputs(dir), Vec::<String>::new(), "written on failure");
    let c = hostile(dir, &["check", input]);
    assert_eq!(c.run.status, status, "check disagrees:\n{}", c.run.stderr);
    assert!(c.run.stderr.contains(expect), "{}", c.run.stderr);
}

/// A successful build of both formats, each checked by its validator.
fn builds(dir: &Path, input: &str) -> (Run, PathBuf, PathBuf) {
    let h = hostile(dir, &["build", input, "-o", "dist"]);
    assert_eq!(h.run.status, 0, "{}", h.run.stderr);
    let stem = Path::new(input)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let epub = dir.join("dist").join(format!("{stem}.epub"));
    let pdf = dir.join("dist").join(format!("{stem}.pdf"));
    assert_valid(&epub);
    qpdf_clean(&pdf);
    let c = hostile(dir, &["check", input]);
    assert_eq!(c.run.status, 0, "check disagrees:\n{}", c.run.stderr);
    let _ = h.peak_kb;
    (h.run, epub, pdf)
}

fn qpdf_clean(pdf: &Path) {
    let out = tool("qpdf", &[std::ffi::OsStr::new("--check"), pdf.as_os_str()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("No syntax or stream encoding errors"),
        "qpdf --check {}:\n{text}",
        pdf.display()
    );
}

fn words(n: usize, seed: usize) -> String {
    const W: [&str; 10] = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    ];
    (0..n)
        .map(|i| W[(i * 7 + seed * 3 + i / 10) % 10])
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every whitespace-separated token of `expected` comes back from the PDF
/// as often as it was written.
fn all_words_in_pdf(pdf: &Path, expected: &str) {
    let text = pdftotext(pdf, None);
    let mut want: std::collections::HashMap<&str, usize> = Default::default();
    for w in expected.split_whitespace() {
        *want.entry(w).or_default() += 1;
    }
    let mut have: std::collections::HashMap<&str, usize> = Default::default();
    for w in text.split_whitespace() {
        *have.entry(w).or_default() += 1;
    }
    for (w, n) in want {
        let got = have.get(w).copied().unwrap_or(0);
        assert!(got >= n, "`{w}`: {n} in the manuscript, {got} in the PDF");
    }
}

// ---------------------------------------------------------------- crashes

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let quotes = format!("# Deep\n\n{} hello\n", ">".repeat(1500));
    let mut lists = String::from("# Lists\n\n");
    for i in 0..1500 {
        lists.push_str(&format!("{}- item {i}\n", "  ".repeat(i)));
    }
    let emphasis = format!("# Em\n\n{}x{}\n", "*".repeat(10_000), "*".repeat(10_000));
    let links = format!("# Links\n\n{}x{}\n", "[".repeat(5000), "](u)".repeat(5000));
    let mixed: String = (0..800).map(|_| "> - ").collect::<String>() + "text\n";
    let dir = project(&[
        ("quotes.md", quotes.as_bytes()),
        ("lists.md", lists.as_bytes()),
        ("emphasis.md", emphasis.as_bytes()),
        ("links.md", links.as_bytes()),
        ("mixed.md", format!("# M\n\n{mixed}").as_bytes()),
    ]);
    refused(dir.path(), "quotes.md", 1, "quotes.md:3:");
    refused(
        dir.path(),
        "quotes.md",
        1,
        "nested more than 128 deep [nesting-too-deep]",
    );
    refused(dir.path(), "lists.md", 1, "[nesting-too-deep]");
    refused(dir.path(), "emphasis.md", 1, "emphasis.md:3:");
    refused(dir.path(), "mixed.md", 1, "[nesting-too-deep]");
    // Bracket soup is not nesting to CommonMark: it is text, and builds.
    let h = hostile(dir.path(), &["build", "links.md", "-o", "dist"]);
    assert!(matches!(h.run.status, 0 | 1), "{}", h.run.stderr);
}

#[test]
fn nesting_just_inside_the_limit_builds_everywhere() {
    // 120 levels of lists: every format walks the whole depth.
    let mut text = String::from("# Lists\n\n");
    for i in 0..120 {
        text.push_str(&format!("{}- item{i}\n", "  ".repeat(i)));
    }
    let quotes = format!("# Q\n\n{} deep words in a quote\n", ">".repeat(120));
    let dir = project(&[("l.md", text.as_bytes()), ("q.md", quotes.as_bytes())]);
    let (r, _, pdf) = builds(dir.path(), "l.md");
    assert!(r.stderr.contains("[indent-capped]"), "{}", r.stderr);
    let got = pdftotext(&pdf, None);
    for i in 0..120 {
        assert!(got.contains(&format!("item{i}")), "item{i} lost");
    }
    let h = hostile(
        dir.path(),
        &["build", "q.md", "-o", "dist", "--emit", "q.json"],
    );
    assert_eq!(h.run.status, 0, "{}", h.run.stderr);
    all_words_in_pdf(&dir.path().join("dist/q.pdf"), "deep words in a quote");
}

// ------------------------------------------------------ hangs and reading

#[cfg(unix)]
#[test]
fn only_regular_files_are_read() {
    let dir = project(&[
        ("book/book.toml", b"[book]\ntitle = \"B\"\n"),
        ("book/one.md", b"# One\n\nText.\n"),
        ("pics/a.md", b"# A\n\n![A pipe](pipe.png)\n"),
    ]);
    let d = dir.path();
    let mkfifo = |p: &Path| {
        let s = Command::new("mkfifo").arg(p).status().unwrap();
        assert!(s.success());
    };
    mkfifo(&d.join("fifo.md"));
    mkfifo(&d.join("book/two.md"));
    mkfifo(&d.join("pics/pipe.png"));
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.md")).unwrap();
    std::os::unix::fs::symlink("/dev/urandom", d.join("random.txt")).unwrap();
    // Named on the command line: the command cannot be run.
    refused(
        d,
        "fifo.md",
        2,
        "fifo.md: error: not a regular file (it is a FIFO)",
    );
    refused(
        d,
        "zero.md",
        2,
        "zero.md: error: not a regular file (it is a device)",
    );
    refused(d, "random.txt", 2, "[not-regular-file]");
    // Found by Quire: an error at the book or the line that names it.
    refused(d, "book", 1, "two.md`: not a regular file (it is a FIFO)");
    refused(d, "pics/a.md", 1, "pics/a.md:3:1: error: image `pipe.png`");
}

#[test]
fn an_image_bomb_is_refused_from_its_header() {
    // 30,000 × 30,000 pixels of one-bit grey: 110 KB on disk, 3.6 GB as
    // RGBA, refused before a byte of it is decoded.
    let png = bomb_png(30_000, 30_000);
    assert!(png.len() < 300_000);
    let dir = project(&[
        ("a.md", b"# A\n\nText.\n\n![A field](bomb.png)\n"),
        ("b.md", b"---\ntitle: B\ncover: bomb.png\n---\n\nText.\n"),
        ("c.md", b"# C\n\nIn a line ![a dot](bomb.png) of text.\n"),
        ("bomb.png", &png),
    ]);
    refused(
        dir.path(),
        "a.md",
        1,
        "a.md:5:1: error: image `bomb.png`: the image is 30000 × 30000 pixels",
    );
    refused(dir.path(), "a.md", 1, "[image-too-large]");
    refused(
        dir.path(),
        "b.md",
        1,
        "b.md:3:1: error: cover: the image is 30000 × 30000",
    );
    refused(dir.path(), "c.md", 1, "c.md:3:11: error:");
    // The limit is the book's to raise or lower.
    let book = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"T\"\n[limits]\nmax-image-pixels = 100\n",
        ),
        ("a.md", b"# A\n\n![Small](small.png)\n"),
        ("small.png", &bomb_png(20, 20)),
    ]);
    refused(book.path(), ".", 1, "Quire decodes at most 100 pixels");
}

/// A valid one-bit greyscale PNG of the given size, all black.
fn bomb_png(w: u32, h: u32) -> Vec<u8> {
    use std::io::Write;
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc_data = kind.to_vec();
        crc_data.extend_from_slice(data);
        out.extend_from_slice(&crc_data);
        out.extend_from_slice(&crc32(&crc_data).to_be_bytes());
    }
    fn crc32(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= b as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[1, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let row = vec![0u8; 1 + (w as usize).div_ceil(8)];
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..h {
        z.write_all(&row).unwrap();
    }
    chunk(&mut out, b"IDAT", &z.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

// ------------------------------------------------------------ slow paths

#[test]
fn hostile_bibliographies_are_refused_at_their_place() {
    let book = |file: &str| format!("---\ntitle: T\nbibliography: {file}\n---\n\nSee [@a].\n");
    let deep_bib = format!(
        "@book{{a, title={{{}x{}}}, year={{2000}}}}\n",
        "{".repeat(200_000),
        "}".repeat(200_000)
    );
    let deep_yaml = format!("a:\n  type: book\n  title: {}\n", "[".repeat(100_000));
    let dir = project(&[
        ("bib.md", book("deep.bib").as_bytes()),
        ("deep.bib", deep_bib.as_bytes()),
        ("yaml.md", book("deep.yaml").as_bytes()),
        ("deep.yaml", deep_yaml.as_bytes()),
        ("latin1.md", book("latin1.bib").as_bytes()),
        (
            "latin1.bib",
            b"@book{b, title={X}, year={2000}}\n@book{a, title={Caf\xe9}}\n",
        ),
        ("link.md", book("link.bib").as_bytes()),
    ]);
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("link.bib")).unwrap();
    refused(
        dir.path(),
        "bib.md",
        1,
        "deep.bib:1:47: error: the bibliography has braces nested more than 32 deep [nesting-too-deep]",
    );
    refused(dir.path(), "yaml.md", 1, "deep.yaml:3:");
    refused(
        dir.path(),
        "yaml.md",
        1,
        "YAML nested more than 32 levels deep",
    );
    refused(
        dir.path(),
        "latin1.md",
        1,
        "latin1.bib:2: error: the bibliography is not UTF-8 text",
    );
    refused(
        dir.path(),
        "link.md",
        1,
        "bibliography `link.bib` leads outside the project directory",
    );
    // A file that cannot be read is the one error: its citations are not
    // reported as missing works besides.
    for md in ["bib.md", "latin1.md", "link.md"] {
        let h = hostile(dir.path(), &["check", md]);
        assert!(
            !h.run.stderr.contains("[citation]"),
            "{md}: {}",
            h.run.stderr
        );
    }
    // Citation forms by the hundred thousand, no bibliography: kept as
    // written (each bracket is looked for its end only so far).
    let forms = format!("# T\n\n{}\n", "@a [".repeat(100_000));
    std::fs::write(dir.path().join("forms.md"), &forms).unwrap();
    let h = hostile(dir.path(), &["check", "forms.md"]);
    assert_eq!(h.run.status, 0, "{}", h.run.stderr);
}

#[test]
fn a_megabyte_of_one_construct_builds() {
    let word = format!("# W\n\n{}\n", "a".repeat(200_000));
    let headings: String = (0..10_000)
        .map(|i| format!("## Heading\n\nText {i}.\n\n"))
        .collect();
    let links: String = (0..20_000)
        .map(|i| format!("[link {i}](https://example.com/{i}) "))
        .collect();
    let notes: String = (0..5_000)
        .map(|i| format!("Word[^n{i}] "))
        .collect::<String>()
        + "\n\n"
        + &(0..5_000)
            .map(|i| format!("[^n{i}]: Note {i}.\n"))
            .collect::<String>();
    let rows: String = (0..20_000).map(|i| format!("| r{i} | v{i} |\n")).collect();
    let yaml = format!("---\ntitle: {}\n---\n\n# Y\n", "[".repeat(100_000));
    let dir = project(&[
        ("word.md", word.as_bytes()),
        ("headings.md", format!("# H\n\n{headings}").as_bytes()),
        ("links.md", format!("# L\n\n{links}\n").as_bytes()),
        ("notes.md", format!("# N\n\n{notes}").as_bytes()),
        (
            "table.md",
            format!("# T\n\n| a | b |\n|---|---|\n{rows}").as_bytes(),
        ),
        ("yaml.md", yaml.as_bytes()),
    ]);
    let (r, _, pdf) = builds(dir.path(), "word.md");
    assert!(
        r.stderr
            .contains("is longer than a line: it is broken between two letters")
    );
    let joined: String = pdftotext(&pdf, None).split_whitespace().collect();
    assert_eq!(
        joined.matches('a').count(),
        200_000,
        "every letter of the word"
    );
    for f in ["headings.md", "links.md", "notes.md", "table.md"] {
        let h = hostile(dir.path(), &["build", f, "-o", "dist"]);
        assert_eq!(h.run.status, 0, "{f}: {}", h.run.stderr);
    }
    all_words_in_pdf(&dir.path().join("dist/table.pdf"), "r0 v0 r19999 v19999");
    refused(dir.path(), "yaml.md", 1, "yaml.md:2:");
    refused(dir.path(), "yaml.md", 1, "nested more than 32 levels deep");
}

#[test]
fn headings_named_like_footnotes_get_ids() {
    // `Note 1` slugs to `note-1`, the shape of a footnote's id; every
    // suffix keeps that shape, and the search for a free id never ended.
    let dir = project(&[(
        "a.md",
        b"# Notes\n\n## Note 1\n\nText.[^1]\n\n## Note 1\n\n## Noteref 2-3\n\n[^1]: A note.\n",
    )]);
    let (_, epub, _) = builds(dir.path(), "a.md");
    let chapter = epub_file(&epub, "OEBPS/ch01.xhtml");
    assert!(
        chapter.contains("id=\"note-1-h\"") && chapter.contains("id=\"note-1-h-1\""),
        "{chapter}"
    );
}

// ------------------------------------------------- files destroyed, exposed

#[test]
fn emit_and_outputs_never_replace_inputs_links_or_devices() {
    let dir = project(&[
        ("a.md", b"# A\n\nText.\n"),
        ("book/book.toml", b"[book]\ntitle = \"B\"\n"),
        ("book/one.md", b"# One\n\nText.\n"),
    ]);
    let d = dir.path();
    let before = std::fs::read(d.join("a.md")).unwrap();
    for target in ["a.md", "book/book.toml", "book/one.md"] {
        let input = if target == "a.md" { "a.md" } else { "book" };
        let h = hostile(d, &["build", input, "-o", "dist", "--emit", target]);
        assert_eq!(h.run.status, 1, "{}", h.run.stderr);
        assert!(
            h.run
                .stderr
                .contains("it is one of the book's own input files [output-refused]"),
            "{}",
            h.run.stderr
        );
        assert_eq!(outputs(d), Vec::<String>::new());
    }
    assert_eq!(std::fs::read(d.join("a.md")).unwrap(), before);
    let h = hostile(d, &["build", "a.md", "-o", "dist", "--emit", "/dev/null"]);
    assert_eq!(h.run.status, 1);
    assert!(h.run.stderr.contains("it is a device"), "{}", h.run.stderr);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("a.md"), d.join("link.json")).unwrap();
        let h = hostile(d, &["build", "a.md", "-o", "dist", "--emit", "link.json"]);
        assert_eq!(h.run.status, 1);
        assert!(h.run.stderr.contains("symbolic link"), "{}", h.run.stderr);
        // An output that is a link to somewhere else is not written through.
        std::fs::create_dir_all(d.join("out")).unwrap();
        std::os::unix::fs::symlink(d.join("a.md"), d.join("out/a.pdf")).unwrap();
        let h = hostile(d, &["build", "a.md", "-o", "out"]);
        assert_eq!(h.run.status, 1);
        assert!(
            h.run
                .stderr
                .contains("out/a.pdf: error: will not write here")
        );
        assert!(
            !d.join("out/a.epub").exists(),
            "one format written, not the other"
        );
    }
    assert_eq!(std::fs::read(d.join("a.md")).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn a_book_cannot_reach_outside_its_directory() {
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("secret.md"), "# Secret\n\nPassword.\n").unwrap();
    std::fs::write(secret.path().join("face.ttf"), b"not a font").unwrap();
    let dir = project(&[
        ("scan/book.toml", b"[book]\ntitle = \"B\"\n"),
        ("scan/one.md", b"# One\n\nText.\n"),
        (
            "listed/book.toml",
            b"chapters = [\"one.md\", \"two.md\"]\n[book]\ntitle = \"B\"\n",
        ),
        ("listed/one.md", b"# One\n\nText.\n"),
        (
            "font/book.toml",
            b"[book]\ntitle = \"B\"\n[fonts]\nregular = \"face.ttf\"\n",
        ),
        ("font/one.md", b"# One\n\nText.\n"),
    ]);
    let d = dir.path();
    let link = |from: &str, to: &Path| std::os::unix::fs::symlink(to, d.join(from)).unwrap();
    link("scan/passwd.md", Path::new("/etc/passwd"));
    link("listed/two.md", &secret.path().join("secret.md"));
    link("font/face.ttf", &secret.path().join("face.ttf"));
    refused(d, "scan", 1, "passwd.md`");
    refused(
        d,
        "scan",
        1,
        "is outside the book's directory (once links are followed) [outside-project]",
    );
    refused(
        d,
        "listed",
        1,
        "book.toml:1:23: error: chapter `two.md` is outside",
    );
    refused(
        d,
        "font",
        1,
        "book.toml:4:11: error: font `face.ttf` is outside",
    );
}

// ------------------------------------------------ text lost from the PDF

#[test]
fn what_the_epub_keeps_the_pdf_keeps() {
    let tall = words(3000, 1);
    let code = "x".repeat(1990) + "END";
    let mut list = String::from("# L\n\n");
    for i in 0..100 {
        list.push_str(&format!("{}- entry{i}\n", "  ".repeat(i)));
    }
    let cols: Vec<String> = (0..12).map(|i| format!("heading{i}")).collect();
    let cells: Vec<String> = (0..12).map(|i| format!("cellvalue{i}")).collect();
    let wide = format!(
        "# W\n\n|{}|\n|{}|\n|{}|\n",
        cols.join("|"),
        ["---"; 12].join("|"),
        cells.join("|")
    );
    let dir = project(&[
        ("tall.md", format!("# T\n\n| A | B |\n|---|---|\n| {tall} | short |\n").as_bytes()),
        ("code.md", format!("# C\n\n```\n{code}\n```\n").as_bytes()),
        ("quote.md", format!("# Q\n\n{} words in the deepest quote\n", ">".repeat(30)).as_bytes()),
        ("list.md", list.as_bytes()),
        (
            "note.md",
            b"# N\n\nText with a note.[^1]\n\n[^1]: A note with a table and a list:\n\n    | hone | htwo |\n    |----|----|\n    | cone | ctwo |\n\n    - first\n    - second\n\n    ```\n    code in a note\n    ```\n",
        ),
        ("wide.md", wide.as_bytes()),
        (
            "inline.md",
            b"# I\n\nAn icon ![the diagram](flow.png) sits in this line of text.\n",
        ),
        ("flow.png", include_bytes!("../manuscripts/quire-manual/images/flow.png")),
    ]);
    let d = dir.path();

    let (_, _, pdf) = builds(d, "tall.md");
    all_words_in_pdf(&pdf, &tall);
    assert!(
        pdf_pages(&pdf) >= 3,
        "a row taller than a page spreads over pages"
    );

    let (r, _, pdf) = builds(d, "code.md");
    assert!(
        r.stderr
            .contains("code.md:3: warning: 1 code line(s) longer than"),
        "{}",
        r.stderr
    );
    let text = pdftotext(&pdf, None);
    let joined: String = text
        .split_whitespace()
        .filter(|w| *w != "\u{21AA}")
        .collect();
    assert!(joined.contains(&code), "the code line comes back whole");
    assert!(
        text.matches('\u{21AA}').count() >= 20,
        "continuations are marked"
    );
    assert_within_text_block(&pdf);

    let (r, _, pdf) = builds(d, "quote.md");
    assert!(
        r.stderr
            .contains("quote.md:3: warning: block quotes and lists nested more than 6")
    );
    all_words_in_pdf(&pdf, "words in the deepest quote");

    let (_, _, pdf) = builds(d, "list.md");
    all_words_in_pdf(
        &pdf,
        &(0..100)
            .map(|i| format!("entry{i}"))
            .collect::<Vec<_>>()
            .join(" "),
    );

    let (_, _, pdf) = builds(d, "note.md");
    all_words_in_pdf(&pdf, "hone htwo cone ctwo first second code in a note");

    let (r, _, pdf) = builds(d, "wide.md");
    assert!(r.stderr.contains("[table-too-wide]"), "{}", r.stderr);
    // Words broken inside their cells come back in pieces: count letters.
    let letters = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).count();
    let table: String = cols.iter().chain(&cells).cloned().collect();
    // The title `W`, the table, and the folio `1`.
    assert_eq!(letters(&pdftotext(&pdf, None)), letters(&table) + 2);
    assert_no_overprinting(&pdf);

    let (_, _, pdf) = builds(d, "inline.md");
    let list = tool_text(
        "pdfimages",
        &[std::ffi::OsStr::new("-list"), pdf.as_os_str()],
    );
    assert_eq!(
        list.lines().count(),
        3,
        "the inline image is in the PDF:\n{list}"
    );
    all_words_in_pdf(&pdf, "An icon sits in this line of text.");
}

/// No word box reaches past the right edge of the widest line of its page
/// parity by more than a point (the text block).
fn assert_within_text_block(pdf: &Path) {
    let pages = page_lines(pdf);
    let right = mode(pages.iter().flatten().map(|l| l.x1));
    for (i, p) in pages.iter().enumerate() {
        for l in p {
            assert!(
                l.x1 <= right + 1.0,
                "page {}: a line reaches {:.1}pt past {:.1}pt",
                i + 1,
                l.x1,
                right
            );
        }
    }
}

/// No two words on a page overlap.
fn assert_no_overprinting(pdf: &Path) {
    let html = tool_text(
        "pdftotext",
        &[
            std::ffi::OsStr::new("-bbox"),
            pdf.as_os_str(),
            std::ffi::OsStr::new("-"),
        ],
    );
    let mut boxes: Vec<(f64, f64, f64, f64, String)> = Vec::new();
    for l in html.lines().filter(|l| l.contains("<word")) {
        let attr = |name: &str| -> f64 {
            let i = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            l[i..].split('"').next().unwrap().parse().unwrap()
        };
        let word = l
            .split('>')
            .nth(1)
            .unwrap_or("")
            .split('<')
            .next()
            .unwrap_or("");
        boxes.push((
            attr("xMin"),
            attr("yMin"),
            attr("xMax"),
            attr("yMax"),
            word.to_string(),
        ));
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let overlap_x = a.0.max(b.0) < a.2.min(b.2) - 0.5;
            let overlap_y = a.1.max(b.1) < a.3.min(b.3) - 0.5;
            assert!(!(overlap_x && overlap_y), "`{}` overprints `{}`", a.4, b.4);
        }
    }
}

#[test]
fn a_page_too_small_for_the_text_is_refused_with_the_minimum() {
    for size in ["2x2in", "50x50mm", "100x400pt"] {
        let toml = format!("[book]\ntitle = \"S\"\n[pdf]\npage-size = \"{size}\"\n");
        let dir = project(&[("book.toml", toml.as_bytes()), ("a.md", b"# A\n\nText.\n")]);
        refused(dir.path(), ".", 1, "book.toml:4:13: error: page size");
        refused(
            dir.path(),
            ".",
            1,
            "the smallest page Quire sets is 3 × 4 in",
        );
    }
}

#[test]
fn hard_paragraphs_are_justified_not_ragged() {
    // Prose with the long words, URLs in code and names that leave a
    // total-fit breaker few good breaks: every line but a paragraph's last
    // reaches the right margin.
    let seed = std::fs::read_to_string(manuscripts().join("seed-article.txt")).unwrap();
    let sentences: Vec<&str> = seed
        .split(". ")
        .filter(|s| s.split_whitespace().count() > 6)
        .collect();
    let hard = [
        "internationalization",
        "`https://docs.rs/crate/latest/source/`",
        "counterrevolutionaries",
        "Pendlebury",
        "`std::collections::BTreeMap`",
        "electroencephalographically",
    ];
    let mut text = String::from("# A Novel\n\n");
    for p in 0..400 {
        let mut para = Vec::new();
        for s in 0..(2 + p % 5) {
            let sentence = sentences[(p * 7 + s * 13) % sentences.len()];
            para.push(format!("{sentence}, {}", hard[(p + s) % hard.len()]));
        }
        text.push_str(&para.join(". "));
        text.push_str(".\n\n");
    }
    let dir = project(&[("novel.md", text.as_bytes())]);
    let h = hostile(
        dir.path(),
        &["build", "novel.md", "--to", "pdf", "-o", "dist"],
    );
    assert_eq!(h.run.status, 0, "{}", h.run.stderr);
    let pdf = dir.path().join("dist/novel.pdf");
    assert!(pdf_pages(&pdf) > 40);
    assert_eq!(ragged_lines(&pdf, 11.0), Vec::<String>::new());
    // Each warning names what is wrong with a line, never "set ragged".
    assert!(!h.run.stderr.contains("ragged"), "{}", h.run.stderr);
}

// ------------------------------------------------------------- valid EPUBs

#[test]
fn control_characters_and_empty_metadata_make_valid_files() {
    let dir = project(&[
        (
            "a.md",
            b"---\ntitle: \"Bad\\u0001 Title\"\nauthor: \"\\u0007\"\n---\n\n# Head\x0cing one\n\nText\x01 here.\n\n## Sub\x1bhead\n",
        ),
        ("b.md", b"---\ntitle: \"   \"\n---\n\nBody.\n"),
        ("c.md", b"---\ntitle: 1984\nsubtitle: 2.5\n---\n\nBody.\n"),
    ]);
    let d = dir.path();
    let (r, epub, pdf) = builds(d, "a.md");
    assert!(
        r.stderr
            .contains("a.md:6:7: warning: 3 control character(s)"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains('\u{1b}'),
        "an escape reached the terminal"
    );
    let opf = epub_file(&epub, "OEBPS/content.opf");
    assert!(
        !opf.contains("<dc:creator") || !opf.contains("></dc:creator>"),
        "{opf}"
    );
    let _ = pdf;
    let h = hostile(
        d,
        &[
            "build", "a.md", "-o", "dist", "--author", "", "--title", "\u{c}",
        ],
    );
    assert_eq!(h.run.status, 0, "{}", h.run.stderr);
    assert!(h.run.stderr.contains("an empty --author is ignored"));
    assert_valid(&d.join("dist/a.epub"));
    let (r, epub, _) = builds(d, "b.md");
    assert!(r.stderr.contains("[untitled]"), "{}", r.stderr);
    assert!(epub_file(&epub, "OEBPS/content.opf").contains("<dc:title id=\"title\">B</dc:title>"));
    let (_, epub, _) = builds(d, "c.md");
    assert!(epub_file(&epub, "OEBPS/content.opf").contains(">1984</dc:title>"));
}

#[test]
fn svgs_are_sanitised_or_refused() {
    let script = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><script>alert(2)</script><rect width="10" height="10"/></svg>"#;
    let external = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image xlink:href="http://example.com/x.png" width="5" height="5"/><rect width="10" height="10" style="fill:url(file:///etc/x)"/></svg>"#;
    let entity = br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#;
    // Billion laughs: nine levels of ten references, a gigabyte of text.
    let mut bomb = String::from("<!DOCTYPE svg [<!ENTITY l0 \"lol\">");
    for level in 1..10 {
        bomb.push_str(&format!(
            "<!ENTITY l{level} \"{}\">",
            format!("&l{};", level - 1).repeat(10)
        ));
    }
    bomb.push_str("]><svg xmlns=\"http://www.w3.org/2000/svg\"><text>&l9;</text></svg>");
    let bomb = bomb.into_bytes();
    // What Graphviz writes: a DOCTYPE whose DTD is never read.
    let graphviz = br##"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
 "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg width="80pt" height="40pt" viewBox="0 0 80 40" xmlns="http://www.w3.org/2000/svg"><rect width="80" height="40" fill="#ccc"/><text x="10" y="25">node</text></svg>"##;
    let dir = project(&[
        (
            "s.md",
            b"# S\n\n![A square](script.svg)\n\n![Another](external.svg)\n",
        ),
        ("e.md", b"# E\n\n![X](entity.svg)\n"),
        ("b.md", b"# B\n\nA bomb:\n\n![X](bomb.svg)\n"),
        ("g.md", b"# G\n\n![A graph](graphviz.svg)\n"),
        ("bomb.svg", &bomb),
        ("graphviz.svg", graphviz),
        ("n.md", b"# N\n\n![X](notxml.svg)\n"),
        ("script.svg", script),
        ("external.svg", external),
        ("entity.svg", entity),
        ("notxml.svg", b"<svg>this is not <closed"),
    ]);
    let d = dir.path();
    let h = hostile(d, &["build", "s.md", "--to", "epub", "-o", "dist"]);
    assert_eq!(h.run.status, 0, "{}", h.run.stderr);
    assert!(
        h.run
            .stderr
            .contains("s.md:3:1: warning: SVG `script.svg`: removed event handlers")
    );
    assert!(
        h.run
            .stderr
            .contains("s.md:5:1: warning: SVG `external.svg`: removed references")
    );
    let epub = d.join("dist/s.epub");
    assert_valid(&epub);
    for name in epub_names(&epub).iter().filter(|n| n.ends_with(".svg")) {
        let svg = epub_file(&epub, name);
        for bad in ["script", "onload", "example.com", "file:"] {
            assert!(!svg.contains(bad), "{bad} left in {name}:\n{svg}");
        }
    }
    // The PDF draws what is left of them.
    let h = hostile(d, &["build", "s.md", "--to", "pdf", "-o", "dist"]);
    assert_eq!(h.run.status, 0, "{}", h.run.stderr);
    qpdf_clean(&d.join("dist/s.pdf"));
    std::fs::remove_dir_all(d.join("dist")).unwrap();
    refused(
        d,
        "e.md",
        1,
        "e.md:3:1: error: image `entity.svg`: the SVG declares the entity `x` to be read from outside the file (SYSTEM \"file:///etc/passwd\")",
    );
    refused(
        d,
        "b.md",
        1,
        "b.md:5:1: error: image `bomb.svg`: the SVG's entities would expand to",
    );
    // A DOCTYPE is no reason to refuse a drawing: both formats take it,
    // and the EPUB's copy has no DOCTYPE (EPUB forbids its external id).
    let h = hostile(d, &["build", "g.md", "-o", "dist"]);
    assert_eq!(h.run.status, 0, "{}", h.run.stderr);
    assert!(!h.run.stderr.contains("svg"), "{}", h.run.stderr);
    assert_valid(&d.join("dist/g.epub"));
    qpdf_clean(&d.join("dist/g.pdf"));
    let svg = epub_names(&d.join("dist/g.epub"))
        .into_iter()
        .find(|n| n.ends_with(".svg"))
        .map(|n| epub_file(&d.join("dist/g.epub"), &n))
        .unwrap();
    assert!(!svg.contains("DOCTYPE") && svg.contains("node"), "{svg}");
    assert!(pdftotext(&d.join("dist/g.pdf"), None).contains("node"));
    refused(d, "n.md", 1, "[svg-invalid]");
}

#[test]
fn only_safe_link_schemes_stay_live() {
    let dir = project(&[(
        "a.md",
        b"# L\n\n[one](javascript:alert(1)) [two](file:///etc/passwd) [three](data:text/html,hi) [four](JaVaScRiPt:x) [five](https://example.com) [six](mailto:a@b.c)\n",
    )]);
    let (r, epub, pdf) = builds(dir.path(), "a.md");
    assert_eq!(
        r.stderr.matches("[link-dropped]").count(),
        4,
        "{}",
        r.stderr
    );
    let chapter = epub_file(&epub, "OEBPS/ch01.xhtml");
    for bad in ["javascript", "JaVaScRiPt", "file:", "data:"] {
        assert!(
            !chapter.to_lowercase().contains(&bad.to_lowercase()),
            "{bad}:\n{chapter}"
        );
    }
    assert!(chapter.contains("href=\"https://example.com\"") && chapter.contains("mailto:a@b.c"));
    let raw = String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).to_lowercase();
    assert!(!raw.contains("javascript") && !raw.contains("file:///"));
    all_words_in_pdf(&pdf, "one two three four five six");
}

#[test]
fn nonsense_dates_are_errors() {
    let dir = project(&[
        ("a.md", b"# A\n\nText.\n"),
        ("b.md", b"---\ndate: 2026-13-45\n---\n\n# B\n"),
    ]);
    let h = hostile_env(
        dir.path(),
        &["build", "a.md", "-o", "dist"],
        &[("SOURCE_DATE_EPOCH", "99999999999999")],
    );
    assert_eq!(h.run.status, 1);
    assert!(
        h.run.stderr.contains("SOURCE_DATE_EPOCH: error:"),
        "{}",
        h.run.stderr
    );
    assert_eq!(outputs(dir.path()), Vec::<String>::new());
    let h = hostile_env(
        dir.path(),
        &["build", "a.md", "-o", "dist"],
        &[("SOURCE_DATE_EPOCH", "-5")],
    );
    assert_eq!(h.run.status, 1);
    refused(dir.path(), "b.md", 1, "b.md:2:1: error: date `2026-13-45`");
}

// ------------------------------------------ check and build agree; no writes

#[test]
fn check_fails_exactly_when_build_does_and_build_writes_nothing() {
    let dir = project(&[
        ("svg.md", b"# S\n\n![A square](sq.svg)\n"),
        ("sq.svg", br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#),
        ("font/book.toml", b"[book]\ntitle = \"F\"\n[fonts]\nregular = \"cut.ttf\"\n"),
        ("font/a.md", b"# A\n\nText.\n"),
    ]);
    let d = dir.path();
    // An SVG goes into both formats, and check agrees.
    let _ = builds(d, "svg.md");
    std::fs::remove_dir_all(d.join("dist")).unwrap();
    // A truncated font.
    let font = include_bytes!("../fonts/CharisSIL-Regular.ttf");
    std::fs::write(d.join("font/cut.ttf"), &font[..font.len() / 3]).unwrap();
    refused(d, "font", 1, "book.toml:4:11: error: font `cut.ttf`");
}

#[test]
fn deny_warnings_covers_every_stage() {
    let dir = project(&[
        ("a.md", b"# A\n\n![A small picture](small.png)\n"),
        ("small.png", include_bytes!("images/transparent.png")),
    ]);
    let d = dir.path();
    let c = hostile(d, &["check", "a.md", "--deny-warnings"]);
    assert_eq!(c.run.status, 1, "{}", c.run.stderr);
    assert!(
        c.run.stderr.contains("[image-resolution]"),
        "a typesetter warning: {}",
        c.run.stderr
    );
    let b = hostile(d, &["build", "a.md", "-o", "dist", "--deny-warnings"]);
    assert_eq!(b.run.status, 1);
    assert_eq!(outputs(d), Vec::<String>::new());
    let b = hostile(d, &["build", "a.md", "-o", "dist"]);
    assert_eq!(b.run.status, 0);
}

#[test]
fn one_report_lists_every_stage_with_codes() {
    let dir = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"All\"\nisbn = \"978-0-306-40615-8\"\n[pdf]\npage-size = \"A5\"\n",
        ),
        (
            "a.md",
            b"# A\n\n![Missing](nowhere.png)\n\nA note.[^n]\n\n[^n]: ![A square](sq.svg)\n\n[dangling](other.md)\n\n<video>html</video>\n",
        ),
        ("b.md", b"---\ntitle: [unclosed\n---\n\nText.\n"),
        ("sq.svg", br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#),
    ]);
    let d = dir.path();
    let c = hostile(d, &["check", ".", "--format", "json"]);
    assert_eq!(c.run.status, 1, "{}", c.run.stderr);
    let report: serde_json::Value = serde_json::from_str(&c.run.stdout).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    for code in [
        "isbn",
        "image-missing",
        "image-unsupported",
        "link-dropped",
        "html-dropped",
        "yaml-syntax",
    ] {
        assert!(codes.contains(&code), "{code} not in {codes:?}");
    }
    for d in report["diagnostics"].as_array().unwrap() {
        assert!(d["file"].is_string() && d["line"].is_u64() && d["message"].is_string());
        assert!(["error", "warning"].contains(&d["severity"].as_str().unwrap()));
    }
    assert_eq!(
        (report["errors"].as_u64().unwrap() + report["warnings"].as_u64().unwrap()) as usize,
        codes.len()
    );
    // build prints the same report, and writes nothing.
    let b = hostile(d, &["build", ".", "--format", "json", "-o", "dist"]);
    assert_eq!(b.run.status, 1);
    let built: serde_json::Value = serde_json::from_str(&b.run.stdout).unwrap();
    assert_eq!(built["diagnostics"], report["diagnostics"]);
    assert_eq!(built["outputs"], serde_json::json!([]));
    assert_eq!(outputs(d), Vec::<String>::new());
}

// ------------------------------------------------ panics and interruptions

#[test]
fn a_panic_is_an_internal_error_and_nothing_is_written() {
    let dir = project(&[("a.md", b"# A\n\nText.\n")]);
    let d = dir.path();
    let h = hostile_env(
        d,
        &["build", "a.md", "-o", "dist"],
        &[("QUIRE_INJECT_FAULT", "typeset-thread")],
    );
    assert_eq!(h.run.status, 70, "{}", h.run.stderr);
    assert!(
        h.run
            .stderr
            .contains("a.md: error: internal error: fault injected"),
        "{}",
        h.run.stderr
    );
    assert!(h.run.stderr.contains("[internal]"));
    assert_eq!(outputs(d), Vec::<String>::new(), "the EPUB was written too");
    let c = hostile_env(
        d,
        &["check", "a.md"],
        &[("QUIRE_INJECT_FAULT", "typeset-thread")],
    );
    assert_eq!(c.run.status, 70);
}

#[test]
fn stale_temporary_files_are_cleaned() {
    let dir = project(&[("a.md", b"# A\n\nText.\n")]);
    let d = dir.path();
    std::fs::create_dir_all(d.join("dist")).unwrap();
    // Left by runs that were killed (no process has these ids).
    for stale in [".a.epub.4000000001.partial", ".a.pdf.4000000002.partial"] {
        std::fs::write(d.join("dist").join(stale), b"half").unwrap();
    }
    let h = hostile(d, &["build", "a.md", "-o", "dist"]);
    assert_eq!(h.run.status, 0, "{}", h.run.stderr);
    assert_eq!(outputs(d), vec!["a.epub".to_string(), "a.pdf".to_string()]);
}

#[cfg(unix)]
#[test]
fn an_interrupted_build_leaves_no_partial_file() {
    let mut text = String::from("# Long\n\n");
    for i in 0..3000 {
        text.push_str(&words(60, i));
        text.push_str("\n\n");
    }
    let dir = project(&[("a.md", text.as_bytes())]);
    let d = dir.path();
    for delay_ms in [50u64, 150, 300, 600] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
            .args(["build", "a.md", "-o", "dist"])
            .current_dir(d)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = Command::new("kill")
            .arg("-INT")
            .arg(child.id().to_string())
            .status();
        let status = child.wait().unwrap();
        assert!(matches!(status.code(), Some(0 | 130)), "{status:?}");
        let left: Vec<String> = outputs(d)
            .into_iter()
            .filter(|f| f.ends_with(".partial"))
            .collect();
        assert_eq!(left, Vec::<String>::new(), "after {delay_ms} ms");
    }
}

// -------------------------------------------------- messages that mislead

#[test]
fn messages_point_at_the_key_and_escape_the_terminal() {
    let dir = project(&[
        (
            "a.md",
            b"---\ntitle: A\nsubjects: {one: 1}\nauthor: [1, [2]]\n---\n\nText.\n",
        ),
        ("b\x1b[31m.md", b"# B\n\n![x](missing.png)\n"),
    ]);
    let d = dir.path();
    refused(d, "a.md", 1, "a.md:3:1: error: `subjects`:");
    refused(d, "a.md", 1, "a.md:4:1: error: `author`:");
    let h = hostile(d, &["build", "b\u{1b}[31m.md", "-o", "dist"]);
    assert_eq!(h.run.status, 1);
    assert!(!h.run.stderr.contains('\u{1b}'), "{:?}", h.run.stderr);
    assert!(
        h.run
            .stderr
            .contains("b\\u{1b}[31m.md:3:1: error: image not found"),
        "{}",
        h.run.stderr
    );
}

#[test]
fn hostile_index_marks_are_bounded() {
    // Fifty thousand marks in one paragraph, a key of a hundred thousand
    // levels, an entry of two hundred thousand letters: each builds (the
    // first into an index of fifty thousand entries; the others leave the
    // mark out, saying so) well inside the minute.
    let many = format!(
        "# T\n\n{}\n",
        (0..50_000)
            .map(|i| format!("[term{i}]{{.idx}} word"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let deep = format!(
        "# T\n\n[x]{{.idx key=\"{}\"}}\n",
        vec!["a"; 100_000].join("!")
    );
    let long = format!("# T\n\n[{}]{{.idx}}\n", "b".repeat(200_000));
    let dir = project(&[
        ("many.md", many.as_bytes()),
        ("deep.md", deep.as_bytes()),
        ("long.md", long.as_bytes()),
    ]);
    let h = hostile(dir.path(), &["build", "many.md", "--out-dir", "out"]);
    assert_eq!(h.run.status, 0, "{}", h.run.stderr);
    assert!(
        pdftotext(&dir.path().join("out/many.pdf"), None).contains("term49999, "),
        "the last entry is in the index"
    );
    // (The key's third level holds the rest of it: 199,995 characters.)
    for (md, chars) in [("deep.md", 199_995), ("long.md", 200_000)] {
        let h = hostile(dir.path(), &["build", md, "--out-dir", "out"]);
        assert_eq!(h.run.status, 0, "{}", h.run.stderr);
        let want = format!(
            "{md}:3:1: warning: an index entry of {chars} characters is left out of the index (an entry has at most 500) [index]"
        );
        assert!(h.run.stderr.contains(&want), "{want}\n{}", h.run.stderr);
    }
}
