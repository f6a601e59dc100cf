//! What printpdf cannot say, said on its lopdf document:
//! - the fonts are subsets (Quire subset them), so their names carry the
//!   six-letter subset tag the PDF specification asks for;
//! - a nested outline (printpdf's bookmarks are flat and re-sorted);
//! - `/Lang`, page labels (roman front matter, arabic text), and document
//!   metadata without printpdf's claim to be PDF/X;
//! - a file identifier derived from the book, not random, so the same book
//!   gives the same bytes.

use crate::model::metadata::iso8601;
use crate::render::pdf::page::Document;
use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};
use std::collections::BTreeMap;

/// Transparency: each image with an alpha channel gets a soft mask (an
/// indirect stream, which printpdf's external objects cannot refer to).
/// The objects of the XObjects the pages name by `names`.
fn xobject_targets<'n, V>(
    lo: &lopdf::Document,
    pages: &[ObjectId],
    names: &'n BTreeMap<String, V>,
) -> BTreeMap<ObjectId, &'n String> {
    let mut targets: BTreeMap<ObjectId, &String> = BTreeMap::new();
    for page in pages {
        let Ok(dict) = lo.get_dictionary(*page) else {
            continue;
        };
        let resources = match dict.get(b"Resources") {
            Ok(Object::Reference(r)) => lo.get_dictionary(*r).ok(),
            Ok(Object::Dictionary(d)) => Some(d),
            _ => None,
        };
        let Some(xobjects) = resources.and_then(|r| r.get(b"XObject").ok()) else {
            continue;
        };
        let xobjects = match xobjects {
            Object::Reference(r) => lo.get_dictionary(*r).ok(),
            Object::Dictionary(d) => Some(d),
            _ => None,
        };
        for name in names.keys() {
            if let Some(Ok(Object::Reference(id))) = xobjects.map(|x| x.get(name.as_bytes())) {
                targets.insert(*id, name);
            }
        }
    }
    targets
}

fn attach_soft_masks(
    lo: &mut lopdf::Document,
    pages: &[ObjectId],
    masks: &BTreeMap<String, (u32, u32, Vec<u8>)>,
) {
    if masks.is_empty() {
        return;
    }
    let targets = xobject_targets(lo, pages, masks);
    for (id, name) in targets {
        let (w, h, alpha) = &masks[name];
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"XObject".to_vec()));
        d.set("Subtype", Object::Name(b"Image".to_vec()));
        d.set("Width", Object::Integer(*w as i64));
        d.set("Height", Object::Integer(*h as i64));
        d.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
        d.set("BitsPerComponent", Object::Integer(8));
        d.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        let stream = Stream::new(d, alpha.clone());
        let mask_id = lo.add_object(stream);
        if let Ok(Object::Stream(s)) = lo.get_object_mut(id) {
            s.dict.set("SMask", Object::Reference(mask_id));
        }
    }
}

