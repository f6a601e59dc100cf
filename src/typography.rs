//! Language-aware typographic punctuation for plain text.
//!
//! Plain-text manuscripts get the treatment Markdown gets from smart
//! punctuation: straight quotes become curly, `--` an en dash, `---` an em
//! dash, `...` an ellipsis. Characters that are already typographic are kept
//! exactly. This module must not change anything but these punctuation marks.

/// Makes straight quotes, dashes and dots typographic.
pub fn smarten(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = if i == 0 { None } else { Some(chars[i - 1]) };
        match c {
            '-' if chars.get(i + 1) == Some(&'-') => {
                if chars.get(i + 2) == Some(&'-') {
                    out.push('\u{2014}');
                    i += 3;
                } else {
                    out.push('\u{2013}');
                    i += 2;
                }
                continue;
            }
            '.' if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') => {
                out.push('\u{2026}');
                i += 3;
                continue;
            }
            '"' => out.push(if opens(prev) { '\u{201C}' } else { '\u{201D}' }),
            '\'' => {
                // An apostrophe inside a word (don't) or before a year ('90s)
                // is a right single quote, as is any closing quote.
                let next = chars.get(i + 1).copied();
                let elision = next.is_some_and(|n| n.is_ascii_digit())
                    && prev.is_none_or(char::is_whitespace);
                out.push(if opens(prev) && !elision {
                    '\u{2018}'
                } else {
                    '\u{2019}'
                });
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// A quote opens when it starts the text or follows a space, an opening
/// bracket, a dash or another opening quote.
fn opens(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(p) => {
            p.is_whitespace()
                || matches!(
                    p,
                    '(' | '[' | '{' | '\u{2014}' | '\u{2013}' | '-' | '\u{201C}' | '\u{2018}' | '/'
                )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::smarten;

    #[test]
    fn quotes_and_dashes() {
        assert_eq!(
            smarten("\"Hi,\" she said."),
            "\u{201C}Hi,\u{201D} she said."
        );
        assert_eq!(
            smarten("don't 'quote'"),
            "don\u{2019}t \u{2018}quote\u{2019}"
        );
        assert_eq!(smarten("in the '90s"), "in the \u{2019}90s");
        assert_eq!(
            smarten("a -- b --- c..."),
            "a \u{2013} b \u{2014} c\u{2026}"
        );
    }

    #[test]
    fn keeps_typographic_characters() {
        let s = "\u{201C}Persons of Concern\u{201D} \u{2013} Maliki\u{2019}s";
        assert_eq!(smarten(s), s);
    }
}

pub use crate::locale::{Labels, human_date, labels, speaks};
use crate::model::metadata::primary_subtag;

/// Whether a character belongs to the scripts written without spaces
/// between words (Chinese and Japanese: ideographs, kana, their
/// punctuation and full- and half-width forms). A line may break between
/// two of them, and a line break in the source between them is no space.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// A label word and its number, the way the language writes them:
/// "Chapter 3", "Figure 1.2" (`sep` between, a no-break space for
/// figures), "第3章" where the word holds a `{}`, "図1.2" after an
/// ideograph or kana.
pub fn numbered(word: &str, n: &str, sep: &str) -> String {
    if word.contains("{}") {
        return word.replacen("{}", n, 1);
    }
    if word.chars().last().is_some_and(is_cjk) {
        format!("{word}{n}")
    } else {
        format!("{word}{sep}{n}")
    }
}

/// “Amir Basiri”, “A and B”, “A, B and C”.
/// What joins a chapter's label to its title on one line ("Chapter 3: The
/// Storm"); French sets a thin space before the colon.
pub fn label_separator(lang: &str) -> &'static str {
    match primary_subtag(lang).as_str() {
        "fr" => "\u{202F}: ",
        "ja" | "zh" => "：",
        _ => ": ",
    }
}

/// A label and what it labels, as one line of the copyright page:
/// "Published by Faber." and "発行所：新潮社。".
fn labelled(label: &str, value: &str, lang: &str) -> String {
    let wide = label.ends_with(['：', '　']);
    let stop = match primary_subtag(lang).as_str() {
        "ja" | "zh" => "。",
        _ => ".",
    };
    let value = value.trim_end_matches(['.', '。']);
    if wide {
        format!("{label}{value}{stop}")
    } else {
        format!("{label} {value}{stop}")
    }
}

pub fn byline(names: &[String], lang: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), labels(lang).and),
    }
}

