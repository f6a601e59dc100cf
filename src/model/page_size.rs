//! Page sizes: parsed once, when the book is read, so that a bad one is
//! reported at its line in `book.toml` and renderers get plain numbers.

use crate::diagnostics::{Code, Problem};
use serde::Serialize;

/// Points per unit.
const PT_PER_IN: f32 = 72.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

/// The smallest page Quire sets: 3 × 4 in holds a text block of about 30
/// characters by 15 lines with margins a printer accepts. Anything smaller
/// leaves no room for the text (and the body would vanish).
pub const MIN_WIDTH: f32 = 3.0 * PT_PER_IN;
pub const MIN_HEIGHT: f32 = 4.0 * PT_PER_IN;
/// The largest: about 70 cm a side (a poster, not a book).
pub const MAX_SIDE: f32 = 2000.0;

/// A page size in points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
}

/// A length as a book writes it (`0.75in`, `18mm`, `1.5cm`, `54pt`), in
/// points.
pub fn parse_length(s: &str) -> Result<f32, Problem> {
    let t = s.trim().to_ascii_lowercase().replace(' ', "");
    let bad = || {
        Problem::new(Code::PageSize, format!("`{s}` is not a length"))
            .help("write a number and a unit: 0.75in, 18mm, 1.5cm or 54pt")
    };
    let (num, factor) = [
        ("in", PT_PER_IN),
        ("mm", PT_PER_MM),
        ("cm", 10.0 * PT_PER_MM),
        ("pt", 1.0),
    ]
    .into_iter()
    .find_map(|(u, f)| t.strip_suffix(u).map(|n| (n.to_string(), f)))
    .ok_or_else(bad)?;
    let v: f32 = num.parse().map_err(|_| bad())?;
    if !v.is_finite() || !(0.0..=4.0 * PT_PER_IN).contains(&(v * factor)) {
        return Err(Problem::new(
            Code::PageSize,
            format!("`{s}` is not a margin between 0 and 4 in"),
        ));
    }
    Ok(v * factor)
}

impl PageSize {
    /// The page a book gets when it names none: 6 × 9 in for a book (the
    /// trade paperback), letter for an American article, A4 for any other.
    pub fn default_for(layout: super::Layout, language: &str) -> PageSize {
        match layout {
            super::Layout::Book => PageSize {
                width: 432.0,
                height: 648.0,
            },
            super::Layout::Article if language.eq_ignore_ascii_case("en-US") => PageSize {
                width: 612.0,
                height: 792.0,
            },
            super::Layout::Article => PageSize {
                width: 210.0 * PT_PER_MM,
                height: 297.0 * PT_PER_MM,
            },
        }
    }

    /// A page size by name (`A4`, `A5`, `B5`, `letter`) or as `WxH` with a
    /// unit (`6x9in`, `148x210mm`, `15x23cm`, `432x648pt`).
    pub fn parse(s: &str) -> Result<PageSize, Problem> {
        let t = s.trim().to_ascii_lowercase().replace(' ', "");
        let bad = || {
            Problem::new(Code::PageSize, format!("page size `{s}` is not understood"))
                .help("use A4, A5, B5, letter, or WxH with a unit such as 6x9in or 148x210mm")
        };
        let named = match t.as_str() {
            "a4" => Some((210.0 * PT_PER_MM, 297.0 * PT_PER_MM)),
            "a5" => Some((148.0 * PT_PER_MM, 210.0 * PT_PER_MM)),
            "b5" => Some((176.0 * PT_PER_MM, 250.0 * PT_PER_MM)),
            "letter" | "usletter" => Some((8.5 * PT_PER_IN, 11.0 * PT_PER_IN)),
            _ => None,
        };
        let (width, height) = match named {
            Some(wh) => wh,
            None => {
                let (unit, factor) = [
                    ("in", PT_PER_IN),
                    ("mm", PT_PER_MM),
                    ("cm", 10.0 * PT_PER_MM),
                    ("pt", 1.0),
                ]
                .into_iter()
                .find(|(u, _)| t.ends_with(u))
                .ok_or_else(bad)?;
                let dims = &t[..t.len() - unit.len()];
                let (w, h) = dims.split_once('x').ok_or_else(bad)?;
                let w: f32 = w.trim_end_matches(unit).parse().map_err(|_| bad())?;
                let h: f32 = h.parse().map_err(|_| bad())?;
                (w * factor, h * factor)
            }
        };
        if !width.is_finite() || !height.is_finite() {
            return Err(bad());
        }
        if width < MIN_WIDTH || height < MIN_HEIGHT {
            return Err(Problem::new(
                Code::PageSize,
                format!(
                    "page size `{s}` ({:.2} × {:.2} in) is too small for a text block",
                    width / PT_PER_IN,
                    height / PT_PER_IN
                ),
            )
            .help("the smallest page Quire sets is 3 × 4 in (76 × 102 mm)"));
        }
        if width > MAX_SIDE || height > MAX_SIDE {
            return Err(Problem::new(
                Code::PageSize,
                format!("page size `{s}` is larger than about 70 cm on a side"),
            ));
        }
        Ok(PageSize { width, height })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes() {
        let a4 = PageSize::parse("A4").unwrap();
        assert!((a4.width - 595.28).abs() < 0.1 && (a4.height - 841.89).abs() < 0.1);
        assert_eq!(
            PageSize::parse("6x9in").unwrap(),
            PageSize {
                width: 432.0,
                height: 648.0
            }
        );
        assert!((PageSize::parse("148x210mm").unwrap().width - 419.53).abs() < 0.1);
        assert!(PageSize::parse("huge").is_err());
        assert!(PageSize::parse("1x1pt").is_err());
        assert!(
            PageSize::parse("2x2in")
                .unwrap_err()
                .help
                .unwrap()
                .contains("3 × 4 in")
        );
        assert!(PageSize::parse("3x4in").is_ok());
        assert!(PageSize::parse("NaNxNaNin").is_err());
        assert!(PageSize::parse("infx9in").is_err());
    }
}
