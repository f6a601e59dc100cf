//! Setting a paragraph: inline content to lines of positioned glyphs.
//!
//! Inline markup is flattened into styled pieces, pieces into boxes, glue
//! and penalties (words, spaces, hyphenation points), and those are broken
//! into lines by `linebreak::total_fit`, in up to three passes: first
//! without hyphenation and with a tight tolerance (most paragraphs end
//! here), then with hyphenation and a looser one, then an emergency pass
//! that may break inside over-long words (URLs) so that no line is ever
//! wider than the measure.

use super::hyphenate::Hyphenator;
use super::linebreak::{self, INFINITY, Item, Params};
use super::page::{GlyphText, LinkDest, PlacedGlyph};
use super::shape::{FontId, Shaper, glyph_texts};
use crate::model::{Book, Inline, LinkTarget};

/// How a piece of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    pub font: FontId,
    pub size: f32,
    /// Baseline shift (superscripts up, subscripts down), in points.
    pub rise: f32,
    pub strike: bool,
    pub grey: f32,
}

impl TextStyle {
    pub fn new(font: FontId, size: f32) -> TextStyle {
        TextStyle {
            font,
            size,
            rise: 0.0,
            strike: false,
            grey: 0.0,
        }
    }
}

/// A run of text in one style, from flattening inline markup.
#[derive(Debug, Clone)]
pub struct Piece {
    pub text: String,
    pub style: TextStyle,
    pub link: Option<LinkDest>,
    /// A footnote reference: the note's key.
    pub note: Option<String>,
    /// A forced line break (the text is empty).
    pub line_break: bool,
}

/// Turns inline markup into pieces. `note_key` names a footnote from its
/// number (the caller knows the chapter).
pub struct Flattener<'a> {
    pub book: &'a Book,
    pub note_key: &'a dyn Fn(u32) -> String,
    /// Footnotes met, in order: (key, number, blocks).
    pub notes: Vec<(String, u32, Vec<crate::model::Block>)>,
}

impl Flattener<'_> {
    pub fn flatten(
        &mut self,
        inlines: &[Inline],
        style: TextStyle,
        link: Option<&LinkDest>,
        out: &mut Vec<Piece>,
    ) {
        for inline in inlines {
            match inline {
                Inline::Text { text } => push(out, text, style, link),
                Inline::Emphasis { content } => {
                    let italic = !matches!(style.font, FontId::Italic | FontId::BoldItalic);
                    let bold = matches!(style.font, FontId::Bold | FontId::BoldItalic);
                    let s = TextStyle {
                        font: style.font.styled(italic, bold),
                        ..style
                    };
                    self.flatten(content, s, link, out);
                }
                Inline::Strong { content } => {
                    let italic = matches!(style.font, FontId::Italic | FontId::BoldItalic);
                    let s = TextStyle {
                        font: style.font.styled(italic, true),
                        ..style
                    };
                    self.flatten(content, s, link, out);
                }
                Inline::Strikethrough { content } => self.flatten(
                    content,
                    TextStyle {
                        strike: true,
                        ..style
                    },
                    link,
                    out,
                ),
                Inline::Superscript { content } => {
                    let s = TextStyle {
                        size: style.size * 0.7,
                        rise: style.rise + style.size * 0.35,
                        ..style
                    };
                    self.flatten(content, s, link, out);
                }
                Inline::Subscript { content } => {
                    let s = TextStyle {
                        size: style.size * 0.7,
                        rise: style.rise - style.size * 0.15,
                        ..style
                    };
                    self.flatten(content, s, link, out);
                }
                Inline::Code { text } => {
                    let s = TextStyle {
                        font: FontId::Mono,
                        size: style.size * 0.88,
                        ..style
                    };
                    push(out, text, s, link);
                }
                Inline::Link {
                    target, content, ..
                } => {
                    let dest = match target {
                        LinkTarget::External { url } => Some(LinkDest::Url(url.clone())),
                        LinkTarget::Internal { chapter, id } => {
                            Some(LinkDest::Anchor(id.clone().unwrap_or_else(|| {
                                self.book.chapters[*chapter].title_id.clone()
                            })))
                        }
                        LinkTarget::Unresolved { .. } => None,
                    };
                    self.flatten(content, style, dest.as_ref().or(link), out);
                }
                Inline::Image { image } => {
                    let s = TextStyle {
                        font: style.font.styled(true, false),
                        ..style
                    };
                    push(out, &image.alt, s, link);
                }
                Inline::FootnoteRef {
                    number,
                    first,
                    blocks,
                } => {
                    let key = (self.note_key)(*number);
                    if *first {
                        self.notes.push((key.clone(), *number, blocks.clone()));
                    }
                    let s = TextStyle {
                        font: FontId::Regular,
                        size: style.size * 0.65,
                        rise: style.size * 0.38,
                        ..style
                    };
                    out.push(Piece {
                        text: number.to_string(),
                        style: s,
                        link: Some(LinkDest::Anchor(key.clone())),
                        note: Some(key),
                        line_break: false,
                    });
                }
                Inline::LineBreak => out.push(Piece {
                    text: String::new(),
                    style,
                    link: None,
                    note: None,
                    line_break: true,
                }),
                Inline::NoteLabel { label, .. } => push(out, &format!("[^{label}]"), style, link),
            }
        }
    }
}

