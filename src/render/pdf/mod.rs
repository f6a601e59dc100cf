//! The PDF renderer: a [`Book`] in, the bytes of a paginated PDF out.
//!
//! Two layers, kept apart. The typesetter (`shape`, `hyphenate`,
//! `linebreak`, `paragraph`, `flow`, `paginate`, `furniture`, `toc`) turns
//! the model into pages of positioned glyphs, rules, images and link areas,
//! and knows nothing of PDF. The writer (`writer/`) turns those pages into
//! PDF bytes and is the only code that touches printpdf.

mod account;
mod cover;
mod flow;
mod furniture;
mod hyphenate;
mod inline;
mod linebreak;
mod mathset;
mod page;
mod paginate;
mod shape;
pub mod style;
mod toc;
mod writer;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::model::{Book, Layout};
use flow::{Draw, Flow, VItem};
use inline::{SetLine, Setter};
use page::{Anchor, Document, GlyphRun, Item, LinkArea, OutlineEntry, Page, PlacedImage, Tag};
use paginate::{PageBody, Paginator};
use shape::Shaper;
use std::collections::HashSet;
use style::Geometry;

/// The PDF renderer.
pub struct Pdf;

impl crate::render::Renderer for Pdf {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn render(&self, book: &Book) -> crate::render::Rendered {
        let mut diags = Diagnostics::default();
        let (files, breaks, pages) = match make(book, &mut diags) {
            Ok(made) => made,
            Err(d) => {
                diags.push(d);
                Default::default()
            }
        };
        let mut rendered = crate::render::Rendered::new(files, diags);
        rendered.page_breaks = breaks;
        rendered.pages = pages;
        rendered
    }
}

/// The file that stands for the whole book in messages.
fn book_file(book: &Book) -> Location {
    Location::file(
        book.chapters
            .first()
            .map(|c| c.source.clone())
            .unwrap_or_default(),
    )
}

/// The PDF's files, where its pages begin in the book, and how many
/// pages the interior has.
type Made = (
    Vec<crate::render::File>,
    Vec<crate::model::PageBreak>,
    Option<usize>,
);

fn make(book: &Book, diags: &mut Diagnostics) -> Result<Made, Diagnostic> {
    let t = std::time::Instant::now();
    let fonts = crate::fonts::FontSet::with(&book.options.fonts)
        .map_err(|p| p.at(book_file(book), "font: "))?;
    let missing =
        crate::fonts::coverage::check(book, &fonts, crate::diagnostics::Severity::Error, "PDF");
    if !missing.is_empty() {
        for d in missing {
            diags.push(d);
        }
        return Ok(Default::default());
    }
    crate::timing::stage("fonts and coverage", t);
    let t = std::time::Instant::now();
    crate::progress::stage("typesetting");
    let mut doc = typeset(book, &fonts, diags)?;
    crate::timing::stage("typeset", t);
    if let Some(print) = &book.options.print {
        preflight(book, print, &doc, diags);
    }
    if diags.has_errors() {
        return Ok(Default::default());
    }
    let t = std::time::Instant::now();
    let page_count = doc.pages.len();
    crate::progress::stage("writing the PDF");
    crate::progress::detail(|| format!("{page_count} pages"));
    let page_breaks = std::mem::take(&mut doc.page_breaks);
    let bytes = writer::write(book, doc, &fonts)?;
    if book.options.print.is_some() {
        // Every print PDF is checked against the PDF/X rules Quire knows;
        // one that fails is a bug, and nothing is sent to a printer.
        for (rule, result) in writer::pdfx::check(&bytes) {
            if let Err(why) = result {
                diags.push(
                    Diagnostic::error(
                        Code::Internal,
                        book_file(book),
                        format!(
                            "internal error: the print PDF breaks the PDF/X rule `{rule}`: {why}"
                        ),
                    )
                    .help("this is a bug in Quire; please report it with the input"),
                );
            }
        }
    }
    crate::timing::stage("write", t);
    let mut files = vec![crate::render::File {
        format: "pdf",
        suffix: "",
        extension: "pdf",
        bytes,
    }];
    if let Some(print) = &book.options.print {
        let cover = cover::full_wrap(book, &fonts, print, page_count as u32, diags)?;
        let bytes = writer::write(book, cover, &fonts)?;
        files.push(crate::render::File {
            format: "cover",
            suffix: "-cover",
            extension: "pdf",
            bytes,
        });
    }
    Ok((files, page_breaks, Some(page_count)))
}

