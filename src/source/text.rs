//! Plain-text reader: paragraphs separated by blank lines.
//!
//! Line breaks inside a paragraph are spaces; punctuation is made
//! typographic (see `crate::typography`). A paragraph made only of `*`, `#`,
//! `~` or `-` marks (`* * *`, `#`) is a scene break.

use crate::model::{Block, BlockKind, Inline};
use crate::typography::smarten;

pub fn read(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut start_line = 0u32;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            flush(&mut para, start_line, &mut blocks);
        } else {
            if para.is_empty() {
                start_line = i as u32 + 1;
            }
            para.push(line.trim());
        }
    }
    flush(&mut para, start_line, &mut blocks);
    blocks
}

fn flush(para: &mut Vec<&str>, line: u32, blocks: &mut Vec<Block>) {
    if para.is_empty() {
        return;
    }
    let joined = para.join(" ");
    para.clear();
    let is_break = joined.chars().any(|c| c != ' ')
        && joined
            .chars()
            .all(|c| matches!(c, '*' | '#' | '~' | '-' | ' '))
        && joined.chars().filter(|c| *c != ' ').count() <= 5;
    let kind = if is_break {
        BlockKind::SceneBreak
    } else {
        BlockKind::Paragraph {
            content: vec![Inline::text(smarten(&joined))],
        }
    };
    blocks.push(Block { line, kind });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_breaks() {
        let blocks = read("One\nline.\n\n\n* * *\n\nTwo -- \"three\"\n");
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0].line, 1);
        match &blocks[0].kind {
            BlockKind::Paragraph { content } => {
                assert_eq!(crate::model::plain_text(content), "One line.")
            }
            k => panic!("{k:?}"),
        }
        assert!(matches!(blocks[1].kind, BlockKind::SceneBreak));
        assert_eq!(blocks[2].line, 7);
    }
}
