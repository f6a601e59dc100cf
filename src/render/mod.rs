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
use crate::model::Book;

/// What a renderer made: the file's bytes (`None` when it found errors)
/// and everything it had to say.
#[derive(Debug, Default)]
pub struct Rendered {
    pub bytes: Option<Vec<u8>>,
    pub diagnostics: Diagnostics,
}

impl Rendered {
    /// The bytes, unless a diagnostic is an error.
    pub fn new(bytes: Option<Vec<u8>>, diagnostics: Diagnostics) -> Self {
        let bytes = bytes.filter(|_| !diagnostics.has_errors());
        Rendered { bytes, diagnostics }
    }
}

pub trait Renderer: Sync {
    /// The format's name as the command line gives it (`epub`, `pdf`).
    fn name(&self) -> &'static str;
    /// The extension of the file it makes.
    fn extension(&self) -> &'static str {
        self.name()
    }
    /// Every validation `render` would make, and nothing written. The
    /// default renders and throws the bytes away: slower than a renderer
    /// may manage, but it cannot disagree with `render`.
    fn check(&self, book: &Book) -> Diagnostics {
        self.render(book).diagnostics
    }
    fn render(&self, book: &Book) -> Rendered;
}

/// The renderers Quire has, in the order the command line lists them.
pub fn all() -> [&'static dyn Renderer; 2] {
    [&epub::Epub, &pdf::Pdf]
}
