//! Formulas set for the page: the tree `crate::math` parses, laid out
//! with the math face's own measurements (its OpenType MATH table), in
//! the way TeX and the OpenType math specification describe: four styles
//! (display, text, script, script-script) and cramped variants, spacing
//! between atoms by their class, scripts and limits, fractions, radicals,
//! big operators, accents, delimiters that grow to what they enclose
//! (from the face's larger variants, or assembled from parts) and tables.
//!
//! The result is a box (width, height above the baseline, depth below)
//! of glyphs and rules placed relative to its origin, which the
//! paragraph setter treats like a word that cannot be broken.

use super::page::GlyphText;
use rustybuzz::ttf_parser::{self, GlyphId, math as m};

use crate::math::{Columns, Node};

/// A set formula: glyphs and rules, in points, relative to the origin
/// (the left end of the baseline), y upwards.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MathBox {
    /// Set in display style: a line of its own, centred.
    pub display: bool,
    /// A displayed equation's number, for the right margin: "(3.2)".
    pub tag: Option<String>,
    pub width: f32,
    pub height: f32,
    pub depth: f32,
    pub items: Vec<MathItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MathItem {
    Glyph {
        x: f32,
        y: f32,
        size: f32,
        gid: u16,
        advance: f32,
        text: GlyphText,
    },
    /// A rule centred on `y`.
    Rule {
        x: f32,
        y: f32,
        width: f32,
        thickness: f32,
    },
}

impl MathBox {
    fn empty() -> MathBox {
        MathBox::default()
    }

    /// Puts `other` into this box with its origin at (x, y).
    fn add(&mut self, other: MathBox, x: f32, y: f32) {
        for item in other.items {
            self.items.push(match item {
                MathItem::Glyph {
                    x: gx,
                    y: gy,
                    size,
                    gid,
                    advance,
                    text,
                } => MathItem::Glyph {
                    x: gx + x,
                    y: gy + y,
                    size,
                    gid,
                    advance,
                    text,
                },
                MathItem::Rule {
                    x: rx,
                    y: ry,
                    width,
                    thickness,
                } => MathItem::Rule {
                    x: rx + x,
                    y: ry + y,
                    width,
                    thickness,
                },
            });
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Display,
    Text,
    Script,
    ScriptScript,
}

#[derive(Debug, Clone, Copy)]
struct Style {
    level: Level,
    cramped: bool,
    /// A font variant from `\mathbf`, `\mathbb`, …: the letters' style.
    variant: Variant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// Letters italic, digits upright: math's default.
    Default,
    Normal,
    Italic,
    Bold,
    BoldItalic,
    DoubleStruck,
    Script,
    Fraktur,
    SansSerif,
    Monospace,
}

impl Style {
    fn script(self) -> Style {
        Style {
            level: match self.level {
                Level::Display | Level::Text => Level::Script,
                _ => Level::ScriptScript,
            },
            ..self
        }
    }

    fn sub(self) -> Style {
        self.script().cramp()
    }

    /// The style of a fraction's numerator.
    fn numerator(self) -> Style {
        Style {
            level: if self.level == Level::Display {
                Level::Text
            } else {
                self.script().level
            },
            ..self
        }
    }

    fn denominator(self) -> Style {
        self.numerator().cramp()
    }

    fn cramp(self) -> Style {
        Style {
            cramped: true,
            ..self
        }
    }

    fn is_script(self) -> bool {
        self.level >= Level::Script
    }
}

/// An atom's class, for the space around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Ord,
    Op,
    Bin,
    Rel,
    Open,
    Close,
    Punct,
    Inner,
}

/// The space between two atoms, in eighteenths of an em (TeX's mu):
/// positive always, negative only outside scripts.
const SPACING: [[i8; 8]; 8] = [
    //Ord Op  Bin Rel Open Close Punct Inner
    [0, 3, -4, -5, 0, 0, 0, -3],     // Ord
    [3, 3, 0, -5, 0, 0, 0, -3],      // Op
    [-4, -4, 0, 0, -4, 0, 0, -4],    // Bin
    [-5, -5, 0, 0, -5, 0, 0, -5],    // Rel
    [0, 0, 0, 0, 0, 0, 0, 0],        // Open
    [0, 3, -4, -5, 0, 0, 0, -3],     // Close
    [-3, -3, 0, -3, -3, -3, -3, -3], // Punct
    [-3, 3, -4, -5, -3, 0, -3, -3],  // Inner
];

const BINARY: &str = "+-−×⋅÷±∓∗⋆∘∙⊕⊗∪∩∧∨∖*";
const RELATION: &str = "=<>≤≥≠≈≡∼≃≅∝≪≫∈∉∋⊂⊆⊃⊇→←⇒⇐↔⇔⟺⟹↦∣∥⊥:";
const OPENING: &str = "([{⟨⌈⌊";
const CLOSING: &str = ")]}⟩⌉⌋!";
const BIG_OPERATORS: &str = "∑∏∐∫∬∭∮⋃⋂⨁⨂";

fn op_class(text: &str) -> Class {
    let mut chars = text.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return Class::Ord;
    };
    if BIG_OPERATORS.contains(c) {
        Class::Op
    } else if BINARY.contains(c) {
        Class::Bin
    } else if RELATION.contains(c) {
        Class::Rel
    } else if OPENING.contains(c) {
        Class::Open
    } else if CLOSING.contains(c) {
        Class::Close
    } else if c == ',' || c == ';' {
        Class::Punct
    } else {
        Class::Ord
    }
}

