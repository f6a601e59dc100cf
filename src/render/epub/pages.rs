//! The pages around the text: cover, title page, copyright page.

use super::xhtml::{byline, escape};
use crate::model::Book;
use std::fmt::Write;

pub fn cover(src: &str, title: &str) -> String {
    format!(
        "<section class=\"cover\" epub:type=\"cover\">\n<img src=\"{}\" alt=\"Cover: {}\"/>\n</section>\n",
        escape(src),
        escape(title)
    )
}

pub fn title_page(book: &Book) -> String {
    let m = &book.meta;
    let mut s = String::from("<section class=\"titlepage\" epub:type=\"titlepage\">\n");
    let _ = writeln!(s, "<h1 epub:type=\"fulltitle\">{}</h1>", escape(&m.title));
    if let Some(sub) = &m.subtitle {
        let _ = writeln!(s, "<p class=\"subtitle\">{}</p>", escape(sub));
    }
    let authors: Vec<String> = m.authors().map(str::to_string).collect();
    if !authors.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"author\">{}</p>",
            escape(&byline(&authors, &m.language))
        );
    }
    for credit in crate::typography::credits(m) {
        let _ = writeln!(s, "<p class=\"contributor\">{}</p>", escape(&credit));
    }
    if let Some(series) = crate::typography::series_line(m) {
        let _ = writeln!(s, "<p class=\"series\">{}</p>", escape(&series));
    }
    if let Some(p) = &m.publisher {
        let _ = writeln!(s, "<p class=\"publisher\">{}</p>", escape(p));
    }
    s.push_str("</section>\n");
    s
}

pub fn copyright_page(book: &Book, family: &str) -> String {
    let mut s = String::from("<section class=\"copyright\" epub:type=\"copyright-page\">\n");
    for line in crate::typography::colophon(&book.meta, family) {
        let _ = writeln!(s, "<p>{}</p>", escape(&line));
    }
    s.push_str("</section>\n");
    s
}
