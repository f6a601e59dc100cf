//! Readers: manuscripts and `book.toml` in, a resolved [`Book`] out.
//!
//! This module decides what an input is (a single manuscript, or a book
//! directory with `book.toml`), reads every file, settles the metadata and
//! hands the result to `resolve`. It knows nothing of any output
//! format.

pub mod book_toml;
mod chapters;
pub mod css;
pub mod docx;
pub mod frontmatter;
pub mod markdown;
pub mod mdbook;

use crate::model::ChapterRole;
mod meta;
pub mod text;
use meta::*;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location, display_path};
use crate::model::metadata::{self, Identifier, MetaInput, Series};
use crate::model::{ArticleInfo, Block, BlockKind, Book, Inline, Layout, Metadata, Options};
use crate::resolve::{self, RawBook, RawChapter};
use std::path::{Path, PathBuf};

/// Values given on the command line; they win over the files.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub lang: Option<String>,
    pub layout: Option<Layout>,
    /// A print target: the PDF becomes a print interior, with a cover.
    pub target: Option<crate::print::Target>,
    /// Crop marks around print pages.
    pub crop_marks: bool,
    /// Look among the installed fonts for characters the book's lack
    /// (`Some(true)`), or never (`Some(false)`); `None` leaves it to the
    /// book (on unless it says `system = false`).
    pub system_fonts: Option<bool>,
}

/// What an input path names.
#[derive(Debug, Clone)]
pub enum Input {
    /// One manuscript file.
    Manuscript(PathBuf),
    /// A book directory and its `book.toml`.
    Book { dir: PathBuf, config: PathBuf },
}

impl Input {
    /// Classifies a path given on the command line. An error here means
    /// the command line cannot be run (exit status 2).
    pub fn classify(path: &Path) -> Result<Input, Diagnostic> {
        let loc = Location::file(path);
        if path.is_dir() {
            let config = path.join("book.toml");
            if !config.is_file() {
                return Err(Diagnostic::error(
                    Code::InputKind,
                    loc,
                    "this directory has no book.toml",
                )
                .help("create one (`quire new`) or name a manuscript file"));
            }
            return Ok(Input::Book {
                dir: path.to_path_buf(),
                config,
            });
        }
        if std::fs::symlink_metadata(path).is_err() {
            return Err(Diagnostic::error(
                Code::InputMissing,
                loc,
                "no such file or directory",
            ));
        }
        if let Err(e) = crate::files::check_regular(path) {
            return Err(Diagnostic::error(e.code(), loc, e.to_string()));
        }
        if path.file_name().is_some_and(|n| n == "book.toml") {
            let dir = path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let dir = if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            };
            return Ok(Input::Book {
                dir,
                config: path.to_path_buf(),
            });
        }
        match kind_of(path) {
            Some(_) => Ok(Input::Manuscript(path.to_path_buf())),
            None => Err(Diagnostic::error(
                Code::InputKind,
                loc,
                "not a manuscript: expected a .md, .markdown, .txt or .docx file, or a directory with book.toml",
            )),
        }
    }

    /// The name outputs are given: the manuscript's stem or the book
    /// directory's name.
    pub fn output_stem(&self) -> String {
        let name = match self {
            Input::Manuscript(p) => p.file_stem().map(|s| s.to_string_lossy().into_owned()),
            Input::Book { dir, .. } => std::fs::canonicalize(dir)
                .ok()
                .and_then(|d| d.file_name().map(|s| s.to_string_lossy().into_owned())),
        };
        name.filter(|n| !n.is_empty())
            .unwrap_or_else(|| "book".to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Markdown,
    Text,
    Docx,
}

fn kind_of(path: &Path) -> Option<Kind> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "md" | "markdown" => Some(Kind::Markdown),
        "txt" => Some(Kind::Text),
        "docx" => Some(Kind::Docx),
        _ => None,
    }
}

/// A manuscript as read from disk, before it becomes a chapter.
struct Manuscript {
    path: PathBuf,
    text: String,
    meta: MetaInput,
    /// Whether the manuscript had front matter at all.
    has_meta: bool,
    /// Print settings from its front matter (`print:`).
    print: Option<book_toml::PrintToml>,
    /// House style from its front matter (`style:`).
    style: Option<book_toml::StyleToml>,
    /// Fallback faces from its front matter (`fonts:`), and that key's line.
    fonts: Option<(frontmatter::FrontFonts, u32)>,
    blocks: Vec<Block>,
    notes: std::collections::BTreeMap<String, markdown::NoteDef>,
}

