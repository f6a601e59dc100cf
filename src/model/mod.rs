//! The document model: the one thing every renderer sees.
//!
//! Plain, serialisable data. Readers (`crate::source`) produce it,
//! `crate::resolve` finishes it (the model itself reads no file), renderers (`crate::render`) consume it and never look back at
//! the manuscripts. By the time a renderer gets a [`Book`]:
//! - every footnote reference carries its note's blocks and number;
//! - every heading has an id unique in the whole book;
//! - every link is either external (a URL) or internal (a chapter and an id
//!   that exists); links that could not be resolved were turned into text;
//! - every image has been found inside the project, read and identified.
//!
//! Blocks keep the line they start on; the file is their chapter's `source`.

pub mod metadata;
mod page_size;
pub mod walk;

pub use metadata::{Contributor, Identifier, Metadata, Role, Series};
pub use page_size::{PageSize, parse_length};

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize)]
pub struct Book {
    pub meta: Metadata,
    /// Article: one manuscript set with its title block at the head of the
    /// text. Book: title page, contents, chapters.
    pub layout: Layout,
    pub chapters: Vec<Chapter>,
    /// The cover image, a key into `images`.
    pub cover: Option<String>,
    /// Every image the book uses, by its project-relative path.
    pub images: BTreeMap<String, ImageAsset>,
    pub options: Options,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    Article,
    Book,
}

/// Per-format settings from `book.toml`, with their defaults.
#[derive(Debug, Clone, Serialize)]
pub struct Options {
    /// Embed the bundled typefaces (as subsets) in the EPUB.
    pub embed_fonts: bool,
    /// EPUB images above this many pixels are scaled down.
    pub epub_max_pixels: u64,
    /// PDF page size; `None` for the layout's default.
    pub page_size: Option<PageSize>,
    /// PDF chapters open on a right-hand page (a blank page before if needed).
    pub chapters_on_recto: bool,
    /// The book's own font files, by role (`regular`, `italic`, `bold`,
    /// `bold-italic`, `mono`, `mono-bold`, `math`, and `fallback` in the
    /// order they are tried), found and checked; the rest are bundled.
    pub fonts: Vec<FontFile>,
    /// Look among the installed fonts for characters the book's lack
    /// (on unless the book says `system = false`).
    pub system_fonts: bool,
    /// Images over this many pixels are refused before they are decoded.
    pub max_image_pixels: u64,
    /// Print production: the PDF is an interior for this printer.
    pub print: Option<crate::print::PrintOptions>,
    /// Type size, leading and paragraph style the book sets.
    pub style: StyleOptions,
    /// Margins the book sets, in points from the trimmed edge.
    pub margins: Margins,
    /// The book's own stylesheet for the EPUB, checked.
    pub extra_css: Option<ExtraCss>,
    /// Where the book's outputs go unless the command line says
    /// (`[build] out-dir`, relative to the book).
    #[serde(skip)]
    pub out_dir: Option<PathBuf>,
    /// The book's configuration file (book.toml), which names the book in
    /// messages about it as a whole; `None` for a single manuscript.
    #[serde(skip)]
    pub config: Option<PathBuf>,
}

/// A page of the print edition, and where in the book it begins.
#[derive(Debug, Clone, PartialEq)]
pub struct PageBreak {
    /// The page's folio (`12`).
    pub label: String,
    pub chapter: usize,
    /// `None`: the page opens the chapter. Otherwise the chapter's block
    /// the page begins in, and how many words of it came before.
    pub at: Option<(usize, u32)>,
}

/// The book's house style, where it sets one; the rest is Quire's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StyleOptions {
    /// Body type size in points.
    pub font_size: Option<f32>,
    /// Baseline distance over the type size.
    pub line_height: Option<f32>,
    pub paragraph: ParagraphStyle,
    /// How chapters are numbered; by default in arabic in a book and not
    /// at all in an article.
    pub chapter_numbers: Option<Numbering>,
    /// What marks a scene break.
    pub scene_break: SceneBreak,
    /// How far down the page a chapter's title sits, in body lines.
    pub chapter_sink: Option<u8>,
    /// The chapter's label above its title, or run into it.
    pub chapter_number: NumberPlace,
    /// How a chapter's first paragraph opens.
    pub first_paragraph: FirstParagraph,
    /// The face of chapter titles and headings.
    pub headings: HeadingFace,
    /// Code is set plain, not highlighted (`highlight = false`).
    pub plain_code: bool,
    /// How much smaller code may be set to avoid wrapping; `None` for
    /// the default (15%).
    pub code_shrink: Option<f32>,
    /// Margin protrusion in the PDF's justified text; `None` for the
    /// default (on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protrusion: Option<bool>,
    /// Tracking of loose justified lines in the PDF; `None` for the
    /// default (on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking: Option<bool>,
    /// Font expansion in percent; `None` for the default (2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expansion: Option<f32>,
    /// Whether words that open with a capital may be hyphenated; `None`
    /// for the default (no, so that proper names stay whole; yes in
    /// German, which capitalises its nouns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hyphenate_capitals: Option<bool>,
    /// Lines a spread may run long to keep its facing pages the same
    /// depth; `None` for the default (1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_pages: Option<u8>,
}

