//! A paragraph as Knuth–Plass items: boxes for words and pictures,
//! glue for spaces, penalties for hyphens and breaks.

#[allow(unused_imports)]
use super::*;

/// Ends a line here whatever it costs: fill glue, then a forced break (the
/// end of a paragraph, or a hard line break).
pub(super) fn forced_break(items: &mut Vec<Item>, content: &mut Vec<Content>) {
    items.push(Item::Glue {
        width: 0.0,
        stretch: INFINITY,
        shrink: 0.0,
    });
    content.push(Content::Nothing);
    items.push(Item::Penalty {
        width: 0.0,
        cost: -INFINITY,
        flagged: false,
    });
    content.push(Content::Nothing);
}

impl Setter<'_, '_> {
    /// `long_word`: in an emergency, words wider than this may break
    /// between any two letters.
    pub(super) fn items(
        &mut self,
        pieces: &[Piece],
        indent: f32,
        hyphenate: bool,
        long_word: Option<f32>,
        align: Align,
    ) -> (Vec<Item>, Vec<Content>) {
        let mut items = Vec::new();
        let mut content = Vec::new();
        if indent != 0.0 {
            items.push(Item::Box { width: indent });
            content.push(Content::Nothing);
        }
        // Split pieces into words: (piece index, text) segments between spaces.
        let mut word: Vec<(usize, String)> = Vec::new();
        for (pi, piece) in pieces.iter().enumerate() {
            if let Some(img) = &piece.image {
                // An image in a line is a box as tall as a capital and a
                // little more, and never wider than the line.
                let height = piece.style.size * 1.1;
                let mut width = height * img.aspect;
                let mut h = height;
                if let Some(max) = long_word.filter(|m| *m > 0.0)
                    && width > max
                {
                    h *= max / width;
                    width = max;
                }
                self.word(
                    &mut items,
                    &mut content,
                    pieces,
                    &mut word,
                    hyphenate,
                    long_word,
                );
                items.push(Item::Box { width });
                content.push(Content::Image {
                    image: LineImage {
                        key: img.key.clone(),
                        alt: img.alt.clone(),
                        width,
                        height: h,
                        descent: piece.style.size * 0.2,
                    },
                    link: piece.link.clone(),
                });
                continue;
            }
            if let Some(m) = &piece.math {
                self.word(
                    &mut items,
                    &mut content,
                    pieces,
                    &mut word,
                    hyphenate,
                    long_word,
                );
                let parts = self.set_math(m, piece.style.size);
                // A displayed formula inside a paragraph's text is a line
                // of its own.
                let text_before = content.iter().any(|c| !matches!(c, Content::Nothing));
                if m.display && text_before {
                    forced_break(&mut items, &mut content);
                }
                let n = parts.len();
                for (k, (mut part, after)) in parts.into_iter().enumerate() {
                    if k + 1 == n {
                        part.tag = m.tag.clone();
                    }
                    items.push(Item::Box { width: part.width });
                    content.push(Content::Math {
                        math: Arc::new(part),
                        link: piece.link.clone(),
                    });
                    if let Some((cost, space)) = after {
                        items.push(Item::Penalty {
                            width: 0.0,
                            cost,
                            flagged: false,
                        });
                        content.push(Content::Nothing);
                        // As TeX's \thickmuskip (after a relation) and
                        // \medmuskip (after an operator), the space may
                        // stretch, and the smaller shrink, with the line.
                        let (stretch, shrink) = if cost < 600.0 {
                            (space, 0.0)
                        } else {
                            (space / 2.0, space / 2.0)
                        };
                        items.push(Item::Glue {
                            width: space,
                            stretch,
                            shrink,
                        });
                        content.push(Content::Nothing);
                    }
                }
                let text_after = pieces[pi + 1..]
                    .iter()
                    .any(|p| !p.text.trim().is_empty() || p.image.is_some() || p.math.is_some());
                if m.display && text_after {
                    forced_break(&mut items, &mut content);
                }
                continue;
            }
            if piece.line_break {
                self.word(
                    &mut items,
                    &mut content,
                    pieces,
                    &mut word,
                    hyphenate,
                    long_word,
                );
                forced_break(&mut items, &mut content);
                continue;
            }
            for (i, part) in piece.text.split(' ').enumerate() {
                if i > 0 {
                    self.word(
                        &mut items,
                        &mut content,
                        pieces,
                        &mut word,
                        hyphenate,
                        long_word,
                    );
                    self.space(&mut items, &mut content, piece.style, align);
                }
                if !part.is_empty() {
                    word.push((pi, part.to_string()));
                }
            }
        }
        self.word(
            &mut items,
            &mut content,
            pieces,
            &mut word,
            hyphenate,
            long_word,
        );
        // Drop a trailing space, then end the paragraph.
        while matches!(items.last(), Some(Item::Glue { .. })) {
            items.pop();
            content.pop();
        }
        forced_break(&mut items, &mut content);
        (items, content)
    }

