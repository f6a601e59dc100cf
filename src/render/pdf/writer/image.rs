//! Images for the PDF, at their full resolution: JPEGs go in untouched
//! (DCTDecode), turned by the placement matrix when their EXIF says so;
//! other formats are decoded to 8-bit samples (compressed by the writer),
//! with transparency kept as a soft mask rather than flattened.

use crate::diagnostics::{Code, Problem};
use crate::images::{self, ImageInfo};
use printpdf::{DictItem, ExternalStream, ExternalXObject, Px};
use std::collections::BTreeMap;

/// An image ready to embed.
pub struct PdfImage {
    pub xobject: ExternalXObject,
    /// 8-bit alpha samples, one per pixel, zlib-compressed, when the image
    /// is not opaque.
    pub alpha: Option<Vec<u8>>,
    /// Size of the stored samples.
    pub width: u32,
    pub height: u32,
    /// Quarter turns clockwise that show it upright (EXIF 6: 1, 3: 2, 8: 3).
    pub quarter_turns: u8,
}

fn name(s: &str) -> DictItem {
    DictItem::Name(s.as_bytes().to_vec())
}

/// Whether a 4-component JPEG was written by Adobe software, which stores
/// CMYK inverted (an APP14 "Adobe" marker).
fn adobe_marker(data: &[u8]) -> bool {
    data.windows(7)
        .take(65_536)
        .any(|w| w[0] == 0xFF && w[1] == 0xEE && &w[4..7] == b"Ado")
}

fn xobject(
    dict: BTreeMap<String, DictItem>,
    content: Vec<u8>,
    w: u32,
    h: u32,
    compress: bool,
) -> ExternalXObject {
    ExternalXObject {
        stream: ExternalStream {
            dict,
            content,
            compress,
        },
        width: Some(Px(w as usize)),
        height: Some(Px(h as usize)),
        dpi: None,
    }
}

pub fn prepare(data: &[u8], info: &ImageInfo) -> Result<PdfImage, Problem> {
    let mut dict: BTreeMap<String, DictItem> = BTreeMap::new();
    dict.insert("Type".into(), name("XObject"));
    dict.insert("Subtype".into(), name("Image"));
    dict.insert("BitsPerComponent".into(), DictItem::Int(8));
    let turns = match info.orientation {
        1 => Some(0),
        6 => Some(1),
        3 => Some(2),
        8 => Some(3),
        _ => None, // mirrored: decoded and turned below
    };
    if info.media_type == "image/svg+xml" {
        return Err(Problem::new(
            Code::ImageUnsupported,
            "SVG images cannot be placed in the PDF yet",
        )
        .help("convert it to PNG, or build --to epub"));
    }
    if info.media_type == "image/jpeg"
        && let (Some((w, h, comps)), Some(quarter_turns)) = (images::jpeg_frame(data), turns)
    {
        let space = match comps {
            1 => "DeviceGray",
            4 => "DeviceCMYK",
            _ => "DeviceRGB",
        };
        dict.insert("Width".into(), DictItem::Int(w as i64));
        dict.insert("Height".into(), DictItem::Int(h as i64));
        dict.insert("ColorSpace".into(), name(space));
        dict.insert("Filter".into(), name("DCTDecode"));
        if comps == 4 && adobe_marker(data) {
            let decode = [1, 0, 1, 0, 1, 0, 1, 0]
                .iter()
                .map(|&v| DictItem::Int(v))
                .collect();
            dict.insert("Decode".into(), DictItem::Array(decode));
        }
        return Ok(PdfImage {
            xobject: xobject(dict, data.to_vec(), w, h, false),
            alpha: None,
            width: w,
            height: h,
            quarter_turns,
        });
    }
    if info.media_type == "image/png"
        && turns == Some(0)
        && let Ok(png) = images::png_layout(data)
        && let Some(space) = png_space(&png, data)
    {
        // The PNG's own compressed data, undone by the PDF's Flate filter
        // with PNG predictors: no pixel is decoded or compressed again.
        let colours = if png.colour == 2 { 3 } else { 1 };
        let mut parms = BTreeMap::new();
        parms.insert("Predictor".to_string(), DictItem::Int(15));
        parms.insert("Colors".to_string(), DictItem::Int(colours));
        parms.insert(
            "BitsPerComponent".to_string(),
            DictItem::Int(png.bit_depth.into()),
        );
        parms.insert("Columns".to_string(), DictItem::Int(png.width.into()));
        dict.insert("Width".into(), DictItem::Int(png.width.into()));
        dict.insert("Height".into(), DictItem::Int(png.height.into()));
        dict.insert("ColorSpace".into(), space);
        dict.insert(
            "BitsPerComponent".into(),
            DictItem::Int(png.bit_depth.into()),
        );
        dict.insert("Filter".into(), name("FlateDecode"));
        dict.insert("DecodeParms".into(), DictItem::Dict { map: parms });
        return Ok(PdfImage {
            xobject: xobject(dict, png.compressed(data), png.width, png.height, false),
            alpha: None,
            width: png.width,
            height: png.height,
            quarter_turns: 0,
        });
    }
    let d = decoded(data, info)?;
    dict.insert("Width".into(), DictItem::Int(d.width as i64));
    dict.insert("Height".into(), DictItem::Int(d.height as i64));
    dict.insert(
        "ColorSpace".into(),
        name(if d.grey { "DeviceGray" } else { "DeviceRGB" }),
    );
    dict.insert("Filter".into(), name("FlateDecode"));
    Ok(PdfImage {
        xobject: xobject(dict, d.samples, d.width, d.height, false),
        alpha: d.alpha,
        width: d.width,
        height: d.height,
        quarter_turns: 0,
    })
}