impl StyleOptions {
    /// Font expansion as a fraction (0.02), 0 when off.
    pub fn expansion(&self) -> f32 {
        self.expansion.unwrap_or(2.0) / 100.0
    }
}

/// A scene break: an ornament, or space (with an asterism where a page
/// begins or ends at it, so the break is never lost).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum SceneBreak {
    Ornament(String),
    Space,
}

impl Default for SceneBreak {
    fn default() -> Self {
        SceneBreak::Ornament("*\u{2003}*\u{2003}*".into())
    }
}

impl SceneBreak {
    /// From the style's words: `* * *`, `⁂` (or `asterism`), `fleuron`,
    /// `blank`, or any short ornament.
    pub fn parse(s: &str) -> Result<SceneBreak, String> {
        let t = s.trim();
        Ok(match t {
            "blank" | "space" => SceneBreak::Space,
            "* * *" | "stars" => SceneBreak::default(),
            "asterism" | "\u{2042}" => SceneBreak::Ornament("\u{2042}".into()),
            "fleuron" | "\u{2766}" => SceneBreak::Ornament("\u{2766}".into()),
            _ if !t.is_empty() && t.chars().count() <= 12 && !t.chars().any(char::is_control) => {
                SceneBreak::Ornament(t.replace(' ', "\u{2003}"))
            }
            _ => {
                return Err(format!(
                    "scene-break `{t}`: use `* * *`, `asterism`, `fleuron`, `blank`, or an ornament of up to 12 characters"
                ));
            }
        })
    }

    /// The ornament drawn (for space, the one shown at a page's edge).
    pub fn mark(&self) -> &str {
        match self {
            SceneBreak::Ornament(s) => s,
            SceneBreak::Space => "\u{2042}",
        }
    }
}

/// Where a chapter's label goes: above the title ("CHAPTER 3" / "The
/// Storm") or before it on its line ("3. The Storm").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberPlace {
    #[default]
    Above,
    Inline,
}

/// A chapter's first paragraph: as any other, its first words in small
/// capitals, or a drop cap two lines deep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FirstParagraph {
    #[default]
    Plain,
    SmallCaps,
    DropCap,
}

/// The face of titles and headings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeadingFace {
    /// Chapter titles in the regular face, headings bold (the default).
    #[default]
    Standard,
    Bold,
    Italic,
    SmallCaps,
}

/// Chapter numbers: `arabic` (Chapter 3), `roman` (Chapter III), `words`
/// (Chapter Three) or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Numbering {
    Arabic,
    Roman,
    Words,
    None,
}

/// How paragraphs are told apart: an indented first line, or a space.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParagraphStyle {
    #[default]
    Indent,
    Space,
}

