//! Book metadata: what it is, who made it, how it is identified.
//!
//! [`MetaInput`] is what a manuscript's front matter or `book.toml` may say;
//! [`Metadata`] is the settled result, with defaults applied, the identifier
//! validated or derived, and command-line overrides in place.

use crate::diagnostics::{Code, Problem};
use serde::{Deserialize, Serialize};

/// A BCP 47 language tag (`en`, `pt-BR`, `zh-Hant-TW`), as written, and
/// what Quire asks of it: its primary language, its direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Lang(String);

impl Lang {
    pub fn new(tag: impl Into<String>) -> Lang {
        Lang(tag.into())
    }

    /// The tag as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag, lower case (`pt-BR` → `pt`).
    pub fn primary(&self) -> String {
        primary_subtag(&self.0)
    }

    /// Whether the language is written right to left.
    pub fn rtl(&self) -> bool {
        rtl_language(&self.0)
    }
}

impl std::ops::Deref for Lang {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The primary language subtag of a tag, lower case (`pt-BR` → `pt`,
/// `zh_TW` → `zh`): the one place a tag is taken apart.
pub fn primary_subtag(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

#[derive(Debug, Clone, Serialize)]
pub struct Metadata {
    pub title: String,
    pub subtitle: Option<String>,
    pub contributors: Vec<Contributor>,
    /// BCP 47 language tag.
    pub language: Lang,
    /// The book reads right to left (its language is Arabic, Hebrew,
    /// Persian, Urdu, …, or its `dir` is `rtl`).
    pub rtl: bool,
    pub identifier: Identifier,
    pub publisher: Option<String>,
    /// Publication date as written: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    pub rights: Option<String>,
    pub description: Option<String>,
    pub subjects: Vec<String>,
    pub series: Option<Series>,
    /// Where the text first appeared.
    pub source: Option<String>,
    /// A short note about the author, as text (the back cover's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_note: Option<String>,
    /// Seconds since the Unix epoch that formats stamp as "modified":
    /// `SOURCE_DATE_EPOCH` if set, else the book's date, else the epoch.
    pub modified: i64,
}

impl Metadata {
    pub fn authors(&self) -> impl Iterator<Item = &str> {
        self.contributors
            .iter()
            .filter(|c| c.role == Role::Author)
            .map(|c| c.name.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contributor {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Author,
    Editor,
    Translator,
    Illustrator,
}

impl Role {
    /// MARC relator code, as EPUB's `role` refinement wants it.
    pub fn marc(self) -> &'static str {
        match self {
            Role::Author => "aut",
            Role::Editor => "edt",
            Role::Translator => "trl",
            Role::Illustrator => "ill",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Translator => "translator",
            Role::Illustrator => "illustrator",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "scheme", content = "value", rename_all = "lowercase")]
pub enum Identifier {
    /// ISBN-13, digits only, check digit verified.
    Isbn(String),
    /// A UUID, derived from title and authors unless given.
    Uuid(String),
    /// Any other identifier the author gave (a DOI, a URL, …).
    Other(String),
}

impl Identifier {
    /// The form used as an EPUB package identifier.
    pub fn urn(&self) -> String {
        match self {
            Identifier::Isbn(d) => format!("urn:isbn:{d}"),
            Identifier::Uuid(u) => format!("urn:uuid:{u}"),
            Identifier::Other(s) => s.clone(),
        }
    }

    /// The form printed on a copyright page.
    pub fn display(&self) -> String {
        match self {
            Identifier::Isbn(d) => format!("ISBN {}", hyphenate_isbn(d)),
            Identifier::Uuid(u) => u.clone(),
            Identifier::Other(s) => s.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    pub position: Option<String>,
}

/// A person as metadata may give one: a bare name, or a name with a role.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "a name, or a name with a role ({name, role})")]
pub enum PersonInput {
    Name(String),
    Full {
        name: String,
        #[serde(default)]
        role: Option<Role>,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "one value or a list of values")]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
    }
}

/// A number or a string, for fields such as a series position or a date
/// that YAML and TOML may type either way.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "a number or a string")]
pub enum Scalar {
    Int(i64),
    Float(f64),
    Text(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Text(s) => f.write_str(s),
        }
    }
}

/// Whether a language is written right to left.
pub fn rtl_language(tag: &str) -> bool {
    matches!(
        primary_subtag(tag).as_str(),
        "ar" | "he" | "iw" | "fa" | "ur" | "yi" | "ps" | "sd" | "ug" | "dv" | "ckb" | "syr"
    ) || tag.contains("-Arab")
        || tag.contains("-Hebr")
}

/// Metadata as a manuscript's front matter or `book.toml` gives it.
/// Field names are kebab-case; common alternatives are accepted as aliases.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MetaInput {
    #[serde(default, deserialize_with = "lenient")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub subtitle: Option<String>,
    #[serde(alias = "authors")]
    pub author: Option<OneOrMany<PersonInput>>,
    #[serde(alias = "editors")]
    pub editor: Option<OneOrMany<String>>,
    #[serde(alias = "translators")]
    pub translator: Option<OneOrMany<String>>,
    #[serde(alias = "illustrators")]
    pub illustrator: Option<OneOrMany<String>>,
    #[serde(alias = "language")]
    pub lang: Option<String>,
    /// `rtl` or `ltr`: the direction the book reads in, when its
    /// language does not say (or to say otherwise).
    #[serde(default, deserialize_with = "lenient")]
    pub dir: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub identifier: Option<String>,
    pub isbn: Option<Scalar>,
    #[serde(default, deserialize_with = "lenient")]
    pub publisher: Option<String>,
    pub date: Option<Scalar>,
    #[serde(
        alias = "copyright",
        alias = "license",
        default,
        deserialize_with = "lenient"
    )]
    pub rights: Option<String>,
    #[serde(
        alias = "abstract",
        alias = "summary",
        default,
        deserialize_with = "lenient"
    )]
    pub description: Option<String>,
    #[serde(alias = "subject", alias = "keywords", alias = "tags")]
    pub subjects: Option<OneOrMany<String>>,
    #[serde(default, deserialize_with = "lenient")]
    pub series: Option<String>,
    #[serde(alias = "series-position", alias = "series-number")]
    pub series_index: Option<Scalar>,
    /// Where the text first appeared (a publication's name or a URL).
    #[serde(
        alias = "published-in",
        alias = "first-published",
        default,
        deserialize_with = "lenient"
    )]
    pub source: Option<String>,
    pub cover: Option<String>,
    /// A short note about the author (Markdown), set after the text.
    #[serde(alias = "bio", alias = "about-author")]
    pub author_note: Option<String>,
    /// `article` or `book`: how the PDF sets a single manuscript.
    pub layout: Option<super::Layout>,
    /// The heading level that starts chapters: 1 or 2.
    pub chapter_level: Option<u8>,
    /// The book's bibliography files: BibLaTeX (.bib), CSL-JSON (.json)
    /// or Hayagriva (.yaml).
    #[serde(alias = "bibliographies")]
    pub bibliography: Option<OneOrMany<String>>,
    /// The citation style: a .csl file in the book, or the name of one
    /// Quire carries (`chicago-notes`, `apa`, …).
    #[serde(alias = "citation-style")]
    pub csl: Option<String>,
}

