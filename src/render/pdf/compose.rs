//! Pages composed from what pagination decided: each line, figure,
//! rule and note drawn at its place, mirrored for right-to-left books,
//! turned for landscape pages, tagged for the structure tree.

use super::*;

/// Footnotes are numbered as structure elements after everything else.
pub(super) const NOTE_ELEMS: u32 = 3_000_000_000;

/// What every page is composed from.
pub(super) struct Composer<'a> {
    pub(super) g: &'a Geometry,
    pub(super) items: &'a [VItem],
    pub(super) notes: &'a [flow::Note],
    pub(super) note_leading: f32,
}

/// The anchors and outline entries met so far, with sets to find them by
/// name in constant time (a book may have tens of thousands).
pub(super) struct Named<'a> {
    pub(super) anchors: &'a mut Vec<Anchor>,
    pub(super) names: &'a mut HashSet<String>,
    pub(super) outline: &'a mut Vec<OutlineEntry>,
    pub(super) outlined: &'a mut HashSet<String>,
}

/// Places one page's items and notes on the page.
pub(super) fn compose(c: &Composer, index: usize, body: &PageBody, named: &mut Named) -> Page {
    let g = c.g;
    let mut page = Page {
        width: g.page.width,
        height: g.page.height,
        items: Vec::new(),
        links: Vec::new(),
        label: None,
        trim: None,
        bleed: None,
    };
    let left = g.left(index);
    let top = g.top_y();
    let last = body.placed.len().saturating_sub(1);
    for (n, &(idx, offset)) in body.placed.iter().enumerate() {
        let item = &c.items[idx];
        let y_top = top - offset;
        if item.edge_only && n != 0 && n != last {
            continue;
        }
        for name in &item.anchors {
            if named.names.insert(name.clone()) {
                named.anchors.push(Anchor {
                    name: name.clone(),
                    page: index,
                    y: y_top + g.leading * 0.2,
                });
            }
        }
        if let Some((title, level)) = &item.outline
            && let Some(name) = item.anchors.first()
            && named.outlined.insert(name.clone())
        {
            named.outline.push(OutlineEntry {
                title: title.clone(),
                level: *level,
                anchor: name.clone(),
            });
        }
        for d in &item.draws {
            if g.rtl {
                draw(&mut page, &mirrored(d, g.measure()), left, y_top, item.tag);
            } else {
                draw(&mut page, d, left, y_top, item.tag);
            }
        }
    }
    // Footnotes, from the foot of the text block up.
    if !body.notes.is_empty() {
        let bottom = top - g.text_height() - body.extra + paginate::notes_raised(g, c.note_leading);
        let block = body.notes.len() as f32 * c.note_leading;
        let rule_y = bottom + block + paginate::note_gap(g) * 0.45;
        // The short rule above the notes starts where lines start.
        let rule_x = if g.rtl {
            left + g.measure() * 0.75
        } else {
            left
        };
        page.items.push(Item::Rule {
            x: rule_x,
            y: rule_y,
            width: g.measure() * 0.25,
            thickness: 0.4,
        });
        let mut y = bottom + block;
        let mut last_note = None;
        for &(n, l) in &body.notes {
            let note = &c.notes[n];
            let (dx, line) = &note.lines[l];
            let y_top = y;
            if l == 0 && last_note != Some(n) && named.names.insert(note.key.clone()) {
                for name in std::iter::once(&note.key).chain(&note.anchors) {
                    named.names.insert(name.clone());
                    named.anchors.push(Anchor {
                        name: name.clone(),
                        page: index,
                        y: y_top,
                    });
                }
            }
            last_note = Some(n);
            let tag = Tag {
                role: "Note",
                elem: NOTE_ELEMS + n as u32,
                lang: None,
            };
            let dx = if g.rtl {
                g.measure() - dx - line_box(line)
            } else {
                *dx
            };
            place_tagged(
                &mut page,
                line,
                left + dx,
                y_top - c.note_leading * paginate::NOTE_BASELINE,
                Some(tag),
            );
            y -= c.note_leading;
        }
    }
    page
}

/// The width of the box a line was set in: its measure, or for a line
/// set without one (a list marker), what it holds.
pub(super) fn line_box(line: &SetLine) -> f32 {
    if line.measure > 0.0 && line.measure < 1.0e5 {
        line.measure
    } else {
        line.width
    }
}

