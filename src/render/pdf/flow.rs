//! The vertical list: a chapter's blocks turned into a column of items
//! (lines, spaces, figures, table rows), each knowing its height, whether a
//! page may end after it, and which footnotes it carries. Pagination cuts
//! this list into pages; nothing here knows where pages fall.
//!
//! Body text sits on a baseline grid: every item's height is a whole number
//! of body lines, so facing pages line up and text returns to the grid
//! after a heading, a figure or a table.

use super::page::LinkDest;
use super::paragraph::{Align, Flattener, Piece, SetLine, Setter, TextStyle};
use super::shape::FontId;
use super::style::Geometry;
use super::toc::piece as plain;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::model::{Block, BlockKind, Book, Inline};

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
}

/// A footnote met while flattening: its key, number and blocks.
type FoundNote = (String, u32, Vec<Block>);

/// A footnote, set: its lines at footnote size.
#[derive(Debug, Clone)]
pub struct Note {
    pub key: String,
    pub lines: Vec<(f32, SetLine)>, // (dx, line)
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
    /// The block whose unjustified lines were last reported (one warning
    /// a paragraph).
    reported_line: Option<u32>,
    chapter: usize,
    body_font: FontId,
    /// How many lists the current block is inside.
    list_depth: usize,
    /// The last structure element number given out.
    elem: u32,
}

