//! Passes over what was read: labels, cross-references, anchors,
//! attributions, trailing classes, scripts within words, captions.

use super::*;
use crate::diagnostics::Code;

/// `{#eq:name}` right after a displayed formula numbers it.
pub(super) fn equation_labels(mut inlines: Vec<Inline>) -> Vec<Inline> {
    let mut i = 0;
    while i + 1 < inlines.len() {
        // The text after the formula (past the line break that ends it).
        let j = if matches!(inlines[i + 1], Inline::LineBreak) {
            i + 2
        } else {
            i + 1
        };
        if j >= inlines.len() {
            break;
        }
        let found = match (&inlines[i], &inlines[j]) {
            (
                Inline::Math {
                    display: true,
                    label: None,
                    ..
                },
                Inline::Text { text },
            ) => text.trim_start().strip_prefix("{#eq:").and_then(|rest| {
                let close = rest.find('}')?;
                let name = &rest[..close];
                (!name.is_empty() && !name.contains(char::is_whitespace))
                    .then(|| (format!("eq:{name}"), rest[close + 1..].to_string()))
            }),
            _ => None,
        };
        if let Some((key, after)) = found {
            if let Inline::Math { label, .. } = &mut inlines[i] {
                *label = Some(Label {
                    key,
                    id: String::new(),
                    number: String::new(),
                });
            }
            if after.trim().is_empty() {
                inlines.drain(i + 1..=j);
            } else {
                inlines[j] = Inline::text(after.trim_start());
            }
        }
        i += 1;
    }
    inlines
}

/// `[@fig:map]` and `@fig:map` in text, made references to resolve.
pub(super) fn cross_references(inlines: Vec<Inline>, pos: Pos) -> Vec<Inline> {
    if !inlines
        .iter()
        .any(|i| matches!(i, Inline::Text { text } if text.contains('@')))
    {
        return inlines;
    }
    let mut out = Vec::with_capacity(inlines.len());
    for inline in inlines {
        let Inline::Text { text } = inline else {
            out.push(inline);
            continue;
        };
        let mut rest = text.as_str();
        let mut plain = String::new();
        while let Some(at) = rest.find('@') {
            let before = rest[..at].chars().next_back();
            let bracketed = before == Some('[');
            let key_len = rest[at + 1..]
                .char_indices()
                .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')))
                .map_or(rest.len() - at - 1, |(k, _)| k);
            let key = rest[at + 1..at + 1 + key_len].trim_end_matches(['.', ':']);
            let known = key
                .split_once(':')
                .is_some_and(|(kind, name)| REF_KINDS.contains(&kind) && !name.is_empty());
            let after = at + 1 + key.len();
            let closes = rest[after..].starts_with(']');
            let word_before = before.is_some_and(|c| c.is_alphanumeric());
            if !known || word_before || (bracketed && !closes) {
                plain.push_str(&rest[..after.max(at + 1)]);
                rest = &rest[after.max(at + 1)..];
                continue;
            }
            let (keep, skip) = if bracketed {
                (&rest[..at - 1], after + 1)
            } else {
                (&rest[..at], after)
            };
            plain.push_str(keep);
            if !plain.is_empty() {
                out.push(Inline::text(std::mem::take(&mut plain)));
            }
            out.push(Inline::Ref {
                key: key.to_string(),
                pos,
            });
            rest = &rest[skip..];
        }
        plain.push_str(rest);
        if !plain.is_empty() {
            out.push(Inline::text(plain));
        }
    }
    out
}

