//! The vertical list: a chapter's blocks turned into a column of items
//! (lines, spaces, figures, table rows), each knowing its height, whether a
//! page may end after it, and which footnotes it carries. Pagination cuts
//! this list into pages; nothing here knows where pages fall.
//!
//! Body text sits on a baseline grid: every item's height is a whole number
//! of body lines, so facing pages line up and text returns to the grid
//! after a heading, a figure or a table.
//!
//! Every construct gets a layout that keeps all of its words: a code line
//! too long for the page wraps with a mark, a table too wide is set smaller
//! with its words broken in their cells (or, past a point, row by row as
//! text), a table row taller than a page splits between its lines, nesting
//! deeper than the page can indent stays at the deepest indent, and a
//! footnote may hold anything a chapter can.

mod chapter;
mod code;
mod figure;
mod index;
pub use index::IndexPages;
mod notes;
mod table;

use super::inline::{Align, Flattener, LineIssue, LineRun, Piece, SetLine, Setter, TextStyle};
use super::page::LinkDest;
use super::shape::FontId;
use super::style::Geometry;
use super::toc::piece as plain;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::limits::INDENT_LEVELS;
use crate::model::{Block, BlockKind, Book, FirstParagraph, HeadingFace, Inline, Treatment};

/// Something to draw, relative to its item's top left corner (y grows down).
#[derive(Debug, Clone)]
pub enum Draw {
    Text {
        dx: f32,
        baseline: f32,
        line: SetLine,
    },
    Rule {
        dx: f32,
        dy: f32,
        width: f32,
        thickness: f32,
    },
    Image {
        dx: f32,
        dy: f32,
        width: f32,
        height: f32,
        key: String,
        alt: String,
    },
    /// Draws set in a landscape frame as long as the text block is tall
    /// (`length`) and as deep as it is wide, turned a quarter
    /// counter-clockwise onto the page: the frame's top is the page's
    /// left edge, and its lines read from the bottom up.
    Turned { length: f32, draws: Vec<Draw> },
    /// A picture that fills its whole page, to the trimmed edge and into
    /// the bleed, cropped to the page's proportions; `aspect` is its
    /// width over its height.
    PageImage {
        aspect: f32,
        key: String,
        alt: String,
    },
}

#[derive(Debug, Clone, Default)]
pub struct VItem {
    pub height: f32,
    pub draws: Vec<Draw>,
    /// A page must not end after this item.
    pub keep_with_next: bool,
    /// Dropped when it would open a page (space before a heading).
    pub discardable: bool,
    /// Footnotes referenced here, by key.
    pub notes: Vec<String>,
    /// Names that point here (heading ids, chapter ids).
    pub anchors: Vec<String>,
    /// An outline entry starting here: title and level.
    pub outline: Option<(String, u8)>,
    /// Start a new page before this item; `true`: a right-hand page.
    pub new_page: Option<bool>,
    /// Opens a chapter (index): no running head on its page.
    pub opens_chapter: Option<usize>,
    /// Part of a table: (table number, this is its header row).
    pub table_row: Option<(usize, bool)>,
    /// The structure element this item's text belongs to (tagged PDF).
    pub tag: Option<super::page::Tag>,
    /// The manuscript line of the block this item sets (0: the chapter's
    /// title), for the check that every word reached a page.
    pub line: u32,
    /// Where in the chapter this item's text begins: the index of its
    /// top-level block and the number of words of that block before it
    /// (for the EPUB's markers of the print edition's page breaks).
    pub place: Option<(usize, u32)>,
    /// Its draws show only when it is the first or last thing on its page
    /// (the mark of a scene break set as space, which a page edge would
    /// otherwise hide).
    pub edge_only: bool,
}

/// A footnote met while flattening: its key, number and blocks.
type FoundNote = (String, u32, Vec<Block>);

/// A footnote, set: its lines at footnote size.
#[derive(Debug, Clone)]
pub struct Note {
    pub key: String,
    pub lines: Vec<(f32, SetLine)>, // (dx, line)
    /// The manuscript line of the block that references it.
    pub line: u32,
    /// Link targets in its text (index marks), found at its first line.
    pub anchors: Vec<String>,
}

