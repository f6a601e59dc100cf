//! The full-wrap cover of a print book: back, spine and front on one
//! sheet, with bleed on every side, for the printer's cover file.
//!
//! The sheet is 2 × bleed + 2 × trim width + spine wide and 2 × bleed +
//! trim height high; the spine is the page count times the paper's
//! thickness (`print::Profile::spine`). The front is the book's own cover
//! image, cropped to fill the front panel and its bleed, or a typographic
//! cover drawn here in the book's face, as vectors; the spine carries the
//! title and the author, turned to read from the top, when the book is
//! thick enough; the back carries the book's description, set by the
//! typesetter, and the ISBN as an EAN-13 barcode drawn as bars.

use super::inline::{Align, SetLine, Setter, TextStyle};
use super::page::{Document, GlyphRun, Item, Page, PlacedImage, Tag};
use super::shape::{FontId, Shaper};
use super::toc::piece;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::model::{Book, Identifier};
use crate::print::{PT, PrintOptions};

/// A colour for the press: sRGB (0–255) to CMYK through the output
/// intent's profile, its total ink within the printer's limit (or the
/// press profile's own, 320%, where the printer names none).
fn cmyk(rgb: [u8; 3], profile: &crate::print::Profile) -> Result<[f32; 4], String> {
    let limit = match profile.pdfx {
        crate::print::PdfX::X1a { ink_limit } => ink_limit,
        crate::print::PdfX::X4 => 3.2,
    };
    super::writer::press::Press::new(limit).colour(rgb.map(|c| f32::from(c) / 255.0))
}

const BLACK: [f32; 4] = [0.0, 0.0, 0.0, 1.0];
const WHITE: [f32; 4] = [0.0, 0.0, 0.0, 0.0];

struct Sheet<'s, 'a, 'f> {
    page: Page,
    setter: Setter<'s, 'f>,
    _book: &'a Book,
}

impl Sheet<'_, '_, '_> {
    fn fill(&mut self, x: f32, y: f32, width: f32, height: f32, cmyk: [f32; 4]) {
        self.page.items.push(Item::Fill {
            x,
            y,
            width,
            height,
            cmyk,
        });
    }

    /// Lines of `text` set in `width`, aligned as asked.
    fn set(&mut self, text: &str, style: TextStyle, width: f32, align: Align) -> Vec<SetLine> {
        self.setter.set(&[piece(text, style)], width, 0.0, align)
    }

    fn place(&mut self, line: &SetLine, x: f32, y: f32, colour: [f32; 4], turned: bool) {
        for run in &line.runs {
            let (dx, dy) = if turned { (0.0, -run.x) } else { (run.x, 0.0) };
            self.page.items.push(Item::Text(GlyphRun {
                font: run.style.font,
                size: run.style.size,
                x: x + dx,
                y: y + dy + run.style.rise,
                glyphs: run.glyphs.clone(),
                scale: 1.0 + line.expand,
                grey: 0.0,
                cmyk: Some(colour),
                turn: if turned {
                    super::page::Turn::Clockwise
                } else {
                    super::page::Turn::Upright
                },
                tag: None,
                invisible: false,
            }));
        }
    }
}

