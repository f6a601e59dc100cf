//! Fonts: the typefaces compiled into the binary, the ones a book brings,
//! and subsetting.
//!
//! Quire needs no system fonts. The body face is Charis SIL (regular,
//! italic, bold, bold italic; SIL Open Font License), code is set in DejaVu
//! Sans Mono (Bitstream Vera licence); both live in `fonts/` with their
//! licences. A book may name its own TrueType or OpenType files for any of
//! the five roles (`[fonts]` in `book.toml`); [`FontSet`] is what the
//! renderers use either way.

pub mod coverage;
pub(crate) mod sfnt;
pub mod system;

use crate::diagnostics::{Code, Problem};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundledFont {
    /// The CSS family name the EPUB's stylesheet uses.
    pub family: &'static str,
    /// File name inside the EPUB.
    pub file_name: &'static str,
    /// The face's PostScript name, for PDF font dictionaries.
    pub postscript_name: &'static str,
    pub weight: u16,
    pub italic: bool,
    pub data: &'static [u8],
}

pub const SERIF_FAMILY: &str = "Charis SIL";
pub const MONO_FAMILY: &str = "DejaVu Sans Mono";

pub const BUNDLED: [BundledFont; 7] = [
    BundledFont {
        family: SERIF_FAMILY,
        file_name: "charis-regular.ttf",
        postscript_name: "CharisSIL",
        weight: 400,
        italic: false,
        data: include_bytes!("../../fonts/CharisSIL-Regular.ttf"),
    },
    BundledFont {
        family: SERIF_FAMILY,
        file_name: "charis-italic.ttf",
        postscript_name: "CharisSIL-Italic",
        weight: 400,
        italic: true,
        data: include_bytes!("../../fonts/CharisSIL-Italic.ttf"),
    },
    BundledFont {
        family: SERIF_FAMILY,
        file_name: "charis-bold.ttf",
        postscript_name: "CharisSIL-Bold",
        weight: 700,
        italic: false,
        data: include_bytes!("../../fonts/CharisSIL-Bold.ttf"),
    },
    BundledFont {
        family: SERIF_FAMILY,
        file_name: "charis-bold-italic.ttf",
        postscript_name: "CharisSIL-BoldItalic",
        weight: 700,
        italic: true,
        data: include_bytes!("../../fonts/CharisSIL-BoldItalic.ttf"),
    },
    BundledFont {
        family: MONO_FAMILY,
        file_name: "dejavu-sans-mono.ttf",
        postscript_name: "DejaVuSansMono",
        weight: 400,
        italic: false,
        data: include_bytes!("../../fonts/DejaVuSansMono.ttf"),
    },
    // Keywords in highlighted code: weight, not only colour, carries the
    // difference when a page is printed in grey.
    BundledFont {
        family: MONO_FAMILY,
        file_name: "dejavu-sans-mono-bold.ttf",
        postscript_name: "DejaVuSansMono-Bold",
        weight: 700,
        italic: false,
        data: include_bytes!("../../fonts/DejaVuSansMono-Bold.ttf"),
    },
    // Formulas in the PDF: a face with an OpenType MATH table (the sizes
    // of fractions, scripts and radicals, and the glyphs delimiters grow
    // into). Its letters follow DejaVu Serif, close in colour to Charis.
    BundledFont {
        family: "DejaVu Math TeX Gyre",
        file_name: "dejavu-math.ttf",
        postscript_name: "DejaVuMathTeXGyre-Regular",
        weight: 400,
        italic: false,
        data: include_bytes!("../../fonts/DejaVuMathTeXGyre.ttf"),
    },
];

/// The roles a book's type plays, in the order of [`FontSet::faces`].
pub const ROLES: [&str; 7] = [
    "regular",
    "italic",
    "bold",
    "bold-italic",
    "mono",
    "mono-bold",
    "math",
];

/// Where the math face is in [`FontSet::faces`].
pub const MATH_ROLE: usize = 6;

