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
use super::mathset::{self, MathBox};
use super::page::{GlyphText, LinkDest, PlacedGlyph};
use super::shape::{FontId, Shaper, glyph_texts};
use crate::fonts::coverage;
use crate::model::{Book, Inline, LinkTarget};
use std::sync::Arc;
use unicode_script::UnicodeScript;

/// How a piece of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    pub font: FontId,
    pub size: f32,
    /// Baseline shift (superscripts up, subscripts down), in points.
    pub rise: f32,
    pub strike: bool,
    pub grey: f32,
    /// The glyphs set the book's own words, not text Quire adds (list
    /// markers, note numbers, bylines). Only these are counted when the
    /// typesetter proves that every word reached a page.
    pub from_text: bool,
    /// Lower-case letters as the face's small capitals (OpenType `smcp`).
    pub small_caps: bool,
    /// A CMYK colour instead of the grey (highlighted code).
    pub cmyk: Option<[f32; 4]>,
}

impl TextStyle {
    pub fn new(font: FontId, size: f32) -> TextStyle {
        TextStyle {
            font,
            size,
            rise: 0.0,
            strike: false,
            grey: 0.0,
            from_text: true,
            small_caps: false,
            cmyk: None,
        }
    }

    /// The same look, for text Quire adds itself.
    pub fn generated(self) -> TextStyle {
        TextStyle {
            from_text: false,
            ..self
        }
    }
}

/// An image set in a line of text, scaled to the line.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineImage {
    /// Key into the book's images.
    pub key: String,
    pub alt: String,
    /// Width over height.
    pub aspect: f32,
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
    /// An image in the line (the text is empty).
    pub image: Option<InlineImage>,
    /// A formula (the text is empty).
    pub math: Option<Arc<MathPiece>>,
}

/// A formula in a paragraph, parsed, to be set by the setter.
#[derive(Debug, Clone, PartialEq)]
pub struct MathPiece {
    pub node: crate::math::Node,
    pub display: bool,
    /// A displayed equation's number, set at the right margin: "(3.2)".
    pub tag: Option<String>,
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
                Inline::Span { kind, content, .. } => {
                    use crate::model::SpanKind;
                    let s = match kind {
                        // Keys and computer text in the code face, bold
                        // kept as its bold.
                        SpanKind::Kbd | SpanKind::Code | SpanKind::Samp => TextStyle {
                            font: if matches!(style.font, FontId::Bold | FontId::BoldItalic) {
                                FontId::MonoBold
                            } else {
                                FontId::Mono
                            },
                            size: style.size * 0.88,
                            ..style
                        },
                        SpanKind::Small => TextStyle {
                            size: style.size * 0.85,
                            ..style
                        },
                        SpanKind::Var => TextStyle {
                            font: style.font.styled(
                                true,
                                matches!(style.font, FontId::Bold | FontId::BoldItalic),
                            ),
                            ..style
                        },
                        _ => style,
                    };
                    if *kind == SpanKind::Quote {
                        push(out, "\u{201C}", style.generated(), link);
                        self.flatten(content, s, link, out);
                        push(out, "\u{201D}", style.generated(), link);
                    } else {
                        self.flatten(content, s, link, out);
                    }
                }
                Inline::Anchor { .. } => {}
                Inline::Math {
                    tex,
                    display,
                    label,
                    ..
                } => match crate::math::parse(tex) {
                    Ok(mut node) => {
                        let own = if *display { take_tag(&mut node) } else { None };
                        let tag = label
                            .as_ref()
                            .map(|l| {
                                let n = l.number.rsplit('\u{a0}').next().unwrap_or("");
                                format!("({n})")
                            })
                            .or(own);
                        out.push(Piece {
                            text: String::new(),
                            style,
                            link: link.cloned(),
                            note: None,
                            line_break: false,
                            image: None,
                            math: Some(Arc::new(MathPiece {
                                node,
                                display: *display,
                                tag,
                            })),
                        })
                    }
                    // Reported when the book was read (an error): its
                    // source, so the build that goes on shows something.
                    Err(_) => {
                        let s = TextStyle {
                            font: FontId::Mono,
                            size: style.size * 0.88,
                            ..style
                        };
                        push(out, tex, s, link);
                    }
                },
                // Resolved into links; one left is reported already.
                Inline::Ref { key, .. } => push(out, &format!("[@{key}]"), style, link),
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
                    // An image not found was reported when the book was read.
                    if let Some(asset) = self.book.images.get(&image.path) {
                        out.push(Piece {
                            text: String::new(),
                            style,
                            link: link.cloned(),
                            note: None,
                            line_break: false,
                            image: Some(InlineImage {
                                key: image.path.clone(),
                                alt: image.alt.clone(),
                                aspect: asset.info.width.max(1) as f32
                                    / asset.info.height.max(1) as f32,
                            }),
                            math: None,
                        });
                    }
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
                        ..style.generated()
                    };
                    out.push(Piece {
                        text: number.to_string(),
                        style: s,
                        link: Some(LinkDest::Anchor(key.clone())),
                        note: Some(key),
                        line_break: false,
                        image: None,
                        math: None,
                    });
                }
                Inline::LineBreak => out.push(Piece {
                    text: String::new(),
                    style,
                    link: None,
                    note: None,
                    line_break: true,
                    image: None,
                    math: None,
                }),
                Inline::NoteLabel { label, .. } => push(out, &format!("[^{label}]"), style, link),
            }
        }
    }
}

/// A displayed formula's own `\tag{…}` (the parser keeps it as text
/// at the end of the formula), taken out for the right margin.
fn take_tag(node: &mut crate::math::Node) -> Option<String> {
    use crate::math::Node;
    let Node::Row(nodes) = node else {
        return None;
    };
    match nodes.last() {
        Some(Node::Text(t)) if t.starts_with("\u{2003}(") => {
            let tag = t.trim_start_matches('\u{2003}').to_string();
            nodes.pop();
            Some(tag)
        }
        _ => None,
    }
}

fn push(out: &mut Vec<Piece>, text: &str, style: TextStyle, link: Option<&LinkDest>) {
    if let Some(last) = out.last_mut()
        && last.style == style
        && last.link.as_ref() == link
        && last.note.is_none()
        && !last.line_break
        && last.image.is_none()
        && last.math.is_none()
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
        image: None,
        math: None,
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Justify,
    Left,
    Center,
    /// Ragged, starting where the paragraph's direction starts: at the
    /// left, or at the right in a right-to-left paragraph.
    Start,
}

