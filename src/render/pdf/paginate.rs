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
    /// How much deeper (or, below 0, shallower) than the text block this
    /// page's text is set, to end level with its facing page: its
    /// footnotes sit at that foot.
    pub extra: f32,
    /// A left-hand page whose facing page could not be made to end level
    /// with it.
    pub uneven: bool,
}

pub struct Paginator<'a> {
    pub geometry: &'a Geometry,
    pub items: &'a [VItem],
    pub notes: &'a [Note],
    /// Height of one footnote line.
    pub note_leading: f32,
    /// Physical index of the first page produced (for recto/verso).
    pub first_page_index: usize,
    /// Lines a spread may run long to end level (0 turns balancing to
    /// the short side only).
    pub long_lines: u8,
}

/// Pagination in progress: the pages done, the page being filled, and the
/// footnote lines waiting for room.
#[derive(Clone, Default)]
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
    /// The next item to place.
    i: usize,
    /// Notes already placed (or carried).
    placed_notes: std::collections::HashSet<usize>,
    /// The depth the page being filled may take, and the text block's.
    cap: f32,
    full: f32,
    /// Spreads that could not be made level.
    unlevel: usize,
    /// Pages done before `pages` (held aside while a spread is tried).
    offset: usize,
}

impl State {
    /// The state as it is, but for the pages done (which are not copied).
    fn snapshot(&mut self) -> State {
        let pages = std::mem::take(&mut self.pages);
        let copy = self.clone();
        self.pages = pages;
        copy
    }

    /// Goes back to a snapshot taken when `done` pages were done.
    fn rewind(&mut self, done: usize, to: State) {
        let mut pages = std::mem::take(&mut self.pages);
        pages.truncate(done);
        *self = to;
        self.pages = pages;
    }

    /// Ends the page and starts the next with the notes carried over.
    fn finish(&mut self) {
        self.page.notes = std::mem::take(&mut self.note_lines);
        self.page.chapter = self.chapter;
        self.page.extra = self.cap - self.full;
        self.pages.push(std::mem::take(&mut self.page));
        self.used = 0.0;
        let take = self.carried.len().min(self.max_carried);
        self.note_lines.extend(self.carried.drain(..take));
    }
}

/// What pagination tries again within a chapter: the spreads set so far,
/// as they began (the pages done then, and the state); the depth a spread
/// is set to when a short last page or an uneven spread asked for another;
/// how many ways to lengthen a short last page were tried, and whether all
/// failed (the chapter is then set as it first came); how many spreads were
/// uneven as it first came; and for a spread that would not end level, how
/// many settings of the spread before it were tried.
#[derive(Default)]
struct Retries {
    marks: Vec<(usize, State)>,
    depths: HashMap<usize, f32>,
    remedy: usize,
    giving_up: bool,
    as_first: Option<usize>,
    repair: HashMap<usize, usize>,
}

/// Whether an item puts anything on the page (an empty code line or a
/// space does not).
fn shows(item: &VItem) -> bool {
    item.draws.iter().any(|d| match d {
        super::flow::Draw::Text { line, .. } => {
            line.runs.iter().any(|r| !r.glyphs.is_empty())
                || !line.images.is_empty()
                || !line.maths.is_empty()
        }
        _ => true,
    })
}

/// Space between the text and the footnotes (the rule sits in it).
pub fn note_gap(g: &Geometry) -> f32 {
    g.leading
}

/// How far above the foot of the text block the footnotes' block ends,
/// so that its last baseline is where a last line of text would be: the
/// foot of a page with notes lines up with the foot of its facing page.
pub fn notes_raised(g: &Geometry, note_leading: f32) -> f32 {
    (g.leading - super::flow::baseline_offset(g)) - note_leading * (1.0 - NOTE_BASELINE)
}

/// Where a footnote line's baseline is, down from its top, in leadings.
pub const NOTE_BASELINE: f32 = 0.78;

