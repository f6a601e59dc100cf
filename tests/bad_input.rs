//! Bad input: each gets a clear `file:line` message, exit status 1, and no
//! output left behind; problems that can be survived are warnings and the
//! EPUB is still valid.

mod common;
use common::*;

/// Builds a project's entry and checks the failure a user would see.
fn fails(files: &[(&str, &[u8])], entry: &str, expect: &str) {
    fails_with(1, files, entry, expect)
}

/// The same, for a command line that cannot be run (exit status 2).
fn usage_fails(files: &[(&str, &[u8])], entry: &str, expect: &str) {
    fails_with(2, files, entry, expect)
}

fn fails_with(status: i32, files: &[(&str, &[u8])], entry: &str, expect: &str) {
    let dir = project(files);
    let out = dir.path().join("dist");
    let r = run(quire()
        .current_dir(dir.path())
        .args(["build", entry, "--to", "epub", "-o", "dist"]));
    assert_eq!(r.status, status, "exit status; stderr:\n{}", r.stderr);
    assert!(
        r.stderr.contains(expect),
        "expected `{expect}` in:\n{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(listing(&out), Vec::<String>::new(), "output left behind");
}

#[test]
fn missing_manuscript() {
    usage_fails(
        &[],
        "nowhere.md",
        "nowhere.md: error: no such file or directory",
    );
}

#[test]
fn missing_image_names_the_line() {
    fails(
        &[("a.md", b"# A\n\nText.\n\n![A map](img/map.png)\n")],
        "a.md",
        "a.md:5:1: error: image not found: img/map.png",
    );
}

#[test]
fn image_outside_the_project() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.png"), b"whatever").unwrap();
    let rel = format!(
        "../{}/x.png",
        outside.path().file_name().unwrap().to_string_lossy()
    );
    let text = format!("# A\n\nText.\n\n![x]({rel})\n");
    fails(
        &[("a.md", text.as_bytes())],
        "a.md",
        "is outside the project directory",
    );
    fails(
        &[("a.md", b"# A\n\n![x](../../../etc/passwd)\n")],
        "a.md",
        "a.md:3:1: error: image `../../../etc/passwd` is outside the project",
    );
}

#[test]
fn malformed_yaml_front_matter() {
    fails(
        &[("a.md", b"---\ntitle: A\nauthor: [unclosed\n---\n\nText.\n")],
        "a.md",
        "a.md:4:1: error: malformed YAML front matter",
    );
}

#[test]
fn unknown_book_toml_key() {
    fails(
        &[
            ("book.toml", b"[book]\ntitle = \"B\"\ntitel = \"typo\"\n"),
            ("one.md", b"# One\n\nText.\n"),
        ],
        ".",
        "book.toml:3:1: error: invalid book.toml: unknown field `titel`",
    );
}

#[test]
fn missing_chapter_file() {
    fails(
        &[
            (
                "book.toml",
                b"chapters = [\"one.md\", \"two.md\"]\n[book]\ntitle = \"B\"\n",
            ),
            ("one.md", b"# One\n"),
        ],
        ".",
        "book.toml:1:23: error: chapter `two.md`: no such file",
    );
}

#[test]
fn wrong_isbn_check_digit() {
    fails(
        &[
            (
                "book.toml",
                b"[book]\ntitle = \"B\"\nisbn = \"978-0-306-40615-8\"\n",
            ),
            ("one.md", b"# One\n"),
        ],
        ".",
        "book.toml:3:1: error: ISBN `978-0-306-40615-8` has a wrong check digit: 8 given, 7 expected",
    );
}

#[test]
fn bad_language_tag() {
    fails(
        &[("a.md", b"---\ntitle: A\nlang: English please\n---\nText.\n")],
        "a.md",
        "a.md:3:1: error: `English please` is not a BCP 47 language tag",
    );
}

#[test]
fn unsupported_input_kind() {
    usage_fails(&[("notes.odt", b"PK")], "notes.odt", "not a manuscript");
}

#[test]
fn mislabelled_and_empty_images() {
    let png: &[u8] = include_bytes!("../manuscripts/quire-manual/images/flow.png");
    fails(
        &[("a.md", b"# A\n\n![x](pic.jpg)\n"), ("pic.jpg", png)],
        "a.md",
        "a.md:3:1: error: image `pic.jpg`: the file is named .jpg but holds a PNG image",
    );
    fails(
        &[("a.md", b"# A\n\n![x](pic.png)\n"), ("pic.png", b"")],
        "a.md",
        "image `pic.png`: the file is empty",
    );
}

#[test]
fn failed_build_keeps_the_previous_output() {
    let dir = project(&[("a.md", b"# A\n\nGood.\n")]);
    let r = run(quire()
        .current_dir(dir.path())
        .args(["build", "a.md", "-o", "dist"]));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let epub = std::fs::read(dir.path().join("dist/a.epub")).unwrap();
    let pdf = std::fs::read(dir.path().join("dist/a.pdf")).unwrap();
    std::fs::write(dir.path().join("a.md"), "# A\n\n![gone](gone.png)\n").unwrap();
    let r = run(quire()
        .current_dir(dir.path())
        .args(["build", "a.md", "-o", "dist"]));
    assert_eq!(r.status, 1);
    assert_eq!(std::fs::read(dir.path().join("dist/a.epub")).unwrap(), epub);
    assert_eq!(std::fs::read(dir.path().join("dist/a.pdf")).unwrap(), pdf);
    assert_eq!(listing(&dir.path().join("dist")), vec!["a.epub", "a.pdf"]);
}

