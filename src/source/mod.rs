//! Readers: manuscripts and `book.toml` in, a resolved [`Book`] out.
//!
//! This module decides what an input is (a single manuscript, or a book
//! directory with `book.toml`), reads every file, settles the metadata and
//! hands the result to `model::resolve`. It knows nothing of any output
//! format.

pub mod book_toml;
pub mod frontmatter;
pub mod markdown;
pub mod text;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, display_path};
use crate::model::metadata::{self, Identifier, MetaInput, Series};
use crate::model::resolve::{self, RawBook, RawChapter};
use crate::model::{ArticleInfo, Block, BlockKind, Book, Inline, Layout, Metadata, Options};
use std::path::{Path, PathBuf};

/// Values given on the command line; they win over the files.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub lang: Option<String>,
    pub layout: Option<Layout>,
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
    /// Classifies a path given on the command line.
    pub fn classify(path: &Path) -> Result<Input, Diagnostic> {
        let loc = Location::file(path);
        if path.is_dir() {
            let config = path.join("book.toml");
            if !config.is_file() {
                return Err(Diagnostic::error(
                    loc,
                    "this directory has no book.toml; create one (`quire new`) or name a manuscript file",
                ));
            }
            return Ok(Input::Book {
                dir: path.to_path_buf(),
                config,
            });
        }
        if !path.exists() {
            return Err(Diagnostic::error(loc, "no such file or directory"));
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
                loc,
                "not a manuscript: expected a .md, .markdown or .txt file, or a directory with book.toml",
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
}

fn kind_of(path: &Path) -> Option<Kind> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "md" | "markdown" => Some(Kind::Markdown),
        "txt" => Some(Kind::Text),
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
    blocks: Vec<Block>,
    notes: std::collections::BTreeMap<String, markdown::NoteDef>,
}

impl Manuscript {
    fn into_chapter(
        self,
        title: Vec<Inline>,
        title_id: Option<String>,
        article: Option<ArticleInfo>,
        lang: Option<String>,
    ) -> RawChapter {
        RawChapter {
            source: self.path,
            title,
            title_id,
            lang,
            article,
            blocks: self.blocks,
            notes: self.notes,
        }
    }
}

fn read_manuscript(path: &Path, diags: &mut Diagnostics) -> Result<Manuscript, Diagnostic> {
    let kind = kind_of(path).ok_or_else(|| {
        Diagnostic::error(
            Location::file(path),
            "not a manuscript: expected .md, .markdown or .txt",
        )
    })?;
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            Location::file(path),
            format!("cannot read manuscript: {}", io_reason(&e)),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u32
            + 1;
        Diagnostic::error(
            Location::at(path, line, 0),
            "the file is not UTF-8 text; save it as UTF-8",
        )
    })?;
    let (meta, has_meta, body_start) = match frontmatter::split(&text) {
        Some(fm) => (frontmatter::parse(&fm, path, diags)?, true, fm.body_start),
        None => (MetaInput::default(), false, 0),
    };
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
    };
    Ok(Manuscript {
        path: path.to_path_buf(),
        text,
        meta,
        has_meta,
        blocks,
        notes,
    })
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// The chapter's title: the front matter's `title`, or a leading `# Heading`
/// (kept as inlines, so emphasis in it survives), with the id asked for.
/// A leading heading that differs from the front matter's title stays in
/// the text.
fn settle_title(ms: &mut Manuscript) -> Option<(Vec<Inline>, Option<String>)> {
    let leading = matches!(
        ms.blocks.first(),
        Some(Block {
            kind: BlockKind::Heading { level: 1, .. },
            ..
        })
    );
    let heading = if leading {
        match &ms.blocks[0].kind {
            BlockKind::Heading { content, id, .. } => Some((content.clone(), id.clone())),
            _ => None,
        }
    } else {
        None
    };
    match (&ms.meta.title, heading) {
        (Some(t), Some((h1, _))) if crate::model::plain_text(&h1).trim() != t.trim() => {
            Some((vec![Inline::text(t.clone())], None))
        }
        (Some(t), None) => Some((vec![Inline::text(t.clone())], None)),
        (_, Some((h1, id))) => {
            ms.blocks.remove(0);
            Some((h1, Some(id).filter(|i| !i.is_empty())))
        }
        (None, None) => None,
    }
}