/// Margins set by the book, in points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Margins {
    pub inside: Option<f32>,
    pub outside: Option<f32>,
    pub top: Option<f32>,
    pub bottom: Option<f32>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            embed_fonts: true,
            epub_max_pixels: crate::images::EPUB_MAX_PIXELS,
            page_size: None,
            chapters_on_recto: false,
            fonts: Vec::new(),
            system_fonts: true,
            max_image_pixels: crate::limits::IMAGE_PIXELS,
            print: None,
            style: StyleOptions::default(),
            margins: Margins::default(),
            extra_css: None,
            out_dir: None,
            config: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Chapter {
    /// Stable id, used for file names and internal links (`ch01`, …).
    pub id: String,
    /// The manuscript this chapter came from.
    pub source: PathBuf,
    pub title: Vec<Inline>,
    /// Id of the chapter's own heading, the target of links to the chapter.
    pub title_id: String,
    /// The chapter's language when it differs from the book's (an article
    /// in another language in a collection).
    pub lang: Option<String>,
    /// Byline, source and author note of an article; empty for a plain chapter.
    pub article: Option<ArticleInfo>,
    pub blocks: Vec<Block>,
    /// What the chapter is in the book: a chapter, a part, a dedication…
    pub role: ChapterRole,
    /// Its label, numbered: "Chapter 3", "Appendix A", "Part Two".
    pub label: Option<String>,
    /// The part it belongs to (an index into the chapters), if any.
    pub part: Option<usize>,
    /// How deep the book's summary nests it under another chapter
    /// (mdBook's sections): 0 for a chapter. The contents, the PDF's
    /// outline and the EPUB's navigation nest it so.
    #[serde(skip_serializing_if = "is_zero")]
    pub depth: u8,
    /// A section of the chapter before it, set on (the book's structure
    /// says nested summary entries are headings of their chapter): no new
    /// page in print, its title a heading of level `depth + 1`, its
    /// footnotes numbered on from the chapter's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub runs_on: bool,
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

impl Chapter {
    /// The chapter as the contents list it: "Part One: Beginnings",
    /// "Appendix A: Tables", or its title.
    pub fn contents_title(&self) -> String {
        let title = plain_text(&self.title);
        match (&self.label, self.role) {
            (Some(label), ChapterRole::Part | ChapterRole::Appendix) if title.trim().is_empty() => {
                label.clone()
            }
            (Some(label), ChapterRole::Part | ChapterRole::Appendix) => format!("{label}: {title}"),
            _ => title,
        }
    }

    /// Its level in the contents: 2 inside a part, 1 otherwise, and one
    /// more for each level a summary nests it.
    pub fn contents_level(&self) -> u8 {
        let base = if self.part.is_some() && self.role != ChapterRole::Part {
            2
        } else {
            1
        };
        base + self.depth
    }

    /// The heading level its title is set at: 1 for a chapter, one more
    /// for each level of a section that runs on.
    pub fn title_level(&self) -> u8 {
        if self.runs_on {
            (self.depth + 1).min(6)
        } else {
            1
        }
    }
}

/// What a chapter is in a book, from the class on its heading
/// (`# To My Mother {.dedication}`) or its `role` in book.toml. Each has
/// its EPUB 3 structural semantics and its print convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChapterRole {
    #[default]
    Chapter,
    /// A chapter without a number (mdBook's prefix and suffix chapters
    /// and the sections its summary nests under a chapter).
    Unnumbered,
    /// The text before a file's first heading: no title.
    Opening,
    /// An unnumbered chapter after the body, outside any part (mdBook's
    /// suffix chapters: contributors, a colophon).
    Closing,
    Part,
    Dedication,
    Epigraph,
    Foreword,
    Preface,
    Introduction,
    Prologue,
    Epilogue,
    Afterword,
    Acknowledgments,
    Appendix,
    Glossary,
    Bibliography,
    Index,
    AboutTheAuthor,
    AlsoBy,
}

impl ChapterRole {
    /// The role a heading's class names, if any.
    pub fn from_class(class: &str) -> Option<ChapterRole> {
        use ChapterRole::*;
        Some(match class {
            "part" => Part,
            "dedication" => Dedication,
            "epigraph" => Epigraph,
            "foreword" => Foreword,
            "preface" => Preface,
            "introduction" => Introduction,
            "prologue" => Prologue,
            "epilogue" => Epilogue,
            "afterword" => Afterword,
            "acknowledgments" | "acknowledgements" => Acknowledgments,
            "appendix" => Appendix,
            "glossary" => Glossary,
            "bibliography" => Bibliography,
            "index" => Index,
            "about-the-author" => AboutTheAuthor,
            "also-by" => AlsoBy,
            _ => return None,
        })
    }

