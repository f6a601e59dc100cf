//! `book.toml`: a book's metadata, its chapters in order, and per-format
//! options. Everything but the title has a default:
//!
//! ```toml
//! chapters = ["intro.md", "part-1/one.md"]   # optional: default is every
//!                                            # .md/.markdown/.txt beside
//!                                            # book.toml, by name, except README
//! # An entry may give the chapter's role: { file = "to-anna.md", role = "dedication" }
//!
//! [[parts]]                # optional: after `chapters`, parts with their chapters
//! title = "Arrival"
//! chapters = ["one.md", "two.md"]
//!
//! back-matter = ["notes.md"]   # optional: after the parts
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
//!
//! [limits]
//! max-image-pixels = 100000000
//!
//! [build]
//! out-dir = "dist"        # relative to book.toml
//! ```
//!
//! Unknown keys are errors: a misspelt option silently ignored is worse.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, LineIndex, Location};
use crate::model::metadata::MetaInput;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BookToml {
    pub chapters: Option<Vec<toml::Spanned<ChapterEntry>>>,
    /// Parts, each with its title and chapters, after `chapters`.
    pub parts: Option<Vec<PartToml>>,
    /// Chapters after the parts (appendices, notes, acknowledgments).
    pub back_matter: Option<Vec<toml::Spanned<ChapterEntry>>>,
    #[serde(default)]
    pub book: MetaInput,
    #[serde(default)]
    pub epub: EpubToml,
    #[serde(default)]
    pub pdf: PdfToml,
    #[serde(default)]
    pub fonts: FontsToml,
    #[serde(default)]
    pub limits: LimitsToml,
    #[serde(default)]
    pub print: PrintToml,
    #[serde(default)]
    pub style: StyleToml,
    #[serde(default)]
    pub build: BuildToml,
    #[serde(default)]
    pub docx: DocxToml,
}

/// How Word chapters are read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DocxToml {
    /// The publisher's own paragraph styles, by name, and what each is:
    /// `"heading 1"` … `"heading 6"`, `title`, `subtitle`, `author`,
    /// `quote`, `code`, `caption`, `scene-break` or `body`.
    #[serde(default)]
    pub styles: std::collections::BTreeMap<String, String>,
}

/// How `quire build` treats the book.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildToml {
    /// Where outputs go, relative to book.toml (default `dist` under the
    /// current directory, as for a manuscript).
    pub out_dir: Option<String>,
}

/// A chapter in book.toml: its file, and optionally its role.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ChapterEntry {
    File(String),
    Table(ChapterTable),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterTable {
    pub file: String,
    pub role: Option<crate::model::ChapterRole>,
}

impl ChapterEntry {
    fn file(&self) -> &str {
        match self {
            ChapterEntry::File(f) => f,
            ChapterEntry::Table(t) => &t.file,
        }
    }

    fn role(&self) -> Option<crate::model::ChapterRole> {
        match self {
            ChapterEntry::File(_) => None,
            ChapterEntry::Table(t) => t.role,
        }
    }
}

/// A part of the book: its title and its chapters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartToml {
    pub title: toml::Spanned<String>,
    pub chapters: Vec<toml::Spanned<ChapterEntry>>,
}

/// What book.toml lists, in reading order.
#[derive(Debug, Clone)]
pub enum Listed {
    /// A chapter file, with the role book.toml gives it.
    File {
        path: PathBuf,
        role: Option<crate::model::ChapterRole>,
        /// How deep a summary nests it (mdBook's sections); 0 otherwise.
        depth: u8,
        /// Set on as a section of the chapter before it.
        runs_on: bool,
    },
    /// The start of a part: its title, and where book.toml gives it.
    Part { title: String, at: Location },
}

