//! Inline content flattened into pieces of text, each with its style,
//! link and note: what the line setter works on.

#[allow(unused_imports)]
use super::*;

/// Turns inline markup into pieces. `note_key` names a footnote from its
/// number (the caller knows the chapter).
pub struct Flattener<'a> {
    pub book: &'a Book,
    pub note_key: &'a dyn Fn(u32) -> String,
    /// Footnotes met, in order: (key, number, blocks).
    pub notes: Vec<(String, u32, Vec<crate::model::Block>)>,
    /// Anchors met, each with how many letters and digits of the book's
    /// own words come before it: the line it falls on is found by them.
    pub anchors: Vec<(String, usize)>,
    /// Letters counted so far: up to which piece, byte of it, and how many.
    counted: (usize, usize, usize),
}

impl<'a> Flattener<'a> {
    pub fn new(book: &'a Book, note_key: &'a dyn Fn(u32) -> String) -> Self {
        Flattener {
            book,
            note_key,
            notes: Vec::new(),
            anchors: Vec::new(),
            counted: (0, 0, 0),
        }
    }

    /// The letters and digits of the book's words in `out`, counted on
    /// from where the last count stopped (pieces only grow at the end).
    fn letters_before(&mut self, out: &[Piece]) -> usize {
        let (mut piece, mut byte, mut count) = self.counted;
        while piece < out.len() {
            let p = &out[piece];
            if p.style.from_text {
                count += p.text[byte..]
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .count();
            }
            if piece + 1 == out.len() {
                byte = p.text.len();
                break;
            }
            piece += 1;
            byte = 0;
        }
        self.counted = (piece, byte, count);
        count
    }
}