    /// The role a chapter's title names by itself: "Preface",
    /// "Acknowledgements", "Part Two", "Appendix B: Tables", in the
    /// languages Quire labels.
    pub fn from_title(title: &str) -> Option<ChapterRole> {
        use ChapterRole::*;
        let t = title.trim().trim_end_matches(['.', ':']).to_lowercase();
        let exact = match t.as_str() {
            "dedication" | "dédicace" | "widmung" | "dedicatoria" | "dedica" => Some(Dedication),
            "epigraph" | "épigraphe" => Some(Epigraph),
            "foreword" | "avant-propos" | "vorwort" => Some(Foreword),
            "preface" | "préface" | "prefacio" | "prefazione" => Some(Preface),
            "introduction" | "einleitung" | "introducción" | "introduzione" => Some(Introduction),
            "prologue" | "prolog" | "prólogo" | "prologo" => Some(Prologue),
            "epilogue" | "épilogue" | "epilog" | "epílogo" | "epilogo" => Some(Epilogue),
            "afterword" | "postface" | "nachwort" => Some(Afterword),
            "acknowledgments" | "acknowledgements" | "remerciements" | "danksagung"
            | "agradecimientos" | "ringraziamenti" => Some(Acknowledgments),
            "glossary" | "glossaire" | "glossar" | "glosario" | "glossario" => Some(Glossary),
            "bibliography" | "bibliographie" | "bibliografía" | "bibliografia" => {
                Some(Bibliography)
            }
            "about the author" | "about the authors" => Some(AboutTheAuthor),
            "also by the author" | "by the same author" => Some(AlsoBy),
            _ => None,
        };
        if exact.is_some() {
            return exact;
        }
        // "Part Two", "Part II: The Return", "Appendix B", "Also by …".
        let (word, rest) = t.split_once(char::is_whitespace)?;
        let next = rest
            .split(|c: char| c.is_whitespace() || matches!(c, ':' | '.' | '—' | '–'))
            .next()
            .unwrap_or("");
        let numbered = !next.is_empty()
            && (next.chars().all(|c| c.is_ascii_digit())
                || next.chars().all(|c| "ivxlc".contains(c))
                || (1..=30)
                    .any(|n| crate::typography::number_word(n, "en").to_lowercase() == next));
        match word {
            "part" | "partie" | "teil" | "parte" if numbered => Some(Part),
            "appendix" | "annexe" | "anhang" | "apéndice" | "appendice"
                if numbered || (next.len() == 1 && next.chars().all(|c| c.is_alphabetic())) =>
            {
                Some(Appendix)
            }
            "also" if rest.starts_with("by ") => Some(AlsoBy),
            _ => None,
        }
    }

    /// EPUB 3 structural semantics (`epub:type`) for its section.
    pub fn epub_type(self) -> Option<&'static str> {
        use ChapterRole::*;
        Some(match self {
            Chapter | Unnumbered => "chapter",
            Part => "part",
            Dedication => "dedication",
            Epigraph => "epigraph",
            Foreword => "foreword",
            Preface => "preface",
            Introduction => "introduction",
            Prologue => "prologue",
            Epilogue => "epilogue",
            Afterword => "afterword",
            Acknowledgments => "acknowledgments",
            Appendix => "appendix",
            Glossary => "glossary",
            Bibliography => "bibliography",
            Index => "index",
            Opening | AboutTheAuthor | AlsoBy | Closing => return None,
        })
    }

    /// The ARIA role (DPUB-ARIA) matching it.
    pub fn aria_role(self) -> Option<&'static str> {
        use ChapterRole::*;
        Some(match self {
            Chapter | Unnumbered => "doc-chapter",
            Part => "doc-part",
            Dedication => "doc-dedication",
            Epigraph => "doc-epigraph",
            Foreword => "doc-foreword",
            Preface => "doc-preface",
            Introduction => "doc-introduction",
            Prologue => "doc-prologue",
            Epilogue => "doc-epilogue",
            Afterword => "doc-afterword",
            Acknowledgments => "doc-acknowledgments",
            Appendix => "doc-appendix",
            Glossary => "doc-glossary",
            Bibliography => "doc-bibliography",
            Index => "doc-index",
            Opening | AboutTheAuthor | AlsoBy | Closing => return None,
        })
    }

    /// Front matter (before the body), body, or back matter.
    pub fn matter(self) -> &'static str {
        use ChapterRole::*;
        match self {
            Dedication | Epigraph | Foreword | Preface => "frontmatter",
            Afterword | Acknowledgments | Appendix | Glossary | Bibliography | Index
            | AboutTheAuthor | AlsoBy | Closing => "backmatter",
            _ => "bodymatter",
        }
    }

    /// Whether it shows its heading (a dedication and an epigraph do not).
    pub fn has_heading(self) -> bool {
        !matches!(
            self,
            ChapterRole::Dedication | ChapterRole::Epigraph | ChapterRole::Opening
        )
    }

    /// Whether it is listed in the contents.
    pub fn in_contents(self) -> bool {
        self.has_heading()
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ArticleInfo {
    pub subtitle: Option<Vec<Inline>>,
    pub authors: Vec<String>,
    /// Its translators, editors, illustrators.
    pub contributors: Vec<Contributor>,
    pub date: Option<String>,
    /// Where the article first appeared, as given.
    pub source: Option<Vec<Inline>>,
    /// A short note about the author, set apart after the text.
    pub author_note: Vec<Block>,
}

impl ArticleInfo {
    pub fn is_empty(&self) -> bool {
        self.subtitle.is_none()
            && self.authors.is_empty()
            && self.contributors.is_empty()
            && self.date.is_none()
            && self.source.is_none()
            && self.author_note.is_empty()
    }
}

/// What a class on a block means to Quire; any other class only reaches
/// the EPUB's markup (for the book's own stylesheet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// A block quote at a chapter's head, set as its epigraph.
    Epigraph,
    /// A figure that fills its page to the trimmed edge and into the bleed.
    Bleed,
    /// A table set on a page of its own, turned a quarter.
    Landscape,
}