/// One face as the renderers use it.
#[derive(Debug, Clone)]
pub struct Face {
    pub data: std::borrow::Cow<'static, [u8]>,
    /// Family name (for CSS and the colophon).
    pub family: String,
    /// PostScript name (for PDF font dictionaries).
    pub postscript_name: String,
    /// File name inside the EPUB.
    pub file_name: String,
    pub weight: u16,
    pub italic: bool,
    /// Which face of the file (a collection holds several).
    pub index: u32,
    /// Glyphs drawn in colour (emoji), not as outlines a PDF font can
    /// carry; `None` for an ordinary face.
    pub colour: Option<ColourGlyphs>,
}

/// How a colour font draws its glyphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourGlyphs {
    /// Pictures, one per glyph and size (`CBDT` as in Noto Color Emoji,
    /// `sbix` as in Apple Color Emoji): drawn as images.
    Bitmap,
    /// Layers of outlines in colours from a palette (`COLR`/`CPAL`, as in
    /// Twemoji or Noto's COLRv1): refused when the font is read, as Quire
    /// cannot draw them yet.
    Layers,
}

/// How the face draws its glyphs in colour, if it does.
pub fn colour_glyphs(face: &ttf_parser::Face) -> Option<ColourGlyphs> {
    let t = face.tables();
    if t.colr.is_some() {
        Some(ColourGlyphs::Layers)
    } else if t.cbdt.is_some() || t.sbix.is_some() {
        Some(ColourGlyphs::Bitmap)
    } else {
        None
    }
}

/// The faces a book is set in: regular, italic, bold, bold italic, mono.
#[derive(Debug, Clone)]
pub struct FontSet {
    pub faces: Vec<Face>,
}

impl FontSet {
    pub fn bundled() -> FontSet {
        FontSet {
            faces: BUNDLED
                .iter()
                .map(|b| Face {
                    data: std::borrow::Cow::Borrowed(b.data),
                    family: b.family.to_string(),
                    postscript_name: b.postscript_name.to_string(),
                    file_name: b.file_name.to_string(),
                    weight: b.weight,
                    italic: b.italic,
                    index: 0,
                    colour: None,
                })
                .collect(),
        }
    }

    /// The book's faces, loaded once for all who ask in this run: the
    /// EPUB and the PDF renderer (and the fallback search) share one set,
    /// read once, while the font files stay as they were (a file that
    /// changes, as under `quire watch`, is read again). The last few sets
    /// are kept, so a catalogue of many books does not hold them all.
    pub fn shared(
        overrides: &[crate::model::FontFile],
    ) -> Result<std::sync::Arc<FontSet>, Problem> {
        use std::sync::{Arc, Mutex, OnceLock};
        type Cell = Arc<OnceLock<Result<Arc<FontSet>, Problem>>>;
        static LOADED: Mutex<Vec<(Vec<String>, Cell)>> = Mutex::new(Vec::new());
        const KEPT: usize = 4;
        let key: Vec<String> = overrides
            .iter()
            .map(|f| {
                let stamp = std::fs::metadata(&f.path)
                    .map(|m| (m.len(), m.modified().ok()))
                    .ok();
                format!("{}|{}|{}|{stamp:?}", f.role, f.path.display(), f.index)
            })
            .collect();
        let cell = {
            let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
            match loaded.iter().position(|(k, _)| *k == key) {
                Some(i) => loaded[i].1.clone(),
                None => {
                    if loaded.len() >= KEPT {
                        loaded.remove(0);
                    }
                    let cell = Cell::default();
                    loaded.push((key, cell.clone()));
                    cell
                }
            }
        };
        // Outside the lock: the other renderer waits on this cell alone.
        cell.get_or_init(|| FontSet::with(overrides).map(Arc::new))
            .clone()
    }

