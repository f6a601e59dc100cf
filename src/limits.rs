//! Every bound Quire puts on its input, in one place. Each is far above
//! what a real book needs and low enough that no input can make Quire hang,
//! exhaust memory or overflow its stack. The README's "Limits" section
//! lists them; a test keeps the two in step.

/// A manuscript file: a million-word novel is about 6 MB.
pub const MANUSCRIPT_BYTES: u64 = 64 << 20;
/// A bibliography file (.bib, .json, .yaml) or a citation style (.csl).
pub const BIBLIOGRAPHY_BYTES: u64 = 64 << 20;
/// Braces inside each other in a BibLaTeX file (an entry's own braces
/// included); a Hayagriva file is bounded as front matter is.
pub const BIBLIOGRAPHY_DEPTH: usize = 32;
/// The words of one index entry (or of a cross-reference to one), in
/// characters; a mark past it is left out of the index.
pub const INDEX_TERM_CHARS: usize = 500;
/// A Word file (.docx), compressed: text and the pictures in it.
pub const DOCX_BYTES: u64 = 256 << 20;
/// One XML part of a Word file once uncompressed (the document, its
/// notes, its styles): a million-word novel's document is about 60 MB.
pub const DOCX_PART_BYTES: u64 = 128 << 20;
/// All the parts of a Word file Quire reads, uncompressed.
pub const DOCX_TOTAL_BYTES: u64 = 256 << 20;
/// `book.toml`.
pub const CONFIG_BYTES: u64 = 1 << 20;
/// YAML front matter, which sits at the top of a manuscript.
pub const FRONT_MATTER_BYTES: usize = 256 << 10;
/// How deeply YAML collections may nest (`[[[...]]]`).
pub const YAML_DEPTH: usize = 32;
/// An image file.
pub const IMAGE_BYTES: u64 = 256 << 20;
/// An image's pixels (width × height), read from its header before it is
/// decoded; settable as `[limits] max-image-pixels`. 100 megapixels is a
/// 10,000 × 10,000 scan, 400 MB decoded.
pub const IMAGE_PIXELS: u64 = 100_000_000;
/// Text an SVG's internal entities expand to, in all: a drawing needs a
/// few namespace names; a "billion laughs" needs gigabytes.
pub const SVG_ENTITY_BYTES: usize = 1 << 20;
/// A font file.
pub const FONT_BYTES: u64 = 64 << 20;
/// Block quotes and lists inside each other. The PDF stops indenting
/// long before this (see `INDENT_LEVELS`); the bound keeps every walk over
/// the document shallow.
pub const BLOCK_DEPTH: usize = 128;
/// Inline markup inside each other (emphasis in a link in strong …).
pub const INLINE_DEPTH: usize = 128;
/// Levels of nesting the PDF indents; deeper levels stay at this indent.
pub const INDENT_LEVELS: usize = 6;
/// Stack for the threads that walk a book: with the depths above bounded,
/// recursion needs far less; this leaves a wide margin.
pub const STACK_BYTES: usize = 256 << 20;
