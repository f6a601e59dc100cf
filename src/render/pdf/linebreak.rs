//! Line breaking: Knuth and Plass's total-fit algorithm.
//!
//! A paragraph is a list of boxes (unbreakable material), glue (space that
//! can stretch and shrink) and penalties (possible breaks, with a cost).
//! Rather than filling each line as full as it goes, as a word processor
//! does, total fit considers every feasible set of breaks and picks the one
//! with the least total *demerits*, a cost that grows with the cube of how
//! far each line's spaces are stretched or shrunk, plus penalties for
//! hyphens, for two hyphenated lines in a row, and for a very tight line
//! next to a very loose one. The search keeps, for each break still
//! reachable, the best way to get there ("active nodes"), so it runs in
//! time linear in the paragraph for all practical purposes.
//!
//! Beyond the paper: a hard limit on consecutive hyphenated lines, and no
//! hyphen at the end of a paragraph's second-to-last line (so the last line
//! never starts with a word's tail).
//!
//! And micro-typography, as pdfTeX does it: with [`Margins`], a line's
//! first and last characters may hang into the margins (protrusion: a
//! line is measured without what hangs), and a line's glyphs may be set a
//! little wider or narrower (font expansion), in steps chosen with the
//! breaks: each line a step at most from the one before, judged by its
//! spaces once its glyphs have taken their step.

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    Box {
        width: f32,
    },
    Glue {
        width: f32,
        stretch: f32,
        shrink: f32,
    },
    Penalty {
        width: f32,
        cost: f32,
        flagged: bool,
    },
}

/// A cost that forbids a break, or (negated) forces one.
pub const INFINITY: f32 = 10_000.0;

/// With font expansion, ways to a break costlier than the cheapest by
/// more than this are dropped (a line of badness 50 costs 3,600). Measured
/// on a 300,000-word novel: p95 word space 0.438 em unpruned, 0.441 with
/// this; a 180,000-word technical book's PDF 0.57 s unpruned, 0.51 s with
/// this (0.49 s without micro-typography).
const PRUNE: f32 = 4_000.0;

#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// The largest adjustment ratio accepted: 1.0 lets spaces stretch by
    /// their full stretchability, no more.
    pub tolerance: f32,
    /// Added to every line's badness, so that fewer lines are preferred.
    pub line_penalty: f32,
    /// Demerits for two consecutive lines ending in hyphens. TeX's default
    /// is 10,000; runs of hyphens are the most visible flaw on a page.
    pub double_hyphen_demerits: f32,
    /// Demerits when a line's tightness differs by more than one class
    /// from the line before (a tight line under a loose one).
    pub fitness_demerits: f32,
    /// At most this many hyphenated lines in a row.
    pub max_hyphen_run: u8,
    /// Stretch added to every line when judging it (TeX's
    /// \emergencystretch), never when setting it: a hard paragraph then
    /// spreads its looseness over many lines instead of one gaping line.
    pub emergency_stretch: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            tolerance: 1.0,
            line_penalty: 10.0,
            double_hyphen_demerits: 10_000.0,
            fitness_demerits: 3_000.0,
            max_hyphen_run: 2,
            emergency_stretch: 0.0,
        }
    }
}

/// Micro-typography for one paragraph, item by item: how far a line's
/// first box may hang into the left margin, how far the material a line
/// ends with may hang into the right one, and how much of each box is
/// glyphs that may be expanded.
#[derive(Debug, Clone, Default)]
pub struct Margins {
    /// For a box: what hangs left when it begins a line (points).
    pub left: Vec<f32>,
    /// For a box: what hangs right when it ends a line; for a penalty
    /// with a width (a hyphen), what hangs when the line breaks there.
    pub right: Vec<f32>,
    /// For a box: the width of its glyphs that may be expanded.
    pub expand: Vec<f32>,
    /// The largest expansion or compression, as a fraction (0.02).
    pub max_expand: f32,
    /// Expansion is chosen in steps of this fraction (0.005).
    pub step: f32,
}

impl Margins {
    /// What hangs left on a line whose first shown item is `first`.
    fn start(&self, items: &[Item], first: usize) -> f32 {
        match items.get(first) {
            Some(Item::Box { .. }) => self.left.get(first).copied().unwrap_or(0.0),
            _ => 0.0,
        }
    }