pub struct Flow<'a, 's, 'f> {
    pub book: &'a Book,
    pub geometry: &'a Geometry,
    pub setter: Setter<'s, 'f>,
    pub items: Vec<VItem>,
    pub notes: Vec<Note>,
    pub tables: usize,
    /// What setting the chapter found.
    pub diags: Diagnostics,
    chapter: usize,
    body_font: FontId,
    /// How many lists the current block is inside.
    list_depth: usize,
    /// How many block quotes and lists the current block is inside.
    nesting: usize,
    /// The last structure element number given out.
    elem: u32,
    /// The manuscript line of the block being set.
    line: u32,
    /// Deep nesting has been reported in this chapter.
    capped: bool,
    /// The top-level block being set, when outside notes.
    top_block: Option<usize>,
    /// Paragraphs set this way instead of justified (a dedication's are
    /// centred).
    align: Option<Align>,
    /// The outline level of the chapter being set: 1 inside a part.
    outline_base: u8,
    /// The chapter's first paragraph is still to come, and opens in the
    /// house style (small capitals, a drop cap).
    opening: bool,
    /// Link targets met in blocks that drew nothing, for the next line.
    pending_anchors: Vec<String>,
    /// Where the index's places fell, once the book has been paginated.
    pub index_pages: Option<&'a IndexPages>,
    /// Anchors of the block just set already put on their lines.
    placed: std::collections::HashSet<String>,
}

/// Where body text starts on a line: the first baseline sits this far below
/// the top of the line's slot (about the cap height plus a little).
pub fn baseline_offset(g: &Geometry) -> f32 {
    g.leading * 0.72
}

/// The mark at the start of a wrapped code line's continuation.
const CONTINUATION: &str = "\u{21AA}";

impl<'a, 's, 'f> Flow<'a, 's, 'f> {
    pub fn new(book: &'a Book, geometry: &'a Geometry, setter: Setter<'s, 'f>) -> Self {
        Flow {
            book,
            geometry,
            setter,
            items: Vec::new(),
            notes: Vec::new(),
            tables: 0,
            diags: Diagnostics::default(),
            chapter: 0,
            body_font: FontId::Regular,
            list_depth: 0,
            nesting: 0,
            elem: 0,
            line: 0,
            capped: false,
            top_block: None,
            align: None,
            outline_base: 0,
            opening: false,
            pending_anchors: Vec::new(),
            index_pages: None,
            placed: Default::default(),
        }
    }

    /// A place in the current chapter's manuscript.
    fn at(&self, line: u32, column: u32) -> Location {
        Location::at(&self.book.chapters[self.chapter].source, line, column)
    }

    fn body(&self) -> TextStyle {
        TextStyle::new(self.body_font, self.geometry.size)
    }

    /// Flattens inline markup; footnotes met are named after this chapter.
    fn flatten(&self, inlines: &[Inline], style: TextStyle) -> (Vec<Piece>, Vec<FoundNote>) {
        let (out, notes, _) = self.flatten_anchored(inlines, style);
        (out, notes)
    }

    /// As [`Flow::flatten`], with the anchors met and the letters before
    /// each.
    fn flatten_anchored(
        &self,
        inlines: &[Inline],
        style: TextStyle,
    ) -> (Vec<Piece>, Vec<FoundNote>, Vec<(String, usize)>) {
        let chapter_id = self.book.chapters[self.chapter].id.clone();
        let key = move |n: u32| format!("{chapter_id}-note-{n}");
        let mut f = Flattener::new(self.book, &key);
        let mut out = Vec::new();
        f.flatten(inlines, style, None, &mut out);
        (out, f.notes, f.anchors)
    }

    fn pieces(&mut self, inlines: &[Inline], style: TextStyle) -> Vec<Piece> {
        let (out, notes, _) = self.flatten_anchored(inlines, style);
        for (key, number, blocks) in notes {
            self.set_note(key, number, &blocks);
        }
        out
    }