    /// The bundled faces with the book's own in the roles it names
    /// (role → file, already checked by [`check_font_file`]).
    pub fn with(overrides: &[crate::model::FontFile]) -> Result<FontSet, Problem> {
        let mut set = FontSet::bundled();
        let mut given = [false; ROLES.len()];
        for f in overrides.iter().filter(|f| f.role == "fallback") {
            let data = crate::files::read_limited(&f.path, crate::limits::FONT_BYTES)?;
            let info = check_font_file(&data, f.index, false)?;
            let n = set.faces.len() - ROLES.len();
            let ext = extension(&data, f.index);
            let colour = ttf_parser::Face::parse(&data, f.index)
                .ok()
                .and_then(|face| colour_glyphs(&face));
            set.faces.push(Face {
                colour,
                data: std::borrow::Cow::Owned(data),
                family: info.family,
                postscript_name: info.postscript_name,
                file_name: format!("fallback-{}.{ext}", n + 1),
                weight: 400,
                italic: false,
                index: f.index,
            });
        }
        for f in overrides {
            let Some(i) = ROLES.iter().position(|r| *r == f.role) else {
                continue;
            };
            let data = crate::files::read_limited(&f.path, crate::limits::FONT_BYTES)?;
            let info = check_font_file(&data, f.index, true)?;
            let ext = extension(&data, f.index);
            if i == MATH_ROLE && !has_math_table(&data) {
                return Err(Problem::new(
                    Code::FontInvalid,
                    "the math face has no OpenType MATH table, so formulas cannot be set with it",
                )
                .help("give a math font (Latin Modern Math, STIX Two Math, TeX Gyre … Math), or leave `math` out to use the bundled one"));
            }
            set.faces[i] = Face {
                data: std::borrow::Cow::Owned(data),
                family: info.family,
                postscript_name: info.postscript_name,
                file_name: format!("{}.{ext}", ROLES[i]),
                weight: BUNDLED[i].weight,
                italic: BUNDLED[i].italic,
                index: f.index,
                colour: None,
            };
            given[i] = true;
        }
        // A family given only in part: the missing text faces take the
        // regular one, so the page stays in one family.
        if given[0] {
            for i in 1..4 {
                if !given[i] {
                    let mut f = set.faces[0].clone();
                    f.file_name = format!(
                        "{}.{}",
                        ROLES[i],
                        f.file_name.rsplit('.').next().unwrap_or("ttf")
                    );
                    f.weight = BUNDLED[i].weight;
                    f.italic = BUNDLED[i].italic;
                    set.faces[i] = f;
                }
            }
        }
        // A book's own code face without its bold: the bold is the same
        // face, as it is for the text faces.
        if given[4] && !given[5] {
            let mut f = set.faces[4].clone();
            f.file_name = format!(
                "{}.{}",
                ROLES[5],
                f.file_name.rsplit('.').next().unwrap_or("ttf")
            );
            f.weight = BUNDLED[5].weight;
            set.faces[5] = f;
        }
        Ok(set)
    }

    pub fn text_family(&self) -> &str {
        &self.faces[0].family
    }

    pub fn mono_family(&self) -> &str {
        &self.faces[4].family
    }

    /// Where the fallback faces are in [`FontSet::faces`], in the order
    /// they are tried.
    pub fn fallbacks(&self) -> std::ops::Range<usize> {
        ROLES.len()..self.faces.len()
    }

    /// Whether face `i` has a glyph for `c`.
    pub fn covers(&self, i: usize, c: char) -> bool {
        let f = &self.faces[i];
        ttf_parser::Face::parse(&f.data, f.index).is_ok_and(|face| face.glyph_index(c).is_some())
    }
}

/// The file extension a face's own file has: `otf` for PostScript
/// outlines (CFF), `ttf` for TrueType.
pub fn extension(data: &[u8], index: u32) -> &'static str {
    match ttf_parser::Face::parse(data, index) {
        Ok(f) if f.tables().cff.is_some() || f.tables().cff2.is_some() => "otf",
        _ => "ttf",
    }
}

/// Whether a font carries an OpenType MATH table.
pub fn has_math_table(data: &[u8]) -> bool {
    ttf_parser::Face::parse(data, 0).is_ok_and(|f| f.tables().math.is_some())
}