/// A readable title from a file name: `the-long_road` → `The long road`.
fn title_from_stem(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let spaced = stem.replace(['-', '_'], " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Untitled".to_string(),
    }
}

/// Reads an input and resolves it into a book. Problems go to `diags`;
/// `None` means there were errors and nothing should be written.
pub fn load(input: &Input, overrides: &Overrides, diags: &mut Diagnostics) -> Option<Book> {
    let result = match input {
        Input::Manuscript(path) => load_manuscript(path, overrides, diags),
        Input::Book { dir, config } => load_book(dir, config, overrides, diags),
    };
    match result {
        Ok(raw) => {
            let book = resolve::resolve(raw, diags);
            (!diags.has_errors()).then_some(book)
        }
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

fn load_manuscript(
    path: &Path,
    overrides: &Overrides,
    diags: &mut Diagnostics,
) -> Result<RawBook, Diagnostic> {
    let mut ms = read_manuscript(path, diags)?;
    let root = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let mut meta_in = ms.meta.clone();
    let (title, title_id) = match settle_title(&mut ms) {
        Some(t) => t,
        None => {
            let t = title_from_stem(path);
            if overrides.title.is_none() {
                let why = if ms.has_meta {
                    "the front matter has no `title`"
                } else {
                    "no title given (no front matter and no `# Title` line)"
                };
                diags.warning(
                    Location::file(path),
                    format!("{why}; using “{t}” from the file name (set it with --title)"),
                );
            }
            (vec![Inline::text(t)], None)
        }
    };
    if meta_in.title.is_none() {
        meta_in.title = Some(crate::model::plain_text(&title));
    }
    let title = match &overrides.title {
        Some(t) => vec![Inline::text(t.clone())],
        None => title,
    };
    let file = MetaFile::new(path, &ms.text);
    let meta = settle_metadata(&meta_in, overrides, &file, diags)?;
    let article = article_info(&ms, diags)?;
    let cover = cover(&root, path, &meta_in, &file, diags)?;
    let layout = overrides
        .layout
        .or(meta_in.layout)
        .unwrap_or(Layout::Article);
    Ok(RawBook {
        root,
        meta,
        layout,
        options: Options::default(),
        chapters: vec![ms.into_chapter(title, title_id, article, None)],
        cover,
    })
}

fn load_book(
    dir: &Path,
    config: &Path,
    overrides: &Overrides,
    diags: &mut Diagnostics,
) -> Result<RawBook, Diagnostic> {
    let (cfg, cfg_text) = book_toml::read(config)?;
    let files = book_toml::chapter_files(dir, config, &cfg_text, &cfg)?;
    if files.is_empty() {
        return Err(Diagnostic::error(
            Location::file(config),
            "the book has no chapters: list them in `chapters = [...]` or put .md files beside book.toml",
        ));
    }
    let mut chapters = Vec::new();
    let mut failed = None;
    for file in &files {
        match read_manuscript(file, diags) {
            Ok(mut ms) => {
                let (title, title_id) = settle_title(&mut ms).unwrap_or_else(|| {
                    let t = title_from_stem(file);
                    diags.warning(
                        Location::file(file),
                        format!(
                            "chapter has no title (no `title:` and no `# Title` line); using “{t}”"
                        ),
                    );
                    (vec![Inline::text(t)], None)
                });
                let article = article_info(&ms, diags)?;
                let lang = ms.meta.lang.clone();
                if let Some(l) = &lang
                    && !metadata::valid_language_tag(l)
                {
                    return Err(Diagnostic::error(
                        MetaFile::new(&ms.path, &ms.text).key(&["lang", "language"]),
                        format!(
                            "`{l}` is not a BCP 47 language tag (such as en, en-GB, fr, pt-BR)"
                        ),
                    ));
                }
                chapters.push(ms.into_chapter(title, title_id, article, lang));
            }
            Err(d) => {
                // Read every chapter so all their errors are reported at once.
                if failed.is_none() {
                    failed = Some(d);
                } else {
                    diags.push(d);
                }
            }
        }
    }
    if let Some(d) = failed {
        return Err(d);
    }
    let mut meta_in = cfg.book.clone();
    if meta_in.title.is_none() && overrides.title.is_none() {
        let t = title_from_stem(&std::fs::canonicalize(dir).unwrap_or(dir.to_path_buf()));
        diags.warning(
            Location::file(config),
            format!("book.toml has no `title` under [book]; using “{t}”"),
        );
        meta_in.title = Some(t);
    }
    let mf = MetaFile::new(config, &cfg_text);
    let meta = settle_metadata(&meta_in, overrides, &mf, diags)?;
    let layout = overrides.layout.or(meta_in.layout).unwrap_or(Layout::Book);
    let mut options = Options::default();
    if let Some(embed) = cfg.epub.embed_fonts {
        options.embed_fonts = embed;
    }
    if let Some(max) = cfg.epub.max_image_pixels {
        options.epub_max_pixels = max.max(10_000);
    }
    if let Some(size) = &cfg.pdf.page_size {
        crate::render::pdf::style::parse_page_size(size.get_ref()).map_err(|e| {
            let (line, col) = crate::diagnostics::LineIndex::new(&cfg_text)
                .line_col(&cfg_text, size.span().start);
            Diagnostic::error(Location::at(config, line, col), e)
        })?;
        options.page_size = Some(size.get_ref().clone());
    }
    options.chapters_on_recto = cfg.pdf.chapters_on_recto.unwrap_or(false);
    options.fonts = book_toml::font_files(dir, config, &cfg_text, &cfg)?;
    let cover = cover(dir, config, &meta_in, &mf, diags)?;
    Ok(RawBook {
        root: dir.to_path_buf(),
        meta,
        layout,
        options,
        chapters,
        cover,
    })
}

/// A file metadata came from, to point messages at the right line.
pub struct MetaFile<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

impl<'a> MetaFile<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        MetaFile { path, text }
    }

    /// The location of `key` (a `key:` or `key =` line), or of the file.
    pub fn key(&self, keys: &[&str]) -> Location {
        for (i, line) in self.text.lines().enumerate() {
            let t = line.trim_start();
            for key in keys {
                if let Some(rest) = t.strip_prefix(key)
                    && matches!(rest.trim_start().chars().next(), Some(':' | '='))
                {
                    return Location::at(
                        self.path,
                        i as u32 + 1,
                        (line.len() - t.len()) as u32 + 1,
                    );
                }
            }
        }
        Location::file(self.path)
    }
}

