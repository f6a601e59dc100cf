//! One walk over the model, as pandoc's `Walk` is: every block and every
//! inline under a list of blocks, in reading order, each before what it
//! holds (a list's items, a quotation's blocks, a table's caption and
//! cells, a definition's term and descriptions, emphasis, links and spans,
//! and a footnote's blocks where the note is first referenced). Code that
//! looks for something in the text, or changes it, says what it does with
//! a node; the shape of the model is known here alone, so a new kind of
//! block cannot be forgotten by one walk and not another.

use super::{Block, BlockKind, Inline};

/// A place in the text, to read.
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    Block(&'a Block),
    /// An inline, with the line of the block it is in.
    Inline(&'a Inline, u32),
}

/// Calls `f` on every block and inline under `blocks`, in reading order.
pub fn walk<'a>(blocks: &'a [Block], f: &mut impl FnMut(Node<'a>)) {
    for b in blocks {
        f(Node::Block(b));
        let line = b.line;
        match &b.kind {
            BlockKind::Paragraph { content } | BlockKind::Heading { content, .. } => {
                walk_inlines(content, line, f)
            }
            BlockKind::BlockQuote { blocks, .. } => walk(blocks, f),
            BlockKind::List { items, .. } => {
                for item in items {
                    walk(&item.blocks, f);
                }
            }
            BlockKind::Definitions { items } => {
                for item in items {
                    walk_inlines(&item.term, line, f);
                    for d in &item.definitions {
                        walk(d, f);
                    }
                }
            }
            BlockKind::Table {
                head,
                rows,
                caption,
                ..
            } => {
                walk_inlines(caption, line, f);
                for cell in head.iter().chain(rows.iter().flatten()) {
                    walk_inlines(cell, line, f);
                }
            }
            BlockKind::Figure { caption, .. } => walk_inlines(caption, line, f),
            BlockKind::Index { index } => {
                for entry in index.entries() {
                    walk_inlines(&entry.term, line, f);
                }
            }
            BlockKind::CodeBlock { .. } | BlockKind::SceneBreak => {}
        }
    }
}

/// Calls `f` on every inline under `inlines` (on line `line`), in reading
/// order.
pub fn walk_inlines<'a>(inlines: &'a [Inline], line: u32, f: &mut impl FnMut(Node<'a>)) {
    for i in inlines {
        f(Node::Inline(i, line));
        match i {
            Inline::FootnoteRef {
                first: true,
                blocks,
                ..
            } => walk(blocks, f),
            other => {
                if let Some(content) = other.content() {
                    walk_inlines(content, line, f);
                }
            }
        }
    }
}

/// What `f` finds under `blocks`, in reading order.
pub fn query<'a, T>(blocks: &'a [Block], mut f: impl FnMut(Node<'a>) -> Option<T>) -> Vec<T> {
    let mut out = Vec::new();
    walk(blocks, &mut |n| out.extend(f(n)));
    out
}

/// Whether any node under `blocks` is one `f` accepts.
pub fn any<'a>(blocks: &'a [Block], mut f: impl FnMut(Node<'a>) -> bool) -> bool {
    let mut found = false;
    walk(blocks, &mut |n| found = found || f(n));
    found
}

/// Calls `f` on every run of inline content under `blocks` (a paragraph's,
/// a caption, a cell, a term, what emphasis or a link holds, a footnote's
/// at every reference, so that each copy is changed alike), to change
/// it; each run before the runs inside it.
pub fn walk_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Vec<Inline>)) {
    for b in blocks {
        match &mut b.kind {
            BlockKind::Paragraph { content } | BlockKind::Heading { content, .. } => {
                walk_inlines_mut(content, f)
            }
            BlockKind::Figure { caption, .. } => walk_inlines_mut(caption, f),
            BlockKind::Table {
                head,
                rows,
                caption,
                ..
            } => {
                walk_inlines_mut(caption, f);
                for cell in head.iter_mut().chain(rows.iter_mut().flatten()) {
                    walk_inlines_mut(cell, f);
                }
            }
            BlockKind::BlockQuote { blocks, .. } => walk_mut(blocks, f),
            BlockKind::List { items, .. } => {
                for item in items {
                    walk_mut(&mut item.blocks, f);
                }
            }
            BlockKind::Definitions { items } => {
                for item in items {
                    walk_inlines_mut(&mut item.term, f);
                    for d in &mut item.definitions {
                        walk_mut(d, f);
                    }
                }
            }
            BlockKind::Index { index } => {
                index.for_each_term(&mut |term| walk_inlines_mut(term, f))
            }
            BlockKind::CodeBlock { .. } | BlockKind::SceneBreak => {}
        }
    }
}

