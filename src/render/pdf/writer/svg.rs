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

/// Parses one SVG, sanitised, with the book's faces for its text.
fn parse(data: &[u8], fonts: &crate::fonts::FontSet) -> Result<svg2pdf::usvg::Tree, Problem> {
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
    svg2pdf::usvg::Tree::from_data(&clean.data, &options).map_err(|e| {
        Problem::new(Code::SvgInvalid, format!("the SVG cannot be drawn: {e}"))
            .help("open it in an editor and save it again as plain SVG")
    })
}

/// Parses and converts one SVG. For a PDF/X-1a press file (`press`)
/// the drawing's colours go to CMYK; a drawing X-1a cannot carry as
/// vectors (partly transparent, a gradient…) goes in as a picture, and
/// the second value says why.
pub fn convert(
    data: &[u8],
    fonts: &crate::fonts::FontSet,
    press: Option<super::press::Press>,
) -> Result<(SvgForm, Option<String>), Problem> {
    let tree = parse(data, fonts)?;
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
    let form = SvgForm { pdf: pdf.finish() };
    let Some(press) = press else {
        return Ok((form, None));
    };
    let internal =
        |e: String| Problem::new(Code::Internal, format!("a drawing for the press: {e}"));
    let mut lo = lopdf::Document::load_mem(&form.pdf).map_err(|e| internal(e.to_string()))?;
    match press.convert(&mut lo) {
        Ok(()) => {
            let mut pdf = Vec::new();
            lo.save_to(&mut pdf).map_err(|e| internal(e.to_string()))?;
            Ok((SvgForm { pdf }, None))
        }
        Err(why) => Ok((as_picture(&tree, &lo, press)?, Some(why))),
    }
}

/// Pixels per point a drawing is printed at when it must go in as a
/// picture: 600 dpi, as line art wants.
const PICTURE_SCALE: f32 = 600.0 / 72.0;
/// The most pixels on a side of such a picture.
const PICTURE_SIDE: f32 = 8000.0;

/// The drawing as a CMYK picture filling the form's box, for a press file
/// that cannot carry it as vectors: drawn by resvg on white, converted
/// through the press profile.
fn as_picture(
    tree: &svg2pdf::usvg::Tree,
    vectors: &lopdf::Document,
    press: super::press::Press,
) -> Result<SvgForm, Problem> {
    let internal = |e: String| Problem::new(Code::Internal, format!("a drawing as a picture: {e}"));
    // The converted form's box and matrix: the picture takes its place.
    let form = vectors
        .get_object((FORM as u32, 0))
        .and_then(Object::as_stream)
        .map_err(|e| internal(e.to_string()))?;
    let bbox: Vec<f32> = form
        .dict
        .get(b"BBox")
        .and_then(Object::as_array)
        .map_err(|e| internal(e.to_string()))?
        .iter()
        .filter_map(|v| v.as_float().ok())
        .collect();
    let [x0, y0, x1, y1] = bbox[..] else {
        return Err(internal("a form without a box".into()));
    };
    let size = tree.size();
    let scale = PICTURE_SCALE.min(PICTURE_SIDE / size.width().max(size.height()).max(1.0));
    let (w, h) = (
        (size.width() * scale).ceil().max(1.0) as u32,
        (size.height() * scale).ceil().max(1.0) as u32,
    );
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(w, h).ok_or_else(|| internal("no room".into()))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // Opaque now (drawn on white): the premultiplied samples are the
    // colours.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let cmyk = press.pixels(&rgb).map_err(internal)?;
    let mut lo = lopdf::Document::with_version("1.3");
    let mut image = lopdf::Dictionary::new();
    image.set("Type", Object::Name(b"XObject".to_vec()));
    image.set("Subtype", Object::Name(b"Image".to_vec()));
    image.set("Width", Object::Integer(w.into()));
    image.set("Height", Object::Integer(h.into()));
    image.set("ColorSpace", Object::Name(b"DeviceCMYK".to_vec()));
    image.set("BitsPerComponent", Object::Integer(8));
    let mut image = lopdf::Stream::new(image, cmyk);
    image.compress().map_err(|e| internal(e.to_string()))?;
    let image_id = (2, 0);
    lo.objects.insert(image_id, Object::Stream(image));
    let mut xobjects = lopdf::Dictionary::new();
    xobjects.set("P", Object::Reference(image_id));
    let mut resources = lopdf::Dictionary::new();
    resources.set("XObject", Object::Dictionary(xobjects));
    let mut dict = form.dict.clone();
    dict.remove(b"Group");
    dict.remove(b"Filter");
    dict.remove(b"DecodeParms");
    dict.set("Resources", Object::Dictionary(resources));
    let content = format!("q {} 0 0 {} {} {} cm /P Do Q", x1 - x0, y1 - y0, x0, y0);
    lo.objects.insert(
        (FORM as u32, 0),
        Object::Stream(lopdf::Stream::new(dict, content.into_bytes())),
    );
    lo.max_id = 2;
    let mut pdf = Vec::new();
    lo.save_to(&mut pdf).map_err(|e| internal(e.to_string()))?;
    Ok(SvgForm { pdf })
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