/// How a manuscript becomes chapters.
struct Cutting {
    /// The title its front matter (or the book) gives it.
    title: Option<Vec<Inline>>,
    /// The title is the file's own (not the book's).
    own_title: bool,
    /// The role book.toml gives the file.
    role: Option<crate::model::ChapterRole>,
    /// The heading level that starts chapters.
    level: u8,
    lang: Option<String>,
    article: Option<ArticleInfo>,
}

impl Manuscript {
    /// The manuscript's chapters, cut at its chapter headings. `title`
    /// names the file's first chapter when the file has text before its
    /// first heading, or no heading at all (`None` then: an opening with
    /// no title, or a title from the file's name). The front matter's
    /// byline and author note go with the first chapter.
    fn chapters(self, how: Cutting, diags: &mut Diagnostics) -> Vec<RawChapter> {
        let Cutting {
            title,
            own_title,
            role,
            level,
            lang,
            article,
        } = how;
        let mut blocks = self.blocks;
        if title.is_none() {
            chapters::raise_to(&mut blocks, level);
        }
        let (opening, cuts) = chapters::cut(blocks, level);
        let mut out = Vec::new();
        let has_text = !opening.is_empty() || cuts.is_empty();
        // A title given for the file that its first heading repeats is
        // that heading's chapter, not a chapter of its own.
        let repeated = match (&title, cuts.first()) {
            (Some(t), Some(c)) if opening.is_empty() => {
                crate::model::plain_text(t).trim() == crate::model::plain_text(&c.title).trim()
            }
            _ => false,
        };
        if let (Some(t), Some(first)) = (&title, cuts.first())
            && !has_text
            && !repeated
            && own_title
        {
            diags.push(
                Diagnostic::warning(
                    Code::TitleUnused,
                    Location::file(&self.path),
                    format!(
                        "`title: {}` names no chapter: the file opens with the chapter heading “{}”, and its headings title its chapters",
                        crate::model::plain_text(t),
                        crate::model::plain_text(&first.title)
                    ),
                )
                .help("remove `title`, or make the headings `##` sections of one chapter"),
            );
        }
        if has_text && !repeated {
            let (title, role) = match title {
                Some(t) => (t, crate::model::ChapterRole::Chapter),
                // A dedication or an epigraph shows no title.
                None if role.is_some_and(|r| !r.has_heading()) => {
                    (Vec::new(), crate::model::ChapterRole::Opening)
                }
                None if cuts.is_empty() => {
                    let t = title_from_stem(&self.path);
                    diags.push(
                        Diagnostic::warning(
                            Code::Untitled,
                            Location::file(&self.path),
                            format!("chapter has no title (no `title:` and no `# Title` line); using “{t}”"),
                        )
                        .help("begin the chapter with a `# Title` line"),
                    );
                    (vec![Inline::text(t)], crate::model::ChapterRole::Chapter)
                }
                None => (Vec::new(), crate::model::ChapterRole::Opening),
            };
            out.push(RawChapter {
                source: self.path.clone(),
                title,
                title_id: None,
                lang: lang.clone(),
                article: None,
                blocks: opening,
                notes: self.notes.clone(),
                role,
                depth: 0,
                runs_on: false,
            });
        }
        for c in cuts {
            out.push(RawChapter {
                source: self.path.clone(),
                title: c.title,
                title_id: c.title_id,
                lang: lang.clone(),
                article: None,
                blocks: c.blocks,
                notes: self.notes.clone(),
                role: c.role,
                depth: 0,
                runs_on: false,
            });
        }
        if let Some(first) = out.first_mut() {
            first.article = article;
        }
        out
    }
}

/// Reads a file as UTF-8 text of at most `limit` bytes, with the
/// characters XML cannot carry replaced (and reported). `None`: the
/// problem is in `diags`.
pub fn read_text(path: &Path, limit: u64, diags: &mut Diagnostics) -> Option<String> {
    let bytes = read_bytes(path, limit, diags)?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let before = &e.as_bytes()[..offset];
            let line = before.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let col = before
                .rsplit(|b| *b == b'\n')
                .next()
                .map_or(0, |l| String::from_utf8_lossy(l).chars().count())
                as u32
                + 1;
            diags.push(
                Diagnostic::error(
                    Code::NotUtf8,
                    Location::at(path, line, col),
                    "the file is not UTF-8 text",
                )
                .help("save it as UTF-8"),
            );
            return None;
        }
    };
    Some(clean_control_characters(text, path, diags))
}