/// Calls `f` on every block under `blocks` (and the blocks a quotation,
/// a list item or a definition holds), each before the blocks inside it,
/// to change it. A footnote's blocks belong to their reference and are
/// not visited.
pub fn walk_blocks_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Block)) {
    for b in blocks {
        f(b);
        match &mut b.kind {
            BlockKind::BlockQuote { blocks, .. } => walk_blocks_mut(blocks, f),
            BlockKind::List { items, .. } => {
                for item in items {
                    walk_blocks_mut(&mut item.blocks, f);
                }
            }
            BlockKind::Definitions { items } => {
                for d in items.iter_mut().flat_map(|i| &mut i.definitions) {
                    walk_blocks_mut(d, f);
                }
            }
            _ => {}
        }
    }
}

fn walk_inlines_mut(inlines: &mut Vec<Inline>, f: &mut impl FnMut(&mut Vec<Inline>)) {
    f(inlines);
    for i in inlines.iter_mut() {
        match i {
            Inline::FootnoteRef { blocks, .. } => walk_mut(blocks, f),
            other => {
                if let Some(content) = other.content_mut() {
                    walk_inlines_mut(content, f);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ListItem;

    fn para(line: u32, content: Vec<Inline>) -> Block {
        Block {
            line,
            kind: BlockKind::Paragraph { content },
        }
    }

    /// A list holding a paragraph with emphasis and two references to one
    /// note: the walk meets each node once, in reading order, the note's
    /// text at its first reference only; the walk that changes meets
    /// every copy of it.
    #[test]
    fn every_node_once_in_reading_order() {
        let note = vec![para(9, vec![Inline::text("note")])];
        let blocks = vec![Block {
            line: 1,
            kind: BlockKind::List {
                start: None,
                items: vec![ListItem {
                    task: None,
                    blocks: vec![para(
                        2,
                        vec![
                            Inline::text("a"),
                            Inline::Emphasis {
                                content: vec![Inline::text("b")],
                            },
                            Inline::FootnoteRef {
                                number: 1,
                                first: true,
                                blocks: note.clone(),
                            },
                            Inline::FootnoteRef {
                                number: 1,
                                first: false,
                                blocks: note,
                            },
                        ],
                    )],
                }],
            },
        }];
        let texts = query(&blocks, |n| match n {
            Node::Inline(Inline::Text { text }, line) => Some(format!("{text}@{line}")),
            _ => None,
        });
        assert_eq!(texts, ["a@2", "b@2", "note@9"]);
        let mut blocks = blocks;
        let mut runs = 0;
        walk_mut(&mut blocks, &mut |run| {
            runs += 1;
            for i in run.iter_mut() {
                if let Inline::Text { text } = i {
                    text.make_ascii_uppercase();
                }
            }
        });
        // The paragraph, the emphasis, and each copy of the note.
        assert_eq!(runs, 4);
        let texts = query(&blocks, |n| match n {
            Node::Inline(Inline::Text { text }, _) => Some(text.clone()),
            _ => None,
        });
        assert_eq!(texts, ["A", "B", "NOTE"]);
    }
}