/// The math face with its MATH table.
pub struct MathFace<'a> {
    face: &'a ttf_parser::Face<'a>,
    upem: f32,
    constants: m::Constants<'a>,
    info: Option<m::GlyphInfo<'a>>,
    variants: Option<m::Variants<'a>>,
}

impl<'a> MathFace<'a> {
    /// `None` when the face has no MATH table (or one without constants).
    pub fn new(face: &'a ttf_parser::Face<'a>) -> Option<MathFace<'a>> {
        let table = face.tables().math?;
        Some(MathFace {
            face,
            upem: face.units_per_em() as f32,
            constants: table.constants?,
            info: table.glyph_info,
            variants: table.variants,
        })
    }

    /// A MATH value in ems.
    fn em(&self, v: m::MathValue) -> f32 {
        v.value as f32 / self.upem
    }

    fn units(&self, v: i32) -> f32 {
        v as f32 / self.upem
    }
}

/// Sets `node` at `size` points, in display style or inline.
pub fn layout(face: &MathFace, node: &Node, size: f32, display: bool) -> MathBox {
    let l = Layout { f: face, size };
    let style = Style {
        level: if display { Level::Display } else { Level::Text },
        cramped: false,
        variant: Variant::Default,
    };
    let mut b = l.node(node, style);
    b.display = display;
    b
}

