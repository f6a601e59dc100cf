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

use image::{DynamicImage, ImageDecoder, ImageFormat, metadata::Orientation};
use serde::Serialize;
use std::io::{Cursor, Read};
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
    /// Some pixel is not fully opaque.
    pub alpha: bool,
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
/// size, orientation and colour model; decodes it whole so that a damaged
/// or truncated file is caught here, with the manuscript line that names
/// it, and not halfway through writing a book.
pub fn probe(path: &Path) -> Result<ImageInfo, String> {
    let data = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    probe_bytes(&data, &ext)
}

pub fn probe_bytes(data: &[u8], ext: &str) -> Result<ImageInfo, String> {
    if data.is_empty() {
        return Err("the file is empty".into());
    }
    if ext == "svg" {
        let head = String::from_utf8_lossy(&data[..data.len().min(1024)]);
        if !head.contains("<svg") {
            return Err("the file is named .svg but is not SVG".into());
        }
        return Ok(ImageInfo {
            media_type: "image/svg+xml",
            width: 0,
            height: 0,
            orientation: 1,
            cmyk: false,
            alpha: true,
        });
    }
    let format = image::guess_format(data).map_err(|_| {
        "not an image Quire can read (PNG, JPEG, GIF, WebP, TIFF, BMP or SVG)".to_string()
    })?;
    let name = format_name(format);
    if name == "unsupported" {
        return Err(format!(
            "{format:?} images are not supported; convert it to PNG or JPEG"
        ));
    }
    if !extensions(format).contains(&ext) {
        return Err(format!(
            "the file is named .{ext} but holds a {name} image; rename it to .{}",
            extensions(format)[0]
        ));
    }
    let mut decoder = image::ImageReader::with_format(Cursor::new(data), format)
        .into_decoder()
        .map_err(|e| format!("damaged {name} image: {e}"))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder)
        .map_err(|e| format!("damaged or truncated {name} image: {e}"))?;
    let (w, h) = (img.width(), img.height());
    if w == 0 || h == 0 {
        return Err("the image has no pixels".into());
    }
    let turned = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let alpha = img.color().has_alpha() && img.to_rgba8().pixels().any(|p| p.0[3] != 255);
    Ok(ImageInfo {
        media_type: media_type(format),
        width: if turned { h } else { w },
        height: if turned { w } else { h },
        orientation: exif_number(orientation),
        cmyk: format == ImageFormat::Jpeg && jpeg_components(data) == Some(4),
        alpha,
    })
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
    let mut i = 2;
    while i + 9 < data.len() {
        if data[i] != 0xFF {
            i += 1;
            continue;
        }
        let marker = data[i + 1];
        if marker == 0xFF || marker == 0x00 || (0xD0..=0xD9).contains(&marker) {
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([data[i + 2], data[i + 3]]) as usize;
        // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let h = u16::from_be_bytes([data[i + 5], data[i + 6]]) as u32;
            let w = u16::from_be_bytes([data[i + 7], data[i + 8]]) as u32;
            return Some((w, h, data[i + 9]));
        }
        i += 2 + len;
    }
    None
}

fn jpeg_components(data: &[u8]) -> Option<u8> {
    jpeg_frame(data).map(|f| f.2)
}

/// The image decoded, turned the way it is meant to be seen.
pub fn decode(data: &[u8]) -> Result<DynamicImage, String> {
    let format = image::guess_format(data).map_err(|e| e.to_string())?;
    let mut decoder = image::ImageReader::with_format(Cursor::new(data), format)
        .into_decoder()
        .map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
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
pub fn for_epub(data: &[u8], info: &ImageInfo, max_pixels: u64) -> Result<EpubImage, String> {
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
    let mut img = decode(data)?;
    if pixels > max_pixels {
        // Lanczos resampling: the sharpest of the filters that do not ring
        // visibly on photographs.
        let scale = (max_pixels as f64 / pixels as f64).sqrt();
        let w = ((img.width() as f64 * scale).floor() as u32).max(1);
        let h = ((img.height() as f64 * scale).floor() as u32).max(1);
        img = img.resize_exact(w, h, image::imageops::FilterType::Lanczos3);
    }
    // Photographs (JPEG sources) stay JPEG; everything else becomes PNG,
    // which keeps transparency and sharp edges.
    if info.media_type == "image/jpeg" && !info.alpha {
        Ok(EpubImage {
            data: encode_jpeg(&img)?,
            media_type: "image/jpeg",
            ext: "jpg",
        })
    } else {
        Ok(EpubImage {
            data: encode_png(&img)?,
            media_type: "image/png",
            ext: "png",
        })
    }
}

pub fn encode_jpeg(img: &DynamicImage) -> Result<Vec<u8>, String> {
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    rgb.write_with_encoder(encoder)
        .map_err(|e| format!("encoding JPEG: {e}"))?;
    Ok(out)
}

pub fn encode_png(img: &DynamicImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let img = if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.to_rgb8())
    };
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|e| format!("encoding PNG: {e}"))?;
    Ok(out)
}

/// Reads a file whole (for renderers).
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut data))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(data)
}
