//! Model blocks and inlines to XHTML, for chapter documents.
//!
//! Everything written is well-formed XHTML by construction: text is
//! escaped, attributes quoted, elements closed. Footnotes become EPUB 3
//! pop-up notes: `<a epub:type="noteref">` in the text, `<aside
//! epub:type="footnote">` at the end of the chapter, each linking back.

use crate::model::{
    Align, Block, BlockKind, Book, Chapter, Inline, LinkTarget, Treatment, plain_text,
};
pub use crate::typography::{byline, provenance};
use std::collections::BTreeMap;
use std::fmt::Write;

pub use crate::xml::{clean, escape};

/// A complete XHTML document around `body`.
pub fn document(lang: &str, rtl: bool, title: &str, body_type: Option<&str>, body: &str) -> String {
    let lang = escape(lang);
    let dir = if rtl { " dir=\"rtl\"" } else { "" };
    let body_attr = body_type
        .map(|t| format!(" epub:type=\"{t}\""))
        .unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
<html{dir} xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{lang}\" lang=\"{lang}\">\n\
<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n\
<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n\
<body{body_attr}>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// Where each chapter and image lives inside the EPUB.
pub struct Paths<'a> {
    pub book: &'a Book,
    /// Image key → path inside OEBPS.
    pub images: &'a BTreeMap<String, String>,
    /// The print edition's pages, if one was made beside the EPUB.
    pub print_pages: &'a [crate::model::PageBreak],
}

impl Paths<'_> {
    pub fn chapter_file(&self, index: usize) -> String {
        format!("{}.xhtml", self.book.chapters[index].id)
    }
}

/// Writes one chapter's body.
pub struct ChapterWriter<'a> {
    paths: &'a Paths<'a>,
    chapter: usize,
    out: String,
    /// Notes in order of number: (number, blocks).
    notes: Vec<(u32, Vec<Block>)>,
    /// How many references each note has had so far.
    ref_counts: BTreeMap<u32, u32>,
    /// The print edition's page breaks in this chapter, in order.
    breaks: Vec<&'a crate::model::PageBreak>,
    /// Breaks inside the paragraph being written: (words before, label).
    pending: std::collections::VecDeque<(u32, String)>,
    /// Words begun so far in that paragraph, and whether one is open.
    words: u32,
    in_word: bool,
}

impl<'a> ChapterWriter<'a> {
    pub fn new(paths: &'a Paths<'a>, chapter: usize) -> Self {
        ChapterWriter {
            paths,
            chapter,
            out: String::new(),
            notes: Vec::new(),
            ref_counts: BTreeMap::new(),
            breaks: paths
                .print_pages
                .iter()
                .filter(|b| b.chapter == chapter)
                .collect(),
            pending: Default::default(),
            words: 0,
            in_word: false,
        }
    }

    /// The marker of a print page's start (EPUB 3's `pagebreak`), which
    /// the navigation document's page list points at.
    fn page_marker(&mut self, label: &str) {
        let _ = write!(
            self.out,
            "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-{0}\" aria-label=\"{0}\"></span>",
            escape(label)
        );
    }

    /// Text, with the markers of pages that begin at one of its words.
    fn text(&mut self, text: &str) {
        if self.pending.is_empty() {
            self.out.push_str(&escape(text));
            return;
        }
        let mut from = 0;
        for (i, c) in text.char_indices() {
            let space = c.is_whitespace();
            if !space && !self.in_word {
                while self.pending.front().is_some_and(|(w, _)| *w <= self.words) {
                    self.out.push_str(&escape(&text[from..i]));
                    from = i;
                    if let Some((_, label)) = self.pending.pop_front() {
                        self.page_marker(&label);
                    }
                }
                self.words += 1;
            }
            self.in_word = !space;
        }
        self.out.push_str(&escape(&text[from..]));
    }

