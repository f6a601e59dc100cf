//! Images: identify, validate and convert the pictures a book uses, for
//! both renderers. Renderers and the model call this service; it never
//! calls them.
//!
//! Authors hand over whatever they have: a TIFF from a designer, a phone
//! photo with an EXIF rotation, a CMYK JPEG from a print shop, a PNG with
//! transparency, a WebP from the web. Everything is identified by its
//! content, decoded once to prove it whole, and then given to each format
//! in the form that format wants.

pub mod cover;
pub mod svg;

use crate::diagnostics::{Code, Problem};
use image::{DynamicImage, ImageDecoder, ImageFormat, metadata::Orientation};
use serde::Serialize;
use std::io::Cursor;
use std::path::Path;

/// What reading an image found out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageInfo {
    /// The media type of the file as it is.
    pub media_type: &'static str,
    /// Size in pixels as the image is meant to be seen (EXIF rotation applied).
    pub width: u32,
    pub height: u32,
    /// EXIF orientation, 1 (as stored) to 8.
    pub orientation: u8,
    /// A JPEG with four colour components (CMYK or YCCK).
    pub cmyk: bool,
    /// Some pixel may be less than opaque: for PNG, the file has an alpha
    /// channel or a transparent colour (whether a pixel uses it is found
    /// when it is decoded); for other formats, a pixel is.
    pub alpha: bool,
    /// For an SVG: what was removed to make it safe (see [`svg`]).
    #[serde(skip)]
    pub svg_removed: Vec<String>,
}

fn format_name(f: ImageFormat) -> &'static str {
    match f {
        ImageFormat::Png => "PNG",
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::Gif => "GIF",
        ImageFormat::WebP => "WebP",
        ImageFormat::Tiff => "TIFF",
        ImageFormat::Bmp => "BMP",
        _ => "unsupported",
    }
}

fn extensions(f: ImageFormat) -> &'static [&'static str] {
    match f {
        ImageFormat::Png => &["png"],
        ImageFormat::Jpeg => &["jpg", "jpeg", "jpe"],
        ImageFormat::Gif => &["gif"],
        ImageFormat::WebP => &["webp"],
        ImageFormat::Tiff => &["tif", "tiff"],
        ImageFormat::Bmp => &["bmp", "dib"],
        _ => &[],
    }
}

pub fn media_type(f: ImageFormat) -> &'static str {
    match f {
        ImageFormat::Png => "image/png",
        ImageFormat::Jpeg => "image/jpeg",
        ImageFormat::Gif => "image/gif",
        ImageFormat::WebP => "image/webp",
        ImageFormat::Tiff => "image/tiff",
        ImageFormat::Bmp => "image/bmp",
        _ => "application/octet-stream",
    }
}

/// Reads an image file: its real format (by content, not by name), its
/// size, orientation and colour model, and proves it whole, so that a
/// damaged or truncated file is caught here, with the manuscript line that
/// names it, and not halfway through writing a book. PNG and JPEG, most
/// of what books hold, are read from their headers and checked by their
/// structure (every PNG chunk's checksum and its end chunk; a JPEG's end
/// marker after its scan), without decoding a pixel: they usually go into
/// both formats as they are. Other formats are decoded whole. The size is
/// read from the header first: an image over `max_pixels` is refused
/// before a byte of it is decoded (a 30,000 × 30,000 PNG is 2.7 MB on disk
/// and 3.6 GB decoded).
pub fn probe(path: &Path, max_pixels: u64) -> Result<ImageInfo, Problem> {
    let data = crate::files::read_limited(path, crate::limits::IMAGE_BYTES)?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    probe_bytes(&data, &ext, max_pixels)
}

fn invalid(message: impl Into<String>) -> Problem {
    Problem::new(Code::ImageInvalid, message)
}

