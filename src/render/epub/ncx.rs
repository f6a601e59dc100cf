//! `toc.ncx`, the EPUB 2 table of contents that older reading systems
//! still read: the same entries as the navigation document, numbered in
//! reading order, with the book's identifier as its `dtb:uid`.

use super::nav::Entry;
use super::xhtml::escape;
use std::fmt::Write;

pub fn document(identifier: &str, title: &str, contents: &[Entry]) -> String {
    let depth = contents.iter().map(Entry::depth).max().unwrap_or(1);
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<ncx version=\"2005-1\" xmlns=\"http://www.daisy.org/z3986/2005/ncx/\">\n  <head>\n    \
<meta name=\"dtb:uid\" content=\"{}\"/>\n    <meta name=\"dtb:depth\" content=\"{depth}\"/>\n    \
<meta name=\"dtb:totalPageCount\" content=\"0\"/>\n    <meta name=\"dtb:maxPageNumber\" content=\"0\"/>\n  \
</head>\n  <docTitle>\n    <text>{}</text>\n  </docTitle>\n  <navMap>\n",
        escape(identifier),
        escape(title)
    );
    let mut order = 0;
    points(&mut s, contents, 2, &mut order);
    s.push_str("  </navMap>\n</ncx>\n");
    s
}

fn points(s: &mut String, entries: &[Entry], indent: usize, order: &mut usize) {
    let pad = "  ".repeat(indent);
    for e in entries {
        *order += 1;
        let _ = write!(
            s,
            "{pad}<navPoint playOrder=\"{0}\" id=\"navPoint-{0}\">\n{pad}  <navLabel>\n{pad}    <text>{1}</text>\n{pad}  </navLabel>\n{pad}  <content src=\"{2}\"/>\n",
            order,
            escape(&e.title),
            escape(&e.href)
        );
        points(s, &e.children, indent + 1, order);
        let _ = writeln!(s, "{pad}</navPoint>");
    }
}