    pub fn chapter(mut self, ch: &Chapter) -> String {
        let role = ch.role;
        let mut attrs = String::new();
        if let Some(t) = role.epub_type() {
            let _ = write!(attrs, " epub:type=\"{t}\"");
        }
        if let Some(r) = role.aria_role() {
            let _ = write!(attrs, " role=\"{r}\"");
        }
        let class = role_class(role);
        if !class.is_empty() {
            let _ = write!(attrs, " class=\"{class}\"");
        }
        if role.has_heading() {
            let _ = write!(attrs, " aria-labelledby=\"{}\"", escape(&ch.title_id));
        } else {
            // No heading carries the chapter's id: its section does, so
            // that a link to the chapter lands.
            let _ = write!(attrs, " id=\"{}\"", escape(&ch.title_id));
            if !ch.title.is_empty() {
                let _ = write!(attrs, " aria-label=\"{}\"", escape(&plain_text(&ch.title)));
            }
        }
        let _ = writeln!(self.out, "<section{attrs}>");
        let opening: Vec<String> = self
            .breaks
            .iter()
            .filter(|b| b.at.is_none())
            .map(|b| b.label.clone())
            .collect();
        for label in opening {
            self.page_marker(&label);
        }
        if role.has_heading() {
            self.out.push_str("<header>\n");
            let h = ch.title_level();
            let _ = write!(self.out, "<h{h} id=\"{}\">", escape(&ch.title_id));
            if let Some(label) = &ch.label {
                let _ = write!(self.out, "<span class=\"label\">{}</span> ", escape(label));
            }
            let _ = write!(self.out, "<span class=\"title\">");
            self.inlines(&ch.title);
            let _ = writeln!(self.out, "</span></h{h}>");
        } else if ch.article.is_some() {
            self.out.push_str("<header>\n");
        }
        if let Some(a) = &ch.article {
            if let Some(sub) = &a.subtitle {
                self.out.push_str("<p class=\"subtitle\">");
                self.inlines(sub);
                self.out.push_str("</p>\n");
            }
            let lang = self.lang().to_string();
            if !a.authors.is_empty() {
                let _ = writeln!(
                    self.out,
                    "<p class=\"byline\">{}</p>",
                    escape(&byline(&a.authors, &lang))
                );
            }
            for credit in crate::typography::contributor_credits(&a.contributors, &lang) {
                let _ = writeln!(self.out, "<p class=\"credit\">{}</p>", escape(&credit));
            }
            let date = a
                .date
                .as_deref()
                .map(|d| crate::typography::human_date(d, &lang));
            if let Some(line) = provenance(a.source.as_deref(), date.as_deref(), &lang) {
                self.out.push_str("<p class=\"source\">");
                self.inlines(&line);
                self.out.push_str("</p>\n");
            }
        }
        if role.has_heading() || ch.article.is_some() {
            self.out.push_str("</header>\n");
        }
        if role == crate::model::ChapterRole::Epigraph {
            // An epigraph is short: the pages that begin in it begin here.
            let inside: Vec<String> = self
                .breaks
                .iter()
                .filter(|b| b.at.is_some())
                .map(|b| b.label.clone())
                .collect();
            for label in inside {
                self.page_marker(&label);
            }
            self.quoted(&ch.blocks, true);
            self.footnotes();
            self.out.push_str("</section>\n");
            return self.out;
        }
        for (i, block) in ch.blocks.iter().enumerate() {
            // Pages that begin in this block: at its start, or (in a
            // paragraph) at the word they begin with.
            let here: Vec<(u32, String)> = self
                .breaks
                .iter()
                .filter_map(|b| b.at.filter(|a| a.0 == i).map(|a| (a.1, b.label.clone())))
                .collect();
            let paragraph = matches!(block.kind, BlockKind::Paragraph { .. });
            // (In an index, at the entry they begin with.)
            let index = matches!(block.kind, BlockKind::Index { .. });
            for (w, label) in &here {
                if *w == 0 || !(paragraph || index) {
                    self.page_marker(label);
                }
            }
            if paragraph || index {
                self.pending = here.into_iter().filter(|(w, _)| *w > 0).collect();
                self.words = 0;
                self.in_word = false;
            }
            self.block(block);
            self.pending.clear();
        }
        if let Some(a) = &ch.article
            && !a.author_note.is_empty()
        {
            self.out.push_str("<footer class=\"author-note\">\n");
            self.blocks(&a.author_note);
            self.out.push_str("</footer>\n");
        }
        self.footnotes();
        self.out.push_str("</section>\n");
        self.out
    }

