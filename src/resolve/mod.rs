//! Resolution: turns what readers produced into a finished [`Book`].
//!
//! Done once, here, so that no renderer has to: heading ids made unique
//! across the book, footnote labels replaced by numbered references that
//! carry their notes, links resolved to chapters and ids (or turned into
//! text with a warning), images found, confined to the project and
//! identified.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location, Problem};
use crate::model::NoteDef;
use crate::model::{
    ArticleInfo, Block, BlockKind, Book, Chapter, Image, ImageAsset, Inline, Layout, LinkTarget,
    Metadata, Options, Pos,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

mod index;
mod notes;
mod numbering;
use notes::*;
use numbering::*;

/// A chapter as read, before resolution.
pub struct RawChapter {
    pub source: PathBuf,
    pub title: Vec<Inline>,
    /// An id the author asked for (`# Title {#id}`), if any.
    pub title_id: Option<String>,
    pub lang: Option<String>,
    pub article: Option<ArticleInfo>,
    pub blocks: Vec<Block>,
    pub notes: BTreeMap<String, NoteDef>,
    pub role: crate::model::ChapterRole,
    /// How deep a summary nests it under another chapter (mdBook's
    /// sections); 0 for a chapter.
    pub depth: u8,
    /// Set on as a section of the chapter before it (`Chapter::runs_on`).
    pub runs_on: bool,
}

pub struct RawBook {
    /// The project directory: nothing outside it may be read.
    pub root: PathBuf,
    pub meta: Metadata,
    pub layout: Layout,
    pub options: Options,
    pub chapters: Vec<RawChapter>,
    /// The cover image, already found and checked: its key and asset.
    pub cover: Option<(String, ImageAsset)>,
    /// The works the book may cite, read, and its citation style.
    pub bibliography: Option<crate::cite::Bibliography>,
}

/// Ids of this shape are reserved for footnotes and their references.
fn reserved(id: &str) -> bool {
    ["note-", "noteref-"].iter().any(|p| {
        id.strip_prefix(p).is_some_and(|rest| {
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '-')
        })
    })
}

/// A readable id from text: lower case, words joined by hyphens, a valid
/// XML name (starts with a letter).
pub fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.chars() {
        if matches!(c, '\'' | '\u{2019}' | '\u{2018}') {
            continue; // "Maliki’s" → "malikis", not "maliki-s"
        }
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    if s.is_empty() || !s.starts_with(|c: char| c.is_alphabetic()) {
        s.insert_str(0, "s-");
    }
    s
}

/// The id GitHub and mdBook give a heading (`build.target` →
/// `buildtarget`, `*-sys* Packages` → `-sys-packages`): what links written
/// for those sites name. Kept as a second name for the heading.
pub fn web_slug(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_lowercase().collect::<String>())
            } else if c.is_whitespace() {
                Some("-".to_string())
            } else {
                None
            }
        })
        .collect()
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

struct Ids {
    used: HashSet<String>,
    /// For each base, the next suffix to try: ten thousand headings called
    /// "Notes" take one step each, not ten thousand.
    next: HashMap<String, usize>,
}