    /// Puts each anchor of a paragraph on the line its words are on (from
    /// item `start`, one item a line), not at the paragraph's first: an
    /// index's page number is that of the line.
    fn anchor_lines(&mut self, start: usize, anchors: Vec<(String, usize)>) {
        let mut anchors = anchors.into_iter().peekable();
        let mut seen = 0;
        let last = self.items.len().saturating_sub(1);
        for n in start..self.items.len() {
            let letters: usize = self.items[n]
                .draws
                .iter()
                .filter_map(|d| match d {
                    Draw::Text { line, .. } => Some(line),
                    _ => None,
                })
                .flat_map(|l| l.runs.iter().filter(|r| r.style.from_text))
                .flat_map(|r| r.glyphs.iter())
                .map(|g| {
                    g.text
                        .to_text()
                        .chars()
                        .filter(|c| c.is_alphanumeric())
                        .count()
                })
                .sum();
            seen += letters;
            while let Some((id, _)) = anchors.next_if(|(_, before)| *before < seen || n == last) {
                self.placed.insert(id.clone());
                self.items[n].anchors.push(id);
            }
        }
    }

    /// Reports the first thing wrong with the lines of one block, saying
    /// exactly what it is.
    fn report_lines(&mut self, lines: &[SetLine]) {
        let issues: Vec<&LineIssue> = lines.iter().filter_map(|l| l.issue.as_ref()).collect();
        let Some(first) = issues.first() else {
            return;
        };
        let more = match issues.len() {
            1 => String::new(),
            n => format!(" ({} lines of this block)", n),
        };
        let (message, help) = match first {
            LineIssue::Loose { em } => (
                format!(
                    "a justified line is set with word spaces of {em:.2} em, wider than 0.65 em: no way of breaking this paragraph, hyphenated or with TeX's emergency stretch, sets it tighter{more}"
                ),
                "a long word or URL nearby leaves few places to break: a soft hyphen (U+00AD) in it, shorter link text or rewording tightens the line",
            ),
            LineIssue::Unjustifiable { word } => (
                format!(
                    "a line holds only `{word}`, which has no space to stretch: it is set flush left{more}"
                ),
                "a long URL or word can take a break point; or put it in code (`…`)",
            ),
            LineIssue::BrokenWord { word } => (
                format!("`{word}` is longer than a line: it is broken between two letters{more}"),
                "put a break point in it (a soft hyphen, or a space)",
            ),
            LineIssue::Overfull { word } => (
                format!(
                    "`{word}` has a character wider than the line; the line runs past the margin{more}"
                ),
                "use a wider page or a smaller element",
            ),
            LineIssue::WideFormula { formula, over } => (
                format!(
                    "the formula `{formula}` is {over:.0} pt wider than the line, with no relation or operator to break at; it runs past the margin{more}"
                ),
                "break it into rows (`\\begin{aligned} … \\\\ … \\end{aligned}`), or shorten it",
            ),
        };
        let d =
            Diagnostic::warning(Code::LineUnjustified, self.at(self.line, 0), message).help(help);
        self.diags.push(d);
    }

    /// The indent one more level of nesting adds, or nothing once the page
    /// has no more room to give (reported once a chapter).
    fn indent_step(&mut self, step: f32) -> f32 {
        if self.nesting < INDENT_LEVELS {
            return step;
        }
        if !self.capped {
            self.capped = true;
            self.diags.push(
                Diagnostic::warning(
                    Code::IndentCapped,
                    self.at(self.line, 0),
                    format!(
                        "block quotes and lists nested more than {INDENT_LEVELS} deep: the PDF indents {INDENT_LEVELS} levels and sets deeper ones at that indent"
                    ),
                )
                .help("the EPUB keeps every level; flatten the structure to have the PDF show it"),
            );
        }
        0.0
    }

    /// A list item's marker, set in a face that has it.
    fn marker(&mut self, marker: &str, style: TextStyle) -> SetLine {
        let first = marker.chars().next().unwrap_or('•');
        let font = if self.setter.shaper.covers(style.font, first) {
            style.font
        } else {
            FontId::Mono
        };
        let mstyle = TextStyle {
            font,
            ..style.generated()
        };
        self.setter
            .set(&[plain(marker, mstyle)], 1.0e6, 0.0, Align::Left)
            .pop()
            .unwrap_or_default()
    }