/// Print production: the printer, its paper, crop marks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PrintToml {
    /// `kdp`, `ingram`, `lulu` or `print`: the PDF becomes a print
    /// interior for that printer, with a full-wrap cover beside it.
    pub target: Option<crate::print::Target>,
    /// `white` or `cream`: the paper, for the spine's width.
    pub paper: Option<crate::print::Paper>,
    /// Crop marks outside the bleed (default false).
    pub crop_marks: Option<bool>,
    /// The cover's back and spine colour, `#rrggbb`.
    pub cover_colour: Option<crate::print::Rgb>,
    /// A picture for the whole cover sheet: back, spine and front, to the
    /// bleed on every side.
    pub cover_wrap: Option<String>,
}

/// Bounds on input a book may raise or lower.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitsToml {
    /// The largest image, in pixels, that is decoded (default 100,000,000).
    pub max_image_pixels: Option<u64>,
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
    pub mono_bold: Option<toml::Spanned<String>>,
    /// Formulas in the PDF: a face with an OpenType MATH table.
    pub math: Option<toml::Spanned<String>>,
    /// Faces tried in order for characters the book's faces lack
    /// (`"type/NotoSansJP.otf"`, or `"NotoSerifCJK.ttc#2"` for one face
    /// of a collection).
    pub fallback: Option<Vec<toml::Spanned<String>>>,
    /// Look among the installed fonts for characters the book's lack.
    pub system: Option<bool>,
}