pub(super) fn text(s: &str) -> Object {
    // PDF text strings: plain when ASCII, else UTF-16BE with a BOM.
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            bytes.extend_from_slice(&u.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// A PDF date (`D:20240501120000Z`): the ISO 8601 time without its
/// separators.
fn pdf_date(secs: i64) -> Object {
    let compact: String = iso8601(secs)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'Z')
        .collect();
    Object::String(format!("D:{compact}").into_bytes(), StringFormat::Literal)
}

/// 64-bit FNV-1a: a stable fingerprint (not a security measure).
pub(super) fn fnv(data: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in data {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

pub fn finish(
    mut lo: lopdf::Document,
    book: &super::Meta,
    doc: &Document,
    masks: &BTreeMap<String, (u32, u32, Vec<u8>)>,
    svgs: &BTreeMap<String, super::svg::SvgForm>,
    marked: &[Vec<Marked>],
) -> Result<Vec<u8>, String> {
    lo.version = "1.7".to_string();
    let pages: Vec<ObjectId> = lo.get_pages().values().copied().collect();
    attach_soft_masks(&mut lo, &pages, masks);
    let m = book.meta;

    // Drawings come in with their own fonts, subset tags and all.
    if !svgs.is_empty() {
        let targets = xobject_targets(&lo, &pages, svgs);
        super::svg::attach(&mut lo, targets, svgs)?;
    }

    document_info(&mut lo, book, doc);

    // The logical structure (tagged PDF), from the marked content.
    let struct_root = build_structure(&mut lo, &pages, marked);

    // The outline, nested by level.
    let outline_id = super::outline::build_outline(&mut lo, doc, &pages);

    // XMP, the metadata stream that archives and stores read.
    let mut xmp_dict = Dictionary::new();
    xmp_dict.set("Type", Object::Name(b"Metadata".to_vec()));
    xmp_dict.set("Subtype", Object::Name(b"XML".to_vec()));
    let print = book.print;
    let xmp_id = lo.add_object(Stream::new(xmp_dict, xmp(book, print).into_bytes()));

    let catalog = lo.catalog_mut().map_err(|e| format!("PDF catalog: {e}"))?;
    catalog.set("Lang", text(&m.language));
    if let Some(root) = struct_root {
        catalog.set("StructTreeRoot", Object::Reference(root));
        let mut mark = Dictionary::new();
        mark.set("Marked", Object::Boolean(true));
        catalog.set("MarkInfo", Object::Dictionary(mark));
    }
    catalog.remove(b"OutputIntents");
    catalog.set("Metadata", Object::Reference(xmp_id));
    if let Some(id) = outline_id {
        catalog.set("Outlines", Object::Reference(id));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    } else {
        catalog.remove(b"Outlines");
        catalog.remove(b"PageMode");
    }
    catalog.set("PageLabels", page_labels(doc));
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", Object::Boolean(true));
    if m.rtl {
        // Read right to left: viewers show spreads the other way round.
        prefs.set("Direction", Object::Name(b"R2L".to_vec()));
    }
    catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    if let Some(pdfx) = print {
        let boxes: Vec<super::pdfx::Boxes> = doc
            .pages
            .iter()
            .map(|p| super::pdfx::Boxes {
                trim: p.trim.unwrap_or((0.0, 0.0, p.width, p.height)),
                bleed: p.bleed.unwrap_or((0.0, 0.0, p.width, p.height)),
            })
            .collect();
        super::pdfx::apply(&mut lo, &pages, &boxes, pdfx)?;
    }

    compress_streams(&mut lo);
    prune_and_renumber(&mut lo);
    let mut out = Vec::new();
    lo.save_to(&mut out)
        .map_err(|e| format!("writing PDF: {e}"))?;
    Ok(out)
}

/// The document information dictionary, our own, and the file
/// identifier: derived from the book, so the same book gives the same
/// bytes.
fn document_info(lo: &mut lopdf::Document, book: &super::Meta, doc: &Document) {
    let m = book.meta;
    let authors: Vec<&str> = m.authors().collect();
    let mut info = Dictionary::new();
    info.set("Title", text(&m.title));
    if !authors.is_empty() {
        info.set("Author", text(&authors.join(", ")));
    }
    if let Some(d) = &m.description {
        info.set("Subject", text(d));
    }
    if !m.subjects.is_empty() {
        info.set("Keywords", text(&m.subjects.join(", ")));
    }
    info.set("Creator", text("Quire"));
    info.set(
        "Producer",
        text(&format!("Quire {}", env!("CARGO_PKG_VERSION"))),
    );
    info.set("CreationDate", pdf_date(m.modified));
    info.set("ModDate", pdf_date(m.modified));
    let info_id = lo.add_object(info);
    lo.trailer.set("Info", Object::Reference(info_id));
    let fingerprint = {
        let key = format!(
            "{}\u{1f}{}\u{1f}{}",
            m.identifier.urn(),
            m.title,
            doc.pages.len()
        );
        let (a, b) = (fnv(key.as_bytes(), 1), fnv(key.as_bytes(), 2));
        let mut v = a.to_be_bytes().to_vec();
        v.extend_from_slice(&b.to_be_bytes());
        v
    };
    lo.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(fingerprint.clone(), StringFormat::Hexadecimal),
            Object::String(fingerprint, StringFormat::Hexadecimal),
        ]),
    );
}

/// Page labels: front matter in roman numerals, the text from 1.
fn page_labels(doc: &Document) -> Object {
    let first_text = doc
        .pages
        .iter()
        .position(|p| p.label.as_deref() == Some("1"));
    let mut nums = Vec::new();
    if first_text != Some(0) {
        nums.push(Object::Integer(0));
        let mut d = Dictionary::new();
        d.set("S", Object::Name(b"r".to_vec()));
        nums.push(Object::Dictionary(d));
    }
    if let Some(start) = first_text {
        nums.push(Object::Integer(start as i64));
        let mut d = Dictionary::new();
        d.set("S", Object::Name(b"D".to_vec()));
        nums.push(Object::Dictionary(d));
    }

    let mut labels = Dictionary::new();
    labels.set("Nums", Object::Array(nums));
    Object::Dictionary(labels)
}

