//! A book's metadata settled from its sources (front matter, book.toml,
//! the command line), with its print and style options, the article
//! block and the cover.

use super::*;

/// The print settings, from `[print]` (or `print:` in front matter) and
/// the command line (which wins); none without a target. A cover wrap is
/// found under `root` and checked like any image, reported at its key in
/// `file`.
pub(super) fn print_options(
    cfg: Option<&book_toml::PrintToml>,
    overrides: &Overrides,
    (root, file): (&Path, &MetaFile),
    max_pixels: u64,
    diags: &mut Diagnostics,
) -> Option<crate::print::PrintOptions> {
    let target = overrides.target.or(cfg.and_then(|c| c.target))?;
    let cover_wrap = cfg.and_then(|c| c.cover_wrap.as_ref()).and_then(|dest| {
        let at = file.key(&["cover-wrap"]);
        match resolve::resolve_image(root, file.path, dest, max_pixels) {
            Ok((key, mut asset)) => {
                asset.named_at = at;
                Some((key, asset))
            }
            Err(e) => {
                diags.push(e.at(at, "cover-wrap: "));
                None
            }
        }
    });
    Some(crate::print::PrintOptions {
        target,
        paper: cfg.and_then(|c| c.paper).unwrap_or_default(),
        crop_marks: overrides.crop_marks || cfg.and_then(|c| c.crop_marks).unwrap_or(false),
        cover_colour: cfg.and_then(|c| c.cover_colour),
        cover_wrap,
    })
}

/// The house style from `[style]` (book.toml) or `style:` (front matter);
/// a bad value is reported at its key and the default kept.
pub(super) fn style_options(
    st: &book_toml::StyleToml,
    file: &MetaFile,
    diags: &mut Diagnostics,
) -> crate::model::StyleOptions {
    let mut ranged = |v: Option<f32>, lo: f32, hi: f32, key: &str| -> Option<f32> {
        let x = v?;
        if (lo..=hi).contains(&x) {
            Some(x)
        } else {
            diags.error(
                Code::MetadataInvalid,
                file.key(&[key]),
                format!("{key} {x} is outside {lo} to {hi}"),
            );
            None
        }
    };
    let font_size = ranged(st.font_size, 6.0, 24.0, "font-size");
    let line_height = ranged(st.line_height, 1.0, 2.5, "line-height");
    let code_shrink = ranged(st.code_shrink, 0.0, 0.3, "code-shrink");
    let expansion = ranged(st.expansion, 0.0, 5.0, "expansion");
    let chapter_sink =
        ranged(st.chapter_sink.map(f32::from), 0.0, 20.0, "chapter-sink").map(|v| v as u8);
    let long_pages = ranged(st.long_pages.map(f32::from), 0.0, 2.0, "long-pages").map(|v| v as u8);
    let scene_break = match st
        .scene_break
        .as_deref()
        .map(crate::model::SceneBreak::parse)
    {
        None => Default::default(),
        Some(Ok(b)) => b,
        Some(Err(why)) => {
            diags.error(Code::MetadataInvalid, file.key(&["scene-break"]), why);
            Default::default()
        }
    };
    crate::model::StyleOptions {
        font_size,
        line_height,
        paragraph: st.paragraph.unwrap_or_default(),
        chapter_numbers: st.chapter_numbers,
        scene_break,
        chapter_sink,
        chapter_number: st.chapter_number.unwrap_or_default(),
        first_paragraph: st.first_paragraph.unwrap_or_default(),
        headings: st.headings.unwrap_or_default(),
        plain_code: st.highlight == Some(false),
        code_shrink,
        protrusion: st.protrusion,
        tracking: st.tracking,
        expansion,
        hyphenate_capitals: st.hyphenate_capitals,
        long_pages,
    }
}

/// The heading level that starts chapters: 1 (`#`, the default) or 2.
pub(super) fn chapter_level(m: &MetaInput, file: &MetaFile, diags: &mut Diagnostics) -> u8 {
    match m.chapter_level {
        None | Some(1) => 1,
        Some(2) => 2,
        Some(n) => {
            diags.error(
                Code::MetadataInvalid,
                file.key(&["chapter-level"]),
                format!("chapter-level {n}: chapters start at level 1 (`#`) or 2 (`##`)"),
            );
            1
        }
    }
}