pub fn probe_bytes(data: &[u8], ext: &str, max_pixels: u64) -> Result<ImageInfo, Problem> {
    if data.is_empty() {
        return Err(invalid("the file is empty"));
    }
    if ext == "svg" {
        let svg = svg::sanitize(data)?;
        return Ok(ImageInfo {
            media_type: "image/svg+xml",
            width: svg.width,
            height: svg.height,
            orientation: 1,
            cmyk: false,
            alpha: true,
            svg_removed: svg.removed,
        });
    }
    let format = image::guess_format(data).map_err(|_| {
        invalid("not an image Quire can read").help("use PNG, JPEG, GIF, WebP, TIFF, BMP or SVG")
    })?;
    let name = format_name(format);
    if name == "unsupported" {
        return Err(invalid(format!("{format:?} images are not supported"))
            .help("convert it to PNG or JPEG"));
    }
    if !extensions(format).contains(&ext) {
        return Err(
            invalid(format!("the file is named .{ext} but holds a {name} image"))
                .help(format!("rename it to .{}", extensions(format)[0])),
        );
    }
    let mut decoder = image::ImageReader::with_format(Cursor::new(data), format)
        .into_decoder()
        .map_err(|e| invalid(format!("damaged {name} image: {e}")))?;
    let (w, h) = decoder.dimensions();
    check_pixels(w, h, max_pixels)?;
    if matches!(format, ImageFormat::Png | ImageFormat::Jpeg) {
        let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
        let alpha = match format {
            ImageFormat::Png => png_layout(data)?.may_be_transparent(),
            _ => {
                // A decoder fills what is missing with grey and says
                // nothing: a picture cut short is refused here.
                if !jpeg_complete(data) {
                    return Err(invalid(
                        "damaged or truncated JPEG image: it ends before its end marker",
                    ));
                }
                false
            }
        };
        if w == 0 || h == 0 {
            return Err(invalid("the image has no pixels"));
        }
        return Ok(info_for(format, w, h, orientation, data, alpha));
    }
    // The decoder may allocate what the image needs and a margin, no more.
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(w as u64 * h as u64 * 16 + (64 << 20));
    decoder
        .set_limits(limits)
        .map_err(|e| invalid(format!("{name} image: {e}")))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder)
        .map_err(|e| invalid(format!("damaged or truncated {name} image: {e}")))?;
    let (w, h) = (img.width(), img.height());
    if w == 0 || h == 0 {
        return Err(invalid("the image has no pixels"));
    }
    let alpha = img.color().has_alpha() && has_transparency(&img);
    Ok(info_for(format, w, h, orientation, data, alpha))
}

fn info_for(
    format: ImageFormat,
    w: u32,
    h: u32,
    orientation: Orientation,
    data: &[u8],
    alpha: bool,
) -> ImageInfo {
    let turned = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    ImageInfo {
        media_type: media_type(format),
        width: if turned { h } else { w },
        height: if turned { w } else { h },
        orientation: exif_number(orientation),
        cmyk: format == ImageFormat::Jpeg && jpeg_components(data) == Some(4),
        alpha,
        svg_removed: Vec::new(),
    }
}

/// A PNG's layout, read from its chunks without inflating a byte.
#[derive(Debug, Clone)]
pub struct PngLayout {
    pub width: u32,
    pub height: u32,
    pub bit_depth: u8,
    /// 0 grey, 2 RGB, 3 palette, 4 grey and alpha, 6 RGBA.
    pub colour: u8,
    pub interlaced: bool,
    /// A tRNS chunk: a transparent colour or palette entries.
    pub transparency: bool,
    /// The PLTE chunk's RGB triples.
    pub palette: std::ops::Range<usize>,
    /// Where the IDAT chunks' data lie; joined they are one zlib stream.
    pub data: Vec<std::ops::Range<usize>>,
}

impl PngLayout {
    pub fn may_be_transparent(&self) -> bool {
        self.transparency || matches!(self.colour, 4 | 6)
    }