    /// One line of text in a body-line slot, on the baseline grid, with
    /// the footnotes it references (whose numbers link back to it).
    fn line_item(&self, dx: f32, line: SetLine, keep_with_next: bool) -> VItem {
        VItem {
            place: self.top_block.map(|b| (b, 0)),
            height: self.geometry.leading,
            anchors: line.notes.iter().map(|k| format!("{k}-ref")).collect(),
            notes: line.notes.clone(),
            draws: vec![Draw::Text {
                dx,
                baseline: baseline_offset(self.geometry),
                line,
            }],
            keep_with_next,
            line: self.line,
            ..VItem::default()
        }
    }

    fn space(&mut self, lines: f32) {
        self.items.push(VItem {
            height: lines * self.geometry.leading,
            discardable: true,
            ..VItem::default()
        });
    }

    /// Appends the lines of a set paragraph as items, with widow and orphan
    /// control: a page may not end after the first line or before the last.
    fn lines(&mut self, lines: Vec<SetLine>, dx: f32) {
        self.report_lines(&lines);
        let n = lines.len();
        let base = baseline_offset(self.geometry);
        let mut words = 0u32;
        let mut in_word = false;
        for (i, line) in lines.into_iter().enumerate() {
            // Words count within a paragraph of the chapter's own; a
            // paragraph in a list or a quote is found by its block.
            let place = self
                .top_block
                .map(|b| (b, if self.nesting == 0 { words } else { 0 }));
            // Words that begin on this line (a word carried over from the
            // line before does not begin here).
            for r in line.runs.iter().filter(|r| r.style.from_text) {
                for g in r.glyphs.iter() {
                    let space = g.text.to_text().chars().all(char::is_whitespace);
                    if !space && !in_word {
                        words += 1;
                    }
                    in_word = !space;
                }
            }
            in_word = line.ends_in_word;
            let orphan = i == 0 && n > 1;
            let widow = n > 1 && i == n - 2;
            let (above, below) = math_room(&line, self.geometry);
            self.items.push(VItem {
                height: self.geometry.leading + above + below,
                // A note's number links back here.
                anchors: line.notes.iter().map(|k| format!("{k}-ref")).collect(),
                notes: line.notes.clone(),
                draws: vec![Draw::Text {
                    dx,
                    baseline: base + above,
                    line,
                }],
                keep_with_next: orphan || widow,
                line: self.line,
                place,
                ..VItem::default()
            });
        }
    }

    /// The chapter's own blocks, each known by its index for the page
    /// markers of the EPUB; `dx` indents them all.
    fn top_blocks(&mut self, blocks: &[Block], dx: f32) {
        let mut flush = true;
        let g = self.geometry;
        for (i, block) in blocks.iter().enumerate() {
            self.top_block = Some(i);
            let start = self.items.len();
            self.line = block.line;
            // A block quote marked as the chapter's epigraph, at its head.
            if i == 0
                && matches!(block.kind, BlockKind::BlockQuote { .. })
                && block.kind.asks(Treatment::Epigraph)
            {
                self.epigraph(std::slice::from_ref(block), false);
                for item in &mut self.items[start..] {
                    item.place.get_or_insert((i, 0));
                }
                continue;
            }
            if std::mem::take(&mut self.opening)
                && let BlockKind::Paragraph { content } = &block.kind
                && self.book.options.style.first_paragraph != FirstParagraph::Plain
            {
                self.opening_paragraph(content, dx);
                flush = false;
            } else {
                self.block(block, dx, g.measure() - dx, &mut flush);
            }
            self.anchor_block(start, block);
            self.tag_block(start, block);
            // Every item of the block starts in it, at its start unless
            // it says where.
            for item in &mut self.items[start..] {
                item.place.get_or_insert((i, 0));
            }
        }
        self.top_block = None;
    }

