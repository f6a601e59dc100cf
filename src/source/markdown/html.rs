//! HTML inside Markdown: blocks and inline tags read into the model,
//! tables of simple cells, and what is dropped said so.

use super::*;

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Reader<'a, '_, I> {
    /// An HTML block: its text, with the inline HTML the model keeps, as
    /// a paragraph (lines where its blocks end); grouping tags pass, and
    /// each other kind of tag is reported once.
    pub(super) fn html_block(&mut self, html: &str, offset: usize) -> Option<BlockKind> {
        let lead = html.len() - html.trim_start().len();
        if html
            .trim_start()
            .get(..6)
            .is_some_and(|t| t.eq_ignore_ascii_case("<table"))
            && let Some(table) = self.html_table(&html[lead..], offset + lead)
        {
            return Some(table);
        }
        if let Some(list) = self.html_definitions(&html[lead..], offset + lead) {
            return Some(list);
        }
        let out = self.html_inlines(html, offset);
        self.html_block_of(out)
    }

    /// HTML terms and definitions (`<dl>`, `<dt>`, `<dd>`, as generated
    /// manual pages have them): each `<dt>` a term (its `id` a link
    /// target; terms in a row one term, joined by commas), each `<dd>` a
    /// definition of the term before it. `None` when the block holds none.
    pub(super) fn html_definitions(&mut self, html: &str, offset: usize) -> Option<BlockKind> {
        let lower = html.to_ascii_lowercase();
        let opens = |k: usize, name: &str| {
            lower[k..].starts_with(name)
                && lower[k + name.len()..].starts_with(|c: char| c == '>' || c.is_whitespace())
        };
        let starts = lower.trim_start();
        if !(starts.starts_with("<dl") || starts.starts_with("<dt") || starts.starts_with("<dd")) {
            return None;
        }
        let mut items: Vec<Definition> = Vec::new();
        let mut term_open = false;
        let mut at = 0;
        while let Some(k) = lower[at..].find('<').map(|k| at + k) {
            let (is_term, name) = if opens(k, "<dt") {
                (true, "dt")
            } else if opens(k, "<dd") {
                (false, "dd")
            } else {
                at = k + 1;
                continue;
            };
            let Some(gt) = lower[k..].find('>').map(|g| k + g) else {
                break;
            };
            let tag = &html[k..=gt];
            // Its content runs to its end tag, or to the next term or
            // definition, or to the end of the block.
            let inner = gt + 1;
            let close = format!("</{name}>");
            // The first tag that ends it, found in one pass (each search
            // to the block's end would make a long list quadratic).
            let end = lower[inner..]
                .match_indices('<')
                .map(|(e, _)| inner + e)
                .find(|&e| {
                    let t = &lower[e..];
                    t.starts_with(&close)
                        || t.starts_with("<dt")
                        || t.starts_with("<dd")
                        || t.starts_with("</dl>")
                })
                .unwrap_or(html.len());
            let mut content = Vec::new();
            if let Some(id) = attr(tag, "id") {
                content.push(Inline::Anchor { id });
            }
            content.extend(self.html_inlines(&html[inner..end], offset + inner));
            if is_term {
                match items.last_mut() {
                    Some(item) if term_open && item.definitions.is_empty() => {
                        item.term.push(Inline::text(", "));
                        item.term.extend(content);
                    }
                    _ => items.push(Definition {
                        term: content,
                        definitions: Vec::new(),
                    }),
                }
                term_open = true;
            } else {
                let line = self.line(offset + inner);
                let blocks = self
                    .html_block_of(content)
                    .map(|kind| vec![Block { line, kind }])
                    .unwrap_or_default();
                match items.last_mut() {
                    Some(item) => item.definitions.push(blocks),
                    None => items.push(Definition {
                        term: Vec::new(),
                        definitions: vec![blocks],
                    }),
                }
                term_open = false;
            }
            at = if lower[end..].starts_with(&close) {
                end + close.len()
            } else {
                end
            };
        }
        (!items.is_empty()).then_some(BlockKind::Definitions { items })
    }

    /// An HTML table of simple cells: its rows, a first row of `<th>` as
    /// its head, its `<caption>`. `None` when it holds no row.
    pub(super) fn html_table(&mut self, html: &str, offset: usize) -> Option<BlockKind> {
        let lower = html.to_ascii_lowercase();
        // The inner HTML of each `<name …>…</name>` in `range`, with its
        // offset.
        fn elements(lower: &str, range: std::ops::Range<usize>, name: &str) -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            let mut at = range.start;
            let open = format!("<{name}");
            let close = format!("</{name}>");
            while let Some(k) = lower[at..range.end].find(&open) {
                let start = at + k;
                let after = lower[start + open.len()..].chars().next();
                if !after.is_some_and(|c| c == '>' || c.is_whitespace()) {
                    at = start + open.len();
                    continue;
                }
                let Some(gt) = lower[start..range.end].find('>') else {
                    break;
                };
                let inner = start + gt + 1;
                let end = lower[inner..range.end]
                    .find(&close)
                    .map_or(range.end, |e| inner + e);
                out.push((inner, end));
                at = (end + close.len()).min(range.end);
            }
            out
        }
        let caption = elements(&lower, 0..html.len(), "caption")
            .first()
            .map(|&(a, b)| self.html_inlines(&html[a..b], offset + a))
            .unwrap_or_default();
        let mut head: Vec<Vec<Inline>> = Vec::new();
        let mut rows: Vec<Vec<Vec<Inline>>> = Vec::new();
        for (r0, r1) in elements(&lower, 0..html.len(), "tr") {
            let mut cells: Vec<(usize, usize, bool)> = elements(&lower, r0..r1, "td")
                .into_iter()
                .map(|(a, b)| (a, b, false))
                .chain(
                    elements(&lower, r0..r1, "th")
                        .into_iter()
                        .map(|(a, b)| (a, b, true)),
                )
                .collect();
            cells.sort_by_key(|c| c.0);
            let all_head = !cells.is_empty() && cells.iter().all(|c| c.2);
            let row: Vec<Vec<Inline>> = cells
                .iter()
                .map(|&(a, b, _)| self.html_inlines(&html[a..b], offset + a))
                .collect();
            if all_head && head.is_empty() && rows.is_empty() {
                head = row;
            } else {
                rows.push(row);
            }
        }
        if head.is_empty() && rows.is_empty() {
            return None;
        }
        let cols = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
        Some(BlockKind::Table {
            align: vec![Align::None; cols],
            head,
            rows,
            classes: Vec::new(),
            caption: caption
                .into_iter()
                .filter(|i| !matches!(i, Inline::LineBreak))
                .collect(),
            label: None,
        })
    }

    /// The inline content of some HTML: its text, with the inline HTML the
    /// model keeps, a line break where a block of it ends.
    pub(super) fn html_inlines(&mut self, html: &str, offset: usize) -> Vec<Inline> {
        let mut out: Vec<Inline> = Vec::new();
        let mut open: Vec<(String, usize, String)> = Vec::new();
        let mut rest = html;
        let mut at = offset;
        while !rest.is_empty() {
            if rest.starts_with("<!--") {
                let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
                at += end;
                rest = &rest[end..];
                continue;
            }
            let looks_like_tag = rest.starts_with('<')
                && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
            if looks_like_tag && let Some(end) = rest.find('>') {
                let tag = &rest[..=end];
                let name = tag_name(tag);
                // A style sheet or a script is not text: it goes, with
                // everything up to its end tag.
                if !tag.starts_with("</") && matches!(name.as_str(), "style" | "script") {
                    self.drop_html(format!("<{name}> element"), at);
                    let close = format!("</{name}");
                    let upto = rest
                        .char_indices()
                        .find(|&(i, _)| {
                            rest[i..]
                                .get(..close.len())
                                .is_some_and(|t| t.eq_ignore_ascii_case(&close))
                        })
                        .map_or(rest.len(), |(i, _)| {
                            rest[i..].find('>').map_or(rest.len(), |g| i + g + 1)
                        });
                    at += upto;
                    rest = &rest[upto..];
                    continue;
                }
                const ENDS_A_LINE: &[&str] = &[
                    "p",
                    "div",
                    "li",
                    "summary",
                    "h1",
                    "h2",
                    "h3",
                    "h4",
                    "h5",
                    "h6",
                    "figcaption",
                    "tr",
                    "dt",
                    "dd",
                    "blockquote",
                    "section",
                    "pre",
                ];
                if tag.starts_with("</") && ENDS_A_LINE.contains(&name.as_str()) {
                    // Closes what it opened (a summary's bold), then ends
                    // the line.
                    self.inline_html(tag, at, &mut out, &mut open);
                    if !out.is_empty() && !matches!(out.last(), Some(Inline::LineBreak)) {
                        out.push(Inline::LineBreak);
                    }
                } else if tag.starts_with("<!") {
                    // A doctype or CDATA: nothing to show.
                } else {
                    self.inline_html(tag, at, &mut out, &mut open);
                }
                at += end + 1;
                rest = &rest[end + 1..];
                continue;
            }
            // Text up to the next tag; it may open with any character.
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let end = rest[first..].find('<').map_or(rest.len(), |e| e + first);
            let text = crate::xml::unescape(&rest[..end]);
            let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !collapsed.is_empty() {
                // Space between elements is a space (`<code>-p</code> <em>spec</em>`),
                // but not at the start of a line.
                let lead = text.starts_with(char::is_whitespace)
                    && !matches!(out.last(), None | Some(Inline::LineBreak));
                let trail = text.ends_with(char::is_whitespace);
                let mut t = String::new();
                if lead {
                    t.push(' ');
                }
                t.push_str(&collapsed);
                if trail {
                    t.push(' ');
                }
                push_text(&mut out, &t);
            } else if !text.is_empty() && !matches!(out.last(), None | Some(Inline::LineBreak)) {
                push_text(&mut out, " ");
            }
            at += end;
            rest = &rest[end..];
        }
        while matches!(out.last(), Some(Inline::LineBreak)) {
            out.pop();
        }
        if let Some(Inline::Text { text }) = out.last_mut() {
            let t = text.trim_end().to_string();
            *text = t;
        }
        out.retain(|i| !matches!(i, Inline::Text { text } if text.is_empty()));
        if let Some(Inline::Text { text }) = out.first_mut() {
            let t = text.trim_start().to_string();
            *text = t;
        }
        out
    }

    /// What an HTML block's inline content makes: a figure, a paragraph,
    /// or nothing.
    pub(super) fn html_block_of(&mut self, mut out: Vec<Inline>) -> Option<BlockKind> {
        // One picture and words around it (`<figure><img><figcaption>`):
        // a figure with those words as its caption.
        let images = out
            .iter()
            .filter(|i| matches!(i, Inline::Image { .. }))
            .count();
        if images == 1 {
            let at = out
                .iter()
                .position(|i| matches!(i, Inline::Image { .. }))
                .unwrap_or(0);
            let Inline::Image { image } = out.remove(at) else {
                unreachable!("found above");
            };
            let mut caption: Vec<Inline> = out
                .into_iter()
                .map(|i| match i {
                    Inline::LineBreak => Inline::text(" "),
                    other => other,
                })
                .collect();
            if let Some(Inline::Text { text }) = caption.first_mut() {
                *text = text.trim_start().to_string();
            }
            caption.retain(|i| !matches!(i, Inline::Text { text } if text.trim().is_empty()));
            if caption.is_empty()
                && let Some(t) = &image.title
            {
                caption.push(Inline::text(t));
            }
            return Some(BlockKind::Figure {
                image,
                caption,
                classes: Vec::new(),
                label: None,
            });
        }
        let has_text = !crate::model::plain_text(&out).trim().is_empty()
            || out.iter().any(|i| matches!(i, Inline::Anchor { .. }));
        has_text.then_some(BlockKind::Paragraph { content: out })
    }

    /// Notes a piece of HTML that is dropped (reported once a kind).
    pub(super) fn drop_html(&mut self, kind: String, offset: usize) {
        let e = self.dropped.entry(kind).or_insert((offset, 0));
        e.1 += 1;
    }

    pub(super) fn inline_html(
        &mut self,
        html: &str,
        offset: usize,
        out: &mut Vec<Inline>,
        open: &mut Vec<(String, usize, String)>,
    ) {
        let h = html.trim();
        if h.starts_with("<!--") {
            return;
        }
        let closing = h.starts_with("</");
        let name = tag_name(h);
        const WRAPPERS: &[&str] = &[
            "sup", "sub", "em", "i", "strong", "b", "s", "del", "strike", "cite", "dfn", "a",
            // Kept as spans.
            "kbd", "mark", "small", "u", "abbr", "acronym", "span", "code", "tt", "var", "samp",
            "q", "ins", // A <details> block's title, set bold.
            "summary",
        ];
        let target = name == "a" && attr(h, "href").is_none();
        if !closing
            && !target
            && let Some(id) = attr(h, "id").filter(|id| !id.trim().is_empty())
        {
            // Any element's id is a place links may name.
            out.push(Inline::Anchor { id });
        }
        if name == "br" {
            out.push(Inline::LineBreak);
        } else if name == "img" && !closing {
            // A picture, found and checked like a Markdown one.
            match attr(h, "src") {
                Some(src) if !src.trim().is_empty() => out.push(Inline::Image {
                    image: Image {
                        path: String::new(),
                        dest: src,
                        alt: attr(h, "alt").unwrap_or_default(),
                        title: attr(h, "title").filter(|t| !t.trim().is_empty()),
                        pos: self.pos(offset),
                        embedded: None,
                    },
                }),
                _ => self.drop_html("tag <img> with no src".to_string(), offset),
            }
        } else if name == "a"
            && !closing
            && (attr(h, "id").is_some() || attr(h, "name").is_some())
            && attr(h, "href").is_none()
        {
            // A link target; `<a id="x"></a>` closes at once, and a
            // closing tag with no opening one is ignored below.
            let id = attr(h, "id")
                .or_else(|| attr(h, "name"))
                .unwrap_or_default();
            out.push(Inline::Anchor { id });
        } else if WRAPPERS.contains(&name.as_str()) {
            if !closing {
                // An empty text node keeps what follows from merging into
                // the text before the tag.
                open.push((name, out.len(), h.to_string()));
                out.push(Inline::text(""));
            } else if let Some(pos) = open.iter().rposition(|(n, _, _)| *n == name) {
                let (_, start, open_tag) = open.remove(pos);
                let content: Vec<Inline> = out
                    .drain(start.min(out.len())..)
                    .filter(|i| !matches!(i, Inline::Text { text } if text.is_empty()))
                    .collect();
                let pos = self.pos(offset);
                out.push(match name.as_str() {
                    "sup" => Inline::Superscript { content },
                    "sub" => Inline::Subscript { content },
                    "strong" | "b" | "summary" => Inline::Strong { content },
                    "s" | "del" | "strike" => Inline::Strikethrough { content },
                    "em" | "i" | "cite" | "dfn" => Inline::Emphasis { content },
                    "a" => match attr(&open_tag, "href") {
                        Some(dest) => Inline::Link {
                            target: LinkTarget::Unresolved { dest },
                            title: attr(&open_tag, "title"),
                            content,
                            pos,
                        },
                        None => Inline::Span {
                            kind: crate::model::SpanKind::Plain,
                            class: None,
                            title: None,
                            lang: None,
                            content,
                        },
                    },
                    other => Inline::Span {
                        kind: crate::model::SpanKind::from_element(other)
                            .unwrap_or(crate::model::SpanKind::Plain),
                        class: attr(&open_tag, "class")
                            .map(|c| clean_class(&c))
                            .filter(|c| !c.is_empty()),
                        title: attr(&open_tag, "title"),
                        lang: attr(&open_tag, "lang")
                            .or_else(|| attr(&open_tag, "xml:lang"))
                            .filter(|l| crate::model::metadata::valid_language_tag(l)),
                        content,
                    },
                });
            }
        } else if !closing && !GROUPING.contains(&name.as_str()) {
            let kind = if name.is_empty() {
                "tag".to_string()
            } else {
                format!("tag <{name}>")
            };
            self.drop_html(kind, offset);
        }
    }
}

