//! The back-of-book index: the marks in the text gathered into entries
//! and sub-entries, each place a mark stands given an anchor, the entries
//! sorted by the rules of the book's language and grouped by initial
//! letter. Both renderers set the same [`Index`]: the PDF with page
//! numbers, the EPUB with links.

use super::{Ids, RawChapter, slug};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::model::{
    Block, BlockKind, Index, IndexEntry, IndexGroup, IndexLocator, IndexMark, Inline, RangeEnd,
    plain_text,
};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A chapter in resolution: as read, its title's id, the names its ids
/// go by.
type Pending = (RawChapter, String, HashMap<String, String>);

/// One mark, found: where it is and what it asks for.
struct Found {
    file: PathBuf,
    chapter: usize,
    id: String,
    /// A heading's mark: the anchor at the end of its section.
    end: Option<String>,
    mark: IndexMark,
    /// The marked words (the entry's words when no key names it).
    words: Vec<Inline>,
    section: String,
}

/// Takes every index mark out of the chapters (each leaves an anchor
/// before its words) and makes the index of them; `None` when the book
/// marks nothing.
pub(super) fn gather(
    chapters: &mut [Pending],
    ids: &mut Ids,
    lang: &str,
    diags: &mut Diagnostics,
) -> Option<Index> {
    let mut found: Vec<Found> = Vec::new();
    for (c, (ch, title_id, _)) in chapters.iter_mut().enumerate() {
        let file = ch.source.clone();
        // A chapter's title marked: the whole chapter.
        if let Some(mark) = section_mark(&mut ch.title) {
            let end = ids.unique("ix-end");
            let end = end_anchor(&mut ch.blocks, &end).then_some(end);
            found.push(Found {
                file: file.clone(),
                chapter: c,
                id: title_id.clone(),
                end,
                mark,
                words: entry_words(&ch.title),
                section: plain_text(&ch.title),
            });
        }
        let mut section = plain_text(&ch.title);
        let mut take = Taker {
            ids: &mut *ids,
            found: &mut found,
            file: &file,
            chapter: c,
            section: section.clone(),
        };
        take.run(&mut ch.title);
        for b in 0..ch.blocks.len() {
            if let BlockKind::Heading {
                level, id, content, ..
            } = &mut ch.blocks[b].kind
            {
                section = plain_text(content);
                take.section = section.clone();
                // A heading's mark: its section, under the heading's
                // words or the mark's key.
                if let Some(mark) = section_mark(content) {
                    let (level, start, words) = (*level, id.clone(), entry_words(content));
                    let ends = ch.blocks[b + 1..]
                        .iter()
                        .position(
                            |x| matches!(x.kind, BlockKind::Heading { level: l, .. } if l <= level),
                        )
                        .map_or(ch.blocks.len(), |n| b + 1 + n);
                    let end = take.ids.unique("ix-end");
                    let end = end_anchor(&mut ch.blocks[b + 1..ends], &end).then_some(end);
                    take.found.push(Found {
                        file: file.clone(),
                        chapter: c,
                        id: start,
                        end,
                        mark,
                        words,
                        section: section.clone(),
                    });
                }
            }
            crate::model::walk::walk_mut(std::slice::from_mut(&mut ch.blocks[b]), &mut |run| {
                take.run(run)
            });
        }
        take.section = plain_text(&ch.title);
        for note in ch.notes.values_mut() {
            crate::model::walk::walk_mut(&mut note.blocks, &mut |run| take.run(run));
        }
    }
    if found.is_empty() {
        return None;
    }
    Some(build(found, ids, lang, diags))
}

/// A heading's or a title's mark (`{.idx}`), taken out of its words.
fn section_mark(words: &mut Vec<Inline>) -> Option<IndexMark> {
    if !matches!(words.first(), Some(Inline::IndexTerm { mark, .. })
        if mark.range == Some(RangeEnd::Section))
    {
        return None;
    }
    let Inline::IndexTerm { mark, .. } = words.remove(0) else {
        return None;
    };
    Some(IndexMark {
        range: None,
        ..*mark
    })
}

/// Puts an anchor at the end of the last paragraph of `blocks` (the end
/// of a section a heading's mark spans); false when there is none.
fn end_anchor(blocks: &mut [Block], id: &str) -> bool {
    for b in blocks.iter_mut().rev() {
        let done = match &mut b.kind {
            BlockKind::Paragraph { content } => {
                content.push(Inline::Anchor { id: id.to_string() });
                true
            }
            BlockKind::BlockQuote { blocks, .. } => end_anchor(blocks, id),
            BlockKind::List { items, .. } => items
                .iter_mut()
                .rev()
                .any(|item| end_anchor(&mut item.blocks, id)),
            _ => false,
        };
        if done {
            return true;
        }
    }
    false
}