    /// What hangs right on a line that breaks at `at`.
    fn end(&self, items: &[Item], at: usize) -> f32 {
        match items.get(at) {
            Some(Item::Penalty { width, cost, .. }) if *width > 0.0 && *cost < INFINITY => {
                self.right.get(at).copied().unwrap_or(0.0)
            }
            // Otherwise the last box before the break (a forced break
            // follows the glue that fills a paragraph's last line).
            _ => items[..at.min(items.len())]
                .iter()
                .rposition(|i| matches!(i, Item::Box { .. }))
                .map_or(0.0, |p| self.right.get(p).copied().unwrap_or(0.0)),
        }
    }
}

/// A chosen break: the index of the item broken at, and the adjustment
/// ratio of the line that ends there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    pub index: usize,
    pub ratio: f32,
    /// The expansion the breaker chose for the line's glyphs (a
    /// fraction: 0.01 is one percent wider), and what hangs into the left
    /// and right margins (points); all 0 without micro-typography.
    pub expand: f32,
    pub left: f32,
    pub right: f32,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    index: usize,
    line: usize,
    fitness: u8,
    hyphen_run: u8,
    flagged: bool,
    width: f32,
    stretch: f32,
    shrink: f32,
    /// Expandable width before the break, and what the next line's first
    /// box hangs left.
    expand: f32,
    hang: f32,
    /// The line's expansion, in steps; and whether the next line is free
    /// of it (the paragraph starts, or a forced break ended this line).
    step: i8,
    free: bool,
    demerits: f32,
    prev: Option<usize>,
}

/// Fitness class of a line from its ratio: 0 tight, 1 decent, 2 loose,
/// 3 very loose (the paper's classes).
fn fitness(ratio: f32) -> u8 {
    if ratio < -0.5 {
        0
    } else if ratio <= 0.5 {
        1
    } else if ratio <= 1.0 {
        2
    } else {
        3
    }
}