impl FontsToml {
    pub fn roles(&self) -> Vec<(&'static str, &toml::Spanned<String>)> {
        [
            ("regular", &self.regular),
            ("italic", &self.italic),
            ("bold", &self.bold),
            ("bold-italic", &self.bold_italic),
            ("mono", &self.mono),
            ("mono-bold", &self.mono_bold),
            ("math", &self.math),
        ]
        .into_iter()
        .filter_map(|(r, v)| v.as_ref().map(|v| (r, v)))
        .chain(self.fallback.iter().flatten().map(|v| ("fallback", v)))
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
    /// Every margin of the text block from the trimmed edge (`0.75in`,
    /// `18mm`); `inside`, `outside`, `top` and `bottom` set one each.
    pub margins: Option<toml::Spanned<String>>,
    pub inside: Option<toml::Spanned<String>>,
    pub outside: Option<toml::Spanned<String>>,
    pub top: Option<toml::Spanned<String>>,
    pub bottom: Option<toml::Spanned<String>>,
}

/// The type: its size, the distance between lines, how paragraphs part.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StyleToml {
    /// Body type size in points (6 to 24); default by page width.
    pub font_size: Option<f32>,
    /// Baseline distance over type size (1.0 to 2.5); default 1.35.
    pub line_height: Option<f32>,
    /// `indent` (default) or `space`.
    pub paragraph: Option<crate::model::ParagraphStyle>,
    /// `arabic`, `roman`, `words` or `none`.
    pub chapter_numbers: Option<crate::model::Numbering>,
    /// `* * *`, `asterism`, `fleuron`, `blank` or a short ornament.
    pub scene_break: Option<String>,
    /// Lines a chapter's title sits below the top of the page (0 to 20).
    pub chapter_sink: Option<u8>,
    /// `above` (default) or `inline`.
    pub chapter_number: Option<crate::model::NumberPlace>,
    /// `plain` (default), `small-caps` or `drop-cap`.
    pub first_paragraph: Option<crate::model::FirstParagraph>,
    /// `standard` (default), `bold`, `italic` or `small-caps`.
    pub headings: Option<crate::model::HeadingFace>,
    /// Highlight code with a language (default true).
    pub highlight: Option<bool>,
    /// How much smaller a code block's type may be set to keep its lines
    /// from wrapping (0 to 0.3; default 0.15).
    pub code_shrink: Option<f32>,
    /// Let punctuation and some letters at the ends of justified lines
    /// hang into the margins, in the PDF (default true).
    pub protrusion: Option<bool>,
    /// Let a loose justified line's letters take a little of its word
    /// spaces' width, in the PDF (default true).
    pub tracking: Option<bool>,
    /// The most, in percent, a justified line's glyphs may be widened or
    /// narrowed in the PDF (0 to 5; default 2; 0 turns it off).
    pub expansion: Option<f32>,
    /// Hyphenate words that open with a capital (default false, but
    /// true in German).
    pub hyphenate_capitals: Option<bool>,
    /// Lines a spread may run long to keep facing pages the same depth
    /// (0 to 2; default 1).
    pub long_pages: Option<u8>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EpubToml {
    /// Embed the bundled typefaces as subsets (default true).
    pub embed_fonts: Option<bool>,
    /// Larger images are scaled down to this many pixels (default 4,194,304).
    pub max_image_pixels: Option<u64>,
    /// A stylesheet appended to Quire's, relative to book.toml.
    pub css: Option<toml::Spanned<String>>,
}

pub fn read(path: &Path, diags: &mut Diagnostics) -> Option<(BookToml, String)> {
    let text = super::read_text(path, crate::limits::CONFIG_BYTES, diags)?;
    parse(path, text, diags)
}

/// `book.toml` from its text; `path` names it in messages.
pub fn parse(path: &Path, text: String, diags: &mut Diagnostics) -> Option<(BookToml, String)> {
    match toml::from_str::<BookToml>(&text) {
        Ok(mut cfg) => {
            cfg.book.clean();
            Some((cfg, text))
        }
        Err(e) => {
            let loc = error_at(path, &text, &e);
            let msg = e.message().trim().to_string();
            let mut d = Diagnostic::error(
                Code::ConfigInvalid,
                loc,
                format!("invalid book.toml: {msg}"),
            );
            if msg.starts_with("unknown field") {
                d = d.help("metadata such as `title` goes under [book]");
            }
            diags.push(d);
            None
        }
    }
}

/// Where a TOML error is in its file: at its span, or the file.
pub fn error_at(path: &Path, text: &str, e: &toml::de::Error) -> Location {
    e.span().map_or(Location::file(path), |s| {
        Location::in_text(path, text, s.start)
    })
}

/// The chapter files, in order: as listed, or found beside `book.toml`.
/// Every one must be a regular manuscript file inside the book's directory
/// once links are followed; one that is not is reported and left out.
pub fn chapter_files(
    dir: &Path,
    config: &Path,
    text: &str,
    cfg: &BookToml,
    diags: &mut Diagnostics,
) -> Vec<Listed> {
    let index = LineIndex::new(text);
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if cfg.chapters.is_none() && cfg.parts.is_none() && cfg.back_matter.is_none() {
        let entries = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                diags.error(
                    Code::FileUnreadable,
                    Location::file(dir),
                    format!("cannot list the book's directory: {}", super::io_reason(&e)),
                );
                return Vec::new();
            }
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                super::kind_of(p).is_some()
                    && !p
                        .file_stem()
                        .is_some_and(|s| s.to_string_lossy().eq_ignore_ascii_case("readme"))
            })
            .collect();
        found.sort();
        found.retain(|p| {
            let shown = crate::diagnostics::display_path(p);
            confined(
                p,
                &root,
                Location::file(p),
                &format!("chapter `{shown}`"),
                diags,
            )
            .is_some()
        });
        return found
            .into_iter()
            .map(|path| Listed::File {
                path,
                role: None,
                depth: 0,
                runs_on: false,
            })
            .collect();
    }
    let mut out: Vec<Listed> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut entries = |list: &[toml::Spanned<ChapterEntry>], out: &mut Vec<Listed>| {
        for entry in list {
            let (line, col) = index.line_col(text, entry.span().start);
            let loc = Location::at(config, line, col);
            let rel = entry.get_ref().file();
            let path = dir.join(rel);
            if super::kind_of(&path).is_none() {
                diags.error(
                    Code::ChapterFile,
                    loc,
                    format!("chapter `{rel}` is not a manuscript (.md, .markdown, .txt or .docx)"),
                );
                continue;
            }
            let Some(real) = confined(
                &path,
                &root,
                loc.clone(),
                &format!("chapter `{rel}`"),
                diags,
            ) else {
                continue;
            };
            if seen.contains(&real) {
                diags.error(
                    Code::ChapterFile,
                    loc,
                    format!("chapter `{rel}` is listed twice"),
                );
                continue;
            }
            seen.push(real);
            out.push(Listed::File {
                path,
                role: entry.get_ref().role(),
                depth: 0,
                runs_on: false,
            });
        }
    };
    entries(cfg.chapters.as_deref().unwrap_or_default(), &mut out);
    for part in cfg.parts.iter().flatten() {
        let (line, col) = index.line_col(text, part.title.span().start);
        out.push(Listed::Part {
            title: part.title.get_ref().clone(),
            at: Location::at(config, line, col),
        });
        entries(&part.chapters, &mut out);
    }
    entries(cfg.back_matter.as_deref().unwrap_or_default(), &mut out);
    out
}

