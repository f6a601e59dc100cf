//! The command line as a user meets it: help, version, `new`, several
//! inputs at once, the output directory.

mod common;
use common::*;

#[test]
fn version_and_help() {
    let r = run(quire().arg("--version"));
    assert_eq!(r.status, 0);
    assert_eq!(
        r.stdout.trim(),
        format!("quire {}", env!("CARGO_PKG_VERSION"))
    );
    let r = run(quire().args(["build", "--help"]));
    assert_eq!(r.status, 0);
    for flag in [
        "--to",
        "--out-dir",
        "--title",
        "--author",
        "--lang",
        "--emit",
        "--layout",
    ] {
        assert!(
            r.stdout.contains(flag),
            "{flag} not documented:\n{}",
            r.stdout
        );
    }
    let r = run(quire().args(["check", "--help"]));
    assert!(r.stdout.contains("--deny-warnings") && r.stdout.contains("--format"));
}

#[test]
fn new_makes_a_book_that_builds_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("my-novel");
    let r = run(quire().arg("new").arg(&book));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(book.join("book.toml").is_file() && book.join("chapter-1.md").is_file());
    let (r, epub) = build_epub(&book, &dir.path().join("dist"), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("warning"),
        "a new book builds without warnings:\n{}",
        r.stderr
    );
    assert!(
        epub_file(&epub, "OEBPS/content.opf")
            .contains("<dc:title id=\"title\">my novel</dc:title>")
    );
    assert_valid(&epub);
    // It refuses to overwrite a book.
    let r = run(quire().arg("new").arg(&book));
    assert_eq!(r.status, 1);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
}

#[test]
fn several_inputs_build_several_books() {
    let dir = project(&[
        ("a.md", b"# A\n\nOne.\n"),
        ("b.txt", b"Two.\n"),
        ("c.md", b"# C\n\n![x](nope.png)\n"),
    ]);
    let r = run(quire().current_dir(dir.path()).args([
        "build",
        "a.md",
        "b.txt",
        "c.md",
        "--out-dir",
        "out/epub",
        "--to",
        "epub",
    ]));
    // One bad input fails the run but does not stop the others.
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert_eq!(
        listing(&dir.path().join("out/epub")),
        vec!["a.epub", "b.epub"]
    );
    assert!(
        r.stderr
            .contains("c.md:3:1: error: image not found: nope.png"),
        "{}",
        r.stderr
    );
}

#[test]
fn book_toml_itself_is_an_input() {
    let dir = project(&[
        ("book.toml", b"[book]\ntitle = \"T\"\n"),
        ("one.md", b"# One\n\nText.\n"),
    ]);
    let r = run(quire().current_dir(dir.path()).args([
        "build",
        "book.toml",
        "-o",
        "dist",
        "--to",
        "epub",
    ]));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let name = std::fs::canonicalize(dir.path())
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(
        listing(&dir.path().join("dist")),
        vec![format!("{name}.epub")]
    );
}

#[test]
fn build_makes_both_formats_by_default() {
    let dir = project(&[("a.md", b"# A\n\nText.\n")]);
    let r = run(quire().current_dir(dir.path()).args(["build", "a.md"]));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(listing(&dir.path().join("dist")), vec!["a.epub", "a.pdf"]);
    let r = run(quire()
        .current_dir(dir.path())
        .args(["build", "a.md", "--to", "pdf", "-o", "only"]));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(listing(&dir.path().join("only")), vec!["a.pdf"]);
    let r = run(quire()
        .current_dir(dir.path())
        .args(["build", "a.md", "--to", "docx"]));
    assert_eq!(r.status, 2);
}

#[test]
fn outputs_that_would_clash_are_refused() {
    let dir = project(&[("a/notes.md", b"# A\n"), ("b/notes.txt", b"B\n")]);
    let r = run(quire()
        .current_dir(dir.path())
        .args(["build", "a/notes.md", "b/notes.txt"]));
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.contains("would both be written as `notes`"),
        "{}",
        r.stderr
    );
    assert_eq!(listing(&dir.path().join("dist")), Vec::<String>::new());
}

#[test]
fn the_readme_documents_every_code_and_limit() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for code in quire::diagnostics::Code::ALL {
        assert!(
            readme.contains(&format!("| `{}` | {} |", code.as_str(), code.meaning())),
            "README does not document `{code}`"
        );
    }
    use quire::files::human_bytes;
    use quire::limits::*;
    let mb = |n: u64| human_bytes(n).replace(".0 MB", " MB");
    for (what, value) in [
        ("a manuscript file", mb(MANUSCRIPT_BYTES)),
        ("`book.toml`", mb(CONFIG_BYTES)),
        ("YAML front matter", human_bytes(FRONT_MATTER_BYTES as u64)),
        ("an image file", mb(IMAGE_BYTES)),
        ("a font file", mb(FONT_BYTES)),
        (
            "block quotes and lists inside each other",
            format!("{BLOCK_DEPTH} deep"),
        ),
        (
            "inline markup inside each other (emphasis, links)",
            format!("{INLINE_DEPTH} deep"),
        ),
        (
            "the words of an index entry, and its levels",
            format!("{INDEX_TERM_CHARS} characters"),
        ),
    ] {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {what} |")))
            .unwrap_or_else(|| panic!("no row for {what} in the README's limits"));
        assert!(row.contains(&value), "{row} should say {value}");
    }
    assert!(readme.contains(&format!("nested at most {YAML_DEPTH} deep")));
    assert!(readme.contains(&format!("| {} |", "100,000,000")) && IMAGE_PIXELS == 100_000_000);
    assert!(readme.contains(&format!("| {INDENT_LEVELS} |")));
}
