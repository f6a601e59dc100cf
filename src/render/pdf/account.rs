//! The proof that every word reached a page.
//!
//! After pagination, the letters and digits of the book's own text (what
//! the model holds, not what Quire adds: numbers, markers, bylines) are
//! counted twice: once in the model, block by block, and once on the pages,
//! in the lines that were placed inside the paper. A block with fewer on
//! the pages than in the model lost words somewhere in the typesetter:
//! that is a bug, reported as an internal error at the block's line, and
//! the PDF is not written.

use super::flow::{Draw, Note, VItem};
use super::inline::SetLine;
use super::paginate::PageBody;
use super::style::Geometry;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::model::{Block, BlockKind, Book, Inline};
use std::collections::BTreeMap;
use std::ops::Range;

/// Letters per (chapter, manuscript line).
type Tally = BTreeMap<(usize, u32), usize>;

fn letters(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

/// What the model says the pages must show.
pub fn model_letters(book: &Book) -> Tally {
    let mut t = Tally::new();
    for (c, ch) in book.chapters.iter().enumerate() {
        if ch.role.has_heading() {
            inlines(&ch.title, c, 0, &mut t);
        }
        blocks(&ch.blocks, c, &mut t);
        if let Some(a) = &ch.article {
            blocks(&a.author_note, c, &mut t);
        }
    }
    t
}

fn blocks(bs: &[Block], c: usize, t: &mut Tally) {
    for b in bs {
        block(b, c, None, t);
    }
}

/// One block, counted at its own line, or, inside a footnote, at the line
/// of the block that references the note (where the typesetter sets it).
fn block(b: &Block, c: usize, note_line: Option<u32>, t: &mut Tally) {
    let line = note_line.unwrap_or(b.line);
    match &b.kind {
        BlockKind::Paragraph { content } | BlockKind::Heading { content, .. } => {
            inlines(content, c, line, t)
        }
        BlockKind::CodeBlock { text, .. } => *t.entry((c, line)).or_default() += letters(text),
        BlockKind::BlockQuote { blocks: inner, .. } => {
            for b in inner {
                block(b, c, note_line, t);
            }
        }
        BlockKind::List { items, .. } => {
            for b in items.iter().flat_map(|i| &i.blocks) {
                block(b, c, note_line, t);
            }
        }
        BlockKind::Definitions { items } => {
            for item in items {
                inlines(&item.term, c, line, t);
                for b in item.definitions.iter().flatten() {
                    block(b, c, note_line, t);
                }
            }
        }
        BlockKind::Table { head, rows, .. } => {
            for cell in head.iter().chain(rows.iter().flatten()) {
                inlines(cell, c, line, t);
            }
        }
        BlockKind::Figure { caption, .. } => inlines(caption, c, line, t),
        // An index's terms are set in it, with the words Quire adds.
        BlockKind::Index { index } => {
            for e in index.entries() {
                inlines(&e.term, c, line, t);
            }
        }
        BlockKind::SceneBreak => {}
    }
}

fn inlines(is: &[Inline], c: usize, line: u32, t: &mut Tally) {
    for i in is {
        match i {
            Inline::Text { text } | Inline::Code { text } => {
                *t.entry((c, line)).or_default() += letters(text)
            }
            Inline::Cite { cite } => *t.entry((c, line)).or_default() += letters(&cite.raw),
            // A formula shows its letters, not its commands (or, if it
            // could not be read, its source).
            Inline::Math { tex, .. } => {
                *t.entry((c, line)).or_default() += match crate::math::parse(tex) {
                    Ok(node) => letters(&node.visible_text()),
                    Err(_) => letters(tex),
                }
            }
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Superscript { content }
            | Inline::Subscript { content }
            | Inline::Span { content, .. }
            | Inline::IndexTerm { content, .. }
            | Inline::Link { content, .. } => inlines(content, c, line, t),
            Inline::FootnoteRef {
                first: true,
                blocks: note,
                ..
            } => {
                for b in note {
                    block(b, c, Some(line), t);
                }
            }
            Inline::NoteLabel { label, .. } => *t.entry((c, line)).or_default() += letters(label),
            Inline::FootnoteRef { .. }
            | Inline::Image { .. }
            | Inline::LineBreak
            | Inline::Anchor { .. }
            | Inline::Ref { .. } => {}
        }
    }
}

/// The book's text as laid out: which items and notes belong to which
/// chapter, and where pagination put them.
pub struct Laid<'a> {
    pub geometry: &'a Geometry,
    pub items: &'a [VItem],
    pub notes: &'a [Note],
    pub bodies: &'a [PageBody],
    /// Item and note index ranges of each chapter.
    pub chapter_items: &'a [Range<usize>],
    pub chapter_notes: &'a [Range<usize>],
    pub first_page_index: usize,
    pub note_leading: f32,
}

fn line_letters(line: &SetLine) -> usize {
    let text: usize = line
        .runs
        .iter()
        .filter(|r| r.style.from_text)
        .flat_map(|r| r.glyphs.iter())
        .filter(|g| g.gid != 0)
        .map(|g| letters(&g.text.to_text()))
        .sum();
    let math: usize = line
        .maths
        .iter()
        .flat_map(|(_, m)| &m.items)
        .map(|i| match i {
            super::mathset::MathItem::Glyph { text, .. } => letters(&text.to_text()),
            super::mathset::MathItem::Rule { .. } => 0,
        })
        .sum();
    text + math
}