/// A text field that YAML or TOML may type as a number or a boolean
/// (`title: 1984`): taken as the text it was written as.
fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged, expecting = "text (a string, or a number)")]
    enum Text {
        S(String),
        I(i64),
        F(f64),
        B(bool),
    }
    Ok(Some(match Text::deserialize(d)? {
        Text::S(s) => s,
        Text::I(i) => i.to_string(),
        Text::F(f) => f.to_string(),
        Text::B(b) => b.to_string(),
    }))
}

/// Names of every key [`MetaInput`] accepts (for front matter, where an
/// unknown key is a warning, not an error).
pub const META_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "author",
    "authors",
    "editor",
    "editors",
    "translator",
    "translators",
    "illustrator",
    "illustrators",
    "bibliography",
    "bibliographies",
    "csl",
    "citation-style",
    "lang",
    "language",
    "dir",
    "identifier",
    "isbn",
    "publisher",
    "date",
    "rights",
    "copyright",
    "license",
    "description",
    "abstract",
    "summary",
    "subjects",
    "subject",
    "keywords",
    "tags",
    "series",
    "series-index",
    "series-position",
    "series-number",
    "source",
    "published-in",
    "first-published",
    "cover",
    "author-note",
    "bio",
    "about-author",
    "layout",
    "chapter-level",
];

