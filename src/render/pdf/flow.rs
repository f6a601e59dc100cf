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

use super::inline::{Align, Flattener, LineIssue, LineRun, Piece, SetLine, Setter, TextStyle};
use super::page::LinkDest;
use super::shape::FontId;
use super::style::Geometry;
use super::toc::piece as plain;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::limits::INDENT_LEVELS;
use crate::model::{Block, BlockKind, Book, FirstParagraph, HeadingFace, Inline};

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
        let chapter_id = self.book.chapters[self.chapter].id.clone();
        let key = move |n: u32| format!("{chapter_id}-note-{n}");
        let mut f = Flattener {
            book: self.book,
            note_key: &key,
            notes: Vec::new(),
        };
        let mut out = Vec::new();
        f.flatten(inlines, style, None, &mut out);
        (out, f.notes)
    }

    fn pieces(&mut self, inlines: &[Inline], style: TextStyle) -> Vec<Piece> {
        let (out, notes) = self.flatten(inlines, style);
        for (key, number, blocks) in notes {
            self.set_note(key, number, &blocks);
        }
        out
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
            LineIssue::Loose { spaces } => (
                format!(
                    "a justified line is set with spaces {spaces:.1} times their natural width{more}"
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

    fn set_note(&mut self, key: String, number: u32, blocks: &[Block]) {
        let g = self.geometry;
        let size = g.size * 0.82;
        let style = TextStyle::new(FontId::Regular, size);
        let indent = size * 1.6;
        let measure = g.measure() - indent;
        let mut lines = Vec::new();
        let saved = (self.nesting, self.list_depth);
        self.note_blocks(blocks, style, 0.0, measure, &mut lines);
        (self.nesting, self.list_depth) = saved;
        let mut lines: Vec<(f32, SetLine)> =
            lines.into_iter().map(|(dx, l)| (dx + indent, l)).collect();
        if lines.is_empty() {
            lines.push((indent, SetLine::default()));
        }
        // The note's number hangs in the indent, linking back.
        let mut num = self.setter.set(
            &[Piece {
                link: Some(LinkDest::Anchor(format!("{key}-ref"))),
                ..plain(&format!("{number}."), style.generated())
            }],
            indent,
            0.0,
            Align::Left,
        );
        if let Some(n) = num.pop() {
            let (dx, first) = &mut lines[0];
            for mut r in n.runs {
                r.x -= *dx;
                first.runs.insert(0, r);
            }
            for (x0, x1, dest) in n.links {
                first.links.push((x0 - *dx, x1 - *dx, dest));
            }
        }
        self.notes.push(Note {
            key,
            lines,
            line: self.line,
        });
    }

    /// A footnote's blocks, as lines at note size: anything a chapter may
    /// hold, so that no word of a note is lost.
    fn note_blocks(
        &mut self,
        blocks: &[Block],
        style: TextStyle,
        dx: f32,
        measure: f32,
        out: &mut Vec<(f32, SetLine)>,
    ) {
        let step = style.size * 1.5;
        for block in blocks {
            match &block.kind {
                BlockKind::Paragraph { content } => {
                    // Notes inside notes were turned to text when the model
                    // was resolved; nothing is collected here.
                    let (pieces, _) = self.flatten(content, style);
                    let set = self.setter.set(&pieces, measure, 0.0, Align::Justify);
                    self.report_lines(&set);
                    out.extend(set.into_iter().map(|l| (dx, l)));
                }
                BlockKind::Heading { content, .. } => {
                    let bold = TextStyle {
                        font: FontId::Bold,
                        ..style
                    };
                    let (pieces, _) = self.flatten(content, bold);
                    let set = self.setter.set(&pieces, measure, 0.0, Align::Left);
                    out.extend(set.into_iter().map(|l| (dx, l)));
                }
                BlockKind::CodeBlock { .. } => {
                    let mono = TextStyle::new(FontId::Mono, style.size * 0.9);
                    for line in self.code(&block.kind, mono, measure) {
                        out.push((dx, line));
                    }
                }
                BlockKind::BlockQuote { blocks, .. } => {
                    let add = self.indent_step(step);
                    self.nesting += 1;
                    self.note_blocks(blocks, style, dx + add, measure - add, out);
                    self.nesting -= 1;
                }
                BlockKind::Definitions { items } => {
                    let add = self.indent_step(step);
                    let bold = TextStyle {
                        font: FontId::Bold,
                        ..style
                    };
                    self.nesting += 1;
                    for item in items {
                        let (pieces, _) = self.flatten(&item.term, bold);
                        let set = self.setter.set(&pieces, measure, 0.0, Align::Left);
                        out.extend(set.into_iter().map(|l| (dx, l)));
                        for d in &item.definitions {
                            self.note_blocks(d, style, dx + add, measure - add, out);
                        }
                    }
                    self.nesting -= 1;
                }
                BlockKind::List { start, items } => {
                    let add = self.indent_step(step);
                    self.nesting += 1;
                    for (n, item) in items.iter().enumerate() {
                        let before = out.len();
                        self.note_blocks(&item.blocks, style, dx + add, measure - add, out);
                        let marker = list_marker(*start, n, item.task);
                        if let Some((_, first)) = out.get_mut(before) {
                            let m = self.marker(&marker, style);
                            hang(first, m, style.size * 0.4);
                        }
                    }
                    self.nesting -= 1;
                }
                BlockKind::Table { head, rows, .. } => {
                    // A table in a note: a line for each row, its cells
                    // apart by rules, the header in bold.
                    let bold = TextStyle {
                        font: FontId::Bold,
                        ..style
                    };
                    let all = std::iter::once((head.as_slice(), bold))
                        .filter(|(h, _)| !h.is_empty())
                        .chain(rows.iter().map(|r| (r.as_slice(), style)));
                    for (row, st) in all {
                        let mut pieces = Vec::new();
                        for (c, cell) in row.iter().enumerate() {
                            if c > 0 {
                                pieces.push(plain(" \u{2502} ", style.generated()));
                            }
                            let (p, _) = self.flatten(cell, st);
                            pieces.extend(p);
                        }
                        let set = self.setter.set(&pieces, measure, 0.0, Align::Left);
                        out.extend(set.into_iter().map(|l| (dx, l)));
                    }
                }
                BlockKind::Figure { image, caption, .. } => {
                    self.diags.push(
                        Diagnostic::warning(
                            Code::ImageUnsupported,
                            self.at(block.line, image.pos.column),
                            format!(
                                "image `{}` is in a footnote, where the PDF sets its description, not the picture",
                                image.dest
                            ),
                        )
                        .help("move the image into the text"),
                    );
                    let italic = TextStyle {
                        font: FontId::Italic,
                        ..style
                    };
                    let mut pieces = vec![plain(&format!("[{}]", image.alt), italic.generated())];
                    if !caption.is_empty() {
                        pieces.push(plain(" ", style));
                        pieces.extend(self.flatten(caption, style).0);
                    }
                    let set = self.setter.set(&pieces, measure, 0.0, Align::Left);
                    out.extend(set.into_iter().map(|l| (dx, l)));
                }
                BlockKind::SceneBreak => {
                    let mark = self.book.options.style.scene_break.mark().to_string();
                    let set = self.setter.set(
                        &[plain(&mark, style.generated())],
                        measure,
                        0.0,
                        Align::Center,
                    );
                    out.extend(set.into_iter().map(|l| (dx, l)));
                }
            }
        }
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

    /// The lines of a code block at `style`, each no wider than `measure`:
    /// a line too long wraps, and each continuation starts with a mark in
    /// the gutter (reported once a block, with the length that fits).
    fn code(
        &mut self,
        block: &crate::model::BlockKind,
        style: TextStyle,
        measure: f32,
    ) -> Vec<SetLine> {
        let BlockKind::CodeBlock {
            language,
            text,
            first_line,
            ..
        } = block
        else {
            return Vec::new();
        };
        // Tabs to the next multiple of four, before the tokens are found,
        // so that their places hold.
        let text = &expand_tabs(text);
        let spans = match language {
            Some(l) if !self.book.options.style.plain_code => crate::highlight::highlight(l, text),
            _ => Vec::new(),
        };
        // Line numbers in a gutter of their own, in grey.
        let number_style = TextStyle {
            grey: 0.45,
            ..style.generated()
        };
        let (gutter, mut number) = match first_line {
            Some(n) => {
                let last = n + text.lines().count() as u32;
                let digits = last.to_string().len() as f32;
                let w = self.setter.shaper.width(style.font, style.size, "0");
                (w * (digits + 1.5), Some(*n))
            }
            None => (0.0, None),
        };
        let measure = measure - gutter;
        // A block whose longest line is a little too long is set a little
        // smaller instead of wrapping.
        let shrink = self.book.options.style.code_shrink.unwrap_or(0.15);
        let longest = text
            .lines()
            .map(|l| {
                let (glyphs, _) = self.setter.code_glyphs(l, &[(0, style)]);
                glyphs.iter().map(|g| g.advance).sum::<f32>()
            })
            .fold(0.0f32, f32::max);
        let style = if longest > measure && longest * (1.0 - shrink) <= measure {
            TextStyle {
                size: style.size * (measure / longest) * 0.999,
                ..style
            }
        } else {
            style
        };
        let hang = style.size * 1.2;
        let mark_style = TextStyle {
            font: if self.setter.shaper.covers(FontId::Mono, '\u{21AA}') {
                FontId::Mono
            } else {
                FontId::Regular
            },
            grey: 0.45,
            ..style.generated()
        };
        let mark = self
            .setter
            .set(&[plain(CONTINUATION, mark_style)], 1.0e6, 0.0, Align::Left)
            .pop()
            .unwrap_or_default();
        let mut out = Vec::new();
        let mut wrapped = 0usize;
        let mut offset = 0usize;
        let mut spans = spans.iter().peekable();
        for l in text.split('\n') {
            let line_start = offset;
            offset += l.len() + 1;
            let l = l.strip_suffix('\r').unwrap_or(l);
            let numbered = number.map(|n| {
                number = Some(n + 1);
                let set = self
                    .setter
                    .set(
                        &[plain(&n.to_string(), number_style)],
                        1.0e6,
                        0.0,
                        Align::Left,
                    )
                    .pop()
                    .unwrap_or_default();
                let mut set = set;
                let dx = gutter - set.width - style.size * 0.9;
                for r in &mut set.runs {
                    r.x += dx;
                }
                set
            });
            if l.trim().is_empty() {
                let mut blank = SetLine::default();
                if let Some(n) = numbered {
                    blank.runs = n.runs;
                }
                out.push(blank);
                continue;
            }
            // The styles of this line's stretches, by where they start.
            let mut styles: Vec<(usize, TextStyle)> = vec![(0, style)];
            let end = line_start + l.len();
            while spans.peek().is_some_and(|(r, _)| r.end <= line_start) {
                spans.next();
            }
            for (r, tok) in spans.clone() {
                if r.start >= end {
                    break;
                }
                let s = r.start.max(line_start) - line_start;
                let e = r.end.min(end) - line_start;
                styles.push((s, token_style(*tok, style)));
                styles.push((e, style));
            }
            styles.dedup_by(|b, a| {
                a.0 == b.0 && {
                    a.1 = b.1;
                    true
                }
            });
            // Continuations line up with the line's own indent, and a
            // little further, unless that leaves too little room.
            let lead = l.len() - l.trim_start_matches([' ', '\t']).len();
            let lead_w = self.setter.shaper.width(style.font, style.size, &l[..lead]);
            let cont = if lead_w + hang < measure / 2.0 {
                lead_w + hang
            } else {
                hang
            };
            let set = self.setter.code_lines_styled(l, &styles, measure, cont);
            if set.len() > 1 {
                wrapped += 1;
            }
            for (i, mut line) in set.into_iter().enumerate() {
                for r in &mut line.runs {
                    r.x += gutter;
                }
                line.width += gutter;
                if i > 0 {
                    for r in &mut line.runs {
                        r.x += cont;
                    }
                    line.width += cont;
                    let mut m = mark.clone();
                    for r in &mut m.runs {
                        r.x += gutter + cont - m.width - style.size * 0.25;
                    }
                    line.runs.splice(0..0, m.runs);
                } else if let Some(n) = &numbered {
                    line.runs.splice(0..0, n.runs.iter().cloned());
                }
                out.push(line);
            }
        }
        if wrapped > 0 {
            let per_line = (measure / self.setter.shaper.width(style.font, style.size, "0"))
                .floor()
                .max(1.0);
            self.diags.push(
                Diagnostic::warning(
                    Code::CodeWrapped,
                    self.at(self.line, 0),
                    format!(
                        "{wrapped} code line(s) longer than the page's {per_line:.0} characters: wrapped, each continuation marked {CONTINUATION}"
                    ),
                )
                .help(format!("keep code lines to {per_line:.0} characters to print them whole")),
            );
        }
        out
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

    /// A chapter: a new page, its title (and byline for an article), its
    /// blocks. A part, a dedication and an epigraph have pages of their own
    /// kind; the text before a file's first heading has no title.
    pub fn chapter(&mut self, index: usize, new_page: Option<bool>) {
        use crate::model::ChapterRole;
        self.chapter = index;
        self.line = 0;
        let book = self.book;
        let ch = &book.chapters[index];
        let g = self.geometry;
        self.outline_base = ch.contents_level() - 1;
        let outline = ch
            .role
            .in_contents()
            .then(|| (ch.contents_title(), self.outline_base));
        // Chapter openings sink a few lines down the page; a part's title,
        // a dedication and an epigraph sit a third of the way down.
        let sink = match ch.role {
            ChapterRole::Part | ChapterRole::Dedication | ChapterRole::Epigraph => {
                (g.lines as f32 / 4.0).floor().max(4.0)
            }
            ChapterRole::Opening => 0.0,
            _ => self.book.options.style.chapter_sink.map_or(4.0, f32::from),
        };
        self.items.push(VItem {
            height: g.leading * sink,
            new_page,
            opens_chapter: Some(index),
            anchors: vec![ch.title_id.clone(), ch.id.clone()],
            outline,
            keep_with_next: true,
            ..VItem::default()
        });
        match ch.role {
            ChapterRole::Dedication => {
                self.body_font = FontId::Italic;
                self.align = Some(Align::Center);
                self.top_blocks(&ch.blocks, 0.0);
                self.align = None;
                self.body_font = FontId::Regular;
                return;
            }
            ChapterRole::Epigraph => {
                self.epigraph(&ch.blocks, true);
                return;
            }
            ChapterRole::Opening => {
                self.top_blocks(&ch.blocks, 0.0);
                return;
            }
            _ => {}
        }
        let part = ch.role == ChapterRole::Part;
        let title_align = if part { Align::Center } else { Align::Start };
        let house = &book.options.style;
        let inline_label = house.chapter_number == crate::model::NumberPlace::Inline && !part;
        if let Some(label) = ch.label.as_ref().filter(|_| !inline_label) {
            let style = TextStyle::new(FontId::Regular, g.size * 0.9).generated();
            let pieces = vec![plain(&label.to_uppercase(), style)];
            let label_start = self.items.len();
            for line in self.setter.set(&pieces, g.measure(), 0.0, title_align) {
                let item = self.line_item(0.0, line, true);
                self.items.push(item);
            }
            self.space_kept(1.0);
            self.tag_from(label_start, "P");
        }
        let (font, small_caps) = match house.headings {
            HeadingFace::Standard => (FontId::Regular, false),
            HeadingFace::Bold => (FontId::Bold, false),
            HeadingFace::Italic => (FontId::Italic, false),
            HeadingFace::SmallCaps => (FontId::Regular, true),
        };
        let title_style = TextStyle {
            small_caps,
            ..TextStyle::new(font, g.size * if part { 2.2 } else { 1.9 })
        };
        let mut pieces = self.pieces(&ch.title, title_style);
        if let Some(label) = ch.label.as_ref().filter(|_| inline_label) {
            let sep = crate::typography::label_separator(&book.meta.language);
            pieces.insert(0, plain(&format!("{label}{sep}"), title_style.generated()));
        }
        let lines = self.setter.set(&pieces, g.measure(), 0.0, title_align);
        let big = (title_style.size * 1.2 / g.leading).ceil() * g.leading;
        let title_start = self.items.len();
        for line in lines {
            self.items.push(VItem {
                height: big,
                anchors: line.notes.iter().map(|k| format!("{k}-ref")).collect(),
                notes: line.notes.clone(),
                draws: vec![Draw::Text {
                    dx: 0.0,
                    baseline: big * 0.78,
                    line,
                }],
                keep_with_next: true,
                ..VItem::default()
            });
        }
        self.tag_from(title_start, "H1");
        let byline_start = self.items.len();
        if let Some(a) = &ch.article {
            let lang = &book.meta.language;
            if let Some(sub) = &a.subtitle {
                self.inline_line(
                    sub,
                    TextStyle::new(FontId::Italic, g.size * 1.2).generated(),
                );
            }
            if !a.authors.is_empty() {
                let by = crate::typography::byline(&a.authors, lang);
                self.plain_line(
                    &by.to_uppercase(),
                    TextStyle::new(FontId::Regular, g.size * 0.9).generated(),
                    true,
                );
            }
            let date = a
                .date
                .as_deref()
                .map(|d| crate::typography::human_date(d, lang));
            for credit in crate::typography::contributor_credits(&a.contributors, lang) {
                self.plain_line(
                    &credit,
                    TextStyle::new(FontId::Italic, g.size * 0.9).generated(),
                    true,
                );
            }
            if let Some(p) =
                crate::typography::provenance(a.source.as_deref(), date.as_deref(), lang)
            {
                self.inline_line(&p, TextStyle::new(FontId::Italic, g.size * 0.9).generated());
            }
        }
        self.tag_from(byline_start, "P");
        self.items.push(VItem {
            height: g.leading * 2.0,
            keep_with_next: true,
            ..VItem::default()
        });
        self.opening = true;
        self.top_blocks(&ch.blocks, 0.0);
        self.opening = false;
        if let Some(a) = &ch.article
            && !a.author_note.is_empty()
        {
            self.space(1.0);
            self.items.push(VItem {
                height: g.leading,
                draws: vec![Draw::Rule {
                    dx: 0.0,
                    dy: g.leading * 0.5,
                    width: g.measure() * 0.3,
                    thickness: 0.4,
                }],
                keep_with_next: true,
                ..VItem::default()
            });
            // The author note is set apart, in italic.
            self.body_font = FontId::Italic;
            self.blocks(&a.author_note, 0.0, true);
            self.body_font = FontId::Regular;
        }
    }

    /// Lines of inline markup set flush left, kept with what follows.
    fn inline_line(&mut self, inlines: &[Inline], style: TextStyle) {
        let g = self.geometry;
        let pieces = self.pieces(inlines, style);
        for line in self.setter.set(&pieces, g.measure(), 0.0, Align::Start) {
            let item = self.line_item(0.0, line, true);
            self.items.push(item);
        }
    }

    fn plain_line(&mut self, text: &str, style: TextStyle, keep: bool) {
        let g = self.geometry;
        let pieces = vec![plain(text, style)];
        for line in self.setter.set(&pieces, g.measure(), 0.0, Align::Left) {
            let item = self.line_item(0.0, line, keep);
            self.items.push(item);
        }
    }

    /// Space that stays with what follows (inside a chapter's opening).
    fn space_kept(&mut self, lines: f32) {
        self.items.push(VItem {
            height: lines * self.geometry.leading,
            keep_with_next: true,
            ..VItem::default()
        });
    }

    /// An epigraph: set narrow towards the right, in italic, its source (a
    /// last paragraph that opens with a dash) set flush right. `page`: the
    /// epigraph is a page of its own, not the head of a chapter.
    fn epigraph(&mut self, blocks: &[Block], page: bool) {
        let g = self.geometry;
        let dx = (g.measure() * if page { 0.2 } else { 0.3 }).round();
        let quote: Vec<Block> = blocks
            .iter()
            .flat_map(|b| match &b.kind {
                BlockKind::BlockQuote { blocks, .. } => blocks.clone(),
                _ => vec![b.clone()],
            })
            .collect();
        let source = quote.last().filter(|b| crate::model::is_attribution(b));
        let body_len = quote.len() - usize::from(source.is_some());
        self.body_font = FontId::Italic;
        self.align = Some(Align::Start);
        if page {
            self.top_blocks(&quote[..body_len], dx);
        } else {
            self.nesting += 1;
            self.blocks(&quote[..body_len], dx, true);
            self.nesting -= 1;
        }
        self.body_font = FontId::Regular;
        self.align = None;
        if let Some(b) = source {
            let start = self.items.len();
            self.line = b.line;
            if let BlockKind::Paragraph { content } = &b.kind {
                let pieces = self.pieces(content, self.body());
                let measure = g.measure() - dx;
                let mut lines = self.setter.set(&pieces, measure, 0.0, Align::Left);
                for l in &mut lines {
                    let shift = (measure - l.width).max(0.0);
                    shift_line(l, shift);
                }
                self.space_kept(0.3);
                self.lines(lines, dx);
            }
            self.tag_from(start, "P");
            if page {
                for item in &mut self.items[start..] {
                    item.place.get_or_insert((body_len, 0));
                }
            }
        }
        if !page {
            self.space(1.0);
        }
    }

    /// A chapter's first paragraph in the house style: its first line in
    /// small capitals, or a drop cap two lines deep. Flush left either way.
    fn opening_paragraph(&mut self, content: &[Inline], dx: f32) {
        let g = self.geometry;
        let measure = g.measure() - dx;
        let pieces = self.pieces(content, self.body());
        match self.book.options.style.first_paragraph {
            FirstParagraph::SmallCaps => {
                // The words of the first line as first set, then set again
                // with those in small capitals (wider: the line may hold
                // fewer of them, which small capitals run past).
                let whole = |l: &SetLine| line_words(l) - usize::from(l.ends_in_word);
                let plain_lines = self.setter.set(&pieces, measure, 0.0, Align::Justify);
                let mut words = plain_lines.first().map_or(0, whole);
                let mut lines = plain_lines;
                for _ in 0..4 {
                    let caps = small_caps_words(&pieces, words);
                    lines = self.setter.set(&caps, measure, 0.0, Align::Justify);
                    let fit = lines.first().map_or(0, whole);
                    if fit >= words || lines.len() < 2 {
                        break;
                    }
                    words = fit;
                }
                self.lines(lines, dx);
            }
            _ => {
                let Some((cap, rest)) = drop_cap(&pieces) else {
                    let lines = self.setter.set(&pieces, measure, 0.0, Align::Justify);
                    self.lines(lines, dx);
                    return;
                };
                // Capitals as tall as two lines: from the first line's cap
                // height to the second line's baseline.
                let body = self.body();
                let ratio = self.setter.shaper.cap_height(body.font);
                let size = (g.leading + ratio * body.size) / ratio;
                let cap_style = TextStyle { size, ..cap.style };
                let cap_line = self
                    .setter
                    .set(&[plain(&cap.text, cap_style)], 1.0e6, 0.0, Align::Left)
                    .pop()
                    .unwrap_or_default();
                let hang = cap_line.width + body.size * 0.25;
                let lines = self
                    .setter
                    .set_hanging(&rest, measure, 0.0, Align::Justify, (2, hang));
                if lines.len() < 2 {
                    // One line can't hold a cap two lines deep.
                    let lines = self.setter.set(&pieces, measure, 0.0, Align::Justify);
                    self.lines(lines, dx);
                    return;
                }
                let start = self.items.len();
                self.lines(lines, dx);
                let base = baseline_offset(g);
                self.items[start].keep_with_next = true;
                self.items[start].draws.push(Draw::Text {
                    dx,
                    baseline: base + g.leading,
                    line: cap_line,
                });
            }
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
                && let BlockKind::BlockQuote { classes, .. } = &block.kind
                && classes.iter().any(|c| c == "epigraph")
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

    /// Names the `<a id>` targets in `block`'s own text at its first line.
    fn anchor_block(&mut self, start: usize, block: &Block) {
        fn collect(inlines: &[Inline], out: &mut Vec<String>) {
            for i in inlines {
                match i {
                    Inline::Anchor { id } => out.push(id.clone()),
                    Inline::Math { label: Some(l), .. } => out.push(l.id.clone()),
                    other => collect(other.content().unwrap_or_default(), out),
                }
            }
        }
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
        self.pending_anchors.extend(ids);
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
            let tag = super::page::Tag {
                role,
                elem: book_base + self.elem,
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
                let pieces = self.pieces(content, self.body());
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
                let lines = self.setter.set(&pieces, measure, indent, align);
                self.lines(lines, dx);
                *flush = false;
            }
            BlockKind::Heading {
                level, id, content, ..
            } => {
                let size = match level {
                    1 | 2 => g.size * 1.15,
                    3 => g.size * 1.05,
                    _ => g.size,
                };
                let style = match (self.book.options.style.headings, level) {
                    (HeadingFace::Standard, 3) => TextStyle::new(FontId::Italic, size),
                    (HeadingFace::Standard | HeadingFace::Bold, _) => {
                        TextStyle::new(FontId::Bold, size)
                    }
                    (HeadingFace::Italic, _) => TextStyle::new(FontId::Italic, size),
                    (HeadingFace::SmallCaps, _) => TextStyle {
                        small_caps: true,
                        ..TextStyle::new(FontId::Regular, size)
                    },
                };
                self.space(if *level <= 2 { 1.5 } else { 1.0 });
                let pieces = self.pieces(content, style);
                let lines = self.setter.set(&pieces, measure, 0.0, Align::Start);
                self.report_lines(&lines);
                for (i, line) in lines.into_iter().enumerate() {
                    let mut item = self.line_item(dx, line, true);
                    if i == 0 {
                        item.anchors.insert(0, id.clone());
                        if *level <= 3 {
                            let title = crate::model::plain_text(content);
                            let level = (*level).saturating_sub(1).max(1) + self.outline_base;
                            item.outline = Some((title, level));
                        }
                    }
                    self.items.push(item);
                }
                if *level <= 2 {
                    self.items.push(VItem {
                        height: g.leading * 0.5,
                        keep_with_next: true,
                        ..VItem::default()
                    });
                }
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
                classes,
                label,
            } => {
                if classes.iter().any(|c| c == "bleed") {
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
                classes,
                caption,
                label,
            } => {
                let landscape = classes.iter().any(|c| c == "landscape");
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
                    for line in lines {
                        let item = self.line_item(dx, line, true);
                        self.items.push(item);
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

    /// A figure marked `{.bleed}`: its picture on a page of its own, to the
    /// edges of the paper; the caption follows on the next page.
    fn bleed_figure(&mut self, image: &crate::model::Image) {
        let g = self.geometry;
        let Some(asset) = self.book.images.get(&image.path) else {
            return;
        };
        let (w, h) = (
            asset.info.width.max(1) as f32,
            asset.info.height.max(1) as f32,
        );
        let scale = (g.page.width / w).max(g.page.height / h);
        let dpi = 72.0 / scale;
        if dpi < 299.5 {
            self.diags.push(
                Diagnostic::warning(
                    Code::ImageResolution,
                    self.at(image.pos.line, image.pos.column),
                    format!(
                        "image `{}` fills a page at {dpi:.0} dpi; printers want 300",
                        image.dest
                    ),
                )
                .help(format!(
                    "give it at least {:.0} × {:.0} pixels",
                    (g.page.width / 72.0 * 300.0).ceil(),
                    (g.page.height / 72.0 * 300.0).ceil()
                )),
            );
        }
        self.items.push(VItem {
            height: g.text_height(),
            draws: vec![Draw::PageImage {
                aspect: w / h,
                key: image.path.clone(),
                alt: image.alt.clone(),
            }],
            new_page: Some(false),
            line: self.line,
            ..VItem::default()
        });
    }

    /// A caption's lines: its number ("Figure 3.2: ") in roman, the rest
    /// in italic, centred.
    fn caption_lines(
        &mut self,
        caption: &[Inline],
        label: Option<&crate::model::Label>,
        measure: f32,
    ) -> Vec<SetLine> {
        let g = self.geometry;
        let style = TextStyle::new(FontId::Italic, g.size * 0.9);
        let mut pieces = Vec::new();
        if let Some(l) = label {
            let sep = if caption.is_empty() {
                ""
            } else {
                crate::typography::label_separator(&self.book.meta.language)
            };
            pieces.push(plain(
                &format!("{}{sep}", l.number),
                TextStyle::new(FontId::Regular, g.size * 0.9).generated(),
            ));
        }
        pieces.extend(self.pieces(caption, style));
        self.setter.set(&pieces, measure, 0.0, Align::Center)
    }

    /// Names a numbered figure's or table's id at its first drawn item.
    fn label_anchor(&mut self, start: usize, label: Option<&crate::model::Label>) {
        if let Some(l) = label
            && let Some(item) = self.items[start..].iter_mut().find(|i| !i.draws.is_empty())
        {
            item.anchors.push(l.id.clone());
        }
    }

    fn figure(
        &mut self,
        image: &crate::model::Image,
        caption: &[Inline],
        label: Option<&crate::model::Label>,
        dx: f32,
        measure: f32,
    ) {
        // A picture set to fill its page has been placed already.
        let bleeds = matches!(self.items.last(), Some(VItem { draws, .. }) if matches!(draws.first(), Some(Draw::PageImage { .. })));
        self.space(1.0);
        // The picture; an image that could not be read was reported when
        // the book was, and its caption is still set.
        if !bleeds && let Some((slot, draw)) = self.picture(image, dx, measure) {
            self.items.push(VItem {
                height: slot,
                draws: vec![draw],
                keep_with_next: !caption.is_empty() || label.is_some(),
                line: self.line,
                ..VItem::default()
            });
        }
        if !caption.is_empty() || label.is_some() {
            let lines = self.caption_lines(caption, label, measure);
            let n = lines.len();
            for (i, line) in lines.into_iter().enumerate() {
                let item = self.line_item(dx, line, i + 1 < n);
                self.items.push(item);
            }
        }
        self.space(1.0);
    }

    /// A figure's image, sized for the page: its slot's height and how to
    /// draw it.
    fn picture(
        &mut self,
        image: &crate::model::Image,
        dx: f32,
        measure: f32,
    ) -> Option<(f32, Draw)> {
        let g = self.geometry;
        let asset = self.book.images.get(&image.path)?;
        let at = self.at(image.pos.line, image.pos.column);
        let svg = asset.info.media_type == "image/svg+xml";
        let (w, h) = if svg && (asset.info.width == 0 || asset.info.height == 0) {
            // A drawing with no size of its own fills the measure.
            (measure, measure * 0.6)
        } else {
            (
                asset.info.width.max(1) as f32,
                asset.info.height.max(1) as f32,
            )
        };
        // Scale to the measure, but never past 150 dpi (a small picture
        // stays small rather than turning to mush), nor taller than two
        // thirds of the text block. A drawing is as big as it says (CSS
        // pixels, 96 to the inch), and may grow to half as big again.
        let natural = if svg {
            w * 72.0 / 96.0 * 1.5
        } else {
            w * 72.0 / 150.0
        };
        let mut width = measure.min(natural);
        let mut height = width * h / w;
        let max_h = g.text_height() * 0.66;
        if height > max_h {
            height = max_h;
            width = height * w / h;
        }
        // Printers want 300 pixels to the inch at the printed size; under
        // 150 a print build refuses the image.
        let dpi = if svg {
            f32::INFINITY
        } else {
            w / (width / 72.0)
        };
        if dpi < 149.5 && self.book.options.print.is_some() {
            self.diags.push(
                Diagnostic::error(
                    Code::Preflight,
                    at.clone(),
                    format!(
                        "image `{}` prints at {dpi:.0} dpi; a printer takes no image under 150",
                        image.dest
                    ),
                )
                .help(format!(
                    "give it at least {:.0} pixels across (300 dpi)",
                    (width / 72.0 * 300.0).ceil()
                )),
            );
        } else if dpi < 299.5 {
            self.diags.push(
                Diagnostic::warning(
                    Code::ImageResolution,
                    at,
                    format!(
                        "image `{}` prints at {dpi:.0} dpi ({:.0} × {:.0} pixels over {:.1} × {:.1} cm); printers want 300",
                        image.dest,
                        w,
                        h,
                        width / 72.0 * 2.54,
                        height / 72.0 * 2.54,
                    ),
                )
                .help(format!(
                    "give it at least {:.0} pixels across",
                    (width / 72.0 * 300.0).ceil()
                )),
            );
        }
        let slot = (height / g.leading).ceil() * g.leading;
        Some((
            slot,
            Draw::Image {
                dx: dx + (measure - width) / 2.0,
                dy: slot - height,
                width,
                height,
                key: image.path.clone(),
                alt: image.alt.clone(),
            },
        ))
    }

    fn table(
        &mut self,
        align: &[crate::model::Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        dx: f32,
        measure: f32,
        landscape: bool,
    ) {
        let g = self.geometry;
        let cols = head
            .len()
            .max(rows.iter().map(|r| r.len()).max().unwrap_or(0));
        if cols == 0 {
            return;
        }
        // Natural (one-line) and minimum (longest word) width of each
        // column, at a size of 1pt: widths scale with the size.
        let mut natural = vec![0.0f32; cols];
        let mut minimum = vec![0.0f32; cols];
        let mut has_notes = false;
        {
            let key = |n: u32| format!("table-note-{n}");
            let book = self.book;
            let all = std::iter::once((head, FontId::Bold))
                .chain(rows.iter().map(|r| (r.as_slice(), FontId::Regular)));
            for (row, font) in all {
                for (c, cell) in row.iter().enumerate().take(cols) {
                    let mut pieces = Vec::new();
                    let mut f = Flattener {
                        book,
                        note_key: &key,
                        notes: Vec::new(),
                    };
                    f.flatten(cell, TextStyle::new(font, 1.0), None, &mut pieces);
                    has_notes |= !f.notes.is_empty();
                    let one = self.setter.set(&pieces, 1.0e9, 0.0, Align::Left);
                    let w = one.iter().map(|l| l.width).fold(0.0, f32::max);
                    natural[c] = natural[c].max(w);
                    for p in &pieces {
                        for word in p.text.split_whitespace() {
                            let ww = self.setter.shaper.width(p.style.font, 1.0, word);
                            minimum[c] = minimum[c].max(ww * p.style.size);
                        }
                    }
                }
            }
        }
        // A column of numbers (and nothing else but its heading) is set
        // flush right, so that its digits line up.
        let align: Vec<crate::model::Align> = (0..cols)
            .map(
                |c| match align.get(c).copied().unwrap_or(crate::model::Align::None) {
                    crate::model::Align::None if numeric_column(rows, c) => {
                        crate::model::Align::Right
                    }
                    a => a,
                },
            )
            .collect();
        // Padding is half the type size on each side of a cell: neighbours
        // are a full size apart.
        let fits =
            |size: f32, room: f32| minimum.iter().sum::<f32>() * size + size * cols as f32 <= room;
        let normal = g.size * 0.9;
        let smallest = normal * 0.8;
        // A book turns a table too wide for its page even in smaller type
        // onto a landscape page of its own (or one marked `{.landscape}`),
        // a top-level table whose notes would not fit beside it aside.
        let can_turn = self.book.layout == crate::model::Layout::Book
            && self.top_block.is_some()
            && self.nesting == 0
            && !has_notes;
        let turn = can_turn && (landscape || !fits(smallest, measure));
        let room = if turn { g.text_height() } else { measure };
        let mut size = normal;
        if !fits(size, room) {
            let fit = room / (minimum.iter().sum::<f32>() + cols as f32).max(1e-3);
            size = fit.clamp(smallest, normal);
        }
        let pad = size * 0.5;
        let gaps = pad * 2.0 * cols as f32;
        let avail = room - gaps;
        // A column narrower than two letters of the smallest size holds no
        // word: such a table is set row by row as text.
        if avail / (cols as f32) < smallest * 2.0 {
            self.table_as_text(head, rows, dx, measure, cols);
            return;
        }
        if !fits(size, room) || size < normal || (turn && !landscape) {
            let broken = !fits(size, room);
            let mut how = format!("set at {size:.1} pt");
            if turn {
                how.push_str(" on a landscape page");
            }
            if broken {
                how.push_str(", with long words broken inside their cells");
            }
            self.diags.push(
                Diagnostic::warning(
                    Code::TableTooWide,
                    self.at(self.line, 0),
                    format!("a table of {cols} columns is wider than the page: {how}"),
                )
                .help("fewer or narrower columns print it upright at the text size"),
            );
        }
        let natural: Vec<f32> = natural.iter().map(|n| n * size).collect();
        let minimum: Vec<f32> = minimum.iter().map(|m| m * size).collect();
        let total_nat: f32 = natural.iter().sum();
        let widths: Vec<f32> = if total_nat <= avail {
            natural.clone()
        } else {
            let total_min: f32 = minimum.iter().sum();
            if total_min >= avail {
                // Every column gets a share of the room by its longest
                // word; words longer than their share break in the cell.
                minimum
                    .iter()
                    .map(|m| (m * avail / total_min).max(1.0))
                    .collect()
            } else {
                // Give each column its minimum, share the rest by need.
                let extra = avail - total_min;
                let need: f32 = natural
                    .iter()
                    .zip(&minimum)
                    .map(|(n, m)| n - m)
                    .sum::<f32>()
                    .max(1e-3);
                natural
                    .iter()
                    .zip(&minimum)
                    .map(|(n, m)| m + extra * (n - m) / need)
                    .collect()
            }
        };
        let table_w: f32 = widths.iter().sum::<f32>() + gaps;
        let left = if turn {
            ((room - table_w) / 2.0).max(0.0)
        } else {
            dx + ((measure - table_w) / 2.0).max(0.0)
        };
        let table_id = self.chapter * 100_000 + self.tables;
        self.tables += 1;
        let layout = TableLayout {
            widths,
            left,
            pad,
            table_w,
            table_id,
        };
        let start = self.items.len();
        if !turn {
            self.space(0.5);
        }
        let body = TextStyle::new(FontId::Regular, size);
        let bold = TextStyle::new(FontId::Bold, size);
        if !head.is_empty() {
            self.table_row(&layout, &align, head, bold, true);
        }
        for row in rows {
            self.table_row(&layout, &align, row, body, false);
        }
        if turn {
            self.turn_pages(start, !head.is_empty());
        } else {
            self.space(0.5);
        }
    }

    /// Turns the table rows set from `start` (at the text block's height
    /// as their width) onto landscape pages of their own: as many rows as
    /// the text block's width holds to a page, the header row repeated.
    fn turn_pages(&mut self, start: usize, has_head: bool) {
        let g = self.geometry;
        let rows: Vec<VItem> = self.items.drain(start..).collect();
        let (head, body) = if has_head {
            (rows.first().cloned(), &rows[1..])
        } else {
            (None, &rows[..])
        };
        let depth = g.measure();
        let mut pages: Vec<Vec<VItem>> = Vec::new();
        let mut used = f32::INFINITY;
        for row in body {
            if used + row.height > depth + 0.01 {
                pages.push(head.iter().cloned().collect());
                used = head.as_ref().map_or(0.0, |h| h.height);
            }
            used += row.height;
            if let Some(page) = pages.last_mut() {
                page.push(row.clone());
            }
        }
        if pages.is_empty() {
            pages.push(head.iter().cloned().collect());
        }
        for page in pages {
            let mut draws = Vec::new();
            let mut v = 0.0;
            let mut place = None;
            let mut tag = None;
            let mut line = self.line;
            for row in page {
                place = place.or(row.place);
                tag = tag.or(row.tag);
                line = row.line;
                for d in row.draws {
                    draws.push(match d {
                        Draw::Text { dx, baseline, line } => Draw::Text {
                            dx,
                            baseline: baseline + v,
                            line,
                        },
                        Draw::Rule {
                            dx,
                            dy,
                            width,
                            thickness,
                        } => Draw::Rule {
                            dx,
                            dy: dy + v,
                            width,
                            thickness,
                        },
                        other => other,
                    });
                }
                v += row.height;
            }
            self.items.push(VItem {
                height: g.text_height(),
                draws: vec![Draw::Turned {
                    length: g.text_height(),
                    draws,
                }],
                new_page: Some(false),
                place,
                tag,
                line,
                ..VItem::default()
            });
        }
        // The text goes on after the table on a page of its own.
        self.items.push(VItem {
            new_page: Some(false),
            discardable: true,
            ..VItem::default()
        });
    }

    /// One table row: a line of items per line of its tallest cell, so a
    /// row taller than a page splits between its lines. A short row stays
    /// together; a header row is one item, repeated on each page the table
    /// runs onto, unless it is taller than a third of the page.
    fn table_row(
        &mut self,
        t: &TableLayout,
        align: &[crate::model::Align],
        cells: &[Vec<Inline>],
        style: TextStyle,
        header: bool,
    ) {
        let g = self.geometry;
        let mut cell_lines: Vec<Vec<SetLine>> = Vec::new();
        for (c, &width) in t.widths.iter().enumerate() {
            let cell = cells.get(c).map(Vec::as_slice).unwrap_or(&[]);
            let pieces = self.pieces(cell, style);
            let a = match align.get(c) {
                Some(crate::model::Align::Center) => Align::Center,
                _ => Align::Start,
            };
            let mut lines = self.setter.set(&pieces, width, 0.0, a);
            if let Some(crate::model::Align::Right) = align.get(c) {
                for l in &mut lines {
                    let shift = (width - l.width).max(0.0);
                    shift_line(l, shift);
                }
            }
            cell_lines.push(lines);
        }
        let n = cell_lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let whole = header && (n as f32) * g.leading <= g.text_height() / 3.0;
        let parts: Vec<std::ops::Range<usize>> = if whole {
            std::iter::once(0..n).collect()
        } else {
            (0..n).map(|i| i..i + 1).collect()
        };
        let count = parts.len();
        for (p, range) in parts.into_iter().enumerate() {
            let height = range.len() as f32 * g.leading;
            let mut draws = Vec::new();
            let mut notes = Vec::new();
            let mut x = t.left;
            for (c, lines) in cell_lines.iter().enumerate() {
                for (i, line) in lines.iter().enumerate() {
                    if !range.contains(&i) {
                        continue;
                    }
                    notes.extend(line.notes.clone());
                    draws.push(Draw::Text {
                        dx: x + t.pad,
                        baseline: baseline_offset(g) + (i - range.start) as f32 * g.leading,
                        line: line.clone(),
                    });
                }
                x += t.widths[c] + t.pad * 2.0;
            }
            if p == 0 && header {
                draws.push(Draw::Rule {
                    dx: t.left,
                    dy: 0.0,
                    width: t.table_w,
                    thickness: 0.8,
                });
            }
            if p + 1 == count {
                draws.push(Draw::Rule {
                    dx: t.left,
                    dy: height,
                    width: t.table_w,
                    thickness: if header { 0.8 } else { 0.3 },
                });
            }
            // Rows of up to four lines stay whole; longer ones keep their
            // first two and last two lines together.
            let keep = if header {
                true
            } else if count <= 4 {
                p + 1 < count
            } else {
                p == 0 || p + 2 == count
            };
            self.items.push(VItem {
                height,
                draws,
                anchors: notes.iter().map(|k| format!("{k}-ref")).collect(),
                notes,
                keep_with_next: keep,
                table_row: Some((t.table_id, whole)),
                line: self.line,
                ..VItem::default()
            });
        }
    }

    /// A table too wide for any column layout: the header, then each row,
    /// as lines of text with the cells apart by rules.
    fn table_as_text(
        &mut self,
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        dx: f32,
        measure: f32,
        cols: usize,
    ) {
        let g = self.geometry;
        self.diags.push(
            Diagnostic::warning(
                Code::TableTooWide,
                self.at(self.line, 0),
                format!(
                    "a table of {cols} columns cannot fit the page even in small type: each row is set as a line of text"
                ),
            )
            .help("split the table, or turn it into a list"),
        );
        let body = TextStyle::new(FontId::Regular, g.size * 0.9);
        let bold = TextStyle::new(FontId::Bold, g.size * 0.9);
        self.space(0.5);
        let all = std::iter::once((head, bold))
            .filter(|(h, _)| !h.is_empty())
            .chain(rows.iter().map(|r| (r.as_slice(), body)));
        for (row, style) in all {
            let mut pieces = Vec::new();
            for (c, cell) in row.iter().enumerate() {
                if c > 0 {
                    pieces.push(plain(" \u{2502} ", body.generated()));
                }
                pieces.extend(self.pieces(cell, style));
            }
            let lines = self.setter.set(&pieces, measure, 0.0, Align::Left);
            self.report_lines(&lines);
            let n = lines.len();
            for (i, line) in lines.into_iter().enumerate() {
                let item = self.line_item(dx, line, i + 1 < n);
                self.items.push(item);
            }
        }
        self.space(0.5);
    }
}

/// Where a table's columns go.
struct TableLayout {
    widths: Vec<f32>,
    left: f32,
    pad: f32,
    table_w: f32,
    table_id: usize,
}

/// Whether every body cell of column `c` is a number (or empty): "12",
/// "3.5", "−4", "1,234", "45%", "$9.99".
fn numeric_column(rows: &[Vec<Vec<Inline>>], c: usize) -> bool {
    let mut any = false;
    for row in rows {
        let text = row
            .get(c)
            .map(|cell| crate::model::plain_text(cell))
            .unwrap_or_default();
        let t = text.trim();
        if t.is_empty() || t == "—" || t == "–" || t == "-" {
            continue;
        }
        let core = t
            .trim_start_matches(['$', '€', '£', '¥', '+', '-', '−', '±'])
            .trim_end_matches(['%', '‰']);
        let numeric = !core.is_empty()
            && core.chars().next().is_some_and(|ch| ch.is_ascii_digit())
            && core
                .chars()
                .all(|ch| ch.is_ascii_digit() || matches!(ch, '.' | ',' | '\u{202f}' | '\u{a0}'));
        if !numeric {
            return false;
        }
        any = true;
    }
    any
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

/// `pieces` with their first `words` words in small capitals.
fn small_caps_words(pieces: &[Piece], words: usize) -> Vec<Piece> {
    let mut out = Vec::with_capacity(pieces.len() + 1);
    let mut seen = 0;
    let mut in_word = false;
    for p in pieces {
        if seen > words || p.text.is_empty() {
            out.push(p.clone());
            continue;
        }
        // Where in this piece the word after the last one begins.
        let mut cut = None;
        for (i, c) in p.text.char_indices() {
            let space = c.is_whitespace();
            if !space && !in_word {
                seen += 1;
                if seen > words {
                    cut = Some(i);
                    break;
                }
            }
            in_word = !space;
        }
        let (head, tail) = p.text.split_at(cut.unwrap_or(p.text.len()));
        if !head.is_empty() {
            let mut h = p.clone();
            h.text = head.to_string();
            h.style.small_caps = true;
            out.push(h);
        }
        if !tail.is_empty() {
            let mut t = p.clone();
            t.text = tail.to_string();
            out.push(t);
        }
    }
    out
}

/// A drop cap: the paragraph's first letter (with any opening quotation
/// mark before it) as a piece of its own, and the rest.
fn drop_cap(pieces: &[Piece]) -> Option<(Piece, Vec<Piece>)> {
    let first = pieces.iter().position(|p| !p.text.is_empty())?;
    let p = &pieces[first];
    if first > 0 || p.link.is_some() || p.note.is_some() || !p.style.from_text {
        return None;
    }
    let mut end = 0;
    for (i, c) in p.text.char_indices() {
        if c.is_alphanumeric() {
            end = i + c.len_utf8();
            break;
        }
        if !matches!(
            c,
            '"' | '\'' | '\u{201C}' | '\u{2018}' | '\u{00AB}' | '\u{201E}'
        ) {
            return None;
        }
    }
    if end == 0 {
        return None;
    }
    // Combining marks stay with their letter.
    let tail = &p.text[end..];
    let marks: usize = tail
        .chars()
        .take_while(|c| ('\u{300}'..='\u{36F}').contains(c))
        .map(char::len_utf8)
        .sum();
    end += marks;
    let mut cap = p.clone();
    cap.text = p.text[..end].to_string();
    let mut rest = pieces.to_vec();
    rest[0].text = p.text[end..].to_string();
    Some((cap, rest))
}

/// Tabs to the next multiple of four columns, line by line.
fn expand_tabs(text: &str) -> String {
    if !text.contains('\t') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut col = 0usize;
    for c in text.chars() {
        match c {
            '\t' => {
                let n = 4 - col % 4;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\n' => {
                out.push(c);
                col = 0;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    out
}

/// How a highlighted token is set: keywords and tags bold, every kind in
/// a dark colour of its own (CMYK, the press's own space) that stays
/// distinct from the others in grey, comments in grey.
fn token_style(tok: crate::highlight::Tok, base: TextStyle) -> TextStyle {
    use crate::highlight::Tok;
    let (bold, cmyk): (bool, [f32; 4]) = match tok {
        Tok::Keyword | Tok::Tag => (true, [0.85, 0.6, 0.0, 0.35]),
        Tok::Type | Tok::Attr => (false, [0.9, 0.2, 0.45, 0.45]),
        Tok::Literal | Tok::Variable => (false, [0.45, 0.85, 0.0, 0.35]),
        Tok::String | Tok::Inserted => (false, [0.75, 0.0, 0.85, 0.5]),
        Tok::Number => (false, [0.0, 0.65, 1.0, 0.4]),
        Tok::Function => (false, [0.0, 0.35, 0.9, 0.6]),
        Tok::Meta => (false, [0.2, 0.9, 0.3, 0.4]),
        Tok::Deleted => (false, [0.0, 0.85, 0.8, 0.35]),
        Tok::Comment => {
            return TextStyle { grey: 0.42, ..base };
        }
    };
    TextStyle {
        font: if bold { FontId::MonoBold } else { base.font },
        cmyk: Some(cmyk),
        ..base
    }
}