/// Whether a line drawn with its start at `x` and baseline at `y` lies on
/// the paper.
fn on_paper(g: &Geometry, line: &SetLine, x: f32, y: f32) -> bool {
    let right = line
        .runs
        .iter()
        .map(|r| x + r.x + r.glyphs.iter().map(|g| g.advance).sum::<f32>())
        .fold(x, f32::max);
    let left = line.runs.iter().map(|r| x + r.x).fold(x, f32::min);
    left >= -0.5 && right <= g.page.width + 0.5 && y >= 0.0 && y <= g.page.height
}

/// What the pages show.
pub fn placed_letters(laid: &Laid) -> Tally {
    let g = laid.geometry;
    let chapter_of =
        |ranges: &[Range<usize>], i: usize| ranges.iter().position(|r| r.contains(&i)).unwrap_or(0);
    let mut seen_items = vec![false; laid.items.len()];
    let mut seen_notes: BTreeMap<(usize, usize), ()> = BTreeMap::new();
    let mut t = Tally::new();
    for (n, body) in laid.bodies.iter().enumerate() {
        let index = laid.first_page_index + n;
        let left = g.left(index);
        let top = g.top_y();
        for &(idx, offset) in &body.placed {
            if std::mem::replace(&mut seen_items[idx], true) {
                continue; // a table's header, repeated
            }
            let item = &laid.items[idx];
            let c = chapter_of(laid.chapter_items, idx);
            for d in &item.draws {
                match d {
                    Draw::Text { dx, baseline, line }
                        if on_paper(g, line, left + dx, top - offset - baseline) =>
                    {
                        *t.entry((c, item.line)).or_default() += line_letters(line);
                    }
                    // A landscape table: lines run up the page from the
                    // foot of its frame.
                    Draw::Turned { length, draws } => {
                        let bottom = top - offset - length;
                        for d in draws {
                            if let Draw::Text { dx, baseline, line } = d {
                                let x = left + baseline;
                                let y = bottom + dx;
                                let inside = x >= 0.0
                                    && x <= g.page.width
                                    && y >= -0.5
                                    && y + line.width <= g.page.height + 0.5;
                                if inside {
                                    *t.entry((c, item.line)).or_default() += line_letters(line);
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let bottom = top - g.text_height() - body.extra
            + super::paginate::notes_raised(g, laid.note_leading);
        let mut y = bottom + body.notes.len() as f32 * laid.note_leading;
        for &(n, l) in &body.notes {
            if seen_notes.insert((n, l), ()).is_none() {
                let note = &laid.notes[n];
                let (dx, line) = &note.lines[l];
                if on_paper(
                    g,
                    line,
                    left + dx,
                    y - laid.note_leading * super::paginate::NOTE_BASELINE,
                ) {
                    let c = chapter_of(laid.chapter_notes, n);
                    *t.entry((c, note.line)).or_default() += line_letters(line);
                }
            }
            y -= laid.note_leading;
        }
    }
    t
}

/// Compares the two counts: every block whose words did not all reach a
/// page is an internal error at its line.
pub fn check(book: &Book, laid: &Laid, diags: &mut Diagnostics) {
    let want = model_letters(book);
    let got = placed_letters(laid);
    let mut reported = vec![false; book.chapters.len()];
    // A letter drawn with a face's empty box (glyph 0) is not on the page:
    // the check of coverage said a face has it, so this is a bug too.
    for (c, range) in laid.chapter_items.iter().enumerate() {
        let boxed = laid.items[range.clone()].iter().find_map(|item| {
            item.draws.iter().find_map(|d| match d {
                Draw::Text { line, .. } => line
                    .runs
                    .iter()
                    .filter(|r| r.style.from_text)
                    .flat_map(|r| r.glyphs.iter())
                    .find(|g| g.gid == 0 && letters(&g.text.to_text()) > 0)
                    .map(|g| (item.line, g.text.to_text())),
                _ => None,
            })
        });
        if let Some((line, text)) = boxed {
            reported[c] = true;
            diags.push(
                Diagnostic::error(
                    Code::Internal,
                    Location::at(&book.chapters[c].source, line, 0),
                    format!(
                        "internal error: '{text}' in this block would print as an empty box: the face it was set in has no glyph for it; the PDF is not written"
                    ),
                )
                .help("this is a bug in Quire; please report it with the input"),
            );
        }
    }
    for (&(c, line), &n) in &want {
        let have = got.get(&(c, line)).copied().unwrap_or(0);
        if have < n && !std::mem::replace(&mut reported[c], true) {
            let lost: usize = want
                .iter()
                .filter(|((cc, _), _)| *cc == c)
                .map(|(k, &n)| n.saturating_sub(got.get(k).copied().unwrap_or(0)))
                .sum();
            diags.push(
                Diagnostic::error(
                    Code::Internal,
                    Location::at(&book.chapters[c].source, line, 0),
                    format!(
                        "internal error: {} of {n} letters of this block (and {lost} in the chapter) did not reach the PDF's pages; the PDF is not written",
                        n - have
                    ),
                )
                .help("this is a bug in Quire; please report it with the input"),
            );
        }
    }
}
