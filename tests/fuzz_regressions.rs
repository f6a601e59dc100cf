//! Every input the fuzzers found interesting or fatal, kept in
//! `tests/fuzz/<target>/` and run again the way each fuzz target runs it
//! (`fuzz/fuzz_targets/`): in process, through the library. None may
//! panic; none may make the PDF renderer lose a word (an internal error).

use quire::diagnostics::{Code, Diagnostics};
use quire::render::Renderer;
use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
}

fn model(data: &[u8]) -> Option<quire::model::Book> {
    let text = String::from_utf8_lossy(data);
    let mut diags = Diagnostics::default();
    let path = Path::new("/nonexistent/fuzz/a.md");
    quire::source::load_text(path, &text, &Default::default(), &mut diags)
}

#[test]
fn markdown_to_model() {
    for f in inputs("markdown_to_model") {
        if let Some(book) = model(&std::fs::read(&f).unwrap()) {
            serde_json::to_vec(&book).unwrap();
        }
    }
}

#[test]
fn model_to_epub() {
    for f in inputs("model_to_epub") {
        if let Some(book) = model(&std::fs::read(&f).unwrap()) {
            let _ = quire::render::epub::Epub.render(&book, &[]);
        }
    }
}

#[test]
fn model_to_pdf() {
    for f in inputs("model_to_pdf") {
        if let Some(book) = model(&std::fs::read(&f).unwrap()) {
            let r = quire::render::pdf::Pdf.render(&book, &[]);
            let lost: Vec<String> = r
                .diagnostics
                .items()
                .iter()
                .filter(|d| d.code == Code::Internal)
                .map(|d| d.to_string())
                .collect();
            assert!(lost.is_empty(), "{}: {lost:?}", f.display());
        }
    }
}

#[test]
fn book_toml() {
    for f in inputs("book_toml") {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        let _ = quire::source::book_toml::parse(
            Path::new("book.toml"),
            text,
            &mut Diagnostics::default(),
        );
    }
}

#[test]
fn image_probe() {
    for f in inputs("image_probe") {
        let data = std::fs::read(&f).unwrap();
        let Some((&which, image)) = data.split_first() else {
            continue;
        };
        let ext = ["png", "jpg", "gif", "webp", "tif", "bmp", "svg"][which as usize % 7];
        if let Ok(info) = quire::images::probe_bytes(image, ext, 4_000_000) {
            let _ = quire::images::for_epub(image, &info, 1_000_000);
        }
    }
}