/// What a printer would refuse, refused here: a page count outside its
/// range, and anything printed outside the safe area of a page (a bug in
/// the layout, since the margins are set from the same rules).
fn preflight(
    book: &Book,
    print: &crate::print::PrintOptions,
    doc: &Document,
    diags: &mut Diagnostics,
) {
    let profile = print.target.profile();
    let pages = doc.pages.len() as u32;
    let (least, most) = profile.pages;
    if !(least..=most).contains(&pages) {
        diags.push(
            Diagnostic::error(
                Code::PrintTarget,
                book_file(book),
                format!(
                    "the interior has {pages} pages; {} prints books of {least} to {most} pages",
                    profile.name
                ),
            )
            .help(if pages < least {
                "a smaller trim size, or more text, makes more pages"
            } else {
                "a larger trim size makes fewer pages; or split the book into volumes"
            }),
        );
    }
    let safety = profile.safety * crate::print::PT;
    for (n, page) in doc.pages.iter().enumerate() {
        let Some((tx, ty, tw, th)) = page.trim else {
            continue;
        };
        let (x0, y0, x1, y1) = (tx + safety, ty + safety, tx + tw - safety, ty + th - safety);
        let outside = page.items.iter().find_map(|item| {
            let (a, b, c, d, what) = match item {
                page::Item::Text(run) => {
                    let w = run.width();
                    let text: String = run.glyphs.iter().map(|g| g.text.to_text()).collect();
                    let (up, down) = (run.size * 0.7, run.size * 0.2);
                    match run.turn {
                        page::Turn::Upright => (run.x, run.y - down, run.x + w, run.y + up, text),
                        page::Turn::Counter => (run.x - up, run.y, run.x + down, run.y + w, text),
                        page::Turn::Clockwise => (run.x - down, run.y - w, run.x + up, run.y, text),
                    }
                }
                page::Item::Rule { x, y, width, .. } => (*x, *y, x + width, *y, "a rule".into()),
                page::Item::Bar {
                    x,
                    y,
                    width,
                    height,
                } => (*x, *y, x + width, y + height, "a rule".into()),
                page::Item::Fill { .. } => return None,
                // A picture that covers the whole trimmed page fills it
                // on purpose, into the bleed.
                page::Item::Image(img)
                    if img.x <= tx
                        && img.y <= ty
                        && img.x + img.width >= tx + tw
                        && img.y + img.height >= ty + th =>
                {
                    return None;
                }
                page::Item::Image(img) => (
                    img.x,
                    img.y,
                    img.x + img.width,
                    img.y + img.height,
                    format!("image {}", img.key),
                ),
            };
            let inside = a >= x0 - 0.5 && b >= y0 - 0.5 && c <= x1 + 0.5 && d <= y1 + 0.5;
            (!inside).then_some(what)
        });
        if let Some(what) = outside {
            diags.push(
                Diagnostic::error(
                    Code::Preflight,
                    book_file(book),
                    format!(
                        "page {}: `{}` is printed less than {} in from the trimmed edge, where {} may cut it",
                        n + 1,
                        what.trim(),
                        crate::print::fmt_in(profile.safety),
                        profile.name
                    ),
                )
                .help("this is a bug in Quire's layout; please report it with the input"),
            );
            break;
        }
    }
}

/// The trimmed page: the book's page size, or the layout's default.
pub fn trim_for(book: &Book) -> style::PageSize {
    book.options
        .page_size
        .unwrap_or_else(|| style::PageSize::default_for(book.layout, &book.meta.language))
}

/// The screen geometry, or for a print target the printed page for a book
/// of `pages` pages (the gutter grows with the page count).
pub fn geometry_for(book: &Book, pages: u32) -> Geometry {
    let mut g = geometry_unbound(book, pages);
    g.rtl = book.meta.rtl;
    g
}

fn geometry_unbound(book: &Book, pages: u32) -> Geometry {
    let trim = trim_for(book);
    let o = &book.options;
    let design = style::Design {
        size: o.style.font_size,
        line_height: o.style.line_height,
        margins: o.margins,
    };
    match &book.options.print {
        None => Geometry::build(
            trim,
            style::Bleed::default(),
            book.layout == Layout::Book,
            style::Minimums::default(),
            &design,
        ),
        Some(p) => {
            let profile = p.target.profile();
            let b = profile.bleed * crate::print::PT;
            let bleed = style::Bleed {
                inside: if profile.bleed_inside { b } else { 0.0 },
                outside: b,
                top: b,
                bottom: b,
                // Crop marks stand in three eighths of an inch of room.
                slug: if p.crop_marks {
                    0.375 * crate::print::PT
                } else {
                    0.0
                },
            };
            let min = style::Minimums {
                inside: (profile.gutter)(pages) * crate::print::PT,
                safety: profile.safety * crate::print::PT,
            };
            Geometry::build(trim, bleed, true, min, &design)
        }
    }
}