/// Sets `node` as parts a line may break between (after the relations
/// and binary operators of its outer row), each with the cost of a break
/// after it and the space that follows it; a formula with nowhere to
/// break is one part.
pub fn layout_parts(
    face: &MathFace,
    node: &Node,
    size: f32,
    display: bool,
) -> Vec<(MathBox, Option<(f32, f32)>)> {
    let Node::Row(nodes) = node else {
        return vec![(layout(face, node, size, display), None)];
    };
    let l = Layout { f: face, size };
    let style = Style {
        level: if display { Level::Display } else { Level::Text },
        cramped: false,
        variant: Variant::Default,
    };
    let (whole, breaks) = l.row_breaks(nodes, style);
    if breaks.is_empty() {
        let mut b = whole;
        b.display = display;
        return vec![(b, None)];
    }
    let item_x = |i: &MathItem| match i {
        MathItem::Glyph { x, .. } | MathItem::Rule { x, .. } => *x,
    };
    let mut parts = Vec::new();
    let mut start = 0.0f32;
    let mut items = whole.items.into_iter().peekable();
    for k in 0..=breaks.len() {
        let (end, next, cost) = breaks
            .get(k)
            .copied()
            .map_or((whole.width, whole.width, None), |(e, n, c)| {
                (e, n, Some(c))
            });
        let mut part = MathBox {
            display,
            tag: None,
            width: end - start,
            height: whole.height,
            depth: whole.depth,
            items: Vec::new(),
        };
        // The items of this part start before the space after its operator.
        let limit = (end + next) / 2.0;
        while let Some(i) = items.next_if(|i| cost.is_none() || item_x(i) < limit) {
            part.items.push(match i {
                MathItem::Glyph {
                    x,
                    y,
                    size,
                    gid,
                    advance,
                    text,
                } => MathItem::Glyph {
                    x: x - start,
                    y,
                    size,
                    gid,
                    advance,
                    text,
                },
                MathItem::Rule {
                    x,
                    y,
                    width,
                    thickness,
                } => MathItem::Rule {
                    x: x - start,
                    y,
                    width,
                    thickness,
                },
            });
        }
        // The space after the operator goes between the parts, and with
        // a break there.
        parts.push((part, cost.map(|c| (c, next - end))));
        start = next;
    }
    parts
}

impl MathBox {
    /// The characters the formula shows, for messages.
    pub fn text(&self) -> String {
        self.items
            .iter()
            .filter_map(|i| match i {
                MathItem::Glyph { text, .. } => Some(text.to_text()),
                MathItem::Rule { .. } => None,
            })
            .collect()
    }
}

struct Layout<'f, 'a> {
    f: &'f MathFace<'a>,
    /// The text's size in points.
    size: f32,
}

/// One glyph's measurements at a size, in points.
#[derive(Clone, Copy)]
struct Metrics {
    advance: f32,
    height: f32,
    depth: f32,
    italic: f32,
    /// Where an accent centres over it, from its origin.
    accent_x: Option<f32>,
}

impl Layout<'_, '_> {
    /// Points per em in `style`.
    fn em(&self, style: Style) -> f32 {
        let c = &self.f.constants;
        let pct = match style.level {
            Level::Display | Level::Text => 100,
            Level::Script => c.script_percent_scale_down(),
            Level::ScriptScript => c.script_script_percent_scale_down(),
        };
        let pct = if pct <= 0 { 70 } else { pct };
        self.size * pct as f32 / 100.0
    }

    fn k(&self, v: m::MathValue, style: Style) -> f32 {
        self.f.em(v) * self.em(style)
    }

    fn axis(&self, style: Style) -> f32 {
        self.k(self.f.constants.axis_height(), style)
    }

    fn metrics(&self, gid: GlyphId, size: f32) -> Metrics {
        let face = self.f.face;
        let s = size / self.f.upem;
        let advance = face.glyph_hor_advance(gid).unwrap_or(0) as f32 * s;
        let (height, depth) = face
            .glyph_bounding_box(gid)
            .map_or((0.0, 0.0), |b| (b.y_max as f32 * s, -(b.y_min as f32) * s));
        let info = self.f.info.as_ref();
        let italic = info
            .and_then(|i| i.italic_corrections)
            .and_then(|c| c.get(gid))
            .map_or(0.0, |v| v.value as f32 * s);
        let accent_x = info
            .and_then(|i| i.top_accent_attachments)
            .and_then(|c| c.get(gid))
            .map(|v| v.value as f32 * s);
        Metrics {
            advance,
            height,
            depth,
            italic,
            accent_x,
        }
    }

    fn glyph_box(&self, gid: GlyphId, size: f32, text: GlyphText) -> (MathBox, Metrics) {
        let mt = self.metrics(gid, size);
        let b = MathBox {
            display: false,
            tag: None,
            width: mt.advance,
            height: mt.height,
            depth: mt.depth,
            items: vec![MathItem::Glyph {
                x: 0.0,
                y: 0.0,
                size,
                gid: gid.0,
                advance: mt.advance,
                text,
            }],
        };
        (b, mt)
    }

