//! Quire: manuscripts (Markdown, plain text) to EPUB 3 and PDF.
//!
//! `source` reads manuscripts into the `model`; `render` turns the model
//! into output formats; `fonts`, `images` and `typography` are services the
//! others call; `files` and `limits` bound what is read and make what is
//! written safe. `pipeline` runs the whole of it for one input; `cli` is
//! the command line over the pipeline, `catalogue` and `watch` its ways of
//! building many titles and rebuilding one.
//!
//! # As a library
//!
//! [`build`] reads an input, resolves it and renders it into bytes, with
//! every diagnostic; it writes nothing. The command line runs exactly this.
//!
//! ```
//! use quire::{Input, Settings, build};
//!
//! let dir = std::env::temp_dir().join(format!("quire-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let manuscript = dir.join("note.md");
//! std::fs::write(&manuscript, "---\ntitle: A Note\nauthor: A. Writer\n---\n\nHello, *world*.\n").unwrap();
//!
//! let input = Input::classify(&manuscript).expect("a manuscript");
//! let built = build(&input, &Settings::default());
//! for d in built.diagnostics.items() {
//!     eprintln!("{d}");
//! }
//! assert!(!built.failed());
//! let epub = built.file("epub").expect("an EPUB");
//! assert!(epub.bytes.starts_with(b"PK"));
//! let pdf = built.file("pdf").expect("a PDF");
//! assert!(pdf.bytes.starts_with(b"%PDF-"));
//! assert_eq!(built.pages, Some(1));
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```

pub mod cache;
pub mod catalogue;
pub mod cite;
pub mod cli;
pub mod diagnostics;
pub mod files;
pub mod fonts;
pub mod highlight;
pub mod images;
pub mod limits;
pub mod locale;
pub mod math;
pub mod model;
pub mod pipeline;
pub mod pool;
pub mod print;
pub mod progress;
pub mod render;
pub mod resolve;
pub mod source;
pub mod timing;
pub mod typography;
pub mod xml;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use pipeline::{Built, Format, Settings, build, check};
pub use source::{Input, Overrides};