/// Compresses every stream that has no filter yet (page contents, fonts,
/// image samples); JPEGs keep theirs. A fast setting: it is most of the
/// writer's time at the best one, for a few per cent of size.
fn compress_streams(lo: &mut lopdf::Document) {
    let mut streams: Vec<&mut Stream> = lo
        .objects
        .values_mut()
        .filter_map(|o| match o {
            Object::Stream(s)
                if s.dict.get(b"Filter").is_err()
                    && s.content.len() > 64
                    && s.dict.get(b"Type").and_then(|t| t.as_name()).ok()
                        != Some(b"Metadata".as_slice()) =>
            {
                Some(s)
            }
            _ => None,
        })
        .collect();
    {
        use rayon::prelude::*;
        crate::pool::start(None);
        streams.par_iter_mut().for_each(|s| {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(3));
            if std::io::Write::write_all(&mut z, &s.content).is_ok()
                && let Ok(packed) = z.finish()
            {
                s.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                s.set_content(packed);
            }
        });
    }
}

/// Drops the objects nothing refers to and numbers the rest 1, 2, 3… in
/// their order. lopdf's own `prune_objects` and `renumber_objects` look
/// each reference up in a list, which is quadratic: minutes for a book
/// with ten thousand headings. This is linear.
fn prune_and_renumber(lo: &mut lopdf::Document) {
    use std::collections::{HashMap, HashSet};
    fn refs(o: &Object, out: &mut Vec<ObjectId>) {
        match o {
            Object::Reference(id) => out.push(*id),
            Object::Array(a) => a.iter().for_each(|x| refs(x, out)),
            Object::Dictionary(d) => d.iter().for_each(|(_, x)| refs(x, out)),
            Object::Stream(s) => s.dict.iter().for_each(|(_, x)| refs(x, out)),
            _ => {}
        }
    }
    fn renumber(o: &mut Object, map: &HashMap<ObjectId, ObjectId>) {
        match o {
            Object::Reference(id) => {
                if let Some(n) = map.get(id) {
                    *id = *n;
                }
            }
            Object::Array(a) => a.iter_mut().for_each(|x| renumber(x, map)),
            Object::Dictionary(d) => d.iter_mut().for_each(|(_, x)| renumber(x, map)),
            Object::Stream(s) => s.dict.iter_mut().for_each(|(_, x)| renumber(x, map)),
            _ => {}
        }
    }
    let mut reachable: HashSet<ObjectId> = HashSet::new();
    let mut todo: Vec<ObjectId> = Vec::new();
    lo.trailer.iter().for_each(|(_, x)| refs(x, &mut todo));
    while let Some(id) = todo.pop() {
        if reachable.insert(id)
            && let Some(o) = lo.objects.get(&id)
        {
            refs(o, &mut todo);
        }
    }
    lo.objects.retain(|id, _| reachable.contains(id));
    let map: HashMap<ObjectId, ObjectId> = lo
        .objects
        .keys()
        .enumerate()
        .map(|(i, &old)| (old, (i as u32 + 1, 0)))
        .collect();
    let objects = std::mem::take(&mut lo.objects);
    for (old, mut o) in objects {
        renumber(&mut o, &map);
        lo.objects.insert(map[&old], o);
    }
    lo.trailer.iter_mut().for_each(|(_, x)| renumber(x, &map));
    lo.max_id = map.len() as u32;
}