#[test]
fn survivable_problems_warn_and_still_validate() {
    let dir = project(&[(
        "a.md",
        "# A\n\nSee [nowhere](other.md) and [here](#no-such-id) and [ok](#a).\n\n\
A note[^missing] and an unused one.\n\n[^unused]: Never referenced.\n\n\
<video class=\"x\">raw block</video>\n\nInline <blink>html</blink> and <sup>2</sup> and <blink>again</blink>.\n"
            .as_bytes(),
    )]);
    let (r, epub) = build_epub(&dir.path().join("a.md"), &dir.path().join("dist"), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    for expect in [
        "a.md:3:5: warning: link to `other.md`, which is not part of the book; kept as text",
        "a.md:3:29: warning: link to `#no-such-id`: no heading there has the id `no-such-id`; kept as text",
        "a.md:5:7: warning: footnote `[^missing]` is not defined; kept as text",
        "a.md:7: warning: footnote `[^unused]` is defined but never referenced",
        "a.md:9:1: warning: raw HTML tag <video> dropped; its text is kept",
        "a.md:11:8: warning: raw HTML tag <blink> dropped (2 times in this file); its text is kept",
    ] {
        assert!(
            r.stderr.contains(expect),
            "expected `{expect}` in:\n{}",
            r.stderr
        );
    }
    let ch = epub_file(&epub, "OEBPS/ch01.xhtml");
    assert!(
        ch.contains("See nowhere and here and <a href=\"#a\">ok</a>."),
        "{ch}"
    );
    assert!(ch.contains("<sup>2</sup>"));
    assert!(
        ch.contains("raw block") && ch.contains("again"),
        "the text is kept: {ch}"
    );
    assert_valid(&epub);
}

#[test]
fn check_reports_without_writing() {
    let dir = project(&[("a.md", b"# A\n\n![x](missing.png)\n\n[link](b.md)\n")]);
    let r = run(quire().current_dir(dir.path()).args(["check", "a.md"]));
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("a.md:3:1: error: image not found: missing.png"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 error(s), 1 warning(s)"),
        "{}",
        r.stderr
    );
    assert_eq!(listing(dir.path()), vec!["a.md".to_string()]);

    let r = run(quire()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "a.md"]));
    assert_eq!(r.status, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON report");
    assert_eq!(v["errors"], 1);
    assert_eq!(v["warnings"], 1);
    let first = &v["diagnostics"][0];
    assert_eq!(first["file"], "a.md");
    assert_eq!(first["line"], 3);
    assert_eq!(first["severity"], "error");
}

#[test]
fn deny_warnings_fails_on_warnings() {
    let dir = project(&[("a.md", b"# A\n\n[link](b.md)\n")]);
    let r = run(quire().current_dir(dir.path()).args(["check", "a.md"]));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let r = run(quire()
        .current_dir(dir.path())
        .args(["check", "--deny-warnings", "a.md"]));
    assert_eq!(r.status, 1);
}

#[test]
fn usage_errors_exit_2() {
    let r = run(quire().args(["build", "--no-such-flag", "x.md"]));
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("--no-such-flag"), "{}", r.stderr);
    let r = run(quire().args(["build"]));
    assert_eq!(r.status, 2);
    let r = run(quire().args(["check", "--format", "xml", "x.md"]));
    assert_eq!(r.status, 2);
}

#[test]
fn binary_garbage_is_an_error_not_a_panic() {
    fails(
        &[("a.md", &[0xff, 0xfe, 0x00, 0x41, 0x0a, 0xc3])],
        "a.md",
        "a.md:1:1: error: the file is not UTF-8 text",
    );
}

#[test]
fn chapter_outside_the_book() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.md"), "# X\n").unwrap();
    let toml = format!(
        "chapters = [\"{}\"]\n[book]\ntitle = \"B\"\n",
        outside.path().join("x.md").display()
    );
    fails(
        &[("book.toml", toml.as_bytes())],
        ".",
        "book.toml:1:13: error: chapter `",
    );
    fails(
        &[("book.toml", toml.as_bytes())],
        ".",
        "is outside the book's directory",
    );
}

#[test]
fn missing_cover_names_the_key() {
    fails(
        &[
            (
                "book.toml",
                b"[book]\ntitle = \"B\"\n\ncover = \"art/cover.jpg\"\n",
            ),
            ("one.md", b"# One\n"),
        ],
        ".",
        "book.toml:4:1: error: cover: image not found: art/cover.jpg",
    );
}

#[test]
fn invalid_book_toml_syntax() {
    fails(
        &[("book.toml", b"[book]\ntitle = \"unclosed\n")],
        ".",
        "book.toml:2:",
    );
    fails(
        &[("book.toml", b"[book]\ntitle = \"unclosed\n")],
        ".",
        "error: invalid book.toml",
    );
}
