//! Pagination: cutting the vertical list into pages.
//!
//! Pages are filled from the top; when an item does not fit, the page ends
//! at the last place a page may end (not after a heading, not after a
//! paragraph's first line or before its last, not between a figure and its
//! caption). Footnotes go at the foot of the page whose line references
//! them; a note too long for the space left continues on the next page.
//! Space that would open a page is dropped. A table that runs onto a new
//! page gets its header row again.

use super::flow::{Note, VItem};
use super::style::Geometry;
use std::collections::HashMap;

/// One page's share of the list.
#[derive(Debug, Clone, Default)]
pub struct PageBody {
    /// Items (by index into the list) and the distance from the top of the
    /// text block to each item's top.
    pub placed: Vec<(usize, f32)>,
    /// Footnote lines at the foot: (note index, line index).
    pub notes: Vec<(usize, usize)>,
    /// This page opens a chapter (no running head).
    pub opens_chapter: Option<usize>,
    /// The chapter in force on this page.
    pub chapter: usize,
    /// A deliberately blank page (before a chapter that opens on a recto).
    pub blank: bool,
    /// The page is one picture, to the paper's edges: no head, no folio.
    pub full_bleed: bool,
}

pub struct Paginator<'a> {
    pub geometry: &'a Geometry,
    pub items: &'a [VItem],
    pub notes: &'a [Note],
    /// Height of one footnote line.
    pub note_leading: f32,
    /// Physical index of the first page produced (for recto/verso).
    pub first_page_index: usize,
}

/// Pagination in progress: the pages done, the page being filled, and the
/// footnote lines waiting for room.
struct State {
    pages: Vec<PageBody>,
    page: PageBody,
    /// Body height used on the current page.
    used: f32,
    /// Footnote lines at the foot of the current page.
    note_lines: Vec<(usize, usize)>,
    /// Note lines continued from the last page.
    carried: Vec<(usize, usize)>,
    chapter: usize,
    max_carried: usize,
}

impl State {
    /// Ends the page and starts the next with the notes carried over.
    fn finish(&mut self) {
        self.page.notes = std::mem::take(&mut self.note_lines);
        self.page.chapter = self.chapter;
        self.pages.push(std::mem::take(&mut self.page));
        self.used = 0.0;
        let take = self.carried.len().min(self.max_carried);
        self.note_lines.extend(self.carried.drain(..take));
    }
}

/// Space between the text and the footnotes (the rule sits in it).
pub fn note_gap(g: &Geometry) -> f32 {
    g.leading
}

