//! The EPUB 3 renderer: a [`Book`] in, the bytes of an `.epub` out.
//!
//! One XHTML document per chapter, plus cover, title and copyright pages;
//! a navigation document with the chapters and their sections; the bundled
//! typefaces embedded as subsets; EPUB Accessibility metadata. epub-builder
//! assembles the container; `package::finish` completes what it cannot
//! express and makes the archive reproducible.

mod package;
mod pages;
mod xhtml;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::fonts;
use crate::images;
use crate::model::{BlockKind, Book, Identifier, Role, metadata::iso8601};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, TocElement, ZipLibrary};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use xhtml::{ChapterWriter, Paths, document, escape};

const STYLESHEET: &str = include_str!("stylesheet.css");

/// The EPUB renderer.
pub struct Epub;

impl super::Renderer for Epub {
    fn name(&self) -> &'static str {
        "epub"
    }

    fn render(&self, book: &Book) -> super::Rendered {
        let mut diags = Diagnostics::default();
        let files = build(book, &mut diags)
            .map(|bytes| super::File {
                format: "epub",
                suffix: "",
                extension: "epub",
                bytes,
            })
            .into_iter()
            .collect();
        super::Rendered::new(files, diags)
    }
}

/// A failure of the EPUB machinery itself, not of the book: a bug.
fn internal(book: &Book, what: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Code::Internal,
        Location::file(book_file(book)),
        format!("internal error while making the EPUB: {what}"),
    )
    .help("this is a bug in Quire; please report it with the input")
}

/// The file that stands for the whole book in messages.
fn book_file(book: &Book) -> std::path::PathBuf {
    book.chapters
        .first()
        .map(|c| c.source.clone())
        .unwrap_or_default()
}

