//! Characters no font can draw, found before anything is set: a PDF
//! would show an empty box for each (an error there), a reading system
//! may have a font of its own (a warning for the EPUB).

use super::FontSet;
use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::model::walk::{self, Node};
use crate::model::{Block, BlockKind, Book, Inline};
use std::collections::{BTreeMap, BTreeSet};
use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_script::{Script, UnicodeScript};

/// Whether `c` belongs to the character before it when a face is chosen
/// (a combining mark, a joiner, a variation selector, a skin tone).
pub fn joins_previous(c: char) -> bool {
    matches!(
        get_general_category(c),
        GeneralCategory::NonspacingMark
            | GeneralCategory::SpacingMark
            | GeneralCategory::EnclosingMark
    ) || matches!(c, '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{1F3FB}'..='\u{1F3FF}')
}

/// Whether `c` is drawn with a glyph of its own (not a space, a control
/// or an invisible format character such as a soft hyphen or a
/// direction mark).
pub fn needs_glyph(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(
            get_general_category(c),
            GeneralCategory::Control | GeneralCategory::Format
        )
        && !is_selector(c)
}

/// Characters that only choose how the one before them is drawn (a
/// variation selector, a joiner, an emoji skin tone): a face need not
/// have a glyph for them. A combining mark is not one of them: it is
/// drawn, and a mark with no letter before it (a vowel sign quoted on its
/// own) is drawn on a dotted circle by the face that has it.
fn is_selector(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{1F3FB}'..='\u{1F3FF}')
}

/// The script a character is written in, for messages.
pub fn script_name(c: char) -> &'static str {
    match c.script() {
        _ if matches!(c as u32, 0x3000..=0x303F | 0x30FB..=0x30FC | 0xFF00..=0xFFEF) => {
            "CJK punctuation"
        }
        Script::Common | Script::Inherited | Script::Unknown => {
            let emoji = matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF);
            if emoji { "emoji" } else { "symbols" }
        }
        s => s.full_name(),
    }
}

/// The faces a role's text may be drawn with: its own, then the fallbacks.
struct Faces<'a> {
    faces: Vec<ttf_parser::Face<'a>>,
    fallbacks: Vec<usize>,
}

