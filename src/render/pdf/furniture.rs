//! The furniture of a book: front matter (cover, title page, copyright
//! page, contents), running heads and folios.

use super::inline::{Align, Setter, TextStyle};
use super::page::{Anchor, Item, Page, PlacedImage, Tag};
use super::paginate::PageBody;
use super::shape::FontId;
use super::style::Geometry;
use super::toc::{self, Entry, piece};
use crate::model::Book;
use crate::typography::byline;
use crate::typography::labels;

/// The pages before the text, in order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Front {
    Cover,
    Blank,
    Title,
    Copyright,
    /// Contents page: which slice of the entries it shows.
    Contents {
        first: usize,
        count: usize,
    },
}

/// The key under which a cover drawn by Quire is known to the writer.
pub const GENERATED_COVER: &str = "quire:generated-cover";

/// The front matter, planned: its pages, and the cover image (key and
/// pixel size) if there is one.
pub struct FrontPlan {
    pub pages: Vec<Front>,
    pub cover: Option<Cover>,
}

/// The cover the PDF opens with: its picture's key and size in pixels.
pub type Cover = (String, (u32, u32));

impl FrontPlan {
    pub fn len(&self) -> usize {
        self.pages.len()
    }
}

/// Plans the front matter so that the text starts on a right-hand page.
pub fn front_matter(
    cover: Option<(String, (u32, u32))>,
    g: &Geometry,
    toc: &[toc::Entry],
) -> FrontPlan {
    let mut plan = Vec::new();
    if cover.is_some() {
        plan.push(Front::Cover);
        plan.push(Front::Blank);
    }
    plan.push(Front::Title);
    plan.push(Front::Copyright);
    // Entries go on a contents page while their lines fit (one at least).
    let per = toc::lines_per_page(g);
    let mut first = 0;
    while first < toc.len() {
        let mut used = 0;
        let mut count = 0;
        while first + count < toc.len() {
            let lines = toc[first + count].lines(g);
            if count > 0 && used + lines > per {
                break;
            }
            used += lines;
            count += 1;
        }
        plan.push(Front::Contents { first, count });
        first += count;
    }
    if plan.len() % 2 == 1 {
        plan.push(Front::Blank);
    }
    FrontPlan { pages: plan, cover }
}

fn blank(g: &Geometry) -> Page {
    Page {
        width: g.page.width,
        height: g.page.height,
        items: Vec::new(),
        links: Vec::new(),
        label: None,
        trim: None,
        bleed: None,
    }
}

/// Centres a line of text at height `y`.
fn centred(
    page: &mut Page,
    setter: &mut Setter,
    g: &Geometry,
    left: f32,
    y: f32,
    text: &str,
    style: TextStyle,
) -> f32 {
    let mut y = y;
    for line in setter.set(&[piece(text, style)], g.measure(), 0.0, Align::Center) {
        super::place_line(page, &line, left, y);
        y -= style.size * 1.3;
    }
    y
}

pub fn build_front(
    book: &Book,
    g: &Geometry,
    setter: &mut Setter,
    plan: FrontPlan,
    entries: &[Entry],
    page_of: &dyn Fn(&str) -> Option<String>,
    anchors: &mut Vec<Anchor>,
) -> Vec<Page> {
    let m = &book.meta;
    let l = labels(&m.language);
    let mut pages = Vec::new();
    let cover = plan.cover;
    for (index, f) in plan.pages.iter().enumerate() {
        let mut page = blank(g);
        page.label = Some(crate::typography::roman(index as u32 + 1));
        let left = g.left(index);
        match *f {
            Front::Blank => {}
            Front::Cover => {
                if let Some(cover) = &cover {
                    cover_page(&mut page, g, cover, &m.title, index);
                }
            }
            Front::Title => title_page(&mut page, setter, g, m, left, index, anchors),
            Front::Copyright => copyright_page(&mut page, setter, g, m, left),
            Front::Contents { first, count } => {
                let heading = (first == 0).then_some(l.contents);
                if first == 0 {
                    anchors.push(Anchor {
                        name: "contents".into(),
                        page: index,
                        y: g.top_y(),
                    });
                }
                toc::set_page(
                    &mut page,
                    g,
                    left,
                    setter,
                    &entries[first..first + count],
                    heading,
                    page_of,
                );
            }
        }
        // The page's text is one element of the structure (front matter
        // is numbered before the chapters).
        let tag = Tag {
            role: "P",
            elem: index as u32 + 1,
            lang: None,
        };
        for item in &mut page.items {
            if let Item::Text(run) = item {
                run.tag.get_or_insert(tag);
            }
        }
        pages.push(page);
    }
    pages
}

/// The cover on the first page: full bleed, cropped to the page's
/// proportions.
fn cover_page(
    page: &mut Page,
    g: &Geometry,
    cover: &(String, (u32, u32)),
    title: &str,
    index: usize,
) {
    let (key, (w, h)) = cover;
    // Full bleed, cropped to the page's proportions.
    let (w, h) = (*w.max(&1) as f32, *h.max(&1) as f32);
    let scale = (g.page.width / w).max(g.page.height / h);
    let (iw, ih) = (w * scale, h * scale);
    page.items.push(Item::Image(PlacedImage {
        key: key.clone(),
        x: (g.page.width - iw) / 2.0,
        y: (g.page.height - ih) / 2.0,
        width: iw,
        height: ih,
        alt: format!("Cover: {title}"),
        tag: Some(Tag {
            role: "Figure",
            elem: index as u32 + 1,
            lang: None,
        }),
    }));
}

