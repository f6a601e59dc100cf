//! Citations and the bibliography. Works are read from BibLaTeX (`.bib`),
//! CSL-JSON (`.json`) and Hayagriva (`.yaml`) files, cited in pandoc's
//! syntax, and set in the manner of a CSL style by Hayagriva's CSL
//! engine: each citation becomes the text the style prints (linked to
//! its work in the bibliography), or a footnote in a note style, and the
//! bibliography a chapter at the end of the book (or the book's own
//! chapter marked `{.bibliography}`).

mod csl_json;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::model::{
    Block, BlockKind, ChapterRole, Citation, CiteItem, Inline, LinkTarget, NoteDef, Pos, SpanKind,
};
use crate::resolve::{RawBook, RawChapter};
use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{IndependentStyle, LocaleCode, Style, StyleClass};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, ElemChild,
    ElemChildren, ElemMeta, Entry, Formatted, LocatorPayload, SpecificLocator,
};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The style a book gets when it names none.
pub const DEFAULT_STYLE: &str = "chicago-author-date";

/// What the book names: its bibliography files and its style, each with
/// where it is named.
#[derive(Debug, Clone)]
pub struct Sources {
    pub files: Vec<(String, Location)>,
    pub csl: Option<(String, Location)>,
}

/// The works a book may cite and the style it cites them in.
pub struct Bibliography {
    entries: Vec<Entry>,
    keys: HashMap<String, usize>,
    style: IndependentStyle,
    /// Where the bibliography is named, for what concerns it as a whole.
    at: Location,
}

impl Bibliography {
    fn notes(&self) -> bool {
        self.style.settings.class == StyleClass::Note
    }
}

/// Reads the files and the style `sources` names (paths relative to
/// `base`, inside `root`). Every malformed file or entry is an error at
/// its place; `None` when nothing could be read.
pub fn load(
    sources: &Sources,
    root: &Path,
    base: &Path,
    diags: &mut Diagnostics,
) -> Option<Bibliography> {
    let at = sources
        .files
        .first()
        .map(|(_, at)| at.clone())
        .or_else(|| sources.csl.as_ref().map(|(_, at)| at.clone()))?;
    let mut entries: Vec<Entry> = Vec::new();
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut origin: HashMap<String, PathBuf> = HashMap::new();
    // A file that cannot be read fails the build on its own; its
    // citations are not reported as missing works besides.
    let mut read_whole = 0;
    for (name, named_at) in &sources.files {
        let path = match crate::resolve::project_file(root, base, name, "bibliography") {
            Ok(p) => p,
            Err(p) => {
                diags.push(p.at(named_at.clone(), ""));
                continue;
            }
        };
        let text = match crate::files::read_limited(&path, crate::limits::BIBLIOGRAPHY_BYTES) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                    let line = good.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
                    diags.error(
                        Code::Bibliography,
                        Location::at(&path, line, 0),
                        "the bibliography is not UTF-8 text (save it as UTF-8)",
                    );
                    continue;
                }
            },
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        e.code(),
                        named_at.clone(),
                        format!("bibliography `{name}`: {e}"),
                    )
                    .help("name a .bib, .json or .yaml file inside the book's directory"),
                );
                continue;
            }
        };
        let Some(read) = read_works(&path, &text, diags) else {
            continue;
        };
        read_whole += 1;
        for (key, entry) in read {
            if let Some(first) = origin.get(&key) {
                diags.warning(
                    Code::Bibliography,
                    Location::at(&path, line_of_key(&text, &key), 1),
                    format!(
                        "`{key}` is in the bibliography twice (first in {}); the first is used",
                        crate::diagnostics::display_path(first)
                    ),
                );
                continue;
            }
            origin.insert(key.clone(), path.clone());
            keys.insert(key, entries.len());
            entries.push(entry);
        }
    }
    // The style is checked even when a file failed, so that one run
    // reports both.
    let style = match &sources.csl {
        None => archived(DEFAULT_STYLE),
        Some((name, named_at)) => match style(name, root, base) {
            Ok(s) => Some(s),
            Err(d) => {
                diags.push(d.at(named_at.clone(), ""));
                None
            }
        },
    };
    if read_whole < sources.files.len() {
        return None;
    }
    let style = style?;
    Some(Bibliography {
        entries,
        keys,
        style,
        at,
    })
}

/// The line a key is defined on, as near as the text shows (1 if not found).
fn line_of_key(text: &str, key: &str) -> u32 {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            (t.starts_with('@') && t.contains(&format!("{{{key},")))
                || t.starts_with(&format!("{key}:"))
                || t.contains(&format!("\"id\": \"{key}\""))
                || t.contains(&format!("\"id\":\"{key}\""))
        })
        .map_or(1, |i| i as u32 + 1)
}

