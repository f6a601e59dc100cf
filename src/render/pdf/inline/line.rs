//! Lines built from the breaker's choice: glyphs placed, justified or
//! ragged, with what went wrong on each (loose, overfull).

#[allow(unused_imports)]
use super::*;

/// What, if anything, is wrong with a set line that a reader would see.
pub(super) fn issue(
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
    if !spaces || line.ratio <= 0.0 {
        return None;
    }
    // The word spaces as set, in ems of their own type: what a reader
    // sees, and what a typography review measures.
    let (sum, n) = line
        .runs
        .iter()
        .flat_map(|r| r.glyphs.iter().map(move |g| (g, r.style.size)))
        .filter(|(g, _)| matches!(g.text, crate::render::pdf::page::GlyphText::One(' ')))
        .fold((0.0f32, 0u32), |(s, n), (g, size)| {
            (s + g.advance / size, n + 1)
        });
    let em = if n == 0 { 0.0 } else { sum / n as f32 };
    (em > LOOSE_REPORTED).then_some(LineIssue::Loose { em })
}

/// Word spaces wider than this (in ems of their type) give some of their
/// width to the gaps between letters.
const TRACK_FROM: f32 = 0.5;
/// The most a gap between letters is widened: 1.5% of an em, below what
/// a reader notices as letterspacing (micro-typography's tracking).
const MAX_TRACK: f32 = 0.015;

/// How a loose line is tracked: what each gap between letters gains, and
/// what share of the spaces' width over `TRACK_FROM` they give for it.
struct Tracking {
    per_letter: f32,
    from_spaces: f32,
    /// The line's letters (the last is not tracked).
    letters: usize,
}

/// Tracking for a justified line whose word spaces are wider than
/// `TRACK_FROM`: the width over it moves into the gaps between letters,
/// each gap at most `MAX_TRACK` wider. Only for lines set wholly in the
/// book's text faces, one glyph to a character cluster (no marks to move
/// off their letters, no code, no joined scripts).
fn tracking(items: &[Item], content: &[Content], order: &[usize], ratio: f32) -> Option<Tracking> {
    let (mut letters, mut over, mut size) = (0usize, 0.0f32, f32::INFINITY);
    for &i in order {
        match (&items[i], &content[i]) {
            (Item::Box { .. }, Content::Glyphs { style, glyphs, .. }) => {
                let text_face = matches!(
                    style.font,
                    FontId::Regular | FontId::Italic | FontId::Bold | FontId::BoldItalic
                );
                if !text_face
                    || glyphs
                        .iter()
                        .any(|g| g.text.is_empty() || !spaced_script(&g.text))
                {
                    return None;
                }
                letters += glyphs.len();
                size = size.min(style.size);
            }
            (Item::Glue { width, stretch, .. }, Content::Space { style, .. }) => {
                over += (width + ratio * stretch - TRACK_FROM * style.size).max(0.0);
            }
            (Item::Box { .. }, Content::Image { .. } | Content::Math { .. }) => return None,
            _ => {}
        }
    }
    if over <= 0.0 || letters < 2 || !size.is_finite() {
        return None;
    }
    let gaps = (letters - 1) as f32;
    let per_letter = (over / gaps).min(MAX_TRACK * size);
    Some(Tracking {
        per_letter,
        from_spaces: per_letter * gaps / over,
        letters,
    })
}

/// Whether letters of this text may be spaced apart: Latin, Greek and
/// Cyrillic (and the punctuation and digits all scripts share); not the
/// scripts whose letters join or hang from one line (Arabic, Devanagari…),
/// nor those set on a grid of their own (Han, kana).
fn spaced_script(text: &crate::render::pdf::page::GlyphText) -> bool {
    use unicode_script::{Script, UnicodeScript};
    text.to_text().chars().all(|c| {
        matches!(
            c.script(),
            Script::Latin | Script::Greek | Script::Cyrillic | Script::Common | Script::Inherited
        )
    })
}

/// The longest word of a set line, shortened for a message.
/// What makes a line wider than the measure: its widest formula, if it
/// has one wider than the line, or else a word.
pub(super) fn overfull(line: &SetLine, measure: f32) -> LineIssue {
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

pub(super) fn offset(line: &mut SetLine, dx: f32) {
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

impl Setter<'_, '_> {
    pub(super) fn build_line(
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
        let order = self.visual_order(items, content, range);
        let track = if ratio > 0.0 && !self.rtl && self.micro.tracking {
            tracking(items, content, &order, ratio)
        } else {
            None
        };
        // Letters placed so far, for tracking: the last gets none, so
        // that the line still ends at the margin.
        let mut letters = 0usize;
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
        for i in order {
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
                        let mut g = g.clone();
                        if let Some(t) = &track {
                            letters += 1;
                            if letters < t.letters {
                                g.advance += t.per_letter / scale;
                            }
                        }
                        push_glyph(&mut line, *style, g, &mut x);
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
                    let mut w = if ratio >= 0.0 {
                        width + ratio * stretch
                    } else {
                        width + ratio * shrink
                    };
                    if let (Some(t), Content::Space { style, .. }) = (&track, c) {
                        w -= t.from_spaces * (w - TRACK_FROM * style.size).max(0.0);
                    }
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
    pub(super) fn ragged(
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
