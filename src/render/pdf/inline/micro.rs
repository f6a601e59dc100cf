//! Micro-typography: how far each character may hang into the margin,
//! and the margins a line's first and last glyphs give the breaker.

#[allow(unused_imports)]
use super::*;

/// Micro-typography a setter applies to justified text.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Micro {
    /// Punctuation and some letters at a line's ends hang into the margins.
    pub protrusion: bool,
    /// A loose line's letters take a little of its word spaces' width
    /// (at most 1.5% of an em a gap).
    pub tracking: bool,
    /// The most a line's glyphs may be widened or narrowed (0.02: 2%).
    pub expansion: f32,
    /// The most anything may hang into a margin, in points (a print
    /// interior's margins may leave no room beyond the printer's minimum).
    pub max_hang: f32,
}

impl Micro {
    pub const OFF: Micro = Micro {
        protrusion: false,
        tracking: false,
        expansion: 0.0,
        max_hang: 0.0,
    };
    /// Expansion is chosen in steps of half a percent.
    pub const STEP: f32 = 0.005;
}

/// How much of a character's width hangs into the left margin when it
/// begins a line: opening quotes wholly, brackets and letters with open
/// or slanted sides a little (in the spirit of microtype's defaults).
pub(super) fn hang_left(c: char) -> f32 {
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
pub(super) fn hang_right(c: char) -> f32 {
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

impl Setter<'_, '_> {
    /// The paragraph's micro-typography, item by item, when the setter
    /// applies it: only to text read left to right and not set
    /// character by character (Chinese, Japanese).
    pub(super) fn margins(
        &self,
        items: &[Item],
        content: &[Content],
    ) -> Option<linebreak::Margins> {
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
}
