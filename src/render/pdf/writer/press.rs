//! PDF/X-1a:2001 for printers that ask for it (IngramSpark): PDF 1.3,
//! every colour process CMYK or grey, nothing transparent.
//!
//! The document is written as for any print target, then made X-1a here:
//! each picture in RGB is converted to CMYK through the output intent's
//! ICC profile (FOGRA39, perceptual, by moxcms) with its total ink held
//! under the printer's limit, a soft mask flattened onto the white paper
//! it would print on; each RGB colour a drawing sets in its content is
//! converted the same way; a stroke or fill made invisible by an opacity
//! of 0 is left undrawn. What X-1a cannot carry (an opacity between 0
//! and 1, a soft mask, a blend mode, a gradient) is refused with the
//! reason, and the caller decides: a drawing is then printed as a picture
//! (see `svg::for_press`).

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use moxcms::{ColorProfile, Layout, RenderingIntent, TransformOptions};
use std::sync::{Arc, OnceLock};

/// The press profile the output intent names.
const OUTPUT_PROFILE: &[u8] = include_bytes!("../../../../profiles/coated-fogra39.icc");

type Transform = Arc<moxcms::Transform8BitExecutor>;

/// The sRGB-to-press conversion, made once.
fn transform() -> Result<&'static Transform, String> {
    static T: OnceLock<Result<Transform, String>> = OnceLock::new();
    T.get_or_init(|| {
        let press = ColorProfile::new_from_slice(OUTPUT_PROFILE)
            .map_err(|e| format!("the press profile: {e}"))?;
        let options = TransformOptions {
            rendering_intent: RenderingIntent::Perceptual,
            ..TransformOptions::default()
        };
        ColorProfile::new_srgb()
            .create_transform_8bit(Layout::Rgb, &press, Layout::Rgba, options)
            .map_err(|e| format!("the sRGB to press conversion: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Converts RGB (sRGB) to CMYK for one press, with a limit on total ink.
#[derive(Clone, Copy)]
pub struct Press {
    /// The most ink any colour may put down, in 0–255 units summed over
    /// the four inks (612 for 240%).
    limit: u32,
}

impl Press {
    /// `ink_limit` as a fraction: 2.4 for 240%.
    pub fn new(ink_limit: f32) -> Press {
        Press {
            limit: (ink_limit * 255.0).round() as u32,
        }
    }

    /// RGB samples (three bytes a pixel) as CMYK (four).
    pub fn pixels(&self, rgb: &[u8]) -> Result<Vec<u8>, String> {
        let t = transform()?;
        let mut out = vec![0u8; rgb.len() / 3 * 4];
        // In rows of a few thousand pixels: the executor wants whole
        // pixels in and out.
        const ROW: usize = 4096;
        for (src, dst) in rgb.chunks(ROW * 3).zip(out.chunks_mut(ROW * 4)) {
            t.transform(src, dst)
                .map_err(|e| format!("converting to CMYK: {e}"))?;
        }
        for px in out.chunks_exact_mut(4) {
            self.hold_ink(px);
        }
        Ok(out)
    }

    /// One RGB colour (components 0–1) as CMYK (0–1).
    pub fn colour(&self, rgb: [f32; 3]) -> Result<[f32; 4], String> {
        let px = rgb.map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8);
        let cmyk = self.pixels(&px)?;
        Ok([0, 1, 2, 3].map(|i| f32::from(cmyk[i]) / 255.0))
    }

    /// Holds a CMYK pixel's total ink under the limit: first by moving
    /// the grey its three colours share into black (as a separator's
    /// grey-component replacement does), then by thinning the colours.
    fn hold_ink(&self, px: &mut [u8]) {
        let [c, m, y, k] = [0, 1, 2, 3].map(|i| u32::from(px[i]));
        let total = c + m + y + k;
        if total <= self.limit {
            return;
        }
        // Taking x from each colour and adding it to black saves 2x.
        let x = (total - self.limit)
            .div_ceil(2)
            .min(c.min(m).min(y))
            .min(255 - k);
        let (mut c, mut m, mut y, k) = (c - x, m - x, y - x, k + x);
        let colours = c + m + y;
        let room = self.limit.saturating_sub(k);
        if colours > room {
            c = c * room / colours;
            m = m * room / colours;
            y = y * room / colours;
        }
        px.copy_from_slice(&[c as u8, m as u8, y as u8, k as u8]);
    }

    /// Makes every picture and every content stream of `lo` X-1a's:
    /// pictures and colours in CMYK or grey, no transparency. An error
    /// says what could not be converted.
    pub fn convert(&self, lo: &mut Document) -> Result<(), String> {
        let ids: Vec<ObjectId> = lo.objects.keys().copied().collect();
        for id in &ids {
            let Ok(Object::Stream(s)) = lo.get_object(*id) else {
                continue;
            };
            if subtype(&s.dict) == Some(b"Image")
                && let Some(new) = self.image(lo, s)?
            {
                lo.objects.insert(*id, Object::Stream(new));
            }
        }
        // Content streams: each page's (its resources perhaps inherited)
        // and each form's.
        for (_, page) in lo.get_pages() {
            let resources = page_resources(lo, page);
            let contents: Vec<ObjectId> = lo.get_page_contents(page);
            for c in contents {
                self.rewrite(lo, c, &resources)?;
            }
            if let Ok(d) = lo.get_dictionary_mut(page) {
                d.remove(b"Group");
            }
        }
        for id in &ids {
            let Ok(Object::Stream(s)) = lo.get_object(*id) else {
                continue;
            };
            if subtype(&s.dict) == Some(b"Form") {
                let resources = match s.dict.get(b"Resources") {
                    Ok(r) => resolve_dict(lo, r).unwrap_or_default(),
                    Err(_) => Dictionary::new(),
                };
                self.rewrite(lo, *id, &resources)?;
                if let Ok(Object::Stream(s)) = lo.get_object_mut(*id) {
                    s.dict.remove(b"Group");
                }
            }
        }
        // The graphics states' opacity, blend mode and soft mask: all
        // at their defaults now (anything else was refused above).
        for obj in lo.objects.values_mut() {
            if let Object::Dictionary(d) = obj
                && (d.has(b"CA") || d.has(b"ca") || d.has(b"SMask") || d.has(b"BM"))
                && !d.has(b"Subtype")
            {
                for key in [&b"CA"[..], b"ca", b"SMask", b"BM", b"AIS"] {
                    d.remove(key);
                }
            }
        }
        Ok(())
    }

    /// The image in CMYK or grey, or `None` when it is so already.
    fn image(&self, lo: &Document, s: &Stream) -> Result<Option<Stream>, String> {
        let d = &s.dict;
        if d.get(b"ImageMask")
            .and_then(Object::as_bool)
            .unwrap_or(false)
        {
            return Ok(None);
        }
        let space = colour_space(lo, d.get(b"ColorSpace").ok())?;
        let mask = match d.get(b"SMask") {
            Ok(Object::Reference(r)) => Some(*r),
            _ => None,
        };
        let width = int(d, b"Width")?;
        let height = int(d, b"Height")?;
        match (&space, mask) {
            (Space::Gray | Space::Cmyk, None) => {
                // Perhaps an ICC-based space of one or four components:
                // the device space the output intent defines.
                let mut s = s.clone();
                s.dict.set("ColorSpace", space.device());
                return Ok(Some(s));
            }
            (Space::Indexed { base, hival, table }, None) if **base == Space::Rgb => {
                let mut s = s.clone();
                let cmyk = self.pixels(table)?;
                s.dict.set(
                    "ColorSpace",
                    Object::Array(vec![
                        name("Indexed"),
                        name("DeviceCMYK"),
                        Object::Integer(*hival),
                        Object::String(cmyk, lopdf::StringFormat::Hexadecimal),
                    ]),
                );
                return Ok(Some(s));
            }
            (Space::Indexed { base, .. }, None) if **base != Space::Rgb => {
                let mut s = s.clone();
                if let Space::Indexed { hival, table, .. } = &space {
                    s.dict.set(
                        "ColorSpace",
                        Object::Array(vec![
                            name("Indexed"),
                            base.device(),
                            Object::Integer(*hival),
                            Object::String(table.clone(), lopdf::StringFormat::Hexadecimal),
                        ]),
                    );
                }
                return Ok(Some(s));
            }
            _ => {}
        }
        // Decoded, flattened onto white, converted.
        let samples = samples(s, &space, width, height)?;
        let alpha = match mask {
            Some(m) => {
                let ms = lo
                    .get_object(m)
                    .and_then(Object::as_stream)
                    .map_err(|_| "a picture's soft mask is missing".to_string())?;
                let a = samples_of(ms, 1, width, height, true)
                    .map_err(|e| format!("a picture's soft mask: {e}"))?;
                Some(a)
            }
            None => None,
        };
        let channels = space.channels();
        let mut flat = samples;
        if let Some(a) = &alpha {
            for (px, &a) in flat.chunks_exact_mut(channels).zip(a.iter()) {
                for c in px.iter_mut() {
                    // Over white (255 in grey and RGB; 0 ink in CMYK).
                    let paper = if channels == 4 { 0 } else { 255 };
                    *c = ((u32::from(*c) * u32::from(a) + paper * (255 - u32::from(a)) + 127) / 255)
                        as u8;
                }
            }
        }
        let (data, device) = match channels {
            1 => (flat, "DeviceGray"),
            3 => (self.pixels(&flat)?, "DeviceCMYK"),
            _ => (flat, "DeviceCMYK"),
        };
        let mut dict = Dictionary::new();
        dict.set("Type", name("XObject"));
        dict.set("Subtype", name("Image"));
        dict.set("Width", Object::Integer(width as i64));
        dict.set("Height", Object::Integer(height as i64));
        dict.set("ColorSpace", name(device));
        dict.set("BitsPerComponent", Object::Integer(8));
        if let Ok(i) = d.get(b"Interpolate") {
            dict.set("Interpolate", i.clone());
        }
        let mut out = Stream::new(dict, data);
        out.compress()
            .map_err(|e| format!("compressing a picture: {e}"))?;
        Ok(Some(out))
    }

    /// Rewrites the content stream `id`: RGB colours to CMYK, paint that
    /// an opacity of 0 hides left undrawn. Refuses what X-1a cannot say.
    fn rewrite(
        &self,
        lo: &mut Document,
        id: ObjectId,
        resources: &Dictionary,
    ) -> Result<(), String> {
        let Ok(Object::Stream(s)) = lo.get_object(id) else {
            return Ok(());
        };
        let data = if s.dict.has(b"Filter") {
            s.decompressed_content()
                .map_err(|e| format!("reading a content stream: {e}"))?
        } else {
            s.content.clone()
        };
        // Pages with nothing to convert are left byte for byte.
        if !may_need(&data) {
            return Ok(());
        }
        let content =
            Content::decode(&data).map_err(|e| format!("reading a content stream: {e}"))?;
        let spaces = resources
            .get(b"ColorSpace")
            .ok()
            .and_then(|c| resolve_dict(lo, c))
            .unwrap_or_default();
        let states = resources
            .get(b"ExtGState")
            .ok()
            .and_then(|c| resolve_dict(lo, c))
            .unwrap_or_default();
        let mut state = Paint::default();
        let mut saved: Vec<Paint> = Vec::new();
        let mut out: Vec<Operation> = Vec::with_capacity(content.operations.len());
        for op in content.operations {
            let o = op.operator.as_str();
            match o {
                "q" => saved.push(state),
                "Q" => state = saved.pop().unwrap_or_default(),
                "rg" | "RG" => {
                    let rgb = numbers(&op.operands, 3)?;
                    let k = self.colour([rgb[0], rgb[1], rgb[2]])?;
                    out.push(Operation::new(
                        if o == "rg" { "k" } else { "K" },
                        k.iter().map(|&v| real(v)).collect(),
                    ));
                    continue;
                }
                "cs" | "CS" => {
                    let n = op
                        .operands
                        .first()
                        .and_then(|n| n.as_name().ok())
                        .ok_or("a colour space without a name")?;
                    let space = match n {
                        b"DeviceRGB" | b"RGB" => Space::Rgb,
                        b"DeviceGray" | b"G" => Space::Gray,
                        b"DeviceCMYK" | b"CMYK" => Space::Cmyk,
                        b"Pattern" => return Err("a gradient or pattern fill".into()),
                        other => colour_space(lo, spaces.get(other).ok())?,
                    };
                    if matches!(space, Space::Indexed { .. }) {
                        return Err("an indexed colour in a drawing".into());
                    }
                    if o == "cs" {
                        state.fill = space.channels() as u8;
                    } else {
                        state.stroke = space.channels() as u8;
                    }
                    out.push(Operation::new(o, vec![space.device()]));
                    continue;
                }
                "sc" | "scn" | "SC" | "SCN" => {
                    let channels = if o.starts_with('s') {
                        state.fill
                    } else {
                        state.stroke
                    };
                    if op.operands.iter().any(|v| v.as_name().is_ok()) {
                        return Err("a gradient or pattern fill".into());
                    }
                    if channels == 3 {
                        let rgb = numbers(&op.operands, 3)?;
                        let k = self.colour([rgb[0], rgb[1], rgb[2]])?;
                        out.push(Operation::new(o, k.iter().map(|&v| real(v)).collect()));
                        continue;
                    }
                }
                "gs" => {
                    let n = op
                        .operands
                        .first()
                        .and_then(|n| n.as_name().ok())
                        .ok_or("a graphics state without a name")?;
                    let gs = states
                        .get(n)
                        .ok()
                        .and_then(|g| resolve_dict(lo, g))
                        .ok_or("a graphics state that is not there")?;
                    if let Some(v) = opacity(&gs, b"CA")? {
                        state.no_stroke = v == 0.0;
                    }
                    if let Some(v) = opacity(&gs, b"ca")? {
                        state.no_fill = v == 0.0;
                    }
                    match gs.get(b"SMask") {
                        Ok(Object::Name(n)) if n == b"None" => {}
                        Ok(_) => return Err("a soft mask".into()),
                        Err(_) => {}
                    }
                    match gs.get(b"BM").and_then(Object::as_name) {
                        Ok(b"Normal" | b"Compatible") | Err(_) => {}
                        Ok(_) => return Err("a blend mode".into()),
                    }
                }
                "sh" => return Err("a gradient".into()),
                "BI" | "ID" | "EI" => return Err("an inline picture".into()),
                "S" | "s" if state.no_stroke => {
                    out.push(Operation::new("n", vec![]));
                    continue;
                }
                "f" | "F" | "f*" if state.no_fill => {
                    out.push(Operation::new("n", vec![]));
                    continue;
                }
                "B" | "B*" | "b" | "b*" if state.no_fill || state.no_stroke => {
                    let even_odd = o.ends_with('*');
                    let closed = o.starts_with('b');
                    let new = match (state.no_fill, state.no_stroke) {
                        (true, true) => "n",
                        (true, false) if closed => "s",
                        (true, false) => "S",
                        (false, _) if even_odd => "f*",
                        (false, _) => "f",
                    };
                    out.push(Operation::new(new, vec![]));
                    continue;
                }
                "Tj" | "TJ" | "'" | "\"" | "Do" if state.no_fill => {
                    return Err("text or a picture at an opacity of 0".into());
                }
                _ => {}
            }
            out.push(op);
        }
        let bytes = Content { operations: out }
            .encode()
            .map_err(|e| format!("writing a content stream: {e}"))?;
        // Every colour is set in a device space by name now: the named
        // spaces (ICC-based RGB) the resources define go.
        let mut shared = None;
        if let Ok(Object::Stream(s)) = lo.get_object_mut(id) {
            s.dict.remove(b"Filter");
            s.dict.remove(b"DecodeParms");
            s.set_plain_content(bytes);
            let _ = s.compress();
            match s.dict.get_mut(b"Resources") {
                Ok(Object::Dictionary(r)) => {
                    r.remove(b"ColorSpace");
                }
                Ok(Object::Reference(r)) => shared = Some(*r),
                _ => {}
            }
        }
        if let Some(r) = shared
            && let Ok(d) = lo.get_dictionary_mut(r)
        {
            d.remove(b"ColorSpace");
        }
        Ok(())
    }
}

/// Whether a content stream has any operator this module changes: the
/// pages Quire sets itself have none and are left as they are.
fn may_need(data: &[u8]) -> bool {
    const OPS: [&[u8]; 11] = [
        b"rg", b"RG", b"cs", b"CS", b"sc", b"SC", b"scn", b"SCN", b"gs", b"sh", b"BI",
    ];
    data.split(|b| b.is_ascii_whitespace())
        .any(|w| OPS.contains(&w))
}

/// The paint state a content stream is in: how many components its fill
/// and stroke colours have, and whether an opacity of 0 hides them.
#[derive(Clone, Copy)]
struct Paint {
    fill: u8,
    stroke: u8,
    no_fill: bool,
    no_stroke: bool,
}

impl Default for Paint {
    fn default() -> Paint {
        Paint {
            fill: 1,
            stroke: 1,
            no_fill: false,
            no_stroke: false,
        }
    }
}

/// A colour space as X-1a sees it.
#[derive(Debug, PartialEq)]
enum Space {
    Gray,
    Rgb,
    Cmyk,
    Indexed {
        base: Box<Space>,
        hival: i64,
        table: Vec<u8>,
    },
}

impl Space {
    fn channels(&self) -> usize {
        match self {
            Space::Gray | Space::Indexed { .. } => 1,
            Space::Rgb => 3,
            Space::Cmyk => 4,
        }
    }

    /// The device space X-1a allows in its place (RGB becomes CMYK).
    fn device(&self) -> Object {
        name(match self {
            Space::Gray => "DeviceGray",
            _ => "DeviceCMYK",
        })
    }
}

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

fn real(v: f32) -> Object {
    Object::Real((v * 10_000.0).round() / 10_000.0)
}

fn subtype(d: &Dictionary) -> Option<&[u8]> {
    d.get(b"Subtype").and_then(Object::as_name).ok()
}

fn int(d: &Dictionary, key: &[u8]) -> Result<usize, String> {
    d.get(key)
        .and_then(Object::as_i64)
        .ok()
        .and_then(|v| usize::try_from(v).ok())
        .ok_or_else(|| format!("a picture without {}", String::from_utf8_lossy(key)))
}

fn numbers(operands: &[Object], n: usize) -> Result<Vec<f32>, String> {
    let v: Vec<f32> = operands.iter().filter_map(|o| o.as_float().ok()).collect();
    if v.len() == n {
        Ok(v)
    } else {
        Err("a colour with the wrong number of components".into())
    }
}

/// An opacity in a graphics state: 1 and 0 are what X-1a can say.
fn opacity(gs: &Dictionary, key: &[u8]) -> Result<Option<f32>, String> {
    match gs.get(key).and_then(Object::as_float) {
        Ok(v) if v >= 0.999 => Ok(Some(1.0)),
        Ok(v) if v <= 0.001 => Ok(Some(0.0)),
        Ok(v) => Err(format!("an opacity of {v:.2}")),
        Err(_) => Ok(None),
    }
}

fn resolve<'a>(lo: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(r) => lo.get_object(*r).unwrap_or(&Object::Null),
        other => other,
    }
}

fn resolve_dict(lo: &Document, o: &Object) -> Option<Dictionary> {
    match resolve(lo, o) {
        Object::Dictionary(d) => Some(d.clone()),
        Object::Stream(s) => Some(s.dict.clone()),
        _ => None,
    }
}

/// A page's resources, from the page or the page tree above it.
fn page_resources(lo: &Document, page: ObjectId) -> Dictionary {
    let mut at = Some(page);
    while let Some(id) = at {
        let Ok(d) = lo.get_dictionary(id) else {
            break;
        };
        if let Ok(r) = d.get(b"Resources") {
            return resolve_dict(lo, r).unwrap_or_default();
        }
        at = d.get(b"Parent").and_then(Object::as_reference).ok();
    }
    Dictionary::new()
}

/// Classifies a colour space object (a name, or an array such as
/// `[/ICCBased 12 0 R]` or `[/Indexed /DeviceRGB 255 <…>]`).
fn colour_space(lo: &Document, o: Option<&Object>) -> Result<Space, String> {
    let Some(o) = o else {
        return Err("a picture without a colour space".into());
    };
    match resolve(lo, o) {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" => Ok(Space::Gray),
            b"DeviceRGB" | b"CalRGB" => Ok(Space::Rgb),
            b"DeviceCMYK" => Ok(Space::Cmyk),
            other => Err(format!(
                "the colour space {}",
                String::from_utf8_lossy(other)
            )),
        },
        Object::Array(a) => {
            let kind = a.first().and_then(|k| k.as_name().ok()).unwrap_or(b"");
            match kind {
                b"ICCBased" => {
                    let n = a
                        .get(1)
                        .map(|s| resolve(lo, s))
                        .and_then(|s| s.as_stream().ok())
                        .and_then(|s| s.dict.get(b"N").and_then(Object::as_i64).ok());
                    match n {
                        Some(1) => Ok(Space::Gray),
                        Some(3) => Ok(Space::Rgb),
                        Some(4) => Ok(Space::Cmyk),
                        _ => Err("an ICC colour space of an unknown kind".into()),
                    }
                }
                b"CalRGB" | b"Lab" if kind == b"CalRGB" => Ok(Space::Rgb),
                b"CalGray" => Ok(Space::Gray),
                b"Indexed" => {
                    let base = colour_space(lo, a.get(1))?;
                    let hival = a.get(2).and_then(|h| h.as_i64().ok()).unwrap_or(0);
                    let table = match a.get(3).map(|t| resolve(lo, t)) {
                        Some(Object::String(s, _)) => s.clone(),
                        Some(Object::Stream(s)) => s
                            .decompressed_content()
                            .unwrap_or_else(|_| s.content.clone()),
                        _ => return Err("a palette without its colours".into()),
                    };
                    let want = (hival as usize + 1) * base.channels();
                    if table.len() < want {
                        return Err("a palette shorter than it says".into());
                    }
                    Ok(Space::Indexed {
                        base: Box::new(base),
                        hival,
                        table: table[..want].to_vec(),
                    })
                }
                other => Err(format!(
                    "the colour space {}",
                    String::from_utf8_lossy(other)
                )),
            }
        }
        _ => Err("a colour space that is not there".into()),
    }
}

