//! The navigation document (`nav.xhtml`): the table of contents, the
//! landmarks reading systems jump to, and the print edition's page list.
//! Written here from the book's own entries, in the book's language.

use super::xhtml::{self, escape};
use crate::model::{BlockKind, Book, PageBreak};
use std::collections::BTreeSet;
use std::fmt::Write;

/// One entry of the contents: a document or a place in it, and what
/// comes under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub href: String,
    pub title: String,
    pub children: Vec<Entry>,
}

impl Entry {
    pub fn new(href: impl Into<String>, title: impl Into<String>) -> Entry {
        Entry {
            href: href.into(),
            title: title.into(),
            children: Vec::new(),
        }
    }

    /// Levels from this entry down to its deepest.
    pub fn depth(&self) -> usize {
        1 + self.children.iter().map(Entry::depth).max().unwrap_or(0)
    }
}

/// Entries nested by their level: each goes under the last one before it
/// of a lower level (a part's chapters under the part), after the
/// sections the entry already holds.
pub fn nest(flat: Vec<(u8, Entry)>) -> Vec<Entry> {
    struct Node {
        level: u8,
        entry: Entry,
        under: Vec<Node>,
    }
    fn add(nodes: &mut Vec<Node>, level: u8, entry: Entry) {
        match nodes.last_mut() {
            Some(last) if last.level < level => add(&mut last.under, level, entry),
            _ => nodes.push(Node {
                level,
                entry,
                under: Vec::new(),
            }),
        }
    }
    fn finish(nodes: Vec<Node>) -> Vec<Entry> {
        nodes
            .into_iter()
            .map(|n| {
                let mut e = n.entry;
                e.children.extend(finish(n.under));
                e
            })
            .collect()
    }
    let mut top = Vec::new();
    for (level, entry) in flat {
        add(&mut top, level, entry);
    }
    finish(top)
}

/// The whole navigation document.
pub struct Nav<'a> {
    pub lang: &'a str,
    pub rtl: bool,
    /// "Contents", in the book's language.
    pub heading: &'a str,
    pub contents: &'a [Entry],
    /// `(epub:type, href, name)` for each landmark.
    pub landmarks: &'a [(&'a str, String, String)],
    /// `(href, label)` for each page of the print edition.
    pub pages: &'a [(String, String)],
}

impl Nav<'_> {
    pub fn document(&self) -> String {
        let lang = escape(self.lang);
        let dir = if self.rtl { " dir=\"rtl\"" } else { "" };
        let mut s = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
<html{dir} xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{lang}\" lang=\"{lang}\">\n\
<head>\n  <meta charset=\"utf-8\"/>\n  <title>{0}</title>\n  \
<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body>\n  \
<nav epub:type=\"toc\" id=\"toc\">\n    <h1 id=\"toc-title\">{0}</h1>\n",
            escape(self.heading)
        );
        list(&mut s, self.contents, 2);
        s.push_str("  </nav>\n");
        s.push_str(
            "  <nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n    <h2>Landmarks</h2>\n    <ol>\n",
        );
        for (kind, href, name) in self.landmarks {
            let _ = writeln!(
                s,
                "      <li><a epub:type=\"{kind}\" href=\"{}\">{}</a></li>",
                escape(href),
                escape(name)
            );
        }
        s.push_str("    </ol>\n  </nav>\n");
        if !self.pages.is_empty() {
            s.push_str(
                "  <nav epub:type=\"page-list\" id=\"page-list\" hidden=\"hidden\">\n    <h2>Pages</h2>\n    <ol>\n",
            );
            for (href, label) in self.pages {
                let _ = writeln!(
                    s,
                    "      <li><a href=\"{}\">{}</a></li>",
                    escape(href),
                    escape(label)
                );
            }
            s.push_str("    </ol>\n  </nav>\n");
        }
        s.push_str("</body>\n</html>\n");
        s
    }
}