impl Ids {
    fn unique(&mut self, base: &str) -> String {
        // A name of the footnotes' shape (`note-1`) stays that shape with
        // any number after it: give it a letter so it cannot.
        let base = if reserved(base) {
            format!("{base}-h")
        } else {
            base.to_string()
        };
        let base = base.as_str();
        let mut id = base.to_string();
        let n = self.next.entry(base.to_string()).or_insert(1);
        while self.used.contains(&id) || reserved(&id) {
            id = format!("{base}-{n}");
            *n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

pub fn resolve(mut raw: RawBook, diags: &mut Diagnostics) -> Book {
    let bibliography = raw.bibliography.take();
    let cited = crate::cite::apply(&mut raw, bibliography, diags);
    let mut ids = Ids {
        used: HashSet::new(),
        next: HashMap::new(),
    };
    // Pass 1: ids, and for each chapter the names a link may use for them.
    let mut chapters: Vec<(RawChapter, String, HashMap<String, String>)> = Vec::new();
    for ch in raw.chapters {
        let mut names = HashMap::new();
        let requested = ch.title_id.clone().filter(|id| {
            let ok = valid_id(id);
            if !ok {
                diags.push(
                    Diagnostic::warning(
                        Code::HeadingId,
                        Location::file(&ch.source),
                        format!("`{id}` is not a valid id; a generated one is used"),
                    )
                    .help("ids are letters, digits, `-` and `_`, starting with a letter"),
                );
            }
            ok
        });
        // A generated id: from the title's text, which links written for
        // GitHub or mdBook also name by their own rule.
        let text = (requested.is_none() && !ch.title.is_empty())
            .then(|| crate::model::plain_text(&ch.title));
        let base = match (&requested, &text) {
            (Some(id), _) => id.clone(),
            (None, Some(t)) => slug(t),
            (None, None) => "opening".to_string(),
        };
        let title_id = ids.unique(&base);
        names.insert(base, title_id.clone());
        if let Some(t) = &text {
            let web = web_slug(t.trim());
            names.entry(web).or_insert_with(|| title_id.clone());
        }
        chapters.push((ch, title_id, names));
    }
    for (ch, _, names) in &mut chapters {
        let source = ch.source.clone();
        assign_heading_ids(&mut ch.blocks, &source, &mut ids, names, diags);
        for note in ch.notes.values_mut() {
            assign_heading_ids(&mut note.blocks, &source, &mut ids, names, diags);
        }
    }
    // The index, from the marks in the text: in the book's own index
    // chapter (`# Index {.index}`), or in one after the rest.
    if let Some(index) = index::gather(&mut chapters, &mut ids, raw.meta.language.as_str(), diags) {
        let block = Block {
            line: 1,
            kind: BlockKind::Index {
                index: Box::new(index),
            },
        };
        match chapters
            .iter_mut()
            .find(|(c, _, _)| c.role == crate::model::ChapterRole::Index)
        {
            Some((ch, _, _)) => ch.blocks.push(block),
            None => {
                let title = crate::locale::labels(raw.meta.language.as_str()).index;
                let source = raw
                    .options
                    .config
                    .clone()
                    .or_else(|| chapters.last().map(|c| c.0.source.clone()))
                    .unwrap_or_default();
                let title_id = ids.unique("index");
                let mut names = HashMap::new();
                names.insert("index".to_string(), title_id.clone());
                chapters.push((
                    RawChapter {
                        source,
                        title: vec![Inline::text(title)],
                        title_id: None,
                        lang: None,
                        article: None,
                        blocks: vec![block],
                        notes: BTreeMap::new(),
                        role: crate::model::ChapterRole::Index,
                        depth: 0,
                        runs_on: false,
                    },
                    title_id,
                    names,
                ));
            }
        }
    }
    // Citations link to their works by the ids asked for; the ids given.
    if let Some(list) = cited {
        let names = chapters[list].2.clone();
        let relink = |blocks: &mut [Block]| {
            crate::model::walk::walk_mut(blocks, &mut |run| {
                for i in run.iter_mut() {
                    if let Inline::Link {
                        target:
                            LinkTarget::Internal {
                                chapter,
                                id: Some(id),
                            },
                        ..
                    } = i
                        && *chapter == list
                        && let Some(given) = names.get(id.as_str())
                    {
                        *id = given.clone();
                    }
                }
            })
        };
        for (ch, _, _) in &mut chapters {
            relink(&mut ch.blocks);
            for note in ch.notes.values_mut() {
                relink(&mut note.blocks);
            }
        }
    }

    // Pass 2: links and images, then footnotes.
    let sources: Vec<PathBuf> = chapters
        .iter()
        .map(|(c, _, _)| canonical(&c.source).unwrap_or_else(|| c.source.clone()))
        .collect();
    let anchors: Vec<HashMap<String, String>> =
        chapters.iter().map(|(_, _, n)| n.clone()).collect();
    let mut resolver = Resolver {
        root: raw.root.clone(),
        sources,
        anchors,
        images: BTreeMap::new(),
        diags,
        chapter: 0,
        file: PathBuf::new(),
        lang: raw.meta.language.to_string(),
        max_pixels: raw.options.max_image_pixels,
    };
    let mut out = Vec::new();
    // Footnotes a file defines, and those its chapters used: a file cut
    // into several chapters shares its definitions among them.
    let mut defined: BTreeMap<PathBuf, Vec<(String, u32)>> = BTreeMap::new();
    let mut used: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    // The last footnote number of the chapter, for its sections that run on.
    let mut carried = 0;
    for (index, (mut ch, title_id, _)) in chapters.into_iter().enumerate() {
        resolver.chapter = index;
        resolver.file = ch.source.clone();
        resolver.lang = ch
            .lang
            .clone()
            .unwrap_or_else(|| raw.meta.language.to_string());
        resolver.inlines(&mut ch.title, 1);
        resolver.blocks(&mut ch.blocks);
        for note in ch.notes.values_mut() {
            resolver.blocks(&mut note.blocks);
        }
        if let Some(article) = &mut ch.article {
            resolver.blocks(&mut article.author_note);
        }
        for def in ch.notes.values_mut() {
            strip_nested_notes(&mut def.blocks, &ch.source, resolver.diags);
        }
        if !ch.runs_on {
            carried = 0;
        }
        let mut notes = Notes {
            defs: &ch.notes,
            numbers: BTreeMap::new(),
            base: carried,
            file: &ch.source,
            diags: resolver.diags,
            nested: false,
        };
        notes.blocks(&mut ch.blocks);
        carried += notes.numbers.len() as u32;
        let file_used = used.entry(ch.source.clone()).or_default();
        file_used.extend(notes.numbers.keys().cloned());
        defined.entry(ch.source.clone()).or_insert_with(|| {
            ch.notes
                .iter()
                .map(|(label, def)| (label.clone(), def.line))
                .collect()
        });
        out.push(Chapter {
            id: format!("ch{:02}", index + 1),
            source: ch.source,
            title: ch.title,
            title_id,
            lang: ch.lang,
            article: ch.article.filter(|a| !a.is_empty()),
            blocks: ch.blocks,
            role: ch.role,
            label: None,
            part: None,
            depth: ch.depth,
            runs_on: ch.runs_on,
        });
    }
    for (file, labels) in &defined {
        for (label, line) in labels {
            if !used.get(file).is_some_and(|u| u.contains(label)) {
                resolver.diags.warning(
                    Code::Footnote,
                    Location::at(file, *line, 0),
                    format!("footnote `[^{label}]` is defined but never referenced"),
                );
            }
        }
    }
    number(&mut out, raw.layout, &raw.options.style, &raw.meta.language);
    number_labels(&mut out, raw.layout, &raw.meta.language, resolver.diags);
    let cover = raw.cover.map(|(key, asset)| {
        resolver.images.entry(key.clone()).or_insert(asset);
        key
    });
    if let Some((key, asset)) = raw
        .options
        .print
        .as_ref()
        .and_then(|p| p.cover_wrap.clone())
    {
        resolver.images.entry(key).or_insert(asset);
    }
    Book {
        meta: raw.meta,
        cover,
        layout: raw.layout,
        chapters: out,
        images: resolver.images,
        options: raw.options,
    }
}

/// Gives each `<a id>` in `inlines` an id unique in the book, and records
/// the name a link may use for it.
fn assign_anchor_ids(
    inlines: &mut [Inline],
    line: u32,
    source: &Path,
    ids: &mut Ids,
    names: &mut HashMap<String, String>,
    diags: &mut Diagnostics,
) {
    for inline in inlines {
        match inline {
            Inline::Math {
                label: Some(label), ..
            } => register_label(label, ids, names),
            Inline::Anchor { id } => {
                // An HTML id may hold any character but a space
                // (`option-cargo-build-+toolchain`): the book writes one
                // of the characters ids keep, and links by the name as
                // written still land.
                if !valid_id(id) && !id.is_empty() && !id.contains(char::is_whitespace) {
                    let kept: String = id
                        .chars()
                        .map(|c| {
                            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                                c
                            } else {
                                '-'
                            }
                        })
                        .collect();
                    let base = match kept.chars().next() {
                        Some(c) if c.is_alphabetic() || c == '_' => kept,
                        _ => format!("id-{kept}"),
                    };
                    let unique = ids.unique(&base);
                    names.entry(id.clone()).or_insert_with(|| unique.clone());
                    names.insert(unique.clone(), unique.clone());
                    *id = unique;
                    continue;
                }
                if !valid_id(id) {
                    diags.push(
                        Diagnostic::warning(
                            Code::HeadingId,
                            Location::at(source, line, 0),
                            format!("`{id}` is not a valid id; links to it are left as text"),
                        )
                        .help("ids are letters, digits, `-` and `_`, starting with a letter"),
                    );
                    *id = ids.unique("anchor");
                    continue;
                }
                let unique = ids.unique(id);
                names.entry(id.clone()).or_insert_with(|| unique.clone());
                names.insert(unique.clone(), unique.clone());
                *id = unique;
            }
            other => {
                if let Some(content) = other.content_mut() {
                    assign_anchor_ids(content, line, source, ids, names, diags);
                }
            }
        }
    }
}

fn assign_heading_ids(
    blocks: &mut [Block],
    source: &Path,
    ids: &mut Ids,
    names: &mut HashMap<String, String>,
    diags: &mut Diagnostics,
) {
    for block in blocks {
        let line = block.line;
        match &mut block.kind {
            BlockKind::Paragraph { content } => {
                assign_anchor_ids(content, line, source, ids, names, diags)
            }
            BlockKind::Table { head, rows, .. } => {
                for cell in head.iter_mut().chain(rows.iter_mut().flatten()) {
                    assign_anchor_ids(cell, line, source, ids, names, diags);
                }
            }
            BlockKind::Figure { caption, .. } => {
                assign_anchor_ids(caption, line, source, ids, names, diags)
            }
            _ => {}
        }
        if let BlockKind::Figure {
            label: Some(label), ..
        }
        | BlockKind::Table {
            label: Some(label), ..
        }
        | BlockKind::CodeBlock {
            label: Some(label), ..
        } = &mut block.kind
        {
            register_label(label, ids, names);
        }
        match &mut block.kind {
            BlockKind::Heading { id, content, .. } => {
                assign_anchor_ids(content, line, source, ids, names, diags);
                let requested = !id.is_empty();
                if requested && !valid_id(id) {
                    diags.push(
                        Diagnostic::warning(
                            Code::HeadingId,
                            Location::at(source, block.line, 0),
                            format!("`{id}` is not a valid id; a generated one is used"),
                        )
                        .help("ids are letters, digits, `-` and `_`, starting with a letter"),
                    );
                    id.clear();
                }
                let text = id.is_empty().then(|| crate::model::plain_text(content));
                let base = match &text {
                    Some(t) => slug(t),
                    None => id.clone(),
                };
                let unique = ids.unique(&base);
                if requested && unique != base {
                    diags.warning(
                        Code::HeadingId,
                        Location::at(source, block.line, 0),
                        format!("id `{base}` is used twice; this heading gets `{unique}`"),
                    );
                }
                names.entry(base).or_insert_with(|| unique.clone());
                names.insert(unique.clone(), unique.clone());
                if let (false, Some(t)) = (requested, &text) {
                    names
                        .entry(web_slug(t.trim()))
                        .or_insert_with(|| unique.clone());
                }
                *id = unique;
            }
            BlockKind::BlockQuote { blocks, .. } => {
                assign_heading_ids(blocks, source, ids, names, diags)
            }
            BlockKind::List { items, .. } => {
                for item in items {
                    assign_heading_ids(&mut item.blocks, source, ids, names, diags);
                }
            }
            BlockKind::Definitions { items } => {
                for item in items.iter_mut() {
                    assign_anchor_ids(&mut item.term, line, source, ids, names, diags);
                    for d in &mut item.definitions {
                        assign_heading_ids(d, source, ids, names, diags);
                    }
                }
            }
            _ => {}
        }
    }
}

struct Resolver<'d> {
    root: PathBuf,
    /// Canonical path of each chapter's manuscript.
    sources: Vec<PathBuf>,
    /// For each chapter, the ids a link may name, mapped to the real ids.
    anchors: Vec<HashMap<String, String>>,
    images: BTreeMap<String, ImageAsset>,
    diags: &'d mut Diagnostics,
    chapter: usize,
    file: PathBuf,
    /// The language of the chapter being resolved, for its quotation marks.
    lang: String,
    /// Images over this many pixels are refused.
    max_pixels: u64,
}

impl Resolver<'_> {
    /// Where to point a message: the element's own position when known,
    /// else the line of its block.
    fn at(&self, pos: Pos, line: u32) -> Location {
        if pos.line > 0 {
            Location::at(&self.file, pos.line, pos.column)
        } else {
            Location::at(&self.file, line, 0)
        }
    }

