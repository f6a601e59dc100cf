//! The PDF writer: typeset pages in, PDF bytes out. The only code that
//! knows printpdf (and, for what printpdf cannot say, lopdf).
//!
//! printpdf (0.12, without its layout engine) draws the pages and hands
//! over its document as lopdf objects (`to_lopdf_document`, its API for
//! going further). On those objects, typed, never as text: the fonts,
//! subset here, are written by `embed.rs` (printpdf would embed them
//! whole or subset them again); `finish.rs` nests the outline, adds the
//! language, metadata, page labels, structure tree, PDF/X boxes and a
//! deterministic identifier; `svg.rs` puts each SVG figure's form in.

mod colour;
mod embed;
mod finish;
mod image;
mod outline;
pub mod pdfx;
pub mod press;
mod svg;

use super::page::{Document, Item, LinkDest, Page, Turn};
use super::shape::FontId;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::fonts::{self, FontSet};
use crate::model::{ImageAsset, Metadata};
use printpdf::{
    Actions, BorderArray, Color, Destination, LinkAnnotation, Op, PaintMode, PdfDocument, PdfPage,
    PdfSaveOptions, Pt, Rect, XObjectId, XObjectTransform,
};
use std::collections::{BTreeMap, BTreeSet};

/// A bundled face, subset to what the document uses.
struct EmbeddedFont {
    /// The page resources' name for it.
    id: String,
    /// The subset's font file.
    program: Vec<u8>,
    /// The text each glyph copies as, by original glyph id.
    cids: Dense<Option<String>>,
    remap: Dense<u16>,
    /// Advance widths of the original glyphs in millionths of an em: the
    /// PDF's width array gives them to three decimals of its thousandths,
    /// and the pages' offsets are reckoned from the same values, so a glyph
    /// set at its natural width needs no offset and lands exactly.
    widths: Dense<i64>,
}

/// Values by glyph id, looked up a million times a book: a vector, not a
/// tree.
struct Dense<T>(Vec<T>);

impl<T: Default + Clone> FromIterator<(u16, T)> for Dense<T> {
    fn from_iter<I: IntoIterator<Item = (u16, T)>>(items: I) -> Self {
        let mut v: Vec<T> = Vec::new();
        for (g, t) in items {
            if v.len() <= g as usize {
                v.resize(g as usize + 1, T::default());
            }
            v[g as usize] = t;
        }
        Dense(v)
    }
}

impl<T: Default + Clone> Dense<T> {
    fn get(&self, gid: u16) -> Option<&T> {
        self.0.get(gid as usize)
    }
}

/// What the writer is told of the book besides its pages: its metadata,
/// its pictures, whether it goes to a printer, and the file a problem of
/// the whole book is reported at.
pub struct Meta<'a> {
    pub meta: &'a Metadata,
    pub images: &'a BTreeMap<String, ImageAsset>,
    /// The PDF/X a print file is made to; `None` for a reading PDF.
    pub print: Option<crate::print::PdfX>,
    pub at: Location,
}

/// A failure of the PDF machinery itself, not of the book: a bug.
fn internal(book: &Meta, what: impl std::fmt::Display) -> Diagnostic {
    internal_at(&book.at, what)
}

/// The same, reported at `at`.
pub fn internal_at(at: &Location, what: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Code::Internal,
        at.clone(),
        format!("internal error while writing the PDF: {what}"),
    )
    .help("this is a bug in Quire; please report it with the input")
}