/// “First published in *Breitbart*, 1 September 2014”. A source that
/// already says how the piece appeared (“First published in …”,
/// “Originally appeared in …”, “Reprinted from …”) is printed as given.
pub fn provenance(
    source: Option<&[crate::model::Inline]>,
    date: Option<&str>,
    lang: &str,
) -> Option<Vec<crate::model::Inline>> {
    use crate::model::Inline;
    let mut out = Vec::new();
    if let Some(s) = source {
        if !says_how(&crate::model::plain_text(s), lang) {
            out.push(Inline::text(format!(
                "{} ",
                labels(lang).first_published_in
            )));
        }
        out.extend(s.iter().cloned());
    }
    if let Some(d) = date {
        if !out.is_empty() {
            out.push(Inline::text(", "));
        }
        out.push(Inline::text(d));
    }
    (!out.is_empty()).then_some(out)
}

/// Whether a source line says for itself how the piece first appeared.
fn says_how(source: &str, lang: &str) -> bool {
    let lower = source.trim().to_lowercase();
    if lower.starts_with(&labels(lang).first_published_in.to_lowercase()) {
        return true;
    }
    // Its opening words: "Originally published in", "Reprinted from",
    // "Appeared in", "Publié dans" …
    let head: Vec<&str> = lower.split_whitespace().take(4).collect();
    head.iter().any(|w| {
        [
            "published",
            "publication",
            "appeared",
            "reprinted",
            "printed",
            "publié",
            "publiée",
            "erschienen",
            "veröffentlicht",
            "publicado",
            "publicada",
            "pubblicato",
            "pubblicata",
        ]
        .contains(w)
    })
}

/// Credit lines for the title page: "Edited by …", "Translated by …",
/// "Illustrated by …", in the book's language.
pub fn credits(meta: &crate::model::Metadata) -> Vec<String> {
    contributor_credits(&meta.contributors, &meta.language)
}

/// "Translated by Ana Lima", "Edited by …": a line for each role but
/// the author's.
pub fn contributor_credits(contributors: &[crate::model::Contributor], lang: &str) -> Vec<String> {
    use crate::model::Role;
    let l = labels(lang);
    let mut out = Vec::new();
    for (role, verb) in [
        (Role::Editor, l.edited_by),
        (Role::Translator, l.translated_by),
        (Role::Illustrator, l.illustrated_by),
    ] {
        let names: Vec<String> = contributors
            .iter()
            .filter(|c| c.role == role)
            .map(|c| c.name.clone())
            .collect();
        if !names.is_empty() {
            out.push(format!("{verb} {}", byline(&names, lang)));
        }
    }
    out
}

/// The lines of a copyright page (the colophon), in the book's language:
/// title, rights, first appearance, publisher, date, identifier, typeface.
pub fn colophon(meta: &crate::model::Metadata, typeface: &str) -> Vec<String> {
    let l = labels(&meta.language);
    let mut lines = vec![match &meta.subtitle {
        Some(s) => format!("{}: {s}", meta.title),
        None => meta.title.clone(),
    }];
    if let Some(r) = &meta.rights {
        lines.push(r.clone());
    } else {
        let authors: Vec<String> = meta.authors().map(str::to_string).collect();
        if !authors.is_empty() {
            let year = meta
                .date
                .as_ref()
                .map(|d| format!(" {}", &d[..4.min(d.len())]))
                .unwrap_or_default();
            lines.push(format!(
                "{} ©{year} {}",
                l.copyright,
                byline(&authors, &meta.language)
            ));
        }
    }
    if let Some(src) = &meta.source {
        let src = src.trim_end_matches('.');
        if says_how(src, &meta.language) {
            lines.push(format!("{src}."));
        } else {
            lines.push(labelled(l.first_published_in, src, &meta.language));
        }
    }
    if let Some(p) = &meta.publisher {
        lines.push(labelled(l.published_by, p, &meta.language));
    }
    if let Some(d) = &meta.date {
        lines.push(labelled(
            l.published,
            &human_date(d, &meta.language),
            &meta.language,
        ));
    }
    // An ISBN is printed; an identifier made up for the EPUB is not.
    if let crate::model::Identifier::Isbn(_) | crate::model::Identifier::Other(_) = meta.identifier
    {
        lines.push(meta.identifier.display());
    }
    lines.push(labelled(l.set_in, typeface, &meta.language));
    lines
}