/// A picture's samples as 8-bit values, `space`'s channels a pixel (an
/// indexed picture looked up in its palette).
fn samples(s: &Stream, space: &Space, width: usize, height: usize) -> Result<Vec<u8>, String> {
    if let Space::Indexed { base, table, .. } = space {
        let indices = samples_of(s, 1, width, height, false)?;
        let n = base.channels();
        let mut out = Vec::with_capacity(indices.len() * n);
        for i in indices {
            let at = usize::from(i) * n;
            out.extend_from_slice(
                table
                    .get(at..at + n)
                    .ok_or("a palette index past its end")?,
            );
        }
        return Ok(out);
    }
    samples_of(s, space.channels(), width, height, true)
}

/// 8-bit samples, `channels` a pixel, from a stream compressed with Flate
/// or JPEG (or not at all); samples of fewer bits spread over 0–255 when
/// `spread` (grey), kept as they are when not (palette indices).
fn samples_of(
    s: &Stream,
    channels: usize,
    width: usize,
    height: usize,
    spread: bool,
) -> Result<Vec<u8>, String> {
    let bits = s
        .dict
        .get(b"BitsPerComponent")
        .and_then(Object::as_i64)
        .unwrap_or(8);
    let filter = s.dict.get(b"Filter").ok().map(|f| match f {
        Object::Array(a) if a.len() == 1 => a[0].clone(),
        other => other.clone(),
    });
    let data = match filter.as_ref().and_then(|f| f.as_name().ok()) {
        Some(b"DCTDecode") => {
            let img = image::load_from_memory_with_format(&s.content, image::ImageFormat::Jpeg)
                .map_err(|e| format!("a JPEG: {e}"))?;
            match channels {
                1 => img.to_luma8().into_raw(),
                3 => img.to_rgb8().into_raw(),
                _ => return Err("a CMYK JPEG with a soft mask".into()),
            }
        }
        Some(b"FlateDecode") => s
            .decompressed_content()
            .map_err(|e| format!("a compressed picture: {e}"))?,
        None => s.content.clone(),
        Some(other) => {
            return Err(format!(
                "a picture compressed with {}",
                String::from_utf8_lossy(other)
            ));
        }
    };
    let pixels = width * height;
    match bits {
        8 => {}
        1 | 2 | 4 if channels == 1 => {
            return Ok(unpack(&data, bits as usize, width, height, spread));
        }
        16 if data.len() >= pixels * channels * 2 => {
            return Ok(data
                .chunks_exact(2)
                .map(|c| c[0])
                .take(pixels * channels)
                .collect());
        }
        _ => return Err(format!("a picture of {bits} bits a sample")),
    }
    if data.len() < pixels * channels {
        return Err("a picture with fewer samples than pixels".into());
    }
    let mut data = data;
    data.truncate(pixels * channels);
    Ok(data)
}

