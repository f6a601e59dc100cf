//! Print targets: what each printer accepts, in one table per printer.
//!
//! A target says which trim sizes exist, how much bleed a page carries and
//! on which edges, how wide the inside margin (the gutter) must be for a
//! book of so many pages, how far text must stay from the trimmed edge,
//! how many pages a book may have, how thick a page of each paper is (for
//! the spine), when the spine may carry text, and which PDF/X the printer
//! wants. The interior, the cover and the preflight read it from here.
//!
//! The figures are the printers' own, from the guides named beside them;
//! `print` is a printer-neutral profile for anyone else: common bleed and
//! margins, any trim size.

use crate::diagnostics::{Code, Problem};
use serde::Serialize;

/// Points per inch.
pub const PT: f32 = 72.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Kdp,
    Ingram,
    Lulu,
    Print,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    White,
    Cream,
}

/// Which PDF/X a printer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum PdfX {
    /// PDF/X-4 (ISO 15930-7:2010): colour-managed, transparency allowed.
    X4,
    /// PDF/X-1a:2001 (ISO 15930-1): PDF 1.3, every colour CMYK or grey
    /// (pictures converted through the output intent's profile), no
    /// transparency, with a limit on the total ink of any colour, as a
    /// fraction (2.4 for 240%).
    X1a { ink_limit: f32 },
}

impl PdfX {
    pub fn version(self) -> &'static str {
        match self {
            PdfX::X4 => "PDF/X-4",
            PdfX::X1a { .. } => "PDF/X-1a:2001",
        }
    }
}

/// A book's print settings, as the book or the command line gives them.
#[derive(Debug, Clone, Serialize)]
pub struct PrintOptions {
    pub target: Target,
    pub paper: Paper,
    /// Crop marks outside the bleed, for printers that want them.
    pub crop_marks: bool,
    /// The colour of the cover's back and spine (and front, when the book
    /// has no picture of its own), instead of white or the generated
    /// cover's.
    pub cover_colour: Option<Rgb>,
    /// A picture for the whole cover sheet (back, spine and front, to the
    /// bleed), found and checked: its key among the book's images.
    #[serde(skip)]
    pub cover_wrap: Option<(String, crate::model::ImageAsset)>,
}

/// A colour as a book gives it: `#1d3557` or `#fc0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    pub fn parse(s: &str) -> Result<Rgb, String> {
        let hex = s.trim().strip_prefix('#').unwrap_or("");
        let digits: Vec<u8> = hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect::<Option<_>>()
            .unwrap_or_default();
        match digits.as_slice() {
            [r, g, b] if hex.len() == 3 => Ok(Rgb([r * 17, g * 17, b * 17])),
            [r1, r2, g1, g2, b1, b2] => Ok(Rgb([r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2])),
            _ => Err(format!(
                "`{s}` is not a colour: write it as #rrggbb (such as #1d3557) or #rgb"
            )),
        }
    }

    /// Whether dark type reads on it (its relative luminance is past the
    /// middle).
    pub fn light(self) -> bool {
        let [r, g, b] = self.0.map(|c| c as f32 / 255.0);
        0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5
    }
}

