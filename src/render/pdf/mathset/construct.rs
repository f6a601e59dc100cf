//! The formula's constructions: big operators, stretched delimiters and
//! glyph assemblies, scripts and limits, fractions, radicals, accents and
//! arrays, each measured by the math face's MATH table.

use super::*;

impl Layout<'_, '_> {
    /// A big operator: in display style the face's display size, set on
    /// the math axis.
    pub(super) fn big_operator(&self, text: &str, style: Style) -> (MathBox, f32) {
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
    pub(super) fn vertical_variant(&self, gid: GlyphId, min: f32, size: f32) -> Option<GlyphId> {
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
    pub(super) fn delimiter(&self, text: &str, target: f32, style: Style) -> MathBox {
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
    pub(super) fn grown(&self, base: GlyphId, target: f32, size: f32, c: char) -> MathBox {
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
    pub(super) fn assemble(&self, a: m::GlyphAssembly, target: f32, size: f32, c: char) -> MathBox {
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

    pub(super) fn scripts(
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
    pub(super) fn limits(
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

    pub(super) fn fraction(&self, num: &Node, den: &Node, style: Style) -> MathBox {
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

    pub(super) fn radical(&self, index: Option<&Node>, body: &Node, style: Style) -> MathBox {
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

    pub(super) fn accent(&self, base: &Node, accent: &str, style: Style) -> MathBox {
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

    pub(super) fn table(
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
