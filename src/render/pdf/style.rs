//! Page geometry and type sizes: the decisions a book designer makes once.

pub use crate::model::PageSize;

/// Bleed: how far a page extends beyond its trimmed edge, on each side,
/// in points. Zero for a screen PDF.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bleed {
    pub inside: f32,
    pub outside: f32,
    pub top: f32,
    pub bottom: f32,
    /// Room outside the bleed on every side, for crop marks.
    pub slug: f32,
}

/// Everything about the page the typesetter needs.
#[derive(Debug, Clone)]
pub struct Geometry {
    /// The whole page as the PDF has it (the MediaBox): the trimmed page
    /// and its bleed.
    pub page: PageSize,
    /// The page as the reader holds it, once trimmed.
    pub trim: PageSize,
    pub bleed: Bleed,
    /// Margins from the trimmed edge: inner (the spine side), outer, top
    /// and bottom of the text block. For single-sided layouts inner and
    /// outer are equal.
    pub inner: f32,
    pub outer: f32,
    pub top: f32,
    pub bottom: f32,
    /// Body type size and the distance between baselines.
    pub size: f32,
    pub leading: f32,
    /// Lines of body text on a full page.
    pub lines: usize,
    /// Mirrored margins (recto and verso differ).
    pub mirrored: bool,
    /// Bound on the right, as a right-to-left book is: its rectos are
    /// left-hand pages.
    pub rtl: bool,
    /// How far text may hang past the text block's sides (margin
    /// protrusion) and still keep inside a printer's minimum margins.
    pub hang_room: f32,
}

/// What a book sets for itself: type size, leading, margins.
#[derive(Debug, Clone, Copy, Default)]
pub struct Design {
    pub size: Option<f32>,
    pub line_height: Option<f32>,
    pub margins: crate::model::Margins,
}

/// What the margins must leave at least, from the trimmed edge (print).
#[derive(Debug, Clone, Copy, Default)]
pub struct Minimums {
    pub inside: f32,
    /// The outside, top and bottom: no text, head or folio nearer the edge.
    pub safety: f32,
}

impl Geometry {
    /// A text block proportioned for the page: a measure of about 66
    /// characters, margins that grow towards the outside and the foot (the
    /// classic proportions), and a height that is a whole number of lines
    /// so body text sits on one baseline grid.
    pub fn for_page(page: PageSize, mirrored: bool) -> Geometry {
        Geometry::build(
            page,
            Bleed::default(),
            mirrored,
            Minimums::default(),
            &Design::default(),
        )
    }

    /// The same proportions on a printed page: `trim` with `bleed` around
    /// it, and margins no narrower than the printer's minimums. The running
    /// head above the text and the folio below it stay inside the safety
    /// margin too.
    pub fn for_print(trim: PageSize, bleed: Bleed, min: Minimums) -> Geometry {
        Geometry::build(trim, bleed, true, min, &Design::default())
    }

    /// The page with a book's own type size, leading and margins where it
    /// sets them; the printer's minimums still hold.
    pub fn build(
        trim: PageSize,
        bleed: Bleed,
        mirrored: bool,
        min: Minimums,
        design: &Design,
    ) -> Geometry {
        // Type size grows a little with the page: 10pt on a pocket book,
        // 11pt on A4 and letter.
        let size: f32 = design.size.unwrap_or(if trim.width < 400.0 {
            10.0
        } else if trim.width < 500.0 {
            10.5
        } else {
            11.0
        });
        // Leading a third more than the type, on half points.
        let leading = (size * design.line_height.unwrap_or(1.35) * 2.0).round() / 2.0;
        // About 66 characters; Charis averages about half an em per character.
        let measure = (size * 0.5 * 68.0).min(trim.width * 0.75);
        let side = trim.width - measure;
        let (mut inner, mut outer) = if mirrored {
            (side * 0.44, side * 0.56)
        } else {
            (side / 2.0, side / 2.0)
        };
        let m = &design.margins;
        inner = m.inside.unwrap_or(inner);
        outer = m.outside.unwrap_or(outer);
        // A printer's minimums win over the proportions: the measure
        // gives way, never the gutter.
        inner = inner.max(min.inside);
        outer = outer.max(min.safety);
        if !mirrored {
            let m = inner.max(outer);
            (inner, outer) = (m, m);
        }
        // The running head sits a line and a half above the text, and the
        // folio two below it: both must keep clear of the trimmed edge.
        let top = m
            .top
            .unwrap_or((trim.height * 0.085).max(36.0))
            .max(min.safety + leading * 1.5 + size);
        let foot = m
            .bottom
            .unwrap_or((trim.height * 0.11).max(40.0))
            .max(min.safety + leading * 2.0 + size * 0.5);
        let available = trim.height - top - foot;
        let lines = (available / leading).floor().max(10.0) as usize;
        let bottom = trim.height - top - lines as f32 * leading;
        let page = PageSize {
            width: trim.width + bleed.inside + bleed.outside + 2.0 * bleed.slug,
            height: trim.height + bleed.top + bleed.bottom + 2.0 * bleed.slug,
        };
        Geometry {
            page,
            trim,
            bleed,
            inner,
            outer,
            top,
            bottom,
            size,
            leading,
            lines,
            mirrored,
            rtl: false,
            hang_room: (inner - min.inside).min(outer - min.safety).max(0.0),
        }
    }