/// Takes marks out of runs of text.
struct Taker<'a> {
    ids: &'a mut Ids,
    found: &'a mut Vec<Found>,
    file: &'a Path,
    chapter: usize,
    section: String,
}

impl Taker<'_> {
    /// Replaces each mark in `run` (and in the words it marks) by an
    /// anchor and its words, in one pass.
    fn run(&mut self, run: &mut Vec<Inline>) {
        if !run.iter().any(|i| matches!(i, Inline::IndexTerm { .. })) {
            return;
        }
        let mut queue: std::collections::VecDeque<Inline> = std::mem::take(run).into();
        while let Some(inline) = queue.pop_front() {
            let Inline::IndexTerm { mark, content } = inline else {
                run.push(inline);
                continue;
            };
            let id = self.ids.unique("ix");
            // A heading's mark where sections are not counted (in a list,
            // a quotation, a note): the heading's place, under its words.
            let (mut mark, mut words) = (*mark, entry_words(&content));
            if mark.range == Some(RangeEnd::Section) {
                mark.range = None;
                words = entry_words(&queue.iter().cloned().collect::<Vec<_>>());
            }
            // An empty mark between two spaces leaves one.
            if content.is_empty()
                && matches!(run.last(), Some(Inline::Text { text }) if text.ends_with(' '))
                && let Some(Inline::Text { text }) = queue.front_mut()
                && text.starts_with(' ')
            {
                text.remove(0);
            }
            self.found.push(Found {
                file: self.file.to_path_buf(),
                chapter: self.chapter,
                id: id.clone(),
                end: None,
                mark,
                words,
                section: self.section.clone(),
            });
            run.push(Inline::Anchor { id });
            // Its words next, marks in them too.
            for c in content.into_iter().rev() {
                queue.push_front(c);
            }
        }
    }
}

/// Marked words as an entry shows them: their faces kept, without the
/// links, notes, anchors and marks in them.
fn entry_words(words: &[Inline]) -> Vec<Inline> {
    let mut out = Vec::new();
    for w in words {
        match w {
            Inline::Link { content, .. } | Inline::IndexTerm { content, .. } => {
                out.extend(entry_words(content))
            }
            Inline::NoteLabel { .. }
            | Inline::FootnoteRef { .. }
            | Inline::Anchor { .. }
            | Inline::Image { .. }
            | Inline::LineBreak => {}
            other => {
                let mut other = other.clone();
                if let Some(content) = other.content_mut() {
                    *content = entry_words(content);
                }
                out.push(other);
            }
        }
    }
    out
}

/// An entry being made.
#[derive(Default)]
struct Node {
    words: Vec<Inline>,
    /// Its places, each with the number of its mark in reading order.
    locators: Vec<(usize, IndexLocator)>,
    see: Vec<String>,
    see_also: Vec<String>,
    children: Vec<(String, Node)>,
    /// Where each child is in `children`, by its words.
    by_name: HashMap<String, usize>,
}

impl Node {
    fn child(&mut self, name: &str) -> &mut Node {
        let at = match self.by_name.get(name) {
            Some(&at) => at,
            None => {
                self.children.push((name.to_string(), Node::default()));
                self.by_name
                    .insert(name.to_string(), self.children.len() - 1);
                self.children.len() - 1
            }
        };
        &mut self.children[at].1
    }
}

