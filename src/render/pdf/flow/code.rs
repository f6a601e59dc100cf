//! Code blocks: highlighted, tabs expanded, long lines wrapped with a
//! continuation mark, split across pages line by line.

use super::*;

impl<'a, 's, 'f> Flow<'a, 's, 'f> {
    /// The lines of a code block at `style`, each no wider than `measure`:
    /// a line too long wraps, and each continuation starts with a mark in
    /// the gutter (reported once a block, with the length that fits).
    pub(super) fn code(
        &mut self,
        block: &crate::model::BlockKind,
        style: TextStyle,
        measure: f32,
    ) -> Vec<SetLine> {
        let BlockKind::CodeBlock {
            language,
            text,
            first_line,
            ..
        } = block
        else {
            return Vec::new();
        };
        // Tabs to the next multiple of four, before the tokens are found,
        // so that their places hold.
        let text = &expand_tabs(text);
        let spans = match language {
            Some(l) if !self.book.options.style.plain_code => crate::highlight::highlight(l, text),
            _ => Vec::new(),
        };
        // Line numbers in a gutter of their own, in grey.
        let number_style = TextStyle {
            grey: 0.45,
            ..style.generated()
        };
        let (gutter, mut number) = match first_line {
            Some(n) => {
                let last = n + text.lines().count() as u32;
                let digits = last.to_string().len() as f32;
                let w = self.setter.shaper.width(style.font, style.size, "0");
                (w * (digits + 1.5), Some(*n))
            }
            None => (0.0, None),
        };
        let measure = measure - gutter;
        // A block whose longest line is a little too long is set a little
        // smaller instead of wrapping.
        let shrink = self.book.options.style.code_shrink.unwrap_or(0.15);
        let longest = text
            .lines()
            .map(|l| {
                let (glyphs, _) = self.setter.code_glyphs(l, &[(0, style)]);
                glyphs.iter().map(|g| g.advance).sum::<f32>()
            })
            .fold(0.0f32, f32::max);
        let style = if longest > measure && longest * (1.0 - shrink) <= measure {
            TextStyle {
                size: style.size * (measure / longest) * 0.999,
                ..style
            }
        } else {
            style
        };
        let hang = style.size * 1.2;
        let mark_style = TextStyle {
            font: if self.setter.shaper.covers(FontId::Mono, '\u{21AA}') {
                FontId::Mono
            } else {
                FontId::Regular
            },
            grey: 0.45,
            ..style.generated()
        };
        let mark = self
            .setter
            .set(&[plain(CONTINUATION, mark_style)], 1.0e6, 0.0, Align::Left)
            .pop()
            .unwrap_or_default();
        let mut out = Vec::new();
        let mut wrapped = 0usize;
        let mut offset = 0usize;
        let mut spans = spans.iter().peekable();
        for l in text.split('\n') {
            let line_start = offset;
            offset += l.len() + 1;
            let l = l.strip_suffix('\r').unwrap_or(l);
            let numbered = number.map(|n| {
                number = Some(n + 1);
                let set = self
                    .setter
                    .set(
                        &[plain(&n.to_string(), number_style)],
                        1.0e6,
                        0.0,
                        Align::Left,
                    )
                    .pop()
                    .unwrap_or_default();
                let mut set = set;
                let dx = gutter - set.width - style.size * 0.9;
                for r in &mut set.runs {
                    r.x += dx;
                }
                set
            });
            if l.trim().is_empty() {
                let mut blank = SetLine::default();
                if let Some(n) = numbered {
                    blank.runs = n.runs;
                }
                out.push(blank);
                continue;
            }
            // The styles of this line's stretches, by where they start.
            let mut styles: Vec<(usize, TextStyle)> = vec![(0, style)];
            let end = line_start + l.len();
            while spans.peek().is_some_and(|(r, _)| r.end <= line_start) {
                spans.next();
            }
            for (r, tok) in spans.clone() {
                if r.start >= end {
                    break;
                }
                let s = r.start.max(line_start) - line_start;
                let e = r.end.min(end) - line_start;
                styles.push((s, token_style(*tok, style)));
                styles.push((e, style));
            }
            styles.dedup_by(|b, a| {
                a.0 == b.0 && {
                    a.1 = b.1;
                    true
                }
            });
            // Continuations line up with the line's own indent, and a
            // little further, unless that leaves too little room.
            let lead = l.len() - l.trim_start_matches([' ', '\t']).len();
            let lead_w = self.setter.shaper.width(style.font, style.size, &l[..lead]);
            let cont = if lead_w + hang < measure / 2.0 {
                lead_w + hang
            } else {
                hang
            };
            let set = self.setter.code_lines_styled(l, &styles, measure, cont);
            if set.len() > 1 {
                wrapped += 1;
            }
            for (i, mut line) in set.into_iter().enumerate() {
                for r in &mut line.runs {
                    r.x += gutter;
                }
                line.width += gutter;
                if i > 0 {
                    for r in &mut line.runs {
                        r.x += cont;
                    }
                    line.width += cont;
                    let mut m = mark.clone();
                    for r in &mut m.runs {
                        r.x += gutter + cont - m.width - style.size * 0.25;
                    }
                    line.runs.splice(0..0, m.runs);
                } else if let Some(n) = &numbered {
                    line.runs.splice(0..0, n.runs.iter().cloned());
                }
                out.push(line);
            }
        }
        if wrapped > 0 {
            let per_line = (measure / self.setter.shaper.width(style.font, style.size, "0"))
                .floor()
                .max(1.0);
            self.diags.push(
                Diagnostic::warning(
                    Code::CodeWrapped,
                    self.at(self.line, 0),
                    format!(
                        "{wrapped} code line(s) longer than the page's {per_line:.0} characters: wrapped, each continuation marked {CONTINUATION}"
                    ),
                )
                .help(format!("keep code lines to {per_line:.0} characters to print them whole")),
            );
        }
        out
    }
}

/// Tabs to the next multiple of four columns, line by line.
pub(super) fn expand_tabs(text: &str) -> String {
    if !text.contains('\t') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut col = 0usize;
    for c in text.chars() {
        match c {
            '\t' => {
                let n = 4 - col % 4;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\n' => {
                out.push(c);
                col = 0;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    out
}

/// How a highlighted token is set: keywords and tags bold, every kind in
/// a dark colour of its own (CMYK, the press's own space) that stays
/// distinct from the others in grey, comments in grey.
pub(super) fn token_style(tok: crate::highlight::Tok, base: TextStyle) -> TextStyle {
    use crate::highlight::Tok;
    let (bold, cmyk): (bool, [f32; 4]) = match tok {
        Tok::Keyword | Tok::Tag => (true, [0.85, 0.6, 0.0, 0.35]),
        Tok::Type | Tok::Attr => (false, [0.9, 0.2, 0.45, 0.45]),
        Tok::Literal | Tok::Variable => (false, [0.45, 0.85, 0.0, 0.35]),
        Tok::String | Tok::Inserted => (false, [0.75, 0.0, 0.85, 0.5]),
        Tok::Number => (false, [0.0, 0.65, 1.0, 0.4]),
        Tok::Function => (false, [0.0, 0.35, 0.9, 0.6]),
        Tok::Meta => (false, [0.2, 0.9, 0.3, 0.4]),
        Tok::Deleted => (false, [0.0, 0.85, 0.8, 0.35]),
        Tok::Comment => {
            return TextStyle { grey: 0.42, ..base };
        }
    };
    TextStyle {
        font: if bold { FontId::MonoBold } else { base.font },
        cmyk: Some(cmyk),
        ..base
    }
}