/// A print target prints only its own trim sizes.
pub(super) fn check_trim(
    options: &Options,
    layout: Layout,
    language: &str,
    at: Location,
    diags: &mut Diagnostics,
) {
    if let Some(print) = &options.print {
        let trim = options
            .page_size
            .unwrap_or_else(|| crate::model::PageSize::default_for(layout, language));
        if let Err(p) = print.target.profile().check_trim(trim.width, trim.height) {
            diags.push(p.at(at, ""));
        }
    }
}

/// A file metadata came from, to point messages at the right line.
pub struct MetaFile<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

impl<'a> MetaFile<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        MetaFile { path, text }
    }

    /// The location of `key` (a `key:` or `key =` line), or of the file.
    pub fn key(&self, keys: &[&str]) -> Location {
        for (i, line) in self.text.lines().enumerate() {
            let t = line.trim_start();
            for key in keys {
                if let Some(rest) = t.strip_prefix(key)
                    && matches!(rest.trim_start().chars().next(), Some(':' | '='))
                {
                    return Location::at(
                        self.path,
                        i as u32 + 1,
                        (line.len() - t.len()) as u32 + 1,
                    );
                }
            }
        }
        Location::file(self.path)
    }
}

/// The latest moment a format can record: 9999-12-31T23:59:59Z.
pub(super) const LATEST_TIMESTAMP: i64 = 253_402_300_799;

/// Settles the book's metadata. Every problem is reported; each bad value
/// falls back to its default so the rest of the book is still checked.
pub(super) fn settle_metadata(
    m: &MetaInput,
    overrides: &Overrides,
    file: &MetaFile,
    diags: &mut Diagnostics,
) -> Metadata {
    let present = |s: &Option<String>| s.as_deref().map(clean).filter(|s| !s.is_empty());
    // Strings shown to readers are Markdown, set like the body.
    let shown = |s: &Option<String>| {
        present(s)
            .map(|s| markdown::inline_plain(&s))
            .filter(|s| !s.is_empty())
    };
    let title = match overrides.title.as_deref().map(clean) {
        Some(t) if !t.is_empty() => t,
        Some(_) => {
            diags.push(Diagnostic::warning(
                Code::MetadataMissing,
                Location::file("--title"),
                "--title is empty; the title from the files is used",
            ));
            present(&m.title).unwrap_or_else(|| "Untitled".to_string())
        }
        None => shown(&m.title).unwrap_or_else(|| "Untitled".to_string()),
    };
    let contributors = settle_contributors(m, overrides, diags);
    let (language, rtl) = settle_language(m, overrides, file, diags);
    let identifier = settle_identifier(m, &title, &contributors, file, diags);
    let (date, modified) = settle_dates(m, file, diags);
    let series = present(&m.series).map(|name| Series {
        name,
        position: m.series_index.as_ref().map(|p| clean(&p.to_string())),
    });
    let subjects = m
        .subjects
        .clone()
        .map(|s| s.into_vec())
        .unwrap_or_default()
        .iter()
        .map(|s| clean(s))
        .filter(|s| !s.is_empty())
        .collect();
    Metadata {
        title,
        subtitle: shown(&m.subtitle),
        contributors,
        language: crate::model::metadata::Lang::new(language),
        rtl,
        identifier,
        publisher: present(&m.publisher),
        date,
        rights: present(&m.rights),
        description: shown(&m.description),
        subjects,
        series,
        source: shown(&m.source),
        author_note: shown(&m.author_note),
        modified,
    }
}

/// A metadata string with control characters made spaces, trimmed.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The contributors, cleaned; `--author` replaces the authors.
fn settle_contributors(
    m: &MetaInput,
    overrides: &Overrides,
    diags: &mut Diagnostics,
) -> Vec<metadata::Contributor> {
    let mut contributors = m.contributors();
    for c in &mut contributors {
        c.name = clean(&c.name);
    }
    contributors.retain(|c| !c.name.is_empty());
    if !overrides.authors.is_empty() {
        let given: Vec<_> = overrides
            .authors
            .iter()
            .map(|a| clean(a))
            .filter(|a| {
                if a.is_empty() {
                    diags.push(Diagnostic::warning(
                        Code::MetadataMissing,
                        Location::file("--author"),
                        "an empty --author is ignored",
                    ));
                }
                !a.is_empty()
            })
            .map(|name| metadata::Contributor {
                name,
                role: metadata::Role::Author,
            })
            .collect();
        if !given.is_empty() {
            contributors.retain(|c| c.role != metadata::Role::Author);
            contributors.splice(0..0, given);
        }
    }
    contributors
}

