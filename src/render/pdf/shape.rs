//! Shaping: text in one face to positioned glyphs, with OpenType kerning
//! and standard ligatures (rustybuzz, a port of HarfBuzz).
//!
//! Words repeat: a book of 200,000 words has perhaps 15,000 distinct ones.
//! Each distinct (face, text) is shaped once and kept; everything else asks
//! the cache. Results are in font units so one shaping serves every size.

use crate::fonts::FontSet;
use std::collections::HashMap;
use std::rc::Rc;

/// The faces the typesetter uses, in the order of `FontSet::faces`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontId {
    Regular,
    Italic,
    Bold,
    BoldItalic,
    Mono,
    MonoBold,
    /// The math face (formulas only).
    Math,
    /// The n-th fallback face, for characters the others lack.
    Fallback(u8),
}

impl FontId {
    pub fn index(self) -> usize {
        match self {
            FontId::Regular => 0,
            FontId::Italic => 1,
            FontId::Bold => 2,
            FontId::BoldItalic => 3,
            FontId::Mono => 4,
            FontId::MonoBold => 5,
            FontId::Math => 6,
            FontId::Fallback(n) => crate::fonts::ROLES.len() + n as usize,
        }
    }

    /// The face with emphasis toggled or strong added, as nested markup asks.
    pub fn styled(self, italic: bool, bold: bool) -> FontId {
        match (self, italic, bold) {
            (FontId::Mono | FontId::MonoBold, _, false) => self,
            (FontId::Mono | FontId::MonoBold, _, true) => FontId::MonoBold,
            (_, false, false) => FontId::Regular,
            (_, true, false) => FontId::Italic,
            (_, false, true) => FontId::Bold,
            (_, true, true) => FontId::BoldItalic,
        }
    }
}

/// One glyph of a shaped run, in font units.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub gid: u16,
    pub advance: i32,
    /// Byte offset in the shaped text of the first character this glyph
    /// stands for.
    pub cluster: u32,
}

#[derive(Debug)]
pub struct Shaped {
    pub glyphs: Vec<Glyph>,
    /// Sum of advances, in font units.
    pub width: i32,
}

pub struct Face<'f> {
    pub face: rustybuzz::Face<'f>,
    pub units_per_em: f32,
}

pub struct Shaper<'f> {
    faces: Vec<Face<'f>>,
    /// The text face's family name, for the colophon.
    family: String,
    /// One cache per face, keyed by the text, so a lookup needs no allocation.
    cache: Vec<HashMap<String, Rc<Shaped>>>,
}

impl<'f> Shaper<'f> {
    pub fn new(fonts: &'f FontSet) -> Result<Shaper<'f>, crate::diagnostics::Problem> {
        let mut faces = Vec::new();
        for f in &fonts.faces {
            let face = rustybuzz::Face::from_slice(&f.data, f.index).ok_or_else(|| {
                crate::diagnostics::Problem::new(
                    crate::diagnostics::Code::FontInvalid,
                    format!("font {} is unreadable", f.file_name),
                )
            })?;
            let upem = face.units_per_em() as f32;
            faces.push(Face {
                units_per_em: upem,
                face,
            });
        }
        Ok(Shaper {
            // Plain, then small capitals, for each face.
            cache: faces.iter().chain(&faces).map(|_| HashMap::new()).collect(),
            faces,
            family: fonts.text_family().to_string(),
        })
    }

    pub fn family(&self) -> &str {
        &self.family
    }

    /// Points per font unit at `size`.
    pub fn scale(&self, font: FontId, size: f32) -> f32 {
        size / self.faces[font.index()].units_per_em
    }

    pub fn shape(&mut self, font: FontId, text: &str) -> Rc<Shaped> {
        self.shape_as(font, text, false)
    }

    /// Shapes `text`, its lower-case letters as small capitals when
    /// `small_caps` (the face's own, by the `smcp` feature).
    pub fn shape_as(&mut self, font: FontId, text: &str, small_caps: bool) -> Rc<Shaped> {
        let slot = font.index() + if small_caps { self.faces.len() } else { 0 };
        if let Some(s) = self.cache[slot].get(text) {
            return s.clone();
        }
        let face = &self.faces[font.index()].face;
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        // Arabic and Hebrew are shaped right to left (joining, mirrored
        // brackets); the glyphs come out in the order they are drawn.
        buffer.set_direction(if is_rtl_text(text) {
            rustybuzz::Direction::RightToLeft
        } else {
            rustybuzz::Direction::LeftToRight
        });
        let features = if small_caps {
            vec![rustybuzz::Feature::new(
                rustybuzz::ttf_parser::Tag::from_bytes(b"smcp"),
                1,
                ..,
            )]
        } else {
            Vec::new()
        };
        let out = rustybuzz::shape(face, &features, buffer);
        let glyphs: Vec<Glyph> = out
            .glyph_infos()
            .iter()
            .zip(out.glyph_positions())
            .map(|(info, pos)| Glyph {
                gid: info.glyph_id as u16,
                advance: pos.x_advance,
                cluster: info.cluster,
            })
            .collect();
        let width = glyphs.iter().map(|g| g.advance).sum();
        let shaped = Rc::new(Shaped { glyphs, width });
        self.cache[slot].insert(text.to_string(), shaped.clone());
        shaped
    }

    /// The height of capitals over the type size.
    pub fn cap_height(&self, font: FontId) -> f32 {
        let f = &self.faces[font.index()];
        f.face
            .capital_height()
            .map_or(0.7, |h| h as f32 / f.units_per_em)
    }

    /// Width of `text` in points.
    pub fn width(&mut self, font: FontId, size: f32, text: &str) -> f32 {
        let w = self.shape(font, text).width as f32;
        w * self.scale(font, size)
    }

    /// The face itself, for what shaping does not give (the MATH table).
    pub fn raw_face(&self, font: FontId) -> &rustybuzz::ttf_parser::Face<'f> {
        &self.faces[font.index()].face
    }