/// Sets the whole book into pages; what it finds goes to `diags`. A print
/// interior is set again when its page count moves it into another row
/// of the printer's gutter table (at most twice more: the count settles).
pub fn typeset(
    book: &Book,
    fonts: &crate::fonts::FontSet,
    diags: &mut Diagnostics,
) -> Result<Document, Diagnostic> {
    let Some(print) = &book.options.print else {
        return typeset_on(book, fonts, &geometry_for(book, 0), diags);
    };
    let gutter = print.target.profile().gutter;
    if print.crop_marks && print.target != crate::print::Target::Print {
        diags.warning(
            Code::PrintTarget,
            book_file(book),
            format!(
                "{} asks for interiors without crop marks; they are added because --crop-marks asks for them",
                print.target.profile().name
            ),
        );
    }
    let mut pages = 0u32;
    for _ in 0..3 {
        let mut pass = Diagnostics::default();
        let doc = typeset_on(book, fonts, &geometry_for(book, pages), &mut pass)?;
        let count = doc.pages.len() as u32;
        if gutter(count) == gutter(pages) || pass.has_errors() {
            diags.extend(pass);
            return Ok(pad(book, print, doc, &geometry_for(book, pages), diags));
        }
        pages = count;
    }
    let g = geometry_for(book, pages);
    let doc = typeset_on(book, fonts, &g, diags)?;
    Ok(pad(book, print, doc, &g, diags))
}

/// A printed book has an even number of pages, and at least as many as
/// its printer binds: blank pages are added at the end (with a warning
/// when it takes more than one).
fn pad(
    book: &Book,
    print: &crate::print::PrintOptions,
    mut doc: Document,
    g: &Geometry,
    diags: &mut Diagnostics,
) -> Document {
    let profile = print.target.profile();
    let have = doc.pages.len() as u32;
    if let Some(set) = book.options.margins.inside {
        let needed = (profile.gutter)(have) * crate::print::PT;
        if set + 0.01 < needed {
            diags.warning(
                Code::PrintTarget,
                book_file(book),
                format!(
                    "the inside margin of {} in is widened to {} in: {} asks for that on a book of {have} pages",
                    crate::print::fmt_in(set / crate::print::PT),
                    crate::print::fmt_in(needed / crate::print::PT),
                    profile.name
                ),
            );
        }
    }
    let mut want = have.max(profile.pages.0);
    want += want % 2;
    if want > have + 1 {
        diags.warning(
            Code::PrintTarget,
            book_file(book),
            format!(
                "the interior has {have} pages and {} binds at least {}: {} blank pages are added at the end",
                profile.name,
                profile.pages.0,
                want - have
            ),
        );
    }
    for i in have..want {
        doc.pages.push(Page {
            width: g.page.width,
            height: g.page.height,
            items: Vec::new(),
            links: Vec::new(),
            label: None,
            trim: Some(g.trim_box(i as usize)),
            bleed: Some(g.bleed_box()),
        });
    }
    doc
}

/// Sets the whole book on pages of geometry `g`.
fn typeset_on(
    book: &Book,
    fonts: &crate::fonts::FontSet,
    g: &Geometry,
    diags: &mut Diagnostics,
) -> Result<Document, Diagnostic> {
    let g = g.clone();
    let print = book.options.print.is_some();
    let mut shaper = Shaper::new(fonts).map_err(|p| p.at(book_file(book), "font: "))?;
    let hyphenator = hyphenate::Hyphenator::new(&book.meta.language);
    warn_if_unhyphenated(book, &hyphenator, diags);
    let mut extra_images = std::collections::BTreeMap::new();
    let cover = front_cover(book, fonts, print, &mut extra_images)?;
    let toc_entries = toc::entries(book);
    let front = front_plan(book, cover, &g, &toc_entries);
    let front_count = front.len();
    let set = set_chapters(book, fonts, &g, diags);
    let note_leading = (g.size * 0.82 * 1.25 * 2.0).round() / 2.0;
    let mut bodies = Paginator {
        geometry: &g,
        items: &set.items,
        notes: &set.notes,
        note_leading,
        first_page_index: front_count,
    }
    .run();
    for body in &mut bodies {
        body.full_bleed = body.placed.iter().any(|&(i, _)| {
            set.items[i]
                .draws
                .iter()
                .any(|d| matches!(d, flow::Draw::PageImage { .. }))
        });
    }
    account::check(
        book,
        &account::Laid {
            geometry: &g,
            items: &set.items,
            notes: &set.notes,
            bodies: &bodies,
            chapter_items: &set.chapter_items,
            chapter_notes: &set.chapter_notes,
            first_page_index: front_count,
            note_leading,
        },
        diags,
    );
    let composer = Composer {
        g: &g,
        items: &set.items,
        notes: &set.notes,
        note_leading,
    };
    let (mut pages, mut anchors, outline) = compose_body(&composer, &bodies, front_count);
    let mut setter = Setter {
        shaper: &mut shaper,
        hyphenator: &hyphenator,
        rtl: false,
        book_rtl: book.meta.rtl,
        micro: inline::Micro::OFF,
    };
    furniture::running_heads(book, &g, &mut setter, &mut pages[..], &bodies, front_count);
    // Front matter pages, now that the contents can be numbered.
    let known: std::collections::HashMap<String, usize> = anchors
        .iter()
        .rev()
        .map(|a| (a.name.clone(), a.page))
        .collect();
    let page_of = |anchor: &str| -> Option<String> {
        known
            .get(anchor)
            .and_then(|&p| pages[p - front_count].label.clone())
    };
    let mut all = furniture::build_front(
        book,
        &g,
        &mut setter,
        front,
        &toc_entries,
        &page_of,
        &mut anchors,
    );
    let page_breaks = if print {
        print_page_map(&bodies, &set)
    } else {
        Vec::new()
    };
    all.extend(pages);
    if print {
        print_marks(&mut all, &g);
    }
    Ok(Document {
        page_breaks,
        pages: all,
        anchors,
        outline,
        extra_images,
    })
}