    fn blocks(&mut self, blocks: &mut [Block]) {
        for block in blocks {
            let line = block.line;
            match &mut block.kind {
                BlockKind::Heading { content, .. } | BlockKind::Paragraph { content } => {
                    self.inlines(content, line)
                }
                BlockKind::BlockQuote { blocks, .. } => self.blocks(blocks),
                BlockKind::List { items, .. } => {
                    for item in items {
                        self.blocks(&mut item.blocks);
                    }
                }
                BlockKind::Definitions { items } => {
                    for item in items {
                        self.inlines(&mut item.term, line);
                        for d in &mut item.definitions {
                            self.blocks(d);
                        }
                    }
                }
                BlockKind::Table {
                    head,
                    rows,
                    caption,
                    ..
                } => {
                    for cell in head.iter_mut().chain(rows.iter_mut().flatten()) {
                        self.inlines(cell, line);
                    }
                    self.inlines(caption, line);
                }
                BlockKind::Figure { image, caption, .. } => {
                    self.image(image, line);
                    self.inlines(caption, line);
                }
                BlockKind::Index { index } => index.for_each_term(&mut |t| self.inlines(t, line)),
                BlockKind::CodeBlock { .. } | BlockKind::SceneBreak => {}
            }
        }
    }

    fn inlines(&mut self, inlines: &mut Vec<Inline>, line: u32) {
        for mut inline in std::mem::take(inlines) {
            match &mut inline {
                Inline::Link {
                    target,
                    content,
                    pos,
                    ..
                } => {
                    self.inlines(content, line);
                    if let LinkTarget::Unresolved { dest } = target {
                        let dest = dest.clone();
                        let at = self.at(*pos, line);
                        match self.link(&dest, at) {
                            Some(t) => *target = t,
                            None => {
                                // Keep the words, drop the link.
                                inlines.append(content);
                                continue;
                            }
                        }
                    }
                }
                Inline::Image { image } => self.image(image, line),
                // Words in another language take its quotation marks.
                Inline::Span {
                    lang: Some(lang),
                    content,
                    ..
                } => {
                    let outer = std::mem::replace(&mut self.lang, lang.clone());
                    self.inlines(content, line);
                    self.lang = outer;
                }
                Inline::Emphasis { content }
                | Inline::Strong { content }
                | Inline::Strikethrough { content }
                | Inline::Superscript { content }
                | Inline::Span { content, .. }
                | Inline::Subscript { content } => self.inlines(content, line),
                Inline::Text { text } => {
                    *text = crate::typography::localize_quotes(text, &self.lang)
                }
                _ => {}
            }
            inlines.push(inline);
        }
    }