impl<'de> serde::Deserialize<'de> for Rgb {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Rgb, D::Error> {
        let s = String::deserialize(d)?;
        Rgb::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One printer's rules. Lengths in inches.
#[derive(Debug)]
pub struct Profile {
    pub name: &'static str,
    /// Trim sizes offered (width × height); empty: any size.
    pub trims: &'static [(f32, f32)],
    /// Bleed beyond the trim on the top, bottom and outside edges.
    pub bleed: f32,
    /// Whether the spine edge of an interior page carries bleed too.
    pub bleed_inside: bool,
    /// The least inside margin for a book of so many pages.
    pub gutter: fn(u32) -> f32,
    /// The least margin on the other three edges (the safety margin):
    /// no text, folio or rule closer to the trimmed edge.
    pub safety: f32,
    /// Pages a book may have.
    pub pages: (u32, u32),
    /// Thickness of one page (a leaf is two) for the spine, by paper,
    /// plus what the cover adds.
    pub page_white: f32,
    pub page_cream: f32,
    pub spine_extra: f32,
    /// The spine may carry text from this many pages.
    pub spine_text_pages: u32,
    /// Bleed of the cover on every side.
    pub cover_bleed: f32,
    /// The area kept clear for the barcode at the lower right of the back
    /// cover: width, height, and its distance from the trim and the spine.
    pub barcode: (f32, f32, f32),
    pub pdfx: PdfX,
}

/// KDP's inside margin by page count (Amazon KDP, "Set trim size, bleed,
/// and margins"): 24–150 pages 0.375 in, 151–300 0.5 in, 301–500 0.625 in,
/// 501–700 0.75 in, 701–828 0.875 in.
fn kdp_gutter(pages: u32) -> f32 {
    match pages {
        0..=150 => 0.375,
        151..=300 => 0.5,
        301..=500 => 0.625,
        501..=700 => 0.75,
        _ => 0.875,
    }
}

/// IngramSpark asks for margins of at least 0.5 in (13 mm) from the trim on
/// every side ("File Requirements for Print Books", IngramSpark, 2017);
/// a thick perfect-bound book loses as much paper in its binding at Ingram
/// as at Amazon, so the inside margin also follows KDP's table, whichever
/// is wider.
fn ingram_gutter(pages: u32) -> f32 {
    kdp_gutter(pages).max(0.5)
}

/// Lulu: "Leave at least 0.5 in margins on all your pages. Most books will
/// require a gutter of 0.2 - 0.3 in" (Lulu help, "Tips for formatting
/// documents"): the safety margin plus a gutter that grows from 0.2 in with
/// the page count, in the same steps as KDP's table.
fn lulu_gutter(pages: u32) -> f32 {
    0.5 + match pages {
        0..=150 => 0.2,
        151..=400 => 0.25,
        _ => 0.3,
    }
}

/// A printer-neutral gutter: KDP's table, the strictest of the three.
fn print_gutter(pages: u32) -> f32 {
    kdp_gutter(pages)
}

/// KDP's paperback trim sizes (Amazon KDP, "Paperback trim sizes").
const KDP_TRIMS: &[(f32, f32)] = &[
    (5.0, 8.0),
    (5.06, 7.81),
    (5.25, 8.0),
    (5.5, 8.5),
    (6.0, 9.0),
    (6.14, 9.21),
    (6.69, 9.61),
    (7.0, 10.0),
    (7.44, 9.69),
    (7.5, 9.25),
    (8.0, 10.0),
    (8.25, 6.0),
    (8.25, 8.25),
    (8.5, 8.5),
    (8.5, 11.0),
    (8.27, 11.69),
];

/// IngramSpark's black-and-white paperback trim sizes (IngramSpark File
/// Creation Guide, "Trim sizes").
const INGRAM_TRIMS: &[(f32, f32)] = &[
    (4.0, 6.0),
    (4.0, 7.0),
    (4.25, 7.0),
    (4.37, 7.0),
    (5.0, 7.0),
    (5.0, 8.0),
    (5.06, 7.81),
    (5.25, 8.0),
    (5.5, 8.25),
    (5.5, 8.5),
    (5.83, 8.27),
    (6.0, 9.0),
    (6.14, 9.21),
    (6.5, 6.5),
    (6.69, 9.61),
    (7.0, 10.0),
    (7.44, 9.69),
    (7.5, 9.25),
    (8.0, 8.0),
    (8.0, 10.0),
    (8.25, 11.0),
    (8.27, 11.69),
    (8.5, 8.5),
    (8.5, 11.0),
];

/// Lulu's paperback book sizes (Lulu Book Creation Guide, "Book sizes").
const LULU_TRIMS: &[(f32, f32)] = &[
    (4.25, 6.875),
    (5.5, 8.5),
    (5.83, 8.27),
    (6.0, 9.0),
    (6.14, 9.21),
    (6.625, 10.25),
    (7.0, 10.0),
    (7.5, 7.5),
    (8.5, 8.5),
    (8.27, 11.69),
    (8.5, 11.0),
    (9.0, 7.0),
    (11.0, 8.5),
];

pub const KDP: Profile = Profile {
    name: "Amazon KDP",
    trims: KDP_TRIMS,
    // Page size = trim + 0.125 in wide and + 0.25 in high: bleed on the
    // top, bottom and outside edges.
    bleed: 0.125,
    bleed_inside: false,
    gutter: kdp_gutter,
    // At least 0.375 in on the outside, top and bottom with bleed.
    safety: 0.375,
    pages: (24, 828),
    // Spine: pages × 0.002252 in on white paper, × 0.0025 in on cream.
    page_white: 0.002252,
    page_cream: 0.0025,
    spine_extra: 0.0,
    // Spine text only on books of more than 79 pages.
    spine_text_pages: 80,
    cover_bleed: 0.125,
    // A 2 × 1.2 in barcode area at the lower right of the back cover,
    // 0.25 in from the trim and from the spine.
    barcode: (2.0, 1.2, 0.25),
    pdfx: PdfX::X4,
};

pub const INGRAM: Profile = Profile {
    name: "IngramSpark",
    trims: INGRAM_TRIMS,
    // 0.125 in (3.2 mm) bleed; no crop or printer marks in the interior.
    bleed: 0.125,
    bleed_inside: false,
    gutter: ingram_gutter,
    // Margins of at least 0.5 in from the trim, page numbers included.
    safety: 0.5,
    // 18 to 1,200 pages in black and white (Lightning Source's range).
    pages: (18, 1200),
    // IngramSpark's cover template generator gives the spine for the
    // paper chosen; these are the calipers of the usual 50 lb white and
    // cream book papers, the same as KDP's. Check the template.
    page_white: 0.002252,
    page_cream: 0.0025,
    spine_extra: 0.0,
    // Quire's rule where a printer gives none: text on a spine of at
    // least a quarter inch, which is about 80 pages.
    spine_text_pages: 80,
    cover_bleed: 0.125,
    barcode: (2.0, 1.2, 0.25),
    // "PDF/X-1a:2001 … total ink coverage must not exceed 240%"
    // (IngramSpark File Creation Guide, colour covers and interiors).
    pdfx: PdfX::X1a { ink_limit: 2.4 },
};

pub const LULU: Profile = Profile {
    name: "Lulu",
    trims: LULU_TRIMS,
    // "0.125 in (3.18 mm) past the trim edge on every side", the spine
    // edge included (Lulu help, "What is bleed").
    bleed: 0.125,
    bleed_inside: true,
    gutter: lulu_gutter,
    // The safety margin: 0.5 in (12.7 mm) inside the trim edge.
    safety: 0.5,
    // Paperbacks need at least 32 pages; Lulu prints up to 800.
    pages: (32, 800),
    // Spine (paperback): pages ÷ 444 + 0.06 in (Lulu Book Creation Guide,
    // "Spine width calculations": pages / 17.48 + 1.524 mm).
    page_white: 1.0 / 444.0,
    page_cream: 1.0 / 444.0,
    spine_extra: 0.06,
    spine_text_pages: 80,
    cover_bleed: 0.125,
    barcode: (2.0, 1.25, 0.25),
    pdfx: PdfX::X4,
};

pub const PRINT: Profile = Profile {
    name: "print",
    trims: &[],
    bleed: 0.125,
    bleed_inside: false,
    gutter: print_gutter,
    safety: 0.5,
    pages: (1, 2000),
    page_white: 0.002252,
    page_cream: 0.0025,
    spine_extra: 0.0,
    spine_text_pages: 80,
    cover_bleed: 0.125,
    barcode: (2.0, 1.2, 0.25),
    pdfx: PdfX::X4,
};

impl Target {
    pub fn profile(self) -> &'static Profile {
        match self {
            Target::Kdp => &KDP,
            Target::Ingram => &INGRAM,
            Target::Lulu => &LULU,
            Target::Print => &PRINT,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Target::Kdp => "kdp",
            Target::Ingram => "ingram",
            Target::Lulu => "lulu",
            Target::Print => "print",
        }
    }
}

impl Profile {
    /// The trim size in points, if the target offers it (to 1/100 in).
    pub fn check_trim(&self, width: f32, height: f32) -> Result<(), Problem> {
        if self.trims.is_empty() {
            return Ok(());
        }
        let (w, h) = (width / PT, height / PT);
        if self
            .trims
            .iter()
            .any(|&(tw, th)| (tw - w).abs() < 0.011 && (th - h).abs() < 0.011)
        {
            return Ok(());
        }
        let offered: Vec<String> = self
            .trims
            .iter()
            .map(|(w, h)| format!("{}x{}in", fmt_in(*w), fmt_in(*h)))
            .collect();
        Err(Problem::new(
            Code::PrintTarget,
            format!(
                "{} does not print a {} × {} in book",
                self.name,
                fmt_in(w),
                fmt_in(h)
            ),
        )
        .help(format!(
            "choose one of its trim sizes as [pdf] page-size: {}",
            offered.join(", ")
        )))
    }

    /// Spine width in inches for a book of `pages` pages.
    pub fn spine(&self, pages: u32, paper: Paper) -> f32 {
        let per = match paper {
            Paper::White => self.page_white,
            Paper::Cream => self.page_cream,
        };
        pages as f32 * per + self.spine_extra
    }
}

/// `6`, `6.14`, `8.5`: inches as printers write them.
pub fn fmt_in(v: f32) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kdp_rules() {
        assert_eq!(kdp_gutter(24), 0.375);
        assert_eq!(kdp_gutter(151), 0.5);
        assert_eq!(kdp_gutter(504), 0.75);
        assert_eq!(kdp_gutter(828), 0.875);
        assert!((KDP.spine(300, Paper::White) - 0.6756).abs() < 1e-4);
        assert!((KDP.spine(300, Paper::Cream) - 0.75).abs() < 1e-4);
        assert!(KDP.check_trim(432.0, 648.0).is_ok());
        let e = KDP.check_trim(400.0, 600.0).unwrap_err();
        assert!(e.help.unwrap().contains("6x9in"));
        assert!(PRINT.check_trim(400.0, 600.0).is_ok());
    }
}
