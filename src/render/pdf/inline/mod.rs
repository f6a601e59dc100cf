//! Setting a paragraph: inline content to lines of positioned glyphs.
//!
//! Inline markup is flattened into styled pieces, pieces into boxes, glue
//! and penalties (words, spaces, hyphenation points), and those are broken
//! into lines by `linebreak::total_fit`, in up to three passes: first
//! without hyphenation and with a tight tolerance (most paragraphs end
//! here), then with hyphenation and a looser one, then an emergency pass
//! that may break inside over-long words (URLs) so that no line is ever
//! wider than the measure.

mod bidi;
mod code;
mod faces;
mod flatten;
mod items;
mod line;
mod micro;

pub use flatten::Flattener;
pub use micro::Micro;

use crate::typography::is_cjk;
use bidi::{split_directions, strong_direction};
use line::{issue, offset};

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
    /// The language of words in another one than their chapter's
    /// (`[…]{lang=fr}`): hyphenated by its patterns.
    pub lang: Option<LangTag>,
}

/// A language tag kept by value, so that a style stays `Copy`; tags
/// longer than it holds are not kept (and the chapter's patterns serve).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LangTag([u8; 15], u8);

impl LangTag {
    pub fn new(tag: &str) -> Option<LangTag> {
        let b = tag.as_bytes();
        if b.len() > 15 || !tag.is_ascii() {
            return None;
        }
        let mut a = [0u8; 15];
        a[..b.len()].copy_from_slice(b);
        Some(LangTag(a, b.len() as u8))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0[..self.1 as usize]).unwrap_or("")
    }
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
            lang: None,
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
    /// Justified with word spaces this many ems wide.
    Loose { em: f32 },
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

/// A justified line whose word spaces come out wider than this many ems
/// is reported: past about two thirds of an em, a space reads as a hole
/// (rivers, a line that stands out of its page).
const LOOSE_REPORTED: f32 = 0.65;

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
    /// Patterns of the other languages the chapter's spans are in.
    pub languages: Option<&'a std::collections::HashMap<String, Hyphenator>>,
    /// The paragraph being set reads right to left (its first letter
    /// with a direction is Hebrew, Arabic, …, or the book reads so).
    pub rtl: bool,
    /// The book reads right to left: its paragraphs do, but for code.
    pub book_rtl: bool,
    /// Margin protrusion and font expansion for justified text.
    pub micro: Micro,
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
            languages: None,
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
