//! Pandoc's citation syntax, read from text: `[see @doe2020, p. 33;
//! @roe2021]`, `[-@doe2020]`, `@doe2020 says`, `@doe2020 [p. 33] says`.
//! What is read is only the form; whether the key names a work is
//! decided when the book's bibliography is known.

use super::*;
use crate::model::{Citation, CiteItem};
use std::collections::VecDeque;

/// The citation key at the start of `s` (just after its `@`): letters,
/// digits and `_`, with `:.#$%&-+?<>~/` allowed inside it; empty when
/// there is none.
pub(super) fn cite_key(s: &str) -> &str {
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() || c == '_' {
            end = i + c.len_utf8();
        } else if i == 0 || !":.#$%&-+?<>~/".contains(c) {
            break;
        }
    }
    &s[..end]
}

/// Whether a key names a figure, table, listing, equation or section
/// (`@fig:map`): those are cross-references, not citations.
fn is_cross_reference(key: &str) -> bool {
    key.split_once(':')
        .is_some_and(|(kind, _)| REF_KINDS.contains(&kind))
}

/// Citations in the text of `inlines` made `Inline::Cite`s; `at_signs`
/// says where each `@` stood (taken from it as used), `start` where the
/// text began, for any `@` it does not know.
pub(super) fn citations(
    inlines: Vec<Inline>,
    start: Pos,
    at_signs: &mut VecDeque<(String, Pos)>,
) -> Vec<Inline> {
    if !inlines
        .iter()
        .any(|i| matches!(i, Inline::Text { text } if text.contains('@')))
    {
        return inlines;
    }
    let mut place = |key: &str| -> Pos {
        match at_signs.iter().position(|(k, _)| k == key) {
            Some(i) => at_signs.remove(i).map_or(start, |(_, p)| p),
            None => start,
        }
    };
    let mut out = Vec::with_capacity(inlines.len());
    for inline in inlines {
        let Inline::Text { text } = inline else {
            out.push(inline);
            continue;
        };
        let mut plain = String::new();
        let mut i = 0;
        let bytes = text.as_bytes();
        while i < text.len() {
            let found = match bytes[i] {
                b'[' => group(&text[i..]).map(|(len, items)| (len, items, false)),
                b'@' if !text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_') =>
                {
                    in_text(&text[i..]).map(|(len, item)| (len, vec![item], true))
                }
                _ => None,
            };
            match found {
                Some((len, items, in_text)) => {
                    if !plain.is_empty() {
                        out.push(Inline::text(std::mem::take(&mut plain)));
                    }
                    let items = items
                        .into_iter()
                        .map(|mut item| {
                            item.pos = place(&item.key);
                            item
                        })
                        .collect();
                    out.push(Inline::Cite {
                        cite: Box::new(Citation {
                            items,
                            in_text,
                            raw: text[i..i + len].to_string(),
                        }),
                    });
                    i += len;
                }
                None => {
                    let c = text[i..].chars().next().unwrap_or(' ');
                    plain.push(c);
                    i += c.len_utf8();
                }
            }
        }
        if !plain.is_empty() {
            out.push(Inline::text(plain));
        }
    }
    // What was never a citation (an address, a handle) is forgotten
    // rather than kept for the whole file.
    if at_signs.len() > 4096 {
        at_signs.drain(..2048);
    }
    out
}

/// `[…@key…; …]` at the start of `s`: its length and its items, if every
/// part between semicolons names exactly one key.
fn group(s: &str) -> Option<(usize, Vec<CiteItem>)> {
    let close = within_reach(s).find(']')?;
    let inner = &s[1..close];
    if inner.contains('[') || !inner.contains('@') {
        return None;
    }
    let items = inner
        .split(';')
        .map(item)
        .collect::<Option<Vec<CiteItem>>>()?;
    Some((close + 1, items))
}

/// How far a citation's closing bracket is looked for: no citation is
/// longer, and text full of brackets is not searched to its end from each.
const REACH: usize = 2048;