/// Breaks `items` into lines of `width(line_number)` points. The items must
/// end with a forced break (a penalty of `-INFINITY`). Returns `None` when
/// no set of breaks keeps every line within tolerance.
pub fn total_fit(
    items: &[Item],
    width: &dyn Fn(usize) -> f32,
    params: &Params,
    margins: Option<&Margins>,
) -> Option<Vec<Break>> {
    let first_box = items
        .iter()
        .position(|i| matches!(i, Item::Box { .. }))
        .unwrap_or(0);
    let mut nodes: Vec<Node> = vec![Node {
        index: 0,
        line: 0,
        fitness: 1,
        hyphen_run: 0,
        flagged: false,
        width: 0.0,
        stretch: 0.0,
        shrink: 0.0,
        expand: 0.0,
        hang: margins.map_or(0.0, |m| m.start(items, first_box)),
        step: 0,
        free: true,
        demerits: 0.0,
        prev: None,
    }];
    let mut active: Vec<usize> = vec![0];
    let (mut sum_w, mut sum_y, mut sum_z) = (0.0f32, 0.0f32, 0.0f32);
    let mut sum_e = 0.0f32;
    let max_e = margins.map_or(0.0, |m| m.max_expand.max(0.0));
    let step = margins.map_or(1.0, |m| m.step.max(1.0e-4));
    // Expansion in whole steps each way (4 for 2% in half-percent steps).
    let steps = (max_e / step).round().min(20.0) as i8;
    let slots = (2 * steps as usize + 1).max(4);

    for (i, item) in items.iter().enumerate() {
        let (is_break, pen_width, cost, flagged) = match *item {
            Item::Box { .. } => (false, 0.0, 0.0, false),
            Item::Glue { .. } => (
                i > 0 && matches!(items[i - 1], Item::Box { .. }),
                0.0,
                0.0,
                false,
            ),
            Item::Penalty {
                width,
                cost,
                flagged,
            } => (cost < INFINITY, width, cost, flagged),
        };
        if is_break {
            // Best new node per fitness class without micro-typography;
            // with it, per expansion step (the step carries the line's
            // tightness to the next line as a fitness class does).
            let mut best: Vec<Option<(f32, usize, i8, u8)>> = vec![None; slots];
            let mut keep = Vec::with_capacity(active.len());
            let hang_right = margins.map_or(0.0, |m| m.end(items, i));
            let forced = cost <= -INFINITY;
            for &a in &active {
                let node = nodes[a];
                let line_w = width(node.line);
                let natural = sum_w - node.width + pen_width - node.hang - hang_right;
                let y = sum_y - node.stretch + params.emergency_stretch;
                let z = sum_z - node.shrink;
                let glyphs = sum_e - node.expand;
                let fonts = max_e * glyphs;
                // The ratio with everything that may give (spaces and
                // glyphs), to judge whether the line can ever fit.
                let ratio = if natural < line_w {
                    if y + fonts > 0.0 {
                        (line_w - natural) / (y + fonts)
                    } else {
                        INFINITY
                    }
                } else if natural > line_w {
                    if z + fonts > 0.0 {
                        (line_w - natural) / (z + fonts)
                    } else {
                        -INFINITY
                    }
                } else {
                    0.0
                };
                if ratio < -1.0 || forced {
                    // Too tight from here on, or a forced break ends it.
                } else {
                    keep.push(a);
                }
                if ratio < -1.0 || ratio > params.tolerance {
                    continue;
                }
                if flagged && node.flagged && node.hyphen_run >= params.max_hyphen_run {
                    continue;
                }
                if forced && node.flagged && node.index > 0 {
                    continue; // no hyphen at the end of the next-to-last line
                }
                // The expansions this line may take: any on a paragraph's
                // first line, a step from the line before's on the others,
                // only narrower on its last; those near its share of the
                // slack are tried.
                let (lo, hi) = if steps == 0 || glyphs <= 0.0 {
                    (0, 0)
                } else if forced {
                    (-steps, 0)
                } else if node.free {
                    (-steps, steps)
                } else {
                    ((node.step - 1).max(-steps), (node.step + 1).min(steps))
                };
                let ideal = ((ratio * steps as f32).round() as i8).clamp(lo, hi);
                for s in (ideal - 1).max(lo)..=(ideal + 1).min(hi) {
                    let set = natural + s as f32 * step * glyphs;
                    let r = if set < line_w {
                        if y > 0.0 {
                            (line_w - set) / y
                        } else {
                            INFINITY
                        }
                    } else if set > line_w {
                        if z > 0.0 {
                            (line_w - set) / z
                        } else {
                            -INFINITY
                        }
                    } else {
                        0.0
                    };
                    if r < -1.0 || r > params.tolerance {
                        continue;
                    }
                    let badness = 100.0 * r.abs().powi(3);
                    let base = params.line_penalty + badness;
                    let mut d = if cost >= 0.0 {
                        base * base + cost * cost
                    } else if cost > -INFINITY {
                        base * base - cost * cost
                    } else {
                        base * base
                    };
                    if flagged && node.flagged {
                        d += params.double_hyphen_demerits;
                    }
                    let f = fitness(r);
                    if (f as i32 - node.fitness as i32).abs() > 1 {
                        d += params.fitness_demerits;
                    }
                    let total = node.demerits + d;
                    let key = if steps == 0 {
                        f as usize
                    } else {
                        (s + steps) as usize
                    };
                    let slot = &mut best[key];
                    if slot.is_none_or(|(t, _, _, _)| total < t) {
                        *slot = Some((total, a, s, f));
                    }
                }
            }
            active = keep;
            // Totals after the break: skip the glue and penalties a line
            // drops at its start.
            let (mut w, mut y, mut z) = (sum_w, sum_y, sum_z);
            let mut hang = 0.0;
            for (j, next) in items.iter().enumerate().skip(i) {
                match *next {
                    Item::Box { .. } => {
                        hang = margins.map_or(0.0, |m| m.start(items, j));
                        break;
                    }
                    Item::Glue {
                        width,
                        stretch,
                        shrink,
                    } => {
                        w += width;
                        y += stretch;
                        z += shrink;
                    }
                    Item::Penalty { cost, .. }
                        if cost <= -INFINITY && !std::ptr::eq(next, item) =>
                    {
                        break;
                    }
                    Item::Penalty { .. } => {}
                }
            }
            // Of the ways to reach this break with different expansions,
            // those far costlier than the best are not carried on: they
            // would almost never win, and each carried way is work at
            // every later break.
            let cheapest = best
                .iter()
                .flatten()
                .map(|b| b.0)
                .fold(f32::INFINITY, f32::min);
            for slot in &best {
                if let Some((total, from, s, f)) = *slot
                    && (steps == 0 || total <= cheapest + PRUNE)
                {
                    let prev = nodes[from];
                    nodes.push(Node {
                        index: i,
                        line: prev.line + 1,
                        fitness: f,
                        step: s,
                        free: forced,
                        hyphen_run: if flagged { prev.hyphen_run + 1 } else { 0 },
                        flagged,
                        width: w,
                        stretch: y,
                        shrink: z,
                        expand: sum_e,
                        hang,
                        demerits: total,
                        prev: Some(from),
                    });
                    active.push(nodes.len() - 1);
                }
            }
            if active.is_empty() {
                return None;
            }
        }
        match *item {
            Item::Glue {
                width,
                stretch,
                shrink,
            } => {
                sum_w += width;
                sum_y += stretch;
                sum_z += shrink;
            }
            Item::Box { width } => {
                sum_w += width;
                sum_e += margins.map_or(0.0, |m| m.expand.get(i).copied().unwrap_or(0.0));
            }
            Item::Penalty { .. } => {}
        }
    }
    // The best node at the final forced break.
    let last = items.len().checked_sub(1)?;
    let end = active
        .iter()
        .copied()
        .filter(|&a| nodes[a].index == last)
        .min_by(|&a, &b| nodes[a].demerits.total_cmp(&nodes[b].demerits))?;
    let mut breaks = Vec::new();
    let mut cur = Some(end);
    while let Some(n) = cur {
        let node = nodes[n];
        if node.prev.is_none() {
            break;
        }
        breaks.push((node.index, node.step));
        cur = node.prev;
    }
    breaks.reverse();
    // Each line's ratio for setting it: with micro-typography, its width
    // less what hangs, its glyphs at the expansion chosen, the spaces
    // taking the rest.
    let mut out = Vec::with_capacity(breaks.len());
    let mut start = 0usize;
    for (line, &(b, s)) in breaks.iter().enumerate() {
        let set = match margins {
            None => Break {
                index: b,
                ratio: line_ratio(items, start, b, width(line)),
                expand: 0.0,
                left: 0.0,
                right: 0.0,
            },
            Some(m) => {
                let range = line_items(items, start, b);
                let (left, right) = (m.start(items, range.start), m.end(items, b));
                let t = totals(items, range, b, Some(&m.expand));
                let expand = s as f32 * step;
                let target = width(line) + left + right;
                let natural = t.width + expand * t.expand;
                let ratio = if natural < target && t.stretch > 0.0 {
                    (target - natural) / t.stretch
                } else if natural > target && t.shrink > 0.0 {
                    (target - natural) / t.shrink
                } else {
                    0.0
                };
                Break {
                    index: b,
                    ratio: ratio.max(-1.0),
                    expand,
                    left,
                    right,
                }
            }
        };
        out.push(set);
        start = b + 1;
    }
    Some(out)
}