/// The entries of the marks, sorted and grouped.
fn build(found: Vec<Found>, ids: &mut Ids, lang: &str, diags: &mut Diagnostics) -> Index {
    let mut root = Node::default();
    // Ranges open, by entry, with where they opened.
    let mut open: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
    let mut locators: Vec<(Vec<String>, IndexLocator, Location)> = Vec::new();
    let mut sees: Vec<(Vec<String>, Location)> = Vec::new();
    for f in found {
        let at = Location::at(&f.file, f.mark.pos.line, f.mark.pos.column);
        let words = plain_text(&f.words).trim().to_string();
        let path: Vec<String> = if f.mark.key.is_empty() {
            vec![words.clone()]
        } else {
            f.mark.key.clone()
        };
        if path.iter().all(|p| p.is_empty()) {
            diags.push(
                Diagnostic::warning(
                    Code::Index,
                    at,
                    "an index mark with no words and no `key` is left out of the index",
                )
                .help("write the entry as `[]{.idx key=\"entry\"}` or mark words: `[entry]{.idx}`"),
            );
            continue;
        }
        let limit = crate::limits::INDEX_TERM_CHARS;
        if let Some(long) = path
            .iter()
            .chain(&f.mark.see)
            .chain(&f.mark.see_also)
            .find(|p| p.chars().count() > limit)
        {
            diags.push(
                Diagnostic::warning(
                    Code::Index,
                    at,
                    format!(
                        "an index entry of {} characters is left out of the index (an entry has at most {limit})",
                        long.chars().count()
                    ),
                )
                .help("mark fewer words, or give the mark a shorter `key`"),
            );
            continue;
        }
        let mut node = &mut root;
        for (n, name) in path.iter().enumerate() {
            node = node.child(name);
            if node.words.is_empty() {
                // The marked words, with their faces, when they are the
                // entry's words.
                node.words = if n + 1 == path.len() && *name == words {
                    f.words.clone()
                } else {
                    vec![Inline::text(name.clone())]
                };
            }
        }
        let crossed = !f.mark.see.is_empty() || !f.mark.see_also.is_empty();
        node.see.extend(f.mark.see.iter().cloned());
        node.see_also.extend(f.mark.see_also.iter().cloned());
        if crossed {
            sees.push((path, at));
            continue;
        }
        let locator = IndexLocator {
            chapter: f.chapter,
            id: f.id,
            end: f.end,
            section: f.section,
        };
        match f.mark.range {
            None => locators.push((path, locator, at)),
            Some(RangeEnd::Start) => {
                open.entry(path.clone()).or_default().push(locators.len());
                locators.push((path, locator, at));
            }
            Some(RangeEnd::Section) => locators.push((path, locator, at)),
            Some(RangeEnd::End) => match open.get_mut(&path).and_then(|v| v.pop()) {
                Some(start) => locators[start].1.end = Some(locator.id),
                None => diags.push(
                    Diagnostic::warning(
                        Code::Index,
                        at,
                        format!(
                            "the index range of `{}` ends here but was not opened: this mark is read as a single place",
                            path.join("!")
                        ),
                    )
                    .help("open it earlier with `range=start` and the same `key`"),
                ),
            },
        }
    }
    for (path, starts) in &open {
        for &s in starts {
            diags.push(
                Diagnostic::warning(
                    Code::Index,
                    locators[s].2.clone(),
                    format!(
                        "the index range of `{}` opens here and is never closed: it is read as a single place",
                        path.join("!")
                    ),
                )
                .help("close it with a mark of the same `key` and `range=end`"),
            );
        }
    }
    for (n, (path, locator, _)) in locators.into_iter().enumerate() {
        let mut node = &mut root;
        for name in &path {
            node = node.child(name);
        }
        node.locators.push((n, locator));
    }
    merge_capitals(&mut root);
    let collator = Collation::new(lang);
    let mut entries = make_entries(root.children, ids, &collator);
    link_cross_references(&mut entries, &sees, diags);
    Index {
        groups: group(entries, &collator),
    }
}

/// "Kerning" marked at the start of a sentence and "kerning" within one
/// are one entry, the second's.
fn merge_capitals(node: &mut Node) {
    let lowered = |name: &str| -> String {
        let mut c = name.chars();
        c.next()
            .map(|f| f.to_lowercase().chain(c).collect())
            .unwrap_or_default()
    };
    let children = std::mem::take(&mut node.children);
    let names = std::mem::take(&mut node.by_name);
    let mut merged: Vec<(String, Node)> = Vec::new();
    for (name, child) in children {
        let low = lowered(&name);
        if low != name && names.contains_key(&low) {
            merged.push((low, child));
        } else {
            node.by_name.insert(name.clone(), node.children.len());
            node.children.push((name, child));
        }
    }
    for (low, child) in merged {
        absorb(node.child(&low), child);
    }
    for (_, child) in &mut node.children {
        merge_capitals(child);
    }
}

/// Adds `from`'s places, cross-references and sub-entries to `into`.
fn absorb(into: &mut Node, from: Node) {
    into.locators.extend(from.locators);
    into.locators.sort_by_key(|l| l.0);
    into.see.extend(from.see);
    into.see_also.extend(from.see_also);
    for (name, child) in from.children {
        let target = into.child(&name);
        if target.words.is_empty() {
            target.words = child.words.clone();
        }
        absorb(target, child);
    }
}

/// Sorting by the rules of a language.
struct Collation {
    full: Option<icu_collator::CollatorBorrowed<'static>>,
    primary: Option<icu_collator::CollatorBorrowed<'static>>,
}