/// An `<ol>` of entries, each with its own list beneath it.
fn list(s: &mut String, entries: &[Entry], indent: usize) {
    let pad = "  ".repeat(indent);
    let _ = writeln!(s, "{pad}<ol>");
    for e in entries {
        let link = format!("<a href=\"{}\">{}</a>", escape(&e.href), escape(&e.title));
        if e.children.is_empty() {
            let _ = writeln!(s, "{pad}  <li>{link}</li>");
        } else {
            let _ = writeln!(s, "{pad}  <li>\n{pad}    {link}");
            list(s, &e.children, indent + 2);
            let _ = writeln!(s, "{pad}  </li>");
        }
    }
    let _ = writeln!(s, "{pad}</ol>");
}

/// The chapter and its sections (level 2, with level 3 beneath them).
pub fn toc_entry(file: &str, title: &str, blocks: &[crate::model::Block]) -> Entry {
    let mut chapter = Entry::new(file, xhtml::clean(title));
    // Whether the last entry under the chapter is a section (level 2),
    // which takes the level-3 headings after it.
    let mut in_section = false;
    for b in blocks {
        if let BlockKind::Heading {
            level, id, content, ..
        } = &b.kind
        {
            let entry = Entry::new(
                format!("{file}#{id}"),
                xhtml::clean(&crate::model::plain_text(content)),
            );
            match (level, chapter.children.last_mut()) {
                (2, _) => {
                    chapter.children.push(entry);
                    in_section = true;
                }
                (3, Some(section)) if in_section => section.children.push(entry),
                (3, _) => chapter.children.push(entry),
                _ => {}
            }
        }
    }
    chapter
}

/// The print edition's pages, for reading systems' "go to page": the
/// navigation document's `page-list`, when the book has one.
pub fn page_list(book: &Book, print_pages: &[PageBreak]) -> Vec<(String, String)> {
    print_pages
        .iter()
        .map(|b| {
            (
                format!("{}.xhtml#page-{}", book.chapters[b.chapter].id, b.label),
                b.label.clone(),
            )
        })
        .collect()
}

/// The landmarks: `(epub:type, href, name)`.
pub fn landmarks(book: &Book) -> Vec<(&'static str, String, String)> {
    // Every book has a cover: its own, or a generated one.
    let mut out = vec![
        ("cover", "cover.xhtml".to_string(), "Cover".to_string()),
        (
            "titlepage",
            "title.xhtml".to_string(),
            "Title Page".to_string(),
        ),
    ];
    // Where each part of the book begins, and the first of each kind of
    // front and back matter that has a landmark of its own.
    let mut seen = BTreeSet::new();
    for ch in &book.chapters {
        let matter = ch.role.matter();
        let role = ch.role.epub_type().filter(|t| LANDMARKS.contains(t));
        for kind in [Some(matter), role].into_iter().flatten() {
            if seen.insert(kind) {
                let name = match ch.contents_title() {
                    t if t.trim().is_empty() => landmark_name(kind).to_string(),
                    t => t,
                };
                out.push((kind, format!("{}.xhtml", ch.id), name));
            }
        }
    }
    out.push((
        "copyright-page",
        "copyright.xhtml".to_string(),
        "Copyright".to_string(),
    ));
    out
}

/// The roles that get a landmark of their own (EPUB 3 Structural
/// Semantics names reading systems act on).
const LANDMARKS: [&str; 9] = [
    "dedication",
    "epigraph",
    "foreword",
    "preface",
    "introduction",
    "acknowledgments",
    "appendix",
    "glossary",
    "bibliography",
];

fn landmark_name(kind: &str) -> &str {
    match kind {
        "frontmatter" => "Front Matter",
        "bodymatter" => "Start of Content",
        "backmatter" => "Back Matter",
        "dedication" => "Dedication",
        "epigraph" => "Epigraph",
        other => other,
    }
}
