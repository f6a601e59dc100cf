//! Fallback faces found among the fonts installed on the machine, for a
//! book built with `--system-fonts` (or `[fonts] system = true`): for each
//! character no face of the book has, the first installed face (in the
//! order of their paths, so one machine always picks the same) that has
//! it becomes a fallback, after the book's own.

use crate::model::{Book, FontFile};
use std::collections::{BTreeMap, BTreeSet};

/// An installed face: how suitable for text (lower is better), its file,
/// its index in the file, its id in the database.
type Ranked = ((bool, i32, bool, bool), std::path::PathBuf, u32, fontdb::ID);

/// Adds installed faces as fallbacks for the characters the book's faces
/// lack; returns, per script, the file chosen (for `--verbose`).
pub fn add_fallbacks(book: &mut Book) -> Vec<(String, String)> {
    let Ok(fonts) = super::FontSet::with(&book.options.fonts) else {
        return Vec::new();
    };
    let mut missing: BTreeSet<char> = BTreeSet::new();
    super::coverage::each_char(book, &mut |c, mono| {
        let role = if mono { 4 } else { 0 };
        if super::coverage::needs_glyph(c)
            && !fonts.covers(role, c)
            && !fonts.fallbacks().any(|i| fonts.covers(i, c))
        {
            missing.insert(c);
        }
    });
    if missing.is_empty() {
        return Vec::new();
    }
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    // Text faces first (upright, regular weight, not monospaced, not a
    // math face), then by file and face: a stable order on one machine.
    let mut ranked: Vec<Ranked> = db
        .faces()
        .filter_map(|f| match &f.source {
            fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => {
                let math = f.families.iter().any(|(n, _)| n.contains("Math"));
                let rank = (
                    f.style != fontdb::Style::Normal,
                    (i32::from(f.weight.0) - 400).abs(),
                    f.monospaced,
                    math,
                );
                Some((rank, p.clone(), f.index, f.id))
            }
            _ => None,
        })
        .collect();
    ranked.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    let faces: Vec<(std::path::PathBuf, u32, fontdb::ID)> =
        ranked.into_iter().map(|(_, p, i, id)| (p, i, id)).collect();
    let mut chosen: Vec<(std::path::PathBuf, u32)> = Vec::new();
    let mut by_script: BTreeMap<&'static str, String> = BTreeMap::new();
    for c in missing {
        // A face already chosen is tried first, so few are added.
        let pick = chosen
            .iter()
            .find(|(p, i)| {
                faces
                    .iter()
                    .find(|(fp, fi, _)| fp == p && fi == i)
                    .is_some_and(|(_, _, id)| has(&db, *id, c))
            })
            .cloned()
            .or_else(|| {
                faces
                    .iter()
                    .find(|(_, _, id)| has(&db, *id, c))
                    .map(|(p, i, _)| (p.clone(), *i))
            });
        let Some((path, index)) = pick else { continue };
        by_script
            .entry(super::coverage::script_name(c))
            .or_insert_with(|| format!("{}#{index}", path.display()));
        if !chosen.contains(&(path.clone(), index)) {
            chosen.push((path.clone(), index));
            book.options.fonts.push(FontFile {
                role: "fallback".into(),
                path,
                index,
            });
        }
    }
    by_script
        .into_iter()
        .map(|(s, f)| (s.to_string(), f))
        .collect()
}

fn has(db: &fontdb::Database, id: fontdb::ID, c: char) -> bool {
    db.with_face_data(id, |data, index| {
        ttf_parser::Face::parse(data, index).is_ok_and(|f| {
            f.glyph_index(c).is_some()
                // Only faces Quire can embed: outlines, not bitmaps.
                && (f.tables().glyf.is_some() || f.tables().cff.is_some())
        })
    })
    .unwrap_or(false)
}
