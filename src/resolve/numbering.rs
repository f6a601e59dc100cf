//! Numbers: chapters, sections, figures, tables, listings and equations
//! numbered as the layout says, and references filled with them.

use super::*;

/// Numbers figures and tables with ids ("Figure 3.2": by chapter in a
/// book, through the whole text in an article), then makes each reference
/// to one (`[@fig:map]`, or a link with no text to its id) a link that
/// reads its number.
pub(super) fn number_labels(
    chapters: &mut [Chapter],
    layout: Layout,
    lang: &str,
    diags: &mut Diagnostics,
) {
    use crate::model::ChapterRole;
    let words = crate::typography::labels(lang);
    // key → (chapter, id, number)
    let mut found: HashMap<String, (usize, String, String)> = HashMap::new();
    let mut by_id: HashMap<String, String> = HashMap::new();
    let (mut chapter_no, mut appendix_no) = (0u32, 0u32);
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for (c, ch) in chapters.iter_mut().enumerate() {
        let prefix = match (layout, ch.role) {
            (Layout::Book, ChapterRole::Chapter) => {
                chapter_no += 1;
                Some(chapter_no.to_string())
            }
            (Layout::Book, ChapterRole::Appendix) => {
                appendix_no += 1;
                Some(
                    char::from_u32(u32::from(b'A') + (appendix_no - 1) % 26)
                        .unwrap_or('A')
                        .to_string(),
                )
            }
            _ => None,
        };
        if layout == Layout::Book {
            counts.clear();
        }
        crate::model::walk::walk_blocks_mut(&mut ch.blocks, &mut |b| {
            for label in labels_of(b) {
                let kind = label.key.split(':').next().unwrap_or("");
                let word = match kind {
                    "tbl" => words.table,
                    "lst" => words.listing,
                    "eq" => words.equation,
                    _ => words.figure,
                };
                let n = counts
                    .entry(match kind {
                        "tbl" => "tbl",
                        "lst" => "lst",
                        "eq" => "eq",
                        _ => "fig",
                    })
                    .or_default();
                *n += 1;
                let n = match &prefix {
                    Some(p) => format!("{p}.{n}"),
                    None => n.to_string(),
                };
                label.number = crate::typography::numbered(word, &n, "\u{a0}");
                by_id.insert(label.id.clone(), label.number.clone());
                if found
                    .insert(
                        label.key.clone(),
                        (c, label.id.clone(), label.number.clone()),
                    )
                    .is_some()
                {
                    diags.warning(
                        Code::HeadingId,
                        Location::file(&ch.source),
                        format!(
                            "`{}` labels two figures or tables; references go to the last",
                            label.key
                        ),
                    );
                }
            }
        });
    }
    for ch in chapters.iter_mut() {
        let source = ch.source.clone();
        let mut visit = |inlines: &mut Vec<Inline>| {
            fill_references(inlines, &found, &by_id, &source, diags);
        };
        crate::model::walk::walk_mut(&mut ch.blocks, &mut visit);
    }
}

