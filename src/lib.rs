//! Quire: manuscripts (Markdown, plain text) to EPUB 3 and PDF.
//!
//! `source` reads manuscripts into the `model`; `render` turns the model
//! into output formats; `fonts`, `images` and `typography` are services the
//! others call; `files` and `limits` bound what is read and make what is
//! written safe. `cli` is the command line over all of it.

pub mod cache;
pub mod cli;
pub mod diagnostics;
pub mod files;
pub mod fonts;
pub mod highlight;
pub mod images;
pub mod limits;
pub mod math;
pub mod model;
pub mod print;
pub mod render;
pub mod source;
pub mod timing;
pub mod typography;
pub mod xml;
