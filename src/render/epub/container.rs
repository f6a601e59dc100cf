//! The EPUB's zip container (OCF), as Quire ships it.
//!
//! epub-builder assembles the book: the container's `META-INF/` files,
//! and every file of the book in reading order. Files it needs only by
//! name and type (pictures, documents, fonts) are handed to it empty; its
//! package documents are superseded by Quire's own (`opf.rs`, `nav.rs`,
//! `ncx.rs`), since epub-builder 0.8's cannot carry the metadata, the
//! landmarks, the page list, MathML properties or a right-to-left spine a
//! book here needs (and its zip interface is not public, so it cannot be
//! handed an archive of ours). `pack` takes its archive entry by entry,
//! gives each the contents Quire has for that name, and writes the zip
//! once more: `mimetype` first and stored, pictures stored, the rest
//! deflated, every entry with one fixed timestamp, so that the same book
//! always gives the same bytes. No entry's text is searched or edited.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// The EPUB: `assembled`'s entries in order, each with the contents
/// `bodies` has for its name, if any.
pub fn pack(
    assembled: &[u8],
    bodies: &BTreeMap<String, &[u8]>,
    modified: i64,
) -> Result<Vec<u8>, String> {
    let mut archive = ZipArchive::new(Cursor::new(assembled))
        .map_err(|e| format!("reading the assembled EPUB: {e}"))?;
    let stamp = zip_time(modified);
    let options = |method| {
        SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(stamp)
            .unix_permissions(0o644)
    };
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let failed = |name: &str, e: &dyn std::fmt::Display| format!("writing {name}: {e}");
    // The OCF container wants `mimetype` first, stored.
    out.start_file("mimetype", options(CompressionMethod::Stored))
        .map_err(|e| failed("mimetype", &e))?;
    out.write_all(b"application/epub+zip")
        .map_err(|e| failed("mimetype", &e))?;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| format!("reading the assembled EPUB: {e}"))?;
        let name = entry.name().to_string();
        if name == "mimetype" {
            continue;
        }
        let mut data = Vec::new();
        let data: &[u8] = match bodies.get(&name) {
            Some(body) => body,
            None => {
                entry
                    .read_to_end(&mut data)
                    .map_err(|e| format!("reading {name}: {e}"))?;
                &data
            }
        };
        let stored = [".jpg", ".png", ".gif", ".webp"]
            .iter()
            .any(|e| name.ends_with(e));
        let method = if stored {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        out.start_file(name.as_str(), options(method))
            .map_err(|e| failed(&name, &e))?;
        out.write_all(data).map_err(|e| failed(&name, &e))?;
    }
    let cursor = out.finish().map_err(|e| failed("the EPUB", &e))?;
    Ok(cursor.into_inner())
}

/// Zip times run from 1980 to 2107; a book dated outside gets the nearest.
fn zip_time(secs: i64) -> DateTime {
    let t = crate::model::metadata::utc(secs);
    let fallback = DateTime::default();
    if t.year() < 1980 {
        return fallback;
    }
    let y = t.year().min(2107) as u16;
    DateTime::from_date_and_time(
        y,
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
    )
    .unwrap_or(fallback)
}
