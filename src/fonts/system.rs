//! Fallback faces found among the fonts installed on the machine: for
//! the characters no face of the book has, script by script, the
//! installed face best suited to them becomes a fallback, after the
//! book's own. On by default (as typst and browsers do); off with
//! `--no-system-fonts` or `[fonts] system = false`, for builds that must
//! give the same bytes on every machine. Each face taken is reported
//! (see [`Taken`]), never chosen in silence.
//!
//! Which face, for a script's characters: an upright face of regular
//! weight before others; one made for the script (its family names it:
//! "Noto Serif Devanagari" for Devanagari) before one that merely has
//! it; never one made for another script when another will do (Greek
//! from a Japanese face); a serif before a sans, as the book's text is
//! serif; for emoji, a colour face first; then the one that has the most
//! of the characters; then by file, so one machine always picks the same.

use super::ColourGlyphs;
use crate::model::{Book, FontFile};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// A face taken for some of the book's characters.
#[derive(Debug, Clone)]
pub struct Taken {
    /// The script its characters are in, as messages name it.
    pub script: &'static str,
    pub file: PathBuf,
    pub index: u32,
    /// How many distinct characters of the book it draws.
    pub chars: usize,
    /// The first of them in the book's order, to point at.
    pub first: char,
    pub colour: Option<ColourGlyphs>,
}

/// What an installed face is, for choosing among them.
struct Installed {
    path: PathBuf,
    index: u32,
    /// Lower is better for text: (italic, distance from regular weight,
    /// monospaced, a math face).
    text_rank: (bool, i32, bool, bool),
    families: String,
    serif: bool,
    colour: Option<ColourGlyphs>,
    /// Which of the book's missing characters it can draw.
    draws: BTreeSet<char>,
}

/// Adds installed faces as fallbacks for the characters the book's faces
/// lack, and says which it took for which script. Characters no installed
/// face has stay missing (the coverage check reports them).
pub fn add_fallbacks(book: &mut Book) -> Vec<Taken> {
    let Ok(fonts) = super::FontSet::shared(&book.options.fonts) else {
        return Vec::new();
    };
    // The missing characters by script, in the book's order of first use.
    let mut order: Vec<char> = Vec::new();
    let mut seen: BTreeSet<char> = BTreeSet::new();
    super::coverage::each_char(book, &mut |c, mono| {
        let role = if mono { 4 } else { 0 };
        if !c.is_ascii()
            && super::coverage::needs_glyph(c)
            && !seen.contains(&c)
            && !fonts.covers(role, c)
            && !fonts.fallbacks().any(|i| fonts.covers(i, c))
        {
            seen.insert(c);
            order.push(c);
        }
    });
    if order.is_empty() {
        return Vec::new();
    }
    let mut by_script: Vec<(&'static str, Vec<char>)> = Vec::new();
    for &c in &order {
        let s = super::coverage::script_name(c);
        match by_script.iter_mut().find(|(n, _)| *n == s) {
            Some((_, v)) => v.push(c),
            None => by_script.push((s, vec![c])),
        }
    }
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    let mut installed: Vec<Installed> = db
        .faces()
        .filter_map(|f| {
            let (fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _)) = &f.source else {
                return None;
            };
            let families: String = f
                .families
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(" / ");
            // Each file is read once, and asked for every character.
            let (colour, draws) = db
                .with_face_data(f.id, |data, index| {
                    let face = ttf_parser::Face::parse(data, index).ok()?;
                    let colour = super::colour_glyphs(&face);
                    let draws: BTreeSet<char> = order
                        .iter()
                        .copied()
                        .filter(|&c| can_draw(&face, colour, c))
                        .collect();
                    Some((colour, draws))
                })
                .flatten()?;
            if draws.is_empty() {
                return None;
            }
            Some(Installed {
                draws,
                path: p.clone(),
                index: f.index,
                text_rank: (
                    f.style != fontdb::Style::Normal,
                    (i32::from(f.weight.0) - 400).abs(),
                    f.monospaced,
                    families.contains("Math"),
                ),
                serif: families.contains("Serif") && !families.contains("Sans"),
                families,
                colour,
            })
        })
        .collect();
    installed.sort_by(|a, b| (&a.path, a.index).cmp(&(&b.path, b.index)));

    let mut taken: Vec<Taken> = Vec::new();
    // Faces already added, tried first for later scripts' leftovers.
    let mut added: Vec<usize> = Vec::new();
    for (script, chars) in by_script {
        let mut left: Vec<char> = chars;
        while !left.is_empty() {
            let emoji = left.iter().any(|&c| emoji_presentation(c));
            let best = installed
                .iter()
                .enumerate()
                .filter_map(|(i, f)| {
                    let has = left.iter().filter(|c| f.draws.contains(c)).count();
                    (has > 0).then(|| (rank(f, script, emoji, has), i))
                })
                .min();
            let Some((_, i)) = best else { break };
            let f = &installed[i];
            let drawn: Vec<char> = left
                .iter()
                .copied()
                .filter(|c| f.draws.contains(c))
                .collect();
            left.retain(|c| !drawn.contains(c));
            if !added.contains(&i) {
                added.push(i);
            }
            taken.push(Taken {
                script,
                file: f.path.clone(),
                index: f.index,
                chars: drawn.len(),
                first: drawn[0],
                colour: f.colour,
            });
        }
    }
    // Faces that name no script go first, so that a run of Greek is
    // never given to a Japanese face that happens to have Greek too;
    // within that, the order they were taken in.
    let mut faces: Vec<usize> = added;
    faces.sort_by_key(|&i| made_for_a_script(&installed[i].families));
    for i in faces {
        book.options.fonts.push(FontFile {
            role: "fallback".into(),
            path: installed[i].path.clone(),
            index: installed[i].index,
        });
    }
    taken
}