    pub(super) fn space(
        &mut self,
        items: &mut Vec<Item>,
        content: &mut Vec<Content>,
        style: TextStyle,
        align: Align,
    ) {
        // Collapse runs of spaces.
        if matches!(items.last(), Some(Item::Glue { .. })) || items.is_empty() {
            return;
        }
        let glyph = self
            .glyphs(TextStyle { rise: 0.0, ..style }, " ")
            .into_iter()
            .next();
        let Some(glyph) = glyph else { return };
        let w = glyph.advance;
        // The space may grow by half (TeX's proportion) and shrink by two
        // fifths, a little more than TeX's third: a slightly tight line
        // reads better than a hyphen or a loose one.
        let (stretch, shrink) = if align == Align::Justify {
            (w / 2.0, w / 2.5)
        } else {
            (0.0, 0.0)
        };
        items.push(Item::Glue {
            width: w,
            stretch,
            shrink,
        });
        content.push(Content::Space { style, glyph });
    }

    /// Emits the boxes of one word (its segments may differ in style), with
    /// the places it may break.
    pub(super) fn word(
        &mut self,
        items: &mut Vec<Item>,
        content: &mut Vec<Content>,
        pieces: &[Piece],
        word: &mut Vec<(usize, String)>,
        hyphenate: bool,
        long_word: Option<f32>,
    ) {
        if word.is_empty() {
            return;
        }
        let segments = std::mem::take(word);
        let letters: usize = segments.iter().map(|(_, t)| t.chars().count()).sum();
        // A spaced dash stays with the word before it: a line never starts
        // with one.
        if segments.len() == 1
            && matches!(segments[0].1.as_str(), "\u{2013}" | "\u{2014}" | "-")
            && matches!(items.last(), Some(Item::Glue { .. }))
        {
            let at = items.len() - 1;
            items.insert(
                at,
                Item::Penalty {
                    width: 0.0,
                    cost: INFINITY,
                    flagged: false,
                },
            );
            content.insert(at, Content::Nothing);
        }
        // Brackets set beside right-to-left letters face the other way.
        let word_rtl = self.rtl
            && segments
                .iter()
                .any(|(_, t)| crate::render::pdf::shape::is_rtl_text(t));
        for (si, (pi, text)) in segments.iter().enumerate() {
            let piece = &pieces[*pi];
            // Soft hyphens (U+00AD) are the author's own hyphenation
            // points: never drawn, a hyphen where a line breaks at one.
            let mut soft: Vec<usize> = Vec::new();
            let cleaned: String;
            let text: &str = if text.contains('\u{AD}') {
                let mut t = String::with_capacity(text.len());
                for c in text.chars() {
                    if c == '\u{AD}' {
                        soft.push(t.len());
                    } else {
                        t.push(c);
                    }
                }
                cleaned = t;
                &cleaned
            } else {
                text
            };
            let glyphs = if word_rtl && !text.chars().any(|c| strong_direction(c).is_some()) {
                self.mirrored_glyphs(piece.style, text)
            } else {
                self.glyphs(piece.style, text)
            };
            // Where this segment may break: after explicit hyphens and
            // dashes or slashes (no hyphen added), at hyphenation points
            // (a hyphen added), or anywhere in an emergency.
            let mut points: Vec<(usize, bool, f32)> = soft
                .iter()
                .filter(|&&p| p > 0 && p < text.len())
                .map(|&p| (p, true, HYPHEN_PENALTY))
                .collect(); // (byte, flagged, cost)
            let url_like =
                text.contains("://") || text.starts_with("www.") || text.matches('/').count() >= 2;
            for (i, c) in text.char_indices() {
                let after = i + c.len_utf8();
                if after < text.len() && i > 0 {
                    match c {
                        '-' | '\u{2010}' => points.push((after, true, HYPHEN_PENALTY)),
                        '.' | ':' | '#' if url_like => {
                            points.push((after, false, SOFT_BREAK_PENALTY))
                        }
                        // A range of numbers (pages 200–203, 1914–18)
                        // stays on one line.
                        '\u{2013}'
                            if text[..i].ends_with(|c: char| c.is_ascii_digit())
                                && text[after..].starts_with(|c: char| c.is_ascii_digit()) => {}
                        '/' | '\u{2013}' | '\u{2014}' | '_' | '?' | '&' | '=' => {
                            points.push((after, false, SOFT_BREAK_PENALTY))
                        }
                        _ => {}
                    }
                }
            }
            // Chinese and Japanese break between any two characters, but
            // for the few a line may not start or end with (kinsoku).
            let mut prev: Option<char> = None;
            for (i, c) in text.char_indices() {
                if let Some(p) = prev
                    && (is_cjk(p) || is_cjk(c))
                    && !NO_BREAK_AFTER.contains(p)
                    && !NO_BREAK_BEFORE.contains(c)
                    && !c.is_ascii_alphanumeric()
                {
                    points.push((i, false, CJK_BREAK));
                }
                prev = Some(c);
            }
            let single =
                segments.len() == 1 && piece.style.font != FontId::Mono && piece.note.is_none();
            if hyphenate && single {
                let hyphenator = piece
                    .style
                    .lang
                    .and_then(|l| self.languages?.get(l.as_str()))
                    .unwrap_or(self.hyphenator);
                for p in hyphenator.points(text) {
                    points.push((p, true, HYPHEN_PENALTY));
                }
            }
            let wide = glyphs.iter().map(|g| g.advance).sum::<f32>();
            if long_word.is_some_and(|w| wide > w) {
                points.extend(
                    text.char_indices()
                        .skip(1)
                        .map(|(i, _)| (i, false, EMERGENCY_PENALTY)),
                );
            }
            // A right-to-left word's glyphs are in drawing order, not the
            // text's: it is not broken.
            if crate::render::pdf::shape::is_rtl_text(text) {
                points.clear();
            }
            // Where two kinds of break fall at one place, the first found
            // (a hyphen, a soft break) wins over a break between letters.
            points.sort_by_key(|p| p.0);
            points.dedup_by_key(|p| p.0);
            // Split the glyphs at the points that fall on glyph boundaries
            // (never inside a ligature).
            let mut start_glyph = 0;
            let mut byte_pos = 0;
            let mut boundaries: Vec<(usize, bool, f32)> = Vec::new();
            {
                let mut gi = 0;
                for &(p, flagged, cost) in &points {
                    while gi < glyphs.len() && byte_pos < p {
                        byte_pos += glyphs[gi].text.len();
                        gi += 1;
                    }
                    if byte_pos == p && gi > 0 && gi < glyphs.len() {
                        boundaries.push((gi, flagged, cost));
                    }
                }
            }
            for (gi, flagged, cost) in boundaries {
                self.push_box(items, content, piece, glyphs[start_glyph..gi].to_vec());
                let ends_in_hyphen =
                    matches!(glyphs[gi - 1].text.last_char(), Some('-' | '\u{2010}'));
                if flagged && !ends_in_hyphen {
                    let hyphen = self.glyphs(piece.style, "-").into_iter().next();
                    let width = hyphen.as_ref().map_or(0.0, |h| h.advance);
                    items.push(Item::Penalty {
                        width,
                        cost,
                        flagged: true,
                    });
                    content.push(hyphen.map_or(Content::Nothing, |glyph| Content::Hyphen {
                        style: piece.style,
                        glyph,
                    }));
                } else if cost == CJK_BREAK {
                    // Room to stretch between characters, so that a
                    // justified line of them fills the measure.
                    items.push(Item::Glue {
                        width: 0.0,
                        stretch: piece.style.size * 0.15,
                        shrink: 0.0,
                    });
                    content.push(Content::Nothing);
                } else {
                    items.push(Item::Penalty {
                        width: 0.0,
                        cost,
                        flagged,
                    });
                    content.push(Content::Nothing);
                }
                start_glyph = gi;
            }
            self.push_box(items, content, piece, glyphs[start_glyph..].to_vec());
            // Keep a note marker on the line of the word it follows.
            if si + 1 < segments.len() {
                continue;
            }
        }
        if letters == 1 && segments[0].1.chars().all(char::is_alphabetic) {
            items.push(Item::Penalty {
                width: 0.0,
                cost: ONE_LETTER_PENALTY,
                flagged: false,
            });
            content.push(Content::Nothing);
        }
    }

    pub(super) fn push_box(
        &mut self,
        items: &mut Vec<Item>,
        content: &mut Vec<Content>,
        piece: &Piece,
        glyphs: Vec<PlacedGlyph>,
    ) {
        if glyphs.is_empty() {
            return;
        }
        let width: f32 = glyphs.iter().map(|g| g.advance).sum();
        items.push(Item::Box { width });
        content.push(Content::Glyphs {
            style: piece.style,
            glyphs,
            link: piece.link.clone(),
            note: piece.note.clone(),
        });
    }
}
