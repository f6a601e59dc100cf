//! Real books nobody here wrote: the Node.js API documentation as Debian
//! ships it (package nodejs-doc, MIT; installed by .ci/test), 64 files of
//! technical Markdown with tables, HTML comments, long code, YAML blocks
//! and characters from many scripts. Every file must build into both
//! formats with no error, a PDF qpdf passes, the words of the source on
//! its pages, and (for a spread of them) an EPUB EPUBCheck passes clean.

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

/// Distinct words of four letters or more.
fn words(text: &str) -> BTreeSet<String> {
    // A word hyphenated at a line's end is one word again.
    let joined = text.replace("-\n", "");
    joined
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect()
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
        while let Some(i) = l.find("](") {
            kept.push_str(&l[..i]);
            l = l[i..].find(')').map_or("", |j| &l[i + j + 1..]);
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
        let page = words(&pdftotext(&pdf, None));
        let missing: Vec<&String> = source.iter().filter(|w| !page.contains(*w)).collect();
        let recall = 1.0 - missing.len() as f64 / source.len().max(1) as f64;
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
