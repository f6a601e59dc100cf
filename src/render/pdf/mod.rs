//! The PDF renderer: a [`Book`] in, the bytes of a paginated PDF out.
//!
//! Two layers, kept apart. The typesetter (`shape`, `hyphenate`,
//! `linebreak`, `paragraph`, `flow`, `paginate`, `furniture`, `toc`) turns
//! the model into pages of positioned glyphs, rules, images and link areas,
//! and knows nothing of PDF. The writer (`writer/`) turns those pages into
//! PDF bytes and is the only code that touches printpdf.

mod account;
mod compose;
mod geometry;
pub(crate) use compose::place_line;
use compose::*;
use geometry::*;
pub use geometry::{geometry_for, trim_for};
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

    fn render(
        &self,
        book: &Book,
        _print_pages: &[crate::model::PageBreak],
    ) -> crate::render::Rendered {
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
/// Where a message about the whole book points: its book.toml, or the
/// manuscript that is the book.
fn book_file(book: &Book) -> Location {
    Location::file(book.options.config.clone().unwrap_or_else(|| {
        book.chapters
            .first()
            .map(|c| c.source.clone())
            .unwrap_or_default()
    }))
}

/// What the writer is told of the book besides the pages.
fn writer_meta(book: &Book) -> writer::Meta<'_> {
    writer::Meta {
        meta: &book.meta,
        images: &book.images,
        print: book.options.print.as_ref().map(|p| p.target.profile().pdfx),
        at: book_file(book),
    }
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
    let fonts = crate::fonts::FontSet::shared(&book.options.fonts)
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
        preflight(book, print, &doc, &fonts, diags);
    }
    if diags.has_errors() {
        return Ok(Default::default());
    }
    let t = std::time::Instant::now();
    let page_count = doc.pages.len();
    crate::progress::stage("writing the PDF");
    crate::progress::detail(|| format!("{page_count} pages"));
    let page_breaks = std::mem::take(&mut doc.page_breaks);
    let bytes = writer::write(&writer_meta(book), doc, &fonts, diags)?;
    if let Some(print) = &book.options.print {
        // Every print PDF is checked against the PDF/X rules Quire knows;
        // one that fails is a bug, and nothing is sent to a printer.
        for (rule, result) in writer::pdfx::check(&bytes, print.target.profile().pdfx) {
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
        let bytes = writer::write(&writer_meta(book), cover, &fonts, diags)?;
        files.push(crate::render::File {
            format: "cover",
            suffix: "-cover",
            extension: "pdf",
            bytes,
        });
    }
    Ok((files, page_breaks, Some(page_count)))
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
    let hyphenator = hyphenate::Hyphenator::for_book(book);
    warn_if_unhyphenated(book, &hyphenator, diags);
    let mut extra_images = std::collections::BTreeMap::new();
    let cover = front_cover(book, fonts, print, &mut extra_images)?;
    let toc_entries = toc::entries(book);
    let front = front_plan(book, cover, &g, &toc_entries);
    let front_count = front.len();
    let mut set = set_chapters(book, fonts, &g, None);
    let note_leading = (g.size * 0.82 * 1.25 * 2.0).round() / 2.0;
    let lay = |set: &SetChapters| {
        Paged::new(
            &Paginator {
                geometry: &g,
                items: &set.items,
                notes: &set.notes,
                note_leading,
                first_page_index: front_count,
                long_lines: book.options.style.long_pages.unwrap_or(1),
            },
            set,
            note_leading,
            front_count,
        )
    };
    let mut laid = lay(&set);
    // An index's page numbers are known once the book is paginated: it
    // is set again with them (and the book paginated again) until the
    // pages its places fall on stay where they are.
    let indexes: Vec<usize> = (0..book.chapters.len())
        .filter(|&i| {
            book.chapters[i]
                .blocks
                .iter()
                .any(|b| matches!(b.kind, crate::model::BlockKind::Index { .. }))
        })
        .collect();
    let mut known: Option<flow::IndexPages> = None;
    for _ in 0..3 {
        if indexes.is_empty() {
            break;
        }
        let now = laid.index_pages(front_count);
        if known.as_ref() == Some(&now) {
            break;
        }
        let mut worker = worker(book, fonts);
        for &i in &indexes {
            if let Some(one) = set_chapter(book, &g, &mut worker, i, Some(&now)) {
                set.replace(i, one);
            }
        }
        laid = lay(&set);
        known = Some(now);
    }
    for d in std::mem::take(&mut set.diags) {
        diags.extend(d);
    }
    let Paged {
        bodies,
        short_ends,
        mut pages,
        mut anchors,
        outline,
    } = laid;
    for (n, body) in bodies.iter().enumerate().filter(|(_, b)| b.uneven) {
        let ch = &book.chapters[body.chapter];
        diags.push(
            Diagnostic::warning(
                Code::PageMakeup,
                Location::file(&ch.source),
                format!(
                    "pages {} and {} (in “{}”) end on different lines: where their text may break (not leaving a paragraph's first or last line alone, not after a heading, not inside a listing, a figure or a table row) gave no way to end them level, a line long or short",
                    n + 1,
                    n + 2,
                    crate::model::plain_text(&ch.title)
                ),
            )
            .help("a sentence more or less before it, or `long-pages = 2` under [style], gives the page room"),
        );
    }
    for (c, lines) in short_ends {
        let ch = &book.chapters[c];
        // An index's last page holds what is left, in two even columns.
        if ch.role == crate::model::ChapterRole::Index {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                Code::PageMakeup,
                Location::file(&ch.source),
                format!(
                    "the last page of “{}” holds {lines} line(s): neither setting the spreads before it a line long nor a line short gave it five",
                    crate::model::plain_text(&ch.title)
                ),
            )
            .help("a sentence more or less in the chapter's last pages, or `long-pages = 2` under [style], gives the page room"),
        );
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
    let mut setter = Setter {
        shaper: &mut shaper,
        hyphenator: &hyphenator,
        languages: None,
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
            book.meta.language.primary().as_str(),
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
    /// What setting each chapter found.
    diags: Vec<Diagnostics>,
}

/// One chapter, set: its items, notes and diagnostics.
type Set = (Vec<VItem>, Vec<flow::Note>, Diagnostics);

impl SetChapters {
    /// Chapter `i` set again.
    fn replace(&mut self, i: usize, (items, notes, diags): Set) {
        let old = self.chapter_items[i].clone();
        let grow = items.len() as isize - old.len() as isize;
        self.items.splice(old.clone(), items);
        let old_notes = self.chapter_notes[i].clone();
        let grow_notes = notes.len() as isize - old_notes.len() as isize;
        self.notes.splice(old_notes.clone(), notes);
        let shift = |r: &mut std::ops::Range<usize>, by: isize| {
            *r = (r.start as isize + by) as usize..(r.end as isize + by) as usize;
        };
        self.chapter_items[i] = old.start..(old.end as isize + grow) as usize;
        self.chapter_notes[i] = old_notes.start..(old_notes.end as isize + grow_notes) as usize;
        for r in &mut self.chapter_items[i + 1..] {
            shift(r, grow);
        }
        for r in &mut self.chapter_notes[i + 1..] {
            shift(r, grow_notes);
        }
        self.diags[i] = diags;
    }
}

/// The book paginated, and its body pages composed.
struct Paged {
    bodies: Vec<PageBody>,
    /// Chapters whose last page stayed short, and its lines.
    short_ends: Vec<(usize, usize)>,
    pages: Vec<Page>,
    anchors: Vec<Anchor>,
    outline: Vec<OutlineEntry>,
}

impl Paged {
    fn new(
        paginator: &Paginator,
        set: &SetChapters,
        note_leading: f32,
        front_count: usize,
    ) -> Paged {
        let (mut bodies, short_ends) = paginator.run_reporting();
        for body in &mut bodies {
            body.full_bleed = body.placed.iter().any(|&(i, _)| {
                set.items[i]
                    .draws
                    .iter()
                    .any(|d| matches!(d, flow::Draw::PageImage { .. }))
            });
        }
        let composer = Composer {
            g: paginator.geometry,
            items: &set.items,
            notes: &set.notes,
            note_leading,
        };
        let (pages, anchors, outline) = compose_body(&composer, &bodies, front_count);
        Paged {
            bodies,
            short_ends,
            pages,
            anchors,
            outline,
        }
    }

    /// Where every anchor fell, and each page's number, for an index.
    fn index_pages(&self, front_count: usize) -> flow::IndexPages {
        flow::IndexPages {
            anchors: self
                .anchors
                .iter()
                .map(|a| (a.name.clone(), a.page))
                .collect(),
            labels: std::iter::repeat_n(None, front_count)
                .chain(self.pages.iter().map(|p| p.label.clone()))
                .collect(),
        }
    }
}

/// What a typesetting worker keeps from chapter to chapter: a shaper (a
/// cache of shapes), the book's hyphenator, and the hyphenators of other
/// languages its chapters and spans are written in, made once a worker.
type Worker<'f> = (
    Option<Shaper<'f>>,
    hyphenate::Hyphenator,
    std::collections::HashMap<String, hyphenate::Hyphenator>,
);