fn build(book: &Book, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    match assemble(book, diags) {
        Ok(bytes) => Some(bytes),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

fn assemble(book: &Book, diags: &mut Diagnostics) -> Result<Vec<u8>, Diagnostic> {
    let e = |err: epub_builder::Error| internal(book, err);
    let fonts = fonts::FontSet::with(&book.options.fonts)
        .map_err(|p| p.at(Location::file(book_file(book)), "font: "))?;
    for d in fonts::coverage::check(book, &fonts, crate::diagnostics::Severity::Warning, "EPUB") {
        diags.push(d);
    }
    // A cover Quire draws is a picture: what its faces lack would be
    // boxes in it, whatever fonts the reading system has.
    if book.cover.is_none() {
        let missing = fonts::coverage::missing_on_cover(&book.meta, &fonts);
        if !missing.is_empty() {
            let listed: Vec<String> = missing
                .iter()
                .take(8)
                .map(|c| format!("'{c}' U+{:04X}", *c as u32))
                .collect();
            diags.push(
                Diagnostic::error(
                    crate::diagnostics::Code::GlyphMissing,
                    Location::file(book_file(book)),
                    format!(
                        "the generated cover would show empty boxes for {} character(s) of the title or authors that no font of the book can draw: {}",
                        missing.len(),
                        listed.join(", ")
                    ),
                )
                .help("name a font that has them under `[fonts] fallback`, or give the book a cover image"),
            );
        }
    }
    let lang = book.meta.language.as_str();
    // Every image in a form reading systems show, converted once. A
    // problem with one image is reported and the others still checked.
    // They are independent: converted on every core.
    let mut converted: BTreeMap<String, images::EpubImage> = BTreeMap::new();
    let assets: Vec<_> = book.images.iter().collect();
    if !assets.is_empty() {
        crate::progress::stage("pictures");
    }
    let results = crate::cache::par_map(&assets, |(_, asset)| {
        images::read(&asset.file)
            .and_then(|data| images::for_epub(&data, &asset.info, book.options.epub_max_pixels))
    });
    for ((key, asset), result) in assets.into_iter().zip(results) {
        match result {
            Ok(img) => {
                converted.insert(key.clone(), img);
            }
            Err(p) => diags.push(p.at(asset.named_at.clone(), &format!("image `{key}`: "))),
        }
    }
    if diags.has_errors() {
        // Reported above; there is no EPUB to make.
        return Ok(Vec::new());
    }
    // The cover: the book's own, or one drawn for it.
    let generated_cover = match &book.cover {
        Some(_) => None,
        None => Some(
            images::cover::generate(&book.meta, &fonts)
                .map_err(|p| p.at(Location::file(book_file(book)), "cover: "))?,
        ),
    };
    let images = image_paths(&converted);
    let cover_path = match &book.cover {
        Some(key) => images[key].clone(),
        None => "images/cover.png".to_string(),
    };
    let paths = Paths {
        book,
        images: &images,
    };

    // Every XHTML document, in reading order: (file, title, body, toc entry).
    let mut docs: Vec<(String, String, Option<TocElement>)> = Vec::new();
    docs.push((
        "cover.xhtml".into(),
        document(
            lang,
            "Cover",
            Some("cover"),
            &pages::cover(&cover_path, &book.meta.title),
        ),
        None,
    ));
    docs.push((
        "title.xhtml".into(),
        document(
            lang,
            &book.meta.title,
            Some("frontmatter"),
            &pages::title_page(book),
        ),
        None,
    ));
    docs.push((
        "copyright.xhtml".into(),
        document(
            lang,
            "Copyright",
            Some("frontmatter"),
            &pages::copyright_page(book, fonts.text_family()),
        ),
        None,
    ));
    for (i, ch) in book.chapters.iter().enumerate() {
        let file = paths.chapter_file(i);
        let title = ch.contents_title();
        let body = ChapterWriter::new(&paths, i).chapter(ch);
        // A dedication or an epigraph is in the reading order, not the contents.
        let toc = ch
            .role
            .in_contents()
            .then(|| toc_entry(&file, &title, &ch.blocks).level(i32::from(ch.contents_level())));
        let doc_lang = ch.lang.as_deref().unwrap_or(lang);
        let doc_title = if title.trim().is_empty() {
            book.meta.title.clone()
        } else {
            title
        };
        docs.push((
            file,
            document(doc_lang, &doc_title, Some(ch.role.matter()), &body),
            toc,
        ));
    }

    let mut builder = EpubBuilder::new(ZipLibrary::new().map_err(e)?).map_err(e)?;
    builder.epub_version(EpubVersion::V30);
    builder.set_title(xhtml::clean(&book.meta.title));
    builder.add_language(lang);
    builder.set_toc_name(crate::typography::labels(lang).contents);
    let mut chars: BTreeSet<char> = (' '..='~').collect();
    for (_, doc, _) in &docs {
        chars.extend(doc.chars().filter(|c| !c.is_control()));
    }
    builder
        .stylesheet(stylesheet(book, &fonts, &chars).as_bytes())
        .map_err(e)?;

    if book.options.embed_fonts {
        for (font, serves) in embedded_faces(&fonts, &chars) {
            // A face for a script whose letters change shape (Arabic,
            // Indic) goes in whole: a subset keeps only the letters in
            // their character map, not the joined forms the reading
            // system's shaper substitutes.
            let shaped = font.file_name.starts_with("fallback-")
                && serves.iter().any(|&c| {
                    crate::render::pdf::is_rtl_char(c) || ('\u{0900}'..='\u{0DFF}').contains(&c)
                });
            let data = if shaped && !font.data.starts_with(b"ttcf") {
                font.data.to_vec()
            } else {
                fonts::subset_with_cmap(&font.data, font.index, &serves)
                    .map_err(|p| p.at(Location::file(book_file(book)), "font: "))?
            };
            let mime = if data.starts_with(b"OTTO") {
                "font/otf"
            } else {
                "font/ttf"
            };
            builder
                .add_resource(format!("fonts/{}", font.file_name), data.as_slice(), mime)
                .map_err(e)?;
        }
    }
    if let Some(extra) = &book.options.extra_css {
        for r in &extra.resources {
            builder
                .add_resource(&r.href, r.data.as_slice(), r.media_type)
                .map_err(e)?;
        }
    }
    // Pictures and documents, the bulk of the book, are handed to
    // epub-builder empty (it needs their names and types for the
    // manifest) and put in once, by `package::finish`: zipped once, and
    // pictures never deflated at all.
    let mut bodies: BTreeMap<String, &[u8]> = BTreeMap::new();
    if let Some(png) = &generated_cover {
        builder
            .add_cover_image(&cover_path, &[][..], "image/png")
            .map_err(e)?;
        bodies.insert(format!("OEBPS/{cover_path}"), png.as_slice());
    }
    for (key, path) in &images {
        let img = &converted[key];
        if book.cover.as_deref() == Some(key.as_str()) {
            builder
                .add_cover_image(path, &[][..], img.media_type)
                .map_err(e)?;
        } else {
            builder
                .add_resource(path, &[][..], img.media_type)
                .map_err(e)?;
        }
        bodies.insert(format!("OEBPS/{path}"), img.data.as_slice());
    }
    for (file, doc, toc) in &docs {
        bodies.insert(format!("OEBPS/{file}"), doc.as_bytes());
        let mut content = EpubContent::new(file.as_str(), &[][..]);
        if let Some(toc) = toc {
            content = content.title(toc.title.clone()).level(toc.level);
            for child in &toc.children {
                content = content.child(child.clone());
            }
        }
        builder.add_content(content).map_err(e)?;
    }
    let mut assembled = Vec::new();
    builder.generate(&mut assembled).map_err(e)?;

    let metadata = package_metadata(book);
    let landmarks = landmarks(book) + &page_list(book);
    package::finish(
        &assembled,
        &package::Finish {
            mathml: &docs
                .iter()
                .filter(|(_, doc, _)| doc.contains("http://www.w3.org/1998/Math/MathML"))
                .map(|(file, _, _)| file.clone())
                .collect::<Vec<_>>(),
            metadata: &metadata,
            landmarks: &landmarks,
            language: lang,
            rtl: book.meta.rtl,
            identifier: &book.meta.identifier.urn(),
            toc_depth: docs
                .iter()
                .filter_map(|(_, _, t)| t.as_ref())
                .map(depth)
                .max()
                .unwrap_or(1),
            modified: book.meta.modified,
            bodies: &bodies,
        },
    )
    .map_err(|what| internal(book, what))
}

/// Where each image goes inside the EPUB: `images/<file name>`, made safe
/// for URLs, with the project path folded in when two names clash.
fn image_paths(converted: &BTreeMap<String, images::EpubImage>) -> BTreeMap<String, String> {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    // The generated cover's name is taken.
    let mut used: BTreeSet<String> = ["images/cover.png".to_string()].into();
    let mut out = BTreeMap::new();
    for (key, img) in converted {
        let file = key.rsplit('/').next().unwrap_or(key);
        let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
        let mut candidate = format!("images/{}.{}", safe(stem), img.ext);
        if !used.insert(candidate.clone()) {
            let whole = key.rsplit_once('.').map_or(key.as_str(), |(s, _)| s);
            candidate = format!("images/{}.{}", safe(whole), img.ext);
            let mut n = 2;
            while !used.insert(candidate.clone()) {
                candidate = format!("images/{n}-{}.{}", safe(whole), img.ext);
                n += 1;
            }
        }
        out.insert(key.clone(), candidate);
    }
    out
}

/// The chapter and its sections (level 2, with level 3 beneath them).
fn toc_entry(file: &str, title: &str, blocks: &[crate::model::Block]) -> TocElement {
    let mut chapter = TocElement::new(file, xhtml::clean(title));
    let mut current: Option<TocElement> = None;
    for b in blocks {
        if let BlockKind::Heading {
            level, id, content, ..
        } = &b.kind
        {
            let entry = TocElement::new(
                format!("{file}#{id}"),
                xhtml::clean(&crate::model::plain_text(content)),
            );
            match level {
                2 => {
                    if let Some(done) = current.take() {
                        chapter = chapter.child(done);
                    }
                    current = Some(entry);
                }
                3 => match current.take() {
                    Some(sec) => current = Some(sec.child(entry)),
                    None => chapter = chapter.child(entry),
                },
                _ => {}
            }
        }
    }
    if let Some(done) = current {
        chapter = chapter.child(done);
    }
    chapter
}

fn depth(t: &TocElement) -> usize {
    1 + t.children.iter().map(depth).max().unwrap_or(0)
}

/// The faces to embed, each with the characters it is embedded for: a
/// face that merely repeats the regular one (a book that gave only its
/// regular face) is not embedded twice; a fallback face only for the
/// characters the book's own faces and the fallbacks before it lack.
fn embedded_faces<'f>(
    fonts: &'f fonts::FontSet,
    chars: &BTreeSet<char>,
) -> Vec<(&'f fonts::Face, BTreeSet<char>)> {
    let mut out: Vec<(&fonts::Face, BTreeSet<char>)> = fonts
        .faces
        .iter()
        .enumerate()
        // The bold code face is the PDF's: reading systems embolden. So is
        // the math face: the EPUB's formulas are MathML, set by the reader.
        .filter(|(i, f)| *i == 0 || *i == 4 || (*i < 4 && f.data != fonts.faces[0].data))
        .map(|(_, f)| (f, chars.clone()))
        .collect();
    let mut lacking: BTreeSet<char> = chars
        .iter()
        .copied()
        .filter(|&c| fonts::coverage::needs_glyph(c) && !fonts.covers(0, c))
        .collect();
    for i in fonts.fallbacks() {
        let serves: BTreeSet<char> = lacking
            .iter()
            .copied()
            .filter(|&c| fonts.covers(i, c))
            .collect();
        if serves.is_empty() {
            continue;
        }
        lacking.retain(|c| !serves.contains(c));
        // A colour face (emoji) is left to the reading system's own:
        // EPUB reading systems draw emoji, and few draw a font's pictures.
        if fonts.faces[i].colour.is_some() {
            continue;
        }
        let mut with_space = serves;
        with_space.insert(' ');
        out.push((&fonts.faces[i], with_space));
    }
    out
}

fn stylesheet(book: &Book, fonts: &fonts::FontSet, chars: &BTreeSet<char>) -> String {
    let mut css = String::new();
    if book.options.embed_fonts {
        for (f, _) in embedded_faces(fonts, chars) {
            let _ = writeln!(
                css,
                "@font-face {{ font-family: \"{}\"; font-weight: {}; font-style: {}; src: url(\"fonts/{}\"); }}",
                f.family,
                f.weight,
                if f.italic { "italic" } else { "normal" },
                f.file_name
            );
        }
        css.push('\n');
    }
    let quote = |f: &str| format!("\"{}\"", f.replace(['"', '\\'], ""));
    // The fallbacks follow each family, then the reading system's own.
    let fallbacks: String = fonts
        .fallbacks()
        .map(|i| format!(", {}", quote(&fonts.faces[i].family)))
        .collect();
    css.push_str(
        &STYLESHEET
            .replace(
                "{{TEXT_FAMILY}}",
                &format!("{}{fallbacks}", quote(fonts.text_family())),
            )
            .replace(
                "{{MONO_FAMILY}}",
                &format!("{}{fallbacks}", quote(fonts.mono_family())),
            ),
    );
    if book.meta.rtl {
        // Set flush with where lines start: the right, in this book.
        css = css
            .replace("text-align: left", "text-align: start")
            .replace("margin-left: -1.3em", "margin-inline-start: -1.3em");
    }
    house_style(&book.options.style, &mut css);
    if let Some(extra) = &book.options.extra_css {
        css.push_str("\n/* The book's own stylesheet. */\n");
        css.push_str(&extra.text);
        css.push('\n');
    }
    css
}

/// The rules a book's `[style]` adds to the stylesheet (none when it
/// keeps the defaults).
fn house_style(style: &crate::model::StyleOptions, css: &mut String) {
    use crate::model::{FirstParagraph, HeadingFace, NumberPlace, SceneBreak};
    let mut rules = String::new();
    match &style.scene_break {
        SceneBreak::Ornament(mark) if *mark != SceneBreak::default().mark() => {
            let escaped: String = mark
                .chars()
                .map(|c| match c {
                    '"' | '\\' => format!("\\{:x} ", c as u32),
                    '\u{2003}' => " ".to_string(),
                    c => c.to_string(),
                })
                .collect();
            let _ = writeln!(rules, "hr.scene-break::after {{ content: \"{escaped}\"; }}");
        }
        SceneBreak::Ornament(_) => {}
        SceneBreak::Space => {
            rules.push_str("hr.scene-break { height: 0; margin: 0.75em 0; }\n");
            rules.push_str("hr.scene-break::after { content: none; }\n");
        }
    }
    if let Some(sink) = style.chapter_sink {
        // A line of body text is about 1.4em.
        let _ = writeln!(
            rules,
            "section > header h1 {{ margin-top: {:.1}em; }}",
            f32::from(sink) * 1.4 / 1.6
        );
    }
    if style.chapter_number == NumberPlace::Inline {
        rules.push_str("h1 .label, h1 .title { display: inline; }\n");
        rules.push_str(
            "h1 .label { font-size: 1em; letter-spacing: 0; text-transform: none; margin: 0; }\n",
        );
        rules.push_str("h1 .label::after { content: \":\"; }\n");
    }
    // The first paragraph of a chapter, after its heading or its epigraph.
    let first = "section > header + p, section > header + blockquote.epigraph + p";
    match style.first_paragraph {
        FirstParagraph::Plain => {}
        FirstParagraph::SmallCaps => {
            let _ = writeln!(
                rules,
                "{} {{ font-variant: small-caps; letter-spacing: 0.03em; }}",
                first.replace(", ", "::first-line, ") + "::first-line"
            );
        }
        FirstParagraph::DropCap => {
            let _ = writeln!(
                rules,
                "{} {{ float: left; font-size: 2.7em; line-height: 0.8; margin: 0.07em 0.08em 0 0; }}",
                first.replace(", ", "::first-letter, ") + "::first-letter"
            );
        }
    }
    let face = match style.headings {
        HeadingFace::Standard => None,
        HeadingFace::Bold => Some("font-weight: bold; font-style: normal;"),
        HeadingFace::Italic => Some("font-weight: normal; font-style: italic;"),
        HeadingFace::SmallCaps => {
            Some("font-weight: normal; font-style: normal; font-variant: small-caps;")
        }
    };
    if let Some(face) = face {
        let _ = writeln!(rules, "h1, h2, h3, h4, h5, h6 {{ {face} }}");
    }
    if !rules.is_empty() {
        css.push_str("\n/* The book's house style. */\n");
        css.push_str(&rules);
    }
}

/// The print edition's pages, for reading systems' "go to page": a
/// `page-list` in the navigation document, when the book has one.
fn page_list(book: &Book) -> String {
    let breaks = &book.options.page_breaks;
    if breaks.is_empty() {
        return String::new();
    }
    let mut s = String::from(
        "\n  <nav epub:type=\"page-list\" id=\"page-list\" hidden=\"hidden\">\n    <h2>Pages</h2>\n    <ol>\n",
    );
    for b in breaks {
        let _ = writeln!(
            s,
            "      <li><a href=\"{}.xhtml#page-{1}\">{1}</a></li>",
            book.chapters[b.chapter].id,
            escape(&b.label)
        );
    }
    s.push_str("    </ol>\n  </nav>");
    s
}

fn landmarks(book: &Book) -> String {
    let mut s = String::from(
        "<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n    <h2>Landmarks</h2>\n    <ol>\n",
    );
    // Every book has a cover: its own, or a generated one.
    s.push_str("      <li><a epub:type=\"cover\" href=\"cover.xhtml\">Cover</a></li>\n");
    s.push_str("      <li><a epub:type=\"titlepage\" href=\"title.xhtml\">Title Page</a></li>\n");
    // Where each part of the book begins, and the first of each kind of
    // front and back matter that has a landmark of its own.
    let mut seen = BTreeSet::new();
    for ch in &book.chapters {
        let matter = ch.role.matter();
        let role = ch.role.epub_type().filter(|t| LANDMARKS.contains(t));
        for kind in [Some(matter), role].into_iter().flatten() {
            if seen.insert(kind) {
                let name = match ch.contents_title() {
                    t if t.trim().is_empty() => landmark_name(kind).to_string(),
                    t => t,
                };
                let _ = writeln!(
                    s,
                    "      <li><a epub:type=\"{kind}\" href=\"{}.xhtml\">{}</a></li>",
                    ch.id,
                    escape(&name)
                );
            }
        }
    }
    s.push_str(
        "      <li><a epub:type=\"copyright-page\" href=\"copyright.xhtml\">Copyright</a></li>\n",
    );
    s.push_str("    </ol>\n  </nav>");
    s
}

/// The roles that get a landmark of their own (EPUB 3 Structural
/// Semantics names reading systems act on).
const LANDMARKS: [&str; 9] = [
    "dedication",
    "epigraph",
    "foreword",
    "preface",
    "introduction",
    "acknowledgments",
    "appendix",
    "glossary",
    "bibliography",
];

fn landmark_name(kind: &str) -> &str {
    match kind {
        "frontmatter" => "Front Matter",
        "bodymatter" => "Start of Content",
        "backmatter" => "Back Matter",
        "dedication" => "Dedication",
        "epigraph" => "Epigraph",
        other => other,
    }
}

/// The package document's `<metadata>`: Dublin Core, EPUB 3 refinements,
/// and EPUB Accessibility 1.1 (schema.org) properties.
fn package_metadata(book: &Book) -> String {
    let m = &book.meta;
    let mut s = String::from(
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:opf=\"http://www.idpf.org/2007/opf\">\n",
    );
    let mut el = |line: String| {
        s.push_str("    ");
        s.push_str(&line);
        s.push('\n');
    };
    el(format!(
        "<dc:identifier id=\"epub-id-1\">{}</dc:identifier>",
        escape(&m.identifier.urn())
    ));
    if let Identifier::Isbn(_) = m.identifier {
        // ONIX code list 5, value 15: ISBN-13.
        el("<meta refines=\"#epub-id-1\" property=\"identifier-type\" scheme=\"onix:codelist5\">15</meta>".into());
    }
    el(format!(
        "<dc:title id=\"title\">{}</dc:title>",
        escape(&m.title)
    ));
    el("<meta refines=\"#title\" property=\"title-type\">main</meta>".into());
    if let Some(sub) = &m.subtitle {
        el(format!(
            "<dc:title id=\"subtitle\">{}</dc:title>",
            escape(sub)
        ));
        el("<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>".into());
    }
    el(format!(
        "<dc:language>{}</dc:language>",
        escape(&m.language)
    ));
    // The book's own people, then those of its articles (a collection's
    // authors and translators), each once.
    let mut people: Vec<(crate::model::Contributor, bool)> =
        m.contributors.iter().map(|c| (c.clone(), true)).collect();
    for a in book.chapters.iter().filter_map(|c| c.article.as_ref()) {
        let authors = a.authors.iter().map(|name| crate::model::Contributor {
            name: name.clone(),
            role: Role::Author,
        });
        for c in authors.chain(a.contributors.iter().cloned()) {
            if !people
                .iter()
                .any(|(p, _)| p.name == c.name && p.role == c.role)
            {
                people.push((c, false));
            }
        }
    }
    for (i, (c, own)) in people.iter().enumerate() {
        let tag = if c.role == Role::Author && *own {
            "dc:creator"
        } else {
            "dc:contributor"
        };
        let id = format!("contributor-{}", i + 1);
        el(format!("<{tag} id=\"{id}\">{}</{tag}>", escape(&c.name)));
        el(format!(
            "<meta refines=\"#{id}\" property=\"role\" scheme=\"marc:relators\">{}</meta>",
            c.role.marc()
        ));
    }
    if let Some(p) = &m.publisher {
        el(format!("<dc:publisher>{}</dc:publisher>", escape(p)));
    }
    if let Some(d) = &m.date {
        el(format!("<dc:date>{}</dc:date>", escape(d)));
    }
    if let Some(r) = &m.rights {
        el(format!("<dc:rights>{}</dc:rights>", escape(r)));
    }
    if let Some(d) = &m.description {
        el(format!("<dc:description>{}</dc:description>", escape(d)));
    }
    for subject in &m.subjects {
        el(format!("<dc:subject>{}</dc:subject>", escape(subject)));
    }
    if let Some(src) = &m.source {
        el(format!("<dc:source>{}</dc:source>", escape(src)));
    }
    if let Some(series) = &m.series {
        el(format!(
            "<meta property=\"belongs-to-collection\" id=\"series\">{}</meta>",
            escape(&series.name)
        ));
        el("<meta refines=\"#series\" property=\"collection-type\">series</meta>".into());
        if let Some(pos) = &series.position {
            el(format!(
                "<meta refines=\"#series\" property=\"group-position\">{}</meta>",
                escape(pos)
            ));
        }
    }
    el(format!(
        "<meta property=\"dcterms:modified\">{}</meta>",
        iso8601(m.modified)
    ));
    el("<meta name=\"cover\" content=\"cover-image\"/>".into());
    // Accessibility (EPUB Accessibility 1.1): what a reader needs to know
    // before buying. Images make the book partly visual; their alt text is
    // what lets text alone suffice.
    let has_images = !book.images.is_empty();
    let all_alt = all_images_described(book);
    el("<meta property=\"schema:accessMode\">textual</meta>".into());
    if has_images {
        el("<meta property=\"schema:accessMode\">visual</meta>".into());
    }
    if !has_images || all_alt {
        el("<meta property=\"schema:accessModeSufficient\">textual</meta>".into());
    }
    if has_images {
        el("<meta property=\"schema:accessModeSufficient\">textual,visual</meta>".into());
    }
    for feature in [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ] {
        el(format!(
            "<meta property=\"schema:accessibilityFeature\">{feature}</meta>"
        ));
    }
    if has_images && all_alt {
        el("<meta property=\"schema:accessibilityFeature\">alternativeText</meta>".into());
    }
    if !book.options.page_breaks.is_empty() {
        // The page list follows the print edition built beside it
        // (EPUB Accessibility 1.1, pageBreakSource).
        for feature in ["pageBreakMarkers", "pageNavigation"] {
            el(format!(
                "<meta property=\"schema:accessibilityFeature\">{feature}</meta>"
            ));
        }
        el(format!(
            "<meta property=\"pageBreakSource\">{}</meta>",
            escape(&format!("{} (print edition)", m.identifier.urn()))
        ));
    }
    el("<meta property=\"schema:accessibilityHazard\">none</meta>".into());
    let summary = if has_images && !all_alt {
        "Structured text with a navigable table of contents, headings in reading order and linked footnotes. Some images lack a text description."
    } else {
        "Structured text with a navigable table of contents, headings in reading order and linked footnotes. Images, if any, have text descriptions."
    };
    el(format!(
        "<meta property=\"schema:accessibilitySummary\">{summary}</meta>"
    ));
    s.push_str("  </metadata>");
    s
}

fn all_images_described(book: &Book) -> bool {
    fn blocks(bs: &[crate::model::Block]) -> bool {
        bs.iter().all(|b| match &b.kind {
            BlockKind::Figure { image, .. } => !image.alt.trim().is_empty(),
            BlockKind::BlockQuote { blocks: inner, .. } => blocks(inner),
            BlockKind::List { items, .. } => items.iter().all(|i| blocks(&i.blocks)),
            BlockKind::Definitions { items } => items
                .iter()
                .all(|i| inlines(&i.term) && i.definitions.iter().all(|d| blocks(d))),
            BlockKind::Paragraph { content } => inlines(content),
            _ => true,
        })
    }
    fn inlines(is: &[crate::model::Inline]) -> bool {
        use crate::model::Inline;
        is.iter().all(|i| match i {
            Inline::Image { image } => !image.alt.trim().is_empty(),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Link { content, .. } => inlines(content),
            _ => true,
        })
    }
    book.chapters.iter().all(|c| blocks(&c.blocks))
}
