//! The pages around the text: cover, title page, copyright page.

use super::xhtml::{byline, escape};
use crate::model::Book;
use crate::typography::{human_date, labels};
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
    let l = labels(&m.language);
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
    if let Some(series) = &m.series {
        let pos = series
            .position
            .as_ref()
            .map(|p| format!(", {} {p}", l.book))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "<p class=\"series\">{}{}</p>",
            escape(&series.name),
            escape(&pos)
        );
    }
    if let Some(p) = &m.publisher {
        let _ = writeln!(s, "<p class=\"publisher\">{}</p>", escape(p));
    }
    s.push_str("</section>\n");
    s
}

pub fn copyright_page(book: &Book, family: &str) -> String {
    let m = &book.meta;
    let l = labels(&m.language);
    let mut s = String::from("<section class=\"copyright\" epub:type=\"copyright-page\">\n");
    let mut line = |text: String| {
        let _ = writeln!(s, "<p>{}</p>", escape(&text));
    };
    line(
        m.title.clone()
            + &m.subtitle
                .as_ref()
                .map(|t| format!(": {t}"))
                .unwrap_or_default(),
    );
    if let Some(r) = &m.rights {
        line(r.clone());
    } else {
        let authors: Vec<String> = m.authors().map(str::to_string).collect();
        if !authors.is_empty() {
            let year = m
                .date
                .as_ref()
                .map(|d| format!(" {}", &d[..4.min(d.len())]))
                .unwrap_or_default();
            line(format!(
                "{} ©{year} {}",
                l.copyright,
                byline(&authors, &m.language)
            ));
        }
    }
    if let Some(src) = &m.source {
        line(format!("{} {src}.", l.first_published_in));
    }
    if let Some(p) = &m.publisher {
        line(format!("{} {p}.", l.published_by));
    }
    if let Some(d) = &m.date {
        line(format!("{} {}.", l.published, human_date(d, &m.language)));
    }
    line(m.identifier.display());
    line(format!("{} {family}.", l.set_in));
    s.push_str("</section>\n");
    s
}