    /// How many fallback faces there are.
    pub fn fallbacks(&self) -> u8 {
        self.faces.len().saturating_sub(crate::fonts::ROLES.len()) as u8
    }

    /// The face to draw `c` with in text meant for `font`: its own if it
    /// has the glyph, else the first fallback that has.
    pub fn face_for(&self, font: FontId, c: char) -> FontId {
        if self.covers(font, c) {
            return font;
        }
        (0..self.fallbacks())
            .map(FontId::Fallback)
            .find(|&f| self.covers(f, c))
            .unwrap_or(font)
    }

    /// Whether the face draws in colour (emoji): spaces and punctuation
    /// around its glyphs go back to the text's face.
    pub fn is_colour(&self, font: FontId) -> bool {
        crate::fonts::colour_glyphs(&self.faces[font.index()].face).is_some()
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, font: FontId, c: char) -> bool {
        self.faces[font.index()].face.glyph_index(c).is_some()
    }
}

pub use crate::typography::is_rtl_text;

/// A character and where it starts in its text.
type Indexed = (usize, char);

/// Glyphs shaped right to left: each cluster runs to the next larger
/// one in the text. A cluster of as many glyphs as characters (a letter
/// and its marks) gives each glyph one character, so that each glyph id
/// always copies as the same character; otherwise (a ligature) the first
/// glyph drawn carries the whole text.
fn glyph_texts_rtl<'a>(text: &'a str, glyphs: &[Glyph]) -> Vec<&'a str> {
    let mut starts: Vec<usize> = glyphs.iter().map(|g| g.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let span = |start: usize| {
        let end = starts
            .iter()
            .copied()
            .find(|&s| s > start)
            .unwrap_or(text.len());
        text.get(start..end).unwrap_or("")
    };
    let mut out = vec![""; glyphs.len()];
    let mut done = std::collections::HashSet::new();
    for (i, g) in glyphs.iter().enumerate() {
        let start = g.cluster as usize;
        if !done.insert(start) {
            continue;
        }
        let cluster = span(start);
        let members: Vec<usize> = (i..glyphs.len())
            .filter(|&j| glyphs[j].cluster == g.cluster)
            .collect();
        // Marks (no advance of their own) take the marks' characters,
        // the others the rest, each in order.
        let is_mark = |c: char| crate::fonts::coverage::joins_previous(c);
        let (mark_chars, base_chars): (Vec<Indexed>, Vec<Indexed>) =
            cluster.char_indices().partition(|&(_, c)| is_mark(c));
        let (mark_glyphs, base_glyphs): (Vec<usize>, Vec<usize>) =
            members.iter().partition(|&&j| glyphs[j].advance == 0);
        if members.len() > 1
            && mark_glyphs.len() == mark_chars.len()
            && base_glyphs.len() == base_chars.len()
        {
            for (gs, cs) in [(&mark_glyphs, &mark_chars), (&base_glyphs, &base_chars)] {
                for (&j, &(at, c)) in gs.iter().zip(cs.iter()) {
                    out[j] = cluster.get(at..at + c.len_utf8()).unwrap_or("");
                }
            }
        } else {
            out[i] = cluster;
        }
    }
    out
}

/// The text each glyph stands for: from its cluster to the next cluster
/// (a ligature "fi" stands for two letters; its text copies as "fi").
pub fn glyph_texts<'a>(text: &'a str, glyphs: &[Glyph]) -> Vec<&'a str> {
    if glyphs.windows(2).any(|w| w[1].cluster < w[0].cluster) {
        return glyph_texts_rtl(text, glyphs);
    }
    let mut out = Vec::with_capacity(glyphs.len());
    for (i, g) in glyphs.iter().enumerate() {
        let start = g.cluster as usize;
        // The next glyph that starts a different cluster ends this one.
        let end = glyphs[i + 1..]
            .iter()
            .map(|n| n.cluster as usize)
            .find(|&c| c != start)
            .unwrap_or(text.len());
        let (a, b) = if end >= start {
            (start, end)
        } else {
            (start, text.len())
        };
        // A glyph that shares its cluster with the previous one (a mark
        // or a decomposition) contributes no text of its own.
        if i > 0 && glyphs[i - 1].cluster == g.cluster {
            out.push("");
        } else {
            out.push(text.get(a..b).unwrap_or(""));
        }
    }
    out
}