/// A run of glyphs within a set line, x relative to the line's start.
#[derive(Debug, Clone)]
pub struct LineRun {
    pub style: TextStyle,
    pub x: f32,
    /// Shared with the page it is drawn on (a book is millions of glyphs:
    /// placing a line copies none).
    pub glyphs: std::sync::Arc<Vec<PlacedGlyph>>,
}

/// One line of a set paragraph.
#[derive(Debug, Clone, Default)]
pub struct SetLine {
    pub runs: Vec<LineRun>,
    /// Link areas: start, end (relative x) and destination.
    pub links: Vec<(f32, f32, LinkDest)>,
    /// Strike-through spans: start, end, style.
    pub strikes: Vec<(f32, f32, TextStyle)>,
    /// Images in the line: where they start, and how they are drawn.
    pub images: Vec<(f32, LineImage)>,
    /// The measure the line was set in.
    pub measure: f32,
    /// Formulas in the line: where they start, and their set boxes.
    pub maths: Vec<(f32, Arc<MathBox>)>,
    /// Footnotes referenced on this line, by key.
    pub notes: Vec<String>,
    pub width: f32,
    /// The adjustment ratio used (0 for unjustified lines).
    pub ratio: f32,
    /// Ends with a hyphen inserted by the line breaker.
    pub hyphenated: bool,
    /// Ends inside a word (at a hyphenation point, after a slash, between
    /// letters): the next line's first word is this one's last.
    pub ends_in_word: bool,
    /// What is wrong with the line, if anything: worth a warning that
    /// says exactly that.
    pub issue: Option<LineIssue>,
    /// How much wider its glyphs are drawn than their advances say (0.01:
    /// one percent), for font expansion.
    pub expand: f32,
}

/// An image set in a line: its size in points and its bottom's distance
/// below the baseline.
#[derive(Debug, Clone)]
pub struct LineImage {
    pub key: String,
    pub alt: String,
    pub width: f32,
    pub height: f32,
    pub descent: f32,
}

/// Why a line is not as it should be.
#[derive(Debug, Clone, PartialEq)]
pub enum LineIssue {
    /// Justified with spaces stretched this many times their natural width.
    Loose { spaces: f32 },
    /// A line with no space in it (one long word or URL) that cannot be
    /// spread to the margin: set flush left.
    Unjustifiable { word: String },
    /// A word longer than the line, broken between two letters.
    BrokenWord { word: String },
    /// Wider than the measure even so (a single glyph wider than the line).
    Overfull { word: String },
    /// A formula with no place to break that is wider than the line, by
    /// this many points.
    WideFormula { formula: String, over: f32 },
}

/// A justified line whose spaces stretch past this many times their
/// natural width is reported: TeX's \hbadness of 1000 is a ratio of about
/// 2.15; this is looser, so that only lines a reader would notice are named.
const LOOSE_REPORTED: f32 = 3.0;

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
    Image {
        image: LineImage,
        link: Option<LinkDest>,
    },
    Math {
        math: Arc<MathBox>,
        link: Option<LinkDest>,
    },
    Nothing,
}

pub struct Setter<'a, 'f> {
    pub shaper: &'a mut Shaper<'f>,
    pub hyphenator: &'a Hyphenator,
    /// The paragraph being set reads right to left (its first letter
    /// with a direction is Hebrew, Arabic, …, or the book reads so).
    pub rtl: bool,
    /// The book reads right to left: its paragraphs do, but for code.
    pub book_rtl: bool,
    /// Margin protrusion and font expansion for justified text.
    pub micro: Micro,
}

/// Micro-typography a setter applies to justified text.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Micro {
    /// Punctuation and some letters at a line's ends hang into the margins.
    pub protrusion: bool,
    /// The most a line's glyphs may be widened or narrowed (0.02: 2%).
    pub expansion: f32,
    /// The most anything may hang into a margin, in points (a print
    /// interior's margins may leave no room beyond the printer's minimum).
    pub max_hang: f32,
}

impl Micro {
    pub const OFF: Micro = Micro {
        protrusion: false,
        expansion: 0.0,
        max_hang: 0.0,
    };
    /// Expansion is chosen in steps of half a percent.
    pub const STEP: f32 = 0.005;
}

/// How much of a character's width hangs into the left margin when it
/// begins a line: opening quotes wholly, brackets and letters with open
/// or slanted sides a little (in the spirit of microtype's defaults).
fn hang_left(c: char) -> f32 {
    match c {
        '‘' | '“' | '„' | '‚' | '«' | '‹' | '"' | '\'' => 1.0,
        '(' | '[' | '{' => 0.05,
        'A' | 'J' | 'T' | 'V' | 'W' | 'X' | 'Y' | 'v' | 'w' | 'x' | 'y' => 0.05,
        'C' | 'G' | 'O' | 'Q' => 0.03,
        _ => 0.0,
    }
}

/// How much of a character's width hangs into the right margin when it
/// ends a line: closing quotes wholly, full stops, commas and hyphens
/// about 70%, lighter punctuation and dashes less, some letters a little.
fn hang_right(c: char) -> f32 {
    match c {
        '’' | '”' | '»' | '›' | '"' | '\'' => 1.0,
        '.' | ',' | '-' | '\u{2010}' | '\u{2011}' | '\u{AD}' | '…' => 0.7,
        ':' | '–' => 0.5,
        ';' | '—' => 0.3,
        '!' | '?' => 0.2,
        ')' | ']' | '}' => 0.05,
        'A' | 'F' | 'K' | 'L' | 'T' | 'V' | 'W' | 'X' | 'Y' | 'k' | 'r' | 'v' | 'w' | 'x' | 'y' => {
            0.05
        }
        't' => 0.07,
        'C' | 'D' | 'G' | 'O' | 'Q' | 'o' => 0.03,
        _ => 0.0,
    }
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
/// A break between two Chinese or Japanese characters: free, with a
/// little stretch.
const CJK_BREAK: f32 = 0.25;
/// What a line may not start with (closing brackets, small kana, stops).
const NO_BREAK_BEFORE: &str = "、。，．・：；？！ー）」』】〕〉》〙〗｝］’”ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〻‐゠〜…‥,.:;?!)]}%";
/// What a line may not end with (opening brackets).
const NO_BREAK_AFTER: &str = "（「『【〔〈《〘〖｛［‘“([{";

/// Pieces with right-to-left letters split where the direction changes
/// (`ב-2024`: Hebrew, then a number), so that each part is shaped in its
/// own direction and the line orders them; characters without one go
/// with the part they follow. `None` when nothing needs splitting.
fn split_directions(pieces: &[Piece]) -> Option<Vec<Piece>> {
    let mixed = |t: &str| {
        let mut dirs = t.chars().filter_map(strong_direction);
        let first = dirs.next();
        first.is_some() && dirs.any(|d| Some(d) != first)
    };
    if !pieces.iter().any(|p| mixed(&p.text)) {
        return None;
    }
    let mut out = Vec::with_capacity(pieces.len() + 4);
    for p in pieces {
        if !mixed(&p.text) {
            out.push(p.clone());
            continue;
        }
        let mut current: Option<bool> = None;
        let mut run = String::new();
        for c in p.text.chars() {
            let d = strong_direction(c);
            if let (Some(d), Some(cur)) = (d, current)
                && d != cur
                && !run.is_empty()
            {
                out.push(Piece {
                    text: std::mem::take(&mut run),
                    ..p.clone()
                });
            }
            if d.is_some() {
                current = d;
            }
            run.push(c);
        }
        if !run.is_empty() {
            out.push(Piece {
                text: run,
                ..p.clone()
            });
        }
    }
    Some(out)
}

/// A character's direction, if it has one: `Some(true)` for right to
/// left (Hebrew, Arabic), `Some(false)` for left to right (Latin,
/// Greek, …, and digits, which keep their order in either).
fn strong_direction(c: char) -> Option<bool> {
    use unicode_bidi::BidiClass;
    // Most text is ASCII: letters and digits are left to right, the rest
    // neutral, without a table lookup.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric().then_some(false);
    }
    match unicode_bidi::bidi_class(c) {
        BidiClass::R | BidiClass::AL => Some(true),
        BidiClass::L | BidiClass::EN | BidiClass::AN => Some(false),
        _ => None,
    }
}