fn within_reach(s: &str) -> &str {
    let mut end = s.len().min(REACH);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// One part of a bracketed citation: `see -@doe2020, p. 33`.
fn item(part: &str) -> Option<CiteItem> {
    let mut chosen = None;
    for (at, _) in part.match_indices('@') {
        let before = part[..at].chars().next_back();
        let suppress = before == Some('-')
            && part[..at - 1]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace);
        if !(before.is_none_or(char::is_whitespace) || suppress) {
            continue;
        }
        let key = cite_key(&part[at + 1..]);
        if key.is_empty() || is_cross_reference(key) || chosen.is_some() {
            return None;
        }
        chosen = Some((at, key, suppress));
    }
    let (at, key, suppress_author) = chosen?;
    let prefix_end = if suppress_author { at - 1 } else { at };
    Some(CiteItem {
        key: key.to_string(),
        prefix: part[..prefix_end].trim().to_string(),
        suffix: part[at + 1 + key.len()..].trim().to_string(),
        suppress_author,
        pos: Pos::default(),
    })
}

/// `@key`, or `@key [p. 33]`, at the start of `s`.
fn in_text(s: &str) -> Option<(usize, CiteItem)> {
    let key = cite_key(&s[1..]);
    if key.is_empty() || is_cross_reference(key) {
        return None;
    }
    let mut len = 1 + key.len();
    let mut suffix = String::new();
    if let Some(rest) = s[len..].strip_prefix(" [")
        && let Some(close) = within_reach(rest).find(']')
        && !rest[..close].contains(['@', '['])
    {
        suffix = rest[..close].trim().to_string();
        len += 2 + close + 1;
    }
    Some((
        len,
        CiteItem {
            key: key.to_string(),
            prefix: String::new(),
            suffix,
            suppress_author: false,
            pos: Pos::default(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plain_text;

    fn cites(text: &str) -> Vec<Inline> {
        citations(
            vec![Inline::text(text)],
            Pos::default(),
            &mut VecDeque::new(),
        )
    }

    fn only(inlines: &[Inline]) -> &Citation {
        let found: Vec<&Citation> = inlines
            .iter()
            .filter_map(|i| match i {
                Inline::Cite { cite } => Some(&**cite),
                _ => None,
            })
            .collect();
        assert_eq!(found.len(), 1, "{inlines:?}");
        found[0]
    }

    #[test]
    fn bracketed_citations_with_prefix_locator_and_several_works() {
        let out = cites("As shown [see @doe2020, p. 33; @roe.2021, chap. 2].");
        let c = only(&out);
        assert!(!c.in_text);
        assert_eq!(c.raw, "[see @doe2020, p. 33; @roe.2021, chap. 2]");
        assert_eq!(c.items[0].key, "doe2020");
        assert_eq!(c.items[0].prefix, "see");
        assert_eq!(c.items[0].suffix, ", p. 33");
        assert_eq!(c.items[1].key, "roe.2021");
        assert_eq!(c.items[1].suffix, ", chap. 2");
        assert_eq!(
            plain_text(&out),
            "As shown [see @doe2020, p. 33; @roe.2021, chap. 2]."
        );
    }

    #[test]
    fn author_suppressed_and_in_text_forms() {
        let out = cites("Doe says [-@doe2020].");
        assert!(only(&out).items[0].suppress_author);
        let out = cites("@doe2020 [p. 4] says so, and @roe, too.");
        let found: Vec<_> = out
            .iter()
            .filter_map(|i| match i {
                Inline::Cite { cite } => Some(cite),
                _ => None,
            })
            .collect();
        assert_eq!(found.len(), 2);
        assert!(found[0].in_text);
        assert_eq!(found[0].items[0].suffix, "p. 4");
        assert_eq!(found[1].items[0].key, "roe");
    }

    #[test]
    fn addresses_brackets_and_cross_references_are_not_citations() {
        for text in [
            "write to ana@example.org",
            "[not a citation]",
            "[@fig:map]",
            "an @ alone",
            "[a@b]",
            "[@]",
        ] {
            let out = cites(text);
            assert!(
                !out.iter().any(|i| matches!(i, Inline::Cite { .. })),
                "{text}: {out:?}"
            );
            assert_eq!(plain_text(&out), text);
        }
    }
}
