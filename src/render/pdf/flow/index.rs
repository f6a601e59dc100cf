//! The index, set in two columns: each letter's group under its letter,
//! each entry flush left with its turned lines and sub-entries indented,
//! page numbers after it (ranges shortened as the Chicago Manual of Style
//! writes them: 123–8), a page's columns filled in turn and the last
//! page's two made even.

use super::*;
use crate::model::{Index, IndexEntry};
use std::ops::Range;

/// Where the places an index points to fell: the page (its index in the
/// document) of each anchor, and each page's printed number.
#[derive(Debug, Default, PartialEq)]
pub struct IndexPages {
    pub anchors: std::collections::HashMap<String, usize>,
    pub labels: Vec<Option<String>>,
}

/// One line of a column.
enum Row {
    /// A line of space before a letter's group.
    Space,
    /// A letter's heading (kept with the entry after it).
    Letter(SetLine),
    /// A line of an entry.
    Line(EntryLine),
}

/// A line of an entry, set at `dx` in its column.
struct EntryLine {
    dx: f32,
    line: SetLine,
    /// Kept with the line after it (an entry's last line, with its first
    /// sub-entry).
    keep: bool,
    /// The entries this line goes on with (by number, outermost first):
    /// a sub-entry's first line goes on with its entry, a turned line
    /// with its own entry too. A column that opens with it repeats them
    /// first, "(continued)".
    of: Vec<usize>,
    /// The entry's number in the index, and whether this is its first
    /// line.
    entry: usize,
    first: bool,
}

impl Row {
    /// A column may not end after it.
    fn keeps(&self) -> bool {
        matches!(
            self,
            Row::Space | Row::Letter(_) | Row::Line(EntryLine { keep: true, .. })
        )
    }

    /// The entries a column opening with it repeats.
    fn continues(&self) -> &[usize] {
        match self {
            Row::Line(l) => &l.of,
            _ => &[],
        }
    }
}

/// One column of a page: the entries it repeats at its head, its rows.
type Column<'r> = (&'r [usize], Range<usize>);

impl<'a, 's, 'f> Flow<'a, 's, 'f> {
    /// The index, in two columns of `measure` at `dx`.
    pub(super) fn index(&mut self, index: &Index, dx: f32, measure: f32) {
        let g = self.geometry;
        let gap = g.size * 1.5;
        let column = ((measure - gap) / 2.0).max(g.size * 4.0);
        let size = (g.size * 0.9 * 2.0).round() / 2.0;
        let mut rows: Vec<Row> = Vec::new();
        // Every entry, with its depth, by number.
        let mut all: Vec<(&IndexEntry, usize)> = Vec::new();
        for group in &index.groups {
            if !rows.is_empty() {
                rows.push(Row::Space);
            }
            if let Some(letter) = &group.letter {
                let style = TextStyle::new(FontId::Bold, g.size).generated();
                let line = self
                    .setter
                    .set(&[plain(letter, style)], column, 0.0, Align::Start)
                    .pop()
                    .unwrap_or_default();
                rows.push(Row::Letter(line));
            }
            for e in &group.entries {
                self.index_entry(e, &mut Vec::new(), column, size, &mut rows, &mut all);
            }
        }
        // Lines a column holds: on the first page, below the chapter's
        // title; on the others, the whole text block.
        let used: f32 = self.items.iter().map(|i| i.height).sum();
        let full = g.lines.max(4);
        let mut first = ((g.text_height() - used) / g.leading + 0.01)
            .floor()
            .max(0.0) as usize;
        let mut new_page = None;
        if first < 4 {
            (first, new_page) = (full, Some(false));
        }
        // The index's last page holds five lines at least: when it would
        // hold fewer, the page before gives it some (and, if that page is
        // a right-hand one after another of the index, the page facing it
        // as many, so that the spread still ends level). Which hand a page
        // is on is known once the book has been paginated.
        let start = self.index_pages.and_then(|p| {
            p.anchors
                .get(&self.book.chapters[self.chapter].title_id)
                .copied()
        });
        let cap = |page: usize, cut: &[(usize, usize)]| -> usize {
            let c = if page == 0 { first } else { full };
            let less = cut.iter().find(|(p, _)| *p == page).map_or(0, |c| c.1);
            c.saturating_sub(less).max(1)
        };
        let mut cut: Vec<(usize, usize)> = Vec::new();
        let mut pages = plan(&rows, |p| cap(p, &cut));
        if let Some(start) = start {
            for k in 1..full / 2 {
                let short = pages.last().is_some_and(|(a, b)| {
                    let depth = |c: &Column| c.0.len() + c.1.len();
                    depth(a).max(depth(b)) < 5
                });
                if !short || pages.len() < 2 {
                    break;
                }
                let before = pages.len() - 2;
                cut = vec![(before, k)];
                if (start + before) % 2 == 0 && before > 0 {
                    cut.push((before - 1, k));
                }
                pages = plan(&rows, |p| cap(p, &cut));
            }
        }
        let block = self.top_block.unwrap_or(0);
        for (page, (a, b)) in pages.into_iter().enumerate() {
            // The first entry that starts on the page, where the EPUB
            // marks the print page's start.
            let starts = a.1.clone().chain(b.1.clone()).find_map(|i| match &rows[i] {
                Row::Line(l) if l.first => Some(l.entry as u32),
                _ => None,
            });
            let mut draws = Vec::new();
            let base = baseline_offset(g);
            let mut depth = 0;
            for (x, (heads, range)) in [(dx, a), (dx + column + gap, b)] {
                let mut lines: Vec<(f32, SetLine)> = Vec::new();
                for &h in heads {
                    let (e, depth) = all[h];
                    let line = self.continued(e, column - depth as f32 * size, size);
                    lines.push((depth as f32 * size, line));
                }
                for i in range {
                    match &rows[i] {
                        Row::Space => lines.push((0.0, SetLine::default())),
                        Row::Letter(line) => lines.push((0.0, line.clone())),
                        Row::Line(l) => lines.push((l.dx, l.line.clone())),
                    }
                }
                depth = depth.max(lines.len());
                for (n, (ddx, line)) in lines.into_iter().enumerate() {
                    if line.runs.is_empty() {
                        continue;
                    }
                    draws.push(Draw::Text {
                        dx: x + ddx,
                        baseline: base + n as f32 * g.leading,
                        line,
                    });
                }
            }
            self.items.push(VItem {
                height: depth as f32 * g.leading,
                draws,
                new_page: if page == 0 { new_page } else { Some(false) },
                line: self.line,
                place: starts.filter(|_| page > 0).map(|n| (block, n)),
                ..VItem::default()
            });
        }
    }