pub fn write(
    book: &Meta,
    mut doc: Document,
    fonts: &FontSet,
    diags: &mut crate::diagnostics::Diagnostics,
) -> Result<Vec<u8>, Diagnostic> {
    let book_file = book.at.clone();
    let mut pdf = PdfDocument::new(&book.meta.title);
    colour::draw_colour_runs(book, &mut doc, fonts, &book_file)?;

    let embedded = subset_fonts(book, &doc, fonts, &book_file)?;
    let Pictures {
        images,
        masks,
        svgs,
        warnings,
    } = place_pictures(book, &doc, fonts, &book_file, &mut pdf)?;
    for w in warnings {
        diags.push(w);
    }

    let t = std::time::Instant::now();
    let anchors: BTreeMap<&str, (usize, f32)> = doc
        .anchors
        .iter()
        .map(|a| (a.name.as_str(), (a.page, a.y)))
        .collect();
    // Page contents are independent: build them side by side.
    let built: Vec<(PdfPage, Vec<finish::Marked>)> =
        crate::pool::map(&doc.pages, |p| page_ops(p, &embedded, &images, &anchors));
    let (pages, marked): (Vec<PdfPage>, Vec<Vec<finish::Marked>>) = built.into_iter().unzip();
    // The pages' glyphs are in their content streams now: let them go
    // before the document is assembled (half the peak memory of a long
    // book). The pages themselves stay, counted.
    for page in &mut doc.pages {
        page.items = Vec::new();
        page.links = Vec::new();
    }
    pdf.with_pages(pages);

    // printpdf's own image recompression and font handling are off: the
    // fonts are subset already and images go in as they are.
    let opts = PdfSaveOptions {
        // Compression is done in `finish`, at a faster setting.
        optimize: false,
        subset_fonts: false,
        // Off, so that the pages' text, written as content-stream
        // operators by `text_section`, goes through.
        secure: false,
        image_optimization: None,
    };
    crate::timing::stage("page ops", t);
    let t = std::time::Instant::now();
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
    embed_fonts(&mut lo, &embedded, fonts).map_err(|e| internal(book, e))?;
    crate::timing::stage("printpdf to lopdf", t);
    let t = std::time::Instant::now();
    let out = finish::finish(lo, book, &doc, &masks, &svgs, &marked).map_err(|e| internal(book, e));
    crate::timing::stage("finish", t);
    out
}

/// Each face the pages show, subset to the glyphs they show, with the
/// text each glyph copies as and its width.
fn subset_fonts(
    book: &Meta,
    doc: &Document,
    fonts: &FontSet,
    book_file: &Location,
) -> Result<BTreeMap<FontId, EmbeddedFont>, Diagnostic> {
    // Fonts: collect the glyphs each face shows, and the text each first
    // stood for, then subset and embed. A book shows a million glyphs and
    // a few thousand distinct ones: a bit per glyph id finds the new ones.
    let mut seen: BTreeMap<FontId, Vec<u64>> = BTreeMap::new();
    let mut used: BTreeMap<FontId, BTreeSet<u16>> = BTreeMap::new();
    let mut first_text: BTreeMap<(FontId, u16), &super::page::GlyphText> = BTreeMap::new();
    for page in &doc.pages {
        for item in &page.items {
            if let Item::Text(run) = item {
                let bits = seen.entry(run.font).or_insert_with(|| vec![0; 1024]);
                for g in run.glyphs.iter() {
                    let (word, bit) = (g.gid as usize / 64, 1u64 << (g.gid % 64));
                    if bits[word] & bit == 0 {
                        bits[word] |= bit;
                        used.entry(run.font).or_default().insert(g.gid);
                        first_text.insert((run.font, g.gid), &g.text);
                    }
                }
            }
        }
    }
    let mut embedded: BTreeMap<FontId, EmbeddedFont> = BTreeMap::new();
    for (font, gids) in &used {
        let face = &fonts.faces[font.index()];
        let data: &[u8] = &face.data;
        let (subset, remap) = fonts::subset_glyphs(data, face.index, gids)
            .map_err(|p| p.at(book_file.clone(), &format!("font {}: ", face.family)))?;
        let id = format!("F{}", font.index());
        let face = ttf_parser::Face::parse(data, face.index).map_err(|e| internal(book, e))?;
        let own = own_characters(&face, gids);
        let cids = gids
            .iter()
            .map(|&g| {
                let text = first_text.get(&(*font, g)).filter(|t| !t.is_empty());
                // printpdf needs the text of every occurrence (its
                // fallback from the font's own map does not survive the
                // subsetting). A glyph that is some character's own
                // copies as that character (the one it first stood for,
                // when several share it); any other (a ligature, a
                // conjunct, a contextual form) as the text it first
                // stood for. Where that is not what a cluster says, the
                // cluster carries its own text (see `show_run`).
                let cid = match (text, own.get(&g)) {
                    (Some(super::page::GlyphText::One(c)), Some(_))
                        if face.glyph_index(*c).map(|i| i.0) == Some(g) =>
                    {
                        Some(c.to_string())
                    }
                    (_, Some(c)) => Some(c.to_string()),
                    (Some(t), None) => Some(t.to_text()),
                    (None, None) => None,
                };
                (g, cid)
            })
            .collect();
        let upm = face.units_per_em().max(1);
        let widths = gids
            .iter()
            .map(|&g| {
                let w = face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0);
                (
                    g,
                    (f64::from(w) * 1_000_000.0 / f64::from(upm)).round() as i64,
                )
            })
            .collect();
        embedded.insert(
            *font,
            EmbeddedFont {
                id,
                program: subset,
                cids,
                remap: remap.into_iter().collect(),
                widths,
            },
        );
    }

    Ok(embedded)
}