/// An image decoded to 8-bit samples, compressed, its alpha apart.
struct Decoded {
    width: u32,
    height: u32,
    grey: bool,
    /// Zlib-compressed samples (grey or RGB).
    samples: Vec<u8>,
    /// Zlib-compressed alpha, when some pixel is less than opaque.
    alpha: Option<Vec<u8>>,
}

/// Decodes what cannot go in as it is stored (alpha, 16 bits, TIFF, a
/// mirrored JPEG…), once: the result is kept in the cache, so a rebuild
/// decodes and compresses nothing.
fn decoded(data: &[u8], info: &ImageInfo) -> Result<Decoded, Problem> {
    let key = crate::cache::Key::new("pdf-image", &[data]);
    let packed = crate::cache::get_or_make("pdf-images", &key, || {
        let img = images::decode(data)?;
        let (w, h) = (img.width(), img.height());
        let grey = !img.color().has_color();
        let samples = if grey {
            img.to_luma8().into_raw()
        } else {
            img.to_rgb8().into_raw()
        };
        let alpha: Option<Vec<u8>> = (info.alpha && images::has_transparency(&img))
            .then(|| img.to_rgba8().pixels().map(|p| p.0[3]).collect());
        drop(img);
        let samples = zlib(&samples)?;
        let alpha = alpha.map(|a| zlib(&a)).transpose()?;
        // width, height, grey, length of samples, samples, alpha.
        let mut out = Vec::with_capacity(samples.len() + alpha.as_ref().map_or(0, Vec::len) + 17);
        out.extend(w.to_le_bytes());
        out.extend(h.to_le_bytes());
        out.push(u8::from(grey));
        out.extend((samples.len() as u64).to_le_bytes());
        out.extend(samples);
        out.extend(alpha.unwrap_or_default());
        Ok::<_, Problem>(out)
    })?;
    let bad = || Problem::new(Code::Internal, "a cached image is malformed");
    let head = packed.get(..17).ok_or_else(bad)?;
    let word = |i: usize| u32::from_le_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
    let len = u64::from_le_bytes(head[9..17].try_into().map_err(|_| bad())?) as usize;
    let samples = packed.get(17..17 + len).ok_or_else(bad)?.to_vec();
    let alpha = packed
        .get(17 + len..)
        .filter(|a| !a.is_empty())
        .map(<[u8]>::to_vec);
    Ok(Decoded {
        width: word(0),
        height: word(4),
        grey: head[8] == 1,
        samples,
        alpha,
    })
}

fn zlib(data: &[u8]) -> Result<Vec<u8>, Problem> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::new(3),
    );
    z.write_all(data)
        .and_then(|_| z.finish())
        .map_err(|e| Problem::new(Code::Internal, format!("compressing an image: {e}")))
}

/// The PDF colour space a PNG's samples can be used in as they are
/// stored: grey (1 to 8 bits), 8-bit RGB, or a palette (as an indexed
/// space), neither interlaced nor with transparency. Anything else (alpha,
/// 16 bits, interlacing) is decoded.
fn png_space(png: &images::PngLayout, data: &[u8]) -> Option<DictItem> {
    if png.interlaced || png.may_be_transparent() {
        return None;
    }
    match (png.colour, png.bit_depth) {
        (0, 1 | 2 | 4 | 8) => Some(name("DeviceGray")),
        (2, 8) => Some(name("DeviceRGB")),
        (3, 1 | 2 | 4 | 8) => {
            let palette = data.get(png.palette.clone())?;
            let entries = palette.len() / 3;
            if entries == 0 || entries > 1 << png.bit_depth {
                return None;
            }
            Some(DictItem::Array(vec![
                name("Indexed"),
                name("DeviceRGB"),
                DictItem::Int(entries as i64 - 1),
                DictItem::String {
                    data: palette[..entries * 3].to_vec(),
                    literal: false,
                },
            ]))
        }
        _ => None,
    }
}

/// An empty form XObject a unit square in size, where an SVG drawing
/// goes once the document is assembled.
pub fn placeholder() -> ExternalXObject {
    let mut dict: BTreeMap<String, DictItem> = BTreeMap::new();
    dict.insert("Type".into(), name("XObject"));
    dict.insert("Subtype".into(), name("Form"));
    dict.insert(
        "BBox".into(),
        DictItem::Array(vec![
            DictItem::Int(0),
            DictItem::Int(0),
            DictItem::Int(1),
            DictItem::Int(1),
        ]),
    );
    xobject(dict, Vec::new(), 1, 1, false)
}

/// The matrix that maps the image's unit square onto the box at (x, y) of
/// `w` × `h` points, turned clockwise by `turns` quarter turns.
pub fn placement(x: f32, y: f32, w: f32, h: f32, turns: u8) -> [f32; 6] {
    match turns % 4 {
        1 => [0.0, -h, w, 0.0, x, y + h],
        2 => [-w, 0.0, 0.0, -h, x + w, y + h],
        3 => [0.0, h, -w, 0.0, x + w, y],
        _ => [w, 0.0, 0.0, h, x, y],
    }
}
