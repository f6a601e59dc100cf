//! Covers: the rules stores hold them to, and a cover drawn by Quire for a
//! book that has none.
//!
//! The generated cover is typographic: the title, subtitle and author in
//! the book's own text face on a colour field with a thin frame, in one of
//! a few quiet palettes chosen from the metadata (so the same book always
//! gets the same cover). It is drawn here with the shaper's glyph outlines
//! and a coverage rasteriser: no system fonts, no external tools.

use super::ImageInfo;
use crate::diagnostics::{Code, Problem};
use crate::fonts::FontSet;
use crate::model::Metadata;
use ab_glyph_rasterizer::{Rasterizer, point};

/// What the stores recommend: 1600 × 2560 pixels, a 1.6 aspect ratio.
pub const RECOMMENDED: (u32, u32) = (1600, 2560);
/// The shortest side below which stores refuse a cover.
pub const MIN_SHORT_SIDE: u32 = 1000;

/// Problems with a given cover, as advice to the author.
pub fn check(info: &ImageInfo) -> Vec<String> {
    let mut out = Vec::new();
    if info.media_type == "image/svg+xml" {
        out.push(
            "an SVG cover is not accepted by most stores; give a JPEG or PNG of 1600 × 2560 pixels"
                .into(),
        );
        return out;
    }
    let (w, h) = (info.width, info.height);
    let short = w.min(h);
    if short < MIN_SHORT_SIDE {
        out.push(format!(
            "the cover is {w} × {h} pixels; stores refuse covers under {MIN_SHORT_SIDE} pixels on the short side (1600 × 2560 is recommended)"
        ));
    } else if w < RECOMMENDED.0 || h < RECOMMENDED.1 {
        out.push(format!(
            "the cover is {w} × {h} pixels; 1600 × 2560 or larger is recommended for sharp thumbnails and retina screens"
        ));
    }
    let ratio = h as f64 / w as f64;
    if !(1.4..=1.8).contains(&ratio) {
        out.push(format!(
            "the cover's height is {ratio:.2} times its width; stores expect about 1.6 (a portrait 1600 × 2560), so it will be cropped or letterboxed"
        ));
    }
    if info.cmyk {
        out.push("the cover is CMYK; ebook stores want RGB (Quire converts it for the EPUB, but check its colours)".into());
    }
    out
}

/// Background, text and accent colours.
const PALETTES: [([u8; 3], [u8; 3], [u8; 3]); 6] = [
    ([0x26, 0x34, 0x47], [0xF4, 0xEE, 0xE0], [0xD6, 0xB4, 0x6A]), // navy, cream, gold
    ([0x5B, 0x1F, 0x24], [0xF5, 0xEF, 0xE6], [0xD9, 0xA3, 0x8B]), // oxblood, ivory, rose
    ([0x1F, 0x3B, 0x2F], [0xEF, 0xE8, 0xD8], [0xA9, 0xBF, 0x8E]), // forest, parchment, sage
    ([0x2B, 0x2B, 0x2B], [0xF2, 0xF0, 0xEB], [0xE0, 0x5A, 0x3A]), // charcoal, paper, vermilion
    ([0xF3, 0xED, 0xE1], [0x1E, 0x24, 0x30], [0xB5, 0x54, 0x3C]), // cream, ink, terracotta
    ([0x3A, 0x4A, 0x63], [0xF7, 0xF7, 0xF5], [0xE0, 0xA8, 0x4A]), // slate, white, amber
];

struct Canvas {
    w: u32,
    h: u32,
    /// RGB, eight bits a channel, row by row.
    px: Vec<u8>,
}

impl Canvas {
    fn new(w: u32, h: u32, bg: [u8; 3]) -> Canvas {
        Canvas {
            w,
            h,
            px: bg.repeat((w * h) as usize),
        }
    }

