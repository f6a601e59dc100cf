//! Markdown reader: CommonMark with tables, footnotes, strikethrough, task
//! lists, smart punctuation and heading attributes, via pulldown-cmark.
//!
//! Produces model blocks with their source lines; footnote references stay
//! as labels (`Inline::NoteLabel`) and links as written, for
//! `resolve` to settle. Raw HTML is mapped to the model where it has
//! an obvious meaning (`<br>`, `<sup>`, `<sub>`, `<em>`, …) and otherwise
//! dropped with a warning, so it can never make an output invalid.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, LineIndex, Location};
use crate::limits::{BLOCK_DEPTH, INLINE_DEPTH};
use crate::model::{
    Align, Block, BlockKind, Definition, Image, Inline, Label, LinkTarget, ListItem, Pos,
};
use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::iter::Peekable;
use std::ops::Range;
use std::path::Path;

mod cite;
mod html;
mod passes;
use cite::*;
use passes::*;

pub use crate::model::NoteDef;

pub struct MarkdownDoc {
    pub blocks: Vec<Block>,
    pub notes: BTreeMap<String, NoteDef>,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SUPERSCRIPT
        | Options::ENABLE_SUBSCRIPT
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_MATH
}

/// Parses `text[body_start..]`; line numbers count from the top of `text`.
pub fn read(text: &str, body_start: usize, file: &Path, diags: &mut Diagnostics) -> MarkdownDoc {
    let index = LineIndex::new(text);
    let body = &text[body_start..];
    let parser = Parser::new_ext(body, options()).into_offset_iter();
    let mut reader = Reader {
        events: parser.peekable(),
        text,
        base: body_start,
        index: &index,
        file,
        diags,
        notes: BTreeMap::new(),
        task: None,
        depth: 0,
        inline_depth: 0,
        flattened: 0,
        inline_flattened: 0,
        too_deep: false,
        in_quote: 0,
        at_signs: std::collections::VecDeque::new(),
        dropped: BTreeMap::new(),
    };
    let blocks = reader.blocks();
    // HTML that could not be kept: one warning a kind, at its first place.
    for (kind, (offset, count)) in std::mem::take(&mut reader.dropped) {
        let more = match count {
            1 => String::new(),
            n => format!(" ({n} times in this file)"),
        };
        let loc = reader.location(offset);
        reader.diags.push(
            Diagnostic::warning(
                Code::HtmlDropped,
                loc,
                if kind.ends_with(" element") {
                    format!("raw HTML {kind} dropped{more} with all it holds: it styles or scripts a web page, and a book has a stylesheet of its own")
                } else {
                    format!("raw HTML {kind} dropped{more}; its text is kept")
                },
            )
            .help("write it in Markdown, or with the HTML Quire keeps (see the README)"),
        );
    }
    MarkdownDoc {
        blocks,
        notes: reader.notes,
    }
}

struct Reader<'a, 'd, I: Iterator<Item = (Event<'a>, Range<usize>)>> {
    events: Peekable<I>,
    text: &'a str,
    base: usize,
    index: &'d LineIndex,
    file: &'d Path,
    diags: &'d mut Diagnostics,
    notes: BTreeMap<String, NoteDef>,
    /// A task-list marker seen in the current list item.
    task: Option<bool>,
    /// Containers (block quotes, lists, notes) open around this point.
    depth: usize,
    /// Inline markup (emphasis, links, …) open around this point.
    inline_depth: usize,
    /// Containers past the depth limit, whose content is read into the
    /// deepest allowed level instead: the ends still to meet.
    flattened: usize,
    inline_flattened: usize,
    /// The nesting error has been reported (once per file).
    too_deep: bool,
    /// How many block quotes the reader is inside.
    in_quote: u32,
    /// HTML dropped, by kind: where first, and how often.
    dropped: BTreeMap<String, (usize, usize)>,
    /// Where each `@` of the text read so far stands, with the key that
    /// follows it: the places of citations, taken as they are made.
    at_signs: std::collections::VecDeque<(String, Pos)>,
}

