//! The page: its trim and text block for a book and page count, and the
//! printer's checks on the finished pages (preflight).

use super::*;

/// For a book too long for its printer: the nearest larger trim the
/// printer offers, and the smaller type on this trim, that bring it within
/// `most` pages, each found by setting the book again.
fn what_fits(
    book: &Book,
    fonts: &crate::fonts::FontSet,
    print: &crate::print::PrintOptions,
    most: u32,
) -> String {
    let count = |b: &Book| -> Option<u32> {
        let mut scratch = Diagnostics::default();
        typeset(b, fonts, &mut scratch)
            .ok()
            .map(|d| d.pages.len() as u32)
    };
    let trim = trim_for(book);
    let inches = |pt: f32| {
        let s = format!("{:.2}", pt / crate::print::PT);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    let mut found = Vec::new();
    // Larger trims, nearest first (the printer's list, or common steps).
    let mut trims: Vec<(f32, f32)> = print
        .target
        .profile()
        .trims
        .iter()
        .map(|&(w, h)| (w * crate::print::PT, h * crate::print::PT))
        .filter(|&(w, h)| {
            w * h > trim.width * trim.height * 1.01 && w >= trim.width && h >= trim.height
        })
        .collect();
    if trims.is_empty() {
        trims = [(1.08, 1.06), (1.16, 1.11)]
            .iter()
            .map(|&(a, b)| (trim.width * a, trim.height * b))
            .collect();
    }
    trims.sort_by(|a, b| (a.0 * a.1).total_cmp(&(b.0 * b.1)));
    for &(w, h) in trims.iter().take(4) {
        let mut b = book.clone();
        b.options.page_size = Some(style::PageSize {
            width: w,
            height: h,
        });
        if let Some(n) = count(&b)
            && n <= most
        {
            found.push(format!(
                "at {} × {} in (`page-size = \"{}x{}in\"` under [pdf]) it sets in {n} pages",
                inches(w),
                inches(h),
                inches(w),
                inches(h)
            ));
            break;
        }
    }
    // Smaller type on this trim, half a point at a time, not below 8 pt.
    let size = geometry_for(book, 0).size;
    let mut s = (size * 2.0).floor() / 2.0;
    if (s - size).abs() < 0.01 {
        s -= 0.5;
    }
    while s >= 8.0 {
        let mut b = book.clone();
        b.options.style.font_size = Some(s);
        if let Some(n) = count(&b)
            && n <= most
        {
            found.push(format!(
                "at {s} pt type on this trim (`font-size = {s}` under [style]) it sets in {n} pages"
            ));
            break;
        }
        s -= 0.5;
    }
    if found.is_empty() {
        "neither the next larger trims nor type down to 8 pt bring it within the limit: split the book into volumes".to_string()
    } else {
        found.join("; ")
    }
}

/// What a printer would refuse, refused here: a page count outside its
/// range, and anything printed outside the safe area of a page (a bug in
/// the layout, since the margins are set from the same rules).
pub(super) fn preflight(
    book: &Book,
    print: &crate::print::PrintOptions,
    doc: &Document,
    fonts: &crate::fonts::FontSet,
    diags: &mut Diagnostics,
) {
    let profile = print.target.profile();
    let pages = doc.pages.len() as u32;
    let (least, most) = profile.pages;
    if !(least..=most).contains(&pages) {
        let help = if pages < least {
            "a smaller trim size, or more text, makes more pages".to_string()
        } else {
            what_fits(book, fonts, print, most)
        };
        diags.push(
            Diagnostic::error(
                Code::PrintTarget,
                book_file(book),
                format!(
                    "the interior has {pages} pages; {} prints books of {least} to {most} pages",
                    profile.name
                ),
            )
            .help(help),
        );
    }
    let safety = profile.safety * crate::print::PT;
    for (n, page) in doc.pages.iter().enumerate() {
        let Some((tx, ty, tw, th)) = page.trim else {
            continue;
        };
        let (x0, y0, x1, y1) = (tx + safety, ty + safety, tx + tw - safety, ty + th - safety);
        let outside = page.items.iter().find_map(|item| {
            let (a, b, c, d, what) = match item {
                page::Item::Text(run) => {
                    let w = run.width();
                    let text: String = run.glyphs.iter().map(|g| g.text.to_text()).collect();
                    let (up, down) = (run.size * 0.7, run.size * 0.2);
                    match run.turn {
                        page::Turn::Upright => (run.x, run.y - down, run.x + w, run.y + up, text),
                        page::Turn::Counter => (run.x - up, run.y, run.x + down, run.y + w, text),
                        page::Turn::Clockwise => (run.x - down, run.y - w, run.x + up, run.y, text),
                    }
                }
                page::Item::Rule { x, y, width, .. } => (*x, *y, x + width, *y, "a rule".into()),
                page::Item::Bar {
                    x,
                    y,
                    width,
                    height,
                } => (*x, *y, x + width, y + height, "a rule".into()),
                page::Item::Fill { .. } => return None,
                // A picture that covers the whole trimmed page fills it
                // on purpose, into the bleed.
                page::Item::Image(img)
                    if img.x <= tx
                        && img.y <= ty
                        && img.x + img.width >= tx + tw
                        && img.y + img.height >= ty + th =>
                {
                    return None;
                }
                page::Item::Image(img) => (
                    img.x,
                    img.y,
                    img.x + img.width,
                    img.y + img.height,
                    format!("image {}", img.key),
                ),
            };
            let inside = a >= x0 - 0.5 && b >= y0 - 0.5 && c <= x1 + 0.5 && d <= y1 + 0.5;
            (!inside).then_some(what)
        });
        if let Some(what) = outside {
            diags.push(
                Diagnostic::error(
                    Code::Preflight,
                    book_file(book),
                    format!(
                        "page {}: `{}` is printed less than {} in from the trimmed edge, where {} may cut it",
                        n + 1,
                        what.trim(),
                        crate::print::fmt_in(profile.safety),
                        profile.name
                    ),
                )
                .help("this is a bug in Quire's layout; please report it with the input"),
            );
            break;
        }
    }
}

/// The trimmed page: the book's page size, or the layout's default.
pub fn trim_for(book: &Book) -> style::PageSize {
    book.options
        .page_size
        .unwrap_or_else(|| style::PageSize::default_for(book.layout, &book.meta.language))
}

/// The screen geometry, or for a print target the printed page for a book
/// of `pages` pages (the gutter grows with the page count).
pub fn geometry_for(book: &Book, pages: u32) -> Geometry {
    let mut g = geometry_unbound(book, pages);
    g.rtl = book.meta.rtl;
    g
}

pub(super) fn geometry_unbound(book: &Book, pages: u32) -> Geometry {
    let trim = trim_for(book);
    let o = &book.options;
    let design = style::Design {
        size: o.style.font_size,
        line_height: o.style.line_height,
        margins: o.margins,
    };
    match &book.options.print {
        None => Geometry::build(
            trim,
            style::Bleed::default(),
            book.layout == Layout::Book,
            style::Minimums::default(),
            &design,
        ),
        Some(p) => {
            let profile = p.target.profile();
            let b = profile.bleed * crate::print::PT;
            let bleed = style::Bleed {
                inside: if profile.bleed_inside { b } else { 0.0 },
                outside: b,
                top: b,
                bottom: b,
                // Crop marks stand in three eighths of an inch of room.
                slug: if p.crop_marks {
                    0.375 * crate::print::PT
                } else {
                    0.0
                },
            };
            let min = style::Minimums {
                inside: (profile.gutter)(pages) * crate::print::PT,
                safety: profile.safety * crate::print::PT,
            };
            Geometry::build(trim, bleed, true, min, &design)
        }
    }
}
