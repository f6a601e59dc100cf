//! Plain-text reader: paragraphs separated by blank lines.
//!
//! Line breaks inside a paragraph are spaces; punctuation is made
//! typographic (see `crate::typography`). A paragraph made only of `*`, `#`,
//! `~` or `-` marks (`* * *`, `#`) is a scene break. A word or phrase
//! between underscores (`_You_ are dancing`), as Project Gutenberg's plain
//! texts mark italics, is emphasis; an underscore inside a word
//! (`snake_case`) is not.

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
            content: emphasis(&smarten(&joined)),
        }
    };
    blocks.push(Block { line, kind });
}

/// The text with each `_phrase_` made emphasis: an opening underscore
/// not preceded by a letter or digit and followed by a visible
/// character, closed by the next underscore that follows a visible
/// character and is not followed by a letter or digit.
fn emphasis(text: &str) -> Vec<Inline> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let word = |k: usize| chars.get(k).is_some_and(|&(_, c)| c.is_alphanumeric());
    let visible = |k: usize| {
        chars
            .get(k)
            .is_some_and(|&(_, c)| !c.is_whitespace() && c != '_')
    };
    let mut out = Vec::new();
    let mut from = 0;
    let mut k = 0;
    while k < chars.len() {
        let opens = chars[k].1 == '_' && (k == 0 || !word(k - 1)) && visible(k + 1);
        let close = opens
            .then(|| {
                (k + 2..chars.len()).find(|&j| chars[j].1 == '_' && visible(j - 1) && !word(j + 1))
            })
            .flatten();
        let Some(j) = close else {
            if opens {
                // No closing underscore after this one: none after any
                // later one either (whether an underscore closes does not
                // depend on where the phrase opened). Stop here, so that
                // a paragraph of unclosed underscores is read once.
                break;
            }
            k += 1;
            continue;
        };
        let (open_at, close_at) = (chars[k].0, chars[j].0);
        if from < open_at {
            out.push(Inline::text(&text[from..open_at]));
        }
        out.push(Inline::Emphasis {
            content: vec![Inline::text(&text[open_at + 1..close_at])],
        });
        from = close_at + 1;
        k = j + 1;
    }
    if from < text.len() || out.is_empty() {
        out.push(Inline::text(&text[from..]));
    }
    out
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

    #[test]
    fn underscores_around_a_phrase_are_emphasis() {
        let blocks = read(
            "\u{201c}_You_ are dancing with _the only handsome girl_,\u{201d} a_b, _ x _ and _odd.\n",
        );
        let BlockKind::Paragraph { content } = &blocks[0].kind else {
            panic!("{:?}", blocks[0].kind);
        };
        let emphasised: Vec<String> = content
            .iter()
            .filter_map(|i| match i {
                Inline::Emphasis { content } => Some(crate::model::plain_text(content)),
                _ => None,
            })
            .collect();
        assert_eq!(emphasised, ["You", "the only handsome girl"]);
        assert_eq!(
            crate::model::plain_text(content),
            "\u{201c}You are dancing with the only handsome girl,\u{201d} a_b, _ x _ and _odd."
        );
    }
}