    /// An entry repeated at the head of a column its lines run on to:
    /// "places (continued)".
    fn continued(&mut self, e: &IndexEntry, column: f32, size: f32) -> SetLine {
        let style = TextStyle::new(FontId::Regular, size).generated();
        let (mut pieces, _) = self.flatten(&e.term, style);
        for p in &mut pieces {
            p.style.from_text = false;
        }
        let label = crate::locale::labels(&self.book.meta.language).continued;
        pieces.push(plain(" (", style));
        pieces.push(plain(
            label,
            TextStyle::new(FontId::Italic, size).generated(),
        ));
        pieces.push(plain(")", style));
        self.setter
            .set(&pieces, column, 0.0, Align::Start)
            .into_iter()
            .next()
            .unwrap_or_default()
    }

    /// An entry's lines (its term, page numbers and cross-references) and
    /// its sub-entries', at `depth`.
    fn index_entry<'e>(
        &mut self,
        e: &'e IndexEntry,
        within: &mut Vec<usize>,
        column: f32,
        size: f32,
        rows: &mut Vec<Row>,
        all: &mut Vec<(&'e IndexEntry, usize)>,
    ) {
        let depth = within.len();
        let number = all.len();
        all.push((e, depth));
        let style = TextStyle::new(FontId::Regular, size);
        let mut pieces = self.pieces(&e.term, style);
        let numbers = self.index_numbers(e);
        let generated = style.generated();
        // Arabic script writes its own comma.
        let comma = if matches!(
            self.book.meta.language.primary().as_str(),
            "ar" | "fa" | "ur" | "ps" | "ckb" | "sd" | "ug"
        ) {
            "\u{060C} "
        } else {
            ", "
        };
        for (text, anchor) in numbers {
            pieces.push(plain(comma, generated));
            let mut p = plain(&text, generated);
            p.link = Some(LinkDest::Anchor(anchor));
            pieces.push(p);
        }
        let italic = TextStyle::new(FontId::Italic, size).generated();
        for x in e.cross_references(depth, &self.book.meta.language) {
            pieces.push(plain(x.open, generated));
            pieces.push(plain(&x.label, italic));
            pieces.push(plain(" ", generated));
            for (n, (words, id)) in x.targets.iter().enumerate() {
                if n > 0 {
                    pieces.push(plain("; ", generated));
                }
                let mut p = plain(words, generated);
                p.link = id.map(|id| LinkDest::Anchor(id.to_string()));
                pieces.push(p);
            }
            if !x.close.is_empty() {
                pieces.push(plain(x.close, generated));
            }
        }
        // The first line at the entry's depth, the lines it turns onto
        // two ems further in.
        let em = size;
        let first = depth as f32 * em;
        let turn = first + 2.0 * em;
        let lines = self
            .setter
            .set(&pieces, column - turn, first - turn, Align::Start);
        self.report_lines(&lines);
        let last = lines.len();
        for (n, line) in lines.into_iter().enumerate() {
            let mut of = within.clone();
            if n > 0 {
                of.push(number);
            }
            rows.push(Row::Line(EntryLine {
                dx: turn,
                line,
                keep: n + 1 == last && !e.subentries.is_empty(),
                of,
                entry: number,
                first: n == 0,
            }));
        }
        within.push(number);
        for s in &e.subentries {
            self.index_entry(s, within, column, size, rows, all);
        }
        within.pop();
    }