/// The title page: title, subtitle, authors, credits and series centred
/// down the page, the publisher at its foot.
fn title_page(
    page: &mut Page,
    setter: &mut Setter,
    g: &Geometry,
    m: &crate::model::Metadata,
    left: f32,
    index: usize,
    anchors: &mut Vec<Anchor>,
) {
    let mut y = g.top_y() - g.text_height() * 0.22;
    y = centred(
        page,
        setter,
        g,
        left,
        y,
        &m.title,
        TextStyle::new(FontId::Regular, g.size * 2.4),
    );
    if let Some(sub) = &m.subtitle {
        y -= g.size * 0.6;
        y = centred(
            page,
            setter,
            g,
            left,
            y,
            sub,
            TextStyle::new(FontId::Italic, g.size * 1.3),
        );
    }
    let authors: Vec<String> = m.authors().map(str::to_string).collect();
    if !authors.is_empty() {
        y -= g.leading * 2.5;
        y = centred(
            page,
            setter,
            g,
            left,
            y,
            &byline(&authors, &m.language).to_uppercase(),
            TextStyle::new(FontId::Regular, g.size * 1.1),
        );
    }
    for credit in crate::typography::credits(m) {
        y -= g.size * 0.5;
        y = centred(
            page,
            setter,
            g,
            left,
            y,
            &credit,
            TextStyle::new(FontId::Italic, g.size),
        );
    }
    if let Some(series) = crate::typography::series_line(m) {
        y -= g.leading;
        centred(
            page,
            setter,
            g,
            left,
            y,
            &series,
            TextStyle::new(FontId::Italic, g.size * 0.9),
        );
    }
    if let Some(p) = &m.publisher {
        let foot = g.top_y() - g.text_height() + g.leading;
        centred(
            page,
            setter,
            g,
            left,
            foot,
            p,
            TextStyle::new(FontId::Regular, g.size),
        );
    }
    anchors.push(Anchor {
        name: "title-page".into(),
        page: index,
        y: g.top_y(),
    });
}

/// The copyright page (the colophon), set from the foot of the page up.
fn copyright_page(
    page: &mut Page,
    setter: &mut Setter,
    g: &Geometry,
    m: &crate::model::Metadata,
    left: f32,
) {
    let style = TextStyle::new(FontId::Regular, g.size * 0.85);
    let family = setter.shaper.family().to_string();
    let lines = crate::typography::colophon(m, &family);
    // Set from the foot of the page up.
    let mut set = Vec::new();
    for text in &lines {
        set.extend(setter.set(&[piece(text, style)], g.measure(), 0.0, Align::Left));
        set.push(Default::default());
    }
    set.pop();
    let mut y = g.top_y() - g.text_height() + set.len() as f32 * style.size * 1.35;
    for line in set {
        super::place_line(page, &line, left, y);
        y -= style.size * 1.35;
    }
}

/// Running heads and folios on the text pages: the book's title on left
/// pages, the chapter's on right pages, none on chapter openings and blank
/// pages, where the folio moves to the foot. An article has its title as
/// the head and the folio at the foot of every page.
pub fn running_heads(
    book: &Book,
    g: &Geometry,
    setter: &mut Setter,
    pages: &mut [Page],
    bodies: &[PageBody],
    front: usize,
) {
    let head_style = TextStyle::new(FontId::Italic, g.size * 0.85);
    let folio_style = TextStyle::new(FontId::Regular, g.size * 0.85);
    let head_y = g.top_y() + g.leading * 1.5;
    let foot_y = g.top_y() - g.text_height() - g.leading * 2.0;
    let article = !g.mirrored;
    for (n, (page, body)) in pages.iter_mut().zip(bodies).enumerate() {
        if body.blank || body.full_bleed {
            page.label = Some((n + 1).to_string());
            continue;
        }
        // A part's title page, a dedication and an epigraph carry neither
        // running head nor folio.
        if let Some(c) = body.opens_chapter
            && matches!(
                book.chapters[c].role,
                crate::model::ChapterRole::Part
                    | crate::model::ChapterRole::Dedication
                    | crate::model::ChapterRole::Epigraph
            )
        {
            continue;
        }
        let index = front + n;
        let left = g.left(index);
        let folio = (n + 1).to_string();
        let recto = index.is_multiple_of(2);
        if body.opens_chapter.is_some() || article {
            for line in setter.set(
                &[piece(&folio, folio_style)],
                g.measure(),
                0.0,
                Align::Center,
            ) {
                super::place_line(page, &line, left, foot_y);
            }
            if article && body.opens_chapter.is_none() && n > 0 {
                let title = &book.meta.title;
                for line in setter
                    .set(&[piece(title, head_style)], g.measure(), 0.0, Align::Center)
                    .into_iter()
                    .take(1)
                {
                    super::place_line(page, &line, left, head_y);
                }
            }
            continue;
        }
        let text = if recto {
            crate::model::plain_text(&book.chapters[body.chapter].title)
        } else {
            book.meta.title.clone()
        };
        if let Some(line) = setter
            .set(
                &[piece(&text, head_style)],
                g.measure() * 0.8,
                0.0,
                Align::Left,
            )
            .into_iter()
            .next()
        {
            let x = left + (g.measure() - line.width) / 2.0;
            super::place_line(page, &line, x, head_y);
        }
        if let Some(line) = setter
            .set(&[piece(&folio, folio_style)], g.measure(), 0.0, Align::Left)
            .into_iter()
            .next()
        {
            // The folio on the outside edge (rectos are on the left in a
            // book bound on the right).
            let x = if recto == g.rtl {
                left
            } else {
                left + g.measure() - line.width
            };
            super::place_line(page, &line, x, head_y);
        }
    }
}