    fn blend(&mut self, x: i64, y: i64, color: [u8; 3], a: f32) {
        if x < 0 || y < 0 || x >= self.w as i64 || y >= self.h as i64 || a <= 0.0 {
            return;
        }
        let at = (y as usize * self.w as usize + x as usize) * 3;
        let a = a.min(1.0);
        for (p, c) in self.px[at..at + 3].iter_mut().zip(color) {
            *p = (*p as f32 * (1.0 - a) + c as f32 * a).round() as u8;
        }
    }

    fn rect(&mut self, x0: u32, y0: u32, x1: u32, y1: u32, color: [u8; 3]) {
        for y in y0..y1.min(self.h) {
            for x in x0..x1.min(self.w) {
                self.blend(x as i64, y as i64, color, 1.0);
            }
        }
    }

    /// The canvas as a PNG, encoded from its own pixels (no copy of a
    /// 12 MB picture).
    fn png(self) -> Result<Vec<u8>, Problem> {
        use image::ImageEncoder;
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&self.px, self.w, self.h, image::ExtendedColorType::Rgb8)
            .map_err(|e| Problem::new(Code::Internal, format!("encoding the cover: {e}")))?;
        Ok(out)
    }
}

/// Glyph outlines in font units, turned into rasteriser calls in pixels.
struct Pen<'r> {
    r: &'r mut Rasterizer,
    scale: f32,
    /// Font-unit origin of the glyph's box, in pixels relative to the box.
    dx: f32,
    top: f32,
    last: ab_glyph_rasterizer::Point,
    start: ab_glyph_rasterizer::Point,
}

impl Pen<'_> {
    fn p(&self, x: f32, y: f32) -> ab_glyph_rasterizer::Point {
        point(x * self.scale + self.dx, self.top - y * self.scale)
    }
}

impl ttf_parser::OutlineBuilder for Pen<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.last = self.p(x, y);
        self.start = self.last;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.p(x, y);
        self.r.draw_line(self.last, p);
        self.last = p;
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (c, p) = (self.p(x1, y1), self.p(x, y));
        self.r.draw_quad(self.last, c, p);
        self.last = p;
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (c1, c2, p) = (self.p(x1, y1), self.p(x2, y2), self.p(x, y));
        self.r.draw_cubic(self.last, c1, c2, p);
        self.last = p;
    }
    fn close(&mut self) {
        if self.last != self.start {
            self.r.draw_line(self.last, self.start);
        }
        self.last = self.start;
    }
}

struct Type<'f> {
    face: ttf_parser::Face<'f>,
    shaper: rustybuzz::Face<'f>,
}

