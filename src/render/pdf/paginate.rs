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
        let mut pages: Vec<PageBody> = Vec::new();
        let mut page = PageBody::default();
        let mut used = 0.0f32; // body height used
        let mut note_lines: Vec<(usize, usize)> = Vec::new();
        let mut carried: Vec<(usize, usize)> = Vec::new(); // note lines continued from the last page
        let mut chapter = 0usize;
        let mut i = 0usize;
        let mut placed_notes: std::collections::HashSet<usize> = Default::default();

        let notes_height = |lines: usize| -> f32 {
            if lines == 0 {
                0.0
            } else {
                note_gap(g) + lines as f32 * self.note_leading
            }
        };

        // Starts a page with the carried-over note lines.
        macro_rules! finish {
            () => {{
                page.notes = std::mem::take(&mut note_lines);
                page.chapter = chapter;
                pages.push(std::mem::take(&mut page));
                #[allow(unused_assignments)]
                {
                    used = 0.0;
                }
                // Continued notes come first on the next page, as many as fit.
                let max_lines = ((capacity - g.leading * 3.0 - note_gap(g)) / self.note_leading)
                    .floor()
                    .max(1.0) as usize;
                let take = carried.len().min(max_lines);
                note_lines.extend(carried.drain(..take));
            }};
        }

        while i < self.items.len() {
            let item = &self.items[i];
            if let Some(recto) = item.new_page {
                if !page.placed.is_empty() || !note_lines.is_empty() {
                    finish!();
                }
                // A right-hand page is an even physical index.
                let index = self.first_page_index + pages.len();
                if recto && index % 2 == 1 && g.mirrored {
                    pages.push(PageBody {
                        blank: true,
                        chapter,
                        ..PageBody::default()
                    });
                }
            }
            if let Some(c) = item.opens_chapter {
                chapter = c;
                if page.placed.is_empty() {
                    page.opens_chapter = Some(c);
                }
            }
            if page.placed.is_empty() && item.discardable {
                i += 1;
                continue;
            }
            // A table continuing on a new page repeats its header row.
            if page.placed.is_empty()
                && let Some((table, false)) = item.table_row
                && let Some(h) = self.items[..i]
                    .iter()
                    .rposition(|it| it.table_row == Some((table, true)))
            {
                page.placed.push((h, used));
                used += self.items[h].height;
            }
            let new_notes: Vec<usize> = item
                .notes
                .iter()
                .filter_map(|k| note_index.get(k.as_str()).copied())
                .filter(|n| !placed_notes.contains(n))
                .collect();
            let new_lines: usize = new_notes.iter().map(|&n| self.notes[n].lines.len()).sum();
            let current_notes = note_lines.len();
            let fits_all = used + item.height + notes_height(current_notes + new_lines) <= capacity;
            if fits_all {
                page.placed.push((i, used));
                used += item.height;
                for n in new_notes {
                    placed_notes.insert(n);
                    note_lines.extend((0..self.notes[n].lines.len()).map(|l| (n, l)));
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
                && used + item.height + notes_height(current_notes + first_lines) <= capacity
                && !item.keep_with_next
            {
                page.placed.push((i, used));
                used += item.height;
                let room = ((capacity - used - notes_height(current_notes)) / self.note_leading)
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
                note_lines.extend(all.drain(..now.min(all.len())));
                carried.extend(all);
                i += 1;
                finish!();
                continue;
            }
            // End the page at the last place a page may end.
            let k = page.placed.iter().rposition(|&(idx, _)| {
                !self.items[idx].keep_with_next && !self.items[idx].discardable
            });
            match k {
                Some(k) => {
                    let back = page.placed.split_off(k + 1);
                    // Notes referenced by the items moved back move with them.
                    for &(idx, _) in &back {
                        for key in &self.items[idx].notes {
                            if let Some(&n) = note_index.get(key.as_str())
                                && placed_notes.remove(&n)
                            {
                                note_lines.retain(|(nn, _)| *nn != n);
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
                    let only_header = page.placed.iter().all(|&(idx, _)| {
                        self.items[idx].table_row.is_some_and(|(_, h)| h) && idx < i
                    });
                    if page.placed.is_empty() || only_header {
                        page.placed.push((i, used));
                        i += 1;
                    }
                }
            }
            finish!();
        }
        if !page.placed.is_empty() || !note_lines.is_empty() || !carried.is_empty() {
            finish!();
            while !note_lines.is_empty() || !carried.is_empty() {
                finish!();
            }
        }
        pages
    }
}