impl<'a> Faces<'a> {
    fn new(fonts: &'a FontSet) -> Faces<'a> {
        Faces {
            faces: fonts
                .faces
                .iter()
                .map(|f| ttf_parser::Face::parse(&f.data, f.index))
                .collect::<Result<_, _>>()
                .unwrap_or_default(),
            fallbacks: fonts.fallbacks().collect(),
        }
    }

    fn draws(&self, role: usize, c: char) -> bool {
        let has = |i: usize| self.faces.get(i).is_none_or(|f| f.glyph_index(c).is_some());
        has(role) || self.fallbacks.iter().any(|&i| has(i))
    }
}

/// What was found: per file, per script, the characters (with how often)
/// and the first place.
#[derive(Default)]
struct Found {
    chars: BTreeMap<char, usize>,
    first: Option<(usize, u32, char)>,
}

/// Every character of the book's text that no face of its role (nor a
/// fallback) can draw: one diagnostic per file and script, at the first,
/// an error when `severity` says so.
pub fn check(book: &Book, fonts: &FontSet, severity: Severity, format: &str) -> Vec<Diagnostic> {
    let faces = Faces::new(fonts);
    if faces.faces.len() != fonts.faces.len() {
        return Vec::new();
    }
    // (chapter, script) → found.
    let mut found: BTreeMap<(usize, &'static str), Found> = BTreeMap::new();
    // ASCII, most of most books, answered from a table per role.
    let mut ascii = [0u128; 5];
    for (role, bits) in ascii.iter_mut().enumerate() {
        for c in 0u8..128 {
            if !needs_glyph(c as char) || faces.draws(role, c as char) {
                *bits |= 1 << c;
            }
        }
    }
    let mut note = |chapter: usize, line: u32, text: &str, role: usize| {
        for c in text.chars() {
            if c.is_ascii() && ascii.get(role).is_some_and(|b| b & (1 << c as u32) != 0) {
                continue;
            }
            if needs_glyph(c) && !faces.draws(role, c) {
                let f = found.entry((chapter, script_name(c))).or_default();
                *f.chars.entry(c).or_default() += 1;
                if f.first.is_none() {
                    f.first = Some((chapter, line, c));
                }
            }
        }
    };
    // The title page and a generated cover show the title, subtitle and
    // authors: counted with the first file.
    let m = &book.meta;
    if !book.chapters.is_empty() {
        let authors: Vec<&str> = m.authors().collect();
        for t in std::iter::once(m.title.as_str())
            .chain(m.subtitle.as_deref())
            .chain(authors)
        {
            note(0, 0, t, 0);
        }
    }
    for (i, ch) in book.chapters.iter().enumerate() {
        walk_inlines(&ch.title, &mut |t, mono| {
            note(i, 0, t, if mono { 4 } else { 0 })
        });
        walk_blocks(&ch.blocks, &mut |line, t, mono| {
            note(i, line, t, if mono { 4 } else { 0 })
        });
    }
    // One diagnostic a file, at its first such character, naming them
    // by script.
    let mut by_file: BTreeMap<usize, Vec<(&'static str, Found)>> = BTreeMap::new();
    for ((chapter, script), f) in found {
        by_file.entry(chapter).or_default().push((script, f));
    }
    let mut out = Vec::new();
    for (chapter, scripts) in by_file {
        let Some((_, line, first)) = scripts
            .iter()
            .filter_map(|(_, f)| f.first)
            .min_by_key(|(_, line, _)| *line)
        else {
            continue;
        };
        let at = locate(&book.chapters[chapter].source, line, first);
        let total: usize = scripts.iter().flat_map(|(_, f)| f.chars.values()).sum();
        let listed: Vec<String> = scripts
            .iter()
            .map(|(script, f)| {
                let mut chars: Vec<String> = f
                    .chars
                    .keys()
                    .take(6)
                    .map(|c| format!("'{c}' U+{:04X}", *c as u32))
                    .collect();
                if f.chars.len() > 6 {
                    chars.push(format!("and {} more", f.chars.len() - 6));
                }
                format!("{script} ({})", chars.join(", "))
            })
            .collect();
        let what = if severity == Severity::Error {
            format!("the {format} would show empty boxes")
        } else {
            format!("the {format} relies on the reading system's own fonts for them")
        };
        let message = format!(
            "{total} character(s) that no font of the book can draw: {}; {what}",
            listed.join("; ")
        );
        let d = match severity {
            Severity::Error => Diagnostic::error(Code::GlyphMissing, at, message),
            _ => Diagnostic::warning(Code::GlyphMissing, at, message),
        };
        let names: Vec<&str> = scripts
            .iter()
            .filter_map(|(s, _)| suggestion(s))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let help = if names.is_empty() {
            "name a font that has them: `[fonts] fallback = [\"fonts/….ttf\"]` in book.toml, tried in order".to_string()
        } else {
            format!(
                "name a font that has them, such as {}: `[fonts] fallback = [\"fonts/….ttf\"]` in book.toml, tried in order",
                names.join(" or ")
            )
        };
        out.push(d.help(help));
    }
    out
}

/// A free face that covers a script, for the help text.
fn suggestion(script: &str) -> Option<&'static str> {
    Some(match script {
        "Greek" | "Cyrillic" => "Noto Serif",
        "Arabic" => "Noto Naskh Arabic",
        "Hebrew" => "Noto Serif Hebrew",
        "Han" | "Hiragana" | "Katakana" | "Hangul" | "Bopomofo" | "CJK punctuation" => {
            "Noto Serif CJK (a .ttc: name a face, `NotoSerifCJK-Regular.ttc#0`)"
        }
        "Devanagari" => "Noto Serif Devanagari",
        "Thai" => "Noto Serif Thai",
        "emoji" => "Noto Emoji",
        "symbols" => "Noto Sans Symbols 2",
        _ => return None,
    })
}

/// The place of `c` in `file`, at or after `line`: found in the source.
fn locate(file: &std::path::Path, line: u32, c: char) -> Location {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Location::file(file);
    };
    for (n, l) in text
        .lines()
        .enumerate()
        .skip(line.saturating_sub(1) as usize)
    {
        if let Some(col) = l.chars().position(|x| x == c) {
            return Location::at(file, n as u32 + 1, col as u32 + 1);
        }
    }
    if line > 0 {
        Location::at(file, line, 1)
    } else {
        Location::file(file)
    }
}

/// The characters of the title, subtitle and authors that no face a
/// generated cover draws with (the text faces and the fallbacks) has.
pub fn missing_on_cover(meta: &crate::model::Metadata, fonts: &FontSet) -> BTreeSet<char> {
    let faces = Faces::new(fonts);
    let authors: Vec<&str> = meta.authors().collect();
    std::iter::once(meta.title.as_str())
        .chain(meta.subtitle.as_deref())
        .chain(authors)
        .flat_map(str::chars)
        .filter(|&c| needs_glyph(c) && !faces.draws(0, c) && !faces.draws(2, c))
        .collect()
}

/// Where `c` first appears in the book's text (its title aside): the
/// file, line and column of the first chapter that has it.
pub fn first_place(book: &Book, c: char) -> Option<Location> {
    for ch in &book.chapters {
        let mut line = None;
        walk_inlines(&ch.title, &mut |t, _| {
            if line.is_none() && t.contains(c) {
                line = Some(0);
            }
        });
        walk_blocks(&ch.blocks, &mut |l, t, _| {
            if line.is_none() && t.contains(c) {
                line = Some(l);
            }
        });
        if let Some(l) = line {
            return Some(locate(&ch.source, l, c));
        }
    }
    None
}

/// Every character of the book's text, with whether it is set as code.
pub fn each_char(book: &Book, f: &mut dyn FnMut(char, bool)) {
    for ch in &book.chapters {
        walk_inlines(&ch.title, &mut |t, mono| t.chars().for_each(|c| f(c, mono)));
        walk_blocks(&ch.blocks, &mut |_, t, mono| {
            t.chars().for_each(|c| f(c, mono))
        });
    }
}

/// Every run of text under `blocks`, with its line and whether it is
/// set as code.
fn walk_blocks(blocks: &[Block], f: &mut dyn FnMut(u32, &str, bool)) {
    walk::walk(blocks, &mut |n| match n {
        Node::Block(b) => {
            if let BlockKind::CodeBlock { text, .. } = &b.kind {
                f(b.line, text, true)
            }
        }
        Node::Inline(i, line) => inline_text(i, &mut |t, mono| f(line, t, mono)),
    });
}

/// Every run of text under `inlines`, with whether it is set as code.
fn walk_inlines(inlines: &[Inline], f: &mut dyn FnMut(&str, bool)) {
    walk::walk_inlines(inlines, 0, &mut |n| match n {
        Node::Block(b) => {
            if let BlockKind::CodeBlock { text, .. } = &b.kind {
                f(text, true)
            }
        }
        Node::Inline(i, _) => inline_text(i, f),
    });
}

/// The text an inline shows itself (not what it holds).
fn inline_text(i: &Inline, f: &mut dyn FnMut(&str, bool)) {
    match i {
        Inline::Text { text } => f(text, false),
        Inline::Code { text } => f(text, true),
        Inline::NoteLabel { label, .. } => f(label, false),
        _ => {}
    }
}