fn worker<'f>(book: &Book, fonts: &'f crate::fonts::FontSet) -> Worker<'f> {
    (
        Shaper::new(fonts).ok(),
        hyphenate::Hyphenator::for_book(book),
        Default::default(),
    )
}

/// Whether chapter `i` starts a new page (`Some(true)`: a right-hand
/// one). In a book every chapter does (a part's title, a dedication and
/// an epigraph a right-hand one); in an article, each file does, and
/// chapters cut from one file follow on.
fn new_page(book: &Book, i: usize) -> Option<bool> {
    use crate::model::ChapterRole::{Dedication, Epigraph, Part};
    let ch = &book.chapters[i];
    if ch.runs_on {
        return None;
    }
    // An index starts a page of its own, even in an article.
    if ch.role == crate::model::ChapterRole::Index && book.layout == Layout::Article {
        return Some(false);
    }
    match book.layout {
        Layout::Book if matches!(ch.role, Part | Dedication | Epigraph) => Some(true),
        Layout::Book => Some(book.options.chapters_on_recto),
        Layout::Article if i == 0 => None,
        Layout::Article if book.chapters[i - 1].source == ch.source => None,
        Layout::Article => Some(false),
    }
}

/// Sets chapter `i` into lines and blocks with `worker`'s tools; an
/// index with its page numbers when they are known.
fn set_chapter(
    book: &Book,
    g: &Geometry,
    (shaper, book_hyphenator, others): &mut Worker,
    i: usize,
    index_pages: Option<&flow::IndexPages>,
) -> Option<Set> {
    // For the tests of panic handling: a fault made on purpose, in a
    // worker inside a renderer's work.
    if std::env::var_os("QUIRE_INJECT_FAULT").is_some_and(|v| v == "typeset-thread") {
        panic!("fault injected for a test (QUIRE_INJECT_FAULT)");
    }
    // A shaper that cannot be made is reported once, by the caller's.
    let shaper = shaper.as_mut()?;
    crate::progress::detail(|| format!("chapter {} of {}", i + 1, book.chapters.len()));
    // A chapter in its own language is hyphenated by its patterns,
    // and words in another language by theirs.
    let chapter = &book.chapters[i];
    let own = chapter
        .lang
        .as_deref()
        .filter(|l| *l != book.meta.language.as_str());
    let mut wanted: Vec<&str> = crate::model::walk::query(&chapter.blocks, |n| match n {
        crate::model::walk::Node::Inline(crate::model::Inline::Span { lang: Some(l), .. }, _) => {
            Some(l.as_str())
        }
        _ => None,
    });
    wanted.extend(own);
    for lang in wanted {
        if !others.contains_key(lang) {
            let h = hyphenate::Hyphenator::new(lang)
                .with_capitals(book.options.style.hyphenate_capitals);
            others.insert(lang.to_string(), h);
        }
    }
    let others = &*others;
    let hyphenator = own.and_then(|l| others.get(l)).unwrap_or(book_hyphenator);
    let setter = Setter {
        shaper,
        hyphenator,
        languages: Some(others),
        rtl: false,
        book_rtl: book.meta.rtl,
        micro: inline::Micro {
            protrusion: book.options.style.protrusion.unwrap_or(true),
            tracking: book.options.style.tracking.unwrap_or(true),
            expansion: book.options.style.expansion(),
            max_hang: g.hang_room,
        },
    };
    let mut fl = Flow::new(book, g, setter);
    fl.index_pages = index_pages;
    fl.chapter(i, new_page(book, i));
    Some((fl.items, fl.notes, fl.diags))
}

/// Sets every chapter into lines and blocks, ready to be paginated.
fn set_chapters(
    book: &Book,
    fonts: &crate::fonts::FontSet,
    g: &Geometry,
    index_pages: Option<&flow::IndexPages>,
) -> SetChapters {
    // Chapters are independent until pagination: set them side by side,
    // each worker with tools of its own. Collected in the chapters'
    // order (rayon keeps it).
    let set: Vec<Set> = {
        use rayon::prelude::*;
        crate::pool::start(None);
        (0..book.chapters.len())
            .into_par_iter()
            .map_init(
                || worker(book, fonts),
                |w, i| set_chapter(book, g, w, i, index_pages),
            )
            .flatten()
            .collect()
    };
    let mut out = SetChapters {
        items: Vec::new(),
        notes: Vec::new(),
        chapter_items: Vec::new(),
        chapter_notes: Vec::new(),
        diags: Vec::new(),
    };
    for (set_items, set_notes, chapter_diags) in set {
        out.diags.push(chapter_diags);
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