impl MetaInput {
    /// Every text with the characters no output may carry replaced by
    /// spaces (a `\u0001` escape in YAML or TOML makes one).
    pub fn clean(&mut self) {
        fn text(s: &mut String) {
            if s.chars().any(crate::xml::forbidden) {
                *s = s
                    .chars()
                    .map(|c| if crate::xml::forbidden(c) { ' ' } else { c })
                    .collect();
            }
        }
        fn opt(s: &mut Option<String>) {
            if let Some(s) = s {
                text(s);
            }
        }
        fn many(m: &mut Option<OneOrMany<String>>) {
            match m {
                Some(OneOrMany::One(s)) => text(s),
                Some(OneOrMany::Many(v)) => v.iter_mut().for_each(text),
                None => {}
            }
        }
        fn scalar(s: &mut Option<Scalar>) {
            if let Some(Scalar::Text(t)) = s {
                text(t);
            }
        }
        let person = |p: &mut PersonInput| match p {
            PersonInput::Name(n) | PersonInput::Full { name: n, .. } => text(n),
        };
        match &mut self.author {
            Some(OneOrMany::One(p)) => person(p),
            Some(OneOrMany::Many(v)) => v.iter_mut().for_each(person),
            None => {}
        }
        for f in [
            &mut self.title,
            &mut self.subtitle,
            &mut self.lang,
            &mut self.dir,
            &mut self.identifier,
            &mut self.publisher,
            &mut self.rights,
            &mut self.description,
            &mut self.series,
            &mut self.source,
            &mut self.cover,
            &mut self.author_note,
            &mut self.csl,
        ] {
            opt(f);
        }
        for m in [
            &mut self.editor,
            &mut self.translator,
            &mut self.illustrator,
            &mut self.subjects,
            &mut self.bibliography,
        ] {
            many(m);
        }
        scalar(&mut self.isbn);
        scalar(&mut self.date);
        scalar(&mut self.series_index);
    }

    /// Fields set in `over` replace those in `self`.
    pub fn overlay(&mut self, over: MetaInput) {
        macro_rules! take {
            ($($f:ident),*) => { $( if over.$f.is_some() { self.$f = over.$f; } )* };
        }
        take!(
            title,
            subtitle,
            author,
            editor,
            translator,
            illustrator,
            lang,
            dir,
            identifier,
            isbn,
            publisher,
            date,
            rights,
            description,
            subjects,
            series,
            series_index,
            source,
            cover,
            author_note,
            layout,
            chapter_level,
            bibliography,
            csl
        );
    }

    pub fn contributors(&self) -> Vec<Contributor> {
        let mut out = Vec::new();
        if let Some(a) = &self.author {
            for p in a.clone().into_vec() {
                out.push(match p {
                    PersonInput::Name(name) => Contributor {
                        name,
                        role: Role::Author,
                    },
                    PersonInput::Full { name, role } => Contributor {
                        name,
                        role: role.unwrap_or(Role::Author),
                    },
                });
            }
        }
        for (list, role) in [
            (&self.editor, Role::Editor),
            (&self.translator, Role::Translator),
            (&self.illustrator, Role::Illustrator),
        ] {
            if let Some(l) = list {
                for name in l.clone().into_vec() {
                    out.push(Contributor { name, role });
                }
            }
        }
        out.retain(|c| !c.name.trim().is_empty());
        out
    }
}

/// Checks an ISBN-13 (hyphens and spaces allowed) and returns its 13 digits.
pub fn validate_isbn13(raw: &str) -> Result<String, Problem> {
    let bad = |m: String| Problem::new(Code::Isbn, m);
    let cleaned: String = raw
        .trim()
        .trim_start_matches("urn:isbn:")
        .trim_start_matches("ISBN")
        .trim_start_matches(':')
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{2010}' | '\u{2011}'))
        .collect();
    if !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad(format!(
            "ISBN `{raw}` has characters other than digits and hyphens"
        )));
    }
    if cleaned.len() == 10 {
        return Err(bad(format!(
            "ISBN `{raw}` is an ISBN-10; give the ISBN-13 (prefix 978 and a new check digit)"
        )));
    }
    if cleaned.len() != 13 {
        return Err(bad(format!(
            "ISBN `{raw}` has {} digits; an ISBN-13 has 13",
            cleaned.len()
        )));
    }
    if !(cleaned.starts_with("978") || cleaned.starts_with("979")) {
        return Err(bad(format!("ISBN `{raw}` must begin with 978 or 979")));
    }
    let digits: Vec<u32> = cleaned.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits[..12]
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 })
        .sum();
    let check = (10 - sum % 10) % 10;
    if check != digits[12] {
        return Err(bad(format!(
            "ISBN `{raw}` has a wrong check digit: {} given, {check} expected",
            digits[12]
        )));
    }
    Ok(cleaned)
}

/// `9780306406157` → `978-0-306-40615-7` is registration-group specific; we
/// only separate the prefix and the check digit, which is always right.
/// An ISBN-13 hyphenated by the ISBN agency's ranges (registration
/// group, registrant, publication): 978-0-306-40615-7. Digits outside any
/// range known are printed without hyphens rather than with wrong ones.
pub fn hyphenate_isbn(d: &str) -> String {
    match d.parse::<isbn::Isbn13>().map(|i| i.hyphenate()) {
        Ok(Ok(h)) => h.to_string(),
        _ => d.to_string(),
    }
}

#[cfg(test)]
mod isbn_tests {
    use super::hyphenate_isbn;

