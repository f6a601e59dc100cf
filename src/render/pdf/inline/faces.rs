//! Which face draws each stretch of text (the book's, then its
//! fallbacks), and text shaped into glyphs.

#[allow(unused_imports)]
use super::*;

impl Setter<'_, '_> {
    /// The pieces with each run of characters their face lacks given to
    /// the first fallback face that has them, character cluster by
    /// cluster; `None` when every face has all of its piece's characters.
    pub(super) fn with_fallbacks(&self, pieces: &[Piece]) -> Option<Vec<Piece>> {
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
    pub(super) fn face_runs(
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

    /// The glyphs of neutral characters in a right-to-left word, drawn
    /// right to left with brackets mirrored (`(` drawn as `)`), each still
    /// copying as what it is.
    pub(super) fn mirrored_glyphs(&mut self, style: TextStyle, text: &str) -> Vec<PlacedGlyph> {
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

    pub(super) fn glyphs(&mut self, style: TextStyle, text: &str) -> Vec<PlacedGlyph> {
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
}