impl Paginator<'_> {
    /// Places item `i` on the page with as many lines of its new notes as
    /// the page has room for (at least `at_least`); the rest are carried
    /// to the pages after.
    fn place_splitting_notes(
        &self,
        st: &mut State,
        i: usize,
        new_notes: &[usize],
        placed_notes: &mut std::collections::HashSet<usize>,
        at_least: usize,
    ) {
        let g = self.geometry;
        let capacity = g.text_height() + 0.01;
        let current_notes = st.note_lines.len();
        st.page.placed.push((i, st.used));
        st.used += self.items[i].height;
        let used_by_notes = if current_notes == 0 {
            note_gap(g)
        } else {
            note_gap(g) + current_notes as f32 * self.note_leading
        };
        let room = ((capacity - st.used - used_by_notes) / self.note_leading).max(0.0) as usize;
        let mut all: Vec<(usize, usize)> = Vec::new();
        for &n in new_notes {
            placed_notes.insert(n);
            all.extend((0..self.notes[n].lines.len()).map(|l| (n, l)));
        }
        let now = room.min(all.len()).max(at_least.min(all.len()));
        st.note_lines.extend(all.drain(..now));
        st.carried.extend(all);
    }

    pub fn run(&self) -> Vec<PageBody> {
        let g = self.geometry;
        let capacity = g.text_height() + 0.01;
        let note_index: HashMap<&str, usize> = self
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.key.as_str(), i))
            .collect();
        let mut st = State {
            pages: Vec::new(),
            page: PageBody::default(),
            used: 0.0,
            note_lines: Vec::new(),
            carried: Vec::new(),
            chapter: 0,
            // Continued notes come first on a page, as many as fit beside
            // three lines of text.
            max_carried: ((capacity - g.leading * 3.0 - note_gap(g)) / self.note_leading)
                .floor()
                .max(1.0) as usize,
        };
        let mut i = 0usize;
        let mut placed_notes: std::collections::HashSet<usize> = Default::default();

        let notes_height = |lines: usize| -> f32 {
            if lines == 0 {
                0.0
            } else {
                note_gap(g) + lines as f32 * self.note_leading
            }
        };

        while i < self.items.len() {
            let item = &self.items[i];
            if let Some(recto) = item.new_page {
                if !st.page.placed.is_empty() || !st.note_lines.is_empty() {
                    st.finish();
                }
                // A right-hand page is an even physical index.
                let index = self.first_page_index + st.pages.len();
                if recto && index % 2 == 1 && g.mirrored {
                    st.pages.push(PageBody {
                        blank: true,
                        chapter: st.chapter,
                        ..PageBody::default()
                    });
                }
            }
            if let Some(c) = item.opens_chapter {
                st.chapter = c;
                if st.page.placed.is_empty() {
                    st.page.opens_chapter = Some(c);
                }
            }
            if st.page.placed.is_empty() && item.discardable && item.notes.is_empty() {
                i += 1;
                continue;
            }
            // A table continuing on a new page repeats its header row.
            if st.page.placed.is_empty()
                && let Some((table, false)) = item.table_row
                && let Some(h) = self.items[..i]
                    .iter()
                    .rposition(|it| it.table_row == Some((table, true)))
            {
                st.page.placed.push((h, st.used));
                st.used += self.items[h].height;
            }
            let new_notes: Vec<usize> = item
                .notes
                .iter()
                .filter_map(|k| note_index.get(k.as_str()).copied())
                .filter(|n| !placed_notes.contains(n))
                .collect();
            let new_lines: usize = new_notes.iter().map(|&n| self.notes[n].lines.len()).sum();
            let current_notes = st.note_lines.len();
            let fits_all =
                st.used + item.height + notes_height(current_notes + new_lines) <= capacity;
            if fits_all {
                st.page.placed.push((i, st.used));
                st.used += item.height;
                for n in new_notes {
                    placed_notes.insert(n);
                    st.note_lines
                        .extend((0..self.notes[n].lines.len()).map(|l| (n, l)));
                }
                i += 1;
                continue;
            }
            // The line fits with the start of its note (at least two lines
            // of it, or all of a one-line note); the rest continues overleaf.
            let first_lines = new_notes
                .first()
                .map_or(0, |&n| self.notes[n].lines.len().min(2));
            if !new_notes.is_empty()
                && st.used + item.height + notes_height(current_notes + first_lines) <= capacity
                && !item.keep_with_next
            {
                self.place_splitting_notes(&mut st, i, &new_notes, &mut placed_notes, first_lines);
                i += 1;
                st.finish();
                continue;
            }
            // End the page at the last place a page may end.
            let k = st.page.placed.iter().rposition(|&(idx, _)| {
                !self.items[idx].keep_with_next && !self.items[idx].discardable
            });
            match k {
                Some(k) => {
                    let back = st.page.placed.split_off(k + 1);
                    // Notes referenced by the items moved back move with them.
                    for &(idx, _) in &back {
                        for key in &self.items[idx].notes {
                            if let Some(&n) = note_index.get(key.as_str())
                                && placed_notes.remove(&n)
                            {
                                st.note_lines.retain(|(nn, _)| *nn != n);
                            }
                        }
                    }
                    if let Some(&(first, _)) = back.first() {
                        i = first;
                    }
                }
                None => {
                    // Nothing here may end the page (a run that must stay
                    // together is taller than the page): end it anyway.
                    let only_header = st.page.placed.iter().all(|&(idx, _)| {
                        self.items[idx].table_row.is_some_and(|(_, h)| h) && idx < i
                    });
                    if st.page.placed.is_empty() || only_header {
                        // Its notes go with it, continued overleaf as far
                        // as they must: never dropped.
                        self.place_splitting_notes(&mut st, i, &new_notes, &mut placed_notes, 0);
                        i += 1;
                    }
                }
            }
            st.finish();
        }
        if !st.page.placed.is_empty() || !st.note_lines.is_empty() || !st.carried.is_empty() {
            st.finish();
            while !st.note_lines.is_empty() || !st.carried.is_empty() {
                st.finish();
            }
        }
        st.pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PageSize;
    use crate::render::pdf::inline::SetLine;
    use proptest::prelude::*;

    /// A list item: (height in lines, keep with next, discardable, note
    /// lines it references).
    type Spec = (u8, bool, bool, Option<u8>);

    fn paginate(specs: &[Spec], g: &Geometry) -> (Vec<PageBody>, Vec<VItem>, Vec<Note>) {
        let mut items = Vec::new();
        let mut notes = Vec::new();
        for (i, &(h, keep, discard, note)) in specs.iter().enumerate() {
            let mut item = VItem {
                height: h as f32 * g.leading,
                keep_with_next: keep,
                discardable: discard,
                ..VItem::default()
            };
            if let Some(n) = note {
                let key = format!("n{i}");
                notes.push(Note {
                    key: key.clone(),
                    lines: (0..n).map(|_| (0.0, SetLine::default())).collect(),
                    line: 0,
                });
                item.notes.push(key);
            }
            items.push(item);
        }
        let bodies = Paginator {
            geometry: g,
            items: &items,
            notes: &notes,
            note_leading: g.leading * 0.8,
            first_page_index: 0,
        }
        .run();
        (bodies, items, notes)
    }

    fn spec() -> impl Strategy<Value = Spec> {
        (
            1u8..6,
            prop::bool::weighted(0.3),
            prop::bool::weighted(0.1),
            prop::option::weighted(0.1, 1u8..60),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Every item that is not droppable space lands on a page, in
        /// order; every footnote line lands exactly once; pages stay
        /// within the text block (but for one item taller than it); and
        /// the same list paginates the same way twice.
        #[test]
        fn every_item_and_note_line_is_placed(specs in proptest::collection::vec(spec(), 1..400)) {
            let g = Geometry::for_page(PageSize::parse("6x9in").unwrap(), true);
            let (bodies, items, notes) = paginate(&specs, &g);
            let mut seen = vec![false; items.len()];
            let mut last = 0usize;
            for b in &bodies {
                for &(i, _) in &b.placed {
                    prop_assert!(i >= last || seen[i], "item {i} out of order");
                    last = last.max(i);
                    seen[i] = true;
                }
                let used: f32 = b.placed.iter().map(|&(i, _)| items[i].height).sum();
                let notes_h = if b.notes.is_empty() {
                    0.0
                } else {
                    note_gap(&g) + b.notes.len() as f32 * g.leading * 0.8
                };
                prop_assert!(
                    used + notes_h <= g.text_height() + 0.1 || b.placed.len() == 1,
                    "page overfull: {used} + {notes_h} > {}", g.text_height()
                );
            }
            for (i, s) in seen.iter().enumerate() {
                prop_assert!(*s || items[i].discardable, "item {i} lost");
            }
            let mut lines: Vec<(usize, usize)> = bodies.iter().flat_map(|b| b.notes.clone()).collect();
            let total: usize = notes.iter().map(|n| n.lines.len()).sum();
            prop_assert_eq!(lines.len(), total);
            lines.sort();
            lines.dedup();
            prop_assert_eq!(lines.len(), total, "a note line twice");
            let (again, _, _) = paginate(&specs, &g);
            prop_assert_eq!(
                bodies.iter().map(|b| (b.placed.clone(), b.notes.clone())).collect::<Vec<_>>(),
                again.iter().map(|b| (b.placed.clone(), b.notes.clone())).collect::<Vec<_>>()
            );
        }
    }
}