/// Says so when the book's language has no hyphenation patterns (and is
/// one that hyphenates at all).
fn warn_if_unhyphenated(book: &Book, hyphenator: &hyphenate::Hyphenator, diags: &mut Diagnostics) {
    // Chinese, Japanese, Korean and Thai are not hyphenated at all, nor
    // are Arabic, Hebrew and the languages written in their scripts.
    let unhyphenated = book.meta.rtl
        || matches!(
            book.meta.language.split(['-', '_']).next().unwrap_or(""),
            "ja" | "zh" | "ko" | "th" | "lo" | "km" | "my"
        );
    if !hyphenator.supports_language() && !unhyphenated {
        diags.warning(
            Code::Hyphenation,
            book_file(book),
            format!(
                "no hyphenation patterns for `{}`; the PDF is set without hyphenation",
                book.meta.language
            ),
        );
    }
}

/// The cover the PDF opens with, as a picture key and its size in pixels:
/// the book's own, or (for a book) one drawn for it, kept in
/// `extra_images`. A print interior has none: its cover is a file of its
/// own.
fn front_cover(
    book: &Book,
    fonts: &crate::fonts::FontSet,
    print: bool,
    extra_images: &mut std::collections::BTreeMap<String, (Vec<u8>, crate::images::ImageInfo)>,
) -> Result<Option<furniture::Cover>, Diagnostic> {
    let cover_key = match (&book.cover, book.layout) {
        _ if print => None,
        (Some(key), _) => Some(key.clone()),
        (None, Layout::Book) => {
            let png = crate::images::cover::generate(&book.meta, fonts)
                .map_err(|p| p.at(book_file(book), "cover: "))?;
            let info = crate::images::probe_bytes(&png, "png", u64::MAX)
                .map_err(|p| p.at(book_file(book), "cover: "))?;
            extra_images.insert(furniture::GENERATED_COVER.to_string(), (png, info));
            Some(furniture::GENERATED_COVER.to_string())
        }
        (None, Layout::Article) => None,
    };
    Ok(cover_key.map(|k| {
        let info = book
            .images
            .get(&k)
            .map(|a| &a.info)
            .or_else(|| extra_images.get(&k).map(|e| &e.1));
        let size = info.map_or((1, 1), |i| (i.width, i.height));
        (k, size)
    }))
}

/// The front matter's pages: a book's cover, title page, copyright page
/// and contents; an article's cover, if its author gave one.
fn front_plan(
    book: &Book,
    cover: Option<furniture::Cover>,
    g: &Geometry,
    toc_entries: &[toc::Entry],
) -> furniture::FrontPlan {
    match book.layout {
        Layout::Book => furniture::front_matter(cover, g, toc_entries),
        Layout::Article => furniture::FrontPlan {
            pages: if cover.is_some() {
                vec![furniture::Front::Cover]
            } else {
                Vec::new()
            },
            cover,
        },
    }
}

/// Every chapter set, in order: the items of all, the notes of all, and
/// which of each belong to which chapter.
struct SetChapters {
    items: Vec<VItem>,
    notes: Vec<flow::Note>,
    chapter_items: Vec<std::ops::Range<usize>>,
    chapter_notes: Vec<std::ops::Range<usize>>,
}