    #[test]
    fn hyphens_by_range() {
        assert_eq!(hyphenate_isbn("9780306406157"), "978-0-306-40615-7");
        assert_eq!(hyphenate_isbn("9782070360024"), "978-2-07-036002-4");
        assert_eq!(hyphenate_isbn("9783161484100"), "978-3-16-148410-0");
        assert_eq!(hyphenate_isbn("9784101010014"), "978-4-10-101001-4");
    }
}

/// Looks like an attempt at an ISBN (so a bad one is an error, not an opaque id).
pub fn looks_like_isbn(s: &str) -> bool {
    let t = s.trim();
    if t.starts_with("urn:isbn:") || t.to_ascii_uppercase().starts_with("ISBN") {
        return true;
    }
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    t.chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
        && (10..=13).contains(&digits)
}

/// A UUID that depends only on the title and the authors, so the same book
/// keeps its identifier from build to build (UUID v5 in a Quire namespace).
pub fn derived_uuid(title: &str, authors: &[String]) -> String {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x5c1e_7a0b_9f3d_4e21_8a6b_2d4f_0c9e_7b13);
    let key = format!("{}\u{1f}{}", title.trim(), authors.join("\u{1e}"));
    uuid::Uuid::new_v5(&NAMESPACE, key.as_bytes()).to_string()
}

/// Checks a date as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` and returns its
/// midnight (UTC) as seconds since the Unix epoch.
pub fn parse_date(s: &str) -> Result<i64, Problem> {
    let bad = || {
        Problem::new(
            Code::Date,
            format!("date `{s}` is not YYYY, YYYY-MM or YYYY-MM-DD"),
        )
    };
    let parts: Vec<&str> = s.trim().split('-').collect();
    if parts.is_empty() || parts.len() > 3 || parts[0].len() != 4 {
        return Err(bad());
    }
    let nums: Vec<i64> = parts
        .iter()
        .map(|p| p.parse::<i64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let year = nums[0];
    let month = nums.get(1).copied().unwrap_or(1);
    let day = nums.get(2).copied().unwrap_or(1);
    if !(1..=12).contains(&month) || parts.get(1).is_some_and(|p| p.len() != 2) {
        return Err(bad());
    }
    let date = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .zip(u8::try_from(day).ok())
        .and_then(|(m, d)| time::Date::from_calendar_date(year as i32, m, d).ok())
        .filter(|_| parts.get(2).is_none_or(|p| p.len() == 2))
        .ok_or_else(bad)?;
    Ok(date.midnight().assume_utc().unix_timestamp())
}

/// A time in seconds since the epoch as a UTC date and time, within the
/// years 0000 to 9999 that metadata dates can name.
pub fn utc(secs: i64) -> time::OffsetDateTime {
    const FIRST: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
    const LAST: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    time::OffsetDateTime::from_unix_timestamp(secs.clamp(FIRST, LAST))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// `2024-05-01T00:00:00Z` for a time in seconds since the epoch.
pub fn iso8601(secs: i64) -> String {
    let t = utc(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Checks the shape of a BCP 47 tag (`en`, `en-GB`, `pt-BR`, `zh-Hant-TW`).
pub fn valid_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let Some(primary) = parts.next() else {
        return false;
    };
    if !(2..=8).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn_check_digit() {
        assert_eq!(
            validate_isbn13("978-0-306-40615-7").unwrap(),
            "9780306406157"
        );
        assert!(
            validate_isbn13("978-0-306-40615-8")
                .unwrap_err()
                .message
                .contains("check digit")
        );
        assert!(
            validate_isbn13("0-306-40615-2")
                .unwrap_err()
                .message
                .contains("ISBN-10")
        );
        assert!(looks_like_isbn("978-0-306-40615-8"));
        assert!(!looks_like_isbn("doi:10.1000/182"));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(
            parse_date("2014-09-01").map(iso8601).unwrap(),
            "2014-09-01T00:00:00Z"
        );
        assert_eq!(
            parse_date("2000").map(iso8601).unwrap(),
            "2000-01-01T00:00:00Z"
        );
        assert!(parse_date("2014-02-30").is_err());
        assert!(parse_date("yesterday").is_err());
        assert_eq!(iso8601(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn derived_uuid_is_stable() {
        let a = derived_uuid("Title", &["A".into()]);
        assert_eq!(a, derived_uuid("Title", &["A".into()]));
        assert_ne!(a, derived_uuid("Title", &["B".into()]));
    }

    #[test]
    fn language_tags() {
        assert!(valid_language_tag("en"));
        assert!(valid_language_tag("pt-BR"));
        assert!(!valid_language_tag("english language"));
        assert!(!valid_language_tag(""));
    }
}
