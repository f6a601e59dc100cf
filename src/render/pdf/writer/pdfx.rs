//! PDF/X-4 for print: what makes a PDF one a printer takes as it is, and
//! a check of each rule on the finished document.
//!
//! PDF/X-4 (ISO 15930-7) asks for: an output intent (`GTS_PDFX`) with the
//! ICC profile of the press it was made for; every colour either the
//! output intent's own (CMYK, or grey) or device-independent (so RGB
//! images are tagged with the sRGB profile); every font embedded; no
//! encryption; a TrimBox on every page, inside its BleedBox, inside its
//! MediaBox; `GTS_PDFXVersion` and `Trapped` in the document information
//! and the same identification, with a document id, in the XMP. No
//! validator for PDF/X runs here, so [`check`] tests each rule on the
//! document Quire wrote, one function a rule, named after it.

use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};

/// The press profile of the output intent: offset on coated paper
/// (FOGRA39), the condition print-on-demand printers accept for
/// black-and-white and colour interiors alike. See `profiles/LICENSE.txt`.
const OUTPUT_PROFILE: &[u8] = include_bytes!("../../../../profiles/coated-fogra39.icc");
/// sRGB, the colour space RGB images are tagged with.
const SRGB_PROFILE: &[u8] = include_bytes!("../../../../profiles/srgb.icc");

pub const VERSION: &str = "PDF/X-4";

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

fn string(s: &str) -> Object {
    Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
}

fn rect(x: f32, y: f32, w: f32, h: f32) -> Object {
    let r = |v: f32| Object::Real((v * 1000.0).round() / 1000.0);
    Object::Array(vec![r(x), r(y), r(x + w), r(y + h)])
}

fn icc_stream(lo: &mut lopdf::Document, data: &[u8], components: i64) -> ObjectId {
    let mut d = Dictionary::new();
    d.set("N", Object::Integer(components));
    let mut s = Stream::new(d, data.to_vec());
    let _ = s.compress();
    lo.add_object(s)
}

/// A page's trimmed page and its bleed, as (x, y, width, height).
pub struct Boxes {
    pub trim: (f32, f32, f32, f32),
    pub bleed: (f32, f32, f32, f32),
}

/// Makes the document a PDF/X-4: output intent, page boxes, identification,
/// colour spaces.
pub fn apply(lo: &mut lopdf::Document, pages: &[ObjectId], boxes: &[Boxes]) {
    lo.version = "1.6".to_string();
    for (id, b) in pages.iter().zip(boxes) {
        if let Ok(page) = lo.get_dictionary_mut(*id) {
            let (x, y, w, h) = b.bleed;
            page.set("BleedBox", rect(x, y, w, h));
            let (x, y, w, h) = b.trim;
            page.set("TrimBox", rect(x, y, w, h));
            page.remove(b"Annots");
        }
    }
    // RGB images in a device-independent space.
    let srgb = icc_stream(lo, SRGB_PROFILE, 3);
    let srgb_space = Object::Array(vec![name("ICCBased"), Object::Reference(srgb)]);
    for obj in lo.objects.values_mut() {
        if let Object::Stream(s) = obj
            && s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image")
            && s.dict.get(b"ColorSpace").and_then(|c| c.as_name()).ok() == Some(b"DeviceRGB")
        {
            s.dict.set("ColorSpace", srgb_space.clone());
        }
    }
    // The output intent.
    let profile = icc_stream(lo, OUTPUT_PROFILE, 4);
    let mut intent = Dictionary::new();
    intent.set("Type", name("OutputIntent"));
    intent.set("S", name("GTS_PDFX"));
    intent.set("OutputConditionIdentifier", string("FOGRA39"));
    intent.set(
        "OutputCondition",
        string("Offset printing on coated paper (FOGRA39)"),
    );
    intent.set("RegistryName", string("http://www.color.org"));
    intent.set(
        "Info",
        string("Coated FOGRA39, from the FOGRA39L characterization data"),
    );
    intent.set("DestOutputProfile", Object::Reference(profile));
    let intent = lo.add_object(intent);
    if let Ok(catalog) = lo.catalog_mut() {
        catalog.set(
            "OutputIntents",
            Object::Array(vec![Object::Reference(intent)]),
        );
    }
    // Identification in the document information.
    if let Ok(info_id) = lo.trailer.get(b"Info").and_then(|i| i.as_reference())
        && let Ok(info) = lo.get_dictionary_mut(info_id)
    {
        info.set("GTS_PDFXVersion", string(VERSION));
        info.set("Trapped", name("False"));
    }
}

