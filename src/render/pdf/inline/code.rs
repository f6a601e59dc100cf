//! Lines of code: set as written, each stretch in the face that has it,
//! broken only where a line is longer than the measure.

#[allow(unused_imports)]
use super::*;

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
        let levels: Option<Vec<u8>> = crate::render::pdf::shape::is_rtl_text(text).then(|| {
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
        let style = styles.first().map_or(
            TextStyle::new(crate::render::pdf::shape::FontId::Mono, 9.0),
            |s| s.1,
        );
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
}
