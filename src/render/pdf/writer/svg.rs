//! SVG figures as vector drawings: the sanitised SVG is parsed (usvg, with
//! the book's own faces for its text) and converted to a PDF form XObject
//! (svg2pdf), which replaces the placeholder the page writer put where the
//! figure goes. The drawing keeps its paths, its text as text, and its
//! embedded pictures; nothing is rasterised.

use crate::diagnostics::{Code, Problem};
use lopdf::{Object, ObjectId};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A converted drawing: a small PDF holding the form XObject (object 1)
/// and everything it uses.
pub struct SvgForm {
    pub pdf: Vec<u8>,
}

/// The form's object number in [`SvgForm::pdf`].
const FORM: i32 = 1;

/// Parses and converts one (already sanitised) SVG.
pub fn convert(data: &[u8], fonts: &crate::fonts::FontSet) -> Result<SvgForm, Problem> {
    let clean = crate::images::svg::sanitize(data)?;
    let mut db = svg2pdf::usvg::fontdb::Database::new();
    for face in &fonts.faces {
        db.load_font_data(face.data.to_vec());
    }
    let family = fonts.text_family().to_string();
    db.set_serif_family(family.clone());
    db.set_sans_serif_family(family.clone());
    db.set_monospace_family(fonts.mono_family().to_string());
    let options = svg2pdf::usvg::Options {
        font_family: family,
        fontdb: Arc::new(db),
        // Only what the sanitiser kept: fragments and embedded pictures.
        resources_dir: None,
        ..svg2pdf::usvg::Options::default()
    };
    let tree = svg2pdf::usvg::Tree::from_data(&clean.data, &options).map_err(|e| {
        Problem::new(Code::SvgInvalid, format!("the SVG cannot be drawn: {e}"))
            .help("open it in an editor and save it again as plain SVG")
    })?;
    let conversion = svg2pdf::ConversionOptions {
        // PDF/A's rules are PDF/X-4's too: no forbidden constructs.
        pdfa: true,
        ..svg2pdf::ConversionOptions::default()
    };
    let (chunk, root) = svg2pdf::to_chunk(&tree, conversion).map_err(|e| {
        Problem::new(
            Code::SvgInvalid,
            format!("the SVG cannot be converted: {e}"),
        )
    })?;
    // A document around the chunk, so that it can be read back as objects:
    // the form first, then the rest, then a catalog with no pages.
    let mut next = 2;
    let mut map = std::collections::HashMap::new();
    map.insert(root, pdf_writer::Ref::new(FORM));
    let chunk = chunk.renumber(|old| {
        *map.entry(old).or_insert_with(|| {
            next += 1;
            pdf_writer::Ref::new(next)
        })
    });
    let mut pdf = pdf_writer::Pdf::new();
    let catalog = pdf_writer::Ref::new(next + 1);
    let pages = pdf_writer::Ref::new(next + 2);
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).count(0);
    pdf.extend(&chunk);
    Ok(SvgForm { pdf: pdf.finish() })
}

/// Replaces each placeholder (by its XObject name on the pages) with its
/// drawing, copying the objects the drawing uses into `lo`.
pub fn attach(
    lo: &mut lopdf::Document,
    targets: BTreeMap<ObjectId, &String>,
    forms: &BTreeMap<String, SvgForm>,
) -> Result<(), String> {
    for (id, name) in targets {
        let form = &forms[name];
        let src = lopdf::Document::load_mem(&form.pdf)
            .map_err(|e| format!("SVG `{name}` could not be read back: {e}"))?;
        let mut copied: BTreeMap<ObjectId, ObjectId> = BTreeMap::new();
        let root = (FORM as u32, 0);
        copied.insert(root, id);
        let object = src
            .get_object(root)
            .map_err(|e| format!("SVG `{name}`: {e}"))?
            .clone();
        let object = copy(&src, lo, object, &mut copied);
        lo.objects.insert(id, object);
    }
    Ok(())
}

/// `object` with every reference in it copied from `src` into `dst`
/// (each object once).
fn copy(
    src: &lopdf::Document,
    dst: &mut lopdf::Document,
    object: Object,
    copied: &mut BTreeMap<ObjectId, ObjectId>,
) -> Object {
    match object {
        Object::Reference(r) => {
            if let Some(&new) = copied.get(&r) {
                return Object::Reference(new);
            }
            let new = dst.new_object_id();
            copied.insert(r, new);
            let inner = src.get_object(r).cloned().unwrap_or(Object::Null);
            let inner = copy(src, dst, inner, copied);
            dst.objects.insert(new, inner);
            Object::Reference(new)
        }
        Object::Array(items) => Object::Array(
            items
                .into_iter()
                .map(|o| copy(src, dst, o, copied))
                .collect(),
        ),
        Object::Dictionary(d) => Object::Dictionary(copy_dict(src, dst, d, copied)),
        Object::Stream(mut s) => {
            s.dict = copy_dict(src, dst, s.dict, copied);
            Object::Stream(s)
        }
        other => other,
    }
}

fn copy_dict(
    src: &lopdf::Document,
    dst: &mut lopdf::Document,
    d: lopdf::Dictionary,
    copied: &mut BTreeMap<ObjectId, ObjectId>,
) -> lopdf::Dictionary {
    // In the order of their keys: the converter writes some dictionaries
    // in hash order, and a book must come out the same every time.
    let mut entries: Vec<(Vec<u8>, Object)> = d.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = lopdf::Dictionary::new();
    for (k, v) in entries {
        out.set(k, copy(src, dst, v, copied));
    }
    out
}