fn settle_metadata(
    m: &MetaInput,
    overrides: &Overrides,
    file: &MetaFile,
    diags: &mut Diagnostics,
) -> Result<Metadata, Diagnostic> {
    let title = overrides
        .title
        .clone()
        .or_else(|| m.title.clone())
        .unwrap_or_else(|| "Untitled".to_string());
    let mut contributors = m.contributors();
    if !overrides.authors.is_empty() {
        contributors.retain(|c| c.role != metadata::Role::Author);
        let given: Vec<_> = overrides
            .authors
            .iter()
            .map(|a| metadata::Contributor {
                name: a.clone(),
                role: metadata::Role::Author,
            })
            .collect();
        contributors.splice(0..0, given);
    }
    let language = overrides
        .lang
        .clone()
        .or_else(|| m.lang.clone())
        .unwrap_or_else(|| "en".into());
    if !metadata::valid_language_tag(&language) {
        let loc = if overrides.lang.is_some() {
            Location::file("--lang")
        } else {
            file.key(&["lang", "language"])
        };
        return Err(Diagnostic::error(
            loc,
            format!("`{language}` is not a BCP 47 language tag (such as en, en-GB, fr, pt-BR)"),
        ));
    }
    let identifier = match (&m.isbn, &m.identifier) {
        (Some(isbn), _) => Identifier::Isbn(
            metadata::validate_isbn13(&isbn.to_string())
                .map_err(|e| Diagnostic::error(file.key(&["isbn"]), e))?,
        ),
        (None, Some(id)) if metadata::looks_like_isbn(id) => Identifier::Isbn(
            metadata::validate_isbn13(id)
                .map_err(|e| Diagnostic::error(file.key(&["identifier"]), e))?,
        ),
        (None, Some(id)) if !id.trim().is_empty() => {
            let t = id.trim();
            match t
                .strip_prefix("urn:uuid:")
                .and_then(|u| uuid::Uuid::parse_str(u).ok())
            {
                Some(u) => Identifier::Uuid(u.to_string()),
                None => Identifier::Other(t.to_string()),
            }
        }
        _ => {
            let authors: Vec<String> = contributors
                .iter()
                .filter(|c| c.role == metadata::Role::Author)
                .map(|c| c.name.clone())
                .collect();
            Identifier::Uuid(metadata::derived_uuid(&title, &authors))
        }
    };
    let date = m.date.as_ref().map(|d| d.to_string());
    let date_secs = match &date {
        Some(d) => {
            Some(metadata::parse_date(d).map_err(|e| Diagnostic::error(file.key(&["date"]), e))?)
        }
        None => None,
    };
    let modified = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => match v.trim().parse::<i64>() {
            Ok(s) if s >= 0 => s,
            _ => {
                diags.warning(
                    Location::file("SOURCE_DATE_EPOCH"),
                    format!("`{v}` is not a number of seconds; ignored"),
                );
                date_secs.unwrap_or(0)
            }
        },
        Err(_) => date_secs.unwrap_or(0),
    };
    let series = m.series.as_ref().map(|name| Series {
        name: name.clone(),
        position: m.series_index.as_ref().map(|p| p.to_string()),
    });
    let subjects = m.subjects.clone().map(|s| s.into_vec()).unwrap_or_default();
    Ok(Metadata {
        title,
        subtitle: m.subtitle.clone(),
        contributors,
        language,
        identifier,
        publisher: m.publisher.clone(),
        date,
        rights: m.rights.clone(),
        description: m.description.clone(),
        subjects,
        series,
        source: m.source.clone(),
        modified,
    })
}