/// A draw of a right-to-left book, its place mirrored in the text block
/// `width` wide: indents, list markers and table columns from the right.
/// What it draws is not mirrored (its lines are set right to left).
pub(super) fn mirrored(d: &Draw, width: f32) -> Draw {
    match d {
        Draw::Text { dx, baseline, line } => Draw::Text {
            dx: width - dx - line_box(line),
            baseline: *baseline,
            line: line.clone(),
        },
        Draw::Rule {
            dx,
            dy,
            width: w,
            thickness,
        } => Draw::Rule {
            dx: width - dx - w,
            dy: *dy,
            width: *w,
            thickness: *thickness,
        },
        Draw::Image {
            dx,
            dy,
            width: w,
            height,
            key,
            alt,
        } => Draw::Image {
            dx: width - dx - w,
            dy: *dy,
            width: *w,
            height: *height,
            key: key.clone(),
            alt: alt.clone(),
        },
        other => other.clone(),
    }
}

pub(super) fn draw(page: &mut Page, d: &Draw, left: f32, y_top: f32, tag: Option<Tag>) {
    match d {
        Draw::Turned { length, draws } => {
            // Frame point (u across, v down) to the page: x = left + v,
            // y = bottom + u.
            let bottom = y_top - length;
            for d in draws {
                match d {
                    Draw::Text { dx, baseline, line } => {
                        place_turned(page, line, left + baseline, bottom + dx, tag)
                    }
                    Draw::Rule {
                        dx,
                        dy,
                        width,
                        thickness,
                    } => page.items.push(Item::Bar {
                        x: left + dy - thickness / 2.0,
                        y: bottom + dx,
                        width: *thickness,
                        height: *width,
                    }),
                    other => draw(page, other, left, y_top, tag),
                }
            }
        }
        Draw::Text { dx, baseline, line } => {
            place_tagged(page, line, left + dx, y_top - baseline, tag)
        }
        Draw::Rule {
            dx,
            dy,
            width,
            thickness,
        } => page.items.push(Item::Rule {
            x: left + dx,
            y: y_top - dy,
            width: *width,
            thickness: *thickness,
        }),
        Draw::Image {
            dx,
            dy,
            width,
            height,
            key,
            alt,
        } => page.items.push(Item::Image(PlacedImage {
            key: key.clone(),
            x: left + dx,
            y: y_top - dy - height,
            width: *width,
            height: *height,
            alt: alt.clone(),
            tag,
        })),
        Draw::PageImage { aspect, key, alt } => {
            // Cover the whole paper, bleed and all, centred.
            let (pw, ph) = (page.width, page.height);
            let (w, h) = if pw / ph > *aspect {
                (pw, pw / aspect)
            } else {
                (ph * aspect, ph)
            };
            page.items.push(Item::Image(PlacedImage {
                key: key.clone(),
                x: (pw - w) / 2.0,
                y: (ph - h) / 2.0,
                width: w,
                height: h,
                alt: alt.clone(),
                tag,
            }));
        }
    }
}

/// Puts a set line on the page with its baseline at `y`, as page
/// furniture (not part of the text's structure).
pub(crate) fn place_line(page: &mut Page, line: &SetLine, x: f32, y: f32) {
    place_tagged(page, line, x, y, None)
}

/// Puts a set line on the page as part of structure element `tag`.
/// A line turned a quarter counter-clockwise, its baseline starting at
/// (x, y) and running up the page.
pub(super) fn place_turned(page: &mut Page, line: &SetLine, x: f32, y: f32, tag: Option<Tag>) {
    for run in &line.runs {
        page.items.push(Item::Text(GlyphRun {
            font: run.style.font,
            size: run.style.size,
            x: x - run.style.rise,
            y: y + run.x,
            glyphs: run.glyphs.clone(),
            scale: 1.0 + line.expand,
            grey: run.style.grey,
            cmyk: run.style.cmyk,
            turn: page::Turn::Counter,
            tag,
            invisible: false,
        }));
    }
    for (x0, m) in &line.maths {
        place_math(page, m, (x, y + x0), page::Turn::Counter, tag);
    }
    for (x0, x1, style) in &line.strikes {
        page.items.push(Item::Bar {
            x: x - style.size * 0.28 - style.size * 0.025,
            y: y + x0,
            width: style.size * 0.05,
            height: x1 - x0,
        });
    }
    for (x0, img) in &line.images {
        page.items.push(Item::Image(PlacedImage {
            key: img.key.clone(),
            x: x - img.height + img.descent,
            y: y + x0,
            width: img.height,
            height: img.width,
            alt: img.alt.clone(),
            tag,
        }));
    }
    for (x0, x1, dest) in &line.links {
        let size = line.runs.first().map_or(10.0, |r| r.style.size);
        page.links.push(LinkArea {
            x: x - size * 0.85,
            y: y + x0,
            width: size * 1.1,
            height: x1 - x0,
            target: dest.clone(),
        });
    }
}

