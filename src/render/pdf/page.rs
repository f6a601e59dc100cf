//! What the typesetter hands the writer: pages of positioned glyph runs,
//! rules, images and link areas, in points, origin at the page's bottom
//! left (PDF's own convention, so the writer converts nothing). Nothing
//! here knows PDF syntax.

use super::shape::FontId;

#[derive(Debug, Clone)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
    pub links: Vec<LinkArea>,
    /// The label a reader sees for this page (`iii`, `12`), if numbered.
    pub label: Option<String>,
    /// For print: the trimmed page within the page, as (x, y, width,
    /// height); everything else is bleed.
    pub trim: Option<(f32, f32, f32, f32)>,
    /// For print: the trimmed page and its bleed (the page, unless there
    /// is room for crop marks around it).
    pub bleed: Option<(f32, f32, f32, f32)>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Text(GlyphRun),
    /// A horizontal rule from (x, y) of the given width and thickness.
    Rule {
        x: f32,
        y: f32,
        width: f32,
        thickness: f32,
    },
    Image(PlacedImage),
    /// A black rectangle, its lower left corner at (x, y): a vertical rule.
    Bar {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
    /// A rectangle filled with a CMYK colour (0 to 1 each).
    Fill {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        cmyk: [f32; 4],
    },
}

/// Glyphs of one face and size on one baseline, left to right.
#[derive(Debug, Clone)]
pub struct GlyphRun {
    pub font: FontId,
    pub size: f32,
    /// Start of the baseline.
    pub x: f32,
    pub y: f32,
    pub glyphs: std::sync::Arc<Vec<PlacedGlyph>>,
    /// Horizontal scaling of the glyphs (1.0 as drawn; 1.01 one percent
    /// wider, for font expansion): each glyph moves the pen by its
    /// advance times this.
    pub scale: f32,
    /// Grey level of the text, 0 black .. 1 white.
    pub grey: f32,
    /// A CMYK colour instead of the grey (covers).
    pub cmyk: Option<[f32; 4]>,
    /// Turned a quarter about its start: clockwise (a spine's text, read
    /// from the top down) or counter-clockwise (a table set landscape,
    /// read from the bottom up).
    pub turn: Turn,
    /// The structure element this text belongs to; `None` for page
    /// furniture (running heads, folios, ornaments), marked as artifact.
    pub tag: Option<Tag>,
    /// Text that is there to be read and searched but not seen (`3 Tr`):
    /// what a colour glyph, drawn as a picture, stands for.
    pub invisible: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Turn {
    #[default]
    Upright,
    Clockwise,
    Counter,
}

/// A place in the document's logical structure (tagged PDF): the kind of
/// element (`P`, `H1`, `Figure`, `Note`, …) and which one, numbered in
/// reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    pub role: &'static str,
    pub elem: u32,
    /// Its language, where not the book's (a chapter in another).
    pub lang: Option<crate::render::pdf::inline::LangTag>,
}

#[derive(Debug, Clone)]
pub struct PlacedGlyph {
    /// Glyph id in the bundled (not yet subset) font.
    pub gid: u16,
    /// Advance in points, including any justification added to it.
    pub advance: f32,
    /// The natural advance in points, as the font gives it.
    pub natural: f32,
    /// The text this glyph stands for, for copying and searching.
    pub text: GlyphText,
}

/// The text a glyph stands for: usually one character, kept inline (a
/// book has millions of glyphs); several for a ligature; none for a mark
/// that belongs to the glyph before it.
#[derive(Debug, Clone, PartialEq)]
pub enum GlyphText {
    None,
    One(char),
    Many(Box<str>),
}

impl GlyphText {
    pub fn new(s: &str) -> GlyphText {
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (None, _) => GlyphText::None,
            (Some(c), None) => GlyphText::One(c),
            _ => GlyphText::Many(s.into()),
        }
    }

    /// Length in UTF-8 bytes.
    pub fn len(&self) -> usize {
        match self {
            GlyphText::None => 0,
            GlyphText::One(c) => c.len_utf8(),
            GlyphText::Many(s) => s.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, GlyphText::None)
    }

    pub fn last_char(&self) -> Option<char> {
        match self {
            GlyphText::None => None,
            GlyphText::One(c) => Some(*c),
            GlyphText::Many(s) => s.chars().last(),
        }
    }

    /// The one character it stands for, if it stands for exactly one.
    pub fn one(&self) -> Option<char> {
        match self {
            GlyphText::One(c) => Some(*c),
            _ => None,
        }
    }

    /// Whether any character it stands for passes `test` (no allocation).
    pub fn any(&self, test: impl Fn(char) -> bool) -> bool {
        match self {
            GlyphText::None => false,
            GlyphText::One(c) => test(*c),
            GlyphText::Many(s) => s.chars().any(test),
        }
    }

    pub fn to_text(&self) -> String {
        match self {
            GlyphText::None => String::new(),
            GlyphText::One(c) => c.to_string(),
            GlyphText::Many(s) => s.to_string(),
        }
    }
}

impl GlyphRun {
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum::<f32>() * self.scale
    }
}

#[derive(Debug, Clone)]
pub struct PlacedImage {
    /// Key into `Book::images`.
    pub key: String,
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub alt: String,
    pub tag: Option<Tag>,
}

#[derive(Debug, Clone)]
pub struct LinkArea {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub target: LinkDest,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkDest {
    Url(String),
    /// A named place (a heading id or a note), resolved by the writer to a
    /// page and a height.
    Anchor(String),
}

/// A named place on a page: where links and the outline point.
#[derive(Debug, Clone)]
pub struct Anchor {
    pub name: String,
    pub page: usize,
    pub y: f32,
}

/// An entry of the PDF outline (bookmarks).
#[derive(Debug, Clone)]
pub struct OutlineEntry {
    pub title: String,
    pub level: u8,
    pub anchor: String,
}

/// A typeset document, ready for a writer.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// For print: where each text page begins in the book.
    pub page_breaks: Vec<crate::model::PageBreak>,
    pub pages: Vec<Page>,
    pub anchors: Vec<Anchor>,
    pub outline: Vec<OutlineEntry>,
    /// Images made while typesetting (a generated cover), by key.
    pub extra_images: std::collections::BTreeMap<String, (Vec<u8>, crate::images::ImageInfo)>,
}