/// The pictures the pages show, by key: each registered with printpdf as
/// an external object (an SVG as a placeholder its drawing replaces), with
/// the soft masks of those that have transparency.
struct Pictures {
    images: BTreeMap<String, (XObjectId, u8)>,
    masks: BTreeMap<String, (u32, u32, Vec<u8>)>,
    svgs: BTreeMap<String, svg::SvgForm>,
    /// What became of drawings a press file could not carry as they are.
    warnings: Vec<Diagnostic>,
}

fn place_pictures(
    book: &Meta,
    doc: &Document,
    fonts: &FontSet,
    book_file: &Location,
    pdf: &mut PdfDocument,
) -> Result<Pictures, Diagnostic> {
    // Images: each distinct one embedded once, at full resolution.
    let mut images: BTreeMap<String, (XObjectId, u8)> = BTreeMap::new();
    let mut masks: BTreeMap<String, (u32, u32, Vec<u8>)> = BTreeMap::new();
    let mut svgs: BTreeMap<String, svg::SvgForm> = BTreeMap::new();
    let mut warnings = Vec::new();
    // Each distinct picture, in order of first appearance, prepared on
    // every core (decoding, where needed, is the slow part).
    let mut keys: Vec<&str> = Vec::new();
    let mut seen = BTreeSet::new();
    for page in &doc.pages {
        for item in &page.items {
            if let Item::Image(img) = item
                && seen.insert(img.key.as_str())
            {
                keys.push(img.key.as_str());
            }
        }
    }
    enum Prepared {
        Svg(svg::SvgForm, Option<Diagnostic>),
        Raster(image::PdfImage),
    }
    let press = match book.print {
        Some(crate::print::PdfX::X1a { ink_limit }) => Some(press::Press::new(ink_limit)),
        _ => None,
    };
    let prepared = crate::pool::map(&keys, |&key| -> Result<Prepared, Diagnostic> {
        let at = book
            .images
            .get(key)
            .map_or(book_file.clone(), |a| a.named_at.clone());
        let prefix = format!("image `{key}`: ");
        let (bytes, info) = match (book.images.get(key), doc.extra_images.get(key)) {
            (Some(asset), _) => (
                asset.bytes().map_err(|p| p.at(at.clone(), &prefix))?,
                asset.info.clone(),
            ),
            (None, Some((bytes, info))) => (bytes.clone(), info.clone()),
            (None, None) => {
                return Err(internal(book, format!("image {key} is not in the book")));
            }
        };
        if info.media_type == "image/svg+xml" {
            // A placeholder form, replaced by the drawing once the
            // document is assembled.
            let (form, pictured) =
                svg::convert(&bytes, fonts, press).map_err(|p| p.at(at.clone(), &prefix))?;
            let warning = pictured.map(|why| {
                Diagnostic::warning(
                    Code::Preflight,
                    at,
                    format!(
                        "the drawing `{key}` has {why}, which PDF/X-1a cannot carry: it is printed as a 600 dpi picture"
                    ),
                )
                .help("draw it with opaque colours and no gradients to keep it as vectors, or print to a PDF/X-4 target")
            });
            return Ok(Prepared::Svg(form, warning));
        }
        Ok(Prepared::Raster(
            image::prepare(&bytes, &info).map_err(|p| p.at(at, &prefix))?,
        ))
    });
    for (key, prepared) in keys.into_iter().zip(prepared) {
        let id = XObjectId(format!("Im{}", images.len()));
        match prepared? {
            Prepared::Svg(form, warning) => {
                warnings.extend(warning);
                svgs.insert(id.0.clone(), form);
                pdf.resources.xobjects.map.insert(
                    id.clone(),
                    printpdf::XObject::External(image::placeholder()),
                );
                images.insert(key.to_string(), (id, 0));
            }
            Prepared::Raster(prepared) => {
                if let Some(alpha) = prepared.alpha {
                    masks.insert(id.0.clone(), (prepared.width, prepared.height, alpha));
                }
                pdf.resources
                    .xobjects
                    .map
                    .insert(id.clone(), printpdf::XObject::External(prepared.xobject));
                images.insert(key.to_string(), (id, prepared.quarter_turns));
            }
        }
    }
    Ok(Pictures {
        images,
        masks,
        svgs,
        warnings,
    })
}