/// A face's fitness for a script, compared field by field: lower is better.
type Rank = (
    bool,
    bool,
    (bool, i32, bool, bool),
    bool,
    bool,
    std::cmp::Reverse<usize>,
);

/// Lower is better: how well an installed face suits characters of
/// `script` (see the module's comment for the order and its reasons).
fn rank(f: &Installed, script: &str, emoji: bool, has: usize) -> Rank {
    let named = names_script(&f.families, script);
    let foreign = made_for_a_script(&f.families) && !named;
    (
        // For emoji, colour first; for anything else, outlines first.
        emoji != f.colour.is_some(),
        foreign,
        f.text_rank,
        !named,
        !f.serif,
        std::cmp::Reverse(has),
    )
}

/// Words in family names that say which script a face is made for.
const SCRIPT_WORDS: &[(&str, &[&str])] = &[
    ("Han", &["CJK", "JP", "SC", "TC", "HK", "KR"]),
    ("Hiragana", &["CJK", "JP"]),
    ("Katakana", &["CJK", "JP"]),
    ("Hangul", &["CJK", "KR"]),
    ("CJK punctuation", &["CJK", "JP", "SC", "TC", "KR"]),
    ("Bopomofo", &["CJK", "TC"]),
    ("emoji", &["Emoji"]),
    ("symbols", &["Symbols"]),
];

/// Whether a face's family names the script (by the script's own name,
/// or the words CJK faces and emoji faces use).
fn names_script(families: &str, script: &str) -> bool {
    let words = SCRIPT_WORDS
        .iter()
        .find(|(s, _)| *s == script)
        .map_or(&[][..], |(_, w)| *w);
    families.contains(script)
        || families
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| words.contains(&w))
}

/// Whether a face's family says it is made for one script (a CJK face,
/// "Noto Sans Devanagari", an emoji or symbols face) rather than for
/// Latin text and whatever else it has.
fn made_for_a_script(families: &str) -> bool {
    const SCRIPTS: &[&str] = &[
        "Arabic",
        "Armenian",
        "Bengali",
        "Cherokee",
        "Devanagari",
        "Ethiopic",
        "Georgian",
        "Gujarati",
        "Gurmukhi",
        "Hebrew",
        "Kannada",
        "Khmer",
        "Lao",
        "Malayalam",
        "Myanmar",
        "Naskh",
        "Oriya",
        "Sinhala",
        "Tamil",
        "Telugu",
        "Thai",
        "Tibetan",
        "Emoji",
        "Symbols",
        "Math",
    ];
    SCRIPTS.iter().any(|s| families.contains(s))
        || families
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| matches!(w, "CJK" | "JP" | "SC" | "TC" | "HK" | "KR"))
}