/// The cover sheet for a book whose interior has `pages` pages.
pub fn full_wrap(
    book: &Book,
    fonts: &crate::fonts::FontSet,
    print: &PrintOptions,
    pages: u32,
    diags: &mut Diagnostics,
) -> Result<Document, Diagnostic> {
    // What the cover lacks is the book's: its book.toml says so.
    let at = super::book_file(book);
    let profile = print.target.profile();
    let trim = super::trim_for(book);
    let bleed = profile.cover_bleed * PT;
    let spine = profile.spine(pages, print.paper) * PT;
    let safety = profile.safety.max(0.25) * PT;
    let (tw, th) = (trim.width, trim.height);
    let width = 2.0 * bleed + 2.0 * tw + spine;
    let height = 2.0 * bleed + th;
    let w = Wrap {
        width,
        height,
        bleed,
        spine,
        safety,
        tw,
        th,
        back_x: bleed,
        spine_x: bleed + tw,
        front_x: bleed + tw + spine,
    };

    let mut shaper = Shaper::new(fonts).map_err(|p| p.at(at.clone(), "font: "))?;
    let hyphenator = super::hyphenate::Hyphenator::new(&book.meta.language);
    let mut sheet = Sheet {
        page: Page {
            width,
            height,
            items: Vec::new(),
            links: Vec::new(),
            label: None,
            trim: Some((bleed, bleed, 2.0 * tw + spine, th)),
            bleed: Some((0.0, 0.0, width, height)),
        },
        setter: Setter {
            shaper: &mut shaper,
            hyphenator: &hyphenator,
            languages: None,
            rtl: false,
            book_rtl: false,
            micro: super::inline::Micro::OFF,
        },
        _book: book,
    };
    let m = &book.meta;
    let (bg, fg, accent) = crate::images::cover::palette(m);
    let own_cover = book
        .cover
        .as_ref()
        .and_then(|k| book.images.get(k).map(|a| (k, a)));
    // The colours: the generated cover's, or black on white beside an
    // image of the author's.
    let colour = |rgb: [u8; 3]| cmyk(rgb, profile).map_err(|e| super::writer::internal_at(&at, e));
    let (paper, ink) = match (print.cover_colour, own_cover.is_some()) {
        // The book's own colour, with type that reads on it.
        (Some(c), _) => (colour(c.0)?, if c.light() { BLACK } else { WHITE }),
        (None, true) => (WHITE, BLACK),
        (None, false) => (colour(bg)?, colour(fg)?),
    };
    sheet.fill(0.0, 0.0, width, height, paper);

    match &print.cover_wrap {
        // The designer's whole cover: only the barcode is Quire's.
        Some((key, asset)) => {
            wrap_picture(&mut sheet, key, asset, &w, diags);
            barcode_or_room(&mut sheet, m, &w, profile, &at, diags);
        }
        None => {
            front(&mut sheet, book, own_cover, &w, ink, colour(accent)?, diags);
            if pages >= profile.spine_text_pages {
                spine_text(&mut sheet, m, &w, ink, &at, diags);
            }
            back(&mut sheet, m, &w, profile, ink, &at, diags);
        }
    }

    let mut page = sheet.page;
    page.label = Some("Cover".into());
    Ok(Document {
        page_breaks: Vec::new(),
        pages: vec![page],
        anchors: Vec::new(),
        outline: Vec::new(),
        extra_images: Default::default(),
    })
}

/// The full wrap's measures, in points: the sheet, its bleed, the spine,
/// the safety margin, the trim, and where the back, spine and front begin.
#[derive(Clone, Copy)]
struct Wrap {
    width: f32,
    height: f32,
    bleed: f32,
    spine: f32,
    safety: f32,
    tw: f32,
    th: f32,
    back_x: f32,
    spine_x: f32,
    front_x: f32,
}

/// The front: the author's picture filling it (with a warning under 300
/// dpi), or the typographic front.
#[allow(clippy::too_many_arguments)]
fn front(
    sheet: &mut Sheet,
    book: &Book,
    own_cover: Option<(&String, &crate::model::ImageAsset)>,
    w: &Wrap,
    ink: [f32; 4],
    accent: [f32; 4],
    diags: &mut Diagnostics,
) {
    let Wrap {
        width,
        height,
        bleed,
        safety,
        tw,
        th,
        front_x,
        ..
    } = *w;
    let m = &book.meta;
    match own_cover {
        Some((key, asset)) => {
            let (w, h) = (
                asset.info.width.max(1) as f32,
                asset.info.height.max(1) as f32,
            );
            let (pw, ph) = (width - front_x, height);
            let scale = (pw / w).max(ph / h);
            let (iw, ih) = (w * scale, h * scale);
            let dpi = w / (iw / PT);
            if dpi < 299.5 {
                diags.push(
                    Diagnostic::warning(
                        Code::ImageResolution,
                        asset.named_at.clone(),
                        format!(
                            "the cover prints at {dpi:.0} dpi on the front of the {} × {} in book; printers want 300",
                            crate::print::fmt_in(tw / PT),
                            crate::print::fmt_in(th / PT)
                        ),
                    )
                    .help(format!(
                        "give a cover of at least {:.0} × {:.0} pixels",
                        (pw / PT * 300.0).ceil(),
                        (ph / PT * 300.0).ceil()
                    )),
                );
            }
            sheet.page.items.push(Item::Image(PlacedImage {
                key: key.clone(),
                x: front_x + (pw - iw) / 2.0,
                y: (ph - ih) / 2.0,
                width: iw,
                height: ih,
                alt: format!("Cover: {}", m.title),
                tag: Some(Tag {
                    role: "Figure",
                    elem: 1,
                    lang: None,
                }),
            }));
        }
        None => front_panel(sheet, book, front_x, bleed, tw, th, safety, ink, accent),
    }
}

