//! Renderers: each reads a finished `model::Book` and makes one format.
//! A renderer never sees a manuscript and never calls another renderer.
//!
//! Every renderer sits behind [`Renderer`]: `check` runs every validation
//! the renderer would make, without producing anything; `render` produces
//! the bytes. Both report through the same typed diagnostics as the
//! readers, so `quire check` fails exactly when `quire build` would.

pub mod epub;
pub mod pdf;

use crate::diagnostics::Diagnostics;
use crate::model::{Book, PageBreak};

/// What a renderer made: its files (none when it found errors) and
/// everything it had to say.
#[derive(Debug, Default)]
pub struct Rendered {
    pub files: Vec<File>,
    pub diagnostics: Diagnostics,
    /// A print PDF's pages, where each begins in the book (for the EPUB).
    pub page_breaks: Vec<crate::model::PageBreak>,
    /// How many pages a paginated format has (the PDF's interior).
    pub pages: Option<usize>,
}

/// One file a renderer made, named after the input: `<stem><suffix>.<ext>`
/// (`book.pdf`, and for print `book-cover.pdf` beside it).
#[derive(Debug)]
pub struct File {
    /// What it is, for reports: `epub`, `pdf`, `cover`.
    pub format: &'static str,
    pub suffix: &'static str,
    pub extension: &'static str,
    pub bytes: Vec<u8>,
}

impl File {
    pub fn name(&self, stem: &str) -> String {
        format!("{stem}{}.{}", self.suffix, self.extension)
    }
}

impl Rendered {
    /// The files, unless a diagnostic is an error.
    pub fn new(files: Vec<File>, diagnostics: Diagnostics) -> Self {
        let files = if diagnostics.has_errors() {
            Vec::new()
        } else {
            files
        };
        Rendered {
            files,
            diagnostics,
            page_breaks: Vec::new(),
            pages: None,
        }
    }
}

pub trait Renderer: Sync {
    /// The format's name as the command line gives it (`epub`, `pdf`).
    fn name(&self) -> &'static str;
    /// Every validation `render` would make, and nothing written. The
    /// default renders and throws the bytes away: slower than a renderer
    /// may manage, but it cannot disagree with `render`.
    fn check(&self, book: &Book, print_pages: &[PageBreak]) -> Diagnostics {
        self.render(book, print_pages).diagnostics
    }
    /// The book in this format. `print_pages` are the print edition's
    /// pages, where the PDF made beside it has them (for the EPUB's page
    /// list); empty otherwise.
    fn render(&self, book: &Book, print_pages: &[PageBreak]) -> Rendered;
}

/// The renderers Quire has, in the order the command line lists them.
pub fn all() -> [&'static dyn Renderer; 2] {
    [&epub::Epub, &pdf::Pdf]
}
