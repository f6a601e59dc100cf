//! The fonts, written as PDF objects: each face a composite (Type 0) font
//! over its subset, with the widths, the descriptor and the ToUnicode map
//! the pages' glyph codes need.
//!
//! A subset's glyph codes are its new glyph ids (`Identity-H`). TrueType
//! outlines go in whole (`FontFile2`, `CIDFontType2`); CFF outlines, which
//! the subsetter always makes CID-keyed with each CID its new glyph id,
//! go in as the bare `CFF ` table (`FontFile3` / `CIDFontType0C`).

use lopdf::{Dictionary, Object, ObjectId, Stream};
use std::fmt::Write;

/// What the writer knows of one face once it is subset.
pub(super) struct Subset<'a> {
    /// The font's name in the PDF: the subset tag, `+`, its PostScript name.
    pub name: String,
    /// The subset's font file (an sfnt).
    pub program: &'a [u8],
    /// The original face, for its metrics.
    pub face: &'a ttf_parser::Face<'a>,
    /// Each code (new glyph id): its width in millionths of an em, and the
    /// text it copies as.
    pub glyphs: Vec<(u16, i64, Option<String>)>,
}

/// Six capitals from the face's name and its glyphs: the tag the PDF
/// specification asks a subset's name to carry (ISO 32000, 9.6.4).
pub(super) fn subset_tag(postscript: &str) -> String {
    let h = super::finish::fnv(postscript.as_bytes(), 7);
    (0..6)
        .map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char)
        .collect()
}

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

/// Adds the font's objects; returns the Type 0 font's.
pub(super) fn add(lo: &mut lopdf::Document, font: &Subset) -> Result<ObjectId, String> {
    let face = font.face;
    let upm = face.units_per_em().max(1) as f32;
    let thousandths = |v: f32| Object::Integer((v * 1000.0 / upm).round() as i64);
    let cff = crate::fonts::sfnt::read_tables(font.program)?
        .into_iter()
        .find(|(tag, _)| tag == b"CFF ")
        .map(|(_, data)| data);
    let (subtype, file_key, program) = match cff {
        Some(table) => {
            let mut d = Dictionary::new();
            d.set("Subtype", name("CIDFontType0C"));
            ("CIDFontType0", "FontFile3", Stream::new(d, table.to_vec()))
        }
        None => {
            let mut d = Dictionary::new();
            d.set("Length1", Object::Integer(font.program.len() as i64));
            (
                "CIDFontType2",
                "FontFile2",
                Stream::new(d, font.program.to_vec()),
            )
        }
    };
    let program = lo.add_object(program);

    // The descriptor: metrics as a viewer needs them to substitute or
    // synthesise, scaled to thousandths of an em.
    let bbox = face.global_bounding_box();
    let italic_angle = face.italic_angle().round() as i64;
    let weight = face.weight().to_number() as f32;
    let mut flags = 1 << 5; // non-symbolic
    if italic_angle != 0 {
        flags |= 1 << 6;
    }
    if face.is_monospaced() {
        flags |= 1;
    }
    let mut descriptor = Dictionary::new();
    descriptor.set("Type", name("FontDescriptor"));
    descriptor.set("FontName", name(&font.name));
    descriptor.set("Flags", Object::Integer(flags));
    descriptor.set(
        "FontBBox",
        Object::Array(vec![
            thousandths(bbox.x_min as f32),
            thousandths(bbox.y_min as f32),
            thousandths(bbox.x_max as f32),
            thousandths(bbox.y_max as f32),
        ]),
    );
    descriptor.set("ItalicAngle", Object::Integer(italic_angle));
    descriptor.set("Ascent", thousandths(face.ascender() as f32));
    descriptor.set("Descent", thousandths(face.descender() as f32));
    descriptor.set(
        "CapHeight",
        thousandths(face.capital_height().unwrap_or(face.ascender()) as f32),
    );
    // No table carries the stem width; the usual estimate from the weight.
    descriptor.set(
        "StemV",
        Object::Integer((50.0 + (weight / 65.0).powi(2)).round() as i64),
    );
    descriptor.set(file_key, Object::Reference(program));
    let descriptor = lo.add_object(descriptor);

    let mut system = Dictionary::new();
    system.set("Registry", Object::string_literal("Adobe"));
    system.set("Ordering", Object::string_literal("Identity"));
    system.set("Supplement", Object::Integer(0));
    let mut cid = Dictionary::new();
    cid.set("Type", name("Font"));
    cid.set("Subtype", name(subtype));
    cid.set("BaseFont", name(&font.name));
    cid.set("CIDSystemInfo", Object::Dictionary(system));
    cid.set("FontDescriptor", Object::Reference(descriptor));
    cid.set("DW", Object::Integer(0));
    cid.set("W", widths(&font.glyphs));
    if subtype == "CIDFontType2" {
        cid.set("CIDToGIDMap", name("Identity"));
    }
    let cid = lo.add_object(cid);

    let to_unicode = lo.add_object(Stream::new(
        Dictionary::new(),
        to_unicode(&font.glyphs).into_bytes(),
    ));
    let mut type0 = Dictionary::new();
    type0.set("Type", name("Font"));
    type0.set("Subtype", name("Type0"));
    type0.set("BaseFont", name(&font.name));
    type0.set("Encoding", name("Identity-H"));
    type0.set(
        "DescendantFonts",
        Object::Array(vec![Object::Reference(cid)]),
    );
    type0.set("ToUnicode", Object::Reference(to_unicode));
    Ok(lo.add_object(type0))
}