fn page_ops(
    page: &Page,
    fonts: &BTreeMap<FontId, EmbeddedFont>,
    images: &BTreeMap<String, (XObjectId, u8)>,
    anchors: &BTreeMap<&str, (usize, f32)>,
) -> (PdfPage, Vec<finish::Marked>) {
    let mut ops = Vec::new();
    // Marked-content sequences of this page that belong to the structure.
    let mut marked: Vec<finish::Marked> = Vec::new();
    // Rules and images first, text over them.
    for item in &page.items {
        match item {
            Item::Rule {
                x,
                y,
                width,
                thickness,
            } => fill_rect(
                &mut ops,
                [*x, y - thickness / 2.0, *width, *thickness],
                black(),
            ),
            Item::Bar {
                x,
                y,
                width,
                height,
            } => fill_rect(&mut ops, [*x, *y, *width, *height], black()),
            Item::Fill {
                x,
                y,
                width,
                height,
                cmyk,
            } => {
                let [c, m, y_, k] = *cmyk;
                let colour = Color::Cmyk(printpdf::Cmyk::new(c, m, y_, k, None));
                fill_rect(&mut ops, [*x, *y, *width, *height], colour);
            }
            Item::Image(img) => {
                if let Some((id, turns)) = images.get(&img.key) {
                    image_ops(&mut ops, img, id, *turns, &mut marked);
                }
            }
            Item::Text(_) => {}
        }
    }
    // The text is written straight into the content stream: a book is a
    // million glyphs, and going through printpdf's operations (an object
    // per glyph, then lopdf's) was a third of the writer's time and most
    // of its memory. The fonts are written by `embed`.
    let text = text_section(page, fonts, &mut marked);
    if !text.is_empty() {
        ops.push(Op::Unknown {
            key: text,
            value: Vec::new(),
        });
    }
    link_ops(&mut ops, page, anchors);
    (
        PdfPage::new(Pt(page.width).into(), Pt(page.height).into(), ops),
        marked,
    )
}

fn black() -> Color {
    Color::Greyscale(printpdf::Greyscale::new(0.0, None))
}

/// A filled rectangle: `[x, y, width, height]` from its lower left.
fn fill_rect(ops: &mut Vec<Op>, [x, y, width, height]: [f32; 4], colour: Color) {
    ops.push(Op::SetFillColor { col: colour });
    ops.push(Op::DrawRectangle {
        rectangle: Rect {
            x: Pt(x),
            y: Pt(y),
            width: Pt(width),
            height: Pt(height),
            mode: Some(PaintMode::Fill),
            winding_order: None,
        },
    });
}