impl Paginator<'_> {
    /// Places item `i` on the page with as many lines of its new notes as
    /// the page has room for (at least `at_least`); the rest are carried
    /// to the pages after.
    fn place_splitting_notes(
        &self,
        st: &mut State,
        i: usize,
        new_notes: &[usize],
        at_least: usize,
    ) {
        let g = self.geometry;
        let capacity = st.cap;
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
            st.placed_notes.insert(n);
            all.extend((0..self.notes[n].lines.len()).map(|l| (n, l)));
        }
        let now = room.min(all.len()).max(at_least.min(all.len()));
        st.note_lines.extend(all.drain(..now));
        st.carried.extend(all);
    }

    /// The pages, and the chapters whose last page still holds fewer than
    /// five lines (with how many).
    pub fn run_reporting(&self) -> (Vec<PageBody>, Vec<(usize, usize)>) {
        let g = self.geometry;
        let full = g.text_height() + 0.01;
        let mut st = State {
            // Continued notes come first on a page, as many as fit beside
            // three lines of text.
            max_carried: ((full - g.leading * 3.0 - note_gap(g)) / self.note_leading)
                .floor()
                .max(1.0) as usize,
            cap: full,
            full,
            ..State::default()
        };
        let note_index: HashMap<&str, usize> = self
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.key.as_str(), i))
            .collect();
        let mut ch = Retries::default();
        let mut short = Vec::new();
        while st.i < self.items.len() {
            // A left-hand page is an odd physical index: it and the page
            // facing it are filled together.
            let index = self.first_page_index + st.offset + st.pages.len();
            if g.mirrored && index % 2 == 1 && st.page.placed.is_empty() {
                let done = st.pages.len();
                ch.marks.push((done, st.snapshot()));
                let base = ch.depths.get(&done).copied().unwrap_or(full);
                let uneven = st.unlevel;
                self.spread(&mut st, &note_index, base);
                // A spread that cannot end level: set the one before it a
                // line long, then a line short, which moves its text by
                // two lines; if neither serves, it stays as it first came.
                // (Not for a spread whose own depth was set so.)
                const DONE: usize = usize::MAX;
                if st.unlevel > uneven
                    && !ch.giving_up
                    && ch.marks.len() >= 2
                    && !ch.depths.contains_key(&done)
                {
                    let prev = ch.marks[ch.marks.len() - 2].0;
                    let count = ch.repair.get(&done).copied().unwrap_or(0);
                    let dirs: Vec<f32> = [1.0, -1.0]
                        .into_iter()
                        .filter(|&d| d < 0.0 || self.long_lines > 0)
                        .collect();
                    if count != DONE && (count > 0 || !ch.depths.contains_key(&prev)) {
                        match dirs.get(count) {
                            Some(&dir) => {
                                ch.repair.insert(done, count + 1);
                                ch.depths.insert(prev, full + dir * g.leading);
                            }
                            None => {
                                ch.repair.insert(done, DONE);
                                ch.depths.remove(&prev);
                            }
                        }
                        let (at, saved) = ch.marks[ch.marks.len() - 2].clone();
                        ch.marks.truncate(ch.marks.len() - 2);
                        st.rewind(at, saved);
                        continue;
                    }
                }
            } else {
                self.page(&mut st, &note_index, full);
            }
            if !self.ends_chapter(&st) || st.pages.last().is_none_or(|p| p.blank) {
                continue;
            }
            let last = st.pages.len() - 1;
            let lines = self.lines(&st.pages[last]);
            // A remedy that left more spreads uneven than the chapter had
            // as it first came is no remedy.
            let in_chapter = ch.marks.first().map_or(0, |(_, m)| st.unlevel - m.unlevel);
            let first_uneven = *ch.as_first.get_or_insert(in_chapter);
            let uneven = !ch.depths.is_empty() && in_chapter > first_uneven;
            // A chapter of one page (a part's title, a dedication) is as
            // short as it is.
            if ch.giving_up
                || ((lines >= 5 || !g.mirrored || st.pages[last].opens_chapter.is_some())
                    && !uneven)
            {
                if ch.giving_up && lines < 5 {
                    short.push((st.chapter, lines));
                }
                ch = Retries::default();
                continue;
            }
            // Too few lines on the chapter's last page: set the spreads
            // before it a line long (pulling its lines back) or a line
            // short (pushing lines on to it), one, two, then three
            // spreads, until it holds five lines or none.
            let before: Vec<usize> = ch
                .marks
                .iter()
                .enumerate()
                .filter(|(_, (done, _))| *done < last)
                .map(|(k, _)| k)
                .collect();
            let plan: Option<(usize, f32)> = [(1, 1.0), (2, 1.0), (1, -1.0), (2, -1.0), (3, -1.0)]
                .into_iter()
                .filter(|&(_, dir)| dir < 0.0 || self.long_lines > 0)
                .filter(|&(n, _)| n <= before.len())
                .nth(ch.remedy);
            let Some((n, dir)) = plan else {
                // Nothing served: the chapter as it first came.
                ch.giving_up = true;
                ch.depths.clear();
                if ch.marks.is_empty() {
                    short.push((st.chapter, lines));
                    ch = Retries::default();
                    continue;
                }
                let (done, saved) = ch.marks[0].clone();
                ch.marks.clear();
                st.rewind(done, saved);
                continue;
            };
            ch.remedy += 1;
            ch.depths.clear();
            let from = before[before.len() - n];
            for &k in &before[before.len() - n..] {
                ch.depths.insert(ch.marks[k].0, full + dir * g.leading);
            }
            let (done, saved) = ch.marks[from].clone();
            ch.marks.truncate(from);
            st.rewind(done, saved);
        }
        if !st.page.placed.is_empty() || !st.note_lines.is_empty() || !st.carried.is_empty() {
            // The last page keeps the depth it was filled to; pages of
            // notes left over are plain.
            st.finish();
            st.cap = full;
            while !st.note_lines.is_empty() || !st.carried.is_empty() {
                st.finish();
            }
        }
        (st.pages, short)
    }

    /// The lines of text on a finished page (a picture or a table row
    /// counts as one).
    fn lines(&self, page: &PageBody) -> usize {
        page.placed
            .iter()
            .filter(|&&(i, _)| shows(&self.items[i]))
            .count()
            + page.notes.len()
    }

    /// Fills a spread so that its two pages end on the same baseline:
    /// as they come; else the right-hand page as deep as the left; else
    /// both a line long (as far as the book allows) or a line or two
    /// short. A spread that ends a chapter is held to nothing: its last
    /// page ends where the text does. When no way makes them level, the
    /// spread stays as it came.
    fn spread(&self, st: &mut State, notes: &HashMap<&str, usize>, base: f32) {
        let g = self.geometry;
        let start = st.pages.len();
        let offset = st.offset;
        let mut before = st.snapshot();
        before.offset = offset + start;
        let mut caps = vec![base];
        for n in 1..=self.long_lines {
            caps.push(base + n as f32 * g.leading);
        }
        caps.extend([base - g.leading, base - 2.0 * g.leading]);
        // No page deeper than the book allows.
        let deepest = st.full + self.long_lines as f32 * g.leading + 0.01;
        caps.retain(|&c| c <= deepest);
        if caps.is_empty() {
            caps.push(st.full);
        }
        let level = |a: f32, b: f32| (a - b).abs() < 0.5;
        let mut first: Option<State> = None;
        // Whether `first` is level (or held to nothing).
        let mut settled = false;
        let mut tried = 0;
        while tried < caps.len() && tried < 8 {
            let cap = caps[tried];
            tried += 1;
            let mut t = before.clone();
            self.page(&mut t, notes, cap);
            // The book ends on this page: nothing faces it.
            if t.i >= self.items.len() {
                first = Some(t);
                settled = true;
                break;
            }
            // The page ended its chapter (or a blank page came first):
            // nothing to match.
            if t.pages.len() != 1 || self.ends_chapter(&t) || t.pages[0].blank {
                if first.is_none() {
                    first = Some(t);
                    settled = true;
                }
                break;
            }
            let left = self.depth(&t.pages[0]);
            let mut t2 = t.clone();
            if left < base * 0.5 {
                // Hardly a page of text (a picture, a table's end): the
                // facing page is set as it comes.
                self.page(&mut t2, notes, base);
                settled = level(left, self.depth(&t2.pages[t2.pages.len() - 1]));
                first = Some(t2);
                break;
            }
            self.page(&mut t2, notes, left + 0.01);
            if t2.i >= self.items.len() {
                // The book's last page, as deep as its text.
                first = Some(t2);
                settled = true;
                break;
            }
            if t2.pages.len() == 2 {
                if self.ends_chapter(&t2) || level(left, self.depth(&t2.pages[1])) {
                    first = Some(t2);
                    settled = true;
                    break;
                }
                // Off the line grid by less than a line (a heading's
                // spaces): the space around headings and lists takes up
                // the difference, on the short page or the long one.
                let right = self.depth(&t2.pages[1]);
                let (a, b) = t2.pages.split_at_mut(1);
                if self.justify(&mut b[0], left) || self.justify(&mut a[0], right) {
                    first = Some(t2);
                    settled = true;
                    break;
                }
                // The right-hand page came out shorter (where its lines
                // may break): try the left one as short, next.
                let next = right + 0.01;
                if right >= base - 5.0 * g.leading
                    && next <= deepest
                    && !caps.iter().any(|&c| (c - next).abs() < 0.5)
                {
                    caps.insert(tried, next);
                }
            }
            if first.is_none() {
                // As they come, for when no way makes them level.
                let mut greedy = t.clone();
                self.page(&mut greedy, notes, base);
                first = Some(greedy);
            }
        }
        // The spread as it came may need no matching after all: its right
        // page ends the chapter, or the two came out level.
        if !settled
            && let Some(f) = &first
            && (f.i >= self.items.len()
                || self.ends_chapter(f)
                || (f.pages.len() == 2 && level(self.depth(&f.pages[0]), self.depth(&f.pages[1]))))
        {
            settled = true;
        }
        let mut chosen = first.unwrap_or(before);
        let mut done = std::mem::take(&mut st.pages);
        done.append(&mut chosen.pages);
        *st = chosen;
        st.pages = done;
        st.offset = offset;
        if !settled {
            st.unlevel += 1;
            if let Some(page) = st.pages.get_mut(start) {
                page.uneven = true;
            }
        }
        debug_assert!(st.pages.len() >= start);
    }

    /// Moves a page's last line to `to` by widening (or narrowing) the
    /// blank space between its blocks, by no more than a line in all.
    /// False, and the page unchanged, when it cannot.
    fn justify(&self, page: &mut PageBody, to: f32) -> bool {
        let gap = to - self.depth(page);
        let leading = self.geometry.leading;
        if gap.abs() < 0.01 {
            return true;
        }
        if gap.abs() > leading + 0.01 || !page.notes.is_empty() {
            return false;
        }
        // Blank space between blocks: not at the page's head.
        let spaces: Vec<usize> = page
            .placed
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, (i, _))| self.items[*i].draws.is_empty() && self.items[*i].height > 0.0)
            .map(|(k, _)| k)
            .collect();
        let room: f32 = spaces
            .iter()
            .map(|&k| self.items[page.placed[k].0].height)
            .sum();
        if spaces.is_empty() || (gap < 0.0 && -gap > room) {
            return false;
        }
        let mut shift = 0.0;
        for k in 0..page.placed.len() {
            page.placed[k].1 += shift;
            if spaces.contains(&k) {
                shift += gap * self.items[page.placed[k].0].height / room;
            }
        }
        true
    }

    /// Whether the next item starts a new page (or none is left): the
    /// page just finished is its chapter's last.
    fn ends_chapter(&self, st: &State) -> bool {
        st.page.placed.is_empty()
            && self
                .items
                .get(st.i)
                .is_none_or(|item| item.new_page.is_some())
    }

    /// Where a finished page's text ends: the foot of its notes, or its
    /// last baseline and a line's depth below it.
    fn depth(&self, page: &PageBody) -> f32 {
        if !page.notes.is_empty() {
            return self.geometry.text_height() + 0.01 + page.extra;
        }
        // The last baseline, as deep as a line of text would make it.
        let g = self.geometry;
        let under = g.leading - super::flow::baseline_offset(g);
        page.placed
            .iter()
            .rev()
            .find(|&&(i, _)| shows(&self.items[i]))
            .map_or(0.0, |&(i, top)| {
                let item = &self.items[i];
                let baseline = item.draws.iter().rev().find_map(|d| match d {
                    super::flow::Draw::Text { baseline, .. } => Some(*baseline),
                    _ => None,
                });
                match baseline {
                    Some(b) if b <= item.height => top + b + under,
                    _ => top + item.height,
                }
            })
    }

    /// Fills pages until one is finished (or the items run out), the page
    /// being filled allowed `cap` of depth.
    fn page(&self, st: &mut State, note_index: &HashMap<&str, usize>, cap: f32) {
        let pages = st.pages.len();
        st.cap = cap;
        while st.i < self.items.len() && st.pages.len() == pages {
            self.advance(st, note_index);
        }
    }

    /// Places the next item, or ends the page where it may end.
    fn advance(&self, st: &mut State, note_index: &HashMap<&str, usize>) {
        let g = self.geometry;
        let capacity = st.cap;
        let notes_height = |lines: usize| -> f32 {
            if lines == 0 {
                0.0
            } else {
                note_gap(g) + lines as f32 * self.note_leading
            }
        };
        let i = st.i;
        let item = &self.items[i];
        if let Some(recto) = item.new_page {
            if !st.page.placed.is_empty() || !st.note_lines.is_empty() {
                st.finish();
                return;
            }
            // A right-hand page is an even physical index.
            let index = self.first_page_index + st.offset + st.pages.len();
            if recto && index % 2 == 1 && g.mirrored {
                st.pages.push(PageBody {
                    blank: true,
                    chapter: st.chapter,
                    ..PageBody::default()
                });
                return;
            }
        }
        if let Some(c) = item.opens_chapter {
            st.chapter = c;
            if st.page.placed.is_empty() {
                st.page.opens_chapter = Some(c);
            }
        }
        if st.page.placed.is_empty() && item.discardable && item.notes.is_empty() {
            st.i += 1;
            return;
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
            .filter(|n| !st.placed_notes.contains(n))
            .collect();
        let new_lines: usize = new_notes.iter().map(|&n| self.notes[n].lines.len()).sum();
        let current_notes = st.note_lines.len();
        let fits_all = st.used + item.height + notes_height(current_notes + new_lines) <= capacity;
        if fits_all {
            st.page.placed.push((i, st.used));
            st.used += item.height;
            for n in new_notes {
                st.placed_notes.insert(n);
                st.note_lines
                    .extend((0..self.notes[n].lines.len()).map(|l| (n, l)));
            }
            st.i += 1;
            return;
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
            self.place_splitting_notes(st, i, &new_notes, first_lines);
            st.i += 1;
            st.finish();
            return;
        }
        // End the page at the last place a page may end.
        let k =
            st.page.placed.iter().rposition(|&(idx, _)| {
                !self.items[idx].keep_with_next && !self.items[idx].discardable
            });
        match k {
            Some(k) => {
                let back = st.page.placed.split_off(k + 1);
                // Notes referenced by the items moved back move with them.
                for &(idx, _) in &back {
                    for key in &self.items[idx].notes {
                        if let Some(&n) = note_index.get(key.as_str())
                            && st.placed_notes.remove(&n)
                        {
                            st.note_lines.retain(|(nn, _)| *nn != n);
                        }
                    }
                }
                if let Some(&(first, _)) = back.first() {
                    st.i = first;
                }
            }
            None => {
                // Nothing here may end the page (a run that must stay
                // together is taller than the page): end it anyway.
                let only_header =
                    st.page.placed.iter().all(|&(idx, _)| {
                        self.items[idx].table_row.is_some_and(|(_, h)| h) && idx < i
                    });
                if st.page.placed.is_empty() || only_header {
                    // Its notes go with it, continued overleaf as far
                    // as they must: never dropped.
                    self.place_splitting_notes(st, i, &new_notes, 0);
                    st.i += 1;
                }
            }
        }
        st.finish();
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
                    anchors: Vec::new(),
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
            long_lines: 1,
        }
        .run_reporting()
        .0;
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
                // A spread may run a line long to end level, no more.
                prop_assert!(b.extra <= g.leading + 0.02, "page {} too long", b.extra);
                prop_assert!(
                    used + notes_h <= g.text_height() + b.extra + 0.1 || b.placed.len() == 1,
                    "page overfull: {used} + {notes_h} > {} + {}", g.text_height(), b.extra
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