/// The works in one file, by its kind; errors at their line and column.
fn read_works(path: &Path, text: &str, diags: &mut Diagnostics) -> Option<Vec<(String, Entry)>> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let index = crate::diagnostics::LineIndex::new(text);
    let at = |offset: usize| {
        let (line, col) = index.line_col(text, offset.min(text.len()));
        Location::at(path, line, col)
    };
    // Nesting is bounded before a parser sees it: their time grows with
    // the square of its depth.
    let deep = match ext.as_str() {
        "bib" | "bibtex" | "biblatex" => {
            let limit = crate::limits::BIBLIOGRAPHY_DEPTH;
            brace_too_deep(text, limit)
                .map(|o| (at(o), format!("braces nested more than {limit} deep")))
        }
        "yaml" | "yml" => {
            let limit = crate::limits::YAML_DEPTH;
            crate::source::frontmatter::too_deep(text, limit).map(|(line, col)| {
                (
                    Location::at(path, line + 1, col),
                    format!("YAML nested more than {limit} levels deep"),
                )
            })
        }
        _ => None,
    };
    if let Some((loc, what)) = deep {
        diags.error(
            Code::NestingTooDeep,
            loc,
            format!("the bibliography has {what}"),
        );
        return None;
    }
    match ext.as_str() {
        "bib" | "bibtex" | "biblatex" => {
            match hayagriva::io::from_biblatex_str(&latex_letters(text)) {
                Ok(lib) => Some(
                    lib.iter()
                        .map(|e| (e.key().to_string(), normalised(e)))
                        .collect(),
                ),
                Err(errors) => {
                    for e in errors {
                        let (span, what) = match &e {
                            hayagriva::io::BibLaTeXError::Parse(p) => {
                                (p.span.clone(), p.kind.to_string())
                            }
                            hayagriva::io::BibLaTeXError::Type(t) => {
                                (t.span.clone(), t.kind.to_string())
                            }
                        };
                        diags.push(
                            Diagnostic::error(
                                Code::Bibliography,
                                at(span.start),
                                format!("BibLaTeX: {what}"),
                            )
                            .help("each entry is `@type{key, field = {value}, …}`"),
                        );
                    }
                    None
                }
            }
        }
        "json" => {
            let items: Vec<serde_json::Map<String, serde_json::Value>> =
                match serde_json::from_str(text) {
                    Ok(v) => v,
                    Err(e) => {
                        diags.push(
                            Diagnostic::error(
                                Code::Bibliography,
                                Location::at(path, e.line() as u32, e.column() as u32),
                                format!("CSL-JSON: {}", strip_position(&e.to_string())),
                            )
                            .help("CSL-JSON is a list of items: [{\"id\": …, \"type\": …, …}]"),
                        );
                        return None;
                    }
                };
            let mut lib = serde_json::Map::new();
            let mut ok = true;
            for item in &items {
                match csl_json::entry(item) {
                    Ok((id, v)) => {
                        lib.insert(id, v);
                    }
                    Err(why) => {
                        let id = item.get("id").and_then(|v| v.as_str()).unwrap_or("");
                        diags.error(
                            Code::Bibliography,
                            Location::at(path, line_of_key(text, id), 1),
                            format!("CSL-JSON: {why}"),
                        );
                        ok = false;
                    }
                }
            }
            if !ok {
                return None;
            }
            match serde_json::from_value::<hayagriva::Library>(serde_json::Value::Object(lib)) {
                Ok(lib) => Some(
                    lib.iter()
                        .map(|e| (e.key().to_string(), e.clone()))
                        .collect(),
                ),
                Err(e) => {
                    diags.error(
                        Code::Bibliography,
                        Location::file(path),
                        format!("CSL-JSON: {e}"),
                    );
                    None
                }
            }
        }
        "yaml" | "yml" => match hayagriva::io::from_yaml_str(text) {
            Ok(lib) => Some(
                lib.iter()
                    .map(|e| (e.key().to_string(), e.clone()))
                    .collect(),
            ),
            Err(e) => {
                let loc = match e.location() {
                    Some(l) => Location::at(path, l.line() as u32, l.column() as u32),
                    None => Location::file(path),
                };
                diags.push(
                    Diagnostic::error(
                        Code::Bibliography,
                        loc,
                        format!("Hayagriva YAML: {}", strip_position(&e.to_string())),
                    )
                    .help("each work is `key:` then `type:`, `title:`, `author:`, `date:` …"),
                );
                None
            }
        },
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::Bibliography,
                    Location::file(path),
                    format!("a bibliography is a .bib, .json (CSL-JSON) or .yaml (Hayagriva) file, not .{ext}"),
                ),
            );
            None
        }
    }
}

/// An entry made to read as the common styles expect: a paper in a
/// conference's proceedings (`@inproceedings`) as a chapter of the
/// proceedings volume (as an article in a periodical, the Chicago styles
/// set its proceedings as a journal's special issue), and words with
/// capitals inside (`ZygOS`, `SmartNICs`) kept as written by a style
/// that sets titles in title case.
fn normalised(e: &Entry) -> Entry {
    use hayagriva::types::EntryType;
    let Ok(mut v) = serde_json::to_value(e) else {
        return e.clone();
    };
    let proceedings = *e.entry_type() == EntryType::Article
        && e.parents()
            .iter()
            .any(|p| *p.entry_type() == EntryType::Proceedings);
    // Only an entry that changes is read again (Hayagriva's writing of
    // an entry is not always read back the same).
    if !protect_titles(&mut v) && !proceedings {
        return e.clone();
    }
    if proceedings {
        v["type"] = serde_json::json!("chapter");
        let is_proceedings = |p: &serde_json::Value| {
            p["type"]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case("proceedings"))
        };
        match v.get_mut("parent") {
            Some(serde_json::Value::Array(parents)) => {
                for p in parents.iter_mut().filter(|p| is_proceedings(p)) {
                    p["type"] = serde_json::json!("book");
                }
            }
            Some(p) if is_proceedings(p) => p["type"] = serde_json::json!("book"),
            _ => {}
        }
    }
    let mut lib = serde_json::Map::new();
    lib.insert(e.key().to_string(), v);
    serde_json::from_value::<hayagriva::Library>(serde_json::Value::Object(lib))
        .ok()
        .and_then(|l| l.iter().next().cloned())
        .unwrap_or_else(|| e.clone())
}