/// Sets every chapter into lines and blocks, ready to be paginated.
fn set_chapters(
    book: &Book,
    fonts: &crate::fonts::FontSet,
    g: &Geometry,
    diags: &mut Diagnostics,
) -> SetChapters {
    // In a book every chapter starts a page (a part's title, a dedication
    // and an epigraph a right-hand one); in an article, each file does,
    // and chapters cut from one file follow on.
    let new_page = |i: usize| {
        use crate::model::ChapterRole::{Dedication, Epigraph, Part};
        let ch = &book.chapters[i];
        match book.layout {
            Layout::Book if matches!(ch.role, Part | Dedication | Epigraph) => Some(true),
            Layout::Book => Some(book.options.chapters_on_recto),
            Layout::Article if i == 0 => None,
            Layout::Article if book.chapters[i - 1].source == ch.source => None,
            Layout::Article => Some(false),
        }
    };
    /// One chapter, set: its items, notes and diagnostics.
    type Set = (Vec<VItem>, Vec<flow::Note>, Diagnostics);
    // Chapters are independent until pagination: set them side by side,
    // each worker with a shaper and a hyphenator (which keep caches) of
    // its own.
    type Worker<'f> = (Option<Shaper<'f>>, hyphenate::Hyphenator);
    let set_one = |(shaper, hyphenator): &mut Worker, i: usize| -> Option<Set> {
        // For the tests of panic handling: a fault made on purpose, in a
        // worker inside a renderer's work.
        if std::env::var_os("QUIRE_INJECT_FAULT").is_some_and(|v| v == "typeset-thread") {
            panic!("fault injected for a test (QUIRE_INJECT_FAULT)");
        }
        // A shaper that cannot be made is reported once, by the caller's.
        let shaper = shaper.as_mut()?;
        crate::progress::detail(|| format!("chapter {} of {}", i + 1, book.chapters.len()));
        let setter = Setter {
            shaper,
            hyphenator,
            rtl: false,
            book_rtl: book.meta.rtl,
            micro: inline::Micro {
                protrusion: book.options.style.protrusion.unwrap_or(true),
                expansion: book.options.style.expansion(),
                max_hang: g.hang_room,
            },
        };
        let mut fl = Flow::new(book, g, setter);
        fl.chapter(i, new_page(i));
        Some((fl.items, fl.notes, fl.diags))
    };
    // Collected in the chapters' order (rayon keeps it).
    let set: Vec<Set> = {
        use rayon::prelude::*;
        crate::pool::start(None);
        (0..book.chapters.len())
            .into_par_iter()
            .map_init(
                || {
                    (
                        Shaper::new(fonts).ok(),
                        hyphenate::Hyphenator::new(&book.meta.language),
                    )
                },
                set_one,
            )
            .flatten()
            .collect()
    };
    let mut out = SetChapters {
        items: Vec::new(),
        notes: Vec::new(),
        chapter_items: Vec::new(),
        chapter_notes: Vec::new(),
    };
    for (set_items, set_notes, chapter_diags) in set {
        diags.extend(chapter_diags);
        let (items, notes) = (out.items.len(), out.notes.len());
        out.chapter_items.push(items..items + set_items.len());
        out.chapter_notes.push(notes..notes + set_notes.len());
        out.items.extend(set_items);
        out.notes.extend(set_notes);
    }
    out
}

/// The body pages composed, numbered from 1, with the anchors and the
/// outline entries they hold.
fn compose_body(
    composer: &Composer,
    bodies: &[paginate::PageBody],
    front_count: usize,
) -> (Vec<Page>, Vec<Anchor>, Vec<OutlineEntry>) {
    let mut pages = Vec::with_capacity(bodies.len());
    let mut anchors: Vec<Anchor> = Vec::new();
    let mut outline: Vec<OutlineEntry> = Vec::new();
    let mut named: HashSet<String> = HashSet::new();
    let mut outlined: HashSet<String> = HashSet::new();
    for (n, body) in bodies.iter().enumerate() {
        let mut page = compose(
            composer,
            front_count + n,
            body,
            &mut Named {
                anchors: &mut anchors,
                names: &mut named,
                outline: &mut outline,
                outlined: &mut outlined,
            },
        );
        page.label = Some((n + 1).to_string());
        pages.push(page);
    }
    (pages, anchors, outline)
}

