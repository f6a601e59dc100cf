//! Images: identify, validate and (later) convert the pictures a book uses.
//!
//! Renderers and the model call this service; it never calls them.

use std::io::Read;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub media_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Reads an image's header: its real format (by content, not by name) and
/// its size in pixels. A file whose content is not the image its name says
/// is an error, as is one that cannot be decoded that far.
pub fn probe(path: &Path) -> Result<ImageInfo, String> {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(512).read_to_end(&mut head))
        .map_err(|e| format!("cannot read it: {e}"))?;
    if head.is_empty() {
        return Err("the file is empty".into());
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext == "svg" {
        let text = String::from_utf8_lossy(&head);
        if !text.contains("<svg") && !text.trim_start().starts_with("<?xml") {
            return Err("the file is named .svg but is not SVG".into());
        }
        return Ok(ImageInfo {
            media_type: "image/svg+xml",
            width: 0,
            height: 0,
        });
    }
    let format =
        image::guess_format(&head).map_err(|_| "not a PNG, JPEG, GIF or WebP image".to_string())?;
    let media_type = match format {
        image::ImageFormat::Png => "image/png",
        image::ImageFormat::Jpeg => "image/jpeg",
        image::ImageFormat::Gif => "image/gif",
        image::ImageFormat::WebP => "image/webp",
        other => {
            return Err(format!(
                "{other:?} images are not supported; convert it to PNG or JPEG"
            ));
        }
    };
    let expected: &[&str] = match format {
        image::ImageFormat::Png => &["png"],
        image::ImageFormat::Jpeg => &["jpg", "jpeg"],
        image::ImageFormat::Gif => &["gif"],
        image::ImageFormat::WebP => &["webp"],
        _ => &[],
    };
    if !expected.contains(&ext.as_str()) {
        return Err(format!(
            "the file is named .{ext} but holds a {} image; rename it to .{}",
            media_type.trim_start_matches("image/").to_uppercase(),
            expected.first().copied().unwrap_or("png")
        ));
    }
    let reader = image::ImageReader::open(path)
        .map_err(|e| format!("cannot read it: {e}"))?
        .with_guessed_format()
        .map_err(|e| format!("cannot read it: {e}"))?;
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| format!("damaged or truncated image: {e}"))?;
    if width == 0 || height == 0 {
        return Err("the image has no pixels".into());
    }
    Ok(ImageInfo {
        media_type,
        width,
        height,
    })
}
