//! The package document (`content.opf`): the book's metadata (written by
//! `package_metadata`), every file in the book with its media type and
//! properties, and the reading order.

use super::xhtml::escape;
use crate::model::{BlockKind, Book, Identifier, Role, metadata::iso8601};
use std::fmt::Write;

/// One file of the book, as the manifest lists it.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    /// Relative to the package document.
    pub href: String,
    pub media_type: String,
    /// `cover-image`, `nav`, `mathml`, …
    pub properties: Vec<&'static str>,
    /// In the reading order (the spine), where it is a document.
    pub in_spine: bool,
}

impl Item {
    /// A file named by its path: its id is the path made an XML name.
    pub fn new(href: &str, media_type: &str) -> Item {
        let id: String = href
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Item {
            id: format!("id_{id}"),
            href: href.to_string(),
            media_type: media_type.to_string(),
            properties: Vec::new(),
            in_spine: false,
        }
    }
}

pub struct Package<'a> {
    pub lang: &'a str,
    /// The identifier's element id in the metadata (`unique-identifier`).
    pub unique_id: &'a str,
    /// The complete `<metadata>…</metadata>` element.
    pub metadata: &'a str,
    pub items: &'a [Item],
    pub rtl: bool,
}

impl Package<'_> {
    pub fn document(&self) -> String {
        let mut s = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<package version=\"3.0\" xml:lang=\"{}\" xmlns=\"http://www.idpf.org/2007/opf\" unique-identifier=\"{}\">\n  {}\n  <manifest>\n",
            escape(self.lang),
            escape(self.unique_id),
            self.metadata.trim()
        );
        for item in self.items {
            let props = if item.properties.is_empty() {
                String::new()
            } else {
                format!(" properties=\"{}\"", item.properties.join(" "))
            };
            let _ = writeln!(
                s,
                "    <item id=\"{}\" href=\"{}\" media-type=\"{}\"{props}/>",
                escape(&item.id),
                escape(&item.href),
                escape(&item.media_type)
            );
        }
        let direction = if self.rtl { "rtl" } else { "ltr" };
        let _ = writeln!(
            s,
            "  </manifest>\n  <spine toc=\"ncx\" page-progression-direction=\"{direction}\">"
        );
        for item in self.items.iter().filter(|i| i.in_spine) {
            let _ = writeln!(s, "    <itemref idref=\"{}\"/>", escape(&item.id));
        }
        s.push_str("  </spine>\n</package>\n");
        s
    }
}