/// The XMP packet: Dublin Core title, creators, language, description,
/// subjects and identifier; dates; producer. Kept uncompressed, as XMP
/// readers that scan files for packets expect.
fn xmp(book: &super::Meta, print: Option<crate::print::PdfX>) -> String {
    let m = book.meta;
    // A print PDF is identified as PDF/X, with a document id that stays
    // the same from build to build of the same book.
    let (pdfx_ns, pdfx) = if print.is_some() {
        let id = format!(
            "uuid:{}",
            crate::model::metadata::derived_uuid(
                &m.identifier.urn(),
                std::slice::from_ref(&m.title)
            )
        );
        (
            super::pdfx::XMP_NAMESPACES,
            super::pdfx::xmp_properties(&id),
        )
    } else {
        ("", String::new())
    };
    let date = iso8601(m.modified);
    let creators: String = m
        .authors()
        .map(|a| format!("<rdf:li>{}</rdf:li>", crate::xml::escape(a)))
        .collect();
    let subjects: String = m
        .subjects
        .iter()
        .map(|s| format!("<rdf:li>{}</rdf:li>", crate::xml::escape(s)))
        .collect();
    let description = m
        .description
        .as_ref()
        .map(|d| format!("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>", crate::xml::escape(d)))
        .unwrap_or_default();
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"{pdfx_ns}>\n\
<dc:format>application/pdf</dc:format>\n\
<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
<dc:creator><rdf:Seq>{creators}</rdf:Seq></dc:creator>\n\
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n\
<dc:identifier>{id}</dc:identifier>\n\
{description}<dc:subject><rdf:Bag>{subjects}</rdf:Bag></dc:subject>\n\
<xmp:CreateDate>{date}</xmp:CreateDate>\n<xmp:ModifyDate>{date}</xmp:ModifyDate>\n<xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
<xmp:CreatorTool>Quire</xmp:CreatorTool>\n<pdf:Producer>Quire {version}</pdf:Producer>\n{pdfx}\
</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>",
        title = crate::xml::escape(&m.title),
        lang = crate::xml::escape(&m.language),
        id = crate::xml::escape(&m.identifier.urn()),
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// A marked-content sequence on a page: which structure element it is
/// part of; its MCID is its index in the page's list.
#[derive(Debug, Clone)]
pub struct Marked {
    pub tag: crate::render::pdf::page::Tag,
    /// Alternate description (figures).
    pub alt: Option<String>,
}

/// A structure element being gathered: its role, alternate text, and its
/// marked content as (page, MCID).
type Element = (&'static str, Option<String>, Vec<(usize, usize)>);

/// The structure tree: a Document element holding one element per tagged
/// block (paragraph, heading, figure, note…) in reading order, each
/// pointing at its marked content on its pages; and the parent tree that
/// leads from a page's marked content back to its element.
fn build_structure(
    lo: &mut lopdf::Document,
    pages: &[ObjectId],
    marked: &[Vec<Marked>],
) -> Option<ObjectId> {
    if marked.iter().all(|m| m.is_empty()) {
        return None;
    }
    let root = lo.new_object_id();
    let document = lo.new_object_id();
    // Elements in reading order, with their pieces (page, MCID).
    let mut elems: BTreeMap<u32, Element> = BTreeMap::new();
    for (p, list) in marked.iter().enumerate() {
        for (mcid, m) in list.iter().enumerate() {
            let e = elems
                .entry(m.tag.elem)
                .or_insert((m.tag.role, None, Vec::new()));
            if e.1.is_none() {
                e.1 = m.alt.clone();
            }
            e.2.push((p, mcid));
        }
    }
    let ids: BTreeMap<u32, ObjectId> = elems.keys().map(|&k| (k, lo.new_object_id())).collect();
    // The language of elements not in the book's (set in the catalogue).
    let langs: BTreeMap<u32, String> = marked
        .iter()
        .flatten()
        .filter_map(|m| Some((m.tag.elem, m.tag.lang?.as_str().to_string())))
        .collect();
    for (k, (role, alt, parts)) in &elems {
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"StructElem".to_vec()));
        d.set("S", Object::Name(role.as_bytes().to_vec()));
        d.set("P", Object::Reference(document));
        if let Some(lang) = langs.get(k) {
            d.set("Lang", text(lang));
        }
        if let Some(alt) = alt {
            d.set("Alt", text(alt));
        }
        let kids: Vec<Object> = parts
            .iter()
            .filter_map(|&(p, mcid)| {
                let page = *pages.get(p)?;
                let mut r = Dictionary::new();
                r.set("Type", Object::Name(b"MCR".to_vec()));
                r.set("Pg", Object::Reference(page));
                r.set("MCID", Object::Integer(mcid as i64));
                Some(Object::Dictionary(r))
            })
            .collect();
        d.set("K", Object::Array(kids));
        lo.objects.insert(ids[k], Object::Dictionary(d));
    }
    let mut doc = Dictionary::new();
    doc.set("Type", Object::Name(b"StructElem".to_vec()));
    doc.set("S", Object::Name(b"Document".to_vec()));
    doc.set("P", Object::Reference(root));
    doc.set(
        "K",
        Object::Array(ids.values().map(|&id| Object::Reference(id)).collect()),
    );
    lo.objects.insert(document, Object::Dictionary(doc));
    // Parent tree: for page i (its /StructParents), the element of each MCID.
    let mut nums = Vec::new();
    for (p, list) in marked.iter().enumerate() {
        if let Some(&page) = pages.get(p)
            && let Ok(Object::Dictionary(pd)) = lo.get_object_mut(page)
        {
            pd.set("StructParents", Object::Integer(p as i64));
        }
        nums.push(Object::Integer(p as i64));
        nums.push(Object::Array(
            list.iter()
                .map(|m| Object::Reference(ids[&m.tag.elem]))
                .collect(),
        ));
    }
    let mut parent_tree = Dictionary::new();
    parent_tree.set("Nums", Object::Array(nums));
    let mut r = Dictionary::new();
    r.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
    r.set("K", Object::Reference(document));
    r.set("ParentTree", Object::Dictionary(parent_tree));
    r.set("ParentTreeNextKey", Object::Integer(marked.len() as i64));
    lo.objects.insert(root, Object::Dictionary(r));
    Some(root)
}