/// Titles' words with a capital after their first letter braced, which
/// Hayagriva keeps as written; whether any was.
fn protect_titles(v: &mut serde_json::Value) -> bool {
    let mut changed = false;
    let brace = |t: &mut String| {
        let b = brace_mixed_case(t);
        let differs = b != *t;
        *t = b;
        differs
    };
    match v {
        serde_json::Value::Object(map) => {
            for (k, field) in map.iter_mut() {
                match (k.as_str(), field) {
                    ("title", serde_json::Value::String(t)) => changed |= brace(t),
                    ("title", serde_json::Value::Object(o)) => {
                        if let Some(serde_json::Value::String(t)) = o.get_mut("value") {
                            changed |= brace(t);
                        }
                    }
                    ("parent", p) => changed |= protect_titles(p),
                    _ => {}
                }
            }
        }
        serde_json::Value::Array(list) => {
            for p in list {
                changed |= protect_titles(p);
            }
        }
        _ => {}
    }
    changed
}

fn brace_mixed_case(t: &str) -> String {
    let mut out = String::with_capacity(t.len() + 8);
    let mut depth = 0i32;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, depth: i32| {
        let mixed =
            word.chars().skip(1).any(char::is_uppercase) && word.chars().any(char::is_lowercase);
        if mixed && depth == 0 {
            out.push('{');
            out.push_str(word);
            out.push('}');
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in t.chars() {
        if c.is_alphanumeric() {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out, depth);
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        out.push(c);
    }
    flush(&mut word, &mut out, depth);
    out
}

/// LaTeX the BibLaTeX reader does not turn into letters: `\o{}` (ø and
/// its kin) and Greek letters in math (`$\mu$`).
fn latex_letters(text: &str) -> String {
    const LETTERS: &[(&str, &str)] = &[
        ("o", "ø"),
        ("O", "Ø"),
        ("aa", "å"),
        ("AA", "Å"),
        ("ae", "æ"),
        ("AE", "Æ"),
        ("oe", "œ"),
        ("OE", "Œ"),
        ("ss", "ß"),
        ("l", "ł"),
        ("L", "Ł"),
    ];
    const GREEK: &[(&str, &str)] = &[
        ("alpha", "α"),
        ("beta", "β"),
        ("gamma", "γ"),
        ("delta", "δ"),
        ("epsilon", "ε"),
        ("lambda", "λ"),
        ("mu", "μ"),
        ("pi", "π"),
        ("sigma", "σ"),
        ("tau", "τ"),
        ("phi", "φ"),
        ("omega", "ω"),
    ];
    let mut s = text.to_string();
    for (cmd, letter) in LETTERS {
        for form in [
            format!("{{\\{cmd}}}"),
            format!("\\{cmd}{{}}"),
            format!("\\{cmd} "),
        ] {
            if s.contains(&form) {
                s = s.replace(&form, letter);
            }
        }
    }
    // Braced: a title set in title case keeps a unit's letter small.
    for (cmd, letter) in GREEK {
        let form = format!("$\\{cmd}$");
        if s.contains(&form) {
            s = s.replace(&form, &format!("{{{letter}}}"));
        }
    }
    s
}

/// Where BibLaTeX braces (`\{` and `\}` aside) first nest deeper than
/// `limit`: the byte offset.
fn brace_too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' if !escaped => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b'}' if !escaped => depth = depth.saturating_sub(1),
            _ => {}
        }
        escaped = b == b'\\' && !escaped;
    }
    None
}

/// A parser's message without the " at line 3 column 5" it ends with
/// (the place is given as the message's location).
fn strip_position(msg: &str) -> &str {
    msg.find(" at line ").map_or(msg, |i| &msg[..i])
}

fn archived(name: &str) -> Option<IndependentStyle> {
    match hayagriva::archive::ArchivedStyle::by_name(name)?.get() {
        Style::Independent(s) => Some(s),
        Style::Dependent(_) => None,
    }
}

/// The style `name` names: a `.csl` file in the book, or one of the
/// styles Quire carries by its name (`apa`, `chicago-notes`, `ieee`, …).
fn style(
    name: &str,
    root: &Path,
    base: &Path,
) -> Result<IndependentStyle, crate::diagnostics::Problem> {
    use crate::diagnostics::Problem;
    if !name.ends_with(".csl") {
        return archived(name).ok_or_else(|| {
            Problem::new(Code::Bibliography, format!("`{name}` is not a citation style Quire carries"))
                .help("name a .csl file in the book, or one of: apa, chicago-author-date, chicago-notes, chicago-shortened-notes, ieee, modern-language-association, harvard-cite-them-right, vancouver, nature")
        });
    }
    let path = crate::resolve::project_file(root, base, name, "citation style")?;
    let bytes = crate::files::read_limited(&path, crate::limits::BIBLIOGRAPHY_BYTES)
        .map_err(|e| Problem::new(e.code(), format!("citation style `{name}`: {e}")))?;
    let xml = String::from_utf8_lossy(&bytes);
    match Style::from_xml(&xml) {
        Ok(Style::Independent(s)) => Ok(s),
        Ok(Style::Dependent(d)) => {
            let parent = d.parent_link.href.clone();
            let carried = parent
                .rsplit('/')
                .next()
                .and_then(archived)
                .ok_or_else(|| {
                    Problem::new(
                        Code::Bibliography,
                        format!("citation style `{name}` only points at another ({parent}), which Quire does not carry"),
                    )
                    .help("put that style's .csl file in the book and name it instead")
                })?;
            Ok(carried)
        }
        Err(e) => Err(Problem::new(
            Code::Bibliography,
            format!("citation style `{name}` is not a CSL style: {e}"),
        )),
    }
}