fn is_inline(ev: &Event) -> bool {
    match ev {
        Event::Text(_)
        | Event::Code(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::InlineHtml(_)
        | Event::FootnoteReference(_)
        | Event::TaskListMarker(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_) => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        _ => false,
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Reader<'a, '_, I> {
    fn line(&self, offset: usize) -> u32 {
        self.index.line(self.base + offset)
    }

    fn pos(&self, offset: usize) -> Pos {
        let (line, column) = self.index.line_col(self.text, self.base + offset);
        Pos { line, column }
    }

    fn location(&self, offset: usize) -> Location {
        let (line, col) = self.index.line_col(self.text, self.base + offset);
        Location::at(self.file, line, col)
    }

    /// Blocks up to the end of the current container (or of the document).
    fn blocks(&mut self) -> Vec<Block> {
        let mut blocks = Vec::new();
        while let Some((ev, range)) = self.events.peek().cloned() {
            if is_inline(&ev) {
                // Tight list items hold inline content with no paragraph.
                let line = self.line(range.start);
                let content = self.inlines();
                if !content.is_empty() {
                    blocks.push(paragraph(line, content));
                }
                continue;
            }
            self.events.next();
            let line = self.line(range.start);
            match ev {
                Event::End(_) if self.flattened > 0 => self.flattened -= 1,
                Event::End(_) => return merge_anchors(blocks),
                Event::Rule => blocks.push(Block {
                    line,
                    kind: BlockKind::SceneBreak,
                }),
                Event::Html(html) => {
                    if let Some(kind) = self.html_block(&html, range.start) {
                        blocks.push(Block { line, kind });
                    }
                }
                Event::Start(tag) => {
                    if let Some(mut kind) = self.block(tag, range.start) {
                        // `{.epigraph}` or `{.landscape}` alone after a
                        // block quote or a table is its class.
                        if let BlockKind::Paragraph { content } = &kind
                            && let [Inline::Text { text }] = content.as_slice()
                            && let Some(mut found) = classes(text)
                        {
                            match blocks.last_mut() {
                                Some(Block {
                                    kind: BlockKind::Table { classes, label, .. },
                                    ..
                                }) => {
                                    if let Some(l) = take_label(&mut found) {
                                        *label = Some(l);
                                    }
                                    classes.extend(found);
                                    continue;
                                }
                                Some(Block {
                                    kind: BlockKind::BlockQuote { classes, .. },
                                    ..
                                }) => {
                                    take_label(&mut found);
                                    classes.extend(found);
                                    continue;
                                }
                                _ => {}
                            }
                        }
                        // `Table: caption {#tbl:x}` after a table, or
                        // before one, is its caption.
                        if let BlockKind::Paragraph { content } = &kind
                            && let Some(Block {
                                kind: BlockKind::Table { caption, label, .. },
                                ..
                            }) = blocks.last_mut()
                            && caption.is_empty()
                            && let Some((text, l)) = table_caption(content)
                        {
                            *caption = text;
                            if l.is_some() {
                                *label = l;
                            }
                            continue;
                        }
                        if let BlockKind::Table { caption, label, .. } = &mut kind
                            && let Some(Block {
                                kind: BlockKind::Paragraph { content },
                                ..
                            }) = blocks.last()
                            && let Some((text, l)) = table_caption(content)
                        {
                            *caption = text;
                            if l.is_some() {
                                *label = l;
                            }
                            blocks.pop();
                        }
                        // Another processor's contents marker: the book
                        // makes its own contents.
                        if let BlockKind::Paragraph { content } = &kind
                            && matches!(
                                crate::model::plain_text(content).trim(),
                                "[TOC]" | "[[_TOC_]]" | "[[TOC]]" | "{:toc}" | "[toc]"
                            )
                        {
                            let location = self.location(range.start);
                            self.diags.warning(
                                Code::ContentsMarker,
                                location,
                                "a `[TOC]` contents marker is dropped: the book's contents are made from its chapters",
                            );
                            continue;
                        }
                        // An HTML definition list comes a term or two and
                        // its definition to a block: one list of them all.
                        if let BlockKind::Definitions { items } = &mut kind
                            && let Some(Block {
                                kind: BlockKind::Definitions { items: before },
                                ..
                            }) = blocks.last_mut()
                        {
                            before.append(items);
                            continue;
                        }
                        blocks.push(Block { line, kind });
                    }
                }
                _ => {}
            }
        }
        merge_anchors(blocks)
    }

    /// Past the depth limit, a container's start is noted (once, as an
    /// error) and its content read as if it were not there: nothing the
    /// input does can drive recursion deeper than the limit.
    fn deeper(&mut self, offset: usize, inline: bool) -> bool {
        let (depth, limit) = if inline {
            (self.inline_depth, INLINE_DEPTH)
        } else {
            (self.depth, BLOCK_DEPTH)
        };
        if depth < limit {
            return true;
        }
        if !self.too_deep {
            self.too_deep = true;
            let what = if inline {
                "inline markup (emphasis, links, …)"
            } else {
                "block quotes and lists"
            };
            self.diags.push(
                Diagnostic::error(
                    Code::NestingTooDeep,
                    self.location(offset),
                    format!("{what} nested more than {limit} deep"),
                )
                .help("no book needs this; flatten the structure"),
            );
        }
        if inline {
            self.inline_flattened += 1;
        } else {
            self.flattened += 1;
        }
        false
    }

    fn block(&mut self, tag: Tag<'a>, offset: usize) -> Option<BlockKind> {
        let line = self.line(offset);
        let container = !matches!(
            tag,
            Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::Table(_)
        );
        if container && !self.deeper(offset, false) {
            return None;
        }
        if container {
            self.depth += 1;
        }
        let kind = self.block_kind(tag, offset, line);
        if container {
            self.depth -= 1;
        }
        kind
    }

    fn block_kind(&mut self, tag: Tag<'a>, offset: usize, line: u32) -> Option<BlockKind> {
        Some(match tag {
            Tag::Paragraph => {
                let content = self.inlines();
                self.expect_end();
                return Some(paragraph(line, content).kind);
            }
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                let mut content = self.inlines();
                self.expect_end();
                let mut classes: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
                // `## Footnotes {.idx}`: the section goes in the index,
                // under the heading's words or its `key`. (`{.index}` on
                // a heading makes its chapter the index.)
                if classes.iter().any(|c| c == "idx") {
                    classes.retain(|c| c != "idx");
                    // The attributes as written (a quoted value may hold
                    // spaces, which split it into several).
                    let raw: Vec<String> = attrs
                        .iter()
                        .map(|(k, v)| match v {
                            Some(v) => format!("{k}={v}"),
                            None => k.to_string(),
                        })
                        .collect();
                    let pos = self.pos(offset);
                    match passes::heading_index_mark(&raw.join(" "), pos) {
                        Ok(mut mark) => {
                            mark.range = Some(crate::model::RangeEnd::Section);
                            content.insert(
                                0,
                                Inline::IndexTerm {
                                    mark: Box::new(mark),
                                    content: Vec::new(),
                                },
                            );
                        }
                        Err(why) => self.diags.push(
                            Diagnostic::warning(
                                Code::Index,
                                self.location(offset),
                                format!("{why}: the heading is left out of the index"),
                            )
                            .help("a heading's mark takes `key=\"…\"`, `see=\"…\"` and `seealso=\"…\"`"),
                        ),
                    }
                }
                BlockKind::Heading {
                    level: level as u8,
                    id: id.map(|s| s.to_string()).unwrap_or_default(),
                    classes,
                    content,
                }
            }
            Tag::BlockQuote(_) => {
                self.in_quote += 1;
                let mut blocks = self.blocks();
                self.in_quote -= 1;
                let classes = trailing_classes(&mut blocks);
                split_attribution(&mut blocks);
                BlockKind::BlockQuote { blocks, classes }
            }
            Tag::DefinitionList => {
                let mut items: Vec<Definition> = Vec::new();
                while let Some((ev, _)) = self.events.next() {
                    match ev {
                        Event::Start(Tag::DefinitionListTitle) => {
                            let term = self.inlines();
                            self.expect_end();
                            items.push(Definition {
                                term,
                                definitions: Vec::new(),
                            });
                        }
                        Event::Start(Tag::DefinitionListDefinition) => {
                            let blocks = self.blocks();
                            match items.last_mut() {
                                Some(item) => item.definitions.push(blocks),
                                None => items.push(Definition {
                                    term: Vec::new(),
                                    definitions: vec![blocks],
                                }),
                            }
                        }
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                BlockKind::Definitions { items }
            }
            Tag::CodeBlock(kind) => {
                let mut text = String::new();
                for (ev, _) in self.events.by_ref() {
                    match ev {
                        Event::Text(t) => text.push_str(&t),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                if text.ends_with('\n') {
                    text.pop();
                }
                let Fence {
                    language,
                    first_line,
                    caption,
                    label,
                } = match kind {
                    CodeBlockKind::Fenced(info) => fence_info(&info),
                    CodeBlockKind::Indented => Fence::default(),
                };
                // A math fence is a displayed formula.
                if language.as_deref() == Some("math") {
                    self.check_math(
                        &text,
                        offset + text_offset(&self.text[self.base + offset..]),
                    );
                    return Some(BlockKind::Paragraph {
                        content: vec![Inline::Math {
                            tex: text,
                            display: true,
                            pos: self.pos(offset),
                            label: None,
                        }],
                    });
                }
                BlockKind::CodeBlock {
                    language,
                    text,
                    first_line,
                    caption,
                    label,
                }
            }
            Tag::HtmlBlock => {
                let mut html = String::new();
                for (ev, _) in self.events.by_ref() {
                    match ev {
                        Event::Html(t) | Event::Text(t) => html.push_str(&t),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                return self.html_block(&html, offset);
            }
            Tag::List(start) => {
                let mut items = Vec::new();
                while let Some((ev, _)) = self.events.next() {
                    match ev {
                        Event::Start(Tag::Item) => {
                            self.task = None;
                            let blocks = self.blocks();
                            items.push(ListItem {
                                task: self.task.take(),
                                blocks,
                            });
                        }
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                BlockKind::List { start, items }
            }
            Tag::FootnoteDefinition(label) => {
                let blocks = self.blocks();
                let label = label.to_string();
                let location = self.location(offset);
                match self.notes.entry(label) {
                    std::collections::btree_map::Entry::Occupied(e) => self.diags.warning(
                        Code::Footnote,
                        location,
                        format!(
                            "footnote `[^{}]` is defined twice; the first definition is used",
                            e.key()
                        ),
                    ),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        e.insert(NoteDef { line, blocks });
                    }
                }
                return None;
            }
            Tag::Table(aligns) => {
                let align = aligns
                    .iter()
                    .map(|a| match a {
                        pulldown_cmark::Alignment::None => Align::None,
                        pulldown_cmark::Alignment::Left => Align::Left,
                        pulldown_cmark::Alignment::Center => Align::Center,
                        pulldown_cmark::Alignment::Right => Align::Right,
                    })
                    .collect();
                let mut head = Vec::new();
                let mut rows = Vec::new();
                while let Some((ev, _)) = self.events.next() {
                    match ev {
                        Event::Start(Tag::TableHead) => head = self.table_cells(),
                        Event::Start(Tag::TableRow) => rows.push(self.table_cells()),
                        Event::End(TagEnd::Table) => break,
                        _ => {}
                    }
                }
                // `{.landscape}` on the line right after the table is read
                // by GFM as a last row: it is the table's classes.
                let mut table_classes = Vec::new();
                if let Some(last) = rows.last()
                    && let Some((first, others)) = last.split_first()
                    && others.iter().all(|c| c.is_empty())
                    && let Some(found) = classes(&crate::model::plain_text(first))
                {
                    table_classes = found;
                    rows.pop();
                }
                let label = take_label(&mut table_classes);
                BlockKind::Table {
                    align,
                    head,
                    rows,
                    classes: table_classes,
                    caption: Vec::new(),
                    label,
                }
            }
            Tag::MetadataBlock(_) | Tag::Item => {
                self.skip_container();
                return None;
            }
            other => {
                // Any other container: keep its content as blocks.
                let _ = other;
                let blocks = self.blocks();
                return blocks.into_iter().next().map(|b| b.kind);
            }
        })
    }

    fn table_cells(&mut self) -> Vec<Vec<Inline>> {
        let mut cells = Vec::new();
        while let Some((ev, _)) = self.events.next() {
            match ev {
                Event::Start(Tag::TableCell) => {
                    cells.push(self.inlines());
                    self.expect_end();
                }
                Event::End(_) => break,
                _ => {}
            }
        }
        cells
    }

    fn skip_container(&mut self) {
        let mut depth = 1;
        for (ev, _) in self.events.by_ref() {
            match ev {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// Consumes the `End` that closes the container whose content was just read.
    fn expect_end(&mut self) {
        if let Some((Event::End(_), _)) = self.events.peek() {
            self.events.next();
        }
    }

    /// Checks a formula that starts at `offset`: a command Quire does not
    /// know is an error at its place.
    fn check_math(&mut self, tex: &str, offset: usize) {
        if let Err(e) = crate::math::parse(tex) {
            let loc = self.location(offset + e.offset);
            self.diags.push(
                Diagnostic::error(Code::MathInvalid, loc, e.message)
                    .help("Quire reads the LaTeX of textbook equations; write this one with those commands, or as an image"),
            );
        }
    }

    /// Inline content up to the end of the current inline container, or up
    /// to the next block-level event.
    fn inlines(&mut self) -> Vec<Inline> {
        let first = self.events.peek().map(|(_, r)| r.start);
        let start = first.map_or(Pos { line: 0, column: 0 }, |o| self.pos(o));
        let mut out: Vec<Inline> = Vec::new();
        // Open raw-HTML inline tags: (tag name, index in `out` where it
        // began, the tag as written).
        let mut html_open: Vec<(String, usize, String)> = Vec::new();
        // Where each `[` of the text is, for a bracketed span's place.
        let mut brackets: Vec<Pos> = Vec::new();
        while let Some((ev, range)) = self.events.peek().cloned() {
            if matches!(ev, Event::End(_)) && self.inline_flattened > 0 {
                self.events.next();
                self.inline_flattened -= 1;
                continue;
            }
            if !is_inline(&ev) {
                break;
            }
            self.events.next();
            match ev {
                Event::Start(_) if !self.deeper(range.start, true) => {}
                Event::Text(t) if &*t == "[" => {
                    let at = self.pos(range.start);
                    match self.bracket() {
                        Bracket::Note(label, rest) => {
                            out.push(Inline::NoteLabel {
                                label,
                                pos: self.pos(range.start),
                            });
                            push_text(&mut out, &rest);
                        }
                        Bracket::Text(text) => {
                            brackets.push(at);
                            push_text(&mut out, &text)
                        }
                    }
                }
                Event::Text(t) => {
                    if t.contains('[') && range.len() == t.len() {
                        for (i, _) in t.match_indices('[') {
                            brackets.push(self.pos(range.start + i));
                        }
                    }
                    if t.contains('@') && range.len() == t.len() {
                        for (i, _) in t.match_indices('@') {
                            let key = cite_key(&t[i + 1..]).to_string();
                            self.at_signs.push_back((key, self.pos(range.start + i)));
                        }
                    }
                    push_text(&mut out, &t)
                }
                Event::Code(t) => out.push(Inline::Code {
                    text: t.to_string(),
                }),
                // Math is kept exactly as written (its backslashes
                // intact) and set as its source; said once a file.
                Event::InlineMath(t) => {
                    self.check_math(&t, range.start + 1);
                    out.push(Inline::Math {
                        tex: t.to_string(),
                        display: false,
                        pos: self.pos(range.start),
                        label: None,
                    })
                }
                Event::DisplayMath(t) => {
                    self.check_math(&t, range.start + 2);
                    if !out.is_empty() {
                        out.push(Inline::LineBreak);
                    }
                    out.push(Inline::Math {
                        tex: t.to_string(),
                        display: true,
                        pos: self.pos(range.start),
                        label: None,
                    });
                    if self.events.peek().is_some_and(|(e, _)| is_inline(e)) {
                        out.push(Inline::LineBreak);
                    }
                }
                // In a quotation, a line that opens with a dash is its
                // source ("— Jules Verne"), kept on a line of its own.
                Event::SoftBreak
                    if self.in_quote > 0
                        && matches!(self.events.peek(), Some((Event::Text(t), _))
                            if t.starts_with(['\u{2014}', '\u{2015}', '\u{2013}'])) =>
                {
                    out.push(Inline::LineBreak)
                }
                // Between two Chinese or Japanese characters a line break
                // in the source is no space: those scripts put none
                // between words (CSS Text's segment break rule); nor after
                // their full-width punctuation, which has its space in it.
                Event::SoftBreak
                    if matches!(out.last(), Some(Inline::Text { text })
                        if text.chars().next_back().is_some_and(|c| is_wide_punctuation(c)
                            || (crate::typography::is_cjk(c)
                                && matches!(self.events.peek(), Some((Event::Text(t), _))
                                    if t.chars().next().is_some_and(crate::typography::is_cjk))))) =>
                    {}
                Event::SoftBreak => push_text(&mut out, " "),
                Event::HardBreak => out.push(Inline::LineBreak),
                Event::TaskListMarker(done) => self.task = Some(done),
                Event::FootnoteReference(label) => out.push(Inline::NoteLabel {
                    label: label.to_string(),
                    pos: self.pos(range.start),
                }),
                Event::InlineHtml(html) => {
                    self.inline_html(&html, range.start, &mut out, &mut html_open)
                }
                Event::Start(tag) => {
                    let pos = self.pos(range.start);
                    let inline = self.inline_container(tag, pos);
                    out.push(inline);
                }
                _ => {}
            }
        }
        // A line that opens with an anchor (`<a id="x"></a>` alone on it)
        // leaves no space at the start.
        if matches!(out.first(), Some(Inline::Anchor { .. }))
            && let Some(Inline::Text { text }) =
                out.iter_mut().find(|i| !matches!(i, Inline::Anchor { .. }))
        {
            let t = text.trim_start().to_string();
            *text = t;
        }
        out.retain(|i| !matches!(i, Inline::Text { text } if text.is_empty()));
        let mut problems = Vec::new();
        let out = cross_references(
            bracketed_spans(scripts_within_words(out), start, &brackets, &mut problems),
            start,
        );
        for (at, (code, message, help)) in problems {
            self.diags.push(
                Diagnostic::warning(code, Location::at(self.file, at.line, at.column), message)
                    .help(help),
            );
        }
        equation_labels(citations(out, start, &mut self.at_signs))
    }

    /// pulldown-cmark leaves a reference to an undefined footnote as the
    /// text `[`, `^label`, `]`. Having read the `[`, this takes the rest if
    /// it is there, so that resolution can warn about it like any other.
    fn bracket(&mut self) -> Bracket {
        // The label may come in pieces (`^` alone, then the name).
        let mut label = String::new();
        loop {
            match self.events.peek() {
                Some((Event::Text(t), _))
                    if t.starts_with(']') && label.len() > 1 && label.starts_with('^') =>
                {
                    let rest = t[1..].to_string();
                    self.events.next();
                    return Bracket::Note(label[1..].to_string(), rest);
                }
                Some((Event::Text(t), _))
                    if !t.contains(char::is_whitespace)
                        && !t.contains(']')
                        && (!label.is_empty() || t.starts_with('^'))
                        && label.len() < 1000 =>
                {
                    label.push_str(t);
                    self.events.next();
                }
                _ => return Bracket::Text(format!("[{label}")),
            }
        }
    }

    fn inline_container(&mut self, tag: Tag<'a>, pos: Pos) -> Inline {
        self.inline_depth += 1;
        let content = self.inlines();
        self.inline_depth -= 1;
        self.expect_end();
        match tag {
            Tag::Emphasis => Inline::Emphasis { content },
            Tag::Strong => Inline::Strong { content },
            Tag::Strikethrough => Inline::Strikethrough { content },
            Tag::Superscript => Inline::Superscript { content },
            Tag::Subscript => Inline::Subscript { content },
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let dest = if link_type == LinkType::Email && !dest_url.starts_with("mailto:") {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                Inline::Link {
                    target: LinkTarget::Unresolved { dest },
                    title: Some(title.to_string()).filter(|t| !t.is_empty()),
                    content,
                    pos,
                }
            }
            Tag::Image {
                dest_url, title, ..
            } => Inline::Image {
                image: Image {
                    path: String::new(),
                    dest: dest_url.to_string(),
                    alt: crate::model::plain_text(&content),
                    title: Some(title.to_string()).filter(|t| !t.trim().is_empty()),
                    pos,
                    embedded: None,
                },
            },
            _ => Inline::Emphasis { content },
        }
    }
}

/// What an opening bracket in text turned out to be.
enum Bracket {
    /// `[^label]`: a reference to a footnote that is not defined, and any
    /// text that followed the `]`.
    Note(String, String),
    Text(String),
}

/// Chinese and Japanese punctuation, full width: its space is in its
/// glyph.
fn is_wide_punctuation(c: char) -> bool {
    matches!(c as u32, 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F | 0xFF01 | 0xFF08 | 0xFF09 | 0xFF0C | 0xFF0E | 0xFF1A | 0xFF1B | 0xFF1F)
}

fn push_text(out: &mut Vec<Inline>, t: &str) {
    if t.is_empty() {
        return;
    }
    if let Some(Inline::Text { text }) = out.last_mut() {
        text.push_str(t);
    } else {
        out.push(Inline::text(t));
    }
}

/// Where a fence's text starts: after its first line.
fn text_offset(fence: &str) -> usize {
    fence.find('\n').map_or(0, |n| n + 1)
}

/// A class attribute's words that are safe in any output.
fn clean_class(c: &str) -> String {
    c.split_whitespace()
        .filter(|w| {
            w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Classes written as `{.one .two}`; an id among them (`{#fig:map}`) is
/// kept with its `#`.
fn classes(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    let classes: Vec<String> = inner
        .split_whitespace()
        .map(|c| {
            c.strip_prefix('.').map(str::to_string).or_else(|| {
                c.starts_with('#')
                    .then(|| c.to_string())
                    .filter(|c| c.len() > 1)
            })
        })
        .collect::<Option<_>>()?;
    (!classes.is_empty()).then_some(classes)
}

/// The id among `classes` (`#fig:map`), taken out as a label to number.
fn take_label(classes: &mut Vec<String>) -> Option<Label> {
    let at = classes.iter().position(|c| c.starts_with('#'))?;
    let key = classes.remove(at)[1..].to_string();
    classes.retain(|c| !c.starts_with('#'));
    Some(Label {
        key,
        id: String::new(),
        number: String::new(),
    })
}

/// A fence's language and where its line numbers start, from its info
/// string: ```` ```rust ````, ```` ```{.python .numberLines startFrom="10"} ````,
/// ```` ```c linenos ````.
#[derive(Default)]
struct Fence {
    language: Option<String>,
    first_line: Option<u32>,
    caption: Option<String>,
    label: Option<Label>,
}

fn fence_info(info: &str) -> Fence {
    let mut fence = Fence::default();
    let mut numbered = false;
    let mut start = None;
    // Words, with quoted values kept whole (`caption="The main loop"`).
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    for c in info.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c.is_whitespace() || matches!(c, '{' | '}' | ',') => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            (None, c) => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    for word in &words {
        if let Some(id) = word.strip_prefix('#') {
            if !id.is_empty() {
                fence.label = Some(Label {
                    key: id.to_string(),
                    id: String::new(),
                    number: String::new(),
                });
            }
            continue;
        }
        let w = word.trim_start_matches('.');
        if w.is_empty() {
            continue;
        }
        if let Some((key, value)) = w.split_once('=') {
            match key {
                "startFrom" | "start-from" | "linenostart" | "start" => {
                    start = value.parse::<u32>().ok();
                    numbered = true;
                }
                "caption" | "title" if !value.trim().is_empty() => {
                    fence.caption = Some(value.trim().to_string());
                }
                _ => {}
            }
            continue;
        }
        match w {
            "numberLines" | "number-lines" | "linenos" | "numbered" => numbered = true,
            _ if fence.language.is_none() => fence.language = Some(w.to_string()),
            _ => {}
        }
    }
    fence.first_line = numbered.then(|| start.unwrap_or(1));
    fence
}

/// A paragraph holding one image and nothing else (but classes after it,
/// `{.bleed}`) is a figure.
fn paragraph(line: u32, content: Vec<Inline>) -> Block {
    let meaningful: Vec<&Inline> = content
        .iter()
        .filter(|i| !matches!(i, Inline::Text { text } if text.trim().is_empty()))
        .collect();
    let figure = match meaningful.as_slice() {
        [Inline::Image { image }] => Some((image, Vec::new())),
        [Inline::Image { image }, Inline::Text { text }] => classes(text).map(|c| (image, c)),
        _ => None,
    };
    if let Some((image, mut classes)) = figure {
        let label = take_label(&mut classes);
        // A numbered figure with no title takes its description as its
        // caption, as `![A map](map.png){#fig:map}` means.
        let caption = match (&image.title, &label) {
            (Some(t), _) => vec![Inline::text(t)],
            (None, Some(_)) if !image.alt.trim().is_empty() => vec![Inline::text(&image.alt)],
            _ => Vec::new(),
        };
        return Block {
            line,
            kind: BlockKind::Figure {
                caption,
                image: image.clone(),
                classes,
                label,
            },
        };
    }
    Block {
        line,
        kind: BlockKind::Paragraph { content },
    }
}

/// A one-line metadata string (a title, a source, a subtitle) read as
/// Markdown inlines, with the body's typographic quotes and dashes. Links
/// keep only their text; a string Markdown would read as a block (`1. …`,
/// `# …`) stays as written.
pub fn inline(text: &str) -> Vec<Inline> {
    let mut diags = Diagnostics::default();
    let doc = read(text, 0, Path::new(""), &mut diags);
    match doc.blocks.as_slice() {
        [
            Block {
                kind: BlockKind::Paragraph { content },
                ..
            },
        ] => unlink(content.clone()),
        _ => vec![Inline::text(text.trim())],
    }
}

/// A metadata string as plain text: its Markdown read, its marks dropped.
pub fn inline_plain(text: &str) -> String {
    crate::model::plain_text(&inline(text)).trim().to_string()
}

fn unlink(inlines: Vec<Inline>) -> Vec<Inline> {
    inlines
        .into_iter()
        .flat_map(|i| match i {
            Inline::Link { content, .. } => unlink(content),
            Inline::Image { image } => vec![Inline::text(image.alt)],
            Inline::NoteLabel { label, .. } => vec![Inline::text(format!("[^{label}]"))],
            Inline::Emphasis { content } => vec![Inline::Emphasis {
                content: unlink(content),
            }],
            Inline::Strong { content } => vec![Inline::Strong {
                content: unlink(content),
            }],
            other => vec![other],
        })
        .collect()
}