/// Chinese and Japanese characters, which lines break between.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

/// Cost of an emergency break between any two letters.
const EMERGENCY_PENALTY: f32 = 900.0;

/// One attempt at breaking a justified paragraph, from the strictest to
/// the most permissive; the first that finds a set of breaks wins.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pass {
    /// No hyphenation, spaces stretched at most by their full
    /// stretchability: most paragraphs end here.
    Plain,
    /// Hyphenation, and spaces up to `tolerance` times their
    /// stretchability: the hyphen penalty decides which is the lesser evil.
    Hyphenate { tolerance: f32 },
    /// TeX's emergency pass: every line is given extra stretch (as
    /// \emergencystretch does) so that the badness of the loose lines a hard
    /// paragraph needs is spread evenly over it, and words longer than the
    /// line may break between letters. The lines are still justified with
    /// their real spaces, so they may come out loose; they never come out
    /// ragged.
    Emergency { tolerance: f32 },
}

impl Pass {
    const ALL: [Pass; 5] = [
        Pass::Plain,
        Pass::Hyphenate { tolerance: 2.0 },
        Pass::Hyphenate { tolerance: 3.0 },
        Pass::Emergency { tolerance: 3.0 },
        // Any spacing at all rather than no paragraph.
        Pass::Emergency {
            tolerance: INFINITY,
        },
    ];
}

impl Setter<'_, '_> {
    /// Sets `pieces` into lines of `measure` points; the first line starts
    /// `indent` points in. No line is ever wider than `measure` unless a
    /// single glyph is (which `LineIssue::Overfull` reports).
    pub fn set(
        &mut self,
        pieces: &[Piece],
        measure: f32,
        indent: f32,
        align: Align,
    ) -> Vec<SetLine> {
        self.set_hanging(pieces, measure, indent, align, (0, 0.0))
    }

    /// The pieces with each run of characters their face lacks given to
    /// the first fallback face that has them, character cluster by
    /// cluster; `None` when every face has all of its piece's characters.
    fn with_fallbacks(&self, pieces: &[Piece]) -> Option<Vec<Piece>> {
        if self.shaper.fallbacks() == 0 {
            return None;
        }
        let lacks = |p: &Piece| {
            p.text
                .chars()
                .any(|c| coverage::needs_glyph(c) && !self.shaper.covers(p.style.font, c))
        };
        if !pieces.iter().any(lacks) {
            return None;
        }
        let mut out = Vec::with_capacity(pieces.len() + 8);
        for p in pieces {
            if !lacks(p) {
                out.push(p.clone());
                continue;
            }
            for (font, range) in self.face_runs(
                p.style.font,
                &p.text,
                matches!(p.style.font, FontId::Mono | FontId::MonoBold),
            ) {
                let text = &p.text[range];
                match out.last_mut() {
                    Some(last)
                        if last.style == TextStyle { font, ..p.style }
                            && last.link == p.link
                            && last.note == p.note =>
                    {
                        last.text.push_str(text)
                    }
                    _ => out.push(Piece {
                        text: text.to_string(),
                        style: TextStyle { font, ..p.style },
                        ..p.clone()
                    }),
                }
            }
        }
        Some(out)
    }