/// The byline, source and author note a manuscript's front matter gives.
fn article_info(
    ms: &Manuscript,
    diags: &mut Diagnostics,
) -> Result<Option<ArticleInfo>, Diagnostic> {
    let m = &ms.meta;
    let mut author_note = Vec::new();
    if let Some(note) = &m.author_note {
        let mut doc = markdown::read(note, 0, &ms.path, diags);
        let line = MetaFile::new(&ms.path, &ms.text)
            .key(&["author-note", "bio", "about-author"])
            .line;
        for b in &mut doc.blocks {
            b.line = line;
        }
        author_note = doc.blocks;
    }
    if let Some(d) = &m.date {
        metadata::parse_date(&d.to_string())
            .map_err(|e| Diagnostic::error(MetaFile::new(&ms.path, &ms.text).key(&["date"]), e))?;
    }
    let info = ArticleInfo {
        subtitle: m.subtitle.clone(),
        authors: m
            .contributors()
            .into_iter()
            .filter(|c| c.role == metadata::Role::Author)
            .map(|c| c.name)
            .collect(),
        date: m.date.as_ref().map(|d| d.to_string()),
        source: m.source.clone(),
        author_note,
    };
    Ok(Some(info).filter(|i| !i.is_empty()))
}

/// The cover image named in the metadata, found and checked like any image.
/// The cover image named in the metadata, found and checked like any
/// image, and against what stores accept (warnings that say what to do).
fn cover(
    root: &Path,
    relative_to: &Path,
    m: &MetaInput,
    file: &MetaFile,
    diags: &mut Diagnostics,
) -> Result<Option<(String, crate::model::ImageAsset)>, Diagnostic> {
    let Some(dest) = &m.cover else {
        return Ok(None);
    };
    let at = file.key(&["cover"]);
    let found = resolve::resolve_image(root, relative_to, dest)
        .map_err(|e| Diagnostic::error(at.clone(), format!("cover: {e}")))?;
    for advice in crate::images::cover::check(&found.1.info) {
        diags.warning(at.clone(), format!("cover `{dest}`: {advice}"));
    }
    Ok(Some(found))
}

pub fn describe(input: &Input) -> String {
    match input {
        Input::Manuscript(p) => display_path(p),
        Input::Book { dir, .. } => display_path(dir),
    }
}