/// Quotation marks and spacing as the book's language writes them, from
/// the English-style curly quotes the readers produce: « » with narrow
/// no-break spaces in French (which also puts one before ; : ! ?), „ “ in
/// German, « » in Spanish and Italian. Other languages keep “ ”.
/// Apostrophes (’) are never touched.
pub fn localize_quotes(text: &str, lang: &str) -> String {
    const NNBSP: char = '\u{202F}';
    let primary = primary_subtag(lang);
    let (open, close, inner): (&str, &str, bool) = match primary.as_str() {
        "fr" => ("«\u{202F}", "\u{202F}»", true),
        "de" if !lang.eq_ignore_ascii_case("de-CH") => ("„", "“", false),
        "de" => ("«", "»", false),
        "es" | "it" | "ca" => ("«", "»", false),
        _ => return text.to_string(),
    };
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\u{201C}' => out.push_str(open),
            '\u{201D}' => {
                if inner && out.ends_with(' ') {
                    out.pop();
                }
                out.push_str(close);
            }
            ';' | ':' | '!' | '?' if primary == "fr" => {
                // French sets a narrow space before high punctuation; only
                // where the author put a space, so times and URLs are safe.
                if out.ends_with(' ') {
                    out.pop();
                    out.push(NNBSP);
                }
                out.push(c);
            }
            ' ' if inner && out.ends_with('«') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod quote_tests {
    use super::localize_quotes;

    #[test]
    fn french_german_spanish() {
        assert_eq!(
            localize_quotes("Il dit \u{201C}oui\u{201D} ; c\u{2019}est vrai !", "fr"),
            "Il dit «\u{202F}oui\u{202F}»\u{202F}; c\u{2019}est vrai\u{202F}!"
        );
        assert_eq!(
            localize_quotes("à 10:30, voir http://x.fr", "fr-CA"),
            "à 10:30, voir http://x.fr"
        );
        assert_eq!(
            localize_quotes("Er sagte \u{201C}ja\u{201D}.", "de"),
            "Er sagte \u{201E}ja\u{201C}."
        );
        assert_eq!(
            localize_quotes("Dijo \u{201C}sí\u{201D}.", "es"),
            "Dijo «sí»."
        );
        assert_eq!(
            localize_quotes("He said \u{201C}yes\u{201D}.", "en"),
            "He said \u{201C}yes\u{201D}."
        );
    }
}

/// “Quire Handbooks, book 1”: the series line of a title page.
pub fn series_line(meta: &crate::model::Metadata) -> Option<String> {
    let series = meta.series.as_ref()?;
    let pos = series
        .position
        .as_ref()
        .map(|p| format!(", {} {p}", labels(&meta.language).book))
        .unwrap_or_default();
    Some(format!("{}{pos}", series.name))
}

/// Lower-case Roman numerals: 4 → "iv", 1999 → "mcmxcix".
pub fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// A number spelled out, capitalised as in a heading ("Twenty-One",
/// "Vingt et un"), in the book's language; digits past the words we know.
pub fn number_word(n: u32, lang: &str) -> String {
    let language = primary_subtag(lang);
    let words = match language.as_str() {
        "fr" => french_number(n),
        "de" => german_number(n),
        "es" => spanish_number(n),
        "it" => italian_number(n),
        "en" => english_number(n),
        // Digits where Quire has no words for the language.
        _ => None,
    };
    match words {
        Some(w) => capitalise(&w, !matches!(language.as_str(), "fr" | "de" | "es" | "it")),
        None => n.to_string(),
    }
}

fn capitalise(s: &str, english: bool) -> String {
    // English headings capitalise each part of a compound ("Twenty-One").
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c == '-' && english;
    }
    out
}

fn english_number(n: u32) -> Option<String> {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    Some(match n {
        0..=19 => ONES[n as usize].to_string(),
        20..=99 if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        20..=99 => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
        100..=999 => {
            let rest = n % 100;
            let head = format!("{} hundred", ONES[(n / 100) as usize]);
            if rest == 0 {
                head
            } else {
                format!("{head} and {}", english_number(rest)?)
            }
        }
        _ => return None,
    })
}

fn french_number(n: u32) -> Option<String> {
    const ONES: [&str; 17] = [
        "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
        "onze", "douze", "treize", "quatorze", "quinze", "seize",
    ];
    const TENS: [&str; 7] = [
        "",
        "dix",
        "vingt",
        "trente",
        "quarante",
        "cinquante",
        "soixante",
    ];
    Some(match n {
        0..=16 => ONES[n as usize].to_string(),
        17..=19 => format!("dix-{}", ONES[(n - 10) as usize]),
        20..=69 => {
            let (t, o) = (n / 10, n % 10);
            match o {
                0 => TENS[t as usize].to_string(),
                1 => format!("{} et un", TENS[t as usize]),
                _ => format!("{}-{}", TENS[t as usize], ONES[o as usize]),
            }
        }
        70..=79 if n == 71 => "soixante et onze".to_string(),
        70..=79 => format!("soixante-{}", french_number(n - 60)?),
        80 => "quatre-vingts".to_string(),
        81..=99 => format!("quatre-vingt-{}", french_number(n - 80)?),
        _ => return None,
    })
}