    /// An entry's page numbers, in order, each with the anchor it links
    /// to: a range where a mark spans pages, and where three or more
    /// pages follow one another; a page named once. Before the pages are
    /// known, a stand-in of about a number's width.
    fn index_numbers(&mut self, e: &IndexEntry) -> Vec<(String, String)> {
        let Some(pages) = self.index_pages else {
            return e
                .locators
                .iter()
                .map(|l| ("000".to_string(), l.id.clone()))
                .collect();
        };
        // (first page, last page, anchor), by page index.
        let mut spans: Vec<(usize, usize, &str)> = Vec::new();
        for l in &e.locators {
            let Some(&start) = pages.anchors.get(&l.id) else {
                let ch = &self.book.chapters[l.chapter];
                self.diags.push(
                    Diagnostic::warning(
                        Code::Index,
                        Location::file(&ch.source),
                        format!(
                            "a place the index entry “{}” points to is on no page of the PDF (it is in a footnote or a construct without its own lines): its number is left out",
                            crate::model::plain_text(&e.term)
                        ),
                    )
                    .help("mark the words in the paragraph that refers to them"),
                );
                continue;
            };
            let end = l
                .end
                .as_ref()
                .and_then(|id| pages.anchors.get(id))
                .map_or(start, |&p| p.max(start));
            spans.push((start, end, &l.id));
        }
        let merged = join_pages(spans);
        let label = |p: usize| -> String {
            pages
                .labels
                .get(p)
                .cloned()
                .flatten()
                .unwrap_or_else(|| (p + 1).to_string())
        };
        let mut out = Vec::new();
        for (s, e, id) in merged {
            if s == e {
                out.push((label(s), id.to_string()));
            } else {
                out.push((page_range(&label(s), &label(e)), id.to_string()));
            }
        }
        out
    }
}

/// The index's pages, each two columns: from the rows, pages of
/// `cap(page)` lines a column, the last page's columns made as even as
/// they go.
fn plan(rows: &[Row], cap: impl Fn(usize) -> usize) -> Vec<(Column<'_>, Column<'_>)> {
    let mut pages = Vec::new();
    let mut at = 0;
    while at < rows.len() {
        let cap = cap(pages.len());
        let left = rows.len() - at;
        let mut take = cap;
        if left <= 2 * cap {
            take = left.div_ceil(2);
            while take < cap && columns(rows, at, take).2 < rows.len() {
                take += 1;
            }
        }
        let (a, b, next) = columns(rows, at, take);
        pages.push((a, b));
        // (A column always takes a row: the pages come to an end.)
        at = next.max(at + 1);
    }
    pages
}