    /// `dx`: left indent (block quotes, lists); `flush`: the first
    /// paragraph is not indented (after a heading, a break, a chapter title).
    fn blocks(&mut self, blocks: &[Block], dx: f32, mut flush: bool) {
        let g = self.geometry;
        let measure = g.measure() - dx;
        for block in blocks {
            let start = self.items.len();
            self.line = block.line;
            self.block(block, dx, measure, &mut flush);
            self.anchor_block(start, block);
            self.tag_block(start, block);
        }
    }

    /// A heading of `level` set at `dx` in `measure`, its first line
    /// carrying `anchors` and an entry in the outline.
    pub(super) fn heading(
        &mut self,
        level: u8,
        anchors: Vec<String>,
        content: &[Inline],
        dx: f32,
        measure: f32,
        outline: Option<(String, u8)>,
    ) {
        let g = self.geometry;
        let size = match level {
            1 | 2 => g.size * 1.15,
            3 => g.size * 1.05,
            _ => g.size,
        };
        let style = match (self.book.options.style.headings, level) {
            (HeadingFace::Standard, 3) => TextStyle::new(FontId::Italic, size),
            (HeadingFace::Standard | HeadingFace::Bold, _) => TextStyle::new(FontId::Bold, size),
            (HeadingFace::Italic, _) => TextStyle::new(FontId::Italic, size),
            (HeadingFace::SmallCaps, _) => TextStyle {
                small_caps: true,
                ..TextStyle::new(FontId::Regular, size)
            },
        };
        self.space(if level <= 2 { 1.5 } else { 1.0 });
        let pieces = self.pieces(content, style);
        let lines = self.setter.set(&pieces, measure, 0.0, Align::Start);
        self.report_lines(&lines);
        let mut first = Some((anchors, outline));
        for line in lines {
            let mut item = self.line_item(dx, line, true);
            if let Some((mut anchors, outline)) = first.take() {
                anchors.append(&mut item.anchors);
                item.anchors = anchors;
                item.outline = outline;
            }
            self.items.push(item);
        }
        if level <= 2 {
            self.items.push(VItem {
                height: g.leading * 0.5,
                keep_with_next: true,
                ..VItem::default()
            });
        }
    }

    /// Names the `<a id>` targets in `block`'s own text at its first line.
    fn anchor_block(&mut self, start: usize, block: &Block) {
        let collect = collect_anchors;
        let mut ids = Vec::new();
        match &block.kind {
            BlockKind::Paragraph { content } | BlockKind::Heading { content, .. } => {
                collect(content, &mut ids)
            }
            BlockKind::Table { head, rows, .. } => {
                for cell in head.iter().chain(rows.iter().flatten()) {
                    collect(cell, &mut ids);
                }
            }
            BlockKind::Figure { caption, .. } => collect(caption, &mut ids),
            _ => {}
        }
        let placed = std::mem::take(&mut self.placed);
        self.pending_anchors
            .extend(ids.into_iter().filter(|id| !placed.contains(id)));
        if self.pending_anchors.is_empty() {
            return;
        }
        // A block with nothing drawn (an anchor alone) hands its names on
        // to the next block that draws.
        if let Some(item) = self.items[start..].iter_mut().find(|i| !i.draws.is_empty()) {
            item.anchors.append(&mut self.pending_anchors);
        }
    }

    /// Gives the items from `start` the structure element of `block`.
    fn tag_block(&mut self, start: usize, block: &Block) {
        let role = match &block.kind {
            BlockKind::Heading { level, .. } => {
                ["H1", "H2", "H3", "H4", "H5", "H6"][(*level as usize).clamp(1, 6) - 1]
            }
            BlockKind::CodeBlock { .. } => "Code",
            BlockKind::Figure { .. } => "Figure",
            BlockKind::SceneBreak => return,
            _ => "P",
        };
        self.tag_from(start, role);
    }