    fn footnotes(&mut self) {
        let notes = std::mem::take(&mut self.notes);
        for (n, blocks) in notes {
            let _ = writeln!(
                self.out,
                "<aside id=\"note-{n}\" class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\">"
            );
            let back = format!(
                "<a class=\"note-number\" href=\"#noteref-{n}\" role=\"doc-backlink\">{n}.</a> "
            );
            match blocks.split_first() {
                Some((
                    Block {
                        kind: BlockKind::Paragraph { content },
                        ..
                    },
                    rest,
                )) => {
                    self.out.push_str("<p>");
                    self.out.push_str(&back);
                    self.inlines(content);
                    self.out.push_str("</p>\n");
                    self.blocks(rest);
                }
                _ => {
                    let _ = writeln!(self.out, "<p>{back}</p>");
                    self.blocks(&blocks);
                }
            }
            self.out.push_str("</aside>\n");
        }
    }

    fn lang(&self) -> &str {
        &self.paths.book.meta.language
    }

    pub fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            self.block(b);
        }
    }

    /// An epigraph's or a quotation's blocks; an epigraph's source (its
    /// last paragraph, opening with a dash) is marked as such.
    fn quoted(&mut self, blocks: &[Block], epigraph: bool) {
        let source = match blocks.last() {
            Some(b) if epigraph && crate::model::is_attribution(b) => Some(b),
            _ => None,
        };
        let body = &blocks[..blocks.len() - usize::from(source.is_some())];
        self.blocks(body);
        if let Some(Block {
            kind: BlockKind::Paragraph { content },
            ..
        }) = source
        {
            self.out.push_str("<p class=\"attribution\">");
            self.inlines(content);
            self.out.push_str("</p>\n");
        }
    }

    fn block(&mut self, block: &Block) {
        match &block.kind {
            BlockKind::Heading {
                level,
                id,
                classes,
                content,
            } => {
                let level = (*level).clamp(2, 6);
                let class = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", escape(&classes.join(" ")))
                };
                let _ = write!(self.out, "<h{level} id=\"{}\"{class}>", escape(id));
                self.inlines(content);
                let _ = writeln!(self.out, "</h{level}>");
            }
            BlockKind::Paragraph { content } => {
                self.out.push_str("<p>");
                self.inlines(content);
                // A page that begins past the words this paragraph turned
                // out to have begins at its end.
                while let Some((_, label)) = self.pending.pop_front() {
                    self.page_marker(&label);
                }
                self.out.push_str("</p>\n");
            }
            BlockKind::BlockQuote { blocks, classes } => {
                if classes.is_empty() {
                    self.out.push_str("<blockquote>\n");
                } else {
                    let _ = writeln!(
                        self.out,
                        "<blockquote class=\"{}\">",
                        escape(&classes.join(" "))
                    );
                }
                let epigraph = block.kind.asks(Treatment::Epigraph);
                self.quoted(blocks, epigraph);
                self.out.push_str("</blockquote>\n");
            }
            BlockKind::Definitions { items } => {
                self.out.push_str("<dl>\n");
                for item in items {
                    self.out.push_str("<dt>");
                    self.inlines(&item.term);
                    self.out.push_str("</dt>\n");
                    for d in &item.definitions {
                        self.out.push_str("<dd>");
                        match d.as_slice() {
                            [
                                Block {
                                    kind: BlockKind::Paragraph { content },
                                    ..
                                },
                            ] => self.inlines(content),
                            blocks => {
                                self.out.push('\n');
                                self.blocks(blocks);
                            }
                        }
                        self.out.push_str("</dd>\n");
                    }
                }
                self.out.push_str("</dl>\n");
            }
            BlockKind::List { start, items } => {
                let tag = if start.is_some() { "ol" } else { "ul" };
                match start {
                    Some(s) if *s != 1 => {
                        let _ = writeln!(self.out, "<ol start=\"{s}\">");
                    }
                    _ => {
                        let _ = writeln!(self.out, "<{tag}>");
                    }
                }
                for item in items {
                    match item.task {
                        Some(done) => {
                            let (mark, label) = if done {
                                ("☒", "done")
                            } else {
                                ("☐", "not done")
                            };
                            let _ = write!(
                                self.out,
                                "<li class=\"task\"><span class=\"task-box\" role=\"img\" aria-label=\"{label}\">{mark}</span> "
                            );
                        }
                        None => self.out.push_str("<li>"),
                    }
                    // A one-paragraph item is written without <p>, as a
                    // tight list looks in print.
                    match item.blocks.as_slice() {
                        [
                            Block {
                                kind: BlockKind::Paragraph { content },
                                ..
                            },
                        ] => self.inlines(content),
                        blocks => {
                            self.out.push('\n');
                            self.blocks(blocks);
                        }
                    }
                    self.out.push_str("</li>\n");
                }
                let _ = writeln!(self.out, "</{tag}>");
            }
            BlockKind::CodeBlock {
                language,
                text,
                first_line,
                caption,
                label,
            } => {
                let listing = caption.is_some() || label.is_some();
                if listing {
                    self.open_numbered("figure", label.as_ref(), &["listing".to_string()]);
                    self.out.push_str("<figcaption>");
                    self.caption_label(label.as_ref(), caption.is_some());
                    if let Some(c) = caption {
                        self.text(c);
                    }
                    self.out.push_str("</figcaption>\n");
                }
                let class = language
                    .as_ref()
                    .map(|l| format!(" class=\"language-{}\"", escape(l)))
                    .unwrap_or_default();
                let spans = match language {
                    Some(l) if !self.paths.book.options.style.plain_code => {
                        crate::highlight::highlight(l, text)
                    }
                    _ => Vec::new(),
                };
                match first_line {
                    // Numbers from a counter, so that they are not copied
                    // with the code.
                    Some(n) => {
                        let _ = write!(
                            self.out,
                            "<pre class=\"numbered\" style=\"counter-reset: line {}\"><code{class}>",
                            n.saturating_sub(1)
                        );
                        code_html(&mut self.out, text, &spans, true);
                    }
                    None => {
                        let _ = write!(self.out, "<pre><code{class}>");
                        code_html(&mut self.out, text, &spans, false);
                    }
                }
                self.out.push_str("</code></pre>\n");
                if listing {
                    self.out.push_str("</figure>\n");
                }
            }
            BlockKind::Table {
                align,
                head,
                rows,
                classes,
                caption,
                label,
            } => {
                self.open_numbered("table", label.as_ref(), classes);
                if !caption.is_empty() || label.is_some() {
                    self.out.push_str("<caption>");
                    self.caption_label(label.as_ref(), !caption.is_empty());
                    self.inlines(caption);
                    self.out.push_str("</caption>\n");
                }
                if !head.is_empty() {
                    self.out.push_str("<thead>\n");
                    self.row(head, align, "th");
                    self.out.push_str("</thead>\n");
                }
                self.out.push_str("<tbody>\n");
                for row in rows {
                    self.row(row, align, "td");
                }
                self.out.push_str("</tbody>\n</table>\n");
            }
            BlockKind::Figure {
                image,
                caption,
                classes,
                label,
            } => {
                self.open_numbered("figure", label.as_ref(), classes);
                self.image(&image.path, &image.alt, None);
                self.out.push('\n');
                if !caption.is_empty() || label.is_some() {
                    self.out.push_str("<figcaption>");
                    self.caption_label(label.as_ref(), !caption.is_empty());
                    self.inlines(caption);
                    self.out.push_str("</figcaption>\n");
                }
                self.out.push_str("</figure>\n");
            }
            BlockKind::SceneBreak => self.out.push_str("<hr class=\"scene-break\"/>\n"),
            BlockKind::Index { index } => self.index(index),
        }
    }

    /// The index, marked up as EPUB Indexes 1.0 has it: a group for each
    /// letter, a list of entries, each entry's term, its places (linked
    /// by the title of the section each is in, one link a section) and
    /// its cross-references, and its sub-entries in a list of their own.
    fn index(&mut self, index: &crate::model::Index) {
        let mut marks = std::mem::take(&mut self.pending);
        let mut count = 0;
        for group in &index.groups {
            self.out
                .push_str("<section class=\"index-group\" epub:type=\"index-group\">\n");
            if let Some(letter) = &group.letter {
                let _ = writeln!(self.out, "<h2>{}</h2>", escape(letter));
            }
            self.index_entries(&group.entries, 0, &mut marks, &mut count);
            self.out.push_str("</section>\n");
        }
    }

    /// `marks`: the print pages that begin at an entry, by the number of
    /// entries before it; `count`: the entries written so far.
    fn index_entries(
        &mut self,
        entries: &[crate::model::IndexEntry],
        depth: usize,
        marks: &mut std::collections::VecDeque<(u32, String)>,
        count: &mut u32,
    ) {
        self.out
            .push_str("<ul class=\"index-entries\" epub:type=\"index-entry-list\">\n");
        for e in entries {
            let _ = write!(
                self.out,
                "<li id=\"{}\" epub:type=\"index-entry\">",
                escape(&e.id)
            );
            // A print page that begins with this entry.
            while marks.front().is_some_and(|(w, _)| *w <= *count) {
                if let Some((_, label)) = marks.pop_front() {
                    self.page_marker(&label);
                }
            }
            *count += 1;
            self.out.push_str("<span epub:type=\"index-term\">");
            self.inlines(&e.term);
            self.out.push_str("</span>");
            let mut seen: Vec<(usize, &str)> = Vec::new();
            for l in &e.locators {
                if seen.contains(&(l.chapter, l.section.as_str())) {
                    continue;
                }
                seen.push((l.chapter, l.section.as_str()));
                let file = if l.chapter == self.chapter {
                    String::new()
                } else {
                    self.paths.chapter_file(l.chapter)
                };
                let words = if l.section.trim().is_empty() {
                    crate::model::plain_text(&self.paths.book.chapters[l.chapter].title)
                } else {
                    l.section.clone()
                };
                let _ = write!(
                    self.out,
                    ", <a epub:type=\"index-locator\" href=\"{file}#{}\">{}</a>",
                    escape(&l.id),
                    escape(words.trim())
                );
            }
            for x in e.cross_references(depth, self.lang()) {
                let kind = if x.related {
                    "index-xref-related"
                } else {
                    "index-xref-preferred"
                };
                let _ = write!(self.out, "{}<em>{}</em> ", x.open, escape(&x.label));
                for (n, (words, id)) in x.targets.iter().enumerate() {
                    if n > 0 {
                        self.out.push_str("; ");
                    }
                    match id {
                        Some(id) => {
                            let _ = write!(
                                self.out,
                                "<a epub:type=\"{kind}\" href=\"#{}\">{}</a>",
                                escape(id),
                                escape(words)
                            );
                        }
                        None => self.text(words),
                    }
                }
                self.out.push_str(x.close);
            }
            if !e.subentries.is_empty() {
                self.out.push('\n');
                self.index_entries(&e.subentries, depth + 1, marks, count);
            }
            self.out.push_str("</li>\n");
        }
        self.out.push_str("</ul>\n");
    }

    fn row(&mut self, cells: &[Vec<Inline>], align: &[Align], tag: &str) {
        self.out.push_str("<tr>");
        for (i, cell) in cells.iter().enumerate() {
            let class = match align.get(i) {
                Some(Align::Left) => " class=\"left\"",
                Some(Align::Center) => " class=\"center\"",
                Some(Align::Right) => " class=\"right\"",
                _ => "",
            };
            let _ = write!(self.out, "<{tag}{class}>");
            self.inlines(cell);
            let _ = write!(self.out, "</{tag}>");
        }
        self.out.push_str("</tr>\n");
    }

    fn image(&mut self, key: &str, alt: &str, class: Option<&str>) {
        let src = self.paths.images.get(key).cloned().unwrap_or_default();
        let class = class.map(|c| format!(" class=\"{c}\"")).unwrap_or_default();
        let _ = write!(
            self.out,
            "<img src=\"{}\" alt=\"{}\"{class}/>",
            escape(&src),
            escape(alt)
        );
    }

    pub fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            self.inline(inline);
        }
    }

    /// The opening tag of a figure, table or listing: its label's id and
    /// its classes.
    fn open_numbered(
        &mut self,
        tag: &str,
        label: Option<&crate::model::Label>,
        classes: &[String],
    ) {
        let _ = write!(self.out, "<{tag}");
        if !classes.is_empty() {
            let _ = write!(self.out, " class=\"{}\"", escape(&classes.join(" ")));
        }
        if let Some(l) = label {
            let _ = write!(self.out, " id=\"{}\"", escape(&l.id));
        }
        self.out.push_str(">\n");
    }

    /// "Figure 3.2: " at the head of a caption (no colon when the caption
    /// is only the number).
    fn caption_label(&mut self, label: Option<&crate::model::Label>, more: bool) {
        if let Some(l) = label {
            let sep = if more {
                crate::typography::label_separator(self.lang())
            } else {
                ""
            };
            let _ = write!(
                self.out,
                "<span class=\"caption-label\">{}</span>{sep}",
                escape(&l.number),
            );
        }
    }

    fn wrap(&mut self, tag: &str, content: &[Inline]) {
        let _ = write!(self.out, "<{tag}>");
        self.inlines(content);
        let _ = write!(self.out, "</{tag}>");
    }

    fn inline(&mut self, inline: &Inline) {
        match inline {
            Inline::Text { text } => self.text(text),
            Inline::Emphasis { content } => self.wrap("em", content),
            Inline::Strong { content } => self.wrap("strong", content),
            Inline::Strikethrough { content } => self.wrap("del", content),
            Inline::Superscript { content } => self.wrap("sup", content),
            Inline::Subscript { content } => self.wrap("sub", content),
            Inline::Span {
                kind,
                class,
                title,
                lang,
                content,
            } => {
                let tag = kind.element();
                let _ = write!(self.out, "<{tag}");
                if let Some(c) = class {
                    let _ = write!(self.out, " class=\"{}\"", escape(c));
                }
                if let Some(l) = lang {
                    let l = escape(l);
                    let _ = write!(self.out, " xml:lang=\"{l}\" lang=\"{l}\"");
                }
                if let Some(t) = title {
                    let _ = write!(self.out, " title=\"{}\"", escape(t));
                }
                self.out.push('>');
                self.inlines(content);
                let _ = write!(self.out, "</{tag}>");
            }
            Inline::Ref { key, .. } => self.text(&format!("[@{key}]")),
            Inline::Cite { cite } => self.text(&cite.raw),
            Inline::Math {
                tex,
                display,
                label,
                ..
            } => match crate::math::parse(tex) {
                Ok(node) => {
                    // A numbered equation carries its id and number.
                    let label = label.as_ref().map(|l| {
                        let number = l.number.rsplit('\u{a0}').next().unwrap_or("");
                        (l.id.as_str(), number)
                    });
                    let m = crate::math::numbered_mathml(&node, tex, *display, label);
                    self.out.push_str(&m);
                }
                // Reported when the book was read; the source stands in.
                Err(_) => {
                    self.out.push_str("<code class=\"math\">");
                    self.text(tex);
                    self.out.push_str("</code>");
                }
            },
            Inline::Anchor { id } => {
                let _ = write!(self.out, "<span id=\"{}\"></span>", escape(id));
            }
            // Resolution made every mark an anchor; its words stay.
            Inline::IndexTerm { content, .. } => self.inlines(content),
            Inline::Code { text } => {
                self.out.push_str("<code>");
                self.text(text);
                self.out.push_str("</code>");
            }
            Inline::Link {
                target,
                title,
                content,
                ..
            } => {
                let href = match target {
                    LinkTarget::External { url } => url.clone(),
                    LinkTarget::Internal { chapter, id } => {
                        let file = if *chapter == self.chapter {
                            String::new()
                        } else {
                            self.paths.chapter_file(*chapter)
                        };
                        match id {
                            Some(id) => format!("{file}#{id}"),
                            None if file.is_empty() => {
                                format!("#{}", self.paths.book.chapters[*chapter].title_id)
                            }
                            None => file,
                        }
                    }
                    // Resolution replaced every unresolved link; should one
                    // remain, its words are kept without a link.
                    LinkTarget::Unresolved { .. } => {
                        self.inlines(content);
                        return;
                    }
                };
                let title = title
                    .as_ref()
                    .map(|t| format!(" title=\"{}\"", escape(t)))
                    .unwrap_or_default();
                let _ = write!(self.out, "<a href=\"{}\"{title}>", escape(&href));
                self.inlines(content);
                self.out.push_str("</a>");
            }
            Inline::Image { image } => self.image(&image.path, &image.alt, Some("inline")),
            Inline::FootnoteRef {
                number,
                first,
                blocks,
            } => {
                let count = self.ref_counts.entry(*number).or_insert(0);
                *count += 1;
                let id = if *count == 1 {
                    format!("noteref-{number}")
                } else {
                    format!("noteref-{number}-{count}")
                };
                if *first {
                    self.notes.push((*number, blocks.clone()));
                }
                let _ = write!(
                    self.out,
                    "<a id=\"{id}\" class=\"noteref\" href=\"#note-{number}\" epub:type=\"noteref\" role=\"doc-noteref\">{number}</a>"
                );
            }
            Inline::LineBreak => {
                self.in_word = false;
                self.out.push_str("<br/>")
            }
            Inline::NoteLabel { label, .. } => self.out.push_str(&escape(&format!("[^{label}]"))),
        }
    }
}