/// The XMP properties PDF/X-4 asks for, to go in the XMP packet.
pub fn xmp_properties(document_id: &str) -> String {
    format!(
        "<pdfxid:GTS_PDFXVersion>{VERSION}</pdfxid:GTS_PDFXVersion>\n\
<pdf:Trapped>False</pdf:Trapped>\n\
<xmpMM:DocumentID>{document_id}</xmpMM:DocumentID>\n\
<xmpMM:InstanceID>{document_id}</xmpMM:InstanceID>\n\
<xmpMM:VersionID>1</xmpMM:VersionID>\n\
<xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n"
    )
}

/// The namespaces of [`xmp_properties`].
pub const XMP_NAMESPACES: &str = " xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\" xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"";

/// Each rule of PDF/X-4 that Quire can check on its own output, with the
/// problem found if it fails.
pub fn check(pdf: &[u8]) -> Vec<(&'static str, Result<(), String>)> {
    let doc = match lopdf::Document::load_mem(pdf) {
        Ok(d) => d,
        Err(e) => return vec![("readable", Err(e.to_string()))],
    };
    vec![
        (
            "output_intent_gts_pdfx",
            rules::output_intent_gts_pdfx(&doc),
        ),
        ("pdfx_version_in_info", rules::pdfx_version_in_info(&doc)),
        ("trapped_in_info", rules::trapped_in_info(&doc)),
        ("title_in_info", rules::title_in_info(&doc)),
        ("xmp_identification", rules::xmp_identification(&doc)),
        (
            "trim_box_on_every_page",
            rules::trim_box_on_every_page(&doc),
        ),
        ("boxes_nested", rules::boxes_nested(&doc)),
        ("fonts_embedded", rules::fonts_embedded(&doc)),
        ("no_device_rgb_images", rules::no_device_rgb_images(&doc)),
        ("no_annotations", rules::no_annotations(&doc)),
        ("no_encryption", rules::no_encryption(&doc)),
    ]
}

/// The rules, one function each.
pub mod rules {
    use lopdf::{Document, Object};

    type Rule = Result<(), String>;

    fn info(doc: &Document) -> Result<&lopdf::Dictionary, String> {
        doc.trailer
            .get(b"Info")
            .and_then(|i| i.as_reference())
            .and_then(|id| doc.get_dictionary(id))
            .map_err(|_| "no document information".to_string())
    }