/// Pandoc's bracketed spans: `[la vie en rose]{lang=fr}`,
/// `[Mrs Dalloway]{.smallcaps}`, and index marks, `[kerning]{.idx}`,
/// `[]{.idx key="hyphenation!German"}`. Words in brackets followed at
/// once by attributes (classes, `lang=`, an index mark's) become a span or
/// a mark written at `pos`; any other bracket stays text.
pub(super) fn bracketed_spans(
    inlines: Vec<Inline>,
    pos: Pos,
    brackets: &[Pos],
    problems: &mut Vec<(Pos, Problem)>,
) -> Vec<Inline> {
    if !inlines
        .iter()
        .any(|i| matches!(i, Inline::Text { text } if text.contains("]{")))
    {
        return inlines;
    }
    // The place of each `[`, when the reader saw each one the text holds.
    let count: usize = inlines
        .iter()
        .map(|i| match i {
            Inline::Text { text } => text.matches('[').count(),
            _ => 0,
        })
        .sum();
    let place = |n: usize| {
        if count == brackets.len() {
            brackets.get(n).copied().unwrap_or(pos)
        } else {
            pos
        }
    };
    let mut seen = 0;
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    // Where each open bracket stands in `out` (its own text item), and
    // which `[` of the text it is.
    let mut opens: Vec<(usize, usize)> = Vec::new();
    for inline in inlines {
        let Inline::Text { text } = inline else {
            out.push(inline);
            continue;
        };
        let mut plain = String::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(['[', ']']) {
            plain.push_str(&rest[..at]);
            if rest[at..].starts_with('[') {
                if !plain.is_empty() {
                    out.push(Inline::text(std::mem::take(&mut plain)));
                }
                opens.push((out.len(), seen));
                seen += 1;
                out.push(Inline::text("["));
                rest = &rest[at + 1..];
                continue;
            }
            let after = &rest[at + 1..];
            let open = opens.pop();
            let at = open.map_or(pos, |(_, n)| place(n));
            let attrs = after
                .strip_prefix('{')
                .and_then(|a| a.find('}').map(|end| &a[..end]))
                .and_then(|a| span_attributes(a, at));
            match (open, attrs) {
                (Some((open, _)), Some((attrs, len, problem))) => {
                    problems.extend(problem.map(|p| (at, p)));
                    if !plain.is_empty() {
                        out.push(Inline::text(std::mem::take(&mut plain)));
                    }
                    let content: Vec<Inline> =
                        crate::model::merge_texts(out.drain(open + 1..).collect());
                    out.pop();
                    out.push(match attrs {
                        SpanAttrs::Span { class, lang } => Inline::Span {
                            kind: crate::model::SpanKind::Plain,
                            class,
                            title: None,
                            lang,
                            content,
                        },
                        SpanAttrs::Index(mark) => Inline::IndexTerm { mark, content },
                    });
                    rest = &after[len + 2..];
                }
                _ => {
                    plain.push(']');
                    rest = after;
                }
            }
        }
        plain.push_str(rest);
        if !plain.is_empty() {
            out.push(Inline::text(plain));
        }
    }
    crate::model::merge_texts(out)
}

/// What a bracketed span's attributes make of it.
enum SpanAttrs {
    Span {
        class: Option<String>,
        lang: Option<String>,
    },
    Index(Box<crate::model::IndexMark>),
}

/// Attributes as pandoc writes them: `.class`, `#id`, `key=value`,
/// `key="a value"`; `None` when the text is not that.
fn attribute_words(a: &str) -> Option<Vec<(&str, Option<&str>)>> {
    let mut out = Vec::new();
    let mut rest = a.trim_start();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        rest = &rest[name_end..];
        if let Some(v) = rest.strip_prefix('=') {
            // Quotes as typed, or as the reader curled them.
            let close = match v.chars().next() {
                Some('"') => Some('"'),
                Some('\'') => Some('\''),
                Some('\u{201C}') => Some('\u{201D}'),
                Some('\u{2018}') => Some('\u{2019}'),
                _ => None,
            };
            let (value, after) = match close {
                Some(q) => {
                    let open = v.chars().next().map_or(1, char::len_utf8);
                    let end = v[open..].find(q)?;
                    (&v[open..open + end], &v[open + end + q.len_utf8()..])
                }
                _ => {
                    let end = v.find(char::is_whitespace).unwrap_or(v.len());
                    (&v[..end], &v[end..])
                }
            };
            if name.is_empty() || !after.is_empty() && !after.starts_with(char::is_whitespace) {
                return None;
            }
            out.push((name, Some(value)));
            rest = after;
        } else {
            out.push((name, None));
        }
        rest = rest.trim_start();
    }
    Some(out)
}