/// Elements that only group blocks or text: their tags are passed over
/// and what is inside them kept.
pub(super) const GROUPING: &[&str] = &[
    "figcaption",
    "summary",
    "picture",
    "div",
    "section",
    "article",
    "aside",
    "main",
    "header",
    "footer",
    "nav",
    "center",
    "p",
    "blockquote",
    "details",
    "figure",
    "font",
    "big",
    "nobr",
    "wbr",
    "dl",
    "dt",
    "dd",
];

/// The lower-case name of the element a tag opens or closes.
pub(super) fn tag_name(tag: &str) -> String {
    tag.trim_start()
        .trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// An attribute's value in a tag: `name="v"`, `name='v'` or `name=v`.
pub(super) fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(k) = lower[from..].find(name) {
        let at = from + k;
        from = at + name.len();
        let before = lower[..at].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or(""),
        };
        return Some(crate::xml::unescape(value));
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_text_may_open_with_any_character() {
        // The Cargo book's generated option lists: `…` right after a tag.
        let text = "<dl>\n<dt><a href=\"#x\"><code>--package</code> <em>spec</em>…</a></dt>\n<dd>Only these.</dd>\n</dl>\n";
        let mut diags = crate::diagnostics::Diagnostics::default();
        let doc = super::super::read(text, 0, std::path::Path::new("a.md"), &mut diags);
        let words = crate::model::walk::query(&doc.blocks, |n| match n {
            crate::model::walk::Node::Inline(crate::model::Inline::Text { text }, _) => {
                Some(text.clone())
            }
            _ => None,
        })
        .concat();
        assert!(
            words.contains('…') && words.contains("Only these."),
            "{words}"
        );
    }
}
