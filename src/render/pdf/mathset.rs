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

    /// A big operator: in display style the face's display size, set on
    /// the math axis.
    fn big_operator(&self, text: &str, style: Style) -> (MathBox, f32) {
        let size = self.em(style);
        let c = text.chars().next().unwrap_or('∑');
        let mut gid = self.gid(c, Variant::Normal);
        if style.level == Level::Display {
            let mut min = self
                .f
                .units(self.f.constants.display_operator_min_height() as i32)
                * size;
            // Integrals stand taller than the face's minimum, as in
            // TeX's displays (about two ems).
            if "∫∬∭∮".contains(c) {
                min = min.max(2.0 * size);
            }
            gid = self.vertical_variant(gid, min, size).unwrap_or(gid);
        }
        let (b, mt) = self.glyph_box(gid, size, GlyphText::One(c));
        let shift = self.axis(style) - (b.height - b.depth) / 2.0;
        let mut out = MathBox {
            display: false,
            tag: None,
            width: b.width,
            height: b.height + shift,
            depth: b.depth - shift,
            items: Vec::new(),
        };
        out.add(b, 0.0, shift);
        (out, mt.italic)
    }

    /// The smallest of the face's vertical variants of `gid` at least
    /// `min` points tall, if one is.
    fn vertical_variant(&self, gid: GlyphId, min: f32, size: f32) -> Option<GlyphId> {
        let construction = self.f.variants?.vertical_constructions.get(gid)?;
        let s = size / self.f.upem;
        let mut best = None;
        for v in construction.variants {
            best = Some(v.variant_glyph);
            if v.advance_measurement as f32 * s >= min {
                break;
            }
        }
        best
    }

    /// A delimiter at least `target` points tall (height and depth),
    /// centred on the axis: the glyph, a larger variant, or one assembled
    /// from the face's parts.
    fn delimiter(&self, text: &str, target: f32, style: Style) -> MathBox {
        let size = self.em(style);
        let Some(c) = text.chars().next() else {
            // `\left.`: nothing, but a little room.
            return MathBox {
                width: 0.12 * size,
                ..MathBox::empty()
            };
        };
        let base = self.gid(c, Variant::Normal);
        let axis = self.axis(style);
        let b = self.grown(base, target, size, c);
        let shift = axis - (b.height - b.depth) / 2.0;
        let mut out = MathBox {
            display: false,
            tag: None,
            width: b.width,
            height: b.height + shift,
            depth: b.depth - shift,
            items: Vec::new(),
        };
        out.add(b, 0.0, shift);
        out
    }

    /// `base` (standing for `c`) at least `target` points tall, as far as
    /// the face allows: the glyph, the first of its larger variants that
    /// reaches, or else assembled from its parts.
    fn grown(&self, base: GlyphId, target: f32, size: f32, c: char) -> MathBox {
        let s = size / self.f.upem;
        let Some(construction) = self
            .f
            .variants
            .and_then(|v| v.vertical_constructions.get(base))
        else {
            return self.glyph_box(base, size, GlyphText::One(c)).0;
        };
        let mut chosen = base;
        for v in construction.variants {
            chosen = v.variant_glyph;
            if v.advance_measurement as f32 * s >= target {
                return self.glyph_box(chosen, size, GlyphText::One(c)).0;
            }
        }
        match construction.assembly {
            Some(a) => self.assemble(a, target, size, c),
            None => self.glyph_box(chosen, size, GlyphText::One(c)).0,
        }
    }

    /// A vertical glyph assembly `target` points tall (bottom to top).
    fn assemble(&self, a: m::GlyphAssembly, target: f32, size: f32, c: char) -> MathBox {
        let s = size / self.f.upem;
        let overlap_min = self.f.variants.map_or(0, |v| v.min_connector_overlap) as f32 * s;
        let parts: Vec<m::GlyphPart> = a.parts.into_iter().collect();
        if parts.is_empty() {
            return MathBox::empty();
        }
        // Repeat the extenders until the assembly reaches the target.
        let mut repeat = 0usize;
        let expand = |r: usize| -> Vec<m::GlyphPart> {
            let mut v = Vec::new();
            for p in &parts {
                let n = if p.part_flags.extender() { r } else { 1 };
                v.extend(std::iter::repeat_n(*p, n));
            }
            v
        };
        let mut list = expand(0);
        let full = |l: &[m::GlyphPart]| -> f32 {
            l.iter().map(|p| p.full_advance as f32 * s).sum::<f32>()
                - l.len().saturating_sub(1) as f32 * overlap_min
        };
        while full(&list) < target && repeat < 64 && parts.iter().any(|p| p.part_flags.extender()) {
            repeat += 1;
            list = expand(repeat);
        }
        // Spread the surplus over the joins, each no more than its
        // connectors allow.
        let joins = list.len().saturating_sub(1);
        let total: f32 = list.iter().map(|p| p.full_advance as f32 * s).sum();
        let mut overlap = overlap_min;
        if joins > 0 && total - joins as f32 * overlap_min > target {
            let max_overlap = list
                .windows(2)
                .map(|w| w[0].end_connector_length.min(w[1].start_connector_length) as f32 * s)
                .fold(f32::INFINITY, f32::min);
            overlap =
                ((total - target) / joins as f32).clamp(overlap_min, max_overlap.max(overlap_min));
        }
        let mut out = MathBox::empty();
        let mut y = 0.0f32;
        for (i, p) in list.iter().enumerate() {
            let mt = self.metrics(p.glyph_id, size);
            let bottom = -mt.depth;
            let text = if i == 0 {
                GlyphText::One(c)
            } else {
                GlyphText::None
            };
            out.items.push(MathItem::Glyph {
                x: 0.0,
                y: y - bottom,
                size,
                gid: p.glyph_id.0,
                advance: mt.advance,
                text,
            });
            out.width = out.width.max(mt.advance);
            y += p.full_advance as f32 * s - overlap;
        }
        let height = y + overlap;
        // Origin at the bottom: the caller centres it on the axis.
        out.height = height;
        out.depth = 0.0;
        out
    }

    fn scripts(
        &self,
        base: &Node,
        sub: Option<&Node>,
        sup: Option<&Node>,
        limits: bool,
        style: Style,
    ) -> MathBox {
        let (b, italic) = self.node_italic(base, style);
        if sub.is_none() && sup.is_none() {
            return b;
        }
        let big = matches!(base, Node::Op { text, .. } if BIG_OPERATORS.contains(text.as_str()));
        if limits && style.level == Level::Display {
            return self.limits(b, italic, sub, sup, style);
        }
        let c = &self.f.constants;
        // Primes are drawn raised already, at the base's size.
        let primes = sup.is_some_and(is_prime);
        let sup_box = sup.map(|n| {
            if primes {
                self.node(n, style)
            } else {
                self.node(n, style.script())
            }
        });
        let sub_box = sub.map(|n| self.node(n, style.sub()));
        // A single glyph's scripts go by the face's shifts; a compound
        // base's by its own height and depth too.
        let simple = !big
            && matches!(
                base,
                Node::Ident(_) | Node::Number(_) | Node::Op { .. } | Node::Function(_)
            );
        let script = style.script();
        let mut up = 0.0f32;
        if let Some(p) = sup_box.as_ref().filter(|_| !primes) {
            let shift = if style.cramped {
                self.k(c.superscript_shift_up_cramped(), style)
            } else {
                self.k(c.superscript_shift_up(), style)
            };
            up = shift.max(p.depth + self.k(c.superscript_bottom_min(), style));
            if !simple {
                up = up.max(b.height - self.k(c.superscript_baseline_drop_max(), script));
            }
        }
        let mut down = 0.0f32;
        if let Some(q) = &sub_box {
            down = self
                .k(c.subscript_shift_down(), style)
                .max(q.height - self.k(c.subscript_top_max(), style));
            if !simple {
                down = down.max(b.depth + self.k(c.subscript_baseline_drop_min(), script));
            }
        }
        if let (Some(p), Some(q), false) = (&sup_box, &sub_box, primes) {
            let gap = (up - p.depth) - (q.height - down);
            let min = self.k(c.sub_superscript_gap_min(), style);
            if gap < min {
                let most = self.k(c.superscript_bottom_max_with_subscript(), style);
                let raise = (most - (up - p.depth)).clamp(0.0, min - gap);
                up += raise;
                down += min - gap - raise;
            }
        }
        // The superscript clears the base's slant (an integral's top
        // leans out past its advance); the subscript does not.
        let sub_x = b.width;
        let sup_x = b.width + italic;
        let after = self.k(c.space_after_script(), style);
        let mut out = MathBox {
            display: false,
            tag: None,
            width: b.width,
            height: b.height,
            depth: b.depth,
            items: Vec::new(),
        };
        out.add(b, 0.0, 0.0);
        if let Some(p) = sup_box {
            out.width = out.width.max(sup_x + p.width + after);
            out.height = out.height.max(up + p.height);
            out.depth = out.depth.max(p.depth - up);
            out.add(p, sup_x, up);
        }
        if let Some(q) = sub_box {
            out.width = out.width.max(sub_x + q.width + after);
            out.height = out.height.max(q.height - down);
            out.depth = out.depth.max(down + q.depth);
            out.add(q, sub_x, -down);
        }
        out
    }

    /// Limits above and below a big operator or `\lim`.
    fn limits(
        &self,
        b: MathBox,
        italic: f32,
        sub: Option<&Node>,
        sup: Option<&Node>,
        style: Style,
    ) -> MathBox {
        let c = &self.f.constants;
        let sup_box = sup.map(|n| self.node(n, style.script()));
        let sub_box = sub.map(|n| self.node(n, style.sub()));
        let width = [
            Some(b.width),
            sup_box.as_ref().map(|p| p.width + italic / 2.0),
            sub_box.as_ref().map(|q| q.width + italic / 2.0),
        ]
        .into_iter()
        .flatten()
        .fold(0.0, f32::max);
        let mut out = MathBox {
            display: false,
            tag: None,
            width,
            height: b.height,
            depth: b.depth,
            items: Vec::new(),
        };
        let bh = b.height;
        let bd = b.depth;
        out.add(b.clone(), (width - b.width) / 2.0, 0.0);
        if let Some(p) = sup_box {
            let gap = self
                .k(c.upper_limit_gap_min(), style)
                .max(self.k(c.upper_limit_baseline_rise_min(), style) - p.depth);
            let y = bh + gap + p.depth;
            out.height = y + p.height;
            out.add(p.clone(), (width - p.width) / 2.0 + italic / 4.0, y);
        }
        if let Some(q) = sub_box {
            let gap = self
                .k(c.lower_limit_gap_min(), style)
                .max(self.k(c.lower_limit_baseline_drop_min(), style) - q.height);
            let y = bd + gap + q.height;
            out.depth = y + q.depth;
            out.add(q.clone(), (width - q.width) / 2.0 - italic / 4.0, -y);
        }
        out
    }

    fn fraction(&self, num: &Node, den: &Node, style: Style) -> MathBox {
        let c = &self.f.constants;
        let n = self.node(num, style.numerator());
        let d = self.node(den, style.denominator());
        let display = style.level == Level::Display;
        let (up, down, gap_n, gap_d) = if display {
            (
                c.fraction_numerator_display_style_shift_up(),
                c.fraction_denominator_display_style_shift_down(),
                c.fraction_num_display_style_gap_min(),
                c.fraction_denom_display_style_gap_min(),
            )
        } else {
            (
                c.fraction_numerator_shift_up(),
                c.fraction_denominator_shift_down(),
                c.fraction_numerator_gap_min(),
                c.fraction_denominator_gap_min(),
            )
        };
        let t = self.k(c.fraction_rule_thickness(), style);
        let axis = self.axis(style);
        let up = self
            .k(up, style)
            .max(axis + t / 2.0 + self.k(gap_n, style) + n.depth);
        let down = self
            .k(down, style)
            .max(d.height + self.k(gap_d, style) + t / 2.0 - axis);
        let pad = 0.12 * self.em(style);
        let inner = n.width.max(d.width);
        let width = inner + 2.0 * pad;
        let mut out = MathBox {
            display: false,
            tag: None,
            width,
            height: up + n.height,
            depth: down + d.depth,
            items: vec![MathItem::Rule {
                x: pad,
                y: axis,
                width: inner,
                thickness: t,
            }],
        };
        let (nw, dw) = (n.width, d.width);
        out.add(n, (width - nw) / 2.0, up);
        out.add(d, (width - dw) / 2.0, -down);
        out
    }

    fn radical(&self, index: Option<&Node>, body: &Node, style: Style) -> MathBox {
        let c = &self.f.constants;
        let size = self.em(style);
        let b = self.node(body, style.cramp());
        let mut gap = if style.level == Level::Display {
            self.k(c.radical_display_style_vertical_gap(), style)
        } else {
            self.k(c.radical_vertical_gap(), style)
        };
        let t = self.k(c.radical_rule_thickness(), style);
        let extra = self.k(c.radical_extra_ascender(), style);
        let need = b.height + b.depth + gap + t;
        let base = self.gid('√', Variant::Normal);
        let r = self.grown(base, need, size, '√');
        let total = r.height + r.depth;
        if total > need {
            gap += (total - need) / 2.0;
        }
        // The sign's top meets the rule's top.
        let top = b.height + gap + t;
        let shift = top - r.height;
        let mut out = MathBox::empty();
        let mut x = 0.0;
        if let Some(i) = index {
            let ib = self.node(
                i,
                Style {
                    level: Level::ScriptScript,
                    ..style
                },
            );
            let before = self.k(c.radical_kern_before_degree(), style);
            let after = self.k(c.radical_kern_after_degree(), style);
            let raise = c.radical_degree_bottom_raise_percent() as f32 / 100.0 * total;
            let y = shift - r.depth + raise + ib.depth;
            out.height = out.height.max(y + ib.height);
            let w = ib.width;
            out.add(ib, before, y);
            x = (before + w + after).max(0.0);
        }
        let rw = r.width;
        let rd = r.depth;
        out.add(r, x, shift);
        let bw = b.width;
        out.items.push(MathItem::Rule {
            x: x + rw,
            y: top - t / 2.0,
            width: bw,
            thickness: t,
        });
        out.height = out.height.max(top + extra);
        out.depth = b.depth.max(rd - shift);
        out.add(b, x + rw, 0.0);
        out.width = x + rw + bw;
        out
    }

    fn accent(&self, base: &Node, accent: &str, style: Style) -> MathBox {
        let c = &self.f.constants;
        let (b, _) = self.node_italic(base, style);
        let size = self.em(style);
        // A bar over more than one letter is a rule over the whole.
        let one_glyph = b.items.len() == 1;
        if accent == "¯" && !one_glyph {
            let gap = self.k(c.overbar_vertical_gap(), style);
            let t = self.k(c.overbar_rule_thickness(), style);
            let extra = self.k(c.overbar_extra_ascender(), style);
            let mut out = MathBox {
                display: false,
                tag: None,
                width: b.width,
                height: b.height + gap + t + extra,
                depth: b.depth,
                items: vec![MathItem::Rule {
                    x: 0.0,
                    y: b.height + gap + t / 2.0,
                    width: b.width,
                    thickness: t,
                }],
            };
            out.add(b, 0.0, 0.0);
            return out;
        }
        let mark = match accent {
            "^" => '\u{302}',
            "~" => '\u{303}',
            "¯" => '\u{304}',
            "˙" => '\u{307}',
            "¨" => '\u{308}',
            "ˇ" => '\u{30C}',
            "´" => '\u{301}',
            "`" => '\u{300}',
            "˘" => '\u{306}',
            "→" => '\u{20D7}',
            other => other.chars().next().unwrap_or('\u{302}'),
        };
        let mut gid = self.gid(mark, Variant::Normal);
        // Wide bases take a wider accent where the face has one.
        if let Some(construction) = self
            .f
            .variants
            .and_then(|v| v.horizontal_constructions.get(gid))
        {
            let s = size / self.f.upem;
            for v in construction.variants {
                if v.advance_measurement as f32 * s > b.width * 1.05 {
                    break;
                }
                gid = v.variant_glyph;
            }
        }
        let mt = self.metrics(gid, size);
        let bbox = self.f.face.glyph_bounding_box(gid);
        let s = size / self.f.upem;
        // Centre the accent's own attachment point (or its ink) on the
        // base's (or its middle).
        let base_x = match (&b.items[..], one_glyph) {
            ([MathItem::Glyph { gid, size, .. }], true) => self
                .metrics(GlyphId(*gid), *size)
                .accent_x
                .unwrap_or(b.width / 2.0),
            _ => b.width / 2.0,
        };
        let accent_x = mt.accent_x.unwrap_or_else(|| {
            bbox.map_or(mt.advance / 2.0, |bb| {
                (bb.x_min as f32 + bb.x_max as f32) / 2.0 * s
            })
        });
        let lift = (b.height - self.k(c.accent_base_height(), style)).max(0.0);
        let mut out = MathBox {
            display: false,
            tag: None,
            width: b.width,
            height: b.height.max(lift + mt.height),
            depth: b.depth,
            items: Vec::new(),
        };
        out.add(b, 0.0, 0.0);
        out.items.push(MathItem::Glyph {
            x: base_x - accent_x,
            y: lift,
            size,
            gid: gid.0,
            advance: mt.advance,
            text: GlyphText::None,
        });
        out
    }

    fn table(
        &self,
        rows: &[Vec<Node>],
        fences: Option<&(String, String)>,
        columns: Columns,
        style: Style,
    ) -> MathBox {
        let em = self.em(style);
        let cell_style = match columns {
            Columns::Align => Style {
                level: Level::Display,
                cramped: false,
                ..style
            },
            _ => Style {
                level: style.level.max(Level::Text),
                ..style
            },
        };
        let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
        let cells: Vec<Vec<MathBox>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, n)| {
                        if columns == Columns::Align && i % 2 == 1 {
                            // The right side of an alignment starts after an
                            // empty atom, so `= x` is spaced as a relation.
                            let mut v = vec![Node::Row(Vec::new())];
                            match n {
                                Node::Row(inner) => v.extend(inner.iter().cloned()),
                                other => v.push(other.clone()),
                            }
                            self.row(&v, cell_style)
                        } else {
                            self.node(n, cell_style)
                        }
                    })
                    .collect()
            })
            .collect();
        let mut widths = vec![0.0f32; ncols];
        for r in &cells {
            for (i, c) in r.iter().enumerate() {
                widths[i] = widths[i].max(c.width);
            }
        }
        let gap = |i: usize| -> f32 {
            match columns {
                Columns::Align if i.is_multiple_of(2) => 0.0,
                Columns::Align => 2.0 * em,
                _ => 1.0 * em,
            }
        };
        // Baselines: at least a line apart, and never touching.
        let (min_step, min_gap) = match columns {
            Columns::Align => (1.5 * em, 0.3 * em),
            _ => (1.2 * em, 0.2 * em),
        };
        let mut ys = Vec::new();
        let mut y = 0.0f32;
        let mut prev_depth: Option<f32> = None;
        for r in &cells {
            let h = r.iter().map(|c| c.height).fold(0.7 * em, f32::max);
            let d = r.iter().map(|c| c.depth).fold(0.2 * em, f32::max);
            if let Some(pd) = prev_depth {
                y -= min_step.max(pd + h + min_gap);
            } else {
                y = -h;
            }
            ys.push((y, h, d));
            prev_depth = Some(d);
        }
        let total = ys.last().map_or(0.0, |(y, _, d)| -y + d);
        let axis = self.axis(style);
        // Centre the table on the axis.
        let lift = total / 2.0 + axis;
        let mut inner = MathBox {
            display: false,
            tag: None,
            width: 0.0,
            height: lift,
            depth: total - lift,
            items: Vec::new(),
        };
        for (r, (y, _, _)) in cells.into_iter().zip(&ys) {
            let mut x = 0.0;
            for (i, c) in r.into_iter().enumerate() {
                let w = widths[i];
                let dx = match columns {
                    Columns::Centre => (w - c.width) / 2.0,
                    Columns::Left => 0.0,
                    Columns::Align if i.is_multiple_of(2) => w - c.width,
                    Columns::Align => 0.0,
                };
                inner.add(c, x + dx, lift + y);
                x += w + gap(i);
            }
        }
        inner.width = widths
            .iter()
            .enumerate()
            .map(|(i, w)| w + if i + 1 < ncols { gap(i) } else { 0.0 })
            .sum();
        let Some((open, close)) = fences else {
            return inner;
        };
        let target = inner.height + inner.depth;
        let mut out = MathBox::empty();
        let pad = 0.1 * em;
        for (i, part) in [Some(open.as_str()), None, Some(close.as_str())]
            .into_iter()
            .enumerate()
        {
            let b = match part {
                Some("") if i == 2 => continue,
                Some(d) => self.delimiter(d, target, style),
                None => std::mem::take(&mut inner),
            };
            let x = out.width + if i == 1 { pad } else { 0.0 };
            out.width = x + b.width + if i == 1 { pad } else { 0.0 };
            out.height = out.height.max(b.height);
            out.depth = out.depth.max(b.depth);
            out.add(b, x, 0.0);
        }
        out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn set(tex: &str, display: bool) -> MathBox {
        let data = crate::fonts::BUNDLED[crate::fonts::MATH_ROLE].data;
        let face = ttf_parser::Face::parse(data, 0).unwrap();
        let mf = MathFace::new(&face).unwrap();
        layout(&mf, &crate::math::parse(tex).unwrap(), 10.0, display)
    }

    #[test]
    fn a_fraction_stands_above_and_below_the_baseline() {
        let inline = set(r"\frac{a}{b}", false);
        let display = set(r"\frac{a}{b}", true);
        assert!(inline.height > 5.0 && inline.depth > 1.5, "{inline:?}");
        assert!(display.height > inline.height && display.depth > inline.depth);
        assert_eq!(
            display
                .items
                .iter()
                .filter(|i| matches!(i, MathItem::Rule { .. }))
                .count(),
            1
        );
    }

    #[test]
    fn scripts_are_smaller_and_raised() {
        let b = set("x^2", false);
        let sizes: Vec<(f32, f32)> = b
            .items
            .iter()
            .filter_map(|i| match i {
                MathItem::Glyph { y, size, .. } => Some((*y, *size)),
                _ => None,
            })
            .collect();
        assert_eq!(sizes.len(), 2);
        assert_eq!(sizes[0], (0.0, 10.0));
        assert!(sizes[1].0 > 2.5 && sizes[1].1 < 8.5, "{sizes:?}");
    }

    #[test]
    fn delimiters_grow_with_what_they_enclose() {
        let small = set(r"\left( x \right)", true);
        let tall = set(r"\left( \frac{\frac{a}{b}}{\frac{c}{d}} \right)", true);
        let paren_height = |b: &MathBox| {
            b.items
                .iter()
                .filter_map(|i| match i {
                    MathItem::Glyph { gid, size, .. } => Some((*gid, *size)),
                    _ => None,
                })
                .next()
                .unwrap()
        };
        assert_ne!(paren_height(&small).0, paren_height(&tall).0);
        assert!(tall.height + tall.depth > 2.0 * (small.height + small.depth));
    }

    #[test]
    fn display_sums_are_bigger_with_limits_above_and_below() {
        let display = set(r"\sum_{k=1}^{n} k", true);
        let inline = set(r"\sum_{k=1}^{n} k", false);
        assert!(
            display.height > inline.height + 3.0,
            "{display:?} {inline:?}"
        );
        assert!(display.width < inline.width + 1.0);
    }

    #[test]
    fn letters_are_math_italic_and_copy_as_themselves() {
        let b = set("x + 1", false);
        let texts: Vec<String> = b
            .items
            .iter()
            .filter_map(|i| match i {
                MathItem::Glyph { text, .. } => Some(text.to_text()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["x", "+", "1"]);
    }

    #[test]
    fn matrices_and_alignments_stack_their_rows() {
        let m = set(r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", true);
        let a = set(
            r"\begin{aligned} x &= 1 \\ y &= 2 \\ z &= 3 \end{aligned}",
            true,
        );
        assert!(a.height + a.depth > 3.0 * 12.0, "{a:?}");
        assert!(m.height + m.depth > 2.0 * 10.0);
    }
}