/// Where each text page begins in the book: for the page list of an EPUB
/// built beside a print edition.
fn print_page_map(
    bodies: &[paginate::PageBody],
    set: &SetChapters,
) -> Vec<crate::model::PageBreak> {
    bodies
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.blank)
        .filter_map(|(n, body)| {
            let label = (n + 1).to_string();
            if let Some(c) = body.opens_chapter {
                return Some(crate::model::PageBreak {
                    label,
                    chapter: c,
                    at: None,
                });
            }
            body.placed.iter().find_map(|&(idx, _)| {
                let place = set.items[idx].place?;
                let chapter = set.chapter_items.iter().position(|r| r.contains(&idx))?;
                Some(crate::model::PageBreak {
                    label: label.clone(),
                    chapter,
                    at: Some(place),
                })
            })
        })
        .collect()
}

/// A print interior's boxes and crop marks; no links (printers refuse
/// annotations on the page; the outline keeps working).
fn print_marks(all: &mut [Page], g: &Geometry) {
    for (i, page) in all.iter_mut().enumerate() {
        page.trim = Some(g.trim_box(i));
        page.bleed = Some(g.bleed_box());
        for (x, y, width, height) in g.crop_marks(i) {
            page.items.push(Item::Fill {
                x,
                y,
                width,
                height,
                // Registration: every ink, so each plate shows it.
                cmyk: [1.0, 1.0, 1.0, 1.0],
            });
        }
        // Printers reject annotations on the page: links stay in the
        // screen PDF (the outline keeps working).
        page.links.clear();
    }
}

/// Footnotes are numbered as structure elements after everything else.
const NOTE_ELEMS: u32 = 3_000_000_000;

/// What every page is composed from.
struct Composer<'a> {
    g: &'a Geometry,
    items: &'a [VItem],
    notes: &'a [flow::Note],
    note_leading: f32,
}

/// The anchors and outline entries met so far, with sets to find them by
/// name in constant time (a book may have tens of thousands).
struct Named<'a> {
    anchors: &'a mut Vec<Anchor>,
    names: &'a mut HashSet<String>,
    outline: &'a mut Vec<OutlineEntry>,
    outlined: &'a mut HashSet<String>,
}

/// Places one page's items and notes on the page.
fn compose(c: &Composer, index: usize, body: &PageBody, named: &mut Named) -> Page {
    let g = c.g;
    let mut page = Page {
        width: g.page.width,
        height: g.page.height,
        items: Vec::new(),
        links: Vec::new(),
        label: None,
        trim: None,
        bleed: None,
    };
    let left = g.left(index);
    let top = g.top_y();
    let last = body.placed.len().saturating_sub(1);
    for (n, &(idx, offset)) in body.placed.iter().enumerate() {
        let item = &c.items[idx];
        let y_top = top - offset;
        if item.edge_only && n != 0 && n != last {
            continue;
        }
        for name in &item.anchors {
            if named.names.insert(name.clone()) {
                named.anchors.push(Anchor {
                    name: name.clone(),
                    page: index,
                    y: y_top + g.leading * 0.2,
                });
            }
        }
        if let Some((title, level)) = &item.outline
            && let Some(name) = item.anchors.first()
            && named.outlined.insert(name.clone())
        {
            named.outline.push(OutlineEntry {
                title: title.clone(),
                level: *level,
                anchor: name.clone(),
            });
        }
        for d in &item.draws {
            if g.rtl {
                draw(&mut page, &mirrored(d, g.measure()), left, y_top, item.tag);
            } else {
                draw(&mut page, d, left, y_top, item.tag);
            }
        }
    }
    // Footnotes, from the foot of the text block up.
    if !body.notes.is_empty() {
        let bottom = top - g.text_height();
        let block = body.notes.len() as f32 * c.note_leading;
        let rule_y = bottom + block + paginate::note_gap(g) * 0.45;
        // The short rule above the notes starts where lines start.
        let rule_x = if g.rtl {
            left + g.measure() * 0.75
        } else {
            left
        };
        page.items.push(Item::Rule {
            x: rule_x,
            y: rule_y,
            width: g.measure() * 0.25,
            thickness: 0.4,
        });
        let mut y = bottom + block;
        let mut last_note = None;
        for &(n, l) in &body.notes {
            let note = &c.notes[n];
            let (dx, line) = &note.lines[l];
            let y_top = y;
            if l == 0 && last_note != Some(n) && named.names.insert(note.key.clone()) {
                named.anchors.push(Anchor {
                    name: note.key.clone(),
                    page: index,
                    y: y_top,
                });
            }
            last_note = Some(n);
            let tag = Tag {
                role: "Note",
                elem: NOTE_ELEMS + n as u32,
            };
            let dx = if g.rtl {
                g.measure() - dx - line_box(line)
            } else {
                *dx
            };
            place_tagged(
                &mut page,
                line,
                left + dx,
                y_top - c.note_leading * 0.78,
                Some(tag),
            );
            y -= c.note_leading;
        }
    }
    page
}