/// Where body text starts on a line: the first baseline sits this far below
/// the top of the line's slot (about the cap height plus a little).
pub fn baseline_offset(g: &Geometry) -> f32 {
    g.leading * 0.72
}

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
            reported_line: None,
            chapter: 0,
            body_font: FontId::Regular,
            list_depth: 0,
            elem: 0,
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

    fn set_note(&mut self, key: String, number: u32, blocks: &[Block]) {
        let g = self.geometry;
        let size = g.size * 0.82;
        let style = TextStyle::new(FontId::Regular, size);
        let indent = size * 1.6;
        let measure = g.measure() - indent;
        let mut lines = Vec::new();
        let mut first = true;
        for block in blocks {
            let inlines: Vec<Inline> = match &block.kind {
                BlockKind::Paragraph { content } | BlockKind::Heading { content, .. } => {
                    content.clone()
                }
                BlockKind::CodeBlock { text, .. } => vec![Inline::Code { text: text.clone() }],
                BlockKind::BlockQuote { blocks } => blocks
                    .iter()
                    .flat_map(|b| match &b.kind {
                        BlockKind::Paragraph { content } => content.clone(),
                        _ => vec![],
                    })
                    .collect(),
                BlockKind::List { items, .. } => items
                    .iter()
                    .flat_map(|i| i.blocks.iter())
                    .flat_map(|b| match &b.kind {
                        BlockKind::Paragraph { content } => {
                            let mut v = vec![Inline::text("• ")];
                            v.extend(content.clone());
                            v.push(Inline::LineBreak);
                            v
                        }
                        _ => vec![],
                    })
                    .collect(),
                _ => continue,
            };
            // Notes inside notes were turned to text when the model was
            // resolved; nothing is collected here.
            let (pieces, _) = self.flatten(&inlines, style);
            let set = self.setter.set(&pieces, measure, 0.0, Align::Justify);
            for (i, line) in set.into_iter().enumerate() {
                if first && i == 0 {
                    // The note's number hangs in the indent, linking back.
                    let mut num = self.setter.set(
                        &[Piece {
                            link: Some(LinkDest::Anchor(format!("{key}-ref"))),
                            ..plain(&format!("{number}."), style)
                        }],
                        indent,
                        0.0,
                        Align::Left,
                    );
                    if let Some(n) = num.pop() {
                        lines.push((0.0, n));
                    }
                }
                lines.push((indent, line));
            }
            first = false;
        }
        // Merge the number into the first line's slot.
        let mut merged: Vec<(f32, SetLine)> = Vec::new();
        for (i, (dx, line)) in lines.into_iter().enumerate() {
            if i == 1
                && let Some((_, num)) = merged.pop()
            {
                let mut l = line;
                for mut r in num.runs {
                    r.x -= dx;
                    l.runs.insert(0, r);
                }
                for (x0, x1, dest) in num.links {
                    l.links.push((x0 - dx, x1 - dx, dest));
                }
                merged.push((dx, l));
                continue;
            }
            merged.push((dx, line));
        }
        self.notes.push(Note { key, lines: merged });
    }

    /// One line of text in a body-line slot, on the baseline grid.
    fn line_item(&self, dx: f32, line: SetLine, keep_with_next: bool) -> VItem {
        VItem {
            height: self.geometry.leading,
            draws: vec![Draw::Text {
                dx,
                baseline: baseline_offset(self.geometry),
                line,
            }],
            keep_with_next,
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
    fn lines(&mut self, lines: Vec<SetLine>, dx: f32, block_line: u32) {
        let n = lines.len();
        let base = baseline_offset(self.geometry);
        for (i, line) in lines.into_iter().enumerate() {
            if line.emergency && self.reported_line != Some(block_line) {
                self.reported_line = Some(block_line);
                self.diags.push(
                    Diagnostic::warning(
                        Code::LineUnjustified,
                        self.at(block_line, 0),
                        "a line of this paragraph could not be justified (a long URL or word): it is set ragged or broken at a safe character",
                    ),
                );
            }
            let orphan = i == 0 && n > 1;
            let widow = n > 1 && i == n - 2;
            self.items.push(VItem {
                height: self.geometry.leading,
                // A note's number links back here.
                anchors: line.notes.iter().map(|k| format!("{k}-ref")).collect(),
                notes: line.notes.clone(),
                draws: vec![Draw::Text {
                    dx,
                    baseline: base,
                    line,
                }],
                keep_with_next: orphan || widow,
                ..VItem::default()
            });
        }
    }

    /// A chapter: a new page, its title (and byline for an article), its blocks.
    pub fn chapter(&mut self, index: usize, new_page: Option<bool>) {
        self.chapter = index;
        let book = self.book;
        let ch = &book.chapters[index];
        let g = self.geometry;
        let title_style = TextStyle::new(FontId::Regular, g.size * 1.9);
        // Chapter openings sink a few lines down the page.
        self.items.push(VItem {
            height: g.leading * 4.0,
            new_page,
            opens_chapter: Some(index),
            anchors: vec![ch.title_id.clone(), ch.id.clone()],
            outline: Some((crate::model::plain_text(&ch.title), 0)),
            keep_with_next: true,
            ..VItem::default()
        });
        let pieces = self.pieces(&ch.title, title_style);
        let lines = self.setter.set(&pieces, g.measure(), 0.0, Align::Left);
        let big = (title_style.size * 1.2 / g.leading).ceil() * g.leading;
        let title_start = self.items.len();
        for line in lines {
            self.items.push(VItem {
                height: big,
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
                self.plain_line(sub, TextStyle::new(FontId::Italic, g.size * 1.2), true);
            }
            if !a.authors.is_empty() {
                let by = crate::typography::byline(&a.authors, lang);
                self.plain_line(
                    &by.to_uppercase(),
                    TextStyle::new(FontId::Regular, g.size * 0.9),
                    true,
                );
            }
            let date = a
                .date
                .as_deref()
                .map(|d| crate::typography::human_date(d, lang));
            if let Some(p) =
                crate::typography::provenance(a.source.as_deref(), date.as_deref(), lang)
            {
                self.plain_line(&p, TextStyle::new(FontId::Italic, g.size * 0.9), true);
            }
        }
        self.tag_from(byline_start, "P");
        self.items.push(VItem {
            height: g.leading * 2.0,
            keep_with_next: true,
            ..VItem::default()
        });
        self.blocks(&ch.blocks, 0.0, true);
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

    fn plain_line(&mut self, text: &str, style: TextStyle, keep: bool) {
        let g = self.geometry;
        let pieces = vec![plain(text, style)];
        for line in self.setter.set(&pieces, g.measure(), 0.0, Align::Left) {
            let item = self.line_item(0.0, line, keep);
            self.items.push(item);
        }
    }

    /// `dx`: left indent (block quotes, lists); `flush`: the first
    /// paragraph is not indented (after a heading, a break, a chapter title).
    fn blocks(&mut self, blocks: &[Block], dx: f32, mut flush: bool) {
        let g = self.geometry;
        let measure = g.measure() - dx;
        for block in blocks {
            let start = self.items.len();
            let role = match &block.kind {
                BlockKind::Heading { level, .. } => {
                    ["H1", "H2", "H3", "H4", "H5", "H6"][(*level as usize).clamp(1, 6) - 1]
                }
                BlockKind::CodeBlock { .. } => "Code",
                BlockKind::Figure { .. } => "Figure",
                BlockKind::SceneBreak => "",
                _ => "P",
            };
            self.block(block, dx, measure, &mut flush);
            if !role.is_empty() {
                self.tag_from(start, role);
            }
        }
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
        {
            match &block.kind {
                BlockKind::Paragraph { content } => {
                    let pieces = self.pieces(content, self.body());
                    let indent = if *flush { 0.0 } else { g.size * 1.5 };
                    let lines = self.setter.set(&pieces, measure, indent, Align::Justify);
                    self.lines(lines, dx, block.line);
                    *flush = false;
                }
                BlockKind::Heading {
                    level, id, content, ..
                } => {
                    let style = match level {
                        1 | 2 => TextStyle::new(FontId::Bold, g.size * 1.15),
                        3 => TextStyle::new(FontId::Italic, g.size * 1.05),
                        _ => TextStyle::new(FontId::Bold, g.size),
                    };
                    self.space(if *level <= 2 { 1.5 } else { 1.0 });
                    let pieces = self.pieces(content, style);
                    let lines = self.setter.set(&pieces, measure, 0.0, Align::Left);
                    for (i, line) in lines.into_iter().enumerate() {
                        let mut item = self.line_item(dx, line, true);
                        if i == 0 {
                            item.anchors = vec![id.clone()];
                            if *level <= 3 {
                                let title = crate::model::plain_text(content);
                                item.outline = Some((title, (*level).saturating_sub(1).max(1)));
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
                BlockKind::BlockQuote { blocks } => {
                    self.space(0.5);
                    self.blocks(blocks, dx + g.size * 2.0, true);
                    self.space(0.5);
                    *flush = true;
                }
                BlockKind::List { start, items } => {
                    // Space around a list, not around a list in a list.
                    let outer = self.list_depth == 0;
                    if outer {
                        self.space(0.5);
                    }
                    self.list_depth += 1;
                    let indent = g.size * 1.6;
                    for (n, item) in items.iter().enumerate() {
                        let marker = match (start, item.task) {
                            (_, Some(true)) => "☒".to_string(),
                            (_, Some(false)) => "☐".to_string(),
                            (Some(s), None) => format!("{}.", s + n as u64),
                            (None, None) => "•".to_string(),
                        };
                        let before = self.items.len();
                        self.blocks(&item.blocks, dx + indent, true);
                        // Hang the marker to the left of the item's first line.
                        let font = if self
                            .setter
                            .shaper
                            .covers(FontId::Regular, marker.chars().next().unwrap_or('•'))
                        {
                            FontId::Regular
                        } else {
                            FontId::Mono
                        };
                        let mstyle = TextStyle::new(font, g.size);
                        let mut set =
                            self.setter
                                .set(&[plain(&marker, mstyle)], indent, 0.0, Align::Left);
                        if let (Some(m), Some(first)) = (
                            set.pop(),
                            self.items[before..]
                                .iter_mut()
                                .find(|i| !i.draws.is_empty()),
                        ) {
                            let mx = dx + indent - m.width - g.size * 0.5;
                            first.draws.push(Draw::Text {
                                dx: mx,
                                baseline: baseline_offset(g),
                                line: m,
                            });
                        }
                    }
                    self.list_depth -= 1;
                    if outer {
                        self.space(0.5);
                    }
                    *flush = true;
                }
                BlockKind::CodeBlock { text, .. } => {
                    self.space(0.5);
                    let style = TextStyle::new(FontId::Mono, g.size * 0.82);
                    let code_dx = dx + g.size;
                    let width = measure - g.size;
                    let lines: Vec<&str> = text.lines().collect();
                    let mut set_lines = Vec::new();
                    for l in &lines {
                        // Keep leading spaces as a measured indent.
                        let lead = l.len() - l.trim_start_matches(' ').len();
                        let indent =
                            self.setter.shaper.width(FontId::Mono, style.size, " ") * lead as f32;
                        let pieces = vec![plain(l.trim_start_matches(' '), style)];
                        let mut set = if l.trim().is_empty() {
                            vec![SetLine::default()]
                        } else {
                            self.setter.set(&pieces, width - indent, 0.0, Align::Left)
                        };
                        for (i, line) in set.iter_mut().enumerate() {
                            let extra = if i == 0 { indent } else { indent + g.size };
                            for r in &mut line.runs {
                                r.x += extra;
                            }
                        }
                        set_lines.extend(set);
                    }
                    self.lines(set_lines, code_dx, block.line);
                    self.space(0.5);
                    *flush = true;
                }
                BlockKind::SceneBreak => {
                    let style = TextStyle::new(FontId::Regular, g.size);
                    let pieces = vec![plain("*\u{2003}*\u{2003}*", style)];
                    let lines = self.setter.set(&pieces, measure, 0.0, Align::Center);
                    self.space(1.0);
                    for line in lines {
                        let item = self.line_item(dx, line, true);
                        self.items.push(item);
                    }
                    self.space(1.0);
                    *flush = true;
                }
                BlockKind::Figure { image, caption } => {
                    self.figure(image, caption, dx, measure);
                    *flush = true;
                }
                BlockKind::Table { align, head, rows } => {
                    self.table(align, head, rows, dx, measure);
                    *flush = true;
                }
            }
        }
    }

    fn figure(&mut self, image: &crate::model::Image, caption: &[Inline], dx: f32, measure: f32) {
        let g = self.geometry;
        let Some(asset) = self.book.images.get(&image.path) else {
            return;
        };
        let at = self.at(image.pos.line, image.pos.column);
        if asset.info.media_type == "image/svg+xml" {
            self.diags.push(
                Diagnostic::error(
                    Code::ImageUnsupported,
                    at,
                    format!(
                        "image `{}` is SVG, which cannot be placed in the PDF yet",
                        image.dest
                    ),
                )
                .help("convert it to PNG (the EPUB keeps the SVG), or build --to epub"),
            );
            return;
        }
        let (w, h) = (
            asset.info.width.max(1) as f32,
            asset.info.height.max(1) as f32,
        );
        // Scale to the measure, but never past 150 dpi (a small picture
        // stays small rather than turning to mush), nor taller than two
        // thirds of the text block.
        let natural = w * 72.0 / 150.0;
        let mut width = measure.min(natural);
        let mut height = width * h / w;
        let max_h = g.text_height() * 0.66;
        if height > max_h {
            height = max_h;
            width = height * w / h;
        }
        // Printers want 300 pixels to the inch at the printed size.
        let dpi = w / (width / 72.0);
        if dpi < 299.5 {
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
        self.space(1.0);
        self.items.push(VItem {
            height: slot,
            draws: vec![Draw::Image {
                dx: dx + (measure - width) / 2.0,
                dy: slot - height,
                width,
                height,
                key: image.path.clone(),
                alt: image.alt.clone(),
            }],
            keep_with_next: !caption.is_empty(),
            ..VItem::default()
        });
        if !caption.is_empty() {
            let style = TextStyle::new(FontId::Italic, g.size * 0.9);
            let pieces = self.pieces(caption, style);
            let lines = self.setter.set(&pieces, measure, 0.0, Align::Center);
            let n = lines.len();
            for (i, line) in lines.into_iter().enumerate() {
                let item = self.line_item(dx, line, i + 1 < n);
                self.items.push(item);
            }
        }
        self.space(1.0);
    }

    fn table(
        &mut self,
        align: &[crate::model::Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        dx: f32,
        measure: f32,
    ) {
        let g = self.geometry;
        let size = g.size * 0.9;
        let pad = size * 0.5;
        let cols = head
            .len()
            .max(rows.iter().map(|r| r.len()).max().unwrap_or(0));
        if cols == 0 {
            return;
        }
        let body = TextStyle::new(FontId::Regular, size);
        let bold = TextStyle::new(FontId::Bold, size);
        // Natural (one-line) and minimum (longest word) width of each column.
        let mut natural = vec![0.0f32; cols];
        let mut minimum = vec![0.0f32; cols];
        let mut measure_cell =
            |setter: &mut Setter, cell: &[Inline], style: TextStyle, c: usize, book: &Book| {
                let mut pieces = Vec::new();
                let key = |n: u32| format!("table-note-{n}");
                let mut f = Flattener {
                    book,
                    note_key: &key,
                    notes: Vec::new(),
                };
                f.flatten(cell, style, None, &mut pieces);
                let one = setter.set(&pieces, 1.0e6, 0.0, Align::Left);
                let w = one.iter().map(|l| l.width).fold(0.0, f32::max);
                natural[c] = natural[c].max(w);
                let text: String = pieces.iter().map(|p| p.text.as_str()).collect();
                for word in text.split_whitespace() {
                    let ww = setter.shaper.width(style.font, style.size, word);
                    minimum[c] = minimum[c].max(ww);
                }
            };
        for (c, cell) in head.iter().enumerate() {
            measure_cell(&mut self.setter, cell, bold, c, self.book);
        }
        for row in rows {
            for (c, cell) in row.iter().enumerate().take(cols) {
                measure_cell(&mut self.setter, cell, body, c, self.book);
            }
        }
        let gaps = pad * 2.0 * cols as f32;
        let avail = measure - gaps;
        let total_nat: f32 = natural.iter().sum();
        let widths: Vec<f32> = if total_nat <= avail {
            natural.clone()
        } else {
            let total_min: f32 = minimum.iter().sum();
            if total_min >= avail {
                minimum.iter().map(|m| m * avail / total_min).collect()
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
        let left = dx + ((measure - table_w) / 2.0).max(0.0);
        let table_id = self.chapter * 100_000 + self.tables;
        self.tables += 1;
        self.space(0.5);
        let emit_row = |flow: &mut Self, cells: &[Vec<Inline>], style: TextStyle, header: bool| {
            let mut cell_lines: Vec<Vec<SetLine>> = Vec::new();
            for (c, &width) in widths.iter().enumerate() {
                let cell = cells.get(c).cloned().unwrap_or_default();
                let pieces = flow.pieces(&cell, style);
                let a = match align.get(c) {
                    Some(crate::model::Align::Center) => Align::Center,
                    _ => Align::Left,
                };
                let mut lines = flow.setter.set(&pieces, width, 0.0, a);
                if let Some(crate::model::Align::Right) = align.get(c) {
                    for l in &mut lines {
                        let shift = width - l.width;
                        for r in &mut l.runs {
                            r.x += shift;
                        }
                        for link in &mut l.links {
                            link.0 += shift;
                            link.1 += shift;
                        }
                    }
                }
                cell_lines.push(lines);
            }
            let n = cell_lines.iter().map(|l| l.len()).max().unwrap_or(1).max(1);
            let height = n as f32 * g.leading;
            let mut draws = Vec::new();
            let mut notes = Vec::new();
            let mut x = left;
            for (c, lines) in cell_lines.into_iter().enumerate() {
                for (i, line) in lines.into_iter().enumerate() {
                    notes.extend(line.notes.clone());
                    draws.push(Draw::Text {
                        dx: x + pad,
                        baseline: baseline_offset(g) + i as f32 * g.leading,
                        line,
                    });
                }
                x += widths[c] + pad * 2.0;
            }
            let rule = if header { 0.8 } else { 0.3 };
            draws.push(Draw::Rule {
                dx: left,
                dy: height,
                width: table_w,
                thickness: rule,
            });
            if header {
                draws.push(Draw::Rule {
                    dx: left,
                    dy: 0.0,
                    width: table_w,
                    thickness: 0.8,
                });
            }
            flow.items.push(VItem {
                height,
                draws,
                notes,
                keep_with_next: header,
                table_row: Some((table_id, header)),
                ..VItem::default()
            });
        };
        if !head.is_empty() {
            emit_row(self, head, bold, true);
        }
        for row in rows {
            emit_row(self, row, body, false);
        }
        self.space(0.5);
    }
}