    /// The glyph for `c` in `variant`, falling back to `c` itself.
    fn gid(&self, c: char, variant: Variant) -> GlyphId {
        let styled = styled_char(c, variant);
        self.f
            .face
            .glyph_index(styled)
            .or_else(|| self.f.face.glyph_index(c))
            .unwrap_or(GlyphId(0))
    }

    /// A run of characters side by side (a number, a name, text); the
    /// last glyph's italic correction is kept for scripts.
    fn chars(&self, text: &str, style: Style, variant: Variant) -> (MathBox, f32) {
        let size = self.em(style);
        let mut out = MathBox::empty();
        let mut italic = 0.0;
        for c in text.chars() {
            let (b, mt) = self.glyph_box(self.gid(c, variant), size, GlyphText::One(c));
            let x = out.width;
            out.width += b.width;
            out.height = out.height.max(b.height);
            out.depth = out.depth.max(b.depth);
            out.add(b, x, 0.0);
            italic = mt.italic;
        }
        (out, italic)
    }

    fn node(&self, node: &Node, style: Style) -> MathBox {
        self.node_italic(node, style).0
    }

    /// A node's box and the italic correction of its last glyph.
    fn node_italic(&self, node: &Node, style: Style) -> (MathBox, f32) {
        match node {
            Node::Ident(s) => {
                let variant = match style.variant {
                    // A name of several letters (`\Re`) or a symbol stays upright.
                    Variant::Default if s.chars().count() > 1 => Variant::Normal,
                    v => v,
                };
                self.chars(s, style, variant)
            }
            Node::Number(s) => {
                let v = match style.variant {
                    Variant::Default | Variant::Italic => Variant::Normal,
                    v => v,
                };
                self.chars(s, style, v)
            }
            Node::Function(name) => self.chars(name, style, Variant::Normal),
            Node::Text(t) => self.chars(t, style, Variant::Normal),
            Node::Op { text, stretchy } => {
                let text = if text == "-" { "\u{2212}" } else { text };
                if *stretchy {
                    // Alone (outside a row that sizes it): its natural size.
                    return (self.delimiter(text, 0.0, style), 0.0);
                }
                if text.chars().count() == 1 && BIG_OPERATORS.contains(text) {
                    return self.big_operator(text, style);
                }
                let v = match style.variant {
                    Variant::Bold | Variant::BoldItalic => Variant::Bold,
                    _ => Variant::Normal,
                };
                self.chars(text, style, v)
            }
            Node::Space(em) => (
                MathBox {
                    width: em * self.em(style),
                    ..MathBox::empty()
                },
                0.0,
            ),
            Node::Row(nodes) => (self.row(nodes, style), 0.0),
            Node::Variant(name, body) => {
                let variant = match name.as_str() {
                    "double-struck" => Variant::DoubleStruck,
                    "bold" => Variant::Bold,
                    "bold-italic" => Variant::BoldItalic,
                    "normal" => Variant::Normal,
                    "italic" => Variant::Italic,
                    "script" => Variant::Script,
                    "fraktur" => Variant::Fraktur,
                    "sans-serif" => Variant::SansSerif,
                    "monospace" => Variant::Monospace,
                    _ => style.variant,
                };
                self.node_italic(body, Style { variant, ..style })
            }
            Node::Scripts {
                base,
                sub,
                sup,
                limits,
            } => (
                self.scripts(base, sub.as_deref(), sup.as_deref(), *limits, style),
                0.0,
            ),
            Node::Frac(num, den) => (self.fraction(num, den, style), 0.0),
            Node::Sqrt(index, body) => (self.radical(index.as_deref(), body, style), 0.0),
            Node::Accent(base, accent) => (self.accent(base, accent, style), 0.0),
            Node::Table {
                rows,
                fences,
                columns,
            } => (self.table(rows, fences.as_ref(), *columns, style), 0.0),
        }
    }