/// The `W` array: runs of consecutive codes as `first [w w w …]`.
fn widths(glyphs: &[(u16, i64, Option<String>)]) -> Object {
    let mut out: Vec<Object> = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut next = None;
    for &(code, width, _) in glyphs {
        if next != Some(code) {
            if !run.is_empty() {
                out.push(Object::Array(std::mem::take(&mut run)));
            }
            out.push(Object::Integer(code as i64));
        }
        // Thousandths of an em, to three decimals.
        run.push(if width % 1000 == 0 {
            Object::Integer(width / 1000)
        } else {
            Object::Real(width as f32 / 1000.0)
        });
        next = code.checked_add(1);
    }
    if !run.is_empty() {
        out.push(Object::Array(run));
    }
    Object::Array(out)
}

/// The ToUnicode CMap: each code to the text it copies as, UTF-16BE, in
/// blocks of at most a hundred as the CMap format allows.
fn to_unicode(glyphs: &[(u16, i64, Option<String>)]) -> String {
    let mapped: Vec<(u16, &str)> = glyphs
        .iter()
        .filter_map(|(code, _, text)| text.as_deref().map(|t| (*code, t)))
        .collect();
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for block in mapped.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", block.len());
        for (code, text) in block {
            let _ = write!(out, "<{code:04X}> <");
            for u in text.encode_utf16() {
                let _ = write!(out, "{u:04X}");
            }
            out.push_str(">\n");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_group_consecutive_codes() {
        let g = |c, w| (c, w, None);
        let w = widths(&[g(1, 500_000), g(2, 600_000), g(5, 250_500)]);
        let Object::Array(items) = w else { panic!() };
        assert_eq!(items.len(), 4);
        assert_eq!(items[0], Object::Integer(1));
        assert_eq!(
            items[1],
            Object::Array(vec![Object::Integer(500), Object::Integer(600)])
        );
        assert_eq!(items[2], Object::Integer(5));
        assert_eq!(items[3], Object::Array(vec![Object::Real(250.5)]));
    }

    #[test]
    fn to_unicode_maps_codes_to_utf16_in_blocks() {
        let glyphs: Vec<_> = (0..150u16)
            .map(|c| (c, 500, Some("fi".to_string())))
            .chain([(200, 500, Some("😀".to_string())), (201, 500, None)])
            .collect();
        let cmap = to_unicode(&glyphs);
        assert!(cmap.contains("100 beginbfchar"));
        assert!(cmap.contains("51 beginbfchar"));
        assert!(cmap.contains("<0000> <00660069>"));
        assert!(cmap.contains("<00C8> <D83DDE00>"));
        assert!(!cmap.contains("<00C9>"));
    }
}
