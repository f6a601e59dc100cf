//! The EPUB 3 renderer: a [`Book`] in, the bytes of an `.epub` out.
//!
//! One XHTML document per chapter, plus cover, title and copyright pages;
//! a navigation document with the chapters and their sections; the bundled
//! typefaces embedded as subsets; EPUB Accessibility metadata. epub-builder
//! assembles the container; `package::finish` completes what it cannot
//! express and makes the archive reproducible.

mod container;
mod nav;
mod ncx;
mod opf;
mod pages;
mod xhtml;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::fonts;
use crate::images;
use crate::model::{Book, PageBreak};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ZipLibrary};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use xhtml::{ChapterWriter, Paths, document};

const STYLESHEET: &str = include_str!("stylesheet.css");

/// The EPUB renderer.
pub struct Epub;

impl super::Renderer for Epub {
    fn name(&self) -> &'static str {
        "epub"
    }

    fn render(&self, book: &Book, print_pages: &[PageBreak]) -> super::Rendered {
        let mut diags = Diagnostics::default();
        let files = build(book, print_pages, &mut diags)
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

fn build(book: &Book, print_pages: &[PageBreak], diags: &mut Diagnostics) -> Option<Vec<u8>> {
    match assemble(book, print_pages, diags) {
        Ok(bytes) => Some(bytes),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

fn assemble(
    book: &Book,
    print_pages: &[PageBreak],
    diags: &mut Diagnostics,
) -> Result<Vec<u8>, Diagnostic> {
    let fonts = fonts::FontSet::shared(&book.options.fonts)
        .map_err(|p| p.at(Location::file(book_file(book)), "font: "))?;
    for d in fonts::coverage::check(book, &fonts, crate::diagnostics::Severity::Warning, "EPUB") {
        diags.push(d);
    }
    check_cover_glyphs(book, &fonts, diags);
    let converted = convert_pictures(book, diags);
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
    let docs = documents(book, &fonts, &images, &cover_path, print_pages);
    let mut chars: BTreeSet<char> = (' '..='~').collect();
    for doc in &docs {
        chars.extend(doc.xhtml.chars().filter(|c| !c.is_control()));
    }
    let css = stylesheet(book, &fonts, &chars);
    let font_files = if book.options.embed_fonts {
        embedded_fonts(book, &fonts, &chars)?
    } else {
        Vec::new()
    };
    let mut files = Files {
        fonts: &font_files,
        pictures: images
            .iter()
            .map(|(key, path)| Picture {
                path: path.clone(),
                media_type: converted[key].media_type,
                data: &converted[key].data,
                cover: book.cover.as_deref() == Some(key.as_str()),
            })
            .collect(),
        docs: &docs,
    };
    if let Some(png) = &generated_cover {
        files.pictures.insert(
            0,
            Picture {
                path: cover_path,
                media_type: "image/png",
                data: png,
                cover: true,
            },
        );
    }
    let items = manifest(book, &files);
    let lang = book.meta.language.as_str();
    let contents = nav::nest(docs.iter().filter_map(|d| d.toc.clone()).collect());
    let metadata = opf::package_metadata(book, !print_pages.is_empty());
    let package = opf::Package {
        lang,
        unique_id: "epub-id-1",
        metadata: &metadata,
        items: &items,
        rtl: book.meta.rtl,
    }
    .document();
    let navigation = nav::Nav {
        lang,
        rtl: book.meta.rtl,
        heading: crate::typography::labels(lang).contents,
        contents: &contents,
        landmarks: &nav::landmarks(book),
        pages: &nav::page_list(book, print_pages),
    }
    .document();
    let ncx = ncx::document(&book.meta.identifier.urn(), &book.meta.title, &contents);
    let package_docs = [
        ("OEBPS/content.opf", package.as_bytes()),
        ("OEBPS/nav.xhtml", navigation.as_bytes()),
        ("OEBPS/toc.ncx", ncx.as_bytes()),
    ];
    zip(book, &css, &files, &package_docs)
}

/// One XHTML document of the book, with its entry in the contents (and
/// that entry's level) if it has one.
struct Doc {
    file: String,
    xhtml: String,
    toc: Option<(u8, nav::Entry)>,
}

/// A face as it goes into the EPUB.
struct FontFile {
    path: String,
    data: Vec<u8>,
    media_type: &'static str,
}

/// A picture as it goes into the EPUB.
struct Picture<'a> {
    path: String,
    media_type: &'static str,
    data: &'a [u8],
    cover: bool,
}

/// Every file of the book but the stylesheet and the package documents,
/// in the order they go into the archive.
struct Files<'a> {
    fonts: &'a [FontFile],
    pictures: Vec<Picture<'a>>,
    docs: &'a [Doc],
}

/// A cover Quire draws is a picture: what its faces lack would be boxes
/// in it, whatever fonts the reading system has.
fn check_cover_glyphs(book: &Book, fonts: &fonts::FontSet, diags: &mut Diagnostics) {
    if book.cover.is_some() {
        return;
    }
    let missing = fonts::coverage::missing_on_cover(&book.meta, fonts);
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

/// Every image in a form reading systems show, converted once, by key. A
/// problem with one image is reported and the others still checked. They
/// are independent: converted on every core.
fn convert_pictures(book: &Book, diags: &mut Diagnostics) -> BTreeMap<String, images::EpubImage> {
    let mut converted = BTreeMap::new();
    let assets: Vec<_> = book.images.iter().collect();
    if !assets.is_empty() {
        crate::progress::stage("pictures");
    }
    let results = crate::pool::map(&assets, |(_, asset)| {
        asset
            .bytes()
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
    converted
}

/// Every XHTML document, in reading order: the cover, the title page, the
/// copyright page, then each chapter.
fn documents(
    book: &Book,
    fonts: &fonts::FontSet,
    images: &BTreeMap<String, String>,
    cover_path: &str,
    print_pages: &[PageBreak],
) -> Vec<Doc> {
    let lang = book.meta.language.as_str();
    let rtl = book.meta.rtl;
    let page = |file: &str, matter: &str, title: &str, body: String| Doc {
        file: file.to_string(),
        xhtml: document(lang, rtl, title, Some(matter), &body),
        toc: None,
    };
    let mut docs = vec![
        page(
            "cover.xhtml",
            "cover",
            "Cover",
            pages::cover(cover_path, &book.meta.title),
        ),
        page(
            "title.xhtml",
            "frontmatter",
            &book.meta.title,
            pages::title_page(book),
        ),
        page(
            "copyright.xhtml",
            "frontmatter",
            "Copyright",
            pages::copyright_page(book, fonts.text_family()),
        ),
    ];
    let paths = Paths {
        book,
        images,
        print_pages,
    };
    for (i, ch) in book.chapters.iter().enumerate() {
        let file = paths.chapter_file(i);
        let title = ch.contents_title();
        let body = ChapterWriter::new(&paths, i).chapter(ch);
        // A dedication or an epigraph is in the reading order, not the contents.
        let toc = ch.role.in_contents().then(|| {
            (
                ch.contents_level(),
                nav::toc_entry(&file, &title, &ch.blocks),
            )
        });
        let doc_lang = ch.lang.as_deref().unwrap_or(lang);
        let doc_title = if title.trim().is_empty() {
            book.meta.title.clone()
        } else {
            title
        };
        docs.push(Doc {
            xhtml: document(doc_lang, rtl, &doc_title, Some(ch.role.matter()), &body),
            file,
            toc,
        });
    }

    docs
}

/// The book's faces as files to embed: `(path, data, media type)`.
fn embedded_fonts(
    book: &Book,
    fonts: &fonts::FontSet,
    chars: &BTreeSet<char>,
) -> Result<Vec<FontFile>, Diagnostic> {
    let mut out = Vec::new();
    for (font, serves) in embedded_faces(fonts, chars) {
        // A face for a script whose letters change shape (Arabic,
        // Indic) goes in whole: a subset keeps only the letters in
        // their character map, not the joined forms the reading
        // system's shaper substitutes.
        let shaped = font.file_name.starts_with("fallback-")
            && serves.iter().any(|&c| {
                crate::typography::is_rtl_char(c) || ('\u{0900}'..='\u{0DFF}').contains(&c)
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
        out.push(FontFile {
            path: format!("fonts/{}", font.file_name),
            data,
            media_type: mime,
        });
    }
    Ok(out)
}

/// The manifest, in the order the files go into the archive.
fn manifest(book: &Book, files: &Files) -> Vec<opf::Item> {
    let mut items = vec![
        opf::Item {
            id: "ncx".into(),
            ..opf::Item::new("toc.ncx", "application/x-dtbncx+xml")
        },
        opf::Item {
            id: "nav".into(),
            properties: vec!["nav"],
            ..opf::Item::new("nav.xhtml", "application/xhtml+xml")
        },
        opf::Item::new("stylesheet.css", "text/css"),
    ];
    items.extend(
        files
            .fonts
            .iter()
            .map(|f| opf::Item::new(&f.path, f.media_type)),
    );
    if let Some(extra) = &book.options.extra_css {
        items.extend(
            extra
                .resources
                .iter()
                .map(|r| opf::Item::new(&r.href, r.media_type)),
        );
    }
    for p in &files.pictures {
        items.push(if p.cover {
            opf::Item {
                id: "cover-image".into(),
                properties: vec!["cover-image"],
                ..opf::Item::new(&p.path, p.media_type)
            }
        } else {
            opf::Item::new(&p.path, p.media_type)
        });
    }
    for doc in files.docs {
        let mut item = opf::Item::new(&doc.file, "application/xhtml+xml");
        item.in_spine = true;
        if doc.xhtml.contains("http://www.w3.org/1998/Math/MathML") {
            item.properties.push("mathml");
        }
        items.push(item);
    }
    items
}

/// The archive: epub-builder assembles it, with every file handed over
/// empty (it needs names and types only), and `container::pack` puts each
/// file's contents in once, by name.
fn zip(
    book: &Book,
    css: &str,
    files: &Files,
    package_docs: &[(&str, &[u8])],
) -> Result<Vec<u8>, Diagnostic> {
    let e = |err: epub_builder::Error| internal(book, err);
    let mut bodies: BTreeMap<String, &[u8]> = package_docs
        .iter()
        .map(|(name, data)| (name.to_string(), *data))
        .collect();
    let mut builder = EpubBuilder::new(ZipLibrary::new().map_err(e)?).map_err(e)?;
    builder.epub_version(EpubVersion::V30);
    builder.set_title(xhtml::clean(&book.meta.title));
    builder.add_language(book.meta.language.as_str());
    builder.stylesheet(css.as_bytes()).map_err(e)?;
    for f in files.fonts {
        builder
            .add_resource(&f.path, &[][..], f.media_type)
            .map_err(e)?;
        bodies.insert(format!("OEBPS/{}", f.path), f.data.as_slice());
    }
    if let Some(extra) = &book.options.extra_css {
        for r in &extra.resources {
            builder
                .add_resource(&r.href, r.data.as_slice(), r.media_type)
                .map_err(e)?;
        }
    }
    for p in &files.pictures {
        if p.cover {
            builder.add_cover_image(&p.path, &[][..], p.media_type)
        } else {
            builder.add_resource(&p.path, &[][..], p.media_type)
        }
        .map_err(e)?;
        bodies.insert(format!("OEBPS/{}", p.path), p.data);
    }
    for doc in files.docs {
        builder
            .add_content(EpubContent::new(doc.file.as_str(), &[][..]))
            .map_err(e)?;
        bodies.insert(format!("OEBPS/{}", doc.file), doc.xhtml.as_bytes());
    }
    let mut assembled = Vec::new();
    builder.generate(&mut assembled).map_err(e)?;
    container::pack(&assembled, &bodies, book.meta.modified).map_err(|what| internal(book, what))
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