/// Where a citation was found: in the text, or in a footnote's text.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Text,
    Note,
}

/// Calls `f` on every citation of a chapter in reading order, a note's
/// at its first reference.
fn each_citation(ch: &mut RawChapter, f: &mut impl FnMut(&mut Inline, Place)) {
    let mut seen = std::collections::HashSet::new();
    let notes = &mut ch.notes;
    visit(&mut ch.blocks, notes, &mut seen, Place::Text, f);
    if let Some(article) = &mut ch.article {
        visit(&mut article.author_note, notes, &mut seen, Place::Text, f);
    }
}

fn visit(
    blocks: &mut [Block],
    notes: &mut BTreeMap<String, NoteDef>,
    seen: &mut std::collections::HashSet<String>,
    place: Place,
    f: &mut impl FnMut(&mut Inline, Place),
) {
    crate::model::walk::walk_mut(blocks, &mut |run| {
        for inline in run.iter_mut() {
            match inline {
                Inline::Cite { .. } => f(inline, place),
                Inline::NoteLabel { label, .. } if seen.insert(label.clone()) => {
                    if let Some(mut def) = notes.remove(label.as_str()) {
                        visit(&mut def.blocks, notes, seen, Place::Note, f);
                        notes.insert(label.clone(), def);
                    }
                }
                _ => {}
            }
        }
    });
}

