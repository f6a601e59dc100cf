//! Diagnostics: what went wrong or looks wrong, and where.
//!
//! Every stage (readers, resolution, images, fonts, both renderers, the
//! writers) reports through [`Diagnostics`]; nothing here prints. A
//! diagnostic has a severity, a stable [`Code`] naming the kind of problem
//! (scripts match on codes, never on message text), a location
//! (`file:line:col`, as the user typed the path), a message saying what
//! happened, and optionally help saying what to do.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// The kind of a problem: stable names that scripts and CI can
        /// match on. The README lists them all.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order they are documented.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed and as JSON carries it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// One line on what the code means.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => concat!($($doc),*).trim_start(),)*
                }
            }
        }
    };
}

codes! {
    /// An input named on the command line does not exist.
    InputMissing = "input-missing",
    /// An input is neither a manuscript nor a book directory.
    InputKind = "input-kind",
    /// A file is not a regular file (a FIFO, a device, a socket).
    NotRegularFile = "not-regular-file",
    /// A file is larger than Quire reads.
    FileTooLarge = "file-too-large",
    /// A file cannot be read (permissions, I/O).
    FileUnreadable = "file-unreadable",
    /// A manuscript is not UTF-8 text.
    NotUtf8 = "not-utf8",
    /// Characters XML cannot carry (control codes) were removed.
    ControlCharacter = "control-character",
    /// Malformed YAML front matter.
    YamlSyntax = "yaml-syntax",
    /// A front-matter or book.toml value of the wrong type or form.
    MetadataInvalid = "metadata-invalid",
    /// A front-matter key Quire does not know (ignored).
    MetadataUnknownKey = "metadata-unknown-key",
    /// A Word file that cannot be read: not a zip archive, encrypted, a
    /// part missing, malformed or too large once uncompressed.
    DocxInvalid = "docx-invalid",
    /// Something in a Word file that is not carried over as it stands:
    /// tracked changes (taken as accepted), comments, linked pictures and
    /// charts, Word's own table of contents, page breaks.
    DocxDropped = "docx-dropped",
    /// A citation names a work no bibliography file holds.
    Citation = "citation",
    /// A bibliography file or citation style that cannot be read: a
    /// malformed entry, an unknown style, a key given twice.
    Bibliography = "bibliography",
    /// An index mark that cannot be made an entry as written: no words
    /// and no key, an attribute it does not take, a range never closed or
    /// never opened, a cross-reference to no entry, an entry too long, a
    /// place no page holds.
    Index = "index",
    /// A needed piece of metadata (title, author) is missing or empty.
    MetadataMissing = "metadata-missing",
    /// A setting that means nothing where it is given (a chapter file's
    /// `style` or `print`, which the book sets once).
    MetadataIgnored = "metadata-ignored",
    /// Not a BCP 47 language tag.
    LanguageTag = "language-tag",
    /// An ISBN with the wrong form or check digit.
    Isbn = "isbn",
    /// A date that is not `YYYY[-MM[-DD]]` or is out of range.
    Date = "date",
    /// `SOURCE_DATE_EPOCH` is not a usable number of seconds.
    SourceDateEpoch = "source-date-epoch",
    /// book.toml cannot be read as a configuration.
    ConfigInvalid = "config-invalid",
    /// A chapter file is missing, listed twice or not a manuscript.
    ChapterFile = "chapter-file",
    /// A line of an mdBook project's SUMMARY.md that is not a chapter, a
    /// part title or a separator, a draft chapter, or a chapter link that
    /// leaves the book.
    SummaryInvalid = "summary-invalid",
    /// An mdBook `{{#include}}` that cannot be resolved: a missing file or
    /// anchor, a range past the file's end, a path out of the project, a
    /// cycle.
    Include = "include",
    /// A book has no chapters.
    NoChapters = "no-chapters",
    /// A chapter or manuscript has no title; one is made from the file name.
    Untitled = "untitled",
    /// A file's `title` names nothing: the file opens with a chapter
    /// heading of another name.
    TitleUnused = "title-unused",
    /// A path leaves the project directory (directly or through a link).
    OutsideProject = "outside-project",
    /// Blocks or inline markup nested deeper than Quire follows.
    NestingTooDeep = "nesting-too-deep",
    /// Raw HTML Quire cannot carry over was dropped (its text is kept).
    HtmlDropped = "html-dropped",
    /// A `[TOC]` line, another Markdown processor's contents marker:
    /// dropped, the book's contents being Quire's own.
    ContentsMarker = "contents-marker",
    /// Math with a command or environment Quire does not read.
    MathInvalid = "math-invalid",
    /// A link to nowhere, or with a scheme Quire does not keep live; its
    /// words are kept as text.
    LinkDropped = "link-dropped",
    /// A footnote problem: undefined, unused, defined twice, nested.
    Footnote = "footnote",
    /// A heading id that is invalid or used twice.
    HeadingId = "heading-id",
    /// An image that is not found.
    ImageMissing = "image-missing",
    /// An image that cannot be used: damaged, mislabelled, unsupported.
    ImageInvalid = "image-invalid",
    /// An image larger than the pixel limit (`[limits] max-image-pixels`).
    ImageTooLarge = "image-too-large",
    /// An image with no alt text.
    ImageAlt = "image-alt",
    /// An image that prints under 300 dpi.
    ImageResolution = "image-resolution",
    /// An SVG that is not well-formed or cannot be drawn.
    SvgInvalid = "svg-invalid",
    /// Something unsafe (a script, an event handler, an external
    /// reference) was removed from an SVG.
    SvgSanitized = "svg-sanitized",
    /// An image a format cannot carry (a picture in a footnote of the PDF).
    ImageUnsupported = "image-unsupported",
    /// Advice on a cover image, from what stores accept.
    Cover = "cover",
    /// A font file that is missing or unusable.
    FontInvalid = "font-invalid",
    /// Characters that no font of the book can draw.
    GlyphMissing = "glyph-missing",
    /// Characters the book's fonts lack, set in a font installed on the
    /// machine that built it (named in the message).
    FontFallback = "font-fallback",
    /// The book's own stylesheet: a syntax error, a file it names that is
    /// missing or outside the project, a font it asks for that the book
    /// does not have.
    CssInvalid = "css-invalid",
    /// A PDF page size that is malformed or too small for the text.
    PageSize = "page-size",
    /// What a print target does not accept: a trim size it does not offer,
    /// a page count outside its range, an unknown target.
    PrintTarget = "print-target",
    /// Print preflight: text or a mark outside the safe area, an image
    /// too coarse for print, a book with no barcode.
    Preflight = "preflight",
    /// Quire has no words of its own (labels, dates) in the book's
    /// language: they are printed in English.
    Untranslated = "untranslated",
    /// No hyphenation patterns for the book's language.
    Hyphenation = "hyphenation",
    /// A line that could not be justified (set flush left, or broken
    /// inside a word).
    LineUnjustified = "line-unjustified",
    /// A chapter whose last page holds fewer than five lines, or a
    /// spread whose pages could not be made to end level.
    PageMakeup = "page-makeup",
    /// Nesting deeper than the page has room to indent.
    IndentCapped = "indent-capped",
    /// A code line too long for the measure, broken with a continuation mark.
    CodeWrapped = "code-wrapped",
    /// A table too wide for the measure: set smaller, words broken in cells.
    TableTooWide = "table-too-wide",
    /// An output would replace an input, a link or a device: refused.
    OutputRefused = "output-refused",
    /// An output could not be written.
    OutputWrite = "output-write",
    /// A bug in Quire: text lost in layout, a panic. Nothing is written.
    Internal = "internal",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A place in a source file. Lines and columns count from 1; 0 means unknown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
}

