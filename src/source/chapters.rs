//! Chapters from headings: a manuscript is cut into chapters at its
//! chapter-level headings (`#` by default, `##` with `chapter-level = 2`),
//! so a novel written in one file is a book of chapters. A heading's class
//! says what the chapter is (`# To Anna {.dedication}`, `# Part One
//! {.part}`); with `chapter-level = 2`, a `#` heading is a part. The text
//! before the first such heading is the file's opening: it is kept.

use crate::model::{Block, BlockKind, ChapterRole, Inline};

/// One chapter cut from a manuscript.
pub struct Cut {
    pub title: Vec<Inline>,
    /// The id the heading asked for (`{#id}`), if any.
    pub title_id: Option<String>,
    pub role: ChapterRole,
    pub blocks: Vec<Block>,
}

/// The role a chapter heading's classes give, and whether the heading
/// opens a part.
fn role_of(level: u8, classes: &[String], title: &[Inline], chapter_level: u8) -> ChapterRole {
    if let Some(role) = classes.iter().find_map(|c| ChapterRole::from_class(c)) {
        return role;
    }
    if classes.is_empty()
        && level == chapter_level
        && let Some(role) = ChapterRole::from_title(&crate::model::plain_text(title))
    {
        return role;
    }
    if level < chapter_level {
        ChapterRole::Part
    } else {
        ChapterRole::Chapter
    }
}

/// Whether a heading of `level` with `classes` starts a chapter or a part.
fn cuts_here(level: u8, classes: &[String], chapter_level: u8) -> bool {
    level <= chapter_level || (level <= chapter_level + 1 && classes.iter().any(|c| c == "part"))
}

/// A file that opens with a heading deeper than the chapter level, and
/// has none shallower than it (a section of a bigger book kept in a file
/// of its own, as mdBook's `ch04-01-….md` opens with `## What Is
/// Ownership?`): that first heading is its title, and its other headings
/// move up as far, so that they stay its sections.
pub fn raise_to(blocks: &mut [Block], chapter_level: u8) {
    let levels = || {
        blocks.iter().filter_map(|b| match &b.kind {
            BlockKind::Heading { level, .. } => Some(*level),
            _ => None,
        })
    };
    let Some(BlockKind::Heading { level: first, .. }) = blocks.first().map(|b| &b.kind) else {
        return;
    };
    let first = *first;
    if first <= chapter_level || levels().any(|l| l < first) {
        return;
    }
    let by = first - chapter_level;
    for (i, b) in blocks.iter_mut().enumerate() {
        if let BlockKind::Heading { level, .. } = &mut b.kind {
            *level = if i == 0 {
                chapter_level
            } else {
                (*level - by).max(chapter_level + 1)
            };
        }
    }
}

/// Cuts `blocks` into the opening (before any chapter heading) and the
/// chapters. Headings below the chapter level move up to follow it, so a
/// chapter's sections are always level 2 and their subsections level 3.
pub fn cut(blocks: Vec<Block>, chapter_level: u8) -> (Vec<Block>, Vec<Cut>) {
    let mut opening = Vec::new();
    let mut cuts: Vec<Cut> = Vec::new();
    for mut block in blocks {
        if let BlockKind::Heading {
            level,
            id,
            classes,
            content,
        } = &mut block.kind
        {
            if cuts_here(*level, classes, chapter_level) {
                let role = role_of(*level, classes, content, chapter_level);
                cuts.push(Cut {
                    title: std::mem::take(content),
                    title_id: Some(std::mem::take(id)).filter(|i| !i.is_empty()),
                    role,
                    blocks: Vec::new(),
                });
                continue;
            }
            // With chapters at level 2, sections are level 3: level 2
            // inside the chapter.
            *level = level.saturating_sub(chapter_level - 1).max(2);
        }
        match cuts.last_mut() {
            Some(c) => c.blocks.push(block),
            None => opening.push(block),
        }
    }
    (opening, cuts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(level: u8, text: &str, classes: &[&str]) -> Block {
        Block {
            line: 1,
            kind: BlockKind::Heading {
                level,
                id: String::new(),
                classes: classes.iter().map(|c| c.to_string()).collect(),
                content: vec![Inline::text(text)],
            },
        }
    }

    fn para() -> Block {
        Block {
            line: 1,
            kind: BlockKind::Paragraph {
                content: vec![Inline::text("Text.")],
            },
        }
    }

    #[test]
    fn headings_cut_chapters_and_parts() {
        let blocks = vec![
            para(),
            heading(1, "Part One", &["part"]),
            heading(1, "One", &[]),
            para(),
            heading(2, "A section", &[]),
            heading(1, "To Anna", &["dedication"]),
        ];
        let (opening, cuts) = cut(blocks, 1);
        assert_eq!(opening.len(), 1);
        let roles: Vec<ChapterRole> = cuts.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [
                ChapterRole::Part,
                ChapterRole::Chapter,
                ChapterRole::Dedication
            ]
        );
        assert_eq!(cuts[1].blocks.len(), 2);
        // Headings that say what they are need no class.
        let blocks = vec![
            heading(1, "Preface", &[]),
            heading(1, "PART II", &[]),
            heading(1, "Acknowledgements", &[]),
            heading(1, "Parting", &[]),
        ];
        let (_, cuts) = cut(blocks, 1);
        let roles: Vec<ChapterRole> = cuts.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [
                ChapterRole::Preface,
                ChapterRole::Part,
                ChapterRole::Acknowledgments,
                ChapterRole::Chapter
            ]
        );
        // With chapters at level 2, level-1 headings are parts.
        let blocks = vec![
            heading(1, "Book One", &[]),
            heading(2, "One", &[]),
            heading(3, "Section", &[]),
        ];
        let (_, cuts) = cut(blocks, 2);
        assert_eq!(cuts[0].role, ChapterRole::Part);
        assert_eq!(cuts[1].role, ChapterRole::Chapter);
        assert!(matches!(
            cuts[1].blocks[0].kind,
            BlockKind::Heading { level: 2, .. }
        ));
    }
}