impl Type<'_> {
    /// Glyphs and advances of `text` in font units.
    fn shape(&self, text: &str) -> Vec<(u16, i32)> {
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        let out = rustybuzz::shape(&self.shaper, &[], buf);
        out.glyph_infos()
            .iter()
            .zip(out.glyph_positions())
            .map(|(i, p)| (i.glyph_id as u16, p.x_advance))
            .collect()
    }

    fn width(&self, text: &str, px: f32) -> f32 {
        let upem = self.face.units_per_em() as f32;
        self.shape(text).iter().map(|g| g.1 as f32).sum::<f32>() * px / upem
    }

    /// Draws `text` with its baseline centred at `at` (x, y).
    fn draw(
        &self,
        canvas: &mut Canvas,
        text: &str,
        px: f32,
        at: (f32, f32),
        color: [u8; 3],
        tracking: f32,
    ) {
        let (cx, y) = at;
        let upem = self.face.units_per_em() as f32;
        let scale = px / upem;
        let glyphs = self.shape(text);
        let total: f32 = glyphs
            .iter()
            .map(|g| g.1 as f32 * scale + tracking)
            .sum::<f32>()
            - tracking;
        let mut x = cx - total / 2.0;
        for (gid, adv) in glyphs {
            if let Some(bb) = self.face.glyph_bounding_box(ttf_parser::GlyphId(gid)) {
                let x0 = (x + bb.x_min as f32 * scale).floor();
                let y0 = (y - bb.y_max as f32 * scale).floor();
                let w = ((bb.x_max - bb.x_min) as f32 * scale).ceil() as usize + 2;
                let h = ((bb.y_max - bb.y_min) as f32 * scale).ceil() as usize + 2;
                let mut r = Rasterizer::new(w, h);
                let mut pen = Pen {
                    r: &mut r,
                    scale,
                    dx: x - x0,
                    top: y - y0,
                    last: point(0.0, 0.0),
                    start: point(0.0, 0.0),
                };
                self.face.outline_glyph(ttf_parser::GlyphId(gid), &mut pen);
                r.for_each_pixel_2d(|px_x, px_y, a| {
                    canvas.blend(x0 as i64 + px_x as i64, y0 as i64 + px_y as i64, color, a);
                });
            }
            x += adv as f32 * scale + tracking;
        }
    }

    /// Breaks `text` into lines no wider than `max` at size `px`.
    /// Breaks `text` into lines no wider than `max`, then narrows the
    /// measure as far as the line count allows, so the lines come out of
    /// even length (no lone word on the last line of a title).
    fn wrap(&self, text: &str, px: f32, max: f32) -> Vec<String> {
        let lines = self.wrap_greedy(text, px, max);
        let n = lines.len();
        let (mut lo, mut hi) = (max * 0.3, max);
        for _ in 0..12 {
            let mid = (lo + hi) / 2.0;
            if self.wrap_greedy(text, px, mid).len() <= n {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        self.wrap_greedy(text, px, hi)
    }

    fn wrap_greedy(&self, text: &str, px: f32, max: f32) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for word in text.split_whitespace() {
            match lines.last_mut() {
                Some(l) if self.width(&format!("{l} {word}"), px) <= max => {
                    l.push(' ');
                    l.push_str(word);
                }
                _ => lines.push(word.to_string()),
            }
        }
        lines
    }
}

/// The face to draw `text` with: face `i` if it has every character, or
/// else the first fallback face that has.
fn load_for<'f>(fonts: &'f FontSet, i: usize, text: &str) -> Result<Type<'f>, Problem> {
    let drawn = |f: usize| {
        text.chars()
            .all(|c| !crate::fonts::coverage::needs_glyph(c) || fonts.covers(f, c))
    };
    let face = std::iter::once(i)
        .chain(fonts.fallbacks())
        .find(|&f| drawn(f))
        .unwrap_or(i);
    load(fonts, face)
}

fn load(fonts: &FontSet, i: usize) -> Result<Type<'_>, Problem> {
    let data: &[u8] = &fonts.faces[i].data;
    let index = fonts.faces[i].index;
    let bad = || {
        Problem::new(
            Code::FontInvalid,
            "the text face cannot be read to draw the cover",
        )
    };
    Ok(Type {
        face: ttf_parser::Face::parse(data, index).map_err(|_| bad())?,
        shaper: rustybuzz::Face::from_slice(data, index).ok_or_else(bad)?,
    })
}