    /// `text`, meant for `font`, as stretches each in the face that draws
    /// it: runs of one script (spaces, digits and punctuation go with the
    /// run they are in), each in one face where one face has all of it,
    /// so that a word is never set in two; else character by character,
    /// punctuation staying in the face of the letters it follows.
    ///
    /// In `code`, every character the code face has stays in it, so that
    /// columns line up; only what it lacks goes to a fallback.
    fn face_runs(
        &self,
        font: FontId,
        text: &str,
        code: bool,
    ) -> Vec<(FontId, std::ops::Range<usize>)> {
        use unicode_script::Script;
        if code {
            let mut out: Vec<(FontId, std::ops::Range<usize>)> = Vec::new();
            for (i, c) in text.char_indices() {
                let end = i + c.len_utf8();
                // Marks and joiners go with the letter they follow.
                let f = match out.last() {
                    Some((f, _))
                        if coverage::joins_previous(c)
                            && (!coverage::needs_glyph(c) || self.shaper.covers(*f, c)) =>
                    {
                        *f
                    }
                    _ if !coverage::needs_glyph(c) || self.shaper.covers(font, c) => font,
                    _ => self.shaper.face_for(font, c),
                };
                match out.last_mut() {
                    Some((last, r)) if *last == f => r.end = end,
                    _ => out.push((f, i..end)),
                }
            }
            return out;
        }
        let mut runs: Vec<(Script, std::ops::Range<usize>)> = Vec::new();
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            let script = c.script();
            let neutral = matches!(script, Script::Common | Script::Inherited);
            match runs.last_mut() {
                Some((s, r)) if neutral || *s == script => r.end = end,
                Some((s, r)) if *s == Script::Common => {
                    *s = script;
                    r.end = end;
                }
                _ => runs.push((if neutral { Script::Common } else { script }, i..end)),
            }
        }
        let mut out: Vec<(FontId, std::ops::Range<usize>)> = Vec::new();
        let mut push = |f: FontId, r: std::ops::Range<usize>| {
            if r.is_empty() {
                return;
            }
            match out.last_mut() {
                Some((last, lr)) if *last == f && lr.end == r.start => lr.end = r.end,
                _ => out.push((f, r)),
            }
        };
        for (_, range) in runs {
            let run = &text[range.clone()];
            let drawn = |f: FontId| {
                run.chars()
                    .all(|c| !coverage::needs_glyph(c) || self.shaper.covers(f, c))
            };
            let whole = std::iter::once(font)
                .chain((0..self.shaper.fallbacks()).map(FontId::Fallback))
                .find(|&f| drawn(f));
            if let Some(f) = whole {
                push(f, range);
                continue;
            }
            let mut current = font;
            let mut from = range.start;
            for (i, c) in run.char_indices() {
                let i = range.start + i;
                let neutral = c.script() == unicode_script::Script::Common
                    && !c.is_ascii_digit()
                    && self.shaper.covers(current, c)
                    && !self.shaper.is_colour(current);
                let f = if coverage::needs_glyph(c) && !neutral {
                    self.shaper.face_for(font, c)
                } else if self.shaper.is_colour(current) {
                    font
                } else {
                    current
                };
                if f != current {
                    push(current, from..i);
                    from = i;
                }
                current = f;
            }
            push(current, from..range.end);
        }
        out
    }

    /// Sets a formula with the math face, at the text's size.
    fn set_math(&mut self, m: &MathPiece, size: f32) -> Vec<(MathBox, Option<(f32, f32)>)> {
        let face = self.shaper.raw_face(FontId::Math);
        match mathset::MathFace::new(face) {
            Some(f) => mathset::layout_parts(&f, &m.node, size, m.display),
            // A math face without its table was refused when it was read.
            None => Vec::new(),
        }
    }

    /// Centres each displayed formula on its line and puts its equation
    /// number, if it has one, at the right margin.
    fn place_display(&mut self, lines: &mut [SetLine], pieces: &[Piece], measure: f32) {
        let Some(style) = pieces.iter().find(|p| p.math.is_some()).map(|p| p.style) else {
            return;
        };
        for line in lines.iter_mut() {
            let alone = !line.maths.is_empty()
                && line.maths.iter().all(|(_, m)| m.display)
                && line
                    .runs
                    .iter()
                    .flat_map(|r| r.glyphs.iter())
                    .all(|g| g.text.to_text().trim().is_empty());
            if alone {
                let start = line.maths.first().map_or(0.0, |(x, _)| *x);
                let end = line.maths.last().map_or(0.0, |(x, m)| x + m.width);
                offset(line, (measure - (end - start)) / 2.0 - start);
            }
            let tags: Vec<String> = line
                .maths
                .iter()
                .filter_map(|(_, m)| m.tag.clone())
                .collect();
            for tag in tags {
                let style = style.generated();
                let glyphs = self.glyphs(style, &tag);
                let width: f32 = glyphs.iter().map(|g| g.advance).sum();
                line.runs.push(LineRun {
                    style,
                    x: measure - width,
                    glyphs: glyphs.into(),
                });
            }
        }
    }

    /// As `set`, with the first `hang.0` lines `hang.1` points narrower and
    /// moved right by as much (beside a drop cap).
    pub fn set_hanging(
        &mut self,
        pieces: &[Piece],
        measure: f32,
        indent: f32,
        align: Align,
        hang: (usize, f32),
    ) -> Vec<SetLine> {
        let code = pieces
            .iter()
            .all(|p| matches!(p.style.font, FontId::Mono | FontId::MonoBold));
        self.rtl = pieces
            .iter()
            .flat_map(|p| p.text.chars())
            .find_map(strong_direction)
            .unwrap_or(false)
            || (self.book_rtl && !code);
        let mut lines = self.set_directed(pieces, measure, indent, align, hang);
        for line in &mut lines {
            line.measure = measure;
        }
        if self.rtl && matches!(align, Align::Justify | Align::Start) {
            // Lines that do not fill the measure end at the right.
            for line in &mut lines {
                if line.width < measure - 0.5 {
                    let dx = measure - line.width;
                    offset(line, dx);
                }
            }
        }
        lines
    }

    fn set_directed(
        &mut self,
        pieces: &[Piece],
        measure: f32,
        indent: f32,
        align: Align,
        hang: (usize, f32),
    ) -> Vec<SetLine> {
        let split;
        let pieces = match self.with_fallbacks(pieces) {
            Some(p) => {
                split = p;
                &split[..]
            }
            None => pieces,
        };
        let runs;
        let pieces = match split_directions(pieces) {
            Some(p) => {
                runs = p;
                &runs[..]
            }
            None => pieces,
        };
        if align != Align::Justify {
            let (items, content) = self.items(pieces, indent, false, None, align);
            let mut lines = self.ragged(&items, &content, measure, align);
            if lines.iter().any(|l| l.width > measure + 0.01) {
                // A word longer than the line: break it between letters.
                let (items, content) = self.items(pieces, indent, false, Some(measure), align);
                lines = self.ragged(&items, &content, measure, align);
            }
            self.place_display(&mut lines, pieces, measure);
            return lines;
        }
        // A space in the body face at the body size: the unit of the
        // emergency stretch.
        let space = pieces
            .iter()
            .find(|p| !p.text.is_empty())
            .map_or(measure / 30.0, |p| {
                self.shaper.width(p.style.font, p.style.size, " ")
            });
        for pass in Pass::ALL {
            let (hyphenate, long_word, params) = match pass {
                Pass::Plain => (false, None, Params::default()),
                Pass::Hyphenate { tolerance } => (
                    true,
                    None,
                    Params {
                        tolerance,
                        ..Params::default()
                    },
                ),
                Pass::Emergency { tolerance } => (
                    true,
                    Some(measure),
                    Params {
                        tolerance,
                        // Six spaces' worth a line, about TeX's customary
                        // 3 em at book sizes.
                        emergency_stretch: space * 6.0,
                        ..Params::default()
                    },
                ),
            };
            let (items, content) = self.items(pieces, indent, hyphenate, long_word, align);
            let margins = self.margins(&items, &content);
            let width = |line: usize| {
                if line < hang.0 {
                    measure - hang.1
                } else {
                    measure
                }
            };
            if let Some(breaks) = linebreak::total_fit(&items, &width, &params, margins.as_ref()) {
                let mut lines = self.assemble(&items, &content, &breaks, &width, align);
                for line in lines.iter_mut().take(hang.0) {
                    offset(line, hang.1);
                }
                if pieces.iter().any(|p| p.math.is_some()) {
                    self.place_display(&mut lines, pieces, measure);
                }
                return lines;
            }
        }
        // Nothing fits even with breaks between letters (a single glyph
        // wider than the measure): set it ragged, reported as overfull.
        let (items, content) = self.items(pieces, indent, true, Some(0.0), Align::Left);
        self.ragged(&items, &content, measure, Align::Left)
    }

    /// The glyphs of neutral characters in a right-to-left word, drawn
    /// right to left with brackets mirrored (`(` drawn as `)`), each still
    /// copying as what it is.
    fn mirrored_glyphs(&mut self, style: TextStyle, text: &str) -> Vec<PlacedGlyph> {
        let mirrored: String = text
            .chars()
            .map(|c| unicode_bidi_mirroring::get_mirrored(c).unwrap_or(c))
            .collect();
        if mirrored.len() != text.len() {
            return self.glyphs(style, text);
        }
        let mut glyphs = self.glyphs(style, &mirrored);
        let mut at = 0;
        for g in &mut glyphs {
            let n = g.text.len();
            g.text = GlyphText::new(text.get(at..at + n).unwrap_or(""));
            at += n;
        }
        // They read right to left too.
        glyphs.reverse();
        glyphs
    }

    /// The paragraph's micro-typography, item by item, when the setter
    /// applies it: only to text read left to right and not set
    /// character by character (Chinese, Japanese).
    fn margins(&self, items: &[Item], content: &[Content]) -> Option<linebreak::Margins> {
        let m = self.micro;
        if self.rtl || (!m.protrusion && m.expansion <= 0.0) {
            return None;
        }
        let cjk = content.iter().any(|c| match c {
            Content::Glyphs { glyphs, .. } => glyphs.iter().any(|g| g.text.any(is_cjk)),
            _ => false,
        });
        if cjk {
            return None;
        }
        let n = items.len();
        let mut out = linebreak::Margins {
            left: vec![0.0; n],
            right: vec![0.0; n],
            expand: vec![0.0; n],
            max_expand: m.expansion.max(0.0),
            step: Micro::STEP,
        };
        let hang = |g: &PlacedGlyph, f: fn(char) -> f32| -> f32 {
            g.text
                .one()
                .map_or(0.0, |c| (f(c) * g.advance).min(m.max_hang))
        };
        for (i, c) in content.iter().enumerate() {
            match c {
                Content::Glyphs { glyphs, .. } => {
                    out.expand[i] = glyphs.iter().map(|g| g.advance).sum();
                    if m.protrusion {
                        out.left[i] = glyphs.first().map_or(0.0, |g| hang(g, hang_left));
                        out.right[i] = glyphs.last().map_or(0.0, |g| hang(g, hang_right));
                    }
                }
                Content::Hyphen { glyph, .. } if m.protrusion => {
                    out.right[i] = hang(glyph, hang_right);
                }
                _ => {}
            }
        }
        Some(out)
    }

    fn glyphs(&mut self, style: TextStyle, text: &str) -> Vec<PlacedGlyph> {
        let shaped = self.shaper.shape_as(style.font, text, style.small_caps);
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
            if let Some(img) = &piece.image {
                // An image in a line is a box as tall as a capital and a
                // little more, and never wider than the line.
                let height = piece.style.size * 1.1;
                let mut width = height * img.aspect;
                let mut h = height;
                if let Some(max) = long_word.filter(|m| *m > 0.0)
                    && width > max
                {
                    h *= max / width;
                    width = max;
                }
                self.word(
                    &mut items,
                    &mut content,
                    pieces,
                    &mut word,
                    hyphenate,
                    long_word,
                );
                items.push(Item::Box { width });
                content.push(Content::Image {
                    image: LineImage {
                        key: img.key.clone(),
                        alt: img.alt.clone(),
                        width,
                        height: h,
                        descent: piece.style.size * 0.2,
                    },
                    link: piece.link.clone(),
                });
                continue;
            }
            if let Some(m) = &piece.math {
                self.word(
                    &mut items,
                    &mut content,
                    pieces,
                    &mut word,
                    hyphenate,
                    long_word,
                );
                let parts = self.set_math(m, piece.style.size);
                // A displayed formula inside a paragraph's text is a line
                // of its own.
                let text_before = content.iter().any(|c| !matches!(c, Content::Nothing));
                if m.display && text_before {
                    forced_break(&mut items, &mut content);
                }
                let n = parts.len();
                for (k, (mut part, after)) in parts.into_iter().enumerate() {
                    if k + 1 == n {
                        part.tag = m.tag.clone();
                    }
                    items.push(Item::Box { width: part.width });
                    content.push(Content::Math {
                        math: Arc::new(part),
                        link: piece.link.clone(),
                    });
                    if let Some((cost, space)) = after {
                        items.push(Item::Penalty {
                            width: 0.0,
                            cost,
                            flagged: false,
                        });
                        content.push(Content::Nothing);
                        // As TeX's \thickmuskip (after a relation) and
                        // \medmuskip (after an operator), the space may
                        // stretch, and the smaller shrink, with the line.
                        let (stretch, shrink) = if cost < 600.0 {
                            (space, 0.0)
                        } else {
                            (space / 2.0, space / 2.0)
                        };
                        items.push(Item::Glue {
                            width: space,
                            stretch,
                            shrink,
                        });
                        content.push(Content::Nothing);
                    }
                }
                let text_after = pieces[pi + 1..]
                    .iter()
                    .any(|p| !p.text.trim().is_empty() || p.image.is_some() || p.math.is_some());
                if m.display && text_after {
                    forced_break(&mut items, &mut content);
                }
                continue;
            }
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
        // Brackets set beside right-to-left letters face the other way.
        let word_rtl = self.rtl && segments.iter().any(|(_, t)| super::shape::is_rtl_text(t));
        for (si, (pi, text)) in segments.iter().enumerate() {
            let piece = &pieces[*pi];
            // Soft hyphens (U+00AD) are the author's own hyphenation
            // points: never drawn, a hyphen where a line breaks at one.
            let mut soft: Vec<usize> = Vec::new();
            let cleaned: String;
            let text: &str = if text.contains('\u{AD}') {
                let mut t = String::with_capacity(text.len());
                for c in text.chars() {
                    if c == '\u{AD}' {
                        soft.push(t.len());
                    } else {
                        t.push(c);
                    }
                }
                cleaned = t;
                &cleaned
            } else {
                text
            };
            let glyphs = if word_rtl && !text.chars().any(|c| strong_direction(c).is_some()) {
                self.mirrored_glyphs(piece.style, text)
            } else {
                self.glyphs(piece.style, text)
            };
            // Where this segment may break: after explicit hyphens and
            // dashes or slashes (no hyphen added), at hyphenation points
            // (a hyphen added), or anywhere in an emergency.
            let mut points: Vec<(usize, bool, f32)> = soft
                .iter()
                .filter(|&&p| p > 0 && p < text.len())
                .map(|&p| (p, true, HYPHEN_PENALTY))
                .collect(); // (byte, flagged, cost)
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
            // Chinese and Japanese break between any two characters, but
            // for the few a line may not start or end with (kinsoku).
            let mut prev: Option<char> = None;
            for (i, c) in text.char_indices() {
                if let Some(p) = prev
                    && (is_cjk(p) || is_cjk(c))
                    && !NO_BREAK_AFTER.contains(p)
                    && !NO_BREAK_BEFORE.contains(c)
                    && !c.is_ascii_alphanumeric()
                {
                    points.push((i, false, CJK_BREAK));
                }
                prev = Some(c);
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
                points.extend(
                    text.char_indices()
                        .skip(1)
                        .map(|(i, _)| (i, false, EMERGENCY_PENALTY)),
                );
            }
            // A right-to-left word's glyphs are in drawing order, not the
            // text's: it is not broken.
            if super::shape::is_rtl_text(text) {
                points.clear();
            }
            // Where two kinds of break fall at one place, the first found
            // (a hyphen, a soft break) wins over a break between letters.
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
                } else if cost == CJK_BREAK {
                    // Room to stretch between characters, so that a
                    // justified line of them fills the measure.
                    items.push(Item::Glue {
                        width: 0.0,
                        stretch: piece.style.size * 0.15,
                        shrink: 0.0,
                    });
                    content.push(Content::Nothing);
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

    /// Sets lines from the breaks the line breaker chose. Every line is
    /// justified with the ratio its own spaces give it; a line with no
    /// space at all cannot be, and is set flush left and reported.
    fn assemble(
        &self,
        items: &[Item],
        content: &[Content],
        breaks: &[linebreak::Break],
        measure: &dyn Fn(usize) -> f32,
        align: Align,
    ) -> Vec<SetLine> {
        let mut lines = Vec::with_capacity(breaks.len());
        let mut start = 0;
        for (n, b) in breaks.iter().enumerate() {
            let last = n + 1 == breaks.len();
            // The last line, and lines ended by a forced break, are not
            // stretched; they may still need to shrink to fit.
            let forced = matches!(items[b.index], Item::Penalty { cost, .. } if cost <= -INFINITY);
            let ratio = if forced && b.ratio > 0.0 {
                0.0
            } else {
                b.ratio
            };
            let range = linebreak::line_items(items, start, b.index);
            let spaces = range.clone().any(
                |i| matches!(items[i], Item::Glue { width, .. } if width > 0.0 && width < INFINITY),
            );
            let mut line = self.build_line(items, content, range, Some(b.index), ratio, b.expand);
            line.ratio = ratio;
            let mut measure = measure(n);
            if b.left != 0.0 || b.right != 0.0 {
                // What hangs into the margins: the line starts left of
                // the measure and may end right of it by that much.
                offset(&mut line, -b.left);
                measure += b.left + b.right;
            }
            line.issue = issue(items, b.index, &line, measure, spaces, forced || last);
            if align == Align::Center {
                let dx = (measure - line.width) / 2.0;
                offset(&mut line, dx);
            }
            lines.push(line);
            start = b.index + 1;
        }
        lines
    }
}

/// What, if anything, is wrong with a set line that a reader would see.
fn issue(
    items: &[Item],
    break_at: usize,
    line: &SetLine,
    measure: f32,
    spaces: bool,
    ends_paragraph: bool,
) -> Option<LineIssue> {
    let word = || line_word(line);
    if line.width > measure + 0.5 {
        return Some(overfull(line, measure));
    }
    if matches!(items[break_at], Item::Penalty { cost, flagged: false, .. } if cost == EMERGENCY_PENALTY)
    {
        return Some(LineIssue::BrokenWord { word: word() });
    }
    if ends_paragraph {
        return None;
    }
    if !spaces && line.width < measure - 1.0 {
        return Some(LineIssue::Unjustifiable { word: word() });
    }
    // Stretch is half a space, so a ratio r makes spaces 1 + r/2 wide.
    let spaces_wide = 1.0 + line.ratio / 2.0;
    (spaces && spaces_wide > LOOSE_REPORTED).then_some(LineIssue::Loose {
        spaces: spaces_wide,
    })
}

impl Setter<'_, '_> {
    /// The glyphs of one line of code, left to right as drawn, each with
    /// its style: every stretch in the face that draws it (a fallback for
    /// letters the code face lacks), and right-to-left strings reordered
    /// within a line that stays left to right.
    pub fn code_glyphs(
        &mut self,
        text: &str,
        styles: &[(usize, TextStyle)],
    ) -> (Vec<PlacedGlyph>, Vec<TextStyle>) {
        // Stretches of one style, one face and one embedding level.
        let levels: Option<Vec<u8>> = super::shape::is_rtl_text(text).then(|| {
            let info = unicode_bidi::BidiInfo::new(text, Some(unicode_bidi::Level::ltr()));
            info.levels.iter().map(|l| l.number()).collect()
        });
        let mut stretches: Vec<(std::ops::Range<usize>, TextStyle, u8)> = Vec::new();
        for (i, &(start, st)) in styles.iter().enumerate() {
            let end = styles
                .get(i + 1)
                .map_or(text.len(), |s| s.0)
                .min(text.len());
            let start = start.min(end);
            if start == end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                continue;
            }
            for (font, r) in self.face_runs(st.font, &text[start..end], true) {
                let r = start + r.start..start + r.end;
                let style = TextStyle { font, ..st };
                match &levels {
                    None => stretches.push((r, style, 0)),
                    Some(levels) => {
                        let mut from = r.start;
                        for (k, _) in text[r.clone()].char_indices() {
                            let k = r.start + k;
                            if k > from && levels[k] != levels[from] {
                                stretches.push((from..k, style, levels[from]));
                                from = k;
                            }
                        }
                        stretches.push((from..r.end, style, levels[from]));
                    }
                }
            }
        }
        // Rule L2: from the highest level down to the lowest odd one,
        // reverse every sequence of stretches at that level or higher.
        let highest = stretches.iter().map(|s| s.2).max().unwrap_or(0);
        let mut order: Vec<usize> = (0..stretches.len()).collect();
        for level in (1..=highest).rev() {
            let mut k = 0;
            while k < order.len() {
                if stretches[order[k]].2 >= level {
                    let from = k;
                    while k < order.len() && stretches[order[k]].2 >= level {
                        k += 1;
                    }
                    order[from..k].reverse();
                } else {
                    k += 1;
                }
            }
        }
        let mut glyphs = Vec::with_capacity(text.len());
        let mut glyph_styles = Vec::with_capacity(text.len());
        for k in order {
            let (r, st, _) = &stretches[k];
            let g = self.glyphs(*st, &text[r.clone()]);
            glyph_styles.extend(std::iter::repeat_n(*st, g.len()));
            glyphs.extend(g);
        }
        (glyphs, glyph_styles)
    }

    /// Sets one line of code into lines no wider than `measure`, spaces
    /// kept exactly (tabs to the next multiple of four). A line that fits
    /// is one line; a longer one breaks after a space or punctuation in the
    /// last third of the line, or else between any two characters, and
    /// its continuations are `hang` points narrower (the caller marks them).
    ///
    /// The text is in the styles that start at the given byte offsets (the
    /// first at 0): highlighted code. Tabs must be expanded already for the
    /// offsets to hold.
    pub fn code_lines_styled(
        &mut self,
        text: &str,
        styles: &[(usize, TextStyle)],
        measure: f32,
        hang: f32,
    ) -> Vec<SetLine> {
        let mut expanded = String::with_capacity(text.len());
        let mut col = 0usize;
        for c in text.chars() {
            if c == '\t' {
                let n = 4 - col % 4;
                expanded.extend(std::iter::repeat_n(' ', n));
                col += n;
            } else {
                expanded.push(c);
                col += 1;
            }
        }
        let style = styles
            .first()
            .map_or(TextStyle::new(super::shape::FontId::Mono, 9.0), |s| s.1);
        let (glyphs, glyph_styles) = self.code_glyphs(&expanded, styles);
        let mut lines = Vec::new();
        let mut start = 0usize;
        while start < glyphs.len() {
            let avail = if lines.is_empty() {
                measure
            } else {
                (measure - hang).max(style.size)
            };
            let mut width = 0.0f32;
            let mut end = start;
            let mut soft: Option<usize> = None;
            while end < glyphs.len() && (width + glyphs[end].advance <= avail || end == start) {
                width += glyphs[end].advance;
                if matches!(
                    glyphs[end].text.last_char(),
                    Some(' ' | ',' | ';' | ')' | ']' | '}' | '/' | '.' | '-' | '&' | '|' | '=')
                ) {
                    soft = Some(end + 1);
                }
                end += 1;
            }
            if end < glyphs.len()
                && let Some(b) = soft.filter(|&b| b > start + (end - start) * 2 / 3)
            {
                end = b;
            }
            // One run a style.
            let mut runs: Vec<LineRun> = Vec::new();
            let mut x = 0.0f32;
            for k in start..end {
                let st = glyph_styles[k];
                match runs.last_mut() {
                    Some(r) if r.style == st => {
                        std::sync::Arc::make_mut(&mut r.glyphs).push(glyphs[k].clone())
                    }
                    _ => runs.push(LineRun {
                        style: st,
                        x,
                        glyphs: vec![glyphs[k].clone()].into(),
                    }),
                }
                x += glyphs[k].advance;
            }
            lines.push(SetLine {
                runs,
                width: x,
                ..SetLine::default()
            });
            start = end;
        }
        if lines.is_empty() {
            lines.push(SetLine::default());
        }
        lines
    }

    /// The items of a line in the order they are drawn, left to right:
    /// as they are, unless right-to-left words are in it, when the
    /// Unicode bidirectional algorithm's reordering (rule L2) is applied
    /// word by word, each word's glyphs being drawn in order already.
    fn visual_order(
        &self,
        items: &[Item],
        content: &[Content],
        range: std::ops::Range<usize>,
    ) -> Vec<usize> {
        let idx: Vec<usize> = range.collect();
        // Each item's direction: Some(true) right to left, Some(false)
        // left to right, None neutral (spaces, punctuation, images).
        let dirs: Vec<Option<bool>> = idx
            .iter()
            .map(|&i| match (&items[i], &content[i]) {
                (Item::Box { .. }, Content::Glyphs { glyphs, .. }) => {
                    let mut found = None;
                    for g in glyphs {
                        if let Some(d) = g.text.to_text().chars().find_map(strong_direction) {
                            found = Some(d);
                            if d {
                                break;
                            }
                        }
                    }
                    found
                }
                _ => None,
            })
            .collect();
        if !self.rtl && !dirs.contains(&Some(true)) {
            return idx;
        }
        let base: u8 = u8::from(self.rtl);
        let level = |d: bool| -> u8 {
            match (base, d) {
                (0, false) => 0,
                (0, true) => 1,
                (_, true) => 1,
                (_, false) => 2,
            }
        };
        // Neutrals between two of one direction take it; others the base.
        let mut levels = vec![base; idx.len()];
        for k in 0..idx.len() {
            levels[k] = match dirs[k] {
                Some(d) => level(d),
                None => {
                    let before = dirs[..k].iter().rev().flatten().next();
                    let after = dirs[k + 1..].iter().flatten().next();
                    match (before, after) {
                        (Some(a), Some(b)) if a == b => level(*a),
                        _ => base,
                    }
                }
            };
        }
        let mut order = idx;
        let top = levels.iter().copied().max().unwrap_or(0);
        for k in (1..=top).rev() {
            let mut i = 0;
            while i < order.len() {
                if levels[i] >= k {
                    let mut j = i;
                    while j < order.len() && levels[j] >= k {
                        j += 1;
                    }
                    order[i..j].reverse();
                    levels[i..j].reverse();
                    i = j;
                } else {
                    i += 1;
                }
            }
        }
        order
    }

    fn build_line(
        &self,
        items: &[Item],
        content: &[Content],
        range: std::ops::Range<usize>,
        break_at: Option<usize>,
        ratio: f32,
        expand: f32,
    ) -> SetLine {
        let mut line = SetLine {
            expand,
            ..SetLine::default()
        };
        // Glyphs are drawn `scale` times as wide as they are stored (the
        // PDF's horizontal scaling): a glyph's place on the line moves by
        // its advance times the scale, and a space is stored narrower so
        // that it is drawn exactly as wide as the line needs.
        let scale = 1.0 + expand;
        let mut x = 0.0f32;
        // Where the last run ends: a glyph continues it only if nothing
        // (an image, an indent) came in between.
        let mut end = f32::NAN;
        let mut push_glyph =
            |line: &mut SetLine, style: TextStyle, glyph: PlacedGlyph, x: &mut f32| {
                let adv = glyph.advance * scale;
                match line.runs.last_mut() {
                    Some(run)
                        if run.style.font == style.font
                            && run.style.size == style.size
                            && run.style.rise == style.rise
                            && run.style.grey == style.grey
                            && run.style.from_text == style.from_text
                            && (end - *x).abs() < 0.001 =>
                    {
                        std::sync::Arc::make_mut(&mut run.glyphs).push(glyph)
                    }
                    _ => line.runs.push(LineRun {
                        style,
                        x: *x,
                        glyphs: vec![glyph].into(),
                    }),
                }
                *x += adv;
                end = *x;
            };
        for i in self.visual_order(items, content, range) {
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
                (Item::Box { width }, Content::Math { math, link }) => {
                    line.maths.push((x, math.clone()));
                    if let Some(dest) = link {
                        line.links.push((x, x + width, dest.clone()));
                    }
                    x += width;
                }
                (Item::Box { width }, Content::Image { image, link }) => {
                    line.images.push((x, image.clone()));
                    if let Some(dest) = link {
                        line.links.push((x, x + width, dest.clone()));
                    }
                    x += width;
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
                        g.advance = w / scale;
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
                let g = std::sync::Arc::make_mut(&mut run.glyphs)
                    .pop()
                    .map_or(0.0, |g| g.advance * scale);
                x -= g;
                if run.glyphs.is_empty() {
                    line.runs.pop();
                }
            } else {
                break;
            }
        }
        if let Some(b) = break_at {
            line.ends_in_word = matches!(items[b], Item::Penalty { cost, .. } if cost > -INFINITY)
                && !matches!(items.get(b + 1), Some(Item::Glue { .. }) | None);
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
                // Not the glue that fills a paragraph's last line: a break
                // there would leave that line empty.
                Item::Glue { .. } => {
                    i > 0
                        && matches!(items[i - 1], Item::Box { .. })
                        && !matches!(items.get(i + 1), Some(Item::Penalty { cost, .. }) if *cost <= -INFINITY)
                }
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
                let mut line = self.build_line(items, content, range, Some(b), 0.0, 0.0);
                line.issue = if line.width > measure + 0.5 {
                    Some(overfull(&line, measure))
                } else if matches!(items[b], Item::Penalty { cost, flagged: false, .. } if cost == EMERGENCY_PENALTY)
                {
                    Some(LineIssue::BrokenWord {
                        word: line_word(&line),
                    })
                } else {
                    None
                };
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

/// The longest word of a set line, shortened for a message.
/// What makes a line wider than the measure: its widest formula, if it
/// has one wider than the line, or else a word.
fn overfull(line: &SetLine, measure: f32) -> LineIssue {
    match line
        .maths
        .iter()
        .map(|(_, m)| m)
        .max_by(|a, b| a.width.total_cmp(&b.width))
        .filter(|m| m.width > measure + 0.5)
    {
        Some(m) => {
            let text = m.text();
            let formula = if text.chars().count() > 40 {
                format!("{}…", text.chars().take(37).collect::<String>())
            } else {
                text
            };
            LineIssue::WideFormula {
                formula,
                over: m.width - measure,
            }
        }
        None => LineIssue::Overfull {
            word: line_word(line),
        },
    }
}

pub fn line_word(line: &SetLine) -> String {
    let text: String = line
        .runs
        .iter()
        .flat_map(|r| r.glyphs.iter())
        .map(|g| g.text.to_text())
        .collect();
    let longest = text
        .split_whitespace()
        .max_by_key(|w| w.chars().count())
        .unwrap_or("");
    if longest.chars().count() > 40 {
        let head: String = longest.chars().take(37).collect();
        format!("{head}…")
    } else {
        longest.to_string()
    }
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
    for i in &mut line.images {
        i.0 += dx;
    }
    for m in &mut line.maths {
        m.0 += dx;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontSet;
    use proptest::prelude::*;

    /// The text of a set line, the hyphen the breaker added taken off.
    fn text(line: &SetLine) -> String {
        let mut t: String = line
            .runs
            .iter()
            .flat_map(|r| r.glyphs.iter())
            .map(|g| g.text.to_text())
            .collect();
        if line.hyphenated {
            t.pop();
        }
        t
    }

    fn set(words: &[String], measure: f32, align: Align) -> Vec<SetLine> {
        let fonts = FontSet::bundled();
        let mut shaper = Shaper::new(&fonts).unwrap();
        let hyphenator = Hyphenator::new("en");
        let mut setter = Setter {
            shaper: &mut shaper,
            hyphenator: &hyphenator,
            rtl: false,
            book_rtl: false,
            micro: Micro::OFF,
        };
        let style = TextStyle::new(FontId::Regular, 10.0);
        let piece = super::super::toc::piece(&words.join(" "), style);
        setter.set(&[piece], measure, 0.0, align)
    }

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => "[a-z]{1,12}",
            1 => "[a-z]{20,60}",
            1 => "[a-z]{3,8}(/[a-z]{2,9}){2,6}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Every letter is set, in order, on lines no wider than the
        /// measure, and the same paragraph sets the same way twice.
        #[test]
        fn every_word_is_placed_within_the_measure(
            words in proptest::collection::vec(word(), 1..120),
            measure in 60.0f32..420.0,
            justify in any::<bool>(),
        ) {
            let align = if justify { Align::Justify } else { Align::Left };
            let lines = set(&words, measure, align);
            let got: String = lines.iter().map(text).collect::<String>().replace(' ', "");
            prop_assert_eq!(got, words.concat());
            for l in &lines {
                prop_assert!(l.width <= measure + 0.01, "{} > {measure}", l.width);
                let overfull = matches!(l.issue, Some(LineIssue::Overfull { .. }));
                prop_assert!(!overfull, "an overfull line");
            }
            let again = set(&words, measure, align);
            prop_assert_eq!(
                lines.iter().map(|l| (text(l), l.width)).collect::<Vec<_>>(),
                again.iter().map(|l| (text(l), l.width)).collect::<Vec<_>>()
            );
        }
    }
}
