//! Footnotes resolved: each label's definition found and numbered, notes
//! inside notes taken out with a warning.

use super::*;

pub(super) struct Notes<'a> {
    pub(super) defs: &'a BTreeMap<String, NoteDef>,
    pub(super) numbers: BTreeMap<String, u32>,
    /// The number before the first: a section that runs on numbers its
    /// notes on from its chapter's.
    pub(super) base: u32,
    pub(super) file: &'a Path,
    pub(super) diags: &'a mut Diagnostics,
    /// Reading a note's own text: references here cannot become notes.
    pub(super) nested: bool,
}

impl Notes<'_> {
    pub(super) fn blocks(&mut self, blocks: &mut [Block]) {
        for block in blocks {
            match &mut block.kind {
                BlockKind::Heading { content, .. } | BlockKind::Paragraph { content } => {
                    self.inlines(content)
                }
                BlockKind::BlockQuote { blocks, .. } => self.blocks(blocks),
                BlockKind::List { items, .. } => {
                    for item in items {
                        self.blocks(&mut item.blocks);
                    }
                }
                BlockKind::Definitions { items } => {
                    for item in items {
                        self.inlines(&mut item.term);
                        for d in &mut item.definitions {
                            self.blocks(d);
                        }
                    }
                }
                BlockKind::Table { head, rows, .. } => {
                    for cell in head.iter_mut().chain(rows.iter_mut().flatten()) {
                        self.inlines(cell);
                    }
                }
                BlockKind::Figure { caption, .. } => self.inlines(caption),
                _ => {}
            }
        }
    }

    pub(super) fn inlines(&mut self, inlines: &mut [Inline]) {
        for inline in inlines.iter_mut() {
            match inline {
                Inline::NoteLabel { label, pos } => {
                    let pos = *pos;
                    let label = label.clone();
                    *inline = match self.defs.get(&label) {
                        Some(def) => {
                            let next = self.base + self.numbers.len() as u32 + 1;
                            let first = !self.numbers.contains_key(&label);
                            let number = *self.numbers.entry(label.clone()).or_insert(next);
                            Inline::FootnoteRef {
                                number,
                                first,
                                blocks: def.blocks.clone(),
                            }
                        }
                        None => {
                            let why = if self.nested {
                                "is inside another footnote, where notes cannot go"
                            } else {
                                "is not defined"
                            };
                            self.diags.warning(
                                Code::Footnote,
                                Location::at(self.file, pos.line, pos.column),
                                format!("footnote `[^{label}]` {why}; kept as text"),
                            );
                            Inline::text(format!("[^{label}]"))
                        }
                    };
                }
                Inline::Link { content, .. }
                | Inline::Emphasis { content }
                | Inline::Strong { content }
                | Inline::Strikethrough { content }
                | Inline::Superscript { content }
                | Inline::Span { content, .. }
                | Inline::Subscript { content } => self.inlines(content),
                _ => {}
            }
        }
    }
}

/// A note inside a note has nowhere to go in print or on screen.
pub(super) fn strip_nested_notes(blocks: &mut [Block], file: &Path, diags: &mut Diagnostics) {
    let mut n = Notes {
        defs: &BTreeMap::new(),
        numbers: BTreeMap::new(),
        base: 0,
        file,
        diags,
        nested: true,
    };
    n.blocks(blocks);
}
