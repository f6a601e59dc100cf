//! Every sample in manuscripts/ builds into an EPUB that EPUBCheck passes
//! with no error and no warning, and builds the same bytes every time.

mod common;
use common::*;

fn samples() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(manuscripts())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_dir() || matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt"))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_sample_passes_epubcheck() {
    let out = tempfile::tempdir().unwrap();
    let samples = samples();
    assert!(
        samples.len() >= 3,
        "expected the seed article (txt, md) and the manual: {samples:?}"
    );
    for sample in samples {
        let (r, epub) = build_epub(&sample, out.path(), &[]);
        assert_eq!(r.status, 0, "{}: {}", sample.display(), r.stderr);
        assert_valid(&epub);
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    for sample in samples() {
        // The first build fills this test's cache, the second takes its
        // pictures and cover from it, the third uses none.
        let (_, first) = build_epub(&sample, a.path(), &[]);
        // Wall-clock time must not leak into the output.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let (_, second) = build_epub(&sample, b.path(), &[]);
        let (_, third) = build_epub(&sample, c.path(), &["--no-cache"]);
        let read = |p: &std::path::PathBuf| std::fs::read(p).unwrap();
        let (x, y, z) = (read(&first), read(&second), read(&third));
        assert!(x == y, "{} differs between builds", sample.display());
        assert!(x == z, "{} differs without the cache", sample.display());
    }
}

#[test]
fn source_date_epoch_sets_the_modified_date() {
    let out = tempfile::tempdir().unwrap();
    let input = manuscripts().join("maliki-withdrawal.md");
    let r = run(quire()
        .env("SOURCE_DATE_EPOCH", "1409529600")
        .args(["build", "--to", "epub", "-o"])
        .arg(out.path())
        .arg(&input));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let opf = epub_file(
        &out.path().join("maliki-withdrawal.epub"),
        "OEBPS/content.opf",
    );
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2014-09-01T00:00:00Z</meta>"),
        "{opf}"
    );
}

#[test]
fn seed_article_reads_as_an_article() {
    let out = tempfile::tempdir().unwrap();
    let (r, epub) = build_epub(&manuscripts().join("maliki-withdrawal.md"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let ch = epub_file(&epub, "OEBPS/ch01.xhtml");
    assert!(ch.contains("<p class=\"byline\">Amir Basiri</p>"), "{ch}");
    assert!(ch.contains("First published in Breitbart"));
    // The author note is set apart after the text, not in it.
    let footer = ch
        .find("<footer class=\"author-note\">")
        .expect("author note");
    assert!(ch[footer..].contains("Follow him on Twitter at @Amir_bas"));
    assert!(ch[..footer].contains("irreparable damage"));
    assert!(!ch[..footer].contains("Follow him on Twitter"));
    let opf = epub_file(&epub, "OEBPS/content.opf");
    assert!(opf.contains("<dc:creator id=\"contributor-1\">Amir Basiri</dc:creator>"));
    assert!(opf.contains("<dc:source>Breitbart</dc:source>"));
    assert!(opf.contains("<dc:language>en</dc:language>"));
}

#[test]
fn seed_text_keeps_every_word() {
    // The plain-text reader must not lose or change a word of the manuscript.
    let out = tempfile::tempdir().unwrap();
    let input = manuscripts().join("seed-article.txt");
    let (r, epub) = build_epub(&input, out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("seed-article.txt: warning: no title given"),
        "{}",
        r.stderr
    );
    let ch = epub_file(&epub, "OEBPS/ch01.xhtml");
    let text: String = strip_tags(&ch);
    let source = std::fs::read_to_string(&input).unwrap();
    for word in source.split_whitespace() {
        let word = word.replace('&', "&amp;");
        assert!(text.contains(&word), "`{word}` missing from the EPUB");
    }
}

fn strip_tags(xhtml: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in xhtml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn manual_has_cover_nav_landmarks_notes_and_fonts() {
    let out = tempfile::tempdir().unwrap();
    let (r, epub) = build_epub(&manuscripts().join("quire-manual"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let opf = epub_file(&epub, "OEBPS/content.opf");
    assert!(opf.contains("properties=\"cover-image\""), "{opf}");
    assert!(opf.contains("urn:isbn:9780306406157"));
    assert!(opf.contains("<meta property=\"schema:accessibilitySummary\">"));
    assert!(
        opf.contains(
            "<meta property=\"belongs-to-collection\" id=\"series\">Quire Handbooks</meta>"
        )
    );
    assert!(opf.contains("property=\"role\" scheme=\"marc:relators\">edt</meta>"));
    let nav = epub_file(&epub, "OEBPS/nav.xhtml");
    for chapter in [
        "Introduction",
        "Writing a Manuscript",
        "Books and Collections",
        "The Command Line",
        "On Even Spacing",
    ] {
        assert!(
            nav.contains(&format!(">{chapter}</a>")),
            "{chapter} not in nav"
        );
    }
    assert!(
        nav.contains("ch03.xhtml#book-toml"),
        "sections are in the nav"
    );
    assert!(nav.contains("epub:type=\"landmarks\""));
    assert!(nav.contains("xml:lang=\"en\""));
    let ch2 = epub_file(&epub, "OEBPS/ch02.xhtml");
    assert!(ch2.contains("epub:type=\"noteref\" role=\"doc-noteref\">1</a>"));
    assert!(ch2.contains("<aside id=\"note-1\" class=\"footnote\" epub:type=\"footnote\""));
    assert!(ch2.contains("href=\"#noteref-1\" role=\"doc-backlink\""));
    let ch1 = epub_file(&epub, "OEBPS/ch01.xhtml");
    assert!(
        ch1.contains("href=\"ch03.xhtml#book-toml\""),
        "cross-chapter link resolved"
    );
    assert!(ch1.contains("<img src=\"images/flow.png\""));
    // Fonts are embedded as subsets: small, and still usable fonts.
    let names = epub_names(&epub);
    for font in [
        "charis-regular.ttf",
        "charis-italic.ttf",
        "charis-bold.ttf",
        "charis-bold-italic.ttf",
        "dejavu-sans-mono.ttf",
    ] {
        assert!(
            names.contains(&format!("OEBPS/fonts/{font}")),
            "{font} missing"
        );
    }
    let size = std::fs::metadata(&epub).unwrap().len();
    assert!(
        size < 400_000,
        "EPUB is {size} bytes: fonts are not subset?"
    );
}

#[test]
fn embed_fonts_false_leaves_fonts_out() {
    let dir = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"Plain\"\n[epub]\nembed-fonts = false\n",
        ),
        ("one.md", b"# One\n\nText.\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, epub) = build_epub(dir.path(), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!epub_names(&epub).iter().any(|n| n.ends_with(".ttf")));
    assert!(!epub_file(&epub, "OEBPS/stylesheet.css").contains("@font-face"));
    assert_valid(&epub);
}