impl Treatment {
    /// The class that asks for it (`{.epigraph}`).
    pub fn class(self) -> &'static str {
        match self {
            Treatment::Epigraph => "epigraph",
            Treatment::Bleed => "bleed",
            Treatment::Landscape => "landscape",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Block {
    /// 1-based line in the chapter's source file.
    pub line: u32,
    #[serde(flatten)]
    pub kind: BlockKind,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum BlockKind {
    Heading {
        level: u8,
        id: String,
        classes: Vec<String>,
        content: Vec<Inline>,
    },
    Paragraph {
        content: Vec<Inline>,
    },
    BlockQuote {
        blocks: Vec<Block>,
        /// Classes written after it (`{.epigraph}`).
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        classes: Vec<String>,
    },
    List {
        /// The first number of an ordered list; `None` for a bulleted list.
        start: Option<u64>,
        items: Vec<ListItem>,
    },
    CodeBlock {
        language: Option<String>,
        text: String,
        /// Lines numbered from this one (`{.numberLines}`, `linenos`).
        first_line: Option<u32>,
        /// `caption="…"` in the fence.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        caption: Option<String>,
        /// Its number, when it has an id (`{#lst:main}`).
        #[serde(skip_serializing_if = "Option::is_none", default)]
        label: Option<Label>,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        /// Classes written after it (`{.landscape}`).
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        classes: Vec<String>,
        /// `Table: …` before or after it.
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        caption: Vec<Inline>,
        /// Its number, when it has an id (`{#tbl:sizes}`).
        #[serde(skip_serializing_if = "Option::is_none", default)]
        label: Option<Label>,
    },
    /// Terms and their definitions.
    Definitions {
        items: Vec<Definition>,
    },
    /// An image standing alone in its paragraph, with an optional caption
    /// (the image's title in Markdown).
    Figure {
        image: Image,
        caption: Vec<Inline>,
        /// Classes written after it (`{.bleed}`: the picture fills its
        /// page to the trimmed edge and into the bleed).
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        classes: Vec<String>,
        /// Its number, when it has an id (`{#fig:map}`).
        #[serde(skip_serializing_if = "Option::is_none", default)]
        label: Option<Label>,
    },
    SceneBreak,
    /// The book's index, made from the marks in its text.
    Index {
        index: Box<Index>,
    },
}

impl BlockKind {
    /// The classes written after the block (none for kinds that take none).
    pub fn classes(&self) -> &[String] {
        match self {
            BlockKind::Heading { classes, .. }
            | BlockKind::BlockQuote { classes, .. }
            | BlockKind::Table { classes, .. }
            | BlockKind::Figure { classes, .. } => classes,
            _ => &[],
        }
    }

    /// Whether the block asks for `treatment`.
    pub fn asks(&self, treatment: Treatment) -> bool {
        self.classes().iter().any(|c| c == treatment.class())
    }
}

/// A numbered figure or table, for cross-references.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Label {
    /// The key as written (`fig:map`).
    pub key: String,
    /// Its id in the output, unique in the book.
    pub id: String,
    /// "Figure 3.2", in the book's language (set by `resolve`).
    pub number: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub term: Vec<Inline>,
    /// Each definition of the term, as blocks.
    pub definitions: Vec<Vec<Block>>,
}

/// Whether a block is an epigraph's source: a paragraph that opens with
/// a dash ("— Ecclesiastes", "-- Mark Twain").
pub fn is_attribution(block: &Block) -> bool {
    match &block.kind {
        BlockKind::Paragraph { content } => {
            let text = plain_text(content);
            let t = text.trim_start();
            t.starts_with(['\u{2014}', '\u{2015}', '\u{2013}']) || t.starts_with("--")
        }
        _ => false,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ListItem {
    /// `Some(done)` for a task-list item.
    pub task: Option<bool>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Inline {
    Text {
        text: String,
    },
    Emphasis {
        content: Vec<Inline>,
    },
    Strong {
        content: Vec<Inline>,
    },
    Strikethrough {
        content: Vec<Inline>,
    },
    Superscript {
        content: Vec<Inline>,
    },
    Subscript {
        content: Vec<Inline>,
    },
    Code {
        text: String,
    },
    Link {
        target: LinkTarget,
        title: Option<String>,
        content: Vec<Inline>,
        /// Where the link starts in its manuscript.
        pos: Pos,
    },
    Image {
        image: Image,
    },
    /// A footnote reference with its note, numbered within its chapter.
    /// The same note referenced twice appears twice with the same number;
    /// `first` marks the reference the note links back to.
    FootnoteRef {
        number: u32,
        first: bool,
        blocks: Vec<Block>,
    },
    LineBreak,
    /// A footnote reference as written (`[^label]`), at `line`. Only readers
    /// produce this; `resolve` replaces every one with a `FootnoteRef`.
    NoteLabel {
        label: String,
        pos: Pos,
    },
    /// Inline HTML the book keeps: `<kbd>`, `<mark>`, `<abbr title>`,
    /// `<span class>`, `<code>` with markup inside, ….
    Span {
        kind: SpanKind,
        /// Its classes, as given (letters, digits, `-`, `_`).
        class: Option<String>,
        /// An abbreviation's expansion.
        title: Option<String>,
        /// The language of its words, when not the chapter's
        /// (`[la vie en rose]{lang=fr}`, `<span lang="fr">`).
        #[serde(skip_serializing_if = "Option::is_none")]
        lang: Option<String>,
        content: Vec<Inline>,
    },
    /// A place links may point at (`<a id="x">`, `<a name="x">`).
    Anchor {
        id: String,
    },
    /// Math in LaTeX notation, checked when read.
    Math {
        tex: String,
        display: bool,
        pos: Pos,
        /// A displayed equation's number (`$$…$$ {#eq:euler}`).
        label: Option<Label>,
    },
    /// A reference to a numbered figure or table as written (`[@fig:map]`,
    /// `@tbl:sizes`); `resolve` makes it a link reading "Figure 3.2".
    Ref {
        key: String,
        pos: Pos,
    },
    /// A citation as written (`[see @doe2020, p. 33]`, `@doe2020`);
    /// `resolve` replaces it with what the book's citation style prints,
    /// or with the text as written when the book has no bibliography.
    Cite {
        cite: Box<Citation>,
    },
    /// Words marked for the index (`[kerning]{.idx}`,
    /// `[]{.idx key="hyphenation!German"}`); `resolve` puts an anchor in
    /// its place, followed by its words.
    IndexTerm {
        mark: Box<IndexMark>,
        content: Vec<Inline>,
    },
}

/// What an index mark asks for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexMark {
    /// The entry and its sub-entries (`key="hyphenation!German"`);
    /// empty: the marked words are the entry.
    pub key: Vec<String>,
    /// `see="…"`: the entry points to another instead of to pages.
    pub see: Vec<String>,
    /// `seealso="…"`: other entries worth a look as well.
    pub see_also: Vec<String>,
    /// `range=start` or `range=end`: the mark opens or closes a span of
    /// pages under the entry; a heading's mark spans its section.
    pub range: Option<RangeEnd>,
    /// Where it is written.
    pub pos: Pos,
}

/// Which end of a page range an index mark stands at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RangeEnd {
    Start,
    End,
    /// A heading's: the whole section it heads.
    Section,
}

/// A back-of-book index, sorted and grouped by initial letter.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Index {
    pub groups: Vec<IndexGroup>,
}

/// The entries under one initial letter (`letter` is `None` for those
/// starting with a digit or a symbol).
#[derive(Debug, Clone, Serialize)]
pub struct IndexGroup {
    pub letter: Option<String>,
    pub entries: Vec<IndexEntry>,
}

/// One entry of the index, with its sub-entries.
#[derive(Debug, Clone, Serialize)]
pub struct IndexEntry {
    /// Its id in the index, for cross-references to it.
    pub id: String,
    pub term: Vec<Inline>,
    pub locators: Vec<IndexLocator>,
    /// Entries it sends the reader to instead (`See`), and also (`See
    /// also`): their words and ids in the index, if there.
    pub see: Vec<(String, Option<String>)>,
    pub see_also: Vec<(String, Option<String>)>,
    pub subentries: Vec<IndexEntry>,
}

impl Index {
    /// Every entry and sub-entry, each before its sub-entries.
    pub fn entries(&self) -> Vec<&IndexEntry> {
        fn add<'a>(e: &'a IndexEntry, out: &mut Vec<&'a IndexEntry>) {
            out.push(e);
            for s in &e.subentries {
                add(s, out);
            }
        }
        let mut out = Vec::new();
        for e in self.groups.iter().flat_map(|g| &g.entries) {
            add(e, &mut out);
        }
        out
    }

    /// Calls `f` on the words of every entry and sub-entry.
    pub fn for_each_term(&mut self, f: &mut impl FnMut(&mut Vec<Inline>)) {
        fn each(e: &mut IndexEntry, f: &mut impl FnMut(&mut Vec<Inline>)) {
            f(&mut e.term);
            for s in &mut e.subentries {
                each(s, f);
            }
        }
        for e in self.groups.iter_mut().flat_map(|g| &mut g.entries) {
            each(e, f);
        }
    }
}

/// How an entry's cross-references read, one kind at a time: after an
/// entry ". See x; y", after a sub-entry " (see x)".
pub struct CrossReference<'a> {
    /// What comes before the label, and after the last target.
    pub open: &'static str,
    pub close: &'static str,
    /// "See" or "See also", in the book's language.
    pub label: String,
    /// `See also` rather than `See`.
    pub related: bool,
    /// Each entry named, as it reads (`entry: sub-entry`), and its id.
    pub targets: Vec<(String, Option<&'a str>)>,
}

impl IndexEntry {
    /// Its cross-references (`See`, then `See also`), as an entry at
    /// `depth` reads them in `lang`.
    pub fn cross_references(&self, depth: usize, lang: &str) -> Vec<CrossReference<'_>> {
        let labels = crate::locale::labels(lang);
        [
            (&self.see, labels.see, false),
            (&self.see_also, labels.see_also, true),
        ]
        .into_iter()
        .filter(|(refs, _, _)| !refs.is_empty())
        .map(|(refs, label, related)| {
            let (open, close, label) = if depth == 0 {
                let mut c = label.chars();
                let capital = c
                    .next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default();
                (". ", "", capital)
            } else {
                (" (", ")", label.to_string())
            };
            CrossReference {
                open,
                close,
                label,
                related,
                targets: refs
                    .iter()
                    .map(|(words, id)| (words.replace('!', ": "), id.as_deref()))
                    .collect(),
            }
        })
        .collect()
    }
}