/// A full-wrap picture of the author's over the whole sheet, cropped
/// evenly to fill it, with a warning under 300 dpi or when the crop takes
/// off more than a twentieth of it (a picture made for another page
/// count's spine).
fn wrap_picture(
    sheet: &mut Sheet,
    key: &str,
    asset: &crate::model::ImageAsset,
    w: &Wrap,
    diags: &mut Diagnostics,
) {
    let (pw, ph) = (
        asset.info.width.max(1) as f32,
        asset.info.height.max(1) as f32,
    );
    let scale = (w.width / pw).max(w.height / ph);
    let (iw, ih) = (pw * scale, ph * scale);
    let dpi = pw / (iw / PT);
    let want = format!(
        "{:.0} × {:.0} pixels ({} × {} in with bleed, at 300 dpi)",
        (w.width / PT * 300.0).ceil(),
        (w.height / PT * 300.0).ceil(),
        crate::print::fmt_in(w.width / PT),
        crate::print::fmt_in(w.height / PT)
    );
    if dpi < 299.5 {
        diags.push(
            Diagnostic::warning(
                Code::ImageResolution,
                asset.named_at.clone(),
                format!("the cover wrap prints at {dpi:.0} dpi; printers want 300"),
            )
            .help(format!("give a picture of at least {want}")),
        );
    }
    let cut = 1.0 - (w.width * w.height) / (iw * ih);
    if cut > 0.05 {
        diags.push(
            Diagnostic::warning(
                Code::Preflight,
                asset.named_at.clone(),
                format!(
                    "the cover wrap is not the sheet's shape: {:.0}% of it is cropped off to fill the {} × {} in sheet (spine {} in)",
                    cut * 100.0,
                    crate::print::fmt_in(w.width / PT),
                    crate::print::fmt_in(w.height / PT),
                    crate::print::fmt_in(w.spine / PT)
                ),
            )
            .help(format!("make the wrap for this page count: {want}")),
        );
    }
    sheet.page.items.push(Item::Image(PlacedImage {
        key: key.to_string(),
        x: (w.width - iw) / 2.0,
        y: (w.height - ih) / 2.0,
        width: iw,
        height: ih,
        alt: "Cover".into(),
        tag: Some(Tag {
            role: "Figure",
            elem: 1,
            lang: None,
        }),
    }));
}

/// The spine: title and author turned to run down it, in type that grows
/// with the spine, or nothing (with a warning) when they cannot fit.
fn spine_text(
    sheet: &mut Sheet,
    m: &crate::model::Metadata,
    w: &Wrap,
    ink: [f32; 4],
    at: &Location,
    diags: &mut Diagnostics,
) {
    let Wrap {
        bleed,
        spine,
        safety,
        th,
        spine_x,
        ..
    } = *w;
    let authors: Vec<String> = m.authors().map(str::to_string).collect();
    let text = if authors.is_empty() {
        m.title.clone()
    } else {
        format!(
            "{}\u{2003}{}",
            m.title,
            crate::typography::byline(&authors, &m.language)
        )
    };
    // In proportion to the spine: a third of its width (a 0.5 in spine
    // takes 12 pt type, a 1.5 in spine 36 pt), at most 48 pt, and smaller
    // only when the line would not fit the spine's length.
    let room = th - 2.0 * safety;
    let mut size = (spine / 3.0).clamp(5.0, 48.0);
    let mut line = sheet.set(
        &text,
        TextStyle::new(FontId::Regular, size),
        1.0e6,
        Align::Left,
    );
    while line.first().is_some_and(|l| l.width > room) && size > 5.0 {
        size -= 0.5;
        line = sheet.set(
            &text,
            TextStyle::new(FontId::Regular, size),
            1.0e6,
            Align::Left,
        );
    }
    if let Some(l) = line.first().cloned() {
        if l.width <= room {
            // Turned clockwise: the line runs down from its start,
            // its baseline a little right of the spine's centre.
            let x = spine_x + spine / 2.0 - size * 0.35;
            let y = bleed + th - (th - l.width) / 2.0;
            sheet.place(&l, x, y, ink, true);
        } else {
            diags.warning(
                Code::Preflight,
                at.clone(),
                "the title and author do not fit on the spine even at 5 pt; the spine is left plain",
            );
        }
    }
}

