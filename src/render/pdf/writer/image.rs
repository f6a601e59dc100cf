//! Images for the PDF: JPEGs go in untouched (DCTDecode), at their full
//! resolution; other formats are decoded to 8-bit samples, compressed,
//! with transparency kept as a soft mask rather than flattened.

use printpdf::{DictItem, ExternalStream, ExternalXObject, Px};
use std::collections::BTreeMap;

/// An image ready to embed, and its soft mask if it has transparency.
pub struct PdfImage {
    pub xobject: ExternalXObject,
    pub width: u32,
    pub height: u32,
    /// 8-bit alpha samples, one per pixel, when the image is not opaque.
    pub alpha: Option<Vec<u8>>,
}

fn name(s: &str) -> DictItem {
    DictItem::Name(s.as_bytes().to_vec())
}

/// Width, height and component count from a JPEG's start-of-frame marker.
fn jpeg_frame(data: &[u8]) -> Option<(u32, u32, u8)> {
    let mut i = 2;
    while i + 9 < data.len() {
        if data[i] != 0xFF {
            i += 1;
            continue;
        }
        let marker = data[i + 1];
        if marker == 0xFF {
            i += 1;
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

/// Whether a 4-component JPEG was written by Adobe software, which stores
/// CMYK inverted (an APP14 "Adobe" marker).
fn adobe_marker(data: &[u8]) -> bool {
    data.windows(7)
        .take(4096)
        .any(|w| w[0] == 0xFF && w[1] == 0xEE && &w[4..7] == b"Ado")
}

pub fn prepare(data: &[u8], media_type: &str) -> Result<PdfImage, String> {
    let mut dict: BTreeMap<String, DictItem> = BTreeMap::new();
    dict.insert("Type".into(), name("XObject"));
    dict.insert("Subtype".into(), name("Image"));
    dict.insert("BitsPerComponent".into(), DictItem::Int(8));
    if media_type == "image/jpeg"
        && let Some((w, h, comps)) = jpeg_frame(data)
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
            xobject: ExternalXObject {
                stream: ExternalStream {
                    dict,
                    content: data.to_vec(),
                    compress: false,
                },
                width: Some(Px(w as usize)),
                height: Some(Px(h as usize)),
                dpi: None,
            },
            width: w,
            height: h,
            alpha: None,
        });
    }
    let img = image::load_from_memory(data).map_err(|e| format!("cannot decode: {e}"))?;
    let (w, h) = (img.width(), img.height());
    let has_alpha = img.color().has_alpha();
    let grey = !img.color().has_color();
    let (samples, space) = if grey {
        (img.to_luma8().into_raw(), "DeviceGray")
    } else {
        (img.to_rgb8().into_raw(), "DeviceRGB")
    };
    let alpha = if has_alpha {
        let a: Vec<u8> = img.to_rgba8().pixels().map(|p| p.0[3]).collect();
        a.iter().any(|&v| v != 255).then_some(a)
    } else {
        None
    };
    dict.insert("Width".into(), DictItem::Int(w as i64));
    dict.insert("Height".into(), DictItem::Int(h as i64));
    dict.insert("ColorSpace".into(), name(space));
    Ok(PdfImage {
        xobject: ExternalXObject {
            stream: ExternalStream {
                dict,
                content: samples,
                compress: true,
            },
            width: Some(Px(w as usize)),
            height: Some(Px(h as usize)),
            dpi: None,
        },
        width: w,
        height: h,
        alpha,
    })
}