impl Location {
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location {
            file: file.into(),
            line: 0,
            column: 0,
        }
    }

    pub fn at(file: impl Into<PathBuf>, line: u32, column: u32) -> Self {
        Location {
            file: file.into(),
            line,
            column,
        }
    }

    /// The place of byte `offset` in `text`, the contents of `file`.
    pub fn in_text(file: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let (line, column) = LineIndex::new(text).line_col(text, offset);
        Location::at(file, line, column)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", display_path(&self.file))?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        Ok(())
    }
}

/// Paths in messages are shown relative to the current directory when they
/// lie below it, so messages read the way the user typed the paths. Control
/// characters in a file name are shown escaped, never sent to the terminal.
pub fn display_path(path: &Path) -> String {
    let path = path.strip_prefix(".").unwrap_or(path);
    let shown = match std::env::current_dir() {
        Ok(cwd) => match path.strip_prefix(&cwd) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
            _ => path.display().to_string(),
        },
        Err(_) => path.display().to_string(),
    };
    let shown = if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    };
    printable(&shown)
}

/// `s` with control characters written as escapes (`\u{1b}`), so that text
/// from a manuscript quoted in a message cannot drive the terminal.
pub fn printable(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\t' => "\\t".to_string(),
            c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    #[serde(flatten, serialize_with = "serialize_location")]
    pub location: Location,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

fn serialize_location<S: serde::Serializer>(loc: &Location, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(3))?;
    map.serialize_entry("file", &display_path(&loc.file))?;
    map.serialize_entry("line", &loc.line)?;
    map.serialize_entry("column", &loc.column)?;
    map.end()
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: Code,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            location,
            message: printable(&message.into()),
            help: None,
        }
    }

    pub fn error(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, code, location, message)
    }

    pub fn warning(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, code, location, message)
    }

    /// For a place in a Word file, which has no lines: the paragraph its
    /// line numbers, quoted (`paragraph 214, “It was a dark and…”`).
    pub fn quote(&self) -> Option<String> {
        paragraph_quote(&self.location).map(|q| printable(&q))
    }

    /// What to do about it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(printable(&help.into()));
        self
    }
}