/// Places as first and last page (and the anchor each links to) joined:
/// a page within a span already named is not named again, three or more
/// pages in a row are one range, two are two numbers.
fn join_pages(mut spans: Vec<(usize, usize, &str)>) -> Vec<(usize, usize, &str)> {
    spans.sort();
    // (first, last, anchor, single pages joined: 0 once a range is in)
    let mut merged: Vec<(usize, usize, &str, usize)> = Vec::new();
    for (s, e, id) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => {
                if e > last.1 {
                    (last.1, last.3) = (e, 0);
                }
            }
            Some(last) if s == last.1 + 1 && e == s && last.3 > 0 => {
                last.1 = s;
                last.3 += 1;
            }
            _ => merged.push((s, e, id, usize::from(e == s))),
        }
    }
    let mut out = Vec::new();
    for (s, e, id, singles) in merged {
        if singles == 2 {
            out.push((s, s, id));
            out.push((e, e, id));
        } else {
            out.push((s, e, id));
        }
    }
    out
}

/// The rows of two columns of at most `cap` lines each from `at`, and
/// where the next page starts. A column does not start with space, nor
/// end with a letter's heading, the space before it or an entry's line
/// kept with the next; one that opens inside an entry repeats the entry
/// first, in one of its lines.
fn columns(rows: &[Row], at: usize, cap: usize) -> (Column<'_>, Column<'_>, usize) {
    let one = |mut from: usize| -> (Column<'_>, usize) {
        while matches!(rows.get(from), Some(Row::Space)) {
            from += 1;
        }
        let head = rows.get(from).map_or(&[][..], Row::continues);
        let room = cap.saturating_sub(head.len()).max(1);
        let mut to = (from + room).min(rows.len());
        if to < rows.len() {
            while to > from + 1 && rows[to - 1].keeps() {
                to -= 1;
            }
        }
        ((head, from..to), to)
    };
    let (a, next) = one(at);
    let (b, next) = one(next);
    (a, b, next)
}

/// A range of pages as the Chicago Manual of Style writes it: all digits
/// below 100 and from a hundred (3–10, 96–117, 100–104); from 101 to
/// 109 of a hundred, only what changes (101–8, 808–33); otherwise two
/// digits at least, more when more change (321–28, 1496–500). Numbers that are not figures
/// (roman folios) are written in full.
pub fn page_range(first: &str, last: &str) -> String {
    let (Ok(a), Ok(b)) = (first.parse::<u64>(), last.parse::<u64>()) else {
        return format!("{first}\u{2013}{last}");
    };
    if a < 100 || a % 100 == 0 || b <= a || last.len() != first.len() {
        return format!("{first}\u{2013}{last}");
    }
    // Digits from the first that differs.
    let differ = first
        .bytes()
        .zip(last.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(last.len());
    let mut keep = last.len() - differ;
    if a % 100 >= 10 {
        keep = keep.max(2);
    }
    format!("{first}\u{2013}{}", &last[last.len() - keep..])
}

#[cfg(test)]
mod tests {
    use super::{join_pages, page_range};

    #[test]
    fn pages_in_a_row_join_and_ranges_take_in_their_pages() {
        let join = |spans: &[(usize, usize)]| -> Vec<(usize, usize)> {
            join_pages(spans.iter().map(|&(s, e)| (s, e, "x")).collect())
                .into_iter()
                .map(|(s, e, _)| (s, e))
                .collect()
        };
        assert_eq!(join(&[(3, 3), (4, 4)]), [(3, 3), (4, 4)]);
        assert_eq!(join(&[(3, 3), (5, 5), (4, 4)]), [(3, 5)]);
        assert_eq!(join(&[(3, 3), (3, 3), (9, 9)]), [(3, 3), (9, 9)]);
        assert_eq!(join(&[(5, 5), (6, 6), (6, 9)]), [(5, 9)]);
        assert_eq!(join(&[(6, 9), (7, 7), (10, 10)]), [(6, 9), (10, 10)]);
    }

    #[test]
    fn ranges_are_shortened_as_chicago_writes_them() {
        for (a, b, want) in [
            ("3", "10", "3–10"),
            ("71", "72", "71–72"),
            ("96", "117", "96–117"),
            ("100", "104", "100–104"),
            ("1100", "1113", "1100–1113"),
            ("101", "108", "101–8"),
            ("808", "833", "808–33"),
            ("1103", "1104", "1103–4"),
            ("321", "328", "321–28"),
            ("498", "532", "498–532"),
            ("1087", "1089", "1087–89"),
            ("1496", "1500", "1496–500"),
            ("11564", "11615", "11564–615"),
            ("12991", "13001", "12991–3001"),
            ("ix", "xii", "ix–xii"),
        ] {
            assert_eq!(page_range(a, b), want, "{a}–{b}");
        }
    }
}