    /// The compressed pixel data, the IDAT chunks joined.
    pub fn compressed(&self, png: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.iter().map(|r| r.len()).sum());
        for r in &self.data {
            out.extend_from_slice(&png[r.clone()]);
        }
        out
    }
}

/// Reads a PNG's chunks, checking each one's CRC, that the header comes
/// first and the end chunk last: a truncated or damaged file is refused
/// without decoding it.
pub fn png_layout(png: &[u8]) -> Result<PngLayout, Problem> {
    let damaged = |why: &str| invalid(format!("damaged or truncated PNG image: {why}"));
    if png.len() < 8 || &png[..8] != b"\x89PNG\r\n\x1a\n" {
        return Err(damaged("no PNG signature"));
    }
    let mut at = 8;
    let mut layout: Option<PngLayout> = None;
    loop {
        let Some(head) = png.get(at..at + 8) else {
            return Err(damaged("it ends before its end chunk"));
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
        let body = at + 8..at + 8 + len;
        let Some(crc) = png.get(body.end..body.end + 4) else {
            return Err(damaged("it ends inside a chunk"));
        };
        let want = u32::from_be_bytes([crc[0], crc[1], crc[2], crc[3]]);
        if crc32fast::hash(&png[at + 4..body.end]) != want {
            return Err(damaged(&format!(
                "the {} chunk's checksum is wrong",
                String::from_utf8_lossy(&kind)
            )));
        }
        let data = &png[body.clone()];
        match (&kind, layout.as_mut()) {
            (b"IHDR", None) if len == 13 => {
                layout = Some(PngLayout {
                    width: u32::from_be_bytes([data[0], data[1], data[2], data[3]]),
                    height: u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
                    bit_depth: data[8],
                    colour: data[9],
                    interlaced: data[12] != 0,
                    transparency: false,
                    palette: 0..0,
                    data: Vec::new(),
                });
            }
            (_, None) => return Err(damaged("it does not begin with its header")),
            (b"PLTE", Some(l)) => l.palette = body.clone(),
            (b"tRNS", Some(l)) => l.transparency = true,
            (b"IDAT", Some(l)) => l.data.push(body.clone()),
            (b"IEND", Some(l)) => {
                if l.data.is_empty() {
                    return Err(damaged("it has no image data"));
                }
                return Ok(layout.unwrap_or_else(|| unreachable!()));
            }
            _ => {}
        }
        at = body.end + 4;
    }
}

/// A JPEG's marker segments up to its first scan: (marker, where its
/// FF byte is). Fill bytes (FF FF …) are stepped over one at a time;
/// markers without a length (RST, SOI, TEM) are skipped; the walk ends at
/// the start of scan (included) or the end marker (not).
fn jpeg_markers(data: &[u8]) -> impl Iterator<Item = (u8, usize)> + '_ {
    let mut i = 2;
    std::iter::from_fn(move || {
        while i + 4 <= data.len() {
            if data[i] != 0xFF {
                i += 1;
                continue;
            }
            let marker = data[i + 1];
            if marker == 0xFF {
                i += 1;
                continue;
            }
            if marker == 0x00 || (0xD0..=0xD8).contains(&marker) || marker == 0x01 {
                i += 2;
                continue;
            }
            if marker == 0xD9 {
                return None;
            }
            let at = i;
            let len = u16::from_be_bytes([data[i + 2], data[i + 3]]) as usize;
            // Nothing after the scan's header is a segment.
            i = if marker == 0xDA {
                data.len()
            } else {
                i + 2 + len
            };
            return Some((marker, at));
        }
        None
    })
}

/// Whether a JPEG goes on to its end marker after its first scan (a
/// truncated download stops inside the scan). Inside entropy-coded data a
/// 0xFF byte is always followed by 0x00 or a restart marker, so FF D9 can
/// only be the end.
fn jpeg_complete(data: &[u8]) -> bool {
    jpeg_markers(data)
        .find(|&(m, _)| m == 0xDA)
        .is_some_and(|(_, at)| data[at..].windows(2).rev().any(|w| w == [0xFF, 0xD9]))
}