/// Each citation of the book made the text its style prints, and the
/// bibliography added; without one, each is left as written. Returns the
/// chapter that lists the works, which citations link to.
pub fn apply(
    raw: &mut RawBook,
    bib: Option<Bibliography>,
    diags: &mut Diagnostics,
) -> Option<usize> {
    let Some(bib) = bib else {
        for ch in &mut raw.chapters {
            let mut any = false;
            each_citation(ch, &mut |inline, _| {
                if let Inline::Cite { cite } = inline {
                    *inline = Inline::text(std::mem::take(&mut cite.raw));
                    any = true;
                }
            });
            // The text read as one again, as if never taken apart.
            if any {
                let mut join =
                    |run: &mut Vec<Inline>| *run = crate::model::merge_texts(std::mem::take(run));
                crate::model::walk::walk_mut(&mut ch.blocks, &mut join);
                for def in ch.notes.values_mut() {
                    crate::model::walk::walk_mut(&mut def.blocks, &mut join);
                }
                if let Some(a) = &mut ch.article {
                    crate::model::walk::walk_mut(&mut a.author_note, &mut join);
                }
            }
        }
        return None;
    };
    let lang = raw.meta.language.to_string();
    let labels = crate::locale::labels(&lang);
    let notes = bib.notes();
    // The chapter the list goes in: the book's own, or one added.
    let target = raw
        .chapters
        .iter()
        .position(|c| c.role == ChapterRole::Bibliography);
    let bib_chapter = target.unwrap_or(raw.chapters.len());

    // Every citation, in reading order, with the file it is in.
    let mut found: Vec<(Citation, Place, PathBuf)> = Vec::new();
    for ch in &mut raw.chapters {
        let file = ch.source.clone();
        each_citation(ch, &mut |inline, place| {
            if let Inline::Cite { cite } = inline {
                found.push(((**cite).clone(), place, file.clone()));
            }
        });
    }
    // The key each names, checked.
    let mut known = vec![true; found.len()];
    for (n, (cite, _, file)) in found.iter().enumerate() {
        for item in &cite.items {
            if !bib.keys.contains_key(&item.key) {
                known[n] = false;
                let mut d = Diagnostic::error(
                    Code::Citation,
                    Location::at(file, item.pos.line, item.pos.column),
                    format!("`@{}` is not in the bibliography", item.key),
                );
                d = match nearest(&item.key, bib.keys.keys()) {
                    Some(k) => d.help(format!("did you mean `@{k}`?")),
                    None => {
                        d.help("add the work to a file `bibliography` names, or correct the key")
                    }
                };
                diags.push(d);
            }
        }
    }
    let locales = hayagriva::archive::locales();
    let locale = Some(LocaleCode(csl_locale(&lang)));
    let american = csl_locale(&lang) == "en-US";
    // Each item's locator and the words after it, read once; the engine
    // borrows the locators.
    let suffixes: Vec<Vec<Suffix>> = found
        .iter()
        .map(|(c, _, _)| c.items.iter().map(|i| locator(&i.suffix)).collect())
        .collect();
    let specific = |n: usize, i: usize| {
        suffixes[n][i]
            .0
            .as_ref()
            .map(|(kind, value)| SpecificLocator(*kind, LocatorPayload::Str(value)))
    };
    let mut driver: BibliographyDriver<Entry> = BibliographyDriver::new();
    // What each citation becomes: its requests, in order.
    let mut note_number = 0;
    let mut plans: Vec<Option<Plan>> = Vec::new();
    for (n, (cite, place, _)) in found.iter().enumerate() {
        if !known[n] {
            plans.push(None);
            continue;
        }
        let entry = |key: &str| &bib.entries[bib.keys[key]];
        let in_note = notes && *place == Place::Text;
        if in_note {
            note_number += 1;
        }
        let number = Some(note_number.max(1));
        let items: Vec<CitationItem<Entry>> = cite
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| CitationItem::new(entry(&item.key), specific(n, i), None, false, None))
            .collect();
        // In the sentence: the author's name in the text, the rest as the
        // style cites (in brackets, or in a note; in a note already, all
        // of it there).
        let prose = cite.in_text && !(notes && *place == Place::Note);
        let first = &cite.items[0];
        // A note style names the author in the sentence on its own, not
        // counted as a citation; the note then leaves the name out.
        let author = (prose && notes).then(|| {
            hayagriva::standalone_citation(CitationRequest::new(
                vec![CitationItem::new(
                    entry(&first.key),
                    None,
                    None,
                    false,
                    Some(CitePurpose::Author),
                )],
                &bib.style,
                locale.clone(),
                &locales,
                None,
            ))
        });
        let items = if prose && !notes {
            vec![CitationItem::new(
                entry(&first.key),
                specific(n, 0),
                None,
                false,
                Some(CitePurpose::Prose),
            )]
        } else {
            items
        };
        driver.citation(CitationRequest::new(
            items,
            &bib.style,
            locale.clone(),
            &locales,
            number,
        ));
        plans.push(Some(Plan {
            in_note,
            prose,
            author,
        }));
    }
    let rendered = driver.finish(BibliographyRequest::new(&bib.style, locale, &locales));
    let mut outputs = rendered.citations.into_iter();
    // What replaces each citation.
    let mut replacements: Vec<Replacement> = Vec::new();
    for (n, ((cite, _, _), plan)) in found.iter().zip(&plans).enumerate() {
        let Some(plan) = plan else {
            replacements.push(Replacement::Inline(vec![Inline::text(cite.raw.clone())]));
            continue;
        };
        let Some(r) = outputs.next() else { break };
        let names_in_text = plan.author.is_some();
        let mut set = citation_inlines(
            &r.citation,
            (cite, &suffixes[n]),
            bib_chapter,
            (plan.prose, names_in_text),
            notes,
        );
        let mut author = plan
            .author
            .as_ref()
            .map(|a| citation_inlines(a, (cite, &suffixes[n]), bib_chapter, (true, false), notes))
            .unwrap_or_default();
        // The name alone, as the sentence continues.
        trim_edge(&mut author, false, &['.', ' ']);
        if american {
            punctuation_in_quotes(&mut set);
            punctuation_in_quotes(&mut author);
        }
        replacements.push(if plan.in_note {
            // A note style: the citation is a footnote (after the
            // author's name, when that is in the sentence).
            Replacement::Note(author, capitalised(set))
        } else {
            Replacement::Inline(set)
        });
    }

    // The citations replaced, in the same order as found.
    let mut replacements = replacements.into_iter();
    let mut counter = 0usize;
    for ch in &mut raw.chapters {
        let mut new_notes: Vec<(String, NoteDef)> = Vec::new();
        each_citation(ch, &mut |inline, _| {
            let Some(r) = replacements.next() else { return };
            match r {
                Replacement::Inline(content) => {
                    *inline = Inline::Span {
                        kind: SpanKind::Plain,
                        class: Some("citation".into()),
                        title: None,
                        lang: None,
                        content,
                    }
                }
                Replacement::Note(text, note) => {
                    counter += 1;
                    let label = format!("\u{1}cite-{counter}");
                    let line = match inline {
                        Inline::Cite { cite } => cite.items.first().map_or(1, |i| i.pos.line),
                        _ => 1,
                    };
                    new_notes.push((
                        label.clone(),
                        NoteDef {
                            line,
                            blocks: vec![Block {
                                line,
                                kind: BlockKind::Paragraph { content: note },
                            }],
                        },
                    ));
                    let pos = Pos { line, column: 1 };
                    let mut content = text;
                    content.push(Inline::NoteLabel { label, pos });
                    *inline = Inline::Span {
                        kind: SpanKind::Plain,
                        class: Some("citation".into()),
                        title: None,
                        lang: None,
                        content,
                    };
                }
            }
        });
        if !new_notes.is_empty() {
            crate::model::walk::walk_mut(&mut ch.blocks, &mut note_after_punctuation);
        }
        for (label, def) in new_notes {
            ch.notes.insert(label, def);
        }
    }

    // The list of works.
    let list = rendered.bibliography?;
    let mut blocks = Vec::new();
    for item in &list.items {
        let mut content = vec![Inline::Anchor {
            id: entry_id(&item.key),
        }];
        if let Some(first) = &item.first_field {
            elem_inlines(std::slice::from_ref(first), &mut content);
            content.push(Inline::text(" "));
        }
        elem_inlines(&item.content.0, &mut content);
        let mut content = crate::model::merge_texts(content);
        if american {
            punctuation_in_quotes(&mut content);
        }
        // Messages about an entry's setting point at where the
        // bibliography is named.
        blocks.push(Block {
            line: bib.at.line.max(1),
            kind: BlockKind::Paragraph { content },
        });
    }
    if blocks.is_empty() {
        return None;
    }
    match target {
        Some(i) => raw.chapters[i].blocks.extend(blocks),
        None => {
            let title = if notes {
                labels.bibliography
            } else {
                labels.references
            };
            raw.chapters.push(RawChapter {
                source: bib.at.file.clone(),
                title: vec![Inline::text(title)],
                title_id: Some("references".into()),
                lang: None,
                article: None,
                blocks,
                notes: BTreeMap::new(),
                role: ChapterRole::Bibliography,
                depth: 0,
                runs_on: false,
            });
        }
    }
    Some(bib_chapter)
}