/// XML 1.0 forbids most control characters, and a form feed or a stray
/// U+0001 in a heading would make the EPUB invalid: each becomes a space
/// (U+FFFE and U+FFFF a replacement character), which keeps every offset
/// and so every line and column, with one warning per file.
fn clean_control_characters(text: String, path: &Path, diags: &mut Diagnostics) -> String {
    let bad = |c: char| crate::xml::forbidden(c);
    let Some(first) = text.find(bad) else {
        return text;
    };
    let count = text.chars().filter(|&c| bad(c)).count();
    let c = text[first..].chars().next().unwrap_or(' ');
    let (line, col) = crate::diagnostics::LineIndex::new(&text).line_col(&text, first);
    diags.push(Diagnostic::warning(
        Code::ControlCharacter,
        Location::at(path, line, col),
        format!(
            "{count} control character(s) that EPUB and PDF cannot carry (the first is U+{:04X}) replaced by spaces",
            c as u32
        ),
    ));
    text.chars()
        .map(|c| match c {
            '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
            c if bad(c) => ' ',
            c => c,
        })
        .collect()
}

/// `mdbook`: the project root when the file is a chapter of an mdBook
/// project, whose includes are expanded and Rust code lines hidden as
/// mdBook does.
fn read_manuscript(
    path: &Path,
    mdbook: Option<&Path>,
    docx_styles: &docx::StyleMap,
    diags: &mut Diagnostics,
) -> Option<Manuscript> {
    let kind = kind_of(path).or_else(|| {
        diags.error(
            Code::InputKind,
            Location::file(path),
            "not a manuscript: expected .md, .markdown, .txt or .docx",
        );
        None
    })?;
    if kind == Kind::Docx {
        return read_docx(path, docx_styles, diags);
    }
    let text = read_text(path, crate::limits::MANUSCRIPT_BYTES, diags)?;
    let Some(root) = mdbook else {
        return Some(parse_manuscript(path, kind, text, diags));
    };
    // Included lines are reported at the line of their include.
    let expanded = mdbook::include::expand(&text, path, root, diags);
    let mut own = Diagnostics::default();
    let mut ms = parse_manuscript(path, kind, mdbook::listings(&expanded.text), &mut own);
    let line_of = |l: u32| {
        expanded
            .lines
            .get(l.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(l)
    };
    for mut d in own.items().iter().cloned() {
        if d.location.file == path && d.location.line > 0 {
            d.location.line = line_of(d.location.line);
        }
        diags.push(d);
    }
    crate::model::walk::walk_blocks_mut(&mut ms.blocks, &mut |b| b.line = line_of(b.line));
    mdbook::hide_rust_lines(&mut ms.blocks);
    ms.text = text;
    Some(ms)
}

/// A file's bytes, at most `limit` of them; `None`: the problem (missing,
/// too large, not a regular file) is in `diags`.
fn read_bytes(path: &Path, limit: u64, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    match crate::files::read_limited(path, limit) {
        Ok(b) => Some(b),
        Err(e) => {
            diags.push(Diagnostic::error(
                e.code(),
                Location::file(path),
                format!("cannot read: {e}"),
            ));
            None
        }
    }
}

/// A Word manuscript: its metadata from its core properties (and its
/// Title, Subtitle and Author paragraphs), its blocks and notes.
fn read_docx(path: &Path, styles: &docx::StyleMap, diags: &mut Diagnostics) -> Option<Manuscript> {
    let data = read_bytes(path, crate::limits::DOCX_BYTES, diags)?;
    let docx = docx::read(path, &data, styles, diags)?;
    let has_meta = docx.meta.title.is_some() || docx.meta.author.is_some();
    Some(Manuscript {
        path: path.to_path_buf(),
        text: String::new(),
        meta: docx.meta,
        has_meta,
        print: None,
        style: None,
        fonts: None,
        blocks: docx.blocks,
        notes: docx.notes,
    })
}

/// A manuscript's text, read: front matter, then Markdown or plain text.
fn parse_manuscript(path: &Path, kind: Kind, text: String, diags: &mut Diagnostics) -> Manuscript {
    let (meta, has_meta, body_start) = match frontmatter::split(&text) {
        Some(fm) => (frontmatter::parse(&fm, path, diags), true, fm.body_start),
        None => (frontmatter::Front::default(), false, 0),
    };
    let frontmatter::Front {
        meta,
        print,
        style,
        fonts,
    } = meta;
    let (blocks, notes) = match kind {
        Kind::Markdown => {
            let doc = markdown::read(&text, body_start, path, diags);
            (doc.blocks, doc.notes)
        }
        Kind::Text => {
            let mut blocks = text::read(&text[body_start..]);
            let offset = text[..body_start].matches('\n').count() as u32;
            for b in &mut blocks {
                b.line += offset;
            }
            (blocks, Default::default())
        }
        // Read from bytes (`read_docx`); as text, there is nothing to read.
        Kind::Docx => (Vec::new(), Default::default()),
    };
    Manuscript {
        path: path.to_path_buf(),
        text,
        meta,
        has_meta,
        print,
        style,
        fonts,
        blocks,
        notes,
    }
}

/// A manuscript given as text rather than read from disk (for tools and
/// fuzzing): `path` names it in messages and places its images; its kind
/// comes from the extension, Markdown if it has none.
pub fn load_text(
    path: &Path,
    text: &str,
    overrides: &Overrides,
    diags: &mut Diagnostics,
) -> Option<Book> {
    if text.len() as u64 > crate::limits::MANUSCRIPT_BYTES {
        diags.error(
            Code::FileTooLarge,
            Location::file(path),
            "the text is too large",
        );
        return None;
    }
    let kind = kind_of(path).unwrap_or(Kind::Markdown);
    let text = clean_control_characters(text.to_string(), path, diags);
    let ms = parse_manuscript(path, kind, text, diags);
    let raw = manuscript_book(ms, path, overrides, diags)?;
    Some(resolve::resolve(raw, diags))
}

/// A single manuscript's fallback faces, beside it and checked.
fn front_fonts(
    root: &Path,
    files: &[String],
    loc: Location,
    diags: &mut Diagnostics,
) -> Vec<crate::model::FontFile> {
    let base = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut out = Vec::new();
    for entry in files {
        let (rel, index) = match entry.rsplit_once('#') {
            Some((file, n)) if n.parse::<u32>().is_ok() => (file, n.parse().unwrap_or(0)),
            _ => (entry.as_str(), 0),
        };
        let what = format!("font `{rel}`");
        let Some(real) = book_toml::confined(&root.join(rel), &base, loc.clone(), &what, diags)
        else {
            continue;
        };
        let checked = crate::files::read_limited(&real, crate::limits::FONT_BYTES)
            .map_err(|e| e.to_string())
            .and_then(|data| {
                crate::fonts::check_font_file(&data, index, false)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
        match checked {
            Ok(()) => out.push(crate::model::FontFile {
                role: "fallback".into(),
                path: real,
                index,
            }),
            Err(e) => diags.error(Code::FontInvalid, loc.clone(), format!("{what}: {e}")),
        }
    }
    out
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// A readable title from a file name: `the-long_road` → `The long road`.
fn title_from_stem(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let spaced: String = stem
        .replace(['-', '_'], " ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Untitled".to_string(),
    }
}

/// Reads an input and resolves it into a book. Problems go to `diags`;
/// every problem that can be found is, in one run: a chapter that cannot be
/// read does not stop the others from being read. `None` when no model can
/// be made at all; a model may still come back with errors in `diags`, so
/// that renderers can report theirs too (nothing is written then).
pub fn load(input: &Input, overrides: &Overrides, diags: &mut Diagnostics) -> Option<Book> {
    let raw = match input {
        Input::Manuscript(path) => load_manuscript(path, overrides, diags),
        Input::Book { dir, config } => match mdbook::detect(dir, config) {
            Some(project) => load_mdbook(&project, overrides, diags),
            None => load_book(dir, config, overrides, diags),
        },
    }?;
    let mut book = resolve::resolve(raw, diags);
    if overrides.system_fonts.unwrap_or(book.options.system_fonts) {
        for taken in crate::fonts::system::add_fallbacks(&mut book) {
            diags.push(fallback_taken(&book, &taken));
        }
    }
    Some(book)
}

/// The warning that says an installed font was taken for a script: the
/// build depends on this machine's fonts.
fn fallback_taken(book: &Book, t: &crate::fonts::system::Taken) -> Diagnostic {
    let at = crate::fonts::coverage::first_place(book, t.first)
        .or_else(|| book.chapters.first().map(|c| Location::file(&c.source)))
        .unwrap_or_else(|| Location::file(""));
    let file = if t.index > 0 {
        format!("{}#{}", t.file.display(), t.index)
    } else {
        t.file.display().to_string()
    };
    let what = if t.script == "emoji" || t.script == "symbols" {
        t.script.to_string()
    } else {
        format!("{} text", t.script)
    };
    let how = match t.colour {
        // Only faces with colour pictures are taken (see `system::can_draw`).
        Some(_) => {
            ", drawn in the PDF as its colour pictures; the EPUB leaves them to the reading system's own emoji font"
        }
        None => "",
    };
    Diagnostic::warning(
        crate::diagnostics::Code::FontFallback,
        at,
        format!(
            "{what} set in an installed font, {file} ({} character(s) the book's fonts lack, from '{}' U+{:04X}){how}; another machine may have another font or none",
            t.chars, t.first, t.first as u32
        ),
    )
    .help("name the font under `[fonts] fallback` to make it part of the book, or build with `--no-system-fonts` (`[fonts] system = false`) to use the book's fonts alone")
}

fn load_manuscript(path: &Path, overrides: &Overrides, diags: &mut Diagnostics) -> Option<RawBook> {
    let ms = read_manuscript(path, None, &Default::default(), diags)?;
    manuscript_book(ms, path, overrides, diags)
}

fn manuscript_book(
    ms: Manuscript,
    path: &Path,
    overrides: &Overrides,
    diags: &mut Diagnostics,
) -> Option<RawBook> {
    let root = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let mut meta_in = ms.meta.clone();
    let level = chapter_level(&meta_in, &MetaFile::new(path, &ms.text), diags);
    // The book's title: the command line's, the front matter's, or the
    // manuscript's one chapter heading when it opens the file.
    let given = overrides
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| meta_in.title.clone().filter(|t| !t.trim().is_empty()));
    let only_heading = {
        let headings: Vec<&Block> = ms
            .blocks
            .iter()
            .filter(|b| matches!(&b.kind, BlockKind::Heading { level: l, .. } if *l <= level))
            .collect();
        match (headings.as_slice(), ms.blocks.first()) {
            ([h], Some(first)) if std::ptr::eq(*h, first) => match &h.kind {
                BlockKind::Heading { content, .. } => Some(content.clone()),
                _ => None,
            },
            _ => None,
        }
    };
    let title_text = match (&given, &only_heading) {
        (Some(t), _) => t.clone(),
        (None, Some(h)) => crate::model::plain_text(h),
        (None, None) => {
            let t = title_from_stem(path);
            let why = if ms.has_meta {
                "the front matter has no `title`"
            } else {
                "no title given (no front matter and no single `# Title` line)"
            };
            diags.push(
                Diagnostic::warning(
                    Code::Untitled,
                    Location::file(path),
                    format!("{why}; using “{t}” from the file name"),
                )
                .help("set it with `title:` in front matter, or --title"),
            );
            t
        }
    };
    meta_in.title = Some(title_text.clone());
    let file = MetaFile::new(path, &ms.text);
    let meta = settle_metadata(&meta_in, overrides, &file, diags);
    let article = article_info(&ms, diags);
    let cover = cover(
        &root,
        path,
        &meta_in,
        &file,
        crate::limits::IMAGE_PIXELS,
        diags,
    );
    let layout = overrides
        .layout
        .or(meta_in.layout)
        .unwrap_or(Layout::Article);
    let (fonts, system_fonts) = match &ms.fonts {
        Some((f, line)) => (
            front_fonts(&root, &f.fallback, Location::at(path, *line, 1), diags),
            f.system.unwrap_or(true),
        ),
        None => (Vec::new(), true),
    };
    let options = Options {
        fonts,
        system_fonts,
        print: print_options(
            ms.print.as_ref(),
            overrides,
            (&root, &file),
            crate::limits::IMAGE_PIXELS,
            diags,
        ),
        style: ms
            .style
            .as_ref()
            .map(|st| style_options(st, &file, diags))
            .unwrap_or_default(),
        ..Options::default()
    };
    check_trim(
        &options,
        layout,
        &meta.language,
        Location::file(path),
        diags,
    );
    // The book's title names the text before the first heading, if any.
    // In a book, the front matter's author and source are the book's, on
    // its title and copyright pages, not a byline under the first chapter.
    let article = match layout {
        Layout::Book => None,
        Layout::Article => article,
    };
    let bibliography = bibliography(&root, path, &meta_in, &file, diags);
    let chapters = ms.chapters(
        Cutting {
            title: Some(markdown::inline(&title_text)),
            own_title: false,
            role: None,
            level,
            lang: None,
            article,
        },
        diags,
    );
    Some(RawBook {
        root,
        meta,
        layout,
        options,
        chapters,
        cover,
        bibliography,
    })
}

fn load_book(
    dir: &Path,
    config: &Path,
    overrides: &Overrides,
    diags: &mut Diagnostics,
) -> Option<RawBook> {
    let (cfg, cfg_text) = book_toml::read(config, diags)?;
    let files = book_toml::chapter_files(dir, config, &cfg_text, &cfg, diags);
    let book_level = chapter_level(&cfg.book, &MetaFile::new(config, &cfg_text), diags);
    let styles = docx_styles(&cfg.docx, &MetaFile::new(config, &cfg_text), diags);
    let chapters = book_chapters(&files, book_level, None, &styles, diags);
    if !files
        .iter()
        .any(|f| matches!(f, book_toml::Listed::File { .. }))
        && !diags.has_errors()
    {
        diags.push(
            Diagnostic::error(
                Code::NoChapters,
                Location::file(config),
                "the book has no chapters",
            )
            .help("list them in `chapters = [...]` or put .md files beside book.toml"),
        );
    }
    let mut meta_in = cfg.book.clone();
    if meta_in.title.as_deref().is_none_or(|t| t.trim().is_empty()) && overrides.title.is_none() {
        let t = title_from_stem(&std::fs::canonicalize(dir).unwrap_or(dir.to_path_buf()));
        diags.push(
            Diagnostic::warning(
                Code::Untitled,
                Location::file(config),
                format!("book.toml has no `title` under [book]; using “{t}”"),
            )
            .help("add `title = \"…\"` under [book]"),
        );
        meta_in.title = Some(t);
    }
    let mf = MetaFile::new(config, &cfg_text);
    let meta = settle_metadata(&meta_in, overrides, &mf, diags);
    let layout = overrides.layout.or(meta_in.layout).unwrap_or(Layout::Book);
    let options = book_options(
        dir, config, &cfg, &cfg_text, overrides, layout, &meta, diags,
    );
    let cover = cover(dir, config, &meta_in, &mf, options.max_image_pixels, diags);
    let bibliography = bibliography(dir, config, &meta_in, &mf, diags);
    if chapters.is_empty() {
        return None;
    }
    Some(RawBook {
        root: dir.to_path_buf(),
        meta,
        layout,
        options,
        chapters,
        cover,
        bibliography,
    })
}

/// An mdBook project: its chapters from SUMMARY.md, its metadata from
/// mdBook's `[book]`, its outputs in its `build-dir`.
fn load_mdbook(
    project: &mdbook::Project,
    overrides: &Overrides,
    diags: &mut Diagnostics,
) -> Option<RawBook> {
    project.unsupported(diags);
    let quire = project.quire(diags).unwrap_or_default();
    let files = project.listed(quire.sections, diags);
    let include_root = project.include_root(&quire, diags);
    let mut chapters = book_chapters(&files, 1, Some(&include_root), &Default::default(), diags);
    // A chapter is titled by its summary entry's file's first heading, as
    // in mdBook's pages; numbered ones are the summary's top level.
    for ch in &mut chapters {
        if ch.role == crate::model::ChapterRole::Chapter && ch.title.is_empty() {
            ch.role = crate::model::ChapterRole::Unnumbered;
        }
    }
    if files.is_empty() && !diags.has_errors() {
        diags.error(
            Code::NoChapters,
            Location::file(&project.summary),
            "SUMMARY.md lists no chapters",
        );
    }
    let mut meta_in = project.meta(diags);
    let mut own = quire.book.clone();
    own.clean();
    meta_in.overlay(own);
    if meta_in.title.as_deref().is_none_or(|t| t.trim().is_empty()) && overrides.title.is_none() {
        let t =
            title_from_stem(&std::fs::canonicalize(&project.root).unwrap_or(project.root.clone()));
        diags.push(
            Diagnostic::warning(
                Code::Untitled,
                Location::file(&project.config),
                format!("book.toml has no `title` under [book]; using “{t}”"),
            )
            .help("add `title = \"…\"` under [book]"),
        );
        meta_in.title = Some(t);
    }
    let mf = MetaFile::new(&project.config, &project.text);
    let meta = settle_metadata(&meta_in, overrides, &mf, diags);
    let layout = overrides.layout.or(meta_in.layout).unwrap_or(Layout::Book);
    let cfg = quire.as_book_toml();
    let mut options = book_options(
        &project.root,
        &project.config,
        &cfg,
        &project.text,
        overrides,
        layout,
        &meta,
        diags,
    );
    options.out_dir = project.build_dir();
    let cover = cover(
        &project.root,
        &project.config,
        &meta_in,
        &mf,
        options.max_image_pixels,
        diags,
    );
    let bibliography = bibliography(&project.root, &project.config, &meta_in, &mf, diags);
    if chapters.is_empty() {
        return None;
    }
    Some(RawBook {
        root: project.root.clone(),
        meta,
        layout,
        options,
        chapters,
        cover,
        bibliography,
    })
}

/// `[docx] styles`: each style name (any case) and its role; a role that
/// is not one is an error at its line.
fn docx_styles(
    cfg: &book_toml::DocxToml,
    file: &MetaFile,
    diags: &mut Diagnostics,
) -> docx::StyleMap {
    let mut out = docx::StyleMap::new();
    for (name, value) in &cfg.styles {
        match docx::role_of(value) {
            Ok(role) => {
                out.insert(name.trim().to_lowercase(), role);
            }
            Err(e) => diags.error(
                Code::ConfigInvalid,
                file.key(&[&format!("\"{name}\""), name]),
                format!("[docx] styles: style `{name}`: {e}"),
            ),
        }
    }
    out
}

/// The chapters of a book's listed files, in order: each file read and cut
/// at its headings (a part listed in book.toml is a chapter of its own).
fn book_chapters(
    files: &[book_toml::Listed],
    book_level: u8,
    mdbook: Option<&Path>,
    docx_styles: &docx::StyleMap,
    diags: &mut Diagnostics,
) -> Vec<RawChapter> {
    let mut chapters = Vec::new();
    for listed in files {
        let (file, role, depth, runs_on) = match listed {
            book_toml::Listed::File {
                path,
                role,
                depth,
                runs_on,
            } => (path, *role, *depth, *runs_on),
            book_toml::Listed::Part { title, at } => {
                chapters.push(RawChapter {
                    source: at.file.clone(),
                    title: vec![Inline::text(title.clone())],
                    title_id: None,
                    lang: None,
                    article: None,
                    blocks: Vec::new(),
                    notes: Default::default(),
                    role: crate::model::ChapterRole::Part,
                    depth: 0,
                    runs_on: false,
                });
                continue;
            }
        };
        let Some(ms) = read_manuscript(file, mdbook, docx_styles, diags) else {
            continue;
        };
        for (key, set, table) in [
            ("style", ms.style.is_some(), "[style]"),
            ("print", ms.print.is_some(), "[print]"),
        ] {
            if set {
                diags.push(
                    Diagnostic::warning(
                        Code::MetadataIgnored,
                        MetaFile::new(&ms.path, &ms.text).key(&[key]),
                        format!("`{key}` in a chapter's front matter is ignored: a book sets it once, for every chapter"),
                    )
                    .help(format!("move these settings to {table} in book.toml")),
                );
            }
        }
        let article = article_info(&ms, diags);
        let mut lang = ms.meta.lang.clone();
        if let Some(l) = &lang
            && !metadata::valid_language_tag(l)
        {
            diags.push(
                Diagnostic::error(
                    Code::LanguageTag,
                    MetaFile::new(&ms.path, &ms.text).key(&["lang", "language"]),
                    format!("`{l}` is not a BCP 47 language tag"),
                )
                .help("use a tag such as en, en-GB, fr, pt-BR"),
            );
            lang = None;
        }
        // A file's own title (an article's) names its text before any
        // heading; the book's chapter level is the file's unless it sets one.
        let level = match ms.meta.chapter_level {
            Some(_) => chapter_level(&ms.meta, &MetaFile::new(&ms.path, &ms.text), diags),
            None => book_level,
        };
        let title = ms
            .meta
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .map(|t| markdown::inline(&t));
        let mut own = ms.chapters(
            Cutting {
                title,
                own_title: true,
                role,
                level,
                lang,
                article,
            },
            diags,
        );
        // The role book.toml gives is the file's first chapter's; what a
        // summary nests, it nests whole.
        if let (Some(role), Some(first)) = (role, own.first_mut()) {
            first.role = role;
        }
        // A summary's unnumbered entry is unnumbered whole, whatever
        // headings cut it.
        if let Some(r @ (ChapterRole::Unnumbered | ChapterRole::Closing)) = role {
            for c in own.iter_mut().filter(|c| c.role == ChapterRole::Chapter) {
                c.role = r;
            }
        }
        for c in &mut own {
            c.depth = depth;
            c.runs_on = runs_on;
            if runs_on {
                // Its headings go down as far as its title does.
                crate::model::walk::walk_blocks_mut(&mut c.blocks, &mut |b| {
                    if let crate::model::BlockKind::Heading { level, .. } = &mut b.kind {
                        *level = (*level + depth).min(6);
                    }
                });
            }
        }
        chapters.extend(own);
    }
    chapters
}

/// The book's options from book.toml and the command line: EPUB and PDF
/// settings, margins, style, print target, fonts and stylesheet, each bad
/// value reported at its place in book.toml.
#[allow(clippy::too_many_arguments)]
fn book_options(
    dir: &Path,
    config: &Path,
    cfg: &book_toml::BookToml,
    cfg_text: &str,
    overrides: &Overrides,
    layout: Layout,
    meta: &Metadata,
    diags: &mut Diagnostics,
) -> Options {
    let mut options = Options::default();
    if let Some(embed) = cfg.epub.embed_fonts {
        options.embed_fonts = embed;
    }
    if let Some(max) = cfg.epub.max_image_pixels {
        options.epub_max_pixels = max.max(10_000);
    }
    if let Some(max) = cfg.limits.max_image_pixels {
        options.max_image_pixels = max.max(1);
    }
    if let Some(size) = &cfg.pdf.page_size {
        match crate::model::PageSize::parse(size.get_ref()) {
            Ok(parsed) => options.page_size = Some(parsed),
            Err(e) => {
                diags.push(e.at(Location::in_text(config, cfg_text, size.span().start), ""));
            }
        }
    }
    options.chapters_on_recto = cfg.pdf.chapters_on_recto.unwrap_or(false);
    options.config = Some(config.to_path_buf());
    options.out_dir = cfg.build.out_dir.as_ref().map(|d| dir.join(d));
    let at = |span: std::ops::Range<usize>| Location::in_text(config, cfg_text, span.start);
    let mut length = |v: &Option<toml::Spanned<String>>| -> Option<f32> {
        let v = v.as_ref()?;
        match crate::model::parse_length(v.get_ref()) {
            Ok(pt) => Some(pt),
            Err(p) => {
                diags.push(p.at(at(v.span()), ""));
                None
            }
        }
    };
    let all = length(&cfg.pdf.margins);
    options.margins = crate::model::Margins {
        inside: length(&cfg.pdf.inside).or(all),
        outside: length(&cfg.pdf.outside).or(all),
        top: length(&cfg.pdf.top).or(all),
        bottom: length(&cfg.pdf.bottom).or(all),
    };
    options.style = style_options(&cfg.style, &MetaFile::new(config, cfg_text), diags);
    options.print = print_options(
        Some(&cfg.print),
        overrides,
        (dir, &MetaFile::new(config, cfg_text)),
        options.max_image_pixels,
        diags,
    );
    let size_at = match &cfg.pdf.page_size {
        Some(size) => Location::in_text(config, cfg_text, size.span().start),
        None => Location::file(config),
    };
    check_trim(&options, layout, &meta.language, size_at, diags);
    options.fonts = book_toml::font_files(dir, config, cfg_text, cfg, diags);
    options.system_fonts = cfg.fonts.system.unwrap_or(true);
    if let Some(css) = &cfg.epub.css {
        let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut families = vec![
            crate::fonts::SERIF_FAMILY.to_string(),
            crate::fonts::MONO_FAMILY.to_string(),
        ];
        for f in &options.fonts {
            if let Ok(data) = crate::files::read_limited(&f.path, crate::limits::FONT_BYTES)
                && let Ok(info) = crate::fonts::check_font_file(&data, f.index, false)
            {
                families.push(info.family);
            }
        }
        options.extra_css = css::load(dir, &root, css.get_ref(), at(css.span()), &families, diags);
    }
    options
}

pub fn describe(input: &Input) -> String {
    match input {
        Input::Manuscript(p) => display_path(p),
        Input::Book { dir, .. } => display_path(dir),
    }
}