impl Flattener<'_> {
    pub fn flatten(
        &mut self,
        inlines: &[Inline],
        style: TextStyle,
        link: Option<&LinkDest>,
        out: &mut Vec<Piece>,
    ) {
        for inline in inlines {
            match inline {
                Inline::Text { text } => push(out, text, style, link),
                Inline::Emphasis { content } => {
                    let italic = !matches!(style.font, FontId::Italic | FontId::BoldItalic);
                    let bold = matches!(style.font, FontId::Bold | FontId::BoldItalic);
                    let s = TextStyle {
                        font: style.font.styled(italic, bold),
                        ..style
                    };
                    self.flatten(content, s, link, out);
                }
                Inline::Strong { content } => {
                    let italic = matches!(style.font, FontId::Italic | FontId::BoldItalic);
                    let s = TextStyle {
                        font: style.font.styled(italic, true),
                        ..style
                    };
                    self.flatten(content, s, link, out);
                }
                Inline::Strikethrough { content } => self.flatten(
                    content,
                    TextStyle {
                        strike: true,
                        ..style
                    },
                    link,
                    out,
                ),
                Inline::Superscript { content } => {
                    let s = TextStyle {
                        size: style.size * 0.7,
                        rise: style.rise + style.size * 0.35,
                        ..style
                    };
                    self.flatten(content, s, link, out);
                }
                Inline::Subscript { content } => {
                    let s = TextStyle {
                        size: style.size * 0.7,
                        rise: style.rise - style.size * 0.15,
                        ..style
                    };
                    self.flatten(content, s, link, out);
                }
                Inline::Code { text } => {
                    let s = TextStyle {
                        font: FontId::Mono,
                        size: style.size * 0.88,
                        ..style
                    };
                    push(out, text, s, link);
                }
                Inline::Span {
                    kind,
                    content,
                    class,
                    lang,
                    ..
                } => {
                    use crate::model::SpanKind;
                    // `<span class="smallcaps">` (and Word's small
                    // capitals): the face's own small capitals.
                    let style = TextStyle {
                        lang: lang.as_deref().and_then(super::LangTag::new).or(style.lang),
                        small_caps: style.small_caps
                            || class
                                .as_deref()
                                .is_some_and(|c| c.split_whitespace().any(|c| c == "smallcaps")),
                        ..style
                    };
                    let s = match kind {
                        // Keys and computer text in the code face, bold
                        // kept as its bold.
                        SpanKind::Kbd | SpanKind::Code | SpanKind::Samp => TextStyle {
                            font: if matches!(style.font, FontId::Bold | FontId::BoldItalic) {
                                FontId::MonoBold
                            } else {
                                FontId::Mono
                            },
                            size: style.size * 0.88,
                            ..style
                        },
                        SpanKind::Small => TextStyle {
                            size: style.size * 0.85,
                            ..style
                        },
                        SpanKind::Var => TextStyle {
                            font: style.font.styled(
                                true,
                                matches!(style.font, FontId::Bold | FontId::BoldItalic),
                            ),
                            ..style
                        },
                        _ => style,
                    };
                    if *kind == SpanKind::Quote {
                        push(out, "\u{201C}", style.generated(), link);
                        self.flatten(content, s, link, out);
                        push(out, "\u{201D}", style.generated(), link);
                    } else {
                        self.flatten(content, s, link, out);
                    }
                }
                Inline::Anchor { id } => {
                    let before = self.letters_before(out);
                    self.anchors.push((id.clone(), before));
                }
                // Resolution made every mark an anchor; its words stay.
                Inline::IndexTerm { content, .. } => self.flatten(content, style, link, out),
                Inline::Math {
                    tex,
                    display,
                    label,
                    ..
                } => match crate::math::parse(tex) {
                    Ok(mut node) => {
                        let own = if *display { take_tag(&mut node) } else { None };
                        let tag = label
                            .as_ref()
                            .map(|l| {
                                let n = l.number.rsplit('\u{a0}').next().unwrap_or("");
                                format!("({n})")
                            })
                            .or(own);
                        out.push(Piece {
                            text: String::new(),
                            style,
                            link: link.cloned(),
                            note: None,
                            line_break: false,
                            image: None,
                            math: Some(Arc::new(MathPiece {
                                node,
                                display: *display,
                                tag,
                            })),
                        })
                    }
                    // Reported when the book was read (an error): its
                    // source, so the build that goes on shows something.
                    Err(_) => {
                        let s = TextStyle {
                            font: FontId::Mono,
                            size: style.size * 0.88,
                            ..style
                        };
                        push(out, tex, s, link);
                    }
                },
                // Resolved into links; one left is reported already.
                Inline::Ref { key, .. } => push(out, &format!("[@{key}]"), style, link),
                Inline::Cite { cite } => push(out, &cite.raw, style, link),
                Inline::Link {
                    target, content, ..
                } => {
                    let dest = match target {
                        LinkTarget::External { url } => Some(LinkDest::Url(url.clone())),
                        LinkTarget::Internal { chapter, id } => {
                            Some(LinkDest::Anchor(id.clone().unwrap_or_else(|| {
                                self.book.chapters[*chapter].title_id.clone()
                            })))
                        }
                        LinkTarget::Unresolved { .. } => None,
                    };
                    self.flatten(content, style, dest.as_ref().or(link), out);
                }
                Inline::Image { image } => {
                    // An image not found was reported when the book was read.
                    if let Some(asset) = self.book.images.get(&image.path) {
                        out.push(Piece {
                            text: String::new(),
                            style,
                            link: link.cloned(),
                            note: None,
                            line_break: false,
                            image: Some(InlineImage {
                                key: image.path.clone(),
                                alt: image.alt.clone(),
                                aspect: asset.info.width.max(1) as f32
                                    / asset.info.height.max(1) as f32,
                            }),
                            math: None,
                        });
                    }
                }
                Inline::FootnoteRef {
                    number,
                    first,
                    blocks,
                } => {
                    let key = (self.note_key)(*number);
                    if *first {
                        self.notes.push((key.clone(), *number, blocks.clone()));
                    }
                    let s = TextStyle {
                        font: FontId::Regular,
                        size: style.size * 0.65,
                        rise: style.size * 0.38,
                        ..style.generated()
                    };
                    out.push(Piece {
                        text: number.to_string(),
                        style: s,
                        link: Some(LinkDest::Anchor(key.clone())),
                        note: Some(key),
                        line_break: false,
                        image: None,
                        math: None,
                    });
                }
                Inline::LineBreak => out.push(Piece {
                    text: String::new(),
                    style,
                    link: None,
                    note: None,
                    line_break: true,
                    image: None,
                    math: None,
                }),
                Inline::NoteLabel { label, .. } => push(out, &format!("[^{label}]"), style, link),
            }
        }
    }
}

/// A displayed formula's own `\tag{…}` (the parser keeps it as text
/// at the end of the formula), taken out for the right margin.
pub(super) fn take_tag(node: &mut crate::math::Node) -> Option<String> {
    use crate::math::Node;
    let Node::Row(nodes) = node else {
        return None;
    };
    match nodes.last() {
        Some(Node::Text(t)) if t.starts_with("\u{2003}(") => {
            let tag = t.trim_start_matches('\u{2003}').to_string();
            nodes.pop();
            Some(tag)
        }
        _ => None,
    }
}

pub(super) fn push(out: &mut Vec<Piece>, text: &str, style: TextStyle, link: Option<&LinkDest>) {
    if let Some(last) = out.last_mut()
        && last.style == style
        && last.link.as_ref() == link
        && last.note.is_none()
        && !last.line_break
        && last.image.is_none()
        && last.math.is_none()
    {
        last.text.push_str(text);
        return;
    }
    out.push(Piece {
        text: text.to_string(),
        style,
        link: link.cloned(),
        note: None,
        line_break: false,
        image: None,
        math: None,
    });
}