/// The back: the description, then the note about the author, above the
/// barcode area, and the barcode.
fn back(
    sheet: &mut Sheet,
    m: &crate::model::Metadata,
    w: &Wrap,
    profile: &crate::print::Profile,
    ink: [f32; 4],
    at: &Location,
    diags: &mut Diagnostics,
) {
    let Wrap {
        bleed,
        safety,
        tw,
        th,
        back_x,
        ..
    } = *w;
    let (bh, bd) = (profile.barcode.1 * PT, profile.barcode.2 * PT);
    let col_x = back_x + safety;
    let col_w = tw - 2.0 * safety;
    let top = bleed + th - safety - 12.0;
    let floor = bleed + bd + bh + 18.0;
    let leading = 14.5;
    // The description, then (a line's space below) the author note in
    // italic; both must stand above the barcode area, whole.
    let mut texts: Vec<(&str, FontId, &str)> = Vec::new();
    match &m.description {
        Some(d) => texts.push((d, FontId::Regular, "description")),
        None => diags.warning(
            Code::Preflight,
            at.clone(),
            "the book has no `description`: the back cover carries none",
        ),
    }
    if let Some(note) = &m.author_note {
        texts.push((note, FontId::Italic, "author note"));
    }
    let mut y = top;
    for (text, font, what) in texts {
        let style = TextStyle::new(font, 10.5);
        let lines = sheet
            .setter
            .set(&[piece(text, style)], col_w, 0.0, Align::Justify);
        if y - leading * (lines.len() as f32 - 1.0) < floor {
            diags.push(
                Diagnostic::warning(
                    Code::Preflight,
                    at.clone(),
                    format!(
                        "the {what} does not fit on the back cover above the barcode ({} lines; room for {}): it is left off",
                        lines.len(),
                        ((y - floor) / leading).floor().max(0.0) as usize + 1
                    ),
                )
                .help("shorten it; the back cover holds about 200 words at 10.5 pt"),
            );
            continue;
        }
        for l in &lines {
            sheet.place(l, col_x, y, ink, false);
            y -= leading;
        }
        y -= leading;
    }
    barcode_or_room(sheet, m, w, profile, at, diags);
}

/// The ISBN's barcode at the lower right of the back, or (with a warning,
/// for a book without an ISBN) the area left clear.
fn barcode_or_room(
    sheet: &mut Sheet,
    m: &crate::model::Metadata,
    w: &Wrap,
    profile: &crate::print::Profile,
    at: &Location,
    diags: &mut Diagnostics,
) {
    let (bw, bh, bd) = (
        profile.barcode.0 * PT,
        profile.barcode.1 * PT,
        profile.barcode.2 * PT,
    );
    let Wrap { bleed, spine_x, .. } = *w;
    match &m.identifier {
        Identifier::Isbn(digits) => {
            let x = spine_x - bd - bw;
            let y = bleed + bd;
            barcode(sheet, digits, x, y, bw, bh);
        }
        _ => diags.push(
            Diagnostic::warning(
                Code::Preflight,
                at.clone(),
                "the book has no ISBN: the barcode area of the back cover is left clear",
            )
            .help("give `isbn` in the book's metadata, or let the printer place its own barcode"),
        ),
    }
}

/// The typographic front: a frame, the title large, the subtitle, the
/// authors at the foot, in the book's own face.
#[allow(clippy::too_many_arguments)]
fn front_panel(
    sheet: &mut Sheet,
    book: &Book,
    x: f32,
    bleed: f32,
    tw: f32,
    th: f32,
    safety: f32,
    ink: [f32; 4],
    accent: [f32; 4],
) {
    let m = &book.meta;
    let inset = safety + 6.0;
    let (fx, fy, fw, fh) = (x + inset, bleed + inset, tw - 2.0 * inset, th - 2.0 * inset);
    let t = 1.2;
    sheet.fill(fx, fy, fw, t, accent);
    sheet.fill(fx, fy + fh - t, fw, t, accent);
    sheet.fill(fx, fy, t, fh, accent);
    sheet.fill(fx + fw - t, fy, t, fh, accent);
    let inner = fw - 2.0 * 28.0;
    // The largest title size that fits in four lines.
    let mut size = 40.0;
    let mut lines = sheet.set(
        &m.title,
        TextStyle::new(FontId::Bold, size),
        inner,
        Align::Center,
    );
    while lines.len() > 4 && size > 16.0 {
        size -= 2.0;
        lines = sheet.set(
            &m.title,
            TextStyle::new(FontId::Bold, size),
            inner,
            Align::Center,
        );
    }
    let leading = size * 1.18;
    let mut y = bleed + th * 0.62 + lines.len() as f32 * leading / 2.0;
    for l in &lines {
        sheet.place(l, fx + 28.0, y, ink, false);
        y -= leading;
    }
    sheet.fill(fx + fw / 2.0 - 40.0, y + leading * 0.55, 80.0, 1.2, accent);
    if let Some(sub) = &m.subtitle {
        y -= size * 0.4;
        for l in sheet.set(
            sub,
            TextStyle::new(FontId::Italic, 15.0),
            inner,
            Align::Center,
        ) {
            sheet.place(&l, fx + 28.0, y, ink, false);
            y -= 19.0;
        }
    }
    let authors: Vec<String> = m.authors().map(str::to_uppercase).collect();
    if !authors.is_empty() {
        let by = crate::typography::byline(&authors, &m.language);
        let mut y = fy + 60.0;
        for l in sheet.set(
            &by,
            TextStyle::new(FontId::Regular, 13.0),
            inner,
            Align::Center,
        ) {
            sheet.place(&l, fx + 28.0, y, ink, false);
            y -= 17.0;
        }
    }
}