pub(crate) fn place_tagged(page: &mut Page, line: &SetLine, x: f32, y: f32, tag: Option<Tag>) {
    for run in &line.runs {
        page.items.push(Item::Text(GlyphRun {
            font: run.style.font,
            size: run.style.size,
            x: x + run.x,
            y: y + run.style.rise,
            glyphs: run.glyphs.clone(),
            scale: 1.0 + line.expand,
            grey: run.style.grey,
            cmyk: run.style.cmyk,
            turn: page::Turn::Upright,
            tag,
            invisible: false,
        }));
    }
    for (x0, x1, style) in &line.strikes {
        page.items.push(Item::Rule {
            x: x + x0,
            y: y + style.size * 0.28,
            width: x1 - x0,
            thickness: style.size * 0.05,
        });
    }
    for (x0, m) in &line.maths {
        place_math(page, m, (x + x0, y), page::Turn::Upright, tag);
    }
    for (x0, img) in &line.images {
        page.items.push(Item::Image(PlacedImage {
            key: img.key.clone(),
            x: x + x0,
            y: y - img.descent,
            width: img.width,
            height: img.height,
            alt: img.alt.clone(),
            tag,
        }));
    }
    for (x0, x1, dest) in &line.links {
        let size = line.runs.first().map_or(10.0, |r| r.style.size);
        page.links.push(LinkArea {
            x: x + x0,
            y: y - size * 0.25,
            width: x1 - x0,
            height: size * 1.1,
            target: dest.clone(),
        });
    }
}

/// Draws a set formula with its origin at `at`, upright or turned a
/// quarter counter-clockwise (a landscape table's): glyphs that follow
/// one another on a baseline at one size share a run.
pub(super) fn place_math(
    page: &mut Page,
    m: &mathset::MathBox,
    at: (f32, f32),
    turn: page::Turn,
    tag: Option<Tag>,
) {
    let turned = turn == page::Turn::Counter;
    // A point of the formula (along, up) on the page.
    let pos = |dx: f32, dy: f32| {
        if turned {
            (at.0 - dy, at.1 + dx)
        } else {
            (at.0 + dx, at.1 + dy)
        }
    };
    let mut run: Option<(GlyphRun, f32, f32)> = None;
    for item in &m.items {
        match item {
            mathset::MathItem::Glyph {
                x: gx,
                y: gy,
                size,
                gid,
                advance,
                text,
            } => {
                let glyph = page::PlacedGlyph {
                    gid: *gid,
                    advance: *advance,
                    natural: *advance,
                    text: text.clone(),
                };
                match &mut run {
                    Some((r, end, base))
                        if r.size == *size && *base == *gy && (*end - gx).abs() < 0.01 =>
                    {
                        std::sync::Arc::make_mut(&mut r.glyphs).push(glyph);
                        *end = gx + advance;
                    }
                    _ => {
                        if let Some((r, _, _)) = run.take() {
                            page.items.push(Item::Text(r));
                        }
                        let (px, py) = pos(*gx, *gy);
                        run = Some((
                            GlyphRun {
                                font: shape::FontId::Math,
                                size: *size,
                                x: px,
                                y: py,
                                glyphs: vec![glyph].into(),
                                scale: 1.0,
                                grey: 0.0,
                                cmyk: None,
                                turn,
                                tag,
                                invisible: false,
                            },
                            gx + advance,
                            *gy,
                        ));
                    }
                }
            }
            mathset::MathItem::Rule {
                x: rx,
                y: ry,
                width,
                thickness,
            } => {
                let (px, py) = pos(*rx, *ry);
                page.items.push(if turned {
                    Item::Bar {
                        x: px - thickness / 2.0,
                        y: py,
                        width: *thickness,
                        height: *width,
                    }
                } else {
                    Item::Rule {
                        x: px,
                        y: py,
                        width: *width,
                        thickness: *thickness,
                    }
                });
            }
        }
    }
    if let Some((r, _, _)) = run {
        page.items.push(Item::Text(r));
    }
}