    fn class(node: &Node) -> Option<Class> {
        Some(match node {
            Node::Space(_) => return None,
            Node::Op { text, stretchy } => {
                if *stretchy {
                    // Sized by the row: its side decides.
                    if OPENING.contains(text.as_str()) {
                        Class::Open
                    } else if CLOSING.contains(text.as_str()) {
                        Class::Close
                    } else {
                        Class::Ord
                    }
                } else {
                    op_class(text)
                }
            }
            Node::Function(_) => Class::Op,
            Node::Scripts { base, .. } => match Layout::class(base) {
                Some(Class::Op) => Class::Op,
                Some(c @ (Class::Open | Class::Close)) => c,
                _ => Class::Ord,
            },
            Node::Frac(..) => Class::Inner,
            Node::Variant(_, body) => Layout::class(body).unwrap_or(Class::Ord),
            _ => Class::Ord,
        })
    }

    fn row(&self, nodes: &[Node], style: Style) -> MathBox {
        self.row_breaks(nodes, style).0
    }

    /// A row, and where a line may break in it: after each relation
    /// and binary operator, as (where the operator ends, where the next
    /// atom starts, the cost of the break).
    fn row_breaks(&self, nodes: &[Node], style: Style) -> (MathBox, Vec<(f32, f32, f32)>) {
        // Classes, with binary operators that have nothing to act on
        // (a leading minus) made ordinary.
        let mut classes: Vec<Option<Class>> = nodes.iter().map(Layout::class).collect();
        let mut prev: Option<Class> = None;
        for i in 0..classes.len() {
            let Some(c) = classes[i] else { continue };
            if c == Class::Bin {
                let next = classes[i + 1..].iter().flatten().next().copied();
                let lone = matches!(
                    prev,
                    None | Some(Class::Bin | Class::Op | Class::Rel | Class::Open | Class::Punct)
                ) || matches!(
                    next,
                    None | Some(Class::Rel | Class::Close | Class::Punct)
                );
                if lone {
                    classes[i] = Some(Class::Ord);
                }
            }
            prev = classes[i];
        }
        // Boxes; delimiters that grow wait for the rest of the row.
        let mut boxes: Vec<Option<MathBox>> = Vec::with_capacity(nodes.len());
        let (mut height, mut depth) = (0.0f32, 0.0f32);
        for n in nodes {
            if matches!(n, Node::Op { stretchy: true, .. }) {
                boxes.push(None);
            } else {
                let b = self.node(n, style);
                height = height.max(b.height);
                depth = depth.max(b.depth);
                boxes.push(Some(b));
            }
        }
        let axis = self.axis(style);
        // TeX's rule: cover at least 90% of the formula, or all of it
        // but half an em.
        let reach = (height - axis).max(depth + axis) * 2.0;
        let target = (reach * 0.901).max(reach - 0.5 * self.em(style));
        let mut out = MathBox::empty();
        let mut last: Option<Class> = None;
        let mut breaks = Vec::new();
        let mut pending: Option<(f32, f32)> = None;
        for ((n, b), class) in nodes.iter().zip(boxes).zip(&classes) {
            let b = match (b, n) {
                (Some(b), _) => b,
                (None, Node::Op { text, .. }) => self.delimiter(text, target, style),
                (None, other) => self.node(other, style),
            };
            if let (Some(a), Some(c)) = (last, class) {
                out.width += self.space(a, *c, style);
            }
            if class.is_some()
                && let Some((end, cost)) = pending.take()
            {
                breaks.push((end, out.width, cost));
            }
            let x = out.width;
            out.width += b.width;
            out.height = out.height.max(b.height);
            out.depth = out.depth.max(b.depth);
            out.add(b, x, 0.0);
            // TeX's \relpenalty and \binoppenalty, in this setter's units.
            match class {
                Some(Class::Rel) => pending = Some((out.width, 500.0)),
                Some(Class::Bin) => pending = Some((out.width, 700.0)),
                Some(_) => pending = None,
                None => {}
            }
            if class.is_some() {
                last = *class;
            }
        }
        (out, breaks)
    }