/// What is wrong with attributes meant for a span: the kind, what it
/// says, and its help.
pub(super) type Problem = (Code, String, &'static str);

/// A span's attributes (`.smallcaps lang=fr`, `.idx key="a!b"`), the
/// length read, and what is wrong with them if anything (the span is made
/// without what is wrong: its words stay); `None` when they are not
/// attributes.
fn span_attributes(a: &str, pos: Pos) -> Option<(SpanAttrs, usize, Option<Problem>)> {
    let words = attribute_words(a)?;
    let mut classes: Vec<&str> = Vec::new();
    let mut lang = None;
    let mut values: Vec<(&str, &str)> = Vec::new();
    let mut problem = None;
    for (name, value) in words {
        match value {
            None => {
                let c = name.strip_prefix('.')?;
                if c.is_empty()
                    || !c
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
                {
                    return None;
                }
                classes.push(c);
            }
            Some(l) if name == "lang" => {
                if crate::model::metadata::valid_language_tag(l) {
                    lang = Some(l.to_string());
                } else {
                    problem = Some((
                        Code::LanguageTag,
                        format!(
                            "`{l}` is not a language tag: the span's words are set in the chapter's language"
                        ),
                        "a BCP 47 tag, such as `fr`, `de-CH` or `zh-Hant`",
                    ));
                }
            }
            Some(v) => values.push((name, v)),
        }
    }
    if classes.iter().any(|c| matches!(*c, "idx" | "index")) {
        return Some(match index_mark(&values, pos) {
            Ok(m) => (SpanAttrs::Index(Box::new(m)), a.len(), problem),
            Err(why) => (
                SpanAttrs::Span { class: None, lang },
                a.len(),
                Some((
                    Code::Index,
                    format!("{why}: the mark is left out of the index, its words kept"),
                    "an index mark takes `key=\"…\"`, `see=\"…\"`, `seealso=\"…\"` and `range=start` or `range=end`",
                )),
            ),
        });
    }
    // Other attributes (`data-x=1`) mean nothing to a book.
    if classes.is_empty() && lang.is_none() && problem.is_none() {
        return None;
    }
    let class = (!classes.is_empty()).then(|| classes.join(" "));
    Some((SpanAttrs::Span { class, lang }, a.len(), problem))
}

/// A heading's index mark, from its attributes other than classes and id
/// (`key="exit status"`).
pub(super) fn heading_index_mark(raw: &str, pos: Pos) -> Result<crate::model::IndexMark, String> {
    let words = attribute_words(raw).ok_or_else(|| format!("`{raw}` is not attributes"))?;
    let values: Vec<(&str, &str)> = words
        .into_iter()
        .map(|(k, v)| {
            v.map(|v| (k, v))
                .ok_or_else(|| format!("`{k}` is not an attribute"))
        })
        .collect::<Result<_, _>>()?;
    index_mark(&values, pos)
}

/// An index mark's attributes: `key="entry!sub-entry"`, `see="…"`,
/// `seealso="…"` (several parted by `;`), `range=start|end`.
fn index_mark(values: &[(&str, &str)], pos: Pos) -> Result<crate::model::IndexMark, String> {
    let list = |v: &str| -> Vec<String> {
        v.split(';')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let mut mark = crate::model::IndexMark {
        key: Vec::new(),
        see: Vec::new(),
        see_also: Vec::new(),
        range: None,
        pos,
    };
    for &(name, value) in values {
        match name {
            "key" => {
                // Three levels at most, as makeindex has: a `!` past the
                // second is part of the sub-sub-entry's words.
                mark.key = value
                    .splitn(3, '!')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            }
            "see" => mark.see = list(value),
            "seealso" | "see-also" => mark.see_also = list(value),
            "range" => {
                mark.range = Some(match value {
                    "start" => crate::model::RangeEnd::Start,
                    "end" => crate::model::RangeEnd::End,
                    _ => return Err(format!("`range={value}` is neither `start` nor `end`")),
                })
            }
            _ => return Err(format!("an index mark has no attribute `{name}`")),
        }
    }
    Ok(mark)
}

/// Kinds of numbered things a reference may name.
pub(super) const REF_KINDS: &[&str] = &["fig", "tbl", "lst", "eq", "sec"];

/// A paragraph of link targets alone (`<a id="x"></a>` on a line of its
/// own) joins the paragraph or heading after it, where it points.
pub(super) fn merge_anchors(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut carried: Vec<Inline> = Vec::new();
    for mut b in blocks {
        if let BlockKind::Paragraph { content } = &b.kind
            && !content.is_empty()
            && content.iter().all(|i| matches!(i, Inline::Anchor { .. }))
        {
            carried.extend(content.iter().cloned());
            continue;
        }
        if !carried.is_empty()
            && let BlockKind::Paragraph { content } | BlockKind::Heading { content, .. } =
                &mut b.kind
        {
            content.splice(0..0, carried.drain(..));
        }
        if !carried.is_empty() {
            // Nothing to join: the targets stay a block of their own.
            out.push(Block {
                line: b.line,
                kind: BlockKind::Paragraph {
                    content: std::mem::take(&mut carried),
                },
            });
        }
        out.push(b);
    }
    if !carried.is_empty() {
        let line = out.last().map_or(1, |b| b.line);
        out.push(Block {
            line,
            kind: BlockKind::Paragraph { content: carried },
        });
    }
    out
}

/// A quotation's last line that gives its source, made a paragraph of
/// its own.
pub(super) fn split_attribution(blocks: &mut Vec<Block>) {
    let Some(Block {
        kind: BlockKind::Paragraph { content },
        line,
    }) = blocks.last_mut()
    else {
        return;
    };
    let Some(at) = content.iter().rposition(|i| matches!(i, Inline::LineBreak)) else {
        return;
    };
    let source = matches!(content.get(at + 1), Some(Inline::Text { text })
        if text.starts_with(['\u{2014}', '\u{2015}', '\u{2013}']));
    if !source || at == 0 {
        return;
    }
    let tail = content.split_off(at + 1);
    content.pop();
    // Its line: the quotation's last, as near as the model records.
    let line = *line;
    blocks.push(Block {
        line,
        kind: BlockKind::Paragraph { content: tail },
    });
}

/// Classes at the end of a block quote's last paragraph (`> — Source`
/// then `{.epigraph}` on the next line, which Markdown reads as part of
/// that paragraph), taken off it.
pub(super) fn trailing_classes(blocks: &mut Vec<Block>) -> Vec<String> {
    let Some(Block {
        kind: BlockKind::Paragraph { content },
        ..
    }) = blocks.last_mut()
    else {
        return Vec::new();
    };
    let Some(Inline::Text { text }) = content.last_mut() else {
        return Vec::new();
    };
    let Some(open) = text.rfind('{') else {
        return Vec::new();
    };
    let Some(found) = classes(&text[open..]) else {
        return Vec::new();
    };
    text.truncate(open);
    let kept = text.trim_end().len();
    text.truncate(kept);
    if text.is_empty() {
        content.pop();
    }
    if content.is_empty() {
        blocks.pop();
    }
    found
}

/// Super- and subscripts inside a word (`H~2~O`, `2^10^`), which
/// pulldown-cmark reads only between words: a run of non-space characters
/// between two `^` (or two `~`) in text.
pub(super) fn scripts_within_words(inlines: Vec<Inline>) -> Vec<Inline> {
    if !inlines
        .iter()
        .any(|i| matches!(i, Inline::Text { text } if text.contains(['^', '~'])))
    {
        return inlines;
    }
    let mut out = Vec::with_capacity(inlines.len());
    for inline in inlines {
        let Inline::Text { text } = inline else {
            out.push(inline);
            continue;
        };
        let mut rest = text.as_str();
        let mut plain = String::new();
        loop {
            let Some(open) = rest.find(['^', '~']) else {
                plain.push_str(rest);
                break;
            };
            let mark = rest[open..].chars().next().unwrap_or('^');
            let after = &rest[open + 1..];
            let close = after.find(|c: char| c == mark || c.is_whitespace());
            match close {
                Some(end) if end > 0 && after[end..].starts_with(mark) => {
                    plain.push_str(&rest[..open]);
                    if !plain.is_empty() {
                        out.push(Inline::text(std::mem::take(&mut plain)));
                    }
                    let content = vec![Inline::text(&after[..end])];
                    out.push(if mark == '^' {
                        Inline::Superscript { content }
                    } else {
                        Inline::Subscript { content }
                    });
                    rest = &after[end + 1..];
                }
                _ => {
                    plain.push_str(&rest[..open + 1]);
                    rest = after;
                }
            }
        }
        if !plain.is_empty() {
            out.push(Inline::text(plain));
        }
    }
    out
}

/// A table's caption paragraph: `Table: text` or `: text`, with an id at
/// its end (`{#tbl:sizes}`).
pub(super) fn table_caption(content: &[Inline]) -> Option<(Vec<Inline>, Option<Label>)> {
    let Some(Inline::Text { text }) = content.first() else {
        return None;
    };
    let rest = text
        .strip_prefix("Table:")
        .or_else(|| text.strip_prefix(": "))?
        .trim_start()
        .to_string();
    let mut caption = content.to_vec();
    caption[0] = Inline::text(rest);
    let mut blocks = vec![Block {
        line: 0,
        kind: BlockKind::Paragraph { content: caption },
    }];
    let mut found = trailing_classes(&mut blocks);
    let label = take_label(&mut found);
    let caption = match blocks.pop() {
        Some(Block {
            kind: BlockKind::Paragraph { content },
            ..
        }) => content,
        _ => Vec::new(),
    };
    Some((
        caption
            .into_iter()
            .filter(|i| !matches!(i, Inline::Text { text } if text.is_empty()))
            .collect(),
        label,
    ))
}