/// EAN-13 encodings of the digits: the left half's two parities and the
/// right half's, as bar patterns of seven modules.
const L: [&str; 10] = [
    "0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011",
    "0110111", "0001011",
];
const G: [&str; 10] = [
    "0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001",
    "0001001", "0010111",
];
const R: [&str; 10] = [
    "1110010", "1100110", "1101100", "1000010", "1011100", "1001110", "1010000", "1000100",
    "1001000", "1110100",
];
/// Which parity each of the left six digits takes, by the first digit.
const PARITY: [&str; 10] = [
    "LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL",
    "LGGLGL",
];

/// The 95 modules of an EAN-13, `true` for a bar, and which are guards.
pub fn ean13_modules(digits: &str) -> Option<Vec<(bool, bool)>> {
    let d: Vec<usize> = digits
        .chars()
        .map(|c| c.to_digit(10).map(|v| v as usize))
        .collect::<Option<_>>()?;
    if d.len() != 13 {
        return None;
    }
    let mut out = Vec::with_capacity(95);
    let mut push = |bits: &str, guard: bool| {
        for b in bits.chars() {
            out.push((b == '1', guard));
        }
    };
    push("101", true);
    for (i, p) in PARITY[d[0]].chars().enumerate() {
        push(if p == 'L' { L[d[i + 1]] } else { G[d[i + 1]] }, false);
    }
    push("01010", true);
    for &digit in &d[7..13] {
        push(R[digit], false);
    }
    push("101", true);
    Some(out)
}

/// The ISBN as an EAN-13 barcode on a white ground, with its number
/// above and its digits below, at 100% size (a 0.33 mm module).
fn barcode(sheet: &mut Sheet, digits: &str, x: f32, y: f32, w: f32, h: f32) {
    let Some(modules) = ean13_modules(digits) else {
        return;
    };
    sheet.fill(x, y, w, h, WHITE);
    let module = 0.33 / 25.4 * PT;
    let bars_w = module * 95.0;
    let left = x + (w - bars_w) / 2.0 + module * 4.0;
    let digit_size = 8.0;
    let bottom = y + 10.0 + digit_size;
    let bar_h = h * 0.55;
    for (i, (bar, guard)) in modules.iter().enumerate() {
        if *bar {
            let extra = if *guard { digit_size * 0.6 } else { 0.0 };
            sheet.fill(
                left + i as f32 * module,
                bottom - extra,
                module,
                bar_h + extra,
                BLACK,
            );
        }
    }
    let mono = TextStyle::new(FontId::Mono, digit_size);
    let place = |text: &str, cx: f32, sheet: &mut Sheet| {
        if let Some(l) = sheet.set(text, mono, 1.0e6, Align::Left).first().cloned() {
            sheet.place(&l, cx - l.width / 2.0, y + 9.0, BLACK, false);
        }
    };
    place(&digits[..1], left - module * 6.0, sheet);
    place(&digits[1..7], left + module * 24.0, sheet);
    place(&digits[7..], left + module * 71.0, sheet);
    let isbn = Identifier::Isbn(digits.to_string()).display();
    if let Some(l) = sheet
        .set(
            &isbn,
            TextStyle::new(FontId::Regular, 8.0),
            1.0e6,
            Align::Left,
        )
        .first()
        .cloned()
    {
        sheet.place(
            &l,
            x + (w - l.width) / 2.0,
            bottom + bar_h + 5.0,
            BLACK,
            false,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ean13_of_an_isbn() {
        let m = ean13_modules("9780306406157").unwrap();
        assert_eq!(m.len(), 95);
        let bits: String = m.iter().map(|(b, _)| if *b { '1' } else { '0' }).collect();
        // Start guard, then 7 (L, first digit 9 → LGGLGL): 0111011.
        assert!(bits.starts_with("1010111011"), "{bits}");
        assert!(bits.ends_with("101"));
        assert_eq!(&bits[45..50], "01010");
    }
}