/// Samples of 1, 2 or 4 bits (rows padded to whole bytes) as bytes,
/// spread over 0–255 or not.
fn unpack(data: &[u8], bits: usize, width: usize, height: usize, spread: bool) -> Vec<u8> {
    let row = (width * bits).div_ceil(8);
    let max = (1u32 << bits) - 1;
    let mut out = Vec::with_capacity(width * height);
    for r in 0..height {
        let line = data.get(r * row..(r + 1) * row).unwrap_or(&[]);
        for x in 0..width {
            let bit = x * bits;
            let byte = line.get(bit / 8).copied().unwrap_or(0);
            let v = (u32::from(byte) >> (8 - bits - bit % 8)) & max;
            out.push(if spread { v * 255 / max } else { v } as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn black_is_held_under_the_ink_limit() {
        let press = Press::new(2.4);
        let k = press
            .pixels(&[0, 0, 0, 255, 255, 255, 200, 30, 30])
            .unwrap();
        for px in k.chunks(4) {
            let total: u32 = px.iter().map(|&v| u32::from(v)).sum();
            assert!(total <= 612, "{px:?}");
        }
        // Black stays black, white stays paper.
        assert_eq!(k[3], 255);
        assert_eq!(&k[4..8], &[0, 0, 0, 0]);
    }
}