/// A citation made a note takes the place of the space before it, and
/// stands after the punctuation that follows it (`cites [@doe].` reads
/// `cites.¹`).
fn note_after_punctuation(run: &mut Vec<Inline>) {
    let is_note = |i: &Inline| {
        matches!(i, Inline::Span { class: Some(c), content, .. }
            if c == "citation"
                && matches!(content.last(), Some(Inline::NoteLabel { label, .. }) if label.starts_with('\u{1}')))
    };
    for i in 0..run.len() {
        if !is_note(&run[i]) {
            continue;
        }
        let bare = matches!(&run[i], Inline::Span { content, .. } if content.len() == 1);
        if bare
            && i > 0
            && let Inline::Text { text } = &mut run[i - 1]
        {
            let kept = text.trim_end().len();
            text.truncate(kept);
        }
        let moved = match run.get_mut(i + 1) {
            Some(Inline::Text { text }) => {
                let n = text
                    .chars()
                    .take_while(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?'))
                    .map(char::len_utf8)
                    .sum::<usize>();
                let p: String = text.drain(..n).collect();
                p
            }
            _ => String::new(),
        };
        if !moved.is_empty() {
            match i.checked_sub(1).map(|j| &mut run[j]) {
                Some(Inline::Text { text }) => text.push_str(&moved),
                _ => {
                    if let Inline::Span { content, .. } = &mut run[i] {
                        content.insert(0, Inline::text(moved));
                    }
                }
            }
        }
    }
    run.retain(|i| !matches!(i, Inline::Text { text } if text.is_empty()));
}

/// What was decided for one citation before it was set.
struct Plan {
    /// Set as a footnote.
    in_note: bool,
    /// The author's name in the sentence.
    prose: bool,
    /// In a note style, that name, set apart.
    author: Option<ElemChildren>,
}

enum Replacement {
    Inline(Vec<Inline>),
    /// Text in the sentence, and the note.
    Note(Vec<Inline>, Vec<Inline>),
}

/// A note begins with a capital.
fn capitalised(mut content: Vec<Inline>) -> Vec<Inline> {
    fn first_text(v: &mut [Inline]) -> Option<&mut String> {
        let i = v.iter().position(|i| !matches!(i, Inline::Anchor { .. }))?;
        match &mut v[i] {
            Inline::Text { text } => Some(text),
            other => other.content_mut().and_then(|c| first_text(c)),
        }
    }
    if let Some(t) = first_text(&mut content)
        && let Some(c) = t.chars().next()
        && c.is_lowercase()
    {
        let upper: String = c.to_uppercase().collect();
        t.replace_range(..c.len_utf8(), &upper);
    }
    content
}

/// The CSL locale for a language tag: a language alone gets the region
/// its CSL locale is written for (`en` → `en-US`, `de` → `de-DE`).
fn csl_locale(lang: &str) -> String {
    if lang.contains('-') {
        return lang.to_string();
    }
    let region = match lang {
        "en" => "US",
        "pt" => "PT",
        "zh" => "CN",
        "ja" => "JP",
        "ko" => "KR",
        "he" => "IL",
        "ar" => return "ar".into(),
        "sv" => "SE",
        "da" => "DK",
        "cs" => "CZ",
        "el" => "GR",
        "uk" => "UA",
        "nb" => "NO",
        "fa" => "IR",
        other => return format!("{other}-{}", other.to_uppercase()),
    };
    format!("{lang}-{region}")
}

/// The id asked for a work's place in the bibliography; resolving ids
/// makes it a valid one and records the name citations link by.
pub fn entry_id(key: &str) -> String {
    format!("ref-{key}")
}

/// The key most like `key`, if one is close (a typo).
fn nearest<'a>(key: &str, keys: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    keys.map(|k| (distance(key, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 5))
        .min()
        .map(|(_, k)| k)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A citation's suffix: its locator (kind and value), and the words after.
type Suffix = (Option<(Locator, String)>, String);

/// A citation's suffix read as a locator (`p. 33`, `chaps. 2–3`, `§ 4`)
/// and the words after it.
fn locator(suffix: &str) -> Suffix {
    let s = suffix.trim_start_matches(',').trim();
    if s.is_empty() {
        return (None, String::new());
    }
    const TERMS: &[(&[&str], Locator)] = &[
        (&["pp.", "p.", "pages", "page"], Locator::Page),
        (
            &["chaps.", "chap.", "chapters", "chapter", "ch."],
            Locator::Chapter,
        ),
        (
            &["secs.", "sec.", "sections", "section", "§§", "§"],
            Locator::Section,
        ),
        (
            &["paras.", "para.", "paragraphs", "paragraph", "¶¶", "¶"],
            Locator::Paragraph,
        ),
        (&["vols.", "vol.", "volumes", "volume"], Locator::Volume),
        (&["figs.", "fig.", "figures", "figure"], Locator::Figure),
        (&["nn.", "n.", "notes", "note"], Locator::Note),
        (&["ll.", "l.", "lines", "line"], Locator::Line),
        (&["cols.", "col.", "columns", "column"], Locator::Column),
        (&["bk.", "book", "books"], Locator::Book),
        (&["pts.", "pt.", "parts", "part"], Locator::Part),
        (&["vv.", "v.", "verses", "verse"], Locator::Verse),
        (&["no.", "nos.", "number"], Locator::Issue),
        (&["op.", "opus"], Locator::Opus),
        (&["fol.", "fols.", "folio"], Locator::Folio),
    ];
    let (kind, rest) = TERMS
        .iter()
        .find_map(|(words, kind)| {
            words.iter().find_map(|w| {
                let rest = s.strip_prefix(w)?;
                let next = rest.chars().next();
                // A word term needs a space or a digit after it.
                (w.ends_with('.')
                    || matches!(w.chars().last(), Some('§' | '¶'))
                    || next.is_none_or(|c| c == ' '))
                .then(|| (*kind, rest.trim_start()))
            })
        })
        .unwrap_or((Locator::Page, s));
    // The value: digits, numerals, ranges and lists of them.
    let value_len = rest
        .char_indices()
        .take_while(|&(i, c)| {
            c.is_alphanumeric()
                && (rest[..i].chars().all(|d| !d.is_whitespace()) || c.is_ascii_digit())
                || matches!(c, '-' | '–' | ',' | '.' | ':')
                || (c == ' ' && rest[i..].chars().nth(1).is_some_and(|d| d.is_ascii_digit()))
        })
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    let value = rest[..value_len].trim_end_matches([',', '.', ' ']);
    // Without a term, only a number is a page (`33`, not `with`).
    let termless = rest.len() == s.len();
    let first = value.chars().next();
    if value.is_empty()
        || !first.is_some_and(|c| c.is_alphanumeric())
        || (termless && !first.is_some_and(|c| c.is_ascii_digit()))
    {
        return (None, s.to_string());
    }
    let words = rest[value.len()..]
        .trim_start_matches(',')
        .trim()
        .to_string();
    (Some((kind, value.replace('-', "–"))), words)
}

/// A rendered citation as the model's inlines: each work linked to its
/// place in the bibliography, with the words written before and after it.
fn citation_inlines(
    children: &ElemChildren,
    (cite, suffixes): (&Citation, &[Suffix]),
    bib_chapter: usize,
    (prose, names_in_text): (bool, bool),
    notes: bool,
) -> Vec<Inline> {
    let mut out = Vec::new();
    for child in &children.0 {
        match child {
            ElemChild::Elem(e) => {
                if let Some(ElemMeta::Entry(i)) = e.meta {
                    let item: Option<&CiteItem> = cite.items.get(i);
                    let mut inner = Vec::new();
                    match item {
                        // `-@key`: the author's names left out.
                        Some(item)
                            if (item.suppress_author && !notes) || (names_in_text && i == 0) =>
                        {
                            let kept: Vec<ElemChild> = e
                                .children
                                .0
                                .iter()
                                .filter(|c| !matches!(c, ElemChild::Elem(x) if matches!(x.meta, Some(ElemMeta::Names(..)))))
                                .skip_while(|c| matches!(c, ElemChild::Text(t) if t.text.trim().is_empty()))
                                .cloned()
                                .collect();
                            elem_inlines(&kept, &mut inner);
                            trim_edge(&mut inner, true, &[',', ';', ':', ' ']);
                        }
                        _ => elem_inlines(&e.children.0, &mut inner),
                    }
                    if let Some(item) = item {
                        if !item.prefix.is_empty() && !prose {
                            out.push(Inline::text(format!("{} ", item.prefix)));
                        }
                        out.push(Inline::Link {
                            target: LinkTarget::Internal {
                                chapter: bib_chapter,
                                id: Some(entry_id(&item.key)),
                            },
                            title: None,
                            content: unlinked(inner),
                            pos: item.pos,
                        });
                        let words = suffixes.get(i).map_or("", |s| s.1.as_str());
                        if !words.is_empty() {
                            let sep = if words.starts_with(|c: char| c.is_alphanumeric()) {
                                " "
                            } else {
                                ""
                            };
                            out.push(Inline::text(format!("{sep}{words}")));
                        }
                    } else {
                        out.extend(inner);
                    }
                } else {
                    elem_inlines(std::slice::from_ref(child), &mut out);
                }
            }
            other => elem_inlines(std::slice::from_ref(other), &mut out),
        }
    }
    crate::model::merge_texts(out)
}

/// American usage: a period or comma after a closing quotation mark goes
/// inside it (one already there is not doubled).
fn punctuation_in_quotes(v: &mut [Inline]) {
    for inline in v.iter_mut() {
        if let Some(content) = inline.content_mut() {
            punctuation_in_quotes(content);
        }
        let Inline::Text { text } = inline else {
            continue;
        };
        let mut out = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\u{201D}' && matches!(chars.peek(), Some('.' | ',')) {
                let p = chars.next().unwrap_or('.');
                if !out.ends_with(['.', '?', '!', ',']) {
                    out.push(p);
                }
            }
            out.push(c);
        }
        *text = out;
    }
}