/// The first words of each paragraph of the Word files read, by file:
/// a Word file has no lines, so a message about one quotes the paragraph
/// its "line" numbers.
static PARAGRAPHS: std::sync::OnceLock<
    std::sync::Mutex<std::collections::HashMap<PathBuf, std::sync::Arc<Vec<String>>>>,
> = std::sync::OnceLock::new();

/// Remembers the first words of each paragraph of the Word file `path`
/// (the first paragraph first).
pub fn remember_paragraphs(path: &std::path::Path, firsts: Vec<String>) {
    let map = PARAGRAPHS.get_or_init(Default::default);
    if let Ok(mut m) = map.lock() {
        m.insert(path.to_path_buf(), std::sync::Arc::new(firsts));
    }
}

/// The quote for a location in a Word file.
fn paragraph_quote(loc: &Location) -> Option<String> {
    let map = PARAGRAPHS.get()?.lock().ok()?;
    let firsts = map.get(&loc.file)?;
    let words = firsts.get((loc.line as usize).checked_sub(1)?)?;
    (!words.is_empty()).then(|| format!("paragraph {}, “{words}”", loc.line))
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {} [{}]",
            self.location, self.severity, self.message, self.code
        )?;
        if let Some(q) = self.quote() {
            write!(f, "\n  in: {q}")?;
        }
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// A problem a service found, before the caller says where it is: the
/// typed error shared services (images, fonts, page sizes) return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Problem {
            code,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The problem as an error at `location`, its message after `prefix`.
    pub fn at(self, location: Location, prefix: &str) -> Diagnostic {
        let d = Diagnostic::error(self.code, location, format!("{prefix}{}", self.message));
        match self.help {
            Some(h) => d.help(h),
            None => d,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The diagnostics gathered while reading, resolving and rendering one book.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn error(&mut self, code: Code, location: Location, message: impl Into<String>) {
        self.push(Diagnostic::error(code, location, message));
    }

    pub fn warning(&mut self, code: Code, location: Location, message: impl Into<String>) {
        self.push(Diagnostic::warning(code, location, message));
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Sorted by file, then line, then column, without repeats (two
    /// renderers may find the same problem), so output is stable.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| {
            (&a.location, b.severity, a.code, &a.message).cmp(&(
                &b.location,
                a.severity,
                b.code,
                &b.message,
            ))
        });
        v.dedup_by(|a, b| a == b);
        v
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics { items: vec![d] }
    }
}

/// Maps byte offsets in a text to 1-based line and column numbers.
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last position asked for and its column: positions are mostly
    /// asked for in order, so a column is counted from there, not from the
    /// line's start (a megabyte on one line would be quadratic).
    cursor: std::cell::Cell<(usize, u32)>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            starts,
            cursor: std::cell::Cell::new((0, 1)),
        }
    }

    /// Line and column (in characters, not bytes) of `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let end = offset.min(text.len());
        let (last, last_col) = self.cursor.get();
        let (from, base) = if last >= start && last <= end {
            (last, last_col)
        } else {
            (start, 1)
        };
        let col = base + text.get(from..end).map_or(0, |s| s.chars().count()) as u32;
        self.cursor.set((end, col));
        (line as u32 + 1, col)
    }

    pub fn line(&self, offset: usize) -> u32 {
        match self.starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_described() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert!(!c.meaning().is_empty(), "{c} has no meaning");
        }
    }

    #[test]
    fn columns_count_characters_in_any_order() {
        let text = "ab\nçé fgh\nx";
        let idx = LineIndex::new(text);
        let at = |o: usize| idx.line_col(text, o);
        assert_eq!(at(8), (2, 4)); // `f`, after ç, é (two bytes each) and a space
        assert_eq!(at(3), (2, 1));
        assert_eq!(at(10), (2, 6));
        assert_eq!(at(1), (1, 2));
        assert_eq!(at(12), (3, 1));
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let d = Diagnostic::error(
            Code::Internal,
            Location::file("a\u{1b}[31m.md"),
            "bell \u{7} here",
        );
        let shown = d.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control() && c != '\n'),
            "{shown:?}"
        );
        assert!(
            shown.contains("\\u{1b}") && shown.contains("\\u{7}"),
            "{shown}"
        );
    }
}
