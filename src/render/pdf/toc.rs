//! The printed table of contents: chapters and their sections, with dot
//! leaders and the page each starts on.

use super::inline::{Align, Piece, Setter, TextStyle};
use super::page::{LinkArea, LinkDest, Page};
use super::shape::FontId;
use super::style::Geometry;
use crate::model::{BlockKind, Book, plain_text};

#[derive(Debug, Clone)]
pub struct Entry {
    pub title: String,
    /// 0 for a chapter, 1 for a section.
    pub level: u8,
    pub anchor: String,
    /// The author of an article in a collection, set beneath its title.
    pub author: Option<String>,
    /// A part: set apart by a blank line.
    pub part: bool,
}

impl Entry {
    /// The lines it takes on the contents page, counted generously (a
    /// long title wraps) so that a contents page never overflows.
    pub fn lines(&self, g: &Geometry) -> usize {
        let room = (g.measure() - g.size * 6.0).max(g.size * 4.0);
        let chars = self.title.chars().count() as f32;
        let title = ((chars * g.size * 0.6) / room).ceil().max(1.0) as usize;
        title + usize::from(self.author.is_some()) + usize::from(self.part)
    }
}

pub fn entries(book: &Book) -> Vec<Entry> {
    let mut out = Vec::new();
    let book_authors: Vec<&str> = book
        .meta
        .contributors
        .iter()
        .filter(|c| c.role == crate::model::Role::Author)
        .map(|c| c.name.as_str())
        .collect();
    for ch in book.chapters.iter().filter(|c| c.role.in_contents()) {
        let base = ch.contents_level() - 1;
        // A collection's contents name each article's author.
        let author = ch
            .article
            .as_ref()
            .filter(|a| {
                !a.authors.is_empty()
                    && a.authors
                        .iter()
                        .map(String::as_str)
                        .ne(book_authors.iter().copied())
            })
            .map(|a| crate::typography::byline(&a.authors, &book.meta.language));
        out.push(Entry {
            title: ch.contents_title(),
            level: base,
            anchor: ch.title_id.clone(),
            author,
            part: ch.role == crate::model::ChapterRole::Part,
        });
        for b in &ch.blocks {
            if let BlockKind::Heading {
                level: 2,
                id,
                content,
                ..
            } = &b.kind
            {
                out.push(Entry {
                    title: plain_text(content),
                    level: base + 1,
                    anchor: id.clone(),
                    author: None,
                    part: false,
                });
            }
        }
    }
    out
}

/// Lines the contents may use on one page, after its heading.
pub fn lines_per_page(g: &Geometry) -> usize {
    g.lines.saturating_sub(6).max(4)
}

/// Sets entries `range` of the contents on `page`, the first TOC page
/// carrying the heading.
pub fn set_page(
    page: &mut Page,
    g: &Geometry,
    left: f32,
    setter: &mut Setter,
    entries: &[Entry],
    heading: Option<&str>,
    page_of: &dyn Fn(&str) -> Option<String>,
) {
    // A book read right to left has its contents mirrored: titles at
    // the right, page numbers at the left.
    let put = |page: &mut Page, line: &super::inline::SetLine, x: f32, y: f32| {
        let x = if g.rtl {
            2.0 * left + g.measure() - x - line.width
        } else {
            x
        };
        super::place_line(page, line, x, y);
    };
    let mut y = g.top_y() - g.leading * 4.0;
    if let Some(h) = heading {
        let style = TextStyle::new(FontId::Regular, g.size * 1.9);
        for line in setter.set(&[piece(h, style)], g.measure(), 0.0, Align::Left) {
            put(page, &line, left, y);
        }
        y -= g.leading * 3.0;
    }
    let dot_style = TextStyle::new(FontId::Regular, g.size);
    let dot_w = setter.shaper.width(FontId::Regular, g.size, ". ");
    for (n, e) in entries.iter().enumerate() {
        if e.part && n > 0 {
            y -= g.leading;
        }
        let indent = g.size * 1.5 * f32::from(e.level);
        let style = TextStyle::new(
            FontId::Regular,
            if e.level == 0 { g.size } else { g.size * 0.92 },
        );
        let number = page_of(&e.anchor).unwrap_or_default();
        let num_w = setter.shaper.width(FontId::Regular, style.size, &number);
        let room = g.measure() - indent - num_w - g.size * 2.5;
        let lines = setter.set(&[piece(&e.title, style)], room, 0.0, Align::Left);
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let x = left + indent;
            put(page, &line, x, y);
            if i + 1 == n {
                // Leaders: dots on a fixed pitch, so rows of them align.
                let start = x + line.width + g.size * 0.5;
                let end = left + g.measure() - num_w - g.size * 0.5;
                let first_dot = ((start - left) / dot_w).ceil() * dot_w + left;
                let count = ((end - first_dot) / dot_w).floor().max(0.0) as usize;
                if count > 0 {
                    let dots = ". ".repeat(count);
                    for l in setter.set(
                        &[piece(dots.trim_end(), dot_style)],
                        1.0e6,
                        0.0,
                        Align::Left,
                    ) {
                        put(page, &l, first_dot, y);
                    }
                }
                for l in setter.set(&[piece(&number, style)], 1.0e6, 0.0, Align::Left) {
                    put(page, &l, left + g.measure() - num_w, y);
                }
                page.links.push(LinkArea {
                    x: if g.rtl { left } else { x },
                    y: y - style.size * 0.3,
                    width: g.measure() - indent,
                    height: style.size * 1.2,
                    target: LinkDest::Anchor(e.anchor.clone()),
                });
            }
            y -= g.leading;
        }
        if let Some(author) = &e.author {
            let italic = TextStyle::new(FontId::Italic, g.size * 0.92);
            if let Some(line) = setter
                .set(
                    &[piece(author, italic)],
                    g.measure() - indent - g.size * 3.0,
                    0.0,
                    Align::Left,
                )
                .into_iter()
                .next()
            {
                put(page, &line, left + indent + g.size, y);
            }
            y -= g.leading;
        }
    }
}

pub fn piece(text: &str, style: TextStyle) -> Piece {
    Piece {
        text: text.to_string(),
        style,
        link: None,
        note: None,
        line_break: false,
        image: None,
        math: None,
    }
}