/// `chars` taken off the start (or the end) of the text in `v`.
fn trim_edge(v: &mut [Inline], start: bool, chars: &[char]) {
    let mut order: Vec<usize> = (0..v.len()).collect();
    if !start {
        order.reverse();
    }
    for i in order {
        match &mut v[i] {
            Inline::Text { text } => {
                let t = if start {
                    text.trim_start_matches(chars).to_string()
                } else {
                    text.trim_end_matches(chars).to_string()
                };
                let emptied = t.is_empty();
                *text = t;
                if !emptied {
                    return;
                }
            }
            Inline::Anchor { .. } | Inline::NoteLabel { .. } => {}
            other => {
                if let Some(c) = other.content_mut() {
                    trim_edge(c, start, chars);
                }
                return;
            }
        }
    }
}

/// Links inside a citation's own link kept as their text.
fn unlinked(v: Vec<Inline>) -> Vec<Inline> {
    let mut out = Vec::with_capacity(v.len());
    for mut i in v {
        match i {
            Inline::Link { content, .. } => out.extend(unlinked(content)),
            _ => {
                if let Some(c) = i.content_mut() {
                    *c = unlinked(std::mem::take(c));
                }
                out.push(i);
            }
        }
    }
    out
}

/// Rendered content as the model's inlines, its formatting kept.
fn elem_inlines(children: &[ElemChild], out: &mut Vec<Inline>) {
    // Runs of text in one formatting are joined first: the engine hands
    // a title over in pieces, and its quotation marks are only read
    // right (opening or closing) with the words around them.
    let mut run: Option<Formatted> = None;
    // Straight quotes and dashes in a bibliography's fields made
    // typographic, as Markdown's are.
    let flush = |run: &mut Option<Formatted>, out: &mut Vec<Inline>| {
        if let Some(mut t) = run.take() {
            t.text = crate::typography::smarten(&t.text);
            out.push(formatted(&t));
        }
    };
    let mut leaves = Vec::new();
    leaves_of(children, &mut leaves);
    for child in leaves {
        match child {
            ElemChild::Text(t) => match &mut run {
                Some(r) if r.formatting == t.formatting => r.text.push_str(&t.text),
                _ => {
                    flush(&mut run, out);
                    run = Some(t.clone());
                }
            },
            ElemChild::Markup(m) => {
                flush(&mut run, out);
                out.push(Inline::text(m.clone()));
            }
            ElemChild::Link { text, url } => {
                flush(&mut run, out);
                let content = vec![formatted(text)];
                if url.starts_with("https://") || url.starts_with("http://") {
                    out.push(Inline::Link {
                        target: LinkTarget::External { url: url.clone() },
                        title: None,
                        content,
                        pos: Pos::default(),
                    });
                } else {
                    out.extend(content);
                }
            }
            ElemChild::Elem(_) | ElemChild::Transparent { .. } => {}
        }
    }
    flush(&mut run, out);
}