/// Whether any pixel is less than opaque, without copying the image.
pub fn has_transparency(img: &DynamicImage) -> bool {
    match img {
        DynamicImage::ImageRgba8(i) => i.pixels().any(|p| p.0[3] != u8::MAX),
        DynamicImage::ImageLumaA8(i) => i.pixels().any(|p| p.0[1] != u8::MAX),
        DynamicImage::ImageRgba16(i) => i.pixels().any(|p| p.0[3] != u16::MAX),
        DynamicImage::ImageLumaA16(i) => i.pixels().any(|p| p.0[1] != u16::MAX),
        other => other.to_rgba8().pixels().any(|p| p.0[3] != u8::MAX),
    }
}

fn check_pixels(w: u32, h: u32, max_pixels: u64) -> Result<(), Problem> {
    let pixels = w as u64 * h as u64;
    if pixels > max_pixels {
        let count = |n: u64| {
            if n >= 1_000_000 {
                format!("{:.0} megapixels", n as f64 / 1e6)
            } else {
                format!("{n} pixels")
            }
        };
        return Err(Problem::new(
            Code::ImageTooLarge,
            format!(
                "the image is {w} × {h} pixels ({}); Quire decodes at most {}",
                count(pixels),
                count(max_pixels)
            ),
        )
        .help("scale it down, or raise `[limits] max-image-pixels` in book.toml"));
    }
    Ok(())
}

fn exif_number(o: Orientation) -> u8 {
    match o {
        Orientation::NoTransforms => 1,
        Orientation::FlipHorizontal => 2,
        Orientation::Rotate180 => 3,
        Orientation::FlipVertical => 4,
        Orientation::Rotate90FlipH => 5,
        Orientation::Rotate90 => 6,
        Orientation::Rotate270FlipH => 7,
        Orientation::Rotate270 => 8,
    }
}

/// Width, height and component count from a JPEG's start-of-frame marker.
pub fn jpeg_frame(data: &[u8]) -> Option<(u32, u32, u8)> {
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    let (_, i) = jpeg_markers(data)
        .find(|&(m, _)| (0xC0..=0xCF).contains(&m) && !matches!(m, 0xC4 | 0xC8 | 0xCC))?;
    let f = data.get(i + 5..i + 10)?;
    let h = u16::from_be_bytes([f[0], f[1]]) as u32;
    let w = u16::from_be_bytes([f[2], f[3]]) as u32;
    Some((w, h, f[4]))
}

fn jpeg_components(data: &[u8]) -> Option<u8> {
    jpeg_frame(data).map(|f| f.2)
}

/// The image decoded, turned the way it is meant to be seen.
pub fn decode(data: &[u8]) -> Result<DynamicImage, Problem> {
    let format = image::guess_format(data).map_err(|e| invalid(e.to_string()))?;
    let mut decoder = image::ImageReader::with_format(Cursor::new(data), format)
        .into_decoder()
        .map_err(|e| invalid(e.to_string()))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| invalid(e.to_string()))?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// An image as the EPUB carries it.
pub struct EpubImage {
    pub data: Vec<u8>,
    pub media_type: &'static str,
    /// File extension for its name in the EPUB.
    pub ext: &'static str,
}

/// Reading systems are phones and e-ink tablets: four megapixels is more
/// than any of them shows (2048 × 2048, or a 1600 × 2560 cover).
pub const EPUB_MAX_PIXELS: u64 = 4_194_304;