/// The width of the box a line was set in: its measure, or for a line
/// set without one (a list marker), what it holds.
fn line_box(line: &SetLine) -> f32 {
    if line.measure > 0.0 && line.measure < 1.0e5 {
        line.measure
    } else {
        line.width
    }
}

/// A draw of a right-to-left book, its place mirrored in the text block
/// `width` wide: indents, list markers and table columns from the right.
/// What it draws is not mirrored (its lines are set right to left).
fn mirrored(d: &Draw, width: f32) -> Draw {
    match d {
        Draw::Text { dx, baseline, line } => Draw::Text {
            dx: width - dx - line_box(line),
            baseline: *baseline,
            line: line.clone(),
        },
        Draw::Rule {
            dx,
            dy,
            width: w,
            thickness,
        } => Draw::Rule {
            dx: width - dx - w,
            dy: *dy,
            width: *w,
            thickness: *thickness,
        },
        Draw::Image {
            dx,
            dy,
            width: w,
            height,
            key,
            alt,
        } => Draw::Image {
            dx: width - dx - w,
            dy: *dy,
            width: *w,
            height: *height,
            key: key.clone(),
            alt: alt.clone(),
        },
        other => other.clone(),
    }
}

fn draw(page: &mut Page, d: &Draw, left: f32, y_top: f32, tag: Option<Tag>) {
    match d {
        Draw::Turned { length, draws } => {
            // Frame point (u across, v down) to the page: x = left + v,
            // y = bottom + u.
            let bottom = y_top - length;
            for d in draws {
                match d {
                    Draw::Text { dx, baseline, line } => {
                        place_turned(page, line, left + baseline, bottom + dx, tag)
                    }
                    Draw::Rule {
                        dx,
                        dy,
                        width,
                        thickness,
                    } => page.items.push(Item::Bar {
                        x: left + dy - thickness / 2.0,
                        y: bottom + dx,
                        width: *thickness,
                        height: *width,
                    }),
                    other => draw(page, other, left, y_top, tag),
                }
            }
        }
        Draw::Text { dx, baseline, line } => {
            place_tagged(page, line, left + dx, y_top - baseline, tag)
        }
        Draw::Rule {
            dx,
            dy,
            width,
            thickness,
        } => page.items.push(Item::Rule {
            x: left + dx,
            y: y_top - dy,
            width: *width,
            thickness: *thickness,
        }),
        Draw::Image {
            dx,
            dy,
            width,
            height,
            key,
            alt,
        } => page.items.push(Item::Image(PlacedImage {
            key: key.clone(),
            x: left + dx,
            y: y_top - dy - height,
            width: *width,
            height: *height,
            alt: alt.clone(),
            tag,
        })),
        Draw::PageImage { aspect, key, alt } => {
            // Cover the whole paper, bleed and all, centred.
            let (pw, ph) = (page.width, page.height);
            let (w, h) = if pw / ph > *aspect {
                (pw, pw / aspect)
            } else {
                (ph * aspect, ph)
            };
            page.items.push(Item::Image(PlacedImage {
                key: key.clone(),
                x: (pw - w) / 2.0,
                y: (ph - h) / 2.0,
                width: w,
                height: h,
                alt: alt.clone(),
                tag,
            }));
        }
    }
}

/// Puts a set line on the page with its baseline at `y`, as page
/// furniture (not part of the text's structure).
pub(crate) fn place_line(page: &mut Page, line: &SetLine, x: f32, y: f32) {
    place_tagged(page, line, x, y, None)
}

/// Puts a set line on the page as part of structure element `tag`.
/// A line turned a quarter counter-clockwise, its baseline starting at
/// (x, y) and running up the page.
fn place_turned(page: &mut Page, line: &SetLine, x: f32, y: f32, tag: Option<Tag>) {
    for run in &line.runs {
        page.items.push(Item::Text(GlyphRun {
            font: run.style.font,
            size: run.style.size,
            x: x - run.style.rise,
            y: y + run.x,
            glyphs: run.glyphs.clone(),
            scale: 1.0 + line.expand,
            grey: run.style.grey,
            cmyk: run.style.cmyk,
            turn: page::Turn::Counter,
            tag,
            invisible: false,
        }));
    }
    for (x0, m) in &line.maths {
        place_math(page, m, (x, y + x0), page::Turn::Counter, tag);
    }
    for (x0, x1, style) in &line.strikes {
        page.items.push(Item::Bar {
            x: x - style.size * 0.28 - style.size * 0.025,
            y: y + x0,
            width: style.size * 0.05,
            height: x1 - x0,
        });
    }
    for (x0, img) in &line.images {
        page.items.push(Item::Image(PlacedImage {
            key: img.key.clone(),
            x: x - img.height + img.descent,
            y: y + x0,
            width: img.height,
            height: img.width,
            alt: img.alt.clone(),
            tag,
        }));
    }
    for (x0, x1, dest) in &line.links {
        let size = line.runs.first().map_or(10.0, |r| r.style.size);
        page.links.push(LinkArea {
            x: x - size * 0.85,
            y: y + x0,
            width: size * 1.1,
            height: x1 - x0,
            target: dest.clone(),
        });
    }
}