    /// Gives the untagged items from `start` on a new structure element.
    fn tag_from(&mut self, start: usize, role: &'static str) {
        let book_base = (self.chapter as u32 + 1) * 1_000_000;
        if self.items[start..]
            .iter()
            .any(|i| i.tag.is_none() && !i.draws.is_empty())
        {
            self.elem += 1;
            let chapter = &self.book.chapters[self.chapter];
            let lang = chapter
                .lang
                .as_deref()
                .filter(|l| *l != self.book.meta.language.as_str())
                .and_then(crate::render::pdf::inline::LangTag::new);
            let tag = super::page::Tag {
                role,
                elem: book_base + self.elem,
                lang,
            };
            for item in &mut self.items[start..] {
                if item.tag.is_none() && !item.draws.is_empty() {
                    item.tag = Some(tag);
                }
            }
        }
    }

    fn block(&mut self, block: &Block, dx: f32, measure: f32, flush: &mut bool) {
        let g = self.geometry;
        match &block.kind {
            // Only link targets: nothing to set, and the next paragraph is
            // still the first.
            BlockKind::Paragraph { content }
                if content.iter().all(|i| matches!(i, Inline::Anchor { .. })) => {}
            BlockKind::Paragraph { content } => {
                let (pieces, notes, anchors) = self.flatten_anchored(content, self.body());
                for (key, number, blocks) in notes {
                    self.set_note(key, number, &blocks);
                }
                // Paragraphs part by an indent, or (a book's choice) by
                // half a line of space.
                let spaced =
                    self.book.options.style.paragraph == crate::model::ParagraphStyle::Space;
                if spaced && !*flush {
                    self.space(0.5);
                }
                // A displayed formula alone is centred, not indented.
                let display = content
                    .iter()
                    .any(|i| matches!(i, Inline::Math { display: true, .. }))
                    && content.iter().all(|i| {
                        matches!(i, Inline::Math { display: true, .. } | Inline::LineBreak)
                            || matches!(i, Inline::Text { text } if text.trim().is_empty())
                    });
                let align = if display {
                    Align::Center
                } else {
                    self.align.unwrap_or(Align::Justify)
                };
                let indent = if *flush || spaced || self.align.is_some() || display {
                    0.0
                } else {
                    g.size * 1.5
                };
                // A list of works hangs each entry's lines after its first.
                let hang = if self.book.chapters[self.chapter].role
                    == crate::model::ChapterRole::Bibliography
                    && content
                        .first()
                        .is_some_and(|i| matches!(i, Inline::Anchor { .. }))
                {
                    g.size * 1.5
                } else {
                    0.0
                };
                // (A negative indent: the first line starts at the margin.)
                let (indent, align) = if hang > 0.0 {
                    (-hang, Align::Left)
                } else {
                    (indent, align)
                };
                let lines = self.setter.set(&pieces, measure - hang, indent, align);
                let first = self.items.len();
                self.lines(lines, dx + hang);
                self.anchor_lines(first, anchors);
                *flush = false;
            }
            BlockKind::Heading {
                level, id, content, ..
            } => {
                let outline = (*level <= 3).then(|| {
                    let title = crate::model::plain_text(content);
                    (title, (*level).saturating_sub(1).max(1) + self.outline_base)
                });
                self.heading(*level, vec![id.clone()], content, dx, measure, outline);
                *flush = true;
            }
            BlockKind::BlockQuote { blocks, .. } => {
                let add = self.indent_step(g.size * 2.0);
                self.nesting += 1;
                self.space(0.5);
                self.blocks(blocks, dx + add, true);
                self.space(0.5);
                self.nesting -= 1;
                *flush = true;
            }
            BlockKind::List { start, items } => {
                // Space around a list, not around a list in a list.
                let outer = self.list_depth == 0;
                if outer {
                    self.space(0.5);
                }
                let indent = self.indent_step(g.size * 1.6);
                self.list_depth += 1;
                self.nesting += 1;
                let style = TextStyle::new(FontId::Regular, g.size);
                for (n, item) in items.iter().enumerate() {
                    let marker = list_marker(*start, n, item.task);
                    let before = self.items.len();
                    self.blocks(&item.blocks, dx + indent, true);
                    // Hang the marker to the left of the item's first line.
                    let m = self.marker(&marker, style);
                    if let Some(first) = self.items[before..]
                        .iter_mut()
                        .find(|i| !i.draws.is_empty())
                    {
                        let mx = dx + indent.max(g.size * 1.6) - m.width - g.size * 0.5;
                        let first_dx = first
                            .draws
                            .iter()
                            .find_map(|d| match d {
                                Draw::Text { dx, .. } => Some(*dx),
                                _ => None,
                            })
                            .unwrap_or(dx + indent);
                        // Beyond the indented levels, the marker sits just
                        // before the text, wherever that is.
                        let mx = if indent == 0.0 {
                            first_dx - m.width - g.size * 0.5
                        } else {
                            mx
                        };
                        first.draws.push(Draw::Text {
                            dx: mx,
                            baseline: baseline_offset(g),
                            line: m,
                        });
                    }
                }
                self.nesting -= 1;
                self.list_depth -= 1;
                if outer {
                    self.space(0.5);
                }
                *flush = true;
            }
            BlockKind::CodeBlock {
                first_line,
                caption,
                label,
                ..
            } => {
                self.space(0.5);
                let start = self.items.len();
                // A listing's caption goes above it, kept with it.
                if caption.is_some() || label.is_some() {
                    let inlines: Vec<Inline> = caption.iter().map(Inline::text).collect();
                    for line in self.caption_lines(&inlines, label.as_ref(), measure) {
                        let item = self.line_item(dx, line, true);
                        self.items.push(item);
                    }
                }
                let style = TextStyle::new(FontId::Mono, g.size * 0.82);
                // Numbered lines keep their numbers in the indent.
                let gutter = if first_line.is_some() { 0.0 } else { g.size };
                let lines = self.code(&block.kind, style, measure - gutter);
                self.lines(lines, dx + gutter);
                self.label_anchor(start, label.as_ref());
                self.space(0.5);
                *flush = true;
            }
            BlockKind::Index { index } => self.index(index, dx, measure),
            BlockKind::SceneBreak => {
                let style = TextStyle::new(FontId::Regular, g.size).generated();
                let mark = self.book.options.style.scene_break.clone();
                let font = if mark
                    .mark()
                    .chars()
                    .all(|c| self.setter.shaper.covers(style.font, c))
                {
                    style.font
                } else {
                    FontId::Mono
                };
                // A single ornament (a fleuron, an asterism) is set a size
                // larger, as a typographer would.
                let size = if mark.mark().chars().count() == 1 {
                    g.size * 1.4
                } else {
                    g.size
                };
                let style = TextStyle {
                    font,
                    size,
                    ..style
                };
                let pieces = vec![plain(mark.mark(), style)];
                let lines = self.setter.set(&pieces, measure, 0.0, Align::Center);
                match mark {
                    crate::model::SceneBreak::Ornament(_) => {
                        self.space(1.0);
                        for line in lines {
                            let item = self.line_item(dx, line, true);
                            self.items.push(item);
                        }
                        self.space(1.0);
                    }
                    // A blank line; where it falls at the top or foot of a
                    // page, the reader would never see it, so it shows the
                    // mark there.
                    crate::model::SceneBreak::Space => {
                        for line in lines.into_iter().take(1) {
                            let mut item = self.line_item(dx, line, false);
                            item.edge_only = true;
                            self.items.push(item);
                        }
                    }
                }
                *flush = true;
            }
            BlockKind::Figure {
                image,
                caption,
                label,
                ..
            } => {
                if block.kind.asks(Treatment::Bleed) {
                    self.bleed_figure(image);
                }
                let start = self.items.len();
                self.figure(image, caption, label.as_ref(), dx, measure);
                self.label_anchor(start, label.as_ref());
                *flush = true;
            }
            BlockKind::Table {
                align,
                head,
                rows,
                caption,
                label,
                ..
            } => {
                let landscape = block.kind.asks(Treatment::Landscape);
                let start = self.items.len();
                // A table's caption goes above it.
                if !caption.is_empty() || label.is_some() {
                    self.space(0.5);
                    let lines = self.caption_lines(caption, label.as_ref(), measure);
                    for line in lines {
                        let item = self.line_item(dx, line, true);
                        self.items.push(item);
                    }
                }
                self.table(align, head, rows, dx, measure, landscape);
                self.label_anchor(start, label.as_ref());
                *flush = true;
            }
            BlockKind::Definitions { items } => {
                self.space(0.5);
                let indent = self.indent_step(g.size * 1.5);
                self.nesting += 1;
                for item in items {
                    self.line = block.line;
                    let bold = TextStyle::new(FontId::Bold, g.size);
                    let pieces = self.pieces(&item.term, bold);
                    let lines = self.setter.set(&pieces, measure, 0.0, Align::Start);
                    self.report_lines(&lines);
                    // A term's link targets are at its first line.
                    let mut targets = Vec::new();
                    collect_anchors(&item.term, &mut targets);
                    for line in lines {
                        let mut line = self.line_item(dx, line, true);
                        line.anchors.append(&mut targets);
                        self.items.push(line);
                    }
                    for d in &item.definitions {
                        self.blocks(d, dx + indent, true);
                    }
                }
                self.nesting -= 1;
                self.space(0.5);
                *flush = true;
            }
        }
    }
}