/// A place an entry is about: the anchor at its mark (and, for a range,
/// at its end), in a chapter, and the title of the section it is in.
#[derive(Debug, Clone, Serialize)]
pub struct IndexLocator {
    pub chapter: usize,
    pub id: String,
    pub end: Option<String>,
    pub section: String,
}

/// A citation: one or more works cited together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    pub items: Vec<CiteItem>,
    /// Written in the sentence (`@doe2020 says`): the author's name is
    /// part of the text; otherwise in brackets (`[@doe2020]`).
    pub in_text: bool,
    /// The citation exactly as written.
    pub raw: String,
}

/// One work a citation names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CiteItem {
    pub key: String,
    /// Words before the key (`see`).
    pub prefix: String,
    /// What follows it: a locator (`p. 33`, `chap. 2`) and any words.
    pub suffix: String,
    /// `-@doe2020`: the author is named in the sentence already.
    pub suppress_author: bool,
    /// Where its `@` is.
    pub pos: Pos,
}

/// The inline HTML elements the model keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    /// A key to press: a keycap in the EPUB, the code face in the PDF.
    Kbd,
    Mark,
    Small,
    Underline,
    Abbr,
    /// `<span>`: only its class.
    Plain,
    /// `<code>` that holds markup.
    Code,
    Var,
    Samp,
    /// `<q>`: quotation marks around it.
    Quote,
    Inserted,
}