/// What a font file says about itself.
pub struct FontInfo {
    pub family: String,
    pub postscript_name: String,
}

/// Checks that face `index` of `data` is a usable TrueType or OpenType
/// font (with outlines and a Unicode character map; with Latin letters
/// when `latin`, as the text faces must have) and reads its names.
pub fn check_font_file(data: &[u8], index: u32, latin: bool) -> Result<FontInfo, Problem> {
    let bad = |m: String| Problem::new(Code::FontInvalid, m);
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    if index >= count {
        return Err(bad(format!(
            "the file holds {count} face(s); there is no face #{index} (they count from 0)"
        )));
    }
    let face = ttf_parser::Face::parse(data, index)
        .map_err(|e| bad(format!("not a TrueType or OpenType font ({e})")))?;
    let mapped = face
        .tables()
        .cmap
        .is_some_and(|c| c.subtables.into_iter().any(|s| s.is_unicode()));
    if !mapped || (latin && face.glyph_index('a').is_none() && face.glyph_index('A').is_none()) {
        return Err(bad(if mapped {
            "the font has no Latin letters".into()
        } else {
            "the font has no Unicode character map".into()
        }));
    }
    // A font whose tables run past its end (a truncated download) parses,
    // then fails when it is subset or shaped: find out now. A colour font
    // is never subset (its glyphs are drawn as pictures): its first
    // coloured glyph is drawn instead.
    let colour = colour_glyphs(&face);
    if latin && colour.is_some() {
        return Err(bad(
            "the font draws its glyphs in colour (an emoji font): it can only be a fallback".into(),
        ));
    }
    if colour == Some(ColourGlyphs::Layers) {
        return Err(bad(
            "the font draws its glyphs as coloured layers (COLR), which Quire cannot draw yet"
                .into(),
        )
        .help("use an emoji font with colour pictures (Noto Color Emoji) or one with outlines"));
    }
    match colour {
        None => {
            let mut probe = subsetter::GlyphRemapper::new();
            probe.remap(1.min(face.number_of_glyphs().saturating_sub(1)));
            subsetter::subset(data, index, &probe)
                .map_err(|e| bad(format!("the font is damaged or truncated ({e:?})")))?;
        }
        Some(_) => {
            let drawn = (1..face.number_of_glyphs().min(64)).any(|g| {
                let g = ttf_parser::GlyphId(g);
                face.glyph_raster_image(g, u16::MAX).is_some() || face.is_color_glyph(g)
            });
            if !drawn {
                return Err(bad(
                    "the colour font's glyphs cannot be read (damaged or truncated)".into(),
                ));
            }
        }
    }
    if count == 1 {
        sfnt::read_tables(data).map_err(|e| bad(format!("the font is damaged ({e})")))?;
    }
    let name = |id: u16| {
        face.names()
            .into_iter()
            .filter(|n| n.name_id == id && n.is_unicode())
            .find_map(|n| n.to_string())
    };
    let family = name(ttf_parser::name_id::TYPOGRAPHIC_FAMILY)
        .or_else(|| name(ttf_parser::name_id::FAMILY))
        .unwrap_or_else(|| "Custom".into());
    let postscript_name = name(ttf_parser::name_id::POST_SCRIPT_NAME)
        .unwrap_or_else(|| family.replace(' ', ""))
        .chars()
        .filter(|c| c.is_ascii_graphic() && !"[](){}<>/%#".contains(*c))
        .collect();
    Ok(FontInfo {
        family,
        postscript_name,
    })
}

