//! PDF/X for print: what makes a PDF one a printer takes as it is, and
//! a check of each rule on the finished document. Most printers take
//! PDF/X-4; those that ask for PDF/X-1a get it (see `press` for what
//! that changes in the pictures and drawings).
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

use crate::print::PdfX;

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

/// Makes the document a PDF/X: output intent, page boxes,
/// identification, colour spaces (X-1a: everything in CMYK or grey; an
/// error says what could not be).
pub fn apply(
    lo: &mut lopdf::Document,
    pages: &[ObjectId],
    boxes: &[Boxes],
    pdfx: PdfX,
) -> Result<(), String> {
    lo.version = match pdfx {
        PdfX::X4 => "1.6",
        PdfX::X1a { .. } => "1.3",
    }
    .to_string();
    for (id, b) in pages.iter().zip(boxes) {
        if let Ok(page) = lo.get_dictionary_mut(*id) {
            let (x, y, w, h) = b.bleed;
            page.set("BleedBox", rect(x, y, w, h));
            let (x, y, w, h) = b.trim;
            page.set("TrimBox", rect(x, y, w, h));
            page.remove(b"Annots");
        }
    }
    match pdfx {
        PdfX::X4 => {
            // RGB images in a device-independent space.
            let srgb = icc_stream(lo, SRGB_PROFILE, 3);
            let srgb_space = Object::Array(vec![name("ICCBased"), Object::Reference(srgb)]);
            for obj in lo.objects.values_mut() {
                if let Object::Stream(s) = obj
                    && s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image")
                    && s.dict.get(b"ColorSpace").and_then(|c| c.as_name()).ok()
                        == Some(b"DeviceRGB")
                {
                    s.dict.set("ColorSpace", srgb_space.clone());
                }
            }
        }
        PdfX::X1a { ink_limit } => {
            super::press::Press::new(ink_limit).convert(lo)?;
            to_pdf_1_3(lo, pages);
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
        match pdfx {
            PdfX::X4 => info.set("GTS_PDFXVersion", string(VERSION)),
            PdfX::X1a { .. } => {
                info.set("GTS_PDFXVersion", string(X1_VERSION));
                info.set("GTS_PDFXConformance", string(X1A_CONFORMANCE));
            }
        }
        info.set("Trapped", name("False"));
    }
    Ok(())
}

/// What PDF/X-1a:2001 files say they are.
pub const X1_VERSION: &str = "PDF/X-1:2001";
pub const X1A_CONFORMANCE: &str = "PDF/X-1a:2001";

/// Takes out what PDF 1.3 does not have: the XMP stream, the tagged
/// structure and its marks, the language entry, the viewer's title
/// preference. (A press file is for the press; the reading PDF keeps
/// them.)
fn to_pdf_1_3(lo: &mut lopdf::Document, pages: &[ObjectId]) {
    if let Ok(catalog) = lo.catalog_mut() {
        for key in [&b"Metadata"[..], b"MarkInfo", b"StructTreeRoot", b"Lang"] {
            catalog.remove(key);
        }
        if let Ok(Object::Dictionary(prefs)) = catalog.get_mut(b"ViewerPreferences") {
            prefs.remove(b"DisplayDocTitle");
        }
    }
    for id in pages {
        if let Ok(page) = lo.get_dictionary_mut(*id) {
            page.remove(b"StructParents");
            page.remove(b"Tabs");
        }
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

/// Each rule of the PDF/X asked for that Quire can check on its own
/// output, with the problem found if it fails.
pub fn check(pdf: &[u8], pdfx: PdfX) -> Vec<(&'static str, Result<(), String>)> {
    let doc = match lopdf::Document::load_mem(pdf) {
        Ok(d) => d,
        Err(e) => return vec![("readable", Err(e.to_string()))],
    };
    let mut out = vec![
        (
            "output_intent_gts_pdfx",
            rules::output_intent_gts_pdfx(&doc),
        ),
        (
            "pdfx_version_in_info",
            rules::pdfx_version_in_info(&doc, pdfx),
        ),
        ("trapped_in_info", rules::trapped_in_info(&doc)),
        ("title_in_info", rules::title_in_info(&doc)),
        (
            "trim_box_on_every_page",
            rules::trim_box_on_every_page(&doc),
        ),
        ("boxes_nested", rules::boxes_nested(&doc)),
        ("fonts_embedded", rules::fonts_embedded(&doc)),
        ("no_device_rgb_images", rules::no_device_rgb_images(&doc)),
        ("no_annotations", rules::no_annotations(&doc)),
        ("no_encryption", rules::no_encryption(&doc)),
    ];
    match pdfx {
        PdfX::X4 => out.push(("xmp_identification", rules::xmp_identification(&doc))),
        PdfX::X1a { .. } => {
            out.push(("pdf_1_3", rules::pdf_1_3(pdf)));
            out.push(("images_cmyk_or_grey", rules::images_cmyk_or_grey(&doc)));
            out.push(("no_transparency", rules::no_transparency(&doc)));
            out.push(("no_rgb_colours", rules::no_rgb_colours(&doc)));
        }
    }
    out
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

    pub fn pdfx_version_in_info(doc: &Document, pdfx: super::PdfX) -> Rule {
        let i = info(doc)?;
        let (version, conformance) = match pdfx {
            super::PdfX::X4 => ("PDF/X-4", None),
            super::PdfX::X1a { .. } => (super::X1_VERSION, Some(super::X1A_CONFORMANCE)),
        };
        match i.get(b"GTS_PDFXVersion").and_then(|v| v.as_str()) {
            Ok(v) if v.starts_with(version.as_bytes()) => {}
            _ => return Err(format!("GTS_PDFXVersion is not {version}")),
        }
        match (
            conformance,
            i.get(b"GTS_PDFXConformance").and_then(|v| v.as_str()),
        ) {
            (None, _) => Ok(()),
            (Some(c), Ok(v)) if v == c.as_bytes() => Ok(()),
            (Some(c), _) => Err(format!("GTS_PDFXConformance is not {c}")),
        }
    }

    /// PDF/X-1a:2001 is PDF 1.3: the header says so, and no object
    /// streams or cross-reference streams (PDF 1.5) are used.
    pub fn pdf_1_3(pdf: &[u8]) -> Rule {
        if !pdf.starts_with(b"%PDF-1.3") {
            return Err("the header is not %PDF-1.3".into());
        }
        let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
        if has(b"/ObjStm") || has(b"/XRef") {
            return Err("object or cross-reference streams (PDF 1.5)".into());
        }
        Ok(())
    }

    fn streams<'a>(doc: &'a Document, kind: &'a [u8]) -> impl Iterator<Item = &'a lopdf::Stream> {
        doc.objects.values().filter_map(move |o| match o {
            Object::Stream(s)
                if s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(kind) =>
            {
                Some(s)
            }
            _ => None,
        })
    }

    /// Every picture in DeviceCMYK or DeviceGray (or a palette of
    /// either), or a stencil mask; none with a soft mask.
    pub fn images_cmyk_or_grey(doc: &Document) -> Rule {
        let device = |o: &Object| matches!(o.as_name(), Ok(b"DeviceCMYK" | b"DeviceGray"));
        for s in streams(doc, b"Image") {
            if s.dict.has(b"SMask") {
                return Err("a picture has a soft mask".into());
            }
            if s.dict
                .get(b"ImageMask")
                .and_then(Object::as_bool)
                .unwrap_or(false)
            {
                continue;
            }
            let ok = match s.dict.get(b"ColorSpace") {
                Ok(o) if device(o) => true,
                Ok(Object::Array(a)) => {
                    a.first().and_then(|k| k.as_name().ok()) == Some(b"Indexed")
                        && a.get(1).is_some_and(device)
                }
                _ => false,
            };
            if !ok {
                return Err("a picture is not in DeviceCMYK or DeviceGray".into());
            }
        }
        Ok(())
    }

    /// No transparency group, no opacity, soft mask or blend mode.
    pub fn no_transparency(doc: &Document) -> Rule {
        for o in doc.objects.values() {
            let d = match o {
                Object::Dictionary(d) => d,
                Object::Stream(s) => &s.dict,
                _ => continue,
            };
            if d.has(b"Group") {
                return Err("a transparency group".into());
            }
            if d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"ExtGState")
                || !matches!(o, Object::Stream(_))
            {
                for key in [&b"CA"[..], b"ca"] {
                    if d.get(key).and_then(Object::as_float).is_ok_and(|v| v < 1.0) {
                        return Err("an opacity under 1".into());
                    }
                }
                if d.get(b"SMask")
                    .is_ok_and(|m| m.as_name().ok() != Some(b"None"))
                {
                    return Err("a soft mask".into());
                }
                if d.get(b"BM")
                    .and_then(Object::as_name)
                    .is_ok_and(|b| b != b"Normal" && b != b"Compatible")
                {
                    return Err("a blend mode".into());
                }
            }
        }
        Ok(())
    }

    /// No colour set in RGB in any page's or form's content.
    pub fn no_rgb_colours(doc: &Document) -> Rule {
        let mut contents: Vec<Vec<u8>> = Vec::new();
        for (_, page) in doc.get_pages() {
            contents.push(doc.get_page_content(page));
        }
        for s in streams(doc, b"Form") {
            contents.push(
                s.decompressed_content()
                    .unwrap_or_else(|_| s.content.clone()),
            );
        }
        for data in contents {
            let content = lopdf::content::Content::decode(&data).map_err(|e| e.to_string())?;
            for op in content.operations {
                match op.operator.as_str() {
                    "rg" | "RG" => return Err("a colour set in RGB".into()),
                    "cs" | "CS"
                        if !matches!(
                            op.operands.first().and_then(|n| n.as_name().ok()),
                            Some(b"DeviceCMYK" | b"DeviceGray")
                        ) =>
                    {
                        return Err("a colour space other than CMYK or grey".into());
                    }
                    _ => {}
                }
            }
        }
        Ok(())
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