fn german_number(n: u32) -> Option<String> {
    const ONES: [&str; 20] = [
        "null",
        "eins",
        "zwei",
        "drei",
        "vier",
        "fünf",
        "sechs",
        "sieben",
        "acht",
        "neun",
        "zehn",
        "elf",
        "zwölf",
        "dreizehn",
        "vierzehn",
        "fünfzehn",
        "sechzehn",
        "siebzehn",
        "achtzehn",
        "neunzehn",
    ];
    const TENS: [&str; 10] = [
        "", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig",
        "neunzig",
    ];
    Some(match n {
        0..=19 => ONES[n as usize].to_string(),
        20..=99 if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        20..=99 => {
            let one = if n % 10 == 1 {
                "ein"
            } else {
                ONES[(n % 10) as usize]
            };
            format!("{one}und{}", TENS[(n / 10) as usize])
        }
        _ => return None,
    })
}

fn spanish_number(n: u32) -> Option<String> {
    const ONES: [&str; 30] = [
        "cero",
        "uno",
        "dos",
        "tres",
        "cuatro",
        "cinco",
        "seis",
        "siete",
        "ocho",
        "nueve",
        "diez",
        "once",
        "doce",
        "trece",
        "catorce",
        "quince",
        "dieciséis",
        "diecisiete",
        "dieciocho",
        "diecinueve",
        "veinte",
        "veintiuno",
        "veintidós",
        "veintitrés",
        "veinticuatro",
        "veinticinco",
        "veintiséis",
        "veintisiete",
        "veintiocho",
        "veintinueve",
    ];
    const TENS: [&str; 10] = [
        "",
        "",
        "",
        "treinta",
        "cuarenta",
        "cincuenta",
        "sesenta",
        "setenta",
        "ochenta",
        "noventa",
    ];
    Some(match n {
        0..=29 => ONES[n as usize].to_string(),
        30..=99 if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        30..=99 => format!("{} y {}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
        _ => return None,
    })
}

fn italian_number(n: u32) -> Option<String> {
    const ONES: [&str; 20] = [
        "zero",
        "uno",
        "due",
        "tre",
        "quattro",
        "cinque",
        "sei",
        "sette",
        "otto",
        "nove",
        "dieci",
        "undici",
        "dodici",
        "tredici",
        "quattordici",
        "quindici",
        "sedici",
        "diciassette",
        "diciotto",
        "diciannove",
    ];
    const TENS: [&str; 10] = [
        "",
        "",
        "venti",
        "trenta",
        "quaranta",
        "cinquanta",
        "sessanta",
        "settanta",
        "ottanta",
        "novanta",
    ];
    Some(match n {
        0..=19 => ONES[n as usize].to_string(),
        20..=99 => {
            let tens = TENS[(n / 10) as usize];
            match n % 10 {
                0 => tens.to_string(),
                // "ventuno", "trentotto": the tens drop their vowel.
                o @ (1 | 8) => format!("{}{}", &tens[..tens.len() - 1], ONES[o as usize]),
                3 => format!("{tens}tré"),
                o => format!("{tens}{}", ONES[o as usize]),
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod number_tests {
    use super::{number_word, roman};

    #[test]
    fn numerals() {
        assert_eq!(roman(4), "iv");
        assert_eq!(roman(1999), "mcmxcix");
        assert_eq!(number_word(1, "en"), "One");
        assert_eq!(number_word(21, "en"), "Twenty-One");
        assert_eq!(number_word(115, "en-GB"), "One hundred and fifteen");
        assert_eq!(number_word(21, "fr"), "Vingt et un");
        assert_eq!(number_word(71, "fr"), "Soixante et onze");
        assert_eq!(number_word(92, "fr"), "Quatre-vingt-douze");
        assert_eq!(number_word(21, "de"), "Einundzwanzig");
        assert_eq!(number_word(38, "it"), "Trentotto");
        assert_eq!(number_word(5000, "en"), "5000");
    }
}

/// Whether text holds right-to-left letters (Hebrew, Arabic, …).
pub fn is_rtl_text(text: &str) -> bool {
    text.chars().any(is_rtl_char)
}

/// Whether `c` is a letter written right to left.
pub fn is_rtl_char(c: char) -> bool {
    use unicode_bidi::BidiClass;
    // Nothing before Hebrew is right to left.
    c >= '\u{0590}' && matches!(unicode_bidi::bidi_class(c), BidiClass::R | BidiClass::AL)
}