/// A picture drawn in its box, as a figure of the structure with its alt
/// text, or (a colour glyph's) as an artifact.
fn image_ops(
    ops: &mut Vec<Op>,
    img: &super::page::PlacedImage,
    id: &XObjectId,
    turns: u8,
    marked: &mut Vec<finish::Marked>,
) {
    // A colour glyph's picture: its text is set under it.
    let glyph = img.key.starts_with("glyph:");
    // The alt text travels with the image as the marked
    // content's alternate description (ISO 32000, 14.9.3).
    let mut props = BTreeMap::new();
    props.insert("Alt".to_string(), pdf_text(&img.alt));
    if let Some(tag) = img.tag {
        props.insert(
            "MCID".to_string(),
            printpdf::DictItem::Int(marked.len() as i64),
        );
        marked.push(finish::Marked {
            tag,
            alt: Some(img.alt.clone()),
        });
    }
    ops.push(if glyph {
        Op::BeginMarkedContent {
            tag: "Artifact".into(),
        }
    } else {
        Op::BeginMarkedContentWithProperties {
            tag: "Figure".into(),
            properties: printpdf::DictItem::Dict { map: props },
        }
    });
    ops.push(Op::SaveGraphicsState);
    ops.push(Op::SetTransformationMatrix {
        matrix: printpdf::CurTransMat::Raw(image::placement(
            img.x, img.y, img.width, img.height, turns,
        )),
    });
    ops.push(Op::UseXobject {
        id: id.clone(),
        transform: XObjectTransform {
            no_auto_scale: true,
            ..Default::default()
        },
    });
    ops.push(Op::RestoreGraphicsState);
    ops.push(Op::EndMarkedContent);
}

/// The page's links as annotations: a URL, or a place in the book.
fn link_ops(ops: &mut Vec<Op>, page: &Page, anchors: &BTreeMap<&str, (usize, f32)>) {
    for link in &page.links {
        let actions = match &link.target {
            LinkDest::Url(url) => Actions::Uri(url.clone()),
            LinkDest::Anchor(name) => match anchors.get(name.as_str()) {
                Some(&(p, y)) => Actions::Goto(Destination::Xyz {
                    page: p + 1,
                    left: None,
                    top: Some(y),
                    zoom: None,
                }),
                None => continue,
            },
        };
        ops.push(Op::LinkAnnotation {
            link: LinkAnnotation::new(
                Rect {
                    x: Pt(link.x),
                    y: Pt(link.y),
                    width: Pt(link.width),
                    height: Pt(link.height),
                    mode: None,
                    winding_order: None,
                },
                actions,
                Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                None,
                None,
            ),
        });
    }
}

/// For each glyph that a character of the font maps to, that character
/// (the lowest, when several share one glyph, as space and no-break space
/// do).
fn own_characters(face: &ttf_parser::Face, gids: &BTreeSet<u16>) -> BTreeMap<u16, char> {
    let mut own = BTreeMap::new();
    let Some(cmap) = face.tables().cmap else {
        return own;
    };
    for sub in cmap.subtables {
        if !sub.is_unicode() {
            continue;
        }
        sub.codepoints(|cp| {
            if let (Some(c), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp))
                && gids.contains(&g.0)
            {
                own.entry(g.0)
                    .and_modify(|e: &mut char| *e = (*e).min(c))
                    .or_insert(c);
            }
        });
    }
    own
}

/// A number as a content stream writes it: at most `places` decimals,
/// no trailing zeros, never an exponent.
fn num(out: &mut String, v: f32, places: usize) {
    use std::fmt::Write;
    let v = if v.is_finite() { v } else { 0.0 };
    let mut t = format!("{v:.places$}");
    if t.contains('.') {
        while t.ends_with('0') {
            t.pop();
        }
        if t.ends_with('.') {
            t.pop();
        }
    }
    if t == "-0" {
        t = "0".into();
    }
    let _ = write!(out, "{t}");
}

