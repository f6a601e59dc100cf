//! `book.toml`: a book's metadata, its chapters in order, and per-format
//! options. Everything but the title has a default:
//!
//! ```toml
//! chapters = ["intro.md", "part-1/one.md"]   # optional: default is every
//!                                            # .md/.markdown/.txt beside
//!                                            # book.toml, by name, except README
//! [book]
//! title = "A Book"
//! authors = ["A. Writer"]
//!
//! [epub]
//! embed-fonts = true
//!
//! [pdf]
//! page-size = "6x9in"
//! chapters-on-recto = true
//!
//! [fonts]                 # optional: the book's own TTF/OTF files
//! regular = "fonts/Book-Regular.otf"
//! italic = "fonts/Book-Italic.otf"
//! ```
//!
//! Unknown keys are errors: a misspelt option silently ignored is worse.

use crate::diagnostics::{Diagnostic, LineIndex, Location};
use crate::model::metadata::MetaInput;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BookToml {
    pub chapters: Option<Vec<toml::Spanned<String>>>,
    #[serde(default)]
    pub book: MetaInput,
    #[serde(default)]
    pub epub: EpubToml,
    #[serde(default)]
    pub pdf: PdfToml,
    #[serde(default)]
    pub fonts: FontsToml,
}

/// The book's own typefaces; any role left out keeps the bundled face.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FontsToml {
    pub regular: Option<toml::Spanned<String>>,
    pub italic: Option<toml::Spanned<String>>,
    pub bold: Option<toml::Spanned<String>>,
    pub bold_italic: Option<toml::Spanned<String>>,
    pub mono: Option<toml::Spanned<String>>,
}

impl FontsToml {
    pub fn roles(&self) -> Vec<(&'static str, &toml::Spanned<String>)> {
        [
            ("regular", &self.regular),
            ("italic", &self.italic),
            ("bold", &self.bold),
            ("bold-italic", &self.bold_italic),
            ("mono", &self.mono),
        ]
        .into_iter()
        .filter_map(|(r, v)| v.as_ref().map(|v| (r, v)))
        .collect()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PdfToml {
    /// `A4`, `A5`, `B5`, `letter`, or `WxH` with a unit (`6x9in`, `148x210mm`).
    pub page_size: Option<toml::Spanned<String>>,
    /// Open every chapter on a right-hand page (default false).
    pub chapters_on_recto: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EpubToml {
    /// Embed the bundled typefaces as subsets (default true).
    pub embed_fonts: Option<bool>,
    /// Larger images are scaled down to this many pixels (default 4,194,304).
    pub max_image_pixels: Option<u64>,
}

pub fn read(path: &Path) -> Result<(BookToml, String), Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(
            Location::file(path),
            format!("cannot read: {}", super::io_reason(&e)),
        )
    })?;
    let cfg: BookToml = toml::from_str(&text).map_err(|e| {
        let loc = match e.span() {
            Some(span) => {
                let (line, col) = LineIndex::new(&text).line_col(&text, span.start);
                Location::at(path, line, col)
            }
            None => Location::file(path),
        };
        let mut msg = e.message().trim().to_string();
        if msg.starts_with("unknown field") {
            msg.push_str(" (metadata such as `title` goes under [book])");
        }
        Diagnostic::error(loc, format!("invalid book.toml: {msg}"))
    })?;
    Ok((cfg, text))
}

/// The chapter files, in order: as listed, or found beside `book.toml`.
pub fn chapter_files(
    dir: &Path,
    config: &Path,
    text: &str,
    cfg: &BookToml,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let index = LineIndex::new(text);
    let Some(list) = &cfg.chapters else {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Diagnostic::error(Location::file(dir), format!("cannot list: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && super::kind_of(p).is_some()
                    && !p
                        .file_stem()
                        .is_some_and(|s| s.to_string_lossy().eq_ignore_ascii_case("readme"))
            })
            .collect();
        found.sort();
        return Ok(found);
    };
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut files = Vec::new();
    for entry in list {
        let (line, col) = index.line_col(text, entry.span().start);
        let loc = Location::at(config, line, col);
        let rel = entry.get_ref();
        let path = dir.join(rel);
        if super::kind_of(&path).is_none() {
            return Err(Diagnostic::error(
                loc,
                format!("chapter `{rel}` is not a manuscript (.md, .markdown or .txt)"),
            ));
        }
        let real = std::fs::canonicalize(&path).map_err(|_| {
            Diagnostic::error(loc.clone(), format!("chapter file not found: {rel}"))
        })?;
        if !real.starts_with(&root) {
            return Err(Diagnostic::error(
                loc,
                format!("chapter `{rel}` is outside the book's directory"),
            ));
        }
        if files.contains(&path) {
            return Err(Diagnostic::error(
                loc,
                format!("chapter `{rel}` is listed twice"),
            ));
        }
        files.push(path);
    }
    Ok(files)
}

/// Finds and checks the book's own font files: inside the book's
/// directory, readable, and real TrueType or OpenType fonts.
pub fn font_files(
    dir: &Path,
    config: &Path,
    text: &str,
    cfg: &BookToml,
) -> Result<Vec<(String, PathBuf)>, Diagnostic> {
    let index = LineIndex::new(text);
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut out = Vec::new();
    for (role, entry) in cfg.fonts.roles() {
        let (line, col) = index.line_col(text, entry.span().start);
        let loc = Location::at(config, line, col);
        let rel = entry.get_ref();
        let real = std::fs::canonicalize(dir.join(rel))
            .map_err(|_| Diagnostic::error(loc.clone(), format!("font file not found: {rel}")))?;
        if !real.starts_with(&root) {
            return Err(Diagnostic::error(
                loc,
                format!("font `{rel}` is outside the book's directory; copy it into the book"),
            ));
        }
        let data = std::fs::read(&real)
            .map_err(|e| Diagnostic::error(loc.clone(), format!("font `{rel}`: {e}")))?;
        crate::fonts::check_font_file(&data)
            .map_err(|e| Diagnostic::error(loc, format!("font `{rel}`: {e}")))?;
        out.push((role.to_string(), real));
    }
    Ok(out)
}