impl SpanKind {
    /// Its HTML element.
    pub fn element(self) -> &'static str {
        match self {
            SpanKind::Kbd => "kbd",
            SpanKind::Mark => "mark",
            SpanKind::Small => "small",
            SpanKind::Underline => "u",
            SpanKind::Abbr => "abbr",
            SpanKind::Plain => "span",
            SpanKind::Code => "code",
            SpanKind::Var => "var",
            SpanKind::Samp => "samp",
            SpanKind::Quote => "q",
            SpanKind::Inserted => "ins",
        }
    }

    /// The kind for an HTML element's name.
    pub fn from_element(name: &str) -> Option<SpanKind> {
        Some(match name {
            "kbd" => SpanKind::Kbd,
            "mark" => SpanKind::Mark,
            "small" => SpanKind::Small,
            "u" => SpanKind::Underline,
            "abbr" | "acronym" => SpanKind::Abbr,
            "span" => SpanKind::Plain,
            "code" | "tt" => SpanKind::Code,
            "var" => SpanKind::Var,
            "samp" => SpanKind::Samp,
            "q" => SpanKind::Quote,
            "ins" => SpanKind::Inserted,
            _ => return None,
        })
    }
}

impl Inline {
    pub fn text(s: impl Into<String>) -> Self {
        Inline::Text { text: s.into() }
    }

    /// The inline content this one wraps (emphasis, a link, a span, …),
    /// for walks that go into every kind alike.
    pub fn content_mut(&mut self) -> Option<&mut Vec<Inline>> {
        match self {
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Superscript { content }
            | Inline::Subscript { content }
            | Inline::Span { content, .. }
            | Inline::IndexTerm { content, .. }
            | Inline::Link { content, .. } => Some(content),
            _ => None,
        }
    }