/// A PDF string in hexadecimal: UTF-16BE with a byte-order mark.
fn hex_text(out: &mut String, s: &str) {
    use std::fmt::Write;
    out.push_str("<FEFF");
    for u in s.encode_utf16() {
        let _ = write!(out, "{u:04X}");
    }
    out.push('>');
}

/// The page's text as content-stream operators: `BT`, then each run's
/// structure (marked content with its MCID, or an artifact), font,
/// colour, position and glyphs, then `ET`. Empty when the page has none.
fn text_section(
    page: &Page,
    fonts: &BTreeMap<FontId, EmbeddedFont>,
    marked: &mut Vec<finish::Marked>,
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut current: Option<(FontId, f32)> = None;
    let mut grey = 0.0f32;
    let mut scaling = 1.0f32;
    // The structure element whose marked content is open: Some(None)
    // for an artifact (running heads, folios, ornaments).
    let mut open: Option<Option<super::page::Tag>> = None;
    for item in &page.items {
        let Item::Text(run) = item else { continue };
        let Some(font) = fonts.get(&run.font) else {
            continue;
        };
        if out.is_empty() {
            out.push_str("BT\n0 g\n");
        }
        if open != Some(run.tag) {
            if open.is_some() {
                out.push_str("EMC\n");
            }
            match run.tag {
                Some(tag) => {
                    let _ = writeln!(out, "/{} <</MCID {}>> BDC", tag.role, marked.len());
                    marked.push(finish::Marked { tag, alt: None });
                }
                None => out.push_str("/Artifact BMC\n"),
            }
            open = Some(run.tag);
        }
        if current != Some((run.font, run.size)) {
            let _ = write!(out, "/{} ", font.id);
            num(&mut out, run.size, 3);
            out.push_str(" Tf\n");
            current = Some((run.font, run.size));
        }
        if let Some(c) = run.cmyk {
            for v in c {
                num(&mut out, v, 4);
                out.push(' ');
            }
            out.push_str("k\n");
            grey = f32::NAN;
        } else if run.grey != grey {
            num(&mut out, run.grey, 4);
            out.push_str(" g\n");
            grey = run.grey;
        }
        let m = match run.turn {
            Turn::Clockwise => [0.0, -1.0, 1.0, 0.0, run.x, run.y],
            Turn::Counter => [0.0, 1.0, -1.0, 0.0, run.x, run.y],
            Turn::Upright => [1.0, 0.0, 0.0, 1.0, run.x, run.y],
        };
        for v in m {
            num(&mut out, v, 3);
            out.push(' ');
        }
        out.push_str("Tm\n");
        if run.scale != scaling {
            // Font expansion: the text stays text, drawn wider or narrower.
            num(&mut out, run.scale * 100.0, 2);
            out.push_str(" Tz\n");
            scaling = run.scale;
        }
        if run.invisible {
            out.push_str("3 Tr\n");
        }
        show_run(&mut out, run, font);
        if run.invisible {
            out.push_str("0 Tr\n");
        }
    }
    if open.is_some() {
        out.push_str("EMC\n");
    }
    if !out.is_empty() {
        out.push_str("ET\n");
    }
    out
}