impl Collation {
    fn new(lang: &str) -> Collation {
        use icu_collator::options::{CollatorOptions, Strength};
        let locale: icu_locale_core::Locale =
            lang.parse().unwrap_or(icu_locale_core::Locale::UNKNOWN);
        let make = |strength| {
            let mut options = CollatorOptions::default();
            options.strength = Some(strength);
            icu_collator::Collator::try_new((&locale).into(), options).ok()
        };
        Collation {
            full: make(Strength::Tertiary),
            primary: make(Strength::Primary),
        }
    }

    fn compare(&self, a: &str, b: &str) -> Ordering {
        self.full
            .as_ref()
            .map_or(Ordering::Equal, |c| c.compare(a, b))
            .then_with(|| a.cmp(b))
    }

    /// Whether two letters are the same letter but for accents and case
    /// (in French, e and é; in Swedish not a and ä).
    fn same_letter(&self, a: &str, b: &str) -> bool {
        self.primary
            .as_ref()
            .map_or(a == b, |c| c.compare(a, b) == Ordering::Equal)
    }
}

fn make_entries(
    mut nodes: Vec<(String, Node)>,
    ids: &mut Ids,
    collator: &Collation,
) -> Vec<IndexEntry> {
    nodes.sort_by(|a, b| collator.compare(&a.0, &b.0));
    nodes
        .into_iter()
        .map(|(name, node)| IndexEntry {
            id: ids.unique(&format!("index-{}", slug(&name))),
            term: node.words,
            locators: node.locators.into_iter().map(|(_, l)| l).collect(),
            see: node.see.into_iter().map(|s| (s, None)).collect(),
            see_also: node.see_also.into_iter().map(|s| (s, None)).collect(),
            subentries: make_entries(node.children, ids, collator),
        })
        .collect()
}

/// Each `See` and `See also` linked to the entry it names (`entry` or
/// `entry!sub-entry`, whatever the case of its first letter); one that
/// names no entry is reported.
fn link_cross_references(
    entries: &mut [IndexEntry],
    sees: &[(Vec<String>, Location)],
    diags: &mut Diagnostics,
) {
    fn names(entries: &[IndexEntry], prefix: &str, out: &mut HashMap<String, String>) {
        for e in entries {
            let name = format!("{prefix}{}", plain_text(&e.term).trim().to_lowercase());
            out.insert(name.clone(), e.id.clone());
            names(&e.subentries, &format!("{name}!"), out);
        }
    }
    let mut known = HashMap::new();
    names(entries, "", &mut known);
    fn each(
        entries: &mut [IndexEntry],
        path: &mut Vec<String>,
        f: &mut impl FnMut(&[String], &mut IndexEntry),
    ) {
        for e in entries {
            path.push(plain_text(&e.term).trim().to_string());
            f(path, e);
            each(&mut e.subentries, path, f);
            path.pop();
        }
    }
    each(entries, &mut Vec::new(), &mut |path, e| {
        for (target, id) in e.see.iter_mut().chain(e.see_also.iter_mut()) {
            let key: String = target
                .split('!')
                .map(|s| s.trim().to_lowercase())
                .collect::<Vec<_>>()
                .join("!");
            *id = known.get(&key).cloned();
            if id.is_none() {
                let at = sees
                    .iter()
                    .find(|(p, _)| p.as_slice() == path)
                    .map(|(_, at)| at.clone());
                if let Some(at) = at {
                    diags.push(
                        Diagnostic::warning(
                            Code::Index,
                            at,
                            format!(
                                "the index sends the reader to `{target}`, which is not an entry of the index"
                            ),
                        )
                        .help("mark the places of that entry, or name an entry that is there"),
                    );
                }
            }
        }
    });
}

/// The entries by initial letter: one group for each letter (letters the
/// language counts as one, such as e and é in French, together), one
/// before them for entries that start with a digit or a sign.
fn group(entries: Vec<IndexEntry>, collator: &Collation) -> Vec<IndexGroup> {
    let mut groups: Vec<IndexGroup> = Vec::new();
    for e in entries {
        let text = plain_text(&e.term);
        let first = text.trim().chars().next().filter(|c| c.is_alphabetic());
        let letter = first.map(|c| {
            let upper: String = c.to_uppercase().collect();
            // The letter without its accent, when the language counts
            // them as one.
            use unicode_normalization::UnicodeNormalization;
            let base: String = upper.nfd().take(1).collect();
            if collator.same_letter(&base, &upper) {
                base
            } else {
                upper
            }
        });
        match groups.last_mut() {
            Some(g)
                if match (&g.letter, &letter) {
                    (None, None) => true,
                    (Some(a), Some(b)) => collator.same_letter(a, b),
                    _ => false,
                } =>
            {
                g.entries.push(e)
            }
            _ => groups.push(IndexGroup {
                letter,
                entries: vec![e],
            }),
        }
    }
    groups
}