/// Whether `c` is shown as an emoji (a colour picture) when nothing says
/// otherwise: Unicode's `Emoji_Presentation` property (emoji-data.txt),
/// as ranges. `✔` and `❤` are text by default and stay with outline faces.
pub fn emoji_presentation(c: char) -> bool {
    matches!(c as u32,
        0x231A..=0x231B | 0x23E9..=0x23EC | 0x23F0 | 0x23F3 | 0x25FD..=0x25FE
        | 0x2614..=0x2615 | 0x2648..=0x2653 | 0x267F | 0x2693 | 0x26A1
        | 0x26AA..=0x26AB | 0x26BD..=0x26BE | 0x26C4..=0x26C5 | 0x26CE | 0x26D4
        | 0x26EA | 0x26F2..=0x26F3 | 0x26F5 | 0x26FA | 0x26FD | 0x2705
        | 0x270A..=0x270B | 0x2728 | 0x274C | 0x274E | 0x2753..=0x2755 | 0x2757
        | 0x2795..=0x2797 | 0x27B0 | 0x27BF | 0x2B1B..=0x2B1C | 0x2B50 | 0x2B55
        | 0x1F004 | 0x1F0CF | 0x1F18E | 0x1F191..=0x1F19A | 0x1F1E6..=0x1F1FF
        | 0x1F201 | 0x1F21A | 0x1F22F | 0x1F232..=0x1F236 | 0x1F238..=0x1F23A
        | 0x1F250..=0x1F251 | 0x1F300..=0x1F320 | 0x1F32D..=0x1F335
        | 0x1F337..=0x1F37C | 0x1F37E..=0x1F393 | 0x1F3A0..=0x1F3CA
        | 0x1F3CF..=0x1F3D3 | 0x1F3E0..=0x1F3F0 | 0x1F3F4 | 0x1F3F8..=0x1F43E
        | 0x1F440 | 0x1F442..=0x1F4FC | 0x1F4FF..=0x1F53D | 0x1F54B..=0x1F54E
        | 0x1F550..=0x1F567 | 0x1F57A | 0x1F595..=0x1F596 | 0x1F5A4
        | 0x1F5FB..=0x1F64F | 0x1F680..=0x1F6C5 | 0x1F6CC | 0x1F6D0..=0x1F6D2
        | 0x1F6D5..=0x1F6D7 | 0x1F6DC..=0x1F6DF | 0x1F6EB..=0x1F6EC
        | 0x1F6F4..=0x1F6FC | 0x1F7E0..=0x1F7EB | 0x1F7F0 | 0x1F90C..=0x1F93A
        | 0x1F93C..=0x1F945 | 0x1F947..=0x1F9FF | 0x1FA70..=0x1FAFF)
}

/// Whether the face can draw `c` as Quire draws: from outlines, or from
/// its colour pictures (coloured layers Quire cannot draw yet).
fn can_draw(face: &ttf_parser::Face, colour: Option<ColourGlyphs>, c: char) -> bool {
    face.glyph_index(c).is_some_and(|g| {
        let t = face.tables();
        match colour {
            Some(ColourGlyphs::Bitmap) => face.glyph_raster_image(g, u16::MAX).is_some(),
            Some(ColourGlyphs::Layers) => false,
            None => t.glyf.is_some() || t.cff.is_some(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_named_by_faces_made_for_them() {
        assert!(names_script("Noto Serif Devanagari", "Devanagari"));
        assert!(names_script("Noto Serif CJK JP", "Han"));
        assert!(names_script("Noto Color Emoji", "emoji"));
        assert!(!names_script("Noto Serif", "Greek"));
        assert!(made_for_a_script("Noto Sans CJK KR"));
        assert!(!made_for_a_script("Noto Serif"));
        assert!(!made_for_a_script("DejaVu Sans"));
        assert!(emoji_presentation('🚨') && emoji_presentation('👍'));
        assert!(!emoji_presentation('✔') && !emoji_presentation('˅'));
    }
}