    fn boxes(doc: &Document, page: lopdf::ObjectId, key: &[u8]) -> Option<[f32; 4]> {
        let d = doc.get_dictionary(page).ok()?;
        let arr = d.get(key).ok()?.as_array().ok()?;
        let v: Vec<f32> = arr.iter().filter_map(|o| o.as_float().ok()).collect();
        (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
    }

    pub fn output_intent_gts_pdfx(doc: &Document) -> Rule {
        let catalog = doc.catalog().map_err(|e| e.to_string())?;
        let intents = catalog
            .get(b"OutputIntents")
            .and_then(|o| o.as_array())
            .map_err(|_| "no OutputIntents".to_string())?;
        for i in intents {
            let d = match i {
                Object::Reference(r) => doc.get_dictionary(*r).ok(),
                Object::Dictionary(d) => Some(d),
                _ => None,
            };
            if let Some(d) = d
                && d.get(b"S").and_then(|s| s.as_name()).ok() == Some(b"GTS_PDFX")
                && d.get(b"DestOutputProfile").is_ok()
                && d.get(b"OutputConditionIdentifier").is_ok()
            {
                return Ok(());
            }
        }
        Err("no GTS_PDFX output intent with a profile".into())
    }

    pub fn pdfx_version_in_info(doc: &Document) -> Rule {
        match info(doc)?.get(b"GTS_PDFXVersion").and_then(|v| v.as_str()) {
            Ok(v) if v.starts_with(b"PDF/X-4") => Ok(()),
            _ => Err("GTS_PDFXVersion is not PDF/X-4".into()),
        }
    }

    pub fn trapped_in_info(doc: &Document) -> Rule {
        match info(doc)?.get(b"Trapped").and_then(|v| v.as_name()) {
            Ok(b"True" | b"False") => Ok(()),
            _ => Err("Trapped is not True or False".into()),
        }
    }

    pub fn title_in_info(doc: &Document) -> Rule {
        let i = info(doc)?;
        for key in [&b"Title"[..], b"CreationDate", b"ModDate"] {
            if i.get(key).is_err() {
                return Err(format!(
                    "no {} in the information",
                    String::from_utf8_lossy(key)
                ));
            }
        }
        Ok(())
    }

    pub fn xmp_identification(doc: &Document) -> Rule {
        let catalog = doc.catalog().map_err(|e| e.to_string())?;
        let id = catalog
            .get(b"Metadata")
            .and_then(|m| m.as_reference())
            .map_err(|_| "no XMP".to_string())?;
        let stream = doc
            .get_object(id)
            .and_then(|o| o.as_stream())
            .map_err(|_| "no XMP stream".to_string())?;
        let xmp = String::from_utf8_lossy(&stream.content);
        for needed in [
            "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>",
            "<xmpMM:DocumentID>",
            "<xmpMM:VersionID>",
            "<xmpMM:RenditionClass>",
            "<pdf:Trapped>",
            "<dc:title>",
            "<xmp:CreateDate>",
            "<xmp:ModifyDate>",
        ] {
            if !xmp.contains(needed) {
                return Err(format!("the XMP has no {needed}"));
            }
        }
        Ok(())
    }

    pub fn trim_box_on_every_page(doc: &Document) -> Rule {
        for (n, id) in doc.get_pages() {
            if boxes(doc, id, b"TrimBox").is_none() {
                return Err(format!("page {n} has no TrimBox"));
            }
        }
        Ok(())
    }

    pub fn boxes_nested(doc: &Document) -> Rule {
        for (n, id) in doc.get_pages() {
            let (Some(m), Some(b), Some(t)) = (
                boxes(doc, id, b"MediaBox"),
                boxes(doc, id, b"BleedBox"),
                boxes(doc, id, b"TrimBox"),
            ) else {
                return Err(format!("page {n} lacks a box"));
            };
            let inside = |a: [f32; 4], b: [f32; 4]| {
                a[0] >= b[0] - 0.001
                    && a[1] >= b[1] - 0.001
                    && a[2] <= b[2] + 0.001
                    && a[3] <= b[3] + 0.001
            };
            if !inside(t, b) || !inside(b, m) {
                return Err(format!("page {n}: TrimBox ⊄ BleedBox ⊄ MediaBox"));
            }
        }
        Ok(())
    }

    pub fn fonts_embedded(doc: &Document) -> Rule {
        for obj in doc.objects.values() {
            if let Ok(d) = obj.as_dict()
                && d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor")
                && d.get(b"FontFile").is_err()
                && d.get(b"FontFile2").is_err()
                && d.get(b"FontFile3").is_err()
            {
                return Err("a font is not embedded".into());
            }
        }
        Ok(())
    }

    pub fn no_device_rgb_images(doc: &Document) -> Rule {
        for obj in doc.objects.values() {
            if let Object::Stream(s) = obj
                && s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image")
                && s.dict.get(b"ColorSpace").and_then(|c| c.as_name()).ok() == Some(b"DeviceRGB")
            {
                return Err("an image is in DeviceRGB".into());
            }
        }
        Ok(())
    }

    pub fn no_annotations(doc: &Document) -> Rule {
        for (n, id) in doc.get_pages() {
            if doc
                .get_dictionary(id)
                .is_ok_and(|d| d.get(b"Annots").is_ok())
            {
                return Err(format!("page {n} has annotations"));
            }
        }
        Ok(())
    }

    pub fn no_encryption(doc: &Document) -> Rule {
        if doc.trailer.get(b"Encrypt").is_ok() {
            Err("the document is encrypted".into())
        } else {
            Ok(())
        }
    }
}