/// FNV-1a of the metadata that identifies the book.
fn fingerprint(meta: &Metadata) -> u64 {
    let key = format!(
        "{}\u{1f}{}",
        meta.title,
        meta.authors().collect::<Vec<_>>().join("\u{1e}")
    );
    key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// The background, text and accent colours of a book's generated cover,
/// chosen from its metadata (the same book, the same colours).
pub fn palette(meta: &Metadata) -> ([u8; 3], [u8; 3], [u8; 3]) {
    PALETTES[(fingerprint(meta) % PALETTES.len() as u64) as usize]
}

/// A cover for a book that has none: a PNG of 1600 × 2560 pixels, drawn
/// once per distinct title, subtitle, authors, language and faces (both
/// formats of one build share it, and the cache keeps it for the next).
pub fn generate(meta: &Metadata, fonts: &FontSet) -> Result<Vec<u8>, Problem> {
    let authors: Vec<&str> = meta.authors().collect();
    let mut parts: Vec<Vec<u8>> = vec![
        meta.title.as_bytes().to_vec(),
        meta.subtitle.clone().unwrap_or_default().into_bytes(),
        authors.join("\n").into_bytes(),
        meta.language.as_bytes().to_vec(),
    ];
    // A face is known by its name, size and the checksum its file carries
    // (the `head` table's), not by hashing megabytes of it.
    for face in &fonts.faces {
        let mut id = face.postscript_name.as_bytes().to_vec();
        id.extend((face.data.len() as u64).to_le_bytes());
        id.extend(face.index.to_le_bytes());
        if let Ok(f) = ttf_parser::RawFace::parse(&face.data, face.index)
            && let Some(head) = f.table(ttf_parser::Tag::from_bytes(b"head"))
        {
            id.extend(head.get(8..12).unwrap_or_default());
        }
        parts.push(id);
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    let key = crate::cache::Key::new("cover", &refs);
    crate::cache::shared("covers", &key, || draw(meta, fonts))
}

fn draw(meta: &Metadata, fonts: &FontSet) -> Result<Vec<u8>, Problem> {
    let (w, h) = RECOMMENDED;
    let (bg, fg, accent) = palette(meta);
    let mut c = Canvas::new(w, h, bg);
    // A thin frame, inset.
    let (m, t) = (110u32, 5u32);
    c.rect(m, m, w - m, m + t, accent);
    c.rect(m, h - m - t, w - m, h - m, accent);
    c.rect(m, m, m + t, h - m, accent);
    c.rect(w - m - t, m, w - m, h - m, accent);

    let authors: Vec<String> = meta.authors().map(str::to_uppercase).collect();
    let by = crate::typography::byline(&authors, &meta.language);
    let bold = load_for(fonts, 2, &meta.title)?;
    let italic = load_for(fonts, 1, meta.subtitle.as_deref().unwrap_or(""))?;
    let regular = load_for(fonts, 0, &by)?;
    let cx = w as f32 / 2.0;
    let max = w as f32 - 2.0 * (m as f32 + 140.0);
    // The largest title size that fits in four lines.
    let mut size = 190.0;
    let mut lines = bold.wrap(&meta.title, size, max);
    while (lines.len() > 4 || lines.iter().any(|l| bold.width(l, size) > max)) && size > 70.0 {
        size -= 10.0;
        lines = bold.wrap(&meta.title, size, max);
    }
    let leading = size * 1.18;
    let block = leading * lines.len() as f32;
    let mut y = h as f32 * 0.40 - block / 2.0 + size;
    for line in &lines {
        bold.draw(&mut c, line, size, (cx, y), fg, 0.0);
        y += leading;
    }
    // A short rule under the title.
    let ry = (y - leading + size * 0.55) as u32;
    c.rect((cx - 200.0) as u32, ry, (cx + 200.0) as u32, ry + 6, accent);
    if let Some(sub) = &meta.subtitle {
        let sub_size = 78.0;
        let mut sy = ry as f32 + 70.0 + sub_size;
        for line in italic.wrap(sub, sub_size, max) {
            italic.draw(&mut c, &line, sub_size, (cx, sy), fg, 0.0);
            sy += sub_size * 1.25;
        }
    }
    if !authors.is_empty() {
        let size = 64.0;
        let lines = regular.wrap(&by, size, max);
        let mut ay = h as f32 - m as f32 - 260.0 - (lines.len() as f32 - 1.0) * size * 1.3;
        for line in lines {
            regular.draw(&mut c, &line, size, (cx, ay), fg, 6.0);
            ay += size * 1.3;
        }
    }
    c.png()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(w: u32, h: u32) -> ImageInfo {
        ImageInfo {
            media_type: "image/jpeg",
            width: w,
            height: h,
            orientation: 1,
            cmyk: false,
            alpha: false,
            svg_removed: Vec::new(),
        }
    }

    #[test]
    fn store_rules() {
        assert!(check(&info(1600, 2560)).is_empty());
        assert!(check(&info(800, 1280))[0].contains("refuse"));
        assert!(check(&info(1200, 1920))[0].contains("recommended"));
        assert!(check(&info(2000, 2000)).iter().any(|w| w.contains("1.6")));
    }
}