/// Shows a run's glyphs (`TJ`, with the offsets that put each glyph where
/// the typesetter put it). Each cluster (a glyph with text and the glyphs
/// after it without) copies as the text of its glyphs' ToUnicode entries;
/// a cluster whose glyphs say something else (a Devanagari vowel sign
/// drawn before its consonant, a conjunct first met in another syllable)
/// is wrapped in a span with its actual text (ISO 32000, 14.9.4), so the
/// text pulled back out is what was written.
fn show_run(out: &mut String, run: &super::page::GlyphRun, font: &EmbeddedFont) {
    use std::fmt::Write;
    let scale = run.size / 1_000_000.0;
    let glyph = |out: &mut String, g: &super::page::PlacedGlyph| {
        let pdf_width = font.widths.get(g.gid).copied().unwrap_or(0) as f32 * scale;
        let code = font.remap.get(g.gid).copied().unwrap_or(0);
        let _ = write!(out, "<{code:04X}>");
        // TJ moves the next glyph left by offset/1000 em: the difference
        // between where the glyph should end (its shaped, justified
        // advance) and where the PDF's width array puts it.
        let offset = -(g.advance - pdf_width) * 1000.0 / run.size;
        let offset = (offset * 100.0).round() / 100.0;
        if offset.abs() >= 0.01 {
            num(out, offset, 2);
        }
    };
    let glyphs = &run.glyphs;
    let mut open = false;
    let mut i = 0;
    while i < glyphs.len() {
        let mut end = i + 1;
        while end < glyphs.len() && glyphs[end].text.is_empty() {
            end += 1;
        }
        let cluster = &glyphs[i..end];
        // A glyph with no text of its own anywhere would copy as U+FFFD.
        let mut said = String::new();
        let mut whole = true;
        for g in cluster {
            match font.cids.get(g.gid) {
                Some(Some(t)) => said.push_str(t),
                _ => whole = false,
            }
        }
        let actual = cluster[0].text.to_text();
        if actual.is_empty() || (whole && said == actual) {
            if !open {
                out.push('[');
                open = true;
            }
            for g in cluster {
                glyph(out, g);
            }
        } else {
            if open {
                out.push_str("] TJ\n");
                open = false;
            }
            out.push_str("/Span <</ActualText ");
            hex_text(out, &actual);
            out.push_str(">> BDC\n[");
            for g in cluster {
                glyph(out, g);
            }
            out.push_str("] TJ\nEMC\n");
        }
        i = end;
    }
    if open {
        out.push_str("] TJ\n");
    }
}

/// Adds each subset face's objects and names them in every page's
/// resources, under the names the content streams use.
fn embed_fonts(
    lo: &mut lopdf::Document,
    embedded: &BTreeMap<FontId, EmbeddedFont>,
    fonts: &FontSet,
) -> Result<(), String> {
    let mut names = lopdf::Dictionary::new();
    for (id, font) in embedded {
        let face = &fonts.faces[id.index()];
        let parsed = ttf_parser::Face::parse(&face.data, face.index).map_err(|e| e.to_string())?;
        let mut glyphs: Vec<(u16, i64, Option<String>)> = font
            .remap
            .0
            .iter()
            .enumerate()
            .filter(|&(g, &code)| code != 0 || g == 0)
            .map(|(g, &code)| {
                let g = g as u16;
                let width = font.widths.get(g).copied().unwrap_or(0);
                let text = font.cids.get(g).cloned().flatten();
                (code, width, text)
            })
            .collect();
        glyphs.sort_by_key(|g| g.0);
        glyphs.dedup_by_key(|g| g.0);
        let subset = embed::Subset {
            name: format!(
                "{}+{}",
                embed::subset_tag(&face.postscript_name),
                face.postscript_name
            ),
            program: &font.program,
            face: &parsed,
            glyphs,
        };
        let object = embed::add(lo, &subset)?;
        names.set(font.id.as_str(), lopdf::Object::Reference(object));
    }
    let names = lo.add_object(names);
    let pages: Vec<lopdf::ObjectId> = lo.get_pages().values().copied().collect();
    for page in pages {
        let resources = match lo.get_dictionary(page).and_then(|d| d.get(b"Resources")) {
            Ok(lopdf::Object::Reference(r)) => *r,
            _ => return Err("a page without its resources".into()),
        };
        lo.get_dictionary_mut(resources)
            .map_err(|e| e.to_string())?
            .set("Font", lopdf::Object::Reference(names));
    }
    Ok(())
}

/// A PDF text string: literal when ASCII, else UTF-16BE with a byte order mark.
fn pdf_text(s: &str) -> printpdf::DictItem {
    if s.is_ascii() {
        printpdf::DictItem::String {
            data: s.as_bytes().to_vec(),
            literal: true,
        }
    } else {
        let mut data = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            data.extend_from_slice(&u.to_be_bytes());
        }
        printpdf::DictItem::String {
            data,
            literal: false,
        }
    }
}