/// The image in a form every EPUB reading system shows: a core media type
/// (PNG, JPEG, GIF, WebP, SVG), upright, in RGB, and no larger than
/// `max_pixels`. A JPEG that already qualifies goes in untouched.
pub fn for_epub(data: &[u8], info: &ImageInfo, max_pixels: u64) -> Result<EpubImage, Problem> {
    if info.media_type == "image/svg+xml" {
        return Ok(EpubImage {
            data: svg::sanitize(data)?.data,
            media_type: "image/svg+xml",
            ext: "svg",
        });
    }
    let pixels = info.width as u64 * info.height as u64;
    let fits = pixels <= max_pixels || info.media_type == "image/svg+xml";
    let upright = info.orientation == 1;
    let core = matches!(
        info.media_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/svg+xml"
    );
    if fits && upright && core && !info.cmyk {
        let ext = match info.media_type {
            "image/png" => "png",
            "image/jpeg" => "jpg",
            "image/gif" => "gif",
            "image/webp" => "webp",
            _ => "svg",
        };
        return Ok(EpubImage {
            data: data.to_vec(),
            media_type: info.media_type,
            ext,
        });
    }
    // Photographs (JPEG sources) stay JPEG; everything else becomes PNG,
    // which keeps transparency and sharp edges.
    let jpeg = info.media_type == "image/jpeg" && !info.alpha;
    let key = crate::cache::Key::new("epub-image", &[data, &max_pixels.to_le_bytes()]);
    let data = crate::cache::get_or_make("epub-images", &key, || {
        let mut img = decode(data)?;
        if pixels > max_pixels {
            let scale = (max_pixels as f64 / pixels as f64).sqrt();
            let w = ((img.width() as f64 * scale).floor() as u32).max(1);
            let h = ((img.height() as f64 * scale).floor() as u32).max(1);
            img = resize(&img, w, h)?;
        }
        if jpeg {
            encode_jpeg(&img)
        } else {
            encode_png(&img)
        }
    })?;
    Ok(if jpeg {
        EpubImage {
            data,
            media_type: "image/jpeg",
            ext: "jpg",
        }
    } else {
        EpubImage {
            data,
            media_type: "image/png",
            ext: "png",
        }
    })
}

/// The image scaled to `w` × `h` with Lanczos resampling (the sharpest of
/// the filters that do not ring visibly on photographs), in 8-bit RGB or
/// RGBA, transparency weighted as it should be.
pub fn resize(img: &DynamicImage, w: u32, h: u32) -> Result<DynamicImage, Problem> {
    use fast_image_resize as fir;
    let failed = |e: &dyn std::fmt::Display| Problem::new(Code::Internal, format!("resizing: {e}"));
    let alpha = img.color().has_alpha();
    let (src, kind) = if alpha {
        (img.to_rgba8().into_raw(), fir::PixelType::U8x4)
    } else {
        (img.to_rgb8().into_raw(), fir::PixelType::U8x3)
    };
    let src = fir::images::Image::from_vec_u8(img.width(), img.height(), src, kind)
        .map_err(|e| failed(&e))?;
    let mut dst = fir::images::Image::new(w, h, kind);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| failed(&e))?;
    let raw = dst.into_vec();
    let out = if alpha {
        image::RgbaImage::from_raw(w, h, raw).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(w, h, raw).map(DynamicImage::ImageRgb8)
    };
    out.ok_or_else(|| failed(&"the resized image has the wrong size"))
}

pub fn encode_jpeg(img: &DynamicImage) -> Result<Vec<u8>, Problem> {
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    rgb.write_with_encoder(encoder)
        .map_err(|e| Problem::new(Code::Internal, format!("encoding JPEG: {e}")))?;
    Ok(out)
}

pub fn encode_png(img: &DynamicImage) -> Result<Vec<u8>, Problem> {
    let mut out = Vec::new();
    let img = if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.to_rgb8())
    };
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|e| Problem::new(Code::Internal, format!("encoding PNG: {e}")))?;
    Ok(out)
}

/// Reads an image file whole (for renderers), within the same bounds as
/// when it was probed.
pub fn read(path: &Path) -> Result<Vec<u8>, Problem> {
    Ok(crate::files::read_limited(
        path,
        crate::limits::IMAGE_BYTES,
    )?)
}