    fn link(&mut self, dest: &str, at: Location) -> Option<LinkTarget> {
        if dest.trim().is_empty() {
            self.diags.warning(
                Code::LinkDropped,
                at,
                "link with no destination; kept as text",
            );
            return None;
        }
        if let Some(scheme) = scheme(dest) {
            // Only schemes that are safe and mean the same in every
            // reading system and PDF viewer stay live.
            if matches!(scheme.as_str(), "http" | "https" | "mailto") {
                return Some(LinkTarget::External {
                    url: encode_url(dest),
                });
            }
            self.diags.push(
                Diagnostic::warning(
                    Code::LinkDropped,
                    at,
                    format!("link with a `{scheme}:` address kept as text, not as a link"),
                )
                .help("only http:, https: and mailto: links, and links inside the book, stay live"),
            );
            return None;
        }
        let (path, frag) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(percent_decode(f))),
            None => (dest, None),
        };
        // A file may hold several chapters: the link goes to the one that
        // has the id, or to the file's first.
        let file = if path.is_empty() {
            Some(self.sources[self.chapter].clone())
        } else {
            let base = self.file.parent().unwrap_or(Path::new("."));
            let target = base.join(percent_decode(path));
            canonical(&target).or_else(|| page_source(&target))
        };
        let candidates: Vec<usize> = file
            .map(|f| {
                (0..self.sources.len())
                    .filter(|&i| self.sources[i] == f)
                    .collect()
            })
            .unwrap_or_default();
        let Some(&first) = candidates.first() else {
            self.diags.warning(
                Code::LinkDropped,
                at,
                format!("link to `{dest}`, which is not part of the book; kept as text"),
            );
            return None;
        };
        let mut chapter = if path.is_empty() { self.chapter } else { first };
        let id = match frag.filter(|f| !f.is_empty()) {
            None => None,
            Some(f) => match candidates
                .iter()
                .find_map(|&c| self.anchors[c].get(&f).map(|id| (c, id.clone())))
            {
                Some((c, id)) => {
                    chapter = c;
                    Some(id)
                }
                None => {
                    self.diags.warning(
                        Code::LinkDropped,
                        at,
                        format!(
                            "link to `{dest}`: no heading there has the id `{f}`; kept as text"
                        ),
                    );
                    return None;
                }
            },
        };
        Some(LinkTarget::Internal { chapter, id })
    }

    fn image(&mut self, image: &mut Image, line: u32) {
        let at = self.at(image.pos, line);
        let found = match image.embedded.take() {
            Some(asset) => Ok((image.path.clone(), *asset)),
            None => resolve_image(&self.root, &self.file, &image.dest, self.max_pixels),
        };
        match found {
            Ok((key, mut asset)) => {
                asset.named_at = at.clone();
                if image.alt.trim().is_empty() {
                    self.diags.push(
                        Diagnostic::warning(
                            Code::ImageAlt,
                            at.clone(),
                            format!("image `{}` has no alt text", image.dest),
                        )
                        .help(format!(
                            "describe it for readers who cannot see it: ![what it shows]({})",
                            image.dest
                        )),
                    );
                }
                if !asset.info.svg_removed.is_empty() {
                    self.diags.warning(
                        Code::SvgSanitized,
                        at,
                        format!(
                            "SVG `{}`: removed {}, which a book must not carry",
                            image.dest,
                            asset.info.svg_removed.join(", ")
                        ),
                    );
                }
                image.path = key.clone();
                self.images.entry(key).or_insert(asset);
            }
            Err(p) => {
                let prefix = format!("image `{}`: ", image.dest);
                let prefix = if p.code == Code::ImageMissing || p.code == Code::OutsideProject {
                    ""
                } else {
                    prefix.as_str()
                };
                self.diags.push(p.at(at, prefix))
            }
        }
    }
}