/// The items that a line from `start` to the break at `end` shows: leading
/// glue and penalties are dropped, and the break item itself shows only if
/// it is a penalty (a hyphen).
pub fn line_items(items: &[Item], start: usize, end: usize) -> std::ops::Range<usize> {
    let mut s = start;
    while s < end && !matches!(items[s], Item::Box { .. }) {
        s += 1;
    }
    s..end
}

/// The adjustment ratio of the line from `start` to the break at `end`.
pub fn line_ratio(items: &[Item], start: usize, end: usize, line_width: f32) -> f32 {
    let t = totals(items, line_items(items, start, end), end, None);
    let w = t.width;
    if w < line_width {
        if t.stretch > 0.0 {
            (line_width - w) / t.stretch
        } else {
            0.0
        }
    } else if w > line_width && t.shrink > 0.0 {
        ((line_width - w) / t.shrink).max(-1.0)
    } else {
        0.0
    }
}

/// What a line's items add up to: its natural width (with the hyphen of
/// a break at a penalty), its spaces' stretch and shrink, and the width
/// of its glyphs that may be expanded.
struct Totals {
    width: f32,
    stretch: f32,
    shrink: f32,
    expand: f32,
}

fn totals(
    items: &[Item],
    range: std::ops::Range<usize>,
    end: usize,
    expand: Option<&[f32]>,
) -> Totals {
    let mut t = Totals {
        width: 0.0,
        stretch: 0.0,
        shrink: 0.0,
        expand: 0.0,
    };
    for k in range {
        match items[k] {
            Item::Box { width } => {
                t.width += width;
                t.expand += expand.and_then(|e| e.get(k)).copied().unwrap_or(0.0);
            }
            Item::Glue {
                width,
                stretch,
                shrink,
            } => {
                t.width += width;
                t.stretch += stretch;
                t.shrink += shrink;
            }
            Item::Penalty { .. } => {}
        }
    }
    if let Some(Item::Penalty { width, .. }) = items.get(end) {
        t.width += width;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[f32]) -> Vec<Item> {
        let mut v = Vec::new();
        for (i, w) in ws.iter().enumerate() {
            if i > 0 {
                v.push(Item::Glue {
                    width: 3.0,
                    stretch: 1.5,
                    shrink: 1.0,
                });
            }
            v.push(Item::Box { width: *w });
        }
        v.push(Item::Glue {
            width: 0.0,
            stretch: INFINITY,
            shrink: 0.0,
        });
        v.push(Item::Penalty {
            width: 0.0,
            cost: -INFINITY,
            flagged: false,
        });
        v
    }

    #[test]
    fn breaks_evenly() {
        // Ten words of 20pt; lines of 68pt hold three words and two spaces
        // at the natural width (66pt) with a little stretch.
        let items = words(&[20.0; 10]);
        let breaks = total_fit(&items, &|_| 68.0, &Params::default(), None).unwrap();
        assert_eq!(breaks.len(), 4);
        for b in &breaks[..3] {
            assert!(b.ratio >= 0.0 && b.ratio <= 1.0, "{b:?}");
        }
    }

    #[test]
    fn impossible_within_tolerance() {
        let items = words(&[20.0, 100.0, 20.0]);
        assert!(total_fit(&items, &|_| 50.0, &Params::default(), None).is_none());
    }

    #[test]
    fn never_more_hyphens_in_a_row_than_allowed() {
        // Words each with a hyphenation point in the middle.
        let mut items = Vec::new();
        for i in 0..40 {
            if i > 0 {
                items.push(Item::Glue {
                    width: 3.0,
                    stretch: 1.5,
                    shrink: 1.0,
                });
            }
            items.push(Item::Box { width: 9.0 });
            items.push(Item::Penalty {
                width: 2.0,
                cost: 50.0,
                flagged: true,
            });
            items.push(Item::Box { width: 9.0 });
        }
        items.push(Item::Glue {
            width: 0.0,
            stretch: INFINITY,
            shrink: 0.0,
        });
        items.push(Item::Penalty {
            width: 0.0,
            cost: -INFINITY,
            flagged: false,
        });
        // Loose enough that a paragraph can avoid a third hyphen (and a
        // hyphen before its last line) at the price of looser lines.
        let params = Params {
            tolerance: 6.0,
            ..Params::default()
        };
        let breaks = total_fit(&items, &|_| 55.0, &params, None).unwrap();
        let mut run = 0;
        for b in &breaks {
            let flagged = matches!(items[b.index], Item::Penalty { flagged: true, .. });
            run = if flagged { run + 1 } else { 0 };
            assert!(run <= 2);
        }
    }

    proptest::proptest! {
        /// With micro-typography, every line of a paragraph fits its
        /// measure exactly (what hangs included), its spaces never shrink
        /// past their limit, its expansion is whole steps within the
        /// limit, and no two lines in a row differ by more than a step.
        #[test]
        fn expansion_is_in_steps_and_changes_a_step_at_a_time(
            widths in proptest::collection::vec(8.0f32..60.0, 20..120),
            hangs in proptest::collection::vec(0.0f32..2.0, 120),
        ) {
            let items = words(&widths);
            let n = items.len();
            let mut margins = Margins {
                left: vec![0.0; n],
                right: vec![0.0; n],
                expand: vec![0.0; n],
                max_expand: 0.02,
                step: 0.005,
            };
            for (k, item) in items.iter().enumerate() {
                if let Item::Box { width } = item {
                    margins.expand[k] = *width;
                    margins.left[k] = hangs[k % hangs.len()] / 2.0;
                    margins.right[k] = hangs[(k * 7) % hangs.len()];
                }
            }
            let measure = 200.0;
            let Some(breaks) = total_fit(&items, &|_| measure, &Params::default(), Some(&margins)) else {
                return Ok(());
            };
            let mut start = 0;
            for (k, b) in breaks.iter().enumerate() {
                let f = b;
                let steps = f.expand / 0.005;
                proptest::prop_assert!((steps - steps.round()).abs() < 1e-3, "{f:?}");
                proptest::prop_assert!(f.expand.abs() <= 0.02 + 1e-6, "{f:?}");
                proptest::prop_assert!(f.ratio >= -1.0, "{f:?}");
                let last = k + 1 == breaks.len();
                if !last {
                    // The line is exactly as wide as the measure and what hangs.
                    let t = totals(&items, line_items(&items, start, b.index), b.index, Some(&margins.expand));
                    let set = t.width + f.expand * t.expand
                        + if f.ratio >= 0.0 { f.ratio * t.stretch } else { f.ratio * t.shrink };
                    proptest::prop_assert!((set - (measure + f.left + f.right)).abs() < 0.05, "{set} {f:?}");
                }
                if k > 0 && !last {
                    let step = (f.expand - breaks[k - 1].expand).abs();
                    proptest::prop_assert!(step <= 0.005 + 1e-6, "{:?} then {f:?}", breaks[k - 1]);
                }
                start = b.index + 1;
            }
        }
    }
}
