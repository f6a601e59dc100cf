//! Tables: columns measured and set, numbers aligned, rows split across
//! pages with the head repeated, wide tables turned.

use super::*;

impl<'a, 's, 'f> Flow<'a, 's, 'f> {
    pub(super) fn table(
        &mut self,
        align: &[crate::model::Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        dx: f32,
        measure: f32,
        landscape: bool,
    ) {
        let g = self.geometry;
        let cols = head
            .len()
            .max(rows.iter().map(|r| r.len()).max().unwrap_or(0));
        if cols == 0 {
            return;
        }
        // Natural (one-line) and minimum (longest word) width of each
        // column, at a size of 1pt: widths scale with the size.
        let mut natural = vec![0.0f32; cols];
        let mut minimum = vec![0.0f32; cols];
        let mut has_notes = false;
        {
            let key = |n: u32| format!("table-note-{n}");
            let book = self.book;
            let all = std::iter::once((head, FontId::Bold))
                .chain(rows.iter().map(|r| (r.as_slice(), FontId::Regular)));
            for (row, font) in all {
                for (c, cell) in row.iter().enumerate().take(cols) {
                    let mut pieces = Vec::new();
                    let mut f = Flattener::new(book, &key);
                    f.flatten(cell, TextStyle::new(font, 1.0), None, &mut pieces);
                    has_notes |= !f.notes.is_empty();
                    let one = self.setter.set(&pieces, 1.0e9, 0.0, Align::Left);
                    let w = one.iter().map(|l| l.width).fold(0.0, f32::max);
                    natural[c] = natural[c].max(w);
                    for p in &pieces {
                        for word in p.text.split_whitespace() {
                            let ww = self.setter.shaper.width(p.style.font, 1.0, word);
                            minimum[c] = minimum[c].max(ww * p.style.size);
                        }
                    }
                }
            }
        }
        // A column of numbers (and nothing else but its heading) is set
        // flush right, so that its digits line up.
        let align: Vec<crate::model::Align> = (0..cols)
            .map(
                |c| match align.get(c).copied().unwrap_or(crate::model::Align::None) {
                    crate::model::Align::None if numeric_column(rows, c) => {
                        crate::model::Align::Right
                    }
                    a => a,
                },
            )
            .collect();
        // Padding is half the type size on each side of a cell: neighbours
        // are a full size apart.
        let fits =
            |size: f32, room: f32| minimum.iter().sum::<f32>() * size + size * cols as f32 <= room;
        let normal = g.size * 0.9;
        let smallest = normal * 0.8;
        // A book turns a table too wide for its page even in smaller type
        // onto a landscape page of its own (or one marked `{.landscape}`),
        // a top-level table whose notes would not fit beside it aside.
        let can_turn = self.book.layout == crate::model::Layout::Book
            && self.top_block.is_some()
            && self.nesting == 0
            && !has_notes;
        let turn = can_turn && (landscape || !fits(smallest, measure));
        let room = if turn { g.text_height() } else { measure };
        let mut size = normal;
        if !fits(size, room) {
            let fit = room / (minimum.iter().sum::<f32>() + cols as f32).max(1e-3);
            size = fit.clamp(smallest, normal);
        }
        let pad = size * 0.5;
        let gaps = pad * 2.0 * cols as f32;
        let avail = room - gaps;
        // A column narrower than two letters of the smallest size holds no
        // word: such a table is set row by row as text.
        if avail / (cols as f32) < smallest * 2.0 {
            self.table_as_text(head, rows, dx, measure, cols);
            return;
        }
        if !fits(size, room) || size < normal || (turn && !landscape) {
            let broken = !fits(size, room);
            let mut how = format!("set at {size:.1} pt");
            if turn {
                how.push_str(" on a landscape page");
            }
            if broken {
                how.push_str(", with long words broken inside their cells");
            }
            self.diags.push(
                Diagnostic::warning(
                    Code::TableTooWide,
                    self.at(self.line, 0),
                    format!("a table of {cols} columns is wider than the page: {how}"),
                )
                .help("fewer or narrower columns print it upright at the text size"),
            );
        }
        let natural: Vec<f32> = natural.iter().map(|n| n * size).collect();
        let minimum: Vec<f32> = minimum.iter().map(|m| m * size).collect();
        let total_nat: f32 = natural.iter().sum();
        let widths: Vec<f32> = if total_nat <= avail {
            natural.clone()
        } else {
            let total_min: f32 = minimum.iter().sum();
            if total_min >= avail {
                // Every column gets a share of the room by its longest
                // word; words longer than their share break in the cell.
                minimum
                    .iter()
                    .map(|m| (m * avail / total_min).max(1.0))
                    .collect()
            } else {
                // Give each column its minimum, share the rest by need.
                let extra = avail - total_min;
                let need: f32 = natural
                    .iter()
                    .zip(&minimum)
                    .map(|(n, m)| n - m)
                    .sum::<f32>()
                    .max(1e-3);
                natural
                    .iter()
                    .zip(&minimum)
                    .map(|(n, m)| m + extra * (n - m) / need)
                    .collect()
            }
        };
        let table_w: f32 = widths.iter().sum::<f32>() + gaps;
        let left = if turn {
            ((room - table_w) / 2.0).max(0.0)
        } else {
            dx + ((measure - table_w) / 2.0).max(0.0)
        };
        let table_id = self.chapter * 100_000 + self.tables;
        self.tables += 1;
        let layout = TableLayout {
            widths,
            left,
            pad,
            table_w,
            table_id,
        };
        let start = self.items.len();
        if !turn {
            self.space(0.5);
        }
        let body = TextStyle::new(FontId::Regular, size);
        let bold = TextStyle::new(FontId::Bold, size);
        if !head.is_empty() {
            self.table_row(&layout, &align, head, bold, true);
        }
        for row in rows {
            self.table_row(&layout, &align, row, body, false);
        }
        if turn {
            self.turn_pages(start, !head.is_empty());
        } else {
            self.space(0.5);
        }
    }

    /// Turns the table rows set from `start` (at the text block's height
    /// as their width) onto landscape pages of their own: as many rows as
    /// the text block's width holds to a page, the header row repeated.
    pub(super) fn turn_pages(&mut self, start: usize, has_head: bool) {
        let g = self.geometry;
        let rows: Vec<VItem> = self.items.drain(start..).collect();
        let (head, body) = if has_head {
            (rows.first().cloned(), &rows[1..])
        } else {
            (None, &rows[..])
        };
        let depth = g.measure();
        let mut pages: Vec<Vec<VItem>> = Vec::new();
        let mut used = f32::INFINITY;
        for row in body {
            if used + row.height > depth + 0.01 {
                pages.push(head.iter().cloned().collect());
                used = head.as_ref().map_or(0.0, |h| h.height);
            }
            used += row.height;
            if let Some(page) = pages.last_mut() {
                page.push(row.clone());
            }
        }
        if pages.is_empty() {
            pages.push(head.iter().cloned().collect());
        }
        for page in pages {
            let mut draws = Vec::new();
            let mut v = 0.0;
            let mut place = None;
            let mut tag = None;
            let mut line = self.line;
            for row in page {
                place = place.or(row.place);
                tag = tag.or(row.tag);
                line = row.line;
                for d in row.draws {
                    draws.push(match d {
                        Draw::Text { dx, baseline, line } => Draw::Text {
                            dx,
                            baseline: baseline + v,
                            line,
                        },
                        Draw::Rule {
                            dx,
                            dy,
                            width,
                            thickness,
                        } => Draw::Rule {
                            dx,
                            dy: dy + v,
                            width,
                            thickness,
                        },
                        other => other,
                    });
                }
                v += row.height;
            }
            self.items.push(VItem {
                height: g.text_height(),
                draws: vec![Draw::Turned {
                    length: g.text_height(),
                    draws,
                }],
                new_page: Some(false),
                place,
                tag,
                line,
                ..VItem::default()
            });
        }
        // The text goes on after the table on a page of its own.
        self.items.push(VItem {
            new_page: Some(false),
            discardable: true,
            ..VItem::default()
        });
    }

    /// One table row: a line of items per line of its tallest cell, so a
    /// row taller than a page splits between its lines. A short row stays
    /// together; a header row is one item, repeated on each page the table
    /// runs onto, unless it is taller than a third of the page.
    pub(super) fn table_row(
        &mut self,
        t: &TableLayout,
        align: &[crate::model::Align],
        cells: &[Vec<Inline>],
        style: TextStyle,
        header: bool,
    ) {
        let g = self.geometry;
        let mut cell_lines: Vec<Vec<SetLine>> = Vec::new();
        for (c, &width) in t.widths.iter().enumerate() {
            let cell = cells.get(c).map(Vec::as_slice).unwrap_or(&[]);
            let pieces = self.pieces(cell, style);
            let a = match align.get(c) {
                Some(crate::model::Align::Center) => Align::Center,
                _ => Align::Start,
            };
            let mut lines = self.setter.set(&pieces, width, 0.0, a);
            if let Some(crate::model::Align::Right) = align.get(c) {
                for l in &mut lines {
                    let shift = (width - l.width).max(0.0);
                    shift_line(l, shift);
                }
            }
            cell_lines.push(lines);
        }
        let n = cell_lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let whole = header && (n as f32) * g.leading <= g.text_height() / 3.0;
        let parts: Vec<std::ops::Range<usize>> = if whole {
            std::iter::once(0..n).collect()
        } else {
            (0..n).map(|i| i..i + 1).collect()
        };
        let count = parts.len();
        for (p, range) in parts.into_iter().enumerate() {
            let height = range.len() as f32 * g.leading;
            let mut draws = Vec::new();
            let mut notes = Vec::new();
            let mut x = t.left;
            for (c, lines) in cell_lines.iter().enumerate() {
                for (i, line) in lines.iter().enumerate() {
                    if !range.contains(&i) {
                        continue;
                    }
                    notes.extend(line.notes.clone());
                    draws.push(Draw::Text {
                        dx: x + t.pad,
                        baseline: baseline_offset(g) + (i - range.start) as f32 * g.leading,
                        line: line.clone(),
                    });
                }
                x += t.widths[c] + t.pad * 2.0;
            }
            if p == 0 && header {
                draws.push(Draw::Rule {
                    dx: t.left,
                    dy: 0.0,
                    width: t.table_w,
                    thickness: 0.8,
                });
            }
            if p + 1 == count {
                draws.push(Draw::Rule {
                    dx: t.left,
                    dy: height,
                    width: t.table_w,
                    thickness: if header { 0.8 } else { 0.3 },
                });
            }
            // Rows of up to four lines stay whole; longer ones keep their
            // first two and last two lines together.
            let keep = if header {
                true
            } else if count <= 4 {
                p + 1 < count
            } else {
                p == 0 || p + 2 == count
            };
            self.items.push(VItem {
                height,
                draws,
                anchors: notes.iter().map(|k| format!("{k}-ref")).collect(),
                notes,
                keep_with_next: keep,
                table_row: Some((t.table_id, whole)),
                line: self.line,
                ..VItem::default()
            });
        }
    }

    /// A table too wide for any column layout: the header, then each row,
    /// as lines of text with the cells apart by rules.
    pub(super) fn table_as_text(
        &mut self,
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        dx: f32,
        measure: f32,
        cols: usize,
    ) {
        let g = self.geometry;
        self.diags.push(
            Diagnostic::warning(
                Code::TableTooWide,
                self.at(self.line, 0),
                format!(
                    "a table of {cols} columns cannot fit the page even in small type: each row is set as a line of text"
                ),
            )
            .help("split the table, or turn it into a list"),
        );
        let body = TextStyle::new(FontId::Regular, g.size * 0.9);
        let bold = TextStyle::new(FontId::Bold, g.size * 0.9);
        self.space(0.5);
        let all = std::iter::once((head, bold))
            .filter(|(h, _)| !h.is_empty())
            .chain(rows.iter().map(|r| (r.as_slice(), body)));
        for (row, style) in all {
            let mut pieces = Vec::new();
            for (c, cell) in row.iter().enumerate() {
                if c > 0 {
                    pieces.push(plain(" \u{2502} ", body.generated()));
                }
                pieces.extend(self.pieces(cell, style));
            }
            let lines = self.setter.set(&pieces, measure, 0.0, Align::Left);
            self.report_lines(&lines);
            let n = lines.len();
            for (i, line) in lines.into_iter().enumerate() {
                let item = self.line_item(dx, line, i + 1 < n);
                self.items.push(item);
            }
        }
        self.space(0.5);
    }
}

/// Where a table's columns go.
pub(super) struct TableLayout {
    widths: Vec<f32>,
    left: f32,
    pad: f32,
    table_w: f32,
    table_id: usize,
}

/// Whether every body cell of column `c` is a number (or empty): "12",
/// "3.5", "−4", "1,234", "45%", "$9.99".
pub(super) fn numeric_column(rows: &[Vec<Vec<Inline>>], c: usize) -> bool {
    let mut any = false;
    for row in rows {
        let text = row
            .get(c)
            .map(|cell| crate::model::plain_text(cell))
            .unwrap_or_default();
        let t = text.trim();
        if t.is_empty() || t == "—" || t == "–" || t == "-" {
            continue;
        }
        let core = t
            .trim_start_matches(['$', '€', '£', '¥', '+', '-', '−', '±'])
            .trim_end_matches(['%', '‰']);
        let numeric = !core.is_empty()
            && core.chars().next().is_some_and(|ch| ch.is_ascii_digit())
            && core
                .chars()
                .all(|ch| ch.is_ascii_digit() || matches!(ch, '.' | ',' | '\u{202f}' | '\u{a0}'));
        if !numeric {
            return false;
        }
        any = true;
    }
    any
}