/// The class a chapter's section carries for its role's styling.
pub fn role_class(role: crate::model::ChapterRole) -> &'static str {
    use crate::model::ChapterRole::*;
    match role {
        Part => "part",
        Dedication => "dedication",
        Epigraph => "epigraph",
        Appendix => "appendix",
        Opening => "opening",
        AboutTheAuthor => "about-the-author",
        AlsoBy => "also-by",
        Bibliography => "bibliography",
        Index => "index",
        _ => "",
    }
}

/// Code with its highlighted tokens as classed spans; `lines`: each line
/// in a span of its own (for line numbers). A token that runs over lines
/// (a block comment) is closed and reopened at each line's end.
fn code_html(out: &mut String, text: &str, spans: &[crate::highlight::Span], lines: bool) {
    let mut spans = spans.iter().peekable();
    let mut offset = 0;
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if lines {
            out.push_str("<span class=\"line\">");
        }
        let end = offset + line.len();
        let mut at = offset;
        while at < end {
            // The next token that reaches into this line.
            while spans.peek().is_some_and(|(r, _)| r.end <= at) {
                spans.next();
            }
            match spans.peek() {
                Some((r, tok)) if r.start < end => {
                    let s = r.start.max(at);
                    out.push_str(&escape(&text[at..s]));
                    let e = r.end.min(end);
                    let _ = write!(
                        out,
                        "<span class=\"{}\">{}</span>",
                        tok.class(),
                        escape(&text[s..e])
                    );
                    at = e;
                }
                _ => {
                    out.push_str(&escape(&text[at..end]));
                    at = end;
                }
            }
        }
        if lines {
            out.push_str("</span>");
        }
        offset = end + 1;
    }
}
