//! Page makeup as a prepress review measures it, from the PDF: facing
//! pages end on the same baseline, and no chapter ends on a page of fewer
//! than five lines (benches/page_makeup.py reads the baselines back with
//! MuPDF). Judged on a real novel and on the user's manual.

mod common;

use common::*;
use std::path::Path;

struct Makeup {
    spreads: u64,
    unequal: Vec<serde_json::Value>,
    short_ends: Vec<serde_json::Value>,
}

fn makeup(pdf: &Path) -> Makeup {
    let out = std::process::Command::new("python3")
        .arg(repo().join("benches/page_makeup.py"))
        .arg(pdf)
        .arg("--json")
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "page_makeup.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    Makeup {
        spreads: v["spreads"].as_u64().unwrap(),
        unequal: v["unequal"].as_array().unwrap().clone(),
        short_ends: v["short_ends"].as_array().unwrap().clone(),
    }
}

#[test]
fn a_novel_and_the_manual_have_level_spreads_and_full_last_pages() {
    let dir = tempfile::tempdir().unwrap();
    for (input, extra, name, at_least) in [
        (
            repo().join("tests/corpus/pride-and-prejudice.txt"),
            vec!["--layout", "book"],
            "pride-and-prejudice",
            100,
        ),
        (
            manuscripts().join("quire-manual"),
            vec![],
            "quire-manual",
            0,
        ),
    ] {
        let (r, pdf) = build_pdf(&input, &dir.path().join(name), &extra);
        assert_eq!(r.status, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("page-makeup"), "{}", r.stderr);
        let m = makeup(&pdf);
        assert!(m.spreads >= at_least, "{name}: {} spreads", m.spreads);
        assert!(m.unequal.is_empty(), "{name}: {:?}", m.unequal);
        assert!(m.short_ends.is_empty(), "{name}: {:?}", m.short_ends);
    }
}

/// A book that forbids long pages ends its spreads level a line short
/// where it can, and names each spread where it cannot; the same text set
/// as an article, whose pages are not spreads, shows the measure finding
/// pages of unequal depth (it is not a test that cannot fail).
#[test]
fn without_long_pages_each_uneven_spread_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let novel = std::fs::read(repo().join("tests/corpus/pride-and-prejudice.txt")).unwrap();
    let book = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"Levels\"\nauthors = [\"A. Writer\"]\n\n[style]\nlong-pages = 0\n",
        ),
        ("novel.txt", &novel),
    ]);
    let (r, pdf) = build_pdf(book.path(), &dir.path().join("out"), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // Where no way short serves, the book says so, spread by spread.
    let m = makeup(&pdf);
    assert!(m.spreads >= 100, "{}", m.spreads);
    let warned = r.stderr.matches("end on different lines").count();
    assert_eq!(warned, m.unequal.len(), "{:?}\n{}", m.unequal, r.stderr);
    assert!(m.unequal.len() <= 6, "{:?}", m.unequal);

    let (r, pdf) = build_pdf(
        &repo().join("tests/corpus/pride-and-prejudice.txt"),
        &dir.path().join("article"),
        &["--layout", "article"],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(makeup(&pdf).unequal.len() >= 10);
}
