//! The finishing step: epub-builder assembles the book, this rewrites the
//! archive into what we ship.
//!
//! epub-builder (0.8) cannot do several things an EPUB here must do, so
//! they are done here, in one place:
//! - its package metadata gives `dc:language` and `dc:creator` the same id,
//!   knows no ISBN, roles, series, source or accessibility metadata: the
//!   whole `<metadata>` element is replaced by ours;
//! - its nav document has no language and its landmarks come from its own
//!   guess: both are set;
//! - its `toc.ncx` lacks the `dtb:uid` that must match the identifier;
//! - its zip entries carry the current time: every entry is rewritten in
//!   the same order with one fixed timestamp, `mimetype` first and stored,
//!   so the same book always gives the same bytes.

use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

pub struct Finish<'a> {
    /// Documents that hold MathML (their manifest items say so).
    pub mathml: &'a [String],
    /// The complete `<metadata>…</metadata>` element.
    pub metadata: &'a str,
    /// The `<nav epub:type="landmarks">…</nav>` element.
    pub landmarks: &'a str,
    pub language: &'a str,
    /// The book reads right to left: every document says `dir="rtl"` and
    /// the spine turns its pages that way.
    pub rtl: bool,
    pub identifier: &'a str,
    /// Levels in the table of contents, for the NCX's `dtb:depth`.
    pub toc_depth: usize,
    /// Seconds since the Unix epoch for every entry's timestamp.
    pub modified: i64,
    /// The contents of entries that were assembled empty, by name.
    pub bodies: &'a std::collections::BTreeMap<String, &'a [u8]>,
}

pub fn finish(raw: &[u8], f: &Finish) -> Result<Vec<u8>, String> {
    let mut archive =
        ZipArchive::new(Cursor::new(raw)).map_err(|e| format!("reading assembled EPUB: {e}"))?;
    let stamp = zip_time(f.modified);
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let mut names: Vec<String> = (0..archive.len())
        .filter_map(|i| archive.by_index(i).ok().map(|e| e.name().to_string()))
        .collect();
    // The OCF container wants `mimetype` first; keep everything else in
    // the order it was added.
    names.sort_by_key(|n| n != "mimetype");
    for name in names {
        let mut entry = archive
            .by_name(&name)
            .map_err(|e| format!("reading {name}: {e}"))?;
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|e| format!("reading {name}: {e}"))?;
        drop(entry);
        if let Some(body) = f.bodies.get(&name) {
            data = body.to_vec();
        }
        let data = match name.as_str() {
            "OEBPS/content.opf" => package_document(&text(&name, data)?, f)?.into_bytes(),
            "OEBPS/nav.xhtml" => nav_document(&text(&name, data)?, f)?.into_bytes(),
            "OEBPS/toc.ncx" => ncx(&text(&name, data)?, f)?.into_bytes(),
            _ => data,
        };
        let data = if f.rtl && name.ends_with(".xhtml") {
            text(&name, data)?
                .replacen("<html ", "<html dir=\"rtl\" ", 1)
                .into_bytes()
        } else {
            data
        };
        let method = if name == "mimetype"
            || [".jpg", ".png", ".gif", ".webp"]
                .iter()
                .any(|e| name.ends_with(e))
        {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(stamp)
            .unix_permissions(0o644);
        out.start_file(name.as_str(), options)
            .map_err(|e| format!("writing {name}: {e}"))?;
        out.write_all(&data)
            .map_err(|e| format!("writing {name}: {e}"))?;
    }
    let cursor = out.finish().map_err(|e| format!("writing EPUB: {e}"))?;
    Ok(cursor.into_inner())
}

fn text(name: &str, data: Vec<u8>) -> Result<String, String> {
    String::from_utf8(data).map_err(|_| format!("{name} is not UTF-8"))
}

/// Zip times run from 1980 to 2107; a book dated outside gets the nearest.
fn zip_time(secs: i64) -> DateTime {
    let (y, mo, d, h, mi, s) = crate::model::metadata::civil_from_epoch(secs);
    let fallback = DateTime::default();
    if y < 1980 {
        return fallback;
    }
    let y = y.min(2107) as u16;
    DateTime::from_date_and_time(y, mo as u8, d as u8, h as u8, mi as u8, s as u8)
        .unwrap_or(fallback)
}

/// Replaces the text from `start` up to and including `end` by `with`.
fn replace_span(
    doc: &str,
    start: &str,
    end: &str,
    with: &str,
    what: &str,
) -> Result<String, String> {
    let a = doc
        .find(start)
        .ok_or_else(|| format!("{what}: `{start}` not found"))?;
    let b = doc[a..]
        .find(end)
        .ok_or_else(|| format!("{what}: `{end}` not found"))?
        + a
        + end.len();
    Ok(format!("{}{}{}", &doc[..a], with, &doc[b..]))
}

fn package_document(opf: &str, f: &Finish) -> Result<String, String> {
    let mut opf = replace_span(opf, "<metadata", "</metadata>", f.metadata, "content.opf")?;
    for file in f.mathml {
        let needle = format!("href=\"{file}\"");
        if let Some(at) = opf.find(&needle) {
            let item_start = opf[..at].rfind("<item").unwrap_or(at);
            let mut item_end = at + opf[at..].find('>').unwrap_or(0);
            if opf[..item_end].ends_with('/') {
                item_end -= 1;
            }
            let item = opf[item_start..item_end].trim_end();
            let item_end = item_start + item.len();
            let new = if let Some(p) = item.find("properties=\"") {
                let mut s = item.to_string();
                s.insert_str(p + "properties=\"".len(), "mathml ");
                s
            } else {
                format!("{item} properties=\"mathml\"")
            };
            opf.replace_range(item_start..item_end, &new);
        }
    }
    if f.rtl {
        opf = if opf.contains("page-progression-direction=\"ltr\"") {
            opf.replacen(
                "page-progression-direction=\"ltr\"",
                "page-progression-direction=\"rtl\"",
                1,
            )
        } else {
            opf.replacen("<spine", "<spine page-progression-direction=\"rtl\"", 1)
        };
    }
    // The package's language is the book's language.
    Ok(opf.replacen(
        "<package version=\"3.0\"",
        &format!("<package version=\"3.0\" xml:lang=\"{}\"", f.language),
        1,
    ))
}

fn nav_document(nav: &str, f: &Finish) -> Result<String, String> {
    let html_open =
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\">";
    if !nav.contains(html_open) {
        return Err("nav.xhtml: unexpected <html> element".into());
    }
    let nav = nav.replacen(
        html_open,
        &format!(
            "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{0}\" lang=\"{0}\">",
            f.language
        ),
        1,
    );
    replace_span(
        &nav,
        "<nav epub:type = \"landmarks\">",
        "</nav>",
        f.landmarks,
        "nav.xhtml",
    )
}

fn ncx(doc: &str, f: &Finish) -> Result<String, String> {
    if !doc.contains("<head>") {
        return Err("toc.ncx: no <head>".into());
    }
    // epub-builder always says depth 1, whatever the contents hold.
    let doc = doc.replacen(
        "<meta name=\"dtb:depth\" content=\"1\" />",
        &format!("<meta name=\"dtb:depth\" content=\"{}\" />", f.toc_depth),
        1,
    );
    Ok(doc.replacen(
        "<head>",
        &format!(
            "<head>\n    <meta name=\"dtb:uid\" content=\"{}\"/>",
            super::xhtml::escape(f.identifier)
        ),
        1,
    ))
}