/// The real path of a file the book names, if it is a regular file inside
/// `root` (links followed); otherwise the problem is reported.
/// `what` names the file as the book does (`chapter `two.md``).
pub fn confined(
    path: &Path,
    root: &Path,
    loc: Location,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<PathBuf> {
    let Ok(real) = std::fs::canonicalize(path) else {
        diags.error(Code::ChapterFile, loc, format!("{what}: no such file"));
        return None;
    };
    if !real.starts_with(root) {
        diags.push(
            Diagnostic::error(
                Code::OutsideProject,
                loc,
                format!("{what} is outside the book's directory (once links are followed)"),
            )
            .help("copy the file into the book's directory"),
        );
        return None;
    }
    if let Err(e) = crate::files::check_regular(&real) {
        diags.error(e.code(), loc, format!("{what}: {e}"));
        return None;
    }
    Some(real)
}

/// Finds and checks the book's own font files: inside the book's
/// directory, readable, and real TrueType or OpenType fonts.
pub fn font_files(
    dir: &Path,
    config: &Path,
    text: &str,
    cfg: &BookToml,
    diags: &mut Diagnostics,
) -> Vec<crate::model::FontFile> {
    let index = LineIndex::new(text);
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut out = Vec::new();
    for (role, entry) in cfg.fonts.roles() {
        let (line, col) = index.line_col(text, entry.span().start);
        let loc = Location::at(config, line, col);
        // `file.ttc#2`: the third face of a collection.
        let (rel, face) = match entry.get_ref().rsplit_once('#') {
            Some((file, n)) if n.parse::<u32>().is_ok() => (file, n.parse().unwrap_or(0)),
            _ => (entry.get_ref().as_str(), 0),
        };
        let Some(real) = confined(
            &dir.join(rel),
            &root,
            loc.clone(),
            &format!("font `{rel}`"),
            diags,
        ) else {
            continue;
        };
        let checked = crate::files::read_limited(&real, crate::limits::FONT_BYTES)
            .map_err(|e| e.to_string())
            .and_then(|data| {
                crate::fonts::check_font_file(&data, face, role != "fallback")
                    .map_err(|e| e.to_string())?;
                if role == "math" && !crate::fonts::has_math_table(&data) {
                    return Err(
                        "it has no OpenType MATH table, so formulas cannot be set with it"
                            .to_string(),
                    );
                }
                Ok(())
            });
        match checked {
            Ok(_) => out.push(crate::model::FontFile {
                role: role.to_string(),
                path: real,
                index: face,
            }),
            Err(e) => diags.push(
                Diagnostic::error(Code::FontInvalid, loc, format!("font `{rel}`: {e}")).help(
                    if role == "math" {
                        "give a math font (Latin Modern Math, STIX Two Math, a TeX Gyre … Math), or leave `math` out for the bundled one"
                    } else if e.contains("there is no face") {
                        "name a face the collection has: `file.ttc#0` is its first"
                    } else {
                        "give a TrueType (.ttf) or OpenType (.otf) file"
                    },
                ),
            ),
        }
    }
    out
}