/// Finds an image named in a manuscript (relative to it), keeps it inside
/// the project and reads its kind and size. Returns its project-relative
/// path, the key under which the book lists it.
pub fn resolve_image(
    root: &Path,
    manuscript: &Path,
    dest: &str,
    max_pixels: u64,
) -> Result<(String, ImageAsset), Problem> {
    if scheme(dest).is_some() {
        return Err(
            Problem::new(Code::ImageMissing, format!("image `{dest}` is remote"))
                .help("download it into the project and refer to the file"),
        );
    }
    let real =
        project_file(root, manuscript, &percent_decode(dest), "image").map_err(|p| {
            match p.code {
                Code::InputMissing => {
                    Problem::new(Code::ImageMissing, format!("image not found: {dest}"))
                }
                _ => p,
            }
        })?;
    let root_real = std::fs::canonicalize(root).unwrap_or(normalize(root));
    let key = real
        .strip_prefix(&root_real)
        .unwrap_or(&real)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let info = crate::images::probe(&real, max_pixels)?;
    Ok((
        key,
        ImageAsset {
            file: real,
            data: None,
            info,
            named_at: Location::file(manuscript),
        },
    ))
}

/// The file `name` names (relative to `manuscript`'s directory), found
/// inside the project `root`, links followed; `what` it is names it in
/// the messages.
pub fn project_file(
    root: &Path,
    manuscript: &Path,
    name: &str,
    what: &str,
) -> Result<PathBuf, Problem> {
    let base = manuscript.parent().unwrap_or(Path::new("."));
    let joined = normalize(&base.join(name));
    let root_abs = normalize(root);
    if !joined.starts_with(&root_abs) {
        return Err(Problem::new(
            Code::OutsideProject,
            format!(
                "{what} `{name}` is outside the project directory {}",
                crate::diagnostics::display_path(root)
            ),
        )
        .help("copy it into the project"));
    }
    let real = std::fs::canonicalize(&joined)
        .map_err(|_| Problem::new(Code::InputMissing, format!("{what} not found: {name}")))?;
    let root_real = std::fs::canonicalize(root).unwrap_or(root_abs);
    if !real.starts_with(&root_real) {
        return Err(Problem::new(
            Code::OutsideProject,
            format!("{what} `{name}` leads outside the project directory (through a link)"),
        )
        .help("copy it into the project"));
    }
    Ok(real)
}

