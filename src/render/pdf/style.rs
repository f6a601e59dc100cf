//! Page geometry and type sizes: the decisions a book designer makes once.

pub use crate::model::PageSize;

/// Everything about the page the typesetter needs.
#[derive(Debug, Clone)]
pub struct Geometry {
    pub page: PageSize,
    /// Margins: inner (the spine side), outer, top and bottom of the text
    /// block. For single-sided layouts inner and outer are equal.
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
}

impl Geometry {
    /// A text block proportioned for the page: a measure of about 66
    /// characters, margins that grow towards the outside and the foot (the
    /// classic proportions), and a height that is a whole number of lines
    /// so body text sits on one baseline grid.
    pub fn for_page(page: PageSize, mirrored: bool) -> Geometry {
        // Type size grows a little with the page: 10pt on a pocket book,
        // 11pt on A4 and letter.
        let size: f32 = if page.width < 400.0 {
            10.0
        } else if page.width < 500.0 {
            10.5
        } else {
            11.0
        };
        let leading = (size * 1.35 * 2.0).round() / 2.0;
        // About 66 characters; Charis averages about half an em per character.
        let measure = (size * 0.5 * 68.0).min(page.width * 0.75);
        let side = page.width - measure;
        let (inner, outer) = if mirrored {
            (side * 0.44, side * 0.56)
        } else {
            (side / 2.0, side / 2.0)
        };
        let top = (page.height * 0.085).max(36.0);
        let available = page.height - top - (page.height * 0.11).max(40.0);
        let lines = (available / leading).floor().max(10.0) as usize;
        let bottom = page.height - top - lines as f32 * leading;
        Geometry {
            page,
            inner,
            outer,
            top,
            bottom,
            size,
            leading,
            lines,
            mirrored,
        }
    }

    pub fn measure(&self) -> f32 {
        self.page.width - self.inner - self.outer
    }

    pub fn text_height(&self) -> f32 {
        self.lines as f32 * self.leading
    }

    /// Left edge of the text block on the page with this index (0-based;
    /// even indices are rectos, right-hand pages, in a mirrored layout).
    pub fn left(&self, page_index: usize) -> f32 {
        if self.mirrored && page_index % 2 == 1 {
            self.outer
        } else {
            self.inner
        }
    }

    /// The top of the text block, measured from the bottom of the page.
    pub fn top_y(&self) -> f32 {
        self.page.height - self.top
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
}