/// A subset of `data` holding the glyphs for `chars` (and the glyphs they
/// are built from), with a character map, so that a reading system can
/// still use it as an ordinary font. Characters the font lacks are skipped.
pub fn subset_with_cmap(
    data: &[u8],
    index: u32,
    chars: &BTreeSet<char>,
) -> Result<Vec<u8>, Problem> {
    let bad = |m: String| Problem::new(Code::FontInvalid, m);
    let face =
        ttf_parser::Face::parse(data, index).map_err(|e| bad(format!("unreadable font: {e}")))?;
    let mut mapper = subsetter::GlyphRemapper::new();
    let mut old_ids = Vec::new();
    for &c in chars {
        if let Some(gid) = face.glyph_index(c) {
            mapper.remap(gid.0);
            old_ids.push((c, gid.0));
        }
    }
    let subset = subsetter::subset(data, index, &mapper)
        .map_err(|e| bad(format!("cannot subset font: {e:?}")))?;
    let map: Vec<(char, u16)> = old_ids
        .into_iter()
        .filter_map(|(c, old)| mapper.get(old).map(|new| (c, new)))
        .collect();
    let mut tables = sfnt::read_tables(&subset).map_err(bad)?;
    tables.retain(|(tag, _)| tag != b"cmap" && tag != b"OS/2");
    tables.push((*b"cmap", sfnt::build_cmap(&map)));
    if let Some(os2) = face.raw_face().table(ttf_parser::Tag::from_bytes(b"OS/2")) {
        tables.push((*b"OS/2", os2.to_vec()));
    }
    Ok(sfnt::assemble(&subset[..4], tables))
}

/// A subset of `data` holding the glyphs `gids` (and the glyphs they are
/// built from), for embedding in a PDF, where text refers to glyphs by id.
/// Returns the font and, for each glyph asked for, its id in the subset.
/// A character map is kept for the characters whose glyphs are included,
/// so tools that read the font by itself still find its letters.
pub fn subset_glyphs(
    data: &[u8],
    index: u32,
    gids: &BTreeSet<u16>,
) -> Result<(Vec<u8>, std::collections::BTreeMap<u16, u16>), Problem> {
    let bad = |m: String| Problem::new(Code::FontInvalid, m);
    let face =
        ttf_parser::Face::parse(data, index).map_err(|e| bad(format!("unreadable font: {e}")))?;
    let mut mapper = subsetter::GlyphRemapper::new();
    for &g in gids {
        mapper.remap(g);
    }
    let subset = subsetter::subset(data, index, &mapper)
        .map_err(|e| bad(format!("cannot subset font: {e:?}")))?;
    let remap: std::collections::BTreeMap<u16, u16> = gids
        .iter()
        .filter_map(|&g| mapper.get(g).map(|n| (g, n)))
        .collect();
    let mut cmap = Vec::new();
    if let Some(table) = face.tables().cmap {
        for sub in table.subtables {
            if !sub.is_unicode() {
                continue;
            }
            sub.codepoints(|cp| {
                if let (Some(c), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp))
                    && let Some(&n) = remap.get(&g.0)
                {
                    cmap.push((c, n));
                }
            });
        }
    }
    cmap.sort();
    cmap.dedup_by_key(|p| p.0);
    let mut tables = sfnt::read_tables(&subset).map_err(bad)?;
    tables.retain(|(tag, _)| tag != b"cmap" && tag != b"OS/2");
    tables.push((*b"cmap", sfnt::build_cmap(&cmap)));
    if let Some(os2) = face.raw_face().table(ttf_parser::Tag::from_bytes(b"OS/2")) {
        tables.push((*b"OS/2", os2.to_vec()));
    }
    Ok((sfnt::assemble(&subset[..4], tables), remap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_keeps_a_working_cmap() {
        let chars: BTreeSet<char> = "Quire, “typeset”.".chars().collect();
        let sub = subset_with_cmap(BUNDLED[0].data, 0, &chars).unwrap();
        assert!(
            sub.len() < BUNDLED[0].data.len() / 10,
            "{} bytes",
            sub.len()
        );
        let face = ttf_parser::Face::parse(&sub, 0).unwrap();
        for c in chars {
            let gid = face
                .glyph_index(c)
                .unwrap_or_else(|| panic!("no glyph for {c:?}"));
            if c != ' ' {
                assert!(face.glyph_hor_advance(gid).unwrap() > 0);
            }
        }
        assert!(face.glyph_index('Z').is_none());
    }
}
