//! Footnotes: each note set at the width of the page's foot, its
//! blocks laid out as the body's are.

use super::*;

impl<'a, 's, 'f> Flow<'a, 's, 'f> {
    pub(super) fn set_note(&mut self, key: String, number: u32, blocks: &[Block]) {
        let g = self.geometry;
        let size = g.size * 0.82;
        let style = TextStyle::new(FontId::Regular, size);
        let indent = size * 1.6;
        let measure = g.measure() - indent;
        let mut lines = Vec::new();
        let saved = (self.nesting, self.list_depth);
        self.note_blocks(blocks, style, 0.0, measure, &mut lines);
        (self.nesting, self.list_depth) = saved;
        let mut lines: Vec<(f32, SetLine)> =
            lines.into_iter().map(|(dx, l)| (dx + indent, l)).collect();
        if lines.is_empty() {
            lines.push((indent, SetLine::default()));
        }
        // The note's number hangs in the indent, linking back.
        let mut num = self.setter.set(
            &[Piece {
                link: Some(LinkDest::Anchor(format!("{key}-ref"))),
                ..plain(&format!("{number}."), style.generated())
            }],
            indent,
            0.0,
            Align::Left,
        );
        if let Some(n) = num.pop() {
            let (dx, first) = &mut lines[0];
            // A note opening with a quotation mark hangs it into the
            // indent: the number moves out by as much as it would touch.
            let text_left = first.runs.iter().map(|r| r.x).fold(0.0f32, f32::min) + *dx;
            let gap = size * 0.25;
            let shift = (n.width + gap - text_left).max(0.0);
            for mut r in n.runs {
                r.x -= *dx + shift;
                first.runs.insert(0, r);
            }
            for (x0, x1, dest) in n.links {
                first.links.push((x0 - *dx - shift, x1 - *dx - shift, dest));
            }
        }
        let anchors = crate::model::walk::query(blocks, |n| match n {
            crate::model::walk::Node::Inline(Inline::Anchor { id }, _) => Some(id.clone()),
            _ => None,
        });
        self.notes.push(Note {
            key,
            lines,
            line: self.line,
            anchors,
        });
    }

    /// A footnote's blocks, as lines at note size: anything a chapter may
    /// hold, so that no word of a note is lost.
    pub(super) fn note_blocks(
        &mut self,
        blocks: &[Block],
        style: TextStyle,
        dx: f32,
        measure: f32,
        out: &mut Vec<(f32, SetLine)>,
    ) {
        let step = style.size * 1.5;
        for block in blocks {
            match &block.kind {
                BlockKind::Paragraph { content } => {
                    // Notes inside notes were turned to text when the model
                    // was resolved; nothing is collected here.
                    let (pieces, _) = self.flatten(content, style);
                    let set = self.setter.set(&pieces, measure, 0.0, Align::Justify);
                    self.report_lines(&set);
                    out.extend(set.into_iter().map(|l| (dx, l)));
                }
                BlockKind::Heading { content, .. } => {
                    let bold = TextStyle {
                        font: FontId::Bold,
                        ..style
                    };
                    let (pieces, _) = self.flatten(content, bold);
                    let set = self.setter.set(&pieces, measure, 0.0, Align::Left);
                    out.extend(set.into_iter().map(|l| (dx, l)));
                }
                BlockKind::CodeBlock { .. } => {
                    let mono = TextStyle::new(FontId::Mono, style.size * 0.9);
                    for line in self.code(&block.kind, mono, measure) {
                        out.push((dx, line));
                    }
                }
                BlockKind::BlockQuote { blocks, .. } => {
                    let add = self.indent_step(step);
                    self.nesting += 1;
                    self.note_blocks(blocks, style, dx + add, measure - add, out);
                    self.nesting -= 1;
                }
                BlockKind::Definitions { items } => {
                    let add = self.indent_step(step);
                    let bold = TextStyle {
                        font: FontId::Bold,
                        ..style
                    };
                    self.nesting += 1;
                    for item in items {
                        let (pieces, _) = self.flatten(&item.term, bold);
                        let set = self.setter.set(&pieces, measure, 0.0, Align::Left);
                        out.extend(set.into_iter().map(|l| (dx, l)));
                        for d in &item.definitions {
                            self.note_blocks(d, style, dx + add, measure - add, out);
                        }
                    }
                    self.nesting -= 1;
                }
                BlockKind::List { start, items } => {
                    let add = self.indent_step(step);
                    self.nesting += 1;
                    for (n, item) in items.iter().enumerate() {
                        let before = out.len();
                        self.note_blocks(&item.blocks, style, dx + add, measure - add, out);
                        let marker = list_marker(*start, n, item.task);
                        if let Some((_, first)) = out.get_mut(before) {
                            let m = self.marker(&marker, style);
                            hang(first, m, style.size * 0.4);
                        }
                    }
                    self.nesting -= 1;
                }
                BlockKind::Table { head, rows, .. } => {
                    // A table in a note: a line for each row, its cells
                    // apart by rules, the header in bold.
                    let bold = TextStyle {
                        font: FontId::Bold,
                        ..style
                    };
                    let all = std::iter::once((head.as_slice(), bold))
                        .filter(|(h, _)| !h.is_empty())
                        .chain(rows.iter().map(|r| (r.as_slice(), style)));
                    for (row, st) in all {
                        let mut pieces = Vec::new();
                        for (c, cell) in row.iter().enumerate() {
                            if c > 0 {
                                pieces.push(plain(" \u{2502} ", style.generated()));
                            }
                            let (p, _) = self.flatten(cell, st);
                            pieces.extend(p);
                        }
                        let set = self.setter.set(&pieces, measure, 0.0, Align::Left);
                        out.extend(set.into_iter().map(|l| (dx, l)));
                    }
                }
                BlockKind::Figure { image, caption, .. } => {
                    self.diags.push(
                        Diagnostic::warning(
                            Code::ImageUnsupported,
                            self.at(block.line, image.pos.column),
                            format!(
                                "image `{}` is in a footnote, where the PDF sets its description, not the picture",
                                image.dest
                            ),
                        )
                        .help("move the image into the text"),
                    );
                    let italic = TextStyle {
                        font: FontId::Italic,
                        ..style
                    };
                    let mut pieces = vec![plain(&format!("[{}]", image.alt), italic.generated())];
                    if !caption.is_empty() {
                        pieces.push(plain(" ", style));
                        pieces.extend(self.flatten(caption, style).0);
                    }
                    let set = self.setter.set(&pieces, measure, 0.0, Align::Left);
                    out.extend(set.into_iter().map(|l| (dx, l)));
                }
                BlockKind::SceneBreak => {
                    let mark = self.book.options.style.scene_break.mark().to_string();
                    let set = self.setter.set(
                        &[plain(&mark, style.generated())],
                        measure,
                        0.0,
                        Align::Center,
                    );
                    out.extend(set.into_iter().map(|l| (dx, l)));
                }
                // An index is a chapter's, never a note's.
                BlockKind::Index { .. } => {}
            }
        }
    }
}