pub(crate) fn place_tagged(page: &mut Page, line: &SetLine, x: f32, y: f32, tag: Option<Tag>) {
    for run in &line.runs {
        page.items.push(Item::Text(GlyphRun {
            font: run.style.font,
            size: run.style.size,
            x: x + run.x,
            y: y + run.style.rise,
            glyphs: run.glyphs.clone(),
            scale: 1.0 + line.expand,
            grey: run.style.grey,
            cmyk: run.style.cmyk,
            turn: page::Turn::Upright,
            tag,
            invisible: false,
        }));
    }
    for (x0, x1, style) in &line.strikes {
        page.items.push(Item::Rule {
            x: x + x0,
            y: y + style.size * 0.28,
            width: x1 - x0,
            thickness: style.size * 0.05,
        });
    }
    for (x0, m) in &line.maths {
        place_math(page, m, (x + x0, y), page::Turn::Upright, tag);
    }
    for (x0, img) in &line.images {
        page.items.push(Item::Image(PlacedImage {
            key: img.key.clone(),
            x: x + x0,
            y: y - img.descent,
            width: img.width,
            height: img.height,
            alt: img.alt.clone(),
            tag,
        }));
    }
    for (x0, x1, dest) in &line.links {
        let size = line.runs.first().map_or(10.0, |r| r.style.size);
        page.links.push(LinkArea {
            x: x + x0,
            y: y - size * 0.25,
            width: x1 - x0,
            height: size * 1.1,
            target: dest.clone(),
        });
    }
}

/// Draws a set formula with its origin at `at`, upright or turned a
/// quarter counter-clockwise (a landscape table's): glyphs that follow
/// one another on a baseline at one size share a run.
fn place_math(
    page: &mut Page,
    m: &mathset::MathBox,
    at: (f32, f32),
    turn: page::Turn,
    tag: Option<Tag>,
) {
    let turned = turn == page::Turn::Counter;
    // A point of the formula (along, up) on the page.
    let pos = |dx: f32, dy: f32| {
        if turned {
            (at.0 - dy, at.1 + dx)
        } else {
            (at.0 + dx, at.1 + dy)
        }
    };
    let mut run: Option<(GlyphRun, f32, f32)> = None;
    for item in &m.items {
        match item {
            mathset::MathItem::Glyph {
                x: gx,
                y: gy,
                size,
                gid,
                advance,
                text,
            } => {
                let glyph = page::PlacedGlyph {
                    gid: *gid,
                    advance: *advance,
                    natural: *advance,
                    text: text.clone(),
                };
                match &mut run {
                    Some((r, end, base))
                        if r.size == *size && *base == *gy && (*end - gx).abs() < 0.01 =>
                    {
                        std::sync::Arc::make_mut(&mut r.glyphs).push(glyph);
                        *end = gx + advance;
                    }
                    _ => {
                        if let Some((r, _, _)) = run.take() {
                            page.items.push(Item::Text(r));
                        }
                        let (px, py) = pos(*gx, *gy);
                        run = Some((
                            GlyphRun {
                                font: shape::FontId::Math,
                                size: *size,
                                x: px,
                                y: py,
                                glyphs: vec![glyph].into(),
                                scale: 1.0,
                                grey: 0.0,
                                cmyk: None,
                                turn,
                                tag,
                                invisible: false,
                            },
                            gx + advance,
                            *gy,
                        ));
                    }
                }
            }
            mathset::MathItem::Rule {
                x: rx,
                y: ry,
                width,
                thickness,
            } => {
                let (px, py) = pos(*rx, *ry);
                page.items.push(if turned {
                    Item::Bar {
                        x: px - thickness / 2.0,
                        y: py,
                        width: *thickness,
                        height: *width,
                    }
                } else {
                    Item::Rule {
                        x: px,
                        y: py,
                        width: *width,
                        thickness: *thickness,
                    }
                });
            }
        }
    }
    if let Some((r, _, _)) = run {
        page.items.push(Item::Text(r));
    }
}