/// The package document's `<metadata>`: Dublin Core, EPUB 3 refinements,
/// and EPUB Accessibility 1.1 (schema.org) properties.
/// `paged`: the EPUB carries the print edition's page breaks.
pub fn package_metadata(book: &Book, paged: bool) -> String {
    let m = &book.meta;
    let mut s = String::from(
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:opf=\"http://www.idpf.org/2007/opf\">\n",
    );
    let mut el = |line: String| {
        s.push_str("    ");
        s.push_str(&line);
        s.push('\n');
    };
    el(format!(
        "<dc:identifier id=\"epub-id-1\">{}</dc:identifier>",
        escape(&m.identifier.urn())
    ));
    if let Identifier::Isbn(_) = m.identifier {
        // ONIX code list 5, value 15: ISBN-13.
        el("<meta refines=\"#epub-id-1\" property=\"identifier-type\" scheme=\"onix:codelist5\">15</meta>".into());
    }
    el(format!(
        "<dc:title id=\"title\">{}</dc:title>",
        escape(&m.title)
    ));
    el("<meta refines=\"#title\" property=\"title-type\">main</meta>".into());
    if let Some(sub) = &m.subtitle {
        el(format!(
            "<dc:title id=\"subtitle\">{}</dc:title>",
            escape(sub)
        ));
        el("<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>".into());
    }
    el(format!(
        "<dc:language>{}</dc:language>",
        escape(&m.language)
    ));
    // The book's own people, then those of its articles (a collection's
    // authors and translators), each once.
    let mut people: Vec<(crate::model::Contributor, bool)> =
        m.contributors.iter().map(|c| (c.clone(), true)).collect();
    for a in book.chapters.iter().filter_map(|c| c.article.as_ref()) {
        let authors = a.authors.iter().map(|name| crate::model::Contributor {
            name: name.clone(),
            role: Role::Author,
        });
        for c in authors.chain(a.contributors.iter().cloned()) {
            if !people
                .iter()
                .any(|(p, _)| p.name == c.name && p.role == c.role)
            {
                people.push((c, false));
            }
        }
    }
    for (i, (c, own)) in people.iter().enumerate() {
        let tag = if c.role == Role::Author && *own {
            "dc:creator"
        } else {
            "dc:contributor"
        };
        let id = format!("contributor-{}", i + 1);
        el(format!("<{tag} id=\"{id}\">{}</{tag}>", escape(&c.name)));
        el(format!(
            "<meta refines=\"#{id}\" property=\"role\" scheme=\"marc:relators\">{}</meta>",
            c.role.marc()
        ));
    }
    if let Some(p) = &m.publisher {
        el(format!("<dc:publisher>{}</dc:publisher>", escape(p)));
    }
    if let Some(d) = &m.date {
        el(format!("<dc:date>{}</dc:date>", escape(d)));
    }
    if let Some(r) = &m.rights {
        el(format!("<dc:rights>{}</dc:rights>", escape(r)));
    }
    if let Some(d) = &m.description {
        el(format!("<dc:description>{}</dc:description>", escape(d)));
    }
    for subject in &m.subjects {
        el(format!("<dc:subject>{}</dc:subject>", escape(subject)));
    }
    if let Some(src) = &m.source {
        el(format!("<dc:source>{}</dc:source>", escape(src)));
    }
    if let Some(series) = &m.series {
        el(format!(
            "<meta property=\"belongs-to-collection\" id=\"series\">{}</meta>",
            escape(&series.name)
        ));
        el("<meta refines=\"#series\" property=\"collection-type\">series</meta>".into());
        if let Some(pos) = &series.position {
            el(format!(
                "<meta refines=\"#series\" property=\"group-position\">{}</meta>",
                escape(pos)
            ));
        }
    }
    el(format!(
        "<meta property=\"dcterms:modified\">{}</meta>",
        iso8601(m.modified)
    ));
    el("<meta name=\"cover\" content=\"cover-image\"/>".into());
    // Accessibility (EPUB Accessibility 1.1): what a reader needs to know
    // before buying. Images make the book partly visual; their alt text is
    // what lets text alone suffice.
    let has_images = !book.images.is_empty();
    let all_alt = all_images_described(book);
    el("<meta property=\"schema:accessMode\">textual</meta>".into());
    if has_images {
        el("<meta property=\"schema:accessMode\">visual</meta>".into());
    }
    if !has_images || all_alt {
        el("<meta property=\"schema:accessModeSufficient\">textual</meta>".into());
    }
    if has_images {
        el("<meta property=\"schema:accessModeSufficient\">textual,visual</meta>".into());
    }
    for feature in [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ] {
        el(format!(
            "<meta property=\"schema:accessibilityFeature\">{feature}</meta>"
        ));
    }
    if has_images && all_alt {
        el("<meta property=\"schema:accessibilityFeature\">alternativeText</meta>".into());
    }
    if paged {
        // The page list follows the print edition built beside it
        // (EPUB Accessibility 1.1, pageBreakSource).
        for feature in ["pageBreakMarkers", "pageNavigation"] {
            el(format!(
                "<meta property=\"schema:accessibilityFeature\">{feature}</meta>"
            ));
        }
        el(format!(
            "<meta property=\"pageBreakSource\">{}</meta>",
            escape(&format!("{} (print edition)", m.identifier.urn()))
        ));
    }
    el("<meta property=\"schema:accessibilityHazard\">none</meta>".into());
    let summary = if has_images && !all_alt {
        "Structured text with a navigable table of contents, headings in reading order and linked footnotes. Some images lack a text description."
    } else {
        "Structured text with a navigable table of contents, headings in reading order and linked footnotes. Images, if any, have text descriptions."
    };
    el(format!(
        "<meta property=\"schema:accessibilitySummary\">{summary}</meta>"
    ));
    s.push_str("  </metadata>");
    s
}

/// Whether every picture of the book (figures, and pictures anywhere in
/// the text: tables, captions, notes) has a text description, as the
/// accessibility metadata claims.
fn all_images_described(book: &Book) -> bool {
    use crate::model::walk::{Node, any};
    let undescribed = |image: &crate::model::Image| image.alt.trim().is_empty();
    book.chapters.iter().all(|c| {
        !any(&c.blocks, |n| match n {
            Node::Block(b) => {
                matches!(&b.kind, BlockKind::Figure { image, .. } if undescribed(image))
            }
            Node::Inline(crate::model::Inline::Image { image }, _) => undescribed(image),
            Node::Inline(..) => false,
        })
    })
}