/// The labels a block carries: a figure's, a table's, a listing's, or
/// those of the numbered equations in a paragraph.
fn labels_of(b: &mut Block) -> Vec<&mut crate::model::Label> {
    match &mut b.kind {
        BlockKind::Figure { label: Some(l), .. }
        | BlockKind::Table { label: Some(l), .. }
        | BlockKind::CodeBlock { label: Some(l), .. } => vec![l],
        BlockKind::Paragraph { content } => content
            .iter_mut()
            .filter_map(|i| match i {
                Inline::Math { label: Some(l), .. } => Some(l),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn fill_references(
    inlines: &mut [Inline],
    found: &HashMap<String, (usize, String, String)>,
    by_id: &HashMap<String, String>,
    source: &Path,
    diags: &mut Diagnostics,
) {
    for inline in inlines.iter_mut() {
        match inline {
            Inline::Ref { key, pos } => {
                *inline = match found.get(key.as_str()) {
                    Some((chapter, id, number)) => Inline::Link {
                        target: LinkTarget::Internal {
                            chapter: *chapter,
                            id: Some(id.clone()),
                        },
                        title: None,
                        content: vec![Inline::text(number)],
                        pos: *pos,
                    },
                    None => {
                        diags.push(
                            Diagnostic::warning(
                                Code::LinkDropped,
                                Location::at(source, pos.line, pos.column),
                                format!(
                                    "nothing is labelled `{key}`: the reference is left as written"
                                ),
                            )
                            .help(
                                "give the figure `{#…}` after its image, or the table one after it",
                            ),
                        );
                        Inline::text(format!("[@{key}]"))
                    }
                };
            }
            Inline::Link {
                target: LinkTarget::Internal { id: Some(id), .. },
                content,
                ..
            } if content.is_empty() => {
                if let Some(number) = by_id.get(id.as_str()) {
                    content.push(Inline::text(number));
                }
            }
            // What it holds, a note's blocks included, is another run
            // the walk brings.
            _ => {}
        }
    }
}

/// Gives a numbered thing's label an id unique in the book (`fig:map`
/// becomes `fig-map`), by which links may name it as by its key.
pub(super) fn register_label(
    label: &mut crate::model::Label,
    ids: &mut Ids,
    names: &mut HashMap<String, String>,
) {
    let base: String = label
        .key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let base = if base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base
    } else {
        format!("x{base}")
    };
    label.id = ids.unique(&base);
    names.insert(label.key.clone(), label.id.clone());
    names.insert(label.id.clone(), label.id.clone());
}

/// Gives chapters their labels ("Chapter 3", "Appendix A", "Part Two")
/// and each its part. Chapters are numbered in a book unless the style
/// says otherwise, not in an article; front and back matter never.
pub(super) fn number(
    chapters: &mut [Chapter],
    layout: Layout,
    style: &crate::model::StyleOptions,
    lang: &str,
) {
    use crate::model::{ChapterRole, Numbering};
    let numbering = style.chapter_numbers.unwrap_or(match layout {
        Layout::Book => Numbering::Arabic,
        Layout::Article => Numbering::None,
    });
    let words = crate::typography::labels(lang);
    // A book whose chapter headings number themselves ("Chapter 1",
    // "IV") gets no second number, unless the style asks for one.
    let numbered_by_hand =
        |ch: &Chapter, word: &str| self_numbered(&crate::model::plain_text(&ch.title), word);
    // Nor does a collection, whose pieces have authors of their own.
    let numbering = if style.chapter_numbers.is_none()
        && chapters.iter().any(|c| {
            (c.role == ChapterRole::Chapter && numbered_by_hand(c, words.chapter))
                || c.article.as_ref().is_some_and(|a| !a.authors.is_empty())
        }) {
        Numbering::None
    } else {
        numbering
    };
    let (mut chapter, mut appendix, mut part) = (0u32, 0u32, 0u32);
    let mut current_part = None;
    for (i, ch) in chapters.iter_mut().enumerate() {
        match ch.role {
            ChapterRole::Part => {
                part += 1;
                current_part = Some(i);
                if numbering != Numbering::None && !numbered_by_hand(ch, words.part) {
                    let n = match numbering {
                        Numbering::Roman => crate::typography::roman(part).to_uppercase(),
                        _ => crate::typography::number_word(part, lang),
                    };
                    ch.label = Some(crate::typography::numbered(words.part, &n, " "));
                }
                continue;
            }
            ChapterRole::Chapter if numbered_by_hand(ch, words.chapter) => chapter += 1,
            ChapterRole::Chapter => {
                chapter += 1;
                let n = match numbering {
                    Numbering::None => None,
                    Numbering::Arabic => Some(chapter.to_string()),
                    Numbering::Roman => Some(crate::typography::roman(chapter).to_uppercase()),
                    Numbering::Words => Some(crate::typography::number_word(chapter, lang)),
                };
                ch.label = n.map(|n| crate::typography::numbered(words.chapter, &n, " "));
            }
            ChapterRole::Appendix => {
                appendix += 1;
                let letter = char::from_u32('A' as u32 + (appendix - 1) % 26).unwrap_or('A');
                if !numbered_by_hand(ch, words.appendix) {
                    ch.label = Some(crate::typography::numbered(
                        words.appendix,
                        &letter.to_string(),
                        " ",
                    ));
                }
            }
            _ => {}
        }
        // Back matter leaves the last part.
        if ch.role.matter() == "backmatter" {
            current_part = None;
        }
        ch.part = current_part;
    }
}

/// Whether a heading numbers itself: "Chapter 3", "Part One: …",
/// "IV", "12.", "3 The Storm".
pub(super) fn self_numbered(title: &str, word: &str) -> bool {
    let t = title.trim();
    // "第{}章": the title opens with 第 and a number, in digits or in
    // CJK numerals (第一章, 第12章).
    if let Some((before, _)) = word.split_once("{}") {
        let numeral = |c: char| c.is_numeric() || "〇一二三四五六七八九十百千两".contains(c);
        if !before.is_empty()
            && let Some(rest) = t.strip_prefix(before)
            && rest.chars().next().is_some_and(numeral)
        {
            return true;
        }
    }
    let lower = t.to_lowercase();
    let word = word.to_lowercase();
    if let Some(rest) = lower.strip_prefix(&word)
        && rest.chars().next().is_none_or(|c| !c.is_alphanumeric())
    {
        return true;
    }
    let first = t
        .split(|c: char| c.is_whitespace() || matches!(c, '.' | ':' | '—' | '–'))
        .next()
        .unwrap_or("");
    !first.is_empty()
        && (first.chars().all(|c| c.is_ascii_digit())
            || (is_roman(first)
                && (first.len() > 1
                    || t.len() == first.len()
                    || t[first.len()..].starts_with(['.', ':']))))
}

/// A well-formed upper-case Roman numeral ("XIV", not "CIVIL").
pub(super) fn is_roman(s: &str) -> bool {
    let value = |c| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        'D' => 500,
        'M' => 1000,
        _ => 0,
    };
    let digits: Vec<u32> = s.chars().map(value).collect();
    if digits.is_empty() || digits.contains(&0) {
        return false;
    }
    let mut n = 0i64;
    for (i, d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|next| next > d) {
            n -= i64::from(*d);
        } else {
            n += i64::from(*d);
        }
    }
    n > 0 && n < 4000 && crate::typography::roman(n as u32).to_uppercase() == s
}

#[cfg(test)]
mod numbering_tests {
    use super::self_numbered;

    #[test]
    fn headings_that_number_themselves() {
        assert!(self_numbered("Chapter 3", "Chapter"));
        assert!(self_numbered("CHAPTER ONE", "Chapter"));
        assert!(self_numbered("IV", "Chapter"));
        assert!(self_numbered("XII. The Storm", "Chapter"));
        assert!(self_numbered("12 The Storm", "Chapter"));
        assert!(!self_numbered("I Remember", "Chapter"));
        assert!(!self_numbered("Chapters of Life", "Chapter"));
        assert!(!self_numbered("The Storm", "Chapter"));
        assert!(!self_numbered("CIVIL War", "Chapter"));
    }
}