/// The texts, links and markup under `children`, in order.
fn leaves_of<'e>(children: &'e [ElemChild], out: &mut Vec<&'e ElemChild>) {
    for child in children {
        match child {
            ElemChild::Elem(e) => leaves_of(&e.children.0, out),
            ElemChild::Transparent { .. } => {}
            leaf => out.push(leaf),
        }
    }
}

fn formatted(t: &Formatted) -> Inline {
    use hayagriva::citationberg::{
        FontStyle, FontVariant, FontWeight, TextDecoration, VerticalAlign,
    };
    let f = t.formatting;
    let mut inline = Inline::text(t.text.clone());
    if f.font_variant == FontVariant::SmallCaps {
        inline = Inline::Span {
            kind: SpanKind::Plain,
            class: Some("smallcaps".into()),
            title: None,
            lang: None,
            content: vec![inline],
        };
    }
    if f.font_style == FontStyle::Italic {
        inline = Inline::Emphasis {
            content: vec![inline],
        };
    }
    if matches!(f.font_weight, FontWeight::Bold) {
        inline = Inline::Strong {
            content: vec![inline],
        };
    }
    if f.text_decoration == TextDecoration::Underline {
        inline = Inline::Span {
            kind: SpanKind::Underline,
            class: None,
            title: None,
            lang: None,
            content: vec![inline],
        };
    }
    match f.vertical_align {
        VerticalAlign::Sup => Inline::Superscript {
            content: vec![inline],
        },
        VerticalAlign::Sub => Inline::Subscript {
            content: vec![inline],
        },
        _ => inline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locators_are_read_as_pandoc_reads_them() {
        let (l, rest) = locator(", p. 33");
        assert_eq!(l, Some((Locator::Page, "33".to_string())));
        assert_eq!(rest, "");
        let (l, rest) = locator(", chap. 2 and passim");
        assert_eq!(l.unwrap().0, Locator::Chapter);
        assert_eq!(rest, "and passim");
        let (l, _) = locator("pp. 33-35");
        assert_eq!(l.unwrap().1, "33–35");
        let (l, _) = locator("§ 4");
        assert_eq!(l.unwrap().0, Locator::Section);
        let (l, rest) = locator(", with some words");
        assert!(l.is_none());
        assert_eq!(rest, "with some words");
        let (l, _) = locator("12");
        assert_eq!(l.unwrap().0, Locator::Page);
    }

    #[test]
    fn a_mistyped_key_finds_its_neighbour() {
        let keys = ["knuth1984".to_string(), "bringhurst2004".to_string()];
        assert_eq!(nearest("knuth1948", keys.iter()), Some(&keys[0]));
        assert_eq!(nearest("zzz", keys.iter()), None);
    }
}
