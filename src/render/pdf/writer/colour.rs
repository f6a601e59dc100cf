//! Colour glyphs (emoji from a face such as Noto Color Emoji) have no
//! outlines a PDF font could carry: each is drawn as its picture, from the
//! face's largest strike, where the glyph would stand, and the text it
//! stands for is set under it, invisible, so that it copies and searches
//! as what was written.

use super::super::page::{Document, GlyphRun, Item, PlacedGlyph, PlacedImage};
use super::super::shape::FontId;
use super::internal;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::fonts::{ColourGlyphs, FontSet};
use std::collections::BTreeMap;

/// Replaces each run of a colour face by its glyphs' pictures and an
/// invisible run of the same text in the body face. A glyph the face has
/// no picture for is an error at the book's first file: it would be lost.
pub fn draw_colour_runs(
    book: &super::Meta,
    doc: &mut Document,
    fonts: &FontSet,
    at: &Location,
) -> Result<(), Diagnostic> {
    if fonts.faces.iter().all(|f| f.colour.is_none()) {
        return Ok(());
    }
    let regular = ttf_parser::Face::parse(&fonts.faces[0].data, fonts.faces[0].index)
        .map_err(|e| internal(book, e))?;
    // The glyph the hidden text is set with: any the body face has.
    let stand_in = regular.glyph_index('x').map_or(0, |g| g.0);
    let space = regular.glyph_index(' ').map_or(stand_in, |g| g.0);
    // Its width in ems: the hidden run is set at the size that makes it
    // as wide as the pictures, so that text pulled back out has no gap.
    let stand_in_em = f32::from(
        regular
            .glyph_hor_advance(ttf_parser::GlyphId(stand_in))
            .unwrap_or(0),
    ) / f32::from(regular.units_per_em());
    // Parsed once per colour face.
    let mut parsed: BTreeMap<usize, ttf_parser::Face> = BTreeMap::new();
    let mut extra = std::mem::take(&mut doc.extra_images);
    for page in &mut doc.pages {
        if !page
            .items
            .iter()
            .any(|i| matches!(i, Item::Text(r) if is_colour(fonts, r)))
        {
            continue;
        }
        let mut items = Vec::with_capacity(page.items.len());
        for item in std::mem::take(&mut page.items) {
            let Item::Text(run) = item else {
                items.push(item);
                continue;
            };
            if !is_colour(fonts, &run) {
                items.push(Item::Text(run));
                continue;
            }
            let index = run.font.index();
            let face = &fonts.faces[index];
            // Faces of coloured layers are refused when they are read.
            if face.colour != Some(ColourGlyphs::Bitmap) {
                return Err(internal(
                    book,
                    format!("{} is not a face of pictures", face.family),
                ));
            }
            let ttf = match parsed.entry(index) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(v) => v.insert(
                    ttf_parser::Face::parse(&face.data, face.index)
                        .map_err(|e| internal(book, e))?,
                ),
            };
            let mut pen = 0.0;
            for g in run.glyphs.iter() {
                let key = format!("glyph:{index}:{}", g.gid);
                if let Some(img) = ttf.glyph_raster_image(ttf_parser::GlyphId(g.gid), u16::MAX) {
                    let k = run.size / f32::from(img.pixels_per_em.max(1));
                    if !extra.contains_key(&key) {
                        let png = picture(&img).ok_or_else(|| {
                            Diagnostic::error(
                                Code::GlyphMissing,
                                at.clone(),
                                format!(
                                    "{}: the picture of glyph {} (for {:?}) is not a PNG Quire can read",
                                    face.family,
                                    g.gid,
                                    g.text.to_text()
                                ),
                            )
                        })?;
                        extra.insert(key.clone(), png);
                    }
                    items.push(Item::Image(PlacedImage {
                        key,
                        x: run.x + pen * run.scale + f32::from(img.x) * k,
                        y: run.y + f32::from(img.y) * k,
                        width: f32::from(img.width) * k,
                        height: f32::from(img.height) * k,
                        alt: g.text.to_text(),
                        tag: None,
                    }));
                } else if g.text.any(|c| !c.is_whitespace()) {
                    return Err(Diagnostic::error(
                        Code::GlyphMissing,
                        at.clone(),
                        format!(
                            "{} has no picture for glyph {} (for {:?})",
                            face.family,
                            g.gid,
                            g.text.to_text()
                        ),
                    ));
                }
                pen += g.advance;
            }
            // The text, hidden, as one stand-in glyph per cluster, drawn
            // wider (`Tz`) to span the pictures: text pulled back out
            // then has no gap in a word, nor a jump in size.
            let drawn: Vec<f32> = run
                .glyphs
                .iter()
                .filter(|g| g.advance > 0.0 && !g.text.any(char::is_whitespace))
                .map(|g| g.advance)
                .collect();
            let scale = if drawn.is_empty() || stand_in_em <= 0.0 {
                run.scale
            } else {
                run.scale * (drawn.iter().sum::<f32>() / drawn.len() as f32)
                    / (stand_in_em * run.size)
            };
            // Spaces are set as spaces, seen, at their own width; the
            // rest hidden.
            let mut pen = 0.0;
            let glyphs: Vec<&PlacedGlyph> = run.glyphs.iter().collect();
            for part in glyphs
                .chunk_by(|a, b| a.text.any(char::is_whitespace) == b.text.any(char::is_whitespace))
            {
                let blank = part[0].text.any(char::is_whitespace);
                let s = if blank { run.scale } else { scale };
                let placed: Vec<PlacedGlyph> = part
                    .iter()
                    .map(|g| PlacedGlyph {
                        gid: if blank { space } else { stand_in },
                        advance: g.advance * run.scale / s,
                        natural: g.natural * run.scale / s,
                        text: g.text.clone(),
                    })
                    .collect();
                let width: f32 = part.iter().map(|g| g.advance).sum::<f32>() * run.scale;
                items.push(Item::Text(GlyphRun {
                    font: FontId::Regular,
                    x: run.x + pen,
                    glyphs: std::sync::Arc::new(placed),
                    scale: s,
                    invisible: !blank,
                    ..run.clone()
                }));
                pen += width;
            }
        }
        page.items = items;
    }
    doc.extra_images = extra;
    Ok(())
}

fn is_colour(fonts: &FontSet, run: &GlyphRun) -> bool {
    fonts
        .faces
        .get(run.font.index())
        .is_some_and(|f| f.colour.is_some())
}

/// The glyph's picture as an image the writer places.
fn picture(img: &ttf_parser::RasterGlyphImage) -> Option<(Vec<u8>, crate::images::ImageInfo)> {
    if img.format != ttf_parser::RasterImageFormat::PNG {
        return None;
    }
    let info = crate::images::probe_bytes(img.data, "png", crate::limits::IMAGE_PIXELS).ok()?;
    Some((img.data.to_vec(), info))
}