/// The link targets in some text: its anchors and numbered formulas.
fn collect_anchors(inlines: &[Inline], out: &mut Vec<String>) {
    for i in inlines {
        match i {
            Inline::Anchor { id } => out.push(id.clone()),
            Inline::Math { label: Some(l), .. } => out.push(l.id.clone()),
            other => collect_anchors(other.content().unwrap_or_default(), out),
        }
    }
}

fn list_marker(start: Option<u64>, n: usize, task: Option<bool>) -> String {
    match (start, task) {
        (_, Some(true)) => "☒".to_string(),
        (_, Some(false)) => "☐".to_string(),
        (Some(s), None) => format!("{}.", s.saturating_add(n as u64)),
        (None, None) => "•".to_string(),
    }
}

/// Puts a marker's runs to the left of a line's start, `gap` before it.
fn hang(line: &mut SetLine, marker: SetLine, gap: f32) {
    let runs: Vec<LineRun> = marker
        .runs
        .into_iter()
        .map(|mut r| {
            r.x -= marker.width + gap;
            r
        })
        .collect();
    line.runs.splice(0..0, runs);
}

/// The room a line's formulas need beyond the line's own, above and
/// below, in whole half-lines (so that the text after keeps to the
/// page's grid).
fn math_room(line: &SetLine, g: &Geometry) -> (f32, f32) {
    if line.maths.is_empty() {
        return (0.0, 0.0);
    }
    let base = baseline_offset(g);
    // Formulas may reach as high as capitals with their accents and as
    // low as descenders without touching the lines around.
    let (height, depth) = line.maths.iter().fold((0.0f32, 0.0f32), |(h, d), (_, m)| {
        (h.max(m.height), d.max(m.depth))
    });
    let display = line.maths.iter().any(|(_, m)| m.display);
    let pad = if display { g.size * 0.5 } else { g.size * 0.1 };
    let half = g.leading / 2.0;
    let round = |x: f32| {
        if x <= 0.01 {
            0.0
        } else {
            (x / half).ceil() * half
        }
    };
    let above = round(height + pad - base);
    let below = round(depth + pad - (g.leading - base));
    (above, below)
}

fn shift_line(l: &mut SetLine, shift: f32) {
    for r in &mut l.runs {
        r.x += shift;
    }
    for link in &mut l.links {
        link.0 += shift;
        link.1 += shift;
    }
    for s in &mut l.strikes {
        s.0 += shift;
        s.1 += shift;
    }
    for i in &mut l.images {
        i.0 += shift;
    }
    for m in &mut l.maths {
        m.0 += shift;
    }
}

/// How many words start on a set line.
fn line_words(line: &SetLine) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for r in &line.runs {
        for g in r.glyphs.iter() {
            let space = g.text.to_text().chars().all(char::is_whitespace);
            if !space && !in_word {
                words += 1;
            }
            in_word = !space;
        }
    }
    words
}