    fn space(&self, left: Class, right: Class, style: Style) -> f32 {
        let mu = SPACING[left as usize][right as usize];
        if mu == 0 || (mu < 0 && style.is_script()) {
            return 0.0;
        }
        mu.unsigned_abs() as f32 / 18.0 * self.em(style)
    }
}

/// A superscript of primes only (`f'`, `f''`).
fn is_prime(n: &Node) -> bool {
    match n {
        Node::Op { text, .. } => text.chars().all(|c| "′″‴".contains(c)),
        Node::Row(v) => !v.is_empty() && v.iter().all(is_prime),
        _ => false,
    }
}

/// `c` in a font variant, as the Mathematical Alphanumeric Symbols
/// block has it (with the letters that live elsewhere for history).
fn styled_char(c: char, variant: Variant) -> char {
    let letter = |upper: u32, lower: u32| -> Option<char> {
        match c {
            'A'..='Z' => char::from_u32(upper + (c as u32 - 'A' as u32)),
            'a'..='z' => char::from_u32(lower + (c as u32 - 'a' as u32)),
            _ => None,
        }
    };
    let digit = |zero: u32| -> Option<char> {
        c.is_ascii_digit()
            .then(|| char::from_u32(zero + (c as u32 - '0' as u32)))
            .flatten()
    };
    let out = match variant {
        Variant::Normal => None,
        Variant::Default | Variant::Italic => match c {
            'h' => Some('ℎ'),
            'α'..='ω' => char::from_u32(0x1D6FC + (c as u32 - 'α' as u32)),
            'ϵ' => Some('\u{1D716}'),
            'ϑ' => Some('\u{1D717}'),
            'ϕ' => Some('\u{1D719}'),
            'ϱ' => Some('\u{1D71A}'),
            'ϖ' => Some('\u{1D71B}'),
            _ => letter(0x1D434, 0x1D44E),
        },
        Variant::Bold => letter(0x1D400, 0x1D41A).or_else(|| digit(0x1D7CE)),
        Variant::BoldItalic => letter(0x1D468, 0x1D482),
        Variant::DoubleStruck => match c {
            'C' => Some('ℂ'),
            'H' => Some('ℍ'),
            'N' => Some('ℕ'),
            'P' => Some('ℙ'),
            'Q' => Some('ℚ'),
            'R' => Some('ℝ'),
            'Z' => Some('ℤ'),
            _ => letter(0x1D538, 0x1D552).or_else(|| digit(0x1D7D8)),
        },
        Variant::Script => match c {
            'B' => Some('ℬ'),
            'E' => Some('ℰ'),
            'F' => Some('ℱ'),
            'H' => Some('ℋ'),
            'I' => Some('ℐ'),
            'L' => Some('ℒ'),
            'M' => Some('ℳ'),
            'R' => Some('ℛ'),
            'e' => Some('ℯ'),
            'g' => Some('ℊ'),
            'o' => Some('ℴ'),
            _ => letter(0x1D49C, 0x1D4B6),
        },
        Variant::Fraktur => match c {
            'C' => Some('ℭ'),
            'H' => Some('ℌ'),
            'I' => Some('ℑ'),
            'R' => Some('ℜ'),
            'Z' => Some('ℨ'),
            _ => letter(0x1D504, 0x1D51E),
        },
        Variant::SansSerif => letter(0x1D5A0, 0x1D5BA).or_else(|| digit(0x1D7E2)),
        Variant::Monospace => letter(0x1D670, 0x1D68A).or_else(|| digit(0x1D7F6)),
    };
    out.unwrap_or(c)
}

mod construct;
#[cfg(test)]
mod tests;
