//! Directions: a paragraph split into runs of one direction, and a
//! line's items put in the order they are drawn.

#[allow(unused_imports)]
use super::*;

/// Pieces with right-to-left letters split where the direction changes
/// (`ב-2024`: Hebrew, then a number), so that each part is shaped in its
/// own direction and the line orders them; characters without one go
/// with the part they follow. `None` when nothing needs splitting.
pub(super) fn split_directions(pieces: &[Piece]) -> Option<Vec<Piece>> {
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
pub(super) fn strong_direction(c: char) -> Option<bool> {
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

impl Setter<'_, '_> {
    /// The items of a line in the order they are drawn, left to right:
    /// as they are, unless right-to-left words are in it, when the
    /// Unicode bidirectional algorithm's reordering (rule L2) is applied
    /// word by word, each word's glyphs being drawn in order already.
    pub(super) fn visual_order(
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
}