    pub fn measure(&self) -> f32 {
        self.trim.width - self.inner - self.outer
    }

    pub fn text_height(&self) -> f32 {
        self.lines as f32 * self.leading
    }

    /// Whether the page with this index is a left-hand page in a
    /// mirrored layout: even indices are rectos, which are right-hand
    /// pages, or left-hand ones in a book bound on the right.
    pub fn verso(&self, page_index: usize) -> bool {
        self.mirrored && (page_index % 2 == 1) != self.rtl
    }

    /// Left edge of the trimmed page on the page with this index: a
    /// recto's bleed on the left is its inside one, a verso's its outside.
    pub fn trim_left(&self, page_index: usize) -> f32 {
        self.bleed.slug
            + if self.verso(page_index) {
                self.bleed.outside
            } else {
                self.bleed.inside
            }
    }

    /// Left edge of the text block on the page with this index.
    pub fn left(&self, page_index: usize) -> f32 {
        self.trim_left(page_index)
            + if self.verso(page_index) {
                self.outer
            } else {
                self.inner
            }
    }

    /// The top of the text block, measured from the bottom of the page.
    pub fn top_y(&self) -> f32 {
        self.page.height - self.bleed.slug - self.bleed.top - self.top
    }

    /// The trimmed page on the page with this index, as (x, y, width,
    /// height) from the page's bottom left corner.
    pub fn trim_box(&self, page_index: usize) -> (f32, f32, f32, f32) {
        (
            self.trim_left(page_index),
            self.bleed.slug + self.bleed.bottom,
            self.trim.width,
            self.trim.height,
        )
    }

    /// The trimmed page and its bleed: the page without the room for
    /// crop marks.
    pub fn bleed_box(&self) -> (f32, f32, f32, f32) {
        let s = self.bleed.slug;
        (s, s, self.page.width - 2.0 * s, self.page.height - 2.0 * s)
    }

    /// Crop marks at the corners of the trimmed page: hairlines from just
    /// outside the bleed into the room around it, as (x, y, w, h).
    pub fn crop_marks(&self, page_index: usize) -> Vec<(f32, f32, f32, f32)> {
        let s = self.bleed.slug;
        if s <= 0.0 {
            return Vec::new();
        }
        let (x, y, w, h) = self.trim_box(page_index);
        let (bx, by, bw, bh) = self.bleed_box();
        let len = s - 4.0;
        let t = 0.25;
        let mut marks = Vec::new();
        for cx in [x, x + w] {
            // Vertical marks above and below the bleed.
            marks.push((cx - t / 2.0, by + bh + 2.0, t, len - 2.0));
            marks.push((cx - t / 2.0, 2.0, t, len - 2.0));
        }
        for cy in [y, y + h] {
            marks.push((bx + bw + 2.0, cy - t / 2.0, len - 2.0, t));
            marks.push((2.0, cy - t / 2.0, len - 2.0, t));
        }
        marks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_block_is_on_a_grid() {
        let g = Geometry::for_page(PageSize::parse("6x9in").unwrap(), true);
        assert!((g.top + g.text_height() + g.bottom - 648.0).abs() < 0.01);
        assert!(
            g.measure() > 300.0 && g.measure() < 360.0,
            "{}",
            g.measure()
        );
        assert!(g.inner < g.outer);
    }

    #[test]
    fn print_margins_keep_the_minimums() {
        let trim = PageSize::parse("5x8in").unwrap();
        let bleed = Bleed {
            inside: 0.0,
            outside: 9.0,
            top: 9.0,
            bottom: 9.0,
            slug: 0.0,
        };
        let g = Geometry::for_print(
            trim,
            bleed,
            Minimums {
                inside: 54.0,
                safety: 27.0,
            },
        );
        assert!((g.page.width - 369.0).abs() < 0.01 && (g.page.height - 594.0).abs() < 0.01);
        assert!(g.inner >= 54.0 && g.outer >= 27.0);
        assert_eq!(g.left(0), 54.0_f32.max(g.inner));
        assert_eq!(g.left(1), 9.0 + g.outer);
        // The head a line and a half above the text stays 27pt from the top.
        let head_top = g.top_y() + g.leading * 1.5 + g.size;
        assert!(head_top <= g.page.height - 9.0 - 27.0 + 0.01, "{head_top}");
    }
}