    /// As [`Inline::content_mut`], to read.
    pub fn content(&self) -> Option<&[Inline]> {
        match self {
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Superscript { content }
            | Inline::Subscript { content }
            | Inline::Span { content, .. }
            | Inline::IndexTerm { content, .. }
            | Inline::Link { content, .. } => Some(content),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LinkTarget {
    External {
        url: String,
    },
    /// A place in the book: a chapter (by index) and optionally an id in it.
    Internal {
        chapter: usize,
        id: Option<String>,
    },
    /// Not yet resolved: the destination as written. Only readers produce
    /// this; `resolve` replaces every one.
    Unresolved {
        dest: String,
    },
}

/// A font file the book names: its role, where it is, and which face in
/// it (a collection, `.ttc`, holds several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FontFile {
    pub role: String,
    pub path: PathBuf,
    pub index: u32,
}

/// A place in a manuscript: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Image {
    /// Key into [`Book::images`]: the path relative to the project root,
    /// with `/` separators. Empty until resolved.
    pub path: String,
    /// As written in the manuscript, relative to the manuscript.
    pub dest: String,
    pub alt: String,
    /// The image's title as written (`![alt](src "title")`); a figure's caption.
    pub title: Option<String>,
    /// Where the image is named in its manuscript.
    pub pos: Pos,
    /// A picture that came inside its manuscript (a Word file's), already
    /// read and checked, under the key in `path`: the resolver takes it as
    /// it is instead of looking for `dest` on disk.
    #[serde(skip)]
    pub embedded: Option<Box<ImageAsset>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageAsset {
    /// The file it is read from (for a picture inside a manuscript, the
    /// manuscript, and its bytes in `data`).
    #[serde(skip)]
    pub file: PathBuf,
    /// The picture's bytes, when they are not a file's of their own.
    #[serde(skip)]
    pub data: Option<std::sync::Arc<[u8]>>,
    /// Where the book first names it, for renderers' messages about it.
    #[serde(skip)]
    pub named_at: crate::diagnostics::Location,
    /// What the file is, read from its content.
    #[serde(flatten)]
    pub info: crate::images::ImageInfo,
}

impl ImageAsset {
    /// The picture's bytes: its own, or its file's.
    pub fn bytes(&self) -> Result<Vec<u8>, crate::diagnostics::Problem> {
        match &self.data {
            Some(d) => Ok(d.to_vec()),
            None => crate::images::read(&self.file),
        }
    }
}

/// The text of inlines with all markup dropped (for titles, alt text, ids).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain(inlines, &mut out);
    out
}

/// Neighbouring texts joined into one.
pub fn merge_texts(v: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(v.len());
    for i in v {
        if let Inline::Text { text } = &i
            && let Some(Inline::Text { text: last }) = out.last_mut()
        {
            last.push_str(text);
            continue;
        }
        out.push(i);
    }
    out
}

fn push_plain(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } | Inline::Code { text } | Inline::Math { tex: text, .. } => {
                out.push_str(text)
            }
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Superscript { content }
            | Inline::Subscript { content }
            | Inline::Span { content, .. }
            | Inline::IndexTerm { content, .. }
            | Inline::Link { content, .. } => push_plain(content, out),
            Inline::Image { image } => out.push_str(&image.alt),
            Inline::FootnoteRef { .. }
            | Inline::NoteLabel { .. }
            | Inline::Anchor { .. }
            | Inline::Ref { .. } => {}
            Inline::Cite { cite } => out.push_str(&cite.raw),
            Inline::LineBreak => out.push(' '),
        }
    }
}

/// A footnote definition as a reader found it: where it is and what it
/// says (`resolve` puts it in place at its references).
#[derive(Debug, Clone)]
pub struct NoteDef {
    pub line: u32,
    pub blocks: Vec<Block>,
}

/// The stylesheet, its `url()`s rewritten to where the EPUB keeps the
/// files they name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExtraCss {
    pub text: String,
    #[serde(skip)]
    pub resources: Vec<CssResource>,
    /// The stylesheet's file and the files it names, as read.
    #[serde(skip)]
    pub files: Vec<std::path::PathBuf>,
}

/// A file the stylesheet names, as the EPUB carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct CssResource {
    /// Its path in the EPUB, beside the stylesheet.
    pub href: String,
    pub data: Vec<u8>,
    pub media_type: &'static str,
    /// The file it was read from.
    pub file: std::path::PathBuf,
}