/// The language (`--lang`, else the files', else English), checked, and
/// whether the book reads right to left.
fn settle_language(
    m: &MetaInput,
    overrides: &Overrides,
    file: &MetaFile,
    diags: &mut Diagnostics,
) -> (String, bool) {
    let mut language = overrides
        .lang
        .clone()
        .or_else(|| m.lang.clone())
        .unwrap_or_else(|| "en".into());
    let language_at = || {
        if overrides.lang.is_some() {
            Location::file("--lang")
        } else {
            file.key(&["lang", "language"])
        }
    };
    if !metadata::valid_language_tag(&language) {
        diags.push(
            Diagnostic::error(
                Code::LanguageTag,
                language_at(),
                format!("`{language}` is not a BCP 47 language tag"),
            )
            .help("use a tag such as en, en-GB, fr, pt-BR"),
        );
        language = "en".into();
    } else if !crate::typography::speaks(&language) {
        diags.push(
            Diagnostic::warning(
                Code::Untranslated,
                language_at(),
                format!(
                    "Quire has no words of its own in `{language}`: the labels it prints (Contents, Chapter, Figure, dates) are in English"
                ),
            )
            .help("name chapters yourself, or set `chapter-numbers = \"none\"`; the text of the book is set as written"),
        );
    }
    let rtl = match m.dir.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("rtl") => true,
        Some("ltr") => false,
        Some(other) => {
            diags.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    file.key(&["dir"]),
                    format!("`dir = \"{other}\"`: a book reads `rtl` or `ltr`"),
                )
                .help("leave it out to go by the language"),
            );
            metadata::rtl_language(&language)
        }
        None => metadata::rtl_language(&language),
    };
    (language, rtl)
}

/// The identifier: the ISBN (checked), the one given, or a UUID derived
/// from the title and authors.
fn settle_identifier(
    m: &MetaInput,
    title: &str,
    contributors: &[metadata::Contributor],
    file: &MetaFile,
    diags: &mut Diagnostics,
) -> Identifier {
    let present = |s: &Option<String>| s.as_deref().map(clean).filter(|s| !s.is_empty());
    let derived = || {
        let authors: Vec<String> = contributors
            .iter()
            .filter(|c| c.role == metadata::Role::Author)
            .map(|c| c.name.clone())
            .collect();
        Identifier::Uuid(metadata::derived_uuid(title, &authors))
    };
    let mut isbn = |raw: &str, key: &str| match metadata::validate_isbn13(raw) {
        Ok(digits) => Some(Identifier::Isbn(digits)),
        Err(e) => {
            diags.push(e.at(file.key(&[key]), ""));
            None
        }
    };
    match (&m.isbn, present(&m.identifier)) {
        (Some(raw), _) => isbn(&raw.to_string(), "isbn"),
        (None, Some(id)) if metadata::looks_like_isbn(&id) => isbn(&id, "identifier"),
        (None, Some(id)) => Some(
            match id
                .strip_prefix("urn:uuid:")
                .and_then(|u| uuid::Uuid::parse_str(u).ok())
            {
                Some(u) => Identifier::Uuid(u.to_string()),
                None => Identifier::Other(id),
            },
        ),
        (None, None) => None,
    }
    .unwrap_or_else(derived)
}

