//! Page geometry and type sizes: the decisions a book designer makes once.

/// Points per unit.
const PT_PER_IN: f32 = 72.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
}

/// A page size by name (`A4`, `A5`, `letter`, `6x9in`, `5.5x8.5in`) or as
/// `WxH` with a unit (`in`, `mm`, `cm`, `pt`).
pub fn parse_page_size(s: &str) -> Result<PageSize, String> {
    let t = s.trim().to_ascii_lowercase().replace(' ', "");
    let named = match t.as_str() {
        "a4" => Some((210.0 * PT_PER_MM, 297.0 * PT_PER_MM)),
        "a5" => Some((148.0 * PT_PER_MM, 210.0 * PT_PER_MM)),
        "b5" => Some((176.0 * PT_PER_MM, 250.0 * PT_PER_MM)),
        "letter" | "usletter" => Some((8.5 * PT_PER_IN, 11.0 * PT_PER_IN)),
        _ => None,
    };
    if let Some((width, height)) = named {
        return Ok(PageSize { width, height });
    }
    let bad = || {
        format!(
            "page size `{s}`: use A4, A5, B5, letter, or WxH with a unit such as 6x9in or 148x210mm"
        )
    };
    let (unit, factor) = ["in", "mm", "cm", "pt"]
        .iter()
        .find(|u| t.ends_with(*u))
        .map(|u| {
            (
                *u,
                match *u {
                    "in" => PT_PER_IN,
                    "mm" => PT_PER_MM,
                    "cm" => 10.0 * PT_PER_MM,
                    _ => 1.0,
                },
            )
        })
        .ok_or_else(bad)?;
    let dims = &t[..t.len() - unit.len()];
    let (w, h) = dims.split_once('x').ok_or_else(bad)?;
    let w: f32 = w.trim_end_matches(unit).parse().map_err(|_| bad())?;
    let h: f32 = h.parse().map_err(|_| bad())?;
    let (width, height) = (w * factor, h * factor);
    if !(72.0..=2000.0).contains(&width) || !(72.0..=2000.0).contains(&height) {
        return Err(format!(
            "page size `{s}` is not between 1in and about 70cm on each side"
        ));
    }
    Ok(PageSize { width, height })
}

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
    fn page_sizes() {
        let a4 = parse_page_size("A4").unwrap();
        assert!((a4.width - 595.28).abs() < 0.1 && (a4.height - 841.89).abs() < 0.1);
        assert_eq!(
            parse_page_size("6x9in").unwrap(),
            PageSize {
                width: 432.0,
                height: 648.0
            }
        );
        assert_eq!(
            parse_page_size("5.5x8.5in").unwrap(),
            PageSize {
                width: 396.0,
                height: 612.0
            }
        );
        assert!((parse_page_size("148x210mm").unwrap().width - 419.53).abs() < 0.1);
        assert!(parse_page_size("huge").is_err());
        assert!(parse_page_size("1x1pt").is_err());
    }

    #[test]
    fn text_block_is_on_a_grid() {
        let g = Geometry::for_page(parse_page_size("6x9in").unwrap(), true);
        assert!((g.top + g.text_height() + g.bottom - 648.0).abs() < 0.01);
        assert!(
            g.measure() > 300.0 && g.measure() < 360.0,
            "{}",
            g.measure()
        );
        assert!(g.inner < g.outer);
    }
}
