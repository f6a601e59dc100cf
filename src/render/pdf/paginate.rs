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
            if st.page.placed.is_empty() && item.discardable {
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
                st.page.placed.push((i, st.used));
                st.used += item.height;
                let room = ((capacity - st.used - notes_height(current_notes)) / self.note_leading)
                    .floor() as usize;
                let room = room.saturating_sub(if current_notes == 0 {
                    (note_gap(g) / self.note_leading).ceil() as usize
                } else {
                    0
                });
                let mut all: Vec<(usize, usize)> = Vec::new();
                for n in new_notes {
                    placed_notes.insert(n);
                    all.extend((0..self.notes[n].lines.len()).map(|l| (n, l)));
                }
                let now = room.min(all.len()).max(first_lines);
                st.note_lines.extend(all.drain(..now.min(all.len())));
                st.carried.extend(all);
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
                        st.page.placed.push((i, st.used));
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