/// The publication date (checked), and the time stamped as modified:
/// `SOURCE_DATE_EPOCH`, else the date, else the epoch.
fn settle_dates(m: &MetaInput, file: &MetaFile, diags: &mut Diagnostics) -> (Option<String>, i64) {
    let mut date = m.date.as_ref().map(|d| d.to_string());
    let mut date_secs = None;
    if let Some(d) = &date {
        match metadata::parse_date(d) {
            Ok(secs) => date_secs = Some(secs),
            Err(e) => {
                diags.push(e.at(file.key(&["date"]), ""));
                date = None;
            }
        }
    }
    let modified = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => match v.trim().parse::<i64>() {
            Ok(s) if (0..=LATEST_TIMESTAMP).contains(&s) => s,
            _ => {
                diags.push(
                    Diagnostic::error(
                        Code::SourceDateEpoch,
                        Location::file("SOURCE_DATE_EPOCH"),
                        format!("`{v}` is not a number of seconds between 1970 and the year 9999"),
                    )
                    .help("set it to a Unix timestamp, such as `git log -1 --format=%ct`"),
                );
                date_secs.unwrap_or(0)
            }
        },
        Err(_) => date_secs.unwrap_or(0),
    }
    .max(0);
    (date, modified)
}

/// The byline, source and author note a manuscript's front matter gives.
pub(super) fn article_info(ms: &Manuscript, diags: &mut Diagnostics) -> Option<ArticleInfo> {
    let m = &ms.meta;
    let mut author_note = Vec::new();
    if let Some(note) = &m.author_note {
        let mut doc = markdown::read(note, 0, &ms.path, diags);
        let line = MetaFile::new(&ms.path, &ms.text)
            .key(&["author-note", "bio", "about-author"])
            .line;
        for b in &mut doc.blocks {
            b.line = line;
        }
        author_note = doc.blocks;
    }
    let mut date = m.date.as_ref().map(|d| d.to_string());
    if let Some(d) = &date
        && let Err(e) = metadata::parse_date(d)
    {
        diags.push(e.at(MetaFile::new(&ms.path, &ms.text).key(&["date"]), ""));
        date = None;
    }
    let everyone = m.contributors();
    let info = ArticleInfo {
        subtitle: m
            .subtitle
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(markdown::inline),
        authors: everyone
            .iter()
            .filter(|c| c.role == metadata::Role::Author)
            .map(|c| c.name.clone())
            .filter(|n| !n.trim().is_empty())
            .collect(),
        contributors: everyone
            .into_iter()
            .filter(|c| c.role != metadata::Role::Author && !c.name.trim().is_empty())
            .collect(),
        date,
        source: m
            .source
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(markdown::inline),
        author_note,
    };
    Some(info).filter(|i| !i.is_empty())
}

/// The bibliography files and citation style the metadata names, read
/// (names relative to `relative_to`).
pub(super) fn bibliography(
    root: &Path,
    relative_to: &Path,
    m: &MetaInput,
    file: &MetaFile,
    diags: &mut Diagnostics,
) -> Option<crate::cite::Bibliography> {
    let at = file.key(&["bibliography", "bibliographies"]);
    let files: Vec<(String, Location)> = m
        .bibliography
        .clone()
        .map(|b| b.into_vec())
        .unwrap_or_default()
        .into_iter()
        .map(|f| (f, at.clone()))
        .collect();
    let csl = m
        .csl
        .clone()
        .map(|c| (c, file.key(&["csl", "citation-style"])));
    if files.is_empty() {
        if let Some((_, at)) = csl {
            diags.warning(
                Code::Bibliography,
                at,
                "a citation style is named but no `bibliography`: citations are left as written",
            );
        }
        return None;
    }
    crate::cite::load(
        &crate::cite::Sources { files, csl },
        root,
        relative_to,
        diags,
    )
}

/// The cover image named in the metadata, found and checked like any
/// image, and against what stores accept (warnings that say what to do).
pub(super) fn cover(
    root: &Path,
    relative_to: &Path,
    m: &MetaInput,
    file: &MetaFile,
    max_pixels: u64,
    diags: &mut Diagnostics,
) -> Option<(String, crate::model::ImageAsset)> {
    let dest = m.cover.as_ref()?;
    let at = file.key(&["cover"]);
    match resolve::resolve_image(root, relative_to, dest, max_pixels) {
        Ok(mut found) => {
            found.1.named_at = at.clone();
            for advice in crate::images::cover::check(&found.1.info) {
                diags.push(Diagnostic::warning(
                    Code::Cover,
                    at.clone(),
                    format!("cover `{dest}`: {advice}"),
                ));
            }
            Some(found)
        }
        Err(e) => {
            diags.push(e.at(at, "cover: "));
            None
        }
    }
}