fn push(out: &mut Vec<Piece>, text: &str, style: TextStyle, link: Option<&LinkDest>) {
    if let Some(last) = out.last_mut()
        && last.style == style
        && last.link.as_ref() == link
        && last.note.is_none()
        && !last.line_break
    {
        last.text.push_str(text);
        return;
    }
    out.push(Piece {
        text: text.to_string(),
        style,
        link: link.cloned(),
        note: None,
        line_break: false,
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Justify,
    Left,
    Center,
}

/// A run of glyphs within a set line, x relative to the line's start.
#[derive(Debug, Clone)]
pub struct LineRun {
    pub style: TextStyle,
    pub x: f32,
    pub glyphs: Vec<PlacedGlyph>,
}

/// One line of a set paragraph.
#[derive(Debug, Clone, Default)]
pub struct SetLine {
    pub runs: Vec<LineRun>,
    /// Link areas: start, end (relative x) and destination.
    pub links: Vec<(f32, f32, LinkDest)>,
    /// Strike-through spans: start, end, style.
    pub strikes: Vec<(f32, f32, TextStyle)>,
    /// Footnotes referenced on this line, by key.
    pub notes: Vec<String>,
    pub width: f32,
    /// The adjustment ratio used (0 for unjustified lines).
    pub ratio: f32,
    /// Ends with a hyphen inserted by the line breaker.
    pub hyphenated: bool,
    /// The line had to be broken inside a word or set loose: worth a warning.
    pub emergency: bool,
}

/// What a box, glue or penalty shows when its line is set.
#[derive(Debug, Clone)]
enum Content {
    Glyphs {
        style: TextStyle,
        glyphs: Vec<PlacedGlyph>,
        link: Option<LinkDest>,
        note: Option<String>,
    },
    Space {
        style: TextStyle,
        glyph: PlacedGlyph,
    },
    Hyphen {
        style: TextStyle,
        glyph: PlacedGlyph,
    },
    Nothing,
}

pub struct Setter<'a, 'f> {
    pub shaper: &'a mut Shaper<'f>,
    pub hyphenator: &'a Hyphenator,
}

/// Cost of a break at a hyphen (TeX's \hyphenpenalty). Ten times TeX's 50:
/// with this face and measure, 50 hyphenated one line in five on a long
/// book; at 500 a hyphen is taken only where it saves a visibly loose
/// line. Measured on 200,000 words (benches/compare.py) against typst on
/// the same text: p95 word space 0.479 em against 0.485, 5.0% of lines
/// hyphenated against 6.0%.
const HYPHEN_PENALTY: f32 = 500.0;
/// Cost of ending a line after a one-letter word ("a", "I"): strongly
/// avoided, but allowed when nothing else fits.
const ONE_LETTER_PENALTY: f32 = 400.0;
/// Cost of a break after a slash or dash inside a word (no hyphen added).
const SOFT_BREAK_PENALTY: f32 = 150.0;
/// Cost of an emergency break between any two letters.
const EMERGENCY_PENALTY: f32 = 900.0;

impl Setter<'_, '_> {
    /// Sets `pieces` into lines of `measure` points; the first line starts
    /// `indent` points in.
    pub fn set(
        &mut self,
        pieces: &[Piece],
        measure: f32,
        indent: f32,
        align: Align,
    ) -> Vec<SetLine> {
        if align != Align::Justify {
            let (items, content) = self.items(pieces, indent, false, None, align);
            return self.ragged(&items, &content, measure, align);
        }
        let pass = |hyphenate: bool, emergency: bool, tolerance: f32| {
            (
                hyphenate,
                emergency,
                Params {
                    tolerance,
                    ..Params::default()
                },
            )
        };
        let passes = [
            // Most paragraphs set well without a single hyphen, spaces
            // stretched at most by their full stretchability.
            pass(false, false, 1.0),
            // Then hyphenation, and spaces up to twice as loose: the
            // hyphen penalty decides which is the lesser evil.
            pass(true, false, 2.0),
            pass(true, false, 3.0),
            // Last, breaks inside over-long words (URLs), and whatever
            // spacing it takes; such lines are set ragged and reported.
            pass(true, true, 50.0),
        ];
        for (hyphenate, emergency, params) in &passes {
            let (items, content) = self.items(
                pieces,
                indent,
                *hyphenate,
                emergency.then_some(measure),
                align,
            );
            if let Some(breaks) = linebreak::total_fit(&items, &|_| measure, params) {
                return self.assemble(&items, &content, &breaks, measure, align);
            }
        }
        // Nothing fits even with breaks inside words (a single glyph wider
        // than the measure): set it ragged.
        let (items, content) = self.items(pieces, indent, true, Some(0.0), Align::Left);
        let mut lines = self.ragged(&items, &content, measure, Align::Left);
        for l in &mut lines {
            l.emergency = true;
        }
        lines
    }

    fn glyphs(&mut self, style: TextStyle, text: &str) -> Vec<PlacedGlyph> {
        let shaped = self.shaper.shape(style.font, text);
        let scale = self.shaper.scale(style.font, style.size);
        let texts = glyph_texts(text, &shaped.glyphs);
        shaped
            .glyphs
            .iter()
            .zip(texts)
            .map(|(g, t)| {
                let w = g.advance as f32 * scale;
                PlacedGlyph {
                    gid: g.gid,
                    advance: w,
                    natural: w,
                    text: GlyphText::new(t),
                }
            })
            .collect()
    }

    /// `long_word`: in an emergency, words wider than this may break
    /// between any two letters.
    fn items(
        &mut self,
        pieces: &[Piece],
        indent: f32,
        hyphenate: bool,
        long_word: Option<f32>,
        align: Align,
    ) -> (Vec<Item>, Vec<Content>) {
        let mut items = Vec::new();
        let mut content = Vec::new();
        if indent > 0.0 {
            items.push(Item::Box { width: indent });
            content.push(Content::Nothing);
        }
        // Split pieces into words: (piece index, text) segments between spaces.
        let mut word: Vec<(usize, String)> = Vec::new();
        for (pi, piece) in pieces.iter().enumerate() {
            if piece.line_break {
                self.word(
                    &mut items,
                    &mut content,
                    pieces,
                    &mut word,
                    hyphenate,
                    long_word,
                );
                forced_break(&mut items, &mut content);
                continue;
            }
            for (i, part) in piece.text.split(' ').enumerate() {
                if i > 0 {
                    self.word(
                        &mut items,
                        &mut content,
                        pieces,
                        &mut word,
                        hyphenate,
                        long_word,
                    );
                    self.space(&mut items, &mut content, piece.style, align);
                }
                if !part.is_empty() {
                    word.push((pi, part.to_string()));
                }
            }
        }
        self.word(
            &mut items,
            &mut content,
            pieces,
            &mut word,
            hyphenate,
            long_word,
        );
        // Drop a trailing space, then end the paragraph.
        while matches!(items.last(), Some(Item::Glue { .. })) {
            items.pop();
            content.pop();
        }
        forced_break(&mut items, &mut content);
        (items, content)
    }

    fn space(
        &mut self,
        items: &mut Vec<Item>,
        content: &mut Vec<Content>,
        style: TextStyle,
        align: Align,
    ) {
        // Collapse runs of spaces.
        if matches!(items.last(), Some(Item::Glue { .. })) || items.is_empty() {
            return;
        }
        let glyph = self
            .glyphs(TextStyle { rise: 0.0, ..style }, " ")
            .into_iter()
            .next();
        let Some(glyph) = glyph else { return };
        let w = glyph.advance;
        // The space may grow by half (TeX's proportion) and shrink by two
        // fifths, a little more than TeX's third: a slightly tight line
        // reads better than a hyphen or a loose one.
        let (stretch, shrink) = if align == Align::Justify {
            (w / 2.0, w / 2.5)
        } else {
            (0.0, 0.0)
        };
        items.push(Item::Glue {
            width: w,
            stretch,
            shrink,
        });
        content.push(Content::Space { style, glyph });
    }

    /// Emits the boxes of one word (its segments may differ in style), with
    /// the places it may break.
    fn word(
        &mut self,
        items: &mut Vec<Item>,
        content: &mut Vec<Content>,
        pieces: &[Piece],
        word: &mut Vec<(usize, String)>,
        hyphenate: bool,
        long_word: Option<f32>,
    ) {
        if word.is_empty() {
            return;
        }
        let segments = std::mem::take(word);
        let letters: usize = segments.iter().map(|(_, t)| t.chars().count()).sum();
        // A spaced dash stays with the word before it: a line never starts
        // with one.
        if segments.len() == 1
            && matches!(segments[0].1.as_str(), "\u{2013}" | "\u{2014}" | "-")
            && matches!(items.last(), Some(Item::Glue { .. }))
        {
            let at = items.len() - 1;
            items.insert(
                at,
                Item::Penalty {
                    width: 0.0,
                    cost: INFINITY,
                    flagged: false,
                },
            );
            content.insert(at, Content::Nothing);
        }
        for (si, (pi, text)) in segments.iter().enumerate() {
            let piece = &pieces[*pi];
            let glyphs = self.glyphs(piece.style, text);
            // Where this segment may break: after explicit hyphens and
            // dashes or slashes (no hyphen added), at hyphenation points
            // (a hyphen added), or anywhere in an emergency.
            let mut points: Vec<(usize, bool, f32)> = Vec::new(); // (byte, flagged, cost)
            let url_like =
                text.contains("://") || text.starts_with("www.") || text.matches('/').count() >= 2;
            for (i, c) in text.char_indices() {
                let after = i + c.len_utf8();
                if after < text.len() && i > 0 {
                    match c {
                        '-' | '\u{2010}' => points.push((after, true, HYPHEN_PENALTY)),
                        '.' | ':' | '#' if url_like => {
                            points.push((after, false, SOFT_BREAK_PENALTY))
                        }
                        '/' | '\u{2013}' | '\u{2014}' | '_' | '?' | '&' | '=' => {
                            points.push((after, false, SOFT_BREAK_PENALTY))
                        }
                        _ => {}
                    }
                }
            }
            let single =
                segments.len() == 1 && piece.style.font != FontId::Mono && piece.note.is_none();
            if hyphenate && single {
                for p in self.hyphenator.points(text) {
                    points.push((p, true, HYPHEN_PENALTY));
                }
            }
            let wide = glyphs.iter().map(|g| g.advance).sum::<f32>();
            if long_word.is_some_and(|w| wide > w) {
                for (i, _) in text.char_indices().skip(1) {
                    if !points.iter().any(|(p, _, _)| *p == i) {
                        points.push((i, false, EMERGENCY_PENALTY));
                    }
                }
            }
            points.sort_by_key(|p| p.0);
            points.dedup_by_key(|p| p.0);
            // Split the glyphs at the points that fall on glyph boundaries
            // (never inside a ligature).
            let mut start_glyph = 0;
            let mut byte_pos = 0;
            let mut boundaries: Vec<(usize, bool, f32)> = Vec::new();
            {
                let mut gi = 0;
                for &(p, flagged, cost) in &points {
                    while gi < glyphs.len() && byte_pos < p {
                        byte_pos += glyphs[gi].text.len();
                        gi += 1;
                    }
                    if byte_pos == p && gi > 0 && gi < glyphs.len() {
                        boundaries.push((gi, flagged, cost));
                    }
                }
            }
            for (gi, flagged, cost) in boundaries {
                self.push_box(items, content, piece, glyphs[start_glyph..gi].to_vec());
                let ends_in_hyphen =
                    matches!(glyphs[gi - 1].text.last_char(), Some('-' | '\u{2010}'));
                if flagged && !ends_in_hyphen {
                    let hyphen = self.glyphs(piece.style, "-").into_iter().next();
                    let width = hyphen.as_ref().map_or(0.0, |h| h.advance);
                    items.push(Item::Penalty {
                        width,
                        cost,
                        flagged: true,
                    });
                    content.push(hyphen.map_or(Content::Nothing, |glyph| Content::Hyphen {
                        style: piece.style,
                        glyph,
                    }));
                } else {
                    items.push(Item::Penalty {
                        width: 0.0,
                        cost,
                        flagged,
                    });
                    content.push(Content::Nothing);
                }
                start_glyph = gi;
            }
            self.push_box(items, content, piece, glyphs[start_glyph..].to_vec());
            // Keep a note marker on the line of the word it follows.
            if si + 1 < segments.len() {
                continue;
            }
        }
        if letters == 1 && segments[0].1.chars().all(char::is_alphabetic) {
            items.push(Item::Penalty {
                width: 0.0,
                cost: ONE_LETTER_PENALTY,
                flagged: false,
            });
            content.push(Content::Nothing);
        }
    }

    fn push_box(
        &mut self,
        items: &mut Vec<Item>,
        content: &mut Vec<Content>,
        piece: &Piece,
        glyphs: Vec<PlacedGlyph>,
    ) {
        if glyphs.is_empty() {
            return;
        }
        let width: f32 = glyphs.iter().map(|g| g.advance).sum();
        items.push(Item::Box { width });
        content.push(Content::Glyphs {
            style: piece.style,
            glyphs,
            link: piece.link.clone(),
            note: piece.note.clone(),
        });
    }

    /// Sets lines from the breaks the line breaker chose.
    fn assemble(
        &self,
        items: &[Item],
        content: &[Content],
        breaks: &[linebreak::Break],
        measure: f32,
        align: Align,
    ) -> Vec<SetLine> {
        let mut lines = Vec::with_capacity(breaks.len());
        let mut start = 0;
        for b in breaks {
            // The last line, and lines ended by a forced break, are not
            // stretched; they may still need to shrink to fit.
            let forced = matches!(items[b.index], Item::Penalty { cost, .. } if cost <= -INFINITY);
            let mut ratio = if forced && b.ratio > 0.0 {
                0.0
            } else {
                b.ratio
            };
            // A line that could only be justified with gaping spaces (a
            // long URL and a word or two) is set ragged instead.
            let ragged = ratio > 3.0;
            if ragged {
                ratio = 0.0;
            }
            let range = linebreak::line_items(items, start, b.index);
            let mut line = self.build_line(items, content, range, Some(b.index), ratio);
            line.ratio = ratio;
            line.emergency = ragged;
            if align == Align::Center {
                let dx = (measure - line.width) / 2.0;
                offset(&mut line, dx);
            }
            lines.push(line);
            start = b.index + 1;
        }
        lines
    }

    fn build_line(
        &self,
        items: &[Item],
        content: &[Content],
        range: std::ops::Range<usize>,
        break_at: Option<usize>,
        ratio: f32,
    ) -> SetLine {
        let mut line = SetLine::default();
        let mut x = 0.0f32;
        let push_glyph = |line: &mut SetLine, style: TextStyle, glyph: PlacedGlyph, x: &mut f32| {
            let adv = glyph.advance;
            match line.runs.last_mut() {
                Some(run)
                    if run.style.font == style.font
                        && run.style.size == style.size
                        && run.style.rise == style.rise =>
                {
                    run.glyphs.push(glyph)
                }
                _ => line.runs.push(LineRun {
                    style,
                    x: *x,
                    glyphs: vec![glyph],
                }),
            }
            *x += adv;
        };
        for i in range {
            match (&items[i], &content[i]) {
                (
                    Item::Box { width },
                    Content::Glyphs {
                        style,
                        glyphs,
                        link,
                        note,
                    },
                ) => {
                    let x0 = x;
                    for g in glyphs {
                        push_glyph(&mut line, *style, g.clone(), &mut x);
                    }
                    let _ = width;
                    if let Some(dest) = link {
                        match line.links.last_mut() {
                            Some((_, end, d)) if d == dest && (x0 - *end) < style.size => *end = x,
                            _ => line.links.push((x0, x, dest.clone())),
                        }
                    }
                    if style.strike {
                        line.strikes.push((x0, x, *style));
                    }
                    if let Some(key) = note {
                        line.notes.push(key.clone());
                    }
                }
                (Item::Box { width }, _) => x += width,
                (
                    Item::Glue {
                        width,
                        stretch,
                        shrink,
                    },
                    c,
                ) => {
                    let w = if ratio >= 0.0 {
                        width + ratio * stretch
                    } else {
                        width + ratio * shrink
                    };
                    if let Content::Space { style, glyph } = c {
                        let mut g = glyph.clone();
                        g.advance = w;
                        push_glyph(
                            &mut line,
                            TextStyle {
                                rise: 0.0,
                                ..*style
                            },
                            g,
                            &mut x,
                        );
                    } else if w.is_finite() && w < 1.0e4 {
                        x += w;
                    }
                }
                (Item::Penalty { .. }, _) => {}
            }
        }
        // Drop trailing spaces (a line ending at a forced break).
        while let Some(run) = line.runs.last_mut() {
            if run
                .glyphs
                .last()
                .is_some_and(|g| g.text == GlyphText::One(' '))
            {
                let g = run.glyphs.pop().map_or(0.0, |g| g.advance);
                x -= g;
                if run.glyphs.is_empty() {
                    line.runs.pop();
                }
            } else {
                break;
            }
        }
        if let Some(b) = break_at
            && let (Item::Penalty { flagged: true, .. }, Content::Hyphen { style, glyph }) =
                (&items[b], &content[b])
        {
            push_glyph(&mut line, *style, glyph.clone(), &mut x);
            line.hyphenated = true;
        }
        line.width = x;
        line
    }

    /// First-fit lines with natural spacing, for headings, captions and
    /// other unjustified text.
    fn ragged(
        &self,
        items: &[Item],
        content: &[Content],
        measure: f32,
        align: Align,
    ) -> Vec<SetLine> {
        let mut lines = Vec::new();
        let mut start = 0;
        let mut width = 0.0f32;
        let mut last_break: Option<usize> = None;
        let mut i = 0;
        while i < items.len() {
            let breakable = match items[i] {
                Item::Glue { .. } => i > 0 && matches!(items[i - 1], Item::Box { .. }),
                Item::Penalty { cost, .. } => cost < INFINITY,
                Item::Box { .. } => false,
            };
            let forced = matches!(items[i], Item::Penalty { cost, .. } if cost <= -INFINITY);
            if breakable {
                let pen_w = if let Item::Penalty { width, .. } = items[i] {
                    width
                } else {
                    0.0
                };
                if width + pen_w > measure && last_break.is_some() {
                    let b = last_break.unwrap_or(i);
                    lines.push((start, b));
                    start = b + 1;
                    width = 0.0;
                    last_break = None;
                    i = start;
                    continue;
                }
                last_break = Some(i);
                if forced {
                    lines.push((start, i));
                    start = i + 1;
                    width = 0.0;
                    last_break = None;
                    i += 1;
                    continue;
                }
            }
            match items[i] {
                Item::Box { width: w } => width += w,
                Item::Glue { width: w, .. } if w < INFINITY && start != i => width += w,
                _ => {}
            }
            i += 1;
        }
        lines
            .into_iter()
            .map(|(s, b)| {
                let range = linebreak::line_items(items, s, b);
                let mut line = self.build_line(items, content, range, Some(b), 0.0);
                line.emergency = line.width > measure + 0.01;
                if align == Align::Center {
                    let dx = ((measure - line.width) / 2.0).max(0.0);
                    offset(&mut line, dx);
                }
                line
            })
            .collect()
    }
}

/// Ends a line here whatever it costs: fill glue, then a forced break (the
/// end of a paragraph, or a hard line break).
fn forced_break(items: &mut Vec<Item>, content: &mut Vec<Content>) {
    items.push(Item::Glue {
        width: 0.0,
        stretch: INFINITY,
        shrink: 0.0,
    });
    content.push(Content::Nothing);
    items.push(Item::Penalty {
        width: 0.0,
        cost: -INFINITY,
        flagged: false,
    });
    content.push(Content::Nothing);
}

fn offset(line: &mut SetLine, dx: f32) {
    for r in &mut line.runs {
        r.x += dx;
    }
    for l in &mut line.links {
        l.0 += dx;
        l.1 += dx;
    }
    for s in &mut line.strikes {
        s.0 += dx;
        s.1 += dx;
    }
}