/// Makes a path absolute and removes `.` and `..` without touching the disk.
fn normalize(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn canonical(p: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(p).ok()
}

/// The chapter file a link to a rendered page stands for, as mdBook books
/// link (`races.html` for `races.md`, `index.html` for the directory's
/// `README.md`), if there is one.
fn page_source(target: &Path) -> Option<PathBuf> {
    if target.extension()? != "html" {
        return None;
    }
    let md = target.with_extension("md");
    canonical(&md).or_else(|| {
        (target.file_stem()? == "index")
            .then(|| canonical(&target.with_file_name("README.md")))
            .flatten()
    })
}

/// The URL scheme of a destination (`https`, `javascript`), lower case,
/// if it has one. A one-letter "scheme" is a Windows drive, not a scheme.
fn scheme(dest: &str) -> Option<String> {
    let dest = dest.trim_start();
    let colon = dest.find(':')?;
    let scheme = &dest[..colon];
    (scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// What may not stand in a URL as written: controls, spaces, quotes and
/// the characters RFC 3986 leaves out (non-ASCII is always encoded).
const NOT_IN_URLS: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// And in a fragment, a `#` besides.
const NOT_IN_FRAGMENTS: &percent_encoding::AsciiSet = &NOT_IN_URLS.add(b'#');

/// Percent-encodes what may not stand in a URL as written (spaces, quotes,
/// non-ASCII), so every href in the output is a valid URL.
fn encode_url(url: &str) -> String {
    // A fragment may not hold a second `#` (`page.html##id`, a slip
    // browsers forgive): it is encoded there.
    match url.split_once('#') {
        Some((address, fragment)) => format!(
            "{}#{}",
            percent_encoding::utf8_percent_encode(address, NOT_IN_URLS),
            percent_encoding::utf8_percent_encode(fragment, NOT_IN_FRAGMENTS)
        ),
        None => percent_encoding::utf8_percent_encode(url, NOT_IN_URLS).to_string(),
    }
}

/// A path as a link writes it (`My%20Notes.md`), decoded; as written if
/// what it decodes to is not UTF-8.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map_or_else(|_| s.to_string(), |d| d.into_owned())
}

#[cfg(test)]
mod url_tests {
    #[test]
    fn a_second_hash_is_encoded_in_the_fragment() {
        assert_eq!(
            super::encode_url("https://x.org/a b.html##git oxide"),
            "https://x.org/a%20b.html#%23git%20oxide"
        );
        assert_eq!(
            super::encode_url("https://x.org/p?q=1"),
            "https://x.org/p?q=1"
        );
    }
}
